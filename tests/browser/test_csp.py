"""Under the Content-Security-Policy the browser refuses nothing the pages need: logging in,
the start page and a patient's page raise no CSP violation, htmx is loaded with its injected
styles and eval turned off, and no page carries an inline <style>."""

from __future__ import annotations

from palliare.accounts.permissions import RoleCode
from palliare.patients.factories import PatientFactory

from .conftest import log_in


def test_pages_and_htmx_raise_no_policy_violation(page, make_actor, practice):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    gp = make_actor(RoleCode.GP, organization=practice)
    patient = PatientFactory(gp_practice=practice, marked=True)
    log_in(page, gp.user)
    for address in ("/", "/patients/", f"/patients/{patient.pk}/"):
        page.goto(address)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.htmx") == "object", address
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False
        assert page.evaluate("htmx.config.allowEval") is False
        assert page.evaluate("document.querySelectorAll('style').length") == 0, address
    assert refused == []
