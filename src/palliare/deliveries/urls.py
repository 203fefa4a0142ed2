from django.urls import path

from . import views

app_name = "deliveries"

urlpatterns = [
    path("", views.own, name="own"),
    path("deliver/<int:data_set_id>/<str:period>/", views.deliver, name="deliver"),
    path(
        "deliver/<int:data_set_id>/<str:period>/template.<str:fmt>",
        views.template,
        name="template",
    ),
    path("deliveries/<int:pk>/", views.detail, name="detail"),
    path("deliveries/<int:pk>/review/", views.review, name="review"),
    path("completeness/", views.completeness, name="completeness"),
    path("data-sets/", views.data_sets, name="data_sets"),
    path("data-sets/new/", views.data_set_edit, name="data_set_new"),
    path("data-sets/<int:pk>/", views.data_set_edit, name="data_set"),
    path("elements/new/", views.element_edit, name="element_new"),
    path("elements/<int:pk>/", views.element_edit, name="element"),
]
