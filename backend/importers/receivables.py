"""invoices.csv and payments.csv: receivables, each payment allocated wholly to its invoice.

A payment line is identified by (invoice, paid_on, amount, method): on a re-import, a line that matches a
payment already allocated to that invoice is skipped, so nothing is counted twice. The same line written
twice in one file is two payments (two equal instalments on one day happen), and matches two stored ones.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from backend.importers.reading import Row
from backend.importers.state import FileLoader, ImportState, InvoiceRef, Seen, chunked, insert_rows, save_records
from backend.models import Invoice, Payment, PaymentAllocation
from backend.money import format_money, minor_units

_INVOICE_STATUSES = ("open", "void", "paid")


@dataclass(slots=True)
class _Invoice:
    line: int
    number: str
    customer_code: str
    order_number: str | None
    values: dict[str, Any]
    id: int | None


@dataclass
class InvoiceLoader(FileLoader):
    stem = "invoices"
    columns = ("number", "customer_code", "order_number", "issue_date", "due_date", "currency", "amount", "status")
    required = frozenset({"number", "customer_code", "issue_date", "due_date", "amount"})

    records: list[_Invoice] = field(default_factory=list)
    with_order: bool = False

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_invoices(row.raw("number") for row in rows)
        state.load_customers(row.raw("customer_code") for row in rows)
        state.load_orders(row.raw("order_number") for row in rows)
        self.with_order = bool(rows) and rows[0].has("order_number")
        numbers = Seen("an invoice number")
        for row in rows:
            number = row.text("number", required=True, max_length=40)
            customer_code = row.text("customer_code", required=True, max_length=40)
            order_number = row.text("order_number", max_length=40)
            issue_date = row.date("issue_date", required=True)
            due_date = row.date("due_date", required=True)
            values: dict[str, Any] = {"number": number, "issue_date": issue_date, "due_date": due_date}
            if issue_date and due_date and due_date < issue_date:
                row.fail("due_date", due_date.isoformat(), f"is before the issue date {issue_date.isoformat()}; "
                                                           "correct one of the two dates")
            if row.has("status"):
                status = row.choice("status", _INVOICE_STATUSES) or "open"
                if status == "paid":
                    row.fail("status", "paid", "is derived from payments.csv; write open (or leave it empty) "
                                               "and list the payments in payments.csv")
                values["status"] = status
            known_customer = state.exists(row, "customer_code", customer_code, "customer")
            if state.exists(row, "order_number", order_number, "order") and order_number and customer_code:
                order_customer = state.orders[order_number].customer_code
                if order_customer != customer_code:
                    row.fail("order_number", order_number, f"belongs to customer {order_customer}, "
                                                           f"not {customer_code}; correct the customer or the order")
            currency = row.currency("currency")
            existing = state.invoices.get(number) if number else None
            if currency is None and known_customer and customer_code:
                keep_existing = existing is not None and not row.has("currency")
                currency = existing.currency if keep_existing else state.customers[customer_code].currency
            amount = row.decimal("amount", required=True, minimum=0, **_amount_places(currency))
            if number is None or customer_code is None or not numbers.first(row, "number", number, number):
                continue
            values.update(currency=currency, amount=amount)
            if existing is not None and amount is not None and existing.allocated > amount:
                paid = format_money(existing.allocated, currency or existing.currency)
                row.fail("amount", amount, f"payments of {paid} are already recorded for this invoice; "
                                           "the amount cannot be lower")
            status = values.get("status") or (existing.status if existing else "open")
            state.invoices[number] = InvoiceRef(existing.id if existing else None, customer_code, currency or "",
                                                amount if amount is not None else Decimal(0), status,
                                                allocated=existing.allocated if existing else Decimal(0))
            state.document_numbers["invoice"].append(number)
            if row.ok:
                self.records.append(_Invoice(row.line, number, customer_code, order_number, values,
                                             existing.id if existing else None))

    def prepare(self, state: ImportState) -> None:
        for record in self.records:
            currency, issue_date = record.values["currency"], record.values["issue_date"]
            rate = state.fx_rate(currency, issue_date)
            if rate is None:
                state.problems.at(self.file, record.line, "currency", currency,
                                  state.missing_fx_message(currency, issue_date))
            record.values["fx_rate"] = rate

    def write(self, state: ImportState) -> None:
        for record in self.records:
            customer_id = state.customers[record.customer_code].id
            record.values["customer_id"] = customer_id
            if self.with_order:
                record.values["order_id"] = state.orders[record.order_number].id if record.order_number else None
            state.invoices[record.number].customer_id = customer_id
            state.invoices_to_refresh.add(record.number)
        new = save_records(state.session, Invoice, self.records)
        for record in new:
            state.invoices[record.number].id = record.id
        self.created = len(new)


def _amount_places(currency: str | None) -> dict[str, Any]:
    """Invoice and payment amounts may not be finer than their currency's minor unit (VND has none)."""
    if currency is None:
        return {}
    return {"places": minor_units(currency), "unit": f"{currency} amounts"}


