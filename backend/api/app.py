"""The REST API, generated from the tool registry. An adapter only: it parses the request, calls the tool
through the registry (which checks the role, audits, previews writes), and formats the result or the error.

Request bodies and query parameters are documented with the tools' own pydantic models but reach the tool
unvalidated: validation happens once, inside the guard, after the role check, so a bad input is audited
and answered exactly like on every other surface (422 naming the field).
"""
from __future__ import annotations

import base64
import functools
import inspect
import json
import logging
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, Union

from fastapi import APIRouter, Body, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, PlainValidator
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.api.auth import CurrentEmployee, SessionDep, current_time, get_sessionmaker
from backend.api.schemas import (ConfirmationState, ConfirmBody, ErrorBody, HealthOut, PendingConfirmationOut, ToolInfo,
                                 ToolList)
from backend.db import database_unavailable
from backend.errors import DatabaseUnavailable, NotFound, TandemError, ValidationFailed
from backend.models import Confirmation
from backend.settings import Settings, get_settings
from backend.tools import registry
from backend.tools.context import ToolContext
from backend.tools.registry import PendingConfirmation, ToolSpec

log = logging.getLogger("tandem.api")

API_VERSION = "1"
INTERNAL_ERROR = {"error": "internal", "message": "Something went wrong on our side; it has been logged."}

# --- errors -----------------------------------------------------------------------------------------

_ERROR_DOCS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The request can't be carried out as asked",
          {"error": "error", "message": "The request can't be carried out."}),
    401: ("No API token, or a token that is invalid, revoked or expired",
          {"error": "unauthenticated", "message": "This request needs an API token.",
           "hint": "Send 'Authorization: Bearer tdm_...'; an admin creates tokens with `tandem token create`."}),
    403: ("Your role may not do this, or the confirmation belongs to someone else",
          {"error": "permission_denied",
           "message": "'create_quote' needs the admin, manager or sales role; you are signed in as support.",
           "hint": "Ask a colleague with that role, or an admin to change your role."}),
    404: ("No such tool, customer, order or confirmation",
          {"error": "not_found", "message": "No customer matches 'Acme Ltd'.",
           "hint": "Check the spelling, or search by customer code, e-mail or phone."}),
    409: ("Ambiguous name (details.candidates lists the choices), or a confirmation that was already used, "
          "expired, or whose arguments changed",
          {"error": "ambiguous", "message": "'minh' matches several customers.",
           "hint": "Say which one (by code) and ask again.",
           "details": {"candidates": [{"code": "MINHPHAT", "name": "Minh Phát Stationery"}]}}),
    422: ("Invalid input (details.fields names each field and its problem) or a business rule refused it",
          {"error": "validation_failed", "message": "Invalid input for find_customers: query: Field required",
           "hint": "Fix the named fields and try again.",
           "details": {"fields": [{"field": "query", "problem": "Field required"}]}}),
    429: ("Too many requests: sign-in attempts or assistant turns; wait the seconds in Retry-After",
          {"error": "rate_limited", "message": "Too many assistant turns in a minute.",
           "hint": "Wait a moment and ask again.", "details": {"retry_after": 12}}),
    500: ("An unexpected error; it has been logged", INTERNAL_ERROR),
    503: ("The database is unreachable; nothing was done. Retry after the seconds in Retry-After",
          {"error": "unavailable", "message": "The database is unreachable right now; nothing was changed.",
           "hint": "Try again in a few seconds; if it lasts, tell an admin.", "details": {"retry_after": 5}}),
}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting error bodies (ErrorBody) for these status codes."""
    return {code: {"model": ErrorBody, "description": _ERROR_DOCS[code][0],
                   "content": {"application/json": {"example": _ERROR_DOCS[code][1]}},
                   **({"headers": _RETRY_AFTER} if code in (429, 503) else {})} for code in codes}


TOOL_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 500, 503)


def _json(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Money stays exact: pydantic writes Decimals as strings; other values fall back to str()."""
    content = body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body, ensure_ascii=False, default=str)
    return Response(content=content, status_code=status_code, headers=headers, media_type="application/json")


def _tandem_error(request: Request, exc: TandemError) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else {}
    if getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    return _json(exc.to_dict(), exc.http_status, headers)


