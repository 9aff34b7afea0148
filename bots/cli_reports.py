"""`tandem report` (a finished report document to a file) and `tandem schedule add/list/remove/run/log`."""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from pathlib import Path

import typer

from bots.console import console, err_console, escape

REPORT_NAMES = ("sales, ar-aging, pipeline, restock, commissions, top-customers, trial-balance, profit-and-loss, "
                "balance-sheet, cash-flow, ap-aging, purchases, inventory-valuation")
schedule_app = typer.Typer(help="Report schedules: written on a cron schedule and delivered to a folder or a Slack "
                                "channel by `tandem serve`.", no_args_is_help=True)


def _fail(message: str, hint: str | None = None) -> None:
    err_console.print(f"[bold red]Error:[/] {escape(message)}" + (f" {escape(hint)}" if hint else ""))
    raise typer.Exit(1)


def _actor(session, reference: str | None):
    """--as EMPLOYEE, or the first active admin: the command line is trusted local access, like `tandem ask`."""
    from sqlalchemy import select

    from backend.models import Employee
    from bots.cli_employees import employee as _employee

    if reference:
        return _employee(session, reference)
    admin = session.execute(select(Employee).where(Employee.role == "admin", Employee.active.is_(True))
                            .order_by(Employee.code).limit(1)).scalar_one_or_none()
    if admin is None:
        _fail("There is no active admin to act as.", "Pass --as EMPLOYEE (code or e-mail).")
    return admin


def register(app: typer.Typer) -> None:
    from bots.reporting import install_report_hooks

    install_report_hooks()
    app.add_typer(schedule_app, name="schedule")

    @app.command()
    def report(name: str = typer.Argument(..., help=f"One of: {REPORT_NAMES}."),
               period: str | None = typer.Option(None, "--period", "-p", help="2026-10, 2026-Q3, 2026, "
                                                 "2026-01-01..2026-03-31, last-month ... (each report has a default)."),
               fmt: str = typer.Option("pdf", "--format", "-f", help="pdf, html or md."),
               out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: the report's "
                                               "own file name in the current folder)."),
               lang: str = typer.Option("en", "--lang", help="en or vi."),
               as_: str | None = typer.Option(None, "--as", help="Employee code or e-mail to act as "
                                              "(default: the first admin).")) -> None:
        """Write a finished report document (figures, tables, charts, analysis) to a file."""
        from rich.text import Text

        from backend.db import ensure_database, transaction
        from backend.errors import TandemError
        from backend.tools.context import ToolContext
        from backend.tools.registry import invoke

        engine = ensure_database()
        try:
            with transaction(engine) as session:
                ctx = ToolContext(session=session, actor=_actor(session, as_), channel="cli")
                result = invoke("write_report", ctx, {"report": name, "period": period, "format": fmt,
                                                      "language": lang, "return_content": True})
        except TandemError as exc:
            _fail(exc.message, exc.hint)
        target = out or Path(result.filename)
        target.write_bytes(base64.b64decode(result.content_base64))
        console.print(Text(f"{result.title} → {target} ({result.size_bytes:,} bytes)"))
        for figure in result.key_figures[:6]:
            console.print(Text(f"  {figure.label}: {figure.display}"))
        console.print(Text(f"  analysis: {'language model' if result.narrative_source == 'llm' else 'templates'}"),
                      style="dim")
        for notice in result.notices:
            err_console.print(Text(notice), style="yellow")


@schedule_app.command("add")
def schedule_add(name: str = typer.Argument(..., help=f"One of: {REPORT_NAMES}."),
                 cron: str = typer.Option(..., "--cron", help='When, in the company\'s time zone: "0 8 * * MON" '
                                          "(08:00 every Monday), @daily, ..."),
                 to: str = typer.Option(..., "--to", help="slack:#channel or file:DIR (relative to the data folder)."),
                 fmt: str = typer.Option("pdf", "--format", "-f", help="pdf, html or md."),
                 period: str | None = typer.Option(None, "--period", "-p", help="Relative periods make sense here: "
                                                   "last-month, last-quarter, ytd (default: the report's own)."),
                 lang: str = typer.Option("en", "--lang", help="en or vi."),
                 as_: str | None = typer.Option(None, "--as", help="Employee the report is written as; their role "
                                                "is checked at every run (default: the first admin).")) -> None:
    """Add a report schedule; `tandem serve` runs it (a run missed while it was down runs once when it is back)."""
    from rich.text import Text

    from backend.db import ensure_database, transaction
    from backend.errors import TandemError
    from backend.reports.schedules import add_schedule, company_zone

    try:
        with transaction(ensure_database()) as session:
            row = add_schedule(session, report=name, cron=cron, destination=to, run_as=_actor(session, as_),
                               now=datetime.now(timezone.utc), fmt=fmt, language=lang, period=period)
            zone = company_zone(session)
            summary = (f"Schedule {row.id}: {row.report} ({row.format}, {row.language}) '{row.cron}' → "
                       f"{row.destination}; next run {row.next_run_at.astimezone(zone):%Y-%m-%d %H:%M %Z}.")
    except TandemError as exc:
        _fail(exc.message, exc.hint)
    console.print(Text(summary))
    console.print("It runs inside `tandem serve` (restart a server that was started without schedules).", style="dim")


