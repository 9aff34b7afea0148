"""Sales reports: revenue over time and by customer, product, salesperson, country and region; open orders,
commissions and customer lifetime value.

Revenue follows ARCHITECTURE.md: net line amounts of orders that are not cancelled, dated by order date, in
base currency as stored on the order (SalesOrder.net_amount_base = sum of its lines' line_amount_base). SQL
only sums stored amounts (exact on SQLite, where money is a scaled integer); products and roundings happen
in Python. Lines are joined only where units or products are needed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from backend.errors import ValidationFailed
from backend.money import round_money
from backend.models import Customer, Employee, SalesOrder
from backend.semantic import rules
from backend.semantic.periods import Period, month_end, quarter_of, quarter_start
from backend.reports.table import (ChartHint, Column, ReportRequest, ReportTable, column, cut, limit_note, say,
                                   share_pct, snapshot)

ZERO = Decimal(0)
GRAINS = ("day", "week", "month", "quarter", "year")
MAX_BUCKETS = 1000
_ID_CHUNK = 500


GRAIN_VI = {"day": "ngày", "week": "tuần", "month": "tháng", "quarter": "quý", "year": "năm"}


def revenue_note(base: str, language: str = "en") -> str:
    return say(language,
               f"Revenue = net line amounts (after discounts, before VAT) of orders that are not cancelled (drafts "
               f"included), dated by order date, converted to {base} at the FX rate of the order date.",
               f"Doanh thu = thành tiền thuần các dòng hàng (sau chiết khấu, trước VAT) của các đơn không bị hủy (kể cả "
               f"đơn nháp), tính theo ngày đặt hàng, quy đổi sang {base} theo tỷ giá ngày đặt hàng.")


def _scope_notes(req: ReportRequest) -> list[str]:
    if req.rep_id is None:
        return []
    return [say(req.language, f"Only orders credited to {req.rep_name} are included.",
                f"Chỉ gồm các đơn ghi nhận cho {req.rep_name}.")]


def _names(session: Session, model: Any, code_col: Any, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (code, name) for the ids shown, fetched in chunks (never one query per row)."""
    wanted = [i for i in set(ids) if i is not None]
    found: dict[int, tuple[str, str]] = {}
    for offset in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[offset:offset + _ID_CHUNK]
        for row in session.execute(select(model.id, code_col, model.name).where(model.id.in_(chunk))):
            found[row[0]] = (row[1], row[2])
    return found


# --- sales over time -------------------------------------------------------------------------------------

def default_grain(period: Period) -> str:
    days = period.days
    if days <= 31:
        return "day"
    if days <= 92:
        return "week"
    if days <= 731:
        return "month"
    return "quarter" if days <= 1830 else "year"


def bucket_start(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return quarter_start(day.year, quarter_of(day))
    return date(day.year, 1, 1)


def _bucket_end(start: date, grain: str) -> date:
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    if grain == "month":
        return month_end(start.year, start.month)
    if grain == "quarter":
        return month_end(start.year, start.month + 2)
    return date(start.year, 12, 31)


def bucket_label(start: date, grain: str) -> str:
    if grain == "day":
        return start.isoformat()
    if grain == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year}-Q{quarter_of(start)}"
    return str(start.year)


