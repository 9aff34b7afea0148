"""Orders and tickets as of the day asked about: an order placed later is not there yet, one booked as shipped on a
later day has not shipped; a ticket opened later is not there, one closed later is still open (imported books can run
past today)."""
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


def test_tickets_as_of_now_and_the_last_one(session, now):
    from datetime import timedelta

    from tests.factories.customers import make_customer, make_ticket
    from tests.factories.org import make_company, make_employee

    make_company(session)
    agent = make_employee(session, role="support", name="Rae Dunn", email="rae@example.test")
    shop = make_customer(session, name="Coastal Outdoor Outlet", code="COASTAL")
    make_ticket(session, customer=shop, number="CS-OPEN", opened_at=now - timedelta(days=5))
    later = make_ticket(session, customer=shop, number="CS-CLOSED-LATER", opened_at=now - timedelta(days=3),
                        status="closed")
    later.closed_at = now + timedelta(days=2)           # closed on a day still to come: open today
    make_ticket(session, customer=shop, number="CS-NOT-YET", opened_at=now + timedelta(days=10))
    done = make_ticket(session, customer=shop, number="CS-DONE", opened_at=now - timedelta(days=9), status="closed")
    done.closed_at = now - timedelta(days=8)
    session.flush()
    still = Assistant().ask(session, agent, "which tickets are still open right now?", channel="test", now=now)
    assert "CS-OPEN" in still.answer and "CS-CLOSED-LATER" in still.answer
    assert "CS-NOT-YET" not in still.answer and "CS-DONE" not in still.answer
    last = Assistant().ask(session, agent, "last ticket from Coastal Outdoor Outlet?", channel="test", now=now)
    assert last.tool_calls[0]["args"]["status"] == "any" and "CS-CLOSED-LATER" in last.answer
    assert "CS-NOT-YET" not in last.answer


def test_query_data_reads_an_order_s_status_as_it_stood_on_the_day(session, now, settings):
    from datetime import timedelta

    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke
    from tests.factories.catalog import make_product
    from tests.factories.customers import make_customer
    from tests.factories.org import make_company, make_employee
    from tests.factories.sales import make_order

    make_company(session)
    boss = make_employee(session, role="manager", name="Kay Whitfield", email="kay@example.test")
    tent = make_product(session, sku="TENT-2", name="Dome tent", category="Tents")
    buyer = make_customer(session, name="Alpine Box Co.", code="ALPINEBOX")
    today = now.date()
    later = make_order(session, customer=buyer, lines=[(tent, 1, None, Decimal(0))], order_date=today - timedelta(days=2),
                       status="shipped", number="SO-S-LATER")
    later.shipped_date = today + timedelta(days=4)     # the books say shipped, on a day still to come
    gone = make_order(session, customer=buyer, lines=[(tent, 1, None, Decimal(0))], order_date=today - timedelta(days=9),
                      status="shipped", number="SO-S-GONE")
    gone.shipped_date = today - timedelta(days=7)
    session.flush()
    ctx = ToolContext(session=session, actor=boss, channel="test", now=now, settings=settings)
    waiting = invoke("query_data", ctx, {"measures": ["orders"], "group_by": ["order"], "period": "all",
                                         "filters": [{"dimension": "order_status", "values": ["confirmed"]}]})
    assert [r["order"] for r in waiting.rows] == ["SO-S-LATER"]
    by_status = invoke("query_data", ctx, {"measures": ["orders"], "group_by": ["order_status"], "period": "all"})
    assert {r["order_status"]: r["orders"] for r in by_status.rows} == {"confirmed": 1, "shipped": 1}
