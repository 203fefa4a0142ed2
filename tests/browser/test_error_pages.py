"""Error pages look and behave like the product (issue 18 item 1).

- `make run` (the development settings, as the Makefile's `serve` target starts them) answers a
  mistyped address with the Dutch "page not found" in the layout, never Django's technical debug
  page with every URL pattern, and still serves the static files (WhiteNoise, no collectstatic).
- A district nurse opening a patient she does not treat gets exactly what she gets for a patient
  that does not exist: the same status and the same page.
- A page her role may not open answers with the Dutch 403 page in the layout."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def make_run_server(tmp_path: Path) -> Iterator[str]:
    """`manage.py runserver` with the settings `make run` uses (conf.dev, DEMO_MODE=true), on an
    empty data directory: an anonymous mistyped address and the static files need no data."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        # `make run` uses the embedded SQLite database: the PostgreSQL leg of CI must not leak
        # its DATABASE_URL (a database the test run never creates) into the dev server.
        if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "STATIC_ROOT", "DATA_DIR", "DATABASE_URL")
    }
    env |= {"DEMO_MODE": "true", "DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/static/css/palliare.css", timeout=1)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_make_run_serves_the_dutch_not_found_page_and_static_files(browser, make_run_server):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    response = page.goto(f"{make_run_server}/patienten/typfout/")
    assert response is not None and response.status == 404
    body = page.content()
    assert "DEBUG = True" not in body
    assert "URLconf" not in body
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
    # In the layout, with its stylesheet served (DEBUG off still serves static files).
    expect(page.locator("header.site-header")).to_be_visible()
    css = page.request.get(f"{make_run_server}/static/css/palliare.css")
    assert css.status == 200 and "text/css" in css.headers["content-type"]
    context.close()


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def test_patient_outside_care_relationship_answers_like_a_missing_patient(page):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    nurse = MembershipFactory(organization=nursing, role=role(RoleCode.DISTRICT_NURSE))
    not_hers = PatientFactory(gp_practice=practice, family_name="Zwiggelaar")
    log_in(page, nurse.professional.user)

    forbidden = page.goto(f"/patients/{not_hers.pk}/")
    assert forbidden is not None
    forbidden_text = _main_text(page)
    missing = page.goto(f"/patients/{not_hers.pk + 100_000}/")
    assert missing is not None
    assert forbidden.status == missing.status == 404
    assert forbidden_text == _main_text(page)
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
    assert "Zwiggelaar" not in forbidden_text

    # A page her role may not open: the Dutch 403 page, in the layout.
    refused = page.goto("/acute/privacy/emergency/")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", name="U heeft geen toegang tot deze pagina")).to_be_visible()
    expect(page.locator("header.site-header")).to_be_visible()
