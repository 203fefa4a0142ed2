"""CSV export and import of the regional directory (organisations with their main location),
for the network coordinator.

The import is all-or-nothing: every row is parsed and validated first, with errors reported per
line and column; only when no row has an error is anything written, in one transaction. Rows with
an ``id`` change that organisation; rows without one add an organisation.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.ui.spreadsheets import FORMULA_START, spreadsheet_cell

from .. import access
from ..constants import OrganizationType
from ..models import Location, Organization, Subregion

ORGANIZATION_COLUMNS = [
    "id",
    "name",
    "type",
    "agb_code",
    "subregion",
    "parent_id",
    "phone",
    "email",
    "website",
    "is_public",
    "public_description",
    "is_active",
]
LOCATION_COLUMNS = ["street", "house_number", "postcode", "city"]
COLUMNS = ORGANIZATION_COLUMNS + LOCATION_COLUMNS
REQUIRED_COLUMNS = {"name", "type"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
_TRUE = {"1", "true", "yes", "ja", "j", "y", "waar"}
_FALSE = {"0", "false", "no", "nee", "n", "onwaar", ""}


def _id(text: str) -> int | None:
    """An organisation id from a cell: ASCII digits only ("²" passes str.isdigit() but not
    int()), and small enough for the database; else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def _uncell(text: str) -> str:
    text = (text or "").strip()
    if text.startswith("'") and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def export_rows() -> Iterator[list[str]]:
    """The header and one row per organisation (with its main location), by id."""
    yield COLUMNS
    organizations = (
        Organization.objects.select_related("subregion")
        .prefetch_related("locations")
        .order_by("pk")
    )
    for org in organizations.iterator(chunk_size=500):
        locations = sorted(org.locations.all(), key=lambda loc: (not loc.is_main, loc.pk))
        main = locations[0] if locations else None
        values: dict[str, Any] = {
            "id": org.pk,
            "name": org.name,
            "type": org.type,
            "agb_code": org.agb_code,
            "subregion": org.subregion.code if org.subregion else "",
            "parent_id": org.parent_id or "",
            "phone": org.phone,
            "email": org.email,
            "website": org.website,
            "is_public": org.is_public,
            "public_description": org.public_description,
            "is_active": org.is_active,
            "street": main.street if main else "",
            "house_number": main.house_number if main else "",
            "postcode": main.postcode if main else "",
            "city": main.city if main else "",
        }
        yield [spreadsheet_cell(values[c]) for c in COLUMNS]


def export_csv(*, actor: Actor) -> str:
    """The directory as CSV text (UTF-8 with BOM so spreadsheet programs read the accents)."""
    access.ensure_can_manage_directory(actor)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    count = -1
    for row in export_rows():
        writer.writerow(row)
        count += 1
    audit.record(
        "capacity.directory_exported",
        actor=actor,
        action=AuditAction.EXECUTE,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"organizations": count},
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class RowError:
    line: int  # line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Planned:
    line: int
    organization: Organization
    location: Location | None
    is_new: bool
    changed: bool


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text (byte %(position)s). Save it as “CSV UTF-8”.")
            % {"position": exc.start}
        ) from exc


def _reader(text: str) -> csv.DictReader[str]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _bool(value: str, column: str, default: bool, errors: list[RowError], line: int) -> bool:
    text = value.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(
        RowError(line, column, _("Use true or false, not “%(value)s”.") % {"value": value})
    )
    return default


def _plan_row(
    line: int,
    row: dict[str, str],
    *,
    existing: dict[int, Organization],
    subregions: dict[str, Subregion],
    errors: list[RowError],
) -> _Planned | None:
    values = {k: _uncell(row.get(k) or "") for k in COLUMNS}
    before = len(errors)
    org: Organization
    raw_id = values["id"]
    if raw_id:
        org_id = _id(raw_id)
        if org_id is None or org_id not in existing:
            errors.append(
                RowError(line, "id", _("No organisation with id %(id)s.") % {"id": raw_id[:20]})
            )
            return None
        org = existing[org_id]
        snapshot = _snapshot(org)
    else:
        org = Organization()
        snapshot = {}
    org.name = values["name"]
    if values["type"] not in OrganizationType.values:
        errors.append(
            RowError(
                line,
                "type",
                _("Unknown type “%(value)s”. Use one of: %(choices)s.")
                % {"value": values["type"][:40], "choices": ", ".join(OrganizationType.values)},
            )
        )
    else:
        org.type = values["type"]
    org.agb_code = values["agb_code"]
    if values["subregion"]:
        subregion = subregions.get(values["subregion"])
        if subregion is None:
            errors.append(
                RowError(
                    line,
                    "subregion",
                    _("Unknown subregion “%(value)s”. Use one of: %(choices)s.")
                    % {"value": values["subregion"][:40], "choices": ", ".join(sorted(subregions))},
                )
            )
        org.subregion = subregion
    else:
        org.subregion = None
    parent = values["parent_id"]
    if parent:
        parent_id = _id(parent)
        if parent_id is None or parent_id not in existing:
            errors.append(
                RowError(
                    line, "parent_id", _("No organisation with id %(id)s.") % {"id": parent[:20]}
                )
            )
        elif org.pk is not None and parent_id == org.pk:
            errors.append(RowError(line, "parent_id", _("An organisation cannot be its own part.")))
        else:
            org.parent_id = parent_id
    else:
        org.parent = None
    org.phone = values["phone"]
    org.email = values["email"]
    org.website = values["website"]
    org.public_description = values["public_description"]
    org.is_public = _bool(values["is_public"], "is_public", False, errors, line)
    org.is_active = _bool(values["is_active"], "is_active", True, errors, line)
    try:
        org.full_clean(exclude=["subregion", "parent"])
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            for message in messages:
                errors.append(RowError(line, "" if column == "__all__" else column, message))

    location = _plan_location(line, org, values, errors)
    if len(errors) > before:
        return None
    changed = org.pk is None or _snapshot(org) != snapshot or getattr(location, "_changed", False)
    return _Planned(line, org, location, org.pk is None, changed)


