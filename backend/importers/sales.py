"""orders.csv and order_lines.csv: sales orders priced by the ledger at the FX rate of their order date."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select

from backend import ledger
from backend.importers.reading import Row
from backend.importers.state import (FileLoader, ImportState, LineRecord, OrderRef, Seen, chunked, insert_rows,
                                     save_records, update_rows)
from backend.models import SalesOrder, SalesOrderLine

# "open" in a file is an order placed and not yet shipped, which the model calls "confirmed".
ORDER_STATUS_IN_FILE = {"open": "confirmed", "draft": "draft", "confirmed": "confirmed", "shipped": "shipped",
                        "invoiced": "invoiced", "cancelled": "cancelled"}
_STATUS_CHOICES = tuple(ORDER_STATUS_IN_FILE)


class _Pricing:
    """A detached stand-in for SalesOrder: `ledger.price_order` reads and sets plain attributes only, and ORM
    instances would cost more than the pricing itself over tens of thousands of lines."""

    __slots__ = ("currency", "lines", "fx_rate", "net_amount", "net_amount_base")

    def __init__(self, currency: str, lines: list["_PricedLine"]):
        self.currency, self.lines = currency, lines
        self.fx_rate = self.net_amount = self.net_amount_base = Decimal(0)


class _PricedLine:
    __slots__ = ("quantity", "unit_price", "discount_pct", "line_no", "line_amount", "line_amount_base")

    def __init__(self, quantity: int, unit_price: Decimal, discount_pct: Decimal):
        self.quantity, self.unit_price, self.discount_pct = quantity, unit_price, discount_pct
        self.line_no, self.line_amount, self.line_amount_base = 0, Decimal(0), Decimal(0)


def price_lines(currency: str, rate: Decimal, base_currency: str, lines: list[tuple[int, Decimal, Decimal]]) -> _Pricing:
    """Net amounts of (quantity, unit price, discount) lines and their totals, by the ledger's pricing rule."""
    order = _Pricing(currency, [_PricedLine(quantity, price, discount) for quantity, price, discount in lines])
    ledger.price_order(order, rate, base_currency)  # type: ignore[arg-type] - duck-typed on purpose, see _Pricing
    return order


def _fill_lines(records: list[LineRecord], currency: str, rate: Decimal, base_currency: str) -> _Pricing:
    priced = price_lines(currency, rate, base_currency, [(r.quantity, r.unit_price, r.discount_pct) for r in records])
    for record, line in zip(records, priced.lines):
        record.line_no, record.line_amount, record.line_amount_base = line.line_no, line.line_amount, line.line_amount_base
    return priced


@dataclass(slots=True)
class _Order:
    line: int
    number: str
    customer_code: str
    salesperson_code: str | None
    values: dict[str, Any]
    id: int | None
    currency: str


@dataclass
class OrderLoader(FileLoader):
    stem = "orders"
    columns = ("number", "customer_code", "order_date", "status", "currency", "salesperson_code", "ship_country",
               "ship_city", "required_date", "shipped_date")
    required = frozenset({"number", "customer_code", "order_date"})

    records: list[_Order] = field(default_factory=list)
    with_salesperson: bool = False
    kept_line_amounts: list[dict[str, Any]] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_orders(row.raw("number") for row in rows)
        state.load_customers(row.raw("customer_code") for row in rows)
        state.load_employees(row.raw("salesperson_code") for row in rows)
        self.with_salesperson = bool(rows) and rows[0].has("salesperson_code")
        numbers = Seen("an order number")
        for row in rows:
            number = row.text("number", required=True, max_length=40)
            customer_code = row.text("customer_code", required=True, max_length=40)
            order_date = row.date("order_date", required=True)
            values: dict[str, Any] = {"number": number, "order_date": order_date}
            if row.has("status"):
                status = row.choice("status", _STATUS_CHOICES)
                values["status"] = ORDER_STATUS_IN_FILE[status or "open"]
            for column in ("ship_country", "ship_city"):
                if row.has(column):
                    values[column] = row.text(column, max_length=80)
            for column in ("required_date", "shipped_date"):
                if row.has(column):
                    values[column] = row.date(column)
            shipped = values.get("shipped_date")
            if shipped and order_date and shipped < order_date:
                row.fail("shipped_date", shipped.isoformat(), f"is before the order date {order_date.isoformat()}; "
                                                              "correct one of the two dates")
            salesperson = row.text("salesperson_code", max_length=40)
            state.exists(row, "salesperson_code", salesperson, "employee")
            known_customer = state.exists(row, "customer_code", customer_code, "customer")
            currency = row.currency("currency")
            if number is None or customer_code is None or order_date is None:
                continue
            if not numbers.first(row, "number", number, number):
                continue
            existing = state.orders.get(number)
            if currency is None and known_customer:
                keep_existing = existing is not None and not row.has("currency")
                currency = existing.currency if keep_existing else state.customers[customer_code].currency
            values["currency"] = currency
            state.orders[number] = OrderRef(existing.id if existing else None, customer_code, currency or "", order_date,
                                            in_orders_file=True)
            state.document_numbers["order"].append(number)
            if row.ok:
                self.records.append(_Order(row.line, number, customer_code, salesperson, values,
                                           existing.id if existing else None, currency))

    def prepare(self, state: ImportState) -> None:
        keep_lines = [record for record in self.records
                      if record.id is not None and record.number not in state.order_lines]
        existing_lines = _existing_lines(state, [record.id for record in keep_lines])
        for record in self.records:
            rate = state.fx_rate(record.currency, record.values["order_date"])
            if rate is None:
                state.problems.at(self.file, record.line, "currency", record.currency,
                                  state.missing_fx_message(record.currency, record.values["order_date"]))
                continue
            state.orders[record.number].fx_rate = rate
            file_lines = state.order_lines.get(record.number)
            if file_lines is not None:
                priced = _fill_lines(file_lines, record.currency, rate, state.base_currency)
            else:
                kept = existing_lines.get(record.id, [])
                priced = price_lines(record.currency, rate, state.base_currency,
                                     [(line.quantity, line.unit_price, line.discount_pct) for line in kept])
                self.kept_line_amounts.extend(
                    {"id": old.id, "line_no": new.line_no, "line_amount": new.line_amount,
                     "line_amount_base": new.line_amount_base} for old, new in zip(kept, priced.lines))
            record.values.update(fx_rate=rate, net_amount=priced.net_amount, net_amount_base=priced.net_amount_base)

    def write(self, state: ImportState) -> None:
        session = state.session
        for record in self.records:
            record.values["customer_id"] = state.customers[record.customer_code].id
            if self.with_salesperson:
                record.values["salesperson_id"] = state.employees.get(record.salesperson_code)
        new = save_records(session, SalesOrder, self.records)
        for record in new:
            state.orders[record.number].id = record.id
        update_rows(session, SalesOrderLine, self.kept_line_amounts)
        self.created = len(new)


