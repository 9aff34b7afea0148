"""A request read as a frame: the figures asked for (measures), what they are split by (dimensions), the filters,
conditions, period and comparison, the ranking, and the entities named — composed freely, so any measure by any
dimension over any period can be asked. The words come from the lexicon (the system of record's declarations);
what is here is grammar: which words group, count, rank, compare or mean "mine".
"""
from __future__ import annotations

from decimal import Decimal

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assistant.planner import when as when_mod
from assistant.planner.lexicon import Hit, lexicon, token_marks, tokens
from backend.semantic.dimensions import DIMENSIONS
from backend.semantic.engine import supported_dimensions
from backend.semantic.measures import MEASURES
from backend.text import fold

# Grammar words (English and Vietnamese, folded). Not business vocabulary: that is in the lexicon.
GROUP_BEFORE = {"by", "per", "each", "every", "across", "theo", "tung", "moi", "cac", "nhung", "rank", "ranking"}
PICK_BEFORE = {"which", "what", "top", "best", "worst", "biggest", "largest", "smallest", "list", "show", "highest",
               "best-selling", "top-selling", "worst-selling",
               "lowest", "most", "least", "all", "our", "danh", "sach", "strongest", "weakest", "busiest", "quietest"}
PICK_AFTER = {"nao"}
WHOLE_WORDS = {"full", "calendar", "complete", "completed", "whole", "entire", "single"}
COUNT_CUES = ("how many", "number of", "count of", "count the", "bao nhieu", "co may", "may", "tong so")
# ("số lượng" is a quantity — units — not a count of things)
AMOUNT_CUES = ("how much", "total", "sum", "bao nhieu", "tong", "what were", "what was", "what is", "what's", "whats", "money",
               "what s",  # "what's": folding splits off the "s"
               "tong cong", "figure", "figures", "amount")
DESC_WORDS = {"most", "top", "best", "biggest", "largest", "highest", "greatest", "strongest", "nhieu", "cao", "lon"}
ASC_WORDS = {"least", "worst", "smallest", "lowest", "weakest", "fewest", "it", "thap", "cheapest", "re", "bottom", "dead",
             "cham", "slowest"}
SUPERLATIVE = re.compile(r"\b(the )?(most|least|fewest|best|worst|bottom|dead last|biggest|largest|smallest|highest|lowest|strongest|weakest|(?<!on )(?<!on-)top|"
                         r"oldest|newest|latest|earliest|cheapest|priciest|dearest)\b|\b(nhieu nhat|it nhat|lon nhat|cao nhat|thap nhat|nho nhat|"
                         r"tot nhat|te nhat|cu nhat|lau nhat|nhieu tien nhat|ban chay nhat|chay nhat|re nhat|dat nhat|"
                         r"cham nhat|slowest)\b")
EXTREMES = re.compile(r"\b(best and worst|worst and best|highest and lowest|lowest and highest|strongest and weakest|"
                      r"cheapest and (?:the )?most expensive|most expensive and (?:the )?cheapest|min and max|"
                      r"thap nhat va cao nhat|re nhat va dat nhat|dat nhat va re nhat|cao nhat va thap nhat|"
                      r"tot nhat va te nhat|manh nhat va yeu nhat)\b")
# "what share of revenue came from the top 5", "what % of our sales is paper", "chiếm bao nhiêu phần trăm doanh thu"
SHARE = re.compile(r"\b(what|which) (share|portion|proportion|fraction|part|percentage|percent)\b|\bshare of\b|"
                   r"\b(percentage|percent|proportion|fraction|portion) of (our |the |all |total |my |their |overall |)"
                   r"(revenue|sales|turnover|orders|units|total|business|income|receivables|money|spend|spending)\b|"
                   r"\bhow much of (our |the |all |total |my |)(revenue|sales|turnover|business)\b|"
                   r"\b(ty trong|ti trong|ty le phan tram|phan tram doanh (thu|so)|chiem bao nhieu|chiem may)\b|"
                   r"\bbao nhieu (phan tram|percent)\b")
MINE = re.compile(r"\b(my|mine|cua toi|cua em|cua anh|cua chi|cua minh)\b|\bdid i\b|\bhave i\b|\bi (sold|sell|won|closed|made)\b|"
                  r"\b(do|does) i (have|own|handle|look after)\b|\bi (have|ve got|got|own|handle|look after)\b|"
                  r"\bassigned to me\b|\bon my plate\b|"
                  r"\b(toi|em) (ban|ban duoc|da ban|chot)\b|"
                  r"(?<!chung )(?<!bon )(?<!cong ty )(?<!tuan )(?<!thang )(?<!quy )(?<!nam )(?<!sap )(?<!ngay )(?<!lan )"
                  # "em có bao nhiêu đơn" (not "tuần tới có bao nhiêu"), "tôi đã gọi điện cho khách bao nhiêu cuộc"
                  r"\b(toi|em) (?:(co|dang co|da co) bao nhieu|(?:da )?(?:goi|gap|lien he|lien lac|gui|tham))\b|"
                  r"\b(khach|khach hang|doanh so|doanh thu) (cua )?(toi|em)\b")
# Words that say "revenue" only with an amount ("how much did they buy"), not alone ("what did they buy").
WEAK_REVENUE = {"sell", "sold", "selling", "spent", "spend", "bought", "buy", "ban", "mua", "brought"}
# The natural row of a count asked as a list ("which deals are in negotiation"): count measure -> dimension.
ROW_OF_COUNT = {"customers": "customer", "products": "product", "active_products": "product", "opportunities": "opportunity",
                "open_opportunities": "opportunity", "invoices": "invoice", "open_invoices": "invoice",
                "overdue_invoices": "invoice", "orders": "order", "purchase_orders": "purchase_order",
                "supplier_bills": "bill", "open_bills": "bill", "overdue_bills": "bill", "inactive_products": "product",
                "goods_receipts": "receipt", "customers_buying": "customer", "uninvoiced_order_count": "order",
                "new_customers_acquired": "customer"}
# A dimension word that names a count's things ("customers" -> the customers measure).
COUNT_OF_DIMENSION = {"customer": "customers", "product": "products", "opportunity": "opportunities", "invoice": "invoices",
                      "order": "orders"}
# The documents people name and list, and the count of each (its rows are the documents).
DOCUMENT_COUNTS = {"purchase_order": "purchase_orders", "bill": "supplier_bills", "quote": "quotes", "order": "orders",
                   "invoice": "invoices", "receipt": "goods_receipts"}
WEEKS = {"week", "weeks", "tuan"}
MONTHS_UNIT = {"month", "months", "thang"}
YEARS_UNIT = {"year", "years"}   # ("năm" stays a year of the calendar: "2 năm" is rare and "năm 2025" common)


@dataclass
class Frame:
    text: str
    folded: str
    words: list[str]
    hits: list[Hit]
    measures: list[str] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)
    period: str | None = None
    compare: str | None = None
    order: str | None = None
    order_by: str | None = None
    limit: int | None = None
    single: bool = False
    extremes: bool = False
    mine: bool = False
    counting: bool = False
    thresholds: list[tuple[str, Decimal]] = field(default_factory=list)   # "over 100 million": (op, amount)
    # "bills due this week", "hóa đơn đến hạn hôm nay": the days from today the due dates fall within (first, last)
    due_window: tuple[int, int] | None = None
    amount: bool = False
    listing: bool = False
    statuses: list[tuple[str, str]] = field(default_factory=list)
    row: str | None = None        # what one row is, when a condition or a count names it
    weak_revenue: bool = False    # "buy", "sell" said without an amount
    row_count: str | None = None  # the count whose things are the rows ("open deals": open_opportunities)
    today: date | None = None
    now: bool = False             # "right now", "currently": a state, not this year's flow
    nouns: list[str] = field(default_factory=list)  # counts read from a thing's name, not asked to be counted
    excluded: list[tuple[str, str]] = field(default_factory=list)  # statuses left out ("excluding cancelled ones")
    loose_counts: list[str] = field(default_factory=list)  # counts read from a noun no count cue stood before
    share: bool = False           # "what share of revenue ...": the part of the whole the rows make
    accounts: list[str] = field(default_factory=list)   # ledger accounts meant without their words being said

    @property
    def is_data(self) -> bool:
        return bool(self.measures or self.conditions)

    def args(self, language: str) -> dict[str, Any]:
        out: dict[str, Any] = {"measures": self.measures}
        if self.group_by:
            out["group_by"] = self.group_by
        if self.filters:
            out["filters"] = self.filters
        if self.conditions:
            out["conditions"] = self.conditions
        if self.period:
            out["period"] = self.period
        if self.compare:
            out["compare"] = self.compare
        if self.order_by:
            out["order_by"] = self.order_by
        if self.order:
            out["order"] = self.order
        if self.limit:
            out["limit"] = self.limit
        if language == "vi":
            out["language"] = "vi"
        return out


def _normalise_units(words: list[str]) -> list[str]:
    """'six weeks' -> '42 days', '3 tháng' -> '90 ngày', so a condition's {n} days reads them too."""
    from assistant.planner.when import NUMBER_WORDS

    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        number = int(word) if word.isdigit() else NUMBER_WORDS.get(word) if len(word) > 1 else None
        half = (number == 6 and i + 1 < len(words) and words[i + 1] in MONTHS_UNIT
                and ((i > 0 and words[i - 1] in ("first", "last")) or words[i + 2:i + 3] in (["dau"], ["cuoi"])))
        # ("từ tháng 6": since June — "tu" there is no four, and "tháng" before a number is a month's name)
        named_month = words[i + 1:i + 2] == ["thang"] and i + 2 < len(words) and words[i + 2].isdigit() \
            and not word.isdigit()
        calendar_year = word.isdigit() and 1900 <= int(word) <= 2100   # "2017 year to date" is no 2017 years
        # ("quý 3 thắng được …": the 3 names the quarter; the next word is no unit of time)
        named_period = i > 0 and words[i - 1] in ("quy", "quarter", "q", "thang", "month", "tuan", "week", "nam", "year")
        if number is not None and not half and not named_month and not calendar_year and not named_period \
                and i + 1 < len(words) \
                and words[i + 1] in WEEKS | MONTHS_UNIT | YEARS_UNIT:
            factor = 7 if words[i + 1] in WEEKS else 365 if words[i + 1] in YEARS_UNIT else 30
            days = number * factor if factor != 30 or number % 12 else number // 12 * 365   # 12 months: a year
            out += [str(days), "ngay" if words[i + 1] in ("tuan", "thang") else "days"]
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def _has(folded: str, cues: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(cue)}\b", folded) for cue in cues)


def _top_n(folded: str) -> int | None:
    from assistant.planner.when import NUMBER_WORDS

    # (every match is tried: "our biggest customers in 2025, top 3 is fine" holds a word before "biggest" first)
    for m in re.finditer(r"\b(?:top|bottom)\s*(\d{1,3})\b|\b(\d{1,3})\s+(?:biggest|largest|best|top|highest|most|lon nhat|hang dau|"
                         r"cao nhat|nhieu nhat)\b|\btop\s+(\w+)\b|\b(\w+)\s+(?:biggest|largest|best|highest)\b|"
                         r"\b(?:which|what|the|name the|list the)\s+(\d{1,2}|two|three|four|five|ten)\s+(?!days?\b|weeks?\b|"
                         r"months?\b|years?\b|quarters?\b)[a-z]", folded):
        for group in m.groups():
            if group and group.isdigit():
                return int(group)
            if group and group in NUMBER_WORDS and len(group) > 2:
                return NUMBER_WORDS[group]
    # "5 khách hàng mua nhiều nhất", "the 3 products that sold best": a count of rows, then the superlative
    if m := re.search(r"\b(\d{1,2})\s+(?:khach hang|khach|san pham|mat hang|nhan vien|nha cung cap|co hoi|customers|"
                      r"clients|accounts|products|items|skus|reps|salespeople|suppliers|vendors|deals|tracks|albums|"
                      r"artists|genres)\b.*\b(?:nhat|most|best|top|biggest|largest|highest|lowest|least|worst)\b", folded):
        return int(m.group(1))
    return None


CLOSING = re.compile(r"\b(closed?|closing|resolved?|resolving|solved|da dong|dong|da xu ly xong|xu ly xong|da giai quyet|"
                     r"giai quyet xong)\b")
# Words that leave something out: a status ("not counting cancelled ones") or a place ("outside Vietnam").
LEAVE_OUT = (r"excluding|exclude|excludes|excl|ignoring|ignore|not counting|not including|except|except for|other than|"
             r"without|leaving out|leave out|leave off|minus|"
             r"outside|outside of|not in|khong tinh|khong ke|tru|ngoai tru|bo qua|loai tru|khong bao gom")
EXCLUDING = re.compile(r"\b(" + LEAVE_OUT + r")( the| any| cac| nhung)?( don| hoa don| phieu)?$")
UNRESOLVED = re.compile(r"\b(unresolved|still open|not (yet )?(closed|resolved)|outstanding|chua xu ly( xong)?|chua dong|"
                        r"chua giai quyet|con mo|dang mo)\b")


POSSESSOR = re.compile(r"\b(my|our|their) (customers?|accounts?|clients?) (have|has|got|placed|opened|raised|owe)\b|"
                       r"\bkhach (hang )?cua (em|toi|minh) (co|dang co|da)\b")


MARKETING_WORDS = re.compile(r"\b(campaigns?|marketing|advertising|ads|chien dich|quang cao|tiep thi)\b")
SPEND_WORDS = {"spend", "spent", "spending", "chi", "chi tieu"}
# What a figure means when the question is about campaigns ("spent on Google Ads", "new customers the referral
# programme brought").
MARKETING_SIDE = {"revenue": "marketing_spend", "new_customers": "new_customers_acquired"}


def _marketing_side(frame: Frame) -> None:
    if not (MARKETING_WORDS.search(frame.folded) or any(d == "campaign_channel" for d, _ in frame.statuses)):
        return
    if frame.weak_revenue and not frame.measures and set(frame.words) & SPEND_WORDS:
        frame.measures.append("marketing_spend")   # "Google Ads spend this year"
        frame.weak_revenue = False
    for hit in frame.hits:
        said = set(frame.words[hit.start:hit.end])
        for i, name in enumerate(frame.measures):
            if name == "revenue" and any(t.target == "revenue" for t in hit.of("measure")) and said & SPEND_WORDS:
                frame.measures[i] = "marketing_spend"
    for i, name in enumerate(frame.measures):
        if name == "new_customers":
            frame.measures[i] = "new_customers_acquired"
        if name == "cost_of_sales" and "marketing_spend" not in frame.measures:
            frame.measures[i] = "marketing_spend"   # "what did Google Ads campaigns cost us"
    if "campaigns" in frame.measures and len(frame.measures) > 1 and not frame.counting:
        frame.measures.remove("campaigns")   # "spent on marketing campaigns": the campaigns are what was spent on


COMPANY_SUBJECT = {"ta", "minh", "chung", "ty", "toi", "em"}   # "chúng ta", "mình", "công ty", "bên mình", "tôi"


def _company_buys(frame: Frame) -> None:
    """'mua hàng tháng 9 là bao nhiêu', 'công ty mua hàng bao nhiêu': the company's purchases; 'Hoàng Long mua hàng
    bao nhiêu': what that customer bought from us."""
    for hit in frame.hits:
        if frame.words[hit.start:hit.end] == ["mua", "hang"] and "purchases" in frame.measures and \
                hit.start > 0 and frame.words[hit.start - 1] not in COMPANY_SUBJECT:
            frame.measures[frame.measures.index("purchases")] = "revenue"


ANY_ONE = re.compile(r"(?<!\bwith )(?<!\bfrom )(?<!\bto )(?<!\bof )(?<!\bfor )\b(?:any|a|one) (?:single |one )?(customers?|clients?|accounts?|products?|tracks?|reps?|salespeople|"
                     r"salesperson|suppliers?)\b")


