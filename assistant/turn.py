"""Per-turn state shared by the agent loop, the tools adapter and the brains: who asks, what was called."""
from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from backend.tools.context import ToolContext


@dataclass
class ToolCallRecord:
    name: str
    args: dict[str, Any]
    status: str  # ok | pending_confirmation | error
    result: dict[str, Any]


@dataclass
class TurnContext:
    """Injected into every tool call as LangChain's runtime context; never visible to the model."""

    tool_ctx: ToolContext
    conversation_id: str
    deadline: float = field(default_factory=lambda: time.monotonic() + 30.0)
    calls: list[ToolCallRecord] = field(default_factory=list)
    language: str = "en"
    notices: list[str] = field(default_factory=list)
    # One session serves the whole turn; tool calls and checkpoint writes from LangGraph's worker threads
    # take turns on it.
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def session(self):
        return self.tool_ctx.session

    @property
    def actor(self):
        return self.tool_ctx.actor

    def time_left(self) -> float:
        return self.deadline - time.monotonic()


# The offline planner reads the database (entity linking) through the turn being served.
current_turn: ContextVar[TurnContext | None] = ContextVar("tandem_current_turn", default=None)
