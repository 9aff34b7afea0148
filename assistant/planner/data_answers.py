"""The answer to a `query_data` result, in English or Vietnamese, short enough to read on a phone.

Every figure shown is read from the result and only formatted here (money to its currency's minor unit with
thousands separators, counts with thousands separators, percentages as "12.5%", days as "N days", dates ISO);
nothing is added up, subtracted or divided: a comparison shows the result's `_previous`, `_change` and
`_change_pct`, a total is the result's `totals`, the highest and lowest rows are picked, not computed.

`hints` (all optional) say what the user asked for beyond the query itself:
  single    true: one thing was asked for ("the biggest customer"): the first row, in a sentence
  extremes  true: "best and worst month": lead with the highest and the lowest rows by the first measure
  today     a date or ISO string: rows of a time grouping that start after it are left out of the extremes
  count_of  the word for a dimension asked "how many" of ("genres"): the number of rows leads the answer
  balances  measure names taken on a day (open receivables, stock...): said "as of <date>" when the result
            has both a period and an as-of day; without it such a result says the period and the balance day
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.money import format_money
from backend.text import say
from backend.words import word

__all__ = ["MAX_LISTED", "answer_query_data"]

MAX_LISTED = 25          # rows listed in one answer; the rest are counted, not shown
MAX_NOTES = 3            # notes repeated under the figures (scope, caveats), definitions left out
_SUMMED = {"money", "count", "quantity"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})$")
_TOOL_TRUNCATION = re.compile(r"^(Showing [\d,]+ of [\d,]+ rows|Hiển thị [\d,]+ trên [\d,]+ dòng)")
_AVERAGE = re.compile(r"\b(average|avg|mean)\b|trung bình", re.IGNORECASE)


# --- formatting one value -------------------------------------------------------------------------------------

def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(value: Any) -> str:
    """'1548' -> '1,548'; '5.60' -> '5.6'; text that is no number as written."""
    number = _decimal(value)
    if number is None:
        return str(value)
    text = format(number.normalize(), ",f")
    return "0" if text in ("-0", "") else text


def _signed(text: str, value: Any) -> str:
    number = _decimal(value)
    return f"+{text}" if number is not None and number > 0 and not text.startswith("+") else text


def _value(value: Any, unit: str, lang: str, currency: str, *, change: bool = False) -> str:
    """One figure as the reader sees it; change=True writes a difference (sign, percentage points)."""
    if value is None:
        return "—"
    number = _decimal(value)
    if unit == "money" and number is not None:
        text = format_money(number, currency or "")
    elif unit == "percent" and number is not None:
        text = f"{value} " + say(lang, "pp", "điểm %") if change else f"{value}%"
    elif unit == "days" and number is not None:
        count = _plain(value)
        text = f"{count} " + say(lang, "day" if number == 1 else "days", "ngày")
    elif unit == "date":
        text = str(value)
    elif number is not None:
        text = _plain(value)
    else:
        text = str(value)
    return _signed(text, value) if change else text


def _pct(value: Any) -> str:
    return _signed(f"{value}%", value)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + say(lang, " and ", " và ") + items[-1]


# --- periods ----------------------------------------------------------------------------------------------------

def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _vi_label(period: dict[str, Any], noun: bool = False) -> str:
    """The Vietnamese name of a period from its dates: 'năm 2026', 'tháng 10/2026', 'quý 3/2026', 'ngày …',
    'từ … đến …' (noun: '… – …')."""
    start, end = _as_date(period.get("start")), _as_date(period.get("end"))
    if start is None or end is None:
        return str(period.get("label") or "")
    if start == end:
        return f"ngày {start.isoformat()}"
    month_end = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == month_end and start.year == end.year:
        if start.month == end.month:
            return f"tháng {start.month}/{start.year}"
        if start.month == 1 and end.month == 12:
            return f"năm {start.year}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"quý {(start.month - 1) // 3 + 1}/{start.year}"
    return f"{start.isoformat()} – {end.isoformat()}" if noun else f"từ {start.isoformat()} đến {end.isoformat()}"


def _en_label(period: dict[str, Any]) -> str:
    label = str(period.get("label") or "")
    if label and not label.startswith(("năm ", "tháng ", "quý ")):
        return label
    start, end = _as_date(period.get("start")), _as_date(period.get("end"))
    if start is None or end is None:
        return label
    if start == end:
        return start.isoformat()
    month_end = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == month_end and start.year == end.year:
        if start.month == end.month:
            return f"{calendar.month_name[start.month]} {start.year}"
        if start.month == 1 and end.month == 12:
            return str(start.year)
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _period_name(period: dict[str, Any], lang: str) -> str:
    """The period as a noun: '2025', 'Q3 2026', 'năm 2025', 'quý 3/2026'."""
    return _vi_label(period, noun=True) if lang == "vi" else _en_label(period)


def _in_period(period: dict[str, Any], lang: str) -> str:
    """The period after a figure's name: 'in 2025', 'on 2026-11-20', 'from … to …', 'năm 2025', 'ngày …'."""
    if lang == "vi":
        return _vi_label(period)
    label = _en_label(period)
    if _ISO_DAY.match(label):
        return f"on {label}"
    if m := _ISO_RANGE.match(label):
        return f"from {m[1]} to {m[2]}"
    if label.startswith(("Today", "Yesterday", "Year to date", "Month to date", "Quarter to date", "Up to ", "Since ")):
        return label[:1].lower() + label[1:]
    if label.startswith(("Last ", "Week ")):
        return ("in the " if label.startswith("Last ") else "in ") + label[:1].lower() + label[1:]
    return f"in {label}"


