"""Report schedules ("the AR aging to #finance every Monday at 8") and the log of their runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, one_of, utcnow
from backend.models.org import Employee

REPORT_FORMATS = ("pdf", "html", "md")
REPORT_LANGUAGES = ("en", "vi")
RUN_STATUSES = ("running", "ok", "failed")


class ReportSchedule(Base):
    """A report written on a cron schedule as `run_as` (whose role is checked at every run) and delivered to
    `destination` ('file:DIR' or 'slack:#channel')."""

    __tablename__ = "report_schedules"
    __table_args__ = (one_of("format", REPORT_FORMATS), one_of("language", REPORT_LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    period: Mapped[str | None] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(8), default="pdf")
    language: Mapped[str] = mapped_column(String(2), default="en")
    cron: Mapped[str] = mapped_column(String(120))
    destination: Mapped[str] = mapped_column(String(300))
    run_as_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The next firing time; claiming a run moves it past "now" in one conditional UPDATE, so of several
    # workers only one runs it, and a run missed during downtime is run once, not once per missed slot.
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    run_as: Mapped[Employee] = relationship()


class ReportRun(Base):
    """One run of a schedule: when it was due, how many earlier slots it stands for, what came of it."""

    __tablename__ = "report_runs"
    __table_args__ = (one_of("status", RUN_STATUSES),
                      Index("ix_report_runs_schedule_started", "schedule_id", "started_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("report_schedules.id", ondelete="CASCADE"))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    missed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
