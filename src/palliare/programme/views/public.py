"""The public list of participating organisations (no login, plain Dutch)."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palliare.accounts.decorators import public

from .. import services


@public
def member_list_public(request: HttpRequest) -> HttpResponse:
    """Which care organisations work together in the network?"""
    members = services.public_members()
    groups = [
        (subregion, list(rows))
        for subregion, rows in groupby(members, key=lambda m: m.organization.subregion)
    ]
    return render(
        request, "programme/public_members.html", {"groups": groups, "count": len(members)}
    )
