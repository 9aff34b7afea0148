"""Documents post themselves: after each flush, the invoices, payments (and their allocations), shipped orders,
receipts, stock adjustments, bills and supplier payments it wrote get their journal entries in the same transaction (and a voided
invoice or bill its reversal), so no writer has to remember the ledger. Bulk loads that bypass the ORM call
post_all_unposted. A shipped order can't be cancelled or set back (refused at the flush)."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Iterator

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation
from backend.models import Invoice, Payment, PaymentAllocation, SalesOrder, SalesOrderLine

PAUSED = "tandem.posting_paused"
SHIPPED = ("shipped", "invoiced")


def install_posting(target):
    """Post after every flush of sessions made by `target` (a sessionmaker, a Session class or one session);
    returns `target`."""
    if not event.contains(target, "after_flush", _after_flush):
        event.listen(target, "after_flush", _after_flush)
    return target


@contextmanager
def deferred_posting(session: Session) -> Iterator[None]:
    """Write many documents without posting each flush, then post them all at once (the bulk path)."""
    from backend.accounting.posting import post_all_unposted

    was = session.info.get(PAUSED, False)
    session.info[PAUSED] = True
    try:
        yield
        session.flush()
    finally:
        session.info[PAUSED] = was
    if not was:
        post_all_unposted(session)


def _status_became(obj, values: tuple[str, ...]) -> bool:
    history = inspect(obj).attrs.status.history
    return bool(history.added) and history.added[0] in values and not (history.deleted and history.deleted[0] in values)


@cache
def _purchasing_kinds() -> dict[type, tuple[str, str]]:
    """Purchasing classes -> (source type, attribute holding the document id); empty without purchasing."""
    from backend.accounting.posting import purchasing

    models = purchasing()
    if models is None:
        return {}
    return {models.GoodsReceipt: ("goods_receipt", "id"), models.GoodsReceiptLine: ("goods_receipt", "receipt_id"),
            models.SupplierBill: ("supplier_bill", "id"), models.SupplierBillLine: ("supplier_bill", "bill_id"),
            models.SupplierPayment: ("supplier_payment", "id"),
            models.SupplierPaymentAllocation: ("supplier_allocation", "id"),
            models.StockMovement: ("stock_adjustment", "id")}


def _refuse_unshipping(session: Session) -> None:
    """A shipped order stays shipped: its delivery took the goods out of stock and their cost into cost of goods sold,
    and no tool takes them back with the order. Cancelling it (or setting it back to confirmed or draft) would leave
    the delivery's entry, the stock movements and the cost book telling a different story from the order."""
    for obj in session.dirty:
        if not isinstance(obj, SalesOrder):
            continue
        history = inspect(obj).attrs.status.history
        if history.deleted and history.deleted[0] in SHIPPED and history.added and history.added[0] not in SHIPPED:
            raise BusinessRuleViolation(
                f"Order {obj.number} has shipped, so it can't be {history.added[0]}: its delivery already took the "
                "goods out of stock and their cost into cost of goods sold.",
                hint="Book goods that came back with adjust_stock and void the invoice (or issue a credit); the "
                     "order itself stays shipped.")


def _after_flush(session: Session, _flush_context) -> None:
    _refuse_unshipping(session)
    if session.info.get(PAUSED):
        return
    wanted: dict[str, set[int]] = {}
    voided: dict[str, set[int]] = {}
    purchasing_kinds = _purchasing_kinds()
    bill_class = next((cls for cls, kind in purchasing_kinds.items() if kind == ("supplier_bill", "id")), None)
    for obj in session.new:
        if isinstance(obj, Invoice):
            if obj.status != "void":
                wanted.setdefault("invoice", set()).add(obj.id)
        elif isinstance(obj, Payment):
            wanted.setdefault("payment", set()).add(obj.id)
        elif isinstance(obj, PaymentAllocation):
            wanted.setdefault("payment_allocation", set()).add(obj.id)
        elif isinstance(obj, SalesOrder):
            if obj.status in ("shipped", "invoiced"):
                wanted.setdefault("delivery", set()).add(obj.id)
        elif isinstance(obj, SalesOrderLine):
            # Lines flushed after their shipped order; the loader keeps only shipped orders.
            wanted.setdefault("delivery", set()).add(obj.order_id)
        else:
            kind = purchasing_kinds.get(type(obj))
            if kind == ("stock_adjustment", "id") and obj.kind != "adjustment":
                continue  # receipts and deliveries move stock through their own documents
            if kind is not None:
                wanted.setdefault(kind[0], set()).add(getattr(obj, kind[1]))
    for obj in session.dirty:
        if isinstance(obj, SalesOrder) and _status_became(obj, SHIPPED):
            wanted.setdefault("delivery", set()).add(obj.id)
        elif isinstance(obj, Invoice) and _status_became(obj, ("void",)):
            voided.setdefault("invoice", set()).add(obj.id)
        elif bill_class is not None and isinstance(obj, bill_class) and _status_became(obj, ("void",)):
            voided.setdefault("supplier_bill", set()).add(obj.id)
    if wanted or voided:
        from backend.accounting.posting import post_documents

        post_documents(session, {kind: sorted(ids) for kind, ids in wanted.items()},
                       voided={kind: sorted(ids) for kind, ids in voided.items()})
