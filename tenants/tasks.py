"""Celery tasks of the tenants app: thin wrappers over tenants.services."""

from celery import shared_task

from tenants import services


@shared_task(name="tenants.tasks.expire_invitations")
def expire_invitations() -> int:
    return services.expire_invitations()
