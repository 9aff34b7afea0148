"""The one catalogue of reports: every report — a table for run_report, a document for write_report, or both — is
one entry with one name, its period rule and default, the filters it takes, how a sales rep's view of it is
narrowed, and its builders. run_report, write_report, the REST routes, `tandem report`, schedules and the
planner all read it; the tools' name enums and descriptions are derived from it.

Builders are named "module:function" and imported on first use, so reading the catalogue (every tool list does)
loads no SQL, charts or rendering. Adding a report is one module plus one entry here.

Names are written with dashes (`ar-aging`, the form of files, URLs and `tandem report`); run_report's enum spells
the same names with underscores (`ar_aging`), and every surface accepts either.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from backend.roles import FINANCE_VIEWERS
from backend.semantic.periods import PeriodUse

RepScope = Literal["orders", "customers", "opportunities", None]
FILTERS = ("group_by", "top_n", "salesperson", "customer")


def normalise_name(name: str) -> str:
    return (name or "").strip().lower().replace("_", "-").replace(" ", "-")


def table_name(name: str) -> str:
    """The spelling run_report's enum uses."""
    return normalise_name(name).replace("-", "_")


@dataclass(frozen=True)
class Report:
    name: str
    description: str                    # what the table holds (run_report's description)
    period_use: PeriodUse
    default_period: str | None = None
    filters: frozenset[str] = frozenset()
    # How a rep's id narrows it: orders credited to them, customers they own, opportunities they own.
    rep_scope: RepScope = None
    table: str | None = None            # "module:function": (session, ReportRequest) -> ReportTable
    document: str | None = None         # "module:function": (builder) -> ReportDocument
    document_description: str | None = None
    document_default_period: str | None = None   # when the document's default differs from the table's
    # The one-line titles; the document's own title is labels.WORDS["title.<name>"].
    roles: frozenset[str] | None = None  # narrower than the tool's roles (None: the tool's)

    @property
    def table_name(self) -> str:
        return table_name(self.name)

    def table_builder(self) -> Callable[..., Any]:
        return _load(self.table)

    def document_builder(self) -> Callable[..., Any]:
        return _load(self.document)

    @property
    def document_period(self) -> str | None:
        return self.document_default_period or self.default_period

    def check_role(self, role: str) -> None:
        """A report narrower than its tool (the statements: finance, managers, admins) refuses the other roles."""
        if self.roles is not None and role not in self.roles:
            from backend.errors import PermissionDenied

            allowed = sorted(self.roles)
            raise PermissionDenied(f"You don't have permission to run the {self.name} report: it is for "
                                   f"{', '.join(allowed[:-1])} and {allowed[-1]} only.",
                                   hint="Ask someone in finance for it.")


def _load(target: str | None) -> Callable[..., Any]:
    if target is None:
        raise LookupError("this report has no such form")
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


_SALES = frozenset({"top_n", "salesperson", "customer"})
_ST = "backend.reports.statements"
_SD = "backend.reports.statement_documents"


def _statement(name: str, description: str, period_use: PeriodUse, default: str | None, document: str, *,
               filters: frozenset[str] = frozenset(), document_default: str | None = None) -> Report:
    """A financial statement or a payables / purchases / stock-value report: finance, managers and admins only."""
    function = name.replace("-", "_")
    return Report(name, description, period_use, default, filters, None, table=f"{_ST}:{function}",
                  document=f"{_SD}:build_{function}", document_description=document,
                  document_default_period=document_default, roles=FINANCE_VIEWERS)
_S = "backend.reports.sales"
_B = "backend.reports.builders"


def _by(dimension: str, noun: str) -> Report:
    return Report(f"sales-by-{dimension}", f"revenue, orders, units and share per {noun}, largest first", "range",
                  "this-year", _SALES, "orders", table=f"{_S}:sales_by_{dimension}")