def _snapshot(org: Organization) -> dict[str, Any]:
    return {
        c: getattr(org, c if c != "subregion" else "subregion_id") for c in ORGANIZATION_COLUMNS
    }


def _plan_location(
    line: int, org: Organization, values: dict[str, str], errors: list[RowError]
) -> Location | None:
    given = {c: values[c] for c in LOCATION_COLUMNS}
    if not any(given.values()):
        return None
    location: Location | None = None
    if org.pk is not None:
        location = org.locations.order_by("-is_main", "pk").first()
    before = {c: getattr(location, c) for c in LOCATION_COLUMNS} if location is not None else None
    if location is None:
        location = Location(is_main=True)
    for column, value in given.items():
        setattr(location, column, value)
    try:
        location.full_clean(exclude=["organization"])
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            for message in messages:
                errors.append(RowError(line, "" if column == "__all__" else column, message))
    after = {c: getattr(location, c) for c in LOCATION_COLUMNS}
    location._changed = before != after  # type: ignore[attr-defined]
    return location


def check_file(data: bytes) -> tuple[list[_Planned], list[RowError]]:
    """Parse and validate every row; nothing is written."""
    errors: list[RowError] = []
    if len(data) > MAX_BYTES:
        return [], [RowError(0, "", _("The file is larger than 5 MB."))]
    try:
        text = _decode(data)
    except ValidationError as exc:
        return [], [RowError(0, "", exc.messages[0])]
    try:
        reader = _reader(text)
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [RowError(1, "", _("The file is not valid CSV: %(error)s") % {"error": exc})]
    if not header:
        return [], [RowError(0, "", _("The file is empty."))]
    reader.fieldnames = header
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = sorted(set(header) - set(COLUMNS))
    if missing:
        errors.append(
            RowError(1, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    if unknown:
        errors.append(
            RowError(
                1,
                "",
                _("Unknown columns: %(columns)s. Use the columns of the export.")
                % {"columns": ", ".join(c[:40] for c in unknown[:10])},
            )
        )
    duplicates = [c for c, n in Counter(header).items() if n > 1]
    if duplicates:
        errors.append(
            RowError(
                1, "", _("Columns named twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
            )
        )
    if errors:
        return [], errors

    existing = {o.pk: o for o in Organization.objects.all()}
    subregions = {s.code: s for s in Subregion.objects.all()}
    planned: list[_Planned] = []
    seen_ids: dict[int, int] = {}
    seen_agb: dict[str, int] = {}
    try:
        for index, row in enumerate(reader):
            line = reader.line_num
            if index >= MAX_ROWS:
                errors.append(RowError(line, "", _("More than %(max)s rows.") % {"max": MAX_ROWS}))
                break
            if None in row or any(v is None for v in row.values()):
                errors.append(
                    RowError(
                        line, "", _("This row has a different number of fields than the header.")
                    )
                )
                continue
            if not any((v or "").strip() for v in row.values()):
                continue  # an empty line
            plan = _plan_row(line, row, existing=existing, subregions=subregions, errors=errors)
            if plan is None:
                continue
            org = plan.organization
            if org.pk is not None:
                if org.pk in seen_ids:
                    errors.append(
                        RowError(
                            line,
                            "id",
                            _("Organisation %(id)s is also on line %(other)s.")
                            % {"id": org.pk, "other": seen_ids[org.pk]},
                        )
                    )
                    continue
                seen_ids[org.pk] = line
            if org.agb_code:
                if org.agb_code in seen_agb:
                    errors.append(
                        RowError(
                            line,
                            "agb_code",
                            _("AGB code %(code)s is also on line %(other)s.")
                            % {"code": org.agb_code, "other": seen_agb[org.agb_code]},
                        )
                    )
                    continue
                seen_agb[org.agb_code] = line
            planned.append(plan)
    except csv.Error as exc:
        errors.append(
            RowError(
                reader.line_num, "", _("The file is not valid CSV: %(error)s") % {"error": exc}
            )
        )
    return planned, errors


def import_csv(data: bytes, *, actor: Actor, check_only: bool = False) -> ImportReport:
    """Validate the whole file; when every row is valid (and not ``check_only``), write it in
    one transaction with one access-log event."""
    access.ensure_can_manage_directory(actor)
    planned, errors = check_file(data)
    report = ImportReport(errors=errors)
    report.created = sum(1 for p in planned if p.is_new)
    report.updated = sum(1 for p in planned if not p.is_new and p.changed)
    report.unchanged = sum(1 for p in planned if not p.is_new and not p.changed)
    if errors or check_only:
        return report
    _save(planned, actor=actor)
    report.saved = True
    return report


@transaction.atomic
def _save(planned: list[_Planned], *, actor: Actor) -> None:
    created: list[int] = []
    updated: list[int] = []
    for plan in planned:
        if not plan.changed:
            continue
        org = plan.organization
        org.save()
        if plan.location is not None:
            plan.location.organization = org
            plan.location.save()
        (created if plan.is_new else updated).append(org.pk)
    audit.record(
        "capacity.directory_imported",
        actor=actor,
        action=AuditAction.UPDATE,
        purpose=AuditPurpose.ADMINISTRATION,
        details={"created": created, "updated": updated},
    )
