"""Writes and the public reads of deliveries.

Writes: maintain data elements and data sets (a change publishes a new version), deliver a
file or API values (validated whole; stored in one transaction or not at all), accept or
return a delivery, remind organisations before and after a deadline.

Reads for other apps: :func:`accepted_values` (the figures monitoring computes with) and
:func:`completeness` (who delivered what for which period).
"""

from __future__ import annotations

from .completeness import Cell, Matrix, cell_state, completeness, open_periods
from .data_sets import Selection, definition_from, publish_data_set, save_element
from .delivering import (
    DeliveryReport,
    data_sets_for,
    deliver_file,
    deliver_values,
    template_file,
    template_info,
)
from .monitoring import accepted_values
from .reminders import DueReminder, reminders_due, send_reminder
from .review import review_delivery

__all__ = [
    "Cell",
    "DeliveryReport",
    "DueReminder",
    "Matrix",
    "Selection",
    "accepted_values",
    "cell_state",
    "completeness",
    "data_sets_for",
    "definition_from",
    "deliver_file",
    "deliver_values",
    "open_periods",
    "publish_data_set",
    "reminders_due",
    "review_delivery",
    "save_element",
    "send_reminder",
    "template_file",
    "template_info",
]
