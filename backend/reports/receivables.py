"""Receivables: open balances per invoice as of a date, aged into buckets (ar_aging), listed (overdue_invoices, one
customer's open invoices), and the payments received in a period.

An invoice's open balance as of a day and its aging bucket are the rules of backend.semantic.rules (amount minus
payments applied by then; void invoices and invoices issued later left out). Balances are converted to base
currency at the invoice's own FX rate (balance × invoice.fx_rate, rounded to the base currency's minor unit), per
invoice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import ValidationFailed
from backend.money import round_money
from backend.models import Customer, Invoice
from backend.reports.labels import BUCKET_NAMES
from backend.reports.table import (ChartHint, Column, ReportRequest, ReportTable, column, cut, limit_note, say,
                                   snapshot)
from backend.semantic import rules
from backend.semantic.rules import AGING_BUCKETS, bucket_of

ZERO = Decimal(0)
BUCKETS = tuple((key, BUCKET_NAMES[key]["en"]) for key in AGING_BUCKETS)
BUCKET_KEYS = AGING_BUCKETS


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


def open_invoices(session: Session, as_of: date, base_currency: str, *, owner_id: int | None = None,
                  customer_id: int | None = None) -> list[OpenInvoice]:
    """Invoices with a positive open balance on `as_of` (rules.open_balance over rules.open_invoice_candidates)."""
    balance = rules.open_balance(as_of).label("balance")
    stmt = (select(Invoice.number, Invoice.customer_id, Customer.code, Customer.name, Invoice.issue_date,
                   Invoice.due_date, Invoice.currency, Invoice.fx_rate, Invoice.amount, balance)
            .join(Customer, Customer.id == Invoice.customer_id).where(rules.open_invoice_candidates(as_of)))
    if customer_id is not None:
        stmt = stmt.where(Invoice.customer_id == customer_id)
    if owner_id is not None:
        stmt = stmt.where(Customer.owner_id == owner_id)
    found = []
    # Core rows: thousands of tuples without the ORM's per-row bookkeeping.
    for number, cid, code, name, issued, due, currency, rate, amount, left in session.connection().execute(stmt):
        if left <= 0:
            continue
        found.append(OpenInvoice(number=number, customer_id=cid, customer_code=code, customer_name=name,
                                 issue_date=issued, due_date=due, currency=currency, amount=amount, balance=left,
                                 balance_base=round_money(left * rate, base_currency)))
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


def customer_open_invoices(session: Session, req: ReportRequest) -> ReportTable:
    """One customer's invoices that still owe something: what was invoiced, what is paid, what is still open."""
    if req.customer_id is None:
        raise ValidationFailed("The customer_open_invoices report is about one customer.", hint="Say which customer.")
    as_of, base = req.as_of, req.base_currency
    items = open_invoices(session, as_of, base, owner_id=req.rep_id, customer_id=req.customer_id)
    items.sort(key=lambda inv: (inv.due_date, inv.number))
    rows = [{"number": inv.number, "issue_date": inv.issue_date.isoformat(), "due_date": inv.due_date.isoformat(),
             "days_overdue": max(inv.days_past_due(as_of), 0), "currency": inv.currency, "amount": inv.amount,
             "paid": inv.amount - inv.balance, "open_balance_doc": inv.balance, "open_balance": inv.balance_base}
            for inv in cut(items, req.limit)]
    lang, day = req.language, as_of.isoformat()
    notes = _notes(req) + [say(lang, "Amount, paid and open (invoice currency) are in the invoice's own currency; the "
                                     "last column is the open balance in the base currency. Oldest due date first.",
                               "Giá trị, đã trả và còn nợ (tiền hóa đơn) theo đồng tiền của hóa đơn; cột cuối là số dư "
                               "còn nợ quy đổi. Hạn thanh toán sớm nhất trước.")]
    notes += limit_note(len(rows), len(items), "open invoices", lang, "hóa đơn còn nợ")
    return ReportTable(
        name="customer_open_invoices",
        title=say(lang, f"Open invoices as of {day}", f"Hóa đơn còn nợ tính đến {day}"),
        period=snapshot(as_of, language=lang), currency=base,
        columns=[column("number", "text", lang, "invoice"),
                 column("issue_date", "date", lang),
                 column("due_date", "date", lang),
                 column("days_overdue", "int", lang),
                 column("currency", "text", lang, "invoice_currency"),
                 column("amount", "number", lang, "amount_invoiced"),
                 Column(key="paid", label=say(lang, "Paid", "Đã trả"), type="number"),
                 column("open_balance_doc", "number", lang, "open_in_invoice_currency"),
                 column("open_balance", "money", lang)],
        rows=rows, total_rows=len(items), totals={"open_balance": sum((inv.balance_base for inv in items), ZERO)},
        chart=ChartHint(kind="none", title=say(lang, "Open invoices", "Hóa đơn còn nợ")), notes=notes)


def payments_received(session: Session, req: ReportRequest) -> ReportTable:
    """Customer payments in a period, per customer, through the semantic model's payments_received."""
    found = req.model(session, ("payments_received",), ("customer",), limit=req.limit, rep_dimension="owner")
    counts = {row["customer"]: row for row in req.model(session, ("payment_count",), ("customer",),
                                                         rep_dimension="owner").rows}
    lang, period = req.language, req.period
    rows = [{"customer_code": row["customer"], "customer": row.get("customer_name"),
             "payments": counts.get(row["customer"], {}).get("payment_count", 0),
             "last_payment": counts.get(row["customer"], {}).get("last_payment"),
             "amount": row["payments_received"]} for row in found.rows]
    notes = [say(lang, f"Payments dated in {period.label}, converted to {req.base_currency} at the FX rate of the payment "
                       "date; largest first.",
                 f"Các khoản thanh toán trong {period.label}, quy đổi sang {req.base_currency} theo tỷ giá ngày thanh "
                 "toán; lớn nhất trước.")]
    if req.rep_id is not None:
        notes.append(say(lang, f"Only customers owned by {req.rep_name} are included.",
                         f"Chỉ gồm khách hàng do {req.rep_name} phụ trách."))
    notes += limit_note(len(rows), found.total_rows, "customers", lang, "khách hàng")
    return ReportTable(
        name="payments_received", title=say(lang, f"Payments received, {period.label}", f"Tiền đã thu, {period.label}"),
        period=period, currency=req.base_currency,
        columns=[column("customer_code", "text", lang, "code"),
                 column("customer", "text", lang),
                 column("payments", "int", lang),
                 column("last_payment", "date", lang),
                 column("amount", "money", lang, "payments_received")],
        rows=rows, total_rows=found.total_rows,
        totals={"amount": found.totals["payments_received"],
                "payments": sum(int(r.get("payment_count") or 0) for r in counts.values())},
        chart=ChartHint(kind="bar", x="customer", y=["amount"],
                        title=say(lang, f"Payments received ({req.base_currency})", f"Tiền đã thu ({req.base_currency})")),
        notes=notes)

