"""Factories for customers, contacts, interactions, tickets and opportunities."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from backend.models import Contact, Customer, Employee, Interaction, Opportunity, Ticket
from backend.text import search_key

_seq = count(1)


def make_customer(session: Session, *, name: str | None = None, code: str | None = None, currency: str = "VND",
                  credit_limit: Decimal | None = Decimal("100000000"), payment_terms_days: int = 30,
                  city: str | None = "Ho Chi Minh City", country: str | None = "Vietnam",
                  email: str | None = None, phone: str | None = None, owner: Employee | None = None,
                  segment: str | None = "SMB", notes: str | None = None) -> Customer:
    n = next(_seq)
    name = name or f"Customer {n}"
    code = code or f"C{n:05d}"
    row = Customer(code=code, name=name, search_key=search_key(name, code, city), currency=currency,
                   credit_limit=credit_limit, payment_terms_days=payment_terms_days, city=city, country=country,
                   email=email, phone=phone, owner_id=owner.id if owner else None, segment=segment, notes=notes)
    session.add(row)
    session.flush()
    return row


def make_contact(session: Session, *, customer: Customer, name: str = "Nguyễn Văn An", email: str | None = None,
                 phone: str | None = None, title: str | None = "Purchasing") -> Contact:
    row = Contact(customer_id=customer.id, name=name, search_key=search_key(name), email=email, phone=phone, title=title)
    session.add(row)
    session.flush()
    return row


def make_interaction(session: Session, *, customer: Customer, summary: str = "Called about the next order",
                     kind: str = "call", occurred_at: datetime | None = None, employee: Employee | None = None) -> Interaction:
    row = Interaction(customer_id=customer.id, kind=kind, summary=summary,
                      occurred_at=occurred_at or datetime(2026, 11, 1, 10, tzinfo=timezone.utc),
                      employee_id=employee.id if employee else None)
    session.add(row)
    session.flush()
    return row


def make_ticket(session: Session, *, customer: Customer, number: str | None = None, subject: str = "Late delivery",
                status: str = "open", priority: str = "medium", description: str | None = None,
                opened_at: datetime | None = None) -> Ticket:
    n = next(_seq)
    row = Ticket(number=number or f"TCK-T-{n:05d}", customer_id=customer.id, subject=subject, status=status,
                 priority=priority, description=description,
                 opened_at=opened_at or datetime(2026, 11, 2, 8, tzinfo=timezone.utc))
    session.add(row)
    session.flush()
    return row


def make_opportunity(session: Session, *, customer: Customer, stage: str = "proposal", amount: Decimal = Decimal("50000000"),
                     probability: int = 50, close_date: date = date(2026, 12, 15), owner: Employee | None = None,
                     name: str = "Annual paper contract") -> Opportunity:
    row = Opportunity(customer_id=customer.id, stage=stage, amount=amount, currency=customer.currency,
                      probability=probability, close_date=close_date, name=name, owner_id=owner.id if owner else None)
    session.add(row)
    session.flush()
    return row
