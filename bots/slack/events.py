"""Events API deliveries handled once: Slack retries an event (X-Slack-Retry-Num) with the same event id, and
only the first worker to record that id answers it — so a retry never runs a turn, or a write preview, twice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import SlackEvent

# Slack gives up retrying after about five minutes; a day of ids is plenty and keeps the table small.
KEEP_FOR = timedelta(days=1)


def claim_event(session: Session, event_id: str, *, now: datetime | None = None) -> bool:
    """True for the first claim of `event_id`, False for a retry or duplicate. Commit right after claiming:
    a concurrent claim of the same id waits on this row until then."""
    now = now or datetime.now(timezone.utc)
    session.execute(delete(SlackEvent).where(SlackEvent.received_at < now - KEEP_FOR))
    try:
        with session.begin_nested():
            session.add(SlackEvent(event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True
