"""CPQ and orders: create_quote (prices, breaks, FX, tax, approval rules, credit warning, two-phase write),
approve_quote, convert_quote_to_order (credit, stock, reservation) and order_status."""
from __future__ import annotations

import threading
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text

from backend.errors import Ambiguous, BusinessRuleViolation, ConfirmationError, NotFound, PermissionDenied, ValidationFailed
from backend.models import Quote, SalesOrder, StockLevel
from backend.tools.context import ToolContext
from backend.tools.quotes import quote_out
from backend.tools.registry import confirm, invoke
from tests.conftest import PG_URL
from tests.factories.catalog import make_price_list, make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_payment

D = Decimal


@pytest.fixture
def world(session):
    make_company(session)  # VND, VAT 10 %, Asia/Ho_Chi_Minh; `now` (2026-11-20 09:30 UTC) is 2026-11-20 there
    paper = make_product(session, sku="PAPER-A4", name="A4 Copy Paper 80gsm", unit_price=D("100000"),
                         unit_cost=D("70000"), stock=500)
    pen = make_product(session, sku="PEN-BLUE", name="Blue Ballpoint Pen", unit_price=D("5000"), unit_cost=D("3000"),
                       category="Writing", stock=1000)
    wholesale = make_price_list(session, code="WHOLESALE", prices=[(paper, 1, D("95000")), (paper, 100, D("90000"))])
    minh = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", credit_limit=D("100000000"))
    minh.price_list_id = wholesale.id
    usd = make_customer(session, name="Saigon Imports Ltd", code="SGIMPORT", currency="USD", credit_limit=None)
    make_fx_rate(session, currency="USD", rate=D("24000"), rate_date=date(2026, 10, 1))
    make_fx_rate(session, currency="USD", rate=D("25000"), rate_date=date(2026, 11, 1))
    session.flush()
    return {"paper": paper, "pen": pen, "minh": minh, "usd": usd}


def ctx_for(session, now, settings, role: str) -> ToolContext:
    return ToolContext(session=session, actor=make_employee(session, role=role), channel="test", now=now,
                       settings=settings)


@pytest.fixture
def sales(session, now, settings, world):
    return ctx_for(session, now, settings, "sales")


@pytest.fixture
def manager(session, now, settings, world):
    return ctx_for(session, now, settings, "manager")


@pytest.fixture
def admin(session, now, settings, world):
    return ctx_for(session, now, settings, "admin")


def quote_count(session) -> int:
    return session.execute(select(func.count()).select_from(Quote)).scalar_one()


def order_count(session) -> int:
    return session.execute(select(func.count()).select_from(SalesOrder)).scalar_one()


def standard_lines(paper_discount="5") -> list[dict]:
    return [{"product": "PAPER-A4", "quantity": 100, "discount_pct": paper_discount},
            {"product": "PEN-BLUE", "quantity": 200}]


def make_confirmed_quote(ctx, customer="MINHPHAT", lines=None, **extra):
    pending = invoke("create_quote", ctx, {"customer": customer, "lines": lines or standard_lines(), **extra})
    return confirm(ctx, pending.confirmation_id)


# --- create_quote: money -----------------------------------------------------------------------------------------

def test_preview_prices_exactly_and_writes_nothing(session, sales):
    before = quote_count(session)
    pending = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines()})
    q = pending.preview
    assert quote_count(session) == before
    assert pending.status == "pending_confirmation" and q.created is False
    assert q.number == "(assigned on confirmation)" and q.status == "open" and q.currency == "VND"
    paper, pen = q.lines
    # 100 reams reach the 100+ break (90,000), 5 % off: 100 x 90,000 x 0.95
    assert (paper.sku, paper.list_price, paper.unit_price, paper.price_source, paper.price_list_code) == (
        "PAPER-A4", D("100000"), D("90000"), "price_list", "WHOLESALE")
    assert (paper.discount_pct, paper.line_amount) == (D("5"), D("8550000"))
    assert (pen.unit_price, pen.price_source, pen.line_amount) == (D("5000"), "list_price", D("1000000"))
    assert (q.subtotal, q.tax_rate_pct, q.tax, q.total) == (D("9550000"), D("10"), D("955000"), D("10505000"))
    # cost 100 x 70,000 + 200 x 3,000 = 7,600,000 -> (9,550,000 - 7,600,000) / 9,550,000 = 20.418...%
    assert q.margin_pct == D("20.42")
    assert (paper.unit_cost, paper.line_margin) == (D("70000"), D("1550000"))
    assert q.issue_date == date(2026, 11, 20) and q.valid_until == date(2026, 12, 20)
    assert q.approval_reasons == [] and q.approver_role is None and q.credit_warning is None
    assert pending.summary == "Create quote for Minh Phát Stationery: 2 lines, total 10,505,000 VND"


