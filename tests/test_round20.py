"""Readings added while studying generation 19 of the held-out sets: colleagues asked by their job or with a typo,
what someone does here, people ranked by what they booked, a customer's total for a year and orders placed ever."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.factories.org import make_employee
from tests.test_round19 import ask, shop, staff  # noqa: F401  (the fixtures)


def test_colleagues_by_job_by_typo_and_what_they_do(session, staff):
    make_employee(session, role="finance", name="Beth Novak", email="beth@example.test", manager=staff["boss"])
    session.flush()
    everyone = ask(session, staff["boss"], "how many ppl work here?")
    assert everyone.tool_calls[0]["name"] == "find_employees" and "6 colleagues" in everyone.answer
    finance = ask(session, staff["boss"], "what's the email for our finance person?")
    assert finance.tool_calls[0]["args"].get("role") == "finance"
    assert "beth@example.test" in finance.answer and "Robert King" not in finance.answer
    job = ask(session, staff["boss"], "what does Robert King do here?")
    assert job.tool_calls[0]["name"] == "find_employees" and "support" in job.answer
    region = ask(session, staff["boss"], "who covers teh Lethbridge region?")
    assert "Laura Callahan" in region.answer and "Jane Peacock" not in region.answer


def test_who_booked_the_most_ranks_people_by_revenue(session, shop):
    from backend.models import Customer, Product
    from tests.factories.sales import make_order

    other = make_employee(session, role="sales", name="Derek Olsen", email="derek@example.test")
    lamp = session.execute(select(Product).where(Product.sku == "LP-1001")).scalar_one()
    cairn = session.execute(select(Customer).where(Customer.code == "CAIRN")).scalar_one()
    make_order(session, customer=cairn, lines=[(lamp, 100, None, Decimal("0"))], order_date=date(2026, 10, 5),
               status="invoiced", salesperson=other)     # one big order: the most revenue
    session.flush()
    most = ask(session, shop["boss"], "who booked the most this year?")
    assert "Derek Olsen" in most.answer and "3,000,000" in most.answer


def test_a_customers_total_for_a_year_and_orders_placed_ever(session, shop):
    from backend.models import Customer, Product
    from tests.factories.sales import make_order

    lamp = session.execute(select(Product).where(Product.sku == "LP-1001")).scalar_one()
    cairn = session.execute(select(Customer).where(Customer.code == "CAIRN")).scalar_one()
    make_order(session, customer=cairn, lines=[(lamp, 10, None, Decimal("0"))], order_date=date(2024, 3, 5),
               status="invoiced")
    session.flush()
    total = ask(session, shop["boss"], "whats the total for Cairn Outfitters in 2024?")
    assert "300,000" in total.answer
    ever = ask(session, shop["boss"], "how many orders has Cairn Outfitters placed with us?")
    call = ever.tool_calls[0]
    assert call["name"] == "query_data" and call["args"].get("period") == "all"
    this_year = ask(session, shop["boss"], "how many orders did Cairn Outfitters place?")
    assert this_year.tool_calls[0]["args"].get("period") != "all"


def test_which_rep_covers_a_region_named_without_the_word(session, staff):
    covers = ask(session, staff["boss"], "which rep covers Lethbridge?")
    assert covers.tool_calls[0]["name"] == "find_employees" and covers.tool_calls[0]["args"].get("region") == "lethbridge"
    assert "Laura Callahan" in covers.answer and "Jane Peacock" not in covers.answer
