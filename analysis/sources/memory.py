"""Records already decoded in memory, e.g. the items of one ingest API request."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from analysis.sources.base import RawRecord, Source


class RecordListSource(Source):
    """Media paths are refused (a remote caller's paths mean nothing here, and reading server files
    on request would be a hole); URL media are fetched by the analysis workers, not in the request."""

    fetch_media_inline = False

    def __init__(self, items: Sequence[Any], name: str = "request") -> None:
        self.items = items
        self.name = name

    def estimated_total(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[RawRecord]:
        for index, item in enumerate(self.items):
            yield RawRecord(index, data=item)
