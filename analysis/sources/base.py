"""The source-connector interface: a Source yields raw records, the ingest service does the rest.

A connector only fetches and frames records (one JSON object each, in the ingest format of
docs/ingest-and-analysis.md); validation, upserts, media and analysis are shared by every source,
so a new platform never re-implements them. docs/ingest-and-analysis.md shows how to add one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RawRecord:
    """One record as the source delivered it, before validation.

    `data` is the decoded JSON value (None when it could not be decoded; `error` says why).
    `line` is the 1-based line number for file sources; `index` the 0-based position in the source.
    `base_dir` resolves relative media paths (file sources); None means paths are not accepted.
    """

    index: int
    data: Any = None
    error: str = ""
    line: int | None = None
    base_dir: Path | None = None

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else f"item {self.index}"


class Source(ABC):
    """A stream of raw post records."""

    #: Human name for progress and reports, e.g. the file name or "instagram graph API".
    name: str = "source"
    #: Whether URL media are fetched during ingest (True) or left to the analysis workers (False).
    fetch_media_inline: bool = True

    @abstractmethod
    def __iter__(self) -> Iterator[RawRecord]:
        """Yield records in order."""

    def estimated_total(self) -> int | None:
        """How many records to expect, if cheaply known (for progress and time left)."""
        return None
