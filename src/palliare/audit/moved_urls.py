"""The access report's paths before it moved from acute to audit (issue 19 item 15), under
/acute/: permanent redirects with the query string, so bookmarks and the links in notifications
already sent keep working."""

from django.urls import path

from . import views

app_name = "audit_moved"

urlpatterns = [
    path("privacy/access-report/", views.moved_find, name="access_report_find"),
    path("privacy/access-report/<int:pk>/", views.moved_report, name="access_report"),
    path(
        "practice/access-report/<int:pk>/",
        views.moved_practice_report,
        name="practice_access_report",
    ),
]
