"""The agent loop: LangChain's create_agent over the caller's tools, one brain, memory per conversation.

One call to `Assistant.ask` is one turn and runs inside the caller's transaction (the surface commits).
"""
from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy.orm import Session

from assistant.turn import TurnContext, current_turn
from backend.errors import TandemError
from backend.models import Employee
from backend.settings import Settings, get_settings
from backend.tools.context import ToolContext

MAX_STEPS = 6
TURN_SECONDS = 30.0
CONFIRM_WORDS = re.compile(
    r"^\s*(yes|y|yep|yeah|ok|okay|sure|confirm(ed)?|go ahead|do it|please do|proceed|dong y|đồng ý|xac nhan|xác nhận|"
    r"co|có|ok luon|được|duoc)\s*[.!]*\s*$", re.IGNORECASE)
CANCEL_WORDS = re.compile(r"^\s*(no|nope|cancel|stop|don'?t|khong|không|huy|hủy|thoi|thôi)\s*[.!]*\s*$", re.IGNORECASE)


@dataclass
class TurnResult:
    answer: str
    tool_calls: list[dict[str, Any]]
    confirmation: dict[str, Any] | None
    citations: list[dict[str, Any]]
    brain: str
    conversation: str
    elapsed_ms: int
    notices: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("notices")
        return body


def _citations(calls) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for record in calls:
        if record.name == "search_docs" and record.status == "ok":
            for hit in record.result.get("results", []):
                found.append({"source": hit.get("source"), "section": hit.get("section"), "quote": hit.get("quote")})
    return found


def _pending_from(calls) -> dict[str, Any] | None:
    for record in reversed(calls):
        if record.status == "pending_confirmation":
            return {"id": record.result["confirmation_id"], "summary": record.result["summary"],
                    "expires_at": record.result.get("expires_at"), "tool": record.name}
    return None


