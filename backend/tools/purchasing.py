"""The buying side: suppliers, purchase orders (drafted, approved above the threshold, sent), goods receipts into a
warehouse, supplier bills three-way matched against order and receipt, supplier payments, payables aging, and
reorder_stock, which drafts purchase orders from the restock list to each product's usual supplier.

The ledger posts receipts, bills and payments by itself after each flush (backend/accounting/hooks.py), so a
document and its lines are flushed together."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from sqlalchemy import func, select

from backend.errors import BusinessRuleViolation, NotFound, PermissionDenied, ValidationFailed
from backend.ledger import MissingFxRate, fx_rate
from backend.models import (Employee, GoodsReceipt, GoodsReceiptLine, Product, PurchaseOrder, PurchaseOrderLine,
                            StockLevel, StockMovement, Supplier, SupplierBill, SupplierBillLine, SupplierPayment,
                            SupplierPaymentAllocation, Warehouse)
from backend.money import HUNDRED, document_total, format_money, round_money
from backend.numbering import next_number
from backend.purchasing_rules import above_approval_threshold, match_bill_line, to_base
from backend.roles import PO_APPROVERS, allowed
from backend.semantic import rules
from backend.text import fold
from backend.tools.bounds import BoundedDate
from backend.tools.context import ToolContext
from backend.tools.invoices import AgingBucket
from backend.tools.lookup import (CLEAR_LEAD, find_by_number, match_products, match_suppliers, resolve_supplier,
                                  resolve_warehouse)
from backend.tools.quotes import _resolve_lines
from backend.tools.registry import register
from backend.tools.schema import ToolModel

ZERO = Decimal(0)
UNNUMBERED = "(assigned on confirmation)"
ON_ORDER_STATUSES = rules.ON_ORDER_STATUSES
RECEIVABLE_STATUSES = ("sent", "partially_received")
BILLABLE_STATUSES = ("sent", "partially_received", "received", "closed")
COST_PLACES = Decimal("0.0001")
# Far above any real purchase, and within what the Money columns hold on both backends (SQLite: ~9.2e14).
MAX_UNIT_COST = Decimal("1e12")
MAX_TOTAL = Decimal("1e14")
PurchaseOrderStatus = Literal["draft", "sent", "partially_received", "received", "closed", "cancelled"]


def _placeholder() -> str:
    # Unique, so a preview writes the rows (and meets the same constraints) without taking a real number.
    return f"PREVIEW-{uuid.uuid4().hex[:24]}"


def _number(ctx: ToolContext, doc_type: str) -> str:
    return _placeholder() if ctx.previewing else next_number(ctx.session, doc_type, ctx.today.year)


def _shown(ctx: ToolContext, number: str) -> str:
    return UNNUMBERED if ctx.previewing else number


def _rate(ctx: ToolContext, currency: str, on: date) -> Decimal:
    try:
        return fx_rate(ctx.session, currency, on, ctx.base_currency)
    except MissingFxRate:
        raise BusinessRuleViolation(f"There is no {currency} exchange rate on or before {on.isoformat()}.",
                                    hint="Ask finance to add the FX rate, then try again.") from None


def _not_future(ctx: ToolContext, day: date | None, what: str) -> date:
    if day is None:
        return ctx.today
    if day > ctx.today:
        raise ValidationFailed(f"{what} {day.isoformat()} is in the future.", hint="Give today's date or an earlier one.")
    return day


# ------------------------------------------------------------------------------------------------- suppliers
def open_bills(ctx: ToolContext, *, as_of: date, supplier_ids: list[int] | None = None):
    """(bill, open balance on `as_of`, aging bucket) of every bill with a balance then: the payables rules of
    backend.semantic.rules (open_bill_candidates, bill_open_balance, aging_bucket_sql)."""
    stmt = (select(SupplierBill, rules.bill_open_balance(as_of).label("balance"),
                   rules.aging_bucket_sql(SupplierBill.due_date, as_of).label("bucket"))
            .where(rules.open_bill_candidates(as_of)).order_by(SupplierBill.due_date, SupplierBill.id))
    if supplier_ids is not None:
        stmt = stmt.where(SupplierBill.supplier_id.in_(supplier_ids))
    return [(bill, balance, bucket) for bill, balance, bucket in ctx.session.execute(stmt) if balance > 0]


def _base(ctx: ToolContext, amount: Decimal, currency: str, rate: Decimal) -> Decimal:
    return to_base(amount, currency, rate, ctx.base_currency)


class FindSuppliersInput(ToolModel):
    query: str = Field(min_length=1, max_length=200, description="Supplier name or code (accents and typos are fine)")
    limit: int = Field(5, ge=1, le=50, description="How many suppliers at most")


class SupplierContactOut(ToolModel):
    name: str
    title: str | None = None
    email: str | None = None
    phone: str | None = None


class SupplierOut(ToolModel):
    code: str
    name: str
    score: float = Field(description="Match score 0-100; 100 is an exact code")
    currency: str
    payment_terms_days: int
    email: str | None = None
    phone: str | None = None
    active: bool
    contacts: list[SupplierContactOut]
    open_bills: int | None = Field(None, description="Bills with a balance (finance, manager, admin only)")
    open_payables_base: Decimal | None = Field(None, description="What we owe, base currency at the bills' rates "
                                                                 "(finance, manager, admin only)")


class FindSuppliersResult(ToolModel):
    query: str
    base_currency: str
    suppliers: list[SupplierOut]
    ambiguous: bool = Field(description="Several suppliers match about equally well: ask which one")


@register(kind="read")
def find_suppliers(ctx: ToolContext, params: FindSuppliersInput) -> FindSuppliersResult:
    """Find suppliers by name or code: terms, currency, contacts and (for finance) open payables."""
    matches = match_suppliers(ctx.session, params.query, limit=params.limit)
    owed: dict[int, list[Decimal]] = defaultdict(list)
    sees_payables = allowed("payables", ctx.role)
    if matches and sees_payables:
        for bill, balance, _ in open_bills(ctx, as_of=ctx.today, supplier_ids=[s.id for s, _ in matches]):
            owed[bill.supplier_id].append(_base(ctx, balance, bill.currency, bill.fx_rate))
    suppliers = [SupplierOut(
        code=s.code, name=s.name, score=score, currency=s.currency, payment_terms_days=s.payment_terms_days,
        email=s.email, phone=s.phone, active=s.active,
        contacts=[SupplierContactOut(name=c.name, title=c.title, email=c.email, phone=c.phone) for c in s.contacts],
        open_bills=len(owed[s.id]) if sees_payables else None,
        open_payables_base=sum(owed[s.id], ZERO) if sees_payables else None) for s, score in matches]
    ambiguous = len(suppliers) > 1 and suppliers[0].score < 100 and suppliers[0].score - suppliers[1].score < CLEAR_LEAD
    return FindSuppliersResult(query=params.query, base_currency=ctx.base_currency, suppliers=suppliers,
                               ambiguous=ambiguous)


# -------------------------------------------------------------------------------------------- purchase orders
class PurchaseOrderLineOut(ToolModel):
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_cost: Decimal = Field(description="In the order's currency")
    line_amount: Decimal
    received_quantity: int
    billed_quantity: int


class PurchaseOrderOut(ToolModel):
    number: str = Field(description=f"PO-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    status: PurchaseOrderStatus
    supplier_code: str
    supplier_name: str
    warehouse: str = Field(description="Warehouse code the goods are delivered to")
    order_date: date
    expected_date: date | None = None
    currency: str
    fx_rate: Decimal = Field(description="Units of base currency per unit of the order currency, on the order date")
    lines: list[PurchaseOrderLineOut]
    net_amount: Decimal
    tax_rate_pct: Decimal
    tax: Decimal
    total: Decimal = Field(description="VAT included, in the order currency")
    base_currency: str
    total_base: Decimal = Field(description="total in the base currency at the order's rate")
    needs_approval: bool = Field(description="total_base is above the approval threshold")
    approval_threshold: Decimal = Field(description="Base currency; above it a manager or admin approves")
    approved_by: str | None = None
    approved_at: datetime | None = None
    notes: str | None = None


def _po_out(ctx: ToolContext, po: PurchaseOrder, *, number: str | None = None) -> PurchaseOrderOut:
    session = ctx.session
    supplier = session.get(Supplier, po.supplier_id)
    warehouse = session.get(Warehouse, po.warehouse_id)
    products = {p.id: p for p in session.execute(
        select(Product).where(Product.id.in_({line.product_id for line in po.lines}))).scalars()}
    approver = session.get(Employee, po.approved_by_id) if po.approved_by_id else None
    return PurchaseOrderOut(
        number=number or po.number, status=po.status, supplier_code=supplier.code, supplier_name=supplier.name,
        warehouse=warehouse.code, order_date=po.order_date, expected_date=po.expected_date, currency=po.currency,
        fx_rate=po.fx_rate,
        lines=[PurchaseOrderLineOut(line_no=line.line_no, sku=products[line.product_id].sku,
                                    name=products[line.product_id].name, quantity=line.quantity,
                                    unit_cost=line.unit_cost, line_amount=line.line_amount,
                                    received_quantity=line.received_quantity or 0,
                                    billed_quantity=line.billed_quantity or 0) for line in po.lines],
        net_amount=po.net_amount, tax_rate_pct=po.tax_rate_pct, tax=po.tax_amount, total=po.total,
        base_currency=ctx.base_currency, total_base=_base(ctx, po.total, po.currency, po.fx_rate),
        needs_approval=po.needs_approval, approval_threshold=ctx.settings.purchasing.approval_threshold,
        approved_by=approver.name if approver else None, approved_at=po.approved_at, notes=po.notes)


def _default_cost(ctx: ToolContext, product: Product, currency: str) -> Decimal | None:
    """The catalogue unit cost in the supplier's currency (through the base currency, at today's rates)."""
    if product.unit_cost is None:
        return None
    if product.currency == currency:
        return product.unit_cost
    cross = _rate(ctx, product.currency, ctx.today) / _rate(ctx, currency, ctx.today)
    return round_money(product.unit_cost * cross, currency)


def needs_approval(ctx: ToolContext, total: Decimal, currency: str, rate: Decimal) -> bool:
    """The approval rule: a total (VAT included) in base currency above settings.purchasing.approval_threshold."""
    return above_approval_threshold(total, currency, rate, base_currency=ctx.base_currency,
                                    threshold=ctx.settings.purchasing.approval_threshold)


def draft_purchase_order(ctx: ToolContext, supplier: Supplier, warehouse: Warehouse,
                         lines: list[tuple[Product, int, Decimal]], *, expected_date: date | None = None,
                         notes: str | None = None) -> tuple[PurchaseOrder, str]:
    """A draft purchase order written and flushed (with a placeholder number in a preview); returns it and the
    number to show."""
    session = ctx.session
    if not supplier.active:
        raise BusinessRuleViolation(f"Supplier {supplier.code} ({supplier.name}) is inactive.",
                                    hint="Choose another supplier.")
    currency = supplier.currency
    rate = _rate(ctx, currency, ctx.today)
    po = PurchaseOrder(supplier_id=supplier.id, warehouse_id=warehouse.id, status="draft", order_date=ctx.today,
                       expected_date=expected_date, currency=currency, fx_rate=rate,
                       tax_rate_pct=ctx.company.tax_rate_pct, created_by_id=ctx.actor.id, notes=notes,
                       created_at=ctx.now)
    for line_no, (product, quantity, unit_cost) in enumerate(lines, start=1):
        po.lines.append(PurchaseOrderLine(line_no=line_no, product_id=product.id, quantity=quantity,
                                          unit_cost=unit_cost, line_amount=round_money(quantity * unit_cost, currency),
                                          received_quantity=0, billed_quantity=0))
    po.net_amount, po.tax_amount, po.total = document_total([line.line_amount for line in po.lines],
                                                            po.tax_rate_pct, currency)
    _refuse_huge(po.total, currency)
    po.needs_approval = needs_approval(ctx, po.total, currency, rate)
    number = _number(ctx, "purchase_order")
    po.number = number
    session.add(po)
    session.flush()
    return po, _shown(ctx, number)


def _refuse_huge(total: Decimal, currency: str) -> None:
    if total > MAX_TOTAL:
        raise ValidationFailed(f"A total of {format_money(total, currency)} is beyond what one document can hold.",
                               hint="Check the quantities and unit costs.")


def _warehouse(ctx: ToolContext, reference: str | None) -> Warehouse:
    if reference:
        return resolve_warehouse(ctx.session, reference)
    houses = ctx.session.execute(select(Warehouse).order_by(Warehouse.code).limit(2)).scalars().all()
    if len(houses) == 1:
        return houses[0]
    if not houses:
        raise BusinessRuleViolation("There is no warehouse to deliver to.", hint="An admin adds warehouses first.")
    raise ValidationFailed("Which warehouse should the goods go to?", hint="Give the warehouse code.")


class PurchaseLineInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name")
    quantity: int = Field(gt=0, le=10_000_000, description="Units to order")
    unit_cost: Decimal | None = Field(None, ge=0, le=MAX_UNIT_COST, decimal_places=4,
                                      description="In the supplier's currency; default the catalogue cost")


class CreatePurchaseOrderInput(ToolModel):
    supplier: str = Field(min_length=1, max_length=200, description="Supplier code or name")
    lines: list[PurchaseLineInput] = Field(min_length=1, max_length=50, description="1 to 50 lines")
    warehouse: str | None = Field(None, max_length=120, description="Warehouse code; needed when there are several")
    expected_date: BoundedDate | None = Field(None, description="When the goods are expected")
    notes: str | None = Field(None, max_length=2000)


class PurchaseOrderResult(ToolModel):
    purchase_order: PurchaseOrderOut
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _create_summary(params: CreatePurchaseOrderInput, result: PurchaseOrderResult) -> str:
    po = result.purchase_order
    text = (f"Draft purchase order to {po.supplier_name}: {len(po.lines)} line{'s' if len(po.lines) != 1 else ''}, "
            f"total {format_money(po.total, po.currency)}")
    return text + (" (needs a manager's approval before it is sent)" if po.needs_approval else "")


@register(kind="write", summarize=_create_summary)
def create_purchase_order(ctx: ToolContext, params: CreatePurchaseOrderInput) -> PurchaseOrderResult:
    """Draft a purchase order to a supplier in its currency (needs confirmation); send it with approve_purchase_order."""
    supplier = resolve_supplier(ctx.session, params.supplier)
    warehouse = _warehouse(ctx, params.warehouse)
    products = _resolve_lines(ctx, [line.product for line in params.lines])
    lines = []
    for line_no, (product, line) in enumerate(zip(products, params.lines), start=1):
        if not product.active:
            raise BusinessRuleViolation(f"Line {line_no}: {product.sku} ({product.name}) is inactive.",
                                        hint="Remove the line.")
        cost = line.unit_cost if line.unit_cost is not None else _default_cost(ctx, product, supplier.currency)
        if cost is None:
            raise ValidationFailed(f"Line {line_no}: {product.sku} has no catalogue cost.",
                                   hint="Give the line's unit_cost.")
        lines.append((product, line.quantity, cost))
    notes = params.notes.strip() if params.notes and params.notes.strip() else None
    po, number = draft_purchase_order(ctx, supplier, warehouse, lines, expected_date=params.expected_date, notes=notes)
    return PurchaseOrderResult(purchase_order=_po_out(ctx, po, number=number), created=not ctx.previewing)


def _load_po(ctx: ToolContext, reference: str) -> PurchaseOrder:
    """The purchase order locked for update (two receipts or bills against it run one after the other)."""
    found = find_by_number(ctx.session, PurchaseOrder, reference)
    if found is None:
        raise NotFound(f"There is no purchase order {reference.strip()}.", hint="Check the number (PO-YYYY-NNNNNN).")
    return ctx.session.execute(select(PurchaseOrder).where(PurchaseOrder.id == found.id).with_for_update()
                               .execution_options(populate_existing=True)).scalar_one()


class ApprovePurchaseOrderInput(ToolModel):
    purchase_order: str = Field(min_length=1, max_length=40, description="Purchase order number, e.g. PO-2026-000012")
    note: str | None = Field(None, max_length=1000, description="Kept on the order")


class ApprovePurchaseOrderResult(ToolModel):
    purchase_order: PurchaseOrderOut
    sent: bool = Field(description="False in a preview: nothing has been written yet")


def _approve_summary(params: ApprovePurchaseOrderInput, result: ApprovePurchaseOrderResult) -> str:
    po = result.purchase_order
    verb = "Approve and send" if po.needs_approval else "Send"
    return f"{verb} purchase order {po.number} to {po.supplier_name} ({format_money(po.total, po.currency)})"


@register(kind="write", summarize=_approve_summary)
def approve_purchase_order(ctx: ToolContext, params: ApprovePurchaseOrderInput) -> ApprovePurchaseOrderResult:
    """Send a draft purchase order; above the approval threshold only a manager or admin can (approving it)."""
    po = _load_po(ctx, params.purchase_order)
    if po.status != "draft":
        raise BusinessRuleViolation(f"Purchase order {po.number} is {po.status.replace('_', ' ')}; only drafts are "
                                    "sent.", hint="Nothing to send.")
    # The threshold in force now decides, not the one when the draft was written.
    po.needs_approval = needs_approval(ctx, po.total, po.currency, po.fx_rate)
    if po.needs_approval:
        if ctx.role not in PO_APPROVERS:
            threshold = format_money(ctx.settings.purchasing.approval_threshold, ctx.base_currency)
            total = format_money(_base(ctx, po.total, po.currency, po.fx_rate), ctx.base_currency)
            raise PermissionDenied(f"Purchase order {po.number} totals {total}, above the approval threshold of "
                                   f"{threshold}: a manager or admin must approve it.",
                                   hint="Ask a manager to approve it with approve_purchase_order.")
        po.approved_by_id = ctx.actor.id
        po.approved_at = ctx.now
    if params.note and params.note.strip():
        entry = f"{'Approved' if po.needs_approval else 'Sent'} by {ctx.actor.name} on {ctx.today.isoformat()}: " \
                f"{params.note.strip()}"
        po.notes = f"{po.notes}\n{entry}" if po.notes else entry
    po.status = "sent"
    ctx.session.flush()
    return ApprovePurchaseOrderResult(purchase_order=_po_out(ctx, po), sent=not ctx.previewing)


# ----------------------------------------------------------------------------------------------- receipts
class ReceiptLineInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name on the order")
    quantity: int = Field(gt=0, le=10_000_000, description="Units received")


class ReceiveGoodsInput(ToolModel):
    purchase_order: str = Field(min_length=1, max_length=40, description="Purchase order number")
    lines: list[ReceiptLineInput] | None = Field(None, max_length=50,
                                                 description="What arrived; omit to receive everything outstanding")
    warehouse: str | None = Field(None, max_length=120, description="Warehouse code; default the order's")
    received_on: BoundedDate | None = Field(None, description="Default today")


class ReceiptLineOut(ToolModel):
    sku: str
    quantity: int
    unit_cost: Decimal = Field(description="The order's unit cost, in its currency")
    ordered: int
    received_total: int = Field(description="Received on this order line so far, this receipt included")


class ReceiveGoodsResult(ToolModel):
    receipt_number: str = Field(description=f"GR-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    purchase_order: str
    status: PurchaseOrderStatus = Field(description="The order's status after the receipt")
    warehouse: str
    received_on: date
    currency: str
    lines: list[ReceiptLineOut]
    value_base: Decimal = Field(description="What the receipt adds to inventory, base currency")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _receive_summary(params: ReceiveGoodsInput, result: ReceiveGoodsResult) -> str:
    units = sum(line.quantity for line in result.lines)
    return f"Receive {units} units against {result.purchase_order} into {result.warehouse} (order {result.status})"


def _line_for(po: PurchaseOrder, product: Product, line_no: int, remaining) -> list[PurchaseOrderLine]:
    lines = [line for line in po.lines if line.product_id == product.id]
    if not lines:
        raise BusinessRuleViolation(f"Line {line_no}: {product.sku} is not on purchase order {po.number}.",
                                    hint="The order lists " + ", ".join(
                                        sorted({line.product.sku for line in po.lines})) + ".")
    return sorted(lines, key=lambda line: (remaining(line) <= 0, line.line_no))


def lock_stock_level(ctx: ToolContext, product_id: int, warehouse_id: int, *, create: bool) -> StockLevel | None:
    level = ctx.session.execute(select(StockLevel).where(StockLevel.product_id == product_id,
                                                         StockLevel.warehouse_id == warehouse_id)
                                .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if level is None and create:
        level = StockLevel(product_id=product_id, warehouse_id=warehouse_id, quantity=0, reserved=0, reorder_level=0)
        ctx.session.add(level)
        ctx.session.flush()
    return level


@register(kind="write", summarize=_receive_summary)
def receive_goods(ctx: ToolContext, params: ReceiveGoodsInput) -> ReceiveGoodsResult:
    """Record goods received against a sent purchase order (partial or full): stock and stock movements go up."""
    session = ctx.session
    po = _load_po(ctx, params.purchase_order)
    if po.status not in RECEIVABLE_STATUSES:
        hint = "Send it first with approve_purchase_order." if po.status == "draft" else "Nothing is outstanding."
        raise BusinessRuleViolation(f"Purchase order {po.number} is {po.status.replace('_', ' ')}; goods are received "
                                    "against sent orders only.", hint=hint)
    received_on = _not_future(ctx, params.received_on, "Received on")
    if received_on < po.order_date:
        raise ValidationFailed(f"Received on {received_on.isoformat()} is before the order date "
                               f"{po.order_date.isoformat()}.", hint="Check the date.")
    warehouse = resolve_warehouse(session, params.warehouse) if params.warehouse else session.get(Warehouse, po.warehouse_id)

    def outstanding(line: PurchaseOrderLine) -> int:
        return line.quantity - line.received_quantity

    taken: dict[int, int] = defaultdict(int)  # purchase order line id -> units in this receipt
    if params.lines is None:
        for line in po.lines:
            if outstanding(line) > 0:
                taken[line.id] = outstanding(line)
        if not taken:
            raise BusinessRuleViolation(f"Everything on {po.number} has been received.", hint="Nothing to receive.")
    else:
        products = _resolve_lines(ctx, [line.product for line in params.lines])
        for line_no, (product, wanted) in enumerate(zip(products, params.lines), start=1):
            left = wanted.quantity
            candidates = _line_for(po, product, line_no, lambda l: outstanding(l) - taken[l.id])
            for line in candidates:
                take = min(left, outstanding(line) - taken[line.id])
                if take > 0:
                    taken[line.id] += take
                    left -= take
            if left > 0:
                still = sum(outstanding(line) - taken[line.id] for line in candidates) + wanted.quantity - left
                raise BusinessRuleViolation(
                    f"Line {line_no}: {wanted.quantity} units of {product.sku} is more than the {still} still "
                    f"outstanding on {po.number}.",
                    hint="Receive at most what is outstanding; extra units need a new purchase order.")
    by_id = {line.id: line for line in po.lines}
    number = _number(ctx, "receipt")
    receipt = GoodsReceipt(number=number, purchase_order_id=po.id, warehouse_id=warehouse.id, received_on=received_on,
                           created_by_id=ctx.actor.id, created_at=ctx.now)
    for line_id, quantity in taken.items():
        line = by_id[line_id]
        receipt.lines.append(GoodsReceiptLine(purchase_order_line_id=line.id, product_id=line.product_id,
                                              quantity=quantity, unit_cost=line.unit_cost))
        line.received_quantity += quantity
    po.status = "received" if all(outstanding(line) == 0 for line in po.lines) else "partially_received"
    session.add(receipt)
    session.flush()  # the receipt and its lines in one flush: the ledger posts them together
    value_base = ZERO
    for receipt_line in receipt.lines:
        level = lock_stock_level(ctx, receipt_line.product_id, warehouse.id, create=True)
        level.quantity += receipt_line.quantity
        unit_base = (receipt_line.unit_cost * po.fx_rate).quantize(COST_PLACES)
        value_base += round_money(receipt_line.quantity * receipt_line.unit_cost * po.fx_rate, ctx.base_currency)
        session.add(StockMovement(product_id=receipt_line.product_id, warehouse_id=warehouse.id, moved_on=received_on,
                                  quantity=receipt_line.quantity, kind="receipt", unit_cost=unit_base,
                                  source_type="goods_receipt", source_id=receipt.id, created_by_id=ctx.actor.id,
                                  created_at=ctx.now))
    session.flush()
    skus = dict(session.execute(select(Product.id, Product.sku).where(
        Product.id.in_({line.product_id for line in receipt.lines}))).all())
    return ReceiveGoodsResult(
        receipt_number=_shown(ctx, number), purchase_order=po.number, status=po.status, warehouse=warehouse.code,
        received_on=received_on, currency=po.currency,
        lines=[ReceiptLineOut(sku=skus[line.product_id], quantity=line.quantity, unit_cost=line.unit_cost,
                              ordered=by_id[line.purchase_order_line_id].quantity,
                              received_total=by_id[line.purchase_order_line_id].received_quantity)
               for line in receipt.lines],
        value_base=value_base, created=not ctx.previewing)


# ------------------------------------------------------------------------------------------------- bills
class BillLineInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name on the order")
    quantity: int = Field(gt=0, le=10_000_000, description="Units billed")
    unit_cost: Decimal = Field(ge=0, le=MAX_UNIT_COST, decimal_places=4, description="Billed unit cost, order currency")


class RecordSupplierBillInput(ToolModel):
    purchase_order: str = Field(min_length=1, max_length=40, description="Purchase order number the bill is for")
    supplier_reference: str = Field(min_length=1, max_length=80, description="The supplier's own invoice number")
    lines: list[BillLineInput] | None = Field(None, max_length=50,
                                              description="As billed; omit to bill what was received and not yet billed "
                                                          "at the order's costs")
    bill_date: BoundedDate | None = Field(None, description="Default today")
    due_date: BoundedDate | None = Field(None, description="Default bill date + the supplier's terms")
    tax_amount: Decimal | None = Field(None, ge=0, le=MAX_TOTAL, decimal_places=4,
                                       description="VAT on the bill; default at the order's VAT rate")


class BillLineOut(ToolModel):
    sku: str
    quantity: int
    unit_cost: Decimal
    line_amount: Decimal
    ordered_unit_cost: Decimal
    quantity_difference: int = Field(description="Units billed beyond those received and not billed before")
    price_difference: Decimal = Field(description="Billed unit cost minus the order's")


class SupplierBillResult(ToolModel):
    number: str = Field(description=f"BILL-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    supplier_reference: str
    supplier_code: str
    supplier_name: str
    purchase_order: str
    bill_date: date
    due_date: date
    currency: str
    fx_rate: Decimal
    lines: list[BillLineOut]
    net_amount: Decimal
    tax: Decimal
    total: Decimal
    match_status: Literal["matched", "exceptions"]
    exceptions: list[str] = Field(description="Why the bill does not match the order and the receipts")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _bill_summary(params: RecordSupplierBillInput, result: SupplierBillResult) -> str:
    text = (f"Record bill {result.supplier_reference} from {result.supplier_name} against {result.purchase_order}: "
            f"{format_money(result.total, result.currency)}, due {result.due_date.isoformat()}")
    return text + (f" — {len(result.exceptions)} match exception(s)" if result.exceptions else " (matched)")


@register(kind="write", summarize=_bill_summary)
def record_supplier_bill(ctx: ToolContext, params: RecordSupplierBillInput) -> SupplierBillResult:
    """Record a supplier's bill against a purchase order, three-way matched: quantities above received and prices off
    the order are flagged."""
    session = ctx.session
    po = _load_po(ctx, params.purchase_order)
    if po.status not in BILLABLE_STATUSES:
        raise BusinessRuleViolation(f"Purchase order {po.number} is {po.status}; bills are recorded against sent "
                                    "orders.", hint="Send the order first." if po.status == "draft" else None)
    supplier = session.get(Supplier, po.supplier_id)
    reference = params.supplier_reference.strip()
    duplicate = session.execute(select(SupplierBill.number).where(SupplierBill.supplier_id == supplier.id,
                                                                  SupplierBill.supplier_reference == reference)).scalar()
    if duplicate:
        raise BusinessRuleViolation(f"{supplier.name}'s invoice {reference} is already recorded as {duplicate}.",
                                    hint="A bill recorded twice would be paid twice; check the supplier's number.")
    bill_date = _not_future(ctx, params.bill_date, "Bill date")
    due_date = params.due_date or bill_date + timedelta(days=supplier.payment_terms_days)
    if due_date < bill_date:
        raise ValidationFailed(f"Due date {due_date.isoformat()} is before the bill date {bill_date.isoformat()}.",
                               hint="Check the dates.")

    def unbilled(line: PurchaseOrderLine) -> int:
        return max(line.received_quantity - line.billed_quantity, 0)

    billed: list[tuple[PurchaseOrderLine, int, Decimal]] = []
    if params.lines is None:
        billed = [(line, unbilled(line), line.unit_cost) for line in po.lines if unbilled(line) > 0]
        if not billed:
            raise BusinessRuleViolation(f"Nothing on {po.number} is received and not yet billed.",
                                        hint="Give the bill's lines as the supplier wrote them.")
    else:
        products = _resolve_lines(ctx, [line.product for line in params.lines])
        for line_no, (product, given) in enumerate(zip(products, params.lines), start=1):
            candidates = _line_for(po, product, line_no, unbilled)
            billed.append((candidates[0], given.quantity, given.unit_cost))
    currency = po.currency
    rate = _rate(ctx, currency, bill_date)
    skus = dict(session.execute(select(Product.id, Product.sku).where(
        Product.id.in_({line.product_id for line, _, _ in billed}))).all())
    exceptions: list[str] = []
    bill_lines: list[SupplierBillLine] = []
    for line_no, (line, quantity, unit_cost) in enumerate(billed, start=1):
        match = match_bill_line(line_no=line_no, sku=skus[line.product_id], quantity=quantity, unit_cost=unit_cost,
                                ordered=line.quantity, received=line.received_quantity,
                                billed_before=line.billed_quantity, ordered_unit_cost=line.unit_cost, currency=currency)
        exceptions.extend(match.exceptions)
        line.billed_quantity += quantity
        bill_lines.append(SupplierBillLine(purchase_order_line_id=line.id, product_id=line.product_id, quantity=quantity,
                                           unit_cost=unit_cost, line_amount=round_money(quantity * unit_cost, currency),
                                           quantity_difference=match.quantity_difference,
                                           price_difference=match.price_difference))
    net = round_money(sum((line.line_amount for line in bill_lines), ZERO), currency)
    tax = (round_money(params.tax_amount, currency) if params.tax_amount is not None
           else round_money(net * po.tax_rate_pct / HUNDRED, currency))
    _refuse_huge(net + tax, currency)
    number = _number(ctx, "bill")
    bill = SupplierBill(number=number, supplier_reference=reference, supplier_id=supplier.id, purchase_order_id=po.id,
                        bill_date=bill_date, due_date=due_date, currency=currency, fx_rate=rate, net_amount=net,
                        tax_amount=tax, total=net + tax, status="open",
                        match_status="exceptions" if exceptions else "matched", created_by_id=ctx.actor.id,
                        created_at=ctx.now)
    bill.lines = bill_lines
    session.add(bill)
    session.flush()  # the bill and its lines in one flush: the ledger posts them together
    return SupplierBillResult(
        number=_shown(ctx, number), supplier_reference=reference, supplier_code=supplier.code,
        supplier_name=supplier.name, purchase_order=po.number, bill_date=bill_date, due_date=due_date,
        currency=currency, fx_rate=rate,
        lines=[BillLineOut(sku=skus[line.product_id], quantity=bl.quantity, unit_cost=bl.unit_cost,
                           line_amount=bl.line_amount, ordered_unit_cost=line.unit_cost,
                           quantity_difference=bl.quantity_difference, price_difference=bl.price_difference)
               for (line, _, _), bl in zip(billed, bill_lines)],
        net_amount=net, tax=tax, total=bill.total, match_status=bill.match_status, exceptions=exceptions,
        created=not ctx.previewing)


# ---------------------------------------------------------------------------------------------- payments
class PaymentAllocationInput(ToolModel):
    bill: str = Field(min_length=1, max_length=40, description="Our bill number (BILL-…)")
    amount: Decimal | None = Field(None, gt=0, le=MAX_TOTAL, decimal_places=4,
                                   description="Amount to apply, bill currency; default its open balance")


class RecordSupplierPaymentInput(ToolModel):
    bills: list[PaymentAllocationInput] = Field(min_length=1, max_length=50, description="Bills paid (one supplier)")
    paid_on: BoundedDate | None = Field(None, description="Default today")
    method: str | None = Field(None, max_length=40, description="e.g. bank transfer")
    reference: str | None = Field(None, max_length=80, description="Bank reference")
    pay_exceptions: bool = Field(False, description="Also pay bills whose three-way match has exceptions (checked)")

    @model_validator(mode="after")
    def _distinct_bills(self):
        numbers = [entry.bill.strip().upper() for entry in self.bills]
        if len(set(numbers)) != len(numbers):
            raise ValueError("each bill may appear once")
        return self


class PaidBillOut(ToolModel):
    number: str
    supplier_reference: str
    applied: Decimal
    open_before: Decimal
    open_after: Decimal
    status: Literal["open", "paid"]


class SupplierPaymentResult(ToolModel):
    number: str = Field(description=f"SPAY-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    supplier_code: str
    supplier_name: str
    paid_on: date
    currency: str
    amount: Decimal
    fx_rate: Decimal
    amount_base: Decimal
    bills: list[PaidBillOut]
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _payment_summary(params: RecordSupplierPaymentInput, result: SupplierPaymentResult) -> str:
    paid = sum(1 for bill in result.bills if bill.status == "paid")
    return (f"Pay {result.supplier_name} {format_money(result.amount, result.currency)} against "
            f"{len(result.bills)} bill(s) ({paid} settled in full)")


@register(kind="write", summarize=_payment_summary)
def record_supplier_payment(ctx: ToolContext, params: RecordSupplierPaymentInput) -> SupplierPaymentResult:
    """Record a payment to a supplier against one or more of its open bills; refuses to pay more than a bill owes."""
    session = ctx.session
    paid_on = _not_future(ctx, params.paid_on, "Paid on")
    bills: list[SupplierBill] = []
    for entry in params.bills:
        found = find_by_number(session, SupplierBill, entry.bill)
        if found is None:
            raise NotFound(f"There is no bill {entry.bill.strip()}.", hint="Use our bill number (BILL-YYYY-NNNNNN); "
                                                                           "payables lists the open ones.")
        bills.append(session.execute(select(SupplierBill).where(SupplierBill.id == found.id).with_for_update()
                                     .execution_options(populate_existing=True)).scalar_one())
    suppliers = {bill.supplier_id for bill in bills}
    currencies = {bill.currency for bill in bills}
    if len(suppliers) > 1:
        raise ValidationFailed("One payment pays one supplier's bills; these bills are from several suppliers.",
                               hint="Record one payment per supplier.")
    if len(currencies) > 1:
        raise ValidationFailed("These bills are in different currencies: " + ", ".join(sorted(currencies)) + ".",
                               hint="Record one payment per currency.")
    supplier = session.get(Supplier, suppliers.pop())
    currency = currencies.pop()
    balances = dict(session.execute(select(SupplierBill.id, rules.bill_open_balance()).where(
        SupplierBill.id.in_([bill.id for bill in bills]))).all())
    plan: list[tuple[SupplierBill, Decimal, Decimal]] = []
    for bill, entry in zip(bills, params.bills):
        if bill.status != "open":
            raise BusinessRuleViolation(f"Bill {bill.number} is {bill.status}; only open bills can be paid.",
                                        hint="Remove it from the payment.")
        if bill.match_status == "exceptions" and not params.pay_exceptions:
            raise BusinessRuleViolation(f"Bill {bill.number} has three-way match exceptions (billed above received, "
                                        "or prices off the order).",
                                        hint="Check it with the supplier; to pay it anyway, set pay_exceptions.")
        open_before = balances[bill.id]
        amount = round_money(entry.amount, currency) if entry.amount is not None else open_before
        if amount <= 0:
            raise BusinessRuleViolation(f"Bill {bill.number} has nothing open.", hint="Remove it from the payment.")
        if amount > open_before:
            raise BusinessRuleViolation(
                f"Overpayment: {format_money(amount, currency)} is more than the {format_money(open_before, currency)} "
                f"still open on bill {bill.number} ({bill.supplier_reference}).",
                hint=f"Pay at most {format_money(open_before, currency)} on it.")
        plan.append((bill, amount, open_before))
    rate = _rate(ctx, currency, paid_on)
    total = sum((amount for _, amount, _ in plan), ZERO)
    number = _number(ctx, "supplier_payment")
    payment = SupplierPayment(number=number, supplier_id=supplier.id, paid_on=paid_on, amount=total, currency=currency,
                              fx_rate=rate, method=params.method, reference=params.reference,
                              created_by_id=ctx.actor.id, created_at=ctx.now)
    payment.allocations = [SupplierPaymentAllocation(bill_id=bill.id, amount=amount) for bill, amount, _ in plan]
    session.add(payment)
    session.flush()  # the payment and its allocations in one flush: the ledger posts them together
    out = []
    for bill, amount, open_before in plan:
        if open_before - amount <= 0:
            bill.status = "paid"
        out.append(PaidBillOut(number=bill.number, supplier_reference=bill.supplier_reference, applied=amount,
                               open_before=open_before, open_after=open_before - amount, status=bill.status))
    session.flush()
    return SupplierPaymentResult(number=_shown(ctx, number), supplier_code=supplier.code, supplier_name=supplier.name,
                                 paid_on=paid_on, currency=currency, amount=total, fx_rate=rate,
                                 amount_base=_base(ctx, total, currency, rate), bills=out, created=not ctx.previewing)


# ---------------------------------------------------------------------------------------------- payables
class PayablesInput(ToolModel):
    supplier: str | None = Field(None, max_length=200, description="One supplier (code or name), with its bills")
    as_of: BoundedDate | None = Field(None, description="Default today")
    limit: int = Field(20, ge=1, le=200, description="Suppliers to list, largest balance first")


class AgingOut(ToolModel):
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_91_plus: Decimal = ZERO


class OpenBillOut(ToolModel):
    number: str
    supplier_reference: str
    bill_date: date
    due_date: date
    currency: str
    total: Decimal
    open_balance: Decimal
    open_balance_base: Decimal
    days_overdue: int
    aging_bucket: AgingBucket
    match_status: Literal["matched", "exceptions"]


class SupplierPayablesOut(ToolModel):
    code: str
    name: str
    open_bills: int
    open_balance_base: Decimal
    aging: AgingOut = Field(description="Open balance by days past due, base currency")


class PayablesResult(ToolModel):
    as_of: date
    base_currency: str
    total_open_base: Decimal = Field(description="What we owe suppliers, base currency at the bills' rates")
    aging: AgingOut
    suppliers: list[SupplierPayablesOut] = Field(description="Largest balance first")
    total_suppliers: int
    bills: list[OpenBillOut] = Field(default_factory=list, description="The one supplier's open bills, oldest due first")


@register(kind="read")
def payables(ctx: ToolContext, params: PayablesInput) -> PayablesResult:
    """What we owe suppliers: open bills minus payments, per supplier, aged by days past due (AP aging)."""
    session = ctx.session
    as_of = params.as_of or ctx.today
    supplier = resolve_supplier(ctx.session, params.supplier) if params.supplier else None
    rows = open_bills(ctx, as_of=as_of, supplier_ids=[supplier.id] if supplier else None)
    total, overall = ZERO, AgingOut()
    per: dict[int, SupplierPayablesOut] = {}
    names = {s.id: s for s in session.execute(select(Supplier).where(
        Supplier.id.in_({bill.supplier_id for bill, _, _ in rows}))).scalars()} if rows else {}
    bills = []
    for bill, balance, bucket in rows:
        base = _base(ctx, balance, bill.currency, bill.fx_rate)
        total += base
        setattr(overall, bucket, getattr(overall, bucket) + base)
        s = names[bill.supplier_id]
        entry = per.setdefault(s.id, SupplierPayablesOut(code=s.code, name=s.name, open_bills=0,
                                                         open_balance_base=ZERO, aging=AgingOut()))
        entry.open_bills += 1
        entry.open_balance_base += base
        setattr(entry.aging, bucket, getattr(entry.aging, bucket) + base)
        if supplier is not None:
            bills.append(OpenBillOut(number=bill.number, supplier_reference=bill.supplier_reference,
                                     bill_date=bill.bill_date, due_date=bill.due_date, currency=bill.currency,
                                     total=bill.total, open_balance=balance, open_balance_base=base,
                                     days_overdue=max((as_of - bill.due_date).days, 0), aging_bucket=bucket,
                                     match_status=bill.match_status))
    ranked = sorted(per.values(), key=lambda s: (-s.open_balance_base, s.code))
    if supplier is not None and not ranked:
        ranked = [SupplierPayablesOut(code=supplier.code, name=supplier.name, open_bills=0, open_balance_base=ZERO,
                                      aging=AgingOut())]
    return PayablesResult(as_of=as_of, base_currency=ctx.base_currency, total_open_base=total, aging=overall,
                          suppliers=ranked[:params.limit], total_suppliers=len(ranked), bills=bills)


# --------------------------------------------------------------------------------------------- reordering
class ReorderStockInput(ToolModel):
    warehouse: str | None = Field(None, max_length=120, description="Only this warehouse (code); default all")
    product: str | None = Field(None, max_length=120, description="Only this category, product or SKU, e.g. 'paper'")


class ReorderSkipped(ToolModel):
    sku: str
    warehouse: str
    shortfall: int
    reason: str


class ReorderStockResult(ToolModel):
    purchase_orders: list[PurchaseOrderOut] = Field(description="Drafts, one per usual supplier and warehouse")
    skipped: list[ReorderSkipped] = Field(description="Rows below reorder level that were not ordered, and why")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _reorder_summary(params: ReorderStockInput, result: ReorderStockResult) -> str:
    orders = result.purchase_orders
    if not orders:
        return "Nothing to reorder" + (f" ({len(result.skipped)} row(s) skipped)" if result.skipped else "")
    return (f"Draft {len(orders)} purchase order(s) to " + ", ".join(po.supplier_name for po in orders)
            + (f"; {len(result.skipped)} row(s) skipped" if result.skipped else ""))


def _on_order(ctx: ToolContext) -> dict[tuple[int, int], int]:
    """Units still coming per (product, warehouse): ordered minus received on drafts and open orders."""
    rows = ctx.session.execute(
        select(PurchaseOrderLine.product_id, PurchaseOrder.warehouse_id,
               func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.status.in_(ON_ORDER_STATUSES))
        .group_by(PurchaseOrderLine.product_id, PurchaseOrder.warehouse_id))
    return {(product_id, warehouse_id): int(units or 0) for product_id, warehouse_id, units in rows}


def _skus_named(session, phrase: str) -> set[str]:
    """The SKUs a phrase names: a whole category ("paper"), else the products whose name or SKU match it."""
    said = fold(phrase).strip()
    singular = said[:-1] if said.endswith("s") else said
    categories = {c for c in session.execute(select(Product.category).distinct()).scalars() if c}
    named = [c for c in categories if fold(c) in (said, singular)]
    if named:
        return set(session.execute(select(Product.sku).where(Product.category.in_(named))).scalars())
    skus = {product.sku for product, _ in match_products(session, phrase, limit=200)}
    if not skus:
        raise NotFound(f"No category or product matches '{phrase}'.",
                       hint="Name a category (" + ", ".join(sorted(categories)) + "), a product or a SKU.")
    return skus


@register(kind="write", summarize=_reorder_summary)
def reorder_stock(ctx: ToolContext, params: ReorderStockInput) -> ReorderStockResult:
    """Draft purchase orders for what is below its reorder level, to each product's usual supplier (needs confirmation)."""
    from backend.reports.inventory import restock
    from backend.reports.table import ReportRequest

    session = ctx.session
    only = resolve_warehouse(session, params.warehouse) if params.warehouse else None
    # The restock list is the report's: one definition of "below its reorder level".
    table = restock(session, ReportRequest(base_currency=ctx.base_currency, today=ctx.today, as_of=ctx.today))
    rows = [row for row in table.rows if only is None or row["warehouse"] == only.code]
    if params.product:
        wanted_skus = _skus_named(session, params.product)
        rows = [row for row in rows if row["sku"] in wanted_skus]
    products = {p.sku: p for p in session.execute(
        select(Product).where(Product.sku.in_({row["sku"] for row in rows}))).scalars()} if rows else {}
    houses = {w.code: w for w in session.execute(select(Warehouse)).scalars()}
    suppliers = {s.id: s for s in session.execute(select(Supplier).where(
        Supplier.id.in_({p.supplier_id for p in products.values() if p.supplier_id}))).scalars()} if products else {}
    coming = _on_order(ctx)
    groups: dict[tuple[int, int], list[tuple[Product, int, Decimal]]] = defaultdict(list)
    skipped = []
    for row in sorted(rows, key=lambda r: (r["warehouse"], r["sku"])):
        product, house = products[row["sku"]], houses[row["warehouse"]]
        on_order = coming.get((product.id, house.id), 0)
        wanted = row["shortfall"] - on_order
        reason = None
        if wanted <= 0:
            reason = f"{on_order} already on order"
        elif product.supplier_id is None:
            reason = "no usual supplier set"
        elif not suppliers[product.supplier_id].active:
            reason = f"usual supplier {suppliers[product.supplier_id].code} is inactive"
        else:
            cost = _default_cost(ctx, product, suppliers[product.supplier_id].currency)
            if cost is None:
                reason = "no catalogue cost"
            else:
                groups[(product.supplier_id, house.id)].append((product, wanted, cost))
        if reason:
            skipped.append(ReorderSkipped(sku=product.sku, warehouse=house.code, shortfall=row["shortfall"],
                                          reason=reason))
    if not groups:
        # Nothing to draft: say why instead of asking someone to confirm an empty write.
        reasons = "; ".join(f"{s.sku} at {s.warehouse}: {s.reason}" for s in skipped[:6])
        more = f" and {len(skipped) - 6} more" if len(skipped) > 6 else ""
        raise BusinessRuleViolation(
            "Nothing to reorder" + (f": {reasons}{more}." if skipped else ": nothing is below its reorder level."),
            hint="Set a usual supplier or a catalogue cost where one is missing, or wait for what is on order.")
    orders = []
    by_id = {w.id: w for w in houses.values()}
    for (supplier_id, warehouse_id), lines in sorted(groups.items(), key=lambda g: (suppliers[g[0][0]].code, g[0][1])):
        po, number = draft_purchase_order(ctx, suppliers[supplier_id], by_id[warehouse_id], lines,
                                          notes="Drafted by reorder_stock from the restock list.")
        orders.append(_po_out(ctx, po, number=number))
    return ReorderStockResult(purchase_orders=orders, skipped=skipped, created=not ctx.previewing)
