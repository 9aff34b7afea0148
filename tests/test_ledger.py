"""The posting rules, entry by entry, with the figures worked out by hand (a VND company, VAT 10%): invoices
(VAT split, FX), customer payments (FX difference), goods receipts, deliveries at moving-average cost, supplier
bills (price variance, expense bills), supplier payments; once only, immutable, closed months, reversals, voids,
the VAS chart and renumbered codes."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.accounting.balances import account_lines, monthly_movements, opening_balance, trial_balance
from backend.accounting.chart import chart_codes, ensure_chart
from backend.accounting.hooks import deferred_posting, install_posting
from backend.accounting.journal import PeriodClosed
from backend.accounting.periods import close_period
from backend.accounting.posting import post_all_unposted
from backend.errors import BusinessRuleViolation
from backend.models import Account, JournalEntry, JournalLine, Payment, PaymentAllocation, ProductCost
from backend.reports.receivables import open_invoices
from backend.settings import AccountingSettings, Settings
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.fx import make_fx_rate
from tests.factories.ledger import (make_bill, make_delivery, make_purchase_order, make_receipt, make_supplier,
                                    make_supplier_payment)
from tests.factories.org import make_company
from tests.factories.sales import make_invoice, make_order, make_payment

D = Decimal


@pytest.fixture
def books(session):
    """A session that posts after each flush, as every session the application makes does."""
    make_company(session)  # VND, VAT 10%
    install_posting(session)
    return session


def entry_of(session, source_type: str, source_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    """{account code: (debit, credit)} of a document's entry, lines on one account added up."""
    entry = session.execute(select(JournalEntry).where(JournalEntry.source_type == source_type,
                                                       JournalEntry.source_id == source_id)).scalar_one()
    return lines_by_code(session, entry.id)


def lines_by_code(session, entry_id: int) -> dict[str, tuple[Decimal, Decimal]]:
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for code, debit, credit in session.execute(
            select(Account.code, JournalLine.debit, JournalLine.credit)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id == entry_id)):
        d, c = found.get(code, (D(0), D(0)))
        found[code] = (d + debit, c + credit)
    return found


def balance(session, code: str) -> Decimal:
    return next((row.balance for row in trial_balance(session) if row.code == code), D(0))


def test_an_invoice_splits_its_gross_into_revenue_and_vat(books):
    customer = make_customer(books, code="HOANGLONG")
    invoice = make_invoice(books, customer=customer, amount=D("11000000"), issue_date=date(2026, 10, 3))
    # 11,000,000 gross at 10%: net 11,000,000 x 100 / 110 = 10,000,000, VAT 1,000,000.
    assert entry_of(books, "invoice", invoice.id) == {
        "1200": (D("11000000"), D(0)), "4000": (D(0), D("10000000")), "2200": (D(0), D("1000000"))}
    entry = books.execute(select(JournalEntry).where(JournalEntry.source_id == invoice.id)).scalar_one()
    assert (entry.entry_date, entry.period, entry.number) == (date(2026, 10, 3), "2026-10", "JE-2026-000001")


def test_an_invoice_for_a_zero_rated_order_takes_the_orders_net(books):
    customer = make_customer(books, code="EXPORT")
    paper = make_product(books, unit_price=D("100000"))
    order = make_order(books, customer=customer, lines=[(paper, 50, None, D(0))], status="invoiced")
    order.shipped_date = None
    invoice = make_invoice(books, customer=customer, amount=D("5000000"), order=order)
    assert entry_of(books, "invoice", invoice.id) == {"1200": (D("5000000"), D(0)), "4000": (D(0), D("5000000"))}


