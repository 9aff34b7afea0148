"""The posting rules — what each document debits and credits — and `post`, which writes a document's entry once.

Each rule is a function of the document (a plain record read by the loaders below) and the posting context;
it returns the entry to write, or None when the document moves no money. Amounts are in base currency,
rounded to its minor unit; each line also keeps the document's currency and amount.

- invoice: Dr receivables (gross) / Cr revenue (net) + Cr VAT output (the rest). Invoices store the gross amount
  only: when the invoice's order is in the same currency and the gross lies between the order's net amount and
  the net plus VAT at the company rate, the net is the order's (zero-rated exports included); otherwise the gross
  is split at the company rate. A voided invoice's entry is reversed.
- payment: Dr bank (cash when the method says cash) / Cr customer advances, at the FX rate of the payment date: money
  received is an advance until it is applied to an invoice.
- payment allocation (a payment applied to an invoice in its currency), dated when both exist (the later of the
  payment date and the invoice date): Dr customer advances with the part of the payment it uses, at the payment's
  rate / Cr receivables with the part of the invoice it clears, at the invoice's rate / the difference to FX gain
  or loss. Both parts telescope: the invoice's part is round(open before x invoice rate) - round(open after x
  invoice rate), the payment's round(unapplied before x payment rate) - round(unapplied after x payment rate), with
  the allocations of an invoice in payment-date order and those of a payment in the order they take effect. So the
  receivables account holds, per invoice, exactly round(open balance x invoice rate) - the AR aging's rule - and
  customer advances, per payment, round(unapplied amount x payment rate). Allocations post on their own, so it does
  not matter whether a writer flushes them with their payment or after it.
- delivery (a sales order shipped): Dr cost of goods sold / Cr inventory, per line, at moving-average cost.
- goods receipt: Dr inventory / Cr goods received not billed, at the purchase order's unit cost and FX rate.
- stock adjustment (a StockMovement of kind "adjustment", e.g. adjust_stock after a count): a loss is Dr inventory
  adjustments / Cr inventory at moving-average cost (taken out of the cost book like a delivery), a gain the
  reverse at the same cost (put into the cost book like a receipt), so the inventory account keeps equal to the
  cost book and the counted stock.
- supplier bill: Dr goods received not billed (what the billed units cost on the order) + the price difference to
  purchase price variance + Dr VAT input / Cr payables; a bill without an order debits expenses with its net.
  A bill on an order posts once it has lines. A voided bill's entry is reversed.
- supplier payment: Dr payables / Cr bank, at the payment's FX rate.
- supplier payment allocation (foreign currency only), dated when both exist: payables cleared by the bill's part
  at the bill's rate, less the payment's part at the payment's rate, both telescoping as for customers (so payables
  hold round(open balance x bill rate) per bill, the AP aging's rule); the difference is an FX gain or loss.
"""
from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from backend.accounting.chart import ensure_chart
from backend.accounting.costing import CostBook
from backend.accounting.journal import EntryDraft, closed_periods, period_of, reversal_of, write_entries
from backend.errors import BusinessRuleViolation
from backend.ledger import MissingFxRate, RateBook
from backend.models import Company, Invoice, JournalEntry, Payment, PaymentAllocation, SalesOrder, SalesOrderLine
from backend.money import HUNDRED, round_money

ZERO = Decimal(0)
SHIPPED = ("shipped", "invoiced")
# Same-day documents post in this order, so a delivery is costed after the day's receipts.
SEQUENCE = {"goods_receipt": 0, "supplier_bill": 1, "stock_adjustment": 2, "delivery": 3, "invoice": 4, "payment": 5,
            "payment_allocation": 6, "supplier_payment": 7, "supplier_allocation": 8}
DOCUMENT_TYPES = tuple(SEQUENCE)


@dataclass
class PostingContext:
    accounts: dict[str, int]
    base: str
    tax_rate_pct: Decimal
    rates: RateBook
    costs: CostBook

    def to_base(self, amount: Decimal, rate: Decimal) -> Decimal:
        return round_money(amount * rate, self.base)

    def rate_on(self, currency: str, day: date, what: str) -> Decimal:
        try:
            return self.rates.rate(currency, day)
        except MissingFxRate:
            raise BusinessRuleViolation(f"{what} can't be posted: there is no {currency} exchange rate on or before "
                                        f"{day.isoformat()}.", hint="Add the FX rate, then post it again.") from None


