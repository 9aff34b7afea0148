"""Synthetic volume for benchmarks: many customers and order lines, bulk-inserted per table and batch.

Runs on an empty database or on top of the demo company. Orders and invoices take real numbers from the
gapless counters: each batch claims its block of numbers in the same transaction as its rows (next_number
locks the counter row, reserve_through moves it to the end of the block). A failed batch rolls back its
numbers with its rows, and other writers keep numbering after the block, so the sequences stay gapless and
collision-free without a separate prefix such as SO-B-.
"""
from __future__ import annotations

import random
import time
from bisect import bisect_right
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from backend.bulk import insert_tuples
from backend.demo import (
    CITIES, CORE_FIRST, CORE_SECOND, DISCOUNT_STEPS, GIVEN_NAMES, HISTORY_MONTHS, LINES_PER_ORDER, MIDDLE_NAMES,
    STREETS, SURNAMES, LineDraft, OrderDraft, at_local, company_today, day_weight, ensure_reference_data,
    months_before, order_status, paused_gc, payment_plan, price_on,
)
from backend.ledger import RateBook, price_order
from backend.models import (
    Company, Contact, Customer, Employee, Invoice, Payment, PaymentAllocation, Product, SalesOrder, SalesOrderLine,
)
from backend.money import document_total
from backend.numbering import format_number, next_number, reserve_through
from backend.text import fold, search_key

CUSTOMER_BATCH = 10_000
# Column order of the rows each writer builds (positional, for bulk.insert_tuples).
CUSTOMER_COLUMNS = ("code", "name", "search_key", "email", "phone", "segment", "country", "city", "address", "currency",
                    "credit_limit", "payment_terms_days", "owner_id", "price_list_id", "notes", "created_at")
CONTACT_COLUMNS = ("customer_id", "name", "search_key", "email", "phone", "title")
ORDER_COLUMNS = ("number", "customer_id", "salesperson_id", "quote_id", "status", "order_date", "currency", "fx_rate",
                 "net_amount", "net_amount_base", "required_date", "shipped_date", "ship_country", "ship_city",
                 "created_at")
LINE_COLUMNS = ("order_id", "line_no", "product_id", "quantity", "unit_price", "discount_pct", "line_amount",
                "line_amount_base", "unit_cost")
INVOICE_COLUMNS = ("number", "customer_id", "order_id", "issue_date", "due_date", "currency", "fx_rate", "amount",
                   "status", "created_at")
PAYMENT_COLUMNS = ("customer_id", "paid_on", "amount", "currency", "method", "reference", "created_at")
ALLOCATION_COLUMNS = ("payment_id", "invoice_id", "amount")
TABLES = ("customers", "contacts", "sales_orders", "sales_order_lines", "invoices", "payments", "payment_allocations")
NAME_TYPES = ("Công ty TNHH", "Công ty TNHH TM DV", "Công ty CP", "Công ty TNHH Bao bì", "Nhà sách", "Cửa hàng",
              "Công ty TNHH In ấn", "Công ty CP Thực phẩm")
SEGMENTS = (("SMB", 50), ("Retail", 20), ("Enterprise", 10), ("Education", 8), ("Government", 4), ("Export", 8))
EXPORT_COUNTRIES = ("Singapore", "Japan", "Australia", "United States", "Germany", "Spain", "South Korea")


@dataclass
class SeedStats:
    rows: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def add(self, table: str, rows: int) -> None:
        self.counts[table] += rows
        self.rows += rows


@dataclass(slots=True)
class _Buyer:
    id: int
    currency: str
    terms: int
    payer: str
    country: str | None
    city: str | None
    owner_id: int | None
    vat: Decimal


@dataclass(slots=True)
class _Item:
    id: int
    price: Decimal
    cost: Decimal | None
    currency: str
    low: int
    high: int