def test_confirm_creates_exactly_one_numbered_quote(session, sales):
    before = quote_count(session)
    pending = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines(), "notes": "Q4 deal"})
    done = confirm(sales, pending.confirmation_id)
    assert quote_count(session) == before + 1
    assert done.created is True and done.number == "QUO-2026-000001"
    row = session.execute(select(Quote).where(Quote.number == done.number)).scalar_one()
    assert row.created_by_id == sales.actor.id and row.status == "open" and row.notes == "Q4 deal"
    assert (row.subtotal, row.tax_amount, row.total) == (D("9550000"), D("955000"), D("10505000"))
    assert [(line.line_no, line.quantity, line.unit_price, line.line_amount) for line in row.lines] == [
        (1, 100, D("90000"), D("8550000")), (2, 200, D("5000"), D("1000000"))]
    with pytest.raises(ConfirmationError):
        confirm(sales, pending.confirmation_id)
    assert quote_count(session) == before + 1


def test_quantity_break_boundary_99_vs_100(sales):
    q99 = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "PAPER-A4", "quantity": 99}]}).preview
    q100 = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "PAPER-A4", "quantity": 100}]}).preview
    assert (q99.lines[0].unit_price, q99.lines[0].line_amount) == (D("95000"), D("9405000"))
    assert (q100.lines[0].unit_price, q100.lines[0].line_amount) == (D("90000"), D("9000000"))
    assert (q99.total, q100.total) == (D("10345500"), D("9900000"))


def test_usd_customer_is_quoted_in_usd_at_todays_rate(sales):
    q = invoke("create_quote", sales, {"customer": "SGIMPORT", "lines": [
        {"product": "PAPER-A4", "quantity": 10, "discount_pct": "2.5"},
        {"product": "PEN-BLUE", "quantity": 333}]}).preview
    assert q.currency == "USD"
    paper, pen = q.lines
    # 100,000 VND / 25,000 = 4.00 USD; 10 x 4.00 x 0.975 = 39.00. 5,000 VND = 0.20 USD; 333 x 0.20 = 66.60
    assert (paper.list_price, paper.unit_price, paper.line_amount) == (D("4.00"), D("4.00"), D("39.00"))
    assert (pen.unit_price, pen.line_amount) == (D("0.20"), D("66.60"))
    assert (q.subtotal, q.tax, q.total) == (D("105.60"), D("10.56"), D("116.16"))
    # costs 2.80 and 0.12 USD: 10 x 2.80 + 333 x 0.12 = 67.96 -> (105.60 - 67.96) / 105.60 = 35.64 %
    assert (paper.unit_cost, pen.unit_cost, q.margin_pct) == (D("2.80"), D("0.12"), D("35.64"))


def test_usd_product_for_vnd_customer(session, sales):
    make_product(session, sku="INK-IMP", name="Imported Ink Cartridge", unit_price=D("12.50"), unit_cost=D("9.00"),
                 currency="USD")
    q = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "INK-IMP", "quantity": 3}]}).preview
    assert (q.lines[0].unit_price, q.lines[0].line_amount, q.total) == (D("312500"), D("937500"), D("1031250"))


def test_product_by_name_and_valid_days(sales):
    q = invoke("create_quote", sales, {"customer": "Minh Phat", "lines": [{"product": "blue ballpoint pen", "quantity": 1}],
                                       "valid_days": 7}).preview
    assert q.lines[0].sku == "PEN-BLUE" and q.customer_code == "MINHPHAT" and q.valid_until == date(2026, 11, 27)


# --- create_quote: approval rules --------------------------------------------------------------------------------

def test_discount_exactly_at_the_limit_is_fine_above_goes_to_approval(sales):
    at_limit = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines("10")}).preview
    assert at_limit.status == "open" and at_limit.approval_reasons == []
    above = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines("10.01")})
    assert above.preview.status == "pending_approval" and above.preview.approver_role == "manager"
    assert above.preview.approval_reasons == ["Line 1 (PAPER-A4): discount 10.01% is above the sales limit of 10%."]
    assert above.summary.endswith("(pending manager approval)")


