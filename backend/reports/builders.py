"""The six finance report documents, built on the report queries of backend.reports (run_report's own).

Each builder returns a ReportDocument with key figures, tables and charts; the narrative is added afterwards
(backend.reports.narrative) from exactly these figures. Builders see the whole company: write_report is a
finance/manager/admin tool, and nothing here narrows to a sales rep.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.money import round_money
from backend.models import Customer, Employee, Opportunity, Product
from backend.reports import charts, inventory, receivables, sales
from backend.reports import pipeline as pipeline_report
from backend.reports.catalog import DOCUMENTS, Report, normalise_name
from backend.reports.document import Cell, DocChart, DocColumn, DocTable, FigureKind, KeyFigure, ReportDocument, key_figure
from backend.reports.labels import (BUCKET_NAMES, Language, change_pct, month_label, pct, period_label, show_money,
                                    stage_name, word)
from backend.semantic.periods import Period, previous, resolve_period, same_last_year
from backend.reports.pipeline import rate_lookup
from backend.semantic.engine import DimensionFilter
from backend.semantic.rules import OPEN_STAGES
from backend.reports.receivables import BUCKETS
from backend.reports.table import ReportRequest, ReportTable

ZERO = Decimal(0)
TOP_ROWS = 10
LIST_ROWS = 15
RESTOCK_ROWS = 25
TOP_CUSTOMERS = 20
AT_RISK_DAYS = 90
FORECAST_MONTHS = 6


@dataclass(frozen=True)
class DocumentRequest:
    """What to write: the document, its period as the user wrote it, the language, and the company's facts."""

    name: str
    period: str | None
    language: Language
    today: date
    now: datetime
    company: str
    base_currency: str
    commission_rate_pct: Decimal = Decimal(3)
    show_costs: bool = True
    zone: str = "UTC"


@dataclass
class _Builder:
    """Shared plumbing for one document: language, currency, figure and column helpers."""

    session: Session
    req: DocumentRequest
    period: Period
    as_of: date
    figures: list[KeyFigure]
    notes: list[str]

    @property
    def lang(self) -> Language:
        return self.req.language

    @property
    def base(self) -> str:
        return self.req.base_currency

    def t(self, en: str, vi: str) -> str:
        return en if self.lang == "en" else vi

    def fig(self, key: str, en: str, vi: str, value: Cell, kind: FigureKind) -> KeyFigure:
        item = key_figure(key, self.t(en, vi), value, kind, self.base, self.lang)
        self.figures.append(item)
        return item

    def col(self, key: str, kind: str, label_key: str | None = None, *, label: str | None = None) -> DocColumn:
        text = label if label is not None else word(label_key or key, self.lang)
        if kind == "money":
            text = f"{text} ({self.base})"
        return DocColumn(key=key, label=text, kind=kind)

    def report_request(self, *, period: Period | None = None, as_of: date | None = None,
                       limit: int | None = None) -> ReportRequest:
        return ReportRequest(base_currency=self.base, today=self.req.today, as_of=as_of or self.req.today,
                             period=period, limit=limit, commission_rate_pct=self.req.commission_rate_pct,
                             zone=self.req.zone)

    def money(self, amount: Decimal | None) -> str:
        return show_money(amount, self.base)

    def document(self, tables: list[DocTable], charts_: list[DocChart], facts: dict[str, Any],
                 label: str | None = None) -> ReportDocument:
        label = label or period_label(self.period, self.lang)
        name = self.req.name
        return ReportDocument(report=name, language=self.lang, company=self.req.company,
                              title=word(f"title.{name}", self.lang), period=self.period, period_label=label,
                              as_of=self.as_of, currency=self.base, generated_at=self.req.now,
                              key_figures=self.figures, tables=tables, charts=charts_, notes=self.notes, facts=facts)


def _key(row: dict[str, Cell], *columns: str) -> str:
    for column in columns:
        if row.get(column) is not None:
            return str(row[column])
    return "—"


def _by_key(table: ReportTable, *columns: str) -> dict[str, dict[str, Cell]]:
    return {_key(row, *columns): row for row in table.rows}


# --- sales ------------------------------------------------------------------------------------------------

_DIMENSIONS = {  # dimension -> (row key columns, name column)
    "customer": (("customer_code",), "customer"),
    "product": (("sku",), "product"),
    "salesperson": (("salesperson_code", "salesperson"), "salesperson"),
    "region": (("region",), "region"),
}


def _compare(current: ReportTable, before: ReportTable, last_year: ReportTable | None, dimension: str) -> list[dict]:
    """One row per key found in any of the periods: revenue now, before, a year ago, and the changes."""
    keys, name_column = _DIMENSIONS[dimension]
    now_rows, before_rows = _by_key(current, *keys), _by_key(before, *keys)
    ly_rows = _by_key(last_year, *keys) if last_year is not None else {}
    total = current.totals["revenue"]
    merged = []
    for key in dict.fromkeys([*now_rows, *before_rows, *ly_rows]):
        row = now_rows.get(key) or before_rows.get(key) or ly_rows[key]
        revenue = now_rows[key]["revenue"] if key in now_rows else ZERO
        prior = before_rows[key]["revenue"] if key in before_rows else ZERO
        year_ago = ly_rows[key]["revenue"] if key in ly_rows else ZERO
        merged.append({"key": key, "name": row[name_column], "code": row.get(keys[0]), "revenue": revenue,
                       "units": now_rows[key]["units"] if key in now_rows else 0,
                       "orders": now_rows[key]["orders"] if key in now_rows else 0,
                       "share_pct": pct(revenue, total), "previous": prior, "change": revenue - prior,
                       "change_prev_pct": change_pct(revenue, prior), "last_year": year_ago,
                       "change_ly_pct": change_pct(revenue, year_ago) if last_year is not None else None})
    merged.sort(key=lambda r: (-r["revenue"], -r["previous"], str(r["key"])))
    return merged


