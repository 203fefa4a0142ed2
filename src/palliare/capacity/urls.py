from django.urls import path

from . import nursing_views, views

app_name = "capacity"

urlpatterns = [
    path("", views.search, name="search"),
    path("beds/", views.overview, name="overview"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility"),
    path("facilities/<int:pk>/report/", views.facility_report, name="facility_report"),
    path("facilities/<int:pk>/adjust/", views.facility_adjust, name="facility_adjust"),
    path("district-nursing/", nursing_views.nursing_list, name="nursing_list"),
    path("district-nursing/<int:pk>/", nursing_views.nursing_detail, name="nursing"),
    path("district-nursing/<int:pk>/intake/", nursing_views.nursing_intake, name="nursing_intake"),
    path("district-nursing/<int:pk>/area/", nursing_views.nursing_area, name="nursing_area"),
    path("district-nursing/<int:pk>/assess/", nursing_views.nursing_assess, name="nursing_assess"),
    path("requirements/", nursing_views.requirement_list, name="requirements"),
    path("requirements/<int:pk>/", nursing_views.requirement_edit, name="requirement"),
]
