"""Re-read every tenant's subscription from Stripe (after a missed webhook or drift); print what changed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing import stripe_client
from billing.models import Subscription
from billing.services import sync_all


class Command(BaseCommand):
    help = "Re-sync each tenant's subscription from Stripe and print the changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="Only this tenant (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")

    def handle(self, *args, tenant: str | None = None, dry_run: bool = False, **options) -> None:
        if not stripe_client.is_configured():
            raise CommandError("STRIPE_SECRET_KEY is not set: there is no Stripe to sync from.")
        if tenant and not Subscription.unscoped.filter(tenant__slug=tenant).exists():
            raise CommandError(f"No tenant {tenant!r}.")
        results = sync_all(tenant, commit=not dry_run)
        for result in results:
            if result.skipped:
                self.stdout.write(f"{result.tenant_slug}: skipped, {result.skipped}")
            elif result.error:
                self.stderr.write(f"{result.tenant_slug}: Stripe error, not synced: {result.error}")
            elif not result.changes:
                self.stdout.write(f"{result.tenant_slug}: unchanged")
            else:
                self.stdout.write(f"{result.tenant_slug}: {'would change' if dry_run else 'changed'}")
                for line in result.changes:
                    self.stdout.write(f"  {line}")
        changed = sum(1 for r in results if r.changes)
        failed = sum(1 for r in results if r.error)
        self.stdout.write(self.style.SUCCESS(f"{changed} changed, {failed} failed, {len(results)} tenants."))
        if failed:
            raise CommandError(f"{failed} tenant(s) could not be synced; see above.")
