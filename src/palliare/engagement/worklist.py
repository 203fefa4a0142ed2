"""The newsletter on the professional's start page: subscribe with one click (shown only to
those not yet subscribed). Two queries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.ui.worklist import Section, register

from .constants import Audience
from .models import NewsletterList
from .services import newsletter


@register("newsletter")
def newsletter_offer(actor: Actor) -> Section | None:
    if actor.user is None or not actor.user.email or actor.membership is None:
        return None
    if not NewsletterList.objects.filter(audience=Audience.PROFESSIONALS).exists():
        return None
    subscriber = newsletter.professional_subscription(actor)
    if subscriber is not None and subscriber.is_active:
        return None
    return Section(
        key="newsletter",
        title=_("Newsletter"),
        template="engagement/partials/worklist.html",
        order=90,
    )
