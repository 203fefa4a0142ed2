"""The annual report: assembled from the year's data (meetings and topics, decisions,
deliverables adopted, milestone KPIs, self-evaluation uptake, bottlenecks) plus sections other
apps register and the coordinator's narrative; issued as PDF and DOCX that stay unchanged when
the data changes later; assembling runs the same number of queries for more data."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from palliare.programme import annual_report, report_sections, services
from palliare.programme.constants import MeetingStatus, Phase
from palliare.programme.factories import DeliverableFactory, MilestoneKpiFactory
from palliare.programme.models import AnnualReport

pytestmark = pytest.mark.django_db


def _year_of_work(world):
    year = timezone.localdate().year
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS, due_on=dt.date(year, 12, 31))
    meeting = services.plan_body_meeting(
        world.coordinator,
        world.steering_group,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        location="Assen",
    )
    services.add_topic(world.coordinator, meeting, title="Zelfevaluatie bevindingen")
    services.set_meeting_status(world.coordinator, meeting, MeetingStatus.HELD)
    deliverable = DeliverableFactory(
        submitted=True, phase=Phase.FRAMEWORKS, title="Kader acute zorg"
    )
    services.record_decision(
        world.steering,
        world.steering_group,
        decided_on=timezone.localtime(meeting.starts_at).date(),
        title="Kaders vastgesteld",
        meeting=meeting,
        adopts=[deliverable],
    )
    return year


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_issue_pdf_and_docx_and_keep_them(world):
    year = _year_of_work(world)
    services.save_report_narrative(world.coordinator, year, {"foreword": "Een jaar van kaders."})
    issued = services.issue_report(world.coordinator, year)
    text = _pdf_text(bytes(issued.pdf))
    for expected in [
        "Een jaar van kaders.",
        "Zelfevaluatie bevindingen",
        f"SG-{year}-01",
        "Kaders vastgesteld",
        "KPI 7",
        "Kader acute zorg",
    ]:
        assert expected in text, expected
    doc = Document(io.BytesIO(bytes(issued.docx)))
    body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "Een jaar van kaders." in body and f"SG-{year}-01" in body
    before = bytes(issued.pdf)
    services.save_report_narrative(world.coordinator, year, {"foreword": "Anders."})
    issued.refresh_from_db()
    assert bytes(issued.pdf) == before
    second = services.issue_report(world.coordinator, year)
    assert second.number == 2 and "Anders." in _pdf_text(bytes(second.pdf))


def test_registered_section_of_another_app(world):
    @report_sections.register("test_trainings", order=70)
    def trainings(year):
        return report_sections.ReportSection(
            key="t", title="Scholingen", paragraphs=[f"175 kennisdragers in {year}"]
        )

    try:
        assembled = annual_report.assemble(AnnualReport(year=2021))
        assert any(
            s.title == "Scholingen" and "2021" in s.paragraphs[0] for s in assembled.sections
        )
    finally:
        report_sections._PROVIDERS.pop("test_trainings")


def test_assembly_queries_do_not_grow(world):
    year = _year_of_work(world)
    with CaptureQueriesContext(connection) as small:
        annual_report.assemble(AnnualReport(year=year))
    for _ in range(5):
        _year_of_work(world)
        DeliverableFactory(adopted=True, phase=Phase.FRAMEWORKS)
    with CaptureQueriesContext(connection) as large:
        annual_report.assemble(AnnualReport(year=year))
    assert len(small) == len(large)


def test_report_pages(world, client_for):
    year = _year_of_work(world)
    coordinator = client_for(world.coordinator)
    assert coordinator.get(reverse("programme:reports")).status_code == 200
    page = coordinator.get(reverse("programme:report", args=[year]))
    assert page.status_code == 200 and "Kaders vastgesteld" in page.content.decode()
    assert (
        coordinator.post(
            reverse("programme:report", args=[year]), {"foreword": "Voorwoord"}
        ).status_code
        == 302
    )
    assert coordinator.post(reverse("programme:report_issue", args=[year])).status_code == 302
    issued = AnnualReport.objects.get(year=year).issued.get()
    steering = client_for(world.steering)
    pdf = steering.get(reverse("programme:issued_report", args=[issued.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert steering.post(reverse("programme:report_issue", args=[year])).status_code == 403
    assert (
        steering.post(reverse("programme:report", args=[year]), {"foreword": "x"}).status_code
        == 404
    )


def test_issued_year_listed_as_issued_until_a_new_draft(world, client_for):
    """After issuing, the year is no longer a draft: it is listed with its issued versions.
    Editing the narrative again after issuing starts a new draft of that year."""
    year = timezone.localdate().year - 1
    coordinator = client_for(world.coordinator)
    year_url = f'href="{reverse("programme:report", args=[year])}"'

    def sections():
        html = coordinator.get(reverse("programme:reports")).content.decode()
        drafts, issued = html.split('id="h-issued"')
        return drafts.split('id="h-years"')[1], issued

    drafts, issued = sections()
    assert year_url in drafts and year_url not in issued
    services.save_report_narrative(world.coordinator, year, {"foreword": "Een jaar."})
    first = services.issue_report(world.coordinator, year)
    second = services.issue_report(world.coordinator, year)
    drafts, issued = sections()
    assert year_url not in drafts
    assert year_url in issued
    for version in (first, second):
        assert reverse("programme:issued_report", args=[version.pk, "pdf"]) in issued
    services.save_report_narrative(world.coordinator, year, {"foreword": "Een nieuw begin."})
    drafts, issued = sections()
    assert year_url in drafts
    assert reverse("programme:issued_report", args=[second.pk, "pdf"]) in issued


def test_pdf_wraps_long_words_and_names_the_region(world, settings):
    """A long unbroken word in the narrative wraps inside the page instead of running past the
    right edge; the header names the network and its region."""
    settings.NETWORK_NAME = "Netwerk Palliatieve Zorg"
    world.north.region.name = "Drenthe & Steenwijkerland"
    world.north.region.save()
    year = timezone.localdate().year
    word = "x" * 400
    services.save_report_narrative(world.coordinator, year, {"foreword": word})
    issued = services.issue_report(world.coordinator, year)
    reader = PdfReader(io.BytesIO(bytes(issued.pdf)))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    assert "Netwerk Palliatieve Zorg Drenthe & Steenwijkerland" in " ".join(raw.split())
    longest = max(len(run) for run in re.findall(r"x+", raw))
    assert longest < 200  # an A4 line holds far fewer than 200 characters
    doc = Document(io.BytesIO(bytes(issued.docx)))
    assert "Netwerk Palliatieve Zorg Drenthe & Steenwijkerland" in [p.text for p in doc.paragraphs]
