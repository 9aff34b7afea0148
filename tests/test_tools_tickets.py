"""list_tickets: the filtered list, and one ticket asked by its number (any stored format, any letter case)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from backend.errors import NotFound
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.customers import make_customer, make_ticket
from tests.factories.org import make_company, make_employee


@pytest.fixture
def desk(session):
    make_company(session)
    agent = make_employee(session, role="support", name="Phạm Minh Anh")
    hoang = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    minh = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT")
    closed = make_ticket(session, customer=hoang, number="CS-1454", subject="Toner leaking", status="closed",
                         priority="high", description="Two cartridges leaked in the box.",
                         opened_at=datetime(2026, 10, 3, 2, 15, tzinfo=timezone.utc))
    closed.assignee_id = agent.id
    closed.closed_at = datetime(2026, 10, 6, 9, 0, tzinfo=timezone.utc)
    make_ticket(session, customer=hoang, number="TCK-2026-000098", subject="Short delivery", status="pending",
                opened_at=datetime(2026, 11, 12, 8, 0, tzinfo=timezone.utc))
    make_ticket(session, customer=minh, number="tck-legacy-7", subject="Invoice copy", priority="low",
                opened_at=datetime(2026, 11, 15, 8, 0, tzinfo=timezone.utc))
    session.flush()
    return {"agent": agent}


@pytest.fixture
def ctx(session, now, settings, desk):
    return ToolContext(session=session, actor=make_employee(session, role="sales"), channel="test", now=now,
                       settings=settings)


def test_one_ticket_by_number_whatever_its_status(ctx):
    result = invoke("list_tickets", ctx, {"ticket": "cs-1454"})  # closed: the default 'unresolved' does not hide it
    assert (result.total, result.customer_code, len(result.tickets)) == (1, "HOANGLONG", 1)
    t = result.tickets[0]
    assert (t.number, t.subject, t.description, t.status, t.priority) == (
        "CS-1454", "Toner leaking", "Two cartridges leaked in the box.", "closed", "high")
    assert (t.customer_code, t.customer_name, t.assignee) == ("HOANGLONG", "Hoàng Long Trading", "Phạm Minh Anh")
    assert (t.opened_at, t.closed_at) == (datetime(2026, 10, 3, 2, 15, tzinfo=timezone.utc),
                                          datetime(2026, 10, 6, 9, 0, tzinfo=timezone.utc))


def test_ticket_numbers_in_any_format_and_case(ctx):
    pending = invoke("list_tickets", ctx, {"ticket": "TCK-2026-000098", "status": "closed", "priority": "urgent"})
    assert [(t.number, t.status, t.assignee, t.closed_at) for t in pending.tickets] == [
        ("TCK-2026-000098", "pending", None, None)]
    legacy = invoke("list_tickets", ctx, {"ticket": "TCK-LEGACY-7"})  # stored in lower case
    assert [t.number for t in legacy.tickets] == ["tck-legacy-7"] and legacy.customer_code == "MINHPHAT"
    assert invoke("list_tickets", ctx, {"ticket": "CS-1454", "customer": "HOANGLONG"}).total == 1


def test_unknown_or_mismatched_ticket_is_not_found(ctx):
    with pytest.raises(NotFound, match="There is no ticket CS-9999"):
        invoke("list_tickets", ctx, {"ticket": " CS-9999 "})
    with pytest.raises(NotFound, match="not a ticket of Minh Phát"):
        invoke("list_tickets", ctx, {"ticket": "CS-1454", "customer": "MINHPHAT"})


def test_without_a_number_the_list_is_unchanged(ctx):
    unresolved = invoke("list_tickets", ctx, {})
    assert (unresolved.total, [t.number for t in unresolved.tickets]) == (2, ["tck-legacy-7", "TCK-2026-000098"])
    assert invoke("list_tickets", ctx, {"status": "any", "customer": "HOANGLONG"}).total == 2
    assert invoke("list_tickets", ctx, {"ticket": "  "}).total == 2


def test_the_longest_waiting_ticket_first(ctx):
    oldest = invoke("list_tickets", ctx, {"oldest_first": True, "limit": 1})
    assert (oldest.total, [t.number for t in oldest.tickets], oldest.oldest_first) == (2, ["TCK-2026-000098"], True)
    every = invoke("list_tickets", ctx, {"oldest_first": True, "status": "any"})
    assert [t.number for t in every.tickets] == ["CS-1454", "TCK-2026-000098", "tck-legacy-7"]


def test_rest_ticket_by_number(api, session, desk, now):
    token = make_token(session, employee=desk["agent"], now=now)
    found = api.get("/api/tickets", params={"ticket": "cs-1454"}, headers=bearer(token))
    assert found.status_code == 200 and [t["number"] for t in found.json()["tickets"]] == ["CS-1454"]
    missing = api.get("/api/tickets", params={"ticket": "CS-9999"}, headers=bearer(token))
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_tickets_opened_in_a_period_and_assigned_to_me(session):
    from datetime import datetime, timezone

    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke
    from tests.factories.customers import make_customer, make_ticket
    from tests.factories.org import make_company, make_employee

    make_company(session)
    agent = make_employee(session, role="support", name="Phạm Minh Anh")
    other = make_employee(session, role="support", name="Trương Gia Huy")
    acme = make_customer(session, name="Acme", code="ACMEP")
    this_week = make_ticket(session, customer=acme, number="TCK-W-1", opened_at=datetime(2026, 11, 17, 2, tzinfo=timezone.utc))
    this_week.assignee_id = agent.id
    make_ticket(session, customer=acme, number="TCK-W-2", status="closed",
                opened_at=datetime(2026, 11, 16, 20, tzinfo=timezone.utc)).assignee_id = other.id  # Monday 03:00 local
    make_ticket(session, customer=acme, number="TCK-W-3", opened_at=datetime(2026, 11, 8, 2, tzinfo=timezone.utc))
    session.flush()
    ctx = ToolContext(session=session, actor=agent, channel="test", now=datetime(2026, 11, 20, 3, tzinfo=timezone.utc))
    week = invoke("list_tickets", ctx, {"opened": "this-week", "status": "any"})
    assert sorted(t.number for t in week.tickets) == ["TCK-W-1", "TCK-W-2"] and week.total == 2
    mine = invoke("list_tickets", ctx, {"assignee": "me", "status": "any"})
    assert [t.number for t in mine.tickets] == ["TCK-W-1"]


def test_tickets_about_words_and_their_local_days(ctx):
    found = invoke("list_tickets", ctx, {"about": "LEAKED", "status": "any"})   # the description's words, any case
    assert [t.number for t in found.tickets] == ["CS-1454"]
    assert invoke("list_tickets", ctx, {"about": "100%_", "status": "any"}).total == 0   # wildcards are literal
    t = found.tickets[0]
    assert (t.opened_on, t.closed_on) == (date(2026, 10, 3), date(2026, 10, 6))   # the company's days (UTC+7)
