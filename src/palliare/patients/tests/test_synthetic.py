"""The synthetic population: reproducible per seed, spread over the region's postcode areas,
with trajectories (markings, care teams, signals, deaths with a place of death from the national
distribution) — and the access log stays intact."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from palliare.accounts.services import sync_default_roles
from palliare.audit.services import verify_chain
from palliare.organizations.factories import MunicipalityFactory, PostcodeAreaFactory
from palliare.patients.constants import PlaceOfDeath
from palliare.patients.models import DeathRegistration, Marking, Patient
from palliare.patients.synthetic import death_place_weights, generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    sync_default_roles()
    municipality = MunicipalityFactory()
    for pc4 in ("9401", "9402", "9403"):
        PostcodeAreaFactory(pc4=pc4, municipality=municipality, population_65_plus=500)


def _snapshot():
    return list(
        Patient.objects.order_by("bsn").values_list(
            "bsn", "family_name", "date_of_birth", "marked_since", "date_of_death", "postcode"
        )
    )


def test_reproducible_per_seed(region):
    with transaction.atomic():
        generate(120, seed=5)
        first = _snapshot()
        transaction.set_rollback(True)
    with transaction.atomic():
        generate(120, seed=5)
        second = _snapshot()
        transaction.set_rollback(True)
    assert first == second
    assert len(first) == 120


def test_population_has_trajectories(region, settings, capsys):
    settings.DEMO_MODE = True
    call_command("generate_synthetic", patients=400, seed=2)
    assert Patient.objects.filter(is_synthetic=True).count() == 400
    marked = Marking.objects.count()
    assert 180 < marked < 300  # about 60 %
    deaths = DeathRegistration.objects.count()
    assert deaths > 40
    places = set(DeathRegistration.objects.values_list("place_of_death", flat=True))
    assert PlaceOfDeath.HOME in places
    assert set(Patient.objects.values_list("postcode_area_id", flat=True)) <= {
        "9401",
        "9402",
        "9403",
    }
    assert verify_chain().ok
    assert "Generated" in capsys.readouterr().out


def test_same_seed_twice_is_refused(region):
    generate(10, seed=3)
    from palliare.patients.synthetic import SyntheticDataError

    with pytest.raises(SyntheticDataError, match="already exist"):
        generate(10, seed=3)


def test_death_places_follow_the_national_distribution():
    weights = death_place_weights()
    assert weights[PlaceOfDeath.HOME] == 38
    assert weights[PlaceOfDeath.HOSPICE] == 4
    assert round(sum(weights.values())) == 100
