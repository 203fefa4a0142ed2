"""Models of the consultation rota (who is on duty when) and of consultation requests."""

from .requests import (
    ConsultationAdvice,
    ConsultationRequest,
    InvalidTransition,
    SentNotification,
)
from .rota import DatedSlot, Slot, WeeklySlot

__all__ = [
    "ConsultationAdvice",
    "ConsultationRequest",
    "DatedSlot",
    "InvalidTransition",
    "SentNotification",
    "Slot",
    "WeeklySlot",
]
