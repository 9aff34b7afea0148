"""Counters behind sign-in throttling and the assistant's turn limit: rows in the database, so every worker
process counts the same attempts (Redis holds them instead when TANDEM_REDIS_URL is set)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, UTCDateTime


class RateCounter(Base):
    __tablename__ = "rate_counters"

    # What is counted: "signin:account:<e-mail>", "signin:address:<client address>", "turns:<employee id>".
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A lock (too many failed sign-ins for one account) as opposed to a short delay; an admin can lift either.
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
