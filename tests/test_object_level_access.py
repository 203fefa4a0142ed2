"""Object-level access for every endpoint that opens one object (issue 19 item 13).

The URL walk (``accounts/tests/test_access.py``) proves deny-by-default per role: a role without
a view's permission gets 403. This test proves the other half, generically, as NetBox's view
test cases do: a user of *another organisation*, in every role that holds the view's
permission, asking for an object of organisation A (a patient, a plan, a meeting, a
consultation request, a referral, ...) gets 404 — not 403 (that would confirm the object
exists), not 200, not a 500.

Every URL pattern with an object parameter is either in :data:`COVERED` (how to build its
parameters from organisation A's objects, and who in A may open it) or in :data:`EXEMPT` (not
organisation-owned, or legitimately cross-organisation, with the reason). A new pattern that is
in neither fails :func:`test_every_object_pattern_is_covered_or_exempt`.

FHIR's equivalent (another client's patient: 404 with a ``not-found`` OperationOutcome) is in
``fhir/tests/test_access.py``.

Each covered pattern also proves its parameters are real: organisation A's own user (the
*insider*) does not get 404 for the same address, so a 404 for the outsider is the policy, not
a wrong id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import DEFAULT_ROLE_PERMISSIONS, RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Any:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name, entry


def object_patterns() -> dict[str, URLPattern]:
    """Every named route of Palliare (Django's admin aside) with a parameter in its path."""
    return {
        name: pattern
        for route, name, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/") and pattern.pattern.converters
    }


# --- Organisation A's objects ------------------------------------------------------------------


@dataclass
class World:
    """Organisation A's objects and the people of A who may open them."""

    objects: dict[str, Any]
    insiders: dict[str, Actor]

    def pk(self, key: str) -> int:
        return int(self.objects[key].pk)


def build_world(make_actor: Callable[..., Actor]) -> World:
    from palliare.careplans.constants import GoalStatus
    from palliare.careplans.factories import CarePlanFactory
    from palliare.careplans.models import CarePlanDraft, GoalAssignment
    from palliare.consultations.factories import ConsultationRequestFactory, ConsultationTeamFactory
    from palliare.deliveries.factories import DeliveryFactory
    from palliare.meetings.factories import (
        ActionItemFactory,
        AgendaItemFactory,
        AttendeeFactory,
        CoreTeamFactory,
        CoreTeamMemberFactory,
        MeetingFactory,
    )
    from palliare.notifications.factories import NotificationFactory
    from palliare.patients.constants import ConsentScope, VolunteerStatus
    from palliare.patients.factories import (
        CareTeamMemberFactory,
        ConsentFactory,
        PatientFactory,
        SignalFactory,
    )
    from palliare.patients.models import InformalCaregiver, VolunteerDeployment
    from palliare.referrals.constants import ReferralUrgency
    from palliare.referrals.models import Referral

    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    vptz = OrganizationFactory(type=OrganizationType.VOLUNTEER_ORGANIZATION)
    hospice = OrganizationFactory(hospice=True)
    team = ConsultationTeamFactory()
    gp = make_actor(RoleCode.GP, organization=practice)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=nursing)
    insiders = {
        "gp": gp,
        "nurse": nurse,
        "vptz": make_actor(RoleCode.VOLUNTEER_COORDINATOR, organization=vptz),
        "hospice": make_actor(RoleCode.FACILITY_COORDINATOR, organization=hospice),
        "specialist": make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=team),
    }
    patient = PatientFactory(gp_practice=practice, marked=True)
    consent = ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    member = CareTeamMemberFactory(
        patient=patient, organization=nursing, professional=nurse.membership.professional
    )
    plan = CarePlanFactory(patient=patient)
    meeting = MeetingFactory(core_team=CoreTeamFactory(practice=practice), prepared=True)
    item = AgendaItemFactory(meeting=meeting, patient=patient)
    objects: dict[str, Any] = {
        "patient": patient,
        "consent": consent,
        "member": member,
        "caregiver": InformalCaregiver.objects.create(
            patient=patient, name="Anna Jansen", relation="dochter"
        ),
        "step": VolunteerDeployment.objects.create(
            patient=patient,
            status=VolunteerStatus.REQUESTED,
            organization=vptz,
            recorded_by=gp.user,
            recorded_by_name="Huisarts A",
        ),
        "signal": SignalFactory(patient=patient),
        "plan": plan,
        "draft": CarePlanDraft.objects.create(
            plan=plan,
            based_on=1,
            conflicting_number=1,
            content=plan.current_version.content,
            author=gp.user,
            author_name="Huisarts A",
        ),
        "goal": GoalAssignment.objects.create(
            plan=plan,
            version_number=1,
            position=1,
            goal="Pijn onder controle",
            status=GoalStatus.PLANNED,
            responsible=member,
            professional=nurse.membership.professional,
            organization=nursing,
        ),
        "core_team": meeting.core_team,
        "core_team_member": CoreTeamMemberFactory(core_team=meeting.core_team),
        "meeting": meeting,
        "attendee": AttendeeFactory(meeting=meeting),
        "item": item,
        "action": ActionItemFactory(agenda_item=item, owner=gp.membership.professional),
        "consultation": ConsultationRequestFactory(
            patient=patient,
            team=team,
            requesting_organization=practice,
            requested_by=gp.user,
        ),
        "referral": Referral.objects.create(
            patient=patient,
            receiving_organization=hospice,
            urgency=ReferralUrgency.THIS_WEEK,
            desired_date=timezone.localdate() + dt.timedelta(days=3),
            question="Opname in het hospice; thuis niet langer haalbaar.",
            referring_organization=practice,
            referred_by=gp.user,
            referred_by_name="Huisarts A",
        ),
        "notification": NotificationFactory(recipient=gp.user, patient_id=patient.pk),
    }
    controller_org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    insiders["controller"] = make_actor(RoleCode.BUSINESS_CONTROLLER, organization=controller_org)
    objects["delivery"] = DeliveryFactory(organization=controller_org)
    return World(objects, insiders)


