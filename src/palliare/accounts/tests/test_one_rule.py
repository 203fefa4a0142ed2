"""One rule, written once (issue 19 item 14): ``Actor.require`` is the deny-by-default
permission check every service starts with, and ``accounts.requests.safe_url`` the one check
before redirecting to an address from outside; no module carries its own copy of either."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import safe_url

SRC = Path(__file__).resolve().parents[3]


def sources() -> list[tuple[Path, str]]:
    return [
        (path, path.read_text())
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    ]


def test_require_refuses_unless_one_of_the_permissions_is_held():
    actor = Actor(user=None, client_id="c", client_permissions=frozenset({Permission.VIEW_PATIENT}))
    actor.require(Permission.VIEW_PATIENT)
    actor.require(Permission.VIEW_ACUTE_SUMMARY, Permission.VIEW_PATIENT)
    with pytest.raises(PermissionDenied):
        actor.require(Permission.VIEW_ACUTE_SUMMARY)
    with pytest.raises(PermissionDenied):
        Actor(user=None).require(Permission.VIEW_PATIENT)


def test_no_module_copies_the_permission_check():
    copy = re.compile(r"if not (\w+\.)*actor\.has\(permission\):\s*\n\s*raise PermissionDenied")
    found = [str(path.relative_to(SRC)) for path, text in sources() if copy.search(text)]
    assert found == []


@pytest.mark.parametrize(
    ("target", "secure", "expected"),
    [
        ("/patients/12/", False, "/patients/12/"),
        ("/patients/?q=a%20b", True, "/patients/?q=a%20b"),
        ("https://evil.example/", False, "/home/"),
        ("//evil.example/", False, "/home/"),
        ("http://testserver/patients/", True, "/home/"),  # https required on a secure request
        ("http://testserver/patients/", False, "http://testserver/patients/"),
        ("javascript:alert(1)", False, "/home/"),
        ("", False, "/home/"),
        (None, False, "/home/"),
    ],
)
def test_safe_url_keeps_only_addresses_of_this_site(target, secure, expected):
    request = RequestFactory().get("/", secure=secure)
    assert safe_url(request, target, "/home/") == expected


def test_only_safe_url_calls_djangos_check():
    found = [
        str(path.relative_to(SRC))
        for path, text in sources()
        if "url_has_allowed_host_and_scheme(" in text
    ]
    assert found == ["palliare/accounts/requests.py"]