class Assistant:
    """Builds the agent for a caller and runs turns. The brain is chosen from settings unless given."""

    def __init__(self, *, settings: Settings | None = None, brain_factory: Callable[[], Any] | None = None,
                 checkpointer_factory: Callable[[Session], Any] | None = None):
        self.settings = settings or get_settings()
        self._brain_factory = brain_factory
        self._checkpointer_factory = checkpointer_factory

    def _brain(self):
        if self._brain_factory:
            return self._brain_factory()
        from assistant.brains import choose_brain

        return choose_brain(self.settings)

    def _checkpointer(self, session: Session, turn: TurnContext):
        if self._checkpointer_factory:
            return self._checkpointer_factory(session)
        from assistant.memory import SqlCheckpointer

        return SqlCheckpointer.for_session(session, turn.lock)

    def _system_prompt(self, ctx: ToolContext) -> str:
        from prompts import load

        return load("system").format(company=ctx.company.name, user_name=ctx.actor.name, user_role=ctx.role,
                                     today=ctx.today.isoformat(), timezone=ctx.company.timezone)

    def ask(self, session: Session, actor: Employee, message: str, *, channel: str = "cli",
            conversation_id: str | None = None, confirm: bool = False, now: datetime | None = None,
            on_event: Callable[[str, dict[str, Any]], None] | None = None) -> TurnResult:
        started = time.perf_counter()
        conversation_id = conversation_id or str(uuid.uuid4())
        ctx = ToolContext(session=session, actor=actor, channel=channel,
                          now=now or datetime.now(timezone.utc), settings=self.settings)
        turn = TurnContext(tool_ctx=ctx, conversation_id=conversation_id, deadline=time.monotonic() + TURN_SECONDS)
        self._claim_conversation(session, conversation_id, actor, channel, message)
        checkpointer = self._checkpointer(session, turn)
        brain = self._brain()
        brain_name = getattr(brain, "brain_name", "offline")

        from langchain.agents import create_agent
        from langchain_core.messages import AIMessage, HumanMessage

        from assistant.toolkit import tools_for

        agent = create_agent(brain, tools_for(ctx.role), system_prompt=self._system_prompt(ctx),
                             context_schema=TurnContext, checkpointer=checkpointer)
        config = {"configurable": {"thread_id": conversation_id}, "recursion_limit": 2 * MAX_STEPS + 1}
        reply = self._confirmation_reply(message, ctx, checkpointer, conversation_id)
        if reply is not None:
            answer, calls = reply
            # Record the exchange so the next turn sees it and the same preview is not confirmed twice.
            agent.update_state(config, {"messages": [HumanMessage(message),
                                                     AIMessage(answer, additional_kwargs={"tandem_resolved": True})]})
            return TurnResult(answer=answer, tool_calls=calls, confirmation=None, citations=[], brain=brain_name,
                              conversation=conversation_id, elapsed_ms=int((time.perf_counter() - started) * 1000))
        from langgraph.errors import GraphRecursionError

        token = current_turn.set(turn)
        try:
            answer = self._run(agent, HumanMessage(message), config, turn, on_event)
        except GraphRecursionError:
            answer = (f"I stopped after {MAX_STEPS} steps without a final answer. Here is what I looked up: "
                      + ", ".join(sorted({c.name for c in turn.calls})) + ". Try asking more narrowly.")
        finally:
            current_turn.reset(token)
        answer, brain_name = self._postprocess(answer, turn, brain, brain_name, user_text=message)
        confirmation = _pending_from(turn.calls)
        if confirm and confirmation:
            answer, confirmation = self._confirm_now(ctx, turn, confirmation, answer)
        return TurnResult(answer=answer, tool_calls=[asdict(c) for c in turn.calls], confirmation=confirmation,
                          citations=_citations(turn.calls), brain=brain_name, conversation=conversation_id,
                          elapsed_ms=int((time.perf_counter() - started) * 1000), notices=turn.notices)

    def _run(self, agent, message, config, turn: TurnContext, on_event) -> str:
        from langchain_core.messages import AIMessage, AIMessageChunk

        final = ""
        if on_event is None:
            state = agent.invoke({"messages": [message]}, config=config, context=turn)
            for msg in reversed(state["messages"]):
                if isinstance(msg, AIMessage) and not msg.tool_calls:
                    return str(msg.content)
            return final
        seen_calls = 0
        for chunk, meta in agent.stream({"messages": [message]}, config=config, context=turn, stream_mode="messages"):
            if len(turn.calls) > seen_calls:
                for record in turn.calls[seen_calls:]:
                    on_event("tool_result", {"name": record.name, "status": record.status})
                seen_calls = len(turn.calls)
            if isinstance(chunk, (AIMessage, AIMessageChunk)):
                for call in getattr(chunk, "tool_calls", None) or []:
                    if call.get("name"):
                        on_event("tool_start", {"name": call["name"], "args": call.get("args", {})})
                if chunk.content and not getattr(chunk, "tool_call_chunks", None) and not getattr(chunk, "tool_calls", None):
                    on_event("token", {"text": str(chunk.content)})
                    final += str(chunk.content)
        state = agent.get_state(config).values
        for msg in reversed(state.get("messages", [])):
            if isinstance(msg, AIMessage) and not msg.tool_calls:
                return str(msg.content)
        return final

    def _postprocess(self, answer: str, turn: TurnContext, brain, brain_name: str,
                     user_text: str | None = None) -> tuple[str, str]:
        notices = getattr(brain, "notices", [])
        turn.notices.extend(notices)
        if getattr(brain, "fell_back", False):
            brain_name = "offline"
        if getattr(brain, "checks_grounding", False):
            from assistant.grounding import flag_unsupported

            # Figures the user gave ("another 50k") may be repeated back; only invented ones are flagged.
            answer = flag_unsupported(answer, [c.result for c in turn.calls], user_text=user_text)
        if turn.notices:
            answer = answer + "\n\n" + "\n".join(f"_{n}_" for n in turn.notices)
        return answer, brain_name

    def _confirm_now(self, ctx: ToolContext, turn: TurnContext, confirmation: dict[str, Any], answer: str):
        from assistant.confirmations import describe_executed
        from backend.tools.registry import confirm as confirm_write
        from assistant.toolkit import _jsonable
        from assistant.turn import ToolCallRecord

        try:
            result = confirm_write(ctx, confirmation["id"])
        except TandemError as exc:
            turn.calls.append(ToolCallRecord(f"confirm:{confirmation['tool']}", {"id": confirmation["id"]}, "error", exc.to_dict()))
            return f"{answer}\n\nCould not confirm: {exc.message}", confirmation
        data = _jsonable(result)
        turn.calls.append(ToolCallRecord(f"confirm:{confirmation['tool']}", {"id": confirmation["id"]}, "ok", data))
        return describe_executed(confirmation["tool"], data, turn.language), None

    def _confirmation_reply(self, message: str, ctx: ToolContext, checkpointer, conversation_id: str):
        """A bare 'yes' / 'cancel' after a preview acts on that preview directly — the model never confirms."""
        is_yes, is_no = bool(CONFIRM_WORDS.match(message)), bool(CANCEL_WORDS.match(message))
        if not (is_yes or is_no):
            return None
        pending = self._last_pending(checkpointer, conversation_id)
        if pending is None:
            return None
        from assistant.confirmations import describe_cancelled, describe_executed, language_of
        from assistant.toolkit import _jsonable
        from backend.tools.registry import cancel, confirm as confirm_write

        language = language_of(message)
        if is_no:
            cancel(ctx, pending["id"])
            text = describe_cancelled(language)
            return text, [{"name": f"cancel:{pending['tool']}", "args": {"id": pending["id"]}, "status": "ok", "result": {}}]
        try:
            result = confirm_write(ctx, pending["id"])
        except TandemError as exc:
            return exc.message + (f" {exc.hint}" if exc.hint else ""), [
                {"name": f"confirm:{pending['tool']}", "args": {"id": pending["id"]}, "status": "error", "result": exc.to_dict()}]
        data = _jsonable(result)
        return describe_executed(pending["tool"], data, language), [
            {"name": f"confirm:{pending['tool']}", "args": {"id": pending["id"]}, "status": "ok", "result": data}]

    def _last_pending(self, checkpointer, conversation_id: str) -> dict[str, Any] | None:
        from langchain_core.messages import AIMessage, ToolMessage

        snapshot = checkpointer.get_tuple({"configurable": {"thread_id": conversation_id, "checkpoint_ns": ""}})
        if snapshot is None:
            return None
        messages = snapshot.checkpoint.get("channel_values", {}).get("messages", [])
        for msg in reversed(messages):
            if isinstance(msg, AIMessage) and not msg.tool_calls and msg.additional_kwargs.get("tandem_resolved"):
                return None
            if isinstance(msg, ToolMessage):
                try:
                    body = json.loads(msg.content)
                except (TypeError, ValueError):
                    continue
                if body.get("status") == "pending_confirmation":
                    result = body["result"]
                    return {"id": result["confirmation_id"], "tool": result["tool"], "summary": result["summary"]}
            if hasattr(msg, "type") and msg.type == "human":
                continue
        return None

    def _claim_conversation(self, session: Session, conversation_id: str, actor: Employee, channel: str, message: str) -> None:
        from assistant.memory import ensure_conversation

        ensure_conversation(session, conversation_id, actor, channel, title=message[:80])