# ------------------------------------------------------------------------------------------------ documents
@dataclass
class InvoiceDoc:
    id: int
    number: str
    customer_id: int
    issue_date: date
    currency: str
    fx_rate: Decimal
    amount: Decimal
    order_net: Decimal | None = None  # the order's net amount, when the order is in the invoice's currency

    day = property(lambda self: self.issue_date)


@dataclass
class PaymentDoc:
    id: int
    customer_id: int
    paid_on: date
    amount: Decimal
    currency: str
    method: str | None
    reference: str | None

    day = property(lambda self: self.paid_on)


@dataclass
class AllocationDoc:
    """A payment applied to a document (invoice or bill) in its own currency."""
    id: int
    payment_label: str
    document_number: str
    party_id: int  # the customer, or the supplier
    paid_on: date
    amount: Decimal
    currency: str
    document_rate: Decimal  # the invoice's or bill's FX rate
    payment_rate: Decimal | None  # the supplier payment's own rate; None: the FX rate of the payment date
    document_date: date = date.min
    # The document's open balance and the payment's unapplied amount just before this allocation (the telescoping
    # order in the module docstring), in the document's currency.
    open_before: Decimal = ZERO
    unapplied_before: Decimal = ZERO

    day = property(lambda self: max(self.paid_on, self.document_date))

    def parts(self, ctx: "PostingContext", payment_rate: Decimal) -> tuple[Decimal, Decimal]:
        """(the document's part at its rate, the payment's part at the payment's rate), in base currency."""
        document = (ctx.to_base(self.open_before, self.document_rate)
                    - ctx.to_base(self.open_before - self.amount, self.document_rate))
        payment = (ctx.to_base(self.unapplied_before, payment_rate)
                   - ctx.to_base(self.unapplied_before - self.amount, payment_rate))
        return document, payment


@dataclass
class DeliveryDoc:
    id: int  # the sales order
    number: str
    customer_id: int
    shipped_on: date
    lines: list[tuple[int, int]] = field(default_factory=list)  # (product id, quantity)

    day = property(lambda self: self.shipped_on)


@dataclass
class ReceiptDoc:
    id: int
    number: str
    supplier_id: int
    received_on: date
    currency: str  # the purchase order's
    fx_rate: Decimal
    lines: list[tuple[int, int, Decimal]] = field(default_factory=list)  # (product id, quantity, unit cost)

    day = property(lambda self: self.received_on)


@dataclass
class AdjustmentDoc:
    id: int  # the stock movement
    product_id: int
    moved_on: date
    quantity: int  # + found, - lost
    note: str | None

    day = property(lambda self: self.moved_on)
    lines = property(lambda self: [(self.product_id,)])  # the product the cost book loads


@dataclass
class BillDoc:
    id: int
    number: str
    supplier_id: int
    bill_date: date
    currency: str
    fx_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    total: Decimal
    # What the billed units were received at (base currency, order cost and rate); None for a bill without an order.
    received_value: Decimal | None = None
    has_lines: bool = False

    day = property(lambda self: self.bill_date)


@dataclass
class SupplierPaymentDoc:
    id: int
    number: str
    supplier_id: int
    paid_on: date
    amount: Decimal
    currency: str
    fx_rate: Decimal

    day = property(lambda self: self.paid_on)


