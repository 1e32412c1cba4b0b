"""Bulk writes: PostgreSQL COPY for generated rows (benchmark-scale demo data), far faster than INSERTs, and the
history rows of objects written in bulk."""

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone


def _cell(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows (tuples in the order of `columns`, database column names) into the model's table."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_cell(value) for value in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # The raw cursor's errors come as Django's (IntegrityError for a refused row), as from any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
    return count


def next_ids(model, count: int) -> range:
    """Reserve `count` consecutive primary keys, so generated rows can reference each other before the COPY.

    Meant for the generator, which runs alone: a concurrent insert between the two statements could take one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return range(first, first + count)


def among(ids: Sequence[int]) -> tuple[str, list]:
    """A condition's right-hand side for "is one of these ids" with the whole list as one parameter, and that
    parameter: PostgreSQL's `= ANY(array)`, or on the newcomer's SQLite `IN` the list read by `json_each`. (One
    parameter per id would pass both databases' limits at the tens of thousands of ids a plan moves.)"""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(ids)]
    return "IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]


CREATED, CHANGED = "+", "~"


def history_copy(model, ids: Sequence[int], *, user, reason: str, change: str = CREATED) -> None:
    """History rows of objects just inserted or updated in bulk, written by the database in one statement.

    The same rows simple_history's bulk_create_with_history / bulk_update_with_history write (the change type, the
    user, the reason), copied from the rows as they now are by an INSERT … SELECT instead of building one Python
    object per row, which costs more than the write itself for a 10,000-row import or a 60,000-line batch.
    """
    if not ids:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [
        quote(field.column)
        for field in history.tracked_fields
        if field.concrete and not isinstance(field, models.GeneratedField)
    ]
    listed = ", ".join(columns)
    condition, id_params = among(ids)
    # Only table and column names from the models are formatted in, quoted; values are parameters.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608
        f"({listed}, history_date, history_user_id, history_type, history_change_reason) "
        f"SELECT {listed}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} {condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), getattr(user, "pk", None), change, reason[:100], *id_params])


class RowsRefused(ValidationError):
    """Rows a bulk service refused, by their index in the list it was given: {index: ValidationError by field}.

    Bulk services (imports) apply the rules of their one-by-one twins to every row before writing anything, and
    raise this with every row at fault, so an importer can show each on its row.
    """

    def __init__(self, rows: dict[int, ValidationError]):
        self.rows = rows
        super().__init__([message for error in rows.values() for message in error.messages])
