"""The monitoring pages: the steering group sees KPIs against target and drills down to a
subregion with small counts as "<5"; the detail page, catalogue (new version), targets (a
decision is required), recomputation with progress, mirror figures and the quarterly report
(PDF text holds names, values and rules; XLSX neutralises formulas; later changes mark it
revised); the start pages are not empty; page query counts do not grow with the data."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.monitoring import services
from palliare.monitoring.models import IssuedReport, KpiDefinition, KpiValue, RecomputeRun
from palliare.monitoring.periods import Period

from . import golden

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2026, 1)


@pytest.fixture
def world() -> golden.World:
    services.ensure_catalogue()
    w = golden.build()
    services.recompute_now()
    return w


@pytest.fixture
def steering(make_actor, client_for):
    return client_for(make_actor(RoleCode.STEERING_GROUP))


def test_dashboard_shows_kpis_and_drills_down_with_small_counts(world, steering):
    response = steering.get(reverse("monitoring:dashboard"), {"period": Q1.key})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zorgplan" in page or "zorgplan" in page
    assert 'data-kpi="plan-before-death"' in page
    # Drill down to the north subregion: 2 of 2 expected deaths → both shown as "<5".
    response = steering.get(
        reverse("monitoring:dashboard"), {"period": Q1.key, "subregion": world.north.pk}
    )
    assert response.status_code == 200
    assert "&lt;5 / &lt;5" in response.content.decode()
    assert steering.get(reverse("monitoring:dashboard"), {"subregion": 999999}).status_code == 404


def test_kpi_detail_per_subregion_suppressed(world, steering):
    response = steering.get(
        reverse("monitoring:kpi", args=["plan-before-death"]), {"period": Q1.key}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "&lt;5" in page
    assert "Aantal van hen met vóór of op de dag van overlijden" in page  # the rule text
    assert steering.get(reverse("monitoring:kpi", args=["nope"])).status_code == 404


def test_target_needs_decision_through_the_page(world, steering):
    url = reverse("monitoring:set_target", args=["plan-before-death"])
    data = {
        "value": "20",
        "target_date": "2026-03-31",
        "decision_reference": "",
        "decision_date": "2025-12-16",
    }
    steering.post(url, data)
    assert not KpiDefinition.objects.get(code="plan-before-death").targets.exists()
    steering.post(url, data | {"decision_reference": "Stuurgroep 16-12-2025"})
    assert KpiDefinition.objects.get(code="plan-before-death").targets.count() == 1


def test_catalogue_change_makes_a_new_version(world, make_actor, client_for):
    client = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    assert client.get(reverse("monitoring:catalogue")).status_code == 200
    url = reverse("monitoring:kpi_edit", args=["plan-before-death"])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["name_nl"] = "Zorgplan vóór overlijden"
    data["change_note"] = "Kortere naam"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    definition = KpiDefinition.objects.get(code="plan-before-death")
    assert definition.current.version == 2 and definition.versions.count() == 2


def test_recompute_page_shows_progress(
    world, make_actor, client_for, django_capture_on_commit_callbacks
):
    client = client_for(make_actor(RoleCode.PROGRAMME_TEAM))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:recompute"))
    run = RecomputeRun.objects.first()
    assert response.status_code == 302 and run.status == "done"  # immediate backend in tests
    page = client.get(reverse("monitoring:run", args=[run.pk])).content.decode()
    assert 'data-status="done"' in page


def test_mirror_for_the_business_controller(world, make_actor, client_for):
    client = client_for(make_actor(RoleCode.BUSINESS_CONTROLLER, organization=world.p1))
    response = client.get(reverse("monitoring:mirror"), {"period": Q1.key})
    assert response.status_code == 200
    assert world.p1.name in response.content.decode()
    assert world.p2.name not in response.content.decode()


def test_start_pages_are_not_empty(world, make_actor, client_for):
    for role, key in (
        (RoleCode.STEERING_GROUP, "monitoring_kpis"),
        (RoleCode.PROGRAMME_TEAM, "monitoring_kpis"),
        (RoleCode.NETWORK_COORDINATOR, "monitoring_catalogue"),
    ):
        page = client_for(make_actor(role)).get(reverse("ui:home")).content.decode()
        assert f'data-section="{key}"' in page, role
        if key == "monitoring_kpis":
            # The KPI card has column headers and names the quarter in Dutch ("K1 2026").
            card = page.split(f'data-section="{key}"', 1)[1].split("</section>", 1)[0]
            assert '<th scope="col" class="num">Streefwaarde</th>' in card, role
            caption = card.split("<caption", 1)[1].split("</caption>", 1)[0]
            assert re.search(r">K\d 20\d\d$", caption), (role, caption)
    controller = client_for(make_actor(RoleCode.BUSINESS_CONTROLLER, organization=world.p1))
    home = controller.get(reverse("ui:home")).content.decode()
    assert 'data-section="monitoring_mirror"' in home
    card = home.split('data-section="monitoring_mirror"', 1)[1].split("</section>", 1)[0]
    assert 'data-testid="mirror-own-note"' in card
    assert "<<<<<<<" not in home and " Q1" not in card


def test_quarterly_report_pdf_and_xlsx(world, make_actor, client_for):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    golden.build_more(world, copies=5)  # 14 expected deaths: enough to publish the rate
    services.recompute_now(full=True)
    client = client_for(make_actor(RoleCode.PROGRAMME_TEAM))
    response = client.post(reverse("monitoring:issue_report"), {"period": Q1.key})
    assert response.status_code == 302
    report = IssuedReport.objects.get()
    pdf = client.get(reverse("monitoring:report_download", args=[report.pk, "pdf"]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Individueel zorgplan aanwezig vóór overlijden" in " ".join(text.split())
    assert "85,7%" in text  # 12 of 14: A, B and the ten added deaths with a plan
    assert "Aantal van hen met vóór of op de dag" in " ".join(text.split())
    book = load_workbook(io.BytesIO(bytes(report.xlsx)))
    assert book.sheetnames == ["Cijfers", "Methoden"]
    # A later change of a figure it showed marks it revised.
    value = KpiValue.objects.get(
        version__definition__code="plan-before-death",
        period_type=Q1.type,
        period_start=Q1.start,
        area_type="region",
        subgroup="",
    )
    KpiValue.objects.filter(pk=value.pk).update(value=1.0)
    services.mark_revised_reports()
    report.refresh_from_db()
    assert report.revised_at is not None
    assert (
        client.get(reverse("monitoring:report_download", args=[report.pk, "doc"])).status_code
        == 404
    )


def _nursing_world(copies: int) -> tuple[golden.World, object, object]:
    """The golden world plus ``copies`` × 2 deaths with a plan; every death's care team holds
    one of two district-nursing organisations (alternately)."""
    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.factories import OrganizationFactory
    from palliare.patients.factories import CareTeamMemberFactory
    from palliare.patients.models import Patient

    world = golden.build()
    golden.build_more(world, copies=copies)
    own = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING, name="Wijkzorg Eigen")
    other = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING, name="Thuiszorg Ander")
    for i, patient in enumerate(Patient.objects.filter(date_of_death__isnull=False).order_by("pk")):
        CareTeamMemberFactory(
            patient=patient,
            organization=own if i % 2 == 0 else other,
            started_at=golden.at(dt.date(2025, 12, 1)),
        )
    return world, own, other


def _row(page: str, code: str) -> str:
    start = page.index(f'data-kpi="{code}"')
    return page[start : page.index("</tr>", start)]


def test_mirror_of_a_district_nursing_organisation(make_actor, client_for):
    # A, C, E and ten added deaths (all with a plan) had "Wijkzorg Eigen" in their care team:
    # R1 = 11 of 13 expected deaths. Its caregiver KPI rests on A alone: suppressed.
    services.ensure_catalogue()
    _world, own, _other = _nursing_world(copies=10)
    services.recompute_now(today=dt.date(2026, 5, 1))
    client = client_for(make_actor(RoleCode.BUSINESS_CONTROLLER, organization=own))
    response = client.get(reverse("monitoring:mirror"), {"period": Q1.key})
    page = response.content.decode()
    assert response.status_code == 200
    plan = _row(page, "plan-before-death")
    assert "84,6%" in plan and "11 / 13" in plan
    carer = _row(page, "caregiver-checked")
    assert "&lt;5 / &lt;5" in carer and "%" not in carer.split("</th>", 1)[1].split("<td")[1]
    # The other district-nursing organisation is in the funnel plot and its table, unnamed.
    assert "Thuiszorg Ander" not in page
    peers = page[page.index('data-testid="mirror-peers"') :]
    assert "Wijkzorg Eigen" in peers and "Organisatie 1" in peers
    # KPIs the register does not link to district nursing are listed apart, without "—" rows.
    assert 'data-kpi="consultation-median"' not in page
    # The start page shows the organisation's own figures too.
    home = client.get(reverse("ui:home")).content.decode()
    assert 'data-section="monitoring_mirror"' in home


def test_mirror_queries_do_not_grow_with_data(make_actor, client_for):
    services.ensure_catalogue()
    world, own, _other = _nursing_world(copies=5)
    services.recompute_now(today=dt.date(2026, 5, 1))
    client = client_for(make_actor(RoleCode.BUSINESS_CONTROLLER, organization=own))
    client.get(reverse("monitoring:mirror"), {"period": Q1.key})
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("monitoring:mirror"), {"period": Q1.key}).content.decode()
    assert 'data-testid="mirror-peers"' in page  # the funnel plot's queries are counted too
    golden.build_more(world, copies=4)
    services.recompute_now(full=True, today=dt.date(2026, 5, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("monitoring:mirror"), {"period": Q1.key})
    assert len(large) == len(small)


def test_report_queries_do_not_grow_with_data(make_actor):
    from palliare.monitoring import reports

    services.ensure_catalogue()
    world = golden.build()
    services.recompute_now(today=dt.date(2026, 5, 1))
    with CaptureQueriesContext(connection) as small:
        reports.render_xlsx(reports._content(Q1))
    golden.build_more(world, copies=4)
    golden.build_beds(world)
    services.recompute_now(full=True, today=dt.date(2026, 5, 1))
    with CaptureQueriesContext(connection) as large:
        reports.render_xlsx(reports._content(Q1))
    assert len(large) == len(small)


@pytest.mark.parametrize("name", ["monitoring:dashboard", "monitoring:kpi", "monitoring:reports"])
def test_page_queries_do_not_grow_with_data(name, make_actor, client_for):
    services.ensure_catalogue()
    world = golden.build()
    client = client_for(make_actor(RoleCode.STEERING_GROUP))
    args = ["plan-before-death"] if name == "monitoring:kpi" else []
    services.recompute_now(today=dt.date(2026, 5, 1))
    client.get(reverse(name, args=args), {"period": Q1.key})
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name, args=args), {"period": Q1.key})
    golden.build_more(world, copies=3)
    services.recompute_now(full=True, today=dt.date(2026, 5, 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse(name, args=args), {"period": Q1.key})
    assert len(large) == len(small)
