"""Celery wrappers over newsletter.services.sending: each run sends at most one batch.

A batch task re-enqueues itself while work is left, or at the back-off time of deferred rows,
so a 10,000-recipient send is many short tasks a worker can interleave with other work.
Running two chains for the same issue is harmless: rows are claimed atomically.
"""

from __future__ import annotations

from celery import shared_task

from newsletter.models import NewsletterIssue
from newsletter.services import sending


@shared_task(name="newsletter.tasks.send_issue_batch", acks_late=True)
def send_issue_batch(issue_id: int) -> dict:
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {"missing": issue_id}
    step = sending.send_step(issue)
    if step.more:
        send_issue_batch.delay(issue_id)
    elif step.retry_at and not step.done:
        send_issue_batch.apply_async((issue_id,), eta=step.retry_at)
    return {"sent": step.result.sent, "failed": step.result.failed, "deferred": step.result.deferred, "done": step.done}


@shared_task(name="newsletter.tasks.send_weekly_newsletter")
def send_weekly_newsletter() -> int | None:
    """Monday 09:00: the latest published week's issue goes out unless it already did."""
    issue = sending.prepare_weekly_issue()
    if issue is None:
        return None
    send_issue_batch.delay(issue.pk)
    return issue.pk


@shared_task(name="newsletter.tasks.resume_stalled_sends")
def resume_stalled_sends() -> list[int]:
    """Safety net for a lost task (worker killed, broker restarted): restart quiet sends."""
    ids = [issue.pk for issue in sending.stalled_issues()]
    for issue_id in ids:
        send_issue_batch.delay(issue_id)
    return ids
