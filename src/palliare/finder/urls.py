from django.urls import path

from . import views

app_name = "finder"

urlpatterns = [
    path("", views.care_finder, name="finder"),
]
