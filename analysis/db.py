"""Row-wise bulk writes that stay cheap for thousands of rows per call (analysis batches).

Django's bulk_update builds one CASE expression per field per row and bulk_create one model
instance per row; for the hundreds of posts and tens of thousands of keywords of an analysis
batch that cost more than the writes themselves. These send plain rows with executemany.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

# Only these need converting to a database value; strings and numbers go as they are.
PREPARED_TYPES = {"JSONField", "DateTimeField", "DateField", "DecimalField"}


def _rows(columns: list[models.Field], rows: Sequence[Sequence[Any]], connection: Any) -> list[list[Any]]:
    prepare = [column.get_internal_type() in PREPARED_TYPES for column in columns]
    return [
        [
            column.get_db_prep_save(value, connection) if needed else value
            for column, needed, value in zip(columns, prepare, values, strict=True)
        ]
        for values in rows
    ]


def _target(model: type[models.Model], fields: Sequence[str]) -> tuple[Any, Any, list[models.Field], Any]:
    """(connection, model meta, the fields' columns, the connection's name quoting)."""
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    return connection, meta, [meta.get_field(name) for name in fields], connection.ops.quote_name


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE each row by primary key; rows are (pk, *values in `fields` order)."""
    if not rows:
        return
    connection, meta, columns, quote = _target(model, fields)
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 (names quoted)
    params = [
        [*values, pk]
        for pk, values in zip(
            [row[0] for row in rows], _rows(columns, [row[1:] for row in rows], connection), strict=True
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT plain rows (no model instances, no signals)."""
    if not rows:
        return
    connection, meta, columns, quote = _target(model, fields)
    names = ", ".join(quote(column.column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 (names quoted)
    with connection.cursor() as cursor:
        cursor.executemany(sql, _rows(columns, rows, connection))
