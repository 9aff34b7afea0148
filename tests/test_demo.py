"""The demo company: built once per backend, deterministic, idempotent, and internally consistent."""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db import make_engine, migrate
from backend.demo import create_demo_company, demo_summary, months_before
from backend.ledger import fx_rate
from backend.models import (
    Company, Contact, Customer, DocumentSequence, Employee, FxRate, Interaction, Invoice, Opportunity, Payment,
    PaymentAllocation, PriceList, PriceListItem, Product, SalesOrder, SalesOrderLine, StockLevel, Ticket, Warehouse,
)
from backend.models.crm import STAGE_PROBABILITY
from backend.models.org import ROLES
from backend.money import convert, document_total, line_amount
from backend.numbering import next_number
from backend.text import search_key

TODAY = date(2026, 11, 26)


def _build_fresh(tmp_path, seed: int) -> dict:
    engine = make_engine(f"sqlite:///{tmp_path / f'demo-{seed}.sqlite3'}")
    migrate(engine)
    try:
        with Session(engine) as session, session.begin():
            assert create_demo_company(session, seed=seed, today=TODAY) is True
        with Session(engine) as session:
            return fingerprint(session)
    finally:
        engine.dispose()


def _digest(rows) -> str:
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def _n(value: Decimal | None) -> str:
    return "None" if value is None else format(Decimal(value).normalize(), "f")


def fingerprint(session: Session) -> dict:
    """Counts, exact sums and sorted keys: equal fingerprints mean the same company, whatever the backend."""
    def count(model) -> int:
        return session.execute(select(func.count()).select_from(model)).scalar_one()

    def total(column) -> str:
        return _n(session.execute(select(func.sum(column))).scalar_one())

    def rows(*columns, decimals: tuple[int, ...] = ()) -> str:
        """Digest of the selected columns; ids are mapped to codes so the backend's id order cannot matter."""
        out = []
        for row in session.execute(select(*columns)):
            out.append(tuple(_n(v) if i in decimals
                             else names.get((columns[i].key, v), v) if columns[i].key.endswith("_id") else v
                             for i, v in enumerate(row)))
        return _digest(out)

    names = {}
    for key, model, label in (("customer_id", Customer, Customer.code), ("order_id", SalesOrder, SalesOrder.number),
                              ("invoice_id", Invoice, Invoice.number), ("product_id", Product, Product.sku),
                              ("employee_id", Employee, Employee.code)):
        names.update({(key, i): v for i, v in session.execute(select(model.id, label))})
    return {
        "counts": {m.__name__: count(m) for m in (Customer, Contact, Employee, Product, StockLevel, PriceListItem,
                                                FxRate, SalesOrder, SalesOrderLine, Invoice, Payment,
                                                PaymentAllocation, Interaction, Opportunity, Ticket)},
        "sums": [total(SalesOrder.net_amount_base), total(SalesOrderLine.line_amount), total(Invoice.amount),
                 total(Payment.amount), total(PaymentAllocation.amount), total(Opportunity.amount),
                 total(StockLevel.quantity), total(StockLevel.reserved), total(FxRate.rate),
                 total(Customer.credit_limit)],
        "customers": rows(Customer.code, Customer.name, Customer.email, Customer.segment, Customer.city,
                          Customer.currency, Customer.credit_limit, Customer.payment_terms_days, decimals=(6,)),
        "contacts": rows(Contact.customer_id, Contact.name, Contact.email, Contact.phone, Contact.title),
        "orders": rows(SalesOrder.number, SalesOrder.customer_id, SalesOrder.order_date, SalesOrder.status,
                       SalesOrder.net_amount, SalesOrder.net_amount_base, SalesOrder.shipped_date, decimals=(4, 5)),
        "lines": rows(SalesOrderLine.order_id, SalesOrderLine.line_no, SalesOrderLine.product_id,
                      SalesOrderLine.quantity, SalesOrderLine.unit_price, SalesOrderLine.discount_pct, decimals=(4, 5)),
        "invoices": rows(Invoice.number, Invoice.customer_id, Invoice.issue_date, Invoice.due_date, Invoice.amount,
                         Invoice.status, decimals=(4,)),
        "allocations": rows(PaymentAllocation.invoice_id, PaymentAllocation.amount, decimals=(1,)),
        "payments": rows(Payment.customer_id, Payment.paid_on, Payment.amount, Payment.reference, decimals=(2,)),
        "interactions": rows(Interaction.customer_id, Interaction.employee_id, Interaction.kind,
                             Interaction.occurred_at, Interaction.summary),
        "tickets": rows(Ticket.number, Ticket.customer_id, Ticket.status, Ticket.priority, Ticket.subject),
        "opportunities": rows(Opportunity.customer_id, Opportunity.name, Opportunity.stage, Opportunity.amount,
                              Opportunity.close_date, decimals=(3,)),
    }


