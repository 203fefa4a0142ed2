"""Ended treatment limits are history: the plan page and "what changed" show them under
"Beëindigde behandelgrenzen" with the end date and reason; the acute view, the printed copy
and the resuscitation column never take them for the current decision; saving the plan form
keeps them; the form can end a current limit (with date and reason) and refuses an end date in
the future, before the agreement, or without a reason; every writer gets the same content
rules."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from palliare.accounts.permissions import RoleCode
from palliare.careplans import content as plan_content
from palliare.careplans import services
from palliare.careplans.factories import CarePlanFactory, acp_content, ended_limit
from palliare.careplans.models import CarePlan
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import ConsentFactory, PatientFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db

REASON = "Hersteld en ontslagen"


@pytest.fixture
def plan(practice):
    """ICU admission is refused now; an earlier "yes" to ICU ended a month ago."""
    patient = PatientFactory(gp_practice=practice, marked=True)
    return CarePlanFactory(
        patient=patient, version__content=acp_content(ended_limits=[ended_limit()])
    )


def test_plan_page_shows_ended_limits_as_history(gp, plan, client_for):
    page = client_for(gp).get(reverse("careplans:plan", args=[plan.patient_id])).content.decode()
    assert "Beëindigde behandelgrenzen" in page
    assert REASON in page
    ended_on = timezone.localdate() - dt.timedelta(days=30)
    assert date_format(ended_on, "DATE_FORMAT") in page


def test_acute_view_and_print_never_show_ended_limits(gp, plan, make_actor, client_for):
    from pypdf import PdfReader

    ConsentFactory(patient=plan.patient, scope=ConsentScope.ACUTE_CARE)
    post = OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST)
    hap = make_actor(RoleCode.OUT_OF_HOURS_GP, organization=post)
    acute = client_for(hap)
    response = acute.post(reverse("acute:search"), {"bsn": plan.patient.bsn})
    summary = acute.get(response["Location"]).content.decode()
    assert "Opname op de intensive care" in summary
    assert REASON not in summary and "Beëindigd" not in summary
    pdf = client_for(gp).get(reverse("careplans:print", args=[plan.patient_id]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Reanimatie" in text
    assert REASON not in text
    # The copied column is the current decision.
    assert plan.current_version.resuscitation == "2"


def test_saving_the_form_keeps_ended_limits(gp, plan, client_for):
    url = reverse("careplans:edit", args=[plan.patient_id])
    content = plan.current_version.content
    response = client_for(gp).post(
        url, form_data(content, 1, **{"wishes__care_wishes": "Muziek van Bach"})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.current_number == 2
    assert (
        plan.current_version.content["ended_limits"]
        == (plan_content.normalise(content)["ended_limits"])
    )


def test_the_form_ends_a_current_limit_with_date_and_reason(gp, plan, client_for):
    url = reverse("careplans:edit", args=[plan.patient_id])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = form_data(
        plan.current_version.content,
        1,
        limit_89666000_ended_on=yesterday.isoformat(),
        limit_89666000_reason_for_ending="Opnieuw besproken na herstel",
    )
    response = client_for(gp).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    content = plan.current_version.content
    resuscitation = content["treatment_limits"][0]
    assert resuscitation["decision"] == "UNK"  # nothing agreed now
    ended = [r for r in content["ended_limits"] if r["treatment"] == "89666000"]
    assert ended and ended[0]["decision"] == "2"  # what applied: no resuscitation
    assert ended[0]["ended_on"] == yesterday.isoformat()
    assert ended[0]["reason_for_ending"] == "Opnieuw besproken na herstel"
    assert ended[0]["date"] == content["conversations"][0]["date"]
    assert plan.current_version.resuscitation == "UNK"
    compare = client_for(gp).get(reverse("careplans:compare", args=[plan.patient_id]))
    page = compare.content.decode()
    assert 'data-testid="ended-changes"' in page
    assert "Opnieuw besproken na herstel" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"limit_89666000_ended_on": "2999-01-01", "limit_89666000_reason_for_ending": "x"},
            "kan niet in de toekomst eindigen",
        ),
        (
            {"limit_89666000_ended_on": "2000-01-01", "limit_89666000_reason_for_ending": "x"},
            "kan niet eindigen voordat",
        ),
        ({"limit_89666000_ended_on": "2020-01-01"}, "Geef de reden"),
        ({"limit_89666000_reason_for_ending": "hersteld"}, "Vul de datum in waarop"),
        (
            {
                "limit_116762002_ended_on": "2020-01-01",
                "limit_116762002_reason_for_ending": "x",
            },
            "Alleen een afgesproken behandelgrens",
        ),
        (
            {"ended-0-ended_on": "", "ended-0-reason_for_ending": ""},
            "Vul de datum in waarop",
        ),
    ],
)
def test_the_form_refuses_bad_endings(gp, plan, client_for, changes, message):
    url = reverse("careplans:edit", args=[plan.patient_id])
    data = form_data(plan.current_version.content, 1, **changes)
    response = client_for(gp).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.current_number == 1


def test_every_writer_gets_the_content_rules(gp, practice):
    patient = PatientFactory(gp_practice=practice, marked=True)
    agreed = timezone.localdate() - dt.timedelta(days=10)
    bad = [
        ended_limit(ended_on=(agreed - dt.timedelta(days=1)).isoformat(), date=agreed.isoformat()),
        ended_limit(ended_on=""),
        ended_limit(ended_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat()),
        ended_limit(decision=""),
    ]
    with pytest.raises(ValidationError) as caught:
        services.save_plan(gp, patient, content=acp_content(ended_limits=bad), based_on=0)
    errors = caught.value.message_dict
    assert all(key.startswith("ended_limits.") for key in errors)
    # (rows are in their normal order, newest end first, so compare the fields only)
    assert sorted(key.rsplit(".", 1)[1] for key in errors) == [
        "decision",
        "ended_on",
        "ended_on",
        "ended_on",
    ]
    assert not CarePlan.objects.filter(patient=patient, current_number__gt=0).exists()
