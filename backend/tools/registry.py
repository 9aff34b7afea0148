"""The tool registry and the guard every call goes through: role check, preview/confirm for writes,
one audit row per call, and errors kept inside the TandemError hierarchy.

A tool is declared once with @register; REST, the agent, Slack and the CLI all call it through `invoke`
(or the decorated function itself, which carries the same guard).
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select, update

from backend.db import database_unavailable
from backend.errors import (ConfirmationError, DatabaseUnavailable, NotFound, PermissionDenied, TandemError, ToolFailed,
                            ValidationFailed)
from backend.models import Confirmation
from backend.tools import audit
from backend.tools.context import ToolContext
from backend.roles import roles_for, roles_needed_text
from backend.tools.schema import ToolModel

log = logging.getLogger("tandem.tools")
O = TypeVar("O", bound=BaseModel)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    roles: frozenset[str]
    kind: Literal["read", "write"]
    fn: Callable[[ToolContext, Any], BaseModel]
    summarize: Callable[[Any, BaseModel], str] | None = None

    def json_schema(self) -> dict:
        return self.input_model.model_json_schema()


REGISTRY: dict[str, ToolSpec] = {}


class PendingConfirmation(ToolModel, Generic[O]):
    """What a write returns before it is confirmed: the preview and the confirmation to act on."""

    status: Literal["pending_confirmation"] = "pending_confirmation"
    confirmation_id: str = Field(description="Pass to confirm() to carry the write out")
    tool: str
    summary: str = Field(description="One line describing what confirming will do")
    expires_at: datetime
    preview: O


def args_hash(tool: str, arguments: dict) -> str:
    return hashlib.sha256(f"{tool}\n{audit.canonical_json(arguments)}".encode()).hexdigest()


def _describe(exc: Exception) -> str:
    return exc.message if isinstance(exc, TandemError) else f"{type(exc).__name__}: internal error"


def _outcome(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return "denied"
    return "rejected" if isinstance(exc, TandemError) else "failed"


def _check_role(spec: ToolSpec, ctx: ToolContext) -> None:
    if not ctx.actor.active:
        raise PermissionDenied("Your account is deactivated.")
    if ctx.role not in spec.roles:
        raise PermissionDenied(
            f"'{spec.name}' needs the {roles_needed_text(spec.name)} role; you are signed in as {ctx.role}.",
            hint="Ask a colleague with that role, or an admin to change your role.")
    if spec.kind == "write" and ctx.read_only:
        raise PermissionDenied(f"This connection is read-only, and '{spec.name}' changes data.",
                               hint="An admin can issue a token with write access: "
                                    "`tandem token create --employee ... --write`.")


def _run_guarded(spec: ToolSpec, ctx: ToolContext, arguments: Any, *, audit_tool: str | None = None,
                 body: Callable[[], BaseModel]) -> BaseModel:
    """Runs `body` in a savepoint and audits the call whatever happens; the savepoint keeps failures atomic."""
    started = time.perf_counter()
    if isinstance(arguments, BaseModel):
        arguments = arguments.model_dump(mode="json")
    elif not isinstance(arguments, dict):
        arguments = {"input": str(arguments)}
    try:
        _check_role(spec, ctx)
        with ctx.session.begin_nested():
            result = body()
    except Exception as exc:
        if database_unavailable(exc):
            # Nothing ran and no audit row can be written; the surface answers 503 and the caller retries.
            if isinstance(exc, DatabaseUnavailable):
                raise
            raise DatabaseUnavailable() from exc
        if not isinstance(exc, TandemError):
            log.exception("tool %s failed", spec.name)
        audit.append(ctx.session, actor=ctx.actor, channel=ctx.channel, tool=audit_tool or spec.name,
                     arguments=arguments, outcome=_outcome(exc), detail=_describe(exc),
                     duration_ms=int((time.perf_counter() - started) * 1000), occurred_at=ctx.now, client=ctx.client)
        if isinstance(exc, TandemError):
            raise
        # Surfaces commit after a TandemError (keeping this audit row) and roll back after anything else.
        raise ToolFailed(f"Something went wrong on our side while running {spec.name}; nothing was changed and it "
                         "has been logged.", hint="Try again; if it keeps failing, tell an admin.") from exc
    outcome = "pending" if isinstance(result, PendingConfirmation) else "ok"
    audit.append(ctx.session, actor=ctx.actor, channel=ctx.channel, tool=audit_tool or spec.name, arguments=arguments,
                 outcome=outcome, detail=result.confirmation_id if isinstance(result, PendingConfirmation) else None,
                 duration_ms=int((time.perf_counter() - started) * 1000), occurred_at=ctx.now, client=ctx.client)
    return result


def _preview(spec: ToolSpec, ctx: ToolContext, params: BaseModel) -> PendingConfirmation:
    arguments = params.model_dump(mode="json")
    digest = args_hash(spec.name, arguments)
    session = ctx.session
    if ctx.idempotency_key:
        existing = session.execute(select(Confirmation).where(
            Confirmation.actor_id == ctx.actor.id, Confirmation.idempotency_key == ctx.idempotency_key)).scalar_one_or_none()
        if existing is not None:
            if existing.args_hash != digest:
                raise ConfirmationError("This idempotency key was already used for a different request.",
                                        hint="Use a new idempotency key for a new request.")
            preview = spec.output_model.model_validate_json(existing.result) if existing.result else None
            if preview is not None:
                return PendingConfirmation[spec.output_model](
                    confirmation_id=existing.id, tool=spec.name, summary=existing.summary,
                    expires_at=existing.expires_at, preview=preview)
    ctx.previewing = True
    savepoint = session.begin_nested()
    try:
        preview = spec.fn(ctx, params)
    finally:
        savepoint.rollback()
        ctx.previewing = False
    summary = spec.summarize(params, preview) if spec.summarize else f"Run {spec.name}"
    row = Confirmation(id=str(uuid.uuid4()), actor_id=ctx.actor.id, channel=ctx.channel, tool=spec.name,
                       arguments=audit.canonical_json(arguments), args_hash=digest, summary=summary,
                       idempotency_key=ctx.idempotency_key, status="pending", created_at=ctx.now,
                       expires_at=ctx.now + timedelta(minutes=ctx.settings.confirmation_ttl_minutes),
                       result=preview.model_dump_json())
    session.add(row)
    session.flush()
    return PendingConfirmation[spec.output_model](confirmation_id=row.id, tool=spec.name, summary=summary,
                                                  expires_at=row.expires_at, preview=preview)


def register(*, kind: Literal["read", "write"], name: str | None = None,
             summarize: Callable[[Any, BaseModel], str] | None = None):
    """Declare a tool: `fn(ctx, params: XInput) -> XResult`; its docstring is the description."""

    def decorate(fn: Callable[[ToolContext, Any], O]) -> Callable[..., Any]:
        tool_name = name or fn.__name__
        hints = fn.__annotations__
        input_model, output_model = _resolve(hints["params"], fn), _resolve(hints["return"], fn)
        spec = ToolSpec(name=tool_name, description=(fn.__doc__ or "").strip(), input_model=input_model,
                        output_model=output_model, roles=roles_for(tool_name), kind=kind, fn=fn, summarize=summarize)
        if tool_name in REGISTRY:
            raise RuntimeError(f"tool {tool_name!r} registered twice")
        REGISTRY[tool_name] = spec

        @functools.wraps(fn)
        def guarded(ctx: ToolContext, params: Any):
            return call(spec, ctx, params)

        guarded.spec = spec  # type: ignore[attr-defined]
        return guarded

    return decorate


def _resolve(annotation: Any, fn: Callable) -> type[BaseModel]:
    if isinstance(annotation, str):
        annotation = eval(annotation, fn.__globals__)  # noqa: S307 - annotations of our own modules
    return annotation


def call(spec: ToolSpec, ctx: ToolContext, params: Any) -> BaseModel:
    """Validate, guard and run one tool call. Writes stop at a preview; `confirm` carries them out."""
    def body() -> BaseModel:
        parsed = params if isinstance(params, spec.input_model) else parse_input(spec, params, strict=ctx.strict_input)
        return spec.fn(ctx, parsed) if spec.kind == "read" else _preview(spec, ctx, parsed)

    return _run_guarded(spec, ctx, params if params is not None else {}, body=body)


def parse_input(spec: ToolSpec, raw: Any, *, strict: bool = False) -> BaseModel:
    """The tool's input from `raw`. `strict`: JSON as the schema says it, as REST callers send it — no "5" for an
    integer, no 0 for false, no null for the object (the assistant's brains get the lenient reading)."""
    try:
        if strict:
            return spec.input_model.model_validate_json(json.dumps(raw, default=str), strict=True)
        return spec.input_model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "input"
            problems.append(f"{where}: {err['msg']}")
        raise ValidationFailed(f"Invalid input for {spec.name}: " + "; ".join(problems),
                               hint="Fix the named fields and try again.",
                               details={"fields": [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()]}) from None


def get_spec(name: str) -> ToolSpec:
    load_tools()
    try:
        return REGISTRY[name]
    except KeyError:
        raise NotFound(f"There is no tool called '{name}'.", hint="GET /api/tools lists the tools you can use.") from None


def invoke(name: str, ctx: ToolContext, arguments: dict | BaseModel | None) -> BaseModel:
    return call(get_spec(name), ctx, arguments)


def tools_for_role(role: str) -> list[ToolSpec]:
    load_tools()
    return [spec for spec in REGISTRY.values() if role in spec.roles]


def confirm(ctx: ToolContext, confirmation_id: str, arguments: dict | None = None) -> BaseModel:
    """Carry out a previewed write: same actor, once, before expiry, with unchanged arguments."""
    session = ctx.session
    row = session.get(Confirmation, confirmation_id, populate_existing=True)
    if row is None:
        raise NotFound("No such confirmation.", hint="Ask again to get a fresh preview.")
    spec = get_spec(row.tool)
    params = parse_input(spec, json.loads(row.arguments))

    def body() -> BaseModel:
        if row.actor_id != ctx.actor.id:
            raise PermissionDenied("Only the person who asked for this action can confirm it.")
        if row.status == "executed":
            if ctx.idempotency_key and row.confirm_key == ctx.idempotency_key and row.result:
                return spec.output_model.model_validate_json(row.result)
            raise ConfirmationError("This action was already confirmed and carried out.",
                                    details={"result_summary": row.summary})
        if row.status != "pending":
            raise ConfirmationError(f"This action was {row.status}; it can't be confirmed.", hint="Ask again for a new preview.")
        if ctx.now >= row.expires_at:
            raise ConfirmationError("This confirmation has expired.", hint="Ask again to get a fresh preview.")
        if args_hash(row.tool, json.loads(row.arguments)) != row.args_hash or (
                arguments is not None and args_hash(row.tool, parse_input(spec, arguments).model_dump(mode="json")) != row.args_hash):
            raise ConfirmationError("The arguments changed since the preview; nothing was done.", hint="Ask again for a new preview.")
        # Claim the row atomically: of two concurrent confirmations only one sees status 'pending'.
        claimed = session.execute(update(Confirmation).where(Confirmation.id == row.id, Confirmation.status == "pending")
                                  .values(status="executed", executed_at=ctx.now, confirm_key=ctx.idempotency_key)
                                  .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            raise ConfirmationError("This action was already confirmed and carried out.")
        result = spec.fn(ctx, params)
        session.execute(update(Confirmation).where(Confirmation.id == row.id).values(result=result.model_dump_json())
                        .execution_options(synchronize_session=False))
        session.refresh(row)
        return result

    return _run_guarded(spec, ctx, params, audit_tool=f"confirm:{spec.name}", body=body)


class _Cancelled(ToolModel):
    confirmation_id: str
    status: str


def cancel(ctx: ToolContext, confirmation_id: str) -> None:
    """Withdraw a preview (only its own actor can); audited like any call, as `cancel:<tool>`."""
    row = ctx.session.get(Confirmation, confirmation_id)
    if row is None or row.actor_id != ctx.actor.id:
        raise NotFound("No such confirmation.")
    spec = get_spec(row.tool)

    def body() -> BaseModel:
        if row.status == "pending":
            row.status = "cancelled"
            ctx.session.flush()
        return _Cancelled(confirmation_id=row.id, status=row.status)

    _run_guarded(spec, ctx, {"confirmation_id": row.id}, audit_tool=f"cancel:{spec.name}", body=body)



_loaded = False


def load_tools() -> None:
    """Import every tool module once so the registry is complete (imports are lazy to keep start-up fast)."""
    global _loaded
    if _loaded:
        return
    import importlib

    from backend.tools import TOOL_MODULES

    for module in TOOL_MODULES:
        importlib.import_module(f"backend.tools.{module}")
    _loaded = True
