"""`tandem mcp --as EMPLOYEE` over stdio, through the SDK's own client: a real `tandem` process per connection on
the test's SQLite file. Handshake-era clients are asked to confirm with a server request on the pipe; 2026-07-28
clients with an input request; a client without elicitation gets the pending preview."""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp import Client, StdioServerParameters
from sqlalchemy import func, select

from backend.models import AuditEntry, Confirmation, Employee, Ticket
from backend.tools import registry

ROOT = Path(__file__).resolve().parents[1]
CLIENT = types.Implementation(name="stdio-test-client", version="2.0")
TICKET = {"customer": "HOANGLONG", "subject": "Toner leaks in the new printers", "priority": "high"}

pytestmark = pytest.mark.slow


class Person:
    def __init__(self, *actions: str):
        self.actions = list(actions)
        self.asked: list[str] = []

    async def __call__(self, context, params):
        self.asked.append(params.message)
        action = self.actions.pop(0)
        return types.ElicitResult(action=action, content={} if action == "accept" else None)


@asynccontextmanager
async def tandem_mcp(employee: str, *, write: bool = False, mode: str = "auto", person=None):
    args = ["-m", "bots.cli", "mcp", "--as", employee] + (["--write"] if write else [])
    server = StdioServerParameters(command=sys.executable, args=args, env=dict(os.environ), cwd=str(ROOT))
    async with Client(server, mode=mode, elicitation_callback=person, client_info=CLIENT) as client:
        yield client


def run(fn):
    try:
        return anyio.run(fn)
    except BaseExceptionGroup as group:
        while isinstance(group, BaseExceptionGroup) and len(group.exceptions) == 1:
            group = group.exceptions[0]
        raise group from None


@pytest.fixture
def db(cli_world):
    from backend.db import ensure_database, transaction

    engine = ensure_database()

    class Db:
        @staticmethod
        def support_code() -> str:
            with transaction(engine) as session:
                return session.execute(select(Employee.code).where(Employee.role == "support")).scalar_one()

        @staticmethod
        def count(model) -> int:
            with transaction(engine) as session:
                return session.execute(select(func.count()).select_from(model)).scalar_one()

        @staticmethod
        def audit() -> list[tuple[str, str, str, str | None]]:
            with transaction(engine) as session:
                return [(r.tool, r.outcome, r.channel, r.client) for r in
                        session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]

        @staticmethod
        def confirmations() -> list[str]:
            with transaction(engine) as session:
                return [c.status for c in session.execute(select(Confirmation).order_by(Confirmation.created_at)).scalars()]

    yield Db
    engine.dispose()


def test_read_only_session_lists_reads_answers_and_refuses(cli_world, db):
    _, rep = cli_world
    support = db.support_code()

    async def go():
        async with tandem_mcp(rep) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            credit = await client.call_tool("check_credit", {"customer": "HOANGLONG"})
            write = await client.call_tool("create_ticket", TICKET)
        async with tandem_mcp(support, mode="legacy") as client:
            support_names = {tool.name for tool in (await client.list_tools()).tools}
            refused = await client.call_tool("check_credit", {"customer": "SAIGONFOODS"})
        return names, credit, write, support_names, refused

    names, credit, write, support_names, refused = run(go)
    registry.load_tools()
    assert names == {s.name for s in registry.tools_for_role("sales") if s.kind == "read"}
    assert support_names == {s.name for s in registry.tools_for_role("support") if s.kind == "read"}
    assert credit.structured_content["credit_limit"] == "100000000"
    assert write.is_error and write.structured_content["error"] == "permission_denied"
    assert refused.is_error and refused.structured_content["error"] == "permission_denied"
    assert db.audit() == [("check_credit", "ok", "mcp", "stdio-test-client 2.0"),
                          ("create_ticket", "denied", "mcp", "stdio-test-client 2.0"),
                          ("check_credit", "denied", "mcp", "stdio-test-client 2.0")]
    assert db.count(Ticket) == 1


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_writes_are_accepted_or_declined_by_the_person(cli_world, db, mode):
    _, rep = cli_world
    person = Person("accept", "decline")

    async def go():
        async with tandem_mcp(rep, write=True, mode=mode, person=person) as client:
            accepted = await client.call_tool("create_ticket", TICKET)
            declined = await client.call_tool("create_ticket", {**TICKET, "subject": "Second ticket, declined"})
        return accepted, declined

    accepted, declined = run(go)
    assert accepted.structured_content["status"] == "done"
    assert declined.structured_content["status"] == "declined"
    assert len(person.asked) == 2 and "Toner leaks" in person.asked[0]
    assert db.count(Ticket) == 2  # the world's ticket and the accepted one
    assert db.confirmations() == ["executed", "cancelled"]
    assert [row[:2] for row in db.audit()] == [("create_ticket", "pending"), ("confirm:create_ticket", "ok"),
                                               ("create_ticket", "pending"), ("cancel:create_ticket", "ok")]


def test_a_client_without_elicitation_gets_the_pending_preview(cli_world, db):
    _, rep = cli_world

    async def go():
        async with tandem_mcp(rep, write=True, mode="legacy") as client:
            return await client.call_tool("create_ticket", TICKET)

    outcome = run(go).structured_content
    assert outcome["status"] == "pending_confirmation" and outcome["confirmation_id"]
    assert db.count(Ticket) == 1 and db.confirmations() == ["pending"]


def test_an_unknown_employee_cannot_start_a_server(cli_world):
    done = subprocess.run([sys.executable, "-m", "bots.cli", "mcp", "--as", "nobody@example.test"], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 1
    assert done.stdout == ""  # stdout belongs to the protocol
    assert "nobody@example.test" in done.stderr
