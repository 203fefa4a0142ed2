from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.export, name="export"),
    path("scenarios/new/", views.scenario_new, name="scenario_new"),
    path("scenarios/<int:pk>/", views.scenario_edit, name="scenario"),
    path("scenarios/<int:pk>/history/", views.scenario_history, name="history"),
    path("specialists/", views.specialists, name="specialists"),
    path("specialists/<int:pk>/", views.specialist_edit, name="specialist"),
]
