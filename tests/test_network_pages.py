"""Every page of the network's half answers the demo's own people without a server error: the
demo region is loaded, and each page of monitoring, deliveries, programme, training and
engagement (public ones included) is opened by the network coordinator, the programme team,
the steering group and a business controller with the ids of the demo's first objects, the
years of the baseline and the formats each export offers. A refusal (403/404/405) is an answer;
a 500 is a bug."""

from __future__ import annotations

import itertools
import re

import pytest
from conftest import login_verified
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from palliare.accounts.models import User

NAMESPACES = {"monitoring", "deliveries", "programme", "programme_public", "training", "engagement"}
ROLES = ["netwerk", "programma", "stuurgroep", "controller"]
#: Values tried for each kind of path parameter (the demo's first objects and years).
VALUES = {
    "int": ["1", "2"],
    "year": ["2025", "2026"],
    "slug": ["plan-before-death", "over-het-netwerk"],
    "str": ["pdf", "xlsx", "quarter:2026-01-01", "year:2025-01-01"],
}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _patterns(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern) and namespace in NAMESPACES:
            yield prefix + str(p.pattern)


def _addresses(route: str) -> list[str]:
    params = PARAM.findall(route)
    if any(name == "token" for _conv, name in params):
        return []  # signed links are tested where they are made
    choices = []
    for conv, name in params:
        if name == "year":
            choices.append(VALUES["year"])
        else:
            choices.append(VALUES.get(conv or "str", VALUES["str"]))
    out = []
    for combo in itertools.product(*choices):
        values = iter(combo)
        out.append("/" + PARAM.sub(lambda _m, v=values: next(v), route))
    return out[:4]


@pytest.mark.slow
@pytest.mark.django_db
def test_no_page_of_the_networks_half_fails_on_the_demo(settings, client):
    from palliare.organizations.demo import ORGANIZATIONS
    from palliare.organizations.models import PostcodeArea

    settings.DEMO_MODE = True
    for pc4 in {spec.postcode[:4] for spec in ORGANIZATIONS}:
        PostcodeArea.objects.create(pc4=pc4, latitude=52.9, longitude=6.5)
    call_command("load_demo", verbosity=0)
    routes = sorted(set(_patterns(get_resolver().url_patterns)))
    assert len(routes) > 60
    failures = []
    answered = 0
    for username in ROLES:
        login_verified(client, User.objects.get(username=username))
        for route in routes:
            for address in _addresses(route):
                response = client.get(address)
                answered += response.status_code == 200
                if response.status_code >= 500:
                    failures.append((username, address, response.status_code))
        client.logout()
    for route in routes:  # and without a login: the public pages, the refusals
        for address in _addresses(route):
            if client.get(address).status_code >= 500:
                failures.append(("anonymous", address))
    assert failures == []
    assert answered > 150  # the walk reached the pages, not only refusals
