"""Care contacts (zib Contact, FHIR Encounter): a visit, an admission or another contact with
care, received from another system. A contact may arrive without the patient (a hospital stay
sent on its own); it then holds no patient data and belongs to the organisation that sent it.

Contacts are clinical records: a change is a new immutable version, the latest is current
(decision 0019)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel

from ..constants import ContactClass, ContactStatus


class CareContact(models.Model):
    """One care contact: who sent it, about which patient (if any), and its current version."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="care_contacts",
    )
    #: The organisation whose system (API client) or professional recorded the contact.
    sender_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    #: The API client (or person) that sent it, as the access log names it.
    sender_name = models.CharField(max_length=200)
    current_number = models.PositiveIntegerField(default=0)
    current_version = models.ForeignKey(
        "patients.CareContactVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care contact")
        verbose_name_plural = _("care contacts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sender_organization"], name="carecontact_sender")]

    def __str__(self) -> str:
        return f"care contact {self.pk}"


class CareContactVersion(AppendOnlyModel):
    """One saved state of a care contact (append-only)."""

    contact = models.ForeignKey(CareContact, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    contact_class = models.CharField(_("kind of contact"), max_length=8, choices=ContactClass)
    status = models.CharField(_("status"), max_length=20, choices=ContactStatus)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    #: Professionals in the contact: memberships (a role at an organisation) or, for a role
    #: without organisation, the professional.
    participant_memberships = models.ManyToManyField(
        "organizations.Membership", blank=True, related_name="+"
    )
    participant_professionals = models.ManyToManyField(
        "organizations.Professional", blank=True, related_name="+"
    )
    #: Where it took place: a location of the directory, or the organisation itself (a
    #: location without an address stands for its organisation).
    location = models.ForeignKey(
        "organizations.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Where the patient came from and went to (zib Herkomst / Bestemming, SNOMED CT).
    admit_source_code = models.CharField(max_length=20, blank=True)
    admit_source_display = models.CharField(max_length=200, blank=True)
    discharge_disposition_code = models.CharField(max_length=20, blank=True)
    discharge_disposition_display = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("care-contact version")
        ordering = ["contact", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="unique_carecontact_version")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} v{self.number}"