def build_sales(b: _Builder) -> ReportDocument:
    period = b.period
    before, year_ago = previous(period), same_last_year(period)

    def by(dimension: str, when: Period) -> ReportTable:
        return sales.sales_by(b.session, b.report_request(period=when), dimension=dimension)

    dims = ("customer", "product", "salesperson", "region")
    now = {d: by(d, period) for d in dims}
    then = {d: by(d, before) for d in dims}
    ly = {d: by(d, year_ago) for d in ("customer", "salesperson", "region")}
    customers = _compare(now["customer"], then["customer"], ly["customer"], "customer")
    products = _compare(now["product"], then["product"], None, "product")
    people = _compare(now["salesperson"], then["salesperson"], ly["salesperson"], "salesperson")
    regions = _compare(now["region"], then["region"], ly["region"], "region")

    totals = now["customer"].totals
    revenue, orders, units = totals["revenue"], totals["orders"], totals["units"]
    revenue_before, revenue_ly = then["customer"].totals["revenue"], ly["customer"].totals["revenue"]
    buying = [r for r in customers if r["revenue"] or r["orders"]]
    top5 = sum((r["revenue"] for r in buying[:5]), ZERO)
    bought_before = set(_by_key(then["customer"], "customer_code"))
    new = [r for r in buying if r["key"] not in bought_before]
    lapsed = [r for r in customers if not r["orders"] and r["previous"]]
    before_label, ly_label = period_label(before, b.lang), period_label(year_ago, b.lang)

    b.fig("revenue", "Revenue", "Doanh thu", revenue, "money")
    b.fig("orders", "Orders", "Số đơn hàng", orders, "int")
    b.fig("units", "Units sold", "Số lượng bán", units, "int")
    b.fig("average_order", "Average order", "Giá trị đơn trung bình",
          round_money(revenue / orders, b.base) if orders else None, "money")
    b.fig("customers", "Customers who ordered", "Khách hàng có đơn", len(buying), "int")
    b.fig("revenue_previous", f"Revenue, {before_label}", f"Doanh thu {before_label}", revenue_before, "money")
    b.fig("change_vs_previous_pct", f"Change vs {before_label}", f"Thay đổi so với {before_label}",
          change_pct(revenue, revenue_before), "change")
    b.fig("revenue_last_year", f"Revenue, {ly_label}", f"Doanh thu {ly_label}", revenue_ly, "money")
    b.fig("change_vs_last_year_pct", f"Change vs {ly_label}", f"Thay đổi so với {ly_label}",
          change_pct(revenue, revenue_ly), "change")
    b.fig("top_customer_share_pct", "Largest customer's share", "Tỷ trọng của khách hàng lớn nhất",
          buying[0]["share_pct"] if buying else None, "percent")
    b.fig("top5_share_pct", "Top 5 customers' share", "Tỷ trọng của 5 khách hàng lớn nhất", pct(top5, revenue), "percent")
    b.fig("new_customers", f"Customers new since {before_label}", f"Khách hàng mới so với {before_label}", len(new), "int")
    b.fig("lapsed_customers", f"Customers who bought in {before_label}, not now",
          f"Khách hàng mua trong {before_label} nhưng không mua kỳ này", len(lapsed), "int")

    def compare_table(key: str, title: str, rows: list[dict], name_label: str, *, with_ly: bool = True,
                      total: bool = True) -> DocTable:
        columns = [b.col("name", "text", label=name_label), b.col("revenue", "money"), b.col("share_pct", "percent", "share"),
                   b.col("previous", "money", label=before_label), b.col("change_prev_pct", "change")]
        if with_ly:
            columns += [b.col("last_year", "money", label=ly_label), b.col("change_ly_pct", "change")]
        total_row = None
        if total:
            total_row = {"name": word("total", b.lang), "revenue": revenue, "share_pct": pct(revenue, revenue) if revenue else None,
                         "previous": revenue_before, "change_prev_pct": change_pct(revenue, revenue_before),
                         "last_year": revenue_ly, "change_ly_pct": change_pct(revenue, revenue_ly)}
        return DocTable(key=key, title=title, columns=columns, rows=rows, total_row=total_row)

    movers_up = sorted((r for r in customers if r["change"] > 0), key=lambda r: (-r["change"], r["key"]))[:5]
    movers_down = sorted((r for r in customers if r["change"] < 0), key=lambda r: (r["change"], r["key"]))[:5]
    tables = [
        compare_table("regions", b.t("By region", "Theo khu vực"), regions, word("region", b.lang)),
        compare_table("salespeople", b.t("By salesperson", "Theo nhân viên kinh doanh"), people, word("salesperson", b.lang)),
        compare_table("customers", b.t(f"Top {TOP_ROWS} customers", f"{TOP_ROWS} khách hàng lớn nhất"),
                      [r for r in customers if r["revenue"] or r["orders"]][:TOP_ROWS], word("customer", b.lang), total=False),
        DocTable(key="products", title=b.t(f"Top {TOP_ROWS} products", f"{TOP_ROWS} sản phẩm bán chạy nhất"),
                 columns=[b.col("name", "text", "product"), b.col("code", "text", "sku"), b.col("units", "int"),
                          b.col("revenue", "money"), b.col("share_pct", "percent", "share"),
                          b.col("previous", "money", label=before_label), b.col("change_prev_pct", "change")],
                 rows=[r for r in products if r["revenue"] or r["units"]][:TOP_ROWS]),
        DocTable(key="movers", title=b.t(f"Largest movers vs {before_label}", f"Biến động lớn nhất so với {before_label}"),
                 columns=[b.col("name", "text", "customer"), b.col("revenue", "money"),
                          b.col("previous", "money", label=before_label), b.col("change", "money"),
                          b.col("change_prev_pct", "change")],
                 rows=movers_up + movers_down),
    ]
    over_time = sales.sales_over_time(b.session, b.report_request(period=period))
    grain = over_time.columns[0].label.lower()
    chart_rows = over_time.rows
    chart_list = [
        DocChart(key="revenue_over_time", title=b.t(f"Revenue by {grain}", "Doanh thu theo thời gian"),
                 png=(charts.line_chart if len(chart_rows) > 4 else charts.bar_chart)(
                     b.t(f"Revenue by {grain} ({b.base})", f"Doanh thu theo thời gian ({b.base})"),
                     [r["bucket"] for r in chart_rows], [(word("revenue", b.lang), [r["revenue"] for r in chart_rows])])),
        DocChart(key="salespeople", title=b.t("Revenue by salesperson", "Doanh thu theo nhân viên"),
                 png=charts.bar_chart(b.t(f"Revenue by salesperson ({b.base})", f"Doanh thu theo nhân viên ({b.base})"),
                                      [r["name"] for r in people],
                                      [(period_label(period, b.lang), [r["revenue"] for r in people]),
                                       (before_label, [r["previous"] for r in people]),
                                       (ly_label, [r["last_year"] for r in people])])),
    ]
    b.notes += [
        b.t(f"Revenue = net line amounts (after discounts, before VAT) of orders that are not cancelled, dated by "
            f"order date, in {b.base} at the FX rate of the order date. Compared with {before_label} (the previous "
            f"period of the same length) and {ly_label} (the same dates a year earlier).",
            f"Doanh thu = giá trị dòng hàng sau chiết khấu, trước VAT, của các đơn không bị hủy, tính theo ngày đặt "
            f"hàng, quy đổi sang {b.base} theo tỷ giá ngày đặt hàng. So sánh với {before_label} (kỳ liền trước cùng "
            f"độ dài) và {ly_label} (cùng kỳ năm trước)."),
        b.t("Region is the salesperson's region. Shares are of this period's revenue.",
            "Khu vực là khu vực của nhân viên kinh doanh. Tỷ trọng tính trên doanh thu kỳ này."),
    ]
    if period.end > b.req.today:
        b.notes.append(b.t(f"{period_label(period, b.lang)} has not ended yet: the figures run to {b.req.today.isoformat()}.",
                           f"{period_label(period, b.lang)} chưa kết thúc: số liệu tính đến {b.req.today.isoformat()}."))
    facts = {"before_label": before_label, "ly_label": ly_label, "up": movers_up, "down": movers_down,
             "lapsed": sorted(lapsed, key=lambda r: -r["previous"]), "top_customer": buying[0] if buying else None,
             "regions": regions, "people": people, "products": products}
    return b.document(tables, chart_list, facts)