# ------------------------------------------------------------------------------------------------ the rules
def split_invoice(amount: Decimal, order_net: Decimal | None, tax_rate_pct: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """(net, VAT) of an invoice's gross amount, in its currency (the rule in the module docstring)."""
    if order_net is not None and order_net <= amount <= order_net + round_money(order_net * tax_rate_pct / HUNDRED, currency):
        return order_net, amount - order_net
    net = round_money(amount * HUNDRED / (HUNDRED + tax_rate_pct), currency)
    return net, amount - net


def invoice_entry(doc: InvoiceDoc, ctx: PostingContext) -> EntryDraft | None:
    gross = ctx.to_base(doc.amount, doc.fx_rate)
    net_in_currency, _ = split_invoice(doc.amount, doc.order_net, ctx.tax_rate_pct, doc.currency)
    net = ctx.to_base(net_in_currency, doc.fx_rate)
    entry = EntryDraft(doc.issue_date, "invoice", doc.id, f"Invoice {doc.number}")
    accounts, who = ctx.accounts, {"customer_id": doc.customer_id, "currency": doc.currency}
    entry.add(accounts["receivables"], gross, amount_in_currency=doc.amount, **who)
    entry.add(accounts["revenue"], -net, amount_in_currency=net_in_currency, **who)
    entry.add(accounts["vat_output"], -(gross - net), amount_in_currency=doc.amount - net_in_currency, **who)
    return entry if entry.lines else None


def _fx_difference(entry: EntryDraft, ctx: PostingContext, gain: Decimal, **dimensions) -> None:
    entry.add(ctx.accounts["fx_gain"] if gain > 0 else ctx.accounts["fx_loss"], -gain, **dimensions)


def payment_entry(doc: PaymentDoc, ctx: PostingContext) -> EntryDraft | None:
    rate = ctx.rate_on(doc.currency, doc.paid_on, f"Payment {doc.reference or doc.id}")
    received = ctx.to_base(doc.amount, rate)
    cash = "cash" if (doc.method or "").strip().lower() == "cash" else "bank"
    entry = EntryDraft(doc.paid_on, "payment", doc.id, f"Customer payment {doc.reference or doc.id}")
    who = {"customer_id": doc.customer_id, "currency": doc.currency, "amount_in_currency": doc.amount}
    entry.add(ctx.accounts[cash], received, **who)
    entry.add(ctx.accounts["customer_advances"], -received, **who)
    return entry if entry.lines else None


def payment_allocation_entry(doc: AllocationDoc, ctx: PostingContext) -> EntryDraft | None:
    rate = ctx.rate_on(doc.currency, doc.paid_on, f"Payment {doc.payment_label}")
    cleared, used = doc.parts(ctx, rate)
    entry = EntryDraft(doc.day, "payment_allocation", doc.id,
                       f"Payment {doc.payment_label} applied to {doc.document_number}")
    who = {"customer_id": doc.party_id, "currency": doc.currency}
    entry.add(ctx.accounts["customer_advances"], used, amount_in_currency=doc.amount, **who)
    entry.add(ctx.accounts["receivables"], -cleared, amount_in_currency=doc.amount, **who)
    _fx_difference(entry, ctx, used - cleared, **who)
    return entry if entry.lines else None


def delivery_entry(doc: DeliveryDoc, ctx: PostingContext) -> EntryDraft | None:
    entry = EntryDraft(doc.shipped_on, "delivery", doc.id, f"Delivery of {doc.number}")
    for product_id, quantity in doc.lines:
        cost = ctx.costs.issue(product_id, quantity, doc.shipped_on)
        entry.add(ctx.accounts["cogs"], cost, product_id=product_id, customer_id=doc.customer_id)
        entry.add(ctx.accounts["inventory"], -cost, product_id=product_id)
    return entry if entry.lines else None


def receipt_entry(doc: ReceiptDoc, ctx: PostingContext) -> EntryDraft | None:
    entry = EntryDraft(doc.received_on, "goods_receipt", doc.id, f"Goods receipt {doc.number}")
    total, total_in_currency = ZERO, ZERO
    for product_id, quantity, unit_cost in doc.lines:
        value = ctx.to_base(quantity * unit_cost, doc.fx_rate)
        ctx.costs.receive(product_id, quantity, value)
        entry.add(ctx.accounts["inventory"], value, product_id=product_id, supplier_id=doc.supplier_id,
                  currency=doc.currency, amount_in_currency=quantity * unit_cost)
        total += value
        total_in_currency += quantity * unit_cost
    entry.add(ctx.accounts["goods_received_not_billed"], -total, supplier_id=doc.supplier_id, currency=doc.currency,
              amount_in_currency=total_in_currency)
    return entry if entry.lines else None


def adjustment_entry(doc: AdjustmentDoc, ctx: PostingContext) -> EntryDraft | None:
    entry = EntryDraft(doc.moved_on, "stock_adjustment", doc.id,
                       f"Stock adjustment {doc.quantity:+d}" + (f": {doc.note}" if doc.note else ""))
    if doc.quantity < 0:
        value = -ctx.costs.issue(doc.product_id, -doc.quantity, doc.moved_on)
    else:
        value = round_money(doc.quantity * ctx.costs.average_cost(doc.product_id, doc.moved_on), ctx.base)
        ctx.costs.receive(doc.product_id, doc.quantity, value)
    entry.add(ctx.accounts["inventory"], value, product_id=doc.product_id)
    entry.add(ctx.accounts["inventory_adjustments"], -value, product_id=doc.product_id)
    return entry if entry.lines else None


def bill_entry(doc: BillDoc, ctx: PostingContext) -> EntryDraft | None:
    if doc.received_value is not None and not doc.has_lines:
        return None  # its lines come in a later flush; the bill posts with them
    total = ctx.to_base(doc.total, doc.fx_rate)
    net = ctx.to_base(doc.net_amount, doc.fx_rate)
    entry = EntryDraft(doc.bill_date, "supplier_bill", doc.id, f"Supplier bill {doc.number}")
    who = {"supplier_id": doc.supplier_id, "currency": doc.currency}
    if doc.received_value is None:
        entry.add(ctx.accounts["expenses"], net, amount_in_currency=doc.net_amount, **who)
    else:
        entry.add(ctx.accounts["goods_received_not_billed"], doc.received_value, **who)
        entry.add(ctx.accounts["price_variance"], net - doc.received_value, **who)
    entry.add(ctx.accounts["vat_input"], total - net, amount_in_currency=doc.tax_amount, **who)
    entry.add(ctx.accounts["payables"], -total, amount_in_currency=doc.total, **who)
    return entry if entry.lines else None


def supplier_payment_entry(doc: SupplierPaymentDoc, ctx: PostingContext) -> EntryDraft | None:
    paid = ctx.to_base(doc.amount, doc.fx_rate)
    entry = EntryDraft(doc.paid_on, "supplier_payment", doc.id, f"Supplier payment {doc.number}")
    who = {"supplier_id": doc.supplier_id, "currency": doc.currency, "amount_in_currency": doc.amount}
    entry.add(ctx.accounts["payables"], paid, **who)
    entry.add(ctx.accounts["bank"], -paid, **who)
    return entry if entry.lines else None


def supplier_allocation_entry(doc: AllocationDoc, ctx: PostingContext) -> EntryDraft | None:
    cleared, paid = doc.parts(ctx, doc.payment_rate)
    gain = cleared - paid
    entry = EntryDraft(doc.day, "supplier_allocation", doc.id,
                       f"FX difference on supplier payment {doc.payment_label} for {doc.document_number}")
    entry.add(ctx.accounts["payables"], gain, supplier_id=doc.party_id, currency=doc.currency)
    _fx_difference(entry, ctx, gain, supplier_id=doc.party_id, currency=doc.currency)
    return entry if entry.lines else None


RULES: dict[str, Callable[[object, PostingContext], EntryDraft | None]] = {
    "invoice": invoice_entry, "payment": payment_entry, "payment_allocation": payment_allocation_entry,
    "delivery": delivery_entry, "goods_receipt": receipt_entry, "supplier_bill": bill_entry,
    "supplier_payment": supplier_payment_entry, "supplier_allocation": supplier_allocation_entry,
    "stock_adjustment": adjustment_entry,
}


# ---------------------------------------------------------------------------------------------- the loaders
def purchasing():
    """backend.models.purchasing, or None where purchasing is not installed."""
    try:
        return importlib.import_module("backend.models.purchasing")
    except ImportError:
        return None


def _unposted(source_type: str, id_column):
    return ~exists().where(JournalEntry.source_type == source_type, JournalEntry.source_id == id_column)


def _scope(source_type: str, id_column, ids: list[int] | None):
    condition = _unposted(source_type, id_column)
    return condition if ids is None else and_(id_column.in_(ids), condition)


def _load_invoices(session: Session, ids: list[int] | None) -> list[InvoiceDoc]:
    i, o = Invoice.__table__.c, SalesOrder.__table__.c
    rows = session.execute(
        select(i.id, i.number, i.customer_id, i.issue_date, i.currency, i.fx_rate, i.amount, o.net_amount, o.currency)
        .select_from(Invoice.__table__.outerjoin(SalesOrder.__table__, o.id == i.order_id))
        .where(i.status != "void", _scope("invoice", i.id, ids)))
    return [InvoiceDoc(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] if r[8] == r[4] else None) for r in rows]


