"""The demo loader of deliveries builds on the directory demo, is idempotent, gives the
completeness page every state, and leaves the demo controller (Wijkzorg Zandgrond) something
to deliver and something returned; every demo delivery passes its own data set's rules."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from palliare.accounts.actors import actor_for
from palliare.accounts.models import User
from palliare.deliveries import demo as deliveries_demo
from palliare.deliveries import periods, services
from palliare.deliveries.models import DataSet, Delivery
from palliare.deliveries.schema import InputRow, check_values
from palliare.organizations import demo as directory_demo
from palliare.organizations.factories import demo_postcode_areas

pytestmark = pytest.mark.django_db


def _postcodes():
    demo_postcode_areas("7741")


def test_demo_deliveries(settings):
    _postcodes()
    directory_demo.load(random.Random(1))
    summary = deliveries_demo.load(random.Random(1))
    assert "3 data sets" in summary
    count = Delivery.objects.count()
    assert count > 100
    assert deliveries_demo.load(random.Random(1)) == "already loaded"
    assert Delivery.objects.count() == count

    for delivery in Delivery.objects.select_related("version").prefetch_related("values"):
        rows = [InputRow(i, v.element_code, v.value) for i, v in enumerate(delivery.values.all())]
        assert check_values(delivery.version.spec, rows).ok, delivery

    today = timezone.localdate()
    states = set()
    for data_set in DataSet.objects.all():
        quarters = periods.ending_before(today, data_set.period_type, 20)
        matrix = services.completeness(data_set, quarters, today=today)
        states |= {cell.state for _org, cells in matrix.rows for cell in cells}
    assert {"accepted", "returned", "submitted", "not_due"} <= states
    assert states & {"late", "due"}
    assert Delivery.objects.filter(is_late=True, status="accepted").exists()

    controller = actor_for(User.objects.get(username="controller"))
    due = services.open_periods(controller.organization)
    assert {cell.state for _ds, _p, cell in due} >= {"returned"}
    assert any(cell.state in ("due", "late") for _ds, _p, cell in due)


def test_demo_start_pages_are_not_empty(settings, client):
    from conftest import login_verified

    _postcodes()
    directory_demo.load(random.Random(2))
    deliveries_demo.load(random.Random(2))
    login_verified(client, User.objects.get(username="controller"))
    home = client.get("/").content.decode()
    assert 'data-section="deliveries_due"' in home and "Teruggestuurd" in home
    own = client.get("/deliveries/")
    assert own.status_code == 200 and "Wijkverpleging" in own.content.decode()
    client.logout()
    login_verified(client, User.objects.get(username="programma"))
    home = client.get("/").content.decode()
    assert 'data-section="deliveries_review"' in home
    page = client.get("/deliveries/completeness/").content.decode()
    assert "Geaccepteerd" in page and ("Te laat" in page or "Aanleveren" in page)
    client.logout()
    login_verified(client, User.objects.get(username="netwerk"))
    page = client.get("/deliveries/data-sets/").content.decode()
    assert "Hospice: opnames per kwartaal" in page
