"""Maintaining data elements and data sets (the network coordinator): a change of a data
set's content publishes a new immutable version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from .. import access
from ..models import DataElement, DataSet, DataSetVersion
from ..schema import Definition, ElementSpec, RuleSpec


@transaction.atomic
def save_element(actor: Actor, element: DataElement) -> DataElement:
    """Create or change a data element (validated). Existing data set versions keep the copy
    they were made with; publish a new version of a data set to use the change."""
    access.ensure_can_manage(actor)
    is_new = element.pk is None
    element.full_clean()
    element.save()
    audit.record(
        "deliveries.element_created" if is_new else "deliveries.element_changed",
        actor=actor,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        subject=element,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"code": element.code},
    )
    return element


@dataclass(frozen=True)
class Selection:
    """An element chosen for a data set, and whether it is required."""

    element: DataElement
    required: bool = True


def definition_from(selections: Sequence[Selection], rules: Sequence[RuleSpec]) -> Definition:
    """The frozen definition of a data set version from the chosen elements (copied now)."""
    specs = tuple(
        ElementSpec(
            code=s.element.code,
            name_nl=s.element.name_nl,
            name_en=s.element.name_en,
            value_type=s.element.value_type,
            unit=s.element.unit,
            min_value=s.element.min_value,
            max_value=s.element.max_value,
            required=s.required,
            help_text=s.element.help_text,
        )
        for s in selections
    )
    return Definition(specs, tuple(rules))


@transaction.atomic
def publish_data_set(
    actor: Actor,
    data_set: DataSet,
    *,
    selections: Sequence[Selection],
    rules: Sequence[RuleSpec],
    deadline_days: int,
    note: str = "",
) -> DataSetVersion | None:
    """Save a data set; when its elements, rules or deadline differ from the current version,
    publish a new version (returned). Returns None when only the name or the active flag
    changed. Deliveries and templates of older versions keep pointing at those."""
    access.ensure_can_manage(actor)
    if not selections:
        raise ValidationError(_("Choose at least one data element."))
    codes = [s.element.code for s in selections]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("An element is chosen twice."))
    for rule in rules:
        if rule.left not in codes or rule.right not in codes:
            raise ValidationError(
                _("The rule “%(rule)s” names an element that is not in this data set.")
                % {"rule": str(rule)}
            )
    is_new = data_set.pk is None
    if not is_new and data_set.deliveries.exists():
        before = DataSet.objects.get(pk=data_set.pk)
        if (before.organization_type, before.period_type) != (
            data_set.organization_type,
            data_set.period_type,
        ):
            raise ValidationError(
                _(
                    "This data set has deliveries: its organisation type and period cannot "
                    "change. Make a new data set instead."
                )
            )
    data_set.full_clean()
    data_set.save()
    definition = definition_from(selections, rules)
    current = data_set.current_version()
    if (
        current is not None
        and current.definition == definition.to_json()
        and current.deadline_days == deadline_days
    ):
        version = None
    else:
        version = DataSetVersion.objects.create(
            data_set=data_set,
            number=(current.number + 1) if current else 1,
            definition=definition.to_json(),
            deadline_days=deadline_days,
            note=note,
            created_by_name=actor.audit_name,
        )
    audit.record(
        "deliveries.data_set_saved",
        actor=actor,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        subject=data_set,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"code": data_set.code, "version": version.number if version else None},
    )
    return version
