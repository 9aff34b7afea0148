"""The ledger's tools: a manual entry previewed then confirmed, refused when it does not balance, names an unknown
account or falls in a closed month; reversals; closing a month; the trial balance and one account's lines; and who
may call them (finance and admin write, managers read, sales and support nothing). Today is 2026-11-20."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from backend.accounting.hooks import install_posting
from backend.errors import BusinessRuleViolation, NotFound, PermissionDenied, ValidationFailed
from backend.models import Invoice, JournalEntry
from backend.tools.context import ToolContext
from backend.tools.registry import confirm, invoke
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.ledger import make_delivery
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_payment

D = Decimal
CAPITAL = {"entry_date": "2026-11-02", "description": "Owner's capital paid in",
           "lines": [{"account": "1010", "debit": "500000000"}, {"account": "3000", "credit": "500000000"}]}


@pytest.fixture
def ctx_for(session, now, settings):
    make_company(session)
    install_posting(session)

    def make(role: str) -> ToolContext:
        return ToolContext(session=session, actor=make_employee(session, role=role), channel="test", now=now,
                           settings=settings)
    return make


def entries(session) -> int:
    return session.execute(select(func.count()).select_from(JournalEntry)).scalar_one()


def test_a_manual_entry_is_previewed_then_posted(ctx_for, session):
    finance = ctx_for("finance")
    pending = invoke("post_journal_entry", finance, CAPITAL)
    assert pending.status == "pending_confirmation" and pending.preview.posted is False
    assert pending.preview.entry.number == "(assigned on confirmation)"
    assert (pending.preview.entry.total_debit, pending.preview.entry.total_credit) == (D("500000000"),) * 2
    assert "500.000.000" in pending.summary or "500,000,000" in pending.summary
    assert entries(session) == 0
    done = confirm(finance, pending.confirmation_id)
    assert done.posted and done.entry.number == "JE-2026-000001" and done.entry.period == "2026-11"
    assert [(line.account, line.debit, line.credit) for line in done.entry.lines] == [
        ("1010", D("500000000"), D(0)), ("3000", D(0), D("500000000"))]
    entry = session.execute(select(JournalEntry)).scalar_one()
    assert (entry.source_type, entry.created_by_id) == ("manual", finance.actor.id)


def test_a_manual_entry_that_does_not_balance_is_refused(ctx_for, session):
    finance = ctx_for("finance")
    unbalanced = {**CAPITAL, "lines": [{"account": "1010", "debit": "500000000"},
                                       {"account": "3000", "credit": "499000000"}]}
    with pytest.raises(BusinessRuleViolation) as refused:
        invoke("post_journal_entry", finance, unbalanced)
    assert "does not balance" in refused.value.message and "1000000" in refused.value.message
    with pytest.raises(ValidationFailed, match="either a debit or a credit"):
        invoke("post_journal_entry", finance, {**CAPITAL, "lines": [{"account": "1010", "debit": "5", "credit": "5"},
                                                                    {"account": "3000", "credit": "5"}]})
    with pytest.raises(BusinessRuleViolation, match="whole VND"):
        invoke("post_journal_entry", finance, {**CAPITAL, "lines": [{"account": "1010", "debit": "0.5"},
                                                                    {"account": "3000", "credit": "0.5"}]})
    with pytest.raises(NotFound) as unknown:
        invoke("post_journal_entry", finance, {**CAPITAL, "lines": [{"account": "9999", "debit": "5"},
                                                                    {"account": "3000", "credit": "5"}]})
    assert "9999" in unknown.value.message and "1010" in unknown.value.hint
    assert entries(session) == 0


def test_no_manual_entry_or_reversal_goes_into_a_closed_month(ctx_for, session):
    finance = ctx_for("finance")
    confirm(finance, invoke("close_period", finance, {"month": "2026-10"}).confirmation_id)
    with pytest.raises(BusinessRuleViolation) as refused:
        invoke("post_journal_entry", finance, {**CAPITAL, "entry_date": "2026-10-31"})
    assert refused.value.code == "period_closed" and "2026-10 is closed" in refused.value.message
    customer = make_customer(session, code="HOANGLONG")
    with pytest.raises(BusinessRuleViolation, match="2026-10 is closed"), session.begin_nested():
        make_invoice(session, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, 20))


def test_closing_a_month(ctx_for, session):
    finance = ctx_for("finance")
    customer = make_customer(session, code="HOANGLONG")
    make_invoice(session, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, 3))
    pending = invoke("close_period", finance, {"month": "2026-10"})
    assert (pending.preview.entries, pending.preview.total_debit, pending.preview.closed) == (1, D("1100000"), False)
    assert confirm(finance, pending.confirmation_id).closed
    with pytest.raises(BusinessRuleViolation, match="already closed"):
        invoke("close_period", finance, {"month": "2026-10"})
    with pytest.raises(BusinessRuleViolation, match="has not ended yet"):
        invoke("close_period", finance, {"month": "2026-11"})
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        invoke("close_period", finance, {"month": "2026-13"})
    assert invoke("trial_balance", finance, {"month": "2026-10"}).closed


def test_closing_posts_what_bulk_loads_left_unposted_first(ctx_for, session):
    finance = ctx_for("finance")
    customer = make_customer(session, code="HOANGLONG")
    # Written past the ORM, as the importers do: no flush event, so no entry yet.
    session.execute(insert(Invoice.__table__).values(
        number="INV-IMP-1", customer_id=customer.id, issue_date=date(2026, 10, 30), due_date=date(2026, 11, 29),
        currency="VND", fx_rate=D(1), amount=D("3300000"), status="open", created_at=finance.now))
    pending = invoke("close_period", finance, {"month": "2026-10"})
    assert (pending.preview.posted_now, pending.preview.entries) == (1, 1) and "posting 1 documents" in pending.summary
    assert entries(session) == 0  # the preview wrote nothing
    assert confirm(finance, pending.confirmation_id).entries == 1
    assert entries(session) == 1


def test_inventory_is_not_posted_by_hand_and_goods_entries_are_not_reversed(ctx_for, session):
    finance = ctx_for("finance")
    with pytest.raises(BusinessRuleViolation, match="moves with the goods"):
        invoke("post_journal_entry", finance, {**CAPITAL, "lines": [{"account": "1300", "debit": "5"},
                                                                    {"account": "3000", "credit": "5"}]})
    customer = make_customer(session, code="HOANGLONG")
    make_delivery(session, customer=customer, lines=[(make_product(session, unit_cost=D("70000")), 2)])
    delivery = session.execute(select(JournalEntry).where(JournalEntry.source_type == "delivery")).scalar_one()
    with pytest.raises(BusinessRuleViolation) as refused:
        invoke("reverse_journal_entry", finance, {"entry": delivery.number})
    assert "moving-average cost" in refused.value.message and "stock adjustment" in refused.value.hint


def test_reversing_an_entry(ctx_for, session):
    finance = ctx_for("finance")
    original = confirm(finance, invoke("post_journal_entry", finance, CAPITAL).confirmation_id).entry
    pending = invoke("reverse_journal_entry", finance, {"entry": original.number.lower(), "reason": "keyed twice"})
    assert pending.preview.reversal.entry_date == date(2026, 11, 20)  # today
    done = confirm(finance, pending.confirmation_id)
    assert done.reversed_entry == original.number and done.reversal.number == "JE-2026-000002"
    assert [(line.account, line.debit, line.credit) for line in done.reversal.lines] == [
        ("1010", D(0), D("500000000")), ("3000", D("500000000"), D(0))]
    assert "keyed twice" in done.reversal.description
    stored = session.execute(select(JournalEntry).where(JournalEntry.number == done.reversal.number)).scalar_one()
    assert stored.reverses_id is not None and stored.source_type == "reversal"
    with pytest.raises(BusinessRuleViolation, match="already reversed"):
        invoke("reverse_journal_entry", finance, {"entry": original.number})
    with pytest.raises(BusinessRuleViolation, match="itself a reversal"):
        invoke("reverse_journal_entry", finance, {"entry": done.reversal.number})
    with pytest.raises(NotFound):
        invoke("reverse_journal_entry", finance, {"entry": "JE-2026-999999"})
    balances = {row.account: row.balance for row in invoke("trial_balance", finance, {}).rows}
    assert balances == {"1010": 0, "3000": 0}


def test_trial_balance_and_account_ledger(ctx_for, session):
    manager = ctx_for("manager")
    customer = make_customer(session, code="HOANGLONG")
    make_invoice(session, customer=customer, amount=D("1100000"), issue_date=date(2026, 10, 3))
    invoice = make_invoice(session, customer=customer, amount=D("2200000"), issue_date=date(2026, 11, 3))
    make_payment(session, invoice=invoice, amount=D("2000000"), paid_on=date(2026, 11, 9))
    result = invoke("trial_balance", manager, {})
    # Debits: the invoices 3,300,000, the bank 2,000,000 and the advance applied to the invoice 2,000,000.
    assert result.balanced and result.total_debit == result.total_credit == D("7300000")
    assert {row.account: row.balance for row in result.rows} == {
        "1010": D("2000000"), "1200": D("1300000"), "2200": D("-300000"), "2300": D(0), "4000": D("-3000000")}
    span = invoke("trial_balance", manager, {"date_from": "2026-11-01", "as_of": "2026-11-05"})
    assert {row.account: row.balance for row in span.rows} == {
        "1200": D("2200000"), "2200": D("-200000"), "4000": D("-2000000")}
    with pytest.raises(ValidationFailed, match="not both"):
        invoke("trial_balance", manager, {"month": "2026-11", "as_of": "2026-11-05"})
    november = invoke("trial_balance", manager, {"month": "2026-11"})
    assert november.date_from == date(2026, 11, 1) and november.date_to == date(2026, 11, 30)
    assert {row.account: row.balance for row in november.rows}["4000"] == D("-2000000")
    ledger = invoke("account_ledger", manager, {"account": "1200"})
    assert (ledger.date_from, ledger.date_to) == (date(2026, 11, 1), date(2026, 11, 20))
    assert ledger.opening_balance == D("1100000")
    assert [(line.debit, line.credit, line.running_balance) for line in ledger.lines] == [
        (D("2200000"), 0, D("3300000")), (0, D("2000000"), D("1300000"))]
    assert ledger.closing_balance == D("1300000") and ledger.total_lines == 2
    cut = invoke("account_ledger", manager, {"account": "1200", "date_from": "2026-01-01", "limit": 1})
    assert len(cut.lines) == 1 and cut.total_lines == 3 and cut.closing_balance == D("1300000")


@pytest.mark.parametrize("role", ["sales", "support", "manager"])
def test_only_finance_and_admin_write_to_the_ledger(ctx_for, role):
    caller = ctx_for(role)
    with pytest.raises(PermissionDenied, match="finance"):
        invoke("post_journal_entry", caller, CAPITAL)
    with pytest.raises(PermissionDenied):
        invoke("close_period", caller, {"month": "2026-10"})
    with pytest.raises(PermissionDenied):
        invoke("reverse_journal_entry", caller, {"entry": "JE-2026-000001"})


@pytest.mark.parametrize("role", ["sales", "support"])
def test_sales_and_support_do_not_read_the_ledger(ctx_for, role):
    caller = ctx_for(role)
    with pytest.raises(PermissionDenied):
        invoke("trial_balance", caller, {})
    with pytest.raises(PermissionDenied):
        invoke("account_ledger", caller, {"account": "1200"})


def test_admin_posts_too(ctx_for):
    admin = ctx_for("admin")
    assert confirm(admin, invoke("post_journal_entry", admin, CAPITAL).confirmation_id).posted