def _customer(session: Session, code: str) -> Customer:
    return session.execute(select(Customer).where(Customer.code == code)).scalar_one()


def _allocated(session: Session) -> dict[int, Decimal]:
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, amount in session.execute(select(PaymentAllocation.invoice_id, PaymentAllocation.amount)):
        sums[invoice_id] += amount
    return sums


# ----------------------------------------------------------------------------------- build properties

def test_same_seed_and_day_give_the_same_company(demo, tmp_path):
    assert _build_fresh(tmp_path, 7) == fingerprint(demo)


def test_another_seed_gives_another_company(demo, tmp_path):
    other = _build_fresh(tmp_path, 8)
    mine = fingerprint(demo)
    assert other["orders"] != mine["orders"]
    assert other["sums"] != mine["sums"]


def test_second_call_changes_nothing(demo):
    before = fingerprint(demo)
    assert create_demo_company(demo, seed=7, today=TODAY) is False
    assert create_demo_company(demo, seed=99, today=TODAY + timedelta(days=30)) is False
    demo.flush()
    assert fingerprint(demo) == before


def test_summary_reports_headline_figures(demo):
    summary = demo_summary(demo, today=TODAY)
    assert summary["Company"].startswith("Sông Hồng Trading Co., Ltd.")
    assert summary["Customers"].startswith("200 ")
    assert all(isinstance(v, str) and v for v in summary.values())
    open_invoices = demo.execute(select(func.count()).where(Invoice.status == "open")).scalar_one()
    assert summary["Open invoices"].startswith(f"{open_invoices:,},")
    assert "VND" in summary["Revenue, last 12 months"]


# ------------------------------------------------------------------------------------------ the company

def test_company_profile_and_warehouses(demo):
    company = demo.execute(select(Company)).scalar_one()
    assert (company.name, company.base_currency, company.timezone) == (
        "Sông Hồng Trading Co., Ltd.", "VND", "Asia/Ho_Chi_Minh")
    assert company.tax_rate_pct == Decimal(10)
    cities = dict(demo.execute(select(Warehouse.code, Warehouse.city)).all())
    assert cities == {"HCM": "Ho Chi Minh City", "HAN": "Hanoi"}


@pytest.mark.parametrize("code, name, email, role, region", [
    ("E001", "Trần Thị Mai", "mai@songhong.vn", "sales", "South"),
    ("E002", "Lê Văn Hùng", "hung@songhong.vn", "sales", "North"),
    ("E003", "Phạm Minh Anh", "anh@songhong.vn", "support", None),
    ("E004", "Nguyễn Thu Hà", "ha@songhong.vn", "finance", None),
    ("E005", "Võ Quốc Bảo", "bao@songhong.vn", "manager", None),
    ("E006", "Đặng Hoài Nam", "nam@songhong.vn", "admin", None),
])
def test_demo_logins_are_stable(demo, code, name, email, role, region):
    employee = demo.execute(select(Employee).where(Employee.code == code)).scalar_one()
    assert (employee.name, employee.email, employee.role, employee.active) == (name, email, role, True)
    if region:
        assert employee.region == region