def _load_payments(session: Session, ids: list[int] | None) -> list[PaymentDoc]:
    p = Payment.__table__.c
    return [PaymentDoc(*r) for r in session.execute(
        select(p.id, p.customer_id, p.paid_on, p.amount, p.currency, p.method, p.reference)
        .where(_scope("payment", p.id, ids)))]


def _telescope(docs: dict[int, AllocationDoc], keys: dict[int, tuple[int, int]], siblings) -> None:
    """Set each allocation's open_before and unapplied_before. `keys`: allocation id -> (document id, payment id) of
    the allocations in `docs`; `siblings`: every allocation of those documents and payments, as rows of (id,
    document id, payment id, amount, paid on, document date), with the document's amount and the payment's amount
    (document_amount, payment_amount)."""
    by_document: dict[int, list] = defaultdict(list)
    by_payment: dict[int, list] = defaultdict(list)
    totals: dict[tuple[str, int], Decimal] = {}
    for r in siblings:
        by_document[r.document_id].append(r)
        by_payment[r.payment_id].append(r)
        totals[("document", r.document_id)] = r.document_amount
        totals[("payment", r.payment_id)] = r.payment_amount
    for allocation_id, doc in docs.items():
        document_id, payment_id = keys[allocation_id]
        # A document's allocations in payment-date order (what the aging counts by a day); a payment's in the order
        # they take effect (the later of the payment and the document dates).
        doc.open_before = totals[("document", document_id)] - sum(
            (r.amount for r in by_document[document_id] if (r.paid_on, r.id) < (doc.paid_on, allocation_id)), ZERO)
        doc.unapplied_before = totals[("payment", payment_id)] - sum(
            (r.amount for r in by_payment[payment_id]
             if (max(r.paid_on, r.document_date), r.id) < (doc.day, allocation_id)), ZERO)


