"""The portfolio at ``/`` and an organisation's dashboard at ``/o/<org_slug>/`` (their names
unchanged: ``home``, ``dashboard``); included at the root by ``plannerist.urls``."""

from django.urls import path

from cockpit import views

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:org_slug>/", views.dashboard, name="dashboard"),
]
