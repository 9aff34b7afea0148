"""Readings added while studying generation 19 (`erp-16` above all), `erp-17`, `second-20` and `chinook-20`, mostly
on the demo company: ledger accounts named by their balance, the supplier bought from the most, what purchase orders
are worth, receipt slips and numbers, the count behind an amount just shown, the oldest unpaid supplier bill, whose an
amount is, purchase orders waiting for a bill or still to come, two-part questions, follow-ups on a comparison, a
ranking and a count, stock against its reorder level, and who approved a purchase order."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from assistant.agent import Assistant
from tests.conftest import DEMO_TODAY

NOW = datetime.combine(DEMO_TODAY, time(18, 0), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def ask(session, message, conversation=None, email="ha@songhong.vn"):
    from backend.models import Employee

    actor = session.execute(select(Employee).where(Employee.email == email)).scalar_one()
    return Assistant().ask(session, actor, message, channel="test", conversation_id=conversation, now=NOW)


def _call(turn):
    assert turn.tool_calls, turn.answer
    return turn.tool_calls[0]["args"]


def _accounts(args):
    return [v for f in args.get("filters", []) if f["dimension"] == "account" for v in f["values"]]


def test_ledger_accounts_named_by_what_their_balance_is(demo):
    bank = _call(ask(demo, "what's the balance in our bank account?"))
    assert bank["measures"] == ["bank_balance"]
    vat_owed = _call(ask(demo, "how much do we still owe in VAT to the tax office, i.e. VAT payable balance?"))
    assert vat_owed["measures"] == ["account_balance"] and _accounts(vat_owed) == ["VAT output (payable)"]
    vat_input = _call(ask(demo, "số dư thuế GTGT đầu vào được khấu trừ trên sổ cái là bao nhiêu?"))
    assert vat_input["measures"] == ["account_balance"] and _accounts(vat_input) == ["VAT input (deductible)"]
    lost = _call(ask(demo, "how much have we lost on exchange rates this yr?"))
    assert lost["measures"] == ["account_activity"] and _accounts(lost) == ["Foreign exchange losses"]
    assert lost["period"] == "this-year"
    # the VAT of a period is still the VAT measures'
    assert _call(ask(demo, "thuế GTGT đầu ra tháng 6"))["measures"] == ["output_vat"]


def test_the_supplier_we_bought_the_most_from(demo):
    from backend.models import Supplier, SupplierBill

    turn = ask(demo, "who did we buy the most from in 2025?")
    args = _call(turn)
    assert args["group_by"] == ["supplier"] and args["measures"] == ["purchases"] and args["period"] == "2025"
    totals: dict[str, object] = {}
    for bill in demo.execute(select(SupplierBill).where(
            SupplierBill.status != "void", SupplierBill.purchase_order_id.is_not(None),
            SupplierBill.bill_date.between(date(2025, 1, 1), date(2025, 12, 31)))).scalars():
        totals[bill.supplier_id] = totals.get(bill.supplier_id, 0) + bill.net_amount * bill.fx_rate
    top = demo.get(Supplier, max(totals, key=totals.get)).name
    assert top in turn.answer and turn.answer.count("\n- ") == 0, turn.answer


def test_what_purchase_orders_are_worth_and_receipt_slips(demo):
    from backend.models import GoodsReceipt

    worth = _call(ask(demo, "tháng 6 mình đặt mua tổng cộng bao nhiêu tiền (chưa VAT)?"))
    assert worth["measures"] == ["purchase_order_net"] and worth["period"] == "2026-06"
    assert _call(ask(demo, "tháng 6 mình đặt mua tổng cộng bao nhiêu tiền?"))["measures"] == ["purchase_order_value"]
    slips = ask(demo, "tháng 6 mình nhập kho bao nhiêu phiếu?")
    assert _call(slips)["measures"] == ["goods_receipts"]
    june = demo.execute(select(func.count(GoodsReceipt.id)).where(
        GoodsReceipt.received_on.between(date(2026, 6, 1), date(2026, 6, 30)))).scalar_one()
    assert f": {june}" in slips.answer
    # a ticket is still a ticket
    assert _call(ask(demo, "tháng 6 có bao nhiêu phiếu hỗ trợ mới?", email="bao@songhong.vn"))["measures"] == \
        ["tickets_opened"]


def test_a_suppliers_deliveries_with_their_receipt_numbers(demo):
    from backend.models import GoodsReceipt, PurchaseOrder, Supplier

    supplier = demo.execute(select(Supplier).where(Supplier.code == "XANHVIET")).scalar_one()
    numbers = demo.execute(select(GoodsReceipt.number).join(PurchaseOrder).where(
        PurchaseOrder.supplier_id == supplier.id, GoodsReceipt.received_on.between(date(2026, 11, 1), DEMO_TODAY))
    ).scalars().all()
    assert numbers   # the demo's supplier delivers every month
    for question in ("tháng này Xanh Việt giao hàng mấy lần, số phiếu nhập là gì?",
                     "how many deliveries did Xanh Viet make this month and what are the receipt numbers?"):
        turn = ask(demo, question, email="bao@songhong.vn")
        args = _call(turn)
        assert args["measures"] == ["goods_receipts"] and args["group_by"] == ["receipt"]
        assert all(n in turn.answer for n in numbers), turn.answer


def test_how_many_bills_is_that_counts_the_ones_the_amount_was_on(demo):
    ask(demo, "how much do we owe suppliers in total right now?", conversation="ap")
    ask(demo, "and how much of that is overdue?", conversation="ap")
    count = ask(demo, "how many bills is that?", conversation="ap")
    assert _call(count)["measures"] == ["overdue_bills"]


def test_the_oldest_unpaid_supplier_bill_and_whose_an_amount_is(demo):
    from backend.models import Customer, Invoice, SupplierBill

    oldest = demo.execute(select(SupplierBill).where(SupplierBill.status == "open", SupplierBill.due_date < DEMO_TODAY)
                          .order_by(SupplierBill.due_date, SupplierBill.id).limit(1)).scalar_one()
    for question in ("what's our oldest unpaid supplier bill and how late is it?",
                     "hóa đơn nhà cung cấp quá hạn lâu nhất là hóa đơn nào?"):
        turn = ask(demo, question)
        assert _call(turn)["measures"] == ["max_days_bill_overdue", "open_payables"]
        assert oldest.number in turn.answer and f"{(DEMO_TODAY - oldest.due_date).days}" in turn.answer
    whose = ask(demo, "anything in the 91+ days bucket? whose is it?")
    assert _call(whose)["group_by"] == ["customer"]
    late = demo.execute(select(Customer.name).join(Invoice, Invoice.customer_id == Customer.id).where(
        Invoice.status == "open", Invoice.due_date < DEMO_TODAY - timedelta(days=90))).scalars().all()
    assert late and all(name in whose.answer for name in late), whose.answer


def test_purchase_orders_waiting_for_a_bill_and_units_still_on_order(demo):
    from backend.models import PurchaseOrder, PurchaseOrderLine

    waiting = ask(demo, "which POs have been received but we haven't got the supplier's bill yet?")
    args = _call(waiting)
    assert args["measures"] == ["units_not_billed"] and args["group_by"][0] == "purchase_order"
    numbers = set(demo.execute(select(PurchaseOrder.number).join(PurchaseOrderLine).where(
        PurchaseOrder.status != "cancelled",
        PurchaseOrderLine.received_quantity > PurchaseOrderLine.billed_quantity)).scalars())
    assert numbers and all(n in waiting.answer for n in numbers)
    assert f"({len(numbers)} in all)" in waiting.answer
    coming = _call(ask(demo, "how many boxes of A3 Double A are on order and when are they due in?"))
    assert coming["measures"] == ["units_on_order", "po_expected_date"] and coming["group_by"][0] == "purchase_order"
    assert coming.get("product") == "PAP-A3-80" and not any(f["dimension"] == "supplier" for f in coming["filters"])
    products = _call(ask(demo, "which products are still on order?"))
    assert products["measures"] == ["units_on_order"] and products["group_by"] == ["product"]


def test_a_remark_after_the_question_a_method_in_vietnamese_and_goods_sent_out(demo):
    from backend.models import SupplierPayment

    stock = ask(demo, "ly giấy 16oz hai lớp ở kho Thủ Đức còn bao nhiêu thùng? khách cần 50 thùng", email="huong@songhong.vn")
    assert stock.tool_calls[0]["name"] == "product_availability" and _call(stock)["product"] == "FS-CUP-P16"
    assert "HCM (Thủ Đức warehouse, Ho Chi Minh City)" in stock.answer
    card = ask(demo, "thanh toán cho NCC bằng thẻ có bao nhiêu lần từ trước tới giờ?", email="nam@songhong.vn")
    args = _call(card)
    assert args["period"] == "all" and {"dimension": "payment_method", "op": "in", "values": ["card"]} in args["filters"]
    by_card = demo.execute(select(func.count(SupplierPayment.id)).where(SupplierPayment.method == "card")).scalar_one()
    assert f": {by_card}" in card.answer
    assert _call(ask(demo, "hom qua kho giao di bao nhieu don hang?", email="nam@songhong.vn"))["measures"] == \
        ["orders_shipped"]


def test_two_part_questions_tickets_listed_a_quarter_then_a_verb_and_credit_left(demo):
    both = _call(ask(demo, "How many boxes of Giấy A4 Double A 80gsm did we sell in Q3 and for how much?",
                     email="bao@songhong.vn"))
    assert both["measures"] == ["units", "revenue"] and both["period"] == "2026-Q3"
    listed = ask(demo, "which high priority tickets are still open", email="bao@songhong.vn")
    assert listed.tool_calls[0]["name"] == "list_tickets" and _call(listed)["priority"] == "high"
    per_priority = ask(demo, "open tickets by priority", email="bao@songhong.vn")
    assert per_priority.tool_calls[0]["name"] == "query_data" and _call(per_priority)["group_by"] == ["ticket_priority"]
    won = _call(ask(demo, "quý 3 thắng được bao nhiêu deal, tổng giá trị bao nhiêu?", email="bao@songhong.vn"))
    assert won["period"] == "2026-Q3" and {"dimension": "stage", "op": "in", "values": ["closed_won"]} in won["filters"]
    ask(demo, "what's Hoang Long Trading's outstanding balance?", conversation="hl")
    ask(demo, "which of their invoices are overdue?", conversation="hl")
    left = ask(demo, "how much credit do they have left?", conversation="hl")
    assert left.tool_calls[0]["name"] == "check_credit" and _call(left)["customer"] == "HOANGLONG"
    owner = ask(demo, "who's the account owner?", conversation="hl")
    assert owner.tool_calls[0]["name"] == "customer_overview" and _call(owner)["customer"] == "HOANGLONG"


def test_two_periods_side_by_side_a_country_left_out_and_revenue_minus_cost():
    from assistant.planner.frame import parse

    today = date(2017, 6, 30)
    both = parse("revenue from the Touring Kayak 12ft in 2015 and 2016", today)
    assert (both.period, both.group_by) == ("2015..2016", ["year"])
    quarters = parse("Q1 và Q2 năm 2016 doanh thu bao nhiêu", today)
    assert (quarters.period, quarters.group_by) == ("2016-Q1..2016-Q2", ["quarter"])
    compared = parse("revenue 2016 vs 2015", today)
    assert (compared.period, compared.compare, compared.group_by) == ("2016", "previous_period", [])
    assert parse("what was our gross profit in 2016 (revenue minus cost of goods)?", today).measures == ["order_margin"]
    assert parse("how many support tickets came in during 2016?", today).measures == ["tickets_opened"]


def test_follow_ups_on_a_comparison_a_ranking_and_a_count_of_deals(demo):
    from backend.models import Opportunity

    ask(demo, "how did sales in October compare to September?", conversation="cmp", email="bao@songhong.vn")
    growth = ask(demo, "so what's that as a % growth?", conversation="cmp", email="bao@songhong.vn")
    assert _call(growth).get("compare") == "previous_period" and "%" in growth.answer
    ask(demo, "best performing product category this year?", conversation="rank", email="bao@songhong.vn")
    weakest = _call(ask(demo, "and the weakest one?", conversation="rank", email="bao@songhong.vn"))
    assert weakest["order"] == "asc" and weakest["group_by"] == ["category"]
    ask(demo, "how many deals did we win in 2025?", conversation="won", email="bao@songhong.vn")
    biggest = ask(demo, "what was the biggest one?", conversation="won", email="bao@songhong.vn")
    args = _call(biggest)
    assert args["group_by"][0] == "opportunity" and args["limit"] == 1
    from backend.models import FxRate

    def rate(currency):   # the day's rate (deal values are in the base currency at the day's FX rate)
        if currency == "VND":
            return 1
        return demo.execute(select(FxRate.rate).where(FxRate.currency == currency, FxRate.rate_date <= DEMO_TODAY)
                            .order_by(FxRate.rate_date.desc()).limit(1)).scalar_one()

    won = demo.execute(select(Opportunity).where(Opportunity.stage == "closed_won",
                                                Opportunity.close_date.between(date(2025, 1, 1), date(2025, 12, 31))))
    top = max(won.scalars(), key=lambda o: o.amount * rate(o.currency))
    assert top.name in biggest.answer


def test_customers_not_buying_this_year_the_top_ones_period_an_orders_invoice_and_the_biggest_order(demo):
    from backend.models import Invoice, SalesOrder

    idle = _call(ask(demo, "which of my customers haven't bought anything this year?", email="mai@songhong.vn"))
    assert idle["period"] == "all" and idle["owner"] == "me"
    assert {"measure": "days_since_last_order", "op": ">", "value": str((DEMO_TODAY - date(2026, 1, 1)).days)} in [
        {k: c.get(k) for k in ("measure", "op", "value")} for c in idle["conditions"]]
    ask(demo, "top 5 customers by revenue in 2025", conversation="top", email="bao@songhong.vn")
    top = ask(demo, "how much did the top one spend?", conversation="top", email="bao@songhong.vn")
    assert _call(top).get("period") == "2025"
    order = demo.execute(select(SalesOrder).join(Invoice, Invoice.order_id == SalesOrder.id)
                         .where(Invoice.status != "void").order_by(SalesOrder.id).limit(1)).scalar_one()
    invoice = demo.execute(select(Invoice).where(Invoice.order_id == order.id, Invoice.status != "void")).scalars().all()
    ask(demo, f"what's on order {order.number}?", conversation="so", email="bao@songhong.vn")
    due = ask(demo, "when is the invoice for it due?", conversation="so", email="bao@songhong.vn")
    if len(invoice) == 1:
        assert due.tool_calls[0]["name"] == "invoice_status" and invoice[0].due_date.isoformat() in due.answer
    biggest = _call(ask(demo, "which customer had the single biggest order in 2025?", email="bao@songhong.vn"))
    assert biggest["group_by"][:2] == ["order", "customer"] and biggest["limit"] == 1


def test_erp_17_readings_payments_periods_aging_bills_and_comparisons(demo):
    card = _call(ask(demo, "How much did we pay by card in 2026?"))
    assert card["measures"] == ["supplier_payments_made"]
    assert {"dimension": "payment_method", "op": "in", "values": ["card"]} in card["filters"]
    paid = _call(ask(demo, "Supplier payments Q3 2026 compared with Q2 2026?"))
    assert paid["measures"] == ["supplier_payments_made"] and paid["compare"] == "previous_period"
    collected = _call(ask(demo, "tiền thu từ khách hàng quý 3 năm nay so với quý 3 năm ngoái"))
    assert collected["measures"] == ["payments_received"] and collected["compare"] == "same_period_last_year"
    assert _call(ask(demo, "thuế GTGT đầu ra quí 3/2026 là bao nhiêu?"))["period"] == "2026-Q3"
    aging = _call(ask(demo, "AP aging please — how much is 1-30, 31-60, 61-90 and over 90 days past due?"))
    assert aging["measures"] == ["open_payables"] and aging["group_by"] == ["aging_bucket"]
    ads = _call(ask(demo, "Google Ads bills this year — how many and how much?"))
    assert ads["measures"] == ["supplier_bills", "supplier_bill_total"]
    assert _call(ask(demo, "How much sales revenue did the ledger book in 2025?"))["measures"] == ["ledger_revenue"]
    ask(demo, "What was revenue in Q3 2026?", conversation="q3", email="bao@songhong.vn")
    again = _call(ask(demo, "compare with Q3 2025", conversation="q3", email="bao@songhong.vn"))
    assert (again["period"], again["compare"]) == ("2026-Q3", "same_period_last_year")
    ask(demo, "What do we owe Double A right now?", conversation="da")
    nxt = _call(ask(demo, "and when is the next one due?", conversation="da"))
    # the bill due soonest, with what is open on it (its number shows which one)
    assert nxt["measures"] == ["open_payables", "next_bill_due"] and nxt["filters"][0]["dimension"] == "supplier"
    assert (nxt["order_by"], nxt["order"], nxt["limit"]) == ("next_bill_due", "asc", 1)


def test_erp_17_readings_purchase_orders_receipts_and_late_customers(demo):
    from backend.models import Employee, GoodsReceipt, PurchaseOrder

    approved = demo.execute(select(PurchaseOrder).where(PurchaseOrder.approved_by_id.is_not(None))
                            .order_by(PurchaseOrder.id.desc()).limit(1)).scalar_one()
    who = ask(demo, f"who approved {approved.number}?")
    assert demo.get(Employee, approved.approved_by_id).name in who.answer
    po = demo.execute(select(PurchaseOrder).where(PurchaseOrder.status == "partially_received")
                      .order_by(PurchaseOrder.id.desc()).limit(1)).scalar_one()
    came = _call(ask(demo, f"{po.number} đã nhận được bao nhiêu?", conversation="po"))
    assert came["measures"] == ["units_received"]
    rest = _call(ask(demo, "còn thiếu bao nhiêu?", conversation="po"))
    assert "units_on_order" in rest["measures"] and rest["filters"][0]["values"] == [po.number]
    worth = _call(ask(demo, f"{po.number} tổng tiền bao nhiêu, đã nhận được bao nhiêu hộp rồi?"))
    assert worth["measures"] == ["purchase_order_value", "units_received"] and not worth.get("group_by")
    both = _call(ask(demo, f"{po.number}: ordered vs received, line by line?"))
    assert both["measures"] == ["units_ordered", "units_received"] and both["group_by"] == ["product"]
    receipt = demo.execute(select(GoodsReceipt).order_by(GoodsReceipt.id.desc()).limit(1)).scalar_one()
    whose = ask(demo, f"phiếu nhập {receipt.number} là của đơn mua nào, nhà cung cấp nào?")
    assert _call(whose)["group_by"] == ["purchase_order", "supplier"]
    assert demo.get(PurchaseOrder, receipt.purchase_order_id).number in whose.answer
    late = _call(ask(demo, "Is Hoàng Long Trading late paying anything?"))
    assert late["measures"][0] == "overdue_amount" and late["group_by"] == ["invoice"]
    assert _call(ask(demo, "Saigon Foods' open invoices?"))["group_by"] == ["invoice"]


def test_erp_17_readings_stock_orders_out_and_discontinued(demo):
    from backend.models import Product, StockLevel, Warehouse

    out = _call(ask(demo, "Do we already have purchase orders out for Giấy A3 Double A 80gsm?"))
    assert out["measures"] == ["units_on_order", "po_expected_date"] and out["product"] == "PAP-A3-80"
    free = _call(ask(demo, "how many Thùng carton 5 lớp 50x40x30cm are free to sell in HCM, not reserved?",
                     email="anh@songhong.vn"))
    assert free.get("product") == "PKG-BOX-L5" and "stock_reserved" not in free.get("measures", [])
    far = _call(ask(demo, "How far below its reorder level is the A3 Double A paper in HCM?", email="bao@songhong.vn"))
    assert "stock_shortfall" in far["measures"] and far["product"] == "PAP-A3-80"
    assert not any(f["dimension"] == "category" for f in far["filters"])
    below = _call(ask(demo, "is the HP 85A toner below its reorder point in HCM?", email="bao@songhong.vn"))
    assert "stock_on_hand" in below["measures"] and below["product"] == "TON-HP-85A"
    gone = ask(demo, "which discontinued products do we still have stock of?", email="nam@songhong.vn")
    held = demo.execute(select(Product.name).join(StockLevel, StockLevel.product_id == Product.id)
                        .where(Product.active.is_(False)).group_by(Product.id)
                        .having(func.sum(StockLevel.quantity) > 0)).scalars().all()
    assert held and all(name in gone.answer for name in held) and f"({len(held)} in all)" in gone.answer
    ask(demo, "How many boxes of Giấy A4 Double A 80gsm do we have in the Hanoi warehouse?", conversation="a4",
        email="hung@songhong.vn")
    level = ask(demo, "what's the reorder level for it there?", conversation="a4", email="hung@songhong.vn")
    hanoi = demo.execute(select(StockLevel.reorder_level).join(Warehouse).join(Product).where(
        Product.sku == "PAP-A4-80", Warehouse.code == "HAN")).scalar_one()
    assert level.tool_calls[0]["name"] == "product_availability" and f"reorder level {hanoi}" in level.answer


def test_erp_17_readings_what_we_ordered_from_a_supplier_their_overdue_bills_and_when_an_order_is_needed(demo):
    from backend.models import SalesOrder

    units = _call(ask(demo, "how many units did we order from Double A in 2025?"))
    assert units["measures"] == ["units_ordered"] and units["filters"][0]["dimension"] == "supplier"
    placed = _call(ask(demo, "how many orders did we place with Double A in 2025?"))
    assert placed["measures"] == ["purchase_orders"] and placed["filters"][0]["dimension"] == "supplier"
    bills = _call(ask(demo, "cong no Hong Ha bao nhieu, co cai nao qua han khong"))
    assert bills["group_by"] == ["bill"] and bills["measures"][:2] == ["open_payables", "overdue_payables"]
    waiting = demo.execute(select(SalesOrder).where(SalesOrder.status == "confirmed",
                                                    SalesOrder.required_date.is_not(None)).limit(1)).scalar_one()
    needed = ask(demo, f"don {waiting.number} bao nhieu tien, khi nao can giao?", email="bao@songhong.vn")
    assert needed.tool_calls[0]["name"] == "order_status" and waiting.required_date.isoformat() in needed.answer


def test_second_20_readings_in_the_frame():
    from assistant.planner.frame import parse

    today = date(2016, 10, 14)
    assert parse("how many of my customers have ordered this year", today).measures == ["customers_buying"]
    assert parse("how many customers do we have?", today).measures == ["customers"]
    most = parse("who bought the most Touring Kayak 12ft this year", today)
    assert most.measures == ["units", "revenue"]
    assert parse("who bought the most this year", today).measures == ["revenue"]
    late = parse("how many invoices are more than 90 days past due, and how much is that", today)
    assert late.measures == ["overdue_invoices", "overdue_amount"]
    assert parse("payments from Trailway Outdoor Stores this year - count and total", today).measures == [
        "payment_count", "payments_received"]
    assert parse("sales in my region between june 1 and august 31", today).period == "2016-06-01..2016-08-31"


def test_chinook_20_readings_reps_ranked_a_colleagues_email_and_the_oldest_of_a_report(demo):
    from backend.models import Invoice

    reps = _call(ask(demo, "which of the reps had the most sales in 2025?", email="bao@songhong.vn"))
    assert reps.get("group_by") == ["owner"] or reps.get("report") == "sales_by_salesperson"
    email = ask(demo, "what's Trần Thị Mai's email address?", email="bao@songhong.vn")
    assert email.tool_calls[0]["name"] == "find_employees" and "mai@songhong.vn" in email.answer
    ask(demo, "list the overdue invoices", conversation="od", email="ha@songhong.vn")
    oldest = ask(demo, "which one is the oldest?", conversation="od", email="ha@songhong.vn")
    due = demo.execute(select(Invoice).where(Invoice.status == "open", Invoice.due_date < DEMO_TODAY)
                       .order_by(Invoice.due_date, Invoice.id).limit(1)).scalar_one()
    assert _call(oldest)["order_by"] == "max_days_overdue" and due.number in oldest.answer
    rep = ask(demo, "who's the rep on that account?", conversation="od", email="ha@songhong.vn")
    assert rep.tool_calls[0]["name"] == "customer_overview"


def test_the_last_sale_and_how_much_came_from_a_segment(demo):
    from backend.models import Customer, SalesOrder

    last = ask(demo, "when was the last sale?", email="bao@songhong.vn")
    args = _call(last)
    assert args["measures"] == ["last_order"] and args["group_by"] == ["customer"] and args["limit"] == 1
    newest = demo.execute(select(SalesOrder.order_date).where(SalesOrder.status != "cancelled",
                                                              SalesOrder.order_date <= DEMO_TODAY)
                          .order_by(SalesOrder.order_date.desc()).limit(1)).scalar_one()
    assert newest.isoformat() in last.answer
    segments = demo.execute(select(Customer.segment).distinct().limit(2)).scalars().all()
    came = _call(ask(demo, f"last year, how much came from {segments[0]} customers and how much from {segments[1]}?",
                     email="bao@songhong.vn"))
    assert came["measures"] == ["revenue"] and came["period"] == "last-year"
