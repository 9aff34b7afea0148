"""Invariants shared by every writer (tools, importer, demo): FX lookup, order amounts, payment allocation."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.money import convert, line_amount, round_money
from backend.models import Company, FxRate, Invoice, PaymentAllocation, SalesOrder


class MissingFxRate(LookupError):
    pass


def company(session: Session) -> Company:
    found = session.execute(select(Company).limit(1)).scalar_one_or_none()
    if found is None:
        found = Company(name="My Company", base_currency="USD", timezone="UTC", tax_rate_pct=Decimal(0))
        session.add(found)
        session.flush()
    return found


def fx_rate(session: Session, currency: str, on: date, base_currency: str | None = None) -> Decimal:
    """Units of base currency per unit of `currency`: the latest rate dated on or before `on`."""
    base = base_currency or company(session).base_currency
    if currency == base:
        return Decimal(1)
    rate = session.execute(
        select(FxRate.rate).where(FxRate.currency == currency, FxRate.rate_date <= on)
        .order_by(FxRate.rate_date.desc()).limit(1)
    ).scalar_one_or_none()
    if rate is not None:
        return rate
    inverse = session.execute(
        select(FxRate.rate).where(FxRate.currency == base, FxRate.rate_date <= on)
        .order_by(FxRate.rate_date.desc()).limit(1)
    ).scalar_one_or_none()
    if inverse is None:
        raise MissingFxRate(f"no FX rate for {currency} on or before {on.isoformat()}; add one to fx_rates")
    return Decimal(1) / inverse


def cross_rate(session: Session, from_currency: str, to_currency: str, on: date) -> Decimal:
    if from_currency == to_currency:
        return Decimal(1)
    base = company(session).base_currency
    return fx_rate(session, from_currency, on, base) / fx_rate(session, to_currency, on, base)


class RateBook:
    """The one memoising FX converter: rates are looked up once per (currency, day) for as long as the book is
    kept (one request, one report, one import). Raises MissingFxRate like `fx_rate`."""

    def __init__(self, session: Session, base_currency: str | None = None):
        self.session = session
        self.base = base_currency or company(session).base_currency
        self._rates: dict[tuple[str, date], Decimal] = {}

    def rate(self, currency: str, on: date) -> Decimal:
        """Units of base currency per unit of `currency` on `on`."""
        if currency == self.base:
            return Decimal(1)
        key = (currency, on)
        if key not in self._rates:
            with self.session.no_autoflush:
                self._rates[key] = fx_rate(self.session, currency, on, self.base)
        return self._rates[key]

    def cross(self, from_currency: str, to_currency: str, on: date) -> Decimal:
        """Units of `to_currency` per unit of `from_currency` on `on`, through the base currency."""
        if from_currency == to_currency:
            return Decimal(1)
        return self.rate(from_currency, on) / self.rate(to_currency, on)

    def to_base(self, amount: Decimal, currency: str, on: date) -> Decimal:
        """`amount` in base currency at the rate of `on`, not rounded (the caller rounds where the rule says)."""
        return amount if currency == self.base else amount * self.rate(currency, on)


def price_order(order: SalesOrder, rate: Decimal, base_currency: str) -> None:
    """Fill net line amounts (document and base currency) and the order's totals from its lines."""
    order.fx_rate = rate
    total = Decimal(0)
    total_base = Decimal(0)
    for number, line in enumerate(order.lines, start=1):
        line.line_no = number
        line.line_amount = line_amount(line.quantity, line.unit_price, line.discount_pct or Decimal(0), order.currency)
        line.line_amount_base = convert(line.line_amount, rate, base_currency)
        total += line.line_amount
        total_base += line.line_amount_base
    order.net_amount = round_money(total, order.currency)
    order.net_amount_base = total_base


def allocated_to(session: Session, invoice_id: int) -> Decimal:
    return session.execute(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(PaymentAllocation.invoice_id == invoice_id)
    ).scalar_one() or Decimal(0)


def refresh_invoice_status(session: Session, invoice: Invoice) -> None:
    if invoice.status == "void":
        return
    session.flush()
    invoice.status = "paid" if allocated_to(session, invoice.id) >= invoice.amount else "open"
