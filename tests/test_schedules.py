"""Report schedules: cron evaluation, checks when a schedule is added, catch-up after downtime (one run, not N),
the run log, delivery through the registered destinations, and the scheduler inside the web app."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import NotFound, PermissionDenied, ValidationFailed
from backend.models import AuditEntry, ReportRun
from backend.reports import hooks as hooks_module
from backend.reports.cron import parse_cron
from backend.reports.narrative import use_narrative_writer
from backend.reports.schedules import add_schedule, claim_due, fail_interrupted_runs, list_schedules, remove_schedule
from bots import scheduler as scheduler_module
from bots.scheduler import run_due_once, start_scheduler
from tests.factories.catalog import make_product
from tests.factories.org import make_company, make_employee

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8 = "0 8 * * MON"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=HCM).astimezone(timezone.utc)


# --- cron ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, after, expected", [
    (MONDAY_8, local(2026, 11, 20, 16, 30), local(2026, 11, 23, 8, 0)),
    (MONDAY_8, local(2026, 11, 23, 8, 0), local(2026, 11, 30, 8, 0)),  # strictly after
    ("30 7 1 * *", local(2026, 12, 15), local(2027, 1, 1, 7, 30)),
    ("*/15 9-17 * * MON-FRI", local(2026, 11, 20, 16, 30), local(2026, 11, 20, 16, 45)),
    ("*/15 9-17 * * MON-FRI", local(2026, 11, 20, 17, 50), local(2026, 11, 23, 9, 0)),
    ("0 0 29 2 *", local(2026, 3, 1), local(2028, 2, 29)),
    ("@daily", local(2026, 11, 20, 16, 30), local(2026, 11, 21)),
    ("@monthly", local(2026, 11, 20), local(2026, 12, 1)),
    ("0 8 1 * MON", local(2026, 11, 20), local(2026, 11, 23, 8)),  # both day fields set: either matches
    ("0 8 */2 * MON", local(2026, 11, 20), local(2026, 11, 23, 8)),  # "*/2" counts as unrestricted: odd AND Monday
    ("0 12 * JAN,jul sun", local(2026, 11, 20), local(2027, 1, 3, 12)),
    ("0 6 * * 7", local(2026, 11, 20), local(2026, 11, 22, 6)),  # 7 is Sunday too
])
def test_next_firing_time(expression, after, expected):
    assert parse_cron(expression).next_after(after, HCM) == expected


def test_latest_firing_time_and_count():
    weekly = parse_cron(MONDAY_8)
    assert weekly.latest_at_or_before(local(2026, 11, 20, 16, 30), HCM) == local(2026, 11, 16, 8)
    assert weekly.latest_at_or_before(local(2026, 11, 16, 8, 0), HCM) == local(2026, 11, 16, 8)
    assert weekly.count_between(local(2026, 10, 26, 8), local(2026, 11, 20), HCM) == 3  # Nov 2, 9, 16
    assert parse_cron("* * * * *").count_between(local(2026, 1, 1), local(2027, 1, 1), HCM, cap=50) == 50


@pytest.mark.parametrize("bad, why", [
    ("0 8 * *", "4 field"), ("61 * * * *", "outside 0–59"), ("0 8 * * FUNDAY", "neither a number nor a name"),
    ("0 0 30 2 *", "never fires"), ("5-1 * * * *", "runs backwards"), ("*/0 * * * *", "positive"), ("", "0 field"),
    ("0 8 ,1 * *", "empty item"),
])
def test_bad_cron_expressions_say_what_is_wrong(bad, why):
    with pytest.raises(ValidationFailed, match=why) as err:
        parse_cron(bad)
    assert "0 8 * * MON" in err.value.hint


# --- adding schedules --------------------------------------------------------------------------------------

@pytest.fixture
def company(session):
    make_company(session)
    people = {role: make_employee(session, role=role, code=role.upper()) for role in
              ("finance", "manager", "admin", "support", "sales")}
    make_product(session, sku="TONER-X", name="Toner X", unit_price=Decimal("250000"), stock=3, reorder_level=20)
    return people


CREATED = local(2026, 11, 2, 9, 0)  # a Monday, after 08:00


def add(session, people, **overrides):
    args = {"report": "restock", "cron": MONDAY_8, "destination": "file:out", "run_as": people["finance"],
            "now": CREATED, "fmt": "md"}
    return add_schedule(session, **(args | overrides))


def test_add_schedule_computes_the_next_run(session, company):
    row = add(session, company)
    assert row.next_run_at == local(2026, 11, 9, 8) and row.enabled and row.format == "md"
    second = add(session, company, report="ar_aging", cron="@monthly", destination="slack:#finance", fmt="pdf",
                 language="vi", period="2026-10")
    assert second.report == "ar-aging" and second.next_run_at == local(2026, 12, 1)
    assert [v.schedule.id for v in list_schedules(session)] == [row.id, second.id]


@pytest.mark.parametrize("overrides, error, message", [
    ({"report": "board-pack"}, ValidationFailed, "no report document"),
    ({"cron": "every monday"}, ValidationFailed, "cron"),
    ({"destination": "email:ha@example.test"}, ValidationFailed, "destination"),
    ({"destination": "slack:finance"}, ValidationFailed, "Slack channel"),
    ({"destination": "file:"}, ValidationFailed, "destination"),
    ({"fmt": "docx"}, ValidationFailed, "format"),
    ({"language": "fr"}, ValidationFailed, "language"),
    ({"period": "2026-10"}, ValidationFailed, "takes no period"),
    ({"report": "sales", "period": "fortnight"}, ValidationFailed, "not a period"),
])
def test_add_schedule_refuses_what_would_fail_later(session, company, overrides, error, message):
    with pytest.raises(error, match=message):
        add(session, company, **overrides)


@pytest.mark.parametrize("role", ["support", "sales"])
def test_a_schedule_cannot_run_as_someone_who_may_not_write_reports(session, company, role):
    with pytest.raises(PermissionDenied, match="may not write reports"):
        add(session, company, run_as=company[role])


def test_remove_schedule(session, company):
    row = add(session, company)
    remove_schedule(session, row.id)
    assert list_schedules(session) == []
    with pytest.raises(NotFound):
        remove_schedule(session, row.id)


# --- running them ------------------------------------------------------------------------------------------

@pytest.fixture
def sessions(session):
    """Sessions on the test's connection: each run's commits release savepoints of the test's transaction."""
    connection = session.get_bind()
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture(autouse=True)
def _templates_only():
    use_narrative_writer(None)
    yield


