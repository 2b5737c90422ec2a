from __future__ import annotations

import pytest

from curation.catalogue import upsert_products
from curation.models import Collection
from tests.curation import factories


@pytest.fixture
def world(db):
    """Eight global weeks; returns the latest TrendWeek."""
    return factories.make_world()[-1]


@pytest.fixture
def published_a(tenant_a, world) -> Collection:
    return factories.publish_latest(tenant_a, world)


@pytest.fixture
def published_b(tenant_b, world) -> Collection:
    return factories.publish_latest(tenant_b, world)


@pytest.fixture
def catalogue_a(tenant_a):
    return upsert_products(tenant_a, list(enumerate(factories.PRODUCTS, start=2)))
