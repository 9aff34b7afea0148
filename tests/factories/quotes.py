"""Factories for quotes (header only: the tools that read quotes use the stored totals)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from backend.models import Customer, Employee, Quote
from backend.money import document_total

_seq = count(1)


def make_quote(session: Session, *, customer: Customer, subtotal: Decimal = Decimal("10000000"),
               status: str = "open", issue_date: date = date(2026, 11, 10), valid_days: int = 30,
               tax_rate_pct: Decimal = Decimal("10"), created_by: Employee | None = None,
               number: str | None = None) -> Quote:
    n = next(_seq)
    net, tax, total = document_total([subtotal], tax_rate_pct, customer.currency)
    row = Quote(number=number or f"QUO-T-{n:06d}", customer_id=customer.id, status=status, currency=customer.currency,
                issue_date=issue_date, valid_until=issue_date + timedelta(days=valid_days), subtotal=net,
                tax_rate_pct=tax_rate_pct, tax_amount=tax, total=total,
                created_by_id=created_by.id if created_by else None)
    session.add(row)
    session.flush()
    return row
