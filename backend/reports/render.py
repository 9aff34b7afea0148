"""A ReportDocument as a file: Markdown, self-contained HTML (charts inline as data: URIs) or PDF (WeasyPrint).

The PDF is the HTML laid out by WeasyPrint, so both look alike; nothing is fetched from the network (no
external stylesheet, font or image: WeasyPrint's URL fetcher is replaced by one that refuses).
"""
from __future__ import annotations

import base64
import html
import threading
from dataclasses import dataclass
from datetime import timezone
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from backend.errors import BusinessRuleViolation
from backend.reports.document import DocTable, ReportDocument
from backend.reports.labels import word
from backend.semantic.periods import month_end, quarter_of

Format = Literal["pdf", "html", "md"]
FORMATS = ("pdf", "html", "md")
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
_NUMERIC = {"money", "int", "percent", "change", "number"}


@dataclass(frozen=True)
class RenderedReport:
    filename: str
    content_type: str
    content: bytes
    title: str


def filename_for(document: ReportDocument, fmt: str) -> str:
    """sales-2026-10.pdf, commissions-2026-Q3-vi.md, ar-aging-2026-11-20.html, sales-2026-01-10_2026-02-20.pdf."""
    start, end = document.period.start, document.period.end
    whole_months = start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year
    if start == end:
        slug = start.isoformat()
    elif whole_months and start.month == end.month:
        slug = f"{start.year}-{start.month:02d}"
    elif whole_months and start.month % 3 == 1 and end.month == start.month + 2:
        slug = f"{start.year}-Q{quarter_of(start)}"
    elif whole_months and start.month == 1 and end.month == 12:
        slug = str(start.year)
    else:
        slug = f"{start.isoformat()}_{end.isoformat()}"
    suffix = "" if document.language == "en" else f"-{document.language}"
    return f"{document.report}-{slug}{suffix}.{fmt}"


def _local_time(document: ReportDocument, tz_name: str | None) -> str:
    moment = document.generated_at
    try:
        moment = moment.astimezone(ZoneInfo(tz_name)) if tz_name else moment.astimezone(timezone.utc)
    except Exception:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M %Z")


# --- Markdown ---------------------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(document: ReportDocument, table: DocTable) -> list[str]:
    lines = [f"### {table.title}", ""]
    if not table.rows:
        return lines + [document_empty(document), ""]
    lines.append("| " + " | ".join(_md_cell(c.label) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind in _NUMERIC else "---" for c in table.columns) + "|")
    rows = [*table.rows, *([table.total_row] if table.total_row else [])]
    for index, row in enumerate(rows):
        cells = [_md_cell(document.cell_text(c, row.get(c.key))) for c in table.columns]
        if table.total_row is not None and index == len(rows) - 1:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if table.caption:
        lines += ["", f"_{table.caption}_"]
    return lines + [""]


def document_empty(document: ReportDocument) -> str:
    return "No rows." if document.language == "en" else "Không có dòng nào."


def to_markdown(document: ReportDocument, *, tz_name: str | None = None) -> bytes:
    lang = document.language
    lines = [f"# {document.title}", "", f"**{document.company}** · {word('period', lang)}: {document.period_label} · "
             f"{word('generated', lang)} {_local_time(document, tz_name)}", "", f"## {word('summary', lang)}", "",
             "| | |", "|---|---:|"]
    lines += [f"| {_md_cell(f.label)} | {_md_cell(f.display)} |" for f in document.key_figures]
    lines += ["", f"## {word('analysis', lang)}", ""]
    for paragraph in document.narrative:
        lines += [paragraph, ""]
    lines += [f"_{word('narrative.' + document.narrative_source, lang)}_", ""]
    if document.narrative_notice:
        lines += [f"> {document.narrative_notice}", ""]
    for chart in document.charts:
        data = base64.b64encode(chart.png).decode("ascii")
        lines += [f"![{chart.title}](data:image/png;base64,{data})", ""]
    for table in document.tables:
        lines += _md_table(document, table)
    if document.notes:
        lines += [f"## {word('notes', lang)}", ""] + [f"- {note}" for note in document.notes] + [""]
    return "\n".join(lines).encode("utf-8")


