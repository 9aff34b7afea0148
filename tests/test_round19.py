"""Readings added while studying generation 18 of the held-out sets: the staff directory asked by count, place,
department and pronoun; the buying side's open orders, their lines and dates."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from assistant.agent import Assistant
from tests.factories.org import make_company, make_employee

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


def ask(session, actor, message, conversation=None):
    return Assistant().ask(session, actor, message, channel="test", conversation_id=conversation, now=NOW)


@pytest.fixture
def staff(session):
    make_company(session)
    boss = make_employee(session, role="manager", name="Andrew Adams", email="andrew@example.test", region="Edmonton")
    it = make_employee(session, role="admin", name="Michael Mitchell", email="michael@example.test", manager=boss,
                       region="Calgary")
    make_employee(session, role="support", name="Robert King", email="robert@example.test", manager=it,
                  region="Lethbridge")
    make_employee(session, role="support", name="Laura Callahan", email="laura@example.test", manager=it,
                  region="Lethbridge")
    make_employee(session, role="sales", name="Jane Peacock", email="jane@example.test", manager=boss, region="Calgary")
    return {"boss": boss, "it": it}


def test_colleagues_counted_by_place_and_in_all(session, staff):
    there = ask(session, staff["boss"], "How many employees are based in Lethbridge?")
    assert there.tool_calls[0]["args"].get("region") == "Lethbridge"
    assert "2 colleagues" in there.answer and "Robert King" in there.answer and "Jane Peacock" not in there.answer
    everyone = ask(session, staff["boss"], "how many employees do we have?")
    assert "5 colleagues" in everyone.answer


def test_my_direct_reports_and_a_department_by_its_initials(session, staff):
    mine = ask(session, staff["boss"], "Who reports directly to me?")
    assert mine.tool_calls[0]["args"]["query"] == "me"
    assert "Michael Mitchell" in mine.answer and "Jane Peacock" in mine.answer
    it = ask(session, staff["boss"], "who runs IT here?", conversation="it")
    assert it.tool_calls[0]["args"] == {"role": "admin", "limit": 20} and "Michael Mitchell" in it.answer
    team = ask(session, staff["boss"], "who reports to him?", conversation="it")
    assert team.tool_calls and team.tool_calls[0]["name"] == "find_employees"
    assert "Robert King" in team.answer and "Laura Callahan" in team.answer
    where = ask(session, staff["boss"], "and where are they based?", conversation="it")
    assert "Lethbridge" in where.answer


def test_customers_in_a_place_are_not_colleagues(session, staff):
    plan = ask(session, staff["boss"], "which customers are based in Calgary?")
    assert not plan.tool_calls or plan.tool_calls[0]["name"] != "find_employees"
