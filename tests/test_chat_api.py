"""POST /api/chat: bearer auth, server-sent events (tool progress, tokens, confirmation, final JSON)."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from backend.models import Ticket
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee


def _events(response) -> list[tuple[str, dict]]:
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def _world(session, now, role="support"):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    employee = make_employee(session, role=role)
    return employee, make_token(session, employee=employee, now=now)


def test_chat_needs_a_token(api):
    assert api.post("/api/chat", json={"message": "hi"}).status_code == 401


def test_chat_streams_progress_and_final_json(api, session, now):
    _, token = _world(session, now)
    response = api.post("/api/chat", json={"message": "find customer hoang long"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    kinds = [kind for kind, _ in events]
    assert "tool_start" in kinds and "token" in kinds
    assert kinds[-1] == "final"
    final = events[-1][1]
    assert final["tool_calls"][0]["name"] == "find_customers"
    assert "Hoàng Long Trading" in final["answer"]
    assert final["conversation"]


def test_chat_write_emits_a_confirmation_and_yes_confirms(api, session, now):
    _, token = _world(session, now)
    first = _events(api.post("/api/chat", json={"message": "open a ticket for Hoàng Long Trading: printer jammed"},
                             headers=bearer(token)))
    confirmation = [data for kind, data in first if kind == "confirmation"]
    assert confirmation and confirmation[0]["id"]
    conversation = first[-1][1]["conversation"]
    assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
    second = _events(api.post("/api/chat", json={"message": "yes", "conversation": conversation}, headers=bearer(token)))
    assert second[-1][0] == "final"
    assert session.execute(select(func.count()).select_from(Ticket)).scalar_one() == 1


def test_chat_conversation_of_another_employee_is_refused(api, session, now):
    _, token = _world(session, now)
    first = _events(api.post("/api/chat", json={"message": "find customer hoang long"}, headers=bearer(token)))
    other = make_employee(session, role="support")
    events = _events(api.post("/api/chat", json={"message": "and their tickets?", "conversation": first[-1][1]["conversation"]},
                              headers=bearer(make_token(session, employee=other, now=now))))
    assert events[-1][0] == "error" and events[-1][1]["error"] == "permission_denied"
