"""The Content-Security-Policy allows no inline script, style or event handler (issue 19,
item 5): every response carries the policy, and no template the browser renders holds inline
script, an event-handler attribute, a style attribute or a <style> block (the PDF templates,
rendered by WeasyPrint on the server, may). htmx is told not to inject its own styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from palliare.accounts.factories import UserFactory

SRC = Path(__file__).resolve().parents[2]
#: Rendered to PDF on the server (WeasyPrint) or into an e-mail, never served to a browser as
#: a page: templates in a ``pdf/`` or ``email/`` folder, and these. (An e-mail's HTML needs
#: inline style; where the newsletter archive shows an edition, the policy drops that style.)
NOT_BROWSER_TEMPLATES = {
    "careplans/templates/careplans/print.html",
    "audit/templates/audit/access_report_print.html",
    "engagement/templates/engagement/partials/edition_content.html",
}
NOT_BROWSER_FOLDERS = {"pdf", "email"}
#: Python that writes e-mail HTML (the newsletter's footer with its unsubscribe link).
EMAIL_CODE = {"engagement/services/newsletter.py"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)


def _browser_templates() -> list[Path]:
    return [
        path
        for path in SRC.rglob("templates/**/*.html")
        if str(path.relative_to(SRC)) not in NOT_BROWSER_TEMPLATES
        and not NOT_BROWSER_FOLDERS.intersection(path.relative_to(SRC).parts)
    ]


def test_templates_hold_no_inline_script_style_or_handlers():
    templates = _browser_templates()
    assert len(templates) > 50
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler", EVENT_HANDLER),
            ("inline style", STYLE),
            ("javascript: URL", JS_URL),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(SRC)}: {name}")
    assert offenders == []


def test_python_code_writes_no_inline_script_or_style():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if str(path.relative_to(SRC)) in EMAIL_CODE:
            continue
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or re.search(r"\sstyle=\\?[\"']", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_htmx_injects_no_styles_and_evaluates_nothing():
    base = (SRC / "ui/templates/base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles":false' in base
    assert '"allowEval":false' in base
    css = (SRC / "static/css/palliare.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in css  # the styles htmx would have injected


@pytest.mark.django_db
def test_every_page_carries_the_policy(client, gp, client_for):
    for response in (
        client.get(reverse("accounts:login")),
        client.get(reverse("finder:finder")),
        client_for(gp).get(reverse("ui:home")),
    ):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy


@pytest.mark.django_db
def test_second_factor_enrolment_qr_code_has_no_inline_style(client):
    user = UserFactory()
    client.post(reverse("accounts:login"), {"username": user.username, "password": "x"})
    from palliare.accounts.factories import TEST_PASSWORD

    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "<svg" in page
    assert not STYLE.search(page)