def _as_of(day: Any, lang: str) -> str:
    return say(lang, f"as of {day}", f"tính đến ngày {day}")


class _When:
    """How the figures of one result are dated: a period for flows, a day for balances, or both."""

    def __init__(self, result: dict[str, Any], lang: str, balances: set[str] | None):
        self.lang = lang
        self.period = result.get("period") or None
        self.as_of = result.get("as_of") or None
        self.balances = balances

    def of(self, measure: str) -> str:
        """Dated words for one measure's figure."""
        if self.period and self.as_of:
            if self.balances is not None:
                return _as_of(self.as_of, self.lang) if measure in self.balances else _in_period(self.period, self.lang)
            return _in_period(self.period, self.lang)
        if self.period:
            return _in_period(self.period, self.lang)
        if self.as_of:
            return _as_of(self.as_of, self.lang)
        return ""

    def of_all(self, measures: list[str]) -> str:
        """Dated words for several measures at once (a lead sentence)."""
        if self.period and self.as_of:
            if self.balances is not None:
                if all(m in self.balances for m in measures):
                    return _as_of(self.as_of, self.lang)
                if not any(m in self.balances for m in measures):
                    return _in_period(self.period, self.lang)
            return _in_period(self.period, self.lang) + say(
                self.lang, f" (balances as of {self.as_of})", f" (số dư tính đến ngày {self.as_of})")
        return self.of(measures[0]) if measures else ""

    def closing(self, measures: list[str]) -> str | None:
        """A sentence for single figures whose balance day was not said beside them."""
        if self.period and self.as_of and self.balances is None:
            return say(self.lang, f"Balances are as of {self.as_of}.", f"Số dư tính đến ngày {self.as_of}.")
        return None


# --- rows -----------------------------------------------------------------------------------------------------

def _is_status(code: str, name: Any) -> bool:
    """A stored status code whose name is its word ('pending_approval' -> 'pending approval' / 'chờ duyệt')."""
    if not code or code != code.lower():
        return False
    return name is None or str(name) in {code, word(code, "en"), word(code, "vi")}


def _dimension_text(row: dict[str, Any], dimension: str, lang: str) -> str:
    code = row.get(dimension)
    name = row.get(f"{dimension}_name")
    if code is None or code == "":
        return str(name) if name else say(lang, "(not set)", "(chưa có)")
    code = str(code)
    if f"{dimension}_start" in row or f"{dimension}_end" in row:      # a time grain
        start, end = row.get(f"{dimension}_start"), row.get(f"{dimension}_end")
        if dimension == "week" and start and end:
            return f"{code} ({start} – {end})"
        return code
    if f"{dimension}_name" in row and _is_status(code, name):
        return word(code, lang)
    if dimension == "payment_method":
        return word(code, lang) if lang == "vi" else code
    if name and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(name)):
        return f"{code} ({name})"   # a document with its date: "SO-2021-000082 (2021-12-18)"
    if name and str(name) != code:
        return f"{name} ({code})"
    return code


