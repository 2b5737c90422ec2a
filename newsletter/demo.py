"""Demo step (idempotent): one confirmed subscriber, and a draft issue if a week is published."""

from __future__ import annotations

from typing import TextIO

from django.utils import timezone

from newsletter.models import Subscriber
from newsletter.services import sending

DEMO_SUBSCRIBER = "subscriber@demo.trendsaas.localhost"


def setup_demo(stdout: TextIO) -> None:
    subscriber, created = Subscriber.objects.get_or_create(
        email=DEMO_SUBSCRIBER,
        defaults={
            "name": "Sam Subscriber",
            "status": Subscriber.Status.ACTIVE,
            "fashion": True,
            "beauty": True,
            "source": "demo",
            "confirmed_at": timezone.now(),
            "consent_at": timezone.now(),
        },
    )
    if created:
        stdout.write(f"newsletter: confirmed demo subscriber {subscriber.email}")
    week = sending.latest_published_week()
    if week is not None:
        issue = sending.create_issue(week)
        stdout.write(f"newsletter: issue for {week.week} is {issue.status} (admin → Newsletter issues)")
