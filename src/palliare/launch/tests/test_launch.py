"""SMART EHR launch from a GP information system, end to end against a small HIS on a loopback
port: the GP lands on the patient's page (or the registration form filled in from the HIS)
without typing the patient again, without a password where the HIS vouches for the user, and
with the second factor where it does not; every way the launch can be wrong is refused."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.launch.demo_his import CLIENT_ID, FakeHis, nl_core_patient, practitioner
from palliare.launch.models import HisSystem, HisUserLink
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

BSN_KNOWN = "999911120"
BSN_NEW = "999912137"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _follow_his(location: str) -> str:
    """Let the HIS's authorise endpoint answer (it redirects back to Palliare)."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(location, timeout=5)
    assert answer.value.code == 302, answer.value.read()
    return str(answer.value.headers["Location"])


@pytest.fixture
def his() -> Iterator[FakeHis]:
    fake = FakeHis(palliare_url="http://testserver").start()
    yield fake
    fake.stop()


@pytest.fixture
def gp_membership(practice: Any) -> Any:
    return MembershipFactory(organization=practice, role=role(RoleCode.GP))


@pytest.fixture
def registered(his: FakeHis, practice: Any, gp_membership: Any) -> HisSystem:
    his.practitioners["p1"] = practitioner(big=gp_membership.professional.big_number)
    return HisSystem.objects.create(
        name="HIS De Linde",
        issuer=his.base,
        client_id=CLIENT_ID,
        organization=practice,
        vouches_second_factor=True,
    )


def _launch(client: Client, his: FakeHis, patient_id: str) -> Any:
    """Open Palliare as the HIS does and complete the authorisation round trip."""
    start = client.get(his.launch_url(patient_id).removeprefix("http://testserver"))
    assert start.status_code == 302, start.content
    assert start["Location"].startswith(f"{his.base}/authorize?")
    back = _follow_his(start["Location"])
    parts = urllib.parse.urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def test_a_known_patient_opens_without_password_or_code(client, his, registered, practice):
    patient = PatientFactory(bsn=BSN_KNOWN, gp_practice=practice, marked=True)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    response = _launch(client, his, "hp-1")
    assert response.status_code == 302 and response["Location"] == "/launch/resume"
    landing = client.get("/launch/resume")
    assert landing["Location"] == f"/patients/{patient.pk}/"
    page = client.get(landing["Location"])
    assert page.status_code == 200
    assert patient.family_name in page.content.decode()
    login = AuditEvent.objects.get(event_type="auth.login")
    assert login.details["via"] == "his_launch" and login.details["second_factor_vouched"] is True
    assert AuditEvent.objects.filter(patient_id=patient.pk, action="R").exists()
    # The HIS was asked exactly what a launch needs.
    assert his.requests == [
        "GET /fhir/.well-known/smart-configuration",
        "GET /fhir/authorize",
        "POST /fhir/token",
        "GET /fhir/jwks",
        "GET /fhir/Practitioner/p1",
        "GET /fhir/Patient/hp-1",
    ]


def test_without_a_vouched_second_factor_the_code_is_still_asked(
    client, his, registered, practice, gp_membership
):
    HisSystem.objects.filter(pk=registered.pk).update(vouches_second_factor=False)
    PatientFactory(bsn=BSN_KNOWN, gp_practice=practice)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    response = _launch(client, his, "hp-1")
    assert response["Location"].startswith("/accounts/two-factor")
    assert client.get("/launch/resume").status_code == 302  # not verified: to the login steps
    device = gp_membership.professional.user.totpdevice_set.get()
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    done = client.post(response["Location"], {"token": f"{code:06d}"})
    assert done["Location"] == "/launch/resume"
    assert client.get("/launch/resume")["Location"].startswith("/patients/")


def test_a_new_patient_lands_on_the_registration_form_filled_in(client, his, registered):
    his.patients["hp-2"] = nl_core_patient(
        BSN_NEW, given="Aaltje", family="Bruggen", prefix="van der", born="1938-11-05"
    )
    _launch(client, his, "hp-2")
    landing = client.get("/launch/resume")
    assert landing["Location"] == "/patients/new/"
    form = client.get("/patients/new/")
    assert form.status_code == 200
    initial = {name: field.initial for name, field in form.context["form"].fields.items()}
    initial.update(form.context["form"].initial)
    assert initial["bsn"] == BSN_NEW
    assert (initial["given_name"], initial["family_name"], initial["family_name_prefix"]) == (
        "Aaltje",
        "Bruggen",
        "van der",
    )
    assert (initial["date_of_birth"], initial["sex"], initial["postcode"]) == (
        "1938-11-05",
        "F",
        "9401AB",
    )
    assert (initial["street"], initial["house_number"], initial["city"]) == (
        "Brinkweg",
        "12",
        "Assen",
    )
    assert "HIS De Linde" in form.content.decode()
    # Shown once: a reload is an empty form again.
    assert "bsn" not in client.get("/patients/new/").context["form"].initial


