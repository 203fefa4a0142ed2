from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup_view, name="two_factor_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("membership/", views.switch_membership_view, name="switch_membership"),
    path("account/", views.account_view, name="account"),
    path("access-grants/", views.access_grants_view, name="access_grants"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
