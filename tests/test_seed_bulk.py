"""bulk.insert_tuples, the seed's writer, stores exactly what a Core insert stores, on SQLite and PostgreSQL.

The fast path hands the driver values converted by each column's own bind processor (and converts a repeated
value once); these tests compare what it writes with what the Core executemany writes.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Date, Engine, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from backend import bulk
from backend.models import Payment
from backend.seed import TABLES, seed_volume
from tests.factories.customers import make_customer
from tests.test_seed import BACKENDS, TODAY, fresh_engine, scratch_engine  # noqa: F401 - fresh_engine is a fixture

COLUMNS = ("customer_id", "paid_on", "amount", "currency", "method", "reference", "created_at")
AMOUNTS = (Decimal("1234.5"), Decimal("1.50"), Decimal("1.5"), Decimal("0.0001"), Decimal("42.0000"),
           Decimal("99999999999999.9999"), Decimal("7"))
UTC7 = timezone(timedelta(hours=7))


def _rows(customer_id: int, prefix: str, zones: tuple[timezone, ...]) -> list[tuple]:
    """Payments whose amounts, dates and times repeat, so that the fast path converts them once each."""
    return [(customer_id, date(2026, 1, 1) + timedelta(days=i % 3), AMOUNTS[i % len(AMOUNTS)], "VND",
             None if i % 2 else "bank transfer", f"{prefix}{i:03d}",
             datetime(2026, 1, 1, 9, 30, tzinfo=zones[i % len(zones)]) + timedelta(minutes=i % 4))
            for i in range(42)]


def _stored(session: Session, prefix: str) -> list[tuple]:
    """Payments as the database keeps them: raw SQL, no type conversion on the way back."""
    return [tuple(row[:5]) + (row[5][len(prefix):], row[6]) for row in session.execute(text(
        "SELECT customer_id, paid_on, amount, currency, method, reference, created_at FROM payments"
        " WHERE reference LIKE :pattern ORDER BY id"), {"pattern": f"{prefix}%"})]


def test_fast_path_stores_what_a_core_insert_stores(fresh_engine: Engine):
    with Session(fresh_engine) as session, session.begin():
        customer_id = make_customer(session).id
        for zones, name in (((UTC7,), "one-zone"), ((UTC7, timezone.utc, timezone(timedelta(hours=-5))), "mixed")):
            fast, core = _rows(customer_id, f"F-{name}-", zones), _rows(customer_id, f"C-{name}-", zones)
            assert bulk.fast_writer(session.connection()) is not None
            bulk.insert_tuples(session, Payment.__table__, COLUMNS, fast)
            session.execute(insert(Payment.__table__), [dict(zip(COLUMNS, row)) for row in core])
            assert _stored(session, f"F-{name}-") == _stored(session, f"C-{name}-")
            read = session.execute(select(Payment.amount, Payment.created_at).where(
                Payment.reference.like(f"F-{name}-%")).order_by(Payment.id)).all()
            assert [(amount, at) for amount, at in read] == [(row[2], row[6]) for row in fast]
            assert all(at.tzinfo == timezone.utc for _, at in read)


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_writes_the_same_rows_as_through_core_inserts(backend, tmp_path, monkeypatch):
    dumps = []
    for through_core in (False, True):
        if through_core:
            monkeypatch.setattr(bulk, "fast_writer", lambda connection: None)
        with scratch_engine(backend, tmp_path) as engine:
            stats = seed_volume(engine, customers=120, order_lines=1_500, seed=4, today=TODAY)
            with engine.connect() as conn:
                dumps.append({table: conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
                              for table in TABLES})
        assert [len(dumps[-1][table]) for table in TABLES] == [stats.counts[table] for table in TABLES]
    assert dumps[0] == dumps[1]


def test_fast_path_still_refuses_floats_and_needs_every_defaulted_column(fresh_engine: Engine):
    with Session(fresh_engine) as session:
        customer_id = make_customer(session).id
        row = _rows(customer_id, "X-", (UTC7,))[0]
        with pytest.raises(TypeError):
            bulk.insert_tuples(session, Payment.__table__, COLUMNS, [row[:2] + (1.5,) + row[3:]])
        with pytest.raises(ValueError, match="created_at"):
            bulk.insert_tuples(session, Payment.__table__, COLUMNS[:-1], [row[:-1]])
        session.rollback()


def test_values_that_compare_equal_but_store_differently_are_converted_one_by_one():
    dialect = sqlite.dialect()
    process = Date().dialect_impl(dialect).bind_processor(dialect)
    evening = datetime(2026, 1, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    values = [evening, evening.astimezone(timezone.utc)] * 3  # equal instants, different calendar days
    assert bulk._convert(process, Date(), values) == ["2026-01-01", "2026-01-02"] * 3
