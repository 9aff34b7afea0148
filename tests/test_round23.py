"""Readings added while studying generation 22 (`chinook-23`, `second-23`, `demo-22`, `erp-20`): shorthand ("rev",
"acct"), the bottom of a ranking, "so far" and "to date" as up to now, a count asked beside its amount, who owes the
most and their next due date, a customer found by a contact's name, a colleague's office and direct reports, one
order's invoice and salesperson, one ticket's description, rows that bought nothing, purchase orders and supplier
bills in the words finance uses."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from assistant.planner.frame import parse
from assistant.planner.when import read
from tests.conftest import DEMO_TODAY
from tests.test_round21 import _call, ask


# --- frames and periods (no database) -------------------------------------------------------------------------------

def test_shorthand_and_the_bottom_of_a_ranking():
    day = date(2015, 10, 21)
    rev = parse("whats our total rev ytd?", day)
    assert rev.measures == ["revenue"] and rev.period == "ytd"
    assert parse("top 3 accts last qtr", day).limit == 3
    bottom = parse("bottom 3 product categories in q3", day)
    assert (bottom.group_by, bottom.order, bottom.limit) == (["category"], "asc", 3)
    assert parse("my #1 customer ytd?", day).single
    last = parse("which rep is dead last on rev ytd?", day)
    assert last.order == "asc" and last.group_by == ["owner"]
    buying = parse("how many diff customers actually bought from us in q3 (excl cancelled orders)", day)
    assert buying.measures == ["customers_buying"] and ("order_status", "cancelled") in buying.excluded
    left_out = parse("how many orders have i booked so far this month? leave out cancelled ones", day)
    assert left_out.statuses == [] and ("order_status", "cancelled") in left_out.excluded


def test_so_far_and_to_date_run_from_the_first_record_unless_a_period_is_named():
    day = date(2023, 3, 15)
    assert read("total sales to Brazil so far", day).period == "all"
    assert read("What's our total revenue to date, since the store started selling?", day).period == "all"
    assert read("my sales so far this quarter", day).period == "qtd"
    assert read("revenue year to date", day).period == "ytd"
    assert read("from january to date revenue", day).period == "2023-01-01..2023-03-15"
    # "which full calendar year has been our best so far": the years that have ended
    assert parse("Which full calendar year has been our best so far for sales?", day).period == "..2022-12-31"


def test_short_month_names_beside_a_document_and_two_months_compared():
    day = date(2015, 10, 21)
    assert read("bridger still hasnt paid one of their jan invoices", day).period == "2015-01"
    assert read("dec sales", day).period == "2014-12"
    assert read("ask jan about it", day).period is None
    both = read("so sanh tien khach hang tra thang 4 va thang 5 nam nay", date(2026, 6, 5))
    assert (both.period, both.compare) == ("2026-05", "previous_period")
    assert read("revenue for august and september", date(2026, 6, 5)).period == "2025-08..2025-09"


def test_a_count_asked_beside_its_amount():
    day = date(2026, 6, 5)
    assert parse("anh đang có bao nhiêu deal đang mở, tổng cộng bao nhiêu tiền?", day).measures == [
        "open_opportunities", "pipeline_amount"]
    assert parse("tháng 1 thu tiền mặt tại quầy được bao nhiêu, mấy lần?", day).measures == [
        "payment_count", "payments_received"]
    assert parse("What do we owe Digiworld, and on how many bills?", day).measures == ["open_bills", "open_payables"]


def test_figures_said_in_other_words():
    day = date(2026, 6, 5)
    owes = parse("which customer owes us the most in overdue invoices?", day)
    assert (owes.measures, owes.row, owes.conditions) == (["overdue_amount"], "customer", [])
    assert parse("which customer owes us the most?", day).measures == ["open_receivables"]
    assert parse("when is their next invoice due?", day).measures == ["invoice_due_date"]
    assert parse("Mực in HP 85A ở kho Thủ Đức còn bao nhiêu hộp? Mức đặt hàng lại là bao nhiêu?", day).measures == [
        "stock_on_hand", "reorder_level"]
    assert parse("Biên lợi nhuận gộp tháng 4/2026 là bao nhiêu?", day).measures == ["gross_margin", "gross_margin_pct"]
    assert parse("gross margin % in april", day).measures == ["gross_margin_pct"]
    assert parse("what was our gross margin in april", day).measures == ["gross_margin"]
    assert parse("tien mat thu tu khach quy 1 nam nay la bao nhieu", day).measures == ["payments_received"]
    assert parse("How much did Jazz make in 2021?", day).measures == ["revenue"]
    assert parse("how's the west region doing ytd compared to the south", day).measures == ["revenue"]
    assert parse("how much is coastal behind", day).measures == ["overdue_amount"]
    # a period spoken of ("that year") is not a row per year
    assert parse("which Brazilian customer spent the most that year?", day).group_by == []
    assert parse("which month was best last year", day).group_by == ["month"]
    assert parse("list price and cost for the touring kayak 12 ft", day).listing is False


def test_prices_and_what_bought_nothing():
    day = date(2023, 3, 15)
    over = parse("how many products cost more than 1.5", day)
    assert [c["name"] for c in over.conditions] == ["priced_over"]
    assert [c["name"] for c in parse("how many tracks do we sell at 1.99?", day).conditions] == ["priced_at"]
    nothing = parse("Which countries didn't buy anything from us in 2022?", day)
    assert [c["name"] for c in nothing.conditions] == ["bought_nothing"] and nothing.group_by == ["country"]
    # up to today, the date of the last order says it (see test_round21), not a sum of nothing
    assert [c["name"] for c in parse("which of my customers haven't bought anything this year?", day).conditions] == [
        "not_ordered"]
    assert parse("Which customers have bought Starburst?", day).period == "all"


def test_purchase_orders_and_supplier_bills_in_finance_words():
    day = date(2026, 6, 5)
    unbilled = parse("Which purchase orders have been received but not billed by the supplier yet?", day)
    assert unbilled.measures == ["units_not_billed"] and unbilled.group_by == ["purchase_order"]
    worth = parse("what are our open purchase orders with Hồng Hà worth before VAT?", day)
    assert worth.measures == ["purchase_order_net"]
    assert "supplier_bill_total" in parse(
        "How many supplier bills did we record in May 2026, and what do they add up to including VAT?", day).measures
    assert parse("Supplier bills from Tân Mai in Q1 2026, before VAT?", day).measures == ["purchases"]
    arriving = parse("Các đơn mua hàng của Double A chưa nhận đủ hàng, bao giờ hàng về?", day)
    assert arriving.measures == ["po_expected_date"] or "po_expected_date" in arriving.measures


# --- plans and answers on the demo company --------------------------------------------------------------------------

def test_a_customer_found_by_a_contact_s_name_and_reached(demo):
    from backend.models import Contact, Customer

    person, company = demo.execute(select(Contact.name, Customer.name).join(Customer, Customer.id == Contact.customer_id)
                                   .order_by(Contact.id).limit(1)).one()
    found = ask(demo, f"look up {person} for me", email="bao@songhong.vn")
    assert _call(found)["query"] == person and company in found.answer and person in found.answer
    reach = ask(demo, "How do I reach Hoàng Long Trading?", email="mai@songhong.vn")
    assert reach.tool_calls[0]["name"] == "customer_overview"


def test_find_customers_names_the_account_owner_of_the_few_it_finds(demo):
    from backend.models import Customer, Employee

    code, owner = demo.execute(select(Customer.code, Employee.name).join(Employee, Employee.id == Customer.owner_id)
                               .order_by(Customer.id).limit(1)).one()
    turn = ask(demo, f"who is customer {code}", email="bao@songhong.vn")
    assert turn.tool_calls[0]["name"] == "find_customers" and owner in turn.answer


def test_a_colleague_s_direct_reports_and_office(demo):
    from backend.models import Employee

    boss = demo.execute(select(Employee).where(Employee.role == "manager").order_by(Employee.id).limit(1)).scalar_one()
    reports = demo.execute(select(Employee.name).where(Employee.manager_id == boss.id)).scalars().all()
    turn = ask(demo, f"who reports directly to {boss.name}?", email="nam@songhong.vn")
    assert turn.tool_calls[0]["name"] == "find_employees" and reports and all(r in turn.answer for r in reports)
    someone = demo.execute(select(Employee).where(Employee.region.is_not(None)).order_by(Employee.id).limit(1)).scalar_one()
    based = ask(demo, f"where is {someone.name} based?", email="nam@songhong.vn")
    assert based.tool_calls[0]["name"] == "find_employees"


def test_the_oldest_of_the_invoices_listed(demo):
    ask(demo, "is Hoàng Long Trading overdue on anything?", conversation="old", email="mai@songhong.vn")
    oldest = _call(ask(demo, "which of those is the oldest, and how many days late is it?", conversation="old",
                       email="mai@songhong.vn"))
    assert (oldest["order_by"], oldest["order"], oldest["limit"]) == ("max_days_overdue", "desc", 1)


def test_the_full_year_of_the_last_period_and_the_same_customer_for_another_period(demo):
    last_year = DEMO_TODAY.year - 1
    ask(demo, "what did I sell in Q4 last year?", conversation="fy", email="mai@songhong.vn")
    assert _call(ask(demo, "and for the full year?", conversation="fy", email="mai@songhong.vn"))["period"] == str(last_year)
    ask(demo, f"Hoàng Long đã trả mình tổng cộng bao nhiêu trong cả năm {last_year}?", conversation="pay")
    again = _call(ask(demo, "còn tháng 12 năm ngoái thì trả bao nhiêu?", conversation="pay"))
    assert again["customer"] == "HOANGLONG" and again["period"] == f"{last_year}-12"


def test_one_ticket_s_description_and_the_order_it_names(demo):
    from backend.models import Ticket
    from assistant.planner.mentions import documents

    ticket = next(t for t in demo.execute(select(Ticket).where(Ticket.description.like("%SO-%"))
                                          .order_by(Ticket.id)).scalars()
                  if [d for d in documents(demo, t.description) if d.kind == "order"])
    order = next(d.number for d in documents(demo, ticket.description) if d.kind == "order")
    shown = ask(demo, f"what's {ticket.number} about?", conversation="tk", email="anh@songhong.vn")
    assert order in shown.answer
    which = ask(demo, "which order is it about?", conversation="tk", email="anh@songhong.vn")
    assert _call(which) == {"order": order} or _call(which).get("order") == order


def test_one_order_shows_its_salesperson_and_its_invoice_in_full(demo):
    from backend.models import Employee, Invoice, SalesOrder

    order, person = demo.execute(select(SalesOrder, Employee.name).join(Employee, Employee.id == SalesOrder.salesperson_id)
                                 .join(Invoice, Invoice.order_id == SalesOrder.id).where(Invoice.status == "open")
                                 .order_by(SalesOrder.id).limit(1)).one()
    invoice = demo.execute(select(Invoice).where(Invoice.order_id == order.id, Invoice.status == "open")).scalars().first()
    turn = ask(demo, f"what's on order {order.number}?", email="nam@songhong.vn")
    assert person in turn.answer and invoice.due_date.isoformat() in turn.answer and "incl. VAT" in turn.answer


def test_who_owes_the_most_then_their_next_due_date(demo):
    ask(demo, "which customer owes us the most?", conversation="owe")
    due = _call(ask(demo, "when is their next invoice due?", conversation="owe"))
    assert due["measures"] == ["open_receivables", "invoice_due_date"] and due.get("customer")
    assert (due["group_by"], due["order"], due["limit"]) == (["invoice"], "asc", 1)
    report = ask(demo, "Who owes us the most?", conversation="owe-report")
    assert report.tool_calls[0]["name"] == "run_report"
    after = _call(ask(demo, "when is their next invoice due?", conversation="owe-report"))
    first = report.answer.split("\n")[4].split("|")[0].strip()   # the aging table's first row: its code
    assert after.get("customer") == first


def test_paid_anything_is_answered_yes_or_no_first(demo):
    turn = ask(demo, "Has Hoàng Long Trading paid anything this year? How much?")
    assert turn.tool_calls[0]["name"] == "customer_history" and turn.answer.startswith(("Yes — ", "No — "))


def test_a_reorder_level_asked_is_no_reorder_and_anything_past_n_days_is_invoices(demo):
    level = ask(demo, "reorder level on the Giấy A4 Double A 80gsm?", email="bao@songhong.vn")
    assert level.tool_calls and level.tool_calls[0]["name"] != "reorder_stock"
    late = _call(ask(demo, "anything more than 30 days past due?"))
    assert late["group_by"][:1] == ["invoice"]
    assert {"measure": "max_days_overdue", "op": ">", "value": "30"} in [
        {k: c.get(k) for k in ("measure", "op", "value")} for c in late["conditions"]]


def test_rows_that_bought_nothing_in_a_period(demo):
    from backend.models import Customer, SalesOrder

    last_year = DEMO_TODAY.year - 1
    turn = ask(demo, f"which cities didn't buy anything from us in {last_year}?", email="bao@songhong.vn")
    args = _call(turn)
    assert args["group_by"] == ["city"] and "customers" in args["measures"]
    assert {"measure": "revenue", "op": "=", "value": "0"} in [
        {k: c.get(k) for k in ("measure", "op", "value")} for c in args["conditions"]]
    bought = set(demo.execute(select(Customer.city).join(SalesOrder, SalesOrder.customer_id == Customer.id).where(
        func.strftime("%Y", SalesOrder.order_date) == str(last_year) if demo.bind.dialect.name == "sqlite"
        else func.extract("year", SalesOrder.order_date) == last_year, SalesOrder.status != "cancelled")).scalars())
    assert not any(f"- {city} —" in turn.answer for city in bought if city)


# --- everyday words found by probing the three companies ------------------------------------------------------------

def test_everyday_shorthand_and_periods_over_periods():
    day = date(2026, 2, 11)
    assert parse("pmts received last month", day).measures == ["payments_received"]
    assert parse("whats the bal for hoang long", day).measures == ["open_receivables"]
    assert parse("how many open tix", day).measures == ["open_tickets"]
    mom = read("mom revenue growth", day)
    assert (mom.period, mom.compare) == ("this-month", "previous_period")
    assert (read("revenue qoq", day).period, read("revenue qoq", day).compare) == ("this-quarter", "previous_period")
    assert read("tell me about mom and pop stores", day).compare is None
    assert [c["name"] for c in parse("who hasnt ordered in 90 days", day).conditions] == ["not_ordered"]
    busiest = parse("who has the most open tickets", day)
    assert busiest.group_by == ["owner"] and busiest.single
    assert parse("payments to suppliers last month", day).measures == ["supplier_payments_made"]
    assert parse("how many payments to suppliers last month", day).measures == ["supplier_payment_count"]
    assert parse("best selling track ever", day).group_by == ["product"]


def test_questions_found_by_probing_the_demo_company(demo):
    from backend.models import Customer, Ticket

    today = ask(demo, "orders today", email="bao@songhong.vn")
    assert _call(today)["group_by"] == ["order", "customer"] and _call(today)["period"] == "today"
    admin = ask(demo, "who is the admin", email="bao@songhong.vn")
    assert admin.tool_calls[0]["name"] == "find_employees" and _call(admin).get("role") == "admin"
    mine = ask(demo, "my open tickets", email="anh@songhong.vn")
    assert mine.tool_calls[0]["name"] == "list_tickets" and _call(mine).get("assignee") == "me"
    contacts = ask(demo, "thông tin liên hệ của Hoàng Long", email="anh@songhong.vn")
    assert contacts.tool_calls[0]["name"] == "customer_overview"
    stock = _call(ask(demo, "tồn kho kho Hà Nội", email="nam@songhong.vn"))
    assert stock["group_by"] == ["product"] and {"dimension": "warehouse", "op": "in", "values": ["HAN"]} in stock["filters"]
    rate = _call(ask(demo, "tỷ lệ chốt deal năm nay", email="bao@songhong.vn"))
    assert rate["measures"] == ["win_rate"] and not rate.get("group_by")
    quotes = ask(demo, "how many quotes did we send this month", email="bao@songhong.vn")
    assert quotes.tool_calls and quotes.tool_calls[0]["name"] == "query_data"
    western = _call(ask(demo, "how is david doing this year", email="bao@songhong.vn"))
    assert western.get("owner") == "E007"
    quiet = demo.execute(select(Customer).where(~Customer.id.in_(select(Ticket.customer_id)))
                         .order_by(Customer.id).limit(1)).scalar_one()
    none = ask(demo, f"open tickets for {quiet.code}", email="anh@songhong.vn")
    assert none.tool_calls[0]["name"] == "list_tickets"
    assert none.answer == f"No open or pending tickets for {quiet.name}."


def test_a_ledger_figure_by_account_and_products_that_sold_nothing(demo):
    day = date(2026, 6, 5)
    assert parse("operating expenses by account this year", day).group_by == ["account"]
    assert parse("revenue by account this year", day).group_by == ["customer"]
    assert ("order_status", "confirmed") in parse("how many open orders do we have", day).statuses
    unsold = _call(ask(demo, "which products didn't sell this year", email="nam@songhong.vn"))
    assert unsold["group_by"] == ["product"] and "products" in unsold["measures"]
    assert {"measure": "revenue", "op": "=", "value": "0"} in [
        {k: c.get(k) for k in ("measure", "op", "value")} for c in unsold["conditions"]]


def test_an_average_deal_and_documents_over_an_amount(demo):
    day = date(2026, 6, 5)
    assert parse("whats the avg deal size", day).measures == ["average_deal_size"]
    won = _call(ask(demo, "average deal size of deals we won last year", email="bao@songhong.vn"))
    assert won["measures"] == ["average_deal_size"] and not won.get("group_by")
    big = _call(ask(demo, "how many orders over 50 million this year", email="bao@songhong.vn"))
    assert big["group_by"][:1] == ["order"] and big["conditions"][0]["op"] == ">"


def test_units_sold_who_bought_the_most_and_the_most_valuable():
    day = date(2023, 3, 15)
    assert parse("how many tracks did we sell last year", day).measures == ["units"]
    assert parse("how many items did we sell last month", day).measures == ["units"]
    assert parse("how many customers do we have", day).measures == ["customers"]
    most = parse("who bought the most tracks ever", day)
    assert (most.group_by, most.measures, most.single) == (["customer"], ["units"], True)
    assert parse("who spent the most last year", day).group_by == ["customer"]
    assert parse("who is my most valuable customer", day).measures == ["revenue"]
    assert parse("which rep has the most customers", day).measures == ["customers"]


def test_collections_by_method_the_slowest_sellers_and_a_product_s_supplier(demo):
    day = date(2026, 6, 5)
    by_method = parse("tien thu thang truoc theo hinh thuc thanh toan", day)
    assert (by_method.measures, by_method.group_by) == (["payments_received"], ["payment_method"])
    slowest = parse("san pham nao ban cham nhat nam nay", day)
    assert (slowest.measures, slowest.order, slowest.single) == (["units"], "asc", True)
    supplier = ask(demo, "who supplies Giấy A4 Double A 80gsm", email="nam@songhong.vn")
    assert supplier.tool_calls[0]["name"] == "product_availability" and "Double A (Vietnam)" in supplier.answer


def test_a_rep_s_open_tickets_and_an_empty_report_of_one_day(demo):
    from backend.models import Customer, Invoice

    rep = ask(demo, "my open tickets", email="mai@songhong.vn")
    assert rep.tool_calls[0]["name"] == "list_tickets" and _call(rep).get("customer_owner") == "me"
    agent = ask(demo, "my open tickets", email="anh@songhong.vn")
    assert _call(agent).get("assignee") == "me"
    clean = demo.execute(select(Customer).where(~Customer.id.in_(select(Invoice.customer_id)))
                         .order_by(Customer.id).limit(1)).scalar_one()
    report = ask(demo, f"hoa don qua han cua {clean.code}", email="ha@songhong.vn")
    assert report.tool_calls[0]["name"] == "run_report"
    assert "Không có gì tính đến ngày đó." in report.answer and "Không có dữ liệu cho kỳ này" not in report.answer
