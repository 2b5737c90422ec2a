"""Demo step: default plans exist and the demo workspace is on a running trial."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from billing.services import ensure_default_plans, ensure_subscription
from tenants.models import Tenant


def setup_demo(stdout: TextIO) -> None:
    for slug in ensure_default_plans():
        stdout.write(f"billing: created plan {slug}")
    tenant = Tenant.objects.filter(slug="demo").first()
    if tenant is None:
        return
    subscription = ensure_subscription(tenant)
    now = timezone.now()
    if subscription.is_local_trial and subscription.trial_end and subscription.trial_end <= now:
        # The demo workspace never pays: restart its trial so the demo shows a running one.
        subscription.trial_end = now + timedelta(days=settings.TRIAL_DAYS)
        subscription.save(update_fields=["trial_end", "updated_at"])
    end = subscription.trial_end.strftime("%d %b %Y") if subscription.trial_end else "—"
    stdout.write(f"billing: {tenant.slug} is on {subscription.plan.name} ({subscription.status}), trial ends {end}")
