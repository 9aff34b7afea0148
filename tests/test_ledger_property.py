"""The ledger's invariants over random document sequences: receipts, deliveries, stock adjustments (losses and
gains), invoices (VND and USD), customer payments, bills (on orders and plain expenses), supplier payments, voids
and month closings, in random order and on random dates. Whatever happens, every entry balances, the trial balance
sums to zero, the inventory account holds exactly the value the moving-average cost book says is in stock, the cost
book's units are the units received less delivered plus adjusted, receivables are every invoice's open balance
converted once at its rate (the AR aging's rule) with no advance left, and a closed month takes no entry after closing
(the documents dated in it are refused whole)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import func, select

from backend.accounting.balances import trial_balance
from backend.accounting.chart import ensure_chart
from backend.accounting.hooks import install_posting
from backend.ledger import refresh_invoice_status
from backend.money import round_money
from backend.accounting.journal import PeriodClosed
from backend.accounting.periods import close_period
from backend.models import (GoodsReceiptLine, Invoice, JournalEntry, JournalLine, Payment, PaymentAllocation, ProductCost,
                            SalesOrderLine, StockMovement)
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.customers import make_customer
from tests.factories.fx import make_fx_rate
from tests.factories.ledger import (make_bill, make_delivery, make_purchase_order, make_receipt, make_supplier,
                                    make_supplier_payment)
from tests.factories.org import make_company

D = Decimal
START = date(2026, 1, 1)

days = st.integers(min_value=0, max_value=364)
money = st.integers(min_value=1, max_value=50_000_000).map(D)
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda n: D(n) / 100)
operation = st.one_of(
    st.tuples(st.just("receipt"), st.integers(0, 2), st.integers(1, 50), st.integers(1_000, 500_000), days),
    st.tuples(st.just("delivery"), st.integers(0, 2), st.integers(1, 40), days),
    st.tuples(st.just("adjustment"), st.integers(0, 2), st.integers(-30, 30).filter(bool), days),
    st.tuples(st.just("invoice"), st.booleans(), money, cents, days),
    st.tuples(st.just("payment"), st.integers(0, 20), st.integers(1, 100), days),
    st.tuples(st.just("bill"), st.booleans(), st.integers(1_000, 600_000), money, days),
    st.tuples(st.just("supplier_payment"), st.integers(0, 20), st.integers(1, 100), days),
    st.tuples(st.just("void"), st.integers(0, 20)),
    st.tuples(st.just("close"), st.integers(1, 11)),
)


def _run(session, operations) -> dict[str, int]:
    """Carry the operations out, each in a savepoint; returns the entries each closed month had when it closed."""
    make_company(session)
    make_fx_rate(session, currency="USD", rate=D("24800"), rate_date=date(2025, 12, 1))
    make_fx_rate(session, currency="USD", rate=D("25450"), rate_date=date(2026, 6, 1))
    products = [make_product(session, unit_cost=D(cost)) for cost in ("70000", "120000", "0")]
    customers = [make_customer(session, code=f"PROP-VND-{id(session)}"),
                 make_customer(session, code=f"PROP-USD-{id(session)}", currency="USD")]
    supplier = make_supplier(session)
    usd_supplier = make_supplier(session, currency="USD")
    invoices: list[Invoice] = []
    orders, bills = [], []
    closed: dict[str, int] = {}
    for op in operations:
        savepoint = session.begin_nested()
        try:
            made = _apply(session, op, products, customers, supplier, usd_supplier, invoices, orders, bills, closed)
        except PeriodClosed as refused:
            savepoint.rollback()
            assert refused.details["period"] in closed
            continue
        savepoint.commit()
        for kept, row in made:
            kept.append(row)
    return closed


def _apply(session, op, products, customers, supplier, usd_supplier, invoices, orders, bills, closed) -> list:
    """One operation; returns (list, row) pairs to keep once it stands."""
    made: list = []
    kind = op[0]
    if kind == "receipt":
        _, product, quantity, cost, day = op
        order = make_purchase_order(session, supplier=supplier, lines=[(products[product], quantity, D(cost))],
                                    order_date=START + timedelta(days=day))
        make_receipt(session, order=order, received_on=START + timedelta(days=day))
        made.append((orders, order))
    elif kind == "delivery":
        _, product, quantity, day = op
        make_delivery(session, customer=customers[0], lines=[(products[product], quantity)],
                      shipped_on=START + timedelta(days=day))
    elif kind == "adjustment":
        _, product, quantity, day = op
        session.add(StockMovement(product_id=products[product].id, warehouse_id=make_warehouse(session).id,
                                  moved_on=START + timedelta(days=day), quantity=quantity, kind="adjustment",
                                  source_type="adjustment", note="count"))
        session.flush()
    elif kind == "invoice":
        _, in_usd, vnd, usd, day = op
        customer = customers[1] if in_usd else customers[0]
        issued = START + timedelta(days=day)
        invoice = Invoice(number=f"INV-P-{len(invoices):04d}", customer_id=customer.id, issue_date=issued,
                          due_date=issued + timedelta(days=30), currency=customer.currency,
                          fx_rate=D("25000") if in_usd else D(1), amount=usd if in_usd else vnd, status="open")
        session.add(invoice)
        session.flush()
        made.append((invoices, invoice))
    elif kind == "payment" and invoices:
        _, which, pct, day = op
        invoice = invoices[which % len(invoices)]
        amount = (invoice.amount * pct / 100).quantize(D("0.01") if invoice.currency == "USD" else D(1))
        if invoice.status == "void" or amount <= 0:
            return made
        payment = Payment(customer_id=invoice.customer_id, paid_on=invoice.issue_date + timedelta(days=day % 60),
                          amount=amount, currency=invoice.currency, method="cash" if pct % 2 else "wire")
        payment.allocations.append(PaymentAllocation(invoice_id=invoice.id, amount=amount))
        session.add(payment)
        session.flush()
        refresh_invoice_status(session, invoice)
        session.flush()
    elif kind == "bill":
        _, on_order, cost, net, day = op
        billed = START + timedelta(days=day)
        if on_order and orders:
            order = orders[cost % len(orders)]
            made.append((bills, make_bill(session, supplier=supplier, order=order, bill_date=billed,
                                          lines=[(order.lines[0].quantity, D(cost))])))
        else:
            usd = cost % 2 == 0
            made.append((bills, make_bill(session, supplier=usd_supplier if usd else supplier, bill_date=billed,
                                          net_amount=(net / 1000).quantize(D("0.01")) if usd else net,
                                          fx_rate=D("25100") if usd else D(1))))
    elif kind == "supplier_payment" and bills:
        _, which, pct, day = op
        bill = bills[which % len(bills)]
        amount = (bill.total * pct / 100).quantize(D("0.01") if bill.currency == "USD" else D(1))
        if bill.status == "void" or amount <= 0:
            return made
        make_supplier_payment(session, bill=bill, amount=amount, paid_on=bill.bill_date + timedelta(days=day % 45),
                              fx_rate=D("25300") if bill.currency == "USD" else D(1))
    elif kind == "void" and invoices:
        invoice = invoices[op[1] % len(invoices)]
        if not invoice.allocations and invoice.status != "void":
            invoice.status = "void"
            session.flush()
    elif kind == "close":
        month = f"{START.year}-{op[1]:02d}"
        if month not in closed:
            close_period(session, month, None)
            closed[month] = _entries_in(session, month)
    return made


def _entries_in(session, month: str) -> int:
    return session.execute(select(func.count()).select_from(JournalEntry)
                           .where(JournalEntry.period == month)).scalar_one()


def _check(session, closed: dict[str, int]) -> None:
    assert {month: _entries_in(session, month) for month in closed} == closed
    unbalanced = session.execute(
        select(JournalLine.entry_id).group_by(JournalLine.entry_id)
        .having(func.sum(JournalLine.debit) != func.sum(JournalLine.credit))).scalars().all()
    assert unbalanced == []
    rows = trial_balance(session)
    assert sum((row.debit for row in rows), D(0)) == sum((row.credit for row in rows), D(0))
    assert sum((row.balance for row in rows), D(0)) == 0
    inventory = ensure_chart(session)["inventory"]
    in_ledger = next((row.balance for row in rows if row.account_id == inventory), D(0))
    in_cost_book = session.execute(select(func.coalesce(func.sum(ProductCost.value), 0))).scalar_one()
    assert in_ledger == in_cost_book
    units: dict[int, int] = {}
    for model, sign in ((GoodsReceiptLine, 1), (SalesOrderLine, -1), (StockMovement, 1)):
        moved = select(model.product_id, func.sum(model.quantity)).group_by(model.product_id)
        if model is StockMovement:
            moved = moved.where(StockMovement.kind == "adjustment")
        for pid, quantity in session.execute(moved):
            units[pid] = units.get(pid, 0) + sign * int(quantity)
    assert dict(session.execute(select(ProductCost.product_id, ProductCost.quantity)).all()) == units
    # Receivables hold each invoice's open balance converted once at its rate (the AR aging's rule), and every
    # payment here is applied in full, so no advance is left.
    accounts = ensure_chart(session)
    by_account = {row.account_id: row.balance for row in rows}
    paid = dict(session.execute(select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
                                .group_by(PaymentAllocation.invoice_id)).all())
    aging = sum((round_money((inv.amount - (paid.get(inv.id) or 0)) * inv.fx_rate, "VND")
                 for inv in session.execute(select(Invoice).where(Invoice.status != "void")).scalars()), D(0))
    assert by_account.get(accounts["receivables"], D(0)) == aging
    assert by_account.get(accounts["customer_advances"], D(0)) == 0


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=30))
def test_every_entry_balances_and_inventory_matches_the_cost_book(session, operations):
    install_posting(session)
    example = session.begin_nested()
    try:
        closed = _run(session, operations)
        session.flush()
        _check(session, closed)
    finally:
        example.rollback()
        session.expunge_all()
