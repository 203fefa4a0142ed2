"""CSV exchange of the directory, in its own namespace (and menu entry)."""

from django.urls import path

from . import exchange_views

app_name = "exchange"

urlpatterns = [
    path("", exchange_views.directory, name="directory"),
    path("export.csv", exchange_views.directory_export, name="directory_export"),
]
