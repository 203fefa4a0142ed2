from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kpi/<slug:code>/", views.kpi_detail, name="kpi"),
    path("kpi/<slug:code>/target/", views.set_target, name="set_target"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.kpi_edit, name="kpi_new"),
    path("catalogue/<slug:code>/", views.kpi_edit, name="kpi_edit"),
    path("recompute/", views.recompute, name="recompute"),
    path("recompute/<int:pk>/", views.run_status, name="run"),
    path("mirror/", views.mirror, name="mirror"),
    path("reports/", views.report_list, name="reports"),
    path("reports/issue/", views.issue_report, name="issue_report"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
]
