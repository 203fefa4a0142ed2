"""The consultation rota: weekly slots and dated slots of consultation teams.

A slot says: in this scope (one subregion, or the whole region), of this kind (office hours or
out of hours), between these times, this team is on duty — and, if known, this specialist, on
this number. Weekly slots repeat on the days in their day set (public holidays are a "day" of
their own); dated slots apply on one date and take precedence over the weekly rota for the time
they cover. ``schedule.py`` turns slots into a timeline; nothing here computes coverage.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Membership, Organization, Professional, Region, Subregion
from palliare.organizations.validators import validate_phone

from ..constants import ALL_WEEKDAYS_MASK, HOLIDAY_BIT, WEEKDAY_SHORT, SlotKind, Weekday
from ..querysets import DatedSlotQuerySet, WeeklySlotQuerySet

MIDNIGHT = dt.time(0, 0)


class Slot(models.Model):
    """What weekly and dated slots share: scope, kind, team, specialist, phone and times."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    subregion = models.ForeignKey(
        Subregion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
        help_text=_("Empty: the slot covers the whole region."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SlotKind.choices)
    team = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consultation team"),
        limit_choices_to={"type": OrganizationType.CONSULTATION_TEAM},
    )
    specialist = models.ForeignKey(
        Professional,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("specialist on duty"),
        help_text=_("Optional: the palliative care specialist who answers in this slot."),
    )
    phone = models.CharField(
        _("phone to call"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Empty: the specialist's direct number, else the team's number."),
    )
    start_time = models.TimeField(pgettext_lazy("time of day", "from"))
    end_time = models.TimeField(
        pgettext_lazy("time of day", "until"), help_text=_("00:00 means midnight (end of the day).")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    # --- derived -----------------------------------------------------------------------
    @property
    def is_region_wide(self) -> bool:
        return self.subregion_id is None

    @property
    def ends_at_midnight(self) -> bool:
        return self.end_time == MIDNIGHT

    def time_range_label(self) -> str:
        end = "24:00" if self.ends_at_midnight else self.end_time.strftime("%H:%M")
        return f"{self.start_time.strftime('%H:%M')}–{end}"

    # --- validation --------------------------------------------------------------------
    def clean(self) -> None:
        errors = self.validation_errors()
        if errors:
            raise ValidationError(errors)

    def validation_errors(self) -> dict[str, list[ValidationError]]:
        """Every problem at once (subclasses add theirs), so a form shows them together."""
        errors: dict[str, list[ValidationError]] = {}
        if (
            self.start_time is not None
            and self.end_time is not None
            and not self.ends_at_midnight
            and self.end_time <= self.start_time
        ):
            errors.setdefault("end_time", []).append(
                ValidationError(
                    _(
                        "The end time must be later than the start time. Use 00:00 for "
                        "midnight; enter a night shift as two slots (until 00:00 and from "
                        "00:00 on the next day)."
                    ),
                    code="invalid_time_range",
                )
            )
        subregion = self.subregion if self.subregion_id is not None else None
        if (
            subregion is not None
            and self.region_id is not None
            and subregion.region_id != self.region_id
        ):
            errors.setdefault("subregion", []).append(
                ValidationError(_("This subregion belongs to another region."), code="wrong_region")
            )
        if self.team_id is not None and self.team.type != OrganizationType.CONSULTATION_TEAM:
            errors.setdefault("team", []).append(
                ValidationError(
                    _("Choose an organisation of the type palliative consultation team."),
                    code="not_a_team",
                )
            )
        if self.specialist_id is not None and self.team_id is not None:
            is_member = (
                Membership.objects.current()
                .filter(professional_id=self.specialist_id, organization_id=self.team_id)
                .exists()
            )
            if not is_member:
                errors.setdefault("specialist", []).append(
                    ValidationError(
                        _("This specialist is not (or no longer) a member of the chosen team."),
                        code="not_a_member",
                    )
                )
        return errors


def _time_range_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(end_time__gt=models.F("start_time")) | models.Q(end_time=MIDNIGHT),
        name=name,
        violation_error_message=_("The end time must be later than the start time."),
    )


class WeeklySlot(Slot):
    """A slot that repeats every week on a set of days, optionally within a period.

    ``days`` is a bit mask: bit *n* (0 = Monday … 6 = Sunday) for the weekdays and
    :data:`HOLIDAY_BIT` for Dutch public holidays. On a public holiday only slots with the
    holiday bit apply (so office hours never do); on other days the weekday bits decide.
    """

    days = models.PositiveSmallIntegerField(_("days"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = WeeklySlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly rota slot")
        verbose_name_plural = _("weekly rota slots")
        ordering = ["region", "subregion", "kind", "start_time", "pk"]
        constraints = [
            _time_range_constraint("weeklyslot_time_range"),
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=ALL_WEEKDAYS_MASK | HOLIDAY_BIT),
                name="weeklyslot_days_valid",
                violation_error_message=_("Choose at least one day."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=SlotKind.OUT_OF_HOURS) | models.Q(days__lt=HOLIDAY_BIT),
                name="weeklyslot_holidays_out_of_hours",
                violation_error_message=_(
                    "Public holidays count as out of hours: only out-of-hours slots can "
                    "include them."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="weeklyslot_period_valid",
                violation_error_message=_("The end date lies before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days_label()} {self.time_range_label()} · {self.team}"

    def days_label(self) -> str:
        """ "Mon–Fri", "Sat, Sun, public holidays", …"""
        return days_label(self.days)

    def validation_errors(self) -> dict[str, list[ValidationError]]:
        errors = super().validation_errors()
        if self.days and self.days & HOLIDAY_BIT and self.kind == SlotKind.OFFICE_HOURS:
            errors.setdefault("days", []).append(
                ValidationError(
                    _(
                        "Public holidays count as out of hours: only out-of-hours slots can "
                        "include them."
                    ),
                    code="holiday_office_hours",
                )
            )
        return errors


def days_label(mask: int) -> str:
    """A compact label for a day mask: runs of three or more weekdays become "Mon–Fri"."""
    days = [d for d in range(7) if mask & (1 << d)]
    parts: list[str] = []
    run: list[int] = []
    for d in [*days, 99]:
        if run and d == run[-1] + 1:
            run.append(d)
            continue
        if run:
            if len(run) >= 3:
                parts.append(f"{WEEKDAY_SHORT[Weekday(run[0])]}–{WEEKDAY_SHORT[Weekday(run[-1])]}")
            else:
                parts.extend(str(WEEKDAY_SHORT[Weekday(x)]) for x in run)
        run = [d]
    if mask & HOLIDAY_BIT:
        parts.append(str(_("public holidays")))
    return ", ".join(parts)


class DatedSlot(Slot):
    """A slot on one date (a replacement, an extra shift, a closed office on a bridge day).

    For the time it covers it takes precedence over the weekly rota in its scope's subregions.
    """

    date = models.DateField(_("date"))

    objects = DatedSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("dated rota slot")
        verbose_name_plural = _("dated rota slots")
        ordering = ["date", "start_time", "pk"]
        constraints = [_time_range_constraint("datedslot_time_range")]
        indexes = [models.Index(fields=["region", "date"], name="datedslot_region_date")]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.time_range_label()} · {self.team}"
