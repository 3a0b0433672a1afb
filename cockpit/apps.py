from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "cockpit"
