"""Marketing and sales-force figures: campaign spend, the new customers campaigns brought, acquisition cost (CAC)
by channel and period, customer lifetime value on gross margin, and commission on paid invoices.

Its facts, measures and dimensions join the semantic model's registries (facts.py, measures.py, dimensions.py each
add them with one line). This module imports none of those at load time, so no import order matters; where a
figure is the same as one declared there (gross margin, customers buying, first orders), it reuses that
declaration when a query is built instead of writing it again.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from backend.models import Account, Campaign, Customer, Employee, JournalEntry, JournalLine, SalesOrder, SalesOrderLine
from backend.models.marketing import CAMPAIGN_CHANNELS
from backend.roles import COST_VIEWERS, FINANCE_VIEWERS
from backend.semantic import rules
from backend.semantic.model import (money_ratio, Dimension, DimensionSQL, Fact, Fx, Join, Measure, MeasureSQL, Params, Star,
                                    Words)
from backend.semantic.sql import GRAINS, TimeBucket

# A customer (or a deal) with no campaign recorded came by itself, as far as anyone knows.
NO_CAMPAIGN = "direct"
CHANNELS = CAMPAIGN_CHANNELS + (NO_CAMPAIGN,)


# --- joins and dimensions ----------------------------------------------------------------------------------------

def _customer_join(customer_id) -> Join:
    return Join(lambda p: aliased(Customer, name="customer"), lambda s, t: t.id == customer_id(s), outer=False)


def _employee_join(employee_id) -> Join:
    return Join(lambda p: aliased(Employee, name="employee"), lambda s, t: t.id == employee_id(s))


def _campaign_join(campaign_id, *, outer: bool) -> Join:
    return Join(lambda p: aliased(Campaign, name="campaign"), lambda s, t: t.id == campaign_id(s), outer=outer)


def _customer_dimensions(filter_id) -> dict[str, DimensionSQL]:
    customer = lambda s: s.join("customer")  # noqa: E731
    return {"customer": DimensionSQL(key=lambda s: customer(s).code, label=lambda s: customer(s).name, filter=filter_id),
            "segment": DimensionSQL(key=lambda s: customer(s).segment),
            "city": DimensionSQL(key=lambda s: customer(s).city),
            "country": DimensionSQL(key=lambda s: customer(s).country)}


def _owner_dimensions(owner_id) -> dict[str, DimensionSQL]:
    return {"owner": DimensionSQL(key=lambda s: s.join("employee").code, label=lambda s: s.join("employee").name,
                                  filter=owner_id),
            "region": DimensionSQL(key=lambda s: s.join("employee").region)}


def _campaign_dimensions(campaign) -> dict[str, DimensionSQL]:
    """campaign and its channel; `campaign(star)` is the campaign entity (joined, or the fact itself)."""
    return {"campaign": DimensionSQL(key=lambda s: func.coalesce(campaign(s).code, NO_CAMPAIGN),
                                     label=lambda s: campaign(s).name),
            "campaign_channel": DimensionSQL(key=lambda s: func.coalesce(campaign(s).channel, NO_CAMPAIGN))}


def _time_dimensions() -> dict[str, DimensionSQL]:
    return {grain: DimensionSQL(key=lambda s, grain=grain: TimeBucket(s.fact.time(s), grain)) for grain in GRAINS}


def _joined_campaign(s: Star):
    return s.join("campaign")


# --- facts -------------------------------------------------------------------------------------------------------

CAMPAIGNS = Fact(
    name="campaigns", noun=Words("campaign", "chiến dịch"), source=lambda p: Campaign.__table__,
    columns={"id": lambda s: Campaign.id}, joins={},
    dimensions=_campaign_dimensions(lambda s: Campaign) | {"currency": DimensionSQL(key=lambda s: Campaign.currency)}
               | _time_dimensions(),
    period_role="flow", time=lambda s: Campaign.start_date, default_period="this-year", planned=True)


def _acquisitions(p: Params):
    """Customers a campaign brought, dated by their first order (the semantic model's first_orders: what makes a
    customer new)."""
    from backend.semantic.facts import FACTS

    first = FACTS["first_orders"].source(p)
    return (select(first.c.customer_id, first.c.first_date, Customer.campaign_id)
            .join(Customer, Customer.id == first.c.customer_id)
            .where(Customer.campaign_id.is_not(None)).subquery("acquisitions"))


ACQUISITIONS = Fact(
    name="acquisitions", noun=Words("customer acquired", "khách hàng thu hút được"), source=_acquisitions,
    columns={"id": lambda s: s.source.c.customer_id, "customer_id": lambda s: s.source.c.customer_id},
    joins={"customer": _customer_join(lambda s: s.source.c.customer_id),
           "employee": _employee_join(lambda s: s.join("customer").owner_id),
           "campaign": _campaign_join(lambda s: s.source.c.campaign_id, outer=False)},
    dimensions=_customer_dimensions(lambda s: s.source.c.customer_id)
               | _owner_dimensions(lambda s: s.join("customer").owner_id)
               | _campaign_dimensions(_joined_campaign) | _time_dimensions(),
    period_role="flow", time=lambda s: s.source.c.first_date,
    rep_column=lambda s: s.join("customer").owner_id, rep_scope=Words("customers they own", "khách hàng họ phụ trách"),
    default_period="this-year")

# Gross margin per customer as the semantic model has it (revenue of goods delivered minus the ledger's cost of goods
# sold, both by delivery date), with the campaign that brought each customer: lifetime value per channel.
CUSTOMER_DELIVERIES = Fact(
    name="customer_deliveries", noun=Words("delivered order line", "dòng hàng đã giao"),
    source=lambda p: SalesOrderLine.__table__.join(SalesOrder.__table__, SalesOrderLine.order_id == SalesOrder.id),
    columns={"id": lambda s: SalesOrder.id, "customer_id": lambda s: SalesOrder.customer_id,
             "product_id": lambda s: SalesOrderLine.product_id},
    joins={"customer": _customer_join(lambda s: SalesOrder.customer_id),
           "employee": _employee_join(lambda s: SalesOrder.salesperson_id),
           "delivery": Join(lambda p: aliased(JournalEntry, name="delivery_entry"),
                            lambda s, t: (t.source_type == "delivery") & (t.source_id == SalesOrder.id), outer=False),
           "campaign": _campaign_join(lambda s: s.join("customer").campaign_id, outer=True)},
    dimensions=_customer_dimensions(lambda s: SalesOrder.customer_id) | _owner_dimensions(lambda s: SalesOrder.salesperson_id)
               | _campaign_dimensions(_joined_campaign) | _time_dimensions(),
    period_role="flow", time=lambda s: s.join("delivery").entry_date,
    rep_column=lambda s: SalesOrder.salesperson_id, rep_scope=Words("orders credited to them", "đơn hàng ghi nhận cho họ"),
    default_period="last-365-days")

CUSTOMER_COGS = Fact(
    name="customer_cogs", noun=Words("cost of goods sold line", "dòng giá vốn"),
    source=lambda p: JournalLine.__table__.join(Account.__table__, Account.id == JournalLine.account_id),
    columns={"id": lambda s: JournalLine.id, "customer_id": lambda s: JournalLine.customer_id},
    joins={"customer": _customer_join(lambda s: JournalLine.customer_id),
           "entry": Join(lambda p: aliased(JournalEntry, name="entry"), lambda s, t: t.id == JournalLine.entry_id,
                         outer=False),
           "delivered_order": Join(lambda p: aliased(SalesOrder, name="delivered_order"),
                                   lambda s, t: (s.join("entry").source_type == "delivery")
                                   & (t.id == s.join("entry").source_id)),
           "employee": _employee_join(lambda s: s.join("delivered_order").salesperson_id),
           "campaign": _campaign_join(lambda s: s.join("customer").campaign_id, outer=True)},
    dimensions=_customer_dimensions(lambda s: JournalLine.customer_id)
               | _owner_dimensions(lambda s: s.join("delivered_order").salesperson_id)
               | _campaign_dimensions(_joined_campaign) | _time_dimensions(),
    period_role="flow", time=lambda s: JournalLine.entry_date, conditions=lambda s: [Account.role == "cogs"],
    rep_column=lambda s: s.join("delivered_order").salesperson_id,
    rep_scope=Words("orders credited to them", "đơn hàng ghi nhận cho họ"), default_period="last-365-days")


def _paid_orders(p: Params):
    paid = rules.paid_invoices()
    return (select(paid.c.id, paid.c.customer_id, paid.c.paid_on, SalesOrder.salesperson_id, SalesOrder.net_amount_base)
            .join(SalesOrder, SalesOrder.id == paid.c.order_id).subquery("paid_orders"))


PAID_INVOICES = Fact(
    name="paid_invoices", noun=Words("paid invoice", "hóa đơn đã thanh toán"), source=_paid_orders,
    columns={"id": lambda s: s.source.c.id, "customer_id": lambda s: s.source.c.customer_id},
    joins={"customer": _customer_join(lambda s: s.source.c.customer_id),
           "employee": _employee_join(lambda s: s.source.c.salesperson_id)},
    dimensions=_customer_dimensions(lambda s: s.source.c.customer_id)
               | _owner_dimensions(lambda s: s.source.c.salesperson_id) | _time_dimensions(),
    period_role="flow", time=lambda s: s.source.c.paid_on,
    rep_column=lambda s: s.source.c.salesperson_id, rep_scope=Words("orders credited to them", "đơn hàng ghi nhận cho họ"),
    default_period="this-month")

FACTS: dict[str, Fact] = {f.name: f for f in (CAMPAIGNS, ACQUISITIONS, CUSTOMER_DELIVERIES, CUSTOMER_COGS,
                                               PAID_INVOICES)}


# --- measures ------------------------------------------------------------------------------------------------------

def _same_as(measure: str, fact: str = "order_lines") -> MeasureSQL:
    """The SQL of `measure` on `fact` (measures.py), looked up when a query is built: one definition of margin."""
    def original() -> MeasureSQL:
        from backend.semantic.measures import MEASURES

        return MEASURES[measure].on[fact]

    return _LazySQL(original)


class _LazySQL(MeasureSQL):
    """A MeasureSQL whose expression (or FX conversion) is another measure's, resolved on first use."""

    def __init__(self, original):
        object.__setattr__(self, "_original", original)

    @property
    def expr(self):  # type: ignore[override]
        return self._original().expr

    @property
    def fx(self):  # type: ignore[override]
        return self._original().fx


