"""One question from Slack answered, and one Confirm / Cancel decided: who is asking, the assistant or the
registry called as them, the outcome formatted and sent back. Listeners parse the payload and call these."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from backend.db import database_unavailable
from backend.errors import NotFound, PermissionDenied, RateLimited, TandemError
from backend.models import Confirmation, Conversation, Employee
from backend.tools.context import ToolContext
from bots.slack import formatting
from bots.slack.services import SlackServices
from bots.slack.events import claim_event
from bots.slack.identity import Asker, identify
from bots.slack.reports import ReportFile, report_files, upload_report

log = logging.getLogger("tandem.slack")

SORRY = "Sorry, something went wrong on my side and I couldn't answer. It has been logged; please try again in a moment."
UNAVAILABLE = "Sorry, I can't reach Tandem's database right now, so I couldn't answer. Please try again in a minute."
DEACTIVATED = "Sorry, your Tandem account is deactivated, so I can't help you. Ask an admin if that's a mistake."
TOOL_STATUS = {
    "customer_overview": "is reading the customer's file…", "check_credit": "is checking credit…",
    "run_report": "is running the report…", "write_report": "is writing the report…",
    "search_docs": "is searching the handbook…", "create_quote": "is pricing the quote…",
}


def unknown_user(slack_user_id: str) -> str:
    return ("Sorry, I can only help Tandem users, and I can't tell which employee you are: your Slack e-mail "
            f"doesn't match one. An admin can link you with `tandem slack link {slack_user_id} YOUR-EMPLOYEE-CODE`.")


def friendly(exc: TandemError) -> str:
    return exc.message + (f" {exc.hint}" if exc.hint else "")


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)[^>]*>")


def question_text(text: str, bot_user_id: str | None) -> str:
    """What the user asked, from Slack's message markup: the bot's mention dropped, links and names as text."""
    def mention(match: re.Match) -> str:
        return "" if match.group(1) == bot_user_id else "@" + (match.group(2) or match.group(1))

    def link(match: re.Match) -> str:
        target = match.group(1).removeprefix("mailto:")
        return match.group(2) or target

    text = _MENTION.sub(mention, text or "")
    text = _CHANNEL.sub(lambda m: "#" + m.group(1), text)
    text = _LINK.sub(link, text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Question:
    team: str
    channel: str
    user: str
    text: str
    # The Slack thread (its parent ts), or another key for surfaces without threads (slash commands).
    thread: str
    event_id: str | None = None

    @property
    def conversation_id(self) -> str:
        # One conversation per thread and person: memory belongs to one employee (assistant.memory).
        return f"slack:{self.team}:{self.channel}:{self.thread}:{self.user}"


class Reply(Protocol):
    def send(self, messages: list[list[formatting.Block]], fallback: str) -> None: ...

    def refuse(self, text: str) -> None: ...

    def upload(self, file: ReportFile) -> None: ...


class ThreadReply:
    """Answers in a thread; refusals in a channel only for the asker's eyes."""

    def __init__(self, client: WebClient, channel: str, thread_ts: str, user: str, *, private_refusals: bool):
        self.client, self.channel, self.thread_ts, self.user = client, channel, thread_ts, user
        self.private_refusals = private_refusals

    def send(self, messages: list[list[formatting.Block]], fallback: str) -> None:
        for blocks in messages:
            self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=fallback, blocks=blocks,
                                         unfurl_links=False, unfurl_media=False)

    def refuse(self, text: str) -> None:
        if self.private_refusals:
            self.client.chat_postEphemeral(channel=self.channel, user=self.user, thread_ts=self.thread_ts, text=text)
        else:
            self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=text)

    def upload(self, file: ReportFile) -> None:
        upload_report(self.client, self.channel, self.thread_ts, file.filename, file.content, file.title)