def _request_validation_error(request: Request, exc: RequestValidationError) -> Response:
    fields = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        fields.append({"field": ".".join(loc) or "request", "problem": err.get("msg", "invalid")})
    message = "Invalid request: " + "; ".join(f"{f['field']}: {f['problem']}" for f in fields)
    return _json({"error": "validation_failed", "message": message, "hint": "Fix the named fields and try again.",
                  "details": {"fields": fields}}, 422)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    kinds = {400: "bad_request", 401: "unauthenticated", 403: "permission_denied", 404: "not_found",
             405: "method_not_allowed"}
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and exc.detail == "Not Found":
        body = {"error": "not_found", "message": f"There is no endpoint {request.method} {request.url.path}.",
                "hint": "The API is described at /docs and /openapi.json."}
    elif exc.status_code == 405:
        # Starlette names the methods of one route; a path has a route per method, so the Allow header is rebuilt.
        allowed = allowed_methods(request.app, request.url.path)
        headers["Allow"] = ", ".join(allowed)
        body = {"error": "method_not_allowed", "message": f"{request.url.path} does not take {request.method}.",
                "hint": "It takes " + ", ".join(allowed) + "."}
    else:
        body = {"error": kinds.get(exc.status_code, "http_error"), "message": str(exc.detail)}
    return _json(body, exc.status_code, headers)


def _database_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("database unreachable on %s %s: %s", request.method, request.url.path, exc)
        return _tandem_error(request, DatabaseUnavailable())
    return _unexpected_error(request, exc)


def _unexpected_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        return _tandem_error(request, DatabaseUnavailable())
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(INTERNAL_ERROR, 500)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error once: TandemError -> its status + to_dict(); bad requests -> 422; a database that can't be
    reached -> 503 with Retry-After; the rest -> 500, no trace. OPTIONS is answered with the path's methods."""
    app.add_exception_handler(TandemError, _tandem_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(OptionsMiddleware)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: Any, path: str) -> list[str]:
    """The methods some route of `app` takes at `path` (OPTIONS always), as an Allow header lists them. Asked of the
    router itself (a route per method, routers included in routers), so it can't drift from what is served."""
    methods = {method for method in _METHODS
               if any(route.matches({"type": "http", "path": path, "root_path": "", "method": method})[0] == Match.FULL
                      for route in getattr(app, "routes", []))}
    return sorted(methods | {"OPTIONS"}) if methods else []


def _mounted(app: Any, path: str) -> bool:
    """A path served by an app mounted inside (MCP, say), which answers its own OPTIONS."""
    probe = {"type": "http", "path": path, "root_path": "", "method": "OPTIONS"}
    return any(isinstance(route, Mount) and route.matches(probe)[0] == Match.FULL for route in getattr(app, "routes", []))


