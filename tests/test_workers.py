"""Several workers on one database: `tandem serve` processes share nothing but it, so one continues the other's
conversation (a follow-up, a "yes" to the other's preview), the turn limit counts across them, and a due report
schedule runs once however many schedulers poll. And `tandem serve --workers 2` starts two worker processes."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from backend.api.auth import create_token
from backend.db import make_engine, migrate, session_factory
from backend.models import ReportRun, ReportSchedule, Ticket
from backend.reports.schedules import add_schedule
from tests.factories.org import make_employee
from tests.factories.world import make_small_world

PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")
TANDEM = [sys.executable, "-c", "import sys; from bots.cli import main; sys.argv = ['tandem', *sys.argv[1:]]; main()"]
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def database(request, tmp_path):
    """A database of its own (the servers commit for real), with a small company, a rep's token and a schedule that
    is already due."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        admin = None
    else:
        base = make_url(PG_URL)
        name = f"{base.database}_workers"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(timezone.utc)
    with session_factory(engine)() as session:
        world = make_small_world(session)
        token = create_token(session, world["rep"])
        finance = make_employee(session, role="finance")
        schedule = add_schedule(session, report="restock", cron="0 8 1 1 *", destination="file:reports",
                                run_as=finance, now=now, fmt="md")
        schedule.next_run_at = now - timedelta(minutes=5)  # missed while nobody was running: due at once
        session.commit()
    yield url, token, engine
    engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _serving(url: str, data_dir: Path, *extra: str, env: dict[str, str] | None = None):
    """`tandem serve` in a process of its own; yields (base URL, process) once it answers, stops it after."""
    port = _free_port()
    environment = {**os.environ, "TANDEM_DATABASE_URL": url, "TANDEM_DATA_DIR": str(data_dir), "TANDEM_ENV": "test",
                   "TANDEM_SCHEDULER": "on", "TANDEM_SCHEDULER_POLL_SECONDS": "0.3", **(env or {})}
    log = open(data_dir / f"serve-{port}.log", "w")
    process = subprocess.Popen([*TANDEM, "serve", "--port", str(port), *extra], cwd=ROOT, env=environment,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((data_dir / f"serve-{port}.log").read_text())
            time.sleep(0.2)
        yield base, process, data_dir / f"serve-{port}.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _chat(base: str, token: str, message: str, conversation: str | None = None) -> tuple[int, dict]:
    response = httpx.post(base + "/api/chat", json={"message": message, "conversation": conversation},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
    if response.status_code != 200:
        return response.status_code, response.json()
    blocks = [dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
              for block in response.text.strip().split("\n\n")]
    kind, data = blocks[-1]["event"], json.loads(blocks[-1]["data"])
    assert kind == "final", data
    return 200, data


def test_two_workers_continue_each_others_conversations_and_run_a_schedule_once(database, tmp_path):
    url, token, engine = database
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    sessions = session_factory(engine)
    with _serving(url, data_dir, env={"TANDEM_TURNS_PER_MINUTE": "5"}) as (first, _, _), \
            _serving(url, data_dir, env={"TANDEM_TURNS_PER_MINUTE": "5"}) as (second, _, _):
        # A follow-up on the other worker finds the customer of the first turn in the conversation's memory.
        _, brief = _chat(first, token, "brief me on Hoàng Long")
        _, follow_up = _chat(second, token, "and their open tickets?", brief["conversation"])
        assert follow_up["tool_calls"][0]["name"] == "list_tickets"
        assert follow_up["tool_calls"][0]["result"]["customer_code"] == "HOANGLONG"

        # A preview made by one worker is confirmed by a "yes" that reaches the other.
        _, preview = _chat(second, token, "open a ticket for Hoàng Long Trading: printer jammed")
        assert preview["confirmation"]
        _, done = _chat(first, token, "yes", preview["conversation"])
        assert done["tool_calls"][0]["name"] == "confirm:create_ticket" and done["tool_calls"][0]["status"] == "ok"
        with sessions() as session:
            assert session.execute(select(func.count()).select_from(Ticket)
                                   .where(Ticket.subject == "printer jammed")).scalar_one() == 1

        # The turn limit (5 a minute) counts the rep's turns on both workers together.
        assert _chat(second, token, "find customer minh phat")[0] == 200
        status, refused = _chat(first, token, "find customer saigon foods")
        assert status == 429 and refused["error"] == "rate_limited"

        # Both schedulers poll every 0.3 s; the due schedule is claimed by one of them, once.
        deadline = time.monotonic() + 60
        while True:
            with sessions() as session:
                runs = session.execute(select(ReportRun)).scalars().all()
            if runs and all(run.status != "running" for run in runs):
                break
            assert time.monotonic() < deadline, "the schedule never ran"
            time.sleep(0.3)
        time.sleep(2)  # a few more polls by both
        with sessions() as session:
            runs = session.execute(select(ReportRun)).scalars().all()
            schedule = session.execute(select(ReportSchedule)).scalar_one()
        assert len(runs) == 1 and runs[0].status == "ok", [(r.status, r.error) for r in runs]
        assert schedule.next_run_at > datetime.now(timezone.utc)
        assert len(list((data_dir / "reports").iterdir())) == 1


def test_serve_with_two_workers_starts_two_processes(database, tmp_path):
    url, token, _ = database
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with _serving(url, data_dir, "--workers", "2", env={"TANDEM_SCHEDULER": "off"}) as (base, _, log):
        statuses = {_chat(base, token, f"find customer {name}")[0] for name in ("hoang long", "minh phat", "saigon")}
        assert statuses == {200}
        deadline = time.monotonic() + 30
        while len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
