"""run_report: the typed tool over backend.reports — parses the period, resolves names, narrows a sales rep's
view to their own figures, and caps the rows an answer carries."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from rapidfuzz import fuzz
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.errors import Ambiguous, NotFound, PermissionDenied, ValidationFailed
from backend.models import Employee
from backend.reports.labels import period_label
from backend.reports.periods import ACCEPTED_FORMS, parse_period
from backend.reports.specs import REPORTS, check_filters
from backend.reports.table import ReportRequest, ReportTable
from backend.text import fold, say
from backend.tools.context import ToolContext
from backend.tools.lookup import CLEAR_LEAD, MIN_SCORE, resolve_customer
from backend.tools.registry import register
from backend.tools.schema import ToolModel

ReportName = Literal["sales_over_time", "sales_by_customer", "sales_by_product", "sales_by_salesperson",
                     "sales_by_country", "sales_by_region", "open_orders", "ar_aging", "overdue_invoices", "pipeline",
                     "restock", "commissions", "customer_lifetime_value"]
assert set(ReportName.__args__) == set(REPORTS)  # type: ignore[attr-defined]
# Without top_n a report still returns at most this many rows (totals always cover every row).
DEFAULT_ROWS = 50
SELF = {"en": "you (sales reps see only their own figures)",
        "vi": "bạn (nhân viên kinh doanh chỉ xem số liệu của mình)"}

_REPORTS_TEXT = "; ".join(f"{spec.name}: {spec.description}" for spec in REPORTS.values())


class RunReportInput(ToolModel):
    report: ReportName = Field(description=f"Which report. {_REPORTS_TEXT}.")
    period: str | None = Field(None, max_length=60, description=(
        "Period, e.g. " + ", ".join(form.split(" (")[0] for form in ACCEPTED_FORMS[:5]) + ", ytd, last-30-days, "
        "this-month, last-quarter, last-year. Default this-year for sales_*, this-month for commissions; ar_aging, "
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


def resolve_employee(session: Session, reference: str) -> Employee:
    """One employee for a code, e-mail or name, or NotFound / Ambiguous — never a guess."""
    text = reference.strip()
    exact = session.execute(select(Employee).where(or_(func.upper(Employee.code) == text.upper(),
                                                       func.lower(Employee.email) == text.lower()))).scalars().first()
    if exact is not None:
        return exact
    wanted = fold(text)
    people = session.execute(select(Employee)).scalars().all()
    same_name = [e for e in people if fold(e.name) == wanted]
    if len(same_name) == 1:
        return same_name[0]
    ranked = sorted(((round(fuzz.WRatio(wanted, fold(e.name)), 1), e) for e in people), key=lambda p: (-p[0], p[1].code))
    ranked = [(score, e) for score, e in ranked if score >= MIN_SCORE]
    if not ranked:
        raise NotFound(f"No employee matches '{reference}'.", hint="Use the employee's code or full name.")
    if len(same_name) > 1 or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < CLEAR_LEAD):
        raise Ambiguous(f"'{reference}' matches several employees.",
                        candidates=[{"code": e.code, "name": e.name, "score": s} for s, e in ranked[:6]])
    return ranked[0][1]


@register(kind="read")
def run_report(ctx: ToolContext, params: RunReportInput) -> ReportTable:
    """Run a business report (sales by time/customer/product/salesperson/country/region, open orders, AR aging, overdue invoices, pipeline, restock, commissions, customer lifetime value) as a table with totals, chart hint and notes; a sales rep sees only their own figures (orders credited to them; receivables and customers they own; opportunities they own), finance, manager and admin see everything."""
    spec = REPORTS[params.report]
    check_filters(spec, params.model_dump())
    today, lang = ctx.today, params.language or "en"
    period, as_of, notes = None, today, []
    if spec.period_use == "none":
        if params.period:
            raise ValidationFailed(f"The {spec.name} report is a snapshot of today and takes no period.",
                                   hint="Leave period out.")
    elif spec.period_use == "range":
        period = parse_period(params.period or spec.default_period, today)
    elif params.period:
        period = parse_period(params.period, today)
        if spec.period_use == "as_of":
            as_of = min(period.end, today)
            if period.end > today:
                notes.append(say(lang, f"{period.label} has not ended yet, so the report is as of today ({today.isoformat()}).",
                                 f"{period_label(period, 'vi')} chưa kết thúc nên báo cáo tính đến hôm nay ({today.isoformat()})."))
            period = None
    if period is not None and lang == "vi":
        period = period.model_copy(update={"label": period_label(period, "vi")})

    rep_id, rep_name = None, say(lang, "the selected salesperson", "nhân viên đã chọn")
    if params.salesperson:
        employee = resolve_employee(ctx.session, params.salesperson)
        rep_id, rep_name = employee.id, f"{employee.name} ({employee.code})"
    if ctx.role == "sales" and spec.rep_scope is not None:
        if rep_id is not None and rep_id != ctx.actor.id:
            raise PermissionDenied("Sales reps can run this report only on their own figures.",
                                   hint="Leave salesperson out to see yours, or ask a manager for the team's figures.")
        rep_id, rep_name = ctx.actor.id, SELF[lang]
    customer = resolve_customer(ctx.session, params.customer) if params.customer else None
    customer_id = customer.id if customer else None
    if customer is not None:
        # A narrowed report says so where it is read first: a table of one customer's sales titled like the
        # company's would be misread.
        notes.append(say(lang, f"Only {customer.name} ({customer.code}).", f"Chỉ gồm {customer.name} ({customer.code})."))

    request = ReportRequest(base_currency=ctx.base_currency, today=today, as_of=as_of, period=period,
                            group_by=params.group_by, limit=params.top_n or DEFAULT_ROWS, rep_id=rep_id,
                            rep_name=rep_name, customer_id=customer_id,
                            commission_rate_pct=ctx.settings.commission_rate_pct, language=lang)
    table = spec.build(ctx.session, request)
    if customer is not None:
        table.title = f"{table.title} — {customer.name}"
    if notes:
        table.notes = notes + table.notes
    return table
