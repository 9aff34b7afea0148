"""Quotes and sales orders with their lines; amounts are stored net, in document and base currency."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Money, Percent, Rate, UTCDateTime, one_of, percent_range_checks, utcnow
from backend.models.catalog import Product
from backend.models.crm import Customer
from backend.models.org import Employee

QUOTE_STATUSES = ("open", "pending_approval", "approved", "rejected", "converted", "expired")
ORDER_STATUSES = ("draft", "confirmed", "shipped", "invoiced", "cancelled")


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (one_of("status", QUOTE_STATUSES), Index("ix_quotes_customer_status", "customer_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    approval_reasons: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    subtotal: Mapped[Decimal] = mapped_column(Money())
    tax_rate_pct: Mapped[Decimal] = mapped_column(Percent())
    tax_amount: Mapped[Decimal] = mapped_column(Money())
    total: Mapped[Decimal] = mapped_column(Money())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship()
    created_by: Mapped[Employee | None] = relationship(foreign_keys=[created_by_id])
    lines: Mapped[list["QuoteLine"]] = relationship(back_populates="quote", order_by="QuoteLine.line_no", cascade="all, delete-orphan")


class QuoteLine(Base):
    __tablename__ = "quote_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        *percent_range_checks("discount_pct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    list_price: Mapped[Decimal] = mapped_column(Money())
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal(0))
    line_amount: Mapped[Decimal] = mapped_column(Money())
    unit_cost: Mapped[Decimal | None] = mapped_column(Money())

    quote: Mapped[Quote] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class SalesOrder(Base):
    __tablename__ = "sales_orders"
    __table_args__ = (
        one_of("status", ORDER_STATUSES),
        Index("ix_sales_orders_customer_date", "customer_id", "order_date"),
        Index("ix_sales_orders_date_status", "order_date", "status"),
        # Covering index for the sales reports: a year of orders is summed without touching the table.
        Index("ix_sales_orders_report", "order_date", "status", "customer_id", "salesperson_id", "net_amount_base"),
        Index("ix_sales_orders_shipped_date", "shipped_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id", use_alter=True))
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    order_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(1))
    net_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    net_amount_base: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    required_date: Mapped[date | None] = mapped_column(Date)
    shipped_date: Mapped[date | None] = mapped_column(Date)
    ship_country: Mapped[str | None] = mapped_column(String(80))
    ship_city: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship()
    salesperson: Mapped[Employee | None] = relationship()
    lines: Mapped[list["SalesOrderLine"]] = relationship(back_populates="order", order_by="SalesOrderLine.line_no", cascade="all, delete-orphan")


class SalesOrderLine(Base):
    __tablename__ = "sales_order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        *percent_range_checks("discount_pct"),
        Index("ix_sales_order_lines_report", "order_id", "product_id", "quantity", "line_amount_base"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    discount_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal(0))
    line_amount: Mapped[Decimal] = mapped_column(Money())
    line_amount_base: Mapped[Decimal] = mapped_column(Money())
    unit_cost: Mapped[Decimal | None] = mapped_column(Money())

    order: Mapped[SalesOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
