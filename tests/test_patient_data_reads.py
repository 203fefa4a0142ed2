"""Patient data is read through one mediated path: this test fails when a module reads a
patient-data model directly where it has not been justified (issue 19 item 13).

A *patient-data model* is ``patients.Patient`` and every model with a foreign key to it, found
from Django's app registry — a new model with a patient key is covered without editing this
file. A *direct read* is a use of such a model's manager (``Model.objects``,
``Model._default_manager``, ``Model._base_manager``) other than the mediated entry
``Patient.objects.visible_to(actor)`` and the writes ``create`` / ``bulk_create``.

The policy modules (``<app>/access.py``) are where such reads belong; the models modules
define them. Every other module that
still reads directly is listed in :data:`ALLOWED` with its number of sites and the reason; the
list may only shrink: a new site fails, and so does a site removed without lowering its count.
Tests, migrations, factories and the demo and synthetic-data loaders are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "palliare"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
MEDIATED_OR_WRITE = {"visible_to", "create", "bulk_create"}
EXEMPT_PARTS = {"tests", "migrations", "management"}
EXEMPT_NAMES = {"factories.py", "demo.py", "synthetic.py", "demo_his.py", "conftest.py"}

#: Modules that read patient-data models directly today, with their number of sites and why.
#: Only ever lower a number or remove a line.
ALLOWED: dict[str, tuple[int, str]] = {
    "careplans/goals.py": (3, "goal index rebuilt from a plan version the service saved"),
    "patients/volunteer_inbox.py": (
        2,
        "VPTZ inbox: own organisation's requests, no name until accepted",
    ),
    "patients/patient_extensions.py": (
        11,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "patients/aggregates.py": (10, "counts for monitoring; suppressed before they leave"),
    "meetings/services/agenda.py": (
        9,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "acute/services.py": (
        8,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/worklist.py": (5, "start-page list over ids from visible_to"),
    "careplans/services.py": (
        5,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "meetings/patient_extensions.py": (
        5,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "consultations/patient_extensions.py": (
        4,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "fhir/identity.py": (4, "FHIR boundary; the handler resolves the patient through fhir.access"),
    "fhir/resources/acp/handlers.py": (
        4,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "fhir/resources/patient.py": (
        3,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "patients/services/consent.py": (
        4,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/services/marking.py": (
        4,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "referrals/services.py": (
        4,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "fhir/resources/acp/plan.py": (
        4,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "fhir/resources/conditions.py": (
        2,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "patients/services/problems.py": (
        5,
        "problem service: locks and re-reads after _ensure_can_record / get_patient_for",
    ),
    "meetings/services/minutes.py": (
        3,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/services/careteam.py": (
        5,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/services/contacts.py": (
        3,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/services/patients.py": (
        3,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "acute/area.py": (2, "acute; reads after acute.access"),
    "acute/patient_extensions.py": (
        2,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "careplans/worklist.py": (3, "start-page list over ids from visible_to"),
    "consultations/tasks.py": (2, "background task by id; no page, no output of patient data"),
    "consultations/worklist.py": (2, "start-page list over ids from visible_to"),
    "fhir/resources/acp/base.py": (
        2,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "fhir/resources/contacts.py": (
        2,
        "FHIR boundary; the handler resolves the patient through fhir.access",
    ),
    "meetings/agenda.py": (2, "meeting agenda; patients from visible_to ids"),
    "patients/querysets.py": (2, "the visible_to queryset itself"),
    "patients/services/signals.py": (
        2,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "referrals/patient_extensions.py": (
        2,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "acute/worklist.py": (1, "start-page list over ids from visible_to"),
    "careplans/aggregates.py": (1, "counts for monitoring; suppressed before they leave"),
    "careplans/meeting_agenda.py": (1, "agenda item content, after the meeting's access check"),
    "careplans/patient_extensions.py": (
        1,
        "patient page panel, after get_patient_for checked and logged",
    ),
    "careplans/tasks.py": (1, "background task by id; no page, no output of patient data"),
    "consultations/aggregates.py": (1, "counts for monitoring; suppressed before they leave"),
    "consultations/services/requests.py": (
        1,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "fhir/services.py": (1, "FHIR boundary; the handler resolves the patient through fhir.access"),
    "meetings/aggregates.py": (1, "counts for monitoring; suppressed before they leave"),
    "meetings/worklist.py": (1, "start-page list over ids from visible_to"),
    "patients/services/common.py": (
        1,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/services/death.py": (
        1,
        "service; checks access before it reads (ensure_can_view / own check)",
    ),
    "patients/views/common.py": (1, "prefetch of the care team of patients from visible_to"),
    "referrals/aggregates.py": (1, "counts for monitoring; suppressed before they leave"),
    "referrals/worklist.py": (1, "start-page list over ids from visible_to"),
}


def patient_data_models() -> set[str]:
    """Class names of ``Patient`` and every concrete model that points at it, directly or
    through another such model (a plan version through its plan)."""
    found = {apps.get_model("patients", "Patient")}
    own = [model for model in apps.get_models() if model.__module__.startswith("palliare.")]
    grew = True
    while grew:
        grew = False
        for model in own:
            if model in found:
                continue
            if any(
                field.is_relation
                and (field.many_to_one or field.one_to_one)
                and field.concrete
                and field.related_model in found
                for field in model._meta.get_fields()
            ):
                found.add(model)
                grew = True
    return {model.__name__ for model in found}


def _imported_model_names(tree: ast.Module, models: set[str]) -> set[str]:
    """Names bound in the module to a patient-data model imported from Palliare's code."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").startswith("palliare")
        ):
            for alias in node.names:
                if alias.name in models:
                    bound.add(alias.asname or alias.name)
    return bound


