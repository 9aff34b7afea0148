"""Grounded answers: every figure an LLM states must appear in this turn's tool results or the user's message.

A figure that appears in neither is flagged in place ("[unverified: 12,345]") and listed under the answer,
so a made-up number is never shown as fact. Readings are generous (1,234.5 and 1.234,5 conventions, "12.3M",
"5 triệu", a percentage as 5 or 0.05, a value rounded to the shown precision): the check exists to catch
invented figures, not to quarrel with formatting.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

MULTIPLIERS: dict[str, Decimal] = {
    "k": Decimal(10) ** 3, "thousand": Decimal(10) ** 3, "thousands": Decimal(10) ** 3, "nghìn": Decimal(10) ** 3,
    "ngàn": Decimal(10) ** 3,
    "m": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "mil": Decimal(10) ** 6, "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6, "tr": Decimal(10) ** 6, "triệu": Decimal(10) ** 6,
    "b": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "billion": Decimal(10) ** 9, "billions": Decimal(10) ** 9,
    "tỷ": Decimal(10) ** 9, "tỉ": Decimal(10) ** 9,
}
# Letters glued to a number that still leave it a plain figure ("20x", "12.000.000đ", "500USD").
PLAIN_SUFFIXES = {"x", "đ", "d", "vnd", "usd", "eur"}

_TOKEN = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)"
    r"|(?P<dmy>\d{1,2}/\d{1,2}/\d{4})"
    r"|(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"|(?P<num>\d+(?:[.,\u00a0\u202f]\d+)*)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONE_GROUP = re.compile(r"^\d{1,3}[.,]\d{3}$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+")
_SPACED_WORD = re.compile(r"[ \u00a0]([^\W\d_]+)")
_LIST_MARKER = re.compile(r"^[ \t>*#-]*$")
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')


@dataclass(frozen=True)
class Figure:
    """A figure as written in a text, with every value it can be read as: (value, step of the last digit shown)."""

    text: str
    start: int
    end: int
    kind: str  # number | percent | date
    readings: tuple[tuple[Decimal, Decimal], ...] = ()
    iso: str | None = None  # dates only


def _readings(raw: str) -> list[tuple[Decimal, Decimal]]:
    """'12,500' -> 12500 (English) or 12.5 (Vietnamese decimal comma); '1.234,5' -> 1234.5; '7' -> 7."""
    text = raw.replace("\u00a0", "").replace("\u202f", "")
    if _ONE_GROUP.match(text):
        # "12,500" / "12.500": one separator before three digits is a thousands separator in both conventions.
        return [(Decimal(text[:-4] + text[-3:]), Decimal(1))]
    found: list[tuple[Decimal, Decimal]] = []
    for thousands, decimal in ((",", "."), (".", ",")):
        head, _, tail = text.partition(decimal)
        if decimal in tail:
            continue
        groups = head.split(thousands)
        if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
            continue
        if thousands in tail:
            continue
        digits = "".join(groups)
        try:
            value = Decimal(f"{digits}.{tail}" if tail else digits)
        except InvalidOperation:
            continue
        step = Decimal(1).scaleb(-len(tail)) if tail else Decimal(1)
        if (value, step) not in found:
            found.append((value, step))
    return found


def _is_list_marker(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return (bool(_LIST_MARKER.match(text[line_start:start])) and end < len(text) and text[end] in ".)"
            and (end + 1 == len(text) or text[end + 1] in " \t\n"))


def _glued_to_identifier(text: str, start: int) -> bool:
    """'Q3', 'A4', 'SO-2026-0012', 'v2': the digits belong to a name, not a figure."""
    if start == 0:
        return False
    before = text[start - 1]
    if before.isalnum() or before == "_":
        return True
    return before in "-/#" and start >= 2 and text[start - 2].isalnum()


def extract_figures(text: str) -> list[Figure]:
    """The figures a reader would take as facts: amounts, decimals, percentages, counts and dates.

    Left out: list numbering ("1."), times ("15:00", "3pm"), digits inside names and codes ("Q3", "A4",
    "SO-2026-0012", "80gsm"), and anything in double quotes, which quotes or gives an example
    (try "quote 20 x A4 paper") rather than states a fact.
    """
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    figures: list[Figure] = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.lastgroup == "time" or _glued_to_identifier(text, start):
            continue
        if any(q_start < start < q_end for q_start, q_end in quoted):
            continue
        if match.lastgroup in ("date", "dmy"):
            if match.lastgroup == "date":
                iso = match.group()[:10]
            else:
                day, month, year = match.group().split("/")
                iso = f"{year}-{int(month):02d}-{int(day):02d}"
            figures.append(Figure(match.group(), start, end, "date", iso=iso))
            continue
        if _is_list_marker(text, start, end):
            continue
        readings = _readings(match.group())
        if not readings:
            continue
        multiplier, kind = Decimal(1), "number"
        glued = _LETTERS.match(text, end)
        if glued:
            word = glued.group().lower()
            if word in MULTIPLIERS and (word != "m" or glued.group() == "M"):
                multiplier, end = MULTIPLIERS[word], glued.end()
            elif word in PLAIN_SUFFIXES:
                end = glued.end()
            else:
                continue  # a unit, ordinal or code: "3pm", "2nd", "80gsm", "2026-Q3" is handled above
        else:
            spaced = _SPACED_WORD.match(text, end)
            if spaced and spaced.group(1).lower() in MULTIPLIERS and len(spaced.group(1)) > 1:
                multiplier, end = MULTIPLIERS[spaced.group(1).lower()], spaced.end()
        if text.startswith("%", end) or text.startswith(" %", end):
            kind, end = "percent", text.index("%", end) + 1
        readings = [(value * multiplier, step * multiplier) for value, step in readings]
        figures.append(Figure(text[start:end], start, end, kind, tuple(readings)))
    return figures


class _Sources:
    """Every number, date and string found in the tool results and the user's message."""

    def __init__(self) -> None:
        self.numbers: set[Decimal] = set()
        self.dates: set[str] = set()
        self.strings: list[str] = []

    def add_text(self, text: str) -> None:
        self.strings.append(text)
        self.dates.update(_ISO_DATE.findall(text))
        for figure in extract_figures(text):
            if figure.iso:
                self.dates.add(figure.iso)
            self.numbers.update(abs(value) for value, _ in figure.readings)
        # Every part of a date or range counts too ("2026-11-20" -> 2026, 11, 20; "1-30" -> 1, 30), but not the
        # digits of a code ("TCK-2026-000017" has no 17 in it; quoted whole, it still matches as text).
        for word in _WORD.findall(text):
            if not _LETTERS.search(word):
                for raw in _NUMBER.findall(word):
                    self.numbers.update(abs(value) for value, _ in _readings(raw))

    def add_value(self, value: Any) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, dict):
            for key, item in value.items():
                self.add_value(str(key))
                self.add_value(item)
        elif isinstance(value, (list, tuple, set)):
            self.numbers.add(Decimal(len(value)))  # "3 open tickets" from a list of three
            for item in value:
                self.add_value(item)
        elif isinstance(value, (int, float, Decimal)):
            self._add_number(str(value))
        else:
            text = str(value)
            self._add_number(text.strip())
            self.add_text(text)

    def _add_number(self, text: str) -> None:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return
        if number.is_finite():
            self.numbers.add(abs(number))


