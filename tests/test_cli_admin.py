"""Admin commands: tokens, the audit log, users. Each test gets a fresh SQLite under TANDEM_DATA_DIR (tmp_path)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from backend.api.auth import authenticate, verify_password
from backend.db import ensure_database, transaction
from backend.models import AuditEntry, Employee
from backend.tools import audit
from bots.cli import app
from tests.factories.org import make_employee

runner = CliRunner()


@pytest.fixture
def cli_engine(monkeypatch):
    """The CLI's own database (fresh per test: conftest points TANDEM_DATA_DIR at tmp_path); wide tables."""
    monkeypatch.setenv("COLUMNS", "200")
    return ensure_database()


@pytest.fixture
def employee(cli_engine) -> Employee:
    with transaction(cli_engine) as session:
        return make_employee(session, role="sales", code="LAN", name="Lan Nguyen", email="lan@example.test")


def _invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_token_create_prints_a_working_token_once(cli_engine, employee):
    result = _invoke("token", "create", "--employee", "lan@example.test", "--label", "laptop", "--days", "30")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("tdm_")
    with transaction(cli_engine) as session:
        assert authenticate(session, token).code == "LAN"


def test_token_create_for_unknown_employee_fails_clearly(cli_engine):
    result = _invoke("token", "create", "--employee", "nobody")
    assert result.exit_code == 1 and "No employee" in result.output


def test_token_revoke_by_label_and_all(cli_engine, employee):
    laptop = _invoke("token", "create", "-e", "LAN", "--label", "laptop").stdout.strip().splitlines()[-1]
    phone = _invoke("token", "create", "-e", "LAN", "--label", "phone").stdout.strip().splitlines()[-1]
    assert _invoke("token", "revoke", "-e", "LAN").exit_code == 1  # neither --label nor --all
    result = _invoke("token", "revoke", "-e", "LAN", "--label", "laptop")
    assert result.exit_code == 0 and "Revoked 1" in result.output
    with transaction(cli_engine) as session:
        with pytest.raises(Exception, match="revoked"):
            authenticate(session, laptop)
        assert authenticate(session, phone).code == "LAN"
    assert _invoke("token", "revoke", "-e", "LAN", "--all").exit_code == 0
    assert _invoke("token", "revoke", "-e", "LAN", "--all").exit_code == 1  # nothing left to revoke
    listed = _invoke("token", "list", "-e", "LAN")
    assert listed.exit_code == 0 and "laptop" in listed.output and "phone" in listed.output


def _audit_some_calls(cli_engine, employee_code: str = "LAN") -> None:
    from backend.tools.registry import invoke
    from backend.tools.context import ToolContext

    with transaction(cli_engine) as session:
        person = session.execute(select(Employee).where(Employee.code == employee_code)).scalar_one()
        ctx = ToolContext(session=session, actor=person, channel="cli")
        invoke("find_customers", ctx, {"query": "acme [test]"})
        invoke("find_customers", ctx, {"query": "minh"})


def test_audit_verify_passes_then_detects_an_edit(cli_engine, employee):
    _audit_some_calls(cli_engine)
    ok = _invoke("audit", "verify")
    assert ok.exit_code == 0 and "intact" in ok.output and "2 rows" in ok.output
    with transaction(cli_engine) as session:
        first = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().first()
        session.execute(update(AuditEntry).where(AuditEntry.id == first.id).values(arguments='{"query":"edited"}'))
    broken = _invoke("audit", "verify")
    assert broken.exit_code == 1
    assert "broken" in broken.output and f"row id {first.id}" in broken.output and "edited" in broken.output


def test_audit_tail_shows_the_latest_rows(cli_engine, employee):
    assert "empty" in _invoke("audit", "tail").output
    _audit_some_calls(cli_engine)
    result = _invoke("audit", "tail", "-n", "1")
    assert result.exit_code == 0
    assert "find_customers" in result.output and "lan@example.test" in result.output and "cli" in result.output
    assert "minh" in result.output and "acme [test]" not in result.output  # -n 1: only the latest row
    with transaction(cli_engine) as session:
        assert audit.verify(session).ok


def test_user_set_password_asks_twice_and_stores_a_hash(cli_engine, employee):
    result = _invoke("user", "set-password", "LAN", input="s3cret-pass\ns3cret-pass\n")
    assert result.exit_code == 0, result.output
    with transaction(cli_engine) as session:
        stored = session.execute(select(Employee.password_hash).where(Employee.code == "LAN")).scalar_one()
    assert stored and "s3cret-pass" not in stored and verify_password("s3cret-pass", stored)


def test_user_set_password_refuses_a_short_password(cli_engine, employee):
    result = _invoke("user", "set-password", "LAN", input="short\nshort\n")
    assert result.exit_code == 1 and "too short" in result.output


def test_user_list_shows_roles_passwords_and_tokens(cli_engine, employee):
    _invoke("token", "create", "-e", "LAN")
    result = _invoke("user", "list")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if "LAN" in line)
    assert "sales" in line and "lan@example.test" in line and line.rstrip(" │").endswith("1")


def test_serve_runs_uvicorn_with_the_app(cli_engine, monkeypatch):
    import uvicorn
    from fastapi import FastAPI

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kwargs: calls.append((app_, kwargs)))
    result = _invoke("serve", "--host", "127.0.0.1", "--port", "8123", "--workers", "3")
    assert result.exit_code == 0, result.output
    served, options = calls[0]
    # Each worker process builds the app from the factory named here.
    assert served == "bots.server:served_app"
    assert options == {"factory": True, "host": "127.0.0.1", "port": 8123, "workers": 3}
    from bots.server import served_app

    app = served_app()
    assert isinstance(app, FastAPI) and "/api/health" in app.openapi()["paths"]


def test_token_create_refuses_an_overlong_label(cli_engine, employee):
    result = _invoke("token", "create", "-e", "LAN", "--label", "x" * 101)
    assert result.exit_code == 1 and "too long" in result.output
