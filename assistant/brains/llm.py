"""The OpenAI-compatible brain: OpenAI itself, or vLLM / Ollama / llama.cpp server / LM Studio by base URL.

A chat model of our own around `ChatOpenAI`, so the agent loop is the same as with the offline planner. It
smooths over local servers' quirks, retries what is worth retrying, and when the provider stays down it
answers the rest of the turn with the offline planner and says so. Write tools the user did not ask for
are dropped before they run: text read from the database can not steer the model into a write.
"""
from __future__ import annotations

import json
import logging
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any, Iterator

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import ConfigDict, Field

from assistant.turn import current_turn
from backend.settings import Settings

log = logging.getLogger("tandem.assistant.llm")

UNAVAILABLE = "The language model was unavailable; answered with the offline planner."
REJECTED = "The language model rejected the request (HTTP {status}); answered with the offline planner."
UNREADABLE = "The language model's reply could not be read; answered with the offline planner."
NOT_CONFIGURED = "TANDEM_LLM_MODEL is set but no API key or base URL is; answered with the offline planner."
CUT_SHORT = "The language model stopped mid-answer; the answer above may be incomplete."
UNREQUESTED_WRITE = "The language model proposed {tools}, which you did not ask for; it was not run."

MAX_RETRY_AFTER_S = 20.0
MAX_BACKOFF_S = 8.0
# Below this much time left in the turn, another attempt would only be cut off: answer offline instead.
MIN_ATTEMPT_S = 1.0
# Kept out of the model's share of the turn, so a fallback still has time to run its tool and answer.
FALLBACK_RESERVE_S = 3.0
# Write tools are honoured only if one of the user's last few messages asks for that kind of write.
RECENT_USER_MESSAGES = 3


def _sleep(seconds: float) -> None:
    """Backoff waits go through here so tests can record them instead of sleeping."""
    time.sleep(seconds)


class CompatibleChatOpenAI(ChatOpenAI):
    """ChatOpenAI with an empty string, not null, as the content of an assistant message that calls tools:
    some local servers reject `content: null` there, and OpenAI accepts both."""

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""
        return payload


