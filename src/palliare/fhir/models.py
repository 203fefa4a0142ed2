"""Infrastructure of the FHIR boundary: API clients and their tokens, the map from FHIR
logical ids to domain objects, and which organisations contributed data about a patient.

None of these tables holds clinical truth: a resource's clinical content lives in the domain
(``patients``, ``organizations``, ``careplans``) and is mapped to FHIR when it is read. The one
table that holds resources as such, :class:`ReceivedResource`, is provenance: what a client
sent, kept beside the mapping and merged into what is read (decision 0040).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyModel


class ApiClient(models.Model):
    """A system (GP information system, hospital EHR, regional viewer) that uses the FHIR
    API for one organisation, with the SMART scopes it was granted."""

    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("organisation"),
    )
    #: Keyed hash of the client secret, ``hmac-sha256$…`` (``fhir.auth.hash_client_secret``;
    #: a PBKDF2 hash of an older client is replaced on its next token request); the secret
    #: itself is shown once. Empty for a client that authenticates with ``private_key_jwt``.
    secret_hash = models.CharField(max_length=256, blank=True)
    #: The client's public keys for ``private_key_jwt`` (a JWK Set), when registered here.
    jwks = models.JSONField(_("public keys (JWK Set)"), null=True, blank=True)
    #: Where the client publishes its JWK Set, when it rotates keys itself.
    jwks_url = models.URLField(_("JWKS URL"), blank=True, max_length=500)
    #: Space-separated SMART scopes, e.g. ``system/*.read system/Patient.write``.
    scopes = models.CharField(_("scopes"), max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    #: A login-less account that stands for the client where a domain record must name a
    #: user (care-plan versions name their author's account). It cannot log in.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_client",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccessToken(models.Model):
    """A bearer token issued with the client-credentials grant. Only its SHA-256 is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    scopes = models.CharField(max_length=1000)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="fhir_token_expiry")]

    def __str__(self) -> str:
        return f"token of {self.client_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class ClientAssertionUse(models.Model):
    """A ``jti`` of a ``private_key_jwt`` client assertion already used, kept until the
    assertion expires so that it cannot be replayed."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="fhir_assertion_jti_once")
        ]
        indexes = [models.Index(fields=["expires_at"], name="fhir_assertion_expiry")]

    def __str__(self) -> str:
        return f"assertion {self.jti} of {self.client_id}"


class ResourceIdentity(models.Model):
    """Which domain object (and which element of it) a FHIR logical id stands for.

    Domain objects without a row here are exposed under a generated id (the primary key, or
    ``acp-<patient>-<element>`` for elements of a care plan). A row is written when a client
    assigns its own id (update-as-create) or sends business identifiers Palliare does not
    interpret, so that both survive a round trip. Rows never hold clinical content.
    """

    resource_type = models.CharField(max_length=40)
    logical_id = models.CharField(max_length=64)
    #: Model label of the domain object, e.g. ``patients.patient``.
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    #: The element within the target (a care-plan element key such as ``limit:89666000``).
    element = models.CharField(max_length=120, blank=True)
    #: The patient the resource is about (for patient-scoped resources), for fast searches.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: Business identifiers the sender gave that the domain does not hold (Identifier JSON:
    #: use, type, system, value).
    identifiers = models.JSONField(default=list, blank=True)
    #: The organisation whose client created the resource (directory entries may be changed
    #: through FHIR only by the organisation that created them).
    created_by = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "logical_id"], name="unique_fhir_logical_id"
            )
        ]
        indexes = [
            models.Index(
                fields=["resource_type", "target_type", "target_id", "element"],
                name="fhir_identity_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.logical_id}"


class PatientContribution(models.Model):
    """An organisation sent data about a patient through the FHIR API. This makes it a
    treating organisation of the patient (a care relationship, see ``fhir.access``)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="fhir_contributions"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "patient"], name="unique_fhir_contribution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.patient_id}"


class OpenRole(models.Model):
    """A role without a named practitioner (nl-core-HealthProfessional-PractitionerRole with
    only a specialty and/or an organisation, e.g. "the cardiology department of hospital X",
    or "a cardiologist"). Resources may refer to it as their performer or actor.

    Directory content, not clinical content. It lives here because the directory's models
    (``organizations``) know only memberships of named professionals (decision 0035): the
    specialty codings are kept exactly as sent (``{system, code, display}``)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    specialties = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role without practitioner")
        verbose_name_plural = _("roles without practitioner")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """A readable name: the specialty (display, else code) and the organisation."""
        specialty = ", ".join(
            str(s.get("display") or s.get("code") or "") for s in self.specialties
        ).strip(", ")
        org = self.organization.name if self.organization_id and self.organization else ""
        if specialty and org:
            return f"{specialty} ({org})"
        return specialty or org


class ReceivedResource(AppendOnlyModel):
    """A resource version as a client sent it (after parsing JSON or XML, with the references
    of a transaction resolved), beside what the domain made of it. Append-only provenance:
    one row per accepted create or update, never changed.

    The domain stays the clinical truth; a read merges the newest row into the domain's
    rendering (``fhir.keep``, decision 0040): elements the domain does not model, and the
    client's own wording (display texts, extensions, person details) of elements the domain
    has not changed since, come from ``received``; ``mapped`` is the domain's rendering right
    after the write, to tell a later change in the domain from what the client sent."""

    resource_type = models.CharField(max_length=40)
    logical_id = models.CharField(max_length=64)
    #: The version the server gave the write (``meta.versionId`` of the answer), if any.
    version_id = models.CharField(max_length=20, blank=True)
    received = models.JSONField()
    mapped = models.JSONField()
    #: The patient the resource is about, where known (removed with the patient).
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("received FHIR resource")
        verbose_name_plural = _("received FHIR resources")
        indexes = [
            models.Index(fields=["resource_type", "logical_id", "-id"], name="fhir_received_key"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.logical_id} as received ({self.received_at:%Y-%m-%d})"
