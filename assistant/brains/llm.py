"""The OpenAI-compatible brain: OpenAI itself, or vLLM / Ollama / llama.cpp server / LM Studio by base URL.

A chat model of our own around `ChatOpenAI`, so the agent loop is the same as with the offline planner. It
smooths over local servers' quirks, retries what is worth retrying, and whenever a model step fails — the
provider stays down or is too slow to start, a call written as text can not be read, arguments stay invalid after
one repair, a tool does not exist, a write nobody asked for, an answer with no data behind it — the offline planner
answers the turn and the answer says so. Write tools the user did not ask for are dropped before they run: text read
from the database can not steer the model into a write.
"""
from __future__ import annotations

import json
import logging
import random
import re
import time
import uuid
from dataclasses import dataclass, field as dc_field
from email.utils import parsedate_to_datetime
from typing import Any, Iterator

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import ConfigDict, Field, ValidationError

from assistant.text_calls import StreamHold, read_text_calls
from assistant.turn import current_turn
from backend.settings import Settings

log = logging.getLogger("tandem.assistant.llm")

UNAVAILABLE = "The language model was unavailable; answered with the offline planner."
REJECTED = "The language model rejected the request (HTTP {status}); answered with the offline planner."
UNREADABLE = "The language model's reply could not be read; answered with the offline planner."
NOT_CONFIGURED = "TANDEM_LLM_MODEL is set but no API key or base URL is; answered with the offline planner."
CUT_SHORT = "The language model stopped mid-answer; the answer above may be incomplete."
UNREQUESTED_WRITE = ("The language model proposed {tools}, which you did not ask for; it was not run, and the offline "
                     "planner answered.")
SLOW_START = ("The language model did not start answering within {seconds:g} s; answered with the offline planner.")
INVALID_CALL = "The language model's tool call could not be used; answered with the offline planner."
UNKNOWN_TOOL = "The language model asked for a tool that does not exist ({tools}); answered with the offline planner."
NO_DATA = "The language model answered without the data it needed; answered with the offline planner."
TOO_LONG = "The conversation no longer fits the language model's context; answered with the offline planner."

MAX_RETRY_AFTER_S = 20.0
MAX_BACKOFF_S = 8.0
# Below this much time left in the turn, another attempt would only be cut off: answer offline instead.
MIN_ATTEMPT_S = 1.0
# Kept out of the model's share of the turn, so a fallback still has time to run its tool and answer.
FALLBACK_RESERVE_S = 3.0
# Write tools are honoured only if one of the user's last few messages asks for that kind of write.
RECENT_USER_MESSAGES = 3
# The system prompt and the tool schemas of one request stay under this many tokens: past it (a role with many
# tools) a turn is offered the tools the planner's frame finds relevant plus CORE_TOOLS. Small models also pick
# better from fewer, and read a shorter prompt sooner.
PROMPT_TOKEN_BUDGET = 3500
CORE_TOOLS = ("find_customers", "query_data", "search_docs")
# Room kept in the model's context for its reply, and the share by which our token estimate may fall short of the
# server's tokenizer plus the chat template's own words around the tools.
ANSWER_RESERVE_TOKENS = 768
ESTIMATE_MARGIN = 1.25
# What a tool error looks like when a model copies it into its answer (LangGraph's and the guard's wording).
ERROR_ECHO = re.compile(r"Error invoking tool|Please fix (your mistakes|the error)|is not a valid tool|"
                        r"validation error(s)? for|\"status\":\s*\"error\"", re.IGNORECASE)


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


class _TurnState:
    """Shared by the brain and every copy `bind_tools` makes of it, for the one turn the brain serves.
    (A plain class: pydantic keeps it by reference, where it would copy a dataclass on validation.)"""

    def __init__(self) -> None:
        self.fell_back = False
        self.notices: list[str] = []
        self.recent_user_texts: list[str] = []
        self.user_text: str | None = None
        self.needs_data: bool | None = None       # the planner's word on the last user message
        self.relevant: set[str] | None = None     # the tools the planner's frame finds relevant to it
        self.trimmed = False                      # once offered fewer tools, the turn keeps to them
        self.history: list[BaseMessage] = []      # the conversation before the last user message
        self.requests = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)


