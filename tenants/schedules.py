"""Beat jobs of the tenants app (see trendsaas/schedules.py)."""

PERIODIC_TASKS = [
    {
        # Past-expiry invitations become "expired", so seat counts and reports stop treating them as open.
        "name": "Expire team invitations",
        "task": "tenants.tasks.expire_invitations",
        "minute": "10",
        "hour": "3",
    },
]
