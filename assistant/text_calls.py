"""Tool calls that a model wrote as text instead of as native calls, read back into calls.

Small local models (and servers started without a tool-call parser) put the call in the reply's text: Hermes and
Qwen wrap it in `<tool_call>…</tool_call>`, Llama 3.x starts it with `<|python_tag|>`, Mistral with
`[TOOL_CALLS]`, and many simply write a JSON object with a name and arguments, bare or in a fenced block. This
module finds those calls in a whole reply, and tells a stream how much of its text is safe to show before a call
could begin, so that call markup never reaches a person.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Markers that open a call; whatever follows one is held back from the person until the reply is whole.
CALL_MARKERS = ("<tool_call>", "<|python_tag|>", "[TOOL_CALLS]", "<function=", "```", "<think>", "</think>")
# A reasoning model's thinking (Qwen3, DeepSeek-R1 and their distills): never an answer. A template that opens the
# block in the prompt leaves only its end in the reply.
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
THINKING_TAIL = re.compile(r"^.*?</think>", re.DOTALL)
# Tokens of chat templates that leak into text when a server does not parse calls; never shown.
STRAY_TOKENS = re.compile(r"</?tool_call>|<\|python_tag\|>|\[TOOL_CALLS\]|\[ARGS\]|\[CALL_ID\]\w*|<\|eom_id\|>|"
                          r"<\|eot_id\|>|<\|im_end\|>|<\|im_start\|>(assistant)?|</s>|</function>|<\|end\|>")
NAME_KEYS = ("name", "tool", "tool_name", "function")
ARG_KEYS = ("arguments", "parameters", "args", "input", "tool_input")
# A JSON object that opens like a call, anywhere in the text.
CALL_OBJECT = re.compile(r'\{\s*"(?:name|tool|tool_name|function|type)"\s*:')
# A JSON value that starts a line: in a stream, held until it is whole.
LINE_JSON = re.compile(r'(?:^|\n)[ \t]*(\{|\[\s*\{)')
_DECODER = json.JSONDecoder()
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


@dataclass
class TextCalls:
    calls: list[dict[str, Any]] = field(default_factory=list)  # {"name": str, "args": dict | Any}
    text: str = ""            # the reply without the call markup
    unreadable: bool = False  # call markup was there but no call could be read from it


def _as_call(value: Any) -> dict[str, Any] | None:
    """{"name": "x", "arguments": {...}} and its common spellings, or None when the value is no call."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("function"), dict):  # the API's own shape, written out
        inner = dict(value["function"])
        inner.setdefault("id", value.get("id"))
        value = inner
    name = next((value[k] for k in NAME_KEYS if isinstance(value.get(k), str)), None)
    if name is None or not _IDENTIFIER.match(name):
        return None
    present = [k for k in ARG_KEYS if k in value]
    if not present and set(value) - {"name", "id", "type"}:
        return None  # an object that names something but carries no arguments is data, not a call
    args: Any = value[present[0]] if present else {}
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except ValueError:
            pass  # left as text: the caller's validation says what is wrong with it
    return {"name": name.removeprefix("functions."), "args": args if args is not None else {}}


def _calls_in(value: Any) -> list[dict[str, Any]] | None:
    """The calls a JSON value holds (one object or a list of them), or None when it holds none."""
    items = value if isinstance(value, list) else [value]
    calls = [_as_call(item) for item in items]
    if not calls or any(c is None for c in calls):
        return None
    return calls  # type: ignore[return-value]


def _decode_at(text: str, start: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, start)
    except ValueError:
        return None


# Llama 3.2's "pythonic" calls: [check_credit(customer="SAIGONFOODS"), find_products(query="A4")]
PYTHONIC_START = re.compile(r"\[\s*[A-Za-z_][\w.]*\s*\(")
LINE_PYTHONIC = re.compile(r"(?:^|\n)[ \t]*(\[\s*[A-Za-z_][\w.]*\s*\()")


def _pythonic_at(text: str, start: int) -> tuple[list[dict[str, Any]], int] | None:
    """The calls of a pythonic list starting at `start`, and where it ends; only literal keyword arguments are read
    (ast.literal_eval: nothing is ever run), anything else is no call."""
    import ast

    end = text.find("]", start)
    while end != -1:
        try:
            tree = ast.parse(text[start:end + 1], mode="eval").body
        except SyntaxError:
            end = text.find("]", end + 1)
            continue
        if not isinstance(tree, ast.List) or not tree.elts:
            return None
        calls = []
        for node in tree.elts:
            if not isinstance(node, ast.Call) or node.args:
                return None
            name = ast.unparse(node.func)
            if not _IDENTIFIER.match(name):
                return None
            try:
                args = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
            except ValueError:
                return None
            calls.append({"name": name.removeprefix("functions."), "args": args})
        return calls, end + 1
    return None


def _decode_sequence(text: str) -> list[dict[str, Any]] | None:
    """Calls written one after another ("{...}; {...}" after <|python_tag|>, one per line, or a list)."""
    calls: list[dict[str, Any]] = []
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
        if position >= len(text):
            break
        decoded = _decode_at(text, position)
        if decoded is None:
            return None
        found = _calls_in(decoded[0])
        if found is None:
            return None
        calls.extend(found)
        position = decoded[1]
    return calls or None


_HERMES = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.DOTALL)
_FUNCTION_TAG = re.compile(r"<function=([A-Za-z_][\w.\-]*)>(.*?)(?:</function>|$)", re.DOTALL)
_FENCE = re.compile(r"```[ \t]*(?:json|tool_call|tool_code|javascript|js)?[ \t]*\n?(.*?)(?:```|$)", re.DOTALL)
_MISTRAL_NAMED = re.compile(r"\[TOOL_CALLS\]\s*([A-Za-z_][\w.\-]*)\s*(?:\[CALL_ID\]\s*\w+\s*)?\[ARGS\]")


