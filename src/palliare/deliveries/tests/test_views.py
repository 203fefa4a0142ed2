"""Pages of deliveries: the controller downloads a template (locked identification, input
validation, formula injection neutralised), uploads it and sees errors per row; a too large
upload is refused before it is read; the programme team reviews; the network coordinator
maintains data sets in its own pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.deliveries import services
from palliare.deliveries.constants import DeliveryStatus
from palliare.deliveries.factories import DataElementFactory, DeliveryFactory
from palliare.deliveries.models import DataSet, Delivery
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

from .conftest import GOOD, fill_xlsx

pytestmark = pytest.mark.django_db


def _deliver_url(data_set, period):
    return reverse("deliveries:deliver", args=[data_set.pk, period.label])


def test_template_download_identifies_and_protects(client_for, make_actor, data_set, period):
    evil = OrganizationFactory(type=OrganizationType.HOSPITAL, name='=HYPERLINK("http://x","y")')
    controller = make_actor(RoleCode.BUSINESS_CONTROLLER, organization=evil)
    response = client_for(controller).get(
        reverse("deliveries:template", args=[data_set.pk, period.label, "xlsx"])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Aanlevering"]
    assert [sheet.cell(row=r, column=1).value for r in range(2, 6)] == [
        "Organisatie-id",
        "Gegevensset",
        "Versie",
        "Periode",
    ]
    assert sheet["B2"].value == evil.pk and sheet["B5"].value == period.label
    assert sheet["C2"].data_type == "s" and sheet["C2"].value.startswith("'=")  # not a formula
    assert sheet.protection.sheet
    assert sheet["D9"].protection.locked is False and sheet["B2"].protection.locked is True
    kinds = {dv.type for dv in sheet.data_validations.dataValidation}
    assert {"whole", "decimal", "list"} <= kinds
    csv = client_for(controller).get(
        reverse("deliveries:template", args=[data_set.pk, period.label, "csv"])
    )
    text = csv.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text


def test_upload_with_errors_then_corrected(client_for, controller, data_set, period):
    client = client_for(controller)
    template = services.template_file(controller, data_set, period)
    bad = fill_xlsx(template, {**GOOD, "consultations": "veel", "consultations_with_plan": -1})
    response = client.post(
        _deliver_url(data_set, period), {"file": SimpleUploadedFile("a.xlsx", bad)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is niets opgeslagen" in html
    assert 'data-row="9"' in html and "“veel” is geen getal." in html
    assert 'data-row="10"' in html and "-1 is negatief" in html
    assert Delivery.objects.count() == 0
    good = fill_xlsx(template, GOOD)
    response = client.post(
        _deliver_url(data_set, period), {"file": SimpleUploadedFile("a.xlsx", good)}, follow=True
    )
    assert response.status_code == 200
    assert Delivery.objects.get().number == 1
    assert "versie 1" in response.content.decode()


def test_a_30_mb_upload_is_refused_before_it_is_read(
    client_for, controller, data_set, period, monkeypatch
):
    from palliare.deliveries import views
    from palliare.deliveries.uploads import SizeLimitHandler

    handlers: list[SizeLimitHandler] = []
    received: list[int] = []

    class Spy(SizeLimitHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            handlers.append(self)

        def receive_data_chunk(self, raw_data, start):
            received.append(len(raw_data))
            return super().receive_data_chunk(raw_data, start)

    monkeypatch.setattr(views, "SizeLimitHandler", Spy)
    huge = SimpleUploadedFile("groot.xlsx", b"PK\x03\x04" + b"0" * (30 * 1024 * 1024))
    response = client_for(controller).post(_deliver_url(data_set, period), {"file": huge})
    assert response.status_code == 400
    assert "groter dan 2 MB" in response.content.decode()
    assert handlers[0].too_large and received == []  # stopped at the declared length
    assert Delivery.objects.count() == 0


def test_upload_handler_stops_at_the_limit():
    from django.core.files.uploadhandler import StopUpload

    from palliare.deliveries.uploads import SizeLimitHandler

    handler = SizeLimitHandler(None, 100)
    handler.handle_raw_input(None, {}, 50, b"x")
    assert handler.receive_data_chunk(b"a" * 60, 0) == b"a" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a" * 60, 60)
    assert handler.too_large
    declared = SizeLimitHandler(None, 100)
    declared.handle_raw_input(None, {}, 30 * 1024 * 1024, b"x")
    with pytest.raises(StopUpload):
        declared.new_file("file", "a.xlsx", "application/octet-stream", None)


def test_a_controller_sees_only_own_deliveries(client_for, controller, make_actor, data_set):
    other = DeliveryFactory(
        data_set=data_set, organization=OrganizationFactory(type=OrganizationType.HOSPITAL)
    )
    own = DeliveryFactory(data_set=data_set, organization=controller.organization)
    client = client_for(controller)
    assert client.get(reverse("deliveries:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("deliveries:detail", args=[other.pk])).status_code == 404
    gp = make_actor(RoleCode.GP)
    assert client_for(gp).get(reverse("deliveries:detail", args=[own.pk])).status_code == 404


def test_own_page_and_unknown_period(client_for, controller, data_set, period):
    client = client_for(controller)
    response = client.get(reverse("deliveries:own"))
    assert response.status_code == 200 and data_set.name_nl in response.content.decode()
    assert client.get(_deliver_url(data_set, period)).status_code == 200
    assert client.get(f"/deliveries/deliver/{data_set.pk}/2025/").status_code == 404
    assert client.get(f"/deliveries/deliver/{data_set.pk}/nonsense/").status_code == 404


def test_review_accept_and_return(client_for, reviewer, controller, data_set):
    delivery = DeliveryFactory(data_set=data_set, organization=controller.organization)
    client = client_for(reviewer)
    page = client.get(reverse("deliveries:detail", args=[delivery.pk]))
    assert 'data-testid="review-form"' in page.content.decode()
    url = reverse("deliveries:review", args=[delivery.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert "Zeg wat er gecorrigeerd moet worden" in response.content.decode()
    response = client.post(url, {"decision": "return", "comment": "Controleer het aantal."})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETURNED
    page = client_for(controller).get(reverse("deliveries:detail", args=[delivery.pk]))
    assert "Controleer het aantal." in page.content.decode()
    assert client.post(url, {"decision": "accept"}).status_code == 400  # already reviewed


def test_completeness_page_query_count(
    client_for, reviewer, data_set, django_assert_max_num_queries
):
    for _ in range(3):
        DeliveryFactory(
            data_set=data_set, organization=OrganizationFactory(type=OrganizationType.HOSPITAL)
        )
    client = client_for(reviewer)
    client.get(reverse("deliveries:completeness"))
    with django_assert_max_num_queries(20) as small:
        response = client.get(reverse("deliveries:completeness"), {"year": "2025"})
    assert response.status_code == 200 and 'data-testid="matrix"' in response.content.decode()
    for _ in range(10):
        DeliveryFactory(
            data_set=data_set, organization=OrganizationFactory(type=OrganizationType.HOSPITAL)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("deliveries:completeness"), {"year": "2025"})


def test_coordinator_creates_and_changes_a_data_set(client_for, coordinator):
    a = DataElementFactory(code="a_count")
    b = DataElementFactory(code="b_count")
    client = client_for(coordinator)
    form = {
        "code": "hospice_year",
        "name_nl": "Hospice per jaar",
        "name_en": "Hospice per year",
        "organization_type": OrganizationType.HOSPICE,
        "period_type": "year",
        "is_active": "on",
        "elements": [a.pk, b.pk],
        "optional": [b.pk],
        "rules": "b_count <= a_count",
        "deadline_days": 60,
    }
    response = client.post(reverse("deliveries:data_set_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    data_set = DataSet.objects.get(code="hospice_year")
    assert data_set.current_version().number == 1
    bad = {**form, "rules": "b_count <= c_count"}
    response = client.post(reverse("deliveries:data_set", args=[data_set.pk]), bad)
    assert response.status_code == 400 and "c_count" in response.content.decode()
    changed = {**form, "deadline_days": 30, "note": "eerder aanleveren"}
    client.post(reverse("deliveries:data_set", args=[data_set.pk]), changed)
    assert data_set.current_version().number == 2
    assert data_set.current_version().deadline_days == 30
    response = client.post(
        reverse("deliveries:element_new"),
        {"code": "Bad Code", "name_nl": "x", "name_en": "x", "value_type": "integer"},
    )
    assert response.status_code == 400
