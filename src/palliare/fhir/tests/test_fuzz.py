"""Property-based fuzzing of the endpoint (hypothesis): arbitrary bodies, mutated example
resources, arbitrary search parameters and headers never yield a 500, and every error is an
OperationOutcome."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Api, example

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TYPES = [
    "Patient",
    "Organization",
    "Location",
    "Practitioner",
    "PractitionerRole",
    "Consent",
    "Observation",
    "Goal",
    "Procedure",
    "Encounter",
    "RelatedPerson",
    "Device",
    "DeviceUseStatement",
    "QuestionnaireResponse",
    "CommunicationRequest",
    "Measure",
    "MeasureReport",
    "Bundle",
    "Basic",
    "patient",
    "X",
]
EXAMPLES = [
    "Patient-P2-ACP-Patient-SamiraVanDerSluijs.json",
    "Consent-P2-ACP-TreatmentDirective-40617009-2.json",
    "Observation-P2-ACP-PreferredPlaceOfDeath-20250807.json",
    "RelatedPerson-P2-ACP-ContactPerson-GertJanDeJong.json",
    "nl-core-HealthProfessional-PractitionerRole-01.xml",
    "nl-core-Encounter-01-Location-01.xml",
    "Goal-P2-ACP-Medical-Policy-Goal.json",
    "DeviceUseStatement-F1-ACP-MedicalDevice-ICD.json",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture
def seeded(api: Api) -> Api:
    """The P2 example patient with her practitioner and contacts, so that mutated ACP
    resources get past reference resolution into the mapping onto the care plan."""
    from .conftest import _careplans_installed

    api.put(
        "Practitioner/P2-ACP-HealthProfessional-Practitioner-DesireeWolters",
        {
            "resourceType": "Practitioner",
            "id": "P2-ACP-HealthProfessional-Practitioner-DesireeWolters",
            "name": [{"family": "Wolters", "given": ["Desirée"]}],
        },
    )
    names = [
        "Patient-P2-ACP-Patient-SamiraVanDerSluijs.json",
        "PractitionerRole-P2-ACP-HealthProfessional-PractitionerRole-DesireeWolters.json",
    ]
    if _careplans_installed():
        names += [
            "RelatedPerson-P2-ACP-ContactPerson-GertJanDeJong.json",
            "RelatedPerson-P2-ACP-ContactPerson-MayaVanDerSluijsMulder.json",
            "Procedure-P2-ACP-Procedure-07-08-2025.json",
            "Encounter-P2-ACP-Encounter-07-08-2025.json",
        ]
    for name in names:
        resource = example(name)
        response = api.put(f"{resource['resourceType']}/{resource['id']}", resource)
        assert response.status_code in (200, 201), response.content
    return api


def _check(response) -> None:
    assert response.status_code < 500, response.content[:2000]
    if response.status_code >= 400 and response.content:
        if response["Content-Type"].startswith("application/fhir+xml"):
            assert b"<OperationOutcome" in response.content
            return
        body = json.loads(response.content)
        assert body["resourceType"] == "OperationOutcome"
        assert all(i["details"]["text"] and i["diagnostics"] for i in body["issue"])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


def _mutate(resource, path, new_value, delete):
    if not path:
        return new_value
    target = resource
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = new_value
    return resource


@FUZZ
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    rtype=st.sampled_from(TYPES),
    content_type=st.sampled_from(
        ["application/fhir+json", "application/fhir+xml", "text/plain", "application/json"]
    ),
    method=st.sampled_from(["put", "post"]),
)
def test_arbitrary_bodies_never_500(api: Api, body, rtype, content_type, method):
    if method == "put":
        response = api.put(f"{rtype}/fz-1", body, content_type=content_type)
    else:
        response = api.post(rtype if rtype != "Bundle" else "", body, content_type=content_type)
    _check(response)


@settings(FUZZ, max_examples=400)
@given(data=st.data(), name=st.sampled_from(EXAMPLES), new_value=json_values, delete=st.booleans())
def test_mutated_examples_never_500(seeded: Api, data, name, new_value, delete):
    api = seeded
    resource = example(name)
    paths = [p for p in _paths(resource) if p]
    path = data.draw(st.sampled_from(paths))
    mutated = _mutate(copy.deepcopy(resource), path, new_value, delete)
    if not isinstance(mutated, dict):
        mutated = {"resourceType": resource["resourceType"], "id": resource["id"]}
    rid = mutated.get("id") if isinstance(mutated.get("id"), str) else "fz-2"
    _check(api.put(f"{resource['resourceType']}/{rid}", mutated))
    _check(
        api.post(
            "",
            {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [
                    {
                        "fullUrl": "urn:uuid:5f0c7a1e-0000-4000-8000-000000000001",
                        "resource": mutated,
                        "request": {"method": "POST", "url": str(resource["resourceType"])},
                    }
                ],
            },
        )
    )


@FUZZ
@given(
    rtype=st.sampled_from(TYPES),
    params=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "_id",
                    "_count",
                    "_page",
                    "_include",
                    "_lastUpdated",
                    "identifier",
                    "patient",
                    "subject",
                    "code",
                    "category",
                    "scope",
                    "birthdate",
                    "name",
                    "device.type:in",
                    "reason-reference:Procedure.code",
                    "_format",
                    "gender:missing",
                    "x",
                    "_sort",
                    "date",
                ]
            ),
            st.text(max_size=40),
        ),
        max_size=5,
    ),
    strict=st.booleans(),
    accept=st.sampled_from(["", "application/fhir+xml", "*/*", "x"]),
)
def test_arbitrary_searches_never_500(api: Api, rtype, params, strict, accept):
    from urllib.parse import urlencode

    headers = {"Accept": accept} if accept else {}
    if strict:
        headers["Prefer"] = "handling=strict"
    _check(api.get(f"{rtype}?{urlencode(params)}", **headers))


@FUZZ
@given(
    rid=st.text(min_size=1, max_size=70),
    rtype=st.sampled_from(TYPES),
    if_match=st.sampled_from(["", 'W/"1"', "x", 'W/"99999999999999999999"']),
)
def test_arbitrary_reads_and_ids_never_500(api: Api, rid, rtype, if_match):
    from urllib.parse import quote

    _check(api.get(f"{rtype}/{quote(rid, safe='')}"))
    headers = {"If-Match": if_match} if if_match else {}
    _check(api.put(f"{rtype}/{quote(rid, safe='')}", {"resourceType": rtype, "id": rid}, **headers))


@pytest.mark.parametrize(
    "url", ["Patient/a%00b", "Patient?family=a%00", "Patient?x%00=1", "Consent?patient=%00"]
)
def test_nul_characters_are_refused_not_stored(api: Api, url):
    """PostgreSQL text cannot hold NUL: such input is a 400, on every database."""
    response = api.get(url)
    assert response.status_code == 400
    body = {"resourceType": "Patient", "id": "p-1", "name": [{"family": "a\x00b"}]}
    assert api.put("Patient/p-1", body).status_code == 400
    assert (
        api.http.post(
            "/fhir/auth/token", {"grant_type": "client_credentials", "client_id": "a\x00"}
        ).status_code
        == 400
    )
