"""The issue's 'done when': ingest_posts --analyze on a mixed file with a real photo."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis.models import AnalysisStatus, AssetStatus, Detection, Post
from tests.analysis.helpers import RUNWAY_PHOTO, post_line

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


def test_ingest_with_analyze_gives_keywords_and_colour_detections(tmp_path, write_jsonl, media_store, embedding_model):
    (tmp_path / "corrupt.jpg").write_bytes(RUNWAY_PHOTO.read_bytes()[:3000])
    path = write_jsonl(
        [
            post_line(
                "RUNWAY",
                caption="Runway moment: crisp white shirt and black wide-leg trousers #minimalstyle #ootd",
                media=[{"type": "image", "path": str(RUNWAY_PHOTO)}],
            ),
            "{broken",
            post_line(
                "CORRUPT",
                caption="Butter yellow cardigan weather #butteryellow",
                media=[{"type": "image", "path": "corrupt.jpg"}],
            ),
        ]
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("ingest_posts", str(path), "--analyze", stdout=out, stderr=err)

    assert exc.value.returncode == 1  # line 2 was rejected, after everything else was done
    assert "line 2: rejected: invalid JSON" in out.getvalue()
    assert "Analysed 2 captions (0 failed" in out.getvalue() and "and 1 media (0 failed)" in out.getvalue()

    runway = Post.objects.get(external_id="RUNWAY")
    assert runway.analysis_status == AnalysisStatus.DONE and runway.analysis_error == ""
    phrases = set(runway.keywords.values_list("phrase", flat=True))
    assert {"minimal style", "ootd"} <= phrases and any("white shirt" in p for p in phrases)
    asset = runway.assets.get()
    assert asset.status == AssetStatus.ANALYZED
    regions = {d.region: d for d in Detection.objects.filter(asset=asset).exclude(colour_name="")}
    assert {"top", "bottom"} <= set(regions)  # garment regions of the model, each with a named colour
    assert all(d.colour_rgb.startswith("#") and d.crop for d in regions.values())

    corrupt = Post.objects.get(external_id="CORRUPT")
    assert corrupt.text_status == AnalysisStatus.DONE and corrupt.keywords.filter(phrase="butter yellow").exists()
    assert corrupt.analysis_status == AnalysisStatus.DONE and "corrupt image" in corrupt.analysis_error
