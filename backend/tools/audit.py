"""Append-only audit log with a hash chain: each row's hash covers its content and the previous hash."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from backend.models import AuditEntry, Employee

GENESIS = "0" * 64
_INSERT = AuditEntry.__table__.insert()
_LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_PG_AUDIT_LOCK = 7_310_001  # advisory lock id: one writer extends the chain at a time
_PENDING = "tandem.audit.pending"  # Session.info key: rows recorded in this transaction, not yet chained


def _row_digest(prev_hash: str, occurred_at: datetime, actor: str, channel: str, tool: str, arguments: str,
                outcome: str, detail: str | None, duration_ms: int, client: str | None = None) -> str:
    fields = [prev_hash, occurred_at.isoformat(timespec="microseconds"), actor, channel, tool, arguments, outcome,
              detail or "", duration_ms]
    if client is not None:  # rows written before clients were recorded keep the hash they were written with
        fields.append(client)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def append(session: Session, *, actor: Employee | None, channel: str, tool: str, arguments: dict, outcome: str,
           detail: str | None, duration_ms: int, occurred_at: datetime, client: str | None = None) -> None:
    """Record one call (`client`: the program on the channel, when it names itself). The row joins the chain when
    the request's transaction commits (see `write_pending`); a transaction that rolls back takes its rows with it."""
    label = actor.email or actor.code if actor else "anonymous"
    session.info.setdefault(_PENDING, []).append(dict(
        occurred_at=occurred_at, actor_id=actor.id if actor else None, actor=label, channel=channel, tool=tool,
        arguments=canonical_json(arguments), outcome=outcome, detail=detail, duration_ms=duration_ms,
        client=client or None))


def write_pending(session: Session) -> int:
    """Chain and insert the rows this transaction has recorded; returns how many.

    Runs just before commit, so on PostgreSQL the lock that orders the chain is held from here to the commit
    (milliseconds), not from a request's first tool call to its end: an assistant turn waiting seconds on a
    language model no longer holds every other request's tool calls. Readers of the log call it first, so a
    transaction sees its own rows."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev_hash = session.execute(_LAST_HASH).scalar_one_or_none() or GENESIS
    for row in pending:
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = _row_digest(prev_hash, row["occurred_at"], row["actor"], row["channel"], row["tool"],
                                              row["arguments"], row["outcome"], row["detail"], row["duration_ms"],
                                              row["client"])
    # Plain INSERTs: the rows are never read back in this request, so the unit of work has nothing to track.
    session.execute(_INSERT, pending)
    return len(pending)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the request's commit
        write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_rollback(session: Session, transaction) -> None:
    if transaction.parent is None:  # the request's transaction ended without commit: its rows go with it
        session.info.pop(_PENDING, None)


@dataclass
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; an edited, deleted or reordered row breaks it."""
    write_pending(session)
    prev_hash = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.execute(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)).scalars().all()
        if not rows:
            return ChainReport(rows=count, ok=True)
        for row in rows:
            count += 1
            if row.prev_hash != prev_hash:
                return ChainReport(count, False, row.id, "prev_hash does not match the previous row (a row was removed or reordered)")
            expected = _row_digest(row.prev_hash, row.occurred_at, row.actor, row.channel, row.tool, row.arguments,
                                   row.outcome, row.detail, row.duration_ms, row.client)
            if expected != row.hash:
                return ChainReport(count, False, row.id, "content does not match its hash (the row was edited)")
            prev_hash = row.hash
            last_id = row.id
        session.expunge_all()


def tail(session: Session, limit: int = 20) -> list[AuditEntry]:
    write_pending(session)
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars().all()
    return list(reversed(rows))
