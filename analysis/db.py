"""Row-wise bulk updates that stay cheap for hundreds of rows per call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE each row by primary key in one executemany; rows are (pk, *values in `fields` order).

    Django's bulk_update builds one CASE expression per field per row, which for the few hundred
    posts of an analysis batch cost more than the analysis writes themselves.
    """
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 (names quoted)
    params = [
        [column.get_db_prep_save(value, connection) for column, value in zip(columns, values, strict=True)] + [pk]
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
