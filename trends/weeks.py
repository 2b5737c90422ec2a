"""ISO weeks ("2026-W44") counted in settings.TIME_ZONE: Monday 00:00 local to the next Monday."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class InvalidWeek(ValueError):
    """Not an ISO week of the form 2026-W44 (or a week number the year does not have)."""


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = WEEK_PATTERN.match(text.strip())
        if not match:
            raise InvalidWeek(f"{text!r} is not an ISO week; write it like 2026-W44.")
        year, number = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise InvalidWeek(f"{year} has no ISO week {number}.")
        return cls(year, number)

    @classmethod
    def containing(cls, moment: datetime) -> IsoWeek:
        local = timezone.localtime(moment, local_zone()) if timezone.is_aware(moment) else moment
        year, number, _ = local.isocalendar()
        return cls(year, number)

    @classmethod
    def last_complete(cls, now: datetime | None = None) -> IsoWeek:
        """The week before the one `now` (default: the current time) falls in."""
        return cls.containing(now or timezone.now()).shift(-1)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.monday, time.min, tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time.min, tzinfo=local_zone())

    def shift(self, weeks: int) -> IsoWeek:
        year, number, _ = (self.monday + timedelta(weeks=weeks)).isocalendar()
        return IsoWeek(year, number)

    def trailing(self, weeks: int) -> list[IsoWeek]:
        """The `weeks` weeks before this one, most recent first."""
        return [self.shift(-n) for n in range(1, weeks + 1)]
