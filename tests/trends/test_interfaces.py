"""Commands, beat job, admin, REST API and portal page of the trend engine."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from itertools import islice
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from analysis.ingest import ingest
from analysis.models import Post
from analysis.sources import RecordListSource
from tests.trends.helpers import WEEK, crowd, post
from trends import tasks
from trends.models import TrendEntry, TrendWeek
from trends.schedules import PERIODIC_TASKS
from trends.services import compute_week, publish_week
from trendsaas.schedules import ensure_periodic_tasks

pytestmark = pytest.mark.django_db

JEANS = ("bottoms", "light blue", "barrel jeans")


def make_week(week=WEEK, n: int = 6) -> TrendWeek:
    for c in crowd(n, segment="fashion"):
        post(c, week, keywords=("barrel jeans", "office look"), items=(JEANS,))
    return compute_week(week)


# --- Commands --------------------------------------------------------------------------------------


def test_run_weekly_trends_and_export_trends():
    for c in crowd(5):
        post(c, keywords=("mesh flats",), items=(JEANS,))
    out = StringIO()
    call_command("run_weekly_trends", "--week", "2026-W44", stdout=out)
    assert "Trend week 2026-W44 computed: 1 keywords, 1 items" in out.getvalue()
    out = StringIO()
    call_command("export_trends", "--week", "2026-W44", stdout=out)
    data = json.loads(out.getvalue())
    assert data["week"] == "2026-W44"
    assert data["keywords"][0]["keyword"] == "mesh flat" and data["keywords"][0]["creators"] == 5
    assert data["items"][0]["item"] == "barrel jeans" and data["items"][0]["colour"] == "light blue"


def test_commands_refuse_bad_and_published_weeks():
    with pytest.raises(CommandError, match="not an ISO week"):
        call_command("run_weekly_trends", "--week", "2026-44")
    with pytest.raises(CommandError, match="has not been computed"):
        call_command("export_trends", "--week", "2026-W40")
    publish_week(make_week())
    with pytest.raises(CommandError, match="published and read-only"):
        call_command("run_weekly_trends", "--week", "2026-W44")


def test_generated_jsonl_is_valid_ingest_format(tmp_path):
    out = tmp_path / "world.jsonl"
    call_command(
        "generate_demo_data", "--seed", "3", "--weeks", "2", "--creators", "200", "--end-week", "2026-W44",
        "--out", str(out), stdout=StringIO(),
    )  # fmt: skip
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    languages = {"ko" if any("\uac00" <= ch <= "\ud7a3" for ch in line["caption"]) else "en" for line in lines}
    assert languages == {"ko", "en"}
    assert {m["type"] for line in lines for m in line["media"]} == {"image"}
    # Every line of a slice ingests cleanly: the extra "labels" field leaves the contract intact.
    sample = list(islice(lines, 0, len(lines), max(1, len(lines) // 40)))
    report = ingest(RecordListSource(sample))
    assert report.rejected == 0 and report.created + report.updated == len(sample)
    grown = [line for line in lines if line["external_id"] == lines[-1]["external_id"]]
    assert len(grown) >= 2 and grown[-1]["metrics"]["likes"] >= grown[0]["metrics"]["likes"]


# --- Beat job and curation hook ---------------------------------------------------------------------


def test_beat_computes_last_week_on_monday_morning_in_the_configured_zone(settings):
    assert PERIODIC_TASKS == [
        {"name": "trends: compute last week", "task": "trends.compute_last_week", "minute": "0", "hour": "6",
         "day_of_week": "1"},
    ]  # fmt: skip
    from django_celery_beat.models import PeriodicTask

    ensure_periodic_tasks()
    job = PeriodicTask.objects.get(name="trends: compute last week")
    assert (job.crontab.hour, job.crontab.day_of_week, str(job.crontab.timezone)) == ("6", "1", settings.TIME_ZONE)
    assert tasks.compute_last_week.name == job.task


def test_weekly_task_computes_the_week_that_just_ended_then_builds_collections():
    for c in crowd(5):
        post(c, keywords=("bubble skirt",))
    monday = datetime(2026, 11, 2, 6, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    with (
        mock.patch("trends.weeks.timezone.now", return_value=monday),
        mock.patch("curation.services.build_collections_for_week", return_value=["a", "b"]) as build,
    ):
        result = tasks.compute_last_week()
    assert result == {"week": "2026-W44", "computed": True, "collections": 2}
    assert build.call_args.args[0] == TrendWeek.objects.get(week="2026-W44")
    publish_week("2026-W44")
    with mock.patch("curation.services.build_collections_for_week") as build:
        assert tasks.compute_week_task("2026-W44") == {"week": "2026-W44", "computed": False, "reason": "published"}
    build.assert_not_called()


# --- Admin --------------------------------------------------------------------------------------------


def test_admin_is_read_only_and_publishing_needs_the_permission(client, django_user_model):
    week = make_week()
    staff = django_user_model.objects.create_user("staff@trendsaas.test", "pw-1234567", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_trendweek", "view_trendentry"]))
    client.force_login(staff)
    entry = week.entries.first()
    page = client.get(f"/admin/trends/trendentry/{entry.pk}/change/")
    assert page.status_code == 200 and b"analysis/post/" in page.content  # evidence links to the posts
    action = {"action": "publish", "_selected_action": [week.pk]}
    client.post("/admin/trends/trendweek/", action)
    assert not TrendWeek.objects.get(pk=week.pk).is_published  # no permission, no action
    assert client.post(f"/admin/trends/trendweek/{week.pk}/change/", {}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="publish_trendweek"))
    client.post("/admin/trends/trendweek/", action)
    published = TrendWeek.objects.get(pk=week.pk)
    assert published.is_published and published.published_by == staff


# --- REST API -----------------------------------------------------------------------------------------


def test_api_lists_only_published_weeks(api_client_for, tenant_a):
    client, _ = api_client_for(tenant_a)
    assert client.get("/api/v1/trends/").status_code == 404  # nothing published yet
    older = make_week(WEEK.shift(-1))
    publish_week(older)
    make_week(WEEK)  # computed, not published
    body = client.get("/api/v1/trends/").json()
    assert {row["week"] for row in body["results"]} == {"2026-W43"}
    assert client.get("/api/v1/trends/?week=2026-W44").json()["error"]["status"] == 404
    publish_week("2026-W44")
    body = client.get("/api/v1/trends/?kind=item").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["week"], row["kind"], row["item"], row["rank"], row["creators"]) == (
        "2026-W44",
        "item",
        "barrel jeans",
        1,
        6,
    )
    assert (
        len(row["sparkline"]) == 8
        and row["sparkline"][-2] > 0
        and row["sparkline"][-1] == pytest.approx(row["score"], rel=1e-3)
    )
    assert row["evidence"]["posts"] and row["evidence"]["creators"]
    assert client.get("/api/v1/trends/?label=new").json()["count"] == 0
    assert client.get("/api/v1/trends/?label=rising&kind=keyword").status_code == 200
    weeks = client.get("/api/v1/trends/weeks/").json()
    assert [w["week"] for w in weeks["results"]] == ["2026-W44", "2026-W43"]


def test_api_validates_filters_and_needs_a_key(api_client_for, tenant_a, client):
    publish_week(make_week())
    api, _ = api_client_for(tenant_a)
    bad = api.get("/api/v1/trends/?kind=colour").json()
    assert bad["error"]["code"] == "invalid" and "kind" in bad["error"]["details"]
    assert api.get("/api/v1/trends/?week=44").status_code == 400
    assert client.get("/api/v1/trends/").status_code in (401, 403)


def test_both_tenants_see_the_same_global_trends(api_client_for, tenant_a, tenant_b):
    publish_week(make_week())
    a = api_client_for(tenant_a)[0].get("/api/v1/trends/").json()
    b = api_client_for(tenant_b)[0].get("/api/v1/trends/").json()
    assert a == b and a["count"] == 3


def test_trends_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/trends/"]["get"]["parameters"]}
    assert {"week", "kind", "label", "page"} <= parameters


# --- Portal page --------------------------------------------------------------------------------------


def test_trends_page_shows_labels_growth_and_sparklines(client_for, owner_a):
    publish_week(make_week(WEEK.shift(-1), n=5))
    publish_week(make_week(WEEK, n=6))
    page = client_for(owner_a).get("/app/alpha/trends/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026-W44" in html and "barrel jeans" in html and "light blue barrel jeans" in html
    assert html.count('data-testid="trend-row"') == 3
    assert 'class="badge badge-' in html and '<svg class="sparkline"' in html
    assert "×" in html  # growth against last week
    older = client_for(owner_a).get("/app/alpha/trends/?week=2026-W43").content.decode()
    assert "2026-W43" in older
    assert client_for(owner_a).get("/app/alpha/trends/?week=2026-W45").status_code == 404


def test_trends_page_is_per_workspace(client_for, owner_a, viewer_a, tenant_b):
    publish_week(make_week())
    assert client_for(viewer_a).get("/app/alpha/trends/").status_code == 200
    assert client_for(owner_a).get("/app/beta/trends/").status_code == 404  # not a member of beta
    assert client_for(owner_a).get("/app/nope/trends/").status_code == 404


def test_trends_page_before_anything_is_published(client_for, owner_a):
    make_week()
    html = client_for(owner_a).get("/app/alpha/trends/").content.decode()
    assert "No trend week has been published yet" in html
    assert not TrendEntry.objects.filter(week__status="published").exists()
    assert Post.objects.exists()
