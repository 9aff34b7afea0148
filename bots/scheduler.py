"""The report scheduler: a background thread inside `tandem serve` that runs due report schedules.

Each run is written through the registry's write_report as the schedule's employee (role check and audit
row included), delivered to its destination, and logged in report_runs. The transactions are owned here:
claim (commit), write (commit, so the audit row stays even when the tool refuses), log the outcome (commit).
"""
from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from backend.db import request_transaction
from backend.errors import TandemError
from backend.models import Employee
from backend.reports.render import RenderedReport
from backend.reports.schedules import (REPORT_TOOL, ClaimedRun, claim_due, deliver, fail_interrupted_runs, finish_run,
                                       has_enabled_schedules)
from backend.settings import Settings
from backend.tools.context import ToolContext
from backend.tools.registry import invoke

log = logging.getLogger("tandem.scheduler")
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    schedule_id: int
    report: str
    status: str
    missed: int
    output: str | None
    error: str | None


def _write(sessions: Callable[[], Session], settings: Settings, claim: ClaimedRun, clock: Clock) -> RenderedReport:
    with request_transaction(sessions) as session:  # a refusal still keeps its audit row
        actor = session.get(Employee, claim.run_as_id)
        ctx = ToolContext(session=session, actor=actor, channel="scheduler", now=clock(), settings=settings)
        result = invoke(REPORT_TOOL, ctx, {"report": claim.report, "period": claim.period, "format": claim.format,
                                           "language": claim.language, "return_content": True})
    return RenderedReport(filename=result.filename, content_type=result.content_type,
                          content=base64.b64decode(result.content_base64), title=result.title)


def _finish(sessions: Callable[[], Session], claim: ClaimedRun, at: datetime, *, error: str | None,
            output: str | None) -> None:
    session = sessions()
    try:
        finish_run(session, claim.run_id, finished_at=at, error=error, output=output)
        session.commit()
    finally:
        session.close()


def run_claimed(sessions: Callable[[], Session], settings: Settings, claim: ClaimedRun, clock: Clock = utcnow) -> RunOutcome:
    error = output = None
    try:
        rendered = _write(sessions, settings, claim, clock)
        output = deliver(settings, claim.destination, rendered)
    except TandemError as exc:
        error = " ".join(part for part in (exc.message, exc.hint) if part)
    except Exception as exc:  # noqa: BLE001 - a failed run is logged, never allowed to stop the scheduler
        log.exception("report schedule %s failed", claim.schedule_id)
        error = f"{type(exc).__name__}: {exc}"
    _finish(sessions, claim, clock(), error=error, output=output)
    if error:
        log.warning("report schedule %s (%s) failed: %s", claim.schedule_id, claim.report, error)
    else:
        log.info("report schedule %s (%s) delivered: %s", claim.schedule_id, claim.report, output)
    return RunOutcome(run_id=claim.run_id, schedule_id=claim.schedule_id, report=claim.report,
                      status="failed" if error else "ok", missed=claim.missed, output=output, error=error)


def run_due_once(sessions: Callable[[], Session], settings: Settings, *, now: datetime | None = None,
                 clock: Clock = utcnow) -> list[RunOutcome]:
    """Claim what is due at `now` (default: the clock) and run it; one run per schedule, whatever was missed."""
    moment = now or clock()
    session = sessions()
    try:
        claims = claim_due(session, moment)
        session.commit()
    finally:
        session.close()
    return [run_claimed(sessions, settings, claim, clock) for claim in claims]


class ReportScheduler:
    """Polls for due schedules every `poll_seconds` on a daemon thread until stopped."""

    def __init__(self, sessions: Callable[[], Session], settings: Settings, *, clock: Clock = utcnow):
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        session = self.sessions()
        try:
            failed = fail_interrupted_runs(session, self.clock())
            session.commit()
        finally:
            session.close()
        if failed:
            log.warning("%s report run(s) were interrupted by a restart and are marked failed", failed)
        self._thread = threading.Thread(target=self._loop, name="tandem-report-scheduler", daemon=True)
        self._thread.start()
        log.info("report scheduler started (every %.0f s)", self.settings.scheduler_poll_seconds)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_due_once(self.sessions, self.settings, clock=self.clock)
            except Exception:  # noqa: BLE001 - e.g. the database is briefly unreachable: try again next tick
                log.exception("report scheduler tick failed")
            self._stop.wait(self.settings.scheduler_poll_seconds)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_scheduler(sessions: Callable[[], Session], settings: Settings) -> ReportScheduler | None:
    """Start the scheduler if the settings want it: 'on', or 'auto' when any schedule exists."""
    if settings.scheduler == "off":
        return None
    if settings.scheduler == "auto":
        session = sessions()
        try:
            wanted = has_enabled_schedules(session)
        finally:
            session.close()
        if not wanted:
            log.info("no report schedules: the scheduler is not started (TANDEM_SCHEDULER=on starts it anyway)")
            return None
    scheduler = ReportScheduler(sessions, settings)
    scheduler.start()
    return scheduler
