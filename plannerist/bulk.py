"""Fast multi-row INSERT (optionally an upsert) for the few places that write tens of
thousands of rows at once: order imports and KPI snapshots.

``QuerySet.bulk_create`` builds a model instance and compiles every value through the
expression machinery; on 50,000 rows that costs ten times the SQL. Here values go through
each field's ``get_db_prep_save`` (the same conversion the ORM applies) into a few hundred
rows per statement. ``ON CONFLICT … DO UPDATE`` works on PostgreSQL and SQLite alike.

On PostgreSQL the rows are streamed with ``COPY`` into a temporary table and moved with one
``INSERT … SELECT``: a 4,000-placeholder statement costs psycopg more to parse on the client
than the server spends inserting it (51,000 snapshots: 5.9 s down to under a second).

A write that moved a large share of a PostgreSQL table leaves its statistics stale until
autovacuum's analyze wakes up (up to a minute later, and only past 10 % of the table): the
recompute an import queues would be planned on the statistics of the table before it, a
first import's on an empty table's. So once it is committed, such a write runs
``ANALYZE`` on its table (:func:`analyze_after_commit`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

# A write analyses its table when it sent at least this many rows and at least this share
# of the rows the table's statistics count (autovacuum's own analyze threshold, 10 %).
ANALYZE_MIN_ROWS = 10_000
ANALYZE_MIN_SHARE = 0.1


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> int:
    """Insert ``rows`` (values in the order of ``fields``, attribute names such as
    ``organization_id``); with ``conflict`` and ``update``, update those columns of the row
    already holding the same ``conflict`` key. Returns the number of rows sent."""
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per value
    opts = model._meta
    concrete = [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in concrete)
    suffix = ""
    if conflict:
        keys = ", ".join(quote(opts.get_field(name).column) for name in conflict)
        sets = ", ".join(f"{quote(opts.get_field(n).column)} = excluded.{quote(opts.get_field(n).column)}" for n in update)
        suffix = f" ON CONFLICT ({keys}) DO UPDATE SET {sets}" if update else f" ON CONFLICT ({keys}) DO NOTHING"
    convert = [_converter(field, connection) for field in concrete]
    if all(to_db is _identity for to_db in convert):
        values = rows
    else:
        values = ([to_db(value) for to_db, value in zip(convert, row, strict=True)] for row in rows)
    if connection.vendor == "postgresql":
        sent = _copy_rows(connection, opts.db_table, columns, values, suffix)
        analyze_after_commit(connection, opts.db_table, sent)
        return sent
    placeholders = "(" + ", ".join(["%s"] * len(concrete)) + ")"
    per_statement = max(1, min(500, (connection.features.max_query_params or 10_000) // len(concrete)))
    sent = 0
    batch: list = []
    with connection.cursor() as cursor:
        def flush() -> None:
            nonlocal batch, sent
            if batch:
                params = [value for row in batch for value in row]
                cursor.execute(
                    f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {', '.join([placeholders] * len(batch))}{suffix}",
                    params,
                )
                sent += len(batch)
                batch = []

        for row in values:
            batch.append(row)
            if len(batch) == per_statement:
                flush()
        flush()
    return sent


def _copy_rows(connection, db_table: str, columns: str, rows: Iterable[Sequence[object]], suffix: str) -> int:
    """PostgreSQL: ``COPY`` the rows into a temporary table shaped like ``columns`` of
    ``db_table``, then one ``INSERT … SELECT`` (with the conflict clause) into it."""
    table, staging = connection.ops.quote_name(db_table), connection.ops.quote_name(f"bulk_{db_table}")
    sent = 0
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                sent += 1
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}{suffix}")
        cursor.execute(f"DROP TABLE {staging}")
    return sent


def analyze_after_commit(connection, db_table: str, rows: int) -> bool:
    """On PostgreSQL, when ``rows`` written to ``db_table`` are many (:data:`ANALYZE_MIN_ROWS`)
    and a large share of what its statistics count (:data:`ANALYZE_MIN_SHARE`; a table never
    analysed counts none), run ``ANALYZE`` on it after the transaction commits (at once
    outside one). ``SKIP_LOCKED``: a table another session is analysing is left to it.
    Returns whether an analyze was asked for."""
    if connection.vendor != "postgresql" or rows < ANALYZE_MIN_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [db_table])
        counted = cursor.fetchone()[0]
    if rows < ANALYZE_MIN_SHARE * counted:
        return False
    table = connection.ops.quote_name(db_table)

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {table}")

    transaction.on_commit(analyze, using=connection.alias)
    return True


_AS_IS = (models.DecimalField, models.CharField, models.TextField, models.IntegerField, models.FloatField,
          models.BooleanField, models.ForeignKey)


def _identity(value):
    return value


def _converter(field: models.Field, connection):
    """The value → database conversion of ``field``. Plain values (text, numbers, booleans,
    foreign-key ids, decimals the callers quantized) pass as they are: both backends bind
    them; dates and times go through the backend's adapters; anything else through the
    ORM's own ``get_db_prep_save``."""
    ops = connection.ops
    if isinstance(field, _AS_IS) or (connection.vendor == "postgresql" and isinstance(field, models.DateField)):
        return _identity  # (psycopg binds dates and aware datetimes as they are)
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        return lambda value: None if value is None else ops.adapt_datefield_value(value)
    return lambda value: field.get_db_prep_save(value, connection)