def _row_label(row: dict[str, Any], group_by: list[str], lang: str) -> str:
    return ", ".join(_dimension_text(row, d, lang) for d in group_by)


class _Figures:
    """Formats the measures of a row (or of the totals) with their comparison, as the result gives them."""

    def __init__(self, result: dict[str, Any], lang: str):
        self.lang = lang
        self.currency = str(result.get("currency") or "")
        self.measures = [m for m in result.get("measures") or [] if m.get("name")]
        self.compare = bool(result.get("comparison_period")) or any(
            f"{m['name']}_previous" in (result.get("totals") or {}) for m in self.measures)
        self.comparison = result.get("comparison_period") or None
        self.by_currency = result.get("totals_by_currency") or {}

    def native(self, name: str) -> str:
        """' (in the documents' own currency: 50,574.40 USD)' when every document of the total is in another one."""
        sums = self.by_currency.get(name) or {}
        foreign = {c: a for c, a in sums.items() if c != self.currency and a not in (None, 0, "0")}
        if not foreign:
            return ""
        if len(sums) != len(foreign):
            return ""  # a company total with some foreign documents: the base currency says it
        parts = ", ".join(_value(a, "money", self.lang, c) for c, a in sorted(foreign.items()))
        return say(self.lang, f" (in the documents' own currency: {parts})", f" (theo tiền tệ của chứng từ: {parts})")

    def unit(self, name: str) -> str:
        return next((str(m.get("unit") or "") for m in self.measures if m["name"] == name), "")

    def label(self, name: str) -> str:
        return next((str(m.get("label") or name) for m in self.measures if m["name"] == name), name)

    def value(self, row: dict[str, Any], name: str) -> str:
        if row.get(name) is None and any(m["name"] == name and m.get("empty_means_never") for m in self.measures):
            return say(self.lang, "never", "chưa bao giờ")  # never contacted: longer than any number of days
        text = _value(row.get(name), self.unit(name), self.lang, self.currency)
        if row.get(f"{name}_native") is not None and row.get(f"{name}_currency"):
            # a USD deal's value: in USD too, as its document says
            text += f" ({_value(row[f'{name}_native'], 'money', self.lang, row[f'{name}_currency'])})"
        return text

    def with_change(self, row: dict[str, Any], name: str, *, previous_when: str = "") -> str:
        """'5,545,848,061 VND (vs 11,061,583,691 VND in Q3 2026; change -5,515,735,630 VND, -49.9%)'."""
        text = self.value(row, name) + self.share(row, name)
        if not self.compare or f"{name}_previous" not in row:
            return text
        unit, lang = self.unit(name), self.lang
        before = _value(row.get(f"{name}_previous"), unit, lang, self.currency)
        vs = say(lang, f"vs {before}", f"so với {before}") + (f" {previous_when}" if previous_when else "")
        changes = []
        if row.get(f"{name}_change") is not None:
            changes.append(_value(row.get(f"{name}_change"), unit, lang, self.currency, change=True))
        if row.get(f"{name}_change_pct") is not None:
            changes.append(_pct(row.get(f"{name}_change_pct")))
        if changes:
            return f"{text} ({vs}; " + say(lang, "change ", "thay đổi ") + ", ".join(changes) + ")"
        return f"{text} ({vs})"

    def share(self, row: dict[str, Any], name: str) -> str:
        """' (14.21% of all)' beside a row; the totals add the whole: ' (20.05% of all, 3,514,039,056 VND)'."""
        share = row.get(f"{name}_share")
        if share is None:
            return ""
        whole = row.get(f"{name}_whole")
        of = say(self.lang, "of all", "trên tổng")
        if whole is None:
            return f" ({share}% {of})"
        if _decimal(share) == 100:
            return ""   # the whole itself
        return f" ({share}% {of}, {self.value({name: whole}, name)})"

    def all_in_row(self, row: dict[str, Any]) -> str:
        """One measure: its value; several: 'revenue: …; orders: …'."""
        if len(self.measures) == 1:
            return self.with_change(row, self.measures[0]["name"])
        return "; ".join(f"{m['label']}: {self.with_change(row, m['name'])}" for m in self.measures)

    def summed(self) -> bool:
        return all(self.unit(m["name"]) in _SUMMED and not _AVERAGE.search(str(m.get("label") or ""))
                   for m in self.measures)


