"""The web application: the REST API, the assistant over HTTP (/api/chat), the web chat page and, when configured,
Slack's events (/slack/events), in one ASGI app."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.api.app import create_api


def create_app(*, engine: Engine | None = None, sessions: Callable[[], Session] | None = None) -> FastAPI:
    """One ASGI app for every HTTP surface. `engine`/`sessions` choose the database (default: the configured one)."""
    from bots.chat_api import router as chat_router
    from bots.web.routes import router as web_router

    app = create_api(engine=engine, sessions=sessions)
    app.include_router(chat_router)
    app.include_router(web_router)
    from bots.slack import mount as mount_slack

    mount_slack(app, engine=engine)  # /slack/events, when TANDEM_SLACK_SIGNING_SECRET is set
    return app
