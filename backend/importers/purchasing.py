"""suppliers.csv and opening_balances.csv: the companies the firm buys from, and the trial balance it starts its books
with (one opening entry at one date, debits equal to credits). `PurchasingBook` holds what the purchasing files know
about each other (suppliers, purchase orders, bills) during one run."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from backend.importers.reading import Row
from backend.importers.state import FileLoader, ImportState, Seen, chunked, save_records
from backend.models import Account, JournalEntry, Supplier
from backend.text import search_key

ZERO = Decimal(0)


@dataclass(slots=True)
class SupplierRef:
    id: int | None  # None until a supplier new in suppliers.csv is written
    currency: str
    terms_days: int


@dataclass
class PurchasingBook:
    """Keys of the purchasing files in one run (code or number -> reference), from the files and the database."""

    suppliers: dict[str, SupplierRef] = field(default_factory=dict)
    orders: dict[str, Any] = field(default_factory=dict)  # purchase order number -> purchase_documents._Order
    bills: dict[Any, Any] = field(default_factory=dict)  # our number, or (supplier code, reference) -> _BillRef

    def load_suppliers(self, session, codes) -> None:
        wanted = sorted({code for code in codes if code and code not in self.suppliers})
        for chunk in chunked(wanted):
            for row in session.execute(select(Supplier.id, Supplier.code, Supplier.currency, Supplier.payment_terms_days)
                                       .where(Supplier.code.in_(chunk))):
                self.suppliers[row.code] = SupplierRef(row.id, row.currency, row.payment_terms_days)

    def supplier(self, row: Row, column: str, code: str | None, state: ImportState) -> SupplierRef | None:
        """The supplier a row names, or None (with a problem recorded when the code is unknown)."""
        if code is None:
            return None
        found = self.suppliers.get(code)
        if found is None:
            if "suppliers" in state.broken:
                row.ok = False
            else:
                row.fail(column, code, "no such supplier; add it to suppliers.csv or correct the code")
        return found


def purchasing_book(state: ImportState) -> PurchasingBook:
    book = getattr(state, "purchasing", None)
    if book is None:
        book = PurchasingBook()
        state.purchasing = book  # type: ignore[attr-defined] - one book per run, kept on the run's state
    return book


@dataclass(slots=True)
class _Supplier:
    code: str
    values: dict[str, Any]
    id: int | None


@dataclass
class SupplierLoader(FileLoader):
    """Suppliers are matched by code: a known code updates the supplier, a new one adds it."""

    stem = "suppliers"
    columns = ("code", "name", "currency", "payment_terms_days", "email", "phone", "address")
    required = frozenset({"code", "name"})

    records: list[_Supplier] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        known: dict[str, int] = {}
        for chunk in chunked(sorted({row.raw("code") for row in rows if row.raw("code")})):
            known.update(dict(state.session.execute(select(Supplier.code, Supplier.id).where(Supplier.code.in_(chunk))).all()))
        codes = Seen("a supplier code")
        for row in rows:
            code = row.text("code", required=True, max_length=40)
            name = row.text("name", required=True, max_length=200)
            values: dict[str, Any] = {"code": code, "name": name}
            if row.has("currency"):
                values["currency"] = row.currency("currency") or state.base_currency
            if row.has("payment_terms_days"):
                terms = row.integer("payment_terms_days", minimum=0, maximum=3650)
                values["payment_terms_days"] = 30 if terms is None else terms
            if row.has("email"):
                values["email"] = row.email("email")
            for column, length in (("phone", 40), ("address", 300)):
                if row.has(column):
                    values[column] = row.text(column, max_length=length)
            if code is None or not codes.first(row, "code", code, code):
                continue
            values["search_key"] = search_key(name or "", code)
            if code not in known:
                values.setdefault("currency", state.base_currency)
            if row.ok:
                self.records.append(_Supplier(code, values, known.get(code)))
        book = purchasing_book(state)
        book.load_suppliers(state.session, known)
        for record in self.records:
            ref = book.suppliers.get(record.code)
            values = record.values
            book.suppliers[record.code] = SupplierRef(
                record.id, values.get("currency") or (ref.currency if ref else state.base_currency),
                values.get("payment_terms_days", ref.terms_days if ref else 30))

    def write(self, state: ImportState) -> None:
        new = save_records(state.session, Supplier, self.records)
        book = purchasing_book(state)
        for record in new:
            book.suppliers[record.code].id = record.id
        self.created = len(new)


@dataclass
class OpeningBalanceLoader(FileLoader):
    """One line per account: its debit or its credit balance on the opening date, in the base currency. The file
    posts one journal entry (source 'opening'), so a company brings its books over at the date it starts."""

    stem = "opening_balances"
    columns = ("date", "account_code", "debit", "credit", "description")
    required = frozenset({"date", "account_code"})

    day: date | None = None
    lines: list[tuple[str, Decimal]] = field(default_factory=list)  # (account code, debit - credit)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        from backend.accounting.chart import chart_codes

        codes = set(chart_codes().values())
        codes |= set(state.session.execute(select(Account.code)).scalars())
        already = state.session.execute(select(JournalEntry.number).where(JournalEntry.source_type == "opening")
                                        .limit(1)).scalar_one_or_none()
        if already is not None:
            state.problems.in_file(self.file, f"opening balances are already posted ({already}); leave this file out, "
                                              "or reverse that entry first")
        accounts = Seen("an account")
        debits = credits = ZERO
        first_line = None
        for row in rows:
            day = row.date("date", required=True)
            code = row.text("account_code", required=True, max_length=20)
            debit = row.decimal("debit", minimum=0) if row.has("debit") else None
            credit = row.decimal("credit", minimum=0) if row.has("credit") else None
            if day is not None:
                if self.day is None:
                    self.day, first_line = day, row.line
                elif day != self.day:
                    row.fail("date", day.isoformat(), f"every line must carry the same date as line {first_line} "
                                                      f"({self.day.isoformat()}): the file is one opening entry")
            if code is not None and code not in codes:
                close = difflib.get_close_matches(code, sorted(codes), n=1, cutoff=0.5)
                row.fail("account_code", code, "no such account in the chart of accounts"
                         + (f"; did you mean {close[0]}?" if close else "; use a code of the chart (tandem ledger accounts)"))
            elif code is not None:
                accounts.first(row, "account_code", code, code)
            if row.ok and (bool(debit) == bool(credit)):
                row.fail("debit", debit if debit else credit, "give the balance in exactly one of debit and credit "
                                                              "(a positive amount), leave the other empty")
            if row.ok:
                debits += debit or ZERO
                credits += credit or ZERO
                self.lines.append((code, (debit or ZERO) - (credit or ZERO)))
        if rows and not state.problems and debits != credits:
            state.problems.in_file(self.file, f"debits {debits} and credits {credits} differ by {debits - credits}; "
                                              "a trial balance must balance, so correct the lines (nothing was written)")

    def write(self, state: ImportState) -> None:
        from backend.accounting.chart import ensure_chart
        from backend.accounting.journal import EntryDraft, write_entries

        if not self.lines:
            return
        session = state.session
        ensure_chart(session)
        ids = dict(session.execute(select(Account.code, Account.id)).all())
        entry = EntryDraft(self.day, "opening", None, f"Opening balances at {self.day.isoformat()} (opening_balances.csv)")
        for code, amount in self.lines:
            entry.add(ids[code], amount)
        write_entries(session, [entry], state.base_currency)
        self.created = len(self.lines)
