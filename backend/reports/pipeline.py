"""The sales pipeline: open opportunities by stage, with amounts weighted by each opportunity's probability."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation
from backend.ledger import MissingFxRate, fx_rate
from backend.money import round_money
from backend.models import Opportunity
from backend.models.crm import OPPORTUNITY_STAGES
from backend.reports.labels import stage_name
from backend.reports.table import ChartHint, ReportRequest, ReportTable, column, say, snapshot

ZERO = Decimal(0)
OPEN_STAGES = tuple(stage for stage in OPPORTUNITY_STAGES if not stage.startswith("closed_"))


def _rate_lookup(session: Session, on: date, base: str) -> Callable[[str], Decimal]:
    cache: dict[str, Decimal] = {}

    def rate(currency: str) -> Decimal:
        if currency not in cache:
            try:
                cache[currency] = fx_rate(session, currency, on, base)
            except MissingFxRate:
                raise BusinessRuleViolation(f"There is no {currency}→{base} FX rate on or before {on.isoformat()}, so "
                                            f"{currency} opportunities can't be valued.",
                                            hint="Add the rate to the FX rates table and run the report again.") from None
        return cache[currency]

    return rate


def pipeline(session: Session, req: ReportRequest) -> ReportTable:
    base, as_of = req.base_currency, req.as_of
    conditions = [Opportunity.stage.in_(OPEN_STAGES)]
    if req.period is not None:
        conditions += [Opportunity.close_date >= req.period.start, Opportunity.close_date <= req.period.end]
    if req.rep_id is not None:
        conditions.append(Opportunity.owner_id == req.rep_id)
    if req.customer_id is not None:
        conditions.append(Opportunity.customer_id == req.customer_id)
    # Grouping by probability and currency keeps SQL to plain sums; the weighting and FX happen here, exactly.
    groups = session.execute(select(Opportunity.stage, Opportunity.currency, Opportunity.probability, func.count(),
                                    func.sum(Opportunity.amount))
                             .where(*conditions)
                             .group_by(Opportunity.stage, Opportunity.currency, Opportunity.probability)).all()
    rate = _rate_lookup(session, as_of, base)
    per_stage = {stage: [0, ZERO, ZERO] for stage in OPEN_STAGES}
    currencies = set()
    for stage, currency, probability, count, amount in groups:
        value = (amount or ZERO) * rate(currency)
        currencies.add(currency)
        slot = per_stage[stage]
        slot[0] += count
        slot[1] += value
        slot[2] += value * probability / 100
    lang, day = req.language, as_of.isoformat()
    rows = [{"stage": say(lang, stage, stage_name(stage, "vi")), "opportunities": count,
             "amount": round_money(amount, base), "weighted_amount": round_money(weighted, base)}
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
