"""The network coordinator maintains core teams in the administration screens (members leave
rather than being deleted); changes made there are written to the access log. Other roles
cannot open these screens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.meetings.models import CoreTeam, CoreTeamMember
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_network_coordinator_creates_core_team_in_admin(make_actor, client_for):
    client = client_for(make_actor(RoleCode.NETWORK_COORDINATOR))
    assert client.get(reverse("admin:meetings_coreteam_changelist")).status_code == 200
    add = reverse("admin:meetings_coreteam_add")
    assert client.get(add).status_code == 200
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    response = client.post(
        add,
        {
            "name": "Kernteam Beheer",
            "default_kind": "patz",
            "default_location": "",
            "default_online_url": "",
            "default_duration_minutes": 60,
            "is_active": "on",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-organization": practice.pk,
            "members-0-role": "gp",
            "members-0-started_on": "2026-01-01",
        },
    )
    assert response.status_code == 302
    team = CoreTeam.objects.get(name="Kernteam Beheer")
    assert CoreTeamMember.objects.get(core_team=team).organization == practice
    assert AuditEvent.objects.filter(event_type="core_team.created_in_admin").exists()
    assert AuditEvent.objects.filter(event_type="core_team.member_added_in_admin").exists()
    change = reverse("admin:meetings_coreteam_change", args=[team.pk])
    assert client.get(change).status_code == 200


def test_other_roles_cannot_open_core_team_admin(make_actor, client_for):
    client = client_for(make_actor(RoleCode.CORE_TEAM_COORDINATOR))
    assert client.get(reverse("admin:meetings_coreteam_changelist")).status_code == 403