class OptionsMiddleware:
    """OPTIONS on a known path answers 204 with `Allow` (RFC 9110) instead of 405; an unknown path stays 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS" and not _mounted(scope["app"], scope["path"]):
            allowed = allowed_methods(scope["app"], scope["path"])
            if allowed:
                await Response(status_code=204, headers={"Allow": ", ".join(allowed)})(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- request context --------------------------------------------------------------------------------

def get_tool_context(session: SessionDep, employee: CurrentEmployee,
                     now: Annotated[datetime, Depends(current_time)],
                     settings: Annotated[Settings, Depends(get_settings)]) -> ToolContext:
    return ToolContext(session=session, actor=employee, channel="api", now=now, settings=settings, strict_input=True)


async def request_body(request: Request) -> bytes:
    """The body as sent (Starlette keeps it after FastAPI has read it): tells an absent body from a JSON null."""
    return await request.body()


ToolCtx = Annotated[ToolContext, Depends(get_tool_context)]
RawBody = Annotated[bytes, Depends(request_body)]
ConfirmationId = Annotated[str, Path(max_length=Confirmation.__table__.c.id.type.length,
                                     description="From the 202 answer of a write tool")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=100,
    description="Retrying with the same key returns the first answer instead of doing the work twice")]


def _tool_response(result: BaseModel) -> Response:
    if isinstance(result, PendingConfirmation):
        return _json(result, 202, {"Location": f"/api/confirmations/{result.confirmation_id}"})
    return _json(result, 200)


def _call(ctx: ToolContext, tool: str, arguments: Any, idempotency_key: str | None = None) -> BaseModel:
    ctx.idempotency_key = idempotency_key
    return registry.invoke(tool, ctx, arguments)


def _body_arguments(body: Any, raw: bytes = b"") -> Any:
    """The tool's input from the request body. JSON sent without a JSON content type (curl -d) arrives as bytes and
    is read here. No body at all is an empty input; `null`, a string or a list is not an object, and the tool refuses
    it like any other input that breaks its schema."""
    if isinstance(body, bytes):
        if not body.strip():
            return {}
        try:
            return json.loads(body)
        except ValueError:
            raise ValidationFailed("The request body is not valid JSON.",
                                   hint="Send the tool's input as a JSON object (Content-Type: application/json).") from None
    if body is None:
        return None if raw.strip() else {}
    return body


# --- generated endpoints ----------------------------------------------------------------------------

def _as_is(value: Any) -> Any:
    return value


def _documented_as(schema_type: Any) -> PlainValidator:
    """Document a parameter with `schema_type` but hand the raw value on (the guard validates it)."""
    return PlainValidator(_as_is, json_schema_input_type=schema_type)


_SCALARS = (str, int, float, bool, Decimal, date, datetime, time)


def _is_scalar_list(annotation: Any) -> bool:
    """list[scalar] (optional or not): a query parameter that may repeat (?kinds=order&kinds=invoice)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return len(members) == 1 and _is_scalar_list(members[0])
    return origin is list and all(_is_scalar(arg) for arg in typing.get_args(annotation))


def _is_scalar(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_scalar(typing.get_args(annotation)[0])
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType):
        return all(_is_scalar(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return isinstance(annotation, type) and issubclass(annotation, (*_SCALARS, Enum))


def _field_type(spec: ToolSpec, field: str) -> Any:
    info = spec.input_model.model_fields[field]
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


def _has_required_fields(model: type[BaseModel]) -> bool:
    return any(info.is_required() for info in model.model_fields.values())


@dataclass(frozen=True)
class _Param:
    """One endpoint parameter and the tool input field it feeds (None: the body is the whole input)."""

    parameter: inspect.Parameter
    field: str | None
    query_type: Any = None  # for a query parameter: the field's type, which its text is read as (see _query_value)


def _body_param(spec: ToolSpec) -> _Param:
    annotation = Annotated[Any, _documented_as(spec.input_model),
                           Body(description=f"The input of {spec.name}, as JSON")]
    default = inspect.Parameter.empty if _has_required_fields(spec.input_model) else None
    return _Param(inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default), None)


def _query_params(spec: ToolSpec, *, skip: set[str], renames: dict[str, str]) -> list[_Param]:
    params = []
    for field, info in spec.input_model.model_fields.items():
        if field in skip:
            continue
        if _is_scalar(info.annotation):
            raw_type: Any = str | None
        elif _is_scalar_list(info.annotation):
            raw_type = list[str] | None
        else:
            continue  # nested input has no query-string form; POST /api/tools/<name> takes it
        name = renames.get(field, field)
        query = Query(description=info.description)
        annotation = Annotated[raw_type, _documented_as(_field_type(spec, field)), query]
        # A field the tool requires is a required parameter, so the document says what the tool will ask for.
        default = inspect.Parameter.empty if info.is_required() else None
        params.append(_Param(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                               default=default), field, info.annotation))
    return params


_INTEGER = re.compile(r"[+-]?\d{1,18}")


