"""The newsletter: double opt-in subscription with the same public answer for known addresses,
preferences, one-click unsubscribe (RFC 8058 headers and a POST without a form token) with a
tampered token refused, professionals subscribing with one click, editions with text and
automatic blocks, broken links refused, a test send, sending in batches with progress that
resumes without sending twice, the public archive and the yearly count against the target."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.engagement.constants import Audience, EditionStatus
from palliare.engagement.factories import (
    EventFactory,
    NewsletterListFactory,
    SubscriberFactory,
)
from palliare.engagement.models import Edition, Subscriber
from palliare.engagement.services import newsletter
from palliare.training.factories import CourseFactory, SessionFactory

from .conftest import link_in_last_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def inhabitants():
    return NewsletterListFactory(name="Inwoners", audience=Audience.INHABITANTS)


def _subscribe(client, lst, email="lezer@example.org"):
    return client.post(reverse("engagement:newsletter"), {"email": email, "lists": [lst.pk]})


def test_subscribe_confirm_and_same_answer_for_known(client, inhabitants):
    first = _subscribe(client, inhabitants)
    assert first.status_code == 302
    path = link_in_last_mail("/nieuwsbrief/bevestigen/")
    assert client.get(path).status_code == 200
    assert "ingeschreven" in client.post(path).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active and list(subscriber.lists.all()) == [inhabitants]
    again = _subscribe(client, inhabitants, email="LEZER@example.org")
    assert (again.status_code, again.url) == (first.status_code, first.url)
    assert Subscriber.objects.count() == 1
    assert "/nieuwsbrief/voorkeuren/" in mail.outbox[-1].body
    assert client.post(path).status_code == 400  # used


def test_subscribe_needs_a_list_and_valid_address(client, inhabitants):
    response = client.post(reverse("engagement:newsletter"), {"email": "geen"})
    assert response.status_code == 200 and not Subscriber.objects.exists()
    assert "Kies minstens één nieuwsbrief" in response.content.decode()


def _edition(coordinator, lists, blocks=None, subject="Nieuwsbrief december"):
    edition = Edition(
        subject=subject,
        blocks=blocks or [{"kind": "text", "title": "Nieuws", "body": "Hallo <b>allemaal</b>"}],
    )
    return newsletter.save_edition(edition, actor=coordinator, lists=lists)


def _send(edition, coordinator, **kwargs):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False):
        newsletter.start_sending(edition, actor=coordinator)
    return newsletter.send_edition(edition.pk, max_per_second=0, **kwargs)


def test_edition_sent_in_batches_with_unsubscribe_headers(coordinator, inhabitants):
    for _ in range(7):
        SubscriberFactory(lists=[inhabitants])
    SubscriberFactory(lists=[inhabitants], unsubscribed_at=timezone.now())
    SubscriberFactory(lists=[inhabitants], confirmed_at=None)
    edition = _edition(coordinator, [inhabitants])
    mail.outbox.clear()
    assert _send(edition, coordinator, batch_size=3) == 7
    edition.refresh_from_db()
    assert (edition.status, edition.sent_count, edition.total) == (EditionStatus.SENT, 7, 7)
    message = mail.outbox[0]
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https?://\S+/nieuwsbrief/afmelden/\S+/>", unsubscribe)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/nieuwsbrief/afmelden/" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;allemaal&lt;/b&gt;" in html
    # Idempotent: running the task again sends nothing.
    assert newsletter.send_edition(edition.pk) == 0 and len(mail.outbox) == 7


def test_send_resumes_after_cursor(coordinator, inhabitants):
    subscribers = [SubscriberFactory(lists=[inhabitants]) for _ in range(5)]
    edition = _edition(coordinator, [inhabitants])
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=False):
        newsletter.start_sending(edition, actor=coordinator)
    Edition.objects.filter(pk=edition.pk).update(cursor=subscribers[2].pk, sent_count=3)
    mail.outbox.clear()
    assert newsletter.send_edition(edition.pk, max_per_second=0) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers[3:])


def test_one_click_unsubscribe_post_without_csrf(inhabitants, coordinator):
    subscriber = SubscriberFactory(lists=[inhabitants])
    edition = _edition(coordinator, [inhabitants])
    mail.outbox.clear()
    _send(edition, coordinator)
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200, response.content.decode()[-1500:]
    assert 'data-testid="unsubscribed"' in response.content.decode(), path
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    tampered = "/" + path.replace(path.rstrip("/")[-2:], "zz", 1)
    assert client.post(tampered).status_code == 400


def test_preferences_page(client, inhabitants):
    professionals = NewsletterListFactory(name="Zorgverleners", audience=Audience.PROFESSIONALS)
    subscriber = SubscriberFactory(lists=[inhabitants])
    path = newsletter.manage_links(subscriber)["preferences_url"].split("://", 1)[1]
    path = "/" + path.split("/", 1)[1]
    assert "Inwoners" in client.get(path).content.decode()
    client.post(path, {"lists": [professionals.pk]})
    assert list(subscriber.lists.all()) == [professionals]
    client.post(path, {})
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_broken_links_refuse_sending(coordinator, inhabitants, english):
    edition = _edition(
        coordinator,
        [inhabitants],
        blocks=[
            {
                "kind": "text",
                "title": "",
                "body": "Zie http://exa mple..nl/x en https://www.palliaweb.nl/",
            }
        ],
    )
    assert newsletter.broken_links(edition) == ["http://exa"]
    with pytest.raises(ValidationError, match="not valid"):
        newsletter.start_sending(edition, actor=coordinator)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT


def test_automatic_blocks_list_events_and_trainings(coordinator, inhabitants):
    EventFactory(title="Dood uit de Pot Hoogeveen")
    SessionFactory(course=CourseFactory(title="Basiscursus palliatieve zorg"))
    edition = _edition(
        coordinator, [inhabitants], blocks=[{"kind": "events"}, {"kind": "trainings"}]
    )
    content, _html, text = newsletter.render_edition(edition)
    assert "Dood uit de Pot Hoogeveen" in content and "Basiscursus palliatieve zorg" in content
    assert "Dood uit de Pot Hoogeveen" in text


def test_test_send_goes_to_the_coordinator(coordinator, inhabitants):
    edition = _edition(coordinator, [inhabitants])
    mail.outbox.clear()
    address = newsletter.send_test(edition, actor=coordinator)
    assert mail.outbox[0].to == [address]
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT


def test_manage_pages_compose_preview_send_and_count(client_for, coordinator, inhabitants):
    SubscriberFactory(lists=[inhabitants])
    client = client_for(coordinator)
    response = client.post(
        reverse("engagement:edition_create"),
        {
            "subject": "Nieuwsbrief 1",
            "lists": [inhabitants.pk],
            "title_1": "Welkom",
            "body_1": "Tekst",
            "events": "on",
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get()
    detail = client.get(reverse("engagement:edition", args=[edition.pk])).content.decode()
    assert "Welkom" in detail
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("engagement:edition_send", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == EditionStatus.SENT and edition.sent_count == 1
    progress = client.get(
        reverse("engagement:edition_progress", args=[edition.pk])
    ).content.decode()
    assert "1 van 1 verstuurd" in progress
    dashboard = client.get(reverse("engagement:manage")).content.decode()
    assert "1 van 8 edities verstuurd" in dashboard
    archive = (
        Client().get(reverse("engagement:archive_edition", args=[edition.pk])).content.decode()
    )
    assert "Welkom" in archive
    empty = client.post(
        reverse("engagement:edition_create"), {"subject": "Leeg", "lists": [inhabitants.pk]}
    )
    assert empty.status_code == 200


def test_draft_not_in_public_archive(coordinator, inhabitants):
    edition = _edition(coordinator, [inhabitants])
    assert Client().get(reverse("engagement:archive_edition", args=[edition.pk])).status_code == 404


def test_professional_subscribes_with_one_click(client_for, make_actor):
    NewsletterListFactory(name="Zorgverleners", audience=Audience.PROFESSIONALS)
    nurse = make_actor(RoleCode.DISTRICT_NURSE)
    nurse.user.email = "wijk@example.org"
    nurse.user.save()
    client = client_for(nurse)
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-testid="subscribe-professional"' in home
    client.post(reverse("engagement:subscribe_professional"))
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active and subscriber.user == nurse.user
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-testid="subscribe-professional"' not in home


def test_kpi_highlight_block_shows_the_regions_published_figure(coordinator, inhabitants):
    """The automatic KPI block shows the region's latest published figure, and says there is
    none while no figure may be shown (nothing computed, or a group too small)."""
    from palliare.monitoring import services as monitoring
    from palliare.monitoring.constants import AreaType
    from palliare.monitoring.figures import latest_complete_quarter
    from palliare.monitoring.models import KpiDefinition, KpiValue
    from palliare.organizations.factories import RegionFactory

    region = RegionFactory()
    monitoring.ensure_catalogue()
    edition = _edition(coordinator, [inhabitants], blocks=[{"kind": "kpi"}])
    content, _html, _text = newsletter.render_edition(edition)
    assert "Nog geen cijfers om te tonen." in content

    version = KpiDefinition.objects.get(code="plan-before-death").current
    quarter = latest_complete_quarter()
    row = KpiValue.objects.create(
        version=version,
        area_type=AreaType.REGION,
        area_id=region.pk,
        period_type=quarter.type,
        period_start=quarter.start,
        numerator=3,
        denominator=8,
        value=37.5,
    )
    content, _html, _text = newsletter.render_edition(edition)
    assert "37,5%" not in content  # a denominator under 10 is not published

    KpiValue.objects.filter(pk=row.pk).update(numerator=30, denominator=100, value=30.0)
    content, _html, _text = newsletter.render_edition(edition)
    assert "30,0%" in content and version.name_nl in content and quarter.display in content