def seed_volume(engine: Engine, *, customers: int, order_lines: int, seed: int = 11, today: date | None = None,
                progress: bool = False, batch_lines: int = 50_000) -> SeedStats:
    """Add `customers` customers (one contact each) and `order_lines` order lines with their orders, invoices
    and payments over the last 24 months. Commits per batch; returns counts and throughput."""
    if customers < 0 or order_lines < 0:
        raise ValueError("customers and order_lines must not be negative")
    if order_lines and not customers:
        with Session(engine) as session:
            if session.execute(select(Customer.id).limit(1)).first() is None:
                raise ValueError("there are no customers to attach orders to; ask for some customers too")
    started = time.perf_counter()
    today = today or company_today()
    rng = random.Random(seed)
    stats = SeedStats()
    bars = _Bars(progress, customers, order_lines)
    with bars, paused_gc():
        with Session(engine) as session, session.begin():
            ensure_reference_data(session, rng=random.Random(seed), today=today, fill_empty_only=True)
            context = _Context.load(session, today, seed, with_existing_buyers=customers == 0)
        if order_lines and not context.items:
            raise ValueError("there are no active products to put on orders")
        buyers = _insert_customers(engine, rng, context, customers, stats, bars)
        if order_lines:
            _insert_orders(engine, rng, context, buyers or context.existing_buyers, order_lines, batch_lines, stats,
                           bars)
    refresh_planner_statistics(engine)
    stats.seconds = time.perf_counter() - started
    return stats


def refresh_planner_statistics(engine: Engine) -> None:
    """PostgreSQL plans from table statistics, which autovacuum gathers only some time after a bulk load; until
    then it may, for instance, scan instead of using an index (customer_history took 150 ms instead of 6).
    SQLite's planner works without statistics here, so it is left as it is."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in TABLES:
            connection.exec_driver_sql(f"ANALYZE {table}")


class _Bars:
    """rich progress bars when asked for; silent otherwise."""

    def __init__(self, enabled: bool, customers: int, lines: int):
        self.progress = None
        if enabled:
            self.progress = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn())
            self.customers = self.progress.add_task("Customers", total=customers)
            self.lines = self.progress.add_task("Order lines", total=lines)

    def __enter__(self):
        return (self.progress or nullcontext()).__enter__()

    def __exit__(self, *exc):
        return (self.progress or nullcontext()).__exit__(*exc)

    def advance(self, which: str, amount: int) -> None:
        if self.progress:
            self.progress.update(getattr(self, which), advance=amount)


@dataclass
class _Context:
    seed: int
    today: date
    start: date
    prefix: str
    next_code: int
    base: str
    vat: Decimal
    items: list[_Item]
    item_weights: list[float]
    reps: dict[str, list[int]]
    rates: dict[date, Decimal]
    existing_buyers: list[_Buyer]
    prices: dict[tuple[int, str, date], Decimal] = field(default_factory=dict)
    midnights: dict[date, datetime] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, today: date, seed: int, *, with_existing_buyers: bool) -> "_Context":
        company = session.execute(select(Company).order_by(Company.id).limit(1)).scalar_one()
        base = company.base_currency
        prefix = f"S{seed}-"
        last = session.execute(select(func.max(Customer.code)).where(Customer.code.like(f"{prefix}%"))).scalar_one()
        items, weights = [], []
        fx = RateBook(session, base)
        for product in session.execute(select(Product).where(Product.active.is_(True)).order_by(Product.id)).scalars():
            price_base = product.unit_price * (fx.rate(product.currency, today) if product.currency != base else 1)
            low, high = (5, 60) if price_base < 100_000 else (1, 30) if price_base < 600_000 else \
                (1, 10) if price_base < 2_000_000 else (1, 3)
            items.append(_Item(product.id, product.unit_price, product.unit_cost, product.currency, low, high))
            weights.append(3.0 if price_base < 600_000 else 1.0)
        reps: dict[str, list[int]] = defaultdict(list)
        for employee_id, region in session.execute(select(Employee.id, Employee.region).where(
                Employee.role == "sales", Employee.active.is_(True)).order_by(Employee.id)):
            reps[region or "South"].append(employee_id)
            reps["*"].append(employee_id)
        start = months_before(today, HISTORY_MONTHS)
        rates = {start + timedelta(days=i): fx.rate("USD", start + timedelta(days=i))
                 for i in range((today - start).days + 1)}
        existing = [
            _Buyer(cid, currency, terms, "cash" if limit == 0 else "prompt", country, city, owner,
                   vat=company.tax_rate_pct if currency == base else Decimal(0))
            for cid, currency, terms, limit, country, city, owner in session.execute(
                select(Customer.id, Customer.currency, Customer.payment_terms_days, Customer.credit_limit,
                       Customer.country, Customer.city, Customer.owner_id).order_by(Customer.id))
        ] if with_existing_buyers else []
        return cls(seed=seed, today=today, start=start, prefix=prefix,
                   next_code=int(last.split("-")[-1]) + 1 if last else 1,
                   base=base, vat=company.tax_rate_pct, items=items, item_weights=weights, reps=dict(reps),
                   rates=rates, existing_buyers=existing)

    def rate(self, currency: str, day: date) -> Decimal:
        """Rates of the run's days, looked up once through ledger.fx_rate (USD is the only foreign currency)."""
        return Decimal(1) if currency == self.base else self.rates[day]

    def price(self, index: int, currency: str, day: date) -> Decimal:
        key = (index, currency, day)
        found = self.prices.get(key)
        if found is None:
            item = self.items[index]
            found = self.prices[key] = price_on(item.price, item.currency, currency, day, self.today, self)
        return found

    def at(self, day: date, minutes: int) -> datetime:
        """Local time of day as UTC, `minutes` after local midnight (at_local, cached per day)."""
        midnight = self.midnights.get(day)
        if midnight is None:
            midnight = self.midnights[day] = at_local(day, 0)
        return midnight + timedelta(minutes=minutes)


