"""The general ledger: posting speed, and the trial balance and P&L aggregation over a year of journal lines.

1. Posting (target >= 5,000 journal lines/s on SQLite): bulk-inserts invoices, payments with their allocations,
   goods receipts and shipped sales orders (as the demo build and the importers do, past the ORM), then times
   post_all_unposted, the bulk path that posts every unposted document in one pass.
2. Statements (target p95 < 1 s on PostgreSQL, < 2 s on SQLite): writes a year of journal entries with 1,000,000
   lines straight into the journal, then times balances.trial_balance as of the year end, and
   balances.monthly_movements (revenue and expense accounts by month, the P&L), each beside the plain GROUP BY
   query over the same rows in the same run.

Each run uses a fresh database: a SQLite file under /tmp, or the PostgreSQL database given (its tables are
dropped and migrated again).

Run: .venv/bin/python benchmarks/ledger.py [--documents 20000] [--lines 1000000] [--repeat 9]
     PostgreSQL: --database-url postgresql+psycopg://postgres@127.0.0.1:5432/tandem_ledger_bench
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTING_TARGET = 5_000
STATEMENT_TARGET = {"sqlite": 2.0, "postgresql": 1.0}
YEAR = 2026


def fresh_engine(url: str | None):
    from sqlalchemy import text

    from backend.db import make_engine, migrate

    if url is None:
        path = Path(tempfile.mkdtemp(prefix="tandem-ledger-bench-")) / "ledger.sqlite3"
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    return engine


def analyze(session) -> None:
    from sqlalchemy import text

    session.execute(text("ANALYZE"))


def setup_company(session, customers: int = 200, products: int = 100) -> tuple[list[int], list[int]]:
    from sqlalchemy import insert, select

    from backend.ledger import company
    from backend.models import Customer, Product, Warehouse

    firm = company(session)
    firm.name, firm.base_currency, firm.tax_rate_pct = "Bench Co", "VND", Decimal(10)
    session.execute(insert(Warehouse.__table__), [{"code": "HCM", "name": "HCM", "city": "HCM"}])
    session.execute(insert(Customer.__table__), [
        {"code": f"C{n:05d}", "name": f"Customer {n}", "search_key": f"customer {n}", "currency": "VND",
         "payment_terms_days": 30, "created_at": datetime.now(timezone.utc)} for n in range(customers)])
    session.execute(insert(Product.__table__), [
        {"sku": f"P{n:05d}", "name": f"Product {n}", "search_key": f"product {n}", "unit_price": Decimal(150000),
         "unit_cost": Decimal(100000), "currency": "VND", "category": "Paper", "active": True}
        for n in range(products)])
    session.flush()
    return (session.execute(select(Customer.id)).scalars().all(), session.execute(select(Product.id)).scalars().all())


def bulk_documents(session, documents: int, customers: list[int], products: list[int]) -> None:
    """`documents` invoices with one payment each, a receipt per 4 invoices, a shipped 2-line order per invoice."""
    from sqlalchemy import insert, select

    from backend.models import Invoice, Payment, PaymentAllocation, SalesOrder, SalesOrderLine, Warehouse
    from backend.models.purchasing import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, Supplier

    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    start = date(YEAR, 1, 1)
    day = [start + timedelta(days=rng.randrange(365)) for _ in range(documents)]
    session.execute(insert(Supplier.__table__), [{"code": "S1", "name": "Supplier", "search_key": "supplier",
                                                  "currency": "VND", "payment_terms_days": 30, "active": True,
                                                  "created_at": now}])
    supplier_id = session.execute(select(Supplier.id)).scalar_one()
    warehouse_id = session.execute(select(Warehouse.id).limit(1)).scalar_one()
    receipts = max(1, documents // 4)
    session.execute(insert(PurchaseOrder.__table__), [
        {"number": f"PO-B-{n:07d}", "supplier_id": supplier_id, "warehouse_id": warehouse_id, "status": "received",
         "order_date": start, "currency": "VND", "fx_rate": Decimal(1), "net_amount": Decimal(0),
         "tax_rate_pct": Decimal(10), "tax_amount": Decimal(0), "total": Decimal(0), "needs_approval": False,
         "created_at": now} for n in range(receipts)])
    po_ids = session.execute(select(PurchaseOrder.id).order_by(PurchaseOrder.id)).scalars().all()
    session.execute(insert(PurchaseOrderLine.__table__), [
        {"purchase_order_id": po, "line_no": 1, "product_id": products[n % len(products)], "quantity": 100,
         "unit_cost": Decimal(90000 + n % 20 * 1000), "line_amount": Decimal(0), "received_quantity": 100,
         "billed_quantity": 0} for n, po in enumerate(po_ids)])
    pol = session.execute(select(PurchaseOrderLine.id, PurchaseOrderLine.product_id, PurchaseOrderLine.unit_cost)
                          .order_by(PurchaseOrderLine.id)).all()
    session.execute(insert(GoodsReceipt.__table__), [
        {"number": f"GR-B-{n:07d}", "purchase_order_id": po, "warehouse_id": warehouse_id,
         "received_on": start + timedelta(days=rng.randrange(365)), "created_at": now} for n, po in enumerate(po_ids)])
    receipt_ids = session.execute(select(GoodsReceipt.id).order_by(GoodsReceipt.id)).scalars().all()
    session.execute(insert(GoodsReceiptLine.__table__), [
        {"receipt_id": r, "purchase_order_line_id": line.id, "product_id": line.product_id, "quantity": 100,
         "unit_cost": line.unit_cost} for r, line in zip(receipt_ids, pol)])
    session.execute(insert(SalesOrder.__table__), [
        {"number": f"SO-B-{n:07d}", "customer_id": customers[n % len(customers)], "status": "invoiced",
         "order_date": day[n], "shipped_date": day[n], "currency": "VND", "fx_rate": Decimal(1),
         "net_amount": Decimal(3000000), "net_amount_base": Decimal(3000000), "created_at": now}
        for n in range(documents)])
    order_ids = session.execute(select(SalesOrder.id).order_by(SalesOrder.id)).scalars().all()
    session.execute(insert(SalesOrderLine.__table__), [
        {"order_id": order, "line_no": k + 1, "product_id": products[(n + k) % len(products)], "quantity": 10,
         "unit_price": Decimal(150000), "discount_pct": Decimal(0), "line_amount": Decimal(1500000),
         "line_amount_base": Decimal(1500000), "unit_cost": Decimal(100000)}
        for n, order in enumerate(order_ids) for k in range(2)])
    session.execute(insert(Invoice.__table__), [
        {"number": f"INV-B-{n:07d}", "customer_id": customers[n % len(customers)], "order_id": order_ids[n],
         "issue_date": day[n], "due_date": day[n] + timedelta(days=30), "currency": "VND", "fx_rate": Decimal(1),
         "amount": Decimal(3300000), "status": "paid", "created_at": now} for n in range(documents)])
    invoice_ids = session.execute(select(Invoice.id).order_by(Invoice.id)).scalars().all()
    session.execute(insert(Payment.__table__), [
        {"customer_id": customers[n % len(customers)], "paid_on": day[n] + timedelta(days=20),
         "amount": Decimal(3300000), "currency": "VND", "method": "bank transfer", "reference": f"B{n}",
         "created_at": now}
        for n in range(documents)])
    payment_ids = session.execute(select(Payment.id).order_by(Payment.id)).scalars().all()
    session.execute(insert(PaymentAllocation.__table__), [
        {"payment_id": p, "invoice_id": i, "amount": Decimal(3300000)} for p, i in zip(payment_ids, invoice_ids)])
    session.flush()


def bench_posting(url: str | None, documents: int) -> None:
    from sqlalchemy.orm import Session

    from backend.accounting.posting import post_all_unposted

    engine = fresh_engine(url)
    with Session(engine) as session:
        customers, products = setup_company(session)
        bulk_documents(session, documents, customers, products)
        session.commit()
        analyze(session)
        session.commit()
        started, cpu = time.perf_counter(), time.process_time()
        summary = post_all_unposted(session)
        session.commit()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    rate = summary.lines / wall
    print(f"posting [{engine.dialect.name}]: {summary.entries:,} entries, {summary.lines:,} lines in {wall:.2f} s "
          f"(CPU {cpu:.2f} s): {rate:,.0f} lines/s  target >= {POSTING_TARGET:,}  "
          f"{'OK' if rate >= POSTING_TARGET else 'SLOW'}   by type: {summary.by_type}")


def write_journal(session, lines: int) -> None:
    """A year of entries shaped like a distributor's (invoice 3 lines, delivery 2, payment 2, bill 3)."""
    from sqlalchemy import func, select

    from backend.accounting.chart import ensure_chart
    from backend.accounting.journal import ENTRY_COLUMNS, LINE_COLUMNS
    from backend.bulk import insert_tuples
    from backend.models import JournalEntry, JournalLine

    roles = ensure_chart(session)
    shapes = (
        (("receivables", 1), ("revenue", -1), ("vat_output", -1)),
        (("cogs", 1), ("inventory", -1)),
        (("bank", 1), ("receivables", -1)),
        (("expenses", 1), ("vat_input", 1), ("payables", -1)),
    )
    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    start = date(YEAR, 1, 1)
    first_id = (session.execute(select(func.max(JournalEntry.id))).scalar() or 0) + 1
    entry_id, written, batch_entries, batch_lines = first_id, 0, [], []
    while written < lines:
        shape = shapes[rng.randrange(4)]
        day = start + timedelta(days=rng.randrange(365))
        amount = Decimal(rng.randrange(100, 50_000) * 1000)
        batch_entries.append((entry_id, f"JE-B-{entry_id:08d}", day, f"{day.year:04d}-{day.month:02d}", "manual",
                              None, "bench", None, None, now))
        debit_total = sum(1 for _, side in shape if side > 0)
        credit_total = len(shape) - debit_total
        for role, side in shape:
            share = amount / (debit_total if side > 0 else credit_total)
            batch_lines.append((entry_id, day, roles[role], share if side > 0 else Decimal(0),
                                share if side < 0 else Decimal(0), "VND", None, None, None, None))
        written += len(shape)
        entry_id += 1
        if len(batch_lines) >= 50_000 or written >= lines:
            insert_tuples(session, JournalEntry.__table__, ("id",) + ENTRY_COLUMNS, batch_entries)
            insert_tuples(session, JournalLine.__table__, LINE_COLUMNS, batch_lines)
            batch_entries, batch_lines = [], []
    session.flush()


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, result


