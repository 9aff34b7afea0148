"""company.csv, fx_rates.csv and employees.csv: the company profile, its FX rates and its people."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from backend import ledger
from backend.importers.reading import Row
from backend.importers.state import (FileLoader, ImportState, Seen, chunked, insert_rows, save_records, update_rows,
                                     zone_or_utc)
from backend.models import Employee, FxRate, Invoice, SalesOrder
from backend.models.org import ROLES


@dataclass
class CompanyLoader(FileLoader):
    stem = "company"
    columns = ("name", "base_currency", "timezone", "tax_rate_pct")
    required = frozenset({"name", "base_currency"})
    early = True

    values: dict[str, Any] = field(default_factory=dict)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        if not rows:
            state.problems.in_file(self.file, "has no company line; add one line under the header")
            return
        for extra in rows[1:]:
            state.problems.on_line(self.file, extra.line, "company.csv holds exactly one company; remove this line")
        row = rows[0]
        self.values = {"name": row.text("name", required=True, max_length=200),
                       "base_currency": row.currency("base_currency", required=True)}
        if row.has("timezone"):
            self.values["timezone"] = row.timezone("timezone") or "UTC"
        if row.has("tax_rate_pct"):
            self.values["tax_rate_pct"] = row.decimal("tax_rate_pct", minimum=0, maximum=100) or Decimal(0)
        base = self.values["base_currency"]
        stored = state.company
        if base and stored is not None and base != stored.base_currency and _has_money_rows(state):
            row.fail("base_currency", base, f"the database already holds orders, invoices or FX rates in base currency "
                                            f"{stored.base_currency}; keep {stored.base_currency} "
                                            "or import into an empty database")
        if row.ok:
            state.base_currency = base
            state.rates = ledger.RateBook(state.session, base)
            state.timezone = zone_or_utc(self.values.get("timezone") or (stored.timezone if stored else "UTC"))

    def write(self, state: ImportState) -> None:
        self.created = 0 if state.company is not None else 1
        company = ledger.company(state.session)
        for name, value in self.values.items():
            setattr(company, name, value)
        state.session.flush()


def _has_money_rows(state: ImportState) -> bool:
    return any(state.session.execute(select(model.id).limit(1)).first() is not None
               for model in (SalesOrder, Invoice, FxRate))


@dataclass
class FxRateLoader(FileLoader):
    stem = "fx_rates"
    columns = ("currency", "rate_date", "rate")
    required = frozenset(columns)
    early = True

    records: list[tuple[str, date, Decimal]] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        seen = Seen("a currency and date")
        for row in rows:
            currency = row.currency("currency", required=True)
            rate_date = row.date("rate_date", required=True)
            rate = row.decimal("rate", required=True, positive=True, places=8, unit="FX rates")
            if currency is not None and currency == state.base_currency:
                row.fail("currency", currency, f"{currency} is the base currency, its rate is always 1; remove this line")
            if currency and rate_date:
                seen.first(row, "rate_date", (currency, rate_date), f"{currency} {rate_date.isoformat()}")
            if row.ok:
                self.records.append((currency, rate_date, rate))

    def write(self, state: ImportState) -> None:
        session = state.session
        existing: dict[tuple[str, date], int] = {}
        for chunk in chunked({currency for currency, _, _ in self.records}):
            query = select(FxRate.id, FxRate.currency, FxRate.rate_date).where(FxRate.currency.in_(chunk))
            existing.update({(row.currency, row.rate_date): row.id for row in session.execute(query)})
        new, changed = [], []
        for currency, rate_date, rate in self.records:
            rate_id = existing.get((currency, rate_date))
            if rate_id is None:
                new.append({"currency": currency, "rate_date": rate_date, "rate": rate})
            else:
                changed.append({"id": rate_id, "rate": rate})
        insert_rows(session, FxRate, new)
        update_rows(session, FxRate, changed)
        self.created = len(new)
        session.flush()


@dataclass(slots=True)
class _Employee:
    line: int
    code: str
    values: dict[str, Any]
    manager_code: str | None
    id: int | None


@dataclass
class EmployeeLoader(FileLoader):
    stem = "employees"
    columns = ("code", "name", "email", "role", "region", "manager_code")
    required = frozenset({"code", "name"})

    records: list[_Employee] = field(default_factory=list)
    with_manager: bool = False

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_employees(row.raw("code") for row in rows)
        codes, emails = Seen("an employee code"), Seen("an e-mail address")
        parsed: list[tuple[Row, _Employee]] = []
        for row in rows:
            code = row.text("code", required=True, max_length=40)
            values: dict[str, Any] = {"code": code, "name": row.text("name", required=True, max_length=200)}
            if row.has("email"):
                values["email"] = row.email("email")
                if values["email"]:
                    emails.first(row, "email", values["email"].casefold(), values["email"])
            if row.has("role"):
                values["role"] = row.choice("role", ROLES) or "sales"
            if row.has("region"):
                values["region"] = row.text("region", max_length=80)
            manager = row.text("manager_code", max_length=40)
            if code is None or not codes.first(row, "code", code, code):
                continue
            parsed.append((row, _Employee(row.line, code, values, manager, state.employees.get(code))))
        for _, record in parsed:
            state.employees.setdefault(record.code, None)
        self.with_manager = bool(rows) and rows[0].has("manager_code")
        state.load_employees(record.manager_code for _, record in parsed)
        self._check_emails(parsed, state)
        for row, record in parsed:
            if record.manager_code == record.code:
                row.fail("manager_code", record.manager_code, "an employee cannot be their own manager; "
                                                              "leave it empty or name someone else")
            else:
                state.exists(row, "manager_code", record.manager_code, "employee")
            if row.ok:
                self.records.append(record)

    def _check_emails(self, parsed: list[tuple[Row, _Employee]], state: ImportState) -> None:
        """An e-mail stored for another employee is refused (the column is unique, also while rows change)."""
        emails = {record.values["email"] for _, record in parsed if record.values.get("email")}
        holders: dict[str, str] = {}
        for chunk in chunked(emails):
            query = select(Employee.code, Employee.email).where(Employee.email.in_(chunk))
            holders.update({email: code for code, email in state.session.execute(query)})
        for row, record in parsed:
            holder = holders.get(record.values.get("email"))
            if holder is not None and holder != record.code:
                row.fail("email", record.values["email"], f"already belongs to employee {holder}; "
                                                          "each employee needs their own e-mail")

    def write(self, state: ImportState) -> None:
        session = state.session
        new = save_records(session, Employee, self.records)
        for record in new:
            state.employees[record.code] = record.id
        if self.with_manager:
            update_rows(session, Employee, [{"id": record.id, "manager_id": state.employees.get(record.manager_code)}
                                            for record in self.records])
        self.created = len(new)
