"""Authentication backend that accepts a username or an e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from .models import User


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or the (case-insensitive) e-mail address and the password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        candidates = list(
            User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))[:2]
        )
        if len(candidates) != 1:
            # Run the hasher anyway so response time does not reveal whether the account exists.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_identity(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The identity django-axes counts failures against (``AXES_USERNAME_CALLABLE``).

    A person can log in with their username in any capitalisation or with their e-mail address,
    so failures must add up across all of those: the typed name resolves to the account's
    canonical username when it names exactly one account, and to its lower-case form when it
    names none (so guessing at unknown names locks too).
    """
    typed = ""
    if credentials:
        typed = str(credentials.get("username") or "")
    if not typed and request is not None:
        typed = str(request.POST.get("username", ""))
    login = typed.strip()
    if not login:
        return ""
    matches = list(
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).values_list(
            "username", flat=True
        )[:2]
    )
    if len(matches) == 1:
        return matches[0]
    return login.lower()