def _any_one(frame: Frame) -> None:
    """'the largest number of orders any single customer has placed': the figure per customer, the largest one."""
    m = ANY_ONE.search(frame.folded)
    if not m or not (frame.single or frame.order or frame.limit):
        return
    for hit in lexicon().find([m.group(1)]):
        dims = hit.of("dimension") or [t for t in hit.of("count") if ROW_OF_COUNT.get(t.target)]
        if not dims:
            continue
        dimension = dims[0].target if dims[0].kind == "dimension" else ROW_OF_COUNT[dims[0].target]
        count = COUNT_OF_DIMENSION.get(dimension)
        if count in frame.measures and len(frame.measures) > 1:
            frame.measures.remove(count)
        _add(frame.group_by, dimension)
        return


# Acronyms that are also everyday Vietnamese written without accents ("cac ticket khan cap": the tickets, not CAC).
_VI_ACRONYMS = {"cac": "cac"}


NOT_ORDERED_SINCE = re.compile(r"\b(hasn t|haven t|hasnt|havent|has not|have not|not|no|never|chua|khong)\s+"
                               r"(ordered|bought|purchased|placed an order|placed any orders?|placed a single order|"
                               r"made a (?:single )?purchase|orders?|dat hang|mua hang|mua)"
                               r"(\s+(anything|any|gi|nua|lai))?(\s+from us)?\s+(since|between|tu|ke tu|(?:in|within|during|over|for) "
                               r"the (?:last|past)|trong \d+ (?:ngay|days) (?:qua|vua qua|gan day))\b")
# "which of my customers haven't bought anything this year?": none since the period to date began
NOT_ORDERED_THIS = re.compile(r"\b(hasn t|haven t|hasnt|havent|has not|have not|not|no|never|chua|khong)\s+"
                              r"(ordered|bought|purchased|placed an order|placed any orders?|dat hang|mua hang|mua)"
                              r"(\s+(anything|any|gi|nua|lai))?(\s+(from us|yet))?\s+(so far )?(this|nam nay|quy nay|thang nay)\b")


# An amount said with or without its VAT ("including VAT", "trước thuế").
WITH_VAT = re.compile(r"\b(incl\w*|with|gross of|plus|gom|bao gom|tinh ca|co) (the )?(vat|tax|thue)\b|\bgross\b")
BEFORE_VAT = re.compile(r"\b(chua (co |tinh |gom )?(vat|thue)|truoc (vat|thue)|before (the )?(vat|tax)|excl(uding)? (the )?"
                        r"(vat|tax)|ex vat|net of (vat|tax)|without (the )?(vat|tax)|khong (tinh |gom )?(vat|thue))\b")


def _plain_readings(frame: Frame) -> None:
    """Figures whose words say more than one thing, read the way people mean them."""
    if "purchases" in frame.measures and re.search(r"\b(customers?|clients?|buyers?)\b(?!\s+(of|from)\b)", frame.folded) \
            and not SUPPLIER_WORDS.search(frame.folded) and "revenue" in MEASURES:
        # "which customers made purchases in France": what they bought from us, not what we bought
        frame.measures[:] = list(dict.fromkeys("revenue" if m == "purchases" else m for m in frame.measures))
    if frame.weak_revenue and frame.measures == ["orders"] and re.search(r"\bwhat did (we|you|they|i|he|she) (sell|buy)\b",
                                                                          frame.folded):
        frame.measures.insert(0, "revenue")   # "what did we sell last week, and how many orders was that?"
        frame.weak_revenue = False
    if "inactive_products" in frame.measures and len(frame.measures) > 1 and frame.row == "product" and not frame.counting:
        # "mặt hàng nào đã ngừng kinh doanh mà vẫn còn tồn kho?": the discontinued ones are the rows, with their stock
        frame.measures.remove("inactive_products")
        frame.row_count = "inactive_products"
    if re.search(r"\b(biggest|largest|smallest|highest|priciest|most expensive) (single )?(purchase|sale|transaction)\b",
                 frame.folded) and set(frame.measures) <= {"revenue", "purchases"}:
        # "her biggest purchase ever": her largest order, not the product she spent most on
        frame.measures[:] = ["revenue"]
        frame.row, frame.row_count = "order", None
    if re.search(r"\b(phai )?tra truoc\b|\b(pay|paid|payment) (up front|upfront|in advance)\b|\bprepay", frame.folded):
        # "khách mới có phải trả trước không?": paying in advance (a policy), not what we owe suppliers
        frame.measures[:] = [m for m in frame.measures if m not in ("open_payables", "purchases", "overdue_payables")]
    counts_to_money = {"payment_count": "payments_received", "supplier_payment_count": "supplier_payments_made"}
    if (frame.group_by or not re.search(r"\b(how many|number of|count|times|bao nhieu lan|may lan|so lan|so khoan|"
                                        r"bao nhieu khoan|may khoan)\b", frame.folded)) \
            and not frame.counting and len(frame.measures) == 1 and frame.measures[0] in counts_to_money:
        frame.measures[:] = [counts_to_money[frame.measures[0]]]   # "payments by payment method": the amounts
    stock = {"stock_reserved", "stock_available", "stock_on_hand", "reorder_level", "stock_shortfall"}
    if "units" in frame.measures and set(frame.measures) & stock and not re.search(r"\b(sold|sell|sales|ban|ban duoc)\b",
                                                                                    frame.folded):
        frame.measures.remove("units")   # "total units reserved in Hanoi": the stock figure counts units already
        frame.row = None if frame.row == "order" else frame.row   # ("reserved for orders": whose they are)
    if frame.measures and re.search(r"\bwhen (is|are|s|was|will)\b.{0,40}\bdue\b|\bnext\b.{0,30}\bdue\b|"
                                    r"\b(bao gio|khi nao|ngay nao)\b.{0,30}\b(den han|toi han)\b", frame.folded):
        # "when is their next invoice due?": the due date, not how many invoices there are
        if set(frame.measures) <= {"invoices", "open_invoices", "invoiced"}:
            frame.measures[:] = ["invoice_due_date"]
        elif set(frame.measures) <= {"supplier_bills", "open_bills", "supplier_bill_total"}:
            frame.measures[:] = ["next_bill_due"]
    if "goods_received_not_billed" in frame.measures and (frame.row == "purchase_order" or "purchase_order" in
                                                          frame.group_by) and (frame.listing or frame.row):
        # "which purchase orders have been received but not billed yet?": the orders, by the units not billed on them
        frame.measures[:] = ["units_not_billed" if m == "goods_received_not_billed" else m for m in frame.measures]
        frame.group_by[:] = ["purchase_order"] + [d for d in frame.group_by if d not in ("purchase_order", "supplier")]
        frame.row = None
    with_vat = WITH_VAT.search(frame.folded)
    before_vat = BEFORE_VAT.search(frame.folded)
    if "supplier_bills" in frame.measures or ("purchases" in frame.measures and frame.row == "bill"):
        # "how many supplier bills in May, and what do they add up to including VAT?": the bills' totals with VAT;
        # "supplier bills from Tân Mai in Q1, before VAT?": their net amounts
        if with_vat:
            frame.measures[:] = list(dict.fromkeys("supplier_bill_total" if m == "purchases" else m
                                                   for m in frame.measures))
            if "supplier_bill_total" not in frame.measures:
                frame.measures.append("supplier_bill_total")
        elif before_vat and "purchases" not in frame.measures:
            frame.measures.append("purchases")
        if (with_vat or before_vat) and not frame.counting:
            frame.measures[:] = [m for m in frame.measures if m != "supplier_bills"] or frame.measures
    said_pct = "%" in (frame.text or "") or bool(re.search(r"\b(percent|percentage|pct|phan tram|ty le|ti le)\b",
                                                           frame.folded))
    if frame.measures == ["gross_margin_pct"] and not said_pct:
        # "biên lợi nhuận gộp tháng 4 là bao nhiêu?": the margin in money, and what it is of the revenue (ranked, as
        # "sản phẩm nào có biên lợi nhuận cao nhất?": by the rate)
        ranked = frame.single or frame.limit or frame.order
        frame.measures[:] = ["gross_margin_pct", "gross_margin"] if ranked else ["gross_margin", "gross_margin_pct"]
    elif said_pct and "gross_margin" in frame.measures and "gross_margin_pct" not in frame.measures:
        frame.measures[:] = ["gross_margin_pct" if m == "gross_margin" else m for m in frame.measures]   # "gross margin %"
    if "cash_on_hand" in frame.measures and re.search(r"\b(thu|nhan|thu duoc|nhan duoc)\b.{0,20}\b(tu|cua|tu phia) "
                                                      r"(khach|khach hang)\b|\bkhach (hang )?(tra|thanh toan)\b",
                                                      frame.folded):
        # "tiền mặt thu từ khách quý 1": the customers' cash payments in the quarter, not the till's balance
        frame.measures[:] = list(dict.fromkeys("payments_received" if m == "cash_on_hand" else m for m in frame.measures))
    if frame.measures and set(frame.measures) <= stock - {"stock_on_hand", "stock_available"} and re.search(
            r"\bcon (lai )?(bao nhieu|may)\b|\bhow many\b.{0,40}\b(left|in stock|on hand)\b|\b(stock|on hand) (level|count)\b",
            frame.folded):
        # "kho Thủ Đức còn bao nhiêu hộp? Mức đặt hàng lại là bao nhiêu?": what is there, beside the other figure
        frame.measures.insert(0, "stock_on_hand")
    if re.search(r"\bwho (owes|owe|is owing)\b|\bai (dang )?no\b", frame.folded) and frame.row == "invoice":
        # "who owes us the most in overdue invoices?": the customers, by what they owe on them
        frame.row, frame.row_count = "customer", None
        frame.measures[:] = ["overdue_amount" if m in ("overdue_invoices", "overdue_amount") else "open_receivables"
                             for m in frame.measures][:1] or ["open_receivables"]
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "owes_money"]
    elif re.search(r"\b(who|which (customers?|clients?|accounts?))\s+(owes|owe|is owing)\b", frame.folded) \
            and (frame.single or frame.limit or frame.order) and set(frame.measures) <= {
                "customers", "overdue_invoices", "overdue_amount", "open_invoices", "open_receivables"}:
        # "which customer owes us the most in overdue invoices?": the customers ranked by what they owe (on those)
        overdue = "overdue_invoices" in frame.measures or "overdue_amount" in frame.measures or bool(
            re.search(r"\b(overdue|past due|late|qua han|tre han)\b", frame.folded))
        frame.row, frame.row_count = "customer", None
        frame.measures[:] = ["overdue_amount" if overdue else "open_receivables"]
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "owes_money"]
    if "po_expected_date" in frame.measures and not frame.group_by and frame.row in (None, "order") \
            and re.search(r"\b(orders|pos|purchase orders|don mua hang|cac don)\b", frame.folded):
        frame.row, frame.row_count = "purchase_order", None   # "when are the open Double A orders due to arrive?"
        frame.listing = True
    if {"pipeline_amount", "weighted_pipeline"} & set(frame.measures) and "revenue" in frame.measures \
            and not re.search(r"\b(revenue|sales|sold|doanh thu|doanh so)\b", frame.folded):
        frame.measures.remove("revenue")   # "the total value of our open pipeline": the pipeline's worth
    if re.search(r"\bwho (do|does|did) (we|i|the company) owe\b|(?<!hoa don )\b(nha cung cap|ncc) nao (minh |chung ta |cong ty )?"
                 r"(dang |con )?no\b", frame.folded) and not re.search(r"\b(invoices?|bills?|hoa don)\b", frame.folded):
        # "who do we owe the most money to?", "nhà cung cấp nào mình đang nợ nhiều nhất": the suppliers, by what we owe
        # ("… nợ quá hạn nhiều nhất": by what is overdue)
        overdue = bool(re.search(r"\b(overdue|past due|late|qua han|tre han)\b", frame.folded))
        frame.measures[:] = ["overdue_payables" if overdue else "open_payables"]
        frame.row, frame.row_count = "supplier", None
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "owes_money"]
    if not frame.measures and frame.amount and ("invoice_status", "paid") in frame.statuses \
            and re.search(r"\b(da thanh toan|da tra|paid|have paid|has paid)\b", frame.folded) \
            and not re.search(r"\b(invoices?|hoa don|bills?)\b", frame.folded):
        # "Quang Đạt đã thanh toán bao nhiêu trong năm nay?": the payments, not the paid invoices counted
        frame.measures.append("payments_received")
        frame.statuses[:] = []
        frame.counting = False
    if not frame.measures and frame.amount and ("invoice_status", "open") in frame.statuses \
            and re.search(r"\b(still open|open|outstanding|owed|con no|chua thu)\b", frame.folded):
        # "how much is still open across all my customers?": what the open invoices still hold
        buying = re.search(r"\b(suppliers?|vendors?|bills?|payables?|nha cung cap|ncc)\b", frame.folded)
        frame.measures.append("open_payables" if buying else "open_receivables")
        frame.statuses[:] = []


DUE_WORDS = re.compile(r"\b(due|fall due|falls due|falling due|come due|comes due|coming due|den han|toi han)\b")
PAY_AHEAD = re.compile(r"\b(have to pay|need to pay|must pay|should pay|to pay out|going out|to collect|should collect|"
                       r"will collect|expect to collect|coming in|phai tra|can tra|phai thanh toan|se thu|can thu)\b")
NOT_DUE_WINDOW = re.compile(r"\b(overdue|past due|qua han|tre han|was due|were due|fell due|due date of|payment terms?|"
                            r"close|closing|closed|chot|deals?|opportunit\w*|co hoi|pipeline|deliver\w*|ship\w*|"
                            r"arriv\w*|expected|du kien|giao hang|nhan hang)\b")


def _due_window(frame: Frame) -> None:
    """'which supplier bills fall due today', 'invoices due next week', 'hóa đơn nào đến hạn tuần này': documents
    whose due date falls in that period (today onwards), not documents dated in it."""
    if not frame.period or frame.today is None or NOT_DUE_WINDOW.search(frame.folded) or frame.compare:
        return
    from backend.semantic.periods import parse_period

    try:
        period = parse_period(frame.period, frame.today)
    except Exception:
        return
    if period.end < frame.today:
        return   # ("bills due last month": those are overdue, asked another way)
    ahead = period.start > frame.today or (period.start == frame.today and not ACCOUNT_CUE.search(frame.folded)
                                           and not re.search(r"\b(balance|so du)\b", frame.folded))
    if not DUE_WORDS.search(frame.folded) and not (ahead and PAY_AHEAD.search(frame.folded)):
        return   # ("how much do we have to pay suppliers next week": what falls due then)
    frame.due_window = ((max(period.start, frame.today) - frame.today).days, (period.end - frame.today).days)
    frame.period = None
    if frame.row in ("customer", "supplier") and re.search(r"\b(invoices?|bills?|hoa don)\b", frame.folded):
        # "which customer invoices fall due …": the invoices (each with its customer), not the customers
        frame.row, frame.row_count = None, None
        frame.measures[:] = [m for m in frame.measures if m not in ("customers", "suppliers")] or ["open_invoices"]


def _next_due(frame: Frame) -> None:
    """'when is our next payment to Double A due (and how much is it)?', 'when is the next bill from X due?': the due
    date of what falls due next (and its amount), on the side the words say — bills we pay, or invoices we collect."""
    if frame.period or frame.due_window or not DUE_WORDS.search(frame.folded) or NOT_DUE_WINDOW.search(frame.folded) \
            or not re.search(r"\b(next|tiep theo|ke tiep|sap toi|upcoming|soonest)\b", frame.folded):
        return
    if not set(frame.measures) <= {"payments_received", "payment_count", "supplier_payments_made",
                                   "supplier_payment_count", "next_bill_due", "invoice_due_date"}:
        return   # ("open bills and when is the next one due": those bills, with their dates)
    buying = re.search(r"\b(bills?|suppliers?|vendors?|payment to|pay to|we owe|payables?|nha cung cap|ncc|phai tra|"
                       r"tra cho)\b", frame.folded)
    due, amount = ("next_bill_due", "open_payables") if buying else ("invoice_due_date", "open_receivables")
    frame.measures[:] = [due] + ([amount] if frame.amount or re.search(r"\b(bao nhieu|so tien)\b", frame.folded) else [])
    frame.nouns[:] = []
    frame.counting = False


