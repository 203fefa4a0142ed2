"""Start-page sections: "who do I call now?", the team inbox, my requests with advice, and the
rota's coverage warnings for the coordinator. Each issues a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.ui import worklist
from palliare.ui.worklist import Section

from . import services
from .constants import OPEN_STATUSES, ConsultationStatus
from .forms import WhoToCallForm
from .models import ConsultationRequest

LIMIT = 5


@worklist.register("who_to_call")
def who_to_call(actor: Actor) -> Section | None:
    if not actor.has(Permission.VIEW_DIRECTORY):
        return None
    return Section(
        "who_to_call",
        _("Who do I call now?"),
        "consultations/partials/worklist_who_to_call.html",
        {"form": WhoToCallForm(auto_id="home_%s")},
        order=20,
    )


@worklist.register("consultation_inbox")
def inbox(actor: Actor) -> Section | None:
    if not actor.has(Permission.ANSWER_CONSULTATION) or actor.organization_id is None:
        return None
    team_requests = ConsultationRequest.objects.for_team(actor.organization_id)
    open_count = team_requests.open().count()
    new = list(
        team_requests.filter(status=ConsultationStatus.NEW)
        .select_related("requesting_organization")
        .order_by("created_at")[:LIMIT]
    )
    return Section(
        "consultation_inbox",
        _("Consultation requests for your team"),
        "consultations/partials/worklist_inbox.html",
        {"requests": new, "open_count": open_count},
        order=10,
        count=open_count,
    )


@worklist.register("my_consultations")
def my_requests(actor: Actor) -> Section | None:
    if not actor.has(Permission.REQUEST_CONSULTATION) or actor.user is None:
        return None
    mine = ConsultationRequest.objects.requested_by_user(actor.user.pk)
    counts = mine.aggregate(
        advised=Count("pk", filter=Q(status=ConsultationStatus.ADVISED)),
        waiting=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    if not counts["advised"] and not counts["waiting"]:
        return None
    recent = list(
        mine.exclude(status=ConsultationStatus.CLOSED)
        .select_related("team")
        .order_by("-updated_at")[:LIMIT]
    )
    return Section(
        "my_consultations",
        _("My consultation requests"),
        "consultations/partials/worklist_my_requests.html",
        {"requests": recent, **counts},
        order=30,
        count=counts["advised"],
    )


@worklist.register("rota_coverage")
def rota_coverage(actor: Actor) -> Section | None:
    if not actor.has(Permission.MANAGE_ROTA):
        return None
    weeks = 2
    regions = services.coverage(weeks=weeks)
    issues = [
        (row.subregion, issue)
        for region in regions
        for row in region.subregions
        for issue in row.issues
    ]
    return Section(
        "rota_coverage",
        _("Consultation rota"),
        "consultations/partials/worklist_rota.html",
        {"issues": issues[:LIMIT], "total": len(issues), "weeks": weeks},
        order=40,
        count=len(issues),
    )
