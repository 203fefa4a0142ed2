"""Who is calling and how: the actor (the API client acting for its organisation), its scopes,
the base URL, and — inside a transaction — the ids given to ``urn:uuid`` entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor

from .outcome import FhirError, Issue
from .scopes import ScopeSet

if TYPE_CHECKING:
    from .models import ApiClient


@dataclass
class FhirContext:
    actor: Actor
    scopes: ScopeSet
    client: ApiClient | None
    base_url: str
    #: Inside a transaction Bundle: fullUrl (urn:uuid:…) → "Type/id" of the entry.
    placeholders: dict[str, str] = field(default_factory=dict)
    #: Warnings gathered while handling the request (reported in OperationOutcomes).
    warnings: list[Issue] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def flush(self) -> None:
        """Run the deferred writes (care-plan versions) of this interaction."""
        for flusher in self.extra.pop("flushers", []):
            flusher(self)

    def require(self, resource_type: str, access: str) -> None:
        """The token must grant ``access`` (read/write) on ``resource_type``; else 403."""
        if not self.scopes.allows(resource_type, access):
            raise FhirError(
                403,
                Issue(
                    "forbidden",
                    _(
                        "The access token does not grant %(access)s access to %(type)s "
                        "(scope system/%(type)s.%(access)s)."
                    ),
                    params={"access": access, "type": resource_type},
                    key="insufficient-scope",
                ),
            )
