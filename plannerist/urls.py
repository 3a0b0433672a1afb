from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from plannerist import health, views
from plannerist.forms import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm  # the admin's login is throttled too
handler500 = "plannerist.middleware.server_error"  # a lost database answers 503, not 500

org_patterns = [
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("members/<int:membership_id>/password-link/", views.member_password_link, name="member_password_link"),
    path("invitations/<int:invitation_id>/renew/", views.invitation_renew, name="invitation_renew"),
    path("invitations/<int:invitation_id>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("export/", views.organization_export, name="organization_export"),
    path("delete/", views.organization_delete, name="organization_delete"),
    path("campaigns/", include("campaigns.urls")),
    path("capacity/", include("capacity.urls")),
    path("kpis/reviews/", include("reviews.urls")),  # before kpis/, whose paths it once was
    path("kpis/", include("sales.urls")),  # quick entry and imports, kept at their paths
    path("kpis/", include("kpis.urls")),
    path("forecast/", include("forecasting.urls")),
]

urlpatterns = [
    path("", include("cockpit.urls")),  # the portfolio and the dashboard (/o/<slug>/)
    path("healthz/", health.healthz, name="healthz"),
    path("healthz/db/", health.healthz_db, name="healthz_db"),
    # Before allauth's URLs, whose login and reset they replace (same paths, same names).
    path("accounts/login/", views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/password/reset/", views.ProductPasswordResetView.as_view(), name="account_reset_password"),
    path("accounts/password/reset/done/", views.ProductPasswordResetDoneView.as_view(),
         name="account_reset_password_done"),
    # The reset's former addresses (bookmarks, old mails) lead to allauth's.
    path("accounts/password_reset/", RedirectView.as_view(pattern_name="account_reset_password"),
         name="password_reset"),
    path("accounts/password_reset/done/", RedirectView.as_view(pattern_name="account_reset_password"),
         name="password_reset_done"),
    path("accounts/", include("allauth.urls")),
    # Django's remain for the one-time link an owner gives a member (/accounts/reset/…/).
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/accept/", views.invitation_answer, {"answer": "accept"},
         name="invitation_accept"),
    path("invitations/<int:invitation_id>/decline/", views.invitation_answer, {"answer": "decline"},
         name="invitation_decline"),
    path("join/<str:token>/", views.invitation_open, name="invitation_open"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("o/<slug:org_slug>/", include(org_patterns)),
]
