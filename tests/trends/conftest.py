"""Generated worlds for the engine tests: built once per seed and module, removed afterwards.

Seeds here were never used to tune the engine's thresholds (tuning used seeds 1-20), so the tests
below double as the issue's "fresh seed" acceptance check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import override_settings

from analysis.models import Creator
from trends.engine.keys import compact
from trends.models import KeyStat, KeywordAlias, TrendEntry, TrendWeek, WeekStats
from trends.services import compute_week
from trends.weeks import IsoWeek
from trends.world.generator import Planted, World, WorldSpec, generate_world
from trends.world.writers import load_world

WORLD_SEEDS = [4242, 9001, 31337]
END_WEEK = IsoWeek(2026, 44)


@dataclass
class ComputedWorld:
    world: World

    def week(self, index: int) -> str:
        return str(self.world.weeks[index])

    def entries(self, index: int, kind: str) -> list[TrendEntry]:
        return list(TrendEntry.objects.filter(week__week=self.week(index), kind=kind).order_by("rank"))

    def entry(self, index: int, planted: Planted) -> TrendEntry | None:
        match = compact(planted.key) if planted.kind == "keyword" else planted.key
        for entry in self.entries(index, planted.kind):
            if (compact(entry.key) if entry.kind == "keyword" else entry.key) == match:
                return entry
        return None

    def stat(self, index: int, planted: Planted) -> KeyStat | None:
        match = compact(planted.key) if planted.kind == "keyword" else planted.key
        return KeyStat.objects.filter(stats__week=self.week(index), kind=planted.kind, compact=match).first()


@pytest.fixture(autouse=True)
def no_semantic_merge(request, settings):
    """Loading the sentence encoder costs seconds; only tests marked `ml` pay for it."""
    settings.TREND_SEMANTIC_MERGE = request.node.get_closest_marker("ml") is not None


def wipe() -> None:
    TrendWeek.objects.all().delete()
    WeekStats.objects.all().delete()
    KeywordAlias.objects.all().delete()
    Creator.objects.all().delete()


@pytest.fixture(scope="module", params=WORLD_SEEDS, ids=lambda seed: f"seed{seed}")
def computed_world(request, django_db_setup, django_db_blocker):
    """A generated world (2,000 creators, 8 weeks) loaded and every week computed."""
    spec = WorldSpec(
        seed=request.param, weeks=8, creators=2000, end_week=END_WEEK, now=END_WEEK.ends_at + timedelta(days=7)
    )
    world = generate_world(spec)
    with django_db_blocker.unblock(), override_settings(TREND_SEMANTIC_MERGE=False):
        wipe()
        load_world(world)
        for week in world.weeks:
            compute_week(week)
        yield ComputedWorld(world)
        wipe()