class CommandReply:
    """Answers a slash command privately through its response_url; files go to the app's DM with the user."""

    def __init__(self, respond: Respond, client: WebClient, user: str):
        self.respond, self.client, self.user = respond, client, user

    def send(self, messages: list[list[formatting.Block]], fallback: str) -> None:
        for blocks in messages:
            self.respond(text=fallback, blocks=blocks, response_type="ephemeral", replace_original=False)

    def refuse(self, text: str) -> None:
        self.respond(text=text, response_type="ephemeral", replace_original=False)

    def upload(self, file: ReportFile) -> None:
        channel = self.client.conversations_open(users=self.user)["channel"]["id"]
        upload_report(self.client, channel, None, file.filename, file.content, file.title)
        self.respond(text=f"I've sent *{formatting.escape(file.title)}* to our direct messages.",
                     response_type="ephemeral", replace_original=False)


def _best_effort(call: Callable[..., Any] | None, *args: Any) -> None:
    """Status and titles are niceties: a failure is logged, never shown."""
    if call is None:
        return
    try:
        call(*args)
    except SlackApiError as exc:
        log.info("slack call failed (ignored): %s", exc.response.get("error"))


def answer(services: SlackServices, client: WebClient, question: Question, reply: Reply, *,
           set_status: Callable[[str], Any] | None = None, set_title: Callable[[str], Any] | None = None) -> None:
    """Answer one question; any failure ends as a short apology in Slack and the details in the log."""
    try:
        _answer(services, client, question, reply, set_status, set_title)
    except Exception as exc:
        unavailable = database_unavailable(exc)
        if unavailable:
            log.warning("slack turn: database unreachable (conversation %s): %s", question.conversation_id, exc)
        else:
            log.exception("slack turn failed (conversation %s)", question.conversation_id)
        try:
            reply.refuse(UNAVAILABLE if unavailable else SORRY)
        except Exception:
            log.exception("could not tell the user the turn failed")


def claim(services: SlackServices, event_id: str | None) -> bool:
    """False when this event was handled already (a retry or a duplicate delivery)."""
    if not event_id:
        return True
    with services.transaction() as session:
        first = claim_event(session, event_id)
    if not first:
        log.info("slack event %s already handled; skipped", event_id)
    return first


def who_is(services: SlackServices, client: WebClient, slack_user_id: str, reply: Reply) -> Asker | None:
    """The asking employee, or None after a polite refusal (unknown or deactivated)."""
    asker = identify(services.transaction, client, slack_user_id)
    if asker is None:
        reply.refuse(unknown_user(slack_user_id))
        return None
    if not asker.active:
        reply.refuse(DEACTIVATED)
        return None
    return asker


def _answer(services: SlackServices, client: WebClient, question: Question, reply: Reply,
            set_status: Callable[[str], Any] | None, set_title: Callable[[str], Any] | None) -> None:
    if not claim(services, question.event_id):
        return
    asker = who_is(services, client, question.user, reply)
    if asker is None:
        return
    try:
        _take_turn(services, asker)
    except RateLimited as exc:
        reply.refuse(friendly(exc))
        return
    _best_effort(set_status, "is thinking…")
    on_event = None
    if set_status is not None:
        shown: set[str] = set()

        def on_event(kind: str, data: dict[str, Any]) -> None:
            name = data.get("name", "")
            if kind == "tool_start" and name not in shown:
                shown.add(name)
                _best_effort(set_status, TOOL_STATUS.get(name, "is working on it…"))

    result, problem, new = None, None, False
    with services.transaction() as session:
        employee = session.get(Employee, asker.employee_id)
        new = session.get(Conversation, question.conversation_id) is None
        try:
            result = services.assistant.ask(session, employee, question.text, channel="slack",
                                            conversation_id=question.conversation_id, on_event=on_event)
        except TandemError as exc:
            problem = friendly(exc)
    if problem is not None:
        reply.send([[formatting.section(formatting.escape(problem))]], formatting.escape(problem))
        return
    if new:
        _best_effort(set_title, question.text[:100])
    blocks = formatting.answer_blocks(answer=result.answer, tool_calls=result.tool_calls, citations=result.citations,
                                      confirmation=result.confirmation, notices=result.notices, brain=result.brain,
                                      asker_user_id=question.user)
    reply.send(formatting.split_messages(blocks), formatting.plain_text(result.answer))
    for file in report_files(result.tool_calls, services.settings.data_dir):
        reply.upload(file)