def sales_over_time(session: Session, req: ReportRequest) -> ReportTable:
    period = req.period
    grain = req.group_by or default_grain(period)
    if grain not in GRAINS:
        raise ValidationFailed(f"Can't group sales by '{grain}'.", hint="Use day, week, month, quarter or year.")
    buckets: list[tuple[date, date]] = []
    cursor = bucket_start(period.start, grain)
    while cursor <= period.end:
        buckets.append((cursor, _bucket_end(cursor, grain)))
        if len(buckets) > MAX_BUCKETS:
            raise ValidationFailed(f"Grouping {period.label} by {grain} gives more than {MAX_BUCKETS} rows.",
                                   hint="Choose a coarser group_by (week, month, quarter or year) or a shorter period.")
        cursor = buckets[-1][1] + timedelta(days=1)
    found = req.model(session, ("revenue", "orders", "units"), (grain,))
    by_bucket = {row[f"{grain}_start"]: row for row in found.rows}
    rows = []
    for start, end in buckets:
        figures = by_bucket.get(start.isoformat(), {})
        rows.append({"bucket": bucket_label(start, grain), "start": max(start, period.start).isoformat(),
                     "end": min(end, period.end).isoformat(), "revenue": figures.get("revenue", ZERO),
                     "orders": figures.get("orders", 0), "units": figures.get("units", 0)})
    totals = {"revenue": sum((r["revenue"] for r in rows), ZERO), "orders": sum(r["orders"] for r in rows),
              "units": sum(r["units"] for r in rows)}
    first, last = bucket_label(buckets[0][0], grain), bucket_label(buckets[-1][0], grain)
    lang, grain_vi = req.language, GRAIN_VI[grain]
    notes = [revenue_note(req.base_currency, lang),
             say(lang, f"Grouped by {grain}; every {grain} of the period is listed, including those without sales."
                 + (" Weeks run Monday to Sunday (ISO weeks)." if grain == "week" else ""),
                 f"Nhóm theo {grain_vi}; liệt kê mọi {grain_vi} trong kỳ, kể cả khi không có doanh thu."
                 + (" Tuần tính từ thứ Hai đến Chủ nhật (tuần ISO)." if grain == "week" else ""))]
    if buckets[0][0] < period.start or buckets[-1][1] > period.end:
        notes.append(say(lang, f"The first or last {grain} is cut to the period ({first} starts {rows[0]['start']}, "
                               f"{last} ends {rows[-1]['end']}).",
                         f"{grain_vi.capitalize()} đầu hoặc cuối được cắt theo kỳ ({first} bắt đầu {rows[0]['start']}, "
                         f"{last} kết thúc {rows[-1]['end']})."))
    return ReportTable(
        name="sales_over_time", title=say(lang, f"Sales by {grain}, {period.label}", f"Doanh thu theo {grain_vi}, {period.label}"),
        period=period, currency=req.base_currency,
        columns=[Column(key="bucket", label=say(lang, grain.capitalize(), grain_vi.capitalize()), type="text"),
                 column("start", "date", lang, "from"),
                 column("end", "date", lang, "to"),
                 column("revenue", "money", lang),
                 column("orders", "int", lang),
                 column("units", "int", lang)],
        rows=rows, total_rows=len(rows), totals=totals,
        chart=ChartHint(kind="line" if len(rows) > 4 else "bar", x="bucket", y=["revenue"],
                        title=say(lang, f"Revenue by {grain} ({req.base_currency})",
                                  f"Doanh thu theo {grain_vi} ({req.base_currency})")),
        notes=notes + _scope_notes(req))


# --- sales by a dimension ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Dimension:
    report: str
    noun: str  # plural, for notes
    noun_vi: str
    label_columns: tuple[tuple[str, str], ...]  # (key, its heading's word in backend.reports.labels.WORDS)
    chart: str

    def columns(self, language: str) -> list[Column]:
        return [column(key, "text", language, word_key) for key, word_key in self.label_columns]


DIMENSIONS: dict[str, _Dimension] = {
    "customer": _Dimension("sales_by_customer", "customers", "khách hàng",
                           (("customer_code", "code"), ("customer", "customer")), "bar"),
    "product": _Dimension("sales_by_product", "products", "sản phẩm",
                          (("sku", "sku"), ("product", "product")), "bar"),
    "salesperson": _Dimension("sales_by_salesperson", "salespeople", "nhân viên kinh doanh",
                              (("salesperson_code", "code"), ("salesperson", "salesperson")), "bar"),
    "country": _Dimension("sales_by_country", "countries", "quốc gia", (("country", "country"),), "pie"),
    "region": _Dimension("sales_by_region", "regions", "khu vực", (("region", "region"),), "pie"),
    "segment": _Dimension("sales_by_segment", "segments", "phân khúc", (("segment", "segment"),), "pie"),
    "category": _Dimension("sales_by_category", "categories", "nhóm hàng", (("category", "category"),), "bar"),
    "city": _Dimension("sales_by_city", "cities", "thành phố", (("city", "city"),), "bar"),
}


# The model's dimension for each report, and its key and label in the model's rows.
_MODEL_DIMENSION = {"customer": "customer", "product": "product", "salesperson": "owner", "country": "country",
                    "region": "region", "segment": "segment", "category": "category", "city": "city"}