def _not_ordered_since(frame: Frame) -> None:
    """'which of my customers hasn't ordered anything since June 2026': those whose last order is before the day
    the period starts — the days since it, counted to today; the orders are read over all time."""
    to_date = frame.period in ("this-year", "this-quarter", "this-month", "ytd", "qtd", "mtd") \
        and bool(NOT_ORDERED_THIS.search(frame.folded))
    if to_date or NOT_ORDERED_SINCE.search(frame.folded):
        # (a period running to today: the last order's date says it, read over all time — not a sum of nothing)
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "bought_nothing"]
    if not frame.period or frame.conditions or not (NOT_ORDERED_SINCE.search(frame.folded) or to_date) \
            or frame.today is None:
        return
    from backend.semantic.periods import parse_period

    try:
        start = parse_period(frame.period, frame.today).start
    except Exception:
        return
    last = re.fullmatch(r"last-(\d+)-days", frame.period)
    # "since 1 June": the days from then to today; "in the last 90 days": those 90
    frame.conditions.append({"name": "not_ordered", "number": int(last.group(1)) if last else (frame.today - start).days})
    frame.period = "all"
    frame.measures[:] = [m for m in frame.measures if m not in ("customers", "orders", "revenue", "purchases", "units")]
    frame.row = frame.row or "customer"


def _loose_counts(frame: Frame) -> None:
    """'Công nợ phải trả nhà cung cấp quá hạn 1-30 ngày là bao nhiêu?': 'bao nhiêu' asks how much of the figure;
    the suppliers named in passing are not counted too."""
    if frame.compare or not frame.counting or not any(MEASURES[m].counts is None for m in frame.measures):
        return   # ("how many days late is the oldest unpaid invoice": the invoices are the rows, kept)
    asked = [m.end() for m in re.finditer(r"\b(how many|number of)\b", frame.folded)]
    starts = {len(" ".join(frame.words[:h.start])) + (1 if h.start else 0) for h in frame.hits}
    if any(end + 1 not in starts for end in asked):
        return   # "Hùng's open deals: how many and what are they worth?": a "how many" of its own counts them
    frame.measures[:] = [m for m in frame.measures if m not in frame.loose_counts]


def _how_many_of(frame: Frame) -> None:
    """'how many suppliers invoice us in USD': the things right after 'how many' are what is counted; a count read
    later from a verb ('invoice', 'order') is not asked for."""
    counted = [m for m in frame.measures if MEASURES[m].counts is not None]
    if len(counted) < 2:
        return
    for hit in frame.hits:
        terms = [t.target for t in hit.of("count") + hit.of("measure") if t.target in counted]
        if not terms:
            continue
        before = " ".join(frame.words[max(0, hit.start - 2):hit.start])
        own = " ".join(frame.words[hit.start:hit.end])
        if not (re.search(r"(how many|bao nhieu|so luong|number of)( different| distinct| unique)?$", before)
                or re.match(r"(how many|bao nhieu|so luong|number of)\b", own)):
            continue
        following = next((other for other in frame.hits if other.start == hit.end), None)
        singular = not frame.words[hit.end - 1].endswith("s")   # "customer payments", not "suppliers invoice us"
        if following is not None and singular and (following.of("count") or following.of("measure")
                                                   or following.of("dimension")):
            # "how many customer payments": "customer" says whose payments; the payments are counted
            if following.of("count") or following.of("measure"):
                frame.measures[:] = [m for m in frame.measures if m != terms[0]]
            return
        keep = terms[0]
        # (a narrower count of the same things stays: "how many orders did we ship" is orders shipped)
        frame.measures[:] = [m for m in frame.measures if m == keep or m not in counted
                             or MEASURES[m].counts_of == keep or MEASURES[m].refines == keep]
        return


def _number_of(frame: Frame) -> None:
    """'số lượng ticket': the number of tickets, not units sold ('số lượng' alone is a quantity)."""
    for i, hit in enumerate(frame.hits[:-1]):
        if frame.words[hit.start:hit.end] == ["so", "luong"] and "units" in frame.measures \
                and frame.hits[i + 1].start == hit.end and frame.hits[i + 1].of("count"):
            frame.measures.remove("units")
            frame.counting = True
            count = frame.hits[i + 1].of("count")[0].target
            if count not in frame.measures:
                frame.measures.append(count)


_GENERIC = {"open_receivables": {"balance", "so", "du", "outstanding"}, "stock_on_hand": {"on", "hand"}}
_BOOK_BALANCES = {"inventory_on_books", "receivables_on_books", "bank_balance", "cash_on_hand", "cash_balance",
                  "goods_received_not_billed", "open_payables", "credit_limit", "available_credit"}


def _generic_balance(frame: Frame) -> None:
    """'số dư hàng tồn kho trên sổ cái', 'cash in the bank and on hand': 'balance' and 'on hand' are words of the
    figure named beside them, not receivables or stock of their own."""
    if not _BOOK_BALANCES & set(frame.measures):
        return
    for hit in frame.hits:
        said = set(frame.words[hit.start:hit.end])
        for name, words in _GENERIC.items():
            if name in frame.measures and said <= words and any(t.target == name for t in hit.of("measure")):
                frame.measures.remove(name)


def _paid_in_cash(frame: Frame) -> None:
    """'tháng 10 thu tiền mặt được bao nhiêu': cash is how the payments came, not the cash on hand."""
    if "units_received" in frame.measures and {"payments_received", "payment_count"} & set(frame.measures):
        frame.measures.remove("units_received")   # "how many payments did we receive": payments, not goods
    for cash in ("cash_on_hand", "cash_balance"):
        if cash in frame.measures and {"payments_received", "supplier_payments_made", "payment_count"} & set(frame.measures):
            frame.measures.remove(cash)   # "how much came in by cash versus bank transfer"


def _acronyms(frame: Frame) -> None:
    for hit in frame.hits:
        said = frame.words[hit.start:hit.end]
        if len(said) == 1 and said[0] in _VI_ACRONYMS and _VI_ACRONYMS[said[0]] in frame.measures \
                and not re.search(rf"\b{said[0].upper()}\b", frame.text) and "acquisition" not in frame.folded:
            frame.measures.remove(_VI_ACRONYMS[said[0]])


# Things a colleague holds ("who has the most open deals?": the reps, by how many)
HELD_BY_REPS = {"opportunities", "open_opportunities", "customers", "quotes", "interactions"}


def _who_has_the_most(frame: Frame) -> None:
    if re.search(r"^\s*who\b( on| in| of)?( the| my| our)?( team| reps| sales team)?\s*(sold|sells|closed|brought in|"
                 r"booked)\b.{0,30}\b(most|least|fewest)\b", frame.folded) and "owner" not in frame.group_by:
        # "who on the team sold the most that month?": the reps, by what they sold ("that month" is the period)
        frame.group_by[:] = [d for d in frame.group_by if d not in ("day", "week", "month", "quarter", "year")] + ["owner"]
        frame.row = None
        if not frame.measures:
            frame.measures.append("revenue")
        return
    if frame.group_by or not re.search(r"^\s*who (has|have|had|holds|owns|is holding|looks after) the (most|fewest|least)\b",
                                       frame.folded):
        return
    if frame.row_count in HELD_BY_REPS or set(frame.measures) & HELD_BY_REPS:
        frame.group_by.append("owner")
        frame.row = None


def _most_of(frame: Frame) -> None:
    """'which rep looks after the most customers?': the reps ranked by how many customers, the top one."""
    m = re.search(r"\b(?:the )?(most|fewest|least|nhieu nhat|it nhat) (\w+(?: \w+){0,2})", frame.folded) or \
        re.search(r"\b(nhieu|it) (\w+(?: \w+)?) nhat\b", frame.folded)   # "nhiều ticket nhất": the most tickets
    if not m or not (frame.group_by or frame.row) or frame.counting:
        return
    for hit in lexicon().find(m.group(2).split()):
        counts = hit.of("count")
        target = counts[0].target if counts else None
        if target and target not in frame.measures and target == frame.row_count and frame.measures == ["revenue"]:
            frame.measures[:] = [target]   # "which rep has the most open deals": how many, not what they sold
        if target and not frame.measures and target in MEASURES:
            frame.measures[:] = [target]   # "which genre has the most tracks?": the tracks counted per genre
            frame.row = frame.row if frame.row in frame.group_by else None
        if target and target in frame.measures:
            frame.counting = True
            # ("which customers raised the most tickets": those at the top, not one)
            frame.single = frame.limit is None and not re.search(
                r"\b(which|what) (customers|clients|accounts|products|reps|salespeople|suppliers|categories|genres)\b",
                frame.folded)
            if m.group(1) in ("fewest", "least", "it nhat", "it"):
                frame.order = "asc"
            return


def _customers_overdue(frame: Frame) -> None:
    """'how many customers are currently overdue?': the customers with something overdue, counted."""
    if frame.counting and "customers" in frame.measures and "overdue_amount" in frame.measures and not frame.conditions:
        frame.measures.remove("overdue_amount")
        frame.conditions.append({"name": "has_overdue", "number": None})


# How many of a unit of goods: "bao nhiêu thùng", "how many boxes".
UNITS_ASKED = re.compile(r"\b(how many|bao nhieu|may)\s+(thung|hop|cai|chiec|ram|goi|cuon|bo|loc|tap|boxes|box|cases|units|"
                         r"pieces|packs|reams|cartons|pcs|rolls|sets|bundles|packets|bags|bottles|pallets)\b")


def _units_asked(frame: Frame) -> None:
    """'tháng 10 bán được bao nhiêu thùng giấy': how many boxes, not the money."""
    if "revenue" in frame.measures and UNITS_ASKED.search(frame.folded):
        frame.measures[frame.measures.index("revenue")] = "units"


def _not_closed(frame: Frame) -> None:
    """'tickets still not closed': 'closed' is negated, not a status to filter by."""
    if UNRESOLVED.search(frame.folded):
        frame.statuses = [(d, c) for d, c in frame.statuses if c != "closed"]


def _selling_price(frame: Frame) -> None:
    """'giá bán giấy A4 là bao nhiêu': the price it sells at, not how much of it was sold."""
    if "revenue" in frame.measures and re.search(r"\b(gia ban|selling price|sale price|list price)\b", frame.folded):
        frame.measures.remove("revenue")
        frame.counting = False


def _bucket_list(frame: Frame) -> None:
    """'the AR aging: current, 1-30, 31-60, 61-90 and over 90 days': 'over 90 days' is the last bucket of the list,
    not a condition on the rows."""
    buckets = [c for d, c in frame.statuses if d == "aging_bucket"]
    if len(buckets) < 2:
        return
    if "aging_bucket" not in frame.group_by and not frame.row:
        frame.group_by.append("aging_bucket")   # ("AP aging please — 1-30, 31-60, …": each bucket on its row)
    for condition in list(frame.conditions):
        if condition["name"] == "overdue_more_than" and condition["number"] == 90:
            frame.conditions.remove(condition)
            if ("aging_bucket", "days_91_plus") not in frame.statuses:
                frame.statuses.append(("aging_bucket", "days_91_plus"))


def _bucket_figure(frame: Frame) -> None:
    """'how much is in the 91+ days bucket?': an aging bucket named alone is the receivables in it."""
    if not frame.measures and not frame.conditions and any(d == "aging_bucket" for d, _ in frame.statuses):
        frame.measures.append("open_receivables")


def _possessor(frame: Frame) -> None:
    """'how many open tickets do my customers have': the customers own what is counted; they are not a second count."""
    if "customers" in frame.measures and len(frame.measures) > 1 and POSSESSOR.search(frame.folded):
        frame.measures.remove("customers")


def _subject_only(frame: Frame) -> None:
    """'the average resolution time of the tickets closed in 2025': the tickets are what the average is over, not a
    second figure (their count) beside it."""
    if frame.counting or not frame.nouns:
        return
    if any(m not in frame.nouns and (MEASURES[m].aggregate in ("avg", "max", "min") or MEASURES[m].unit in ("days", "percent"))
           for m in frame.measures):
        frame.measures[:] = [m for m in frame.measures if m not in frame.nouns]


def _ticket_flow(frame: Frame) -> None:
    """'tickets closed in 2025', 'how many did I resolve': tickets counted by the day they were closed, not the ones
    opened then with a closed status; 'still unresolved': the tickets open today."""
    if frame.measures != ["tickets_opened"]:
        return
    if UNRESOLVED.search(frame.folded):
        frame.measures[:] = ["open_tickets"]
        frame.filters[:] = [f for f in frame.filters if f.get("dimension") != "ticket_status"]
    elif CLOSING.search(frame.folded):
        frame.measures[:] = ["tickets_closed"]
        frame.filters[:] = [f for f in frame.filters if not (f.get("dimension") == "ticket_status"
                                                              and f.get("values") == ["closed"])]


ACCOUNT_CUE = re.compile(r"\b(accounts?|acct|tai khoan|tk|ledger|so cai)\b")


_THRESHOLD = re.compile(
    r"\b(?P<op>more than|over|above|greater than|bigger than|larger than|exceeding|at least|upwards of|tren|lon hon|"
    r"nhieu hon|vuot|it nhat|toi thieu|tu|under|below|less than|smaller than|duoi|it hon|nho hon|at most|toi da)\s+"
    r"(?P<cur>\$|usd\s)?(?P<num>\d{1,3}(?:[ ,.]\d{3})+(?!\d)|\d[\d,.]*)\s*(?P<suf>k|m|mn|million|millions|billion|bn|b|tr|trieu|ty|nghin|ngan)?\b"
    r"(?P<unit>\s*(?:%|percent|phan tram|days?|ngay|weeks?|tuan|months?|thang|years?|nam|units?|boxes?|hop|thung|orders?|"
    r"don|invoices?|hoa don|tickets?|phieu|customers?|khach|times?|lan|sheets?|to|items?|products?|san pham)\b)?")
_OP = {"under": "<", "below": "<", "less than": "<", "smaller than": "<", "duoi": "<", "it hon": "<", "nho hon": "<",
       "at most": "<=", "toi da": "<=", "at least": ">=", "it nhat": ">=", "toi thieu": ">=", "tu": ">="}


def _amount_thresholds(folded: str, priced: set[str] = frozenset()) -> list[tuple[str, Decimal]]:
    """'open POs over 100 million', 'khách mua trên 500 triệu năm ngoái', 'invoices under $500': amounts a row's
    figure is compared with (a money suffix or currency, or a figure of four digits or more; days, units and
    counts are the named conditions' own)."""
    from assistant.planner.slots import parse_amount

    found = []
    for m in _THRESHOLD.finditer(folded):
        number = m.group("num").rstrip(".,")
        if number in priced:   # "$500": the sign folds away, the amount stays one
            pass
        elif not (m.group("suf") or m.group("cur")) and (len(re.sub(r"\D", "", number)) < 4 or m.group("unit")):
            continue   # ("more than 30 days", "over 10 orders": the named conditions' and counts' own)
        if not (m.group("suf") or m.group("cur")) and re.fullmatch(r"(19|20)\d\d", number):
            continue   # "over 2025", "từ 2025": a year, not an amount
        if m.group("op") == "tu" and not m.group("suf"):
            continue
        amount = parse_amount(number, m.group("suf"))
        if amount is not None and amount > 0:
            found.append((_OP.get(m.group("op"), ">"), amount))
    return found


