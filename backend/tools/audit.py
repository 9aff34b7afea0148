"""Append-only audit log with a hash chain: each row's hash covers its content and the previous hash."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.models import AuditEntry, Employee

GENESIS = "0" * 64
_INSERT = AuditEntry.__table__.insert()
_LAST_HASH = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
_PG_AUDIT_LOCK = 7_310_001  # advisory lock id: one writer extends the chain at a time


def _row_digest(prev_hash: str, occurred_at: datetime, actor: str, channel: str, tool: str, arguments: str,
                outcome: str, detail: str | None, duration_ms: int) -> str:
    payload = json.dumps([prev_hash, occurred_at.isoformat(timespec="microseconds"), actor, channel, tool, arguments,
                          outcome, detail or "", duration_ms], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def append(session: Session, *, actor: Employee | None, channel: str, tool: str, arguments: dict, outcome: str,
           detail: str | None, duration_ms: int, occurred_at: datetime) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = session.execute(_LAST_HASH).scalar_one_or_none()
    prev_hash = prev or GENESIS
    occurred_at = occurred_at.replace(microsecond=occurred_at.microsecond)
    args_text = canonical_json(arguments)
    label = actor.email or actor.code if actor else "anonymous"
    # A plain INSERT: the row is never read back in this request, so the unit of work has nothing to track.
    session.execute(_INSERT, dict(
        occurred_at=occurred_at, actor_id=actor.id if actor else None, actor=label, channel=channel, tool=tool,
        arguments=args_text, outcome=outcome, detail=detail, duration_ms=duration_ms, prev_hash=prev_hash,
        hash=_row_digest(prev_hash, occurred_at, label, channel, tool, args_text, outcome, detail, duration_ms)))


@dataclass
class ChainReport:
    rows: int
    ok: bool
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; an edited, deleted or reordered row breaks it."""
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
                                   row.outcome, row.detail, row.duration_ms)
            if expected != row.hash:
                return ChainReport(count, False, row.id, "content does not match its hash (the row was edited)")
            prev_hash = row.hash
            last_id = row.id
        session.expunge_all()


def tail(session: Session, limit: int = 20) -> list[AuditEntry]:
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars().all()
    return list(reversed(rows))
