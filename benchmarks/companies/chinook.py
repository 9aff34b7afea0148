"""Chinook, the digital media store, converted to Tandem's CSV import (docs/import-format.md).

    python benchmarks/companies/chinook.py OUT_DIR [--source PATH]

The source is the Chinook sample database (MIT, github.com/lerocha/chinook-database), by default
`<repo>/../shared/data/chinook/Chinook_Sqlite.sqlite`. It is opened read-only and never modified. The output
folder gets company.csv, employees.csv, customers.csv, contacts.csv, products.csv, orders.csv,
order_lines.csv, invoices.csv and payments.csv, ready for `tandem import OUT_DIR`.

Mapping decisions
-----------------

Company (company.csv)
    name "Chinook", base currency USD (every Chinook amount is in dollars), time zone America/Edmonton (all the
    staff are in Alberta: Edmonton, Calgary, Lethbridge), tax 0 % (Chinook's invoice totals are the plain sum
    of their lines, no tax). No fx_rates.csv: there is only one currency.

Employees (employees.csv) -- all 8
    code `EMP0N` from EmployeeId (EMP01 .. EMP08), name "FirstName LastName", e-mail as in the file
    (andrew@chinookcorp.com ...), region = the employee's City, manager_code from ReportsTo.
    Role from Title:
        General Manager (Andrew Adams)         -> manager
        Sales Manager (Nancy Edwards)           -> manager
        Sales Support Agent (Jane Peacock, Margaret Park, Steve Johnson) -> sales  (they own the customers:
                                                   every customer has one of them as SupportRepId)
        IT Manager (Michael Mitchell)           -> admin
        IT Staff (Robert King, Laura Callahan)  -> support
    Chinook has no finance person; receivables are the managers' (and each rep's own customers').

Customers (customers.csv) -- all 59
    code `C00NN` from CustomerId (C0001 .. C0059); name = Company when the customer has one (10 do, e.g.
    "Embraer - Empresa Brasileira de Aeronáutica S.A.", "Google Inc."), otherwise "FirstName LastName";
    segment "Business" when there is a Company, else "Consumer"; e-mail, phone, country and city as in the
    file (cells are trimmed: "Edinburgh " becomes "Edinburgh"); address = Address, then State and PostalCode
    when present ("Av. Brigadeiro Faria Lima, 2170, SP 12227-000"); currency USD; credit_limit empty (no
    limit configured: Chinook has none); payment_terms_days 30; owner_code = the SupportRepId's employee.
    Fax is dropped (no column for it).

Contacts (contacts.csv) -- one per customer
    The person of every Chinook customer ("FirstName LastName", e-mail, phone). For a business customer that
    is its contact person (Luís Gonçalves at Embraer); for a consumer it is the customer him- or herself, so
    the contact has the customer's name. Title empty (Chinook has none).

Products (products.csv) -- all 3,503 tracks
    sku `TRK-NNNN` from TrackId (TRK-0001 .. TRK-3503); name = the track's Name (not unique: 3,257 distinct
    names, "Wrathchild" is five tracks); category = the genre's name (25 genres; every track has one);
    unit_price = Track.UnitPrice (0.99 or 1.99); unit_cost empty (unknown); currency USD; active true.
    stock_qty and reorder_level empty: the tracks are digital downloads, so no stock level is created
    (nothing to count, nothing to reorder). Album, artist, composer, media type, duration, size and the
    playlists have no column in Tandem's import and are left out.

Orders (orders.csv) and their lines (order_lines.csv) -- one order per Chinook invoice (412, 2,240 lines)
    number `SO-<year>-<InvoiceId:06d>` (SO-2021-000001 .. SO-2025-000412: Tandem's own form, so Tandem's next
    order number lands past them); customer = the invoice's customer; order_date = InvoiceDate (all at
    midnight, so the date alone); status invoiced; salesperson_code = the customer's support rep (Chinook
    records no seller per invoice; the rep is who looks after the customer); ship_country / ship_city =
    BillingCountry / BillingCity (the same as the customer's in every invoice); shipped_date = order_date
    (a download is delivered at once); required_date empty.
    Lines in InvoiceLineId order: sku of the track, Quantity (always 1), UnitPrice, no discount.

Invoices (invoices.csv) -- one per Chinook invoice
    number `INV-<year>-<InvoiceId:06d>`; order_number = the order above; issue_date = InvoiceDate; due_date =
    issue_date + 30 days (the customers' payment terms); amount = Total (which equals the sum of its lines
    in every invoice); currency USD; status open (paid is derived from the payments below).

Payments (payments.csv) -- Chinook records none; the rule chosen
    Every invoice issued more than 45 days before the last invoice in the file (last invoice 2025-12-22, so
    issued on or before 2025-11-07) was paid in full on its due date, method "card". The invoices of the
    last 45 days of the file (issued 2025-11-08 .. 2025-12-22, 10 invoices) are unpaid and stay open: as of
    2026-01-10 those due before then are overdue, the last two are not yet due.
    In SQL on the Chinook file, an invoice is open when
        date(InvoiceDate) > date((SELECT MAX(InvoiceDate) FROM Invoice), '-45 days')
    and its open balance is its whole Total.

Nothing else is imported (no interactions, tickets, opportunities, quotes).
"""
from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "chinook" / "Chinook_Sqlite.sqlite"

