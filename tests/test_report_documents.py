"""Report documents (write_report): every figure checked against independent SQL over a generated company; the
narrative cites only the document's figures (templates, and a scripted LLM that tries to add one); PDF, HTML
and Markdown render (pages, extractable text, embedded charts); finance-only, through the registry and the API."""
from __future__ import annotations

import base64
import io
import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pypdf
import pytest
from sqlalchemy import select

from assistant.grounding import extract_figures, unsupported_figures
from assistant.report_writer import ReportNarrativeWriter
from backend.errors import PermissionDenied, ValidationFailed
from backend.models import SalesOrder, StockLevel
from backend.reports.builders import DocumentRequest, build_document
from backend.reports.narrative import compose_narrative, template_narrative, use_narrative_writer
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.raw_sql import Raw as SharedRaw
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer, make_opportunity
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_paid_invoices, make_payment
from tests.factories.chat import ScriptedChatModel

TODAY = date(2026, 11, 20)  # the `now` fixture, in Ho Chi Minh City
D = Decimal
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
SEPTEMBER = (date(2026, 9, 1), date(2026, 9, 30))
OCTOBER_2025 = (date(2025, 10, 1), date(2025, 10, 31))
ALL_DOCUMENTS = [("sales", "2026-10"), ("ar-aging", None), ("pipeline", None), ("restock", None),
                 ("commissions", "2026-10"), ("top-customers", None)]


# --- independent SQL -----------------------------------------------------------------------------------------

class Raw(SharedRaw):
    """Adds the FX look-up the report documents need."""

    def usd_rate(self, on: date) -> Decimal:
        return self.rate(self.rows("SELECT rate FROM fx_rates WHERE currency = 'USD' AND rate_date <= :d "
                                   "ORDER BY rate_date DESC LIMIT 1", d=on)[0][0])


def vnd(amount: Decimal) -> Decimal:
    return amount.quantize(D(1), rounding=ROUND_HALF_UP)


def pct(part, whole) -> Decimal | None:
    return None if not whole else (D(part) * 100 / D(whole)).quantize(D("0.1"), rounding=ROUND_HALF_UP)


def paid_sales_by(raw: Raw, span: tuple[date, date]) -> dict:
    """salesperson code (None without one) -> [net amount, orders] of the orders whose invoice was paid in full in
    the span, dated by the last payment: commissionable sales."""
    found = {}
    for k, net, orders in raw.rows(
            """SELECT e.code, SUM(o.net_amount_base), COUNT(*) FROM invoices i
               JOIN sales_orders o ON o.id = i.order_id LEFT JOIN employees e ON e.id = o.salesperson_id
               WHERE i.status = 'paid' AND (SELECT MAX(p.paid_on) FROM payment_allocations a
                                            JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = i.id)
                     BETWEEN :s AND :e GROUP BY e.code""", s=span[0], e=span[1]):
        found[k] = [raw.money(net), orders]
    return found


@pytest.fixture
def paid_orders(session, data):
    """Every invoiced order invoiced and paid in full on its order date, except REPA's order of 3 October, paid on
    2 November (after the month the tests look at)."""
    orders = session.execute(select(SalesOrder).where(SalesOrder.status == "invoiced")).scalars().all()
    return make_paid_invoices(session, orders=orders, paid_on=lambda o: date(2026, 11, 2)
                              if o.order_date == date(2026, 10, 3) else o.order_date)


def revenue_by(raw: Raw, span: tuple[date, date], key: str, *, invoiced_only: bool = False) -> dict:
    """key -> [revenue, orders] over orders in the span; key is a column of orders joined to customers/employees."""
    status = "o.status = 'invoiced'" if invoiced_only else "o.status <> 'cancelled'"
    found = {}
    for k, revenue, orders in raw.rows(
            f"""SELECT {key}, SUM(o.net_amount_base), COUNT(*) FROM sales_orders o
                JOIN customers c ON c.id = o.customer_id LEFT JOIN employees e ON e.id = o.salesperson_id
                WHERE {status} AND o.order_date >= :s AND o.order_date <= :e GROUP BY {key}""", s=span[0], e=span[1]):
        found[k] = [raw.money(revenue), orders]
    return found


# --- the company -------------------------------------------------------------------------------------------

