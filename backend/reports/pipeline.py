"""The sales pipeline: open opportunities by stage, with amounts weighted by each opportunity's probability."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.reports.labels import stage_name
from backend.reports.table import ChartHint, ReportRequest, ReportTable, column, say, snapshot
from backend.semantic import rules
from backend.semantic.engine import DimensionFilter
from backend.semantic.rules import OPEN_STAGES

ZERO = Decimal(0)


def rate_lookup(session: Session, on: date, base: str) -> Callable[[str], Decimal]:
    """currency -> units of base per unit on `on`, through one RateBook; a missing rate refuses the report."""
    book = rules.rates(session, base)
    return lambda currency: rules.rate_or_refuse(book, currency, on, "opportunities")


def pipeline(session: Session, req: ReportRequest) -> ReportTable:
    base, as_of = req.base_currency, req.as_of
    open_only = (DimensionFilter("stage", OPEN_STAGES),)
    found = req.model(session, ("open_opportunities", "pipeline_amount", "weighted_pipeline"), ("stage",),
                      filters=open_only)
    per_stage = {stage: [0, ZERO, ZERO] for stage in OPEN_STAGES}
    for row in found.rows:
        per_stage[row["stage"]] = [row["open_opportunities"], row["pipeline_amount"], row["weighted_pipeline"]]
    currencies = {row["currency"] for row in req.model(session, ("open_opportunities",), ("currency",),
                                                        filters=open_only).rows}
    lang, day = req.language, as_of.isoformat()
    rows = [{"stage": say(lang, stage, stage_name(stage, "vi")), "opportunities": count,
             "amount": amount, "weighted_amount": weighted}
            for stage, (count, amount, weighted) in per_stage.items()]
    period = req.period or snapshot(as_of, say(lang, f"Open as of {day}", f"Còn mở tính đến {day}"))
    notes = [say(lang, "Open stages only (closed won and closed lost are left out). Weighted amount = amount × the "
                       "opportunity's own probability / 100; the total weighted amount is the forecast.",
                 "Chỉ các giai đoạn còn mở (không gồm đã thắng và đã thua). Giá trị có trọng số = giá trị × xác suất "
                 "của cơ hội / 100; tổng giá trị có trọng số là dự báo."),
             say(lang, "Amounts and weighted amounts are rounded per stage; totals are the sum of the stages.",
                 "Giá trị và giá trị có trọng số được làm tròn theo từng giai đoạn; tổng là tổng các giai đoạn.")]
    if req.period is not None:
        notes.append(say(lang, f"Only opportunities expected to close in {req.period.label}.",
                         f"Chỉ gồm cơ hội dự kiến chốt trong {req.period.label}."))
    foreign = sorted(c for c in currencies if c != base)
    if foreign:
        notes.append(say(lang, f"{', '.join(foreign)} amounts converted to {base} at the latest FX rate on or before {day}.",
                         f"Giá trị bằng {', '.join(foreign)} được quy đổi sang {base} theo tỷ giá gần nhất đến {day}."))
    if req.rep_id is not None:
        notes.append(say(lang, f"Only opportunities owned by {req.rep_name} are included.",
                         f"Chỉ gồm cơ hội do {req.rep_name} phụ trách."))
    if req.period:
        title = say(lang, f"Sales pipeline closing in {req.period.label}", f"Cơ hội bán hàng dự kiến chốt trong {req.period.label}")
    else:
        title = say(lang, f"Sales pipeline as of {day}", f"Cơ hội bán hàng tính đến {day}")
    return ReportTable(
        name="pipeline", title=title, period=period, currency=base,
        columns=[column("stage", "text", lang),
                 column("opportunities", "int", lang),
                 column("amount", "money", lang),
                 column("weighted_amount", "money", lang)],
        rows=rows, total_rows=len(rows),
        totals={"opportunities": sum(r["opportunities"] for r in rows),
                "amount": sum((r["amount"] for r in rows), ZERO),
                "weighted_amount": sum((r["weighted_amount"] for r in rows), ZERO)},
        chart=ChartHint(kind="bar", x="stage", y=["amount", "weighted_amount"],
                        title=say(lang, f"Pipeline by stage ({base})", f"Cơ hội theo giai đoạn ({base})")),
        notes=notes)
