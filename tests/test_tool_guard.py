"""The guard every tool call goes through: roles, audit chain, confirmations (replay, actor, args, expiry)."""
from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update

from backend.errors import ConfirmationError, NotFound, PermissionDenied, ValidationFailed
from backend.models import AuditEntry
from backend.tools import audit
from backend.tools.context import ToolContext
from backend.tools.registry import invoke, tools_for_role
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee

PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")


@pytest.fixture
def ctx(session, now, settings):
    make_company(session)
    return ToolContext(session=session, actor=make_employee(session, role="sales"), channel="test", now=now, settings=settings)


def test_find_customers_is_accent_insensitive_and_ranked(ctx):
    make_customer(ctx.session, name="Hoàng Long Trading", code="HOANGLONG")
    make_customer(ctx.session, name="Bólido Comidas preparadas", code="BOLIDO", city="Madrid")
    make_customer(ctx.session, name="Minh Phát Stationery", code="MINHPHAT")
    result = invoke("find_customers", ctx, {"query": "hoang long"})
    assert result.candidates[0].code == "HOANGLONG"
    assert invoke("find_customers", ctx, {"query": "bolido"}).candidates[0].code == "BOLIDO"
    assert invoke("find_customers", ctx, {"query": "minhphat"}).candidates[0].matched_on == "code"


def test_every_call_is_audited_and_chain_verifies(ctx):
    invoke("find_customers", ctx, {"query": "x"})
    with pytest.raises(ValidationFailed):
        invoke("find_customers", ctx, {"query": ""})
    rows = audit.tail(ctx.session, 5)
    assert [r.outcome for r in rows[-2:]] == ["ok", "rejected"]
    assert audit.verify(ctx.session).ok


def test_edited_audit_row_breaks_the_chain(ctx):
    for q in ("a", "b", "c"):
        invoke("find_customers", ctx, {"query": q})
    rows = audit.tail(ctx.session, 3)
    ctx.session.execute(update(AuditEntry).where(AuditEntry.id == rows[1].id).values(arguments='{"query":"zzz"}'))
    ctx.session.expire_all()
    report = audit.verify(ctx.session)
    assert not report.ok and report.first_bad_id == rows[1].id


def test_unknown_tool_is_not_found(ctx):
    with pytest.raises(NotFound):
        invoke("drop_database", ctx, {})


def test_tools_for_role_filters(ctx):
    names = {spec.name for spec in tools_for_role("support")}
    assert "find_customers" in names


def test_denied_role_is_refused_and_audited(ctx, session):
    finance = make_employee(session, role="finance")
    make_customer(session, name="Acme", code="ACME")
    finance_ctx = ToolContext(session=session, actor=finance, channel="test", now=ctx.now, settings=ctx.settings)
    with pytest.raises(PermissionDenied, match="support"):
        invoke("create_ticket", finance_ctx, {"customer": "ACME", "subject": "Broken stapler"})
    assert audit.tail(session, 1)[0].outcome == "denied"


def _pending_ticket(ctx, **overrides):
    make_customer(ctx.session, name="Acme", code="ACME")
    args = {"customer": "ACME", "subject": "Broken stapler", "priority": "high"} | overrides
    return invoke("create_ticket", ctx, args)


def _ticket_count(session):
    from sqlalchemy import func
    from backend.models import Ticket
    return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


def test_write_stops_at_preview_then_confirm_executes_once(ctx):
    from backend.tools.registry import confirm
    pending = _pending_ticket(ctx)
    assert pending.status == "pending_confirmation" and not pending.preview.created
    assert _ticket_count(ctx.session) == 0
    done = confirm(ctx, pending.confirmation_id)
    assert done.created and done.ticket.number.startswith("TCK-2026-")
    assert _ticket_count(ctx.session) == 1
    with pytest.raises(ConfirmationError, match="already"):
        confirm(ctx, pending.confirmation_id)
    assert _ticket_count(ctx.session) == 1


def test_confirm_by_another_actor_is_refused(ctx, session):
    from backend.tools.registry import confirm
    pending = _pending_ticket(ctx)
    other = ToolContext(session=session, actor=make_employee(session, role="sales"), channel="test", now=ctx.now, settings=ctx.settings)
    with pytest.raises(PermissionDenied):
        confirm(other, pending.confirmation_id)
    assert _ticket_count(session) == 0


def test_expired_confirmation_is_refused(ctx):
    from backend.tools.registry import confirm
    pending = _pending_ticket(ctx)
    ctx.now = ctx.now + timedelta(minutes=16)
    with pytest.raises(ConfirmationError, match="expired"):
        confirm(ctx, pending.confirmation_id)
    assert _ticket_count(ctx.session) == 0


def test_changed_arguments_are_refused(ctx):
    from backend.tools.registry import confirm
    pending = _pending_ticket(ctx)
    with pytest.raises(ConfirmationError, match="changed"):
        confirm(ctx, pending.confirmation_id, {"customer": "ACME", "subject": "Broken stapler", "priority": "low"})
    assert _ticket_count(ctx.session) == 0


def test_idempotency_key_returns_same_confirmation_and_retried_confirm_same_result(ctx):
    from backend.tools.registry import confirm
    ctx.idempotency_key = "req-1"
    first = _pending_ticket(ctx)
    second = invoke("create_ticket", ctx, {"customer": "ACME", "subject": "Broken stapler", "priority": "high"})
    assert first.confirmation_id == second.confirmation_id
    ctx.idempotency_key = "confirm-1"
    a = confirm(ctx, first.confirmation_id)
    b = confirm(ctx, first.confirmation_id)
    assert a.ticket.number == b.ticket.number
    assert _ticket_count(ctx.session) == 1