# --- notes and assumptions ---------------------------------------------------------------------------------

def _other_notes(result: dict[str, Any], skip_first: bool) -> list[str]:
    notes = [str(n) for n in result.get("notes") or [] if n]
    if skip_first and notes:
        notes = notes[1:]
    definitions = {f"{m.get('label')}: {m.get('definition')}" for m in result.get("measures") or []}
    kept = [n for n in notes if n not in definitions and not _TOOL_TRUNCATION.match(n)]
    return kept[:MAX_NOTES]


def _assumed(result: dict[str, Any], lang: str) -> str | None:
    understood = [str(u) for u in result.get("understood") or [] if u]
    if not understood:
        return None
    # "period: 2026 (none was given)" -> "period 2026 (none was given)"
    parts = [re.sub(r"^([^:]{1,40}): ", r"\1 ", u, count=1) for u in understood]
    return say(lang, "Assumed: ", "Giả định: ") + "; ".join(parts) + "."


def _finish(lines: list[str], result: dict[str, Any], lang: str, *, skip_first_note: bool) -> str:
    lines = lines + _other_notes(result, skip_first_note)
    assumed = _assumed(result, lang)
    if assumed:
        lines.append(assumed)
    return "\n".join(line for line in lines if line)


# --- the answer -------------------------------------------------------------------------------------------------

def _what(figures: _Figures, result: dict[str, Any], lang: str) -> str:
    """'Revenue and orders by customer' / 'Doanh thu và số đơn hàng theo khách hàng'."""
    names = _cap(_join([str(m.get("label") or m["name"]) for m in figures.measures], lang))
    group_by = [str(g) for g in result.get("group_by") or []]
    if not group_by:
        return names
    labels = {c.get("key"): str(c.get("label") or c.get("key")) for c in result.get("columns") or []}
    dims = _join([labels.get(d, d) for d in group_by], lang)
    return names + say(lang, f" by {dims}", f" theo {dims}")


def _lead(figures: _Figures, result: dict[str, Any], when: _When, lang: str) -> str:
    names = [m["name"] for m in figures.measures]
    text = _what(figures, result, lang)
    dated = when.of_all(names)
    if dated:
        text += f" {dated}"
    if figures.compare and figures.comparison:
        before = _period_name(figures.comparison, lang)
        text += say(lang, f", compared with {before}", f", so với {before}")
    return text


def _empty(figures: _Figures, result: dict[str, Any], when: _When, lang: str) -> str:
    notes = [str(n) for n in result.get("notes") or [] if n]
    reason = notes[0] if notes else say(lang, "Nothing matches.", "Không có dữ liệu khớp.")
    head = _lead(figures, result, when, lang) + say(lang, ": nothing to show.", ": không có dữ liệu.")
    return _finish([f"{head} {reason}"], result, lang, skip_first_note=True)


