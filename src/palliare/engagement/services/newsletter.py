"""The newsletter: subscription with double opt-in, preferences, one-click unsubscribe (RFC
8058), editions of text blocks and automatic blocks, test send, and sending in batches through
the task queue with progress and a rate limit.

Sending never holds the recipients in memory: each batch is one query for the next
``NEWSLETTER_BATCH_SIZE`` subscriber ids above the edition's cursor, sent over one connection;
the cursor and the count are saved after every batch, so a resumed task continues where it
stopped and nobody gets the edition twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction
from palliare.training import services as training

from .. import tokens
from ..constants import Audience, EditionStatus
from ..models import Edition, Event, NewsletterList, Subscriber, new_nonce
from .common import log, mail, normalise_email, require_manager, site

AUTOMATIC_BLOCKS = ("events", "trainings", "kpi")
_URL = re.compile(r"https?://[^\s<>\"')]+|www\.[^\s<>\"')]+", re.IGNORECASE)


# --- subscribing ------------------------------------------------------------------------------


def manage_links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's personal unsubscribe and preferences addresses."""
    return _links(subscriber.pk, subscriber.nonce)


@transaction.atomic
def request_subscription(*, email: str, name: str = "", lists: Iterable[NewsletterList]) -> None:
    """Start a subscription: a confirmation link goes to ``email``. An address already
    subscribed gets its preferences link instead. The caller shows the same answer either way."""
    address = normalise_email(email)
    chosen = [lst for lst in lists if lst.is_public]
    if not chosen:
        raise ValidationError(_("Choose at least one newsletter."))
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=address).first()
    if subscriber is not None and subscriber.is_active:
        links: dict[str, Any] = {**manage_links(subscriber)}
        transaction.on_commit(lambda: mail("subscriber_already", links, address))
        return
    if subscriber is None:
        subscriber = Subscriber.objects.create(email=address, name=name.strip()[:100])
    else:
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = None
        subscriber.nonce = new_nonce()
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at", "nonce"])
    subscriber.lists.set(chosen)
    log("engagement.subscription_requested", None, AuditAction.CREATE, subscriber)
    token = tokens.make("subscriber_confirm", subscriber.pk, subscriber.nonce)
    context: dict[str, Any] = {
        "confirm_url": site(reverse("engagement:subscription_confirm", args=[token])),
        "hours": settings.ENGAGEMENT_CONFIRM_HOURS,
        "lists": [lst.name for lst in chosen],
    }
    transaction.on_commit(lambda: mail("subscriber_confirm", context, address))


def _subscriber_from(kind: str, token: str, *, expires: bool) -> Subscriber:
    invalid = _("This link is not valid. Check that you copied it completely.")
    try:
        pk, nonce = tokens.read(kind, token, expires=expires)
    except tokens.InvalidToken as exc:
        if exc.expired:
            raise ValidationError(
                _("This link has expired. Please subscribe again; you will get a new link.")
            ) from exc
        raise ValidationError(invalid) from exc
    subscriber = Subscriber.objects.filter(pk=pk, nonce=nonce).first()
    if subscriber is None:
        raise ValidationError(invalid)
    return subscriber


@transaction.atomic
def confirm_subscription(token: str) -> Subscriber:
    """Confirm through the e-mailed link (once; expires)."""
    subscriber = _subscriber_from("subscriber_confirm", token, expires=True)
    if subscriber.confirmed_at is not None:
        raise ValidationError(_("This link has already been used."))
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["confirmed_at"])
    log("engagement.subscription_confirmed", None, AuditAction.UPDATE, subscriber)
    return subscriber


def subscriber_for_manage(token: str) -> Subscriber:
    """The subscriber of an unsubscribe or preferences link (no expiry; tampered: refused)."""
    return _subscriber_from("subscriber_manage", token, expires=False)


@transaction.atomic
def unsubscribe(token: str) -> Subscriber:
    """One-click unsubscribe (RFC 8058) or the footer link: no more editions."""
    subscriber = subscriber_for_manage(token)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
        log("engagement.unsubscribed", None, AuditAction.UPDATE, subscriber)
    return subscriber


@transaction.atomic
def update_preferences(token: str, *, lists: Iterable[NewsletterList]) -> Subscriber:
    """Choose the lists; none chosen is unsubscribing."""
    subscriber = subscriber_for_manage(token)
    chosen = [lst for lst in lists if lst.is_public or lst in subscriber.lists.all()]
    subscriber.lists.set(chosen)
    if not chosen:
        subscriber.unsubscribed_at = timezone.now()
    elif subscriber.confirmed_at is not None:
        subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["unsubscribed_at"])
    log("engagement.preferences_changed", None, AuditAction.UPDATE, subscriber, lists=len(chosen))
    return subscriber


