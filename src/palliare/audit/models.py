"""The append-only, hash-chained access log (NEN 7513)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

from palliare.db.append_only import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

from .constants import AuditAction, AuditOutcome, AuditPurpose


class AuditLogImmutableError(AppendOnlyError):
    """Raised on any attempt to change or remove an access-log row through the application."""


#: On PostgreSQL, ``patient_ids`` as an array of ids: the expression of the partial GIN index
#: ``audit_patients_shown`` (migration 0006) and of the report's query, which must match it.
PATIENTS_SHOWN_PG = "(string_to_array(btrim({column}, ','), ',')::bigint[])"


class ShownInList(models.Func):
    """True for events whose list view showed the patient (``patient_ids`` holds their id).

    PostgreSQL uses the partial GIN index on the ids as an array, so the patient's access
    report does not read the whole log (bench/access_report.py); other databases (the
    embedded SQLite) search the text."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, patient_id: int) -> None:
        super().__init__(models.F("patient_ids"))
        self.patient_id = int(patient_id)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} LIKE %s", [*params, f"%,{self.patient_id},%"]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        shown = PATIENTS_SHOWN_PG.format(column=column)
        return (
            f"({column} <> '' AND {shown} @> ARRAY[%s]::bigint[])",
            [*params, *params, self.patient_id],
        )


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    def for_patient(self, patient_id: int) -> AuditEventQuerySet:
        """Every event about the patient, including list views that showed them."""
        return self.filter(models.Q(patient_id=patient_id) | ShownInList(patient_id))


class AuditEvent(AppendOnlyModel):
    """One entry of the access log (append-only): who did what to which (patient) data, when,
    from where, why.

    Rows reference users, organisations and patients by id and keep a snapshot of their names,
    so the log stays complete and readable even if those records change. ``sequence`` numbers the
    rows without gaps; ``hash`` covers the row's content and ``prev_hash`` so that any change,
    insertion or removal breaks the chain (see ``services.verify_chain``).
    """

    sequence = models.BigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), db_index=True, editable=False)
    event_type = models.CharField(_("event"), max_length=64)
    action = models.CharField(_("action"), max_length=1, choices=AuditAction.choices)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    patient_id = models.BigIntegerField(_("patient"), null=True, blank=True)
    patient_ids = models.TextField(
        _("patients shown"),
        blank=True,
        help_text=_("For list views: the ids of every patient shown, as ',1,2,3,'."),
    )
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    actor_user_id = models.BigIntegerField(_("user"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("user name"), max_length=200, blank=True)
    actor_client_id = models.CharField(_("API client"), max_length=100, blank=True)
    on_behalf_of_user_id = models.BigIntegerField(_("on behalf of"), null=True, blank=True)
    on_behalf_of_name = models.CharField(_("on behalf of (name)"), max_length=200, blank=True)
    organization_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    organization_name = models.CharField(_("organisation (name)"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=64, blank=True)
    purpose = models.CharField(
        _("purpose"), max_length=32, choices=AuditPurpose.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    #: The chain key (AUDIT_CHAIN_KEYS) the hash was computed with; empty for rows written
    #: before the chain was keyed (plain SHA-256).
    key_id = models.CharField(max_length=32, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()  # type: ignore[misc]  # (an AppendOnlyQuerySet)
    append_only_error = AuditLogImmutableError

    class Meta:
        verbose_name = _("access log event")
        verbose_name_plural = _("access log")
        ordering = ["sequence"]
        # Every read of patient data inserts a row, so the log keeps only the indexes its
        # readers use: the patient's access report (patient, time), time ranges and one
        # user's accesses. ``sequence`` is unique (the chain's order); the hash needs no index
        # (the chain is verified in sequence order, and the sequence makes each row unique).
        indexes = [models.Index(fields=["patient_id", "occurred_at"], name="audit_patient_time")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class AuditChainHead(models.Model):
    """The single row that serialises writers and remembers the end of the chain.

    Locking it (SELECT … FOR UPDATE) orders concurrent writers; its ``last_sequence`` and
    ``last_hash`` let verification detect removal of the newest rows.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    #: The hash before the newest row's: the single-statement append (PostgreSQL) returns it as
    #: that row's ``prev_hash``.
    previous_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("access-log chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence}"
