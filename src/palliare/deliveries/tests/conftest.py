"""Fixtures of the deliveries tests: a hospital with its business controller, the programme
team, the network coordinator, a data set, and filled templates (XLSX and CSV)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import RoleCode
from palliare.deliveries import periods, services
from palliare.deliveries.constants import PeriodType
from palliare.deliveries.factories import DataSetFactory
from palliare.deliveries.layout import FIRST_DATA_ROW, VALUE_COLUMN
from palliare.deliveries.models import DataSet
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.organizations.models import Organization


@pytest.fixture
def hospital(db: Any) -> Organization:
    return OrganizationFactory(type=OrganizationType.HOSPITAL, name="Ziekenhuis Testoord")


@pytest.fixture
def controller(make_actor: Callable[..., Actor], hospital: Organization) -> Actor:
    return make_actor(RoleCode.BUSINESS_CONTROLLER, organization=hospital)


@pytest.fixture
def reviewer(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(RoleCode.PROGRAMME_TEAM, type=OrganizationType.NETWORK_OFFICE)


@pytest.fixture
def coordinator(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(RoleCode.NETWORK_COORDINATOR, type=OrganizationType.NETWORK_OFFICE)


@pytest.fixture
def data_set(db: Any) -> DataSet:
    return DataSetFactory(code="hospital_quarter", name_nl="Ziekenhuis per kwartaal")


@pytest.fixture
def period() -> periods.Period:
    """The last quarter that is over."""
    return periods.period_containing(timezone.localdate(), PeriodType.QUARTER).previous()


def fill_xlsx(template: bytes, values: dict[str, object]) -> bytes:
    """The template with ``values`` typed into the value column (by element code)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["Aanlevering"]
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in values:
            sheet.cell(row=row, column=VALUE_COLUMN + 1).value = values[code]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fill_csv(template: bytes, values: dict[str, str], *, encoding: str = "utf-8-sig") -> bytes:
    """The CSV template with ``values`` in the value column, re-encoded."""
    lines = template.decode("utf-8-sig").split("\r\n")
    out = []
    for line in lines:
        cells = line.split(";")
        if cells and cells[0] in values:
            while len(cells) <= VALUE_COLUMN:
                cells.append("")
            cells[VALUE_COLUMN] = values[cells[0]]
        out.append(";".join(cells))
    return "\r\n".join(out).encode(encoding)


GOOD = {"consultations": 12, "consultations_with_plan": 5, "share_trained": 40, "has_team": "ja"}


@pytest.fixture
def good_xlsx(controller: Actor, data_set: DataSet, period: periods.Period) -> bytes:
    return fill_xlsx(services.template_file(controller, data_set, period), GOOD)
