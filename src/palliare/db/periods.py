"""One rule for rows that hold for a period of days: "current on a day" written once.

A model with a start date and an optional end date derives from :class:`PeriodModel` and
names its two fields and whether the end day itself still counts; its queryset derives from
:class:`PeriodQuerySet`:

    class MemberOrganization(PeriodModel):
        period_fields = ("joined_on", "left_on")   # left_on exclusive: gone on that day
        objects = MemberQuerySet.as_manager()       # MemberQuerySet(PeriodQuerySet[...])

    MemberOrganization.objects.current()            # today
    member.is_current_on(day)

The same rule is then used by the query (``current_q``) and by the row (``is_current_on``),
so a list and a detail page cannot disagree about who counts today.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self, TypeVar

from django.db import models
from django.utils import timezone

P = TypeVar("P", bound="PeriodModel")


class PeriodModel(models.Model):
    """A row valid from its start day up to its end day (none: open-ended)."""

    #: The model's (start, end) date fields.
    period_fields: ClassVar[tuple[str, str]]
    #: True: the end day itself still counts ("until"); False: it does not ("left on").
    period_end_inclusive: ClassVar[bool] = False

    class Meta:
        abstract = True

    @classmethod
    def current_q(cls, on: dt.date | None = None, *, prefix: str = "") -> models.Q:
        """The rows current on ``on`` (today by default), as a filter; ``prefix`` (such as
        ``"memberships__"``) filters another model through its relation to this one."""
        day = on or timezone.localdate()
        start, end = (prefix + name for name in cls.period_fields)
        after = "gte" if cls.period_end_inclusive else "gt"
        return models.Q(**{f"{start}__lte": day}) & (
            models.Q(**{f"{end}__isnull": True}) | models.Q(**{f"{end}__{after}": day})
        )

    def is_current_on(self, on: dt.date | None = None) -> bool:
        """Whether this row holds on ``on`` (today by default): the same rule as ``current_q``."""
        day = on or timezone.localdate()
        start, end = (getattr(self, name) for name in self.period_fields)
        if start is None or start > day:
            return False
        return end is None or (end >= day if self.period_end_inclusive else end > day)


class PeriodQuerySet(models.QuerySet[P]):
    def current(self, on: dt.date | None = None) -> Self:
        """The rows current on ``on`` (today by default)."""
        return self.filter(self.model.current_q(on))
