"""The measures: every business figure Tandem reports, with its definition, unit, who may see it and how it is
computed on each fact that can give it. Derived measures are computed from others after aggregation."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, literal, true, type_coerce

from backend.models.base import Money
from backend.models import (Account, Customer, GoodsReceipt, GoodsReceiptLine, Invoice, JournalLine, Opportunity,
                            Payment, Product, ProductCost, PurchaseOrder, PurchaseOrderLine, Quote, SalesOrder, SalesOrderLine, StockLevel, SupplierBill, SupplierBillLine,
                            SupplierPayment, Ticket)
from backend.accounting.statements import CASH_ROLES, NOT_OPERATING_EXPENSE_ROLES
from backend.roles import ALL, COST_VIEWERS, FINANCE_VIEWERS
from backend.semantic import rules
from backend.semantic import marketing
from backend.semantic.model import Fx, Measure, MeasureSQL, Params, Words, money_ratio
from backend.semantic.sql import DaysBetween

HUNDRED = Decimal(100)


def _ratio(part: str, whole: str, scale: Decimal = HUNDRED, places: int = 1):
    def derive(values: dict[str, Any], params: Params) -> Decimal | None:
        numerator, denominator = values.get(part), values.get(whole)
        if numerator is None or not denominator:
            return None
        return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return derive


_money_ratio = money_ratio  # one definition: backend/semantic/model.py


def _difference(left: str, right: str, *, left_required: bool = True):
    def derive(values: dict[str, Any], params: Params) -> Decimal | None:
        a, b = values.get(left), values.get(right)
        if a is None and left_required:
            return None
        return (a or Decimal(0)) - (b or Decimal(0))
    return derive


def _total(*parts: str):
    def derive(values: dict[str, Any], params: Params) -> Decimal:
        return sum((values.get(part) or Decimal(0) for part in parts), Decimal(0))
    return derive


def _days_since(part: str):
    def derive(values: dict[str, Any], params: Params) -> int | None:
        latest = values.get(part)
        if latest is None:
            return None
        day = latest.astimezone(_zone(params)).date() if hasattr(latest, "astimezone") else latest
        return (params.as_of - day).days
    return derive


def _days_past(part: str):
    def derive(values: dict[str, Any], params: Params) -> int | None:
        earliest_due = values.get(part)
        return None if earliest_due is None else (params.as_of - earliest_due).days
    return derive


def _zone(params: Params):
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(params.zone)
    except Exception:
        return ZoneInfo("UTC")


def _sum(expr) -> MeasureSQL:
    return MeasureSQL(expr=lambda s: func.sum(expr(s)))


def _count(condition=None) -> MeasureSQL:
    if condition is None:
        return MeasureSQL(expr=lambda s: func.count())
    return MeasureSQL(expr=lambda s: func.sum(case((condition(s), 1), else_=0)))


def _cost(quantity, unit_cost):
    """quantity × a money column, typed as money (on SQLite money is a scaled integer the type divides back)."""
    return type_coerce(quantity * unit_cost, Money())


def _live_purchase_order(s):
    """Purchase orders that count: not cancelled, unless a status filter names which ones."""
    return true() if "po_status" in s.params.filtered else PurchaseOrder.status != "cancelled"


def _purchase_order_fx(amount) -> MeasureSQL:
    """A purchase order amount in its own currency, converted at the order's rate; cancelled orders left out unless
    a status filter names which ones count."""
    return MeasureSQL(fx=Fx(amount=amount, currency=lambda s: PurchaseOrder.currency, rate=lambda s: PurchaseOrder.fx_rate,
                            document=lambda s: PurchaseOrder.id, condition=_live_purchase_order))


def _stock_value_amount(s):
    """One stock row's value: its share of the product's book value (book value × units here / units in the book,
    so a product's warehouses add up to the ledger's figure), or units × unit cost where the book has no entry."""
    cost = s.join("cost")
    share = cost.value * StockLevel.quantity / func.nullif(cost.quantity, 0)
    return type_coerce(case((cost.product_id.is_(None), StockLevel.quantity * Product.unit_cost),
                            (cost.quantity == 0, literal(0)), else_=share), Money())


def _stock_value_currency(s):
    """The cost book is kept in the base currency; a unit cost is in its product's currency."""
    return case((s.join("cost").product_id.is_(None), Product.currency), else_=literal(s.params.base_currency))


def _revenue_line(s):
    return case((rules.counts_as_revenue(SalesOrder.status), SalesOrderLine.line_amount_base))


def _revenue_order(s):
    return case((rules.counts_as_revenue(SalesOrder.status), SalesOrder.net_amount_base))


def _live_order(s):
    return rules.counts_as_revenue(SalesOrder.status)


def _ledger(condition, *, credit: bool = False) -> MeasureSQL:
    """Debits less credits (credit=True: credits less debits) of the journal lines whose account meets `condition`."""
    def expr(s):
        amount = JournalLine.credit - JournalLine.debit if credit else JournalLine.debit - JournalLine.credit
        return func.sum(type_coerce(case((condition(s), amount), else_=0), Money()))
    return MeasureSQL(expr=expr)


_COGS_ACCOUNT = lambda s: Account.role == "cogs"  # noqa: E731
_OPERATING_EXPENSE = lambda s: (Account.kind == "expense") & (  # noqa: E731
    Account.role.is_(None) | Account.role.not_in(NOT_OPERATING_EXPENSE_ROLES))
_INCOME_STATEMENT = lambda s: Account.kind.in_(("revenue", "expense"))  # noqa: E731


def _on_its_normal_side() -> MeasureSQL:
    """An account's figure as its statement shows it: debits less credits for assets and expenses, credits less
    debits for liabilities, equity and revenue (a gain, a payable and a sale are positive)."""
    def expr(s):
        debit_side = JournalLine.debit - JournalLine.credit
        return func.sum(type_coerce(case((Account.kind.in_(("asset", "expense")), debit_side), else_=-debit_side),
                                    Money()))
    return MeasureSQL(expr=expr)


def _open_bill_fx(condition=None) -> MeasureSQL:
    return MeasureSQL(fx=Fx(amount=lambda s: s.source.c.balance, currency=lambda s: s.source.c.currency,
                            rate=lambda s: s.source.c.fx_rate, document=lambda s: s.source.c.id, condition=condition))


_COSTED = lambda s: (SalesOrderLine.unit_cost.is_not(None)) & rules.counts_as_revenue(SalesOrder.status)  # noqa: E731
SUPPORT_FREE = COST_VIEWERS  # roles that may see costs, margins and stock value


def _m(name: str, en: str, vi: str, definition_en: str, definition_vi: str, unit, *, roles=ALL,
       synonyms_en: tuple[str, ...] = (), synonyms_vi: tuple[str, ...] = (), **kwargs) -> Measure:
    return Measure(name=name, words=Words(en, vi, synonyms_en, synonyms_vi), definition=Words(definition_en, definition_vi),
                   unit=unit, roles=frozenset(roles), **kwargs)


