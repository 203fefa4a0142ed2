"""Issue 20, items 6-8: elements accepted and dropped or rebuilt, nl-core person details, display
texts — each defect reproduced, and the rule that keeps the domain the clinical truth
(decision 0040): what a client sent comes back where the domain has not changed it since; where
the domain changed (in the web UI), the domain's value comes back, never the stale one."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palliare.careplans import services as plan_services
from palliare.careplans.constants import TreatmentDecision
from palliare.careplans.models import CarePlan
from palliare.db.append_only import AppendOnlyError
from palliare.fhir.formats import parse_xml
from palliare.fhir.keep import merge
from palliare.fhir.models import ReceivedResource

from .conftest import EXAMPLES, example, requires_careplans
from .test_examples import MISSING_PRACTITIONERS
from .test_keeps_what_it_is_given import CPR, HENDRIK
from .test_round_trip import codings, flatten

pytestmark = [pytest.mark.django_db, requires_careplans]

F1 = [
    "Patient-F1-ACP-Patient-HendrikHartman.json",
    "PractitionerRole-F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen.json",
    "RelatedPerson-F1-ACP-ContactPerson-MichielHartman.json",
    "Encounter-F1-ACP-Encounter-01-10-2020.json",
]


def _put(api: Any, resource: dict[str, Any]) -> Any:
    response = api.put(f"{resource['resourceType']}/{resource['id']}", resource)
    assert response.status_code in (200, 201), response.content
    return response


def _get(api: Any, url: str) -> dict[str, Any]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    data: dict[str, Any] = json.loads(response.content)
    return data


def _missing(sent: dict[str, Any], read: dict[str, Any]) -> list[Any]:
    """Values and codings sent that do not come back (meta set by the server aside)."""
    values = Counter(p for p in flatten(sent) if not p[0].startswith("meta."))
    lost = sorted((values - Counter(flatten(read))).elements())
    return lost + sorted((Counter(codings(sent)) - Counter(codings(read))).elements())


@pytest.fixture
def hendrik(api: Any) -> Any:
    """Hendrik Hartman, his professional, his brother and the conversation's encounter."""
    _put(api, MISSING_PRACTITIONERS[0])
    for name in F1:
        _put(api, example(name))
    return api


def _put_xml(api: Any, name: str) -> dict[str, Any]:
    raw = next(EXAMPLES.rglob(name)).read_bytes()
    data = parse_xml(raw)
    response = api.put(
        f"{data['resourceType']}/{data['id']}", raw, content_type="application/fhir+xml"
    )
    assert response.status_code in (200, 201), response.content
    return data


# --- 7. nl-core person details ------------------------------------------------------------------


def test_the_nl_core_patient_reads_back_every_value_it_was_given(api):
    """Before: 49 of 157 values of nl-core-Patient-01.xml came back; country 'Nederland' came
    back as 'NL'."""
    sent = _put_xml(api, "nl-core-Patient-01.xml")
    read = _get(api, "Patient/nl-core-Patient-01")
    assert _missing(sent, read) == []
    assert read["address"][0]["country"] == "Nederland"
    assert read["deceasedBoolean"] is False
    assert read["multipleBirthBoolean"] is True
    assert read["name"] == sent["name"]  # prefix, partner and usual name
    assert read["telecom"] == sent["telecom"]  # use, kind (ext-CodeSpecification), comment
    xml = parse_xml(api.get("Patient/nl-core-Patient-01", Accept="application/fhir+xml").content)
    assert xml["address"] == sent["address"]


def test_a_contact_persons_initials_read_back_as_initials(api):
    """Before: J./P./M. (qualifier IN) came back as one given name 'J.P.M.' with qualifier BR."""
    _put_xml(api, "nl-core-Patient-01.xml")
    sent = _put_xml(api, "nl-core-ContactPerson-01.xml")
    read = _get(api, f"RelatedPerson/{sent['id']}")
    name = read["name"][0]
    assert name["given"] == ["J.", "P.", "M."]
    assert [g["extension"][0]["valueCode"] for g in name["_given"]] == ["IN", "IN", "IN"]
    assert read["address"][0]["country"] == "Nederland"
    assert _missing(sent, read) == []
    # ... and so does the contact in the Patient resource (the patient sent it so).
    patient = _get(api, "Patient/nl-core-Patient-01")
    assert patient["contact"][0]["name"]["given"] == ["J.", "P.", "M."]


