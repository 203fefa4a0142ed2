"""Need-to-know instead of a push (issue 18 item 2): an acute-care organisation sees how many
living patients in its own area have a plan shared with acute care, per postcode area and with
counts of 1–4 suppressed, and nothing that identifies a patient; a region-wide organisation
sees its region. The old acute-care notifications are migrated to open no patient."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.acute import area
from palliare.careplans.factories import CarePlanFactory
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    RegionFactory,
    SubregionFactory,
)
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _shared(pc4: str, *, consent: bool = True, deceased: bool = False, family_name: str = ""):
    names = {"family_name": family_name} if family_name else {}
    patient = PatientFactory(postcode=f"{pc4} AB", deceased=deceased, **names)
    CarePlanFactory(patient=patient)
    if consent:
        ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    return patient


@pytest.fixture
def region():
    """Two subregions of one region and one elsewhere, one PC4 area each (two in the first)."""
    north = SubregionFactory()
    south = SubregionFactory(region=north.region)
    far = SubregionFactory(region=RegionFactory(code="elsewhere", name="Elders"))
    for pc4, sub in (("9401", north), ("9402", north), ("7811", south), ("1012", far)):
        PostcodeAreaFactory(pc4=pc4, municipality=MunicipalityFactory(subregion=sub))
    return north, south, far


def test_subregional_post_sees_counts_of_its_own_area_only(region, make_actor):
    north, _south, _far = region
    for _ in range(6):
        _shared("9401")
    _shared("9402")
    _shared("9402", consent=False)  # not shared with acute care
    _shared("9402", deceased=True)
    PatientFactory(postcode="9402 AB")  # no plan
    _shared("7811")  # another subregion
    hap = make_actor(
        RoleCode.OUT_OF_HOURS_GP,
        organization=OrganizationFactory(
            type=OrganizationType.OUT_OF_HOURS_GP_POST, subregion=north
        ),
    )
    summary = area.shared_plans(hap)
    assert summary is not None
    assert [(a.pc4, a.shown) for a in summary.areas] == [("9401", "6"), ("9402", "<5")]
    assert summary.total == "7"


def test_region_wide_ambulance_sees_its_region(region, make_actor):
    _shared("9401")
    _shared("7811")
    _shared("1012")  # another region
    ambulance = OrganizationFactory(type=OrganizationType.AMBULANCE_SERVICE, subregion=None)
    LocationFactory(organization=ambulance, postcode="9401 AA")
    summary = area.shared_plans(make_actor(RoleCode.AMBULANCE, organization=ambulance))
    assert summary is not None
    assert [(a.pc4, a.shown) for a in summary.areas] == [("7811", "<5"), ("9401", "<5")]
    assert summary.total == "<5"


def test_start_page_shows_the_area_without_identifying_anyone(region, make_actor, client_for):
    north, _south, _far = region
    # Names that appear nowhere else on the page (a random "Post" is in "Postcode").
    patients = [_shared("9401", family_name=f"Zwaagstra-{n}") for n in range(5)]
    hap = make_actor(
        RoleCode.OUT_OF_HOURS_GP,
        organization=OrganizationFactory(
            type=OrganizationType.OUT_OF_HOURS_GP_POST, subregion=north
        ),
    )
    page = client_for(hap).get(reverse("ui:home")).content.decode()
    assert 'data-testid="acute-area"' in page
    assert "Gedeelde plannen in uw gebied" in page
    assert "<strong>5</strong>" in page
    for patient in patients:
        assert patient.family_name not in page
        assert patient.bsn not in page
        assert f"/acute/patients/{patient.pk}/" not in page
    # Roles without the acute view see no such section.
    nurse_page = client_for(make_actor(RoleCode.DISTRICT_NURSE)).get(reverse("ui:home"))
    assert 'data-testid="acute-area"' not in nurse_page.content.decode()


def test_suppression():
    assert [area.suppressed(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]


migration = importlib.import_module(
    "palliare.careplans.migrations.0003_acute_notifications_open_no_patient"
)


def test_old_acute_notifications_lead_to_the_search(make_actor):
    user = make_actor(RoleCode.OUT_OF_HOURS_GP).user
    patient = PatientFactory()
    acute = Notification.objects.create(
        recipient=user,
        kind="careplans.acute_version.12",
        title="Gedeeld zorgplan gewijzigd: versie 2",
        url=f"/acute/patients/{patient.pk}/?via=notification",
        patient_id=patient.pk,
    )
    team = Notification.objects.create(
        recipient=user,
        kind="careplans.version.12",
        url=f"/patients/{patient.pk}/careplan/",
        patient_id=patient.pk,
    )
    migration.forwards(apps, None)
    acute.refresh_from_db()
    team.refresh_from_db()
    # Kept (what was sent to whom), but leading to the search: no patient opens from it.
    assert (acute.kind, acute.url, acute.title) == (
        "careplans.acute_version.12",
        reverse("acute:search"),
        "Gedeeld zorgplan gewijzigd: versie 2",
    )
    assert team.url == f"/patients/{patient.pk}/careplan/"
    migration.forwards(apps, None)  # a second run changes nothing
    acute.refresh_from_db()
    assert acute.url == reverse("acute:search")