MEASURE_LIST: list[Measure] = [
    # --- sales -------------------------------------------------------------------------------------------------
    _m("revenue", "revenue", "doanh thu",
       "Net line amounts (after discounts, before VAT) of orders that are not cancelled, by order date, in the base "
       "currency at the FX rate of the order date.",
       "Thành tiền thuần các dòng hàng (sau chiết khấu, trước VAT) của các đơn không bị hủy, theo ngày đặt hàng, quy "
       "đổi sang đồng tiền hạch toán theo tỷ giá ngày đặt hàng.", "money",
       synonyms_en=("sales", "turnover", "revenues", "takings", "income from sales", "sales figures", "sell", "sold",
                    "selling", "spent", "spend", "bought", "buy", "brought in", "bring in", "sales volume", "worth", "value of",
                    "add up to", "adds up to", "added up to", "have we made", "made from", "earned", "earn", "earns",
                    "earning", "generated", "brought us"),
       synonyms_vi=("doanh số", "bán được", "doanh thu bán hàng", "tiền hàng", "bán", "mua", "giá trị", "doanh số khách hàng", "doanh thu khách hàng",
                    "bán giỏi", "bán tốt", "bán giỏi nhất", "bán tốt nhất"),
       on={"orders": MeasureSQL(expr=lambda s: func.sum(_revenue_order(s))),
           "order_lines": MeasureSQL(expr=lambda s: func.sum(_revenue_line(s)))}),
    _m("orders", "orders", "số đơn hàng",
       "Number of orders that are not cancelled, by order date (an order_status filter counts those statuses instead).",
       "Số đơn hàng không bị hủy, theo ngày đặt hàng (lọc theo trạng thái đơn thì đếm các trạng thái đó).", "count",
       synonyms_en=("order count", "number of orders", "how many orders"), synonyms_vi=("đơn hàng", "số đơn"),
       on={"orders": MeasureSQL(expr=lambda s: func.count()),
           "order_lines": MeasureSQL(expr=lambda s: func.count(func.distinct(SalesOrder.id)))},
       aggregate="count_distinct",
       counts=Words("orders", "đơn hàng", ('order', 'sales orders'), ('đơn', 'đơn đặt hàng'))),
    _m("units", "units sold", "số lượng bán",
       "Quantities on the lines of orders that are not cancelled, by order date.",
       "Số lượng trên các dòng của đơn không bị hủy, theo ngày đặt hàng.", "quantity",
       synonyms_en=("units", "quantity", "qty", "volume", "pieces", "by quantity", "best-selling", "best selling",
                    "most ordered", "ordered the most", "ordered most", "buy the most of", "bought the most of",
                    "sold the most of", "sell the most of", "order the most of", "did we move", "have we moved",
                    "we moved"),
       synonyms_vi=("số lượng", "sản lượng", "bán chạy", "bán chậm"),
       on={"order_lines": MeasureSQL(expr=lambda s: func.sum(case((_live_order(s), SalesOrderLine.quantity))))}),
    _m("average_order_value", "average order value", "giá trị đơn trung bình",
       "Revenue divided by the number of orders.", "Doanh thu chia cho số đơn hàng.", "money",
       synonyms_en=("aov", "average order", "typical order", "avg order value", "order size", "average order size",
                    "average invoice", "average invoice value", "average sale", "average basket", "typical invoice",
                    "avg invoice value", "avg invoice", "avg order", "avg sale", "mean order value",
                    "typical invoice size", "invoice size", "average invoice size", "typical sale", "typical order size",
                    "typical order value", "average purchase", "typical purchase"),
       synonyms_vi=("đơn trung bình", "giá trị trung bình mỗi đơn", "giá trị đơn hàng trung bình", "đơn hàng trung bình",
                    "giá trị trung bình một đơn", "giá trị trung bình mỗi hóa đơn", "giá trị trung bình một hóa đơn",
                    "giá trị hóa đơn trung bình", "hóa đơn trung bình", "doanh thu trung bình mỗi đơn",
                    "doanh thu trung bình một đơn", "trung bình mỗi đơn", "bình quân mỗi đơn"),
       needs=("revenue", "orders"), derive=_money_ratio("revenue", "orders")),
    _m("customers_buying", "customers buying", "số khách hàng mua",
       "Number of different customers with an order that is not cancelled in the period.",
       "Số khách hàng khác nhau có đơn không bị hủy trong kỳ.", "count",
       synonyms_en=("buying customers", "active customers", "how many customers bought", "customers who bought",
                    "different customers", "distinct customers", "unique customers", "customers bought",
                    "customers placed an order", "customers placed at least one order", "customers who ordered",
                    "customers ordered"),
       synonyms_vi=("khách hàng mua hàng", "bao nhiêu khách mua", "khách có đặt hàng", "khách đặt hàng",
                    "khách hàng đặt hàng", "khách hàng có đơn", "khách mua hàng", "khách hàng đã mua hàng",
                    "khách hàng đã mua", "khách đã mua hàng", "khách đã mua", "khách hàng đã đặt hàng"),
       on={"orders": MeasureSQL(expr=lambda s: func.count(func.distinct(case((_live_order(s), SalesOrder.customer_id))))),
           "order_lines": MeasureSQL(expr=lambda s: func.count(func.distinct(case((_live_order(s), SalesOrder.customer_id)))))},
       aggregate="count_distinct", refines="customers"),
    _m("last_order", "last order", "đơn gần nhất", "Date of the latest order (not cancelled) in the period.",
       "Ngày đặt của đơn gần nhất (không bị hủy) trong kỳ.", "date",
       synonyms_en=("last ordered", "latest order", "last bought", "last purchase", "latest purchase", "most recent order",
                    "last order date", "last bought from us", "last sale", "latest sale", "most recent sale",
                    "ordered most recently", "bought most recently", "purchased most recently", "ordered last"),
       synonyms_vi=("lần mua cuối", "đơn cuối", "mua gần nhất", "lần mua gần nhất", "đặt hàng lần cuối", "đơn gần nhất"),
       all_time=True,
       on={"orders": MeasureSQL(expr=lambda s: func.max(SalesOrder.order_date)),
           "order_lines": MeasureSQL(expr=lambda s: func.max(SalesOrder.order_date))}, aggregate="max"),
    _m("days_since_last_order", "days since last order", "số ngày từ đơn gần nhất",
       "Days from the latest order (not cancelled, ever) to the day.",
       "Số ngày từ đơn hàng gần nhất (không bị hủy, từ trước đến nay) đến ngày đó.", "days", larger_is_better=False,
       synonyms_en=("days since they last ordered", "days since the last order", "haven't ordered in a while",
                    "not ordered in a while", "haven't bought in a while", "gone quiet", "dormant", "lapsed"),
       synonyms_vi=("bao lâu chưa mua", "lâu rồi chưa mua", "lâu chưa mua", "lâu không mua", "lâu rồi không mua",
                    "lâu rồi chưa đặt", "lâu chưa đặt hàng"),
       needs=("last_order",), derive=_days_since("last_order"), all_time=True),
    _m("new_customers", "new customers", "khách hàng mới",
       "Customers whose first order ever (not cancelled) is dated in the period.",
       "Khách hàng có đơn đầu tiên (không bị hủy) đặt trong kỳ.", "count",
       synonyms_en=("first-time customers", "first time buyers", "new accounts", "customers won",
                    "placed their first order", "placed their very first order", "first order ever",
                    "first ever order", "placed their first ever order", "ordered for the first time",
                    "bought for the first time", "first purchase", "first-ever order"),
       synonyms_vi=("khách mới", "khách hàng lần đầu mua", "đặt đơn đầu tiên", "lần đầu đặt hàng", "mua lần đầu",
                    "đơn hàng đầu tiên"),
       on={"first_orders": _count()},
       counts=Words("new customers", "khách hàng mới", ("new customer", "new accounts", "first-time customers"),
                    ("khách mới",)), refines="customers"),
    _m("first_order", "first order", "đơn đầu tiên", "Date of the earliest order (not cancelled) in the period.",
       "Ngày đặt của đơn đầu tiên (không bị hủy) trong kỳ.", "date", synonyms_en=("first ordered", "customer since",
                                                                                "first purchase"),
       synonyms_vi=("lần mua đầu",), all_time=True,
       on={"orders": MeasureSQL(expr=lambda s: func.min(SalesOrder.order_date)),
           "order_lines": MeasureSQL(expr=lambda s: func.min(SalesOrder.order_date))}, aggregate="min"),
    _m("cost_of_sales", "cost of sales", "giá vốn theo đơn hàng",
       "Quantity × unit cost recorded on the lines of orders that are not cancelled, in the base currency at the FX "
       "rate of the order date (a cost is in its product's currency); lines without a cost are left out.",
       "Số lượng × giá vốn ghi trên các dòng của đơn không bị hủy, quy đổi theo tỷ giá ngày đặt hàng (giá vốn theo "
       "đồng tiền của sản phẩm); bỏ qua dòng không có giá vốn.", "money",
       roles=COST_VIEWERS, synonyms_en=("cost",), synonyms_vi=(),
       on={"order_lines": MeasureSQL(fx=Fx(amount=lambda s: _cost(SalesOrderLine.quantity, SalesOrderLine.unit_cost),
                                           currency=lambda s: s.join("product").currency,
                                           rate_date=lambda s: SalesOrder.order_date, condition=_COSTED))}),
    _m("order_margin", "gross profit on orders", "lãi gộp theo đơn hàng",
       "Revenue minus the cost recorded on the order lines (cost of sales), both by order date: the margin asked as "
       "\"revenue minus cost\", and the one a company whose ledger holds no cost of goods sold has.",
       "Doanh thu trừ giá vốn ghi trên các dòng đơn hàng (giá vốn theo đơn hàng), cùng theo ngày đặt hàng.", "money",
       roles=COST_VIEWERS,
       synonyms_en=("revenue minus cost of goods", "revenue minus cost of goods sold", "revenue minus cost",
                    "revenue minus costs", "revenue minus cost of sales", "revenue less cost of goods", "revenue less cost",
                    "sales minus cost", "sales minus cost of goods", "sales less cost of goods", "order margin",
                    "margin on orders", "revenue minus the cost of goods", "revenue minus the cost", "revenue less the cost",
                    "sales minus the cost"),
       synonyms_vi=("doanh thu trừ giá vốn", "doanh thu trừ đi giá vốn", "doanh số trừ giá vốn"),
       needs=("revenue", "cost_of_sales"), derive=_difference("revenue", "cost_of_sales")),
    _m("cogs", "cost of goods sold", "giá vốn hàng bán",
       "The ledger's cost of goods sold: debits less credits on the cost of goods sold account, posted at "
       "moving-average cost when goods are delivered, by delivery date (purchase price variance not included).",
       "Giá vốn hàng bán trên sổ cái: phát sinh Nợ trừ Có của tài khoản giá vốn, ghi theo giá bình quân gia quyền "
       "khi giao hàng, theo ngày giao (không gồm chênh lệch giá mua).", "money", roles=COST_VIEWERS,
       synonyms_en=("cost of goods sold", "cogs", "cost of goods", "cost of sales on the ledger"),
       synonyms_vi=("giá vốn hàng bán", "giá vốn trên sổ cái"),
       on={"cogs_lines": _ledger(_COGS_ACCOUNT)}),
    _m("delivered_revenue", "revenue of delivered goods", "doanh thu hàng đã giao",
       "Net line amounts of orders delivered, dated by the delivery's journal entry: the revenue matched with cost "
       "of goods sold.", "Thành tiền thuần các dòng hàng đã giao, theo ngày bút toán giao hàng.", "money",
       roles=COST_VIEWERS, on={"delivered_lines": _sum(lambda s: SalesOrderLine.line_amount_base)}, hidden=True),
    _m("gross_margin", "gross margin", "lãi gộp",
       "Revenue of the goods delivered in the period minus their cost of goods sold on the ledger (moving-average "
       "cost), both dated by the delivery.",
       "Doanh thu hàng đã giao trong kỳ trừ giá vốn hàng bán trên sổ cái (giá bình quân), cùng theo ngày giao.",
       "money", roles=COST_VIEWERS,
       synonyms_en=("margin", "gross profit", "profit"), synonyms_vi=("lợi nhuận gộp", "lãi"),
       needs=("delivered_revenue", "cogs"), derive=_difference("delivered_revenue", "cogs")),
    _m("gross_margin_pct", "gross margin %", "tỷ lệ lãi gộp",
       "Gross margin as a percentage of the revenue of the goods delivered.",
       "Lãi gộp tính theo phần trăm doanh thu hàng đã giao.", "percent", roles=COST_VIEWERS, places=1,
       synonyms_en=("margin %", "margin percent", "margin rate", "margin percentage", "gross margin percentage",
                    "margin pct", "gross margin percent", "margin ratio"),
       synonyms_vi=("% lãi gộp", "tỷ suất lãi gộp", "phần trăm lãi gộp", "tỷ lệ lợi nhuận gộp", "biên lợi nhuận gộp",
                    "biên lợi nhuận", "biên lãi", "tỷ suất lợi nhuận"),
       needs=("gross_margin", "delivered_revenue"), derive=_ratio("gross_margin", "delivered_revenue")),
    _m("orders_shipped", "orders shipped", "số đơn đã giao",
       "Orders (not cancelled) with a shipping date in the period, by shipping date.",
       "Số đơn (không bị hủy) có ngày giao trong kỳ, theo ngày giao.", "count",
       synonyms_en=("deliveries", "shipments", "dispatched", "delivered", "ship", "shipped", "deliver"),
       synonyms_vi=("giao hàng", "đơn đã giao", "đã giao", "giao được", "giao đi", "xuất đi", "xuất kho giao", "đã xuất kho"),
       on={"shipments": MeasureSQL(expr=lambda s: func.count())},
       counts=Words("deliveries", "đơn đã giao", ('shipments', 'delivered orders', 'shipped orders'), ('đơn giao', 'lần giao hàng')), refines="orders"),
    _m("uninvoiced_orders", "orders not yet invoiced", "đơn chưa xuất hóa đơn",
       "Net value (before VAT) of confirmed or shipped orders that have no invoice yet, in the base currency.",
       "Giá trị thuần (trước VAT) của các đơn đã xác nhận hoặc đã giao chưa có hóa đơn, theo đồng tiền hạch toán.",
       "money", synonyms_en=("not invoiced", "uninvoiced", "not invoiced yet", "isn't invoiced", "not been invoiced",
                             "shipped but not invoiced", "aren't invoiced", "aren t invoiced", "isn t invoiced",
                             "not yet invoiced", "haven't been invoiced", "haven t been invoiced", "unbilled",
                             "not billed yet", "not yet billed"),
       synonyms_vi=("chưa xuất hóa đơn", "chưa lập hóa đơn", "giao rồi chưa xuất hóa đơn"),
       on={"uninvoiced": MeasureSQL(expr=lambda s: func.sum(SalesOrder.net_amount_base))}),
    _m("uninvoiced_order_count", "orders not yet invoiced", "số đơn chưa xuất hóa đơn",
       "Number of confirmed or shipped orders that have no invoice yet.",
       "Số đơn đã xác nhận hoặc đã giao chưa có hóa đơn.", "count",
       on={"uninvoiced": _count()},
       counts=Words("orders not yet invoiced", "đơn chưa xuất hóa đơn", ("uninvoiced orders", "orders not invoiced"),
                    ("đơn chưa lập hóa đơn",)),
       refines="orders", counts_of="uninvoiced_orders"),
    # --- quotes ------------------------------------------------------------------------------------------------
    _m("quotes", "quotes", "số báo giá", "Number of quotes issued in the period.", "Số báo giá lập trong kỳ.", "count",
       synonyms_en=("quotations", "quote count"), synonyms_vi=("báo giá",), on={"quotes": _count()},
       counts=Words("quotes", "báo giá", ('quote', 'quotations'), ())),
    _m("quotes_won", "quotes won", "báo giá thành đơn", "Quotes issued in the period that became orders.",
       "Báo giá lập trong kỳ đã thành đơn hàng.", "count",
       on={"quotes": _count(lambda s: Quote.status.in_(rules.QUOTE_WON))}, hidden=True),
    _m("quotes_decided", "quotes decided", "báo giá đã có kết quả",
       "Quotes issued in the period that became orders, were rejected or expired.",
       "Báo giá lập trong kỳ đã thành đơn, bị từ chối hoặc hết hạn.", "count",
       on={"quotes": _count(lambda s: Quote.status.in_(rules.QUOTE_DECIDED))}, hidden=True),
    _m("quote_win_rate", "quote win rate", "tỷ lệ báo giá thành công",
       "Quotes that became orders as a percentage of the quotes decided (converted, rejected or expired).",
       "Tỷ lệ báo giá thành đơn trên số báo giá đã có kết quả (thành đơn, bị từ chối hoặc hết hạn).", "percent",
       places=1, synonyms_en=("quote conversion", "quote hit rate"), synonyms_vi=("tỷ lệ chốt báo giá",),
       needs=("quotes_won", "quotes_decided"), derive=_ratio("quotes_won", "quotes_decided")),
    # --- invoices, payments, receivables ------------------------------------------------------------------------
    _m("invoiced", "invoiced", "đã xuất hóa đơn",
       "Amounts of invoices issued in the period (void ones excluded), VAT included, in the base currency at each "
       "invoice's FX rate.", "Giá trị hóa đơn lập trong kỳ (không gồm hóa đơn hủy), gồm VAT, quy đổi theo tỷ giá của "
       "từng hóa đơn.", "money", synonyms_en=("billed", "billing", "invoice total", "invoiced amount", "we invoice", "we bill",
                                          "invoicing", "total invoices", "invoice value", "value of invoices"),
       synonyms_vi=("xuất hóa đơn", "giá trị hóa đơn"),
       on={"invoices": MeasureSQL(fx=Fx(amount=lambda s: Invoice.amount, currency=lambda s: Invoice.currency,
                                        rate=lambda s: Invoice.fx_rate, document=lambda s: Invoice.id))}),
    _m("payments_received", "payments received", "tiền đã thu",
       "Customer payments dated in the period, in the base currency at the FX rate of the payment date.",
       "Các khoản khách hàng thanh toán trong kỳ, quy đổi theo tỷ giá ngày thanh toán.", "money",
       synonyms_en=("cash collected", "collections", "payments", "cash in", "received", "collected", "collect", "take in", "took in", "taken in", "paid", "pay",
                    "cash received", "money in", "came in", "come in", "brought in cash"),
       synonyms_vi=("thu tiền", "tiền thu được", "đã thu", "thu được", "thanh toán", "đã trả", "trả", "tiền về",
                    "khách đã thanh toán", "khách thanh toán", "khách hàng đã thanh toán", "khách đã trả",
                    "số tiền khách trả", "tiền khách trả", "tiền thu về", "thu về", "tiền đã về", "tiền thu từ khách hàng", "tiền thu từ khách", "thu từ khách hàng",
                    "tiền khách hàng trả", "tiền thu"),
       on={"payments": MeasureSQL(fx=Fx(amount=lambda s: Payment.amount, currency=lambda s: Payment.currency,
                                        rate_date=lambda s: Payment.paid_on, document=lambda s: Payment.id))}),
    _m("payment_count", "payments", "số lần thanh toán", "Number of customer payments dated in the period.",
       "Số khoản thanh toán của khách hàng trong kỳ.", "count", synonyms_en=("number of payments",),
       synonyms_vi=("số lần trả",), on={"payments": _count()},
       counts=Words("payments", "khoản thanh toán", ('payment',), ('lần thanh toán',))),
    _m("last_payment", "last payment", "lần thanh toán gần nhất", "Date of the latest payment in the period.",
       "Ngày thanh toán gần nhất trong kỳ.", "date", synonyms_en=("last paid", "latest payment", "last receive a payment", "last received a payment",
                              "last got paid", "last payment received", "last receive payment"),
       synonyms_vi=("trả tiền lần cuối",), on={"payments": MeasureSQL(expr=lambda s: func.max(Payment.paid_on))},
       aggregate="max"),
    _m("open_receivables", "open receivables", "công nợ phải thu",
       "Open balance of invoices on the day (amount minus payments applied by then; void invoices excluded), in the "
       "base currency at each invoice's FX rate, rounded per invoice.",
       "Số dư còn nợ của các hóa đơn tại ngày đó (giá trị trừ các khoản đã thanh toán; không gồm hóa đơn hủy), quy đổi "
       "theo tỷ giá từng hóa đơn, làm tròn theo từng hóa đơn.", "money",
       synonyms_en=("outstanding", "receivables", "receivable", "accounts receivable", "owed", "owes", "owe", "owing",
                    "unpaid", "balance", "open balance", "debt", "ar", "a/r", "debtors", "debtor"),
       synonyms_vi=("công nợ", "còn nợ", "nợ", "chưa thanh toán", "phải thu", "số dư", "chưa trả", "chưa trả tiền"),
       on={"receivables": MeasureSQL(fx=Fx(amount=lambda s: s.source.c.balance, currency=lambda s: s.source.c.currency,
                                           rate=lambda s: s.source.c.fx_rate, document=lambda s: s.source.c.id))}),
    _m("overdue_amount", "overdue", "nợ quá hạn",
       "Open balance of invoices past their due date on the day, in the base currency.",
       "Số dư còn nợ của các hóa đơn đã quá hạn tại ngày đó, theo đồng tiền hạch toán.", "money",
       synonyms_en=("overdue amount", "past due", "late payments", "overdue balance", "behind on payments", "behind on", "behind",
                    "late paying", "paying late", "late payers", "late payer", "pay late", "pays late",
                    "in arrears", "arrears", "late on payments", "of it is late", "of that is late", "of it late"),
       synonyms_vi=("quá hạn", "trễ hạn", "quá hạn thanh toán", "trễ hạn thanh toán", "chậm trả", "nợ chậm trả"),
       on={"receivables": MeasureSQL(fx=Fx(amount=lambda s: s.source.c.balance, currency=lambda s: s.source.c.currency,
                                           rate=lambda s: s.source.c.fx_rate, document=lambda s: s.source.c.id,
                                           condition=lambda s: rules.is_overdue(s.source.c.due_date, s.params.as_of)))}),
    _m("open_invoices", "open invoices", "số hóa đơn còn nợ", "Number of invoices with an open balance on the day.",
       "Số hóa đơn còn số dư tại ngày đó.", "count", synonyms_en=("unpaid invoices", "invoices open"),
       synonyms_vi=("hóa đơn chưa thanh toán", "hóa đơn còn nợ"), on={"receivables": _count()},
       counts=Words("unpaid invoices", "hóa đơn chưa thanh toán", ('open invoices', 'outstanding invoices'),
                    ('hóa đơn còn nợ', 'hóa đơn còn mở', 'hóa đơn đang mở', 'hóa đơn đang còn mở', 'hóa đơn chưa trả',
                     'hóa đơn chưa thu')), refines="invoices", counts_of='open_receivables'),
    _m("invoices", "invoices", "số hóa đơn", "Number of invoices issued in the period (void ones excluded).",
       "Số hóa đơn lập trong kỳ (không gồm hóa đơn hủy).", "count", synonyms_en=("invoice count", "number of invoices"),
       synonyms_vi=("số hóa đơn",), on={"invoices": _count()},
       counts=Words("invoices", "hóa đơn", ("invoice", "bills"), ())),
    _m("overdue_invoices", "overdue invoices", "số hóa đơn quá hạn",
       "Number of invoices with an open balance past their due date on the day.",
       "Số hóa đơn còn nợ đã quá hạn tại ngày đó.", "count", synonyms_en=("invoices overdue", "late invoices"),
       synonyms_vi=("hóa đơn quá hạn",),
       on={"receivables": _count(lambda s: rules.is_overdue(s.source.c.due_date, s.params.as_of))},
       counts=Words("overdue invoices", "hóa đơn quá hạn", ('late invoices',), ()), refines="open_invoices", counts_of='overdue_amount'),
    _m("earliest_due", "earliest due date overdue", "hạn sớm nhất quá hạn",
       "Due date of the oldest overdue invoice.", "Hạn thanh toán của hóa đơn quá hạn lâu nhất.", "days",
       on={"receivables": MeasureSQL(expr=lambda s: func.min(case(
           (rules.is_overdue(s.source.c.due_date, s.params.as_of), s.source.c.due_date))))},
       aggregate="min", hidden=True),
    _m("invoice_due_date", "due date", "ngày đến hạn", "The due date of an open invoice (over several, the earliest).",
       "Ngày đến hạn của hóa đơn còn nợ (nhiều hóa đơn thì ngày sớm nhất).", "date",
       synonyms_en=("when was it due", "when is it due", "was due", "falls due", "fell due", "due on", "invoice due date"),
       synonyms_vi=("ngày đến hạn", "đến hạn ngày nào", "hạn trả", "hạn thanh toán của hóa đơn", "hạn thanh toán khi nào",
                    "hạn thanh toán ngày nào", "hạn thanh toán là ngày nào", "khi nào đến hạn", "bao giờ đến hạn"),
       on={"receivables": MeasureSQL(expr=lambda s: func.min(s.source.c.due_date))}, aggregate="min"),
    _m("max_days_overdue", "days overdue (oldest)", "số ngày quá hạn lâu nhất",
       "Days past due of the oldest overdue invoice on the day; empty when nothing is overdue.",
       "Số ngày quá hạn của hóa đơn quá hạn lâu nhất tại ngày đó; trống khi không có gì quá hạn.", "days",
       synonyms_en=("days overdue", "days past due", "oldest overdue", "how late", "by how many days", "how many days overdue", "how many days late", "slowest to pay", "slowest payer", "slowest payers",
                    "pays slowest", "pay slowest"), synonyms_vi=("trả chậm nhất", "chậm trả nhất", "số ngày quá hạn", "quá hạn bao lâu", "lâu nhất bao nhiêu ngày", "quá hạn lâu nhất",
                    "trễ bao nhiêu ngày", "bao nhiêu ngày quá hạn", "đã quá hạn bao nhiêu ngày",
                    "đã quá hạn mấy ngày"),
       needs=("earliest_due",), derive=_days_past("earliest_due")),
    # --- credit --------------------------------------------------------------------------------------------------
    _m("credit_limit", "credit limit", "hạn mức tín dụng",
       "Agreed credit limit in the base currency at the day's FX rate; empty when no limit is set (no credit check "
       "configured, not unlimited credit); 0 means cash only.",
       "Hạn mức tín dụng theo đồng tiền hạch toán, tỷ giá ngày đó; trống khi chưa đặt hạn mức (chưa cấu hình kiểm tra "
       "tín dụng, không phải không giới hạn); 0 là chỉ bán thu tiền trước.", "money",
       synonyms_en=("limit", "agreed limit", "credit line"), synonyms_vi=("hạn mức",),
       on={"customers": MeasureSQL(fx=Fx(amount=lambda s: Customer.credit_limit, currency=lambda s: Customer.currency))}),
    _m("credit_exposure", "credit exposure", "dư nợ rủi ro",
       "Open receivables plus confirmed or shipped orders not yet invoiced, in the base currency.",
       "Công nợ phải thu cộng các đơn đã xác nhận hoặc đã giao chưa xuất hóa đơn, theo đồng tiền hạch toán.", "money",
       synonyms_en=("exposure", "credit used"), synonyms_vi=("dư nợ", "tín dụng đã dùng"),
       needs=("open_receivables", "uninvoiced_orders"), derive=_total("open_receivables", "uninvoiced_orders")),
    _m("available_credit", "available credit", "tín dụng còn lại",
       "Credit limit minus credit exposure; negative when over the limit; empty when no limit is set.",
       "Hạn mức trừ dư nợ rủi ro; âm khi vượt hạn mức; trống khi chưa đặt hạn mức.", "money",
       synonyms_en=("credit left", "headroom", "remaining credit", "credit available"),
       synonyms_vi=("hạn mức còn lại", "còn được nợ"),
       needs=("credit_limit", "credit_exposure"), derive=_difference("credit_limit", "credit_exposure")),
    _m("customers", "customers", "số khách hàng", "Number of customers.", "Số khách hàng.", "count",
       synonyms_en=("accounts", "clients", "customer count", "how many customers"),
       synonyms_vi=("khách hàng",), on={"customers": _count()},
       counts=Words("customers", "khách hàng", ('customer', 'clients', 'client', 'accounts', 'account', 'retailers',
                                                "resellers", "dealers", "buyers"), ('khách',))),
    _m("last_contact_at", "last contact", "lần liên hệ cuối", "Time of the latest interaction.",
       "Thời điểm liên hệ gần nhất.", "days",
       on={"customers": MeasureSQL(expr=lambda s: func.max(s.join("last_contact").c.last_contact))},
       aggregate="max", hidden=True),
    _m("days_since_last_contact", "days since last contact", "số ngày từ lần liên hệ cuối",
       "Days from the latest interaction (call, e-mail, meeting, chat or note) to the day; empty when there has never "
       "been one, which counts as longer than any number of days.",
       "Số ngày từ lần liên hệ gần nhất (gọi, email, họp, tin nhắn, ghi chú) đến ngày đó; trống khi chưa từng liên hệ, "
       "được tính là lâu hơn mọi số ngày.", "days", none_is_infinite=True, larger_is_better=False,
       synonyms_en=("not contacted", "no contact", "last contacted", "haven't called", "nobody called", "not called"),
       synonyms_vi=("chưa liên hệ", "lâu không liên hệ", "lần cuối liên hệ"),
       needs=("last_contact_at",), derive=_days_since("last_contact_at")),
    # --- pipeline ----------------------------------------------------------------------------------------------
    _m("expected_close", "expected close", "ngày dự kiến chốt", "The expected close date of the opportunity (the earliest).",
       "Ngày dự kiến chốt của cơ hội (sớm nhất).", "date", synonyms_en=("close date", "closing date", "when it closes",
                                                                         "supposed to close", "expected to close"),
       synonyms_vi=("ngày chốt", "dự kiến chốt", "sắp chốt", "khi nào chốt"),
       on={"opportunities": MeasureSQL(expr=lambda s: func.min(Opportunity.close_date))}, aggregate="min"),
    _m("open_expected_close", "expected close of open deals", "ngày dự kiến chốt của cơ hội đang mở",
       "The expected close date of the opportunities still open (the earliest).",
       "Ngày dự kiến chốt của các cơ hội còn mở (sớm nhất).", "date", hidden=True,
       on={"opportunities": MeasureSQL(expr=lambda s: func.min(case(
           (Opportunity.stage.in_(rules.OPEN_STAGES), Opportunity.close_date))))}, aggregate="min"),
    _m("days_past_close", "days past expected close", "số ngày quá ngày dự kiến chốt",
       "For an open opportunity: days from its expected close date to the day (negative while it is still ahead); "
       "empty once it is won or lost.",
       "Với cơ hội còn mở: số ngày từ ngày dự kiến chốt đến ngày đó (âm khi chưa tới); trống khi đã thắng hoặc thua.",
       "days", larger_is_better=False,
       synonyms_en=("past the close date", "overdue to close", "days late to close"),
       synonyms_vi=("quá ngày dự kiến chốt", "trễ ngày chốt"),
       needs=("open_expected_close",), derive=_days_since("open_expected_close")),
    _m("opportunities", "opportunities", "số cơ hội", "Number of opportunities (any stage unless filtered).",
       "Số cơ hội (mọi giai đoạn nếu không lọc).", "count", synonyms_en=("deals", "opps", "opportunity count"),
       synonyms_vi=("cơ hội", "thương vụ"), on={"opportunities": _count()},
       counts=Words("deals", "cơ hội", ('deal', 'opportunities', 'opportunity', 'opps'), ('thương vụ', 'deal'))),
    _m("open_opportunities", "open opportunities", "số cơ hội đang mở",
       "Opportunities not yet closed won or lost.", "Số cơ hội chưa thắng hoặc thua.", "count",
       synonyms_en=("open deals", "active deals"), synonyms_vi=("cơ hội đang mở",),
       on={"opportunities": _count(lambda s: Opportunity.stage.in_(rules.OPEN_STAGES))},
       counts=Words("open deals", "cơ hội đang mở", ('open opportunities', 'active deals'), ()), refines="opportunities"),
    _m("opportunity_amount", "deal value", "giá trị cơ hội",
       "Amount of the opportunities (any stage unless filtered), in the base currency at the day's FX rate.",
       "Giá trị các cơ hội (mọi giai đoạn nếu không lọc), theo đồng tiền hạch toán, tỷ giá ngày đó.", "money",
       synonyms_en=("deal amount", "deal size", "worth of the deal", "value of the deal", "deal worth"),
       synonyms_vi=("giá trị thương vụ",),
       on={"opportunities": MeasureSQL(fx=Fx(amount=lambda s: Opportunity.amount, currency=lambda s: Opportunity.currency))}),
    _m("average_deal_size", "average deal size", "giá trị cơ hội trung bình",
       "Deal value divided by the number of opportunities (any stage unless filtered).",
       "Giá trị cơ hội chia cho số cơ hội (mọi giai đoạn nếu không lọc).", "money",
       synonyms_en=("avg deal size", "average deal", "avg deal", "average deal value", "average deal amount",
                    "average opportunity", "typical deal", "typical deal size", "mean deal size"),
       synonyms_vi=("giá trị deal trung bình", "giá trị trung bình mỗi cơ hội", "cơ hội trung bình"),
       needs=("opportunity_amount", "opportunities"), derive=_money_ratio("opportunity_amount", "opportunities")),
    _m("pipeline_amount", "pipeline", "giá trị cơ hội đang mở",
       "Amount of open opportunities (not closed won or lost), in the base currency at the day's FX rate.",
       "Giá trị các cơ hội đang mở (chưa thắng/thua), theo đồng tiền hạch toán, tỷ giá ngày đó.", "money",
       synonyms_en=("pipeline value", "open pipeline", "pipeline amount", "open deals value"),
       synonyms_vi=("giá trị pipeline", "cơ hội đang mở"),
       on={"opportunities": MeasureSQL(fx=Fx(amount=lambda s: Opportunity.amount, currency=lambda s: Opportunity.currency,
                                             condition=lambda s: Opportunity.stage.in_(rules.OPEN_STAGES)))}),
    _m("weighted_pipeline", "weighted pipeline", "dự báo có trọng số",
       "Open opportunities' amounts × their probability / 100: the forecast.",
       "Giá trị cơ hội đang mở × xác suất / 100: dự báo doanh thu.", "money",
       synonyms_en=("forecast", "weighted forecast", "weighted amount", "weighted value", "weighted pipeline value"),
       synonyms_vi=("dự báo", "giá trị có trọng số"),
       on={"opportunities": MeasureSQL(fx=Fx(amount=lambda s: Opportunity.amount, currency=lambda s: Opportunity.currency,
                                             weight=lambda s: Opportunity.probability,
                                             condition=lambda s: Opportunity.stage.in_(rules.OPEN_STAGES)))},
       refines="pipeline_amount"),
    _m("deals_won", "deals won", "cơ hội thắng", "Opportunities closed won.", "Cơ hội đã thắng.", "count",
       on={"opportunities": _count(lambda s: Opportunity.stage == rules.WON_STAGE)}, hidden=True),
    _m("deals_decided", "deals closed", "cơ hội đã đóng", "Opportunities closed won or lost.", "Cơ hội đã thắng hoặc thua.",
       "count", on={"opportunities": _count(lambda s: Opportunity.stage.in_((rules.WON_STAGE, rules.LOST_STAGE)))},
       hidden=True),
    _m("win_rate", "win rate", "tỷ lệ thắng",
       "Opportunities closed won as a percentage of those closed won or lost.",
       "Tỷ lệ cơ hội thắng trên số cơ hội đã thắng hoặc thua.", "percent", places=1,
       synonyms_en=("close rate", "deal win rate", "success rate"), synonyms_vi=("tỷ lệ chốt", "tỷ lệ thành công"),
       needs=("deals_won", "deals_decided"), derive=_ratio("deals_won", "deals_decided")),
    # --- support and contact -----------------------------------------------------------------------------------
    _m("tickets_opened", "tickets opened", "phiếu hỗ trợ mới", "Support tickets opened in the period.",
       "Phiếu hỗ trợ được mở trong kỳ.", "count", synonyms_en=("new tickets", "tickets", "cases", "complaints"),
       synonyms_vi=("phiếu hỗ trợ", "khiếu nại", "yêu cầu hỗ trợ"), on={"tickets": _count()},
       counts=Words("tickets", "phiếu hỗ trợ", ('ticket', 'cases', 'complaints', 'support tickets'), ('phiếu', 'ticket', 'khiếu nại'))),
    _m("open_tickets", "open tickets", "phiếu đang mở", "Tickets open or pending on the day.",
       "Phiếu đang mở hoặc đang chờ tại ngày đó.", "count", synonyms_en=("unresolved tickets", "open cases"),
       synonyms_vi=("phiếu chưa đóng", "phiếu chưa xử lý"), on={"open_tickets": _count()},
       counts=Words("open tickets", "phiếu đang mở", ('unresolved tickets', 'pending tickets'), ('phiếu chưa đóng',)), refines="tickets_opened"),
    _m("tickets_closed", "tickets closed", "phiếu đã đóng", "Tickets closed in the period.", "Phiếu đóng trong kỳ.",
       "count", synonyms_en=("resolved tickets",), synonyms_vi=("phiếu đã xử lý",), on={"resolutions": _count()},
       counts=Words("closed tickets", "phiếu đã đóng", ('resolved tickets',), ()), refines="tickets_opened"),
    _m("resolution_days_total", "days to resolve, summed", "tổng số ngày xử lý", "Days from opening to closing, summed.",
       "Tổng số ngày từ lúc mở đến lúc đóng.", "days",
       on={"resolutions": MeasureSQL(expr=lambda s: func.sum(DaysBetween(Ticket.closed_at, Ticket.opened_at)))},
       hidden=True),
    _m("avg_resolution_days", "average days to resolve", "số ngày xử lý trung bình",
       "Average days from opening to closing of the tickets closed in the period.",
       "Số ngày trung bình từ lúc mở đến lúc đóng của các phiếu đóng trong kỳ.", "days", places=1, larger_is_better=False,
       synonyms_en=("resolution time", "time to resolve", "average resolution", "average days to close",
                    "average time to close"),
       synonyms_vi=("thời gian xử lý", "thời gian xử lý trung bình", "thời gian giải quyết", "số ngày xử lý trung bình"),
       needs=("resolution_days_total", "tickets_closed"), derive=_ratio("resolution_days_total", "tickets_closed", Decimal(1))),
    _m("interactions", "interactions", "lần liên hệ", "Calls, e-mails, meetings, chats and notes logged in the period.",
       "Cuộc gọi, email, cuộc họp, tin nhắn và ghi chú trong kỳ.", "count",
       synonyms_en=("contacts made", "calls", "touchpoints", "activities"), synonyms_vi=("liên hệ", "cuộc gọi", "hoạt động"),
       on={"interactions": _count()},
       counts=Words("interactions", "lần liên hệ", ('calls', 'meetings', 'contacts', 'touchpoints'), ('cuộc gọi', 'cuộc họp', 'liên hệ', 'cuộc'))),
    # --- catalogue ---------------------------------------------------------------------------------------------
    _m("products", "products", "số sản phẩm", "Number of products in the catalogue (active or not).",
       "Số sản phẩm trong danh mục (kể cả ngừng kinh doanh).", "count", synonyms_en=("catalogue size", "number of products"),
       synonyms_vi=("số mặt hàng",), on={"catalogue": _count()},
       counts=Words("products", "sản phẩm", ("product", "items", "item", "skus", "sku", "articles", "tracks", "songs"), ("mặt hàng", "món"))),
    _m("price_total", "list prices, summed", "tổng giá niêm yết", "The products' list prices added up, in the base "
       "currency at today's FX rate.", "Tổng giá niêm yết của các sản phẩm, quy đổi theo tỷ giá hôm nay.", "money",
       on={"catalogue": MeasureSQL(fx=Fx(amount=lambda s: Product.unit_price, currency=lambda s: Product.currency))},
       hidden=True),
    _m("list_price", "list price", "giá niêm yết",
       "A product's list price (before discounts and VAT), in the base currency at today's FX rate; over several "
       "products, their average.",
       "Giá niêm yết của sản phẩm (trước chiết khấu và VAT), quy đổi theo tỷ giá hôm nay; nhiều sản phẩm thì lấy "
       "trung bình.", "money",
       synonyms_en=("price", "prices", "unit price", "selling price", "priced", "most expensive", "cheapest",
                    "average price"),
       synonyms_vi=("giá bán", "đơn giá", "giá niêm yết", "đắt nhất", "rẻ nhất", "giá trung bình"),
       needs=("price_total", "products"), derive=_money_ratio("price_total", "products")),
    _m("active_products", "active products", "sản phẩm đang kinh doanh", "Number of products still sold (not discontinued).",
       "Số sản phẩm đang kinh doanh (chưa ngừng bán).", "count", synonyms_en=("products we sell", "active items"),
       synonyms_vi=("mặt hàng đang bán", "đang kinh doanh", "còn kinh doanh", "còn đang kinh doanh", "còn bán"),
       on={"catalogue": _count(lambda s: Product.active.is_(True))},
       counts=Words("active products", "sản phẩm đang kinh doanh", ("active items", "active skus"), ("sản phẩm đang bán",)), refines="products"),
    # --- stock ---------------------------------------------------------------------------------------------------
    _m("inactive_products", "discontinued products", "sản phẩm ngừng kinh doanh",
       "Number of products in the catalogue no longer sold (inactive), whatever is left in stock.",
       "Số sản phẩm đã ngừng kinh doanh trong danh mục.", "count",
       synonyms_en=("inactive products", "discontinued items", "discontinued skus", "products no longer sold",
                    "discontinued", "no longer sold", "inactive", "stopped selling", "no longer sell",
                    "no longer carry", "dropped from the range"),
       synonyms_vi=("ngừng kinh doanh", "đã ngừng kinh doanh", "ngừng bán", "không còn bán"),
       on={"catalogue": _count(lambda s: Product.active.is_(False))},
       counts=Words("discontinued products", "sản phẩm ngừng kinh doanh", ("inactive products", "discontinued skus"),
                    ("mã ngừng kinh doanh",)), refines="products"),
    _m("stock_on_hand", "on hand", "tồn kho", "Units on hand today.", "Số lượng tồn kho hôm nay.", "quantity",
       synonyms_en=("stock", "inventory", "in stock", "on hand", "do we hold", "we hold", "we are holding",
                    "we're holding"), synonyms_vi=("tồn", "hàng tồn", "còn hàng"),
       on={"stock": _sum(lambda s: StockLevel.quantity)}),
    _m("stock_available", "available", "có thể bán", "Units on hand minus units reserved for orders, today.",
       "Số lượng tồn trừ số đã giữ cho đơn hàng, hôm nay.", "quantity",
       synonyms_en=("available stock", "free stock", "unreserved", "available to sell", "net of reserved",
                    "can i still sell", "can we still sell", "can i sell", "can we sell", "could i sell", "left to sell", "still have to sell", "free to sell", "not reserved", "free to ship"),
       synonyms_vi=("hàng có sẵn", "còn bán được", "khả dụng", "còn khả dụng", "tồn khả dụng", "có thể bán được",
                    "còn sẵn", "sẵn để bán", "có sẵn để bán", "để bán"),
       on={"stock": _sum(lambda s: StockLevel.quantity - StockLevel.reserved)}),
    _m("stock_reserved", "reserved", "đã giữ cho đơn", "Units reserved for orders, today.",
       "Số lượng đã giữ cho đơn hàng, hôm nay.", "quantity",
       synonyms_en=("reserved", "allocated", "on reserve", "held for orders", "set aside"),
       synonyms_vi=("đã giữ", "giữ hàng", "đặt giữ", "đang giữ"),
       on={"stock": _sum(lambda s: StockLevel.reserved)}),
    _m("reorder_level", "reorder level", "mức đặt hàng lại", "The reorder level set per product and warehouse.",
       "Mức đặt hàng lại đặt cho từng sản phẩm và kho.", "quantity", synonyms_en=("reorder point", "minimum stock"),
       synonyms_vi=("mức tồn tối thiểu",), on={"stock": _sum(lambda s: StockLevel.reorder_level)}),
    _m("stock_shortfall", "units short", "số lượng thiếu",
       "For active products below their reorder level in a warehouse: reorder level − units on hand.",
       "Với sản phẩm đang kinh doanh dưới mức đặt lại tại một kho: mức đặt lại − tồn kho.", "quantity",
       synonyms_en=("shortfall", "below reorder", "to reorder", "restock", "out of stock", "short"),
       synonyms_vi=("thiếu hàng", "cần nhập", "hết hàng", "dưới mức"),
       on={"stock": _sum(lambda s: case(((StockLevel.quantity < StockLevel.reorder_level) & Product.active.is_(True),
                                         StockLevel.reorder_level - StockLevel.quantity), else_=0))}),
    _m("stock_value", "stock value", "giá trị tồn kho",
       "Units on hand at the ledger's moving-average cost (a warehouse's share of the product's book value); a "
       "product the cost book does not hold yet, at its unit cost, in the base currency at today's FX rate.",
       "Số lượng tồn theo giá vốn bình quân trên sổ (phần của kho trong giá trị sổ sách của sản phẩm); sản phẩm "
       "chưa có trong sổ giá vốn thì theo giá vốn đơn vị, quy đổi theo tỷ giá hôm nay.", "money",
       roles=COST_VIEWERS, synonyms_en=("inventory value", "value of stock", "stock worth", "stock value", "worth at cost",
                                        "stock at cost", "inventory at cost"),
       synonyms_vi=("giá trị hàng tồn", "giá trị tồn kho", "tồn kho theo giá vốn"),
       on={"stock": MeasureSQL(fx=Fx(amount=_stock_value_amount, currency=_stock_value_currency))}),
    # --- the ledger, payables and purchases (finance, managers and admins) ----------------------------------------
    _m("ledger_revenue", "revenue on the ledger", "doanh thu trên sổ cái",
       "Credits less debits on the revenue accounts (exchange gains excluded), posted when invoices are issued, net "
       "of VAT, by invoice date.",
       "Phát sinh Có trừ Nợ của các tài khoản doanh thu (không gồm lãi tỷ giá), ghi khi xuất hóa đơn, trước VAT, "
       "theo ngày hóa đơn.", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("ledger revenue", "revenue on the books", "booked revenue", "revenue in the p&l", "revenue in the books", "sales revenue in the books", "sales revenue on the books", "revenue did the ledger book", "revenue the ledger booked", "ledger book", "booked on the ledger",
                    "sales revenue on the ledger", "revenue booked on the ledger"),
       synonyms_vi=("doanh thu trên sổ cái", "doanh thu sổ sách", "doanh thu bán hàng trên sổ cái", "doanh thu theo sổ cái"),
       on={"journal": _ledger(lambda s: (Account.kind == "revenue")
                              & (Account.role.is_(None) | (Account.role != "fx_gain")), credit=True)}),
    _m("operating_expenses", "operating expenses", "chi phí hoạt động",
       "Debits less credits on the expense accounts other than cost of goods sold, purchase price variance and "
       "exchange losses, by entry date.",
       "Phát sinh Nợ trừ Có của các tài khoản chi phí, trừ giá vốn, chênh lệch giá mua và lỗ tỷ giá, theo ngày ghi sổ.",
       "money", roles=FINANCE_VIEWERS, larger_is_better=False,
       synonyms_en=("opex", "overheads", "overhead", "expenses", "operating costs", "running costs"),
       synonyms_vi=("chi phí", "chi phí quản lý", "chi phí vận hành"),
       on={"journal": _ledger(_OPERATING_EXPENSE)}),
    _m("net_profit", "net profit", "lợi nhuận ròng",
       "Credits less debits on every revenue and expense account in the period: revenue minus cost of sales, "
       "operating expenses and exchange differences (the profit and loss statement's bottom line, before tax).",
       "Phát sinh Có trừ Nợ của mọi tài khoản doanh thu và chi phí trong kỳ: doanh thu trừ giá vốn, chi phí và chênh "
       "lệch tỷ giá (dòng cuối của báo cáo kết quả kinh doanh, trước thuế).", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("net income", "bottom line", "profit and loss", "p&l", "net result", "earnings"),
       synonyms_vi=("lãi lỗ", "lợi nhuận", "kết quả kinh doanh", "lãi ròng"),
       on={"journal": _ledger(_INCOME_STATEMENT, credit=True)}),
    _m("cash_balance", "cash balance", "số dư tiền",
       "Debits less credits on the cash on hand and bank accounts up to the day.",
       "Số dư Nợ trừ Có của tài khoản tiền mặt và tiền gửi ngân hàng đến ngày đó.", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("cash", "cash position", "cash in the bank and on hand", "cash and bank", "total cash"),
       synonyms_vi=("tiền và tương đương tiền", "tổng số tiền mặt và tiền gửi", "tiền trong tài khoản", "tiền mặt và tiền gửi ngân hàng"),
       on={"ledger_balances": _ledger(lambda s: Account.role.in_(CASH_ROLES))}),
    _m("bank_balance", "cash at bank", "tiền gửi ngân hàng",
       "Debits less credits on the bank accounts up to the day (cash on hand excluded).",
       "Số dư Nợ trừ Có của tài khoản tiền gửi ngân hàng đến ngày đó (không gồm tiền mặt tại quỹ).", "money",
       roles=FINANCE_VIEWERS,
       synonyms_en=("bank balance", "money in the bank", "cash in the bank", "bank account balance", "at the bank", "balance in our bank account",
                    "balance in the bank account", "balance on our bank account", "balance of our bank account",
                    "balance in our bank accounts", "balance in the bank",
                    "between bank"),
       synonyms_vi=("số dư ngân hàng", "số dư tài khoản ngân hàng", "tiền trong ngân hàng", "tài khoản ngân hàng"),
       on={"ledger_balances": _ledger(lambda s: Account.role == "bank")}),
    _m("cash_on_hand", "cash on hand", "tiền mặt tại quỹ",
       "Debits less credits on the cash account up to the day (money at the bank excluded).",
       "Số dư Nợ trừ Có của tài khoản tiền mặt đến ngày đó (không gồm tiền gửi ngân hàng).", "money",
       roles=FINANCE_VIEWERS, synonyms_en=("petty cash", "cash in the till", "cash at the counter"),
       synonyms_vi=("tiền mặt tại quỹ", "quỹ tiền mặt", "tiền mặt trong két", "tiền mặt"),
       on={"ledger_balances": _ledger(lambda s: Account.role == "cash")}),
    _m("goods_received_not_billed", "goods received not invoiced", "hàng đã nhận chưa có hóa đơn",
       "Credits less debits on the goods-received-not-invoiced account up to the day: what we owe for goods in the "
       "warehouse whose supplier bill has not come yet.",
       "Số dư Có trừ Nợ của tài khoản hàng đã nhận chưa có hóa đơn đến ngày đó.", "money", roles=FINANCE_VIEWERS,
       larger_is_better=False,
       synonyms_en=("grni", "goods received not billed", "received not invoiced", "received but not billed",
                    "goods received not invoiced", "received but not invoiced", "not been billed", "hasn't been billed",
                    "hasnt been billed", "not yet billed", "not billed yet", "not been billed to us",
                    "not been invoiced to us", "received from suppliers that hasn't been billed"),
       synonyms_vi=("hàng về chưa có hóa đơn", "hàng đã nhận chưa có hóa đơn", "nhận hàng chưa có hóa đơn"),
       on={"ledger_balances": _ledger(lambda s: Account.role == "goods_received_not_billed", credit=True)}),
    _m("output_vat", "output VAT", "thuế GTGT đầu ra",
       "Credits less debits on the VAT output account in the period: the VAT charged on invoices (less voided ones).",
       "Phát sinh Có trừ Nợ của tài khoản thuế GTGT đầu ra trong kỳ: thuế GTGT trên các hóa đơn bán (trừ hóa đơn hủy).",
       "money", roles=FINANCE_VIEWERS,
       synonyms_en=("output vat", "vat charged", "vat on sales", "sales vat", "vat collected", "vat output", "output tax"),
       synonyms_vi=("thuế gtgt đầu ra", "thuế đầu ra", "vat đầu ra"),
       on={"tax_lines": _ledger(lambda s: Account.role == "vat_output", credit=True)}),
    _m("input_vat", "input VAT", "thuế GTGT đầu vào",
       "Debits less credits on the VAT input account in the period: the deductible VAT on supplier bills.",
       "Phát sinh Nợ trừ Có của tài khoản thuế GTGT được khấu trừ trong kỳ: thuế GTGT trên hóa đơn mua vào.",
       "money", roles=FINANCE_VIEWERS,
       synonyms_en=("input vat", "vat paid to suppliers", "vat on purchases", "deductible vat", "vat reclaimable",
                    "vat input", "input tax"),
       synonyms_vi=("thuế gtgt đầu vào", "thuế đầu vào", "vat đầu vào", "thuế gtgt được khấu trừ"),
       on={"tax_lines": _ledger(lambda s: Account.role == "vat_input")}),
    _m("account_balance", "account balance", "số dư tài khoản",
       "The balance of a ledger account up to the day, on its normal side (debits less credits for assets and "
       "expenses, credits less debits for liabilities, equity and revenue).",
       "Số dư của tài khoản đến ngày đó, theo bên số dư thông thường (Nợ trừ Có với tài sản và chi phí, Có trừ Nợ với "
       "nợ phải trả, vốn và doanh thu).", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("balance of account", "balance on account", "ledger balance", "gl balance", "balance of the account"),
       synonyms_vi=("số dư tk", "số dư của tài khoản"), on={"ledger_balances": _on_its_normal_side()}),
    _m("account_activity", "posted to the account", "phát sinh trên tài khoản",
       "What was posted to a ledger account in the period, on its normal side (debits less credits for assets and "
       "expenses, credits less debits for liabilities, equity and revenue), by entry date.",
       "Số phát sinh của tài khoản trong kỳ, theo bên số dư thông thường (Nợ trừ Có với tài sản và chi phí, Có trừ Nợ "
       "với nợ phải trả, vốn và doanh thu), theo ngày ghi sổ.", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("account activity", "net movement on the account", "posted to account", "booked to account"),
       synonyms_vi=("số phát sinh tài khoản", "phát sinh tài khoản"), on={"account_lines": _on_its_normal_side()}),
    _m("inventory_on_books", "inventory on the books", "hàng tồn kho trên sổ sách",
       "Debits less credits on the inventory account up to the day: the balance sheet's inventory, at moving-average "
       "cost.",
       "Số dư Nợ trừ Có của tài khoản hàng hóa đến ngày đó: hàng tồn kho trên bảng cân đối, theo giá bình quân.",
       "money", roles=FINANCE_VIEWERS,
       synonyms_en=("inventory on the books", "book value of inventory", "inventory on the balance sheet",
                    "inventory account", "inventory worth on the books", "inventory worth", "what our inventory is worth", "value of our inventory",
                    "inventory balance on the books", "inventory balance", "book inventory", "inventory on our books"),
       synonyms_vi=("hàng tồn kho trên sổ sách", "giá trị hàng tồn kho trên sổ sách", "tồn kho trên sổ sách",
                    "hàng tồn kho trên bảng cân đối", "hàng tồn kho trên sổ cái", "tồn kho trên sổ cái",
                    "số dư hàng tồn kho"),
       on={"ledger_balances": _ledger(lambda s: Account.role == "inventory")}),
    _m("receivables_on_books", "receivables on the books", "phải thu trên sổ sách",
       "Debits less credits on the accounts receivable account up to the day: the balance sheet's receivables (equal "
       "to the open invoices' balances, converted at each invoice's rate).",
       "Số dư Nợ trừ Có của tài khoản phải thu khách hàng đến ngày đó: khoản phải thu trên bảng cân đối.",
       "money", roles=FINANCE_VIEWERS,
       synonyms_en=("receivables on the books", "receivables on the balance sheet", "accounts receivable account",
                    "receivables on the trial balance"),
       synonyms_vi=("phải thu trên sổ sách", "phải thu trên bảng cân đối", "công nợ phải thu trên sổ cái"),
       on={"ledger_balances": _ledger(lambda s: Account.role == "receivables")}),
    _m("open_payables", "open payables", "công nợ phải trả",
       "Open balance of supplier bills on the day (total minus supplier payments applied by then; void bills "
       "excluded), in the base currency at each bill's FX rate, rounded per bill.",
       "Số dư còn phải trả của các hóa đơn nhà cung cấp tại ngày đó (tổng tiền trừ các khoản đã trả; không gồm hóa "
       "đơn hủy), quy đổi theo tỷ giá từng hóa đơn.", "money", roles=FINANCE_VIEWERS, larger_is_better=False,
       synonyms_en=("payables", "accounts payable", "ap", "owe suppliers", "we owe", "owed to suppliers",
                    "supplier balance", "unpaid bills"),
       synonyms_vi=("phải trả", "nợ nhà cung cấp", "phải trả người bán", "công nợ nhà cung cấp", "nợ phải trả",
                    "nợ phải trả nhà cung cấp", "công nợ phải trả nhà cung cấp", "phải trả nhà cung cấp"),
       on={"payables": _open_bill_fx()}),
    _m("overdue_payables", "overdue payables", "nợ phải trả quá hạn",
       "Open balance of supplier bills past their due date on the day, in the base currency.",
       "Số dư phải trả của các hóa đơn nhà cung cấp đã quá hạn tại ngày đó.", "money", roles=FINANCE_VIEWERS,
       larger_is_better=False, synonyms_en=("overdue bills", "payables past due", "late bills", "overdue payables"),
       synonyms_vi=("phải trả quá hạn", "nợ nhà cung cấp quá hạn", "công nợ phải trả quá hạn", "công nợ phải trả đã quá hạn",
                    "nợ phải trả quá hạn", "phải trả đã quá hạn"),
       on={"payables": _open_bill_fx(lambda s: rules.is_overdue(s.source.c.due_date, s.params.as_of))}),
    _m("open_bills", "open supplier bills", "số hóa đơn phải trả", "Number of supplier bills with an open balance on the day.",
       "Số hóa đơn nhà cung cấp còn số dư tại ngày đó.", "count", roles=FINANCE_VIEWERS,
       synonyms_en=("unpaid supplier bills", "bills still unpaid"), synonyms_vi=("hóa đơn nhà cung cấp chưa trả",),
       on={"payables": _count()},
       counts=Words("unpaid supplier bills", "hóa đơn nhà cung cấp chưa trả",
                    ("bills unpaid", "unpaid vendor bills", "supplier bills open", "open supplier bills"),
                    ("hóa đơn nhà cung cấp chưa thanh toán", "hóa đơn mua vào chưa thanh toán",
                     "hóa đơn nhà cung cấp còn nợ", "hóa đơn ncc chưa thanh toán", "hóa đơn ncc chưa trả",
                     "hóa đơn mua hàng chưa thanh toán", "hóa đơn mua hàng chưa trả")),
       counts_of="open_payables"),
    _m("overdue_bills", "overdue supplier bills", "số hóa đơn nhà cung cấp quá hạn",
       "Number of supplier bills with an open balance past their due date on the day.",
       "Số hóa đơn nhà cung cấp còn phải trả đã quá hạn tại ngày đó.", "count", roles=FINANCE_VIEWERS,
       synonyms_en=("bills overdue", "overdue bills we owe"),
       synonyms_vi=("hóa đơn nhà cung cấp quá hạn", "hóa đơn nhà cung cấp đang quá hạn", "hóa đơn nhà cung cấp đã quá hạn",
                    "hóa đơn ncc quá hạn"),
       on={"payables": _count(lambda s: rules.is_overdue(s.source.c.due_date, s.params.as_of))},
       counts=Words("overdue supplier bills", "hóa đơn nhà cung cấp quá hạn", ("overdue vendor bills",), ()),
       refines="open_bills", counts_of="overdue_payables"),
    _m("earliest_bill_overdue", "earliest due date of an overdue bill", "hạn sớm nhất của hóa đơn NCC quá hạn",
       "Due date of the oldest overdue supplier bill.", "Hạn thanh toán của hóa đơn nhà cung cấp quá hạn lâu nhất.", "days",
       roles=FINANCE_VIEWERS,
       on={"payables": MeasureSQL(expr=lambda s: func.min(case(
           (rules.is_overdue(s.source.c.due_date, s.params.as_of), s.source.c.due_date))))},
       aggregate="min", hidden=True),
    _m("max_days_bill_overdue", "days overdue (oldest bill)", "số ngày quá hạn (hóa đơn NCC lâu nhất)",
       "Days past due of the oldest overdue supplier bill on the day; empty when none is overdue.",
       "Số ngày quá hạn của hóa đơn nhà cung cấp quá hạn lâu nhất tại ngày đó; trống khi không có.", "days",
       roles=FINANCE_VIEWERS, needs=("earliest_bill_overdue",), derive=_days_past("earliest_bill_overdue")),
    _m("next_bill_due", "next due date", "hạn trả sắp tới",
       "The earliest due date still ahead (on or after the day) among the open supplier bills; empty for a bill already "
       "overdue.", "Hạn thanh toán sớm nhất chưa tới (từ ngày đó) của các hóa đơn nhà cung cấp còn phải trả.", "date",
       roles=FINANCE_VIEWERS,
       synonyms_en=("next due", "when is it due", "next one due", "due next", "due date of the bills", "due date",
                    "next payment due", "next bill due", "next payable due"),
       synonyms_vi=("hạn trả", "đến hạn", "hạn thanh toán hóa đơn nhà cung cấp", "sắp đến hạn", "khoản phải trả tiếp theo",
                    "khoản phải trả kế tiếp"),
       on={"payables": MeasureSQL(expr=lambda s: func.min(case(
           (s.source.c.due_date >= s.params.as_of, s.source.c.due_date))))}, aggregate="min"),
    _m("purchases", "purchases", "giá trị mua hàng",
       "Net amounts (before VAT) of supplier bills for goods on a purchase order, void bills excluded, by bill "
       "date, in the base currency at each bill's FX rate.",
       "Giá trị trước VAT của các hóa đơn mua hàng theo đơn đặt hàng (không gồm hóa đơn hủy), theo ngày hóa đơn, "
       "quy đổi theo tỷ giá từng hóa đơn.", "money", roles=FINANCE_VIEWERS, larger_is_better=False,
       synonyms_en=("purchased", "purchasing", "bought from suppliers", "buying", "procurement", "purchase value",
                    "purchase from suppliers", "purchased from suppliers", "buy from suppliers", "spent with suppliers"),
       synonyms_vi=("nhập hàng", "giá trị nhập", "mua vào", "mua hàng từ nhà cung cấp", "mua hàng"),
       on={"purchases": MeasureSQL(fx=Fx(amount=lambda s: SupplierBillLine.line_amount,
                                         currency=lambda s: SupplierBill.currency, rate=lambda s: SupplierBill.fx_rate,
                                         document=lambda s: SupplierBill.id))}),
    _m("purchase_orders", "purchase orders", "số đơn mua hàng", "Number of purchase orders not cancelled (a po_status "
       "filter counts those statuses instead), by order date when a period is given.",
       "Số đơn mua hàng không bị hủy (lọc theo trạng thái thì đếm các trạng thái đó), theo ngày đặt khi có kỳ.", "count",
       roles=FINANCE_VIEWERS, on={"purchase_orders": _count(_live_purchase_order)},
       counts=Words("purchase orders", "đơn mua hàng", ("pos", "purchase order", "orders to suppliers", "supplier orders"),
                    ("đơn đặt hàng nhà cung cấp", "đơn mua", "đơn đặt mua"))),
    _m("po_expected_date", "expected delivery", "ngày dự kiến nhận hàng", "The day a purchase order's goods are "
       "expected (the earliest, over several).", "Ngày dự kiến nhận hàng của đơn mua hàng.", "date", roles=FINANCE_VIEWERS,
       synonyms_en=("expected date", "expected delivery date", "due to arrive", "when will it arrive", "eta",
                    "when is it expected", "when is it due", "expected to arrive", "expected in", "when will we receive",
                    "supposed to arrive", "meant to arrive", "should arrive", "arrival date", "expected arrival",
                    "due to be delivered", "when are they expected", "when will they arrive", "when do they arrive",
                    "when are they due to arrive", "when is it coming", "when are they coming"),
       synonyms_vi=("dự kiến về", "ngày dự kiến về", "bao giờ về", "khi nào về", "bao giờ hàng về", "khi nào hàng về",
                    "hàng về khi nào", "bao giờ hàng mới về", "khi nào nhận được hàng", "bao giờ nhận được hàng"),
       on={"purchase_orders": MeasureSQL(expr=lambda s: func.min(PurchaseOrder.expected_date)),
           # (per line too: when the A3 paper on an order is due, asked of one product)
           "purchase_order_lines": MeasureSQL(expr=lambda s: func.min(PurchaseOrder.expected_date))}, aggregate="min"),
    _m("purchase_order_value", "purchase order value", "giá trị đơn mua hàng",
       "Totals (with VAT) of purchase orders not cancelled (a po_status filter takes those statuses instead), in "
       "the base currency at each order's FX rate.",
       "Tổng tiền (gồm VAT) của các đơn mua hàng không bị hủy (lọc theo trạng thái thì lấy các trạng thái đó), quy "
       "đổi theo tỷ giá từng đơn.", "money", roles=FINANCE_VIEWERS,
       larger_is_better=False, synonyms_en=("po value", "value of purchase orders", "on order value"),
       synonyms_vi=("giá trị đơn đặt hàng nhà cung cấp",),
       on={"purchase_orders": _purchase_order_fx(lambda s: PurchaseOrder.total)}),
    _m("purchase_order_net", "purchase order value before VAT", "giá trị đơn mua hàng trước VAT",
       "Net amounts (before VAT) of purchase orders not cancelled (a po_status filter takes those statuses instead), "
       "in the base currency at each order's FX rate.",
       "Giá trị trước VAT của các đơn mua hàng không bị hủy (lọc theo trạng thái thì lấy các trạng thái đó), quy đổi "
       "theo tỷ giá từng đơn.", "money", roles=FINANCE_VIEWERS, larger_is_better=False,
       synonyms_en=("po value before vat", "value before vat of purchase orders", "purchase orders before vat",
                    "net value of purchase orders", "purchase orders net of vat", "po value excluding vat",
                    "purchase order value excluding vat", "value excluding vat of purchase orders"),
       synonyms_vi=("giá trị đơn mua hàng chưa vat", "giá trị đơn mua hàng chưa thuế", "đơn mua hàng trước thuế"),
       on={"purchase_orders": _purchase_order_fx(lambda s: PurchaseOrder.net_amount)}, refines="purchase_order_value"),
    _m("units_ordered", "units ordered", "số lượng đặt mua", "Units on the lines of purchase orders not cancelled "
       "(a po_status filter takes those statuses instead), by order date when a period is given.",
       "Số lượng trên các dòng đơn mua hàng không bị hủy (lọc theo trạng thái thì lấy các trạng thái đó), theo ngày đặt "
       "khi có kỳ.", "quantity",
       roles=FINANCE_VIEWERS, synonyms_en=("units ordered from suppliers", "quantity ordered", "ordered from suppliers",
                                           "on the purchase order", "on the po"),
       synonyms_vi=("số lượng đặt mua", "số lượng đặt hàng nhà cung cấp", "đặt mua"),
       on={"purchase_order_lines": MeasureSQL(expr=lambda s: func.sum(
           case((_live_purchase_order(s), PurchaseOrderLine.quantity), else_=0)))}),
    _m("units_on_order", "units still to come", "số lượng chưa về", "Units ordered from suppliers and not received "
       "yet (ordered minus received) on purchase orders in draft, sent or partly received.",
       "Số lượng đã đặt nhà cung cấp mà chưa nhận (đặt trừ đã nhận) trên các đơn mua hàng nháp, đã gửi hoặc đã nhận "
       "một phần.", "quantity", roles=FINANCE_VIEWERS,
       synonyms_en=("units on order", "still to come", "still to arrive", "units not yet received",
                    "still outstanding on the po", "yet to arrive", "yet to be delivered", "still due in",
                    "outstanding quantity", "left to receive", "still expected"),
       synonyms_vi=("số lượng chưa về", "số lượng còn lại chưa nhận", "số lượng chưa nhận", "còn phải nhận"),
       on={"purchase_order_lines": MeasureSQL(expr=lambda s: func.sum(case(
           (PurchaseOrder.status.in_(rules.ON_ORDER_STATUSES),
            PurchaseOrderLine.quantity - PurchaseOrderLine.received_quantity), else_=0)))}),
    _m("units_not_billed", "units received not yet billed", "số lượng đã nhận chưa có hóa đơn",
       "Units received on purchase orders (not cancelled) that the supplier has not billed yet: received minus billed.",
       "Số lượng đã nhận trên các đơn mua hàng (không bị hủy) mà nhà cung cấp chưa xuất hóa đơn: đã nhận trừ đã lập "
       "hóa đơn.", "quantity", roles=FINANCE_VIEWERS,
       synonyms_en=("received but not billed", "received not billed", "received but not invoiced", "not billed yet",
                    "not yet billed", "got the supplier s bill", "got the suppliers bill", "got the bill", "no bill yet",
                    "waiting for the bill", "waiting for the supplier s bill", "awaiting the bill", "unbilled receipts",
                    "received but unbilled"),
       synonyms_vi=("đã nhận chưa có hóa đơn", "chưa có hóa đơn nhà cung cấp", "chưa nhận hóa đơn nhà cung cấp",
                    "chưa có hóa đơn ncc", "chưa nhận được hóa đơn", "nhận hàng chưa có hóa đơn"),
       on={"purchase_order_lines": MeasureSQL(expr=lambda s: func.sum(case(
           (PurchaseOrder.status != "cancelled",
            PurchaseOrderLine.received_quantity - PurchaseOrderLine.billed_quantity), else_=0)))}),
    _m("units_received", "units received", "số lượng nhập kho", "Units received into the warehouses from purchase "
       "orders, by the day they arrived.", "Số lượng hàng nhập kho theo đơn mua hàng, theo ngày nhận.", "quantity",
       synonyms_en=("received", "receive", "goods received", "units in", "delivered to us", "receipts",
                    "received into stock", "came into stock", "taken into stock", "booked into stock",
                    "received into the warehouse"),
       synonyms_vi=("nhập kho", "đã nhận", "hàng về", "số lượng nhập", "nhập về", "hàng nhập về", "nhận về"),
       on={"receipts": MeasureSQL(expr=lambda s: func.sum(GoodsReceiptLine.quantity))},
       refines="units"),   # "how many units of X did we receive": the units received, not those sold
    _m("suppliers", "suppliers", "số nhà cung cấp", "Number of active suppliers (by the currency they bill in).",
       "Số nhà cung cấp đang giao dịch (theo đồng tiền họ xuất hóa đơn).", "count", roles=FINANCE_VIEWERS,
       synonyms_en=("number of suppliers", "supplier count", "number of vendors"),
       synonyms_vi=("số lượng nhà cung cấp",), on={"suppliers": _count()},
       counts=Words("suppliers", "nhà cung cấp", ("supplier", "vendors", "vendor"), ("ncc",))),
    _m("supplier_bills", "supplier bills", "số hóa đơn nhà cung cấp", "Number of supplier bills (any status unless one "
       "is named), by bill date when a period is given.",
       "Số hóa đơn nhà cung cấp (mọi trạng thái nếu không nêu), theo ngày hóa đơn khi có kỳ.", "count",
       roles=FINANCE_VIEWERS, on={"supplier_bills": _count()},
       counts=Words("supplier bills", "hóa đơn nhà cung cấp", ("vendor bills", "bills from suppliers"),
                    ("hóa đơn mua vào", "hóa đơn đầu vào", "hóa đơn mua hàng"))),
    _m("bill_due_date", "bill due date", "hạn thanh toán hóa đơn", "The due date of a supplier bill (the earliest, "
       "over several).", "Hạn thanh toán của hóa đơn nhà cung cấp (sớm nhất, khi nhiều hóa đơn).", "date",
       roles=FINANCE_VIEWERS, on={"supplier_bills": MeasureSQL(expr=lambda s: func.min(SupplierBill.due_date))},
       aggregate="min", synonyms_en=("bill due", "bill due date"), synonyms_vi=("hạn của hóa đơn nhà cung cấp",)),
    _m("units_delivered", "units delivered", "số lượng đã giao", "Units on the order lines delivered in the period (the "
       "goods that went out to customers), by the day of the delivery.",
       "Số lượng hàng đã giao cho khách trong kỳ, theo ngày giao.", "quantity",
       synonyms_en=("went out", "went out to customers", "units shipped", "shipped units", "units sent out",
                    "quantity delivered"),
       synonyms_vi=("xuất kho", "đã xuất", "số lượng xuất", "giao cho khách", "xuất cho khách"),
       on={"delivered_lines": MeasureSQL(expr=lambda s: func.sum(SalesOrderLine.quantity))}, refines="units"),
    _m("inventory_at_cost", "inventory at moving-average cost", "giá trị tồn kho theo giá vốn bình quân",
       "The value the ledger holds for a product's stock (all warehouses), at moving-average cost, today.",
       "Giá trị tồn kho trên sổ của sản phẩm (mọi kho) theo giá vốn bình quân, hôm nay.", "money", roles=COST_VIEWERS,
       synonyms_en=("inventory at cost", "stock at cost", "value at moving average cost", "book value of the stock"),
       synonyms_vi=("giá trị tồn kho theo giá vốn", "tồn kho theo giá vốn bình quân", "theo giá vốn bình quân"),
       on={"cost_book": MeasureSQL(expr=lambda s: func.sum(ProductCost.value))}),
    _m("moving_average_cost", "moving-average cost", "giá vốn bình quân",
       "A product's cost per unit in the ledger's cost book: moving average of what was received, today.",
       "Giá vốn một đơn vị của sản phẩm trong sổ: bình quân gia quyền của hàng đã nhập, hôm nay.", "money",
       roles=COST_VIEWERS,
       synonyms_en=("moving average cost", "average cost", "weighted average cost", "avg cost"),
       synonyms_vi=("giá vốn bình quân", "giá bình quân", "giá vốn trung bình"),
       on={"cost_book": MeasureSQL(expr=lambda s: func.max(ProductCost.average_cost))}, aggregate="max"),
    _m("last_receipt", "last goods received", "lần nhập kho gần nhất", "The day of the latest goods receipt.",
       "Ngày nhập kho gần nhất.", "date", synonyms_en=("last received", "last receipt", "last delivery from",
                                                    "last receive", "last receive goods", "last received goods"),
       synonyms_vi=("nhập kho lần cuối", "lần cuối nhập hàng", "nhập hàng gần nhất"),
       on={"receipts": MeasureSQL(expr=lambda s: func.max(GoodsReceipt.received_on))}, aggregate="max", all_time=True),
    _m("goods_receipts", "goods receipts", "số phiếu nhập kho", "Number of goods receipts (deliveries from suppliers "
       "booked into a warehouse), by the day they arrived.", "Số phiếu nhập kho theo ngày nhận hàng.", "count",
       on={"receipts": MeasureSQL(expr=lambda s: func.count(func.distinct(GoodsReceiptLine.receipt_id)))},
       aggregate="count_distinct",
       counts=Words("goods receipts", "phiếu nhập kho", ("receipts", "goods receipt", "deliveries from suppliers"),
                    ("lần nhập kho", "phiếu nhập", "phiếu nhận hàng", "phiếu nhập hàng"))),
    _m("supplier_bill_total", "billed by suppliers", "giá trị hóa đơn nhà cung cấp",
       "Totals (with VAT) of supplier bills, in the base currency at each bill's FX rate.",
       "Tổng tiền (gồm VAT) của các hóa đơn nhà cung cấp, quy đổi theo tỷ giá từng hóa đơn.", "money",
       roles=FINANCE_VIEWERS, larger_is_better=False, synonyms_en=("bill total", "bills total", "value of bills"),
       synonyms_vi=("tổng hóa đơn nhà cung cấp",),
       on={"supplier_bills": MeasureSQL(fx=Fx(amount=lambda s: SupplierBill.total, currency=lambda s: SupplierBill.currency,
                                              rate=lambda s: SupplierBill.fx_rate, document=lambda s: SupplierBill.id))}),
    _m("supplier_payments_made", "paid to suppliers", "đã trả nhà cung cấp",
       "Supplier payments dated in the period, in the base currency at each payment's FX rate.",
       "Các khoản trả nhà cung cấp trong kỳ, quy đổi theo tỷ giá từng khoản.", "money", roles=FINANCE_VIEWERS,
       synonyms_en=("paid suppliers", "supplier payments", "payments to suppliers", "cash out to suppliers"),
       synonyms_vi=("trả nhà cung cấp", "thanh toán nhà cung cấp", "thanh toán cho nhà cung cấp", "trả cho nhà cung cấp",
                    "trả tiền cho nhà cung cấp", "trả tiền nhà cung cấp", "thanh toán cho ncc", "trả ncc"),
       on={"supplier_payments": MeasureSQL(fx=Fx(amount=lambda s: SupplierPayment.amount,
                                                 currency=lambda s: SupplierPayment.currency,
                                                 rate=lambda s: SupplierPayment.fx_rate,
                                                 document=lambda s: SupplierPayment.id))}),
    _m("supplier_payment_count", "supplier payments", "số khoản trả nhà cung cấp",
       "Number of supplier payments dated in the period.", "Số khoản trả nhà cung cấp trong kỳ.", "count",
       roles=FINANCE_VIEWERS, on={"supplier_payments": _count()},
       counts=Words("supplier payments", "khoản trả nhà cung cấp", ("payments to suppliers", "vendor payments"),
                    ("lần trả nhà cung cấp", "khoản thanh toán cho nhà cung cấp")),
       counts_of="supplier_payments_made"),
]

MEASURE_LIST += marketing.MEASURES  # CAC, CLV, commission (backend/semantic/marketing.py)
MEASURES: dict[str, Measure] = {m.name: m for m in MEASURE_LIST}


def shareable(name: str) -> bool:
    """A figure summed or counted over records (revenue, orders, units, amounts): a part of it is a share of its
    whole (not an average, a rate, a latest date or a figure derived from others)."""
    measure = MEASURES[name]
    return measure.unit in ("money", "count", "quantity") and measure.aggregate in ("sum", "count_distinct") \
        and not measure.derived


def _check() -> None:
    for measure in MEASURE_LIST:
        assert bool(measure.on) != measure.derived, measure.name
        for need in measure.needs:
            assert need in MEASURES, (measure.name, need)


_check()
