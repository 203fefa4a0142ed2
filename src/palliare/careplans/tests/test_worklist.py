"""The start-page section "care plans due for review" belongs to the patient's lead practitioner:
the named professional in the organisation they lead for (a medical specialist too), everyone of
the lead organisation when nobody is named, and always the patient's GP practice, so that a due
plan is never on nobody's list. It never names a patient the actor may not see, and its query
count does not grow with the number of plans."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.careplans.factories import CarePlanFactory
from palliare.careplans.worklist import plans_due_for_review
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(db):
    return OrganizationFactory(type=OrganizationType.HOSPITAL)


@pytest.fixture
def specialist(make_actor, hospital):
    return make_actor(RoleCode.MEDICAL_SPECIALIST, organization=hospital)


def _due_plan(practice):
    return CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True), due=True)


def _lead(plan, actor, role=CareTeamRole.GP, **kwargs):
    return CareTeamMemberFactory(
        patient=plan.patient,
        organization=actor.organization,
        professional=actor.membership.professional,
        role=role,
        is_lead_practitioner=True,
        **kwargs,
    )


def _shown(actor):
    section = plans_due_for_review(actor)
    return [] if section is None else [plan.patient_id for plan in section.context["items"]]


def test_specialist_who_is_lead_practitioner_sees_the_due_plan(practice, specialist):
    plan = _due_plan(practice)
    _lead(plan, specialist, role=CareTeamRole.MEDICAL_SPECIALIST)
    ConsentFactory(patient=plan.patient, scope=ConsentScope.CARE_TEAM)
    assert _shown(specialist) == [plan.patient_id]


def test_gp_practice_keeps_its_patients_plan_led_by_a_specialist(practice, gp, specialist):
    plan = _due_plan(practice)
    _lead(plan, specialist, role=CareTeamRole.MEDICAL_SPECIALIST)
    ConsentFactory(patient=plan.patient, scope=ConsentScope.CARE_TEAM)
    assert _shown(gp) == [plan.patient_id]
    other_practice_gp_plan = _due_plan(OrganizationFactory(type=OrganizationType.GP_PRACTICE))
    assert other_practice_gp_plan.patient_id not in _shown(gp)


def test_lead_gp_elsewhere_sees_it_and_so_does_the_patients_practice(practice, gp, make_actor):
    """A GP of another practice (a locum practice, say) leads: it is on both worklists."""
    elsewhere = make_actor(
        RoleCode.GP, organization=OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    )
    plan = _due_plan(practice)
    _lead(plan, elsewhere)
    ConsentFactory(patient=plan.patient, scope=ConsentScope.CARE_TEAM)
    assert _shown(elsewhere) == [plan.patient_id]
    assert _shown(gp) == [plan.patient_id]
    colleague = make_actor(RoleCode.GP, organization=elsewhere.organization)
    assert _shown(colleague) == []  # named lead: not the whole other practice


def test_everyone_of_the_lead_organisation_sees_it_when_nobody_is_named(practice, gp, make_actor):
    nurse = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    plan = _due_plan(practice)
    # As marking makes it: the GP practice leads, no professional named yet.
    CareTeamMemberFactory(
        patient=plan.patient, organization=practice, role=CareTeamRole.GP, is_lead_practitioner=True
    )
    assert _shown(gp) == [plan.patient_id]
    assert _shown(nurse) == [plan.patient_id]


def test_without_a_lead_practitioner_the_gp_practice_sees_the_due_plan(practice, gp, make_actor):
    plan = _due_plan(practice)
    former = make_actor(RoleCode.GP, organization=practice)
    _lead(plan, former, ended_at=timezone.now())  # a lead practitioner who left the team
    assert _shown(gp) == [plan.patient_id]


def test_lead_practitioner_does_not_see_a_patient_they_may_not_see(practice, gp, specialist):
    plan = _due_plan(practice)
    _lead(plan, specialist, role=CareTeamRole.MEDICAL_SPECIALIST)  # no consent to share
    assert plans_due_for_review(specialist) is None
    assert _shown(gp) == [plan.patient_id]  # the plan is not on nobody's list


def test_query_count_does_not_grow_with_the_number_of_plans(practice, gp, specialist):
    def add_plans(n):
        for _ in range(n):
            led = _due_plan(practice)
            _lead(led, specialist, role=CareTeamRole.MEDICAL_SPECIALIST)
            ConsentFactory(patient=led.patient, scope=ConsentScope.CARE_TEAM)
            _due_plan(practice)  # no lead practitioner: the practice's

    def queries(actor):
        with CaptureQueriesContext(connection) as captured:
            assert _shown(actor)
        return len(captured)

    add_plans(1)
    _shown(gp)  # the first access-log event of the database sets up its chain
    small = (queries(specialist), queries(gp))
    add_plans(4)
    assert (queries(specialist), queries(gp)) == small
