"""Assembling the annual report from the year's data, and writing it as PDF (WeasyPrint) and
editable DOCX (python-docx). The data sections come from the registry in
``report_sections`` (built-in ones in that module; other apps add theirs); the narrative is the
coordinator's. A fixed number of queries, whatever the data size."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from palliare.organizations.models import Region

from .models import AnnualReport
from .report_sections import ReportSection, sections_for

#: The narrative sections, after the structure of the network's annual report (seed 000).
NARRATIVE = [
    ("foreword", _("Foreword")),
    ("coordinate", _("Coordinating")),
    ("facilitate", _("Facilitating")),
    ("inform", _("Informing")),
    ("signal", _("Signalling")),
    ("next_year", _("Priorities for next year")),
]


@dataclass
class Assembled:
    year: int
    network: str
    narrative: list[tuple[str, str, str]]
    sections: list[ReportSection]
    region: str = ""

    @property
    def network_title(self) -> str:
        """The network with its region ("Netwerk Palliatieve Zorg Drenthe"), for the header."""
        if not self.region or self.region in self.network:
            return self.network
        return f"{self.network} {self.region}"


def assemble(report: AnnualReport) -> Assembled:
    texts = report.narrative or {}
    return Assembled(
        year=report.year,
        network=settings.NETWORK_NAME,
        region=Region.objects.order_by("pk").values_list("name", flat=True).first() or "",
        narrative=[(key, str(label), str(texts.get(key, ""))) for key, label in NARRATIVE],
        sections=sections_for(report.year),
    )


def to_pdf(assembled: Assembled) -> bytes:
    from weasyprint import HTML

    html = render_to_string("programme/pdf/annual_report.html", {"report": assembled})
    return bytes(HTML(string=html).write_pdf())


def to_docx(assembled: Assembled) -> bytes:
    from docx import Document

    document: Any = Document()
    document.add_heading(str(_("Annual report %(year)s") % {"year": assembled.year}), level=0)
    document.add_paragraph(assembled.network_title)
    for _key, label, text in assembled.narrative:
        if not text.strip():
            continue
        document.add_heading(label, level=1)
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph.strip())
    for section in assembled.sections:
        document.add_heading(str(section.title), level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.header and section.rows:
            table = document.add_table(rows=1, cols=len(section.header))
            table.style = "Table Grid"
            for cell, value in zip(table.rows[0].cells, section.header, strict=True):
                cell.text = str(value)
            for row in section.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
