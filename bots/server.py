"""The web application: the REST API today; the web chat and the Slack endpoint are mounted here too."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.api.app import create_api


def create_app(*, engine: Engine | None = None, sessions: Callable[[], Session] | None = None) -> FastAPI:
    """One ASGI app for every HTTP surface. `engine`/`sessions` choose the database (default: the configured one)."""
    return create_api(engine=engine, sessions=sessions)
