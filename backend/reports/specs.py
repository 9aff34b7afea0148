"""The catalogue of reports: what each one is, how it uses a period, which filters apply, and how a sales
rep's view of it is narrowed. `build_report` is the one entry point for the tool and the report documents."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from sqlalchemy.orm import Session

from backend.errors import ValidationFailed
from backend.reports import inventory, pipeline, receivables, sales
from backend.reports.table import ReportRequest, ReportTable

PeriodUse = Literal["range", "as_of", "filter", "none"]
RepScope = Literal["orders", "customers", "opportunities", None]
FILTERS = ("group_by", "top_n", "salesperson", "customer")


@dataclass(frozen=True)
class ReportSpec:
    name: str
    description: str
    build: Callable[[Session, ReportRequest], ReportTable]
    # range: orders dated in the period (default_period if none given); as_of: a snapshot at the period's end
    # (default today); filter: an optional date filter on a snapshot taken today; none: always today's snapshot.
    period_use: PeriodUse
    default_period: str | None
    filters: frozenset[str]
    # How rep_id narrows the report: orders credited to the rep, customers they own, opportunities they own.
    rep_scope: RepScope


def _spec(name: str, description: str, build, period_use: PeriodUse, default_period: str | None,
          filters: set[str], rep_scope: RepScope) -> ReportSpec:
    return ReportSpec(name, description, build, period_use, default_period, frozenset(filters), rep_scope)


_SALES_FILTERS = {"top_n", "salesperson", "customer"}
REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    _spec("sales_over_time", "revenue, orders and units per day/week/month/quarter/year", sales.sales_over_time,
          "range", "this-year", {"group_by", "salesperson", "customer"}, "orders"),
    _spec("sales_by_customer", "revenue, orders, units and share per customer, largest first",
          partial(sales.sales_by, dimension="customer"), "range", "this-year", _SALES_FILTERS, "orders"),
    _spec("sales_by_product", "revenue, orders, units and share per product, largest first",
          partial(sales.sales_by, dimension="product"), "range", "this-year", _SALES_FILTERS, "orders"),
    _spec("sales_by_salesperson", "revenue, orders, units and share per salesperson, largest first",
          partial(sales.sales_by, dimension="salesperson"), "range", "this-year", _SALES_FILTERS, "orders"),
    _spec("sales_by_country", "revenue, orders, units and share per customer country",
          partial(sales.sales_by, dimension="country"), "range", "this-year", _SALES_FILTERS, "orders"),
    _spec("sales_by_region", "revenue, orders, units and share per salesperson region",
          partial(sales.sales_by, dimension="region"), "range", "this-year", _SALES_FILTERS, "orders"),
    _spec("open_orders", "draft/confirmed orders not yet shipped, oldest first (period filters the order date)",
          sales.open_orders, "filter", None, _SALES_FILTERS, "orders"),
    _spec("ar_aging", "open receivables per customer in buckets current/1-30/31-60/61-90/91+ days past due, as of "
          "the period's end (default today)", receivables.ar_aging, "as_of", None, _SALES_FILTERS, "customers"),
    _spec("overdue_invoices", "open invoices past due as of the period's end (default today), longest overdue first",
          receivables.overdue_invoices, "as_of", None, _SALES_FILTERS, "customers"),
    _spec("pipeline", "open opportunities by stage: count, amount, weighted amount (period filters the close date)",
          pipeline.pipeline, "filter", None, {"salesperson", "customer"}, "opportunities"),
    _spec("restock", "active products below their reorder level, per warehouse", inventory.restock, "none", None,
          {"top_n"}, None),
    _spec("commissions", "invoiced revenue and commission per salesperson", sales.commissions, "range", "this-month",
          {"top_n", "salesperson"}, "orders"),
    _spec("customer_lifetime_value", "first/last order, orders, lifetime revenue, average order, years active per "
          "customer, up to the period's end (default today)", sales.customer_lifetime_value, "as_of", None,
          _SALES_FILTERS, "customers"),
)}


def check_filters(spec: ReportSpec, given: dict[str, object]) -> None:
    """A filter that does not apply is refused rather than silently ignored, so no one reads a narrowed report
    that was not narrowed."""
    extra = [name for name in FILTERS if given.get(name) is not None and name not in spec.filters]
    if extra:
        takes = ", ".join(name for name in FILTERS if name in spec.filters) or "no filters"
        raise ValidationFailed(f"The {spec.name} report does not take {' or '.join(extra)}.",
                               hint=f"Leave {', '.join(extra)} out; {spec.name} takes: {takes}.")


def build_report(session: Session, name: str, request: ReportRequest) -> ReportTable:
    return REPORTS[name].build(session, request)
