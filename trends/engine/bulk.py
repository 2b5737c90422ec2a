"""executemany INSERT without Django's per-object cost, for tens of thousands of plain rows."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

BATCH = 5000


def insert_rows(model, fields: list[str], rows: list[tuple]) -> int:
    """Insert `rows` (tuples in the order of `fields`); other columns get their field's default, so
    columns added to the model later (with defaults) need no change here. No signals, no ids back."""
    qn = connection.ops.quote_name
    given = [model._meta.get_field(f) for f in fields]
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f not in given]
    now = timezone.now()
    fill = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.get_default(), connection)
        for f in rest
    )  # fmt: skip
    columns = ", ".join(qn(f.column) for f in [*given, *rest])
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for n in range(0, len(rows), BATCH):
            cursor.executemany(sql, [(*row, *fill) for row in rows[n : n + BATCH]])
    return len(rows)