def professional_lists(actor: Actor) -> list[NewsletterList]:
    """The lists for professionals: the region-wide ones and those of the actor's subregion."""
    subregion_id = actor.organization.subregion_id if actor.organization is not None else None
    scope = Q(subregion__isnull=True)
    if subregion_id is not None:
        scope |= Q(subregion_id=subregion_id)
    return list(NewsletterList.objects.filter(audience=Audience.PROFESSIONALS).filter(scope))


def professional_subscription(actor: Actor) -> Subscriber | None:
    user = actor.user
    if user is None or not user.email:
        return None
    return Subscriber.objects.filter(email__iexact=user.email).first()


@transaction.atomic
def subscribe_professional(actor: Actor) -> Subscriber:
    """One click for a professional with an account: the account's verified address, no
    confirmation mail needed, the professionals' lists."""
    user = actor.user
    if user is None or not user.email or actor.membership is None:
        raise ValidationError(_("Your account has no e-mail address; ask the coordinator."))
    lists = professional_lists(actor)
    if not lists:
        raise ValidationError(_("There is no newsletter for professionals yet."))
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=user.email).first()
    now = timezone.now()
    if subscriber is None:
        subscriber = Subscriber.objects.create(
            email=normalise_email(user.email), user=user, confirmed_at=now
        )
    else:
        subscriber.user = user
        subscriber.confirmed_at = subscriber.confirmed_at or now
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["user", "confirmed_at", "unsubscribed_at"])
    subscriber.lists.add(*lists)
    log("engagement.professional_subscribed", actor, AuditAction.CREATE, subscriber)
    return subscriber


# --- editions ---------------------------------------------------------------------------------


def broken_links(edition: Edition) -> list[str]:
    """Links in the text blocks that are not valid web addresses."""
    validate = URLValidator(schemes=["http", "https"])
    bad: list[str] = []
    for block in edition.blocks:
        for match in _URL.findall(str(block.get("body", ""))):
            url = match.rstrip(".,;:!?")
            candidate = url if url.lower().startswith("http") else "https://" + url
            try:
                validate(candidate)
            except ValidationError:
                bad.append(url)
    return bad


@transaction.atomic
def save_edition(edition: Edition, *, actor: Actor, lists: Iterable[NewsletterList]) -> Edition:
    """Create or change a draft edition (coordinator)."""
    require_manager(actor)
    if edition.pk is not None and edition.status != EditionStatus.DRAFT:
        raise ValidationError(_("This edition has been sent and can no longer be changed."))
    created = edition.pk is None
    edition.full_clean(exclude=["lists"])
    edition.save()
    edition.lists.set(list(lists))
    log(
        "engagement.edition_saved",
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        edition,
    )
    return edition


