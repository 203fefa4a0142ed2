"""Whom the acute doctor can call about a patient without a shared plan, at this moment.

The "no shared plan" page used to say "call the GP practice" at any hour. At 3 a.m. the practice
is closed: a Dutch GP practice is open on working days during office hours; evenings, nights,
weekends and public holidays are out of hours (ANW-uren), covered by the out-of-hours GP post
(huisartsenpost) and, for palliative questions, the consultation team on call. This module
decides which is the case and names them (the post of the practice's subregion, else of the
region; the team from the consultation rota)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from palliare.consultations.services import rota
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization

#: A GP practice's office hours on working days (local time), the Dutch standard.
PRACTICE_OPENS = dt.time(8, 0)
PRACTICE_CLOSES = dt.time(17, 0)


def practice_open(moment: dt.datetime) -> bool:
    """Whether GP practices are open at ``moment``: a working day that is no public holiday,
    within office hours."""
    local = timezone.localtime(moment)
    if local.weekday() >= 5 or rota.holiday_calendar().holiday_name(local.date()):
        return False
    return PRACTICE_OPENS <= local.time() < PRACTICE_CLOSES


@dataclass(frozen=True)
class OnCall:
    """Whom to call instead of the closed practice."""

    post: Organization | None
    team_name: str = ""
    team_phone: str = ""


def instead_of_practice(practice: Organization, moment: dt.datetime | None = None) -> OnCall | None:
    """None while the practice is open; otherwise the out-of-hours GP post and the palliative
    consultation team on call for the practice's subregion."""
    moment = moment or timezone.now()
    if practice_open(moment):
        return None
    posts = Organization.objects.filter(type=OrganizationType.OUT_OF_HOURS_GP_POST, is_active=True)
    subregion = practice.subregion
    post = None
    if subregion is not None:
        post = posts.filter(subregion=subregion).order_by("name").first()
        post = (
            post or posts.filter(subregion__region_id=subregion.region_id).order_by("name").first()
        )
    post = post or posts.order_by("name").first()
    team_name = team_phone = ""
    if subregion is not None:
        primary = rota.on_duty(subregion, moment).primary
        if primary is not None:
            team_name, team_phone = primary.team_name, primary.phone
    return OnCall(post=post, team_name=team_name, team_phone=team_phone)
