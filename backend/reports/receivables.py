"""Receivables: open balances per invoice as of a date, aged into buckets (ar_aging) or listed (overdue_invoices).

An invoice's open balance as of a day = its amount minus the payments allocated to it that were made on or
before that day; void invoices and invoices issued later are left out. As of today that is exactly the
invoices with status 'open'. Balances are converted to base currency at the invoice's own FX rate
(balance × invoice.fx_rate, rounded to the base currency's minor unit), per invoice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.money import round_money
from backend.models import Customer, Invoice, Payment, PaymentAllocation
from backend.reports.labels import BUCKET_NAMES
from backend.reports.table import (ChartHint, Column, ReportRequest, ReportTable, column, cut, limit_note, say,
                                   snapshot)
ZERO = Decimal(0)
BUCKETS = (("current", "Current"), ("days_1_30", "1–30 days"), ("days_31_60", "31–60 days"),
           ("days_61_90", "61–90 days"), ("days_91_plus", "91+ days"))
BUCKET_KEYS = tuple(key for key, _ in BUCKETS)
ID_CHUNK = 5000  # well under SQLite's and PostgreSQL's limits on bound parameters


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    issue_date: date
    due_date: date
    currency: str
    amount: Decimal
    balance: Decimal
    balance_base: Decimal

    def days_past_due(self, as_of: date) -> int:
        return (as_of - self.due_date).days


def bucket_of(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    return "days_61_90" if days_past_due <= 90 else "days_91_plus"


def open_invoices(session: Session, as_of: date, base_currency: str, *, owner_id: int | None = None,
                  customer_id: int | None = None) -> list[OpenInvoice]:
    """Invoices with a positive open balance as of `as_of`: the candidates, then the payments made on them by then.

    Candidates are the invoices open today plus those paid since `as_of` (empty when as_of is today); keeping the
    two apart, rather than one OR, lets both databases use the (status, due_date) index and estimate well.
    """
    paid_later = (select(PaymentAllocation.invoice_id).join(Payment, Payment.id == PaymentAllocation.payment_id)
                  .where(Payment.paid_on > as_of))
    scope = [Invoice.issue_date <= as_of]
    if customer_id is not None:
        scope.append(Invoice.customer_id == customer_id)
    open_now = [Invoice.status == "open"]
    settled_since = [Invoice.status == "paid", Invoice.id.in_(paid_later)]

    def candidates(*columns, extra: list[Any], named: bool = False):
        stmt = select(*columns).where(*scope, *extra)
        if named or owner_id is not None:
            stmt = stmt.join(Customer, Customer.id == Invoice.customer_id)
        return stmt if owner_id is None else stmt.where(Customer.owner_id == owner_id)

    columns = (Invoice.id, Invoice.number, Invoice.customer_id, Customer.code, Customer.name, Invoice.issue_date,
               Invoice.due_date, Invoice.currency, Invoice.fx_rate, Invoice.amount)
    db = session.connection()  # Core rows: thousands of tuples without the ORM's per-row bookkeeping
    invoices = [row for extra in (open_now, settled_since) for row in db.execute(candidates(*columns, extra=extra, named=True))]
    allocated: dict[int, Decimal] = {}
    ids = [row[0] for row in invoices]
    for offset in range(0, len(ids), ID_CHUNK):
        allocated.update({invoice_id: amount for invoice_id, amount in db.execute(
            select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(Payment.paid_on <= as_of, PaymentAllocation.invoice_id.in_(ids[offset:offset + ID_CHUNK]))
            .group_by(PaymentAllocation.invoice_id))})
    found = []
    for invoice_id, number, cid, code, name, issued, due, currency, rate, amount in invoices:
        balance = amount - allocated.get(invoice_id, ZERO)
        if balance <= 0:
            continue
        found.append(OpenInvoice(number=number, customer_id=cid, customer_code=code, customer_name=name,
                                 issue_date=issued, due_date=due, currency=currency, amount=amount, balance=balance,
                                 balance_base=round_money(balance * rate, base_currency)))
    return found


def _notes(req: ReportRequest) -> list[str]:
    lang, day, base = req.language, req.as_of.isoformat(), req.base_currency
    notes = [say(lang, f"Open balance = invoice amount minus payments allocated to it by {day} (void invoices excluded), "
                       f"converted to {base} at each invoice's FX rate and rounded per invoice.",
                 f"Số dư còn nợ = giá trị hóa đơn trừ các khoản thanh toán đã phân bổ cho nó đến {day} (không gồm hóa "
                 f"đơn hủy), quy đổi sang {base} theo tỷ giá của từng hóa đơn và làm tròn theo từng hóa đơn.")]
    if req.rep_id is not None:
        notes.append(say(lang, f"Only customers owned by {req.rep_name} are included.",
                         f"Chỉ gồm khách hàng do {req.rep_name} phụ trách."))
    return notes


def ar_aging(session: Session, req: ReportRequest) -> ReportTable:
    as_of, base = req.as_of, req.base_currency
    per_customer: dict[int, dict] = {}
    for inv in open_invoices(session, as_of, base, owner_id=req.rep_id, customer_id=req.customer_id):
        row = per_customer.get(inv.customer_id)
        if row is None:
            row = per_customer[inv.customer_id] = {"customer_code": inv.customer_code, "customer": inv.customer_name,
                                                   **dict.fromkeys(BUCKET_KEYS, ZERO), "total": ZERO, "invoices": 0}
        row[bucket_of(inv.days_past_due(as_of))] += inv.balance_base
        row["total"] += inv.balance_base
        row["invoices"] += 1
    all_rows = sorted(per_customer.values(), key=lambda r: (-r["total"], r["customer_code"]))
    rows = cut(all_rows, req.limit)
    totals = {key: sum((r[key] for r in all_rows), ZERO) for key, _ in BUCKETS}
    totals["total"] = sum((r["total"] for r in all_rows), ZERO)
    totals["invoices"] = sum(r["invoices"] for r in all_rows)
    lang, day = req.language, as_of.isoformat()
    notes = _notes(req) + [say(lang, f"Buckets count days past the due date as of {day}: current = not yet due (or due "
                                     "that day).",
                               f"Nhóm tuổi nợ tính theo số ngày quá hạn thanh toán đến {day}: trong hạn = chưa đến hạn "
                               "(hoặc đến hạn đúng ngày đó).")]
    notes += limit_note(len(rows), len(all_rows), "customers", lang, "khách hàng")
    return ReportTable(
        name="ar_aging", title=say(lang, f"Receivables aging as of {day}", f"Tuổi nợ phải thu tính đến {day}"),
        period=snapshot(as_of, language=lang), currency=base,
        columns=[column("customer_code", "text", lang, "code"),
                 column("customer", "text", lang),
                 *[Column(key=key, label=BUCKET_NAMES[key][lang], type="money") for key, _ in BUCKETS],
                 column("total", "money", lang, "total_open"),
                 column("invoices", "int", lang)],
        rows=rows, total_rows=len(all_rows), totals=totals,
        chart=ChartHint(kind="bar", x="customer", y=[key for key, _ in BUCKETS],
                        title=say(lang, f"Open receivables by age ({base})", f"Công nợ phải thu theo tuổi nợ ({base})")),
        notes=notes)


def overdue_invoices(session: Session, req: ReportRequest) -> ReportTable:
    as_of, base = req.as_of, req.base_currency
    overdue = [inv for inv in open_invoices(session, as_of, base, owner_id=req.rep_id, customer_id=req.customer_id)
               if inv.days_past_due(as_of) > 0]
    overdue.sort(key=lambda inv: (-inv.days_past_due(as_of), inv.number))
    rows = [{"number": inv.number, "customer_code": inv.customer_code, "customer": inv.customer_name,
             "due_date": inv.due_date.isoformat(), "days_overdue": inv.days_past_due(as_of), "currency": inv.currency,
             "open_balance_doc": inv.balance, "open_balance": inv.balance_base}
            for inv in cut(overdue, req.limit)]
    lang, day = req.language, as_of.isoformat()
    notes = _notes(req) + [say(lang, "Overdue = open balance past its due date; the longest overdue first. "
                                     "'Open (invoice currency)' is the balance in the invoice's own currency.",
                               "Quá hạn = số dư còn nợ đã qua hạn thanh toán; quá hạn lâu nhất trước. "
                               "'Còn nợ (tiền hóa đơn)' là số dư bằng đồng tiền của chính hóa đơn.")]
    notes += limit_note(len(rows), len(overdue), "overdue invoices", lang, "hóa đơn quá hạn")
    return ReportTable(
        name="overdue_invoices", title=say(lang, f"Overdue invoices as of {day}", f"Hóa đơn quá hạn tính đến {day}"),
        period=snapshot(as_of, language=lang), currency=base,
        columns=[column("number", "text", lang, "invoice"),
                 column("customer_code", "text", lang, "code"),
                 column("customer", "text", lang),
                 column("due_date", "date", lang),
                 column("days_overdue", "int", lang),
                 column("currency", "text", lang, "invoice_currency"),
                 column("open_balance_doc", "number", lang, "open_in_invoice_currency"),
                 column("open_balance", "money", lang)],
        rows=rows, total_rows=len(overdue),
        totals={"open_balance": sum((inv.balance_base for inv in overdue), ZERO)},
        chart=ChartHint(kind="none", title=say(lang, "Overdue invoices", "Hóa đơn quá hạn")), notes=notes)
