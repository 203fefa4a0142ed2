"""Enumerations of the access log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What was done, in the codes of FHIR AuditEvent.action (NEN 7513 'actie')."""

    CREATE = "C", _("create")
    READ = "R", _("read")
    UPDATE = "U", _("update")
    DELETE = "D", _("delete")
    EXECUTE = "E", _("execute")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("success")
    DENIED = "denied", _("denied")
    FAILURE = "failure", _("failure")


class AuditPurpose(models.TextChoices):
    """Why the data was accessed: the legal ground of the access where it is known."""

    TREATMENT = "treatment", _("treatment relationship")
    CONSENT = "consent", _("patient consent")
    EMERGENCY = "emergency", _("emergency access")
    #: A list showed the patient only because the organisation itself sent or received a
    #: message about them (a signal, referral or request), without a care relationship or
    #: consent that opens the record.
    OWN_RECORD = "own_record", _("own signal, referral or request about the patient")
    ADMINISTRATION = "administration", _("administration")
    PRIVACY_REVIEW = "privacy_review", _("privacy review")
    SECURITY = "security", _("security")
