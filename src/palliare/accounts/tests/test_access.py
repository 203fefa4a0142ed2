"""Deny by default: every view needs a login and a verified second factor unless marked public;
every view declares who may open it; a role without a view's permission gets 403; each role
sees only its own navigation."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from palliare.accounts.actors import actor_for
from palliare.accounts.factories import UserFactory, role
from palliare.accounts.permissions import DEFAULT_ROLE_PERMISSIONS, Permission, RoleCode
from palliare.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

_ADMIN_PREFIX = "admin/"


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _url(route: str, pattern: URLPattern) -> str:
    """A concrete URL for a route, with dummy values for its parameters."""
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__
        kwargs[name] = {"IntConverter": 999999, "UUIDConverter": uuid.uuid4()}.get(kind, "x")
    path = "/" + route
    for name, value in kwargs.items():
        path = __import__("re").sub(r"<(?:\w+:)?" + name + ">", str(value), path)
    return path


def app_views():
    """Every route of Palliare itself (Django's admin is guarded by its own site)."""
    return [
        (route, p)
        for route, p in _walk(get_resolver().url_patterns)
        if not route.startswith(_ADMIN_PREFIX)
    ]


def test_every_view_declares_who_may_open_it():
    undeclared = [
        route for route, p in app_views() if getattr(p.callback, "access_rule", None) is None
    ]
    assert undeclared == []


def test_every_non_public_view_refuses_anonymous(client):
    for route, pattern in app_views():
        if getattr(pattern.callback, "access_rule", None) == "public":
            continue
        response = client.get(_url(route, pattern))
        assert response.status_code in (302, 401), route
        if response.status_code == 302:
            assert response.url.startswith(reverse("accounts:login")), route


def test_every_data_view_refuses_user_without_second_factor():
    user = UserFactory(with_device=True)
    MembershipFactory(professional__user=user, role=role(RoleCode.NETWORK_COORDINATOR))
    client = Client()
    client.force_login(user)  # password step passed, second factor not
    for route, pattern in app_views():
        if getattr(pattern.callback, "access_rule", None) in ("public", "otp_exempt"):
            continue
        response = client.get(_url(route, pattern))
        assert response.status_code in (302, 401), route
        if response.status_code == 302:
            assert response.url.startswith(reverse("accounts:two_factor")), route
    # The administration screens too.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def _roles_without(permissions) -> list[str]:
    return [
        code for code, perms in DEFAULT_ROLE_PERMISSIONS.items() if not set(permissions) <= perms
    ]


def _roles_with(permissions) -> list[str]:
    return [code for code, perms in DEFAULT_ROLE_PERMISSIONS.items() if set(permissions) <= perms]


#: Every built-in role, and a role without any permission.
ROLE_CASES = ["no-permissions", *(str(code) for code in DEFAULT_ROLE_PERMISSIONS)]


@pytest.mark.parametrize("code", ROLE_CASES)
def test_role_without_permission_gets_403(client_for, make_actor, code):
    """For each permission-guarded page: every role lacking the permission is refused, and a
    role holding it is let through (a dummy id may then give 404, never 403).

    One case per role, each logging in once and walking every page: the same checks as one
    test that logged in anew for each of its ~1,700 requests (100 s), in cases that run in
    parallel and in a fraction of the time."""
    from palliare.accounts.models import Role

    if code == "no-permissions":
        Role.objects.create(code=code, name="Zonder rechten")
    client = client_for(make_actor(code))
    held = DEFAULT_ROLE_PERMISSIONS.get(code, set())
    refused = 0
    for route, pattern in app_views():
        required = getattr(pattern.callback, "required_permissions", None)
        if not required:
            continue
        if not set(required) <= held:
            assert client.get(_url(route, pattern)).status_code == 403, route
            refused += 1
        elif _roles_with(required)[0] == code:
            assert client.get(_url(route, pattern)).status_code != 403, route
    assert refused > 0


def test_user_without_membership_has_no_permissions(client):
    user = UserFactory(with_device=True)
    actor = actor_for(user)
    assert actor.permissions == frozenset()
    from conftest import login_verified

    login_verified(client, user)
    assert client.get(reverse("organizations:list")).status_code == 403


def test_unknown_role_grants_nothing(make_actor):
    from palliare.accounts.models import Role, RolePermission

    custom = Role.objects.create(code="custom", name="Eigen rol")
    RolePermission.objects.create(role=custom, permission="not.a.permission")
    membership = MembershipFactory(role=custom)
    assert actor_for(membership.professional.user).permissions == frozenset()


def test_expired_membership_grants_nothing(make_actor):
    import datetime as dt

    membership = MembershipFactory(
        role=role(RoleCode.GP), valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 1, 1)
    )
    assert actor_for(membership.professional.user).permissions == frozenset()


