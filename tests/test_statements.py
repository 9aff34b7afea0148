"""The financial statements on a small hand-built company (tests/factories/statements.py, every figure computed by hand
there and here): profit and loss, balance sheet, cash flow, trial balance, AP aging, purchases and inventory valuation
as functions, as run_report tables and as documents; the tie-outs (balance-sheet receivables = AR aging, payables = AP
aging, inventory = valuation); who may see them; `tandem report profit-and-loss --period 2026-Q3`."""
from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal as D

import pytest
from typer.testing import CliRunner

from backend.accounting import statements as st
from backend.accounting.hooks import install_posting
from backend.errors import PermissionDenied
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.statements import make_statement_world

TODAY = date(2026, 11, 20)


@pytest.fixture
def world(session):
    install_posting(session)
    return make_statement_world(session)


def ctx(session, world, role: str, now) -> ToolContext:
    return ToolContext(session=session, actor=world[role], channel="test", now=now)


def report(session, world, now, name: str, period: str | None = None, role: str = "finance", **extra):
    return invoke("run_report", ctx(session, world, role, now), {"report": name, "period": period, **extra})


# --- the statements ---------------------------------------------------------------------------------------

def test_profit_and_loss_of_the_third_quarter_and_the_year(session, world):
    q3 = st.profit_and_loss(session, date(2026, 7, 1), date(2026, 9, 30))
    # Revenue: INV-A 3,000,000 + INV-B 2,000,000 net of VAT. Cost of sales: 30 paper at 60,000 + 200 pens at 5,000
    # and B1's 200,000 price variance. Operating expenses: September's rent.
    assert q3.revenue.total == D("5000000")
    assert {line.role: line.amount for line in q3.cost_of_sales.lines} == {"cogs": D("2800000"), "price_variance": D("200000")}
    assert q3.gross_profit == D("2000000")
    assert q3.operating_expenses.total == D("1500000")
    assert q3.exchange.total == 0
    assert q3.net_profit == D("500000")
    # The year to date adds October's service bill (400,000 net) to the operating expenses.
    year = st.profit_and_loss(session, date(2026, 1, 1), TODAY)
    assert (year.operating_expenses.total, year.net_profit) == (D("1900000"), D("100000"))
    assert st.net_profit(session, date(2026, 1, 1), TODAY) == D("100000")
    # 2025 had only the 500,000 of income.
    assert st.profit_and_loss(session, date(2025, 1, 1), date(2025, 12, 31)).net_profit == D("500000")


def test_balance_sheet_as_of_a_day_balances_with_the_years_earnings(session, world):
    sheet = st.balance_sheet(session, date(2026, 9, 30))
    # Bank: 500,000 + 100,000,000 + 3,300,000 - 6,820,000 - 2,000,000 - 1,500,000.
    assert {line.role: line.amount for line in sheet.assets.lines} == {
        "bank": D("93480000"), "receivables": D("2200000"), "inventory": D("8200000"), "vat_input": D("1120000")}
    assert {line.role: line.amount for line in sheet.liabilities.lines if line.amount} == {
        "payables": D("3500000"), "vat_output": D("500000")}
    assert {line.role: line.amount for line in sheet.equity.lines} == {
        "opening_equity": D("100000000"), "prior_years_earnings": D("500000"), "current_year_earnings": D("500000")}
    assert sheet.assets.total == sheet.liabilities_and_equity == D("105000000")
    today = st.balance_sheet(session, TODAY)
    # B3 (440,000 with VAT) is owed since October and its 400,000 is an expense of the year.
    assert (today.amount("payables"), today.amount("vat_input"), today.amount("current_year_earnings")) == (
        D("3940000"), D("1160000"), D("100000"))
    assert today.assets.total == today.liabilities_and_equity == D("105040000")


def test_cash_flow_classifies_each_movement_by_the_other_side_of_its_entry(session, world):
    q3 = st.cash_flow(session, date(2026, 7, 1), date(2026, 9, 30))
    assert q3.opening == D("100500000")
    assert {line.key: line.amount for line in q3.sections["operating"].lines} == {
        "customers": D("3300000"), "suppliers": D("-8820000"), "expenses": D("-1500000")}
    assert q3.sections["investing"].total == q3.sections["financing"].total == 0
    assert (q3.net_change, q3.closing) == (D("-7020000"), D("93480000"))
    # The closing cash is the balance sheet's.
    assert q3.closing == st.balance_sheet(session, date(2026, 9, 30)).amount("bank")
    year = st.cash_flow(session, date(2026, 1, 1), date(2026, 12, 31))
    assert (year.opening, year.sections["financing"].total, year.closing) == (D("500000"), D("100000000"), D("93480000"))


# --- the tie-outs -------------------------------------------------------------------------------------------

def tie_out(session, finance: ToolContext, as_of: date) -> dict[str, tuple[D, D]]:
    """(balance sheet, subledger report) for receivables, payables and inventory as of a day."""
    period = as_of.isoformat()
    sheet = st.balance_sheet(session, as_of)
    run = lambda name: invoke("run_report", finance, {"report": name, "period": period})  # noqa: E731
    return {"receivables": (sheet.amount("receivables"), run("ar_aging").totals["total"]),
            "payables": (sheet.amount("payables"), run("ap_aging").totals["total"]),
            "inventory": (sheet.amount("inventory"), run("inventory_valuation").totals["value"])}