def _single_figures(figures: _Figures, result: dict[str, Any], when: _When, lang: str) -> str:
    rows = result.get("rows") or []
    row = rows[0] if rows else (result.get("totals") or {})
    comparison = figures.comparison
    lines = []
    for m in figures.measures:
        name = m["name"]
        dated = when.of(name)
        previous_when = _in_period(comparison, lang) if comparison else ""
        head = _cap(str(m.get("label") or name)) + (f" {dated}" if dated else "")
        shown = (figures.with_change(row, name, previous_when=previous_when) if row.get(name) is not None
                 or row.get(f"{name}_previous") is not None else say(lang, "no figure", "không có số liệu"))
        whole = (result.get("totals") or {}).get(f"{name}_previous_whole")
        if whole is not None and result.get("comparison_whole_period"):
            # the year to date vs the same dates last year, and last year whole
            period = _period_name(result["comparison_whole_period"], lang)
            shown += say(lang, f"; all of {period}: ", f"; cả {period}: ") + figures.value({name: whole}, name)
        lines.append(f"{head}: {shown}{figures.native(name) if row.get(name) is not None else ''}.")
    closing = when.closing([m["name"] for m in figures.measures])
    if closing:
        lines.append(closing)
    if len(figures.measures) == 1 and figures.measures[0].get("definition"):
        lines.append(say(lang, "Definition: ", "Định nghĩa: ") + str(figures.measures[0]["definition"]))
    return _finish(lines, result, lang, skip_first_note=False)


def _single_row(figures: _Figures, result: dict[str, Any], when: _When, lang: str) -> str:
    """'Bólido Comidas preparadas (BOLIDO) — revenue in 2025: 1,175,200,145 VND.'"""
    row = result["rows"][0]
    group_by = [str(g) for g in result.get("group_by") or []]
    label = _row_label(row, group_by, lang)
    month = re.fullmatch(r"(\d{4})-(\d{2})", str(row.get("month") or "")) if group_by == ["month"] else None
    if month:   # "which month had the highest revenue": the month by its name too
        year, number = int(month.group(1)), int(month.group(2))
        label += say(lang, f" ({calendar.month_name[number]} {year})", f" (tháng {number}/{year})")
    parts = []
    for index, m in enumerate(figures.measures):
        name = m["name"]
        dated = when.of(name)
        head = str(m.get("label") or name) + (f" {dated}" if dated and (index == 0 or dated != when.of(
            figures.measures[0]["name"])) else "")
        parts.append(f"{head}: {figures.with_change(row, name)}")
    lines = [f"{label} — " + "; ".join(parts) + "."]
    return _finish(lines, result, lang, skip_first_note=False)


def _first_number(row: dict[str, Any], name: str, unit: str) -> Any:
    value = row.get(name)
    if value is None:
        return None
    if unit == "date":
        return _as_date(value)
    return _decimal(value)


def _extremes(figures: _Figures, result: dict[str, Any], rows: list[dict[str, Any]], lang: str,
              today: Any) -> str | None:
    """'Highest: 2026-08 (3,997,903,292 VND). Lowest: 2026-02 (1,107,030,539 VND).' — read, not computed."""
    if not figures.measures or len(rows) < 2:
        return None
    name = figures.measures[0]["name"]
    unit = figures.unit(name)
    group_by = [str(g) for g in result.get("group_by") or []]
    cutoff = _as_date(today) if today is not None else _as_date(result.get("as_of"))
    time_dims = [d for d in group_by if any(f"{d}_start" in r for r in rows)]
    candidates, ahead = [], []
    for row in rows:
        starts = [_as_date(row.get(f"{d}_start")) for d in time_dims]
        if cutoff is not None and any(s is not None and s > cutoff for s in starts):
            ahead.append(_row_label(row, group_by, lang))
            continue
        value = _first_number(row, name, unit)
        if value is not None:
            candidates.append((value, row))
    if len(candidates) < 2:
        return None
    top = max(v for v, _ in candidates)
    bottom = min(v for v, _ in candidates)

    def named(target: Any) -> str:
        picked = [r for v, r in candidates if v == target]
        others = say(lang, " and others", " và các dòng khác") if len(picked) > 1 else ""
        return f"{_row_label(picked[0], group_by, lang)}{others} ({figures.value(picked[0], name)})"

    text = say(lang, f"Highest: {named(top)}. Lowest: {named(bottom)}.",
               f"Cao nhất: {named(top)}. Thấp nhất: {named(bottom)}.")
    if result.get("truncated"):
        text += say(lang, " (Of the rows shown.)", " (Trong các dòng được hiển thị.)")
    if ahead:
        listed = ", ".join(ahead)
        text += say(lang, f" Left out: {listed}, not begun yet.", f" Bỏ qua {listed} vì chưa bắt đầu.")
    return text