def _siblings(session: Session, allocations, payments, documents, document_key, keys: dict[int, tuple[int, int]],
              where, date_column, amount_column, payment_amount):
    a, p = allocations.c, payments.c
    document_ids = sorted({document_id for document_id, _ in keys.values()})
    payment_ids = sorted({payment_id for _, payment_id in keys.values()})
    rows = []
    for at in range(0, max(len(document_ids), len(payment_ids)), 500):
        rows.extend(session.execute(
            select(a.id, a[document_key].label("document_id"), a.payment_id, a.amount, p.paid_on,
                   date_column.label("document_date"), amount_column.label("document_amount"),
                   payment_amount.label("payment_amount"))
            .join(payments, p.id == a.payment_id).join(documents, documents.c.id == a[document_key])
            .where(where, a[document_key].in_(document_ids[at:at + 500]) | a.payment_id.in_(payment_ids[at:at + 500]))))
    return list({r.id: r for r in rows}.values())


def _load_payment_allocations(session: Session, ids: list[int] | None) -> list[AllocationDoc]:
    """Payments applied to invoices in the payment's currency (in another currency: the payment stays an advance)."""
    p, a, i = Payment.__table__.c, PaymentAllocation.__table__.c, Invoice.__table__.c
    rows = session.execute(
        select(a.id, a.invoice_id, a.payment_id, p.reference, i.number, p.customer_id, p.paid_on, a.amount, i.currency,
               i.fx_rate, i.issue_date)
        .join(Payment.__table__, p.id == a.payment_id).join(Invoice.__table__, i.id == a.invoice_id)
        .where(i.currency == p.currency, _scope("payment_allocation", a.id, ids))).all()
    docs = {r.id: AllocationDoc(r.id, r.reference or str(r.payment_id), r.number, r.customer_id, r.paid_on, r.amount,
                                r.currency, r.fx_rate, None, r.issue_date) for r in rows}
    if docs:
        keys = {r.id: (r.invoice_id, r.payment_id) for r in rows}
        _telescope(docs, keys, _siblings(session, PaymentAllocation.__table__, Payment.__table__, Invoice.__table__,
                                         "invoice_id", keys, i.currency == p.currency, i.issue_date, i.amount,
                                         p.amount))
    return list(docs.values())


