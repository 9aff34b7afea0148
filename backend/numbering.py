"""Gapless document numbers per type and year (QUO-2026-000123), safe under concurrent writers.

The counter row is incremented with UPDATE ... RETURNING inside the caller's transaction: the row lock
serialises writers, and a rollback returns the number, so no gap and no duplicate can appear.
"""
from __future__ import annotations

import re

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import DocumentSequence

PREFIXES = {"quote": "QUO", "order": "SO", "invoice": "INV", "ticket": "TCK", "payment": "PAY", "journal": "JE",
            "purchase_order": "PO", "receipt": "GR", "bill": "BILL", "supplier_payment": "SPAY"}


def format_number(doc_type: str, year: int, seq: int) -> str:
    return f"{PREFIXES[doc_type]}-{year}-{seq:06d}"


def next_number(session: Session, doc_type: str, year: int) -> str:
    return next_numbers(session, doc_type, year, 1)[0]


def next_numbers(session: Session, doc_type: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers in one UPDATE (a bulk writer's block); gapless if the caller uses them all."""
    if doc_type not in PREFIXES:
        raise ValueError(f"unknown document type {doc_type!r}")
    if count < 1:
        return []
    bump = (
        update(DocumentSequence)
        .where(DocumentSequence.doc_type == doc_type, DocumentSequence.year == year)
        .values(last_number=DocumentSequence.last_number + count)
        .returning(DocumentSequence.last_number)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is None:
        try:
            with session.begin_nested():
                session.execute(insert(DocumentSequence).values(doc_type=doc_type, year=year, last_number=0))
        except IntegrityError:
            pass  # another writer created the row first; the UPDATE below waits for its lock
        value = session.execute(bump).scalar_one()
    return [format_number(doc_type, year, seq) for seq in range(value - count + 1, value + 1)]


def reserve_through(session: Session, doc_type: str, year: int, last_number: int) -> None:
    """After importing numbered documents, move the counter past the highest imported number."""
    row = session.execute(
        select(DocumentSequence).where(DocumentSequence.doc_type == doc_type, DocumentSequence.year == year)
    ).scalar_one_or_none()
    if row is None:
        session.add(DocumentSequence(doc_type=doc_type, year=year, last_number=last_number))
    elif row.last_number < last_number:
        row.last_number = last_number
    session.flush()


def reserve_numbers(session: Session, doc_type: str, numbers) -> None:
    """Imported numbers like SO-2026-000123 move each year's gapless counter past them; other numbers are kept as
    they are and move nothing."""
    pattern = re.compile(rf"{PREFIXES[doc_type]}-(\d{{4}})-(\d{{6,}})\Z")
    highest: dict[int, int] = {}
    for number in numbers:
        match = pattern.match(number)
        if match:
            year, sequence = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), sequence)
    for year, sequence in sorted(highest.items()):
        reserve_through(session, doc_type, year, sequence)
