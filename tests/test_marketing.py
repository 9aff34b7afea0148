"""CAC by channel and period, CLV on gross margin, commission on paid invoices: each measure checked against the
tables it is defined over, on the demo company."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.errors import TandemError
from backend.models import Campaign, Customer, Employee, Invoice, Payment, PaymentAllocation, SalesOrder
from backend.money import round_money
from backend.semantic.engine import Query, Scope, run
from backend.settings import get_settings

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 5, tzinfo=timezone.utc)


def ask(session, role="admin", rep_id=None, **query):
    scope = Scope(session=session, base_currency="VND", today=TODAY, now=NOW, zone="Asia/Ho_Chi_Minh", role=role,
                  rep_id=rep_id, rep_name="the rep")
    return run(scope, Query(**query))


def first_orders(session) -> dict[int, date]:
    return dict(session.execute(select(SalesOrder.customer_id, func.min(SalesOrder.order_date))
                                .where(SalesOrder.status != "cancelled").group_by(SalesOrder.customer_id)).all())


def test_cac_by_channel_is_spend_over_the_new_customers_campaigns_brought(demo):
    start, end = date(2026, 1, 1), date(2026, 11, 26)
    campaigns = {c.id: c for c in demo.execute(select(Campaign)).scalars()}
    spend, acquired = defaultdict(Decimal), defaultdict(int)
    for c in campaigns.values():
        if start <= c.start_date <= end:
            rate = Decimal(1) if c.currency == "VND" else None
            if rate is None:
                from backend.ledger import fx_rate
                rate = fx_rate(demo, c.currency, c.start_date, "VND")
            spend[c.channel] += round_money(c.spend * rate, "VND")
    firsts = first_orders(demo)
    for customer_id, campaign_id in demo.execute(select(Customer.id, Customer.campaign_id)
                                                 .where(Customer.campaign_id.is_not(None))):
        if customer_id in firsts and start <= firsts[customer_id] <= end:
            acquired[campaigns[campaign_id].channel] += 1
    result = ask(demo, measures=("marketing_spend", "new_customers_acquired", "cac"), group_by=("campaign_channel",),
                 period="2026-01-01..2026-11-26")
    rows = {r["campaign_channel"]: r for r in result.rows}
    assert set(rows) == set(spend) | set(acquired)
    for channel, row in rows.items():
        assert row["marketing_spend"] == spend[channel], channel
        assert row["new_customers_acquired"] == acquired[channel], channel
        if acquired[channel]:
            assert row["cac"] == round_money(spend[channel] / acquired[channel], "VND")
    assert sum(acquired.values()) > 0
    total = result.totals
    assert total["cac"] == round_money(sum(spend.values()) / sum(acquired.values()), "VND")


def test_cac_by_quarter(demo):
    result = ask(demo, measures=("cac",), group_by=("quarter",), period="2025-01-01..2026-09-30")
    assert len([r for r in result.rows if r["cac"]]) >= 6


def test_clv_is_yearly_gross_margin_per_customer_times_the_lifetime(demo, monkeypatch):
    both = ask(demo, measures=("clv", "gross_margin"), period="2026-01-01..2026-06-30")
    delivered = demo.execute(select(func.count(func.distinct(SalesOrder.customer_id))).where(
        SalesOrder.status.in_(("shipped", "invoiced")), SalesOrder.shipped_date.between(date(2026, 1, 1),
                                                                                          date(2026, 6, 30)))).scalar_one()
    days = (date(2026, 6, 30) - date(2026, 1, 1)).days + 1
    expected = round_money(both.totals["gross_margin"] / delivered * 365 / days * 3, "VND")
    assert both.totals["clv"] == expected
    assert both.totals["clv"] < ask(demo, measures=("revenue",), period="2026-01-01..2026-06-30").totals["revenue"]
    monkeypatch.setenv("TANDEM_CUSTOMER_LIFETIME_YEARS", "6")
    get_settings.cache_clear()
    doubled = ask(demo, measures=("clv",), period="2026-01-01..2026-06-30").totals["clv"]
    assert abs(doubled - 2 * expected) <= 1


def test_clv_by_channel_covers_customers_without_a_campaign(demo):
    rows = {r["campaign_channel"]: r["clv"] for r in ask(demo, measures=("clv",), group_by=("campaign_channel",)).rows}
    assert "direct" in rows and "google_ads" in rows
    assert all(v is None or v > 0 for v in rows.values())


def paid_in(session, start: date, end: date) -> dict[int | None, Decimal]:
    last_paid = dict(session.execute(select(PaymentAllocation.invoice_id, func.max(Payment.paid_on))
                                     .join(Payment, Payment.id == PaymentAllocation.payment_id)
                                     .group_by(PaymentAllocation.invoice_id)).all())
    per_rep: dict[int | None, Decimal] = defaultdict(Decimal)
    for invoice_id, rep, net in session.execute(select(Invoice.id, SalesOrder.salesperson_id, SalesOrder.net_amount_base)
                                                .join(SalesOrder, SalesOrder.id == Invoice.order_id)
                                                .where(Invoice.status == "paid")):
        if start <= last_paid[invoice_id] <= end:
            per_rep[rep] += net
    return per_rep


def test_commission_is_the_rate_on_orders_whose_invoice_was_paid_in_full(demo, monkeypatch):
    monkeypatch.setenv("TANDEM_COMMISSION_RATE_PCT", "2.5")
    get_settings.cache_clear()
    expected = paid_in(demo, date(2026, 10, 1), date(2026, 10, 31))
    codes = dict(demo.execute(select(Employee.id, Employee.code)).all())
    result = ask(demo, measures=("commission", "paid_sales"), group_by=("owner",), period="2026-10")
    rows = {r["owner"]: r for r in result.rows}
    for rep, net in expected.items():
        row = rows[codes[rep]]
        assert row["paid_sales"] == round_money(net, "VND")
        assert row["commission"] == round_money(net * Decimal("2.5") / 100, "VND")
    # An invoice still open earns nothing: the open ones' orders are in no period's paid sales.
    open_orders = set(demo.execute(select(Invoice.order_id).where(Invoice.status == "open")).scalars())
    assert open_orders


def test_a_sales_rep_sees_only_their_own_commission_and_support_none(demo):
    mai = demo.execute(select(Employee).where(Employee.code == "E001")).scalar_one()
    mine = ask(demo, role="sales", rep_id=mai.id, measures=("commission",), period="2026-10").totals["commission"]
    everyone = ask(demo, measures=("commission",), group_by=("owner",), period="2026-10")
    assert mine == next(r["commission"] for r in everyone.rows if r["owner"] == "E001")
    with pytest.raises(TandemError):
        ask(demo, role="support", measures=("commission",), period="2026-10")
    with pytest.raises(TandemError):
        ask(demo, role="sales", rep_id=mai.id, measures=("cac",), period="2026")


def test_one_campaign_named_by_code_or_name_through_query_data(demo):
    """query_data takes a campaign by its code or its full name, any case; an unknown one is a clear error."""
    from backend.errors import NotFound
    from backend.models import Employee
    from backend.tools.context import ToolContext
    from backend.tools.registry import invoke

    admin = demo.execute(select(Employee).where(Employee.role == "admin").limit(1)).scalar_one()
    ctx = ToolContext(session=demo, actor=admin, channel="test", now=NOW)
    fair = demo.execute(select(Campaign).where(Campaign.code == "EXPO-2025")).scalar_one()
    brought = demo.scalar(select(func.count()).select_from(Customer).where(Customer.campaign_id == fair.id))
    for value in ("expo-2025", fair.name.upper()):
        r = invoke("query_data", ctx, {"measures": ["marketing_spend"], "period": "all",
                                       "filters": [{"dimension": "campaign", "values": [value]}]})
        assert r.totals["marketing_spend"] == round_money(fair.spend, "VND")
    acquired = invoke("query_data", ctx, {"measures": ["new_customers_acquired"], "period": "all",
                                          "filters": [{"dimension": "campaign", "values": ["EXPO-2025"]}]})
    firsts = first_orders(demo)
    assert acquired.totals["new_customers_acquired"] == sum(
        1 for cid in demo.execute(select(Customer.id).where(Customer.campaign_id == fair.id)).scalars() if cid in firsts)
    assert brought >= acquired.totals["new_customers_acquired"]
    with pytest.raises(NotFound):
        invoke("query_data", ctx, {"measures": ["marketing_spend"],
                                   "filters": [{"dimension": "campaign", "values": ["NO-SUCH-FAIR"]}]})
