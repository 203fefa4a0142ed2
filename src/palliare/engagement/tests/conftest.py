"""Fixtures of the engagement tests."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.utils import translation

from palliare.accounts.permissions import RoleCode


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)


def link_in_last_mail(path_part: str) -> str:
    """The path of the first link containing ``path_part`` in the newest e-mail."""
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/\s]+(/\S*" + re.escape(path_part) + r"\S*)", body)
    assert match, body
    return match.group(1)


class CommitClient(Client):
    """A test client that runs the on-commit callbacks of each request (e-mails are sent after
    commit; pytest-django's test transaction never commits)."""

    def request(self, **request):  # type: ignore[no-untyped-def]
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> CommitClient:
    return CommitClient()