def direct_reads(path: Path, models: set[str]) -> list[int]:
    """Line numbers of the direct reads of patient-data models in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _imported_model_names(tree, models)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    lines = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in MEDIATED_OR_WRITE:
            continue
        lines.append(node.lineno)
    return lines


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not EXEMPT_PARTS & set(path.relative_to(PACKAGE).parts)
        and path.name not in EXEMPT_NAMES
        # The policy modules, and the models (a model's own methods are not reads).
        and path.name not in ("access.py", "models.py")
        and path.parent.name != "models"
    ]


def test_patient_data_models_are_found_from_the_registry() -> None:
    models = patient_data_models()
    assert {"Patient", "Consent", "CareTeamMember", "Marking", "CarePlanVersion"} <= models
    assert "Organization" not in models


def test_no_new_direct_read_of_patient_data() -> None:
    models = patient_data_models()
    found = {}
    for path in _modules():
        lines = direct_reads(path, models)
        if lines:
            found[str(path.relative_to(PACKAGE))] = lines
    new = {
        module: lines
        for module, lines in found.items()
        if module not in ALLOWED or len(lines) > ALLOWED[module][0]
    }
    assert not new, (
        "Direct reads of patient-data models outside the access policy. Read through "
        "Patient.objects.visible_to(actor) or <app>/access.py (get_patient_for), or justify the "
        f"site in ALLOWED: {new}"
    )
    shrunk = {
        module: (allowed, len(found.get(module, [])))
        for module, (allowed, _why) in ALLOWED.items()
        if len(found.get(module, [])) < allowed
    }
    assert not shrunk, f"Fewer direct reads than allowed: lower ALLOWED (allowed, now): {shrunk}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from palliare.patients.models import Patient\nPatient.objects.filter(bsn='1')\n", 1),
        ("from palliare.patients.models import Patient\nPatient.objects.visible_to(a)\n", 0),
        ("from ..models import Consent\nConsent.objects.create(x=1)\n", 0),
        ("from ..models import Consent as C\nC._base_manager.all()\n", 1),
        ("from palliare.organizations.models import Organization\nOrganization.objects.all()\n", 0),
    ],
)
def test_the_scan_sees_a_direct_read(tmp_path: Path, source: str, expected: int) -> None:
    module = tmp_path / "sample.py"
    module.write_text(source)
    assert len(direct_reads(module, patient_data_models())) == expected
