"""The regional directory: regions, subregions, municipalities, postcode areas, organisations,
their locations, professionals and their memberships."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from palliare.db.periods import PeriodModel

from .constants import (
    BIG_REGISTERED,
    Discipline,
    MappingStatus,
    MembershipStatus,
    OrganizationType,
)
from .querysets import MembershipQuerySet, OrganizationQuerySet
from .validators import (
    normalize_postcode,
    validate_agb_code,
    validate_big_number,
    validate_pc4,
    validate_phone,
    validate_postcode,
)


class Region(models.Model):
    """The area of one palliative care network (e.g. Drenthe & Steenwijkerland)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    mapping_status = models.CharField(
        _("status of the municipality mapping"),
        max_length=16,
        choices=MappingStatus.choices,
        default=MappingStatus.DRAFT,
        help_text=_(
            "Which municipality belongs to which subregional network is configuration; "
            "a draft mapping is shown as such."
        ),
    )
    mapping_note = models.TextField(_("note on the mapping"), blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subregion(models.Model):
    """A subregional network within a region (e.g. Noordmidden Drenthe)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="subregions")
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("subregion")
        verbose_name_plural = _("subregions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A Dutch municipality (CBS classification) and the subregion it is mapped to."""

    gm_code = models.CharField(_("CBS code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province_code = models.CharField(_("province code"), max_length=4)
    province = models.CharField(_("province"), max_length=50)
    subregion = models.ForeignKey(
        Subregion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("subregion"),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostcodeArea(models.Model):
    """A four-digit postcode area (PC4) with its centroid and population (CBS)."""

    pc4 = models.CharField(
        _("postcode area"), max_length=4, primary_key=True, validators=[validate_pc4]
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postcode_areas",
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("inhabitants"), default=0)
    population_65_plus = models.PositiveIntegerField(_("inhabitants 65+"), default=0)
    population_75_plus = models.PositiveIntegerField(_("inhabitants 75+"), default=0)
    population_by_age = models.JSONField(
        _("inhabitants by age group"),
        default=dict,
        blank=True,
        help_text=_("CBS 83502NED, 1 January 2021: age group → inhabitants."),
    )

    class Meta:
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        ordering = ["pc4"]

    def __str__(self) -> str:
        return f"{self.pc4} {self.place}".strip()


class Organization(models.Model):
    """A member organisation or service in the regional directory."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    agb_code = models.CharField(
        _("AGB code"),
        max_length=8,
        blank=True,
        validators=[validate_agb_code],
        help_text=_("Eight digits (Vektis AGB register)."),
    )
    subregion = models.ForeignKey(
        Subregion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("subregion"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    public_description = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("Plain-language text shown to inhabitants in the public care finder."),
    )
    is_public = models.BooleanField(
        _("shown in the public care finder"),
        default=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("fictional demo data"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agb_code"],
                condition=~models.Q(agb_code=""),
                name="unique_organization_agb_code",
                violation_error_message=_("Another organisation already has this AGB code."),
            )
        ]
        indexes = [models.Index(fields=["type", "is_active"], name="org_type_active")]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """An address where an organisation works (a hospice building, a practice, a post)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("place"), max_length=100)
    postcode_area = models.ForeignKey(
        PostcodeArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="locations",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    is_main = models.BooleanField(_("main location"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["-is_main", "name"]

    def __str__(self) -> str:
        return self.name or f"{self.street} {self.house_number}, {self.city}".strip(" ,")

    def save(self, *args: object, **kwargs: object) -> None:
        self.postcode = normalize_postcode(self.postcode)
        self.postcode_area_id = self.postcode[:4] if self.postcode else None
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        self.postcode = normalize_postcode(self.postcode)
        if self.postcode and not PostcodeArea.objects.filter(pk=self.postcode[:4]).exists():
            raise ValidationError(
                {
                    "postcode": _(
                        "Postcode area %(pc4)s is unknown. Check the postcode or load "
                        "the reference data."
                    )
                    % {"pc4": self.postcode[:4]}
                }
            )


class Professional(models.Model):
    """A person in the directory: a care professional or a member of a network organisation.

    A professional may have a login account (``user``); the roles they act in come from their
    memberships of organisations.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="professional",
        verbose_name=_("login account"),
    )
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name_prefix = models.CharField(
        _("prefix"), max_length=20, blank=True, help_text=_("For example: van, de, van der.")
    )
    family_name = models.CharField(_("family name"), max_length=100)
    discipline = models.CharField(_("discipline"), max_length=32, choices=Discipline.choices)
    big_number = models.CharField(
        _("BIG number"),
        max_length=11,
        blank=True,
        validators=[validate_big_number],
    )
    agb_code = models.CharField(
        _("AGB code"), max_length=8, blank=True, validators=[validate_agb_code]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("fictional demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["big_number"],
                condition=~models.Q(big_number=""),
                name="unique_professional_big_number",
                violation_error_message=_("Another professional already has this BIG number."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        first = self.given_name or self.initials
        return " ".join(p for p in (first, self.family_name_prefix, self.family_name) if p)

    def clean(self) -> None:
        if self.discipline in BIG_REGISTERED and not self.big_number:
            raise ValidationError(
                {"big_number": _("A BIG number is required for this discipline.")}
            )


class Membership(PeriodModel):
    """A professional works for an organisation in a role, for a period."""

    period_fields = ("valid_from", "valid_until")
    period_end_inclusive = True  # valid until and including that day

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.ForeignKey(
        "accounts.Role",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("role"),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(
        _("direct phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    valid_from = models.DateField(_("from"), default=dt.date.today)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    #: A membership in a role that opens patient data, granted or widened through the
    #: administration screens, is pending until a second person approves it; a pending
    #: membership grants nothing (``MembershipQuerySet.current`` leaves it out).
    status = models.CharField(
        _("approval"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPROVED,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "organization", "role"], name="unique_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="membership_period_valid",
                violation_error_message=_("The end date lies before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} — {self.role} — {self.organization}"

    @property
    def is_current(self) -> bool:
        """Approved and valid today."""
        return self.status == MembershipStatus.APPROVED and self.is_current_on()