@dataclass
class _Reply:
    """One provider reply, whole: the text not shown yet, the native calls, whether the stream broke after text."""

    held: str = ""
    native_calls: list[dict[str, Any]] = dc_field(default_factory=list)
    cut_short: bool = False


class _FirstTokenTimeout(Exception):
    pass


CONTEXT_KEYS = ("max_model_len", "n_ctx", "context_length", "loaded_context_length", "max_context_length",
                "context_window", "max_input_tokens", "n_ctx_train")
_CONTEXT_LENGTHS: dict[tuple[str, str | None], int | None] = {}


def _find_context(node: Any) -> int | None:
    """The first context size a server's model description gives, by the keys servers use (vLLM max_model_len,
    llama.cpp n_ctx / n_ctx_train in `meta`, LM Studio loaded / max context length), the running size first."""
    found: dict[str, int] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in CONTEXT_KEYS and isinstance(item, int) and not isinstance(item, bool) and item > 0:
                    found.setdefault(key, item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    return next((found[k] for k in CONTEXT_KEYS if k in found), None)


def server_context_length(base_url: str, model: str | None, *, timeout_s: float = 2.0) -> int | None:
    """The context length the server says it runs `model` with (`/models`, then llama.cpp's `/props`); None when
    it says nothing. Asked once per server and model in a process."""
    key = (base_url.rstrip("/"), model)
    if key in _CONTEXT_LENGTHS:
        return _CONTEXT_LENGTHS[key]
    length = None
    root = key[0].removesuffix("/v1")
    try:
        with httpx.Client(timeout=timeout_s) as client:
            response = client.get(key[0] + "/models")
            if response.status_code == 200:
                entries = response.json().get("data") or []
                mine = [e for e in entries if isinstance(e, dict) and e.get("id") == model] or entries[:1]
                length = _find_context(mine)
            if length is None:
                props = client.get(root + "/props")
                if props.status_code == 200:
                    length = _find_context(props.json().get("default_generation_settings") or props.json())
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        log.info("could not read the model's context length from %s: %s", key[0], type(exc).__name__)
    _CONTEXT_LENGTHS[key] = length
    return length


class LLMBrain(BaseChatModel):
    """The agent's chat model when an LLM is configured; falls back to the offline planner for the turn."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: Any = None  # CompatibleChatOpenAI; None when the settings can not reach any model
    fallback: Any  # OfflinePlanner, bound to the same tools
    brain_name: str
    base_url: str | None = None
    max_retries: int = 2
    timeout_s: float = 30.0
    first_token_timeout_s: float = 5.0
    context_length: int | None = None  # from the settings; else asked of the server on the first request
    send_tool_choice: bool = False
    tool_schemas: list[dict[str, Any]] | None = None
    tool_inputs: dict[str, Any] = Field(default_factory=dict)  # tool name -> its pydantic input model (or None)
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
                                       timeout=config.timeout_s, max_retries=0, use_responses_api=False,
                                       stream_usage=True)
        brain = cls(llm=llm, fallback=OfflinePlanner(), brain_name=config.model, base_url=config.base_url,
                    max_retries=config.max_retries, timeout_s=config.timeout_s,
                    first_token_timeout_s=config.first_token_timeout_s, context_length=config.context_length,
                    send_tool_choice=config.send_tool_choice)
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
    def usage(self) -> dict[str, int]:
        """Requests and tokens this turn (the server's counts where it gave them, else estimated)."""
        state = self.turn_state
        return {"requests": state.requests, "prompt_tokens": state.prompt_tokens,
                "completion_tokens": state.completion_tokens}

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
        inputs = {}
        for tool, schema in zip(tools, schemas):
            model = getattr(tool, "args_schema", None)
            inputs[schema["function"]["name"]] = model if isinstance(model, type) and hasattr(model, "model_validate") else None
        writes = frozenset(t.name for t in tools
                           if isinstance(t, BaseTool) and (t.metadata or {}).get("kind") == "write")
        return self.model_copy(update={"tool_schemas": schemas, "tool_inputs": inputs, "write_tools": writes,
                                       "tool_choice": tool_choice, "fallback": self.fallback.bind_tools(tools)})

    # -- the chat model's two entry points: one path for both --------------------------------------------------

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        # The first token can be watched only on a stream, so the provider is asked for one unless that watch is
        # off (TANDEM_LLM__FIRST_TOKEN_TIMEOUT_S=0); the caller still gets one whole message.
        return generate_from_stream(self._step(messages, stop, kwargs, streaming=self.first_token_timeout_s > 0))

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        yield from self._step(messages, stop, kwargs, streaming=True)

    def _step(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any],
              streaming: bool) -> Iterator[ChatGenerationChunk]:
        """One step of the agent: the model's text as it may be shown, then its checked calls or final words; or,
        once anything failed, the offline planner's reply."""
        self._note_user(messages)
        shown = ""
        reply = None
        if not self.fell_back:
            # Before any data came back, a reply in words is suspect (a call written as text, an answer made up):
            # hold it whole until it is read.
            hold_all = self._needs_data() and not self._has_result()
            for piece in self._ask(messages, stop, kwargs, streaming, hold_all):
                if isinstance(piece, _Reply):
                    reply = piece
                else:
                    shown += piece
                    yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        settled = self._settle(messages, reply, stop, kwargs, streaming, shown) if reply is not None else None
        if settled is None:
            offline = self._offline_message(messages)
            if shown and offline.content:
                offline = AIMessage("\n\n" + str(offline.content), tool_calls=offline.tool_calls,
                                    additional_kwargs=offline.additional_kwargs)
            yield ChatGenerationChunk(message=_as_chunk(offline))
            return
        yield ChatGenerationChunk(message=_as_chunk(settled))

    # -- calling the provider -------------------------------------------------------------------------------

    def _call_kwargs(self, messages: list[BaseMessage], kwargs: dict[str, Any], overall: float,
                     watch: bool) -> dict[str, Any] | None:
        """The request's extra arguments; None when even the trimmed request would not fit the model's context."""
        call = dict(kwargs)
        if self.tool_schemas:
            tools = self._offered_tools(messages)
            if tools is None:
                return None
            call["tools"] = tools
            if self.tool_choice:
                call["tool_choice"] = _openai_tool_choice(self.tool_choice)
            elif self.send_tool_choice:
                # Some servers emit tool calls only when the request asks for tool use; "auto" still lets the
                # model answer in text or ask a question, where "required" would force a call every step.
                call["tool_choice"] = "auto"
        # httpx's read timeout is the longest silence between two reads: the first token's wait, and a stall.
        call["timeout"] = httpx.Timeout(overall, read=self.first_token_timeout_s) if watch else overall
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

    def _ask(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any], streaming: bool,
             hold_all: bool) -> Iterator[str | _Reply]:
        """Ask the provider, retrying what is worth it: yields text that may be shown as it comes, then the whole
        `_Reply`; yields no reply when the turn fell back."""
        attempt = 0
        while True:
            time_left = self._time_left()
            if time_left < MIN_ATTEMPT_S:
                self._fall_back(UNAVAILABLE)
                return
            overall = max(MIN_ATTEMPT_S, min(self.timeout_s, time_left))
            # Only a first-token limit shorter than the request's own timeout is a separate watch.
            watch = streaming and 0 < self.first_token_timeout_s < overall
            call = self._call_kwargs(messages, kwargs, overall, watch)
            if call is None:
                self._fall_back(TOO_LONG)
                return
            hold = StreamHold(hold_all=hold_all or not streaming)
            native: list[AIMessageChunk] = []
            usage: dict[str, Any] = {}
            self.turn_state.requests += 1
            estimate = _estimate(messages, call.get("tools") or [])
            try:
                for message in self._provider_messages(messages, stop, call, streaming, watch):
                    usage = getattr(message, "usage_metadata", None) or usage
                    if getattr(message, "tool_call_chunks", None):
                        native.append(message)
                        continue
                    text = message.content if isinstance(message.content, str) else _text_of(message.content)
                    out = hold.feed(text)
                    if out:
                        yield out
            except _FirstTokenTimeout:
                self._count(estimate, usage, "")
                log.warning("LLM sent no token within %.1fs", self.first_token_timeout_s)
                self._fall_back(SLOW_START.format(seconds=self.first_token_timeout_s))
                return
            except PROVIDER_ERRORS as exc:
                self._count(estimate, usage, hold.shown + hold.held())
                log.warning("LLM call failed: %s", type(exc).__name__, exc_info=not isinstance(exc, openai.APIError))
                if hold.shown:
                    self.turn_state.notice(CUT_SHORT)
                    yield _Reply(held=hold.held(), native_calls=_merged_calls(native), cut_short=True)
                    return
                if watch and _timed_out(exc) and not native and not hold.shown and not hold.held():
                    self._fall_back(SLOW_START.format(seconds=self.first_token_timeout_s))
                    return
                if not self._wait_before_retry(exc, attempt):
                    self._fall_back(_failure_notice(exc))
                    return
                attempt += 1
                continue
            self._count(estimate, usage, hold.shown + hold.held())
            yield _Reply(held=hold.held(), native_calls=_merged_calls(native))
            return

    def _provider_messages(self, messages: list[BaseMessage], stop: list[str] | None, call: dict[str, Any],
                           streaming: bool, watch: bool) -> Iterator[BaseMessage]:
        if not streaming:
            yield _chunk_of(self.llm._generate(messages, stop=stop, **call).generations[0].message)
            return
        started = time.monotonic()
        first = True
        for chunk in self.llm._stream(messages, stop=stop, **call):
            message = chunk.message
            if first and (message.content or getattr(message, "tool_call_chunks", None)):
                first = False
            elif first and watch and time.monotonic() - started > self.first_token_timeout_s:
                # A server that keeps the stream alive with empty chunks while it reads a long prompt.
                raise _FirstTokenTimeout()
            yield message

    def _count(self, estimate: int, usage: dict[str, Any], text: str) -> None:
        """Tokens of one request: the server's own counts where it sent them, else estimated."""
        state = self.turn_state
        if usage.get("input_tokens"):
            state.prompt_tokens += usage["input_tokens"]
            state.completion_tokens += usage.get("output_tokens", 0)
        else:
            state.prompt_tokens += estimate
            state.completion_tokens += count_tokens(text)[0] if text else 0

    # -- what the turn offers the model ---------------------------------------------------------------------

    def _context(self) -> int | None:
        if self.context_length is None and self.base_url and self.llm is not None:
            self.context_length = server_context_length(self.base_url, self.brain_name) or 0
        return self.context_length or None

    def _offered_tools(self, messages: list[BaseMessage]) -> list[dict[str, Any]] | None:
        """The role's tools when they fit the toolset budget and the model's context, else the ones the planner's
        frame finds relevant to the request plus a small core; None when not even those fit (the prompt is never
        cut)."""
        schemas = self.tool_schemas or []
        context = self._context()
        room = (context - ANSWER_RESERVE_TOKENS) if context else None
        conversation = _estimate(messages, [])

        def fits(tools: list[dict[str, Any]]) -> bool:
            return room is None or (conversation + _estimate([], tools)) * ESTIMATE_MARGIN <= room

        state = self.turn_state
        system = _estimate([m for m in messages if isinstance(m, SystemMessage)], [])
        if not state.trimmed and system + _estimate([], schemas) <= PROMPT_TOKEN_BUDGET and fits(schemas):
            return schemas
        state.trimmed = True
        relevant = self._relevant_tools()
        trimmed = [s for s in schemas if s["function"]["name"] in relevant]
        if not fits(trimmed):
            log.warning("prompt of ~%d tokens does not fit a context of %s", conversation, context)
            return None
        return trimmed

    def _relevant_tools(self) -> set[str]:
        state = self.turn_state
        if state.relevant is None:
            self._read_request()
        return state.relevant or set(CORE_TOOLS)

    def _needs_data(self) -> bool:
        state = self.turn_state
        if state.needs_data is None:
            self._read_request()
        return bool(state.needs_data)

    def _read_request(self) -> None:
        """What the offline planner makes of the user's last message: whether answering needs a tool result, and
        which tools are relevant (the plan's, the ones the words point at, query tools for a data frame)."""
        state = self.turn_state
        state.needs_data, state.relevant = False, set(CORE_TOOLS)
        turn = current_turn.get()
        if turn is None or not state.user_text:
            return
        from assistant.brains.offline import _memory
        from assistant.planner import frame as frame_mod
        from assistant.planner.planner import make_plan

        relevant = set(CORE_TOOLS) | requested_tools(state.recent_user_texts)
        try:
            with turn.lock:
                plan = make_plan(state.user_text, session=turn.session, actor_id=turn.actor.id,
                                 today=turn.tool_ctx.today, memory=_memory(state.history))
            if frame_mod.parse(state.user_text, turn.tool_ctx.today).is_data:
                relevant |= {"query_data", "run_report"}
        except Exception:  # noqa: BLE001 - the planner's reading is a help to the model here, not a requirement
            log.warning("the planner could not read the request; offering the core tools", exc_info=True)
            state.relevant = relevant
            return
        if plan.tool:
            relevant.add(plan.tool)
        offered = set(self.tool_inputs) if self.tool_inputs else None
        state.needs_data = bool(plan.tool and not plan.question and (offered is None or plan.tool in offered))
        state.relevant = relevant

    def _has_result(self) -> bool:
        """A tool of this turn returned data (or a write's preview)."""
        turn = current_turn.get()
        return turn is not None and any(c.status in ("ok", "pending_confirmation") for c in turn.calls)

    # -- the turn around the calls --------------------------------------------------------------------------

    def _note_user(self, messages: list[BaseMessage]) -> None:
        humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
        texts = [str(messages[i].content) for i in humans]
        state = self.turn_state
        state.recent_user_texts = texts[-RECENT_USER_MESSAGES:]
        if texts and texts[-1] != state.user_text:
            state.user_text, state.needs_data, state.relevant = texts[-1], None, None
            state.history = messages[:humans[-1]]
        turn = current_turn.get()
        if turn is not None and texts:
            from assistant.planner.answers import language_of

            turn.language = language_of(texts[-1])

    def _settle(self, messages: list[BaseMessage], reply: _Reply, stop: list[str] | None, kwargs: dict[str, Any],
                streaming: bool, shown: str, repaired: bool = False) -> AIMessage | None:
        """The reply as the agent may act on it: calls read from its text, checked against the tools and their
        inputs (one repair), writes gated; or None, and the turn falls back."""
        read = read_text_calls(reply.held)
        calls = [dict(c, id=c.get("id") or _call_id()) for c in reply.native_calls]
        calls += [{"name": c["name"], "args": c["args"], "id": _call_id()} for c in read.calls]
        if read.unreadable and not calls:
            log.warning("the model wrote call markup that could not be read")
            self._fall_back(INVALID_CALL)
            return None
        if not calls:
            if reply.cut_short:
                return AIMessage(read.text)
            if self._needs_data() and not self._has_result():
                log.info("the model answered without any tool result; the planner answers")
                self._fall_back(NO_DATA)
                return None
            if ERROR_ECHO.search(shown + read.text):
                log.warning("the model's answer repeats a tool error")
                self._fall_back(NO_DATA)
                return None
            return AIMessage(read.text)
        unknown = sorted({c["name"] for c in calls if c["name"] not in self.tool_inputs})
        if unknown and len(unknown) == len({c["name"] for c in calls}):
            log.warning("the model called unknown tool(s): %s", ", ".join(unknown))
            self._fall_back(UNKNOWN_TOOL.format(tools=", ".join(unknown)))
            return None
        known = [c for c in calls if c["name"] in self.tool_inputs]
        problems = {c["id"]: self._invalid(c) for c in known}
        valid = [c for c in known if problems[c["id"]] is None]
        if not valid:
            if repaired or self._time_left() < MIN_ATTEMPT_S:
                log.warning("the model's calls stayed invalid after a repair")
                self._fall_back(INVALID_CALL)
                return None
            return self._repair(messages, known, problems, stop, kwargs, streaming, shown)
        blocked = self._blocked_writes(valid)
        kept = [c for c in valid if c["name"] not in blocked]
        if blocked:
            log.warning("dropped unrequested write call(s): %s", ", ".join(sorted(blocked)))
            if not kept:
                self._fall_back(UNREQUESTED_WRITE.format(tools=", ".join(sorted(blocked))))
                return None
            self.turn_state.notice(UNREQUESTED_WRITE.format(tools=", ".join(sorted(blocked))))
        return AIMessage(read.text, tool_calls=[{"name": c["name"], "args": c["args"], "id": c["id"], "type": "tool_call"}
                                                for c in kept])

    def _invalid(self, call: dict[str, Any]) -> str | None:
        """Why a call's arguments do not fit its tool's input, in words a model can act on; None when they fit."""
        if not isinstance(call["args"], dict):
            return f"The arguments of {call['name']} must be a JSON object."
        model = self.tool_inputs.get(call["name"])
        if model is None:
            return None
        try:
            model.model_validate(call["args"])
        except ValidationError as exc:
            parts = [f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()[:5]]
            return f"Invalid arguments for {call['name']}: " + "; ".join(parts) + "."
        return None

    def _repair(self, messages: list[BaseMessage], calls: list[dict[str, Any]], problems: dict[str, str | None],
                stop: list[str] | None, kwargs: dict[str, Any], streaming: bool, shown: str) -> AIMessage | None:
        """Show the model what was wrong with its calls and ask once more; its new reply is settled as the step."""
        asked = AIMessage("", tool_calls=[{"name": c["name"], "args": c["args"] if isinstance(c["args"], dict) else {},
                                           "id": c["id"], "type": "tool_call"} for c in calls])
        answers = [ToolMessage(json.dumps({"status": "error", "result": {
            "error": "invalid_arguments", "message": problems[c["id"]] + " Call the tool again with valid arguments."}}),
            tool_call_id=c["id"]) for c in calls]
        reply = None
        for piece in self._ask([*messages, asked, *answers], stop, kwargs, streaming, hold_all=True):
            if isinstance(piece, _Reply):
                reply = piece
        if reply is None:
            return None
        return self._settle(messages, reply, stop, kwargs, streaming, shown, repaired=True)

    def _blocked_writes(self, calls: list[dict[str, Any]]) -> set[str]:
        """Write calls that none of the user's recent messages asks for (a note saying 'create a quote' is data,
        not a request)."""
        proposed = {c["name"] for c in calls if c["name"] in self.write_tools}
        if not proposed:
            return set()
        return proposed - requested_tools(self.turn_state.recent_user_texts)

    def _offline_message(self, messages: list[BaseMessage]) -> AIMessage:
        """The offline planner's reply. Tool calls the LLM already made this turn are answered from their
        results with the planner's templates rather than planned again; when none of them returned data, the
        planner plans the turn itself, seeing none of the model's failed steps."""
        last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=None)
        after = messages[last_human + 1:] if last_human is not None else []
        calls = {c["id"]: c for m in after if isinstance(m, AIMessage) and "tandem_plan" not in m.additional_kwargs
                 for c in m.tool_calls}
        results = [m for m in after if isinstance(m, ToolMessage) and m.tool_call_id in calls
                   and _result_status(m) in ("ok", "pending_confirmation")]
        if not results:
            planned = {c["id"] for m in after if isinstance(m, AIMessage) and "tandem_plan" in m.additional_kwargs
                       for c in m.tool_calls}
            own = [m for m in after if (isinstance(m, AIMessage) and "tandem_plan" in m.additional_kwargs)
                   or (isinstance(m, ToolMessage) and m.tool_call_id in planned)]
            cut = last_human + 1 if last_human is not None else len(messages)
            return self.fallback._generate([*messages[:cut], *own]).generations[0].message
        from assistant.planner.answers import compose_answer, language_of

        language = language_of(str(messages[last_human].content))
        parts = []
        for message in results:
            call = calls[message.tool_call_id]
            body = json.loads(message.content)
            plan = {"tool": call["name"], "args": call.get("args", {}), "language": language, "intent": None}
            parts.append(compose_answer(plan, [body]))
        return AIMessage("\n\n".join(parts))


