"""URLs of the consultation app, in sub-namespaces so each menu entry highlights on its own
pages: ``consultations:call``, ``consultations:requests``, ``consultations:inbox``,
``consultations:rota``."""

from django.urls import include, path

from .views import call, requests, rota

app_name = "consultations"

call_patterns = [
    path("", call.who_to_call, name="who"),
    path("specialists/", call.specialists, name="specialists"),
]

request_patterns = [
    path("", requests.mine, name="mine"),
    path("new/", requests.new, name="new"),
    path("<int:pk>/", requests.detail, name="detail"),
    path("<int:pk>/accept/", requests.accept, name="accept"),
    path("<int:pk>/advice/", requests.advise, name="advise"),
    path("<int:pk>/close/", requests.close, name="close"),
]

inbox_patterns = [
    path("", requests.inbox, name="list"),
]

rota_patterns = [
    path("", rota.overview, name="overview"),
    path("weekly/new/", rota.weekly_new, name="weekly_new"),
    path("weekly/<int:pk>/", rota.weekly_edit, name="weekly_edit"),
    path("weekly/<int:pk>/remove/", rota.weekly_remove, name="weekly_remove"),
    path("dated/new/", rota.dated_new, name="dated_new"),
    path("dated/<int:pk>/", rota.dated_edit, name="dated_edit"),
    path("dated/<int:pk>/remove/", rota.dated_remove, name="dated_remove"),
]

urlpatterns = [
    path("who-to-call/", include((call_patterns, "call"))),
    path("requests/", include((request_patterns, "requests"))),
    path("inbox/", include((inbox_patterns, "inbox"))),
    path("rota/", include((rota_patterns, "rota"))),
]
