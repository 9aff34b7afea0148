"""What one import run knows: keys from the files and the database, FX rates used, problems; bulk writers.

Foreign keys are resolved through in-memory maps (code -> reference) filled once per file with chunked
`IN` queries, so checking and writing cost a few statements per file, not a few per row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from backend import ledger
from backend.importers.reading import Problems, Row
from backend.models import Company, Customer, Employee, Invoice, PaymentAllocation, Product, SalesOrder

CHUNK = 1000


def chunked(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch = list(items)
    for start in range(0, len(batch), size):
        yield batch[start:start + size]


def insert_rows(session: Session, model: type, rows: list[dict[str, Any]], *, with_ids: bool = False) -> list[int]:
    """Bulk INSERT through the driver's executemany; with `with_ids`, returns the new ids in the order of `rows`.

    Values go through each column type's own bind processor, so Decimal and UTC handling stay in the models,
    but the per-row statement machinery of the ORM (about three quarters of the time) is skipped.
    """
    if not rows:
        return []
    table = model.__table__
    session.flush()  # rows added through the ORM earlier must exist before rows that refer to them
    connection = session.connection()
    ids: list[int] = []
    if with_ids:
        ids = _allocate_ids(connection, table, len(rows))
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids)]
    keys = list(rows[0])
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        raise ValueError(f"bulk insert into {table.name}: every row must set the same columns")
    constants = _python_defaults(table, keys)
    names = keys + list(constants)
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    sql = str(compiled)
    order = [names.index(name) for name in compiled.positiontup] if compiled.positiontup is not None else None
    tail = list(constants.values())
    for batch in chunked(rows, 5000):
        # Column by column, so each type's processor runs in one map() over its values.
        columns = [[row[key] for row in batch] for key in keys] + [[value] * len(batch) for value in tail]
        converted = [list(map(process, values)) if process else values for process, values in zip(processors, columns)]
        if order is not None:
            parameters: list[Any] = list(zip(*(converted[i] for i in order)))
        else:
            parameters = [dict(zip(names, row)) for row in zip(*converted)]
        connection.exec_driver_sql(sql, parameters)
    return ids


def _python_defaults(table, given: list[str]) -> dict[str, Any]:
    """Values of Python-side column defaults (created_at=utcnow, active=True...) for the columns not given."""
    constants: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.key in given or default is None or column.primary_key:
            continue
        if default.is_scalar:
            constants[column.key] = default.arg
        elif default.is_callable:
            constants[column.key] = default.arg(None)
    return constants


def _allocate_ids(connection, table, count: int) -> list[int]:
    """Ids for rows about to be inserted, so children can refer to them without reading them back."""
    if connection.dialect.name == "postgresql":
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                      {"table": table.name}).scalar_one()
        return list(connection.execute(text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :count)"),
                                       {"sequence": sequence, "count": count}).scalars())
    if connection.dialect.name == "sqlite":
        # SQLite has one writer at a time, and a transaction that read before another writer committed can no
        # longer write: ids past max(id) either stay free until the INSERT or the INSERT fails, never collide.
        highest = connection.execute(select(func.max(table.c.id))).scalar_one() or 0
        return list(range(highest + 1, highest + 1 + count))
    raise NotImplementedError(f"bulk import does not support {connection.dialect.name}")


def update_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key: every dict carries `id` and the attributes to set."""
    if rows:
        session.execute(update(model), rows)


def save_records(session: Session, model: type, records: list[Any]) -> list[Any]:
    """Update the records that have an `id`, insert the others (their new id is set); returns the new ones."""
    new = [record for record in records if record.id is None]
    update_rows(session, model, [{"id": record.id, **record.values} for record in records if record.id is not None])
    for record, row_id in zip(new, insert_rows(session, model, [record.values for record in new], with_ids=True)):
        record.id = row_id
    return new


@dataclass(slots=True)
class CustomerRef:
    id: int | None  # None until a customer new in customers.csv is written
    currency: str
    city: str | None = None


@dataclass(slots=True)
class ProductRef:
    id: int | None
    unit_cost: Decimal | None
    category: str | None = None


@dataclass(slots=True)
class OrderRef:
    id: int | None
    customer_code: str
    currency: str
    order_date: date
    fx_rate: Decimal | None = None
    in_orders_file: bool = False


@dataclass(slots=True)
class InvoiceRef:
    id: int | None
    customer_code: str
    currency: str
    amount: Decimal
    status: str
    customer_id: int | None = None
    allocated: Decimal = Decimal(0)  # allocations already in the database


@dataclass(slots=True)
class LineRecord:
    line: int
    sku: str
    quantity: int
    unit_price: Decimal
    discount_pct: Decimal
    line_amount: Decimal | None = None  # filled by pricing, before any write
    line_amount_base: Decimal | None = None
    line_no: int = 0


_MISSING = {
    "customer": ("customers", "no such customer; add it to customers.csv or correct the code"),
    "employee": ("employees", "no such employee; add them to employees.csv or correct the code"),
    "product": ("products", "no such product; add it to products.csv or correct the SKU"),
    "order": ("orders", "no such order; add it to orders.csv or correct the number"),
    "invoice": ("invoices", "no such invoice; add it to invoices.csv or correct the number"),
}


