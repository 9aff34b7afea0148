"""Purchasing through the tools with the ledger posting after each flush, as in the application: a receipt puts the
order's cost into inventory against goods received not billed, the bill clears that (a price difference to
variance), the payment clears payables, a delivery's movement carries the cost the ledger took out, and a stock
adjustment moves the count difference between inventory and the adjustments account at moving-average cost."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.accounting.balances import trial_balance
from backend.accounting.hooks import install_posting
from backend.accounting.statements import profit_and_loss
from backend.errors import BusinessRuleViolation
from backend.models import Account, JournalEntry, JournalLine, Product, ProductCost, StockLevel, StockMovement
from backend.tools.context import ToolContext
from backend.tools.registry import confirm, invoke
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee
from tests.factories.purchasing import make_supplier
from tests.factories.sales import make_order

D = Decimal


@pytest.fixture
def finance(session, now, settings):
    make_company(session)  # VND, VAT 10 %
    install_posting(session)
    make_warehouse(session, code="HCM")
    make_product(session, sku="PAPER-A4", name="A4 Copy Paper", unit_cost=D("70000"), stock=0, reorder_level=0)
    make_supplier(session, name="Thiên Long Supplies", code="THIENLONG")
    return ToolContext(session=session, actor=make_employee(session, role="finance"), channel="test", now=now,
                       settings=settings)


def run(ctx, tool, arguments):
    return confirm(ctx, invoke(tool, ctx, arguments).confirmation_id)


def balances(session) -> dict[str, Decimal]:
    return {row.code: row.balance for row in trial_balance(session)}


def entry_lines(session, source_type: str, source_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    """{account code: (debit, credit)} of a document's entry."""
    entry = session.execute(select(JournalEntry).where(JournalEntry.source_type == source_type,
                                                       JournalEntry.source_id == source_id)).scalar_one()
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for code, debit, credit in session.execute(select(Account.code, JournalLine.debit, JournalLine.credit)
                                               .join(Account, Account.id == JournalLine.account_id)
                                               .where(JournalLine.entry_id == entry.id)):
        d, c = found.get(code, (D(0), D(0)))
        found[code] = (d + debit, c + credit)
    return found


def test_receipt_bill_payment_and_delivery_post_balanced_entries(session, now, settings, finance):
    po = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": 100}]}).purchase_order.number
    run(finance, "approve_purchase_order", {"purchase_order": po})
    receipt = run(finance, "receive_goods", {"purchase_order": po, "lines": [{"product": "PAPER-A4", "quantity": 40}]})
    # A preview posts nothing: only the confirmed receipt has an entry.
    assert session.execute(select(JournalEntry.source_type)).scalars().all() == ["goods_receipt"]
    assert receipt.value_base == D("2800000")
    books = balances(session)  # debit positive, credit negative
    assert (books["1300"], books["2100"]) == (D("2800000"), D("-2800000"))
    bill = run(finance, "record_supplier_bill", {"purchase_order": po, "supplier_reference": "TL-1", "lines": [
        {"product": "PAPER-A4", "quantity": 40, "unit_cost": "71000"}]})
    assert bill.match_status == "exceptions" and bill.total == D("3124000")
    books = balances(session)
    # GRNI cleared at the order's cost; 40 x 1,000 to price variance; VAT input; the supplier is owed the total.
    assert (books.get("2100", D(0)), books["5100"], books["1400"], books["2000"]) == (
        D(0), D("40000"), D("284000"), D("-3124000"))
    run(finance, "record_supplier_payment", {"bills": [{"bill": bill.number}], "pay_exceptions": True})
    assert balances(session).get("2000", D(0)) == D(0)
    paper = session.execute(select(Product).where(Product.sku == "PAPER-A4")).scalar_one()
    order = make_order(session, customer=make_customer(session), lines=[(paper, 10, None, D(0))])
    sales = ToolContext(session=session, actor=make_employee(session, role="sales"), channel="test", now=now,
                        settings=settings)
    run(sales, "ship_order", {"order": order.number})
    delivery = session.execute(select(StockMovement).where(StockMovement.kind == "delivery")).scalar_one()
    assert (delivery.quantity, delivery.unit_cost, delivery.moved_on) == (-10, D("70000"), date(2026, 11, 20))
    books = balances(session)
    assert (books["5000"], books["1300"]) == (D("700000"), D("2100000"))


