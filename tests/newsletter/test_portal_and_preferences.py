"""The portal's newsletter page (tenant-isolated) and the no-login preference page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsletter.models import Subscriber
from newsletter.services import sending
from newsletter.services.tokens import make_subscriber_token
from tests.newsletter.conftest import body, link_to

pytestmark = pytest.mark.django_db


def page(tenant_slug: str) -> str:
    return reverse("tenant:newsletter", kwargs={"tenant_slug": tenant_slug})


def test_portal_page_previews_the_latest_issue(client_for, member_a, make_week, make_subscriber, smtp):
    make_week("2026-W44")
    client = client_for(member_a)
    response = client.get(page("alpha"))
    html = response.content.decode()
    assert response.status_code == 200 and "Preview of the next issue: 2026-W44" in html
    preview = client.get(reverse("tenant:newsletter-preview", kwargs={"tenant_slug": "alpha"}))
    assert preview.status_code == 200 and "Black leather jacket" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"

    # Once an issue went out, the page shows that one.
    make_subscriber("reader@shop.test")
    issue = sending.create_issue(make_week("2026-W45"))
    sending.schedule_issue(issue)
    sending.send_issue(issue)
    assert "Latest issue: 2026-W45" in client.get(page("alpha")).content.decode()


def test_member_subscribes_from_the_portal(client_for, member_a, smtp):
    client = client_for(member_a)
    assert "Subscribe member@alpha.test" in client.get(page("alpha")).content.decode()
    url = reverse("tenant:newsletter-subscribe", kwargs={"tenant_slug": "alpha"})
    response = client.post(url, {"interests": ["beauty"]})
    assert response.status_code == 302 and response["Location"] == page("alpha")
    [message] = smtp.to("member@alpha.test")
    Client().post(link_to(body(message), "/newsletter/confirm/"))
    subscriber = Subscriber.objects.get(email="member@alpha.test")
    assert (subscriber.status, subscriber.interests, subscriber.source) == ("active", ("beauty",), "portal")
    assert "Subscribed" in client.get(page("alpha")).content.decode()


def test_managers_see_their_own_team_only(client_for, owner_a, member_a, owner_b, make_subscriber):
    make_subscriber("member@alpha.test")
    make_subscriber("owner@beta.test")
    html = client_for(owner_a).get(page("alpha")).content.decode()
    assert "member@alpha.test" in html and "owner@beta.test" not in html
    # Members who don't manage the team see no list at all.
    assert "owner@alpha.test" not in client_for(member_a).get(page("alpha")).content.decode()


def test_cross_tenant_access_is_404(client_for, owner_a, tenant_b, smtp, make_week):
    make_week()
    client = client_for(owner_a)
    assert client.get(page("beta")).status_code == 404
    assert client.get(reverse("tenant:newsletter-preview", kwargs={"tenant_slug": "beta"})).status_code == 404
    subscribe = reverse("tenant:newsletter-subscribe", kwargs={"tenant_slug": "beta"})
    assert client.post(subscribe, {"interests": ["fashion"]}).status_code == 404
    assert smtp.received == [] and not Subscriber.objects.exists()


def test_portal_page_needs_login(client, tenant_a):
    response = client.get(page("alpha"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preference_page_changes_interests_and_leaves(make_subscriber):
    subscriber = make_subscriber("reader@shop.test", ("fashion",))
    url = reverse("newsletter:preferences", args=[make_subscriber_token(subscriber.pk)])
    client = Client()
    assert "reader@shop.test" in client.get(url).content.decode()

    response = client.post(url, {"interests": [], "action": "save"})
    assert "Pick fashion, beauty or both." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.interests == ("fashion",)  # an empty choice changes nothing

    client.post(url, {"interests": ["fashion", "beauty"], "action": "save"})
    subscriber.refresh_from_db()
    assert subscriber.interests == ("fashion", "beauty")

    response = client.post(url, {"action": "unsubscribe"})
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and "You're unsubscribed" in response.content.decode()

    client.post(url, {"interests": ["beauty"], "action": "resubscribe"})
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.interests) == ("active", ("beauty",))


def test_preference_link_of_someone_else_cannot_be_forged(make_subscriber):
    victim = make_subscriber("victim@shop.test")
    mine = make_subscriber("me@shop.test")
    token = make_subscriber_token(mine.pk)
    forged = f"{victim.pk}:{token.split(':', 1)[1]}"
    response = Client().post(reverse("newsletter:unsubscribe", args=[forged]))
    assert response.status_code == 400
    victim.refresh_from_db()
    assert victim.status == "active"
