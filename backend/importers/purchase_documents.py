"""purchase_orders.csv, supplier_bills.csv and supplier_payments.csv: the buying documents, one CSV line per document
line, checked by the rules of the purchasing tools and posted to the ledger in the same run.

- A purchase order's received quantities become goods receipts (one per order and receipt date): stock goes up with a
  stock movement per line, and the receipt posts Dr inventory / Cr goods received not billed.
- A bill on an order is three-way matched as record_supplier_bill does (backend.purchasing_rules.match_bill_line):
  units billed beyond those received and prices off the order are kept on the line and flag the bill.
- A payment is allocated to the bills it names; paying a bill more than it still owes is refused.

Numbers in the files are kept, and numbers like BILL-2026-000123 move the counter past them; documents without a
number get the next ones. A document already in the database is refused, not overwritten (it may carry receipts,
bills or payments already)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from backend import numbering
from backend.importers.purchasing import PurchasingBook, purchasing_book
from backend.importers.reading import Row
from backend.importers.state import FileLoader, ImportState, Seen, chunked, insert_rows, update_rows
from backend.models import (GoodsReceipt, GoodsReceiptLine, Product, PurchaseOrder, PurchaseOrderLine, StockLevel,
                            StockMovement, Supplier, SupplierBill, SupplierBillLine, SupplierPayment,
                            SupplierPaymentAllocation, Warehouse)
from backend.models.purchasing import PURCHASE_ORDER_STATUSES
from backend.money import HUNDRED, document_total, format_money, minor_units, round_money
from backend.purchasing_rules import above_approval_threshold, match_bill_line

ZERO = Decimal(0)
COST_PLACES = Decimal("0.0001")
MAX_UNIT_COST = Decimal("1e12")
BILLABLE_STATUSES = ("sent", "partially_received", "received", "closed")


def _places(currency: str | None) -> dict[str, Any]:
    return {} if currency is None else {"places": minor_units(currency), "unit": f"{currency} amounts"}


def _same_on_every_line(row: Row, first: _Header, columns: tuple[str, ...], what: str) -> None:
    """A document's own columns (supplier, dates...) must read the same on each of its lines."""
    for column in columns:
        if row.has(column) and (row.raw(column) or "") != (first.raw.get(column) or ""):
            row.fail(column, row.raw(column), f"differs from line {first.line} of the same {what} "
                                              f"('{first.raw.get(column) or ''}'); give the {what}'s {column} "
                                              "the same on each of its lines")


@dataclass
class _Header:
    line: int
    raw: dict[str, str | None]


def _closed_months(state: ImportState) -> set[str]:
    from backend.accounting.journal import closed_periods

    return closed_periods(state.session)


def _closed_problem(state: ImportState, file: str, line: int, column: str, day: date, closed: set[str]) -> None:
    month = f"{day.year:04d}-{day.month:02d}"
    if month in closed:
        state.problems.at(file, line, column, day.isoformat(),
                          f"falls in {month}, a closed month of the books; date it in an open month or reopen {month}")


def _reserve(state: ImportState, doc_type: str, numbers: list[str]) -> None:
    numbering.reserve_numbers(state.session, doc_type, numbers)


def _assign_numbers(state: ImportState, doc_type: str, undated: list[tuple[Any, date]]) -> None:
    """Give each record without a number the next numbers of its document date's year, in file order."""
    by_year: dict[int, list[Any]] = defaultdict(list)
    for record, day in undated:
        by_year[day.year].append(record)
    for year, records in sorted(by_year.items()):
        for record, number in zip(records, numbering.next_numbers(state.session, doc_type, year, len(records))):
            record.number = number


def _post(state: ImportState, wanted: dict[str, list[int]]) -> None:
    from backend.accounting.posting import post_documents

    wanted = {kind: ids for kind, ids in wanted.items() if ids}
    if wanted:
        post_documents(state.session, wanted)


def _refuse_known(state: ImportState, model, numbers: set[str]) -> set[str]:
    known: set[str] = set()
    for chunk in chunked(sorted(numbers)):
        known.update(state.session.execute(select(model.number).where(model.number.in_(chunk))).scalars())
    return known


# ------------------------------------------------------------------------------------------- purchase orders
@dataclass
class _OrderLine:
    line: int
    sku: str
    product_id: int | None
    quantity: int
    unit_cost: Decimal
    received: int
    billed: int
    received_on: date | None
    line_no: int = 0
    id: int | None = None


