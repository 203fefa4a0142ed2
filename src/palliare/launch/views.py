"""SMART App Launch (EHR launch): the GP's information system opens Palliare for a patient.

1. ``launch`` — the HIS opens ``/launch/?iss=<its FHIR base>&launch=<opaque>``; Palliare asks
   the registered HIS to authorise (PKCE, state and nonce kept in the session).
2. ``callback`` — the HIS returns a code; Palliare exchanges it, checks the id_token, reads the
   user's Practitioner and the Patient, and logs the user in: both factors when the HIS vouches
   for them, else the user still enters their Palliare code.
3. ``resume`` — with a verified login: link an unmatched HIS user after confirmation, then land
   on the patient's page, or on the registration form filled in from the HIS.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from palliare.accounts.decorators import any_professional, public
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest, is_verified
from palliare.patients.constants import REGISTRATION_PREFILL_SESSION_KEY

from . import services, smart
from .models import HisSystem

#: How long an authorisation round trip to the HIS may take.
STATE_SECONDS = 600
_PENDING = "launch.pending"
_CONTEXT = "launch.context"
_BACKEND = "palliare.accounts.backends.UsernameOrEmailBackend"


def _failed(request: HttpRequest, his: HisSystem | None, error: smart.LaunchError) -> HttpResponse:
    services.record_refusal(his, error.detail)
    return render(
        request,
        "launch/failed.html",
        {"message": _(error.message), "his": his},
        status=400,
    )


@public
@never_cache
def launch(request: HttpRequest) -> HttpResponse:
    issuer = request.GET.get("iss", "").strip()
    launch_token = request.GET.get("launch", "").strip()
    his = services.his_for_issuer(issuer) if issuer and len(issuer) <= 500 else None
    if his is None:
        return _failed(
            request,
            None,
            smart.LaunchError(
                "This information system is not registered to open Palliare.",
                f"unregistered iss {issuer[:200]!r}",
            ),
        )
    if not launch_token or len(launch_token) > 500:
        return _failed(request, his, smart.LaunchError("The launch is incomplete.", "no launch"))
    try:
        config = smart.discover(his.issuer)
    except smart.LaunchError as error:
        return _failed(request, his, error)
    state, nonce, pkce = secrets.token_urlsafe(24), secrets.token_urlsafe(24), smart.Pkce.new()
    pending = dict(request.session.get(_PENDING, {}))
    now = time.time()
    pending = {key: value for key, value in pending.items() if value["at"] > now - STATE_SECONDS}
    pending[state] = {
        "his": his.pk,
        "verifier": pkce.verifier,
        "nonce": nonce,
        "at": now,
        "config": [
            config.authorization_endpoint,
            config.token_endpoint,
            config.jwks_uri,
            config.issuer,
        ],
    }
    request.session[_PENDING] = pending
    return redirect(
        smart.authorize_url(
            config,
            client_id=his.client_id,
            redirect_uri=request.build_absolute_uri(reverse("launch:callback")),
            launch=launch_token,
            state=state,
            nonce=nonce,
            pkce=pkce,
            audience=his.issuer,
        )
    )


@public
@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    pending = dict(request.session.get(_PENDING, {}))
    entry = pending.pop(state, None) if state else None
    request.session[_PENDING] = pending
    if entry is None or entry["at"] < time.time() - STATE_SECONDS:
        return _failed(
            request,
            None,
            smart.LaunchError(
                "This launch has expired. Open Palliare again from your information system.",
                "unknown or expired state",
            ),
        )
    his = HisSystem.objects.filter(pk=entry["his"], is_active=True).first()
    if his is None:
        return _failed(
            request, None, smart.LaunchError("This information system is no longer registered.")
        )
    if request.GET.get("error"):
        return _failed(
            request,
            his,
            smart.LaunchError(
                "The information system did not allow the launch.",
                f"error={request.GET['error'][:100]}",
            ),
        )
    config = smart.SmartConfiguration(*entry["config"])
    try:
        context = smart.exchange_code(
            config,
            code=request.GET.get("code", "")[:2000],
            client_id=his.client_id,
            redirect_uri=request.build_absolute_uri(reverse("launch:callback")),
            verifier=entry["verifier"],
            nonce=entry["nonce"],
        )
        practitioner = smart.read(
            his.issuer,
            context.fhir_user,
            token=context.access_token,
            resource_type=_resource_type(context.fhir_user),
        )
        patient = smart.read(
            his.issuer,
            f"Patient/{context.patient_id}",
            token=context.access_token,
            resource_type="Patient",
        )
    except smart.LaunchError as error:
        return _failed(request, his, error)
    in_context = services.patient_in_context(patient)
    if in_context is None:
        return _failed(
            request,
            his,
            smart.LaunchError(
                "The information system sent a patient without a BSN.", "patient without BSN"
            ),
        )
    user = services.user_for_practitioner(his, context.fhir_user, practitioner)
    launch_context = {
        "his": his.pk,
        "fhir_user": context.fhir_user,
        "patient": in_context.as_session(),
        "link": user is None,
    }
    if user is None:
        request.session[_CONTEXT] = launch_context
        messages.info(
            request,
            _("Log in to Palliare once; Palliare then recognises you when %(his)s opens it.")
            % {"his": his.name},
        )
        return redirect(
            f"{reverse('accounts:login')}?{urlencode({'next': reverse('launch:resume')})}"
        )
    already = request.user.is_authenticated and request.user.pk == user.pk
    verified = already and is_verified(request.user)
    if request.user.is_authenticated and not already:
        logout(request)
    if not verified:
        login(request, user, backend=_BACKEND)
        if his.vouches_second_factor:
            otp_login(request, services.vouched_device(his, user))
            request.session.cycle_key()
            verified = True
        services.record_launch(user, his, second_factor_vouched=his.vouches_second_factor)
    request.session[_CONTEXT] = launch_context
    if not verified:
        query = urlencode({"next": reverse("launch:resume")})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
    return redirect("launch:resume")


def _resource_type(reference: str) -> str:
    parts = reference.rstrip("/").split("/")
    return (
        parts[-2]
        if len(parts) >= 2 and parts[-2] in ("Practitioner", "PractitionerRole")
        else "Practitioner"
    )


@any_professional
@never_cache
def resume(request: PalliareRequest) -> HttpResponse:
    context: dict[str, Any] | None = request.session.get(_CONTEXT)
    if context is None:
        return redirect("ui:home")
    his = HisSystem.objects.filter(pk=context["his"], is_active=True).first()
    if his is None:
        request.session.pop(_CONTEXT, None)
        return redirect("ui:home")
    if context.get("link"):
        if request.method != "POST":
            return render(
                request, "launch/link.html", {"his": his, "fhir_user": context["fhir_user"]}
            )
        if request.POST.get("confirm") != "yes":
            request.session.pop(_CONTEXT, None)
            messages.info(request, _("Your accounts were not linked."))
            return redirect("ui:home")
        services.link_user(his, context["fhir_user"], request.user)  # type: ignore[arg-type]
    request.session.pop(_CONTEXT, None)
    patient = context["patient"]
    known = services.known_patient(request.actor, patient["bsn"])
    if known is not None:
        return redirect("patients:detail", known.pk)
    if request.actor.has(Permission.REGISTER_PATIENT):
        request.session[REGISTRATION_PREFILL_SESSION_KEY] = {
            **patient["fields"],
            "source": his.name,
        }
        return redirect("patients:create")
    messages.warning(
        request,
        _(
            "This patient is not in Palliare, or you do not treat them. "
            "Ask the patient's GP practice."
        ),
    )
    return redirect("ui:home")