def _named_state_wins(frame: Frame) -> None:
    """'purchase orders sent and waiting for delivery': a state named by itself (sent) narrows a phrase that fits
    several states of the same thing (waiting for delivery: sent or partly received)."""
    def said_as_verb(h: Hit) -> bool:   # "POs we have sent that …": what was done, not the state "sent"
        return h.start >= 1 and frame.words[h.start - 1] in ("we", "i", "they", "have", "has", "had", "da")
    by_hit = [[tuple(t.target.split("=", 1)) for t in h.terms if t.kind == "status" and "=" in t.target]
              for h in frame.hits if not said_as_verb(h)]
    for states in by_hit:
        if len(states) < 2 or len({d for d, _ in states}) != 1:
            continue
        dimension = states[0][0]
        named = {c for other in by_hit if other is not states and len(other) == 1 and other[0][0] == dimension
                 for _, c in other}
        if named and named < {c for _, c in states}:
            frame.statuses = list(dict.fromkeys((d, c) for d, c in frame.statuses if d != dimension or c in named))


def _without_account_codes(text: str, words: list[str]) -> str:
    """The words for reading periods, without a ledger account's number: "tài khoản phải trả (2000)", "account 4000
    last month" name account 2000 and 4000, not the years."""
    folded = " ".join(words)
    if not ACCOUNT_CUE.search(folded):
        return folded
    codes = set(re.findall(r"\((\d{3,4})\)", text)) | set(re.findall(r"\b(?:account|acct|tai khoan|tk)\s+(?:no\.?\s*|so\s+)?(\d{3,4})\b",
                                                                 folded))
    return " ".join(w for w in words if w.strip("()") not in codes) if codes else folded


# "open" said as what someone did ("how many tickets did Summit open in 2015?"), not as a state ("do they have open
# tickets", "how many do they have open")
OPEN_AS_VERB = re.compile(r"\b(did|do|does|will)\b(?:\s+\w+){1,6}?\s+(?<!have )(?<!has )(?<!had )(?<!still )(?<!are )"
                          r"(?<!is )(?<!remain )open\b(?!\s+(tickets?|cases?|issues?|invoices?|orders?|deals?|bills?|pos?))")
# "VAT in and VAT out", "VAT in/out": the input and the output VAT (not "VAT in March")
VAT_IN_OUT = re.compile(r"\bvat (?P<a>in|out)\b\s*(and|&|/|,|vs|versus|or)\s*(vat )?(?P<b>in|out)\b")


def _vat_in_and_out(frame: Frame) -> None:
    m = VAT_IN_OUT.search(frame.folded)
    if m is None or m["a"] == m["b"] or not {"input_vat", "output_vat"} <= set(MEASURES):
        return
    named = {"in": "input_vat", "out": "output_vat"}
    frame.measures[:] = [named[m["a"]], named[m["b"]]] + [x for x in frame.measures if x not in named.values()]


# A figure said of one document ("the biggest overdue bill", "our largest unpaid invoice"): the document is the row.
DOCUMENT_NOUNS = {"bill": "bill", "invoice": "invoice", "order": "order", "deal": "opportunity", "po": "purchase_order"}


def _one_document_ranked(frame: Frame) -> None:
    if not frame.single or frame.group_by:
        return
    for hit in frame.hits:
        last = frame.words[hit.end - 1]
        ranked = set(frame.words[max(0, hit.start - 2):hit.start]) & {
            "biggest", "largest", "smallest", "highest", "lowest", "oldest", "newest", "latest", "earliest", "priciest"}
        if last in DOCUMENT_NOUNS and ranked and hit.of("measure") and any(t.target in frame.measures
                                                                          for t in hit.of("measure")) \
                and DOCUMENT_NOUNS[last] in DIMENSIONS:
            frame.row, frame.row_count = DOCUMENT_NOUNS[last], None
            return


WHOLE_PERIODS = re.compile(r"\b(full|complete|completed|whole|entire) (calendar )?(?P<unit>year|quarter|month)s?\b")


def _groupings_the_figures_have(frame: Frame) -> None:
    """'operating expenses by account': a word that names two dimensions (a customer's account, a ledger account)
    groups by the one the figures asked can be split by."""
    if not frame.measures:
        return
    ledger = all(set(MEASURES[m].facts) <= {"journal", "ledger_balances"} for m in frame.measures)
    for i, dimension in enumerate(list(frame.group_by)):
        said_account = ledger and dimension == "customer" and any(
            "customer" in [t.target for t in h.of("dimension")] and "account" in [t.target for t in h.of("dimension")]
            for h in frame.hits)
        if all(dimension in supported_dimensions(m) for m in frame.measures) and not said_account:
            continue
        for hit in frame.hits:
            targets = [t.target for t in hit.of("dimension")]
            if dimension not in targets:
                continue
            other = next((t for t in targets if t != dimension and t not in frame.group_by
                          and all(t in supported_dimensions(m) for m in frame.measures)), None)
            if other:
                frame.group_by[i] = other
                break


def _who_and_how_many(frame: Frame) -> None:
    """Questions whose figure or rows are said in other words: units sold, who bought or has the most, the most
    valuable customer, how a region is doing, who has bought a product, what a category made."""
    if frame.counting and set(frame.measures) <= {"products", "revenue"} and (re.search(
            r"\bhow many\b.{0,40}\b(did|have|has|will) (we|i|you|they|he|she) (sell|sold|ship|shipped)\b|"
            r"\bhow many\b.{0,40}\b(sold|were sold|got sold)\b", frame.folded) or (frame.period and frame.period != "all" and re.search(
            r"\bhow many\b.{0,40}\b(do|does) (we|i|you|they|he|she) (sell|ship)\b", frame.folded))):
        # "how many tracks did we sell last year?": the units, not the catalogue's count ("how many items do we sell?"
        # is the catalogue)
        frame.measures[:] = ["units"]
    if re.match(r"\s*who (bought|purchased|ordered|spent)\b.{0,15}?\b(the )?(most|least|fewest)\b", frame.folded) \
            and (not frame.group_by or frame.group_by == ["product"]):
        # "who bought the most tracks ever?": the customer, ranked by what they bought
        frame.group_by[:] = ["customer"]
        frame.single = frame.limit is None
        if re.search(r"\b(tracks?|items?|units?|products?|pieces?|boxes|songs?|skus?)\b", frame.folded):
            frame.measures[:] = ["units"]
    if (frame.single or frame.limit) and not frame.group_by and frame.row in ("customer", "product") \
            and frame.measures == [{"customer": "customers", "product": "products"}[frame.row]]:
        # "who is my most valuable customer?", "our best product": ranked by what they bought or sold for
        frame.measures[:] = ["revenue"]
        frame.counting = False
    if frame.measures and not frame.group_by and re.match(
            r"\s*who( s| is)? (has|had|have|got|closed|sold|made|logged|handled|owns|brought in|won|lost)\b.{0,12}?\b(the )?"
            r"(most|fewest|least|biggest|highest|lowest)\b", frame.folded) and frame.row in (None, "owner"):
        # "who has the most open tickets?", "who sold the most last month?": one colleague, ranked
        frame.group_by.append("owner")
        frame.single = frame.limit is None
    if not frame.measures and re.search(r"\bhow( s| is| are| was| were| did| has| have)\b.{0,40}\b(doing|going|performing|"
                                        r"tracking|trending)\b", frame.folded) and re.search(
            r"\b(region|regions|territory|area|segment|segments|city|cities|country|countries|category|categories|"
            r"market|markets|province|khu vuc|vung|mien|nganh hang|phan khuc)\b", frame.folded):
        frame.measures.append("revenue")   # "how's the west region doing ytd compared to the south?": its sales
    if frame.period is None and frame.listing and re.search(
            r"\b(who|which|what|any|customers?|clients?|accounts?)\b.{0,30}\b(have|has|ve) (ever |already )?"
            r"(bought|ordered|purchased)\b", frame.folded):
        frame.period = "all"   # "which customers have bought Starburst?": anyone, up to now — not this year alone
    if not frame.measures and re.search(r"\bhow much (money )?(did|does|do|has|have|will|would)\b.{1,50}\b(make|made|earn|"
                                        r"earned|bring in|brought in|generate|generated)\b", frame.folded):
        frame.measures.append("revenue")   # "how much did Jazz make in 2021?": what it sold for


def _whole_periods_only(frame: Frame) -> None:
    """'which full calendar year has been our best?': the years that have ended, not this one so far."""
    m = WHOLE_PERIODS.search(frame.folded)
    if m is None or frame.period not in (None, "all") or m["unit"] not in frame.group_by or frame.today is None:
        return
    today = frame.today
    if m["unit"] == "year":
        start = date(today.year, 1, 1)
    elif m["unit"] == "quarter":
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    else:
        start = today.replace(day=1)
    frame.period = f"..{(start - timedelta(days=1)).isoformat()}"


# "which products …", "what items …" said before a superlative: several rows are asked for, not the one.
PLURAL_ROWS_ASKED = re.compile(r"\b(which|what) (products|items|customers|clients|accounts|reps|salespeople|suppliers|"
                               r"vendors|categories|cities|countries|genres|artists|albums|tracks|san pham nao)\b")


TOTAL_SAID = re.compile(r"\b(total|totals|tong|tong cong|value|worth|gia tri)\b")


def _counted_by(hit, words: list[str]) -> bool:
    """'tính theo số lượng' typed without its accents ("tinh theo so luong"): "counted by", not a province (tỉnh)."""
    return hit.end - hit.start == 1 and words[hit.start] == "tinh" and words[hit.start + 1:hit.start + 2] == ["theo"] \
        and all(t.kind == "dimension" for t in hit.terms)


