"""Beat jobs of the newsletter (see trendsaas/schedules.py); crontabs are in settings.TIME_ZONE."""

PERIODIC_TASKS = [
    {
        "name": "Send the weekly newsletter",
        "task": "newsletter.tasks.send_weekly_newsletter",
        "minute": "0",
        "hour": "9",
        "day_of_week": "1",  # Monday
    },
    {
        "name": "Resume stalled newsletter sends",
        "task": "newsletter.tasks.resume_stalled_sends",
        "minute": "*/10",
    },
]
