"""Bed reports are history: every change is a new row that becomes the current status, only
the facility's own staff may report, bad numbers are refused with nothing saved, concurrent edits
are detected, and stale facilities get one reminder a day (e-mail without patient data and a
notice on their start page). District nursing: intake statements and service areas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.capacity import services
from palliare.capacity.constants import AdmissionStatus, IntakeStatus
from palliare.capacity.factories import DistrictNursingServiceFactory, FacilityFactory
from palliare.capacity.models import BedStatus, CapacityReminder, Facility, IntakeStatusChange
from palliare.db.append_only import AppendOnlyError
from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def hospice(make_actor):
    facility = FacilityFactory(free=1, beds=6)
    return facility, make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)


def test_report_adds_a_history_row_that_becomes_current(hospice):
    facility, actor = hospice
    first = facility.current_status
    status = services.record_bed_status(
        facility,
        actor=actor,
        beds=6,
        free_beds=2,
        admission_status=AdmissionStatus.OPEN,
        waiting_list=3,
        note="vanaf maandag een bed extra",
    )
    facility.refresh_from_db()
    assert facility.current_status == status
    assert BedStatus.objects.filter(facility=facility).count() == 2
    first.refresh_from_db()
    assert first.free_beds == 1  # the earlier report is unchanged
    assert status.recorded_by == actor.user
    assert status.recorded_by_name == str(actor.user)
    event = AuditEvent.objects.get(event_type="capacity.bed_status_recorded")
    assert event.details["free_beds"] == 2
    assert event.subject_id == str(facility.pk)


@pytest.mark.parametrize(
    ("beds", "free", "field"),
    [(6, -1, "free_beds"), (6, 7, "free_beds"), (-2, 0, "beds"), (501, 1, "beds")],
)
def test_bad_numbers_are_refused_and_nothing_is_saved(hospice, beds, free, field):
    facility, actor = hospice
    before = facility.current_status_id
    with pytest.raises(ValidationError) as excinfo:
        services.record_bed_status(
            facility, actor=actor, beds=beds, free_beds=free, admission_status="open"
        )
    assert field in excinfo.value.message_dict
    facility.refresh_from_db()
    assert facility.current_status_id == before
    assert BedStatus.objects.filter(facility=facility).count() == 1
    assert not AuditEvent.objects.filter(event_type="capacity.bed_status_recorded").exists()


def test_more_free_than_beds_message_names_both(hospice):
    facility, actor = hospice
    with pytest.raises(ValidationError) as excinfo:
        services.record_bed_status(
            facility, actor=actor, beds=4, free_beds=5, admission_status="open"
        )
    assert "5" in str(excinfo.value)
    assert "4" in str(excinfo.value)


def test_database_refuses_more_free_than_beds_even_without_the_service():
    facility = FacilityFactory(never_reported=True)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BedStatus.objects.create(
            facility=facility, beds=2, free_beds=3, admission_status="open", channel="web"
        )


def test_history_rows_cannot_change_or_disappear(hospice):
    facility, _actor = hospice
    status = facility.current_status
    status.free_beds = 5
    with pytest.raises(AppendOnlyError):
        status.save()
    with pytest.raises(AppendOnlyError):
        status.delete()


def test_other_organisation_cannot_report(make_actor, hospice):
    facility, _ = hospice
    other = make_actor(
        RoleCode.FACILITY_COORDINATOR, organization=OrganizationFactory(hospice=True)
    )
    gp = make_actor(RoleCode.GP, organization=facility.organization)
    for actor in (other, gp):
        with pytest.raises(PermissionDenied):
            services.record_bed_status(
                facility, actor=actor, beds=6, free_beds=1, admission_status="open"
            )


def test_parent_organisation_may_report_for_its_unit(make_actor):
    parent = OrganizationFactory(type="nursing_home")
    unit = OrganizationFactory(type="palliative_unit", parent=parent)
    facility = FacilityFactory(organization=unit)
    actor = make_actor(RoleCode.FACILITY_COORDINATOR, organization=parent)
    services.record_bed_status(facility, actor=actor, beds=6, free_beds=0, admission_status="open")


def test_plus_minus_and_still_correct(hospice):
    facility, actor = hospice
    assert services.adjust_free_beds(facility, actor=actor, delta=1).free_beds == 2
    assert services.adjust_free_beds(facility, actor=actor, delta=-1).free_beds == 1
    before = facility.current_status
    confirmed = services.confirm_bed_status(facility, actor=actor)
    assert confirmed.pk != before.pk
    assert (confirmed.free_beds, confirmed.beds) == (before.free_beds, before.beds)
    assert BedStatus.objects.filter(facility=facility).count() == 4


def test_minus_below_zero_and_plus_above_beds_are_refused(make_actor):
    empty = FacilityFactory(free=0, beds=2)
    actor = make_actor(RoleCode.FACILITY_COORDINATOR, organization=empty.organization)
    with pytest.raises(ValidationError, match="lower than 0"):
        services.adjust_free_beds(empty, actor=actor, delta=-1)
    full = FacilityFactory(organization=empty.organization, free=2, beds=2)
    with pytest.raises(ValidationError, match="2 beds"):
        services.adjust_free_beds(full, actor=actor, delta=1)
    assert BedStatus.objects.count() == 2


def test_quick_buttons_need_a_first_full_report(make_actor):
    facility = FacilityFactory(never_reported=True)
    actor = make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    with pytest.raises(ValidationError, match="No beds reported yet"):
        services.adjust_free_beds(facility, actor=actor, delta=1)


def test_concurrent_report_is_detected(hospice):
    facility, actor = hospice
    seen = facility.current_status_id
    services.adjust_free_beds(Facility.objects.get(pk=facility.pk), actor=actor, delta=1)
    with pytest.raises(services.ConcurrentUpdateError) as excinfo:
        services.record_bed_status(
            facility,
            actor=actor,
            beds=6,
            free_beds=0,
            admission_status="open",
            based_on=seen,
            check_concurrency=True,
        )
    assert excinfo.value.current.free_beds == 2
    # Based on the current status it goes through.
    current = Facility.objects.get(pk=facility.pk).current_status_id
    services.record_bed_status(
        facility,
        actor=actor,
        beds=6,
        free_beds=0,
        admission_status="open",
        based_on=current,
        check_concurrency=True,
    )


def test_save_facility_refuses_a_location_of_another_organisation(make_actor):
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    org = OrganizationFactory(hospice=True)
    facility = Facility(organization=org, location=LocationFactory(), kind="hospice")
    with pytest.raises(ValidationError, match="own organisation"):
        services.save_facility(facility, actor=coordinator)
    facility.location = LocationFactory(organization=org)
    services.save_facility(facility, actor=coordinator)
    assert AuditEvent.objects.filter(event_type="capacity.facility_created").exists()
    with pytest.raises(PermissionDenied):
        services.save_facility(
            facility, actor=make_actor(RoleCode.FACILITY_COORDINATOR, organization=org)
        )


# --- reminders ---------------------------------------------------------------------------------


def test_stale_facilities_get_one_reminder_a_day(
    make_actor, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://palliare.example"
    fresh = FacilityFactory(hours_ago=2)
    stale = FacilityFactory(stale=True)
    never = FacilityFactory(never_reported=True)
    inactive = FacilityFactory(stale=True, is_active=False)
    coordinator = make_actor(RoleCode.FACILITY_COORDINATOR, organization=stale.organization)
    make_actor(RoleCode.GP, organization=stale.organization)  # not a recipient

    due = services.facilities_to_remind()
    assert set(due) == {stale.pk, never.pk}
    assert fresh.pk not in due
    assert inactive.pk not in due

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.remind_facility(stale.pk)
    assert outcome.sent
    assert outcome.recipients == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.user.email]
    assert stale.display_name in message.subject
    assert "https://palliare.example/" in message.body
    # Again within 24 hours: nothing.
    assert not services.remind_facility(stale.pk).sent
    assert len(mail.outbox) == 1
    # A day later, still stale: reminded again.
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.remind_facility(stale.pk, now=later).sent
    assert CapacityReminder.objects.filter(facility=stale).count() == 2


def test_never_reported_facility_without_coordinators_mails_the_organisation(
    django_capture_on_commit_callbacks,
):
    facility = FacilityFactory(never_reported=True, organization__email="info@hospice.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_facility(facility.pk).recipients == 1
    assert mail.outbox[0].to == ["info@hospice.invalid"]
    assert "not yet been reported" in mail.outbox[0].body or "nog" in mail.outbox[0].body


def test_reminder_command_is_idempotent(make_actor, django_capture_on_commit_callbacks):
    stale = FacilityFactory(stale=True)
    make_actor(RoleCode.FACILITY_COORDINATOR, organization=stale.organization)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_capacity_reminders")
        call_command("send_capacity_reminders")
    assert CapacityReminder.objects.filter(facility=stale).count() == 1
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(event_type="capacity.stale_reminder_sent").count() == 1


def test_reminder_mail_holds_no_patient_data(make_actor, django_capture_on_commit_callbacks):
    stale = FacilityFactory(stale=True)
    make_actor(RoleCode.FACILITY_COORDINATOR, organization=stale.organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_facility(stale.pk)
    body = mail.outbox[0].body
    for word in ("patient", "patiënt", "BSN", "bsn"):
        assert word not in body


def test_a_fresh_report_stops_reminders(hospice):
    facility, actor = hospice
    later = timezone.now() + dt.timedelta(hours=30)
    assert facility.pk in services.facilities_to_remind(later)
    services.record_bed_status(facility, actor=actor, beds=6, free_beds=1, admission_status="open")
    assert facility.pk not in services.facilities_to_remind()


# --- district nursing ----------------------------------------------------------------------------


def test_intake_statement_is_history(make_actor):
    service = DistrictNursingServiceFactory()
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=service.organization)
    first = services.record_intake_status(service, actor=nurse, status=IntakeStatus.YES)
    second = services.record_intake_status(
        service, actor=nurse, status=IntakeStatus.NO, note="vol tot eind december"
    )
    service.refresh_from_db()
    assert service.current_intake == second
    assert IntakeStatusChange.objects.filter(service=service).count() == 2
    assert first.effective_date == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.record_intake_status(
            service, actor=make_actor(RoleCode.DISTRICT_NURSE), status=IntakeStatus.YES
        )
    with pytest.raises(ValidationError):
        services.record_intake_status(service, actor=nurse, status="maybe")


def test_service_area_can_be_set_by_the_organisation_or_the_coordinator(make_actor):
    service = DistrictNursingServiceFactory()
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=service.organization)
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    assen = MunicipalityFactory(name="Assen")
    area = PostcodeAreaFactory(pc4="7741")
    services.set_service_area(service, actor=nurse, municipalities=[assen], postcode_areas=[area])
    assert list(service.municipalities.all()) == [assen]
    services.set_service_area(service, actor=coordinator, municipalities=[], postcode_areas=[area])
    assert service.municipalities.count() == 0
    event = AuditEvent.objects.filter(event_type="capacity.service_area_changed").last()
    assert event.details["municipalities_removed"] == [assen.pk]
    with pytest.raises(PermissionDenied):
        services.set_service_area(
            service, actor=make_actor(RoleCode.GP), municipalities=[], postcode_areas=[]
        )
