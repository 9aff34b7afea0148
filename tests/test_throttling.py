"""Sign-in throttling (per account and per client address: growing delays, a lock an admin lifts, the same answers
and the same time for unknown e-mails, every failure audited) and the assistant's turn limit per employee, with the
counters in the database or in Redis."""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

import fakeredis
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend import limits
from backend.api.auth import current_time, set_password
from backend.errors import RateLimited
from backend.models import AuditEntry
from backend.settings import Settings, get_settings
from backend.tools import audit
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee

PASSWORD = "correct horse battery"


@pytest.fixture
def agent(session):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    person = make_employee(session, role="support", email="anh@example.test")
    set_password(session, person, PASSWORD)
    return person


@pytest.fixture
def tight(monkeypatch):
    """Small limits, so a test reaches them in a few attempts."""
    for name, value in {"FREE_ATTEMPTS": "2", "ADDRESS_FREE_ATTEMPTS": "6", "LOCK_AFTER": "5", "LOCK_MINUTES": "30",
                        "MAX_DELAY_SECONDS": "60"}.items():
        monkeypatch.setenv(f"TANDEM_SIGNIN__{name}", value)
    get_settings.cache_clear()


def _sign_in(api, email="anh@example.test", password=PASSWORD):
    return api.post("/web/session", json={"email": email, "password": password})


def _from(api_app, address: str) -> TestClient:
    return TestClient(api_app, client=(address, 50000))


def _clock(api_app, now):
    api_app.dependency_overrides[current_time] = lambda: now


def _journey(api, api_app, now, email):
    """What an attacker sees guessing one e-mail's password: statuses, messages and Retry-After, step by step."""
    seen = []
    for step in range(7):
        _clock(api_app, now + timedelta(seconds=step * 100))  # far enough apart that each delay has passed
        response = _sign_in(api, email=email, password=f"guess {step}")
        seen.append((response.status_code, response.json()["message"], response.headers.get("Retry-After")))
    return seen


def test_failures_earn_growing_delays_then_a_lock(api, api_app, agent, tight, now):
    assert [_sign_in(api, password="wrong one").status_code for _ in range(2)] == [401, 401]
    third = _sign_in(api, password="wrong two")
    assert third.status_code == 401  # the third failure is counted and earns a delay of 1 s
    blocked = _sign_in(api)  # even the right password waits
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "1"
    assert blocked.json()["details"]["retry_after"] == 1
    _clock(api_app, now + timedelta(seconds=2))
    assert _sign_in(api, password="wrong three").status_code == 401
    assert _sign_in(api).headers["Retry-After"] == "2"  # doubled
    _clock(api_app, now + timedelta(seconds=5))
    assert _sign_in(api, password="wrong four").status_code == 401  # the fifth failure locks the account
    locked = _sign_in(api)
    assert locked.status_code == 429 and "locked" in locked.json()["message"]
    assert int(locked.headers["Retry-After"]) == 30 * 60
    _clock(api_app, now + timedelta(minutes=20))
    assert _sign_in(api).status_code == 429  # still locked


def test_an_admin_lifts_the_lock(api, api_app, session, agent, tight, now):
    for _ in range(5):
        _clock(api_app, now)
        _sign_in(api, password="nope nope")
        now += timedelta(minutes=2)
    _clock(api_app, now)
    assert _sign_in(api).status_code == 429
    assert limits.unlock(limits.counters(session, get_settings()), email="ANH@example.test ") == 1
    assert _sign_in(api).status_code == 200


def test_a_success_forgets_the_accounts_failures(api, api_app, agent, tight, now):
    _sign_in(api, password="nope nope")
    _sign_in(api, password="nope nope")
    assert _sign_in(api).status_code == 200
    assert [_sign_in(api, password="nope nope").status_code for _ in range(2)] == [401, 401]  # free attempts again


def test_an_unknown_email_is_answered_exactly_like_a_real_one(api, api_app, agent, tight, now):
    real = _journey(api, api_app, now, "anh@example.test")
    unknown = _journey(api, api_app, now + timedelta(days=1), "nobody@example.test")
    assert real == unknown
    assert [status for status, _, _ in real] == [401, 401, 401, 401, 401, 429, 429]


def test_one_address_guessing_many_accounts_is_slowed(api_app, agent, tight, now):
    guesser = _from(api_app, "203.0.113.7")
    statuses = [_sign_in(guesser, email=f"person{i}@example.test", password="x" * 8).status_code for i in range(8)]
    assert statuses[:7] == [401] * 7 and statuses[7] == 429  # 6 free, the 7th earns a delay
    assert _sign_in(guesser).status_code == 429
    # Someone at another address is not held up by it.
    assert _sign_in(_from(api_app, "198.51.100.2")).status_code == 200


