"""Enumerations and limits of data sets and deliveries."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: An upload larger than this is refused before it is read (a filled template is a few kB).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: At most this many rows are read from a file (a data set has a few dozen elements).
MAX_ROWS = 500
#: Controllers are reminded this long before a deadline (and once when it has passed).
REMIND_BEFORE = dt.timedelta(days=7)
#: The completeness page shows this many periods back from today by default.
DEFAULT_PERIODS = 8


class ValueType(models.TextChoices):
    """What a data element's value is."""

    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage (0–100)")
    YES_NO = "yes_no", _("Yes or no")


#: Value types whose values of several periods may be added up.
ADDITIVE_TYPES = frozenset({ValueType.INTEGER, ValueType.DECIMAL})


class PeriodType(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Operator(models.TextChoices):
    """A comparison between two data elements of one delivery (a validation rule)."""

    LE = "<=", _("at most")
    LT = "<", _("less than")
    GE = ">=", _("at least")
    GT = ">", _("greater than")
    EQ = "=", _("equal to")


class DeliveryStatus(models.TextChoices):
    """The state of one version of a delivery (guarded by ``Delivery.transition_to``)."""

    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", pgettext_lazy("delivery", "Accepted")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


#: Allowed moves between states. A returned delivery is corrected by a new version; a submitted
#: one that a newer version replaces before review becomes superseded.
TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.SUBMITTED: frozenset(
        {DeliveryStatus.ACCEPTED, DeliveryStatus.RETURNED, DeliveryStatus.SUPERSEDED}
    ),
    DeliveryStatus.ACCEPTED: frozenset(),
    DeliveryStatus.RETURNED: frozenset(),
    DeliveryStatus.SUPERSEDED: frozenset(),
}


class Channel(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")


class Completeness(models.TextChoices):
    """One cell of the completeness matrix: an organisation's delivery for one period."""

    NOT_ASKED = "not_asked", _("Not asked")
    NOT_DUE = "not_due", _("Not due yet")
    DUE = "due", pgettext_lazy("delivery", "Due")
    LATE = "late", _("Late")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", pgettext_lazy("delivery", "Accepted")
    RETURNED = "returned", _("Returned")


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before", _("Before the deadline")
    OVERDUE = "overdue", _("After the deadline")