def _base_type(annotation: Any) -> Any:
    """int for `int | None`, `Annotated[int, ...]`; the annotation itself when it is not one plain type."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _base_type(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _base_type(members[0]) if len(members) == 1 else annotation
    if origin is list:
        return list[_base_type(typing.get_args(annotation)[0])]
    return annotation


def _query_value(value: Any, annotation: Any) -> Any:
    """A query string as the JSON value it stands for (`?limit=5` is 5, `?include_lines=true` is true), so the tool
    reads it as strictly as a JSON body; anything else stays text, and the tool refuses it naming the field."""
    kind = _base_type(annotation)
    if isinstance(value, list):
        item = typing.get_args(kind)[0] if typing.get_origin(kind) is list else str
        return [_query_value(v, item) for v in value]
    if kind is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind is int and isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    return value


def _make_endpoint(tool: str, params: list[_Param], *, idempotent: bool, pick: str | None = None,
                   exact_code: str | None = None) -> Callable[..., Response]:
    """A sync endpoint (tools are sync SQLAlchemy; FastAPI runs it in its thread pool) with a built signature."""

    def endpoint(**values: Any) -> Response:
        ctx: ToolContext = values["ctx"]
        body = [p for p in params if p.field is None]
        arguments: Any = _body_arguments(values.get("body"), values.get("raw_body", b"")) if body else {}
        for p in params:
            value = values.get(p.parameter.name)
            if p.field is not None and value is not None and isinstance(arguments, dict):
                arguments[p.field] = value if p.query_type is None else _query_value(value, p.query_type)
        result = _call(ctx, tool, arguments, values.get("idempotency_key"))
        if pick and not isinstance(result, PendingConfirmation):
            part = getattr(result, pick)
            wanted = values.get(exact_code) if exact_code else None
            # A resource path names one record exactly: the tools also accept names, this route doesn't.
            if wanted is not None and str(getattr(part, "code", wanted)).upper() != wanted.strip().upper():
                raise NotFound(f"No customer has the code '{wanted}'.",
                               hint=f"Search by name with GET /api/customers?q={wanted}.")
            return _json(part)
        return _tool_response(result)

    signature = [p.parameter for p in params]
    signature.append(inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=ToolCtx))
    if any(p.field is None for p in params):
        signature.append(inspect.Parameter("raw_body", inspect.Parameter.KEYWORD_ONLY, annotation=RawBody))
    if idempotent:
        signature.append(inspect.Parameter("idempotency_key", inspect.Parameter.KEYWORD_ONLY,
                                           annotation=IdempotencyKey, default=None))
    endpoint.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    endpoint.__name__ = f"call_{tool}"
    return endpoint


def _result_model(spec: ToolSpec) -> Any:
    return PendingConfirmation[spec.output_model] if spec.kind == "write" else spec.output_model


def _summary(spec: ToolSpec) -> str:
    """The description's first clause: a short title for API listings (the full text is the description)."""
    line = spec.description.splitlines()[0].strip() if spec.description else spec.name
    if len(line) > 60:
        cuts = [i for i in (line.find(mark) for mark in (": ", "; ", " (")) if i > 15]
        line = line[:min(cuts)] if cuts else line
    return line.rstrip(".")


def _tool_description(spec: ToolSpec) -> str:
    roles = ", ".join(sorted(spec.roles))
    text_ = f"{spec.description}\n\nRoles: {roles}. Tool: `{spec.name}` ({spec.kind})."
    if spec.kind == "write":
        text_ += ("\n\nNothing is written yet: the answer is 202 with a preview and a `confirmation_id`; "
                  "`POST /api/confirmations/{confirmation_id}` carries it out.")
    return text_


def _tool_routes() -> APIRouter:
    """One concrete, fully typed route per registered tool, then the generic one for names known at run time."""
    router = APIRouter(prefix="/api/tools", tags=["tools"])
    for spec in sorted(registry.REGISTRY.values(), key=lambda s: s.name):
        router.add_api_route(
            f"/{spec.name}", _make_endpoint(spec.name, [_body_param(spec)], idempotent=spec.kind == "write"),
            methods=["POST"], name=f"tool_{spec.name}", operation_id=f"tool_{spec.name}",
            summary=_summary(spec), description=_tool_description(spec),
            response_model=_result_model(spec), status_code=202 if spec.kind == "write" else 200,
            responses=TOOL_ERRORS)

    @router.post("/{name}", summary="Call any tool by name", operation_id="call_tool", response_model=dict[str, Any],
                 responses={202: {"model": PendingConfirmationOut, "description": "A write tool: pending confirmation"},
                            **TOOL_ERRORS})
    def call_tool(name: Annotated[str, Path(max_length=80, description="The tool's name (GET /api/tools lists yours)")],
                  ctx: ToolCtx, raw_body: RawBody, idempotency_key: IdempotencyKey = None,
                  body: Annotated[Any, Body(description="The tool's input as a JSON object (its schema: GET /api/tools)")] = None,
                  ) -> Response:
        """Runs a read tool and returns its result (200), or previews a write tool and returns the pending
        confirmation (202). Each tool also has its own typed route, `POST /api/tools/<name>`, documented below."""
        return _tool_response(_call(ctx, name, _body_arguments(body, raw_body), idempotency_key))

    return router