@pytest.fixture
def data(session):
    make_company(session, name="Sông Hồng Test Co")
    ns = SimpleNamespace()
    ns.rep_a = make_employee(session, role="sales", code="REPA", name="Nguyễn Thị Lan", region="South")
    ns.rep_b = make_employee(session, role="sales", code="REPB", name="Trần Văn Bình", region="North")
    ns.rep_c = make_employee(session, role="sales", code="REPC", name="David Miller", region="Export")
    ns.finance = make_employee(session, role="finance", code="FIN1", name="Phạm Minh Tú", region=None)
    ns.manager = make_employee(session, role="manager", code="MGR1", name="Đỗ Quốc Hùng", region=None)
    ns.support = make_employee(session, role="support", code="SUP1", name="Vũ Thu Hà", region=None)
    for day, rate in ((date(2025, 1, 1), D("25000")), (date(2026, 9, 1), D("25400")), (date(2026, 10, 15), D("25500"))):
        make_fx_rate(session, currency="USD", rate=rate, rate_date=day)

    ns.c1 = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", owner=ns.rep_a)
    ns.c2 = make_customer(session, name="Pacific Imports", code="PACIFIC", owner=ns.rep_c, currency="USD",
                          country="United States")
    ns.c3 = make_customer(session, name="Lion City Office", code="LIONCITY", owner=ns.rep_b, country="Singapore")
    ns.c4 = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", owner=ns.rep_a)
    ns.c5 = make_customer(session, name="Quiet Buyer", code="QUIET", owner=ns.rep_b)
    ns.c6 = make_customer(session, name="New Co", code="NEWCO", owner=ns.rep_a)

    ns.p1 = make_product(session, sku="PAPER-A4", name="A4 paper", unit_price=D("100000"), stock=100, reorder_level=10)
    ns.p2 = make_product(session, sku="TONER-X", name="Toner X", unit_price=D("250000"), unit_cost=D("180000"),
                         stock=3, reorder_level=20)
    ns.p3 = make_product(session, sku="STAPLER", name="Stapler", unit_price=D("50000"), unit_cost=D("30000"),
                         stock=0, reorder_level=5)
    ns.p4 = make_product(session, sku="CLIPS-US", name="Clips (imported)", unit_price=D("3.00"), unit_cost=D("2.50"),
                         currency="USD", stock=1, reorder_level=4, warehouse="HN")
    ns.p5 = make_product(session, sku="OLD-PEN", name="Old pen", active=False, stock=2, reorder_level=10)
    hanoi = make_warehouse(session, code="HN", name="Hanoi DC")
    session.add(StockLevel(product_id=ns.p2.id, warehouse_id=hanoi.id, quantity=1, reorder_level=4, reserved=1))
    session.flush()

    p1, p2, p3 = ns.p1, ns.p2, ns.p3
    orders = [  # customer, date, status, salesperson, lines
        (ns.c1, date(2026, 10, 3), "invoiced", ns.rep_a, [(p1, 10, None, D(0)), (p2, 2, None, D(5))]),
        (ns.c2, date(2026, 10, 16), "invoiced", ns.rep_c, [(p1, 5, D("40.00"), D(0)), (p2, 1, D("99.99"), D(10))]),
        (ns.c3, date(2026, 10, 20), "shipped", ns.rep_b, [(p3, 7, None, D(0))]),
        (ns.c6, date(2026, 10, 31), "invoiced", None, [(p1, 3, None, D(0))]),
        (ns.c3, date(2026, 10, 21), "cancelled", ns.rep_b, [(p1, 100, None, D(0))]),
        (ns.c1, date(2026, 10, 25), "draft", ns.rep_a, [(p3, 1, None, D(0))]),
        (ns.c1, date(2026, 9, 5), "invoiced", ns.rep_a, [(p1, 4, None, D(0))]),
        (ns.c5, date(2026, 9, 18), "invoiced", ns.rep_b, [(p2, 6, None, D(0))]),
        (ns.c3, date(2026, 9, 30), "invoiced", ns.rep_b, [(p3, 20, None, D(0))]),
        (ns.c1, date(2025, 10, 10), "invoiced", ns.rep_a, [(p2, 3, None, D(0))]),
        (ns.c4, date(2025, 10, 12), "invoiced", ns.rep_a, [(p1, 8, None, D(0))]),
        (ns.c4, date(2025, 6, 1), "invoiced", ns.rep_a, [(p1, 50, None, D(0))]),
        (ns.c2, date(2026, 11, 10), "confirmed", ns.rep_c, [(p2, 2, D("95.50"), D(0))]),
    ]
    for customer, day, status, rep, lines in orders:
        make_order(session, customer=customer, order_date=day, status=status, salesperson=rep, lines=lines)

    def invoice(customer, amount, due, *, issued=None, fx=None, status="open"):
        issued = issued or due - timedelta(days=30)
        row = make_invoice(session, customer=customer, amount=amount, issue_date=issued, due_days=(due - issued).days,
                           status=status)
        if fx is not None:
            row.fx_rate = fx
            session.flush()
        return row

    current = invoice(ns.c1, D("5000000"), date(2026, 12, 10), issued=date(2026, 11, 10))
    make_payment(session, invoice=current, amount=D("1000000"), paid_on=date(2026, 11, 15))
    invoice(ns.c1, D("3000000"), date(2026, 11, 5))
    usd = invoice(ns.c2, D("1234.58"), date(2026, 10, 1), fx=D("25400.5"))
    make_payment(session, invoice=usd, amount=D("234.57"), paid_on=date(2026, 10, 10))
    invoice(ns.c3, D("7000000"), date(2026, 8, 22))
    ns.oldest = invoice(ns.c3, D("9100000"), date(2026, 7, 1))
    make_payment(session, invoice=ns.oldest, amount=D("100000"), paid_on=date(2026, 9, 1))
    invoice(ns.c5, D("400000"), TODAY)
    invoice(ns.c5, D("610000"), date(2026, 9, 20))
    paid = invoice(ns.c4, D("2000000"), date(2026, 10, 15), issued=date(2026, 9, 15))
    make_payment(session, invoice=paid, amount=D("2000000"), paid_on=date(2026, 11, 5))
    invoice(ns.c3, D("800000"), date(2026, 9, 1), status="void")

    for stage, customer, owner, amount, probability, close in (
            ("lead", ns.c1, ns.rep_a, D("10000000"), 10, date(2026, 12, 15)),
            ("qualification", ns.c2, ns.rep_c, D("20000.50"), 30, date(2027, 1, 10)),
            ("proposal", ns.c3, ns.rep_b, D("50000000"), 50, date(2026, 11, 1)),  # close date passed
            ("negotiation", ns.c3, ns.rep_b, D("80000000"), 80, date(2027, 6, 1)),
            ("negotiation", ns.c1, ns.rep_a, D("33333333"), 75, date(2026, 12, 31)),
            ("lead", ns.c4, None, D("4000000"), 15, date(2026, 10, 1)),  # close date passed
            ("closed_won", ns.c1, ns.rep_a, D("99000000"), 100, date(2026, 10, 1)),
            ("closed_lost", ns.c3, ns.rep_b, D("77000000"), 0, date(2026, 10, 1))):
        make_opportunity(session, customer=customer, stage=stage, amount=amount, probability=probability,
                         close_date=close, owner=owner)
    session.flush()
    return ns


