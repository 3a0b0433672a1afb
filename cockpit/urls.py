"""The portfolio at ``/`` and an organisation's dashboard at ``/o/<org_slug>/`` (their names
unchanged: ``home``, ``dashboard``), the guided first run under ``/o/<org_slug>/start/`` and
the sample business; included at the root by ``plannerist.urls``."""

from django.urls import path

from cockpit import first_run_views, sample_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("sample/", sample_views.sample_add, name="sample_add"),
    path("organisations/new/", views.organization_new, name="organization_new"),
    path("o/<slug:org_slug>/", views.dashboard, name="dashboard"),
    path("o/<slug:org_slug>/start/", first_run_views.first_run, name="first_run"),
    path("o/<slug:org_slug>/start/skip/", first_run_views.first_run_skip, name="first_run_skip"),
    path("o/<slug:org_slug>/start/business/", first_run_views.first_run_business, name="first_run_business"),
    path("o/<slug:org_slug>/start/catalogue/", first_run_views.first_run_catalogue, name="first_run_catalogue"),
    path("o/<slug:org_slug>/start/channel/", first_run_views.first_run_channel, name="first_run_channel"),
    path("o/<slug:org_slug>/start/history/", first_run_views.first_run_history, name="first_run_history"),
    path("o/<slug:org_slug>/start/promotion/", first_run_views.first_run_promotion, name="first_run_promotion"),
    path("o/<slug:org_slug>/sample/remove/", sample_views.sample_remove, name="sample_remove"),
]
