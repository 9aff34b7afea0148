"""API tokens and a test client whose requests run on the test's own database connection.

Why this shape: the `session` fixture holds one connection inside an outer transaction that is rolled back
after the test. Each request gets a *new* Session bound to that same connection in "create_savepoint"
mode, so the request's commit only releases its savepoint (and its rollback only undoes its savepoint):
the API keeps its real one-transaction-per-request behaviour, requests see what the test's factories
flushed, the test sees what requests committed, and the outer rollback still isolates every test, on
SQLite and PostgreSQL alike. The app itself is built once (routes come from the registry) and pointed at
each test's connection through `app.state.tandem_sessions`; its clock is the `now` fixture.

Test modules import the fixtures they use: `from tests.factories.api import api, api_app  # noqa: F401`.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.api.auth import create_token, current_time
from backend.models import Employee

_shared_app: FastAPI | None = None


def make_token(session: Session, *, employee: Employee, label: str | None = None, ttl_days: int | None = None,
               now: datetime | None = None) -> str:
    return create_token(session, employee, label=label, ttl_days=ttl_days, now=now)


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def build_app() -> FastAPI:
    from bots.server import create_app

    return create_app()


def point_app_at(app: FastAPI, session: Session, now: datetime) -> None:
    connection = session.get_bind()
    app.state.tandem_sessions = lambda: Session(bind=connection, join_transaction_mode="create_savepoint",
                                                expire_on_commit=False)
    app.dependency_overrides[current_time] = lambda: now


@pytest.fixture
def api_app(session, now) -> Iterator[FastAPI]:
    global _shared_app
    if _shared_app is None:
        _shared_app = build_app()
    point_app_at(_shared_app, session, now)
    yield _shared_app
    _shared_app.state.tandem_sessions = None
    _shared_app.dependency_overrides.clear()


@pytest.fixture
def api(api_app) -> TestClient:
    return TestClient(api_app)
