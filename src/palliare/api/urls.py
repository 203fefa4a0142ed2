"""The JSON API, version 1: the schema and its documentation here; the endpoints in the apps
that own their data (``<app>/api/urls.py``)."""

from django.urls import include, path, re_path

from . import errors, views

app_name = "api"

urlpatterns = [
    path("schema/", views.schema_view, name="schema"),
    path("docs/", views.docs, name="docs"),
    path("", include("palliare.organizations.api.urls")),
    path("", include("palliare.capacity.api.urls")),
    path("", include("palliare.deliveries.api.urls")),
    re_path(r"^.*$", errors.not_found, name="not_found"),
]
