"""check_credit and credit_snapshot: exact figures on hand-built receivables (today is 2026-11-20)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backend.errors import Ambiguous, NotFound, PermissionDenied, ValidationFailed
from backend.models import FxRate
from backend.tools.context import ToolContext
from backend.tools.credit import credit_snapshot
from backend.tools.registry import invoke
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_payment

D = Decimal
TODAY = date(2026, 11, 20)


def _ctx(session, now, settings, role="finance"):
    return ToolContext(session=session, actor=make_employee(session, role=role), channel="test", now=now,
                       settings=settings)


@pytest.fixture
def ctx(session, now, settings):
    make_company(session)
    return _ctx(session, now, settings)


@pytest.fixture
def hoa_long(ctx):
    """100,000,000 VND limit; one open invoice partly paid (not yet due), one 45 days overdue, one confirmed
    uninvoiced order; a cancelled, a draft and an invoiced order and a void invoice that must not count."""
    s = ctx.session
    customer = make_customer(s, name="Hoà Long Trading", code="HOALONG", credit_limit=D("100000000"))
    paper = make_product(s, sku="A4-80", unit_price=D("1500000"))
    partly = make_invoice(s, customer=customer, amount=D("40000000"), issue_date=date(2026, 11, 1), number="INV-A")
    make_payment(s, invoice=partly, amount=D("15000000"), paid_on=date(2026, 11, 10))
    make_invoice(s, customer=customer, amount=D("22000000"), issue_date=date(2026, 9, 6), number="INV-B")  # due 10-06
    make_order(s, customer=customer, lines=[(paper, 10, None, D("10"))], status="confirmed", number="SO-OPEN")
    make_order(s, customer=customer, lines=[(paper, 5, D("2000000"), D("0"))], status="cancelled", number="SO-CXL")
    make_order(s, customer=customer, lines=[(paper, 3, None, D("0"))], status="draft", number="SO-DRAFT")
    shipped = make_order(s, customer=customer, lines=[(paper, 4, D("2000000"), D("0"))], status="shipped",
                         number="SO-SHIPPED")
    invoiced = make_invoice(s, customer=customer, amount=D("8800000"), issue_date=date(2026, 10, 1), order=shipped,
                            number="INV-C")  # due 10-31
    make_payment(s, invoice=invoiced, amount=D("8800000"), paid_on=date(2026, 11, 5))  # 5 days late
    make_invoice(s, customer=customer, amount=D("5000000"), issue_date=date(2026, 10, 1), number="INV-VOID", status="void")
    return customer


def test_figures_to_the_dong(ctx, hoa_long):
    r = invoke("check_credit", ctx, {"customer": "HOALONG"})
    assert r.currency == "VND" and r.as_of == TODAY and r.limit_configured and not r.cash_only
    assert r.credit_limit == D("100000000")
    assert r.outstanding == D("47000000")            # 25,000,000 left on INV-A + 22,000,000 on INV-B
    assert r.open_invoice_count == 2
    assert r.uninvoiced_orders == D("13500000")      # 10 x 1,500,000 less 10 %; cancelled/draft/invoiced excluded
    assert r.uninvoiced_order_count == 1
    assert r.exposure == D("60500000")
    assert r.available == D("39500000")
    assert r.used_pct == D("60.5") and not r.over_limit
    assert r.overdue_amount == D("22000000") and r.overdue_invoice_count == 1
    assert (r.oldest_overdue_days, r.oldest_overdue_invoice) == (45, "INV-B")
    assert not r.on_credit_hold
    assert r.aging.model_dump() == {"current": D("25000000"), "days_1_30": D("0"), "days_31_60": D("22000000"),
                                    "days_61_90": D("0"), "days_91_plus": D("0")}
    assert r.can_take_order is None and "39,500,000 VND" in r.reason


def test_snapshot_function_matches_the_tool(ctx, hoa_long):
    snap = credit_snapshot(ctx.session, hoa_long, TODAY)
    assert snap.exposure == D("60500000") and snap.limit == D("100000000")


def test_invoicing_an_order_moves_it_from_orders_to_outstanding(ctx, hoa_long):
    from sqlalchemy import select
    from backend.models import SalesOrder
    order = ctx.session.execute(select(SalesOrder).where(SalesOrder.number == "SO-OPEN")).scalar_one()
    make_invoice(ctx.session, customer=hoa_long, amount=D("14850000"), issue_date=date(2026, 11, 19), order=order)
    r = invoke("check_credit", ctx, {"customer": "HOALONG"})
    assert r.uninvoiced_orders == 0 and r.outstanding == D("61850000") and r.exposure == D("61850000")
    assert r.aging.current == D("39850000")


def test_order_fits_exactly_at_the_boundary(ctx, hoa_long):
    yes = invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "39500000"})
    assert yes.can_take_order is True and yes.reason.startswith("Yes")
    assert yes.exposure_after_order == D("100000000") and yes.order_currency == "VND"
    no = invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "39500001"})
    assert no.can_take_order is False and no.reason.startswith("No")
    assert "1 VND over" in no.reason and "39,500,000 VND" in no.reason


def test_foreign_currency_order_is_converted_at_todays_rate(ctx, hoa_long):
    ctx.session.add(FxRate(currency="USD", rate_date=date(2026, 11, 1), rate=D("26000")))
    ctx.session.flush()
    r = invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "1500", "order_currency": "usd"})
    assert r.order_amount_converted == D("39000000") and r.can_take_order is True
    assert "1,500.00 USD" in r.reason and "39,000,000 VND" in r.reason
    r = invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "1520", "order_currency": "USD"})
    assert r.order_amount_converted == D("39520000") and r.can_take_order is False


def test_usd_customer_amounts_stay_in_dollars(ctx):
    s = ctx.session
    s.add(FxRate(currency="USD", rate_date=date(2026, 11, 1), rate=D("25000")))
    s.flush()
    acme = make_customer(s, name="Acme Export", code="ACME", currency="USD", credit_limit=D("2000"))
    make_invoice(s, customer=acme, amount=D("750.25"), issue_date=date(2026, 11, 5))
    r = invoke("check_credit", ctx, {"customer": "ACME", "order_amount": "12500000", "order_currency": "VND"})
    assert r.currency == "USD" and r.outstanding == D("750.25") and r.available == D("1249.75")
    assert r.order_amount_converted == D("500.00") and r.can_take_order is True


def test_limit_zero_is_cash_only(ctx):
    make_customer(ctx.session, name="Cash Corner", code="CASH", credit_limit=D("0"))
    r = invoke("check_credit", ctx, {"customer": "CASH", "order_amount": "1000"})
    assert r.cash_only and r.limit_configured and r.available == 0 and r.used_pct is None
    assert r.can_take_order is False and "prepa" in r.reason and "cash only" in r.reason
    assert invoke("check_credit", ctx, {"customer": "CASH"}).can_take_order is None


def test_no_limit_means_no_credit_check_configured(ctx):
    c = make_customer(ctx.session, name="Unset Limits", code="NOLIMIT", credit_limit=None)
    make_invoice(ctx.session, customer=c, amount=D("5000000"), issue_date=date(2026, 11, 1))
    r = invoke("check_credit", ctx, {"customer": "NOLIMIT", "order_amount": "999999999"})
    assert not r.limit_configured and r.credit_limit is None and r.available is None and not r.over_limit
    assert r.can_take_order is None and "No credit limit is set" in r.reason and "no credit check" in r.reason
    assert r.outstanding == D("5000000") and r.exposure == D("5000000")


def test_over_limit_and_credit_hold(ctx):
    s = ctx.session
    c = make_customer(s, name="Late Payer", code="LATE", credit_limit=D("10000000"))
    make_invoice(s, customer=c, amount=D("12000000"), issue_date=date(2026, 8, 22))  # due 09-21: 60 days
    r = invoke("check_credit", ctx, {"customer": "LATE", "order_amount": "1"})
    assert r.over_limit and r.available == D("-2000000") and r.used_pct == D("120.0")
    assert r.on_credit_hold and r.oldest_overdue_days == 60 and r.aging.days_31_60 == D("12000000")
    assert r.can_take_order is False and "credit hold" in r.reason
    position = invoke("check_credit", ctx, {"customer": "LATE"}).reason
    assert position.startswith("Over the 10,000,000 VND limit by 2,000,000 VND") and "credit hold" in position


def test_hold_blocks_an_order_that_would_fit(ctx):
    s = ctx.session
    c = make_customer(s, name="Old Debt", code="OLDDEBT", credit_limit=D("100000000"))
    make_invoice(s, customer=c, amount=D("1000000"), issue_date=date(2026, 6, 1))  # due 07-01: 142 days
    r = invoke("check_credit", ctx, {"customer": "OLDDEBT", "order_amount": "1000000"})
    assert r.aging.days_91_plus == D("1000000") and r.on_credit_hold and r.can_take_order is False


def test_aging_bucket_edges(ctx):
    s = ctx.session
    c = make_customer(s, name="Edge Case", code="EDGE", credit_limit=D("1000000000"))
    for days_late, amount in ((0, "1"), (1, "10"), (30, "100"), (31, "1000"), (60, "10000"), (61, "100000"),
                              (90, "1000000"), (91, "10000000")):
        due = date.fromordinal(TODAY.toordinal() - days_late)
        make_invoice(s, customer=c, amount=D(amount), issue_date=due, due_days=0)
    r = invoke("check_credit", ctx, {"customer": "EDGE"})
    a = r.aging
    assert r.overdue_invoice_count == 7 and r.overdue_amount == D("11111110")  # due today is not overdue
    assert (a.current, a.days_1_30, a.days_31_60, a.days_61_90, a.days_91_plus) == (
        D("1"), D("110"), D("11000"), D("1100000"), D("10000000"))


def test_average_days_late_over_last_twelve_months(ctx, hoa_long):
    s = ctx.session
    early = make_invoice(s, customer=hoa_long, amount=D("10000000"), issue_date=date(2026, 6, 1))     # due 07-01
    make_payment(s, invoice=early, amount=D("10000000"), paid_on=date(2026, 6, 25))                 # early: 0
    split = make_invoice(s, customer=hoa_long, amount=D("6000000"), issue_date=date(2026, 3, 1))      # due 03-31
    make_payment(s, invoice=split, amount=D("2000000"), paid_on=date(2026, 4, 10))
    make_payment(s, invoice=split, amount=D("4000000"), paid_on=date(2026, 4, 20))                  # settled: 20
    old = make_invoice(s, customer=hoa_long, amount=D("3000000"), issue_date=date(2025, 8, 2))        # due 09-01
    make_payment(s, invoice=old, amount=D("3000000"), paid_on=date(2025, 10, 1))                    # outside window
    pb = invoke("check_credit", ctx, {"customer": "HOALONG"}).payment_behaviour
    assert pb.since == date(2025, 11, 20)
    assert pb.paid_invoice_count == 3                     # INV-C (5 late), early (0), split (20)
    assert pb.avg_days_late == D("8.3") and pb.late_count == 2 and pb.max_days_late == 20
    assert pb.summary == ("On average 8.3 days late, based on 3 invoice(s) paid since 2025-11-20 (2 paid late, "
                          "the latest 20 days past due).")


def test_no_paid_invoices_means_no_average(ctx):
    make_customer(ctx.session, name="Brand New", code="NEW")
    pb = invoke("check_credit", ctx, {"customer": "NEW"}).payment_behaviour
    assert pb.paid_invoice_count == 0 and pb.avg_days_late is None


def test_bad_input_is_a_clear_validation_error(ctx, hoa_long):
    with pytest.raises(ValidationFailed, match="order_amount"):
        invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "-5"})
    with pytest.raises(ValidationFailed, match="order_currency"):
        invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "5", "order_currency": "dollars"})
    with pytest.raises(ValidationFailed, match="exchange rate") as exc:
        invoke("check_credit", ctx, {"customer": "HOALONG", "order_amount": "5", "order_currency": "EUR"})
    assert "VND" in exc.value.hint


def test_unknown_and_ambiguous_customers(ctx):
    make_customer(ctx.session, name="Minh Phát Stationery", code="MP1")
    make_customer(ctx.session, name="Minh Phát Trading", code="MP2")
    with pytest.raises(NotFound) as missing:
        invoke("check_credit", ctx, {"customer": "Zyxwv Holdings"})
    assert missing.value.hint
    with pytest.raises(Ambiguous) as many:
        invoke("check_credit", ctx, {"customer": "minh phat"})
    assert {c["code"] for c in many.value.candidates} >= {"MP1", "MP2"}


@pytest.mark.parametrize("role", ["sales", "finance", "manager", "admin"])
def test_credit_roles_may_check(session, now, settings, hoa_long, role):
    asker = _ctx(session, now, settings, role)
    if role == "sales":
        hoa_long.owner_id = asker.actor.id  # a rep checks the credit of their own customers
        session.flush()
    r = invoke("check_credit", asker, {"customer": "HOALONG"})
    assert r.exposure == D("60500000")


def test_a_sales_rep_may_not_check_another_reps_customer(session, now, settings, hoa_long):
    owner = _ctx(session, now, settings, "sales")
    hoa_long.owner_id = owner.actor.id
    session.flush()
    other = _ctx(session, now, settings, "sales")
    with pytest.raises(PermissionDenied, match="not one of your customers") as refused:
        invoke("check_credit", other, {"customer": "HOALONG"})
    assert refused.value.hint
    assert invoke("check_credit", owner, {"customer": "HOALONG"}).exposure == D("60500000")


def test_support_may_not_check_credit(session, now, settings, hoa_long):
    with pytest.raises(PermissionDenied, match="support"):
        invoke("check_credit", _ctx(session, now, settings, "support"), {"customer": "HOALONG"})


def test_open_invoice_already_covered_by_payments_is_not_owed(ctx):
    from backend.models import Payment, PaymentAllocation
    s = ctx.session
    c = make_customer(s, name="Stale Status", code="STALE", credit_limit=D("50000000"))
    inv = make_invoice(s, customer=c, amount=D("3000000"), issue_date=date(2026, 8, 1))  # status not refreshed
    pay = Payment(customer_id=c.id, paid_on=date(2026, 9, 1), amount=D("3000000"), currency="VND")
    s.add(pay)
    s.flush()
    s.add(PaymentAllocation(payment_id=pay.id, invoice_id=inv.id, amount=D("3000000")))
    s.flush()
    r = invoke("check_credit", ctx, {"customer": "STALE"})
    assert (r.outstanding, r.open_invoice_count, r.overdue_invoice_count, r.on_credit_hold) == (0, 0, 0, False)
