"""The written analysis of a report document: templates in English and Vietnamese, or a language model.

Templates state only figures the document prints (key figures and table cells, shown the same way), so they
are grounded by construction. A language model can write the narrative instead: backend may not import the
assistant, so the writer is plugged in through `use_narrative_writer` by the process that starts Tandem
(bots/reporting.py). The writer must check its draft against `ReportDocument.sources()` and raise
NarrativeRejected when a number is not among them; the template narrative is then published with a notice.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from backend.reports import hooks
from backend.reports.hooks import use_narrative_writer  # noqa: F401 - where callers have found it
from backend.reports.document import ReportDocument
from backend.reports.labels import show_money
from backend.settings import Settings

log = logging.getLogger("tandem.reports")


@dataclass(frozen=True)
class NarrativeRequest:
    document: ReportDocument
    template: list[str]
    sources: dict[str, Any]


@dataclass(frozen=True)
class Narrative:
    paragraphs: list[str]
    source: Literal["template", "llm"]
    notice: str | None = None


class NarrativeRejected(Exception):
    """The writer's draft can't be published (a figure not in the report, an unreachable model); `notice` says why."""

    def __init__(self, notice: str):
        super().__init__(notice)
        self.notice = notice


NarrativeWriter = Callable[[NarrativeRequest], list[str]]


def compose_narrative(document: ReportDocument, settings: Settings) -> Narrative:
    template = template_narrative(document)
    factory = hooks.narrative_writer_factory
    writer = factory(settings) if factory is not None else None
    if writer is None:
        return Narrative(template, "template")
    try:
        paragraphs = [p.strip() for p in writer(NarrativeRequest(document, template, document.sources())) if p.strip()]
    except NarrativeRejected as exc:
        log.warning("LLM narrative for %s not used: %s", document.report, exc.notice)
        return Narrative(template, "template", exc.notice)
    except Exception:
        log.exception("the narrative writer failed for %s", document.report)
        return Narrative(template, "template", _text(document, "The language model could not write the analysis; "
                                                               "it was written from templates instead.",
                                                     "Mô hình ngôn ngữ không viết được phần nhận định; phần này do "
                                                     "mẫu câu viết thay."))
    if not paragraphs:
        return Narrative(template, "template", _text(document, "The language model's analysis was empty; it was "
                                                               "written from templates instead.",
                                                     "Mô hình ngôn ngữ trả về nhận định rỗng; phần này do mẫu câu viết thay."))
    return Narrative(paragraphs, "llm")


def _text(document: ReportDocument, en: str, vi: str) -> str:
    return en if document.language == "en" else vi


# --- templates ---------------------------------------------------------------------------------------------

class _Words:
    """Sentence helpers: every number comes out exactly as the document's tables or key figures print it."""

    def __init__(self, document: ReportDocument):
        self.doc = document
        self.en = document.language == "en"

    def t(self, en: str, vi: str) -> str:
        return en if self.en else vi

    def shown(self, key: str) -> str:
        return self.doc.figure(key).display

    def value(self, key: str) -> Any:
        return self.doc.value(key)

    def money(self, amount: Decimal) -> str:
        return show_money(abs(amount), self.doc.currency)

    @staticmethod
    def pct(value: Decimal) -> str:
        return f"{abs(value):.1f}%"

    def names(self, rows: list[dict[str, Any]], key: str = "name", limit: int = 3) -> str:
        items = [str(r[key]) for r in rows[:limit]]
        if len(items) <= 1:
            return "".join(items)
        joiner = " and " if self.en else " và "
        return ", ".join(items[:-1]) + joiner + items[-1]

    def direction(self, change: Decimal | None, before: str) -> str:
        if change is None:
            return ""
        if change == 0:
            return self.t(f"unchanged from {before}", f"không đổi so với {before}")
        if change > 0:
            return self.t(f"up {self.pct(change)} on {before}", f"tăng {self.pct(change)} so với {before}")
        return self.t(f"down {self.pct(change)} on {before}", f"giảm {self.pct(change)} so với {before}")