@pytest.fixture
def ctx_for(session, now, settings):
    def make(employee):
        return ToolContext(session=session, actor=employee, channel="test", now=now, settings=settings)
    return make


@pytest.fixture
def fin(data, ctx_for):
    return ctx_for(data.finance)


@pytest.fixture
def no_llm():
    use_narrative_writer(None)
    yield
    use_narrative_writer(None)


def document(session, name: str, period: str | None = None, language: str = "en"):
    request = DocumentRequest(name=name, period=period, language=language, today=TODAY,
                              now=datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc), company="Test Co",
                              base_currency="VND")
    return build_document(session, request)


def figures(result) -> dict:
    return {f.key: f.value for f in result.key_figures}


def write(ctx, name: str, **args):
    return invoke("write_report", ctx, {"report": name, "format": "md", **args})


# --- every figure equals independent SQL -------------------------------------------------------------------

def test_sales_figures_match_sql(fin, data, session, no_llm):
    raw = Raw(session)
    now_, before, year_ago = (revenue_by(raw, span, "c.code") for span in (OCTOBER, SEPTEMBER, OCTOBER_2025))
    revenue = sum((v[0] for v in now_.values()), D(0))
    orders = sum(v[1] for v in now_.values())
    units = raw.rows("""SELECT SUM(l.quantity) FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id
                        WHERE o.status <> 'cancelled' AND o.order_date >= :s AND o.order_date <= :e""",
                     s=OCTOBER[0], e=OCTOBER[1])[0][0]
    prior = sum((v[0] for v in before.values()), D(0))
    ly = sum((v[0] for v in year_ago.values()), D(0))
    ranked = sorted(now_.items(), key=lambda kv: -kv[1][0])

    result = write(fin, "sales", period="2026-10")
    got = figures(result)
    assert got["revenue"] == vnd(revenue) and got["orders"] == orders == 5 and got["units"] == int(units)
    assert got["average_order"] == vnd(revenue / orders)
    assert got["revenue_previous"] == vnd(prior) and got["revenue_last_year"] == vnd(ly)
    assert got["change_vs_previous_pct"] == pct(revenue - prior, prior)
    assert got["change_vs_last_year_pct"] == pct(revenue - ly, ly)
    assert got["customers"] == len(now_) == 4
    assert got["top_customer_share_pct"] == pct(ranked[0][1][0], revenue)
    assert got["top5_share_pct"] == pct(sum(v[0] for _, v in ranked[:5]), revenue) == D("100.0")
    assert got["new_customers"] == len(set(now_) - set(before)) == 2  # PACIFIC and NEWCO
    assert got["lapsed_customers"] == len(set(before) - set(now_)) == 1  # QUIET
    assert result.period.start == OCTOBER[0] and result.filename == "sales-2026-10.md"

    doc = document(session, "sales", "2026-10")
    customers = {r["code"]: r for r in doc.table("customers").rows}
    assert {code: row["revenue"] for code, row in customers.items()} == {k: vnd(v[0]) for k, v in now_.items()}
    assert {code: row["previous"] for code, row in customers.items()} == {k: vnd(before.get(k, [D(0)])[0]) for k in now_}
    assert {code: row["last_year"] for code, row in customers.items()} == {k: vnd(year_ago.get(k, [D(0)])[0]) for k in now_}
    for span, column in ((OCTOBER, "revenue"), (SEPTEMBER, "previous"), (OCTOBER_2025, "last_year")):
        by_region = revenue_by(raw, span, "e.region")
        assert {r["name"]: r[column] for r in doc.table("regions").rows if r[column]} == {
            (k or "(no region)"): vnd(v[0]) for k, v in by_region.items()}
        by_rep = revenue_by(raw, span, "e.code")
        assert {r["code"] or r["name"]: r[column] for r in doc.table("salespeople").rows if r[column]} == {
            (k or "(no salesperson)"): vnd(v[0]) for k, v in by_rep.items()}
    products = raw.rows("""SELECT p.sku, SUM(l.line_amount_base), SUM(l.quantity) FROM sales_order_lines l
                           JOIN sales_orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
                           WHERE o.status <> 'cancelled' AND o.order_date >= :s AND o.order_date <= :e GROUP BY p.sku""",
                        s=OCTOBER[0], e=OCTOBER[1])
    assert {r["code"]: (r["revenue"], r["units"]) for r in doc.table("products").rows} == {
        sku: (vnd(raw.money(amount)), int(qty)) for sku, amount, qty in products}
    movers = {r["code"]: r["change"] for r in doc.table("movers").rows}
    everyone = set(now_) | set(before)
    expected_change = {k: vnd(now_.get(k, [D(0)])[0]) - vnd(before.get(k, [D(0)])[0]) for k in everyone}
    assert movers == {k: v for k, v in expected_change.items() if v}
    assert doc.table("regions").total_row["revenue"] == vnd(revenue)