def read_text_calls(text: str) -> TextCalls:
    """Every call written in `text`, and the text left once the calls and their markup are taken out."""
    if not text:
        return TextCalls(text=text or "")
    if "<think>" in text or "</think>" in text:
        text = THINKING.sub("", text)
        text = THINKING_TAIL.sub("", text).strip()
    calls: list[dict[str, Any]] = []
    unreadable = False
    spans: list[tuple[int, int]] = []

    def take(start: int, end: int, found: list[dict[str, Any]] | None) -> None:
        nonlocal unreadable
        spans.append((start, end))
        if found:
            calls.extend(found)
        else:
            unreadable = True

    for match in _HERMES.finditer(text):
        take(match.start(), match.end(), _decode_sequence(match.group(1).strip()))
    for match in _FUNCTION_TAG.finditer(text):
        body = match.group(2).strip()
        decoded = _decode_at(body, 0) if body else ({}, 0)
        take(match.start(), match.end(),
             [{"name": match.group(1), "args": decoded[0]}] if decoded and isinstance(decoded[0], dict) else None)
    for marker in ("<|python_tag|>", "[TOOL_CALLS]"):
        start = text.find(marker)
        while start != -1:
            if not any(a <= start < b for a, b in spans):
                named = _MISTRAL_NAMED.match(text, start) if marker == "[TOOL_CALLS]" else None
                if named:
                    decoded = _decode_at(text, named.end())
                    end = decoded[1] if decoded else len(text)
                    take(start, end, [{"name": named.group(1), "args": decoded[0]}] if decoded else None)
                else:
                    body_start = start + len(marker)
                    end = _end_of_calls(text, body_start)
                    take(start, end, _decode_sequence(_strip_stray(text[body_start:end]).strip()))
            start = text.find(marker, start + 1)
    for match in _FENCE.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        found = _decode_sequence(match.group(1).strip())
        if found:
            take(match.start(), match.end(), found)
    for match in CALL_OBJECT.finditer(text):
        start = match.start()
        if any(a <= start < b for a, b in spans):
            continue
        list_start = _list_opening(text, start)
        decoded = _decode_at(text, list_start)
        found = _calls_in(decoded[0]) if decoded else None
        if found:
            take(list_start, decoded[1], found)
    for match in PYTHONIC_START.finditer(text):
        start = match.start()
        if any(a <= start < b for a, b in spans):
            continue
        found = _pythonic_at(text, start)
        if found:
            take(start, found[1], found[0])
        elif not text[:start].strip() or text[:start].rstrip(" \t").endswith("\n"):  # it starts a line
            take(start, len(text), None)  # a call's markup that can't be read is never shown as an answer
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + rest[end:]
    if STRAY_TOKENS.search(rest):
        unreadable = unreadable or not calls
        rest = STRAY_TOKENS.sub("", rest)
    return TextCalls(calls=calls, text=rest.strip() if spans else rest, unreadable=unreadable and not calls)


def _strip_stray(text: str) -> str:
    return STRAY_TOKENS.sub("", text)


def _end_of_calls(text: str, start: int) -> int:
    """Where the calls after a marker end: the end-of-message token, else the end of the JSON written there."""
    for token in ("<|eom_id|>", "<|eot_id|>"):
        found = text.find(token, start)
        if found != -1:
            return found + len(token)
    position, end = start, start
    while True:
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
        decoded = _decode_at(text, position) if position < len(text) else None
        if decoded is None:
            return end if end > start else len(text)
        position = end = decoded[1]


def _list_opening(text: str, start: int) -> int:
    """A call object inside `[ {...}, {...} ]`: the list's opening bracket, so every call in it is read."""
    before = text[:start].rstrip()
    return len(before) - 1 if before.endswith("[") else start


def hold_from(text: str) -> tuple[int, bool]:
    """For a stream: (index, certain). Text before `index` can be shown now. `certain` means a call may have begun
    at `index`, so everything after it is held until the reply ends; otherwise only a possible start of a marker is
    held ("<tool", a lone "["), and more text decides."""
    positions = [text.find(m) for m in CALL_MARKERS if m in text]
    match = CALL_OBJECT.search(text)
    if match:
        positions.append(match.start())
    line = LINE_JSON.search(text)
    if line:
        positions.append(line.start(1))
    pythonic = LINE_PYTHONIC.search(text)
    if pythonic:
        positions.append(pythonic.start(1))
    if positions:
        return min(positions), True
    for marker in CALL_MARKERS + ('{"',):
        for size in range(min(len(marker) - 1, len(text)), 0, -1):
            if text.endswith(marker[:size]):
                return len(text) - size, False
    tail = re.search(r'(?:^|\n)[ \t]*\[\s*$|\{\s*"?[a-z_]*"?\s*$', text)
    if tail:
        return tail.start() + (1 if text[tail.start()] == "\n" else 0), False
    return len(text), False


class StreamHold:
    """Feeds a stream's text through: returns what can be shown now, keeps what might be a call."""

    def __init__(self, hold_all: bool = False) -> None:
        self.hold_all = hold_all
        self.pending = ""
        self.locked = False
        self.shown = ""

    def feed(self, piece: str) -> str:
        self.pending += piece
        if self.hold_all or self.locked or not self.pending:
            return ""
        index, certain = hold_from(self.pending)
        out, self.pending = self.pending[:index], self.pending[index:]
        self.locked = certain
        self.shown += out
        return out

    def held(self) -> str:
        return self.pending
