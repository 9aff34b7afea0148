"""The web chat for support agents: sign-in, the chat page, streamed answers, confirmations and the
customer card. The page only displays; every permission is decided by the tools."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, Header, Path as PathParam, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from backend.api import web_sessions
from backend.api.app import error_responses
from backend.api.auth import SessionDep, current_time, get_sessionmaker
from backend.models import Confirmation, WebSession
from backend.money import format_money
from backend.settings import get_settings
from backend.tools.bounds import CUSTOMER_REFERENCE_LENGTH
from backend.tools.context import ToolContext
from backend.tools.registry import cancel, confirm, invoke
from bots.chat_api import STREAM_RESPONSES, run_turn_events, take_turn

STATIC = Path(__file__).parent / "static"
router = APIRouter(tags=["web chat"])
# What every signed-in operation can answer besides its own result.
SIGNED_IN = (401, 422, 500, 503)
ConfirmationId = Annotated[str, PathParam(max_length=Confirmation.__table__.c.id.type.length)]


def web_session(session: SessionDep, now: Annotated[datetime, Depends(current_time)],
                token: Annotated[str | None, Cookie(alias=web_sessions.COOKIE_NAME)] = None) -> WebSession:
    return web_sessions.current(session, token, now=now)


def csrf_checked(row: Annotated[WebSession, Depends(web_session)],
                 csrf: Annotated[str | None, Header(alias=web_sessions.CSRF_HEADER)] = None) -> WebSession:
    web_sessions.check_csrf(row, csrf)
    return row


SignedIn = Annotated[WebSession, Depends(web_session)]
SignedInWrite = Annotated[WebSession, Depends(csrf_checked)]


def _ctx(session, row: WebSession, now: datetime) -> ToolContext:
    return ToolContext(session=session, actor=row.employee, channel="web", now=now, settings=get_settings())


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page() -> HTMLResponse:
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, headers={"Cache-Control": "no-cache"})


class SignInBody(BaseModel):
    email: str | None = Field(None, max_length=254)
    password: str | None = Field(None, max_length=200)
    token: str | None = Field(None, max_length=200, description="An API token instead of e-mail and password")


@router.post("/web/session", summary="Sign in to the web chat",
             responses=error_responses(400, 401, 422, 429, 500, 503))
def sign_in(body: SignInBody, request: Request, session: SessionDep,
            now: Annotated[datetime, Depends(current_time)]) -> JSONResponse:
    """Failed sign-ins are throttled per e-mail and per client address (429 with Retry-After, then a lock)."""
    settings = get_settings()
    signed = web_sessions.sign_in(session, now=now, ttl_minutes=settings.session_ttl_minutes, email=body.email,
                                  password=body.password, api_token=body.token, settings=settings,
                                  address=request.client.host if request.client else None)
    response = JSONResponse({"employee": {"name": signed.employee.name, "role": signed.employee.role,
                                          "email": signed.employee.email}, "csrf_token": signed.csrf_token,
                             "expires_at": signed.expires_at.isoformat()})
    response.set_cookie(web_sessions.COOKIE_NAME, signed.cookie_token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=settings.session_ttl_minutes * 60, path="/")
    return response


@router.get("/web/session", summary="Who is signed in", responses=error_responses(*SIGNED_IN))
def who(row: SignedIn) -> dict:
    return {"employee": {"name": row.employee.name, "role": row.employee.role, "email": row.employee.email},
            "csrf_token": row.csrf_token, "expires_at": row.expires_at.isoformat()}


@router.delete("/web/session", summary="Sign out", responses=error_responses(403, *SIGNED_IN))
def sign_out(row: SignedInWrite, session: SessionDep, now: Annotated[datetime, Depends(current_time)]) -> JSONResponse:
    web_sessions.sign_out(session, row, now=now)
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(web_sessions.COOKIE_NAME, path="/")
    return response


class WebChatBody(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    conversation: str | None = Field(None, max_length=100)


@router.post("/web/chat", summary="Ask the assistant from the web page (server-sent events)",
             responses={**STREAM_RESPONSES, **error_responses(400, 403, 422, 429, *SIGNED_IN)})
def web_chat(body: WebChatBody, request: Request, row: SignedInWrite, session: SessionDep,
             now: Annotated[datetime, Depends(current_time)]) -> StreamingResponse:
    take_turn(session, row.employee_id, now)
    return StreamingResponse(run_turn_events(get_sessionmaker(request), row.employee_id, body.message, body.conversation, "web"),
                             media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/web/confirmations/{confirmation_id}", summary="Confirm a previewed write",
             responses=error_responses(403, 404, 409, 422, *SIGNED_IN))
def web_confirm(confirmation_id: ConfirmationId, row: SignedInWrite, session: SessionDep,
                now: Annotated[datetime, Depends(current_time)]) -> dict:
    result = confirm(_ctx(session, row, now), confirmation_id)
    return {"status": "done", "result": result.model_dump(mode="json")}


@router.delete("/web/confirmations/{confirmation_id}", summary="Cancel a previewed write",
               responses=error_responses(403, 404, 422, *SIGNED_IN))
def web_cancel(confirmation_id: ConfirmationId, row: SignedInWrite, session: SessionDep,
               now: Annotated[datetime, Depends(current_time)]) -> dict:
    cancel(_ctx(session, row, now), confirmation_id)
    return {"status": "cancelled"}


@router.get("/web/customers/{code}/card", summary="The customer card beside the chat",
            responses=error_responses(403, 404, 409, 422, *SIGNED_IN))
def customer_card(code: Annotated[str, PathParam(max_length=CUSTOMER_REFERENCE_LENGTH)], row: SignedIn,
                  session: SessionDep, now: Annotated[datetime, Depends(current_time)]) -> dict:
    """The customer's overview, with every amount also written out as the answers write it (`*_display`)."""
    overview = invoke("customer_overview", _ctx(session, row, now), {"customer": code}).model_dump(mode="json")
    card = {key: overview.get(key) for key in ("profile", "contacts", "open_tickets", "last_orders", "invoices", "credit",
                                               "watch_outs")}
    invoices = card.get("invoices") or {}
    for field in ("open_amount", "overdue_amount"):
        if invoices.get(field) is not None:
            invoices[field.replace("_amount", "_display")] = format_money(Decimal(invoices[field]),
                                                                          invoices.get("currency") or "")
    for order in card.get("last_orders") or []:
        order["net_display"] = format_money(Decimal(order["net_amount"]), order.get("currency") or "")
    return card


@router.get("/web/conversations", summary="Your recent conversations", responses=error_responses(*SIGNED_IN))
def conversations(row: SignedIn, session: SessionDep) -> dict:
    from assistant.memory import list_conversations

    return {"conversations": [{"id": c.id, "title": c.title, "channel": c.channel,
                               "updated_at": c.updated_at.astimezone(timezone.utc).isoformat()}
                              for c in list_conversations(session, row.employee, limit=30)]}