def _existing_lines(state: ImportState, order_ids: list[int]) -> dict[int, list[Any]]:
    lines: dict[int, list[Any]] = {}
    for chunk in chunked(order_ids):
        query = (select(SalesOrderLine.id, SalesOrderLine.order_id, SalesOrderLine.quantity, SalesOrderLine.unit_price,
                        SalesOrderLine.discount_pct)
                 .where(SalesOrderLine.order_id.in_(chunk))
                 .order_by(SalesOrderLine.order_id, SalesOrderLine.line_no, SalesOrderLine.id))
        for row in state.session.execute(query):
            lines.setdefault(row.order_id, []).append(row)
    return lines


@dataclass
class OrderLineLoader(FileLoader):
    """The lines of an order in this file replace all of that order's lines in the database."""

    stem = "order_lines"
    columns = ("order_number", "sku", "quantity", "unit_price", "discount_pct")
    required = frozenset({"order_number", "sku", "quantity", "unit_price"})

    replaced_order_numbers: list[str] = field(default_factory=list)
    other_order_totals: list[dict[str, Any]] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_orders(row.raw("order_number") for row in rows)
        state.load_products(row.raw("sku") for row in rows)
        for row in rows:
            number = row.text("order_number", required=True, max_length=40)
            sku = row.text("sku", required=True, max_length=40)
            quantity = row.integer("quantity", required=True, minimum=1)
            unit_price = row.decimal("unit_price", required=True, minimum=0)
            discount = row.decimal("discount_pct", minimum=0, maximum=100)
            state.exists(row, "order_number", number, "order")
            state.exists(row, "sku", sku, "product")
            if row.ok:
                state.order_lines.setdefault(number, []).append(
                    LineRecord(row.line, sku, quantity, unit_price, discount or Decimal(0)))

    def prepare(self, state: ImportState) -> None:
        self.replaced_order_numbers = [number for number in state.order_lines if state.orders[number].id is not None]
        for number, lines in state.order_lines.items():
            order = state.orders[number]
            if order.in_orders_file:
                continue  # priced with its header by OrderLoader
            # An order only in this file keeps its header and the FX rate it was booked at.
            priced = _fill_lines(lines, order.currency, order.fx_rate or Decimal(1), state.base_currency)
            self.other_order_totals.append({"id": order.id, "net_amount": priced.net_amount,
                                            "net_amount_base": priced.net_amount_base})

    def write(self, state: ImportState) -> None:
        session = state.session
        update_rows(session, SalesOrder, self.other_order_totals)
        replaced_ids = [state.orders[number].id for number in self.replaced_order_numbers]
        for chunk in chunked(replaced_ids):
            session.execute(delete(SalesOrderLine).where(SalesOrderLine.order_id.in_(chunk))
                            .execution_options(synchronize_session=False))
        rows = []
        for number, lines in state.order_lines.items():
            order_id = state.orders[number].id
            for line in lines:
                product = state.products[line.sku]
                rows.append({"order_id": order_id, "line_no": line.line_no, "product_id": product.id,
                             "quantity": line.quantity, "unit_price": line.unit_price, "discount_pct": line.discount_pct,
                             "line_amount": line.line_amount, "line_amount_base": line.line_amount_base,
                             "unit_cost": product.unit_cost})
        insert_rows(session, SalesOrderLine, rows)
        self.created = len(rows)
