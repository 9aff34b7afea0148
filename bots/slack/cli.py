"""`tandem slack`: run the Slack app over Socket Mode, and link Slack users to employees."""
from __future__ import annotations

import typer

from bots.console import console, err_console, escape


slack_app = typer.Typer(help="Slack: run the app over Socket Mode (`tandem slack`), link Slack users to employees.",
                        invoke_without_command=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(1)


@slack_app.callback()
def run(ctx: typer.Context) -> None:
    """Without a subcommand: connect to Slack over Socket Mode (no public URL needed) and answer until Ctrl-C."""
    if ctx.invoked_subcommand is not None:
        return
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from backend.db import ensure_database
    from backend.settings import get_settings
    from bots.slack.app import SlackNotConfigured, build_app

    settings = get_settings()
    if settings.slack.app_token is None:
        _fail("TANDEM_SLACK_APP_TOKEN (xapp-..., with connections:write) is not set; Socket Mode needs it.")
    try:
        app = build_app(settings, engine=ensure_database(settings))
        identity = app.client.auth_test()
    except SlackNotConfigured as exc:
        _fail(f"{exc} Socket Mode needs the bot token (xoxb-...) too.")
    except SlackApiError as exc:
        _fail(f"Slack refused the bot token: {exc.response.get('error')}.")
    console.print(f"Tandem is connected to Slack as @{escape(str(identity.get('user')))} in "
                  f"{escape(str(identity.get('team')))} (Socket Mode). Ctrl-C to stop.")
    SocketModeHandler(app, settings.slack.app_token.get_secret_value()).start()


@slack_app.command("link")
def link(slack_user_id: str = typer.Argument(..., help="The Slack member id, e.g. U024BE7LH (profile → ⋮ → Copy member ID)."),
         employee: str = typer.Argument(..., help="Employee code or e-mail.")) -> None:
    """Make a Slack user act as an employee (overrides the e-mail match)."""
    from backend.db import ensure_database, transaction
    from bots.cli_employees import employee as _employee
    from bots.slack.identity import link_user

    slack_user_id = slack_user_id.strip().upper()
    if slack_user_id[:1] not in ("U", "W") or not slack_user_id.isalnum():
        _fail(f"'{slack_user_id}' is not a Slack member id (they look like U024BE7LH).")
    with transaction(ensure_database()) as session:
        person = _employee(session, employee)
        link_user(session, slack_user_id, person)
        who = f"{person.name} ({person.code}, {person.role})"
    console.print(f"Slack user {escape(slack_user_id)} now acts as {escape(who)}.")


@slack_app.command("unlink")
def unlink(slack_user_id: str = typer.Argument(..., help="The Slack member id.")) -> None:
    """Forget a Slack user's link (they are matched by e-mail again next time)."""
    from backend.db import ensure_database, transaction
    from bots.slack.identity import unlink_user

    with transaction(ensure_database()) as session:
        removed = unlink_user(session, slack_user_id.strip().upper())
    if not removed:
        _fail(f"Slack user {slack_user_id} is not linked.")
    console.print(f"Slack user {escape(slack_user_id)} unlinked.")


@slack_app.command("links")
def links() -> None:
    """Slack users and the employees they act as (manual links and remembered e-mail matches)."""
    from rich.table import Table
    from rich.text import Text

    from backend.db import ensure_database, transaction
    from bots.slack.identity import list_links

    with transaction(ensure_database()) as session:
        rows = [(link.slack_user_id, link.employee.code, link.employee.name, link.source, link.created_at)
                for link in list_links(session)]
    if not rows:
        console.print("No Slack users linked yet: `tandem slack link SLACK_USER_ID EMPLOYEE`, or they are matched by "
                      "e-mail when they first write.")
        return
    table = Table("slack user", "employee", "name", "how", "since")
    for user, code, name, source, created in rows:
        table.add_row(Text(user), Text(code), Text(name), source, created.strftime("%Y-%m-%d %H:%M"))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(slack_app, name="slack")