@dataclass
class _Order:
    """A purchase order from the file (id None until written) or from the database (when a bill names it)."""

    number: str
    supplier_code: str
    currency: str
    status: str
    tax_rate_pct: Decimal
    id: int | None = None
    line: int = 0
    warehouse_id: int | None = None
    order_date: date | None = None
    expected_date: date | None = None
    explicit_status: str | None = None
    fx_rate: Decimal | None = None
    lines: list[_OrderLine] = field(default_factory=list)
    in_file: bool = False
    totals: tuple[Decimal, Decimal, Decimal, bool] | None = None  # net, tax, total, needs approval


@dataclass
class PurchaseOrderLoader(FileLoader):
    """One line per order line; the order's columns repeat on each of its lines."""

    stem = "purchase_orders"
    columns = ("number", "supplier_code", "warehouse_code", "order_date", "expected_date", "status", "currency",
               "tax_rate_pct", "sku", "quantity", "unit_cost", "received_quantity", "received_on")
    required = frozenset({"number", "supplier_code", "order_date", "sku", "quantity", "unit_cost"})
    _HEADER = ("supplier_code", "warehouse_code", "order_date", "expected_date", "status", "currency", "tax_rate_pct")

    orders: list[_Order] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        session, book = state.session, purchasing_book(state)
        book.load_suppliers(session, (row.raw("supplier_code") for row in rows))
        state.load_products(row.raw("sku") for row in rows)
        warehouses = dict(session.execute(select(Warehouse.code, Warehouse.id)).all())
        in_database = _refuse_known(state, PurchaseOrder, {row.raw("number") for row in rows if row.raw("number")})
        company_rate = state.company.tax_rate_pct if state.company else ZERO
        headers: dict[str, _Header] = {}
        skus = Seen("a product (give one line per product and order, with the total quantity)")
        for row in rows:
            number = row.text("number", required=True, max_length=40)
            sku = row.text("sku", required=True, max_length=40)
            quantity = row.integer("quantity", required=True, minimum=1, maximum=10_000_000)
            unit_cost = row.decimal("unit_cost", required=True, minimum=0, maximum=MAX_UNIT_COST)
            received = row.integer("received_quantity", minimum=0, maximum=10_000_000) or 0
            received_on = row.date("received_on")
            state.exists(row, "sku", sku, "product")
            if number is None:
                continue
            if number in in_database:
                row.fail("number", number, "is already in the database; purchase orders are not re-imported "
                                           "(receipts and bills may hang on them), so remove its lines from the file")
                continue
            first = headers.get(number)
            if first is not None:
                _same_on_every_line(row, first, self._HEADER, "purchase order")
                order = book.orders.get(number)
            else:
                headers[number] = _Header(row.line, {column: row.raw(column) for column in self._HEADER})
                order = self._header(row, number, state, book, warehouses, company_rate)
            if sku is not None:
                skus.first(row, "sku", (number, sku), sku)
            if quantity is not None and received > quantity:
                row.fail("received_quantity", received, f"is more than the {quantity} ordered; give at most "
                                                        "the quantity ordered")
            if order is None or not row.ok or sku is None or quantity is None or unit_cost is None:
                continue
            if received and received_on is None:
                received_on = order.order_date
            if received_on is not None and order.order_date is not None and received_on < order.order_date:
                row.fail("received_on", received_on.isoformat(), f"is before the order date "
                                                                 f"{order.order_date.isoformat()}; correct one of them")
                continue
            order.lines.append(_OrderLine(row.line, sku, None, quantity, unit_cost, received, 0,
                                          received_on if received else None, line_no=len(order.lines) + 1))
        for order in self.orders:
            self._status(order, state)

    def _header(self, row: Row, number: str, state: ImportState, book: PurchasingBook, warehouses: dict[str, int],
                company_rate: Decimal) -> _Order | None:
        supplier_code = row.text("supplier_code", required=True, max_length=40)
        order_date = row.date("order_date", required=True)
        expected = row.date("expected_date")
        status = row.choice("status", PURCHASE_ORDER_STATUSES)
        currency = row.currency("currency")
        tax_rate = row.decimal("tax_rate_pct", minimum=0, maximum=100)
        house = row.text("warehouse_code", max_length=20)
        warehouse_id = None
        if house is not None:
            warehouse_id = warehouses.get(house)
            if warehouse_id is None:
                row.fail("warehouse_code", house, "no such warehouse; use one of " + ", ".join(sorted(warehouses))
                         if warehouses else "no warehouse exists yet; create the warehouse first")
        elif len(warehouses) == 1:
            warehouse_id = next(iter(warehouses.values()))
        else:
            row.fail("warehouse_code", None, "is required when there are several warehouses; give one of "
                     + ", ".join(sorted(warehouses)) if warehouses else "no warehouse exists yet; create one first")
        supplier = book.supplier(row, "supplier_code", supplier_code, state)
        if expected and order_date and expected < order_date:
            row.fail("expected_date", expected.isoformat(), f"is before the order date {order_date.isoformat()}; "
                                                            "correct one of the two dates")
        if supplier is None or order_date is None or not row.ok:
            return None
        order = _Order(number, supplier_code, currency or supplier.currency, status or "sent",
                       company_rate if tax_rate is None else tax_rate, line=row.line, warehouse_id=warehouse_id,
                       order_date=order_date, expected_date=expected, explicit_status=status, in_file=True)
        book.orders[number] = order
        self.orders.append(order)
        return order

    def _status(self, order: _Order, state: ImportState) -> None:
        """The status follows the received quantities: given, it must agree with them; left empty, it is derived."""
        received = sum(line.received for line in order.lines)
        complete = all(line.received == line.quantity for line in order.lines)
        derived = "sent" if received == 0 else "received" if complete else "partially_received"
        status = order.explicit_status
        if status is None:
            order.status = derived
            return
        fits = {"draft": received == 0, "sent": received == 0, "cancelled": received == 0, "closed": True,
                "partially_received": received > 0 and not complete, "received": received > 0 and complete}[status]
        if not fits:
            state.problems.at(self.file, order.line, "status", status,
                              f"does not fit the received quantities of the order's lines ({received} units received"
                              f"{', all of them' if complete and received else ''}); write {derived}, or leave it "
                              "empty to derive it")

    def prepare(self, state: ImportState) -> None:
        from backend.settings import get_settings

        threshold = get_settings().purchasing.approval_threshold
        closed = _closed_months(state)
        for order in self.orders:
            order.fx_rate = state.fx_rate(order.currency, order.order_date)
            if order.fx_rate is None:
                state.problems.at(self.file, order.line, "currency", order.currency,
                                  state.missing_fx_message(order.currency, order.order_date))
                continue
            for line in order.lines:
                if line.received_on is not None:
                    _closed_problem(state, self.file, line.line, "received_on", line.received_on, closed)
            amounts = [round_money(line.quantity * line.unit_cost, order.currency) for line in order.lines]
            net, tax, total = document_total(amounts, order.tax_rate_pct, order.currency)
            order.totals = (net, tax, total,
                            above_approval_threshold(total, order.currency, order.fx_rate,
                                                     base_currency=state.base_currency, threshold=threshold))

    def write(self, state: ImportState) -> None:
        session, book = state.session, purchasing_book(state)
        rows = []
        for order in self.orders:
            net, tax, total, approval = order.totals
            rows.append({"number": order.number, "supplier_id": book.suppliers[order.supplier_code].id,
                         "warehouse_id": order.warehouse_id, "status": order.status, "order_date": order.order_date,
                         "expected_date": order.expected_date, "currency": order.currency, "fx_rate": order.fx_rate,
                         "net_amount": net, "tax_rate_pct": order.tax_rate_pct, "tax_amount": tax, "total": total,
                         "needs_approval": approval, "notes": "Imported from purchase_orders.csv"})
        for order, order_id in zip(self.orders, insert_rows(session, PurchaseOrder, rows, with_ids=True)):
            order.id = order_id
        lines = [line for order in self.orders for line in order.lines]
        line_rows = []
        for order in self.orders:
            for line in order.lines:
                line.product_id = state.products[line.sku].id
                line_rows.append({"purchase_order_id": order.id, "line_no": line.line_no, "product_id": line.product_id,
                                  "quantity": line.quantity, "unit_cost": line.unit_cost,
                                  "line_amount": round_money(line.quantity * line.unit_cost, order.currency),
                                  "received_quantity": line.received, "billed_quantity": 0})
        for line, line_id in zip(lines, insert_rows(session, PurchaseOrderLine, line_rows, with_ids=True)):
            line.id = line_id
        _reserve(state, "purchase_order", [order.number for order in self.orders])
        receipt_ids = self._write_receipts(state)
        _post(state, {"goods_receipt": receipt_ids})
        self.created = len(self.orders)

    def _write_receipts(self, state: ImportState) -> list[int]:
        """One goods receipt per order and receipt date; stock levels and stock movements go up with it."""
        session = state.session
        receipts: list[tuple[_Order, date, list[_OrderLine]]] = []
        for order in self.orders:
            by_day: dict[date, list[_OrderLine]] = defaultdict(list)
            for line in order.lines:
                if line.received:
                    by_day[line.received_on].append(line)
            receipts.extend((order, day, lines) for day, lines in sorted(by_day.items()))
        if not receipts:
            return []
        numbered = [_Numbered() for _ in receipts]
        _assign_numbers(state, "receipt", [(record, day) for record, (_, day, _) in zip(numbered, receipts)])
        ids = insert_rows(session, GoodsReceipt, [
            {"number": record.number, "purchase_order_id": order.id, "warehouse_id": order.warehouse_id,
             "received_on": day} for record, (order, day, _) in zip(numbered, receipts)], with_ids=True)
        receipt_lines, movements = [], []
        added: dict[tuple[int, int], int] = defaultdict(int)
        for receipt_id, (order, day, lines) in zip(ids, receipts):
            for line in lines:
                receipt_lines.append({"receipt_id": receipt_id, "purchase_order_line_id": line.id,
                                      "product_id": line.product_id, "quantity": line.received,
                                      "unit_cost": line.unit_cost})
                movements.append({"product_id": line.product_id, "warehouse_id": order.warehouse_id, "moved_on": day,
                                  "quantity": line.received, "kind": "receipt",
                                  "unit_cost": (line.unit_cost * order.fx_rate).quantize(COST_PLACES),
                                  "source_type": "goods_receipt", "source_id": receipt_id,
                                  "note": "purchase_orders.csv"})
                added[(line.product_id, order.warehouse_id)] += line.received
        insert_rows(session, GoodsReceiptLine, receipt_lines)
        insert_rows(session, StockMovement, movements)
        _add_stock(state, added)
        return ids


