"""Receivables: invoices, payments allocated to invoices, and FX rates by date."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Money, Rate, UTCDateTime, one_of, utcnow
from backend.models.crm import Customer

INVOICE_STATUSES = ("open", "paid", "void")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        one_of("status", INVOICE_STATUSES),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        Index("ix_invoices_customer_status", "customer_id", "status"),
        Index("ix_invoices_status_due", "status", "due_date"),
        # The semantic model's invoiced-in-a-period and payments-in-a-period figures read by date.
        Index("ix_invoices_issue_date", "issue_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(Rate(), default=Decimal(1))
    amount: Mapped[Decimal] = mapped_column(Money())
    # 'paid' is derived: the payment allocator sets it when allocations cover the amount.
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    customer: Mapped[Customer] = relationship()
    allocations: Mapped[list["PaymentAllocation"]] = relationship(back_populates="invoice")


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"), Index("ix_payments_paid_on", "paid_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    allocations: Mapped[list["PaymentAllocation"]] = relationship(back_populates="payment")


class PaymentAllocation(Base):
    __tablename__ = "payment_allocations"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(back_populates="allocations")


class FxRate(Base):
    """Units of the company's base currency for one unit of `currency`, valid from `rate_date`."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        UniqueConstraint("currency", "rate_date", name="uq_fx_rates_currency_date"),
        CheckConstraint("rate > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate_date: Mapped[date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(Rate())
