"""The pages of capacity: the search near a postcode with its map, the overview of all beds, a
facility's page with history and report form, the +/- buttons of the start page (htmx and
without JavaScript), bad input shown as messages (never a 500), the start-page sections, district
nursing and quality pages; list pages use a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import (
    DistrictNursingServiceFactory,
    FacilityFactory,
    QualityRequirementFactory,
)
from palliare.capacity.models import BedStatus, CapacityReminder, IntakeStatusChange
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(client_for, make_actor):
    return client_for(make_actor(RoleCode.GP))


@pytest.fixture
def hospice(client_for, make_actor):
    facility = FacilityFactory(free=1, beds=6, organization__name="Hospice De Duinroos")
    actor = make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    return facility, client_for(actor)


def _origin():
    return PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560, place="Assen")


def test_search_near_a_postcode_shows_facility_with_timestamp(gp):
    _origin()
    facility = FacilityFactory(free=2, organization__name="Hospice De Duinroos")
    response = gp.get(reverse("capacity:search"), {"postcode": "9401"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hospice De Duinroos" in html
    local = timezone.localtime(facility.current_status.recorded_at)
    assert f'datetime="{local.isoformat()}"' in html or local.strftime("%H:%M") in html
    assert 'data-marker="1"' in html  # on the map


@pytest.mark.parametrize(("postcode", "message"), [("9999", "9999"), ("hallo", "postcode")])
def test_unknown_or_malformed_postcode_is_a_message(gp, postcode, message):
    response = gp.get(reverse("capacity:search"), {"postcode": postcode})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert message in response.content.decode()


def test_search_partial_for_htmx(gp):
    _origin()
    response = gp.get(reverse("capacity:search"), {"postcode": "9401"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"facilities-heading" in response.content


def queries_at_two_sizes(add, fetch, small=2, large=9):
    """Query counts of ``fetch()`` after ``add(small)`` and after ``add(large - small)`` more."""
    counts = []
    for n in (small, large - small):
        add(n)
        with CaptureQueriesContext(connection) as queries:
            fetch()
        counts.append(len(queries))
    return counts


def test_search_page_queries_do_not_grow(gp):
    _origin()
    small, large = queries_at_two_sizes(
        lambda n: FacilityFactory.create_batch(n),
        lambda: gp.get(reverse("capacity:search"), {"postcode": "9401"}),
    )
    assert small == large


def test_overview_queries_do_not_grow(gp):
    def fetch():
        response = gp.get(reverse("capacity:overview"))
        assert response.status_code == 200

    small, large = queries_at_two_sizes(
        lambda n: [FacilityFactory(stale=i % 2 == 0) for i in range(n)], fetch
    )
    assert small == large
    assert gp.get(reverse("capacity:overview")).content.decode().count("data-facility=") == 9


def test_overview_flags_stale_entries(gp):
    FacilityFactory(stale=True, organization__name="Hospice Oud")
    html = gp.get(reverse("capacity:overview")).content.decode()
    assert 'class="stale"' in html


def test_facility_page_shows_history_to_everyone_and_the_form_to_its_staff(gp, hospice):
    facility, staff = hospice
    url = reverse("capacity:facility", args=[facility.pk])
    assert b'name="free_beds"' not in gp.get(url).content
    html = staff.get(url).content.decode()
    assert 'name="free_beds"' in html
    assert f'name="based_on" value="{facility.current_status_id}"' in html


def _report(client, facility, **overrides):
    data = {
        "free_beds": 2,
        "beds": 6,
        "admission_status": "open",
        "waiting_list": 0,
        "note": "",
        "based_on": facility.current_status_id,
    }
    data.update(overrides)
    return client.post(reverse("capacity:facility_report", args=[facility.pk]), data)


def test_full_report(hospice):
    facility, staff = hospice
    response = _report(staff, facility, free_beds=2, waiting_list=3)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.current_status.free_beds, facility.current_status.waiting_list) == (2, 3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"free_beds": -1}, "negative"),
        ({"free_beds": 7}, "more free beds (7) than beds (6)"),
        ({"free_beds": "twee"}, "whole number"),
        ({"beds": ""}, "Fill in a number"),
        ({"admission_status": "maybe"}, "Select a valid choice"),
        ({"note": "x" * 501}, "500"),
    ],
)
def test_bad_report_is_refused_with_a_message(hospice, overrides, message, settings):
    settings.LANGUAGE_CODE = "en"
    facility, staff = hospice
    response = staff.get("/")  # warm the session
    response = _report(staff, facility, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message.lower() in html.lower().replace("&#x27;", "'")
    assert BedStatus.objects.filter(facility=facility).count() == 1


def test_concurrent_report_is_refused_with_the_current_numbers(hospice):
    facility, staff = hospice
    stale_id = facility.current_status_id
    staff.post(reverse("capacity:facility_adjust", args=[facility.pk]), {"action": "plus"})
    response = _report(staff, facility, based_on=stale_id, free_beds=0)
    assert response.status_code == 400
    html = response.content.decode()
    assert ("2" in html and "meanwhile" in html) or "intussen" in html
    facility.refresh_from_db()
    assert facility.current_status.free_beds == 2


def test_other_facility_cannot_be_reported(hospice, client_for, make_actor):
    facility, _ = hospice
    other = client_for(make_actor(RoleCode.FACILITY_COORDINATOR))
    assert _report(other, facility).status_code == 403
    response = other.post(
        reverse("capacity:facility_adjust", args=[facility.pk]), {"action": "plus"}
    )
    assert response.status_code == 403


def test_quick_buttons_with_htmx(hospice):
    facility, staff = hospice
    url = reverse("capacity:facility_adjust", args=[facility.pk])
    response = staff.post(url, {"action": "plus"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<article")
    assert 'data-testid="free-count">2<' in html
    staff.post(url, {"action": "minus"}, HTTP_HX_REQUEST="true")
    staff.post(url, {"action": "minus"}, HTTP_HX_REQUEST="true")
    response = staff.post(url, {"action": "minus"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in response.content.decode()
    facility.refresh_from_db()
    assert facility.current_status.free_beds == 0


def test_quick_buttons_without_javascript_redirect_back(hospice):
    facility, staff = hospice
    url = reverse("capacity:facility_adjust", args=[facility.pk])
    response = staff.post(url, {"action": "confirm", "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    response = staff.post(url, {"action": "plus", "next": "https://evil.example/"})
    assert response.url == reverse("ui:home")
    response = staff.post(url, {"action": "explode"}, follow=True)
    assert response.status_code == 200


def test_start_page_of_the_facility(hospice):
    facility, staff = hospice
    html = staff.get(reverse("ui:home")).content.decode()
    assert 'data-section="capacity_beds"' in html
    assert f'id="facility-{facility.pk}"' in html
    assert "quick--stale" not in html


def test_start_page_shows_stale_status_and_reminder(client_for, make_actor):
    facility = FacilityFactory(stale=True)
    staff = client_for(
        make_actor(RoleCode.FACILITY_COORDINATOR, organization=facility.organization)
    )
    CapacityReminder.objects.create(facility=facility, stale_status=facility.current_status)
    html = staff.get(reverse("ui:home")).content.decode()
    assert "quick--stale" in html
    assert 'class="quick__notice"' in html


def test_start_page_section_queries_do_not_grow(client_for, make_actor):
    first = FacilityFactory()
    staff = client_for(make_actor(RoleCode.FACILITY_COORDINATOR, organization=first.organization))
    staff.get(reverse("ui:home"))
    small, large = queries_at_two_sizes(
        lambda n: FacilityFactory.create_batch(n, organization=first.organization),
        lambda: staff.get(reverse("ui:home")),
        small=1,
        large=5,
    )
    assert small == large
    html = staff.get(reverse("ui:home")).content.decode()
    assert html.count('<article class="quick') == 6


def test_coordinator_sees_stale_facilities(client_for, make_actor):
    FacilityFactory(stale=True, organization__name="Hospice Vergeten")
    html = client_for(make_actor(RoleCode.NETWORK_COORDINATOR)).get("/").content.decode()
    assert 'data-section="capacity_coordination"' in html
    assert "Hospice Vergeten" in html


def test_referrer_sees_number_of_free_beds(gp):
    FacilityFactory(free=1)
    FacilityFactory(full=True)
    html = gp.get("/").content.decode()
    assert 'data-section="capacity_free_beds"' in html


# --- district nursing and quality ---------------------------------------------------------------


def test_nursing_list_queries_do_not_grow(gp):
    QualityRequirementFactory()
    municipality = MunicipalityFactory()

    def add(n):
        for _ in range(n):
            DistrictNursingServiceFactory(taking_clients=True, qualified=True).municipalities.add(
                municipality
            )

    small, large = queries_at_two_sizes(add, lambda: gp.get(reverse("capacity:nursing_list")))
    assert small == large
    html = gp.get(reverse("capacity:nursing_list")).content.decode()
    assert html.count("badge--success") == 9


def test_intake_from_the_start_page(client_for, make_actor):
    service = DistrictNursingServiceFactory()
    nurse = client_for(make_actor(RoleCode.DISTRICT_NURSE, organization=service.organization))
    assert 'data-section="capacity_intake"' in nurse.get("/").content.decode()
    response = nurse.post(
        reverse("capacity:nursing_intake", args=[service.pk]),
        {"status": "limited", "effective_date": timezone.localdate().isoformat(), "next": "/"},
    )
    assert response.status_code == 302
    assert response.url == "/"
    service.refresh_from_db()
    assert service.current_intake.status == "limited"


def test_intake_bad_input(client_for, make_actor):
    service = DistrictNursingServiceFactory()
    nurse = client_for(make_actor(RoleCode.DISTRICT_NURSE, organization=service.organization))
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = nurse.post(
        reverse("capacity:nursing_intake", args=[service.pk]),
        {"status": "yes", "effective_date": future},
    )
    assert response.status_code == 400
    assert not IntakeStatusChange.objects.exists()
    other = client_for(make_actor(RoleCode.DISTRICT_NURSE))
    response = other.post(
        reverse("capacity:nursing_intake", args=[service.pk]),
        {"status": "yes", "effective_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403


def test_service_area_form_rejects_unknown_postcodes(client_for, make_actor):
    service = DistrictNursingServiceFactory()
    nurse = client_for(make_actor(RoleCode.DISTRICT_NURSE, organization=service.organization))
    PostcodeAreaFactory(pc4="9401")
    url = reverse("capacity:nursing_area", args=[service.pk])
    response = nurse.post(url, {"postcodes": "9401, 0123, 9998"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0123" in html
    assert service.postcode_areas.count() == 0
    response = nurse.post(url, {"postcodes": "9401 9998"})
    assert "9998" in response.content.decode()
    response = nurse.post(url, {"postcodes": "9401"})
    assert response.status_code == 302
    assert list(service.postcode_areas.values_list("pc4", flat=True)) == ["9401"]
    gp = client_for(make_actor(RoleCode.GP))
    assert gp.get(url).status_code == 403


def test_assessment_form(client_for, make_actor):
    requirements = QualityRequirementFactory.create_batch(2)
    service = DistrictNursingServiceFactory()
    coordinator = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    url = reverse("capacity:nursing_assess", args=[service.pk])
    assert coordinator.get(url).status_code == 200
    data = {"assessed_on": timezone.localdate().isoformat(), "assessor": "Team"}
    for r in requirements:
        data[f"met_{r.pk}"] = "on"
    response = coordinator.post(url, data)
    assert response.status_code == 400  # evidence missing
    assert service.assessments.count() == 0
    for r in requirements:
        data[f"evidence_{r.pk}"] = "Scholingsregister"
    response = coordinator.post(url, data)
    assert response.status_code == 302
    assessment = service.assessments.get()
    assert assessment.valid_until.year == assessment.assessed_on.year + 2
    detail = coordinator.get(reverse("capacity:nursing", args=[service.pk])).content.decode()
    assert "Scholingsregister" in detail


def test_requirement_pages(client_for, make_actor):
    coordinator = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    response = coordinator.post(
        reverse("capacity:requirements"),
        {"title": "Scholing", "code": "scholing", "order": 1, "is_active": "on"},
    )
    assert response.status_code == 302
    response = coordinator.post(
        reverse("capacity:requirements"), {"title": "Dubbel", "code": "scholing", "order": 2}
    )
    assert response.status_code == 400
    requirement = QualityRequirementFactory(code="x")
    response = coordinator.post(
        reverse("capacity:requirement", args=[requirement.pk]),
        {"title": "Anders", "code": "x", "order": 3},
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.title, requirement.is_active) == ("Anders", False)


def test_facility_page_draws_the_occupancy_over_time(gp):
    from palliare.capacity.factories import report

    facility = FacilityFactory(free=6, beds=6, hours_ago=24 * 40)
    for days, free in ((20, 4), (10, 1), (1, 0)):
        report(facility, free_beds=free, at=timezone.now() - dt.timedelta(days=days))
    html = gp.get(reverse("capacity:facility", args=[facility.pk])).content.decode()
    assert 'data-chart="spec-occupancy"' in html and 'id="spec-occupancy"' in html
    from palliare.capacity.charts import occupancy_chart
    from palliare.ui.charts import to_svg

    chart = occupancy_chart(facility.pk)
    assert chart is not None and chart.max_beds == 6
    # The report before the window (none occupied) stands at its start, then the three reports.
    assert [occupied for _when, _beds, occupied in chart.points] == [0, 2, 5, 6]
    assert chart.points[0][0] == chart.start
    values = chart.spec["data"]["values"]
    assert {v["series"] for v in values} == {"Bezette bedden", "Bedden in totaal"}
    assert to_svg(chart.spec).startswith("<svg")


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"assessed_on": "9999-01-01"}, 400),  # in the future: no default validity computed
        ({"assessed_on": "9999-12-31"}, 400),
        ({"assessed_on": "9999-01-01", "valid_until": "9999-12-31"}, 400),
        ({"assessed_on": "0001-01-01"}, 302),
    ],
)
def test_assessment_with_extreme_dates_is_a_form_error(client_for, make_actor, changes, status):
    service = DistrictNursingServiceFactory()
    coordinator = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    coordinator.raise_request_exception = False
    url = reverse("capacity:nursing_assess", args=[service.pk])
    response = coordinator.post(url, {"assessor": "Team", **changes})
    assert response.status_code == status
    if status == 400:
        assert "errorlist" in response.content.decode()
        assert not service.assessments.exists()


@pytest.mark.parametrize("municipality", ["%C2%B2", "99999999999999999999999", "abc", "-1"])
def test_nursing_list_ignores_a_bad_municipality(gp, municipality):
    DistrictNursingServiceFactory().municipalities.add(MunicipalityFactory())
    gp.raise_request_exception = False
    response = gp.get(reverse("capacity:nursing_list") + f"?municipality={municipality}")
    assert response.status_code == 200


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_evidence_hint_from_the_database_is_shown_as_text(client_for, make_actor):
    """A requirement's evidence hint is typed in by a coordinator and shown as the help text
    of the assessment form: as text, escaped exactly once, never as markup."""
    QualityRequirementFactory(evidence_hint=XSS)
    service = DistrictNursingServiceFactory()
    coordinator = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    html = coordinator.get(reverse("capacity:nursing_assess", args=[service.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&amp;lt;" not in html


def test_assessment_form_escapes_the_evidence_hint():
    from palliare.capacity.forms import AssessmentForm

    requirement = QualityRequirementFactory(evidence_hint=XSS)
    form = AssessmentForm(requirements=[requirement])
    assert "<script>" not in str(form[f"evidence_{requirement.pk}"].help_text)


def test_shared_field_template_escapes_help_text():
    """Help text is text unless code marks it safe (the shared form template adds no |safe)."""
    from django import forms
    from django.utils.safestring import mark_safe

    class Example(forms.Form):
        plain = forms.CharField(help_text=XSS)
        marked = forms.CharField(help_text=mark_safe("<em>trusted</em>"))

    html = str(Example())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<em>trusted</em>" in html
