from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("organisations/<int:pk>/", views.organization_detail, name="detail"),
    path("regions/", views.region_overview, name="regions"),
]
