"""The patient page's "recent" list and the timeline providers of every app: the page shows the
same newest entries as the start of the full timeline, asks each provider for only that many
(each provider returns at most its ``limit`` newest entries, the same ones it would put first
in the full timeline), and its query count does not grow with the length of the history.

This module lives outside the apps because it builds a history across all of them (the
patients app itself imports none of them)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.factories import UserFactory
from palliare.accounts.permissions import RoleCode
from palliare.acute.factories import EmergencyAccessFactory
from palliare.audit.models import AuditEvent
from palliare.careplans.factories import CarePlanFactory, acp_content
from palliare.careplans.models import CarePlan, CarePlanVersion
from palliare.consultations.factories import ConsultationAdviceFactory, ConsultationRequestFactory
from palliare.consultations.models import ConsultationRequest
from palliare.meetings.constants import ActionEventKind
from palliare.meetings.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from palliare.meetings.models import ActionItemEvent
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients import extensions
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    SignalFactory,
)
from palliare.patients.models import Patient
from palliare.patients.views.patient import RECENT_ENTRIES
from palliare.referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(RoleCode.GP, organization=OrganizationFactory(type="gp_practice"))


@pytest.fixture
def patient(gp: Actor) -> Patient:
    patient = PatientFactory(gp_practice=gp.organization, marked=True)
    ConsentFactory(patient=patient)
    return patient


def _moments() -> Iterator[dt.datetime]:
    """Distinct moments going back in time, so every entry has its own place in the order."""
    start = timezone.now() - dt.timedelta(minutes=1)
    for i in itertools.count():
        yield start - dt.timedelta(hours=7 * i + 1)


def add_history(patient: Patient, rounds: int, moments: Iterator[dt.datetime]) -> None:
    """``rounds`` entries of each kind, with rows that give two entries (a signal sent and
    handled, a request and its advice) and rows ended long after they started."""
    user = UserFactory()
    receiver = OrganizationFactory(type=OrganizationType.HOSPICE)
    plan = CarePlan.objects.filter(patient=patient).first() or CarePlanFactory(patient=patient)
    for _ in range(rounds):
        sent = next(moments)
        SignalFactory(patient=patient, created_at=sent, handled_at=sent + dt.timedelta(days=60))
        CareTeamMemberFactory(patient=patient, started_at=next(moments))
        request = ConsultationRequestFactory(patient=patient, created_at=next(moments))
        ConsultationAdviceFactory(
            request=request, created_at=request.created_at + dt.timedelta(hours=2)
        )
        CarePlanVersion.objects.create(
            plan=plan,
            number=plan.versions.count() + 1,
            content=acp_content(),
            author=user,
            author_name="Dokter Test",
            created_at=next(moments),
        )
        item = AgendaItemFactory(
            patient=patient, meeting=MeetingFactory(held=True, starts_at=next(moments))
        )
        action = ActionItemFactory(agenda_item=item, owner_organization=patient.gp_practice)
        ActionItemEvent.objects.create(
            action_item=action,
            kind=ActionEventKind.CREATED,
            at=next(moments),
            by=user,
            by_name="Coördinator Test",
        )
        referral = Referral.objects.create(
            patient=patient,
            receiving_organization=receiver,
            urgency="planned",
            question="Opname hospice",
            referring_organization=patient.gp_practice,
            referred_by=user,
            referred_by_name="Dokter Test",
        )
        ReferralEvent.objects.create(
            referral=referral, status="sent", by_name="Dokter Test", at=next(moments)
        )
        EmergencyAccessFactory(patient=patient, started_at=next(moments))


def _signature(entries: list[extensions.TimelineEntry]) -> list[tuple[object, ...]]:
    return [(e.when, e.kind, str(e.title), e.detail, e.url) for e in entries]


def test_recent_entries_are_the_start_of_the_full_timeline(gp: Actor, patient: Patient) -> None:
    add_history(patient, 12, _moments())
    full = extensions.timeline_for(gp, patient)
    recent = extensions.timeline_for(gp, patient, limit=RECENT_ENTRIES)
    assert len(full) > 100
    assert _signature(recent) == _signature(full[:RECENT_ENTRIES])
    kinds = {e.kind for e in full[:40]}
    assert {"signal", "consultation", "care_plan", "meeting", "referral"} <= kinds


def test_patient_page_shows_the_newest_entries(
    gp: Actor, patient: Patient, client_for: Callable[[Actor], object]
) -> None:
    add_history(patient, 6, _moments())
    client = client_for(gp)
    page = client.get(reverse("patients:detail", args=[patient.pk]))  # type: ignore[attr-defined]
    assert page.status_code == 200
    full = extensions.timeline_for(gp, patient)
    assert _signature(page.context["recent"]) == _signature(full[:RECENT_ENTRIES])


@pytest.mark.parametrize("limit", [1, 3, 8])
def test_every_provider_honours_its_limit(gp: Actor, patient: Patient, limit: int) -> None:
    add_history(patient, 5, _moments())
    for key, provider in extensions._TIMELINE.items():
        everything = sorted(provider(gp, patient, None), key=lambda e: e.sort_key, reverse=True)
        limited = provider(gp, patient, limit)
        assert len(limited) <= limit, key
        limited.sort(key=lambda e: e.sort_key, reverse=True)
        assert _signature(limited) == _signature(everything[:limit]), key


def test_ended_rows_count_by_their_latest_date(gp: Actor, patient: Patient) -> None:
    """A signal sent long ago but handled just now is among the newest entries."""
    moments = _moments()
    add_history(patient, 3, moments)
    old = next(moments) - dt.timedelta(days=400)
    SignalFactory(patient=patient, created_at=old, handled_at=timezone.now())
    recent = extensions.timeline_for(gp, patient, limit=1)
    assert recent[0].kind == "signal" and recent[0].when > old + dt.timedelta(days=300)


def _count(client: object, url: str) -> int:
    client.get(url)  # type: ignore[attr-defined]  # warm up: session and log-chain rows
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_patient_page_queries_do_not_grow_with_the_history(
    gp: Actor, patient: Patient, client_for: Callable[[Actor], object]
) -> None:
    client = client_for(gp)
    url = reverse("patients:detail", args=[patient.pk])
    moments = _moments()
    add_history(patient, 3, moments)
    small = _count(client, url)
    add_history(patient, 27, moments)
    assert _count(client, url) == small


def test_patient_page_still_logs_its_read(
    gp: Actor, patient: Patient, client_for: Callable[[Actor], object]
) -> None:
    add_history(patient, 2, _moments())
    client = client_for(gp)
    before = AuditEvent.objects.filter(patient_id=patient.pk, event_type="patient.read").count()
    client.get(reverse("patients:detail", args=[patient.pk]))  # type: ignore[attr-defined]
    after = AuditEvent.objects.filter(patient_id=patient.pk, event_type="patient.read").count()
    assert after == before + 1


def test_consultation_requests_are_read_once_per_patient_page(
    gp: Actor, patient: Patient, client_for: Callable[[Actor], object]
) -> None:
    add_history(patient, 12, _moments())
    client = client_for(gp)
    url = reverse("patients:detail", args=[patient.pk])
    client.get(url)  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)  # type: ignore[attr-defined]
    table = ConsultationRequest._meta.db_table
    reads = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"')
    ]
    assert len(reads) == 1, reads
