"""Celery app. Tasks are thin wrappers over plain functions in each app's services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trendsaas.settings")

app = Celery("trendsaas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
