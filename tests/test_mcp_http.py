"""MCP over streamable HTTP (/mcp in the web app), through the SDK's own client, in-process (no network): tools per
role, structured results, refusals, tokens, writes confirmed by the person through elicitation, resources, prompts,
the audit, and two app instances on one database.

Both protocol eras are covered: 2026-07-28 (`mode="auto"`: stateless requests, elicitation as an input request the
client answers and retries) and the handshake era (`mode="legacy"`: over stateless HTTP there is no way back to the
client, so a write stays a pending preview)."""
from __future__ import annotations

import itertools
import json
from contextlib import asynccontextmanager

import anyio
import httpx2
import mcp_types as types
import pytest
from fastapi.testclient import TestClient
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from sqlalchemy import func, select, update

from backend.api.auth import create_token, revoke_tokens
from backend.models import AuditEntry, Confirmation, Interaction, Ticket
from backend.tools import audit, registry
from tests.factories.api import api_app, bearer  # noqa: F401
from tests.factories.world import make_small_world

BASE = "http://tandem.test"
CLIENT = types.Implementation(name="pytest-client", version="1.0")
TICKET = {"customer": "HOANGLONG", "subject": "Stapler jams on every third page", "priority": "high"}


class Person:
    """Stands in for the person at the client: answers every confirmation request with `action`."""

    def __init__(self, action: str = "accept"):
        self.action = action
        self.asked: list[str] = []

    async def __call__(self, context, params):
        self.asked.append(params.message)
        return types.ElicitResult(action=self.action, content={} if self.action == "accept" else None)


@asynccontextmanager
async def running(app):
    async with app.router.lifespan_context(app):
        yield