def _receive(ctx, quantity: int, unit_cost: str) -> None:
    po = run(ctx, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": quantity, "unit_cost": unit_cost}]}).purchase_order.number
    run(ctx, "approve_purchase_order", {"purchase_order": po})
    run(ctx, "receive_goods", {"purchase_order": po})


def _cost_row(session) -> tuple[int, Decimal]:
    paper = session.execute(select(Product).where(Product.sku == "PAPER-A4")).scalar_one()
    row = session.execute(select(ProductCost).where(ProductCost.product_id == paper.id)).scalar_one()
    return row.quantity, row.value


def test_a_stock_adjustment_posts_the_count_difference_at_moving_average_cost(session, finance):
    _receive(finance, 10, "100000")
    _receive(finance, 7, "130000")
    # 17 units worth 1,000,000 + 910,000 = 1,910,000: 112,352.94... each.
    assert _cost_row(session) == (17, D("1910000"))
    lost = run(finance, "adjust_stock", {"product": "PAPER-A4", "warehouse": "HCM", "counted": 14,
                                         "reason": "Stock count November"})
    assert (lost.change, lost.unit_cost) == (-3, D("112352.9412"))
    movement = session.execute(select(StockMovement).where(StockMovement.kind == "adjustment")).scalar_one()
    # 3 x 1,910,000 / 17 = 337,058.82 -> 337,059 out of inventory into the adjustments account.
    assert entry_lines(session, "stock_adjustment", movement.id) == {"5200": (D("337059"), D(0)),
                                                                     "1300": (D(0), D("337059"))}
    assert _cost_row(session) == (14, D("1572941"))
    found = run(finance, "adjust_stock", {"product": "PAPER-A4", "warehouse": "HCM", "change": 2,
                                          "reason": "Two boxes found behind the rack"})
    assert found.unit_cost == D("112352.9286")  # 1,572,941 / 14
    movement = session.execute(select(StockMovement).where(StockMovement.kind == "adjustment")
                               .order_by(StockMovement.id.desc()).limit(1)).scalar_one()
    # 2 x 1,572,941 / 14 = 224,705.86 -> 224,706 back into inventory.
    assert entry_lines(session, "stock_adjustment", movement.id) == {"1300": (D("224706"), D(0)),
                                                                     "5200": (D(0), D("224706"))}
    assert _cost_row(session) == (16, D("1797647"))
    books = balances(session)
    assert (books["1300"], books["5200"]) == (D("1797647"), D("112353"))
    # The inventory valuation (ledger) agrees with the stock on the shelf at the cost book's value.
    valuation = invoke("run_report", finance, {"report": "inventory_valuation"})
    assert (valuation.totals["quantity"], valuation.totals["value"]) == (16, D("1797647"))
    assert sum(level.quantity for level in session.execute(select(StockLevel)).scalars()) == 16
    # A count difference is part of the cost of sales.
    pnl = profit_and_loss(session, date(2026, 11, 1), date(2026, 11, 30))
    assert pnl.cost_of_sales.amount("inventory_adjustments") == D("112353")
    # Counting the rest away takes out all the value that is left, so nothing stays behind.
    run(finance, "adjust_stock", {"product": "PAPER-A4", "warehouse": "HCM", "counted": 0, "reason": "Water damage"})
    assert _cost_row(session) == (0, D(0))
    assert balances(session).get("1300", D(0)) == D(0)


def test_an_adjustments_entry_is_not_reversed_on_its_own(session, finance):
    _receive(finance, 10, "100000")
    run(finance, "adjust_stock", {"product": "PAPER-A4", "warehouse": "HCM", "change": -1, "reason": "Broken box"})
    entry = session.execute(select(JournalEntry).where(JournalEntry.source_type == "stock_adjustment")).scalar_one()
    with pytest.raises(BusinessRuleViolation, match="moving-average cost"):
        invoke("reverse_journal_entry", finance, {"entry": entry.number})
