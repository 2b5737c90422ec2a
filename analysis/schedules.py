"""Beat jobs of the analysis app (collected by trendsaas.schedules)."""

PERIODIC_TASKS = [
    {
        # Safety net: re-queue analysis left pending for 30 minutes (lost message, broker outage).
        "name": "analysis: re-queue stale pending analysis",
        "task": "analysis.tasks.dispatch_pending_analysis",
        "minute": "*/30",
    },
]