def test_discount_limits_follow_the_role(manager, admin):
    pens = [{"product": "PEN-BLUE", "quantity": 10, "discount_pct": "25"}]  # 3,750 against a 3,000 cost: 20 % margin
    assert invoke("create_quote", manager, {"customer": "MINHPHAT", "lines": pens}).preview.status == "open"
    pens[0]["discount_pct"] = "25.5"
    deep = invoke("create_quote", manager, {"customer": "MINHPHAT", "lines": pens}).preview
    assert deep.status == "pending_approval" and deep.approver_role == "admin"
    assert deep.approval_reasons == ["Line 1 (PEN-BLUE): discount 25.5% is above the manager limit of 25%."]
    # admin may discount anything, but the margin floor still applies: 30 % off leaves a loss
    by_admin = invoke("create_quote", admin, {"customer": "MINHPHAT", "lines": standard_lines("30")}).preview
    assert by_admin.status == "pending_approval"
    assert [r for r in by_admin.approval_reasons if "discount" in r] == []
    assert any("margin" in r for r in by_admin.approval_reasons)


def test_role_missing_from_the_discount_map_gets_zero(sales):
    sales.settings.quotes.discount_limits = {"manager": D("25"), "admin": D("100")}
    q = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines("0.5")}).preview
    assert q.status == "pending_approval" and "limit of 0%" in q.approval_reasons[0]
    assert invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines("0")}).preview.status == "open"


def test_margin_floor_and_products_without_cost(session, sales):
    make_product(session, sku="THIN", name="Thin Margin Toner", unit_price=D("100000"), unit_cost=D("85000"))
    make_product(session, sku="THINNER", name="Thinner Margin Drum", unit_price=D("100000"), unit_cost=D("85001"))
    make_product(session, sku="SVC-SETUP", name="Setup Service", unit_price=D("1000000"), unit_cost=None)
    exactly = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "THIN", "quantity": 10}]}).preview
    assert exactly.status == "open" and exactly.margin_pct == D("15.00")
    under = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "THINNER", "quantity": 10}]}).preview
    assert under.status == "pending_approval" and under.approver_role == "manager"
    # 10 x 100,000 against 10 x 85,001: 14.999 % (shown rounded down, so it never reads as "15% below 15%")
    assert under.approval_reasons == ["Gross margin 14.99% is below the 15% floor."]
    # The costless service would lift the margin if it counted; it doesn't: still 14.999 % -> approval
    mixed = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [
        {"product": "THINNER", "quantity": 10}, {"product": "SVC-SETUP", "quantity": 1}]}).preview
    assert mixed.status == "pending_approval" and mixed.margin_pct == D("15.00")
    assert mixed.lines[1].unit_cost is None and mixed.lines[1].line_margin is None
    assert mixed.subtotal == D("2000000")


def test_inactive_product_is_refused_with_the_reason(session, sales):
    old = make_product(session, sku="FAX-ROLL", name="Fax Paper Roll", active=False)
    old.inactive_reason = "Replaced by PAPER-A4"
    session.flush()
    with pytest.raises(BusinessRuleViolation, match=r"FAX-ROLL.*Replaced by PAPER-A4"):
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [
            {"product": "PEN-BLUE", "quantity": 1}, {"product": "FAX-ROLL", "quantity": 1}]})


def test_credit_warning_when_the_quote_would_exceed_the_limit(session, sales, world):
    tight = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", credit_limit=D("15000000"))
    make_invoice(session, customer=tight, amount=D("5000000"), issue_date=date(2026, 11, 1))
    q = invoke("create_quote", sales, {"customer": "HOANGLONG", "lines": standard_lines()})
    # no price list: 100 x 100,000 x 0.95 + 200 x 5,000 = 10,500,000 + 10 % VAT = 11,550,000;
    # exposure 5,000,000 + 11,550,000 = 16,550,000 against a 15,000,000 limit
    assert q.preview.status == "open" and q.preview.total == D("11550000")
    assert q.preview.credit_warning == (
        "11,550,000 VND more would take Hoàng Long Trading's credit exposure from 5,000,000 VND to 16,550,000 VND, "
        "over the credit limit of 15,000,000 VND by 1,550,000 VND.")
    assert q.summary.endswith("(credit warning)")
    assert invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines()}).preview.credit_warning is None
    cash = make_customer(session, name="Cash Only Shop", code="CASHONLY", credit_limit=D("0"))
    assert "prepayment" in invoke("create_quote", sales, {"customer": cash.code, "lines": standard_lines()}).preview.credit_warning
    assert invoke("create_quote", sales, {"customer": "SGIMPORT", "lines": standard_lines()}).preview.credit_warning is None


