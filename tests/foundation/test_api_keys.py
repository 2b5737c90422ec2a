"""API keys: created and revoked in the portal, shown once, hashed; Bearer auth on GET /api/v1/me/."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from billing.models import Plan
from billing.services import ensure_subscription
from tenants.models import ApiKey, Membership, Role, hash_api_key
from tests.conftest import add_member

ME = "/api/v1/me/"


def keys_url(tenant, revoke_pk: int | None = None) -> str:
    base = f"/app/{tenant.slug}/api-keys/"
    return f"{base}{revoke_pk}/revoke/" if revoke_pk else base


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]


def create_in_portal(client, tenant, name: str) -> tuple[ApiKey, str]:
    response = client.post(keys_url(tenant), {"name": name})
    assert response.status_code == 200
    match = re.search(r'<code id="new-api-key">(ts_[\w-]+)</code>', response.content.decode())
    assert match, "the new key is shown on the page"
    return ApiKey.unscoped.get(tenant=tenant, name=name), match.group(1)


# --- Portal -------------------------------------------------------------------------------------


def test_owner_creates_key_shown_once_and_stored_hashed(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    api_key, raw = create_in_portal(client, tenant_a, "Storefront")
    assert api_key.key_hash == hash_api_key(raw)
    assert raw.startswith(api_key.prefix) and len(raw) > 40
    assert api_key.created_by == owner_a
    # The full key never appears again: not on the list page, not in the database.
    page = client.get(keys_url(tenant_a)).content.decode()
    assert "Storefront" in page and f"{api_key.prefix}…" in page
    assert raw not in page
    assert not ApiKey.unscoped.filter(key_hash=raw).exists()
    # The key works at once.
    response = bearer(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == tenant_a.slug


def test_key_name_is_required(client_for, admin_a, tenant_a):
    response = client_for(admin_a).post(keys_url(tenant_a), {"name": "  "})
    assert response.status_code == 200
    assert not ApiKey.unscoped.exists()
    assert 'id="new-api-key"' not in response.content.decode()


def test_list_shows_prefix_creator_and_last_use(client_for, admin_a, tenant_a):
    client = client_for(admin_a)
    api_key, raw = create_in_portal(client, tenant_a, "ERP sync")
    assert "Never" in client.get(keys_url(tenant_a)).content.decode()
    bearer(raw).get(ME)
    page = client.get(keys_url(tenant_a)).content.decode()
    assert "admin@alpha.test" in page and "Never" not in page


def test_revoke_in_portal_stops_the_key(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    api_key, raw = create_in_portal(client, tenant_a, "Old app")
    response = client.post(keys_url(tenant_a, api_key.pk), follow=True)
    assert "is revoked" in response.content.decode()
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert bearer(raw).get(ME).status_code == 401


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER])
def test_viewer_and_member_cannot_create_or_revoke_keys(client_for, api_client_for, tenant_a, role):
    _, existing = api_client_for(tenant_a)
    client = client_for(add_member(tenant_a, f"{role}@alpha.test", role))
    page = client.get(keys_url(tenant_a))
    assert page.status_code == 200
    body = page.content.decode()
    assert "test key" in body  # read-only list
    assert "Create key" not in body and "Revoke" not in body.replace("revoke keys", "")
    assert client.post(keys_url(tenant_a), {"name": "sneaky"}).status_code == 403
    assert client.post(keys_url(tenant_a, existing.pk)).status_code == 403
    assert list(ApiKey.unscoped.values_list("name", flat=True)) == ["test key"]
    existing.refresh_from_db()
    assert existing.revoked_at is None


def test_keys_of_another_tenant_are_404(client_for, api_client_for, owner_a, tenant_a, tenant_b):
    _, key_b = api_client_for(tenant_b)
    client = client_for(owner_a)
    assert client.get(keys_url(tenant_b)).status_code == 404
    assert client.post(keys_url(tenant_b), {"name": "x"}).status_code == 404
    assert client.post(keys_url(tenant_a, key_b.pk)).status_code == 404
    assert client.post(keys_url(tenant_b, key_b.pk)).status_code == 404
    assert "test key" not in client.get(keys_url(tenant_a)).content.decode()
    key_b.refresh_from_db()
    assert key_b.revoked_at is None


# --- API authentication ---------------------------------------------------------------------------


def test_valid_key_gets_its_tenant_and_records_last_use(api_client_for, tenant_a):
    client, api_key = api_client_for(tenant_a)
    assert api_key.last_used_at is None
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "tenant": {"name": "Alpha", "slug": "alpha", "time_zone": tenant_a.time_zone},
        "api_key": {"name": "test key", "prefix": api_key.prefix},
    }
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_each_key_sees_only_its_own_tenant(api_client_for, tenant_a, tenant_b):
    client_a, _ = api_client_for(tenant_a)
    client_b, _ = api_client_for(tenant_b)
    assert client_a.get(ME).json()["tenant"]["slug"] == "alpha"
    assert client_b.get(ME).json()["tenant"]["slug"] == "beta"


@pytest.mark.parametrize(
    "header",
    ["Bearer ts_not-a-real-key", "Bearer", "Token abc", "Basic dXNlcjpwYXNz"],
)
def test_unknown_or_malformed_key_is_401_json(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "authentication_failed"


def test_missing_key_is_401_json(db):
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_revoked_key_is_401_json(api_client_for, tenant_a, owner_a):
    client, api_key = api_client_for(tenant_a)
    from tenants.services import revoke_api_key

    revoke_api_key(Membership.objects.get(user=owner_a, tenant=tenant_a), api_key)
    response = client.get(ME)
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


def test_key_of_suspended_tenant_is_401(api_client_for, tenant_a):
    client, _ = api_client_for(tenant_a)
    tenant_a.status = "suspended"
    tenant_a.save()
    assert error_of(client.get(ME))["message"] == "This workspace is suspended."


def test_unknown_api_path_is_404_json(api_client_for, tenant_a):
    client, _ = api_client_for(tenant_a)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    # A missing trailing slash gets a hint rather than an HTML page.
    response = client.get("/api/v1/me")
    assert response.status_code == 404
    assert "/api/v1/me/" in error_of(response)["message"]


def test_throttling_is_429_json_per_key(api_client_for, tenant_a):
    cache.clear()
    plan = ensure_subscription(tenant_a).plan
    Plan.objects.filter(pk=plan.pk).update(api_rate_limit="2/min")
    client, _ = api_client_for(tenant_a)
    other_client, _ = api_client_for(tenant_a)
    try:
        assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]
        response = client.get(ME)
        error = error_of(response)
        assert error["code"] == "throttled"
        assert 0 < error["details"]["retry_after_seconds"] <= 60
        assert int(response["Retry-After"]) > 0
        # The limit is per key: another key of the same tenant is not affected.
        assert other_client.get(ME).status_code == 200
    finally:
        cache.clear()
