"""Bad input to a delivery (issue 15, "Bad input"): each case gets a clear Dutch message on its
row or for the file, and nothing is stored. Late deliveries are accepted and marked late."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation

from palliare.accounts.permissions import RoleCode
from palliare.deliveries import periods, services
from palliare.deliveries.models import DataSetVersion, Delivery, DeliveryValue
from palliare.deliveries.schema import RuleSpec
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

from .conftest import GOOD, fill_csv, fill_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def _deliver(controller, data_set, period, data, name="aanlevering.xlsx", **kwargs):
    return services.deliver_file(controller, data_set, period, data, file_name=name, **kwargs)


def _nothing_stored():
    assert Delivery.objects.count() == 0
    assert DeliveryValue.objects.count() == 0


def _messages(report):
    return [(e.row, e.element, e.message) for e in report.errors]


def test_a_good_file_is_stored_whole(controller, data_set, period, good_xlsx):
    report = _deliver(controller, data_set, period, good_xlsx)
    assert report.ok, report.errors
    values = {v.element_code: v.value for v in report.delivery.values.all()}
    assert values == {
        "consultations": 12,
        "consultations_with_plan": 5,
        "share_trained": 40,
        "has_team": 1,
    }


def test_template_of_another_organisation(controller, data_set, period, make_actor):
    other_org = OrganizationFactory(type=OrganizationType.HOSPITAL, name="Ziekenhuis Elders")
    other = make_actor(RoleCode.BUSINESS_CONTROLLER, organization=other_org)
    data = fill_xlsx(services.template_file(other, data_set, period), GOOD)
    report = _deliver(controller, data_set, period, data)
    assert not report.ok
    [(row, _element, message)] = _messages(report)
    assert row == 2
    assert "andere organisatie (Ziekenhuis Elders)" in message
    _nothing_stored()


def test_template_of_another_period(controller, data_set, period):
    data = fill_xlsx(services.template_file(controller, data_set, period.previous()), GOOD)
    report = _deliver(controller, data_set, period, data)
    [(row, _element, message)] = _messages(report)
    assert row == 5 and f"periode {period.previous().label}" in message
    _nothing_stored()


def test_template_of_an_older_version(controller, data_set, period):
    old = fill_xlsx(services.template_file(controller, data_set, period), GOOD)
    current = data_set.current_version()
    DataSetVersion.objects.create(
        data_set=data_set, number=2, definition=current.definition, deadline_days=60
    )
    report = _deliver(controller, data_set, period, old)
    [(row, _element, message)] = _messages(report)
    assert row == 4 and "versie 1" in message and "huidige versie is 2" in message
    _nothing_stored()


def test_text_and_negative_numbers_in_number_cells(controller, data_set, period):
    data = fill_xlsx(
        services.template_file(controller, data_set, period),
        {**GOOD, "consultations": "twaalf", "consultations_with_plan": -3},
    )
    report = _deliver(controller, data_set, period, data)
    messages = _messages(report)
    assert (9, "consultations", "“twaalf” is geen getal.") in messages
    assert (10, "consultations_with_plan", "-3 is negatief. Vul 0 of meer in.") in messages
    _nothing_stored()


def test_numerator_above_denominator(controller, data_set, period):
    data = fill_xlsx(
        services.template_file(controller, data_set, period),
        {**GOOD, "consultations": 5, "consultations_with_plan": 8},
    )
    report = _deliver(controller, data_set, period, data)
    [(row, element, message)] = _messages(report)
    assert (row, element) == (10, "consultations_with_plan")
    assert message == (
        "“Consulten met zorgplan” (8) moet ten hoogste “Consulten palliatief team” (5) zijn."
    )
    _nothing_stored()


def test_duplicate_rows(controller, data_set, period):
    template = services.template_file(controller, data_set, period, file_format="csv")
    csv_text = fill_csv(template, {"consultations": "12", "consultations_with_plan": "5"}).decode(
        "utf-8-sig"
    )
    csv_text += "consultations;;;7;;\r\n"
    report = _deliver(controller, data_set, period, csv_text.encode(), "a.csv")
    [(row, element, message)] = _messages(report)
    assert element == "consultations" and "ook op rij 9" in message and row > 12
    _nothing_stored()


def test_empty_file(controller, data_set, period):
    report = _deliver(controller, data_set, period, b"")
    assert _messages(report) == [(0, "", "Het bestand is leeg.")]
    report = _deliver(controller, data_set, period, b"\xef\xbb\xbf\r\n", "a.csv")
    assert _messages(report) == [(0, "", "Het bestand is leeg.")]
    _nothing_stored()


def test_an_empty_template_names_every_required_element(controller, data_set, period):
    report = _deliver(
        controller, data_set, period, services.template_file(controller, data_set, period)
    )
    assert [(e.row, e.element) for e in report.errors] == [
        (9, "consultations"),
        (10, "consultations_with_plan"),
    ]
    assert "is verplicht" in report.errors[0].message
    _nothing_stored()


def test_a_30_mb_file_is_refused_by_size_alone(controller, data_set, period):
    class Huge(bytes):
        """30 MB by its length; reading its content fails the test."""

        def __len__(self):
            return 30 * 1024 * 1024

        def startswith(self, *args, **kwargs):
            raise AssertionError("the content was read")

    report = _deliver(controller, data_set, period, Huge(b"x"))
    [(row, _element, message)] = _messages(report)
    assert row == 0 and "groter dan 2 MB" in message
    _nothing_stored()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "rapport.pdf", "geen spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.png", "geen spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "oud.xls", "oud Excel-bestand"),
        (b"PK\x03\x04garbage", "kapot.xlsx", "geen leesbaar Excel-bestand"),
        (b"just some words\nin a text file\n", "notities.txt", "geen Palliare-sjabloon"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet(controller, data_set, period, data, name, expected):
    report = _deliver(controller, data_set, period, data, name)
    assert not report.ok
    assert expected in report.errors[0].message
    _nothing_stored()


def test_a_zip_that_is_not_a_workbook(controller, data_set, period):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    report = _deliver(controller, data_set, period, buffer.getvalue(), "a.xlsx")
    assert "geen Excel-werkmap" in report.errors[0].message
    _nothing_stored()


def test_formulas_are_refused_per_row(controller, data_set, period):
    data = fill_xlsx(
        services.template_file(controller, data_set, period),
        {**GOOD, "consultations": "=SUM(1,2)", "consultations_with_plan": '=HYPERLINK("x")'},
    )
    report = _deliver(controller, data_set, period, data)
    rows = {(e.row, e.element) for e in report.errors}
    assert rows == {(9, "consultations"), (10, "consultations_with_plan")}
    assert all("formule" in e.message for e in report.errors)
    _nothing_stored()


def test_a_cell_starting_with_equals_in_csv(controller, data_set, period):
    template = services.template_file(controller, data_set, period, file_format="csv")
    data = fill_csv(template, {"consultations": "=1+1", "consultations_with_plan": "5"})
    report = _deliver(controller, data_set, period, data, "a.csv")
    [(row, element, message)] = _messages(report)
    assert (row, element) == (9, "consultations") and "formule" in message
    _nothing_stored()


def test_macros_are_refused(controller, data_set, period, good_xlsx):
    report = _deliver(controller, data_set, period, good_xlsx, "aanlevering.xlsm")
    assert "macro" in report.errors[0].message
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_xlsx)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    report = _deliver(controller, data_set, period, buffer.getvalue(), "onschuldig.xlsx")
    assert "bevat macro's" in report.errors[0].message
    _nothing_stored()


def test_dutch_excel_csv_in_cp1252_with_decimal_commas(controller, data_set, period):
    template = services.template_file(controller, data_set, period, file_format="csv")
    data = fill_csv(
        template,
        {"consultations": "1200", "consultations_with_plan": "300", "share_trained": "37,5"},
        encoding="cp1252",
    )
    report = _deliver(controller, data_set, period, data, "a.csv")
    assert report.ok, report.errors
    values = {v.element_code: v.value for v in report.delivery.values.all()}
    assert values["consultations"] == 1200 and str(values["share_trained"]) == "37.5000"


def test_an_ambiguous_thousands_point_is_refused(controller, data_set, period):
    template = services.template_file(controller, data_set, period, file_format="csv")
    data = fill_csv(template, {"consultations": "1.200", "consultations_with_plan": "3"})
    report = _deliver(controller, data_set, period, data, "a.csv")
    [(row, element, message)] = _messages(report)
    assert (
        (row, element) == (9, "consultations") and "dubbelzinnig" in message and "1200" in message
    )
    _nothing_stored()


def test_utf8_csv_without_bom_and_comma_separated(controller, data_set, period):
    template = services.template_file(controller, data_set, period, file_format="csv")
    text = fill_csv(template, {"consultations": "4", "consultations_with_plan": "2"}).decode(
        "utf-8-sig"
    )
    report = _deliver(controller, data_set, period, text.replace(";", ",").encode(), "a.csv")
    assert report.ok, report.errors


def test_a_period_not_over_yet_is_refused(controller, data_set, period, good_xlsx):
    report = _deliver(controller, data_set, period.next(), good_xlsx)
    assert "nog niet voorbij" in report.errors[0].message
    _nothing_stored()


def test_a_period_before_the_first_asked_one_is_refused(controller, data_set, period, good_xlsx):
    data_set.first_period_start = period.next().start
    data_set.save()
    report = _deliver(controller, data_set, period, good_xlsx)
    assert "wordt gevraagd vanaf" in report.errors[0].message
    _nothing_stored()


def test_after_the_deadline_it_is_accepted_and_marked_late(controller, data_set, period, good_xlsx):
    deadline = period.deadline(42)
    on_time = _deliver(controller, data_set, period, good_xlsx, today=deadline)
    assert on_time.ok and not on_time.delivery.is_late
    late = _deliver(controller, data_set, period, good_xlsx, today=deadline + dt.timedelta(days=1))
    assert late.ok and late.delivery.is_late and late.delivery.number == 2


def test_a_controller_cannot_deliver_for_another_type_or_without_permission(
    data_set, period, make_actor, good_xlsx, reviewer
):
    from django.core.exceptions import PermissionDenied

    hospice = make_actor(RoleCode.BUSINESS_CONTROLLER, type=OrganizationType.HOSPICE)
    with pytest.raises(PermissionDenied):
        _deliver(hospice, data_set, period, good_xlsx)
    with pytest.raises(PermissionDenied):
        _deliver(reviewer, data_set, period, good_xlsx)
    _nothing_stored()


def test_a_rule_added_in_a_new_version_applies(controller, data_set, period, coordinator):
    from palliare.deliveries.models import DataElement

    selections = [
        services.Selection(DataElement.objects.get(code=c))
        for c in ("consultations", "consultations_with_plan")
    ]
    services.publish_data_set(
        coordinator,
        data_set,
        selections=selections,
        rules=[RuleSpec("consultations_with_plan", "=", "consultations")],
        deadline_days=42,
    )
    data = fill_xlsx(
        services.template_file(controller, data_set, period),
        {"consultations": 5, "consultations_with_plan": 4},
    )
    report = _deliver(controller, data_set, period, data)
    assert "gelijk aan" in report.errors[0].message
    _nothing_stored()


def test_periods_module_is_used_for_labels(period):
    assert periods.parse(period.label) == period