def _estimate(messages: list[BaseMessage], tools: list[dict[str, Any]]) -> int:
    text = "\n".join(str(m.content) + (json.dumps(getattr(m, "tool_calls", None) or [], ensure_ascii=False, default=str)
                                       if isinstance(m, AIMessage) else "") for m in messages)
    if tools:
        text += "\n" + json.dumps(tools, ensure_ascii=False)
    return count_tokens(text)[0]


def _result_status(message: ToolMessage) -> str | None:
    try:
        return json.loads(message.content).get("status")
    except (TypeError, ValueError, AttributeError):
        return None


def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


def _merged_calls(chunks: list[AIMessageChunk]) -> list[dict[str, Any]]:
    """Native tool-call fragments joined into whole calls (arguments that are not JSON stay as text)."""
    if not chunks:
        return []
    merged = chunks[0]
    for part in chunks[1:]:
        merged = merged + part
    calls = [{"name": c["name"], "args": c["args"], "id": c.get("id")} for c in merged.tool_calls]
    for bad in merged.invalid_tool_calls:
        calls.append({"name": bad.get("name") or "", "args": bad.get("args") or "", "id": bad.get("id")})
    return calls


def _timed_out(exc: Exception) -> bool:
    return isinstance(exc, (openai.APITimeoutError, httpx.TimeoutException))


