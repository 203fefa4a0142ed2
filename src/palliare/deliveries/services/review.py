"""Review by the programme team: accept, or return with a comment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify

from .. import access
from ..constants import DeliveryStatus
from ..models import Delivery, InvalidTransition
from .recipients import users_with


@transaction.atomic
def review_delivery(
    actor: Actor, delivery: Delivery, *, accept: bool, comment: str = ""
) -> Delivery:
    """Accept a delivery, or return it with a comment saying what to correct. The controllers of
    the organisation are notified (in the app and by e-mail, without figures)."""
    access.ensure_can_review(actor)
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what should be corrected when you return it.")})
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    try:
        locked.transition_to(DeliveryStatus.ACCEPTED if accept else DeliveryStatus.RETURNED)
    except InvalidTransition as exc:
        raise ValidationError(
            _("This delivery is %(status)s; it cannot be reviewed again.")
            % {"status": locked.get_status_display().lower()}
        ) from exc
    locked.review_comment = comment
    locked.reviewed_at = timezone.now()
    locked.reviewed_by_name = actor.audit_name[:200]
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by_name"])
    audit.record(
        "deliveries.accepted" if accept else "deliveries.returned",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=locked,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"number": locked.number},
    )
    title = message(
        gettext_noop("Your delivery %(data_set)s %(period)s was accepted")
        if accept
        else gettext_noop("Your delivery %(data_set)s %(period)s was returned: see the comment"),
        data_set=locked.data_set.name_nl,
        period=locked.period.label,
    )
    recipients = users_with(Permission.DELIVER_FIGURES, [locked.organization_id])
    if locked.submitted_by_id and locked.submitted_by not in recipients:
        recipients.append(locked.submitted_by)  # type: ignore[arg-type]
    notify(
        recipients,
        kind="deliveries.reviewed",
        title=title,
        url=reverse("deliveries:detail", args=[locked.pk]),
        email=True,
        exclude=actor.user,
    )
    return locked