# --- receivables aging and collections -------------------------------------------------------------------

def build_ar_aging(b: _Builder) -> ReportDocument:
    as_of = b.as_of
    aging = receivables.ar_aging(b.session, b.report_request(as_of=as_of))
    overdue = receivables.overdue_invoices(b.session, b.report_request(as_of=as_of))
    totals = aging.totals
    total_open = totals["total"]
    overdue_amount = total_open - totals["current"]
    per_customer: dict[str, dict[str, Any]] = {}
    aging_rows = _by_key(aging, "customer_code")
    for row in overdue.rows:
        slot = per_customer.setdefault(row["customer_code"], {
            "name": row["customer"], "code": row["customer_code"], "overdue": ZERO, "invoices": 0, "oldest_days": 0,
            "over_90": aging_rows[row["customer_code"]]["days_91_plus"]})
        slot["overdue"] += row["open_balance"]
        slot["invoices"] += 1
        slot["oldest_days"] = max(slot["oldest_days"], row["days_overdue"])
    collections = sorted(per_customer.values(), key=lambda r: (-r["overdue"], r["code"]))
    for row in collections:
        row["share_pct"] = pct(row["overdue"], overdue_amount)
    largest = aging.rows[0] if aging.rows else None

    b.fig("total_open", "Open receivables", "Tổng phải thu", total_open, "money")
    b.fig("open_invoices", "Open invoices", "Hóa đơn còn nợ", totals["invoices"], "int")
    b.fig("customers", "Customers owing", "Khách hàng còn nợ", aging.total_rows, "int")
    b.fig("overdue_amount", "Overdue", "Quá hạn", overdue_amount, "money")
    b.fig("overdue_share_pct", "Overdue share", "Tỷ lệ quá hạn", pct(overdue_amount, total_open), "percent")
    b.fig("over_90", "More than 90 days overdue", "Quá hạn trên 90 ngày", totals["days_91_plus"], "money")
    b.fig("over_90_share_pct", "Share more than 90 days overdue", "Tỷ lệ quá hạn trên 90 ngày",
          pct(totals["days_91_plus"], total_open), "percent")
    b.fig("overdue_invoices", "Overdue invoices", "Hóa đơn quá hạn", overdue.total_rows, "int")
    b.fig("customers_overdue", "Customers with overdue invoices", "Khách hàng có hóa đơn quá hạn", len(collections), "int")
    b.fig("oldest_days_overdue", "Longest overdue (days)", "Quá hạn lâu nhất (ngày)",
          overdue.rows[0]["days_overdue"] if overdue.rows else None, "int")
    b.fig("largest_debtor", "Largest balance", "Dư nợ lớn nhất", largest["customer"] if largest else None, "text")
    b.fig("largest_debtor_share_pct", "Largest balance's share", "Tỷ trọng dư nợ lớn nhất",
          pct(largest["total"], total_open) if largest else None, "percent")

    bucket_rows = [{"name": BUCKET_NAMES[key][b.lang], "amount": totals[key], "share_pct": pct(totals[key], total_open)}
                   for key, _ in BUCKETS]
    bucket_columns = [b.col(key, "money", label=BUCKET_NAMES[key][b.lang]) for key, _ in BUCKETS]
    tables = [
        DocTable(key="buckets", title=b.t("Receivables by age", "Phải thu theo tuổi nợ"),
                 columns=[b.col("name", "text", "bucket"), b.col("amount", "money", "open_balance"),
                          b.col("share_pct", "percent", "share")],
                 rows=bucket_rows, total_row={"name": word("total", b.lang), "amount": total_open,
                                              "share_pct": pct(total_open, total_open) if total_open else None}),
        DocTable(key="collections", title=b.t("Collections list: who to call first", "Danh sách thu nợ: cần gọi trước"),
                 columns=[b.col("name", "text", "customer"), b.col("code", "text"), b.col("overdue", "money", "overdue"),
                          b.col("share_pct", "percent", "share"), b.col("over_90", "money", label=BUCKET_NAMES["days_91_plus"][b.lang]),
                          b.col("invoices", "int", "invoices"), b.col("oldest_days", "int")],
                 rows=collections[:LIST_ROWS]),
        DocTable(key="aging", title=b.t(f"Largest {LIST_ROWS} balances by age", f"{LIST_ROWS} khách hàng dư nợ lớn nhất theo tuổi nợ"),
                 columns=[b.col("customer", "text"), *bucket_columns, b.col("total", "money", label=word("total", b.lang))],
                 rows=[{k: row[k] for k in ("customer", *(key for key, _ in BUCKETS), "total")} for row in aging.rows[:LIST_ROWS]],
                 total_row={"customer": word("total", b.lang), **{key: totals[key] for key, _ in BUCKETS}, "total": total_open}),
        DocTable(key="oldest", title=b.t("Longest overdue invoices", "Hóa đơn quá hạn lâu nhất"),
                 columns=[b.col("number", "text", "invoice"), b.col("customer", "text"), b.col("due_date", "date"),
                          b.col("days_overdue", "int"), b.col("open_balance", "money")],
                 rows=[{k: row[k] for k in ("number", "customer", "due_date", "days_overdue", "open_balance")}
                       for row in overdue.rows[:TOP_ROWS]]),
    ]
    bucket_labels = [BUCKET_NAMES[key][b.lang] for key, _ in BUCKETS]
    top = aging.rows[:TOP_ROWS]
    chart_list = [
        DocChart(key="buckets", title=b.t("Receivables by age", "Phải thu theo tuổi nợ"),
                 png=charts.bar_chart(b.t(f"Open receivables by age ({b.base})", f"Phải thu theo tuổi nợ ({b.base})"),
                                      bucket_labels, [(word("open_balance", b.lang), [totals[k] for k, _ in BUCKETS])])),
        DocChart(key="customers", title=b.t("Largest balances by age", "Dư nợ lớn nhất theo tuổi nợ"),
                 png=charts.bar_chart(b.t(f"Largest balances by age ({b.base})", f"Dư nợ lớn nhất theo tuổi nợ ({b.base})"),
                                      [r["customer"] for r in top],
                                      [(label, [r[key] for r in top]) for label, (key, _) in zip(bucket_labels, BUCKETS)],
                                      horizontal=True, stacked=True, colours=charts.AGING_COLOURS)),
    ]
    b.notes += [
        b.t(f"Open balance = invoice amount minus payments allocated to it by {as_of.isoformat()} (void invoices left "
            f"out), in {b.base} at each invoice's FX rate. Age counts days past the due date; current = not yet due.",
            f"Số dư còn nợ = giá trị hóa đơn trừ các khoản thanh toán đã phân bổ đến {as_of.isoformat()} (không tính "
            f"hóa đơn hủy), quy đổi sang {b.base} theo tỷ giá của từng hóa đơn. Tuổi nợ tính theo số ngày quá hạn; "
            f"trong hạn = chưa đến hạn."),
        b.t("The collections list ranks customers by their overdue amount.",
            "Danh sách thu nợ xếp khách hàng theo số tiền quá hạn."),
    ]
    return b.document(tables, chart_list, {"collections": collections, "oldest": overdue.rows[:3], "largest": largest},
                      label=f"{word('as_of', b.lang)} {as_of.isoformat()}")


