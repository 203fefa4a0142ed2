"""The network's public pages: the coordinator edits them with a Flesch–Douma readability
indication; the public sees the Dutch text, or the English one when chosen; unknown pages are
not found; the care finder links to them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from palliare.engagement.models import PublicPage
from palliare.engagement.readability import flesch_douma, syllables

pytestmark = pytest.mark.django_db


def test_syllables_of_dutch_words():
    assert [
        syllables(w) for w in ("huis", "zorg", "palliatieve", "vrij", "levenseinde", "nieuw")
    ] == [1, 1, 5, 1, 4, 1]


def test_flesch_douma_ranks_plain_above_complex():
    plain = flesch_douma("Wij helpen u. U bent niet alleen. Bel ons als u vragen hebt.")
    hard = flesch_douma(
        "Multidisciplinaire samenwerkingsverbanden faciliteren interprofessionele "
        "deskundigheidsbevordering binnen palliatieve zorgnetwerken."
    )
    assert plain is not None and hard is not None
    assert plain.score > 80 > hard.score
    assert plain.is_b1 and not hard.is_b1
    assert flesch_douma("  ") is None


def test_coordinator_edits_page_with_readability(client_for, coordinator):
    client = client_for(coordinator)
    url = reverse("engagement:page_edit", args=["over-het-netwerk"])
    data = {
        "title_nl": "Over het netwerk",
        "body_nl": "Wij zijn het netwerk. Wij helpen.",
        "title_en": "About",
        "body_en": "We are the network.",
    }
    checked = client.post(url, {**data, "check": "1"}).content.decode()
    assert 'data-testid="readability"' in checked and not PublicPage.objects.exists()
    assert client.post(url, data).status_code == 302
    page = Client().get(reverse("engagement:page", args=["over-het-netwerk"])).content.decode()
    assert "Wij zijn het netwerk." in page
    english = Client()
    english.cookies["palliare_language"] = "en"
    assert (
        "We are the network."
        in english.get(reverse("engagement:page", args=["over-het-netwerk"])).content.decode()
    )
    assert Client().get(reverse("engagement:page", args=["bestaat-niet"])).status_code == 404
    assert client.get(reverse("engagement:page_edit", args=["bestaat-niet"])).status_code == 404


def test_page_escapes_html(client_for, coordinator):
    PublicPage.objects.create(
        slug="wat-is-palliatieve-zorg", title_nl="Zorg", body_nl="<script>alert(1)</script>"
    )
    page = (
        Client().get(reverse("engagement:page", args=["wat-is-palliatieve-zorg"])).content.decode()
    )
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_finder_links_to_the_network_pages(db):
    text = Client().get(reverse("finder:finder")).content.decode()
    assert reverse("engagement:calendar") in text