# --- create_quote: bad input and roles ---------------------------------------------------------------------------

def test_unknown_sku_and_ambiguous_name(session, sales):
    with pytest.raises(NotFound, match="NOPE-123"):
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "NOPE-123", "quantity": 1}]})
    make_product(session, sku="PAPER-A4-70", name="A4 Copy Paper 70gsm")
    with pytest.raises(Ambiguous) as caught:
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "A4 copy paper", "quantity": 1}]})
    assert {c["sku"] for c in caught.value.candidates} >= {"PAPER-A4", "PAPER-A4-70"}


@pytest.mark.parametrize("line, field", [
    ({"product": "PAPER-A4", "quantity": -5}, "lines.0.quantity"),
    ({"product": "PAPER-A4", "quantity": 0}, "lines.0.quantity"),
    ({"product": "PAPER-A4", "quantity": 1, "discount_pct": "100.5"}, "lines.0.discount_pct"),
    ({"product": "PAPER-A4", "quantity": 1, "discount_pct": "-1"}, "lines.0.discount_pct"),
])
def test_bad_lines_name_the_field(sales, line, field):
    with pytest.raises(ValidationFailed, match=field.replace(".", r"\.")):
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [line]})


def test_line_count_is_bounded(sales):
    with pytest.raises(ValidationFailed, match="lines"):
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": []})
    with pytest.raises(ValidationFailed, match="lines"):
        invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": [{"product": "PEN-BLUE", "quantity": 1}] * 51})


def test_support_and_finance_cannot_quote(session, now, settings, world):
    for role in ("support", "finance"):
        with pytest.raises(PermissionDenied):
            invoke("create_quote", ctx_for(session, now, settings, role), {"customer": "MINHPHAT", "lines": standard_lines()})


def test_cost_fields_hidden_from_roles_that_do_not_see_costs(session, now, settings, sales):
    done = make_confirmed_quote(sales)
    row = session.execute(select(Quote).where(Quote.number == done.number)).scalar_one()
    support = ctx_for(session, now, settings, "support")
    products = {line.product_id: line.product for line in row.lines}
    hidden = quote_out(support, row, row.customer, products)
    assert hidden.margin_pct is None
    assert all(line.unit_cost is None and line.line_margin is None for line in hidden.lines)
    shown = quote_out(sales, row, row.customer, products)
    assert shown.margin_pct == D("20.42") and shown.lines[0].unit_cost == D("70000")


# --- approve_quote -----------------------------------------------------------------------------------------------

def test_approval_by_sales_refused_by_manager_ok(session, sales, manager):
    quote = make_confirmed_quote(sales, lines=standard_lines("12"))
    assert quote.status == "pending_approval"
    with pytest.raises(PermissionDenied):
        invoke("approve_quote", sales, {"quote": quote.number})
    pending = invoke("approve_quote", manager, {"quote": quote.number, "note": "Strategic account"})
    assert pending.preview.quote.status == "approved" and pending.preview.approved is False
    assert session.execute(select(Quote.status).where(Quote.number == quote.number)).scalar_one() == "pending_approval"
    done = confirm(manager, pending.confirmation_id)
    assert done.approved is True and done.quote.approved_by == manager.actor.name
    row = session.execute(select(Quote).where(Quote.number == quote.number)).scalar_one()
    assert (row.status, row.approved_by_id, row.approved_at) == ("approved", manager.actor.id, manager.now)
    assert "Strategic account" in row.notes