# --- 6. elements accepted and dropped or rebuilt -----------------------------------------------


def test_a_directive_keeps_its_parties_date_and_encounter_reference(hendrik):
    """Before: a contact person as agreement party disappeared, the latest conversation's
    professional was added, dateTime became the plan's agreement date, and
    ext-EncounterReference was dropped."""
    consent = copy.deepcopy(example(f"Consent-{CPR}.json"))
    consent["dateTime"] = "2019-03-04"
    consent["provision"]["actor"] = [
        consent["provision"]["actor"][0],
        {
            "reference": {
                "reference": "RelatedPerson/F1-ACP-ContactPerson-MichielHartman",
                "type": "RelatedPerson",
                "display": "ContactPerson, Michiel Hartman",
            },
            "role": consent["provision"]["actor"][0]["role"],
        },
    ]
    _put(hendrik, consent)
    # A later conversation moves the plan's agreement date and names the professional.
    _put(hendrik, example("Procedure-F1-ACP-Procedure-01-10-2020.json"))
    read = _get(hendrik, f"Consent/{CPR}")
    assert read["provision"]["actor"] == consent["provision"]["actor"]
    assert read["dateTime"] == "2019-03-04"
    assert read["extension"] == consent["extension"]
    assert _missing(consent, read) == []
    search = _get(hendrik, "Consent?patient=F1-ACP-Patient-HendrikHartman")
    found = {e["resource"]["id"]: e["resource"] for e in search["entry"]}
    assert found[CPR] == read


def test_a_directive_sent_without_parties_gets_none_invented(hendrik):
    consent = copy.deepcopy(example(f"Consent-{CPR}.json"))
    del consent["provision"]["actor"]
    _put(hendrik, consent)
    _put(hendrik, example("Procedure-F1-ACP-Procedure-01-10-2020.json"))
    read = _get(hendrik, f"Consent/{CPR}")
    assert "actor" not in read["provision"]


def test_observations_keep_their_encounter_and_effective_date(hendrik):
    for name in (
        "Procedure-F1-ACP-Procedure-01-10-2020.json",
        "Observation-F1-ACP-SpecificCareWishes.json",
        "Observation-F1-ACP-OrganDonationChoiceRegistration-Yes.json",
    ):
        sent = example(name)
        _put(hendrik, sent)
    for name in (
        "Observation-F1-ACP-SpecificCareWishes.json",
        "Observation-F1-ACP-OrganDonationChoiceRegistration-Yes.json",
    ):
        sent = example(name)
        read = _get(hendrik, f"Observation/{sent['id']}")
        assert _missing(sent, read) == [], name
        for key in ("encounter", "extension", "effectiveDateTime", "effectivePeriod"):
            assert read.get(key) == sent.get(key), (name, key)


def test_the_device_use_statement_keeps_timing_note_and_encounter(hendrik):
    device = example("Device-F1-ACP-MedicalDevice.Product-ICD.json") | {
        "patient": {"reference": HENDRIK}
    }
    _put(hendrik, device)
    statement = example("DeviceUseStatement-F1-ACP-MedicalDevice-ICD.json")
    statement["bodySite"] = {
        "coding": [{"system": "http://snomed.info/sct", "code": "80891009", "display": "hart"}],
        "extension": [
            {
                "url": "http://nictiz.nl/fhir/StructureDefinition/ext-AnatomicalLocation."
                "Laterality",
                "valueCodeableConcept": {
                    "coding": [
                        {"system": "http://snomed.info/sct", "code": "7771000", "display": "links"}
                    ]
                },
            }
        ],
    }
    statement["reasonReference"] = [
        {"reference": "Encounter/F1-ACP-Encounter-01-10-2020", "display": "gesprek"}
    ]
    _put(hendrik, statement)
    read = _get(hendrik, f"DeviceUseStatement/{statement['id']}")
    assert _missing(statement, read) == []
    assert read["timingPeriod"] == {"start": "2018"}
    read_device = _get(hendrik, f"Device/{device['id']}")
    assert (
        read_device["type"]["coding"][0]["display"] == "implanteerbare cardioverter-defibrillator"
    )


