"""Sending an issue: draft → scheduled → sending → sent, one Delivery row per (issue, subscriber).

Exactly-once rests on two things the database enforces:
- the (issue, subscriber) unique constraint, so a doubly-started send creates no second row;
- claiming rows with a conditional UPDATE (`… WHERE status='pending'`) tagged with a fresh claim
  token, so two workers never hold the same row. A worker that dies leaves its rows 'sending';
  after NEWSLETTER_SEND_LEASE_SECONDS another run reclaims them.
Each message is marked sent right after the SMTP server accepted it, so a crash can repeat at
most the one message that was in flight.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from newsletter.models import Delivery, Interest, NewsletterIssue, Subscriber
from newsletter.services.content import build_content, render_issue, variant_for
from newsletter.services.mail import PreparedIssue, issue_message
from newsletter.services.smtp import send_prepared
from trends.models import TrendWeek

log = logging.getLogger(__name__)
IssueStatus = NewsletterIssue.Status
MAX_BACKOFF = timedelta(hours=6)


# --- Issues ----------------------------------------------------------------------------------


def latest_published_week() -> TrendWeek | None:
    return TrendWeek.objects.filter(status=TrendWeek.Status.PUBLISHED).order_by("-starts_at").first()


def create_issue(week: TrendWeek, created_by=None) -> NewsletterIssue:
    """The week's issue, built from its trends on first call (one issue per week, by constraint)."""
    if not week.is_published:
        raise ValueError(f"Week {week.week} is not published yet; only published weeks go out.")
    issue, _ = NewsletterIssue.objects.get_or_create(
        week=week, defaults={"content": build_content(week), "created_by": created_by}
    )
    return issue


def rebuild_issue(issue: NewsletterIssue) -> None:
    """Refresh a draft from its week (after the trend engine recomputed it)."""
    if issue.status != IssueStatus.DRAFT:
        raise ValueError("Only a draft can be rebuilt; this issue is already on its way.")
    issue.content = build_content(issue.week)
    issue.save(update_fields=["content"])


def schedule_issue(issue: NewsletterIssue, when: datetime | None = None) -> bool:
    """Draft → scheduled; False if it was not a draft any more (already scheduled or sent)."""
    updated = NewsletterIssue.objects.filter(pk=issue.pk, status=IssueStatus.DRAFT).update(
        status=IssueStatus.SCHEDULED, scheduled_for=when or timezone.now()
    )
    issue.refresh_from_db()
    return bool(updated)


@transaction.atomic
def begin_sending(issue: NewsletterIssue, now: datetime) -> int:
    """Scheduled (and due) → sending, creating a pending Delivery per active subscriber."""
    started = NewsletterIssue.objects.filter(
        Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=now), pk=issue.pk, status=IssueStatus.SCHEDULED
    ).update(status=IssueStatus.SENDING, sending_started_at=now)
    if not started:
        return 0
    ids = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).values_list("pk", flat=True)
    rows = [Delivery(issue_id=issue.pk, subscriber_id=pk) for pk in ids.iterator(chunk_size=2000)]
    Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def finish_if_done(issue: NewsletterIssue) -> bool:
    """Sending → sent once no row is pending or in flight."""
    if Delivery.objects.filter(issue=issue, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).exists():
        return False
    NewsletterIssue.objects.filter(pk=issue.pk, status=IssueStatus.SENDING).update(
        status=IssueStatus.SENT, sent_at=timezone.now()
    )
    issue.refresh_from_db()
    return issue.status == IssueStatus.SENT


def delivery_stats(issue: NewsletterIssue) -> dict[str, int]:
    counts = dict(Delivery.objects.filter(issue=issue).values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in Delivery.Status.values}


# --- Claiming rows ---------------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    ready = Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    lease = timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS)
    stale = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - lease)
    return ready | stale


