"""Throttles: failed web sign-ins per account and per client address (growing delays, then a lock an admin can
lift) and assistant turns per employee. The counters are kept where every worker process sees the same ones —
the database (`rate_counters`), or Redis when TANDEM_REDIS_URL is set — so the limits hold across workers."""
from __future__ import annotations

import functools
import importlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, delete, literal, select
from sqlalchemy.orm import Session

from backend.errors import DatabaseUnavailable, RateLimited
from backend.models import RateCounter
from backend.models.base import UTCDateTime
from backend.settings import Settings, SignInLimits
from backend.text import fold

_EMAIL_LENGTH = 254
TURN_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Count:
    """One counter as read: hits in its current window, and the block in force, if any."""

    hits: int
    window_start: datetime
    blocked_until: datetime | None = None
    locked: bool = False

    def blocked_for(self, now: datetime) -> int:
        """Seconds the block still lasts (0: not blocked)."""
        if self.blocked_until is None or self.blocked_until <= now:
            return 0
        return max(1, math.ceil((self.blocked_until - now).total_seconds()))


class Counters(Protocol):
    def read(self, key: str, now: datetime) -> Count | None: ...

    def hit(self, key: str, now: datetime, window: timedelta) -> Count: ...

    def block(self, key: str, now: datetime, until: datetime, *, locked: bool = False) -> None: ...

    def clear(self, key: str) -> int: ...


class DatabaseCounters:
    """Counters as rows, changed in the caller's transaction: one atomic upsert per hit, so concurrent workers
    never lose a count (PostgreSQL's ON CONFLICT; SQLite serialises writers anyway)."""

    def __init__(self, session: Session):
        self.session = session
        dialect = session.get_bind().dialect.name
        module = "sqlalchemy.dialects.postgresql" if dialect == "postgresql" else "sqlalchemy.dialects.sqlite"
        self._insert = importlib.import_module(module).insert

    def read(self, key: str, now: datetime) -> Count | None:
        row = self.session.execute(select(RateCounter.hits, RateCounter.window_start, RateCounter.blocked_until,
                                          RateCounter.locked).where(RateCounter.key == key)).one_or_none()
        return Count(*row) if row else None

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        table = RateCounter.__table__
        stale = table.c.window_start <= now - window
        stmt = self._insert(table).values(key=key, hits=1, window_start=now, locked=False)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
            "hits": case((stale, 1), else_=table.c.hits + 1),
            "window_start": case((stale, literal(now, UTCDateTime())), else_=table.c.window_start),
        }).returning(table.c.hits, table.c.window_start, table.c.blocked_until, table.c.locked)
        return Count(*self.session.execute(stmt).one())

    def block(self, key: str, now: datetime, until: datetime, *, locked: bool = False) -> None:
        row = self.session.get(RateCounter, key)
        if row is None:
            row = RateCounter(key=key, hits=0, window_start=now)
            self.session.add(row)
        row.blocked_until, row.locked = until, locked
        self.session.flush()

    def clear(self, key: str) -> int:
        return self.session.execute(delete(RateCounter).where(RateCounter.key == key)
                                    .execution_options(synchronize_session=False)).rowcount


class RedisCounters:
    """The same counters in Redis: a window is a key that expires, a block a key that expires when it ends."""

    PREFIX = "tandem:rate:"

    def __init__(self, client: Any):
        self.redis = client

    def _run(self, build) -> list[Any]:
        from redis.exceptions import RedisError

        try:
            pipe = self.redis.pipeline()
            build(pipe)
            return pipe.execute()
        except RedisError as exc:
            raise DatabaseUnavailable("The rate-limit store (Redis) is unreachable right now; nothing was done.") from exc

    @staticmethod
    def _count(now: datetime, hits: Any, window_start: datetime, block: Any, block_ms: int) -> Count:
        blocked_until = now + timedelta(milliseconds=block_ms) if block is not None and block_ms > 0 else None
        return Count(hits=int(hits or 0), window_start=window_start, blocked_until=blocked_until,
                     locked=blocked_until is not None and block in (b"locked", "locked"))

    def read(self, key: str, now: datetime) -> Count | None:
        k = self.PREFIX + key
        hits, ttl, block, block_ms = self._run(lambda p: p.get(k + ":hits").ttl(k + ":hits").get(k + ":block")
                                               .pttl(k + ":block"))
        if hits is None and block is None:
            return None
        return self._count(now, hits, now, block, block_ms)

    def hit(self, key: str, now: datetime, window: timedelta) -> Count:
        k = self.PREFIX + key
        seconds = max(1, int(window.total_seconds()))
        _, hits, ttl, block, block_ms = self._run(
            lambda p: p.set(k + ":hits", 0, ex=seconds, nx=True).incr(k + ":hits").ttl(k + ":hits")
            .get(k + ":block").pttl(k + ":block"))
        # The window began when its key was created: it has `ttl` of its `seconds` left.
        return self._count(now, hits, now - timedelta(seconds=seconds - max(ttl, 0)), block, block_ms)

    def block(self, key: str, now: datetime, until: datetime, *, locked: bool = False) -> None:
        milliseconds = max(1, int((until - now).total_seconds() * 1000))
        self._run(lambda p: p.set(self.PREFIX + key + ":block", "locked" if locked else "delay", px=milliseconds))

    def clear(self, key: str) -> int:
        k = self.PREFIX + key
        return int(self._run(lambda p: p.delete(k + ":hits", k + ":block"))[0] > 0)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def counters(session: Session, settings: Settings) -> Counters:
    """Where this deployment keeps its counters: Redis when configured, else the database of `session`."""
    if settings.redis_url:
        return RedisCounters(_redis_client(settings.redis_url))
    return DatabaseCounters(session)


