"""Weekly sends through a real SMTP server: content per interest, headers, links, failures, resume."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from newsletter import tasks
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from newsletter.services import mail, sending
from newsletter.services.smtp import dot_stuff, send_prepared
from tests.newsletter.conftest import body, link_to
from trendsaas.schedules import collect_periodic_tasks

pytestmark = pytest.mark.django_db


def _send_week(week) -> NewsletterIssue:
    issue = sending.create_issue(week)
    assert sending.schedule_issue(issue)
    step = sending.send_issue(issue)
    issue.refresh_from_db()
    assert step.done, step
    return issue


def test_weekly_send_gives_each_subscriber_their_interests(smtp, make_week, make_subscriber):
    week = make_week()
    make_subscriber("fashion@shop.test", ("fashion",))
    make_subscriber("beauty@shop.test", ("beauty",))
    make_subscriber("both@shop.test", ("fashion", "beauty"))
    make_subscriber("left@shop.test", ("fashion",), status="unsubscribed")
    make_subscriber("pending@shop.test", ("beauty",), status="pending")

    issue = _send_week(week)

    assert issue.status == "sent" and issue.sent_at is not None
    assert sorted(smtp.recipients()) == ["beauty@shop.test", "both@shop.test", "fashion@shop.test"]
    fashion = body(smtp.to("fashion@shop.test")[0], "html")
    beauty = body(smtp.to("beauty@shop.test")[0], "html")
    both = body(smtp.to("both@shop.test")[0], "html")
    assert "Black leather jacket" in fashion and "quiet luxury" in fashion
    assert "Red lipstick" not in fashion and "glass skin" not in fashion
    assert "Red lipstick" in beauty and "glass skin" in beauty and "Black leather jacket" not in beauty
    assert "Black leather jacket" in both and "Red lipstick" in both
    # A cross-over item (no dominant segment) belongs to both sections.
    assert "Brown sunglasses" in fashion and "Brown sunglasses" in beauty
    # Steady keywords are not news.
    assert "old money" not in both


def test_issue_mail_is_a_proper_newsletter(smtp, make_week, make_subscriber):
    make_subscriber("fashion@shop.test", ("fashion",))
    _send_week(make_week("2026-W44"))
    message = smtp.to("fashion@shop.test")[0]

    assert "Week 44 · 26 Oct – 1 Nov 2026" in message["Subject"]
    html, text = body(message, "html"), body(message, "plain")
    assert message.get_content_type() == "multipart/alternative"
    assert "<script" not in html.lower() and "<table" in html and 'style="' in html
    # Preheader: hidden first text, naming the week too.
    assert "Week 44" in html.split("<table", 1)[0]
    # Evidence images are absolute URLs to the served crops.
    assert 'src="https://trends.example.com/media/crops/2026/10/fashion-1.jpg"' in html
    assert "Hottest influencer news" in html and "@minji.style" in html and "184k followers" in html
    assert "Black leather jacket" in text and "1.8× usual" in text and "@minji.style" in text
    unsubscribe = message["List-Unsubscribe"]
    assert "<https://trends.example.com/newsletter/unsubscribe/" in unsubscribe
    assert "<mailto:unsubscribe@trendsaas.localhost?subject=unsubscribe%20" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] and message["Precedence"] == "bulk"
    assert abs(message["Date"].datetime - timezone.now()) < timedelta(minutes=5)
    assert str(message["To"]) == "fashion@shop.test" and "marker" not in message.as_string()


def test_each_copy_has_its_own_message_id_and_links(smtp, make_week, make_subscriber):
    make_subscriber("a@shop.test")
    make_subscriber("b@shop.test")
    _send_week(make_week())
    a, b = smtp.to("a@shop.test")[0], smtp.to("b@shop.test")[0]
    assert a["Message-ID"] != b["Message-ID"]
    assert link_to(body(a), "/newsletter/preferences/") != link_to(body(b), "/newsletter/preferences/")


def test_links_in_the_newsletter_work(smtp, make_week, make_subscriber):
    subscriber = make_subscriber("both@shop.test", ("fashion", "beauty"))
    _send_week(make_week())
    message = smtp.to("both@shop.test")[0]
    client = Client(enforce_csrf_checks=True)

    # Preferences: reachable without login, change interests.
    preferences = link_to(body(message, "plain"), "/newsletter/preferences/")
    page = client.get(preferences)
    assert page.status_code == 200 and "both@shop.test" in page.content.decode()
    client.get(preferences)  # sets the CSRF cookie like a browser
    token = client.cookies["csrftoken"].value
    response = client.post(preferences, {"interests": ["beauty"], "action": "save", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.interests == ("beauty",)

    # One-click unsubscribe as a mail provider does it (RFC 8058): a bare POST, no cookie, no token.
    header_url = message["List-Unsubscribe"].split("<", 1)[1].split(">", 1)[0]
    path = header_url.removeprefix("https://trends.example.com")
    assert Client(enforce_csrf_checks=True).get(path).status_code == 200  # a link scanner's GET…
    subscriber.refresh_from_db()
    assert subscriber.status == "active"  # …changes nothing
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"

    # It takes effect for the next send.
    smtp.reset()
    _send_week(make_week("2026-W45"))
    assert smtp.to("both@shop.test") == []


def test_tampered_links_are_refused(smtp, make_week, make_subscriber):
    subscriber = make_subscriber("a@shop.test")
    _send_week(make_week())
    path = link_to(body(smtp.to("a@shop.test")[0]), "/newsletter/unsubscribe/")
    forged = path.replace(f"/unsubscribe/{subscriber.pk}:", f"/unsubscribe/{subscriber.pk + 1}:")
    assert Client().post(forged).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == "active"


def test_permanent_rejections_bounce_after_threshold(smtp, make_week, make_subscriber, settings):
    settings.NEWSLETTER_BOUNCE_THRESHOLD = 2
    make_subscriber("ok@shop.test")
    gone = make_subscriber("gone@shop.test")
    smtp.refuse("gone@shop.test", "550 5.1.1 <gone@shop.test>: user unknown")

    issue = _send_week(make_week("2026-W44"))
    delivery = Delivery.objects.get(issue=issue, subscriber=gone)
    assert (delivery.status, delivery.smtp_code) == ("failed", 550)
    assert "user unknown" in delivery.last_error
    gone.refresh_from_db()
    assert (gone.status, gone.hard_bounces) == ("active", 1)  # one failure is not yet a bounce
    assert smtp.to("ok@shop.test")  # the batch went on after the refusal

    _send_week(make_week("2026-W45"))
    gone.refresh_from_db()
    assert (gone.status, gone.hard_bounces) == ("bounced", 2)

    smtp.reset()
    issue = _send_week(make_week("2026-W46"))
    assert smtp.recipients() == ["ok@shop.test"]
    assert not Delivery.objects.filter(issue=issue, subscriber=gone).exists()


def test_transient_rejection_is_retried_with_backoff(smtp, make_week, make_subscriber, settings):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 60
    make_subscriber("ok@shop.test")
    busy = make_subscriber("busy@shop.test")
    smtp.refuse("busy@shop.test", "451 4.3.0 mailbox busy, try later", times=1)
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    now = timezone.now()

    first = sending.send_issue(issue, now=now)
    delivery = Delivery.objects.get(issue=issue, subscriber=busy)
    assert (first.result.sent, first.result.deferred, first.done) == (1, 1, False)
    assert (delivery.status, delivery.smtp_code, delivery.attempts) == ("pending", 451, 1)
    assert delivery.next_attempt_at == now + timedelta(seconds=60)
    assert first.retry_at == now + timedelta(seconds=60)
    # Before the back-off is over nothing is retried.
    assert sending.send_issue(issue, now=now + timedelta(seconds=30)).result.claimed == 0

    second = sending.send_issue(issue, now=now + timedelta(seconds=61))
    issue.refresh_from_db()
    assert second.done and issue.status == "sent"
    assert len(smtp.to("busy@shop.test")) == 1 and len(smtp.to("ok@shop.test")) == 1
    assert Delivery.objects.get(issue=issue, subscriber=busy).attempts == 2


def test_transient_failures_give_up_after_max_attempts(smtp, make_week, make_subscriber, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    busy = make_subscriber("busy@shop.test")
    smtp.refuse("busy@shop.test", "451 4.3.0 try later")
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    now = timezone.now()
    sending.send_issue(issue, now=now)
    step = sending.send_issue(issue, now=now + timedelta(hours=1))
    delivery = Delivery.objects.get(issue=issue, subscriber=busy)
    assert step.done and delivery.status == "failed" and "Gave up after 2 attempts" in delivery.last_error
    busy.refresh_from_db()
    assert busy.status == "active" and busy.hard_bounces == 0  # a busy mailbox is not a dead one


def test_crash_mid_batch_then_resume_sends_everyone_exactly_once(smtp, make_week, make_subscriber, monkeypatch):
    addresses = [f"s{n}@shop.test" for n in range(6)]
    for address in addresses:
        make_subscriber(address, ("fashion", "beauty"))
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)

    real_raw = mail.PreparedIssue.raw
    calls = {"n": 0}

    def crash_on_fourth(self, subscriber):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker crashed")
        return real_raw(self, subscriber)

    monkeypatch.setattr(mail.PreparedIssue, "raw", crash_on_fourth)
    with pytest.raises(RuntimeError):
        sending.send_issue(issue)
    assert len(smtp.received) == 3
    issue.refresh_from_db()
    assert issue.status == "sending"

    monkeypatch.undo()
    assert sending.send_issue(issue).done
    assert sorted(smtp.recipients()) == sorted(addresses)  # each exactly once
    assert Delivery.objects.filter(issue=issue, status="sent").count() == 6


def test_rows_of_a_killed_worker_are_reclaimed_after_the_lease(smtp, make_week, make_subscriber, settings):
    settings.NEWSLETTER_SEND_LEASE_SECONDS = 600
    for n in range(4):
        make_subscriber(f"s{n}@shop.test")
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    now = timezone.now()
    sending.begin_sending(issue, now)
    # A worker claims two rows, sends one, and is killed before recording it (SIGKILL: no clean-up).
    held = sending.claim_batch(issue, 2, now)
    assert len(held) == 2

    step = sending.send_issue(issue, now=now + timedelta(seconds=60))
    assert step.result.sent == 2 and not step.done  # the held rows are left alone while the lease runs
    assert step.retry_at == now + timedelta(seconds=600)

    step = sending.send_issue(issue, now=now + timedelta(seconds=601))
    assert step.done and step.result.sent == 2
    assert sorted(smtp.recipients()) == [f"s{n}@shop.test" for n in range(4)]


def test_double_scheduling_never_sends_twice(smtp, make_week, make_subscriber):
    for n in range(3):
        make_subscriber(f"s{n}@shop.test")
    week = make_week()
    issue = sending.create_issue(week)
    assert sending.create_issue(week).pk == issue.pk  # one issue per week
    assert sending.schedule_issue(issue) and not sending.schedule_issue(issue)
    now = timezone.now()
    assert sending.begin_sending(issue, now) == 3
    assert sending.begin_sending(issue, now) == 0  # a second task finds it started

    other = NewsletterIssue.objects.get(pk=issue.pk)  # a second worker with its own copy
    first = sending.claim_batch(issue, 2, now)
    second = sending.claim_batch(other, 10, now)
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert len(first) + len(second) == 3
    with pytest.raises(IntegrityError):
        Delivery.objects.create(issue=issue, subscriber=first[0].subscriber)


def test_unsubscribing_during_a_send_skips_the_rest(smtp, make_week, make_subscriber):
    make_subscriber("a@shop.test")
    leaving = make_subscriber("b@shop.test")
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    sending.begin_sending(issue, timezone.now())
    Subscriber.objects.filter(pk=leaving.pk).update(status="unsubscribed")
    assert sending.send_issue(issue).done
    assert smtp.recipients() == ["a@shop.test"]
    assert Delivery.objects.get(issue=issue, subscriber=leaving).status == "skipped"


def test_smtp_server_down_defers_everything(make_week, make_subscriber, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    make_subscriber("a@shop.test")
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    step = sending.send_issue(issue)
    assert step.result.aborted and step.result.sent == 0 and not step.done and step.retry_at
    delivery = Delivery.objects.get(issue=issue)
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_weekly_job_sends_latest_published_week_once(smtp, make_week, make_subscriber, monkeypatch):
    make_subscriber("a@shop.test")
    make_week("2026-W43")
    latest = make_week("2026-W44")
    make_week("2026-W45", published=False)
    monkeypatch.setattr(tasks.send_issue_batch, "delay", lambda issue_id: tasks.send_issue_batch(issue_id))

    issue_id = tasks.send_weekly_newsletter()
    assert NewsletterIssue.objects.get(pk=issue_id).week == latest
    assert NewsletterIssue.objects.get(pk=issue_id).status == "sent"
    assert tasks.send_weekly_newsletter() is None  # Monday's job run twice: nothing more
    assert len(smtp.to("a@shop.test")) == 1


def test_stalled_sends_are_found_by_the_sweep(make_week, make_subscriber, settings):
    settings.NEWSLETTER_SEND_LEASE_SECONDS = 600
    make_subscriber("a@shop.test")
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    now = timezone.now()
    sending.begin_sending(issue, now)
    sending.claim_batch(issue, 10, now)  # then the worker dies
    assert sending.stalled_issues(now + timedelta(seconds=60)) == []
    assert sending.stalled_issues(now + timedelta(seconds=700)) == [issue]


def test_beat_runs_monday_at_nine():
    specs = {spec["task"]: spec for spec in collect_periodic_tasks()}
    weekly = specs["newsletter.tasks.send_weekly_newsletter"]
    assert (weekly["minute"], weekly["hour"], weekly["day_of_week"]) == ("0", "9", "1")
    assert "newsletter.tasks.resume_stalled_sends" in specs


def test_servers_without_pipelining_get_one_command_at_a_time(smtp, make_week, make_subscriber):
    smtp.pipelining = False
    make_subscriber("ok@shop.test")
    make_subscriber("gone@shop.test")
    make_subscriber("busy@shop.test")
    smtp.refuse("gone@shop.test", "550 5.1.1 user unknown")
    smtp.refuse("busy@shop.test", "451 4.3.0 try later", times=1)
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    now = timezone.now()
    step = sending.send_issue(issue, now=now)
    assert (step.result.sent, step.result.failed, step.result.deferred) == (1, 1, 1)
    assert sending.send_issue(issue, now=now + timedelta(hours=1)).done
    assert sorted(smtp.recipients()) == ["busy@shop.test", "ok@shop.test"]


def test_envelope_and_dot_stuffing(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    message = b"Subject: dots\r\nTo: a@shop.test\r\n\r\n.leading dot\r\n..two dots\r\nend"
    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as connection:
        send_prepared(connection, "weekly@trendsaas.test", "a@shop.test", dot_stuff(message), eight_bit=False)
    [received] = smtp.to("a@shop.test")
    assert received.get_content().splitlines() == [".leading dot", "..two dots", "end"]
    assert smtp.envelopes == [("weekly@trendsaas.test", "")]


def test_newsletter_envelope_declares_8bit(smtp, make_week, make_subscriber):
    make_subscriber("a@shop.test")
    _send_week(make_week())
    assert smtp.envelopes == [("weekly@trendsaas.localhost", "BODY=8BITMIME")]


def test_other_mail_backends_get_ordinary_messages(make_week, make_subscriber, mailoutbox):
    make_subscriber("a@shop.test", ("beauty",))
    _send_week(make_week())
    [message] = mailoutbox
    assert message.to == ["a@shop.test"] and "Red lipstick" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_batch_task_chains_itself_and_waits_for_backoff(smtp, make_week, make_subscriber, settings, monkeypatch):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(3):
        make_subscriber(f"s{n}@shop.test")
    smtp.refuse("s2@shop.test", "451 4.3.0 try later", times=1)
    issue = sending.create_issue(make_week())
    sending.schedule_issue(issue)
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.send_issue_batch, "delay", lambda issue_id: queued.append(("now", issue_id)))
    monkeypatch.setattr(tasks.send_issue_batch, "apply_async", lambda args, eta: queued.append(("eta", args[0], eta)))

    tasks.send_issue_batch(issue.pk)  # first batch: two messages, more to do
    assert queued == [("now", issue.pk)]
    tasks.send_issue_batch(issue.pk)  # second batch: the third address answers 451
    kind, issue_id, eta = queued[-1]
    assert (kind, issue_id) == ("eta", issue.pk) and eta > timezone.now()
    assert len(smtp.received) == 2
