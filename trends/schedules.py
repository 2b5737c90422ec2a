"""Beat jobs of the trend engine, in settings.TIME_ZONE (see trendsaas/schedules.py)."""

PERIODIC_TASKS = [
    {
        # Monday 06:00 local: the week that ended at midnight, after late metric snapshots of Sunday's posts.
        "name": "trends: compute last week",
        "task": "trends.compute_last_week",
        "minute": "0",
        "hour": "6",
        "day_of_week": "1",
    },
]
