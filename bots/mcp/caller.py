"""Who calls over MCP, and running their tool calls: one transaction per call, in a worker thread, as that employee.
Kept apart from the SDK so the HTTP endpoint can authenticate before the SDK is even loaded."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import anyio
from sqlalchemy.orm import Session

from backend.errors import PermissionDenied
from backend.models import Employee
from backend.settings import Settings
from backend.tools.context import ToolContext

T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """The employee behind a request, as the channel authenticated them."""

    employee_id: int
    name: str
    role: str
    can_write: bool


@dataclass(frozen=True)
class Binding:
    """Who calls and where their data lives, for one request."""

    caller: Caller
    sessions: Callable[[], Session]
    now: Callable[[], datetime]
    settings: Settings

    async def run(self, work: Callable[[ToolContext], T], *, client: str | None) -> T:
        """`work(ctx)` in a worker thread, in one transaction, as the caller (tools are synchronous SQLAlchemy)."""
        return await anyio.to_thread.run_sync(self._transaction, work, client)

    def _transaction(self, work: Callable[[ToolContext], T], client: str | None) -> T:
        from backend.db import request_transaction

        # Like the REST API's request: a refusal keeps its audit row, anything unexpected rolls everything back.
        with request_transaction(self.sessions) as session:
            actor = session.get(Employee, self.caller.employee_id)
            if actor is None:
                raise PermissionDenied("The account this connection acts as no longer exists.")
            ctx = ToolContext(session=session, actor=actor, channel="mcp", now=self.now(), settings=self.settings,
                              client=client, read_only=not self.caller.can_write)
            return work(ctx)