def test_staff_covers_every_role_with_a_manager_over_the_reps(demo):
    staff = demo.execute(select(Employee)).scalars().all()
    assert len(staff) >= 10
    assert {e.role for e in staff} == set(ROLES)
    bao = next(e for e in staff if e.code == "E005")
    reps = [e for e in staff if e.role == "sales"]
    assert len(reps) >= 4 and all(r.manager_id == bao.id for r in reps)
    assert {r.region for r in reps} == {"North", "South", "Export"}
    assert any(r.name == "David Miller" and r.region == "Export" for r in reps)


def test_catalogue(demo):
    products = demo.execute(select(Product)).scalars().all()
    assert len(products) >= 60
    inactive = [p for p in products if not p.active]
    assert 2 <= len(inactive) <= 4 and all(p.inactive_reason for p in inactive)
    assert {p.currency for p in products} == {"VND", "USD"}
    a4 = next(p for p in products if p.sku == "PAP-A4-80")
    assert a4.name == "Giấy A4 Double A 80gsm"
    for p in products:
        assert p.search_key == search_key(p.name, p.sku, p.category)
        assert p.unit_cost is not None and p.unit_cost > 0
    levels = demo.execute(select(StockLevel)).scalars().all()
    assert {(lv.product_id) for lv in levels} == {p.id for p in products}
    assert len({lv.warehouse_id for lv in levels}) == 2
    below = {lv.product_id for lv in levels if lv.quantity < lv.reorder_level}
    assert 5 <= len(below) <= 12
    assert all(0 <= lv.reserved <= lv.quantity for lv in levels)


def test_wholesale_price_list_has_quantity_breaks(demo):
    price_list = demo.execute(select(PriceList).where(PriceList.code == "WHOLESALE")).scalar_one()
    assert price_list.currency == "VND"
    items = demo.execute(select(PriceListItem).where(PriceListItem.price_list_id == price_list.id)).scalars().all()
    by_product = defaultdict(list)
    for item in items:
        by_product[item.product_id].append((item.min_quantity, item.unit_price))
    assert len(by_product) >= 18
    for breaks in by_product.values():
        breaks.sort()
        assert len(breaks) >= 2 and breaks[0][0] == 1
        assert all(a[1] > b[1] for a, b in zip(breaks, breaks[1:]))  # more quantity, lower price
    members = demo.execute(select(func.count()).where(Customer.price_list_id == price_list.id)).scalar_one()
    assert members >= 10


def test_usd_rates_cover_the_history(demo):
    rates = demo.execute(select(FxRate.rate_date, FxRate.rate).where(FxRate.currency == "USD")
                         .order_by(FxRate.rate_date)).all()
    assert rates[0].rate_date <= months_before(TODAY, 24) and rates[-1].rate_date >= TODAY - timedelta(days=3)
    assert all(Decimal(24000) <= r.rate <= Decimal(26500) for r in rates)
    assert max(b.rate_date - a.rate_date for a, b in zip(rates, rates[1:])) <= timedelta(days=7)


# --------------------------------------------------------------------------------------------- customers

def test_customers(demo):
    customers = demo.execute(select(Customer)).scalars().all()
    assert 190 <= len(customers) <= 210
    sales_ids = set(demo.execute(select(Employee.id).where(Employee.role == "sales")).scalars())
    for c in customers:
        assert c.code == c.code.upper() and c.code.strip()
        assert c.search_key == search_key(c.name, c.code, c.city)
        assert c.owner_id in sales_ids
        assert c.payment_terms_days in (0, 30, 45)
    assert {c.segment for c in customers} >= {"Enterprise", "SMB", "Retail", "Education", "Government", "Export"}
    usd = [c for c in customers if c.currency == "USD"]
    assert len(usd) >= 10 and {"Singapore", "Japan", "Australia", "United States", "Spain", "Germany"} <= {
        c.country for c in usd}
    assert sum(1 for c in customers if re.search(r"[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", c.name.lower())) >= 150
    limits = [c.credit_limit for c in customers]
    assert 3 <= sum(1 for x in limits if x is None) <= 30
    cash_only = [c for c in customers if c.credit_limit == 0]
    assert len(cash_only) >= 3 and all(c.payment_terms_days == 0 for c in cash_only)
    assert sum(1 for x in limits if x) >= 150


