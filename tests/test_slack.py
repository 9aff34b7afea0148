"""The Slack app end to end: signed requests through Bolt's own verification (FastAPI, /slack/events), the
assistant and the registry on a real database, and a local HTTP server standing in for the Slack Web API.

Bolt answers Slack first and works afterwards in its own threads, so each test waits (bounded) for the Web API
calls it expects. Those threads open their own connections, hence a file database per test, not the
rolled-back `session` fixture.
"""
from __future__ import annotations

import base64
import json
import shutil
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from itertools import count
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from assistant.agent import TurnResult
from backend.db import make_engine, migrate, transaction
from backend.models import AuditEntry, Confirmation, Conversation, Quote, SlackEvent, SlackLink
from backend.settings import Settings, get_settings
from bots.slack import formatting
from bots.slack.events import claim_event
from bots.slack.identity import identify, link_user
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee

SECRET = "test-signing-secret"
TEAM = "T0TANDEM"
BOT = "UBOTTANDEM"
MAI, LAN, TAI, STRANGER = "UMAI0001", "ULAN0002", "UTAI0003", "USTRANGER"
CHANNEL = "C0SALES"


# --- a stand-in for the Slack Web API ------------------------------------------------------------------------

class FakeSlack:
    """Answers the Web API methods Tandem uses on 127.0.0.1, records every call, can rate-limit a method once."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.emails: dict[str, str] = {}
        self.rate_limit_once: set[str] = set()
        self.error_once: dict[str, str] = {}
        self._lock = threading.Lock()
        self._ts = count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # what tests read
    def named(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if c["method"] == method]

    def wait_for(self, method: str, count_: int = 1, *, where: Callable[[dict], bool] = lambda c: True,
                 timeout: float = 60.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.named(method) if c.get("status", 200) == 200 and where(c)]
            if len(found) >= count_:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count_} {method} call(s) within {timeout}s; calls: "
                             + json.dumps([(c['method'], c.get('status')) for c in self.calls]))

    # the server side
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        args: dict[str, Any] = dict(parse_qsl(url.query))
        parts = url.path.strip("/").split("/")
        method = parts[1] if parts[0] == "api" else parts[0]
        kind = request.headers.get("Content-Type", "")
        if method != "upload" and "json" in kind and raw:  # an upload's body is the file itself
            args.update(json.loads(raw))
        elif method != "upload" and "form" in kind and raw:
            args.update(parse_qsl(raw.decode()))
        call = {"method": method, "args": args, "body": raw, "status": 200}
        with self._lock:
            self.calls.append(call)
            if method in self.rate_limit_once:
                self.rate_limit_once.discard(method)
                call["status"] = 429
                return self._reply(request, 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
            if method in self.error_once:
                call["response"] = {"ok": False, "error": self.error_once.pop(method)}
                return self._reply(request, 200, call["response"])
        if method in ("upload", "response"):
            return self._reply(request, 200, None)
        call["response"] = self._answer(method, args)
        self._reply(request, 200, call["response"])

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT, "bot_id": "BTANDEM", "team_id": TEAM, "team": "Sông Hồng", "user": "tandem"}
        if method == "users.info":
            email = self.emails.get(args.get("user"))
            return {"ok": True, "user": {"id": args.get("user"), "is_bot": False, "deleted": False,
                                         "is_email_confirmed": True, "profile": {"email": email}}}
        if method == "chat.postMessage":
            ts = f"1800000000.{next(self._ts):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts,
                    "message": {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks")}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1800000001.{next(self._ts):06d}"}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.root}upload/F0REPORT", "file_id": "F0REPORT"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0REPORT", "title": "report"}]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D0TANDEM"}}
        if method == "conversations.list":
            return {"ok": True, "channels": [{"id": "C0FINANCE", "name": "finance"}], "response_metadata": {"next_cursor": ""}}
        return {"ok": True}

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict | None, headers: dict | None = None) -> None:
        data = b"ok" if body is None else json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "text/plain" if body is None else "application/json")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)


# --- fixtures: a migrated file database, the world, the app ---------------------------------------------------

@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("slack-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def engine(template_db, tmp_path):
    path = tmp_path / "slack.sqlite3"
    shutil.copy(template_db, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def world(engine):
    with transaction(engine) as session:
        make_company(session, name="Sông Hồng Trading")
        mai = make_employee(session, role="sales", name="Trần Thị Mai", email="mai@songhong.test")
        lan = make_employee(session, role="sales", name="Nguyễn Thị Lan", email="lan@songhong.test")
        make_employee(session, role="finance", code="FIN01", name="Lê Văn Tài", email="tai@songhong.test")
        make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", owner=mai)
        make_customer(session, name="Saigon Foods JSC", code="SAIGONFOODS", credit_limit=Decimal("40000000"), owner=mai)
        make_product(session, sku="PAP-A4-70", name="Giấy A4 IK Plus 70gsm", unit_price=Decimal("95000"))
        return {"mai": mai.id, "lan": lan.id}


@pytest.fixture
def slack():
    fake = FakeSlack()
    fake.emails.update({MAI: "mai@songhong.test", LAN: "LAN@songhong.test", TAI: "tai@songhong.test",
                        STRANGER: "someone@elsewhere.test"})
    yield fake
    fake.close()


@pytest.fixture
def settings(slack, monkeypatch) -> Settings:
    monkeypatch.setenv("TANDEM_SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("TANDEM_SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("TANDEM_SLACK_API_URL", slack.root + "api/")
    get_settings.cache_clear()
    return get_settings()


def _stop(bolt_app) -> None:
    # Bolt's listeners run on this executor: let them finish before the database goes away.
    bolt_app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def http(settings, engine, world):
    from bots.server import create_app

    app = create_app(engine=engine)
    yield TestClient(app)
    _stop(app.state.slack_app)


# --- signed requests ------------------------------------------------------------------------------------------

def _headers(body: str, *, timestamp: int | None = None, secret: str = SECRET, retry: int | None = None,
             form: bool = False) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"X-Slack-Request-Timestamp": str(timestamp),
               "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body),
               "Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
    if retry is not None:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    return headers


_event_ids = count(1)


def send_event(http: TestClient, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None):
    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0TANDEM", "type": "event_callback",
                       "event_id": event_id or f"Ev{next(_event_ids):08d}", "event_time": int(time.time()),
                       "event": event, "authorizations": [{"team_id": TEAM, "user_id": BOT, "is_bot": True}]})
    response = http.post("/slack/events", content=body, headers=_headers(body, retry=retry))
    assert response.status_code == 200, response.text
    return response


def send_form(http: TestClient, fields: dict[str, str]):
    body = urlencode(fields)
    response = http.post("/slack/events", content=body, headers=_headers(body, form=True))
    assert response.status_code == 200, response.text
    return response


def mention(text: str, *, user: str = MAI, ts: str = "1700000000.000100", thread_ts: str | None = None) -> dict:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT}> {text}", "ts": ts, "channel": CHANNEL, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def click(http: TestClient, slack: FakeSlack, posted: dict[str, Any], *, user: str, action_id: str) -> None:
    """Press a button of a message Tandem posted, as `user`."""
    actions = next(b for b in posted["args"]["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["action_id"] == action_id)
    ts = posted["response"]["ts"]
    payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM}, "team": {"id": TEAM},
               "api_app_id": "A0TANDEM", "trigger_id": "trigger",
               "container": {"type": "message", "message_ts": ts, "channel_id": posted["args"]["channel"],
                             "is_ephemeral": False},
               "channel": {"id": posted["args"]["channel"]},
               "message": {"ts": ts, "text": posted["args"]["text"], "blocks": posted["args"]["blocks"],
                           "thread_ts": posted["args"].get("thread_ts")},
               "response_url": slack.root + "response/action",
               "actions": [{"type": "button", "action_id": action_id, "block_id": actions["block_id"],
                            "value": button["value"], "action_ts": str(time.time())}]}
    send_form(http, {"payload": json.dumps(payload)})


def block_text(blocks: list[dict]) -> str:
    """Every piece of text in some blocks, to search in."""
    return json.dumps(blocks, ensure_ascii=False)


def count_rows(engine, model) -> int:
    with transaction(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- request verification -------------------------------------------------------------------------------------

CHALLENGE = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})


def test_a_correctly_signed_request_is_accepted(http):
    response = http.post("/slack/events", content=CHALLENGE, headers=_headers(CHALLENGE))
    assert response.status_code == 200
    assert response.json()["challenge"] == "c-123"


def test_a_wrong_signature_is_refused(http, slack):
    response = http.post("/slack/events", content=CHALLENGE, headers=_headers(CHALLENGE, secret="not-the-secret"))
    assert response.status_code == 401
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvForged", "event": mention("credit Saigon Foods")})
    forged = http.post("/slack/events", content=body, headers=_headers(body, secret="not-the-secret"))
    assert forged.status_code == 401
    time.sleep(0.5)
    assert slack.named("chat.postMessage") == []


def test_a_stale_timestamp_is_refused(http):
    response = http.post("/slack/events", content=CHALLENGE, headers=_headers(CHALLENGE, timestamp=int(time.time()) - 600))
    assert response.status_code == 401


# --- surfaces ---------------------------------------------------------------------------------------------------

def test_mention_is_acknowledged_at_once_and_answered_in_the_thread(http, slack, engine):
    started = time.monotonic()
    send_event(http, mention("credit Saigon Foods", ts="1700000000.000100"))
    assert time.monotonic() - started < 3  # the ack; the turn runs after it
    [post] = slack.wait_for("chat.postMessage")
    assert post["args"]["channel"] == CHANNEL and post["args"]["thread_ts"] == "1700000000.000100"
    text = block_text(post["args"]["blocks"])
    assert "*Saigon Foods JSC*" in text and "40,000,000 VND" in text
    assert "**" not in text  # Markdown bold became Slack's
    # Mai was found by her Slack e-mail, once, and is remembered.
    assert len(slack.named("users.info")) == 1
    with transaction(engine) as session:
        link = session.execute(select(SlackLink).where(SlackLink.slack_user_id == MAI)).scalar_one()
        assert link.source == "email"
        conversation = session.get(Conversation, f"slack:{TEAM}:{CHANNEL}:1700000000.000100:{MAI}")
        assert conversation is not None and conversation.channel == "slack"


def test_a_follow_up_in_the_thread_needs_no_new_mention(http, slack):
    send_event(http, mention("brief me on Hoàng Long", ts="1700000000.000200"))
    slack.wait_for("chat.postMessage")
    follow_up = {"type": "message", "channel_type": "channel", "user": MAI, "text": "and their open tickets?",
                 "ts": "1700000000.000300", "thread_ts": "1700000000.000200", "channel": CHANNEL}
    send_event(http, follow_up)
    posts = slack.wait_for("chat.postMessage", 2)
    assert posts[1]["args"]["thread_ts"] == "1700000000.000200"
    # Someone else chatting in the thread is not answered: they have no conversation there.
    send_event(http, {**follow_up, "user": LAN, "ts": "1700000000.000400", "text": "nice"})
    time.sleep(1.0)
    assert len(slack.named("chat.postMessage")) == 2


def test_direct_message_gets_the_customer_brief_as_a_card(http, slack):
    send_event(http, {"type": "message", "channel_type": "im", "user": MAI, "text": "brief me on Hoàng Long",
                      "ts": "1700000001.000100", "channel": "D0MAI"})
    [post] = slack.wait_for("chat.postMessage")
    assert post["args"]["channel"] == "D0MAI" and post["args"]["thread_ts"] == "1700000001.000100"
    blocks = post["args"]["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                    "text": "Hoàng Long Trading (HOANGLONG)"}}
    fields = next(b for b in blocks if "fields" in b)["fields"]
    labels = [f["text"].split("\n")[0] for f in fields]
    assert "*Revenue YTD*" in labels and "*Credit available*" in labels
    assert "100,000,000 VND" in block_text(fields)


def test_assistant_thread_started_offers_prompts_and_messages_set_status_and_title(http, slack):
    thread = {"user_id": MAI, "channel_id": "D0MAI", "thread_ts": "1700000002.000001",
              "context": {"channel_id": CHANNEL, "team_id": TEAM}}
    send_event(http, {"type": "assistant_thread_started", "assistant_thread": thread, "event_ts": "1700000002.000002"})
    [prompts] = slack.wait_for("assistant.threads.setSuggestedPrompts")
    assert prompts["args"]["channel_id"] == "D0MAI" and prompts["args"]["thread_ts"] == "1700000002.000001"
    assert {"title": "Top customers", "message": "Top 5 customers by revenue this quarter"} in prompts["args"]["prompts"]
    [greeting] = slack.wait_for("chat.postMessage")
    assert "Trần Thị Mai" in greeting["args"]["text"]

    send_event(http, {"type": "message", "channel_type": "im", "user": MAI, "text": "credit Saigon Foods",
                      "ts": "1700000002.000100", "thread_ts": "1700000002.000001", "channel": "D0MAI"})
    answer = slack.wait_for("chat.postMessage", 2)[1]
    assert answer["args"]["thread_ts"] == "1700000002.000001" and "Saigon Foods JSC" in block_text(answer["args"]["blocks"])
    statuses = [c["args"]["status"] for c in slack.named("assistant.threads.setStatus")]
    assert statuses[0] == "is thinking…" and "is checking credit…" in statuses
    [title] = slack.wait_for("assistant.threads.setTitle")
    assert title["args"]["title"] == "credit Saigon Foods"


def test_slash_command_answers_privately(http, slack):
    response = send_form(http, {"token": "legacy", "team_id": TEAM, "channel_id": CHANNEL, "user_id": MAI,
                                "command": "/tandem", "text": "credit Saigon Foods", "trigger_id": "t1",
                                "response_url": slack.root + "response/command"})
    assert response.text == ""  # acknowledged with nothing; the answer follows on the response_url
    [reply] = slack.wait_for("response")
    assert reply["args"]["response_type"] == "ephemeral"
    assert "Saigon Foods JSC" in block_text(reply["args"]["blocks"])


# --- writes: preview, buttons, idempotency ------------------------------------------------------------------------

def _preview(http, slack, *, event_id: str | None = None, retry_too: bool = False) -> dict[str, Any]:
    event = mention("quote 10 x PAP-A4-70 to Hoàng Long", ts="1700000003.000100")
    send_event(http, event, event_id=event_id)
    if retry_too:
        send_event(http, event, event_id=event_id, retry=1)
    [post] = slack.wait_for("chat.postMessage", where=lambda c: any(b["type"] == "actions" for b in c["args"]["blocks"]))
    return post


def test_confirm_by_the_asker_creates_the_quote_and_updates_the_preview(http, slack, engine):
    post = _preview(http, slack)
    actions = next(b for b in post["args"]["blocks"] if b["type"] == "actions")
    assert actions["block_id"] == f"tandem_confirmation:{MAI}"
    with transaction(engine) as session:
        [confirmation] = session.execute(select(Confirmation)).scalars().all()
    assert {e["value"] for e in actions["elements"]} == {confirmation.id}
    assert count_rows(engine, Quote) == 0

    click(http, slack, post, user=MAI, action_id="tandem_confirm")
    [update] = slack.wait_for("chat.update")
    assert count_rows(engine, Quote) == 1
    assert update["args"]["channel"] == CHANNEL
    text = block_text(update["args"]["blocks"])
    assert "QUO-" in text and f"Confirmed by <@{MAI}>" in text
    assert not any(b["type"] == "actions" for b in update["args"]["blocks"])


def test_confirm_by_someone_else_is_refused(http, slack, engine):
    post = _preview(http, slack)
    click(http, slack, post, user=LAN, action_id="tandem_confirm")
    [whisper] = slack.wait_for("chat.postEphemeral")
    assert whisper["args"]["user"] == LAN and whisper["args"]["text"] == f"Only <@{MAI}> can confirm this."
    assert count_rows(engine, Quote) == 0
    assert slack.named("chat.update") == []
    with transaction(engine) as session:
        denied = session.execute(select(AuditEntry).where(AuditEntry.outcome == "denied")).scalars().all()
    assert [d.tool for d in denied] == ["confirm:create_quote"]


def test_cancel_removes_the_buttons_and_writes_nothing(http, slack, engine):
    post = _preview(http, slack)
    click(http, slack, post, user=MAI, action_id="tandem_cancel")
    [update] = slack.wait_for("chat.update")
    assert "Cancelled" in block_text(update["args"]["blocks"])
    with transaction(engine) as session:
        assert session.execute(select(Confirmation.status)).scalar_one() == "cancelled"
    assert count_rows(engine, Quote) == 0


def test_a_retried_event_creates_one_quote(http, slack, engine):
    post = _preview(http, slack, event_id="EvQuote0001", retry_too=True)
    time.sleep(1.5)  # give a second (wrong) answer every chance to appear
    assert len(slack.named("chat.postMessage")) == 1
    assert count_rows(engine, Confirmation) == 1
    assert count_rows(engine, SlackEvent) == 1
    click(http, slack, post, user=MAI, action_id="tandem_confirm")
    click(http, slack, post, user=MAI, action_id="tandem_confirm")  # a double click
    slack.wait_for("chat.update", 2)
    assert count_rows(engine, Quote) == 1


# --- reliability and identity -----------------------------------------------------------------------------------

def test_a_rate_limited_web_api_call_is_retried_after_retry_after(http, slack):
    slack.rate_limit_once.add("chat.postMessage")
    send_event(http, mention("credit Saigon Foods", ts="1700000004.000100"))
    slack.wait_for("chat.postMessage")
    statuses = [c["status"] for c in slack.named("chat.postMessage")]
    assert statuses == [429, 200]


def test_an_unknown_user_is_refused_and_nothing_runs(http, slack, engine):
    send_event(http, mention("credit Saigon Foods", user=STRANGER, ts="1700000005.000100"))
    [refusal] = slack.wait_for("chat.postEphemeral")
    assert refusal["args"]["user"] == STRANGER and refusal["args"]["thread_ts"] == "1700000005.000100"
    assert f"tandem slack link {STRANGER}" in refusal["args"]["text"]
    time.sleep(0.5)
    assert slack.named("chat.postMessage") == []
    assert count_rows(engine, AuditEntry) == 0 and count_rows(engine, Conversation) == 0
    assert count_rows(engine, SlackLink) == 0


def test_an_explicit_link_wins_over_the_email(engine, world, slack, settings):
    from bots.slack.app import SlackServices, web_client

    services = SlackServices(settings=settings, engine=engine)
    with transaction(engine) as session:
        from backend.models import Employee

        link_user(session, STRANGER, session.get(Employee, world["lan"]))
    asker = identify(services.transaction, web_client(settings), STRANGER)
    assert asker is not None and asker.employee_id == world["lan"] and asker.role == "sales"
    assert slack.named("users.info") == []


def test_event_ids_are_claimed_once(engine):
    with transaction(engine) as session:
        assert claim_event(session, "Ev1") is True
    with transaction(engine) as session:
        assert claim_event(session, "Ev1") is False
        assert claim_event(session, "Ev2") is True


def test_cli_links_a_slack_user_and_socket_mode_needs_the_app_token(monkeypatch):
    from typer.testing import CliRunner

    from backend.db import ensure_database
    from bots.cli import app

    monkeypatch.setenv("COLUMNS", "200")
    engine = ensure_database()  # the CLI's own database under TANDEM_DATA_DIR (tmp_path)
    with transaction(engine) as session:
        make_employee(session, role="sales", code="MAI", name="Trần Thị Mai", email="mai@songhong.test")
    runner = CliRunner()
    linked = runner.invoke(app, ["slack", "link", "umai0001", "mai@songhong.test"])
    assert linked.exit_code == 0 and "UMAI0001 now acts as Trần Thị Mai (MAI, sales)" in linked.output
    assert runner.invoke(app, ["slack", "link", "not-an-id", "MAI"]).exit_code == 1
    listed = runner.invoke(app, ["slack", "links"])
    assert "UMAI0001" in listed.output and "manual" in listed.output
    assert runner.invoke(app, ["slack", "unlink", "UMAI0001"]).exit_code == 0
    assert runner.invoke(app, ["slack", "unlink", "UMAI0001"]).exit_code == 1

    monkeypatch.delenv("TANDEM_SLACK_APP_TOKEN", raising=False)
    get_settings.cache_clear()
    socket = runner.invoke(app, ["slack"])
    assert socket.exit_code == 1 and "TANDEM_SLACK_APP_TOKEN" in socket.output


# --- reports --------------------------------------------------------------------------------------------------------

def _pdf() -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3))
    figure.add_subplot().bar(["Aug", "Sep", "Oct"], [120, 135, 150])
    buffer = BytesIO()
    figure.savefig(buffer, format="pdf")
    return buffer.getvalue()


def _check_upload(slack: FakeSlack, pdf: bytes, *, channel: str, thread_ts: str | None, filename: str, title: str) -> None:
    [url] = slack.wait_for("files.getUploadURLExternal")
    assert url["args"]["filename"] == filename and int(url["args"]["length"]) == len(pdf)
    [upload] = slack.wait_for("upload")
    assert upload["body"] == pdf
    [complete] = slack.wait_for("files.completeUploadExternal")
    assert complete["args"]["channel_id"] == channel
    assert complete["args"].get("thread_ts") == thread_ts
    assert json.loads(complete["args"]["files"]) == [{"id": "F0REPORT", "title": title}]


def test_upload_report_uses_the_file_upload_endpoints(settings, slack):
    from bots.slack import upload_report, web_client

    pdf = _pdf()
    assert pdf.startswith(b"%PDF")
    upload_report(web_client(settings), CHANNEL, "1700000006.000100", "sales-2026-10.pdf", pdf, "Sales, October 2026")
    _check_upload(slack, pdf, channel=CHANNEL, thread_ts="1700000006.000100", filename="sales-2026-10.pdf",
                  title="Sales, October 2026")


def test_post_report_finds_the_channel_by_name(settings, slack):
    from bots.slack import post_report

    pdf = _pdf()
    posted = post_report(settings, "#finance", "ar-aging.pdf", pdf, "AR aging")
    assert posted["id"] == "F0REPORT"
    _check_upload(slack, pdf, channel="C0FINANCE", thread_ts=None, filename="ar-aging.pdf", title="AR aging")


def test_post_report_joins_a_public_channel_it_is_not_in(settings, slack):
    from bots.slack import post_report

    slack.error_once["files.completeUploadExternal"] = "not_in_channel"
    post_report(settings, "C0FINANCE", "restock.pdf", _pdf(), "Restock")
    [join] = slack.wait_for("conversations.join")
    assert join["args"]["channel"] == "C0FINANCE"
    assert len(slack.wait_for("files.completeUploadExternal", where=lambda c: c["response"]["ok"])) == 1


class ReportWritingAssistant:
    """The assistant on a turn in which it called the real write_report tool (routing is the brain's business,
    tested elsewhere); what matters here is that the document the tool stored reaches the thread."""

    def ask(self, session, actor, message, *, channel, conversation_id, on_event=None, **_: Any) -> TurnResult:
        from backend.tools.context import ToolContext
        from backend.tools.registry import invoke

        ctx = ToolContext(session=session, actor=actor, channel=channel, settings=get_settings())
        arguments = {"report": "sales", "period": "2026-10"}
        result = invoke("write_report", ctx, arguments).model_dump(mode="json")
        return TurnResult(answer=f"Here is the **{result['title']}**.", citations=[], confirmation=None,
                          tool_calls=[{"name": "write_report", "args": arguments, "status": "ok", "result": result}],
                          brain="offline", conversation=conversation_id, elapsed_ms=1)


def test_a_written_report_is_uploaded_to_the_thread(settings, engine, world, slack):
    from bots.slack.app import build_app
    from bots.slack.http import slack_router

    bolt_app = build_app(settings, engine=engine, assistant=ReportWritingAssistant())
    api = FastAPI()
    api.include_router(slack_router(bolt_app))
    try:
        send_event(TestClient(api), mention("write me the October sales report", user=TAI, ts="1700000007.000100"))
        [post] = slack.wait_for("chat.postMessage")
        assert "*Sales report — October 2026*" in block_text(post["args"]["blocks"])
        [upload] = slack.wait_for("upload")
        stored = settings.data_dir / "reports" / "FIN01" / "sales-2026-10.pdf"
        assert upload["body"].startswith(b"%PDF") and upload["body"] == stored.read_bytes()
        _check_upload(slack, upload["body"], channel=CHANNEL, thread_ts="1700000007.000100",
                      filename="sales-2026-10.pdf", title="Sales report — October 2026")
    finally:
        _stop(bolt_app)


def test_only_stored_report_files_are_attached(tmp_path):
    from bots.slack.reports import report_files

    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    calls = [{"name": "write_report", "status": "ok", "result": {"title": "T", "filename": "a.pdf", "path": str(outside)}},
             {"name": "write_report", "status": "ok",
              "result": {"title": "Inline", "filename": "b.pdf", "content_base64": base64.b64encode(b"%PDF-1.4 x").decode()}},
             {"name": "run_report", "status": "ok", "result": {"content_base64": "eA=="}}]
    files = report_files(calls, tmp_path / "data")
    assert [(f.filename, f.title, f.content) for f in files] == [("b.pdf", "Inline", b"%PDF-1.4 x")]


# --- formatting ------------------------------------------------------------------------------------------------------

def test_markdown_becomes_mrkdwn_and_data_is_escaped():
    line = formatting.mrkdwn_line("- **Hoàng Long** <!channel> & [docs](https://example.test/a?b=1) `x**y**`")
    assert line == "• *Hoàng Long* &lt;!channel&gt; &amp; <https://example.test/a?b=1|docs> `x**y**`"
    assert formatting.mrkdwn_line("## Totals") == "*Totals*"


def test_pipe_tables_become_aligned_monospace():
    answer = ("**Sales by customer** — Q3 2026\nCustomer | Revenue | Share\n--- | --- | ---\n"
              "Hoàng Long Trading | 12,000,000 VND | 60%\nMinh Phát | 8,000,000 VND | 40%")
    blocks = formatting.text_blocks(answer)
    assert blocks[0]["text"]["text"] == "*Sales by customer* — Q3 2026"
    table = blocks[1]["text"]["text"].splitlines()
    assert table[0] == "```" and table[-1] == "```"
    assert table[1] == "Customer                   Revenue  Share"
    assert table[3] == "Hoàng Long Trading  12,000,000 VND    60%"
    assert table[4] == "Minh Phát            8,000,000 VND    40%"


def test_long_answers_stay_within_slack_limits():
    rows = "\n".join(f"C{i:05d} | Customer number {i} with a long name | {i},000 VND" for i in range(400))
    answer = "\n".join(f"- point {i} " + "x" * 200 for i in range(700)) + "\nCode | Name | Revenue\n--- | --- | ---\n" + rows
    blocks = formatting.answer_blocks(answer=answer, tool_calls=[], citations=[{"source": "credit-policy.md", "section": "Limits"}],
                                      confirmation={"id": "c-1", "expires_at": "2026-11-20T10:00:00Z"}, notices=[],
                                      brain="offline", asker_user_id=MAI)
    messages = formatting.split_messages(blocks)
    assert len(messages) > 1
    assert all(len(m) <= formatting.BLOCKS_PER_MESSAGE for m in messages)
    assert all(len(b["text"]["text"]) <= formatting.SECTION_TEXT_LIMIT for m in messages for b in m if b["type"] == "section")
    assert messages[-1][-2]["type"] == "actions"  # the buttons come last
    assert sum(b["type"] == "actions" for m in messages for b in m) == 1
    sources = next(b for m in messages for b in m if b["type"] == "context" and "Sources" in block_text([b]))
    assert "credit-policy.md — Limits" in block_text([sources])