def test_payment_at_a_better_rate_is_a_gain(session):
    make_company(session)
    make_fx_rate(session, currency="USD", rate=D("25400"), rate_date=date(2026, 10, 1))
    customer = make_customer(session, code="PACIFIC", currency="USD")
    invoice = make_invoice(session, customer=customer, amount=D("1100.00"), issue_date=date(2026, 9, 15))
    invoice.fx_rate = D("25000")
    session.flush()
    install_posting(session)
    post_all_unposted(session)
    # 1,100.00 USD x 25,000 = 27,500,000 gross; net 1,000.00 USD = 25,000,000; VAT 2,500,000.
    assert entry_of(session, "invoice", invoice.id) == {
        "1200": (D("27500000"), D(0)), "4000": (D(0), D("25000000")), "2200": (D(0), D("2500000"))}
    payment = make_payment(session, invoice=invoice, amount=D("1100.00"), paid_on=date(2026, 10, 20))
    # Received 1,100.00 USD at 25,400 = 27,940,000 into the bank, an advance from the customer until applied ...
    assert entry_of(session, "payment", payment.id) == {"1010": (D("27940000"), D(0)), "2300": (D(0), D("27940000"))}
    # ... and applying it clears the receivable at the invoice's 27,500,000; the 440,000 more is an FX gain.
    assert entry_of(session, "payment_allocation", payment.allocations[0].id) == {
        "2300": (D("27940000"), D(0)), "1200": (D(0), D("27500000")), "4900": (D(0), D("440000"))}
    assert balance(session, "1200") == balance(session, "2300") == 0


def _usd_invoice(session, amount: str, rate: str, issued: date):
    make_company(session)
    customer = make_customer(session, currency="USD")
    invoice = make_invoice(session, customer=customer, amount=D(amount), issue_date=issued)
    invoice.fx_rate = D(rate)
    session.flush()
    install_posting(session)
    post_all_unposted(session)
    return invoice


def balance_on(session, code: str, day: date) -> Decimal:
    return next((row.balance for row in trial_balance(session, as_of=day) if row.code == code), D(0))


def aging_total(session, day: date) -> Decimal:
    return sum((item.balance_base for item in open_invoices(session, day, "VND")), D(0))


def test_a_part_paid_foreign_invoice_stays_at_its_open_balance_converted_once(session):
    make_fx_rate(session, currency="USD", rate=D("26100"), rate_date=date(2026, 6, 1))
    make_fx_rate(session, currency="USD", rate=D("26200"), rate_date=date(2026, 7, 1))
    invoice = _usd_invoice(session, "380.50", "26083", date(2026, 5, 20))
    # 380.50 USD x 26,083 = 9,924,581.5 -> 9,924,582.
    assert entry_of(session, "invoice", invoice.id)["1200"] == (D("9924582"), D(0))
    first = make_payment(session, invoice=invoice, amount=D("171.23"), paid_on=date(2026, 6, 20))
    # 171.23 USD at 26,100 = 4,469,103 received. The invoice's part: round(380.50 x 26,083) - round(209.27 x 26,083)
    # = 9,924,582 - 5,458,389 = 4,466,193 (not round(171.23 x 26,083) = 4,466,192); the rest, 2,910, is an FX gain.
    assert entry_of(session, "payment_allocation", first.allocations[0].id) == {
        "2300": (D("4469103"), D(0)), "1200": (D(0), D("4466193")), "4900": (D(0), D("2910"))}
    # So receivables hold the open 209.27 USD converted once, as the AR aging does.
    assert balance_on(session, "1200", date(2026, 6, 30)) == D("5458389") == aging_total(session, date(2026, 6, 30))
    rest = make_payment(session, invoice=invoice, amount=D("209.27"), paid_on=date(2026, 7, 10))
    # 209.27 USD at 26,200 = 5,482,874 for the 5,458,389 still open: 24,485 gained.
    assert entry_of(session, "payment_allocation", rest.allocations[0].id) == {
        "2300": (D("5482874"), D(0)), "1200": (D(0), D("5458389")), "4900": (D(0), D("24485"))}
    assert balance(session, "1200") == balance(session, "2300") == 0