CATALOGUE: dict[str, Report] = {r.name: r for r in (
    Report("sales-over-time", "revenue, orders and units per day/week/month/quarter/year", "range", "this-year",
           frozenset({"group_by", "salesperson", "customer"}), "orders", table=f"{_S}:sales_over_time"),
    _by("customer", "customer"), _by("product", "product"), _by("salesperson", "salesperson"),
    _by("country", "customer country"), _by("region", "salesperson region"), _by("segment", "customer segment"),
    _by("category", "product category"), _by("city", "customer city"),
    Report("open-orders", "draft/confirmed orders not yet shipped, oldest first (period filters the order date)",
           "filter", None, _SALES, "orders", table=f"{_S}:open_orders"),
    Report("ar-aging", "open receivables per customer in buckets current/1-30/31-60/61-90/91+ days past due, as of the "
           "period's end (default today)", "as_of", None, _SALES, "customers",
           table="backend.reports.receivables:ar_aging", document=f"{_B}:build_ar_aging",
           document_description="receivables by age and the overdue collections list, as of the period's end "
                                "(default today)"),
    Report("overdue-invoices", "open invoices past due as of the period's end (default today), longest overdue first",
           "as_of", None, _SALES, "customers", table="backend.reports.receivables:overdue_invoices"),
    Report("customer-open-invoices", "one customer's invoices that still have an open balance: amount, paid, open "
           "balance, due date and days overdue, as of the period's end (default today); needs customer", "as_of", None,
           frozenset({"customer", "top_n"}), "customers", table="backend.reports.receivables:customer_open_invoices"),
    Report("payments-received", "customer payments received per customer: count, amount in base currency, last "
           "payment (default this month)", "range", "this-month", _SALES, "customers",
           table="backend.reports.receivables:payments_received"),
    Report("pipeline", "open opportunities by stage: count, amount, weighted amount (period filters the close date)",
           "filter", None, frozenset({"salesperson", "customer"}), "opportunities",
           table="backend.reports.pipeline:pipeline", document=f"{_B}:build_pipeline",
           document_description="open opportunities by stage and expected close month with the weighted forecast "
                                "(period filters the expected close date)"),
    Report("restock", "active products below their reorder level, per warehouse", "none", None, frozenset({"top_n"}),
           table="backend.reports.inventory:restock", document=f"{_B}:build_restock",
           document_description="stock below reorder level per product and warehouse (today; takes no period)"),
    Report("commissions", "sales paid in full and commission per salesperson", "range", "this-month",
           frozenset({"top_n", "salesperson"}), "orders", table=f"{_S}:commissions", document=f"{_B}:build_commissions",
           document_description="sales paid in full and commission per salesperson vs the previous period",
           document_default_period="last-month"),
    Report("customer-lifetime-value", "first/last order, orders, lifetime revenue, average order, years active per "
           "customer, up to the period's end (default today)", "as_of", None, _SALES, "customers",
           table=f"{_S}:customer_lifetime_value"),
    Report("sales", "revenue by customer, product, region and salesperson, with the change vs the previous period and "
           "the same period last year", "range", "last-month", document=f"{_B}:build_sales",
           document_description="revenue by customer, product, region and salesperson, with the change vs the previous "
                                "period and the same period last year"),
    Report("top-customers", "largest customers by lifetime revenue, with recency and the last 12 months", "as_of",
           document=f"{_B}:build_top_customers",
           document_description="largest customers by lifetime revenue, with recency and the last 12 months, up to the "
                                "period's end (default today)"),
    _statement("trial-balance", "debits, credits and balance of every ledger account as of the period's end (default "
               "today)", "as_of", None, "the trial balance as of the period's end (default today)"),
    _statement("profit-and-loss", "revenue, cost of sales, gross profit, operating expenses and net profit from the "
               "ledger, with the previous period, the same period last year and the year to date (default this month)",
               "range", "this-month", "profit and loss for the period (month, quarter, year) vs the previous period, "
               "last year and the year to date (default last month)", document_default="last-month"),
    _statement("balance-sheet", "assets, liabilities and equity (with the year's earnings) from the ledger as of the "
               "period's end (default today)", "as_of", None, "the balance sheet as of the period's end (default today)"),
    _statement("cash-flow", "opening cash, cash in and out by operating/investing/financing class, closing cash "
               "(default this month)", "range", "this-month", "cash flow of the period by activity (default last "
               "month)", document_default="last-month"),
    _statement("ap-aging", "open payables per supplier in buckets current/1-30/31-60/61-90/91+ days past due, as of "
               "the period's end (default today)", "as_of", None, "payables by age and by supplier, as of the "
               "period's end (default today)", filters=frozenset({"top_n"})),
    _statement("purchases", "purchases (goods bills, net of VAT) per supplier and product category (default this "
               "year)", "range", "this-year", "purchases by supplier and by category (default last month)",
               filters=frozenset({"top_n"}), document_default="last-month"),
    _statement("inventory-valuation", "units and value of inventory on the books per product, as of the period's end "
               "(default today); the total is the balance sheet's inventory", "as_of", None,
               "inventory value per product on the books, as of the period's end (default today)",
               filters=frozenset({"top_n"})),
)}

TABLES: dict[str, Report] = {r.table_name: r for r in CATALOGUE.values() if r.table}
DOCUMENTS: dict[str, Report] = {r.name: r for r in CATALOGUE.values() if r.document}


def report(name: str) -> Report:
    """The entry for a name written either way, or LookupError."""
    return CATALOGUE[normalise_name(name)]
