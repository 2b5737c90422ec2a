"""POST /api/v1/ingest/posts: batches, per-item results, and a staff-only credential."""

import pytest
from django.urls import reverse

from analysis.models import AssetStatus, MediaAsset, MetricSnapshot, Post
from tenants.models import User
from tests.analysis.helpers import post_line

pytestmark = pytest.mark.django_db
TOKEN = "ingest-service-token-for-tests-0123456789"
URL = "/api/v1/ingest/posts"


@pytest.fixture
def service(settings, media_store):
    from rest_framework.test import APIClient

    settings.INGEST_SERVICE_TOKEN = TOKEN
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return client


def test_url_is_the_documented_one():
    assert reverse("api:ingest-posts") == URL


def test_batch_gets_a_result_per_item_in_order(service, media_server):
    batch = [
        post_line("A1", media=[{"type": "image", "url": media_server.url("/photo.jpg")}]),
        {"platform": "instagram", "external_id": "", "influencer": {"handle": "x", "followers": 1}},
        post_line(
            "A3", media=[{"type": "image", "path": "/etc/passwd"}, {"type": "sticker", "url": "https://x.example/s"}]
        ),
    ]
    response = service.post(URL, batch, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["rejected"], body["media_failed"]) == (2, 0, 1, 2)
    first, second, third = body["results"]
    assert (first["index"], first["status"], first["external_id"]) == (0, "created", "A1")
    assert first["post_id"] == Post.objects.get(external_id="A1").pk
    # URL media are left for the analysis workers to fetch: the request never waits on a remote server.
    assert first["media"] == [{"position": 0, "type": "image", "status": "pending", "error": ""}]
    assert second["status"] == "rejected"
    assert second["errors"] == ["missing field 'external_id'", "missing field 'posted_at'"]
    assert third["status"] == "created"
    assert third["media_problems"] == [
        "media[0]: media paths are accepted only by the file ingest; send a url",
        "media[1]: unknown media type 'sticker' (expected image or video)",
    ]
    assert not MediaAsset.objects.filter(post__external_id="A3").exists()  # no server file was read


def test_posts_wrapper_and_upsert_with_snapshots(service):
    service.post(URL, {"posts": [post_line("U1")]}, format="json")
    again = post_line("U1", metrics={"likes": 6000}, observed_at="2026-10-29T00:00:00Z")
    body = service.post(URL, {"posts": [again]}, format="json").json()
    assert (body["created"], body["updated"]) == (0, 1)
    assert Post.objects.get().likes == 6000 and MetricSnapshot.objects.count() == 2


def test_batches_over_1000_are_refused_whole(service):
    response = service.post(URL, [post_line(str(i)) for i in range(1001)], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "batch_too_large"
    assert Post.objects.count() == 0


def test_a_batch_of_1000_is_accepted(service):
    response = service.post(URL, [post_line(f"N{i}", caption="") for i in range(1000)], format="json")
    assert response.status_code == 200 and response.json()["created"] == 1000


def test_empty_or_malformed_body_is_a_clear_400(service):
    for body in ([], {"posts": "nope"}, {"items": []}):
        response = service.post(URL, body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"


def test_tenant_api_key_is_never_accepted(service, api_client_for, tenant_a):
    client, _ = api_client_for(tenant_a)
    response = client.post(URL, [post_line("T1")], format="json")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This endpoint takes the staff ingest service token only."
    assert Post.objects.count() == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Token {TOKEN}", f"Bearer {TOKEN}x"])
def test_missing_or_wrong_credentials_are_refused(service, header):
    from rest_framework.test import APIClient

    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, [post_line("T2")], format="json")
    assert response.status_code in (401, 403)
    assert Post.objects.count() == 0


def test_no_configured_token_means_no_token_works(settings, media_store):
    from rest_framework.test import APIClient

    settings.INGEST_SERVICE_TOKEN = ""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ")
    assert client.post(URL, [post_line("T3")], format="json").status_code == 401


def test_staff_session_may_ingest_but_a_tenant_owner_may_not(client_for, owner_a, media_store):
    staff = User.objects.create_user("staff@trendsaas.test", "pw-staff-123456", is_staff=True)
    assert client_for(staff).post(URL, [post_line("S1")], content_type="application/json").status_code == 200
    response = client_for(owner_a).post(URL, [post_line("S2")], content_type="application/json")
    assert response.status_code == 403
    assert list(Post.objects.values_list("external_id", flat=True)) == ["S1"]


def test_ingest_queues_text_and_vision_on_their_own_queues(
    service, media_server, django_capture_on_commit_callbacks, monkeypatch
):
    from analysis import tasks

    sent = []
    monkeypatch.setattr(tasks.analyze_text_batch, "delay", lambda ids: sent.append(("text", ids)))
    monkeypatch.setattr(tasks.analyze_vision_batch, "delay", lambda ids: sent.append(("vision", ids)))
    with django_capture_on_commit_callbacks(execute=True):
        service.post(
            URL, [post_line("Q1", media=[{"type": "image", "url": media_server.url("/photo.jpg")}])], format="json"
        )
    post = Post.objects.get()
    asset = post.assets.get()
    assert sent == [("text", [post.pk]), ("vision", [asset.pk])]
    assert asset.status == AssetStatus.PENDING
