"""Bulk row updates that stay fast on SQLite and PostgreSQL alike.

Django's ``bulk_update`` builds one ``CASE WHEN`` expression per field per row,
which costs milliseconds of Python per row and dominates large imports; a
prepared ``UPDATE … WHERE id = %s`` sent with ``executemany`` costs microseconds.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Field, Model


def _converters(model: type[Model], fields: Sequence[str]) -> list[tuple[int, Any]]:
    """(position, adapter) for the date and time columns; other values pass as they are."""
    ops = connection.ops
    out = []
    for position, name in enumerate(fields):
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            out.append((position, ops.adapt_datetimefield_value))
        elif kind == "DateField":
            out.append((position, ops.adapt_datefield_value))
    return out


def adapted_datetime(value: datetime.datetime) -> Any:
    """A timestamp in the database's own form, to adapt once and repeat on many rows
    (the rows' other dates and times are adapted one by one).

    On PostgreSQL, ISO text: Django's adapter keeps the datetime, which psycopg would
    format again on every row of a ``COPY``, at a microsecond each, two per report.
    """
    adapted = connection.ops.adapt_datetimefield_value(value)
    return adapted.isoformat() if isinstance(adapted, datetime.datetime) else adapted


def _adapted(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
             ) -> list[Sequence[Any]]:
    converters = _converters(model, fields)
    if not converters:
        return rows if isinstance(rows, list) else list(rows)
    out: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for position, adapt in converters:
            value = values[position]
            # Text is already in the database's form (see adapted_datetime).
            if value is not None and not isinstance(value, str):
                values[position] = adapt(value)
        out.append(values)
    return out


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return connection.ops.quote_name(field.column)


def update_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Set ``fields`` on rows given as ``(*values, pk)`` tuples, in one executemany
    (on PostgreSQL, a statement per chunk of rows, which come as arrays).

    Foreign keys take the related id; values are plain Python (dates, decimals).
    """
    meta = model._meta
    qn = connection.ops.quote_name
    prepared = _adapted(model, fields, rows)
    if not prepared:
        return
    if connection.vendor == "postgresql":
        _update_from_arrays(model, fields, prepared)
        return
    assignments = ", ".join(f"{_column(model, f)} = %s" for f in fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {_column(model, meta.pk.name)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


ARRAY_CHUNK = 10_000


def _typed_arrays(model: type[Model], names: Sequence[str]) -> str:
    """``%s::bigint[], %s::date[], …``: one array parameter per column, typed as the
    column is."""
    return ", ".join(f"%s::{model._meta.get_field(name).db_type(connection)}[]"
                     for name in names)


def _array(values: Sequence[Any]) -> Any:
    """One array parameter: integers (ids, mostly) as PostgreSQL's own array text,
    ``{1,2,NULL}``, which ``::bigint[]`` reads back; anything else as a list.

    Django's cursors quote a list's elements into the query one by one in Python,
    at twice the cost of joining their digits: for the hundreds of thousands of ids
    of a linking pass, whole seconds of the importing process.
    """
    if all(type(value) is int or value is None for value in values):
        return "{" + ",".join(["NULL" if v is None else str(v) for v in values]) + "}"
    return list(values)


def _param(values: Sequence[Any]) -> tuple[str, Any]:
    """One column's array parameter and its placeholder (see :func:`_by_arrays`)."""
    array = _array(values)
    if isinstance(array, str):  # integers as array text
        return "%t", array
    kinds = {value.__class__ for value in array if value is not None}
    if len(kinds) > 1:
        # Dates and ISO text may share a column; an array holds one type.
        return "%b", [None if value is None else str(value) for value in array]
    return ("%t" if Decimal in kinds else "%b"), array


def _by_arrays(sql: str, rows: list[Sequence[Any]]) -> None:
    """Run ``sql`` (PostgreSQL, a ``%s`` per column) once per chunk of rows, with the
    rows' columns as arrays.

    The arrays go apart from the query, and binary where psycopg writes that
    faster: Django's cursors spell each element out in the query's text, and for
    10,000 texts, dates or times that took 15 to 30 ms a column, against 4 to 9
    binary (decimals are the exception, a little slower binary). A linking pass
    updates campaigns and alerts by the hundred thousand.
    """
    import psycopg

    parts = sql.split("%s")
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), ARRAY_CHUNK):
            marks, params = zip(*(_param(column) for column in
                                   zip(*rows[start:start + ARRAY_CHUNK], strict=True)),
                                 strict=True)
            query = parts[0] + "".join(mark + part
                                       for mark, part in zip(marks, parts[1:], strict=True))
            cursor.execute(query, params)


def _update_from_arrays(model: type[Model], fields: Sequence[str],
                        rows: list[Sequence[Any]]) -> None:
    """PostgreSQL: one ``UPDATE … FROM unnest(arrays)`` per chunk of rows, where an
    executemany runs a statement per row (a linking pass moves tens of thousands
    of reports into campaigns)."""
    meta = model._meta
    qn = connection.ops.quote_name
    names = [*fields, meta.pk.name]
    values = ", ".join(f"v{i}" for i in range(len(names)))
    assignments = ", ".join(f"{_column(model, f)} = v.v{i}" for i, f in enumerate(fields))
    _by_arrays(
        f"UPDATE {qn(meta.db_table)} SET {assignments} "  # noqa: S608
        f"FROM unnest({_typed_arrays(model, names)}) AS v({values}) "
        f"WHERE {qn(meta.db_table)}.{_column(model, meta.pk.name)} = v.v{len(fields)}",
        rows,
    )


def move_rows(model: type[Model], field_name: str, moves: Sequence[tuple[Any, Any]]) -> None:
    """Set ``field_name`` to the new value wherever it holds the old one, for
    ``(new, old)`` pairs, no old value being another pair's new one.

    On PostgreSQL one ``UPDATE … FROM unnest(arrays)`` per chunk: a linking pass
    moves the members of thousands of absorbed campaigns, and a statement each
    cost a round trip each.
    """
    if not moves:
        return
    qn = connection.ops.quote_name
    table, column = qn(model._meta.db_table), _column(model, field_name)
    if connection.vendor == "postgresql":
        _by_arrays(
            f"UPDATE {table} SET {column} = v.new "  # noqa: S608
            f"FROM unnest({_typed_arrays(model, [field_name, field_name])}) AS v(new, old) "
            f"WHERE {table}.{column} = v.old",
            list(moves),
        )
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {column} = %s",  # noqa: S608
                           moves)


