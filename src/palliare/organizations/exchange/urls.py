"""CSV exchange of the directory, in its own namespace (and menu entry)."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_export, name="directory_export"),
]
