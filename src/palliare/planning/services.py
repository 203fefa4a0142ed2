"""Changing capacity planning: scenarios and their parameter versions, and the register of
palliative care specialists. Each service checks the permission, changes state and writes the
access-log record in one transaction. Reading the figures is in ``figures``; the annual
report's section in ``report_sections``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.organizations.models import Region

from . import parameters
from .models import Scenario, ScenarioVersion, Specialist

#: Who may see the planning page (steering group, programme team, network coordinator).
VIEW = Permission.VIEW_REPORTS
#: Who may change scenarios and the specialist register (network coordinator, programme team).
EDIT = Permission.MANAGE_PROGRAMME


def can_view(actor: Actor) -> bool:
    return actor.has(VIEW)


def can_edit(actor: Actor) -> bool:
    return actor.has(EDIT)


def _ensure_edit(actor: Actor) -> None:
    if not can_edit(actor):
        raise PermissionDenied


def _name(actor: Actor) -> str:
    return actor.audit_name[:200]


@transaction.atomic
def create_scenario(
    actor: Actor,
    region: Region,
    *,
    name: str,
    description: str = "",
    copy_from: Scenario | None = None,
    values: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    is_demo: bool = False,
) -> Scenario:
    """A new scenario whose first version copies ``copy_from``'s current parameters, or takes
    the given or default values."""
    _ensure_edit(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the scenario a name.")})
    if Scenario.objects.filter(region=region, name__iexact=name).exists():
        raise ValidationError({"name": _("A scenario with this name already exists.")})
    default_values, default_sources = parameters.defaults()
    if copy_from is not None and copy_from.current is not None:
        default_values.update(copy_from.current.values)
        default_sources.update(copy_from.current.sources)
    default_values.update(values or {})
    default_sources.update(sources or {})
    last = Scenario.objects.filter(region=region).order_by("-position").first()
    scenario = Scenario.objects.create(
        region=region,
        name=name,
        description=description.strip(),
        position=(last.position + 10) if last else 10,
        is_demo=is_demo,
    )
    version = ScenarioVersion.objects.create(
        scenario=scenario,
        version=1,
        values=default_values,
        sources=default_sources,
        change_note=(
            _("Copy of %(name)s") % {"name": copy_from.name} if copy_from else _("New scenario")
        ),
        created_by=actor.user,
        created_by_name=_name(actor),
    )
    scenario.current = version
    scenario.save(update_fields=["current"])
    audit.record(
        "planning.scenario_created",
        actor=actor,
        action=AuditAction.CREATE,
        subject=scenario,
        details={"name": scenario.name, "version": 1},
    )
    return scenario


@transaction.atomic
def save_parameters(
    actor: Actor,
    scenario: Scenario,
    *,
    values: Mapping[str, str],
    sources: Mapping[str, str],
    change_note: str = "",
    based_on: int | None = None,
) -> ScenarioVersion | None:
    """Record the parameters as a new version of the scenario; None when nothing changed.

    ``based_on`` is the version the editor started from: if someone saved a newer one in the
    meantime the change is refused rather than silently overwriting theirs."""
    _ensure_edit(actor)
    locked = (
        Scenario.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=scenario.pk)
    )
    current = locked.current
    if based_on is not None and current is not None and current.version != based_on:
        raise ValidationError(
            _(
                "Someone saved version %(version)s of this scenario while you were editing. "
                "Open the scenario again and make your change there."
            )
            % {"version": current.version}
        )
    new_values = {p.key: str(values[p.key]) for p in parameters.PARAMETERS if p.key in values}
    new_sources = {p.key: str(sources.get(p.key, "")).strip() for p in parameters.PARAMETERS}
    if current is not None:
        new_values = {**current.values, **new_values}
        if new_values == current.values and new_sources == {
            k: current.sources.get(k, "") for k in new_sources
        }:
            return None
    changed = sorted(
        k
        for k in new_values
        if current is None
        or new_values.get(k) != current.values.get(k)
        or new_sources.get(k, "") != current.sources.get(k, "")
    )
    version = ScenarioVersion.objects.create(
        scenario=locked,
        version=(current.version + 1) if current else 1,
        values=new_values,
        sources=new_sources,
        change_note=change_note.strip()[:500],
        created_by=actor.user,
        created_by_name=_name(actor),
    )
    locked.current = version
    locked.save(update_fields=["current"])
    audit.record(
        "planning.parameters_changed",
        actor=actor,
        action=AuditAction.UPDATE,
        subject=locked,
        details={"version": version.version, "changed": ",".join(changed)},
    )
    scenario.current = version
    return version


@transaction.atomic
def save_specialist(actor: Actor, specialist: Specialist) -> Specialist:
    """Add a specialist to the register or record a change (validated, logged)."""
    _ensure_edit(actor)
    specialist.full_clean()
    if specialist.subregion is not None and specialist.subregion.region_id != specialist.region_id:
        raise ValidationError({"subregion": _("This subregion belongs to another region.")})
    adding = specialist._state.adding
    specialist.save()
    audit.record(
        "planning.specialist_added" if adding else "planning.specialist_changed",
        actor=actor,
        action=AuditAction.CREATE if adding else AuditAction.UPDATE,
        subject=specialist,
        details=_specialist_details(specialist),
    )
    return specialist


def _specialist_details(specialist: Specialist) -> dict[str, Any]:
    return {
        "subregion": specialist.subregion_id or "",
        "qualification": specialist.qualification,
        "expected_departure_year": specialist.expected_departure_year or "",
        "counted": specialist.is_active,
    }
