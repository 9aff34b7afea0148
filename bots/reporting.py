"""Plugs the channels into the report documents at start-up: the LLM narrative writer (assistant/) and the
Slack destination (bots/slack/). backend/ only knows the two hooks, never these modules. Installing them
imports nothing heavy, so every command can do it at start-up."""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.reports import hooks

if TYPE_CHECKING:
    from backend.reports.narrative import NarrativeWriter
    from backend.reports.render import RenderedReport
    from backend.settings import Settings


def _narrative_writer(settings: Settings) -> NarrativeWriter | None:
    if not settings.llm.model:
        return None  # templates; the assistant package is not even imported
    from assistant.report_writer import writer_for

    return writer_for(settings)


def _post_to_slack(settings: Settings, channel: str, rendered: RenderedReport) -> str:
    from bots.slack.reports import SlackDeliveryError, post_report
    from backend.reports.schedules import DeliveryFailed

    try:
        posted = post_report(settings, channel, rendered.filename, rendered.content, rendered.title)
    except SlackDeliveryError as exc:
        raise DeliveryFailed(str(exc)) from exc
    except Exception as exc:  # the Slack client's own errors (token missing, network) say what went wrong
        raise DeliveryFailed(f"Slack did not take the report for {channel}: {exc}",
                             hint="Check TANDEM_SLACK_BOT_TOKEN and that the app is in the channel.") from exc
    return f"slack {channel}" + (f" (file {posted['id']})" if posted.get("id") else "")


def install_report_hooks() -> None:
    """Idempotent; called by every process that starts Tandem (the web app, the CLI)."""
    hooks.use_narrative_writer(_narrative_writer)
    hooks.register_destination("slack", _post_to_slack)
