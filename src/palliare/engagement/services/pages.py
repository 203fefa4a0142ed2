"""The network's public pages, edited by the coordinator, with a readability indication."""

from __future__ import annotations

from django.db import transaction

from palliare.accounts.actors import Actor
from palliare.audit.constants import AuditAction

from ..models import PublicPage
from .common import log, require_manager


@transaction.atomic
def save_page(page: PublicPage, *, actor: Actor) -> PublicPage:
    """Save a public page's Dutch and English text (coordinator)."""
    require_manager(actor)
    created = page.pk is None
    page.full_clean()
    page.save()
    log(
        "engagement.page_saved",
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        page,
        slug=page.slug,
    )
    return page
