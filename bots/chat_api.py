"""POST /api/chat: one assistant turn over HTTP, answered as server-sent events (tool progress, answer
tokens, a confirmation request, then the final JSON — the same object `tandem ask --json` prints)."""
from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from datetime import datetime
from typing import Annotated, Any, Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.api.app import error_responses
from backend.api.auth import CurrentEmployee, SessionDep, current_time, get_sessionmaker
from backend.db import database_unavailable
from backend.errors import DatabaseUnavailable, TandemError
from backend.models import Conversation, Employee

log = logging.getLogger("tandem.chat")
router = APIRouter(tags=["assistant"])
_DONE = object()
INTERNAL = {"error": "internal", "message": "Something went wrong on our side; it has been logged."}
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}},
          "description": "Events: tool_start, tool_result, token, confirmation, final, error (an `error` event carries "
                         "the error body; `unavailable` when the database went away during the turn)"}}


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000, description="What the employee asks, in English or Vietnamese")
    conversation: str | None = Field(None, max_length=100,
                                     description="Conversation id to continue (memory of earlier turns); omit to start one")


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def take_turn(session: Session, employee_id: int, now: datetime) -> None:
    """Count the turn against the employee's limit before anything streams (429 with Retry-After past it)."""
    from backend import limits
    from backend.settings import get_settings

    settings = get_settings()
    limits.take_turn(limits.counters(session, settings), settings, employee_id=employee_id, now=now)


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    except Exception:  # noqa: BLE001 - a connection that is gone has nothing left to roll back
        log.debug("rollback after a lost connection failed", exc_info=True)


def run_turn_events(sessions, employee_id: int, message: str, conversation: str | None, channel: str) -> Iterator[str]:
    """Runs the turn in a worker thread (one transaction) and yields its events as they happen.

    A turn that fails leaves no new conversation behind (a list of questions without answers helps nobody), and
    a database that goes away ends the turn with an `unavailable` error event: no model is asked without it."""
    from assistant.agent import Assistant

    events: queue.Queue = queue.Queue()

    def work() -> None:
        session = sessions()
        thread = conversation or str(uuid.uuid4())
        new = conversation is None
        try:
            actor = session.get(Employee, employee_id)
            new = new or session.get(Conversation, thread) is None
            result = Assistant().ask(session, actor, message, channel=channel, conversation_id=thread,
                                     on_event=lambda kind, data: events.put((kind, data)))
            session.commit()
            if result.confirmation:
                events.put(("confirmation", result.confirmation))
            events.put(("final", result.to_json()))
        except Exception as exc:
            if database_unavailable(exc):
                _rollback(session)
                log.warning("chat turn: database unreachable: %s", exc)
                events.put(("error", DatabaseUnavailable().to_dict()))
            elif isinstance(exc, TandemError):
                # The tool's own work is already rolled back; keep the audit rows.
                if new:
                    from assistant.memory import forget_conversation

                    forget_conversation(session, thread)
                session.commit()
                events.put(("error", exc.to_dict()))
            else:
                _rollback(session)
                log.exception("chat turn failed")
                events.put(("error", INTERNAL))
        finally:
            session.close()
            events.put(_DONE)

    threading.Thread(target=work, name="tandem-chat-turn", daemon=True).start()
    while True:
        item = events.get()
        if item is _DONE:
            return
        kind, data = item
        yield sse(kind, data)


@router.post("/api/chat", summary="Ask the assistant (server-sent events)",
             responses={**STREAM_RESPONSES, **error_responses(400, 401, 422, 429, 500, 503)})
def chat(body: ChatRequest, request: Request, employee: CurrentEmployee, session: SessionDep,
         now: Annotated[datetime, Depends(current_time)]) -> StreamingResponse:
    """One turn as the signed-in employee. Writes stop at a preview: confirm with POST /api/confirmations/{id}
    or by sending "yes" as the next message of the same conversation. Turns per employee are limited
    (TANDEM_TURNS_PER_MINUTE): past it, 429 with Retry-After."""
    take_turn(session, employee.id, now)
    return StreamingResponse(run_turn_events(get_sessionmaker(request), employee.id, body.message, body.conversation, "api"),
                             media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
