from django.urls import path

from .views import actions, patient, register, signals, suggestions, volunteers

app_name = "patients"

urlpatterns = [
    path("", register.register, name="register"),
    path("new/", register.register_patient, name="create"),
    path("signals/", signals.inbox, name="signal_inbox"),
    path("suggestions/", suggestions.suggestion_list, name="suggestions"),
    path("suggestions/rules/", suggestions.suggestion_rules, name="suggestion_rules"),
    path("<int:pk>/suggestion/dismiss/", suggestions.suggestion_dismiss, name="suggestion_dismiss"),
    path("<int:pk>/suggestion/reopen/", suggestions.suggestion_reopen, name="suggestion_reopen"),
    path("volunteers/", volunteers.inbox, name="volunteer_inbox"),
    path("volunteers/<int:step_pk>/<str:status>/", volunteers.answer, name="volunteer_answer"),
    path("signals/sent/", signals.sent, name="signals_sent"),
    path("signals/new/", signals.choose_patient, name="signal_choose"),
    path("signals/<int:pk>/acknowledge/", signals.acknowledge, name="signal_acknowledge"),
    path("signals/<int:pk>/handle/", signals.handle, name="signal_handle"),
    path("<int:pk>/", patient.patient_detail, name="detail"),
    path("<int:pk>/edit/", patient.patient_edit, name="edit"),
    path("<int:pk>/timeline/", patient.patient_timeline, name="timeline"),
    path("<int:pk>/consent/", actions.consent_record, name="consent"),
    path(
        "<int:pk>/consent/<int:consent_pk>/withdraw/",
        actions.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/mark/", actions.mark, name="mark"),
    path("<int:pk>/unmark/", actions.unmark, name="unmark"),
    path("<int:pk>/indicators/", actions.screening, name="screening"),
    path("<int:pk>/urgency/", actions.urgency, name="urgency"),
    path("<int:pk>/signal/", actions.signal_send, name="signal_send"),
    path("<int:pk>/care-team/add/", actions.care_team_add, name="care_team_add"),
    path(
        "<int:pk>/care-team/<int:member_pk>/central/",
        actions.care_team_central,
        name="care_team_central",
    ),
    path("<int:pk>/care-team/<int:member_pk>/end/", actions.care_team_end, name="care_team_end"),
    path("<int:pk>/caregivers/add/", actions.caregiver_add, name="caregiver_add"),
    path(
        "<int:pk>/caregivers/<int:caregiver_pk>/burden/", actions.burden_check, name="burden_check"
    ),
    path("<int:pk>/volunteers/", actions.volunteers, name="volunteers"),
    path("<int:pk>/death/", actions.death, name="death"),
]