def test_manager_cannot_approve_30_percent_admin_can(admin, manager):
    quote = make_confirmed_quote(admin, lines=[{"product": "PEN-BLUE", "quantity": 10, "discount_pct": "30"}])
    assert quote.status == "pending_approval"  # admin's discount is fine, the margin is not (3,500 vs 3,000 cost)
    with pytest.raises(PermissionDenied, match="admin"):
        invoke("approve_quote", manager, {"quote": quote.number})
    done = confirm(admin, invoke("approve_quote", admin, {"quote": quote.number}).confirmation_id)
    assert done.quote.status == "approved"


def test_only_pending_quotes_and_not_expired(sales, manager):
    open_quote = make_confirmed_quote(sales)
    with pytest.raises(BusinessRuleViolation, match="only quotes pending approval"):
        invoke("approve_quote", manager, {"quote": open_quote.number})
    pending = make_confirmed_quote(sales, lines=standard_lines("15"))
    manager.now = manager.now + timedelta(days=31)  # valid until 2026-12-20; now 2026-12-21
    with pytest.raises(BusinessRuleViolation, match="expired"):
        invoke("approve_quote", manager, {"quote": pending.number})
    with pytest.raises(NotFound, match="QUO-2026-999999"):
        invoke("approve_quote", manager, {"quote": "QUO-2026-999999"})


# --- convert_quote_to_order --------------------------------------------------------------------------------------

def test_convert_creates_the_order_and_reserves_stock(session, sales, world):
    paper = world["paper"]
    # Spread the paper over two warehouses: HCM 70 free (500 - 430), HAN 80 on hand, 20 reserved -> 60 free
    hcm = paper.stock[0]
    hcm.reserved = 430
    han = StockLevel(product_id=paper.id, warehouse_id=make_warehouse(session, code="HAN", name="Hanoi DC").id,
                     quantity=80, reserved=20)
    session.add(han)
    session.flush()
    quote = make_confirmed_quote(sales)
    before = order_count(session)
    pending = invoke("convert_quote_to_order", sales, {"quote": quote.number})
    assert order_count(session) == before and pending.preview.created is False
    assert pending.preview.order_number == "(assigned on confirmation)"
    session.refresh(hcm)
    assert hcm.reserved == 430  # the preview reserved nothing
    done = confirm(sales, pending.confirmation_id)
    assert order_count(session) == before + 1
    assert done.order_number == "SO-2026-000001" and done.created is True
    assert (done.net_amount, done.tax, done.total) == (D("9550000"), D("955000"), D("10505000"))
    assert (done.fx_rate, done.net_amount_base, done.base_currency) == (D("1"), D("9550000"), "VND")
    order = session.execute(select(SalesOrder).where(SalesOrder.number == done.order_number)).scalar_one()
    qrow = session.execute(select(Quote).where(Quote.number == quote.number)).scalar_one()
    assert (order.status, order.order_date, order.currency, order.salesperson_id, order.quote_id) == (
        "confirmed", date(2026, 11, 20), "VND", sales.actor.id, qrow.id)
    assert [(l.quantity, l.unit_price, l.discount_pct, l.line_amount) for l in order.lines] == [
        (100, D("90000"), D("5"), D("8550000")), (200, D("5000"), D("0"), D("1000000"))]
    assert (qrow.status, qrow.order_id) == ("converted", order.id)
    # 100 reams: 70 from HCM (most available), then 30 from HAN
    session.refresh(hcm)
    session.refresh(han)
    assert (hcm.reserved, han.reserved) == (500, 50)
    assert {(r.sku, r.warehouse, r.quantity) for r in done.reservations} == {
        ("PAPER-A4", "HCM", 70), ("PAPER-A4", "HAN", 30), ("PEN-BLUE", "HCM", 200)}
    with pytest.raises(BusinessRuleViolation, match="already converted"):
        invoke("convert_quote_to_order", sales, {"quote": quote.number})


def test_convert_usd_quote_prices_base_amounts(session, sales):
    quote = make_confirmed_quote(sales, customer="SGIMPORT", lines=[
        {"product": "PAPER-A4", "quantity": 10, "discount_pct": "2.5"}, {"product": "PEN-BLUE", "quantity": 333}])
    done = confirm(sales, invoke("convert_quote_to_order", sales, {"quote": quote.number}).confirmation_id)
    assert (done.currency, done.net_amount, done.total, done.fx_rate) == ("USD", D("105.60"), D("116.16"), D("25000"))
    assert done.net_amount_base == D("2640000")  # 39.00 x 25,000 + 66.60 x 25,000


