"""Assistant answers as Slack Block Kit: Markdown-ish text to mrkdwn, pipe tables to aligned monospace, the
customer brief as fields, citations as footnotes, previews with Confirm / Cancel — all within Slack's limits.

Every piece of text from the database or the model is escaped (&, <, >), so data can't ping @channel or forge links.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from backend.money import format_money

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks).
SECTION_TEXT_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50
FIELDS_PER_SECTION = 10
FIELD_TEXT_LIMIT = 2000
HEADER_LIMIT = 150
CONTEXT_ELEMENTS_LIMIT = 10
# The notification / screen-reader text of a message with blocks; longer text is cut.
FALLBACK_LIMIT = 300
# A table column wider than this is cut with an ellipsis so rows stay readable on a laptop screen.
COLUMN_WIDTH_LIMIT = 40

CONFIRM_ACTION = "tandem_confirm"
CANCEL_ACTION = "tandem_cancel"
CONFIRMATION_BLOCK = "tandem_confirmation"
CONFIRMATION_NOTE_BLOCK = "tandem_confirmation_note"

Block = dict[str, Any]

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_UNDERSCORE_BOLD = re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
_ITALIC_STAR = re.compile(r"(?<![\*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_NUMERIC = re.compile(r"^[-+−]?[\d.,]+\s*(%|[A-Z]{3})?$|^[-—–]$")


def escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- inline Markdown to mrkdwn --------------------------------------------------------------------------

def _inline(segment: str) -> str:
    """One piece of a line outside code spans: bold, italic, strike and links in Slack's syntax."""
    links: list[str] = []

    def keep_link(match: re.Match) -> str:
        links.append(f"<{match.group(2)}|{match.group(1)}>")
        return f"\x00{len(links) - 1}\x00"

    segment = _LINK.sub(keep_link, segment)
    # Bold first, parked on a marker so that the single-star italic rule does not see it.
    segment = _BOLD.sub(lambda m: f"\x01{m.group(1)}\x01", segment)
    segment = _UNDERSCORE_BOLD.sub(lambda m: f"\x01{m.group(1)}\x01", segment)
    segment = _ITALIC_STAR.sub(lambda m: f"_{m.group(1)}_", segment)
    segment = _STRIKE.sub(lambda m: f"~{m.group(1)}~", segment)
    segment = segment.replace("\x01", "*")
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], segment)


def mrkdwn_line(line: str) -> str:
    """A line of the assistant's Markdown-ish text as Slack mrkdwn (escaped; code spans left as they are)."""
    line = escape(line)
    heading = _HEADING.match(line)
    if heading:
        line = f"**{heading.group(1)}**" if heading.group(1) else ""
    bullet = _BULLET.match(line)
    prefix = ""
    if bullet and not _SEPARATOR.match(line):
        prefix, line = f"{bullet.group(1)}• ", line[bullet.end():]
    parts = line.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code span at all
        parts = [line]
    return prefix + "".join(_inline(part) if i % 2 == 0 else f"`{part}`" for i, part in enumerate(parts))


def plain_text(text: str, limit: int = FALLBACK_LIMIT) -> str:
    """The answer without markup, cut to `limit`: the notification text of a message with blocks."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"^\s*\|?\s*:?-{3,}.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"\n{2,}", "\n", text).strip()
    return escape(_cut(text, limit)) or "Tandem's answer"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- tables ---------------------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [cell.strip().replace("**", "") for cell in line.split("|")]


def table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    """Aligned monospace lines: numbers (amounts, counts, percentages) right-aligned, text left-aligned."""
    count = max([len(header)] + [len(r) for r in rows])
    header = header + [""] * (count - len(header))
    rows = [r + [""] * (count - len(r)) for r in rows]
    numeric = [bool(rows) and all(_NUMERIC.match(r[i]) or not r[i] for r in rows) for i in range(count)]
    widths = [min(COLUMN_WIDTH_LIMIT, max(_width(x) for x in [header[i]] + [r[i] for r in rows])) for i in range(count)]

    def render(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = _fit(cell, widths[i])
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if numeric[i] else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [render(header), rule, *(render(r) for r in rows)]


def _table_sections(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table as code blocks of at most SECTION_TEXT_LIMIT characters each, the header repeated on each."""
    lines = [escape(line) for line in table_lines(header, rows)]
    head, body = lines[:2], lines[2:]
    fence = 8  # "```\n" + "\n```"
    chunks: list[str] = []
    current = list(head)
    for line in body:
        line = _cut(line, SECTION_TEXT_LIMIT - fence - sum(len(h) + 1 for h in head))
        if len("\n".join(current + [line])) + fence > SECTION_TEXT_LIMIT and len(current) > len(head):
            chunks.append("\n".join(current))
            current = list(head)
        current.append(line)
    chunks.append("\n".join(current))
    return [f"```\n{chunk}\n```" for chunk in chunks]


