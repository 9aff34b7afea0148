"""Cross-cutting records: gapless document numbers, the audit log, pending confirmations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, one_of, utcnow

CONFIRMATION_STATUSES = ("pending", "executed", "cancelled", "failed")


class DocumentSequence(Base):
    __tablename__ = "document_sequences"
    __table_args__ = (UniqueConstraint("doc_type", "year", name="uq_document_sequences_type_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    actor: Mapped[str] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str] = mapped_column(String(80))
    arguments: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    # The program on the channel, when it says (an MCP client's name, e.g. "claude-ai 0.1"); part of the hash.
    client: Mapped[str | None] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Confirmation(Base):
    """A write previewed but not yet carried out; only its actor may confirm it, once, before expiry."""

    __tablename__ = "confirmations"
    __table_args__ = (
        one_of("status", CONFIRMATION_STATUSES),
        UniqueConstraint("actor_id", "idempotency_key", name="uq_confirmations_actor_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str] = mapped_column(String(80))
    arguments: Mapped[str] = mapped_column(Text)
    args_hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Key of the confirming request, so a retried confirm returns the stored result instead of failing.
    confirm_key: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[str | None] = mapped_column(Text)
