"""The layout's links and assets are looked up once (per script prefix, URLconf and static
URL) instead of by ``{% url %}`` and ``{% static %}`` on every page: they must still be what
those tags give, and follow a changed script prefix or static URL."""

from __future__ import annotations

import pytest
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.urls import reverse, set_script_prefix

from palliare.ui.context_processors import ASSETS, LINKS, layout


def _layout() -> dict:
    return layout(RequestFactory().get("/"))


def test_links_and_assets_are_what_the_tags_give():
    context = _layout()
    assert dict(context["layout_links"]) == {key: reverse(name) for key, name in LINKS.items()}
    assert dict(context["layout_assets"]) == {key: static(path) for key, path in ASSETS.items()}
    with pytest.raises(TypeError):
        context["layout_links"]["home"] = "/elsewhere/"  # shared between requests: read-only


def test_links_follow_the_script_prefix_and_assets_the_static_url():
    set_script_prefix("/palliare/")
    try:
        assert _layout()["layout_links"]["account"].startswith("/palliare/")
    finally:
        set_script_prefix("/")
    assert not _layout()["layout_links"]["account"].startswith("/palliare/")
    with override_settings(STATIC_URL="/assets/"):
        assert _layout()["layout_assets"]["css"].startswith("/assets/")
    assert _layout()["layout_assets"]["css"].startswith("/static/")


@pytest.mark.django_db
def test_every_page_shows_the_layout_links(client_for, gp):
    html = client_for(gp).get(reverse("ui:home")).content.decode()
    for key in ("home", "set_language", "account", "logout"):
        assert f'"{reverse(LINKS[key])}"' in html, key
    assert f'href="{static(ASSETS["css"])}"' in html
