"""A real SMTP server (aiosmtpd) for the newsletter tests, plus a published trend week.

The server records every accepted message and can refuse chosen recipients with a permanent
(550) or transient (451) reply, a given number of times.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone

from newsletter.models import Subscriber
from trends.models import TrendEntry, TrendWeek


class RecordingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.pipelining = True
            self.envelopes: list[tuple[str, str]] = []
            self.received: list[tuple[str, EmailMessage]] = []
            self.rules: dict[str, dict] = {}
            self.refused: list[tuple[str, str]] = []

    def refuse(self, address: str, reply: str, times: int = -1) -> None:
        """Refuse `address` at RCPT with `reply` ("550 …" or "451 …"), `times` times (-1: always)."""
        with self.lock:
            self.rules[address.lower()] = {"reply": reply, "left": times}

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:  # noqa: N802
        # aiosmtpd reads commands one by one, so it copes with pipelined ones; advertise that.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        with self.lock:
            rule = self.rules.get(address.lower())
            if rule and rule["left"] != 0:
                rule["left"] -= 1
                self.refused.append((address.lower(), rule["reply"]))
                return rule["reply"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt.lower(), message))
                self.envelopes.append((envelope.mail_from, " ".join(envelope.mail_options)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.received if rcpt == address.lower()]

    def recipients(self) -> list[str]:
        with self.lock:
            return [rcpt for rcpt, _ in self.received]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _smtp_controller():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp(_smtp_controller, settings) -> RecordingHandler:
    """The running SMTP server's handler; Django mails go to it through the real SMTP backend."""
    handler = _smtp_controller.handler
    handler.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _smtp_controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return handler


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.SITE_URL = "https://trends.example.com"
    settings.NEWSLETTER_SIGNUP_RATE_IP = "1000/hour"
    settings.NEWSLETTER_SIGNUP_RATE_EMAIL = "1000/hour"


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part else ""


def links(text: str) -> list[str]:
    return re.findall(r"https://trends\.example\.com(/[^\s\"'<>]*)", text)


def link_to(text: str, prefix: str) -> str:
    """The first site path in `text` starting with `prefix`."""
    found = [path for path in links(text) if path.startswith(prefix)]
    assert found, f"no {prefix} link in the mail"
    return found[0]


def _post(n: int, handle: str, influence: float) -> dict:
    segment = {1: "fashion", 2: "fashion", 3: "beauty", 4: "cross", 5: "fashion", 6: "beauty", 7: "fashion"}[n]
    return {
        "post_id": n,
        "platform": "instagram",
        "external_id": f"p{n}",
        "handle": handle,
        "influence": influence,
        "caption": f"{segment} look number {n} #ootd",
        "crop_url": f"/media/crops/2026/10/{segment}-{n}.jpg",
    }


def _creator(handle: str, followers: int) -> dict:
    return {"creator_id": hash(handle) % 1000, "handle": handle, "platform": "instagram", "followers": followers}


@pytest.fixture
def make_week(db):
    """make_week("2026-W44", published=True) -> a TrendWeek with fashion, beauty and cross-over entries."""

    def make(week: str = "2026-W44", published: bool = True) -> TrendWeek:
        year, number = week.split("-W")
        # Weeks run Monday 00:00 to Monday 00:00 in TIME_ZONE, as the trend engine counts them.
        starts = datetime.fromisocalendar(int(year), int(number), 1).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        trend_week = TrendWeek.objects.create(
            week=week,
            starts_at=starts,
            ends_at=starts + timedelta(days=7),
            status=TrendWeek.Status.PUBLISHED if published else TrendWeek.Status.COMPUTED,
            computed_at=timezone.now(),
            published_at=timezone.now() if published else None,
        )
        fashion, beauty = "fashion", "beauty"
        rows = [
            ("item", "jacket:black", "Black leather jacket", fashion, "breakout", 1.8, _post(1, "minji.style", 950)),
            ("item", "bag:red", "Red shoulder bag", fashion, "rising", 0.6, _post(2, "lea.wears", 420)),
            ("item", "lipstick:red", "Red lipstick", beauty, "breakout", 2.4, _post(3, "glow.by.ana", 880)),
            ("item", "sunglasses:brown", "Brown sunglasses", "", "rising", 0.3, _post(4, "city.muse", 300)),
            ("keyword", "quiet luxury", "quiet luxury", fashion, "breakout", 3.0, _post(5, "minji.style", 700)),
            ("keyword", "glass skin", "glass skin", beauty, "rising", 0.9, _post(6, "glow.by.ana", 650)),
            ("keyword", "old money", "old money", fashion, "steady", 0.0, _post(7, "lea.wears", 100)),
        ]
        ranks = {"item": 0, "keyword": 0}
        followers = {"minji.style": 184000, "lea.wears": 52000, "glow.by.ana": 1250000, "city.muse": 9000}
        for kind, key, name, segment, label, growth, post in rows:
            ranks[kind] += 1
            TrendEntry.objects.create(
                week=trend_week,
                kind=kind,
                key=key,
                display_name=name,
                segment=segment,
                rank=ranks[kind],
                score=100 - ranks[kind],
                label=label,
                growth=growth,
                posts=3,
                creators=2,
                evidence={"posts": [post], "creators": [_creator(post["handle"], followers[post["handle"]])]},
            )
        return trend_week

    return make


@pytest.fixture
def make_subscriber(db):
    def make(email: str, interests: tuple[str, ...] = ("fashion",), status: str = "active") -> Subscriber:
        subscriber = Subscriber(email=email, status=status, confirmed_at=timezone.now())
        subscriber.set_interests(interests)
        subscriber.save()
        return subscriber

    return make
