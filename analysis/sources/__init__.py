"""Where raw post records come from: files today, platform APIs tomorrow (see base.Source)."""

from analysis.sources.base import RawRecord, Source
from analysis.sources.jsonl import JsonlFileSource
from analysis.sources.memory import RecordListSource

__all__ = ["JsonlFileSource", "RawRecord", "RecordListSource", "Source"]
