"""The JSON API, version 1."""

from django.urls import include, path, re_path

from . import directory, errors, views
from .access import endpoint

app_name = "api"

urlpatterns = [
    path("schema/", views.schema_view, name="schema"),
    path("docs/", views.docs, name="docs"),
    path("organizations/", endpoint(directory.OrganizationList), name="organization_list"),
    path(
        "organizations/<int:pk>/",
        endpoint(directory.OrganizationDetail),
        name="organization_detail",
    ),
    path("", include("palliare.capacity.api.urls")),
    path("", include("palliare.deliveries.api.urls")),
    re_path(r"^.*$", errors.not_found, name="not_found"),
]
