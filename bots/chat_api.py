"""POST /api/chat: one assistant turn over HTTP, answered as server-sent events (tool progress, answer
tokens, a confirmation request, then the final JSON — the same object `tandem ask --json` prints)."""
from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Any, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from backend.api.app import error_responses
from backend.api.auth import CurrentEmployee, get_sessionmaker
from backend.errors import TandemError
from backend.models import Employee

log = logging.getLogger("tandem.chat")
router = APIRouter(tags=["assistant"])
_DONE = object()


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, max_length=4000, description="What the employee asks, in English or Vietnamese")
    conversation: str | None = Field(None, max_length=100,
                                     description="Conversation id to continue (memory of earlier turns); omit to start one")


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def run_turn_events(sessions, employee_id: int, message: str, conversation: str | None, channel: str) -> Iterator[str]:
    """Runs the turn in a worker thread (one transaction) and yields its events as they happen."""
    from assistant.agent import Assistant

    events: queue.Queue = queue.Queue()

    def work() -> None:
        session = sessions()
        try:
            actor = session.get(Employee, employee_id)
            result = Assistant().ask(session, actor, message, channel=channel, conversation_id=conversation,
                                     on_event=lambda kind, data: events.put((kind, data)))
            session.commit()
            if result.confirmation:
                events.put(("confirmation", result.confirmation))
            events.put(("final", result.to_json()))
        except TandemError as exc:
            session.commit()  # the tool's own work is already rolled back; keep the audit rows
            events.put(("error", exc.to_dict()))
        except Exception:
            session.rollback()
            log.exception("chat turn failed")
            events.put(("error", {"error": "internal", "message": "Something went wrong on our side; it has been logged."}))
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
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "Events: tool_start, tool_result, token, confirmation, final, error"},
                        **error_responses(401, 422)})
def chat(body: ChatRequest, request: Request, employee: CurrentEmployee) -> StreamingResponse:
    """One turn as the signed-in employee. Writes stop at a preview: confirm with POST /api/confirmations/{id}
    or by sending "yes" as the next message of the same conversation."""
    return StreamingResponse(run_turn_events(get_sessionmaker(request), employee.id, body.message, body.conversation, "api"),
                             media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
