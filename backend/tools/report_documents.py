"""write_report: a finished report document (figures, tables, charts, written analysis) as PDF, HTML or Markdown."""
from __future__ import annotations

import base64
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from backend.reports.catalog import DOCUMENTS, normalise_name
from backend.reports.document import KeyFigure
from backend.semantic.periods import ACCEPTED_FORMS, Period
from backend.tools.context import ToolContext
from backend.tools.registry import register
from backend.tools.schema import ToolModel

if TYPE_CHECKING:
    from backend.reports.render import RenderedReport

DocumentName = Literal[tuple(DOCUMENTS)]  # type: ignore[valid-type]
_REPORTS_TEXT = "; ".join(f"{name}: {entry.document_description}" for name, entry in DOCUMENTS.items())


class WriteReportInput(ToolModel):
    report: DocumentName = Field(description=f"Which report document. {_REPORTS_TEXT}.")
    period: str | None = Field(None, max_length=60, description=(
        "Period, e.g. " + ", ".join(form.split(" (")[0] for form in ACCEPTED_FORMS[:3]) + ", last-month, last-quarter. "
        "Defaults: sales and commissions last-month; ar-aging and top-customers as of today (or the period's end); "
        "pipeline everything open (a period filters the expected close date); restock takes none."))
    format: Literal["pdf", "html", "md"] = Field("pdf", description="pdf, html (self-contained) or md (Markdown)")
    language: Literal["en", "vi"] = Field("en", description="Language of the document: en (English) or vi (Vietnamese)")
    return_content: bool = Field(False, description=(
        "true: return the file itself, base64, in content_base64 (for API clients) and store nothing; false (the "
        "default, right for a conversation): store the file on the server and return its path for the channel to "
        "attach"))

    @field_validator("report", mode="before")
    @classmethod
    def _dashes(cls, value: object) -> object:
        return normalise_name(value) if isinstance(value, str) else value


class WriteReportResult(ToolModel):
    report: str
    title: str = Field(description="Document title with its period, e.g. 'Sales report — October 2026'")
    period: Period
    as_of: date
    format: str
    language: str
    filename: str
    content_type: str
    size_bytes: int
    key_figures: list[KeyFigure] = Field(description="The headline figures, as printed in the document")
    narrative: str = Field(description="The written analysis, paragraphs separated by blank lines")
    narrative_source: Literal["template", "llm"]
    notices: list[str] = Field(default_factory=list, description="e.g. why the language model's analysis was not used")
    path: str | None = Field(None, description="Where the file is stored on the server (when return_content is false)")
    content_base64: str | None = Field(None, description="The file itself (when return_content is true)")


def _store(ctx: ToolContext, rendered: RenderedReport) -> Path:
    """reports/<employee code>/<filename> under the data directory; the latest copy of each file is kept."""
    folder = ctx.settings.data_dir / "reports" / re.sub(r"[^A-Za-z0-9_.-]", "_", ctx.actor.code)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / rendered.filename
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
    with os.fdopen(handle, "wb") as out:
        out.write(rendered.content)
    os.replace(temporary, target)  # readers never see half a file
    return target.resolve()


def produce_report(ctx: ToolContext, params: WriteReportInput) -> tuple[WriteReportResult, RenderedReport]:
    """Build, narrate and render one document as the context's actor (no role check: callers go through the tool)."""
    # The report stack (SQL builders, charts, rendering) loads on the first report, not with the tool list.
    from backend.reports.builders import DocumentRequest, build_document
    from backend.reports.narrative import compose_narrative
    from backend.reports.render import CONTENT_TYPES, render

    DOCUMENTS[params.report].check_role(ctx.role)
    request = DocumentRequest(name=params.report, period=params.period, language=params.language, today=ctx.today,
                              now=ctx.now, company=ctx.company.name, base_currency=ctx.base_currency,
                              commission_rate_pct=ctx.settings.commission_rate_pct, show_costs=ctx.sees_costs,
                              zone=ctx.company.timezone)
    document = build_document(ctx.session, request)
    narrative = compose_narrative(document, ctx.settings)
    document.narrative, document.narrative_source = narrative.paragraphs, narrative.source
    document.narrative_notice = narrative.notice
    rendered = render(document, params.format, tz_name=ctx.company.timezone)
    result = WriteReportResult(
        report=document.report, title=rendered.title, period=document.period, as_of=document.as_of,
        format=params.format, language=params.language, filename=rendered.filename,
        content_type=CONTENT_TYPES[params.format], size_bytes=len(rendered.content), key_figures=document.key_figures,
        narrative="\n\n".join(document.narrative), narrative_source=document.narrative_source,
        notices=[narrative.notice] if narrative.notice else [])
    return result, rendered


@register(kind="read")
def write_report(ctx: ToolContext, params: WriteReportInput) -> WriteReportResult:
    """Write a finished report document (sales, ar-aging, pipeline, restock, commissions, top-customers) with key figures, tables, charts and a written analysis, as PDF, HTML or Markdown, in English or Vietnamese. A read tool: it reads the books and produces a file but changes no business data, so it needs no confirmation."""
    result, rendered = produce_report(ctx, params)
    if params.return_content:
        result.content_base64 = base64.b64encode(rendered.content).decode("ascii")
    else:
        result.path = str(_store(ctx, rendered))
    return result