@pytest.mark.parametrize("code, name, country, currency", [
    ("HOANGLONG", "Hoàng Long Trading", "Vietnam", "VND"),
    ("HOANGLONGPKG", "Hoàng Long Packaging", "Vietnam", "VND"),
    ("MINHPHAT", "Minh Phát Stationery", "Vietnam", "VND"),
    ("SAIGONFOODS", "Saigon Foods JSC", "Vietnam", "VND"),
    ("BOLIDO", "Bólido Comidas preparadas", "Spain", "USD"),
])
def test_named_customers(demo, code, name, country, currency):
    customer = _customer(demo, code)
    assert (customer.name, customer.country, customer.currency) == (name, country, currency)


def test_contacts(demo):
    contacts = demo.execute(select(Contact)).scalars().all()
    per_customer = defaultdict(int)
    for contact in contacts:
        per_customer[contact.customer_id] += 1
        assert contact.search_key == search_key(contact.name)
        assert contact.email and "@" in contact.email and contact.phone
    assert len(per_customer) == demo.execute(select(func.count()).select_from(Customer)).scalar_one()
    assert set(per_customer.values()) <= {1, 2, 3, 4}
    minh_phat = _customer(demo, "MINHPHAT")
    lan = [c for c in contacts if c.customer_id == minh_phat.id and "Lan" in c.name.split()]
    assert [c.email for c in lan] == ["lan@minhphat.vn"]


# ------------------------------------------------------------------------------------------------- sales

def test_order_history_spans_24_months_with_seasonality(demo):
    first, last = demo.execute(select(func.min(SalesOrder.order_date), func.max(SalesOrder.order_date))).one()
    assert months_before(TODAY, 24) <= first <= months_before(TODAY, 24) + timedelta(days=7)
    assert TODAY - timedelta(days=3) <= last <= TODAY
    lines = demo.execute(select(func.count()).select_from(SalesOrderLine)).scalar_one()
    assert 8_000 <= lines <= 15_000
    per_month = defaultdict(int)
    for day in demo.execute(select(SalesOrder.order_date)).scalars():
        per_month[(day.year, day.month)] += 1
    assert per_month[(2026, 2)] < per_month[(2026, 1)] and per_month[(2026, 2)] < per_month[(2025, 12)]
    assert per_month[(2026, 8)] > per_month[(2026, 5)]
    last_year = sum(v for (y, m), v in per_month.items() if (y, m) >= (2025, 12) and (y, m) <= (2026, 10))
    year_before = sum(v for (y, m), v in per_month.items() if (y, m) >= (2024, 12) and (y, m) <= (2025, 10))
    assert last_year > year_before  # the business grows


def test_order_statuses_follow_age(demo):
    rows = demo.execute(select(SalesOrder.status, SalesOrder.order_date, SalesOrder.shipped_date)).all()
    statuses = defaultdict(int)
    for status, ordered, shipped in rows:
        statuses[status] += 1
        if (TODAY - ordered).days > 21:
            assert status in ("invoiced", "cancelled")
        assert (shipped is not None) == (status in ("shipped", "invoiced"))
        if shipped:
            assert ordered <= shipped <= TODAY
    assert 0.01 <= statuses["cancelled"] / len(rows) <= 0.06
    assert statuses["draft"] and statuses["confirmed"] and statuses["shipped"]


def test_order_amounts_come_from_their_lines(demo):
    lines = defaultdict(list)
    for line in demo.execute(select(SalesOrderLine)).scalars():
        lines[line.order_id].append(line)
    usd_checked = 0
    for order in demo.execute(select(SalesOrder)).scalars():
        mine = lines[order.id]
        assert mine and sorted(x.line_no for x in mine) == list(range(1, len(mine) + 1))
        assert order.net_amount == sum(x.line_amount for x in mine)
        assert order.net_amount_base == sum(x.line_amount_base for x in mine)
        for x in mine:
            assert x.line_amount == line_amount(x.quantity, x.unit_price, x.discount_pct, order.currency)
            assert x.line_amount_base == convert(x.line_amount, order.fx_rate, "VND")
            assert Decimal(0) <= x.discount_pct <= Decimal(10)
        if order.currency == "VND":
            assert order.fx_rate == 1 and order.net_amount_base == order.net_amount
        elif usd_checked < 40:
            usd_checked += 1
            assert order.fx_rate == fx_rate(demo, "USD", order.order_date, "VND")
    assert usd_checked == 40


