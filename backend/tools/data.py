"""query_data: any business figure — measures by dimensions over a period, filtered, compared, ranked — through the
semantic model, as the asker's role allows. Its input is generated from the model, so the names the LLM and the
OpenAPI document see are exactly the model's."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import func, select

from backend.errors import NotFound, PermissionDenied, ValidationFailed
from backend.models import (Account, Campaign, Customer, Employee, GoodsReceipt, Invoice, Opportunity, Payment, Product, PurchaseOrder, SalesOrder,
                            Supplier, SupplierBill, SupplierPayment)
from backend.reports.table import Column, share_pct
from backend.roles import OTHER_REP_HINT, OTHER_REP_REFUSAL
from backend.semantic.dimensions import DIMENSION_LIST, DIMENSIONS
from backend.semantic.engine import MAX_ROWS, DimensionFilter, Query, Result, Scope, Threshold, run

DEFAULT_ROWS = 50  # rows a grouped answer carries when no limit is asked for
from backend.semantic.measures import MEASURE_LIST, MEASURES, shareable
from backend.semantic.periods import Period, period_label
from backend.text import fold, say
from backend.tools.context import ToolContext
from backend.tools.lookup import (resolve_customer, resolve_employee, resolve_opportunity, resolve_product,
                                  resolve_warehouse)
from backend.tools.registry import register
from backend.tools.schema import ToolModel

MeasureName = Literal[tuple(m.name for m in MEASURE_LIST if not m.hidden)]  # type: ignore[valid-type]
DimensionName = Literal[tuple(d.name for d in DIMENSION_LIST)]  # type: ignore[valid-type]
Value = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ME = ("me", "mine", "my", "myself", "i", "tôi", "toi", "của tôi", "cua toi")
# Where each named value is stored (payment methods: ours to suppliers as well as customers' to us).
CATEGORY_COLUMNS = {"segment": (Customer.segment,), "city": (Customer.city,), "country": (Customer.country,),
                    "region": (Employee.region,), "category": (Product.category,),
                    "payment_method": (Payment.method, SupplierPayment.method),
                    "supplier": (Supplier.name,), "account": (Account.name,)}

_MEASURES_TEXT = "; ".join(f"{m.name}: {m.words.en}" for m in MEASURE_LIST if not m.hidden)


class DataFilter(ToolModel):
    dimension: DimensionName = Field(description="Dimension")
    op: Literal["in", "not_in"] = Field("in", description="in: one of the values; not_in: none of them")
    values: list[Value] = Field(min_length=1, max_length=50, description=(
        "Names or codes as written (owner 'me': the asker), status codes"))


class MeasureCondition(ToolModel):
    measure: MeasureName = Field(description="Measure tested on each row")
    op: Literal[">", ">=", "<", "<=", "=", "!=", "empty"] = Field(
        description="vs value or other; 'empty': no value (no credit limit set)")
    value: Decimal | None = Field(None, max_digits=24, decimal_places=4, description="A number (money in base currency)")
    other: MeasureName | None = Field(None, description="Or another measure of the same row, e.g. credit_limit")


class QueryDataInput(ToolModel):
    measures: list[MeasureName] = Field(min_length=1, max_length=8, description=f"Figures to compute. {_MEASURES_TEXT}.")
    group_by: list[DimensionName] = Field(default_factory=list, max_length=3, description=(
        "Dimensions to group by (none: one total)"))
    filters: list[DataFilter] = Field(default_factory=list, max_length=10, description="Dimension filters")
    customer: Value | None = Field(None, description="Only this customer (code or name)")
    product: Value | None = Field(None, description="Only this product (SKU or name)")
    owner: Value | None = Field(None, description="Only this employee (code, e-mail, name; 'me')")
    conditions: list[MeasureCondition] = Field(default_factory=list, max_length=5, description=(
        "Keep rows meeting these, e.g. credit_exposure > credit_limit"))
    period: str | None = Field(None, max_length=60, description=(
        "e.g. 2024, 2024-Q3, 2024-10, 2024-01-01..2024-03-31, last-month, ytd, all; flows: dated in it (default this "
        "year); balances: at its end (default today)"))
    compare: Annotated[str, StringConstraints(max_length=60)] | None = Field(
        None, description="Also the values of another period and the change: previous_period, "
                          "same_period_last_year, or a period as for `period` (e.g. 2024-08)")
    order_by: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None, description="A measure (largest first unless order is asc) or a grouping dimension")
    order: Literal["asc", "desc"] | None = None
    limit: int | None = Field(None, ge=1, le=MAX_ROWS, description="Max rows (default 50 grouped)")
    share: bool = False   # also each row's % of the whole (the tool's description says so)
    language: Literal["en", "vi"] | None = Field(None, description="The user's language")


class MeasureInfo(ToolModel):
    name: str
    label: str
    definition: str
    unit: str = Field(description="money (in `currency`), count, quantity, percent (12.5 means 12.5 %), days")
    empty_means_never: bool = Field(False, description="An empty value means it never happened (never contacted)")


class DataSpan(ToolModel):
    what: str = Field(description="The records, e.g. 'orders'")
    first: date | None
    last: date | None


class QueryDataResult(ToolModel):
    measures: list[MeasureInfo] = Field(description="The measures asked for, with the definitions used")
    group_by: list[str]
    columns: list[Column]
    rows: list[dict[str, str | int | Decimal | None]] = Field(description=(
        "One row per group: each dimension's key (and <dimension>_name beside codes), each measure; with compare, "
        "<measure>_previous, <measure>_change and <measure>_change_pct; with share, <measure>_share (%); a row whose "
        "documents are all in one other currency also has <measure>_native in <measure>_currency"))
    totals: dict[str, str | int | Decimal | None] = Field(description=(
        "Each measure over all rows, not only those shown; with share, <measure>_whole (the whole the shares are "
        "of), <measure>_share (all rows' share) and, when rows were cut, <measure>_shown and <measure>_shown_share"))
    total_rows: int = Field(description="How many rows the query has before the limit")
    truncated: bool = Field(description="True when rows were cut by the limit (rows shown < total_rows)")
    limit: int | None
    period: Period | None = Field(description="The dates flows were counted over (None: all time or none applies)")
    as_of: date | None = Field(description="The day balances are taken on, when the query has balances")
    comparison_period: Period | None
    comparison_whole_period: Period | None = Field(default=None, description=(
        "A to-date period compared with the same part of an earlier one: that earlier period whole, whose figures "
        "the totals give as <measure>_previous_whole"))
    currency: str = Field(description="Currency of every money figure: the company's base currency")
    totals_by_currency: dict[str, dict[str, Decimal]] = Field(default_factory=dict, description=(
        "Money measures over all rows in each document's own currency, given when some are not in the base currency "
        "(e.g. {'payments_received': {'USD': 50574.40}} for a customer billed in USD)"))
    empty: bool = Field(description="Nothing matched")
    data_span: list[DataSpan] = Field(description="When nothing matched: when the records begin and end")
    understood: list[str] = Field(description="Defaults that were filled in (say them to the user)")
    notes: list[str] = Field(description="Definitions, scope and caveats to repeat with the figures")


# --- turning names into what the model filters on ----------------------------------------------------------

# Dimensions whose values are document numbers, as stored (any letter case accepted): column, noun, example.
DOCUMENT_NUMBERS = {"invoice": (Invoice.number, "invoice", "INV-2026-000123"),
                    "order": (SalesOrder.number, "order", "SO-2026-000123"),
                    "bill": (SupplierBill.number, "supplier bill", "BILL-2026-000123"),
                    "purchase_order": (PurchaseOrder.number, "purchase order", "PO-2026-000123"),
                    "receipt": (GoodsReceipt.number, "goods receipt", "GR-2026-000123")}


def _is_me(value: str) -> bool:
    return fold(value) in {fold(word) for word in ME}


def _resolve(ctx: ToolContext, dimension: str, values: list[str],
             lang: str = "en") -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """(what the model compares, how it reads) for one filter's values."""
    session = ctx.session
    resolved, shown = [], []
    for value in values:
        if dimension == "customer":
            customer = resolve_customer(session, value)
            resolved.append(customer.id)
            shown.append(f"{customer.name} ({customer.code})")
        elif dimension == "product":
            product = resolve_product(session, value)
            resolved.append(product.id)
            shown.append(f"{product.name} ({product.sku})")
        elif dimension == "owner":
            person = ctx.actor if _is_me(value) else resolve_employee(session, value)
            resolved.append(person.id)
            shown.append(f"{person.name} ({person.code})")
        elif dimension == "campaign":
            # a campaign by its code or its name, as written ("EXPO-2026", "Mega Show Hong Kong 2025")
            rows = session.execute(select(Campaign.code, Campaign.name)).all()
            match = next((r for r in rows if r.code.upper() == value.strip().upper()), None) or next(
                (r for r in rows if fold(r.name) == fold(value)), None)
            if match is None:
                raise NotFound(f"There is no campaign {value}.",
                               hint=f"Campaigns: {', '.join(r.code for r in rows[:12])}" if rows else "No campaigns are recorded.")
            resolved.append(match.code)
            shown.append(f"{match.name} ({match.code})")
        elif dimension == "warehouse":
            house = resolve_warehouse(session, value)
            resolved.append(house.id)
            shown.append(f"{house.name} ({house.code})")
        elif dimension == "opportunity":
            # Several deals may share a name (one per customer): a filter takes them all.
            same = [row for row in session.execute(select(Opportunity.id, Opportunity.name)) if fold(row[1]) == fold(value)]
            if same:
                resolved.extend(row[0] for row in same)
                shown.append(same[0][1])
            else:
                deal = resolve_opportunity(session, value)
                resolved.append(deal.id)
                shown.append(deal.name)
        elif dimension in DOCUMENT_NUMBERS:
            column, noun, example = DOCUMENT_NUMBERS[dimension]
            stored = session.execute(select(column).where(func.upper(column) == value.strip().upper())).scalars().first()
            if stored is None:
                raise NotFound(f"There is no {noun} {value}.", hint=f"Check the number, e.g. {example}.")
            resolved.append(stored)
            shown.append(stored)
        elif DIMENSIONS[dimension].kind == "time":
            raise ValidationFailed(f"Filter time with period, not with a {dimension} filter.",
                                   hint="e.g. period: 2026-10 or 2026-Q3.")
        elif DIMENSIONS[dimension].values is not None:
            from backend.words import word

            code = fold(value).replace(" ", "_").replace("-", "_")
            resolved.append(code)
            shown.append(word(code, lang) if code in DIMENSIONS[dimension].values else value)  # "91+ days"
        elif dimension == "currency":
            resolved.append(value.upper())
            shown.append(value.upper())
        else:
            if dimension == "account":   # an account by its code as well as by its name ("1300")
                value = session.execute(select(Account.name).where(Account.code == value.strip())).scalar() or value
            stored = _stored_value(ctx, dimension, value)
            resolved.append(stored)
            shown.append(stored)
    return tuple(resolved), tuple(shown)