# --- text to sections -----------------------------------------------------------------------------------

def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _split_long(line: str) -> list[str]:
    pieces = []
    while len(line) > SECTION_TEXT_LIMIT:
        cut = line.rfind(" ", 0, SECTION_TEXT_LIMIT)
        cut = cut if cut > SECTION_TEXT_LIMIT // 2 else SECTION_TEXT_LIMIT
        pieces.append(line[:cut])
        line = line[cut:].lstrip()
    return pieces + [line]


def text_blocks(text: str) -> list[Block]:
    """Sections for an answer: text packed into sections of at most 3,000 characters, tables as code blocks."""
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        joined = "\n".join(buffer).strip("\n")
        if joined.strip():
            blocks.append(section(joined))
        buffer.clear()

    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "|" in line and i + 1 < len(lines) and _SEPARATOR.match(lines[i + 1]):
            header = _cells(line)
            rows = []
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(_cells(lines[i]))
                i += 1
            flush()
            blocks.extend(section(chunk) for chunk in _table_sections(header, rows))
            continue
        for piece in _split_long(mrkdwn_line(line)):
            if len("\n".join(buffer + [piece])) > SECTION_TEXT_LIMIT:
                flush()
            buffer.append(piece)
        i += 1
    flush()
    return blocks


# --- the customer brief ---------------------------------------------------------------------------------

def _money(amount: Any, currency: str | None) -> str:
    if amount is None:
        return "—"
    try:
        return format_money(Decimal(str(amount)), currency or "")
    except (InvalidOperation, ValueError):
        return str(amount)


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _cut(f"*{escape(label)}*\n{value}", FIELD_TEXT_LIMIT)}


def _list_section(title: str, items: Iterable[str]) -> Block | None:
    lines = [f"• {item}" for item in items]
    if not lines:
        return None
    return section(_cut(f"*{escape(title)}*\n" + "\n".join(lines), SECTION_TEXT_LIMIT))


def _credit_field(credit: dict[str, Any] | None) -> dict[str, str] | None:
    if not credit:
        return None
    cur = credit.get("currency")
    if not credit.get("limit_configured"):
        value = "No limit set (no credit check configured)"
    elif credit.get("cash_only"):
        value = "Cash only (limit 0)"
    else:
        used = f" ({credit.get('used_pct')}% used)" if credit.get("used_pct") is not None else ""
        value = f"{_money(credit.get('available'), cur)} of {_money(credit.get('credit_limit'), cur)}{used}"
    if credit.get("on_credit_hold"):
        value += "\n:no_entry: On credit hold"
    return _field("Credit available", value)


