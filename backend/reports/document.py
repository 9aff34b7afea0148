"""A report document: the figures, tables, charts and narrative of one finished report, before rendering.

`sources()` is everything the document shows a reader as a figure; the narrative may state a number only if
it is among them (the template narrative by construction, an LLM's draft by a check before publishing).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from backend.reports.labels import Language, show_amount, show_int, show_money, show_pct
from backend.semantic.periods import Period

FigureKind = Literal["money", "int", "percent", "change", "text", "date"]
CellKind = Literal["text", "money", "int", "percent", "change", "date", "number"]
Cell = str | int | Decimal | None


class KeyFigure(BaseModel):
    key: str = Field(description="Stable identifier, e.g. revenue, change_vs_previous_pct")
    label: str = Field(description="What the figure is, in the document's language")
    value: Cell = Field(description="The figure itself: Decimal money in the document currency, int, percent "
                                    "(12.5 means 12.5 %), ISO date or text; null when it does not apply")
    kind: FigureKind
    display: str = Field(description="The figure as the document prints it")


class DocColumn(BaseModel):
    key: str
    label: str
    kind: CellKind


class DocTable(BaseModel):
    key: str
    title: str
    columns: list[DocColumn]
    rows: list[dict[str, Cell]]
    total_row: dict[str, Cell] | None = None
    caption: str | None = None


class DocChart(BaseModel):
    key: str
    title: str
    png: bytes = Field(repr=False)


class ReportDocument(BaseModel):
    report: str
    language: Language
    company: str
    title: str
    period: Period
    period_label: str
    as_of: date
    currency: str
    generated_at: datetime
    key_figures: list[KeyFigure]
    tables: list[DocTable]
    charts: list[DocChart] = Field(default_factory=list)
    narrative: list[str] = Field(default_factory=list)
    narrative_source: Literal["template", "llm"] = "template"
    narrative_notice: str | None = Field(None, description="Why the language model's narrative was not used")
    notes: list[str] = Field(default_factory=list)
    # Facts the narrative templates use that are not printed as such (e.g. which table row is the biggest mover).
    facts: dict[str, Any] = Field(default_factory=dict, exclude=True)

    def figure(self, key: str) -> KeyFigure:
        for item in self.key_figures:
            if item.key == key:
                return item
        raise KeyError(key)

    def value(self, key: str) -> Any:
        return self.figure(key).value

    def table(self, key: str) -> DocTable:
        for item in self.tables:
            if item.key == key:
                return item
        raise KeyError(key)

    def cell_text(self, column: DocColumn, value: Cell) -> str:
        return cell_text(column.kind, value, self.currency, self.language)

    def sources(self) -> dict[str, Any]:
        """Every figure the document prints, raw and as displayed: what a narrative may cite."""
        tables = []
        for table in self.tables:
            rows = [*table.rows, *([table.total_row] if table.total_row else [])]
            tables.append({"title": table.title, "columns": [c.label for c in table.columns],
                           "rows": [{c.key: row.get(c.key) for c in table.columns} for row in rows],
                           "shown": [[self.cell_text(c, row.get(c.key)) for c in table.columns] for row in rows]})
        return {"title": self.title, "period": self.period_label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "as_of": self.as_of.isoformat(), "currency": self.currency,
                "key_figures": [{"label": f.label, "value": f.value, "display": f.display} for f in self.key_figures],
                "tables": tables}


def cell_text(kind: str, value: Cell, currency: str, language: Language) -> str:
    if value is None:
        return show_pct(None, language, signed=True) if kind == "change" else "—"
    if kind == "money":
        return show_amount(Decimal(value), currency)
    if kind == "int":
        return show_int(int(value))
    if kind == "percent":
        return show_pct(Decimal(value), language)
    if kind == "change":
        return show_pct(Decimal(value), language, signed=True)
    return str(value)


def key_figure(key: str, label: str, value: Cell, kind: FigureKind, currency: str, language: Language) -> KeyFigure:
    if value is None:
        display = show_pct(None, language, signed=True) if kind == "change" else "—"
    elif kind == "money":
        display = show_money(Decimal(value), currency)
    else:
        display = cell_text(kind, value, currency, language)
    return KeyFigure(key=key, label=label, value=value, kind=kind, display=display)
