from django.urls import path

from .views import governance, home, members, plan

app_name = "programme"

urlpatterns = [
    path("", home.programme_home, name="home"),
    path("members/", members.member_list, name="members"),
    path("members/new/", members.member_add, name="member_add"),
    path("members/<int:pk>/", members.member_detail, name="member"),
    path("members/<int:pk>/edit/", members.member_edit, name="member_edit"),
    path("bodies/", governance.body_list, name="bodies"),
    path("bodies/new/", governance.body_add, name="body_add"),
    path("bodies/<int:pk>/", governance.body_detail, name="body"),
    path("bodies/<int:pk>/members/add/", governance.body_member_add, name="body_member_add"),
    path(
        "bodies/<int:pk>/members/<int:seat_pk>/end/",
        governance.body_member_end,
        name="body_member_end",
    ),
    path("bodies/<int:pk>/meetings/new/", governance.meeting_add, name="meeting_add"),
    path("bodies/<int:pk>/decisions/new/", governance.decision_add, name="decision_add"),
    path("meetings/<int:pk>/", governance.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/status/", governance.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/topics/add/", governance.topic_add, name="topic_add"),
    path(
        "meetings/<int:pk>/topics/<int:topic_pk>/documents/add/",
        governance.document_upload,
        name="document_upload",
    ),
    path("meetings/<int:pk>/minutes/", governance.minutes_save, name="minutes_save"),
    path("meetings/<int:pk>/attendance/", governance.attendance_save, name="attendance_save"),
    path("meetings/<int:pk>/invitation.ics", governance.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/actions/add/", governance.action_add, name="action_add"),
    path("documents/<int:pk>/", governance.document_download, name="document"),
    path("decisions/", governance.decision_list, name="decisions"),
    path("decisions/<int:pk>/", governance.decision_detail, name="decision"),
    path("actions/<int:pk>/done/", governance.action_done, name="action_done"),
    path("plan/", plan.plan_overview, name="plan"),
    path("plan/timeline/", plan.plan_timeline, name="timeline"),
    path("plan/lines/new/", plan.action_line_edit, name="action_line_add"),
    path("plan/lines/<int:pk>/", plan.action_line_detail, name="action_line"),
    path("plan/lines/<int:pk>/edit/", plan.action_line_edit, name="action_line_edit"),
    path("plan/lines/<int:pk>/assignment/", plan.assignment_edit, name="assignment_edit"),
    path("plan/lines/<int:pk>/deliverables/new/", plan.deliverable_add, name="deliverable_add"),
    path("plan/workbook/new/", plan.deliverable_add, name="workbook_add"),
    path("plan/deliverables/<int:pk>/", plan.deliverable_detail, name="deliverable"),
    path("plan/deliverables/<int:pk>/submit/", plan.deliverable_submit, name="deliverable_submit"),
    path("plan/deliverables/<int:pk>/adopt/", plan.deliverable_adopt, name="deliverable_adopt"),
]