def _more(result: dict[str, Any], listed: int, lang: str) -> str | None:
    """'Showing 10 of 23. Ask for "top 23" to see them all.'"""
    total_rows = result.get("total_rows")
    if not isinstance(total_rows, int) or listed >= total_rows:
        return None
    shown = say(lang, f"Showing {listed} of {total_rows:,}.", f"Hiển thị {listed} trên {total_rows:,}.")
    if total_rows <= MAX_LISTED:
        how = say(lang, f"Ask for \"top {total_rows}\" to see them all.",
                  f"Hãy hỏi \"{total_rows} dòng đầu\" để xem tất cả.")
    elif listed < MAX_LISTED:
        how = say(lang, f"Ask for a higher limit (e.g. \"top {MAX_LISTED}\") to see more.",
                  f"Hãy yêu cầu nhiều dòng hơn (ví dụ \"{MAX_LISTED} dòng đầu\") để xem thêm.")
    else:
        how = say(lang, "Narrow the question (a filter or a shorter period) to see the others.",
                  "Hãy thu hẹp câu hỏi (thêm bộ lọc hoặc rút ngắn kỳ) để xem các dòng còn lại.")
    return f"{shown} {how}"


def _grouped(figures: _Figures, result: dict[str, Any], when: _When, lang: str, hints: dict[str, Any]) -> str:
    rows = list(result.get("rows") or [])
    group_by = [str(g) for g in result.get("group_by") or []]
    lead = _lead(figures, result, when, lang)
    if not rows:
        nothing = say(lang, ": no rows match.", ": không có dòng nào khớp.")
        if hints.get("owed_rows"):
            # "how much is overdue for Hoàng Long Packaging?" when nothing is: none owed, said as such
            nothing = say(lang, ": none — nothing is owed on any document.", ": không có — không chứng từ nào còn nợ.")
        return _finish([lead + nothing], result, lang, skip_first_note=False)
    if hints.get("single"):
        return _single_row(figures, result, when, lang)
    lines = []
    if hints.get("count_of"):
        # "how many genres": how many rows there are, then the rows
        many = result.get("total_rows") if isinstance(result.get("total_rows"), int) else len(rows)
        lines.append(say(lang, f"{many:,} {hints['count_of']} in all.", f"Tổng cộng {many:,} {hints['count_of']}."))
    if hints.get("extremes"):
        extremes = _extremes(figures, result, rows, lang, hints.get("today"))
        if extremes:
            lines.append(extremes)
    counted = result.get("total_rows") if isinstance(result.get("total_rows"), int) else len(rows)
    # how many rows there are, said up front ("which of my orders haven't shipped": 9 of them)
    from backend.semantic.dimensions import DIMENSIONS

    things = bool(group_by) and getattr(DIMENSIONS.get(group_by[0]), "kind", None) == "entity"   # not months or buckets
    lines.append(lead + (say(lang, f" ({counted:,} in all):", f" (tất cả {counted:,}):")
                         if counted >= 2 and things else ":"))
    listed = rows[:MAX_LISTED]
    from assistant.planner.frame import ROW_OF_COUNT

    # "customers in Da Nang" (customers by customer): each row is one of the things counted, listed by name only
    themselves = len(figures.measures) == 1 and bool(group_by) and \
        ROW_OF_COUNT.get(figures.measures[0]["name"]) == group_by[0] and all(
            str(row.get(figures.measures[0]["name"])) == "1" for row in listed)
    for row in listed:
        label = _row_label(row, group_by, lang)
        sep = ": " if len(figures.measures) == 1 else " — "
        lines.append(f"- {label}" if themselves else f"- {label}{sep}{figures.all_in_row(row)}")
    total_rows = result.get("total_rows") if isinstance(result.get("total_rows"), int) else len(rows)
    totals = result.get("totals") or {}
    # a latest date or a day count over all rows is one row's figure again, not a total worth a line
    dated = all(figures.unit(m["name"]) in ("days", "date") for m in figures.measures)
    if total_rows > 1 and totals and not dated and not themselves:
        word_total = say(lang, "Total", "Tổng cộng") if figures.summed() else say(lang, "Overall", "Tính chung")
        if len(listed) < total_rows:
            word_total += say(lang, f" (all {total_rows:,})", f" (cả {total_rows:,})")
        sep = ": " if len(figures.measures) == 1 else " — "
        native = figures.native(figures.measures[0]["name"]) if len(figures.measures) == 1 else ""
        lines.append(f"{word_total}{sep}{figures.all_in_row(totals)}{native}")
    for m in figures.measures:
        # "what share did the top 5 make": the rows shown, together, of the whole
        name = m["name"]
        if totals.get(f"{name}_shown_share") is not None:
            whole = figures.value({name: totals.get(f"{name}_whole")}, name)
            shown = figures.value({name: totals[f"{name}_shown"]}, name)
            lines.append(say(lang, f"The {len(rows)} shown together: {shown}, {totals[f'{name}_shown_share']}% of all "
                                   f"{whole}.",
                             f"{len(rows)} dòng trên cộng lại: {shown}, chiếm {totals[f'{name}_shown_share']}% tổng "
                             f"{whole}."))
    more = _more(result, len(listed), lang)
    if more:
        lines.append(more)
    return _finish(lines, result, lang, skip_first_note=False)