def insert_rows(
    model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
    *, ignore_conflicts: bool = False,
) -> None:
    """Insert rows given as value tuples in ``fields`` order, in one executemany
    (on PostgreSQL, through ``COPY``, or from arrays where conflicts are skipped).

    No ids come back, so callers look the rows up again by a natural key.
    """
    meta = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(_column(model, f) for f in fields)
    if connection.vendor == "postgresql" and not ignore_conflicts:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return  # a COPY of nothing would still be a round trip
        rows = itertools.chain((first,), rows)
        # Every statement is a round trip to the server, and binding a long
        # executemany costs more than running it: COPY is the server's bulk path.
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        return
    batch = _adapted(model, fields, rows)
    if not batch:
        return
    if connection.vendor == "postgresql":
        # COPY cannot skip conflicting rows: one INSERT … SELECT from arrays per
        # chunk, rather than a statement per row.
        sql = (f"INSERT INTO {qn(meta.db_table)} ({columns}) "  # noqa: S608
               f"SELECT * FROM unnest({_typed_arrays(model, fields)}) ON CONFLICT DO NOTHING")
        _by_arrays(sql, batch)
        return
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"{verb} INTO {qn(meta.db_table)} ({columns}) VALUES ({marks(len(fields))})", batch)


# What COPY's text format escapes inside a value.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if _COPY_SPECIAL.search(text):
        return _COPY_SPECIAL.sub(lambda found: _COPY_ESCAPES[found.group()], text)
    return text


def copy_text(values: Iterable[Any]) -> str:
    """One row of values (text, numbers, None) in the text form of PostgreSQL's
    ``COPY``, without its line end (see :func:`copy_lines`). Neither database takes
    NUL characters in text; callers refuse them first."""
    return "\t".join([_copy_value(value) for value in values])


def copy_lines(model: type[Model], fields: Sequence[str], text: str) -> None:
    """PostgreSQL: insert rows already in ``COPY``'s text form (:func:`copy_text`),
    each ending with a line break, in ``fields`` order.

    For rows whose values the caller knows need no escaping: written with an
    f-string they cost about half of what psycopg's ``write_row`` takes to find and
    run a dumper per value (25,000 sightings: 7 to 9 ms against 13 to 14), and an
    import writes two and a half million.
    """
    if not text:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(_column(model, f) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
    ) as copy:
        copy.write(text)


def marks(count: int) -> str:
    """``%s, %s, …`` for an IN list of ``count`` values."""
    return ", ".join(["%s"] * count)


def among(values: Sequence[Any], kind: str = "bigint") -> tuple[str, list[Any]]:
    """What goes inside ``IN (…)`` for these values (of SQL type ``kind``), and its
    parameters.

    A placeholder per value on SQLite. On PostgreSQL one array, unnested: psycopg
    parses a query's placeholders in Python, and for lists of ten thousand ids that
    took a fifth of a linking pass.
    """
    if connection.vendor == "postgresql":
        # Byte strings go as one binary parameter (``%b``, see :func:`fetch`): as
        # text, each would be spelled out in hexadecimal and parsed back, which took
        # half the time of looking ten thousand matching tokens up.
        # Texts likewise, at a fifth of the time of quoting each into the query.
        if kind in ("bytea", "text"):
            return f"SELECT unnest(%b::{kind}[])", [list(values)]
        return f"SELECT unnest(%s::{kind}[])", [_array(values)]
    return marks(len(values)), list(values)