def bench_statements(url: str | None, lines: int, repeat: int) -> None:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from backend.accounting.balances import monthly_movements, trial_balance
    from backend.ledger import company

    engine = fresh_engine(url)
    name = engine.dialect.name
    with Session(engine) as session:
        company(session).base_currency = "VND"
        started = time.perf_counter()
        write_journal(session, lines)
        session.commit()
        analyze(session)
        session.commit()
        count = session.execute(text("SELECT count(*) FROM journal_lines")).scalar_one()
        print(f"statements [{name}]: {count:,} journal lines written in {time.perf_counter() - started:.1f} s")
        year_end, year_start = date(YEAR, 12, 31), date(YEAR, 1, 1)
        month = "substr(l.entry_date, 1, 7)" if name == "sqlite" else "to_char(l.entry_date, 'YYYY-MM')"
        plain_tb = text("SELECT a.code, SUM(l.debit), SUM(l.credit) FROM journal_lines l JOIN accounts a "
                        "ON a.id = l.account_id WHERE l.entry_date <= :d GROUP BY a.code ORDER BY a.code")
        plain_pl = text(f"SELECT {month} AS m, l.account_id, SUM(l.debit), SUM(l.credit) FROM journal_lines l "
                        "JOIN accounts a ON a.id = l.account_id WHERE l.entry_date BETWEEN :f AND :t "
                        "AND a.kind IN ('revenue', 'expense') GROUP BY m, l.account_id ORDER BY m, l.account_id")
        on = {"d": year_end.isoformat() if name == "sqlite" else year_end}
        span = {"f": year_start.isoformat(), "t": year_end.isoformat()} if name == "sqlite" else \
            {"f": year_start, "t": year_end}
        cases = (
            ("trial balance (balances.trial_balance)", lambda: trial_balance(session, as_of=year_end)),
            ("trial balance, plain GROUP BY", lambda: session.execute(plain_tb, on).all()),
            ("P&L by month (balances.monthly_movements)", lambda: monthly_movements(session, year_start, year_end)),
            ("P&L by month, plain GROUP BY", lambda: session.execute(plain_pl, span).all()),
        )
        rows_tb = trial_balance(session, as_of=year_end)
        assert sum(r.debit for r in rows_tb) == sum(r.credit for r in rows_tb), "the trial balance does not balance"
        for label, fn in cases:
            fn()  # warm the cache
            p50, p95, result = timed(fn, repeat)
            target = STATEMENT_TARGET.get(name, 2.0)
            print(f"  {label:45s} p50 {p50 * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms  ({len(result)} rows)  "
                  f"target p95 < {target:.0f} s  {'OK' if p95 < target else 'SLOW'}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped); default a SQLite file")
    parser.add_argument("--documents", type=int, default=20_000, help="invoices (each with a payment and a delivery)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines for the statements benchmark")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", choices=("posting", "statements"))
    args = parser.parse_args()
    if args.only != "statements":
        bench_posting(args.database_url, args.documents)
    if args.only != "posting":
        bench_statements(args.database_url, args.lines, args.repeat)


if __name__ == "__main__":
    main()