def _draw(rng: random.Random, cum_weights: list[float]) -> int:
    """Index drawn by cumulative weights; random.choices does the same with more overhead per call."""
    return bisect_right(cum_weights, rng.random() * cum_weights[-1], 0, len(cum_weights) - 1)


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


# ------------------------------------------------------------------------------------------ customers

def _insert_customers(engine: Engine, rng: random.Random, context: _Context, count: int, stats: SeedStats,
                      bars: _Bars) -> list[_Buyer]:
    buyers: list[_Buyer] = []
    cores = [f"{a} {b}" for a in CORE_FIRST for b in CORE_SECOND if a != b]
    domains = {core: fold(core).replace(" ", "") for core in cores}
    people: dict[str, tuple[str, str]] = {}  # name -> (search key, e-mail local part); a few thousand names
    city_cum = _cumulative(c.weight for c in CITIES)
    segments = [name for name, _ in SEGMENTS]
    segment_cum = _cumulative(w for _, w in SEGMENTS)
    payers = ("prompt", "slow", "poor", "cash")
    payer_cum = _cumulative((62, 25, 8, 5))
    between = _between
    for first in range(0, count, CUSTOMER_BATCH):
        size = min(CUSTOMER_BATCH, count - first)
        rows, contacts, extra = [], [], []
        for _ in range(size):
            code = f"{context.prefix}{context.next_code:07d}"
            context.next_code += 1
            segment = segments[_draw(rng, segment_cum)]
            export = segment == "Export"
            city = CITIES[_draw(rng, city_cum)]
            core = cores[between(rng, 0, len(cores) - 1)]
            if export:
                country, city_name = rng.choice(EXPORT_COUNTRIES), None
                name = f"{core.split()[0]} {core.split()[1]} Trading {between(rng, 1, 999)}"
            else:
                country, city_name = "Vietnam", city.name
                name = f"{rng.choice(NAME_TYPES)} {core} {city.name_vi}"
            currency = "USD" if export else context.base
            payer = payers[_draw(rng, payer_cum)]
            if payer == "cash":
                limit, terms = Decimal(0), 0
            elif rng.random() < 0.05:
                limit, terms = None, 30
            else:
                terms = 45 if segment in ("Enterprise", "Government") and rng.random() < 0.6 else 30
                limit = Decimal(between(rng, 1, 60) * 1000) if export else Decimal(between(rng, 5, 200) * 10_000_000)
            region = "Export" if export else city.region
            owners = context.reps.get(region) or context.reps.get("*") or [None]
            owner = owners[between(rng, 0, len(owners) - 1)]
            since = context.start - DAY * between(rng, 1, 1500)
            domain = f"{domains[core]}{between(rng, 10, 9999)}.vn"
            rows.append((
                code, name, search_key(name, code, city_name), f"info@{domain}",
                f"0{between(rng, 200, 299)} {between(rng, 3000000, 3999999)}", segment, country, city_name,
                None if export else
                f"{between(rng, 1, 500)} {STREETS[between(rng, 0, len(STREETS) - 1)]}, {city.name}",
                currency, limit, terms, owner, None, None, context.at(since, 600)))
            extra.append((payer, terms, country, city_name, owner, currency))
            person = " ".join(names[between(rng, 0, len(names) - 1)] for names in (SURNAMES, MIDDLE_NAMES, GIVEN_NAMES))
            if person not in people:
                people[person] = (search_key(person), fold(person).split()[-1])
            person_key, local = people[person]
            contacts.append((person, person_key, f"{local}@{domain}",
                             f"09{between(rng, 0, 9)} {between(rng, 100, 999)} {between(rng, 1000, 9999)}",
                             "Purchasing"))
        with Session(engine) as session, session.begin():
            ids = insert_tuples(session, Customer.__table__, CUSTOMER_COLUMNS, rows, key="code")
            insert_tuples(session, Contact.__table__, CONTACT_COLUMNS,
                          [(ids[row[0]], *contact) for row, contact in zip(rows, contacts)])  # row[0]: code
        for row, (payer, terms, country, city_name, owner, currency) in zip(rows, extra):
            buyers.append(_Buyer(ids[row[0]], currency, terms, payer, country, city_name,
                                 owner, context.vat if currency == context.base else Decimal(0)))
        stats.add("customers", len(rows))
        stats.add("contacts", len(contacts))
        bars.advance("customers", len(rows))
    return buyers


