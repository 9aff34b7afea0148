"""HTTP mode: Slack's requests at POST /slack/events, verified by Bolt with the signing secret."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

EVENTS_PATH = "/slack/events"


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI adapter, with the dispatch in the threadpool: Bolt's App is synchronous, and its middleware
    (signature check, the first auth.test) would otherwise block the event loop that serves every request."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        bolt_response = await run_in_threadpool(self.app.dispatch, to_bolt_request(req, body, addition_context_properties))
        return to_starlette_response(bolt_response)


def slack_router(app: App) -> APIRouter:
    handler = ThreadedSlackRequestHandler(app)
    router = APIRouter(include_in_schema=False)

    @router.post(EVENTS_PATH)
    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    return router