# --- HTML -------------------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm;
  @bottom-left { content: string(doctitle); font-size: 7pt; color: #777; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; color: #777; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.6pt; color: #1d1d1d; line-height: 1.38; }
body { margin: 0; }
header { border-bottom: 2px solid #1f4e79; margin-bottom: 8pt; padding-bottom: 4pt; }
.company { color: #1f4e79; font-weight: bold; font-size: 8pt; letter-spacing: 0.03em; text-transform: uppercase; }
h1 { font-size: 15pt; margin: 2pt 0 1pt 0; string-set: doctitle content(); }
.period { font-size: 9.5pt; color: #444; }
h2 { font-size: 10.5pt; color: #1f4e79; margin: 11pt 0 4pt 0; border-bottom: 1px solid #d0d7e1; padding-bottom: 1pt; }
h3 { font-size: 9pt; margin: 9pt 0 3pt 0; }
table.figures { width: 100%; table-layout: fixed; border-collapse: collapse; }
table.figures td { width: 25%; padding: 4pt 5pt; vertical-align: top; border: 1px solid #d0d7e1; background: #f6f8fb; }
.figure-label { display: block; color: #555; font-size: 7pt; }
.figure-value { display: block; font-size: 9.6pt; font-weight: bold; }
.narrative p { margin: 0 0 5pt 0; text-align: justify; }
.byline { color: #777; font-size: 7pt; font-style: italic; }
.notice { color: #8a4b00; font-size: 7.5pt; }
figure { margin: 6pt 0; page-break-inside: avoid; }
figure img { width: 100%; }
table.data { width: 100%; table-layout: fixed; border-collapse: collapse; margin-bottom: 4pt; page-break-inside: auto; }
table.data th { text-align: left; font-size: 7.2pt; color: #333; border-bottom: 1px solid #888; padding: 2pt 3pt; }
table.data td { padding: 1.6pt 3pt; border-bottom: 0.5px solid #e3e3e3; font-size: 7.6pt; overflow-wrap: anywhere; }
table.data tr { page-break-inside: avoid; }
table.data .num { text-align: right; }
table.data tr.total td { font-weight: bold; border-top: 1px solid #888; border-bottom: none; }
.neg { color: #b00020; }
.caption, .empty { color: #666; font-size: 7.2pt; }
.notes li { font-size: 7.2pt; color: #444; margin-bottom: 2pt; }
"""


def _cell_html(document: ReportDocument, column, value) -> str:
    text = html.escape(document.cell_text(column, value))
    classes = ["num"] if column.kind in _NUMERIC else []
    if column.kind in ("change", "money") and value is not None and value < 0:
        classes.append("neg")
    return f'<td class="{" ".join(classes)}">{text}</td>' if classes else f"<td>{text}</td>"


# Relative column widths: with them the tables use the fixed layout algorithm, which spares WeasyPrint measuring
# every cell twice (the automatic layout is most of the time a PDF takes).
_WEIGHTS = {"text": 1.6, "money": 1.45, "int": 0.9, "percent": 0.85, "change": 0.9, "date": 1.15, "number": 1.1}


def _column_widths(table: DocTable) -> str:
    weights = [_WEIGHTS[c.kind] for c in table.columns]
    if table.columns and table.columns[0].kind == "text":
        weights[0] = 2.6  # the name column
    total = sum(weights)
    return "<colgroup>" + "".join(f'<col style="width:{w * 100 / total:.1f}%">' for w in weights) + "</colgroup>"


def _table_html(document: ReportDocument, table: DocTable) -> str:
    parts = [f"<h3>{html.escape(table.title)}</h3>"]
    if not table.rows:
        return parts[0] + f'<p class="empty">{html.escape(document_empty(document))}</p>'
    head = "".join(f'<th class="num">{html.escape(c.label)}</th>' if c.kind in _NUMERIC else f"<th>{html.escape(c.label)}</th>"
                   for c in table.columns)
    parts.append(f'<table class="data">{_column_widths(table)}<thead><tr>{head}</tr></thead><tbody>')
    for row in table.rows:
        parts.append("<tr>" + "".join(_cell_html(document, c, row.get(c.key)) for c in table.columns) + "</tr>")
    if table.total_row:
        parts.append('<tr class="total">' + "".join(_cell_html(document, c, table.total_row.get(c.key))
                                                    for c in table.columns) + "</tr>")
    parts.append("</tbody></table>")
    if table.caption:
        parts.append(f'<p class="caption">{html.escape(table.caption)}</p>')
    return "".join(parts)


def to_html(document: ReportDocument, *, tz_name: str | None = None) -> bytes:
    lang = document.language
    esc = html.escape
    figures = document.key_figures
    rows = []
    for offset in range(0, len(figures), 4):
        cells = "".join(f'<td><span class="figure-label">{esc(f.label)}</span><span class="figure-value">{esc(f.display)}'
                        f"</span></td>" for f in figures[offset:offset + 4])
        rows.append(f"<tr>{cells}</tr>")
    charts = "".join(f'<figure><img alt="{esc(c.title)}" src="data:image/png;base64,{base64.b64encode(c.png).decode("ascii")}">'
                     f"</figure>" for c in document.charts)
    narrative = "".join(f"<p>{esc(p)}</p>" for p in document.narrative)
    byline = esc(word("narrative." + document.narrative_source, lang))
    notice = document.narrative_notice
    notice_html = f'<p class="notice">{esc(notice)}</p>' if notice else ""
    tables = "".join(_table_html(document, t) for t in document.tables)
    notes = "".join(f"<li>{esc(n)}</li>" for n in document.notes)
    body = (f'<header><div class="company">{esc(document.company)}</div><h1>{esc(document.title)}</h1>'
            f'<div class="period">{esc(word("period", lang))}: {esc(document.period_label)} · '
            f'{esc(word("generated", lang))} {esc(_local_time(document, tz_name))}</div></header>'
            f'<h2>{esc(word("summary", lang))}</h2><table class="figures">{"".join(rows)}</table>'
            f'<h2>{esc(word("analysis", lang))}</h2><div class="narrative">{narrative}<p class="byline">{byline}</p>'
            f"{notice_html}</div>{charts}{tables}"
            + (f'<h2>{esc(word("notes", lang))}</h2><ul class="notes">{notes}</ul>' if notes else ""))
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(document.title)} — '
            f"{esc(document.period_label)}</title><style>{CSS}</style></head><body>{body}</body></html>")
    return page.encode("utf-8")


# --- PDF --------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint, its font configuration and a fetcher that loads data: URIs only (shared by every render)."""
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except OSError as exc:  # the Pango/HarfBuzz system libraries are missing
        raise BusinessRuleViolation("PDF output needs the Pango libraries, which are not installed on this server.",
                                    hint="Run `make system-deps` (Debian: libpango-1.0-0 libpangoft2-1.0-0), or ask "
                                         "for the report as html or md.") from exc
    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint 66+
        fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    else:
        def fetcher(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError("report documents load nothing but data: URIs")
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
    return weasyprint, FontConfiguration(), fetcher


# The font configuration (fontconfig + a Pango font map) is shared and not thread-safe; layout is CPU-bound
# Python, so rendering one PDF at a time costs no throughput.
_LAYING_OUT = threading.Lock()


def to_pdf(html_bytes: bytes) -> bytes:
    with _LAYING_OUT:
        weasyprint, fonts, fetcher = _weasyprint()
        return weasyprint.HTML(string=html_bytes.decode("utf-8"), url_fetcher=fetcher).write_pdf(font_config=fonts)


def render(document: ReportDocument, fmt: str, *, tz_name: str | None = None) -> RenderedReport:
    if fmt == "md":
        content = to_markdown(document, tz_name=tz_name)
    else:
        content = to_html(document, tz_name=tz_name)
        if fmt == "pdf":
            content = to_pdf(content)
    return RenderedReport(filename=filename_for(document, fmt), content_type=CONTENT_TYPES[fmt], content=content,
                          title=f"{document.title} — {document.period_label}")
