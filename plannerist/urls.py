from django.contrib import admin
from django.urls import include, path

from plannerist import views

org_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("campaigns/", include("campaigns.urls")),
    path("capacity/", include("capacity.urls")),
    path("kpis/", include("kpis.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("o/<slug:org_slug>/", include(org_patterns)),
]