def parse(text: str, today: date) -> Frame:
    # "my US customers": the country written in capitals, not the word "us"
    text = re.sub(r"(?<![A-Za-z.])US(?![A-Za-z])", "USA", text)
    # "who hasnt ordered in 90 days", "didnt pay": the apostrophe left out
    text = re.sub(r"(?i)\b(has|have|had|did|does|do|is|are|was|were|could|should|would)nt\b", r"\1n't", text)
    # "how many diff customers actually bought": "different", and the adverb says nothing of what is counted
    text = re.sub(r"(?i)\bdiff(?= (?:customers|clients|accounts|products|items|skus|people)\b)", "different", text)
    text = re.sub(r"(?i)\s+\b(?:actually|really)\b(?= (?:bought|ordered|purchased|paid|sold|spent|placed|made)\b)", "", text)
    # "my #1 customer", "our number one product": the top one
    text = re.sub(r"(?:#|\bno\.?\s*|\bnumber\s+)(?:1|one)\b(?!\s*(?:day|week|month|year|quarter)s?\b)", "top", text,
                  flags=re.IGNORECASE)
    lex = lexicon()
    said = lex.correct(tokens(text))
    words = _normalise_units(said)
    marks = token_marks(text)
    if len(words) == len(said) == len(marks):
        # a unit turned into days ("ba tháng" -> "90 ngay") keeps no accents of its own to check
        marks = [() if w != s else m for w, s, m in zip(words, said, marks)]
    hits = [h for h in lex.find(words, marks) if not _counted_by(h, words)]
    frame = Frame(text=text, folded=" ".join(words), words=words, hits=hits, today=today)
    period_text = _without_account_codes(text, words)
    when = when_mod.read(period_text, today)
    frame.period, frame.compare = when.period, when.compare
    if when.each:
        frame.group_by.append(when.each)   # "in 2015 and 2016": each year on its own row
    # (a count cue inside a period is none: "jan to may" is the month, not "mấy")
    unperiod = "".join(" " if any(a <= i < b for a, b in when.spans) else ch for i, ch in enumerate(period_text))
    frame.counting = _has(frame.folded, tuple(c for c in COUNT_CUES if c != "may")) or (
        _has(frame.folded, ("may",)) and _has(unperiod, ("may",)))
    frame.amount = _has(frame.folded, AMOUNT_CUES)
    frame.mine = bool(MINE.search(frame.folded))
    frame.extremes = bool(EXTREMES.search(frame.folded))
    frame.share = bool(SHARE.search(frame.folded) or SHARE.search(fold(re.sub(r"\s*%", " percent", text))))
    frame.limit = _top_n(frame.folded)
    superlative = SUPERLATIVE.search(frame.folded)
    if superlative:
        word = (superlative.group(2) or superlative.group(3) or "").split()[0]
        frame.order = "asc" if word in ASC_WORDS or word in ("oldest", "earliest", "cu") else None
        if frame.limit is None and not frame.extremes and not _plural_after(words, superlative) \
                and not PLURAL_ROWS_ASKED.search(frame.folded[:superlative.start()]):
            frame.single = True   # ("which products did Summit buy the most of": several, the first few)
    ordinal = re.search(r"\b(second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(best|biggest|largest|highest|most|top|"
                        r"strongest|busiest|worst|lowest|smallest)\b|\b(lon|cao|nhieu|tot) (thu|hang) (nhi|hai|ba|tu|nam)\b",
                        frame.folded)
    if ordinal and frame.limit is None:
        # "and the second best genre?": the ranking down to that place (the answer lists the ones above it too)
        word = ordinal.group(1) or ordinal.group(5)
        frame.limit = {"second": 2, "2nd": 2, "nhi": 2, "hai": 2, "third": 3, "3rd": 3, "ba": 3, "fourth": 4, "4th": 4,
                       "tu": 4, "fifth": 5, "5th": 5, "nam": 5}[word]
        frame.single = False
    frame.listing = bool(re.search(r"\b(list(?! prices?\b)|which|who|what are|show me|danh sach|nhung|cac|nao|ai)\b", frame.folded))
    if frame.listing and re.search(r"\b(tong|tong cong|total|in total|altogether)\b", frame.folded) and not re.search(
            r"\b(list|which|who|what are|show me|danh sach|nao|ai|liet ke)\b", frame.folded):
        frame.listing = False   # "tổng giá trị ... của các cơ hội đang mở": one total ("các" only makes it plural)
    frame.now = bool(re.search(r"\b(right now|currently|at the moment|as of now|hien nay|hien tai|bay gio|luc nay)\b",
                               frame.folded))

    period_words = _period_words(words, today)
    for hit in hits:
        if any(i in period_words for i in range(hit.start, hit.end)):
            continue
        _read_hit(frame, hit)
    _named_state_wins(frame)
    frame.thresholds = _amount_thresholds(frame.folded, {n.rstrip(".,") for n in re.findall(r"[$€£]\s*(\d[\d,.]*)", text)})
    if superlative and frame.limit is None and not frame.single and not frame.extremes and re.search(
            r"\b(which|what) (customer|client|account|product|item|rep|salesperson|supplier|vendor|city|country|"
            r"category|segment|month|quarter|year|warehouse)\b(?!s)", frame.folded) and not re.search(
            r"\b(most|fewest|least) (customers|clients|accounts|products|suppliers)\b", frame.folded):
        # ("which rep looks after the most customers": the customers counted per rep)
        frame.single = True   # "which customer has the most open tickets?": one customer (the plural is the tickets')
    if frame.counting and re.search(r"\b(how many|bao nhieu|may) (days?|ngay)\b", frame.folded) and any(
            MEASURES[m].unit == "days" for m in frame.measures):
        frame.counting = False   # "how many days overdue is it": the days figure, not a count of things
    _implicit_measures(frame)
    _one_document_ranked(frame)
    _whole_periods_only(frame)
    _vat_in_and_out(frame)
    if {"revenue", "stock_on_hand"} <= set(frame.measures) and WORTH.search(frame.folded) and not re.search(
            r"\b(sales|sold|sell|selling|revenue|turnover|doanh thu|ban)\b", frame.folded) and "stock_value" in MEASURES:
        # "the value of our Tents & Shelters stock": what the stock is worth, not sales beside a count
        frame.measures[:] = ["stock_value"] + [m for m in frame.measures if m not in ("revenue", "stock_on_hand")]
    if {"stock_available", "stock_reserved", "stock_on_hand"} & set(frame.measures) and "orders" in frame.measures \
            and re.search(r"\b(reserved|held|set aside|allocated|giu|da giu) (for|on|against|cho) (the )?(customer |customers )?"
                          r"(orders?|don( hang)?)\b", frame.folded):
        # "available after what's reserved for (customer) orders": the stock, not a count of orders or customers
        frame.measures[:] = [m for m in frame.measures if m not in ("orders", "customers")]
    if frame.measures == ["overdue_amount"] and re.search(r"\b(bao nhieu ngay|may ngay|how many days|how long|how late)\b",
                                                          frame.folded) and "max_days_overdue" in MEASURES:
        # "Trường Phong nợ quá hạn bao nhiêu ngày rồi?": the days, invoice by invoice, with what is overdue
        frame.measures[:] = ["max_days_overdue", "overdue_amount"]
        if "invoice" not in frame.group_by:
            frame.group_by.append("invoice")
    if "opportunities" in frame.measures and ("pipeline_amount" in frame.measures or re.search(r"\bpipeline\b", frame.folded)) \
            and "open_opportunities" in MEASURES and not frame.statuses:
        # "pipeline của tôi có bao nhiêu cơ hội": the open ones, the pipeline's
        frame.measures[frame.measures.index("opportunities")] = "open_opportunities"
    if re.search(r"\b(hoa don|invoices?) nao\b|\bwhich invoices\b|\bany (overdue |unpaid |open )?invoices\b", frame.folded) \
            and frame.row == "customer" and set(frame.measures) <= {"overdue_amount", "open_receivables"}:
        frame.row = "invoice"   # "khách hàng của tôi có hóa đơn nào quá hạn không": the invoices, not the customers
    if re.search(r"\b(nhan vien|khach hang|san pham|nha cung cap|ai)( \w+){0,2} nao\b.*\bnhat\b|\bai\b.*\bnhieu \w+ nhat\b",
                 frame.folded) and frame.limit is None and "orders" in frame.measures and frame.group_by:
        # "nhân viên nào chốt nhiều đơn nhất năm nay?": one of them, by the number of orders (not each order)
        frame.single, frame.row = True, None
    if CATALOGUE_COUNT.search(frame.folded) and set(frame.measures) <= {"units", "revenue", "products"} and not frame.period:
        frame.measures[:] = ["products"]   # "how many tracks do we sell altogether?": the catalogue, not units sold
    if re.search(r"\b(best|top|worst)[- ]?sellers?\b", frame.folded) and not frame.group_by and frame.row is None:
        frame.group_by.append("product")   # "our best sellers by units last month": the products
        frame.single = False
    if frame.measures == ["units"] and re.search(r"\b(best|top)[- ]?sell(ing|ers?)\b|\bsells? (the )?best\b", frame.folded) \
            and not re.search(r"\b(units?|quantity|qty|volume|pieces|copies|by count)\b", frame.folded):
        frame.measures.append("revenue")   # "our best-selling genre": ranked by units, its revenue beside them
    if superlative and len(frame.measures) > 1:
        # "the fewest units", "the most revenue": the figure right after the superlative ranks
        at = len(frame.folded[:superlative.end()].split())
        ranked = next((t.target for h in frame.hits if h.start == at for t in h.of("measure") + h.of("count")
                       if t.target in frame.measures), None)
        if ranked:
            frame.measures.remove(ranked)
            frame.measures.insert(0, ranked)
    _plain_readings(frame)
    _due_window(frame)
    _next_due(frame)
    _not_ordered_since(frame)
    _acronyms(frame)
    _generic_balance(frame)
    _paid_in_cash(frame)
    _number_of(frame)
    _how_many_of(frame)
    _loose_counts(frame)
    _subject_only(frame)
    _customers_overdue(frame)
    _units_asked(frame)
    _not_closed(frame)
    _selling_price(frame)
    _bucket_list(frame)
    _bucket_figure(frame)
    _any_one(frame)
    _who_has_the_most(frame)
    _most_of(frame)
    _company_buys(frame)
    _possessor(frame)
    _marketing_side(frame)
    _ticket_flow(frame)
    _narrowest(frame)
    _payments_as_money(frame)
    _buying_side(frame)
    _units_received(frame)
    _free_to_sell(frame)
    _ordered_value(frame)
    _receipt_slips(frame)
    _units_on_order(frame)
    _received_not_billed(frame)
    _below_reorder_figures(frame)
    _figure_said_whole(frame)
    _unit_word(frame)
    _who_bought(frame)
    _documents_in_a_state(frame)
    _that_period(frame)
    _available_defined(frame)
    _how_much_ordered(frame)
    _who_the_most(frame)
    _deals_with_worth(frame)
    _document_and_whose(frame)
    _customers_who_ordered(frame)
    _whose_is_it(frame)
    _biggest_document(frame)
    _suppliers_delivered(frame)
    _which_thing(frame)
    _narrowest(frame)   # the buying side's own counts ("how many supplier bills are overdue")
    _groupings_the_figures_have(frame)
    _who_and_how_many(frame)
    _open_deals(frame)
    _worth(frame)
    _how_many_and_how_much(frame)
    _how_many_times(frame)
    _invoices_overdue(frame)
    _oldest_document(frame)
    if frame.period is None and frame.statuses and frame.counting and re.search(r"\b(have|has) (ever )?been\b",
                                                                                  frame.folded):
        frame.period = "all"   # "how many invoices have been voided?": ever, not this year
    if any(c["name"] == "owes_money" for c in frame.conditions) and OWED_HOW_MUCH.search(frame.folded):
        # "how much do they owe us (and how much of it is late)?": the amount owed, not who owes
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "owes_money"]
        if "open_receivables" not in frame.measures:
            frame.measures.insert(0, "open_receivables")
    if "expected_close" in frame.measures and re.search(r"\b(biggest|largest|most valuable|lon nhat|gia tri nhat|"
                                                          r"lon nhat|to nhat)\b", frame.folded):
        # "biggest open deal expected to close in December": ranked by its worth, shown with its date
        frame.measures[:] = ["pipeline_amount"] + [m for m in frame.measures if m not in ("pipeline_amount",
                                                                                           "open_opportunities",
                                                                                           "opportunities")]
    _which_supplier(frame)
    # (not "hàng tháng": folded, "mua hàng tháng 5" would read as it)
    every = re.search(r"\b(monthly|weekly|quarterly|yearly|annually)\b", frame.folded)
    if every and not frame.group_by:
        # "monthly revenue Jan to May": month by month
        word = every.group(1)
        frame.group_by.append({"monthly": "month", "weekly": "week", "quarterly": "quarter"}.get(word, "year"))
    # "invoice by invoice", "month by month": grouped by that
    for m in re.finditer(r"\b(\w+?)s? by \1s?\b", frame.folded):
        for hit in lex.find([m.group(1)]):
            dims = hit.of("dimension")
            if dims and dims[0].target not in frame.group_by:
                frame.group_by.append(dims[0].target)
    _most_of_a_thing(frame)
    aged = re.search(r"\b(ar|a/r|receivables?|overdue|past due|cong no)\s+(?:over|above|older than|past|>|tren|qua)\s*"
                     r"(30|60|90|120)\b(?!\s*(k|m|million|thousand|trieu|nghin|usd|vnd|dollars?|\$|%))", frame.folded)
    if aged and not frame.conditions and not frame.thresholds \
            and set(frame.measures) <= {"open_receivables", "overdue_amount", "open_invoices", "overdue_invoices"}:
        # "AR over 60": what is more than 60 days past due (the aging shorthand), not an amount over 60
        frame.conditions.append({"name": "overdue_more_than", "number": int(aged.group(2))})
    if "units" in frame.measures and "revenue" in frame.measures and re.search(
            r"\b(by|in terms of|ranked by|theo) (revenue|value|sales|doanh thu|doanh so|gia tri)\b", frame.folded):
        frame.measures.remove("units")   # "what did Saigon Foods buy the most of last year, by revenue?"
    said_revenue = [t.phrase for h in frame.hits for t in h.terms if t.kind == "measure" and t.target == "revenue"]
    if "revenue" in frame.measures and said_revenue and all(p[:1] in (("value",), ("worth",), ("amount",), ("total",))
                                                            and len(p) <= 2 for p in said_revenue) \
            and any(m != "revenue" and MEASURES[m].unit == "money" for m in frame.measures):
        # "what is the value of goods received but not billed?": the value is that figure, not sales beside it
        frame.measures.remove("revenue")
    if (frame.limit or frame.single) and not frame.group_by and not frame.row and any(
            t.kind == "dimension" and t.target == "customer" for h in frame.hits for t in h.terms) \
            and frame.measures and all("customer" in supported_dimensions(m) for m in frame.measures):
        frame.group_by.append("customer")   # "top 5 debtors": the customers who owe the most
    if frame.order == "asc" and frame.measures[:1] == ["max_days_overdue"] and re.search(
            r"\b(slow|slowest|cham|cham nhat)\b", frame.folded):
        frame.order = None   # "khách hàng nào trả chậm nhất?": the one latest in paying, most days overdue
    if frame.due_window is not None and not frame.measures and not frame.conditions and not frame.row \
            and re.search(r"\b(due|den han|toi han)\b", frame.folded):
        # "how much is due next week?": what customers owe us then (the invoices falling due); bills when said
        frame.measures.append("open_receivables")
    if frame.counting and frame.measures in (["customers"], ["customers_buying"]) and re.search(
            r"\band (what|how much) (did|do|have|has) (they|those|them|these) (spent|spend|buy|bought|order|ordered)\b",
            frame.folded):
        # "how many customers in France and what did they spend last year": the count, and their revenue
        frame.measures.append("revenue")
    return frame


SUPPLIER_WORDS = re.compile(r"\b(suppliers?|vendors?|nha cung cap|ncc|nha phan phoi cho minh)\b")
# A customer-side figure said of suppliers is its buying-side twin: "how much did we buy from each supplier".
BUYING_SIDE = {"revenue": "purchases", "orders": "purchases", "units": "units_ordered", "payments_received": "supplier_payments_made",
               "open_receivables": "open_payables", "overdue_amount": "overdue_payables", "open_invoices": "open_bills",
               "overdue_invoices": "overdue_bills", "invoices": "supplier_bills", "earliest_due": "next_bill_due",
               "invoiced": "supplier_bill_total", "last_payment": "supplier_payments_made", "orders_shipped": "goods_receipts",
               "max_days_overdue": "max_days_bill_overdue", "invoice_due_date": "next_bill_due"}


_SUPPLIER_FIGURES = {"open_payables", "overdue_payables", "purchases", "supplier_payments_made", "open_bills",
                     "overdue_bills", "units_received"}


def _which_supplier(frame: Frame) -> None:
    """'mình đang nợ nhà cung cấp nào nhiều nhất?': the suppliers are the rows (the figure's phrase held the word)."""
    if _SUPPLIER_FIGURES & set(frame.measures) and "supplier" not in frame.group_by and (
            re.search(r"\b(which suppliers?|which vendors?|(?<!hoa don )(?<!don mua hang )nha cung cap nao|ncc nao|"
                      r"nha cung cap nhieu nhat)\b(?! bills?| invoices?| orders?)", frame.folded) or
            re.search(r"\bwho (did|do|have|had|has|does) (we|the company) (buy|bought|purchase|purchased|order|ordered|source|"
                      r"sourced|spend|spent)\b.{0,40}\b(from|with)\b|\b(mua|nhap|dat hang) (cua|tu|o|ben) (ai|ben nao)\b",
                      frame.folded)):
        frame.group_by.append("supplier")


WHO_BOUGHT = re.compile(r"\b(who|which customers?|what customers?|which clients?|ai|khach (hang )?nao) (has |have |had |did |da )?"
                        r"(bought|buy|purchased|ordered|mua|dat mua|da mua)\b|"
                        r"\b(did|has|have) (anyone|anybody|any customers?|any clients?) (bought|buy|purchased?|ordered|order)\b|"
                        r"\bco (ai|khach nao) (mua|dat hang|dat mua)\b")


def _customers_who_ordered(frame: Frame) -> None:
    """'how many of my customers have ordered this year', 'how many german customers have actually ordered so far':
    the customers who bought, not every customer on the books."""
    if frame.counting and "customers" in frame.measures and "customers_buying" in MEASURES and re.search(
            r"\b(have|has|had|did)( actually| really| already)? (ordered|bought|purchased|placed (an )?orders?)\b|"
            r"\b(da|co) (mua|dat hang|dat mua)\b", frame.folded):
        frame.measures[frame.measures.index("customers")] = "customers_buying"
        frame.loose_counts[:] = [c for c in frame.loose_counts if c != "customers"]


def _who_bought(frame: Frame) -> None:
    """'who bought the track Gay Witch Hunt?', 'which customers bought it': the buyers listed, not how many."""
    if WHO_BOUGHT.search(frame.folded) and not frame.counting and set(frame.measures) <= {"customers_buying", "revenue"} \
            and not frame.group_by:
        frame.measures[:] = ["customers_buying"]
        frame.listing = True
        frame.row = frame.row or "customer"
        frame.weak_revenue = False


def _documents_in_a_state(frame: Frame) -> None:
    """'open bills with match exceptions?': documents in a state, asked by name alone, are listed (each with its
    figures), not only counted."""
    if len(frame.measures) == 1 and MEASURES[frame.measures[0]].counts is not None and not frame.counting \
            and not frame.amount and not frame.group_by and (frame.statuses or frame.conditions) \
            and ROW_OF_COUNT.get(frame.measures[0]) in DOCUMENT_COUNTS and not frame.period:
        frame.listing = True


TIME_GRAINS = ("day", "week", "month", "quarter", "year")


def _that_period(frame: Frame) -> None:
    """'which month was the best that year': 'that year' names the period, not a grouping by year."""
    grains = [d for d in frame.group_by if d in TIME_GRAINS]
    if len(grains) < 2:
        return
    for grain in grains:
        words = {"year": r"year|nam", "month": r"month|thang", "quarter": r"quarter|quy", "week": r"week|tuan",
                 "day": r"day|ngay"}[grain]
        if re.search(rf"\b(that|this|the same|same|last|next|previous) ({words})\b|\b({words}) (do|nay|truoc|ngoai)\b",
                     frame.folded):
            frame.group_by.remove(grain)
            return


WHICH_THING = re.compile(r"\b(mat hang|san pham|khach hang|khach|nha cung cap|ncc|nhan vien) nao\b")


def _which_thing(frame: Frame) -> None:
    """'tháng trước mình nhập về nhiều nhất mặt hàng nào, bao nhiêu đơn vị?': the products ranked, the top one with
    its figure — 'bao nhiêu' asks the figure, not how many products."""
    if frame.single and not frame.row and frame.loose_counts and WHICH_THING.search(frame.folded):
        row = ROW_OF_COUNT.get(frame.loose_counts[0])
        if row:
            frame.row, frame.row_count = row, frame.loose_counts[0]
            frame.counting = False


def _how_much_ordered(frame: Frame) -> None:
    """'How much has Redwood ordered since July 1?': what they bought, in money."""
    if not frame.measures and frame.amount and re.search(r"\bhow much (has|have|did|do|does)\b.{0,60}\b(ordered|order|purchased|"
                                                          r"purchase)\b", frame.folded):
        frame.measures.append("revenue")
    elif not frame.measures and re.search(r"\b(what(s| is|'s) )?the total (for|of|from|on)\b|\btotal spend\b", frame.folded):
        frame.measures.append("revenue")   # "what's the total for Richard Cunningham in 2022?": what they bought
    elif not frame.measures and re.search(r"\bhow much (came|comes|come|did we get|do we get|did we make|do we make) "
                                          r"(in )?from\b", frame.folded):
        frame.measures.append("revenue")   # "how much came from business customers and how much from consumers?"
    if frame.period is None and frame.measures and re.search(
            r"\b(has|have)\b.{0,40}\b(placed|bought|ordered|spent|purchased)\b.{0,30}\b(with us|from us|ever|altogether|"
            r"in total|all time)\b", frame.folded):
        frame.period = "all"   # "how many orders has Google placed with us?": ever, not this year


