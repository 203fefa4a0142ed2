"""CSV export and import of the directory: the export reads back unchanged; an import is
all-or-nothing with errors per line and column (malformed rows, unknown postcodes, bad values,
duplicates); spreadsheet formulas are neutralised; only the directory keepers may use it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.exchange import directory_csv
from palliare.organizations.factories import (
    LocationFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)
from palliare.organizations.models import Location, Organization

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def coordinator(make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)


def _csv(rows, header=None, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header or directory_csv.COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in (header or directory_csv.COLUMNS)])
    return buffer.getvalue().encode("utf-8")


def _rows(text):
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_export_then_import_changes_nothing(coordinator):
    org = OrganizationFactory(name="Hospice De Duinroos", subregion=SubregionFactory(code="zuid"))
    LocationFactory(organization=org)
    text = directory_csv.export_csv(actor=coordinator)
    assert text.startswith("\ufeff")
    report = directory_csv.import_csv(text.encode("utf-8"), actor=coordinator)
    assert report.ok
    assert report.saved
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == Organization.objects.count()
    assert AuditEvent.objects.filter(event_type="capacity.directory_exported").exists()


def test_import_creates_and_updates(coordinator):
    PostcodeAreaFactory(pc4="9401")
    existing = OrganizationFactory(name="Oude naam")
    data = _csv(
        [
            {"id": existing.pk, "name": "Nieuwe naam", "type": existing.type},
            {
                "name": "VPTZ Zuid",
                "type": "volunteer_organization",
                "is_public": "ja",
                "street": "Brink",
                "house_number": "1",
                "postcode": "9401ab",
                "city": "Assen",
            },
        ]
    )
    report = directory_csv.import_csv(data, actor=coordinator)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.name == "Nieuwe naam"
    vptz = Organization.objects.get(name="VPTZ Zuid")
    assert vptz.is_public
    assert vptz.locations.get().postcode == "9401 AB"
    event = AuditEvent.objects.get(event_type="capacity.directory_imported")
    assert event.details["created"] == [vptz.pk]


def test_bad_rows_are_reported_per_line_and_nothing_is_saved(coordinator):
    PostcodeAreaFactory(pc4="9401")
    before = Organization.objects.count()
    data = _csv(
        [
            {"name": "Goed", "type": "hospice"},
            {"name": "", "type": "hospice"},
            {"name": "Type fout", "type": "kasteel"},
            {"name": "Postcode onbekend", "type": "hospice", "postcode": "1234 AB", "city": "X"},
            {"name": "AGB fout", "type": "hospice", "agb_code": "12"},
            {"name": "Bool fout", "type": "hospice", "is_public": "misschien"},
            {"id": "99999", "name": "Bestaat niet", "type": "hospice"},
            {"name": "Subregio", "type": "hospice", "subregion": "nergens"},
        ]
    )
    report = directory_csv.import_csv(data, actor=coordinator)
    assert not report.ok
    assert not report.saved
    by_line = {(e.line, e.column) for e in report.errors}
    assert (3, "name") in by_line
    assert (4, "type") in by_line
    assert (5, "postcode") in by_line
    assert (6, "agb_code") in by_line
    assert (7, "is_public") in by_line
    assert (8, "id") in by_line
    assert (9, "subregion") in by_line
    assert all(e.line != 2 for e in report.errors)
    assert Organization.objects.count() == before
    assert not AuditEvent.objects.filter(event_type="capacity.directory_imported").exists()


@pytest.mark.parametrize("value", ["\u00b2", "99999999999999999999999", "1" * 5000, "-1"])
@pytest.mark.parametrize("column", ["id", "parent_id"])
def test_bad_id_cells_are_row_errors(coordinator, column, value):
    """A "²" cell passes str.isdigit() but not int(); 5000 digits are too long for int()."""
    data = _csv([{column: value, "name": "Hospice X", "type": "hospice"}])
    report = directory_csv.import_csv(data, actor=coordinator)
    assert not report.ok and not report.saved
    assert [(e.line, e.column) for e in report.errors] == [(2, column)]
    assert "No organisation with id" in report.errors[0].message


def test_malformed_files(coordinator):
    cases = [
        (b"\xff\xfe\x00n", "UTF-8"),
        (b"", "empty"),
        (b"name,kind\nX,hospice\n", "Missing columns: type"),
        (b"name,type,colour\nX,hospice,red\n", "Unknown columns: colour"),
        (b"name,type,name\nX,hospice,Y\n", "twice"),
        (b"name,type\nX,hospice,extra\n", "number of fields"),
        (b'name,type\n"X,hospice\n', ""),
    ]
    before = Organization.objects.count()
    for data, message in cases:
        report = directory_csv.import_csv(data, actor=coordinator)
        assert not report.ok, data
        assert message in " ".join(e.message for e in report.errors), (data, report.errors)
    assert Organization.objects.count() == before


def test_duplicates_within_the_file(coordinator):
    org = OrganizationFactory()
    data = _csv(
        [
            {"id": org.pk, "name": "A", "type": "hospice"},
            {"id": org.pk, "name": "B", "type": "hospice"},
            {"name": "C", "type": "hospice", "agb_code": "12345678"},
            {"name": "D", "type": "hospice", "agb_code": "12345678"},
        ]
    )
    report = directory_csv.import_csv(data, actor=coordinator)
    columns = {(e.line, e.column) for e in report.errors}
    assert columns == {(3, "id"), (5, "agb_code")}


def test_semicolons_and_check_only(coordinator):
    data = _csv([{"name": "Puntkomma", "type": "hospice"}], delimiter=";")
    report = directory_csv.import_csv(data, actor=coordinator, check_only=True)
    assert report.ok
    assert report.created == 1
    assert not report.saved
    assert not Organization.objects.filter(name="Puntkomma").exists()
    assert directory_csv.import_csv(data, actor=coordinator).saved


def test_formulas_are_neutralised_and_read_back(coordinator):
    org = OrganizationFactory(name='=HYPERLINK("x")', phone="+31 592 123 456")
    text = directory_csv.export_csv(actor=coordinator)
    row = next(r for r in _rows(text) if r["id"] == str(org.pk))
    assert row["name"].startswith("'=")
    assert row["phone"] == "'+31 592 123 456"
    report = directory_csv.import_csv(text.encode("utf-8"), actor=coordinator)
    assert report.ok
    assert report.unchanged >= 1
    org.refresh_from_db()
    assert org.name == '=HYPERLINK("x")'


def test_only_directory_keepers(make_actor):
    with pytest.raises(PermissionDenied):
        directory_csv.export_csv(actor=make_actor(RoleCode.GP))
    with pytest.raises(PermissionDenied):
        directory_csv.import_csv(b"name,type\n", actor=make_actor(RoleCode.FACILITY_COORDINATOR))


def test_pages(client_for, coordinator):
    client = client_for(coordinator)
    response = client.get(reverse("exchange:directory_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    upload = io.BytesIO(_csv([{"name": "", "type": "hospice"}]))
    upload.name = "directory.csv"
    response = client.post(reverse("exchange:directory"), {"file": upload})
    assert response.status_code == 400
    assert b'data-testid="import-report"' in response.content
    upload = io.BytesIO(_csv([{"name": "Nieuw", "type": "hospice"}]))
    upload.name = "directory.csv"
    response = client.post(reverse("exchange:directory"), {"file": upload})
    assert response.status_code == 200
    assert Organization.objects.filter(name="Nieuw").exists()
    assert Location.objects.count() == 0