def _stored_value(ctx: ToolContext, dimension: str, value: str) -> str:
    """The stored city, segment, category... a person meant ('ha noi' for 'Hà Nội'), or an error listing them."""
    columns = CATEGORY_COLUMNS.get(dimension)
    if columns is None:
        raise ValidationFailed(f"A {dimension} filter takes no names.", hint="Group by it instead, or filter another way.")
    known = sorted({v for column in columns
                    for v in ctx.session.execute(select(column).where(column.is_not(None)).distinct()).scalars() if v})
    wanted = fold(value)
    for stored in known:
        if fold(stored) == wanted:
            return stored
    starts = [stored for stored in known if fold(stored).startswith(wanted) or wanted in fold(stored).split()]
    if len(starts) == 1:
        return starts[0]
    listed = ", ".join(sorted(known)[:30]) + (" …" if len(known) > 30 else "")
    raise ValidationFailed(f"No {DIMENSIONS[dimension].words.en} is called '{value}'.",
                           hint=f"Known values: {listed}." if known else f"No {dimension} is recorded yet.")


def _scope(ctx: ToolContext, filters: list[DimensionFilter]) -> Scope:
    rep_id = None
    if ctx.role == "sales":
        rep_id = ctx.actor.id
        for f in filters:
            if f.dimension == "owner" and (f.op != "in" or any(v != ctx.actor.id for v in f.values)):
                raise PermissionDenied(OTHER_REP_REFUSAL, hint=OTHER_REP_HINT)
    return Scope(session=ctx.session, base_currency=ctx.base_currency, today=ctx.today, now=ctx.now,
                 zone=ctx.company.timezone, role=ctx.role, rep_id=rep_id, rep_name=ctx.actor.name)


