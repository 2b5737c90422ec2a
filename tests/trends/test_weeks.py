from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from trends.weeks import InvalidWeek, IsoWeek

SEOUL = ZoneInfo("Asia/Seoul")


def test_week_runs_monday_to_monday_in_the_configured_time_zone():
    week = IsoWeek.parse("2026-W44")
    assert week.starts_at == datetime(2026, 10, 26, 0, 0, tzinfo=SEOUL)
    assert week.ends_at - week.starts_at == timedelta(days=7)
    # Sunday 23:30 in Seoul is still W44, although it is Sunday 14:30 UTC; Monday 00:10 is W45.
    assert IsoWeek.containing(datetime(2026, 11, 1, 23, 30, tzinfo=SEOUL)) == week
    assert str(IsoWeek.containing(datetime(2026, 11, 2, 0, 10, tzinfo=SEOUL))) == "2026-W45"


@override_settings(TIME_ZONE="America/New_York")
def test_other_time_zone_moves_the_boundary():
    week = IsoWeek.parse("2026-W44")
    assert week.starts_at.utcoffset() == timedelta(hours=-4)
    # 2026-11-02 03:00 UTC is still Sunday evening in New York.
    assert str(IsoWeek.containing(datetime(2026, 11, 2, 3, 0, tzinfo=ZoneInfo("UTC")))) == "2026-W44"


def test_year_boundaries_and_shifts():
    assert str(IsoWeek.parse("2026-W01").shift(-1)) == "2025-W52"
    assert str(IsoWeek.parse("2026-W53").shift(1)) == "2027-W01"  # 2026 has 53 ISO weeks
    assert [str(w) for w in IsoWeek.parse("2026-W02").trailing(2)] == ["2026-W01", "2025-W52"]
    assert str(IsoWeek.last_complete(datetime(2026, 11, 2, 6, 0, tzinfo=SEOUL))) == "2026-W44"


@pytest.mark.parametrize("text", ["2026-44", "2026W44", "26-W44", "2026-W4", "2025-W53", "2026-W00", ""])
def test_malformed_weeks_are_refused(text):
    with pytest.raises(InvalidWeek):
        IsoWeek.parse(text)