# --- resource routes --------------------------------------------------------------------------------

CUSTOMER_FIELDS = ("customer", "customer_code", "code")
ORDER_FIELDS = ("order", "order_number", "number")
INVOICE_FIELDS = ("invoice", "invoice_number", "number")
REPORT_FIELDS = ("report", "name", "report_name", "kind")


@dataclass(frozen=True)
class ResourceRoute:
    """A REST resource that reads better than `POST /api/tools/<name>` and calls that same tool."""

    method: Literal["GET", "POST"]
    path: str
    tool: str
    summary: str
    tag: str
    path_param: str | None = None
    path_fields: tuple[str, ...] = ()   # tool input fields the path parameter may feed, first present wins
    renames: tuple[tuple[str, str], ...] = ()   # (tool field, query parameter name)
    pick: tuple[str, ...] = ()   # return only this part of the result, when the output has it
    exact: bool = False   # the path parameter must equal the picked part's `code` (no fuzzy names)


RESOURCES: tuple[ResourceRoute, ...] = (
    ResourceRoute("GET", "/api/customers", "find_customers", "Search customers", "customers",
                  renames=(("query", "q"),)),
    ResourceRoute("GET", "/api/customers/{code}", "customer_overview", "One customer's profile", "customers",
                  "code", CUSTOMER_FIELDS, pick=("profile", "customer"), exact=True),
    ResourceRoute("GET", "/api/customers/{code}/overview", "customer_overview", "A customer at a glance", "customers",
                  "code", CUSTOMER_FIELDS),
    ResourceRoute("GET", "/api/customers/{code}/credit", "check_credit", "A customer's credit position", "customers",
                  "code", CUSTOMER_FIELDS),
    ResourceRoute("GET", "/api/customers/{code}/history", "customer_history", "A customer's history", "customers",
                  "code", CUSTOMER_FIELDS),
    ResourceRoute("POST", "/api/quotes", "create_quote", "Prepare a quote (pending confirmation)", "quotes"),
    ResourceRoute("GET", "/api/orders/{number}", "order_status", "An order's status", "orders", "number", ORDER_FIELDS),
    ResourceRoute("GET", "/api/invoices/{number}", "invoice_status", "An invoice's status", "invoices", "number",
                  INVOICE_FIELDS),
    ResourceRoute("GET", "/api/tickets", "list_tickets", "List support tickets", "tickets"),
    ResourceRoute("POST", "/api/tickets", "create_ticket", "Open a support ticket (pending confirmation)", "tickets"),
    ResourceRoute("GET", "/api/reports/{name}", "run_report", "Run a report", "reports", "name", REPORT_FIELDS),
    ResourceRoute("POST", "/api/query", "query_data", "Any business figure: measures by dimensions over a period", "data"),
)


def resource_path_field(resource: ResourceRoute, spec: ToolSpec) -> tuple[str, bool]:
    """The input field the path parameter feeds, and whether it was found by name (else: the first field)."""
    fields = list(spec.input_model.model_fields)
    for candidate in resource.path_fields:
        if candidate in fields:
            return candidate, True
    return (fields[0] if fields else resource.path_fields[0]), False


def _picked(resource: ResourceRoute, spec: ToolSpec) -> tuple[str | None, Any]:
    for name in resource.pick:
        info = spec.output_model.model_fields.get(name)
        if info is not None and isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            return name, info.annotation
    return None, _result_model(spec)


def _path_param(resource: ResourceRoute, field: str, spec: ToolSpec | None = None) -> _Param:
    documented = _field_type(spec, field) if spec is not None and field in spec.input_model.model_fields else str
    annotation = Annotated[str, _documented_as(documented), Path(description=f"Passed to the tool as `{field}`")]
    return _Param(inspect.Parameter(resource.path_param, inspect.Parameter.KEYWORD_ONLY, annotation=annotation), field)


