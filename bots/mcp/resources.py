"""Resources a person can attach in their AI client: a customer's 360 brief (`tandem://customers/{code}`) and the
report documents (`tandem://reports/{report}`). Each read is a tool call (customer_overview, write_report), so
it is checked against the caller's role and audited like any other."""
from __future__ import annotations

import base64
import json
from typing import Any

import mcp_types as types
from mcp.shared.exceptions import MCPError
from mcp.shared.uri_template import UriTemplate

from backend.errors import NotFound, TandemError
from backend.money import format_money
from backend.roles import allowed
from backend.tools import registry
from backend.tools.overview import CustomerOverview

RESOURCE_NOT_FOUND = -32002  # the code the MCP specification gives a resource that does not exist
CUSTOMER_URI = "tandem://customers/{code}"
REPORT_URI = "tandem://reports/{report}{?period,format,language}"
_CUSTOMER = UriTemplate.parse(CUSTOMER_URI)
_REPORT = UriTemplate.parse(REPORT_URI)
_TEXT_FORMATS = {"md": "text/markdown", "html": "text/html"}


def templates(role: str) -> list[types.ResourceTemplate]:
    found = []
    if allowed("customer_overview", role):
        found.append(types.ResourceTemplate(
            uri_template=CUSTOMER_URI, name="customer-brief", title="Customer brief", mime_type="text/markdown",
            description="A customer's 360 brief by customer code: profile, contacts, recent orders, open quotes, revenue "
                        "this year vs last, invoices and credit, open tickets, recent interactions, opportunities and "
                        "watch-outs (Markdown, then the same as JSON)."))
    if allowed("write_report", role):
        found.append(types.ResourceTemplate(
            uri_template=REPORT_URI, name="report-document", title="Report document", mime_type="text/markdown",
            description="A finished report document with key figures, tables and a written analysis: "
                        f"report = {', '.join(_documents(role))}; period e.g. 2026-10, 2026-Q3, 2026, last-month "
                        "(each report has a default); format md (default), html or pdf; language en or vi."))
    return found


def listed(role: str) -> list[types.Resource]:
    """The report documents at their default period; customers are reached through the template."""
    from backend.reports.catalog import DOCUMENTS

    return [types.Resource(uri=f"tandem://reports/{name}", name=f"report-{name}", title=f"{name} report",
                           mime_type="text/markdown", description=DOCUMENTS[name].document_description)
            for name in _documents(role)]


def _documents(role: str) -> list[str]:
    if not allowed("write_report", role):
        return []
    from backend.reports.catalog import DOCUMENTS

    return [name for name, entry in DOCUMENTS.items() if entry.roles is None or role in entry.roles]


async def read(run, uri: str) -> types.ReadResourceResult:
    """`run(work)` runs `work(ctx)` as the caller (see server.Binding.run)."""
    if (found := _CUSTOMER.match(uri)) is not None:
        code = str(found["code"]).strip()
        overview = await _call(run, "customer_overview", {"customer": code})
        if overview.profile.code.upper() != code.upper():
            # A URI names one record exactly: the tool also accepts names, the resource doesn't.
            raise MCPError(code=RESOURCE_NOT_FOUND, message=f"No customer has the code '{code}'.",
                           data={"uri": uri, "closest": overview.profile.code})
        data = json.loads(overview.model_dump_json())
        return types.ReadResourceResult(contents=[
            types.TextResourceContents(uri=uri, mime_type="text/markdown", text=brief_markdown(overview)),
            types.TextResourceContents(uri=uri, mime_type="application/json", text=json.dumps(data, ensure_ascii=False))])
    if (found := _REPORT.match(uri)) is not None:
        fmt = str(found.get("format") or "md")
        document = await _call(run, "write_report", {
            "report": found["report"], "period": found.get("period") or None, "format": fmt,
            "language": found.get("language") or "en", "return_content": True})
        if fmt in _TEXT_FORMATS:
            text = base64.b64decode(document.content_base64).decode("utf-8")
            return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, mime_type=document.content_type,
                                                                                 text=text)])
        return types.ReadResourceResult(contents=[types.BlobResourceContents(uri=uri, mime_type=document.content_type,
                                                                             blob=document.content_base64)])
    raise MCPError(code=RESOURCE_NOT_FOUND, message=f"Tandem has no resource {uri!r}.", data={"uri": uri})