def test_unit_cost_is_the_product_cost(demo):
    cost = dict(demo.execute(select(Product.id, Product.unit_cost)).all())
    mismatched = demo.execute(select(SalesOrderLine.product_id, SalesOrderLine.unit_cost)).all()
    assert all(cost[pid] == unit_cost for pid, unit_cost in mismatched)


def test_document_numbers_are_gapless_and_counters_continue(demo):
    for doc_type, model, prefix in (("order", SalesOrder, "SO"), ("invoice", Invoice, "INV"), ("ticket", Ticket, "TCK")):
        per_year = defaultdict(list)
        for number in demo.execute(select(model.number)).scalars():
            match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{6}})", number)
            assert match, number
            per_year[int(match[1])].append(int(match[2]))
        for year, seqs in per_year.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), (doc_type, year)
            counter = demo.execute(select(DocumentSequence.last_number).where(
                DocumentSequence.doc_type == doc_type, DocumentSequence.year == year)).scalar_one()
            assert counter == len(seqs)
    nxt = next_number(demo, "order", TODAY.year)
    assert demo.execute(select(func.count()).where(SalesOrder.number == nxt)).scalar_one() == 0


# ----------------------------------------------------------------------------------------- receivables

def test_invoices_match_their_orders(demo):
    customers = {c.id: c for c in demo.execute(select(Customer)).scalars()}
    orders = {o.id: o for o in demo.execute(select(SalesOrder)).scalars()}
    lines = defaultdict(list)
    for order_id, amount in demo.execute(select(SalesOrderLine.order_id, SalesOrderLine.line_amount)):
        lines[order_id].append(amount)
    invoices = demo.execute(select(Invoice)).scalars().all()
    assert {i.order_id for i in invoices} == {o.id for o in orders.values() if o.status == "invoiced"}
    for invoice in invoices:
        customer, order = customers[invoice.customer_id], orders[invoice.order_id]
        assert order.customer_id == customer.id and invoice.currency == customer.currency == order.currency
        tax = Decimal(10) if customer.currency == "VND" else Decimal(0)
        assert invoice.amount == document_total(lines[order.id], tax, invoice.currency)[2]
        assert invoice.issue_date == order.shipped_date
        assert invoice.due_date == invoice.issue_date + timedelta(days=customer.payment_terms_days)
        if invoice.currency == "VND":
            assert invoice.fx_rate == 1


def test_payments_never_exceed_invoices_and_status_follows_allocations(demo):
    allocated = _allocated(demo)
    invoices = demo.execute(select(Invoice)).scalars().all()
    for invoice in invoices:
        assert allocated[invoice.id] <= invoice.amount
        assert (invoice.status == "paid") == (allocated[invoice.id] >= invoice.amount)
    assert sum(1 for i in invoices if i.status == "paid") / len(invoices) > 0.85
    assert any(i.status == "open" and allocated[i.id] > 0 for i in invoices)  # partly paid
    invoice_by_id = {i.id: i for i in invoices}
    by_payment = defaultdict(list)
    for payment_id, invoice_id, amount in demo.execute(
            select(PaymentAllocation.payment_id, PaymentAllocation.invoice_id, PaymentAllocation.amount)):
        by_payment[payment_id].append((invoice_by_id[invoice_id], amount))
    for payment_id, customer_id, currency, amount, paid_on in demo.execute(
            select(Payment.id, Payment.customer_id, Payment.currency, Payment.amount, Payment.paid_on)):
        assert sum(a for _, a in by_payment[payment_id]) == amount
        assert all(i.customer_id == customer_id and i.currency == currency for i, _ in by_payment[payment_id])
        assert paid_on <= TODAY