@dataclass
class _Numbered:
    number: str = ""


def _add_stock(state: ImportState, added: dict[tuple[int, int], int]) -> None:
    session = state.session
    levels: dict[tuple[int, int], tuple[int, int]] = {}
    for chunk in chunked(sorted({product_id for product_id, _ in added})):
        for row in session.execute(select(StockLevel.id, StockLevel.product_id, StockLevel.warehouse_id,
                                          StockLevel.quantity).where(StockLevel.product_id.in_(chunk))):
            levels[(row.product_id, row.warehouse_id)] = (row.id, row.quantity)
    update_rows(session, StockLevel, [{"id": levels[key][0], "quantity": levels[key][1] + units}
                                      for key, units in added.items() if key in levels])
    insert_rows(session, StockLevel, [{"product_id": product_id, "warehouse_id": warehouse_id, "quantity": units,
                                       "reserved": 0, "reorder_level": 0}
                                      for (product_id, warehouse_id), units in added.items()
                                      if (product_id, warehouse_id) not in levels])


def _load_orders(state: ImportState, book: PurchasingBook, numbers: set[str]) -> None:
    """Purchase orders named by bills that are not in this run's purchase_orders.csv, with their lines."""
    wanted = sorted(number for number in numbers if number not in book.orders)
    session = state.session
    for chunk in chunked(wanted):
        found = session.execute(select(PurchaseOrder.id, PurchaseOrder.number, PurchaseOrder.currency,
                                       PurchaseOrder.status, PurchaseOrder.tax_rate_pct, Supplier.code)
                                .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
                                .where(PurchaseOrder.number.in_(chunk))).all()
        by_id = {}
        for row in found:
            order = _Order(row.number, row.code, row.currency, row.status, row.tax_rate_pct, id=row.id)
            book.orders[row.number] = by_id[row.id] = order
        for line in session.execute(select(PurchaseOrderLine, Product.sku)
                                    .join(Product, Product.id == PurchaseOrderLine.product_id)
                                    .where(PurchaseOrderLine.purchase_order_id.in_(list(by_id)))
                                    .order_by(PurchaseOrderLine.purchase_order_id, PurchaseOrderLine.line_no)):
            pol, sku = line
            by_id[pol.purchase_order_id].lines.append(_OrderLine(0, sku, pol.product_id, pol.quantity, pol.unit_cost,
                                                                 pol.received_quantity, pol.billed_quantity, None,
                                                                 line_no=pol.line_no, id=pol.id))