def runs(session, schedule_id):
    session.expire_all()
    return session.execute(select(ReportRun).where(ReportRun.schedule_id == schedule_id).order_by(ReportRun.id)).scalars().all()


def test_catch_up_after_downtime_runs_once(session, company, sessions, settings):
    row = add(session, company)
    back_up = local(2026, 11, 26, 10, 15)  # down since before 9 Nov: 9 and 16 Nov missed, 23 Nov runs
    outcomes = run_due_once(sessions, settings, now=back_up, clock=lambda: back_up)
    assert len(outcomes) == 1 and outcomes[0].status == "ok", outcomes
    logged = runs(session, row.id)
    assert len(logged) == 1
    run = logged[0]
    assert run.scheduled_for == local(2026, 11, 23, 8) and run.missed == 2 and run.status == "ok"
    assert run.started_at == back_up and run.finished_at == back_up and run.error is None
    written = Path(run.output)
    assert written.parent == settings.data_dir / "out" and written.read_text().startswith("# Stock below reorder level")
    session.refresh(row)
    assert row.next_run_at == local(2026, 11, 30, 8) and row.last_run_at == local(2026, 11, 23, 8)
    # Ticking again before the next slot runs nothing; the next slot runs once, with nothing missed.
    assert run_due_once(sessions, settings, now=back_up + timedelta(minutes=1)) == []
    later = local(2026, 11, 30, 8, 0, 20)
    assert [o.missed for o in run_due_once(sessions, settings, now=later, clock=lambda: later)] == [0]
    assert len(runs(session, row.id)) == 2


def test_each_run_goes_through_the_tool_guard_and_is_audited(session, company, sessions, settings):
    row = add(session, company)
    moment = local(2026, 11, 9, 8, 0, 30)
    run_due_once(sessions, settings, now=moment, clock=lambda: moment)
    audit = session.execute(select(AuditEntry).where(AuditEntry.tool == "write_report")).scalars().all()
    assert [(a.channel, a.outcome, a.actor_id) for a in audit] == [("scheduler", "ok", row.run_as_id)]


def test_a_run_as_someone_who_lost_the_role_fails_and_is_logged(session, company, sessions, settings):
    row = add(session, company)
    company["finance"].role = "support"
    session.flush()
    moment = local(2026, 11, 9, 8, 1)
    [outcome] = run_due_once(sessions, settings, now=moment, clock=lambda: moment)
    assert outcome.status == "failed" and "needs the admin, finance or manager role" in outcome.error
    [run] = runs(session, row.id)
    assert run.status == "failed" and run.output is None and "support" in run.error
    denied = session.execute(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.tool == "write_report", AuditEntry.outcome == "denied")).scalar_one()
    assert denied == 1


def test_slack_destination_goes_through_the_registered_hook(session, company, sessions, settings, monkeypatch):
    sent = []

    def fake_slack(settings_, channel, rendered):
        sent.append((channel, rendered.filename, rendered.content[:4], rendered.title))
        return f"slack {channel} (file F123)"

    monkeypatch.setitem(hooks_module.destinations, "slack", fake_slack)
    row = add(session, company, destination="slack:#finance", fmt="pdf")
    moment = local(2026, 11, 9, 8, 0)
    [outcome] = run_due_once(sessions, settings, now=moment, clock=lambda: moment)
    assert outcome.status == "ok" and outcome.output == "slack #finance (file F123)"
    assert sent == [("#finance", f"restock-{moment.astimezone(HCM).date().isoformat()}.pdf", b"%PDF",
                     "Stock below reorder level — As of 2026-11-09")]
    assert runs(session, row.id)[0].output == "slack #finance (file F123)"