def answer_query_data(result: dict, *, language: str, hints: dict | None = None) -> str:
    """The answer to one query_data result (its JSON-mode dict: Decimals as strings), in `language` ("en"/"vi")."""
    lang = "vi" if language == "vi" else "en"
    hints = dict(hints or {})
    balances = hints.get("balances")
    figures = _Figures(result, lang)
    when = _When(result, lang, set(balances) if balances is not None else None)
    if result.get("empty") and hints.get("owed_rows"):
        # "how much is overdue for Minh Phát?" when nothing is: none owed, said as such (not "nothing to show")
        text = _finish([_lead(figures, result, when, lang) + say(lang, ": none — nothing is owed on any document.",
                                                                 ": không có — không chứng từ nào còn nợ.")],
                       result, lang, skip_first_note=True)
    elif result.get("empty"):
        text = _empty(figures, result, when, lang)
    elif not result.get("group_by"):
        text = _single_figures(figures, result, when, lang)
    else:
        text = _grouped(figures, result, when, lang, hints)
    if hints.get("yes_no"):
        # "is Big Timber overdue on anything?", "does Terhi have an unpaid invoice?": the answer first
        text = _verdict(figures, result, lang) + text
    elif hints.get("yes_no_change") and not result.get("empty") and not result.get("group_by"):
        text = _change_verdict(figures, result, lang, hints["yes_no_change"]) + text
    return text


def _change_verdict(figures: _Figures, result: dict[str, Any], lang: str, direction: str) -> str:
    """'Yes — ' when the figure moved the way the question asks ("did 2024 beat 2023"), 'No — ' when not."""
    totals = result.get("totals") or {}
    name = figures.measures[0]["name"] if figures.measures else None
    try:
        now, before = Decimal(str(totals[name])), Decimal(str(totals[f"{name}_previous"]))
    except (KeyError, TypeError, ArithmeticError, ValueError):
        return ""
    if now == before:
        return say(lang, "No — unchanged: ", "Không — không đổi: ")
    moved = now > before if direction == "up" else now < before
    return say(lang, "Yes — " if moved else "No — ", "Có — " if moved else "Không — ")


def _verdict(figures: _Figures, result: dict[str, Any], lang: str) -> str:
    """'Yes — ' when the figure asked about is there (above zero, or any row), 'No — ' when it is not."""
    if result.get("empty"):
        found = False
    elif result.get("group_by"):
        found = bool(result.get("rows"))
    else:
        row = (result.get("rows") or [result.get("totals") or {}])[0]
        name = figures.measures[0]["name"] if figures.measures else None
        value = row.get(name) if name else None
        try:
            found = value is not None and Decimal(str(value)) > 0
        except (ArithmeticError, ValueError):
            found = value is not None
    return say(lang, "Yes — " if found else "No — ", "Có — " if found else "Không — ")
