"""Signed links in e-mails: confirm (with expiry, single use through the row's nonce), cancel,
unsubscribe and preferences (no expiry; a tampered token is refused)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALTS = {
    "attendee_confirm": "engagement.attendee.confirm",
    "attendee_cancel": "engagement.attendee.cancel",
    "subscriber_confirm": "engagement.subscriber.confirm",
    "subscriber_manage": "engagement.subscriber.manage",
}


class InvalidToken(Exception):
    """The token is malformed, tampered with or expired."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make(kind: str, pk: int, nonce: str) -> str:
    return signing.dumps([pk, nonce], salt=SALTS[kind], compress=False)


def read(kind: str, token: str, *, expires: bool = False) -> tuple[int, str]:
    """(pk, nonce) from a token; ``InvalidToken`` when tampered or (``expires``) too old."""
    max_age = settings.ENGAGEMENT_CONFIRM_HOURS * 3600 if expires else None
    try:
        value = signing.loads(token, salt=SALTS[kind], max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except signing.BadSignature as exc:
        raise InvalidToken() from exc
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        raise InvalidToken()
    return value[0], value[1]
