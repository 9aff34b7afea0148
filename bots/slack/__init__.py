"""Tandem in Slack (Bolt): mentions, DMs, the assistant panel, /tandem, Confirm / Cancel buttons and report
files. `build_app` builds the app; `tandem slack` runs it over Socket Mode, `tandem serve` at /slack/events."""
from __future__ import annotations

import logging

from fastapi import FastAPI
from sqlalchemy import Engine

from bots.slack.app import SlackNotConfigured, build_app, web_client
from bots.slack.listeners import register
from bots.slack.reports import SlackDeliveryError, post_report, upload_report

__all__ = ["SlackDeliveryError", "SlackNotConfigured", "build_app", "mount", "post_report", "register", "upload_report",
           "web_client"]

log = logging.getLogger("tandem.slack")


def mount(api: FastAPI, *, engine: Engine | None = None) -> None:
    """Serve /slack/events from `api` when a signing secret is configured (HTTP mode)."""
    from backend.settings import get_settings
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