def test_the_balance_sheet_ties_out_with_the_aging_and_valuation_reports(session, world, now):
    finance = ctx(session, world, "finance", now)
    assert tie_out(session, finance, TODAY) == {"receivables": (D("2200000"), D("2200000")),
                                                "payables": (D("3940000"), D("3940000")),
                                                "inventory": (D("8200000"), D("8200000"))}
    # Before INV-A was paid and B2 part-paid, and before any sale.
    assert tie_out(session, finance, date(2026, 8, 25)) == {"receivables": (D("3300000"), D("3300000")),
                                                            "payables": (D("5500000"), D("5500000")),
                                                            "inventory": (D("9200000"), D("9200000"))}


# --- the reports ------------------------------------------------------------------------------------------

def test_run_report_gives_each_statement(session, world, now):
    pnl = report(session, world, now, "profit_and_loss", "2026-Q3")
    assert pnl.totals["net_profit"] == D("500000") and pnl.totals["gross_profit"] == D("2000000")
    net = next(r for r in pnl.rows if r["section"] == "net_profit")
    assert (net["amount"], net["previous"], net["last_year"], net["ytd"]) == (D("500000"), 0, 0, D("500000"))
    revenue_line = next(r for r in pnl.rows if r["code"] == "4000")
    assert revenue_line["amount"] == D("5000000")

    sheet = report(session, world, now, "balance_sheet")
    assert sheet.totals == {"assets": D("105040000"), "liabilities": D("4440000"), "equity": D("100600000"),
                            "liabilities_and_equity": D("105040000")}
    flow = report(session, world, now, "cash_flow", "2026-Q3")
    assert (flow.totals["opening"], flow.totals["closing"], flow.totals["operating"]) == (
        D("100500000"), D("93480000"), D("-7020000"))
    trial = report(session, world, now, "trial_balance")
    assert trial.totals["debit"] == trial.totals["credit"] and trial.totals["balance"] == 0
    assert {r["code"]: r["balance"] for r in trial.rows}["2000"] == D("-3940000")
    payables = next(r for r in trial.rows if r["code"] == "2000")
    assert (payables["debit_balance"], payables["credit_balance"]) == (D(0), D("3940000"))
    assert trial.totals["debit_balance"] == trial.totals["credit_balance"] > 0

    aging = report(session, world, now, "ap_aging")
    # B2: 3,500,000 due 09-04, 77 days late; B3: 440,000 due 11-04, 16 days late.
    assert [(r["supplier_code"], r["days_61_90"], r["days_1_30"], r["bills"]) for r in aging.rows] == [
        ("S2", D("3500000"), 0, 1), ("S1", 0, D("440000"), 1)]
    bought = report(session, world, now, "purchases", "2026")
    # B3 is a service bill (no order): not a purchase of goods.
    assert [(r["supplier_code"], r["category"], r["amount"]) for r in bought.rows] == [
        ("S1", "Paper", D("6200000")), ("S2", "Pens", D("5000000"))]
    assert bought.totals["amount"] == D("11200000")
    stock = report(session, world, now, "inventory_valuation")
    assert [(r["sku"], r["quantity"], r["average_cost"], r["value"]) for r in stock.rows] == [
        ("PAPER", 70, D("60000.00"), D("4200000")), ("PEN", 800, D("5000.00"), D("4000000"))]
    july = report(session, world, now, "inventory_valuation", "2026-07")
    assert [(r["sku"], r["quantity"], r["value"]) for r in july.rows] == [("PAPER", 100, D("6000000"))]


@pytest.mark.parametrize("name, period", [
    ("trial-balance", None), ("profit-and-loss", "2026-Q3"), ("balance-sheet", "2026-09"), ("cash-flow", "2026-Q3"),
    ("ap-aging", None), ("purchases", "2026"), ("inventory-valuation", None)])
@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_statement_is_a_document(session, world, now, name, period, fmt):
    result = invoke("write_report", ctx(session, world, "manager", now),
                    {"report": name, "period": period, "format": fmt, "return_content": True})
    content = base64.b64decode(result.content_base64)
    assert result.size_bytes == len(content) > 500 and result.narrative
    if fmt == "md":
        text = content.decode("utf-8")
        for figure in result.key_figures:
            assert figure.display in text
    if fmt == "pdf":
        assert content.startswith(b"%PDF")


def test_the_profit_and_loss_document_says_the_quarter(session, world, now):
    result = invoke("write_report", ctx(session, world, "finance", now),
                    {"report": "profit-and-loss", "period": "2026-Q3", "format": "md", "language": "vi",
                     "return_content": True})
    figures = {f.key: f.value for f in result.key_figures}
    assert figures["net_profit"] == D("500000") and figures["gross_margin_pct"] == D("40.0")
    assert figures["net_profit_ytd"] == D("500000") and figures["revenue"] == D("5000000")
    assert "500,000 VND" in result.narrative


@pytest.mark.parametrize("role", ["sales", "support"])
def test_sales_and_support_see_no_statements(session, world, now, role):
    for name in ("profit_and_loss", "balance_sheet", "ap_aging", "purchases", "trial_balance", "cash_flow",
                 "inventory_valuation"):
        with pytest.raises(PermissionDenied):
            report(session, world, now, name, role=role)
    with pytest.raises(PermissionDenied):
        invoke("write_report", ctx(session, world, role, now), {"report": "balance-sheet", "return_content": True})


def test_tandem_report_profit_and_loss_for_a_quarter(tmp_path):
    from backend.db import ensure_database, transaction
    from bots.cli import app

    with transaction(ensure_database()) as session:
        make_statement_world(session)
    out = tmp_path / "pnl.md"
    result = CliRunner().invoke(app, ["report", "profit-and-loss", "--period", "2026-Q3", "--format", "md",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Profit and loss" in text and "5,000,000" in text and "500,000" in text
    assert "Net profit: 500,000 VND" in result.output
