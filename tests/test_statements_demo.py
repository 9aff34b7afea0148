"""The statements tie out on the demo company (24 months of sales and purchasing, the ledger posted over all of it):
balance-sheet receivables = the AR aging total, payables = the AP aging total, inventory = the inventory valuation
total, assets = liabilities + equity, and the semantic model's ledger measures agree with the statements."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from backend.accounting import statements as st
from backend.models import Employee
from backend.tools.context import ToolContext
from backend.tools.registry import invoke

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def finance(demo) -> ToolContext:
    actor = demo.execute(select(Employee).where(Employee.role == "finance").order_by(Employee.code).limit(1)).scalar_one()
    return ToolContext(session=demo, actor=actor, channel="test", now=NOW)


def run(finance, name: str, period: str | None = None):
    return invoke("run_report", finance, {"report": name, "period": period})


@pytest.mark.parametrize("as_of", [
    TODAY, date(2026, 3, 31),
    # On 2025-12-31 one customer payment (12,446,661 VND) had been received for an invoice issued only in 2026: it is
    # a customer advance on the balance sheet (a liability), not a receivable, until the invoice exists.
    date(2025, 12, 31),
    # On 2026-06-30 INV-2026-000557 (380.50 USD at 26,083) is part-paid (171.23 USD): receivables hold its open
    # 209.27 USD converted once (5,458,389 VND), as the AR aging does.
    date(2026, 6, 30)])
def test_the_balance_sheet_ties_out_with_the_subledgers(demo, finance, as_of):
    period = None if as_of == TODAY else as_of.isoformat()
    sheet = st.balance_sheet(demo, as_of)
    assert sheet.assets.total == sheet.liabilities_and_equity
    assert sheet.amount("receivables") == run(finance, "ar_aging", period).totals["total"]
    assert sheet.amount("payables") == run(finance, "ap_aging", period).totals["total"]
    assert sheet.amount("inventory") == run(finance, "inventory_valuation", period).totals["value"]
    # The demo has something in each of them, so equality says something.
    assert sheet.amount("receivables") > 0 and sheet.amount("payables") > 0 and sheet.amount("inventory") > 0


def test_the_semantic_model_agrees_with_the_statements(demo, finance):
    pnl = st.profit_and_loss(demo, date(2026, 7, 1), date(2026, 9, 30))
    figures = invoke("query_data", finance, {"measures": ["ledger_revenue", "cogs", "operating_expenses", "net_profit"],
                                             "period": "2026-Q3"}).totals
    assert figures["net_profit"] == pnl.net_profit
    assert figures["ledger_revenue"] == pnl.revenue.amount("revenue")
    assert figures["cogs"] == pnl.cost_of_sales.amount("cogs")
    assert figures["operating_expenses"] == pnl.operating_expenses.total
    assert pnl.revenue.total > 0 and figures["cogs"] > 0
    cash = invoke("query_data", finance, {"measures": ["cash_balance", "open_payables"]}).totals
    sheet = st.balance_sheet(demo, TODAY)
    assert cash["cash_balance"] == sheet.amount("cash") + sheet.amount("bank")
    assert cash["open_payables"] == sheet.amount("payables")


def test_cash_flow_closes_on_the_balance_sheets_cash(demo):
    flow = st.cash_flow(demo, date(2026, 1, 1), TODAY)
    sheet = st.balance_sheet(demo, TODAY)
    assert flow.closing == sheet.amount("cash") + sheet.amount("bank")
    assert flow.sections["operating"].amount("customers") > 0 and flow.sections["operating"].amount("suppliers") < 0


def test_a_payment_before_its_invoice_is_a_customer_advance(demo):
    # The one payment received by 2025-12-31 for an invoice issued in 2026 (12,446,661 VND) is the advance then; by
    # the invoice's date it is applied and nothing stays unapplied.
    assert st.balance_sheet(demo, date(2025, 12, 31)).amount("customer_advances") == D("12446661")
    assert st.balance_sheet(demo, TODAY).amount("customer_advances") == 0


def test_lifetime_value_is_on_margin_by_the_models_definitions(demo, finance):
    """The CLV report ranks by lifetime gross margin; its margin and CLV per customer are query_data's."""
    table = run(finance, "customer_lifetime_value")
    margins = [r["gross_margin"] or D(0) for r in table.rows]
    assert margins == sorted(margins, reverse=True) and margins[0] > 0
    top = table.rows[0]["customer_code"]
    lifetime = invoke("query_data", finance, {"measures": ["gross_margin"], "customer": top,
                                              "period": f"1970-01-01..{TODAY.isoformat()}"})
    recent = invoke("query_data", finance, {"measures": ["clv"], "customer": top,
                                            "period": f"{date(2025, 11, 27).isoformat()}..{TODAY.isoformat()}"})
    assert table.rows[0]["gross_margin"] == lifetime.totals["gross_margin"]
    assert table.rows[0]["clv"] == recent.totals["clv"]


def test_the_books_balances_tie_out_on_the_demo(demo, finance):
    """query_data's receivables and inventory on the books are the balance sheet's lines, the AR aging's total and
    the inventory valuation's total."""
    sheet = st.balance_sheet(demo, TODAY)
    books = invoke("query_data", finance, {"measures": ["receivables_on_books", "inventory_on_books"]}).totals
    assert books["receivables_on_books"] == sheet.amount("receivables") == run(finance, "ar_aging").totals["total"]
    assert books["inventory_on_books"] == sheet.amount("inventory") == run(finance, "inventory_valuation").totals["value"]
