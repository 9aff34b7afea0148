"""The admin side of MCP on the command line: read-only and write tokens, and the client's name in `audit tail`."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from backend.db import ensure_database, transaction
from backend.models import ApiToken, Employee
from backend.tools import audit
from bots.cli import app
from tests.factories.org import make_employee

runner = CliRunner()


@pytest.fixture
def cli_engine(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    engine = ensure_database()
    with transaction(engine) as session:
        make_employee(session, role="sales", code="LAN", name="Lan Nguyen", email="lan@example.test")
    return engine


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def test_tokens_are_read_only_unless_created_with_write(cli_engine):
    read = _invoke("token", "create", "-e", "LAN", "--label", "claude")
    write = _invoke("token", "create", "-e", "LAN", "--label", "vscode", "--write")
    assert read.exit_code == 0 and write.exit_code == 0, read.output + write.output
    assert "read-only over MCP" in read.stderr and "may write" in write.stderr
    with transaction(cli_engine) as session:
        access = dict(session.execute(select(ApiToken.label, ApiToken.can_write)).all())
    assert access == {"claude": False, "vscode": True}
    listed = _invoke("token", "list").stdout
    assert "access" in listed
    assert [line.split("│")[4].strip() for line in listed.splitlines() if "claude" in line or "vscode" in line] == \
        ["read", "write"]


def test_audit_tail_names_the_mcp_client(cli_engine):
    with transaction(cli_engine) as session:
        lan = session.execute(select(Employee).where(Employee.code == "LAN")).scalar_one()
        audit.append(session, actor=lan, channel="mcp", tool="find_customers", arguments={"query": "[b]minh[/b]"},
                     outcome="ok", detail=None, duration_ms=3, occurred_at=datetime.now(timezone.utc),
                     client="claude-ai [0.1]")
    tail = _invoke("audit", "tail", "-n", "1")
    assert tail.exit_code == 0, tail.output
    assert "mcp (claude-ai [0.1])" in tail.stdout
    assert _invoke("audit", "verify").exit_code == 0