def test_convert_needs_approval_first(sales, manager):
    pending = make_confirmed_quote(sales, lines=standard_lines("12"))
    with pytest.raises(BusinessRuleViolation, match="needs approval first"):
        invoke("convert_quote_to_order", sales, {"quote": pending.number})
    confirm(manager, invoke("approve_quote", manager, {"quote": pending.number}).confirmation_id)
    done = confirm(sales, invoke("convert_quote_to_order", sales, {"quote": pending.number}).confirmation_id)
    assert done.created


def test_convert_rechecks_credit(session, sales, world):
    quote = make_confirmed_quote(sales)  # total 10,505,000; limit 100,000,000 at quote time
    world["minh"].credit_limit = D("12000000")
    make_invoice(session, customer=world["minh"], amount=D("2000000"), issue_date=date(2026, 11, 10))
    with pytest.raises(BusinessRuleViolation) as caught:
        invoke("convert_quote_to_order", sales, {"quote": quote.number})
    message = caught.value.message
    assert "10,505,000 VND" in message and "2,000,000 VND" in message and "12,505,000 VND" in message
    assert "12,000,000 VND by 505,000 VND" in message
    world["minh"].credit_limit = D("0")
    with pytest.raises(BusinessRuleViolation, match="prepayment"):
        invoke("convert_quote_to_order", sales, {"quote": quote.number})
    world["minh"].credit_limit = None  # no limit configured: no check
    assert invoke("convert_quote_to_order", sales, {"quote": quote.number}).preview.net_amount == D("9550000")


def test_convert_refused_on_credit_hold_and_quote_warns(session, sales, world):
    quote = make_confirmed_quote(sales)
    make_invoice(session, customer=world["minh"], amount=D("1000000"), issue_date=date(2026, 8, 1),
                 number="INV-T-OLD")  # due 2026-08-31: 81 days past due on 2026-11-20
    with pytest.raises(BusinessRuleViolation, match="credit hold: invoice INV-T-OLD is 81 days past due"):
        invoke("convert_quote_to_order", sales, {"quote": quote.number})
    again = invoke("create_quote", sales, {"customer": "MINHPHAT", "lines": standard_lines()}).preview
    assert "credit hold" in again.credit_warning


def test_convert_rechecks_stock_and_names_the_short_skus(session, sales, world):
    quote = make_confirmed_quote(sales)
    world["paper"].stock[0].reserved = 450  # 50 free, 100 needed
    world["pen"].stock[0].reserved = 850  # 150 free, 200 needed
    session.flush()
    with pytest.raises(BusinessRuleViolation) as caught:
        invoke("convert_quote_to_order", sales, {"quote": quote.number})
    assert "PAPER-A4 short by 50" in caught.value.message and "PEN-BLUE short by 50" in caught.value.message
    assert order_count(session) == 0


def test_convert_refuses_expired_quotes(sales):
    quote = make_confirmed_quote(sales, valid_days=5)
    sales.now = sales.now + timedelta(days=6)
    with pytest.raises(BusinessRuleViolation, match="expired on 2026-11-25"):
        invoke("convert_quote_to_order", sales, {"quote": quote.number})


def test_support_cannot_approve_or_convert(session, now, settings, sales):
    quote = make_confirmed_quote(sales)
    support = ctx_for(session, now, settings, "support")
    for tool in ("approve_quote", "convert_quote_to_order"):
        with pytest.raises(PermissionDenied):
            invoke(tool, support, {"quote": quote.number})


# --- order_status ------------------------------------------------------------------------------------------------

