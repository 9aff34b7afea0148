"""/mcp in `tandem serve`: MCP's streamable HTTP in stateless mode, behind the employee's bearer token.

Stateless, so any number of workers serve it: no MCP session lives in a process, a write's preview lives in the
database, and the state a confirmation round-trip carries is sealed with a key every worker derives from
TANDEM_SECRET_KEY. The SDK (a second of imports) loads when the app starts, not when it is built.
"""
from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import anyio
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from backend.api.auth import AuthenticationFailed, authenticate_token, current_time, get_sessionmaker
from backend.settings import Settings, get_settings
from bots.mcp.caller import Binding, Caller

if TYPE_CHECKING:
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

    from bots.mcp.server import TandemMcp

log = logging.getLogger("tandem.mcp")
BINDING = "tandem.mcp.binding"  # the ASGI scope key the authenticated caller travels under


class McpEndpoint:
    """An ASGI app: authenticate the bearer token, then hand the request to the SDK's session manager."""

    def __init__(self) -> None:
        self.mcp: TandemMcp | None = None
        self._manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The app's lifespan: a session manager per start (the SDK's runs once), stateless, answering in JSON."""
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

        from bots.mcp.server import TandemMcp
        from bots.mcp.tools import prepare

        if self.mcp is None:
            self.mcp = TandemMcp(self._bind, get_settings())
            await anyio.to_thread.run_sync(prepare)
        manager = StreamableHTTPSessionManager(app=self.mcp.server, stateless=True, json_response=True)
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        manager = self._manager
        if manager is None:
            await _json({"error": "unavailable", "message": "The MCP endpoint is not running yet."}, 503)(scope, receive, send)
            return
        request = Request(scope)
        app = scope.get("app")
        sessions = get_sessionmaker(request)
        now: Callable[[], datetime] = _dependency(app, current_time)
        settings: Settings = _dependency(app, get_settings)()
        token = _bearer(request)
        try:
            caller, opened = await anyio.to_thread.run_sync(_authenticate, sessions, token, now())
        except AuthenticationFailed as exc:
            # RFC 6750: the challenge names the scheme, and the error once a token was sent.
            challenge = 'Bearer realm="tandem"' + (', error="invalid_token"' if token else "")
            await _json(exc.to_dict(), 401, {"WWW-Authenticate": challenge})(scope, receive, send)
            return
        request_sessions = RequestSessions(opened, sessions)
        binding = Binding(caller=caller, sessions=request_sessions, now=now, settings=settings)
        try:
            await manager.handle_request({**scope, BINDING: binding}, receive, send)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(request_sessions.close)

    @staticmethod
    def _bind(ctx: Any) -> Binding:
        binding = getattr(ctx.request, "scope", {}).get(BINDING)
        if binding is None:  # only __call__ reaches the manager, after authenticating
            raise RuntimeError("an MCP request reached the server without an authenticated caller")
        return binding


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def _authenticate(sessions: Callable[[], Session], token: str | None, now: datetime) -> tuple[Caller, Session]:
    """The token's employee (the same checks as the REST API: revoked, expired, deactivated) and its write flag,
    with the session that checked them, its transaction still open: the request's tool call continues it."""
    session = sessions()
    try:
        row = authenticate_token(session, token, now=now)
        employee = row.employee
        return Caller(employee_id=employee.id, name=employee.name, role=employee.role, can_write=row.can_write), session
    except BaseException:
        session.rollback()
        session.close()
        raise


class RequestSessions:
    """Sessions for one request: first the one that authenticated it, so the token's use, the tool's work and the
    audit rows are one transaction (as a REST request is); any later call gets a fresh session."""

    def __init__(self, opened: Session, sessions: Callable[[], Session]):
        self._opened: Session | None = opened
        self._sessions = sessions

    def __call__(self) -> Session:
        opened, self._opened = self._opened, None
        return opened if opened is not None else self._sessions()

    def close(self) -> None:
        """At the request's end: a session no call took (a listing, say) still has the token's use to commit."""
        opened, self._opened = self._opened, None
        if opened is None:
            return
        try:
            opened.commit()
        except Exception:
            opened.rollback()
            log.exception("could not record an MCP token's use")
        finally:
            opened.close()


def _dependency(app: Any, dependency: Callable[..., Any]) -> Callable[..., Any]:
    """The app's own override of a dependency (tests set the clock this way), as the REST routes would see it."""
    overrides = getattr(app, "dependency_overrides", None) or {}
    return overrides.get(dependency, dependency)


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, headers=headers,
                    media_type="application/json")


def mount(app: FastAPI, path: str = "/mcp") -> McpEndpoint:
    """Serve MCP at `path` on `app` and run its session manager for the app's lifetime."""
    endpoint = McpEndpoint()
    app.add_route(path, endpoint, include_in_schema=False)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[Any]:
        async with endpoint.running(), inner(app_) as state:
            yield state

    app.router.lifespan_context = lifespan
    app.state.tandem_mcp = endpoint
    return endpoint