def _sales(w: _Words) -> list[str]:
    doc, facts = w.doc, w.doc.facts
    period, before, ly = doc.period_label, facts["before_label"], facts["ly_label"]
    if not w.value("revenue") and not w.value("orders"):
        text = w.t(f"There were no sales in {period}.", f"Không có doanh số trong {period}.")
        if w.value("revenue_previous"):
            text += w.t(f" {before} brought {w.shown('revenue_previous')}.", f" {before} đạt {w.shown('revenue_previous')}.")
        return [text]
    headline = w.t(f"Revenue for {period} was {w.shown('revenue')} from {w.shown('orders')} orders",
                   f"Doanh thu {period} đạt {w.shown('revenue')} từ {w.shown('orders')} đơn hàng")
    parts = []
    if w.value("revenue_previous"):
        parts.append(f"{w.direction(w.value('change_vs_previous_pct'), before)} ({w.shown('revenue_previous')})")
    if w.value("revenue_last_year"):
        parts.append(f"{w.direction(w.value('change_vs_last_year_pct'), ly)} ({w.shown('revenue_last_year')})")
    first = headline + (", " + w.t(" and ", " và ").join(parts) if parts else "") + "."
    if not w.value("revenue_last_year"):
        first += w.t(f" There were no sales in {ly} to compare with.", f" {ly} không có doanh số để so sánh.")
    first += w.t(f" {w.shown('customers')} customers ordered; the average order was {w.shown('average_order')}.",
                 f" Có {w.shown('customers')} khách hàng đặt hàng; giá trị đơn trung bình {w.shown('average_order')}.")
    paragraphs = [first]

    movers = []
    if facts["up"]:
        top = facts["up"][0]
        if top["previous"]:
            movers.append(w.t(f"The largest gain came from {top['name']}, up {w.money(top['change'])} to "
                              f"{w.money(top['revenue'])}",
                              f"Tăng mạnh nhất là {top['name']}, thêm {w.money(top['change'])} lên {w.money(top['revenue'])}"))
        else:
            movers.append(w.t(f"The largest gain came from {top['name']}, which bought {w.money(top['revenue'])} after "
                              f"nothing in {before}",
                              f"Tăng mạnh nhất là {top['name']}, mua {w.money(top['revenue'])} trong khi {before} không "
                              "mua gì"))
    if facts["down"]:
        low = facts["down"][0]
        movers.append(w.t(f"the largest drop from {low['name']}, down {w.money(low['change'])} to {w.money(low['revenue'])}",
                          f"giảm mạnh nhất là {low['name']}, bớt {w.money(low['change'])} còn {w.money(low['revenue'])}"))
    if movers:
        sentence = "; ".join(movers) + "."
        paragraphs.append(sentence[0].upper() + sentence[1:])
    if facts["lapsed"]:
        paragraphs[-1] += w.t(f" {w.shown('lapsed_customers')} customers who bought in {before} placed no order this "
                              f"period, among them {w.names(facts['lapsed'])}.",
                              f" {w.shown('lapsed_customers')} khách hàng đã mua trong {before} nhưng kỳ này không đặt "
                              f"đơn nào, trong đó có {w.names(facts['lapsed'])}.")
    if w.value("new_customers"):
        paragraphs[-1] += w.t(f" {w.shown('new_customers')} customers ordered this period but not in {before}.",
                              f" {w.shown('new_customers')} khách hàng đặt hàng kỳ này nhưng không mua trong {before}.")

    top_customer, top5 = facts["top_customer"], w.value("top5_share_pct")
    concentration = w.t(f"{top_customer['name']} is the largest customer with {w.shown('top_customer_share_pct')} of "
                        f"revenue; the top 5 together account for {w.shown('top5_share_pct')}.",
                        f"{top_customer['name']} là khách hàng lớn nhất, chiếm {w.shown('top_customer_share_pct')} doanh "
                        f"thu; 5 khách hàng lớn nhất chiếm {w.shown('top5_share_pct')}.")
    if top5 is not None and top5 >= 60:
        concentration += w.t(" Revenue is concentrated: losing one of these accounts would show at once.",
                             " Doanh thu tập trung cao: mất một trong các khách hàng này sẽ ảnh hưởng ngay.")
    elif top5 is not None and top5 < 30:
        concentration += w.t(" Revenue is well spread across customers.", " Doanh thu phân bổ đều giữa các khách hàng.")
    paragraphs.append(concentration)

    detail = []
    regions = [r for r in facts["regions"] if r["revenue"]]
    if regions:
        lead = regions[0]
        detail.append(w.t(f"By region, {lead['name']} led with {w.pct(lead['share_pct'])} of revenue",
                          f"Theo khu vực, {lead['name']} dẫn đầu với {w.pct(lead['share_pct'])} doanh thu"))
        falling = sorted((r for r in facts["regions"] if r["change_prev_pct"] is not None and r["change_prev_pct"] < 0),
                         key=lambda r: r["change_prev_pct"])
        if falling and falling[0] is lead:
            detail[-1] += w.t(f", though it fell {w.pct(lead['change_prev_pct'])} on {before}",
                              f", dù giảm {w.pct(lead['change_prev_pct'])} so với {before}")
        elif falling:
            detail[-1] += w.t(f", while {falling[0]['name']} fell {w.pct(falling[0]['change_prev_pct'])} on {before}",
                              f", còn {falling[0]['name']} giảm {w.pct(falling[0]['change_prev_pct'])} so với {before}")
    people = [r for r in facts["people"] if r["revenue"]]
    if people:
        detail.append(w.t(f"{people[0]['name']} sold the most ({w.money(people[0]['revenue'])})",
                          f"{people[0]['name']} bán nhiều nhất ({w.money(people[0]['revenue'])})"))
    products = [r for r in facts["products"] if r["revenue"]]
    if products:
        detail.append(w.t(f"the best-selling product was {products[0]['name']} with {w.money(products[0]['revenue'])} "
                          f"({products[0]['units']:,} units)",
                          f"sản phẩm bán chạy nhất là {products[0]['name']} với {w.money(products[0]['revenue'])} "
                          f"({products[0]['units']:,} đơn vị)"))
    if detail:
        sentence = "; ".join(detail) + "."
        paragraphs.append(sentence[0].upper() + sentence[1:])

    chase = [*facts["down"][:2], *[r for r in facts["lapsed"][:2] if r not in facts["down"][:2]]]
    if chase:
        paragraphs.append(w.t(f"Worth a call this week: {w.names(chase, limit=4)}, whose orders fell the most or "
                              "stopped.",
                              f"Nên liên hệ trong tuần này: {w.names(chase, limit=4)}, là những khách hàng giảm đơn "
                              "nhiều nhất hoặc ngừng đặt hàng."))
    else:
        paragraphs.append(w.t("No customer's orders fell; there is nobody to chase on sales this period.",
                              "Không khách hàng nào giảm đơn; kỳ này không có ai cần theo dõi về doanh số."))
    return paragraphs