def claim_batch(issue: NewsletterIssue, size: int, now: datetime) -> list[Delivery]:
    """Atomically take up to `size` rows for this worker; rows others hold are never returned."""
    claimable = Delivery.objects.filter(_claimable(now), issue=issue)
    # A row that keeps killing its worker must not be retried forever.
    claimable.filter(attempts__gte=settings.NEWSLETTER_MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED, claim_token=None, last_error="Gave up: too many attempts."
    )
    ids = list(claimable.order_by("pk").values_list("pk", flat=True)[:size])
    if not ids:
        return []
    token = uuid.uuid4()
    # The WHERE repeats the claimable condition: a row another worker took meanwhile is skipped.
    Delivery.objects.filter(_claimable(now), pk__in=ids).update(
        status=Delivery.Status.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    fields = ["claim_token", "attempts", "subscriber__email", "subscriber__status", "subscriber__hard_bounces"]
    fields += [f"subscriber__{interest}" for interest in Interest.values]
    claimed = Delivery.objects.filter(claim_token=token).select_related("subscriber").only(*fields)
    return list(claimed.order_by("pk"))


def _held(delivery: Delivery):
    return Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token)


def _release(deliveries: list[Delivery], retry_at: datetime | None) -> None:
    """Give back rows this worker claimed but never tried."""
    for delivery in deliveries:
        _held(delivery).update(
            status=Delivery.Status.PENDING,
            claim_token=None,
            claimed_at=None,
            next_attempt_at=retry_at,
            attempts=F("attempts") - 1,
        )


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=settings.NEWSLETTER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


# --- Sending one batch -----------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    aborted: str = ""

    def add(self, other: BatchResult) -> None:
        for field in fields(self):
            if field.name != "aborted":
                setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        self.aborted = other.aborted or self.aborted


class ConnectionLost(Exception):
    """The SMTP session is unusable; the rest of the batch waits for a later run."""


