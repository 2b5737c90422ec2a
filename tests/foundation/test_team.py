"""Team page: invitations (send, accept, expire, reuse, revoke), roles, removal, last-owner rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from billing import entitlements
from tenants import services
from tenants.models import Invitation, Membership, Role, User
from tests.conftest import PASSWORD, add_member


def team_url(tenant, name: str = "team", *args) -> str:
    suffix = {
        "team": "team/",
        "invite": "team/invite/",
        "role": "team/members/{}/role/",
        "remove": "team/members/{}/remove/",
        "resend": "team/invitations/{}/resend/",
        "revoke": "team/invitations/{}/revoke/",
    }[name]
    return f"/app/{tenant.slug}/" + suffix.format(*args)


def invite_via_portal(client: Client, tenant, email: str, role: str = Role.MEMBER):
    return client.post(team_url(tenant, "invite"), {"email": email, "role": role}, follow=True)


def link_from_last_mail() -> str:
    match = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def owner_membership(owner_a, tenant_a) -> Membership:
    return Membership.objects.get(user=owner_a, tenant=tenant_a)


# --- Page and invitation mail -------------------------------------------------------------------


def test_team_page_lists_members_with_roles(client_for, owner_a, admin_a, tenant_a):
    response = client_for(owner_a).get(team_url(tenant_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "owner@alpha.test" in body and "admin@alpha.test" in body
    assert "Send invitation" in body


def test_owner_invites_by_email_with_absolute_signed_link(client_for, owner_a, tenant_a, settings):
    settings.SITE_URL = "https://app.trendsaas.example"
    response = invite_via_portal(client_for(owner_a), tenant_a, "New.Person@Shop.test", Role.VIEWER)
    assert "Invitation sent to new.person@shop.test" in response.content.decode()
    invitation = Invitation.unscoped.get(tenant=tenant_a)
    assert (invitation.email, invitation.role, invitation.status) == ("new.person@shop.test", "viewer", "pending")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@shop.test"]
    assert "Alpha" in message.subject
    link = link_from_last_mail()
    assert link.startswith("https://app.trendsaas.example/invitations/")
    # The page lists it as pending.
    assert "new.person@shop.test" in client_for(owner_a).get(team_url(tenant_a)).content.decode()


def test_failed_mail_keeps_invitation_and_says_so(client_for, owner_a, tenant_a, settings):
    settings.EMAIL_BACKEND = "tests.foundation.failing_mail.Backend"
    response = invite_via_portal(client_for(owner_a), tenant_a, "x@shop.test")
    body = response.content.decode()
    assert "could not be sent" in body and "Resend" in body
    assert Invitation.unscoped.filter(tenant=tenant_a, email="x@shop.test", status="pending").exists()


def test_entitlement_error_is_shown_and_nothing_is_created(client_for, owner_a, tenant_a, monkeypatch):
    def refuse(tenant, feature):
        if feature == "invite":
            raise entitlements.EntitlementError("All 3 seats of the Starter plan are taken.", code="seat_limit")

    monkeypatch.setattr(entitlements, "check", refuse)
    response = invite_via_portal(client_for(owner_a), tenant_a, "seat@shop.test")
    assert "All 3 seats of the Starter plan are taken." in response.content.decode()
    assert not Invitation.unscoped.filter(tenant=tenant_a).exists()
    assert mail.outbox == []


def test_inviting_an_existing_member_is_refused(client_for, owner_a, admin_a, tenant_a):
    response = invite_via_portal(client_for(owner_a), tenant_a, "ADMIN@alpha.test")
    assert "already a member" in response.content.decode()
    assert not Invitation.unscoped.exists()


def test_reinviting_replaces_the_open_link(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    invite_via_portal(client, tenant_a, "twice@shop.test")
    first_link = link_from_last_mail()
    invite_via_portal(client, tenant_a, "twice@shop.test", Role.ADMIN)
    statuses = sorted(Invitation.unscoped.filter(email="twice@shop.test").values_list("status", flat=True))
    assert statuses == ["pending", "revoked"]
    response = Client().get(path_of(first_link))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


# --- Accepting ----------------------------------------------------------------------------------


def test_accept_creates_account_and_membership(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "newbie@shop.test", Role.VIEWER)
    link = path_of(link_from_last_mail())
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Create account and join" in page.content.decode()
    response = visitor.post(
        link, {"full_name": "Nina Newbie", "password1": "a-long-fresh-pass-9", "password2": "a-long-fresh-pass-9"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/app/{tenant_a.slug}/"
    user = User.objects.get(email="newbie@shop.test")
    assert user.full_name == "Nina Newbie" and user.check_password("a-long-fresh-pass-9")
    assert Membership.objects.get(user=user, tenant=tenant_a).role == Role.VIEWER
    # Logged in straight away, and the dashboard opens.
    assert visitor.get(response["Location"]).status_code == 200


def test_accept_signup_validates_password_and_keeps_link_usable(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "weak@shop.test")
    link = path_of(link_from_last_mail())
    response = Client().post(link, {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="weak@shop.test").exists()
    assert Invitation.unscoped.get(email="weak@shop.test").status == "pending"


def test_existing_user_is_asked_to_log_in_then_accepts(client_for, owner_a, owner_b, tenant_a, tenant_b):
    invite_via_portal(client_for(owner_a), tenant_a, "owner@beta.test", Role.ADMIN)
    link = path_of(link_from_last_mail())
    anonymous = Client().get(link)
    assert "Log in to accept" in anonymous.content.decode()
    assert f"/accounts/login/?next={link}" in anonymous.content.decode()
    logged_in = Client()
    logged_in.post("/accounts/login/", {"username": "owner@beta.test", "password": PASSWORD})
    assert "Join Alpha" in logged_in.get(link).content.decode()
    response = logged_in.post(link)
    assert response["Location"] == "/app/alpha/"
    assert Membership.objects.get(user=owner_b, tenant=tenant_a).role == Role.ADMIN
    # Two workspaces now: the picker lists both.
    picker = logged_in.get("/app/").content.decode()
    assert "Alpha" in picker and "Beta" in picker


def test_link_for_someone_else_is_refused(client_for, owner_a, owner_b, tenant_a, tenant_b):
    invite_via_portal(client_for(owner_a), tenant_a, "someone@shop.test")
    link = path_of(link_from_last_mail())
    client = client_for(owner_b)
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=owner_b, tenant=tenant_a).exists()
    assert Invitation.unscoped.get(email="someone@shop.test").status == "pending"


def test_link_cannot_be_reused(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "once@shop.test")
    link = path_of(link_from_last_mail())
    data = {"password1": "a-long-fresh-pass-9", "password2": "a-long-fresh-pass-9"}
    assert Client().post(link, data).status_code == 302
    again = Client().get(link)
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert Client().post(link, data).status_code == 410
    assert Membership.objects.filter(tenant=tenant_a, user__email="once@shop.test").count() == 1


def test_expired_link_is_refused_by_signature_age(client_for, owner_a, tenant_a, settings):
    invite_via_portal(client_for(owner_a), tenant_a, "late@shop.test")
    link = path_of(link_from_last_mail())
    settings.INVITATION_MAX_AGE_DAYS = 0  # the signature is now older than the allowed age
    response = Client().get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_expired_link_is_refused_by_stored_expiry(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "late@shop.test")
    link = path_of(link_from_last_mail())
    Invitation.unscoped.filter(email="late@shop.test").update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(link, {"password1": "a-long-fresh-pass-9", "password2": "a-long-fresh-pass-9"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="late@shop.test").exists()


def test_tampered_link_is_invalid(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "t@shop.test")
    link = path_of(link_from_last_mail())
    pk = Invitation.unscoped.get(email="t@shop.test").pk
    forged = link.replace(f"/invitations/{pk}:", f"/invitations/{pk + 1}:")
    response = Client().get(forged)
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_revoked_link_is_refused(client_for, owner_a, tenant_a):
    invite_via_portal(client_for(owner_a), tenant_a, "gone@shop.test")
    link = path_of(link_from_last_mail())
    invitation = Invitation.unscoped.get(email="gone@shop.test")
    client_for(owner_a).post(team_url(tenant_a, "revoke", invitation.pk))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert Client().get(link).status_code == 410


def test_resend_issues_a_new_link_and_kills_the_old_one(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    invite_via_portal(client, tenant_a, "again@shop.test")
    old_link = path_of(link_from_last_mail())
    invitation = Invitation.unscoped.get(email="again@shop.test")
    client.post(team_url(tenant_a, "resend", invitation.pk))
    new_link = path_of(link_from_last_mail())
    assert new_link != old_link and len(mail.outbox) == 2
    assert Client().get(old_link).status_code == 410
    assert Client().get(new_link).status_code == 200


def test_expire_invitations_marks_only_lapsed_pending_ones(tenant_a, owner_a):
    actor = Membership.objects.get(user=owner_a, tenant=tenant_a)
    fresh = services.invite(actor, "fresh@shop.test", Role.MEMBER)
    lapsed = services.invite(actor, "lapsed@shop.test", Role.MEMBER)
    Invitation.unscoped.filter(pk=lapsed.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.expire_invitations() == 1
    assert services.expire_invitations() == 0
    assert Invitation.unscoped.get(pk=lapsed.pk).status == "expired"
    assert Invitation.unscoped.get(pk=fresh.pk).status == "pending"


# --- Roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER])
def test_viewer_and_member_cannot_invite_or_change_the_team(client_for, tenant_a, owner_a, role):
    user = add_member(tenant_a, f"{role}@alpha.test", role)
    client = client_for(user)
    page = client.get(team_url(tenant_a)).content.decode()
    assert "Send invitation" not in page and "Remove" not in page
    assert client.post(team_url(tenant_a, "invite"), {"email": "x@shop.test", "role": "member"}).status_code == 403
    owner_membership = Membership.objects.get(user=owner_a, tenant=tenant_a)
    assert client.post(team_url(tenant_a, "role", owner_membership.pk), {"role": "viewer"}).status_code == 403
    assert client.post(team_url(tenant_a, "remove", owner_membership.pk)).status_code == 403
    assert not Invitation.unscoped.exists()
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_admin_manages_roles_but_not_owners(client_for, tenant_a, owner_a, admin_a, member_a):
    client = client_for(admin_a)
    member = Membership.objects.get(user=member_a, tenant=tenant_a)
    client.post(team_url(tenant_a, "role", member.pk), {"role": Role.VIEWER})
    member.refresh_from_db()
    assert member.role == Role.VIEWER
    # Admins may neither make owners nor touch an owner.
    client.post(team_url(tenant_a, "role", member.pk), {"role": Role.OWNER})
    member.refresh_from_db()
    assert member.role == Role.VIEWER
    owner = Membership.objects.get(user=owner_a, tenant=tenant_a)
    response = client.post(team_url(tenant_a, "remove", owner.pk), follow=True)
    assert "Only an owner can remove an owner." in response.content.decode()
    assert Membership.objects.filter(pk=owner.pk).exists()
    response = invite_via_portal(client, tenant_a, "boss@shop.test", Role.OWNER)
    assert not Invitation.unscoped.filter(email="boss@shop.test").exists()


def test_admin_removes_a_member(client_for, tenant_a, admin_a, member_a):
    member = Membership.objects.get(user=member_a, tenant=tenant_a)
    response = client_for(admin_a).post(team_url(tenant_a, "remove", member.pk), follow=True)
    assert "member@alpha.test was removed" in response.content.decode()
    assert not Membership.objects.filter(pk=member.pk).exists()
    # The removed person can no longer open the workspace.
    assert client_for(member_a).get(f"/app/{tenant_a.slug}/").status_code == 404


def test_member_can_leave(client_for, tenant_a, member_a):
    member = Membership.objects.get(user=member_a, tenant=tenant_a)
    response = client_for(member_a).post(team_url(tenant_a, "remove", member.pk))
    assert response["Location"] == "/app/"
    assert not Membership.objects.filter(pk=member.pk).exists()


# --- Last owner ---------------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted_or_removed(client_for, tenant_a, owner_a, owner_membership):
    client = client_for(owner_a)
    response = client.post(team_url(tenant_a, "role", owner_membership.pk), {"role": Role.ADMIN}, follow=True)
    assert "at least one owner" in response.content.decode()
    response = client.post(team_url(tenant_a, "remove", owner_membership.pk), follow=True)
    assert "at least one owner" in response.content.decode()
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_owner_can_step_down_once_another_owner_exists(client_for, tenant_a, owner_a, admin_a, owner_membership):
    client = client_for(owner_a)
    admin = Membership.objects.get(user=admin_a, tenant=tenant_a)
    client.post(team_url(tenant_a, "role", admin.pk), {"role": Role.OWNER})
    client.post(team_url(tenant_a, "role", owner_membership.pk), {"role": Role.MEMBER})
    owner_membership.refresh_from_db()
    admin.refresh_from_db()
    assert (admin.role, owner_membership.role) == (Role.OWNER, Role.MEMBER)
    # The new sole owner is protected in turn, in the service too.
    with pytest.raises(services.TeamError, match="at least one owner"):
        services.change_role(admin, admin, Role.VIEWER)
    with pytest.raises(services.TeamError, match="at least one owner"):
        services.remove_member(admin, admin)


def test_two_owners_demoting_each_other_leave_one_owner(tenant_a, owner_a):
    second = Membership.objects.create(user=User.objects.create_user("o2@alpha.test", PASSWORD), tenant=tenant_a)
    second.role = Role.OWNER
    second.save()
    first = Membership.objects.get(user=owner_a, tenant=tenant_a)
    # Both act from a stale view of the team (each still sees two owners).
    services.change_role(first, second, Role.MEMBER)
    with pytest.raises(services.TeamError):
        services.change_role(second, first, Role.MEMBER)
    assert Membership.objects.filter(tenant=tenant_a, role=Role.OWNER).count() == 1


# --- Cross-tenant -------------------------------------------------------------------------------


def test_team_of_another_tenant_is_404(client_for, owner_a, tenant_b):
    client = client_for(owner_a)
    assert client.get(team_url(tenant_b)).status_code == 404
    assert client.post(team_url(tenant_b, "invite"), {"email": "x@shop.test", "role": "member"}).status_code == 404


def test_members_and_invitations_of_another_tenant_are_404(client_for, owner_a, owner_b, tenant_a, tenant_b):
    actor_b = Membership.objects.get(user=owner_b, tenant=tenant_b)
    invitation_b = services.invite(actor_b, "b-invitee@shop.test", Role.MEMBER)
    client = client_for(owner_a)
    # Through A's own URL, B's ids do not exist…
    assert client.post(team_url(tenant_a, "role", actor_b.pk), {"role": "viewer"}).status_code == 404
    assert client.post(team_url(tenant_a, "remove", actor_b.pk)).status_code == 404
    assert client.post(team_url(tenant_a, "resend", invitation_b.pk)).status_code == 404
    assert client.post(team_url(tenant_a, "revoke", invitation_b.pk)).status_code == 404
    # …and through B's URL, A's owner is not a member.
    assert client.post(team_url(tenant_b, "remove", actor_b.pk)).status_code == 404
    actor_b.refresh_from_db()
    invitation_b.refresh_from_db()
    assert actor_b.role == Role.OWNER and invitation_b.status == "pending"
    assert "b-invitee@shop.test" not in client.get(team_url(tenant_a)).content.decode()


def test_lapsed_invitation_is_listed_and_can_be_resent(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    invite_via_portal(client, tenant_a, "slow@shop.test")
    Invitation.unscoped.filter(email="slow@shop.test").update(expires_at=timezone.now() - timedelta(days=1))
    services.expire_invitations()
    page = client.get(team_url(tenant_a)).content.decode()
    assert "slow@shop.test" in page and "Expired" in page
    invitation = Invitation.unscoped.get(email="slow@shop.test")
    client.post(team_url(tenant_a, "resend", invitation.pk))
    fresh = Invitation.unscoped.get(email="slow@shop.test", status="pending")
    assert fresh.expires_at > timezone.now()
    assert Client().get(path_of(link_from_last_mail())).status_code == 200
