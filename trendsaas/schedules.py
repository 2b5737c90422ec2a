"""Periodic tasks of a fresh install, kept in django-celery-beat's database scheduler.

Each app lists its own in `<app>/schedules.py` as PERIODIC_TASKS: dicts with name, task and a
crontab (minute, hour, day_of_week, …), all in settings.TIME_ZONE. `ensure_periodic_tasks()`
is idempotent; `bin/dev up` calls it through `manage.py setup_demo`.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings


def collect_periodic_tasks() -> list[dict]:
    found: list[dict] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        found.extend(getattr(module, "PERIODIC_TASKS", []))
    return found


def ensure_periodic_tasks() -> list[str]:
    """Create or update every declared periodic task; return their names."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    names = []
    for spec in collect_periodic_tasks():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=spec.get("minute", "0"),
            hour=spec.get("hour", "*"),
            day_of_week=spec.get("day_of_week", "*"),
            day_of_month=spec.get("day_of_month", "*"),
            month_of_year=spec.get("month_of_year", "*"),
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.update_or_create(
            name=spec["name"],
            defaults={"task": spec["task"], "crontab": crontab, "interval": None, "enabled": True},
        )
        names.append(spec["name"])
    return names
