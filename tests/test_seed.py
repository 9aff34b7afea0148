"""Bulk synthetic volume: counts, unique codes, ledger invariants and gapless numbering after a seed.

seed_volume commits, so these tests use databases of their own: a temporary SQLite file, and a scratch
PostgreSQL database next to TANDEM_TEST_DATABASE_URL when that is set.
"""
from __future__ import annotations

import os
import re
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from backend.db import make_engine, migrate
from backend.demo import create_demo_company
from backend.models import (
    Company, Contact, Customer, DocumentSequence, Employee, Invoice, Payment, PaymentAllocation, Product,
    SalesOrder, SalesOrderLine,
)
from backend.money import convert, document_total, line_amount
from backend.numbering import next_number
from backend.seed import SeedStats, seed_volume
from tests.factories.catalog import make_product
from tests.factories.org import make_company, make_employee

TODAY = date(2026, 11, 26)
PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def scratch_engine(backend: str, directory: Path) -> Iterator[Engine]:
    """An empty, migrated database of its own that a test may commit to (skips without PostgreSQL rights)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{directory / f'seed-{uuid.uuid4().hex[:8]}.sqlite3'}")
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()
        return
    name = f"tandem_seed_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no right to create databases: skip, do not fail
        admin.dispose()
        pytest.skip(f"cannot create a scratch PostgreSQL database: {exc}")
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_engine(request, tmp_path):
    """An empty, migrated database that the test may commit to."""
    with scratch_engine(request.param, tmp_path) as engine:
        yield engine


def _count(session: Session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _check_ledger(session: Session) -> None:
    """The invariants every writer must keep, over the whole database."""
    lines = defaultdict(list)
    for row in session.execute(select(SalesOrderLine.order_id, SalesOrderLine.quantity, SalesOrderLine.unit_price,
                                      SalesOrderLine.discount_pct, SalesOrderLine.line_amount,
                                      SalesOrderLine.line_amount_base, SalesOrderLine.line_no)):
        lines[row.order_id].append(row)
    orders = {}
    for order in session.execute(select(SalesOrder.id, SalesOrder.customer_id, SalesOrder.currency, SalesOrder.fx_rate,
                                        SalesOrder.net_amount, SalesOrder.net_amount_base, SalesOrder.status,
                                        SalesOrder.order_date, SalesOrder.shipped_date)):
        orders[order.id] = order
        mine = lines[order.id]
        assert mine, "an order without lines"
        assert sorted(x.line_no for x in mine) == list(range(1, len(mine) + 1))
        assert order.net_amount == sum(x.line_amount for x in mine)
        assert order.net_amount_base == sum(x.line_amount_base for x in mine)
        for x in mine:
            assert x.line_amount == line_amount(x.quantity, x.unit_price, x.discount_pct, order.currency)
            assert x.line_amount_base == convert(x.line_amount, order.fx_rate, "VND")
        assert order.order_date <= TODAY
        assert (order.shipped_date is not None) == (order.status in ("shipped", "invoiced"))

    customers = dict(session.execute(select(Customer.id, Customer.currency)).all())
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, amount in session.execute(select(PaymentAllocation.invoice_id, PaymentAllocation.amount)):
        allocated[invoice_id] += amount
    invoiced = set()
    for invoice in session.execute(select(Invoice)).scalars():
        order = orders[invoice.order_id]
        invoiced.add(invoice.order_id)
        assert order.status == "invoiced" and order.customer_id == invoice.customer_id
        tax = Decimal(10) if customers[invoice.customer_id] == "VND" else Decimal(0)
        assert invoice.amount == document_total([x.line_amount for x in lines[order.id]], tax, invoice.currency)[2]
        assert invoice.due_date >= invoice.issue_date == order.shipped_date
        assert allocated[invoice.id] <= invoice.amount
        assert (invoice.status == "paid") == (allocated[invoice.id] >= invoice.amount)
    assert invoiced == {i for i, o in orders.items() if o.status == "invoiced"}
    for payment_id, amount, paid_on in session.execute(select(Payment.id, Payment.amount, Payment.paid_on)):
        assert paid_on <= TODAY
    per_payment: dict[int, Decimal] = defaultdict(Decimal)
    for payment_id, amount in session.execute(select(PaymentAllocation.payment_id, PaymentAllocation.amount)):
        per_payment[payment_id] += amount
    assert per_payment == dict(session.execute(select(Payment.id, Payment.amount)).all())


def _check_numbering(session: Session) -> None:
    """Order and invoice numbers are gapless per year and the counters sit on the last one issued."""
    for doc_type, model, prefix in (("order", SalesOrder, "SO"), ("invoice", Invoice, "INV")):
        per_year = defaultdict(list)
        for number in session.execute(select(model.number)).scalars():
            match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{6}})", number)
            assert match, number
            per_year[int(match[1])].append(int(match[2]))
        for year, seqs in per_year.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), (doc_type, year)
            counter = session.execute(select(DocumentSequence.last_number).where(
                DocumentSequence.doc_type == doc_type, DocumentSequence.year == year)).scalar_one()
            assert counter == len(seqs), (doc_type, year)


def test_seed_on_an_empty_database(fresh_engine, capsys):
    stats = seed_volume(fresh_engine, customers=500, order_lines=5_000, seed=3, today=TODAY)
    assert capsys.readouterr() == ("", "")  # silent without progress=True
    assert isinstance(stats, SeedStats) and stats.seconds > 0 and stats.rows_per_second > 0
    assert stats.counts["customers"] == stats.counts["contacts"] == 500
    assert stats.counts["sales_order_lines"] == 5_000
    assert 5_000 / 6 <= stats.counts["sales_orders"] <= 5_000
    assert 0 < stats.counts["invoices"] <= stats.counts["sales_orders"]
    assert stats.counts["payment_allocations"] == stats.counts["payments"] > 0
    assert stats.rows == sum(stats.counts.values())

    with Session(fresh_engine) as session:
        for model, key in ((Customer, "customers"), (Contact, "contacts"), (SalesOrder, "sales_orders"),
                           (SalesOrderLine, "sales_order_lines"), (Invoice, "invoices"), (Payment, "payments"),
                           (PaymentAllocation, "payment_allocations")):
            assert _count(session, model) == stats.counts[key], key
        company = session.execute(select(Company)).scalar_one()
        assert (company.base_currency, company.tax_rate_pct) == ("VND", Decimal(10))
        assert _count(session, Product) >= 60 and _count(session, Employee) >= 10

        codes = session.execute(select(Customer.code)).scalars().all()
        assert len(set(codes)) == len(codes) == 500 and all(c.startswith("S3-") for c in codes)
        owners = session.execute(select(func.count()).where(Customer.owner_id.is_(None))).scalar_one()
        assert owners == 0

        first, last = session.execute(select(func.min(SalesOrder.order_date), func.max(SalesOrder.order_date))).one()
        assert first <= TODAY - timedelta(days=600) and last >= TODAY - timedelta(days=30)
        statuses = set(session.execute(select(SalesOrder.status).distinct()).scalars())
        assert {"invoiced", "cancelled", "confirmed"} <= statuses
        open_invoices = session.execute(select(Invoice.due_date).where(Invoice.status == "open")).scalars().all()
        assert open_invoices and any(d < TODAY for d in open_invoices)  # aging has something to show
        _check_ledger(session)
        _check_numbering(session)


def test_seed_on_top_of_the_demo_keeps_numbering_and_codes_unique(fresh_engine):
    with Session(fresh_engine) as session, session.begin():
        assert create_demo_company(session, seed=7, today=TODAY)
    with Session(fresh_engine) as session:
        demo_orders = _count(session, SalesOrder)
        demo_customers = session.execute(select(Customer.code)).scalars().all()

    first = seed_volume(fresh_engine, customers=200, order_lines=2_000, seed=11, today=TODAY)
    again = seed_volume(fresh_engine, customers=100, order_lines=1_000, seed=11, today=TODAY)

    with Session(fresh_engine) as session:
        codes = session.execute(select(Customer.code)).scalars().all()
        assert len(codes) == len(set(codes)) == len(demo_customers) + 300
        assert set(demo_customers) <= set(codes)
        assert sorted(c for c in codes if c.startswith("S11-"))[-1] == "S11-0000300"
        assert _count(session, SalesOrder) == (demo_orders + first.counts["sales_orders"]
                                               + again.counts["sales_orders"])
        assert _count(session, Company) == 1
        _check_ledger(session)
        _check_numbering(session)

    with Session(fresh_engine) as session, session.begin():
        for year in (TODAY.year - 1, TODAY.year):
            number = next_number(session, "order", year)
            assert session.execute(select(func.count()).where(SalesOrder.number == number)).scalar_one() == 0
            invoice_number = next_number(session, "invoice", year)
            assert session.execute(select(func.count()).where(Invoice.number == invoice_number)).scalar_one() == 0


def test_orders_need_customers_and_a_refusal_writes_nothing(fresh_engine):
    with pytest.raises(ValueError):
        seed_volume(fresh_engine, customers=0, order_lines=10, today=TODAY)
    with pytest.raises(ValueError):
        seed_volume(fresh_engine, customers=-1, order_lines=0, today=TODAY)
    with Session(fresh_engine) as session:
        assert _count(session, Company) == _count(session, Product) == _count(session, SalesOrder) == 0


def test_orders_can_go_to_existing_customers(fresh_engine):
    seed_volume(fresh_engine, customers=50, order_lines=0, seed=5, today=TODAY)
    stats = seed_volume(fresh_engine, customers=0, order_lines=500, seed=6, today=TODAY)
    assert stats.counts["customers"] == 0 and stats.counts["sales_order_lines"] == 500
    with Session(fresh_engine) as session:
        assert _count(session, Customer) == 50
        _check_ledger(session)
        _check_numbering(session)



def test_seed_leaves_someone_elses_company_as_it_is(fresh_engine):
    with Session(fresh_engine) as session, session.begin():
        make_company(session, name="ACME Việt Nam")
        rep = make_employee(session, role="sales", code="S-REP", region="North")
        make_product(session, sku="OWN-1", name="House paper", unit_price=Decimal("120000"))
        rep_id = rep.id
    seed_volume(fresh_engine, customers=20, order_lines=300, seed=2, today=TODAY)
    with Session(fresh_engine) as session:
        assert session.execute(select(Company.name)).scalar_one() == "ACME Việt Nam"
        assert session.execute(select(Employee.code)).scalars().all() == ["S-REP"]
        assert session.execute(select(Product.sku)).scalars().all() == ["OWN-1"]
        assert set(session.execute(select(Customer.owner_id)).scalars()) == {rep_id}
        assert _count(session, SalesOrderLine) == 300
        _check_ledger(session)
        _check_numbering(session)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL statistics: needs TANDEM_TEST_DATABASE_URL")
def test_seed_leaves_postgresql_with_planner_statistics(tmp_path):
    with scratch_engine("postgresql", tmp_path) as engine:
        seed_volume(engine, customers=200, order_lines=1_000, seed=5, today=TODAY)
        with engine.connect() as conn:
            analysed = dict(conn.execute(text(
                "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname IN ('customers', 'sales_orders', 'sales_order_lines', 'invoices', 'payments', "
                "'payment_allocations', 'contacts')")).all())
    assert analysed and all(analysed.values()), analysed
