"""Portal shell: landing, login by email, logout, password reset, tenant picker, suspended page,
navigation with coming-soon placeholders, and the demo owner's first login."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch
from django.utils.html import escape

from portal import navigation
from tenants.management.commands.setup_demo import DEMO_PASSWORD, DEMO_USERS
from tenants.models import Membership, Role
from tests.conftest import PASSWORD, make_tenant


def login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password, **extra})


def test_landing_page(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert b"TrendSaaS" in response.content
    assert b"/static/css/app.css" in response.content


def test_login_by_email_with_one_tenant_goes_straight_in(owner_a, tenant_a):
    client = Client()
    response = login(client, "OWNER@alpha.test")
    assert response.status_code == 302 and response["Location"] == "/app/"
    response = client.get("/app/")
    assert response.status_code == 302 and response["Location"] == "/app/alpha/"
    assert client.get("/app/alpha/").status_code == 200


def test_wrong_password_shows_clear_error(owner_a):
    response = login(Client(), "owner@alpha.test", "nope")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_login_honours_next(owner_a, tenant_a):
    response = login(Client(), "owner@alpha.test", next="/app/alpha/team/")
    assert response["Location"] == "/app/alpha/team/"


def test_portal_requires_login(tenant_a):
    response = Client().get("/app/alpha/team/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/app/alpha/team/")


def test_logout_is_post_only(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/app/alpha/").status_code == 302  # back to login


def test_picker_lists_every_workspace_of_a_member_of_several(owner_a, tenant_a, db):
    second = make_tenant("gamma", "owner@gamma.test")
    Membership.objects.create(user=owner_a, tenant=second, role=Role.VIEWER)
    client = Client()
    client.force_login(owner_a)
    response = client.get("/app/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/app/alpha/"' in body and 'href="/app/gamma/"' in body
    assert "Viewer" in body and "Owner" in body


def test_picker_without_workspace_explains(db):
    from tests.conftest import make_user

    client = Client()
    client.force_login(make_user("lonely@nowhere.test"))
    assert "not a member of any workspace" in client.get("/app/").content.decode()


def test_suspended_tenant_shows_a_clear_page_not_its_data(client_for, owner_a, tenant_a):
    tenant_a.status = "suspended"
    tenant_a.save()
    client = client_for(owner_a)
    for url in ["/app/alpha/", "/app/alpha/team/", "/app/alpha/api-keys/"]:
        response = client.get(url)
        assert response.status_code == 403
        body = response.content.decode()
        assert "Alpha is suspended" in body
        assert "Invite someone" not in body and "Create key" not in body


def test_password_reset_mails_an_absolute_link_that_works(owner_a, settings):
    settings.SITE_URL = "https://app.trendsaas.example"
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "owner@alpha.test"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"https://app\.trendsaas\.example(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"})
    assert response["Location"] == "/accounts/password/reset/complete/"
    assert login(Client(), "owner@alpha.test", "brand-new-pass-42")["Location"] == "/app/"
    # The link is single-use.
    assert "no longer works" in Client().get(link, follow=True).content.decode()


def test_password_reset_for_unknown_email_reveals_nothing(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.test"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_non_member_gets_404_for_every_portal_page(client_for, owner_a, tenant_b):
    client = client_for(owner_a)
    for url in ["/app/beta/", "/app/beta/team/", "/app/beta/api-keys/", "/app/beta/soon/trends/", "/app/nope/"]:
        assert client.get(url).status_code == 404, url


# --- Navigation ---------------------------------------------------------------------------------


def test_sidebar_lists_every_section_and_marks_the_active_one(client_for, owner_a, tenant_a):
    body = client_for(owner_a).get("/app/alpha/team/").content.decode()
    for label in ["Dashboard", "Trends", "Curation", "Catalogue", "Newsletter", "Team", "API keys", "Billing"]:
        assert f"<span>{label}</span>" in body
    active = re.findall(r'<a href="([^"]+)" class="active"', body)
    assert active == ["/app/alpha/team/"]


def test_unbuilt_sections_link_to_an_honest_placeholder(client_for, owner_a, tenant_a, monkeypatch):
    item = navigation.NavItem("Forecasts", "forecasts", "trending", "Workspace", "Six-week forecasts per keyword.")
    monkeypatch.setattr(navigation, "NAV_ITEMS", (*navigation.NAV_ITEMS, item))
    monkeypatch.setitem(navigation.SECTIONS, "forecasts", item)
    client = client_for(owner_a)
    body = client.get("/app/alpha/").content.decode()
    assert 'href="/app/alpha/soon/forecasts/"' in body
    page = client.get("/app/alpha/soon/forecasts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Six-week forecasts per keyword." in text and "still being built" in text
    assert re.findall(r'<a href="([^"]+)" class="active"', text) == ["/app/alpha/soon/forecasts/"]


def test_every_declared_section_resolves_to_its_page_or_placeholder(client_for, owner_a, tenant_a):
    client = client_for(owner_a)
    for item in navigation.NAV_ITEMS:
        href, built = navigation.section_url(item, "alpha")
        response = client.get(href)
        assert response.status_code == 200, (item.label, href)
        if not built:
            assert escape(item.coming) in response.content.decode()


def test_placeholder_of_a_built_section_redirects_to_it(client_for, owner_a, tenant_a):
    response = client_for(owner_a).get("/app/alpha/soon/team/")
    assert response.status_code == 302 and response["Location"] == "/app/alpha/team/"


def test_unknown_section_is_404(client_for, owner_a, tenant_a):
    assert client_for(owner_a).get("/app/alpha/soon/spaceships/").status_code == 404


def test_section_url_falls_back_when_reverse_fails():
    item = navigation.NavItem("X", "does-not-exist", "home", "Workspace", "x")
    with pytest.raises(NoReverseMatch):
        from django.urls import reverse

        reverse("tenant:does-not-exist", kwargs={"tenant_slug": "alpha"})
    assert navigation.section_url(item, "alpha") == ("/app/alpha/soon/does-not-exist/", False)


# --- Demo -------------------------------------------------------------------------------------------


def test_demo_owner_logs_in_and_reaches_the_dashboard(db):
    output = io.StringIO()
    call_command("setup_demo", stdout=output)
    call_command("setup_demo", stdout=output)  # idempotent
    assert DEMO_PASSWORD in output.getvalue()
    client = Client()
    assert client.get("/").status_code == 200
    response = login(client, DEMO_USERS["owner"], DEMO_PASSWORD)
    assert response["Location"] == "/app/"
    response = client.get("/app/", follow=True)
    assert response.redirect_chain[-1][0] == "/app/demo/"
    assert response.status_code == 200
    assert "Demo Shop" in response.content.decode()
    assert Membership.objects.get(user__email=DEMO_USERS["viewer"], tenant__slug="demo").role == Role.VIEWER


def test_repeated_wrong_passwords_lock_that_address_for_a_while(owner_a, tenant_a, settings):
    settings.LOGIN_FAILURE_RATE_EMAIL = "3/15m"
    for _ in range(3):
        response = login(Client(), owner_a.email, "wrong-password")
        assert b"do not match an account" in response.content
    refused = login(Client(), owner_a.email)  # the right password, too late
    assert refused.status_code == 200 and b"Too many failed sign-ins" in refused.content
    assert "_auth_user_id" not in refused.wsgi_request.session
    # Another person is not locked out by someone guessing at this address.
    make_tenant("gamma", "owner@gamma.test")
    assert login(Client(), "owner@gamma.test").status_code == 302


def test_one_client_guessing_many_addresses_is_stopped(owner_a, tenant_a, settings):
    settings.LOGIN_FAILURE_RATE_IP = "4/15m"

    def login_from(ip: str, email: str, password: str = PASSWORD):
        return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": email, "password": password})

    for n in range(4):
        login_from("203.0.113.9", f"nobody{n}@alpha.test", "guess")
    assert b"Too many failed sign-ins" in login_from("203.0.113.9", owner_a.email).content
    assert login_from("198.51.100.7", owner_a.email).status_code == 302


def test_successful_sign_ins_are_never_counted(owner_a, tenant_a, settings):
    settings.LOGIN_FAILURE_RATE_EMAIL = "2/15m"
    for _ in range(4):
        assert login(Client(), owner_a.email).status_code == 302
