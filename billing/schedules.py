PERIODIC_TASKS = [
    # Webhooks are the fast path; this nightly re-read catches any delivery Stripe gave up on.
    {
        "name": "billing: re-sync subscriptions from Stripe",
        "task": "billing.tasks.sync_subscriptions",
        "minute": "20",
        "hour": "3",
    },
]