@asynccontextmanager
async def connect(app, token, *, mode="auto", person=None, transport=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(transport=transport or httpx2.ASGITransport(app=app), base_url=BASE,
                                  headers=headers) as http:
        async with Client(streamable_http_client(f"{BASE}/mcp", http_client=http), mode=mode,
                          elicitation_callback=person, client_info=CLIENT) as client:
            yield client


def run(fn):
    """anyio.run, raising what went wrong rather than the task groups' wrapping of it."""
    try:
        return anyio.run(fn)
    except BaseExceptionGroup as group:
        while isinstance(group, BaseExceptionGroup) and len(group.exceptions) == 1:
            group = group.exceptions[0]
        raise group from None


def call(app, token, tool, arguments=None, *, mode="auto", person=None) -> types.CallToolResult:
    async def go():
        async with running(app), connect(app, token, mode=mode, person=person) as client:
            return await client.call_tool(tool, arguments or {})

    return run(go)


@pytest.fixture
def world(session):
    return make_small_world(session)


@pytest.fixture
def tokens(session, world, now):
    """Read-only and write tokens for the rep, the support agent and the manager."""
    out = {}
    for who in ("rep", "support", "manager"):
        out[who] = create_token(session, world[who], label=f"{who}-read", now=now)
        out[f"{who}+w"] = create_token(session, world[who], label=f"{who}-write", now=now, can_write=True)
    return out


def _count(session, model) -> int:
    session.expire_all()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _audit(session) -> list[AuditEntry]:
    session.expire_all()
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


# --- tools ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_tool_list_follows_the_role_with_the_registrys_schemas(api_app, tokens, mode):
    async def go():
        async with running(api_app):
            listed = {}
            for who in ("rep+w", "support+w", "manager+w", "rep"):
                async with connect(api_app, tokens[who], mode=mode) as client:
                    listed[who] = {tool.name: tool for tool in (await client.list_tools()).tools}
            return listed

    listed = run(go)
    registry.load_tools()
    for who, role in (("rep+w", "sales"), ("support+w", "support"), ("manager+w", "manager")):
        assert set(listed[who]) == {spec.name for spec in registry.tools_for_role(role)}
    rep = listed["rep+w"]
    assert {"query_data", "run_report", "check_credit", "create_quote"} <= set(rep)
    assert "approve_quote" not in rep and "write_report" not in rep
    assert "check_credit" not in listed["support+w"] and "create_ticket" in listed["support+w"]
    assert {"approve_quote", "write_report"} <= set(listed["manager+w"])
    # A read-only token is offered no write at all.
    assert {name for name, tool in listed["rep"].items() if not tool.annotations.read_only_hint} == set()
    assert set(listed["rep"]) == {s.name for s in registry.tools_for_role("sales") if s.kind == "read"}
    for name in ("query_data", "run_report", "create_quote"):
        spec = registry.REGISTRY[name]
        assert rep[name].input_schema == spec.json_schema()
        assert rep[name].description == spec.description
        assert rep[name].output_schema and rep[name].output_schema["type"] == "object"
    assert rep["query_data"].annotations.read_only_hint and rep["query_data"].annotations.idempotent_hint
    quote = rep["create_quote"].annotations
    assert (quote.read_only_hint, quote.destructive_hint, quote.idempotent_hint) == (False, False, False)
    approve = listed["manager+w"]["approve_quote"].annotations
    assert (approve.read_only_hint, approve.destructive_hint, approve.idempotent_hint) == (False, True, True)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_read_call_returns_the_structured_result_and_is_audited(api_app, session, world, tokens, mode):
    result = call(api_app, tokens["rep"], "check_credit", {"customer": "Hoàng Long"}, mode=mode)
    assert not result.is_error
    credit = result.structured_content
    assert credit["customer_code"] == "HOANGLONG" and credit["credit_limit"] == "100000000"
    assert credit["outstanding"] == "12000000"
    assert json.loads(result.content[0].text) == credit
    row = _audit(session)[-1]
    assert (row.tool, row.channel, row.outcome, row.actor_id) == ("check_credit", "mcp", "ok", world["rep"].id)
    # The client's name: its clientInfo on a 2026 connection; its User-Agent where stateless HTTP never sees it.
    assert row.client == ("pytest-client 1.0" if mode == "auto" else f"python-httpx2/{httpx2.__version__}")


def test_query_data_and_run_report_over_mcp(api_app, tokens):
    figures = call(api_app, tokens["manager"], "query_data", {"measures": ["open_receivables"], "group_by": ["customer"]})
    assert not figures.is_error, figures.content[0].text
    assert figures.structured_content["rows"]
    report = call(api_app, tokens["manager"], "run_report", {"report": "ar-aging"})
    assert not report.is_error, report.content[0].text
    assert report.structured_content["title"]


def test_call_outside_the_role_is_refused_and_audited(api_app, session, tokens):
    result = call(api_app, tokens["support+w"], "check_credit", {"customer": "SAIGONFOODS"})
    assert result.is_error
    assert result.structured_content["error"] == "permission_denied"
    assert "support" in result.content[0].text
    row = _audit(session)[-1]
    assert (row.tool, row.channel, row.outcome) == ("check_credit", "mcp", "denied")


def test_unknown_tool_is_a_protocol_error(api_app, tokens):
    with pytest.raises(MCPError, match="no tool called"):
        call(api_app, tokens["rep"], "drop_database")


# --- tokens -----------------------------------------------------------------------------------------------------

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "curl", "version": "1"}}}


