"""Tool latency at scale: p50/p95 per tool on 100,000 customers and 1,000,000 order lines, each next to the
same SQL replayed as plain statements through the same driver (the ratio is the overhead of the tool layer:
ORM, pydantic, the guard). Seeds the volume once and reuses it.

query_data is timed apart: a full year's revenue grouped by each dimension, and point queries (one customer's
figures), each next to the statements the semantic model compiled, replayed alone through the driver.

Run: .venv/bin/python benchmarks/tools.py [--database-url URL] [--data-dir DIR] [--iterations 100]
     PostgreSQL too: --database-url postgresql+psycopg://postgres@127.0.0.1:5432/tandem_bench
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS_MS = {"customer_overview": 50, "check_credit": 20, "create_quote (preview)": 50, "run_report (full year)": 1500}
GROUPINGS = ("customer", "segment", "city", "country", "region", "owner", "product", "category", "month",
             "order_status", "currency")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def ensure_volume(engine, customers: int, lines: int) -> None:
    from sqlalchemy import func, select

    from backend.models import Customer, SalesOrderLine
    from backend.seed import seed_volume

    with engine.connect() as conn:
        have_customers = conn.execute(select(func.count()).select_from(Customer)).scalar_one()
        have_lines = conn.execute(select(func.count()).select_from(SalesOrderLine)).scalar_one()
    if have_customers >= customers and have_lines >= lines:
        print(f"reusing {have_customers:,} customers and {have_lines:,} order lines")
        return
    stats = seed_volume(engine, customers=max(0, customers - have_customers), order_lines=max(0, lines - have_lines),
                        progress=True)
    print(f"seeded {stats.rows:,} rows in {stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)")


class StatementRecorder:
    """Collects the SQL a tool call sends, so it can be replayed as plain statements."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[tuple[str, object]] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and not executemany:
            self.statements.append((statement, parameters))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--data-dir", default=str(ROOT / "tandem-data" / "bench"))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--order-lines", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--query-runs", type=int, default=10, help="runs per query_data grouping")
    parser.add_argument("--only-query-data", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from backend.db import make_engine, migrate
    from backend.models import Customer, Employee, Product
    from backend.settings import Settings

    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{Path(args.data_dir) / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    ensure_volume(engine, args.customers, args.order_lines)
    recorder = StatementRecorder(engine)
    settings = Settings(data_dir=Path(args.data_dir), env="test")
    rng = random.Random(5)
    with Session(engine) as session:
        admin = session.execute(select(Employee).where(Employee.role == "admin").limit(1)).scalar_one_or_none()
        if admin is None:
            admin = Employee(code="BENCH-ADMIN", name="Benchmark Admin", email="bench-admin@example.test", role="admin")
            session.add(admin)
            session.commit()
        codes = list(session.execute(select(Customer.code).order_by(Customer.id)).scalars())
        skus = list(session.execute(select(Product.sku).where(Product.active.is_(True))).scalars())
        admin_id = admin.id
    samples = rng.sample(codes, min(len(codes), args.iterations))
    now = datetime.now(timezone.utc)
    last_year = str(now.year - 1)
    cases = {
        "find_customers": lambda c: ("find_customers", {"query": c[:6]}),
        "customer_overview": lambda c: ("customer_overview", {"customer": c}),
        "check_credit": lambda c: ("check_credit", {"customer": c, "order_amount": "5000000"}),
        "create_quote (preview)": lambda c: ("create_quote", {"customer": c, "lines": [
            {"product": rng.choice(skus), "quantity": rng.randint(1, 50), "discount_pct": "5"},
            {"product": rng.choice(skus), "quantity": rng.randint(1, 50)}]}),
        "customer_history": lambda c: ("customer_history", {"customer": c}),
        "order_status": lambda c: ("order_status", {"customer": c}),
        "run_report (full year)": lambda c: ("run_report", {"report": "sales_by_customer", "period": last_year, "top_n": 20}),
    }
    if not args.only_query_data:
        time_tools(engine, recorder, settings, admin_id, samples, cases, args)
    time_query_data(engine, recorder, settings, admin_id, samples, last_year, args)


def replay(engine, statements) -> float:
    """Seconds to run `statements` (as recorded at the cursor) through a raw driver connection."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # else the replayed SAVEPOINT/RELEASE pairs would commit
        started = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = time.perf_counter() - started
        raw.rollback()
        return elapsed
    finally:
        raw.close()


def time_query_data(engine, recorder, settings, admin_id, samples, last_year, args) -> None:
    """query_data against the statements the model compiled for it, replayed alone through the driver."""
    from sqlalchemy.orm import Session

    from backend.models import Employee
    from backend.semantic import engine as semantic
    from backend.tools import audit
    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke

    fetch = semantic._fetch

    def recorded_fetch(session, stmt):
        # Only the statements the model compiled are replayed: not the name lookups, savepoints or audit rows.
        recorder.active = True
        try:
            return fetch(session, stmt)
        finally:
            recorder.active = False

    semantic._fetch = recorded_fetch

    cases = [(f"revenue by {g}", {"measures": ["revenue"], "group_by": [g], "period": last_year, "limit": 20}, args.query_runs)
             for g in GROUPINGS]
    cases += [("revenue+orders+units by customer", {"measures": ["revenue", "orders", "units"], "group_by": ["customer"],
                                                     "period": last_year, "limit": 20}, args.query_runs)]
    point = min(len(samples), args.iterations)
    cases += [("one customer: revenue, orders", None, point), ("one customer: receivables", None, point)]
    print(f"\n{engine.dialect.name}: query_data; full year = {last_year}")
    print(f"{'query':<34}{'p50 ms':>9}{'p95 ms':>9}{'plain p50':>11}{'plain p95':>11}{'ratio p50':>11}{'ratio p95':>11}")
    for label, arguments, runs in cases:
        tool_times, plain_times = [], []
        for i in range(runs):
            if arguments is None:
                code = samples[i % len(samples)]
                body = ({"measures": ["revenue", "orders"], "customer": code, "period": last_year}
                        if "revenue" in label else {"measures": ["open_receivables", "overdue_amount"], "customer": code})
            else:
                body = arguments
            with Session(engine) as session:
                ctx = ToolContext(session=session, actor=session.get(Employee, admin_id), channel="api", settings=settings)
                recorder.statements = []
                started = time.perf_counter()
                invoke("query_data", ctx, body)
                audit.write_pending(session)
                tool_times.append(time.perf_counter() - started)
                session.rollback()
            plain_times.append(replay(engine, recorder.statements))
        p50, p95 = percentile(tool_times, 50) * 1000, percentile(tool_times, 95) * 1000
        q50, q95 = percentile(plain_times, 50) * 1000, percentile(plain_times, 95) * 1000
        print(f"{label:<34}{p50:>9.1f}{p95:>9.1f}{q50:>11.1f}{q95:>11.1f}{(p50 / q50 if q50 else 0):>11.2f}"
              f"{(p95 / q95 if q95 else 0):>11.2f}")


def time_tools(engine, recorder, settings, admin_id, samples, cases, args) -> None:
    from sqlalchemy.orm import Session

    from backend.models import Employee
    from backend.tools import audit
    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke

    print(f"\n{engine.dialect.name}: {len(samples):,} sampled customers; {args.iterations} calls per tool (run_report: 10)")
    print(f"{'tool':<26}{'p50 ms':>9}{'p95 ms':>9}{'plain p50':>11}{'plain p95':>11}{'ratio p50':>11}{'target p95':>12}")
    for label, make in cases.items():
        tool_times, plain_times = [], []
        for code in samples[: 10 if label.startswith("run_report") else len(samples)]:
            name, arguments = make(code)
            with Session(engine) as session:
                actor = session.get(Employee, admin_id)
                ctx = ToolContext(session=session, actor=actor, channel="api", settings=settings)
                recorder.statements, recorder.active = [], True
                started = time.perf_counter()
                invoke(name, ctx, arguments)
                audit.write_pending(session)  # what the request's commit adds: the call's audit row
                tool_times.append(time.perf_counter() - started)
                recorder.active = False
                session.rollback()
            plain_times.append(replay(engine, recorder.statements))
        p50, p95 = percentile(tool_times, 50) * 1000, percentile(tool_times, 95) * 1000
        q50, q95 = percentile(plain_times, 50) * 1000, percentile(plain_times, 95) * 1000
        target = TARGETS_MS.get(label)
        print(f"{label:<26}{p50:>9.1f}{p95:>9.1f}{q50:>11.1f}{q95:>11.1f}{(p50 / q50 if q50 else 0):>11.2f}"
              f"{(f'< {target}' if target else ''):>12}")


if __name__ == "__main__":
    main()
