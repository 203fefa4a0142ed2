from django.urls import path

from .views import actions, agenda, coreteams, exports, meetings

app_name = "meetings"

urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("new/", meetings.meeting_create, name="create"),
    path("actions/", actions.my_actions, name="my_actions"),
    path("actions/<int:action_pk>/done/", actions.action_done, name="action_done"),
    path("actions/<int:action_pk>/reopen/", actions.action_reopen, name="action_reopen"),
    path("core-teams/", coreteams.core_team_list, name="core_teams"),
    path("core-teams/new/", coreteams.core_team_create, name="core_team_create"),
    path("core-teams/<int:pk>/", coreteams.core_team_detail, name="core_team"),
    path("core-teams/<int:pk>/edit/", coreteams.core_team_edit, name="core_team_edit"),
    path(
        "core-teams/<int:pk>/members/add/",
        coreteams.core_team_member_add,
        name="core_team_member_add",
    ),
    path(
        "core-teams/<int:pk>/members/<int:member_pk>/end/",
        coreteams.core_team_member_end,
        name="core_team_member_end",
    ),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/cancel/", meetings.meeting_cancel, name="cancel"),
    path("<int:pk>/prepare/", meetings.meeting_prepare, name="prepare"),
    path("<int:pk>/held/", meetings.meeting_held, name="held"),
    path("<int:pk>/attendees/add/", meetings.attendee_add, name="attendee_add"),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/remove/",
        meetings.attendee_remove,
        name="attendee_remove",
    ),
    path(
        "<int:pk>/attendees/<int:attendee_pk>/",
        meetings.attendee_update,
        name="attendee_update",
    ),
    path("<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/", agenda.agenda_item, name="item"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", agenda.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/<int:item_pk>/actions/add/", agenda.action_add, name="action_add"),
    path("<int:pk>/agenda.pdf", exports.agenda_pdf, name="agenda_pdf"),
    path("<int:pk>/minutes.pdf", exports.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/meeting.ics", exports.meeting_ics, name="ics"),
]