def test_an_unmatched_his_user_logs_in_once_and_is_linked(
    client, his, registered, practice, gp_membership
):
    his.practitioners["p9"] = practitioner()  # no BIG or AGB the register knows
    his.current_practitioner = "p9"
    PatientFactory(bsn=BSN_KNOWN, gp_practice=practice)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    response = _launch(client, his, "hp-1")
    assert response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(event_type="auth.login").exists()
    # The user logs in in full (the test's shortcut for password and code) and confirms.
    from conftest import login_verified

    login_verified(client, gp_membership.professional.user)
    confirm = client.get("/launch/resume")
    assert confirm.status_code == 200 and 'name="confirm" value="yes"' in confirm.content.decode()
    landed = client.post("/launch/resume", {"confirm": "yes"})
    assert landed["Location"].startswith("/patients/")
    link = HisUserLink.objects.get()
    assert link.user == gp_membership.professional.user and link.fhir_user.endswith(
        "/Practitioner/p9"
    )
    assert AuditEvent.objects.filter(event_type="launch.user_linked").exists()
    # Next time the HIS opens Palliare for this user, no login is asked.
    fresh = Client()
    assert _launch(fresh, his, "hp-1")["Location"] == "/launch/resume"


def test_a_patient_of_another_practice_is_not_revealed(client, his, registered):
    other = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    PatientFactory(bsn=BSN_KNOWN, gp_practice=other)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    _launch(client, his, "hp-1")
    landing = client.get("/launch/resume")
    # The registration form, where a duplicate BSN is answered as registration always does.
    assert landing["Location"] == "/patients/new/"
    assert not AuditEvent.objects.filter(action="R", patient_id__isnull=False).exists()


def test_an_unregistered_his_is_never_contacted(client, his):
    response = client.get(his.launch_url("hp-1").removeprefix("http://testserver"))
    assert response.status_code == 400
    assert "not registered" in response.content.decode()
    assert his.requests == []
    assert AuditEvent.objects.filter(event_type="launch.refused").exists()


@pytest.mark.parametrize("tamper", ["wrong_nonce", "foreign_key"])
def test_an_id_token_that_does_not_check_out_is_refused(client, his, registered, practice, tamper):
    setattr(his, tamper, True)
    PatientFactory(bsn=BSN_KNOWN, gp_practice=practice)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    response = _launch(client, his, "hp-1")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type="launch.refused").exists()


def test_a_forged_or_replayed_callback_is_refused(client, his, registered, practice):
    PatientFactory(bsn=BSN_KNOWN, gp_practice=practice)
    his.patients["hp-1"] = nl_core_patient(
        BSN_KNOWN, given="Hendrik", family="Hartman", born="1944-02-01"
    )
    assert client.get("/launch/callback?code=x&state=made-up").status_code == 400
    start = client.get(his.launch_url("hp-1").removeprefix("http://testserver"))
    back = urllib.parse.urlsplit(_follow_his(start["Location"]))
    callback = f"{back.path}?{back.query}"
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 400  # the state was used up


def test_a_patient_without_bsn_and_a_refusing_his(client, his, registered):
    his.patients["hp-3"] = {"name": [{"family": "Zonder"}], "birthDate": "1950-01-01"}
    assert _launch(client, his, "hp-3").status_code == 400
    start = client.get(his.launch_url("hp-1").removeprefix("http://testserver"))
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(start["Location"]).query)["state"][0]
    refused = client.get(f"/launch/callback?error=access_denied&state={state}")
    assert refused.status_code == 400
    assert "did not allow" in refused.content.decode()


def test_register_his_command(practice, capsys):
    from django.core.management import CommandError, call_command

    call_command(
        "register_his",
        "--name",
        "HIS",
        "--issuer",
        "https://his.example/fhir/",
        "--client-id",
        "palliare",
        "--organization",
        practice.agb_code,
        "--vouches-second-factor",
    )
    his = HisSystem.objects.get()
    assert his.issuer == "https://his.example/fhir" and his.vouches_second_factor
    with pytest.raises(CommandError):
        call_command(
            "register_his",
            "--name",
            "X",
            "--issuer",
            "niet-een-url",
            "--client-id",
            "p",
            "--organization",
            practice.agb_code,
        )
