"""A customer's orders as of the day asked about: an order placed later is not there yet; one booked as shipped on
a later day has not shipped (imported books can run past today)."""
from __future__ import annotations

from decimal import Decimal

from assistant.agent import Assistant


def test_an_order_as_of_today_and_has_it_shipped(session, now):
    from datetime import timedelta

    from tests.factories.catalog import make_product
    from tests.factories.customers import make_customer
    from tests.factories.org import make_company, make_employee
    from tests.factories.sales import make_order

    make_company(session)
    boss = make_employee(session, role="manager", name="Kay Whitfield", email="kay@example.test")
    tent = make_product(session, sku="TENT-1", name="Ridge tent", category="Tents")
    buyer = make_customer(session, name="Nordwand Sport KG", code="NORDWAND")
    today = now.date()
    placed = make_order(session, customer=buyer, lines=[(tent, 2, None, Decimal(0))], order_date=today - timedelta(days=1),
                        status="shipped", number="SO-T-PLACED")
    placed.shipped_date = today + timedelta(days=3)      # booked as shipped, on a day still to come
    make_order(session, customer=buyer, lines=[(tent, 5, None, Decimal(0))], order_date=today + timedelta(days=30),
               status="confirmed", number="SO-T-LATER")  # not placed yet on the day asked about
    session.flush()
    last = Assistant().ask(session, boss, "Nordwand Sport KG last order - what was on it", channel="test",
                           conversation_id="nw", now=now)
    assert "SO-T-PLACED" in last.answer and "SO-T-LATER" not in last.answer
    shipped = Assistant().ask(session, boss, "has it shipped yet?", channel="test", conversation_id="nw", now=now)
    assert shipped.answer.startswith("Not yet")