def build_query(ctx: ToolContext, params: QueryDataInput) -> tuple[Query, Scope, list[str]]:
    """The engine's query for the tool's input, with entity names resolved; also the notes saying whose figures."""
    filters: list[DimensionFilter] = []
    notes: list[str] = []
    lang = params.language or "en"
    given = [(f.dimension, f.op, f.values) for f in params.filters]
    for dimension, value in (("customer", params.customer), ("product", params.product), ("owner", params.owner)):
        if value:
            given.append((dimension, "in", [value]))
    for dimension, op, values in given:
        resolved, shown = _resolve(ctx, dimension, values, lang)
        filters.append(DimensionFilter(dimension=dimension, values=resolved, op=op, shown=shown))
        words = DIMENSIONS[dimension].words(lang)
        listed = " / ".join(shown).rstrip(".")  # "Double A (Vietnam) Co., Ltd." ends its own sentence
        notes.append(say(lang, f"Only {words} {'not ' if op == 'not_in' else ''}{listed}.",
                         f"Chỉ {words} {'không phải ' if op == 'not_in' else ''}{listed}."))
    scope = _scope(ctx, filters)
    order_by = params.order_by
    if order_by is not None and order_by not in MEASURES and order_by not in DIMENSIONS:
        raise ValidationFailed(f"Can't order by '{order_by}'.", hint="Order by one of the query's measures or groupings.")
    query = Query(measures=tuple(dict.fromkeys(params.measures)), group_by=tuple(params.group_by), filters=tuple(filters),
                  thresholds=tuple(Threshold(measure=c.measure, op=c.op, value=c.value, other=c.other)
                                   for c in params.conditions),
                  period=params.period, compare=params.compare, order_by=order_by, order=params.order,
                  limit=params.limit or (DEFAULT_ROWS if params.group_by else None), language=lang)
    if scope.rep_id is not None:
        from backend.models import Customer

        ids = [i for f in filters if f.dimension == "customer" and f.op == "in" for i in f.values]
        others = ctx.session.execute(select(Customer.name).where(Customer.id.in_(ids), Customer.owner_id.is_distinct_from(
            scope.rep_id))).scalars().all() if ids else []
        for name in others:
            # "what's the balance on Minh Phát's account?" asked by a rep who doesn't own it: say why it shows nothing
            notes.insert(0, say(lang, f"{name} is not your customer: you can't see its balances, tickets or deals, only "
                                      "orders credited to you.",
                                f"{name} không phải khách hàng của bạn: bạn không xem được công nợ, phiếu hỗ trợ hay cơ hội "
                                "của khách này, chỉ các đơn ghi nhận cho bạn."))
        notes.append(say(lang, "Only your own figures (sales reps see the orders credited to them, and the customers "
                               "— all their orders —, quotes and opportunities they own).",
                         "Chỉ số liệu của bạn (nhân viên kinh doanh xem đơn ghi nhận cho mình, và khách hàng — mọi đơn "
                         "của họ —, báo giá, cơ hội mình phụ trách)."))
    return query, scope, notes