@schedule_app.command("list")
def schedule_list() -> None:
    """Report schedules: what, when, where to, as whom, the next run and how the last one went."""
    from rich.table import Table
    from rich.text import Text

    from backend.db import ensure_database, transaction
    from backend.reports.schedules import company_zone, list_schedules

    with transaction(ensure_database()) as session:
        views, zone = list_schedules(session), company_zone(session)
        table = Table("id", "report", "period", "format", "cron", "to", "as", "next run", "last run")
        for view in views:
            s, run = view.schedule, view.last_run
            last = "-" if run is None else f"{run.status} {run.started_at.astimezone(zone):%Y-%m-%d %H:%M}"
            table.add_row(str(s.id), Text(s.report), Text(s.period or "default"), f"{s.format}/{s.language}",
                          Text(s.cron), Text(s.destination), Text(view.run_as.code),
                          f"{s.next_run_at.astimezone(zone):%Y-%m-%d %H:%M}", last)
    console.print(table if views else "No report schedules: `tandem schedule add NAME --cron ... --to ...`.")


@schedule_app.command("remove")
def schedule_remove(schedule_id: int = typer.Argument(..., help="The id `tandem schedule list` shows.")) -> None:
    """Remove a report schedule (with its run log; each run's write_report call stays in the audit log)."""
    from rich.text import Text

    from backend.db import ensure_database, transaction
    from backend.errors import TandemError
    from backend.reports.schedules import remove_schedule

    try:
        with transaction(ensure_database()) as session:
            row = remove_schedule(session, schedule_id)
            text = f"Removed schedule {row.id} ({row.report} → {row.destination})."
    except TandemError as exc:
        _fail(exc.message, exc.hint)
    console.print(Text(text))


@schedule_app.command("run")
def schedule_run() -> None:
    """Run the schedules that are due now, once (what `tandem serve` does every half minute)."""
    from rich.text import Text

    from backend.db import ensure_database, session_factory
    from backend.settings import get_settings
    from bots.scheduler import run_due_once

    outcomes = run_due_once(session_factory(ensure_database()), get_settings())
    if not outcomes:
        console.print("Nothing is due.")
    for outcome in outcomes:
        missed = f" (stands for {outcome.missed} missed run(s))" if outcome.missed else ""
        line = f"schedule {outcome.schedule_id} {outcome.report}: {outcome.status}{missed} — {outcome.output or outcome.error}"
        console.print(Text(line), style="green" if outcome.status == "ok" else "red")


@schedule_app.command("log")
def schedule_log(schedule_id: int | None = typer.Argument(None, help="Only this schedule's runs."),
                 lines: int = typer.Option(20, "-n", "--lines", min=1, max=1000, help="How many of the latest runs.")) -> None:
    """The latest runs: when each was due, when it ran, its status, what it produced or why it failed."""
    from rich.table import Table
    from rich.text import Text

    from backend.db import ensure_database, transaction
    from backend.reports.schedules import company_zone, recent_runs

    with transaction(ensure_database()) as session:
        runs, zone = recent_runs(session, schedule_id, lines), company_zone(session)
        table = Table("run", "schedule", "due", "started", "finished", "status", "missed", "output / error")
        for run in runs:
            table.add_row(str(run.id), str(run.schedule_id), f"{run.scheduled_for.astimezone(zone):%Y-%m-%d %H:%M}",
                          f"{run.started_at.astimezone(zone):%H:%M:%S}",
                          f"{run.finished_at.astimezone(zone):%H:%M:%S}" if run.finished_at else "-",
                          Text(run.status, style="green" if run.status == "ok" else "red"), str(run.missed),
                          Text(run.output or run.error or ""))
    console.print(table if runs else "No runs yet.")