#: Kwargs builders, by route name: how to address organisation A's object, and which insider
#: of A opens it. ``P`` is the patient's id.
Kwargs = Callable[[World], dict[str, Any]]


def _p(w: World) -> dict[str, Any]:
    return {"pk": w.pk("patient")}


def _meeting(w: World) -> dict[str, Any]:
    return {"pk": w.pk("meeting")}


COVERED: dict[str, tuple[Kwargs, str]] = {
    # One patient: the register and everything on the patient page.
    "patients:detail": (_p, "gp"),
    "patients:edit": (_p, "gp"),
    "patients:timeline": (_p, "gp"),
    "patients:consent": (_p, "gp"),
    "patients:consent_withdraw": (
        lambda w: {"pk": w.pk("patient"), "consent_pk": w.pk("consent")},
        "gp",
    ),
    "patients:mark": (_p, "gp"),
    "patients:unmark": (_p, "gp"),
    "patients:screening": (_p, "gp"),
    "patients:urgency": (_p, "gp"),
    "patients:signal_send": (_p, "gp"),
    "patients:care_team_add": (_p, "gp"),
    "patients:care_team_central": (
        lambda w: {"pk": w.pk("patient"), "member_pk": w.pk("member")},
        "gp",
    ),
    "patients:care_team_end": (
        lambda w: {"pk": w.pk("patient"), "member_pk": w.pk("member")},
        "gp",
    ),
    "patients:caregiver_add": (_p, "gp"),
    "patients:burden_check": (
        lambda w: {"pk": w.pk("patient"), "caregiver_pk": w.pk("caregiver")},
        "gp",
    ),
    "patients:volunteers": (_p, "gp"),
    "patients:death": (_p, "gp"),
    # A signal to A's practice, a volunteer request to A's volunteer organisation.
    "patients:signal_acknowledge": (lambda w: {"pk": w.pk("signal")}, "gp"),
    "patients:signal_handle": (lambda w: {"pk": w.pk("signal")}, "gp"),
    "patients:volunteer_answer": (
        lambda w: {"step_pk": w.pk("step"), "status": "accepted"},
        "vptz",
    ),
    # The care plan.
    "careplans:plan": (_p, "gp"),
    "careplans:edit": (_p, "gp"),
    "careplans:version": (lambda w: {"pk": w.pk("patient"), "number": 1}, "gp"),
    "careplans:compare": (_p, "gp"),
    "careplans:draft": (lambda w: {"pk": w.pk("patient"), "draft_pk": w.pk("draft")}, "gp"),
    "careplans:print": (_p, "gp"),
    "careplans:goal_status": (lambda w: {"goal_pk": w.pk("goal")}, "nurse"),
    # The access report the practice shows the patient (only tested here, not changed).
    "audit:practice_access_report": (_p, "gp"),
    "patients:suggestion_dismiss": (_p, "gp"),
    "patients:suggestion_reopen": (_p, "gp"),
    # Core teams and meetings of A's practice.
    "meetings:core_team": (lambda w: {"pk": w.pk("core_team")}, "gp"),
    "meetings:core_team_edit": (lambda w: {"pk": w.pk("core_team")}, "gp"),
    "meetings:core_team_member_add": (lambda w: {"pk": w.pk("core_team")}, "gp"),
    "meetings:core_team_member_end": (
        lambda w: {"pk": w.pk("core_team"), "member_pk": w.pk("core_team_member")},
        "gp",
    ),
    "meetings:detail": (_meeting, "gp"),
    "meetings:edit": (_meeting, "gp"),
    "meetings:cancel": (_meeting, "gp"),
    "meetings:prepare": (_meeting, "gp"),
    "meetings:held": (_meeting, "gp"),
    "meetings:attendee_add": (_meeting, "gp"),
    "meetings:attendee_remove": (
        lambda w: {"pk": w.pk("meeting"), "attendee_pk": w.pk("attendee")},
        "gp",
    ),
    "meetings:attendee_update": (
        lambda w: {"pk": w.pk("meeting"), "attendee_pk": w.pk("attendee")},
        "gp",
    ),
    "meetings:agenda_add": (_meeting, "gp"),
    "meetings:item": (lambda w: {"pk": w.pk("meeting"), "item_pk": w.pk("item")}, "gp"),
    "meetings:agenda_remove": (
        lambda w: {"pk": w.pk("meeting"), "item_pk": w.pk("item")},
        "gp",
    ),
    "meetings:agenda_move": (lambda w: {"pk": w.pk("meeting"), "item_pk": w.pk("item")}, "gp"),
    "meetings:action_add": (lambda w: {"pk": w.pk("meeting"), "item_pk": w.pk("item")}, "gp"),
    "meetings:agenda_pdf": (_meeting, "gp"),
    "meetings:minutes_pdf": (_meeting, "gp"),
    "meetings:ics": (_meeting, "gp"),
    "meetings:action_done": (lambda w: {"action_pk": w.pk("action")}, "gp"),
    "meetings:action_reopen": (lambda w: {"action_pk": w.pk("action")}, "gp"),
    # My notification.
    "notifications:open": (lambda w: {"pk": w.pk("notification")}, "gp"),
    # A consultation request of A's practice to A's consultation team.
    "consultations:requests:detail": (lambda w: {"pk": w.pk("consultation")}, "gp"),
    "consultations:requests:accept": (lambda w: {"pk": w.pk("consultation")}, "specialist"),
    "consultations:requests:advise": (lambda w: {"pk": w.pk("consultation")}, "specialist"),
    "consultations:requests:close": (lambda w: {"pk": w.pk("consultation")}, "gp"),
    # A referral from A's practice to A's hospice.
    "referrals:create": (lambda w: {"patient_pk": w.pk("patient")}, "gp"),
    "referrals:detail": (lambda w: {"pk": w.pk("referral")}, "gp"),
    "referrals:accept": (lambda w: {"pk": w.pk("referral")}, "hospice"),
    "referrals:decline": (lambda w: {"pk": w.pk("referral")}, "hospice"),
    "referrals:withdraw": (lambda w: {"pk": w.pk("referral")}, "gp"),
    "referrals:admit": (lambda w: {"pk": w.pk("referral")}, "hospice"),
    "referrals:feedback": (lambda w: {"pk": w.pk("referral")}, "hospice"),
    # An organisation's own figures.
    "deliveries:detail": (lambda w: {"pk": w.pk("delivery")}, "controller"),
    "api:delivery_detail": (lambda w: {"pk": w.pk("delivery")}, "controller"),
}