def test_a_payment_before_its_invoice_is_an_advance_until_the_invoice_exists(session):
    make_fx_rate(session, currency="USD", rate=D("25400"), rate_date=date(2026, 9, 1))
    invoice = _usd_invoice(session, "110.00", "25000", date(2026, 10, 3))
    payment = Payment(customer_id=invoice.customer_id, paid_on=date(2026, 9, 25), amount=D("100.00"), currency="USD",
                      method="bank transfer")
    payment.allocations.append(PaymentAllocation(invoice_id=invoice.id, amount=D("100.00")))
    session.add(payment)
    session.flush()
    # 100.00 USD at 25,400 = 2,540,000, an advance on 2026-09-25; the receivable does not exist yet.
    assert entry_of(session, "payment", payment.id) == {"1010": (D("2540000"), D(0)), "2300": (D(0), D("2540000"))}
    sept = date(2026, 9, 30)
    assert (balance_on(session, "1200", sept), balance_on(session, "2300", sept)) == (0, D("-2540000"))
    assert aging_total(session, sept) == 0
    # Applied on the invoice's day: 110.00 x 25,000 - 10.00 x 25,000 = 2,500,000 cleared, 40,000 gained.
    allocation = session.execute(select(JournalEntry).where(JournalEntry.source_type == "payment_allocation")).scalar_one()
    assert allocation.entry_date == date(2026, 10, 3)
    assert lines_by_code(session, allocation.id) == {"2300": (D("2540000"), D(0)), "1200": (D(0), D("2500000")),
                                                     "4900": (D(0), D("40000"))}
    octo = date(2026, 10, 31)
    assert (balance_on(session, "1200", octo), balance_on(session, "2300", octo)) == (D("250000"), 0)
    assert aging_total(session, octo) == D("250000")


def test_a_part_paid_foreign_bill_stays_at_its_open_balance_converted_once(books):
    supplier = make_supplier(books, currency="USD")
    bill = make_bill(books, supplier=supplier, net_amount=D("100.05"), fx_rate=D("25083"))
    # 100.05 + VAT 10.01 = 110.06 USD x 25,083 = 2,760,635 owed.
    assert entry_of(books, "supplier_bill", bill.id)["2000"] == (D(0), D("2760635"))
    payment = make_supplier_payment(books, bill=bill, amount=D("50.03"), fx_rate=D("25300"))
    # Paid 50.03 x 25,300 = 1,265,759 for round(110.06 x 25,083) - round(60.03 x 25,083) = 2,760,635 - 1,505,732
    # = 1,254,903 of the bill: a loss of 10,856.
    assert entry_of(books, "supplier_allocation", payment.allocations[0].id) == {"6900": (D("10856"), D(0)),
                                                                                "2000": (D(0), D("10856"))}
    # Payables: the open 60.03 USD converted once (not 2,760,635 - round(50.03 x 25,083) = 1,505,733).
    assert balance(books, "2000") == D("-1505732")


def test_a_cash_payment_goes_to_cash_on_hand(books):
    customer = make_customer(books, code="HOANGLONG")
    invoice = make_invoice(books, customer=customer, amount=D("2200000"))
    payment = make_payment(books, invoice=invoice, amount=D("2200000"), method="cash")
    assert entry_of(books, "payment", payment.id) == {"1000": (D("2200000"), D(0)), "2300": (D(0), D("2200000"))}
    # In the base currency applying it just moves the advance onto the invoice.
    assert entry_of(books, "payment_allocation", payment.allocations[0].id) == {"2300": (D("2200000"), D(0)),
                                                                               "1200": (D(0), D("2200000"))}
    assert balance(books, "1200") == balance(books, "2300") == 0


def test_receipts_and_deliveries_at_moving_average_cost(books):
    supplier = make_supplier(books)
    customer = make_customer(books, code="HOANGLONG")
    paper = make_product(books, unit_cost=D("90000"))
    first = make_purchase_order(books, supplier=supplier, lines=[(paper, 10, D("100000"))])
    second = make_purchase_order(books, supplier=supplier, lines=[(paper, 30, D("120000"))])
    r1 = make_receipt(books, order=first, received_on=date(2026, 10, 2))
    r2 = make_receipt(books, order=second, received_on=date(2026, 10, 3))
    assert entry_of(books, "goods_receipt", r1.id) == {"1300": (D("1000000"), D(0)), "2100": (D(0), D("1000000"))}
    assert entry_of(books, "goods_receipt", r2.id) == {"1300": (D("3600000"), D(0)), "2100": (D(0), D("3600000"))}
    # 40 units worth 4,600,000: 115,000 each; 8 go out at 920,000.
    delivery = make_delivery(books, customer=customer, lines=[(paper, 8)], shipped_on=date(2026, 10, 4))
    assert entry_of(books, "delivery", delivery.id) == {"5000": (D("920000"), D(0)), "1300": (D(0), D("920000"))}
    cost = books.get(ProductCost, paper.id)
    assert (cost.quantity, cost.value, cost.average_cost) == (32, D("3680000"), D("115000"))
    # 8 more at 130,000: 40 units worth 4,720,000 (118,000 each); the last 40 take the whole value.
    third = make_purchase_order(books, supplier=supplier, lines=[(paper, 8, D("130000"))])
    make_receipt(books, order=third, received_on=date(2026, 10, 6))
    books.refresh(cost)
    assert (cost.quantity, cost.value, cost.average_cost) == (40, D("4720000"), D("118000"))
    last = make_delivery(books, customer=customer, lines=[(paper, 40)], shipped_on=date(2026, 10, 7))
    assert entry_of(books, "delivery", last.id) == {"5000": (D("4720000"), D(0)), "1300": (D(0), D("4720000"))}
    assert balance(books, "1300") == 0