def automatic_content(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = {b.get("kind") for b in blocks}
    content: dict[str, Any] = {}
    if "events" in kinds:
        content["events"] = list(
            Event.objects.published()
            .filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
            .select_related("municipality")
            .order_by("starts_at")[:6]
        )
    if "trainings" in kinds:
        content["trainings"] = training.upcoming_sessions(limit=6)
    if "kpi" in kinds:
        # The region's latest published KPI figure (small numbers already suppressed).
        from palliare.monitoring.figures import highlight

        content["kpi"] = highlight()
    return content


def render_edition(edition: Edition) -> tuple[str, str, str]:
    """(content html, whole e-mail html, text) of the edition. The content is what the public
    archive shows; the recipient's unsubscribe footer is added per message."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "edition": edition,
            "blocks": edition.blocks,
            "auto": automatic_content(edition.blocks),
            "network": settings.NETWORK_NAME,
            "site": site(""),
            "archive_url": site(reverse("engagement:newsletter")),
        }
        content = render_to_string("engagement/partials/edition_content.html", context)
        html = render_to_string("engagement/email/edition.html", {**context, "content": content})
        text = render_to_string("engagement/email/edition.txt", context)
    return content, html, text


def _message(
    edition: Edition, html: str, text: str, address: str, links: dict[str, str], connection: Any
) -> EmailMultiAlternatives:
    footer_text = _("Unsubscribe: %(url)s") % {"url": links["unsubscribe_url"]}
    unsubscribe_label = _("Unsubscribe")
    preferences_label = _("Preferences")
    footer_html = (
        f'<p style="font-size:12px;color:#555"><a href="{links["unsubscribe_url"]}">'
        f"{unsubscribe_label}</a> · "
        f'<a href="{links["preferences_url"]}">{preferences_label}</a></p>'
    )
    message = EmailMultiAlternatives(
        edition.subject,
        f"{text}\n\n{footer_text}\n",
        settings.DEFAULT_FROM_EMAIL,
        [address],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.NETWORK_NAME} <newsletter.palliare>",
        },
    )
    message.attach_alternative(html.replace("</body>", footer_html + "</body>"), "text/html")
    return message


def send_test(edition: Edition, *, actor: Actor) -> str:
    """Send the edition to the coordinator's own address; returns that address."""
    require_manager(actor)
    address = actor.user.email if actor.user is not None else ""
    if not address:
        raise ValidationError(_("Your account has no e-mail address for a test."))
    problems = broken_links(edition)
    if problems:
        raise ValidationError(
            _("These links are not valid web addresses: %(links)s") % {"links": ", ".join(problems)}
        )
    _content, html, text = render_edition(edition)
    links = {"unsubscribe_url": site("/"), "preferences_url": site("/")}
    with translation.override(settings.LANGUAGE_CODE):
        _message(edition, html, text, address, links, None).send()
    log("engagement.edition_test_sent", actor, AuditAction.EXECUTE, edition)
    return address


def recipients(edition: Edition) -> QuerySet[Subscriber]:
    return (
        Subscriber.objects.filter(
            lists__in=edition.lists.all(),
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def start_sending(edition: Edition, *, actor: Actor) -> Edition:
    """Freeze the edition and queue it (after commit). Broken links refuse it."""
    require_manager(actor)
    locked = Edition.objects.select_for_update().get(pk=edition.pk)
    if locked.status != EditionStatus.DRAFT:
        raise ValidationError(_("This edition is already being sent or was sent."))
    if not locked.lists.exists():
        raise ValidationError(_("Choose at least one list to send to."))
    problems = broken_links(locked)
    if problems:
        raise ValidationError(
            _("These links are not valid web addresses: %(links)s") % {"links": ", ".join(problems)}
        )
    content, _html, _text = render_edition(locked)
    locked.html = content
    locked.total = recipients(locked).count()
    locked.status = EditionStatus.SENDING
    locked.save(update_fields=["html", "total", "status"])
    log("engagement.edition_sending", actor, AuditAction.EXECUTE, locked, total=locked.total)
    edition_id = locked.pk

    def enqueue() -> None:
        from .. import tasks

        tasks.send_edition.enqueue(edition_id=edition_id)

    transaction.on_commit(enqueue)
    return locked


def send_edition(
    edition_id: int, *, batch_size: int | None = None, max_per_second: int | None = None
) -> int:
    """Send a queued edition in batches (idempotent: continues after the saved cursor). Returns
    the number of messages sent by this call."""
    size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    rate = settings.NEWSLETTER_MAX_PER_SECOND if max_per_second is None else max_per_second
    edition = Edition.objects.filter(pk=edition_id, status=EditionStatus.SENDING).first()
    if edition is None:
        return 0
    _content, html, text = render_edition(edition)
    links_for = _link_maker()
    sent = 0
    while True:
        batch = list(
            recipients(edition)
            .filter(pk__gt=edition.cursor)
            .values_list("pk", "email", "nonce")[:size]
        )
        if not batch:
            break
        started = time.monotonic()
        connection = get_connection()
        with translation.override(settings.LANGUAGE_CODE):
            messages = [
                _message(edition, html, text, email, links_for(pk, nonce), connection)
                for pk, email, nonce in batch
            ]
        connection.send_messages(messages)
        edition.cursor = batch[-1][0]
        Edition.objects.filter(pk=edition.pk).update(
            cursor=edition.cursor, sent_count=F("sent_count") + len(batch)
        )
        sent += len(batch)
        del messages, batch
        if rate:
            pause = size / rate - (time.monotonic() - started)
            if pause > 0:
                time.sleep(pause)
    Edition.objects.filter(pk=edition.pk, status=EditionStatus.SENDING).update(
        status=EditionStatus.SENT, sent_at=timezone.now()
    )
    log("engagement.edition_sent", None, AuditAction.EXECUTE, edition, sent=sent)
    return sent


_PLACEHOLDER = "TOKEN"


def _link_maker() -> Callable[[int, str], dict[str, str]]:
    """Personal unsubscribe and preferences addresses, with the URL patterns reversed once (a
    reverse per message is a noticeable share of sending a large edition)."""
    unsubscribe = site(reverse("engagement:unsubscribe", args=[_PLACEHOLDER]))
    preferences = site(reverse("engagement:preferences", args=[_PLACEHOLDER]))

    def links(pk: int, nonce: str) -> dict[str, str]:
        token = tokens.make("subscriber_manage", pk, nonce)
        return {
            "unsubscribe_url": unsubscribe.replace(_PLACEHOLDER, token),
            "preferences_url": preferences.replace(_PLACEHOLDER, token),
        }

    return links


def _links(pk: int, nonce: str) -> dict[str, str]:
    return _link_maker()(pk, nonce)


def editions_sent(year: int) -> int:
    """Editions sent in ``year`` (the network promises at least eight)."""
    return Edition.objects.filter(status=EditionStatus.SENT, sent_at__year=year).count()
