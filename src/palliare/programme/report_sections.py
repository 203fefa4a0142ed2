"""The annual report's sections: a registry other apps add to from their own
``report_sections.py`` (trainings, events, monitoring KPIs), so this app depends on none of
them. A section gets the year and returns a :class:`ReportSection` or None (nothing to say)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise


@dataclass
class ReportSection:
    """A block of the annual report: a title, paragraphs, and an optional table."""

    key: str
    title: str | Promise
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    order: int = 100


Provider = Callable[[int], ReportSection | None]
_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register(key: str, *, order: int = 100) -> Callable[[Provider], Provider]:
    """Register ``provider(year) -> ReportSection | None`` under ``key``."""

    def decorator(provider: Provider) -> Provider:
        _PROVIDERS[key] = (order, provider)
        return provider

    return decorator


def sections_for(year: int) -> list[ReportSection]:
    """Every registered section with something to say about ``year``, in order."""
    found = []
    for order, provider in sorted(_PROVIDERS.values(), key=lambda p: p[0]):
        section = provider(year)
        if section is not None:
            section.order = order
            found.append(section)
    return found


# --- The programme's own sections -------------------------------------------------------------


def _date(value: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT")


@register("meetings", order=10)
def _meetings(year: int) -> ReportSection | None:
    from django.utils.translation import gettext as _

    from .constants import MeetingStatus
    from .models import BodyMeeting

    meetings = list(
        BodyMeeting.objects.filter(starts_at__year=year, status=MeetingStatus.HELD)
        .select_related("body")
        .prefetch_related("topics")
        .order_by("starts_at")
    )
    if not meetings:
        return None
    return ReportSection(
        key="meetings",
        title=_("Meetings and their topics"),
        header=[_("Date"), _("Body"), _("Topics")],
        rows=[
            [
                _date(timezone.localdate(m.starts_at)),
                m.body.name,
                "; ".join(t.title for t in m.topics.all()),
            ]
            for m in meetings
        ],
    )


@register("decisions", order=20)
def _decisions(year: int) -> ReportSection | None:
    from django.utils.translation import gettext as _

    from .models import Decision

    decisions = list(
        Decision.objects.filter(year=year).select_related("body").order_by("body__code", "number")
    )
    if not decisions:
        return None
    return ReportSection(
        key="decisions",
        title=_("Decisions"),
        header=[_("Number"), _("Date"), _("Decision")],
        rows=[[d.reference, _date(d.decided_on), d.title] for d in decisions],
    )


@register("deliverables", order=30)
def _deliverables(year: int) -> ReportSection | None:
    from django.utils.translation import gettext as _

    from .constants import DeliverableStatus
    from .models import Deliverable

    adopted = list(
        Deliverable.objects.filter(
            status=DeliverableStatus.ADOPTED, decision__decided_on__year=year
        )
        .select_related("action_line", "decision__body", "subregion")
        .order_by("decision__decided_on")
    )
    if not adopted:
        return None
    return ReportSection(
        key="deliverables",
        title=_("Deliverables adopted"),
        header=[_("Action line"), _("Deliverable"), _("Decision")],
        rows=[
            [
                d.action_line.code if d.action_line else "—",
                d.title,
                d.decision.reference if d.decision else "",
            ]
            for d in adopted
        ],
    )


@register("milestones", order=40)
def _milestones(year: int) -> ReportSection | None:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .milestones import milestone_statuses

    on = min(dt.date(year, 12, 31), timezone.localdate())
    states = milestone_statuses(on)
    if not states:
        return None
    return ReportSection(
        key="milestones",
        title=_("Milestone KPIs"),
        paragraphs=[_("Status on %(date)s.") % {"date": _date(on)}],
        header=[_("KPI"), _("Milestone"), _("Deadline"), _("Status")],
        rows=[[f"KPI {s.number}", s.title, _date(s.due_on), s.label] for s in states],
    )


@register("self_evaluations", order=50)
def _self_evaluations(year: int) -> ReportSection | None:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from palliare.monitoring import suppression

    from .reporting import uptake

    # The same table as the self-evaluations page, protected the same way (never more).
    result = uptake(min(dt.date(year, 12, 31), timezone.localdate()))
    if not result.total.members:
        return None
    rows = [[_("All members"), *result.total.cells, result.total.done_share]]
    rows += [
        [f"{_('Subregion')}: {r.label}" if r.named else r.label, *r.cells, r.done_share]
        for r in result.by_subregion
    ]
    rows += [[r.label, *r.cells, r.done_share] for r in result.by_type]
    limits = {
        "min_count": suppression.min_count(),
        "min_denominator": suppression.min_denominator(),
    }
    paragraphs = [
        _(
            'Counts below %(min_count)s are shown as "<%(min_count)s"; a share needs at least '
            "%(min_denominator)s members."
        )
        % limits
    ]
    if result.secondary:
        paragraphs.append(_('"•" hides a count from which a small one could be worked out.'))
    if result.subregion_withheld:
        paragraphs.append(_("Too few members to show per subregion."))
    if result.type_withheld:
        paragraphs.append(_("Too few members to show per organisation type."))
    return ReportSection(
        key="self_evaluations",
        title=_("Self-evaluation uptake"),
        paragraphs=paragraphs,
        header=[_("Group"), _("Members"), _("Done"), _("Started"), _("Share done")],
        rows=rows,
    )


@register("bottlenecks", order=60)
def _bottlenecks(year: int) -> ReportSection | None:
    from django.utils.translation import gettext as _

    from .models import Bottleneck

    found = list(Bottleneck.objects.filter(signalled_on__year=year).order_by("signalled_on"))
    if not found:
        return None
    return ReportSection(
        key="bottlenecks",
        title=_("Signalled bottlenecks"),
        header=[_("Bottleneck"), _("Signalled by"), _("Status")],
        rows=[[b.title, b.signalled_by, str(b.get_status_display())] for b in found],
    )


@register("budget", order=80)
def _budget(year: int) -> ReportSection | None:
    from django.utils.translation import gettext as _

    from .services.budget import accountability

    overview = accountability(year)
    if overview is None:
        return None

    from .templatetags.programme_money import euro

    return ReportSection(
        key="budget",
        title=_("Budget and spending"),
        paragraphs=[
            _("Subsidy %(subsidy)s, contributions of the members %(contributions)s.")
            % {"subsidy": euro(overview.subsidy), "contributions": euro(overview.contributions)}
        ],
        header=[_("Category"), _("Budget"), _("Spent"), _("Remaining")],
        rows=[
            [t.line.category, euro(t.line.amount), euro(t.spent), euro(t.remaining)]
            for t in overview.lines
        ]
        + [
            [
                _("Total"),
                euro(overview.budgeted),
                euro(overview.spent),
                euro(overview.budgeted - overview.spent),
            ]
        ],
    )
