import pytest

from tenants.models import ApiKey, Invitation
from tenants.scoping import TenantNotSetError, tenant_context
from tenants.services import create_api_key


def test_scoped_query_without_tenant_raises(tenant_a):
    create_api_key(tenant_a, "shop")
    with pytest.raises(TenantNotSetError):
        list(ApiKey.objects.all())
    with pytest.raises(TenantNotSetError):
        Invitation.objects.count()


def test_scoped_query_sees_only_current_tenant(tenant_a, tenant_b):
    create_api_key(tenant_a, "alpha shop")
    create_api_key(tenant_b, "beta shop")
    with tenant_context(tenant_a):
        assert [k.name for k in ApiKey.objects.all()] == ["alpha shop"]
    with tenant_context(tenant_b):
        assert [k.name for k in ApiKey.objects.all()] == ["beta shop"]
    assert ApiKey.unscoped.count() == 2


def test_save_without_tenant_takes_current_one(tenant_a):
    with tenant_context(tenant_a):
        invitation = Invitation.objects.create(email="new@alpha.test")
    assert invitation.tenant == tenant_a
    with pytest.raises(TenantNotSetError):
        Invitation(email="orphan@nowhere.test").save()
