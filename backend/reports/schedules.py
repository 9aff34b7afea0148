"""Report schedules: adding and checking them, claiming the runs that are due, logging how each went, and
delivering the file ('file:DIR' here; 'slack:#channel' through a destination registered by bots/).

The catch-up rule lives in `claim_due`: a schedule whose time came while Tandem was down runs once, for its
latest missed slot, and the run records how many earlier slots it stands for. Claiming is one conditional
UPDATE on next_run_at, so when several workers run the scheduler exactly one of them gets each run. These
functions flush; the caller (bots/scheduler.py, the CLI) owns the transactions.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.errors import NotFound, PermissionDenied, TandemError, ValidationFailed
from backend.ledger import company
from backend.models import Employee, ReportRun, ReportSchedule
from backend.reports import hooks
from backend.reports.catalog import DOCUMENTS, normalise_name
from backend.semantic.periods import resolve_period
from backend.reports.cron import parse_cron
from backend.reports.labels import LANGUAGES
from backend.reports.render import FORMATS, RenderedReport
from backend.settings import Settings
from backend.roles import allowed, roles_needed_text

REPORT_TOOL = "write_report"
INTERRUPTED = "Interrupted: Tandem stopped while this run was in progress."
STALE_RUN = timedelta(minutes=30)


class DeliveryFailed(TandemError):
    code = "delivery_failed"
    http_status = 502


def deliver_to_file(settings: Settings, folder: str, rendered: RenderedReport) -> str:
    """Write the file into `folder` (relative paths are under the data directory); returns the path."""
    directory = Path(folder).expanduser()
    if not directory.is_absolute():
        directory = settings.data_dir / directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".writing-")
        with os.fdopen(handle, "wb") as out:
            out.write(rendered.content)
        target = directory / rendered.filename
        os.replace(temporary, target)
    except OSError as exc:
        raise DeliveryFailed(f"Could not write {rendered.filename} to {directory}: {exc.strerror or exc}.",
                             hint="Check that the folder exists or can be created and that Tandem may write to it.") from exc
    return str(target.resolve())


DESTINATION_KINDS = ("file", "slack")


def parse_destination(text: str) -> tuple[str, str]:
    kind, _, target = (text or "").strip().partition(":")
    kind, target = kind.strip().lower(), target.strip()
    if kind not in DESTINATION_KINDS or not target:
        raise ValidationFailed(f"'{text}' is not a destination I know.",
                               hint="Use file:DIR (a folder on the server) or slack:#channel.")
    if kind == "slack" and not (target.startswith("#") or target[:1] in ("C", "G")):
        raise ValidationFailed(f"'{target}' is not a Slack channel.", hint="Write it as slack:#finance.")
    return kind, target


def deliver(settings: Settings, destination: str, rendered: RenderedReport) -> str:
    kind, target = parse_destination(destination)
    sender = deliver_to_file if kind == "file" else hooks.destinations.get(kind)
    if sender is None:
        raise DeliveryFailed(f"This Tandem process can't deliver to {kind}: destinations.",
                             hint="Run the scheduler inside `tandem serve`, which connects the Slack app.")
    return sender(settings, target, rendered)


def company_zone(session: Session) -> ZoneInfo:
    try:
        return ZoneInfo(company(session).timezone)
    except Exception:
        return ZoneInfo("UTC")


# --- managing schedules ------------------------------------------------------------------------------------

def add_schedule(session: Session, *, report: str, cron: str, destination: str, run_as: Employee, now: datetime,
                 fmt: str = "pdf", language: str = "en", period: str | None = None) -> ReportSchedule:
    """Check everything a run will need now, so a schedule never fails on a typo weeks later."""
    name = normalise_name(report)
    if name not in DOCUMENTS:
        raise ValidationFailed(f"There is no report document called '{report}'.",
                               hint="Use one of: " + ", ".join(DOCUMENTS) + ".")
    if fmt not in FORMATS:
        raise ValidationFailed(f"'{fmt}' is not a format.", hint="Use pdf, html or md.")
    if language not in LANGUAGES:
        raise ValidationFailed(f"'{language}' is not a language reports are written in.", hint="Use en or vi.")
    schedule_cron = parse_cron(cron)
    parse_destination(destination)
    zone = company_zone(session)
    entry = DOCUMENTS[name]
    resolve_period(entry.period_use, period, now.astimezone(zone).date(), default=entry.document_period, subject=name)
    if not run_as.active or not allowed(REPORT_TOOL, run_as.role):
        raise PermissionDenied(f"{run_as.name} ({run_as.role}) may not write reports, so a schedule can't run as them.",
                               hint=f"Schedule it as someone with the {roles_needed_text(REPORT_TOOL)} role.")
    row = ReportSchedule(report=name, period=period or None, format=fmt, language=language,
                         cron=schedule_cron.expression, destination=destination.strip(), run_as_id=run_as.id,
                         enabled=True, created_at=now, next_run_at=schedule_cron.next_after(now, zone))
    session.add(row)
    session.flush()
    return row


def remove_schedule(session: Session, schedule_id: int) -> ReportSchedule:
    row = session.get(ReportSchedule, schedule_id)
    if row is None:
        raise NotFound(f"There is no report schedule {schedule_id}.", hint="`tandem schedule list` shows them.")
    session.delete(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ScheduleView:
    schedule: ReportSchedule
    run_as: Employee
    last_run: ReportRun | None


def list_schedules(session: Session) -> list[ScheduleView]:
    latest = (select(ReportRun.schedule_id, func.max(ReportRun.id).label("run_id"))
              .group_by(ReportRun.schedule_id).subquery())
    rows = session.execute(select(ReportSchedule, Employee, ReportRun)
                           .join(Employee, Employee.id == ReportSchedule.run_as_id)
                           .outerjoin(latest, latest.c.schedule_id == ReportSchedule.id)
                           .outerjoin(ReportRun, ReportRun.id == latest.c.run_id)
                           .order_by(ReportSchedule.id)).all()
    return [ScheduleView(schedule, person, run) for schedule, person, run in rows]


def recent_runs(session: Session, schedule_id: int | None = None, limit: int = 20) -> list[ReportRun]:
    stmt = select(ReportRun).order_by(ReportRun.id.desc()).limit(limit)
    if schedule_id is not None:
        stmt = stmt.where(ReportRun.schedule_id == schedule_id)
    return list(session.execute(stmt).scalars())


def has_enabled_schedules(session: Session) -> bool:
    return session.execute(select(ReportSchedule.id).where(ReportSchedule.enabled.is_(True)).limit(1)).first() is not None


# --- running them ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimedRun:
    run_id: int
    schedule_id: int
    report: str
    period: str | None
    format: str
    language: str
    destination: str
    run_as_id: int
    scheduled_for: datetime
    missed: int


def claim_due(session: Session, now: datetime) -> list[ClaimedRun]:
    """Claim every schedule whose time has come: one run each, for the latest slot at or before `now`."""
    zone = company_zone(session)
    due = session.execute(select(ReportSchedule).where(ReportSchedule.enabled.is_(True),
                                                       ReportSchedule.next_run_at <= now)
                          .order_by(ReportSchedule.next_run_at, ReportSchedule.id)).scalars().all()
    claimed = []
    for schedule in due:
        cron = parse_cron(schedule.cron)
        was_due = schedule.next_run_at
        slot = max(cron.latest_at_or_before(now, zone) or was_due, was_due)
        missed = cron.count_between(was_due, slot, zone) if slot > was_due else 0
        following = cron.next_after(now, zone)
        won = session.execute(update(ReportSchedule)
                              .where(ReportSchedule.id == schedule.id, ReportSchedule.next_run_at == was_due)
                              .values(next_run_at=following, last_run_at=slot)
                              .execution_options(synchronize_session=False)).rowcount
        if won != 1:
            continue  # another worker claimed it first
        run = ReportRun(schedule_id=schedule.id, scheduled_for=slot, missed=missed, status="running", started_at=now)
        session.add(run)
        session.flush()
        claimed.append(ClaimedRun(run_id=run.id, schedule_id=schedule.id, report=schedule.report, period=schedule.period,
                                  format=schedule.format, language=schedule.language,
                                  destination=schedule.destination, run_as_id=schedule.run_as_id,
                                  scheduled_for=slot, missed=missed))
    session.expire_all()
    return claimed


def finish_run(session: Session, run_id: int, *, finished_at: datetime, error: str | None = None,
               output: str | None = None) -> ReportRun:
    run = session.get(ReportRun, run_id)
    if run is None:
        raise NotFound(f"There is no report run {run_id}.")
    run.status = "failed" if error else "ok"
    run.finished_at, run.error, run.output = finished_at, error, output
    session.flush()
    return run


def fail_interrupted_runs(session: Session, now: datetime) -> int:
    """Runs still 'running' long after they started belong to a process that died: mark them failed. (A report
    takes seconds; the margin keeps a worker that starts up from failing another worker's run in progress.)"""
    count = session.execute(update(ReportRun).where(ReportRun.status == "running",
                                                    ReportRun.started_at < now - STALE_RUN)
                            .values(status="failed", finished_at=now, error=INTERRUPTED)
                            .execution_options(synchronize_session=False)).rowcount
    session.flush()
    return count