def _resource_route(router: APIRouter, resource: ResourceRoute) -> None:
    spec = registry.REGISTRY.get(resource.tool)
    params: list[_Param] = []
    pick, response_model = None, dict[str, Any]
    description = f"Calls the `{resource.tool}` tool (same rules, roles and audit as `POST /api/tools/{resource.tool}`)."
    if spec is None:
        # The tool is not installed in this build: the route answers 404 "no such tool" rather than vanish.
        if resource.path_param:
            params.append(_path_param(resource, resource.path_fields[0]))
        description += " This tool is not installed."
    else:
        field = None
        if resource.path_param:
            field, found = resource_path_field(resource, spec)
            if not found:
                log.warning("%s: no input field named %s in %s; using %r", resource.path, resource.path_fields,
                            spec.name, field)
            params.append(_path_param(resource, field, spec))
        if resource.method == "GET":
            params += _query_params(spec, skip={field} if field else set(), renames=dict(resource.renames))
        else:
            params.append(_body_param(spec))
        pick, response_model = _picked(resource, spec)
        description = f"{spec.description}\n\n{description}"
    write = spec is not None and spec.kind == "write"
    operation = resource.method.lower() + "_" + "_".join(part.strip("{}") for part in resource.path.split("/")[2:])
    router.add_api_route(
        resource.path, _make_endpoint(resource.tool, params, idempotent=write, pick=pick,
                                      exact_code=resource.path_param if resource.exact and pick else None),
        methods=[resource.method],
        summary=resource.summary, description=description, tags=[resource.tag], response_model=response_model,
        status_code=202 if write else 200, responses=TOOL_ERRORS, name=operation, operation_id=operation)


def _resource_routes() -> APIRouter:
    router = APIRouter()
    for resource in RESOURCES:
        _resource_route(router, resource)
    return router


# --- fixed routes -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _tool_info(spec: ToolSpec) -> ToolInfo:
    """Schemas are generated once per tool, not per request."""
    return ToolInfo(name=spec.name, description=spec.description, kind=spec.kind, path=f"/api/tools/{spec.name}",
                    input_schema=spec.json_schema(), output_schema=spec.output_model.model_json_schema(mode="serialization"))


def _meta_routes() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["meta"])

    @router.get("/health", summary="Is the service up and its database reachable?", response_model=HealthOut,
                responses=error_responses(500, 503), operation_id="health")
    def health(sessions: Annotated[Callable[[], Session], Depends(get_sessionmaker)]) -> Response:
        """No token needed. 200 when the database answers, 503 (with Retry-After) when it doesn't."""
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: database not reachable")
            return _tandem_error(None, DatabaseUnavailable())
        return _json(HealthOut())

    @router.get("/tools", summary="The tools you may call", response_model=ToolList,
                responses=error_responses(401, 500, 503), operation_id="list_tools")
    def list_tools(employee: CurrentEmployee) -> Response:
        """Only the tools your role may call, with JSON Schemas of their input and output."""
        tools = [_tool_info(spec) for spec in sorted(registry.tools_for_role(employee.role), key=lambda s: s.name)]
        return _json(ToolList(role=employee.role, tools=tools))

    return router


def _confirmation_routes() -> APIRouter:
    router = APIRouter(prefix="/api/confirmations", tags=["confirmations"])
    outputs = tuple(dict.fromkeys(s.output_model for s in registry.REGISTRY.values() if s.kind == "write"))
    executed_model: Any = Union[outputs] if len(outputs) > 1 else (outputs[0] if outputs else dict[str, Any])  # noqa: UP007
    @router.post("/{confirmation_id}", summary="Carry out a previewed write", response_model=executed_model,
                 responses=TOOL_ERRORS, operation_id="confirm")
    def confirm(confirmation_id: ConfirmationId, ctx: ToolCtx, idempotency_key: IdempotencyKey = None,
                body: Annotated[ConfirmBody | None, Body()] = None) -> Response:
        """Only the employee who asked may confirm, once, before it expires. Send `arguments` to make sure
        you confirm what you think you confirm (409 if they differ). Retrying with the same Idempotency-Key
        returns the first result instead of 409."""
        ctx.idempotency_key = idempotency_key
        return _json(registry.confirm(ctx, confirmation_id, body.arguments if body else None))

    @router.delete("/{confirmation_id}", summary="Cancel a previewed write", response_model=ConfirmationState,
                   responses=error_responses(401, 403, 404, 422, 500, 503), operation_id="cancel_confirmation")
    def cancel(confirmation_id: ConfirmationId, ctx: ToolCtx) -> Response:
        """Cancels your own pending confirmation; one already carried out keeps its state (see `status`)."""
        registry.cancel(ctx, confirmation_id)
        row = ctx.session.get(Confirmation, confirmation_id)
        return _json(ConfirmationState(confirmation_id=confirmation_id, status=row.status))

    return router