# --- pipeline and weighted forecast ----------------------------------------------------------------------

def _open_deals(b: _Builder, conditions: list[Any], extra: list[Any], limit: int) -> list[dict[str, Any]]:
    """The largest open opportunities (per currency in SQL, then in base currency), valued at today's rate."""
    rate = rate_lookup(b.session, b.as_of, b.base)
    found = []
    currencies = b.session.execute(select(Opportunity.currency).where(*conditions, *extra).distinct()).scalars().all()
    for currency in sorted(currencies):
        stmt = (select(Opportunity.name, Opportunity.stage, Opportunity.amount, Opportunity.probability,
                       Opportunity.close_date, Customer.name, Employee.name)
                .join(Customer, Customer.id == Opportunity.customer_id)
                .outerjoin(Employee, Employee.id == Opportunity.owner_id)
                .where(*conditions, *extra, Opportunity.currency == currency)
                .order_by(Opportunity.amount.desc(), Opportunity.id).limit(limit))
        for name, stage, amount, probability, close, customer, owner in b.session.execute(stmt):
            value = amount * rate(currency)
            found.append({"customer": customer, "opportunity": name, "stage": stage_name(stage, b.lang),
                          "owner": owner or "—", "close_date": close.isoformat(), "amount": round_money(value, b.base),
                          "probability": Decimal(probability),
                          "weighted": round_money(value * probability / 100, b.base)})
    found.sort(key=lambda d: (-d["amount"], d["close_date"], d["customer"]))
    return found[:limit]


