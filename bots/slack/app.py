"""The one place the Bolt app is built: request verification, the worker pool listeners run in after the ack, and
the services (bots/slack/services.py) listeners reach through `context["tandem"]`."""
from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from backend.settings import Settings
# Re-exported: `bots.slack.app` has long been where the services and the client are imported from.
from bots.slack.services import RATE_LIMIT_RETRIES, SlackNotConfigured, SlackServices, web_client  # noqa: F401

if TYPE_CHECKING:
    from assistant.agent import Assistant

WORKERS = 8


def build_app(settings: Settings, *, engine: Engine | None = None, client: WebClient | None = None,
              assistant: "Assistant | None" = None, executor: Executor | None = None) -> App:
    """The Tandem Slack app. `engine`, `client`, `assistant` and `executor` default to the configured ones.

    process_before_response=False: events are acknowledged before their listener runs, commands and buttons
    ack first thing; the work then continues on `executor`, well inside Slack's 3-second limit for the ack.
    """
    from bots.slack.listeners import register

    secret = settings.slack.signing_secret
    services = SlackServices(settings=settings, engine=engine, assistant=assistant)
    app = App(
        name="tandem",
        client=client or web_client(settings),
        signing_secret=secret.get_secret_value() if secret else "",
        process_before_response=False,
        # auth.test runs on the first request instead, so `tandem serve` starts even while Slack is unreachable.
        token_verification_enabled=False,
        listener_executor=executor or ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="tandem-slack"),
        logger=logging.getLogger("tandem.slack.bolt"),
    )

    def attach_services(context, next) -> None:  # noqa: A002 - Bolt's argument name
        context["tandem"] = services
        next()

    app.use(attach_services)
    register(app)
    return app