def _load_deliveries(session: Session, ids: list[int] | None) -> list[DeliveryDoc]:
    o, line = SalesOrder.__table__.c, SalesOrderLine.__table__.c
    scope = and_(o.status.in_(SHIPPED), _scope("delivery", o.id, ids))
    docs = {r.id: DeliveryDoc(r.id, r.number, r.customer_id, r.shipped_date or r.order_date)
            for r in session.execute(select(o.id, o.number, o.customer_id, o.shipped_date, o.order_date).where(scope))}
    if docs:
        for r in session.execute(select(line.order_id, line.product_id, line.quantity)
                                 .join(SalesOrder.__table__, o.id == line.order_id).where(scope)
                                 .order_by(line.order_id, line.line_no)):
            docs[r.order_id].lines.append((r.product_id, r.quantity))
    return list(docs.values())


def _load_receipts(session: Session, ids: list[int] | None) -> list[ReceiptDoc]:
    models = purchasing()
    if models is None:
        return []
    r_, line, po = (models.GoodsReceipt.__table__.c, models.GoodsReceiptLine.__table__.c,
                    models.PurchaseOrder.__table__.c)
    scope = _scope("goods_receipt", r_.id, ids)
    docs = {r.id: ReceiptDoc(r.id, r.number, r.supplier_id, r.received_on, r.currency, r.fx_rate)
            for r in session.execute(
                select(r_.id, r_.number, po.supplier_id, r_.received_on, po.currency, po.fx_rate)
                .join(models.PurchaseOrder.__table__, po.id == r_.purchase_order_id).where(scope))}
    if docs:
        for r in session.execute(select(line.receipt_id, line.product_id, line.quantity, line.unit_cost)
                                 .join(models.GoodsReceipt.__table__, r_.id == line.receipt_id).where(scope)
                                 .order_by(line.receipt_id, line.id)):
            docs[r.receipt_id].lines.append((r.product_id, r.quantity, r.unit_cost))
    return list(docs.values())


def _load_adjustments(session: Session, ids: list[int] | None) -> list[AdjustmentDoc]:
    models = purchasing()
    if models is None:
        return []
    m = models.StockMovement.__table__.c
    return [AdjustmentDoc(*r) for r in session.execute(
        select(m.id, m.product_id, m.moved_on, m.quantity, m.note)
        .where(m.kind == "adjustment", _scope("stock_adjustment", m.id, ids)))]


def _load_bills(session: Session, ids: list[int] | None) -> list[BillDoc]:
    models = purchasing()
    if models is None:
        return []
    b = models.SupplierBill.__table__.c
    scope = _scope("supplier_bill", b.id, ids)
    scope = and_(b.status != "void", scope)
    docs = {r.id: BillDoc(r.id, r.number, r.supplier_id, r.bill_date, r.currency, r.fx_rate, r.net_amount,
                          r.tax_amount, r.total, received_value=None if r.purchase_order_id is None else ZERO)
            for r in session.execute(select(b.id, b.number, b.supplier_id, b.bill_date, b.currency, b.fx_rate,
                                            b.net_amount, b.tax_amount, b.total, b.purchase_order_id).where(scope))}
    if any(doc.received_value is not None for doc in docs.values()):
        bl = models.SupplierBillLine.__table__.c
        for bill_id in session.execute(select(bl.bill_id).distinct().join(models.SupplierBill.__table__,
                                                                          b.id == bl.bill_id).where(scope)).scalars():
            docs[bill_id].has_lines = True
        for bill_id, value in received_values(session, models, scope).items():
            docs[bill_id].received_value = value
    return list(docs.values())


