"""The shape every report comes back in (ReportTable) and what a report is asked (ReportRequest)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field

from backend.reports.labels import word
from backend.semantic.periods import Period
from backend.text import say

ColumnType = Literal["text", "money", "int", "percent", "number", "date"]
Cell = str | int | Decimal | None
HUNDRED = Decimal(100)


class Column(BaseModel):
    key: str = Field(description="Key of this column in each row")
    label: str = Field(description="Column heading")
    type: ColumnType = Field(description="text; money (Decimal, in the report's currency); int; percent (12.5 means "
                                         "12.5 %); number (a plain Decimal); date (ISO 8601 text)")


def column(key: str, type: ColumnType, language: str, word_key: str | None = None) -> Column:
    """A column headed with the reports' word for it (`backend.reports.labels.WORDS`; by default the key's own)."""
    return Column(key=key, label=word(word_key or key, language), type=type)


class ChartHint(BaseModel):
    kind: Literal["bar", "line", "pie", "none"]
    x: str | None = Field(None, description="Column key for the categories or time axis")
    y: list[str] = Field(default_factory=list, description="Column keys to plot")
    title: str = ""


class ReportTable(BaseModel):
    """A finished report: columns, rows, totals over all rows, a chart suggestion and the notes that define it."""

    name: str = Field(description="Report name, as passed to run_report")
    title: str
    period: Period = Field(description="The dates covered; for snapshots (aging, open orders, stock) start = end = "
                                       "the as-of date")
    currency: str = Field(description="Currency of every money column: the company's base currency")
    columns: list[Column]
    rows: list[dict[str, Cell]]
    total_rows: int = Field(description="Rows the report has before top_n / the row limit cut it; totals cover all")
    totals: dict[str, int | Decimal] = Field(description="Totals of the additive columns, over all rows")
    chart: ChartHint
    notes: list[str] = Field(description="Definitions and caveats to repeat with the figures")


@dataclass(frozen=True)
class ReportRequest:
    """What to report on. `rep_id` narrows to one sales rep; each report says how (orders they are credited
    with, or customers / opportunities they own)."""

    base_currency: str
    today: date
    as_of: date
    period: Period | None = None
    group_by: str | None = None
    limit: int | None = None
    rep_id: int | None = None
    rep_name: str = "the selected salesperson"
    customer_id: int | None = None
    commission_rate_pct: Decimal = Decimal(3)
    language: str = "en"  # of titles, column headings and notes: "en" or "vi"; figures are written alike
    zone: str = "UTC"     # the company's time zone (for records dated by a timestamp)

    def model(self, session, measures: tuple[str, ...], group_by: tuple[str, ...] = (), *, period: Period | None = None,
              limit: int | None = None, order_by: str | None = None, filters: tuple = (), rep_dimension: str = "owner"):
        """The semantic model's answer for this request: its period, its customer and its salesperson (whose
        rows `rep_dimension` says) as filters. The tool asking has checked the role, so the model sees it all."""
        from datetime import datetime, time, timedelta, timezone

        from backend.semantic.engine import DimensionFilter, Query, Scope, run

        given = list(filters)
        if self.rep_id is not None:
            given.append(DimensionFilter(rep_dimension, (self.rep_id,)))
        if self.customer_id is not None:
            given.append(DimensionFilter("customer", (self.customer_id,)))
        when = period or self.period
        scope = Scope(session=session, base_currency=self.base_currency, today=self.today,
                      now=datetime.combine(self.today + timedelta(days=1), time(0), tzinfo=timezone.utc), zone=self.zone,
                      role="admin")
        text = f"{when.start.isoformat()}..{when.end.isoformat()}" if when is not None else None
        if when is None and self.as_of != self.today:
            text = f"{self.as_of.isoformat()}"
        return run(scope, Query(measures=measures, group_by=group_by, filters=tuple(given), period=text, limit=limit,
                                order_by=order_by, language=self.language))


def share_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def snapshot(day: date, label: str | None = None, language: str = "en") -> Period:
    return Period(start=day, end=day, label=label or say(language, f"As of {day.isoformat()}", f"Tính đến {day.isoformat()}"))


def cut(rows: list[dict[str, Cell]], limit: int | None) -> list[dict[str, Cell]]:
    return rows if limit is None else rows[:limit]


def limit_note(shown: int, total: int, what: str, language: str = "en", what_vi: str = "") -> list[str]:
    if shown >= total:
        return []
    return [say(language, f"Showing the first {shown} of {total:,} {what}; totals and shares are over all {total:,}.",
                f"Hiển thị {shown} trên {total:,} {what_vi}; tổng và tỷ trọng tính trên cả {total:,}.")]
