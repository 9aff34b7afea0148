"""The general ledger: chart of accounts, immutable journal entries and their lines, closed periods, and the
moving-average cost the ledger keeps per product."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Money, UTCDateTime, one_of, utcnow

ACCOUNT_KINDS = ("asset", "liability", "equity", "revenue", "expense")
NORMAL_SIDES = ("debit", "credit")
SOURCE_TYPES = ("invoice", "payment", "payment_allocation", "goods_receipt", "delivery", "supplier_bill",
                "supplier_payment", "supplier_allocation", "manual", "reversal", "opening", "stock_adjustment")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (one_of("kind", ACCOUNT_KINDS), one_of("normal_side", NORMAL_SIDES))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_vi: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    normal_side: Mapped[str] = mapped_column(String(6))
    # The stable key the posting rules use ("receivables", "vat_output", ...); accounts added by hand have none.
    role: Mapped[str | None] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        one_of("source_type", SOURCE_TYPES),
        # A document posts once; manual entries carry no source id and NULLs never collide.
        UniqueConstraint("source_type", "source_id", name="uq_journal_entries_source"),
        Index("ix_journal_entries_entry_date", "entry_date"),
        Index("ix_journal_entries_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    entry_date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lines: Mapped[list["JournalLine"]] = relationship(back_populates="entry", order_by="JournalLine.id")


class JournalLine(Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("(debit > 0 AND credit = 0) OR (debit = 0 AND credit > 0)", name="one_side"),
        Index("ix_journal_lines_entry_id", "entry_id"),
        # Covering indexes: a trial balance and an account's ledger read lines without the table.
        Index("ix_journal_lines_balance", "entry_date", "account_id", "debit", "credit"),
        # Account first: SQLite's skip-scan sums every account's lines for a date range out of this index alone.
        Index("ix_journal_lines_account_date", "account_id", "entry_date", "debit", "credit"),
        Index("ix_journal_lines_customer_id", "customer_id"),
        Index("ix_journal_lines_supplier_id", "supplier_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    # The entry's date, kept on its lines (entries never change) so balances as of a date read one index.
    entry_date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    debit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))
    amount_in_currency: Mapped[Decimal | None] = mapped_column(Money())
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    # Suppliers arrive with purchasing (revision 0012); the key is not declared here.
    supplier_id: Mapped[int | None] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()


class AccountingPeriod(Base):
    """A closed month: a row here means nothing more posts into it."""

    __tablename__ = "accounting_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class ProductCost(Base):
    """The quantity and base-currency value the ledger holds in inventory for one product (all warehouses)."""

    __tablename__ = "product_costs"
    __table_args__ = (CheckConstraint("average_cost >= 0", name="cost_non_negative"),)

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    average_cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _immutable(mapper, connection, target) -> None:
    raise ValueError(f"{type(target).__name__} rows are immutable; post a reversal entry instead")


for _model in (JournalEntry, JournalLine):
    event.listen(_model, "before_update", _immutable)
    event.listen(_model, "before_delete", _immutable)