def test_sales_figures_by_hand(fin, data):
    got = figures(write(fin, "sales", period="2026-10"))
    # 10 x 100,000 + 2 x 250,000 less 5 % = 1,475,000; USD 200 + 89.991 -> 89.99 = 289.99 USD at 25,500 = 7,394,745;
    # 7 staplers 350,000; NEWCO 300,000; the draft 50,000; the cancelled order is left out.
    assert got["revenue"] == D("1475000") + D("7394745") + D("350000") + D("300000") + D("50000")
    assert got["revenue_previous"] == D("400000") + D("1500000") + D("1000000")


def test_ar_aging_figures_match_sql(fin, data, session, no_llm):
    raw = Raw(session)
    paid = defaultdict(lambda: D(0))
    for invoice_id, amount in raw.rows("""SELECT a.invoice_id, a.amount FROM payment_allocations a
                                          JOIN payments p ON p.id = a.payment_id WHERE p.paid_on <= :d""", d=TODAY):
        paid[invoice_id] += raw.money(amount)
    open_ = []
    for invoice_id, number, code, name, due, rate, amount in raw.rows(
            """SELECT i.id, i.number, c.code, c.name, i.due_date, i.fx_rate, i.amount FROM invoices i
               JOIN customers c ON c.id = i.customer_id WHERE i.status <> 'void' AND i.issue_date <= :d""", d=TODAY):
        balance = raw.money(amount) - paid[invoice_id]
        if balance > 0:
            open_.append((number, code, name, (TODAY - raw.day(due)).days, vnd(balance * raw.rate(rate))))
    total = sum(o[4] for o in open_)
    overdue = [o for o in open_ if o[3] > 0]
    over_90 = sum(o[4] for o in open_ if o[3] > 90)

    result = write(fin, "ar-aging")
    got = figures(result)
    assert got["total_open"] == total and got["open_invoices"] == len(open_) == 7
    assert got["customers"] == len({o[1] for o in open_})
    assert got["overdue_amount"] == sum(o[4] for o in overdue)
    assert got["overdue_share_pct"] == pct(sum(o[4] for o in overdue), total)
    assert got["over_90"] == over_90 == D("9000000") and got["over_90_share_pct"] == pct(over_90, total)
    assert got["overdue_invoices"] == len(overdue) and got["customers_overdue"] == len({o[1] for o in overdue})
    assert got["oldest_days_overdue"] == max(o[3] for o in overdue) == 142
    per_customer = defaultdict(lambda: D(0))
    for o in open_:
        per_customer[o[2]] += o[4]
    largest = max(per_customer, key=per_customer.get)
    assert got["largest_debtor"] == largest and got["largest_debtor_share_pct"] == pct(per_customer[largest], total)

    doc = document(session, "ar-aging")
    collections = doc.table("collections").rows
    expected = defaultdict(lambda: [D(0), 0, 0])
    for number, code, name, days, base in overdue:
        expected[code][0] += base
        expected[code][1] += 1
        expected[code][2] = max(expected[code][2], days)
    assert {r["code"]: [r["overdue"], r["invoices"], r["oldest_days"]] for r in collections} == {
        k: v for k, v in expected.items()}
    assert [r["overdue"] for r in collections] == sorted((v[0] for v in expected.values()), reverse=True)
    assert doc.table("buckets").total_row["amount"] == total
    assert doc.table("oldest").rows[0]["number"] == data.oldest.number


