"""The web application: the REST API, the assistant over HTTP (/api/chat), the web chat page, MCP (/mcp) and, when
configured, Slack's events (/slack/events), in one ASGI app."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.api.app import create_api


def create_app(*, engine: Engine | None = None, sessions: Callable[[], Session] | None = None,
               scheduler: bool = False) -> FastAPI:
    """One ASGI app for every HTTP surface. `engine`/`sessions` choose the database (default: the configured one).
    `scheduler=True` (what `tandem serve` passes) runs the report scheduler while the app runs, as
    TANDEM_SCHEDULER says; apps built for tests leave it off."""
    from bots.chat_api import router as chat_router
    from bots.reporting import install_report_hooks
    from bots.web.routes import router as web_router

    install_report_hooks()
    app = create_api(engine=engine, sessions=sessions)
    app.include_router(chat_router)
    app.include_router(web_router)
    from bots.slack import mount as mount_slack

    mount_slack(app, engine=engine)  # /slack/events, when TANDEM_SLACK_SIGNING_SECRET is set
    from bots.mcp.http import mount as mount_mcp

    mount_mcp(app)  # /mcp: the Model Context Protocol (streamable HTTP, stateless), with the employee's API token
    if scheduler:
        app.router.lifespan_context = _with_report_scheduler(app.router.lifespan_context)
    return app


def served_app() -> FastAPI:
    """What `tandem serve` runs in each worker process: the configured database, the report scheduler on."""
    from backend.db import ensure_database

    return create_app(engine=ensure_database(), scheduler=True)


def _with_report_scheduler(inner):
    """Wrap the app's lifespan: start the report scheduler after start-up, stop it at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from backend.db import ensure_database, session_factory
        from backend.settings import get_settings
        from bots.scheduler import start_scheduler

        sessions = getattr(app.state, "tandem_sessions", None) or session_factory(ensure_database())
        running = start_scheduler(sessions, get_settings())
        try:
            async with inner(app) as state:
                yield state
        finally:
            if running is not None:
                running.stop()

    return lifespan
