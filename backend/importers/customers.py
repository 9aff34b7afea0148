"""customers.csv and contacts.csv: the accounts and the people at them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from backend.importers.reading import Row
from backend.importers.state import (CustomerRef, FileLoader, ImportState, Seen, chunked, insert_rows, save_records,
                                     update_rows)
from backend.models import Contact, Customer
from backend.text import search_key

DEFAULT_TERMS_DAYS = 30


@dataclass(slots=True)
class _Customer:
    code: str
    values: dict[str, Any]
    owner_code: str | None
    id: int | None


@dataclass
class CustomerLoader(FileLoader):
    stem = "customers"
    columns = ("code", "name", "email", "phone", "country", "city", "address", "segment", "currency", "credit_limit",
               "payment_terms_days", "owner_code")
    required = frozenset({"code", "name"})

    records: list[_Customer] = field(default_factory=list)
    with_owner: bool = False

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_customers(row.raw("code") for row in rows)
        state.load_employees(row.raw("owner_code") for row in rows)
        self.with_owner = bool(rows) and rows[0].has("owner_code")
        codes = Seen("a customer code")
        for row in rows:
            code = row.text("code", required=True, max_length=40)
            name = row.text("name", required=True, max_length=200)
            values: dict[str, Any] = {"code": code, "name": name}
            for column, length in (("phone", 40), ("country", 80), ("city", 80), ("address", 300), ("segment", 40)):
                if row.has(column):
                    values[column] = row.text(column, max_length=length)
            if row.has("email"):
                values["email"] = row.email("email")
            if row.has("currency"):
                values["currency"] = row.currency("currency") or state.base_currency
            if row.has("credit_limit"):
                values["credit_limit"] = row.decimal("credit_limit", minimum=0)
            if row.has("payment_terms_days"):
                terms = row.integer("payment_terms_days", minimum=0, maximum=3650)
                values["payment_terms_days"] = DEFAULT_TERMS_DAYS if terms is None else terms
            owner = row.text("owner_code", max_length=40)
            state.exists(row, "owner_code", owner, "employee")
            if code is None or not codes.first(row, "code", code, code):
                continue
            existing = state.customers.get(code)
            city = values["city"] if "city" in values else (existing.city if existing else None)
            currency = values.get("currency") or (existing.currency if existing else state.base_currency)
            if existing is None:
                values.setdefault("currency", currency)
            values["search_key"] = search_key(name, code, city)
            # Registered even when the row has a problem, so later files do not report it as missing.
            state.customers[code] = CustomerRef(existing.id if existing else None, currency, city)
            if row.ok:
                self.records.append(_Customer(code, values, owner, existing.id if existing else None))

    def write(self, state: ImportState) -> None:
        session = state.session
        for record in self.records:
            if self.with_owner:
                record.values["owner_id"] = state.employees.get(record.owner_code)
        new = save_records(session, Customer, self.records)
        for record in new:
            state.customers[record.code].id = record.id
        self.created = len(new)


@dataclass(slots=True)
class _Contact:
    customer_code: str
    values: dict[str, Any]


@dataclass
class ContactLoader(FileLoader):
    """Contacts are matched by (customer, e-mail), or by (customer, name) when the line has no e-mail."""

    stem = "contacts"
    columns = ("customer_code", "name", "email", "phone", "title")
    required = frozenset({"customer_code", "name"})

    records: list[_Contact] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_customers(row.raw("customer_code") for row in rows)
        people = Seen("a contact (same customer and e-mail, or same customer and name without e-mail)")
        for row in rows:
            customer_code = row.text("customer_code", required=True, max_length=40)
            name = row.text("name", required=True, max_length=200)
            values: dict[str, Any] = {"name": name, "search_key": search_key(name)}
            if row.has("email"):
                values["email"] = row.email("email")
            for column, length in (("phone", 40), ("title", 120)):
                if row.has(column):
                    values[column] = row.text(column, max_length=length)
            if not state.exists(row, "customer_code", customer_code, "customer") or customer_code is None:
                continue
            email = values.get("email")
            if email:
                people.first(row, "email", (customer_code, "@", email.casefold()), email)
            elif name:
                people.first(row, "name", (customer_code, name.casefold()), name)
            if row.ok:
                self.records.append(_Contact(customer_code, values))

    def write(self, state: ImportState) -> None:
        session = state.session
        by_email: dict[tuple[int, str], int] = {}
        by_name: dict[tuple[int, str], int] = {}
        by_name_without_email: dict[tuple[int, str], int] = {}
        customer_ids = {state.customers[record.customer_code].id for record in self.records}
        for chunk in chunked(customer_ids):
            query = (select(Contact.id, Contact.customer_id, Contact.name, Contact.email)
                     .where(Contact.customer_id.in_(chunk)).order_by(Contact.id))
            for row in session.execute(query):
                if row.email:
                    by_email.setdefault((row.customer_id, row.email.casefold()), row.id)
                else:
                    by_name_without_email.setdefault((row.customer_id, row.name.casefold()), row.id)
                by_name.setdefault((row.customer_id, row.name.casefold()), row.id)
        new, changed = [], []
        for record in self.records:
            customer_id = state.customers[record.customer_code].id
            name_key = (customer_id, record.values["name"].casefold())
            email = record.values.get("email")
            if email:
                contact_id = by_email.get((customer_id, email.casefold())) or by_name_without_email.get(name_key)
            else:
                contact_id = by_name.get(name_key)
            if contact_id is None:
                new.append({"customer_id": customer_id, **record.values})
            else:
                changed.append({"id": contact_id, "customer_id": customer_id, **record.values})
        update_rows(session, Contact, changed)
        insert_rows(session, Contact, new)
        self.created = len(new)