def build_pipeline(b: _Builder) -> ReportDocument:
    today, base = b.as_of, b.base
    close_filter = b.period if b.req.period else None
    sales_pipeline = pipeline_report.pipeline(b.session, b.report_request(period=close_filter, as_of=today))
    totals = sales_pipeline.totals
    conditions = [Opportunity.stage.in_(OPEN_STAGES)]
    if close_filter is not None:
        conditions += [Opportunity.close_date >= close_filter.start, Opportunity.close_date <= close_filter.end]
    rate = rate_lookup(b.session, today, base)
    groups = b.session.execute(select(Opportunity.close_date, Opportunity.currency, Opportunity.probability, func.count(),
                                      func.sum(Opportunity.amount))
                               .where(*conditions)
                               .group_by(Opportunity.close_date, Opportunity.currency, Opportunity.probability)).all()
    # Forecast by expected close month; deals whose close date has passed are a bucket of their own.
    horizon_end = date(*_month_add(today.replace(day=1), FORECAST_MONTHS))
    months: dict[Any, list[Any]] = {}
    soon = [0, ZERO]
    for close, currency, probability, count, amount in groups:
        value = (amount or ZERO) * rate(currency)
        if close < today:
            key: Any = "stale"
        elif close_filter is None and close >= horizon_end:
            key = "later"
        else:
            key = close.replace(day=1)
        slot = months.setdefault(key, [0, ZERO, ZERO])
        slot[0] += count
        slot[1] += value
        slot[2] += value * probability / 100
        if today <= close <= today + timedelta(days=89):
            soon[0] += count
            soon[1] += value * probability / 100
    month_rows = []
    for key in sorted(months, key=lambda k: (k != "stale", k == "later", k if isinstance(k, date) else date.min)):
        count, amount, weighted = months[key]
        label = (b.t("Close date passed", "Đã quá ngày chốt") if key == "stale"
                 else b.t(f"From {month_label(horizon_end, b.lang)}", f"Từ {month_label(horizon_end, b.lang)}")
                 if key == "later" else month_label(key, b.lang))
        month_rows.append({"name": label, "opportunities": count, "amount": round_money(amount, base),
                           "weighted": round_money(weighted, base)})
    stale = months.get("stale", [0, ZERO, ZERO])
    deals = _open_deals(b, conditions, [], TOP_ROWS)
    stale_deals = _open_deals(b, conditions, [Opportunity.close_date < today], TOP_ROWS)

    b.fig("open_opportunities", "Open opportunities", "Cơ hội đang mở", totals["opportunities"], "int")
    b.fig("pipeline_amount", "Pipeline amount", "Tổng giá trị cơ hội", totals["amount"], "money")
    b.fig("weighted_forecast", "Weighted forecast", "Dự báo có trọng số", totals["weighted_amount"], "money")
    b.fig("weighted_share_pct", "Weighted / amount", "Tỷ lệ có trọng số / tổng", pct(totals["weighted_amount"], totals["amount"]),
          "percent")
    b.fig("weighted_next_90_days", "Weighted, closing in the next 90 days", "Có trọng số, dự kiến chốt trong 90 ngày tới",
          round_money(soon[1], base), "money")
    b.fig("stale_opportunities", "Open past their close date", "Đã quá ngày chốt nhưng vẫn mở", stale[0], "int")
    b.fig("stale_amount", "Amount past its close date", "Giá trị đã quá ngày chốt", round_money(stale[1], base), "money")
    b.fig("largest_deal", "Largest open deal", "Cơ hội lớn nhất", deals[0]["customer"] if deals else None, "text")
    b.fig("largest_deal_amount", "Largest open deal, amount", "Giá trị cơ hội lớn nhất",
          deals[0]["amount"] if deals else None, "money")

    stage_rows = [{"name": stage_name(r["stage"], b.lang), "opportunities": r["opportunities"], "amount": r["amount"],
                   "weighted": r["weighted_amount"]} for r in sales_pipeline.rows]
    deal_columns = [b.col("customer", "text"), b.col("opportunity", "text"), b.col("stage", "text"),
                    b.col("owner", "text"), b.col("close_date", "date"), b.col("amount", "money"),
                    b.col("probability", "percent"), b.col("weighted", "money")]
    total_row = {"name": word("total", b.lang), "opportunities": totals["opportunities"], "amount": totals["amount"],
                 "weighted": totals["weighted_amount"]}
    count_columns = [b.col("opportunities", "int"), b.col("amount", "money"), b.col("weighted", "money")]
    tables = [
        DocTable(key="stages", title=b.t("By stage", "Theo giai đoạn"), columns=[b.col("name", "text", "stage"), *count_columns],
                 rows=stage_rows, total_row=total_row),
        DocTable(key="months", title=b.t("Forecast by expected close month", "Dự báo theo tháng dự kiến chốt"),
                 columns=[b.col("name", "text", "close_month"), *count_columns], rows=month_rows),
        DocTable(key="deals", title=b.t(f"Largest {TOP_ROWS} open deals", f"{TOP_ROWS} cơ hội lớn nhất"),
                 columns=deal_columns, rows=deals),
        DocTable(key="stale", title=b.t("Open past their expected close date", "Cơ hội đã quá ngày dự kiến chốt"),
                 columns=deal_columns, rows=stale_deals),
    ]
    chart_list = [
        DocChart(key="stages", title=b.t("Pipeline by stage", "Cơ hội theo giai đoạn"),
                 png=charts.bar_chart(b.t(f"Pipeline by stage ({base})", f"Cơ hội theo giai đoạn ({base})"),
                                      [r["name"] for r in stage_rows],
                                      [(word("amount", b.lang), [r["amount"] for r in stage_rows]),
                                       (word("weighted", b.lang), [r["weighted"] for r in stage_rows])])),
        DocChart(key="months", title=b.t("Weighted forecast by close month", "Dự báo có trọng số theo tháng"),
                 png=charts.bar_chart(b.t(f"Weighted forecast by expected close month ({base})",
                                          f"Dự báo có trọng số theo tháng dự kiến chốt ({base})"),
                                      [r["name"] for r in month_rows],
                                      [(word("weighted", b.lang), [r["weighted"] for r in month_rows])])),
    ]
    b.notes += [
        b.t(f"Open stages only. Weighted amount = amount × the opportunity's probability / 100; the weighted total is "
            f"the forecast. Amounts in other currencies are converted to {base} at the latest rate on or before "
            f"{today.isoformat()}.",
            f"Chỉ tính các giai đoạn đang mở. Giá trị có trọng số = giá trị × xác suất của cơ hội / 100; tổng có "
            f"trọng số là dự báo. Giá trị ngoại tệ quy đổi sang {base} theo tỷ giá gần nhất đến {today.isoformat()}."),
    ]
    if close_filter is not None:
        b.notes.append(b.t(f"Only opportunities expected to close in {period_label(close_filter, b.lang)}.",
                           f"Chỉ gồm cơ hội dự kiến chốt trong {period_label(close_filter, b.lang)}."))
    label = (b.t(f"Closing in {period_label(close_filter, b.lang)}", f"Dự kiến chốt trong {period_label(close_filter, b.lang)}")
             if close_filter is not None else f"{word('as_of', b.lang)} {today.isoformat()}")
    return b.document(tables, chart_list, {"deals": deals, "stale": stale_deals, "stages": stage_rows,
                                           "months": month_rows}, label=label)


