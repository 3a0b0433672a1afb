from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanneristConfig(AppConfig):
    name = "plannerist"
    verbose_name = _("Plannerist")

    def ready(self) -> None:
        from plannerist import celery  # noqa: F401  (makes the Celery app the current one)