def received_values(session: Session, models, scope) -> dict[int, Decimal]:
    """Per bill on an order: what its billed units cost on the order, in base currency at the order's rate —
    what the receipts put into goods received not billed for them."""
    b, bl, pol, po = (models.SupplierBill.__table__.c, models.SupplierBillLine.__table__.c,
                      models.PurchaseOrderLine.__table__.c, models.PurchaseOrder.__table__.c)
    base = _company_facts(session)[0]
    values: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in session.execute(
            select(bl.bill_id, bl.quantity, pol.unit_cost, po.fx_rate)
            .join(models.SupplierBill.__table__, b.id == bl.bill_id)
            .join(models.PurchaseOrderLine.__table__, pol.id == bl.purchase_order_line_id)
            .join(models.PurchaseOrder.__table__, po.id == pol.purchase_order_id)
            .where(scope)):
        values[r.bill_id] += round_money(r.quantity * r.unit_cost * r.fx_rate, base)
    return dict(values)


def _load_supplier_payments(session: Session, ids: list[int] | None) -> list[SupplierPaymentDoc]:
    models = purchasing()
    if models is None:
        return []
    p = models.SupplierPayment.__table__.c
    return [SupplierPaymentDoc(*r) for r in session.execute(
        select(p.id, p.number, p.supplier_id, p.paid_on, p.amount, p.currency, p.fx_rate)
        .where(_scope("supplier_payment", p.id, ids)))]


def _load_supplier_allocations(session: Session, ids: list[int] | None) -> list[AllocationDoc]:
    models = purchasing()
    if models is None:
        return []
    p, a, b = (models.SupplierPayment.__table__.c, models.SupplierPaymentAllocation.__table__.c,
               models.SupplierBill.__table__.c)
    base = _company_facts(session)[0]
    rows = session.execute(
        select(a.id, a.bill_id, a.payment_id, p.number.label("payment_number"), b.number, p.supplier_id, p.paid_on,
               a.amount, b.currency, b.fx_rate, p.fx_rate.label("payment_rate"), b.bill_date)
        .join(models.SupplierPayment.__table__, p.id == a.payment_id)
        .join(models.SupplierBill.__table__, b.id == a.bill_id)
        .where(b.currency == p.currency, b.currency != base, _scope("supplier_allocation", a.id, ids))).all()
    docs = {r.id: AllocationDoc(r.id, r.payment_number, r.number, r.supplier_id, r.paid_on, r.amount, r.currency,
                                r.fx_rate, r.payment_rate, r.bill_date) for r in rows}
    if docs:
        keys = {r.id: (r.bill_id, r.payment_id) for r in rows}
        _telescope(docs, keys, _siblings(session, models.SupplierPaymentAllocation.__table__,
                                         models.SupplierPayment.__table__, models.SupplierBill.__table__, "bill_id",
                                         keys, b.currency == p.currency, b.bill_date, b.total, p.amount))
    return list(docs.values())


LOADERS: dict[str, Callable[[Session, list[int] | None], list]] = {
    "invoice": _load_invoices, "payment": _load_payments, "payment_allocation": _load_payment_allocations,
    "delivery": _load_deliveries, "goods_receipt": _load_receipts, "supplier_bill": _load_bills,
    "supplier_payment": _load_supplier_payments, "supplier_allocation": _load_supplier_allocations,
    "stock_adjustment": _load_adjustments,
}


# ----------------------------------------------------------------------------------------------- posting
@dataclass
class PostingSummary:
    entries: int = 0
    lines: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


def _company_facts(session: Session) -> tuple[str, Decimal]:
    row = session.execute(select(Company.base_currency, Company.tax_rate_pct).order_by(Company.id).limit(1)).one_or_none()
    return (row[0], row[1] or ZERO) if row else ("USD", ZERO)


def posting_context(session: Session) -> PostingContext:
    base, tax = _company_facts(session)
    rates = RateBook(session, base)
    return PostingContext(accounts=ensure_chart(session), base=base, tax_rate_pct=tax, rates=rates,
                          costs=CostBook(session, rates))


