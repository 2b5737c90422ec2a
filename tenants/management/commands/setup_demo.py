"""Idempotent first-run setup: periodic tasks, a demo tenant with an owner and a viewer, demo data.

Each app may add its own demo step as `<app>/demo.py: setup_demo(stdout) -> None`.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from tenants.models import Membership, Role, Tenant, User
from tenants.services import create_tenant
from trendsaas.schedules import ensure_periodic_tasks

DEMO_PASSWORD = "trendsaas-demo"  # noqa: S105 (printed for the local demo on purpose)
DEMO_USERS = {"owner": "owner@demo.trendsaas.localhost", "viewer": "viewer@demo.trendsaas.localhost"}


class Command(BaseCommand):
    help = "Create periodic tasks, the demo tenant and its users, and demo data (safe to re-run)."

    def handle(self, *args, **options) -> None:
        for name in ensure_periodic_tasks():
            self.stdout.write(f"periodic task: {name}")
        owner = self._user(DEMO_USERS["owner"], "Olivia Owner")
        viewer = self._user(DEMO_USERS["viewer"], "Victor Viewer")
        tenant = Tenant.objects.filter(slug="demo").first() or create_tenant("Demo Shop", "demo", owner)
        Membership.objects.get_or_create(user=owner, tenant=tenant, defaults={"role": Role.OWNER})
        Membership.objects.get_or_create(user=viewer, tenant=tenant, defaults={"role": Role.VIEWER})
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.setup_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in at /accounts/login/ with:"))
        for role, email in DEMO_USERS.items():
            self.stdout.write(f"  {role:6} {email}  password: {DEMO_PASSWORD}")

    def _user(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
        return user
