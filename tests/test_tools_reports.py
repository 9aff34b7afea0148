"""run_report: every figure of every report checked against independent plain SQL over a small generated
company; period parsing; role scoping (a sales rep sees only their own figures; support is refused)."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from backend.errors import Ambiguous, NotFound, PermissionDenied, ValidationFailed
from backend.models import SalesOrder, StockLevel
from backend.semantic.periods import Period, parse_period, previous, same_last_year
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.raw_sql import Raw
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer, make_opportunity
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_paid_invoices, make_payment

TODAY = date(2026, 11, 20)  # the `now` fixture (09:30 UTC) is still 20 November in Ho Chi Minh City
D = Decimal


# --- independent SQL -----------------------------------------------------------------------------------------

def vnd(amount: Decimal) -> Decimal:
    return amount.quantize(D(1), rounding=ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def run(ctx, report: str, **args):
    return invoke("run_report", ctx, {"report": report, **args})


def by(rows, key):
    return {row[key]: row for row in rows}


# --- the company -------------------------------------------------------------------------------------------

@pytest.fixture
def data(session):
    make_company(session)
    ns = SimpleNamespace()
    ns.rep_a = make_employee(session, role="sales", code="REPA", name="Nguyễn Thị Lan", region="South")
    ns.rep_b = make_employee(session, role="sales", code="REPB", name="Trần Văn Bình", region="North")
    ns.finance = make_employee(session, role="finance", code="FIN1", name="Phạm Minh Tú", region=None)
    ns.manager = make_employee(session, role="manager", code="MGR1", name="Đỗ Quốc Hùng", region=None)
    ns.admin = make_employee(session, role="admin", code="ADM1", name="Admin User", region=None)
    ns.support = make_employee(session, role="support", code="SUP1", name="Vũ Thu Hà", region=None)
    for day, rate in ((date(2026, 1, 1), D("25000")), (date(2026, 9, 1), D("25400")), (date(2026, 10, 15), D("25500"))):
        make_fx_rate(session, currency="USD", rate=rate, rate_date=day)

    ns.a1 = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", owner=ns.rep_a, country="Vietnam")
    ns.a2 = make_customer(session, name="Pacific Imports", code="PACIFIC", owner=ns.rep_a, currency="USD",
                          country="United States", city="Seattle")
    ns.b1 = make_customer(session, name="Lion City Office", code="LIONCITY", owner=ns.rep_b, country="Singapore",
                          city="Singapore")
    ns.n1 = make_customer(session, name="Walk-in Buyer", code="WALKIN", country=None, city=None)

    ns.p1 = make_product(session, sku="PAPER-A4", name="A4 paper", unit_price=D("100000"))
    ns.p2 = make_product(session, sku="TONER-X", name="Toner X", unit_price=D("250000"))
    ns.p3 = make_product(session, sku="OLD-PEN", name="Old pen", active=False, stock=2, reorder_level=10)
    ns.p4 = make_product(session, sku="STAPLER", name="Stapler", stock=3, reorder_level=20)
    ns.p5 = make_product(session, sku="CLIPS", name="Clips", stock=10, reorder_level=10)
    hanoi = make_warehouse(session, code="HN", name="Hanoi DC")
    session.add(StockLevel(product_id=ns.p4.id, warehouse_id=hanoi.id, quantity=0, reorder_level=5))
    session.add(StockLevel(product_id=ns.p2.id, warehouse_id=hanoi.id, quantity=1, reorder_level=4, reserved=1))
    session.flush()

    p1, p2 = ns.p1, ns.p2
    ns.o_jan = make_order(session, customer=ns.a1, order_date=date(2026, 1, 15), status="invoiced", salesperson=ns.rep_a,
                          lines=[(p1, 10, None, D(0)), (p2, 2, None, D(5))])
    ns.o_mar = make_order(session, customer=ns.a1, order_date=date(2026, 3, 31), status="shipped", salesperson=ns.rep_a,
                          lines=[(p1, 3, None, D(0))])
    ns.o_usd = make_order(session, customer=ns.a2, order_date=date(2026, 9, 10), status="invoiced", salesperson=ns.rep_a,
                          lines=[(p1, 5, D("40.00"), D(0)), (p2, 1, D("99.99"), D(10))])
    ns.o_b_open = make_order(session, customer=ns.b1, order_date=date(2026, 10, 5), status="confirmed",
                             salesperson=ns.rep_b, lines=[(p2, 7, None, D(0))])
    ns.o_b_open.required_date = date(2026, 10, 20)
    ns.o_cancelled = make_order(session, customer=ns.b1, order_date=date(2026, 10, 6), status="cancelled",
                                salesperson=ns.rep_b, lines=[(p1, 100, None, D(0))])
    ns.o_draft = make_order(session, customer=ns.n1, order_date=date(2026, 11, 2), status="draft",
                            lines=[(p1, 1, None, D(0))])
    ns.o_2025 = make_order(session, customer=ns.a1, order_date=date(2025, 6, 1), status="invoiced", salesperson=ns.rep_a,
                           lines=[(p2, 4, None, D(0))])
    ns.o_b_q3 = make_order(session, customer=ns.b1, order_date=date(2026, 7, 1), status="invoiced", salesperson=ns.rep_b,
                           lines=[(p1, 4, None, D(0)), (p2, 3, D("240000"), D("2.5")), (p1, 1, D("90000"), D(0))])
    ns.o_usd_open = make_order(session, customer=ns.a2, order_date=date(2026, 11, 10), status="confirmed",
                               salesperson=ns.rep_a, lines=[(p2, 2, D("95.50"), D(0))])
    ns.o_usd_open.required_date = date(2026, 11, 15)
    ns.o_shipped_early = make_order(session, customer=ns.n1, order_date=date(2026, 11, 12), status="confirmed",
                                    lines=[(p2, 1, None, D(0))])
    ns.o_shipped_early.shipped_date = date(2026, 11, 18)  # left the warehouse; status not updated yet
    ns.o_week = make_order(session, customer=ns.b1, order_date=date(2026, 11, 16), status="shipped", salesperson=ns.rep_b,
                           lines=[(p1, 2, None, D(0))])

    # Receivables on 20 November 2026, one invoice per aging bucket and its boundaries.
    def invoice(customer, amount, due, *, issued=None, fx=None, status="open"):
        issued = issued or due - timedelta(days=30)
        row = make_invoice(session, customer=customer, amount=amount, issue_date=issued, due_days=(due - issued).days,
                           status=status)
        if fx is not None:
            row.fx_rate = fx
            session.flush()
        return row

    ns.inv_current = invoice(ns.a1, D("5000000"), date(2026, 12, 10), issued=date(2026, 11, 10))
    make_payment(session, invoice=ns.inv_current, amount=D("1000000"), paid_on=date(2026, 11, 15))
    ns.inv_15 = invoice(ns.a1, D("3000000"), date(2026, 11, 5))
    ns.inv_usd_50 = invoice(ns.a2, D("1234.58"), date(2026, 10, 1), fx=D("25400.5"))
    make_payment(session, invoice=ns.inv_usd_50, amount=D("234.57"), paid_on=date(2026, 10, 10))
    ns.inv_90 = invoice(ns.b1, D("7000000"), date(2026, 8, 22))
    ns.inv_142 = invoice(ns.b1, D("9100000"), date(2026, 7, 1))
    make_payment(session, invoice=ns.inv_142, amount=D("100000"), paid_on=date(2026, 9, 1))
    make_payment(session, invoice=ns.inv_142, amount=D("1000000"), paid_on=date(2026, 11, 1))
    ns.inv_due_today = invoice(ns.n1, D("400000"), TODAY)
    ns.inv_30 = invoice(ns.n1, D("300000"), date(2026, 10, 21))
    ns.inv_60 = invoice(ns.n1, D("600000"), date(2026, 9, 21))
    ns.inv_61 = invoice(ns.n1, D("610000"), date(2026, 9, 20))
    ns.inv_91 = invoice(ns.n1, D("910000"), date(2026, 8, 21))
    ns.inv_paid = invoice(ns.a1, D("2000000"), date(2026, 10, 15), issued=date(2026, 9, 15))
    make_payment(session, invoice=ns.inv_paid, amount=D("2000000"), paid_on=date(2026, 11, 5))
    ns.inv_void = invoice(ns.b1, D("800000"), date(2026, 9, 1), status="void")
    assert ns.inv_paid.status == "paid"

    for stage, customer, owner, amount, probability, close in (
            ("lead", ns.a1, ns.rep_a, D("10000000"), 10, date(2026, 12, 15)),
            ("lead", ns.n1, None, D("4000000"), 15, date(2026, 11, 30)),
            ("qualification", ns.a2, ns.rep_a, D("20000.50"), 30, date(2026, 12, 1)),
            ("proposal", ns.b1, ns.rep_b, D("50000000"), 50, date(2026, 12, 20)),
            ("negotiation", ns.b1, ns.rep_b, D("80000000"), 80, date(2027, 2, 1)),
            ("negotiation", ns.a1, ns.rep_a, D("33333333"), 75, date(2026, 12, 31)),
            ("closed_won", ns.a1, ns.rep_a, D("99000000"), 100, date(2026, 10, 1)),
            ("closed_lost", ns.b1, ns.rep_b, D("77000000"), 0, date(2026, 10, 1))):
        make_opportunity(session, customer=customer, stage=stage, amount=amount, probability=probability,
                         close_date=close, owner=owner)
    session.flush()
    return ns


@pytest.fixture
def ctx_for(session, now, settings):
    def make(employee, **overrides):
        return ToolContext(session=session, actor=employee, channel="test", now=now,
                           settings=overrides.get("settings", settings))
    return make


@pytest.fixture
def fin(data, ctx_for):
    return ctx_for(data.finance)


# --- periods ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text_, today, start, end, label", [
    ("2026-10", TODAY, date(2026, 10, 1), date(2026, 10, 31), "October 2026"),
    ("2024-02", TODAY, date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
    ("2026-Q1", TODAY, date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
    ("2026-Q3", TODAY, date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
    ("q4 2026", TODAY, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026"),
    ("2026", TODAY, date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ("2026-10-05", TODAY, date(2026, 10, 5), date(2026, 10, 5), "2026-10-05"),
    ("2026-01-01..2026-03-31", TODAY, date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
    ("2026-01-10..2026-02-20", TODAY, date(2026, 1, 10), date(2026, 2, 20), "2026-01-10 – 2026-02-20"),
    ("2026-01..2026-Q2", TODAY, date(2026, 1, 1), date(2026, 6, 30), "2026-01-01 – 2026-06-30"),
    ("ytd", TODAY, date(2026, 1, 1), TODAY, None),
    ("YTD", date(2028, 2, 29), date(2028, 1, 1), date(2028, 2, 29), None),
    ("last-30-days", TODAY, date(2026, 10, 22), TODAY, None),
    ("last 90 days", TODAY, date(2026, 8, 23), TODAY, None),
    ("Last-1-day", TODAY, TODAY, TODAY, None),
    ("this-month", TODAY, date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
    ("last-month", TODAY, date(2026, 10, 1), date(2026, 10, 31), "October 2026"),
    ("last-month", date(2026, 1, 10), date(2025, 12, 1), date(2025, 12, 31), "December 2025"),
    ("last month", date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
    ("this-quarter", TODAY, date(2026, 10, 1), date(2026, 12, 31), "Q4 2026"),
    ("this-quarter", date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
    ("this-quarter", date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30), "Q2 2026"),
    ("last-quarter", TODAY, date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
    ("last-quarter", date(2026, 2, 10), date(2025, 10, 1), date(2025, 12, 31), "Q4 2025"),
    ("this-year", TODAY, date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ("last-year", TODAY, date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("this week", TODAY, date(2026, 11, 16), date(2026, 11, 22), None),
])
def test_parse_period_forms(text_, today, start, end, label):
    period = parse_period(text_, today)
    assert (period.start, period.end) == (start, end)
    if label:
        assert period.label == label


def test_previous_and_same_last_year():
    q3 = parse_period("2026-Q3", TODAY)
    assert previous(q3) == Period(start=date(2026, 4, 1), end=date(2026, 6, 30), label="Q2 2026")
    assert previous(parse_period("2026-03", TODAY)).label == "February 2026"
    assert previous(parse_period("2026-01", TODAY)).label == "December 2025"
    assert previous(parse_period("2026", TODAY)).label == "2025"
    last30 = parse_period("last-30-days", TODAY)
    before = previous(last30)
    assert before.end == last30.start - timedelta(days=1) and before.days == 30
    assert same_last_year(parse_period("2025-02", TODAY)) == Period(start=date(2024, 2, 1), end=date(2024, 2, 29),
                                                                      label="February 2024")
    leap_day = parse_period("2028-02-10..2028-02-29", TODAY)
    assert (same_last_year(leap_day).start, same_last_year(leap_day).end) == (date(2027, 2, 10), date(2027, 2, 28))
    assert same_last_year(parse_period("2026-Q4", TODAY)).label == "Q4 2025"


@pytest.mark.parametrize("bad", ["fortnight", "2026-13", "2026-02-30", "2026-Q5", "", "last-0-days", "2026..",
                                 "2026-01-01..soon"])
def test_bad_period_lists_the_accepted_forms(bad):
    with pytest.raises(ValidationFailed) as err:
        parse_period(bad, TODAY)
    if bad != "last-0-days":
        assert "2026-Q3" in err.value.hint and "last-month" in err.value.hint


def test_period_ending_before_it_starts_says_how_to_fix(fin):
    with pytest.raises(ValidationFailed, match="before it starts") as err:
        run(fin, "sales_by_customer", period="2026-03-31..2026-01-01")
    assert "2026-01-01..2026-03-31" in err.value.hint


# --- sales ---------------------------------------------------------------------------------------------------------

def _sales_lines(raw: Raw, start: date, end: date, rep_id: int | None = None):
    """(order id, order date, customer id, salesperson id, product id, quantity, base amount) of revenue lines."""
    rep = "AND o.salesperson_id = :rep" if rep_id else ""
    rows = raw.rows(f"""SELECT o.id, o.order_date, o.customer_id, o.salesperson_id, l.product_id, l.quantity,
                               l.line_amount_base
                        FROM sales_orders o JOIN sales_order_lines l ON l.order_id = o.id
                        WHERE o.status <> 'cancelled' AND o.order_date >= :s AND o.order_date <= :e {rep}""",
                    s=start, e=end, rep=rep_id)
    return [(r[0], raw.day(r[1]), r[2], r[3], r[4], int(r[5]), raw.money(r[6])) for r in rows]


def test_revenue_of_one_order_by_hand(fin, data):
    table = run(fin, "sales_by_customer", period="2026-01")
    assert table.rows == [{"customer_code": "HOANGLONG", "customer": "Hoàng Long Trading", "revenue": D("1475000"),
                           "orders": 1, "units": 12, "share_pct": D("100.00")}]
    usd = run(fin, "sales_by_customer", period="2026-09-10")
    # 5 x 40.00 + 1 x 99.99 less 10 % = 289.99 USD at 25,400 (the rate of 1 Sep, latest before the order date).
    assert usd.rows[0]["revenue"] == D("5080000") + D("2285746") and usd.currency == "VND"


@pytest.mark.parametrize("group_by, period", [("month", "2026"), ("week", "2026-10-20..2026-11-20"),
                                              ("quarter", "2026"), ("day", "2026-10"), (None, "2026-Q4"),
                                              ("year", "2025-06..2026-Q4")])
def test_sales_over_time_matches_sql(fin, data, session, group_by, period):
    raw = Raw(session)
    p = parse_period(period, TODAY)
    args = {"period": period} | ({"group_by": group_by} if group_by else {})
    table = run(fin, "sales_over_time", **args)
    grain = group_by or "week"

    def bucket(day: date) -> str:
        return {"day": day.isoformat(), "week": "%d-W%02d" % day.isocalendar()[:2],
                "month": day.strftime("%Y-%m"), "quarter": f"{day.year}-Q{(day.month + 2) // 3}",
                "year": str(day.year)}[grain]

    expected = defaultdict(lambda: [D(0), set(), 0])
    for order_id, day, _, _, _, qty, amount in _sales_lines(raw, p.start, p.end):
        expected[bucket(day)][0] += amount
        expected[bucket(day)][1].add(order_id)
        expected[bucket(day)][2] += qty
    all_days = {bucket(p.start + timedelta(days=i)) for i in range(p.days)}
    assert [r["bucket"] for r in table.rows] == sorted(all_days)
    for row in table.rows:
        revenue, orders, units = expected.get(row["bucket"], (D(0), set(), 0))
        assert (row["revenue"], row["orders"], row["units"]) == (revenue, len(orders), units), row
    assert table.totals == {"revenue": sum((v[0] for v in expected.values()), D(0)),
                            "orders": sum(len(v[1]) for v in expected.values()),
                            "units": sum(v[2] for v in expected.values())}
    assert table.rows[0]["start"] == p.start.isoformat() and table.rows[-1]["end"] == p.end.isoformat()
    assert table.chart.x == "bucket" and table.chart.y == ["revenue"]
    assert any("cancelled" in note for note in table.notes)


def _expected_by(raw, key_of, start=date(2026, 1, 1), end=date(2026, 12, 31), rep_id=None):
    groups = defaultdict(lambda: [D(0), set(), 0])
    for line in _sales_lines(raw, start, end, rep_id):
        g = groups[key_of(line)]
        g[0] += line[6]
        g[1].add(line[0])
        g[2] += line[5]
    return {k: (v[0], len(v[1]), v[2]) for k, v in groups.items()}


def _check_breakdown(table, expected, label_key, orders_total):
    total = sum((v[0] for v in expected.values()), D(0))
    assert len(table.rows) == table.total_rows == len(expected)
    for row in table.rows:
        revenue, orders, units = expected[row[label_key]]
        assert (row["revenue"], row["orders"], row["units"]) == (revenue, orders, units), row
        assert row["share_pct"] == pct(revenue, total)
    revenues = [r["revenue"] for r in table.rows]
    assert revenues == sorted(revenues, reverse=True)
    assert table.totals == {"revenue": total, "orders": orders_total, "units": sum(v[2] for v in expected.values())}


def _customer_codes(raw):
    return {r[0]: r[1] for r in raw.rows("SELECT id, code FROM customers")}


def test_sales_by_customer_matches_sql(fin, data, session):
    raw = Raw(session)
    codes = _customer_codes(raw)
    expected = _expected_by(raw, lambda line: codes[line[2]])
    table = run(fin, "sales_by_customer", period="2026")
    _check_breakdown(table, expected, "customer_code", len({l[0] for l in _sales_lines(raw, date(2026, 1, 1), date(2026, 12, 31))}))
    assert "LIONCITY" in by(table.rows, "customer_code")  # the cancelled order is out, the others are in
    assert by(table.rows, "customer_code")["LIONCITY"]["units"] == 7 + (4 + 3 + 1) + 2  # the cancelled 100 are out


def test_top_n_keeps_the_largest_and_totals_cover_all(fin, data, session):
    everything = run(fin, "sales_by_customer", period="2026")
    top2 = run(fin, "sales_by_customer", period="2026", top_n=2)
    assert top2.rows == everything.rows[:2] and len(top2.rows) == 2
    assert top2.total_rows == everything.total_rows == 4 and top2.totals == everything.totals
    assert any("first 2 of 4" in note for note in top2.notes)
    for bad in (0, 101, "many"):
        with pytest.raises(ValidationFailed, match="top_n"):
            run(fin, "sales_by_customer", top_n=bad)


def test_sales_by_product_matches_sql(fin, data, session):
    raw = Raw(session)
    skus = {r[0]: r[1] for r in raw.rows("SELECT id, sku FROM products")}
    expected = _expected_by(raw, lambda line: skus[line[4]], date(2026, 7, 1), date(2026, 9, 30))
    table = run(fin, "sales_by_product", period="2026-Q3")
    _check_breakdown(table, expected, "sku", 2)
    assert by(table.rows, "sku")["TONER-X"]["orders"] == 2
    assert (by(table.rows, "sku")["PAPER-A4"]["orders"], by(table.rows, "sku")["PAPER-A4"]["units"]) == (2, 10)


def test_sales_by_salesperson_country_and_region_match_sql(fin, data, session):
    raw = Raw(session)
    people = {r[0]: (r[1], r[2]) for r in raw.rows("SELECT id, code, region FROM employees")}
    countries = {r[0]: r[1] for r in raw.rows("SELECT id, country FROM customers")}
    orders_2026 = len({l[0] for l in _sales_lines(raw, date(2026, 1, 1), date(2026, 12, 31))})

    expected = _expected_by(raw, lambda line: people[line[3]][0] if line[3] else None)
    table = run(fin, "sales_by_salesperson", period="2026")
    _check_breakdown(table, expected, "salesperson_code", orders_2026)
    assert by(table.rows, "salesperson_code")[None]["salesperson"] == "(no salesperson)"

    expected = _expected_by(raw, lambda line: countries[line[2]] or "(unknown)")
    table = run(fin, "sales_by_country", period="2026")
    _check_breakdown(table, expected, "country", orders_2026)
    assert set(expected) == {"Vietnam", "United States", "Singapore", "(unknown)"}

    expected = _expected_by(raw, lambda line: (people[line[3]][1] if line[3] else None) or "(no region)")
    table = run(fin, "sales_by_region", period="2026")
    _check_breakdown(table, expected, "region", orders_2026)
    assert set(expected) == {"South", "North", "(no region)"}


def test_open_orders_match_sql(fin, data, session):
    raw = Raw(session)
    rows = raw.rows("""SELECT o.number, c.code, o.status, o.order_date, o.required_date, o.net_amount_base
                       FROM sales_orders o JOIN customers c ON c.id = o.customer_id
                       WHERE o.status IN ('draft', 'confirmed') AND o.shipped_date IS NULL""")
    expected = sorted(((raw.day(r[3]), r[0], r[1], r[2], r[4] and raw.day(r[4]), raw.money(r[5])) for r in rows))
    table = run(fin, "open_orders")
    assert [(r["order_date"], r["number"], r["customer_code"], r["status"], r["required_date"], r["amount"],
             r["age_days"]) for r in table.rows] == [
        (d.isoformat(), n, c, s, req.isoformat() if req else None, a, (TODAY - d).days) for d, n, c, s, req, a in expected]
    assert table.totals == {"amount": sum(e[5] for e in expected)} and table.total_rows == len(expected)
    assert {r["number"] for r in table.rows} == {data.o_b_open.number, data.o_draft.number, data.o_usd_open.number}
    in_october = run(fin, "open_orders", period="2026-10")
    assert [r["number"] for r in in_october.rows] == [data.o_b_open.number]


def _aging_expected(raw: Raw, as_of: date, status_open_only: bool):
    """Per invoice: amount minus allocations from payments made by as_of, in VND at the invoice rate."""
    where = "i.status = 'open'" if status_open_only else "i.status <> 'void' AND i.issue_date <= :d"
    invoices = raw.rows(f"SELECT i.id, i.number, c.code, i.due_date, i.fx_rate, i.amount, i.currency "
                        f"FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE {where}", d=as_of)
    paid = defaultdict(lambda: D(0))
    for invoice_id, amount in raw.rows("""SELECT a.invoice_id, a.amount FROM payment_allocations a
                                          JOIN payments p ON p.id = a.payment_id WHERE p.paid_on <= :d""", d=as_of):
        paid[invoice_id] += raw.money(amount)
    out = []
    for invoice_id, number, code, due, rate, amount, currency in invoices:
        balance = raw.money(amount) - paid[invoice_id]
        if balance > 0:
            out.append((number, code, (as_of - raw.day(due)).days, vnd(balance * raw.rate(rate)), balance, currency,
                        raw.day(due)))
    return out


def _bucket(days: int) -> str:
    for limit, key in ((0, "current"), (30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90")):
        if days <= limit:
            return key
    return "days_91_plus"


@pytest.mark.parametrize("period, as_of, open_only", [(None, TODAY, True), ("2026-10", date(2026, 10, 31), False),
                                                      ("2026-09-15", date(2026, 9, 15), False)])
def test_ar_aging_matches_sql(fin, data, session, period, as_of, open_only):
    raw = Raw(session)
    expected = defaultdict(lambda: defaultdict(lambda: D(0)))
    for _, code, days, base, _, _, _ in _aging_expected(raw, as_of, open_only):
        expected[code][_bucket(days)] += base
        expected[code]["total"] += base
        expected[code]["invoices"] += 1
    table = run(fin, "ar_aging", **({"period": period} if period else {}))
    assert table.period.start == table.period.end == as_of
    keys = ["current", "days_1_30", "days_31_60", "days_61_90", "days_91_plus", "total", "invoices"]
    assert {r["customer_code"]: {k: r[k] for k in keys} for r in table.rows} == {
        code: {k: values[k] for k in keys} for code, values in expected.items()}
    assert table.totals == {k: sum((v[k] for v in expected.values()), D(0)) for k in keys}
    totals = [r["total"] for r in table.rows]
    assert totals == sorted(totals, reverse=True)


def test_ar_aging_buckets_by_hand(fin, data):
    rows = by(run(fin, "ar_aging").rows, "customer_code")
    assert rows["WALKIN"]["current"] == D("400000")  # due today is not yet past due
    assert rows["WALKIN"]["days_1_30"] == D("300000")  # 30 days past due
    assert rows["WALKIN"]["days_31_60"] == D("600000")  # 60
    assert rows["WALKIN"]["days_61_90"] == D("610000")  # 61
    assert rows["WALKIN"]["days_91_plus"] == D("910000")  # 91
    assert rows["HOANGLONG"]["current"] == D("4000000")  # partly paid; the paid invoice is gone
    # 1,000.01 USD still open at the invoice's own rate 25,400.5 = 25,400,754.0005 -> 25,400,754 VND.
    assert rows["PACIFIC"]["days_31_60"] == D("25400754")
    assert rows["LIONCITY"]["days_61_90"] == D("7000000") and rows["LIONCITY"]["days_91_plus"] == D("8000000")
    history = by(run(fin, "ar_aging", period="2026-10").rows, "customer_code")
    assert history["HOANGLONG"]["days_1_30"] == D("2000000")  # paid on 5 Nov: still open on 31 Oct
    assert history["LIONCITY"]["days_91_plus"] == D("9000000")  # the 1 Nov payment had not come in


def test_overdue_invoices_match_sql(fin, data, session):
    raw = Raw(session)
    expected = sorted((e for e in _aging_expected(raw, TODAY, True) if e[2] > 0), key=lambda e: (-e[2], e[0]))
    table = run(fin, "overdue_invoices")
    assert [(r["number"], r["customer_code"], r["due_date"], r["days_overdue"], r["open_balance"], r["open_balance_doc"],
             r["currency"]) for r in table.rows] == [
        (n, c, due.isoformat(), days, base, bal, cur) for n, c, days, base, bal, cur, due in expected]
    assert table.totals == {"open_balance": sum(e[3] for e in expected)} and table.total_rows == len(expected)
    assert data.inv_due_today.number not in {r["number"] for r in table.rows}
    assert table.rows[0]["number"] == data.inv_142.number


@pytest.mark.parametrize("period", [None, "2026-Q4"])
def test_pipeline_matches_sql(fin, data, session, period):
    raw = Raw(session)
    usd = raw.rate(raw.rows("SELECT rate FROM fx_rates WHERE currency = 'USD' AND rate_date <= :d "
                            "ORDER BY rate_date DESC LIMIT 1", d=TODAY)[0][0])
    window = "AND close_date >= :s AND close_date <= :e" if period else ""
    p = parse_period(period, TODAY) if period else None
    rows = raw.rows(f"SELECT stage, amount, probability, currency FROM opportunities WHERE stage NOT LIKE 'closed%' {window}",
                    s=p and p.start, e=p and p.end)
    expected = {stage: [0, D(0), D(0)] for stage in ("lead", "qualification", "proposal", "negotiation")}
    for stage, amount, probability, currency in rows:
        value = raw.money(amount) * (usd if currency == "USD" else 1)
        expected[stage][0] += 1
        expected[stage][1] += value
        expected[stage][2] += value * probability / 100
    table = run(fin, "pipeline", **({"period": period} if period else {}))
    assert [(r["stage"], r["opportunities"], r["amount"], r["weighted_amount"]) for r in table.rows] == [
        (stage, n, vnd(a), vnd(w)) for stage, (n, a, w) in expected.items()]
    assert table.totals == {"opportunities": sum(v[0] for v in expected.values()),
                            "amount": sum(vnd(v[1]) for v in expected.values()),
                            "weighted_amount": sum(vnd(v[2]) for v in expected.values())}
    if period is None:
        # 20,000.50 USD at 25,500 (the rate of 15 Oct) weighted 30 %.
        assert by(table.rows, "stage")["qualification"]["weighted_amount"] == D("153003825")
        assert by(table.rows, "stage")["negotiation"]["opportunities"] == 2
    else:
        assert by(table.rows, "stage")["negotiation"]["opportunities"] == 1  # the February one is out


def test_restock_matches_sql(fin, data, session):
    raw = Raw(session)
    rows = raw.rows("""SELECT p.sku, w.code, s.quantity, s.reorder_level FROM stock_levels s
                       JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
                       WHERE s.quantity < s.reorder_level AND p.active = :yes""", yes=True)
    expected = sorted(((r[3] - r[2], r[0], r[1], r[2], r[3]) for r in rows), key=lambda e: (-e[0], e[1], e[2]))
    table = run(fin, "restock")
    assert [(r["shortfall"], r["sku"], r["warehouse"], r["quantity"], r["reorder_level"]) for r in table.rows] == expected
    assert [(r["sku"], r["warehouse"], r["shortfall"]) for r in table.rows] == [("STAPLER", "HCM", 17), ("STAPLER", "HN", 5),
                                                                               ("TONER-X", "HN", 3)]
    assert table.totals == {"shortfall": 25}
    with pytest.raises(ValidationFailed, match="no period"):
        run(fin, "restock", period="2026-10")


PAID_SALES_SQL = """SELECT e.code, COUNT(*), SUM(o.net_amount_base) FROM invoices i
                    JOIN sales_orders o ON o.id = i.order_id JOIN employees e ON e.id = o.salesperson_id
                    WHERE i.status = 'paid' AND (SELECT MAX(p.paid_on) FROM payment_allocations a
                                                 JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = i.id)
                          BETWEEN :s AND :e GROUP BY e.code"""


@pytest.fixture
def paid_orders(data, session):
    """Commission is on orders whose invoice is paid in full, dated by the last payment: every order that is not
    cancelled is invoiced; those ordered before July are paid in 2026 (the 2025 one on 1 January), the others in
    January 2027."""
    orders = session.execute(select(SalesOrder).where(SalesOrder.status != "cancelled")).scalars().all()
    return make_paid_invoices(session, orders=orders, paid_on=lambda o: max(o.order_date, date(2026, 1, 1))
                              if o.order_date < date(2026, 7, 1) else date(2027, 1, 5))


def test_commissions_match_sql(data, paid_orders, session, ctx_for, settings):
    orders = paid_orders
    raw = Raw(session)
    ctx = ctx_for(data.finance, settings=settings.model_copy(update={"commission_rate_pct": D("2.5")}))
    rows = raw.rows(PAID_SALES_SQL, s=date(2026, 1, 1), e=date(2026, 12, 31))
    assert rows and sum(n for _, n, _ in rows) < len(orders)  # some are paid after the period
    expected = {code: (n, raw.money(total), vnd(raw.money(total) * D("0.025"))) for code, n, total in rows}
    table = run(ctx, "commissions", period="2026")
    assert {r["salesperson_code"]: (r["orders"], r["revenue"], r["commission"]) for r in table.rows} == expected
    assert all(r["rate_pct"] == D("2.5") for r in table.rows)
    assert table.totals == {"orders": sum(v[0] for v in expected.values()), "revenue": sum(v[1] for v in expected.values()),
                            "commission": sum(v[2] for v in expected.values())}
    # January's and March's orders and the 2025 order paid on 1 January count; REPB's July order is paid in 2027.
    assert expected == {"REPA": (3, D("2775000"), D("69375"))}
    assert run(ctx_for(data.finance), "commissions").period.label == "November 2026"  # default: this month


@pytest.mark.parametrize("period, as_of", [(None, TODAY), ("2026-06", date(2026, 6, 30))])
def test_customer_lifetime_value_matches_sql(fin, data, session, period, as_of):
    raw = Raw(session)
    rows = raw.rows("""SELECT c.code, MIN(o.order_date), MAX(o.order_date), COUNT(*), SUM(o.net_amount_base)
                       FROM sales_orders o JOIN customers c ON c.id = o.customer_id
                       WHERE o.status <> 'cancelled' AND o.order_date <= :d GROUP BY c.code""", d=as_of)
    expected = {}
    for code, first, last, n, total in rows:
        first, last, total = raw.day(first), raw.day(last), raw.money(total)
        expected[code] = (first.isoformat(), last.isoformat(), n, total, vnd(total / n),
                          (D((last - first).days) / D("365.25")).quantize(D("0.1"), ROUND_HALF_UP))
    table = run(fin, "customer_lifetime_value", **({"period": period} if period else {}))
    keys = ("first_order", "last_order", "orders", "revenue", "average_order", "years_active")
    assert {r["customer_code"]: tuple(r[k] for k in keys) for r in table.rows} == expected
    assert table.period.end == as_of and table.period.start == date(2025, 6, 1)
    if period is None:
        assert expected["HOANGLONG"][0] == "2025-06-01" and expected["HOANGLONG"][5] == D("0.8")
    else:
        assert set(expected) == {"HOANGLONG"}  # nothing else had been ordered by the end of June
    assert {k: table.totals[k] for k in ("orders", "revenue")} == {
        "orders": sum(v[2] for v in expected.values()), "revenue": sum(v[3] for v in expected.values())}
    assert table.totals["gross_margin"] == sum((r["gross_margin"] or D(0) for r in table.rows), D(0))
    top = run(fin, "customer_lifetime_value", top_n=1, **({"period": period} if period else {}))
    assert len(top.rows) == 1 and top.rows[0] == table.rows[0]


# --- roles and scoping --------------------------------------------------------------------------------------------

def test_sales_rep_sees_only_their_own_orders(data, paid_orders, session, ctx_for):
    raw = Raw(session)
    rep_a = ctx_for(data.rep_a)
    codes = _customer_codes(raw)
    table = run(rep_a, "sales_by_customer", period="2026")
    expected = _expected_by(raw, lambda line: codes[line[2]], rep_id=data.rep_a.id)
    _check_breakdown(table, expected, "customer_code", len({l[0] for l in _sales_lines(
        raw, date(2026, 1, 1), date(2026, 12, 31), data.rep_a.id)}))
    assert "LIONCITY" not in by(table.rows, "customer_code")
    assert any("only their own figures" in note for note in table.notes)
    salespeople = run(rep_a, "sales_by_salesperson", period="2026")
    assert [r["salesperson_code"] for r in salespeople.rows] == ["REPA"]
    assert {r["number"] for r in run(rep_a, "open_orders").rows} == {data.o_usd_open.number}
    assert [r["salesperson_code"] for r in run(rep_a, "commissions", period="2026").rows] == ["REPA"]
    over_time = run(rep_a, "sales_over_time", period="2026-10..2026-11", group_by="month")
    assert [r["revenue"] for r in over_time.rows] == [D(0), data.o_usd_open.net_amount_base]
    rep_b = ctx_for(data.rep_b)
    assert {r["number"] for r in run(rep_b, "open_orders").rows} == {data.o_b_open.number}
    assert run(rep_b, "sales_by_customer", period="2026").totals["revenue"] == \
        data.o_b_open.net_amount_base + data.o_b_q3.net_amount_base + data.o_week.net_amount_base


def test_sales_rep_sees_receivables_pipeline_and_lifetime_only_for_what_they_own(data, ctx_for):
    rep_a = ctx_for(data.rep_a)
    assert {r["customer_code"] for r in run(rep_a, "ar_aging").rows} == {"HOANGLONG", "PACIFIC"}
    assert {r["customer_code"] for r in run(rep_a, "overdue_invoices").rows} == {"HOANGLONG", "PACIFIC"}
    assert {r["customer_code"] for r in run(rep_a, "customer_lifetime_value").rows} == {"HOANGLONG", "PACIFIC"}
    pipeline = by(run(rep_a, "pipeline").rows, "stage")
    assert pipeline["proposal"]["opportunities"] == 0 and pipeline["negotiation"]["opportunities"] == 1
    assert run(rep_a, "ar_aging", customer="LIONCITY").rows == []
    assert len(run(rep_a, "restock").rows) == 3  # stock is not personal


def test_sales_rep_cannot_ask_for_a_colleagues_figures(data, paid_orders, ctx_for):
    rep_a = ctx_for(data.rep_a)
    with pytest.raises(PermissionDenied, match="another salesperson.s figures"):
        run(rep_a, "sales_by_customer", salesperson="REPB")
    with pytest.raises(PermissionDenied):
        run(rep_a, "ar_aging", salesperson="Trần Văn Bình")
    assert run(rep_a, "commissions", period="2026", salesperson="repa").rows[0]["salesperson_code"] == "REPA"


def test_managers_and_finance_see_everything_and_can_narrow(data, ctx_for):
    for employee in (data.finance, data.manager, data.admin):
        table = run(ctx_for(employee), "sales_by_salesperson", period="2026")
        assert {r["salesperson_code"] for r in table.rows} == {"REPA", "REPB", None}
    manager = ctx_for(data.manager)
    narrowed = run(manager, "sales_by_customer", period="2026", salesperson="tran van binh")
    assert {r["customer_code"] for r in narrowed.rows} == {"LIONCITY"}
    assert any("Trần Văn Bình (REPB)" in note for note in narrowed.notes)
    assert {r["customer_code"] for r in run(manager, "ar_aging", salesperson="REPB").rows} == {"LIONCITY"}
    one = run(manager, "sales_over_time", period="2026", customer="pacific imports", group_by="quarter")
    assert [r["revenue"] for r in one.rows] == [D(0), D(0), data.o_usd.net_amount_base, data.o_usd_open.net_amount_base]


def test_unknown_or_ambiguous_salesperson(data, ctx_for, session):
    make_employee(session, role="sales", code="LAN2", name="Lê Thị Lan")
    manager = ctx_for(data.manager)
    with pytest.raises(Ambiguous):
        run(manager, "sales_by_customer", salesperson="Lan")
    with pytest.raises(NotFound):
        run(manager, "sales_by_customer", salesperson="Zzyzx Qwerty")
    with pytest.raises(NotFound):
        run(manager, "sales_by_customer", customer="no such customer xyz")


@pytest.mark.parametrize("report", ["sales_over_time", "ar_aging", "restock", "pipeline"])
def test_support_is_refused(data, ctx_for, report):
    with pytest.raises(PermissionDenied, match="run_report"):
        run(ctx_for(data.support), report)


def test_filters_that_do_not_apply_are_refused(fin, data):
    with pytest.raises(ValidationFailed, match="group_by"):
        run(fin, "sales_by_customer", group_by="month")
    with pytest.raises(ValidationFailed, match="top_n"):
        run(fin, "sales_over_time", top_n=5)
    with pytest.raises(ValidationFailed, match="customer"):
        run(fin, "restock", customer="WALKIN")
    with pytest.raises(ValidationFailed, match="report"):
        run(fin, "profit_by_product")
    with pytest.raises(ValidationFailed, match="not a period"):
        run(fin, "sales_by_customer", period="next decade")
    with pytest.raises(ValidationFailed, match="more than 1000 rows") as err:
        run(fin, "sales_over_time", period="2020-01-01..2026-12-31", group_by="day")
    assert "coarser" in err.value.hint


@pytest.mark.parametrize("report", ["sales_over_time", "sales_by_customer", "sales_by_product", "sales_by_salesperson",
                                    "sales_by_country", "sales_by_region", "open_orders", "ar_aging", "overdue_invoices",
                                    "pipeline", "restock", "commissions", "customer_lifetime_value"])
def test_every_report_is_well_formed(fin, data, report):
    table = run(fin, report)
    keys = {c.key for c in table.columns}
    assert table.currency == "VND" and table.notes and table.title
    assert all(set(row) == keys for row in table.rows)
    assert set(table.totals) <= keys
    assert table.chart.x is None or table.chart.x in keys
    assert set(table.chart.y) <= keys
    for column in table.columns:
        for row in table.rows:
            value = row[column.key]
            if column.type in ("money", "percent", "number") and value is not None:
                assert isinstance(value, Decimal), (column.key, value)
            if column.type == "int":
                assert isinstance(value, int)
            if column.type == "date" and value is not None:
                date.fromisoformat(value)
    table.model_dump_json()


def test_ar_aging_for_a_period_not_yet_ended_is_as_of_today(fin, data):
    table = run(fin, "ar_aging", period="this-month")
    assert table.period.end == TODAY and "has not ended yet" in table.notes[0]


# --- language -------------------------------------------------------------------------------------------------

ENGLISH_WORDS = re.compile(r"\b(the|of|and|only|orders?|revenue|showing|open|amounts?|as of|by|sales|customers?|"
                           r"commission|invoices?|stage|weighted|shortfall|units|salesperson|lifetime)\b", re.IGNORECASE)


@pytest.mark.parametrize("report, args", [
    ("sales_over_time", {"period": "2026-Q3"}), ("sales_by_customer", {"period": "2026", "top_n": 1}),
    ("sales_by_product", {"period": "2026"}), ("sales_by_salesperson", {"period": "2026"}),
    ("sales_by_country", {"period": "2026"}), ("sales_by_region", {"period": "2026"}), ("open_orders", {}),
    ("ar_aging", {"top_n": 1}), ("overdue_invoices", {}), ("pipeline", {}), ("restock", {}),
    ("commissions", {"period": "2026"}), ("customer_lifetime_value", {"period": "2026-12"}),
])
def test_vietnamese_reports_have_the_same_figures_in_vietnamese_words(data, ctx_for, report, args):
    rep = ctx_for(data.rep_a)  # a sales rep, so the scope note is there too
    english, vietnamese = run(rep, report, **args), run(rep, report, **args, language="vi")
    assert vietnamese.totals == english.totals and vietnamese.total_rows == english.total_rows
    assert [c.key for c in vietnamese.columns] == [c.key for c in english.columns]
    numbers = [[v for v in row.values() if not isinstance(v, str)] for row in english.rows]
    assert [[v for v in row.values() if not isinstance(v, str)] for row in vietnamese.rows] == numbers
    words = [vietnamese.title, vietnamese.period.label, vietnamese.chart.title, *vietnamese.notes,
             *(c.label for c in vietnamese.columns)]
    assert len(vietnamese.notes) == len(english.notes) >= 1
    english_left = [text for text in words if ENGLISH_WORDS.search(text.replace("'invoiced'", ""))]
    assert english_left == [], english_left


def test_a_report_narrowed_to_one_customer_says_so_in_its_title_and_notes(fin, data):
    everyone = run(fin, "sales_by_product", period="2026")
    narrowed = run(fin, "sales_by_product", period="2026", customer="LIONCITY")
    assert narrowed.title == f"{everyone.title} — Lion City Office"
    assert narrowed.notes[0] == "Only Lion City Office (LIONCITY)."
    assert narrowed.totals["revenue"] < everyone.totals["revenue"]
    vietnamese = run(fin, "sales_by_product", period="2026", customer="LIONCITY", language="vi")
    assert vietnamese.title.endswith(" — Lion City Office") and vietnamese.notes[0] == "Chỉ gồm Lion City Office (LIONCITY)."