def test_order_status_payment_states(session, world, now, settings):
    minh, paper = world["minh"], world["paper"]
    lines = [(paper, 10, D("90000"), D("0"))]  # 900,000 net, 990,000 with VAT
    not_invoiced = make_order(session, customer=minh, lines=lines, order_date=date(2026, 11, 1), number="SO-T-A")
    unpaid = make_order(session, customer=minh, lines=lines, order_date=date(2026, 11, 2), number="SO-T-B",
                        status="invoiced")
    partly = make_order(session, customer=minh, lines=lines, order_date=date(2026, 11, 3), number="SO-T-C",
                        status="invoiced")
    paid = make_order(session, customer=minh, lines=lines, order_date=date(2026, 11, 4), number="SO-T-D",
                      status="invoiced")
    make_invoice(session, customer=minh, amount=D("990000"), order=unpaid, issue_date=date(2026, 10, 1), number="INV-T-B")
    inv_c = make_invoice(session, customer=minh, amount=D("990000"), order=partly, number="INV-T-C",
                         issue_date=date(2026, 11, 3))
    make_payment(session, invoice=inv_c, amount=D("400000"))
    inv_d = make_invoice(session, customer=minh, amount=D("990000"), order=paid, number="INV-T-D",
                         issue_date=date(2026, 11, 4))
    make_payment(session, invoice=inv_d, amount=D("990000"))
    support = ctx_for(session, now, settings, "support")
    states = {o.number: o for o in invoke("order_status", support, {"customer": "MINHPHAT"}).orders}
    assert {n: o.payment_state for n, o in states.items()} == {
        "SO-T-A": "not invoiced", "SO-T-B": "unpaid", "SO-T-C": "partly paid", "SO-T-D": "paid"}
    b, c, d = states["SO-T-B"], states["SO-T-C"], states["SO-T-D"]
    assert (b.invoices[0].open_balance, b.invoices[0].overdue, b.invoices[0].due_date) == (D("990000"), True, date(2026, 10, 31))
    assert (c.paid_amount, c.open_balance, c.invoices[0].overdue) == (D("400000"), D("590000"), False)
    assert (d.invoices[0].status, d.open_balance, d.paid_amount) == ("paid", D("0"), D("990000"))
    assert not_invoiced.net_amount == states["SO-T-A"].net_amount == D("900000")
    line = states["SO-T-A"].lines[0]
    assert (line.sku, line.name, line.quantity, line.unit_price, line.line_amount) == (
        "PAPER-A4", "A4 Copy Paper 80gsm", 10, D("90000"), D("900000"))
    assert "unit_cost" not in line.model_dump()


def test_order_status_latest_first_and_limit(session, sales, world):
    for day in (1, 5, 3):
        make_order(session, customer=world["minh"], lines=[(world["pen"], 1, None, D("0"))],
                   order_date=date(2026, 11, day), number=f"SO-T-{day}")
    result = invoke("order_status", sales, {"customer": "Minh Phat", "limit": 2})
    assert result.total_orders == 3 and [o.number for o in result.orders] == ["SO-T-5", "SO-T-3"]
    assert len(invoke("order_status", sales, {"customer": "MINHPHAT"}).orders) == 3


def test_order_status_by_number_after_conversion(session, sales):
    quote = make_confirmed_quote(sales)
    done = confirm(sales, invoke("convert_quote_to_order", sales, {"quote": quote.number}).confirmation_id)
    result = invoke("order_status", sales, {"order": done.order_number.lower()})
    order = result.orders[0]
    assert (result.total_orders, order.number, order.status, order.quote_number) == (1, done.order_number, "confirmed", quote.number)
    assert (order.net_amount, order.payment_state, order.invoices, order.shipped_date) == (D("9550000"), "not invoiced", [], None)


def test_order_status_bad_input(session, sales, world):
    with pytest.raises(ValidationFailed, match="which order"):
        invoke("order_status", sales, {})
    with pytest.raises(NotFound, match="SO-2026-424242"):
        invoke("order_status", sales, {"order": "SO-2026-424242"})
    other = make_customer(session, name="Other Buyer", code="OTHER")
    make_order(session, customer=other, lines=[(world["pen"], 1, None, D("0"))], number="SO-T-X")
    with pytest.raises(NotFound, match="not an order of"):
        invoke("order_status", sales, {"order": "SO-T-X", "customer": "MINHPHAT"})


def test_order_status_finds_imported_number_formats(session, sales, world):
    minh, paper = world["minh"], world["paper"]
    shipped = make_order(session, customer=minh, lines=[(paper, 2, None, D("0"))], order_date=date(2026, 11, 2),
                         number="BO-17-2108", status="shipped")
    shipped.shipped_date = date(2026, 11, 5)
    make_order(session, customer=minh, lines=[(paper, 1, None, D("0"))], order_date=date(2023, 3, 1),
               number="so-2023-000123", status="invoiced")  # an old system's numbers, kept in lower case
    session.flush()
    for asked in ("BO-17-2108", "bo-17-2108", " Bo-17-2108 "):
        order = invoke("order_status", sales, {"order": asked}).orders[0]
        assert (order.number, order.status, order.shipped_date) == ("BO-17-2108", "shipped", date(2026, 11, 5))
    assert invoke("order_status", sales, {"order": "SO-2023-000123"}).orders[0].number == "so-2023-000123"
    assert invoke("order_status", sales, {"order": "BO-17-2108", "customer": "MINHPHAT"}).total_orders == 1


