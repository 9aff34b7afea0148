"""The report documents by name, with what each one contains: what tools and help text need, without the
builders (and the SQL, charts and rendering behind them)."""
from __future__ import annotations

DOCUMENT_DESCRIPTIONS: dict[str, str] = {
    "sales": "revenue by customer, product, region and salesperson, with the change vs the previous period and the "
             "same period last year",
    "ar-aging": "receivables by age and the overdue collections list, as of the period's end (default today)",
    "pipeline": "open opportunities by stage and expected close month with the weighted forecast (period filters the "
                "expected close date)",
    "restock": "stock below reorder level per product and warehouse (today; takes no period)",
    "commissions": "invoiced revenue and commission per salesperson vs the previous period",
    "top-customers": "largest customers by lifetime revenue, with recency and the last 12 months, up to the period's "
                     "end (default today)",
}


def normalise_name(name: str) -> str:
    return (name or "").strip().lower().replace("_", "-").replace(" ", "-")
