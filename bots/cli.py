"""The `tandem` command line: set-up, demo data, imports, and (later) the assistant and the server."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from bots.cli_employees import employee as _employee, fail as _fail
from bots.console import console, err_console, escape

app = typer.Typer(help="Tandem — a conversational CRM/ERP. Every command creates and migrates the database on first use.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _engine():
    from backend.db import ensure_database

    return ensure_database()


@app.command()
def init() -> None:
    """Create the database (or migrate it to the latest schema)."""
    from backend.settings import get_settings

    _engine()
    console.print(f"Database ready: {get_settings().resolved_database_url}")


@app.command()
def demo(seed: int = typer.Option(7, help="Random seed; the same seed gives the same company.")) -> None:
    """Create the demo company (once; re-running keeps existing data) and print a summary."""
    from backend.db import transaction
    from backend.demo import create_demo_company, demo_summary

    engine = _engine()
    with transaction(engine) as session:
        created = create_demo_company(session, seed=seed, progress=True)
    with transaction(engine) as session:
        summary = demo_summary(session)
    console.print("Demo company created." if created else "Demo company already present; nothing changed.")
    for label, value in summary.items():
        console.print(f"  {label:<28} {value}")
    from backend.demo_logins import DEMO_PASSWORD, ensure_demo_logins

    with transaction(engine) as session:
        people = ensure_demo_logins(session)
        logins = [(p.role, p.email, p.name) for p in people]
    if logins:
        console.print(f"\nDemo sign-ins for the web chat (password [bold]{DEMO_PASSWORD}[/] unless you changed it):")
        for role, email, name in logins:
            console.print(f"  {role:<9} {email:<22} {name}")
    _index_handbook()


@app.command()
def seed(customers: int = typer.Option(1000, help="How many customers to add."),
         orders: int = typer.Option(10000, help="How many order lines to add."),
         random_seed: int = typer.Option(11, "--seed", help="Random seed.")) -> None:
    """Generate large volumes of synthetic data for benchmarks (fast bulk inserts)."""
    from backend.seed import seed_volume

    stats = seed_volume(_engine(), customers=customers, order_lines=orders, seed=random_seed, progress=True)
    console.print(f"Inserted {stats.rows:,} rows in {stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)")


@app.command("import")
def import_csv(directory: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder with the CSV files."),
               dry_run: bool = typer.Option(False, "--dry-run", help="Check everything, write nothing.")) -> None:
    """Import CSV files (company, employees, customers, ... payments) in one transaction."""
    from backend.db import transaction
    from backend.importers.csv_import import ImportFailed, import_directory

    engine = _engine()
    try:
        with transaction(engine) as session:
            report = import_directory(session, directory, dry_run=dry_run, progress=True)
            if dry_run:
                session.rollback()
    except ImportFailed as exc:
        err_console.print(f"[bold red]Import failed; nothing was written.[/] {len(exc.errors)} problem(s):")
        for line in exc.errors[:50]:
            err_console.print(f"  - {line}")
        if len(exc.errors) > 50:
            err_console.print(f"  ... and {len(exc.errors) - 50} more")
        raise typer.Exit(1)
    verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
    console.print(f"{verb}: " + ", ".join(f"{name} {count:,}" for name, count in report.counts.items()))
    console.print(f"{report.rows:,} rows in {report.seconds:.2f} s ({report.rows_per_second:,.0f} rows/s)")


# --- documents -------------------------------------------------------------------------------------

docs_app = typer.Typer(help="The company's documents: index them for the assistant's search, list what is indexed.",
                       no_args_is_help=True)
app.add_typer(docs_app, name="docs")


def _index_documents(paths: list[Path], roles: str | None = None):
    """Index with a progress bar over the passages to embed; raises TandemError if the store is unavailable."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from backend.docs.indexing import index_paths
    from backend.settings import get_settings

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err_console.real, transient=True) as progress:
        task = progress.add_task("Reading documents", total=None)

        def advance(done: int, total: int, stage: str) -> None:
            progress.update(task, description="Embedding passages", completed=done, total=total)

        return index_paths(paths, settings=get_settings(), roles=roles, on_progress=advance)


def _print_index_report(report) -> None:
    console.print(f"Indexed {report.files_indexed} file(s): {report.chunks_embedded} passage(s) embedded, "
                  f"{report.chunks_kept} kept; {report.files_unchanged} file(s) unchanged, {report.files_removed} removed "
                  f"({report.chunks_removed} passage(s) dropped) in {report.seconds:.1f} s"
                  + (f" ({report.chunks_per_second:.0f} passages/s)." if report.chunks_embedded else "."))
    for problem in report.problems:
        err_console.print(f"[yellow]Skipped:[/] {escape(problem)}")


