"""The staff directory (find_employees) and the rows of the last answer asked about again ("the third one", "it"),
through the tool and through the offline brain."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from assistant.agent import Assistant
from backend.errors import NotFound
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.customers import make_contact, make_customer
from tests.factories.catalog import make_product
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_order
from tests.factories.world import make_small_world

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def team(session):
    make_company(session)
    boss = make_employee(session, role="manager", name="Nancy Edwards", email="nancy@example.test", region="Calgary")
    jane = make_employee(session, role="sales", name="Jane Peacock", email="jane@example.test", manager=boss)
    steve = make_employee(session, role="sales", name="Steve Johnson", email="steve@example.test", manager=boss)
    return {"boss": boss, "jane": jane, "steve": steve}


def _ctx(session, actor, settings):
    return ToolContext(session=session, actor=actor, channel="test", now=NOW, settings=settings)


def test_the_directory_gives_a_colleague_their_manager_and_their_reports(session, team, settings):
    r = invoke("find_employees", _ctx(session, team["jane"], settings), {"query": "steve johnson"})
    assert [e.email for e in r.employees] == ["steve@example.test"]
    assert r.employees[0].manager.name == "Nancy Edwards"
    me = invoke("find_employees", _ctx(session, team["jane"], settings), {"query": "me"}).employees[0]
    assert me.name == "Jane Peacock" and me.manager.email == "nancy@example.test"
    boss = invoke("find_employees", _ctx(session, team["jane"], settings), {"query": "Nancy"}).employees[0]
    assert sorted(p.name for p in boss.reports) == ["Jane Peacock", "Steve Johnson"]
    listed = invoke("find_employees", _ctx(session, team["jane"], settings), {"role": "sales"})
    assert {e.name for e in listed.employees} == {"Jane Peacock", "Steve Johnson"} and listed.total == 2
    assert "password" not in str(listed.model_dump())


def test_the_directory_says_what_to_fix(session, team, settings):
    everyone = invoke("find_employees", _ctx(session, team["jane"], settings), {})
    assert {e.name for e in everyone.employees} >= {"Nancy Edwards", "Jane Peacock", "Steve Johnson"}
    with pytest.raises(NotFound) as missing:
        invoke("find_employees", _ctx(session, team["jane"], settings), {"query": "Nobody Here"})
    assert "spelling" in missing.value.hint


def ask(session, actor, message, conversation="conv-d"):
    return Assistant().ask(session, actor, message, channel="test", conversation_id=conversation, now=NOW)


@pytest.mark.parametrize("question, email", [
    ("who do I report to?", "nancy@example.test"),
    ("what's Steve Johnson's email?", "steve@example.test"),
    ("who reports to Nancy Edwards?", "steve@example.test"),
    ("list our sales reps", "jane@example.test"),
])
def test_colleagues_are_looked_up_in_the_directory(session, team, question, email):
    result = ask(session, team["jane"], question)
    assert [c["name"] for c in result.tool_calls] == ["find_employees"]
    assert email in result.answer


def test_a_customers_contact_is_not_a_colleague(session, team):
    customer = make_customer(session, name="Emma Jones", code="EMMA", owner=team["jane"])
    make_contact(session, customer=customer, name="Emma Jones", email="emma@shop.test")
    result = ask(session, team["jane"], "what's Emma Jones's email?")
    assert [c["name"] for c in result.tool_calls] != ["find_employees"]


def test_the_second_one_is_the_second_row_of_the_last_answer(session, team):
    paper = make_product(session, sku="A4", unit_price=Decimal("1000000"))
    for code, quantity in (("BIG", 9), ("MID", 5), ("SMALL", 2)):
        customer = make_customer(session, name=f"{code.title()} Stores", code=code, owner=team["jane"])
        make_contact(session, customer=customer, name=f"Buyer {code.title()}", email=f"buyer@{code.lower()}.test")
        make_order(session, customer=customer, lines=[(paper, quantity, None, Decimal("0"))],
                   order_date=date(2026, 10, 1), status="invoiced", salesperson=team["jane"])
    ask(session, team["boss"], "top 3 customers by revenue this year", conversation="conv-rows")
    follow = ask(session, team["boss"], "what's the second one's email?", conversation="conv-rows")
    assert [c["name"] for c in follow.tool_calls] == ["customer_overview"]
    assert follow.tool_calls[0]["args"]["customer"] == "MID" and "buyer@mid.test" in follow.answer


def test_it_after_one_invoice_is_that_invoice(session):
    w = make_small_world(session)
    ask(session, w["manager"], "what's our oldest overdue invoice?", conversation="conv-inv")
    follow = ask(session, w["manager"], "how much is still open on it?", conversation="conv-inv")
    assert [c["name"] for c in follow.tool_calls] == ["invoice_status"]


# --- words read this round (the frame alone: no database) ----------------------------------------------------------

from assistant.planner.frame import parse  # noqa: E402
from assistant.planner.when import mentions  # noqa: E402


@pytest.mark.parametrize("text, form", [
    ("bills due between now and the end of the month", "2026-12-22..2026-12-31"),
    ("invoices due by the end of the quarter", "2026-12-22..2026-12-31"),
    ("hóa đơn đến hạn từ nay đến cuối tuần", "2026-12-22..2026-12-27"),
    ("what's left for the rest of the year", "2026-12-22..2026-12-31"),
])
def test_the_rest_of_a_period_runs_from_today_to_its_end(text, form):
    from backend.text import fold

    assert [m.period for m in mentions(fold(text), date(2026, 12, 22))] == [form]


@pytest.mark.parametrize("text, measures, group_by", [
    ("how many times did we pay suppliers last month", ["supplier_payment_count"], []),
    ("tháng trước mình đã thanh toán cho nhà cung cấp bao nhiêu lần?", ["supplier_payment_count"], []),
    ("aging buckets for usd receivables", ["open_receivables"], ["aging_bucket"]),
    ("cong no phai tra qua han bao nhieu hoa don", ["overdue_bills"], []),
])
def test_figures_read_this_round(text, measures, group_by):
    frame = parse(text, date(2026, 8, 12))
    assert frame.measures == measures and frame.group_by == group_by


def test_states_read_this_round():
    assert set(parse("how many purchase orders are still open (sent but not fully received)?", date(2026, 8, 12)).statuses) \
        >= {("po_status", "sent"), ("po_status", "partially_received")}
    assert ("match_status", "exceptions") in parse("how many open bills have a price or quantity mismatch",
                                                   date(2026, 8, 12)).statuses
    deal = parse("co hoi ban hang lon nhat cua toi dang mo", date(2026, 8, 12))
    assert deal.measures == ["pipeline_amount"] and deal.mine
    oldest = parse("which customer has the oldest overdue invoice", date(2026, 8, 12))
    assert oldest.row == "invoice" and "open_receivables" in oldest.measures


@pytest.mark.parametrize("text, measures", [
    ("how many invoices did we issue last month and what's the total?", ["invoices", "invoiced"]),
    ("năm 2025 khách trả bằng tiền mặt bao nhiêu lần, tổng bao nhiêu?", ["payment_count", "payments_received"]),
    ("how many goods receipts came in today and how many units in total?", ["goods_receipts", "units_received"]),
    ("who bought the track Gay Witch Hunt?", ["customers_buying"]),
    ("net proft last month?", ["net_profit"]),
    ("how much have we received from suppliers that hasn't been billed to us yet?", ["goods_received_not_billed"]),
])
def test_more_figures_read_this_round(text, measures):
    assert parse(text, date(2026, 4, 20)).measures == measures


def test_a_time_word_is_not_the_asker():
    assert not parse("tuần tới có bao nhiêu hóa đơn đến hạn, tổng bao nhiêu tiền?", date(2026, 4, 20)).mine
    assert parse("em có bao nhiêu đơn hàng tháng này", date(2026, 4, 20)).mine


def test_documents_in_a_state_asked_by_name_are_listed():
    assert parse("open bills with match exceptions?", date(2026, 4, 20)).listing
    assert not parse("how many open bills have match exceptions?", date(2026, 4, 20)).listing


def test_a_value_set_aside_is_no_filter():
    from assistant.planner.planner import _said_not

    assert _said_not("how much did we take in cash not bank transfer in september", {"bank", "transfer"})
    assert not _said_not("how much did we take by bank transfer in september", {"bank", "transfer"})


def test_the_order_a_ticket_names_is_that_order_next():
    from assistant.brains.offline import _order_of_ticket

    one = {"tickets": [{"number": "TCK-2026-000044", "subject": "Giao hàng trễ đơn SO-2026-000766"}]}
    assert _order_of_ticket(one) == {"order": ["SO-2026-000766"]}
    assert _order_of_ticket({"tickets": [{"subject": "Wrong item shipped on BO-17-0976"}]}) == {"order": ["BO-17-0976"]}
    assert _order_of_ticket({"tickets": [{"subject": "Printer jam"}]}) == {}
    assert _order_of_ticket({"tickets": one["tickets"] * 2}) == {}


def test_a_job_title_picks_the_customer_that_has_it(session, team):
    from assistant.planner.planner import Memory, make_plan

    trading = make_customer(session, name="Hoàng Long Trading", code="HLT", owner=team["jane"])
    make_customer(session, name="Hoàng Long Packaging", code="HLP", owner=team["jane"])
    make_contact(session, customer=trading, name="Đỗ Thị Hằng", email="hang@hlt.test", title="Kế toán trưởng")
    plan = make_plan("email của kế toán trưởng Hoàng Long là gì?", session=session, actor_id=team["boss"].id,
                     today=date(2026, 11, 20), memory=Memory())
    assert plan.args.get("customer") == "HLT"


@pytest.mark.parametrize("text, group_by, measures", [
    ("who booked the most orders, not counting cancelled ones?", ["owner"], ["orders"]),
    ("who placed the most orders last year?", ["customer"], ["orders"]),
    ("How much has Redwood Sporting Goods ordered since July 1?", [], ["revenue"]),
    ("Which of my deals are expected to close in the next 30 days?", [], ["expected_close", "pipeline_amount"]),
])
def test_rankings_and_worth_read_this_round(text, group_by, measures):
    frame = parse(text, date(2026, 3, 18))
    assert frame.group_by == group_by and frame.measures == measures


def test_the_words_of_a_rule_and_of_the_last_contact():
    from assistant.planner.planner import LAST_CONTACT, RULE_ASKED, _bills_listed
    from backend.text import fold

    assert RULE_ASKED.search(fold("what's the most cash a customer can pay at the warehouse counter?"))
    assert not RULE_ASKED.search(fold("which customer paid the most cash?"))
    assert LAST_CONTACT.search(fold("lần cuối mình liên hệ với họ là khi nào?"))
    assert LAST_CONTACT.search(fold("when did we last talk to Đại Tín?"))
    frame = parse("do we have any overdue bill with Shenzen Kingdom?", date(2026, 3, 18))
    assert _bills_listed(["overdue_payables"], frame) == ["overdue_bills"]


def test_colleagues_of_a_region_and_yes_no_tickets(session, team):
    from tests.factories.customers import make_ticket

    team["steve"].region = "Northeast"
    session.flush()
    result = ask(session, team["boss"], "Who covers the Northeast region?")
    assert [c["name"] for c in result.tool_calls] == ["find_employees"] and "Steve Johnson" in result.answer
    customer = make_customer(session, name="Lakeshore Sports Warehouse", code="LSW", owner=team["jane"])
    make_ticket(session, customer=customer, subject="Short shipment")
    answer = ask(session, team["boss"], "r there any open tickets for lakeshore sports", conversation="conv-t").answer
    assert answer.startswith("Yes — 1 ticket")


def test_this_month_than_last_month_of_the_same_name():
    from assistant.planner.when import read

    when = read("did we sell more this november than last november", date(2017, 12, 29))
    assert (when.period, when.compare) == ("2017-11", "same_period_last_year")
    assert read("did we sell more in november than in october", date(2017, 12, 29)).compare == "previous_period"
