"""Conditions people name in words — "over their credit limit", "not contacted for 60 days", "overdue by more than
90 days", "below reorder level" — as thresholds on the model's measures, with the figures worth showing and what
a row is. Declared here, beside the measures they test, so the planner reads them like any other word of the
model. A phrase's `{n}` is a number the person says (days; weeks and months are turned into days)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.semantic.model import Words
from backend.semantic.rules import CREDIT_HOLD_DAYS


@dataclass(frozen=True)
class NamedCondition:
    name: str
    phrases: Words                 # en / vi phrases; synonyms_* hold more of them
    measure: str
    op: str
    other: str | None = None       # compared with another measure of the row
    value: Decimal | None = None   # or with this value (None when the phrase carries {n})
    show: tuple[str, ...] = ()     # the measures an answer shows
    row: str | tuple[str, ...] = "customer"   # what one row is (its dimensions)


CONDITIONS: tuple[NamedCondition, ...] = (
    # a product's list price against a figure said ("tracks priced at 1.99", "sản phẩm giá dưới 100000")
    NamedCondition(
        "priced_at", Words("priced at {n}", "có giá {n}",
                           ("cost {n}", "costs {n}", "costing {n}", "that cost {n}", "sell for {n}", "selling for {n}",
                            "sold at {n}", "sell at {n}", "sells at {n}", "selling at {n}", "sells for {n}", "sold for {n}",
                            "go for {n}", "goes for {n}", "at a price of {n}", "with a price of {n}", "price is {n}"),
                           ("giá bán {n}", "giá là {n}", "bán giá {n}")),
        "list_price", "=", show=("list_price",), row="product"),
    NamedCondition(
        "priced_under", Words("priced under {n}", "giá dưới {n}",
                              ("priced below {n}", "cheaper than {n}", "costing less than {n}", "cost less than {n}",
                               "price under {n}", "price below {n}", "priced less than {n}"),
                              ("rẻ hơn {n}", "giá thấp hơn {n}", "giá bán dưới {n}")),
        "list_price", "<", show=("list_price",), row="product"),
    NamedCondition(
        "priced_over", Words("priced over {n}", "giá trên {n}",
                             ("priced above {n}", "more expensive than {n}", "costing more than {n}", "cost more than {n}",
                              "costs more than {n}", "sell for more than {n}", "sells for more than {n}",
                              "price over {n}", "price above {n}", "priced more than {n}"),
                             ("đắt hơn {n}", "giá cao hơn {n}", "giá bán trên {n}")),
        "list_price", ">", show=("list_price",), row="product"),
    NamedCondition(
        "over_credit_limit",
        Words("over their credit limit", "vượt hạn mức",
              ("over the credit limit", "over credit limit", "over their limit", "above their credit limit",
               "above the limit", "exceed their credit limit", "exceeding their limit", "exceeded their limit",
               "owe more than their limit", "owe more than their agreed limit", "over limit", "over there credit limit"),
              ("vượt hạn mức tín dụng", "quá hạn mức", "nợ vượt hạn mức", "vuot han muc")),
        "credit_exposure", ">", other="credit_limit", show=("credit_exposure", "credit_limit", "available_credit")),
    NamedCondition(
        "not_contacted",
        Words("not contacted for {n} days", "chưa liên hệ {n} ngày",
              ("not contacted in {n} days", "haven't talked to in {n} days", "havent talked to in {n} days",
               "haven't contacted in {n} days", "havent contacted in {n} days", "not called in {n} days",
               "nobody has called for {n} days", "no contact for {n} days", "no contact in {n} days",
               "not spoken to in {n} days", "haven't spoken to in {n} days", "haven't called in {n} days",
               "not talked to for {n} days", "gone quiet for {n} days", "nobody called for {n} days",
               "haven't been in touch with for {n} days", "haven't been in touch for {n} days",
               "not been in touch with for {n} days", "not in touch for {n} days", "haven't heard from in {n} days",
               "haven't been in touch with in {n} days", "no contact in the last {n} days")
              + tuple(f"{neg} {verb} {prep} {more}{{n}} days" for neg in ("haven't been", "havent been", "hasn't been",
                                                                         "hasnt been", "not been")
                      for verb in ("contacted", "called") for prep in ("for", "in")
                      for more in ("", "more than ", "over ")),
              ("chưa liên hệ hơn {n} ngày", "chưa liên hệ trong {n} ngày", "không liên hệ {n} ngày",
               "chưa gọi {n} ngày", "{n} ngày chưa liên hệ", "lâu hơn {n} ngày chưa liên hệ", "chưa liên lạc {n} ngày")),
        "days_since_last_contact", ">", show=("days_since_last_contact",)),
    NamedCondition(
        # the credit policy's hold (rules.CREDIT_HOLD_DAYS): an open invoice that many days past due or more
        "on_credit_hold",
        Words("on credit hold", "bị khóa tín dụng",
              ("credit hold", "credit-hold", "blocked for credit", "held for credit", "on a credit hold"),
              ("đang bị khóa tín dụng", "bị tạm ngừng tín dụng", "khóa tín dụng", "bị chặn tín dụng", "bị giữ đơn",
               "bị giữ tín dụng", "đang bị giữ tín dụng", "giữ tín dụng", "bị treo tín dụng")),
        "max_days_overdue", ">=", value=Decimal(CREDIT_HOLD_DAYS), show=("overdue_amount", "max_days_overdue")),
    NamedCondition(
        "no_credit_limit",
        Words("no credit limit set", "chưa có hạn mức tín dụng",
              ("no credit limit", "without a credit limit", "without credit limit", "no limit set", "have no limit",
               "no credit limit assigned", "don't have a credit limit", "dont have a credit limit",
               "don't have a credit limit set", "dont have a credit limit set", "doesn't have a credit limit",
               "have no credit limit", "has no credit limit", "credit limit not set", "missing a credit limit"),
              ("không có hạn mức tín dụng", "chưa đặt hạn mức", "chưa có hạn mức", "không có hạn mức",
               "chưa được cài hạn mức", "chưa cài hạn mức", "chưa được đặt hạn mức", "chưa được cấp hạn mức",
               "chưa thiết lập hạn mức")),
        "credit_limit", "empty", show=("credit_limit",)),
    NamedCondition(
        "cash_only",
        Words("cash only", "chỉ mua tiền mặt",
              ("cash-only", "credit limit of zero", "zero credit limit", "credit limit of 0", "limit of zero",
               "prepay only", "pay in advance"),
              ("hạn mức tín dụng bằng 0", "hạn mức bằng 0", "hạn mức bằng không", "chỉ mua tiền mặt", "mua tiền mặt",
               "trả tiền trước", "chỉ được mua trả tiền mặt", "mua trả tiền mặt", "chỉ trả tiền mặt", "chỉ được mua tiền mặt",
               "chỉ thanh toán tiền mặt")),
        "credit_limit", "=", value=Decimal(0), show=("credit_limit",)),
    NamedCondition(
        "overdue_more_than",
        Words("overdue by more than {n} days", "quá hạn trên {n} ngày",
              ("more than {n} days overdue", "over {n} days overdue", "more than {n} days late", "over {n} days late",
               "more than {n} days past due", "over {n} days past due", "overdue more than {n} days",
               "overdue for more than {n} days", "{n}+ days overdue", "over {n} days"),
              ("quá hạn hơn {n} ngày", "quá hạn quá {n} ngày", "trễ hạn trên {n} ngày", "nợ quá hạn trên {n} ngày")),
        "max_days_overdue", ">", show=("overdue_amount", "max_days_overdue")),
    NamedCondition(
        # customers whose last order is older than the days said (since a day: the planner counts the days to it)
        "not_ordered",
        Words("not ordered for {n} days", "chưa đặt hàng {n} ngày",
              ("haven't ordered in {n} days", "hasn't ordered in {n} days", "not ordered in {n} days",
               "no orders for {n} days", "no orders in {n} days", "no order in {n} days", "not bought for {n} days",
               "haven't bought in {n} days", "hasn't bought in {n} days", "not placed an order in {n} days",
               "haven't placed an order in {n} days", "hasn't placed an order in {n} days",
               "haven't ordered for {n} days", "hasn't ordered for {n} days", "not bought anything in {n} days",
               "haven't bought anything in {n} days", "hasn't bought anything in {n} days"),
              ("chưa mua hàng {n} ngày", "không đặt hàng {n} ngày", "{n} ngày chưa đặt hàng", "chưa đặt hàng trong {n} ngày",
               "chưa mua trong {n} ngày", "{n} ngày chưa mua")),
        "days_since_last_order", ">", show=("last_order", "days_since_last_order")),
    NamedCondition(
        # customers (or countries, cities, products) with nothing bought in the period asked about ("which countries
        # didn't buy anything from us in 2022?"); the planner adds the count of customers (or products) that lists
        # every row, the ones with no sales too
        "bought_nothing",
        Words("didn't buy anything", "không mua gì",
              ("did not buy anything", "haven't bought anything", "hasn't bought anything", "have not bought anything",
               "didn't order anything", "did not order anything", "haven't ordered anything", "hasn't ordered anything",
               "haven't placed any order", "hasn't placed any order", "haven't placed any orders",
               "didn't place any order", "didn't place any orders", "have not placed any order", "placed no orders",
               "no orders at all", "bought nothing", "ordered nothing", "with no sales", "had no sales",
               "with no orders", "without orders", "without any orders", "with no purchases", "no purchases",
               "didn't sell", "did not sell", "haven't sold", "hasn't sold", "not sold", "never sold", "no sales",
               "didn't buy", "haven't bought", "hasn't bought", "haven't ordered", "hasn't ordered", "didn't order"),
              ("không mua hàng", "chưa mua gì", "không đặt hàng", "chưa đặt hàng", "không có đơn", "chưa có đơn",
               "không mua", "không có doanh số", "không bán được", "chưa bán được")),
        "revenue", "=", value=Decimal(0), show=("revenue",)),
    NamedCondition(
        # an open deal whose expected close date has gone by ("deals past their expected close date")
        "past_close_date",
        Words("past their expected close date", "đã quá ngày dự kiến chốt",
              ("past the expected close date", "past their close date", "past the close date", "past expected close",
               "close date has passed", "close date that's already passed", "close date that is already passed",
               "close date already passed", "overdue to close", "should have closed already", "slipped past close date",
               "past their expected close", "expected close date has passed", "missed their close date"),
              ("quá ngày chốt", "quá hạn chốt", "đã quá hạn dự kiến chốt", "trễ ngày chốt")),
        "days_past_close", ">", value=Decimal(0), show=("expected_close", "opportunity_amount"), row="opportunity"),
    NamedCondition(
        "below_reorder_level",
        Words("below reorder level", "dưới mức đặt hàng lại",
              ("below the reorder level", "below their reorder level", "under reorder level", "below reorder point",
               "below its reorder level", "under its reorder level", "under the reorder level",
               "below its reorder point", "below the reorder point", "below their reorder point", "under its reorder point",
               "need restocking", "needs restocking", "need reordering", "running low", "low stock", "below minimum stock",
               "restock list", "reorder list", "to restock", "to reorder"),
              ("dưới mức tồn kho tối thiểu", "dưới mức tồn tối thiểu", "sắp hết hàng", "cần nhập thêm", "dưới mức đặt lại",
               "sắp hết", "gần hết", "gần hết hàng", "sắp cạn", "cần đặt thêm", "cần đặt thêm hàng", "cần nhập thêm hàng",
               "cần đặt hàng lại", "phải đặt thêm")),
        "stock_available", "<", other="reorder_level", show=("stock_available", "reorder_level"),
        row=("product", "warehouse")),  # a reorder level is a warehouse's
    NamedCondition(
        "out_of_stock",
        Words("out of stock", "hết hàng", ("sold out", "no stock", "zero stock", "nothing in stock"),
              ("hết sạch", "không còn hàng", "đã hết hàng")),
        "stock_on_hand", "<=", value=Decimal(0), show=("stock_on_hand",), row=("product", "warehouse")),
    NamedCondition(
        "owes_money",
        Words("owe us money", "còn nợ",
              ("owes us money", "owe money", "owes money", "owe us", "still owe", "have unpaid invoices",
               "with unpaid invoices", "with open invoices", "who owes"),
              ("đang nợ", "nợ tiền", "còn nợ tiền", "có hóa đơn chưa thanh toán")),
        "open_receivables", ">", value=Decimal(0), show=("open_receivables",)),
    NamedCondition(
        "has_overdue",
        Words("with overdue invoices", "có nợ quá hạn",
              ("that are overdue", "who are overdue", "who is overdue", "paying late", "late payers",
               "have overdue invoices", "has overdue invoices", "having overdue invoices", "with invoices overdue",
               "have late invoices", "with late invoices", "have invoices overdue"),
              ("có hóa đơn quá hạn", "đang quá hạn")),
        "overdue_amount", ">", value=Decimal(0), show=("overdue_amount", "max_days_overdue")),
)
