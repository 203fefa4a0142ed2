"""Register pages: the number of queries of the register, the signal inbox and the patient page
does not grow with the data; forms answer bad input with messages (never a 500); concurrent
edits of registration data are detected and shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients import services
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    SignalFactory,
)
from palliare.patients.models import BurdenCheck, InformalCaregiver, Patient

pytestmark = pytest.mark.django_db


def _count(client, url):
    client.get(url)  # warm up: the first request may create session and log-chain rows
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _populate(practice, n):
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    for _ in range(n):
        patient = PatientFactory(gp_practice=practice, marked=True)
        CareTeamMemberFactory(patient=patient, organization=nursing, is_central_contact=True)
        ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
        SignalFactory(patient=patient)


@pytest.mark.parametrize(
    "url_name", ["patients:register", "patients:signal_inbox", "ui:home", "patients:signals_sent"]
)
def test_list_pages_have_constant_queries(gp, client_for, practice, url_name):
    client = client_for(gp)
    _populate(practice, 3)
    small = _count(client, reverse(url_name))
    _populate(practice, 25)
    large = _count(client, reverse(url_name))
    assert small == large


def test_patient_page_has_constant_queries(gp, client_for, practice):
    client = client_for(gp)
    patient = PatientFactory(gp_practice=practice, marked=True)
    url = reverse("patients:detail", args=[patient.pk])

    def add(i):
        CareTeamMemberFactory(patient=patient)
        SignalFactory(patient=patient)
        caregiver = InformalCaregiver.objects.create(patient=patient, name=f"C{i}", relation="kind")
        for week in range(3):
            BurdenCheck.objects.create(
                caregiver=caregiver,
                score=5,
                checked_by=gp.user,
                checked_by_name="x",
                checked_on=dt.date.today() - dt.timedelta(weeks=week),
            )
        ConsentFactory(
            patient=patient,
            scope=ConsentScope.REFERRAL,
            withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )

    add(0)
    small = _count(client, url)
    for i in range(1, 8):
        add(i)
    assert _count(client, url) == small


def test_register_search_by_bsn_and_birth_date(gp, client_for, practice):
    patient = PatientFactory(
        gp_practice=practice, family_name="Zwiers", date_of_birth=dt.date(1939, 2, 3)
    )
    client = client_for(gp)
    html = client.get(reverse("patients:register"), {"q": patient.bsn}).content.decode()
    assert "Zwiers" in html
    html = client.get(
        reverse("patients:register"), {"q": "zwie", "born": "1939-02-03"}
    ).content.decode()
    assert "Zwiers" in html
    html = client.get(
        reverse("patients:register"), {"q": "zwie", "born": "1940-02-03"}
    ).content.decode()
    assert "Zwiers" not in html


def test_register_form_rejects_invalid_bsn_and_duplicates(gp, client_for, practice):
    client = client_for(gp)
    data = {
        "bsn": "123456789",
        "given_name": "Anna",
        "family_name": "Boer",
        "date_of_birth": "1940-01-01",
        "sex": "F",
        "gp_practice": practice.pk,
    }
    response = client.post(reverse("patients:create"), data)
    assert response.status_code == 200
    assert "11-proef" in response.content.decode()
    data["bsn"] = "123456782"
    assert client.post(reverse("patients:create"), data).status_code == 302
    again = client.post(reverse("patients:create"), data)
    assert "al geregistreerd" in again.content.decode()
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", "not a date"),
        ("postcode", "9999 ZZ"),
        ("postcode", "abc"),
    ],
)
def test_register_form_bad_input(gp, client_for, practice, field, value):
    data = {
        "bsn": "123456782",
        "given_name": "Anna",
        "family_name": "Boer",
        "date_of_birth": "1940-01-01",
        "sex": "F",
        "gp_practice": practice.pk,
        field: value,
    }
    response = client_for(gp).post(reverse("patients:create"), data)
    assert response.status_code == 200
    assert not Patient.objects.exists()


def test_concurrent_edit_is_shown(gp, client_for, practice):
    patient = PatientFactory(gp_practice=practice)
    client = client_for(gp)
    url = reverse("patients:edit", args=[patient.pk])
    base = {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": "1942-03-14",
        "sex": "F",
        "gp_practice": practice.pk,
        "version": 1,
    }
    assert client.post(url, {**base, "city": "Assen"}).status_code == 302
    response = client.post(url, {**base, "city": "Emmen"})  # based on version 1 as well
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="conflict"' in html
    assert "Emmen" in html  # the second editor's change is still in the form
    patient.refresh_from_db()
    assert patient.city == "Assen"


def test_future_marking_date_gives_form_error(gp, client_for, practice):
    patient = PatientFactory(gp_practice=practice)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client_for(gp).post(
        reverse("patients:mark", args=[patient.pk]),
        {
            "marked_on": future,
            "diagnosis_group": "cancer",
            "surprise_question": "no",
            "double_surprise_question": "yes",
        },
    )
    assert response.status_code == 200
    assert "toekomst" in response.content.decode()


def test_second_central_contact_gives_form_error(gp, client_for, practice):
    patient = PatientFactory(gp_practice=practice)
    services.add_care_team_member(
        gp, patient, organization=practice, role="gp", central_contact=True
    )
    other = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    response = client_for(gp).post(
        reverse("patients:care_team_add", args=[patient.pk]),
        {"organization": other.pk, "role": "district_nurse", "central_contact": "on"},
    )
    assert response.status_code == 200
    assert "al een centrale zorgverlener" in response.content.decode()


def test_signal_without_relationship_is_404(make_actor, client_for, practice):
    patient = PatientFactory(gp_practice=practice)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    client = client_for(nurse)
    assert client.get(reverse("patients:signal_send", args=[patient.pk])).status_code == 404
    assert (
        client.post(
            reverse("patients:signal_send", args=[patient.pk]),
            {"dimension": "physical", "observation": "x", "suggestion": "other"},
        ).status_code
        == 404
    )


def test_inbox_flow_through_pages(gp, make_actor, client_for, practice):
    patient = PatientFactory(gp_practice=practice)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    CareTeamMemberFactory(patient=patient, organization=nurse.organization)
    nurse_client = client_for(nurse)
    response = nurse_client.post(
        reverse("patients:signal_send", args=[patient.pk]),
        {
            "dimension": "social",
            "observation": "Partner uitgeput",
            "suggestion": "caregiver_overloaded",
        },
    )
    assert response.status_code == 302
    gp_client = client_for(gp)
    inbox = gp_client.get(reverse("patients:signal_inbox")).content.decode()
    assert "Partner uitgeput" in inbox
    signal = patient.signals.get()
    assert (
        gp_client.post(
            reverse("patients:signal_handle", args=[signal.pk]), {"response": ""}
        ).status_code
        == 302
    )
    signal.refresh_from_db()
    assert signal.status == "new"  # an empty response changes nothing
    gp_client.post(
        reverse("patients:signal_handle", args=[signal.pk]), {"response": "Respijtzorg geregeld"}
    )
    sent = nurse_client.get(reverse("patients:signals_sent")).content.decode()
    assert "Respijtzorg geregeld" in sent