def _ar_aging(w: _Words) -> list[str]:
    facts = w.doc.facts
    as_of = w.doc.as_of.isoformat()
    if not w.value("total_open"):
        return [w.t(f"No customer owes anything as of {as_of}: every invoice is paid.",
                    f"Tính đến {as_of} không khách hàng nào còn nợ: mọi hóa đơn đã được thanh toán.")]
    first = w.t(f"Customers owed {w.shown('total_open')} as of {as_of} on {w.shown('open_invoices')} open invoices "
                f"from {w.shown('customers')} customers.",
                f"Tính đến {as_of}, khách hàng còn nợ {w.shown('total_open')} trên {w.shown('open_invoices')} hóa đơn "
                f"của {w.shown('customers')} khách hàng.")
    if w.value("overdue_amount"):
        first += w.t(f" {w.shown('overdue_amount')} of it ({w.shown('overdue_share_pct')}) is overdue, and "
                     f"{w.shown('over_90')} ({w.shown('over_90_share_pct')}) is more than 90 days past due.",
                     f" Trong đó {w.shown('overdue_amount')} ({w.shown('overdue_share_pct')}) đã quá hạn, và "
                     f"{w.shown('over_90')} ({w.shown('over_90_share_pct')}) quá hạn trên 90 ngày.")
    else:
        first += w.t(" Nothing is overdue.", " Không có khoản nào quá hạn.")
    paragraphs = [first]
    second = w.t(f"{w.shown('largest_debtor')} holds the largest balance, {w.shown('largest_debtor_share_pct')} of the total.",
                 f"{w.shown('largest_debtor')} có dư nợ lớn nhất, chiếm {w.shown('largest_debtor_share_pct')} tổng phải thu.")
    over_90_share, overdue_share = w.value("over_90_share_pct") or 0, w.value("overdue_share_pct") or 0
    if over_90_share >= 20:
        second += w.t(" The oldest bucket is heavy: those balances are at real risk, so consider a provision and "
                      "holding further credit to those customers.",
                      " Nhóm nợ lâu nhất chiếm tỷ trọng lớn: các khoản này có rủi ro thật sự, nên cân nhắc trích lập "
                      "dự phòng và tạm ngừng cấp thêm tín dụng cho các khách hàng này.")
    elif overdue_share >= 30:
        second += w.t(" A large part of the book is overdue; collections need attention before it ages further.",
                      " Phần quá hạn khá lớn; cần đẩy mạnh thu nợ trước khi nợ tiếp tục già đi.")
    elif w.value("overdue_amount"):
        second += w.t(" Most of the book is current.", " Phần lớn công nợ vẫn trong hạn.")
    paragraphs.append(second)
    collections = facts["collections"]
    if collections:
        calls = [w.t(f"{r['name']} ({w.money(r['overdue'])} overdue, oldest {r['oldest_days']:,} days)",
                     f"{r['name']} ({w.money(r['overdue'])} quá hạn, lâu nhất {r['oldest_days']:,} ngày)")
                 for r in collections[:3]]
        chase = w.t("Chase first: ", "Cần thu trước: ") + "; ".join(calls) + "."
        oldest = facts["oldest"][0]
        chase += w.t(f" The longest overdue invoice is {oldest['number']} from {oldest['customer']}, "
                     f"{oldest['days_overdue']:,} days past due with {w.money(oldest['open_balance'])} open.",
                     f" Hóa đơn quá hạn lâu nhất là {oldest['number']} của {oldest['customer']}, quá hạn "
                     f"{oldest['days_overdue']:,} ngày, còn nợ {w.money(oldest['open_balance'])}.")
        paragraphs.append(chase)
    return paragraphs


