"""The steps of a launch from a HIS: who the user is in Palliare, whether the HIS's login counts
as both factors, and where the user lands — the patient's page when Palliare knows the patient
and the user may see them, else the registration form filled in from the HIS's Patient."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from palliare.accounts.actors import Actor, actor_for
from palliare.accounts.models import User
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.organizations.models import Professional
from palliare.patients.models import Patient
from palliare.patients.validators import normalize_bsn

from .models import HisSystem, HisUserLink, HisVouchedDevice

BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
BIG_SYSTEM = "http://fhir.nl/fhir/NamingSystem/big"
AGB_SYSTEM = "http://fhir.nl/fhir/NamingSystem/agb-z"
_OWN_PREFIX = "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix"
_OWN_NAME = "http://hl7.org/fhir/StructureDefinition/humanname-own-name"
_STREET = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName"
_HOUSE_NUMBER = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber"
_SEX = {"male": "M", "female": "F", "other": "UN", "unknown": "UNK"}


def his_for_issuer(issuer: str) -> HisSystem | None:
    return HisSystem.objects.filter(issuer=issuer.rstrip("/"), is_active=True).first() or (
        HisSystem.objects.filter(issuer=issuer, is_active=True).first()
    )


def _identifiers(resource: dict[str, Any], system: str) -> list[str]:
    return [
        str(identifier.get("value", "")).strip()
        for identifier in resource.get("identifier") or []
        if isinstance(identifier, dict) and identifier.get("system") == system
    ]


def user_for_practitioner(
    his: HisSystem, fhir_user: str, practitioner: dict[str, Any]
) -> User | None:
    """The Palliare account of the HIS user: linked before, or the professional with the
    Practitioner's BIG number or AGB code, when that professional has an account."""
    link = HisUserLink.objects.select_related("user").filter(his=his, fhir_user=fhir_user).first()
    if link is not None and link.user.is_active:
        return link.user
    big = [value for value in _identifiers(practitioner, BIG_SYSTEM) if value]
    agb = [value for value in _identifiers(practitioner, AGB_SYSTEM) if value]
    if not big and not agb:
        return None
    professionals = Professional.objects.filter(
        is_active=True, user__isnull=False, user__is_active=True
    )
    match = (
        professionals.filter(big_number__in=big).select_related("user").first() if big else None
    ) or (professionals.filter(agb_code__in=agb).select_related("user").first() if agb else None)
    return match.user if match is not None else None


@transaction.atomic
def link_user(his: HisSystem, fhir_user: str, user: User) -> HisUserLink:
    """Remember that ``fhir_user`` of ``his`` is ``user`` (after a full login)."""
    link, created = HisUserLink.objects.update_or_create(
        his=his, fhir_user=fhir_user, defaults={"user": user}
    )
    audit.record(
        "launch.user_linked",
        actor=actor_for(user),
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        purpose=AuditPurpose.SECURITY,
        subject=his,
        details={"his": his.name, "fhir_user": fhir_user[:200]},
    )
    return link


def vouched_device(his: HisSystem, user: User) -> HisVouchedDevice:
    device: HisVouchedDevice
    device, _created = HisVouchedDevice.objects.get_or_create(
        user=user, his=his, defaults={"name": f"Launch from {his.name}"[:64], "confirmed": True}
    )
    return device


def record_launch(user: User, his: HisSystem, *, second_factor_vouched: bool) -> None:
    audit.record(
        "auth.login",
        actor=actor_for(user),
        action=AuditAction.EXECUTE,
        purpose=AuditPurpose.SECURITY,
        details={
            "via": "his_launch",
            "his": his.name,
            "second_factor_vouched": second_factor_vouched,
        },
    )


def record_refusal(his: HisSystem | None, detail: str) -> None:
    audit.record(
        "launch.refused",
        actor=None,
        actor_name=(his.name if his else "unknown HIS")[:64],
        action=AuditAction.EXECUTE,
        outcome=AuditOutcome.DENIED,
        purpose=AuditPurpose.SECURITY,
        details={"reason": detail[:300]},
    )


@dataclass(frozen=True)
class PatientInContext:
    """What the HIS says about the patient it opened Palliare for, as registration fields."""

    bsn: str
    fields: dict[str, str]

    def as_session(self) -> dict[str, Any]:
        return {"bsn": self.bsn, "fields": self.fields}


def patient_in_context(resource: dict[str, Any]) -> PatientInContext | None:
    """The HIS's Patient read as Palliare's registration fields; None without a valid BSN."""
    bsns = [normalize_bsn(value) for value in _identifiers(resource, BSN_SYSTEM)]
    bsn = next((value for value in bsns if value.isdigit() and len(value) == 9), "")
    if not bsn:
        return None
    fields: dict[str, str] = {"bsn": bsn}
    names = [name for name in resource.get("name") or [] if isinstance(name, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = [str(g) for g in name.get("given") or [] if not str(g).endswith(".")]
    if given:
        fields["given_name"] = given[0][:100]
    family_ext = (name.get("_family") or {}).get("extension") or []
    own = {
        ext.get("url"): ext.get("valueString", "") for ext in family_ext if isinstance(ext, dict)
    }
    fields["family_name"] = str(own.get(_OWN_NAME) or name.get("family") or "")[:100]
    if own.get(_OWN_PREFIX):
        fields["family_name_prefix"] = str(own[_OWN_PREFIX])[:20]
    birth = resource.get("birthDate")
    if isinstance(birth, str):
        with contextlib.suppress(ValueError):
            fields["date_of_birth"] = dt.date.fromisoformat(birth[:10]).isoformat()
    if resource.get("gender") in _SEX:
        fields["sex"] = _SEX[resource["gender"]]
    _address(resource, fields)
    phones = [
        t.get("value", "")
        for t in resource.get("telecom") or []
        if isinstance(t, dict) and t.get("system") == "phone"
    ]
    if phones:
        fields["phone"] = str(phones[0])[:20]
    return PatientInContext(bsn, {k: v for k, v in fields.items() if v})


def _address(resource: dict[str, Any], fields: dict[str, str]) -> None:
    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    address = next(
        (a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else None
    )
    if address is None:
        return
    fields["postcode"] = str(address.get("postalCode", "")).replace(" ", "").upper()[:6]
    fields["city"] = str(address.get("city", ""))[:100]
    parts: dict[str, str] = {}
    for line_ext in address.get("_line") or []:
        for ext in (line_ext or {}).get("extension") or []:
            if isinstance(ext, dict) and ext.get("url") in (_STREET, _HOUSE_NUMBER):
                parts[ext["url"]] = str(ext.get("valueString", ""))
    if parts:
        fields["street"] = parts.get(_STREET, "")[:100]
        fields["house_number"] = parts.get(_HOUSE_NUMBER, "")[:20]
    elif address.get("line"):
        fields["street"] = str(address["line"][0])[:100]


def known_patient(actor: Actor, bsn: str) -> Patient | None:
    """The patient with this BSN when ``actor`` may see them, through the access policy's
    visibility (the patient page then writes the access-log row)."""
    return Patient.objects.visible_to(actor).filter(bsn=bsn).first()