def sales_by(session: Session, req: ReportRequest, dimension: str) -> ReportTable:
    spec = DIMENSIONS[dimension]
    period = req.period
    model_dim = _MODEL_DIMENSION[dimension]
    found = req.model(session, ("revenue", "orders", "units"), (model_dim,), limit=req.limit)
    lang = req.language
    unknown = say(lang, "(unknown)", "(không rõ)")
    blank = {"salesperson": say(lang, "(no salesperson)", "(không có nhân viên)"),
             "region": say(lang, "(no region)", "(không có khu vực)")}.get(dimension, unknown)
    keys_shown = [key for key, _ in spec.label_columns]
    total = found.totals["revenue"]
    rows = []
    for row in found.rows:
        if len(keys_shown) == 2:
            label = {keys_shown[0]: row[model_dim], keys_shown[1]: row.get(f"{model_dim}_name") or blank}
        else:
            label = {keys_shown[0]: row[model_dim] or blank}
        rows.append(label | {"revenue": row["revenue"], "orders": row["orders"], "units": row["units"],
                             "share_pct": share_pct(row["revenue"], total)})
    notes = [revenue_note(req.base_currency, lang)]
    if dimension in ("product", "category"):
        notes.append(say(lang, f"Orders per {dimension} count the orders that contain it; the total counts each order once.",
                         f"Số đơn của mỗi {spec.noun_vi} là số đơn có {spec.noun_vi} đó; tổng chỉ đếm mỗi đơn một lần."))
    if dimension in ("country", "city", "segment"):
        notes.append(say(lang, f"{dimension.capitalize()} is the customer's.", f"{spec.noun_vi.capitalize()} là của khách hàng."))
    if dimension == "region":
        notes.append(say(lang, "Region is the salesperson's region.", "Khu vực là khu vực của nhân viên kinh doanh."))
    notes += limit_note(len(rows), found.total_rows, spec.noun, lang, spec.noun_vi) + _scope_notes(req)
    name_key = keys_shown[-1]
    return ReportTable(
        name=spec.report, title=say(lang, f"Sales by {dimension}, {period.label}", f"Doanh thu theo {spec.noun_vi}, {period.label}"),
        period=period, currency=req.base_currency,
        columns=[*spec.columns(lang), column("revenue", "money", lang),
                 column("orders", "int", lang),
                 column("units", "int", lang),
                 column("share_pct", "percent", lang, "share_of_revenue")],
        rows=rows, total_rows=found.total_rows,
        totals={"revenue": total, "orders": found.totals["orders"], "units": found.totals["units"]},
        chart=ChartHint(kind=spec.chart, x=name_key, y=["revenue"],
                        title=say(lang, f"Revenue by {dimension} ({req.base_currency})",
                                  f"Doanh thu theo {spec.noun_vi} ({req.base_currency})")),
        notes=notes)


def _sales_by(dimension: str):
    def build(session: Session, req: ReportRequest) -> ReportTable:
        return sales_by(session, req, dimension)
    build.__name__ = f"sales_by_{dimension}"
    return build


sales_by_customer, sales_by_product, sales_by_salesperson = (_sales_by(d) for d in ("customer", "product", "salesperson"))
sales_by_country, sales_by_region, sales_by_segment = (_sales_by(d) for d in ("country", "region", "segment"))
sales_by_category, sales_by_city = _sales_by("category"), _sales_by("city")


# --- open orders ---------------------------------------------------------------------------------------------