def test_overdue_share_and_aging_are_plausible(demo):
    open_invoices = demo.execute(select(Invoice).where(Invoice.status == "open")).scalars().all()
    overdue = [i for i in open_invoices if i.due_date < TODAY]
    assert len(open_invoices) >= 50
    assert 0.05 <= len(overdue) / len(open_invoices) <= 0.40
    days_late = [(TODAY - i.due_date).days for i in overdue]
    assert any(d > 90 for d in days_late) and any(d <= 30 for d in days_late)


# ------------------------------------------------------------------------------------------------ CRM

def test_interactions_are_recent_for_most_and_stale_for_some(demo):
    last = dict(demo.execute(select(Interaction.customer_id, func.max(Interaction.occurred_at))
                             .group_by(Interaction.customer_id)).all())
    customers = demo.execute(select(Customer.id)).scalars().all()
    age = {cid: (TODAY - last[cid].date()).days for cid in customers}
    assert sum(1 for d in age.values() if d <= 30) / len(customers) >= 0.7
    assert 5 <= sum(1 for d in age.values() if d > 60) <= 60
    summaries = demo.execute(select(Interaction.summary)).scalars().all()
    assert any("Gọi" in s or "Gửi" in s for s in summaries) and any(s.startswith("Called") for s in summaries)
    assert {k for k in demo.execute(select(Interaction.kind).distinct()).scalars()} == {
        "call", "email", "meeting", "chat", "note"}


def test_opportunities_use_stage_probabilities(demo):
    opportunities = demo.execute(select(Opportunity)).scalars().all()
    assert {o.stage for o in opportunities} == set(STAGE_PROBABILITY)
    for o in opportunities:
        assert o.probability == STAGE_PROBABILITY[o.stage]
        assert (o.close_date < TODAY) if o.stage.startswith("closed") else (o.close_date > TODAY)


def test_tickets(demo):
    tickets = demo.execute(select(Ticket)).scalars().all()
    assert len(tickets) >= 100
    assert {t.status for t in tickets} == {"open", "pending", "closed"}
    assert {t.priority for t in tickets} == {"low", "medium", "high", "urgent"}
    assert sum(1 for t in tickets if t.status == "open" and t.priority in ("high", "urgent")) >= 2
    for t in tickets:
        assert t.description and len(t.description) > 30
        assert (t.closed_at is not None) == (t.status == "closed")
        if t.closed_at:
            assert t.closed_at > t.opened_at


# --------------------------------------------------------------------------------------- demo script

def test_hoang_long_has_a_story_for_the_brief(demo):
    customer = _customer(demo, "HOANGLONG")
    allocated = _allocated(demo)
    invoices = demo.execute(select(Invoice).where(
        Invoice.customer_id == customer.id, Invoice.status == "open")).scalars().all()
    outstanding = sum(i.amount - allocated[i.id] for i in invoices)
    assert any(i.due_date < TODAY for i in invoices)
    pending = demo.execute(select(func.coalesce(func.sum(SalesOrder.net_amount), 0)).where(
        SalesOrder.customer_id == customer.id, SalesOrder.status.in_(("confirmed", "shipped")))).scalar_one()
    assert customer.credit_limit and 0.6 <= (outstanding + pending) / customer.credit_limit <= 1.0
    assert demo.execute(select(func.count()).where(
        Ticket.customer_id == customer.id, Ticket.status == "open", Ticket.priority.in_(("high", "urgent")))).scalar_one()
    last_contact = demo.execute(
        select(func.max(Interaction.occurred_at)).where(Interaction.customer_id == customer.id)).scalar_one()
    assert (TODAY - last_contact.date()).days <= 7
    assert demo.execute(select(func.count()).where(
        Opportunity.customer_id == customer.id, Opportunity.stage.not_in(("closed_won", "closed_lost")))).scalar_one() == 1


def test_saigon_foods_has_headroom(demo):
    customer = _customer(demo, "SAIGONFOODS")
    allocated = _allocated(demo)
    outstanding = sum(i.amount - allocated[i.id] for i in demo.execute(
        select(Invoice).where(Invoice.customer_id == customer.id, Invoice.status == "open")).scalars())
    assert customer.credit_limit and outstanding < customer.credit_limit * Decimal("0.8")
