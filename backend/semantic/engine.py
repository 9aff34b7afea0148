"""Runs a query over the semantic model: measures × group-by × filters × period × comparison × order and limit.

A query is checked against the model first (unknown names, groupings a measure does not have, a measure the role
may not see), then each fact it needs becomes one parameterised SELECT built from the model's expressions — never
SQL text from a caller — run under a time limit and a row cap. Money kept in a document's own currency is
summed per currency (and per document where the rule rounds per document) and converted exactly through the
request's RateBook; ratios and differences are derived after aggregation.
"""
from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, func, null, or_, select, tuple_
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation, PermissionDenied, ValidationFailed
from backend.ledger import RateBook
from backend.money import round_money
from backend.semantic import rules
from backend.semantic.dimensions import DIMENSIONS, TIME_DIMENSIONS
from backend.semantic.facts import FACTS
from backend.semantic.measures import MEASURES
from backend.semantic.model import Fact, Measure, Params, Star
from backend.semantic.periods import (Period, is_all_time, parse_period, period_label, previous, same_last_year)
from backend.semantic.sql import bucket_keys, bucket_label, bucket_range, local_offset_hours, time_limit

ZERO = Decimal(0)
MAX_GROUP_BY = 3
MAX_ROWS = 1000            # rows a query may return when it asks for a limit (None: all of them)
MAX_GROUPS = 200_000       # groups a query may build before it is refused (the row cap)
TIME_LIMIT_S = 10.0
COMPARISONS = ("previous_period", "same_period_last_year")
OPERATORS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq,
             "!=": operator.ne}
EMPTY = "empty"   # the row has no value for the measure ("customers with no credit limit set")


# --- what is asked ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DimensionFilter:
    """Rows whose dimension is (op 'in') or is not (op 'not_in') one of `values`: ids for customers, products,
    owners, warehouses and opportunities, invoice numbers, stored values for the rest (already resolved)."""

    dimension: str
    values: tuple[Any, ...]
    op: str = "in"
    shown: tuple[str, ...] = ()     # how the values read to a person, for the notes


@dataclass(frozen=True)
class Threshold:
    """Keep the rows where `measure op value` (or `measure op other`, another measure of the same row)."""

    measure: str
    op: str
    value: Decimal | None = None
    other: str | None = None


