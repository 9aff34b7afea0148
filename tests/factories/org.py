"""Factories for the company profile and employees."""
from __future__ import annotations

from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from backend.ledger import company
from backend.models import Company, Employee

_seq = count(1)


def make_company(session: Session, *, name: str = "Test Co", base_currency: str = "VND",
                 tax_rate_pct: Decimal = Decimal("10"), timezone: str = "Asia/Ho_Chi_Minh") -> Company:
    row = company(session)
    row.name, row.base_currency, row.tax_rate_pct, row.timezone = name, base_currency, tax_rate_pct, timezone
    session.flush()
    return row


def make_employee(session: Session, *, role: str = "sales", code: str | None = None, name: str | None = None,
                  email: str | None = None, region: str | None = "South", manager: Employee | None = None) -> Employee:
    n = next(_seq)
    code = code or f"E{n:04d}"
    row = Employee(code=code, name=name or f"Employee {n}", email=email or f"{code.lower()}@example.test",
                   role=role, region=region, manager_id=manager.id if manager else None)
    session.add(row)
    session.flush()
    return row
