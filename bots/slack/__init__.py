"""Tandem in Slack (Bolt): mentions, DMs, the assistant panel, /tandem, Confirm / Cancel buttons and report
files. `build_app` builds the app; `tandem slack` runs it over Socket Mode, `tandem serve` at /slack/events."""
from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

__all__ = ["SlackDeliveryError", "SlackNotConfigured", "build_app", "mount", "post_report", "register", "upload_report",
           "web_client"]

log = logging.getLogger("tandem.slack")

# Exported lazily: `tandem ask` imports the CLI, and slack_bolt must not slow its start-up.
_EXPORTS = {"SlackNotConfigured": "bots.slack.services", "build_app": "bots.slack.app", "web_client": "bots.slack.services",
            "register": "bots.slack.listeners", "SlackDeliveryError": "bots.slack.reports",
            "post_report": "bots.slack.reports", "upload_report": "bots.slack.reports"}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'bots.slack' has no attribute {name!r}")


def mount(api: "FastAPI", *, engine: "Engine | None" = None) -> None:
    """Serve /slack/events from `api` when a signing secret is configured (HTTP mode)."""
    from backend.settings import get_settings
    from bots.slack.app import build_app
    from bots.slack.http import slack_router

    settings = get_settings()
    if settings.slack.signing_secret is None:
        return
    if settings.slack.bot_token is None:
        log.warning("TANDEM_SLACK_SIGNING_SECRET is set but TANDEM_SLACK_BOT_TOKEN is not: /slack/events is off.")
        return
    app = build_app(settings, engine=engine)
    api.state.slack_app = app
    api.include_router(slack_router(app))
