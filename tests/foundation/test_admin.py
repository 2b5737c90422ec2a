"""Staff admin: every tenant's rows, search and filters, API-key hashes never shown, last-owner guard."""

from __future__ import annotations

import pytest

from tenants.models import Membership, Role, User
from tenants.services import create_api_key, invite


@pytest.fixture
def staff(client, db):
    user = User.objects.create_superuser("staff@trendsaas.test", "staff-pass-123")
    client.force_login(user)
    return client


@pytest.fixture
def data(tenant_a, tenant_b, owner_a, owner_b):
    key_a, raw_a = create_api_key(tenant_a, "alpha storefront")
    key_b, raw_b = create_api_key(tenant_b, "beta storefront")
    invite(Membership.objects.get(user=owner_a), "inv-a@shop.test", Role.MEMBER)
    invite(Membership.objects.get(user=owner_b), "inv-b@shop.test", Role.VIEWER)
    return {"keys": (key_a, key_b), "raw": (raw_a, raw_b)}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/tenants/tenant/", ["Alpha", "Beta"]),
        ("/admin/tenants/membership/", ["owner@alpha.test", "owner@beta.test"]),
        ("/admin/tenants/invitation/", ["inv-a@shop.test", "inv-b@shop.test"]),
        ("/admin/tenants/apikey/", ["alpha storefront", "beta storefront"]),
        ("/admin/tenants/user/", ["owner@alpha.test", "owner@beta.test"]),
    ],
)
def test_changelists_show_every_tenant(staff, data, url, expected):
    body = staff.get(url).content.decode()
    for text in expected:
        assert text in body


def test_search_and_filters(staff, data):
    body = staff.get("/admin/tenants/invitation/?q=inv-b").content.decode()
    assert "inv-b@shop.test" in body and "inv-a@shop.test" not in body
    body = staff.get("/admin/tenants/invitation/?role__exact=viewer").content.decode()
    assert "inv-b@shop.test" in body and "inv-a@shop.test" not in body
    body = staff.get("/admin/tenants/apikey/?q=beta").content.decode()
    assert "beta storefront" in body and "alpha storefront" not in body
    body = staff.get("/admin/tenants/membership/?q=alpha").content.decode()
    assert "owner@alpha.test" in body and "owner@beta.test" not in body


def test_api_key_hash_and_secret_never_shown_and_no_add_form(staff, data):
    key_a, _ = data["keys"]
    for url in ["/admin/tenants/apikey/", f"/admin/tenants/apikey/{key_a.pk}/change/"]:
        body = staff.get(url).content.decode()
        assert key_a.key_hash not in body and data["raw"][0] not in body
        assert f"{key_a.prefix}…" in body
    assert staff.get("/admin/tenants/apikey/add/").status_code == 403


def test_admin_revoke_action(staff, data):
    key_a, key_b = data["keys"]
    staff.post("/admin/tenants/apikey/", {"action": "revoke", "_selected_action": [key_a.pk]})
    key_a.refresh_from_db()
    key_b.refresh_from_db()
    assert key_a.revoked_at is not None and key_b.revoked_at is None


def test_tenant_change_page_with_member_inline(staff, tenant_a, owner_a):
    body = staff.get(f"/admin/tenants/tenant/{tenant_a.pk}/change/").content.decode()
    assert "owner@alpha.test" in body


def test_admin_cannot_demote_or_delete_the_last_owner(staff, tenant_a, owner_a):
    membership = Membership.objects.get(user=owner_a, tenant=tenant_a)
    response = staff.post(
        f"/admin/tenants/membership/{membership.pk}/change/",
        {"user": owner_a.pk, "tenant": tenant_a.pk, "role": Role.VIEWER},
    )
    assert response.status_code == 200
    assert "at least one owner" in response.content.decode()
    staff.post(f"/admin/tenants/membership/{membership.pk}/delete/", {"post": "yes"})
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
