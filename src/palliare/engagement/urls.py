from django.urls import path

from .views import manage, public

app_name = "engagement"

urlpatterns = [
    path("activiteiten/", public.calendar, name="calendar"),
    path("activiteiten/<int:pk>/", public.event_detail, name="event"),
    path("activiteiten/<int:pk>/agenda.ics", public.event_ics, name="event_ics"),
    path("activiteiten/bevestigen/<str:token>/", public.attendee_confirm, name="attendee_confirm"),
    path("activiteiten/afmelden/<str:token>/", public.attendee_cancel, name="attendee_cancel"),
    path("kijk-in-uw-mail/", public.check_mail, name="check_mail"),
    path("dood-uit-de-pot/", public.campaign_page, name="campaign"),
    path("nieuwsbrief/", public.newsletter_page, name="newsletter"),
    path(
        "nieuwsbrief/bevestigen/<str:token>/",
        public.subscription_confirm,
        name="subscription_confirm",
    ),
    path("nieuwsbrief/afmelden/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("nieuwsbrief/voorkeuren/<str:token>/", public.preferences, name="preferences"),
    path("nieuwsbrief/archief/", public.archive, name="archive"),
    path("nieuwsbrief/archief/<int:pk>/", public.archive_edition, name="archive_edition"),
    path(
        "nieuwsbrief/abonneren-als-professional/",
        manage.subscribe_professional,
        name="subscribe_professional",
    ),
    path("pagina/<slug:slug>/", public.page, name="page"),
    path("beheer/", manage.dashboard, name="manage"),
    path("beheer/activiteiten/nieuw/", manage.event_form, name="event_create"),
    path("beheer/activiteiten/<int:pk>/", manage.event_form, name="manage_event"),
    path("beheer/activiteiten/<int:pk>/opkomst/", manage.event_attendance, name="event_attendance"),
    path("beheer/nieuwsbrief/nieuw/", manage.edition_form, name="edition_create"),
    path("beheer/nieuwsbrief/<int:pk>/", manage.edition_detail, name="edition"),
    path("beheer/nieuwsbrief/<int:pk>/wijzigen/", manage.edition_form, name="edition_edit"),
    path(
        "beheer/nieuwsbrief/<int:pk>/voortgang/", manage.edition_progress, name="edition_progress"
    ),
    path("beheer/nieuwsbrief/<int:pk>/test/", manage.edition_test, name="edition_test"),
    path("beheer/nieuwsbrief/<int:pk>/versturen/", manage.edition_send, name="edition_send"),
    path("beheer/paginas/<slug:slug>/", manage.page_form, name="page_edit"),
]
