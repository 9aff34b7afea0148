"""Purchasing and payables: suppliers, purchase orders (gapless numbers, approval threshold), goods receipts and
the stock movements that explain on-hand stock, three-way matched bills, supplier payments, AP aging, reordering
to the usual supplier, deliveries and adjustments, and who may do what."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.errors import BusinessRuleViolation, NotFound, PermissionDenied, ValidationFailed
from backend.models import PurchaseOrder, StockLevel, StockMovement, SupplierBill, SupplierPayment
from backend.settings import PurchasingRules
from backend.tools.context import ToolContext
from backend.tools.registry import confirm, invoke
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.purchasing import make_bill, make_opening_stock, make_supplier, make_supplier_contact
from tests.factories.sales import make_order

D = Decimal


@pytest.fixture
def world(session, settings):
    make_company(session)  # VND, VAT 10 %; `now` is 2026-11-20 in Ho Chi Minh City
    settings.purchasing = PurchasingRules(approval_threshold=D("50000000"))
    hcm = make_warehouse(session, code="HCM")
    paper = make_product(session, sku="PAPER-A4", name="A4 Copy Paper", unit_cost=D("70000"), stock=0, reorder_level=0)
    pen = make_product(session, sku="PEN-BLUE", name="Blue Pen", unit_price=D("5000"), unit_cost=D("3000"), stock=0,
                       reorder_level=0)
    thien = make_supplier(session, name="Thiên Long Supplies", code="THIENLONG", payment_terms_days=30)
    make_supplier_contact(session, supplier=thien, name="Lê Văn Cường", email="cuong@thienlong.test")
    pacific = make_supplier(session, name="Pacific Paper Mills", code="PACIFIC", currency="USD", payment_terms_days=45)
    make_fx_rate(session, currency="USD", rate=D("25000"), rate_date=date(2026, 11, 1))
    return {"hcm": hcm, "paper": paper, "pen": pen, "thien": thien, "pacific": pacific}


def ctx_for(session, now, settings, role: str) -> ToolContext:
    return ToolContext(session=session, actor=make_employee(session, role=role), channel="test", now=now,
                       settings=settings)


@pytest.fixture
def finance(session, now, settings, world):
    return ctx_for(session, now, settings, "finance")


@pytest.fixture
def manager(session, now, settings, world):
    return ctx_for(session, now, settings, "manager")


def run(ctx, tool, arguments):
    """Preview, then confirm as the same person."""
    pending = invoke(tool, ctx, arguments)
    assert pending.status == "pending_confirmation"
    return confirm(ctx, pending.confirmation_id)


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def sent_po(ctx, lines=None, supplier="THIENLONG") -> str:
    po = run(ctx, "create_purchase_order", {"supplier": supplier, "lines": lines or [
        {"product": "PAPER-A4", "quantity": 100}, {"product": "PEN-BLUE", "quantity": 200, "unit_cost": "2900"}]})
    number = po.purchase_order.number
    run(ctx, "approve_purchase_order", {"purchase_order": number})
    return number


def level(session, product, warehouse) -> StockLevel:
    return session.execute(select(StockLevel).where(StockLevel.product_id == product.id,
                                                    StockLevel.warehouse_id == warehouse.id)
                           .execution_options(populate_existing=True)).scalar_one()


# --- suppliers -----------------------------------------------------------------------------------------------

def test_find_suppliers_is_fuzzy_and_shows_payables_to_finance_only(session, now, settings, world, finance):
    make_bill(session, supplier=world["thien"], total=D("1200000"))
    found = invoke("find_suppliers", finance, {"query": "thien long"})
    top = found.suppliers[0]
    assert (top.code, top.currency, top.payment_terms_days) == ("THIENLONG", "VND", 30)
    assert [c.name for c in top.contacts] == ["Lê Văn Cường"]
    assert (top.open_bills, top.open_payables_base) == (1, D("1200000"))
    support = ctx_for(session, now, settings, "support")
    seen = invoke("find_suppliers", support, {"query": "THIENLONG"}).suppliers[0]
    assert seen.open_payables_base is None and seen.open_bills is None


# --- purchase orders ----------------------------------------------------------------------------------------

def test_a_purchase_order_is_drafted_on_confirmation_with_gapless_numbers(session, world, finance):
    pending = invoke("create_purchase_order", finance, {"supplier": "Thien Long", "lines": [
        {"product": "PAPER-A4", "quantity": 10}]})
    preview = pending.preview.purchase_order
    assert preview.number == "(assigned on confirmation)"
    assert (preview.total, preview.tax, preview.net_amount) == (D("770000"), D("70000"), D("700000"))
    assert count(session, PurchaseOrder) == 0
    # A preview takes no number, so the next confirmed orders are 1 and 2.
    invoke("create_purchase_order", finance, {"supplier": "THIENLONG", "lines": [{"product": "PEN-BLUE", "quantity": 1}]})
    first = confirm(finance, pending.confirmation_id).purchase_order
    second = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PEN-BLUE", "quantity": 5}]}).purchase_order
    assert (first.number, second.number) == ("PO-2026-000001", "PO-2026-000002")
    assert (first.status, first.needs_approval, first.warehouse) == ("draft", False, "HCM")


def test_a_foreign_supplier_is_ordered_in_its_currency_at_the_day_rate(session, world, finance):
    po = run(finance, "create_purchase_order", {"supplier": "PACIFIC", "lines": [
        {"product": "PAPER-A4", "quantity": 100}]}).purchase_order
    # 70,000 VND catalogue cost at 25,000 VND per USD is 2.80 USD.
    assert (po.currency, po.fx_rate, po.lines[0].unit_cost) == ("USD", D("25000"), D("2.80"))
    assert (po.total, po.total_base) == (D("308.00"), D("7700000"))


def test_above_the_threshold_a_manager_must_approve_before_it_is_sent(session, world, finance, manager):
    big = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": 1000}]}).purchase_order
    assert big.needs_approval and big.total_base == D("77000000")
    with pytest.raises(PermissionDenied, match="above the approval threshold"):
        invoke("approve_purchase_order", finance, {"purchase_order": big.number})
    done = run(manager, "approve_purchase_order", {"purchase_order": big.number}).purchase_order
    assert (done.status, done.approved_by) == ("sent", manager.actor.name)
    with pytest.raises(BusinessRuleViolation, match="only drafts"):
        invoke("approve_purchase_order", manager, {"purchase_order": big.number})
    small = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": 10}]}).purchase_order
    sent = run(finance, "approve_purchase_order", {"purchase_order": small.number}).purchase_order
    assert (sent.status, sent.approved_by) == ("sent", None)


def test_goods_cannot_be_received_on_a_draft(session, world, finance):
    po = run(finance, "create_purchase_order", {"supplier": "THIENLONG", "lines": [
        {"product": "PAPER-A4", "quantity": 10}]}).purchase_order
    with pytest.raises(BusinessRuleViolation, match="received against sent orders"):
        invoke("receive_goods", finance, {"purchase_order": po.number})


# --- receipts and stock movements ---------------------------------------------------------------------------

def test_partial_then_full_receipt_moves_stock_and_explains_it(session, world, finance):
    paper, hcm = world["paper"], world["hcm"]
    make_opening_stock(session, product=paper, warehouse=hcm, quantity=15)
    number = sent_po(finance)
    first = run(finance, "receive_goods", {"purchase_order": number, "lines": [{"product": "PAPER-A4", "quantity": 40}]})
    assert (first.receipt_number, first.status) == ("GR-2026-000001", "partially_received")
    assert first.lines[0].received_total == 40 and first.value_base == D("2800000")
    assert level(session, paper, hcm).quantity == 55
    with pytest.raises(BusinessRuleViolation, match="more than the 60 still outstanding"):
        invoke("receive_goods", finance, {"purchase_order": number, "lines": [{"product": "PAPER-A4", "quantity": 61}]})
    rest = run(finance, "receive_goods", {"purchase_order": number})
    assert rest.status == "received" and {(l.sku, l.quantity) for l in rest.lines} == {("PAPER-A4", 60),
                                                                                       ("PEN-BLUE", 200)}
    assert level(session, paper, hcm).quantity == 115
    moves = invoke("stock_movements", finance, {"product": "PAPER-A4"})
    assert [(m.kind, m.quantity, m.balance) for m in moves.movements] == [
        ("opening", 15, 15), ("receipt", 40, 55), ("receipt", 60, 115)]
    assert moves.movements[1].document == "GR-2026-000001" and moves.movements[1].unit_cost == D("70000")
    assert [(w.warehouse, w.on_hand, w.movements_sum, w.explained) for w in moves.warehouses] == [
        ("HCM", 115, 115, True)]
    # Only the last movement listed: what came before is its opening balance.
    last = invoke("stock_movements", finance, {"product": "PAPER-A4", "limit": 1})
    assert (last.opening_balance, last.movements[0].balance, last.total_movements) == (55, 115, 3)


def test_a_receipt_in_a_foreign_currency_is_valued_at_the_order_rate(session, world, finance):
    number = sent_po(finance, supplier="PACIFIC", lines=[{"product": "PAPER-A4", "quantity": 10, "unit_cost": "3"}])
    receipt = run(finance, "receive_goods", {"purchase_order": number})
    assert receipt.value_base == D("750000")
    movement = session.execute(select(StockMovement).where(StockMovement.kind == "receipt")).scalar_one()
    assert (movement.unit_cost, movement.source_type) == (D("75000"), "goods_receipt")


def test_support_sees_movements_without_costs(session, now, settings, world, finance):
    make_opening_stock(session, product=world["pen"], warehouse=world["hcm"], quantity=5)
    support = ctx_for(session, now, settings, "support")
    moves = invoke("stock_movements", support, {"product": "PEN-BLUE"})
    assert moves.movements[0].quantity == 5 and moves.movements[0].unit_cost is None


def test_adjust_stock_to_a_count_writes_an_adjustment(session, world, finance):
    make_opening_stock(session, product=world["pen"], warehouse=world["hcm"], quantity=50)
    done = run(finance, "adjust_stock", {"product": "PEN-BLUE", "warehouse": "HCM", "counted": 47,
                                         "reason": "Stock count November"})
    assert (done.before, done.change, done.after) == (50, -3, 47)
    moves = invoke("stock_movements", finance, {"product": "PEN-BLUE", "warehouse": "HCM"})
    assert moves.movements[-1].kind == "adjustment" and moves.movements[-1].note == "Stock count November"
    assert moves.warehouses[0].explained
    with pytest.raises(BusinessRuleViolation, match="less than none"):
        invoke("adjust_stock", finance, {"product": "PEN-BLUE", "warehouse": "HCM", "change": -48, "reason": "damage"})
    with pytest.raises(ValidationFailed, match="either change or counted"):
        invoke("adjust_stock", finance, {"product": "PEN-BLUE", "warehouse": "HCM", "reason": "no figure"})


def test_shipping_an_order_takes_reserved_stock_out_as_deliveries(session, now, settings, world, finance):
    paper, hcm = world["paper"], world["hcm"]
    stock = make_opening_stock(session, product=paper, warehouse=hcm, quantity=30)
    stock.reserved = 12
    order = make_order(session, customer=make_customer(session), lines=[(paper, 12, None, D(0))])
    sales = ctx_for(session, now, settings, "sales")
    shipped = run(sales, "ship_order", {"order": order.number})
    assert [(l.sku, l.warehouse, l.quantity) for l in shipped.lines] == [("PAPER-A4", "HCM", 12)]
    after = level(session, paper, hcm)
    assert (after.quantity, after.reserved) == (18, 0)
    session.refresh(order)
    assert (order.status, order.shipped_date) == ("shipped", date(2026, 11, 20))
    moves = invoke("stock_movements", finance, {"product": "PAPER-A4"})
    assert (moves.movements[-1].kind, moves.movements[-1].quantity, moves.movements[-1].document) == (
        "delivery", -12, order.number)
    assert moves.warehouses[0].explained
    with pytest.raises(BusinessRuleViolation, match="only confirmed orders"):
        invoke("ship_order", sales, {"order": order.number})


def test_an_order_short_of_stock_does_not_ship(session, now, settings, world):
    make_opening_stock(session, product=world["pen"], warehouse=world["hcm"], quantity=3)
    order = make_order(session, customer=make_customer(session), lines=[(world["pen"], 4, None, D(0))])
    with pytest.raises(BusinessRuleViolation, match="needs 4, 3 on hand"):
        invoke("ship_order", ctx_for(session, now, settings, "sales"), {"order": order.number})


# --- bills: three-way match ----------------------------------------------------------------------------------

def test_a_bill_that_matches_order_and_receipt_is_matched(session, world, finance):
    number = sent_po(finance)
    run(finance, "receive_goods", {"purchase_order": number})
    bill = run(finance, "record_supplier_bill", {"purchase_order": number, "supplier_reference": "TL-0091"})
    assert (bill.number, bill.match_status, bill.exceptions) == ("BILL-2026-000001", "matched", [])
    # 100 x 70,000 + 200 x 2,900 = 7,580,000 net, VAT 10 %.
    assert (bill.net_amount, bill.tax, bill.total) == (D("7580000"), D("758000"), D("8338000"))
    assert bill.due_date == date(2026, 12, 20)
    with pytest.raises(BusinessRuleViolation, match="already recorded"):
        invoke("record_supplier_bill", finance, {"purchase_order": number, "supplier_reference": "TL-0091",
                                                 "lines": [{"product": "PEN-BLUE", "quantity": 1, "unit_cost": "2900"}]})


def test_billing_above_received_and_off_the_order_price_is_flagged(session, world, finance):
    number = sent_po(finance)
    run(finance, "receive_goods", {"purchase_order": number, "lines": [{"product": "PAPER-A4", "quantity": 40}]})
    bill = run(finance, "record_supplier_bill", {"purchase_order": number, "supplier_reference": "TL-0092", "lines": [
        {"product": "PAPER-A4", "quantity": 50, "unit_cost": "72000"}]})
    assert bill.match_status == "exceptions"
    line = bill.lines[0]
    assert (line.quantity_difference, line.price_difference, line.ordered_unit_cost) == (10, D("2000"), D("70000"))
    assert len(bill.exceptions) == 2
    assert "50 billed, but only 40 received and not yet billed (10 over" in bill.exceptions[0]
    assert "unit cost 72,000 VND differs from the order's 70,000 VND (+2,000 VND)" in bill.exceptions[1]
    stored = session.execute(select(SupplierBill).where(SupplierBill.supplier_reference == "TL-0092")).scalar_one()
    assert stored.match_status == "exceptions" and stored.lines[0].quantity_difference == 10
    # The units billed count: a second bill for the remaining received units is over by all of them.
    again = invoke("record_supplier_bill", finance, {"purchase_order": number, "supplier_reference": "TL-0093",
                                                     "lines": [{"product": "PAPER-A4", "quantity": 1,
                                                                "unit_cost": "70000"}]}).preview
    assert again.lines[0].quantity_difference == 1


def test_a_product_not_on_the_order_is_refused_on_a_bill(session, world, finance):
    number = sent_po(finance, lines=[{"product": "PAPER-A4", "quantity": 5}])
    with pytest.raises(BusinessRuleViolation, match="PEN-BLUE is not on purchase order"):
        invoke("record_supplier_bill", finance, {"purchase_order": number, "supplier_reference": "X1", "lines": [
            {"product": "PEN-BLUE", "quantity": 1, "unit_cost": "1"}]})


# --- payments ------------------------------------------------------------------------------------------------

def test_paying_bills_partly_then_fully_and_refusing_overpayment(session, world, finance):
    thien = world["thien"]
    first = make_bill(session, supplier=thien, total=D("1000000"))
    second = make_bill(session, supplier=thien, total=D("500000"))
    part = run(finance, "record_supplier_payment", {"bills": [{"bill": first.number, "amount": "400000"}],
                                                     "method": "bank transfer"})
    assert (part.number, part.amount, part.bills[0].open_after, part.bills[0].status) == (
        "SPAY-2026-000001", D("400000"), D("600000"), "open")
    with pytest.raises(BusinessRuleViolation, match="Overpayment: 600,001 VND is more than the 600,000 VND"):
        invoke("record_supplier_payment", finance, {"bills": [{"bill": first.number, "amount": "600001"}]})
    assert count(session, SupplierPayment) == 1
    rest = run(finance, "record_supplier_payment", {"bills": [{"bill": first.number}, {"bill": second.number}]})
    assert rest.amount == D("1100000") and [b.status for b in rest.bills] == ["paid", "paid"]
    session.refresh(first)
    assert first.status == "paid"
    with pytest.raises(BusinessRuleViolation, match="is paid"):
        invoke("record_supplier_payment", finance, {"bills": [{"bill": first.number, "amount": "1"}]})


def test_a_bill_with_match_exceptions_is_paid_only_when_asked(session, world, finance):
    bill = make_bill(session, supplier=world["thien"], total=D("100000"), match_status="exceptions")
    with pytest.raises(BusinessRuleViolation, match="three-way match exceptions"):
        invoke("record_supplier_payment", finance, {"bills": [{"bill": bill.number}]})
    paid = run(finance, "record_supplier_payment", {"bills": [{"bill": bill.number}], "pay_exceptions": True})
    assert paid.bills[0].status == "paid"


def test_one_payment_pays_one_supplier(session, world, finance):
    a = make_bill(session, supplier=world["thien"], total=D("100"))
    b = make_bill(session, supplier=make_supplier(session), total=D("100"))
    with pytest.raises(ValidationFailed, match="several suppliers"):
        invoke("record_supplier_payment", finance, {"bills": [{"bill": a.number}, {"bill": b.number}]})
    with pytest.raises(NotFound):
        invoke("record_supplier_payment", finance, {"bills": [{"bill": "BILL-1999-000001"}]})


# --- payables ------------------------------------------------------------------------------------------------

def test_payables_age_open_bills_into_the_receivables_buckets(session, world, finance):
    thien, pacific = world["thien"], world["pacific"]
    # Today is 2026-11-20: due dates 5 days ahead, and 10, 45, 75 and 120 days past.
    make_bill(session, supplier=thien, total=D("1000"), bill_date=date(2026, 11, 15), due_days=10)
    make_bill(session, supplier=thien, total=D("2000"), bill_date=date(2026, 10, 11), due_days=30)
    make_bill(session, supplier=thien, total=D("3000"), bill_date=date(2026, 9, 6), due_days=30)
    paid_part = make_bill(session, supplier=thien, total=D("4000"), bill_date=date(2026, 8, 7), due_days=30)
    make_bill(session, supplier=pacific, total=D("10.00"), bill_date=date(2026, 6, 23), due_days=30,
              fx_rate=D("25000"))
    run(finance, "record_supplier_payment", {"bills": [{"bill": paid_part.number, "amount": "1500"}]})
    ap = invoke("payables", finance, {})
    assert ap.aging.model_dump() == {"current": D("1000"), "days_1_30": D("2000"), "days_31_60": D("3000"),
                                     "days_61_90": D("2500"), "days_91_plus": D("250000")}
    assert ap.total_open_base == D("258500")
    assert [s.code for s in ap.suppliers] == ["PACIFIC", "THIENLONG"]
    one = invoke("payables", finance, {"supplier": "thien long"})
    assert [(b.aging_bucket, b.open_balance, b.days_overdue) for b in one.bills] == [
        ("days_61_90", D("2500"), 75), ("days_31_60", D("3000"), 45), ("days_1_30", D("2000"), 10),
        ("current", D("1000"), 0)]
    # Before the payment was made (it is dated today) the whole bill was open.
    before = invoke("payables", finance, {"supplier": "THIENLONG", "as_of": "2026-11-19"})
    assert before.suppliers[0].open_balance_base == D("10000")


# --- reordering ----------------------------------------------------------------------------------------------

def test_reorder_stock_drafts_one_order_per_usual_supplier(session, world, finance):
    paper, pen, hcm = world["paper"], world["pen"], world["hcm"]
    paper.supplier_id, pen.supplier_id = world["thien"].id, world["pacific"].id
    make_opening_stock(session, product=paper, warehouse=hcm, quantity=5, reorder_level=50)
    make_opening_stock(session, product=pen, warehouse=hcm, quantity=0, reorder_level=100)
    make_product(session, sku="INK-RED", name="Red Ink", stock=1, reorder_level=10)  # no usual supplier
    make_product(session, sku="GLUE", name="Glue", stock=50, reorder_level=10)  # not below its level
    pending = invoke("reorder_stock", finance, {})
    assert count(session, PurchaseOrder) == 0
    assert "Draft 2 purchase order(s)" in pending.summary
    done = confirm(finance, pending.confirmation_id)
    by_supplier = {po.supplier_code: po for po in done.purchase_orders}
    assert set(by_supplier) == {"THIENLONG", "PACIFIC"}
    assert [(l.sku, l.quantity, l.unit_cost) for l in by_supplier["THIENLONG"].lines] == [("PAPER-A4", 45, D("70000"))]
    assert [(l.sku, l.quantity, l.unit_cost) for l in by_supplier["PACIFIC"].lines] == [("PEN-BLUE", 100, D("0.12"))]
    assert all(po.status == "draft" and po.number.startswith("PO-2026-") for po in done.purchase_orders)
    assert [(s.sku, s.reason) for s in done.skipped] == [("INK-RED", "no usual supplier set")]
    # What is on order is not ordered twice; with nothing to draft there is nothing to confirm, and the reasons say why.
    with pytest.raises(BusinessRuleViolation) as refused:
        invoke("reorder_stock", finance, {})
    assert "PAPER-A4 at HCM: 45 already on order" in refused.value.message
    assert "PEN-BLUE at HCM: 100 already on order" in refused.value.message
    assert "no usual supplier set" in refused.value.message


def test_reorder_stock_narrowed_to_a_category_or_a_product(session, world, finance):
    paper, pen, hcm = world["paper"], world["pen"], world["hcm"]
    paper.supplier_id, pen.supplier_id = world["thien"].id, world["pacific"].id
    paper.category, pen.category = "Paper", "Writing instruments"
    make_opening_stock(session, product=paper, warehouse=hcm, quantity=5, reorder_level=50)
    make_opening_stock(session, product=pen, warehouse=hcm, quantity=0, reorder_level=100)
    by_category = invoke("reorder_stock", finance, {"product": "papers"}).preview
    assert [(po.supplier_code, [l.sku for l in po.lines]) for po in by_category.purchase_orders] == [
        ("THIENLONG", ["PAPER-A4"])]
    by_sku = invoke("reorder_stock", finance, {"product": "PEN-BLUE"}).preview
    assert [po.supplier_code for po in by_sku.purchase_orders] == ["PACIFIC"]
    with pytest.raises(NotFound) as unknown:
        invoke("reorder_stock", finance, {"product": "zzqx"})
    assert "Paper" in unknown.value.hint


# --- roles ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["sales", "support"])
@pytest.mark.parametrize("tool, arguments", [
    ("payables", {}),
    ("create_purchase_order", {"supplier": "THIENLONG", "lines": [{"product": "PAPER-A4", "quantity": 1}]}),
    ("receive_goods", {"purchase_order": "PO-2026-000001"}),
    ("record_supplier_bill", {"purchase_order": "PO-2026-000001", "supplier_reference": "X"}),
    ("record_supplier_payment", {"bills": [{"bill": "BILL-2026-000001"}]}),
    ("reorder_stock", {}),
    ("approve_purchase_order", {"purchase_order": "PO-2026-000001"}),
])
def test_sales_and_support_are_refused_purchasing_and_payables(session, now, settings, world, role, tool, arguments):
    with pytest.raises(PermissionDenied, match=f"you are signed in as {role}"):
        invoke(tool, ctx_for(session, now, settings, role), arguments)


def test_a_manager_reads_payables_but_does_not_buy(session, world, manager):
    assert invoke("payables", manager, {}).total_open_base == 0
    with pytest.raises(PermissionDenied):
        invoke("create_purchase_order", manager, {"supplier": "THIENLONG", "lines": [
            {"product": "PAPER-A4", "quantity": 1}]})