def test_pipeline_figures_match_sql(fin, data, session, no_llm):
    raw = Raw(session)
    usd = raw.usd_rate(TODAY)
    rows = raw.rows("SELECT stage, amount, probability, currency, close_date FROM opportunities "
                    "WHERE stage NOT LIKE 'closed%'")
    stages = defaultdict(lambda: [0, D(0), D(0)])
    stale, soon = [0, D(0)], D(0)
    for stage, amount, probability, currency, close in rows:
        value = raw.money(amount) * (usd if currency == "USD" else 1)
        stages[stage][0] += 1
        stages[stage][1] += value
        stages[stage][2] += value * probability / 100
        close = raw.day(close)
        if close < TODAY:
            stale[0] += 1
            stale[1] += value
        elif close <= TODAY + timedelta(days=89):
            soon += value * probability / 100
    got = figures(write(fin, "pipeline"))
    assert got["open_opportunities"] == len(rows) == 6
    assert got["pipeline_amount"] == sum(vnd(v[1]) for v in stages.values())
    assert got["weighted_forecast"] == sum(vnd(v[2]) for v in stages.values())
    assert got["weighted_share_pct"] == pct(got["weighted_forecast"], got["pipeline_amount"])
    assert got["stale_opportunities"] == stale[0] == 2 and got["stale_amount"] == vnd(stale[1])
    assert got["weighted_next_90_days"] == vnd(soon)
    # 20,000.50 USD at 25,500 = 510,012,750 VND outweighs the 80,000,000 VND negotiation.
    assert got["largest_deal_amount"] == vnd(D("20000.50") * usd) and got["largest_deal"] == "Pacific Imports"
    doc = document(session, "pipeline")
    assert sum(r["opportunities"] for r in doc.table("months").rows) == len(rows)
    assert {r["customer"] for r in doc.table("stale").rows} == {"Lion City Office", "Minh Phát Stationery"}


def test_restock_figures_match_sql(fin, data, session, no_llm):
    raw = Raw(session)
    usd = raw.usd_rate(TODAY)
    rows = raw.rows("""SELECT p.sku, w.code, s.quantity, s.reorder_level, p.unit_cost, p.currency FROM stock_levels s
                       JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
                       WHERE s.quantity < s.reorder_level AND p.active = :yes""", yes=True)
    value = sum(vnd((level - qty) * raw.money(cost) * (usd if currency == "USD" else 1))
                for _, _, qty, level, cost, currency in rows)
    got = figures(write(fin, "restock"))
    assert got["rows_below"] == len(rows) == 4
    assert got["shortfall_units"] == sum(level - qty for _, _, qty, level, _, _ in rows) == 17 + 3 + 5 + 3
    assert got["products"] == 3 and got["warehouses"] == 2 and got["out_of_stock"] == 1
    assert got["reorder_value"] == value == D(17 * 180000 + 3 * 180000 + 5 * 30000) + vnd(3 * D("2.50") * D("25500"))
    doc = document(session, "restock")
    assert [r["shortfall"] for r in doc.table("restock").rows] == [17, 5, 3, 3]