def _month_add(first_day: date, months: int) -> tuple[int, int, int]:
    index = first_day.year * 12 + first_day.month - 1 + months
    return index // 12, index % 12 + 1, 1


# --- restock -----------------------------------------------------------------------------------------------

def build_restock(b: _Builder) -> ReportDocument:
    stock = inventory.restock(b.session, b.report_request())
    rows = [dict(r) for r in stock.rows]
    costs: dict[str, tuple[Decimal | None, str]] = {}
    if b.req.show_costs and rows:
        skus = sorted({r["sku"] for r in rows})
        for offset in range(0, len(skus), 500):
            for sku, cost, currency in b.session.execute(select(Product.sku, Product.unit_cost, Product.currency)
                                                         .where(Product.sku.in_(skus[offset:offset + 500]))):
                costs[sku] = (cost, currency)
        rate = rate_lookup(b.session, b.as_of, b.base)
        for row in rows:
            cost, currency = costs[row["sku"]]
            row["value"] = round_money(row["shortfall"] * cost * rate(currency), b.base) if cost is not None else None
    per_warehouse: dict[str, list[Any]] = {}
    for row in rows:
        slot = per_warehouse.setdefault(row["warehouse"], [0, 0, ZERO])
        slot[0] += 1
        slot[1] += row["shortfall"]
        slot[2] += row.get("value") or ZERO
    known_value = sum((r.get("value") or ZERO for r in rows), ZERO)
    missing_cost = [r["sku"] for r in rows if b.req.show_costs and r.get("value") is None]

    b.fig("rows_below", "Stock rows below reorder level", "Dòng tồn kho dưới mức đặt lại", stock.total_rows, "int")
    b.fig("products", "Products affected", "Sản phẩm bị ảnh hưởng", len({r["sku"] for r in rows}), "int")
    b.fig("warehouses", "Warehouses affected", "Kho bị ảnh hưởng", len(per_warehouse), "int")
    b.fig("shortfall_units", "Units short", "Số lượng thiếu", stock.totals["shortfall"], "int")
    b.fig("out_of_stock", "Rows with nothing on hand", "Dòng đã hết hàng", sum(1 for r in rows if r["quantity"] <= 0), "int")
    if b.req.show_costs:
        b.fig("reorder_value", "Reorder value at unit cost", "Giá trị bổ sung theo giá vốn", known_value, "money")

    columns = [b.col("sku", "text"), b.col("product", "text"), b.col("warehouse", "text"), b.col("quantity", "int", "on_hand"),
               b.col("reserved", "int"), b.col("reorder_level", "int"), b.col("shortfall", "int")]
    summary_columns = [b.col("name", "text", "warehouse"), b.col("rows", "int"), b.col("shortfall", "int")]
    if b.req.show_costs:
        columns.append(b.col("value", "money", "reorder_value"))
        summary_columns.append(b.col("value", "money", "reorder_value"))
    summary = [{"name": name, "rows": n, "shortfall": units, "value": value}
               for name, (n, units, value) in sorted(per_warehouse.items(), key=lambda kv: (-kv[1][1], kv[0]))]
    tables = [
        DocTable(key="warehouses", title=b.t("By warehouse", "Theo kho"), columns=summary_columns, rows=summary,
                 total_row={"name": word("total", b.lang), "rows": len(rows), "shortfall": stock.totals["shortfall"],
                            "value": known_value}),
        DocTable(key="restock", title=b.t("Largest shortfalls", "Thiếu hụt lớn nhất"), columns=columns,
                 rows=rows[:RESTOCK_ROWS],
                 caption=(b.t(f"Showing {RESTOCK_ROWS} of {len(rows)} rows.", f"Hiển thị {RESTOCK_ROWS} trên {len(rows)} dòng.")
                          if len(rows) > RESTOCK_ROWS else None)),
    ]
    top = rows[:LIST_ROWS]
    chart_list = [DocChart(key="shortfall", title=b.t("Largest shortfalls", "Thiếu hụt lớn nhất"),
                           png=charts.bar_chart(b.t("Units short of the reorder level", "Số lượng thiếu so với mức đặt lại"),
                                                [f"{r['sku']} · {r['warehouse']}" for r in top],
                                                [(word("shortfall", b.lang), [r["shortfall"] for r in top])],
                                                horizontal=True, amounts=False))]
    b.notes.append(b.t("Active products whose quantity on hand in a warehouse is below that warehouse's reorder level; "
                       "shortfall = reorder level − quantity on hand (reserved units are shown, not subtracted).",
                       "Sản phẩm đang kinh doanh có tồn kho tại một kho thấp hơn mức đặt lại của kho đó; thiếu hụt = "
                       "mức đặt lại − tồn kho (số đã giữ chỉ hiển thị, không trừ)."))
    if b.req.show_costs:
        b.notes.append(b.t(f"Reorder value = shortfall × the product's unit cost, in {b.base} at today's rate.",
                           f"Giá trị bổ sung = thiếu hụt × giá vốn đơn vị, quy đổi sang {b.base} theo tỷ giá hôm nay."))
    if missing_cost:
        b.notes.append(b.t(f"No unit cost is recorded for {', '.join(missing_cost[:5])}; their value is left out.",
                           f"Chưa có giá vốn cho {', '.join(missing_cost[:5])}; giá trị của chúng không được tính."))
    return b.document(tables, chart_list, {"rows": rows, "warehouses": summary},
                      label=f"{word('as_of', b.lang)} {b.as_of.isoformat()}")