def _index_handbook() -> None:
    """`tandem demo` also indexes docs/handbook, found next to the code or in the current directory."""
    from backend.docs.indexing import find_handbook
    from backend.errors import TandemError

    handbook = find_handbook()
    if handbook is None:
        console.print("\nNo docs/handbook folder found (run from the repository); the assistant has no handbook to search.")
        return
    console.print(f"\nIndexing the handbook in {escape(str(handbook))} ...")
    try:
        _print_index_report(_index_documents([handbook]))
    except TandemError as exc:
        err_console.print(f"[yellow]Handbook not indexed:[/] {escape(exc.message)} {escape(exc.hint or '')}")


@docs_app.command("index")
def docs_index(paths: list[Path] = typer.Argument(..., exists=True, help="Files or folders: .md, .txt, .html, .pdf."),
               roles: str | None = typer.Option(None, "--roles", help="Only these roles may read them, e.g. "
                                                "finance,manager (narrows a file's own roles, never widens them).")) -> None:
    """Index documents for search_docs: only changed files are re-embedded; files gone from a folder are removed."""
    from backend.errors import TandemError

    try:
        report = _index_documents(paths, roles)
    except TandemError as exc:
        _fail(escape(f"{exc.message} {exc.hint or ''}".strip()))
    _print_index_report(report)
    if report.problems:
        raise typer.Exit(1)


@docs_app.command("list")
def docs_list() -> None:
    """The indexed documents: source, title, language, roles allowed to read them, passages."""
    from rich.table import Table
    from rich.text import Text

    from backend.docs.indexing import indexed_documents
    from backend.errors import TandemError
    from backend.settings import get_settings

    try:
        documents = indexed_documents(get_settings())
    except TandemError as exc:
        _fail(escape(f"{exc.message} {exc.hint or ''}".strip()))
    if not documents:
        console.print("No documents indexed yet: `tandem docs index PATH` (or `tandem demo` for the handbook).")
        return
    table = Table("source", "title", "language", "roles", "passages")
    for doc in documents:
        table.add_row(Text(doc.source), Text(doc.title), doc.language, doc.roles, str(doc.chunks))
    console.print(table)


# --- the web server ---------------------------------------------------------------------------------

@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0: every interface)."),
          port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
          workers: int = typer.Option(1, min=1, max=64, help="Worker processes (uvicorn's); more than one wants "
                                      "PostgreSQL, see the README's multi-worker deployment.")) -> None:
    """Run the web server: the web chat at /, the REST API and /api/chat (interactive docs at /docs), and the report
    schedules (TANDEM_SCHEDULER: auto = when there are any, on, off)."""
    import uvicorn

    engine = _engine()  # migrated once here, before any worker starts
    if workers > 1 and engine.dialect.name == "sqlite":
        err_console.print("[yellow]Several workers on SQLite take turns writing; use PostgreSQL for real concurrency.[/]")
    console.print(f"Tandem on http://{host}:{port}  (web chat: http://{host}:{port}/ · API docs: http://{host}:{port}/docs)"
                  + (f" · {workers} workers" if workers > 1 else ""))
    # Each worker builds its own app from the factory; they share nothing but the database (sessions, conversations,
    # rate counters, schedule claims), so any worker can serve any request.
    uvicorn.run("bots.server:served_app", factory=True, host=host, port=port, workers=workers)


# --- API tokens, the audit log, users ---------------------------------------------------------------

