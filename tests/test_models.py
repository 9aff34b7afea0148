"""Schema: migrations from empty, constraints, exact decimals and UTC datetimes on both backends."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from backend.db import SCHEMA_HEAD, alembic_config, make_engine, migrate, schema_is_current
from backend.models import Base, Customer, Invoice, SalesOrderLine, StockLevel
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer, make_interaction
from tests.factories.org import make_company
from tests.factories.sales import make_invoice, make_order


def test_migrations_create_every_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrations_up_from_empty_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrate(engine)
    migrate(engine)  # idempotent
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_schema_head_constant_is_alembics_head(tmp_path):
    from alembic.script import ScriptDirectory

    engine = make_engine(f"sqlite:///{tmp_path / 'head.sqlite3'}")
    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    assert script.get_current_head() == SCHEMA_HEAD, "bump backend.db.SCHEMA_HEAD with each new migration"
    assert not schema_is_current(engine)
    migrate(engine)
    assert schema_is_current(engine)


def test_customer_code_is_unique(session):
    make_customer(session, code="ACME")
    with pytest.raises(IntegrityError):
        make_customer(session, code="ACME")


def test_foreign_keys_are_enforced(session):
    session.add(Invoice(number="INV-X", customer_id=999_999, issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31),
                        currency="VND", amount=Decimal(1)))
    with pytest.raises(IntegrityError):
        session.flush()


def test_stock_quantity_cannot_be_negative(session):
    product = make_product(session)
    level = session.execute(select(StockLevel).where(StockLevel.product_id == product.id)).scalar_one()
    level.quantity = -1
    with pytest.raises(IntegrityError):
        session.flush()


def test_order_line_quantity_must_be_positive(session):
    make_company(session)
    customer = make_customer(session)
    product = make_product(session)
    order = make_order(session, customer=customer, lines=[(product, 1, None, Decimal(0))])
    order.lines[0].quantity = 0
    with pytest.raises(IntegrityError):
        session.flush()


def test_credit_limit_cannot_be_negative(session):
    with pytest.raises(IntegrityError):
        make_customer(session, credit_limit=Decimal("-1"))


def test_due_date_not_before_issue_date(session):
    customer = make_customer(session)
    with pytest.raises(IntegrityError):
        make_invoice(session, customer=customer, amount=Decimal(10), due_days=-1)


def test_decimals_round_trip_exactly(session):
    make_company(session)
    customer = make_customer(session, credit_limit=Decimal("123456789012.3456"))
    product = make_product(session, unit_price=Decimal("0.0001"))
    session.expire_all()
    assert session.get(Customer, customer.id).credit_limit == Decimal("123456789012.3456")
    line_total = Decimal("999999999.99")
    order = make_order(session, customer=customer, lines=[(product, 3, line_total, Decimal("0"))] * 3)
    session.expire_all()
    total = session.execute(select(func.sum(SalesOrderLine.line_amount)).where(SalesOrderLine.order_id == order.id)).scalar_one()
    assert total == Decimal("9000000000")  # three lines of 3 x 999,999,999.99, each rounded half-up to 3,000,000,000 VND
    assert isinstance(total, Decimal)


def test_datetimes_come_back_timezone_aware_utc(session):
    customer = make_customer(session)
    hanoi = timezone(timedelta(hours=7))
    row = make_interaction(session, customer=customer, occurred_at=datetime(2026, 11, 3, 9, 0, tzinfo=hanoi))
    session.expire_all()
    stored = session.get(type(row), row.id).occurred_at
    assert stored.tzinfo is not None
    assert stored == datetime(2026, 11, 3, 2, 0, tzinfo=timezone.utc)


def test_naive_datetimes_are_refused(session):
    customer = make_customer(session)
    with pytest.raises(Exception, match="naive"):
        make_interaction(session, customer=customer, occurred_at=datetime(2026, 11, 3, 9, 0))


def test_released_savepoint_is_still_undone_by_the_outer_rollback(tmp_path):
    """One transaction per request also on SQLite: a tool's savepoint must not commit on its own."""
    from sqlalchemy.orm import Session

    engine = make_engine(f"sqlite:///{tmp_path / 'sp.sqlite3'}")
    migrate(engine)
    with Session(engine) as session:
        with session.begin_nested():
            make_customer(session, code="GHOST")
        session.rollback()
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(Customer)).scalar_one() == 0
