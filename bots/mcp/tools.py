"""The registry's tools as MCP tools: the same input schemas and descriptions, an output schema for the structured
result, and annotations saying what a call does to the books. Results and errors are shaped here, once."""
from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import mcp_types as types
from pydantic import BaseModel, Field

from backend.errors import TandemError
from backend.tools.registry import PendingConfirmation, ToolSpec
from backend.tools.schema import ToolModel

O = TypeVar("O", bound=BaseModel)

# What a write does besides adding records: (destructive, idempotent). Creating a quote, ticket or interaction only
# adds; approving or converting a quote changes it, and doing so twice changes nothing more. A write tool missing
# here gets the protocol's cautious defaults (may be destructive, not idempotent).
WRITE_EFFECTS: dict[str, tuple[bool, bool]] = {
    "create_quote": (False, False),
    "create_ticket": (False, False),
    "log_interaction": (False, False),
    "approve_quote": (True, True),
    "convert_quote_to_order": (True, True),
}


class WriteOutcome(ToolModel, Generic[O]):
    """What a write tool answers over MCP: carried out, waiting for the person, or declined by them."""

    status: Literal["done", "pending_confirmation", "declined"] = Field(description=(
        "done: the person accepted and it was written; pending_confirmation: nothing written yet, the person "
        "confirms it in Tandem; declined: the person said no and nothing was written"))
    tool: str
    confirmation_id: str = Field(description="The preview's id in Tandem")
    summary: str = Field(description="One line describing the write")
    message: str = Field(description="What happened, to tell the person")
    expires_at: datetime | None = Field(None, description="Until when the preview can be confirmed (pending only)")
    preview: O | None = Field(None, description="What confirming writes (pending_confirmation or declined)")
    result: O | None = Field(None, description="What was written (done)")


def title_of(spec: ToolSpec) -> str:
    return spec.name.replace("_", " ").capitalize()


@functools.lru_cache(maxsize=256)
def outcome_model(spec: ToolSpec) -> type[WriteOutcome]:
    return WriteOutcome[spec.output_model]  # type: ignore[name-defined]


@functools.lru_cache(maxsize=256)
def _tool(spec: ToolSpec) -> types.Tool:
    if spec.kind == "read":
        annotations = types.ToolAnnotations(title=title_of(spec), read_only_hint=True, destructive_hint=False,
                                            idempotent_hint=True, open_world_hint=False)
        output = spec.output_model.model_json_schema(mode="serialization")
    else:
        destructive, idempotent = WRITE_EFFECTS.get(spec.name, (True, False))
        annotations = types.ToolAnnotations(title=title_of(spec), read_only_hint=False, destructive_hint=destructive,
                                            idempotent_hint=idempotent, open_world_hint=False)
        output = outcome_model(spec).model_json_schema(mode="serialization")
    return types.Tool(name=spec.name, title=title_of(spec), description=spec.description,
                      input_schema=spec.json_schema(), output_schema=output, annotations=annotations)


def mcp_tool(spec: ToolSpec) -> types.Tool:
    """Built once per tool; a copy per listing, so nothing downstream can edit the cached schemas."""
    return _tool(spec).model_copy(deep=True)


def prepare() -> None:
    """Import the tool modules and build every definition now, at start-up, rather than in the first request."""
    from backend.tools import registry

    registry.load_tools()
    for spec in registry.REGISTRY.values():
        _tool(spec)


def input_schema(spec: ToolSpec) -> dict[str, Any]:
    return _tool(spec).input_schema


def _jsonable(model: BaseModel) -> dict[str, Any]:
    # Through JSON so money stays exact: pydantic writes Decimals as strings, as the output schema says.
    return json.loads(model.model_dump_json())


def read_result(result: BaseModel) -> types.CallToolResult:
    data = _jsonable(result)
    return types.CallToolResult(content=[types.TextContent(text=json.dumps(data, ensure_ascii=False))],
                                structured_content=data)


def write_result(outcome: WriteOutcome) -> types.CallToolResult:
    data = _jsonable(outcome)
    text = f"{outcome.message}\n\n{json.dumps(data, ensure_ascii=False)}"
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=data)


def error_result(exc: TandemError) -> types.CallToolResult:
    """A refusal the model can act on (is_error): the message and hint, never a trace."""
    body = exc.to_dict()
    text = exc.message + (f" {exc.hint}" if exc.hint else "")
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=body, is_error=True)


def pending_outcome(spec: ToolSpec, pending: PendingConfirmation, *, why: str) -> WriteOutcome:
    cid = pending.confirmation_id
    return outcome_model(spec)(
        status="pending_confirmation", tool=spec.name, confirmation_id=cid, summary=pending.summary,
        expires_at=pending.expires_at, preview=pending.preview,
        message=(f"Nothing was written: {why} To carry it out, the person confirms it in Tandem as themselves "
                 f"(POST /api/confirmations/{cid}) before {pending.expires_at:%H:%M} UTC; it cannot be confirmed "
                 "from here."))
