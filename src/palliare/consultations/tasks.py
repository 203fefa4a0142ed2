"""Background work: e-mail the team on duty about a new request, and the asker about advice.

E-mails carry no patient details and no question text: only that there is something to open in
Palliare, its urgency and a link. Each task is idempotent (a :class:`SentNotification` row per
message), takes primitive ids and is enqueued after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import ConsultationAdvice, ConsultationRequest, SentNotification


def _once(key: str) -> bool:
    """Claim ``key``; False if the notification was already sent."""
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def _link(request_id: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "consultations:requests:detail", args=[request_id]
    )


@task()
def notify_team_of_request(request_id: int) -> int:
    """E-mail the receiving team (and the specialist on duty). Returns the number of mails."""
    request = (
        ConsultationRequest.objects.select_related("team", "on_duty_specialist")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    recipients = [request.team.email]
    if request.on_duty_specialist is not None:
        recipients.append(request.on_duty_specialist.email)
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    with transaction.atomic():
        if not _once(f"request:{request.pk}:team"):
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {"request": request, "link": _link(request.pk)}
            subject = render_to_string("consultations/email/new_request_subject.txt", context)
            body = render_to_string("consultations/email/new_request.txt", context)
        send_mail(" ".join(subject.split()), body, None, recipients)
    return len(recipients)


@task()
def notify_requester_of_advice(advice_id: int) -> int:
    """E-mail the asker that advice was recorded. Returns the number of mails."""
    advice = (
        ConsultationAdvice.objects.select_related("request__requested_by", "request__team")
        .filter(pk=advice_id)
        .first()
    )
    if advice is None or not advice.request.requested_by.email:
        return 0
    with transaction.atomic():
        if not _once(f"advice:{advice.pk}:requester"):
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "advice": advice,
                "request": advice.request,
                "link": _link(advice.request_id),
            }
            subject = render_to_string("consultations/email/advice_subject.txt", context)
            body = render_to_string("consultations/email/advice.txt", context)
        send_mail(" ".join(subject.split()), body, None, [advice.request.requested_by.email])
    return 1
