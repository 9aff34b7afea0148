"""The figures of every report on the demo company, as JSON: the catalogue's reports must keep giving the
figures the reports gave before they moved onto the semantic model (tests/fixtures/reports-before-catalogue.json,
written by `python -m tests.reports_golden OUT` from the code before the move)."""
from __future__ import annotations

import json
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)
# (report, period, extra arguments) — every table report, with and without a period where it takes one.
TABLE_CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    ("sales_over_time", None, {}), ("sales_over_time", "2025", {"group_by": "quarter"}),
    ("sales_over_time", "last-month", {}), ("sales_by_customer", None, {}), ("sales_by_customer", "2025-Q3", {"top_n": 5}),
    ("sales_by_product", "last-quarter", {}), ("sales_by_salesperson", "2025", {}), ("sales_by_country", None, {}),
    ("sales_by_region", "ytd", {}), ("open_orders", None, {}), ("open_orders", "2026-11", {}), ("ar_aging", None, {}),
    ("ar_aging", "2026-06", {}), ("overdue_invoices", None, {}), ("overdue_invoices", "2026-09", {"top_n": 10}),
    ("pipeline", None, {}), ("pipeline", "2027-Q1", {}), ("restock", None, {}), ("commissions", None, {}),
    ("commissions", "2026-Q3", {}), ("customer_lifetime_value", None, {}), ("customer_lifetime_value", "2025", {"top_n": 10}),
]
DOCUMENT_CASES: list[tuple[str, str | None]] = [
    ("sales", "2026-10"), ("ar-aging", None), ("pipeline", None), ("restock", None), ("commissions", "2026-Q3"),
    ("top-customers", None),
]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def figures(session: Session, actor_email: str = "ha@songhong.vn") -> dict[str, Any]:
    from backend.models import Employee
    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke

    actor = session.execute(select(Employee).where(Employee.email == actor_email)).scalar_one()
    ctx = ToolContext(session=session, actor=actor, channel="test", now=NOW)
    out: dict[str, Any] = {}
    for report, period, extra in TABLE_CASES:
        table = invoke("run_report", ctx, {"report": report, "period": period, **extra})
        out[f"table:{report}:{period}:{json.dumps(extra, sort_keys=True)}"] = _plain(
            {"rows": table.rows, "totals": table.totals, "total_rows": table.total_rows,
             "period": [table.period.start.isoformat(), table.period.end.isoformat()]})
    for name, period in DOCUMENT_CASES:
        result = invoke("write_report", ctx, {"report": name, "period": period, "format": "md", "return_content": True})
        out[f"document:{name}:{period}"] = _plain({"key_figures": [[f.key, f.value] for f in result.key_figures],
                                                   "period": [result.period.start.isoformat(), result.period.end.isoformat()],
                                                   "tables": document_tables(ctx, name, period)})
    return out


def document_tables(ctx, name: str, period: str | None) -> dict[str, Any]:
    from backend.reports.builders import DocumentRequest, build_document

    document = build_document(ctx.session, DocumentRequest(
        name=name, period=period, language="en", today=ctx.today, now=ctx.now, company=ctx.company.name,
        base_currency=ctx.base_currency, commission_rate_pct=ctx.settings.commission_rate_pct, show_costs=True))
    return {table.key: table.rows for table in document.tables}


def main(target: Path) -> None:
    import tempfile

    from backend.db import make_engine, migrate, session_factory
    from backend.demo import create_demo_company

    folder = Path(tempfile.mkdtemp(prefix="tandem-golden-"))
    engine = make_engine(f"sqlite:///{folder / 'tandem.sqlite3'}")
    migrate(engine)
    with session_factory(engine)() as session:
        create_demo_company(session, seed=7, today=TODAY)
        session.flush()
        data = figures(session)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(data)} reports written to {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
