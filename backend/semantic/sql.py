"""SQL the two databases write differently: time buckets of a date or a UTC timestamp, days between two instants,
and running a statement under a time limit."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from backend.errors import BusinessRuleViolation

GRAINS = ("day", "week", "month", "quarter", "year")


class TimeBucket(FunctionElement):
    """The bucket a date falls in, as text: day 'YYYY-MM-DD', week its Monday 'YYYY-MM-DD', month 'YYYY-MM',
    quarter 'YYYY-Qn', year 'YYYY'. A UTC timestamp is first moved to the company's local time: exactly with
    the zone on PostgreSQL, by the zone's offset at `offset_at` on SQLite (which has no zones)."""

    type = String()
    inherit_cache = False

    def __init__(self, expr: ColumnElement, grain: str, *, zone: str | None = None, offset_hours: float = 0):
        if grain not in GRAINS:
            raise ValueError(grain)
        self.grain, self.zone, self.offset_hours = grain, zone, offset_hours
        super().__init__(expr)


@compiles(TimeBucket, "sqlite")
def _bucket_sqlite(element: TimeBucket, compiler, **kw) -> str:
    (expr,) = list(element.clauses)
    inner = compiler.process(expr, **kw)
    if element.zone is not None:
        minutes = int(round(element.offset_hours * 60))
        inner = f"datetime({inner}, '{minutes:+d} minutes')"
    grain = element.grain
    if grain == "day":
        return f"date({inner})"
    if grain == "week":
        return f"date({inner}, '-6 days', 'weekday 1')"
    if grain == "month":
        return f"strftime('%Y-%m', {inner})"
    if grain == "quarter":
        return f"(strftime('%Y', {inner}) || '-Q' || ((CAST(strftime('%m', {inner}) AS INTEGER) + 2) / 3))"
    return f"strftime('%Y', {inner})"


@compiles(TimeBucket, "postgresql")
def _bucket_postgresql(element: TimeBucket, compiler, **kw) -> str:
    (expr,) = list(element.clauses)
    inner = compiler.process(expr, **kw)
    if element.zone is not None:
        inner = f"({inner} AT TIME ZONE {compiler.render_literal_value(element.zone, String())})"
    grain = element.grain
    if grain == "day":
        return f"to_char({inner}, 'YYYY-MM-DD')"
    if grain == "week":
        return f"to_char(date_trunc('week', {inner}), 'YYYY-MM-DD')"
    if grain == "month":
        return f"to_char({inner}, 'YYYY-MM')"
    if grain == "quarter":
        return f"to_char({inner}, 'YYYY-\"Q\"Q')"
    return f"to_char({inner}, 'YYYY')"


class DaysBetween(FunctionElement):
    """(later - earlier) in days, fractional."""

    type = Float()
    inherit_cache = True


@compiles(DaysBetween, "sqlite")
def _days_sqlite(element: DaysBetween, compiler, **kw) -> str:
    later, earlier = list(element.clauses)
    return f"(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}))"


@compiles(DaysBetween, "postgresql")
def _days_postgresql(element: DaysBetween, compiler, **kw) -> str:
    later, earlier = list(element.clauses)
    return f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})) / 86400.0)"


def bucket_label(key: str, grain: str) -> str:
    """How a bucket is shown: weeks as ISO weeks ('2026-W47'), the rest as keyed."""
    if grain == "week" and key:
        iso = date.fromisoformat(key[:10]).isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return key


def bucket_range(key: str, grain: str) -> tuple[date, date]:
    """First and last day of a bucket key."""
    from backend.semantic.periods import month_end, quarter_end, quarter_start

    if grain in ("day", "week"):
        first = date.fromisoformat(key[:10])
        return first, first + timedelta(days=0 if grain == "day" else 6)
    if grain == "month":
        year, month = int(key[:4]), int(key[5:7])
        return date(year, month, 1), month_end(year, month)
    if grain == "quarter":
        year, quarter = int(key[:4]), int(key[-1])
        return quarter_start(year, quarter), quarter_end(year, quarter)
    year = int(key[:4])
    return date(year, 1, 1), date(year, 12, 31)


def bucket_keys(start: date, end: date, grain: str) -> list[str]:
    """Every bucket key from `start` to `end`, in order (so empty months are shown, not skipped)."""
    keys: list[str] = []
    cursor = start
    while cursor <= end:
        if grain == "day":
            key = cursor.isoformat()
        elif grain == "week":
            key = (cursor - timedelta(days=cursor.weekday())).isoformat()
        elif grain == "month":
            key = f"{cursor.year}-{cursor.month:02d}"
        elif grain == "quarter":
            key = f"{cursor.year}-Q{(cursor.month - 1) // 3 + 1}"
        else:
            key = str(cursor.year)
        keys.append(key)
        cursor = bucket_range(key, grain)[1] + timedelta(days=1)
    return keys


# --- a statement under a time limit ----------------------------------------------------------------------------

class QueryTooSlow(BusinessRuleViolation):
    code = "query_timeout"


@contextmanager
def time_limit(session: Session, seconds: float) -> Iterator[None]:
    """Statements run inside stop after `seconds`: PostgreSQL's statement_timeout for this transaction (put back
    afterwards), SQLite's progress handler. Raises QueryTooSlow."""
    connection = session.connection()
    dialect = connection.dialect.name
    too_slow = QueryTooSlow(f"The query took longer than {seconds:g} s and was stopped; nothing was changed.",
                            hint="Narrow it: a shorter period, fewer groupings, or a filter.")
    if dialect == "postgresql":
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError

        # One round trip: the setting as it was, and the limit for what follows.
        previous = connection.execute(text("SELECT current_setting('statement_timeout'), "
                                           "set_config('statement_timeout', :value, true)"),
                                      {"value": f"{int(seconds * 1000)}ms"}).first()[0]
        try:
            yield
        except OperationalError as exc:
            if "statement timeout" in str(exc.orig).lower() or "canceling statement" in str(exc.orig).lower():
                raise too_slow from None
            raise
        finally:
            try:
                connection.execute(text("SELECT set_config('statement_timeout', :value, true)"), {"value": previous})
            except Exception:  # noqa: BLE001 - a failed transaction: its rollback undoes the setting anyway
                pass
        return
    if dialect == "sqlite":
        import sqlite3

        from sqlalchemy.exc import OperationalError

        raw = connection.connection.driver_connection
        deadline = time.monotonic() + seconds
        stopped = threading.Event()

        def check() -> int:
            if time.monotonic() > deadline:
                stopped.set()
                return 1
            return 0

        raw.set_progress_handler(check, 20_000)
        try:
            yield
        except (OperationalError, sqlite3.OperationalError):
            if stopped.is_set():
                raise too_slow from None
            raise
        finally:
            raw.set_progress_handler(None, 0)
        return
    yield


def local_offset_hours(zone_name: str, on: datetime) -> float:
    from zoneinfo import ZoneInfo

    try:
        offset = on.astimezone(ZoneInfo(zone_name)).utcoffset()
    except Exception:
        return 0.0
    return offset.total_seconds() / 3600 if offset else 0.0
