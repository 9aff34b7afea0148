"""The agent loop with a scripted chat model: tool call -> result -> answer, parallel calls, a denied tool,
a write that stops at its preview, a confirmation on the next turn, the step cap, and `tandem ask --json`."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from langchain_core.messages import ToolMessage
from sqlalchemy import func, select

from assistant.agent import Assistant
from backend.models import Ticket
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee
from tests.factories.chat import ScriptedChatModel

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def people(session):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", credit_limit=Decimal("100000000"))
    make_customer(session, name="Minh Phát Stationery", code="MINHPHAT")
    return {"sales": make_employee(session, role="sales"), "support": make_employee(session, role="support")}


def run(session, actor, message, script, conversation="loop-1", **kw):
    model = ScriptedChatModel(script=script, seen=[])
    result = Assistant(brain_factory=lambda: model).ask(session, actor, message, channel="test",
                                                        conversation_id=conversation, now=NOW, **kw)
    return result, model


def test_tool_call_then_answer_from_the_result(session, people):
    result, model = run(session, people["sales"], "find hoang long", [[("find_customers", {"query": "hoang long"})], "Found it."])
    assert result.answer == "Found it."
    assert result.tool_calls[0]["name"] == "find_customers" and result.tool_calls[0]["status"] == "ok"
    tool_message = [m for m in model.seen[-1] if isinstance(m, ToolMessage)][0]
    assert json.loads(tool_message.content)["result"]["candidates"][0]["code"] == "HOANGLONG"


def test_parallel_tool_calls_all_run(session, people):
    script = [[("check_credit", {"customer": "HOANGLONG"}), ("find_customers", {"query": "minh phat"})], "Both done."]
    result, model = run(session, people["sales"], "credit of Hoàng Long and find Minh Phát", script)
    assert sorted(c["name"] for c in result.tool_calls) == ["check_credit", "find_customers"]
    assert len([m for m in model.seen[-1] if isinstance(m, ToolMessage)]) == 2


def test_a_tool_outside_the_role_is_refused_inside_the_tool(session, people):
    script = [[("check_credit", {"customer": "HOANGLONG"})], "Sorry."]
    result, _ = run(session, people["support"], "credit of Hoàng Long", script)
    call = result.tool_calls[0] if result.tool_calls else None
    # Support is not offered check_credit; a model that calls it anyway gets an error, never data.
    assert call is None or call["status"] == "error"
    assert "credit_limit" not in json.dumps(result.tool_calls)


def _tickets(session):
    return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


def test_write_stops_at_preview_and_confirms_on_the_next_turn(session, people):
    script = [[("create_ticket", {"customer": "HOANGLONG", "subject": "Printer jammed", "priority": "high"})], "Please confirm."]
    first, _ = run(session, people["support"], "ticket for Hoàng Long: printer jammed", script, conversation="loop-w")
    assert first.confirmation and first.confirmation["summary"].startswith("Open a high ticket")
    assert _tickets(session) == 0
    second, model = run(session, people["support"], "yes", [], conversation="loop-w")
    assert _tickets(session) == 1
    assert second.tool_calls[0]["name"] == "confirm:create_ticket"
    assert model.seen == []  # the model took no part in confirming


def test_model_cannot_confirm_by_itself(session, people):
    script = [[("create_ticket", {"customer": "HOANGLONG", "subject": "Printer jammed"})],
              [("create_ticket", {"customer": "HOANGLONG", "subject": "Printer jammed"})], "Done!"]
    result, _ = run(session, people["support"], "ticket please", script)
    assert _tickets(session) == 0
    assert all(c["status"] == "pending_confirmation" for c in result.tool_calls)


def test_step_cap_ends_a_runaway_loop(session, people):
    script = [[("find_customers", {"query": "hoang"})]] * 20 + ["never reached"]
    result, _ = run(session, people["sales"], "loop forever", script)
    assert "steps" in result.answer
    assert len(result.tool_calls) <= 6


def test_ask_json_output_schema(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from backend.db import ensure_database, transaction
    from bots.cli import app

    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    from backend.settings import get_settings

    get_settings.cache_clear()
    engine = ensure_database()
    with transaction(engine) as session:
        make_company(session)
        make_employee(session, role="sales", code="S1", email="s1@example.test")
        make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    outcome = CliRunner().invoke(app, ["ask", "find customer hoang long", "--as", "s1@example.test", "--json"])
    assert outcome.exit_code == 0, outcome.output
    body = json.loads(outcome.stdout)
    assert set(body) == {"answer", "tool_calls", "confirmation", "citations", "brain", "conversation", "elapsed_ms"}
    assert body["brain"] == "offline" and isinstance(body["elapsed_ms"], int)
    assert body["tool_calls"][0]["name"] == "find_customers"
    assert set(body["tool_calls"][0]) == {"name", "args", "status", "result"}
