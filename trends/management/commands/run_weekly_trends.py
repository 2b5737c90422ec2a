"""manage.py run_weekly_trends --week 2026-W44 — compute (or recompute) one week's global trends."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trends.services import WeekPublishedError, compute_week
from trends.weeks import InvalidWeek, IsoWeek


class Command(BaseCommand):
    help = (
        "Compute (or recompute) the global trends of an ISO week (Monday 00:00 to Monday 00:00 in TIME_ZONE). "
        "Without --week: the last complete week. A published week is read-only and is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W44 (default: last complete week).")

    def handle(self, *args, week: str | None, **options) -> None:
        try:
            iso = IsoWeek.parse(week) if week else IsoWeek.last_complete()
            trend_week = compute_week(iso)
        except (InvalidWeek, WeekPublishedError) as exc:
            raise CommandError(str(exc))
        counts = {kind: trend_week.entries.filter(kind=kind).count() for kind in ("keyword", "item")}
        start, end = iso.starts_at, iso.ends_at
        self.stdout.write(
            self.style.SUCCESS(
                f"Trend week {trend_week.week} computed: {counts['keyword']} keywords, {counts['item']} items "
                f"(posts from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} {settings.TIME_ZONE})."
            )
        )