@pytest.mark.parametrize(
    ("role_code", "visible", "hidden"),
    [
        (RoleCode.GP, {"home", "directory"}, {"admin"}),
        (RoleCode.NETWORK_COORDINATOR, {"home", "directory", "admin"}, set()),
        (RoleCode.AMBULANCE, {"home"}, {"admin"}),
    ],
)
def test_navigation_per_role(client_for, make_actor, role_code, visible, hidden):
    html = client_for(make_actor(role_code)).get(reverse("ui:home")).content.decode()
    for key in visible:
        assert f'data-nav="{key}"' in html
    for key in hidden:
        assert f'data-nav="{key}"' not in html


def test_admin_is_refused_to_other_roles(client_for, make_actor):
    assert client_for(make_actor(RoleCode.GP)).get("/admin/").status_code == 403
    assert client_for(make_actor(RoleCode.NETWORK_COORDINATOR)).get("/admin/").status_code == 200


def test_switching_membership_changes_role(client_for, make_actor):
    actor = make_actor(RoleCode.GP)
    other = MembershipFactory(
        professional=actor.membership.professional, role=role(RoleCode.OUT_OF_HOURS_GP)
    )
    client = client_for(actor)
    client.post(reverse("accounts:switch_membership"), {"membership": other.pk})
    html = client.get(reverse("ui:home")).content.decode()
    assert "Huisartsenpost" in html or str(other.organization.name) in html
    # Switching to somebody else's membership is ignored.
    stranger = MembershipFactory(role=role(RoleCode.NETWORK_COORDINATOR))
    client.post(reverse("accounts:switch_membership"), {"membership": stranger.pk})
    assert client.get("/admin/").status_code == 403


def test_role_permission_change_is_logged(make_actor):
    from palliare.accounts import services
    from palliare.audit.models import AuditEvent

    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    gp = role(RoleCode.GP)
    services.set_role_permissions(gp, {Permission.VIEW_DIRECTORY}, actor=coordinator)
    event = AuditEvent.objects.get(event_type="accounts.role_permissions_changed")
    assert "patients.view" in event.details["removed"]
    with pytest.raises(Exception):  # noqa: B017, PT011
        services.set_role_permissions(gp, set(), actor=make_actor(RoleCode.GP))


def test_permissions_come_with_the_membership_and_follow_changes(make_actor):
    """Every request builds an actor: its role's permissions are loaded with the membership
    (no second query), and a change to the role counts from the next request on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palliare.accounts import services

    gp_actor = make_actor(RoleCode.GP)
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR)
    with CaptureQueriesContext(connection) as queries:
        actor = actor_for(gp_actor.user, gp_actor.membership.pk)
        assert actor.has(Permission.VIEW_PATIENT)
        assert not actor.has(Permission.VIEW_ACCESS_LOG)
    assert len(queries) == 1
    assert actor.permissions == DEFAULT_ROLE_PERMISSIONS[RoleCode.GP]
    services.set_role_permissions(role(RoleCode.GP), {Permission.VIEW_DIRECTORY}, actor=coordinator)
    after = actor_for(gp_actor.user, gp_actor.membership.pk)
    assert after.permissions == {Permission.VIEW_DIRECTORY}
    services.set_role_permissions(role(RoleCode.GP), set(), actor=coordinator)
    assert actor_for(gp_actor.user, gp_actor.membership.pk).permissions == frozenset()
