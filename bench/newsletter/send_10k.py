"""Benchmark: render and send one weekly issue to N subscribers through a local SMTP sink.

    .venv/bin/python bench/newsletter/send_10k.py [--subscribers 10000] [--batch 500]

Uses a throw-away SQLite database and an SMTP sink in its own process (so the sink does
not share the sender's interpreter). Prints messages per second for the whole send: building
the issue, creating the Delivery rows, rendering, SMTP and recording each delivery.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
CEILING_MESSAGES = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(tmp: Path, port: int, batch: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "trendsaas.settings",
            "DEBUG": "0",  # DEBUG would log every query in memory
            "SECRET_KEY": "benchmark-only-secret-key",
            "TRENDSAAS_VAR_DIR": str(tmp),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "NEWSLETTER_BATCH_SIZE": str(batch),
            "SITE_URL": "https://trends.example.com",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def make_week():
    from django.conf import settings
    from django.utils import timezone

    from trends.models import TrendEntry, TrendWeek

    starts = datetime.fromisocalendar(2026, 44, 1).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    week = TrendWeek.objects.create(
        week="2026-W44",
        starts_at=starts,
        ends_at=starts + timedelta(days=7),
        status="published",
        computed_at=timezone.now(),
        published_at=timezone.now(),
    )
    labels = ["breakout", "rising", "rising", "new", "steady"]
    entries = []
    for kind, count in (("item", 30), ("keyword", 40)):
        for rank in range(1, count + 1):
            segment = ("fashion", "beauty", "")[rank % 3]
            posts = [
                {
                    "post_id": rank * 100 + n,
                    "platform": "instagram",
                    "external_id": f"{kind}{rank}-{n}",
                    "handle": f"creator{(rank + n) % 40}",
                    "influence": 1000.0 / (rank + n),
                    "caption": f"Look {rank}.{n}: this season's favourite #ootd #{kind}{rank}",
                    "crop_url": f"/media/crops/2026/10/{kind}-{rank}-{n}.jpg",
                }
                for n in range(3)
            ]
            creators = [
                {"creator_id": n, "handle": p["handle"], "followers": 10_000 * (n + 1)} for n, p in enumerate(posts)
            ]
            entries.append(
                TrendEntry(
                    week=week,
                    kind=kind,
                    key=f"{kind}-{rank}",
                    display_name=f"{segment or 'cross-over'} {kind} {rank}",
                    segment=segment,
                    rank=rank,
                    score=100.0 - rank,
                    label=labels[rank % len(labels)],
                    growth=1.5 / rank,
                    posts=12,
                    creators=5,
                    evidence={"posts": posts, "creators": creators},
                )
            )
    TrendEntry.objects.bulk_create(entries)
    return week


def make_subscribers(n: int) -> None:
    from django.utils import timezone

    from newsletter.models import Subscriber

    now = timezone.now()
    rows = [
        Subscriber(
            email=f"reader{i}@shop{i % 97}.example",
            status="active",
            fashion=i % 3 != 1,
            beauty=i % 3 != 0,
            confirmed_at=now,
        )
        for i in range(n)
    ]
    Subscriber.objects.bulk_create(rows, batch_size=2000)


def cpu_seconds() -> float:
    """CPU used by this process and its finished children (forked workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def smtplib_ceiling(issue, port: int, count: int = 1000) -> float:
    """What one connection achieves with no database, rendering or signing: the machine's ceiling."""
    import smtplib

    from newsletter.models import Subscriber
    from newsletter.services.content import render_issue
    from newsletter.services.mail import PreparedIssue

    subscriber = Subscriber.objects.first()
    prepared = PreparedIssue(render_issue(issue, ("fashion", "beauty")))
    raw = prepared.raw(subscriber)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        started = time.perf_counter()
        for _ in range(count):
            smtp.sendmail(prepared.from_address, [subscriber.email], raw)
        return count / (time.perf_counter() - started)


def worker(issue_id: int) -> None:
    """One sending worker, as a Celery worker would run it: batches until nothing is claimable."""
    from newsletter.models import NewsletterIssue
    from newsletter.services import sending

    sending.send_issue(NewsletterIssue.objects.get(pk=issue_id))


def send_with_workers(issue_id: int, workers: int) -> None:
    if workers == 1:
        worker(issue_id)
        return
    from django.db import connections

    connections.close_all()  # each forked worker opens its own database connection
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=worker, args=(issue_id,)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a worker failed with exit code {process.exitcode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="concurrent sending processes (Celery workers)")
    parser.add_argument("--aiosmtpd", action="store_true", help="use aiosmtpd as the sink (slow, see sink.py)")
    args = parser.parse_args()

    port = free_port()
    command = [sys.executable, str(Path(__file__).with_name("sink.py")), str(port)]
    sink = subprocess.Popen(command + (["--aiosmtpd"] if args.aiosmtpd else []), stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory(prefix="newsletter-bench-") as tmp:
            configure(Path(tmp), port, args.batch)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            week = make_week()
            make_subscribers(args.subscribers)

            from newsletter.models import Delivery
            from newsletter.services import sending

            cpu_before = cpu_seconds()
            started = time.perf_counter()
            issue = sending.create_issue(week)
            sending.schedule_issue(issue)
            prepared = time.perf_counter()
            send_with_workers(issue.pk, args.workers)
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds() - cpu_before
            issue.refresh_from_db()
            sent = Delivery.objects.filter(issue=issue, status="sent").count()
            ceiling = smtplib_ceiling(issue, port, CEILING_MESSAGES)
    finally:
        sink.terminate()
        received = sink.communicate(timeout=30)[0].strip()

    sink_name = "aiosmtpd" if args.aiosmtpd else "asyncio sink"
    print(f"subscribers: {args.subscribers}  batch: {args.batch}  workers: {args.workers}  sink: {sink_name}")
    sink_messages = int(received.split()[1]) - CEILING_MESSAGES
    print(f"issue: {issue.status}  deliveries sent: {sent}  messages the sink received for the issue: {sink_messages}")
    print(f"building the issue: {prepared - started:.2f} s  whole send: {elapsed:.2f} s")
    print(f"throughput: {sent / elapsed:.0f} messages/s (target >= 300)")
    print(f"sender CPU: {cpu * 1000 / max(sent, 1):.2f} ms per message (the sink and other processes excluded)")
    print(f"for scale, bare smtplib re-sending one ready message on one connection: {ceiling:.0f} messages/s")


if __name__ == "__main__":
    main()