def test_a_delivery_before_any_receipt_is_costed_at_the_catalogue_cost(books):
    customer = make_customer(books, code="HOANGLONG")
    toner = make_product(books, unit_cost=D("70000"))
    delivery = make_delivery(books, customer=customer, lines=[(toner, 3)])
    assert entry_of(books, "delivery", delivery.id) == {"5000": (D("210000"), D(0)), "1300": (D(0), D("210000"))}


def test_an_order_shipped_later_posts_when_its_status_becomes_shipped(books):
    customer = make_customer(books, code="HOANGLONG")
    toner = make_product(books, unit_cost=D("70000"))
    order = make_order(books, customer=customer, lines=[(toner, 2, None, D(0))], status="confirmed")
    assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 0
    order.status, order.shipped_date = "shipped", date(2026, 10, 16)
    books.flush()
    assert entry_of(books, "delivery", order.id) == {"5000": (D("140000"), D(0)), "1300": (D(0), D("140000"))}


@pytest.mark.parametrize("shipped_as", ["shipped", "invoiced"])
@pytest.mark.parametrize("set_to", ["cancelled", "confirmed"])
def test_a_shipped_order_is_not_cancelled_behind_its_delivery(books, shipped_as, set_to):
    # No tool cancels an order, and the delivery's cost can't be taken back with it: the flush refuses, and the
    # delivery's entry and the cost book stay as they were.
    paper = make_product(books, unit_cost=D("70000"))
    order = make_delivery(books, customer=make_customer(books), lines=[(paper, 2)])
    order.status = shipped_as
    books.flush()
    before = entry_of(books, "delivery", order.id)
    assert before == {"5000": (D("140000"), D(0)), "1300": (D(0), D("140000"))}
    attempt = books.begin_nested()
    order.status = set_to
    with pytest.raises(BusinessRuleViolation, match=rf"Order {order.number} has shipped, so it can't be {set_to}"):
        books.flush()
    attempt.rollback()
    books.refresh(order)
    assert order.status == shipped_as
    assert entry_of(books, "delivery", order.id) == before
    cost = books.execute(select(ProductCost).where(ProductCost.product_id == paper.id)).scalar_one()
    assert (cost.quantity, cost.value) == (-2, D("-140000"))


def test_an_order_not_yet_shipped_can_still_be_cancelled(books):
    paper = make_product(books)
    order = make_order(books, customer=make_customer(books), lines=[(paper, 2, None, D(0))], status="confirmed")
    order.status = "cancelled"
    books.flush()
    assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 0


def test_a_bill_clears_goods_received_and_books_the_price_variance(books):
    supplier = make_supplier(books)
    paper = make_product(books)
    order = make_purchase_order(books, supplier=supplier, lines=[(paper, 30, D("120000"))])
    make_receipt(books, order=order)
    bill = make_bill(books, supplier=supplier, order=order, lines=[(30, D("121000"))])
    # Billed 30 x 121,000 = 3,630,000 + VAT 363,000 = 3,993,000; received at 3,600,000: variance 30,000.
    assert entry_of(books, "supplier_bill", bill.id) == {
        "2100": (D("3600000"), D(0)), "5100": (D("30000"), D(0)), "1400": (D("363000"), D(0)),
        "2000": (D(0), D("3993000"))}
    assert balance(books, "2100") == 0
    payment = make_supplier_payment(books, bill=bill)
    assert entry_of(books, "supplier_payment", payment.id) == {"2000": (D("3993000"), D(0)),
                                                               "1010": (D(0), D("3993000"))}
    assert balance(books, "2000") == 0


