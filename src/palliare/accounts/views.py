"""Login with password and a TOTP second factor (enrolled on first login), logout, and the choice
of the membership (organisation and role) to act under."""

from __future__ import annotations

import base64
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from palliare.accounts.requests import is_verified
from palliare.ui import qrcodes

from . import services
from .decorators import any_professional, otp_exempt, public, require_permission
from .forms import LoginForm, MembershipChoiceForm, TokenForm
from .middleware import MEMBERSHIP_SESSION_KEY
from .models import User
from .permissions import Permission
from .requests import PalliareRequest, safe_url


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_url(request, target, reverse("ui:home"))


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@public
@never_cache
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: username or e-mail and password (locked out after repeated failures)."""
    if is_verified(request.user):
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is None:
            form.add_error(None, _("The username or password is not correct."))
        else:
            login(request, user, backend="palliare.accounts.backends.UsernameOrEmailBackend")
            query = urlencode({"next": _safe_next(request)})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as verified and give it a new id: a session id seen before the second
    factor (on a shared computer, in a proxy log) must not become a fully logged-in one."""
    otp_login(request, device)
    request.session.cycle_key()


@otp_exempt
@never_cache
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the six-digit code. Without a confirmed device the user enrols first."""
    user: User = request.user  # type: ignore[assignment]
    if is_verified(user):
        return redirect(_safe_next(request))
    device = _confirmed_device(user)
    if device is None:
        return redirect(
            f"{reverse('accounts:two_factor_setup')}?{urlencode({'next': _safe_next(request)})}"
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            _verified(request, device)
            services.record_login(user)
            return redirect(_safe_next(request))
        services.record_second_factor_failed(user)
        if not allowed:
            form.add_error(None, _("Too many wrong codes. Wait a moment and try again."))
        else:
            form.add_error(
                "token",
                _("This code is not correct or has expired. Enter the code your app shows now."),
            )
    return render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)})


@otp_exempt
@never_cache
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrolment on first login: scan the QR code, confirm with one code."""
    user: User = request.user  # type: ignore[assignment]
    if _confirmed_device(user) is not None:
        # A second device can only be added by an administrator, never with a password alone.
        return redirect(
            f"{reverse('accounts:two_factor')}?{urlencode({'next': _safe_next(request)})}"
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            form.add_error(None, _("Too many wrong codes. Wait a moment and try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            services.confirm_second_factor(device)
            _verified(request, device)
            messages.success(request, _("Two-factor login is set up."))
            return redirect(_safe_next(request))
        else:
            form.add_error(
                "token",
                _(
                    "This code is not correct. Check that the time on your "
                    "phone is right and enter the code your app shows now."
                ),
            )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_svg": qrcodes.svg(device.config_url),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@otp_exempt
@require_POST
def logout_view(request: PalliareRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.record_logout(request.actor)
    logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect("accounts:login")


@any_professional
@require_POST
def switch_membership_view(request: HttpRequest) -> HttpResponse:
    """Act for another organisation or in another role of one's own memberships."""
    form = MembershipChoiceForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["membership"]
        actor = cast(PalliareRequest, request).actor
        mine = {m.pk: m for m in actor.available_memberships}
        if wanted in mine:
            request.session[MEMBERSHIP_SESSION_KEY] = wanted
            messages.success(
                request,
                _("You now work as %(role)s at %(organization)s.")
                % {
                    "role": mine[wanted].role.label,
                    "organization": mine[wanted].organization.name,
                },
            )
    return HttpResponseRedirect(reverse("ui:home"))


@any_professional
def account_view(request: HttpRequest) -> HttpResponse:
    """The professional's own account: memberships, password, logout."""
    # The actor (built once per request, also for the layout) holds today's memberships.
    memberships = cast(PalliareRequest, request).actor.available_memberships
    return render(request, "accounts/account.html", {"memberships": memberships})


class _PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, logged (NEN 7513: security events are logged like reads)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_reset_requested(form.cleaned_data["email"])
        return response


class _PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_changed(form.user, reset=True)
        return response


class _PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_changed(form.user, reset=False)
        return response


@require_permission(Permission.VIEW_ACCESS_LOG)
def access_grants_view(request: HttpRequest) -> HttpResponse:
    """For the privacy officer: who gave whom access, who approved it, and what waits."""
    from palliare.organizations.models import Membership

    pending = (
        Membership.objects.pending()
        .select_related("professional", "organization", "role", "requested_by")
        .order_by("pk")
    )
    events = services.access_grant_events(cast(PalliareRequest, request).actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/access_grants.html",
        {"pending": pending, "page": page, "labels": GRANT_EVENT_LABELS},
    )


GRANT_EVENT_LABELS = {
    "accounts.membership_requested": gettext_lazy("membership requested (waits for approval)"),
    "accounts.membership_granted": gettext_lazy("membership granted"),
    "accounts.membership_approved": gettext_lazy("membership approved"),
    "accounts.membership_rejected": gettext_lazy("membership refused"),
    "accounts.membership_changed": gettext_lazy("membership changed"),
    "accounts.membership_removed": gettext_lazy("membership removed"),
    "accounts.membership_ended": gettext_lazy("membership ended"),
    "accounts.role_permissions_changed": gettext_lazy("permissions of a role changed"),
    "auth.second_factor_reset": gettext_lazy("two-factor login reset"),
    "auth.password_set_by_admin": gettext_lazy("password set by an administrator"),
}


# Password reset: Django's views, public, with our templates.
password_reset = public(
    _PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html",
    )
)
password_reset_confirm = public(
    _PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html",
    )
)
password_change = any_professional(
    _PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:account"),
    )
)