def test_slack_without_a_token_fails_with_a_reason(session, company, sessions, settings, monkeypatch):
    from bots.reporting import install_report_hooks

    install_report_hooks()
    row = add(session, company, destination="slack:#finance")
    moment = local(2026, 11, 9, 8, 0)
    [outcome] = run_due_once(sessions, settings, now=moment, clock=lambda: moment)
    assert outcome.status == "failed" and "TANDEM_SLACK_BOT_TOKEN" in outcome.error
    assert runs(session, row.id)[0].status == "failed"


def test_a_destination_nobody_registered_fails_the_run(session, company, sessions, settings, monkeypatch):
    monkeypatch.delitem(hooks_module.destinations, "slack", raising=False)
    row = add(session, company, destination="slack:#finance")
    moment = local(2026, 11, 9, 8, 0)
    [outcome] = run_due_once(sessions, settings, now=moment, clock=lambda: moment)
    assert outcome.status == "failed" and "can't deliver to slack" in outcome.error
    assert runs(session, row.id)[0].error == outcome.error


def test_a_slot_is_claimed_once_even_by_two_workers(session, company):
    add(session, company)
    moment = local(2026, 11, 9, 8, 0)
    assert len(claim_due(session, moment)) == 1
    assert claim_due(session, moment) == []  # the second worker finds next_run_at already moved on


def test_disabled_schedules_do_not_run(session, company, sessions, settings):
    row = add(session, company)
    row.enabled = False
    session.flush()
    assert run_due_once(sessions, settings, now=local(2026, 12, 1)) == []


def test_runs_left_running_by_a_dead_process_are_marked_failed(session, company):
    row = add(session, company)
    moment = local(2026, 11, 9, 8, 0)
    claim_due(session, moment)
    assert fail_interrupted_runs(session, moment + timedelta(minutes=5)) == 0  # may still be running elsewhere
    assert fail_interrupted_runs(session, moment + timedelta(hours=2)) == 1
    [run] = runs(session, row.id)
    assert run.status == "failed" and run.error.startswith("Interrupted")


# --- the scheduler inside the web app ---------------------------------------------------------------------

class FakeScheduler:
    started: list = []

    def __init__(self, sessions, settings, **kwargs):
        self.stopped = False

    def start(self):
        FakeScheduler.started.append(self)

    def stop(self, timeout=30.0):
        self.stopped = True


@pytest.mark.parametrize("mode, with_schedule, starts", [("off", True, False), ("auto", False, False),
                                                         ("auto", True, True), ("on", False, True)])
def test_scheduler_starts_as_the_setting_says(session, company, sessions, settings, monkeypatch, mode, with_schedule,
                                              starts):
    FakeScheduler.started = []
    monkeypatch.setattr(scheduler_module, "ReportScheduler", FakeScheduler)
    if with_schedule:
        add(session, company)
    running = start_scheduler(sessions, settings.model_copy(update={"scheduler": mode}))
    assert (running is not None) == starts and len(FakeScheduler.started) == int(starts)


def test_serve_starts_and_stops_the_scheduler_with_the_app(monkeypatch, sessions):
    from bots.server import create_app

    seen = []

    class Running:
        def stop(self):
            seen.append("stopped")

    def fake_start(sessions_, settings_):
        seen.append("started")
        return Running()

    monkeypatch.setattr(scheduler_module, "start_scheduler", fake_start)
    quiet = create_app(sessions=sessions)
    with TestClient(quiet):
        pass
    assert seen == []  # apps built for tests never start it
    serving = create_app(sessions=sessions, scheduler=True)
    with TestClient(serving):
        assert seen == ["started"]
    assert seen == ["started", "stopped"]


def test_the_scheduler_thread_runs_due_schedules(tmp_path, settings):
    """A real thread on a database of its own (a shared test connection can't be used from two threads)."""
    from backend.db import make_engine, migrate, session_factory
    from bots.scheduler import ReportScheduler

    engine = make_engine(f"sqlite:///{tmp_path / 'scheduler.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        make_company(session)
        person = make_employee(session, role="finance", code="FIN")
        make_product(session, sku="TONER-X", name="Toner X", stock=1, reorder_level=5)
        schedule = add_schedule(session, report="restock", cron="* * * * *", destination="file:out", run_as=person,
                                now=datetime.now(timezone.utc) - timedelta(hours=1), fmt="md")
        session.commit()
        schedule_id = schedule.id
    worker = ReportScheduler(sessions, settings.model_copy(update={"scheduler_poll_seconds": 0.05}))
    worker.start()
    try:
        for _ in range(600):
            with sessions() as session:
                done = session.execute(select(ReportRun).where(ReportRun.schedule_id == schedule_id,
                                                               ReportRun.status != "running")).scalars().all()
            if done:
                break
            worker._stop.wait(0.1)
    finally:
        worker.stop()
    engine.dispose()
    assert [run.status for run in done] == ["ok"] and done[0].missed >= 59  # an hour of minutes, run once