def test_the_form_reads_back_as_it_was_sent(hendrik):
    """Before: the QuestionnaireResponse was rebuilt from the plan (authored replaced,
    valueDateTime cut to a date, answers without a plan field dropped, no question texts)."""
    form = example("QuestionnaireResponse-HendrikHartman-20201001.json")
    _put(hendrik, form)
    read = _get(hendrik, f"QuestionnaireResponse/{form['id']}")
    assert read["authored"] == form["authored"]
    assert read["item"] == form["item"]
    assert _missing(form, read) == []


# --- 8. display texts ---------------------------------------------------------------------------


def test_display_texts_of_codings_and_references_come_back(hendrik):
    procedure = example("Procedure-F1-ACP-Procedure-01-10-2020.json")
    _put(hendrik, procedure)
    read = _get(hendrik, f"Procedure/{procedure['id']}")
    assert [p["actor"]["display"] for p in read["performer"]] == [
        p["actor"]["display"] for p in procedure["performer"]
    ]
    communication = example("Communication-F1-ACP-Communication-01-10-2020.json")
    _put(hendrik, communication)
    read = _get(hendrik, f"Communication/{communication['id']}")
    assert read["sender"]["display"] == communication["sender"]["display"]
    assert "Huisartsenpraktijk Test" not in json.dumps(read)  # not the API client's name


# --- the domain stays the clinical truth --------------------------------------------------------


def test_a_change_in_the_domain_wins_over_what_was_sent(hendrik, gp):
    consent = example(f"Consent-{CPR}.json")
    _put(hendrik, consent)
    plan = CarePlan.objects.get(patient__bsn="999911120")
    content = copy.deepcopy(plan.current_version.content)
    row = next(r for r in content["treatment_limits"] if r["treatment"] == "89666000")
    assert consent["provision"]["type"] == "permit"
    row["decision"] = TreatmentDecision.NO  # in the web UI: no resuscitation after all
    plan_services.save_plan(gp, plan.patient, content=content, based_on=plan.current_version.number)
    read = _get(hendrik, f"Consent/{CPR}")
    assert read["provision"]["type"] == "deny"
    # What the domain did not change still reads as sent: the wording of the treatment code.
    assert read["provision"]["code"] == consent["provision"]["code"]
    assert read["identifier"] == consent["identifier"]


def test_a_contact_persons_name_changed_in_the_domain_is_not_overruled():
    current = {"resourceType": "RelatedPerson", "id": "x", "name": [{"family": "Jansen"}]}
    mapped = {"resourceType": "RelatedPerson", "id": "x", "name": [{"family": "Hartman"}]}
    sent = {
        "resourceType": "RelatedPerson",
        "id": "x",
        "name": [{"family": "Hartman", "_family": {"extension": [{"url": "own-name"}]}}],
        "telecom": [{"system": "email", "value": "a@example.org", "use": "work"}],
    }
    read = merge(current, mapped, sent)
    assert read["name"] == [{"family": "Jansen"}]
    assert read["telecom"] == sent["telecom"]  # never modelled: as sent
    removed = merge({"resourceType": "RelatedPerson", "id": "x"}, mapped, sent)
    assert "name" not in removed  # removed in the domain since: stays removed


def test_a_choice_element_keeps_one_variant():
    current = {"resourceType": "Observation", "id": "o", "effectiveDateTime": "2024-01-01"}
    sent = {"resourceType": "Observation", "id": "o", "effectivePeriod": {"start": "2020-10-01"}}
    read = merge(current, dict(current), sent)
    assert read == sent
    changed = merge(
        current | {"valueString": "b"},
        current | {"valueString": "a"},
        sent | {"valueBoolean": True},
    )
    assert changed["valueString"] == "b" and "valueBoolean" not in changed


