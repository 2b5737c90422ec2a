"""Team and API-key pages of a tenant, and the public invitation-acceptance page."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants import services
from tenants.forms import ApiKeyForm, InviteForm, NewAccountForm, RoleForm
from tenants.models import ApiKey, Invitation, Membership, Role, User
from tenants.permissions import manager_required

logger = logging.getLogger(__name__)
RECENTLY_EXPIRED_DAYS = 30


def _team_url(request: HttpRequest) -> str:
    return reverse("tenant:team", kwargs={"tenant_slug": request.tenant.slug})


def _mail_invitation(request: HttpRequest, invitation: Invitation) -> None:
    try:
        services.send_invitation(invitation)
    except Exception as exc:  # any backend failure: the invitation is kept, the user can resend
        logger.exception("Sending invitation %s failed", invitation.pk)
        messages.error(
            request,
            f"The invitation to {invitation.email} was saved but the email could not be sent ({exc}). "
            "Use “Resend” to try again.",
        )
    else:
        messages.success(request, f"Invitation sent to {invitation.email}.")


@require_GET
def team(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    actor = request.membership
    roles = services.assignable_roles(actor)
    members = list(request.tenant.memberships.select_related("user").order_by("user__email"))
    owners = sum(1 for m in members if m.role == Role.OWNER)
    for m in members:
        # The same rules as tenants.services, decided once here so the template only shows what will work.
        m.editable = actor.can_manage and (m.role != Role.OWNER or actor.role == Role.OWNER)
        m.last_owner = m.role == Role.OWNER and owners == 1
        m.removable = (m.pk == actor.pk or m.editable) and not m.last_owner
    # Open invitations, and recently lapsed ones so they can be resent; older ones live in the admin.
    lapsed_since = timezone.now() - timedelta(days=RECENTLY_EXPIRED_DAYS)
    invitations = (
        Invitation.objects.filter(
            Q(status=Invitation.Status.PENDING) | Q(status=Invitation.Status.EXPIRED, expires_at__gte=lapsed_since)
        )
        .select_related("invited_by")
        .order_by("email", "-created_at")
    )
    context = {
        "members": members,
        "invitations": invitations,
        "roles": roles,
        "invite_form": InviteForm(roles=roles) if actor.can_manage else None,
        "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
    }
    return render(request, "tenants/team.html", context)


@require_POST
@manager_required
def invite(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    form = InviteForm(request.POST, roles=services.assignable_roles(request.membership))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_team_url(request))
    try:
        invitation = services.invite(request.membership, form.cleaned_data["email"], form.cleaned_data["role"])
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        _mail_invitation(request, invitation)
    return redirect(_team_url(request))


@require_POST
@manager_required
def resend_invitation(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("tenant"), pk=pk)
    try:
        invitation = services.resend_invitation(request.membership, invitation)
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        _mail_invitation(request, invitation)
    return redirect(_team_url(request))


@require_POST
@manager_required
def revoke_invitation(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects, pk=pk)
    try:
        services.revoke_invitation(request.membership, invitation)
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} was revoked; its link no longer works.")
    return redirect(_team_url(request))


def _member(request: HttpRequest, pk: int) -> Membership:
    # Filtered by the URL's tenant: another tenant's membership id is a 404 here.
    return get_object_or_404(Membership.objects.select_related("user", "tenant"), pk=pk, tenant=request.tenant)


@require_POST
@manager_required
def change_role(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    target = _member(request, pk)
    form = RoleForm(request.POST, roles=services.assignable_roles(request.membership))
    if not form.is_valid():
        messages.error(request, "You cannot give that role.")
        return redirect(_team_url(request))
    try:
        target = services.change_role(request.membership, target, form.cleaned_data["role"])
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{target.user.email} is now {target.get_role_display().lower()}.")
    return redirect(_team_url(request))


@require_POST
def remove_member(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    target = _member(request, pk)
    leaving = target.pk == request.membership.pk
    if not leaving and not request.membership.can_manage:
        raise PermissionDenied("Only owners and admins can remove people.")
    try:
        services.remove_member(request.membership, target)
    except services.TeamError as exc:
        messages.error(request, exc.message)
        return redirect(_team_url(request))
    if leaving:
        messages.success(request, f"You left {request.tenant.name}.")
        return redirect("tenant-picker")
    messages.success(request, f"{target.user.email} was removed from {request.tenant.name}.")
    return redirect(_team_url(request))


@never_cache
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """List keys; on a manager's POST create one and show its secret in this response only."""
    new_key = raw_key = None
    form = ApiKeyForm() if request.membership.can_manage else None
    if request.method == "POST":
        if not request.membership.can_manage:
            raise PermissionDenied("Only owners and admins can create API keys.")
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                new_key, raw_key = services.create_api_key_as(request.membership, form.cleaned_data["name"])
            except services.TeamError as exc:
                messages.error(request, exc.message)
            else:
                form = ApiKeyForm()
    keys = ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at")
    context = {"keys": keys, "form": form, "new_key": new_key, "raw_key": raw_key, "site_url": settings.SITE_URL}
    return render(request, "tenants/api_keys.html", context)


@require_POST
@manager_required
def revoke_api_key(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    api_key = get_object_or_404(ApiKey.objects, pk=pk)
    services.revoke_api_key(request.membership, api_key)
    messages.success(request, f"Key “{api_key.name}” ({api_key.prefix}…) is revoked; calls with it now get 401.")
    return redirect("tenant:api-keys", tenant_slug=tenant_slug)


# --- Public: accepting an invitation ----------------------------------------------------------


@never_cache
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        return _accept(request, services.invitation_from_token(token))
    except services.InvitationLinkError as exc:
        # Also reached when someone else used the link between this page's GET and POST.
        status = 404 if exc.reason == "invalid" else 410
        context = {"reason": exc.reason, "invitation": exc.invitation}
        return render(request, "tenants/invitation_unusable.html", context, status=status)


def _accept(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    context: dict = {"invitation": invitation, "invited_tenant": invitation.tenant}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            return render(request, "tenants/invitation_wrong_account.html", context, status=403)
        if request.method == "POST":
            return _joined(request, services.accept_invitation(invitation, user))
        return render(request, "tenants/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "tenants/invitation_login.html", context)
    form = NewAccountForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.accept_invitation_as_new_user(
                invitation, form.cleaned_data["password1"], form.cleaned_data["full_name"]
            )
        except services.TeamError as exc:
            messages.error(request, exc.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return _joined(request, membership)
    context["form"] = form
    return render(request, "tenants/invitation_signup.html", context)


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    messages.success(
        request, f"Welcome to {membership.tenant.name}. You joined as {membership.get_role_display().lower()}."
    )
    return redirect("tenant:dashboard", tenant_slug=membership.tenant.slug)
