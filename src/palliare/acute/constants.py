"""Code lists of the acute view and emergency access."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: How long emergency access ("break the glass") lasts.
EMERGENCY_ACCESS_HOURS = 4


class EmergencyReason(models.TextChoices):
    UNABLE_TO_CONSENT = "unable_to_consent", _("the patient cannot give consent now")
    LIFE_THREATENING = "life_threatening", _("life-threatening situation, no time to ask")
    PLAN_NEEDED = "plan_needed", _("treatment decision needs the care plan now")
    OTHER = "other", _("other reason")


class ReviewConclusion(models.TextChoices):
    JUSTIFIED = "justified", _("justified")
    NOT_JUSTIFIED = "not_justified", _("not justified: follow-up with the organisation")
    UNCLEAR = "unclear", _("unclear: asked the professional for explanation")
