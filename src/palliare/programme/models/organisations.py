"""Member organisations' own work: work plans against the quality framework's core elements,
reporting rounds with deadlines and what each member delivered, self-evaluations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import (
    ActionStatus,
    BottleneckStatus,
    ReminderStep,
    RoundKind,
    SelfEvaluationPhase,
)


class CoreElement(models.Model):
    """A core element of the quality framework a work plan answers to. Configurable: the seeds
    name "vier kernelementen" without listing them, so the list is data, marked draft until
    the network confirms it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_draft = models.BooleanField(_("draft"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("core element")
        verbose_name_plural = _("core elements")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class WorkPlan(models.Model):
    """A member organisation's work plan for a year: per core element what it will do."""

    member = models.ForeignKey(
        "programme.MemberOrganization", on_delete=models.PROTECT, related_name="work_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="programme_work_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"


class WorkPlanEntry(models.Model):
    """What a work plan says about one core element."""

    work_plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="entries")
    core_element = models.ForeignKey(CoreElement, on_delete=models.PROTECT, related_name="+")
    intentions = models.TextField(_("intentions"), blank=True)

    class Meta:
        verbose_name = _("work plan entry")
        verbose_name_plural = _("work plan entries")
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "core_element"], name="programme_work_plan_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_plan} · {self.core_element}"


class ReportingRound(models.Model):
    """Something every member delivers by a deadline: adjusted work plans by 1 March 2026, the
    progress report of June 2026."""

    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("deadline"))
    instructions = models.TextField(_("instructions"), blank=True)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-due_on"]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """A member's delivery in a round: a file (checked like agenda documents) and a note."""

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="submissions")
    member = models.ForeignKey(
        "programme.MemberOrganization", on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_on = models.DateField(_("delivered on"))
    note = models.TextField(_("note"), blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    submitted_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="programme_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.member}"


class Reminder(models.Model):
    """A reminder sent to a member that has not delivered in a round. At most one a day per
    member and round; each scheduled step (14 and 3 days before the deadline, after it) once."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(
        "programme.MemberOrganization", on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField()
    step = models.CharField(
        max_length=12, choices=ReminderStep.choices, default=ReminderStep.MANUAL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "sent_on"], name="programme_reminder_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["round", "member", "step"],
                condition=~models.Q(step="manual"),
                name="programme_reminder_step_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.member} · {self.sent_on}"


class Theme(models.Model):
    """A theme a self-evaluation can find (configurable list)."""

    title = models.CharField(_("title"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SelfEvaluation(models.Model):
    """A member's self-evaluation against the quality framework: started, done, the themes it
    found and whether the organisation may be named with them across the network. The next one
    is due five years after it was done."""

    member = models.ForeignKey(
        "programme.MemberOrganization", on_delete=models.PROTECT, related_name="self_evaluations"
    )
    phase = models.CharField(
        _("phase"),
        max_length=10,
        choices=SelfEvaluationPhase.choices,
        default=SelfEvaluationPhase.PLANNED,
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    findings = models.TextField(_("findings"), blank=True)
    may_be_named = models.BooleanField(
        _("may be named with its themes"),
        default=False,
        help_text=_("Whether the network may name this organisation beside its themes."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")
        ordering = ["-done_on", "-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_phase_display()}"


class SelfEvaluationAction(models.Model):
    """An item of a self-evaluation's action plan."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=300)
    owner_name = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )

    class Meta:
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class Bottleneck(models.Model):
    """A regional problem signalled to the network (knelpunt), e.g. pressure on home care or
    discharges on Friday afternoon, followed until the steering group has dealt with it."""

    title = models.CharField(_("bottleneck"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    signalled_by = models.CharField(_("signalled by"), max_length=200)
    signalled_on = models.DateField(_("signalled on"))
    subregion = models.ForeignKey(
        "organizations.Subregion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subregion"),
    )
    owner = models.ForeignKey(
        "organizations.Professional",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BottleneckStatus.choices,
        default=BottleneckStatus.SIGNALLED,
    )
    meeting = models.ForeignKey(
        "programme.BodyMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bottlenecks",
        verbose_name=_("discussed in"),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")
        ordering = ["-signalled_on", "-pk"]

    def __str__(self) -> str:
        return self.title
