"""manage.py export_trends --week 2026-W44 — print that week's trends as JSON (the export contract)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trends.services import WeekNotFound, export_week
from trends.weeks import InvalidWeek


class Command(BaseCommand):
    help = "Print a computed week's trends as one JSON object on standard output (see the ingest spec)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2026-W44.")
        parser.add_argument("--indent", type=int, default=None, help="Pretty-print with this indent.")

    def handle(self, *args, week: str, indent: int | None, **options) -> None:
        try:
            data = export_week(week)
        except (InvalidWeek, WeekNotFound) as exc:
            raise CommandError(str(exc))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent))
