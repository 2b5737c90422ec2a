"""Near-duplicates that string rules miss, merged by the real MiniLM embeddings (offline package)."""

import pytest

from tests.trends.helpers import WEEK, crowd, post
from trends.models import KeywordAlias, TrendEntry
from trends.services import compute_week

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


def keys(week) -> dict[str, int]:
    return dict(TrendEntry.objects.filter(week__week=str(week), kind="keyword").values_list("key", "creators"))


def test_synonymous_phrasings_merge_and_the_merge_holds_in_later_weeks():
    for c in crowd(6):
        post(c, keywords=("wide leg pants",))
    for c in crowd(4):
        post(c, keywords=("wide leg trousers",))
    for c in crowd(5):
        post(c, keywords=("black jeans",))
    for c in crowd(5):
        post(c, keywords=("blue jeans",))
    compute_week(WEEK)
    found = keys(WEEK)
    assert found["wide leg pants"] == 10 and "wide leg trousers" not in found
    assert found["black jeans"] == 5 and found["blue jeans"] == 5  # similar words, different trends
    alias = KeywordAlias.objects.get()
    assert (alias.alias, alias.key, alias.source) == ("widelegtrouser", "wide leg pants", "embedding")
    assert alias.similarity >= 0.9

    later = WEEK.shift(1)
    for c in crowd(3):
        post(c, later, keywords=("wide leg trousers",))
    for c in crowd(3):
        post(c, later, keywords=("wide leg pants",))
    compute_week(later)
    assert keys(later)["wide leg pants"] == 6
