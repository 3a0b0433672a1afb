"""The Celery application. Loaded by PlanneristConfig.ready() so that ``plannerist`` stays
importable by the pure engines without pulling in Celery or Django."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plannerist.settings")

app = Celery("plannerist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
