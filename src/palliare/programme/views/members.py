"""Member organisations: the list, adding one, changing one, its own page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.models import Organization
from palliare.ui.forms import apply_errors

from .. import access, services
from ..forms import MemberEditForm, MemberForm
from ..models import MemberOrganization
from .common import form_page


@require_permission(Permission.VIEW_PROGRAMME)
def member_list(request: PalliareRequest) -> HttpResponse:
    """Which organisations take part, since when, covenant, contact."""
    members = list(
        MemberOrganization.objects.select_related(
            "organization", "organization__subregion", "contact"
        ).order_by("organization__name")
    )
    return render(
        request,
        "programme/member_list.html",
        {"members": members, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def member_add(request: PalliareRequest) -> HttpResponse:
    candidates = Organization.objects.filter(
        is_active=True, network_membership__isnull=True
    ).order_by("name")
    form = MemberForm(request.POST or None, organizations=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Member organisation added."))
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Add a member organisation"),
        submit=_("Add"),
        back_url=reverse("programme:members"),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def member_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    member = access.get_member(pk)
    form = MemberEditForm(
        request.POST or None,
        initial={
            "joined_on": member.joined_on,
            "left_on": member.left_on,
            "covenant_signed_on": member.covenant_signed_on,
            "contact": member.contact,
            "contribution": member.contribution,
            "note": member.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(request.actor, member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": member.organization.name},
        submit=_("Save"),
        back_url=reverse("programme:member", args=[member.pk]),
    )


@require_permission(Permission.VIEW_PROGRAMME)
def member_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """The organisation's own page: membership, covenant, and its work in the programme."""
    member = access.get_member(pk)
    from ..member_page import member_context

    context = member_context(request.actor, member)
    return render(request, "programme/member_detail.html", context)