def _supported(figure: Figure, sources: _Sources, ordered: list[Decimal], haystack: str) -> bool:
    if figure.kind == "date":
        return figure.iso in sources.dates
    for value, step in figure.readings:
        targets = [abs(value)] + ([abs(value) / 100] if figure.kind == "percent" else [])
        for target in targets:
            half = (step / 2) if target == abs(value) else (step / 200)
            index = bisect.bisect_left(ordered, target - half)
            if index < len(ordered) and ordered[index] <= target + half:
                return True
    # A figure written exactly as a name or note has it ("3M Vietnam", "Phòng 302") is quoted, not asserted.
    return re.search(rf"(?<![\d.,]){re.escape(figure.text)}(?![\d])", haystack) is not None


def unsupported_figures(answer: str, results: Iterable[Any], user_text: str | None = None) -> list[Figure]:
    sources = _Sources()
    for result in results:
        sources.add_value(result)
    if user_text:
        sources.add_text(user_text)
    ordered = sorted(sources.numbers)
    haystack = "\n".join(sources.strings)
    return [f for f in extract_figures(answer) if not _supported(f, sources, ordered, haystack)]


_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def flag_unsupported(answer: str, results: Iterable[Any], user_text: str | None = None) -> str:
    """Mark each figure found in no tool result (nor the user's message) and say which ones they were."""
    missing = unsupported_figures(answer, results, user_text)
    if not missing:
        return answer
    flagged = answer
    for figure in sorted(missing, key=lambda f: f.start, reverse=True):
        flagged = f"{flagged[:figure.start]}[unverified: {figure.text}]{flagged[figure.end:]}"
    listed = ", ".join(dict.fromkeys(f.text for f in missing))
    if len(_VIETNAMESE.findall(answer)) >= 3:
        note = f"Không tìm thấy trong kết quả tra cứu, chưa được kiểm chứng: {listed}."
    else:
        note = f"Could not verify against the tool results: {listed}."
    return f"{flagged}\n\n{note}"