@pytest.mark.parametrize("header", [None, "Bearer tdm_not-a-real-token", "Bearer abc", "Basic dXNlcjpwdw=="])
def test_no_valid_token_is_401_with_a_challenge(api_app, tokens, header):
    with TestClient(api_app) as http:
        response = http.post("/mcp", json=INITIALIZE, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "unauthenticated"


def test_revoked_token_is_refused_at_once(api_app, session, world, tokens):
    with TestClient(api_app) as http:
        ok = http.post("/mcp", json=INITIALIZE, headers={**bearer(tokens["rep"]), "Accept": "application/json, text/event-stream"})
        assert ok.status_code == 200 and ok.json()["result"]["serverInfo"]["name"] == "tandem"
        revoke_tokens(session, world["rep"])
        session.flush()
        refused = http.post("/mcp", json=INITIALIZE, headers=bearer(tokens["rep"]))
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_the_sdk_client_without_a_token_gets_no_connection(api_app, tokens):
    async def go():
        async with running(api_app), connect(api_app, None):
            pass

    with pytest.raises(MCPError):  # the SDK reports the 401 as "Server returned an error response"
        run(go)


# --- writes -----------------------------------------------------------------------------------------------------

def test_write_on_a_read_only_token_is_refused(api_app, session, tokens):
    person = Person("accept")
    result = call(api_app, tokens["rep"], "create_ticket", TICKET, person=person)
    assert result.is_error and result.structured_content["error"] == "permission_denied"
    assert "read-only" in result.content[0].text
    assert person.asked == []
    assert _count(session, Confirmation) == 0 and _count(session, Ticket) == 1
    assert _audit(session)[-1].outcome == "denied"


@pytest.mark.parametrize("tool,arguments,model", [
    ("create_ticket", TICKET, Ticket),
    ("log_interaction", {"customer": "HOANGLONG", "kind": "call", "summary": "Agreed on the December delivery"},
     Interaction),
])
def test_write_accepted_through_elicitation_writes_one_row_as_the_person(api_app, session, world, tokens, tool,
                                                                       arguments, model):
    before = _count(session, model)
    person = Person("accept")
    result = call(api_app, tokens["rep+w"], tool, arguments, person=person)
    assert not result.is_error, result.content[0].text
    outcome = result.structured_content
    assert outcome["status"] == "done" and outcome["result"]
    assert len(person.asked) == 1 and "Trần Thị Mai" in person.asked[0] and "Hoàng Long" in person.asked[0]
    assert _count(session, model) == before + 1
    confirmation = session.get(Confirmation, outcome["confirmation_id"])
    assert (confirmation.status, confirmation.channel, confirmation.actor_id) == ("executed", "mcp", world["rep"].id)
    rows = [r for r in _audit(session) if r.tool.endswith(tool)]
    assert [(r.tool, r.outcome) for r in rows] == [(tool, "pending"), (f"confirm:{tool}", "ok")]
    assert {(r.channel, r.client, r.actor_id) for r in rows} == {("mcp", "pytest-client 1.0", world["rep"].id)}


def test_write_declined_writes_nothing(api_app, session, tokens):
    person = Person("decline")
    result = call(api_app, tokens["rep+w"], "create_ticket", TICKET, person=person)
    outcome = result.structured_content
    assert outcome["status"] == "declined" and outcome["preview"]["ticket"]["subject"] == TICKET["subject"]
    assert len(person.asked) == 1
    assert _count(session, Ticket) == 1  # the world's own ticket only
    assert session.get(Confirmation, outcome["confirmation_id"]).status == "cancelled"
    assert [r.tool for r in _audit(session)][-2:] == ["create_ticket", "cancel:create_ticket"]


def test_dismissing_the_question_leaves_the_preview_pending(api_app, session, tokens):
    outcome = call(api_app, tokens["rep+w"], "create_ticket", TICKET, person=Person("cancel")).structured_content
    assert outcome["status"] == "pending_confirmation"
    assert session.get(Confirmation, outcome["confirmation_id"]).status == "pending"
    assert _count(session, Ticket) == 1


@pytest.mark.parametrize("mode,person", [("auto", None), ("legacy", None), ("legacy", Person("accept"))])
def test_write_without_elicitation_leaves_a_pending_confirmation_for_tandem(api_app, session, world, tokens, mode,
                                                                           person):
    result = call(api_app, tokens["rep+w"], "create_ticket", TICKET, mode=mode, person=person)
    outcome = result.structured_content
    assert not result.is_error and outcome["status"] == "pending_confirmation"
    cid = outcome["confirmation_id"]
    assert outcome["preview"]["ticket"]["customer_code"] == "HOANGLONG"
    assert f"/api/confirmations/{cid}" in outcome["message"] and "cannot be confirmed from here" in outcome["message"]
    assert person is None or person.asked == []  # handshake-era over stateless HTTP: no way to ask
    assert _count(session, Ticket) == 1
    # The person confirms in Tandem, as themselves; only then is the ticket written.
    response = TestClient(api_app).post(f"/api/confirmations/{cid}", headers=bearer(tokens["rep"]))
    assert response.status_code == 200, response.text
    assert _count(session, Ticket) == 2


def test_no_tool_confirms_a_preview(api_app, tokens):
    async def go():
        async with running(api_app), connect(api_app, tokens["manager+w"]) as client:
            return [tool.name for tool in (await client.list_tools()).tools]

    assert not [name for name in run(go) if "confirm" in name]


def test_arguments_from_the_model_cannot_name_another_employee(api_app, session, world, tokens):
    manager = world["manager"]
    impostor = {"actor": manager.email, "employee": manager.code, "employee_id": manager.id, "as": manager.email,
                "created_by": manager.id, "channel": "cli"}
    arguments = {"customer": "HOANGLONG", "kind": "note", "summary": "Prefers deliveries before 10am", **impostor}
    result = call(api_app, tokens["rep+w"], "log_interaction", arguments, person=Person("accept"))
    assert result.structured_content["status"] == "done"
    session.expire_all()
    note = session.execute(select(Interaction).where(Interaction.summary == "Prefers deliveries before 10am")).scalar_one()
    assert note.employee_id == world["rep"].id
    assert {(r.actor_id, r.channel) for r in _audit(session)[-2:]} == {(world["rep"].id, "mcp")}
    # A rep naming someone else's figures is refused inside the tool, whatever the arguments say.
    figures = call(api_app, tokens["rep"], "query_data", {"measures": ["revenue"], "owner": manager.code})
    assert figures.is_error and figures.structured_content["error"] == "permission_denied"


def test_a_confirmation_round_trip_is_bound_to_the_person_and_the_arguments(api_app, session, world, tokens):
    """The state a write's input request carries is sealed to the employee, the tool and its arguments: replayed with
    another employee's token, or with other arguments, or forged, it is refused and nothing is written."""
    accept = {"confirm": types.ElicitResult(action="accept", content={})}

    async def go():
        async with running(api_app):
            async with connect(api_app, tokens["rep+w"], person=Person("accept")) as rep:
                first = await rep.session.call_tool("create_ticket", TICKET, allow_input_required=True)
            assert isinstance(first, types.InputRequiredResult)
            state = first.request_state
            assert state and "-" not in state[:3]  # sealed, not the confirmation id in clear
            refusals = []
            async with connect(api_app, tokens["manager+w"], person=Person("accept")) as manager:
                for args, token_state in ((TICKET, state), ({**TICKET, "priority": "low"}, state),
                                          (TICKET, "forged-state")):
                    with pytest.raises(MCPError) as caught:
                        await manager.call_tool("create_ticket", args, input_responses=accept, request_state=token_state)
                    refusals.append(caught.value.error.message)
            async with connect(api_app, tokens["rep+w"], person=Person("accept")) as rep:
                with pytest.raises(MCPError):
                    await rep.call_tool("create_ticket", {**TICKET, "priority": "low"}, input_responses=accept,
                                        request_state=state)
            return refusals

    refusals = run(go)
    assert set(refusals) == {"Invalid or expired requestState"}
    assert _count(session, Ticket) == 1
    assert {c.status for c in session.execute(select(Confirmation)).scalars()} == {"pending"}


def test_audit_chain_holds_with_client_names(api_app, session, tokens):
    call(api_app, tokens["rep+w"], "create_ticket", TICKET, person=Person("accept"))
    call(api_app, tokens["rep"], "find_customers", {"query": "minh"}, mode="legacy")
    rows = _audit(session)
    assert {r.client for r in rows} >= {"pytest-client 1.0", f"python-httpx2/{httpx2.__version__}"}
    report = audit.verify(session)
    assert report.ok, report.reason
    # The client's name is part of the hash: editing it breaks the chain.
    session.execute(update(AuditEntry).where(AuditEntry.id == rows[-1].id).values(client="someone else"))
    session.expire_all()
    report = audit.verify(session)
    assert not report.ok and report.first_bad_id == rows[-1].id


# --- resources and prompts --------------------------------------------------------------------------------------

def test_customer_brief_resource(api_app, session, tokens):
    async def go():
        async with running(api_app), connect(api_app, tokens["support"]) as client:
            templates = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
            brief = await client.read_resource("tandem://customers/HOANGLONG")
            with pytest.raises(MCPError) as missing:
                await client.read_resource("tandem://customers/NOSUCH")
            with pytest.raises(MCPError) as report:
                await client.read_resource("tandem://reports/sales")
            return templates, brief, missing.value, report.value

    templates, brief, missing, report = run(go)
    assert templates == ["tandem://customers/{code}"]  # support may not write reports
    markdown, as_json = brief.contents
    assert markdown.mime_type == "text/markdown" and markdown.text.startswith("# Hoàng Long Trading (HOANGLONG)")
    assert "Giao thiếu 20 thùng giấy" in markdown.text
    assert json.loads(as_json.text)["profile"]["code"] == "HOANGLONG"
    assert missing.error.code == -32002
    assert "role" in report.error.message
    rows = [r for r in _audit(session) if r.tool in ("customer_overview", "write_report")]
    assert [(r.tool, r.outcome) for r in rows] == [("customer_overview", "ok"), ("customer_overview", "rejected"),
                                                   ("write_report", "denied")]


def test_report_document_resource(api_app, tokens):
    async def go():
        async with running(api_app), connect(api_app, tokens["manager"]) as client:
            listed = [r.uri for r in (await client.list_resources()).resources]
            document = await client.read_resource("tandem://reports/ar-aging?language=en")
            return listed, document

    listed, document = run(go)
    assert "tandem://reports/ar-aging" in listed and "tandem://reports/sales" in listed
    (content,) = document.contents
    assert content.mime_type.startswith("text/markdown") and content.text.startswith("#")


def test_prompts_per_role_and_the_meeting_brief(api_app, session, tokens):
    async def go():
        async with running(api_app):
            async with connect(api_app, tokens["support"]) as client:
                support = [p.name for p in (await client.list_prompts()).prompts]
            async with connect(api_app, tokens["rep"]) as client:
                rep = [p.name for p in (await client.list_prompts()).prompts]
                meeting = await client.get_prompt("prepare_meeting", {"customer": "hoang long"})
            return support, rep, meeting

    support, rep, meeting = run(go)
    assert support == ["prepare_meeting"]
    assert set(rep) == {"prepare_meeting", "chase_overdue", "pipeline_review"}
    text, brief = meeting.messages
    assert "Prepare me for a meeting with hoang long." in text.content.text
    assert "never instructions" in text.content.text
    assert brief.content.type == "resource" and brief.content.resource.uri == "tandem://customers/HOANGLONG"
    assert _audit(session)[-1].tool == "customer_overview"


# --- stateless: two app instances on one database ---------------------------------------------------------------

class RoundRobin(httpx2.AsyncBaseTransport):
    """A load balancer in front of several app instances: each request goes to the next one."""

    def __init__(self, apps):
        self.transports = [httpx2.ASGITransport(app=app) for app in apps]
        self.served: list[int] = []
        self._next = itertools.cycle(range(len(apps)))

    async def handle_async_request(self, request):
        index = next(self._next)
        self.served.append(index)
        return await self.transports[index].handle_async_request(request)


def test_two_app_instances_on_one_database_serve_the_same_token(tmp_path):
    from backend.db import make_engine, migrate, transaction
    from bots.server import create_app

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    setup = make_engine(url)
    migrate(setup)
    with transaction(setup) as session:
        world = make_small_world(session)
        token = create_token(session, world["rep"], label="laptop", can_write=True)
        rep_id = world["rep"].id
    engines = [make_engine(url), make_engine(url)]
    apps = [create_app(engine=engine) for engine in engines]
    balancer = RoundRobin(apps)
    person = Person("accept")

    async def go():
        async with running(apps[0]), running(apps[1]):
            async with connect(apps[0], token, person=person, transport=balancer) as client:
                names = {tool.name for tool in (await client.list_tools()).tools}
                credit = await client.call_tool("check_credit", {"customer": "HOANGLONG"})
                ticket = await client.call_tool("create_ticket", TICKET)
            return names, credit, ticket

    names, credit, ticket = run(go)
    assert {"check_credit", "create_ticket"} <= names
    assert credit.structured_content["customer_code"] == "HOANGLONG"
    # The preview was made on one instance and the person's answer served by the other.
    assert ticket.structured_content["status"] == "done" and len(person.asked) == 1
    assert set(balancer.served) == {0, 1}
    with transaction(setup) as session:
        written = session.execute(select(Ticket).where(Ticket.subject == TICKET["subject"])).scalars().all()
        assert len(written) == 1
        rows = session.execute(select(AuditEntry).where(AuditEntry.channel == "mcp")).scalars().all()
        assert {r.actor_id for r in rows} == {rep_id}
        assert audit.verify(session).ok
    for engine in (*engines, setup):
        engine.dispose()

