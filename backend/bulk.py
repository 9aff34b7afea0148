"""Bulk inserts of positional rows: one statement per table and batch.

Each column's values are first converted by that column's own bind processor (ExactDecimal's scaled integer
on SQLite, UTC datetimes, SQLite's date strings), one column at a time, so the stored values are those of a
Core insert. What is skipped is SQLAlchemy's per-row parameter bookkeeping, which at this volume costs more
than the database's own work. SQLite then takes a DB-API executemany, PostgreSQL (psycopg) a COPY; other
drivers keep the Core executemany.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from operator import attrgetter
from typing import Any, Callable, Sequence

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from backend.models.base import ExactDecimal

Row = tuple[Any, ...]
_TZINFO = attrgetter("tzinfo")


def insert_tuples(session: Session, table: Table, columns: Sequence[str], rows: list[Row], *,
                  key: str | None = None) -> dict[Any, int]:
    """Insert `rows` (values in the order of `columns`); with `key` (a unique column among them) returns
    {key value: id}. New ids are found as in demo.insert_rows: they lie above the highest id seen before."""
    if not rows:
        return {}
    floor = _max_id(session, table) if key else 0
    connection = session.connection()
    write = fast_writer(connection)
    if write is None:
        session.execute(insert(table), [dict(zip(columns, row)) for row in rows])
    else:
        _refuse_skipped_defaults(table, columns)
        write(connection, table, columns, _converted(connection, table, columns, rows))
    if key is None:
        return {}
    found = dict(session.execute(select(table.c[key], table.c.id).where(table.c.id > floor)).all())
    at = list(columns).index(key)
    return {row[at]: found[row[at]] for row in rows}


def _max_id(session: Session, table: Table) -> int:
    return session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


Writer = Callable[[Connection, Table, Sequence[str], list[Row]], None]


def fast_writer(connection: Connection) -> Writer | None:
    """The driver-level writer for this connection, None for the Core executemany."""
    dialect = connection.dialect
    if dialect.name == "sqlite":
        return _sqlite_executemany
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return _postgresql_copy
    return None


def _sqlite_executemany(connection: Connection, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})", rows)


def _postgresql_copy(connection: Connection, table: Table, columns: Sequence[str], rows: list[Row]) -> None:
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(name) for name in columns)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {preparer.format_table(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _converted(connection: Connection, table: Table, columns: Sequence[str], rows: list[Row]) -> list[Row]:
    """Rows with each value as a Core insert would hand it to the driver."""
    processors = bind_processors(connection, table, columns)
    if not any(processors):
        return rows
    values = list(zip(*rows))
    for at, process in enumerate(processors):
        if process is not None:
            values[at] = _convert(process, table.c[columns[at]].type, values[at])
    return list(zip(*values))


def _convert(process: Callable[[Any], Any], column_type: TypeEngine, values: Sequence[Any]) -> list[Any]:
    """process() applied to each value; when values repeat a lot (prices, rates, dates), to each distinct value
    once, where values that compare equal are sure to convert alike."""
    try:
        distinct = set(values)
    except TypeError:  # unhashable values, e.g. JSON documents
        return list(map(process, values))
    if len(distinct) * 2 > len(values) or not _equal_converts_alike(column_type, values):
        return list(map(process, values))
    converted = {value: process(value) for value in distinct}
    return list(map(converted.__getitem__, values))


def _equal_converts_alike(column_type: TypeEngine, values: Sequence[Any]) -> bool:
    """ExactDecimal keeps only the numeric value at its own scale, so Decimal("1.5") and Decimal("1.50") store
    alike. Dates that compare equal have equal fields, and so do datetimes sharing one fixed UTC offset; not
    otherwise (aware datetimes in different zones compare by instant, and ambiguous wall-clock times of one
    zone compare equal whatever their `fold`). Looks at every value, with C-level loops only."""
    if isinstance(column_type, ExactDecimal):
        return True
    kinds = set(map(type, values)) - {type(None)}
    if kinds <= {date}:
        return True
    if kinds != {datetime}:
        return False
    zones = set(map(_TZINFO, filter(None, values)))
    return len(zones) == 1 and isinstance(next(iter(zones)), timezone)


def bind_processors(connection: Connection, table: Table,
                    columns: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """The conversion a Core insert applies to each column's values on this connection's dialect."""
    dialect = connection.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def _refuse_skipped_defaults(table: Table, columns: Sequence[str]) -> None:
    """A raw insert would leave out Python-side defaults, which a Core insert fills in: ask for the column."""
    given = set(columns)
    skipped = [column.name for column in table.columns
               if column.name not in given and column.default is not None and not column.primary_key]
    if skipped:
        raise ValueError(f"insert_tuples into {table.name} needs values for {', '.join(skipped)}")
