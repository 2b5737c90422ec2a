"""Two Stripe events for one subscription at once: the second waits for the first, then applies.

Seen in CI: `invoice.payment_succeeded` moved the tenant from Trial to Growth while
`customer.subscription.created` waited on the row lock; the waiting query joined `plan`, PostgreSQL
re-checked that join against the new row, and the subscription "did not exist" (a 500 to Stripe).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from billing.services import ensure_subscription, lock_subscription

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks exist only on PostgreSQL (CI suite 2 runs this)"
)


def another_session_waits_on_a_lock() -> bool:
    # pg_locks, not pg_stat_activity: the latter is frozen for the length of our open transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the second event never reached the row lock"
        time.sleep(0.02)  # polling a condition, not waiting for time to pass


@pytest.mark.django_db(transaction=True)
def test_an_event_waiting_behind_a_plan_change_still_finds_the_subscription(tenant_a, priced_plans):
    subscription = ensure_subscription(tenant_a)
    seen: dict = {}

    def second_event() -> None:
        try:
            with transaction.atomic():
                seen["plan"] = lock_subscription(subscription.pk).plan.slug
        except Exception as exc:  # reported by the assertion below
            seen["error"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        first = lock_subscription(subscription.pk)
        first.plan = priced_plans["growth"]
        first.save(update_fields=["plan"])
        waiter = threading.Thread(target=second_event)
        waiter.start()
        wait_for(lambda: not waiter.is_alive() or another_session_waits_on_a_lock())
    waiter.join(timeout=10)

    assert seen == {"plan": "growth"}
