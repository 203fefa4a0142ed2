from django.urls import path, re_path

from . import views

app_name = "fhir"

_TYPE = r"(?P<resource_type>[^/]+)"
_ID = r"(?P<logical_id>[^/]+)"
_VID = r"(?P<version>[^/]+)"

urlpatterns = [
    path("", views.root, name="root"),
    path("metadata", views.metadata, name="metadata"),
    path(".well-known/smart-configuration", views.smart_config, name="smart_configuration"),
    path("auth/token", views.token, name="token"),
    re_path(rf"^{_TYPE}/_search$", views.search_post, name="search_post"),
    re_path(r"^_history/?$", views.unsupported_history, name="system_history"),
    re_path(rf"^{_TYPE}/_history/?$", views.unsupported_history, name="type_history"),
    re_path(rf"^{_TYPE}/{_ID}/_history/?$", views.history, name="history"),
    re_path(rf"^{_TYPE}/{_ID}/_history/{_VID}$", views.vread, name="vread"),
    re_path(rf"^{_TYPE}/{_ID}$", views.instance, name="instance"),
    re_path(rf"^{_TYPE}/?$", views.type_level, name="type"),
    re_path(r"^.*$", views.unknown, name="unknown"),
]
