"""What Slack listeners and turns share, apart from the Bolt app: the Web API client (base URL, rate-limit
retries) and the services listeners reach through `context["tandem"]` (settings, database, assistant). Its own
module, so that the app, the listeners, the turns and report delivery import it instead of each other."""
from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backend.settings import Settings

if TYPE_CHECKING:
    from assistant.agent import Assistant

# 429s are retried after Slack's Retry-After; a message that still can't be sent after this many is dropped
# (and logged) rather than holding a worker for minutes.
RATE_LIMIT_RETRIES = 3


class SlackNotConfigured(Exception):
    """A token or secret the chosen mode needs is missing."""


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client for the bot token, at TANDEM_SLACK_API_URL, honouring 429 + Retry-After."""
    secret = settings.slack.bot_token
    token = token or (secret.get_secret_value() if secret else None)
    if not token:
        raise SlackNotConfigured("TANDEM_SLACK_BOT_TOKEN is not set.")
    base_url = settings.slack.api_url.rstrip("/") + "/"
    return WebClient(token=token, base_url=base_url, retry_handlers=[
        ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)])


@dataclass
class SlackServices:
    """What listeners need beyond the request: settings, the database and the assistant."""

    settings: Settings
    engine: Engine | None = None
    assistant: "Assistant | None" = None
    _sqlite_turns: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _engine_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.assistant is None:
            from assistant.agent import Assistant

            self.assistant = Assistant(settings=self.settings)

    def _engine(self) -> Engine:
        with self._engine_lock:
            if self.engine is None:
                from backend.db import ensure_database

                self.engine = ensure_database(self.settings)
            return self.engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work per database access of a listener: commit on success, roll back on error.

        On SQLite the units of work of this app take turns. SQLite has one writer at a time anyway (a turn
        holds the write lock from its first write to its commit), and in WAL mode a transaction that read
        before another one committed can't start writing: it fails at once with "database is locked"
        instead of waiting — two clicks on one Confirm button would do exactly that.
        """
        from backend.db import transaction

        engine = self._engine()
        with self._sqlite_turns if engine.dialect.name == "sqlite" else nullcontext():
            with transaction(engine) as session:
                yield session