def open_orders(session: Session, req: ReportRequest) -> ReportTable:
    conditions = [SalesOrder.status.in_(rules.OPEN_ORDER_STATUSES), SalesOrder.shipped_date.is_(None)]
    if req.period is not None:
        conditions += [SalesOrder.order_date >= req.period.start, SalesOrder.order_date <= req.period.end]
    if req.rep_id is not None:
        conditions.append(SalesOrder.salesperson_id == req.rep_id)
    if req.customer_id is not None:
        conditions.append(SalesOrder.customer_id == req.customer_id)
    count, amount = session.execute(select(func.count(), func.sum(SalesOrder.net_amount_base)).where(*conditions)).one()
    stmt = (select(SalesOrder.number, Customer.code, Customer.name, SalesOrder.status, SalesOrder.order_date,
                   SalesOrder.required_date, SalesOrder.net_amount_base)
            .join(Customer, Customer.id == SalesOrder.customer_id).where(*conditions)
            .order_by(SalesOrder.order_date, SalesOrder.number))
    if req.limit is not None:
        stmt = stmt.limit(req.limit)
    rows = [{"number": number, "customer_code": code, "customer": name, "status": status,
             "order_date": ordered.isoformat(), "required_date": required.isoformat() if required else None,
             "amount": round_money(value, req.base_currency), "age_days": (req.as_of - ordered).days}
            for number, code, name, status, ordered, required, value in session.execute(stmt)]
    lang, as_of = req.language, req.as_of.isoformat()
    period = req.period or snapshot(req.as_of, say(lang, f"Open as of {as_of}", f"Còn mở tính đến {as_of}"))
    notes = [say(lang, f"Open = draft or confirmed orders not yet shipped; amounts are net of discounts, before VAT, in "
                       f"{req.base_currency} at the FX rate of the order date. Age counts days since the order date as "
                       f"of {as_of}; oldest first.",
                 f"Đơn còn mở = đơn nháp hoặc đã xác nhận nhưng chưa giao; giá trị sau chiết khấu, trước VAT, bằng "
                 f"{req.base_currency} theo tỷ giá ngày đặt hàng. Tuổi đơn là số ngày từ ngày đặt hàng đến {as_of}; "
                 f"đơn cũ nhất trước.")]
    if req.period is not None:
        notes.append(say(lang, f"Only orders dated in {req.period.label}.", f"Chỉ gồm các đơn đặt trong {req.period.label}."))
    notes += limit_note(len(rows), count, "open orders", lang, "đơn còn mở") + _scope_notes(req)
    if req.period:
        title = say(lang, f"Open orders dated in {req.period.label}", f"Đơn còn mở đặt trong {req.period.label}")
    else:
        title = say(lang, f"Open orders as of {as_of}", f"Đơn còn mở tính đến {as_of}")
    return ReportTable(
        name="open_orders", title=title, period=period, currency=req.base_currency,
        columns=[column("number", "text", lang, "order"),
                 column("customer_code", "text", lang, "code"),
                 column("customer", "text", lang),
                 column("status", "text", lang),
                 column("order_date", "date", lang),
                 column("required_date", "date", lang),
                 column("amount", "money", lang),
                 column("age_days", "int", lang)],
        rows=rows, total_rows=count, totals={"amount": round_money(amount or ZERO, req.base_currency)},
        chart=ChartHint(kind="none", title=say(lang, "Open orders", "Đơn còn mở")), notes=notes)


# --- commissions ---------------------------------------------------------------------------------------------

def paid_sales(session: Session, start: date, end: date, *, rep_id: int | None = None,
               customer_id: int | None = None) -> list[tuple[int | None, Decimal, int]]:
    """(salesperson id or None, net amount in base currency, orders) of the orders whose invoice was paid in full
    between `start` and `end`, dated by the day the last payment came in: the semantic model's commissionable sales
    (backend.semantic.rules.paid_invoices, the `paid_sales` measure)."""
    paid = rules.paid_invoices()
    stmt = (select(SalesOrder.salesperson_id, func.sum(SalesOrder.net_amount_base), func.count())
            .select_from(paid).join(SalesOrder, SalesOrder.id == paid.c.order_id)
            .where(paid.c.paid_on >= start, paid.c.paid_on <= end).group_by(SalesOrder.salesperson_id))
    if rep_id is not None:
        stmt = stmt.where(SalesOrder.salesperson_id == rep_id)
    if customer_id is not None:
        stmt = stmt.where(paid.c.customer_id == customer_id)
    return [(who, net or ZERO, orders) for who, net, orders in session.execute(stmt)]


