"""The register's own entries on the patient timeline."""

from __future__ import annotations

from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor

from .constants import ContactStatus
from .extensions import TimelineEntry, newest, register_timeline
from .models import (
    BurdenCheck,
    CareContact,
    CareContactVersion,
    CareTeamMember,
    Consent,
    DeathRegistration,
    IndicatorScreening,
    Marking,
    Patient,
    PatientRevision,
    Signal,
    UrgencyAssessment,
    VolunteerDeployment,
)


@register_timeline("register")
def register_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    revisions = PatientRevision.objects.filter(patient=patient).select_related("changed_by")
    for revision in newest(revisions, limit, "changed_at"):
        title = _("Registered") if revision.version == 1 else _("Registration data changed")
        entries.append(
            TimelineEntry(
                revision.changed_at,
                "registration",
                title,
                ", ".join(revision.changed_fields) if revision.version > 1 else "",
                str(revision.changed_by or ""),
            )
        )
    for consent in newest(
        Consent.objects.filter(patient=patient), limit, "recorded_at", "withdrawn_at"
    ):
        entries.append(
            TimelineEntry(
                consent.recorded_at,
                "consent",
                _("Consent recorded"),
                consent.get_scope_display(),
                consent.recorded_by_name,
            )
        )
        if consent.withdrawn_at:
            entries.append(
                TimelineEntry(
                    consent.withdrawn_at,
                    "consent",
                    _("Consent withdrawn"),
                    consent.get_scope_display(),
                    consent.withdrawal_note,
                )
            )
    for marking in newest(Marking.objects.filter(patient=patient), limit, "created_at", "ended_at"):
        entries.append(
            TimelineEntry(
                marking.created_at,
                "marking",
                _("Marked as palliative"),
                " · ".join(
                    t
                    for t in (
                        str(marking.get_diagnosis_group_display()),
                        marking.diagnosis,
                        marking.spict_text,
                    )
                    if t
                ),
                marking.marked_by_name,
            )
        )
        if marking.ended_at:
            entries.append(
                TimelineEntry(marking.ended_at, "marking", _("Marking ended"), marking.end_reason)
            )
    screenings = IndicatorScreening.objects.filter(patient=patient)
    for screening in newest(screenings, limit, "created_at"):
        entries.append(
            TimelineEntry(
                screening.created_at,
                "marking",
                _("Indicators recorded"),
                " · ".join(t for t in (screening.spict_text, screening.note) if t),
                screening.screened_by_name,
            )
        )
    assessments = UrgencyAssessment.objects.filter(patient=patient)
    for assessment in newest(assessments, limit, "created_at"):
        entries.append(
            TimelineEntry(
                assessment.created_at,
                "urgency",
                _("Urgency set"),
                assessment.get_urgency_display(),
                assessment.assessed_by_name,
            )
        )
    for signal in newest(Signal.objects.filter(patient=patient), limit, "created_at", "handled_at"):
        entries.append(
            TimelineEntry(
                signal.created_at,
                "signal",
                _("Signal: %(s)s") % {"s": signal.get_suggestion_display()},
                signal.observation,
                signal.sender_name,
            )
        )
        if signal.handled_at:
            entries.append(
                TimelineEntry(
                    signal.handled_at,
                    "signal",
                    _("Signal handled"),
                    signal.response,
                    signal.handled_by_name,
                )
            )
    members = CareTeamMember.objects.filter(patient=patient).select_related(
        "organization", "professional"
    )
    for member in newest(members, limit, "started_at", "ended_at"):
        entries.append(
            TimelineEntry(
                member.started_at,
                "care_team",
                _("Care team: %(who)s joined") % {"who": member.display_name},
                member.get_role_display()
                + (f" · {_('central contact')}" if member.is_central_contact else ""),
                member.added_by_name,
            )
        )
        if member.ended_at:
            entries.append(
                TimelineEntry(
                    member.ended_at,
                    "care_team",
                    _("Care team: %(who)s left") % {"who": member.display_name},
                    member.end_reason,
                    member.ended_by_name,
                )
            )
    checks = BurdenCheck.objects.filter(caregiver__patient=patient).select_related("caregiver")
    for check in newest(checks, limit, "created_at"):
        entries.append(
            TimelineEntry(
                check.created_at,
                "caregiver",
                _("Caregiver burden: %(score)s/10") % {"score": check.score},
                check.caregiver.name,
                check.checked_by_name,
            )
        )
    steps = VolunteerDeployment.objects.filter(patient=patient)
    for step in newest(steps, limit, "created_at"):
        entries.append(
            TimelineEntry(
                step.created_at,
                "volunteers",
                _("Terminal-care volunteers: %(s)s") % {"s": step.get_status_display()},
                step.note,
                step.recorded_by_name,
            )
        )
    deaths = DeathRegistration.objects.filter(patient=patient)
    for death in newest(deaths, limit, "recorded_at"):
        entries.append(
            TimelineEntry(
                death.recorded_at,
                "death",
                _("Death registered") if death.version == 1 else _("Death registration corrected"),
                death.get_place_of_death_display(),
                death.recorded_by_name,
            )
        )
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)[:limit]


def _contact_detail(version: CareContactVersion) -> str:
    """'12-3-2026 – 20-3-2026 · Ziekenhuis X · afgerond' (the parts that are known)."""
    period = " – ".join(
        formats.date_format(day, "SHORT_DATE_FORMAT")
        for day in (version.start_date, version.end_date)
        if day
    )
    place = version.location_organization.name if version.location_organization else ""
    return " · ".join(part for part in (period, place, version.get_status_display()) if part)


@register_timeline("care_contacts", kinds={"care_contact": _("care contacts")})
def care_contact_entries(actor: Actor, patient: Patient, limit: int | None) -> list[TimelineEntry]:
    """Care contacts other systems sent (zib Contact): on the day they began, or were received
    when no start is known. Contacts entered in error are left out."""
    contacts = (
        CareContact.objects.filter(patient=patient, current_version__isnull=False)
        .exclude(current_version__status=ContactStatus.ENTERED_IN_ERROR)
        .select_related("sender_organization", "current_version__location_organization")
        .annotate(began=Coalesce("current_version__start_date", TruncDate("created_at")))
    )
    entries = []
    for contact in newest(contacts, limit, "began"):
        version = contact.current_version
        assert version is not None  # filtered above
        entries.append(
            TimelineEntry(
                version.start_date or contact.created_at,
                "care_contact",
                capfirst(version.get_contact_class_display()),
                _contact_detail(version),
                contact.sender_organization.name,
            )
        )
    return entries