# ------------------------------------------------------------------------------------------------------ bills
@dataclass
class _BillRef:
    supplier_code: str
    currency: str
    total: Decimal
    status: str
    id: int | None = None
    number: str | None = None
    reference: str = ""
    allocated: Decimal = ZERO
    bill_date: date | None = None


@dataclass
class _BillLine:
    order_line: _OrderLine | None
    product_id: int | None
    sku: str | None
    description: str | None
    quantity: int
    unit_cost: Decimal
    tax: Decimal | None
    quantity_difference: int = 0
    price_difference: Decimal = ZERO


@dataclass
class _Bill:
    line: int
    ref: _BillRef
    order: _Order | None
    due_date: date
    lines: list[_BillLine] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    fx_rate: Decimal | None = None
    number: str | None = None
    totals: tuple[Decimal, Decimal] | None = None  # net, tax


@dataclass
class SupplierBillLoader(FileLoader):
    """One line per bill line; a bill is known by supplier and the supplier's reference (its invoice number)."""

    stem = "supplier_bills"
    columns = ("number", "supplier_reference", "supplier_code", "po_number", "bill_date", "due_date", "currency",
               "sku", "description", "quantity", "unit_cost", "tax", "status")
    required = frozenset({"supplier_reference", "supplier_code", "bill_date", "quantity", "unit_cost"})
    _HEADER = ("number", "po_number", "bill_date", "due_date", "currency", "status")

    bills: list[_Bill] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        session, book = state.session, purchasing_book(state)
        book.load_suppliers(session, (row.raw("supplier_code") for row in rows))
        state.load_products(row.raw("sku") for row in rows)
        _load_orders(state, book, {row.raw("po_number") for row in rows if row.raw("po_number")})
        known_numbers = _refuse_known(state, SupplierBill, {row.raw("number") for row in rows if row.raw("number")})
        known_references = self._known_references(state, book, rows)
        headers: dict[tuple[str, str], tuple[_Header, _Bill | None]] = {}
        numbers = Seen("a bill number (each bill has its own)")
        for row in rows:
            reference = row.text("supplier_reference", required=True, max_length=80)
            supplier_code = row.text("supplier_code", required=True, max_length=40)
            sku = row.text("sku", max_length=40)
            description = row.text("description", max_length=200)
            quantity = row.integer("quantity", required=True, minimum=1, maximum=10_000_000)
            unit_cost = row.decimal("unit_cost", required=True, minimum=0, maximum=MAX_UNIT_COST)
            state.exists(row, "sku", sku, "product")
            if sku is None and description is None:
                row.fail("sku", None, "give the product's sku or a description of what was billed")
            if reference is None or supplier_code is None:
                continue
            key = (supplier_code, reference)
            if key in headers:
                first, bill = headers[key]
                _same_on_every_line(row, first, self._HEADER, "bill")
            else:
                bill = self._header(row, key, state, book, known_numbers, known_references, numbers)
                headers[key] = (_Header(row.line, {column: row.raw(column) for column in self._HEADER}), bill)
            tax = row.decimal("tax", minimum=0, **_places(bill.ref.currency if bill else None))
            if bill is None or not row.ok or quantity is None or unit_cost is None:
                continue
            self._add_line(row, bill, sku, description, quantity, unit_cost, tax, state)
        company_rate = state.company.tax_rate_pct if state.company else ZERO
        for bill in self.bills:
            self._total(bill, company_rate)

    def _known_references(self, state: ImportState, book: PurchasingBook, rows: list[Row]) -> dict[tuple[str, str], str]:
        ids = {book.suppliers[code].id: code for code in {row.raw("supplier_code") for row in rows}
               if code in book.suppliers and book.suppliers[code].id is not None}
        known: dict[tuple[str, str], str] = {}
        for chunk in chunked(sorted(ids)):
            for supplier_id, reference, number in state.session.execute(
                    select(SupplierBill.supplier_id, SupplierBill.supplier_reference, SupplierBill.number)
                    .where(SupplierBill.supplier_id.in_(chunk))):
                known[(ids[supplier_id], reference)] = number
        return known

    def _header(self, row: Row, key: tuple[str, str], state: ImportState, book: PurchasingBook, known_numbers: set[str],
                known_references: dict[tuple[str, str], str], numbers: Seen) -> _Bill | None:
        supplier_code, reference = key
        number = row.text("number", max_length=40)
        po_number = row.text("po_number", max_length=40)
        bill_date = row.date("bill_date", required=True)
        due_date = row.date("due_date")
        currency = row.currency("currency")
        status = row.choice("status", ("open", "void", "paid")) or "open"
        supplier = book.supplier(row, "supplier_code", supplier_code, state)
        if status == "paid":
            row.fail("status", "paid", "is derived from supplier_payments.csv; write open (or leave it empty) and "
                                       "list the payments in supplier_payments.csv")
        if key in known_references:
            row.fail("supplier_reference", reference, f"is already recorded as {known_references[key]}; a bill "
                                                      "recorded twice would be paid twice, so remove its lines")
        if number is not None:
            if number in known_numbers:
                row.fail("number", number, "is already in the database; remove this bill's lines or renumber it")
            else:
                numbers.first(row, "number", number, number)
        order = None
        if po_number is not None:
            order = book.orders.get(po_number)
            if order is None:
                row.fail("po_number", po_number, "no such purchase order; add it to purchase_orders.csv or correct "
                                                 "the number (or leave it empty for a bill without an order)")
            elif order.supplier_code != supplier_code:
                row.fail("po_number", po_number, f"is an order to supplier {order.supplier_code}, not {supplier_code}; "
                                                 "correct the supplier or the order")
            elif order.status not in BILLABLE_STATUSES:
                row.fail("po_number", po_number, f"is {order.status.replace('_', ' ')}; bills are recorded against "
                                                 "sent orders only, so send it (status sent) or bill without the order")
            elif currency is not None and currency != order.currency:
                row.fail("currency", currency, f"differs from the order's currency {order.currency}; a bill on an "
                                               "order is in the order's currency")
        if supplier is None or bill_date is None or not row.ok:
            return None
        currency = currency or (order.currency if order else supplier.currency)
        due = due_date or bill_date + timedelta(days=supplier.terms_days)
        if due < bill_date:
            row.fail("due_date", due.isoformat(), f"is before the bill date {bill_date.isoformat()}; correct one of "
                                                  "the two dates")
            return None
        ref = _BillRef(supplier_code, currency, ZERO, status, number=number, reference=reference, bill_date=bill_date)
        bill = _Bill(row.line, ref, order, due, number=number)
        self.bills.append(bill)
        book.bills[key] = ref
        if number is not None:
            book.bills[number] = ref
        return bill

    def _add_line(self, row: Row, bill: _Bill, sku: str | None, description: str | None, quantity: int,
                  unit_cost: Decimal, tax: Decimal | None, state: ImportState) -> None:
        order = bill.order
        product = state.products.get(sku) if sku else None
        if order is None:
            bill.lines.append(_BillLine(None, None, sku, description, quantity, unit_cost, tax))
            return
        if sku is None:
            row.fail("sku", None, f"a bill on purchase order {order.number} bills its products; give the sku of "
                                  "the order line")
            return
        candidates = sorted((line for line in order.lines if line.sku == sku),
                            key=lambda line: (line.received - line.billed <= 0, line.line_no))
        if not candidates:
            row.fail("sku", sku, f"is not on purchase order {order.number}, which lists "
                                 + ", ".join(sorted({line.sku for line in order.lines})) + "; correct the sku or "
                                 "bill it without the order")
            return
        line = candidates[0]
        match = match_bill_line(line_no=len(bill.lines) + 1, sku=sku, quantity=quantity, unit_cost=unit_cost,
                                ordered=line.quantity, received=line.received, billed_before=line.billed,
                                ordered_unit_cost=line.unit_cost, currency=bill.ref.currency)
        line.billed += quantity
        bill.exceptions.extend(match.exceptions)
        bill.lines.append(_BillLine(line, product.id if product else None, sku, description, quantity, unit_cost, tax,
                                    match.quantity_difference, match.price_difference))

    def prepare(self, state: ImportState) -> None:
        closed = _closed_months(state)
        for bill in self.bills:
            ref, currency = bill.ref, bill.ref.currency
            bill.fx_rate = state.fx_rate(currency, ref.bill_date)
            if bill.fx_rate is None:
                state.problems.at(self.file, bill.line, "currency", currency,
                                  state.missing_fx_message(currency, ref.bill_date))
            _closed_problem(state, self.file, bill.line, "bill_date", ref.bill_date, closed)

    @staticmethod
    def _total(bill: _Bill, company_rate: Decimal) -> None:
        """Net, VAT (the lines' tax, else at the order's VAT rate or the company's) and total, known before the
        payments file is checked against them."""
        currency = bill.ref.currency
        net = round_money(sum((round_money(line.quantity * line.unit_cost, currency) for line in bill.lines), ZERO),
                          currency)
        if any(line.tax is not None for line in bill.lines):
            tax = round_money(sum((line.tax or ZERO for line in bill.lines), ZERO), currency)
        else:
            rate = bill.order.tax_rate_pct if bill.order else company_rate
            tax = round_money(net * rate / HUNDRED, currency)
        bill.totals = (net, tax)
        bill.ref.total = net + tax

    def write(self, state: ImportState) -> None:
        session = state.session
        given = [bill.number for bill in self.bills if bill.number]
        _reserve(state, "bill", given)
        _assign_numbers(state, "bill", [(bill, bill.ref.bill_date) for bill in self.bills if not bill.number])
        book = purchasing_book(state)
        rows = []
        for bill in self.bills:
            ref = bill.ref
            net, tax = bill.totals
            ref.number = bill.number
            book.bills[bill.number] = ref
            rows.append({"number": bill.number, "supplier_reference": ref.reference,
                         "supplier_id": book.suppliers[ref.supplier_code].id,
                         "purchase_order_id": bill.order.id if bill.order else None, "bill_date": ref.bill_date,
                         "due_date": bill.due_date, "currency": ref.currency, "fx_rate": bill.fx_rate,
                         "net_amount": net, "tax_amount": tax, "total": net + tax, "status": ref.status,
                         "match_status": "exceptions" if bill.exceptions else "matched"})
        for bill, bill_id in zip(self.bills, insert_rows(session, SupplierBill, rows, with_ids=True)):
            bill.ref.id = bill_id
        line_rows = []
        for bill in self.bills:
            for line in bill.lines:
                product_id = line.order_line.product_id if line.order_line else (
                    state.products[line.sku].id if line.sku else None)
                line_rows.append({"bill_id": bill.ref.id,
                                  "purchase_order_line_id": line.order_line.id if line.order_line else None,
                                  "product_id": product_id, "description": line.description,
                                  "quantity": line.quantity, "unit_cost": line.unit_cost,
                                  "line_amount": round_money(line.quantity * line.unit_cost, bill.ref.currency),
                                  "quantity_difference": line.quantity_difference,
                                  "price_difference": line.price_difference})
        insert_rows(session, SupplierBillLine, line_rows)
        billed = {line.order_line.id: line.order_line.billed for bill in self.bills for line in bill.lines
                  if line.order_line is not None}
        update_rows(session, PurchaseOrderLine, [{"id": line_id, "billed_quantity": units}
                                                 for line_id, units in billed.items()])
        _post(state, {"supplier_bill": [bill.ref.id for bill in self.bills if bill.ref.status != "void"]})
        self.created = len(self.bills)