def test_a_bill_without_an_order_is_an_expense(books):
    supplier = make_supplier(books)
    bill = make_bill(books, supplier=supplier, net_amount=D("500000"))
    assert entry_of(books, "supplier_bill", bill.id) == {
        "6000": (D("500000"), D(0)), "1400": (D("50000"), D(0)), "2000": (D(0), D("550000"))}


def test_a_foreign_currency_supplier_payment_at_a_worse_rate_is_a_loss(books):
    supplier = make_supplier(books, currency="USD")
    bill = make_bill(books, supplier=supplier, net_amount=D("100.00"), fx_rate=D("25100"))
    # 110.00 USD at 25,100 = 2,761,000 owed; paid at 25,300 = 2,783,000: a loss of 22,000.
    assert entry_of(books, "supplier_bill", bill.id)["2000"] == (D(0), D("2761000"))
    payment = make_supplier_payment(books, bill=bill, fx_rate=D("25300"))
    assert entry_of(books, "supplier_payment", payment.id) == {"2000": (D("2783000"), D(0)),
                                                               "1010": (D(0), D("2783000"))}
    allocation_id = payment.allocations[0].id
    assert entry_of(books, "supplier_allocation", allocation_id) == {"6900": (D("22000"), D(0)),
                                                                    "2000": (D(0), D("22000"))}
    assert balance(books, "2000") == 0


def test_a_document_posts_once_and_entries_are_immutable(books):
    customer = make_customer(books, code="HOANGLONG")
    invoice = make_invoice(books, customer=customer, amount=D("1100000"))
    invoice.due_date = date(2026, 12, 31)  # another flush touching the posted invoice
    books.flush()
    assert post_all_unposted(books).entries == 0
    assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 1
    line = books.execute(select(JournalLine).limit(1)).scalar_one()
    line.debit = D("1")
    with pytest.raises(ValueError, match="immutable"), books.begin_nested():
        books.flush()


def test_nothing_posts_into_a_closed_month(books):
    customer = make_customer(books, code="HOANGLONG")
    close_period(books, "2026-09", None)
    with pytest.raises(PeriodClosed) as refused, books.begin_nested():
        make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 9, 30))
    assert "2026-09 is closed" in refused.value.message and "open period" in refused.value.hint
    make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, 1))
    assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 1
    with pytest.raises(BusinessRuleViolation, match="already closed"):
        close_period(books, "2026-09", None)


def test_a_voided_invoice_is_reversed_in_its_own_open_month_or_today_once_closed(books):
    customer = make_customer(books, code="HOANGLONG")
    open_month = make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, 3))
    open_month.status = "void"
    books.flush()
    reversal = books.execute(select(JournalEntry).where(JournalEntry.source_type == "reversal")).scalar_one()
    assert reversal.entry_date == date(2026, 10, 3) and "voided" in reversal.description
    assert lines_by_code(books, reversal.id) == {"1200": (D(0), D("1100000")), "4000": (D("1000000"), D(0)),
                                                 "2200": (D("100000"), D(0))}
    assert balance(books, "1200") == balance(books, "4000") == 0
    closed_month = make_invoice(books, customer=customer, amount=D("2200000"), issue_date=date(2026, 8, 3))
    close_period(books, "2026-08", None)
    closed_month.status = "void"
    books.flush()
    later = books.execute(select(JournalEntry).where(JournalEntry.source_type == "reversal")
                          .order_by(JournalEntry.id.desc()).limit(1)).scalar_one()
    assert later.entry_date == date.today() and later.reverses_id is not None


def test_the_bulk_path_posts_what_bypassed_the_orm(books):
    customer = make_customer(books, code="HOANGLONG")
    with deferred_posting(books):
        for day in (1, 2, 3):
            make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, day))
        assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 0
    assert books.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == 3
    assert balance(books, "1200") == D("3300000")


def test_account_lines_and_opening_balance(books):
    customer = make_customer(books, code="HOANGLONG")
    make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 9, 3))
    invoice = make_invoice(books, customer=customer, amount=D("2200000"), issue_date=date(2026, 10, 3))
    make_payment(books, invoice=invoice, amount=D("1000000"), paid_on=date(2026, 10, 9))
    receivables = ensure_chart(books)["receivables"]
    assert opening_balance(books, receivables, date(2026, 10, 1)) == D("1100000")
    lines, total = account_lines(books, receivables, date(2026, 10, 1), date(2026, 10, 31), limit=10)
    assert total == 2 and [(line.debit, line.credit) for line in lines] == [(D("2200000"), 0), (0, D("1000000"))]
    assert [r.balance for r in trial_balance(books, as_of=date(2026, 9, 30)) if r.code == "1200"] == [D("1100000")]
    movements = trial_balance(books, date_from=date(2026, 10, 1), as_of=date(2026, 10, 31))
    assert [r.balance for r in movements if r.code == "1200"] == [D("1200000")]


