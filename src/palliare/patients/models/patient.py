"""The patient and the history of their registration data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel
from palliare.organizations.validators import normalize_postcode, validate_phone, validate_postcode

from ..constants import DiagnosisGroup, Sex, Urgency
from ..querysets import PatientQuerySet
from ..validators import validate_bsn


class Patient(models.Model):
    """A person in the palliative register of a GP practice.

    Registration data changes with optimistic locking (``version``) and every change leaves a
    :class:`PatientRevision`; nobody reads a patient except through ``patients.access``.
    """

    bsn = models.CharField(_("BSN"), max_length=9, unique=True, validators=[validate_bsn])
    given_name = models.CharField(_("given name"), max_length=100)
    family_name_prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=3, choices=Sex.choices, default=Sex.UNKNOWN)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("place"), max_length=100, blank=True)
    postcode_area = models.ForeignKey(
        "organizations.PostcodeArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    gp_practice = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="patients",
        verbose_name=_("GP practice"),
    )
    # Register state, derived from the append-only records and kept here for fast lists.
    marked_since = models.DateField(_("marked since"), null=True, blank=True, editable=False)
    diagnosis_group = models.CharField(
        _("diagnosis group"),
        max_length=20,
        blank=True,
        choices=DiagnosisGroup.choices,
        editable=False,
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, blank=True, choices=Urgency.choices, editable=False
    )
    date_of_death = models.DateField(_("date of death"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(default=False, editable=False)

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["gp_practice", "family_name"], name="patient_practice_name"),
            models.Index(fields=["family_name", "date_of_birth"], name="patient_name_dob"),
            models.Index(fields=["date_of_birth"], name="patient_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.postcode = normalize_postcode(self.postcode)
        self.postcode_area_id = self.postcode[:4] if self.postcode else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return " ".join(
            p for p in (self.given_name, self.family_name_prefix, self.family_name) if p
        )

    @property
    def sort_name(self) -> str:
        prefix = f" {self.family_name_prefix}" if self.family_name_prefix else ""
        return f"{self.family_name}, {self.given_name}{prefix}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(self.date_of_death or timezone.localdate())

    @property
    def age_text(self) -> str:
        """The age for display: "84 jaar", or for a deceased patient the age at death, said as
        such (an age that stopped counting must not read like a living patient's)."""
        if self.date_of_death:
            return gettext("%(age)s years at death") % {"age": self.age}
        return gettext("%(age)s years") % {"age": self.age}

    @property
    def is_marked(self) -> bool:
        return self.marked_since is not None

    @property
    def is_deceased(self) -> bool:
        return self.date_of_death is not None

    def snapshot(self) -> dict[str, str]:
        """The registration data as strings, for revisions and change comparison."""
        fields = [
            "bsn",
            "given_name",
            "family_name_prefix",
            "family_name",
            "date_of_birth",
            "sex",
            "street",
            "house_number",
            "postcode",
            "city",
            "phone",
            "gp_practice_id",
        ]
        return {name: str(getattr(self, name) or "") for name in fields}


class PatientRevision(AppendOnlyModel):
    """One saved state of a patient's registration data (append-only)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    changed_fields = models.JSONField(default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["patient", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="unique_patient_revision")
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} v{self.version}"