async def _call(run, tool: str, arguments: dict[str, Any]):
    try:
        return await run(lambda ctx: registry.invoke(tool, ctx, arguments))
    except NotFound as exc:
        raise MCPError(code=RESOURCE_NOT_FOUND, message=_sentence(exc), data=exc.to_dict()) from None
    except TandemError as exc:
        raise MCPError(code=types.INVALID_PARAMS, message=_sentence(exc), data=exc.to_dict()) from None


def _sentence(exc: TandemError) -> str:
    return exc.message + (f" {exc.hint}" if exc.hint else "")


def brief_markdown(o: CustomerOverview) -> str:
    """The brief as a person reads it. Names, notes and ticket subjects are data written by people, quoted as such."""
    p = o.profile
    lines = [f"# {p.name} ({p.code})", "",
             " · ".join(x for x in (p.segment, p.city, p.country) if x) or "—",
             f"Owner: {p.owner or '—'} · currency {p.currency} · terms {p.payment_terms_days} days · as of {o.as_of}", ""]
    if o.watch_outs:
        lines += ["## Watch-outs", *(f"- {note}" for note in o.watch_outs), ""]
    r = o.revenue
    change = f" ({r.change_pct:+}%)" if r.change_pct is not None else ""
    lines += ["## Revenue", f"- Year to date: {format_money(r.year_to_date, r.currency)}{change}",
              f"- Same period last year: {format_money(r.same_period_last_year, r.currency)}",
              f"- Last year: {format_money(r.last_year, r.currency)}", ""]
    inv = o.invoices
    lines += ["## Invoices", f"- Open: {inv.open_count}, {format_money(inv.open_amount, inv.currency)}",
              f"- Overdue: {inv.overdue_count}, {format_money(inv.overdue_amount, inv.currency)}"
              + (f" (oldest {inv.oldest_overdue_days} days)" if inv.oldest_overdue_days else ""), ""]
    if o.credit is not None:
        c = o.credit
        limit = format_money(c.credit_limit, c.currency) if c.limit_configured else "not set"
        available = format_money(c.available, c.currency) if c.available is not None else "—"
        lines += ["## Credit", f"- Limit {limit}; exposure {format_money(c.exposure, c.currency)}; available {available}"
                  + ("; over the limit" if c.over_limit else ""), ""]
    if o.contacts:
        lines += [f"## Contacts ({o.contact_count})",
                  *(f"- {c.name}" + "".join(f" · {x}" for x in (c.title, c.email, c.phone) if x) for c in o.contacts), ""]
    if o.last_orders:
        lines += [f"## Recent orders ({o.order_count} in all)",
                  *(f"- {x.number} {x.order_date} {x.status}: {format_money(x.net_amount, x.currency)}" for x in o.last_orders),
                  ""]
    if o.open_quotes:
        lines += [f"## Open quotes ({o.open_quote_count})",
                  *(f"- {q.number} {q.status}, valid until {q.valid_until}: {format_money(q.total, q.currency)}"
                    for q in o.open_quotes), ""]
    if o.open_tickets:
        lines += [f"## Open tickets ({o.open_ticket_count})",
                  *(f"- {t.number} {t.priority}/{t.status}: “{t.subject}”" for t in o.open_tickets), ""]
    if o.recent_interactions:
        since = f", last {o.days_since_last_contact} days ago" if o.days_since_last_contact is not None else ""
        lines += [f"## Recent interactions{since}",
                  *(f"- {i.occurred_at:%Y-%m-%d} {i.kind}" + (f" by {i.employee}" if i.employee else "")
                    + f": “{i.summary}”" for i in o.recent_interactions), ""]
    if o.open_opportunities:
        lines += [f"## Open opportunities ({o.open_opportunity_count})",
                  *(f"- {x.name}: {x.stage}, {format_money(x.amount, x.currency)}, {x.probability}%, closes {x.close_date}"
                    for x in o.open_opportunities), ""]
    return "\n".join(lines).rstrip() + "\n"
