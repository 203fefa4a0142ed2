from django.urls import path

from palliare.api.access import endpoint

from . import views

urlpatterns = [
    path("organizations/", endpoint(views.OrganizationList), name="organization_list"),
    path(
        "organizations/<int:pk>/",
        endpoint(views.OrganizationDetail),
        name="organization_detail",
    ),
]