def brief_blocks(overview: dict[str, Any]) -> list[Block]:
    """customer_overview's result as a card: header, key figures as fields, then the lists worth reading."""
    p = overview.get("profile", {})
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                       "text": _cut(f"{p.get('name')} ({p.get('code')})", HEADER_LIMIT)}}]
    where = ", ".join(escape(x) for x in (p.get("city"), p.get("country")) if x)
    facts = [x for x in (where, escape(p["segment"]) if p.get("segment") else None,
                         f"Owner: {escape(p['owner'])}" if p.get("owner") else "No owner",
                         f"Terms: net {p.get('payment_terms_days')} days") if x]
    blocks.append(section(" · ".join(facts)))

    fields = []
    rev = overview.get("revenue") or {}
    if rev:
        cur = rev.get("currency")
        change = rev.get("change_pct")
        change_text = ""
        if change is not None:
            sign = "+" if Decimal(str(change)) >= 0 else ""
            change_text = f" ({sign}{change}%)"
        fields.append(_field("Revenue YTD", f"{_money(rev.get('year_to_date'), cur)}{change_text}"))
        fields.append(_field("Same period last year", _money(rev.get("same_period_last_year"), cur)))
    inv = overview.get("invoices") or {}
    if inv:
        cur = inv.get("currency")
        fields.append(_field("Open invoices", f"{inv.get('open_count')} · {_money(inv.get('open_amount'), cur)}"))
        oldest = f" (oldest {inv['oldest_overdue_days']} days)" if inv.get("oldest_overdue_days") else ""
        fields.append(_field("Overdue", f"{_money(inv.get('overdue_amount'), cur)}{oldest}"))
    credit = _credit_field(overview.get("credit"))
    if credit:
        fields.append(credit)
    if overview.get("days_since_last_contact") is not None:
        fields.append(_field("Last contact", f"{overview['days_since_last_contact']} days ago"))
    if fields:
        blocks.append({"type": "section", "fields": fields[:FIELDS_PER_SECTION]})

    watch = overview.get("watch_outs") or []
    for extra in (
        _list_section(":warning: Watch out", (escape(w) for w in watch)),
        _list_section("Last orders", (f"{escape(o.get('number', ''))} · {o.get('order_date')} · "
                                      f"{_money(o.get('net_amount'), o.get('currency'))} · {escape(str(o.get('status')))}"
                                      for o in (overview.get("last_orders") or [])[:5])),
        _list_section("Open quotes", (f"{escape(q.get('number', ''))} · {_money(q.get('total'), q.get('currency'))} · "
                                      f"{escape(str(q.get('status')))}, valid until {q.get('valid_until')}"
                                      for q in (overview.get("open_quotes") or [])[:5])),
        _list_section("Open tickets", (f"{escape(t.get('number', ''))} [{escape(str(t.get('priority')))}] "
                                       f"{escape(_cut(t.get('subject') or '', 150))}"
                                       for t in (overview.get("open_tickets") or [])[:5])),
        _list_section("Opportunities", (f"{escape(o.get('name', ''))} · {_money(o.get('amount'), o.get('currency'))} · "
                                        f"{escape(str(o.get('stage')))}, {o.get('probability')}%, closes {o.get('close_date')}"
                                        for o in (overview.get("open_opportunities") or [])[:5])),
        _list_section("Recent contact", (f"{str(i.get('occurred_at'))[:10]} {escape(str(i.get('kind')))}"
                                         + (f" by {escape(i['employee'])}" if i.get("employee") else "")
                                         + f" — “{escape(_cut(i.get('summary') or '', 160))}”"
                                         for i in (overview.get("recent_interactions") or [])[:3])),
        _list_section("Contacts", (", ".join(escape(x) for x in (c.get("name"), c.get("title"), c.get("email"), c.get("phone")) if x)
                                   for c in (overview.get("contacts") or [])[:5])),
    ):
        if extra:
            blocks.append(extra)
    if overview.get("as_of"):
        blocks.append(context([f"Figures as of {overview['as_of']}"]))
    return blocks


# --- footers, confirmations, messages ---------------------------------------------------------------------

def context(texts: list[str]) -> Block:
    elements = [{"type": "mrkdwn", "text": _cut(t, SECTION_TEXT_LIMIT)} for t in texts if t]
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS_LIMIT]}


def citation_blocks(citations: list[dict[str, Any]]) -> list[Block]:
    """Sources as numbered footnotes, each document section once."""
    seen: list[tuple[str, str]] = []
    for c in citations:
        key = (str(c.get("source") or "?"), str(c.get("section") or ""))
        if key not in seen:
            seen.append(key)
    if not seen:
        return []
    notes = [f"[{n}] {escape(source)}" + (f" — {escape(sect)}" if sect else "") for n, (source, sect) in enumerate(seen, 1)]
    return [context([":books: Sources", *notes[:CONTEXT_ELEMENTS_LIMIT - 1]])]