# --- presenting the result ---------------------------------------------------------------------------------

_UNIT_TYPES = {"money": "money", "count": "int", "quantity": "int", "percent": "percent", "days": "number", "date": "date"}


def _columns(result: Result, lang: str, compare: bool) -> list[Column]:
    columns = []
    for name in result.group_by:
        dim = DIMENSIONS[name]
        columns.append(Column(key=name, label=dim.words(lang), type="text"))
        if dim.kind in ("entity", "status") and name not in ("invoice", "opportunity"):
            columns.append(Column(key=f"{name}_name", label=say(lang, f"{dim.words.en} name", f"tên {dim.words.vi}"),
                                  type="text"))
    for name in result.measures:
        measure = MEASURES[name]
        kind = _UNIT_TYPES[measure.unit] if measure.unit != "days" or measure.places else "int"
        columns.append(Column(key=name, label=measure.words(lang), type=kind))
        if compare:
            columns += [Column(key=f"{name}_previous", label=say(lang, f"{measure.words.en}, before",
                                                                  f"{measure.words.vi} kỳ trước"), type=kind),
                        Column(key=f"{name}_change", label=say(lang, "change", "thay đổi"), type=kind),
                        Column(key=f"{name}_change_pct", label=say(lang, "change %", "thay đổi %"), type="percent")]
    return columns