def test_commissions_figures_match_sql(fin, data, paid_orders, session, no_llm):
    raw = Raw(session)
    now_ = paid_sales_by(raw, OCTOBER)
    before = paid_sales_by(raw, SEPTEMBER)
    # Commission follows payment, not the order: October's invoiced orders paid after the period earn nothing yet.
    assert sum(v[1] for v in now_.values()) < sum(v[1] for v in revenue_by(raw, OCTOBER, "e.code", invoiced_only=True).values())
    rate = D(3)
    commission = {k: vnd(v[0] * rate / 100) for k, v in now_.items() if k}
    previous = {k: vnd(v[0] * rate / 100) for k, v in before.items() if k}
    got = figures(write(fin, "commissions", period="2026-10"))
    assert got["commission_total"] == sum(commission.values())
    assert got["paid_sales"] == sum(vnd(v[0]) for k, v in now_.items() if k)
    assert got["commission_previous"] == sum(previous.values())
    assert got["change_vs_previous_pct"] == pct(sum(commission.values()) - sum(previous.values()), sum(previous.values()))
    assert got["unassigned_revenue"] == vnd(now_[None][0]) == D("300000") and got["unassigned_orders"] == 1
    top = max(commission, key=commission.get)
    assert got["top_earner"] == "David Miller" and top == "REPC"
    assert got["top_earner_share_pct"] == pct(commission[top], sum(commission.values()))
    doc = document(session, "commissions", "2026-10")
    assert {r["code"]: (r["commission"], r["previous"]) for r in doc.table("commissions").rows} == {
        k: (commission.get(k, D(0)), previous.get(k, D(0))) for k in set(commission) | set(previous)}


def test_top_customers_figures_match_sql(fin, data, session, no_llm):
    raw = Raw(session)
    lifetime = {code: (raw.money(revenue), raw.day(last)) for code, revenue, last in raw.rows(
        """SELECT c.code, SUM(o.net_amount_base), MAX(o.order_date) FROM sales_orders o JOIN customers c
           ON c.id = o.customer_id WHERE o.status <> 'cancelled' AND o.order_date <= :d GROUP BY c.code""", d=TODAY)}
    total = sum(vnd(v[0]) for v in lifetime.values())
    last_12 = revenue_by(raw, (TODAY - timedelta(days=364), TODAY), "c.code")
    ranked = sorted(lifetime.items(), key=lambda kv: -kv[1][0])
    got = figures(write(fin, "top-customers"))
    assert got["customers"] == len(lifetime) == 6 and got["lifetime_revenue"] == total
    assert got["top_customer"] == "Pacific Imports" and got["top_customer_share_pct"] == pct(vnd(ranked[0][1][0]), total)
    assert got["top10_share_pct"] == D("100.0")
    assert got["revenue_12m"] == vnd(sum((v[0] for v in last_12.values()), D(0)))
    assert got["at_risk"] == sum(1 for _, (_, last) in lifetime.items() if (TODAY - last).days > 90) == 1
    doc = document(session, "top-customers")
    rows = {r["code"]: r for r in doc.table("customers").rows}
    assert {k: r["revenue"] for k, r in rows.items()} == {k: vnd(v[0]) for k, v in lifetime.items()}
    assert {k: r["revenue_12m"] for k, r in rows.items()} == {k: vnd(last_12.get(k, [D(0)])[0]) for k in lifetime}
    assert rows["MINHPHAT"]["days_since"] == (TODAY - date(2025, 10, 12)).days


# --- the narrative ---------------------------------------------------------------------------------------

def printed_text(doc) -> str:
    """Everything the document prints, as printed: key figures, labels, cells, the period."""
    parts = [doc.title, doc.period_label, doc.period.start.isoformat(), doc.period.end.isoformat(), doc.as_of.isoformat()]
    parts += [f"{f.label} {f.display}" for f in doc.key_figures]
    for table in doc.tables:
        parts += [table.title, *(c.label for c in table.columns)]
        for row in [*table.rows, *([table.total_row] if table.total_row else [])]:
            parts += [doc.cell_text(c, row.get(c.key)) for c in table.columns]
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("name, period", ALL_DOCUMENTS)
def test_template_narrative_states_only_the_documents_figures(session, data, paid_orders, name, period, language, no_llm):
    doc = document(session, name, period, language)
    paragraphs = template_narrative(doc)
    narrative = "\n\n".join(paragraphs)
    assert len(paragraphs) >= 2 and len(narrative) > 150
    assert unsupported_figures(narrative, [doc.sources()]) == []
    printed = printed_text(doc)
    for figure in extract_figures(narrative):  # stricter: written exactly as the document prints it
        written = re.sub(r"(VND|%)$", "", figure.text).strip()
        assert written in printed, f"{figure.text!r} is not printed in the {name} document"
    if language == "vi":
        assert re.search(r"[ăâđêôơư]", narrative)


