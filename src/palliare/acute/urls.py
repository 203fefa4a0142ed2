from django.urls import path

from . import views

app_name = "acute"

urlpatterns = [
    path("", views.search, name="search"),
    path("patients/<int:pk>/", views.summary, name="summary"),
    path("patients/<int:pk>/emergency/", views.emergency, name="emergency"),
    path("plan/<str:identifier>/", views.plan_code, name="plan_code"),
    path("privacy/emergency/", views.review_queue, name="review_queue"),
    path("privacy/emergency/<int:access_pk>/review/", views.review, name="review"),
]
