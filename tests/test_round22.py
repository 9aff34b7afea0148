"""Readings added while studying generation 20 (`erp-18`, `second-21`, `chinook-21`, `demo-20`) and generation 21
(`erp-19`, `second-22`, `chinook-22`, `demo-21`): a comparison with a period as named, all-time figures up to today,
two-digit quarter years, full calendar years, a figure said of one document, the last period a conversation named,
a history that says what came before an empty period, an invoice's lines, and rows in a document's own currency."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from assistant.planner.frame import parse
from assistant.planner.when import read
from tests.conftest import DEMO_TODAY
from tests.test_round21 import NOW, _call, ask


# --- periods (no database) ------------------------------------------------------------------------------------------

def test_a_comparison_with_a_period_as_named():
    day = date(2016, 4, 15)
    assert (read("revenue 2016 vs 2014", day).period, read("revenue 2016 vs 2014", day).compare) == ("2016", "2014")
    mtd = read("how are we doing this month so far vs august last year", day)
    assert (mtd.period, mtd.compare) == ("mtd", "2015-08")
    # related periods keep their name for the relation
    q1 = read("how much did camps schools buy in q1 16 vs q1 15", day)
    assert (q1.period, q1.compare) == ("2016-Q1", "same_period_last_year")
    same = read("ytd sales vs the same period in 2014", day)
    assert (same.period, same.compare) == ("ytd", "2014-01-01..2014-04-15")
    assert read("revenue year to date vs the same period in 2015", day).compare == "same_period_last_year"


def test_all_time_up_to_today_and_ranges_ending_today():
    day = date(2025, 8, 20)
    assert read("what s our all-time revenue from the very first sale up to today", day).period == "all"
    assert read("revenue from january up to today", day).period == "2025-01-01..2025-08-20"
    assert read("customers who haven t ordered between january 1st and today", day).period == "2025-01-01..2025-08-20"
    # "today" on its own is still today
    assert read("what did we sell today", day).period == "today"


def test_english_around_a_vietnamese_name_is_english():
    from assistant.planner.planner import language_of

    assert language_of("who is Trâm's manager?") == "en"
    assert language_of("what is the phone number of Trịnh Văn Khải?") == "en"
    assert language_of("Hoàng Long còn nợ bao nhiêu?") == "vi"
    assert language_of("Tồn kho HP 85A?") == "vi"
    assert language_of("doanh thu tháng này") == "vi"


def test_short_years_and_a_dropped_letter():
    day = date(2016, 4, 15)
    assert read("q3 15 revenue", day).period == "2015-Q3"
    assert read("q2/17 pipeline", day).period == "2017-Q2"
    assert read("doanh thu thag 5 cua toi", date(2026, 7, 9)).period == "2026-05"


def test_frames_of_this_round():
    day = date(2026, 9, 28)
    assert parse("VAT in and VAT out so far this year?", day).measures[:2] == ["input_vat", "output_vat"]
    years = parse("Which full calendar year has been our best so far for sales?", day)
    assert years.group_by == ["year"] and years.period == "..2025-12-31"
    opened = parse("how many tickets did Summit open in 2015?", day)
    assert opened.measures == ["tickets_opened"] and not opened.statuses
    still = parse("how many tickets does Summit have open?", day)
    assert ("ticket_status", "open") in still.statuses
    reps = parse("who has the most open deals?", day)
    assert reps.group_by == ["owner"] and reps.measures == ["open_opportunities"] and reps.single
    bill = parse("what's the biggest overdue bill we have with a supplier?", day)
    assert bill.row == "bill" and not bill.group_by
    genre = parse("khách hàng nào có nhiều ticket nhất từ đầu năm?", day)
    assert genre.measures == ["tickets_opened"] and genre.single and genre.period == "ytd"
    worth = parse("tháng 5/2026 mình đặt bao nhiêu đơn mua hàng, tổng giá trị bao nhiêu?", day)
    assert worth.measures == ["purchase_orders", "purchase_order_value"]
    paid = parse("how many supplier bills did we receive in Q2 2026, and what was their total incl. VAT?", day)
    assert paid.measures == ["supplier_bills", "supplier_bill_total"]
    sent = parse("how many purchase orders have we sent that haven't been fully received yet?", day)
    assert set(c for _, c in sent.statuses) == {"partially_received", "sent"}
    # "hóa dơn": every accent typed but the đ
    assert parse("hiện có bao nhiêu hóa dơn quá hạn?", day).measures == ["overdue_invoices"]


# --- the demo company ---------------------------------------------------------------------------------------------

def test_query_data_compares_with_a_named_period(demo):
    from backend.models import SalesOrder

    args = _call(ask(demo, "revenue in October 2026 vs August 2025", email="bao@songhong.vn"))
    assert args["period"] == "2026-10" and args["compare"] == "2025-08"

    def revenue(start: date, end: date) -> Decimal:
        return demo.scalar(select(func.sum(SalesOrder.net_amount_base)).where(
            SalesOrder.status != "cancelled", SalesOrder.order_date.between(start, end))) or Decimal(0)

    turn = ask(demo, "revenue in October 2026 vs August 2025", email="bao@songhong.vn")
    assert f"{revenue(date(2026, 10, 1), date(2026, 10, 31)):,.0f}" in turn.answer
    assert f"{revenue(date(2025, 8, 1), date(2025, 8, 31)):,.0f}" in turn.answer and "August 2025" in turn.answer


def test_a_follow_up_compared_with_a_month_after_a_sales_report(demo):
    first = ask(demo, "revenue last month?", email="bao@songhong.vn")
    follow = ask(demo, "how does that compare to August?", first.conversation, email="bao@songhong.vn")
    args = _call(follow)
    assert args["period"] == "last-month" and args["compare"] in ("2026-08", "previous_period")
    assert "vs" in follow.answer


def test_the_last_period_named_carries_to_that_year(demo):
    first = ask(demo, "top 3 customers in 2025 by revenue", email="bao@songhong.vn")
    top = _call(first)
    assert top.get("period") == "2025"
    overview = ask(demo, "who looks after the first one?", first.conversation, email="bao@songhong.vn")
    later = ask(demo, "how many invoices did they have that year?", overview.conversation, email="bao@songhong.vn")
    assert _call(later)["period"] == "2025"


def _ctx(session, settings, email="ha@songhong.vn"):
    from backend.models import Employee
    from backend.tools.context import ToolContext

    actor = session.execute(select(Employee).where(Employee.email == email)).scalar_one()
    return ToolContext(session=session, actor=actor, channel="test", now=NOW, settings=settings)


def test_an_empty_period_of_history_says_the_latest_before_it(demo, settings):
    from backend.models import Customer, Payment
    from backend.tools.registry import invoke

    customer = demo.execute(select(Customer).where(Customer.code == "HOANGLONG")).scalar_one()
    last = demo.scalar(select(func.max(Payment.paid_on)).where(Payment.customer_id == customer.id,
                                                               Payment.paid_on <= DEMO_TODAY))
    assert last is not None and last < DEMO_TODAY
    after = date.fromordinal(last.toordinal() + 1)
    result = invoke("customer_history", _ctx(demo, settings), {
        "customer": "HOANGLONG", "kinds": ["payments"], "date_from": after.isoformat(),
        "date_to": DEMO_TODAY.isoformat()})
    assert result.total_entries == 0 and result.latest_before is not None
    assert result.latest_before.date == last
    # a period that holds something says nothing of before it
    held = invoke("customer_history", _ctx(demo, settings), {
        "customer": "HOANGLONG", "kinds": ["payments"], "date_from": last.isoformat(), "date_to": DEMO_TODAY.isoformat()})
    assert held.total_entries >= 1 and held.latest_before is None


def test_an_invoice_carries_the_lines_of_its_order(demo, settings):
    from backend.models import Invoice, SalesOrderLine
    from backend.tools.registry import invoke

    invoice = demo.execute(select(Invoice).where(Invoice.order_id.is_not(None)).order_by(Invoice.id)).scalars().first()
    result = invoke("invoice_status", _ctx(demo, settings), {"invoice": invoice.number})
    lines = demo.execute(select(SalesOrderLine).where(SalesOrderLine.order_id == invoice.order_id)).scalars().all()
    assert len(result.lines) == len(lines) >= 1
    assert sum(line.quantity for line in result.lines) == sum(line.quantity for line in lines)
    turn = ask(demo, f"what's on invoice {invoice.number}?")
    assert f"{result.lines[0].name} ({result.lines[0].sku})" in turn.answer


def test_find_customers_says_where_and_how_to_reach_the_few_it_finds(demo, settings):
    from backend.models import Customer
    from backend.tools.registry import invoke

    customer = demo.execute(select(Customer).where(Customer.code == "HOANGLONG")).scalar_one()
    found = invoke("find_customers", _ctx(demo, settings), {"query": customer.name})
    top = found.candidates[0]
    assert (top.code, top.country, top.email, top.phone) == (customer.code, customer.country, customer.email,
                                                              customer.phone)
    first = ask(demo, f"find customer {customer.name}")
    assert customer.country in first.answer
    rep = ask(demo, "who's their rep?", first.conversation)
    assert rep.tool_calls[0]["name"] == "customer_overview" and rep.tool_calls[0]["args"]["customer"] == customer.code


def test_a_row_in_one_other_currency_shows_that_amount_too(demo, settings):
    from backend.models import Opportunity
    from backend.tools.registry import invoke

    named_once = select(Opportunity.name).group_by(Opportunity.name).having(func.count() == 1)
    deal = demo.execute(select(Opportunity).where(Opportunity.currency != "VND", Opportunity.name.in_(named_once),
                                                  Opportunity.stage.not_in(["closed_won", "closed_lost"]))
                        .order_by(Opportunity.id)).scalars().first()
    assert deal is not None
    result = invoke("query_data", _ctx(demo, settings, "bao@songhong.vn"), {
        "measures": ["pipeline_amount"], "group_by": ["opportunity"],
        "filters": [{"dimension": "opportunity", "values": [deal.name]}]})
    row = result.rows[0]
    assert row["pipeline_amount_currency"] == deal.currency
    assert Decimal(str(row["pipeline_amount_native"])) == deal.amount
    # a customer billed in the base currency has none; one billed in another currency has its own amount
    from backend.models import Customer

    currency = dict(demo.execute(select(Customer.code, Customer.currency)).all())
    rows = invoke("query_data", _ctx(demo, settings, "bao@songhong.vn"), {
        "measures": ["open_receivables"], "group_by": ["customer"],
        "conditions": [{"measure": "open_receivables", "op": ">", "value": "0"}]}).rows
    assert any(currency[r["customer"]] != "VND" for r in rows)
    for r in rows:
        assert ("open_receivables_native" in r) == (currency[r["customer"]] != "VND"), r