@dataclass(slots=True)
class _Payment:
    invoice_number: str
    paid_on: date
    amount: Decimal
    method: str | None


@dataclass
class PaymentLoader(FileLoader):
    stem = "payments"
    columns = ("invoice_number", "paid_on", "amount", "method")
    required = frozenset({"invoice_number", "paid_on", "amount"})

    records: list[_Payment] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_invoices(row.raw("invoice_number") for row in rows)
        stored = _stored_payments(state, {state.invoices[number].id for number in
                                          (row.raw("invoice_number") for row in rows) if number in state.invoices})
        allocated: dict[str, Decimal] = {}
        for row in rows:
            number = row.text("invoice_number", required=True, max_length=40)
            paid_on = row.date("paid_on", required=True)
            method = row.text("method", max_length=40)
            if not state.exists(row, "invoice_number", number, "invoice") or number is None:
                row.decimal("amount", required=True, positive=True)
                continue
            invoice = state.invoices[number]
            amount = row.decimal("amount", required=True, positive=True, **_amount_places(invoice.currency))
            if invoice.status == "void":
                row.fail("invoice_number", number, "is void and cannot take payments; "
                                                   "remove this line or re-open the invoice")
            if amount is None or paid_on is None:
                continue
            key = (invoice.id, paid_on, amount, method)
            if invoice.id is not None and stored[key] > 0:
                stored[key] -= 1  # already recorded by an earlier import
                continue
            total = allocated.get(number, invoice.allocated) + amount
            allocated[number] = total
            if total > invoice.amount:
                row.fail("amount", amount, f"payments for invoice {number} would total "
                                           f"{format_money(total, invoice.currency)}, more than its amount "
                                           f"{format_money(invoice.amount, invoice.currency)}; "
                                           "correct the amount or remove a duplicate payment")
            if row.ok:
                self.records.append(_Payment(number, paid_on, amount, method))

    def write(self, state: ImportState) -> None:
        session = state.session
        payments = []
        for record in self.records:
            invoice = state.invoices[record.invoice_number]
            payments.append({"customer_id": invoice.customer_id, "paid_on": record.paid_on, "amount": record.amount,
                             "currency": invoice.currency, "method": record.method})
            state.invoices_to_refresh.add(record.invoice_number)
        payment_ids = insert_rows(session, Payment, payments, with_ids=True)
        insert_rows(session, PaymentAllocation, [
            {"payment_id": payment_id, "invoice_id": state.invoices[record.invoice_number].id, "amount": record.amount}
            for record, payment_id in zip(self.records, payment_ids)])
        self.created = len(payments)


def _stored_payments(state: ImportState, invoice_ids: set[int | None]) -> Counter:
    """How many stored payments each (invoice id, paid_on, allocated amount, method) already has."""
    stored: Counter = Counter()
    for chunk in chunked(invoice_id for invoice_id in invoice_ids if invoice_id is not None):
        query = (select(PaymentAllocation.invoice_id, Payment.paid_on, PaymentAllocation.amount, Payment.method)
                 .join(Payment, Payment.id == PaymentAllocation.payment_id)
                 .where(PaymentAllocation.invoice_id.in_(chunk)))
        for row in state.session.execute(query):
            stored[(row.invoice_id, row.paid_on, row.amount, row.method)] += 1
    return stored
