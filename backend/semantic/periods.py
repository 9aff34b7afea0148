"""Periods: what people write ("2026-Q3", "last-month", "ytd") turned into inclusive date ranges, and the one rule
for what a report or a query does with one (`resolve_period`).

Relative forms are read against `today` in the company's time zone, so the caller passes it in.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backend.errors import ValidationFailed

ACCEPTED_FORMS = ("2026-10 (a month)", "2026-Q3 (a quarter)", "2026 (a year)", "2026-10-05 (a day)",
                  "2026-01-01..2026-03-31 (a range; either side may also be a month, quarter or year)",
                  "..2025-12-31 (everything up to a day, month, quarter or year)",
                  "ytd", "mtd", "qtd", "today", "yesterday", "last-30-days / last 90 days",
                  "this-week", "last-week", "this-month", "last-month", "this-quarter", "last-quarter",
                  "this-year", "last-year")
MAX_RELATIVE_DAYS = 3660
EARLIEST = date(1900, 1, 1)  # the start of "..2024-12-31", "up to 2024": before any record

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:(\d{4})-?q([1-4])|q([1-4])-?(\d{4}))$")
_YEAR = re.compile(r"^(\d{4})$")
_LAST_DAYS = re.compile(r"^(?:last|past)-(\d{1,5})-days?$")


class Period(BaseModel):
    """An inclusive date range with a human label ("Q3 2026")."""

    model_config = ConfigDict(frozen=True)

    start: date = Field(description="First day, inclusive")
    end: date = Field(description="Last day, inclusive")
    label: str = Field(description="How to name the period to a person")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, 3 * quarter)


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def label_for(start: date, end: date) -> str:
    """The natural name of a range: a day, a month, a quarter, a year, or 'start – end'."""
    if start == end:
        return start.isoformat()
    if start.day == 1 and end == month_end(end.year, end.month):
        if start.year == end.year and start.month == end.month:
            return f"{calendar.month_name[start.month]} {start.year}"
        if start.year == end.year and start.month == 1 and end.month == 12:
            return str(start.year)
        if start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
            return f"Q{quarter_of(start)} {start.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _bad_period(text: str, why: str | None = None) -> ValidationFailed:
    reason = f" ({why})" if why else ""
    return ValidationFailed(f"'{text}' is not a period I understand{reason}.",
                            hint="Use one of: " + "; ".join(ACCEPTED_FORMS) + ".",
                            details={"accepted_forms": list(ACCEPTED_FORMS)})


def _absolute(token: str, original: str) -> tuple[date, date] | None:
    """A day, month, quarter or year written out; None if the token is none of those."""
    try:
        if m := _DAY.match(token):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.match(token):
            year, month = int(m[1]), int(m[2])
            return date(year, month, 1), month_end(year, month)
        if m := _QUARTER.match(token):
            year, quarter = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            return quarter_start(year, quarter), quarter_end(year, quarter)
        if m := _YEAR.match(token):
            year = int(m[1])
            return date(year, 1, 1), date(year, 12, 31)
    except ValueError as exc:  # month 13, 30 February, year 0...
        raise _bad_period(original, str(exc)) from None
    return None


def _relative(token: str, today: date, original: str) -> Period | None:
    year, month, quarter = today.year, today.month, quarter_of(today)
    if token == "today":
        return Period(start=today, end=today, label=f"Today ({today.isoformat()})")
    if token == "yesterday":
        day = today - timedelta(days=1)
        return Period(start=day, end=day, label=f"Yesterday ({day.isoformat()})")
    if token in ("ytd", "year-to-date"):
        start = date(year, 1, 1)
        return Period(start=start, end=today, label=f"Year to date ({start.isoformat()} – {today.isoformat()})")
    if token in ("mtd", "month-to-date"):
        start = date(year, month, 1)
        return Period(start=start, end=today, label=f"Month to date ({start.isoformat()} – {today.isoformat()})")
    if token in ("qtd", "quarter-to-date"):
        start = quarter_start(year, quarter)
        return Period(start=start, end=today, label=f"Quarter to date ({start.isoformat()} – {today.isoformat()})")
    if m := _LAST_DAYS.match(token):
        days = int(m[1])
        if not 1 <= days <= MAX_RELATIVE_DAYS:
            raise ValidationFailed(f"'{original}': the number of days must be between 1 and {MAX_RELATIVE_DAYS}.",
                                   hint="Use for example last-30-days, or a range such as 2020-01-01..2026-06-30.")
        start = today - timedelta(days=days - 1)
        return Period(start=start, end=today, label=f"Last {days} day{'s' if days > 1 else ''} ({start.isoformat()} – {today.isoformat()})")
    if token in ("this-week", "last-week"):
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=1 if token == "last-week" else 0)
        sunday = monday + timedelta(days=6)
        iso = monday.isocalendar()
        return Period(start=monday, end=sunday, label=f"Week {iso.week} of {iso.year} ({monday.isoformat()} – {sunday.isoformat()})")
    if token in ("this-month", "last-month"):
        y, m_ = _add_months(year, month, -1 if token == "last-month" else 0)
        start, end = date(y, m_, 1), month_end(y, m_)
    elif token in ("this-quarter", "last-quarter"):
        y, m_ = _add_months(year, 3 * quarter - 2, -3 if token == "last-quarter" else 0)
        start, end = date(y, m_, 1), month_end(*_add_months(y, m_, 2))
    elif token in ("this-year", "last-year"):
        y = year - 1 if token == "last-year" else year
        start, end = date(y, 1, 1), date(y, 12, 31)
    else:
        return None
    return Period(start=start, end=end, label=label_for(start, end))


def parse_period(text: str, today: date) -> Period:
    """Read a period; relative forms count from `today`. Raises ValidationFailed with the accepted forms."""
    original = (text or "").strip()
    token = re.sub(r"[\s_]+", "-", original.lower())
    token = re.sub(r"-*(\.\.|–|—)-*", "..", token).replace("-to-", "..")
    if not token:
        raise _bad_period(original, "it is empty")
    if ".." in token:
        parts = token.split("..")
        if len(parts) == 2 and not parts[0] and parts[1]:
            right = _absolute(parts[1], original)
            if right is None:
                raise _bad_period(original, "the end of an open range must be a date, month, quarter or year")
            return Period(start=EARLIEST, end=right[1], label=f"Up to {right[1].isoformat()}")
        if len(parts) != 2 or not all(parts):
            raise _bad_period(original, "a range needs exactly two ends, like 2026-01-01..2026-03-31")
        left, right = (_absolute(part, original) for part in parts)
        if left is None or right is None:
            raise _bad_period(original, "both ends of a range must be dates, months, quarters or years")
        start, end = left[0], right[1]
        if end < start:
            raise ValidationFailed(
                f"The period '{original}' ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
                hint=f"Put the earlier date first: {parts[1]}..{parts[0]}.")
        return Period(start=start, end=end, label=label_for(start, end))
    if (found := _absolute(token, original)) is not None:
        return Period(start=found[0], end=found[1], label=label_for(*found))
    if (found := _relative(token, today, original)) is not None:
        return found
    raise _bad_period(original)


def _whole_months(period: Period) -> int | None:
    """How many calendar months the period spans exactly, or None if it does not start and end on month edges."""
    if period.start.day != 1 or period.end != month_end(period.end.year, period.end.month):
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def previous(period: Period) -> Period:
    """The period of the same length immediately before: Q3 → Q2, October → September, 2026 → 2025;
    a range that is not whole months moves back by its number of days."""
    months = _whole_months(period)
    if months is not None:
        y, m = _add_months(period.start.year, period.start.month, -months)
        start = date(y, m, 1)
        end = period.start - timedelta(days=1)
    else:
        end = period.start - timedelta(days=1)
        start = end - timedelta(days=period.days - 1)
    return Period(start=start, end=end, label=label_for(start, end))


def _year_earlier(day: date, keep_month_end: bool) -> date:
    if keep_month_end and day == month_end(day.year, day.month):
        return month_end(day.year - 1, day.month)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


def same_last_year(period: Period) -> Period:
    """The same dates one year earlier (a month end stays a month end, 29 February becomes the 28th)."""
    whole_months = _whole_months(period) is not None
    start = _year_earlier(period.start, keep_month_end=False)
    end = _year_earlier(period.end, keep_month_end=whole_months)
    return Period(start=start, end=end, label=label_for(start, end))


# --- what a report or a query does with a period ------------------------------------------------------------

PeriodUse = Literal["range", "as_of", "filter", "none"]
ALL_TIME = ("all", "all-time", "alltime", "ever", "everything")


def is_all_time(text: str | None) -> bool:
    return bool(text) and re.sub(r"[\s_]+", "-", text.strip().lower()) in ALL_TIME


def period_label(period: Period, language: str) -> str:
    """'October 2026' / 'tháng 10/2026', 'Q3 2026' / 'quý 3/2026', '2026' / 'năm 2026', else the two dates."""
    start, end = period.start, period.end
    if language != "vi":
        return label_for(start, end)
    if start == end:
        return start.isoformat()
    if start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year:
        if start.month == end.month:
            return f"tháng {start.month}/{start.year}"
        if start.month == 1 and end.month == 12:
            return f"năm {start.year}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"quý {quarter_of(start)}/{start.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


@dataclass(frozen=True)
class ResolvedPeriod:
    """What a period means for one report or query: the range of dated records it covers (None: no range), the day
    balances are taken on, and what to tell the reader about it."""

    period: Period | None
    as_of: date
    notes: tuple[str, ...] = ()


def resolve_period(use: PeriodUse, text: str | None, today: date, *, default: str | None = None,
                   language: str = "en", subject: str = "report") -> ResolvedPeriod:
    """The one reading of a period for run_report, write_report and query_data.

    range: records dated in the period (`default` when none is given); as_of: a snapshot at the period's end,
    capped at today (default today); filter: an optional date filter on a snapshot of today; none: today's
    snapshot, and a period is refused."""
    text = (text or "").strip() or None
    if use == "none":
        if text:
            raise ValidationFailed(f"The {subject} is a snapshot of today and takes no period.", hint="Leave period out.")
        return ResolvedPeriod(None, today)
    if use == "range":
        return ResolvedPeriod(parse_period(text or default or "this-year", today), today)
    if text is None or (use in ("as_of", "filter") and is_all_time(text)):
        return ResolvedPeriod(None, today)   # ("all": a snapshot over all the history, as of today; no date filter)
    period = parse_period(text, today)
    if use == "filter":
        return ResolvedPeriod(period, today)
    as_of = min(period.end, today)
    notes: tuple[str, ...] = ()
    if period.end > today:
        if language == "vi":
            notes = (f"{period_label(period, 'vi')} chưa kết thúc nên số liệu tính đến hôm nay ({today.isoformat()}).",)
        else:
            notes = (f"{period.label} has not ended yet, so the figures are as of today ({today.isoformat()}).",)
    return ResolvedPeriod(None, as_of, notes)