def _most_of_a_thing(frame: Frame) -> None:
    """'who bought the most Touring Kayak 12ft this year': the most of that thing, in units (with what it came to)."""
    thing = re.search(r"\b(bought|ordered|purchased) the most (?!(this|last|in|during|from|over|overall|ever|money|revenue|"
                      r"with|of us|from us|so far|since|by|units|orders|times)\b)[a-z0-9]", frame.folded)
    if thing and re.match(r"\s*(who|which customers?|which clients?)\b", frame.folded) and frame.measures == ["revenue"] \
            and frame.group_by in ([], ["customer"]):
        frame.measures[:] = ["units", "revenue"]


WHO_THE_MOST = re.compile(r"^\s*who (has |have |had )?(?P<verb>booked|sold|closed|won|made|took|logged|handled|placed|ordered|"
                          r"bought|spent|purchased|raised|opened|got|brought in)\b.*\bthe (most|fewest|least)\b")


def _who_the_most(frame: Frame) -> None:
    """'who booked the most orders, not counting cancelled ones?': the people ranked by how many, the top one —
    colleagues for what staff do, customers for what buyers do."""
    m = WHO_THE_MOST.search(frame.folded)
    if m and not frame.measures and not frame.group_by and m.group("verb") in (
            "booked", "sold", "made", "brought in", "spent", "bought", "purchased", "ordered"):
        frame.measures.append("revenue")   # "who booked the most in 2023?": the money, by the people
    if not m or frame.group_by or not frame.measures:
        return
    buyer = m.group("verb") in ("placed", "ordered", "bought", "spent", "purchased", "raised", "opened")
    dimension = "customer" if buyer else "owner"
    if not all(dimension in supported_dimensions(x) for x in frame.measures):
        return
    frame.group_by = [dimension]
    frame.row, frame.row_count = None, None
    frame.single = frame.limit is None
    frame.listing = False
    if all(MEASURES[x].counts is not None for x in frame.measures):
        frame.counting = True


def _deals_with_worth(frame: Frame) -> None:
    """'which of my deals are expected to close in the next 30 days?': each deal with its worth beside its date."""
    if frame.measures == ["expected_close"] and frame.listing and not frame.counting \
            and not any(d == "stage" and c in ("closed_won", "closed_lost") for d, c in frame.statuses):
        frame.measures.append("pipeline_amount")


BIGGEST_DOCUMENT = re.compile(r"\b(?:single )?(?:biggest|largest|smallest|highest|priciest)(?: single)? "
                              r"(?P<doc>order|invoice|purchase)\b")


def _biggest_document(frame: Frame) -> None:
    """'which customer had the single biggest order in 2023?': that order (and whose it is), not the customer who
    bought the most in all."""
    m = BIGGEST_DOCUMENT.search(frame.folded)
    if m and frame.row == "customer" and frame.single and not frame.group_by and frame.measures == ["revenue"]:
        frame.row, frame.row_count = ("invoice", "invoices") if m.group("doc") == "invoice" else ("order", "orders")
        if frame.row == "invoice":
            frame.measures[:] = ["invoiced"]


WHOSE = re.compile(r"\b(whose (is|are) (it|that|this|they|those)|who (is|are) (it|that|they|those)( from| for)?|who owes (it|that)|"
                   r"(cua|la cua) (ai|khach nao|ben nao|nha cung cap nao)|ai (no|dang no))\b")


def _whose_is_it(frame: Frame) -> None:
    """'anything in the 91+ days bucket? whose is it?': the amount by whom it is owed (or owed to)."""
    if frame.group_by or not frame.measures or frame.row or not WHOSE.search(frame.folded):
        return
    whose = "supplier" if set(frame.measures) & set(BUYING_SIDE.values()) else "customer"
    if all(whose in supported_dimensions(m) for m in frame.measures):
        frame.group_by.append(whose)
        frame.single = False


def _document_and_whose(frame: Frame) -> None:
    """'Which PO was cancelled this year and from which supplier?': the documents, each with its supplier — 'which
    supplier' asks whose they are, not a list of suppliers."""
    m = re.search(r"\band (from |by |for |with |of )?which (supplier|vendor|customer|client)s?\b", frame.folded)
    documents = [d for d in frame.group_by if d in DOCUMENT_COUNTS]
    if not m or not documents:
        return
    whose = "supplier" if m.group(2) in ("supplier", "vendor") else "customer"
    count = DOCUMENT_COUNTS[documents[0]]
    if count in MEASURES and whose in supported_dimensions(count):
        frame.measures[:] = [count]
        frame.row, frame.row_count = documents[0], count
        frame.group_by[:] = [documents[0], whose]
        frame.counting = False


def _suppliers_delivered(frame: Frame) -> None:
    """'which suppliers delivered to the Thủ Đức warehouse today?': goods received from them, not our shipments."""
    if frame.row == "supplier" and "orders_shipped" in frame.measures and "goods_receipts" in MEASURES:
        frame.measures[frame.measures.index("orders_shipped")] = "goods_receipts"


def _free_to_sell(frame: Frame) -> None:
    """'how many … are free to sell in HCM, not reserved?': the units available, not those reserved."""
    if "stock_available" in frame.measures and "stock_reserved" in frame.measures and re.search(
            r"\b(not|un|chua|khong)[ -]?(reserved|held|allocated|giu|dat giu)\b", frame.folded):
        frame.measures.remove("stock_reserved")


def _available_defined(frame: Frame) -> None:
    """'còn khả dụng bao nhiêu (trừ hàng đã giữ cho đơn)', 'available net of reserved': the reserved units say what
    'available' means, not a second figure."""
    if {"stock_available", "stock_reserved"} <= set(frame.measures) and re.search(
            r"\b(tru|minus|less|excluding|net of|without|after|khong tinh|sau khi tru)\b", frame.folded):
        frame.measures.remove("stock_reserved")


def _unit_word(frame: Frame) -> None:
    """'tồn tổng cộng bao nhiêu đơn vị hàng': 'đơn vị' is a unit of goods, not an order ('đơn')."""
    if "orders" in frame.measures and re.search(r"\bdon vi\b", frame.folded) and not re.search(r"\bdon hang\b", frame.folded):
        frame.measures.remove("orders")
        if not frame.measures:
            frame.measures.append("units")


def _units_received(frame: Frame) -> None:
    """'how many goods receipts came in today and how many units in total?': the units received, not sold."""
    if "goods_receipts" in frame.measures and "units" in frame.measures and "units_received" in MEASURES:
        frame.measures[frame.measures.index("units")] = "units_received"
    if "payments_received" in frame.measures and {"tickets_opened", "open_tickets", "tickets_closed", "orders",
                                                  "interactions"} & set(frame.measures) \
            and not re.search(r"\b(payments?|paid|pay|cash|money|thanh toan|tien|tra)\b", frame.folded):
        frame.measures.remove("payments_received")   # "tickets that came in during 2016": the tickets' arrival
    if "goods_receipts" in frame.measures and "payments_received" in frame.measures \
            and not re.search(r"\b(payments?|paid|thanh toan)\b", frame.folded):
        frame.measures.remove("payments_received")   # ("received" is the goods', not money's)
        if "units_received" not in frame.measures and re.search(r"\b(units?|pieces|so luong|bao nhieu cai)\b", frame.folded):
            frame.measures.append("units_received")


def _receipt_slips(frame: Frame) -> None:
    """'tháng 6 mình nhập kho bao nhiêu phiếu?': a 'phiếu' of goods coming in is a goods receipt, not a support
    ticket — counted, not the units it brought."""
    tickets = [m for m in frame.measures if m in ("tickets_opened", "open_tickets")]
    if not tickets or "goods_receipts" not in MEASURES or not re.search(r"\bphieu\b", frame.folded) \
            or re.search(r"\b(ho tro|khieu nai|tickets?|support|yeu cau)\b", frame.folded):
        return
    if not ({"units_received", "goods_receipts"} & set(frame.measures)
            or re.search(r"\b(nhap kho|nhap hang|giao hang|nhan hang)\b", frame.folded)):
        return
    for name in tickets:
        frame.measures.remove(name)
    if "units_received" in frame.measures and not re.search(r"\b(so luong|bao nhieu (cai|thung|hop|don vi))\b", frame.folded):
        frame.measures.remove("units_received")
    if "goods_receipts" not in frame.measures:
        frame.measures.insert(0, "goods_receipts")
    frame.counting = True


def _below_reorder_figures(frame: Frame) -> None:
    """'how far below its reorder level is …': by how much (the units short); 'is … below its reorder point?': what
    is there beside the level."""
    if not any(c["name"] == "below_reorder_level" for c in frame.conditions):
        return
    if re.search(r"\b(how far|how much|how many units|by how much|thieu bao nhieu|duoi bao nhieu|con thieu)\b",
                 frame.folded) and "stock_shortfall" in MEASURES:
        _add(frame.measures, "stock_shortfall")
    elif re.match(r"\s*(is|are|does|do)\b", frame.folded) or re.search(r"\bco (dang )?(duoi|thap hon)\b", frame.folded):
        _add(frame.measures, "stock_on_hand")


def _figure_said_whole(frame: Frame) -> None:
    """A figure whose own name holds the words of others: "how much sales revenue did the ledger book" is the
    ledger's revenue; "gross profit (revenue minus cost of goods)" is the order margin — one figure each."""
    if {"ledger_revenue", "revenue"} <= set(frame.measures):
        frame.measures.remove("revenue")
    if "order_margin" in frame.measures:
        frame.measures[:] = ["order_margin"]


def _received_not_billed(frame: Frame) -> None:
    """'which POs have been received but we haven't got the supplier's bill yet?': the units waiting for a bill,
    by order — 'received' is the goods', not a payment."""
    if "units_not_billed" not in frame.measures:
        return
    frame.measures[:] = ["units_not_billed"]
    frame.counting = False
    if frame.row == "purchase_order" or re.search(r"\b(which|what|list|nao|nhung)\b", frame.folded):
        frame.group_by[:] = ["purchase_order"]
        frame.row = frame.row_count = None


WHEN_DUE = re.compile(r"\b(when|due in|due|expected|eta|arrive|arriving|khi nao|bao gio|ngay nao|du kien|hen)\b")


def _units_on_order(frame: Frame) -> None:
    """'how many boxes of A3 Double A are on order and when are they due in?', 'vở B5 mình đang đặt thêm bao nhiêu
    lốc mà chưa về?': the units still to come on open purchase orders (each order with its expected date when
    'when' is asked) — not how many orders."""
    open_po = {c for d, c in frame.statuses if d == "po_status"} & {"sent", "partially_received", "draft"}
    if not open_po or "units_on_order" not in MEASURES:
        return
    if frame.row == "product" and set(frame.measures) <= {"products", "stock_on_hand", "units"}:
        # "which products are still on order?": the products with units still to come, how many each (the
        # figure counts open orders only: the status is in it)
        frame.measures[:] = ["units_on_order"]
        frame.group_by[:] = ["product"]
        frame.row = frame.row_count = None
        frame.statuses = [(d, c) for d, c in frame.statuses if d != "po_status"]
    if not UNITS_ASKED.search(frame.folded) \
            or not set(frame.measures) <= {"units", "units_ordered", "purchase_orders", "orders", "units_received",
                                           "units_on_order"}:
        return
    frame.measures[:] = ["units_on_order"]
    frame.statuses = [(d, c) for d, c in frame.statuses if d != "po_status"]
    frame.counting = False
    if WHEN_DUE.search(frame.folded) and "po_expected_date" in MEASURES:
        frame.measures.append("po_expected_date")
        frame.group_by[:] = ["purchase_order"]


MONEY_ASKED = re.compile(r"\b(bao nhieu tien|tong tien|tong gia tri|gia tri|tri gia|how much money|worth|value|"
                         r"how much (did|do|have) we (spend|spent|order|ordered)|spend|spent|het bao nhieu)\b")


def _ordered_value(frame: Frame) -> None:
    """'tháng 6 mình đặt mua tổng cộng bao nhiêu tiền (chưa VAT)?': what the purchase orders are worth — before VAT
    when that is said — not how many units they hold."""
    if "units_ordered" in frame.measures and MONEY_ASKED.search(frame.folded) and \
            not re.search(r"\b(units?|pieces|cai|thung|hop|chiec|so luong)\b", frame.folded):
        value = "purchase_order_net" if BEFORE_VAT.search(frame.folded) else "purchase_order_value"
        if value in MEASURES and value not in frame.measures:
            frame.measures[frame.measures.index("units_ordered")] = value
            frame.counting = False


def _payments_as_money(frame: Frame) -> None:
    """'Supplier payments Q3 2026 compared with Q2 2026?', 'how much did we spend … payments, I mean': payments
    named, and no count asked, are the money paid — not how many payments."""
    if frame.counting or COUNT_SAID.search(frame.folded):
        return
    for i, name in enumerate(frame.measures):
        money = MONEY_OF_COUNT.get(name)
        if money and money in MEASURES and (frame.compare or frame.amount) and money not in frame.measures:
            frame.measures[i] = money
            frame.loose_counts[:] = [c for c in frame.loose_counts if c != name]
            frame.nouns[:] = [c for c in frame.nouns if c != name]
            if re.search(r"\bpayments?,? i mean\b|\bi mean( the)? payments?\b", frame.folded):
                frame.measures[:] = [money]   # ("… with suppliers in total — payments, I mean": only that)
                frame.row = frame.row_count = None
            return


# "how much did we pay by card?": what the company paid, to its suppliers
WE_PAID = re.compile(r"\b(did we|we|have we|do we|our company|minh|chung ta|cong ty|ben minh) (pay|paid|da tra|tra|"
                     r"thanh toan|chi)\b(?! (for|cho) (the )?(order|don))")


# The company as the buyer: "what did we buy the most units of", "how much did we buy in 2026", "mình mua vào".
WE_BOUGHT = re.compile(r"\b(we|we ve|we have|did we|do we|have we|our company|chung ta|minh|cong ty|ben minh) "
                       r"(have |had |da |)(buy|bought|purchase|purchased|mua vao|nhap|nhap ve|nhap hang|order|ordered)\b"
                       r"(?! (for|cho) )")


def _buying_side(frame: Frame) -> None:
    payables_named = bool(set(frame.measures) & {"open_payables", "open_bills", "overdue_payables"}) and \
        re.search(r"\b(payables?|bills|phai tra)\b", frame.folded)   # "how much of our payables is overdue"
    # "which bills have matching exceptions": a state only supplier bills and purchase orders have
    states = {d for d, _ in frame.statuses}
    buying_state = bool(states) and states <= {"match_status", "po_status"}
    if "match_status" in states and re.search(r"\b(bills?|invoices?|hoa don)\b", frame.folded):
        # "bills with a match exception still open?": a supplier bill's state; "open" is the bill's too
        buying_state = True
        frame.statuses = [(d, c) for d, c in frame.statuses if d in ("match_status", "bill_status")]
    we_bought = bool(WE_BOUGHT.search(frame.folded)) and set(frame.measures) <= {"revenue", "units", "orders"} or \
        bool(WE_PAID.search(frame.folded)) and bool(frame.measures) and set(frame.measures) <= {"payments_received",
                                                                                              "payment_count"}
    if "supplier" not in frame.group_by and not SUPPLIER_WORDS.search(frame.folded) and not payables_named \
            and not buying_state and not we_bought:
        return
    if buying_state and frame.row == "invoice":
        frame.row = "bill"
    for i, name in enumerate(frame.measures):
        twin = BUYING_SIDE.get(name)
        if twin in MEASURES and twin not in frame.measures:
            frame.measures[i] = twin


WORTH = re.compile(r"\b(worth|value|valued|tri gia|gia tri)\b")
# A count asked in so many words: "how many deals", "bao nhiêu cơ hội" (not "trị giá bao nhiêu": how much)
COUNT_SAID = re.compile(r"\b(how many|number of|count of|so luong|bao nhieu (co hoi|deal|don|hoa don|khach|phieu|cai))\b")