def any_of(column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
    """The condition that ``column`` holds one of these integers, and its parameters.

    Unlike :func:`among`'s ``IN (SELECT unnest(…))``, an array compared with
    ``= ANY`` shows PostgreSQL's planner its values, so it can tell from the column's
    statistics how many rows they select: a few values can be most of a table,
    which it then reads by hashing rather than by an index lookup a row.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [_array(values)]
    return f"{column} IN ({marks(len(values))})", list(values)


def fetched_date(value: Any) -> datetime.date | None:
    """A date column as a raw query returns it: a date, or ISO text where the driver
    leaves it as text (cheaper than a model field's ``to_python`` on hot paths)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
    """Rows of a raw query. For the hot paths of bulk work, where building the same
    query through the ORM for every chunk of ids costs more than running it.

    On PostgreSQL a query with a binary parameter (``%b``, from :func:`among`) runs
    on a cursor that sends its parameters apart from the query, in the same
    transaction: Django's cursors write the parameters into the query's text.
    """
    if "%b" in sql and connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, params)
            return raw.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql: str, params: Sequence[Any]) -> None:
    """Run one raw statement (see :func:`fetch`)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Pages between two checkpoints of SQLite's write-ahead log during bulk work (64 MB;
# SQLite's default is 1,000 pages): an index page rewritten in batch after batch is
# then copied into the database once per checkpoint rather than once per batch.
BULK_CHECKPOINT_PAGES = 16384
# SQLite's page cache during bulk work, in KiB (192 MB; JARING_SQLITE_CACHE_MB sets
# everyone else's). The indexes a bulk import inserts into at random (matching
# tokens, sightings by indicator) outgrow a smaller cache within a few hundred
# thousand reports, and every page missed is read back from the operating system.
BULK_CACHE_KIB = 192 * 1024


@contextlib.contextmanager
def bulk_writes() -> Iterator[None]:
    """Checkpoint SQLite's write-ahead log less often while the block runs, give it a
    larger page cache, and keep its temporary tables in memory.

    The grouped counts and ``UPDATE … FROM`` of bulk work build temporary B-trees;
    in files (SQLite's default) they made about a third of an import's writes. Only
    for the block: a web request's large sort may still spill to disk. SQLite takes
    that setting outside transactions only (a command's work; not inside a test's).
    """
    if connection.vendor != "sqlite":
        yield
        return
    in_memory = not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (checkpoint,) = cursor.fetchone()
        cursor.execute("PRAGMA temp_store")
        (temp_store,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        if in_memory:
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            if in_memory:
                cursor.execute(f"PRAGMA temp_store = {int(temp_store)}")


# Batches between two collections of garbage in bulk work (see batch_collection).
COLLECT_EVERY = 40


@contextlib.contextmanager
def batch_collection(every: int = COLLECT_EVERY) -> Iterator[Callable[[], object]]:
    """Collect garbage once per ``every`` batches instead of whenever allocations pile up.

    Bulk work allocates millions of short-lived objects; Python's collector then
    runs thousands of times, rescanning every long-lived object each time (a
    fifth of an import's time, and growing with the heap). Inside this block it
    runs only when the caller has called the yielded function ``every`` times,
    between batches, and only over the young generations, where the batches'
    leftovers are. A collection costs what is alive among them, about one batch
    (15 to 40 ms for a parsing process's 5,000 reports), however long since the last:
    reference counting frees the rest. An import of 200,000 reports collected
    no cyclic garbage at all, so collecting after every batch only took time (a
    tenth of a parsing process's, two seconds of the storing process's).
    """
    enabled = gc.isenabled()
    gc.disable()
    calls = itertools.count(1)

    def collect() -> int:
        return gc.collect(1) if next(calls) % every == 0 else 0

    try:
        yield collect
    finally:
        if enabled:
            gc.enable()


def refresh_statistics(models: Sequence[type[Model] | tuple[type[Model], Sequence[str]]]
                       ) -> None:
    """Have PostgreSQL sample these tables again, after bulk writes to them: a model,
    or (model, fields) for the statistics of those columns only.

    Its planner chooses by table statistics, which autovacuum refreshes a minute or
    more after the rows arrive. Planned on stale ones (a table thought nearly
    empty), the lookups of a bulk import's linking pass scanned whole tables
    instead of seeking their indexes. SQLite plans without statistics.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for entry in models:
            model, fields = entry if isinstance(entry, tuple) else (entry, ())
            columns = f" ({', '.join(_column(model, f) for f in fields)})" if fields else ""
            cursor.execute(
                f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}{columns}")