# --- sign-in ----------------------------------------------------------------------------------------------

def account_key(email: str) -> str:
    # The e-mail as typed (folded), whether or not an employee has it: unknown addresses are throttled and
    # locked exactly like real ones, so the answers never tell which accounts exist.
    return "signin:account:" + fold(email.strip())[:_EMAIL_LENGTH]


def address_key(address: str) -> str:
    return "signin:address:" + address[:64]


def delay_after(failures: int, free: int, longest: int) -> int:
    """Seconds a caller waits after `failures` failed attempts: none for the first `free`, then 1, 2, 4 … `longest`."""
    if failures <= free:
        return 0
    return min(2 ** min(failures - free - 1, 30), longest)


def check_sign_in(store: Counters, *, email: str | None, address: str | None, now: datetime) -> None:
    """RateLimited (429) while the account typed or the client address is delayed or locked; the password is not
    even checked then."""
    if email:
        count = store.read(account_key(email), now)
        wait = count.blocked_for(now) if count else 0
        if wait and count.locked:
            minutes = math.ceil(wait / 60)
            raise RateLimited("This account is locked after too many failed sign-ins.", retry_after=wait,
                              hint=f"It unlocks in {minutes} minute{'s' if minutes != 1 else ''}, or an admin "
                                   "unlocks it now with `tandem user unlock <e-mail>`.")
        if wait:
            raise RateLimited(f"Too many failed sign-ins for this e-mail; wait {wait} s before trying again.",
                              retry_after=wait, hint="Check the e-mail and password; an admin can set a new password "
                                                     "with `tandem user set-password`.")
    if address:
        count = store.read(address_key(address), now)
        wait = count.blocked_for(now) if count else 0
        if wait:
            raise RateLimited(f"Too many failed sign-ins from your address; wait {wait} s before trying again.",
                              retry_after=wait)


def record_failed_sign_in(store: Counters, limits: SignInLimits, *, email: str | None, address: str | None,
                          now: datetime) -> None:
    """Count a failure against the account and the address; the next attempt waits, or the account locks."""
    window = timedelta(minutes=limits.window_minutes)
    if email:
        key = account_key(email)
        count = store.hit(key, now, window)
        if count.hits >= limits.lock_after:
            store.block(key, now, now + timedelta(minutes=limits.lock_minutes), locked=True)
        elif wait := delay_after(count.hits, limits.free_attempts, limits.max_delay_seconds):
            store.block(key, now, now + timedelta(seconds=wait))
    if address:
        key = address_key(address)
        count = store.hit(key, now, window)
        if wait := delay_after(count.hits, limits.address_free_attempts, limits.max_delay_seconds):
            store.block(key, now, now + timedelta(seconds=wait))


def record_sign_in(store: Counters, *, email: str | None) -> None:
    """A successful sign-in forgets the account's failures (the address keeps its own)."""
    if email:
        store.clear(account_key(email))


def unlock(store: Counters, *, email: str | None = None, address: str | None = None) -> int:
    """Lift the delays and the lock of an account and/or a client address; returns how many counters were cleared."""
    keys = ([account_key(email)] if email else []) + ([address_key(address)] if address else [])
    return sum(store.clear(key) for key in keys)


# --- assistant turns --------------------------------------------------------------------------------------

def take_turn(store: Counters, settings: Settings, *, employee_id: int, now: datetime) -> None:
    """Count one assistant turn of the employee; RateLimited (429) past TANDEM_TURNS_PER_MINUTE."""
    limit = settings.turns_per_minute
    if limit <= 0:
        return
    count = store.hit(f"turns:{employee_id}", now, TURN_WINDOW)
    if count.hits > limit:
        wait = max(1, math.ceil((count.window_start + TURN_WINDOW - now).total_seconds()))
        raise RateLimited(f"That is more than {limit} questions in a minute; wait {wait} s and ask again.",
                          retry_after=wait, hint="The limit keeps a runaway client or script from monopolising the "
                                                 "assistant (TANDEM_TURNS_PER_MINUTE).")
