"""Consultations on the patient page and timeline: the requests about this patient with their
latest advice, so the whole care team reads the advice where they look for the patient."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients.extensions import Panel, TimelineEntry, register_panel, register_timeline
from palliare.patients.models import Patient

from .models import ConsultationAdvice, ConsultationRequest

PANEL_LIMIT = 10


def _requests(patient: Patient) -> list[ConsultationRequest]:
    return list(
        ConsultationRequest.objects.filter(patient=patient)
        .select_related("team", "requested_by")
        .prefetch_related(
            Prefetch(
                "advice_versions",
                queryset=ConsultationAdvice.objects.order_by("-version"),
                to_attr="versions",
            )
        )
        .order_by("-created_at")[:PANEL_LIMIT]
    )


@register_panel("consultations")
def consultations_panel(actor: Actor, patient: Patient) -> Panel | None:
    requests = _requests(patient)
    can_ask = actor.has(Permission.REQUEST_CONSULTATION) and not patient.is_deceased
    if not requests and not can_ask:
        return None
    rows = [{"request": r, "latest": (getattr(r, "versions", []) or [None])[0]} for r in requests]
    return Panel(
        "consultations",
        _("Consultations"),
        "consultations/partials/patient_panel.html",
        {"rows": rows, "can_ask": can_ask, "patient": patient},
        order=40,
    )


@register_timeline("consultations", kinds={"consultation": _("consultations")})
def consultation_entries(actor: Actor, patient: Patient) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for request in _requests(patient):
        url = reverse("consultations:requests:detail", args=[request.pk])
        entries.append(
            TimelineEntry(
                request.created_at,
                "consultation",
                _("Consultation requested from %(team)s") % {"team": request.team.name},
                f"{request.get_urgency_display()} · {request.get_dimension_display()}",
                str(request.requested_by),
                url,
            )
        )
        for advice in getattr(request, "versions", []):
            entries.append(
                TimelineEntry(
                    advice.created_at,
                    "consultation",
                    _("Consultation advice (version %(version)s)") % {"version": advice.version},
                    advice.text[:200],
                    advice.author_name,
                    url,
                )
            )
    return entries
