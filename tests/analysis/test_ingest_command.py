"""manage.py ingest_posts: the contract's command, on a file mixing good and bad lines."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis.models import AnalysisStatus, AssetStatus, Creator, MediaAsset, MetricSnapshot, Post
from tests.analysis.helpers import RUNWAY_PHOTO, post_line

pytestmark = pytest.mark.django_db


def run_ingest(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest_posts", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        out.write(f"\n{exc}")
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def mixed_file(tmp_path, write_jsonl, media_store):
    folder = tmp_path / "media"
    folder.mkdir()
    # A JPEG cut short, as a crawler's interrupted download leaves it.
    (folder / "broken.jpg").write_bytes(RUNWAY_PHOTO.read_bytes()[:4000])
    return write_jsonl(
        [
            post_line("GOOD1", media=[{"type": "image", "path": str(RUNWAY_PHOTO)}]),
            '{"platform": "instagram", "external_id": "BROKEN", ',
            {"platform": "instagram", "influencer": {"followers": 10}, "caption": "no id, handle or date"},
            post_line("BADFOLLOWERS", influencer={"handle": "bot.ring", "followers": "lots"}),
            post_line(
                "CORRUPT",
                caption="Corrupt image beside a good post",
                media=[{"type": "image", "path": "media/broken.jpg"}],
            ),
            "",
            post_line(
                "UNKNOWNTYPE",
                caption="오늘의 데일리룩 배럴진 추천해요 #데일리룩",
                influencer={"handle": "seoyeon", "followers": 5000, "country": "KR"},
                media=[{"type": "gif", "path": "media/anim.gif"}, {"type": "image", "path": str(RUNWAY_PHOTO)}],
            ),
            post_line("NEGATIVE", metrics={"likes": -1}),
        ]
    )


def test_mixed_file_reports_each_problem_with_its_line_and_keeps_every_good_post(mixed_file):
    code, out, err = run_ingest(mixed_file)

    assert code == 1  # lines were rejected
    assert "line 2: rejected: invalid JSON" in out
    assert (
        "line 3: rejected: missing field 'external_id'; missing field 'influencer.handle'; missing field 'posted_at'"
        in out
    )
    assert "line 4: rejected: influencer.followers must be an integer >= 0, got 'lots'" in out
    assert "line 5: media[0]: corrupt image" in out and "(post CORRUPT kept)" in out
    assert "line 7: media[0]: unknown media type 'gif' (expected image or video) (post UNKNOWNTYPE kept)" in out
    assert "line 8: rejected: metrics.likes must be an integer >= 0, got -1" in out
    assert "Created 3, updated 0, rejected 4 (media items failed: 2)." in out
    assert "ingest: 7/7 lines (100%)" in err  # the blank line 6 is not a record

    assert set(Post.objects.values_list("external_id", flat=True)) == {"GOOD1", "CORRUPT", "UNKNOWNTYPE"}
    good = MediaAsset.objects.get(post__external_id="GOOD1")
    assert (good.status, good.width, good.height, good.file_format) == (AssetStatus.STORED, 1000, 1478, "JPEG")
    assert good.size_bytes == RUNWAY_PHOTO.stat().st_size
    assert good.file.read() == RUNWAY_PHOTO.read_bytes()  # copied into the media store
    corrupt = MediaAsset.objects.get(post__external_id="CORRUPT")
    assert corrupt.status == AssetStatus.FAILED and "corrupt image" in corrupt.error
    # The corrupt image fails its asset, never its post's text.
    post = Post.objects.get(external_id="CORRUPT")
    assert post.text_status == AnalysisStatus.PENDING and post.vision_status == AnalysisStatus.FAILED
    assert "image #0: corrupt image" in post.analysis_error
    mixed = Post.objects.get(external_id="UNKNOWNTYPE")
    assert mixed.ingest_problems == ["media[0]: unknown media type 'gif' (expected image or video)"]
    assert list(mixed.assets.values_list("position", "status")) == [(1, AssetStatus.STORED)]
    assert (mixed.language, mixed.hashtags) == ("ko", ["데일리룩"])


def test_clean_file_exits_zero(write_jsonl, media_store):
    code, out, _ = run_ingest(write_jsonl([post_line("A"), post_line("B", caption="Second post")]))
    assert code == 0
    assert "Created 2, updated 0, rejected 0 (media items failed: 0)." in out


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("ingest_posts", str(tmp_path / "nope.jsonl"))


def test_resending_a_post_updates_it_and_keeps_every_snapshot(write_jsonl, media_store):
    run_ingest(write_jsonl([post_line("C9x1")], "day1.jsonl"))
    day2 = post_line(
        "C9x1",
        influencer={"handle": "minji.style", "followers": 190000},  # name, country and segment left out
        metrics={"likes": 9000, "comments": 120},
        observed_at="2026-10-29T00:00:00Z",
    )
    code, out, _ = run_ingest(write_jsonl([day2], "day2.jsonl"))

    assert code == 0 and "Created 0, updated 1, rejected 0" in out
    post = Post.objects.get()
    assert list(post.snapshots.values_list("likes", "comments", "shares")) == [(5120, 88, 12), (9000, 120, 0)]
    assert (post.likes, post.comments, post.shares) == (9000, 120, 0)  # latest metrics on the post
    creator = Creator.objects.get()
    assert (creator.followers, creator.name, creator.country, creator.segment) == (190000, "Minji", "KR", "fashion")

    # An older reading arriving late is kept as history, not as the latest metrics.
    late = post_line("C9x1", metrics={"likes": 7000}, observed_at="2026-10-28T12:00:00Z")
    run_ingest(write_jsonl([late], "late.jsonl"))
    post.refresh_from_db()
    assert MetricSnapshot.objects.filter(post=post).count() == 3 and post.likes == 9000


def test_the_same_line_twice_adds_no_duplicate(write_jsonl, media_store):
    path = write_jsonl([post_line("SAME", media=[{"type": "image", "path": str(RUNWAY_PHOTO)}])])
    run_ingest(path)
    run_ingest(path)
    assert Post.objects.count() == 1 and MetricSnapshot.objects.count() == 1 and MediaAsset.objects.count() == 1


def test_same_photo_in_two_posts_is_stored_once(write_jsonl, media_store):
    media = [{"type": "image", "path": str(RUNWAY_PHOTO)}]
    run_ingest(write_jsonl([post_line("P1", media=media), post_line("P2", media=media)]))
    names = set(MediaAsset.objects.values_list("file", flat=True))
    assert len(names) == 1 and len(list((media_store / "media_assets").rglob("*.jpg"))) == 1
