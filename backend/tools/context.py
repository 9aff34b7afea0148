"""ToolContext: everything a tool may know about the call — session, the acting employee, channel, clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from backend.ledger import company
from backend.models import Company, Employee
from backend.settings import Settings, get_settings

CHANNELS = ("api", "cli", "web", "slack", "assistant", "scheduler", "mcp", "test")


@dataclass
class ToolContext:
    """Identity and role come from the channel's authentication, never from tool arguments."""

    session: Session
    actor: Employee
    channel: str = "api"
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    settings: Settings = field(default_factory=get_settings)
    idempotency_key: str | None = None
    # The program on the channel, when it names itself (an MCP client: "claude-ai 0.1"); recorded in the audit.
    client: str | None = None
    # A read-only credential (an API token without write access): the guard refuses every write tool.
    read_only: bool = False
    # REST callers: input is read as strict JSON, exactly as the OpenAPI document describes it.
    strict_input: bool = False
    # Set by the guard while a write runs as a preview (its work is rolled back afterwards).
    previewing: bool = False

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if self.now.tzinfo is None:
            raise ValueError("ToolContext.now must be timezone-aware")

    @property
    def role(self) -> str:
        return self.actor.role

    @cached_property
    def company(self) -> Company:
        return company(self.session)

    @property
    def base_currency(self) -> str:
        return self.company.base_currency

    @property
    def today(self) -> date:
        """Today in the company's time zone (a Hanoi morning is still 'yesterday' in UTC)."""
        try:
            return self.now.astimezone(ZoneInfo(self.company.timezone)).date()
        except Exception:
            return self.now.date()

    @property
    def sees_costs(self) -> bool:
        from backend.roles import COST_VIEWERS

        return self.role in COST_VIEWERS
