"""Sales: turning a demo request into a client workspace whose owner is invited by mail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from newsletter.models import DemoRequest
from tenants.models import Invitation, Role, Tenant, User
from tenants.services import send_invitation


class ConversionError(Exception):
    """A demo request that cannot be converted; the message is shown to staff as is."""


def unique_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "workspace"
    slug, n = base, 1
    while Tenant.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def convert_to_tenant(demo_request: DemoRequest, by: User) -> tuple[Tenant, Invitation]:
    """Create the tenant and an owner invitation, then mail it.

    The tenant has no member until the invited owner accepts; the mail goes out after the
    commit, and a mail failure propagates with the tenant kept (staff can resend from the admin).
    """
    with transaction.atomic():
        demo = DemoRequest.objects.select_for_update().get(pk=demo_request.pk)
        if demo.tenant_id:
            raise ConversionError(f"{demo.email} was already converted into “{demo.tenant}”.")
        tenant = Tenant.objects.create(name=demo.company, slug=unique_slug(demo.company))
        # Staff are not members of the new tenant, so tenants.services.invite() (which needs a
        # manager's membership) does not apply; the invitation row and mail are the same.
        invitation = Invitation.unscoped.create(tenant=tenant, email=demo.email, role=Role.OWNER, invited_by=by)
        demo.tenant = tenant
        demo.converted_at = timezone.now()
        demo.converted_by = by
        demo.save(update_fields=["tenant", "converted_at", "converted_by"])
    send_invitation(invitation)
    return tenant, invitation
