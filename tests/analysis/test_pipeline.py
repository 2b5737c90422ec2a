"""Text analysis into the database, post status, idempotency, commands and the Celery wrappers."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analysis import services, tasks
from analysis.embeddings import EmbeddingModelUnavailable
from analysis.ingest import ingest
from analysis.models import AnalysisStatus, AssetStatus, MediaAsset, Post, PostKeyword
from analysis.sources import JsonlFileSource
from analysis.status import derive
from tests.analysis.helpers import RUNWAY_PHOTO, post_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingested(tmp_path, write_jsonl, media_store):
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    path = write_jsonl(
        [
            post_line("TEXT", caption="Butter yellow cardigan with wide-leg trousers #butteryellow"),
            post_line("PHOTO", media=[{"type": "image", "path": str(RUNWAY_PHOTO)}]),
            post_line(
                "BROKEN", caption="Corrupt photo, fine caption #ootd", media=[{"type": "image", "path": "broken.jpg"}]
            ),
        ]
    )
    ingest(JsonlFileSource(path))
    return {p.external_id: p for p in Post.objects.all()}


@pytest.mark.parametrize(
    ("text", "assets", "expected"),
    [
        ("pending", [], ("done", "pending")),
        ("done", [], ("done", "done")),
        ("done", ["stored"], ("pending", "pending")),
        ("done", ["pending"], ("pending", "pending")),
        ("done", ["analyzed", "failed"], ("done", "done")),
        ("done", ["failed"], ("failed", "done")),  # a failed asset never fails the post's text
        ("failed", ["analyzed"], ("done", "failed")),
    ],
)
def test_post_status_rules(text, assets, expected):
    assert derive(text, assets) == expected


@pytest.mark.ml
def test_text_analysis_writes_keywords_and_status_and_is_idempotent(ingested, embedding_model):
    ids = [p.pk for p in ingested.values()]
    result = services.analyze_text(ids)
    assert result["analyzed"] == 3 and result["failed"] == 0

    text = Post.objects.get(external_id="TEXT")
    assert (text.text_status, text.analysis_status, text.language) == ("done", "done", "en")
    phrases = set(text.keywords.values_list("phrase", flat=True))
    assert "butter yellow" in phrases and any("cardigan" in p for p in phrases)
    photo = Post.objects.get(external_id="PHOTO")
    assert (photo.text_status, photo.vision_status, photo.analysis_status) == ("done", "pending", "pending")
    broken = Post.objects.get(external_id="BROKEN")
    assert (broken.text_status, broken.vision_status, broken.analysis_status) == ("done", "failed", "done")
    assert "image #0: not a readable image" in broken.analysis_error
    assert broken.keywords.filter(phrase="ootd", source="hashtag").exists()

    before = sorted(PostKeyword.objects.values_list("post_id", "phrase", "source", "score"))
    services.analyze_text(ids)
    after = sorted(PostKeyword.objects.values_list("post_id", "phrase", "source", "score"))
    assert [row[:3] for row in after] == [row[:3] for row in before]  # replaced, not duplicated
    assert [row[3] for row in after] == pytest.approx([row[3] for row in before], abs=1e-3)


@pytest.mark.ml
def test_caption_edited_during_analysis_is_left_for_its_own_run(ingested, embedding_model, monkeypatch):
    post = ingested["TEXT"]
    real = services.analyze_captions

    def edit_meanwhile(captions, engine=None):
        Post.objects.filter(pk=post.pk).update(caption="Edited while the model ran")
        return real(captions, engine=engine)

    monkeypatch.setattr(services, "analyze_captions", edit_meanwhile)
    assert services.analyze_text([post.pk])["skipped"] == 1
    post.refresh_from_db()
    assert post.text_status == "pending" and not post.keywords.exists()


def test_missing_model_is_a_clear_error_and_loses_nothing(ingested, settings, tmp_path):
    settings.EMBEDDING_MODEL_PATH = str(tmp_path / "no-model-here")
    with pytest.raises(EmbeddingModelUnavailable, match="EMBEDDING_MODEL_PATH"):
        services.analyze_text([p.pk for p in ingested.values()])
    assert set(Post.objects.values_list("text_status", flat=True)) == {"pending"}
    with pytest.raises(CommandError, match="Analysis could not run: .*no-model-here"):
        call_command("analyze_posts", "--pending", "--text-only", stdout=StringIO(), stderr=StringIO())


@pytest.mark.ml
def test_analyze_posts_pending_runs_in_the_foreground_with_progress(ingested, embedding_model):
    out, err = StringIO(), StringIO()
    call_command("analyze_posts", "--pending", "--text-only", stdout=out, stderr=err)
    assert "Analysing 3 captions and 0 media." in out.getvalue()
    assert "Analysed 3 captions (0 failed" in out.getvalue()
    assert "text analysis (posts): 3/3 (100%)" in err.getvalue()
    assert not Post.objects.filter(text_status=AnalysisStatus.PENDING).exists()
    out = StringIO()
    call_command("analyze_posts", "--pending", "--text-only", stdout=out)
    assert out.getvalue().strip() == "Nothing to analyse."


def test_vision_batch_fetches_api_media_before_the_detector(media_server, media_store, monkeypatch):
    """URL media left pending by the API are fetched in the vision batch, then handed to the detector."""
    from analysis.ingest import ingest as run_ingest
    from analysis.sources import RecordListSource

    run_ingest(RecordListSource([post_line("U", media=[{"type": "image", "url": media_server.url("/photo.jpg")}])]))
    asset = MediaAsset.objects.get()
    seen = []

    class FakeVision:  # stands in for analysis.pipeline.vision: records what it is given
        @staticmethod
        def analyze_assets(asset_ids):
            seen.append([(a.pk, a.status, a.width) for a in MediaAsset.objects.filter(pk__in=asset_ids)])
            MediaAsset.objects.filter(pk__in=asset_ids).update(status=AssetStatus.ANALYZED)

    monkeypatch.setattr(services, "_vision_module", lambda: FakeVision)
    assert tasks.analyze_vision_batch(asset_ids=[asset.pk])["analyzed"] == 1
    assert seen == [[(asset.pk, AssetStatus.STORED, 1000)]]
    assert Post.objects.get().vision_status == AnalysisStatus.DONE


def test_tasks_are_late_acked_retried_and_routed_to_their_queues(settings):
    from trendsaas.celery import app

    for task, queue in ((tasks.analyze_text_batch, "text"), (tasks.analyze_vision_batch, "vision")):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.max_retries == 5 and TimeoutError in task.autoretry_for
        assert app.amqp.router.route({}, task.name)["queue"].name == queue


def test_failed_fetch_is_retried_by_analyze_posts_failed(media_server, media_store, monkeypatch):
    from analysis.sources import RecordListSource

    ingest(RecordListSource([post_line("F", media=[{"type": "image", "url": media_server.url("/gone.jpg")}])]))
    asset = MediaAsset.objects.get()
    monkeypatch.setattr(services, "_vision_module", lambda: pytest.fail("nothing stored to analyse"))
    services.analyze_vision([asset.pk])
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAILED and "HTTP 404" in asset.error
    assert services.pending_work().asset_ids == []

    services.retry_failed()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PENDING and services.pending_work().asset_ids == [asset.pk]


def test_one_bad_caption_fails_alone(ingested, monkeypatch):
    from analysis.pipeline.keywords import Keyword, TextAnalysis

    Post.objects.filter(external_id="PHOTO").update(caption="BOOM #kaboom")

    def fake_analyze(captions, engine=None):  # the model stands in; one caption makes it raise
        if any("BOOM" in c for c in captions):
            raise RuntimeError("tokenizer exploded")
        return [TextAnalysis(["ootd"], [], "en", [Keyword("ootd", "#ootd", 1.0, "hashtag")]) for _ in captions]

    monkeypatch.setattr(services, "analyze_captions", fake_analyze)
    result = services.analyze_text([p.pk for p in ingested.values()])

    assert (result["analyzed"], result["failed"]) == (2, 1)
    bad = Post.objects.get(external_id="PHOTO")
    assert (bad.text_status, bad.analysis_status) == ("failed", "failed")
    assert bad.text_error == "RuntimeError: tokenizer exploded" and "text: RuntimeError" in bad.analysis_error
    assert Post.objects.get(external_id="TEXT").keywords.filter(phrase="ootd").exists()
