"""The demo step: a generated world loaded, its weeks computed and published, idempotently."""

from io import StringIO

import pytest

from analysis.models import AssetStatus, MediaAsset, Post
from trends import demo
from trends.models import TrendEntry, TrendWeek

pytestmark = pytest.mark.django_db


def test_setup_demo_publishes_every_generated_week_once(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(demo, "DEMO_CREATORS", 300)
    monkeypatch.setattr(demo, "DEMO_WEEKS", 3)
    out = StringIO()
    demo.setup_demo(out)
    weeks = TrendWeek.objects.order_by("week")
    assert weeks.count() == 3 and all(w.is_published for w in weeks)
    assert (tmp_path / "demo" / "trends-world.jsonl").stat().st_size > 0
    posts = Post.objects.filter(external_id__startswith=demo.DEMO_PREFIX)
    assert posts.exists() and not MediaAsset.objects.exclude(status=AssetStatus.ANALYZED).exists()
    item = TrendEntry.objects.filter(kind="item").first()
    crop = item.evidence["posts"][0]["crop_url"]
    assert crop.startswith("/media/demo/swatches/") and (settings.MEDIA_ROOT / crop.removeprefix("/media/")).exists()

    count = posts.count()
    again = StringIO()
    demo.setup_demo(again)
    assert "already published" in again.getvalue()
    assert Post.objects.filter(external_id__startswith=demo.DEMO_PREFIX).count() == count
