"""`tandem mcp`: the MCP server over stdio for a local AI client, acting as one employee (local trusted access,
like the CLI's `--as`). Nothing but the protocol reaches stdout: the SDK points fd 1 at stderr while it serves."""
from __future__ import annotations

from datetime import datetime, timezone

from backend.errors import NotFound
from bots.mcp.caller import Binding, Caller


class CannotServe(Exception):
    """The employee to act as is unknown or deactivated (a message for the person starting the server)."""


def stdio_binding(reference: str, *, write: bool) -> Binding:
    from backend.db import ensure_database, session_factory, transaction
    from backend.settings import get_settings
    from backend.tools.lookup import employee_by_code_or_email

    engine = ensure_database()
    with transaction(engine) as session:
        try:
            person = employee_by_code_or_email(session, reference)
        except NotFound as exc:
            raise CannotServe(f"{exc.message} {exc.hint or ''}".strip()) from None
        if not person.active:
            raise CannotServe(f"{person.name} is deactivated; Tandem will not act as them.")
        caller = Caller(employee_id=person.id, name=person.name, role=person.role, can_write=write)
    return Binding(caller=caller, sessions=session_factory(engine), now=lambda: datetime.now(timezone.utc),
                   settings=get_settings())


def serve_stdio(binding: Binding) -> None:
    import anyio
    from mcp.server.stdio import stdio_server

    from bots.mcp.server import TandemMcp
    from bots.mcp.tools import prepare

    server = TandemMcp(lambda ctx: binding, binding.settings).server
    prepare()

    async def serve() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(serve)
