"""Issue 18 item 13, the parts outside notifications: the privacy officer reads a role's name,
never its code (``out_of_hours_gp``); the registration button of the Dutch form says
"Registreren", not the English "Register"; dates are written through the locale's named formats
only (no hand-written 'j M', 'd-m-Y' or '%d-%m-%Y' left in templates or Python), so Dutch pages
show Dutch month names and never English abbreviations."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from palliare.accounts.permissions import RoleCode
from palliare.acute.factories import EmergencyAccessFactory

SRC = Path(__file__).resolve().parents[1] / "src" / "palliare"

#: Hand-written output formats that bypass the locale (input formats for parsing are allowed).
HAND_FORMATS = re.compile(
    r"""\|date:"[^"]*\b(j M|d M|M j|d-m-Y|j-n-Y|d/m/Y)\b[^"]*"""
    r"""|strftime\("[^"]*(%d-%m|%d/%m|%d %b|%b|%B)[^"]*"\)"""
)


def test_no_hand_written_date_formats_in_templates_or_python():
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix not in {".html", ".txt", ".py"} or "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "input_formats" in line or "_FORMATS =" in line:
                continue
            if HAND_FORMATS.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()[:80]}")
    assert offenders == []


@pytest.mark.parametrize("name", ["DATE_FORMAT", "MONTH_DAY_FORMAT", "DATETIME_FORMAT"])
def test_dutch_dates_have_dutch_month_names(name):
    moment = dt.datetime(2026, 10, 28, 14, 5)
    with translation.override("nl"):
        text = date_format(moment, name)
    assert "oktober" in text
    for english in ("Oct", "Okt", "October"):
        assert english not in text


@pytest.mark.django_db
def test_privacy_review_shows_the_role_name_not_its_code(make_actor, client_for):
    privacy = make_actor(RoleCode.PRIVACY_OFFICER)
    grant = EmergencyAccessFactory(role=RoleCode.OUT_OF_HOURS_GP)
    client = client_for(privacy)
    with translation.override("nl"):
        label = str(RoleCode.OUT_OF_HOURS_GP.label)
    for url in (reverse("acute:review_queue"), reverse("acute:review", args=[grant.pk])):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "out_of_hours_gp" not in page, url
        assert label in page, url


@pytest.mark.django_db
def test_the_dutch_registration_button_is_dutch(gp, client_for):
    page = client_for(gp).get(reverse("patients:create"), HTTP_ACCEPT_LANGUAGE="nl")
    html = page.content.decode()
    assert re.search(r'<button type="submit" class="button">\s*Registreren\s*</button>', html)
    assert not re.search(r'<button type="submit" class="button">\s*Register\s*</button>', html)
