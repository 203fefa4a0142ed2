"""Consultations on the patient page and timeline: the requests about this patient with their
latest advice, so the whole care team reads the advice where they look for the patient."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.patients.extensions import (
    Panel,
    TimelineEntry,
    newest,
    read_once,
    register_panel,
    register_timeline,
)
from palliare.patients.models import Patient

from .models import ConsultationAdvice, ConsultationRequest

PANEL_LIMIT = 10


def _with_advice(requests: QuerySet[ConsultationRequest]) -> list[ConsultationRequest]:
    return list(
        requests.select_related("team", "requested_by").prefetch_related(
            Prefetch(
                "advice_versions",
                queryset=ConsultationAdvice.objects.order_by("-version"),
                to_attr="versions",
            )
        )
    )


def _newest_requests(patient: Patient) -> list[ConsultationRequest]:
    """The panel's requests (the newest, with all their advice versions); read once per patient
    page, the timeline's newest request entries come from the same rows."""
    return read_once(
        "consultations.newest_requests",
        patient,
        lambda: _with_advice(
            ConsultationRequest.objects.filter(patient=patient).order_by("-created_at", "-pk")[
                :PANEL_LIMIT
            ]
        ),
    )


@register_panel("consultations")
def consultations_panel(actor: Actor, patient: Patient) -> Panel | None:
    requests = _newest_requests(patient)
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


def _request_entry(request: ConsultationRequest) -> TimelineEntry:
    return TimelineEntry(
        request.created_at,
        "consultation",
        _("Consultation requested from %(team)s") % {"team": request.team.name},
        f"{request.get_urgency_display()} · {request.get_dimension_display()}",
        str(request.requested_by),
        reverse("consultations:requests:detail", args=[request.pk]),
    )


def _advice_entry(advice: ConsultationAdvice) -> TimelineEntry:
    return TimelineEntry(
        advice.created_at,
        "consultation",
        _("Consultation advice (version %(version)s)") % {"version": advice.version},
        advice.text[:200],
        advice.author_name,
        reverse("consultations:requests:detail", args=[advice.request_id]),
    )


@register_timeline("consultations", kinds={"consultation": _("consultations")})
def consultation_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    requests = ConsultationRequest.objects.filter(patient=patient)
    if limit is None:
        everything = _with_advice(requests)
        return [_request_entry(r) for r in everything] + [
            _advice_entry(a) for r in everything for a in getattr(r, "versions", [])
        ]
    # The newest requests and, separately, the newest advice (an old request may have just
    # been answered); the requests are the panel's rows when those are enough.
    if limit <= PANEL_LIMIT:
        newest_requests = _newest_requests(patient)[:limit]
    else:
        newest_requests = list(
            newest(requests.select_related("team", "requested_by"), limit, "created_at")
        )
    advice = ConsultationAdvice.objects.filter(request__patient=patient).only(
        "request_id", "version", "text", "author_name", "created_at"
    )
    entries = [_request_entry(r) for r in newest_requests]
    entries += [_advice_entry(a) for a in newest(advice, limit, "created_at")]
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)[:limit]
