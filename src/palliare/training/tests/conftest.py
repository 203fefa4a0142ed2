"""Fixtures of the training tests: professionals who may register, the network coordinator who
organises, and sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from palliare.accounts.permissions import RoleCode


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def nurse(make_actor):
    return make_actor(RoleCode.DISTRICT_NURSE)


@pytest.fixture
def other_nurse(make_actor):
    return make_actor(RoleCode.DISTRICT_NURSE)


@pytest.fixture
def coordinator(make_actor):
    return make_actor(RoleCode.NETWORK_COORDINATOR)
