"""Demo referrals (fictional): one waiting for the hospice's answer, one admitted with feedback
on the care plan, so the hospice coordinator, the GP and the network coordinator each see the
referral flow."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from palliare.accounts.actors import actor_for
from palliare.accounts.models import User
from palliare.capacity.models import Facility
from palliare.organizations.models import Organization
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentGivenBy, ConsentScope
from palliare.patients.demo import demo_bsn
from palliare.patients.models import Patient
from palliare.ui import demo

from . import services
from .constants import MissingItem, PlanQuality, ReferralUrgency
from .models import Referral

HOSPICE = "Hospice De Zandloper"


@demo.register("referrals", order=60)
def load(rng: random.Random) -> str:
    if Referral.objects.exists():
        return "demo referrals already present"
    hospice = Organization.objects.filter(name=HOSPICE).first()
    oosting = Patient.objects.filter(bsn=demo_bsn(2)).first()  # Harm Oosting
    renting = Patient.objects.filter(bsn=demo_bsn(3)).first()  # Aaltje Renting
    if hospice is None or oosting is None or renting is None:
        return "skipped: demo organisations or patients missing"
    gp = actor_for(User.objects.get(username="huisarts"))
    coordinator = actor_for(User.objects.get(username="hospice"))
    facility = Facility.objects.filter(organization=hospice).first()
    today = timezone.localdate()
    for patient in (oosting, renting):
        if not patient_services.has_active_consent(patient, ConsentScope.REFERRAL):
            patient_services.record_consent(
                gp,
                patient,
                scope=ConsentScope.REFERRAL,
                given_on=today - dt.timedelta(days=2),
                given_by=ConsentGivenBy.PATIENT,
            )
    services.send_referral(
        gp,
        oosting,
        receiving_organization=hospice,
        facility=facility,
        urgency=ReferralUrgency.THIS_WEEK,
        desired_date=today + dt.timedelta(days=3),
        question="Thuis niet langer vol te houden: partner uitgeput, toenemende pijn. "
        "Patiënt wil graag naar het hospice in Assen.",
        referrer_phone="0592 401 100",
    )
    admitted = services.send_referral(
        gp,
        renting,
        receiving_organization=hospice,
        facility=facility,
        urgency=ReferralUrgency.TODAY,
        question="Snelle achteruitgang, alleenwonend, verzorging thuis niet meer mogelijk.",
    )
    services.accept_referral(coordinator, admitted, note="Kamer 3 is vrij.")
    services.record_admission(coordinator, admitted, admitted_on=today)
    services.record_feedback(
        coordinator,
        admitted,
        plan_quality=PlanQuality.INSUFFICIENT,
        missing=[MissingItem.TREATMENT_LIMITS, MissingItem.MEDICATION],
        note="Reanimatiebeleid en de palliatieve medicatie waren niet vastgelegd; "
        "graag vóór overplaatsing afspreken.",
    )
    return "2 referrals to Hospice De Zandloper (one waiting, one admitted with feedback)"