def test_an_unexpected_error_is_rolled_back_reported_as_internal_and_audited(ctx, monkeypatch):
    from backend.errors import ToolFailed
    from backend.tools import registry

    make_customer(ctx.session, name="Acme", code="ACME")
    spec = registry.get_spec("check_credit")

    def broken(tool_ctx, params):
        make_customer(tool_ctx.session, name="Half Written", code="HALF")  # work the failure must undo
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(registry.REGISTRY, "check_credit", registry.ToolSpec(**{**spec.__dict__, "fn": broken}))
    with pytest.raises(ToolFailed) as raised:
        invoke("check_credit", ctx, {"customer": "ACME"})
    assert raised.value.http_status == 500 and "a bug" not in raised.value.message
    assert isinstance(raised.value.__cause__, ZeroDivisionError)
    from backend.models import Customer
    assert ctx.session.execute(select(Customer).where(Customer.code == "HALF")).first() is None
    last = audit.tail(ctx.session, 1)[0]
    assert (last.tool, last.outcome) == ("check_credit", "failed")


def test_cancelling_a_preview_is_audited(ctx):
    from backend.tools.registry import cancel, confirm
    pending = _pending_ticket(ctx)
    cancel(ctx, pending.confirmation_id)
    last = audit.tail(ctx.session, 1)[0]
    assert (last.tool, last.outcome) == ("cancel:create_ticket", "ok")
    with pytest.raises(ConfirmationError, match="cancelled"):
        confirm(ctx, pending.confirmation_id)
    assert _ticket_count(ctx.session) == 0


def test_audit_rows_join_the_chain_at_commit_and_vanish_with_a_rollback(ctx):
    invoke("find_customers", ctx, {"query": "acme"})
    # The guard's savepoint was released, yet nothing is written until the request's transaction commits.
    assert len(ctx.session.info[audit._PENDING]) == 1
    ctx.session.begin_nested().commit()
    assert len(ctx.session.info[audit._PENDING]) == 1
    assert audit.tail(ctx.session, 1)[0].tool == "find_customers"  # readers see their own transaction's rows
    assert audit._PENDING not in ctx.session.info


def test_a_rolled_back_request_leaves_no_audit_rows(tmp_path):
    from backend.db import make_engine, migrate, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    migrate(engine)
    make_session = session_factory(engine)
    with make_session() as session:
        make_company(session)
        actor = make_employee(session, role="sales")
        session.commit()
        invoke("find_customers", ToolContext(session=session, actor=actor, channel="test"), {"query": "a"})
        session.rollback()
        assert audit._PENDING not in session.info
        invoke("find_customers", ToolContext(session=session, actor=actor, channel="test"), {"query": "b"})
        session.commit()
    with make_session() as check:
        rows = audit.tail(check, 10)
        assert [json.loads(r.arguments)["query"] for r in rows] == ["b"] and audit.verify(check).ok
    engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs TANDEM_TEST_DATABASE_URL (PostgreSQL)")
def test_an_open_request_does_not_hold_up_other_audited_calls():
    """The chain's lock is taken at commit: a long request (an assistant turn waiting on a language model)
    must not make every other request's tool calls wait for it."""
    from backend.db import make_engine, migrate, session_factory
    from backend.ledger import company
    from backend.models import Company, Employee

    engine = make_engine(PG_URL)
    migrate(engine)
    make_session = session_factory(engine)
    tag = uuid.uuid4().hex[:8].upper()
    with make_session() as setup:
        had_company = setup.execute(select(func.count()).select_from(Company)).scalar_one() > 0
        company(setup)
        slow_id = make_employee(setup, role="sales", code=f"AUD-S-{tag}").id
        quick_id = make_employee(setup, role="sales", code=f"AUD-Q-{tag}").id
        setup.commit()
    quick_done = threading.Event()

    def quick_request() -> None:
        with make_session() as session:
            actor = session.get(Employee, quick_id)
            invoke("find_customers", ToolContext(session=session, actor=actor, channel="test"), {"query": "quick"})
            session.commit()
        quick_done.set()

    try:
        slow = make_session()
        try:
            actor = slow.get(Employee, slow_id)
            invoke("find_customers", ToolContext(session=slow, actor=actor, channel="test"), {"query": "slow"})
            worker = threading.Thread(target=quick_request)
            worker.start()
            finished = quick_done.wait(10)
            slow.commit()
        finally:
            slow.close()
        worker.join()
        assert finished, "a second request waited for the first one to commit"
        with make_session() as check:
            rows = check.execute(select(AuditEntry).where(AuditEntry.actor_id.in_([slow_id, quick_id]))
                                 .order_by(AuditEntry.id)).scalars().all()
            assert [r.actor_id for r in rows] == [quick_id, slow_id]  # chained in commit order
            assert audit.verify(check).ok
    finally:
        with engine.begin() as conn:
            conn.execute(delete(AuditEntry).where(AuditEntry.actor_id.in_([slow_id, quick_id])))
            conn.execute(delete(Employee).where(Employee.id.in_([slow_id, quick_id])))
            if not had_company:
                conn.execute(text("DELETE FROM company"))
        engine.dispose()
