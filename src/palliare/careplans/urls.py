from django.urls import path

from . import goal_views, views

app_name = "careplans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("patients/<int:pk>/", views.plan_detail, name="plan"),
    path("patients/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("patients/<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("patients/<int:pk>/compare/", views.compare, name="compare"),
    path("patients/<int:pk>/drafts/<int:draft_pk>/", views.draft_detail, name="draft"),
    path("patients/<int:pk>/print/", views.print_pdf, name="print"),
    path("goals/", goal_views.my_goals, name="my_goals"),
    path("goals/<int:goal_pk>/status/", goal_views.goal_status, name="goal_status"),
]
