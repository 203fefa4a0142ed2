"""The death registration refuses contradictions and starts from what the plan says (issue 18
item 5): the place of death is checked against the preferred place and "died at the preferred
place", on every input path, with all errors at once; the counts of the last 30 days are
bounded; a first registration is pre-filled with "a care plan existed" and the preferred place
from the current plan, shown as such and editable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from palliare.careplans.factories import CarePlanFactory
from palliare.patients import services
from palliare.patients.constants import PlaceOfDeath
from palliare.patients.factories import PatientFactory
from palliare.patients.models import DeathRegistration

pytestmark = pytest.mark.django_db


def _answers(**changes):
    data = {
        "date_of_death": timezone.localdate(),
        "place_of_death": PlaceOfDeath.HOME,
        "place_of_death_other": "",
        "expected": "yes",
        "preferred_place_known": "yes",
        "preferred_place": PlaceOfDeath.HOME,
        "preferred_place_achieved": "yes",
        "palliative_sedation": "no",
        "hospital_admissions_30d": 0,
        "emergency_visits_30d": 1,
        "had_care_plan": "yes",
        "note": "",
    }
    return data | changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"preferred_place": PlaceOfDeath.HOSPICE}, "preferred_place_achieved"),
        ({"preferred_place_achieved": "no"}, "preferred_place_achieved"),
        (
            {"preferred_place_known": "no", "preferred_place": ""},
            "preferred_place_achieved",
        ),
        ({"preferred_place_known": "unknown"}, "preferred_place_known"),
        ({"emergency_visits_30d": 999}, "emergency_visits_30d"),
        ({"hospital_admissions_30d": 31}, "hospital_admissions_30d"),
    ],
)
def test_service_refuses_contradictions(gp, changes, field):
    patient = PatientFactory(gp_practice=gp.organization)
    with pytest.raises(ValidationError) as refused:
        services.register_death(gp, patient, data=_answers(**changes))
    assert field in refused.value.message_dict
    assert not DeathRegistration.objects.exists()


def test_consistent_answers_pass(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    services.register_death(gp, patient, data=_answers())
    services.register_death(
        gp,
        patient,
        data=_answers(
            place_of_death=PlaceOfDeath.HOSPITAL,
            preferred_place_achieved="no",
            hospital_admissions_30d=3,
        ),
    )
    assert DeathRegistration.objects.count() == 2


def _post(answers):
    return {k: ("" if v is None else str(v)) for k, v in answers.items()}


def test_form_reports_every_contradiction_in_one_round(gp, client_for):
    """The issue's case: died at home, preferred hospice, "achieved: yes", 999 visits."""
    patient = PatientFactory(gp_practice=gp.organization)
    url = reverse("patients:death", args=[patient.pk])
    response = client_for(gp).post(
        url,
        _post(_answers(preferred_place=PlaceOfDeath.HOSPICE, emergency_visits_30d=999)),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "thuis" in errors["preferred_place_achieved"][0]
    assert "hospice" in errors["preferred_place_achieved"][0]
    assert "Hoogstens 30" in errors["emergency_visits_30d"][0]
    assert not DeathRegistration.objects.exists()


def test_first_registration_is_prefilled_from_the_plan(gp, client_for):
    plan = CarePlanFactory(patient__gp_practice=gp.organization)
    assert plan.current_version.preferred_place_of_death == PlaceOfDeath.HOME
    url = reverse("patients:death", args=[plan.patient_id])
    response = client_for(gp).get(url)
    form = response.context["form"]
    assert form.initial["had_care_plan"] == "yes"
    assert form.initial["preferred_place_known"] == "yes"
    assert form.initial["preferred_place"] == PlaceOfDeath.HOME
    page = response.content.decode()
    assert 'data-testid="death-prefill"' in page
    assert "het zorgplan, versie 1" in page
    assert "Ingevuld uit het zorgplan" in str(form.fields["preferred_place"].help_text)
    # Editable: another answer is saved as given.
    answers = _answers(
        preferred_place_known="no", preferred_place="", preferred_place_achieved="unknown"
    )
    client_for(gp).post(url, _post(answers))
    assert DeathRegistration.objects.get().preferred_place == ""


def test_no_plan_no_prefill(gp, client_for):
    patient = PatientFactory(gp_practice=gp.organization)
    response = client_for(gp).get(reverse("patients:death", args=[patient.pk]))
    assert response.context["form"].initial["had_care_plan"] == "unknown"
    assert 'data-testid="death-prefill"' not in response.content.decode()
