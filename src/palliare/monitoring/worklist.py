"""Start-page sections of monitoring: the steering group and programme team see the headline
KPIs against target; the business controller their organisation's mirror figures; the network
coordinator the catalogue. Each reads stored figures only (a fixed number of queries)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui.worklist import Section, register

from . import figures
from .constants import AreaType, Rag
from .models import KpiDefinition

#: How many KPIs the start page lists.
HEADLINE = 6


def _headline(rows: list[figures.KpiRow]) -> list[figures.KpiRow]:
    with_target = [r for r in rows if r.target is not None]
    return (with_target + [r for r in rows if r.target is None and r.trend])[:HEADLINE]


@register("monitoring_kpis")
def kpis_section(actor: Actor) -> Section | None:
    if not actor.has(Permission.VIEW_REPORTS):
        return None
    region = figures.default_region()
    if region is None:
        return None
    period = figures.latest_complete_quarter()
    rows = figures.dashboard(AreaType.REGION, region.pk, period=period)
    shown = _headline(rows)
    return Section(
        key="monitoring_kpis",
        title=_("KPIs against target"),
        template="monitoring/partials/worklist_kpis.html",
        context={"rows": shown, "period": period},
        order=15,
        count=sum(1 for r in rows if r.rag == Rag.RED) or None,
    )


@register("monitoring_mirror")
def mirror_section(actor: Actor) -> Section | None:
    if not actor.has(Permission.DELIVER_FIGURES) or actor.organization_id is None:
        return None
    region = figures.default_region()
    if region is None:
        return None
    period = figures.latest_complete_quarter()
    rows = figures.mirror(actor.organization_id, region.pk, period)
    linked = [r for r in rows if r.linked and r.own is not None]
    pairs = [(r.regional, r.own) for r in linked[:HEADLINE]]
    # A column of "—" alone says nothing: when no own figure of the quarter may be shown (too
    # few cases, or none yet), the card drops the column and says why.
    own_shown = any(
        own is not None and own.latest is not None and own.latest.value is not None
        for _r, own in pairs
    )
    return Section(
        key="monitoring_mirror",
        title=_("Our figures beside the region"),
        template="monitoring/partials/worklist_mirror.html",
        context={"pairs": pairs, "period": period, "own_shown": own_shown},
        order=15,
    )


@register("monitoring_catalogue")
def catalogue_section(actor: Actor) -> Section | None:
    if not actor.has(Permission.MANAGE_KPIS):
        return None
    active = KpiDefinition.objects.filter(is_active=True).count()
    return Section(
        key="monitoring_catalogue",
        title=_("KPI catalogue"),
        template="monitoring/partials/worklist_catalogue.html",
        context={"active": active},
        order=60,
    )