def _defined(name: str, lang: str) -> str:
    """A measure's definition with the company's settings in it ("Commission = 3 % of ...")."""
    from backend.settings import get_settings

    rate = format(get_settings().commission_rate_pct.normalize(), "f")
    return MEASURES[name].definition(lang).replace("{commission_rate_pct}", rate)


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def _empty_note(result: Result, lang: str) -> list[str]:
    from backend.semantic.facts import FACTS

    if not result.empty:
        return []
    when = (period_label(result.period, lang) if result.period else say(lang, "the records", "dữ liệu"))
    notes = []
    for fact_name, span in result.spans.items():
        noun = FACTS[fact_name].noun(lang)
        if span is None:
            notes.append(say(lang, f"No {noun}s match at all.", f"Không có {noun} nào khớp."))
        else:
            notes.append(say(lang, f"No {noun}s in {when}; {noun}s run from {span[0].isoformat()} to {span[1].isoformat()}.",
                             f"Không có {noun} nào trong {when}; {noun} có từ {span[0].isoformat()} đến {span[1].isoformat()}."))
    if not notes:
        notes.append(say(lang, "Nothing matches.", "Không có dữ liệu khớp."))
    return notes


@register(kind="read")
def query_data(ctx: ToolContext, params: QueryDataInput) -> QueryDataResult:
    """Any business figure: measures grouped by dimensions (customer, segment, city, country, owner, product, category, warehouse, statuses, time), filtered, over any period, compared with the previous period or last year, ranked, limited, or as shares of the whole. Use it for figures no report holds. Sales reps see their own figures; support sees no costs or margins."""
    from backend.semantic.facts import FACTS

    query, scope, notes = build_query(ctx, params)
    result = run(scope, query)
    lang = query.language
    columns = _columns(result, lang, bool(query.compare))
    if params.share:
        columns += _add_shares(scope, query, result)
    infos = [MeasureInfo(name=name, label=MEASURES[name].words(lang), definition=_defined(name, lang),
                         unit=MEASURES[name].unit, empty_means_never=MEASURES[name].none_is_infinite)
             for name in result.measures]
    if result.truncated:
        notes.append(say(lang, f"Showing {len(result.rows)} of {result.total_rows:,} rows; totals cover all "
                               f"{result.total_rows:,}. Ask for a higher limit to see more.",
                         f"Hiển thị {len(result.rows)} trên {result.total_rows:,} dòng; tổng tính trên cả "
                         f"{result.total_rows:,} dòng. Tăng giới hạn để xem thêm."))
    spans = [DataSpan(what=FACTS[name].noun(lang), first=span[0] if span else None, last=span[1] if span else None)
             for name, span in result.spans.items()]
    return QueryDataResult(
        measures=infos, group_by=result.group_by, columns=columns,
        rows=[_cells(r) for r in result.rows], totals=_cells(result.totals), total_rows=result.total_rows,
        truncated=result.truncated, limit=result.limit, period=_period_in(result.period, lang), as_of=result.as_of,
        comparison_period=_period_in(result.comparison, lang), currency=ctx.base_currency,
        comparison_whole_period=_period_in(result.comparison_whole, lang),
        totals_by_currency=result.totals_by_currency, empty=result.empty,
        data_span=spans, understood=result.defaults,
        notes=_empty_note(result, lang) + notes + result.notes + [f"{i.label}: {i.definition}" for i in infos])


