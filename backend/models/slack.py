"""Slack: which employee a Slack user is, and which Slack events were already handled (retries run once)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, one_of, utcnow
from backend.models.org import Employee

SLACK_LINK_SOURCES = ("manual", "email")


class SlackLink(Base):
    """A Slack user acting as an employee: set by an admin (`manual`) or matched once by e-mail (`email`)."""

    __tablename__ = "slack_links"
    __table_args__ = (one_of("source", SLACK_LINK_SOURCES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Slack user ids (U..., W... on Enterprise Grid) are unique across workspaces.
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    employee: Mapped[Employee] = relationship()


class SlackEvent(Base):
    """An Events API delivery already claimed by a worker; Slack's retries carry the same event id."""

    __tablename__ = "slack_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