# ----------------------------------------------------------------------------------------------- payments
@dataclass
class _Allocation:
    line: int
    bill: _BillRef
    amount: Decimal


@dataclass
class _Payment:
    line: int
    supplier_code: str
    paid_on: date
    currency: str | None
    method: str | None
    reference: str | None
    number: str | None = None
    allocations: list[_Allocation] = field(default_factory=list)
    fx_rate: Decimal | None = None
    id: int | None = None


@dataclass
class SupplierPaymentLoader(FileLoader):
    """One line per bill a payment pays; the lines of one payment share its number (a line without a number is a
    payment of its own). A bill is named by our number (BILL-…) or by the supplier's reference."""

    stem = "supplier_payments"
    columns = ("number", "supplier_code", "paid_on", "currency", "bill", "amount", "method", "reference")
    required = frozenset({"supplier_code", "paid_on", "bill", "amount"})
    _HEADER = ("supplier_code", "paid_on", "currency", "method", "reference")

    payments: list[_Payment] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        session, book = state.session, purchasing_book(state)
        book.load_suppliers(session, (row.raw("supplier_code") for row in rows))
        self._load_bills(state, book, rows)
        known_numbers = _refuse_known(state, SupplierPayment, {row.raw("number") for row in rows if row.raw("number")})
        headers: dict[str, tuple[_Header, _Payment | None]] = {}
        planned: dict[int, Decimal] = {}  # id(bill ref) -> allocated so far, database and file
        for row in rows:
            number = row.text("number", max_length=40)
            supplier_code = row.text("supplier_code", required=True, max_length=40)
            paid_on = row.date("paid_on", required=True)
            currency = row.currency("currency")
            named = row.text("bill", required=True, max_length=80)
            method = row.text("method", max_length=40)
            reference = row.text("reference", max_length=80)
            supplier = book.supplier(row, "supplier_code", supplier_code, state)
            if number is not None and number in known_numbers:
                row.fail("number", number, "is already in the database; remove this payment's lines or renumber it")
            payment = None
            if number is not None and number in headers:
                first, payment = headers[number]
                _same_on_every_line(row, first, self._HEADER, "payment")
            elif supplier is not None and paid_on is not None and row.ok:
                payment = _Payment(row.line, supplier_code, paid_on, currency, method, reference, number)
                self.payments.append(payment)
            if number is not None and number not in headers:
                headers[number] = (_Header(row.line, {column: row.raw(column) for column in self._HEADER}), payment)
            bill = self._bill(row, named, supplier_code, book) if named and supplier_code else None
            amount = row.decimal("amount", required=True, positive=True, **_places(bill.currency if bill else None))
            if bill is None or payment is None or amount is None or not row.ok:
                continue
            self._allocate(row, payment, bill, amount, planned)

    def _load_bills(self, state: ImportState, book: PurchasingBook, rows: list[Row]) -> None:
        """Bills the file names that supplier_bills.csv did not bring, by our number or the supplier's reference."""
        names = {row.raw("bill") for row in rows if row.raw("bill")}
        codes = {row.raw("supplier_code") for row in rows if row.raw("supplier_code")}
        allocated = (select(SupplierPaymentAllocation.bill_id, func.sum(SupplierPaymentAllocation.amount).label("paid"))
                     .group_by(SupplierPaymentAllocation.bill_id).subquery())
        query = (select(SupplierBill.id, SupplierBill.number, SupplierBill.supplier_reference, Supplier.code,
                        SupplierBill.currency, SupplierBill.total, SupplierBill.status, SupplierBill.bill_date,
                        allocated.c.paid)
                 .join(Supplier, Supplier.id == SupplierBill.supplier_id)
                 .outerjoin(allocated, allocated.c.bill_id == SupplierBill.id))
        for chunk in chunked(sorted(names)):
            for row in state.session.execute(query.where(SupplierBill.number.in_(chunk)
                                                         | (SupplierBill.supplier_reference.in_(chunk)
                                                            & Supplier.code.in_(codes)))):
                if row.number in book.bills or (row.code, row.supplier_reference) in book.bills:
                    continue
                ref = _BillRef(row.code, row.currency, row.total, row.status, id=row.id, number=row.number,
                               reference=row.supplier_reference, allocated=row.paid or ZERO, bill_date=row.bill_date)
                book.bills[row.number] = book.bills[(row.code, row.supplier_reference)] = ref

    def _bill(self, row: Row, named: str, supplier_code: str, book: PurchasingBook) -> _BillRef | None:
        bill = book.bills.get((supplier_code, named)) or book.bills.get(named)
        if bill is None:
            row.fail("bill", named, f"no bill of supplier {supplier_code} has this number or reference; add it to "
                                    "supplier_bills.csv or correct the reference")
        elif bill.supplier_code != supplier_code:
            row.fail("bill", named, f"is a bill of supplier {bill.supplier_code}, not {supplier_code}; correct the "
                                    "supplier or the bill")
        elif bill.status == "void":
            row.fail("bill", named, "is void and cannot be paid; remove this line")
        else:
            return bill
        return None

    def _allocate(self, row: Row, payment: _Payment, bill: _BillRef, amount: Decimal,
                  planned: dict[int, Decimal]) -> None:
        currency = payment.currency or bill.currency
        if currency != bill.currency:
            row.fail("bill", row.raw("bill"), f"is in {bill.currency} but the payment is in {currency}; one payment "
                                              "is in one currency, so record one payment per currency")
            return
        if any(allocation.bill is bill for allocation in payment.allocations):
            row.fail("bill", row.raw("bill"), "appears twice in this payment; merge the two lines")
            return
        before = planned.get(id(bill), bill.allocated)
        if before + amount > bill.total:
            still = max(bill.total - before, ZERO)
            row.fail("amount", amount, f"overpays bill {bill.number or bill.reference}: payments would total "
                                       f"{format_money(before + amount, currency)}, more than its total "
                                       f"{format_money(bill.total, currency)}; pay at most "
                                       f"{format_money(still, currency)} on it")
            return
        planned[id(bill)] = before + amount
        payment.currency = currency
        payment.allocations.append(_Allocation(row.line, bill, amount))

    def prepare(self, state: ImportState) -> None:
        closed = _closed_months(state)
        for payment in self.payments:
            if not payment.allocations:
                continue
            payment.fx_rate = state.fx_rate(payment.currency, payment.paid_on)
            if payment.fx_rate is None:
                state.problems.at(self.file, payment.line, "currency", payment.currency,
                                  state.missing_fx_message(payment.currency, payment.paid_on))
            _closed_problem(state, self.file, payment.line, "paid_on", payment.paid_on, closed)

    def write(self, state: ImportState) -> None:
        session, book = state.session, purchasing_book(state)
        payments = [payment for payment in self.payments if payment.allocations]
        _reserve(state, "supplier_payment", [payment.number for payment in payments if payment.number])
        _assign_numbers(state, "supplier_payment", [(payment, payment.paid_on) for payment in payments
                                                    if not payment.number])
        rows = [{"number": payment.number, "supplier_id": book.suppliers[payment.supplier_code].id,
                 "paid_on": payment.paid_on, "amount": sum((a.amount for a in payment.allocations), ZERO),
                 "currency": payment.currency, "fx_rate": payment.fx_rate, "method": payment.method,
                 "reference": payment.reference} for payment in payments]
        for payment, payment_id in zip(payments, insert_rows(session, SupplierPayment, rows, with_ids=True)):
            payment.id = payment_id
        allocations = [(payment, allocation) for payment in payments for allocation in payment.allocations]
        allocation_ids = insert_rows(session, SupplierPaymentAllocation, [
            {"payment_id": payment.id, "bill_id": allocation.bill.id, "amount": allocation.amount}
            for payment, allocation in allocations], with_ids=True)
        paid: dict[int, _BillRef] = {}
        for _, allocation in allocations:
            allocation.bill.allocated += allocation.amount
            if allocation.bill.allocated >= allocation.bill.total:
                paid[allocation.bill.id] = allocation.bill
        update_rows(session, SupplierBill, [{"id": bill_id, "status": "paid"} for bill_id in paid])
        _post(state, {"supplier_payment": [payment.id for payment in payments],
                      "supplier_allocation": allocation_ids})
        self.created = len(payments)
