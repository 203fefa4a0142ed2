"""Handlers of the ACP resource types: read, search (patient-scoped, the IG's queries with
``_include``, chains and ``:in``) and write (a new care-plan version)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from palliare.patients.models import Patient

from ... import identity
from ...context import FhirContext
from ...models import ResourceIdentity
from ...outcome import FhirError, Issue
from ...search import Criterion
from .. import conditions, contacts
from ..base import HistoryEntry, not_found, register, resolve_reference, split_reference
from . import codes as c
from .base import (
    PATIENT_TARGET,
    Built,
    PlanHandler,
    _param,
    _patient_params,
    _token_match,
    element_id_taken,
)
from .export import with_identifiers
from .imports import APPLY, check_icd
from .plan import PlanState

# --- the types -------------------------------------------------------------------------------


@register
class RelatedPersonHandler(PlanHandler):
    resource_type = "RelatedPerson"
    profile = c.PROFILES["RelatedPerson"]
    patient_path = "patient"
    params = _patient_params("RelatedPerson", "patient")
    documentation = "ACP-ContactPerson: the care plan's contact persons and representatives."


@register
class ProcedureHandler(PlanHandler):
    resource_type = "Procedure"
    profile = c.PROFILES["Procedure"]
    params = {
        **_patient_params("Procedure", "subject"),
        "code": _param("code", "token", "Procedure.code", modifiers=("in", "not-in")),
    }
    token_paths = {"code": "code"}
    includes = ("Procedure:encounter",)
    include_paths = {"encounter": "encounter"}
    documentation = "ACP-Procedure: the ACP conversations of the care plan."


@register
class EncounterHandler(PlanHandler):
    resource_type = "Encounter"
    profile = c.PROFILES["Encounter"]
    params = {
        **_patient_params("Encounter", "subject"),
        "reason-reference": _param(
            "reason-reference",
            "reference",
            "Encounter.reasonReference",
            modifiers=("Procedure.code", "Procedure"),
        ),
    }
    includes = ("Encounter:reason-reference",)
    include_paths = {"reason-reference": "reasonReference"}
    other_profiles = (contacts.PROFILE,)
    documentation = (
        "ACP-Encounter: the ACP conversations of the care plan as encounters; any other "
        "Encounter (nl-core-Encounter) is a care contact, with or without the patient "
        "(without one: read by the sending organisation only, never in a patient search)."
    )

    # Care contacts (``patients.CareContact``) share the type with ACP conversations: an id
    # that names a care contact is handled by ``resources.contacts``.
    def locate(self, ctx: FhirContext, logical_id: str) -> tuple[int, str] | None:
        if contacts.contact_row(logical_id) is not None:
            return None
        return super().locate(ctx, logical_id)

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        row = contacts.contact_row(logical_id)
        if row is not None:
            return contacts.resolve(ctx, row)
        return super().resolve(ctx, logical_id)

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        row = contacts.contact_row(logical_id)
        if row is not None:
            return contacts.read(ctx, row)
        return super().read(ctx, logical_id)

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        if contacts.contact_row(logical_id) is not None:
            return contacts.write(ctx, logical_id, data)
        existing = identity.find("Encounter", logical_id) if logical_id else None
        if existing is None and contacts.is_care_contact(data):
            return contacts.write(ctx, logical_id, data)
        return super().write(ctx, logical_id, data)

    def extra_matches(self, ctx: FhirContext, patients: list[Patient]) -> list[dict[str, Any]]:
        return contacts.for_patients(patients)

    def history(self, ctx: FhirContext, logical_id: str) -> list[HistoryEntry]:
        row = contacts.contact_row(logical_id)
        if row is not None:
            return contacts.history(ctx, row)
        return super().history(ctx, logical_id)

    def vread(self, ctx: FhirContext, logical_id: str, version: str) -> dict[str, Any]:
        row = contacts.contact_row(logical_id)
        if row is not None:
            return contacts.vread(ctx, row, version)
        return super().vread(ctx, logical_id, version)

    def matches(
        self,
        ctx: FhirContext,
        resource: dict[str, Any],
        crit: Criterion,
        built: Built,
    ) -> bool:
        if crit.name != "reason-reference":
            return super().matches(ctx, resource, crit, built)
        reasons = [r.get("reference", "") for r in resource.get("reasonReference") or []]
        if crit.modifier == "Procedure.code":
            return any(
                _token_match(built[r], "code", Criterion("code", "", crit.values))
                for r in reasons
                if r in built
            )
        return any(v.split("/")[-1] == r.split("/")[-1] for v in crit.values for r in reasons)


@register
class ConsentHandler(PlanHandler):
    resource_type = "Consent"
    profile = c.PROFILES["Consent:treatment"]
    other_profiles = (c.PROFILES["Consent:adr"],)
    patient_path = "patient"
    params = {
        **_patient_params("Consent", "patient"),
        "scope": _param("scope", "token", "Consent.scope"),
        "category": _param("category", "token", "Consent.category"),
        "action": _param("action", "token", "Consent.provision.code"),
        "status": _param(
            "status",
            "token",
            "Consent.status",
            "active (current agreements) or inactive (ended treatment directives); "
            "without it a search returns both",
        ),
    }
    token_paths = {
        "scope": "scope",
        "category": "category",
        "action": "provision.code",
        "status": "status",
    }
    includes = ("Consent:actor",)
    include_paths = {"actor": "provision.actor.reference"}
    documentation = (
        "ACP-TreatmentDirective (treatment limits, ICD deactivation; ended ones with status "
        "inactive) and "
        "ACP-AdvanceDirective (euthanasia request, earlier directives)."
    )


@register
class GoalHandler(PlanHandler):
    resource_type = "Goal"
    profile = c.PROFILES["Goal"]
    params = {
        **_patient_params("Goal", "subject"),
        "category": _param("category", "token", "Goal.category"),
        "description": _param("description", "token", "Goal.description"),
    }
    token_paths = {"category": "category", "description": "description"}
    documentation = "ACP-MedicalPolicyGoal: the main goal of medical policy."


@register
class ObservationHandler(PlanHandler):
    resource_type = "Observation"
    profile = c.PROFILES["Observation:" + c.OBS_CARE_WISHES]
    other_profiles = tuple(
        c.PROFILES["Observation:" + code]
        for code in (c.OBS_PLACE_OF_DEATH, c.OBS_EUTHANASIA, c.OBS_DONATION, c.OBS_SENSE_OF_PURPOSE)
    )
    params = {
        **_patient_params("Observation", "subject"),
        "code": _param("code", "token", "Observation.code", modifiers=("in", "not-in")),
    }
    token_paths = {"code": "code"}
    documentation = (
        "ACP observations: specific care wishes, preferred place of death, "
        "position on euthanasia, organ donation registration, sense of purpose."
    )


@register
class DeviceHandler(PlanHandler):
    resource_type = "Device"
    profile = c.PROFILES["Device"]
    patient_path = "patient"
    params = {
        **_patient_params("Device", "patient"),
        "type": _param("type", "token", "Device.type", modifiers=("in", "not-in")),
    }
    token_paths = {"type": "type"}
    documentation = (
        "ACP-MedicalDevice.Product-ICD. A Device sent without a patient is "
        "attached to the patient of the DeviceUseStatement that refers to it."
    )

    def locate(self, ctx: FhirContext, logical_id: str) -> tuple[int, str] | None:
        row = identity.find("Device", logical_id)
        if row is not None and row.patient_id is None:
            return None
        return super().locate(ctx, logical_id)

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        row = identity.find("Device", logical_id)
        if row is not None and row.patient_id is None:
            return None, "icd"  # not attached yet
        return super().resolve(ctx, logical_id)

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        row = identity.find("Device", logical_id)
        if row is not None and row.patient_id is None:
            return with_identifiers(
                {
                    "resourceType": "Device",
                    "id": logical_id,
                    "meta": {"profile": [self.profile]},
                    "type": {"coding": [{"system": c.SNOMED, "code": c.ICD}]},
                },
                list(row.identifiers),
            )
        return super().read(ctx, logical_id)

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        check_icd(data)
        if data.get("patient") is not None:
            return super().write(ctx, logical_id, data)
        if logical_id is None:
            raise FhirError(
                422,
                Issue(
                    "required",
                    _("Device.patient is required to create a device with POST."),
                    ("Device.patient",),
                    key="patient-required",
                ),
            )
        identity.check_client_id("Device", logical_id)
        existing = identity.find("Device", logical_id)
        if existing is not None and existing.patient_id is not None:
            patient = Patient.objects.get(pk=existing.patient_id)
            data = {**data, "patient": {"reference": f"Patient/{patient.pk}"}}
            return super().write(ctx, logical_id, data)
        # Remember an ICD without a patient until a DeviceUseStatement refers to it.
        from palliare.organizations.models import Organization

        anchor = ctx.actor.organization or Organization.objects.first()
        assert anchor is not None
        row = identity.remember(
            "Device",
            logical_id,
            anchor,
            element="icd",
            identifiers=[
                identity.keepable(i) for i in data.get("identifier") or [] if isinstance(i, dict)
            ],
            created_by_id=ctx.actor.organization_id,
        )
        ResourceIdentity.objects.filter(pk=row.pk).update(target_type="fhir.pending", target_id=0)
        return self.read(ctx, logical_id), existing is None


@register
class DeviceUseStatementHandler(PlanHandler):
    resource_type = "DeviceUseStatement"
    profile = c.PROFILES["DeviceUseStatement"]
    params = {
        **_patient_params("DeviceUseStatement", "subject"),
        "device": _param(
            "device",
            "reference",
            "DeviceUseStatement.device",
            chains=("type",),
            chain_modifiers=("in", "not-in"),
        ),
    }
    includes = ("DeviceUseStatement:device",)
    include_paths = {"device": "device"}
    documentation = "ACP-MedicalDevice: the patient's ICD."

    def matches(
        self,
        ctx: FhirContext,
        resource: dict[str, Any],
        crit: Criterion,
        built: Built,
    ) -> bool:
        if crit.name != "device":
            return super().matches(ctx, resource, crit, built)
        ref = resource.get("device", {}).get("reference", "")
        if crit.chain == "type":
            device = built.get(ref)
            return device is not None and _token_match(
                device, "type", Criterion("type", crit.modifier, crit.values)
            )
        return any(v.split("/")[-1] == ref.split("/")[-1] for v in crit.values)

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        patient = self.patient_of(ctx, data)
        device_ref = data.get("device")
        if device_ref is None:
            raise FhirError(
                422,
                Issue(
                    "required",
                    _("DeviceUseStatement.device is required."),
                    ("DeviceUseStatement.device",),
                    key="device-required",
                ),
            )
        _t, target = resolve_reference(ctx, device_ref, ("Device",), "DeviceUseStatement.device")
        attached_patient, _key = target
        _type, device_id = split_reference(ctx, device_ref, "DeviceUseStatement.device")
        if attached_patient is None:
            other = (
                ResourceIdentity.objects.filter(
                    resource_type="Device", patient=patient, element="icd"
                )
                .exclude(logical_id=device_id)
                .first()
            )
            if other is not None:
                raise element_id_taken("Device", other.logical_id)
            ResourceIdentity.objects.filter(resource_type="Device", logical_id=device_id).update(
                target_type=PATIENT_TARGET, target_id=patient.pk, patient=patient
            )
        elif attached_patient.pk != patient.pk:
            raise FhirError(
                422,
                Issue(
                    "business-rule",
                    _("The device belongs to another patient."),
                    ("DeviceUseStatement.device",),
                    key="other-patient",
                ),
            )
        return super().write(ctx, logical_id, data)


@register
class CommunicationRequestHandler(PlanHandler):
    resource_type = "CommunicationRequest"
    profile = c.PROFILES["CommunicationRequest"]
    params = {
        **_patient_params("CommunicationRequest", "subject"),
        "category": _param("category", "token", "CommunicationRequest.category"),
    }
    token_paths = {"category": "category"}
    documentation = "ACP-InformRelativesRequest: the patient informs relatives (rc2)."


@register
class CommunicationHandler(PlanHandler):
    resource_type = "Communication"
    profile = c.PROFILES["Communication"]
    params = {
        **_patient_params("Communication", "subject"),
        "category": _param("category", "token", "Communication.category"),
        "reason-code": _param("reason-code", "token", "Communication.reasonCode"),
    }
    token_paths = {"category": "category", "reason-code": "reasonCode"}
    documentation = "ACP-Communication (before rc2): the patient informs relatives."


@register
class ConditionHandler(PlanHandler):
    resource_type = "Condition"
    profile = c.PROFILES["Condition"]
    params = {
        **_patient_params("Condition", "subject"),
        "code": _param("code", "token", "Condition.code", modifiers=("in", "not-in")),
        "category": _param("category", "token", "Condition.category"),
        "clinical-status": _param("clinical-status", "token", "Condition.clinicalStatus"),
    }
    token_paths = {"code": "code", "category": "category", "clinical-status": "clinicalStatus"}
    interactions = (
        "read",
        "vread",
        "update",
        "delete",
        "history-instance",
        "create",
        "search-type",
    )
    documentation = (
        "nl-core-Problem: problems and diagnoses as sent (codes never rewritten; decision "
        "0035), which advance directives, ICD statements and ACP procedures may refer to; "
        "also the register's diagnosis group (text, read only)."
    )

    # Problems (``patients.Problem``) share the type with the register's diagnosis group: an
    # id that names a problem is handled by ``resources.conditions``.
    def locate(self, ctx: FhirContext, logical_id: str) -> tuple[int, str] | None:
        if conditions.problem_row(logical_id) is not None:
            return None
        return super().locate(ctx, logical_id)

    def resolve(self, ctx: FhirContext, logical_id: str) -> Any:
        row = conditions.problem_row(logical_id)
        if row is not None:
            return conditions.resolve(ctx, row)
        return super().resolve(ctx, logical_id)

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        row = conditions.problem_row(logical_id)
        if row is not None:
            return conditions.read(ctx, row)
        return super().read(ctx, logical_id)

    def write(
        self, ctx: FhirContext, logical_id: str | None, data: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        if logical_id and conditions.problem_row(logical_id) is None:
            if super().locate(ctx, logical_id) is not None:
                raise FhirError(
                    405,
                    Issue(
                        "not-supported",
                        _(
                            "Condition/%(id)s is the register's diagnosis group: it is read "
                            "only (the register records it when the palliative phase is "
                            "marked). Send a problem under its own id."
                        ),
                        params={"id": logical_id},
                        key="write-not-supported",
                    ),
                )
            if logical_id.isdigit():
                raise not_found("Condition", logical_id)
        return conditions.write(ctx, logical_id, data)

    def extra_matches(self, ctx: FhirContext, patients: list[Patient]) -> list[dict[str, Any]]:
        return conditions.for_patients(patients)

    def history(self, ctx: FhirContext, logical_id: str) -> list[HistoryEntry]:
        row = conditions.problem_row(logical_id)
        if row is not None:
            return conditions.history(ctx, row)
        return super().history(ctx, logical_id)

    def vread(self, ctx: FhirContext, logical_id: str, version: str) -> dict[str, Any]:
        row = conditions.problem_row(logical_id)
        if row is not None:
            return conditions.vread(ctx, row, version)
        return super().vread(ctx, logical_id, version)

    def delete(self, ctx: FhirContext, logical_id: str) -> None:
        row = conditions.problem_row(logical_id)
        if row is None:
            if super().locate(ctx, logical_id) is not None:
                raise FhirError(
                    405,
                    Issue(
                        "not-supported",
                        _(
                            "Condition/%(id)s is the register's diagnosis group: it changes "
                            "in the register, not through FHIR."
                        ),
                        params={"id": logical_id},
                        key="delete-not-supported",
                    ),
                )
            raise not_found("Condition", logical_id)
        conditions.delete(ctx, row)


@register
class QuestionnaireResponseHandler(PlanHandler):
    resource_type = "QuestionnaireResponse"
    profile = c.PROFILES["QuestionnaireResponse"]
    params = {
        **_patient_params("QuestionnaireResponse", "subject"),
        "questionnaire": _param(
            "questionnaire",
            "reference",
            "QuestionnaireResponse.questionnaire",
            "the IKNL ACP form: " + c.QUESTIONNAIRE,
        ),
    }
    documentation = (
        "The IKNL ACP form (Questionnaire ACP-zib2020, referred to by canonical "
        "URL) filled in from the care plan; an incoming form updates the plan."
    )

    def matches(
        self,
        ctx: FhirContext,
        resource: dict[str, Any],
        crit: Criterion,
        built: Built,
    ) -> bool:
        if crit.name != "questionnaire":
            return super().matches(ctx, resource, crit, built)
        wanted = {
            v.split("|")[0].replace(c.QUESTIONNAIRE_OLD, c.QUESTIONNAIRE) for v in crit.values
        }
        return resource.get("questionnaire") in wanted

    def patient_of(self, ctx: FhirContext, data: dict[str, Any]) -> Patient:
        if data.get("subject") is not None:
            return super().patient_of(ctx, data)
        # The 0.1.3 form has no subject: find the patient by the form's name and birth date.
        from .form_reading import answers_by_link

        answers = answers_by_link(data.get("item"))

        def text(link: str) -> str:
            return next(
                (
                    str(
                        a.get("valueString") or a.get("valueDateTime") or a.get("valueDate") or ""
                    ).strip()
                    for a in answers.get(link, [])
                ),
                "",
            )

        born: str = text("967")[:10]
        candidates = Patient.objects.visible_to(ctx.actor).filter(
            family_name__iexact=text("966"),
            given_name__istartswith=text("964") or "?",
            date_of_birth=born if len(born) == 10 else "1000-01-01",
        )[:2]
        if len(candidates) != 1:
            raise FhirError(
                422,
                Issue(
                    "required",
                    _(
                        "QuestionnaireResponse.subject is required "
                        "(the form's name and date of birth do not "
                        "identify one patient)."
                    ),
                    ("QuestionnaireResponse.subject",),
                    key="patient-required",
                ),
            )
        return candidates[0]


def _apply_form(
    ctx: FhirContext, data: dict[str, Any], state: PlanState, old_key: str | None
) -> str:
    from .form_reading import answers_by_link, apply_form

    questionnaire = str(data.get("questionnaire") or "").split("|")[0]
    if questionnaire not in (c.QUESTIONNAIRE, c.QUESTIONNAIRE_OLD):
        raise FhirError(
            422,
            Issue(
                "not-supported",
                _("Palliare reads the IKNL ACP form (%(url)s) only."),
                ("QuestionnaireResponse.questionnaire",),
                params={"url": c.QUESTIONNAIRE},
                key="questionnaire",
            ),
        )
    apply_form(answers_by_link(data.get("item")), state)
    return "form"


APPLY["QuestionnaireResponse"] = _apply_form