def test_failed_and_throttled_sign_ins_are_audited(api, session, agent, tight):
    _sign_in(api, password="nope nope")
    _sign_in(api, email="nobody@example.test", password="nope nope")
    for _ in range(3):
        _sign_in(api, password="nope nope")
    session.expire_all()
    audit.write_pending(session)
    rows = session.execute(select(AuditEntry).where(AuditEntry.tool == "sign_in").order_by(AuditEntry.id)).scalars().all()
    assert [r.outcome for r in rows] == ["denied", "denied", "denied", "denied", "rejected"]
    assert rows[0].actor == "anh@example.test" and rows[1].actor == "anonymous"
    assert "nobody@example.test" in rows[1].arguments and "nope" not in rows[1].arguments  # never the password
    assert rows[0].channel == "web" and rows[-1].detail.startswith("Too many failed sign-ins")


def test_an_unknown_email_takes_as_long_as_a_wrong_password(api, agent, monkeypatch):
    monkeypatch.setenv("TANDEM_SIGNIN__FREE_ATTEMPTS", "1000")
    monkeypatch.setenv("TANDEM_SIGNIN__ADDRESS_FREE_ATTEMPTS", "1000")
    get_settings.cache_clear()
    timings = {"unknown": [], "wrong": []}
    _sign_in(api, email="warm-up@example.test", password="x" * 8)
    for _ in range(7):
        for kind, email in (("unknown", "nobody@example.test"), ("wrong", "anh@example.test")):
            started = time.perf_counter()
            assert _sign_in(api, email=email, password="not the password").status_code == 401
            timings[kind].append(time.perf_counter() - started)
    ratio = statistics.median(timings["unknown"]) / statistics.median(timings["wrong"])
    assert 0.7 < ratio < 1.4, timings  # the check costs one scrypt either way (~50 ms); it was 10x faster before


# --- assistant turns --------------------------------------------------------------------------------------

@pytest.fixture
def three_turns(monkeypatch):
    monkeypatch.setenv("TANDEM_TURNS_PER_MINUTE", "3")
    get_settings.cache_clear()


def test_assistant_turns_are_limited_per_employee(api, api_app, session, agent, three_turns, now):
    token = make_token(session, employee=agent, now=now)
    ask = lambda: api.post("/api/chat", json={"message": "find hoang long"}, headers=bearer(token))  # noqa: E731
    assert [ask().status_code for _ in range(3)] == [200, 200, 200]
    refused = ask()
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"] == "rate_limited"
    # Another employee is not held up; the web chat counts against the same limit.
    other = make_employee(session, role="support")
    assert api.post("/api/chat", json={"message": "find hoang long"},
                    headers=bearer(make_token(session, employee=other, now=now))).status_code == 200
    csrf = _sign_in(api).json()["csrf_token"]
    assert api.post("/web/chat", json={"message": "find hoang long"}, headers={"X-CSRF-Token": csrf}).status_code == 429
    _clock(api_app, now + timedelta(seconds=61))  # a new minute
    assert ask().status_code == 200


def test_no_turn_limit_when_set_to_zero(session, agent, now):
    settings = Settings(turns_per_minute=0)
    store = limits.counters(session, settings)
    for _ in range(100):
        limits.take_turn(store, settings, employee_id=agent.id, now=now)


# --- Redis ---------------------------------------------------------------------------------------------------

@pytest.fixture
def redis_store(monkeypatch):
    server = fakeredis.FakeServer()
    monkeypatch.setattr(limits, "_redis_client", lambda url: fakeredis.FakeRedis(server=server))
    return limits.counters(None, Settings(redis_url="redis://redis.invalid:6379/0"))  # type: ignore[arg-type]


def test_redis_holds_the_same_counters(redis_store, now):
    assert isinstance(redis_store, limits.RedisCounters)
    rules = Settings(signin={"free_attempts": 2, "lock_after": 4, "lock_minutes": 30}, turns_per_minute=2)
    for _ in range(3):
        limits.record_failed_sign_in(redis_store, rules.signin, email="Anh@example.test", address="10.1.2.3", now=now)
    with pytest.raises(RateLimited) as delayed:
        limits.check_sign_in(redis_store, email="anh@example.test", address=None, now=now)
    assert delayed.value.retry_after == 1
    limits.record_failed_sign_in(redis_store, rules.signin, email="anh@example.test", address=None, now=now)
    with pytest.raises(RateLimited) as locked:
        limits.check_sign_in(redis_store, email="anh@example.test", address=None, now=now)
    assert "locked" in locked.value.message and locked.value.retry_after > 29 * 60
    assert limits.unlock(redis_store, email="anh@example.test") == 1
    limits.check_sign_in(redis_store, email="anh@example.test", address="10.1.2.3", now=now)

    limits.take_turn(redis_store, rules, employee_id=7, now=now)
    limits.take_turn(redis_store, rules, employee_id=7, now=now)
    with pytest.raises(RateLimited) as turns:
        limits.take_turn(redis_store, rules, employee_id=7, now=now)
    assert 0 < turns.value.retry_after <= 60
    limits.take_turn(redis_store, rules, employee_id=8, now=now)