REPORT_DOCUMENT_TYPES = {"application/pdf": {}, "text/html": {}, "text/markdown": {}}


def _report_document_routes() -> APIRouter:
    """The file a write_report call produces, served as itself (not as JSON with base64 inside)."""
    router = APIRouter(prefix="/api/reports", tags=["reports"])

    @router.get("/{name}/document", summary="A finished report document: PDF, HTML or Markdown",
                operation_id="get_report_document", response_class=Response,
                responses={200: {"content": REPORT_DOCUMENT_TYPES, "description": "The document, with its content type"},
                           **error_responses(401, 403, 404, 409, 422, 500, 503)})
    def report_document(
            name: Annotated[str, Path(description="sales, ar-aging, pipeline, restock, commissions or top-customers")],
            ctx: ToolCtx,
            period: Annotated[str | None, Query(description="e.g. 2026-10, 2026-Q3, 2026, 2026-01-01..2026-03-31, "
                                                            "last-month; each report has a default")] = None,
            format: Annotated[str, Query(description="pdf, html or md")] = "pdf",
            language: Annotated[str, Query(description="en or vi")] = "en") -> Response:
        """Calls the `write_report` tool (same roles — finance, manager, admin — and the same audit row as
        `POST /api/tools/write_report`) and returns the file itself."""
        result = _call(ctx, "write_report", {"report": name, "period": period, "format": format, "language": language,
                                             "return_content": True})
        return Response(content=base64.b64decode(result.content_base64), media_type=result.content_type,
                        headers={"Content-Disposition": f'inline; filename="{result.filename}"'})

    return router


def api_routers() -> list[APIRouter]:
    """Every REST router, built from the registry as it is now (tool modules are imported first)."""
    registry.load_tools()
    return [_meta_routes(), _tool_routes(), _confirmation_routes(), _report_document_routes(), _resource_routes()]


def use_database(app: FastAPI, *, engine: Engine | None = None, sessions: Callable[[], Session] | None = None) -> None:
    """Point the app's request sessions at `sessions` (or at `engine`); with neither, the configured database."""
    if sessions is None and engine is not None:
        from backend.db import session_factory

        sessions = session_factory(engine)
    app.state.tandem_sessions = sessions


OPENAPI_TAGS = [
    {"name": "meta", "description": "Health and the catalogue of tools you may call"},
    {"name": "tools", "description": "Every tool, by name, with its own typed input and output"},
    {"name": "confirmations", "description": "Carry out or cancel a previewed write"},
    {"name": "customers"}, {"name": "quotes"}, {"name": "orders"}, {"name": "invoices"}, {"name": "tickets"},
    {"name": "reports"},
]


def create_api(*, engine: Engine | None = None, sessions: Callable[[], Session] | None = None) -> FastAPI:
    """The REST API as an app of its own; bots/server.py mounts the chat and Slack onto it."""
    app = FastAPI(title="Tandem API", version=API_VERSION, openapi_tags=OPENAPI_TAGS,
                  description="The typed business tools of Tandem over HTTP. Authenticate with "
                              "`Authorization: Bearer <token>`; every call is checked against your role and audited. "
                              "Writes are two-phase: a 202 preview, then `POST /api/confirmations/{id}`.")
    install_error_handlers(app)
    for router in api_routers():
        app.include_router(router)
    use_database(app, engine=engine, sessions=sessions)
    return app