def test_template_narrative_reads_like_an_analyst(session, data, paid_orders, no_llm):
    sales = "\n".join(template_narrative(document(session, "sales", "2026-10")))
    assert "Pacific Imports" in sales and "largest gain" in sales  # the biggest mover, by name
    assert "Quiet Buyer" in sales  # stopped buying: what to chase
    assert "top 5 together account for 100.0%" in sales and "concentrated" in sales
    aging = "\n".join(template_narrative(document(session, "ar-aging")))
    assert "Chase first: Pacific Imports (25,400,754 VND overdue" in aging and "Lion City Office" in aging
    assert data.oldest.number in aging and "142 days" in aging
    assert "A large part of the book is overdue" in aging  # 91.1 % of it is past due
    pipeline = "\n".join(template_narrative(document(session, "pipeline")))
    assert "past their expected close date" in pipeline
    restock = "\n".join(template_narrative(document(session, "restock")))
    assert "TONER-X" in restock and "nothing on hand" in restock
    commissions = "\n".join(template_narrative(document(session, "commissions", "2026-10")))
    assert "no salesperson" in commissions and "300,000 VND" in commissions
    top = "\n".join(template_narrative(document(session, "top-customers")))
    assert "Minh Phát Stationery (last order 2025-10-12" in top


def test_template_narrative_in_vietnamese(session, data, no_llm):
    text_ = "\n".join(template_narrative(document(session, "sales", "2026-10", "vi")))
    assert text_.startswith("Doanh thu tháng 10/2026 đạt") and "so với tháng 9/2026" in text_


def _with_model(model):
    use_narrative_writer(lambda settings: ReportNarrativeWriter(model))


def test_llm_narrative_is_used_when_every_number_is_a_figure(fin, data, no_llm):
    doc_figures = figures(write(fin, "sales", period="2026-10"))
    revenue = f"{doc_figures['revenue']:,} VND"
    model = ScriptedChatModel(script=[f"October closed at {revenue}, carried by Pacific Imports.\n\n"
                                  "**Watch** Quiet Buyer, which stopped ordering."], seen=[])
    _with_model(model)
    result = write(fin, "sales", period="2026-10")
    assert result.narrative_source == "llm" and result.notices == []
    assert result.narrative == (f"October closed at {revenue}, carried by Pacific Imports.\n\n"
                                "Watch Quiet Buyer, which stopped ordering.")
    sent = model.seen[0][1].content
    assert revenue in sent and "draft_written_by_templates" in sent  # the model reads the figures as printed


@pytest.mark.parametrize("language", ["en", "vi"])
def test_llm_narrative_with_an_invented_figure_is_rejected(fin, data, no_llm, language):
    model = ScriptedChatModel(script=["Revenue grew a healthy 17.3% and should reach 5,000,000,000 VND next month."], seen=[])
    _with_model(model)
    result = write(fin, "sales", period="2026-10", language=language)
    assert result.narrative_source == "template"
    assert "17.3%" in result.notices[0] and "5,000,000,000" in result.notices[0]
    assert "5,000,000,000" not in result.narrative and "17.3" not in result.narrative
    assert result.narrative.startswith("Revenue for October 2026" if language == "en" else "Doanh thu tháng 10/2026")


def test_llm_failure_falls_back_to_templates_and_says_so(fin, data, no_llm):
    _with_model(ScriptedChatModel(script=[ConnectionError("down")], seen=[]))
    result = write(fin, "ar-aging", format="html")
    assert result.narrative_source == "template" and "could not be reached" in result.notices[0]


def test_rejection_notice_is_printed_in_the_document(session, data, settings, no_llm):
    _with_model(ScriptedChatModel(script=["Overdue doubled to 99,999,999 VND."], seen=[]))
    doc = document(session, "ar-aging")
    narrative = compose_narrative(doc, settings)
    assert narrative.source == "template" and "99,999,999" in narrative.notice


# --- formats ---------------------------------------------------------------------------------------------

def _pdf_pages(result):
    return pypdf.PdfReader(io.BytesIO(base64.b64decode(result.content_base64))).pages


@pytest.mark.parametrize("name, period", ALL_DOCUMENTS)
def test_pdf_renders_with_text_and_charts(fin, data, name, period, no_llm):
    result = invoke("write_report", fin, {"report": name, "period": period, "format": "pdf", "return_content": True})
    assert result.content_type == "application/pdf" and result.filename.endswith(".pdf") and result.path is None
    pages = _pdf_pages(result)
    assert len(pages) > 0
    text_ = "\n".join(page.extract_text() for page in pages)
    assert result.title.split(" — ")[0] in text_
    assert result.key_figures[0].display in text_ or result.key_figures[0].display.replace(",", "") in text_
    images = {image.name for page in pages for image in page.images}
    assert images, "the charts must be embedded as images"


def test_vietnamese_pdf_keeps_its_diacritics(fin, data, no_llm):
    result = invoke("write_report", fin, {"report": "ar-aging", "format": "pdf", "language": "vi", "return_content": True})
    text_ = "\n".join(page.extract_text() for page in _pdf_pages(result))
    assert "Tuổi nợ phải thu" in text_ and "Số liệu chính" in text_
    assert result.filename == "ar-aging-2026-11-20-vi.pdf"


