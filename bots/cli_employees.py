"""The employee a command acts on, named by code or e-mail, shared by every command module (so none of them
imports `bots.cli`, which imports them all); an unknown one ends the command with a clean error."""
from __future__ import annotations

import typer

from bots.console import err_console, escape


def fail(message: str, code: int = 1) -> None:
    """Print `message` (Rich markup allowed; escape user text) as the command's error and exit with `code`."""
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


def employee(session, reference: str):
    """The employee with this code or e-mail (never a fuzzy match: it is an identity), or exit with an error."""
    from backend.errors import NotFound
    from backend.tools.lookup import employee_by_code_or_email

    try:
        return employee_by_code_or_email(session, reference)
    except NotFound as exc:
        fail(escape(f"{exc.message} {exc.hint or ''}".strip()))
