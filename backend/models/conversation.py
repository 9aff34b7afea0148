"""Conversations with the assistant and their memory (LangGraph checkpoints), kept in the application database
so that any web worker can continue any conversation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime, utcnow


class Conversation(Base):
    """One conversation = one LangGraph thread (`id` is the thread id); it belongs to exactly one employee."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_employee_updated", "employee_id", "updated_at"),)

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class AgentCheckpoint(Base):
    """A snapshot of the agent's state; `checkpoint` is the serializer's output, channel values included.

    No foreign key to `conversations`: the checkpointer is storage for any LangGraph thread, and ownership is
    checked by the surface (assistant.memory.ensure_conversation) before a thread is opened.
    """

    __tablename__ = "agent_checkpoints"

    thread_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    checkpoint_ns: Mapped[str] = mapped_column(String(512), primary_key=True, default="")
    checkpoint_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_checkpoint_id: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(32))
    checkpoint: Mapped[bytes] = mapped_column(LargeBinary)
    # JSON text rather than a serializer blob, so that it stays readable when inspecting a conversation.
    metadata_json: Mapped[str] = mapped_column("metadata", Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AgentCheckpointWrite(Base):
    """A pending write of one task against a checkpoint (what a node produced before the next snapshot)."""

    __tablename__ = "agent_checkpoint_writes"

    thread_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    checkpoint_ns: Mapped[str] = mapped_column(String(512), primary_key=True, default="")
    checkpoint_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(32))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    task_path: Mapped[str] = mapped_column(Text, default="")
