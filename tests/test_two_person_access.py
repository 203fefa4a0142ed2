"""Access to patient data needs two people (issue 19, item 1).

A coordinator who gives a membership that opens patient data (to anyone, themselves included)
through the administration screens creates it *pending*: it grants nothing, does not appear in
the membership switcher, and only a second person (another coordinator or the organisation's
own administrator) may approve it; nobody approves their own request or their own access.
Other admin actions that widen access (a role gaining patient-data permissions, reactivating
an account, resetting its second factor, relinking a professional, moving a membership) follow
the same rule or are refused with a message. The privacy officer sees grants and approvals.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from palliare.accounts import services
from palliare.accounts.actors import actor_for
from palliare.accounts.factories import role
from palliare.accounts.permissions import NEEDS_SECOND_PERSON, Permission, RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.organizations.models import Membership
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _professional_form(professional, memberships=(), new=()):
    """The POST of the professional's admin page: existing memberships and new ones."""
    data = {
        "user": professional.user_id or "",
        "initials": "",
        "given_name": professional.given_name,
        "family_name_prefix": "",
        "family_name": professional.family_name,
        "discipline": professional.discipline,
        "big_number": professional.big_number,
        "agb_code": "",
        "phone": "",
        "email": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships) + len(new)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {
            "id": m.pk,
            "professional": professional.pk,
            "organization": m.organization_id,
            "role": m.role_id,
            "valid_from": m.valid_from.isoformat(),
            "valid_until": m.valid_until.isoformat() if m.valid_until else "",
        }
        for m in memberships
    ] + list(new)
    for i, row in enumerate(rows):
        for key, value in {"job_title": "", "phone": "", "valid_until": "", **row}.items():
            data[f"memberships-{i}-{key}"] = value
    return data


@pytest.fixture
def coordinator(make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)


@pytest.fixture
def second_coordinator(coordinator):
    return actor_for(
        MembershipFactory(
            organization=coordinator.organization, role=role(RoleCode.NETWORK_COORDINATOR)
        ).professional.user
    )


def test_coordinator_cannot_give_themselves_a_gp_membership(coordinator, client_for):
    """The reported escalation: self-granted GP membership, switch, read the practice's
    patients. The membership is created pending and opens nothing."""
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    patient = PatientFactory(gp_practice=practice)
    own = coordinator.membership.professional
    client = client_for(coordinator)
    response = client.post(
        reverse("admin:organizations_professional_change", args=[own.pk]),
        _professional_form(
            own,
            memberships=[coordinator.membership],
            new=[
                {
                    "organization": practice.pk,
                    "role": role(RoleCode.GP).pk,
                    "valid_from": "2026-01-01",
                }
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = Membership.objects.get(professional=own, organization=practice)
    assert grant.status == "pending"
    assert grant.requested_by_id == coordinator.user.pk
    assert not grant.is_current
    # It is not offered in the switcher, and choosing it anyway gives nothing.
    switched = actor_for(coordinator.user, grant.pk)
    assert switched.membership != grant
    assert not switched.has(Permission.VIEW_PATIENT)
    client.post(reverse("accounts:switch_membership"), {"membership": grant.pk})
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code in (403, 404)
    # Nor can they approve it themselves.
    with pytest.raises(ValidationError):
        services.approve_membership(grant, actor=coordinator)
    client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "approve", "_selected_action": [grant.pk]},
    )
    grant.refresh_from_db()
    assert grant.status == "pending"
    assert AuditEvent.objects.filter(event_type="accounts.membership_requested").exists()
    assert not AuditEvent.objects.filter(event_type="accounts.membership_approved").exists()


def test_second_coordinator_can_not_approve_a_grant_to_themselves(coordinator, second_coordinator):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    grant = services.grant_membership(
        second_coordinator.membership.professional, practice, role(RoleCode.GP), actor=coordinator
    )
    assert grant.status == "pending"
    with translation.override("en"), pytest.raises(ValidationError, match="themselves"):
        services.approve_membership(grant, actor=second_coordinator)


def test_a_second_person_approves_and_then_it_works(coordinator, second_coordinator, client_for):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    patient = PatientFactory(gp_practice=practice)
    doctor = MembershipFactory(organization=practice, role=role(RoleCode.PRACTICE_NURSE))
    grant = services.grant_membership(
        doctor.professional, practice, role(RoleCode.GP), actor=coordinator
    )
    assert actor_for(doctor.professional.user, grant.pk).membership != grant
    response = client_for(second_coordinator).post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "approve", "_selected_action": [grant.pk]},
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "approved"
    assert grant.approved_by_id == second_coordinator.user.pk
    gp = actor_for(doctor.professional.user, grant.pk)
    assert gp.membership == grant
    assert gp.has(Permission.VIEW_PATIENT)
    client = client_for(gp)
    client.post(reverse("accounts:switch_membership"), {"membership": grant.pk})
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    approved = AuditEvent.objects.get(event_type="accounts.membership_approved")
    assert approved.actor_user_id == second_coordinator.user.pk
    assert approved.details["requested_by"] == coordinator.user.pk


def test_roles_without_patient_data_are_granted_at_once(coordinator):
    office = OrganizationFactory()
    other = MembershipFactory(organization=office, role=role(RoleCode.BUSINESS_CONTROLLER))
    grant = services.grant_membership(
        other.professional, office, role(RoleCode.STEERING_GROUP), actor=coordinator
    )
    assert grant.status == "approved"
    assert grant.is_current


