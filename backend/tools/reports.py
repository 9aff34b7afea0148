"""run_report: the typed tool over the report catalogue's tables — reads the period by the catalogue's rule,
resolves names, narrows a sales rep's view to their own figures, and caps the rows an answer carries."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from backend.errors import PermissionDenied, ValidationFailed
from backend.reports.catalog import FILTERS, TABLES, Report, table_name
from backend.reports.table import ReportRequest, ReportTable
from backend.roles import OTHER_REP_HINT, OTHER_REP_REFUSAL
from backend.semantic.periods import ACCEPTED_FORMS, period_label, resolve_period
from backend.text import say
from backend.tools.context import ToolContext
from backend.tools.lookup import resolve_customer, resolve_employee
from backend.tools.registry import register
from backend.tools.schema import ToolModel

ReportName = Literal[tuple(TABLES)]  # type: ignore[valid-type]
# Without top_n a report still returns at most this many rows (totals always cover every row).
DEFAULT_ROWS = 50
SELF = {"en": "you (sales reps see only their own figures)",
        "vi": "bạn (nhân viên kinh doanh chỉ xem số liệu của mình)"}

_REPORTS_TEXT = "; ".join(f"{name}: {entry.description}" for name, entry in TABLES.items())


class RunReportInput(ToolModel):
    report: ReportName = Field(description=f"Which report. {_REPORTS_TEXT}.")
    period: str | None = Field(None, max_length=60, description=(
        "Period, e.g. " + ", ".join(form.split(" (")[0] for form in ACCEPTED_FORMS[:3]) + ", ytd, last-month, "
        "last-30-days. Default this-year for sales_*, this-month for commissions; ar_aging, "
        "overdue_invoices and customer_lifetime_value are as of today unless a period is given (then as of its end); "
        "open_orders and pipeline cover everything open unless a period is given (order date / expected close date); "
        "restock takes none."))
    group_by: Literal["day", "week", "month", "quarter", "year"] | None = Field(
        None, description="sales_over_time only: bucket size; by default day up to a month, week up to a quarter, "
                          "month up to two years, quarter up to five, then year")
    top_n: int | None = Field(None, ge=1, le=100, description=(
        f"Keep only the first N rows (largest first), e.g. 5 for 'top 5 customers'; without it at most {DEFAULT_ROWS} "
        "rows are returned. Totals always cover all rows. Not for sales_over_time or pipeline."))
    salesperson: str | None = Field(None, max_length=200, description=(
        "Employee code or name to narrow to one salesperson (orders credited to them; for ar_aging, "
        "overdue_invoices and customer_lifetime_value the customers they own; for pipeline the opportunities they own). "
        "Not for restock."))
    customer: str | None = Field(None, max_length=200, description="Customer code or name to narrow to one customer. "
                                                                    "Not for restock or commissions.")
    language: Literal["en", "vi"] | None = Field(None, description="Language of the title, column headings and notes: "
                                                                   "the user's (vi for Vietnamese; default en)")

    @field_validator("report", mode="before")
    @classmethod
    def _underscores(cls, value: object) -> object:
        return table_name(value) if isinstance(value, str) else value


def check_filters(spec: Report, given: dict[str, object]) -> None:
    """A filter that does not apply is refused rather than silently ignored, so no one reads a narrowed report
    that was not narrowed."""
    extra = [name for name in FILTERS if given.get(name) is not None and name not in spec.filters]
    if extra:
        takes = ", ".join(name for name in FILTERS if name in spec.filters) or "no filters"
        raise ValidationFailed(f"The {spec.table_name} report does not take {' or '.join(extra)}.",
                               hint=f"Leave {', '.join(extra)} out; {spec.table_name} takes: {takes}.")


@register(kind="read")
def run_report(ctx: ToolContext, params: RunReportInput) -> ReportTable:
    """Run a business report (sales by time/customer/product/salesperson/country/region, open orders, AR aging, overdue invoices, pipeline, restock, commissions, customer lifetime value) as a table with totals, chart hint and notes; a sales rep sees only their own figures (orders credited to them; receivables and customers they own; opportunities they own), finance, manager and admin see everything."""
    spec = TABLES[params.report]
    spec.check_role(ctx.role)
    check_filters(spec, params.model_dump())
    today, lang = ctx.today, params.language or "en"
    resolved = resolve_period(spec.period_use, params.period, today, default=spec.default_period, language=lang,
                              subject=f"{spec.table_name} report")
    period, as_of, notes = resolved.period, resolved.as_of, list(resolved.notes)
    if period is not None and lang == "vi":
        period = period.model_copy(update={"label": period_label(period, "vi")})

    rep_id, rep_name = None, say(lang, "the selected salesperson", "nhân viên đã chọn")
    if params.salesperson:
        employee = resolve_employee(ctx.session, params.salesperson)
        rep_id, rep_name = employee.id, f"{employee.name} ({employee.code})"
    if ctx.role == "sales" and spec.rep_scope is not None:
        if rep_id is not None and rep_id != ctx.actor.id:
            raise PermissionDenied(OTHER_REP_REFUSAL, hint=OTHER_REP_HINT)
        rep_id, rep_name = ctx.actor.id, SELF[lang]
    customer = resolve_customer(ctx.session, params.customer) if params.customer else None
    customer_id = customer.id if customer else None
    if ctx.role == "sales" and customer is not None and customer.owner_id == ctx.actor.id and not params.salesperson \
            and params.report.startswith("sales_"):
        # a customer the rep owns is theirs whole: all its orders, whoever they are credited to (as query_data and
        # the customer overview count them)
        rep_id = None
    if customer is not None:
        # A narrowed report says so where it is read first: a table of one customer's sales titled like the
        # company's would be misread.
        notes.append(say(lang, f"Only {customer.name} ({customer.code}).", f"Chỉ gồm {customer.name} ({customer.code})."))

    request = ReportRequest(base_currency=ctx.base_currency, today=today, as_of=as_of, period=period,
                            group_by=params.group_by, limit=params.top_n or DEFAULT_ROWS, rep_id=rep_id,
                            rep_name=rep_name, customer_id=customer_id,
                            commission_rate_pct=ctx.settings.commission_rate_pct, language=lang,
                            zone=ctx.company.timezone)
    table = spec.table_builder()(ctx.session, request)
    if customer is not None:
        table.title = f"{table.title} — {customer.name}"
    if notes:
        table.notes = notes + table.notes
    return table
