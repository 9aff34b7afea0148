"""The buying side: suppliers, purchase orders, goods receipts, supplier bills (three-way matched), supplier
payments, and the stock movements that explain every change of on-hand stock line by line."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Money, Percent, Rate, UTCDateTime, one_of, utcnow
from backend.models.catalog import Product, Warehouse

PURCHASE_ORDER_STATUSES = ("draft", "sent", "partially_received", "received", "closed", "cancelled")
BILL_STATUSES = ("open", "paid", "void")
MATCH_STATUSES = ("matched", "exceptions")
MOVEMENT_KINDS = ("opening", "receipt", "delivery", "adjustment")


class Supplier(Base):
    __tablename__ = "suppliers"
    __table_args__ = (CheckConstraint("payment_terms_days >= 0", name="terms_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Folded name and code (backend.text.search_key), so fuzzy lookups run in SQL on both backends.
    search_key: Mapped[str] = mapped_column(String(400), index=True, default="")
    currency: Mapped[str] = mapped_column(String(3))
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    contacts: Mapped[list["SupplierContact"]] = relationship(back_populates="supplier", order_by="SupplierContact.id",
                                                             cascade="all, delete-orphan")


class SupplierContact(Base):
    __tablename__ = "supplier_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(120))

    supplier: Mapped[Supplier] = relationship(back_populates="contacts")


class PurchaseOrder(Base):
    """Amounts in the order's currency; `fx_rate` is units of base currency per unit of it on the order date."""

    __tablename__ = "purchase_orders"
    __table_args__ = (
        one_of("status", PURCHASE_ORDER_STATUSES),
        CheckConstraint("total >= 0", name="total_non_negative"),
        Index("ix_purchase_orders_supplier_date", "supplier_id", "order_date"),
        Index("ix_purchase_orders_date_status", "order_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    order_date: Mapped[date] = mapped_column(Date)
    expected_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(1))
    net_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    tax_rate_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal(0))
    tax_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # Above the approval threshold an order waits in draft until a manager or admin approves it.
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    supplier: Mapped[Supplier] = relationship()
    warehouse: Mapped[Warehouse] = relationship()
    lines: Mapped[list["PurchaseOrderLine"]] = relationship(back_populates="purchase_order",
                                                            order_by="PurchaseOrderLine.line_no",
                                                            cascade="all, delete-orphan")


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost >= 0", name="cost_non_negative"),
        CheckConstraint("received_quantity >= 0 AND received_quantity <= quantity", name="received_in_range"),
        CheckConstraint("billed_quantity >= 0", name="billed_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Money())
    line_amount: Mapped[Decimal] = mapped_column(Money())
    received_quantity: Mapped[int] = mapped_column(Integer, default=0)
    billed_quantity: Mapped[int] = mapped_column(Integer, default=0)

    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class GoodsReceipt(Base):
    """Goods received against a purchase order into its warehouse, valued at the order's cost and FX rate."""

    __tablename__ = "goods_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    received_on: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    purchase_order: Mapped[PurchaseOrder] = relationship()
    lines: Mapped[list["GoodsReceiptLine"]] = relationship(back_populates="receipt", order_by="GoodsReceiptLine.id",
                                                           cascade="all, delete-orphan")


class GoodsReceiptLine(Base):
    __tablename__ = "goods_receipt_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("goods_receipts.id", ondelete="CASCADE"), index=True)
    purchase_order_line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_lines.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Money())  # in the purchase order's currency

    receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines")


class SupplierBill(Base):
    """A supplier's invoice; `number` is ours (BILL-…), `supplier_reference` the supplier's own invoice number."""

    __tablename__ = "supplier_bills"
    __table_args__ = (
        one_of("status", BILL_STATUSES),
        one_of("match_status", MATCH_STATUSES),
        CheckConstraint("total >= 0", name="total_non_negative"),
        CheckConstraint("due_date >= bill_date", name="due_after_bill"),
        # The same supplier invoice recorded twice would be paid twice.
        UniqueConstraint("supplier_id", "supplier_reference", name="uq_supplier_bills_supplier_reference"),
        Index("ix_supplier_bills_status_due", "status", "due_date"),
        Index("ix_supplier_bills_bill_date", "bill_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_reference: Mapped[str] = mapped_column(String(80))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    purchase_order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    bill_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(1))
    net_amount: Mapped[Decimal] = mapped_column(Money())
    tax_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(Money())
    # 'paid' is derived: the payment allocator sets it when allocations cover the total.
    status: Mapped[str] = mapped_column(String(8), default="open")
    match_status: Mapped[str] = mapped_column(String(12), default="matched")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list["SupplierBillLine"]] = relationship(back_populates="bill", order_by="SupplierBillLine.id",
                                                           cascade="all, delete-orphan")
    allocations: Mapped[list["SupplierPaymentAllocation"]] = relationship(back_populates="bill")


class SupplierBillLine(Base):
    """One billed line and how it matches: `quantity_difference` is the units billed beyond those received and not
    billed before (0 when within), `price_difference` the bill's unit cost minus the order's (0 when equal)."""

    __tablename__ = "supplier_bill_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost >= 0", name="cost_non_negative"),
        CheckConstraint("quantity_difference >= 0", name="quantity_difference_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bills.id", ondelete="CASCADE"), index=True)
    purchase_order_line_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order_lines.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[Decimal] = mapped_column(Money())
    line_amount: Mapped[Decimal] = mapped_column(Money())
    quantity_difference: Mapped[int] = mapped_column(Integer, default=0)
    price_difference: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))

    bill: Mapped[SupplierBill] = relationship(back_populates="lines")


class SupplierPayment(Base):
    __tablename__ = "supplier_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),
                      Index("ix_supplier_payments_paid_on", "paid_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(1))
    method: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    allocations: Mapped[list["SupplierPaymentAllocation"]] = relationship(back_populates="payment",
                                                                          cascade="all, delete-orphan")


class SupplierPaymentAllocation(Base):
    __tablename__ = "supplier_payment_allocations"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("supplier_payments.id", ondelete="CASCADE"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bills.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())  # in the bill's (and the payment's) currency

    payment: Mapped[SupplierPayment] = relationship(back_populates="allocations")
    bill: Mapped[SupplierBill] = relationship(back_populates="allocations")


class StockMovement(Base):
    """One change of a stock level: + in, - out. The movements of a product in a warehouse sum to its on-hand
    quantity. `unit_cost` is in the base currency: the receipt's cost, or the moving-average cost going out."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        one_of("kind", MOVEMENT_KINDS),
        CheckConstraint("quantity <> 0", name="quantity_non_zero"),
        CheckConstraint("unit_cost IS NULL OR unit_cost >= 0", name="cost_non_negative"),
        Index("ix_stock_movements_product_warehouse_date", "product_id", "warehouse_id", "moved_on"),
        Index("ix_stock_movements_source", "source_type", "source_id"),
        Index("ix_stock_movements_moved_on", "moved_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    moved_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    unit_cost: Mapped[Decimal | None] = mapped_column(Money())
    # What caused it: "goods_receipt", "sales_order", "adjustment", "opening" and that record's id.
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
