"""Base behaviour: health check, Dutch by default with English on request, demo mode can never
be on with production settings, the settings reference is generated from code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from palliare.accounts.permissions import RoleCode

pytestmark = pytest.mark.django_db


def test_healthz_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_dutch_by_default_even_for_english_browsers(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Inloggen" in response.content.decode()
    assert response["Content-Language"] == "nl"


def test_language_switch_to_english(client_for, make_actor):
    client = client_for(make_actor(RoleCode.GP))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("ui:home")).content.decode()
    assert "My work" in html
    assert '<html lang="en">' in html


def test_unsupported_language_cookie_falls_back_to_dutch(client):
    client.cookies["palliare_language"] = "fr"
    assert "Inloggen" in client.get(reverse("accounts:login")).content.decode()


def test_request_id_header(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-test")
    assert response["X-Request-ID"] == "abc12345-test"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")
    assert response["X-Request-ID"] != "bad id!"


def test_unknown_page_is_404_not_500(client_for, make_actor):
    client = client_for(make_actor(RoleCode.GP))
    assert client.get("/directory/organisations/abc/").status_code == 404
    assert client.get("/does-not-exist/").status_code == 404


def test_load_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("load_demo")


def test_production_settings_force_demo_mode_off():
    env = {
        **os.environ,
        "DEMO_MODE": "true",
        "DEBUG": "true",
        "SECRET_KEY": "x" * 50,
        "AUDIT_CHAIN_KEYS": "prod:" + "k" * 40,
        "DJANGO_SETTINGS_MODULE": "palliare.conf.production",
        "PYTHONPATH": "src",
    }
    code = "from django.conf import settings; print(settings.DEMO_MODE, settings.DEBUG)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"


def test_production_settings_require_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "palliare.conf.production", "PYTHONPATH": "src"})
    code = "from django.conf import settings; settings.DEBUG"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode != 0
    assert "Set the environment variable SECRET_KEY" in out.stderr


def test_prepare_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("prepare_demo")


def test_prepare_demo_skips_loaded_reference_data_and_loads_the_demo(settings):
    """`make run`'s set-up step: with reference data present it imports nothing again and
    loads the demo region (idempotently)."""
    settings.DEMO_MODE = True
    from io import StringIO

    from palliare.organizations.demo import ORGANIZATIONS
    from palliare.organizations.models import Organization, PostcodeArea

    for pc4 in {spec.postcode[:4] for spec in ORGANIZATIONS}:
        PostcodeArea.objects.create(pc4=pc4, latitude=53.0, longitude=6.56)
    areas = PostcodeArea.objects.count()
    out = StringIO()
    call_command("prepare_demo", stdout=out)
    assert "Reference data already loaded." in out.getvalue()
    assert PostcodeArea.objects.count() == areas
    count = Organization.objects.filter(is_demo=True).count()
    assert count > 0
    call_command("prepare_demo", stdout=StringIO())
    assert Organization.objects.filter(is_demo=True).count() == count


def test_configuration_reference_is_current():
    call_command("envvar_docs", check=True)


def test_demo_data_loads_and_is_idempotent(settings, capsys):
    settings.DEMO_MODE = True
    from palliare.organizations.demo import ORGANIZATIONS
    from palliare.organizations.models import Organization, PostcodeArea

    for pc4 in {spec.postcode[:4] for spec in ORGANIZATIONS}:
        PostcodeArea.objects.create(pc4=pc4, latitude=53.0, longitude=6.56)
    call_command("load_demo")
    count = Organization.objects.count()
    call_command("load_demo")
    assert Organization.objects.count() == count
    assert Organization.objects.filter(is_demo=True).count() == count
    from palliare.accounts.models import User

    assert User.objects.filter(username="huisarts").exists()
