"""Resolving what people type ("hoang long", "MINHPHAT", "lan@minhphat.vn") to records, fuzzily and
accent-insensitively; shared by every tool that takes a customer or product reference or a document number."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from rapidfuzz import fuzz
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.errors import Ambiguous, NotFound
from backend.models import Contact, Customer, Employee, Opportunity, Product, Supplier, Warehouse
from backend.text import fold

MIN_SCORE = 60.0
# A clear winner: this far ahead of the runner-up, the name is not ambiguous.
CLEAR_LEAD = 8.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
# A word longer than a search key can't be in one, and a LIKE pattern is built from a few words only: however
# long the text, the statement stays small (SQLite refuses patterns over 50,000 bytes).
_SEARCH_KEY_LENGTH = Customer.__table__.c.search_key.type.length
_MAX_WORDS = 8
_EMAIL_LENGTH = Customer.__table__.c.email.type.length
# A model with a unique `number` column: SalesOrder, Invoice, Ticket, Quote.
Document = TypeVar("Document")


@dataclass
class Match:
    id: int
    code: str
    name: str
    score: float
    matched_on: str
    city: str | None = None
    # The loaded row when the match query loaded one: keeps it in the session's (weak) identity map, so
    # resolving the winner costs no second SELECT.
    record: Customer | None = field(default=None, repr=False, compare=False)
    contact: str | None = None  # the contact whose e-mail or phone matched, when it was a contact's


def _tokens(query: str) -> list[str]:
    words = [t for t in fold(query).replace("|", " ").split() if 2 <= len(t) <= _SEARCH_KEY_LENGTH]
    return list(dict.fromkeys(words))[:_MAX_WORDS]


def _containing(column, word: str):
    """`column` contains `word` as typed: LIKE wildcards in it (_ and %) are escaped, not obeyed."""
    return column.contains(word, autoescape=True)


def _score(query: str, key: str) -> float:
    name = key.split(" | ", 1)[0]
    return max(fuzz.WRatio(query, name), fuzz.token_set_ratio(query, key) * 0.95)


def _digits_of(column):
    """A phone column without the separators people write ("(303) 519-9823", "+84 28.3823.4567")."""
    for mark in (" ", ".", "-", "(", ")", "+", "/"):
        column = func.replace(column, mark, "")
    return column


def match_customers(session: Session, query: str, limit: int = 10) -> list[Match]:
    """Ranked candidates for a customer reference: exact code/email/phone first, then fuzzy name."""
    text = query.strip()
    if not text:
        return []
    # Codes are stored upper-case; comparing the column as it is keeps the unique index usable.
    exact = session.execute(select(Customer).where(Customer.code.in_({text, text.upper()}))).scalars().first()
    if exact:
        return [Match(exact.id, exact.code, exact.name, 100.0, "code", exact.city, record=exact)]
    if len(text) <= _EMAIL_LENGTH and _EMAIL.match(text):
        rows = session.execute(
            select(Customer, Contact.email, Contact.name).outerjoin(Contact, Contact.customer_id == Customer.id)
            .where(or_(Customer.email.in_({text, text.lower()}), Contact.email.in_({text, text.lower()})))
        ).all()
        seen: dict[int, Match] = {}
        for customer, email, contact in rows:
            person = contact if email and email.lower() == text.lower() else None
            found = seen.setdefault(customer.id, Match(customer.id, customer.code, customer.name, 100.0, "email",
                                                       customer.city, record=customer))
            found.contact = found.contact or person
        if seen:
            return list(seen.values())[:limit]
        domain = text.split("@", 1)[1].lower()
        rows = session.execute(select(Customer).where(func.lower(Customer.email).endswith(f"@{domain}", autoescape=True))
                               .limit(limit)).scalars()
        return [Match(c.id, c.code, c.name, 90.0, "email domain", c.city, record=c) for c in rows]
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text)[-9:]
        rows = session.execute(
            select(Customer, Contact.name, Contact.phone).outerjoin(Contact, Contact.customer_id == Customer.id)
            .where(or_(_digits_of(Customer.phone).like(f"%{digits}"), _digits_of(Contact.phone).like(f"%{digits}")))
            .limit(limit * 4)).all()
        by_id: dict[int, Match] = {}
        for c, contact, phone in rows:
            match = by_id.setdefault(c.id, Match(c.id, c.code, c.name, 100.0, "phone", c.city, record=c))
            if contact and re.sub(r"\D", "", phone or "").endswith(digits):
                match.contact = match.contact or contact
        found = list(by_id.values())[:limit]
        if found:
            return found
    folded = fold(text)[:_SEARCH_KEY_LENGTH]
    tokens = _tokens(text)
    if not tokens:
        return []
    # Pre-filter in SQL with the rarest-looking (longest) tokens, then rank in Python.
    conditions = [_containing(Customer.search_key, t) for t in sorted(tokens, key=len, reverse=True)[:3]]
    candidates = session.execute(select(Customer.id, Customer.code, Customer.name, Customer.city, Customer.search_key)
                                 .where(or_(*conditions)).limit(500)).all()
    if not candidates:
        # Typos: fall back to prefixes of the tokens ("hoag" still finds "hoang").
        prefixes = [_containing(Customer.search_key, t[:3]) for t in tokens if len(t) >= 3]
        if prefixes:
            candidates = session.execute(select(Customer.id, Customer.code, Customer.name, Customer.city, Customer.search_key)
                                         .where(or_(*prefixes)).limit(2000)).all()
    ranked = sorted((Match(r.id, r.code, r.name, round(_score(folded, r.search_key), 1), "name", r.city) for r in candidates),
                    key=lambda m: (-m.score, m.name))
    found = [m for m in ranked if m.score >= MIN_SCORE]
    # "look up Frank Harris": a person's whole name on a contact is their customer ("Google Inc."), first
    people = _by_contact_name(session, tokens, limit) if len(tokens) >= 2 else []
    taken = {m.id for m in people}
    return (people + [m for m in found if m.id not in taken])[:limit]


def _by_contact_name(session: Session, tokens: list[str], limit: int) -> list[Match]:
    """The customers with a contact whose name holds every one of `tokens` as a whole word."""
    rows = session.execute(select(Customer, Contact.name, Contact.search_key)
                           .join(Contact, Contact.customer_id == Customer.id)
                           .where(*[_containing(Contact.search_key, t) for t in tokens]).limit(limit * 4)).all()
    matches: dict[int, Match] = {}
    for customer, person, key in rows:
        if set(tokens) <= set(fold(person).split()):
            matches.setdefault(customer.id, Match(customer.id, customer.code, customer.name, 100.0, "contact",
                                                  customer.city, record=customer, contact=person))
    return list(matches.values())[:limit]


def resolve_customer(session: Session, reference: str) -> Customer:
    """One customer for a reference, or NotFound / Ambiguous (with candidates) — never a guess."""
    matches = match_customers(session, reference, limit=6)
    if not matches:
        raise NotFound(f"No customer matches '{reference}'.",
                       hint="Check the spelling, or search by customer code, e-mail or phone.")
    top = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if top.score < 100.0 and top.score - runner_up < CLEAR_LEAD:
        raise Ambiguous(f"'{reference}' matches several customers.",
                        candidates=[{"code": m.code, "name": m.name, "city": m.city, "score": m.score} for m in matches])
    return top.record if top.record is not None else session.get(Customer, top.id)


def _match_keyed(session: Session, model, code, query: str, limit: int, *conditions) -> list[tuple[object, float]]:
    """Records with a unique code and a folded search key (products by SKU, suppliers by code): the exact code
    first, else fuzzy over the search key, best first."""
    text = query.strip()
    if not text:
        return []
    exact = session.execute(select(model).where(code.in_({text, text.upper()}))).scalars().first()
    if exact:
        return [(exact, 100.0)]
    folded = fold(text)[:_SEARCH_KEY_LENGTH]
    tokens = _tokens(text)
    if not tokens:
        return []
    stmt = select(model).where(or_(*[_containing(model.search_key, t) for t in tokens]), *conditions)
    rows = session.execute(stmt.limit(500)).scalars().all()
    ranked = sorted(((r, round(_score(folded, r.search_key), 1)) for r in rows),
                    key=lambda pair: (-pair[1], getattr(pair[0], code.key)))
    return [pair for pair in ranked if pair[1] >= MIN_SCORE][:limit]


def _one_of(matches: list[tuple[object, float]], reference: str, what: str, hint: str, candidate) -> object:
    """The clear winner of `matches`, or NotFound / Ambiguous (with candidates) — never a guess."""
    if not matches:
        raise NotFound(f"No {what} matches '{reference}'.", hint=hint)
    top, score = matches[0]
    if score < 100.0 and len(matches) > 1 and score - matches[1][1] < CLEAR_LEAD:
        raise Ambiguous(f"'{reference}' matches several {what}s.",
                        candidates=[{**candidate(r), "score": sc} for r, sc in matches])
    return top


def match_products(session: Session, query: str, limit: int = 10, active_only: bool = False) -> list[tuple[Product, float]]:
    return _match_keyed(session, Product, Product.sku, query, limit,
                        *([Product.active.is_(True)] if active_only else []))  # type: ignore[return-value]


def resolve_product(session: Session, reference: str) -> Product:
    return _one_of(match_products(session, reference, limit=6), reference, "product",
                   "Check the SKU or search products by name.",
                   lambda p: {"sku": p.sku, "name": p.name})  # type: ignore[return-value]


def match_suppliers(session: Session, query: str, limit: int = 10) -> list[tuple[Supplier, float]]:
    return _match_keyed(session, Supplier, Supplier.code, query, limit)  # type: ignore[return-value]


def resolve_supplier(session: Session, reference: str) -> Supplier:
    return _one_of(match_suppliers(session, reference, limit=6), reference, "supplier",
                   "Check the spelling, or search with find_suppliers.",
                   lambda s: {"code": s.code, "name": s.name})  # type: ignore[return-value]


def employee_by_code_or_email(session: Session, reference: str) -> Employee:
    """An employee by exact code or e-mail (case-insensitive), or NotFound: for identities, never fuzzy."""
    ref = reference.strip().lower()
    employee = session.execute(select(Employee).where(
        or_(func.lower(Employee.code) == ref, func.lower(Employee.email) == ref))).scalar_one_or_none()
    if employee is None:
        raise NotFound(f"No employee has the code or e-mail '{reference}'.", hint="`tandem user list` shows them.")
    return employee


def resolve_employee(session: Session, reference: str) -> Employee:
    """One employee for a code, e-mail or name, or NotFound / Ambiguous — never a guess."""
    text = reference.strip()
    exact = session.execute(select(Employee).where(or_(func.upper(Employee.code) == text.upper(),
                                                       func.lower(Employee.email) == text.lower()))).scalars().first()
    if exact is not None:
        return exact
    wanted = fold(text)
    people = session.execute(select(Employee)).scalars().all()
    same_name = [e for e in people if fold(e.name) == wanted]
    if len(same_name) == 1:
        return same_name[0]
    ranked = sorted(((round(fuzz.WRatio(wanted, fold(e.name)), 1), e) for e in people), key=lambda p: (-p[0], p[1].code))
    ranked = [(score, e) for score, e in ranked if score >= MIN_SCORE]
    if not ranked:
        raise NotFound(f"No employee matches '{reference}'.", hint="Use the employee's code or full name.")
    if len(same_name) > 1 or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < CLEAR_LEAD):
        raise Ambiguous(f"'{reference}' matches several employees.",
                        candidates=[{"code": e.code, "name": e.name, "score": s} for s, e in ranked[:6]])
    return ranked[0][1]


def resolve_opportunity(session: Session, reference: str) -> Opportunity:
    """One opportunity by its name (accent-insensitive, typo-tolerant), or NotFound / Ambiguous."""
    wanted = fold(reference)
    deals = session.execute(select(Opportunity)).scalars().all()
    same = [o for o in deals if fold(o.name) == wanted]
    if len(same) == 1:
        return same[0]
    ranked = sorted(((round(fuzz.WRatio(wanted, fold(o.name)), 1), o) for o in deals), key=lambda p: (-p[0], p[1].id))
    ranked = [(score, o) for score, o in ranked if score >= MIN_SCORE]
    if not ranked:
        raise NotFound(f"No opportunity matches '{reference}'.", hint="Use the deal's name as it is in the pipeline.")
    if len(same) > 1 or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < CLEAR_LEAD):
        raise Ambiguous(f"'{reference}' matches several opportunities.",
                        candidates=[{"id": o.id, "name": o.name, "stage": o.stage, "score": s} for s, o in ranked[:6]])
    return ranked[0][1]


def resolve_warehouse(session: Session, reference: str) -> Warehouse:
    """A warehouse by code or name (case- and accent-insensitive), or NotFound naming the warehouses there are."""
    wanted = fold(reference)
    houses = session.execute(select(Warehouse).order_by(Warehouse.code)).scalars().all()
    for house in houses:
        if wanted in (fold(house.code), fold(house.name)):
            return house
    close = [h for h in houses if wanted and (wanted in fold(h.name) or wanted in fold(h.code))]
    if len(close) == 1:
        return close[0]
    raise NotFound(f"No warehouse matches '{reference}'.",
                   hint="Warehouses: " + ", ".join(f"{h.code} ({h.name})" for h in houses) + ".")


def find_by_number(session: Session, model: type[Document], reference: str) -> Document | None:
    """The document (order, invoice, ticket, …) whose `number` is `reference` in any letter case, or None.

    Imported numbers keep their own format (BO-17-2108, CS-1454, so-2023-000123), so the number is matched as a
    whole, never parsed. The number as written or upper-cased uses the unique index; other letter cases fall back
    to comparing upper-cased, and two numbers differing only in case are Ambiguous rather than a guess."""
    text = reference.strip()
    rows = session.execute(select(model).where(model.number.in_({text, text.upper()}))).scalars().all()
    if not rows:
        rows = session.execute(select(model).where(func.upper(model.number) == text.upper())
                               .order_by(model.number).limit(6)).scalars().all()
        if len(rows) > 1:
            raise Ambiguous(f"'{reference}' matches {len(rows)} numbers that differ only in letter case.",
                            candidates=[{"number": row.number} for row in rows],
                            hint="Write the number exactly as it is stored.")
    exact = [row for row in rows if row.number == text]
    return (exact or rows or [None])[0]
