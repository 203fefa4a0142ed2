from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("received/", views.received, name="received"),
    path("sent/", views.sent, name="sent"),
    path("feedback/", views.feedback_overview, name="feedback_overview"),
    path("patients/<int:patient_pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/admit/", views.admit, name="admit"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
]
