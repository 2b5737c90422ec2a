"""The demo step: profile, catalogue, published collections matched to it, and demo CTR events."""

from __future__ import annotations

import io

from curation import ctr, demo
from curation.models import Collection, CurationProfile, Product, ProductMatch, TrackingEvent
from tenants.scoping import tenant_context
from tests.conftest import make_tenant
from tests.curation import factories


def test_setup_demo_is_complete_and_idempotent(db):
    tenant = make_tenant("demo", "owner@demo.trendsaas.localhost")
    weeks = factories.make_world()
    factories.make_week("2026-W45", published=False)  # computed, not yet published: stays a draft
    out = io.StringIO()
    demo.setup_demo(out)
    with tenant_context(tenant):
        counts = {
            "products": Product.objects.count(),
            "published": Collection.objects.filter(status="published").count(),
            "drafts": Collection.objects.filter(status="draft").count(),
            "matches": ProductMatch.objects.count(),
            "events": TrackingEvent.objects.count(),
        }
        assert CurationProfile.objects.get().audience
    assert counts["products"] == len(demo.CATALOGUE)
    assert counts["published"] == len(weeks) and counts["drafts"] == 1
    assert counts["matches"] > 0 and counts["events"] > 0
    assert "demo curator" in out.getvalue()

    report = ctr.ctr_report(tenant)
    assert report.demo_events and report.excluded_visitors == 2 * demo.EVENT_WEEKS
    uplift = report.overall.uplift
    assert uplift is not None and uplift[0] > 0

    demo.setup_demo(io.StringIO())
    with tenant_context(tenant):
        assert Product.objects.count() == counts["products"]
        assert Collection.objects.filter(status="published").count() == counts["published"]
        assert TrackingEvent.objects.count() == counts["events"]