BOTH_ASKED = re.compile(r"\bhow many\b.{0,40}\bhow much\b|\bhow much\b.{0,40}\bhow many\b|"
                        r"\bbao nhieu (khoan|lan|don|hoa don|cai|deal|deals|co hoi|phieu|don hang|don mua hang)\b"
                        r".{0,40}\b(bao nhieu tien|tong (tien|gia tri|bao nhieu|cong bao nhieu|so tien))\b|"
                        r"\bso luong va (tong )?(gia tri|so tien)\b|"
                        r"\bhow many\b.{0,60}\b(and )?(what ?'?s|what is|what was|what were) (the|their|its) (total|total value|"
                        r"total amount|value|amount|worth)\b|"
                        r"\bhow many\b.{0,60}\band (for )?how much\b|"
                        r"\bhow many\b.{0,60}\b(and )?what (did|does|do) (it|that|they|those|this) (come|add up|amount) to\b|"
                        r"\bhow many\b.{0,60}\b(and )?what (did|does|do) (it|that|they|those|these|this) (all )?total\b|"
                        r"\bbao nhieu\b.{0,60}\b(tren|trong|o|voi|cua) bao nhieu (hoa don|don|khoan|phieu|lan)\b|"
                        r"\b(count|number) and (total|amount|value|sum)\b|\b(total|amount) and (count|number)\b|"
                        # "thu được bao nhiêu, mấy lần?", "what do we owe Digiworld, and on how many bills?"
                        r"\bbao nhieu\W{0,3}(va )?(may|bao nhieu) lan\b|\b(owe|owes|owed|outstanding)\b.{0,50}\bhow many\b|"
                        r"\bhow many\b.{0,60}\band (what|how much) (do|does|did) (we|they|he|she|it) owe\b")
COUNT_TWIN = {"payments_received": "payment_count", "supplier_payments_made": "supplier_payment_count"}
MONEY_OF_COUNT = {count: money for money, count in COUNT_TWIN.items()}


OWED_HOW_MUCH = re.compile(r"\bhow much (do|does|did) .{0,40}\bowe\b|\b(con )?no (minh |chung ta |cong ty )?bao nhieu\b")


def _invoices_overdue(frame: Frame) -> None:
    """'có bao nhiêu hóa đơn đang quá hạn?': the overdue invoices counted (not the customers that have one)."""
    if frame.counting and "invoices" in frame.measures and [c["name"] for c in frame.conditions] == ["overdue_more_than"] \
            and frame.row in (None, "invoice") and not frame.group_by and "overdue_invoices" in MEASURES:
        # "how many invoices are more than 90 days past due, and how much is that": those invoices, and what is
        # overdue on them
        frame.measures[:] = ["overdue_invoices"] + (["overdue_amount"] if frame.amount else [])
        return
    if frame.counting and "invoices" in frame.measures and [c["name"] for c in frame.conditions] == ["has_overdue"] \
            and frame.row in (None, "invoice") and not frame.group_by:
        frame.measures[frame.measures.index("invoices")] = "overdue_invoices"
        frame.conditions[:] = []


OLDEST_DOCUMENT = re.compile(r"\b(oldest|earliest|longest)( overdue| unpaid| outstanding| open| late)*(?: supplier| vendor)? (invoice|bill)s?\b|"
                             r"\b(hoa don|hd)(?: nha cung cap| ncc| mua hang)? (qua han|chua thanh toan|chua tra|no)( \w+)? "
                             r"(lau nhat|cu nhat)\b")


def _oldest_document(frame: Frame) -> None:
    """'which customer has the oldest overdue invoice?': that invoice (and whose it is), with what is still open on
    it — not the customer's figure alone."""
    m = OLDEST_DOCUMENT.search(frame.folded)
    if m is None or frame.group_by:
        return
    bill = m.group(3) == "bill" or bool(re.search(r"\b(nha cung cap|ncc|mua hang)\b", m.group(0)))
    if "max_days_overdue" in frame.measures and frame.row in ("customer", "invoice") and not bill:
        # ("what's our oldest overdue invoice?": that one, how late, and what is still open on it)
        frame.row, frame.row_count = "invoice", "invoices"
        if "open_receivables" not in frame.measures:
            frame.measures.append("open_receivables")
    elif bill and "max_days_bill_overdue" in MEASURES and (
            {"max_days_overdue", "max_days_bill_overdue"} & set(frame.measures)
            or ({"overdue_payables", "overdue_bills"} & set(frame.measures) and re.search(r"\b(overdue|qua han)\b", m.group(0)))):
        # (an unpaid bill asked without its lateness is the one due first: the bills' own reading, in data.py)
        # "what's our oldest unpaid supplier bill and how late is it?": that bill, what is owed on it, how late
        frame.measures[:] = ["max_days_bill_overdue", "open_payables"]
        frame.row, frame.row_count = "bill", "open_bills"
        frame.single, frame.order = True, "desc"   # (the oldest is the one most days late)


def _how_many_and_how_much(frame: Frame) -> None:
    """'cash payments received this year: how many and how much?': the count beside the amount."""
    if not BOTH_ASKED.search(frame.folded):
        return
    if "revenue" in frame.measures and not re.search(r"\b(revenue|sales|sold|sell|doanh thu|doanh so|ban)\b", frame.folded):
        # "bao nhiêu đơn mua hàng, tổng giá trị bao nhiêu?": the worth of the things counted, not sales
        from assistant.planner.data import VALUE_OF_COUNT

        worth = next((VALUE_OF_COUNT[m] for m in frame.measures if VALUE_OF_COUNT.get(m) not in (None, "revenue")), None)
        if worth in MEASURES:
            frame.measures[:] = list(dict.fromkeys(worth if m == "revenue" else m for m in frame.measures))
    if not frame.measures and frame.weak_revenue:
        # "what did Patrick Gray buy last month? how many tracks and what did it come to": the units and the money
        frame.measures[:] = ["units", "revenue"]
        frame.weak_revenue = False
        return
    if "units_received" in frame.measures and {"supplier_bills", "open_bills", "goods_receipts"} & set(frame.measures) \
            and not re.search(r"\b(units|boxes|pieces|qty|quantity|so luong)\b", frame.folded):
        frame.measures.remove("units_received")   # "how many supplier bills did we receive": the bills, not goods
    units_sold = bool(re.search(r"\bhow many\b[^?.]{0,40}\b(sell|sold|ban duoc|ban)\b|\bbao nhieu (cai|chiec|san pham)\b",
                                frame.folded))
    for name in list(frame.measures):
        if MEASURES[name].unit != "money":
            continue
        twin = "units" if name == "revenue" and units_sold else COUNT_TWIN.get(name) or next(
            (m.name for m in MEASURES.values() if m.counts_of == name and not m.hidden and not m.refines), None)
        if twin and twin not in frame.measures:
            frame.measures.insert(frame.measures.index(name), twin)
    if not any(MEASURES[m].unit == "money" for m in frame.measures):
        # "how many invoices did we issue last month and what's the total?", "khách trả bằng tiền mặt bao nhiêu lần,
        # tổng bao nhiêu?": the amount beside the count
        from assistant.planner.data import VALUE_OF_COUNT

        values = VALUE_OF_COUNT | MONEY_OF_COUNT | {
            "units": "revenue", "units_ordered": "purchase_order_value"}   # "how many boxes … and for how much"
        for name in list(frame.measures):
            money = values.get(name)
            if money and money in MEASURES and money not in frame.measures:
                frame.measures.append(money)
                break


BOUGHT_TIMES = re.compile(r"\b(bought|buy|ordered|order|purchased|purchase|placed|mua|dat hang)\b")
TIMES_ASKED = re.compile(r"\b(how many times|how often|number of times|bao nhieu lan|may lan|so lan)\b")


def _how_many_times(frame: Frame) -> None:
    """'how many times did we pay suppliers last month', 'thanh toán cho nhà cung cấp bao nhiêu lần': the number of
    payments, not their amount (nor how many suppliers there are)."""
    if not TIMES_ASKED.search(frame.folded) or BOTH_ASKED.search(frame.folded):
        return
    if set(frame.measures) <= {"revenue", "units"} and BOUGHT_TIMES.search(frame.folded):
        # "how many times has Joakim Johansson bought from us": how many orders, not what they came to
        frame.measures[:] = ["orders"]
        frame.counting = True
        return
    for name in list(frame.measures):
        twin = COUNT_TWIN.get(name) or next((m.name for m in MEASURES.values() if m.counts_of == name and not m.hidden
                                             and not m.refines), None) if MEASURES[name].unit == "money" else None
        if twin:
            frame.measures[:] = [twin] + [m for m in frame.measures if m not in (name, twin) and m not in frame.loose_counts
                                          and MEASURES[m].counts is None]
            frame.counting = True
            return


def _open_deals(frame: Frame) -> None:
    """'cơ hội bán hàng lớn nhất của tôi đang mở': deals still open are the pipeline (a deal's stage, not an
    invoice's or a ticket's 'open'), ranked by their worth."""
    if frame.row == "opportunity" and re.search(r"\bco hoi ban hang\b", frame.folded):
        frame.weak_revenue = False   # ("cơ hội bán hàng" is a sales opportunity, not sales)
    if frame.row != "opportunity" or frame.row_count != "opportunities" or not UNRESOLVED.search(frame.folded):
        return
    if set(frame.measures) <= {"revenue", "opportunities"}:
        frame.measures[:] = ["open_opportunities"] if frame.counting else ["pipeline_amount"]
        frame.row_count = "open_opportunities"
        frame.statuses = [(d, c) for d, c in frame.statuses if c != "open"]


def _worth(frame: Frame) -> None:
    """'what are my open deals worth', 'cơ hội đang mở của tôi trị giá bao nhiêu': the things' value, not how many
    (both when the count is asked too: 'how many deals are in negotiation and what are they worth')."""
    if not WORTH.search(frame.folded):
        return
    decided = any(d == "stage" and c in ("closed_won", "closed_lost") for d, c in frame.statuses)
    for i, name in enumerate(list(frame.measures)):
        value = MEASURES[name].counts_of or {"open_opportunities": "pipeline_amount", "orders": "revenue",
                                             "opportunities": "opportunity_amount" if decided else "pipeline_amount"
                                             }.get(name)
        if MEASURES[name].counts is None or not value or value in frame.measures:
            continue
        if COUNT_SAID.search(frame.folded):
            frame.measures.append(value)
        else:
            frame.measures[i] = value
    if "revenue" in frame.measures and frame.row == "opportunity":
        frame.measures[frame.measures.index("revenue")] = "opportunity_amount" if decided else "pipeline_amount"
        frame.row = None if not frame.listing else frame.row
    if "revenue" in frame.measures and frame.row == "purchase_order" and not re.search(
            r"\b(revenue|sales|sold|doanh thu|doanh so)\b", frame.folded):
        # "what are our open purchase orders with Hồng Hà worth before VAT?": the orders' own worth
        net = bool(BEFORE_VAT.search(frame.folded) or re.search(r"\bnet\b", frame.folded))
        frame.measures[frame.measures.index("revenue")] = "purchase_order_net" if net else "purchase_order_value"
    if "revenue" in frame.measures and any(MEASURES[c].counts_of not in (None, "revenue") and MEASURES[c].counts_of
                                           in frame.measures for c in frame.measures):
        frame.measures.remove("revenue")   # "orders shipped but not invoiced — what are they worth": their own worth
    frame.measures[:] = list(dict.fromkeys(frame.measures))


def _narrowest(frame: Frame) -> None:
    """'how many orders did we ship': orders and orders shipped were both read; the narrower one is meant.
    'how many invoices are overdue': a count of invoices and 'overdue' make the count of overdue invoices."""
    for count in (m for m in MEASURES.values() if m.counts_of and not m.hidden):
        chain, wider = {count.name}, count.refines
        while wider:
            chain.add(wider)
            wider = MEASURES[wider].refines
        # a narrower count of the same things counts too ("đơn đã giao" are orders)
        kin = {m for m in frame.measures if MEASURES[m].refines in chain and MEASURES[m].counts is not None}
        # the same things counted under their plain name ("nợ phải trả quá hạn bao nhiêu hóa đơn": bills)
        plain = {m for m in frame.measures if m != count.name and MEASURES[m].counts is not None
                 and MEASURES[m].refines is None and ROW_OF_COUNT.get(m) and ROW_OF_COUNT.get(m) == ROW_OF_COUNT.get(count.name)}
        counted = chain & set(frame.measures) or kin or plain or (frame.row and ROW_OF_COUNT.get(count.name) == frame.row)
        named_too = count.name in frame.measures   # "open balance and number of open invoices": both asked
        if count.counts_of in frame.measures and counted and (frame.counting or frame.listing) and not named_too:
            kept = [m for m in frame.measures if m not in chain and m not in plain and m != count.counts_of]
            frame.measures = [count.name, *kept]
    for name in list(frame.measures):
        wider = MEASURES[name].refines
        if wider in frame.measures:
            frame.measures.remove(wider)
    if frame.measures == ["overdue_amount"] and any(c["name"] == "owes_money" for c in frame.conditions) and len(
            re.findall(r"\b(how much|bao nhieu)\b", frame.folded)) >= 2:
        # "mình còn nợ APP Việt Nam bao nhiêu, bao nhiêu đã quá hạn?": two figures asked, what is owed and the overdue
        frame.measures.insert(0, "open_receivables")
        frame.conditions[:] = [c for c in frame.conditions if c["name"] != "owes_money"]
    if OPEN_AS_VERB.search(frame.folded) and ("ticket_status", "open") in frame.statuses:
        # "how many tickets did Summit open in 2015?": tickets they opened then, not the ones open now
        said = {tuple(t.target.split("=", 1)) for h in frame.hits if frame.words[h.start:h.end] == ["open"]
                for t in h.of("status")}
        frame.statuses[:] = [s for s in frame.statuses if s not in said]
        frame.measures[:] = ["tickets_opened" if m == "open_tickets" else m for m in frame.measures]
    if "tickets_opened" in frame.measures and any(d == "ticket_status" and c in ("open", "pending")
                                                  for d, c in frame.statuses):
        frame.measures[frame.measures.index("tickets_opened")] = "open_tickets"
    if "customers_buying" in frame.measures and (frame.single or frame.limit) and not frame.counting:
        # "khách hàng mua hàng nhiều nhất": the customer who bought the most, not how many bought
        frame.measures[frame.measures.index("customers_buying")] = "revenue"
        frame.row = frame.row or "customer"
    if "customers_buying" in frame.measures and frame.amount and not frame.counting:
        # "how much have our business customers bought": what they bought, not how many bought
        frame.measures[frame.measures.index("customers_buying")] = "revenue"
    uninvoiced = {"uninvoiced_orders", "uninvoiced_order_count"} & set(frame.measures)
    if uninvoiced and ("shipped" in frame.words or "delivered" in frame.words) and not frame.statuses \
            and re.search(r"\b(shipped|delivered) (but|and) (not|aren t|are not|haven t|not yet)\b", frame.folded):
        frame.statuses.append(("order_status", "shipped"))   # "orders shipped but not invoiced yet": the shipped ones
    if uninvoiced and "orders_shipped" not in frame.measures and ("shipped" in frame.words or "delivered" in frame.words) \
            and any(d == "order_status" for d, _ in frame.statuses) and ("order_status", "shipped") not in frame.statuses:
        frame.statuses.append(("order_status", "shipped"))   # "confirmed or shipped but not invoiced yet": both states
    if uninvoiced and "orders_shipped" in frame.measures:
        frame.measures.remove("orders_shipped")  # "shipped that isn't invoiced yet": one figure, of shipped orders
        if ("order_status", "shipped") not in frame.statuses:
            frame.statuses.append(("order_status", "shipped"))
    deals = [m for m in frame.measures if m in ("opportunities", "open_opportunities")]
    if deals and "revenue" in frame.measures:
        # "cơ hội bán hàng … tổng giá trị": the deals' worth, not sales; a won or lost deal's is its amount
        decided = any(d == "stage" and c in ("closed_won", "closed_lost") for d, c in frame.statuses)
        frame.measures[frame.measures.index("revenue")] = "opportunity_amount" if decided else "pipeline_amount"
    rates = [m for m in frame.measures if m in ("win_rate", "quote_win_rate")]
    if rates:
        # "tỷ lệ thắng (đã thắng trên tổng số đã đóng)": won and closed are the rate's own definition, not filters,
        # and the deals named are what it is over
        frame.statuses = [(d, c) for d, c in frame.statuses if d not in ("stage", "quote_status")]
        if not frame.counting or "opportunities" in frame.measures:
            frame.measures[:] = [m for m in frame.measures if m not in ("opportunities", "quotes")] or rates
    if "invoices" in frame.measures and any(d == "aging_bucket" for d, _ in frame.statuses):
        # "invoices not yet due", "hóa đơn nào chưa đến hạn": only open invoices have an age
        frame.measures[frame.measures.index("invoices")] = "open_invoices"
    if "invoices" in frame.measures and ("invoice_status", "open") in frame.statuses:
        # "how many invoices are open?": the ones with a balance today, not those issued this year and still open
        frame.measures[frame.measures.index("invoices")] = "open_invoices"
        frame.statuses = [(d, c) for d, c in frame.statuses if (d, c) != ("invoice_status", "open")]
    if "opportunities" in frame.measures and any(c == "open" for _, c in frame.statuses):
        frame.measures[frame.measures.index("opportunities")] = "open_opportunities"  # "deals still open"
        frame.statuses = [(d, c) for d, c in frame.statuses if c != "open"]


