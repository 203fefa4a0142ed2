"""Query sets of the register. Visibility is decided in ``patients.access`` only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from palliare.accounts.actors import Actor

    from .models import Patient  # noqa: F401 (string annotation)


class PatientQuerySet(models.QuerySet["Patient"]):
    def matching(self, text: str) -> PatientQuerySet:
        """Patients matching what was typed in a search box: a BSN (nine digits, spaces and
        dots allowed) exactly, anything else as part of the family or given name."""
        from .validators import normalize_bsn

        bsn = normalize_bsn(text)
        if bsn.isdigit() and len(bsn) == 9:
            return self.filter(bsn=bsn)
        return self.filter(
            models.Q(family_name__icontains=text) | models.Q(given_name__icontains=text)
        )

    def visible_to(self, actor: Actor) -> PatientQuerySet:
        """The patients ``actor`` may see: through the treating GP practice, a care-team
        membership with consent, or another registered relationship (see patients.access)."""
        from .access import visible_ids

        ids = visible_ids(actor)
        if ids is None:
            return self.none()
        return self.filter(pk__in=ids)

    def marked(self) -> PatientQuerySet:
        return self.filter(marked_since__isnull=False, date_of_death__isnull=True)

    def alive(self) -> PatientQuerySet:
        return self.filter(date_of_death__isnull=True)

    def deceased(self) -> PatientQuerySet:
        return self.filter(date_of_death__isnull=False)

    def consider_marking(self) -> PatientQuerySet:
        """Living, unmarked patients with an open signal, recorded indicators or an open
        suggestion from data (decision 0041): the register's "consider marking" view and the
        one start-page card of that name."""
        from django.db.models import Exists, OuterRef, Q

        from .constants import SignalStatus, SuggestionStatus
        from .models import IndicatorScreening, Signal

        open_signal = Signal.objects.filter(patient=OuterRef("pk")).exclude(
            status=SignalStatus.HANDLED
        )
        screening = IndicatorScreening.objects.filter(patient=OuterRef("pk"))
        # Annotated, so a list can say why each patient is on it (``has_open_signal``,
        # ``has_screening``; an open suggestion is ``marking_suggestion.is_open``).
        return (
            self.filter(marked_since__isnull=True, date_of_death__isnull=True)
            .annotate(has_open_signal=Exists(open_signal), has_screening=Exists(screening))
            .filter(
                Q(has_open_signal=True)
                | Q(has_screening=True)
                | Q(marking_suggestion__status=SuggestionStatus.OPEN)
            )
        )