def post_documents(session: Session, wanted: dict[str, list[int] | None], *,
                   voided: dict[str, list[int] | None] | None = None) -> PostingSummary:
    """Post the named documents (ids, or None for every unposted one of that type) that have no entry yet,
    oldest first, in one batch, and reverse the entries of the voided invoices and bills named in `voided`
    ({"invoice": ids or None for all, "supplier_bill": ...}). Documents already posted are skipped, so posting is
    idempotent. Refuses the whole batch (PeriodClosed) when one entry would fall in a closed month."""
    unknown = set(wanted) - set(RULES)
    if unknown:
        raise ValueError(f"no posting rule for {', '.join(sorted(unknown))}")
    ctx = posting_context(session)
    documents = []
    for source_type, ids in wanted.items():
        if ids is None:
            documents.extend((source_type, doc) for doc in LOADERS[source_type](session, None))
            continue
        ids = sorted(set(ids))
        for at in range(0, len(ids), 500):
            documents.extend((source_type, doc) for doc in LOADERS[source_type](session, ids[at:at + 500]))
    documents.sort(key=lambda item: (item[1].day, SEQUENCE[item[0]], item[1].id))
    ctx.costs.load({line[0] for kind, doc in documents if kind in ("delivery", "goods_receipt", "stock_adjustment")
                    for line in doc.lines})
    drafts = [draft for kind, doc in documents if (draft := RULES[kind](doc, ctx)) is not None]
    for source_type, ids in (voided or {}).items():
        drafts.extend(_void_reversals(session, source_type, ids))
    write_entries(session, drafts, ctx.base)
    ctx.costs.save()
    summary = PostingSummary(entries=len(drafts), lines=sum(len(d.lines) for d in drafts))
    for draft in drafts:
        summary.by_type[draft.source_type] = summary.by_type.get(draft.source_type, 0) + 1
    return summary


def _voidable(source_type: str):
    """(table, date column, label) of a document type whose entry is reversed when it is voided."""
    if source_type == "invoice":
        return Invoice.__table__, Invoice.__table__.c.issue_date, "invoice"
    models = purchasing()
    if source_type == "supplier_bill" and models is not None:
        return models.SupplierBill.__table__, models.SupplierBill.__table__.c.bill_date, "supplier bill"
    return None


def _void_reversals(session: Session, source_type: str, ids: list[int] | None) -> list[EntryDraft]:
    """Reversals of the entries of voided documents that still stand: dated like the document when its month is
    open (the month then shows neither), otherwise today (or the document date, if later)."""
    found = _voidable(source_type)
    if found is None or (ids is not None and not ids):
        return []
    table, day_column, label = found
    je = JournalEntry.__table__
    reversed_ = JournalEntry.__table__.alias("reversed")
    query = (select(je.c.id, day_column, table.c.number)
             .join(table, and_(je.c.source_type == source_type, je.c.source_id == table.c.id))
             .where(table.c.status == "void",
                    ~exists().where(reversed_.c.source_type == "reversal", reversed_.c.source_id == je.c.id)))
    if ids is not None:
        query = query.where(table.c.id.in_(ids))
    rows = session.execute(query).all()
    if not rows:
        return []
    closed = closed_periods(session, {period_of(day) for _, day, _ in rows})
    today = date.today()
    return [reversal_of(session, entry_id, on=max(day, today) if period_of(day) in closed else day,
                        reason=f"{label} {number} voided")
            for entry_id, day, number in rows]


def post(session: Session, source_type: str, document) -> int | None:
    """Post one document (an ORM object or anything with its id) if it has no entry yet; returns the entry's id,
    or None when it moves no money."""
    post_documents(session, {source_type: [document.id]})
    return session.execute(select(JournalEntry.id).where(JournalEntry.source_type == source_type,
                                                         JournalEntry.source_id == document.id)).scalar_one_or_none()


def post_all_unposted(session: Session) -> PostingSummary:
    """Every document without an entry, posted in one pass (after bulk loads that bypass the ORM), and every
    voided invoice's and bill's entry reversed."""
    wanted: dict[str, list[int] | None] = {"invoice": None, "payment": None, "payment_allocation": None,
                                           "delivery": None}
    voided: dict[str, list[int] | None] = {"invoice": None}
    if purchasing() is not None:
        wanted.update({"goods_receipt": None, "supplier_bill": None, "supplier_payment": None,
                       "supplier_allocation": None, "stock_adjustment": None})
        voided["supplier_bill"] = None
    return post_documents(session, wanted, voided=voided)