def smtp_outcome(exc: Exception) -> tuple[int | None, str]:
    """(SMTP code or None, message) of a per-message failure; raises ConnectionLost for session errors."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        raise ConnectionLost(f"Sender refused: {exc.smtp_code} {exc.smtp_error!r}")
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        return exc.smtp_code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    raise ConnectionLost(str(exc) or exc.__class__.__name__)


_MARK_SENT = (
    "UPDATE {table} SET status = %s, sent_at = %s, claim_token = NULL, last_error = '' "
    "WHERE id = %s AND claim_token = %s"
)


def _mark_sent(delivery: Delivery) -> None:
    # Once per message, right after the server accepted it; plain SQL because the ORM's
    # query building cost more than the commit itself (see bench/newsletter).
    token = Delivery._meta.get_field("claim_token").get_db_prep_value(delivery.claim_token, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT.format(table=connection.ops.quote_name(Delivery._meta.db_table)),
            [Delivery.Status.SENT, connection.ops.adapt_datetimefield_value(timezone.now()), delivery.pk, token],
        )
    if delivery.subscriber.hard_bounces:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(hard_bounces=0)


def _mark_failed(delivery: Delivery, code: int | None, error: str, now: datetime, bounce: bool) -> None:
    _held(delivery).update(status=Delivery.Status.FAILED, smtp_code=code, last_error=error[:1000], claim_token=None)
    if bounce:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(hard_bounces=F("hard_bounces") + 1)
        Subscriber.objects.filter(
            pk=delivery.subscriber_id,
            status=Subscriber.Status.ACTIVE,
            hard_bounces__gte=settings.NEWSLETTER_BOUNCE_THRESHOLD,
        ).update(status=Subscriber.Status.BOUNCED, bounced_at=now)


def _defer(delivery: Delivery, code: int | None, error: str, now: datetime) -> bool:
    """Transient failure: back to pending with back-off; False when attempts are exhausted."""
    if delivery.attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
        _mark_failed(delivery, code, f"Gave up after {delivery.attempts} attempts: {error}", now, bounce=False)
        return False
    _held(delivery).update(
        status=Delivery.Status.PENDING,
        claim_token=None,
        next_attempt_at=now + backoff(delivery.attempts),
        smtp_code=code,
        last_error=error[:1000],
    )
    return True


_PREPARED: dict[tuple, PreparedIssue] = {}


def prepared_copy(issue: NewsletterIssue, variant: tuple[str, ...]) -> PreparedIssue:
    """The issue rendered for `variant`, kept across batches of this process (content is frozen
    once sending starts; subject and preheader are in the key in case a draft is edited)."""
    key = (issue.pk, issue.sending_started_at, issue.subject, issue.preheader, variant)
    if key not in _PREPARED:
        if len(_PREPARED) >= 12:
            _PREPARED.clear()
        _PREPARED[key] = PreparedIssue(render_issue(issue, variant))
    return _PREPARED[key]


def _raw_smtp(connection) -> bool:
    """Whether ready-made bytes can go straight to the SMTP session (the real SMTP backend)."""
    return isinstance(connection, SmtpBackend) and connection.connection is not None


def send_batch(issue: NewsletterIssue, *, now: datetime | None = None, size: int | None = None) -> BatchResult:
    """Claim one batch and send it over a single SMTP connection."""
    now = now or timezone.now()
    claimed = claim_batch(issue, size or settings.NEWSLETTER_BATCH_SIZE, now)
    result = BatchResult(claimed=len(claimed))
    if not claimed:
        return result
    untried = list(reversed(claimed))
    connection = get_connection()
    try:
        connection.open()
        while untried:
            delivery = untried[-1]
            subscriber = delivery.subscriber
            if subscriber.status != Subscriber.Status.ACTIVE:
                # Unsubscribed or bounced since the send began: honoured before the next message.
                _held(delivery).update(status=Delivery.Status.SKIPPED, claim_token=None)
                untried.pop()
                result.skipped += 1
                continue
            variant = variant_for(subscriber.interests)
            copy = prepared_copy(issue, variant)
            raw = copy.raw(subscriber) if _raw_smtp(connection) and copy.usable_for(subscriber) else None
            message = None if raw else issue_message(copy.rendered, subscriber, connection)
            untried.pop()
            try:
                if raw:
                    send_prepared(connection.connection, copy.from_address, subscriber.email, raw, copy.eight_bit)
                else:
                    connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as exc:
                _handle_failure(delivery, exc, now, result)
                continue
            _mark_sent(delivery)
            result.sent += 1
    except ConnectionLost as exc:
        log.warning("Newsletter %s: SMTP session lost (%s); %d messages wait.", issue.pk, exc, len(untried))
        result.aborted = str(exc)
        _release(untried, now + backoff(1))
    except (smtplib.SMTPException, OSError) as exc:  # could not even connect
        log.warning("Newsletter %s: cannot reach the SMTP server (%s).", issue.pk, exc)
        result.aborted = str(exc) or exc.__class__.__name__
        _release(untried, now + backoff(1))
    except BaseException:
        # A crash (bug, shutdown): hand back what was never tried so the next run resumes at once.
        _release(untried, None)
        raise
    finally:
        # A broken session may fail to QUIT; nothing is lost by ignoring that.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return result


def _handle_failure(delivery: Delivery, exc: Exception, now: datetime, result: BatchResult) -> None:
    try:
        code, text = smtp_outcome(exc)
    except ConnectionLost as lost:
        _defer(delivery, None, str(lost), now)
        result.deferred += 1
        raise
    if code is not None and 500 <= code < 600:
        # Only a refused recipient or refused content counts against the address.
        bounce = isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)
        _mark_failed(delivery, code, text, now, bounce=bounce)
        result.failed += 1
    elif _defer(delivery, code, text, now):
        result.deferred += 1
    else:
        result.failed += 1


# --- Driving a whole send --------------------------------------------------------------------


@dataclass
class Step:
    result: BatchResult
    done: bool
    more: bool
    retry_at: datetime | None


def next_retry_at(issue: NewsletterIssue, now: datetime) -> datetime | None:
    """When rows that are waiting (back-off, another worker's lease) can next be claimed."""
    waits = Delivery.objects.filter(issue=issue)
    pending = waits.filter(status=Delivery.Status.PENDING).aggregate(at=Min("next_attempt_at"))["at"]
    held = waits.filter(status=Delivery.Status.SENDING).aggregate(at=Min("claimed_at"))["at"]
    candidates = [pending] if pending else []
    if held:
        candidates.append(held + timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS))
    if waits.filter(status=Delivery.Status.PENDING, next_attempt_at__isnull=True).exists():
        candidates.append(now)
    return max(min(candidates), now) if candidates else None


