"""Landing page and demo sign-up: double opt-in through a real SMTP server, abuse guards, privacy."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletter.models import DemoRequest, Subscriber
from tests.newsletter.conftest import body, link_to

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Mina Park",
    "email": "Mina.Park@Shop.test",
    "company": "Seoul Threads",
    "role": "merchandising",
    "interests": ["fashion"],
    "consent": "on",
    "website": "",
}


def sign_up(client: Client, ip: str = "203.0.113.5", **changes):
    return client.post(reverse("newsletter:signup"), {**FORM, **changes}, REMOTE_ADDR=ip)


def confirm_from(message) -> str:
    return link_to(body(message), "/newsletter/confirm/")


def test_landing_explains_the_product_and_shows_this_week(client, make_week):
    make_week("2026-W44")
    page = client.get("/").content.decode()
    assert "Know what's taking off" in page and "How it works" in page and "Merchandisers" in page
    assert "This week's hottest items" in page and "Black leather jacket" in page and "Week 44" in page
    assert 'src="https://trends.example.com/media/crops/2026/10/fashion-1.jpg"' in page
    for field in ('name="name"', 'name="email"', 'name="company"', 'name="role"', 'name="interests"'):
        assert field in page
    assert 'name="consent"' in page and 'name="website"' in page  # the honeypot


def test_landing_without_a_published_week(client, make_week):
    make_week("2026-W44", published=False)
    page = client.get("/").content.decode()
    assert "Request a demo" in page and "This week's hottest items" not in page


def test_double_opt_in(client, smtp):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:signup-done")
    demo = DemoRequest.objects.get()
    assert (demo.email, demo.company, demo.interests, demo.consent) == (
        "mina.park@shop.test",
        "Seoul Threads",
        ("fashion",),
        True,
    )
    assert demo.confirmed_at is None and not Subscriber.objects.filter(status="active").exists()

    [message] = smtp.to("mina.park@shop.test")
    assert message["Subject"] == "Confirm your email for TrendSaaS"
    link = confirm_from(message)
    assert link in body(message, "html")

    # Opening the link only shows a button: a mail scanner's GET confirms nothing.
    page = client.get(link)
    assert page.status_code == 200 and "mina.park@shop.test" in page.content.decode()
    assert not Subscriber.objects.filter(status="active").exists()

    confirmed = client.post(link)
    assert confirmed.status_code == 200 and "you're confirmed" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.interests, subscriber.name) == (
        "mina.park@shop.test",
        "active",
        ("fashion",),
        "Mina Park",
    )
    demo.refresh_from_db()
    assert demo.confirmed_at is not None
    # Confirming twice is harmless.
    assert client.post(link).status_code == 200 and Subscriber.objects.count() == 1


def test_confirmation_link_expires(client, smtp, settings, monkeypatch):
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 3 * 24 * 3600
    four_days_ago = time.time() - 4 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: four_days_ago)
    sign_up(client)
    monkeypatch.undo()
    link = confirm_from(smtp.to("mina.park@shop.test")[0])
    response = client.post(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Subscriber.objects.filter(status="active").exists()


def test_tampered_confirmation_link_is_refused(client, smtp):
    sign_up(client)
    link = confirm_from(smtp.to("mina.park@shop.test")[0])
    response = client.post(link[:-3] + "xyz/")
    assert response.status_code == 400 and not Subscriber.objects.filter(status="active").exists()


def test_without_consent_the_demo_is_recorded_but_no_newsletter(client, smtp):
    sign_up(client, consent="")
    client.post(confirm_from(smtp.to("mina.park@shop.test")[0]))
    assert DemoRequest.objects.get().confirmed_at is not None
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("someone@mailinator.com", "disposable"),
        ("x@eu.yopmail.com", "disposable"),
        ("not-an-address", "Enter a valid email address"),
        ("me@localhost", "real mail domain"),
    ],
)
def test_bad_addresses_are_rejected_clearly(client, smtp, email, message):
    response = sign_up(client, email=email)
    assert response.status_code == 200 and message in response.content.decode()
    assert 'value="Seoul Threads"' in response.content.decode()  # nothing typed is lost
    assert not DemoRequest.objects.exists() and smtp.received == []


def test_missing_fields_are_explained(client, smtp):
    response = sign_up(client, interests=[], company="")
    page = response.content.decode()
    assert "Pick fashion, beauty or both." in page and "This field is required." in page
    assert not DemoRequest.objects.exists()


def test_honeypot_looks_like_success_but_does_nothing(client, smtp):
    response = sign_up(client, website="https://spam.example")
    assert response.status_code == 302 and response["Location"] == reverse("newsletter:signup-done")
    assert not DemoRequest.objects.exists() and smtp.received == []


def test_rate_limit_per_ip(client, smtp, settings):
    settings.NEWSLETTER_SIGNUP_RATE_IP = "2/hour"
    assert sign_up(client, email="a@shop.test").status_code == 302
    assert sign_up(client, email="b@shop.test").status_code == 302
    blocked = sign_up(client, email="c@shop.test")
    assert blocked.status_code == 429 and "Too many sign-ups" in blocked.content.decode()
    assert sign_up(client, email="d@shop.test", ip="198.51.100.7").status_code == 302  # another network
    assert sorted(smtp.recipients()) == ["a@shop.test", "b@shop.test", "d@shop.test"]


def test_rate_limit_per_address_is_silent(client, smtp, settings):
    settings.NEWSLETTER_SIGNUP_RATE_EMAIL = "2/hour"
    responses = [sign_up(client, ip=f"198.51.100.{n}") for n in range(4)]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, reverse("newsletter:signup-done"))}
    assert len(smtp.to("mina.park@shop.test")) == 2  # no mail-bombing through our form


def test_re_signing_up_creates_no_duplicate_and_reveals_nothing(client, smtp):
    fresh = sign_up(client, email="new@shop.test")
    sign_up(client)
    client.post(confirm_from(smtp.to("mina.park@shop.test")[0]))
    smtp.reset()

    again = sign_up(client, name="Mina P.")
    assert (again.status_code, again["Location"]) == (fresh.status_code, fresh["Location"])
    assert DemoRequest.objects.filter(email="mina.park@shop.test").count() == 1
    assert DemoRequest.objects.get(email="mina.park@shop.test").request_count == 2
    assert Subscriber.objects.filter(email="mina.park@shop.test").count() == 1
    # The owner of the mailbox is told instead, with a way to manage the subscription.
    [message] = smtp.to("mina.park@shop.test")
    assert message["Subject"] == "You're already subscribed to TrendSaaS Weekly"
    assert client.get(link_to(body(message), "/newsletter/preferences/")).status_code == 200


def test_unsubscribed_address_can_sign_up_again(client, smtp, make_subscriber):
    make_subscriber("mina.park@shop.test", ("beauty",), status="unsubscribed")
    sign_up(client)
    assert Subscriber.objects.get().status == "unsubscribed"  # nothing changes before the owner confirms
    [message] = smtp.to("mina.park@shop.test")
    assert message["Subject"] == "Confirm your email for TrendSaaS"
    client.post(confirm_from(message))
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.interests) == ("active", ("fashion",))


def test_smtp_failure_is_reported_without_losing_the_form(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = sign_up(client)
    page = response.content.decode()
    assert response.status_code == 503 and "try again in a few minutes" in page
    assert 'value="Seoul Threads"' in page