# --------------------------------------------------------------------------------------------- orders

def _insert_orders(engine: Engine, rng: random.Random, context: _Context, buyers: list[_Buyer], total_lines: int,
                   batch_lines: int, stats: SeedStats, bars: _Bars) -> None:
    days = [context.start + timedelta(days=i) for i in range(1, (context.today - context.start).days + 1)]
    plan = _Plan(
        seed=context.seed, context=context, buyers=buyers, days=days,
        day_cum=_cumulative(day_weight(day, context.start) for day in days),
        # A few large buyers and a long tail of small ones.
        buyer_cum=_cumulative(min(rng.paretovariate(1.3), 40.0) for _ in buyers),
        item_cum=_cumulative(context.item_weights))
    for index, done in enumerate(range(0, total_lines, batch_lines)):
        budget = min(batch_lines, total_lines - done)
        batch = _generate(plan, index, budget)
        with Session(engine) as session, session.begin():
            _write_batch(session, context, batch, stats)
        bars.advance("lines", budget)


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


DISCOUNT_CUM = _cumulative((58, 15, 16, 7, 4))
LINE_COUNTS = [n for n, _ in LINES_PER_ORDER]
LINE_COUNT_CUM = _cumulative([w for _, w in LINES_PER_ORDER])
DAY = timedelta(days=1)


@dataclass
class _Plan:
    """Everything order generation needs, computed once per run."""

    seed: int
    context: _Context
    buyers: list[_Buyer]
    days: list[date]
    day_cum: list[float]
    buyer_cum: list[float]
    item_cum: list[float]


@dataclass(slots=True)
class _Drafted:
    """A generated order and, once invoiced, its invoice amount, due date and the payments made by today.
    Numbers and ids are given at write time."""

    order: OrderDraft
    invoice_amount: Decimal | None = None
    due_date: date | None = None
    payments: list[tuple[date, Decimal]] = field(default_factory=list)


def _generate(plan: _Plan, index: int, budget: int) -> list[_Drafted]:
    """Batch `index`: orders with `budget` lines in total, from the batch's own random stream (so a batch does
    not depend on how the ones before it were written)."""
    rng = random.Random(f"{plan.seed}:{index}")
    context, items, buyers = plan.context, plan.context.items, plan.buyers
    drafted = []
    left = budget
    while left:
        buyer = buyers[_draw(rng, plan.buyer_cum)]
        day = plan.days[_draw(rng, plan.day_cum)]
        status = order_status(rng, (context.today - day).days)
        shipped = None
        if status in ("shipped", "invoiced"):
            shipped = min(day + DAY * _between(rng, 0, 4), context.today)
        order = OrderDraft(customer_id=buyer.id, salesperson_id=buyer.owner_id, status=status, order_date=day,
                           currency=buyer.currency, required_date=day + DAY * _between(rng, 2, 10),
                           shipped_date=shipped, ship_country=buyer.country, ship_city=buyer.city,
                           created_at=context.at(day, _between(rng, 480, 1079)))
        picked = set()
        for _ in range(min(LINE_COUNTS[_draw(rng, LINE_COUNT_CUM)], left)):
            index = _draw(rng, plan.item_cum)
            if index in picked:
                continue
            picked.add(index)
            item = items[index]
            order.lines.append(LineDraft(
                product_id=item.id, quantity=_between(rng, item.low, item.high),
                unit_price=context.price(index, buyer.currency, day),
                discount_pct=DISCOUNT_STEPS[_draw(rng, DISCOUNT_CUM)], unit_cost=item.cost))
        price_order(order, context.rate(buyer.currency, day), context.base)
        left -= len(order.lines)
        entry = _Drafted(order)
        if status == "invoiced":
            _, _, entry.invoice_amount = document_total([line.line_amount for line in order.lines], buyer.vat,
                                                        order.currency)
            entry.due_date = shipped + DAY * buyer.terms
            entry.payments = [(paid_on, part) for paid_on, part in payment_plan(
                rng, payer=buyer.payer, issue=shipped, due=entry.due_date, amount=entry.invoice_amount,
                currency=order.currency, order_date=day, today=context.today) if paid_on <= context.today]
        drafted.append(entry)
    return drafted