def send_step(issue: NewsletterIssue, now: datetime | None = None) -> Step:
    """One unit of work for a Celery task: start if due, send one batch, finish if nothing is left."""
    now = now or timezone.now()
    begin_sending(issue, now)
    issue.refresh_from_db()
    if issue.status == IssueStatus.SCHEDULED:
        return Step(BatchResult(), done=False, more=False, retry_at=issue.scheduled_for)
    if issue.status != IssueStatus.SENDING:
        return Step(BatchResult(), done=issue.status == IssueStatus.SENT, more=False, retry_at=None)
    result = send_batch(issue, now=now)
    if finish_if_done(issue):
        return Step(result, done=True, more=False, retry_at=None)
    more = not result.aborted and Delivery.objects.filter(_claimable(now), issue=issue).exists()
    return Step(result, done=False, more=more, retry_at=None if more else next_retry_at(issue, now))


def send_issue(issue: NewsletterIssue, now: datetime | None = None) -> Step:
    """Send every batch that can go now (commands, tests, the benchmark); retries are left waiting."""
    total = BatchResult()
    while True:
        step = send_step(issue, now)
        total.add(step.result)
        if not step.more:
            return Step(total, done=step.done, more=False, retry_at=step.retry_at)


def prepare_weekly_issue(now: datetime | None = None) -> NewsletterIssue | None:
    """Monday's job: the latest published week's issue, scheduled, unless it already went out."""
    week = latest_published_week()
    if week is None:
        return None
    issue = create_issue(week)
    schedule_issue(issue, now)
    return issue if issue.status in (IssueStatus.SCHEDULED, IssueStatus.SENDING) else None


def stalled_issues(now: datetime | None = None) -> list[NewsletterIssue]:
    """Issues that should be moving but nobody has touched for a lease period (a lost task)."""
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS)
    stalled = list(NewsletterIssue.objects.filter(status=IssueStatus.SCHEDULED, scheduled_for__lte=quiet))
    overdue = Q(status=Delivery.Status.SENDING, claimed_at__lt=quiet) | (
        Q(status=Delivery.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=quiet))
    )
    for issue in NewsletterIssue.objects.filter(status=IssueStatus.SENDING, sending_started_at__lte=quiet):
        if Delivery.objects.filter(issue=issue, claimed_at__gte=quiet).exists():
            continue  # a worker is on it
        open_rows = Delivery.objects.filter(issue=issue, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
        if not open_rows.exists() or open_rows.filter(overdue).exists():
            stalled.append(issue)
    return stalled


def send_test(issue: NewsletterIssue, email: str, interests: tuple[str, ...]) -> None:
    """Mail one copy to a curator; no Delivery row, the issue's status is untouched."""
    rendered = render_issue(issue, variant_for(interests))
    subscriber = Subscriber.objects.filter(email__iexact=email).first() or Subscriber(pk=0, email=email)
    message = issue_message(rendered, subscriber, to=email)
    message.subject = f"[Test] {message.subject}"
    message.send()
