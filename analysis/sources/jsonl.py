"""JSON Lines files in the ingest format: one post per line, UTF-8, blank lines ignored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from analysis.sources.base import RawRecord, Source


class JsonlFileSource(Source):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)

    def estimated_total(self) -> int:
        with self.path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())

    def __iter__(self) -> Iterator[RawRecord]:
        base_dir = self.path.resolve().parent
        index = 0
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                yield self._decode(index, number, raw, base_dir)
                index += 1

    @staticmethod
    def _decode(index: int, number: int, raw: bytes, base_dir: Path) -> RawRecord:
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            return RawRecord(index, error=f"not UTF-8 ({exc.reason} at byte {exc.start})", line=number)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return RawRecord(index, error=f"invalid JSON: {exc.msg} (column {exc.colno})", line=number)
        return RawRecord(index, data=data, line=number, base_dir=base_dir)