@dataclass(frozen=True)
class Query:
    measures: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    filters: tuple[DimensionFilter, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    period: str | None = None
    compare: str | None = None
    order_by: str | None = None
    order: str | None = None
    limit: int | None = None
    language: str = "en"


@dataclass(frozen=True)
class Scope:
    """Who asks and when: the role decides the measures, `rep_id` narrows a sales rep to their own rows."""

    session: Session
    base_currency: str
    today: date
    now: datetime
    zone: str
    role: str
    rep_id: int | None = None
    rep_name: str = ""


# --- what comes back --------------------------------------------------------------------------------------------

@dataclass
class Result:
    measures: list[str]
    group_by: list[str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    total_rows: int
    truncated: bool
    limit: int | None
    period: Period | None
    as_of: date | None
    comparison: Period | None
    empty: bool
    spans: dict[str, tuple[date, date] | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)
    # money measures over all rows in each document currency, when some documents are not in the base currency
    # (a customer billed in USD): {measure: {currency: amount}}
    totals_by_currency: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # a to-date period compared with the same part of an earlier one: that earlier period whole (totals carry
    # <measure>_previous_whole)
    comparison_whole: Period | None = None


# --- checking a query against the model ------------------------------------------------------------------------

def _names(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))


def public_measures(role: str | None = None) -> list[Measure]:
    return [m for m in MEASURES.values() if not m.hidden and (role is None or role in m.roles)]


def atoms_of(name: str) -> list[str]:
    """The measures computed in SQL that `name` is made of (itself when it is one)."""
    measure = MEASURES[name]
    if not measure.derived:
        return [name]
    found: list[str] = []
    for need in measure.needs:
        found += [a for a in atoms_of(need) if a not in found]
    return found


def _dimensions_of(fact: Fact) -> set[str]:
    return set(fact.dimensions)


def supported_dimensions(name: str) -> set[str]:
    """Every dimension the measure can be grouped or filtered by (on some fact that gives it)."""
    options: set[str] | None = None
    for atom in atoms_of(name):
        dims = set().union(*(_dimensions_of(FACTS[f]) for f in MEASURES[atom].on))
        options = dims if options is None else options & dims
    return options or set()


def check(query: Query, role: str) -> None:
    """Refuse what the model does not have or the role may not see, naming what is allowed."""
    if not query.measures:
        raise ValidationFailed("Say which figure you want.", hint="measures: one or more of " + _names(
            m.name for m in public_measures(role)) + ".")
    for name in query.measures:
        measure = MEASURES.get(name)
        if measure is None or measure.hidden:
            raise ValidationFailed(f"There is no measure called '{name}'.",
                                   hint="Use one of: " + _names(m.name for m in public_measures(role)) + ".")
        if role not in measure.roles:
            raise PermissionDenied(f"You don't have permission to see {measure.words.en} ({name}) as {role}: it is for "
                                   f"{_names(sorted(measure.roles))}.",
                                   hint="Ask a colleague in one of those roles, or for a figure your role sees.")
    if len(query.group_by) > MAX_GROUP_BY:
        raise ValidationFailed(f"Group by at most {MAX_GROUP_BY} dimensions.", hint="Drop a grouping.")
    if len(set(query.group_by)) != len(query.group_by):
        raise ValidationFailed("A dimension is named twice in group_by.", hint="Name each grouping once.")
    if sum(1 for d in query.group_by if d in TIME_DIMENSIONS) > 1:
        raise ValidationFailed("Group by one time grain at most (day, week, month, quarter or year).",
                               hint="Keep one of " + ", ".join(d for d in query.group_by if d in TIME_DIMENSIONS) + ".")
    used = list(query.group_by) + [f.dimension for f in query.filters]
    for name in used:
        if name not in DIMENSIONS:
            raise ValidationFailed(f"There is no dimension called '{name}'.", hint="Use one of: " + _names(DIMENSIONS) + ".")
    for name in query.measures:
        allowed = supported_dimensions(name)
        for dim in used:
            if dim not in allowed:
                raise ValidationFailed(
                    f"{MEASURES[name].words.en.capitalize()} ({name}) can't be grouped or filtered by {dim}.",
                    hint=f"{name} goes by: {_names(allowed) or 'nothing (a single figure)'}.")
    for f in query.filters:
        if f.op not in ("in", "not_in"):
            raise ValidationFailed(f"Unknown filter operation '{f.op}'.", hint="Use in or not_in.")
        if not f.values:
            raise ValidationFailed(f"The filter on {f.dimension} has no values.", hint="Give at least one value.")
    for t in query.thresholds:
        for name in (t.measure, t.other):
            if name is None:
                continue
            if name not in MEASURES or MEASURES[name].hidden:
                raise ValidationFailed(f"There is no measure called '{name}' to compare.",
                                       hint="Use one of: " + _names(m.name for m in public_measures(role)) + ".")
            if role not in MEASURES[name].roles:
                raise PermissionDenied(f"You don't have permission to see {name} as {role}: it is for "
                                       f"{_names(sorted(MEASURES[name].roles))}.")
        if t.op not in OPERATORS and t.op != EMPTY:
            raise ValidationFailed(f"Unknown comparison '{t.op}'.",
                                   hint="Use one of " + " ".join(OPERATORS) + f" or {EMPTY}.")
        if t.op == EMPTY:
            if t.value is not None or t.other is not None:
                raise ValidationFailed(f"'{EMPTY}' takes no value: it keeps the rows where {t.measure} has none.",
                                       hint=f"e.g. {{\"measure\": \"credit_limit\", \"op\": \"{EMPTY}\"}}")
        elif (t.value is None) == (t.other is None):
            raise ValidationFailed(f"The condition on {t.measure} needs either a value or another measure.",
                                   hint="e.g. {\"measure\": \"max_days_overdue\", \"op\": \">\", \"value\": 60}")
    if query.compare is not None and query.compare not in COMPARISONS and not _is_period(query.compare):
        raise ValidationFailed(f"Unknown comparison '{query.compare}'.",
                               hint="Use " + " or ".join(COMPARISONS) + ", or a period to compare with (e.g. 2024-08).")
    if query.order_by is not None:
        known = set(query.measures) | {t.measure for t in query.thresholds} | set(query.group_by)
        if query.order_by not in known:
            raise ValidationFailed(f"Can't order by '{query.order_by}': it is neither a measure nor a grouping of this "
                                   "query.", hint="Order by one of: " + _names(known) + ".")
    if query.order not in (None, "asc", "desc"):
        raise ValidationFailed(f"Unknown order '{query.order}'.", hint="Use asc or desc.")
    if query.limit is not None and not 1 <= query.limit <= MAX_ROWS:
        raise ValidationFailed(f"limit must be between 1 and {MAX_ROWS}.", hint=f"Ask for at most {MAX_ROWS} rows.")
    for dim in used:
        values = DIMENSIONS[dim].values
        if values is None:
            continue
        for f in query.filters:
            if f.dimension == dim:
                wrong = [v for v in f.values if v not in values]
                if wrong:
                    raise ValidationFailed(f"{', '.join(map(str, wrong))} is not a {DIMENSIONS[dim].words.en}.",
                                           hint=f"{dim} takes: {', '.join(values)}.")


def _all_measures(query: Query) -> list[str]:
    names = list(query.measures)
    for t in query.thresholds:
        names += [n for n in (t.measure, t.other) if n and n not in names]
    return names


def _choose_facts(atoms: list[str], dims: set[str], *, coarse: bool = False) -> dict[str, list[str]]:
    """Fact -> the atoms computed on it. Each atom goes to a fact that has every dimension used; where an atom
    has a choice, to one already chosen, so related figures share one statement — or, `coarse`, to the first
    (the coarsest: orders before order lines), so a ranking reads the smallest table."""
    chosen: dict[str, list[str]] = {}
    pending = []
    for atom in atoms:
        options = [f for f in MEASURES[atom].on if dims <= _dimensions_of(FACTS[f])]
        if len(options) == 1 or (coarse and options):
            chosen.setdefault(options[0], []).append(atom)
        else:
            pending.append((atom, options))
    for atom, options in pending:
        shared = [f for f in options if f in chosen]
        chosen.setdefault((shared or options)[0], []).append(atom)
    return chosen


# --- periods ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Dates:
    period: Period | None      # flows: the range (None: all time); filter facts: the date filter
    as_of: date                # snapshots
    comparison: Period | None = None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:
        return ZoneInfo("UTC")


def _params(scope: Scope, dates: _Dates, fact: Fact, filtered: frozenset[str]) -> Params:
    zone = _zone(scope.zone)
    period = dates.period if fact.period_role in ("flow", "filter") else None

    def instant(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)

    as_of = dates.as_of if fact.history else scope.today
    start, end = (period.start, period.end) if period else (None, None)
    if fact.period_role == "flow" and not fact.planned and fact.time is not None and (end is None or end > scope.today):
        end = scope.today  # Fact.planned: what is dated after today has not happened yet
    return Params(base_currency=scope.base_currency, today=scope.today, as_of=as_of, start=start, end=end,
                  start_at=instant(start) if start else None,
                  end_at=instant(end + timedelta(days=1)) if end else None,
                  as_of_end_at=min(instant(as_of + timedelta(days=1)), scope.now) if as_of >= scope.today
                  else instant(as_of + timedelta(days=1)),
                  zone=scope.zone, offset_hours=local_offset_hours(scope.zone, instant(period.start) if period else scope.now),
                  filtered=filtered)


# --- building the statements -----------------------------------------------------------------------------------

def _where(star: Star, scope: Scope, filters: tuple[DimensionFilter, ...], *, with_period: bool = True) -> list[Any]:
    fact, p = star.fact, star.params
    conditions = list(fact.conditions(star))
    if with_period and fact.time is not None and fact.period_role in ("flow", "filter"):
        column = fact.time(star)
        if fact.time_is_instant:
            conditions += [c for c in (column >= p.start_at if p.start_at else None,
                                       column < p.end_at if p.end_at else None) if c is not None]
        else:
            conditions += [c for c in (column >= p.start if p.start else None,
                                       column <= p.end if p.end else None) if c is not None]
    if scope.rep_id is not None and fact.rep_column is not None:
        if fact.rep_also is not None:
            conditions.append(or_(fact.rep_column(star) == scope.rep_id, fact.rep_also(star) == scope.rep_id))
        else:
            conditions.append(fact.rep_column(star) == scope.rep_id)
    for f in filters:
        dim = fact.dimensions[f.dimension]
        target = (dim.filter or dim.key)(star)
        values = list(f.values)
        conditions.append(target.in_(values) if f.op == "in" else (target.not_in(values) | target.is_(None)))
    return conditions


def _dimension_columns(star: Star, group_by: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    """(the SELECT columns, the GROUP BY expressions) of the query's dimensions: key, and the label beside it."""
    columns, groups = [], []
    for name in group_by:
        dim = star.fact.dimensions[name]
        key = dim.key(star)
        columns.append(key.label(f"k_{name}"))
        groups.append(key)
        if dim.label is not None:
            label = dim.label(star)
            columns.append(label.label(f"l_{name}"))
            groups.append(label)
    return columns, groups


@dataclass
class _Statement:
    fact: Fact
    stmt: Any
    kind: str                      # plain | fx
    atoms: list[str]
    params: Params


def _plain_statement(fact: Fact, scope: Scope, dates: _Dates, query: Query, atoms: list[str],
                     filtered: frozenset[str], keys: list[tuple] | None = None) -> _Statement:
    """`keys`: only the groups with these keys (the ones a ranking showed)."""
    params = _params(scope, dates, fact, filtered)
    star = Star(fact, params)
    dims, groups = _dimension_columns(star, query.group_by)
    measures = [MEASURES[a].on[fact.name].expr(star).label(f"m_{a}") for a in atoms if MEASURES[a].on[fact.name].expr]
    conditions = _where(star, scope, query.filters)
    if keys is not None:
        key_columns = [fact.dimensions[name].key(star) for name in query.group_by]
        if len(key_columns) == 1:
            present = [k[0] for k in keys if k[0] is not None]
            match = key_columns[0].in_(present)
            conditions.append(match | key_columns[0].is_(None) if len(present) < len(keys) else match)
        else:
            conditions.append(tuple_(*key_columns).in_(keys))
    stmt = select(*dims, *measures, func.count().label("n_rows")).select_from(star.from_clause).where(*conditions)
    if groups:
        stmt = stmt.group_by(*groups)
    return _Statement(fact, stmt, "plain", [a for a in atoms if MEASURES[a].on[fact.name].expr], params)


def _fx_statement(fact: Fact, scope: Scope, dates: _Dates, query: Query, atom: str, filtered: frozenset[str]) -> _Statement:
    """Sums of a money measure per currency; a foreign currency also per rate (or rate date) and per document
    where the rule converts and rounds each document; rows in the base currency collapse into one per group."""
    params = _params(scope, dates, fact, filtered)
    star = Star(fact, params)
    fx = MEASURES[atom].on[fact.name].fx
    dims, groups = _dimension_columns(star, query.group_by)
    currency = fx.currency(star)
    foreign = currency != params.base_currency
    extra = [currency.label("fx_currency")]
    group_extra = [currency]

    def foreign_only(expr, name: str):
        value = case((foreign, expr), else_=null())
        extra.append(value.label(name))
        group_extra.append(value)

    if fx.rate is not None:
        foreign_only(fx.rate(star), "fx_rate")
    if fx.rate_date is not None:
        foreign_only(fx.rate_date(star), "fx_date")
    if fx.document is not None:
        foreign_only(fx.document(star), "fx_document")
    if fx.weight is not None:
        weight = fx.weight(star)
        extra.append(weight.label("fx_weight"))
        group_extra.append(weight)
    amount = fx.amount(star)
    if fx.condition is not None:
        amount = case((fx.condition(star), amount), else_=null())
    conditions = _where(star, scope, query.filters)
    stmt = (select(*dims, *extra, func.sum(amount).label("fx_amount"), func.count(amount).label("fx_count"))
            .select_from(star.from_clause).where(*conditions).group_by(*groups, *group_extra))
    return _Statement(fact, stmt, "fx", [atom], params)


# --- running and folding ---------------------------------------------------------------------------------------

def _fetch(session: Session, stmt: Any) -> list[Any]:
    """Rows of one statement (run inside `run`'s time limit), refused past the row cap."""
    result = session.connection().execute(stmt)
    rows = result.fetchmany(MAX_GROUPS + 1)
    if len(rows) > MAX_GROUPS:
        raise BusinessRuleViolation(f"The query makes more than {MAX_GROUPS:,} groups; nothing was returned.",
                                    hint="Group by fewer or coarser dimensions, or filter it.")
    return rows


def _key_of(row: Any, group_by: tuple[str, ...]) -> tuple:
    mapping = row._mapping
    return tuple(mapping[f"k_{name}"] for name in group_by)


@dataclass
class _Group:
    labels: dict[str, Any] = field(default_factory=dict)
    atoms: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    native: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # fx atom -> currency -> amount


def _fold(statements: list[_Statement], scope: Scope, book: RateBook, query: Query) -> dict[tuple, _Group]:
    groups: dict[tuple, _Group] = {}
    for st in statements:
        for row in _fetch(scope.session, st.stmt):
            key = _key_of(row, query.group_by)
            group = groups.setdefault(key, _Group())
            mapping = row._mapping
            for name in query.group_by:
                if f"l_{name}" in mapping and mapping[f"l_{name}"] is not None:
                    group.labels[name] = mapping[f"l_{name}"]
            if st.kind == "plain":
                group.rows += mapping["n_rows"] or 0
                for atom in st.atoms:
                    _merge(group.atoms, atom, mapping[f"m_{atom}"])
            else:
                _fold_fx(group, st, mapping, book)
    return groups


def _merge(values: dict[str, Any], atom: str, value: Any) -> None:
    if value is None:
        values.setdefault(atom, None)
        return
    if isinstance(value, float):
        value = Decimal(repr(value))
    current = values.get(atom)
    if current is None:
        values[atom] = value
        return
    how = MEASURES[atom].aggregate
    if how == "min":
        values[atom] = min(current, value)
    elif how == "max":
        values[atom] = max(current, value)
    else:
        values[atom] = current + value


def _fold_fx(group: _Group, st: _Statement, row: Any, book: RateBook) -> None:
    atom = st.atoms[0]
    amount, currency = row["fx_amount"], row["fx_currency"]
    if amount is None or not row["fx_count"]:
        group.atoms.setdefault(atom, None)
        return
    base = st.params.base_currency
    native = amount * Decimal(row["fx_weight"]) / 100 if row.get("fx_weight") is not None else amount
    by_currency = group.native.setdefault(atom, {})
    by_currency[currency] = by_currency.get(currency, ZERO) + native
    if currency != base:
        if row.get("fx_rate") is not None:
            rate = row["fx_rate"]
        else:
            on = row.get("fx_date") or st.params.as_of
            rate = rules.rate_or_refuse(book, currency, on, MEASURES[atom].words.en)
        amount = amount * rate
        if row.get("fx_document") is not None:
            amount = round_money(amount, base)
    if row.get("fx_weight") is not None:
        amount = amount * Decimal(row["fx_weight"]) / 100
    _merge(group.atoms, atom, amount)


def _finish(values: dict[str, Any], names: list[str], params: Params) -> dict[str, Any]:
    """The query's measures from the atoms of one group (derived ones computed here), rounded as shown."""
    done = dict(values)

    def value_of(name: str) -> Any:
        if name in done and not MEASURES[name].derived:
            return done[name]
        measure = MEASURES[name]
        if measure.derived:
            inputs = {need: value_of(need) for need in measure.needs}
            done[name] = measure.derive(inputs, params)
        return done.get(name)

    out = {}
    for name in names:
        out[name] = _shown(MEASURES[name], value_of(name), params.base_currency)
    return out


def _shown(measure: Measure, value: Any, base: str) -> Any:
    if measure.unit in ("count", "quantity"):
        return int(value or 0)
    if value is None:
        return None if measure.unit != "money" or measure.name in _MAY_BE_EMPTY else ZERO
    if measure.unit == "money":
        return round_money(Decimal(value), base)
    if measure.unit == "date":
        return value
    if measure.unit in ("percent", "days"):
        if isinstance(value, (date, datetime)):
            return value
        quantum = Decimal(1).scaleb(-measure.places)
        shown = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
        return int(shown) if measure.places == 0 else shown
    return value


# Money measures that are empty rather than zero when nothing is there: no credit limit set is not a limit of 0.
_MAY_BE_EMPTY = {"credit_limit", "available_credit", "average_order_value", "gross_margin"}
_MAY_BE_EMPTY |= {"cac", "clv"}  # no customer acquired (or delivered to): no figure rather than 0


def _passes(row: dict[str, Any], thresholds: tuple[Threshold, ...], as_of: date | None = None) -> bool:
    """Whether a row passes every threshold. A date measure against a number is the date that many days from the
    day: `invoice_due_date <= 7` keeps what falls due within a week (negative: before the day)."""
    for t in thresholds:
        left = row.get(t.measure)
        if isinstance(left, datetime):
            left = left.date()
        if isinstance(left, date) and as_of is not None and t.other is None:
            left = (left - as_of).days
        if t.op == EMPTY:
            if left is not None:
                return False
            continue
        right = row.get(t.other) if t.other else t.value
        if left is None and MEASURES[t.measure].none_is_infinite:
            if t.op in (">", ">=", "!="):
                continue
            return False
        if left is None or right is None:
            return False
        if not OPERATORS[t.op](Decimal(left), Decimal(right)):
            return False
    return True


# --- the query --------------------------------------------------------------------------------------------------

def _dates(scope: Scope, query: Query, facts: list[Fact]) -> tuple[_Dates, list[str], list[str]]:
    """The period the query covers, what was assumed, and what to tell the reader."""
    today = scope.today
    defaults, notes = [], []
    flows = [f for f in facts if f.period_role == "flow"]
    text = (query.period or "").strip() or None
    if text is not None and is_all_time(text):
        period = None
    elif text is not None:
        period = parse_period(text, today)
    elif flows and all(MEASURES[m].all_time for m in query.measures):
        period = None  # "when did they last order": over all time
    elif flows:
        default = flows[0].default_period or "this-year"
        period = parse_period(default, today)
        defaults.append(_say(query.language, f"period: {period.label} (none was given)",
                             f"kỳ: {period_label(period, 'vi')} (không nêu kỳ)"))
    else:
        period = None
    if period is not None and any(f.period_role == "snapshot" for f in facts):
        as_of = min(period.end, today)
        if period.end > today and not flows:
            notes.append(_say(query.language, f"{period.label} has not ended yet, so balances are as of today "
                                              f"({today.isoformat()}).",
                              f"{period_label(period, 'vi')} chưa kết thúc nên số dư tính đến hôm nay ({today.isoformat()})."))
    else:
        as_of = today
    if any(f.period_role == "snapshot" and not f.history for f in facts) and as_of < today:
        notes.append(_say(query.language, f"Stock and pipeline stages are kept for today only, so those figures are as "
                                          f"of today ({today.isoformat()}), not {as_of.isoformat()}.",
                          f"Tồn kho và giai đoạn cơ hội chỉ lưu cho hôm nay, nên các số đó tính đến hôm nay "
                          f"({today.isoformat()}), không phải {as_of.isoformat()}."))
    return _Dates(period, as_of), defaults, notes


def _say(language: str, en: str, vi: str) -> str:
    return vi if language == "vi" else en


def run(scope: Scope, query: Query) -> Result:
    """The answer to `query` as `scope` sees it; every statement runs under one time limit.

    When no period was given and the default one (this year, this month) holds nothing, the figures are read over
    all time instead, and the answer says so: a company whose records end last year is not "empty"."""
    check(query, scope.role)
    with time_limit(scope.session, TIME_LIMIT_S):
        result = _run(scope, query)
        if result.empty and query.period is None and result.period is not None and not query.compare:
            wider = _run(scope, replace(query, period="all"))
            if not wider.empty:
                label = period_label(result.period, query.language)
                wider.defaults = [_say(query.language, f"period: all time (nothing in {label}, the default)",
                                       f"kỳ: toàn bộ thời gian (không có dữ liệu {label}, kỳ mặc định)")]
                return wider
        return result


def _run(scope: Scope, query: Query) -> Result:
    names = _all_measures(query)
    atoms: list[str] = []
    for name in names:
        atoms += [a for a in atoms_of(name) if a not in atoms]
    dims = set(query.group_by) | {f.dimension for f in query.filters}
    chosen = _choose_facts(atoms, dims)
    facts = [FACTS[name] for name in chosen]
    dates, defaults, notes = _dates(scope, query, facts)
    if query.compare and all(f.period_role != "flow" for f in facts) and dates.period is None and not query.period:
        raise ValidationFailed("A comparison needs a period to compare with.",
                               hint="Give a period, e.g. this-month with compare previous_period.")
    book = RateBook(scope.session, scope.base_currency)
    for plan in (_choose_facts(atoms, dims, coarse=True), chosen):
        if _can_push_down(query, plan):
            return _pushed_down(scope, query, plan, dates, names, defaults, notes)
    current = _compute(scope, query, chosen, dates, book, names)
    comparison_dates = comparison_whole = None
    if query.compare:
        comparison_dates = _comparison(dates, query.compare, scope)
        before = _compute(scope, replace(query, limit=None), chosen, comparison_dates, book, names)
        _attach_comparison(current, before, query)
        whole = _whole_comparison(query, comparison_dates, scope) if not query.group_by else None
        if whole is not None:
            # "this year vs last year" in December: the year to date against the same dates, and all of last year
            full = _compute(scope, replace(query, limit=None), chosen, whole, book, names)
            for name in query.measures:
                current["totals"][f"{name}_previous_whole"] = full["totals"].get(name)
            comparison_whole = whole.period
    rows, totals, groups_found = current["rows"], current["totals"], current["groups"]
    by_currency = _by_currency(current["kept"], query, scope.base_currency)
    ordered = _order(rows, query)
    limit = query.limit
    shown = ordered[:limit] if limit is not None else ordered
    empty = groups_found == 0
    spans = _spans(scope, query, facts, dates) if empty else {}
    return Result(measures=list(query.measures), group_by=list(query.group_by), rows=shown, totals=totals,
                  total_rows=len(ordered), truncated=len(shown) < len(ordered), limit=limit,
                  period=dates.period, as_of=dates.as_of if any(f.period_role == "snapshot" for f in facts) else None,
                  comparison=comparison_dates.period if comparison_dates else None, empty=empty, spans=spans,
                  notes=notes, defaults=defaults, totals_by_currency=by_currency, comparison_whole=comparison_whole)


def _native_amounts(group: _Group, query: Query, base: str) -> dict[str, Any]:
    """A row whose documents are all in one other currency (a deal in USD): each money figure in that currency too,
    as <measure>_native and <measure>_currency."""
    out: dict[str, Any] = {}
    for name in query.measures:
        measure = MEASURES[name]
        if measure.unit != "money" or measure.derived or measure.aggregate != "sum":
            continue
        sums = group.native.get(name, {})
        if len(sums) == 1:
            currency, amount = next(iter(sums.items()))
            if currency != base:
                out[f"{name}_native"], out[f"{name}_currency"] = round_money(amount, currency), currency
    return out


def _by_currency(kept: list[_Group], query: Query, base: str) -> dict[str, dict[str, Decimal]]:
    """Each money measure that is summed straight from documents, per document currency, over the rows kept —
    only when some of it is in another currency than the base."""
    out: dict[str, dict[str, Decimal]] = {}
    for name in query.measures:
        measure = MEASURES[name]
        if measure.unit != "money" or measure.derived or measure.aggregate != "sum":
            continue
        sums: dict[str, Decimal] = {}
        for group in kept:
            for currency, amount in group.native.get(name, {}).items():
                sums[currency] = sums.get(currency, ZERO) + amount
        if any(c != base for c in sums):
            out[name] = {c: round_money(a, c) for c, a in sorted(sums.items())}
    return out


def _order_atom(query: Query) -> str | None:
    by = query.order_by or query.measures[0]
    return by if by in MEASURES and not MEASURES[by].derived else None


def _can_push_down(query: Query, chosen: dict[str, list[str]]) -> bool:
    """A ranked list of many groups (top 20 customers of a year) is ordered and cut in SQL, with the totals and the
    number of groups as window functions over the same groups, so 100,000 groups never travel to Python. Only
    when every figure is a plain SQL aggregate, ordered by one of them; figures of other facts are then fetched
    for the groups shown only."""
    if query.limit is None or not query.group_by or query.thresholds or query.compare:
        return False
    if any(d in TIME_DIMENSIONS for d in query.group_by) or _order_atom(query) is None:
        return False
    plain = all(MEASURES[a].on[f].expr is not None for f, atoms in chosen.items() for a in atoms)
    return plain and any(_order_atom(query) in atoms for atoms in chosen.values())


_WINDOW = {"sum": func.sum, "min": func.min, "max": func.max}


def pushed_down_statement(scope: Scope, query: Query, fact: Fact, atoms: list[str],
                          dates: _Dates) -> tuple[Any, Params]:
    filtered = frozenset(f.dimension for f in query.filters)
    params = _params(scope, dates, fact, filtered)
    star = Star(fact, params)
    dims, groups = _dimension_columns(star, query.group_by)
    exprs = {a: MEASURES[a].on[fact.name].expr(star) for a in atoms}
    windows = [_WINDOW[MEASURES[a].aggregate](exprs[a]).over().label(f"w_{a}") for a in atoms
               if MEASURES[a].aggregate in _WINDOW]
    order = exprs[_order_atom(query)]
    ordering = [order.asc() if query.order == "asc" else order.desc(), *groups]
    conditions = _where(star, scope, query.filters)  # before the FROM clause is read: a filter may add a join
    stmt = (select(*dims, *(e.label(f"m_{a}") for a, e in exprs.items()), func.count().label("n_rows"),
                   func.count().over().label("n_groups"), *windows)
            .select_from(star.from_clause).where(*conditions).group_by(*groups)
            .order_by(*ordering).limit(query.limit))
    return stmt, params


def _pushed_down(scope: Scope, query: Query, chosen: dict[str, list[str]], dates: _Dates, names: list[str],
                 defaults: list[str], notes: list[str]) -> Result:
    fact_name = next(f for f, atoms in chosen.items() if _order_atom(query) in atoms)
    atoms = chosen[fact_name]
    fact = FACTS[fact_name]
    filtered = frozenset(f.dimension for f in query.filters)
    stmt, params = pushed_down_statement(scope, query, fact, atoms, dates)
    params = replace(params, as_of=dates.as_of)
    fetched = _fetch(scope.session, stmt)
    groups: dict[tuple, _Group] = {}
    for row in fetched:
        mapping = row._mapping
        groups[_key_of(row, query.group_by)] = _Group(
            labels={d: mapping[f"l_{d}"] for d in query.group_by if f"l_{d}" in mapping},
            atoms={a: _plain_value(mapping[f"m_{a}"]) for a in atoms}, rows=mapping["n_rows"])
    count = fetched[0]._mapping["n_groups"] if fetched else 0
    whole: dict[str, Any] = {}
    if fetched:
        whole = {a: _plain_value(fetched[0]._mapping[f"w_{a}"]) for a in atoms if MEASURES[a].aggregate in _WINDOW}
    totals_query = replace(query, group_by=())
    distinct = [a for a in atoms if MEASURES[a].aggregate == "count_distinct"]
    if distinct and fetched:
        st = _plain_statement(fact, scope, dates, totals_query, distinct, filtered)
        whole.update({a: _plain_value(_fetch(scope.session, st.stmt)[0]._mapping[f"m_{a}"]) for a in distinct})
    for other, other_atoms in chosen.items():
        if other == fact_name or not fetched:
            continue
        # The other fact's figures for the groups shown, and over everything for the totals.
        shown = _plain_statement(FACTS[other], scope, dates, query, other_atoms, filtered, keys=list(groups))
        for row in _fetch(scope.session, shown.stmt):
            group = groups.get(_key_of(row, query.group_by))
            if group is not None:
                for atom in other_atoms:
                    _merge(group.atoms, atom, row._mapping[f"m_{atom}"])
        everything = _plain_statement(FACTS[other], scope, dates, totals_query, other_atoms, filtered)
        whole.update({a: _plain_value(_fetch(scope.session, everything.stmt)[0]._mapping[f"m_{a}"]) for a in other_atoms})
    rows = []
    for key, group in groups.items():
        out = _dimension_values(key, group, query)
        out.update(_finish(group.atoms, names, params))
        rows.append(out)
    totals = _finish(whole, names, params)
    facts = [FACTS[f] for f in chosen]
    return Result(measures=list(query.measures), group_by=list(query.group_by), rows=rows, totals=totals,
                  total_rows=count, truncated=len(rows) < count, limit=query.limit, period=dates.period,
                  as_of=dates.as_of if fact.period_role == "snapshot" else None, comparison=None, empty=count == 0,
                  spans=_spans(scope, query, facts, dates) if count == 0 else {}, notes=notes, defaults=defaults)


def _plain_value(value: Any) -> Any:
    return Decimal(repr(value)) if isinstance(value, float) else value


def _compute(scope: Scope, query: Query, chosen: dict[str, list[str]], dates: _Dates, book: RateBook,
             names: list[str]) -> dict[str, Any]:
    filtered = frozenset(f.dimension for f in query.filters)
    statements: list[_Statement] = []
    for fact_name, fact_atoms in chosen.items():
        fact = FACTS[fact_name]
        statements.append(_plain_statement(fact, scope, dates, query, fact_atoms, filtered))
        for atom in fact_atoms:
            if MEASURES[atom].on[fact_name].fx is not None:
                statements.append(_fx_statement(fact, scope, dates, query, atom, filtered))
    groups = _fold(statements, scope, book, query)
    params = statements[0].params
    params = replace(params, as_of=dates.as_of)
    found = sum(1 for g in groups.values() if g.rows)
    if not query.group_by:
        group = groups.get((), _Group())
        row = _finish(group.atoms, names, params)
        rows = [row] if _passes(row, query.thresholds, params.as_of) else []
        totals = dict(row)
        return {"rows": rows, "totals": totals, "groups": 1 if group.rows else 0, "kept": [group] if rows else []}
    _fill_time(groups, query, dates)
    rows = []
    kept: list[_Group] = []
    for key, group in groups.items():
        values = _finish(group.atoms, names, params)
        if not _passes(values, query.thresholds, params.as_of):
            continue
        row = _dimension_values(key, group, query)
        row.update(values)
        row.update(_native_amounts(group, query, scope.base_currency))
        rows.append(row)
        kept.append(group)
    totals = _totals(scope, query, chosen, dates, book, names, kept, params)
    return {"rows": rows, "totals": totals, "groups": found, "kept": kept}


def _dimension_values(key: tuple, group: _Group, query: Query) -> dict[str, Any]:
    from backend.words import word

    row: dict[str, Any] = {}
    for name, value in zip(query.group_by, key):
        dim = DIMENSIONS[name]
        if dim.kind == "time":
            row[name] = bucket_label(str(value), dim.grain) if value is not None else None
            if value is not None:
                first, last = bucket_range(str(value), dim.grain)
                row[f"{name}_start"], row[f"{name}_end"] = first.isoformat(), last.isoformat()
        else:
            row[name] = value
        if name in group.labels:
            row[f"{name}_name"] = group.labels[name]
        if dim.kind == "status" and value is not None:
            row[f"{name}_name"] = word(str(value), query.language)
    return row


def _fill_time(groups: dict[tuple, _Group], query: Query, dates: _Dates) -> None:
    """A figure by month lists every month of the period, with or without activity."""
    if len(query.group_by) != 1 or query.group_by[0] not in TIME_DIMENSIONS or dates.period is None:
        return
    grain = DIMENSIONS[query.group_by[0]].grain
    keys = bucket_keys(dates.period.start, dates.period.end, grain)
    if len(keys) > MAX_ROWS:
        raise ValidationFailed(f"{dates.period.label} by {grain} makes more than {MAX_ROWS} rows.",
                               hint="Use a coarser grain or a shorter period.")
    for key in keys:
        groups.setdefault((key,), _Group())


def _totals(scope: Scope, query: Query, chosen, dates: _Dates, book: RateBook, names: list[str],
            kept: list[_Group], params: Params) -> dict[str, Any]:
    """Totals over every row (not only those shown): sums of additive figures, the min or max of the rest; a
    count of distinct things is counted again over the whole query, since it does not add up."""
    atoms: dict[str, Any] = {}
    distinct = []
    for name in names:
        for atom in atoms_of(name):
            if MEASURES[atom].aggregate == "count_distinct":
                distinct.append(atom)
                continue
            for group in kept:
                _merge(atoms, atom, group.atoms.get(atom))
    if distinct and not query.thresholds:
        whole = _fold([st for fact, fact_atoms in chosen.items() for st in _statements_for(
            FACTS[fact], [a for a in fact_atoms if a in distinct], scope, dates, replace(query, group_by=()))],
            scope, book, replace(query, group_by=()))
        for atom in distinct:
            atoms[atom] = whole.get((), _Group()).atoms.get(atom)
    totals = _finish(atoms, names, params)
    if distinct and query.thresholds:
        for name in names:
            if any(a in distinct for a in atoms_of(name)):
                totals[name] = None
    return totals


def _statements_for(fact: Fact, atoms: list[str], scope: Scope, dates: _Dates, query: Query) -> list[_Statement]:
    if not atoms:
        return []
    filtered = frozenset(f.dimension for f in query.filters)
    return [_plain_statement(fact, scope, dates, query, atoms, filtered)]


def _is_period(form: str) -> bool:
    """Whether `form` names a period of its own ("2024-08", "2015-Q1"): what a comparison may be with, besides the
    period before and the same one a year earlier."""
    try:
        parse_period(form, date.today())
    except ValidationFailed:
        return False
    return not is_all_time(form)


def _comparison(dates: _Dates, how: str, scope: Scope) -> _Dates:
    if dates.period is None:
        anchor = Period(start=dates.as_of, end=dates.as_of, label=dates.as_of.isoformat())
    else:
        anchor = dates.period
    if how == "previous_period":
        other = previous(anchor)
    elif how == "same_period_last_year":
        other = same_last_year(anchor)
    else:   # a period named ("this month so far vs August last year"): that one, as given
        other = parse_period(how, scope.today)
    if dates.period is None:
        return _Dates(None, other.end, other)
    return _Dates(other, min(other.end, scope.today), other)


TO_DATE = {"ytd": "year", "year-to-date": "year", "qtd": "quarter", "quarter-to-date": "quarter", "mtd": "month",
           "month-to-date": "month"}


def _whole_comparison(query: Query, comparison: _Dates, scope: Scope) -> _Dates | None:
    """The whole year, quarter or month a to-date period is compared with a part of (YTD vs the same dates last
    year: all of last year too), when that part is not already all of it."""
    unit = TO_DATE.get((query.period or "").strip().lower())
    if unit is None or comparison.period is None:
        return None
    start = comparison.period.start
    form = {"year": f"{start.year}", "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
            "month": f"{start.year}-{start.month:02d}"}[unit]
    whole = parse_period(form, scope.today)
    if whole.start != start or whole.end <= comparison.period.end or whole.end > scope.today:
        return None
    return _Dates(whole, whole.end, whole)


def _attach_comparison(current: dict[str, Any], before: dict[str, Any], query: Query) -> None:
    """Each row gets <measure>_previous, _change and _change_pct, matched on the non-time groupings (and, when
    grouped by time, on the position of the bucket in the period)."""
    time_dims = [d for d in query.group_by if d in TIME_DIMENSIONS]
    other_dims = [d for d in query.group_by if d not in TIME_DIMENSIONS]

    def keys(rows):
        counters: dict[tuple, int] = {}
        out = {}
        for row in sorted(rows, key=lambda r: tuple(str(r.get(d) or "") for d in time_dims)):
            base = tuple(row.get(d) for d in other_dims)
            position = counters.get(base, 0)
            counters[base] = position + 1
            out[base + ((position,) if time_dims else ())] = row
        return out

    previous_rows = keys(before["rows"])
    for key, row in keys(current["rows"]).items():
        _compare_values(row, previous_rows.get(key, {}), query.measures)
    _compare_values(current["totals"], before["totals"], query.measures)


def _compare_values(row: dict[str, Any], prior: dict[str, Any], measures: tuple[str, ...]) -> None:
    for name in measures:
        now, then = row.get(name), prior.get(name)
        if then is None and not MEASURES[name].derived and name not in _MAY_BE_EMPTY and MEASURES[name].unit in (
                "count", "quantity", "money"):
            then = 0 if MEASURES[name].unit != "money" else ZERO  # nothing then is zero for a flow or a balance
        row[f"{name}_previous"] = then
        if now is None or then is None or isinstance(now, (date, datetime)):
            row[f"{name}_change"] = row[f"{name}_change_pct"] = None
            continue
        change = Decimal(now) - Decimal(then)
        row[f"{name}_change"] = int(change) if isinstance(now, int) and isinstance(then, int) else change
        row[f"{name}_change_pct"] = (change * 100 / Decimal(then)).quantize(Decimal("0.1"), ROUND_HALF_UP) if then else None


def _order(rows: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    time_dims = [d for d in query.group_by if d in TIME_DIMENSIONS]
    by = query.order_by
    if by is None:
        if time_dims and query.order is None:  # a series reads in time order; "the weakest month" (asc) ranks
            return sorted(rows, key=lambda r: str(r.get(f"{time_dims[0]}_start") or r.get(time_dims[0]) or ""))
        if query.group_by == ("aging_bucket",):  # ages read youngest to oldest, like an aging report
            return sorted(rows, key=lambda r: rules.AGING_BUCKETS.index(r["aging_bucket"])
                          if r.get("aging_bucket") in rules.AGING_BUCKETS else len(rules.AGING_BUCKETS))
        if not query.group_by:
            return rows
        by = query.measures[0]
    if by in query.group_by:
        descending = query.order == "desc"
        column = f"{by}_start" if by in TIME_DIMENSIONS else by
        return sorted(rows, key=lambda r: (r.get(column) is None, str(r.get(column) or "")), reverse=descending)
    descending = query.order != "asc"
    measure = MEASURES[by]
    infinite = measure.none_is_infinite

    def sort_key(row: dict[str, Any]):
        value = row.get(by)
        if value is None:
            # "Never" is the longest wait: first when largest first; unknown figures go last either way.
            rank = Decimal("Infinity") if infinite else None
        else:
            rank = Decimal(value) if not isinstance(value, (date, datetime)) else Decimal(value.toordinal())
        tie = tuple(str(row.get(d) or "") for d in query.group_by)
        if rank is None:
            return (1, Decimal(0), tie)
        return (0, -rank if descending else rank, tie)

    return sorted(rows, key=sort_key)


def _spans(scope: Scope, query: Query, facts: list[Fact], dates: _Dates) -> dict[str, tuple[date, date] | None]:
    """For an empty answer: when the records of each dated fact begin and end (for the asker, with the filters)."""
    spans: dict[str, tuple[date, date] | None] = {}
    filtered = frozenset(f.dimension for f in query.filters)
    for fact in facts:
        if fact.time is None or fact.period_role != "flow":
            continue
        star = Star(fact, _params(scope, dates, fact, filtered))
        column = fact.time(star)
        conditions = _where(star, scope, query.filters, with_period=False)
        # (the records up to now: nothing is dated after the day asked about)
        up_to_now = column <= (scope.today if type(getattr(column, "type", None)) is Date else scope.now)
        stmt = select(func.min(column), func.max(column)).select_from(star.from_clause).where(*conditions, up_to_now)
        first, last = scope.session.connection().execute(stmt).one()
        if first is None:
            spans[fact.name] = None
            continue
        if isinstance(first, datetime):
            zone = _zone(scope.zone)
            first, last = first.astimezone(zone).date(), last.astimezone(zone).date()
        spans[fact.name] = (first, last)
    return spans


def company_figures(session: Session, *, base_currency: str, zone: str, today: date, now: datetime,
                    measures: tuple[str, ...], period: str | None = None,
                    filters: tuple[DimensionFilter, ...] = ()) -> dict[str, Any]:
    """The company-wide totals of some measures, as the whole company sees them (for summaries, not for a user)."""
    scope = Scope(session=session, base_currency=base_currency, today=today, now=now, zone=zone, role="admin")
    return run(scope, Query(measures=measures, period=period, filters=filters)).totals

