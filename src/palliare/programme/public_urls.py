from django.urls import path

from .views import public

app_name = "programme_public"

urlpatterns = [
    path("organisaties/", public.member_list_public, name="members"),
]
