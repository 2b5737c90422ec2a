"""Tenant, team and API-key operations shared by the portal, the admin, tasks, commands and tests.

Permission rules live here, not in views, so every entry point enforces the same ones:
owners and admins manage the team and API keys; only owners grant, change or remove the owner
role; a tenant always keeps at least one owner.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from billing import entitlements
from tenants.models import ApiKey, Invitation, Membership, Role, Tenant, User

INVITATION_SALT = "tenants.invitation"


class TeamError(Exception):
    """A team or key change that is not allowed; `message` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvitationLinkError(Exception):
    """An invitation link that cannot be used. `reason`: invalid, expired, used, revoked."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@transaction.atomic
def create_tenant(name: str, slug: str, owner: User, **fields) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=slug, **fields)
    Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)
    return tenant


# --- Roles and membership --------------------------------------------------------------------


def require_manager(actor: Membership) -> None:
    if not actor.can_manage:
        raise TeamError("Only owners and admins can change the team or API keys.")


def assignable_roles(actor: Membership) -> list[tuple[str, str]]:
    """Roles `actor` may give to someone: owners give any, admins all but owner."""
    if actor.role == Role.OWNER:
        return list(Role.choices)
    if actor.role == Role.ADMIN:
        return [(value, label) for value, label in Role.choices if value != Role.OWNER]
    return []


def _lock_tenant(tenant: Tenant) -> None:
    # Every team change takes this row lock first, so two concurrent demotions or removals of
    # owners are serialised and the second one sees the first one's result.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


def _other_owners(membership: Membership) -> int:
    return Membership.objects.filter(tenant_id=membership.tenant_id, role=Role.OWNER).exclude(pk=membership.pk).count()


@transaction.atomic
def change_role(actor: Membership, target: Membership, role: str) -> Membership:
    require_manager(actor)
    if role not in Role.values:
        raise TeamError("Unknown role.")
    _lock_tenant(target.tenant)
    target = Membership.objects.select_related("user", "tenant").get(pk=target.pk)
    if Role.OWNER in (role, target.role) and actor.role != Role.OWNER:
        raise TeamError("Only an owner can grant or take away the owner role.")
    if target.role == Role.OWNER and role != Role.OWNER and _other_owners(target) == 0:
        raise TeamError("A workspace needs at least one owner: make someone else owner first.")
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def remove_member(actor: Membership, target: Membership) -> None:
    """Remove `target` from the tenant. Anyone may leave; removing others needs a manager."""
    if actor.pk != target.pk:
        require_manager(actor)
    _lock_tenant(target.tenant)
    target = Membership.objects.select_related("user", "tenant").get(pk=target.pk)
    if target.role == Role.OWNER:
        if actor.role != Role.OWNER:
            raise TeamError("Only an owner can remove an owner.")
        if _other_owners(target) == 0:
            raise TeamError("A workspace needs at least one owner: make someone else owner first.")
    target.delete()


# --- Invitations -----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accept-invitation", args=[invitation_token(invitation)])


@transaction.atomic
def invite(actor: Membership, email: str, role: str) -> Invitation:
    """Create (or replace) the pending invitation of `email`; the caller sends it."""
    require_manager(actor)
    tenant = actor.tenant
    email = email.strip().lower()
    if role not in dict(assignable_roles(actor)):
        raise TeamError("You cannot invite someone with that role.")
    if Membership.objects.filter(tenant=tenant, user__email__iexact=email).exists():
        raise TeamError(f"{email} is already a member of {tenant.name}.")
    # At most one open link per address: a new invitation replaces the previous one, which
    # therefore frees its seat before the seat check (the transaction undoes it if the check fails).
    Invitation.unscoped.filter(tenant=tenant, email__iexact=email, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, revoked_at=timezone.now()
    )
    _check_seat(tenant)
    return Invitation.unscoped.create(tenant=tenant, email=email, role=role, invited_by=actor.user)


def _check_seat(tenant: Tenant) -> None:
    try:
        entitlements.check(tenant, "invite")
    except entitlements.EntitlementError as exc:
        raise TeamError(exc.message)


def send_invitation(invitation: Invitation) -> None:
    """Mail the signed link. Raises whatever the mail backend raises (SMTP errors, timeouts)."""
    context = {
        "invitation": invitation,
        "tenant": invitation.tenant,
        "inviter": invitation.invited_by,
        "url": invitation_url(invitation),
        "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    send_mail(
        subject=f"You're invited to join {invitation.tenant.name} on TrendSaaS",
        message=render_to_string("tenants/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def resend_invitation(actor: Membership, invitation: Invitation) -> Invitation:
    """Give a pending (or lapsed) invitation a fresh link and expiry; the caller sends it."""
    require_manager(actor)
    if invitation.status in (Invitation.Status.ACCEPTED, Invitation.Status.REVOKED):
        raise TeamError("This invitation was already used or revoked; invite the person again.")
    if invitation.role == Role.OWNER and actor.role != Role.OWNER:
        raise TeamError("Only an owner can resend an owner invitation.")
    # A fresh row gives a fresh signed timestamp; the old link stops working.
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])
    _check_seat(invitation.tenant)
    return Invitation.unscoped.create(
        tenant=invitation.tenant, email=invitation.email, role=invitation.role, invited_by=actor.user
    )


def revoke_invitation(actor: Membership, invitation: Invitation) -> None:
    require_manager(actor)
    if invitation.status != Invitation.Status.PENDING:
        raise TeamError("Only a pending invitation can be revoked.")
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link, or InvitationLinkError saying why it is unusable."""
    max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        pk = signing.TimestampSigner(salt=INVITATION_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationLinkError("expired")
    except signing.BadSignature:
        raise InvitationLinkError("invalid")
    # Unscoped: the person following the link has no tenant yet; the signature proves the pk.
    invitation = Invitation.unscoped.select_related("tenant", "invited_by").filter(pk=pk).first()
    if invitation is None:
        raise InvitationLinkError("invalid")
    return _usable(invitation)


def _usable(invitation: Invitation) -> Invitation:
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationLinkError("used", invitation)
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationLinkError("revoked", invitation)
    if invitation.is_expired:
        raise InvitationLinkError("expired", invitation)
    if not invitation.tenant.is_active:
        raise InvitationLinkError("suspended", invitation)
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Turn a pending invitation into `user`'s membership, exactly once."""
    invitation = _usable(Invitation.unscoped.select_for_update().get(pk=invitation.pk))
    if user.email.lower() != invitation.email.lower():
        raise TeamError(f"This invitation is for {invitation.email}, not for {user.email}.")
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=invitation.tenant, defaults={"role": invitation.role}
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def accept_invitation_as_new_user(invitation: Invitation, password: str, full_name: str = "") -> Membership:
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise TeamError("An account with this email already exists: log in to accept the invitation.")
    user = User.objects.create_user(invitation.email, password, full_name=full_name)
    return accept_invitation(invitation, user)


def expire_invitations(now=None) -> int:
    """Mark every pending invitation past its expiry as expired (all tenants); return how many."""
    now = now or timezone.now()
    # Cross-tenant maintenance job: the unscoped manager is intended here.
    return Invitation.unscoped.filter(status=Invitation.Status.PENDING, expires_at__lte=now).update(
        status=Invitation.Status.EXPIRED
    )


# --- API keys --------------------------------------------------------------------------------


def create_api_key(tenant: Tenant, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw secret, which is shown once and never stored."""
    raw, prefix, key_hash = ApiKey.generate()
    api_key = ApiKey.unscoped.create(tenant=tenant, name=name, prefix=prefix, key_hash=key_hash, created_by=created_by)
    return api_key, raw


def create_api_key_as(actor: Membership, name: str) -> tuple[ApiKey, str]:
    require_manager(actor)
    name = name.strip()
    if not name:
        raise TeamError("Give the key a name, for example the shop or integration that will use it.")
    try:
        entitlements.check(actor.tenant, "api")
    except entitlements.EntitlementError as exc:
        raise TeamError(exc.message)
    return create_api_key(actor.tenant, name, created_by=actor.user)


def revoke_api_key(actor: Membership, api_key: ApiKey) -> None:
    require_manager(actor)
    if api_key.tenant_id != actor.tenant_id:
        raise TeamError("No such key.")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
