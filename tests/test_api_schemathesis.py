"""A fuzz run of the OpenAPI schema (schemathesis) against a running server: for every
operation, generated requests — valid and invalid parameters and bodies, as a logged-in
professional and as the facility's own staff — never get a 5xx response, and responses conform
to the documented status codes and shapes."""

from __future__ import annotations

from collections import defaultdict

import pytest
import schemathesis
from conftest import login_verified
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.capacity.factories import (
    DistrictNursingServiceFactory,
    FacilityFactory,
    QualityRequirementFactory,
)
from palliare.deliveries.factories import DeliveryFactory
from palliare.organizations.factories import MembershipFactory, PostcodeAreaFactory

#: Operations of a business controller: fuzzed with a controller's session.
CONTROLLER_PATHS = ("/api/v1/data-sets/", "/api/v1/deliveries/")
#: Generated bodies cannot pass a delivery's validation; test_api covers its success.
NO_SUCCESS_EXPECTED = {("POST", "/api/v1/deliveries/")}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CSRF = "S" * 32  # a fixed CSRF secret: cookie and header must match
EXAMPLES = 30  # per operation and generation mode


@pytest.fixture
def fuzz_setup(live_server):
    """Data to find, a facility coordinator's session, and the schema served by the server."""
    PostcodeAreaFactory(pc4="9401", latitude=52.998, longitude=6.560)
    QualityRequirementFactory()
    facility = FacilityFactory(free=1, beds=6)
    for _ in range(3):
        FacilityFactory()
        DistrictNursingServiceFactory(taking_clients=True, qualified=True)
    staff = MembershipFactory(
        organization=facility.organization, role=role(RoleCode.FACILITY_COORDINATOR)
    ).professional.user
    session = login_verified(Client(), staff).cookies["sessionid"].value
    delivery = DeliveryFactory()
    controller = MembershipFactory(
        organization=delivery.organization, role=role(RoleCode.BUSINESS_CONTROLLER)
    ).professional.user
    sessions = {
        "staff": session,
        "controller": login_verified(Client(), controller).cookies["sessionid"].value,
    }
    loaded = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    ids = {
        "/api/v1/deliveries/": delivery.pk,
        "/api/v1/facilities/": facility.pk,
        "/api/v1/organizations/": facility.organization_id,
        "/api/v1/district-nursing/": DistrictNursingServiceFactory(taking_clients=True).pk,
    }
    return loaded, live_server.url, sessions, ids


def _fuzz(operation, mode, *, base_url, sessions, ids, statuses):
    """Run generated requests for one operation in one generation mode."""
    positive = mode is GenerationMode.POSITIVE
    controller = operation.path.startswith(CONTROLLER_PATHS)
    session = sessions["controller" if controller else "staff"]
    cookies = {"sessionid": session, "csrftoken": CSRF}
    headers = {"X-CSRFToken": CSRF}
    known = next((pk for prefix, pk in ids.items() if operation.path.startswith(prefix)), None)
    path_parameters = {"id": known} if "{id}" in operation.path and positive else None
    query = {"postcode": "9401"} if operation.path.endswith("/search/") and positive else None
    strategy = operation.as_strategy(mode, path_parameters=path_parameters, query=query)
    key = (operation.method.upper(), operation.path)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(base_url=base_url, cookies=cookies, headers=headers)
        statuses[key].add(response.status_code)
        case.validate_response(response, checks=[checks.not_a_server_error], headers=headers)
        if positive:
            case.validate_response(
                response,
                checks=[checks.status_code_conformance, checks.content_type_conformance],
                headers=headers,
            )

    run()


def test_no_server_errors(fuzz_setup):
    """Each operation, positive and negative generation; positive runs use existing ids (the
    coordinator's own facility, so the write endpoint is exercised past its 404) and a known
    postcode."""
    loaded, base_url, sessions, ids = fuzz_setup
    statuses: dict[tuple[str, str], set[int]] = defaultdict(set)
    runs = 0
    for result in loaded.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(
                operation,
                mode,
                base_url=base_url,
                sessions=sessions,
                ids=ids,
                statuses=statuses,
            )
            runs += 1
    assert runs == 2 * 14
    # The run reached past validation: every operation answered with success at least once.
    assert all(
        any(200 <= code < 300 for code in codes)
        for key, codes in statuses.items()
        if key not in NO_SUCCESS_EXPECTED
    ), statuses
