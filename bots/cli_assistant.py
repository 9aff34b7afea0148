"""`tandem ask` and `tandem chat`: the assistant from the terminal (local trusted access, `--as` any employee)."""
from __future__ import annotations

import json
import sys

import typer

from bots.console import console


def _run_turn(actor_ref: str, message: str, conversation: str | None, confirm: bool):
    from backend.db import database_unavailable
    from bots.cli_employees import fail

    try:
        return _turn(actor_ref, message, conversation, confirm)
    except typer.Exit:
        raise
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        # no traceback for a database that is down: what happened and what to do, exit code 3
        from backend.settings import get_settings
        from bots.console import escape

        fail(escape(f"The database is unreachable ({get_settings().resolved_database_url.split('://')[0]}); nothing was "
                    "asked or changed. Start it, or check TANDEM_DATABASE_URL, and try again."), code=3)


def _turn(actor_ref: str, message: str, conversation: str | None, confirm: bool):
    from assistant.agent import Assistant
    from backend.db import ensure_database, transaction
    from backend.errors import DatabaseUnavailable, TandemError
    from bots.cli_employees import employee as _employee

    engine = ensure_database()
    with transaction(engine) as session:
        actor = _employee(session, actor_ref)
        try:
            return Assistant().ask(session, actor, message, channel="cli", conversation_id=conversation, confirm=confirm)
        except DatabaseUnavailable:
            raise
        except TandemError as exc:
            raise typer.BadParameter(exc.message) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def ask(message: str = typer.Argument(..., help="What to ask, in English or Vietnamese."),
            as_: str = typer.Option(..., "--as", help="Employee code or e-mail to act as."),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object (answer, tool calls, ...)."),
            yes: bool = typer.Option(False, "--yes", help="Confirm the write this turn proposes."),
            conversation: str | None = typer.Option(None, "--conversation", help="Continue this conversation id.")) -> None:
        """Ask the assistant one question."""
        result = _run_turn(as_, message, conversation, yes)
        if as_json:
            sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, default=str) + "\n")
            return
        from rich.markdown import Markdown

        console.print(Markdown(result.answer.replace("\n", "  \n")))
        if result.confirmation:
            console.print(f"\n[yellow]Nothing written yet.[/] To confirm: tandem ask yes --as {as_} --conversation {result.conversation}"
                          f"  (or re-run with --yes)")
        console.print(f"[dim]conversation {result.conversation} · {result.brain} · {result.elapsed_ms} ms[/]")

    @app.command()
    def chat(as_: str = typer.Option(..., "--as", help="Employee code or e-mail to act as."),
             conversation: str | None = typer.Option(None, "--conversation", help="Continue this conversation id.")) -> None:
        """Talk to the assistant (a REPL with history; empty line or Ctrl-D to quit)."""
        import uuid

        from rich.markdown import Markdown
        from rich.prompt import Prompt

        conversation = conversation or str(uuid.uuid4())
        save_history = _input_history()
        console.print(f"[dim]Tandem chat — conversation {conversation}. Reply 'yes' to confirm a preview. Ctrl-D to quit.[/]")
        try:
            while True:
                try:
                    message = Prompt.ask("[bold cyan]you[/]")
                except (EOFError, KeyboardInterrupt):
                    break
                if not message.strip():
                    break
                result = _run_turn(as_, message, conversation, False)
                console.print(Markdown(result.answer.replace("\n", "  \n")))
                console.print(f"[dim]{result.brain} · {result.elapsed_ms} ms[/]")
        finally:
            save_history()


HISTORY_LINES = 1000


def _input_history():
    """Line editing and the up-arrow history of earlier questions (kept in the data directory across sessions),
    where the platform has readline. Returns the function that saves the history."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline
        return lambda: None
    from backend.settings import get_settings

    path = get_settings().data_dir / "chat_history"
    try:
        readline.read_history_file(path)
    except OSError:
        pass  # none yet, or not readable: start with an empty history
    readline.set_history_length(HISTORY_LINES)

    def save() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError:
            pass  # a read-only data directory costs the history, not the answer

    return save