def _pipeline(w: _Words) -> list[str]:
    facts = w.doc.facts
    if not w.value("open_opportunities"):
        return [w.t("There are no open opportunities in this selection.", "Không có cơ hội nào đang mở trong phạm vi này.")]
    paragraphs = [w.t(f"There are {w.shown('open_opportunities')} open opportunities worth {w.shown('pipeline_amount')}; "
                      f"weighted by their probabilities the forecast is {w.shown('weighted_forecast')} "
                      f"({w.shown('weighted_share_pct')} of the amount). {w.shown('weighted_next_90_days')} of the "
                      "weighted forecast is expected to close in the next 90 days.",
                      f"Có {w.shown('open_opportunities')} cơ hội đang mở với tổng giá trị {w.shown('pipeline_amount')}; "
                      f"tính theo xác suất, dự báo là {w.shown('weighted_forecast')} ({w.shown('weighted_share_pct')} "
                      f"tổng giá trị). {w.shown('weighted_next_90_days')} trong dự báo có trọng số dự kiến chốt trong "
                      "90 ngày tới.")]
    stages = sorted((r for r in facts["stages"] if r["weighted"]), key=lambda r: -r["weighted"])
    if stages:
        text = w.t(f"Most of the weighted value sits in {stages[0]['name']} ({w.money(stages[0]['weighted'])}).",
                   f"Phần lớn giá trị có trọng số nằm ở giai đoạn {stages[0]['name']} ({w.money(stages[0]['weighted'])}).")
        deal = facts["deals"][0]
        text += w.t(f" The largest deal is {deal['opportunity']} with {deal['customer']} at {w.money(deal['amount'])} "
                    f"({deal['stage']}, expected to close {deal['close_date']}).",
                    f" Cơ hội lớn nhất là {deal['opportunity']} với {deal['customer']}, giá trị {w.money(deal['amount'])} "
                    f"({deal['stage']}, dự kiến chốt {deal['close_date']}).")
        paragraphs.append(text)
    if facts["stale"]:
        paragraphs.append(w.t(f"{w.shown('stale_opportunities')} opportunities worth {w.shown('stale_amount')} are past "
                              f"their expected close date and still open, among them {w.names(facts['stale'], 'customer')}: "
                              "update their dates or close them, so the forecast stays honest.",
                              f"{w.shown('stale_opportunities')} cơ hội trị giá {w.shown('stale_amount')} đã quá ngày dự "
                              f"kiến chốt mà vẫn mở, trong đó có {w.names(facts['stale'], 'customer')}: cần cập nhật ngày "
                              "hoặc đóng lại để dự báo sát thực tế."))
    else:
        paragraphs.append(w.t("No open opportunity is past its expected close date.",
                              "Không có cơ hội nào quá ngày dự kiến chốt."))
    return paragraphs


