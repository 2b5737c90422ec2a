"""Shared fixtures: two tenants with people in every role, API keys, and scoped contexts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tenants.models import Membership, Role, Tenant, User
from tenants.scoping import tenant_context
from tenants.services import create_api_key, create_tenant

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email, PASSWORD, **extra)


def make_tenant(slug: str, owner_email: str) -> Tenant:
    return create_tenant(slug.title(), slug, make_user(owner_email))


def add_member(tenant: Tenant, email: str, role: str) -> User:
    user = make_user(email)
    Membership.objects.create(user=user, tenant=tenant, role=role)
    return user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Password stretching dominates test time and proves nothing here; production keeps PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Rate-limit counters (sign-up, sign-in) live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("alpha", "owner@alpha.test")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("beta", "owner@beta.test")


@pytest.fixture
def owner_a(tenant_a) -> User:
    return User.objects.get(email="owner@alpha.test")


@pytest.fixture
def owner_b(tenant_b) -> User:
    return User.objects.get(email="owner@beta.test")


@pytest.fixture
def admin_a(tenant_a) -> User:
    return add_member(tenant_a, "admin@alpha.test", Role.ADMIN)


@pytest.fixture
def member_a(tenant_a) -> User:
    return add_member(tenant_a, "member@alpha.test", Role.MEMBER)


@pytest.fixture
def viewer_a(tenant_a) -> User:
    return add_member(tenant_a, "viewer@alpha.test", Role.VIEWER)


@pytest.fixture
def client_for():
    """client_for(user) -> a Django test client logged in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for():
    """api_client_for(tenant) -> (APIClient with a fresh Bearer key of that tenant, ApiKey)."""

    def make(tenant: Tenant):
        api_key, raw = create_api_key(tenant, "test key")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client, api_key

    return make


@pytest.fixture
def in_tenant():
    """`with in_tenant(tenant):` runs a block with that tenant set, as a task would."""
    return tenant_context