def _take_turn(services: SlackServices, asker: Asker) -> None:
    """The asker's turn limit, counted like every other channel's (TANDEM_TURNS_PER_MINUTE)."""
    from datetime import datetime, timezone

    from backend import limits

    with services.transaction() as session:
        limits.take_turn(limits.counters(session, services.settings), services.settings, employee_id=asker.employee_id,
                         now=datetime.now(timezone.utc))


def thread_has_conversation(services: SlackServices, question: Question) -> bool:
    with services.transaction() as session:
        return session.get(Conversation, question.conversation_id) is not None


# --- Confirm / Cancel ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """A button press on a preview, parsed from the block_actions payload."""

    confirm: bool
    confirmation_id: str
    clicker: str
    asker: str | None
    channel: str | None
    message_ts: str | None
    thread_ts: str | None
    ephemeral: bool
    original_blocks: list[dict[str, Any]]
    original_text: str


def _settle(services: SlackServices, decision: Decision, asker: Asker) -> tuple[str, str, str | None]:
    """(verdict, outcome text, footer) after calling the registry as the clicking employee; the verdict is
    'done', 'refused' (the actor, but the registry said no) or 'not_yours'."""
    from assistant.confirmations import describe_cancelled, describe_executed, language_of
    from backend.tools.registry import cancel, confirm

    with services.transaction() as session:
        employee = session.get(Employee, asker.employee_id)
        # The key makes a double click (or Slack re-sending the action) return the first result, not write twice.
        ctx = ToolContext(session=session, actor=employee, channel="slack", settings=services.settings,
                          idempotency_key=f"slack:{decision.confirmation_id}")
        row = session.get(Confirmation, decision.confirmation_id)
        someone_else = row is not None and row.actor_id != employee.id
        language = language_of(decision.original_text or "")
        try:
            if decision.confirm:
                result = confirm(ctx, decision.confirmation_id)
                text = describe_executed(row.tool, result.model_dump(mode="json"), language)
                return "done", f":white_check_mark: {text}", f"Confirmed by <@{decision.clicker}>."
            cancel(ctx, decision.confirmation_id)
            session.refresh(row)
            if row.status != "cancelled":
                return "refused", f"This was already {row.status}; nothing changed.", None
            return "done", f":no_entry_sign: {describe_cancelled(language)}", f"Cancelled by <@{decision.clicker}>."
        except (PermissionDenied, NotFound) as exc:
            if someone_else:
                return "not_yours", "", None
            return "refused", f":x: {friendly(exc)}", None
        except TandemError as exc:
            return "refused", f":x: {friendly(exc)}", None


def decide(services: SlackServices, client: WebClient, respond: Respond, decision: Decision) -> None:
    """Confirm or cancel as the clicking user; the preview message then shows the outcome instead of buttons."""
    def whisper(text: str) -> None:
        if decision.ephemeral or not decision.channel:
            respond(text=text, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postEphemeral(channel=decision.channel, user=decision.clicker, thread_ts=decision.thread_ts,
                                      text=text)

    try:
        asker = identify(services.transaction, client, decision.clicker)
        if asker is None or not asker.active:
            whisper(unknown_user(decision.clicker) if asker is None else DEACTIVATED)
            return
        verdict, outcome, footer = _settle(services, decision, asker)
        if verdict == "not_yours":
            owner = f"<@{decision.asker}>" if decision.asker else "the person who asked"
            whisper(f"Only {owner} can {'confirm' if decision.confirm else 'cancel'} this.")
            return
        blocks = formatting.outcome_blocks(decision.original_blocks, outcome, footer)
        fallback = formatting.plain_text(outcome)
        if decision.ephemeral or not (decision.channel and decision.message_ts):
            respond(text=fallback, blocks=blocks, replace_original=True)
        else:
            client.chat_update(channel=decision.channel, ts=decision.message_ts, text=fallback, blocks=blocks)
    except Exception:
        log.exception("slack %s of %s failed", "confirm" if decision.confirm else "cancel", decision.confirmation_id)
        try:
            whisper(SORRY)
        except Exception:
            log.exception("could not tell the user the button failed")
