"""The shapes of the semantic model: facts (what rows a number is counted over), dimensions (what it can be grouped
and filtered by) and measures (the number itself), each declared once as data plus SQLAlchemy expressions.

A fact builds its FROM clause through a `Star`, which adds each join a query needs once. A measure says how it is
computed on each fact that can give it; a dimension says, per fact, which column is its key, its label, and what
a filter on it compares.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement

Unit = Literal["money", "count", "quantity", "percent", "days", "date"]
Aggregate = Literal["sum", "count_distinct", "min", "max"]
PeriodRole = Literal["flow", "snapshot", "filter"]


@dataclass(frozen=True)
class Words:
    """A name in both languages, with the synonyms people use for it (the planner reads these)."""

    en: str
    vi: str
    synonyms_en: tuple[str, ...] = ()
    synonyms_vi: tuple[str, ...] = ()

    def __call__(self, language: str | None) -> str:
        return self.vi if language == "vi" else self.en


@dataclass
class Params:
    """What a query's SQL is built with: the base currency, the dates and instants of its period, the asker."""

    base_currency: str
    today: date
    as_of: date
    start: date | None             # first day of the period (None: from the beginning)
    end: date | None               # last day of the period (None: up to now)
    start_at: datetime | None      # the same bounds as UTC instants, for timestamp columns
    end_at: datetime | None
    as_of_end_at: datetime         # the end of the as-of day, UTC
    zone: str
    offset_hours: float
    filtered: frozenset[str] = frozenset()    # dimensions the query filters on


class Star:
    """One fact's FROM clause with the joins a query asks for, each joined once, in dependency order."""

    def __init__(self, fact: "Fact", params: Params):
        self.fact = fact
        self.params = params
        self.source = fact.source(params)
        self.from_clause: Any = self.source
        self._joined: dict[str, Any] = {}

    def col(self, name: str) -> ColumnElement:
        return self.fact.columns[name](self)

    def join(self, name: str) -> Any:
        if name not in self._joined:
            join = self.fact.joins[name]
            target = join.target(self.params)
            onclause = join.on(self, target)  # may join what it depends on first
            self.from_clause = self.from_clause.join(target, onclause, isouter=join.outer)
            self._joined[name] = target
        return self._joined[name]


@dataclass(frozen=True)
class Join:
    target: Callable[[Params], Any]                # a fresh alias of the joined table (or a subquery)
    on: Callable[[Star, Any], ColumnElement]       # (star, target) -> ON clause
    outer: bool = True


@dataclass(frozen=True)
class DimensionSQL:
    """A dimension on one fact: its key (what rows are grouped by), an optional label shown beside it, and the
    expression a filter compares (an id for entities, the stored value otherwise)."""

    key: Callable[[Star], ColumnElement]
    label: Callable[[Star], ColumnElement] | None = None
    filter: Callable[[Star], ColumnElement] | None = None


@dataclass(frozen=True)
class Fact:
    name: str
    noun: Words                                                    # what one row is ("order", "invoice")
    source: Callable[[Params], Any]                                # table or subquery for the period's params
    columns: dict[str, Callable[[Star], ColumnElement]]
    joins: dict[str, Join]
    dimensions: dict[str, DimensionSQL]
    # flow: rows dated in the period; snapshot: a state on the as-of day; filter: a state today, the period
    # filtering a date of the row (an opportunity's expected close date).
    period_role: PeriodRole
    time: Callable[[Star], ColumnElement] | None = None            # the date the period applies to
    time_is_instant: bool = False                                  # a UTC timestamp rather than a date
    conditions: Callable[[Star], list[ColumnElement]] = lambda star: []
    # What a sales rep sees of it: the column holding the employee whose rows they are.
    rep_column: Callable[[Star], ColumnElement] | None = None
    # ... and a second one whose rows they see too (an order of a customer they own, whoever it is credited to)
    rep_also: Callable[[Star], ColumnElement] | None = None
    rep_scope: Words = Words("their own rows", "dữ liệu của họ")
    default_period: str | None = None                              # flows only
    history: bool = True                                           # False: only today's state is kept
    # Flows record what has happened, so a period running past today is counted up to today (records dated later,
    # post-dated or scheduled, are not in it yet); True when the date may lie ahead (a campaign's start).
    planned: bool = False


@dataclass(frozen=True)
class Fx:
    """A money measure kept in each document's currency: summed per currency (and per document where each one is
    converted and rounded on its own), converted to the base currency in Python, exactly."""

    amount: Callable[[Star], ColumnElement]
    currency: Callable[[Star], ColumnElement]
    rate: Callable[[Star], ColumnElement] | None = None       # the document's own rate (base per unit)
    rate_date: Callable[[Star], ColumnElement] | None = None  # or the rate of this date; neither: of the as-of day
    document: Callable[[Star], ColumnElement] | None = None   # convert and round per document
    weight: Callable[[Star], ColumnElement] | None = None     # multiply by weight / 100 (probability)
    condition: Callable[[Star], ColumnElement] | None = None


@dataclass(frozen=True)
class MeasureSQL:
    """How a measure is computed on one fact: an aggregate expression, or a money amount converted through Fx."""

    expr: Callable[[Star], ColumnElement] | None = None
    fx: Fx | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    words: Words
    definition: Words
    unit: Unit
    roles: frozenset[str]
    on: dict[str, MeasureSQL] = field(default_factory=dict)   # fact name -> how (empty for derived measures)
    aggregate: Aggregate = "sum"
    # Derived measures: computed from others after aggregation (a ratio, a difference, days since a date).
    needs: tuple[str, ...] = ()
    derive: Callable[[dict[str, Any], Params], Any] | None = None
    hidden: bool = False                 # a building block of other measures, not offered on its own
    places: int = 0                      # decimals shown for percent / days / quantities
    none_is_infinite: bool = False       # "never" counts as longer than any threshold (days since last contact)
    larger_is_better: bool = True
    # For a count: the things it counts, as people say them ("how many orders", "bao nhiêu đơn hàng").
    counts: Words | None = None
    # A narrower figure of another ("orders shipped" of "orders"): asked together, the narrower one is meant.
    refines: str | None = None
    # A count of the things another measure is positive for ("overdue invoices" of "overdue"): "how many invoices
    # are overdue" is this count.
    counts_of: str | None = None
    # Read over all time unless a period is given ("when did they last order"), not over this year.
    all_time: bool = False

    @property
    def derived(self) -> bool:
        return self.derive is not None

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(self.on)


@dataclass(frozen=True)
class Dimension:
    name: str
    words: Words
    kind: Literal["entity", "category", "status", "time"]
    # The codes a status dimension takes (checked before any SQL runs); None for open-ended values.
    values: tuple[str, ...] | None = None
    grain: str | None = None             # time dimensions: day, week, month, quarter, year
    definition: Words | None = None


def money_ratio(part: str, whole: str):
    """A derived measure: `part` / `whole` in the base currency's minor unit (None without a divisor)."""
    def derive(values: dict[str, Any], params: Params):
        from decimal import Decimal

        from backend.money import round_money

        numerator, denominator = values.get(part), values.get(whole)
        if numerator is None or not denominator:
            return None
        return round_money(Decimal(numerator) / Decimal(denominator), params.base_currency)
    return derive
