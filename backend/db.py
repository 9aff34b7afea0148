"""Engine, sessions and migrations: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from backend.settings import Settings, get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite would only BEGIN at the first write, so a SAVEPOINT taken before it became the outermost
    # transaction and its RELEASE committed. Turning that off and emitting BEGIN ourselves (below) gives
    # SQLite the same transaction and savepoint semantics as PostgreSQL. IMMEDIATE because every request
    # writes (at least its audit row): a deferred transaction that read first would fail at once with
    # "database is locked" when another writer committed in between, instead of waiting its turn.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if ":///" in url and not url.endswith(":memory:"):
            Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine(settings: Settings | None = None) -> Engine:
    return _engine_for((settings or get_settings()).resolved_database_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    from backend.accounting.hooks import install_posting

    return install_posting(sessionmaker(bind=engine, expire_on_commit=False))


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (tools flush, the boundary commits)."""
    session = session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def request_transaction(sessions: Callable[[], Session]) -> Iterator[Session]:
    """One request, event or tool call from a surface. A TandemError still commits: the guard has already rolled
    the tool's own work back to its savepoint, and what remains (the audit row of the refusal) must be kept.
    Anything unexpected rolls everything back."""
    from backend.errors import TandemError

    session = sessions()
    try:
        yield session
    except TandemError:
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    else:
        session.commit()
    finally:
        session.close()


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine | None = None) -> None:
    """Bring the schema to the latest migration (creates the database on first use)."""
    from alembic import command

    engine = engine or get_engine()
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# The newest migration's revision. Checked against Alembic by a test, so a new migration that forgets to
# bump it fails the suite; it lets a process that finds the schema current skip importing Alembic (~0.4 s).
SCHEMA_HEAD = "0014"

_migrated: set[str] = set()


def schema_is_current(engine: Engine) -> bool:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return False  # no version table yet: a new database
    return versions == [SCHEMA_HEAD]


def ensure_database(settings: Settings | None = None) -> Engine:
    """Engine for the configured database, migrated once per process."""
    engine = get_engine(settings)
    key = str(engine.url)
    if key not in _migrated:
        if not schema_is_current(engine):
            migrate(engine)
        _migrated.add(key)
    return engine


# SQLite's words for a database file it can't open, or a writer that held the lock past the busy timeout.
_SQLITE_UNAVAILABLE = ("unable to open database file", "database is locked", "disk i/o error")
# PostgreSQL: connection exceptions (class 08), the server shutting down or starting up, no connection slots left.
_PG_UNAVAILABLE = ("57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, means the database could not be reached: a refused or
    lost connection, a server shutting down or full, a SQLite file that can't be opened or stays locked, or no
    connection free in the pool. Such a request did nothing and may succeed in a moment (HTTP 503)."""
    from sqlalchemy import exc as sa_exc

    from backend.errors import DatabaseUnavailable

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (DatabaseUnavailable, sa_exc.TimeoutError)):
            return True
        if isinstance(exc, sa_exc.DBAPIError):
            if exc.connection_invalidated:
                return True
            state = getattr(exc.orig, "sqlstate", None)
            if state and (state.startswith("08") or state in _PG_UNAVAILABLE):
                return True
            if isinstance(exc, sa_exc.OperationalError):
                if type(exc.orig).__module__.startswith("psycopg") and state is None:
                    return True  # libpq's own failures (refused, closed, timed out) carry no SQLSTATE
                if any(words in str(exc.orig).lower() for words in _SQLITE_UNAVAILABLE):
                    return True
        exc = exc.__cause__ or exc.__context__
    return False