def _share(part: Any, whole: Any) -> Decimal | None:
    """A row's share of the whole, as the reports' share columns give it (`share_pct`); none without a figure."""
    return None if part is None or whole is None else share_pct(Decimal(part), Decimal(whole))


# Filters a share's whole keeps when the query narrows further: the share of Hoàng Long's revenue that is paper is
# of Hoàng Long's revenue, the share of Hoàng Long in all revenue of all revenue.
WHOLE_KEEPS = ("customer", "owner")


def _add_shares(scope: Scope, query: Query, result: Result) -> list[Column]:
    """Each row's part of the whole, the whole being the same measures over the same period with no grouping, no
    conditions and no filters — but the customer's or the salesperson's when another filter narrows within them (as
    the asker sees it: a rep's whole is their own)."""
    narrower = {f.dimension for f in query.filters} - set(WHOLE_KEEPS)
    within = [d for d in WHOLE_KEEPS if narrower and any(f.dimension == d for f in query.filters)]
    shared = [name for name in result.measures if shareable(name)]
    if not shared:
        raise ValidationFailed("A share is taken of a figure that adds up (revenue, orders, units, amounts).",
                               hint="Ask for the share of a sum, not of an average, a rate or a date.")
    kept = [f for f in query.filters if f.dimension in within]
    for f in query.filters:
        values = DIMENSIONS[f.dimension].values
        if f.dimension not in within and DIMENSIONS[f.dimension].kind == "status" and values:
            # "what % of orders were cancelled": of the orders in every status (a count without a status filter
            # leaves the cancelled ones out)
            kept.append(DimensionFilter(dimension=f.dimension, values=tuple(values)))
    whole_query = replace(query, measures=tuple(shared), group_by=(), thresholds=(), compare=None, order_by=None,
                          order=None, limit=None, filters=tuple(dict.fromkeys(kept)))
    whole = run(scope, whole_query).totals
    lang = query.language
    columns = []
    for name in shared:
        total = whole.get(name)
        result.totals[f"{name}_whole"] = total
        result.totals[f"{name}_share"] = _share(result.totals.get(name), total)
        for row in result.rows:
            row[f"{name}_share"] = _share(row.get(name), total)
            if not result.group_by:
                row[f"{name}_whole"] = total   # one figure: said with the whole it is a part of
        if result.truncated:
            shown = sum((Decimal(r[name]) for r in result.rows if r.get(name) is not None), Decimal(0))
            result.totals[f"{name}_shown"] = shown
            result.totals[f"{name}_shown_share"] = _share(shown, total)
        columns.append(Column(key=f"{name}_share", label=say(lang, f"share of all {MEASURES[name].words.en}",
                                                             f"tỷ trọng {MEASURES[name].words.vi}"), type="percent"))
    return columns


def _period_in(period: Period | None, lang: str) -> Period | None:
    if period is None or lang != "vi":
        return period
    return period.model_copy(update={"label": period_label(period, "vi")})

