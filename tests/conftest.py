"""Test databases: every DB test runs on SQLite, and on PostgreSQL when TANDEM_TEST_DATABASE_URL is set.

Each test runs inside an outer transaction that is rolled back; the code under test commits savepoints.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from backend.db import make_engine, migrate
from backend.settings import Settings, get_settings

PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

os.environ.setdefault("TANDEM_ENV", "test")


def _fresh_engine(backend: str, tmp_path_factory) -> Engine:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    eng = _fresh_engine(request.param, tmp_path_factory)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", env="test")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """No test reads the developer's ./tandem-data or .env by accident."""
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "tandem-data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def cli_world(tmp_path) -> tuple[Path, str]:
    """The small test company in the data directory a `tandem` command run by this test uses (SQLite), and the
    code of its sales rep, who owns Hoàng Long."""
    from backend.db import ensure_database, transaction
    from tests.factories.world import make_small_world

    engine = ensure_database()
    with transaction(engine) as session:
        rep_code = make_small_world(session)["rep"].code
    engine.dispose()
    return get_settings().data_dir, rep_code


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


DEMO_TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(engine):
    """The demo company (seed 7, as of DEMO_TODAY) built once per test module inside a transaction rolled back
    after it."""
    from sqlalchemy.orm import Session

    from backend.demo import create_demo_company

    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    assert create_demo_company(session, seed=7, today=DEMO_TODAY) is True
    session.flush()
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
