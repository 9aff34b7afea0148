"""Slack listeners: each parses its payload into a Question or a Decision and hands it to bots.slack.turns.

Surfaces: @mentions (answered in the thread), direct messages, the assistant panel, follow-ups in a thread
already holding a conversation, `/tandem`, and the Confirm / Cancel buttons.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from slack_bolt import Ack, App, Assistant, BoltContext, Respond, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from bots.slack.formatting import CANCEL_ACTION, CONFIRM_ACTION
from bots.slack.turns import (CommandReply, Decision, Question, ThreadReply, answer, claim, decide, question_text,
                              thread_has_conversation, who_is)

log = logging.getLogger("tandem.slack")

USAGE = ("Ask me anything you'd ask in a chat, e.g. `/tandem credit Saigon Foods` or `/tandem top 5 customers "
         "last quarter`. For a conversation, mention me in a thread or open my assistant panel.")
PROMPTS = {
    "sales": [("Top customers", "Top 5 customers by revenue this quarter"),
              ("Overdue invoices", "Which of my customers have overdue invoices?"),
              ("Discount rules", "What discount can I give without approval?"),
              ("What can you do?", "What can you do?")],
    "finance": [("AR aging", "AR aging as of today"),
                ("Overdue invoices", "List the overdue invoices"),
                ("Sales report", "Write me last month's sales report"),
                ("What can you do?", "What can you do?")],
    "support": [("Urgent tickets", "Show open urgent tickets"),
                ("Returns policy", "What is our returns policy?"),
                ("What can you do?", "What can you do?")],
    "manager": [("Sales by rep", "Sales by salesperson this quarter"),
                ("Pipeline", "Show the pipeline"),
                ("AR aging", "AR aging as of today"),
                ("What can you do?", "What can you do?")],
}


def _team(body: dict[str, Any], context: BoltContext) -> str:
    return body.get("team_id") or context.team_id or "-"


def on_mention(body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("bot_id") or not event.get("user"):
        return
    thread = event.get("thread_ts") or event["ts"]
    question = Question(team=_team(body, context), channel=event["channel"], user=event["user"],
                        text=question_text(event.get("text", ""), context.bot_user_id) or "What can you do?",
                        thread=thread, event_id=body.get("event_id"))
    answer(context["tandem"], client, question,
           ThreadReply(client, event["channel"], thread, event["user"], private_refusals=True))


def on_message(body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Direct messages, and follow-ups in a channel thread where the same person already talks to Tandem."""
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return
    text = event.get("text", "")
    direct = event.get("channel_type") == "im"
    thread = event.get("thread_ts") or event["ts"]
    if not direct and (thread == event["ts"] or f"<@{context.bot_user_id}" in text):
        return  # a new channel message, or a mention (answered by on_mention)
    question = Question(team=_team(body, context), channel=event["channel"], user=event["user"],
                        text=question_text(text, context.bot_user_id), thread=thread, event_id=body.get("event_id"))
    if not question.text:
        return
    services = context["tandem"]
    if not direct and not thread_has_conversation(services, question):
        return
    answer(services, client, question,
           ThreadReply(client, event["channel"], thread, event["user"], private_refusals=not direct))


def on_assistant_thread_started(body: dict[str, Any], payload: dict[str, Any], context: BoltContext,
                                client: WebClient, set_suggested_prompts: SetSuggestedPrompts) -> None:
    thread = payload["assistant_thread"]
    services = context["tandem"]
    if not claim(services, body.get("event_id")):
        return
    reply = ThreadReply(client, thread["channel_id"], thread["thread_ts"], thread["user_id"], private_refusals=False)
    asker = who_is(services, client, thread["user_id"], reply)
    if asker is None:
        return
    client.chat_postMessage(channel=thread["channel_id"], thread_ts=thread["thread_ts"],
                            text=f"Hi {asker.name}! Ask me about customers, credit, stock, quotes, orders, tickets or "
                                 "reports. I never write anything until you press Confirm.")
    prompts = PROMPTS.get(asker.role, PROMPTS["manager"])
    set_suggested_prompts(prompts=[{"title": title, "message": message} for title, message in prompts],
                          title="Try asking")


def on_assistant_message(body: dict[str, Any], payload: dict[str, Any], context: BoltContext, client: WebClient,
                         set_status: SetStatus, set_title: SetTitle) -> None:
    if not payload.get("user"):
        return
    question = Question(team=_team(body, context), channel=payload["channel"], user=payload["user"],
                        text=question_text(payload.get("text", ""), context.bot_user_id) or "What can you do?",
                        thread=payload["thread_ts"], event_id=body.get("event_id"))
    answer(context["tandem"], client, question,
           ThreadReply(client, payload["channel"], payload["thread_ts"], payload["user"], private_refusals=False),
           set_status=set_status, set_title=set_title)


def on_assistant_context_changed() -> None:
    """Tandem doesn't use the channel the user is looking at, so there's nothing to store (Bolt's default
    store would read and rewrite the thread's first reply on every change)."""


def on_command(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    text = question_text(command.get("text", ""), context.bot_user_id)
    if not text:
        respond(text=USAGE, response_type="ephemeral")
        return
    # No thread here: a person's commands in one channel on one day form one conversation, so "/tandem yes"
    # answers the preview the previous command showed.
    day = datetime.now(timezone.utc).strftime("%Y%m%d")
    question = Question(team=command.get("team_id") or "-", channel=command["channel_id"], user=command["user_id"],
                        text=text, thread=f"slash-{day}")
    answer(context["tandem"], client, question, CommandReply(respond, client, command["user_id"]))


def _decision(body: dict[str, Any], action: dict[str, Any], *, confirm: bool) -> Decision:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return Decision(confirm=confirm, confirmation_id=str(action.get("value") or ""), clicker=body["user"]["id"],
                    asker=str(action.get("block_id", "")).partition(":")[2] or None,
                    channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
                    message_ts=container.get("message_ts") or message.get("ts"),
                    thread_ts=message.get("thread_ts"), ephemeral=bool(container.get("is_ephemeral")),
                    original_blocks=message.get("blocks") or [], original_text=message.get("text") or "")


def on_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient,
               respond: Respond) -> None:
    ack()
    decide(context["tandem"], client, respond, _decision(body, action, confirm=True))


def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient,
              respond: Respond) -> None:
    ack()
    decide(context["tandem"], client, respond, _decision(body, action, confirm=False))


def on_error(error: Exception, body: dict[str, Any]) -> None:
    log.error("unhandled error in a Slack listener (%s): %r", body.get("type"), error, exc_info=error)


def register(app: App) -> None:
    """Attach every Tandem listener to `app` (built by bots.slack.app.build_app)."""
    assistant = Assistant(logger=logging.getLogger("tandem.slack.bolt"))
    assistant.thread_started(on_assistant_thread_started)
    assistant.user_message(on_assistant_message)
    assistant.thread_context_changed(on_assistant_context_changed)
    app.assistant(assistant)
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.command("/tandem")(on_command)
    app.action(CONFIRM_ACTION)(on_confirm)
    app.action(CANCEL_ACTION)(on_cancel)
    app.error(on_error)
