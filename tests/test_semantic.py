"""The semantic model and query_data against hand-computed figures (tests/factories/semantic.py), on SQLite and
PostgreSQL: every measure, every dimension grouped at least once, comparisons, balances as of a day, the row cap,
an empty period with the span of the data, role rules, and bad queries refused before anything runs."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from backend.errors import NotFound, PermissionDenied, ValidationFailed
from backend.models import AuditEntry
from backend.semantic.dimensions import DIMENSIONS
from backend.semantic.engine import public_measures
from backend.semantic.periods import resolve_period
from backend.semantic.rules import bucket_of
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.semantic import NOW, make_semantic_world


@pytest.fixture
def world(session):
    from backend.accounting.hooks import install_posting

    install_posting(session)  # as the application's sessions do: documents post their journal entries
    world = make_semantic_world(session)
    _buy(session, world)
    return world


def _buy(session, world) -> None:
    """Two suppliers: a service bill (no order) of 1,000,000 + VAT, due in 60 days, and 100 pens bought at 4,000
    (received 10-12, billed 10-15 for 400,000 + 40,000 VAT, due 11-14; 140,000 paid 10-30)."""
    from backend.models import Product
    from sqlalchemy import select
    from tests.factories.statements import make_bill, make_purchase_order, make_supplier, pay_bill, receive

    pen = session.execute(select(Product).where(Product.sku == "PEN")).scalar_one()
    service = make_supplier(session, code="SVC", name="Dịch Vụ Sạch")
    penco = make_supplier(session, code="PENCO", name="Bút Co")
    make_bill(session, order=None, supplier=service, bill_date=date(2026, 10, 10), due_days=60,
              lines=[(None, 1, D("1000000"))])
    order = make_purchase_order(session, supplier=penco, lines=[(pen, 100, D("4000"))], order_date=date(2026, 10, 8))
    receive(session, order=order, received_on=date(2026, 10, 12))
    bill = make_bill(session, order=order, supplier=penco, bill_date=date(2026, 10, 15), lines=[(pen, 100, D("4000"))])
    pay_bill(session, bill=bill, amount=D("140000"), paid_on=date(2026, 10, 30))


def ctx_for(session, person) -> ToolContext:
    return ToolContext(session=session, actor=person, channel="test", now=NOW)


@pytest.fixture
def finance(session, world):
    return ctx_for(session, world["ha"])


def q(ctx, **args):
    return invoke("query_data", ctx, args)


def total(ctx, measure, **args):
    return q(ctx, measures=[measure], **args).totals[measure]


def by(ctx, measure, dimension, **args):
    return {row[dimension]: row[measure] for row in q(ctx, measures=[measure], group_by=[dimension], **args).rows}


# --- the business definitions, pinned ----------------------------------------------------------------------

def test_revenue_is_net_lines_of_orders_not_cancelled_in_base_currency(finance):
    # SO-1 1,475,000 (10 x 100,000 + 50 x 10,000 less 5 %) + SO-2 500,000 + SO-4 3 x 4.00 USD at 26,000 = 312,000;
    # SO-3 is cancelled.
    assert total(finance, "revenue", period="2026") == D("2287000")
    assert total(finance, "revenue", period="2026-11") == D("312000")
    assert total(finance, "revenue", period="all") == D("2487000")
    assert total(finance, "orders", period="2026") == 3
    assert total(finance, "units", period="2026") == 68
    assert total(finance, "customers_buying", period="2026") == 3
    assert total(finance, "average_order_value", period="2026") == D("762333")  # 2,287,000 / 3


def test_margin_is_revenue_less_cost_of_lines_with_a_cost(finance):
    # cost recorded on the order lines: 10 x 70,000 + 50 x 4,000 + 5 x 70,000 + 3 x 70,000 = 1,460,000
    result = q(finance, measures=["gross_margin", "gross_margin_pct", "cost_of_sales", "cogs"], period="2026")
    # Gross margin is the ledger's: delivered in 2026 are SO-1 (1,475,000; cost of goods sold at the catalogue cost,
    # no receipt yet: 10 x 70,000 + 50 x 4,000 = 900,000) and SO-2 (500,000; 5 x 70,000 = 350,000); SO-4 is only
    # confirmed. 1,975,000 - 1,250,000 = 725,000, 36.7 % of 1,975,000.
    assert result.totals == {"gross_margin": D("725000"), "gross_margin_pct": D("36.7"), "cost_of_sales": D("1460000"),
                             "cogs": D("1250000")}
    # "revenue minus cost" by order date: every order of 2026 not cancelled, less the cost its lines record
    on_orders = q(finance, measures=["order_margin", "revenue", "cost_of_sales"], period="2026").totals
    assert on_orders["order_margin"] == on_orders["revenue"] - D("1460000") and on_orders["revenue"] > D("1460000")
    by_rep = by(finance, "gross_margin", "owner", period="2026")
    assert by_rep == {"MAI": D("575000"), "HUNG": D("150000")}
    assert by(finance, "gross_margin", "product", period="2026") == {"PAPER": D("450000"), "PEN": D("275000")}


def test_a_cost_in_another_currency_is_converted_at_the_order_date(session, finance, world):
    from tests.factories.catalog import make_product
    from tests.factories.sales import make_order

    # 2 x an imported item costing 8.00 USD, sold 2026-09-10 (rate 25,000) for 300,000 each: cost 400,000.
    printer = make_product(session, sku="PRINTER", name="Label printer", unit_price=D("300000"), unit_cost=D("8.00"),
                           currency="USD", category="Printers", stock=4, reorder_level=0)
    make_order(session, customer=world["a"], salesperson=world["mai"], order_date=date(2026, 9, 10), status="invoiced",
               lines=[(printer, 2, None, D(0))])
    assert total(finance, "cost_of_sales", period="2026-09") == D("400000")
    assert total(finance, "gross_margin", period="2026-09") == D("200000")
    # Stock value is the ledger's: the delivery booked the printer into the cost book at 8.00 x 25,000 = 200,000 a
    # unit, so the 4 on hand are worth 800,000 (not today's rate of 26,000, which the catalogue cost would take).
    assert total(finance, "stock_value", filters=[{"dimension": "category", "values": ["Printers"]}]) == D("800000")


def test_ledger_payables_and_purchases(finance):
    # Ledger revenue 4,202,285 (see the account grouping); cost of goods sold 1,250,000; the service bill's
    # 1,000,000 is an operating expense: net profit 1,952,285. The pens bought are stock, not an expense.
    year = q(finance, measures=["ledger_revenue", "cogs", "operating_expenses", "net_profit"], period="2026")
    assert year.totals == {"ledger_revenue": D("4202285"), "cogs": D("1250000"), "operating_expenses": D("1000000"),
                           "net_profit": D("1952285")}
    # Cash: 220,000 received in cash 2025-12-20, 622,500 at the bank 2026-10-25, 140,000 paid to Bút Co 2026-10-30.
    assert total(finance, "cash_balance") == D("702500")
    assert total(finance, "bank_balance") == D("482500") and total(finance, "cash_on_hand") == D("220000")
    # The pens were received and billed alike: nothing received waits for its bill.
    assert total(finance, "goods_received_not_billed") == D(0)
    # One bill overdue (the pens'); the next due date still ahead is the service bill's.
    bills = q(finance, measures=["overdue_bills", "next_bill_due"])
    assert bills.totals["overdue_bills"] == 1 and str(bills.totals["next_bill_due"]) == "2026-12-09"
    assert total(finance, "cash_balance", period="2026-10-24") == D("220000")
    # Payables: the service bill (due 12-09, not yet) and the pens' 440,000 less 140,000 (due 11-14: overdue).
    today = q(finance, measures=["open_payables", "overdue_payables", "open_bills"])
    assert today.totals == {"open_payables": D("1400000"), "overdue_payables": D("300000"), "open_bills": 2}
    assert q(finance, measures=["open_payables"], period="2026-10-20").totals == {"open_payables": D("1540000")}
    assert by(finance, "open_payables", "aging_bucket") == {"current": D("1100000"), "days_1_30": D("300000")}
    # the oldest overdue bill is the pens' (due 11-14): that many days late on the day, and only Bút Co's
    late = (finance.today - date(2026, 11, 14)).days
    assert by(finance, "max_days_bill_overdue", "supplier") == {"PENCO": late, "SVC": None}
    # Purchases are goods bills only (the service bill is not one); paid to suppliers in October 140,000.
    october = q(finance, measures=["purchases", "supplier_payments_made"], period="2026-10")
    assert october.totals == {"purchases": D("400000"), "supplier_payments_made": D("140000")}
    assert total(finance, "supplier_payment_count", period="2026-10") == 1
    assert total(finance, "supplier_payment_count", period="2026-09") == 0
    assert by(finance, "purchases", "category", period="2026") == {"Pens": D("400000")}
    # The 100 pens came in on 10-12: units received, by the day they arrived, per supplier and product.
    assert by(finance, "units_received", "supplier", period="2026-10") == {"PENCO": 100}
    assert total(finance, "units_received", period="2026-09") == 0
    assert total(finance, "goods_receipts", period="2026-10") == 1
    assert str(total(finance, "last_receipt")) == "2026-10-12"
    # The cost book: 100 pens in at 4,000, 50 delivered: 50 at moving-average 4,000 left on the books.
    assert by(finance, "inventory_at_cost", "product")["PEN"] == D("200000")
    assert by(finance, "moving_average_cost", "product")["PEN"] == D("4000")
    # What went out: the delivered orders' units (18 paper ordered, 15 of them on delivered orders).
    assert by(finance, "units_delivered", "product", period="2026") == {"PEN": 50, "PAPER": 15}
    assert {k: str(v) for k, v in by(finance, "bill_due_date", "supplier").items()} == {"SVC": "2026-12-09",
                                                                                       "PENCO": "2026-11-14"}


def test_the_books_balances_are_the_ledgers(session, finance):
    """Receivables and inventory on the books are those accounts' balances on the trial balance, on any day (the
    tie-out with the open invoices and the cost book is tested on the demo company, tests/test_statements_demo.py)."""
    from sqlalchemy import select

    from backend.accounting.balances import trial_balance
    from backend.models import Account

    account_of = dict(session.execute(select(Account.role, Account.id).where(Account.role.is_not(None))).all())
    for day in (None, date(2026, 10, 31), date(2025, 12, 31)):
        rows = {row.account_id: row for row in trial_balance(session, as_of=day)}
        period = {"period": day.isoformat()} if day else {}
        for measure, role in (("receivables_on_books", "receivables"), ("inventory_on_books", "inventory")):
            row = rows.get(account_of.get(role))
            want = row.balance if row else D(0)
            assert total(finance, measure, **period) == want, (measure, day)
    assert total(finance, "receivables_on_books") > 0
    # VAT charged and deductible over all time are the VAT accounts' balances
    rows = {row.account_id: row for row in trial_balance(session)}
    out, inp = rows.get(account_of.get("vat_output")), rows.get(account_of.get("vat_input"))
    assert total(finance, "output_vat", period="all") == (-out.balance if out else D(0)) > 0
    assert total(finance, "input_vat", period="all") == (inp.balance if inp else D(0)) > 0


def test_any_account_on_its_normal_side(session, world, finance):
    """An account's balance and what was posted to it, each on the account's normal side, agree with the measures
    that name the same accounts and with the trial balance."""
    from sqlalchemy import select

    from backend.accounting.balances import trial_balance
    from backend.models import Account

    names = dict(session.execute(select(Account.role, Account.name)).all())

    def account(role, measure, **args):
        return total(finance, measure, filters=[{"dimension": "account", "values": [names[role]]}], **args)

    # assets on the debit side, liabilities on the credit side: both positive
    assert account("bank", "account_balance") == total(finance, "bank_balance") == D("482500")
    assert account("payables", "account_balance") == D("1400000") == total(finance, "open_payables")
    assert account("bank", "account_balance", period="2026-10-24") == D(0)
    # a revenue account's credits and an expense account's debits for the year
    assert account("revenue", "account_activity", period="2026") == total(finance, "ledger_revenue", period="2026")
    assert account("cogs", "account_activity", period="2026") == D("1250000")
    assert account("expenses", "account_activity", period="2026-10") == D("1000000")
    assert account("expenses", "account_activity", period="2026-09") == D(0)
    rows = {row.account_id: row for row in trial_balance(session)}
    ids = dict(session.execute(select(Account.role, Account.id)).all())
    assert account("vat_input", "account_balance") == rows[ids["vat_input"]].balance
    for person in ("mai", "anh"):   # the ledger is finance's, managers' and admins'
        for measure in ("account_balance", "account_activity"):
            with pytest.raises(PermissionDenied):
                q(ctx_for(session, world[person]), measures=[measure])


def test_statements_payables_and_purchases_are_for_finance_managers_and_admins(session, world):
    for person in ("mai", "anh"):
        ctx = ctx_for(session, world[person])
        for measure in ("open_payables", "overdue_payables", "purchases", "net_profit", "cash_balance",
                        "operating_expenses", "ledger_revenue", "supplier_payments_made", "open_bills",
                        "inventory_on_books", "receivables_on_books", "output_vat", "input_vat"):
            with pytest.raises(PermissionDenied):
                q(ctx, measures=[measure])
    assert total(ctx_for(session, world["bao"]), "open_payables") == D("1400000")


def test_a_sales_rep_sees_the_gross_margin_of_their_own_deliveries(session, world):
    mai = ctx_for(session, world["mai"])
    # SO-1 only: 1,475,000 - 900,000.
    assert total(mai, "gross_margin", period="2026") == D("575000")
    assert total(mai, "cogs", period="2026") == D("900000")


def test_open_balance_aging_and_overdue_as_of_a_day(finance):
    # INV-1 1,622,500 - 622,500 paid = 1,000,000 (due 2026-11-04: 16 days late); INV-3 13.20 USD x 26,000 = 343,200
    # (not due); INV-4 3,000,000 due 2026-07-31: 112 days late. INV-2 is paid.
    today = q(finance, measures=["open_receivables", "overdue_amount", "open_invoices", "overdue_invoices",
                                 "max_days_overdue"])
    assert today.totals == {"open_receivables": D("4343200"), "overdue_amount": D("4000000"), "open_invoices": 3,
                            "overdue_invoices": 2, "max_days_overdue": 112}
    assert by(finance, "open_receivables", "aging_bucket") == {
        "current": D("343200"), "days_1_30": D("1000000"), "days_91_plus": D("3000000")}
    # As of 31 October INV-1 was not yet due and INV-3 not yet issued; as of 16 December 2025 INV-2 was one day late.
    october = q(finance, measures=["open_receivables", "overdue_amount"], period="2026-10")
    assert october.as_of == date(2026, 10, 31)
    assert october.totals == {"open_receivables": D("4000000"), "overdue_amount": D("3000000")}
    assert q(finance, measures=["open_receivables", "overdue_amount"], period="2025-12-16").totals == {
        "open_receivables": D("220000"), "overdue_amount": D("220000")}
    assert [bucket_of(d) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current", "current", "days_1_30", "days_1_30", "days_31_60", "days_31_60", "days_61_90", "days_61_90",
        "days_91_plus"]


def test_credit_exposure_and_available_credit(finance):
    # Exposure = open receivables + confirmed/shipped orders not invoiced: An Phát 1,000,000; Bắc Hà 3,000,000 +
    # SO-2 500,000 = 3,500,000 over its 3,000,000 limit; Lion 343,200 + SO-4 312,000 = 655,200 (limit 5,000 USD).
    result = q(finance, measures=["credit_limit", "credit_exposure", "available_credit"], group_by=["customer"])
    rows = {r["customer"]: (r["credit_limit"], r["credit_exposure"], r["available_credit"]) for r in result.rows}
    assert rows == {"ANPHAT": (D("100000000"), D("1000000"), D("99000000")),
                    "BACHA": (D("3000000"), D("3500000"), D("-500000")),
                    "LION": (D("130000000"), D("655200"), D("129344800"))}
    over = q(finance, measures=["credit_exposure", "credit_limit"], group_by=["customer"],
             conditions=[{"measure": "credit_exposure", "op": ">", "other": "credit_limit"}])
    assert [r["customer"] for r in over.rows] == ["BACHA"]


def test_fx_conversion_uses_the_documents_rate_or_the_day_of_the_rate(finance):
    assert total(finance, "invoiced", period="2026-11") == D("343200")      # 13.20 USD at the invoice's 26,000
    assert total(finance, "invoiced", period="2026-10") == D("1622500")
    assert total(finance, "payments_received", period="2026-10") == D("622500")
    assert total(finance, "payments_received", period="2025-12") == D("220000")
    assert total(finance, "payment_count", period="all") == 2
    assert total(finance, "last_payment", period="all") == "2026-10-25"


def test_totals_in_the_documents_own_currency(finance):
    """A total holding documents in another currency also says it in that currency; base-only totals do not."""
    result = q(finance, measures=["invoiced"], period="2026-11")
    assert result.totals_by_currency == {"invoiced": {"USD": D("13.20")}}
    mixed = q(finance, measures=["open_receivables", "invoices"], group_by=["customer"], as_of="2026-11-20")
    assert mixed.totals_by_currency == {"open_receivables": {"USD": D("13.20"), "VND": D("4000000")}}  # INV-1 + INV-4
    assert q(finance, measures=["invoiced"], period="2026-10").totals_by_currency == {}


def test_pipeline_win_rate_and_quotes(finance):
    # Open: 10,000,000 x 75 % + 1,000 USD x 26,000 x 50 %; decided in October: one won, one lost.
    result = q(finance, measures=["pipeline_amount", "weighted_pipeline", "opportunities", "open_opportunities"])
    assert result.totals == {"pipeline_amount": D("36000000"), "weighted_pipeline": D("20500000"), "opportunities": 4,
                             "open_opportunities": 2}
    assert total(finance, "win_rate", period="2026-10") == D("50.0")
    # Every deal's amount, whatever its stage: 10,000,000 + 26,000,000 + 5,000,000 + 1,000,000.
    assert total(finance, "opportunity_amount") == D("42000000")
    # ... over the four deals: 42,000,000 / 4
    assert total(finance, "average_deal_size") == D("10500000")
    assert total(finance, "expected_close", filters=[{"dimension": "opportunity", "values": ["lion office pens"]}]) \
        == "2027-01-31"
    # Quotes of 2026: converted, rejected, open, expired -> won 1 of 3 decided.
    assert q(finance, measures=["quotes", "quote_win_rate"], period="2026").totals == {"quotes": 4,
                                                                                     "quote_win_rate": D("33.3")}


def test_support_and_contact_measures(finance):
    assert total(finance, "tickets_opened", period="2026-11") == 2
    assert total(finance, "open_tickets") == 1
    assert total(finance, "open_tickets", period="2026-11-05") == 1   # TCK-2 was still open, TCK-1 not yet
    assert total(finance, "tickets_closed", period="2026-11") == 1
    assert total(finance, "avg_resolution_days", period="2026-11") == D("4.0")
    assert total(finance, "interactions", period="2026-11") == 1
    assert q(finance, measures=["customers"], group_by=["country"]).totals == {"customers": 3}
    days = by(finance, "days_since_last_contact", "customer")
    assert days == {"ANPHAT": 5, "BACHA": 80, "LION": None}
    quiet = q(finance, measures=["days_since_last_contact"], group_by=["customer"],
              conditions=[{"measure": "days_since_last_contact", "op": ">", "value": "30"}])
    assert [r["customer"] for r in quiet.rows] == ["LION", "BACHA"]   # never contacted counts as the longest


def test_stock_measures(finance):
    result = q(finance, measures=["stock_on_hand", "stock_available", "stock_shortfall", "stock_value", "reorder_level"])
    assert result.totals == {"stock_on_hand": 1105, "stock_available": 1095, "stock_shortfall": 15,
                             "stock_value": D("11350000"), "reorder_level": 170}
    low = q(finance, measures=["stock_available", "reorder_level"], group_by=["product", "warehouse"],
            conditions=[{"measure": "stock_available", "op": "<", "other": "reorder_level"}])
    assert [(r["product"], r["warehouse"]) for r in low.rows] == [("PAPER", "HAN")]
    # on hand less available is what is reserved for orders
    assert total(finance, "stock_reserved") == result.totals["stock_on_hand"] - result.totals["stock_available"] == 10


def test_orders_shipped_and_not_yet_invoiced(finance):
    assert total(finance, "orders_shipped", period="2026-10") == 2
    assert total(finance, "uninvoiced_orders") == D("812000")   # SO-2 500,000 + SO-4 312,000
    # SO-2 is shipped, SO-4 only confirmed: "shipped but not invoiced yet" is SO-2's
    assert by(finance, "uninvoiced_orders", "order_status") == {"shipped": D("500000"), "confirmed": D("312000")}
    assert by(finance, "uninvoiced_order_count", "order_status") == {"shipped": 1, "confirmed": 1}
    assert total(finance, "last_order", customer="ANPHAT", period="all") == "2026-10-05"   # SO-3 is cancelled
    assert total(finance, "first_order", customer="BACHA", period="all") == "2025-11-15"
    # New customers: first orders ever in the period — An Phát (2026-10-05) and Lion (2026-11-10) in 2026; Bắc Hà
    # ordered first in November 2025, so it is not new in 2026 although it bought again.
    assert total(finance, "new_customers", period="2026") == 2
    assert by(finance, "new_customers", "customer", period="2026") == {"ANPHAT": 1, "LION": 1}
    assert total(finance, "new_customers", period="2025") == 1


# --- every dimension ------------------------------------------------------------------------------------------

GROUPINGS = [
    ("customer", "revenue", "2026", {"ANPHAT": D("1475000"), "BACHA": D("500000"), "LION": D("312000")}),
    ("segment", "revenue", "2026", {"SMB": D("1475000"), "Enterprise": D("500000"), "Export": D("312000")}),
    ("city", "revenue", "2026", {"Ho Chi Minh City": D("1475000"), "Hà Nội": D("500000"), "Singapore": D("312000")}),
    ("country", "revenue", "2026", {"Vietnam": D("1975000"), "Singapore": D("312000")}),
    ("region", "revenue", "2026", {"South": D("1787000"), "North": D("500000")}),
    ("owner", "revenue", "2026", {"MAI": D("1787000"), "HUNG": D("500000")}),
    ("product", "units", "2026", {"PAPER": 18, "PEN": 50}),
    ("category", "revenue", "2026", {"Paper": D("1812000"), "Pens": D("475000")}),
    ("warehouse", "stock_shortfall", None, {"HCM": 0, "HAN": 15}),
    ("order", "revenue", "2026", {"SO-1": D("1475000"), "SO-2": D("500000"), "SO-4": D("312000")}),
    ("order_status", "orders", "2026", {"invoiced": 1, "shipped": 1, "confirmed": 1}),
    ("invoice", "open_receivables", None, {"INV-1": D("1000000"), "INV-3": D("343200"), "INV-4": D("3000000")}),
    ("invoice_status", "invoiced", "all", {"open": D("4965700"), "paid": D("220000")}),  # 1,622,500 + 343,200 + 3,000,000
    ("aging_bucket", "overdue_amount", None, {"current": D("0"), "days_1_30": D("1000000"), "days_91_plus": D("3000000")}),
    ("stage", "opportunities", None, {"negotiation": 1, "proposal": 1, "closed_won": 1, "closed_lost": 1}),
    ("opportunity", "pipeline_amount", None, {"An Phát 2027 paper contract": D("10000000"), "Lion Office pens": D("26000000"),
                                              "Bắc Hà Q4 order": D("0"), "Bắc Hà printers": D("0")}),
    ("quote_status", "quotes", "2026", {"converted": 1, "rejected": 1, "open": 1, "expired": 1}),
    ("ticket_status", "tickets_opened", "2026", {"open": 1, "closed": 2}),
    ("ticket_priority", "tickets_opened", "2026", {"high": 1, "low": 1, "medium": 1}),
    ("interaction_kind", "interactions", "2026", {"call": 1, "meeting": 1}),
    ("payment_method", "payments_received", "all", {"bank transfer": D("622500"), "cash": D("220000")}),
    ("currency", "revenue", "2026", {"VND": D("1975000"), "USD": D("312000")}),
    ("supplier", "open_payables", None, {"SVC": D("1100000"), "PENCO": D("300000")}),
    # one purchase order (100 pens at 4,000 + 10 % VAT; the factory leaves it "sent"); the two bills, both still open
    ("purchase_order", "purchase_order_value", None, [D("440000")]),
    ("po_status", "purchase_orders", None, {"sent": 1}),
    ("approver", "purchase_orders", None, {None: 1}),   # nobody approved it (below the approval threshold)
    ("bill", "supplier_bill_total", None, [D("440000"), D("1100000")]),
    ("receipt", "units_received", "2026", [100]),   # the pens' one receipt
    ("bill_status", "supplier_bills", "2026", {"open": 2}),
    ("match_status", "open_payables", None, {"matched": D("1400000")}),
    # INV-1 1,475,000 net of VAT + INV-4 3,000,000 / 1.1 = 2,727,273 (no order: split at 10 %) + INV-3 12.00 USD, posted
    # at the rate it had when it was written (1: the world sets its 26,000 afterwards), 12
    ("account", "ledger_revenue", "2026", {"4000": D("4202285"), "5000": D(0), "6000": D(0)}),
    ("campaign", "marketing_spend", "2026", {}),  # this world has no campaigns: see test_marketing.py
    ("campaign_channel", "new_customers_acquired", "2026", {}),
    ("day", "revenue", "2026-10", None),
    ("week", "revenue", "2026-10-01..2026-10-31", None),
    ("month", "revenue", "2026", None),
    ("quarter", "revenue", "2026", {"2026-Q1": D(0), "2026-Q2": D(0), "2026-Q3": D(0), "2026-Q4": D("2287000")}),
    ("year", "revenue", "2025..2026", {"2025": D("200000"), "2026": D("2287000")}),
]


@pytest.mark.parametrize("dimension, measure, period, expected", GROUPINGS, ids=[g[0] for g in GROUPINGS])
def test_every_dimension_groups(finance, dimension, measure, period, expected):
    args = {"period": period} if period else {}
    got = by(finance, measure, dimension, limit=1000, **args)
    if dimension == "day":
        assert len(got) == 31 and got["2026-10-05"] == D("1475000") and got["2026-10-20"] == D("500000")
        assert sum(got.values()) == D("1975000")
    elif dimension == "week":
        assert got["2026-W41"] == D("1475000") and got["2026-W43"] == D("500000") and list(got)[0] == "2026-W40"
    elif dimension == "month":
        assert len(got) == 12 and got["2026-10"] == D("1975000") and got["2026-11"] == D("312000")
        assert got["2026-01"] == D(0)
    elif isinstance(expected, list):   # rows keyed by document numbers the factories make up
        assert sorted(got.values()) == expected and all(key.startswith(("PO-", "BILL-", "GR-")) for key in got)
    else:
        assert got == expected


def test_every_dimension_is_tested():
    assert {g[0] for g in GROUPINGS} == set(DIMENSIONS)


def test_discontinued_products_are_counted_and_listed(finance):
    from sqlalchemy import func, select

    from backend.models import Product

    session = finance.session
    product = session.execute(select(Product).order_by(Product.sku).limit(1)).scalar_one()
    product.active, product.inactive_reason = False, "replaced"
    session.flush()
    inactive = session.scalar(select(func.count()).select_from(Product).where(Product.active.is_(False)))
    assert total(finance, "inactive_products") == inactive >= 1
    listed = q(finance, measures=["inactive_products"], group_by=["product"],
               conditions=[{"measure": "inactive_products", "op": ">", "value": "0"}])
    assert product.sku in {r["product"] for r in listed.rows} and len(listed.rows) == inactive


def test_a_purchase_orders_lines_bills_and_receipts(finance):
    """One purchase order, read through its number: the units on its lines, the bills against it, what came in."""
    from sqlalchemy import select

    from backend.models import GoodsReceipt, PurchaseOrder, SupplierBill

    session = finance.session
    order = session.execute(select(PurchaseOrder)).scalar_one()
    on_it = [{"dimension": "purchase_order", "values": [order.number]}]
    assert by(finance, "units_ordered", "product", filters=on_it, period="all") == {"PEN": 100}
    assert total(finance, "units_ordered", period="2026-09") == 0   # ordered on 10-08
    bill = session.execute(select(SupplierBill).where(SupplierBill.purchase_order_id == order.id)).scalar_one()
    assert by(finance, "supplier_bill_total", "bill", filters=on_it, period="all") == {bill.number: D("440000")}
    # all 100 received were billed; a bill for 60 of them only would leave 40 waiting for their bill
    assert by(finance, "units_not_billed", "purchase_order", period="all") == {order.number: 0}
    line = order.lines[0]
    line.billed_quantity = 60
    session.flush()
    assert by(finance, "units_not_billed", "purchase_order", period="all") == {order.number: 40}
    line.billed_quantity = 100
    session.flush()
    receipt = session.execute(select(GoodsReceipt)).scalar_one()
    assert by(finance, "units_received", "product", period="all",
              filters=[{"dimension": "receipt", "values": [receipt.number.lower()]}]) == {"PEN": 100}
    with pytest.raises(NotFound):
        q(finance, measures=["units_received"], filters=[{"dimension": "receipt", "values": ["GR-NOPE-1"]}])
    # Its value before and with VAT; a cancelled order is worth nothing unless cancelled ones are asked for.
    assert q(finance, measures=["purchase_order_net", "purchase_order_value"], period="2026").totals == {
        "purchase_order_net": D("400000"), "purchase_order_value": D("440000")}
    order.status = "cancelled"
    session.flush()
    assert not total(finance, "purchase_order_net", period="2026")
    assert total(finance, "purchase_order_value", period="2026",
                 filters=[{"dimension": "po_status", "values": ["cancelled"]}]) == D("440000")


def test_suppliers_are_counted_by_the_currency_they_bill_in(finance):
    from sqlalchemy import select

    from backend.models import Supplier

    assert total(finance, "suppliers") == 2   # Dịch Vụ Sạch and Bút Co, both in VND
    assert by(finance, "suppliers", "currency") == {"VND": 2}
    finance.session.execute(select(Supplier).where(Supplier.code == "SVC")).scalar_one().active = False
    finance.session.flush()
    assert by(finance, "suppliers", "supplier") == {"PENCO": 1}


def test_a_purchase_orders_expected_delivery(session, world, finance):
    from sqlalchemy import select
    from backend.models import PurchaseOrder

    order = session.execute(select(PurchaseOrder)).scalar_one()
    assert by(finance, "po_expected_date", "purchase_order") == {order.number: None}
    order.expected_date = date(2026, 10, 11)
    session.flush()
    assert by(finance, "po_expected_date", "purchase_order") == {order.number: "2026-10-11"}
    with pytest.raises(PermissionDenied):   # purchasing is not support's
        total(ctx_for(session, world["anh"]), "po_expected_date")


def test_units_still_to_come_and_cancelled_orders(finance):
    """Units on order: ordered minus received on orders not yet received in full; a cancelled order is no order."""
    from sqlalchemy import select

    from backend.models import PurchaseOrder, PurchaseOrderLine

    session = finance.session
    order = session.execute(select(PurchaseOrder)).scalar_one()
    line = session.execute(select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == order.id)).scalar_one()
    line.received_quantity, order.status = 60, "partially_received"
    session.flush()
    on_it = [{"dimension": "purchase_order", "values": [order.number]}]
    assert by(finance, "units_on_order", "product", filters=on_it, period="all") == {"PEN": 40}
    order.status = "cancelled"
    session.flush()
    assert total(finance, "units_on_order", period="all") == 0
    assert total(finance, "units_ordered", period="all") == 0 and total(finance, "purchase_orders", period="all") == 0
    cancelled = [{"dimension": "po_status", "values": ["cancelled"]}]
    assert total(finance, "purchase_orders", period="all", filters=cancelled) == 1
    assert total(finance, "units_ordered", period="all", filters=cancelled) == 100


def test_every_public_measure_is_tested():
    source = open(__file__, encoding="utf-8").read()
    untested = [m.name for m in public_measures() if f'"{m.name}"' not in source]
    assert untested == []


# --- comparisons, limits, empty periods ---------------------------------------------------------------------

def test_compare_with_the_previous_period_and_last_year(finance):
    vs_october = q(finance, measures=["revenue"], period="2026-11", compare="previous_period")
    assert vs_october.totals == {"revenue": D("312000"), "revenue_previous": D("1975000"),
                                 "revenue_change": D("-1663000"), "revenue_change_pct": D("-84.2")}
    assert vs_october.comparison_period.start == date(2026, 10, 1)
    vs_last_year = q(finance, measures=["revenue"], period="2026-11", compare="same_period_last_year")
    assert vs_last_year.totals["revenue_previous"] == D("200000") and vs_last_year.totals["revenue_change_pct"] == D("56.0")
    monthly = q(finance, measures=["revenue"], group_by=["month"], period="2026-10..2026-11", compare="same_period_last_year")
    assert [(r["month"], r["revenue"], r["revenue_previous"]) for r in monthly.rows] == [
        ("2026-10", D("1975000"), D(0)), ("2026-11", D("312000"), D("200000"))]
    by_customer = q(finance, measures=["revenue"], group_by=["customer"], period="2026-11", compare="same_period_last_year")
    assert {r["customer"]: r["revenue_previous"] for r in by_customer.rows} == {"LION": D(0)}


def test_the_limit_says_how_many_rows_there_were(finance):
    top = q(finance, measures=["revenue"], group_by=["customer"], period="2026", limit=1)
    assert [r["customer"] for r in top.rows] == ["ANPHAT"]
    assert (top.truncated, top.total_rows, top.totals["revenue"]) == (True, 3, D("2287000"))
    assert any("Showing 1 of 3" in note for note in top.notes)
    smallest = q(finance, measures=["revenue"], group_by=["customer"], period="2026", order="asc", limit=1)
    assert smallest.rows[0]["customer"] == "LION"
    # By a time grain with an order, the rows are ranked ("the weakest quarter"), not read in time order.
    weakest = q(finance, measures=["revenue"], group_by=["quarter"], period="2026", order="asc", limit=1)
    assert [r["quarter"] for r in weakest.rows] == ["2026-Q1"] and weakest.rows[0]["revenue"] == D(0)
    best = q(finance, measures=["revenue"], group_by=["quarter"], period="2026", order="desc", limit=1)
    assert [r["quarter"] for r in best.rows] == ["2026-Q4"]
    # Revenue is ranked on orders and units are read from the lines of the customers shown only.
    mixed = q(finance, measures=["revenue", "orders", "units"], group_by=["customer"], period="2026", limit=2)
    assert [(r["customer"], r["orders"], r["units"]) for r in mixed.rows] == [("ANPHAT", 1, 60), ("BACHA", 1, 5)]
    assert mixed.totals == {"revenue": D("2287000"), "orders": 3, "units": 68} and mixed.total_rows == 3


def test_an_empty_period_gives_the_span_of_the_data(finance):
    result = q(finance, measures=["revenue", "orders"], period="2019")
    assert result.empty and result.totals == {"revenue": D(0), "orders": 0}
    assert [(s.what, s.first, s.last) for s in result.data_span] == [("order", date(2025, 11, 15), date(2026, 11, 10))]
    assert result.notes[0] == "No orders in 2019; orders run from 2025-11-15 to 2026-11-10."


def test_a_filter_that_needs_a_join_narrows_ranked_lists_and_spans(finance):
    ranked = q(finance, measures=["revenue"], group_by=["product"], filters=[{"dimension": "segment", "values": ["SMB"]}],
               period="2026", limit=5)
    assert [(r["product"], r["revenue"]) for r in ranked.rows] == [("PAPER", D("1000000")), ("PEN", D("475000"))]
    assert ranked.totals["revenue"] == D("1475000")
    empty = q(finance, measures=["revenue"], customer="BACHA", period="2019")
    assert [(s.first, s.last) for s in empty.data_span] == [(date(2025, 11, 15), date(2026, 10, 20))]


def test_a_default_period_is_said(finance):
    result = q(finance, measures=["revenue"])
    assert result.period.label == "2026" and result.understood == ["period: 2026 (none was given)"]


def test_vietnamese_labels_and_notes(finance):
    result = q(finance, measures=["revenue"], group_by=["segment"], period="2026", language="vi")
    assert result.measures[0].label == "doanh thu" and "Thành tiền thuần" in result.measures[0].definition
    assert result.period.label == "năm 2026"


def test_filters_resolve_names_and_stored_values(finance):
    assert total(finance, "revenue", period="2026", customer="an phat") == D("1475000")
    assert total(finance, "revenue", period="2026", filters=[{"dimension": "city", "values": ["ha noi"]}]) == D("500000")
    assert total(finance, "revenue", period="2026", filters=[{"dimension": "segment", "op": "not_in",
                                                              "values": ["smb"]}]) == D("812000")
    assert total(finance, "revenue", period="2026", owner="Lê Văn Hùng") == D("500000")
    assert total(finance, "pipeline_amount", filters=[{"dimension": "opportunity", "values": ["an phat 2027 paper"]}]) \
        == D("10000000")
    assert total(finance, "stock_on_hand", filters=[{"dimension": "warehouse", "values": ["long bien"]}]) == 5
    assert total(finance, "orders", period="2026", filters=[{"dimension": "order_status", "values": ["cancelled"]}]) == 1


# --- roles -----------------------------------------------------------------------------------------------------

def test_support_sees_no_cost_margin_or_stock_value(session, world):
    support = ctx_for(session, world["anh"])
    for measure in ("gross_margin", "gross_margin_pct", "stock_value", "cost_of_sales"):
        with pytest.raises(PermissionDenied):
            q(support, measures=[measure], period="2026")
    assert total(support, "revenue", period="2026") == D("2287000")
    with pytest.raises(PermissionDenied) as refused:
        q(support, measures=["revenue"], conditions=[{"measure": "gross_margin", "op": ">", "value": "0"}])
    assert "gross_margin" in refused.value.message


def test_a_sales_rep_sees_their_own_figures(session, world):
    mai = ctx_for(session, world["mai"])
    assert total(mai, "revenue", period="2026") == D("1787000")          # orders credited to her
    assert total(mai, "open_receivables") == D("1343200")                 # customers she owns
    assert set(by(mai, "revenue", "customer", period="2026")) == {"ANPHAT", "LION"}
    assert total(mai, "revenue", period="2026", owner="me") == D("1787000")
    with pytest.raises(PermissionDenied):
        q(mai, measures=["revenue"], owner="HUNG")
    manager = ctx_for(session, world["bao"])
    assert total(manager, "revenue", period="2026", owner="HUNG") == D("500000")


def test_void_invoices_count_only_when_asked_for(session, world, finance):
    from tests.factories.sales import make_invoice

    before = total(finance, "invoices", period="all")
    make_invoice(session, customer=world["a"], amount=D("1000"), issue_date=date(2026, 9, 1), number="INV-VOID",
                 status="void")
    session.flush()
    assert total(finance, "invoices", period="all") == before    # a void invoice is no invoice issued
    void = q(finance, measures=["invoices"], period="all", filters=[{"dimension": "invoice_status", "values": ["void"]}])
    assert void.totals["invoices"] == 1


def test_a_rep_sees_every_order_of_a_customer_they_own(session, world):
    """An order of Mai's customer An Phát credited to Hùng: Mai sees it as An Phát's (the customer is hers), it is not
    in her own sales, and Hùng sees it as his; Mai still sees none of Bắc Hà's (Hùng's customer)."""
    from sqlalchemy import select

    from backend.models import Product
    from tests.factories.sales import make_order

    paper = session.execute(select(Product).where(Product.sku == "PAPER")).scalar_one()
    make_order(session, customer=world["a"], salesperson=world["hung"], order_date=date(2026, 11, 20),
               status="confirmed", lines=[(paper, 2, None, D(0))], number="SO-HUNG-ANPHAT")
    session.flush()
    mai, hung = ctx_for(session, world["mai"]), ctx_for(session, world["hung"])
    assert total(mai, "revenue", period="2026") == D("1787000") + D("200000")
    assert by(mai, "revenue", "customer", period="2026")["ANPHAT"] == by(
        ctx_for(session, world["bao"]), "revenue", "customer", period="2026")["ANPHAT"]
    assert total(mai, "revenue", period="2026", owner="me") == D("1787000")     # her own sales: not Hùng's order
    assert total(hung, "revenue", period="2026", owner="me") == D("500000") + D("200000")
    assert "BACHA" not in by(mai, "revenue", "customer", period="2026")


# --- bad queries --------------------------------------------------------------------------------------------------

BAD = [
    ({"measures": ["profit_per_employee"]}, "measures"),
    ({"measures": ["revenue"], "group_by": ["stage"]}, "can't be grouped or filtered by stage"),
    ({"measures": ["revenue"], "period": "Q5 2026"}, "not a period"),
    ({"measures": ["revenue"], "conditions": [{"measure": "revenue", "op": ">", "value": "lots"}]}, "value"),
    ({"measures": ["revenue"], "group_by": ["month", "year"]}, "one time grain"),
    ({"measures": ["revenue"], "limit": 0}, "limit"),
    ({"measures": ["revenue"], "order_by": "stage"}, "order by"),
    ({"measures": ["open_tickets"], "filters": [{"dimension": "ticket_status", "values": ["lost"]}]}, "ticket status"),
    ({"measures": ["revenue"], "filters": [{"dimension": "city", "values": ["Atlantis"]}]}, "Known values"),
]


@pytest.mark.parametrize("args, says", BAD, ids=[b[1] for b in BAD])
def test_bad_queries_are_refused_with_what_to_fix(finance, args, says):
    with pytest.raises(ValidationFailed) as caught:
        q(finance, **args)
    text = caught.value.message + " " + (caught.value.hint or "")
    assert says.lower() in text.lower()


def test_unknown_names_are_not_found_or_ambiguous(finance):
    with pytest.raises(NotFound):
        q(finance, measures=["revenue"], customer="Nobody Trading")
    with pytest.raises(NotFound):
        q(finance, measures=["open_receivables"], filters=[{"dimension": "invoice", "values": ["INV-99"]}])


def test_every_call_is_audited(session, finance):
    from backend.tools.audit import write_pending

    write_pending(session)
    before = len(session.execute(AuditEntry.__table__.select()).all())
    q(finance, measures=["revenue"])
    with pytest.raises(ValidationFailed):
        q(finance, measures=["revenue"], period="never")
    write_pending(session)
    rows = session.execute(AuditEntry.__table__.select().order_by(AuditEntry.id)).all()[before:]
    assert [(r.tool, r.outcome) for r in rows] == [("query_data", "ok"), ("query_data", "rejected")]


def test_period_resolution_is_one_rule():
    today = date(2026, 11, 20)
    assert resolve_period("range", None, today, default="last-month").period.label == "October 2026"
    as_of = resolve_period("as_of", "2026-Q4", today)
    assert as_of.period is None and as_of.as_of == today and "has not ended yet" in as_of.notes[0]
    assert resolve_period("filter", "2027-01", today).period.start == date(2027, 1, 1)
    with pytest.raises(ValidationFailed):
        resolve_period("none", "2026", today)



HEAVY = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) "
         "SELECT count(*) FROM c")


def test_a_statement_past_the_time_limit_is_stopped_and_the_session_goes_on(session):
    from sqlalchemy import text

    from backend.semantic.sql import QueryTooSlow, time_limit

    with pytest.raises(QueryTooSlow) as stopped:
        with session.begin_nested():
            with time_limit(session, 0.2):
                session.execute(text(HEAVY)).scalar()
    assert stopped.value.http_status == 422 and "narrow" in stopped.value.hint.lower()
    with time_limit(session, 5):
        assert session.execute(text("SELECT 1")).scalar() == 1
    if session.get_bind().dialect.name == "postgresql":
        assert session.execute(text("SELECT current_setting('statement_timeout')")).scalar() == "0"


def test_catalogue_and_invoice_counts(finance):
    assert q(finance, measures=["products", "active_products"]).totals == {"products": 2, "active_products": 2}
    assert by(finance, "products", "category") == {"Paper": 1, "Pens": 1}
    assert total(finance, "invoices", period="2026") == 3   # INV-1, INV-3, INV-4


# --- marketing and commission (backend/semantic/marketing.py; the demo-scale checks are in test_marketing.py) -------

def test_marketing_measures_on_a_company_without_campaigns(finance):
    got = q(finance, measures=["marketing_spend", "campaigns", "new_customers_acquired", "cac"], period="2026").totals
    assert got["marketing_spend"] == D(0) and got["campaigns"] == 0 and got["new_customers_acquired"] == 0
    assert got["cac"] is None  # no customer acquired: no cost per customer
    assert by(finance, "marketing_spend", "campaign", period="2026") == {}
    assert by(finance, "new_customers_acquired", "campaign_channel", period="2026") == {}
    clv = q(finance, measures=["clv", "gross_margin"], period="2026").totals
    assert clv["clv"] is not None and clv["clv"] > 0
    assert by(finance, "clv", "campaign_channel", period="2026") == {"direct": clv["clv"]}
    paid = q(finance, measures=["paid_sales", "commission"], period="all").totals
    assert paid["commission"] == (paid["paid_sales"] * finance.settings.commission_rate_pct / 100).quantize(D(1))


def test_list_price_per_product_its_average_over_several_and_a_price_condition(finance):
    from sqlalchemy import select

    from backend.models import Product
    from backend.money import round_money

    session = finance.session
    prices = {p.sku: p.unit_price for p in session.execute(select(Product)).scalars() if p.currency == "VND"}
    got = by(finance, "list_price", "product", limit=1000)
    for sku, price in prices.items():
        assert got[sku] == price, sku
    every = q(finance, measures=["list_price", "products"]).totals
    assert every["products"] == len(got)
    assert every["list_price"] == round_money(sum(got.values()) / len(got), "VND")   # the average list price
    some_price = next(iter(prices.values()))
    at = q(finance, measures=["list_price"], group_by=["product"],
           conditions=[{"measure": "list_price", "op": "=", "value": str(some_price)}])
    assert {r["product"] for r in at.rows} == {sku for sku, v in got.items() if v == some_price}


def test_an_open_invoices_due_date_and_the_earliest_over_several(finance):
    from sqlalchemy import select

    from backend.models import Invoice

    session = finance.session
    open_ = by(finance, "open_receivables", "invoice")
    due = {i.number: i.due_date for i in session.execute(select(Invoice)).scalars() if i.number in open_}
    got = by(finance, "invoice_due_date", "invoice")
    assert {k: str(v) for k, v in got.items()} == {k: v.isoformat() for k, v in due.items()}
    assert str(total(finance, "invoice_due_date")) == min(due.values()).isoformat()


def test_open_deals_past_their_expected_close_date(finance):
    from sqlalchemy import select

    from backend.models import Opportunity
    from backend.semantic.rules import OPEN_STAGES

    session = finance.session
    deals = list(session.execute(select(Opportunity)).scalars())
    today = finance.today
    slipped = next(d for d in deals if d.stage in OPEN_STAGES)
    slipped.close_date = date(2026, 10, 1)   # an open deal whose close date has gone by
    session.flush()
    got = by(finance, "days_past_close", "opportunity")
    for deal in deals:
        want = (today - deal.close_date).days if deal.stage in OPEN_STAGES and deal.close_date else None
        assert got.get(deal.name) == want, deal.name
    late = q(finance, measures=["expected_close"], group_by=["opportunity"],
             conditions=[{"measure": "days_past_close", "op": ">", "value": "0"}])
    assert {r["opportunity"] for r in late.rows} == {
        d.name for d in deals if d.stage in OPEN_STAGES and d.close_date and d.close_date < today} >= {slipped.name}


def test_customers_who_have_not_ordered_for_a_while(finance):
    from sqlalchemy import func, select

    from backend.models import SalesOrder

    session = finance.session
    last = dict(session.execute(select(SalesOrder.customer_id, func.max(SalesOrder.order_date))
                                .where(SalesOrder.status != "cancelled").group_by(SalesOrder.customer_id)).all())
    from backend.models import Customer

    codes = dict(session.execute(select(Customer.id, Customer.code)).all())
    want = {codes[c]: (finance.today - d).days for c, d in last.items()}
    assert by(finance, "days_since_last_order", "customer", period="all") == want
    threshold = sorted(want.values())[len(want) // 2]
    quiet = q(finance, measures=["last_order"], group_by=["customer"], period="all",
              conditions=[{"measure": "days_since_last_order", "op": ">", "value": str(threshold)}])
    assert {r["customer"] for r in quiet.rows} == {c for c, days in want.items() if days > threshold}


def test_shares_are_of_the_whole_without_grouping_or_filters(finance):
    whole = total(finance, "revenue", period="2026")                       # 2,287,000
    result = q(finance, measures=["revenue"], group_by=["customer"], period="2026", share=True, limit=1)
    top = result.rows[0]
    assert result.totals["revenue_whole"] == whole
    assert top["revenue_share"] == (top["revenue"] * 100 / whole).quantize(D("0.01"))
    assert result.totals["revenue_share"] == D("100.00")
    # one row shown of several: what the shown rows make together
    assert result.truncated and result.totals["revenue_shown"] == top["revenue"]
    assert result.totals["revenue_shown_share"] == top["revenue_share"]
    assert any(c.key == "revenue_share" for c in result.columns)
    # a filter narrows the part, not the whole: PEN's share of all revenue
    pen = q(finance, measures=["revenue"], product="PEN", period="2026", share=True).totals
    assert pen["revenue_whole"] == whole and pen["revenue"] < whole
    assert pen["revenue_share"] == (pen["revenue"] * 100 / whole).quantize(D("0.01"))
    # ... but a customer's filter stays in the whole when a narrower one is there: PEN's share of that customer's
    customer = top["customer"]
    theirs = q(finance, measures=["revenue"], customer=customer, period="2026").totals["revenue"]
    within = q(finance, measures=["revenue"], customer=customer, product="PEN", period="2026", share=True).totals
    assert within["revenue_whole"] == theirs


def test_a_share_of_an_average_is_refused(finance):
    from backend.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="adds up"):
        q(finance, measures=["average_order_value"], period="2026", share=True)
