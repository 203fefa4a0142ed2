"""The patient's access report, under /privacy/."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("access-report/", views.report_find, name="access_report_find"),
    path("access-report/<int:pk>/", views.access_report, name="access_report"),
    path(
        "access-report/<int:pk>/for-the-patient/",
        views.practice_access_report,
        name="practice_access_report",
    ),
]
