"""Build and send an issue from the shell, without a worker (ops, the demo, debugging)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from newsletter.services import sending
from trends.models import TrendWeek


class Command(BaseCommand):
    help = "Send the issue of a published week (default: the latest) to every active subscriber, now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W44 (default: latest published)")

    def handle(self, *args, week: str | None = None, **options) -> None:
        trend_week = TrendWeek.objects.filter(week=week).first() if week else sending.latest_published_week()
        if trend_week is None:
            raise CommandError(f"No published week {week or ''}".strip() + ".")
        try:
            issue = sending.create_issue(trend_week)
        except ValueError as exc:
            raise CommandError(str(exc))
        sending.schedule_issue(issue)
        step = sending.send_issue(issue)
        result = step.result
        self.stdout.write(
            f"{trend_week.week}: {result.sent} sent, {result.failed} failed, {result.deferred} deferred, "
            f"{result.skipped} skipped; issue is {issue.status}."
        )
        if step.retry_at and not step.done:
            self.stdout.write(f"Deferred messages can be retried from {step.retry_at:%Y-%m-%d %H:%M} (re-run me).")
