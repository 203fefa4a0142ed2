"""A readability indication for Dutch text: the Flesch–Douma reading ease.

Douma (1960) adapted Flesch's formula to Dutch::

    score = 206.835 - 0.93 * (words / sentences) - 77 * (syllables / words)

Roughly: 60–70 is plain language (about B1), above 70 easy, below 50 hard. Syllables are
counted as groups of vowels (Dutch diphthongs and double vowels such as "ij", "ui", "oe",
"aa" count once), which is close enough for an indication. Decision 0024.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*")
_VOWEL_GROUP = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+")


#: Vowel pairs that are two syllables in Dutch (pal-li-a-tief, ra-di-o, the-a-ter).
_HIATUS = ("ia", "io", "iu", "ua", "uo", "ea", "eo", "oa", "ao")


def syllables(word: str) -> int:
    """Vowel groups in a word (at least one); 'ij' is one vowel sound, and a group holding a
    pair such as 'ia' counts one syllable more per pair."""
    w = word.lower().replace("ij", "ei")
    count = 0
    for group in _VOWEL_GROUP.findall(w):
        count += 1 + sum(group.count(pair) for pair in _HIATUS)
    return max(1, count)


@dataclass(frozen=True)
class Readability:
    score: float
    words: int
    sentences: int
    words_per_sentence: float
    syllables_per_word: float

    @property
    def level(self) -> str:
        if self.score >= 70:
            return str(_("easy"))
        if self.score >= 60:
            return str(_("plain language (about B1)"))
        if self.score >= 50:
            return str(_("somewhat difficult"))
        return str(_("difficult"))

    @property
    def is_b1(self) -> bool:
        return self.score >= 60


def flesch_douma(text: str) -> Readability | None:
    """The Flesch–Douma score of ``text``; None when it has no words."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([p for p in _SENTENCE_END.split(text.strip()) if _WORD.search(p)]))
    syllable_count = sum(syllables(w) for w in words)
    wps = len(words) / sentences
    spw = syllable_count / len(words)
    score = 206.835 - 0.93 * wps - 77 * spw
    return Readability(round(score, 1), len(words), sentences, round(wps, 1), round(spw, 2))
