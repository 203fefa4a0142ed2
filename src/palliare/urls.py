"""Root URL configuration."""

from django.urls import include, path

from palliare.fhir import views as fhir_views
from palliare.ui import views as ui_views
from palliare.ui.admin_site import site as admin_site

urlpatterns = [
    path("", include("palliare.ui.urls")),
    path("accounts/", include("palliare.accounts.urls")),
    path("directory/", include("palliare.organizations.urls")),
    path("patients/", include("palliare.patients.urls")),
    path("careplans/", include("palliare.careplans.urls")),
    path("acute/", include("palliare.acute.urls")),
    path("acute/", include("palliare.audit.moved_urls")),  # the access report's old paths
    path("privacy/", include("palliare.audit.urls")),
    path("meetings/", include("palliare.meetings.urls")),
    path("notifications/", include("palliare.notifications.urls")),
    path("consultations/", include("palliare.consultations.urls")),
    path("capacity/", include("palliare.capacity.urls")),
    path("directory-exchange/", include("palliare.organizations.exchange.urls")),
    path("zorgzoeker/", include("palliare.finder.urls")),
    path("api/v1/", include("palliare.api.urls")),
    path("referrals/", include("palliare.referrals.urls")),
    path("fhir/", include("palliare.fhir.urls")),
    path("launch/", include("palliare.launch.urls")),
    path("fhir", fhir_views.root, name="fhir_root_without_slash"),  # POST [base] as FHIR says
    path("deliveries/", include("palliare.deliveries.urls")),
    path("monitoring/planning/", include("palliare.planning.urls")),
    path("monitoring/", include("palliare.monitoring.urls")),
    path("programme/", include("palliare.programme.urls")),
    path("netwerk/", include("palliare.programme.public_urls")),
    path("scholing/", include("palliare.training.urls")),
    path("netwerk/", include("palliare.engagement.urls")),
    path("admin/", admin_site.urls),
    path("i18n/setlang/", ui_views.switch_language, name="set_language"),
    path("healthz", ui_views.healthz, name="healthz"),
]
