"""Care-plan services: saving makes immutable numbered versions with author and date; a stale
save (optimistic locking) keeps the editor's content as a draft and changes nothing else, while a
``based_on`` that names no saved version (tampered form) is refused as bad input; the
bad-input rules (limit without decision, representative without name, conversation in the
future) hold for every writer; "what changed" is field by field; notifications reach the care
team and, with consent, the acute-care organisations of the patient's region only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.careplans import content as plan_content
from palliare.careplans import services
from palliare.careplans.constants import ContactRole, Treatment, TreatmentDecision
from palliare.careplans.factories import acp_content
from palliare.careplans.models import CarePlan, CarePlanDraft, CarePlanVersion
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice):
    return PatientFactory(gp_practice=practice, marked=True)


def test_first_save_makes_version_one_with_author_and_audit(gp, patient):
    version = services.save_plan(gp, patient, content=acp_content(), based_on=0)
    assert version.number == 1
    assert version.author == gp.user
    assert version.resuscitation == TreatmentDecision.NO
    plan = CarePlan.objects.get(patient=patient)
    assert plan.current_version == version
    assert plan.identifier.startswith("IZP-")
    event = AuditEvent.objects.get(event_type="careplans.version_created")
    assert event.patient_id == patient.pk
    assert event.details["version"] == 1


def test_second_save_keeps_first_version_readable(gp, patient):
    first = services.save_plan(gp, patient, content=acp_content(), based_on=0)
    changed = acp_content()
    changed["wishes"]["place_of_death"] = "284546000"
    second = services.save_plan(gp, patient, content=changed, based_on=1, note="hospice")
    assert second.number == 2
    first.refresh_from_db()
    assert first.content["wishes"]["place_of_death"] == "264362003"
    assert "wishes.place_of_death" in second.changed_fields
    with pytest.raises(TypeError):
        first.save()
    with pytest.raises(TypeError):
        CarePlanVersion.objects.filter(pk=first.pk).update(note="x")


def test_unchanged_save_adds_no_version(gp, patient):
    services.save_plan(gp, patient, content=acp_content(), based_on=0)
    again = services.save_plan(gp, patient, content=acp_content(), based_on=1)
    assert again.number == 1
    assert CarePlanVersion.objects.count() == 1


def test_stale_save_keeps_draft_and_overwrites_nothing(gp, make_actor, practice, patient):
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    services.save_plan(gp, patient, content=acp_content(), based_on=0)
    mine = acp_content()
    mine["wishes"]["care_wishes"] = "GP's change"
    theirs = acp_content()
    theirs["goal"]["note"] = "POH's change"
    services.save_plan(poh, patient, content=theirs, based_on=1)
    with pytest.raises(services.PlanConflict) as caught:
        services.save_plan(gp, patient, content=mine, based_on=1)
    draft = caught.value.draft
    assert draft.content["wishes"]["care_wishes"] == "GP's change"
    assert draft.based_on == 1 and draft.conflicting_number == 2
    plan = CarePlan.objects.get(patient=patient)
    assert plan.current_number == 2
    assert plan.current_version.content["goal"]["note"] == "POH's change"
    # Re-applied on top of version 2, both changes are in version 3.
    merged = plan_content.copy_of(plan.current_version.content)
    merged["wishes"]["care_wishes"] = draft.content["wishes"]["care_wishes"]
    third = services.save_plan(gp, patient, content=merged, based_on=2, draft=draft)
    draft.refresh_from_db()
    assert third.number == 3 and draft.status == "reapplied"
    assert third.content["goal"]["note"] == "POH's change"


@pytest.mark.parametrize("based_on", [2, 2**31, 10**20, -1])
def test_based_on_no_saved_version_is_refused_and_keeps_no_draft(gp, patient, based_on):
    services.save_plan(gp, patient, content=acp_content(), based_on=0)
    changed = acp_content()
    changed["goal"]["note"] = "anders"
    with pytest.raises(ValidationError) as caught:
        services.save_plan(gp, patient, content=changed, based_on=based_on)
    assert caught.value.messages == [str(services.UNKNOWN_BASE_VERSION)]
    assert not CarePlanDraft.objects.exists()
    plan = CarePlan.objects.get(patient=patient)
    assert plan.current_number == 1 and plan.current_version.content["goal"]["note"] != "anders"


@pytest.mark.parametrize("based_on", [1, 10**20])
def test_based_on_a_version_when_there_is_no_plan_is_refused(gp, patient, based_on):
    with pytest.raises(ValidationError) as caught:
        services.save_plan(gp, patient, content=acp_content(), based_on=based_on)
    assert caught.value.messages == [str(services.UNKNOWN_BASE_VERSION)]
    assert not CarePlan.objects.exists()
    assert not CarePlanDraft.objects.exists()


def test_limit_without_decision_is_refused(gp, patient):
    content = acp_content()
    content["treatment_limits"][0]["decision"] = ""
    with pytest.raises(ValidationError) as caught:
        services.save_plan(gp, patient, content=content, based_on=0)
    assert "treatment_limits.0.decision" in caught.value.error_dict
    assert not CarePlanVersion.objects.exists()


def test_conditional_limit_needs_conditions(gp, patient):
    content = acp_content()
    content["treatment_limits"][3]["specification"] = ""
    with pytest.raises(ValidationError):
        services.save_plan(gp, patient, content=content, based_on=0)


def test_representative_without_name_and_future_conversation_are_refused(gp, patient):
    content = acp_content()
    content["contacts"] = [
        {"name": "", "role": ContactRole.LEGAL_REPRESENTATIVE.value, "phone": "0612345678"}
    ]
    content["conversations"][0]["date"] = (timezone.localdate() + dt.timedelta(1)).isoformat()
    with pytest.raises(ValidationError) as caught:
        services.save_plan(gp, patient, content=content, based_on=0)
    errors = caught.value.error_dict
    assert "contacts.0.name" in errors and "conversations.0.date" in errors


def test_other_limit_needs_a_name(gp, patient):
    content = acp_content()
    content["treatment_limits"].append(
        {"treatment": Treatment.OTHER.value, "text": "", "decision": "2"}
    )
    with pytest.raises(ValidationError):
        services.save_plan(gp, patient, content=content, based_on=0)


def test_only_editors_with_access_may_save(make_actor, patient):
    nurse = make_actor(RoleCode.DISTRICT_NURSE)
    with pytest.raises(PermissionDenied):
        services.save_plan(nurse, patient, content=acp_content(), based_on=0)
    other_gp = make_actor(RoleCode.GP)
    with pytest.raises(PermissionDenied):
        services.save_plan(other_gp, patient, content=acp_content(), based_on=0)


def test_deceased_patient_plan_is_closed(gp, practice):
    patient = PatientFactory(gp_practice=practice, deceased=True)
    with pytest.raises(ValidationError):
        services.save_plan(gp, patient, content=acp_content(), based_on=0)


def test_diff_is_field_by_field():
    before = acp_content()
    after = acp_content()
    after["treatment_limits"][0]["decision"] = TreatmentDecision.YES.value
    after["contacts"].append({"name": "Els", "role": "24"})
    changes = {c.key: c for c in plan_content.diff(before, after)}
    assert changes[f"limits.{Treatment.RESUSCITATION.value}.decision"].after == str(
        TreatmentDecision.YES.label
    )
    assert changes["contacts.2.name"].after == "Els"
    assert len(plan_content.diff(before, before)) == 0


def _region_world(patient):
    sub = SubregionFactory()
    municipality = MunicipalityFactory(subregion=sub)
    area = PostcodeAreaFactory(pc4="9402", municipality=municipality)
    patient.postcode = "9402 KB"
    patient.save()
    hap = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST, subregion=None)
    LocationFactory(organization=hap, postcode="9402 AA")
    far_hap = OrganizationFactory(
        type=OrganizationType.OUT_OF_HOURS_GP_POST, subregion=SubregionFactory()
    )
    assert area.pk == "9402"
    return hap, far_hap


def test_notifications_reach_the_care_team_never_acute_care(
    gp, make_actor, practice, patient, django_capture_on_commit_callbacks
):
    """Acute care is not pushed a notification per plan change (issue 18 item 2): the region's
    out-of-hours GPs used to be told of every change to any shared plan, and the notification
    opened the patient. With consent to share with acute care or without, only the care team
    hears of a new version."""
    hap, far_hap = _region_world(patient)
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    hap_doctor = make_actor(RoleCode.OUT_OF_HOURS_GP, organization=hap)
    far_doctor = make_actor(RoleCode.OUT_OF_HOURS_GP, organization=far_hap)
    for actor in (poh, hap_doctor, far_doctor):
        actor.user.email = f"{actor.user.username}@example.org"
        actor.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_plan(gp, patient, content=acp_content(), based_on=0)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert poh.user.pk in recipients
    assert gp.user.pk not in recipients  # the author

    ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    changed = acp_content()
    changed["goal"]["note"] = "anders"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_plan(gp, patient, content=changed, based_on=1)
    assert Notification.objects.filter(recipient=poh.user).count() == 2
    assert not Notification.objects.filter(recipient__in=[hap_doctor.user, far_doctor.user])
    assert not Notification.objects.filter(kind__startswith="careplans.acute_version.")
    assert mail.outbox, "an e-mail is sent"
    assert all(poh.user.email in message.to for message in mail.outbox)
    for message in mail.outbox:
        assert patient.family_name not in message.body
        assert patient.family_name not in message.subject
    # Nor do the titles in the app: a notification outlives consent and care-team membership.
    born = patient.date_of_birth.strftime("%d-%m-%Y")
    for note in Notification.objects.all():
        assert patient.family_name not in note.title and born not in note.title, note.title
        assert note.patient_id == patient.pk


def test_merge_takes_only_what_the_editor_changed():
    base = acp_content()
    mine = acp_content()
    mine["wishes"]["care_wishes"] = "mine"
    mine["treatment_limits"][4]["decision"] = TreatmentDecision.NO.value
    current = acp_content()
    current["goal"]["note"] = "theirs"
    current["treatment_limits"][0]["decision"] = TreatmentDecision.YES.value
    merged = plan_content.merge(base, mine, current)
    assert merged["wishes"]["care_wishes"] == "mine"
    assert merged["goal"]["note"] == "theirs"
    assert merged["treatment_limits"][0]["decision"] == TreatmentDecision.YES.value
    assert merged["treatment_limits"][4]["decision"] == TreatmentDecision.NO.value
