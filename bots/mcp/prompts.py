"""Prompts a person picks in their AI client ("prepare me for a meeting with ..."). The texts are files in prompts/;
a prompt is offered only to roles that may use the tools it relies on."""
from __future__ import annotations

from dataclasses import dataclass
from string import Template
from typing import Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

import prompts
from backend.errors import Ambiguous, TandemError
from backend.roles import SALES_SIDE, allowed
from backend.tools import registry
from bots.mcp.resources import brief_markdown


@dataclass(frozen=True)
class PromptSpec:
    name: str
    title: str
    description: str
    text: str  # the file in prompts/
    needs: tuple[str, ...]  # tools the role must be allowed to call
    arguments: tuple[types.PromptArgument, ...] = ()
    roles: frozenset[str] | None = None  # narrower than the tools allow (None: whoever may call them)

    def offered_to(self, role: str) -> bool:
        return (self.roles is None or role in self.roles) and all(allowed(tool, role) for tool in self.needs)


PROMPTS: dict[str, PromptSpec] = {p.name: p for p in (
    PromptSpec("prepare_meeting", "Prepare me for a meeting",
               "Before meeting a customer: where the account stands, what changed, what to raise, what to avoid.",
               "mcp_prepare_meeting", ("customer_overview",),
               (types.PromptArgument(name="customer", required=True, description="Customer code or name"),)),
    PromptSpec("chase_overdue", "Who should I chase for payment?",
               "Overdue customers, most urgent first, with what to say to the top five.",
               "mcp_chase_overdue", ("run_report", "check_credit")),
    PromptSpec("pipeline_review", "Review my pipeline",
               "What is likely to close, what is stuck, and what to do first.",
               "mcp_pipeline_review", ("query_data", "customer_overview"),
               (types.PromptArgument(name="period", required=False,
                                     description="Expected close period, e.g. this-quarter, 2026-Q4 (default: all open)"),),
               roles=SALES_SIDE),
)}


def offered(role: str) -> list[types.Prompt]:
    return [types.Prompt(name=p.name, title=p.title, description=p.description, arguments=list(p.arguments) or None)
            for p in PROMPTS.values() if p.offered_to(role)]


async def render(run, role: str, name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
    """`run(work)` runs `work(ctx)` as the caller; the meeting prompt attaches the customer's brief (an audited read)."""
    spec = PROMPTS.get(name)
    if spec is None or not spec.offered_to(role):
        raise MCPError(code=types.INVALID_PARAMS, message=f"Tandem has no prompt called {name!r} for your role.")
    arguments = arguments or {}
    missing = [a.name for a in spec.arguments if a.required and not (arguments.get(a.name) or "").strip()]
    if missing:
        raise MCPError(code=types.INVALID_PARAMS, message=f"The prompt {name!r} needs: {', '.join(missing)}.")
    values: dict[str, Any] = {key: (arguments.get(key) or "").strip() for key in ("customer", "period")}
    values["period_clause"] = f" for {values['period']}" if values["period"] else ""
    text = Template(prompts.load(spec.text)).safe_substitute(values)
    messages = [types.PromptMessage(role="user", content=types.TextContent(text=text))]
    if spec.name == "prepare_meeting":
        messages.append(await _brief_message(run, values["customer"]))
    return types.GetPromptResult(description=spec.description, messages=messages)


async def _brief_message(run, customer: str) -> types.PromptMessage:
    try:
        overview = await run(lambda ctx: registry.invoke("customer_overview", ctx, {"customer": customer}))
    except Ambiguous as exc:
        names = ", ".join(f"{c.get('name')} ({c.get('code')})" for c in exc.candidates)
        note = f"Tandem found several customers matching “{customer}”: {names}. Ask me which one I mean."
        return types.PromptMessage(role="user", content=types.TextContent(text=note))
    except TandemError as exc:
        note = f"Tandem could not load the brief for “{customer}”: {exc.message}"
        return types.PromptMessage(role="user", content=types.TextContent(text=note))
    uri = f"tandem://customers/{overview.profile.code}"
    return types.PromptMessage(role="user", content=types.EmbeddedResource(resource=types.TextResourceContents(
        uri=uri, mime_type="text/markdown", text=brief_markdown(overview))))