# --- provenance and cost ------------------------------------------------------------------------


def test_each_received_version_is_kept_append_only_with_its_client(hendrik):
    rows = ReceivedResource.objects.filter(
        resource_type="Patient", logical_id="F1-ACP-Patient-HendrikHartman"
    )
    assert rows.count() == 1
    _put(hendrik, example("Patient-F1-ACP-Patient-HendrikHartman.json"))
    assert rows.count() == 2
    row = rows.order_by("-id").first()
    assert row.client_id == hendrik.client.pk
    assert row.patient is not None and row.patient.bsn == "999911120"
    assert row.received["name"] == example("Patient-F1-ACP-Patient-HendrikHartman.json")["name"]
    row.received = {}
    with pytest.raises(AppendOnlyError):
        row.save()


def test_a_read_costs_one_query_for_what_was_received(hendrik):
    _put(hendrik, example(f"Consent-{CPR}.json"))
    for url in (
        "Patient/F1-ACP-Patient-HendrikHartman",
        "RelatedPerson/F1-ACP-ContactPerson-MichielHartman",
        "Consent?patient=F1-ACP-Patient-HendrikHartman",
    ):
        with CaptureQueriesContext(connection) as queries:
            assert hendrik.get(url).status_code == 200
        received = [q for q in queries.captured_queries if "fhir_receivedresource" in q["sql"]]
        assert len(received) == 1, url


def test_an_advance_directive_keeps_its_representative_policy_and_disorder(api):
    """Before: the representative read back as the patient; policy and Disorder extension were
    dropped."""
    _put_xml(api, "nl-core-Patient-01.xml")
    spouse = _put_xml(api, "nl-core-TreatmentDirective2-01-RelatedPerson-01.xml")
    directive = parse_xml(
        next(EXAMPLES.rglob("nl-core-TreatmentDirective2-01-Consent-01.xml")).read_bytes()
    )
    directive["extension"].append(
        {
            "url": "http://nictiz.nl/fhir/StructureDefinition/ext-AdvanceDirective.Disorder",
            "valueReference": {"display": "dementie"},
        }
    )
    directive["provision"]["actor"] = [
        {
            "role": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                        "code": "RESPRSN",
                        "display": "responsible party",
                    }
                ]
            },
            "reference": {"reference": f"RelatedPerson/{spouse['id']}", "display": "echtgenoot"},
        }
    ]
    _put(api, directive)
    read = _get(api, f"Consent/{directive['id']}")
    assert read["provision"]["actor"] == directive["provision"]["actor"]
    assert read["policy"] == directive["policy"]
    assert read["extension"] == directive["extension"]
    assert _missing(directive, read) == []


def test_a_version_read_is_merged_like_a_read(hendrik):
    consent = example(f"Consent-{CPR}.json")
    written = json.loads(_put(hendrik, consent).content)
    old = _get(hendrik, f"Consent/{CPR}/_history/{written['meta']['versionId']}")
    assert old["provision"]["actor"] == consent["provision"]["actor"]
    assert old["provision"]["code"] == consent["provision"]["code"]  # with its display
    assert old == _get(hendrik, f"Consent/{CPR}")


def test_a_history_bundle_is_merged_like_a_version_read(hendrik):
    consent = example(f"Consent-{CPR}.json")
    written = json.loads(_put(hendrik, consent).content)
    bundle = _get(hendrik, f"Consent/{CPR}/_history")
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "history"
    newest = next(
        e["resource"]
        for e in bundle["entry"]
        if e.get("resource", {}).get("meta", {}).get("versionId") == written["meta"]["versionId"]
    )
    assert newest["provision"]["actor"] == consent["provision"]["actor"]
    assert newest == _get(hendrik, f"Consent/{CPR}/_history/{written['meta']['versionId']}")
