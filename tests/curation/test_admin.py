"""Curators in the Django admin: filters, thumbnails, inline edits with attribution, actions, history."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from curation import services
from curation.models import Collection, CuratedItem, CuratedKeyword
from tenants.models import User
from tenants.scoping import tenant_context
from tests.conftest import PASSWORD
from tests.curation import factories

CURATOR_PERMISSIONS = {
    "curation.view_collection", "curation.change_collection", "curation.publish_collection",
    "curation.view_curateditem", "curation.add_curateditem", "curation.change_curateditem",
    "curation.view_curatedkeyword", "curation.add_curatedkeyword", "curation.change_curatedkeyword",
    "curation.view_curationprofile", "curation.view_product", "curation.view_productmatch",
    "trends.view_trendweek", "trends.view_trendentry",
}  # fmt: skip


@pytest.fixture
def curator(db) -> User:
    user = User.objects.create_user("curator@trendsaas.test", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def drafts(tenant_a, tenant_b, world):
    services.build_collections_for_week(world)
    return {t.slug: Collection.unscoped.get(tenant=t, week=world) for t in (tenant_a, tenant_b)}


def change_url(collection: Collection) -> str:
    return reverse("admin:curation_collection_change", args=[collection.pk])


def inline_post(collection: Collection, item_changes: dict[str, dict], new_item: dict | None = None) -> dict:
    """The change form as a browser would submit it, with some rows edited."""
    data: dict = {}
    for prefix, model, fields in (
        ("items", CuratedItem, ("rank", "display_name", "category", "colour", "label", "note", "reason")),
        ("keywords", CuratedKeyword, ("rank", "display_name", "label", "note", "reason")),
    ):
        rows = list(model.unscoped.filter(collection=collection).order_by("-pinned", "rank", "id"))
        extra = 1 if prefix == "items" and new_item else 0
        data.update({f"{prefix}-TOTAL_FORMS": len(rows) + extra, f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})  # fmt: skip
        for i, row in enumerate(rows):
            values = {name: getattr(row, name) for name in fields}
            values.update(pinned=row.pinned, hidden=row.hidden)
            values.update(item_changes.get(row.key, {}) if prefix == "items" else {})
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-collection"] = collection.pk
            for name, value in values.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{name}"] = "on"
                else:
                    data[f"{prefix}-{i}-{name}"] = "" if value is None else value
        if extra:
            i = len(rows)
            data[f"{prefix}-{i}-collection"] = collection.pk
            for name, value in new_item.items():
                data[f"{prefix}-{i}-{name}"] = value
    return data


def test_curators_group_has_exactly_the_needed_permissions(curator):
    group = Group.objects.get(name="Curators")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == CURATOR_PERMISSIONS
    assert curator.has_perm("curation.publish_collection")
    assert not curator.has_perm("curation.delete_collection") and not curator.has_perm("curation.change_product")


def test_changelist_filters_by_tenant_week_and_status(curator, client_for, drafts, tenant_a):
    services.publish(drafts["beta"], curator)
    client = client_for(curator)
    changelist = reverse("admin:curation_collection_changelist")

    def tenants_listed(**params) -> set[str]:
        page = client.get(changelist, params).content.decode()
        return {name for name in ("Alpha", "Beta") if f'field-tenant nowrap">{name}<' in page}

    assert tenants_listed() == {"Alpha", "Beta"}
    assert tenants_listed(tenant__id__exact=tenant_a.pk) == {"Alpha"}
    assert tenants_listed(status__exact="published") == {"Beta"}
    assert tenants_listed(status__exact="draft", tenant__id__exact=tenant_a.pk) == {"Alpha"}
    older = factories.make_week(factories.WEEKS[0])
    assert tenants_listed(week__id__exact=drafts["alpha"].week.pk) == {"Alpha", "Beta"}
    assert tenants_listed(week__id__exact=older.pk) == set()


def test_change_page_shows_thumbnails_evidence_and_matches(curator, client_for, drafts):
    page = client_for(curator).get(change_url(drafts["alpha"])).content.decode()
    assert '<img src="/media/crops/bottoms-light-blue-0.jpg"' in page
    assert "@style.kr · instagram · Loving this Light blue jeans look" in page
    assert "Segments: all" in page  # the client's profile, for context


def test_inline_edits_are_attributed_and_logged(curator, client_for, drafts):
    collection = drafts["alpha"]
    data = inline_post(
        collection,
        {
            "shoes:black": {"pinned": True},
            "tops:white": {"hidden": True},
            "outerwear:beige": {"note": "Autumn hero", "rank": 1},
        },
        new_item={"rank": 2, "display_name": "Silver mules", "category": "shoes", "colour": "silver",
                  "note": "Seen at Seoul fashion week"},
    )  # fmt: skip
    response = client_for(curator).post(change_url(collection), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(collection.tenant):
        rows = {r.key: r for r in CuratedItem.objects.filter(collection=collection)}
    assert rows["shoes:black"].pinned and rows["tops:white"].hidden and rows["outerwear:beige"].note == "Autumn hero"
    for key in ("shoes:black", "tops:white", "outerwear:beige"):
        assert rows[key].edited_by == curator and rows[key].edited_at is not None
    assert rows["bottoms:light blue"].edited_by is None  # untouched rows stay unattributed
    hand = rows["hand:silver-mules"]
    assert hand.added_by_hand and hand.edited_by == curator and hand.tenant == collection.tenant
    entry = LogEntry.objects.get(object_id=str(collection.pk))
    assert entry.user == curator and "Silver mules" in entry.get_change_message()
    history = client_for(curator).get(reverse("admin:curation_collection_history", args=[collection.pk]))
    assert "curator@trendsaas.test" in history.content.decode()

    # A rebuild of the week keeps all of it.
    services.build_collection(collection.tenant, collection.week)
    with tenant_context(collection.tenant):
        assert CuratedItem.objects.get(key="outerwear:beige").note == "Autumn hero"
        assert CuratedItem.objects.filter(key="hand:silver-mules").exists()


def test_publish_and_withdraw_many_with_actions(curator, client_for, drafts):
    client = client_for(curator)
    changelist = reverse("admin:curation_collection_changelist")
    ids = [c.pk for c in drafts.values()]
    response = client.post(changelist, {"action": "publish_selected", "_selected_action": ids}, follow=True)
    assert "Published 2 collection(s)" in response.content.decode()
    for collection in drafts.values():
        collection.refresh_from_db()
        assert collection.status == "published" and collection.published_by == curator
    assert LogEntry.objects.filter(change_message__contains="Published").count() == 2

    client.post(changelist, {"action": "withdraw_selected", "_selected_action": ids[:1]})
    drafts["alpha"].refresh_from_db()
    assert drafts["alpha"].status == "withdrawn" and drafts["alpha"].withdrawn_by == curator


def test_refresh_action_keeps_edits(curator, client_for, drafts):
    collection = drafts["alpha"]
    with tenant_context(collection.tenant):
        row = CuratedItem.objects.get(key="tops:white")
        row.note = "keep me"
        services.mark_edited(row, curator)
        row.save()
    client_for(curator).post(
        reverse("admin:curation_collection_changelist"),
        {"action": "refresh_selected", "_selected_action": [collection.pk]},
    )
    with tenant_context(collection.tenant):
        assert CuratedItem.objects.get(key="tops:white").note == "keep me"
    assert LogEntry.objects.filter(change_message__startswith="Refreshed").exists()


def test_staff_without_the_group_cannot_publish(client_for, drafts):
    staff = User.objects.create_user("support@trendsaas.test", PASSWORD, is_staff=True)
    client = client_for(staff)
    assert client.get(reverse("admin:curation_collection_changelist")).status_code == 403
    client.post(
        reverse("admin:curation_collection_changelist"),
        {"action": "publish_selected", "_selected_action": [drafts["alpha"].pk]},
    )
    drafts["alpha"].refresh_from_db()
    assert drafts["alpha"].status == "draft"


def test_clients_never_reach_the_admin(owner_a, client_for, client, drafts):
    logged_in = client_for(owner_a)
    for path in ("/admin/", reverse("admin:curation_collection_changelist"), change_url(drafts["alpha"])):
        response = logged_in.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post("/admin/login/", {"username": owner_a.email, "password": PASSWORD})
    assert response.status_code == 200 and "staff account" in response.content.decode()


def test_weekly_job_then_curator_then_client(tenant_a, owner_a, curator, client_for, world):
    """The whole path: the job builds a draft, a curator publishes it, the client sees it."""
    services.build_collections_for_week(world)
    client = client_for(owner_a)
    assert "not published yet" in client.get(reverse("tenant:dashboard", args=[tenant_a.slug])).content.decode()
    collection = Collection.unscoped.get(tenant=tenant_a)
    client_for(curator).post(
        reverse("admin:curation_collection_changelist"),
        {"action": "publish_selected", "_selected_action": [collection.pk]},
    )
    page = client.get(reverse("tenant:dashboard", args=[tenant_a.slug])).content.decode()
    assert f"Week {factories.LATEST}" in page and "Light blue jeans" in page
