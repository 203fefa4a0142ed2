""" "Who do I call now?" and the consultation teams and specialists per subregion."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import services
from ..forms import WhoToCallForm


@require_permission(Permission.VIEW_DIRECTORY)
def who_to_call(request: PalliareRequest) -> HttpResponse:
    """The phone number to call for a postcode, now or at another moment; htmx renders only
    the answer."""
    form = WhoToCallForm(request.GET if "postcode" in request.GET else None)
    context: dict[str, Any] = {"form": form, "answer": None, "problem": ""}
    if form.is_bound and form.is_valid():
        pc4 = form.cleaned_data["postcode"]
        try:
            context["answer"] = services.who_to_call(pc4, form.cleaned_data["moment"])
        except services.PostcodeNotFound:
            context["problem"] = _(
                "Postcode %(pc4)s is unknown. Check the four digits of the postcode."
            ) % {"pc4": pc4}
        except services.OutsideNetwork as outside:
            area = outside.area
            context["problem"] = _(
                "Postcode %(pc4)s (%(place)s) is not part of a subregion of this network. "
                "Call the consultation team of the patient's own region."
            ) % {"pc4": area.pc4, "place": area.place or area.municipality or "?"}
        context["moment"] = form.cleaned_data["moment"]
    template = (
        "consultations/partials/who_to_call_answer.html"
        if request.htmx
        else "consultations/who_to_call.html"
    )
    return render(request, template, context)


@require_permission(Permission.VIEW_DIRECTORY)
def specialists(request: PalliareRequest) -> HttpResponse:
    """Consultation teams and palliative care specialists per subregion, with discipline and
    how to reach them."""
    return render(
        request, "consultations/specialists.html", {"scopes": services.teams_by_subregion()}
    )
