"""A database that refuses or drops connections: 503 with Retry-After on REST, the web sign-in and /api/chat (an
`error` event once the stream has started), no language model asked for that turn, and recovery on its own."""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import threading
from contextlib import closing

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from assistant.agent import Assistant
from backend.api.auth import create_token, set_password
from backend.db import database_unavailable, make_engine, migrate, session_factory
from backend.errors import DatabaseUnavailable
from tests.factories.api import api, api_app, bearer, build_app, make_token  # noqa: F401
from tests.factories.chat import ScriptedChatModel
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee

PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")


def _events(response) -> list[tuple[str, dict]]:
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.text[:300]
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["error"] == "unavailable" and "database" in body["message"] and body["details"]["retry_after"] > 0


@pytest.fixture
def unopenable(tmp_path):
    """An engine on a SQLite file in a folder that does not exist: every connection is refused."""
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'tandem.sqlite3'}")
    yield engine
    engine.dispose()


def test_refused_connections_are_recognised(unopenable):
    with pytest.raises(OperationalError) as caught:
        with unopenable.connect():
            pass
    assert database_unavailable(caught.value)
    assert database_unavailable(DatabaseUnavailable())
    assert not database_unavailable(ValueError("bad input"))


def test_every_surface_answers_503_with_retry_after(api_app, unopenable):
    api_app.state.tandem_sessions = session_factory(unopenable)
    client = TestClient(api_app)
    _assert_unavailable(client.get("/api/health"))
    _assert_unavailable(client.get("/api/tools", headers=bearer("tdm_whatever")))
    _assert_unavailable(client.post("/api/tools/find_customers", json={"query": "acme"}, headers=bearer("tdm_x")))
    _assert_unavailable(client.post("/web/session", json={"email": "anh@example.test", "password": "correct horse"}))
    _assert_unavailable(client.post("/api/chat", json={"message": "find acme"}, headers=bearer("tdm_x")))


@pytest.fixture
def support(session, now):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    agent = make_employee(session, role="support")
    return agent, make_token(session, employee=agent, now=now)


def test_a_turn_whose_database_goes_away_ends_with_an_error_event_and_no_model_call(api_app, session, support,
                                                                                    unopenable, monkeypatch):
    """The bearer token is checked on the request's session; the turn's own session finds the database gone."""
    _, token = support
    connection = session.get_bind()
    opened = []

    def sessions():
        opened.append(1)
        if len(opened) == 1:
            return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        return Session(bind=unopenable)

    model = ScriptedChatModel(script=["Here it is."], seen=[])
    monkeypatch.setattr(Assistant, "_brain", lambda self: model)
    api_app.state.tandem_sessions = sessions
    response = TestClient(api_app).post("/api/chat", json={"message": "find hoang long"}, headers=bearer(token))
    assert response.status_code == 200
    kind, data = _events(response)[-1]
    assert kind == "error" and data["error"] == "unavailable" and data["details"]["retry_after"] > 0
    assert model.seen == []  # no language model was asked


def test_a_tool_that_loses_the_database_ends_the_turn(session, support, monkeypatch):
    """Mid-turn: the tool's failure is not handed to the model as data to talk about; the turn stops there."""
    from backend.tools import registry

    agent, _ = support
    spec = registry.get_spec("find_customers")

    def gone(ctx, params):
        raise OperationalError("SELECT 1", {}, OSError("server closed the connection unexpectedly"),
                               connection_invalidated=True)

    monkeypatch.setitem(registry.REGISTRY, "find_customers", dataclasses.replace(spec, fn=gone))
    model = ScriptedChatModel(script=[[("find_customers", {"query": "hoang long"})], "Found nothing."], seen=[])
    with pytest.raises(DatabaseUnavailable):
        Assistant(brain_factory=lambda: model).ask(session, agent, "find hoang long", channel="test",
                                                   conversation_id="gone-1")
    assert len(model.seen) == 1  # asked once for the tool call, never again with a failure to explain


# --- a real PostgreSQL connection that drops and comes back --------------------------------------------------

class _Proxy:
    """A TCP relay in front of PostgreSQL that can be cut (listener closed, every connection dropped) and restored
    on the same port: what a database restart or a network cut looks like to the server."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, _free_port()
        self._links: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept(); close() alone doesn't
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        for link in self._links:
            try:
                link.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            link.close()
        self._links.clear()


@pytest.fixture
def outage_database():
    """A database of its own on the test server (the app commits for real here), reached through the relay."""
    url = make_url(PG_URL)
    name = f"{url.database}_outage"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    migrate(make_engine(url.set(database=name).render_as_string(hide_password=False)))
    proxy = _Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    engine = make_engine(url.set(database=name, host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield engine, proxy
    proxy.cut()
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs TANDEM_TEST_DATABASE_URL (PostgreSQL)")
def test_postgres_going_away_and_coming_back(outage_database):
    engine, proxy = outage_database
    sessions = session_factory(engine)
    with sessions() as session:
        make_company(session)
        make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
        agent = make_employee(session, role="support", email="anh@example.test")
        set_password(session, agent, "correct horse battery")
        token = create_token(session, agent)
        session.commit()
    app = build_app()
    app.state.tandem_sessions = sessions
    client = TestClient(app)
    sign_in = {"email": "anh@example.test", "password": "correct horse battery"}
    assert client.get("/api/tools", headers=bearer(token)).status_code == 200

    proxy.cut()  # pooled connections die and new ones are refused
    _assert_unavailable(client.get("/api/tools", headers=bearer(token)))
    _assert_unavailable(client.get("/api/customers/HOANGLONG", headers=bearer(token)))
    _assert_unavailable(client.post("/web/session", json=sign_in))
    _assert_unavailable(client.post("/api/chat", json={"message": "find hoang long"}, headers=bearer(token)))
    _assert_unavailable(client.get("/api/health"))

    proxy.start()  # the database is back: no restart of Tandem needed
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/customers/HOANGLONG", headers=bearer(token)).status_code == 200
    assert client.post("/web/session", json=sign_in).status_code == 200
    events = _events(client.post("/api/chat", json={"message": "find hoang long"}, headers=bearer(token)))
    assert events[-1][0] == "final"


def test_tandem_ask_says_the_database_is_down_without_a_traceback(monkeypatch):
    from typer.testing import CliRunner

    from backend.settings import get_settings
    from bots.cli import app

    monkeypatch.setenv("TANDEM_DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/nowhere")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ask", "hello", "--as", "E001"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 3, result.output
    assert "database is unreachable" in result.output and "TANDEM_DATABASE_URL" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