class ImportState:
    def __init__(self, session: Session, problems: Problems):
        self.session = session
        self.problems = problems
        self.company: Company | None = session.execute(select(Company).order_by(Company.id).limit(1)).scalar_one_or_none()
        self.base_currency = self.company.base_currency if self.company else "USD"
        self.timezone = zone_or_utc(self.company.timezone if self.company else "UTC")
        self.broken: set[str] = set()  # files whose keys could not be read: do not report references to them
        self.employees: dict[str, int | None] = {}
        self.customers: dict[str, CustomerRef] = {}
        self.products: dict[str, ProductRef] = {}
        self.orders: dict[str, OrderRef] = {}
        self.invoices: dict[str, InvoiceRef] = {}
        self.order_lines: dict[str, list[LineRecord]] = {}
        self.document_numbers: dict[str, list[str]] = {"order": [], "invoice": [], "ticket": []}
        self.invoices_to_refresh: set[str] = set()
        self.rates = ledger.RateBook(session, self.base_currency)
        self._known: dict[str, dict] = {"customer": self.customers, "employee": self.employees, "product": self.products,
                                        "order": self.orders, "invoice": self.invoices}

    def exists(self, row: Row, column: str, key: str | None, kind: str) -> bool:
        """Whether a referenced key is known (from a file read earlier or the database); records a problem if not."""
        if key is None or key in self._known[kind]:
            return True
        target, message = _MISSING[kind]
        if target in self.broken:
            row.ok = False
        else:
            row.fail(column, key, message)
        return False

    def fx_rate(self, currency: str, on: date) -> Decimal | None:
        """The ledger's rate, cached per (currency, date); None when the database has none."""
        try:
            return self.rates.rate(currency, on)
        except ledger.MissingFxRate:
            return None

    def missing_fx_message(self, currency: str, on: date) -> str:
        return (f"no FX rate for {currency} on or before {on.isoformat()}; add a line "
                f"'{currency},{on.isoformat()},<{self.base_currency} per 1 {currency}>' to fx_rates.csv")

    # Lookups of existing rows, only for the keys a file mentions and not yet known.

    def _unknown(self, keys: Iterable[str | None], known: dict) -> list[str]:
        return sorted({key for key in keys if key and key not in known})

    def load_employees(self, codes: Iterable[str | None]) -> None:
        for chunk in chunked(self._unknown(codes, self.employees)):
            query = select(Employee.id, Employee.code).where(Employee.code.in_(chunk))
            for employee_id, code in self.session.execute(query):
                self.employees[code] = employee_id

    def load_customers(self, codes: Iterable[str | None]) -> None:
        for chunk in chunked(self._unknown(codes, self.customers)):
            query = select(Customer.id, Customer.code, Customer.currency, Customer.city).where(Customer.code.in_(chunk))
            for row in self.session.execute(query):
                self.customers[row.code] = CustomerRef(row.id, row.currency, row.city)

    def load_products(self, skus: Iterable[str | None]) -> None:
        for chunk in chunked(self._unknown(skus, self.products)):
            query = select(Product.id, Product.sku, Product.unit_cost, Product.category).where(Product.sku.in_(chunk))
            for row in self.session.execute(query):
                self.products[row.sku] = ProductRef(row.id, row.unit_cost, row.category)

    def load_orders(self, numbers: Iterable[str | None]) -> None:
        for chunk in chunked(self._unknown(numbers, self.orders)):
            query = (select(SalesOrder.id, SalesOrder.number, Customer.code, SalesOrder.currency, SalesOrder.order_date,
                            SalesOrder.fx_rate)
                     .join(Customer, Customer.id == SalesOrder.customer_id).where(SalesOrder.number.in_(chunk)))
            for row in self.session.execute(query):
                self.orders[row.number] = OrderRef(row.id, row.code, row.currency, row.order_date, row.fx_rate)

    def load_invoices(self, numbers: Iterable[str | None]) -> None:
        for chunk in chunked(self._unknown(numbers, self.invoices)):
            allocated = (select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount).label("total"))
                         .group_by(PaymentAllocation.invoice_id).subquery())
            query = (select(Invoice.id, Invoice.number, Invoice.customer_id, Customer.code, Invoice.currency,
                            Invoice.amount, Invoice.status, allocated.c.total)
                     .join(Customer, Customer.id == Invoice.customer_id)
                     .outerjoin(allocated, allocated.c.invoice_id == Invoice.id)
                     .where(Invoice.number.in_(chunk)))
            for row in self.session.execute(query):
                self.invoices[row.number] = InvoiceRef(row.id, row.code, row.currency, row.amount, row.status,
                                                       customer_id=row.customer_id, allocated=row.total or Decimal(0))


def zone_or_utc(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:  # a bad zone stored earlier must not stop an import that corrects it
        return ZoneInfo("UTC")


class Seen:
    """Keys met so far in one file, so a duplicate names both of its lines."""

    def __init__(self, what: str):
        self.what = what
        self._lines: dict[Any, int] = {}

    def first(self, row: Row, column: str, key: Any, shown: object) -> bool:
        earlier = self._lines.setdefault(key, row.line)
        if earlier != row.line:
            row.fail(column, shown, f"duplicate of line {earlier}; {self.what} may appear only once in this file, "
                                    "remove or merge one of the two lines")
            return False
        return True


@dataclass
class FileLoader:
    """One import file: its columns, how its rows are checked (`parse`), and how they are written."""

    stem: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    required: ClassVar[frozenset[str]]
    # Written before the FX check of orders and invoices, which reads what these files write.
    early: ClassVar[bool] = False

    rows: int = 0
    created: int = 0

    @property
    def file(self) -> str:
        return f"{self.stem}.csv"

    def parse(self, rows: list[Row], state: ImportState) -> None:
        raise NotImplementedError

    def prepare(self, state: ImportState) -> None:
        """Checks that need the early files written (FX rates); runs before any other write."""

    def write(self, state: ImportState) -> None:
        raise NotImplementedError