def _chunk_of(message: AIMessage) -> AIMessageChunk:
    """A whole reply as one chunk, its calls as fragments (arguments that did not parse kept as text)."""
    chunks = [{"name": c["name"], "args": json.dumps(c["args"], ensure_ascii=False), "id": c["id"], "index": i}
              for i, c in enumerate(message.tool_calls)]
    chunks += [{"name": c.get("name"), "args": c.get("args"), "id": c.get("id"), "index": len(chunks) + i}
               for i, c in enumerate(message.invalid_tool_calls)]
    return AIMessageChunk(content=message.content, tool_call_chunks=chunks, usage_metadata=message.usage_metadata,
                          response_metadata=message.response_metadata)


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:12]}"


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


def turn_prompt_token_count(session: Any, actor: Any, question: str, *, now: Any = None,
                            context_length: int | None = None) -> tuple[int, list[str]]:
    """Tokens of system prompt + the tool schemas one turn's first request offers for `question` (asked by
    `actor`), and the names of those tools: what a typical question costs once a role's tools are trimmed."""
    from datetime import datetime, timezone

    from assistant.agent import Assistant
    from assistant.brains.offline import OfflinePlanner
    from assistant.toolkit import tools_for
    from assistant.turn import TurnContext
    from backend.tools.context import ToolContext

    ctx = ToolContext(session=session, actor=actor, channel="test", now=now or datetime.now(timezone.utc))
    turn = TurnContext(tool_ctx=ctx, conversation_id="prompt-size")
    brain = LLMBrain(fallback=OfflinePlanner(), brain_name="prompt-size",
                     context_length=context_length).bind_tools(tools_for(ctx.role))
    system = Assistant(settings=ctx.settings)._system_prompt(ctx)
    messages = [SystemMessage(system), HumanMessage(question)]
    token = current_turn.set(turn)
    try:
        brain._note_user(messages)
        tools = brain._offered_tools(messages) or []
    finally:
        current_turn.reset(token)
    return count_tokens(system + "\n" + json.dumps(tools, ensure_ascii=False))[0], [t["function"]["name"] for t in tools]