CURRENCY = "USD"
PAYMENT_TERMS_DAYS = 30
UNPAID_WINDOW_DAYS = 45          # invoices of the last 45 days of the file stay unpaid
PAYMENT_METHOD = "card"

ROLE_BY_TITLE = {
    "General Manager": "manager",
    "Sales Manager": "manager",
    "Sales Support Agent": "sales",
    "IT Manager": "admin",
    "IT Staff": "support",
}


def employee_code(employee_id: int) -> str:
    return f"EMP{employee_id:02d}"


def customer_code(customer_id: int) -> str:
    return f"C{customer_id:04d}"


def sku(track_id: int) -> str:
    return f"TRK-{track_id:04d}"


def order_number(invoice_id: int, year: int) -> str:
    return f"SO-{year}-{invoice_id:06d}"


def invoice_number(invoice_id: int, year: int) -> str:
    return f"INV-{year}-{invoice_id:06d}"


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def _money(value) -> str:
    """A REAL amount from the file as a plain two-decimal string (0.99, 13.86)."""
    return f"{float(value):.2f}"


def _day(value: str) -> date:
    return datetime.strptime(value[:10], "%Y-%m-%d").date()


def _write(path: Path, header: list[str], rows) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_company(out_dir: Path, source: Path = DEFAULT_SOURCE) -> None:
    """Write Chinook as Tandem's CSV import into out_dir (created if missing)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"Chinook database not found: {source}")
    db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _convert(db, out_dir)
    finally:
        db.close()


def _convert(db: sqlite3.Connection, out: Path) -> None:
    _write(out / "company.csv", ["name", "base_currency", "timezone", "tax_rate_pct"],
           [["Chinook", CURRENCY, "America/Edmonton", "0"]])

    employees = db.execute(
        "SELECT EmployeeId, FirstName, LastName, Title, ReportsTo, City, Email FROM Employee ORDER BY EmployeeId"
    ).fetchall()
    rows = []
    for employee_id, first, last, title, reports_to, city, email in employees:
        role = ROLE_BY_TITLE.get(_clean(title))
        if role is None:
            raise ValueError(f"Employee {employee_id}: no role mapped for title {title!r}")
        rows.append([employee_code(employee_id), f"{_clean(first)} {_clean(last)}", _clean(email), role,
                     _clean(city), employee_code(reports_to) if reports_to is not None else ""])
    _write(out / "employees.csv", ["code", "name", "email", "role", "region", "manager_code"], rows)

    customers = db.execute(
        "SELECT CustomerId, FirstName, LastName, Company, Address, City, State, Country, PostalCode, Phone, Email,"
        " SupportRepId FROM Customer ORDER BY CustomerId"
    ).fetchall()
    customer_rows, contact_rows = [], []
    rep_of: dict[int, int | None] = {}
    for (customer_id, first, last, company, address, city, state, country, postal, phone, email,
         rep) in customers:
        person = f"{_clean(first)} {_clean(last)}"
        company = _clean(company)
        tail = " ".join(part for part in (_clean(state), _clean(postal)) if part)
        full_address = ", ".join(part for part in (_clean(address), tail) if part)
        rep_of[customer_id] = rep
        customer_rows.append([
            customer_code(customer_id), company or person, _clean(email), _clean(phone), _clean(country),
            _clean(city), full_address, "Business" if company else "Consumer", CURRENCY, "",
            str(PAYMENT_TERMS_DAYS), employee_code(rep) if rep is not None else "",
        ])
        contact_rows.append([customer_code(customer_id), person, _clean(email), _clean(phone), ""])
    _write(out / "customers.csv",
           ["code", "name", "email", "phone", "country", "city", "address", "segment", "currency",
            "credit_limit", "payment_terms_days", "owner_code"], customer_rows)
    _write(out / "contacts.csv", ["customer_code", "name", "email", "phone", "title"], contact_rows)

    tracks = db.execute(
        "SELECT t.TrackId, t.Name, g.Name, t.UnitPrice FROM Track t LEFT JOIN Genre g ON g.GenreId = t.GenreId"
        " ORDER BY t.TrackId"
    )
    _write(out / "products.csv",
           ["sku", "name", "category", "unit_price", "unit_cost", "currency", "stock_qty", "reorder_level", "active"],
           ([sku(track_id), _clean(name), _clean(genre), _money(price), "", CURRENCY, "", "", "true"]
            for track_id, name, genre, price in tracks))

    invoices = db.execute(
        "SELECT InvoiceId, CustomerId, InvoiceDate, BillingCity, BillingCountry, Total FROM Invoice"
        " ORDER BY InvoiceId"
    ).fetchall()
    last_day = max(_day(row[2]) for row in invoices)
    unpaid_after = last_day - timedelta(days=UNPAID_WINDOW_DAYS)
    year_of: dict[int, int] = {}
    order_rows, invoice_rows, payment_rows = [], [], []
    for invoice_id, customer_id, invoice_date, city, country, total in invoices:
        day = _day(invoice_date)
        year_of[invoice_id] = day.year
        rep = rep_of.get(customer_id)
        number = order_number(invoice_id, day.year)
        order_rows.append([number, customer_code(customer_id), day.isoformat(), "invoiced", CURRENCY,
                           employee_code(rep) if rep is not None else "", _clean(country), _clean(city), "",
                           day.isoformat()])
        due = day + timedelta(days=PAYMENT_TERMS_DAYS)
        inv_number = invoice_number(invoice_id, day.year)
        invoice_rows.append([inv_number, customer_code(customer_id), number, day.isoformat(), due.isoformat(),
                             CURRENCY, _money(total), "open"])
        if day <= unpaid_after:
            payment_rows.append([inv_number, due.isoformat(), _money(total), PAYMENT_METHOD])
    _write(out / "orders.csv",
           ["number", "customer_code", "order_date", "status", "currency", "salesperson_code", "ship_country",
            "ship_city", "required_date", "shipped_date"], order_rows)

    lines = db.execute("SELECT InvoiceId, TrackId, Quantity, UnitPrice FROM InvoiceLine ORDER BY InvoiceLineId")
    _write(out / "order_lines.csv", ["order_number", "sku", "quantity", "unit_price", "discount_pct"],
           ([order_number(invoice_id, year_of[invoice_id]), sku(track_id), str(int(quantity)), _money(price), ""]
            for invoice_id, track_id, quantity, price in lines))
    _write(out / "invoices.csv",
           ["number", "customer_code", "order_number", "issue_date", "due_date", "currency", "amount", "status"],
           invoice_rows)
    _write(out / "payments.csv", ["invoice_number", "paid_on", "amount", "method"], payment_rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Convert the Chinook sample database to Tandem's CSV import.")
    parser.add_argument("out_dir", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the Chinook SQLite file")
    args = parser.parse_args(argv)
    write_company(args.out_dir, args.source)
    for path in sorted(args.out_dir.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        print(f"{path.name}: {rows} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
