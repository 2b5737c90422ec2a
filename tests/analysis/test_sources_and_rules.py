"""The source-connector interface, the JSONL source, the record rules and the progress lines."""

import pytest

from analysis.progress import Progress
from analysis.sources import JsonlFileSource, RawRecord, RecordListSource, Source
from analysis.validation import RecordRejected, parse_record
from tests.analysis.helpers import post_line


def test_jsonl_source_numbers_lines_skips_blanks_and_explains_bad_bytes(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n\n   \n{"b": \n\xff\xfe\n[1, 2]\n')
    records = list(JsonlFileSource(path))
    assert [(r.line, r.index) for r in records] == [(1, 0), (4, 1), (5, 2), (6, 3)]
    assert records[0].data == {"a": 1} and records[0].base_dir == tmp_path  # a BOM is tolerated
    assert records[1].error.startswith("invalid JSON")
    assert records[2].error.startswith("not UTF-8")
    assert records[3].data == [1, 2] and records[3].where == "line 6"
    assert JsonlFileSource(path).estimated_total() == 4


def test_a_connector_only_has_to_yield_records():
    class FakePlatformApi(Source):
        name = "fake platform API"

        def __iter__(self):
            yield RawRecord(0, data=post_line("API1"))

    record = next(iter(FakePlatformApi()))
    assert parse_record(record.data).external_id == "API1"
    assert RecordListSource([{}]).fetch_media_inline is False


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"platform": "Instagram!"}, "platform must be a lowercase word"),
        ({"external_id": None}, "missing field 'external_id'"),
        ({"influencer": {"handle": "x"}}, "missing field 'influencer.followers'"),
        ({"influencer": {"handle": "x", "followers": True}}, "influencer.followers must be an integer >= 0"),
        ({"influencer": {"handle": "x", "followers": 1.5}}, "influencer.followers must be an integer >= 0"),
        ({"influencer": {"handle": "x", "followers": 1, "country": "XX"}}, "ISO 3166-1 alpha-2"),
        ({"influencer": {"handle": "x", "followers": 1, "segment": "sports"}}, "segment must be one of"),
        ({"posted_at": "2026-10-27 10:14:41"}, "needs a time zone offset or Z"),
        ({"posted_at": "yesterday"}, "is not an ISO 8601 date-time"),
        ({"caption": 42}, "caption must be a string"),
        ({"media": {"type": "image"}}, "media must be a list"),
        ({"metrics": {"views": "1k"}}, "metrics.views must be an integer >= 0"),
        ({"observed_at": "2026-10-28"}, "observed_at needs a time zone offset or Z"),
    ],
)
def test_record_rules(change, reason):
    with pytest.raises(RecordRejected) as exc:
        parse_record({**post_line("X"), **change})
    assert any(reason in r for r in exc.value.reasons), exc.value.reasons


def test_optional_fields_and_defaults():
    record = parse_record(
        {
            "platform": "tiktok",
            "external_id": 123,
            "influencer": {"handle": "@Minji.Style", "followers": 0},
            "posted_at": "2026-10-27T10:14:41+09:00",
            "caption": None,
            "metrics": {"likes": 5},
        }
    )
    assert (record.external_id, record.handle, record.caption) == ("123", "minji.style", "")
    assert record.metrics == {"likes": 5, "comments": 0, "shares": 0, "views": 0}
    assert record.name is None and record.observed_at is None and record.media == []


def test_media_entries_resolve_paths_against_the_file_folder(tmp_path):
    record = parse_record(
        post_line(
            "M",
            media=[
                {"type": "image", "path": "media/a.jpg"},
                {"type": "video", "url": "ftp://x/y.mp4"},
                {"type": "image", "path": "a.jpg", "url": "https://x/a.jpg"},
            ],
        ),
        base_dir=tmp_path,
    )
    assert [m.path for m in record.media] == [tmp_path / "media" / "a.jpg"]
    assert record.media_problems == [
        "media[1]: url must be an http(s) address",
        "media[2]: give exactly one of path or url",
    ]


def test_progress_shows_count_rate_and_time_left():
    now = [0.0]
    lines = []
    progress = Progress("ingest", 1000, lines.append, every=2.0, unit="lines", clock=lambda: now[0])
    now[0] = 1.0
    progress.advance(100)  # under 2 s since the start: no line yet
    now[0] = 4.0
    progress.advance(300)
    now[0] = 10.0
    progress.advance(600)
    progress.finish()
    assert lines == [
        "ingest: 400/1,000 lines (40%) · 100.0/s · about 6 s left",
        "ingest: 1,000/1,000 lines (100%) · 100.0/s",
        "ingest: 1,000/1,000 lines (100%) · 100.0/s · done in 10 s",
    ]