def _plural_after(words: list[str], match: re.Match) -> bool:
    """'the 3 biggest' and 'top customers' ask for several; 'the biggest customer' for one."""
    text = " ".join(words)
    after = [w.strip("-") for w in text[match.end():].replace("-", " ").split()][:3]
    for word in after:
        if word in {"selling", "seller", "sellers", "performing", "paying", "open", "unpaid", "overdue", "active"}:
            continue
        return word.endswith("s") and word not in {"sales", "us", "is", "was", "has", "does", "this", "its"}
    return False


def _period_words(words: list[str], today: date) -> set[int]:
    """Token positions that belong to a period ('May', 'year', 'Q3'), so they are not read as anything else."""
    text = " ".join(words)
    positions = set()
    for mention in when_mod.mentions(text, today):
        start_token = len(text[:mention.start].split())
        end_token = len(text[:mention.end].split())
        positions.update(range(start_token, end_token))
    return positions


def _read_hit(frame: Frame, hit: Hit) -> None:
    words = frame.words
    start = hit.start
    while start > 0 and words[start - 1] in WHOLE_WORDS:
        start -= 1   # "which full calendar year": the year, picked
    before = words[start - 1] if start > 0 else ""
    before2 = words[start - 2] if start > 1 else ""
    after = words[hit.end] if hit.end < len(words) else ""
    if before in ("that", "this", "same", "last", "next", "previous", "prior") and hit.terms and all(
            t.kind == "dimension" and DIMENSIONS[t.target].kind == "time" for t in hit.terms):
        return   # "which Brazilian customer spent the most that year?": a period spoken of, not a row per year
    grouped = before in GROUP_BEFORE or (before2 in GROUP_BEFORE and before in {"the", "a", "each", "our", "all"}) or \
        words[hit.start] in GROUP_BEFORE or (before2, before) in (("xep", "hang"), ("ca", "hai"), ("ca", "2")) or \
        before2 in ("each", "every", "tung") or \
        words[max(0, start - 3):start][:2] in (["each", "of"], ["every", "one"], ["all", "of"]) or \
        bool({after, words[hit.end - 1]} & {"breakdown", "split"}) or (   # "aging buckets", not "the 91+ bucket"
            words[hit.end - 1] in ("bucket", "band", "bracket", "buckets", "bands", "brackets")
            and bool(re.search(rf"\b{words[hit.end - 1].rstrip('s')}s\b", (frame.text or "").lower())))
    if grouped and before in ("cac", "nhung") and "tong" in words[:hit.start]:
        grouped = False   # "tổng doanh thu của các khách hàng ở Hà Nội": one total over them ("các" only makes a plural)
    picked = before in PICK_BEFORE or before2 in PICK_BEFORE or after in PICK_AFTER or before.isdigit() \
        or words[max(0, hit.start - 3):hit.start] in (["which", "of", "the"], ["who", "of", "the"], ["which", "of", "our"])
    if not picked and any(d.target in DOCUMENT_COUNTS for d in hit.of("dimension")) and (
            after in ("numbers", "nos", "la") or (words[hit.end - 1] == "number" and re.search(r"\bnumbers\b", (frame.text or "").lower()))):
        picked = True   # "số phiếu nhập là gì", "and the receipt numbers?": the documents themselves, listed
    conditions = hit.of("condition")
    if conditions:
        # the phrase said in full wins ("cost more than 1.5" is over 1.5, not "cost 1.5")
        chosen = max(conditions, key=lambda t: len(t.phrase))
        frame.conditions.append({"name": chosen.target, "number": hit.number})
        return
    measures = [t for t in hit.of("measure")]
    counts = hit.of("count")
    dimensions = hit.of("dimension")
    statuses = hit.of("status")
    phrase = set(words[hit.start:hit.end])
    if statuses and counts:
        # "how many calls did I log": the word names the things counted (interactions) and narrows them to its kind
        from backend.semantic.engine import supported_dimensions

        named = counts[0].target
        for status in statuses:
            dimension, code = status.target.split("=", 1)
            if dimension in supported_dimensions(named) and code != named:
                _add(frame.statuses, (dimension, code))
    if counts and ROW_OF_COUNT.get(counts[0].target) and re.search(
            r"\b(gia tri|tong gia tri|value|total value|worth|tong tien)( (cua|of))?( (cac|nhung|the|all|our|tat ca))?$",
            " ".join(words[max(0, hit.start - 4):hit.start])):
        # "giá trị các đơn mua hàng đang mở là bao nhiêu": what those things are worth, not how many nor each one
        frame.row = frame.row or ROW_OF_COUNT[counts[0].target]
        frame.row_count = frame.row_count or counts[0].target
        return
    if dimensions and (grouped or (picked and not measures and not counts)):
        _add(frame.group_by, dimensions[0].target)
        return
    if counts and (before in ("so", "tong") or (before == "luong" and before2 == "so")):
        frame.counting = True  # "số đơn hàng", "tổng số khách": the number of them
    if counts and frame.excluded and _excluded_just_before(frame, hit):
        return   # "excluding cancelled orders": the orders are the excluded ones' noun, not rows asked for
    if counts:
        if frame.counting or frame.compare:
            _add(frame.measures, counts[0].target)  # "orders in October vs last October": how many
            if not re.search(r"\b(how many|bao nhieu|so|so luong|tong so|number of|may|count of|so sanh)( \w+)?$",
                             " ".join(words[max(0, hit.start - 3):hit.start])):   # ("how many customer | payments")
                frame.loose_counts.append(counts[0].target)
            return
        # Things named but not counted ("best-selling products", "my deals in negotiation", "customers above
        # their limit"): they are the rows of the answer.
        row = ROW_OF_COUNT.get(counts[0].target) or (dimensions[0].target if dimensions else None)
        if row and frame.row and frame.row != row and after not in PICK_AFTER and re.search(
                r"\b(have|has|had|with|having|co|dang co|con)\b", " ".join(words[max(0, hit.start - 3):hit.start])):
            # "which of Margaret's customers have open invoices (and for how much)?": the customers are the rows,
            # the invoices what they must have — counted, or what they come to
            money = MEASURES[counts[0].target].counts_of
            _add(frame.measures, money if money and frame.amount else counts[0].target)
            return
        # "how much did our customers in Germany buy": one amount over them, not a list of them
        frame.listing = frame.listing or not frame.amount
        if row:
            frame.row = frame.row or row
            frame.row_count = frame.row_count or counts[0].target
        else:
            _add(frame.measures, counts[0].target)
            frame.nouns.append(counts[0].target)
        return
    if measures:
        if phrase <= WEAK_REVENUE and not (frame.amount or frame.limit or frame.order or SUPERLATIVE.search(frame.folded)):
            frame.weak_revenue = True
            return
        name = measures[0].target
        # one word, several figures ("received"): the one that refines a figure already asked ("how many units ...
        # were received" is units received, not payments received)
        name = next((t.target for t in measures if MEASURES[t.target].refines in frame.measures), name)
        if MEASURES[name].counts is not None and words[hit.start] in ("so", "number", "count", "tong"):
            frame.counting = True  # "số đơn hàng", "number of orders": a count by its own name
        _add(frame.measures, name)
        return
    if statuses:
        # "not counting cancelled ones", "excluding void invoices", "không tính đơn hủy": every status but that
        left = " ".join(words[max(0, hit.start - 3):hit.start])
        negated = bool(EXCLUDING.search(left))
        for status in statuses:
            dimension, code = status.target.split("=", 1)
            (frame.excluded if negated else frame.statuses).append((dimension, code))
        return
    if dimensions and picked:
        _add(frame.group_by, dimensions[0].target)


def _excluded_just_before(frame: Frame, hit: Hit) -> bool:
    """Whether the hit follows straight after an excluded status ("excluding cancelled | orders")."""
    return any(other.end == hit.start and other.of("status") and any(
        tuple(t.target.split("=", 1)) in frame.excluded for t in other.of("status")) for other in frame.hits)


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


# The size of the catalogue asked with a verb of selling: "how many tracks do we sell", "bao nhiêu mặt hàng mình bán".
CATALOGUE_COUNT = re.compile(r"\bhow many (different )?(products|items|skus|tracks|articles|product lines) (do|does|can) "
                             r"(we|you|the company|the store) (sell|carry|stock|offer|have|list)\b|"
                             r"\b(bao nhieu|may) (san pham|mat hang|ma hang) (minh|chung ta|cong ty) (dang )?(ban|kinh doanh|co)\b")
# Customers or products ranked in words with no figure named: "our biggest customers", "top products".
RANKED_ROWS = re.compile(r"\b(top|biggest|largest|best|most valuable|highest value|leading|khach hang lon nhat|lon nhat)\s+"
                         r"(\w+\s+)?(customers?|clients?|accounts?|buyers?|products?|items?|sellers?)\b|"
                         r"\b(khach hang|san pham) (lon nhat|hang dau|tot nhat)\b")


def _implicit_measures(frame: Frame) -> None:
    """Figures asked without their name: 'top 5 customers' (by revenue), 'how many X' (the count of X)."""
    rows = frame.group_by or ([frame.row] if frame.row else [])
    grows = ROW_OF_COUNT.get(frame.measures[0]) if len(frame.measures) == 1 else None
    if grows in ("customer", "product") and not frame.counting and not frame.conditions and re.search(r"\b(grew|grow|grown|growing|growth|increased?|declined?|dropped|"
                                                  r"fell|shrank|tang truong|tang manh|giam manh)\b", frame.folded):
        # "which of my customers grew the most vs last year?": their sales compared, not a count of customers
        frame.measures[:] = ["revenue"]
        frame.row = frame.row or grows
        if not frame.group_by:
            frame.group_by.append(grows)
    tested = [lexicon().conditions[c["name"]].measure for c in frame.conditions
              if c["name"] in lexicon().conditions and lexicon().conditions[c["name"]].other is None]
    if not frame.measures and tested and rows and (frame.single or frame.limit) and not frame.counting \
            and tested[0] in MEASURES and all(d in supported_dimensions(tested[0]) for d in rows) \
            and not re.search(r"\b(overdue|past due|late|qua han|invoices?|bills?|hoa don)\b", frame.folded):
        # "khách hàng nào đang nợ nhiều nhất": ranked by what the condition tests (what they owe), not by sales
        frame.measures.append(tested[0])
        return
    if not frame.measures and not frame.conditions and frame.row == "opportunity" and frame.row_count in MEASURES \
            and re.search(r"\b(status|statuses|stage|stages|trang thai|giai doan)\b", frame.folded):
        # "what's the status of my deals?": the deals, each with its stage
        frame.measures.append(frame.row_count)
        frame.listing = True
        return
    from assistant.planner.data import VALUE_OF_COUNT

    money = (MEASURES[frame.row_count].counts_of or VALUE_OF_COUNT.get(frame.row_count)) \
        if frame.row_count in MEASURES and frame.row_count not in ("customers", "customers_buying", "quotes") else None
    if not frame.measures and not frame.conditions and not frame.group_by and not frame.statuses and frame.amount \
            and money in MEASURES and not frame.counting and TOTAL_SAID.search(frame.folded) \
            and not (frame.limit or frame.single or frame.order or frame.extremes or RANKED_ROWS.search(frame.folded)) \
            and not re.search(r"\b(list|which|show me|what are|liet ke|danh sach|nao)\b", frame.folded):
        # "orders so far this week + total $": how many, and what they come to
        frame.measures[:] = [frame.row_count, money]
        frame.row, frame.row_count = None, None
        return
    if frame.measures and frame.measures == [frame.row_count] and frame.row in ("customer", "product") \
            and not frame.counting and not frame.conditions and RANKED_ROWS.search(frame.folded):
        frame.measures.clear()   # "who were our biggest customers in 2025?": ranked by revenue, not counted
        frame.single = frame.single and frame.limit is None
    if not frame.measures and not frame.conditions and rows and (frame.limit or frame.single or frame.order
                                                                 or frame.extremes or RANKED_ROWS.search(frame.folded)):
        if any(d in ("customer", "product", "owner", "segment", "category", "city", "country", "region", "month",
                     "quarter", "week", "year", "day") for d in rows):
            frame.measures.append("revenue")
    if not frame.measures and frame.counting:
        for dimension in frame.group_by:
            count = COUNT_OF_DIMENSION.get(dimension)
            if count:
                frame.measures.append(count)
                frame.group_by.remove(dimension)
                break
    if not frame.measures and (frame.listing or frame.single or frame.limit) and (frame.row or frame.group_by):
        # "list our customers in France", "which products ...": the things themselves
        count = frame.row_count or COUNT_OF_DIMENSION.get(frame.row or frame.group_by[0])
        if count:
            frame.measures.append(count)
    if not frame.measures and not frame.conditions and frame.statuses:
        # "is there a PO waiting for approval?": the documents named, in that state
        named = [t.target for h in frame.hits for t in h.terms if t.kind == "dimension" and t.target in DOCUMENT_COUNTS]
        if len(set(named)) == 1:
            frame.measures.append(DOCUMENT_COUNTS[named[0]])
            frame.row = frame.row or named[0]
            if re.search(r"\b(is there|are there|any|co .{0,20} nao)\b", frame.folded):
                frame.listing = True   # (which ones, not only how many)


def compatible_statuses(frame: Frame) -> list[tuple[str, str]]:
    """The statuses a figure can be filtered by ('pending' is a ticket status for tickets, a quote's for quotes)."""
    allowed: set[str] | None = None
    for name in frame.measures:
        dims = supported_dimensions(name)
        allowed = dims if allowed is None else allowed & dims
    found = []
    for dimension, code in frame.statuses:
        if allowed is not None and dimension in allowed:
            found.append((dimension, code))
    return found


def measure_for_status(statuses: list[tuple[str, str]]) -> str | None:
    """A status named without a figure ('pending tickets') counts the things it is a status of."""
    for dimension, code in statuses:
        for measure in MEASURES.values():
            if measure.counts and dimension in supported_dimensions(measure.name) and not measure.hidden:
                if dimension == "ticket_status" and measure.name in ("open_tickets", "tickets_opened"):
                    return "open_tickets" if code in ("open", "pending") else "tickets_opened"
                if dimension == "stage" and measure.name == "opportunities":
                    return "opportunities"
                if dimension == "order_status" and measure.name == "orders":
                    return "orders"
                if dimension == "invoice_status" and measure.name == "invoices":
                    return "invoices"
                if dimension == "quote_status" and measure.name == "quotes":
                    return "quotes"
    for dimension, code in statuses:
        # any other status: the count of the things it is a status of ("đơn mua hàng nào mới nhận một phần")
        for name in ("purchase_orders", "supplier_bills", "open_bills"):
            if dimension in supported_dimensions(name):
                return name
    return None

