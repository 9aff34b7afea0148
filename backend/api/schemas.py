"""REST-only shapes: the error body, health, the tool catalogue and confirmation bodies.
Tool inputs and outputs are the tools' own models; nothing is redeclared here."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error the API returns has this shape (HTTP status from the error's kind)."""

    error: str = Field(description="Machine-readable kind: unauthenticated, permission_denied, not_found, ambiguous, "
                                   "validation_failed, business_rule, confirmation_refused, internal, ...")
    message: str = Field(description="What went wrong, safe to show to a person")
    hint: str | None = Field(None, description="What to do about it")
    details: dict[str, Any] | None = Field(
        None, description="Structured extras: `fields` (validation problems) or `candidates` (ambiguous names)")


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"


class ToolInfo(BaseModel):
    name: str
    description: str
    kind: Literal["read", "write"] = Field(description="write tools return a pending confirmation first")
    path: str = Field(description="Where to POST the input")
    input_schema: dict[str, Any] = Field(description="JSON Schema of the request body")
    output_schema: dict[str, Any] = Field(description="JSON Schema of the result (for writes: after confirmation)")


class ToolList(BaseModel):
    role: str = Field(description="The caller's role; only the tools it may call are listed")
    tools: list[ToolInfo]


class PendingConfirmationOut(BaseModel):
    """A write's preview, waiting for POST /api/confirmations/{confirmation_id}."""

    status: Literal["pending_confirmation"] = "pending_confirmation"
    confirmation_id: str
    tool: str
    summary: str = Field(description="One line describing what confirming will do")
    expires_at: datetime
    preview: dict[str, Any] = Field(description="The tool's result as it would be; nothing is written yet")


class ConfirmBody(BaseModel):
    arguments: dict[str, Any] | None = Field(
        None, description="The arguments you believe you are confirming; refused (409) if they differ from the preview's")


class ConfirmationState(BaseModel):
    confirmation_id: str
    status: Literal["pending", "executed", "cancelled", "failed"] = Field(
        description="After DELETE: 'cancelled', or the state it already had if it could no longer be cancelled")
