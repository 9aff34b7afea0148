"""Factories for suppliers, stock with its opening movement, and supplier bills written directly (for aging)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Product, StockLevel, StockMovement, Supplier, SupplierBill, SupplierContact, Warehouse
from backend.text import search_key

_seq = count(1)


def make_supplier(session: Session, *, name: str | None = None, code: str | None = None, currency: str = "VND",
                  payment_terms_days: int = 30, email: str | None = None, active: bool = True) -> Supplier:
    n = next(_seq)
    name = name or f"Supplier {n}"
    code = code or f"S{n:04d}"
    row = Supplier(code=code, name=name, search_key=search_key(name, code), currency=currency,
                   payment_terms_days=payment_terms_days, email=email, active=active)
    session.add(row)
    session.flush()
    return row


def make_supplier_contact(session: Session, *, supplier: Supplier, name: str = "Trần Thị Bình",
                          email: str | None = "binh@supplier.test", title: str | None = "Sales") -> SupplierContact:
    row = SupplierContact(supplier_id=supplier.id, name=name, email=email, title=title)
    session.add(row)
    session.flush()
    return row


def make_opening_stock(session: Session, *, product: Product, warehouse: Warehouse, quantity: int,
                       reorder_level: int | None = None, moved_on: date = date(2026, 11, 1)) -> StockLevel:
    """Sets the product's stock level in the warehouse and explains it with one opening movement."""
    level = session.execute(select(StockLevel).where(StockLevel.product_id == product.id,
                                                     StockLevel.warehouse_id == warehouse.id)).scalar_one_or_none()
    if level is None:
        level = StockLevel(product_id=product.id, warehouse_id=warehouse.id, quantity=0, reserved=0, reorder_level=0)
        session.add(level)
    level.quantity = quantity
    if reorder_level is not None:
        level.reorder_level = reorder_level
    if quantity:
        session.add(StockMovement(product_id=product.id, warehouse_id=warehouse.id, moved_on=moved_on,
                                  quantity=quantity, kind="opening", unit_cost=product.unit_cost,
                                  source_type="opening"))
    session.flush()
    return level


def make_bill(session: Session, *, supplier: Supplier, total: Decimal, bill_date: date = date(2026, 10, 1),
              due_days: int = 30, reference: str | None = None, number: str | None = None,
              fx_rate: Decimal = Decimal(1), match_status: str = "matched") -> SupplierBill:
    """A bill without an order (net = total, no VAT)."""
    n = next(_seq)
    row = SupplierBill(number=number or f"BILL-T-{n:06d}", supplier_reference=reference or f"INV-{n}",
                       supplier_id=supplier.id, bill_date=bill_date, due_date=bill_date + timedelta(days=due_days),
                       currency=supplier.currency, fx_rate=fx_rate, net_amount=total, tax_amount=Decimal(0),
                       total=total, status="open", match_status=match_status)
    session.add(row)
    session.flush()
    return row