def commissions(session: Session, req: ReportRequest) -> ReportTable:
    period, base, rate = req.period, req.base_currency, req.commission_rate_pct
    groups = paid_sales(session, period.start, period.end, rep_id=req.rep_id, customer_id=req.customer_id)
    unassigned = next(((revenue, orders) for who, revenue, orders in groups if who is None), None)
    credited = [(who, revenue, orders) for who, revenue, orders in groups if who is not None]
    names = _names(session, Employee, Employee.code, [who for who, _, _ in credited])
    all_rows = [{"salesperson_code": names[who][0], "salesperson": names[who][1], "orders": orders,
                 "revenue": round_money(revenue, base), "rate_pct": rate,
                 "commission": rules.commission(revenue, rate, base)} for who, revenue, orders in credited]
    all_rows.sort(key=lambda r: (-r["commission"], -r["revenue"], r["salesperson"]))
    rows = cut(all_rows, req.limit)
    lang = req.language
    notes = [say(lang, f"Commission = {rate} % of commissionable sales: the orders whose invoice was paid in full in "
                       f"{period.label} (dated by the day the last payment came in), net of discounts, before VAT, in "
                       f"{base}, credited to the order's salesperson. An invoice not yet paid in full earns nothing yet.",
                 f"Hoa hồng = {rate} % doanh số tính hoa hồng: các đơn có hóa đơn được thanh toán đủ trong {period.label} "
                 f"(theo ngày nhận khoản thanh toán cuối), sau chiết khấu, trước VAT, bằng {base}, ghi nhận cho nhân viên "
                 "bán đơn. Hóa đơn chưa thanh toán đủ chưa tính hoa hồng."),
             say(lang, "Each salesperson's commission is rounded separately; the total is their sum.",
                 "Hoa hồng của từng nhân viên được làm tròn riêng; tổng là tổng các khoản đó.")]
    if unassigned:
        worth = f"{round_money(unassigned[0], base)} {base}"
        notes.append(say(lang, f"{unassigned[1]} paid order(s) worth {worth} have no salesperson and earn no commission.",
                         f"{unassigned[1]} đơn đã thanh toán trị giá {worth} không có nhân viên kinh doanh nên không "
                         "tính hoa hồng."))
    notes += limit_note(len(rows), len(all_rows), "salespeople", lang, "nhân viên kinh doanh") + _scope_notes(req)
    return ReportTable(
        name="commissions", title=say(lang, f"Commissions, {period.label}", f"Hoa hồng, {period.label}"), period=period,
        currency=base,
        columns=[column("salesperson_code", "text", lang, "code"),
                 column("salesperson", "text", lang),
                 column("orders", "int", lang, "paid_orders"),
                 column("revenue", "money", lang, "paid_sales"),
                 column("rate_pct", "percent", lang, "rate"),
                 column("commission", "money", lang)],
        rows=rows, total_rows=len(all_rows),
        totals={"orders": sum(r["orders"] for r in all_rows), "revenue": sum((r["revenue"] for r in all_rows), ZERO),
                "commission": sum((r["commission"] for r in all_rows), ZERO)},
        chart=ChartHint(kind="bar", x="salesperson", y=["commission"], title=say(lang, f"Commission ({base})", f"Hoa hồng ({base})")),
        notes=notes)


# --- customer lifetime value ----------------------------------------------------------------------------------

DAYS_PER_YEAR = Decimal("365.25")


