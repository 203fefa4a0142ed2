"""Background work of the care plan: telling the people who need to know about a new version."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop
from django_tasks import task

from . import recipients
from .constants import VERSION_KIND_PREFIX
from .models import CarePlanVersion


@task()
def notify_new_version(version_id: int) -> int:
    """Notify the care team (in the app, and by e-mail without patient details; the title
    names no patient either).

    Acute-care organisations are not notified: they have no care relationship, and a push per
    plan change region-wide told every out-of-hours GP about every patient. They see how many
    shared plans their area holds (``acute.area``) and open one only through the search, for a
    patient they treat (decision 0011).
    Idempotent per version: all of a version's notifications are made in one transaction, so a
    second run finds all of them there, or none (after a failure) and makes them all."""
    from palliare.notifications.messages import message
    from palliare.notifications.models import Notification
    from palliare.notifications.services import notify

    version = (
        CarePlanVersion.objects.select_related("plan__patient", "author")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return 0
    patient = version.plan.patient
    kind = f"{VERSION_KIND_PREFIX}{version.pk}"
    if Notification.objects.filter(kind=kind).exists():
        return 0
    # Titles name no patient: a notification outlives the recipient's access (consent withdrawn,
    # care team left). The link leads through the access policy.
    team_title = message(gettext_noop("Care plan changed: version %(n)s"), n=version.number)
    with transaction.atomic():
        created = notify(
            recipients.care_team(patient),
            kind=kind,
            title=team_title,
            url=reverse("careplans:plan", args=[patient.pk]),
            patient_id=patient.pk,
            email=True,
            exclude=version.author,
        )
    return len(created)