def test_the_set_covers_every_patient_data_permission():
    for permission in (
        Permission.VIEW_PATIENT,
        Permission.VIEW_CARE_PLAN,
        Permission.VIEW_ACUTE_SUMMARY,
        Permission.EMERGENCY_ACCESS,
        Permission.VIEW_ACCESS_LOG,
        Permission.MANAGE_ACCOUNTS,
    ):
        assert permission in NEEDS_SECOND_PERSON
    assert Permission.VIEW_DIRECTORY not in NEEDS_SECOND_PERSON


def test_factories_and_set_up_grants_are_approved():
    assert MembershipFactory().status == "approved"
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    member = MembershipFactory()
    grant = services.grant_membership(member.professional, practice, role(RoleCode.GP), actor=None)
    assert grant.status == "approved"


def test_role_cannot_gain_patient_data_permissions_while_people_hold_it(coordinator, client_for):
    controller = role(RoleCode.BUSINESS_CONTROLLER)
    MembershipFactory(role=controller)
    wanted = [*controller.permissions.values_list("permission", flat=True), "patients.view"]
    response = client_for(coordinator).post(
        reverse("admin:accounts_role_change", args=[controller.pk]),
        {"code": controller.code, "name": controller.name, "description": "", "granted": wanted},
    )
    assert response.status_code == 200
    assert "open patient data" in response.content.decode() or "patiënt" in (
        response.content.decode()
    )
    assert not controller.permissions.filter(permission="patients.view").exists()
    with pytest.raises(ValidationError):
        services.set_role_permissions(
            controller, {Permission(p) for p in wanted}, actor=coordinator
        )


def test_a_new_role_may_hold_patient_data_permissions(coordinator):
    from palliare.accounts.models import Role

    fresh = Role.objects.create(code="hospice_doctor", name="Hospice doctor")
    services.set_role_permissions(fresh, {Permission.VIEW_PATIENT}, actor=coordinator)
    assert fresh.permissions.filter(permission="patients.view").exists()


def test_reactivating_an_account_needs_a_second_person(coordinator, client_for):
    nurse = MembershipFactory(role=role(RoleCode.DISTRICT_NURSE))
    user = nurse.professional.user
    user.is_active = False
    user.save()
    response = client_for(coordinator).post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": user.email,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    nurse.refresh_from_db()
    assert nurse.status == "pending"


def test_resetting_the_second_factor_needs_a_second_person(coordinator, client_for):
    nurse = MembershipFactory(role=role(RoleCode.DISTRICT_NURSE))
    client_for(coordinator).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [nurse.professional.user_id]},
    )
    nurse.refresh_from_db()
    assert nurse.status == "pending"


def test_linking_a_professional_to_another_account_needs_a_second_person(coordinator, client_for):
    """The coordinator creates an account of their own making and links a GP's directory entry
    to it: whoever holds that account is a new person to the GP's memberships."""
    from palliare.accounts.factories import UserFactory

    gp = MembershipFactory(role=role(RoleCode.GP))
    professional = gp.professional
    puppet = UserFactory(with_device=True)
    data = _professional_form(professional, memberships=[gp])
    data["user"] = puppet.pk
    response = client_for(coordinator).post(
        reverse("admin:organizations_professional_change", args=[professional.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    gp.refresh_from_db()
    assert gp.status == "pending"
    assert not actor_for(puppet).has(Permission.VIEW_PATIENT)


def test_reactivating_an_organisation_needs_a_second_person(coordinator, client_for):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, is_active=False)
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP))
    response = client_for(coordinator).post(
        reverse("admin:organizations_organization_change", args=[practice.pk]),
        {
            "name": practice.name,
            "type": practice.type,
            "agb_code": practice.agb_code,
            "is_active": "on",
            "locations-TOTAL_FORMS": "0",
            "locations-INITIAL_FORMS": "0",
            "locations-MIN_NUM_FORMS": "0",
            "locations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    practice.refresh_from_db()
    assert practice.is_active
    gp.refresh_from_db()
    assert gp.status == "pending"


def test_moving_a_membership_needs_approval_but_ending_it_does_not(coordinator):
    nurse = MembershipFactory(role=role(RoleCode.DISTRICT_NURSE))
    before = services.membership_snapshot(nurse)
    nurse.valid_until = dt.date.today() + dt.timedelta(days=30)
    services.save_membership(nurse, actor=coordinator, previous=before)
    assert nurse.status == "approved"
    before = services.membership_snapshot(nurse)
    nurse.organization = OrganizationFactory()
    services.save_membership(nurse, actor=coordinator, previous=before)
    assert nurse.status == "pending"


def test_the_privacy_officer_sees_grants_and_approvals(
    coordinator, second_coordinator, make_actor, client_for
):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    member = MembershipFactory()
    waiting = services.grant_membership(
        member.professional, practice, role(RoleCode.GP), actor=coordinator
    )
    approved = services.grant_membership(
        member.professional, practice, role(RoleCode.PRACTICE_NURSE), actor=coordinator
    )
    services.approve_membership(approved, actor=second_coordinator)
    officer = make_actor(RoleCode.PRIVACY_OFFICER)
    response = client_for(officer).get(reverse("accounts:access_grants"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(waiting.professional) in html
    assert str(second_coordinator.user) in html
    assert client_for(coordinator).get(reverse("accounts:access_grants")).status_code == 403
