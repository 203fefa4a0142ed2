from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.training_list, name="list"),
    path("sessies/<int:pk>/", views.session_detail, name="session"),
    path("sessies/<int:pk>/aanmelden/", views.register, name="register"),
    path("aanmeldingen/<int:pk>/afmelden/", views.cancel, name="cancel"),
    path("aanmeldingen/<int:pk>/certificaat/", views.certificate, name="certificate"),
    path("aanmeldingen/<int:pk>/evaluatie/", views.evaluate, name="evaluate"),
    path("beheer/", views.manage, name="manage"),
    path("beheer/cursussen/nieuw/", views.course_form, name="course_create"),
    path("beheer/cursussen/<int:pk>/", views.course_form, name="course_edit"),
    path("beheer/sessies/nieuw/", views.session_form, name="session_create"),
    path("beheer/sessies/<int:pk>/wijzigen/", views.session_form, name="session_edit"),
    path("beheer/sessies/<int:pk>/", views.manage_session, name="manage_session"),
    path("beheer/sessies/<int:pk>/aanwezigheid/", views.attendance, name="attendance"),
    path("beheer/aanmeldingen/<int:pk>/afmelden/", views.organiser_cancel, name="organiser_cancel"),
    path("beheer/kennisdragers/", views.carriers, name="carriers"),
    path("beheer/kennisdragers/<int:pk>/beeindigen/", views.carrier_end, name="carrier_end"),
    path("beheer/cijfers/", views.figures, name="figures"),
]
