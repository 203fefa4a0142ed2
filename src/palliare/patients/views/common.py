"""Helpers shared by the register's views."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect

from ..models import CareTeamMember, Patient


def central_contacts() -> Prefetch[str, QuerySet[CareTeamMember], str]:
    return Prefetch(
        "care_team",
        queryset=CareTeamMember.objects.current()
        .filter(is_central_contact=True)
        .select_related("organization", "professional"),
        to_attr="central_contacts",
    )


def with_register_data(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    from django.db.models import Count, Q

    return (
        patients.select_related("gp_practice")
        .prefetch_related(central_contacts())
        .annotate(
            open_signals=Count("signals", filter=~Q(signals__status="handled"), distinct=True)
        )
    )


def back_to(patient: Patient, anchor: str = "") -> HttpResponse:
    from django.urls import reverse

    url = reverse("patients:detail", args=[patient.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)