def customer_lifetime_value(session: Session, req: ReportRequest, *, rank_by: str = "gross_margin") -> ReportTable:
    """Customers with their lifetime orders, revenue, gross margin and CLV; ranked by lifetime gross margin (the
    top-customers document ranks by revenue: rank_by="revenue")."""
    base, as_of = req.base_currency, req.as_of
    # "+ 0" stops SQLite from walking the (customer_id, order_date) index to avoid a sort: that visits every order
    # row in random order and is about three times slower than reading them in date order and sorting the groups.
    customer = SalesOrder.customer_id + literal_column("0")
    first, last = func.min(SalesOrder.order_date), func.max(SalesOrder.order_date)
    orders, revenue = func.count(), func.sum(SalesOrder.net_amount_base)
    stmt = (select(customer.label("cid"), first, last, orders, revenue, func.count().over(), func.sum(orders).over(),
                   func.sum(revenue).over(), func.min(first).over())
            .where(rules.counts_as_revenue(SalesOrder.status), SalesOrder.order_date <= as_of).group_by(customer)
            .order_by(revenue.desc(), orders.desc(), customer))
    # CLV is on margin, not revenue (rules.lifetime_value through the model's `clv`): every customer's lifetime gross
    # margin and the CLV of their last 365 days are read first, so the ranking is by margin over all customers.
    everyone = replace(req, rep_id=None, customer_id=None)
    lifetime = everyone.model(session, ("gross_margin",), ("customer",),
                              period=Period(start=date(1970, 1, 1), end=as_of, label="lifetime"))
    recent = everyone.model(session, ("clv",), ("customer",),
                            period=Period(start=as_of - timedelta(days=364), end=as_of, label="last 365 days"))
    margin_of = {row["customer"]: row.get("gross_margin") for row in lifetime.rows}
    clv_of = {row["customer"]: row.get("clv") for row in recent.rows}
    if req.rep_id is not None:
        stmt = stmt.join(Customer, Customer.id == SalesOrder.customer_id).where(Customer.owner_id == req.rep_id)
    if req.customer_id is not None:
        stmt = stmt.where(SalesOrder.customer_id == req.customer_id)
    shown = session.execute(stmt).all()
    count, total_orders, total_revenue, earliest = shown[0][5:] if shown else (0, 0, ZERO, as_of)
    names = _names(session, Customer, Customer.code, [g[0] for g in shown])
    if rank_by == "gross_margin":
        shown.sort(key=lambda g: (-(margin_of.get(names[g[0]][0]) or ZERO), -g[4], names[g[0]][0]))
    total_margin = sum((margin_of.get(names[g[0]][0]) or ZERO for g in shown), ZERO)
    shown = shown if req.limit is None else shown[:req.limit]
    rows = [{"customer_code": names[cid][0], "customer": names[cid][1], "first_order": first.isoformat(),
             "last_order": last.isoformat(), "orders": orders, "revenue": round_money(revenue, base),
             "gross_margin": margin_of.get(names[cid][0]), "clv": clv_of.get(names[cid][0]),
             "average_order": round_money(revenue / orders, base),
             "years_active": (Decimal((last - first).days) / DAYS_PER_YEAR).quantize(Decimal("0.1"), ROUND_HALF_UP)}
            for cid, first, last, orders, revenue, *_ in shown]
    lang, day = req.language, as_of.isoformat()
    period = Period(start=earliest, end=as_of, label=say(lang, f"Lifetime to {day}", f"Trọn đời đến {day}"))
    notes = [revenue_note(base, lang) + say(lang, f" Lifetime = every order up to {day}.",
                                            f" Trọn đời = mọi đơn đến hết {day}."),
             say(lang, "Average order = lifetime revenue / orders; years active = days from first to last order / 365.25.",
                 "Giá trị đơn trung bình = doanh thu trọn đời / số đơn; số năm hoạt động = số ngày từ đơn đầu đến đơn "
                 "gần nhất / 365,25."),
             say(lang, "Ranked by lifetime gross margin (revenue of the goods delivered minus their cost of goods sold on "
                       "the ledger). CLV = the last 365 days' gross margin × the expected lifetime in years "
                       "(TANDEM_CUSTOMER_LIFETIME_YEARS).",
                 "Xếp theo lãi gộp trọn đời (doanh thu hàng đã giao trừ giá vốn trên sổ cái). CLV = lãi gộp 365 ngày qua "
                 "× số năm gắn bó dự kiến (TANDEM_CUSTOMER_LIFETIME_YEARS).")]
    if req.rep_id is not None:
        notes.append(say(lang, f"Only customers owned by {req.rep_name} are included (all their orders, whoever sold them).",
                         f"Chỉ gồm khách hàng do {req.rep_name} phụ trách (mọi đơn của họ, bất kể ai bán)."))
    notes += limit_note(len(rows), count, "customers", lang, "khách hàng")
    return ReportTable(
        name="customer_lifetime_value",
        title=say(lang, f"Customer lifetime value to {day}", f"Giá trị khách hàng trọn đời đến {day}"), period=period,
        currency=base,
        columns=[column("customer_code", "text", lang, "code"),
                 column("customer", "text", lang),
                 column("first_order", "date", lang),
                 column("last_order", "date", lang),
                 column("orders", "int", lang),
                 column("revenue", "money", lang, "lifetime_revenue"),
                 column("average_order", "money", lang),
                 column("gross_margin", "money", lang),
                 column("clv", "money", lang),
                 column("years_active", "number", lang)],
        rows=rows, total_rows=count,
        totals={"orders": int(total_orders), "revenue": round_money(total_revenue or ZERO, base),
                "gross_margin": round_money(total_margin, base)},
        chart=ChartHint(kind="bar", x="customer", y=["gross_margin"],
                        title=say(lang, f"Lifetime gross margin ({base})", f"Lãi gộp trọn đời ({base})")), notes=notes)