def _restock(w: _Words) -> list[str]:
    facts = w.doc.facts
    if not w.value("rows_below"):
        return [w.t("Every active product is at or above its reorder level; nothing needs ordering.",
                    "Mọi sản phẩm đang kinh doanh đều đạt hoặc vượt mức đặt lại; chưa cần đặt thêm hàng.")]
    first = w.t(f"{w.shown('rows_below')} stock rows across {w.shown('products')} products and {w.shown('warehouses')} "
                f"warehouses are below their reorder level, {w.shown('shortfall_units')} units short in total",
                f"{w.shown('rows_below')} dòng tồn kho thuộc {w.shown('products')} sản phẩm tại {w.shown('warehouses')} "
                f"kho đang dưới mức đặt lại, thiếu tổng cộng {w.shown('shortfall_units')} đơn vị")
    if "reorder_value" in {f.key for f in w.doc.key_figures} and w.value("reorder_value"):
        first += w.t(f"; bringing them back up costs about {w.shown('reorder_value')} at unit cost.",
                     f"; bổ sung lại cần khoảng {w.shown('reorder_value')} theo giá vốn.")
    else:
        first += "."
    paragraphs = [first]
    row = facts["rows"][0]
    second = w.t(f"The largest shortfall is {row['product']} ({row['sku']}) in {row['warehouse']}: {row['quantity']:,} on "
                 f"hand against a reorder level of {row['reorder_level']:,}.",
                 f"Thiếu nhiều nhất là {row['product']} ({row['sku']}) tại kho {row['warehouse']}: tồn {row['quantity']:,} "
                 f"so với mức đặt lại {row['reorder_level']:,}.")
    if w.value("out_of_stock"):
        second += w.t(f" {w.shown('out_of_stock')} rows have nothing on hand at all and can't fill an order today.",
                      f" {w.shown('out_of_stock')} dòng đã hết sạch hàng, không thể giao đơn hôm nay.")
    paragraphs.append(second)
    warehouses = facts["warehouses"]
    paragraphs.append(w.t(f"{warehouses[0]['name']} is short the most ({warehouses[0]['shortfall']:,} units). Order first: "
                          f"{w.names(facts['rows'], 'sku')}.",
                          f"Kho {warehouses[0]['name']} thiếu nhiều nhất ({warehouses[0]['shortfall']:,} đơn vị). Nên đặt "
                          f"trước: {w.names(facts['rows'], 'sku')}."))
    return paragraphs


def _commissions(w: _Words) -> list[str]:
    facts, doc = w.doc.facts, w.doc
    before = facts["before_label"]
    if not w.value("commission_total"):
        return [w.t(f"No commission is due for {doc.period_label}: no order's invoice was paid in full in it.",
                    f"Không có hoa hồng cho {doc.period_label}: chưa hóa đơn nào được thanh toán đủ trong kỳ.")]
    first = w.t(f"Commission for {doc.period_label} comes to {w.shown('commission_total')} on "
                f"{w.shown('paid_sales')} of sales paid in full from {w.shown('paid_orders')} orders, at "
                f"{w.shown('rate_pct')}.",
                f"Hoa hồng {doc.period_label} là {w.shown('commission_total')} trên {w.shown('paid_sales')} doanh "
                f"số đã thanh toán đủ từ {w.shown('paid_orders')} đơn, với tỷ lệ {w.shown('rate_pct')}.")
    if w.value("commission_previous"):
        first += " " + w.t("That is ", "Mức này ") + w.direction(w.value("change_vs_previous_pct"), before) + \
            f" ({w.shown('commission_previous')})."
    paragraphs = [first]
    second = w.t(f"{w.shown('top_earner')} earned the most, {w.money(facts['rows'][0]['commission'])} "
                 f"({w.shown('top_earner_share_pct')} of the total).",
                 f"{w.shown('top_earner')} có hoa hồng cao nhất, {w.money(facts['rows'][0]['commission'])} "
                 f"({w.shown('top_earner_share_pct')} tổng số).")
    moved = sorted((r for r in facts["rows"] if r["change_prev_pct"] is not None and r["commission"]),
                   key=lambda r: -abs(r["change_prev_pct"]))
    if moved:
        second += " " + w.t(f"{moved[0]['name']} moved the most: ", f"{moved[0]['name']} biến động nhiều nhất: ") + \
            w.direction(moved[0]["change_prev_pct"], before) + "."
    paragraphs.append(second)
    checks = []
    dropped = [r for r in facts["rows"] if not r["commission"] and r["previous"]]
    if dropped:
        checks.append(w.t(f"{w.names(dropped)} earned nothing this period after earning in {before}; check that their "
                          "orders are being invoiced and paid.",
                          f"{w.names(dropped)} không có hoa hồng kỳ này dù có trong {before}; cần kiểm tra đơn của họ đã "
                          "được xuất hóa đơn và thanh toán chưa."))
    if w.value("unassigned_orders"):
        checks.append(w.t(f"{w.shown('unassigned_orders')} paid orders worth {w.shown('unassigned_revenue')} have no "
                          "salesperson and earn no commission; assign them before the payroll run.",
                          f"{w.shown('unassigned_orders')} đơn đã thanh toán trị giá {w.shown('unassigned_revenue')} chưa "
                          "gắn nhân viên nên không tính hoa hồng; cần gán trước kỳ tính lương."))
    if checks:
        paragraphs.append(" ".join(checks))
    return paragraphs