class _TurnState:
    """Shared by the brain and every copy `bind_tools` makes of it, for the one turn the brain serves.
    (A plain class: pydantic keeps it by reference, where it would copy a dataclass on validation.)"""

    def __init__(self) -> None:
        self.fell_back = False
        self.notices: list[str] = []
        self.recent_user_texts: list[str] = []

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers if exc.response is not None else {}
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def retry_delay(exc: Exception, attempt: int) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when the error is not worth retrying:
    429 (honouring Retry-After), 408, 5xx, timeouts and dropped connections are; 4xx and bad replies are not."""
    backoff = min(MAX_BACKOFF_S, 0.5 * 2 ** attempt)
    backoff += random.uniform(0, backoff / 4)
    if isinstance(exc, (openai.APIConnectionError, httpx.TransportError)):  # includes timeouts
        return backoff
    if isinstance(exc, openai.APIStatusError) and (exc.status_code in (408, 429) or exc.status_code >= 500):
        hinted = _retry_after(exc)
        return min(hinted, MAX_RETRY_AFTER_S) if hinted is not None else backoff
    return None


def _failure_notice(exc: Exception) -> str:
    if isinstance(exc, openai.APIStatusError) and 400 <= exc.status_code < 500 and exc.status_code not in (408, 429):
        return REJECTED.format(status=exc.status_code)
    if isinstance(exc, (openai.APIError, httpx.TransportError)):
        return UNAVAILABLE
    return UNREADABLE


# What a provider call can raise: the API's own errors, transport errors met while reading a stream (the SDK
# does not wrap those), or a reply that does not parse (a proxy's HTML page).
PROVIDER_ERRORS = (openai.APIError, httpx.TransportError, ValueError, KeyError, TypeError)


class LLMBrain(BaseChatModel):
    """The agent's chat model when an LLM is configured; falls back to the offline planner for the turn."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: Any = None  # CompatibleChatOpenAI; None when the settings can not reach any model
    fallback: Any  # OfflinePlanner, bound to the same tools
    brain_name: str
    max_retries: int = 2
    timeout_s: float = 30.0
    send_tool_choice: bool = False
    tool_schemas: list[dict[str, Any]] | None = None
    write_tools: frozenset[str] = frozenset()
    tool_choice: Any = None
    turn_state: _TurnState = Field(default_factory=_TurnState)

    @classmethod
    def from_settings(cls, settings: Settings) -> "LLMBrain":
        from assistant.brains.offline import OfflinePlanner

        config = settings.llm
        key = config.api_key.get_secret_value() if config.api_key else None
        llm = None
        if key or config.base_url:
            # Local servers take no key, but the client insists on one.
            llm = CompatibleChatOpenAI(model=config.model, base_url=config.base_url, api_key=key or "not-needed",
                                       timeout=config.timeout_s, max_retries=0, use_responses_api=False)
        brain = cls(llm=llm, fallback=OfflinePlanner(), brain_name=config.model, max_retries=config.max_retries,
                    timeout_s=config.timeout_s, send_tool_choice=config.send_tool_choice)
        if llm is None:
            brain._fall_back(NOT_CONFIGURED)
        return brain

    @property
    def _llm_type(self) -> str:
        return "tandem-openai-compatible"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.brain_name}

    @property
    def notices(self) -> list[str]:
        return self.turn_state.notices

    @property
    def fell_back(self) -> bool:
        return self.turn_state.fell_back

    @property
    def checks_grounding(self) -> bool:
        """The model's answers are checked figure by figure. Once the turn fell back, the answer is the offline
        planner's, written from the results by templates, and some of its figures are derived on purpose
        ("… and 35 more rows")."""
        return not self.fell_back

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> "LLMBrain":
        from langchain_core.tools import BaseTool
        from langchain_core.utils.function_calling import convert_to_openai_tool

        from assistant.toolkit import llm_tool_schema

        tools = list(tools)
        schemas = [llm_tool_schema(t) if isinstance(t, BaseTool) else convert_to_openai_tool(t) for t in tools]
        writes = frozenset(t.name for t in tools
                           if isinstance(t, BaseTool) and (t.metadata or {}).get("kind") == "write")
        return self.model_copy(update={"tool_schemas": schemas, "write_tools": writes, "tool_choice": tool_choice,
                                       "fallback": self.fallback.bind_tools(tools)})

    # -- calling the provider -------------------------------------------------------------------------------

    def _call_kwargs(self, kwargs: dict[str, Any], time_left: float) -> dict[str, Any]:
        call = dict(kwargs)
        if self.tool_schemas:
            call["tools"] = self.tool_schemas
            if self.tool_choice:
                call["tool_choice"] = _openai_tool_choice(self.tool_choice)
            elif self.send_tool_choice:
                # Some servers emit tool calls only when the request asks for tool use; "auto" still lets the
                # model answer in text or ask a question, where "required" would force a call every step.
                call["tool_choice"] = "auto"
        call["timeout"] = max(MIN_ATTEMPT_S, min(self.timeout_s, time_left))
        return call

    def _time_left(self) -> float:
        """Seconds the model may still use in this turn."""
        turn = current_turn.get()
        return turn.time_left() - FALLBACK_RESERVE_S if turn is not None else self.timeout_s

    def _wait_before_retry(self, exc: Exception, attempt: int) -> bool:
        """Sleep before the next attempt; False when there is none worth making."""
        if attempt >= self.max_retries:
            return False
        delay = retry_delay(exc, attempt)
        if delay is None or self._time_left() - delay < MIN_ATTEMPT_S:
            return False
        log.info("LLM call failed (%s); retrying in %.1fs", type(exc).__name__, delay)
        _sleep(delay)
        return True

    def _fall_back(self, notice: str) -> None:
        self.turn_state.fell_back = True
        self.turn_state.notice(notice)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        self._note_user(messages)
        attempt = 0
        while not self.fell_back:
            if self._time_left() < MIN_ATTEMPT_S:
                self._fall_back(UNAVAILABLE)
                break
            try:
                result = self.llm._generate(messages, stop=stop, **self._call_kwargs(kwargs, self._time_left()))
            except PROVIDER_ERRORS as exc:
                log.warning("LLM call failed: %s", type(exc).__name__, exc_info=not isinstance(exc, openai.APIError))
                if not self._wait_before_retry(exc, attempt):
                    self._fall_back(_failure_notice(exc))
                    break
                attempt += 1
                continue
            message = result.generations[0].message
            return ChatResult(generations=[ChatGeneration(message=self._gate_writes(message))],
                              llm_output=result.llm_output)
        return ChatResult(generations=[ChatGeneration(message=self._offline_message(messages))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self._note_user(messages)
        attempt = 0
        while not self.fell_back:
            if self._time_left() < MIN_ATTEMPT_S:
                self._fall_back(UNAVAILABLE)
                break
            # Text streams through as it comes; tool-call fragments are held until the call is whole, so an
            # unrequested write can be dropped before anything acts on it.
            held: list[AIMessageChunk] = []
            shown_text = False
            try:
                for chunk in self.llm._stream(messages, stop=stop, **self._call_kwargs(kwargs, self._time_left())):
                    if isinstance(chunk.message, AIMessageChunk) and chunk.message.tool_call_chunks:
                        held.append(chunk.message)
                        continue
                    shown_text = shown_text or bool(chunk.message.content)
                    yield chunk
            except PROVIDER_ERRORS as exc:
                log.warning("LLM stream failed: %s", type(exc).__name__, exc_info=not isinstance(exc, openai.APIError))
                if shown_text:
                    self.turn_state.notice(CUT_SHORT)
                    return
                if not self._wait_before_retry(exc, attempt):
                    self._fall_back(_failure_notice(exc))
                    break
                attempt += 1
                continue
            if held:
                calls = held[0]
                for part in held[1:]:
                    calls = calls + part
                yield ChatGenerationChunk(message=self._gate_writes(calls))
            return
        yield ChatGenerationChunk(message=_as_chunk(self._offline_message(messages)))

    # -- the turn around the calls --------------------------------------------------------------------------

    def _note_user(self, messages: list[BaseMessage]) -> None:
        texts = [str(m.content) for m in messages if isinstance(m, HumanMessage)]
        self.turn_state.recent_user_texts = texts[-RECENT_USER_MESSAGES:]
        turn = current_turn.get()
        if turn is not None and texts:
            from assistant.planner.answers import language_of

            turn.language = language_of(texts[-1])

    def _gate_writes(self, message: AIMessage | AIMessageChunk) -> AIMessage | AIMessageChunk:
        """Drop write calls that none of the user's recent messages asks for (a note saying 'create a quote'
        is data, not a request); the turn then ends with a word on what was left out."""
        proposed = [c["name"] for c in message.tool_calls if c["name"] in self.write_tools]
        if not proposed:
            return message
        asked = requested_tools(self.turn_state.recent_user_texts)
        blocked = sorted({name for name in proposed if name not in asked})
        if not blocked:
            return message
        log.warning("dropped unrequested write call(s): %s", ", ".join(blocked))
        text = UNREQUESTED_WRITE.format(tools=", ".join(blocked))
        self.turn_state.notice(text)
        content = message.content or ("I did not run " + ", ".join(blocked) + ": your message did not ask for it.")
        if isinstance(message, AIMessageChunk):
            kept = [c for c in message.tool_call_chunks if c.get("name") not in blocked]
            return AIMessageChunk(content=content, tool_call_chunks=kept, id=message.id,
                                  response_metadata=message.response_metadata)
        kept_calls = [c for c in message.tool_calls if c["name"] not in blocked]
        return AIMessage(content=content, tool_calls=kept_calls, id=message.id,
                         response_metadata=message.response_metadata, usage_metadata=message.usage_metadata)

    def _offline_message(self, messages: list[BaseMessage]) -> AIMessage:
        """The offline planner's reply. Tool calls the LLM already made this turn are answered from their
        results with the planner's templates rather than planned again."""
        last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=None)
        after = messages[last_human + 1:] if last_human is not None else []
        calls = {c["id"]: c for m in after if isinstance(m, AIMessage) and "tandem_plan" not in m.additional_kwargs
                 for c in m.tool_calls}
        results = [m for m in after if isinstance(m, ToolMessage) and m.tool_call_id in calls]
        if not results:
            return self.fallback._generate(messages).generations[0].message
        from assistant.planner.answers import compose_answer, language_of

        language = language_of(str(messages[last_human].content))
        parts = []
        for message in results:
            call = calls[message.tool_call_id]
            try:
                body = json.loads(message.content)
            except (TypeError, ValueError):
                body = {"status": "error", "result": {"message": str(message.content)}}
            plan = {"tool": call["name"], "args": call.get("args", {}), "language": language, "intent": None}
            parts.append(compose_answer(plan, [body]))
        return AIMessage("\n\n".join(parts))


def _openai_tool_choice(choice: Any) -> Any:
    """LangChain's spelling to the API's: "any" is "required", a bare tool name means that function."""
    if choice == "any":
        return "required"
    if isinstance(choice, str) and choice not in ("auto", "none", "required"):
        return {"type": "function", "function": {"name": choice}}
    return choice


def _as_chunk(message: AIMessage) -> AIMessageChunk:
    chunks = [{"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False), "id": c["id"], "index": i}
              for i, c in enumerate(message.tool_calls)]
    return AIMessageChunk(content=message.content, tool_call_chunks=chunks,
                          additional_kwargs=dict(message.additional_kwargs))


def requested_tools(user_texts: list[str]) -> set[str]:
    """The tools the user's own words point at, by the offline planner's intent rules and nearest examples."""
    from assistant.planner.intents import INTENT_TOOL, knn_scores, rule_scores

    tools: set[str] = set()
    for text in user_texts:
        intents = set(rule_scores(text))
        try:
            intents |= set(knn_scores(text))
        except Exception:  # noqa: BLE001 - the embedding model is a help here, not a requirement
            log.warning("intent embeddings unavailable; write check uses the rules only", exc_info=True)
        tools |= {INTENT_TOOL[i] for i in intents if INTENT_TOOL.get(i)}
    return tools


# -- token budget -------------------------------------------------------------------------------------------

SAMPLE_PROMPT_FACTS = {"company": "Sông Hồng Trading", "user_name": "Trần Thị Mai", "user_role": "admin",
                       "today": "2026-11-20", "timezone": "Asia/Ho_Chi_Minh"}


def count_tokens(text: str) -> tuple[int, str]:
    """Tokens in `text` with tiktoken's o200k_base when its data is already on this machine, else an estimate
    of one token per 4 characters. Never downloads: tiktoken fetches its tables on first use, and Tandem must
    not reach the network to report a number. On this repository's prompt and schemas the estimate comes within
    3% of o200k_base, a little low: JSON runs denser than 4 characters a token, prose looser."""
    encoding = _cached_tiktoken("o200k_base")
    if encoding is not None:
        return len(encoding.encode(text)), "tiktoken o200k_base"
    return (len(text) + 3) // 4, "estimate: chars/4"


def _cached_tiktoken(name: str):
    try:
        import hashlib
        import os
        import tempfile

        import tiktoken
    except ImportError:
        return None
    # Where tiktoken caches its tables (tiktoken/load.py: read_file_cached); missing means "would download".
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "data-gym-cache")
    if not os.path.exists(os.path.join(cache_dir, hashlib.sha1(url.encode()).hexdigest())):
        return None
    try:
        return tiktoken.get_encoding(name)
    except Exception:  # noqa: BLE001 - a stale cache only means we estimate
        return None


def prompt_payload(role: str = "admin") -> str:
    """What every LLM request of a turn starts with: the system prompt and the tool schemas, as sent."""
    from assistant.toolkit import llm_tool_schema, tools_for
    from prompts import load

    schemas = [llm_tool_schema(t) for t in tools_for(role)]
    return load("system").format(**{**SAMPLE_PROMPT_FACTS, "user_role": role}) + "\n" + json.dumps(
        schemas, ensure_ascii=False)


def prompt_token_count(role: str = "admin") -> int:
    """Tokens of system prompt + tool schemas per LLM request, for the role with the most tools by default."""
    return count_tokens(prompt_payload(role))[0]