#: Patterns with a parameter that are not checked here, with the reason.
_ACUTE_ROUTE = (
    "acute care reads across organisations by design (consent or emergency access); its gate "
    "(a signed found token, else refused and logged) is tested in acute/tests"
)
_NETWORK = (
    "network-wide record kept by the network (programme, training, engagement, monitoring, "
    "planning, KPI definitions, rota): no organisation owns it; who may open it is the "
    "permission, proved by the URL walk"
)
_DIRECTORY = (
    "the regional directory is shared by every organisation of the network; changing a "
    "facility or nursing organisation is checked against one's own organisation (capacity tests)"
)
_PROGRAMME_MEMBER = (
    "a member organisation of the programme and its work plan, deliveries and self-evaluations "
    "are known to every programme participant (no patient data); another organisation may "
    "look but not change: refused with 403 by programme.access.can_edit_member_work"
)
_PUBLIC = "public page or emailed token link, no login: nothing organisation-owned"
EXEMPT: dict[str, str] = {
    "accounts:password_reset_confirm": _PUBLIC,
    "acute:summary": _ACUTE_ROUTE,
    "acute:emergency": _ACUTE_ROUTE,
    "acute:plan_code": _ACUTE_ROUTE,
    "acute:review": "the privacy officer reviews every emergency access of the network",
    "audit:access_report": "the privacy officer's access report covers any patient",
    "audit_moved:access_report": "the old address: a permanent redirect to the audit app's "
    "page (exempt or covered there); it reads nothing",
    "audit_moved:practice_access_report": "the old address: a permanent redirect to the audit "
    "app's page (exempt or covered there); it reads nothing",
    "organizations:detail": _DIRECTORY,
    "capacity:facility": _DIRECTORY,
    "capacity:facility_report": _DIRECTORY,
    "capacity:facility_adjust": _DIRECTORY,
    "capacity:nursing": _DIRECTORY,
    "capacity:nursing_intake": _DIRECTORY,
    "capacity:nursing_area": _DIRECTORY,
    "capacity:nursing_assess": _DIRECTORY,
    "capacity:requirement": _DIRECTORY,
    "api:organization_detail": _DIRECTORY,
    "api:facility_detail": _DIRECTORY,
    "api:facility_history": _DIRECTORY,
    "api:facility_status": _DIRECTORY,
    "api:nursing_detail": _DIRECTORY,
    "consultations:rota:weekly_edit": _NETWORK,
    "consultations:rota:weekly_remove": _NETWORK,
    "consultations:rota:dated_edit": _NETWORK,
    "consultations:rota:dated_remove": _NETWORK,
    "deliveries:deliver": "a data set and a period (no object of an organisation); the "
    "delivering organisation is the actor's own",
    "deliveries:template": "a data set's blank template (no organisation's figures)",
    "deliveries:review": "the network reviews every organisation's delivery",
    "deliveries:data_set": _NETWORK,
    "deliveries:element": _NETWORK,
    **dict.fromkeys(
        (
            "programme:member",
            "programme:member_edit",
            "programme:work_plan_edit",
            "programme:deliver",
            "programme:self_evaluation_add",
            "programme:self_evaluation_edit",
            "programme:self_evaluation_action_add",
            "programme:self_evaluation_action_status",
            "programme:submission",
        ),
        _PROGRAMME_MEMBER,
    ),
    **dict.fromkeys(
        (
            "planning:scenario",
            "planning:history",
            "planning:specialist",
            "monitoring:kpi",
            "monitoring:set_target",
            "monitoring:kpi_edit",
            "monitoring:run",
            "monitoring:report_download",
            "programme:round_remind",
            "programme:bottleneck_edit",
            "programme:report",
            "programme:report_issue",
            "programme:issued_report",
            "programme:activities_year",
            "programme:activity_add",
            "programme:activity_edit",
            "programme:activity_carry_over",
            "programme:activity_export",
            "programme:budget_year",
            "programme:budget_year_edit",
            "programme:budget_line_add",
            "programme:expense_add",
            "programme:body",
            "programme:body_member_add",
            "programme:body_member_end",
            "programme:meeting_add",
            "programme:decision_add",
            "programme:meeting",
            "programme:meeting_status",
            "programme:meeting_edit",
            "programme:topic_add",
            "programme:topic_edit",
            "programme:topic_remove",
            "programme:topic_move",
            "programme:document_upload",
            "programme:minutes_save",
            "programme:attendance_save",
            "programme:meeting_ics",
            "programme:action_add",
            "programme:document",
            "programme:decision",
            "programme:action_done",
            "programme:action_line",
            "programme:action_line_edit",
            "programme:assignment_edit",
            "programme:deliverable_add",
            "programme:deliverable",
            "programme:deliverable_submit",
            "programme:deliverable_adopt",
            "training:session",
            "training:register",
            "training:cancel",
            "training:certificate",
            "training:evaluate",
            "training:course_edit",
            "training:session_edit",
            "training:manage_session",
            "training:attendance",
            "training:organiser_cancel",
            "training:carrier_end",
            "engagement:manage_event",
            "engagement:event_attendance",
            "engagement:edition",
            "engagement:edition_edit",
            "engagement:edition_progress",
            "engagement:edition_test",
            "engagement:edition_send",
            "engagement:page_edit",
        ),
        _NETWORK,
    ),
    **dict.fromkeys(
        (
            "engagement:event",
            "engagement:event_ics",
            "engagement:attendee_confirm",
            "engagement:attendee_cancel",
            "engagement:subscription_confirm",
            "engagement:unsubscribe",
            "engagement:preferences",
            "engagement:archive_edition",
            "engagement:page",
        ),
        _PUBLIC,
    ),
}

