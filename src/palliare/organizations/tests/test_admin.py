"""The network coordinator maintains the directory in the administration screens; membership
and role changes made there are written to the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    ProfessionalFactory,
    SubregionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_actor, client_for):
    return client_for(make_actor(RoleCode.NETWORK_COORDINATOR))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:organizations_organization_changelist",
        "admin:organizations_organization_add",
        "admin:organizations_professional_changelist",
        "admin:organizations_municipality_changelist",
        "admin:organizations_region_changelist",
        "admin:organizations_subregion_changelist",
        "admin:organizations_postcodearea_changelist",
        "admin:accounts_role_changelist",
        "admin:accounts_user_changelist",
    ],
)
def test_coordinator_opens_admin_screens(coordinator, url_name):
    assert coordinator.get(reverse(url_name)).status_code == 200


def test_municipality_mapping_is_editable(coordinator):
    municipality = MunicipalityFactory()
    target = SubregionFactory()
    url = reverse("admin:organizations_municipality_change", args=[municipality.pk])
    response = coordinator.post(url, {"name": municipality.name, "subregion": target.pk})
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.subregion == target


def test_membership_added_in_admin_is_logged(coordinator):
    professional = ProfessionalFactory()
    org = OrganizationFactory()
    url = reverse("admin:organizations_professional_change", args=[professional.pk])
    data = {
        "user": professional.user_id,
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
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organization": org.pk,
        "memberships-0-role": role(RoleCode.DISTRICT_NURSE).pk,
        "memberships-0-job_title": "",
        "memberships-0-phone": "",
        "memberships-0-valid_from": "2026-01-01",
        "memberships-0-valid_until": "",
    }
    response = coordinator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = professional.memberships.get(organization=org)
    assert membership.status == "pending"  # a district nurse reads patients: second person
    assert AuditEvent.objects.filter(event_type="accounts.membership_requested").exists()


def test_invalid_agb_in_admin_gives_form_error(coordinator):
    response = coordinator.post(
        reverse("admin:organizations_organization_add"),
        {
            "name": "X",
            "type": "hospice",
            "agb_code": "12",
            "locations-TOTAL_FORMS": "0",
            "locations-INITIAL_FORMS": "0",
            "locations-MIN_NUM_FORMS": "0",
            "locations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "precies 8 cijfers" in response.content.decode()


def test_role_permissions_changed_in_admin_are_logged(coordinator):
    gp = role(RoleCode.GP)
    response = coordinator.post(
        reverse("admin:accounts_role_change", args=[gp.pk]),
        {"code": "gp", "name": gp.name, "description": "", "granted": ["directory.view"]},
    )
    assert response.status_code == 302
    assert set(gp.permissions.values_list("permission", flat=True)) == {"directory.view"}
    assert AuditEvent.objects.filter(event_type="accounts.role_permissions_changed").exists()


def test_directory_maintainer_without_account_rights_cannot_relink_accounts(make_actor, client_for):
    """Saving a professional works without account rights (no 500) but the login account and
    memberships stay as they were; the change is logged."""
    from palliare.accounts.models import Role

    role_ = Role.objects.create(code="directory-only", name="Sociale kaart")
    for perm in ("directory.view", "directory.manage", "admin.use"):
        role_.permissions.create(permission=perm)
    client = client_for(make_actor("directory-only"))
    professional = ProfessionalFactory()
    intruder = ProfessionalFactory().user
    url = reverse("admin:organizations_professional_change", args=[professional.pk])
    response = client.post(
        url,
        {
            "user": intruder.pk,
            "initials": "",
            "given_name": "Nieuw",
            "family_name_prefix": "",
            "family_name": professional.family_name,
            "discipline": professional.discipline,
            "big_number": professional.big_number,
            "agb_code": "",
            "phone": "",
            "email": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    professional.refresh_from_db()
    assert professional.given_name == "Nieuw"
    assert professional.user_id != intruder.pk
    assert AuditEvent.objects.filter(event_type="directory.professional_changed").exists()


def test_setting_a_password_in_admin_is_logged(coordinator):
    from palliare.accounts.factories import UserFactory

    user = UserFactory()
    url = f"/admin/accounts/user/{user.pk}/password/"
    response = coordinator.post(
        url,
        {
            "password1": "een-heel-lang-wachtwoord-7",
            "password2": "een-heel-lang-wachtwoord-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.password_set_by_admin").exists()
