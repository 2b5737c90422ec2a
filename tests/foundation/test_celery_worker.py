"""A real Celery worker process, on the broker from settings, runs a product task against the test DB."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tenants.models import Invitation, Membership, Role
from tenants.services import invite
from tenants.tasks import expire_invitations
from tests.conftest import make_tenant
from trendsaas.celery import app
from trendsaas.schedules import collect_periodic_tasks, ensure_periodic_tasks

WORKER_DEADLINE_S = 90


def test_database_url() -> str:
    """The URL of the database this test runs on, for a process started outside pytest."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def start_worker(queue: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    command = [
        sys.executable, "-m", "celery", "-A", "trendsaas", "worker", "--pool=solo", "--queues", queue,
        "--hostname", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
    ]  # fmt: skip
    log = log_path.open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


def test_real_worker_expires_invitations(transactional_db, tmp_path):
    tenant = make_tenant("alpha", "owner@alpha.test")
    actor = Membership.objects.get(tenant=tenant, role=Role.OWNER)
    lapsed = invite(actor, "lapsed@shop.test", Role.MEMBER)
    fresh = invite(actor, "fresh@shop.test", Role.MEMBER)
    Invitation.unscoped.filter(pk=lapsed.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    # The task must travel through the broker, never run in this process.
    assert not app.conf.task_always_eager
    # A queue of our own: no other worker (a dev server, a parallel test run) can take the task.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    worker = start_worker(queue, log_path)
    try:
        expire_invitations.apply_async(queue=queue)
        deadline = time.monotonic() + WORKER_DEADLINE_S
        while Invitation.unscoped.get(pk=lapsed.pk).status != Invitation.Status.EXPIRED:
            if worker.poll() is not None:
                pytest.fail(f"worker exited with {worker.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no effect within {WORKER_DEADLINE_S}s; worker log:\n{log_path.read_text()}")
            time.sleep(0.2)  # polling for the effect, bounded by the deadline above
    finally:
        stop_worker(worker)
    assert Invitation.unscoped.get(pk=fresh.pk).status == Invitation.Status.PENDING
    log = log_path.read_text()
    assert "tenants.tasks.expire_invitations" in log and "succeeded" in log


def test_periodic_tasks_are_created_idempotently(db):
    declared = collect_periodic_tasks()
    assert any(spec["task"] == "tenants.tasks.expire_invitations" for spec in declared)
    first = ensure_periodic_tasks()
    count = PeriodicTask.objects.count()
    assert ensure_periodic_tasks() == first
    assert PeriodicTask.objects.count() == count
    expiry = PeriodicTask.objects.get(name="Expire team invitations")
    assert expiry.task == "tenants.tasks.expire_invitations"
    assert expiry.enabled and expiry.crontab.hour == "3"
    assert str(expiry.crontab.timezone) == settings.TIME_ZONE


def test_every_declared_periodic_task_exists(db):
    app.loader.import_default_modules()
    missing = [spec["task"] for spec in collect_periodic_tasks() if spec["task"] not in app.tasks]
    assert missing == []
