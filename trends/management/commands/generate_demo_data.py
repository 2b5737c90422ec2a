"""manage.py generate_demo_data --seed N --weeks W --creators C --out FILE.jsonl — a generated world."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trends.weeks import InvalidWeek, IsoWeek
from trends.world.generator import WorldSpec, generate_world
from trends.world.writers import write_jsonl


class Command(BaseCommand):
    help = (
        "Write a generated world of creators and posts as JSON Lines in the ingest format (one line per metric "
        "snapshot). Planted: rising, steady and declining items and keywords, evergreen tags, spam accounts, a "
        "bot ring and a viral one-off. Media carry an extra 'labels' field (synthetic data only: the pictures do "
        "not exist); see docs/trends.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--weeks", type=int, default=10)
        parser.add_argument("--creators", type=int, default=3000)
        parser.add_argument("--end-week", help="Last generated ISO week (default: the last complete week).")
        parser.add_argument("--snapshots", type=int, default=3, choices=[1, 2, 3], help="Metric snapshots per post.")
        parser.add_argument("--out", type=Path, required=True, help="JSONL file to write.")

    def handle(self, *args, seed: int, weeks: int, creators: int, end_week: str | None, snapshots: int,
               out: Path, **options) -> None:  # fmt: skip
        if weeks < 1 or creators < 50:
            raise CommandError("--weeks must be at least 1 and --creators at least 50.")
        try:
            end = IsoWeek.parse(end_week) if end_week else None
        except InvalidWeek as exc:
            raise CommandError(str(exc))
        world = generate_world(WorldSpec(seed=seed, weeks=weeks, creators=creators, end_week=end, snapshots=snapshots))
        lines = write_jsonl(world, out)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {lines:,} lines ({len(world.posts):,} posts by {len(world.creators):,} creators, "
                f"{world.weeks[0]} to {world.weeks[-1]}) to {out}."
            )
        )
        for planted in world.planted:
            when = f" (week {world.weeks[planted.takeoff]})" if planted.takeoff is not None else ""
            self.stdout.write(f"  planted {planted.role:20} {planted.kind:8} {planted.key}{when}")
