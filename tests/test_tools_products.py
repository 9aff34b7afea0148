"""find_products and product_availability: fuzzy lookup, stock per warehouse, customer prices (price lists,
quantity breaks, FX) and who may see costs; plus price_for on its own."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backend.errors import BusinessRuleViolation, NotFound, ValidationFailed
from backend.models import StockLevel
from backend.tools.context import ToolContext
from backend.tools.pricing import price_for
from backend.tools.registry import invoke
from tests.factories.catalog import make_price_list, make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee


def add_stock(session, product, *, warehouse: str, quantity: int, reserved: int = 0, reorder_level: int = 0) -> StockLevel:
    wh = make_warehouse(session, code=warehouse, name=f"{warehouse} warehouse")
    row = StockLevel(product_id=product.id, warehouse_id=wh.id, quantity=quantity, reserved=reserved,
                     reorder_level=reorder_level)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(session):
    make_company(session)  # VND, VAT 10 %, Asia/Ho_Chi_Minh
    paper = make_product(session, sku="PAPER-A4", name="A4 Copy Paper 80gsm", unit_price=Decimal("100000"),
                         unit_cost=Decimal("70000"), category="Paper", stock=100, reorder_level=80)
    paper.unit = "ream"
    paper.stock[0].reserved = 30  # HCM: 100 on hand, 30 reserved -> 70 < 80
    add_stock(session, paper, warehouse="HAN", quantity=50, reserved=0, reorder_level=10)
    pen = make_product(session, sku="PEN-BLUE", name="Blue Ballpoint Pen", unit_price=Decimal("5000"),
                       unit_cost=Decimal("3000"), category="Writing", stock=1000)
    old = make_product(session, sku="FAX-ROLL", name="Fax Paper Roll", unit_price=Decimal("40000"), category="Paper",
                       active=False, stock=5)
    ink = make_product(session, sku="INK-IMP", name="Imported Ink Cartridge", unit_price=Decimal("12.50"),
                       unit_cost=Decimal("9.00"), currency="USD", category="Ink", stock=40)
    wholesale = make_price_list(session, code="WHOLESALE", prices=[(paper, 1, Decimal("95000")),
                                                                   (paper, 100, Decimal("90000"))])
    vnd = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT")
    vnd.price_list_id = wholesale.id
    usd = make_customer(session, name="Saigon Imports Ltd", code="SGIMPORT", currency="USD")
    make_fx_rate(session, currency="USD", rate=Decimal("24000"), rate_date=date(2026, 10, 1))
    make_fx_rate(session, currency="USD", rate=Decimal("25000"), rate_date=date(2026, 11, 1))
    make_fx_rate(session, currency="USD", rate=Decimal("26000"), rate_date=date(2026, 11, 25))  # after "today"
    session.flush()
    return {"paper": paper, "pen": pen, "old": old, "ink": ink, "vnd": vnd, "usd": usd, "wholesale": wholesale}


def ctx_for(session, now, settings, role: str) -> ToolContext:
    return ToolContext(session=session, actor=make_employee(session, role=role), channel="test", now=now,
                       settings=settings)


@pytest.fixture
def sales(session, now, settings, world):
    return ctx_for(session, now, settings, "sales")


@pytest.fixture
def support(session, now, settings, world):
    return ctx_for(session, now, settings, "support")


# --- find_products -----------------------------------------------------------------------------------------------

def test_find_by_sku_is_exact_and_sums_available_stock(sales):
    result = invoke("find_products", sales, {"query": "paper-a4"})
    assert [p.sku for p in result.products] == ["PAPER-A4"]
    hit = result.products[0]
    assert hit.score == 100 and not result.ambiguous
    assert (hit.name, hit.category, hit.unit, hit.list_price, hit.currency) == (
        "A4 Copy Paper 80gsm", "Paper", "ream", Decimal("100000"), "VND")
    assert hit.stock_available == 70 + 50  # (100 - 30) at HCM + 50 at HAN


def test_find_by_name_is_fuzzy_and_shows_why_inactive(sales):
    result = invoke("find_products", sales, {"query": "fax papr roll"})
    assert result.products[0].sku == "FAX-ROLL"
    assert result.products[0].active is False
    assert result.products[0].inactive_reason == "Discontinued by the supplier"


def test_find_active_only_and_category(sales):
    skus = {p.sku for p in invoke("find_products", sales, {"query": "paper"}).products}
    assert {"PAPER-A4", "FAX-ROLL"} <= skus
    active = {p.sku for p in invoke("find_products", sales, {"query": "paper", "active_only": True}).products}
    assert "FAX-ROLL" not in active and "PAPER-A4" in active
    by_category = invoke("find_products", sales, {"category": "paper"}).products
    assert {p.sku for p in by_category} == {"PAPER-A4", "FAX-ROLL"}
    assert all(p.score is None for p in by_category)
    assert invoke("find_products", sales, {"query": "ink", "category": "Paper"}).products == []
    assert [p.sku for p in invoke("find_products", sales, {"query": "ink", "category": "Ink"}).products] == ["INK-IMP"]


def test_find_needs_query_or_category(sales):
    with pytest.raises(ValidationFailed, match="product name or SKU"):
        invoke("find_products", sales, {})
    with pytest.raises(ValidationFailed, match="limit"):
        invoke("find_products", sales, {"query": "pen", "limit": 0})


def test_find_products_shows_no_cost_to_anyone(support):
    hit = invoke("find_products", support, {"query": "PAPER-A4"}).products[0]
    assert "unit_cost" not in hit.model_dump() and "margin_pct" not in hit.model_dump()


# --- product_availability ----------------------------------------------------------------------------------------

def test_availability_stock_per_warehouse(sales):
    result = invoke("product_availability", sales, {"product": "PAPER-A4"})
    by_wh = {s.warehouse: s for s in result.stock}
    assert (by_wh["HCM"].quantity, by_wh["HCM"].reserved, by_wh["HCM"].available) == (100, 30, 70)
    assert by_wh["HCM"].reorder_level == 80 and by_wh["HCM"].below_reorder is True
    assert (by_wh["HAN"].available, by_wh["HAN"].below_reorder) == (50, False)
    assert result.total_available == 120
    assert result.quantity is None and result.can_fulfil is None and result.amount is None
    assert (result.unit_price, result.currency, result.price_source) == (Decimal("100000"), "VND", "list_price")


def test_availability_can_fulfil_boundary(sales):
    fits = invoke("product_availability", sales, {"product": "PAPER-A4", "quantity": 120})
    assert fits.can_fulfil is True and fits.shortfall == 0
    short = invoke("product_availability", sales, {"product": "PAPER-A4", "quantity": 121})
    assert short.can_fulfil is False and short.shortfall == 1


def test_availability_price_list_quantity_break_99_vs_100(sales):
    at_99 = invoke("product_availability", sales, {"product": "PAPER-A4", "customer": "MINHPHAT", "quantity": 99})
    assert (at_99.unit_price, at_99.price_source, at_99.price_list_code, at_99.price_break_min_quantity) == (
        Decimal("95000"), "price_list", "WHOLESALE", 1)
    assert at_99.amount == Decimal("9405000")
    at_100 = invoke("product_availability", sales, {"product": "PAPER-A4", "customer": "MINHPHAT", "quantity": 100})
    assert (at_100.unit_price, at_100.price_break_min_quantity) == (Decimal("90000"), 100)
    assert at_100.amount == Decimal("9000000")
    assert at_100.customer_code == "MINHPHAT" and at_100.list_price == Decimal("100000")


def test_availability_product_not_on_price_list_uses_list_price(sales):
    result = invoke("product_availability", sales, {"product": "PEN-BLUE", "customer": "MINHPHAT", "quantity": 10})
    assert (result.unit_price, result.price_source, result.price_list_code) == (Decimal("5000"), "list_price", None)


def test_availability_usd_customer_converts_at_todays_rate(sales):
    # 100,000 VND at 25,000 VND/USD (the 2026-11-01 rate; the 2026-11-25 rate is in the future)
    result = invoke("product_availability", sales, {"product": "PAPER-A4", "customer": "SGIMPORT", "quantity": 3})
    assert (result.unit_price, result.currency) == (Decimal("4.00"), "USD")
    assert result.amount == Decimal("12.00")
    assert result.unit_cost == Decimal("2.80") and result.margin_pct == Decimal("30.00")


def test_availability_usd_product_for_vnd_customer(sales):
    result = invoke("product_availability", sales, {"product": "INK-IMP", "customer": "MINHPHAT"})
    assert (result.unit_price, result.currency) == (Decimal("312500"), "VND")
    assert (result.list_price, result.list_currency) == (Decimal("12.50"), "USD")
    assert result.unit_cost == Decimal("225000") and result.margin_pct == Decimal("28.00")


def test_availability_missing_fx_rate_is_a_clear_error(session, sales):
    make_customer(session, name="Tokyo Paper KK", code="TOKYO", currency="JPY")
    with pytest.raises(BusinessRuleViolation, match="exchange rate"):
        invoke("product_availability", sales, {"product": "PAPER-A4", "customer": "TOKYO"})


def test_availability_costs_for_sales_never_for_support(sales, support):
    seen = invoke("product_availability", sales, {"product": "PAPER-A4"})
    assert seen.unit_cost == Decimal("70000") and seen.margin_pct == Decimal("30.00")
    hidden = invoke("product_availability", support, {"product": "PAPER-A4", "customer": "MINHPHAT", "quantity": 5})
    assert hidden.unit_cost is None and hidden.margin_pct is None
    assert hidden.unit_price == Decimal("95000")  # support still sees the selling price


def test_availability_inactive_product_still_answers_with_reason(sales):
    result = invoke("product_availability", sales, {"product": "FAX-ROLL", "quantity": 2})
    assert result.active is False and result.inactive_reason == "Discontinued by the supplier"
    assert result.can_fulfil is True


def test_availability_bad_input(sales):
    with pytest.raises(NotFound, match="NOPE-1"):
        invoke("product_availability", sales, {"product": "NOPE-1"})
    with pytest.raises(ValidationFailed, match="quantity"):
        invoke("product_availability", sales, {"product": "PAPER-A4", "quantity": 0})
    with pytest.raises(NotFound):
        invoke("product_availability", sales, {"product": "PAPER-A4", "customer": "No Such Customer Ltd"})


# --- price_for ---------------------------------------------------------------------------------------------------

def test_price_for_directly(session, world):
    today = date(2026, 11, 20)
    q = price_for(session, world["paper"], world["vnd"], 250, today)
    assert (q.unit_price, q.currency, q.source, q.price_list_code, q.min_quantity) == (
        Decimal("90000"), "VND", "price_list", "WHOLESALE", 100)
    plain = price_for(session, world["paper"], None, 250, today)
    assert (plain.unit_price, plain.source, plain.min_quantity) == (Decimal("100000"), "list_price", None)
    # A USD price list for a USD customer is taken as is; a VND list for a USD customer is converted.
    usd_list = make_price_list(session, code="EXPORT", currency="USD", prices=[(world["pen"], 1, Decimal("0.19"))])
    world["usd"].price_list_id = usd_list.id
    assert price_for(session, world["pen"], world["usd"], 1, today).unit_price == Decimal("0.19")
    world["usd"].price_list_id = world["wholesale"].id
    assert price_for(session, world["paper"], world["usd"], 100, today).unit_price == Decimal("3.60")
    # The rate of the day asked for: on 2026-10-15 the 24,000 rate applies.
    assert price_for(session, world["paper"], world["usd"], 100, date(2026, 10, 15)).unit_price == Decimal("3.75")


def test_availability_says_whether_each_warehouse_alone_can_serve_the_quantity(sales):
    levels = invoke("product_availability", sales, {"product": "PAPER-A4"}).stock
    assert levels and all(level.can_fulfil is None for level in levels)   # no quantity asked
    most = max(level.available for level in levels)
    checked = invoke("product_availability", sales, {"product": "PAPER-A4", "quantity": most}).stock
    assert [level.can_fulfil for level in checked] == [level.available >= most for level in levels]
    assert any(level.can_fulfil for level in checked)