# --- commissions -------------------------------------------------------------------------------------------

def build_commissions(b: _Builder) -> ReportDocument:
    period = b.period
    before = previous(period)
    now = sales.commissions(b.session, b.report_request(period=period))
    then = sales.commissions(b.session, b.report_request(period=before))
    before_label = period_label(before, b.lang)
    now_rows, then_rows = _by_key(now, "salesperson_code"), _by_key(then, "salesperson_code")
    rows = []
    for code in dict.fromkeys([*now_rows, *then_rows]):
        row = now_rows.get(code)
        prior = then_rows[code]["commission"] if code in then_rows else ZERO
        commission = row["commission"] if row else ZERO
        rows.append({"name": (row or then_rows[code])["salesperson"], "code": code, "orders": row["orders"] if row else 0,
                     "revenue": row["revenue"] if row else ZERO, "commission": commission,
                     "share_pct": pct(commission, now.totals["commission"]), "previous": prior,
                     "change_prev_pct": change_pct(commission, prior)})
    rows.sort(key=lambda r: (-r["commission"], -r["previous"], r["code"]))
    unassigned_revenue, unassigned_orders = next(((net, orders) for who, net, orders in sales.paid_sales(
        b.session, period.start, period.end) if who is None), (ZERO, 0))
    total, prior_total = now.totals["commission"], then.totals["commission"]
    earning = [r for r in rows if r["commission"]]

    b.fig("commission_total", "Commission", "Tổng hoa hồng", total, "money")
    b.fig("paid_sales", "Commissionable sales (orders paid in full)", "Doanh số tính hoa hồng (đơn đã thanh toán đủ)",
          now.totals["revenue"], "money")
    b.fig("paid_orders", "Orders paid in full", "Đơn đã thanh toán đủ", now.totals["orders"], "int")
    b.fig("rate_pct", "Commission rate", "Tỷ lệ hoa hồng", b.req.commission_rate_pct, "percent")
    b.fig("salespeople", "Salespeople earning commission", "Nhân viên có hoa hồng", len(earning), "int")
    b.fig("top_earner", "Highest commission", "Hoa hồng cao nhất", earning[0]["name"] if earning else None, "text")
    b.fig("top_earner_share_pct", "Highest commission's share", "Tỷ trọng hoa hồng cao nhất",
          earning[0]["share_pct"] if earning else None, "percent")
    b.fig("commission_previous", f"Commission, {before_label}", f"Hoa hồng {before_label}", prior_total, "money")
    b.fig("change_vs_previous_pct", f"Change vs {before_label}", f"Thay đổi so với {before_label}",
          change_pct(total, prior_total), "change")
    b.fig("unassigned_revenue", "Paid sales without a salesperson", "Doanh số đã thanh toán không có nhân viên",
          round_money(unassigned_revenue or ZERO, b.base), "money")
    b.fig("unassigned_orders", "Paid orders without a salesperson", "Đơn đã thanh toán không có nhân viên",
          unassigned_orders, "int")

    tables = [DocTable(
        key="commissions", title=b.t("By salesperson", "Theo nhân viên kinh doanh"),
        columns=[b.col("name", "text", "salesperson"), b.col("code", "text"), b.col("orders", "int", "paid_orders"),
                 b.col("revenue", "money", "paid_sales"), b.col("commission", "money"), b.col("share_pct", "percent", "share"),
                 b.col("previous", "money", label=f"{word('commission', b.lang)}, {before_label}"),
                 b.col("change_prev_pct", "change")],
        rows=rows,
        total_row={"name": word("total", b.lang), "orders": now.totals["orders"], "revenue": now.totals["revenue"],
                   "commission": total, "share_pct": pct(total, total) if total else None, "previous": prior_total,
                   "change_prev_pct": change_pct(total, prior_total)})]
    chart_list = [DocChart(key="commissions", title=b.t("Commission by salesperson", "Hoa hồng theo nhân viên"),
                           png=charts.bar_chart(b.t(f"Commission by salesperson ({b.base})", f"Hoa hồng theo nhân viên ({b.base})"),
                                                [r["name"] for r in rows],
                                                [(period_label(period, b.lang), [r["commission"] for r in rows]),
                                                 (before_label, [r["previous"] for r in rows])]))]
    b.notes += [b.t(f"Commission = {b.req.commission_rate_pct} % of commissionable sales: orders whose invoice was paid "
                    f"in full in the period (dated by the day the last payment came in), net of discounts, before VAT, "
                    f"in {b.base}; rounded per salesperson. An invoice not yet paid in full earns nothing yet.",
                    f"Hoa hồng = {b.req.commission_rate_pct} % doanh số tính hoa hồng: các đơn có hóa đơn được thanh "
                    f"toán đủ trong kỳ (theo ngày nhận khoản thanh toán cuối), sau chiết khấu, trước VAT, bằng {b.base}; "
                    "làm tròn theo từng nhân viên. Hóa đơn chưa thanh toán đủ chưa tính hoa hồng.")]
    return b.document(tables, chart_list, {"rows": rows, "before_label": before_label})


# --- top customers and lifetime value ------------------------------------------------------------------------