def test_the_vas_chart_and_renumbered_codes(session):
    vas = Settings(env="test", accounting=AccountingSettings(chart="vas", codes={"bank": "1121"}))
    codes = chart_codes(vas)
    assert (codes["receivables"], codes["inventory"], codes["vat_output"], codes["cogs"], codes["bank"]) == (
        "131", "156", "3331", "632", "1121")
    make_company(session)
    ensure_chart(session, vas)
    install_posting(session)
    customer = make_customer(session, code="HOANGLONG")
    invoice = make_invoice(session, customer=customer, amount=D("11000000"))
    assert entry_of(session, "invoice", invoice.id) == {
        "131": (D("11000000"), D(0)), "511": (D(0), D("10000000")), "3331": (D(0), D("1000000"))}
    with pytest.raises(ValueError, match="unknown roles"):
        chart_codes(Settings(env="test", accounting=AccountingSettings(codes={"petty_cash": "1111"})))


def test_monthly_movements_of_the_profit_and_loss_accounts(books):
    customer = make_customer(books, code="HOANGLONG")
    toner = make_product(books, unit_cost=D("70000"))
    make_invoice(books, customer=customer, amount=D("1100000"), issue_date=date(2026, 9, 3))
    make_invoice(books, customer=customer, amount=D("2200000"), issue_date=date(2026, 10, 3))
    make_delivery(books, customer=customer, lines=[(toner, 3)], shipped_on=date(2026, 10, 3))
    rows = monthly_movements(books, date(2026, 9, 1), date(2026, 10, 31))
    assert [(r.period, r.code, r.balance) for r in rows] == [
        ("2026-09", "4000", D("-1000000")), ("2026-10", "4000", D("-2000000")), ("2026-10", "5000", D("210000"))]
    assert [r.code for r in monthly_movements(books, date(2026, 9, 1), date(2026, 10, 31), kinds=("asset",))] == [
        "1200", "1200", "1300"]


def test_a_bill_on_an_order_posts_with_its_lines_and_a_voided_bill_is_reversed(books):
    from backend.models.purchasing import SupplierBill, SupplierBillLine

    supplier = make_supplier(books)
    paper = make_product(books)
    order = make_purchase_order(books, supplier=supplier, lines=[(paper, 10, D("100000"))])
    make_receipt(books, order=order)
    # The header flushed on its own, as a writer that needs the bill's id first does: nothing to post yet.
    bill = SupplierBill(number="BILL-T-HEADER", supplier_reference="S-1", supplier_id=supplier.id,
                        purchase_order_id=order.id, bill_date=date(2026, 10, 8), due_date=date(2026, 11, 7),
                        currency="VND", net_amount=D("1000000"), tax_amount=D("100000"), total=D("1100000"))
    books.add(bill)
    books.flush()
    assert books.execute(select(func.count()).where(JournalEntry.source_type == "supplier_bill")).scalar_one() == 0
    books.add(SupplierBillLine(bill_id=bill.id, purchase_order_line_id=order.lines[0].id, product_id=paper.id,
                               quantity=10, unit_cost=D("100000"), line_amount=D("1000000")))
    books.flush()
    assert entry_of(books, "supplier_bill", bill.id) == {
        "2100": (D("1000000"), D(0)), "1400": (D("100000"), D(0)), "2000": (D(0), D("1100000"))}
    bill.status = "void"
    books.flush()
    reversal = books.execute(select(JournalEntry).where(JournalEntry.source_type == "reversal")).scalar_one()
    assert lines_by_code(books, reversal.id) == {
        "2100": (D(0), D("1000000")), "1400": (D(0), D("100000")), "2000": (D("1100000"), D(0))}
    assert balance(books, "2000") == 0 and balance(books, "2100") == D("-1000000")  # received, no longer billed