def _claim_numbers(session: Session, doc_type: str, years: list[int]) -> dict[int, int]:
    """Claim a block of numbers per year in this transaction; returns the first number of each block."""
    first: dict[int, int] = {}
    needed: dict[int, int] = defaultdict(int)
    for year in years:
        needed[year] += 1
    for year in sorted(needed):
        start = int(next_number(session, doc_type, year).rsplit("-", 1)[1])
        reserve_through(session, doc_type, year, start + needed[year] - 1)
        first[year] = start
    return first


def _write_batch(session: Session, context: _Context, batch: list[_Drafted], stats: SeedStats) -> None:
    batch.sort(key=lambda entry: entry.order.order_date)
    next_seq = _claim_numbers(session, "order", [entry.order.order_date.year for entry in batch])
    rows = []
    for entry in batch:
        order = entry.order
        year = order.order_date.year
        order.number = format_number("order", year, next_seq[year])
        next_seq[year] += 1
        rows.append((order.number, order.customer_id, order.salesperson_id, None, order.status, order.order_date,
                     order.currency, order.fx_rate, order.net_amount, order.net_amount_base, order.required_date,
                     order.shipped_date, order.ship_country, order.ship_city, order.created_at))
    ids = insert_tuples(session, SalesOrder.__table__, ORDER_COLUMNS, rows, key="number")
    lines = []
    for entry in batch:
        order = entry.order
        order.id = order_id = ids[order.number]
        lines.extend((order_id, line.line_no, line.product_id, line.quantity, line.unit_price, line.discount_pct,
                      line.line_amount, line.line_amount_base, line.unit_cost) for line in order.lines)
    insert_tuples(session, SalesOrderLine.__table__, LINE_COLUMNS, lines)
    stats.add("sales_orders", len(rows))
    stats.add("sales_order_lines", len(lines))

    invoiced = sorted((e for e in batch if e.invoice_amount is not None),
                      key=lambda e: (e.order.shipped_date, e.order.number))
    if not invoiced:
        return
    next_seq = _claim_numbers(session, "invoice", [e.order.shipped_date.year for e in invoiced])
    invoices = []
    for entry in invoiced:
        order, issue = entry.order, entry.order.shipped_date
        number = format_number("invoice", issue.year, next_seq[issue.year])
        next_seq[issue.year] += 1
        paid = sum((part for _, part in entry.payments), Decimal(0))
        invoices.append((number, order.customer_id, order.id, issue, entry.due_date, order.currency,
                         context.rate(order.currency, issue), entry.invoice_amount,
                         "paid" if paid >= entry.invoice_amount else "open", context.at(issue, 16 * 60)))
    invoice_ids = insert_tuples(session, Invoice.__table__, INVOICE_COLUMNS, invoices, key="number")
    payments, allocations = [], []
    for invoice, entry in zip(invoices, invoiced):
        number, customer_id, currency = invoice[0], invoice[1], invoice[5]
        for n, (paid_on, part) in enumerate(entry.payments, start=1):
            reference = f"CK {number}"
            if len(entry.payments) > 1:
                reference += f" ({n}/{len(entry.payments)})"
            payments.append((customer_id, paid_on, part, currency, "bank transfer", reference,
                             context.at(paid_on, 15 * 60)))
            allocations.append((reference, invoice_ids[number], part))
    if payments:
        payment_ids = insert_tuples(session, Payment.__table__, PAYMENT_COLUMNS, payments, key="reference")
        insert_tuples(session, PaymentAllocation.__table__, ALLOCATION_COLUMNS,
                      [(payment_ids[ref], invoice_id, part) for ref, invoice_id, part in allocations])
    stats.add("invoices", len(invoices))
    stats.add("payments", len(payments))
    stats.add("payment_allocations", len(allocations))