_money_ratio = money_ratio  # one definition: backend/semantic/model.py


def _lifetime_value(values: dict[str, Any], params: Params) -> Decimal | None:
    from backend.settings import get_settings

    revenue, cost = values.get("clv_revenue"), values.get("clv_cogs")
    if params.start is None or revenue is None:
        return None
    end = min(params.end or params.today, params.today)
    days = (end - params.start).days + 1
    margin = Decimal(revenue) - Decimal(cost or 0)
    return rules.lifetime_value(margin, int(values.get("clv_customers") or 0), days,
                                get_settings().customer_lifetime_years, params.base_currency)


def _commission(values: dict[str, Any], params: Params) -> Decimal | None:
    from backend.settings import get_settings

    paid = values.get("paid_sales")
    if paid is None:
        return None
    return rules.commission(Decimal(paid), get_settings().commission_rate_pct, params.base_currency)


def _m(name, en, vi, definition_en, definition_vi, unit, *, roles, synonyms_en=(), synonyms_vi=(), **kwargs) -> Measure:
    return Measure(name=name, words=Words(en, vi, tuple(synonyms_en), tuple(synonyms_vi)),
                   definition=Words(definition_en, definition_vi), unit=unit, roles=frozenset(roles), **kwargs)


MEASURES: list[Measure] = [
    _m("marketing_spend", "marketing spend", "chi phí marketing",
       "What the campaigns cost (all their spend), dated by each campaign's start date, in the base currency at the "
       "FX rate of that date.",
       "Chi phí của các chiến dịch (toàn bộ), theo ngày bắt đầu chiến dịch, quy đổi theo tỷ giá ngày đó.", "money",
       roles=FINANCE_VIEWERS,
       synonyms_en=("campaign spend", "marketing cost", "advertising spend", "ad spend", "marketing budget spent"),
       synonyms_vi=("chi phí quảng cáo", "ngân sách marketing", "chi phí chiến dịch"),
       on={"campaigns": MeasureSQL(fx=Fx(amount=lambda s: Campaign.spend, currency=lambda s: Campaign.currency,
                                         rate_date=lambda s: Campaign.start_date, document=lambda s: Campaign.id))}),
    _m("campaigns", "campaigns", "số chiến dịch", "Number of campaigns that started in the period.",
       "Số chiến dịch bắt đầu trong kỳ.", "count", roles=FINANCE_VIEWERS,
       synonyms_en=("marketing campaigns", "lead sources"), synonyms_vi=("chiến dịch", "chiến dịch marketing"),
       on={"campaigns": MeasureSQL(expr=lambda s: func.count())},
       counts=Words("campaigns", "chiến dịch", ("campaign",), ("chiến dịch marketing",))),
    _m("new_customers_acquired", "new customers acquired", "khách hàng mới từ chiến dịch",
       "Customers a campaign brought (the campaign recorded on the customer) whose first order ever (not cancelled) "
       "is dated in the period.",
       "Khách hàng do một chiến dịch mang lại (chiến dịch ghi trên khách hàng) có đơn đầu tiên (không bị hủy) trong kỳ.",
       "count", roles=COST_VIEWERS,
       synonyms_en=("customers acquired", "acquired customers", "customers from campaigns", "customers brought in by"),
       synonyms_vi=("khách hàng thu hút", "khách mới từ marketing", "khách từ chiến dịch"),
       on={"acquisitions": MeasureSQL(expr=lambda s: func.count())},
       counts=Words("customers acquired", "khách hàng thu hút được", ("acquired customers",), ())),
    _m("cac", "customer acquisition cost", "chi phí thu hút khách hàng",
       "CAC = marketing spend of the campaigns started in the period ÷ the new customers campaigns brought whose first "
       "order is in the period (per channel or campaign when grouped so).",
       "CAC = chi phí các chiến dịch bắt đầu trong kỳ ÷ số khách hàng mới do chiến dịch mang lại có đơn đầu tiên trong "
       "kỳ (theo kênh hoặc chiến dịch khi nhóm như vậy).", "money", roles=FINANCE_VIEWERS, larger_is_better=False,
       synonyms_en=("cac", "acquisition cost", "cost per new customer", "cost to acquire a customer",
                    "cost per acquisition"),
       synonyms_vi=("chi phí có một khách hàng mới", "chi phí trên mỗi khách hàng mới"),
       needs=("marketing_spend", "new_customers_acquired"),
       derive=_money_ratio("marketing_spend", "new_customers_acquired")),
    _m("clv_revenue", "revenue of delivered goods", "doanh thu hàng đã giao", "As delivered_revenue.",
       "Như doanh thu hàng đã giao.", "money", roles=COST_VIEWERS, hidden=True,
       on={"customer_deliveries": _same_as("delivered_revenue", "delivered_lines")}),
    _m("clv_cogs", "cost of goods sold", "giá vốn hàng bán", "As cogs.", "Như giá vốn hàng bán.", "money",
       roles=COST_VIEWERS, hidden=True, on={"customer_cogs": _same_as("cogs", "cogs_lines")}),
    _m("clv_customers", "customers with deliveries", "số khách hàng được giao hàng",
       "Different customers with goods delivered in the period.", "Số khách hàng khác nhau được giao hàng trong kỳ.",
       "count", roles=COST_VIEWERS, hidden=True, aggregate="count_distinct",
       on={"customer_deliveries": MeasureSQL(expr=lambda s: func.count(func.distinct(SalesOrder.customer_id)))}),
    _m("clv", "customer lifetime value", "giá trị vòng đời khách hàng",
       "CLV = gross margin (revenue of the goods delivered minus their cost of goods sold on the ledger; not revenue) "
       "per customer delivered to, scaled to a year, × the expected customer lifetime in years "
       "(TANDEM_CUSTOMER_LIFETIME_YEARS); by default over the last 365 days.",
       "CLV = lãi gộp (doanh thu trừ giá vốn, không phải doanh thu) trên mỗi khách hàng có mua, quy ra một năm, × số năm "
       "khách hàng dự kiến gắn bó (TANDEM_CUSTOMER_LIFETIME_YEARS); mặc định trong 365 ngày qua.", "money",
       roles=COST_VIEWERS,
       synonyms_en=("clv", "ltv", "lifetime value", "customer value", "customer lifetime value"),
       synonyms_vi=("clv", "giá trị trọn đời", "giá trị khách hàng trọn đời"),
       needs=("clv_revenue", "clv_cogs", "clv_customers"), derive=_lifetime_value),
    _m("paid_sales", "commissionable sales", "doanh số tính hoa hồng",
       "Net amount (after discounts, before VAT, in the base currency) of the orders whose invoice was paid in full in "
       "the period, dated by the day the last payment came in, credited to the order's salesperson.",
       "Giá trị thuần (sau chiết khấu, trước VAT) của các đơn có hóa đơn được thanh toán đủ trong kỳ, theo ngày nhận "
       "khoản thanh toán cuối, ghi nhận cho nhân viên bán đơn đó.", "money", roles=COST_VIEWERS,
       synonyms_en=("commissionable revenue", "paid sales", "sales paid in full"),
       synonyms_vi=("doanh số đã thu tiền", "doanh thu tính hoa hồng"),
       on={"paid_invoices": MeasureSQL(expr=lambda s: func.sum(s.source.c.net_amount_base))}),
    _m("commission", "commission", "hoa hồng",
       "Commission = {commission_rate_pct} % of commissionable sales (the rate is TANDEM_COMMISSION_RATE_PCT): orders "
       "whose invoice was paid in full in the "
       "period (net of discounts, before VAT), credited to the order's salesperson.",
       "Hoa hồng = {commission_rate_pct} % doanh số tính hoa hồng: các đơn có hóa đơn được thanh toán đủ trong kỳ "
       "(sau chiết khấu, trước VAT), ghi nhận cho nhân viên bán đơn.", "money", roles=COST_VIEWERS,
       synonyms_en=("commissions", "sales commission", "my commission", "bonus"),
       synonyms_vi=("tiền hoa hồng", "hoa hồng của tôi", "hoa hồng bán hàng"),
       needs=("paid_sales",), derive=_commission),
]


# --- dimensions ------------------------------------------------------------------------------------------------------

DIMENSIONS: list[Dimension] = [
    Dimension(name="campaign", words=Words("campaign", "chiến dịch", ("marketing campaign", "lead source"),
                                           ("chiến dịch marketing", "nguồn khách")), kind="category"),
    Dimension(name="campaign_channel",
              words=Words("marketing channel", "kênh marketing",
                          ("acquisition channel", "campaign channel", "lead channel", "marketing channels", "by channel"),
                          ("kênh thu hút khách", "kênh quảng cáo", "theo kênh")),
              kind="status", values=CHANNELS),
]