def _date_token(expires_at: Any) -> str | None:
    try:
        moment = expires_at if isinstance(expires_at, datetime) else datetime.fromisoformat(str(expires_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    # Slack shows <!date^...> in each reader's own time zone; the fallback is UTC.
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment:%H:%M} UTC>"


def confirmation_blocks(confirmation: dict[str, Any], asker_user_id: str) -> list[Block]:
    """Confirm / Cancel bound to the confirmation id (the value) and the asking user (the block id)."""
    expires = _date_token(confirmation.get("expires_at"))
    note = f"Nothing is written until <@{asker_user_id}> presses Confirm" + (f"; expires at {expires}." if expires else ".")
    return [
        {"type": "actions", "block_id": f"{CONFIRMATION_BLOCK}:{asker_user_id}", "elements": [
            {"type": "button", "action_id": CONFIRM_ACTION, "style": "primary", "value": confirmation["id"],
             "text": {"type": "plain_text", "text": "Confirm"}},
            {"type": "button", "action_id": CANCEL_ACTION, "value": confirmation["id"],
             "text": {"type": "plain_text", "text": "Cancel"}},
        ]},
        {**context([note]), "block_id": CONFIRMATION_NOTE_BLOCK},
    ]


def split_messages(blocks: list[Block]) -> list[list[Block]]:
    """Messages of at most 50 blocks; a confirmation's buttons and note stay together in the last one."""
    tail: list[Block] = []
    while blocks and str(blocks[-1].get("block_id", "")).startswith((CONFIRMATION_BLOCK, CONFIRMATION_NOTE_BLOCK)):
        tail.insert(0, blocks.pop())
    body = blocks
    messages = [body[i:i + BLOCKS_PER_MESSAGE] for i in range(0, len(body), BLOCKS_PER_MESSAGE)] or [[]]
    if tail:
        if len(messages[-1]) + len(tail) > BLOCKS_PER_MESSAGE:
            messages.append([])
        messages[-1].extend(tail)
    return [m for m in messages if m]


def _single_ok(tool_calls: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    ok = [c for c in tool_calls if c.get("status") == "ok"]
    if len(ok) == 1 and ok[0].get("name") == name and isinstance(ok[0].get("result"), dict):
        return ok[0]["result"]
    return None


def answer_blocks(*, answer: str, tool_calls: list[dict[str, Any]], citations: list[dict[str, Any]],
                  confirmation: dict[str, Any] | None, notices: list[str], brain: str,
                  asker_user_id: str) -> list[Block]:
    """One assistant turn as blocks (not yet split into messages)."""
    overview = _single_ok(tool_calls, "customer_overview")
    blocks: list[Block] = []
    if overview is not None and confirmation is None:
        blocks.extend(brief_blocks(overview))
        # The offline planner's answer is the same brief in words: the card already says all of it. An LLM's
        # answer is its own reading of the figures and is kept.
        if brain != "offline":
            blocks.append({"type": "divider"})
            blocks.extend(text_blocks(_without_notices(answer, notices)))
    else:
        blocks.extend(text_blocks(_without_notices(answer, notices)))
    if not blocks:
        blocks.append(section("Sorry, I have no answer to that. Could you ask it another way?"))
    blocks.extend(citation_blocks(citations))
    if notices:
        blocks.append(context([f"_{escape(n)}_" for n in notices]))
    if confirmation:
        blocks.extend(confirmation_blocks(confirmation, asker_user_id))
    return blocks


def _without_notices(answer: str, notices: list[str]) -> str:
    """The agent appends its notices to the answer as italic lines; here they go to a context block instead."""
    for notice in notices:
        answer = answer.replace(f"\n_{notice}_", "")
    return answer.rstrip()


def outcome_blocks(original: list[Block], outcome: str, footer: str | None = None) -> list[Block]:
    """The preview message once decided: its buttons and note replaced by what happened. `outcome` is the
    assistant's Markdown-ish text; `footer` is mrkdwn of our own (it may mention users)."""
    kept = [b for b in original if b.get("type") != "actions"
            and not str(b.get("block_id", "")).startswith((CONFIRMATION_BLOCK, CONFIRMATION_NOTE_BLOCK))]
    result = text_blocks(outcome) + ([context([footer])] if footer else [])
    room = BLOCKS_PER_MESSAGE - len(result) - 1
    return kept[:max(room, 0)] + [{"type": "divider"}] + result if kept else result