#: Roles asked for a view open to any professional: one of each kind of organisation that
#: deals with patients, consultation requests, referrals or figures.
ANY_PROFESSIONAL_ROLES = (
    RoleCode.GP,
    RoleCode.DISTRICT_NURSE,
    RoleCode.PALLIATIVE_SPECIALIST,
    RoleCode.FACILITY_COORDINATOR,
    RoleCode.BUSINESS_CONTROLLER,
)


def outsider_roles(pattern: URLPattern) -> list[str]:
    """Roles of another organisation to ask: of the built-in roles that hold the view's
    permissions (the roles that could otherwise open it) the first, the middle and the last;
    for a view open to any professional, :data:`ANY_PROFESSIONAL_ROLES`."""
    required = getattr(pattern.callback, "required_permissions", None)
    if not required:
        return [str(code) for code in ANY_PROFESSIONAL_ROLES]
    holders = [
        code for code, held in DEFAULT_ROLE_PERMISSIONS.items() if set(required) <= set(held)
    ]
    if not holders:
        return []
    return list(dict.fromkeys([holders[0], holders[len(holders) // 2], holders[-1]]))


def _ask(client: Client, url: str) -> int:
    """GET, or an empty POST for a view that takes only POST (the object is looked up before
    the form is read). Whatever the view changes is rolled back, so every address is asked
    about the same objects."""
    with transaction.atomic():
        status = client.get(url).status_code
        if status == 405:
            status = client.post(url, {}).status_code
        transaction.set_rollback(True)
    return status


def test_every_object_pattern_is_covered_or_exempt() -> None:
    patterns = object_patterns()
    unlisted = sorted(set(patterns) - set(COVERED) - set(EXEMPT))
    assert not unlisted, (
        "Routes with an object parameter that are neither covered by an object-level test "
        f"nor exempt (with a reason): {unlisted}"
    )
    stale = sorted((set(COVERED) | set(EXEMPT)) - set(patterns))
    assert not stale, f"Listed routes that no longer exist: {stale}"
    assert not set(COVERED) & set(EXEMPT)


def test_another_organisation_gets_404(
    make_actor: Callable[..., Actor], client_for: Callable[[Actor], Client]
) -> None:
    """For every covered route: each asked role of another organisation gets 404 for
    organisation A's object, and A's own user does not (the address is real)."""
    world = build_world(make_actor)
    patterns = object_patterns()
    outsiders: dict[str, Client] = {}
    insiders = {key: client_for(actor) for key, actor in world.insiders.items()}
    wrong = {}
    for name, (kwargs, insider) in sorted(COVERED.items()):
        built = kwargs(world)
        assert set(built) == set(patterns[name].pattern.converters), name
        url = reverse(name, kwargs=built)
        roles = outsider_roles(patterns[name])
        assert roles, name
        answers = {}
        for code in roles:
            if code not in outsiders:
                outsiders[code] = client_for(make_actor(code, organization=OrganizationFactory()))
            answers[code] = _ask(outsiders[code], url)
        if set(answers.values()) != {404}:
            wrong[name] = (url, answers)
        own = _ask(insiders[insider], url)
        if own in (403, 404, 500):
            wrong[name] = (url, {f"insider {insider}": own})
    assert not wrong, wrong


def test_a_notification_grants_no_access(
    make_actor: Callable[..., Actor], client_for: Callable[[Actor], Client]
) -> None:
    """A notification is a link, never a grant (issue 19 item 13): one made for a user who may
    not (or no longer) see the patient leads to the same 404 as any address, and the acute view
    ignores it (``acute/tests``: ``test_a_notification_opens_no_patient``)."""
    from palliare.careplans.constants import VERSION_KIND_PREFIX
    from palliare.notifications.factories import NotificationFactory

    world = build_world(make_actor)
    patient = world.objects["patient"]
    stranger = make_actor(RoleCode.GP, organization=OrganizationFactory())
    page = reverse("careplans:plan", kwargs={"pk": patient.pk})
    note = NotificationFactory(
        recipient=stranger.user,
        patient_id=patient.pk,
        kind=f"{VERSION_KIND_PREFIX}{world.objects['plan'].current_version.pk}",
        url=page,
    )
    client = client_for(stranger)
    followed = client.get(reverse("notifications:open", kwargs={"pk": note.pk}), follow=True)
    assert followed.redirect_chain[-1][0] == page
    assert followed.status_code == 404
    # The insider, given the same notification, gets the page: the link itself is right.
    own = NotificationFactory(recipient=world.insiders["gp"].user, url=page, kind=note.kind)
    response = client_for(world.insiders["gp"]).get(
        reverse("notifications:open", kwargs={"pk": own.pk}), follow=True
    )
    assert response.status_code == 200


def _mixed_patterns() -> list[str]:
    """Covered routes that address an object inside another (``<pk>/.../<x_pk>/``)."""
    return sorted(
        name
        for name, pattern in object_patterns().items()
        if name in COVERED
        and len(pattern.pattern.converters) > 1
        and any(key.endswith("_pk") for key in pattern.pattern.converters)
    )


def test_an_inner_object_of_another_organisation_is_404_under_ones_own(
    make_actor: Callable[..., Actor], client_for: Callable[[Actor], Client]
) -> None:
    """For an address with an object inside another (a consent of a patient, an agenda item of
    a meeting, a draft of a plan): organisation B's own user, with B's own outer object and
    organisation A's inner one, gets 404 — the inner object is looked up within the outer, not
    by its id alone. With both of B's own, the same user is let through."""
    own = build_world(make_actor)
    theirs = build_world(make_actor)
    names = _mixed_patterns()
    assert len(names) >= 10, names
    clients = {key: client_for(actor) for key, actor in own.insiders.items()}
    wrong = {}
    for name in names:
        kwargs, insider = COVERED[name]
        mine, other = kwargs(own), kwargs(theirs)
        mixed = {key: (other[key] if key.endswith("_pk") else value) for key, value in mine.items()}
        answer = _ask(clients[insider], reverse(name, kwargs=mixed))
        if answer != 404:
            wrong[name] = (mixed, answer)
        if _ask(clients[insider], reverse(name, kwargs=mine)) in (403, 404, 500):
            wrong[name] = (mine, "own objects refused")
    assert not wrong, wrong