def test_order_numbers_differing_only_in_case_are_ambiguous(session, sales, world):
    for number in ("bo-1", "Bo-1"):
        make_order(session, customer=world["minh"], lines=[(world["pen"], 1, None, D("0"))], number=number)
    with pytest.raises(Ambiguous, match="differ only in letter case"):
        invoke("order_status", sales, {"order": "BO-1"})
    assert invoke("order_status", sales, {"order": "Bo-1"}).orders[0].number == "Bo-1"


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------------------

@pytest.mark.skipif(not PG_URL, reason="needs TANDEM_TEST_DATABASE_URL (PostgreSQL)")
def test_ten_concurrent_confirmations_create_one_quote():
    from backend.db import make_engine, migrate, session_factory
    from backend.ledger import company
    from backend.models import (AuditEntry, Company, Confirmation, Customer, DocumentSequence, Employee, Product,
                                QuoteLine, Warehouse)

    engine = make_engine(PG_URL)
    migrate(engine)
    make_session = session_factory(engine)
    tag = uuid.uuid4().hex[:8].upper()
    now = datetime(2099, 3, 1, 3, 0, tzinfo=timezone.utc)  # a year of its own, so the QUO counter is ours
    with make_session() as setup:
        had_company = setup.execute(select(func.count()).select_from(Company)).scalar_one() > 0
        base = company(setup).base_currency
        actor = make_employee(setup, role="sales", code=f"CONC-{tag}")
        customer = make_customer(setup, name=f"Concurrent Buyer {tag}", code=f"CONC{tag}", currency=base, credit_limit=None)
        product = make_product(setup, sku=f"CONC-{tag}", name=f"Concurrency Widget {tag}", currency=base,
                               warehouse=f"W{tag}")
        setup.commit()
        actor_id, customer_id, product_id = actor.id, customer.id, product.id
        ctx = ToolContext(session=setup, actor=actor, channel="test", now=now)
        pending = invoke("create_quote", ctx, {"customer": customer.code, "lines": [
            {"product": product.sku, "quantity": 3}]})
        setup.commit()
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)
    lock = threading.Lock()

    def confirmer() -> None:
        with make_session() as session:
            ctx = ToolContext(session=session, actor=session.get(Employee, actor_id), channel="test", now=now)
            try:
                barrier.wait()
                result = confirm(ctx, pending.confirmation_id)
                session.commit()
                with lock:
                    outcomes.append(result.number)
            except ConfirmationError:
                session.rollback()
                with lock:
                    outcomes.append("refused")
            except BaseException as exc:  # surfaced in the assertions below
                session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=confirmer) for _ in range(10)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with make_session() as check:
            numbers = check.execute(select(Quote.number).where(Quote.customer_id == customer_id)).scalars().all()
        assert not errors, errors
        assert sorted(outcomes) == ["QUO-2099-000001"] + ["refused"] * 9
        assert numbers == ["QUO-2099-000001"]
    finally:
        with engine.begin() as conn:
            quote_ids = select(Quote.id).where(Quote.customer_id == customer_id)
            conn.execute(delete(QuoteLine).where(QuoteLine.quote_id.in_(quote_ids)))
            conn.execute(delete(Quote).where(Quote.customer_id == customer_id))
            conn.execute(delete(Confirmation).where(Confirmation.actor_id == actor_id))
            conn.execute(delete(AuditEntry).where(AuditEntry.actor_id == actor_id))
            conn.execute(delete(StockLevel).where(StockLevel.product_id == product_id))
            conn.execute(delete(Product).where(Product.id == product_id))
            conn.execute(delete(Warehouse).where(Warehouse.code == f"W{tag}"))
            conn.execute(delete(Customer).where(Customer.id == customer_id))
            conn.execute(delete(Employee).where(Employee.id == actor_id))
            conn.execute(delete(DocumentSequence).where(DocumentSequence.doc_type == "quote", DocumentSequence.year == 2099))
            if not had_company:
                conn.execute(text("DELETE FROM company"))
        engine.dispose()