token_app = typer.Typer(help="API tokens: bearer tokens that let an employee call the REST API.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: check its hash chain, show the latest calls.", no_args_is_help=True)
user_app = typer.Typer(help="Employees as users: list them, set their web passwords.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@token_app.command("create")
def token_create(employee: str = typer.Option(..., "--employee", "-e", help="Employee code or e-mail."),
                 label: str | None = typer.Option(None, help="What the token is for, e.g. 'laptop' (used to revoke it)."),
                 days: int | None = typer.Option(None, min=1, help="Expire after this many days (default: never)."),
                 write: bool = typer.Option(False, "--write", help="Let the token carry out writes over MCP, each "
                                            "confirmed by the person (default: read-only).")) -> None:
    """Create an API token and print it once; only its hash is stored, so copy it now."""
    from backend.api.auth import create_token
    from backend.db import transaction
    from backend.errors import TandemError

    with transaction(_engine()) as session:
        person = _employee(session, employee)
        if not person.active:
            _fail(escape(f"{person.name} is deactivated; a token for them would not work."))
        try:
            token = create_token(session, person, label=label, ttl_days=days, can_write=write)
        except TandemError as exc:
            _fail(escape(f"{exc.message} {exc.hint or ''}".strip()))
        who = escape(f"{person.name} ({person.code}, {person.role})" + (f", label {label!r}" if label else ""))
    expiry = f"expires in {days} day(s)" if days else "does not expire"
    access = "may write (each write confirmed by the person)" if write else "is read-only over MCP"
    err_console.print(f"API token for {who}; it {expiry} and {access}. It is shown only this once:")
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(employee: str = typer.Option(..., "--employee", "-e", help="Employee code or e-mail."),
                 label: str | None = typer.Option(None, help="Revoke the tokens with this label."),
                 all_tokens: bool = typer.Option(False, "--all", help="Revoke every token of the employee.")) -> None:
    """Revoke an employee's tokens, by label or all of them; requests with them get 401 at once."""
    from backend.api.auth import revoke_tokens
    from backend.db import transaction

    if (label is None) == (not all_tokens):
        _fail("Say which tokens: --label LABEL, or --all.")
    with transaction(_engine()) as session:
        person = _employee(session, employee)
        count = revoke_tokens(session, person, label=label)
    who = escape(person.name)
    if count == 0:
        _fail(f"{who} has no live token" + escape(f" labelled {label!r}" if label else "") + "; nothing revoked.")
    console.print(f"Revoked {count} token(s) of {who}.")


@token_app.command("list")
def token_list(employee: str | None = typer.Option(None, "--employee", "-e", help="Only this employee's tokens.")) -> None:
    """List tokens (never the tokens themselves): who, label, created, expiry, revoked, last use."""
    from rich.table import Table
    from rich.text import Text
    from sqlalchemy import select

    from backend.db import transaction
    from backend.models import ApiToken, Employee

    with transaction(_engine()) as session:
        stmt = select(ApiToken, Employee).join(Employee, Employee.id == ApiToken.employee_id).order_by(ApiToken.id)
        if employee:
            stmt = stmt.where(ApiToken.employee_id == _employee(session, employee).id)
        rows = session.execute(stmt).all()
    table = Table("id", "employee", "label", "access", "created", "expires", "revoked", "last used", "uses")
    for token, person in rows:
        table.add_row(str(token.id), Text(person.code), Text(token.label or "-"), "write" if token.can_write else "read",
                      _when(token.created_at), _when(token.expires_at), _when(token.revoked_at), _when(token.last_used_at),
                      str(token.uses))
    console.print(table if rows else "No API tokens.")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain; exit 1 if a row was edited, removed or reordered."""
    from backend.db import transaction
    from backend.tools import audit

    with transaction(_engine()) as session:
        report = audit.verify(session)
    if not report.ok:
        err_console.print(f"[bold red]The audit log is broken[/] at row id {report.first_bad_id} "
                          f"(after {report.rows - 1:,} good rows): {report.reason}.")
        err_console.print("Rows from there on can't be trusted. Restore the log from a backup and find out who "
                          "had write access to the database.")
        raise typer.Exit(1)
    console.print(f"Audit log intact: {report.rows:,} rows, hash chain verified.")


_OUTCOME_STYLE = {"ok": "green", "pending": "yellow", "denied": "red", "rejected": "red", "failed": "bold red"}


@audit_app.command("tail")
def audit_tail(lines: int = typer.Option(20, "-n", "--lines", min=1, max=10000, help="How many of the latest rows.")) -> None:
    """The latest audit rows: time, actor, channel, tool, outcome, duration and arguments (shortened)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from backend.db import transaction
    from backend.tools import audit

    with transaction(_engine()) as session:
        rows = audit.tail(session, lines)
    if not rows:
        console.print("The audit log is empty.")
        return
    # Every column but the arguments keeps its full width; the arguments get what is left of the terminal.
    cells = [(row.occurred_at.strftime("%Y-%m-%d %H:%M:%S"), row.actor[:30],
              row.channel + (f" ({row.client[:30]})" if row.client else ""), row.tool, row.outcome,
              str(row.duration_ms), row.arguments) for row in rows]
    headers = ("time (UTC)", "actor", "channel", "tool", "outcome", "ms", "arguments")
    widths = [max(len(headers[i]), *(len(c[i]) for c in cells)) for i in range(6)]
    overhead = 3 * len(headers)  # cell padding and column separators
    args_width = max(12, min(max(len(c[6]) for c in cells), console.width - sum(widths) - overhead))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header, width in zip(headers, [*widths, args_width]):
        table.add_column(header, width=width, no_wrap=True, overflow="ellipsis", justify="right" if header == "ms" else "left")
    for time_, actor, channel, tool, outcome, ms, args in cells:
        # Text(), not markup: arguments are user data and may contain [brackets].
        table.add_row(time_, Text(actor), Text(channel), Text(tool), Text(outcome, style=_OUTCOME_STYLE.get(outcome, "")), ms,
                      Text(args))
    console.print(table)


@user_app.command("set-password")
def user_set_password(employee: str = typer.Argument(..., help="Employee code or e-mail.")) -> None:
    """Set an employee's password for the web chat (asked twice, not echoed)."""
    from rich.text import Text

    from backend.api.auth import set_password
    from backend.db import transaction
    from backend.errors import ValidationFailed

    engine = _engine()
    with transaction(engine) as session:
        name = _employee(session, employee).name
    password = typer.prompt(f"New password for {name}", hide_input=True, confirmation_prompt=True)
    with transaction(engine) as session:
        try:
            set_password(session, _employee(session, employee), password)
        except ValidationFailed as exc:
            _fail(f"{exc.message} {exc.hint or ''}".strip())
    console.print(Text(f"Password set for {name}."))


@user_app.command("unlock")
def user_unlock(email: str | None = typer.Argument(None, help="The e-mail whose failed sign-ins to forget."),
                address: str | None = typer.Option(None, "--address", help="Also (or only) a client address.")) -> None:
    """Lift the sign-in delays and lock of an e-mail (known or not) and/or a client address."""
    from backend import limits
    from backend.db import transaction
    from backend.settings import get_settings

    if not email and not address:
        _fail("Say what to unlock: an e-mail, --address ADDRESS, or both.")
    with transaction(_engine()) as session:
        cleared = limits.unlock(limits.counters(session, get_settings()), email=email, address=address)
    what = " and ".join(escape(x) for x in (email, address) if x)
    console.print(f"Unlocked {what}." if cleared else f"Nothing to unlock for {what}: no failed sign-ins on record.")


@user_app.command("list")
def user_list() -> None:
    """Employees: code, name, e-mail, role, active, whether a password is set, live API tokens."""
    from datetime import datetime, timezone

    from rich.table import Table
    from rich.text import Text
    from sqlalchemy import func, or_, select

    from backend.db import transaction
    from backend.models import ApiToken, Employee

    now = datetime.now(timezone.utc)
    live = (select(ApiToken.employee_id, func.count().label("n")).where(
        ApiToken.revoked_at.is_(None), or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
        .group_by(ApiToken.employee_id).subquery())
    with transaction(_engine()) as session:
        rows = session.execute(select(Employee, live.c.n).outerjoin(live, live.c.employee_id == Employee.id)
                               .order_by(Employee.code)).all()
    if not rows:
        console.print("No employees yet: `tandem demo` or `tandem import` adds them.")
        return
    table = Table("code", "name", "e-mail", "role", "active", "password", "tokens")
    for person, tokens in rows:
        table.add_row(Text(person.code), Text(person.name), Text(person.email or "-"), person.role,
                      "yes" if person.active else "no", "set" if person.password_hash else "-", str(tokens or 0))
    console.print(table)


def _register_extras() -> None:
    from bots import cli_assistant, cli_reports
    from bots.mcp import cli as mcp_cli
    from bots.slack import cli as slack_cli

    cli_assistant.register(app)
    slack_cli.register(app)
    cli_reports.register(app)
    mcp_cli.register(app)


_register_extras()


# One-shot commands whose start-up is most of their time and whose memory is bounded (one turn).
_NO_GC_COMMANDS = frozenset({"ask"})


def main() -> None:
    """The `tandem` console script: the Typer app, then a quick exit.

    Two start-up costs of a one-shot `tandem ask` are not its own work. The cyclic garbage collector runs
    hundreds of times while LangChain, SQLAlchemy and pydantic build their classes (~0.25 s) and finds almost
    nothing: for `ask`, which answers one turn and ends, it stays off. Tearing down the interpreter afterwards
    (finalising some 2,000 modules) takes ~0.3 s: once any command has finished, output is flushed, atexit
    handlers and logging shut down as usual, and the process ends without that teardown. Committed work is
    already durable by then; if another non-daemon thread is still running, the normal exit waits for it."""
    if len(sys.argv) > 1 and sys.argv[1] in _NO_GC_COMMANDS:
        import gc

        gc.disable()
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    exit_now(code)


def exit_now(code: object) -> None:
    """End the process with `code` as `sys.exit` would, without the interpreter's teardown (see `main`)."""
    import atexit
    import logging
    import os
    import threading

    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message") prints the message and exits with 1
        print(code, file=sys.stderr)
        code = 1
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if others:
        sys.exit(code)
    atexit._run_exitfuncs()  # CPython's own exit runs these too; os._exit below would skip them
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be written anyway
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