def _top_customers(w: _Words) -> list[str]:
    facts = w.doc.facts
    if not w.value("customers"):
        return [w.t("No customer has ordered yet.", "Chưa có khách hàng nào đặt hàng.")]
    paragraphs = [w.t(f"{w.shown('customers')} customers have ordered to date, for a lifetime revenue of "
                      f"{w.shown('lifetime_revenue')}, or {w.shown('average_per_customer')} per customer. Over the last "
                      f"12 months the company sold {w.shown('revenue_12m')}.",
                      f"Đến nay có {w.shown('customers')} khách hàng đã đặt hàng, với doanh thu trọn đời "
                      f"{w.shown('lifetime_revenue')}, bình quân {w.shown('average_per_customer')} mỗi khách hàng. Trong "
                      f"12 tháng gần nhất công ty bán được {w.shown('revenue_12m')}.")]
    second = w.t(f"{w.shown('top_customer')} is the largest at {w.shown('top_customer_share_pct')} of lifetime revenue; "
                 f"the top 10 together account for {w.shown('top10_share_pct')}.",
                 f"{w.shown('top_customer')} là khách hàng lớn nhất, chiếm {w.shown('top_customer_share_pct')} doanh thu "
                 f"trọn đời; 10 khách hàng lớn nhất chiếm {w.shown('top10_share_pct')}.")
    share = w.value("top10_share_pct") or 0
    if share >= 60:
        second += w.t(" The business leans heavily on a few accounts; keeping them is the first priority.",
                      " Doanh nghiệp phụ thuộc nhiều vào một số ít khách hàng; giữ chân họ là ưu tiên hàng đầu.")
    elif share < 30:
        second += w.t(" No single group of customers dominates.", " Không có nhóm khách hàng nào chi phối.")
    paragraphs.append(second)
    at_risk = facts["at_risk"]
    if at_risk:
        names = [w.t(f"{r['name']} (last order {r['last_order']}, {r['days_since']:,} days ago)",
                     f"{r['name']} (đơn gần nhất {r['last_order']}, cách đây {r['days_since']:,} ngày)") for r in at_risk[:3]]
        paragraphs.append(w.t(f"{w.shown('at_risk')} of the top 20 have not ordered for more than 90 days: "
                              f"{'; '.join(names)}. Worth a call before they drift away.",
                              f"{w.shown('at_risk')} khách hàng trong nhóm 20 đã hơn 90 ngày không đặt hàng: "
                              f"{'; '.join(names)}. Nên liên hệ trước khi họ rời đi."))
    else:
        paragraphs.append(w.t("Every one of the top 20 has ordered within the last 90 days.",
                              "Tất cả 20 khách hàng hàng đầu đều đã đặt hàng trong 90 ngày qua."))
    return paragraphs


TEMPLATES: dict[str, Callable[[_Words], list[str]]] = {
    "sales": _sales, "ar-aging": _ar_aging, "pipeline": _pipeline, "restock": _restock, "commissions": _commissions,
    "top-customers": _top_customers,
}


def template_narrative(document: ReportDocument) -> list[str]:
    from backend.reports.statement_documents import TEMPLATES as STATEMENT_TEMPLATES

    return {**TEMPLATES, **STATEMENT_TEMPLATES}[document.report](_Words(document))