def test_html_is_self_contained(fin, data, no_llm):
    result = invoke("write_report", fin, {"report": "sales", "period": "2026-10", "format": "html", "return_content": True})
    page = base64.b64decode(result.content_base64).decode("utf-8")
    assert result.content_type.startswith("text/html") and page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') == 2
    assert not re.search(r"""(src|href)=["']?(https?:|//|/)""", page) and "<link" not in page and "@import" not in page
    assert f"{figures(result)['revenue']:,}" in page  # VND: thousands separated, no decimals


def test_markdown_has_tables_charts_and_narrative(fin, data, paid_orders, no_llm):
    result = invoke("write_report", fin, {"report": "commissions", "period": "2026-10", "format": "md",
                                          "return_content": True})
    md = base64.b64decode(result.content_base64).decode("utf-8")
    assert md.startswith("# Commissions by salesperson") and "## Key figures" in md and "## Analysis" in md
    assert "![Commission by salesperson](data:image/png;base64," in md
    assert "| Salesperson | Code |" in md and "| **Total** |" in md
    assert result.narrative.split("\n\n")[0] in md


def test_charts_are_deterministic(session, data):
    first, second = document(session, "sales", "2026-10"), document(session, "sales", "2026-10")
    assert [c.png for c in first.charts] == [c.png for c in second.charts]
    assert all(c.png.startswith(b"\x89PNG") for c in first.charts)


def test_conversation_call_stores_the_file_and_returns_its_path(fin, data, settings, no_llm):
    result = write(fin, "restock")
    assert result.content_base64 is None and result.path is not None
    assert result.path.endswith("reports/FIN1/restock-2026-11-20.md")
    assert (settings.data_dir / "reports" / "FIN1" / "restock-2026-11-20.md").read_text().startswith("# Stock below")


# --- inputs and permissions -----------------------------------------------------------------------------

def test_report_names_accept_underscores(fin, data, no_llm):
    assert write(fin, "ar_aging").report == "ar-aging"
    assert write(fin, "TOP_CUSTOMERS").report == "top-customers"


@pytest.mark.parametrize("args, message", [
    ({"report": "restock", "period": "2026-10"}, "takes no period"),
    ({"report": "sales", "period": "fortnight"}, "not a period"),
    ({"report": "sales", "format": "docx"}, "format"),
    ({"report": "board-pack"}, "report"),
    ({"report": "sales", "language": "fr"}, "language"),
])
def test_bad_input_is_refused_clearly(fin, data, args, message):
    with pytest.raises(ValidationFailed, match=message):
        invoke("write_report", fin, args)


def test_sales_default_period_is_last_month(fin, data, no_llm):
    assert write(fin, "sales").period.start == OCTOBER[0]


def test_ar_aging_as_of_a_past_month_end(fin, data, no_llm):
    result = write(fin, "ar-aging", period="2026-10")
    assert result.as_of == date(2026, 10, 31) and result.filename == "ar-aging-2026-10-31.md"


@pytest.mark.parametrize("role", ["support", "sales"])
def test_finance_reports_are_refused_to_other_roles(ctx_for, data, role):
    person = data.support if role == "support" else data.rep_a
    with pytest.raises(PermissionDenied, match="needs the admin, finance or manager role"):
        invoke("write_report", ctx_for(person), {"report": "ar-aging"})


def test_manager_may_write_reports(ctx_for, data, no_llm):
    assert write(ctx_for(data.manager), "pipeline").key_figures


def test_document_endpoint_returns_the_file(api, session, data, now, no_llm):
    token = make_token(session, employee=data.finance, now=now)
    response = api.get("/api/reports/sales/document", params={"period": "2026-10", "format": "pdf"},
                       headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="sales-2026-10.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF") and len(pypdf.PdfReader(io.BytesIO(response.content)).pages) > 0
    html_ = api.get("/api/reports/ar-aging/document", params={"format": "html", "language": "vi"}, headers=bearer(token))
    assert html_.status_code == 200 and html_.headers["content-type"].startswith("text/html")
    assert "Tuổi nợ" in html_.text


def test_document_endpoint_refuses_support_with_403(api, session, data, now):
    token = make_token(session, employee=data.support, now=now)
    response = api.get("/api/reports/ar-aging/document", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_document_endpoint_errors_are_json(api, session, data, now):
    token = make_token(session, employee=data.finance, now=now)
    bad = api.get("/api/reports/restock/document", params={"period": "2026-10"}, headers=bearer(token))
    assert bad.status_code == 422 and "takes no period" in bad.json()["message"]
    unknown = api.get("/api/reports/board-pack/document", headers=bearer(token))
    assert unknown.status_code == 422 and unknown.json()["details"]["fields"][0]["field"] == "report"
    assert api.get("/api/reports/sales/document").status_code == 401
