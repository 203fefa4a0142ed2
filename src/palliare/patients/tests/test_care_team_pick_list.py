"""The care-team form's pick-list (issue 18 item 11): the professionals offered are those working
at the chosen organisation now, not every professional of the region; htmx reloads them when the
organisation changes (a GET with ?organization=), and without JavaScript "show its
professionals" posts the choice and shows the form again without saving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProfessionalFactory,
)
from palliare.patients.factories import PatientFactory
from palliare.patients.models import CareTeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(practice):
    nursing = OrganizationFactory(name="Thuiszorg Noord", type=OrganizationType.DISTRICT_NURSING)
    other = OrganizationFactory(name="Thuiszorg Zuid", type=OrganizationType.DISTRICT_NURSING)
    ours = MembershipFactory(
        organization=nursing,
        professional=ProfessionalFactory(given_name="Anna", family_name="Noorderwijk"),
    ).professional
    theirs = MembershipFactory(
        organization=other,
        professional=ProfessionalFactory(given_name="Bert", family_name="Zuiderveld"),
    ).professional
    patient = PatientFactory(gp_practice=practice, marked=True)
    return {"nursing": nursing, "other": other, "ours": ours, "theirs": theirs, "patient": patient}


def _url(region):
    return reverse("patients:care_team_add", args=[region["patient"].pk])


def test_no_professionals_before_an_organisation_is_chosen(gp, client_for, region):
    html = client_for(gp).get(_url(region)).content.decode()
    assert "Noorderwijk" not in html
    assert "Zuiderveld" not in html
    assert "Kies eerst de organisatie" in html


def test_only_the_chosen_organisations_professionals(gp, client_for, region):
    html = client_for(gp).get(_url(region), {"organization": region["nursing"].pk}).content
    html = html.decode()
    assert "Noorderwijk" in html
    assert "Zuiderveld" not in html
    assert 'id="professional-field"' in html
    assert f'hx-get="{_url(region)}"' in html


def test_without_javascript_the_choice_is_posted_and_nothing_saved(gp, client_for, region):
    response = client_for(gp).post(
        _url(region), {"organization": region["nursing"].pk, "role": "", "choose": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Noorderwijk" in html and "Zuiderveld" not in html
    assert 'class="errorlist' not in html  # not an error round: the form is simply refilled
    assert not CareTeamMember.objects.filter(patient=region["patient"]).exists()


def test_a_professional_of_another_organisation_is_refused(gp, client_for, region):
    response = client_for(gp).post(
        _url(region),
        {
            "organization": region["nursing"].pk,
            "professional": region["theirs"].pk,
            "role": "district_nurse",
        },
    )
    assert response.status_code == 200
    assert not CareTeamMember.objects.filter(patient=region["patient"]).exists()
    response = client_for(gp).post(
        _url(region),
        {
            "organization": region["nursing"].pk,
            "professional": region["ours"].pk,
            "role": "district_nurse",
        },
    )
    assert response.status_code == 302
    assert CareTeamMember.objects.get(patient=region["patient"]).professional == region["ours"]
