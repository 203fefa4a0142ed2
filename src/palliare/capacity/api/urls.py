from django.urls import path

from palliare.api.access import endpoint

from . import views

urlpatterns = [
    path("facilities/", endpoint(views.FacilityList), name="facility_list"),
    path("facilities/<int:pk>/", endpoint(views.FacilityDetail), name="facility_detail"),
    path("facilities/<int:pk>/history/", endpoint(views.FacilityHistory), name="facility_history"),
    path(
        "facilities/<int:pk>/status/",
        endpoint(views.FacilityStatusReport),
        name="facility_status",
    ),
    path("district-nursing/", endpoint(views.DistrictNursingList), name="nursing_list"),
    path(
        "district-nursing/<int:pk>/", endpoint(views.DistrictNursingDetail), name="nursing_detail"
    ),
    path("search/", endpoint(views.SearchNearPostcode), name="search"),
    path("quality-requirements/", endpoint(views.RequirementList), name="requirement_list"),
]