def build_top_customers(b: _Builder) -> ReportDocument:
    as_of = b.as_of
    clv = sales.customer_lifetime_value(b.session, b.report_request(as_of=as_of, limit=TOP_CUSTOMERS), rank_by="revenue")
    last_12 = Period(start=as_of - timedelta(days=364), end=as_of, label="12 months")
    # Revenue of the last 12 months from the semantic model, for the whole company and the customers shown.
    request = b.report_request(period=last_12)
    revenue_12m = request.model(b.session, ("revenue",)).totals["revenue"]
    shown = [r["customer_code"] for r in clv.rows]
    recent_rows = {row["customer"]: row["revenue"] for row in request.model(
        b.session, ("revenue",), ("customer",), filters=(DimensionFilter("customer", tuple(
            b.session.execute(select(Customer.id).where(Customer.code.in_(shown))).scalars())),)).rows} if shown else {}
    total = clv.totals["revenue"]
    rows, running = [], ZERO
    for row in clv.rows:
        running += row["revenue"]
        last = date.fromisoformat(row["last_order"])
        rows.append({"name": row["customer"], "code": row["customer_code"], "first_order": row["first_order"],
                     "last_order": row["last_order"], "days_since": (as_of - last).days, "orders": row["orders"],
                     "revenue": row["revenue"], "share_pct": pct(row["revenue"], total),
                     "cumulative_pct": pct(running, total), "average_order": row["average_order"],
                     "revenue_12m": round_money(recent_rows.get(row["customer_code"]) or ZERO, b.base)})
    at_risk = [r for r in rows if r["days_since"] > AT_RISK_DAYS]
    top10 = sum((r["revenue"] for r in rows[:10]), ZERO)

    b.fig("customers", "Customers who ever ordered", "Khách hàng đã từng đặt hàng", clv.total_rows, "int")
    b.fig("lifetime_revenue", "Lifetime revenue", "Doanh thu trọn đời", total, "money")
    b.fig("average_per_customer", "Lifetime revenue per customer", "Doanh thu trọn đời bình quân mỗi khách hàng",
          round_money(total / clv.total_rows, b.base) if clv.total_rows else None, "money")
    b.fig("top_customer", "Largest customer", "Khách hàng lớn nhất", rows[0]["name"] if rows else None, "text")
    b.fig("top_customer_share_pct", "Largest customer's share", "Tỷ trọng khách hàng lớn nhất",
          rows[0]["share_pct"] if rows else None, "percent")
    b.fig("top10_share_pct", "Top 10 customers' share", "Tỷ trọng của 10 khách hàng lớn nhất", pct(top10, total), "percent")
    b.fig("revenue_12m", "Revenue, last 12 months", "Doanh thu 12 tháng gần nhất", round_money(revenue_12m or ZERO, b.base),
          "money")
    b.fig("at_risk", f"Top {TOP_CUSTOMERS} customers without an order for more than {AT_RISK_DAYS} days",
          f"Khách hàng trong nhóm {TOP_CUSTOMERS} không đặt hàng hơn {AT_RISK_DAYS} ngày", len(at_risk), "int")

    tables = [DocTable(
        key="customers", title=b.t(f"Top {TOP_CUSTOMERS} customers by lifetime revenue",
                                   f"{TOP_CUSTOMERS} khách hàng có doanh thu trọn đời lớn nhất"),
        columns=[b.col("name", "text", "customer"), b.col("first_order", "date"), b.col("last_order", "date"),
                 b.col("days_since", "int"), b.col("orders", "int"), b.col("revenue", "money", "lifetime_revenue"),
                 b.col("share_pct", "percent", "share"), b.col("cumulative_pct", "percent", "cumulative_share"),
                 b.col("average_order", "money"), b.col("revenue_12m", "money")],
        rows=rows)]
    top = rows[:TOP_ROWS]
    chart_list = [DocChart(key="customers", title=b.t("Largest customers", "Khách hàng lớn nhất"),
                           png=charts.bar_chart(b.t(f"Lifetime and last-12-month revenue ({b.base})",
                                                    f"Doanh thu trọn đời và 12 tháng gần nhất ({b.base})"),
                                                [r["name"] for r in top],
                                                [(word("lifetime_revenue", b.lang), [r["revenue"] for r in top]),
                                                 (word("revenue_12m", b.lang), [r["revenue_12m"] for r in top])],
                                                horizontal=True))]
    b.notes += [b.t(f"Lifetime = every order that is not cancelled up to {as_of.isoformat()}, net of discounts, before "
                    f"VAT, in {b.base}. Last 12 months = {last_12.start.isoformat()} to {as_of.isoformat()}.",
                    f"Trọn đời = mọi đơn không bị hủy đến {as_of.isoformat()}, sau chiết khấu, trước VAT, bằng {b.base}. "
                    f"12 tháng gần nhất = {last_12.start.isoformat()} đến {as_of.isoformat()}.")]
    label = b.t(f"Lifetime to {as_of.isoformat()}", f"Trọn đời đến {as_of.isoformat()}")
    return b.document(tables, chart_list, {"rows": rows, "at_risk": at_risk}, label=label)


# --- the catalogue -----------------------------------------------------------------------------------------

def resolve_document_period(entry: Report, text: str | None, today: date,
                            language: str = "en") -> tuple[Period, date, list[str]]:
    """(period, as-of date, notes) for a document, by the catalogue's rule for the report (run_report's own)."""
    resolved = resolve_period(entry.period_use, text, today, default=entry.document_period, language=language,
                              subject=f"{entry.name} report")
    if resolved.period is not None:
        return resolved.period, resolved.as_of, list(resolved.notes)
    day = resolved.as_of
    return Period(start=day, end=day, label=f"As of {day.isoformat()}"), day, list(resolved.notes)


def build_document(session: Session, request: DocumentRequest) -> ReportDocument:
    """The document's figures, tables and charts (no narrative yet)."""
    entry = DOCUMENTS[normalise_name(request.name)]
    period, as_of, notes = resolve_document_period(entry, request.period, request.today, request.language)
    builder = _Builder(session=session, req=request, period=period, as_of=as_of, figures=[], notes=[])
    document = entry.document_builder()(builder)
    document.notes = notes + document.notes
    return document
