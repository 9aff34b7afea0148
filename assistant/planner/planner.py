"""The offline planner's reasoning: from a request (and the conversation so far) to one tool call with
filled arguments, a clarifying question, or an honest 'I can't do that yet'."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.planner import frame as frame_mod
from assistant.planner import slots as slot_mod
from assistant.planner.intents import INTENT_TOOL, classify
from assistant.planner.linker import LinkResult, entity_index, tokens_of
from backend.reports.catalog import TABLES as REPORTS
from backend.reports.sales import DIMENSIONS as SALES_BY
from backend.semantic.measures import MEASURES
from backend.semantic import rules
from backend.text import fold

VI_MARKERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
VI_WORDS = {"khach", "hang", "doanh", "thu", "thang", "nay", "cua", "cho", "bao", "gia", "khong", "nhung", "nao", "ton",
            "kho", "han", "muc", "quy", "nam", "truoc", "bao", "nhieu", "xem", "giup", "toi", "cong", "no", "cac", "chua",
            "dang", "duoc", "roi", "minh", "voi", "khan", "dong", "con", "thi", "sao", "thong", "tin", "lien", "toan",
            "phu", "trach", "ban", "mua", "hoa", "vien", "tra", "nhan", "ngay", "ai", "tien", "giao", "hop", "tuan",
            "hom", "nhat", "bieu", "lam", "sao", "dia", "vay", "dau"}
# A title in quotes ('The Woman King', “Hero”): the opening mark starts a word and the closing one ends it, so the
# apostrophes of "what's Jason's" quote nothing.
QUOTED = re.compile(r"(?<![\w])[\"“‘']([^\"”’']{2,80})[\"”’'](?![\w])")
FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|also|con|và|va|thế còn|the con|so voi|compared to|compared with|"
                       r"vs)\b|\b(thi sao|the nao|the nao roi)\s*\??\s*$|\b(their|them|they|it|its|his|her|him|this customer|that customer|"
                       r"that account|this account|how (?:does|do|did|is|was) (?:that|this|it) compare|of (?:those|these)|"
                       r"ho|khach nay|khach hang nay|cong ty nay|ben do|ben nay)\b", re.IGNORECASE)
HISTORY_KINDS = {"orders": r"\b(orders?|don hang|mua|purchases?|purchased|bought|buys?)\b", "invoices": r"\b(invoices?|hoa don)\b",
                 "payments": r"\b(payments?|paid|pay|thanh toan|tra tien)\b", "interactions": r"\b(interactions?|calls?|meetings?|emails?|tuong tac|talk|talked|spoke|speak|lien he|goi|gap)\b",
                 "tickets": r"\b(tickets?|khieu nai)\b"}
# "how much are they worth altogether?", "tổng cộng bao nhiêu tiền?": the total of the rows just listed

# "who are those customers?", "which invoices are they?", "đó là những khách nào?": the rows behind the last figure
THOSE_ROWS = re.compile(r"\b(who|which|what) (are|were|is) (those|these|they|them|it)\b|\b(which|who|what) (\w+ )?(are|were) "
                        r"(those|these|they)\b|\b(those|these) (customers|clients|accounts|invoices|bills|suppliers|"
                        r"vendors|products|orders|deals)\b|\b(do|day) la (nhung )?(khach|ai|hoa don|san pham|don)\b|"
                        r"\bnhung (khach hang|khach|hoa don|san pham|don hang|nha cung cap) (do|nay|kia)\b|\bla (ai|nhung ai) (vay|the)?\b")
# The asker's team named, not the asker ("each of my reps", "my sales team", "nhân viên của tôi").
MY_TEAM = re.compile(r"\b(each of )?my (sales )?(reps|team|salespeople|sellers|people|staff|direct reports|team members)\b|"
                     r"\b(nhan vien|doi|nhom) cua (toi|em|minh)\b")
# The customer the conversation is about, named by a pronoun ("them", "he", "khách này").
SPOKEN_OF = re.compile(r"\b(them|they|their|theirs|he|she|him|his|her|hers|that customer|this customer|this account|"
                       r"the customer|the customer s|the client|the client s|"
                       r"that account|ho|khach nay|khach do|khach hang nay|khach hang do|ben nay|ben do|cong ty nay|"
                       r"cong ty do)\b")
# A ranking asked in words ("which customers opened the most tickets").
RANKED = re.compile(r"\b(most|fewest|least|nhieu nhat|it nhat)\b")
# "how much of that is overdue?", "trong đó bao nhiêu quá hạn": a part of the figure just shown.
OF_THAT = re.compile(r"\b(of (that|it|this|those|these|them)|trong (so )?do|so do)\b")
# "how many orders is that?", "what's that in units?": another figure of what the last answer covered (its period too)
# A figure that belongs to a rep, said of a given name ("Steve's sales this month", "Mai's commission")
REP_FIGURE = re.compile(r"\b\w+ s (sales|revenue|commission|quota|target|numbers|figures|pipeline|deals|results)\b")
THAT_FIGURE = re.compile(r"\b(is|was|are|were|make) (that|this|it|those)\s*\??\s*$|\b(what|how much|how many) (is|was) that in\b|"
                         r"\btuong ung (voi )?(bao nhieu|may)\b|"
                         r"\b(la|duoc) bao nhieu (don|hoa don|khach)?\s*(vay|do)\s*\??\s*$")
SALES_PLACES = ("category", "country", "city", "segment", "region")
SOLD_WORDS = re.compile(r"\b(sell|sold|selling|sales|buy|buys|bought|buying|purchase|purchased|spend|spent|ban|ban duoc|mua|doanh so|doanh thu)\b")


def _supported(measure: str) -> set[str]:
    from backend.semantic.engine import supported_dimensions

    return set(supported_dimensions(measure))


def _sales_of_places(frame, found: dict[str, list[str]], memory: Memory) -> None:
    """'USA vs Canada this year', 'how much classical this year then', 'how much of that was TV Shows': places,
    segments or categories said with an amount, a period or a comparison and no figure are what they sold."""
    from assistant.planner.when import COMPARE_WORDS

    said = {d: v for d, v in found.items() if v and d in SALES_PLACES}
    if frame.measures or frame.conditions or frame.statuses or not said or frame.counting or frame.row:
        return
    compared = bool(COMPARE_WORDS.search(frame.folded))
    if not (frame.amount or compared or SOLD_WORDS.search(frame.folded)
            or (frame.period and len(frame.words) <= 6)):
        return
    frame.measures.append("revenue")
    if not frame.period and memory.intent in ("data", "report") and memory.args.get("period") \
            and OF_THAT.search(frame.folded):
        frame.period = memory.args["period"]   # "sales by genre this year" then "how much of that was TV Shows"
    several = [d for d, v in said.items() if len(v) >= 2]
    if several and compared and not frame.group_by:
        frame.group_by.append(several[0])   # "USA vs Canada": each on its row


def _tickets_listed(frame, customer: str | None, language: str) -> Plan | None:
    """'which high priority tickets are still open', 'list the urgent tickets that are open': the tickets themselves
    (numbers, subjects, customers), not a count of them by priority."""
    if frame.measures != ["open_tickets"] or not frame.listing or frame.counting or frame.single or frame.limit \
            or not set(frame.group_by) <= {"ticket_priority", "ticket_status"} or not _registered("list_tickets") \
            or re.search(r"\b(how many|bao nhieu|may|number of|so luong)\b", frame.folded) \
            or any(not any(d == g for d, _ in frame.statuses) for g in frame.group_by):
        return None   # ("open tickets by priority": counted per priority)
    args: dict[str, Any] = {"status": "unresolved"}
    priorities = [c for d, c in frame.statuses if d == "ticket_priority"]
    if len(priorities) == 1:
        args["priority"] = priorities[0]
    if customer:
        args["customer"] = customer
    return Plan(intent="tickets", tool="list_tickets", args=args, language=language)


# The things an amount is owed or expected on: "how many bills is that?" after what is overdue counts the overdue ones.
AMOUNT_COUNTED = {"overdue_payables": "overdue_bills", "open_payables": "open_bills", "open_receivables": "open_invoices",
                  "overdue_amount": "overdue_invoices", "pipeline_amount": "open_opportunities",
                  "supplier_payments_made": "supplier_payment_count", "payments_received": "payment_count"}


def _count_of_that(frame, shown) -> None:
    """'how much of that is overdue?' then 'how many bills is that?': the count of the things the last amount was
    on (the overdue bills), not of every bill ever."""
    from assistant.planner.frame import BUYING_SIDE, ROW_OF_COUNT

    twin = next((AMOUNT_COUNTED[m] for m in shown if m in AMOUNT_COUNTED), None)   # (the first amount asked)
    for i, name in enumerate(frame.measures):
        # ("bills" read as invoices: the supplier's, when the amount was on the buying side)
        row = ROW_OF_COUNT.get(BUYING_SIDE.get(name, name) if twin in BUYING_MEASURES else name)
        if twin and twin in MEASURES and ((row and ROW_OF_COUNT.get(twin) == row)
                                          or {name, twin} == {"payment_count", "supplier_payment_count"}):
            frame.measures[i] = twin   # ("tương ứng với bao nhiêu lần thanh toán?" after what we paid: our payments)


MY_CUSTOMERS = re.compile(r"\b(my|our) (customers?|accounts?|clients?)\b|\bkhach (hang )?cua (em|toi|minh)\b")
# Facts whose salesperson is the one assigned to the row (a ticket's assignee), not the customer's owner.
ASSIGNED_FACTS = {"tickets", "open_tickets", "resolutions", "interactions"}
STILL_SOLD = re.compile(r"\b(still (sold|sell|selling|available|active|in the catalogue|carried)|discontinued|"
                        r"con ban|ngung (ban|kinh doanh)|con kinh doanh|con duoc ban)\b")
# "Hoàng Long's last 5 orders", "5 đơn hàng gần nhất": how many of the latest
LAST_N = re.compile(r"\b(?:last|latest|recent|gan nhat|cuoi) (\d{1,2})\b|\b(\d{1,2}) (?:last|latest|most recent)\b"
                    r"|\b(\d{1,2}) (?:\w+ ){0,2}(?:gan nhat|gan day|moi nhat)\b")
LATEST = re.compile(r"\b(last|latest|most recent|most recently|gan nhat|lan cuoi|moi nhat|gan day nhat)\b")
SHIPPING = re.compile(r"\b(ship|shipped|ships|deliver|delivered|dispatched|arrive|arrived|giao hang|da giao|duoc giao|giao luc|giao ngay)\b")
CUSTOMER_NEEDED = {"overview", "contacts", "credit", "quote", "history", "new_ticket", "log"}


ENGLISH_WORDS = {"and", "what", "about", "how", "the", "of", "for", "in", "is", "are", "show", "me", "by", "with",
                 "please", "also", "then", "last", "this", "year", "month", "who", "which", "their", "them"}


def language_of(text: str) -> str:
    if VI_MARKERS.search(text):
        # "who is Trâm's manager?", "what's Hùng's email?": English around a Vietnamese name (a capitalised word)
        rest = " ".join(w for w in text.split() if not w[:1].isupper())
        words = set(fold(rest).split())
        if not VI_MARKERS.search(rest) and len(words & ENGLISH_WORDS) >= 2 and not words & VI_WORDS:
            return "en"
        return "vi"
    words = set(fold(text).split())
    return "vi" if len(words & VI_WORDS) >= 2 else "en"


@dataclass
class Plan:
    intent: str | None
    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)
    language: str = "en"
    question: str | None = None  # a clarifying question instead of a tool call
    customer_code: str | None = None
    via: str = "rules"
    hints: dict[str, Any] = field(default_factory=dict)   # how the answer should read (extremes, a single row)

    def to_dict(self) -> dict[str, Any]:
        return {"intent": self.intent, "tool": self.tool, "args": self.args, "language": self.language,
                "customer_code": self.customer_code, "hints": self.hints}


@dataclass
class Memory:
    """What earlier turns established: the customer in focus and the last intent."""

    customer_code: str | None = None
    intent: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[str]] = field(default_factory=dict)   # the last answer's rows (dimension -> their keys)
    period: str | None = None   # the last period the conversation named ("… in 2023", then "that year")


# Tools whose results carry sentences (titles, notes, reasons, watch-outs): they take the asker's language.
LANGUAGE_TOOLS = {"customer_overview", "check_credit", "customer_history", "run_report", "query_data"}


# The ledger's statements and the buying side's reports, by the names people give them (folded), most specific first.
STATEMENTS = [
    ("trial_balance", r"\b(trial balance|(bang )?can doi (so )?phat sinh|can doi tai khoan|(bang )?can doi thu)\b"),
    ("balance_sheet", r"\b(balance sheet|(bang )?can doi ke toan|tinh hinh tai chinh)\b"),
    ("profit_and_loss", r"\b(p ?& ?l|p l|pnl|p and l|profit (and|&) loss|income statement|lai lo(?! (do )?(chenh lech|ty gia))|"
                        r"ket qua (hoat dong )?kinh doanh)\b"),
    ("cash_flow", r"\b(cash ?flows?|luu chuyen tien( te)?|dong tien)\b"),
    ("ap_aging", r"\b(ap|a/p|payables?) (aging|ageing)\b|\baged payables\b|\btuoi no (phai tra|nha cung cap)\b"),
    ("purchases", r"\b(purchases?|purchasing) (report|by (supplier|vendor|category))\b|\bbao cao mua hang\b"),
    ("inventory_valuation", r"\b(inventory|stock) valuation\b|\bvaluation of (the )?(inventory|stock)\b|"
                            r"\b(dinh gia|gia tri) ton kho theo\b"),
]


# Words of a company's legal form, which name no particular supplier.
_LEGAL_WORDS = {"cong", "ty", "tnhh", "cp", "co", "ltd", "pte", "jsc", "inc", "llc", "corp", "corporation", "group",
                "tap", "doan", "international", "vietnam", "services", "trading", "the", "and", "of"}
BUYING_MEASURES = ("open_payables", "overdue_payables", "purchases", "supplier_payments_made", "open_bills",
                   "overdue_bills", "supplier_bills", "next_bill_due", "units_received", "goods_receipts", "last_receipt",
                   "purchase_orders", "purchase_order_value", "purchase_order_net", "supplier_bill_total", "po_expected_date",
                   "units_ordered", "units_on_order")
_BUYING_CUES = [("open_payables", r"\b(owe|owed|owing|no|phai tra|balance|con no|dang no)\b"),
                ("purchases", r"\b(purchase[sd]?|bought|buy|mua|nhap|bill(?:ed)? us|invoiced? us)\b"),
                ("supplier_bill_total", r"\b(tinh tien|tinh phi|charged us|charge us|billed us)\b"),
                ("supplier_payments_made", r"\b(paid|pay|payments?|thanh toan|tra tien|da tra|tra cho|(minh|chung ta|cong ty) "
                                           r"(da )?tra)\b"),
                ("supplier_bill_total", r"\b(billed by|invoiced by|been billed|been invoiced)\b"),
                ("goods_receipts", r"\b(deliveries|delivered|delivery|giao hang|shipped us|sent us)\b"),
                ("purchase_orders", r"\b(order(ed)? from|did we order|we ordered|have we ordered|(did we|we|have we) "
                                    r"place(d)? (with|at)|place(d)? with|dat (hang )?(cua|tu|ben))\b")]


SUPPLIER_WORDS = re.compile(r"\b(suppliers?|vendors?|nha cung cap|ncc|supplies|supplied)\b")
SUPPLIER_CUE_WORDS = {"who", "which", "ai", "nao", "usual", "usually", "normally", "thuong", "xuyen", "supplies", "supplied",
                      "supplier", "suppliers", "la", "cua", "our", "main", "chinh"}


# What is counted to find the values of a dimension ("how many genres": the products' categories).
_COUNTED_BY = ("customers", "products", "orders", "opportunities", "invoices")


def _dimension_counted(frame) -> tuple[str, str, str] | None:
    """'how many genres do we sell': a dimension named after a count cue, with no figure or thing to count."""
    from backend.semantic.engine import supported_dimensions

    # ("what are our genres?", "list the segments": the values themselves, each with its count)
    listed = not frame.counting and not frame.measures and not frame.period and bool(re.match(
        r"\s*(what are|list|show me|show|which are)( all)?( of)?( our| the| all| all the| all our| my)?\s+\w+s\s*\??\s*$",
        frame.folded))
    if not (frame.counting or listed) or frame.conditions or (frame.group_by and not (listed and len(frame.group_by) == 1)):
        return None
    # "how many different countries are our export customers in": the things the values are counted over may be
    # named after the dimension, never before it
    over = set(frame.measures) | ({frame.row_count} if frame.row_count else set())
    if not over <= set(_COUNTED_BY) or (frame.row and frame.row != "customer" and frame.row != "product"):
        return None
    for hit in frame.hits:
        dims = [t.target for t in hit.of("dimension")]
        if not dims or hit.of("count") or hit.of("measure"):
            continue
        if over and not re.search(r"\b(how many|bao nhieu|so) (different |distinct |khac nhau )?$",
                                  " ".join(frame.words[:hit.start]) + " "):
            continue
        dimension = dims[0]
        said = frame.words[hit.start:hit.end]
        if dimension in ("day", "week", "month", "quarter", "year") or not (said[-1].endswith("s") or hit.start > 0 and
                                                                           frame.words[hit.start - 1] in ("nhieu", "may")):
            continue   # "how many genres", "bao nhiêu nhóm hàng" — not "the Metal genre"
        measure = next((m for m in _COUNTED_BY if dimension in supported_dimensions(m)), None)
        if measure is not None:
            return dimension, measure, " ".join(frame.words[hit.start:hit.end])
    return None


def _role_cannot_see(session: Session, actor_id: int | None, measures: list[str]) -> bool:
    from backend.models import Employee

    actor = session.get(Employee, actor_id) if actor_id is not None else None
    return actor is not None and any(actor.role not in MEASURES[m].roles for m in measures if m in MEASURES)


SAME_PERIOD = re.compile(r"\b(?:for|in|over) the same (?:period|day|week|month|quarter|year)\b(?! last| a year| the year)|"
                         r"\bcung (?:ky|thang|quy|nam) (?:do|nay|ay)\b|\btrong cung (?:ky|thang|quy|nam)\b(?! nam ngoai)|"
                         r"\b(?:in|for|over|during) (?:that|this) (?:period|day|week|month|quarter|year)\b|"
                         r"\bthat (?:period|day|week|month|quarter|year)\b|"
                         r"\b(?:trong )?(?:ky|thang|quy|nam|tuan) (?:do|ay)\b")
BEFORE_THAT = re.compile(r"\b(before that|the one before|previous one|the (?:day|week|month|quarter|year) before|"
                         r"truoc do|truoc nua)\b")
AMONG_THOSE = re.compile(r"\b(which|who|what) (one )?(of|among) (them|those|these)\b|\b(ai|cai nao|ben nao|khach nao) trong (so )?"
                         r"(do|nay|nhung)\b|\btrong (so )?(do|nay) (thi )?(ai|cai nao|ben nao|khach nao|phieu nao|hoa don nao|"
                         r"don nao|co hoi nao)\b")
# "which is the oldest one?", "what's the biggest?", "cái nào lâu nhất?": one of the things just counted
# "and who was last?", "and the bottom one?", "còn ai thấp nhất?": the same ranking, from its other end
LAST_PLACE = re.compile(r"^\s*(and |what about |how about |con )?(who|which one|which|what|the|ai)?\s*(was|is|came|finished|s)?\s*"
                        r"(last|bottom|the bottom|dead last|the worst|worst|the lowest|lowest|the weakest|weakest|the least|"
                        r"thap nhat|cuoi cung|cuoi bang|kem nhat|yeu nhat|it nhat)( one| place| performer| performing)?\s*\??\s*$")
ONE_OF_THOSE = re.compile(r"^\s*(and |so )?(which|what)( one)?( is| was|'s| s)? the (?P<w>oldest|biggest|largest|latest|newest|"
                          r"earliest|smallest|most overdue)( one)?\s*\??\s*$|^\s*(con )?(cai|hoa don|don|phieu|khoan) nao "
                          r"(?P<vw>lau|lon|cu|moi|nho) nhat\s*\??\s*$")
# The latest of the things just counted ("when was the last one?") and the figure that dates it.
LAST_ONE = re.compile(r"\bwhen (was|did) (the|his|her|their|its) (last|latest|most recent) one\b|"
                      r"\b(the )?(last|latest|most recent) one\b|\blan cuoi (la )?(khi nao|bao gio|ngay nao)\b")
LATEST_OF = {"orders": "last_order", "revenue": "last_order", "units": "last_order", "payments_received": "last_payment",
             "payment_count": "last_payment", "goods_receipts": "last_receipt", "units_received": "last_receipt"}
# The oldest of the documents just listed: "how much is still open on the oldest one?"
OLDEST_OF_THOSE = re.compile(r"\b(the )?(oldest|earliest|most overdue|longest overdue) (one|invoice)\b|"
                             r"\b(which|what) (one|invoice) (is|was) (the )?(oldest|earliest|most overdue)\b|"
                             r"\b(which|what) (one )?of (those|them|these|the invoices) (is|was|'s) (the )?(oldest|earliest|"
                             r"most overdue|longest overdue)\b|"
                             r"\b(cai|hoa don) (cu|lau) nhat\b")
OF_THOSE_COUNT = re.compile(r"\b(how many|bao nhieu) (of )?(them|those|these|trong (so )?(do|nay))\b|"
                            r"\btrong (so )?(do|nay) (co )?bao nhieu\b")
IN_TOTAL = re.compile(r"\b(is that|are those|was that|of those|of them|in total|altogether|tat ca|tong cong|trong do)\b")


ALTOGETHER = re.compile(r"\b(altogether|all together|in total|total (?:value |amount |worth )?(of|on|for) (that|those|them|these)|"
                        r"(?:value|worth) of (?:all )?(?:those|these|them)|what ?'?s the total|"
                        r"what is the total|tong cong|tong (so )?tien|tong gia tri|tat ca (la )?bao nhieu|cong lai)\b")
WORTH_ALL = re.compile(r"\b(how much|what) (are|is|were) (they|those|these|them|that|it) (all )?worth\b|\bcombined\b|"
                       r"\bwhat ?(s|is|was) (his|her|their|its|the) total\b|\b(his|her|their) total\b|"
                       + ALTOGETHER.pattern)
BREAK_DOWN = re.compile(r"\b(break (that|it|this|those|them) (down|out)|split (that|it|this) (up|out|by)|"
                        r"^\s*(?:and |now |ok )?(?:split|broken out|break ?down|broke down) by|"
                        r"breakdown of (that|it|this)|broken down|chia (nho |ra )?(cai do |so do )?theo|"
                        r"phan (bo|tich) (so do |cai do )?theo|tach (ra )?theo)\b")


def _about_those(frame, memory: Memory, language: str, today: date) -> Plan | None:
    """Follow-ups about the rows just shown: 'which one of them bought the most?' ranks them; 'how many invoices is
    that in total?' counts the documents behind the figure."""
    from backend.semantic.engine import supported_dimensions
    from backend.semantic.measures import MEASURES

    args = {k: v for k, v in memory.args.items() if k not in ("limit", "order", "order_by")}
    one = ONE_OF_THOSE.search(frame.folded)
    shown = memory.args["measures"]
    from assistant.planner.data import VALUE_OF_COUNT

    # (what a count's things are worth: "how many deals did we win in 2016?" then "what was the biggest one?")
    counted = (MEASURES[shown[0]].counts_of or (VALUE_OF_COUNT.get(shown[0]) if one and one.group("w") in (
        "biggest", "largest", "smallest") else None)) if len(shown) == 1 else None
    if one and counted and not memory.args.get("group_by"):
        from assistant.planner.frame import ROW_OF_COUNT

        # "how many supplier bills are overdue?" then "which is the oldest one?": that one of the things counted
        row, amount = ROW_OF_COUNT.get(shown[0]), counted
        word = one.group("w") or one.group("vw") or ""
        if row and row in supported_dimensions(amount):
            oldest = word in ("oldest", "earliest", "most overdue", "lau", "cu")
            age = next((m for m in ("max_days_overdue", "bill_due_date") if oldest and row in supported_dimensions(m)
                        and (_same_fact(m, amount) or (m == "bill_due_date" and row == "bill"))), None)
            args["measures"] = [amount] + ([age] if age else [])
            args["group_by"] = [row]
            args["conditions"] = [{"measure": amount, "op": ">", "value": "0", "other": None}]
            args["order_by"] = age or amount
            args["order"] = "asc" if (age == "bill_due_date" or word in ("smallest", "nho")) else "desc"
            args["limit"] = 1
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        hints={"today": today.isoformat(), "single": True})
    if AMONG_THOSE.search(frame.folded) and (frame.single or frame.limit or frame.order):
        row = (memory.args.get("group_by") or ["customer"])[0]
        args["group_by"] = [row]
        from assistant.planner.lexicon import lexicon

        # the figure asked, or the one a condition said tests ("which of them owes us the most": what they owe)
        asked = list(frame.measures) or [lexicon().conditions[c["name"]].measure for c in frame.conditions
                                          if lexicon().conditions[c["name"]].other is None]
        if asked:
            args["measures"] = [m for m in dict.fromkeys(asked) if row in supported_dimensions(m)] or args["measures"]
            args.pop("conditions", None)
        keys = memory.rows.get(row)
        if keys and (args.get("limit") is None or len(keys) <= 50):
            # "my top 3 customers" then "which of them owes the most": among those three only
            args["filters"] = [f for f in args.get("filters", []) if f["dimension"] != row] + [
                {"dimension": row, "values": keys}]
            if args["measures"] != memory.args["measures"] and not frame.period:
                args.pop("period", None)   # (what they owe now, not this year's)
        args["limit"] = frame.limit or 1
        args["order"] = frame.order or "desc"
        return Plan(intent="data", tool="query_data", args=args, language=language,
                    hints={"today": today.isoformat(), "single": not frame.limit})
    those = AMONG_THOSE.search(frame.folded) or OF_THOSE_COUNT.search(frame.folded)
    if those and frame.counting and len(memory.args["measures"]) == 1 and not (frame.single or frame.limit):
        # "how many invoices are open?" then "and how many of them are overdue?": the narrower count of those things
        shown = memory.args["measures"][0]
        count = next((m.name for m in MEASURES.values() if m.counts_of and m.counts_of in frame.measures
                      and _refines(m.name, shown)), None)
        if count is not None:
            args["measures"] = [count]
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        hints={"today": today.isoformat()})
    counted_those = bool(OF_THOSE_COUNT.search(frame.folded))
    if (AMONG_THOSE.search(frame.folded) or counted_those) and frame.statuses \
            and not (frame.single or frame.limit or frame.order):
        # "how many tickets are unresolved?" then "which of those are urgent?" (or "how many of those were
        # urgent?"): those rows, in that state too
        shown = memory.args["measures"]
        added = [(d, c) for d, c in frame.statuses if all(d in supported_dimensions(m) for m in shown)]
        if added:
            filters = [dict(f) for f in memory.args.get("filters", [])]
            for dimension, code in added:
                current = next((f for f in filters if f["dimension"] == dimension), None)
                if current is None:
                    filters.append({"dimension": dimension, "values": [code]})
                else:
                    current["values"] = [code]
            if set(shown) <= {"open_tickets", "tickets_opened"} and _registered("list_tickets") and not counted_those:
                ticket_args: dict[str, Any] = {}
                for f in filters:
                    if f["dimension"] == "ticket_status":
                        ticket_args["status"] = f["values"][0] if len(f["values"]) == 1 else "unresolved"
                    elif f["dimension"] == "ticket_priority":
                        ticket_args["priority"] = f["values"][0]
                if "open_tickets" in shown:
                    ticket_args.setdefault("status", "unresolved")
                for key in ("customer",):
                    if memory.args.get(key):
                        ticket_args[key] = memory.args[key]
                return Plan(intent="tickets", tool="list_tickets", args=ticket_args, language=language)
            args["filters"] = filters
            from assistant.planner.frame import ROW_OF_COUNT

            row = next((ROW_OF_COUNT[m] for m in shown if m in ROW_OF_COUNT), None)
            if row and not counted_those and not args.get("group_by") and all(row in supported_dimensions(m) for m in shown):
                args["group_by"] = [row]
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        hints={"today": today.isoformat()})
    rows_of = set(memory.args.get("group_by") or ()) | {f["dimension"] for f in memory.args.get("filters") or ()}
    # ("which deals did we win in 2015?" then "total value of those": the deals' value — "value" is no revenue there)
    said_value = frame.measures == ["revenue"] and not rows_of <= set(supported_dimensions("revenue"))
    if ALTOGETHER.search(frame.folded) and (frame.amount or not frame.counting) and memory.args.get("group_by") \
            and (not frame.measures or said_value or set(frame.measures) <= set(memory.args["measures"])):
        # "which invoices are overdue?" then "how much is that altogether?": the same figure, its filters and period,
        # as one total
        kept = [c for c in memory.args.get("conditions", [])
                if not (c.get("op") == ">" and str(c.get("value")) == "0" and c.get("measure") in memory.args["measures"])]
        if kept:
            return None   # (rows that pass a condition have no plain total without them; "> 0" of the figure has)
        for key in ("group_by", "conditions"):
            args.pop(key, None)
        return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    if BREAK_DOWN.search(frame.folded):
        # "break that down by aging bucket", "chia theo tháng": the same figure, its filters and period, by that
        wanted = list(frame.group_by)
        if any(d == "aging_bucket" for d, _ in frame.statuses) and "aging_bucket" not in wanted:
            wanted.append("aging_bucket")   # "by aging bucket: current, 1-30, 31-60, 61-90, 91+"
        if "aging_bucket" in wanted:
            # "overdue payables" then "break it down by aging bucket": the aging is of all that is open, current too
            wider = [WIDER_FOR_AGING.get(m, m) for m in args["measures"]]
            args["measures"] = [m for i, m in enumerate(wider) if m not in wider[:i]]
        wanted = [d for d in wanted if all(d in supported_dimensions(m) for m in args["measures"])]
        if wanted:
            args["group_by"] = wanted
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        hints={"today": today.isoformat()})
    if frame.counting and IN_TOTAL.search(frame.folded) and len(frame.measures) == 1:
        asked = frame.measures[0]
        shown = list(memory.args["measures"])
        # the narrower count whose things the last figure was about ("overdue" -> the overdue invoices; of two
        # figures shown, the first asked: "overdue receivables" showed what is open beside it)
        count = next((m.name for figure in shown for m in MEASURES.values() if m.counts_of == figure and
                      (m.name == asked or _refines(m.name, asked))), None)
        if count is None:
            return None
        args["measures"] = [count]
        args.pop("group_by", None)
        args.pop("conditions", None)
        return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    return None


def _all_supported(dimensions: list[str], measures: list[str]) -> bool:
    from backend.semantic.engine import supported_dimensions

    return all(d in supported_dimensions(m) for d in dimensions for m in measures)


def _same_fact(a: str, b: str) -> bool:
    """Whether two measures are counted over the same rows (an invoice's days overdue, not a bill's)."""
    from backend.semantic.engine import atoms_of
    from backend.semantic.measures import MEASURES

    facts = [set(f for atom in atoms_of(m) for f in MEASURES[atom].on) for m in (a, b)]
    return bool(facts[0] & facts[1])


def _refines(narrow: str, wide: str) -> bool:
    from backend.semantic.measures import MEASURES

    while narrow:
        narrow = MEASURES[narrow].refines
        if narrow == wide:
            return True
    return False


THEIRS = re.compile(r"\b(them|they|their|theirs|cua ho|ho co|ben ho|ben do|nha cung cap nay|nha cung cap do)\b")


def _bills_asked(args: dict[str, Any], measures: list[str], frame) -> None:
    """A supplier's bills asked about: 'Double A: open bills and when is the next one due?', 'Tân Mai có hóa đơn nào
    quá hạn không?' list them; 'how many open bills, and for how much?' counts them with what is owed on them."""
    from assistant.planner.data import COUNT_FIGURES

    bills = [m for m in measures if m in ("open_bills", "overdue_bills", "supplier_bills")]
    if not bills:
        return
    if frame.counting:
        if frame.amount and re.search(r"\b(how much|for how much|bao nhieu tien|tong tien)\b", frame.folded):
            # "Google Ads bills this year — how many and how much?": what they came to over the period; what is
            # still owed on them when no period is asked
            flow = bills == ["supplier_bills"] and frame.period and not re.search(
                r"\b(owe|owed|open|unpaid|outstanding|con no|chua tra|phai tra)\b", frame.folded)
            amount = "supplier_bill_total" if flow else "open_payables"
            args["measures"] = measures + [m for m in (amount,) if m not in measures]
        return
    shown = list(COUNT_FIGURES.get(bills[0], ("open_payables",)))
    args["measures"] = list(dict.fromkeys(shown + [m for m in measures if m not in bills]))
    args["group_by"] = ["bill"]
    if bills[0] == "overdue_bills":
        args["conditions"] = [{"measure": "overdue_payables", "op": ">", "value": "0"}]


# Asking whom someone reports to, or who reports to them: the staff directory's reporting lines.
REPORTING = re.compile(r"\b(report|reports|reporting) (directly |straight )?to\b|\bworks? (for|under)\b|\b(my|his|her|their) (manager|boss|supervisor|line manager|team)\b|"
                       r"\b(manager|boss|supervisor) of\b|\bdirect reports\b|\b(who|ai) (is|la) (the )?(manager|boss|quan ly|sep)\b|"
                       r"\bquan ly (cua|truc tiep)\b|\bsep cua\b|\bcap tren\b|\bbao cao (cho|len)\b|\bteam of\b|"
                       r"\w(?:'| )?s team\b|\b(nhom|doi) cua\b|\w(?:'| )?s (manager|boss|supervisor|line manager)\b")
MY_LINE = re.compile(r"\b(do|am|should) i report to\b|\bmy (manager|boss|supervisor|line manager|team|direct reports)\b|"
                     r"\b(toi|em|minh) bao cao (cho|len) ai\b|\b(quan ly|sep|cap tren)( truc tiep)? cua (toi|em|minh)\b|"
                     r"\b(who|ai)( (is|are|does|do))? (reports?|reporting|bao cao)( directly| truc tiep)? (to|cho) "
                     r"(me|toi|em|minh)\b|\b(cap duoi|nhan vien) cua (toi|em|minh)\b")
# How many colleagues there are ("how many employees do we have?", "bao nhiêu nhân viên", "headcount").
STAFF_COUNT = re.compile(r"\bhow many (employees|staff|(people|ppl|persons) (work|are employed|do we (have|employ))|colleagues|team members|(sales ?reps|salespeople|support "
                         r"agents|accountants|managers)\b)|\bheadcount\b|\b(bao nhieu|may) (nhan vien|nguoi)\b|"
                         r"\bso (luong )?nhan vien\b")
# Where colleagues work: "based in Lethbridge", "who works out of Calgary", "nhân viên ở Hà Nội".
STAFF_PLACE = re.compile(r"\b(based|located|working|work|works|sitting|sit|employees|staff|colleagues|people|reps) (in|at|out of|from) "
                         r"(the )?(?P<en>[\w ]+?)( office| branch)?\s*\??$|\bin (the )?(?P<office>[\w ]+?) (office|branch)\b|"
                         r"\b(nhan vien|ai|dong nghiep)\b.{0,30}\b(o|tai) (van phong |chi nhanh )?(?P<vi>[\w ]+?)\s*\??$")
# A department by its initials: "who runs IT here?", "our IT person" (the admin role).
IT_ASKED = re.compile(r"\b(who|whom|ai)\b.{0,30}\bIT\b|\bIT (manager|person|admin|guy|support|department|team)\b|"
                      r"\bhead of IT\b|(?i:\bwho( is|'s| s|s)? (the|our) (system )?(admin|administrator|sysadmin)s?\b)")
# A colleague by their job rather than their name: "our finance person", "the support guy", "người bên kế toán".
ROLE_PERSON = re.compile(r"\b(our|the|my|a) (finance|accounting|accounts|support|sales) (person|guy|lady|people|contact|lead|"
                         r"team member|colleague)\b|\b(nguoi|chi|anh|ban) (ben |o |phong |bo phan )?(ke toan|tai chinh|ho tro)\b")
# A list of colleagues asked for, and the role its words name.
STAFF_LIST = re.compile(r"\b(list|danh sach|who are|show me|all)( of)?( our| the| all| cac| nhung)? (sales ?reps|salespeople|sales staff|"
                        r"sales team|support agents?|support staff|support team|finance team|accountants?|managers|staff|"
                        r"employees|colleagues|team members|nhan vien( kinh doanh| ban hang| ho tro| cham soc khach hang| ke toan"
                        r"| tai chinh)?|doi ngu( kinh doanh| ho tro)?)\b|\bwho works here\b|\bai lam (o )?(day|cong ty)\b")
# "who's on the finance team?", "who works in sales?", "ai phụ trách nhóm hỗ trợ khách hàng?": a team's members (the
# words of the team name no figure: "sales", "khách hàng")
TEAM_ASKED = re.compile(r"\b(who|ai)\b.{0,25}\b(on|in|trong|o|phu trach|thuoc|lead|leads|runs) (the |our |cac |)"
                        r"((nhom|bo phan|phong|team|department|dept) (sales|support|finance|accounting|kinh doanh|ban hang|"
                        r"ho tro( khach hang)?|cham soc khach hang|ke toan|tai chinh)|(sales|support|finance|accounting) "
                        r"(team|department|dept)|(sales|support|finance|accounting)\s*\??$)|"
                        r"\b(nhom|bo phan|phong|team|doi|doi ngu) (sales|support|finance|kinh doanh|ban hang|ho tro|"
                        r"cham soc khach hang|ke toan|tai chinh) (gom|co|la) (nhung )?(ai|nguoi nao)\b")
STAFF_ROLES = (("sales", r"sales|kinh doanh|ban hang"), ("support", r"support|ho tro|cham soc"),
               ("finance", r"finance|accountant|accounting|ke toan|tai chinh"), ("manager", r"\bmanagers\b"))
# What the directory holds about a colleague: how to reach them, their role and region.
COLLEAGUE_DETAIL = re.compile(r"\b(e-?mails?|email address|phone|number|contact|contact details|reach|region|role|position|"
                              r"based|located|office|where (is|does|do)|lam o dau|o dau|"
                              r"job|title|do (here|for us|for a living)|what does \w+( \w+)? do|lam (gi|viec gi)|chuc vu|vai tro|so dien thoai|dien thoai|lien he|khu vuc|dia chi email)\b")


def _staff_regions(session: Session) -> dict[str, str]:
    """The regions colleagues work in (folded -> as stored)."""
    from backend.models import Employee

    return {fold(r): r for r in session.execute(select(Employee.region).where(Employee.region.is_not(None))
                                                .distinct()).scalars()}


def _directory_plan(text: str, frame, extra, link: LinkResult, masked, language: str, session: Session,
                    memory: Memory) -> Plan | None:
    """'what's Steve Johnson's email?', 'who do I report to?', 'who reports to Nancy?': the staff directory — never a
    customer's contact or a colleague's figures."""
    folded = fold(text)
    if MY_LINE.search(folded) and link.customer is None:
        return Plan(intent="directory", tool="find_employees", args={"query": "me"}, language=language)
    if link.customer is None and not frame.measures and not frame.period and not re.search(
            r"\b(customers?|clients?|accounts?|khach|suppliers?|vendors?|nha cung cap|products?|san pham)\b", folded):
        counted = STAFF_COUNT.search(folded)
        place = STAFF_PLACE.search(folded)
        region = None
        if place is not None:
            said = (place.group("en") or place.group("office") or place.group("vi") or "").strip()
            region = _staff_regions(session).get(said)
        asked = counted or STAFF_LIST.search(folded) or (region and re.search(r"\b(who|ai|which|employees|staff|"
                                                                                r"colleagues|nhan vien)\b", folded))
        if asked and (region or counted):
            args: dict[str, Any] = {"query": None, "limit": 100}
            role = next((r for r, words in STAFF_ROLES if re.search(words, folded)), None)
            if role:
                args["role"] = role
            if region:
                args["region"] = region
            return Plan(intent="directory", tool="find_employees", args=args, language=language)
        if IT_ASKED.search(text):
            return Plan(intent="directory", tool="find_employees", args={"role": "admin"}, language=language)
        person = ROLE_PERSON.search(folded)
        if person:
            # "what's the email for our finance person?": the colleagues of that role
            role = next((r for r, words in STAFF_ROLES if re.search(words, person.group(0))), None)
            if role:
                return Plan(intent="directory", tool="find_employees", args={"role": role}, language=language)
        if memory.intent == "directory" and memory.args.get("query") != "me" \
                and (memory.args.get("query") or memory.args.get("role")) \
                and extra.employee(text, exclude=masked) is None and (
                    re.search(r"\b(him|her|them|they|their|his|he|she|anh ay|chi ay|nguoi do|ho)\b", folded)
                    and (REPORTING.search(folded) or COLLEAGUE_DETAIL.search(folded)
                         or re.search(r"\b(where|based|o dau)\b", folded))):
            # "who reports to him?", "and where are they based?": the colleague just looked up, with their team
            return Plan(intent="directory", tool="find_employees", args=dict(memory.args), language=language)
    if re.match(r"\s*(who(?: is| s)?|ai la) (the |our |)(manager|boss|general manager|gm|sales manager|quan ly|sep|giam doc)"
                r"( here| of the company| o day| cong ty)?\s*\??\s*$", folded) and link.customer is None:
        # "who is the manager?": the colleagues of that role
        return Plan(intent="directory", tool="find_employees", args={"role": "manager"}, language=language)
    covers = re.search(r"\bwho (covers|handles|looks after|is responsible for|runs|manages|works) (the |teh |our )?(?P<r>[\w ]+?) "
                       r"(region|territory|area)\b|\bai (phu trach|lo|quan ly) (khu vuc|vung|mien) (?P<v>[\w ]+?)\s*\??$", folded)
    named_region = re.search(r"\b(who|which (reps?|salesperson|salespeople|person|colleague|one)) (covers|handles|looks after|"
                             r"is responsible for|runs|manages|works in|works)( in)? (the |teh |our )?(?P<r>[\w ]+?)\s*\??$", folded)
    if covers is None and named_region and link.customer is None and not frame.measures \
            and named_region.group("r").strip() in (extra.values.get("region") or {}):
        # "which rep covers the Northeast?": a stored region named without the word for one
        return Plan(intent="directory", tool="find_employees", args={"region": named_region.group("r").strip()},
                    language=language)
    if covers and link.customer is None and not frame.measures:
        # "who covers the Northeast region?": the colleagues of that region
        region = (covers.group("r") or covers.group("v") or "").strip()
        region = {"mien bac": "north", "bac": "north", "mien nam": "south", "nam": "south", "mien trung": "central",
                  "trung": "central"}.get(region, region)   # (the regions are stored in English)
        if region:
            return Plan(intent="directory", tool="find_employees", args={"region": region}, language=language)
    team = TEAM_ASKED.search(folded)
    if team and not frame.period and link.customer is None:
        role = next((r for r, words in STAFF_ROLES if re.search(words, team.group(0))), None)
        if role:
            return Plan(intent="directory", tool="find_employees", args={"role": role}, language=language)
    staff = STAFF_LIST.search(folded)
    if staff and not frame.measures and not frame.conditions and not frame.period and link.customer is None:
        # "danh sách nhân viên kinh doanh", "who are our support agents?": the directory, by role
        role = next((r for r, words in STAFF_ROLES if re.search(words, staff.group(0))), None)
        args = {"role": role} if role else {"query": None}
        return Plan(intent="directory", tool="find_employees", args=args, language=language)
    colleague = extra.employee(text, exclude=masked)
    if colleague is None or frame.measures or frame.conditions or frame.period:
        return None
    if not (REPORTING.search(folded) or COLLEAGUE_DETAIL.search(folded)):
        return None
    full_name = bool(re.search(rf"\b{re.escape(fold(colleague.name))}s?\b", folded))   # ("steve johnsons email")
    if link.customer is not None and not (full_name and link.span and set(tokens_of(text)[link.span[0]:link.span[1]])
                                          <= set(fold(colleague.name).split())):
        return None   # "what's Patricia's email at Big Sky?": the customer's contact
    return Plan(intent="directory", tool="find_employees", args={"query": colleague.name}, language=language)


BILLS_LISTED = re.compile(r"\b(which|what|any) (of (their|the|its) )?bills\b|\bany (overdue |open |unpaid |late )?bills?\b|"
                          r"\b(which|what) (ones|of (those|them|these))\b|\b(cai|nhung cai) nao\b|"
                          r"\bhoa don nao\b|\bnhung hoa don\b|\bcac hoa don\b")


def _bills_listed(measures: list[str], frame) -> list[str]:
    """'nhà cung cấp Hồng Hà có hóa đơn nào quá hạn không', 'which of their bills are overdue': the bills themselves
    (their count's rows), not the amount alone."""
    if measures == ["overdue_payables"] and BILLS_LISTED.search(frame.folded) and not frame.counting:
        return ["overdue_bills"]
    if measures == ["open_payables"] and BILLS_LISTED.search(frame.folded) and not frame.counting:
        return ["open_bills"]
    return measures


def _said_not(folded: str, words: set[str] | None) -> bool:
    """Whether a stored value is named only to be set aside: 'in cash (not bank transfer)', 'không phải chuyển khoản'."""
    if not words:
        return False
    said = r"\s+".join(re.escape(w) for w in sorted(words, key=lambda w: folded.find(w)))
    return bool(re.search(rf"\b(not|but not|rather than|instead of|khong phai|chu khong phai)\s+(by\s+|via\s+|bang\s+)?{said}\b",
                          folded))


def _bills_due(args: dict[str, Any], frame) -> None:
    """'which APP Việt Nam bills fall due in January?': that supplier's open bills due in those days."""
    if frame.due_window is not None:
        first, last = frame.due_window
        args.update(measures=["open_payables", "next_bill_due"], group_by=["bill"], conditions=[
            {"measure": "next_bill_due", "op": ">=", "value": str(first)},
            {"measure": "next_bill_due", "op": "<=", "value": str(last)}])


def _their_bills(frame, memory: Memory, language: str, today: date) -> Plan | None:
    """'công nợ phải trả cho Tân Mai' then 'có hóa đơn nào của họ quá hạn không?': the same supplier's bills."""
    from assistant.planner.frame import BUYING_SIDE

    supplier = [f for f in memory.args.get("filters", []) if f.get("dimension") == "supplier"]
    if not supplier or not set(memory.args.get("measures", ())) & set(BUYING_MEASURES):
        return None
    measures = [BUYING_SIDE.get(m, m) for m in frame.measures]
    measures = [m for m in measures if m in BUYING_MEASURES]
    if not measures:
        return None
    if "bill" in (memory.args.get("group_by") or ()) and measures == ["overdue_payables"] and not frame.counting:
        measures = ["overdue_bills"]   # "… open bills with them?" then "which of those are already overdue?": those bills
    measures = _bills_listed(measures, frame)
    args: dict[str, Any] = {"measures": measures, "filters": supplier}
    _bills_asked(args, measures, frame)
    _orders_asked(args, measures, frame)
    _bills_due(args, frame)
    if frame.period:
        args["period"] = frame.period
    if language == "vi":
        args["language"] = "vi"
    return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})


def _understood(frame, link: LinkResult, language: str) -> list[str]:
    """What a request that led nowhere did say, in words the asker can check ("period: 2026", "customer: X")."""
    from backend.semantic.dimensions import DIMENSIONS
    from backend.words import word

    vi = language == "vi"
    out = []
    if link.customer is not None:
        out.append(("khách hàng: " if vi else "customer: ") + link.customer.name)
    for name in frame.measures:
        words = MEASURES[name].words
        out.append(("số liệu: " if vi else "figure: ") + (words.vi if vi else words.en))
    for name in frame.group_by:
        words = DIMENSIONS[name].words
        out.append(("theo: " if vi else "by: ") + (words.vi if vi else words.en))
    for dimension, code in frame.statuses:
        out.append(("trạng thái: " if vi else "status: ") + word(code, language))
    if frame.period:
        out.append(("kỳ: " if vi else "period: ") + frame.period)
    return out


PLACE_BRACKETS = {"vietnam", "viet nam", "singapore", "hong kong", "china", "thailand", "japan", "korea", "usa",
                  "hcm", "ha noi", "hanoi", "saigon", "sai gon"}


def _supplier_named(session: Session, text: str, today: date) -> tuple[str, set[str]] | None:
    """The supplier a question names (its name, and the words that named it): by code, by the words in brackets
    ("Digiworld"), by its name without the legal form ("Double A", "Thiên Long") or by that name's first word when no
    other supplier's name starts with it ("Google"); the longest match wins."""
    from collections import Counter

    from sqlalchemy import select

    from backend.models import Supplier

    folded = " " + " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split()) + " "
    suppliers = []
    for code, name in session.execute(select(Supplier.code, Supplier.name).where(Supplier.active.is_(True))):
        # (a bracket that only says where — "Double A (Vietnam)" — names no supplier)
        bracketed = [b for b in (" ".join(fold(b).split()) for b in re.findall(r"\(([^)]*)\)", name))
                     if b not in PLACE_BRACKETS]
        plain = re.sub(r"\bviet nam\b", " ", re.sub(r"[^\w\s]", " ", fold(re.sub(r"\([^)]*\)", " ", name))))
        core = [w for w in plain.split() if w not in _LEGAL_WORDS]
        # the first word alone ("Google"), and the last words ("Tân Mai" of "Giấy Tân Mai"), if no other name has them
        parts = core[:1] + [" ".join(core[i:]) for i in range(1, len(core) - 1)]
        suppliers.append((name, [fold(code)] + bracketed + ([" ".join(core)] if core else []), parts, " ".join(core)))
    shared = Counter(part for _, _, parts, _ in suppliers for part in parts)
    best: tuple[int, str, set[str]] | None = None
    for name, phrases, parts, whole in suppliers:
        phrases = phrases + [p for p in parts if len(p) >= 5 and shared[p] == 1]
        for phrase in phrases:
            # a three-letter name ("APP" of "Công ty TNHH APP Việt Nam") only written in capitals
            short = len(phrase) == 3 and phrase == whole and re.search(rf"\b{phrase.upper()}\b", text)
            if (len(phrase) >= 4 or short) and f" {phrase} " in folded and (best is None or len(phrase) > best[0]):
                best = (len(phrase), name, set(phrase.split()))
    if best is None:
        # a long name typed a letter off ("Shenzen Kingdom"): a name of seven letters or more, or of two words and
        # ten letters, one supplier's this close
        from rapidfuzz import fuzz

        from assistant.planner.linker import COMMON_WORDS

        # (not through the words of a period: "Đức Phong năm ngoái" is no "Phương Nam")
        words = " ".join(re.sub(r"[^\w\s]", " ", _without_periods(text, today)).split()).split()
        near = {}
        for name, phrases, parts, whole in suppliers:
            for phrase in phrases + [p for p in parts if shared[p] == 1]:
                size = len(phrase.split())
                if len(phrase) < (10 if size >= 2 else 7):
                    continue
                for start in range(len(words) - size + 1):
                    run = " ".join(words[start:start + size])
                    if run != phrase and fuzz.ratio(run, phrase) >= 90 and not (size == 1 and run in COMMON_WORDS):
                        near.setdefault(name, set()).update(run.split())
        if len(near) == 1:
            name, said = next(iter(near.items()))
            return name, said
    return (best[1], best[2]) if best else None


# Orders placed with a supplier, asked for in words: "on order with them", "what have we ordered from Tân Mai".
ON_ORDER_WITH = re.compile(r"\b(on order (with|from)|(have|did|do) we (got )?(ordered|order) from|ordered from|"
                           r"(dat|dat hang|dat mua) (cua|tu|voi|ben)|dang dat (cua|ben))\b")
WHAT_ORDERED = re.compile(r"\b(what|which|anything|any|nhung gi|cai gi|nhung don nao|don nao)\b")


def _orders_asked(args: dict[str, Any], measures: list[str], frame) -> None:
    """A supplier's purchase orders in a state ("đơn mua hàng nào của Double A chưa nhận đủ?"): those orders, listed
    when asked which, by the state named."""
    if "po_expected_date" in measures and "units_received" in measures and any(
            d == "po_status" for d, _ in frame.statuses):
        # "các đơn mua hàng chưa nhận đủ hàng, bao giờ hàng về?": "nhận đủ" says which orders; when they come is asked
        measures = ["po_expected_date"]
        args["measures"] = measures
    if measures in (["purchase_order_value"], ["purchase_order_net"]):
        # "what are our open purchase orders with Hồng Hà worth before VAT?": those orders' worth, each one listed
        codes = [code for dimension, code in frame.statuses if dimension == "po_status"]
        if codes:
            args["filters"] = args.get("filters", []) + [{"dimension": "po_status", "values": codes}]
            if frame.listing and not frame.counting:
                args["group_by"] = ["purchase_order", "po_status"]
        return
    if measures not in (["purchase_orders"], ["po_expected_date"]):
        return
    codes = [code for dimension, code in frame.statuses if dimension == "po_status"]
    if not codes and measures == ["po_expected_date"]:
        codes = ["sent", "partially_received"]   # "Thiên Long's orders — when will they arrive?": those still to come
    if not codes and re.search(r"\bon order\b|\bdang dat\b", frame.folded):
        codes = list(rules.ON_ORDER_STATUSES)   # "anything on order with them?": drafts and orders not received in full
    if codes:
        args["filters"] = args.get("filters", []) + [{"dimension": "po_status", "values": codes}]
    listed = frame.listing or (measures == ["purchase_orders"] and bool(WHAT_ORDERED.search(frame.folded)))
    if measures == ["po_expected_date"] and frame.row == "purchase_order" or listed and not frame.counting:
        # ("when are the open Double A orders due to arrive?": each order with its date)
        args["measures"] = ["purchase_order_value", "po_expected_date"]
        args["group_by"] = ["purchase_order", "po_status"]


def _usual_supplier(session: Session, sku: str | None) -> tuple[str, set[str]] | None:
    """The supplier a product is bought from, as _supplier_named gives it ("do we have anything on order with them?"
    after a product's record)."""
    from backend.models import Product, Supplier

    name = session.execute(select(Supplier.name).join(Product, Product.supplier_id == Supplier.id)
                           .where(Product.sku == sku)).scalar() if sku else None
    return (name, set(re.sub(r"[^\w\s]", " ", fold(name)).split())) if name else None


def _supplier_plan(session: Session, text: str, frame, link: LinkResult, language: str, today: date,
                   named: tuple[str, set[str]] | None = None) -> Plan | None:
    """'what do we owe Double A?', 'mình mua của Double A bao nhiêu năm 2026': that supplier's payables or purchases."""
    from assistant.planner.frame import BUYING_SIDE

    # The words first (no query): only a question about owing, buying or paying, or about a supplier's terms and
    # contacts, can be about a supplier.
    cued = any(re.search(cue, frame.folded) for _, cue in _BUYING_CUES) or bool(SUPPLIER_WORDS.search(frame.folded))
    # a figure of selling ("giấy Double A bán được bao nhiêu") has a buying-side twin only when the words are about
    # buying, or a document of ours has one ("Tân Mai có hóa đơn nào quá hạn không": their bills)
    documents = {"overdue_invoices", "open_invoices", "invoices", "earliest_due", "overdue_amount", "open_receivables"}
    twin = dict(BUYING_SIDE, orders="purchase_orders") if frame.counting else BUYING_SIDE   # ("how many orders …")
    measures = list(dict.fromkeys(twin.get(m, m) for m in frame.measures
                                  if m in BUYING_MEASURES or ((cued or (m in documents and link.customer is None))
                                                              and BUYING_SIDE.get(m) in BUYING_MEASURES)))
    if not measures and all(MEASURES[m].counts is not None for m in frame.measures):
        # (a figure named for itself keeps its meaning: "nhập về bao nhiêu thùng giấy Double A" is units received)
        measures = [m for m, cue in _BUYING_CUES if re.search(cue, frame.folded)][:1]
    if not measures and ((any(d == "po_status" for d, _ in frame.statuses)
                          and re.search(r"\b(ordered|order|orders|pos?|dat|dat hang|don mua)\b", frame.folded))
                         or ON_ORDER_WITH.search(frame.folded)):
        measures = ["purchase_orders"]   # "what have we ordered from Tân Mai that hasn't arrived yet?": its orders
    profile = bool(SUPPLIER_PROFILE.search(frame.folded)) and not frame.period
    if not measures and not profile:
        return None
    spoken_of = named is not None
    named = named or _supplier_named(session, text, today)
    if named is None:
        return None
    supplier, words = named
    if link.customer is not None and words <= set(link.customer.core):
        return None  # the customer's own name holds the words: the customer is meant
    if not spoken_of and not SUPPLIER_WORDS.search(frame.folded) and not re.search(r"\b(from|tu|cua|cho|to|with)\s+" + r"\s+".join(
            map(re.escape, sorted(words, key=lambda w: fold(text).find(w)))), frame.folded):
        said = set(frame.words)
        for product in entity_index(session).products:
            tokens = set(product.tokens)
            extra = (tokens - words) & said
            if words <= tokens and (len(extra) >= 2 or (extra and frame_mod.UNITS_ASKED.search(frame.folded))):
                # "units of Giấy A4 Double A 80gsm", "how many boxes of A3 Double A": the product called so, not
                # the supplier
                return None
    if profile and _registered("find_suppliers"):
        # "what are Brother Singapore's payment terms?", "who's our contact at Double A": the supplier's record
        return Plan(intent="find_supplier", tool="find_suppliers", args={"query": supplier, "limit": 1}, language=language)
    measures = _bills_listed(measures, frame)
    args: dict[str, Any] = {"measures": measures, "filters": [{"dimension": "supplier", "values": [supplier]}]}
    from backend.semantic.engine import supported_dimensions

    documents = [d for d in frame.group_by if d in ("receipt", "purchase_order", "bill")]
    if documents and all(d in supported_dimensions(m) for m in measures for d in documents):
        args["group_by"] = documents   # "how many deliveries this week, and the receipt numbers?": each one
    if measures == ["supplier_payments_made"] and LATEST.search(frame.folded) and not frame.period:
        # "lần cuối mình trả tiền cho Double A là khi nào, bao nhiêu?": the latest day paid, and how much
        args.update({"group_by": ["day"], "order_by": "day", "order": "desc", "limit": 1, "period": "all"})
    _bills_asked(args, measures, frame)
    if set(measures) == {"open_payables", "overdue_payables"} and BILLS_LISTED.search(frame.folded):
        # "công nợ Hồng Hà bao nhiêu, có cái nào quá hạn không": the open bills, each with what is overdue on it
        # and when it is due (the totals say how much in all)
        args.update(measures=["open_payables", "overdue_payables", "bill_due_date"], group_by=["bill"],
                    conditions=[{"measure": "open_payables", "op": ">", "value": "0"}])
    _orders_asked(args, measures, frame)
    _bills_due(args, frame)
    if frame.period:
        args["period"] = frame.period
    if language == "vi":
        # "how much did we purchase from Thiên Long": the supplier's accents say nothing of the asker's language
        named = words | set(re.sub(r"[^\w\s]", " ", fold(supplier)).split())   # all of the supplier's name
        language = _language_beside(text, named)
    if language == "vi":
        args["language"] = "vi"
    return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})


SUPPLIER_PROFILE = re.compile(r"\b(terms|payment terms|contacts?|phone|email|e-mail|currency|address|dieu khoan|"
                              r"thoi han thanh toan|lien he|so dien thoai|tra cham|ky han|(bang )?tien gi|dong tien nao|"
                              r"(may|bao nhieu) ngay (de )?thanh toan|what currency|which currency)\b")
DOCUMENT_WORDS = re.compile(r"\b(pdf|html|markdown|document|file|tai lieu|xuat file|ban in)\b")


def _statement_named(text: str) -> str | None:
    from assistant.planner.intents import correct_typos

    t = correct_typos(fold(text))
    return next((name for name, pattern in STATEMENTS if re.search(pattern, t)), None)


def _report_for(text: str, slots: slot_mod.Slots) -> dict[str, Any]:
    from assistant.planner.intents import correct_typos

    t = correct_typos(fold(text))
    args: dict[str, Any] = {}
    checks = [
        *STATEMENTS,
        ("ar_aging", r"\b(aging|ageing|tuoi no|owes? (us )?(the )?most|no nhieu nhat)\b"), ("overdue_invoices", r"\b(overdue|qua han|past due|late pay)"),
        ("pipeline", r"\b(pipeline|forecast|du bao|co hoi)\b"), ("commissions", r"\b(commissions?|hoa hong)\b"),
        ("restock", r"\b(restock|restocking|reorder|re-order|running low|low stock|out of stock|nhap them|sap het)"),
        ("customer_lifetime_value", r"\b(lifetime|clv|ltv)\b"), ("open_orders", r"\b(open orders|unshipped|chua giao|not (yet )?shipped)\b"),
        ("sales_by_product", r"\b(products?|skus?|items?|best[- ]selling|(best|top|worst)[- ]?sellers?|san pham|mat hang|"
                             r"what did (we|i) sell)\b"),
        ("sales_by_salesperson", r"\b(salespeople|salesperson|sales ?reps?|reps|by rep|nhan vien|sellers?)\b"),
        ("sales_by_country", r"\b(country|countries|quoc gia|nuoc)\b"), ("sales_by_region", r"\b(regions?|vung|mien)\b"),
        ("sales_by_customer", r"\b(customers?|clients?|accounts?|khach hang|khach)\b"),
    ]
    report = "sales_over_time"
    for name, pattern in checks:
        if re.search(pattern, t):
            report = name
            break
    args["report"] = report
    if report == "sales_over_time":
        group = re.search(r"\b(?:by|per|each|theo)\s+(day|week|month|quarter|year|ngay|tuan|thang|quy|nam)\b", t)
        vi = {"ngay": "day", "tuan": "week", "thang": "month", "quy": "quarter", "nam": "year"}
        if group:
            args["group_by"] = vi.get(group.group(1), group.group(1))
        elif re.search(r"\b(monthly|hang thang)\b", t):
            args["group_by"] = "month"
        elif re.search(r"\b(quarterly|hang quy)\b", t):
            args["group_by"] = "quarter"
        elif re.search(r"\b(yearly|annually|hang nam)\b", t):
            args["group_by"] = "year"
        elif re.search(r"\b(weekly|hang tuan)\b", t):
            args["group_by"] = "week"
        elif slots.period and re.fullmatch(r"\d{4}-\d{2}|last-month|this-month", slots.period):
            args["group_by"] = "week"
        else:
            args["group_by"] = "month"
    if slots.period and report not in {"restock", "ar_aging", "overdue_invoices", "open_orders"}:
        args["period"] = slots.period
    if slots.top_n:
        args["top_n"] = slots.top_n
    return args


_DOCUMENTS = [*((name.replace("_", "-"), pattern) for name, pattern in STATEMENTS), ("ar-aging", r"\b(aging|ageing|tuoi no|receivables?|collections?|overdue|cong no)\b"),
              ("pipeline", r"\b(pipeline|forecast|du bao)\b"), ("restock", r"\b(restock|reorder|stock|ton kho|nhap hang)\b"),
              ("commissions", r"\b(commissions?|hoa hong)\b"),
              ("top-customers", r"\b(top customers|lifetime|clv|khach hang lon)\b")]


def _document_for(text: str, slots: slot_mod.Slots, language: str) -> dict[str, Any]:
    """'write me the October sales report' -> write_report(report=sales, period=2026-10, format=pdf)."""
    t = fold(text)
    report = next((name for name, pattern in _DOCUMENTS if re.search(pattern, t)), "sales")
    args: dict[str, Any] = {"report": report, "format": "pdf", "language": language}
    if re.search(r"\b(html|web page)\b", t):
        args["format"] = "html"
    elif re.search(r"\b(markdown|md)\b", t):
        args["format"] = "md"
    if slots.period:
        args["period"] = slots.period
    return args


def _warehouses(session: Session) -> dict[str, str]:
    """Folded warehouse code -> code, for 'reorder paper for HAN'."""
    from sqlalchemy import select

    from backend.models import Warehouse

    return {fold(code): code for code in session.execute(select(Warehouse.code)).scalars()}


def _names_a_report(text: str) -> bool:
    """True when the words themselves say which report (not just a new period for the previous one)."""
    return _report_for(text, slot_mod.Slots())["report"] != "sales_over_time" or bool(
        re.search(r"\b(revenue|sales|doanh thu|doanh so)\b", fold(text)))


_QUOTE_LINE = re.compile(
    r"(?P<qty>\d{1,6})\s*(?:x|×|\*)?\s*(?:(?:boxes|box|reams|ream|cases|case|packs|pack|units|pcs|cartons|carton|thung|hop|ram|cai|chiec|goi)\s+(?:of\s+)?)?"
    r"(?P<what>[^,;]+?)(?=\s*(?:,|;|\band\b|\bva\b|\bto\b|\bfor\b|\bcho\b|\bat\b|\bwith\b|\bvoi\b|\d+(?:[.,]\d+)?\s*%|$))")


def quote_lines(text: str, index, default_discount: Decimal | None) -> tuple[list[dict[str, Any]], list[str]]:
    """'20 x A4 paper and 5 toner, 5% off' -> lines with a product reference (SKU when sure), quantity, discount."""
    t = slot_mod.plain(text)
    t = re.sub(r"^\s*(please\s+)?(make |create |draft |prepare |send |lam |tao )?(a |an )?(new )?(quote|quotation|bao gia)\s*(for|cho)?\s*", "", t)
    lines, unsure = [], []
    for m in _QUOTE_LINE.finditer(t):
        what = m.group("what").strip()
        what = re.sub(r"^(of|the)\s+", "", what)
        if not what or what.startswith("%") or re.fullmatch(r"[\d\s%.,]+", what) or re.search(r"\b(days?|ngay)\b", what):
            continue
        product, candidates = index.link_product(what)
        reference = product.sku if product else what
        if product is None:
            unsure.append(what)
        line: dict[str, Any] = {"product": reference, "quantity": int(m.group("qty"))}
        if default_discount is not None:
            line["discount_pct"] = str(default_discount)
        lines.append(line)
    return lines, unsure


def _customer_phrase(text: str) -> str | None:
    """The words naming a customer when no record matched ('... with Acme Foods before ...')."""
    t = text.strip().rstrip("?.!")
    m = re.search(r"\b(?:with|for|at|on|about|to|of|from|cho|cua|của|với|voi|về|ve)\s+([A-ZÀ-Ỹ0-9][\w&.'-]*(?:\s+[A-ZÀ-Ỹ0-9][\w&.'-]*){0,5})", t)
    return m.group(1).strip() if m else None


WRITE_INTENTS = {"quote", "new_ticket", "log", "approve", "convert", "write_report", "reorder"}
# Reports whose own definition is a condition the frame also reads ("who owes the most" is the aging).
REPORT_CONDITIONS = {"ar_aging": {"owes_money", "has_overdue"}, "overdue_invoices": {"owes_money", "has_overdue"},
                     "restock": {"below_reorder_level"}}
# What each non-sales report's rows are: a grouping outside these is the model's to answer ("overdue by rep").
# The rows of each "sales by X" report, as query_data's dimension (its salesperson is the data's owner).
SALES_REPORT_ROWS = {d.report: ("owner" if name == "salesperson" else name) for name, d in SALES_BY.items()}
def sales_report_as_query(plan: Plan) -> Plan | None:
    """A sales report asked by a role that may not run reports but may query the figures (support sees revenue):
    the same revenue over the same rows, period and filters, through query_data."""
    args = plan.args or {}
    report = args.get("report")
    if plan.tool != "run_report" or (report not in SALES_REPORT_ROWS and report != "sales_over_time"):
        return None
    query: dict[str, Any] = {"measures": ["revenue", "orders"]}
    rows = [SALES_REPORT_ROWS[report]] if report in SALES_REPORT_ROWS else (
        [args["group_by"]] if isinstance(args.get("group_by"), str) else list(args.get("group_by") or []))
    if rows:
        query["group_by"] = rows
    if args.get("period"):
        query["period"] = args["period"]
    if args.get("customer"):
        query["customer"] = args["customer"]
    if args.get("salesperson"):
        query["owner"] = args["salesperson"]
    if args.get("top_n"):
        query["limit"] = args["top_n"]
    if plan.language == "vi":
        query["language"] = "vi"
    return Plan(intent="data", tool="query_data", args=query, language=plan.language, customer_code=plan.customer_code,
                hints=dict(plan.hints or {}))


REPORT_ROWS = {"pipeline": {"stage"}, "ar_aging": {"customer", "aging_bucket"}, "overdue_invoices": {"invoice", "customer"},
               "customer_open_invoices": {"invoice"}, "open_orders": {"order", "customer"},
               "restock": {"product", "warehouse"}, "commissions": {"owner"}, "customer_lifetime_value": {"customer"},
               "payments_received": {"customer"}}
# A question about a rule, not a figure: what the handbook answers.
# A threshold of a rule asked about ("at what overdue age does an account go on credit hold?"): the handbook's.
RULE_THRESHOLD = re.compile(r"\b(at what (?:overdue )?(?:age|point|stage|level|amount|threshold)|when (?:does|do|is) (?:an? |the )?"
                            r"(?:account|customer|order|quote)s? (?:go|put|placed|get|gets|goes))\b")
# A limit or a permission asked so plainly that it is the handbook's whatever the other words ("the most cash a customer
# can pay at the counter", "are reps allowed to …", "who has to approve …").
RULE_ASKED = re.compile(r"\bthe most (cash|money|discount|credit) .{0,30}\b(can|may)\b|\b(is|are) (we|i|reps?|sales reps?|"
                        r"support|finance) allowed to\b|\bwho (has|needs|must) to approve\b")
POLICY = re.compile(r"\b(how long|how soon|how fast|how quickly|response time|respond within|resolution target|"
                    # "what's the cash payment limit per transaction?", "what's the commission rate?", "what do I do if
                    # a customer received the wrong item?": the rule, not a figure
                    r"limit per|per transaction|commission rate|rate of commission|ty le hoa hong|phan tram hoa hong|"
                    r"hoa hong .{0,40}phan tram|what (?:do|should) (?:i|we) do (?:if|when|about)|what to do (?:if|when)|"
                    r"(?:phai|nen) lam gi|lam gi khi|"
                    r"starting (?:credit|limit)|free delivery|free shipping|mien phi giao|business days|working days|"
                    r"delivery (?:is )?free|trong bao nhieu ngay|can (?:a|the) customers? pay|net \d+|"
                    r"payment terms? options?|margin floor|payment terms? (?:for|of|on) (?:key|new|export|government|"
                    r"school|big|large|small|vip|enterprise|smb|retail|wholesale)|"
                    r"(?:han|thoi han|dieu khoan|ky han) thanh toan (?:cho|cua|doi voi|danh cho|ap dung cho) (?:cac )?"
                    r"(?:khach hang |khach )?(?:trong diem|moi|thong thuong|xuat khau|nha nuoc|truong hoc|vip|lon|nho|"
                    r"doanh nghiep|ban le|ban si)|"
                    r"to be resolved|ngay lam viec|"
                    r"start(?:s)? with|new customers? (?:get|gets|start|starts|begin)|how (?:is|are) .{2,40} calculated|"
                    r"how (?:do|does) (?:we|it) (?:calculate|work out)|tinh the nao|tinh nhu the nao|cach tinh|"
                    r"first response|restocking fee|(?<!chi )phi|fees?|when (do|does|should|can|must|will) (we|i|an?|the|our)|what time|who (approves|can "
                    r"approve|must approve|signs off|decides)|allowed to|are we allowed|can (i|we) (give|offer|accept|extend|"
                    r"agree|grant)|rules?|policy|policies|procedure|process|threshold|target|sla|guideline|bao lau|may ngay|"
                    r"may gio|trong bao lau|ai duyet|ai phe duyet|duoc phep|co duoc|quy dinh|chinh sach|quy trinh|nguong|"
                    r"the nao la|valid|validity|maximum|minimum|at most|at least|before it (has|needs) to be|needs? approval|"
                    r"incoterms?|warranty|toi da|toi thieu|khong can|xin duyet|phai duyet|khi nao thi|bi khoa|ban dau|"
                    r"(?:phai )?tra truoc|thanh toan truoc|dat coc|pay (?:up ?front|in advance)|prepay(?:ment)?s?|"
                    r"(?:opening|initial|first) (?:credit )?limit|han muc (?:ban dau|khoi diem|dau tien)|"
                    r"bao hanh|hieu luc|max|min|cut[ -]?off|deadline|han chot|escalated?|escalation|"
                    r"can (?:i|we|finance|sales|support|a rep|the rep|a manager) (?:take|accept|write off|waive|refund|allow|"
                    r"agree|approve|grant|give|offer)|write (?:it )?off|write-?offs?|changed? (?:their|his|her|my|your) minds?|"
                    r"change of mind|at how many days|can (?:a|an|the) \w+ be \w+ed|how many days (?:does|do|will|would) "
                    r"(?:a |an |the )?(?:customers?|clients?|buyers?|we|i|they|you) (?:have|get)|"
                    r"who (?:has|have|needs?|should|must) to (?:approve|sign off|sign)|ai (?:phai|can|se) (?:duyet|phe duyet|ky)|"
                    r"the most (?:cash|money|discount|credit) (?:a|an|the|we|i|they|our) ?\w* (?:can|may|is allowed)|"
                    r"how much (?:cash|discount) (?:can|may) (?:a|an|the|we|i)\b|"
                    r"without (?:a |an |the )?(?:manager|director|approval|"
                    r"sign ?off)|how many digits|may (?:chu )?so|bao nhieu chu so|duoc (?:han|huong|giam|phep|tra cham))\b")
# "How did Hùng do", "how are we doing this month": a salesperson's or the company's sales.
PERFORMANCE = re.compile(r"\bhow (did|is|s|are|was|were|has|have) \w+( \w+){0,3} (do|doing|done|perform|performing|go|going|"
                         r"get on|getting on|tracking|trending|pacing)\b|\bhow (am|are) (i|we) (doing|tracking|trending|pacing|going)\b|"
                         r"\bwhat did (i|we|he|she|they) do\b|\b(results?|performance|numbers?)\b|\bket qua\b|"
                         r"\bthanh tich\b|\blam an\b")
# Grammar words left out when the rest of a request is read as a product name.
STOP = {"how", "many", "much", "what", "which", "who", "is", "are", "was", "were", "the", "a", "an", "do", "does", "did",
        "we", "our", "us", "you", "i", "me", "my", "in", "on", "of", "for", "to", "from", "with", "at", "by", "this",
        "that", "have", "has", "had", "and", "or", "there", "it", "its", "be", "been", "any", "all", "some", "can",
        "could", "would", "will", "please", "pls", "show", "tell", "give", "get", "list", "so", "far", "right", "now",
        "left", "still", "got", "total", "number", "bao", "nhieu", "co", "khong", "cua", "la", "gi", "nao", "cho",
        "con", "duoc", "da", "dang", "khach", "ta", "minh", "ben", "kho", "warehouse", "sell", "sold", "buy", "bought",
        "units", "sales", "stock", "many", "item", "items", "qty", "quantity", "ship", "shipped",
        "break", "down", "breakdown", "split", "first", "last", "best", "worst", "ever", "time", "since", "start"}
QUESTION = re.compile(r"\?\s*$|^\s*(how|what|when|where|who|which|why|can|do|does|is|are|should|may|must)\b|"
                      r"\b(bao nhieu|bao lau|the nao|ra sao|nhu the nao|khi nao|o dau|ai|co duoc|duoc khong|khong|nao|gi|may)\s*\??\s*$")


def _accepts(tool: str, args: dict[str, Any]) -> bool:
    """Whether the tool's input takes these arguments (the planner never sends one it would refuse)."""
    from backend.tools.registry import get_spec

    return set(args) <= set(get_spec(tool).input_model.model_fields)


def _registered(tool: str) -> bool:
    from backend.tools.registry import REGISTRY, load_tools

    load_tools()
    return tool in REGISTRY


# A document the conversation is about, referred to: "it", "that PO"; in Vietnamese "nó", "đơn đó", "phiếu này"
# (with their accents: folded, "no" and "do" are English words).
IT = re.compile(r"\b(it|its|this one|that one|this order|that order|this po|that po)\b")
IT_VI = re.compile(r"(?<!\w)(nó|đó|này)(?!\w)")


def _it_said(text: str) -> bool:
    return bool(IT.search(fold(text)) or IT_VI.search(text.lower()))
# What a purchasing document holds, asked of it: its lines, the bills against it, what came in on it.
DOCUMENT_LINES = re.compile(r"\b(what ?s on|what is on|what was on|lines?|items?|products?|skus?|what did we order|"
                            r"what came in|came in|contents?|gom nhung gi|gom gi|co gi|nhung mat hang|mat hang|san pham)\b")
DOCUMENT_BILLS = re.compile(r"\b(bills?|invoices?|invoiced|billed|hoa don)\b")
DOCUMENT_RECEIVED = re.compile(r"\b(received|receipts?|delivered|arrived|nhap kho|da nhan|da ve|nhan duoc|da nhap)\b")
# How much of it came in, asked as an amount ("PO-2026-000619 đã nhận được bao nhiêu?", "how much of it has arrived")
QUANTITY_ASKED = re.compile(r"\b(how many|how much|bao nhieu|may)\b")
APPROVER_ASKED = re.compile(r"\b(who|whom)\b.{0,20}\b(approved?|signed off|authori[sz]ed)\b|\bapprov(er|ed by)\b|"
                            r"\b(ai|nguoi nao) (da )?(duyet|phe duyet|ky duyet)\b|\bnguoi (phe )?duyet\b")
RECEIPT_WHOSE = re.compile(r"\b(don mua( hang)? nao|(which|what) (po|purchase order|supplier|vendor)|nha cung cap nao|ncc nao|"
                           r"from whom|who (sent|delivered|shipped) it|cua ai|tu ai)\b")
DOCUMENT_WORTH = re.compile(r"\b(tong tien|gia tri|tri gia|bao nhieu tien|how much is it|how much was it|worth|value|total|"
                            r"bao nhieu do)\b")
# Each line's order beside what came ("PO-2026-000602: ordered vs received, line by line?")
DOCUMENT_BOTH = re.compile(r"\bordered (vs|versus|against|and|compared (to|with)) (what was |what s )?received\b|"
                           r"\breceived (vs|versus|against) ordered\b|\bline by line\b|\b(dat|dat hang) (va|so voi) (da )?nhan\b")
# What of an order is still to come ("how much of it is still to come?", "PO-… còn bao nhiêu chưa về?")
DOCUMENT_OUTSTANDING = re.compile(r"\b(still (to come|to arrive|outstanding|due|expected|coming|missing)|yet to (arrive|come|be "
                                  r"(received|delivered))|not (yet )?(arrived|received|delivered|come in)|left to "
                                  r"(receive|come|arrive)|outstanding|chua (ve|nhan|giao)|con thieu|con lai)\b")


def _contact_named(session: Session, index, text: str, today: date):
    """The customer of the one contact whose full name (two words or more) the request writes out."""
    from backend.models import Contact

    words = tokens_of(_without_periods(text, today))
    phrases = {" ".join(words[i:i + n]) for n in (2, 3, 4) for i in range(len(words) - n + 1)}
    if not phrases:
        return None
    found = set(session.execute(select(Contact.customer_id).where(Contact.search_key.in_(phrases))).scalars())
    if len(found) != 1:
        return None
    row = index.by_id.get(found.pop())
    return index.entry(row) if row is not None else None


# Asking for a person or their details: "who's the buyer", "his number", "thông tin liên hệ", "email của ...".
CONTACT_CUE = re.compile(r"\b(who|whom|ai|number|phone|mobile|cell|email|e-mail|mail|contact|contacts|reach|lien he|"
                         r"sdt|so dien thoai|dien thoai|thong tin|details?)\b")
IN_CURRENCY = re.compile(r"\b(in|bang|theo) (us |u s |canadian |australian |singapore )?(dollars?|usd|eur|euros?|cad|aud|sgd|"
                         r"gbp|jpy|thb|yen|baht|pounds?|dong|vnd)\b")
ON_THAT_ORDER = re.compile(r"\b(what was|what s|whats|what is|what were) (on|in) (that|the|this|it|their|his|her)( last| latest)? "
                           r"(order|purchase)\b|\bwhat did (he|she|they) (buy|order|get) (then|that time|on it)\b|"
                           r"\bdon (do|nay|cuoi) (co|gom) (gi|nhung gi|nhung mat hang nao)\b")
LAST_INVOICE = re.compile(r"\b(paid|pay|settled?) (for )?(his|her|their|its|the|our) (last|latest|most recent|newest) "
                          r"(invoice|bill)\b|\bhoa don (cuoi|gan nhat|moi nhat)( cung)? (da )?(thanh toan|tra)")
DEAL_WHERE = re.compile(r"\b(where s|wheres|where is|where are we|where do we stand|status|how is .{0,40} going|"
                        r"tinh hinh|den dau|the nao roi|giai doan|stage)\b")
ANYTHING_OWED = re.compile(r"\b(anything|any invoices?|any money|any bills?|co gi|gi khong|khoan nao|hoa don nao)\b")
OWES_ANYTHING = re.compile(r"\b(owes?|owing) (us )?(anything|any money|money)\b|\b(con )?no (minh |cong ty |chung ta )?(gi|tien) khong\b|"
                           r"\bany (unpaid|open|outstanding) invoices\b|\bhoa don nao chua (thanh toan|tra)\b|"
                           r"\b(open|unpaid|outstanding) invoices\s*$|\bhoa don (dang mo|chua thanh toan|chua tra)\s*$")
# "is Trường Mầm non An Phát late paying anything?": its overdue invoices, each with how late
LATE_ANYTHING = re.compile(r"\blate (paying|with|on) (anything|any|something|payments?|invoices?)\b|\bbehind on (payments?|paying)\b|"
                           r"\boverdue on (anything|any)\b|\b(tre|cham) (han )?(thanh toan|tra tien)\b")
# "who handles accounting at Saigon Foods": a person there doing that job, not our account's owner
CONTACT_FUNCTION = re.compile(r"\b(who|whom|ai)\b.{0,25}\b(handles?|does|manages?|runs?|is in charge of|in charge of|lo|lam|"
                              r"phu trach)\s+(the )?(accounting|accounts payable|purchasing|buying|procurement|payments?|"
                              r"billing|finance|ke toan|mua hang|thanh toan)\b")
# Where an account is: its address, city or country asked.
LOCATION_ASKED = re.compile(r"\bwhere (is|are|s|was) (he|she|they|it|\w+( \w+){0,3}) (located|based|from)\b|"
                            r"\bwhere (is|s) (he|she|they|it)\b|\b(located|based) (in|at)? ?\??$|\bwhat (city|country|address)\b|"
                            r"\b(address|o dau|dia chi|tru so)\b")
GROWTH_ASKED = re.compile(r"\b(percent|per cent|percentage|pct|growth rate|as a growth|grew by|growth|ty le tang|"
                          r"tang (bao nhieu )?phan tram|phan tram|bao nhieu %)\b")
# "and when is the next one due?" after a supplier's payables: the next of those things (theirs)
THE_NEXT = re.compile(r"\b(the next one|next one|the next|the one after|cai tiep theo|khoan tiep theo|lan toi)\b")
STOCK_DETAIL = re.compile(r"\b(reorder|level|stock|on hand|available|reserved|warehouse|kho|ton|muc dat hang|"
                          r"con bao nhieu|how many|left)\b")
SHIPPED_ASKED = re.compile(r"\b(has|have|did|is|was) (it|that|this|the order|that order|this order|[a-z]{2,3}-\d{2}-\d+|"
                           r"[a-z]{2,3}-\d{4}-\d+)? ?(been )?(shipped|gone out|left|dispatched|delivered|sent)\b|"
                           r"\b(giao|gui|xuat kho) (chua|roi chua)\b|\bda (giao|gui) chua\b")
CREDIT_LEFT = re.compile(r"\b(credit|han muc|tin dung)\b.{0,40}\b(left|remaining|available|headroom|room|con lai|con)\b|"
                         r"\b(available|remaining) credit\b")
OWNER_ASKED = re.compile(r"\b(who|whose|ai)\b.{0,30}\b(owns?|handles?|manages?|looks? after|responsible|account (manager|owner)|"
                         r"sales ?(rep|person)|salesperson|account rep|phu trach|quan ly|cham soc|ban hang cho)\b|"
                         r"\b(account owner|nhan vien phu trach|nguoi phu trach)\b|"
                         r"\b(who|whose|ai)\b.{0,20}\b(rep|salesperson|account manager) (on|for) (that|this|the|their|its) "
                         r"(account|customer|client)\b")
JOB_WORDS = re.compile(r"\b(accountants?|accounting|director|ceo|cfo|buyers?|purchaser|purchasing|procurement|"
                       r"office manager|store manager|general manager|ke toan|giam doc|truong phong|thu mua|mua hang)\b")
_TITLE_FILLER = {"of", "the", "and", "&", "-", "phong", "truong", "head", "manager", "director", "giam", "doc", "chief"}


def _titles(session: Session, stamp) -> dict[str, list[str]]:
    """Every contact job title, folded, with its words (the data says what a role is called, not a word list)."""
    from backend.models import Contact

    cached = _TITLES.get(stamp)
    if cached is None:
        titles = {fold(t).strip() for t in session.execute(select(Contact.title).distinct()).scalars() if t}
        cached = {t: [w for w in re.findall(r"[a-z0-9]+", t)] for t in titles if t}
        _TITLES.clear()
        _TITLES[stamp] = cached
    return cached


_TITLES: dict[Any, dict[str, list[str]]] = {}


def _with_title(session: Session, customer_ids: list[int], title_words: set[str]) -> set[int]:
    """Which of these customers have a contact whose job title holds all of these words."""
    from backend.models import Contact

    rows = session.execute(select(Contact.customer_id, Contact.title).where(Contact.customer_id.in_(customer_ids),
                                                                            Contact.title.is_not(None))).all()
    return {cid for cid, title in rows if title_words and title_words <= set(re.findall(r"[a-z0-9]+", fold(title)))}


def _title_said(title_words: list[str], words: set[str]) -> bool:
    """Whether a request names a job title: all its words, or its distinctive ones (not only "manager")."""
    if not title_words:
        return False
    if all(w in words for w in title_words):
        return True
    distinctive = [w for w in title_words if w not in _TITLE_FILLER and len(w) >= 4]
    return bool(distinctive) and all(w in words for w in distinctive)


def _contact_role_plan(session: Session, index, text: str, link: LinkResult, memory: Memory,
                       language: str) -> Plan | None:
    """"who's the purchasing manager at Hoàng Long and what's his number?", "thông tin liên hệ kế toán trưởng
    Hoàng Long", "what's Patricia's email there?": the customer's contacts, with titles, e-mails and phones."""
    from backend.models import Contact

    folded = fold(text)
    if not CONTACT_CUE.search(folded):
        return None
    customer = link.customer
    if customer is None and not link.ambiguous and memory.customer_code and (
            re.search(r"\b(there|them|they|their|that customer|this customer|ben do|ben nay|ho)\b", folded)
            or (JOB_WORDS.search(folded) and memory.intent in ("overview", "contacts", "credit", "history"))):
        # ("who's our contact at Saigon Foods?" then "what's the chief accountant's email?": theirs)
        row = index.by_code.get(memory.customer_code.lower())
        customer = index.entry(row) if row is not None else None
    if customer is None:
        return None
    words = set(tokens_of(text))
    # a person's name is written with a capital ("Patricia's email"; "lần cuối" is no Lan)
    capitalised = {fold(w) for w in re.findall(r"[^\W\d_]+", text)[1:] if w[:1].isupper()}
    contacts = session.execute(select(Contact.name, Contact.title).where(Contact.customer_id == customer.id)).all()
    for name, title in contacts:
        first = fold(name).split()
        named = bool(first) and bool({first[0], first[-1]} & capitalised) and len(first[0]) >= 3 \
            and not (set(first) & set(customer.core))
        if named or (title and _title_said(re.findall(r"[a-z0-9]+", fold(title)), words)):
            break
    else:
        # a job named in other words than the stored titles ("chief accountant" for "Kế toán trưởng")
        if not (contacts and JOB_WORDS.search(folded)) or re.search(r"\baccount (manager|owner)\b|\bsales ?rep\b", folded):
            return None
    args = {"customer": customer.code, **({"language": "vi"} if language == "vi" else {})}
    return Plan(intent="contacts", tool="customer_overview", args=args, language=language, customer_code=customer.code)


def _document_parts(kind: str, number: str, folded: str, language: str) -> Plan | None:
    """'what's on PO-2026-000583?', 'PO-2026-000587 đã có hóa đơn nào?', 'what came in on GR-2026-000595': the
    lines, bills or receipts of one purchasing document."""
    args: dict[str, Any] | None = None
    if kind == "receipt" and RECEIPT_WHOSE.search(folded):
        # "phiếu nhập GR-2026-000600 là của đơn mua nào, nhà cung cấp nào?": its order and supplier
        args = {"measures": ["units_received"], "group_by": ["purchase_order", "supplier"]}
    elif kind == "receipt":
        args = {"measures": ["units_received"], "group_by": ["product"]}
    elif kind == "purchase_order" and DOCUMENT_OUTSTANDING.search(folded):
        args = {"measures": ["units_ordered", "units_on_order"], "group_by": ["product"]}
    elif kind == "purchase_order" and DOCUMENT_BILLS.search(folded):
        args = {"measures": ["supplier_bill_total", "bill_due_date"], "group_by": ["bill", "bill_status", "match_status"]}
    elif kind == "purchase_order" and APPROVER_ASKED.search(folded):
        # "who approved PO-2026-000339?": the order with the one who approved it
        args = {"measures": ["purchase_order_value"], "group_by": ["purchase_order", "approver", "po_status"]}
    elif kind == "purchase_order" and DOCUMENT_BOTH.search(folded):
        args = {"measures": ["units_ordered", "units_received"], "group_by": ["product"]}
    elif kind == "purchase_order" and DOCUMENT_RECEIVED.search(folded) and DOCUMENT_WORTH.search(folded):
        # "PO-2026-000330 tổng tiền bao nhiêu, đã nhận được bao nhiêu hộp rồi?": what it is worth, what came in
        args = {"measures": ["purchase_order_value", "units_received"]}
    elif kind == "purchase_order" and DOCUMENT_RECEIVED.search(folded) and (
            DOCUMENT_LINES.search(folded) or QUANTITY_ASKED.search(folded)):
        args = {"measures": ["units_received"], "group_by": ["product"]}
    elif kind == "purchase_order" and DOCUMENT_LINES.search(folded):
        args = {"measures": ["units_ordered"], "group_by": ["product"]}
    if args is None:
        return None
    args.update({"filters": [{"dimension": kind, "values": [number]}], "period": "all"})
    if language == "vi":
        args["language"] = "vi"
    return Plan(intent="data", tool="query_data", args=args, language=language)


# The last time anyone was in touch with a customer ("when did we last talk to …", "lần cuối liên hệ với họ").
LAST_CONTACT = re.compile(r"\bwhen did (we|i|you|anyone|someone) last (contact|talk|speak|call|meet|email|e-mail|hear from|reach)\b|"
                          r"\b(last|latest|most recent) (contact|call|conversation|meeting|interaction) with\b|"
                          r"\b(when was )?the last time (we|i|you|anyone|someone|somebody|anybody) (contacted|talked|spoke|"
                          r"called|met|emailed|e-mailed|heard from|reached|visited)\b|"
                          r"\blan cuoi (minh |toi |em |chung ta |ben minh )?(lien he|lien lac|goi|gap|noi chuyen|trao doi)\b")
THEIRS_OR_IT = re.compile(r"\b(them|they|their|him|her|it|ho|ben do|ben nay|khach nay|khach do)\b")
# A ticket asked about by the document it concerns ("the ticket about order BO-17-2053", "phiếu hỗ trợ về đơn SO-…").
TICKET_ABOUT = re.compile(r"\b(tickets?|cases?|complaints?|phieu( ho tro)?|khieu nai) (about|for|on|regarding|re|concerning|ve|cua|lien quan)"
                          r"( (the|that|this|don|don hang|hoa don))?( (order|invoice))?\b")


def _document_plan(docs, language: str, folded: str = "") -> Plan | None:
    """'status of invoice INV-2026-001263', 'ticket CS-1454', 'has BO-17-2108 shipped': the document itself."""
    doc = docs[0]
    parts = _document_parts(doc.kind, doc.number, folded, language)
    if parts is not None:
        return parts
    if doc.kind != "ticket" and TICKET_ABOUT.search(folded) and _registered("list_tickets"):
        # "what's the status of the ticket about order BO-17-2053": the tickets that name it
        return Plan(intent="tickets", tool="list_tickets", args={"about": doc.number, "status": "any"}, language=language)
    if doc.kind == "order":
        return Plan(intent="order_status", tool="order_status", args={"order": doc.number}, language=language)
    if doc.kind == "invoice" and _registered("invoice_status"):
        args = {"invoice": doc.number, **({"language": "vi"} if language == "vi" else {})}
        return Plan(intent="invoice_status", tool="invoice_status", args=args, language=language)
    if doc.kind == "ticket":
        return Plan(intent="tickets", tool="list_tickets", args={"ticket": doc.number}, language=language)
    if doc.kind in ("bill", "purchase_order"):
        # "bill BILL-2026-000467 from Double A: how much and when was it due?": that document's figures
        measures = (["supplier_bill_total", "bill_due_date", "open_payables"] if doc.kind == "bill"
                    else ["purchase_order_value", "po_expected_date"])
        if doc.kind == "purchase_order" and re.search(r"\b(units?|pieces|don vi|so luong|bao nhieu cai)\b", folded):
            measures.append("units_ordered")   # "PO-2026-000651 bao giờ về, tổng cộng bao nhiêu đơn vị?"
        from backend.semantic.measures import MEASURES as known

        args = {"measures": [m for m in measures if m in known], "group_by": [doc.kind],
                "filters": [{"dimension": doc.kind, "values": [doc.number]}], "period": "all"}
        if doc.kind == "purchase_order":
            args["group_by"] = ["purchase_order", "po_status", "supplier"]
        else:
            args["group_by"] = ["bill", "match_status", "supplier"]   # with its three-way match
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language)
    return None


def _prefers_data(intent: str | None, frame, call, link: LinkResult, memory: Memory) -> bool:
    """Whether a data frame answers the request better than the task the intent names."""
    from backend.semantic.engine import supported_dimensions
    from backend.semantic.measures import MEASURES

    if intent in ("approve", "convert") and (frame.counting or frame.amount or any(
            MEASURES[m].counts is None for m in frame.measures) or (frame.listing and frame.row and frame.statuses)) \
            and not memory.args.get("quote"):   # "có đơn mua hàng nào đang chờ duyệt không?": a list, not an approval
        return True   # "quý 2 tôi chốt được bao nhiêu đơn": a count of orders, not a quote to convert
    if intent in WRITE_INTENTS or intent == "help":
        return False
    if intent == "report" and frame.measures and set(frame.measures) <= set(BUYING_MEASURES) \
            and _statement_named(frame.folded) is None:
        return True   # "tổng công nợ phải trả nhà cung cấp đã quá hạn": the payables figure, not the customers' report
    if frame.due_window is not None:
        return True   # "which customer invoices fall due in the next 7 days": the documents due then
    if intent in CUSTOMER_NEEDED and link.customer is None and not link.ambiguous and (
            not memory.customer_code or (frame.row == "customer" and not frame.single
                                         and re.search(r"\b(customers|accounts|clients|khach hang cua)\b", frame.folded))
            or (frame.counting and "customers" in frame.measures)):   # "how many customers have no limit set?"
        return True   # "which of my customers have unpaid invoices": no one customer's task, the figure over them
    if intent in ("credit", "history", "products", "availability", "find_customer") and frame.measures and all(
            "sales" not in MEASURES[m].roles and "support" not in MEASURES[m].roles for m in frame.measures):
        return True   # "what do we owe suppliers?": the company's books, never one customer's or product's task
    args = call.args
    if intent in ("history", "overview", "order_status") and "opportunity" in (args.get("group_by") or []) \
            and "stage" in args["group_by"] and link.customer is not None:
        return True   # "where's the Hoàng Long deal at?": the customer's deals and their stages, not its history
    # Figures named for themselves (not the things a count counts, which a task may list better).
    named = [m for m in frame.measures if MEASURES[m].counts is None]
    explicit = bool(named or frame.conditions or frame.counting)
    grouped = bool(frame.group_by)
    if intent == "docs" and frame.listing and frame.row and frame.statuses:
        return True   # "đơn mua hàng nào đang chờ nhận hàng": the things in that state, not a passage
    if intent in ("docs", "find_customer") and frame.measures and frame.period and frame.period != "all" \
            and not POLICY.search(frame.folded):
        return True   # "new customers in Q1": a figure over a period, not a passage nor customers found "in Q1"
    if intent == "docs":
        # "how much do customers owe us that's past due?": an amount of a named money figure is the data's
        owed = frame.amount and any(MEASURES[m].unit == "money" for m in named)
        return explicit and (link.customer is not None or bool(frame.period) or grouped or frame.counting or owed)
    if intent in ("overview", "contacts"):
        return explicit and (frame.amount or frame.counting or bool(frame.period) or grouped or bool(frame.conditions))
    invoice_rows = frame.row == "invoice" and (bool(set(frame.measures) & {"open_invoices", "overdue_invoices",
                                                                           "open_receivables", "overdue_amount"})
                                               or bool(frame.conditions))
    if intent == "credit":
        has_customer = link.customer is not None or bool(memory.customer_code)
        if has_customer and frame.period and set(named) & {"payments_received", "revenue", "invoiced", "orders"}:
            return True   # "what has Saigon Foods paid us since 1 September": a flow over a period
        return invoice_rows or (not has_customer and (bool(frame.conditions) or grouped or frame.counting or frame.listing))
    if intent in ("history", "order_status"):
        # no customer to show the history of ("what did my customers buy in 2023"): the figure over them
        no_customer = link.customer is None and not memory.customer_code
        if no_customer and frame.row == "order" and (frame.single or frame.limit or frame.statuses):
            return True   # "the largest single order in 2025 and who placed it", "which of my orders haven't shipped"
        if explicit and (frame.single or frame.limit) and args.get("group_by"):
            return True   # "what did Hoàng Long buy the most of this year?": its products, ranked
        if no_customer and named == ["last_order"]:
            return True   # "when was the last sale?": the company's latest order, whoever placed it
        return invoice_rows or (explicit and (frame.amount or frame.counting or grouped or bool(frame.compare)
                                              or (no_customer and bool(named) and (frame.mine or frame.row == "customer"))))
    if intent == "tickets":
        if invoice_rows and not re.search(r"\b(tickets?|phieu|cases?|issues?|complaints?|khieu nai|su co)\b", frame.folded):
            return True   # "hóa đơn nào của Hoàng Long chưa thanh toán": its open invoices ("chưa" is no ticket's)
        # "which customer has opened the most tickets": a ranking of them
        ranked = bool(RANKED.search(frame.folded)) and bool(call.args.get("group_by"))
        return frame.counting or bool(frame.compare) or bool(named) or grouped or ranked or ((frame.single or bool(frame.limit)) and (grouped or bool(frame.row)
                                                                                         or bool(call.args.get("group_by"))))
    if intent == "find_customer":
        return bool(frame.counting or grouped or frame.conditions or frame.limit or frame.single or named
                    or (frame.listing and args.get("filters")))
    if intent in ("products", "availability"):
        if call.args["measures"] and not any("product" in supported_dimensions(m) for m in call.args["measures"]) \
                and not args.get("product"):
            return True   # "tổng giá trị các cơ hội đang mở": a figure no product has ("giá" is not a price here)
        counted = frame.counting and any(MEASURES[m].counts is not None for m in frame.measures)
        if named and set(named) <= {"list_price"} and not grouped and not frame.conditions and not args.get("filters") \
                and not (frame.single or frame.limit or frame.order or counted or frame.extremes) \
                and not re.search(r"\b(average|avg|mean|trung binh)\b", frame.folded):
            return False  # "price of X": the product's record (its price with its stock), not a figure
        if set(named) == {"cost_of_sales"} and not frame.period and not grouped:
            return False  # "how much does X cost": its price, not the cost of what was sold
        if frame.counting and any(MEASURES[m].counts is not None and m not in ("products", "active_products")
                                  for m in frame.measures):
            return True   # "how many open deals do we have": deals, not stock
        countable = bool(set(frame.measures) & {"products", "active_products"})
        return bool(frame.counting and (countable or args.get("product") or args.get("filters")) or grouped
                    or frame.conditions or (named and not set(named) <= {"revenue"} and frame.measures != ["stock_on_hand"])
                    or (bool(named) and not args.get("product") and bool(frame.single or frame.limit))   # "which product
                    # do we hold the most units of": the products ranked by the figure
                    or (frame.listing and args.get("filters") and not args.get("product"))
                    or (frame.listing and "inactive_products" in frame.measures)   # "which SKUs are discontinued?"
                    or (frame.listing and frame.row_count == "inactive_products"))   # "… discontinued ones in stock"
    return True


def _data_plan(text: str, frame, call, intent: str | None, slots, link: LinkResult, language: str) -> Plan:
    """query_data, or the catalogue's report that holds exactly the same figures."""
    from assistant.planner.data import as_report

    furthest = re.search(r"\b(furthest|farthest|most|the most|nhieu nhat)\b", frame.folded)
    if any(c["name"] == "over_credit_limit" for c in frame.conditions) and (frame.limit or frame.single or furthest) \
            and "available_credit" in call.args.get("measures", []) and not call.args.get("order_by"):
        # "which two customers are furthest over their credit limit?": ranked by how far over, the least credit left
        call.args.update({"order_by": "available_credit", "order": "asc"})
        if not call.args.get("limit") and not re.search(r"\b(customers|accounts|clients)\b", frame.folded):
            call.args["limit"] = 1   # ("which customer is furthest over": that one)

    # "…in 2017, in Canadian dollars", "in USD": the figure in the documents' own currency, which query_data gives
    in_currency = bool(call.args.get("customer")) and bool(IN_CURRENCY.search(fold(text)))
    # "did Microsoft buy anything in 2025 so far?": yes or no for one customer, not a month-by-month table
    yes_no_of_one = bool(call.args.get("customer")) and bool(YES_NO.search(frame.folded)) and not frame.group_by \
        and set(call.args["measures"]) <= {"revenue", "orders", "units"}
    if (intent == "report" or (intent is None and set(call.args["measures"]) <= {"revenue", "orders", "units"})) \
            and not in_currency and not yes_no_of_one:
        old = _report_for(text, slots)
        if frame.period and "period" in old:
            old["period"] = frame.period   # the period grammar reads more than the slot (a month ahead for deals)
        wanted = REPORT_CONDITIONS.get(old["report"], set())
        named = {c["name"] for c in frame.conditions}
        # The report's own statuses ("open orders not shipped", "pipeline by stage") are its definition.
        plain_filters = all(f["dimension"] in ("stage", "order_status", "invoice_status") for f in call.args.get("filters", []))
        ranked = bool(frame.single or frame.limit or frame.order)
        ranks_alike = old["report"] in ("ar_aging", "customer_lifetime_value", "commissions") and \
            call.args["measures"][0] in ("open_receivables", "revenue", "clv")
        by_customer = frame.row == "customer" and old["report"] == "overdue_invoices"   # "which customers", not invoices
        # "cơ hội nào sắp chốt": the deals themselves, not the report's rows (its stages)
        by_customer = by_customer or bool(frame.listing and frame.row and REPORT_ROWS.get(old["report"])
                                          and frame.row not in REPORT_ROWS[old["report"]])
        buying = set(call.args["measures"]) <= set(BUYING_MEASURES) and old["report"] in ("ar_aging", "overdue_invoices")
        if not old["report"].startswith("sales_") and named <= wanted and not frame.compare and not frame.counting \
                and not by_customer and not buying \
                and plain_filters and (not ranked or ranks_alike) \
                and set(frame.group_by) <= REPORT_ROWS.get(old["report"], set()):  # "overdue by rep": the model's
            if old["report"] == "restock" and call.args.get("product") and _registered("product_availability"):
                # "the stock level of Trailbeam 350 Headlamp and its reorder level": that product, per warehouse
                return Plan(intent="availability", tool="product_availability", args={"product": call.args["product"]},
                            language=language)
            if call.args.get("customer") and "customer" in REPORTS[old["report"]].filters:
                old["customer"] = call.args["customer"]   # named, or the one the conversation is about
            owner = call.args.get("owner")
            if owner and owner != "me" and "salesperson" in REPORTS[old["report"]].filters:
                old["salesperson"] = owner   # "weighted pipeline for Hùng": his
            # ("who owes us the most?": the report ranked, its first row the one asked about — "their" next)
            return Plan(intent="report", tool="run_report", args=old, language=language,
                        hints={"single": True} if frame.single and ranks_alike else {})
        report = as_report(call, frame)
        if report is not None:
            if report["report"] == "sales_over_time" and "group_by" not in report:
                report["group_by"] = old.get("group_by") or ("week" if slots.period and re.fullmatch(
                    r"\d{4}-\d{2}|last-month|this-month", report.get("period", "")) else "month")
            return Plan(intent="report", tool="run_report", args=report, language=language)
    if set(call.args["measures"]) <= {"tickets_opened", "open_tickets"} and frame.listing and not frame.counting \
            and not (frame.single or frame.limit) and not frame.group_by \
            and not (RANKED.search(frame.folded) and call.args.get("group_by")):
        # ("tickets by priority": counted by it; "which customers opened the most tickets": ranked)
        args: dict[str, Any] = {}
        if call.args.get("customer"):
            args["customer"] = call.args["customer"]
        for f in call.args.get("filters", []):
            if f["dimension"] == "ticket_status":
                args["status"] = f["values"][0]
            if f["dimension"] == "ticket_priority":
                args["priority"] = f["values"][0]
        if call.args.get("period") not in (None, "all") and "tickets_opened" in call.args["measures"]:
            args["opened"] = call.args["period"]  # "tickets opened this week": whatever their status now
            args.setdefault("status", "any")
        if call.args.get("owner"):
            args["assignee"] = call.args["owner"]
        return Plan(intent="tickets", tool="list_tickets", args=args, language=language)
    return Plan(intent="data", tool="query_data", args=call.args, language=language, hints=call.hints)


def _common_words() -> frozenset[str]:
    from assistant.planner.linker import COMMON_WORDS

    return frozenset(COMMON_WORDS)


def _product_in(frame, index, link: LinkResult, person, places) -> str | None:
    """A product named among the words a data question leaves over ('how many Titanium Sporks', 'Kestrel 20F down
    bag'), when its distinctive words are there: two or more, or its SKU."""
    covered = set()
    for hit in frame.hits:
        covered.update(range(hit.start, hit.end))
    for start, end in places.spans:
        if (start, end) not in places.lead_spans:   # ("giấy A4" calls Paper, and starts the name of Giấy A4 …)
            covered.update(range(start, end))
    customer_words = set(link.customer.core) if link.customer else set()
    person_words = set(fold(person.name).split()) if person else set()
    def inside_a_name(i: int) -> bool:
        # a small number between a name's words ("thùng carton 5 lớp"), not a count or a rank ("top 5 products")
        return all(0 <= j < len(frame.words) and j not in covered and frame.words[j] not in STOP for j in (i - 1, i + 1))

    words = [w for i, w in enumerate(frame.words) if i not in covered and w not in STOP and w not in customer_words
             and w not in person_words and not w.isdigit()
             or (w.isdigit() and (len(w) > 2 or inside_a_name(i)) and i not in covered)]
    words = [w for w in words if not re.fullmatch(r"(19|20)\d\d|q[1-4]", w)]
    if frame.today is not None:  # "all time", "last year": the period's words name no product
        period_words = set(_without_periods(frame.text, frame.today).split())
        words = [w for w in words if w in period_words]
    if not words:
        return None

    def named(run: list[str]) -> str | None:
        product, _ = index.link_product(" ".join(run))
        if product is None:
            return None
        tokens = set(product.tokens) | {t + "s" for t in product.tokens}   # "Sporks" names the Titanium Spork
        matched = sum(1 for w in set(run) if w in tokens and (len(w) >= 3 or (w.isalnum() and not w.isalpha()
                                                                               and not w.isdigit())))   # "A3", "L5"
        # (a one-word name said whole, "the track Roxanne", names it too when it is no everyday word)
        whole = re.sub(r"[^\w\s]", " ", fold(product.name)).split()
        alone = len(whole) == 1 and len(whole[0]) >= 5 and whole[0] in run and whole[0] not in _common_words()
        code = index.named_by_model(run, product)   # "HP 85A": its model number
        return product.sku if matched >= 2 or product.sku.lower() in run or alone or code else None

    found = named(words)
    if found is None and len(words) > 2:
        # "giá trị tồn kho giấy A4 Double A 80gsm theo giá vốn bình quân": the product's run of words, without the rest
        for size in range(min(len(words) - 1, 6), 1, -1):
            for start in range(len(words) - size + 1):
                found = named(words[start:start + size])
                if found is not None:
                    return found
    if found is None and len(words) > 1:
        # "the track Roxanne": a one-word name among other words
        found = next((sku for sku in (named([w]) for w in words if len(w) >= 5) if sku), None)
    return found


def _products_named(frame, index, link: LinkResult, person, places) -> list[str]:
    """The products a phrase names together when it fits several alike ("tồn kho giấy A4 ở kho Hà Nội": every A4
    paper; "ridgeback tents": both Ridgeback tents): two or more of the words left over, all in each product's name
    and next to each other in the question, shared by two to twelve products."""
    covered = set()
    for hit in frame.hits:
        covered.update(range(hit.start, hit.end))
    # (a category called by its products' leading words, "giấy A4" for Paper, is a family of products: narrower)
    lead_words = {frame.words[i] for a, b in places.lead_spans for i in range(a, b) if i < len(frame.words)}
    category_words = {w for v in places.found.get("category", []) for said in places.said.get(v) or [fold(v)]
                      for w in said.split()} - lead_words
    for start, end in places.spans:
        if (start, end) not in places.lead_spans and not set(frame.words[start:end]) <= category_words:
            covered.update(range(start, end))   # (a category's words may start a narrower phrase)
    skip = set(link.customer.core) if link.customer else set()
    skip |= set(fold(person.name).split()) if person else set()
    period_words = set(_without_periods(frame.text, frame.today).split()) if frame.today is not None else None
    runs, run = [], []
    for i, w in enumerate(frame.words):
        usable = i not in covered and w not in STOP and w not in skip and not re.fullmatch(r"(19|20)\d\d|q[1-4]", w) \
            and (period_words is None or w in period_words) and (len(w) >= 2)
        if usable:
            run.append(w)
        else:
            if run:
                runs.append(run)
            run = []
    if run:
        runs.append(run)
    words_of = getattr(index, "_product_words", None)
    if words_of is None:
        # each name word (and its singular) -> the products that have it, built once per index
        words_of = {}
        for p in index.products:
            for t in p.tokens:
                for form in {t, t.rstrip("s")}:
                    words_of.setdefault(form, set()).add(p.sku)
        index._product_words = words_of
    best: list[str] = []
    for run in runs:
        for size in range(min(len(run), 4), 1, -1):
            for start in range(len(run) - size + 1):
                said = run[start:start + size]
                if not any(len(w) >= 3 and not w.isdigit() for w in said) or set(said) & _common_words() \
                        or set(said) <= category_words:
                    continue
                having = set.intersection(*[words_of.get(w, set()) | words_of.get(w.rstrip("s"), set()) for w in said])
                if 2 <= len(having) <= 12 and len(having) < len(index.products) // 2:
                    best = sorted(having)
                    break
            if best:
                break
    return best


def _city_as_warehouse(found: dict[str, list[str]], measures: list[str], extra, places, words: list[str]) -> dict:
    """A city named for a figure kept per warehouse, not per city: the one warehouse in that city."""
    from assistant.planner import data as data_mod

    if "city" not in found or "warehouse" in found or not measures or not data_mod._allowed(measures, "warehouse") \
            or data_mod._allowed(measures, "city"):
        return found
    said = {w for v in found["city"] for w in (places.said.get(v) or set())}
    inside = [code for code, key, _ in extra.warehouses if key in said or key in words]
    if not inside:
        inside = [code for code, _, name in extra.warehouses if any(fold(v) in name for v in found["city"])]
    if len(inside) != 1:
        return found
    return {**{d: v for d, v in found.items() if d != "city"}, "warehouse": inside}


# An overdue figure broken down by aging bucket is the open one's aging (the current bucket is not overdue).
WIDER_FOR_AGING = {"overdue_amount": "open_receivables", "overdue_payables": "open_payables",
                   "overdue_invoices": "open_invoices", "overdue_bills": "open_bills"}


def _data_follow_up(text: str, frame, memory: Memory, link: LinkResult, language: str, session: Session, index) -> Plan:
    """'and in 2024?', 'còn năm nay?', 'and Mai?', 'what about Minh Phát?': the last figures, with what changed."""
    from assistant.planner import mentions as mentions_mod

    from assistant.planner.when import COMPARE_WORDS, relation_between

    args = dict(memory.args)
    from assistant.planner.frame import BEFORE_VAT

    if BEFORE_VAT.search(frame.folded) and "purchase_order_value" in args.get("measures", []):
        # "còn chưa tính VAT thì bao nhiêu?": the same orders' value before VAT
        args["measures"] = ["purchase_order_net" if m == "purchase_order_value" else m for m in args["measures"]]
    against = relation_between(args.get("period"), frame.period, frame.today) \
        if frame.period and COMPARE_WORDS.search(frame.folded) and not frame.compare else None
    if against:
        args["compare"] = against   # "so với quý 3 thì sao?" after Q4: Q4 again, compared with Q3
    elif frame.period and args.get("period") and COMPARE_WORDS.search(frame.folded) and not frame.compare \
            and frame.period != args["period"]:
        args["compare"] = frame.period   # "how does that compare with August 2024?": that period as named
    elif frame.period:
        args["period"] = frame.period
        if not re.search(r"\b(the same|same for|same thing|tuong tu|cung vay)\b", frame.folded):
            args.pop("compare", None)   # ("revenue Q3 vs Q3 last year" then "and the same for Q2?": compared again)
    elif re.search(r"\b(before that|the one before|previous one|truoc do)\b", frame.folded) and args.get("period"):
        from assistant.planner.when import previous_form

        args["period"] = previous_form(args["period"], frame.today)  # "and the month before that?"
    if frame.compare:
        args["compare"] = frame.compare
    if frame.limit and args.get("group_by") and args.get("limit"):
        args["limit"] = frame.limit   # "top 2 customers all time" then "and who were the top 4 in 2021?"
    if link.customer is not None:
        args["customer"] = link.customer.code
    person = mentions_mod.mentions_index(session, index.stamp).employee(text)
    if person is not None:
        args["owner"] = person.code
    extra = mentions_mod.mentions_index(session, index.stamp)
    mentioned = extra.places(frame.folded)
    places = dict(mentioned.found)
    # "how many do we have in stock?" then "and how many of those are in Hanoi?": the warehouse in that city
    places = _city_as_warehouse(places, args.get("measures") or [], extra, mentioned, frame.words)
    for dimension, values in places.items():
        kept = [f for f in args.get("filters", []) if f["dimension"] != dimension]
        args["filters"] = kept + [{"dimension": dimension, "values": values}]
    if args.get("product") and link.customer is None:
        product = _product_in(frame, index, link, person, mentioned)
        if product is None:
            # "… Double A A4 80gsm …" then "and the IK Plus 70gsm?" (A4 and A5 are both called that): the one most like
            # the product just asked about
            _, candidates = index.link_product(_without_periods(text, frame.today))
            before = index.product_by_sku.get(str(args["product"]).lower())
            if candidates and before is not None:
                ranked = sorted(candidates, key=lambda c: -len(set(c.tokens) & set(before.tokens)))
                if len(ranked) == 1 or len(set(ranked[0].tokens) & set(before.tokens)) > \
                        len(set(ranked[1].tokens) & set(before.tokens)):
                    product = ranked[0].sku
        if product is not None:
            args["product"] = product   # "and the IK Plus 70gsm?": the same figure for that product
    return _data_again(args, language, memory)


# A row of the last answer named by its place: "the third one", "the 2nd customer", "khách thứ ba", "the last one".
ROW_SAID = re.compile(r"\b(?:the )?(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|top|bottom) "
                      r"(?:one|customer|client|account|name|person|guy|on the list)\b|"
                      r"\b(?:khach hang|khach|nguoi|cong ty|ten) (?:thu )?(nhat|hai|ba|tu|nam|cuoi|cuoi cung)\b|"
                      r"\b(?:number|no\.?|#) ?([1-5])\b")
_ROW_PLACE = {"first": 0, "1st": 0, "top": 0, "nhat": 0, "second": 1, "2nd": 1, "hai": 1, "third": 2, "3rd": 2, "ba": 2,
              "fourth": 3, "4th": 3, "tu": 3, "fifth": 4, "5th": 4, "nam": 4, "last": -1, "bottom": -1, "cuoi": -1,
              "cuoi cung": -1}
# What a deal's record holds, asked of the deal just shown ("who owns it", "when does it close", "what stage").
DEAL_DETAIL = re.compile(r"\b(own|owns|owner|owned|handl\w*|responsible|in charge|close|closes|closing|stage|"
                         r"probability|chance|phu trach|chot|dong|giai doan|xac suat|kha nang)\b")
THAT_ONE = re.compile(r"\b(it|its|it's|that deal|this deal|the deal|that one|this one|that opportunity|no|co hoi (nay|do)|"
                      r"thuong vu (nay|do)|deal (nay|do))\b")


def _row_said(folded: str, shown: int) -> int | None:
    """Which of the last answer's `shown` rows the request names by its place, if any."""
    m = ROW_SAID.search(folded)
    if not m:
        return None
    place = int(m.group(3)) - 1 if m.group(3) else _ROW_PLACE.get(m.group(1) or m.group(2))
    if place is None or place >= shown:
        return None
    return place % shown


def _data_again(args: dict[str, Any], language: str, memory: Memory) -> Plan:
    """A follow-up's query_data: the last question's arguments, changed, in the language of this turn."""
    if language == "vi":
        args["language"] = "vi"
    else:
        args.pop("language", None)
    return Plan(intent="data", tool="query_data", args=args, language=language,
                customer_code=args.get("customer"), hints=memory.hints)


def _bare_follow_up(text: str, today: date, frame, link: LinkResult, person, extra=None) -> bool:
    """Whether a follow-up only names another period, person, customer or stored value ("còn năm nay?", "and
    Mai?", "còn kho HCM thì sao?")."""
    places = extra.places(frame.folded) if extra is not None else None
    if not (frame.period or person is not None or link.customer is not None or (places and places.found)):
        return False
    words = _without_periods(text, today)
    if places is not None:
        for value, said in places.said.items():
            words = re.sub(rf"\b({'|'.join(map(re.escape, said))})\b", " ", words)
        if "warehouse" in places.found:
            words = re.sub(r"\b(kho|warehouse|depot)\b", " ", words)
            for code in places.found["warehouse"]:
                words = re.sub(rf"\b{re.escape(code.lower())}\b", " ", words)
    if link.customer is not None and link.span:
        kept = tokens_of(text)
        words = " ".join(w for i, w in enumerate(kept) if not link.span[0] <= i < link.span[1]) if \
            len(kept) == len(tokens_of(words)) else words
    if person is not None:
        words = re.sub(rf"\b({re.escape(fold(person.name))}|{re.escape(fold(person.name).split()[-1])})('s)?\b", " ", words)
    words = re.sub(r"\b(and|what about|how about|also|then|con|va|the con|thi sao|the nao|sao|nhi|a|ah|vay|thi|"
                   r"so voi|so sanh voi|compared (?:with|to)|vs|versus|against|"
                   r"before that|the one before|truoc do|truoc nua|do|nua)\b", " ", words)
    return not re.sub(r"[^\w]+", "", words)


def _language_beside(text: str, names: set[str]) -> str:
    """The asker's language from the words around a name (a product's, a supplier's, a deal's accents say nothing of
    it): "list price of the blue Thiên Long pens?" is English."""
    return language_of(" ".join(w for w in text.split() if fold(w).strip("?.,!:;'\"()") not in names))


def _without_periods(text: str, today: date) -> str:
    from assistant.planner.when import mentions

    folded = fold(text)
    kept = list(folded)
    spans = [(m.start, m.end) for m in mentions(folded, today)]
    # "từng tháng", "by quarter": a time grain, not "Trường Thành" misspelt
    spans += [m.span() for m in re.finditer(r"\b(tung|moi|theo|hang|by|per|each|every)\s+(ngay|tuan|thang|quy|nam|days?|"
                                            r"weeks?|months?|quarters?|years?)\b", folded)]
    for start, end in spans:
        for i in range(start, end):
            kept[i] = " "
    return "".join(kept)


ACCOUNT_BALANCE_CUES = re.compile(r"\b(balance|balances|so du|closing|on the balance sheet|as of|as at|outstanding|"
                                  r"con lai|hien co)\b")
ACCOUNT_ACTIVITY_CUES = re.compile(r"\b(posted|movement|movements|activity|phat sinh|booked|so far|ytd|to date|"
                                   r"tu dau nam|trong ky|during|for the (month|quarter|year))\b")


# The ledger account a figure is read from, by the account's role (what its balance is, asked after a balance).
ACCOUNT_OF_MEASURE = {"input_vat": "vat_input", "output_vat": "vat_output"}


def _account_figure(frame, extra, balance_before: bool = False) -> None:
    """A ledger account named ("account 1300", "purchase price variance", "lãi chênh lệch tỷ giá"): that account's
    figure — its balance on the day for a balance-sheet account or when a balance is asked, else what was posted
    to it in the period — whatever other figure its words resembled ("lãi" is not gross margin here)."""
    named = extra.accounts(frame.folded)
    if not named and "vat_output" in extra.account_roles and re.search(r"\b(vat|gtgt)\b", frame.folded) \
            and re.search(r"\b(owe|owed|owing|payable|to pay|pay to|still due|phai nop|con phai nop|con no)\b", frame.folded) \
            and not re.search(r"\b(input|dau vao|deductible|khau tru)\b", frame.folded):
        # "how much VAT do we owe this month?": the balance of the VAT payable account, not what we owe suppliers
        named = [(extra.account_roles["vat_output"], set())]
        frame.accounts[:] = [named[0][0]]
    if not named and balance_before:
        # "số dư thuế GTGT phải nộp" then "còn thuế GTGT đầu vào?": the balance of the account that figure is posted to
        named = [(extra.account_roles[ACCOUNT_OF_MEASURE[m]], set()) for m in frame.measures
                 if ACCOUNT_OF_MEASURE.get(m) in extra.account_roles]
        frame.accounts[:] = [name for name, _ in named]
    if not named:
        return
    kinds = {extra.account_kinds.get(name) for name, _ in named}
    balance = (bool(ACCOUNT_BALANCE_CUES.search(frame.folded)) or (balance_before and not frame.period)) \
        and not ACCOUNT_ACTIVITY_CUES.search(frame.folded)   # ("còn thuế GTGT đầu vào?" after a balance: its balance)
    sheet = kinds <= {"asset", "liability", "equity"}
    if not balance and sheet and not ACCOUNT_ACTIVITY_CUES.search(frame.folded):
        balance = True
    codes = {word for _, said in named for word in said if word.isdigit()}
    if frame.period in codes:
        frame.period = None   # "balance of account 2000": the account's code, not the year
    frame.measures[:] = ["account_balance" if balance else "account_activity"]
    frame.conditions[:] = []
    frame.row = None
    frame.statuses[:] = []
    if len({name for name, _ in named}) >= 2 and "account" not in frame.group_by:
        frame.group_by.append("account")   # "lãi lỗ chênh lệch tỷ giá": each account's figure, beside the total


CAMPAIGN_COST = re.compile(r"\b(cost|costs|spend|spent|spending|budget|chi phi|ton|het bao nhieu|bao nhieu tien)\b")
CAMPAIGN_CUSTOMERS = re.compile(r"\b(customers?|clients?|khach|khach hang|bring|brought|mang ve|acquired|leads?)\b")


def _campaign_figure(frame, extra) -> None:
    """One campaign named ("EXPO-2026", "Mega Show Hong Kong 2025"): its spend and the customers it brought, over
    its whole life — a year in its name is not the period asked about."""
    found = extra.campaign(frame.folded)
    if found is None:
        return
    code, said = found
    measures = [m for m in frame.measures if m in ("cac", "marketing_spend", "new_customers_acquired")]
    if CAMPAIGN_COST.search(frame.folded) and "marketing_spend" not in measures:
        measures.append("marketing_spend")
    if CAMPAIGN_CUSTOMERS.search(frame.folded) and "new_customers_acquired" not in measures and "cac" not in measures:
        measures.append("new_customers_acquired")
    frame.measures[:] = measures or ["marketing_spend", "new_customers_acquired"]
    frame.conditions[:] = []
    frame.row = None
    frame.statuses[:] = [(d, c) for d, c in frame.statuses if d != "campaign_channel"]
    years = set(re.findall(r"(?:19|20)\d\d", frame.folded))
    if not years - {w[:4] for w in said if re.match(r"(19|20)\d\d", w)}:
        frame.period = "all"   # the only year said is the campaign's own


# A question answered yes or no ("is X overdue on anything?", "does Y have an unpaid invoice?", "có ... không?").
YES_NO = re.compile(r"^\s*(is|are|does|do|did|has|have|was|were|any)\b(?!.*\b(how|which|what|who|when|where)\b)|"
                    r"^\s*(co|co phai)\b.*\b(khong|chua|ko|k|hok|hong)\s*\??\s*$|\b(co|da)\b.*\b(khong|chua|ko|k|hok|hong)\s*\??\s*$")
# What a yes/no question about one customer's account asks, first match wins: over the limit, late, owing at all.
YES_NO_TOPICS = (
    ("on_hold", re.compile(r"\b(on (credit )?hold|held|bi giu tin dung|giu tin dung|bi khoa)\b")),
    ("over_limit", re.compile(r"\b(over|above|exceed\w*|past|beyond|vuot|qua)\b.*\b(limit|limt|lmit|limits|han muc)\b|\bover (limit|limt)\b")),
    ("overdue", re.compile(r"\b(late|overdue|past due|behind|qua han|tre han|tre)\b")),
    ("owes", re.compile(r"\b(owe|owes|owing|unpaid|outstanding|open invoices?|no|con no|chua tra|chua thanh toan)\b")),
)
PAID_ASKED = re.compile(r"\b(has|have|is|was|did) (it|this|that|the invoice|this invoice|that invoice|[\w-]+( [\w-]+){0,3}) (been )?"
                        r"(paid|settled|pay)\b|\b(da )?(thanh toan|tra) (chua|het chua)\b|\bpaid (yet|in full)\?")
COST_ASKED = re.compile(r"\b(unit cost|cost price|purchase cost|what does it cost us|our cost|margin|gia von|gia nhap|"
                        r"bien loi nhuan|what do we pay for (it|them|one|each|the|a|an)|what we pay for (it|them|the)|"
                        r"how much do we pay for (it|them|one|each|the|a|an)|purchase price|buying price|buy price|mua vao gia|"
                        r"prices? and (the |our |its |unit )?cost|cost and (the |its |list |sell(ing)? )?price)\b")


def _busiest(session: Session, link: LinkResult):
    """Of the customers a short name fits equally ("Hoàng Long": Trading and Packaging), the one the company deals
    with far the most — three times the orders of each other one, and ten or more — is meant; the answer says which
    others the name fits (`also_named`)."""
    from sqlalchemy import func

    from backend.models import SalesOrder

    ids = [c.id for c in link.candidates]
    counts = dict(session.execute(select(SalesOrder.customer_id, func.count()).where(SalesOrder.customer_id.in_(ids))
                                  .group_by(SalesOrder.customer_id)).all())
    ranked = sorted(link.candidates, key=lambda c: -counts.get(c.id, 0))
    top, rest = ranked[0], ranked[1:]
    if counts.get(top.id, 0) >= 10 and all(counts.get(top.id, 0) >= 3 * counts.get(c.id, 0) for c in rest):
        return top
    return None


# "do we have enough for 60?", "còn đủ hàng không": stock checked against a quantity
ENOUGH = re.compile(r"\b(enough|sufficient|du hang|co du|du de|du so luong|du cho|du khong|du \d+|"
                    r"(do|does|have|has|did) (we|they|you|it|the \w+ warehouse) (have|got|hold|carry|stock) \d+|"
                    r"are there \d+|is there \d+)\b")
# "which of those bills is due first?": the first of the documents by due date, overdue or not
_DUE_FIRST_WORDS = r"due first|falls? due first|first to fall due|den han (?:truoc|som nhat|dau tien)"
DUE_FIRST = re.compile(rf"\b({_DUE_FIRST_WORDS})\b")
NEXT_DUE = re.compile(rf"\b(next|tiep theo|ke tiep|sap toi|soonest|upcoming|{_DUE_FIRST_WORDS})\b")
# The due date of each open document, whatever it is (past or ahead), beside what is open on it.
DUE_FIRST_OF = {"open_payables": ("bill_due_date", "bill"), "open_receivables": ("invoice_due_date", "invoice")}
# The next due date asked for with the amount: the document due then, not the whole balance beside the date.
DUE_PAIRS = {"next_bill_due": ("open_payables", "bill"), "invoice_due_date": ("open_receivables", "invoice")}


QUANTITY_TAKEN = re.compile(r"\b(?:take|takes|buy|buys|order|orders|want|wants|for|of|mua|lay|dat)\s+(\d{1,7})\b"
                            r"|\b(\d{1,7})\s+(?:units?|pcs|pieces?|boxes?|cartons?|packs?|reams?|rolls?|hop|thung|cai|chiec|"
                            r"cuon|ram|goi|bo)\b")


def _quantity_taken(folded: str, product) -> int | None:
    """The number of units a price question is for ("if they take 100 boxes", "giá cho 200 hộp"), never a number of
    the product's own name (80gsm, fx-580)."""
    if product is None or not re.search(r"\b(price|prices|pricing|cost|gia|bao nhieu tien|quote)\b", folded):
        return None
    for m in QUANTITY_TAKEN.finditer(folded):
        number = m.group(1) or m.group(2)
        if number not in product.tokens and not re.fullmatch(r"(19|20)\d\d", number):
            return int(number)
    return None


def _history_of(customer: str, kind: str, page_size: int, frame, language: str) -> Plan | None:
    """One kind of a customer's records, newest first, over the frame's period if it has one."""
    args: dict[str, Any] = {"customer": customer, "kinds": [kind], "page_size": page_size}
    if frame.period and frame.period != "all":
        from backend.semantic.periods import parse_period

        period = parse_period(frame.period, frame.today)
        args["date_from"], args["date_to"] = period.start.isoformat(), period.end.isoformat()
    if language == "vi":
        args["language"] = "vi"
    if not _accepts("customer_history", args):
        return None
    return Plan(intent="history", tool="customer_history", args=args, language=language, customer_code=customer)


def _category_of_the_product(plan: Plan, session: Session) -> None:
    """"The price of the 12oz paper cups": a product named, and a category its words also call ("paper") that is
    not the product's own — the product alone, not nothing."""
    filters = plan.args.get("filters") or []
    if plan.tool != "query_data" or not plan.args.get("product") or not any(f["dimension"] == "category" for f in filters):
        return
    entry = entity_index(session).product_by_sku.get(str(plan.args["product"]).lower())
    if entry is None or entry.category is None:
        return
    kept = [f for f in filters if f["dimension"] != "category" or entry.category in f["values"]]
    if len(kept) != len(filters):
        plan.args["filters"] = kept


def _next_due(plan: Plan, folded: str) -> None:
    """"When is our next payment to Double A due and how much is it?": the open bill due soonest, with its amount;
    "hóa đơn nhà cung cấp tiếp theo đến hạn ngày nào": that date alone."""
    if plan.tool != "query_data" or not NEXT_DUE.search(folded):
        return
    measures = plan.args.get("measures") or []
    if measures in (["next_bill_due"], ["invoice_due_date"]) and set(plan.args.get("group_by") or ()) <= {
            "bill", "invoice", "supplier", "customer"}:
        # "when's the next invoice due?", "hóa đơn nhà cung cấp nào đến hạn tiếp theo?": the open document due soonest
        # (its number, whose it is, its date and what is open on it)
        amount, row = DUE_PAIRS[measures[0]]
        party = "supplier" if row == "bill" else "customer"
        plan.args["measures"] = [amount, measures[0]]
        plan.args["group_by"] = [row] + ([party] if not plan.args.get(party) and not any(
            f.get("dimension") == party for f in plan.args.get("filters") or []) else [])
        plan.args["conditions"] = list(plan.args.get("conditions") or []) + [
            {"measure": measures[0], "op": ">=", "value": "0"}]
        plan.args.update(order_by=measures[0], order="asc", limit=1)
        plan.hints["single"] = True
        return
    if plan.args.get("group_by"):
        rows = set(plan.args["group_by"])
        for amount, (due, row) in DUE_FIRST_OF.items():
            if DUE_FIRST.search(folded) and amount in measures and due not in measures and row in rows:
                # "which of those bills is due first?": those still open, by due date, the first (overdue or not)
                plan.args["measures"] = [amount, due]
                plan.args["conditions"] = [c for c in plan.args.get("conditions") or [] if c.get("measure") != amount] + [
                    {"measure": amount, "op": ">", "value": "0"}]
                plan.args.update(order_by=due, order="asc", limit=1)
        return
    for due, (amount, row) in DUE_PAIRS.items():
        if due in measures and (amount in measures or re.search(r"\b(how much|bao nhieu|amount|so tien)\b", folded)):
            plan.args["measures"] = [amount, due]
            plan.args["group_by"] = [row]
            plan.args["conditions"] = list(plan.args.get("conditions") or []) + [
                {"measure": due, "op": ">=", "value": "0"}]
            plan.args.update(order_by=due, order="asc", limit=1)
            return


# A remark after the question that only says why it is asked: "… còn bao nhiêu thùng? khách cần 50 thùng",
# "… in stock? the customer needs 40" — the question is before it.
CONTEXT_TAIL = re.compile(r"^\s*(?:(?:vi|because|since|as|do|boi vi)\s+)?(?:(?:the|a|our|my|con|ben)\s+)?"
                          r"(?:khach( hang)?|customer|client|they|he|she|anh ay|chi ay|ho)( \w+)? "
                          r"(?:can|muon|hoi|dang can|can gap|needs?|wants?|is asking for|asked for|asks for|ordered|dat)\b")


# What a document holds, asked for ("what's on invoice …", "which items were on it", "hóa đơn … gồm những gì")
WHAT_ON = re.compile(r"\b(what s on|what is on|what was on|whats on|what s in|what is in|what was in|items?|lines?|contents|"
                     r"what did (they|he|she|it) (buy|get)|gom (nhung )?(gi|mat hang nao)|co (nhung )?(gi|mat hang nao))\b")


LISTED = re.compile(r"\b(which|what are|list|show me|nao|liet ke|danh sach|nhung)\b")


def _bills_behind(plan: Plan, folded: str) -> None:
    """'what do we owe Brother International', 'hoá đơn nhà cung cấp nào đang quá hạn': the supplier bills behind the
    amount, each with its due date (and the total), not the amount alone."""
    args = plan.args
    measures = args.get("measures") or []
    if plan.tool == "query_data" and measures[:1] in (["overdue_payables"], ["overdue_amount"]) \
            and set(args.get("group_by") or ()) & {"bill", "invoice", "customer", "supplier"} \
            and not args.get("conditions") and not args.get("share"):
        # "which supplier bills are overdue", "who's late paying?": the ones with something overdue, not every one at
        # nothing
        args["conditions"] = [{"measure": measures[0], "op": ">", "value": "0"}]
        return
    if plan.tool != "query_data" or measures not in (["open_payables"], ["overdue_payables"]) or args.get("group_by") \
            or args.get("conditions") or args.get("compare") or args.get("period") or "bill_due_date" not in MEASURES:
        return
    supplier = any(f.get("dimension") == "supplier" for f in args.get("filters") or [])
    if not (supplier or (measures == ["overdue_payables"] and LISTED.search(folded))):
        return
    args["measures"] = [measures[0], "bill_due_date"]
    args["group_by"] = ["bill"] if supplier else ["bill", "supplier"]
    args["conditions"] = [{"measure": measures[0], "op": ">", "value": "0"}]
    plan.hints = {**(plan.hints or {}), "owed_rows": True}


SAME_POINT = re.compile(r"\b(same (point|time|day|date|stage)|this time|cung ky|cung thoi diem|thoi diem nay)\b.{0,25}"
                        r"\b(last year|a year (ago|earlier|before)|the year before|nam ngoai|nam truoc)\b")


def _same_point_last_year(plan: Plan, folded: str, memory: Memory, today: date) -> None:
    """'how much have we sold so far this year?' then 'and same point last year?': last year up to the same day,
    not all of last year."""
    from backend.semantic.periods import parse_period, same_last_year

    if plan.args.get("period") not in ("last-year", str(today.year - 1)) or not SAME_POINT.search(folded) \
            or not memory.period or plan.args.get("compare"):
        return
    try:
        before = parse_period(memory.period, today)
    except ValueError:
        return
    if before.start <= today <= before.end or before.end == today:
        if memory.period in ("this-year", str(today.year)):
            before = parse_period("ytd", today)   # ("so far this year" said as "this year")
        elif before.end > today:
            return
        earlier = same_last_year(before)
        plan.args["period"] = f"{earlier.start.isoformat()}..{earlier.end.isoformat()}"


def make_plan(text: str, *, session: Session, actor_id: int | None, today: date, memory: Memory) -> Plan:
    from assistant.planner import data as data_mod

    question, mark, tail = text.rpartition("?")
    if mark and tail.strip() and CONTEXT_TAIL.search(fold(tail)):
        text = question + mark
    plan = _make_plan(text, session=session, actor_id=actor_id, today=today, memory=memory)
    if plan.tool == "product_availability" and YES_NO.search(fold(text)) and re.search(
            r"\b(reorder|re-order|muc dat hang lai|dat hang lai|ton toi thieu)\b", fold(text)):
        plan.hints = {**(plan.hints or {}), "reorder_asked": True}   # "is it below the reorder level anywhere?"
    if plan.tool == "invoice_status" and WHAT_ON.search(fold(text)):
        plan.hints = {**(plan.hints or {}), "lines": True}   # "what's on invoice INV-2024-000299?": its lines
    if plan.tool == "query_data" and plan.args.get("compare") == "same_period_last_year" and (re.search(
            r"\b(same time|same point|same period|this time|cung ky|cung thoi diem|so far|to date|tu dau nam)\b", fold(text))
            or plan.args.get("period") in (None, "this-year", str(today.year))):
        # "and same time last year?", "how are we doing vs last year?": this year so far against last year up to the
        # same day, not a part of this year against all of last year
        to_date = {"this-year": "ytd", str(today.year): "ytd", "this-quarter": "qtd", "this-month": "mtd", None: "ytd"}
        if plan.args.get("period") in to_date and not any(data_mod._is_balance(m) for m in plan.args.get("measures") or ()):
            plan.args["period"] = to_date[plan.args.get("period")]
    if plan.tool == "list_tickets" and not plan.args.get("ticket") and re.search(
            r"\b(last|latest|most recent|newest) (support )?(ticket|case|complaint)\b|\b(ticket|phieu( ho tro)?) (gan nhat|moi nhat)\b",
            fold(text)) and not re.search(r"\b(open|unresolved|pending|closed|dang mo|chua dong)\b", fold(text)):
        plan.args.update(status="any", limit=1)   # "last ticket from Coastal Outdoor Outlet?": the newest, whatever its state
    if plan.tool == "order_status" and SHIPPED_ASKED.search(fold(text)):
        plan.hints["shipped_asked"] = True   # "has it shipped yet?", "đơn đó giao chưa?": yes or not yet, first
    if plan.tool == "product_availability" and COST_ASKED.search(fold(text)):
        plan.hints["asked_cost"] = True   # said so when the asker's role may not see costs
    grouping = set(plan.args.get("group_by") or ())
    # (the first question decides: "is the HP 85A below its reorder level? what's the stock vs the level?")
    first = fold(text.split("?")[0]) if text.count("?") >= 2 or (text.count("?") == 1 and text.rstrip()[-1:] != "?") \
        else fold(text)
    if plan.tool == "query_data" and YES_NO.search(first) and not re.search(r"\b(bao nhieu|how many|how much|than|hon)\b",
                                                                              first) \
            and not plan.args.get("compare") and not grouping & {"owner", "day", "week", "month", "quarter", "year"} \
            and not (grouping and not plan.args.get("filters") and not plan.args.get("customer")
                     and not plan.args.get("conditions")):
        plan.hints["yes_no"] = True   # "is Big Timber overdue on anything?": yes or no first, then the figure
    if plan.tool in ("check_credit", "customer_overview") and YES_NO.search(fold(text)) and not plan.args.get("amount") \
            and not re.search(r"\b(bao nhieu|how many|how much)\b", fold(text)):
        topic = next((name for name, words in YES_NO_TOPICS if words.search(fold(text))), None)
        if topic:
            plan.hints["yes_no"] = topic   # "is X over its credit limit?", "does she owe us anything?": yes or no first
    if plan.tool == "query_data" and plan.args.get("compare") and (
            re.match(r"\s*(is|are|does|do|did|has|have|was|were)\b", fold(text)) or YES_NO.search(fold(text))):
        # "did 2024 beat 2023 on revenue?", "doanh thu tháng này có giảm so với tháng trước không?": the direction
        # asked, answered yes or no from the change
        if re.search(r"\b(lower|less|fewer|down|drop|dropped|fall|fell|decline|declined|worse|shrink|shrank|giam|"
                     r"thap hon|it hon|kem hon|sut)\b", fold(text)):
            plan.hints["yes_no_change"] = "down"
        elif re.search(r"\b(beat|beats|higher|more|up|grow|grew|grown|better|bigger|exceed|exceeded|increase|increased|"
                       r"rise|rose|tang|cao hon|nhieu hon|hon)\b", fold(text)):
            plan.hints["yes_no_change"] = "up"
    if plan.tool == "list_tickets" and not plan.args.get("ticket") and (
            YES_NO.search(re.sub(r"^\s*(r|are) there\b", "are", fold(text))) or re.match(r"\s*(r|are|is) there\b", fold(text))):
        plan.hints["yes_no"] = "tickets"   # "r there any open tickets for Lakeshore?": yes or no first
    if plan.tool in ("invoice_status", "customer_history") and PAID_ASKED.search(fold(text)) and (
            plan.tool == "invoice_status" or (plan.args.get("kinds") == ["invoices"] and plan.args.get("page_size") == 1)):
        plan.hints["yes_no"] = "paid"   # "has it been paid?", "has Puja paid her last invoice?": yes or no first
    elif plan.tool == "customer_history" and plan.args.get("kinds") == ["payments"] and PAID_ASKED.search(fold(text)) \
            and (YES_NO.search(fold(text)) or re.match(r"\s*(has|have|did|does|do)\b", fold(text))):
        plan.hints["yes_no"] = "paid_any"   # "has Seoul Office Mart paid anything this year?": yes or no first
    if plan.tool == "customer_history" and plan.args.get("customer") and NEXT_DUE.search(fold(text)) \
            and re.search(r"\b(due|den han|toi han)\b", fold(text)) and re.search(r"\b(invoices?|hoa don)\b", fold(text)):
        # "when is Saigon Foods' next invoice due?": that customer's open invoice due soonest, not its history
        plan = Plan(intent="data", tool="query_data", language=plan.language, customer_code=plan.args["customer"],
                    args={"measures": ["invoice_due_date"], "customer": plan.args["customer"],
                          **({"language": "vi"} if plan.language == "vi" else {})},
                    hints={"today": today.isoformat()})
    _next_due(plan, fold(text))
    _category_of_the_product(plan, session)
    _same_point_last_year(plan, fold(text), memory, today)
    _bills_behind(plan, fold(text))
    if plan.tool == "query_data" and "last_order" in (plan.args.get("measures") or []) and not plan.args.get("period"):
        plan.args["period"] = "all"   # "how much do they owe and when did they last order?": ever, not this year
    named = entity_index(session).link_customer(_without_periods(text, today), asker_id=actor_id)
    if named.ambiguous:
        chosen = _busiest(session, named)
        if chosen is not None and chosen.code in (plan.customer_code, plan.args.get("customer")):
            plan.hints["also_named"] = [f"{c.name} ({c.code})" for c in named.candidates if c.code != chosen.code]
    return plan


def _make_plan(text: str, *, session: Session, actor_id: int | None, today: date, memory: Memory) -> Plan:
    from assistant.planner import data as data_mod
    from assistant.planner import frame as frame_mod
    from assistant.planner import mentions as mentions_mod

    language = language_of(text)
    if language == "en" and memory.args.get("language") == "vi" and not set(fold(text).split()) & ENGLISH_WORDS:
        language = "vi"  # "còn Minh Phát?" after a Vietnamese question: names only, so the conversation's language
    guess = classify(text)
    intent = guess.intent
    if intent in ("history", None, "overview") and re.search(
            r"\bthong tin lien (he|lac)\b|\bcontact (details|info|information)\b|\bcach lien (he|lac)\b", fold(text)):
        intent = "contacts"   # "thông tin liên hệ của Hoàng Long": the people and how to reach them, not the calls
    if intent == "approve" and APPROVER_ASKED.search(fold(text)):
        intent = None   # "who approved it?": a question about a document, not a request to approve one
    if intent == "reorder" and re.search(r"\breorder (level|point|threshold)s?\b|\bmuc dat hang lai\b", fold(text)) \
            and not re.search(r"\b(draft|create|raise|make|place|tao|lap)\b|^\s*(please |pls |hay )?(reorder|restock|dat hang lai)\b(?! (levels?|points?|thresholds?)\b)",
                              fold(text)):
        intent = None   # "reorder level on the Trailbeam 350?": the level asked about, not stock to reorder
    slots = slot_mod.extract(text, today)
    index = entity_index(session)
    if mentions_mod.DOCUMENT.search(text) and (intent not in {"approve", "convert"} or not re.search(
            r"\b(approve|approval|sign off|duyet|convert|turn|make|chuyen|tao)\b", fold(text))):
        # (a document and no word of approving or converting it: "PO-2026-000651 bao giờ về?" is a question)
        docs = mentions_mod.documents(session, text)
        if docs:
            plan = _document_plan(docs, language, fold(text))
            if plan is not None:
                return plan
    elif memory.intent in ("invoice_status", "order_status") and intent not in WRITE_INTENTS and (
            _it_said(text) or (memory.intent == "invoice_status" and len(tokens_of(text)) <= 7 and re.search(
                r"^\s*(and |con |the )?(the customer|khach|khach hang)\b.{0,20}\b(paid|pay|tra|thanh toan)\b", fold(text)))) \
            and (memory.args.get("invoice") or memory.args.get("order")) and not re.search(
                r"\b(customers?|khach hang)\s+(\w+\s+){0,2}(owe|buy|bought|revenue|doanh thu)|"
                r"\b(tickets?|complaints?|phieu( ho tro)?|khieu nai)\b", fold(text)):
        # "which customer is it for?", "has it been paid?" after one invoice or order: that document again (its
        # answer says whose it is, what is paid and what is open) — or, asked of an order, its invoice
        invoice = (memory.rows.get("order_invoice") or [None])[0] if memory.intent == "order_status" else None
        if invoice and re.search(r"\b(invoice|invoiced|hoa don)\b", fold(text)) and _registered("invoice_status"):
            args = {"invoice": invoice, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="invoice_status", tool="invoice_status", args=args, language=language)
        return Plan(intent=memory.intent, tool=memory.intent, args=dict(memory.args), language=language)
    elif memory.intent == "tickets" and memory.args.get("ticket") and intent not in WRITE_INTENTS \
            and re.search(r"\b(which|what) (order|invoice)\b|\b(don hang|hoa don|don) nao\b", fold(text)) \
            and _registered("order_status"):
        # "what's TCK-2026-000035 about?" then "which order is it about?": the document its description names
        from backend.models import Ticket

        said = session.execute(select(Ticket.description).where(Ticket.number == memory.args["ticket"])).scalar()
        named = [d for d in mentions_mod.documents(session, said or "") if d.kind in ("order", "invoice")]
        if named:
            tool, arg = ("order_status", "order") if named[0].kind == "order" else ("invoice_status", "invoice")
            args = {arg: named[0].number, **({"language": "vi"} if language == "vi" and tool == "invoice_status" else {})}
            if _registered(tool) and _accepts(tool, args):
                return Plan(intent=tool, tool=tool, args=args, language=language)
    elif memory.intent == "availability" and intent not in WRITE_INTENTS and memory.args.get("product") \
            and _it_said(text) and STOCK_DETAIL.search(fold(text)) and _registered("product_availability"):
        # "how many boxes of A4 in HCM?" then "what's the reorder level for it there?": that product's stock record,
        # which gives each warehouse's level
        return Plan(intent="availability", tool="product_availability", args=dict(memory.args), language=language)
    elif memory.intent == "data" and intent not in WRITE_INTENTS and (
            _it_said(text) or (DOCUMENT_OUTSTANDING.search(fold(text)) and len(tokens_of(text)) <= 6)):
        # "what's on PO-2026-000583?" after its status: the document the conversation is about ("còn thiếu bao
        # nhiêu?" after what came in on it: what is still to come on it)
        named = [f for f in memory.args.get("filters", []) if f["dimension"] in ("purchase_order", "receipt")
                 and len(f["values"]) == 1]
        if named:
            plan = _document_parts(named[0]["dimension"], named[0]["values"][0], fold(text), language)
            if plan is not None:
                return plan

    link = LinkResult()
    if slots.email:
        entry = index.link_contact_email(session, slots.email)
        if entry:
            link = LinkResult(customer=entry)
    if link.customer is None:
        # Periods are not names: "tháng trước" is not "Thành", "May" is no customer.
        link = index.link_customer(_without_periods(text, today), asker_id=actor_id)
        if link.ambiguous:
            busiest = _busiest(session, link)
            if busiest is not None:
                link = LinkResult(customer=busiest, span=link.span)
        if link.customer is None or (link.span and link.span[1] - link.span[0] < len(link.customer.core)):
            # "who is the sales rep for Frank Harris?": a contact's full name beats a customer named by one word
            contact = _contact_named(session, index, text, today)
            if contact is not None and contact.id != (link.customer.id if link.customer else None):
                link = LinkResult(customer=contact)
        if link.customer is not None and link.span and link.span[1] - link.span[0] < len(link.customer.core):
            # "whats Steve Johnson's email address": a colleague's full name beats a customer named by one of its
            # words (the customer Steve Murray)
            colleague = mentions_mod.mentions_index(session, index.stamp).employee(text)
            said = set(tokens_of(text)[link.span[0]:link.span[1]])
            if colleague is not None and said <= set(fold(colleague.name).split()) and re.search(
                    rf"\b{re.escape(fold(colleague.name))}\b", fold(text)):
                link = LinkResult()

    sides = re.split(r"\s+(?:vs\.?|versus|so voi|so với|compared (?:with|to)|against)\s+", text, maxsplit=1, flags=re.IGNORECASE)
    if len(sides) == 2 and intent not in WRITE_INTENTS and (link.customer is not None or link.ambiguous or link.span):
        first = index.link_customer(_without_periods(sides[0], today), asker_id=actor_id)
        second = index.link_customer(_without_periods(sides[1], today), asker_id=actor_id)
        first, second = (LinkResult(customer=_busiest(session, side)) if side.ambiguous and _busiest(session, side)
                         else side for side in (first, second))
        if first.customer is not None and second.customer is not None and first.customer.code != second.customer.code:
            # "Hoàng Long vs Minh Phát this year": the two customers' sales side by side
            from assistant.planner.frame import parse as parse_frame

            said = parse_frame(text, today)
            measures = [m for m in said.measures if m in MEASURES and "customer" in _supported(m)] or ["revenue"]
            args = {"measures": measures, "group_by": ["customer"],
                    "filters": [{"dimension": "customer", "values": [first.customer.code, second.customer.code]}]}
            if said.period:
                args["period"] = said.period
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    if link.customer is not None and link.span and len(link.customer.core) > 1 \
            and index.inside_a_product_name(tokens_of(_without_periods(text, today)), link.span):
        link = LinkResult()   # "how much have we sold of the inflatable paddle board": a product, not Paddle Direct
    shown_customers = memory.rows.get("customer") or ()
    if not shown_customers and len(memory.rows.get("invoice") or ()) == 1:
        from backend.models import Customer, Invoice

        shown_customers = tuple(session.execute(select(Customer.code).join(Invoice, Invoice.customer_id == Customer.id)
                                                .where(Invoice.number == memory.rows["invoice"][0])).scalars())
    if link.customer is None and intent not in WRITE_INTENTS and len(shown_customers) == 1 \
            and OWNER_ASKED.search(fold(text)) and SPOKEN_OF.search(fold(text)) and _registered("customer_overview"):
        # "the longest-overdue invoice?" then "khách đó do ai phụ trách?": the owner of the customer shown
        args = {"customer": shown_customers[0], **({"language": "vi"} if language == "vi" else {})}
        return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                    customer_code=shown_customers[0])
    row_period = None
    if link.customer is None and not link.ambiguous and memory.rows.get("customer"):
        # "my top 3 customers" then "what's the third one's email?": that row of the last answer
        nth = _row_said(fold(text), len(memory.rows["customer"]))
        row = index.by_code.get(memory.rows["customer"][nth].lower()) if nth is not None else None
        entry = index.entry(row) if row is not None else None
        if entry is not None:
            link = LinkResult(customer=entry)
            row_period = memory.args.get("period")
    folded_text = fold(text)
    last_one = LAST_ONE.search(folded_text)
    if last_one and memory.intent == "data" and link.customer is None and intent not in WRITE_INTENTS:
        latest = next((LATEST_OF.get(m) for m in memory.args.get("measures", []) if LATEST_OF.get(m) in MEASURES), None)
        if latest is not None and not memory.args.get("group_by"):
            # "how many orders has Bjørn Hansen placed?" then "when was the last one?": the latest of those
            args = {k: v for k, v in memory.args.items() if k not in ("period", "limit", "order", "order_by")}
            args.update({"measures": [latest], "period": "all"})
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    oldest = OLDEST_OF_THOSE.search(folded_text)
    shown_invoices = memory.rows.get("invoice") or ()
    if oldest and link.customer is None and intent not in WRITE_INTENTS and 1 < len(shown_invoices) <= 50 \
            and memory.intent in ("data", "report"):
        # "is Hoàng Long overdue on anything?" then "how much is still open on the oldest one?": of the invoices
        # shown, the one longest past due, with what is still open on it
        args = {"measures": ["open_receivables", "max_days_overdue"], "group_by": ["invoice", "customer"],
                "filters": [{"dimension": "invoice", "values": list(shown_invoices)}],
                "order_by": "max_days_overdue", "order": "desc", "limit": 1}
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language,
                    hints={"today": today.isoformat(), "single": True})
    owed_of = [m for m in memory.args.get("measures") or [] if m in ("overdue_amount", "open_receivables")]
    if oldest and link.customer is None and intent not in WRITE_INTENTS and memory.intent == "data" \
            and memory.args.get("customer") and owed_of and not memory.args.get("group_by"):
        # "how much is Coastal behind?" then "what's the oldest one?": of that customer's invoices still owed (late,
        # when lateness was asked), the one longest past due
        args = {"measures": [owed_of[0], "max_days_overdue", "invoice_due_date"], "group_by": ["invoice"],
                "customer": memory.args["customer"], "conditions": [{"measure": owed_of[0], "op": ">", "value": "0"}],
                "order_by": "max_days_overdue", "order": "desc", "limit": 1}
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language, customer_code=memory.args["customer"],
                    hints={"today": today.isoformat(), "single": True})
    ticket_words = re.search(r"\b(tickets?|complaints?|cases?|phieu|khieu nai)\b", folded_text)
    if memory.intent == "tickets" and memory.args.get("ticket") and link.customer is None and intent not in WRITE_INTENTS \
            and _it_said(text) and not re.search(r"\b(order|invoice|don|hoa don)\b", folded_text) \
            and _registered("list_tickets"):
        # "whats CS-1117 about" then "is it still open? what priority": that ticket again (its status and priority),
        # not the order its subject names
        return Plan(intent="tickets", tool="list_tickets", args=dict(memory.args), language=language)
    if memory.intent == "order_status" and len(memory.rows.get("order") or ()) == 1 and ticket_words \
            and link.customer is None and intent not in WRITE_INTENTS and _it_said(text) and _registered("list_tickets"):
        # "what's on BO-16-0633" then "was there a ticket about it": the tickets that name that order, whatever
        # their state
        args = {"about": memory.rows["order"][0], "status": "any"}
        if _accepts("list_tickets", args):
            return Plan(intent="tickets", tool="list_tickets", args=args, language=language)
    # "biggest single invoice this year?" then "when was that": that document, which carries its date
    when_that = re.search(r"^\s*(when|what (day|date))\b.{0,15}\b(that|this|it)\b", folded_text)
    for row, tool, arg in (("invoice", "invoice_status", "invoice"), ("order", "order_status", "order")):
        if link.customer is None and intent not in WRITE_INTENTS and len(memory.rows.get(row) or ()) == 1 \
                and (_it_said(text) or when_that) and _registered(tool):
            # "the oldest overdue invoice?" then "how much is still open on it?": that document's record
            args = {arg: memory.rows[row][0], **({"language": "vi"} if language == "vi" and tool == "invoice_status" else {})}
            if _accepts(tool, args):
                return Plan(intent=tool, tool=tool, args=args, language=language)
    for row in ("bill", "purchase_order"):
        if link.customer is None and intent not in WRITE_INTENTS and len(memory.rows.get(row) or ()) == 1 \
                and _it_said(text):
            # "the oldest unpaid supplier bill?" then "how much is it for?": that document's figures
            from assistant.planner.mentions import Document

            plan = _document_plan([Document(kind=row, number=memory.rows[row][0])], language, fold(text))
            if plan is not None:
                return plan
    if link.customer is None and intent not in WRITE_INTENTS and len(memory.rows.get("opportunity") or ()) == 1 \
            and DEAL_DETAIL.search(fold(text)) and THAT_ONE.search(fold(text)):
        # "biggest open deal?" then "who owns it and when is it supposed to close?": that deal's record
        args = {"measures": ["opportunity_amount", "expected_close"], "group_by": ["opportunity", "stage", "owner"],
                "filters": [{"dimension": "opportunity", "values": memory.rows["opportunity"]}]}
        if memory.customer_code:
            args["customer"] = memory.customer_code
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language, customer_code=memory.customer_code,
                    hints={"today": today.isoformat()})
    if intent not in WRITE_INTENTS and DEAL_DETAIL.search(fold(text)) and mentions_mod.OPPORTUNITY_CUES.search(fold(text)):
        # "who owns the big sky tent reset deal from last fall": that deal's record (its owner, stage and close date)
        extra = mentions_mod.mentions_index(session, index.stamp)
        deals = extra.opportunities_named(text, link.customer.id if link.customer else None) \
            or (extra.opportunities_named(text) if link.customer is not None else [])
        if deals and len(deals) <= 10:
            # (several deals of those words, "the container of A4 paper deal" of 2025 and of 2026: each of them)
            args = {"measures": ["opportunity_amount", "expected_close"], "group_by": ["opportunity", "stage", "owner"],
                    "filters": [{"dimension": "opportunity", "values": list(dict.fromkeys(deals))}]}
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    # "kế toán trưởng Hoàng Long", "trưởng phòng mua hàng bên Minh Phát": a job title's words name no customer ("Kế toán
    # Việt Long", "Trường Phong"); the titles are read only for a question about a person (one query a process, cached)
    title_words = {w for words in _titles(session, index.stamp).values() if len(words) >= 2
                   and all(w in tokens_of(text) for w in words) for w in words} if CONTACT_CUE.search(fold(text)) else set()
    named_by_title = link.customer is not None and bool(link.span) \
        and bool(set(tokens_of(text)[link.span[0]:link.span[1]]) & title_words)
    if named_by_title or (link.customer is None and (link.ambiguous or not link.span)):
        if title_words:
            relinked = index.link_customer(" ".join(w for w in tokens_of(_without_periods(text, today))
                                                    if w not in title_words), asker_id=actor_id)
            if relinked.ambiguous:
                # "kế toán trưởng Hoàng Long": of the customers the name fits, the one that has someone of that title
                titled = _with_title(session, [c.id for c in relinked.candidates], title_words)
                busiest = next((c for c in relinked.candidates if c.id in titled), None) if len(titled) == 1 \
                    else _busiest(session, relinked)
                if busiest is not None:
                    relinked = LinkResult(customer=busiest)
            if relinked.customer is not None:
                link = LinkResult(customer=relinked.customer)
            elif not relinked.ambiguous and not relinked.span:
                link = LinkResult()   # "kế toán trưởng bên đó": only the title's words named anyone — no customer
    if language == "vi" and link.customer is not None:
        # "the annual deal with Tập đoàn Trường Phát": the name's accents say nothing of the asker's language
        name_words = set(fold(link.customer.name).split()) | set(link.customer.core)
        rest = " ".join(w for w in text.split() if fold(w).strip("?.,!:;'\"") not in name_words)
        if not (memory.args.get("language") == "vi" and len(tokens_of(rest)) <= 3):
            language = language_of(rest)
    if intent == "docs" and link.customer is not None and not POLICY.search(fold(text)) and re.search(
            r"\b(reach|contact|get hold of|get in touch with|call|email|e-mail|phone|lien he|lien lac)\b", fold(text)):
        intent = "contacts"   # "how do I reach Ladislav Kovács?": the customer's phone and e-mail, not a how-to
    if intent not in WRITE_INTENTS and link.customer is None and not link.ambiguous and memory.customer_code \
            and ON_THAT_ORDER.search(fold(text)) and _registered("customer_history"):
        # "when did Frank Ralston last buy something?" then "what was on that order?": that order, line by line
        args = {"customer": memory.customer_code, "kinds": ["orders"], "page_size": 1, "include_lines": True,
                "live_orders_only": True, **({"language": "vi"} if language == "vi" else {})}
        if _accepts("customer_history", args):
            return Plan(intent="history", tool="customer_history", args=args, language=language,
                        customer_code=memory.customer_code)
    if intent not in WRITE_INTENTS and link.customer is not None and LAST_INVOICE.search(fold(text)) \
            and _registered("customer_history"):
        # "has Diego Gutierrez paid his last invoice?": that invoice, with what is paid and what is still open
        args = {"customer": link.customer.code, "kinds": ["invoices"], "page_size": 1}
        if _accepts("customer_history", args):
            return Plan(intent="history", tool="customer_history", args=args, language=language,
                        customer_code=link.customer.code)
    if intent not in WRITE_INTENTS and LAST_CONTACT.search(fold(text)) and _registered("customer_history"):
        # "when did we last contact Đại Tín?", "lần cuối mình liên hệ với họ là khi nào?": the latest interaction
        code = link.customer.code if link.customer is not None else (
            memory.customer_code if not link.ambiguous and THEIRS_OR_IT.search(fold(text)) else None)
        if code:
            args = {"customer": code, "kinds": ["interactions"], "page_size": 1,
                    **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="history", tool="customer_history", args=args, language=language, customer_code=code)
    if intent not in WRITE_INTENTS:
        plan = _contact_role_plan(session, index, text, link, memory, language)
        if plan is not None:
            return plan
        if link.customer is not None and LATE_ANYTHING.search(fold(text)) \
                and not re.search(r"\b(how much|how many|bao nhieu)\b", fold(text)):   # ("how much is X behind": the sum)
            args = {"measures": ["overdue_amount", "max_days_overdue"], "group_by": ["invoice"],
                    "customer": link.customer.code,
                    "conditions": [{"measure": "overdue_amount", "op": ">", "value": "0", "other": None}],
                    **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        customer_code=link.customer.code, hints={"today": today.isoformat(), "yes_no": True})
        if link.customer is not None and OWES_ANYTHING.search(fold(text)):
            # "does Manoj Pareek owe us anything?": the open invoices, what is still owed on each and when it is due
            args = {"measures": ["open_receivables", "invoice_due_date"], "group_by": ["invoice"],
                    "customer": link.customer.code,
                    "conditions": [{"measure": "open_receivables", "op": ">", "value": "0", "other": None}],
                    **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        customer_code=link.customer.code, hints={"today": today.isoformat()})
        if link.customer is not None and CONTACT_FUNCTION.search(fold(text)):
            args = {"customer": link.customer.code, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="contacts", tool="customer_overview", args=args, language=language,
                        customer_code=link.customer.code)
        located = link.customer is not None and LOCATION_ASKED.search(fold(text)) and frame_mod.parse(text, today)
        if located and not located.group_by and located.period in (None, "all") \
                and set(located.measures) <= {"revenue", "stock_reserved", "orders"}:
            # "where's Woodstock Discos located?", "where is he and how much has he spent with us overall?": the
            # account's record (its address, with its all-time revenue)
            args = {"customer": link.customer.code, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                        customer_code=link.customer.code)
        if link.customer is not None and OWNER_ASKED.search(fold(text)):
            # "ai phụ trách khách hàng Đông Á Paper?", "who looks after Big Sky?": the account's record says
            args = {"customer": link.customer.code, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                        customer_code=link.customer.code)
        if link.customer is None and memory.customer_code and OWNER_ASKED.search(fold(text)) \
                and (SPOKEN_OF.search(fold(text)) or re.search(r"\bthe (account owner|account manager|owner|account rep|"
                                                               r"sales ?rep|salesperson)\b", fold(text))):
            # "tình hình Hoàng Long?" then "ai phụ trách khách này?", "who is their account manager?": that account's owner
            args = {"customer": memory.customer_code, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                        customer_code=memory.customer_code)
        if link.customer is None and memory.customer_code and SPOKEN_OF.search(fold(text)) and re.search(
                r"\b(payment terms|terms|dieu khoan( thanh toan)?|thoi han thanh toan|ky han)\b", fold(text)) \
                and not SUPPLIER_WORDS.search(fold(text)) and _registered("customer_overview") \
                and not any(f.get("dimension") == "supplier" for f in memory.args.get("filters", [])) \
                and memory.intent not in ("find_supplier",):
            # "… Tamarack Sporting Goods" then "what are their payment terms": the account's record says
            args = {"customer": memory.customer_code, **({"language": "vi"} if language == "vi" else {})}
            return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                        customer_code=memory.customer_code)
        if link.customer is None and memory.customer_code and intent == "credit" and CREDIT_LEFT.search(fold(text)) \
                and _registered("check_credit"):
            # "which of their invoices are overdue?" then "how much credit do they have left?": their credit check
            args = {"customer": memory.customer_code}
            return Plan(intent="credit", tool="check_credit", args=args, language=language,
                        customer_code=memory.customer_code)

    if link.customer is None and not link.ambiguous and mentions_mod.PHONE.search(text):
        owner = mentions_mod.phone_owner(session, text)
        if owner is not None:
            number = mentions_mod.PHONE.search(text).group(1).strip()
            return Plan(intent="find_customer", tool="find_customers", args={"query": number}, language=language,
                        customer_code=owner[0])

    follow_up = bool(FOLLOW_UP.search(fold(text))) or len(tokens_of(text)) <= 4
    frame = frame_mod.parse(text, today)
    if row_period and row_period != "all" and not frame.period and frame.is_data:
        frame.period = row_period   # "top 5 customers in 2024" then "how much did the top one spend?": in 2024
    if frame.mine and link.customer is not None and link.span:
        # "của Minh Phát": the customer's name, not "của mình" (ours)
        said = " ".join(tokens_of(_without_periods(text, today))[link.span[0]:link.span[1]])
        rest = re.sub(rf"\b{re.escape(said)}\b", " ", frame.folded, count=1) if said else frame.folded
        frame.mine = bool(frame_mod.MINE.search(rest))
    if link.customer is not None and "purchases" in frame.measures and not SUPPLIER_WORDS.search(frame.folded):
        # "Hoàng Long Trading's purchases this year": what the customer bought from us, not what we bought
        frame.measures[:] = list(dict.fromkeys("revenue" if m == "purchases" else m for m in frame.measures))
    if intent not in WRITE_INTENTS:
        _account_figure(frame, mentions_mod.mentions_index(session, index.stamp),
                        balance_before=follow_up and memory.intent == "data"
                        and memory.args.get("measures") == ["account_balance"])
        _campaign_figure(frame, mentions_mod.mentions_index(session, index.stamp))
    earlier = memory.args.get("period") or memory.period
    if not frame.period and SAME_PERIOD.search(frame.folded) and not frame.compare and earlier not in (None, "all"):
        frame.period = earlier   # "and cost of goods sold for the same quarter?", "how many invoices that year?"
        follow_up = True
    if frame.period and earlier not in (None, "all") and re.fullmatch(r"\d{4}-(Q[1-4]|\d\d)", frame.period) \
            and re.search(r"\b(?:of|in|for) (?:that|the same) year\b|\b(?:cua )?nam (?:do|ay)\b", frame.folded):
        # "revenue by quarter for 2025" then "which customer contributed the most in Q4 of that year?": Q4 2025
        from assistant.planner.when import parse_period

        try:
            frame.period = f"{parse_period(earlier, today).start.year}{frame.period[4:]}"
            follow_up = True
        except ValueError:
            pass
    whole = re.search(r"\b(?:the |that )?(?:full|whole|entire|complete) (year|quarter)\b|\b(ca|tron) (nam|quy)\b",
                      frame.folded)
    if whole and not frame.period and earlier not in (None, "all") and intent not in WRITE_INTENTS:
        # "what did I sell in Q4 last year?" then "and for the full year?": the whole year (quarter) the last
        # period fell in
        from assistant.planner.when import parse_period

        try:
            start = parse_period(earlier, today).start
        except ValueError:
            start = None
        if start is not None:
            frame.period = str(start.year) if (whole.group(1) or whole.group(3)) in ("year", "nam") \
                else f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            follow_up = True
    if BEFORE_THAT.search(frame.folded) and memory.args.get("period") not in (None, "all"):
        from assistant.planner.when import previous_form

        frame.period = previous_form(memory.args["period"], today)   # "còn năm trước đó?": the period before the last one
        follow_up = True
    if (follow_up or re.match(r"^\s*so,? (what|how)\b", text, re.IGNORECASE)) and re.search(
            r"^\s*(and|what about|how about|con|va|the con|so (what|how))\b|\b(thi sao|the nao)\s*\??\s*$", frame.folded) \
            and (frame.measures or frame.statuses) and not frame.period and link.customer is None \
            and intent not in WRITE_INTENTS \
            and memory.intent in ("data", "report") and memory.args.get("period") not in (None, "all") \
            and set(frame.measures) != set(memory.args.get("measures") or ()):
        # "top 3 sản phẩm theo doanh thu tháng 10" then "còn theo số lượng bán ra thì sao? top 3": another figure
        # over the same period and the same rows
        frame.period = memory.args["period"]
        rows = memory.args.get("group_by") or ([SALES_REPORT_ROWS[memory.args["report"]]]
                                                if memory.args.get("report") in SALES_REPORT_ROWS else [])
        if isinstance(rows, str):
            rows = [rows]
        ranked = frame.limit or frame.single or memory.args.get("limit") or memory.args.get("top_n")
        if rows and not frame.group_by and ranked and rows[0] not in ("day", "week", "month", "quarter", "year"):
            frame.group_by = [rows[0]]
            frame.limit = frame.limit or memory.args.get("limit") or memory.args.get("top_n")
    if not frame.period and frame.group_by[:1] and frame.group_by[0] in ("day", "week", "month", "quarter") \
            and (frame.single or frame.limit or frame.order) and memory.intent in ("report", "data") \
            and memory.args.get("period") not in (None, "all") and link.customer is None \
            and frame.group_by[0] in ([memory.args["group_by"]] if isinstance(memory.args.get("group_by"), str)
                                      else (memory.args.get("group_by") or [])):
        # "monthly sales for 2025" then "which was the weakest month?": a month of that year
        frame.period = memory.args["period"]
        follow_up = True
    if memory.intent in ("report", "data") and intent not in WRITE_INTENTS and LAST_PLACE.search(frame.folded) \
            and link.customer is None:
        rows = [SALES_REPORT_ROWS[memory.args["report"]]] if memory.args.get("report") in SALES_REPORT_ROWS \
            else (memory.args.get("group_by") or [])
        ranked = memory.args.get("top_n") or memory.args.get("limit")
        if rows and ranked and rows[0] not in ("day", "week", "month", "quarter", "year"):
            # "which rep sold the most in October?" then "and who was last?": the same ranking from the bottom
            args = {"measures": (memory.args.get("measures") or ["revenue"])[:1], "group_by": [rows[0]], "limit": 1,
                    "order": "asc"}
            for key in ("period", "filters", "owner", "customer"):
                if memory.args.get(key):
                    args[key] = memory.args[key]
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language,
                        hints={"today": today.isoformat(), "single": True})
    one = ONE_OF_THOSE.search(frame.folded)
    if memory.intent == "report" and one and intent not in WRITE_INTENTS and 1 < len(memory.rows.get("invoice") or ()) <= 50:
        # "my overdue invoices?" then "which one is the biggest?": of the invoices listed, the one most owed on
        # (or longest past due, asked for the oldest)
        word = one.group("w") or one.group("vw") or ""
        by = "max_days_overdue" if word in ("oldest", "earliest", "most overdue", "lau", "cu") else "open_receivables"
        args = {"measures": ["open_receivables", "max_days_overdue"], "group_by": ["invoice", "customer"],
                "filters": [{"dimension": "invoice", "values": list(memory.rows["invoice"])}], "order_by": by,
                "order": "asc" if word in ("smallest", "nho") else "desc", "limit": 1}
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language,
                    hints={"today": today.isoformat(), "single": True})
    if memory.intent == "report" and memory.rows and intent not in WRITE_INTENTS and AMONG_THOSE.search(frame.folded):
        # "top 5 customers by revenue" (a report) then "which of them owes us the most?": among those rows
        row = next(iter(memory.rows))
        among = Memory(customer_code=memory.customer_code, intent="data", rows=memory.rows,
                       args={"measures": ["revenue"], "group_by": [row],
                             **({"period": memory.args["period"]} if memory.args.get("period") else {})})
        plan = _about_those(frame, among, language, today)
        if plan is not None:
            return plan
    if memory.intent == "data" and set(memory.args.get("measures") or ()) & {"stock_on_hand", "stock_available"} \
            and intent not in WRITE_INTENTS and _it_said(text) and set(frame.measures) <= {"revenue", "stock_value"} \
            and re.search(r"\b(worth|value|valued|on the books|book value|gia tri|tri gia)\b", frame.folded) \
            and "stock_value" in MEASURES and link.customer is None:
        # "stock of Giấy A4 Double A by warehouse" then "what's it worth on the books?": those units at cost
        args = {k: v for k, v in memory.args.items() if k not in ("measures", "limit", "order", "order_by", "conditions")}
        args["measures"] = ["stock_value"]
        return _data_again(args, language, memory)
    if memory.intent == "data" and memory.args.get("measures") and intent not in WRITE_INTENTS:
        plan = _about_those(frame, memory, language, today)
        if plan is not None:
            return plan
    statement = _statement_named(text)
    if statement and intent not in WRITE_INTENTS and DOCUMENT_WORDS.search(fold(text)):
        # "the P&L for Q3 as a PDF": the statement's document
        return Plan(intent="write_report", tool="write_report", args=_document_for(text, slots, language),
                    language=language)
    buckets = [c for d, c in frame.statuses if d == "aging_bucket"]
    if statement == "ap_aging" and buckets and intent not in WRITE_INTENTS:
        # "AP aging: what's in the 61-90 days bucket?": the bills in that bucket; several buckets named ("1-30,
        # 31-60, 61-90 and over 90"): what is in each
        rows = ["aging_bucket"] if len(buckets) >= 2 else ["bill", "supplier"]
        args = {"measures": ["open_payables"], "group_by": rows,
                "filters": [{"dimension": "aging_bucket", "values": buckets}]}
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    if statement == "inventory_valuation" and intent not in WRITE_INTENTS and "stock_value" in MEASURES:
        named = {d: v for d, v in mentions_mod.mentions_index(session, index.stamp).places(frame.folded).found.items()
                 if d in ("category", "warehouse") and v}
        if named:
            # "giá trị tồn kho theo nhóm hàng Paper": the stock value of that group (or warehouse), not every product's
            args = {"measures": ["stock_value"], "filters": [{"dimension": d, "values": v} for d, v in named.items()]}
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    if statement and intent not in WRITE_INTENTS:
        # "P&L for Q3", "bảng cân đối kế toán": the statement itself, every line of it, from the ledger
        args: dict[str, Any] = {"report": statement}
        if frame.period:
            args["period"] = frame.period
        if slots.top_n and "top_n" in REPORTS[statement].filters:
            args["top_n"] = slots.top_n
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="report", tool="run_report", args=args, language=language)
    if intent not in WRITE_INTENTS or intent in ("approve", "convert") and (frame.counting or frame.amount):
        # ("mình đặt Double A bao nhiêu đơn mua hàng?" counts orders placed: a question, not one to place)
        supplier_plan = _supplier_plan(session, text, frame, link, language, today)
        if supplier_plan is None and link.customer is None and memory.intent == "availability" \
                and THEIRS.search(frame.folded):
            # "do we have anything on order with them?" after a product's record: its usual supplier
            usual = _usual_supplier(session, memory.args.get("product"))
            if usual is not None:
                supplier_plan = _supplier_plan(session, text, frame, link, language, today, named=usual)
        if supplier_plan is None and link.customer is None and memory.intent == "data" and (
                THEIRS.search(frame.folded) or AMONG_THOSE.search(frame.folded)):
            supplier_plan = _their_bills(frame, memory, language, today)
        if supplier_plan is not None:
            return supplier_plan
    if intent not in WRITE_INTENTS and set(frame.measures) <= {"suppliers", "revenue", "purchases"} \
            and SUPPLIER_WORDS.search(frame.folded) \
            and re.search(r"\b(who|which|ai|nao|usual|thuong xuyen|normally|usually)\b", frame.folded):
        covered = {i for hit in frame.hits for i in range(hit.start, hit.end)}
        rest = [w for i, w in enumerate(frame.words) if i not in covered and w not in STOP and w not in SUPPLIER_CUE_WORDS
                and w not in ("buy", "bought", "purchase", "get", "mua", "nhap", "do", "we", "from")]
        found, _ = index.link_product(" ".join(rest)) if rest else (None, [])
        said = {w for w in set(rest) if found is not None and w in found.tokens}
        # two of its words, or one only it has with a figure in it ("A3 paper": Giấy A3 Double A 80gsm)
        distinctive = len(said) == 1 and any(c.isdigit() for c in next(iter(said))) and sum(
            1 for p in index.products if said <= set(p.tokens)) == 1
        product = found.sku if found is not None and (len(said) >= 2 or distinctive) else None
        if product is not None:
            # "who is the usual supplier of HP 85A toner?": the product's record says
            return Plan(intent="availability", tool="product_availability", args={"product": product}, language=language)
    if intent not in WRITE_INTENTS and STILL_SOLD.search(frame.folded) \
            and not re.search(r"\b(bao nhieu|how many|how much|may)\b", frame.folded):   # ("còn bán được bao nhiêu": stock)
        sku = _product_in(frame, index, link, None, mentions_mod.mentions_index(session, index.stamp).places(frame.folded))
        if sku is not None:
            # "is PEN-GEL-07 still sold?": the product's record (active, or why not and what replaces it)
            return Plan(intent="products", tool="find_products", args={"query": sku, "active_only": False},
                        language=language)
    if intent == "quote" and frame.is_data and (QUESTION.search(frame.folded) or text.strip().endswith("?")
                                                or re.search(r"\b(bao nhieu|how many|how much)\b", frame.folded)) \
            and not re.search(r"\b(quotes?|quotation|bao gia)\b", frame.folded):
        intent = None   # "bao nhiêu hộp giấy A4 được nhập kho tháng 10?": a quantity asked about, not a quote to draft
    if intent == "quote" and set(frame.measures) & {"quotes", "quotes_won", "quotes_decided", "quote_win_rate"} and (
            frame.counting or frame.period or QUESTION.search(frame.folded)
            or re.search(r"\b(rate|ratio|ty le|how many|bao nhieu)\b", frame.folded)):
        intent = None   # "how many quotes did we send this month?", "quote win rate this year": figures of quotes
    if intent == "quote" and re.match(r"\s*(gia|price|prices|pricing|what s the price|what is the price|how much (is|are|for))\b",
                                      frame.folded) and not re.search(r"\b(bao gia|quotes?|quotation|lap|tao|make|draft)\b",
                                                                      frame.folded):
        intent = "products"   # "giá giấy A4 IK Plus 70gsm cho 200 hộp": a price asked, for that many, not a quote
    if intent == "quote" and any(d == "quote_status" for d, _ in frame.statuses) \
            and (QUESTION.search(frame.folded) or text.strip().endswith("?") or frame.listing or frame.counting
                 or YES_NO.search(frame.folded)) and not quote_lines(text, index, None)[0]:
        intent = None   # "are there any quotes pending approval?": the quotes in that state, not one to draft
    deal_words = bool(mentions_mod.OPPORTUNITY_CUES.search(fold(text)) or re.search(r"\b(stage|giai doan)\b", fold(text)))
    if intent in ("order_status", "credit", "history", "contacts") and link.customer is not None and not slots.documents \
            and re.search(r"\b(deals?|opportunit(y|ies)|co hoi|pipeline)\b", fold(text)):
        intent = None   # "what's the status of my deal with Hòa Bình?", "any open deals with X?": the deals, not orders
    ahead = {"expected_close", "open_opportunities", "opportunities", "pipeline_amount", "weighted_pipeline"}
    bare_month = re.fullmatch(r"(\d{4})-(\d{2})", frame.period or "")
    if bare_month and ((frame.measures and set(frame.measures) <= ahead) or deal_words) \
            and not re.search(r"\b(19|20)\d\d\b", frame.folded) and not frame.compare \
            and re.search(r"\b(close|closing|chot|expected|du kien|sap|pipeline)\b", frame.folded) \
            and (int(bare_month.group(1)), int(bare_month.group(2))) < (today.year, today.month):
        # "deal nào dự kiến chốt trong tháng 12": deals close ahead, so the December to come
        frame.period = f"{int(bare_month.group(1)) + 1}-{bare_month.group(2)}"
    bare_quarter = re.fullmatch(r"(\d{4})-Q([1-4])", frame.period or "")
    if bare_quarter and ((frame.measures and set(frame.measures) <= ahead) or deal_words) \
            and not re.search(r"\b(19|20)\d\d\b", frame.folded) and not frame.compare \
            and re.search(r"\b(close|closing|chot|expected|du kien|sap|pipeline)\b", frame.folded) \
            and (int(bare_quarter.group(1)), int(bare_quarter.group(2))) < (today.year, (today.month - 1) // 3 + 1):
        frame.period = f"{int(bare_quarter.group(1)) + 1}-Q{bare_quarter.group(2)}"   # "deals expected to close in Q3"
    has_quote = "QUO" in slots.documents
    blocking = WRITE_INTENTS - ({"approve", "convert"} if not has_quote else set())
    # "how long is a quote valid?", "which Incoterms may I quote?": a question about quotes asks for no quote
    asks_rule = intent not in blocking or (intent in {"quote", "new_ticket", "log"}
                                           and (QUESTION.search(frame.folded) or text.strip().endswith("?"))
                                           and not quote_lines(text, index, None)[0]) \
        or (intent not in WRITE_INTENTS and bool(RULE_ASKED.search(frame.folded)))
    if link.customer is not None and set(frame.measures) <= {"payment_count", "payments_received"} and not frame.period \
            and intent not in blocking and re.search(
            r"\b(payment terms|terms|dieu khoan thanh toan|thoi han thanh toan|ky han thanh toan)\b", frame.folded):
        # "what are the payment terms for Big Sky?", "điều khoản thanh toán của Saigon Foods": the customer's record
        args = {"customer": link.customer.code, **({"language": "vi"} if language == "vi" else {})}
        return Plan(intent="overview", tool="customer_overview", args=args, language=language,
                    customer_code=link.customer.code)
    if (POLICY.search(frame.folded) or POLICY.search(fold(text)) or RULE_THRESHOLD.search(frame.folded)) and not frame.period \
            and not (frame.conditions and frame.row and re.search(r"\b(which|who|list|show|(?<!khi )nao|ai|danh sach)\b",
                                                                  frame.folded)) and link.customer is None and not link.ambiguous \
            and (not frame.group_by or RULE_THRESHOLD.search(frame.folded) or RULE_ASKED.search(frame.folded)) \
            and not slots.documents and asks_rule \
            and not mentions_mod.mentions_index(session, index.stamp).employee(text):
        # A rule, a time limit, who approves: the handbook answers it, whatever figure words it uses.
        return Plan(intent="docs", tool="search_docs", args={"query": text.strip()}, language=language)
    extra = mentions_mod.mentions_index(session, index.stamp)
    if memory.intent == "report" and str(memory.args.get("report", "")).startswith("sales_by_") \
            and link.customer is None and re.match(r"\s*(and|what about|how about|con|va|the con)\b", frame.folded) \
            and len(frame.folded.split()) <= 6 and not frame.measures:
        named_places = {d: v for d, v in extra.places(frame.folded).found.items() if d in ("country", "city", "region")}
        if len(named_places) == 1:
            # "top 3 countries by revenue in 2025" then "what about the UK?": that country's figures, that period
            (dimension, values), = named_places.items()
            args = {"measures": ["revenue", "orders"], "filters": [{"dimension": dimension, "values": values}]}
            if memory.args.get("period"):
                args["period"] = memory.args["period"]
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    quoted = QUOTED.findall(text)   # "the track 'The Woman King'": a title, not the employee Robert King
    masked = [(m.start(), m.end()) for q in quoted for m in re.finditer(re.escape(fold(q)), fold(text))]
    # "khách hàng ở Hà Nội": a city's words name no employee (Nguyễn Thu Hà)
    masked += [(m.start(), m.end()) for said in extra.places(frame.folded).said.values()
               for word in said for m in re.finditer(rf"\b{re.escape(word)}\b", fold(text))]
    # "bao nhiêu", "bao giờ", "bao lâu": how much / when / how long, not Võ Quốc Bảo
    masked += [(m.start(), m.end()) for m in re.finditer(r"\bbao (nhieu|gio|lau)\b", fold(text))]
    # "năm 2025", "năm nay": the year, not Đặng Hoài Nam
    masked += [(m.start(), m.end()) for m in re.finditer(
        r"\bnam\s+(\d{4}|nay|ngoai|truoc|sau|toi|tai chinh)\b|\b(cuoi|dau|giua|ca|trong|moi)\s+nam\b", fold(text))]
    person = extra.employee(text, exclude=masked) if intent not in blocking else None
    people = extra.employees_named(text, exclude=masked) if intent not in blocking else []
    if person is not None and len(people) < 2:
        people = []   # one colleague named (by full name or not): that one
    shown = memory.args.get("measures", []) if memory.intent == "data" else []
    counted_before = [m for m in shown if MEASURES[m].counts is not None]
    if counted_before and not any(MEASURES[m].unit == "money" for m in shown) and WORTH_ALL.search(frame.folded) \
            and not frame.period and link.customer is None and not frame.group_by and set(frame.measures) <= {"revenue"}:
        # "how many unpaid invoices do we have?" then "what's the total on those?": what those things amount to
        from assistant.planner.data import VALUE_OF_COUNT

        money = [VALUE_OF_COUNT[m] for m in counted_before if VALUE_OF_COUNT.get(m) in MEASURES]
        if money:
            args = dict(memory.args)
            args["measures"] = list(dict.fromkeys(counted_before + money))
            return _data_again(args, language, memory)
    if intent not in WRITE_INTENTS and _registered("find_employees"):
        directory = _directory_plan(text, frame, extra, link, masked, language, session, memory)
        if directory is not None:
            return directory
    if len(people) >= 2 and link.customer is not None and link.span and set(tokens_of(text)[link.span[0]:link.span[1]]) \
            <= {w for p in people for w in fold(p.name).split()}:
        link = LinkResult()   # "Jane vs Steve in 2025": the colleagues, not the customer Steve Murray
    if len(people) >= 2 and re.search(r"\b(vs\.?|versus|compared?|compare|against|and|or|so voi|so sanh|voi|va|hay)\b",
                                      frame.folded) \
            and link.customer is None:
        # "how did Hùng do last quarter compared with Mai?": their figures side by side
        from backend.semantic.engine import supported_dimensions

        measures = [m for m in frame.measures if "owner" in supported_dimensions(m)] or ["revenue"]
        args = {"measures": measures, "group_by": ["owner"],
                "filters": [{"dimension": "owner", "values": [p.code for p in people]}]}
        if frame.period:
            args["period"] = frame.period
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    if person is not None and link.customer is not None and link.span and \
            set(tokens_of(text)[link.span[0]:link.span[1]]) <= set(fold(person.name).split()) and \
            (re.search(rf"\b{re.escape(fold(person.name))}\b", fold(text)) or PERFORMANCE.search(fold(text))
             or REP_FIGURE.search(fold(text))
             or (follow_up and (memory.args.get("salesperson") or memory.args.get("owner") not in (None, "me"))
                 and len(tokens_of(text)) <= 4)):
        # ("Steve's sales this month": a rep's figure; "how did Jane do?" then "and Steve?": the next rep)
        # ("how did Steve do in 2025?": a colleague's results, not the customer Steve Murray)
        link = LinkResult()   # "and Steve Johnson's?": the colleague named in full, not the customer Steve Murray
    if person is not None and link.customer is not None and \
            set(fold(person.name).split()[-1:]) & set(link.customer.core) and \
            not re.search(rf"\b{re.escape(fold(person.name))}\b", fold(text)):
        person = None   # "aging for Kỹ thuật Nam Phong": the customer's own words, not a colleague called Phong
    if person is not None and link.customer is not None and link.span and \
            not re.search(rf"\b{re.escape(fold(person.name))}\b", fold(text)) and \
            set(fold(person.name).split()) & set(tokens_of(text)) <= set(tokens_of(text)[link.span[0]:link.span[1]]) and \
            set(tokens_of(text)[link.span[0]:link.span[1]]) - set(fold(person.name).split()):
        person = None   # "what's Steve Murray's phone number?": the customer's first name, not the colleague Steve Johnson
    if person is not None and link.customer is None and not re.search(rf"\b{re.escape(fold(person.name))}\b", fold(text)):
        # "the track The Woman King": a product's whole name, not the colleague Robert King
        plain = " " + " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split()) + " "
        words = set(fold(person.name).split())
        for entry in index.product_by_sku.values():
            title = " ".join(re.sub(r"[^\w\s]", " ", fold(entry.name)).split())
            if len(title.split()) >= 2 and words & set(title.split()) and f" {title} " in plain:
                person = None
                break
    counted = _dimension_counted(frame) if intent not in blocking and link.customer is None else None
    if counted is not None:
        product, _ = index.link_product(frame.folded)
        said = set(f"may {counted[2]}".split())
        if product is not None and said <= set(product.tokens) and any(
                len(w) >= 3 and w not in STOP for w in (set(product.tokens) & set(frame.words)) - said):
            counted = None   # "giá may tinh Casio fx-580VN X": the product's words (máy tính), not "mấy tỉnh"
    performance = bool(PERFORMANCE.search(frame.folded)) and not frame.measures and not frame.conditions
    if performance and re.search(r"\bhow am i (doing|tracking|trending|pacing|going)\b|"
                                 r"\b(toi|em) (dang )?(lam an|lam viec) the nao\b", frame.folded):
        frame.mine = True   # "how am I doing this year?": the asker's own sales
    if performance and re.search(r"\b(team|the reps|each rep|salespeople|doi ngu|nhom kinh doanh)\b", frame.folded) \
            and not frame.group_by and person is None:
        frame.group_by.append("owner")   # "team performance this quarter": each rep's sales
    if performance and (person is not None or frame.mine or re.search(r"\b(we|chung ta|cong ty)\b", frame.folded)
                        or "owner" in frame.group_by):
        frame.measures.append("revenue")   # ("how did each rep do last year": their sales, rep by rep)
    if frame.compare and not frame.measures and not frame.conditions and not frame.statuses and not frame.row \
            and link.customer is None and intent in (None, "docs", "report") \
            and not (follow_up and memory.intent in ("data", "report")):
        frame.measures.append("revenue")   # "tháng 10 so với tháng 9 thế nào?": sales, the figure months are compared by
    if frame.weak_revenue and link.customer is not None and not frame.measures and (frame.single or frame.limit) \
            and re.search(r"\b(the most|most of|nhieu nhat)\b", frame.folded):
        frame.measures.append("revenue")   # "what did Hoàng Long buy the most of this year?": its products, ranked
    spoken_of = link.customer is not None or (memory.customer_code and SPOKEN_OF.search(frame.folded)) \
        or bool(re.search(r"\b(with|from|at) us\b", frame.folded)) \
        or bool({"country", "city", "region", "segment"} & set(extra.places(frame.folded).found))
    if frame.weak_revenue and spoken_of and not frame.measures and {"spend", "spent", "spending"} \
            & set(frame.words):
        # "fynn zimmerman lifetime spend?", "what did Germany spend with us in 2022?": what they spent with us
        frame.measures.append("revenue")
    if frame.weak_revenue and link.customer is not None and frame.period and not frame.measures \
            and re.search(r"\b(anything|something|at all|gi|chua)\b", frame.folded) and intent not in blocking:
        frame.measures.append("revenue")   # "did Microsoft buy anything from us in 2025 so far?": what it bought then
    if frame.weak_revenue and link.customer is None and (frame.mine or frame.row == "customer") and not frame.counting \
            and all(MEASURES[m].counts is not None for m in frame.measures):
        frame.measures[:] = ["revenue"]  # "what did my customers buy in 2023": their purchases together
    category_named = (any(t.kind == "dimension" and t.target == "category" for h in frame.hits for t in h.terms)
                      or (frame.counting and re.search(r"\b(have we got|do we have|have we|are there|do we sell|co bao nhieu)\b",
                                                       frame.folded)
                          and _product_in(frame, index, link, person, extra.places(frame.folded)) is None)) \
        and "category" in extra.places(frame.folded).found   # (not "how many Mực in HP 85A do we have": that product)
    different = bool(re.search(r"\bhow many (different|distinct|unique)\b|\bbao nhieu (loai|mat hang) khac nhau\b",
                               frame.folded))   # "how many different tracks do we sell": the titles, not the units
    if frame.counting and not frame.measures and not frame.conditions and not frame.row \
            and (not frame.weak_revenue or different) \
            and intent not in blocking and (category_named or re.search(r"\b(catalogue|catalog|danh muc)\b", frame.folded)):
        frame.measures.append("products")  # "how many tracks do we have in the Jazz genre": the catalogue's, counted
    if frame.weak_revenue and not frame.measures and frame.counting and intent not in blocking:
        frame.measures.append("units")    # "how many Titanium Sporks did we sell in 2017": units sold
    if re.search(r"\b(what|which) (genre|category|kind|type|group)\b|\bthuoc (nhom|loai) (hang )?nao\b", frame.folded) \
            and not frame.period and link.customer is None and intent not in blocking \
            and _registered("product_availability"):
        sku = _product_in(frame, index, link, person, extra.places(frame.folded))
        if sku is not None:
            # "what genre is the track Roxanne and what does it cost": the product's record (category and price)
            return Plan(intent="availability", tool="product_availability", args={"product": sku}, language=language)
    if COST_ASKED.search(frame.folded) and not frame.group_by and not frame.period and link.customer is None \
            and intent not in blocking and _registered("product_availability") and set(frame.measures) <= {
                "list_price", "payments_received", "supplier_payments_made", "cost_of_sales"}:
        sku = _product_in(frame, index, link, person, extra.places(frame.folded))
        if sku is not None:
            # "the list price of the Touring Kayak and what do we pay for it?": its record, price and unit cost
            return Plan(intent="availability", tool="product_availability", args={"product": sku}, language=language,
                        hints={"asked_cost": True})
    if frame.measures and set(frame.measures) <= {"stock_available", "stock_on_hand"} \
            and not frame.group_by and not frame.conditions and not frame.row and not frame.compare \
            and intent not in blocking and link.customer is None and _registered("product_availability") \
            and extra.places(frame.folded).found.get("warehouse"):
        sku = _product_in(frame, index, link, person, extra.places(frame.folded))
        if sku is not None:
            # "Hộp lưu trữ hồ sơ A4 ở kho Hà Nội còn bán được bao nhiêu?": that product's stock, warehouse by warehouse
            return Plan(intent="availability", tool="product_availability", args={"product": sku}, language=language)
    if ENOUGH.search(frame.folded) and _registered("product_availability") and (
            intent not in blocking or (intent == "quote" and (YES_NO.search(frame.folded) or text.strip().endswith("?")))):
        # ("kho HCM có đủ 50 hộp giấy A4 không?" reads like a quote's line, but asks about stock)
        places = extra.places(frame.folded)
        sku = _product_in(frame, index, link, person, places)
        entry = index.product_by_sku.get(sku.lower()) if sku else None
        wanted = [int(w) for w in frame.words if w.isdigit() and 0 < int(w) <= 10_000_000
                  and not (entry and w in entry.tokens) and not re.fullmatch(r"(19|20)\d\d", w)]
        if entry is not None and wanted:
            # "customer wants 60 Casio fx-580VN X from Hanoi, do we have enough there?": the stock checked for that
            # many, in the warehouse named (or the one in the city named)
            args = {"product": entry.sku, "quantity": wanted[0]}
            if link.customer is not None:
                args["customer"] = link.customer.code
            warehouses = places.found.get("warehouse") or [
                code for code, _, name in extra.warehouses
                if any(fold(city).replace(" ", "") in name.replace(" ", "") for city in places.found.get("city", []))]
            hints = {"enough": True, **({"enough_in": warehouses[0]} if len(warehouses) == 1 else {})}
            if language == "vi" and memory.args.get("language") != "vi":
                # "customer wants 60 boxes of Bút lông bảng trắng …": the product's accents are not the asker's
                names = set(entry.tokens) | set(fold(entry.name).split())
                language = _language_beside(text, names)
            return Plan(intent="availability", tool="product_availability", args=args, language=language,
                        customer_code=args.get("customer"), hints=hints)
    if counted is None and frame.counting and not frame.measures and not frame.conditions and not frame.row \
            and link.customer is None and intent in (None, "docs", "availability", "products") and _registered("product_availability"):
        sku = _product_in(frame, index, link, person, extra.places(frame.folded))
        if sku is not None:
            # "how many Giấy A4 Double A 80gsm in HCM?": that product's stock, by warehouse
            return Plan(intent="availability", tool="product_availability", args={"product": sku}, language=language)
    if counted is not None:
        # "how many genres do we sell?", "how many cities are our customers in?": the distinct values, counted
        dimension, measure, said = counted
        args = {"measures": [measure], "group_by": [dimension], "limit": 1000}
        places = extra.places(frame.folded).found
        filters = [{"dimension": d, "values": v} for d, v in places.items() if d != dimension
                   and data_mod._allowed([measure], d)]
        if filters:
            args["filters"] = filters   # "... are our export customers in": over the Export segment only
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language,
                    hints={"today": today.isoformat(), "count_of": said})
    if not (frame.is_data or frame.statuses) and intent not in WRITE_INTENTS and link.customer is None \
            and not re.search(r"\b(deals?|opportunit\w*|pipeline|co hoi)\b", frame.folded):
        _sales_of_places(frame, mentions_mod.mentions_index(session, index.stamp).places(frame.folded).found, memory)
    if (frame.is_data or frame.statuses or deal_words) and intent not in blocking:
        if person is not None and link.customer is not None and link.span and link.span[1] - link.span[0] == 1 and \
                tokens_of(text)[link.span[0]] == fold(person.name).split()[-1]:
            link = LinkResult()  # "đơn hàng của Hương": the rep, not a customer whose name has the word
        customer_words = set(link.customer.core) if link.customer else set()
        if link.customer is not None and link.span:
            # the words as typed too ("Sai Gon Food" names Saigon Foods, not the city)
            customer_words |= set(tokens_of(_without_periods(text, today))[link.span[0]:link.span[1]])
        if person is not None and set(fold(person.name).split()[-1:]) & customer_words:
            person = None
        deal = extra.opportunity(text, link.customer.id if link.customer else None) \
            if deal_words or "expected_close" in frame.measures else None
        if deal is not None and not (set(frame.measures) - {"opportunity_amount", "expected_close", "pipeline_amount",
                                                             "weighted_pipeline", "opportunities", "revenue"}):
            # a deal's worth is its amount
            args = {"measures": ["opportunity_amount", "expected_close"], "group_by": ["opportunity", "stage"],
                    "filters": [{"dimension": "opportunity", "values": [deal[1]]}]}
            if link.customer is not None:
                args["customer"] = link.customer.code  # one of several deals of that name
            if language == "vi":
                # "where are we with the Hợp đồng giấy A4 năm 2027 deal?": the deal's name is not the asker's language
                deal_words = set(fold(deal[1]).split()) | (set(link.customer.core) if link.customer else set())
                language = _language_beside(text, deal_words)
            if language == "vi":
                args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
        places = extra.places(frame.folded)
        if link.span and ((link.customer is not None and len(link.customer.core) > 1) or link.ambiguous):
            # "customers in Denver": the city, not "Denver Fire & Rescue" named by one of its words (nor one of the
            # "Portland ..." customers asked which)
            named = set(tokens_of(_without_periods(text, today))[link.span[0]:link.span[1]])
            if any(said and named <= said for said in places.said.values()):
                link = LinkResult()
                customer_words = set()
        # "Saigon Foods": the customer's own words name no city
        found = {d: [v for v in values if not (set(fold(v).split()) <= customer_words)
                     and not (places.said.get(v) and places.said[v] <= customer_words)
                     and not _said_not(frame.folded, places.said.get(v))]
                 for d, values in places.found.items()}
        if language == "vi" and places.said and memory.args.get("language") != "vi":
            # "does anyone from Hải Phòng buy from us?": a place's accents say nothing of the asker's language
            said_words = {w for values in places.said.values() for phrase in values for w in phrase.split()}
            if set(tokens_of(text)) & (ENGLISH_WORDS | {"from", "does", "do", "did", "us", "we", "our", "any", "anyone",
                                                       "sales", "revenue", "customers", "to", "at"}):
                language = _language_beside(text, said_words) or language
        owner = person.code if person else ("me" if frame.mine else None)
        shown_owner = memory.args.get("owner") or memory.args.get("salesperson")
        if owner is None and shown_owner and shown_owner != "me" and link.customer is None \
                and re.search(r"\b(her|his|their)\b", frame.folded) and memory.intent in ("data", "report"):
            owner = shown_owner   # "how's Megan doing this year?" then "what's her biggest account?": Megan's
        team = MY_TEAM.search(frame.folded)
        if owner == "me" and team:
            # "how many customers does each of my reps look after?": rep by rep, not the asker's own
            owner = None
            if "owner" not in frame.group_by:
                frame.group_by.append("owner")
        if person is not None and link.customer is not None and link.span and re.search(
                r"\b(customers|clients|accounts|khach hang cua)\b", frame.folded) and set(
                tokens_of(text)[link.span[0]:link.span[1]]) <= set(fold(person.name).split()):
            # "unpaid invoices for steve's customers": the rep Steve's accounts, not the customer Steve Murray
            link = LinkResult()
            customer_words = set()
        if owner == "me" and MY_CUSTOMERS.search(frame.folded) and frame.measures and all(
                set(MEASURES[m].facts) <= ASSIGNED_FACTS for m in frame.measures):
            # "how many open tickets do my customers have": the tickets of the asker's accounts (the rep's scope),
            # not the ones assigned to them
            owner = None
        customer = link.customer.code if link.customer else None
        that_figure = bool(THAT_FIGURE.search(frame.folded)) and memory.intent in ("data", "report", "history") \
            and not frame.period
        of_that = bool(OF_THAT.search(frame.folded)) or that_figure
        if that_figure:
            _count_of_that(frame, memory.args.get("measures", ()))
        if of_that and not frame.period and memory.intent == "data" and memory.args.get("period"):
            frame.period = memory.args["period"]   # "how much of that came in as cash?": of last month's, then
        if of_that and not frame.period and memory.intent == "history" and memory.period:
            frame.period = memory.period   # "what did Summit buy in 2015?" then "how many orders was that?": in 2015
        if customer is None and memory.customer_code and (of_that or SPOKEN_OF.search(frame.folded)):
            customer = memory.customer_code  # "and what deals are open with them?", "how much of that is overdue?"
        if customer is None and memory.customer_code and memory.intent == "data" and memory.args.get("customer") \
                and frame.measures and set(frame.measures) <= set(memory.args.get("measures") or ()) \
                and re.match(r"\s*(and|what about|how about|con|the con|va)\b", frame.folded) and not frame.group_by:
            # "Hoàng Long đã trả bao nhiêu năm 2025?" then "còn tháng 12 năm ngoái thì trả bao nhiêu?": the same figure
            # of the same customer, for the other period (the figure said again changes nothing)
            customer = memory.customer_code
        if customer is None and memory.customer_code and memory.intent in ("credit", "overview", "history", "contacts") \
                and frame.row in ("invoice", "order") and not MY_CUSTOMERS.search(frame.folded) \
                and not re.search(r"\b(all|every|any customer|tat ca|toan bo|cong ty|company|khach nao)\b", frame.folded):
            customer = memory.customer_code  # "Hoàng Long còn nợ bao nhiêu?" then "có hóa đơn nào quá hạn không?": theirs
        buying_follow_up = follow_up and link.customer is None and memory.intent == "data" \
            and bool(set(memory.args.get("measures", ())) & set(BUYING_MEASURES)) and THE_NEXT.search(frame.folded)
        if (of_that or buying_follow_up) and memory.intent == "data" \
                and set(memory.args.get("measures", ())) & set(BUYING_MEASURES):
            from assistant.planner.frame import BUYING_SIDE

            # "what do we owe suppliers?" then "how much of that is overdue?": the same side of the books
            frame.measures[:] = list(dict.fromkeys(BUYING_SIDE.get(m, m) for m in frame.measures))
        product = _product_in(frame, index, link, person, places) if frame.is_data else None
        if product is None and of_that and frame.is_data and memory.intent == "data" and memory.args.get("product") \
                and link.customer is None:
            product = memory.args["product"]   # "how much have we sold of the paddle board?" then "how many units is that?"
        if product is None and frame.is_data and "product" not in found and intent != "products" \
                and (intent != "availability" or any(d != "category" for d in found)):
            # (a search for products, or a stock check of a phrase alone, is the product tools' to answer)
            alike = _products_named(frame, index, link, person, places)
            if alike:
                found["product"] = alike   # "tồn kho giấy A4 ở kho Hà Nội": each A4 paper, not every product
                found.pop("category", None)   # ("ridgeback tents": those tents, not every tent)
                if not frame.group_by and not frame.counting:
                    frame.group_by.append("product")
        if product is not None and frame.measures == ["suppliers"] and not frame.counting and not frame.group_by \
                and _registered("product_availability"):
            # "nhà cung cấp của giấy A4 Double A", "who supplies the Trailbeam 350?": the product's record, which
            # names its usual supplier (in the asker's language, whatever the product's name is written in)
            entry = index.product_by_sku.get(product.lower())
            names = (set(entry.tokens) | set(fold(entry.name).split())) if entry else set()
            language = _language_beside(text, names) or language
            return Plan(intent="availability", tool="product_availability", args={"product": product},
                        language=language)
        po_asked = frame.row == "purchase_order" or bool(re.search(
            r"\b(purchase orders?|pos|don mua hang|dat mua)\b", frame.folded))
        if product is not None and po_asked and not frame.group_by \
                and set(frame.measures) <= {"purchase_orders", "purchase_order_value", "units_ordered", "units",
                                            "po_expected_date", "units_on_order"} \
                and not frame.period and (not frame.counting or "units" in frame.measures):
            # "do we already have purchase orders out for Giấy A3 Double A?": the open orders with it still to come
            frame.measures[:] = ["units_on_order", "po_expected_date"]
            frame.group_by[:] = ["purchase_order"]
            frame.row = frame.row_count = None
            frame.statuses[:] = [(d, c) for d, c in frame.statuses if d != "po_status"]
        entry = index.product_by_sku.get(product.lower()) if product is not None else None
        if product is not None and "category" in found and (places.lead_spans or (
                entry is not None and found["category"] == [getattr(entry, "category", None)])):
            # "doanh thu giấy A4 Double A 80gsm": the product, whose name starts with the words that also call its
            # category ("giấy A4": Paper); "the A3 Double A paper": the product, of its own category
            found = {d: v for d, v in found.items() if d != "category"}
        if product is not None and language == "vi" and memory.args.get("language") != "vi":
            # "how many units of Giấy A4 Double A did we receive": the product's accents are not the asker's language
            entry = index.product_by_sku.get(product.lower())
            names = (set(entry.tokens) | set(fold(entry.name).split())) if entry is not None else set()
            rest = " ".join(w for w in text.split() if fold(w).strip("?.,!:;'\"") not in names)
            language = language_of(rest) if names else language
        from assistant.planner.lexicon import lexicon as _lexicon

        kept_by = frame.measures or [_lexicon().conditions[c["name"]].measure for c in frame.conditions
                                     if c["name"] in _lexicon().conditions]
        # "received into HCM", "went out of the HCM warehouse": a figure kept per warehouse, not per city
        found = _city_as_warehouse(found, kept_by, extra, places, frame.words)
        from assistant.planner.frame import LEAVE_OUT

        left_out = frozenset(v for values in found.values() for v in values
                             # ("ngoài Việt Nam"; "ngoài" before a status is no exclusion: "nước ngoài đã hủy")
                             if any(re.search(rf"\b({LEAVE_OUT}|ngoai)\s+(the\s+)?{re.escape(w)}\b", frame.folded)
                                    for w in sorted(places.said.get(v) or {fold(v)})[:1]))
        if frame.measures == ["last_order"] and customer is None and not frame.group_by and not frame.period \
                and person is None and not places.found:
            # "when was the last sale?": the latest order day, and whose it was
            frame.group_by[:] = ["customer"]
            frame.order_by, frame.order, frame.limit, frame.period = "last_order", "desc", 1, "all"
        listed = _tickets_listed(frame, customer, language)
        if listed is not None:
            if owner:
                # "my open tickets": the ones assigned to the asker — a sales rep's are their customers' tickets
                from backend.models import Employee

                asker = session.get(Employee, actor_id) if actor_id is not None and owner == "me" else None
                listed.args["customer_owner" if asker is not None and asker.role == "sales" else "assignee"] = owner
            return listed
        call = data_mod.build(frame, language=language, customer=customer,
                              product=product, owner=owner, opportunity=deal[1] if deal else None,
                              left_out=left_out,
                              places={d: v for d, v in found.items() if v},
                              who=bool(re.search(r"\b(who|whom|ai|khach nao|ben nao)\b", frame.folded)))
        if call is not None and memory.intent == "data" and _it_said(text):
            # "and when is it expected?" after a purchase order's lines: still that document
            have = {f["dimension"] for f in call.args.get("filters", [])}
            for f in memory.args.get("filters", []):
                if f["dimension"] in ("purchase_order", "receipt", "bill") and len(f["values"]) == 1 \
                        and f["dimension"] not in have and data_mod._allowed(call.args["measures"], f["dimension"]):
                    call.args["filters"] = call.args.get("filters", []) + [f]
                    call.args.setdefault("period", "all")
        if call is not None and (of_that or buying_follow_up) and memory.intent == "data":
            # "... of that": within what the last figure covered (its supplier, customer, rep, place)
            have = {f["dimension"] for f in call.args.get("filters", [])}
            carried = [f for f in memory.args.get("filters", []) if f["dimension"] not in have]
            if carried:
                call.args["filters"] = call.args.get("filters", []) + carried
            for key in ("customer", "owner"):
                if memory.args.get(key) and not call.args.get(key):
                    call.args[key] = memory.args[key]
            if that_figure and memory.args.get("period") and not call.args.get("period") \
                    and not any(data_mod._is_balance(m) for m in call.args["measures"]):
                call.args["period"] = memory.args["period"]
        if call is not None and that_figure and memory.intent == "report" and memory.args.get("period") \
                and not call.args.get("period") and not any(data_mod._is_balance(m) for m in call.args["measures"]):
            # "what were sales last month" (a report) then "how many invoices was that?": over the same period
            call.args["period"] = memory.args["period"]
            for report_key, data_key in (("customer", "customer"), ("salesperson", "owner")):
                if memory.args.get(report_key) and not call.args.get(data_key):
                    call.args[data_key] = memory.args[report_key]
        if call is not None and memory.intent == "data" and frame.conditions and not frame.row \
                and not frame.group_by and memory.args.get("group_by") and customer is None \
                and re.match(r"\s*(any|and|which|what about|con|co)\b", frame.folded) \
                and _all_supported(memory.args["group_by"], call.args["measures"]):
            # "which invoices are overdue?" then "any more than 30 days past due?": the same rows, tested again
            call.args["group_by"] = list(memory.args["group_by"])
        if call is not None and "opportunity" in (call.args.get("group_by") or []) \
                and "stage" not in call.args["group_by"] and DEAL_WHERE.search(frame.folded) \
                and not any(f["dimension"] == "stage" for f in call.args.get("filters", [])):
            call.args["group_by"] = call.args["group_by"] + ["stage"]   # "where's the NC Parks deal at?": its stage
        if call is not None and customer and not call.args.get("group_by") and not frame.period \
                and call.args["measures"] in (["overdue_amount"], ["open_receivables"]) and ANYTHING_OWED.search(frame.folded):
            # "is Đại Tín overdue on anything?", "does Manoj owe us anything?": which invoices, what is open on each
            # and when it was due (the total comes with them)
            overdue = call.args["measures"] == ["overdue_amount"]
            call.args["measures"] = ["overdue_amount", "max_days_overdue"] if overdue else ["open_receivables",
                                                                                             "invoice_due_date"]
            call.args["group_by"] = ["invoice"]
            call.args["conditions"] = [{"measure": call.args["measures"][0], "op": ">", "value": "0", "other": None}]
        last_buy = customer and LATEST.search(frame.folded) and set(frame.measures) <= {"last_order", "revenue", "orders"} \
            and (intent == "history" or "last_order" in frame.measures or frame.row == "order"
                 or re.search(r"\b(buy|bought|purchase|purchased|order|ordered|mua)\b", frame.folded)) and not frame.period \
            and not frame.group_by \
            and not LAST_N.search(frame.folded)
        if call is not None and last_buy:
            # "when did Terhi last buy something, and for how much?", "what did Kathy buy on her most recent order":
            # that order itself
            call.args["measures"] = ["last_order"]
            call.args.pop("group_by", None)
        if call is not None and customer and call.args["measures"] == ["last_order"] and intent == "order_status" \
                and not call.args.get("group_by") and not frame.period and _registered("order_status"):
            # "what's the status of Hoàng Long Trading's latest order?": that order, with its status
            return Plan(intent="order_status", tool="order_status", args={"customer": customer, "limit": 1},
                        language=language, customer_code=customer)
        if call is not None and customer and call.args["measures"] in (["last_order"], ["first_order"]) \
                and not call.args.get("group_by") and not frame.period and intent not in blocking | {"order_status"}:
            # "Terhi's last purchase": that order itself (number, date, amount), not only its date
            if SHIPPING.search(frame.folded) and _registered("order_status"):
                # "when did Sakura Bungu's last order ship": the latest orders with their delivery dates
                return Plan(intent="order_status", tool="order_status", args={"customer": customer}, language=language,
                            customer_code=customer)
            args = {"customer": customer, "kinds": ["orders"], "page_size": 1, "include_lines": True,
                    "live_orders_only": True}
            if call.args["measures"] == ["first_order"]:
                args["oldest_first"] = True
            if _accepts("customer_history", args):
                return Plan(intent="history", tool="customer_history", args=args, language=language,
                            customer_code=customer)
        if call is not None and customer and set(call.args["measures"]) <= {"payments_received", "last_payment",
                                                                            "payment_count"} \
                and not call.args.get("group_by") and intent not in blocking and (
                    LATEST.search(frame.folded) or re.search(r"\b(anything|any payment|at all|chua|gi chua)\b", frame.folded)):
            # "when did Summit Sports last pay us and how much?", "has Coastal paid anything this month?": the
            # payments themselves, dated, with their amounts
            kind = "invoices" if re.search(r"\b(last|latest|most recent|newest) (invoice|bill)\b|\bhoa don (cuoi|gan nhat|moi nhat)\b",
                                           frame.folded) else "payments"   # "has she paid her last invoice?": that invoice
            plan = _history_of(customer, kind, 1 if LATEST.search(frame.folded) else 10, frame, language)
            if plan is not None:
                return plan
        if call is not None and customer and call.args["measures"] == ["revenue"] and not call.args.get("group_by") \
                and intent not in blocking and not frame.compare and re.match(r"\s*(has|have|did|does)\b", frame.folded) \
                and re.search(r"\b(anything|any orders?|at all)\b", frame.folded) \
                and re.search(r"\b(bought|buy|ordered|order|purchased|purchase)\b", frame.folded):
            # "has Diego Gutierrez bought anything this year?": the orders themselves, dated, with their amounts
            plan = _history_of(customer, "orders", 10, frame, language)
            if plan is not None:
                plan.hints["yes_no"] = "orders"
                return plan
        if call is not None and customer and call.args["measures"] == ["interactions"] and not frame.counting \
                and not call.args.get("group_by") and not call.args.get("conditions") and not frame.compare \
                and (intent in (None, "history") or (intent in ("overview", "contacts") and re.search(r"\b(interactions?|tuong tac)\b",
                                                                                      frame.folded))):
            # "recent interactions with Thiên Nam", "interactions with X this month": the calls, notes and meetings
            # themselves, newest first (a count is asked with "how many")
            plan = _history_of(customer, "interactions", 10, frame, language)
            if plan is not None:
                return plan
        money_before = [m for m in memory.args.get("measures", []) if MEASURES[m].unit == "money"] \
            if memory.intent == "data" else []
        if money_before and memory.args.get("group_by") and WORTH_ALL.search(frame.folded) and not frame.period \
                and (follow_up or re.search(r"\b(they|them|those|these|chung|do)\b", frame.folded)) \
                and link.customer is None and not frame.group_by and set(frame.measures) <= {"revenue", *money_before}:
            # "which of my deals are past their close date?" then "how much are they worth altogether?": the same
            # rows, their worth and its total
            args = dict(memory.args)
            args["measures"] = money_before
            args.pop("limit", None)
            return _data_again(args, language, memory)
        by_document = set(memory.args.get("group_by") or ()) - {frame.row} <= {"invoice", "bill"}
        if call is not None and follow_up and memory.intent == "data" and by_document \
                and memory.args.get("measures") and frame.row and not frame.period and link.customer is None \
                and THOSE_ROWS.search(frame.folded) and _all_supported([frame.row], memory.args["measures"][:1]):
            # "how much is more than 90 days overdue?" then "who are those customers?": the same figure, by customer
            # (from the invoices it was listed by: their amount, summed per customer)
            args = dict(memory.args)
            args["measures"] = [m for m in memory.args["measures"]
                                if MEASURES[m].unit == "money" and _all_supported([frame.row], [m])][:1] \
                or memory.args["measures"][:1]
            args["group_by"] = [frame.row]
            args["conditions"] = [c for c in args.get("conditions") or [] if c.get("measure") in args["measures"]]
            if not args["conditions"]:
                args.pop("conditions")
            return _data_again(args, language, memory)
        if call is not None and follow_up and memory.intent == "data" and memory.args.get("group_by") \
                and not frame.group_by and not frame.period and link.customer is None and frame.measures \
                and re.match(r"\s*(and |what about |how about |con |va |the con )?(by|theo|ranked by|in terms of|xep theo) ",
                             frame.folded) and _all_supported(memory.args["group_by"], call.args["measures"]):
            # "top 5 genres by tracks sold" then "and by revenue?": the same rows, ranked by the other figure
            args = {k: v for k, v in memory.args.items() if k not in ("order_by", "order")}
            args["measures"] = list(call.args["measures"])
            args["conditions"] = [c for c in args.get("conditions", []) if c.get("measure") in args["measures"]]
            return _data_again(args, language, memory)
        refused = link.ambiguous and call is not None and _role_cannot_see(session, actor_id, call.args["measures"])
        if call is not None and (not link.ambiguous or refused) and (refused or _prefers_data(intent, frame, call, link, memory)):
            # (a figure the asker's role may not see is refused before asking which customer was meant)
            plan = _data_plan(text, frame, call, intent, slots, link, language)
            plan.customer_code = link.customer.code if link.customer else None
            if plan.tool == "query_data":
                plan.hints["today"] = today.isoformat()
            if language == "vi" and plan.tool in LANGUAGE_TOOLS:
                plan.args["language"] = "vi"
            return plan
    if memory.intent == "data" and memory.args.get("compare") and not frame.measures and not frame.period \
            and link.customer is None and person is None and intent not in WRITE_INTENTS \
            and (GROWTH_ASKED.search(fold(text)) or "%" in text):
        # "how did 2016 sales compare to 2015?" then "so what's that as a % growth?": the same comparison, whose
        # answer gives the change in per cent
        return _data_again(dict(memory.args), language, memory)
    if memory.intent == "data" and memory.args.get("measures") and frame.compare and not frame.measures \
            and not frame.period and link.customer is None and person is None and intent not in WRITE_INTENTS:
        # "doanh số của tôi quý 2" then "so với cùng kỳ năm ngoái thì sao?": the same figure, compared
        return _data_follow_up(text, frame, memory, link, language, session, index)
    last_contact = intent == "history" and LATEST.search(frame.folded) and re.search(HISTORY_KINDS["interactions"], frame.folded)
    if follow_up and memory.intent == "data" and memory.args.get("measures") and not frame.is_data and not last_contact \
            and (intent in (None, "report", "overview", "history", "credit")
                 or (intent not in blocking and _bare_follow_up(text, today, frame, link, person, extra))):
        return _data_follow_up(text, frame, memory, link, language, session, index)
    compared_with = bool(re.match(r"\s*(and )?(compare(d)?|so sanh|so voi|vs|versus|against)\b", frame.folded)
                         or re.search(r"\bhow (does|do|did|is|was) (that|this|it) compare", frame.folded)) \
        and bool(frame.period)   # "compare with Q3 2025", "how does that compare to February?" after a sales report
    if follow_up and memory.intent == "report" and (frame.compare or compared_with) and not frame.is_data \
            and intent not in blocking \
            and memory.args.get("report", "").startswith("sales_") and link.customer is None:
        # "so với cùng kỳ năm ngoái thì sao?" after a sales report: the same sales, compared
        from assistant.planner.when import relation_between

        shown = memory.args.get("period")
        related = relation_between(shown, frame.period, today) if frame.period and shown else None
        # ("revenue in Q3 2026" then "compare with Q3 2025": Q3 2026 against the same quarter a year before)
        if related or (shown and frame.period and not frame.compare):
            # ("revenue last month" then "how does that compare to February?": last month, against February)
            args = {"measures": ["revenue", "orders"], "period": shown, "compare": related or frame.period}
        else:
            args = {"measures": ["revenue", "orders"], "period": frame.period or shown or "this-year",
                    "compare": frame.compare}
        for report_key, data_key in (("customer", "customer"), ("salesperson", "owner")):
            if memory.args.get(report_key):
                args[data_key] = memory.args[report_key]
        if language == "vi":
            args["language"] = "vi"
        return Plan(intent="data", tool="query_data", args=args, language=language, hints={"today": today.isoformat()})
    ticket_states = [(d, c) for d, c in frame.statuses if d in ("ticket_priority", "ticket_status")]
    which_of = bool(re.match(r"\s*(cai nao|nhung cai nao|phieu nao|ticket nao|which ones?|which of (them|those|these)|"
                             r"any of (them|those|these))\b", frame.folded))
    if (follow_up or which_of) and memory.intent == "tickets" and ticket_states \
            and len(ticket_states) == len(frame.statuses) \
            and not frame.measures and not frame.counting and link.customer is None and person is None \
            and intent not in blocking:
        # "Hưng Tín's open tickets" then "cái nào ưu tiên cao?": the same tickets, of that priority (or status)
        args = dict(memory.args)
        for dimension, code in ticket_states:
            if dimension == "ticket_priority":
                args["priority"] = code
            elif code in ("open", "pending", "closed"):
                args["status"] = code
        if _accepts("list_tickets", args):
            return Plan(intent="tickets", tool="list_tickets", args=args, language=language,
                        customer_code=memory.customer_code)
    if follow_up and memory.intent and memory.intent not in WRITE_INTENTS and intent not in blocking \
            and _bare_follow_up(text, today, frame, link, person):
        intent = memory.intent  # "còn năm nay?", "and Mai?": the last question again, for another period or person
    if intent is None and follow_up and memory.intent and not (memory.intent == "docs" and link.customer is not None):
        intent = memory.intent   # (a customer named after a handbook answer is asked about, not looked up in it)
    if intent is None:
        if link.customer is not None or link.ambiguous:
            intent = "overview"
        elif slots.period and re.search(r"\b(sales|revenue|doanh)\b", fold(text)):
            intent = "report"
    if intent is None and link.customer is None and not link.ambiguous and QUESTION.search(fold(text)) \
            and len(tokens_of(text)) >= 3:
        # A question about no record and no figure: the company's documents may answer it.
        intent = "docs"
    plan = Plan(intent=intent, tool=INTENT_TOOL.get(intent) if intent else None, language=language, via=guess.via)
    if intent is None:
        plan.hints["understood"] = _understood(frame, link, language)
    if intent is None or intent == "help":
        return plan

    customer_ref: str | None = None
    if link.customer is not None:
        customer_ref = link.customer.code
    elif link.ambiguous:
        customer_ref = None
    elif memory.customer_code and (follow_up or intent in CUSTOMER_NEEDED):
        customer_ref = memory.customer_code
    elif slots.email and intent in {"find_customer", "overview", "contacts"}:
        customer_ref = None
    else:
        customer_ref = _customer_phrase(text) if intent in CUSTOMER_NEEDED else None
    plan.customer_code = customer_ref

    if link.ambiguous and intent in CUSTOMER_NEEDED | {"tickets", "order_status", "report"}:
        names = ", ".join(f"{c.name} ({c.code})" for c in link.candidates)
        plan.question = (f"Khách hàng nào: {names}?" if language == "vi" else f"Which customer do you mean: {names}?")
        plan.args = {"candidates": [c.code for c in link.candidates]}
        return plan

    args: dict[str, Any] = {}
    if intent in {"overview", "contacts"}:
        if slots.email and not customer_ref and intent != "contacts":
            plan.intent, plan.tool = "find_customer", "find_customers"
            plan.args = {"query": slots.email}
            return plan
        args["customer"] = customer_ref
    elif intent == "credit":
        args["customer"] = customer_ref
        if slots.amount is not None:
            args["order_amount"] = str(slots.amount)
            if slots.currency:
                args["order_currency"] = slots.currency
    elif intent == "quote":
        args["customer"] = customer_ref
        lines, _ = quote_lines(text, index, slots.discount_pct)
        if link.customer:
            lines = [ln for ln in lines if fold(ln["product"]) not in fold(link.customer.name)]
        args["lines"] = lines
        if not lines:
            plan.question = ("Báo giá gồm những sản phẩm nào, số lượng bao nhiêu?" if language == "vi"
                             else "What should the quote contain? For example: 20 x A4 paper, 5 x toner, 5% off.")
    elif intent in {"approve", "convert"}:
        number = slots.documents.get("QUO") or memory.args.get("quote")
        args["quote"] = number
        if not number:
            plan.question = "Số báo giá nào (QUO-...)?" if language == "vi" else "Which quote number (QUO-...)?"
    elif intent == "history" and customer_ref and SHIPPING.search(fold(text)) and _registered("order_status"):
        # "when did Sakura Bungu's last order ship": the latest orders with their delivery dates
        plan.intent, plan.tool = "order_status", "order_status"
        args["customer"] = customer_ref
    elif intent == "history":
        args["customer"] = customer_ref
        kinds = [kind for kind, pattern in HISTORY_KINDS.items() if re.search(pattern, fold(text))]
        last = LAST_N.search(fold(text))
        if last:  # "Hoàng Long's last 5 orders", "5 đơn hàng gần nhất của Hoàng Long"
            args["page_size"] = int(next(group for group in last.groups() if group))
        if kinds and len(kinds) < len(HISTORY_KINDS):
            args["kinds"] = kinds
        if slots.period:
            from backend.semantic.periods import parse_period

            period = parse_period(slots.period, today)
            args["date_from"], args["date_to"] = period.start.isoformat(), period.end.isoformat()
    elif intent == "order_status":
        if "SO" in slots.documents:
            args["order"] = slots.documents["SO"]
        else:
            args["customer"] = customer_ref
            if not customer_ref and frame.period:
                # "orders today", "đơn hàng tuần này": the orders of that period, each with its customer
                data_args: dict[str, Any] = {"measures": ["revenue"], "group_by": ["order", "customer"],
                                             "period": frame.period}
                if frame.mine:
                    data_args["owner"] = "me"
                if language == "vi":
                    data_args["language"] = "vi"
                return Plan(intent="data", tool="query_data", args=data_args, language=language,
                            hints={"today": today.isoformat()})
            if not customer_ref:
                plan.question = "Đơn hàng số mấy, hoặc của khách nào?" if language == "vi" else "Which order number, or which customer?"
    elif intent == "tickets":
        if customer_ref:
            args["customer"] = customer_ref
        from assistant.planner.lexicon import lexicon

        t = " ".join(lexicon().correct(fold(text).split()))   # ("whats the oldset open ticket")
        unresolved = re.search(r"\b(not|aren'? ?t|isn'? ?t|un|chua|khong)\s*(yet\s+)?(closed|resolved|dong|xu ly)|\bstill open\b", t)
        if unresolved:
            args["status"] = "unresolved"  # "not closed yet", "chưa đóng"
        elif re.search(r"\b(closed|resolved|da dong|da xu ly)\b", t):
            args["status"] = "closed"
        elif re.search(r"\b(pending|waiting|dang cho|cho xu ly)\b", t):
            args["status"] = "pending"
        elif re.search(r"\b(open|dang mo)\b", t) and not re.search(r"\bopened\b", t) and re.search(r"\b(status|trang thai)\b", t):
            args["status"] = "open"   # "tickets with status open": that status itself
        elif re.search(r"\b(open|dang mo)\b", t) and not re.search(r"\bopened\b", t) and frame.mine:
            args["status"] = "unresolved"   # "my open tickets": open or pending, as the open-tickets figure counts them
        elif re.search(r"\b(all|every|tat ca)\b", t) or (frame.period and not re.search(r"\b(unresolved|chua xu ly)\b", t)):
            args["status"] = "any"  # "tickets opened this week": every one opened then, whatever it is now
        if frame.period and frame.period != "all":
            args["opened"] = frame.period
        if MY_CUSTOMERS.search(t):
            args["customer_owner"] = "me"  # "do any of my customers have open tickets": a rep's accounts
        elif frame.mine or re.search(r"\b(assigned to me|cua em|cua toi|cua minh)\b", t):
            args["assignee"] = "me"
        elif person is not None:
            args["assignee"] = person.code
        for priority, vietnamese in (("urgent", "khan cap|khan"), ("high", "cao|uu tien cao"), ("medium", "trung binh"),
                                     ("low", "thap")):
            if re.search(rf"\b({priority}|muc {vietnamese}|{vietnamese.split('|')[0]})\b", t):
                args["priority"] = priority
                break
        if re.search(r"\b(oldest|longest[- ]waiting|longest open|been open the longest|waiting longest|lau nhat|cu nhat)\b", t):
            args["oldest_first"] = True   # "what's the oldest open ticket?": the longest-waiting first
            if frame.single or re.search(r"\b(the oldest|oldest (open )?(ticket|case)|ticket nao lau nhat)\b", t):
                args["limit"] = 1
    elif intent == "new_ticket":
        args["customer"] = customer_ref
        subject = re.split(r"[:\-–]\s*", text, maxsplit=1)
        args["subject"] = subject[1].strip() if len(subject) > 1 and len(subject[1].strip()) >= 3 else text.strip()[:120]
        t = fold(text)
        for priority in ("urgent", "high", "low"):
            if re.search(rf"\b{priority}\b", t) or (priority == "urgent" and re.search(r"\bkhan cap\b", t)):
                args["priority"] = priority
                break
    elif intent == "log":
        args["customer"] = customer_ref
        t = fold(text)
        kind = "note"
        for candidate, pattern in (("call", r"\b(call|called|phone|goi)\b"), ("meeting", r"\b(meeting|met|visit|visited|gap)\b"),
                                   ("email", r"\b(email|e-mail|emailed)\b"), ("chat", r"\b(chat|zalo|messaged)\b")):
            if re.search(pattern, t):
                kind = candidate
                break
        args["kind"] = kind
        summary = re.split(r":\s*", text, maxsplit=1)
        args["summary"] = summary[1].strip() if len(summary) > 1 and len(summary[1].strip()) >= 3 else text.strip()
    elif intent == "find_customer" and not slots.email and link.customer is None and memory.customer_code \
            and SPOKEN_OF.search(fold(text)) and re.search(r"\b(phone|number|e-?mail|contact|address|so dien thoai|sdt|dia chi|"
                                                           r"rep|owner|account manager|looks after|phu trach)\b", fold(text)):
        # "what's the customer's phone number?" after a ticket of theirs: that customer's contacts, not a search
        plan.intent, plan.tool = "contacts", "customer_overview"
        args["customer"] = memory.customer_code
        plan.customer_code = memory.customer_code
        if language == "vi":
            args["language"] = "vi"
    elif intent == "find_customer":
        query = slots.email
        if not query:
            m = re.search(r"\b(?:find|search|look ?up|lookup|tim|tìm)\s+(?:for\s+)?(?:the\s+)?(?:customers?|clients?|khach hang|khách hàng)?\s*(?:named|called|ten)?\s*(.+)$", text, re.IGNORECASE)
            # "customers in Da Nang", "khách hàng nào ở Đà Nẵng": the place is what to search for.
            place = re.search(r"(?:\bin|\bfrom|\bở|\btại|\bo|\btai)\s+([A-ZĐÀ-Ỹ][\w\s]*?)\s*(?:không|khong)?\s*[?.!]*$", text)
            query = (place.group(1) if place and not m else m.group(1) if m else
                     link.customer.code if link.customer else text).strip().rstrip("?.!")
            # "look up Frank Harris for me please": the name, not the courtesy around it
            query = re.sub(r"(?i)(?:[\s,]+(?:for me|for us|please|pls|plz|thanks|thank you|thx|quickly|real quick))+$", "",
                           query).strip() or query
        args["query"] = query
    elif intent in {"products", "availability"}:
        if intent == "products" and "warehouse" in extra.places(frame.folded).found:
            plan.intent, plan.tool, intent = "availability", "product_availability", "availability"   # "... in HAN?"
        phrase = re.sub(r"(?i)\b(do we have|in stock|stock|availability|available|how many|left|price of|price for|how much is|how much are|"
                        r"how much does|how much do|does|cost|costs|the track|track|the song|song|the item|item|"
                        r"products?|find|search|show|me|the|any|ton kho|tồn kho|con hang|còn hàng|con|còn|khong|không|gia|giá|"
                        r"bao nhieu|bao nhiêu|tim|tìm|san pham|sản phẩm|co|có|is|are|what|of|for|we|there)\b", " ", text)
        # "in HCM", "at the Hanoi warehouse", "ở kho HAN": where, not what.
        codes = "|".join(re.escape(code) for code, _, _ in mentions_mod.mentions_index(session, index.stamp).warehouses)
        phrase = re.sub(r"(?i)\b(in|at|ở|o|tai|tại)\s+(the\s+)?(kho\s+)?(hcm|han|hanoi|ha noi|hà nội|saigon|sai gon|sài gòn|"
                        r"ho chi minh( city)?|hồ chí minh" + (f"|{codes}" if codes else "") + r")(\s+warehouse)?\b", " ", phrase)
        # ("mực in HP 85A": "in" there is the ink's, and HP no warehouse)
        phrase = re.sub(r"[?!.]", " ", phrase).strip()
        if quoted:
            phrase = quoted[0]  # a name in quotes is the product's
        elif link.customer is not None:
            # "giá giấy A4 Double A cho Minh Phát": the customer's words name no product
            named = set(fold(link.customer.name).split()) | set(link.customer.core)
            phrase = " ".join(w for w in phrase.split() if fold(w) not in named | {"cho", "for", "to", "la", "là"})
        product, candidates = index.link_product(phrase) if phrase else (None, [])
        where = extra.places(frame.folded)
        warehouses = where.found.get("warehouse") or []
        place_words = {w for said_words in where.said.values() for w in said_words}
        rest = [w for w in tokens_of(phrase) if w not in {"kho", "warehouse", "depot", "o", "tai", "in", "at", "the"}
                and w not in place_words
                and not any(w in set(fold(name).split()) | {fold(code)} for code, _, name in extra.warehouses)]
        if product is None and len(warehouses) == 1 and not rest and not quoted:
            # "tồn kho kho Hà Nội", "what's in stock at HCM?": that warehouse's stock, product by product
            stock_args: dict[str, Any] = {"measures": ["stock_on_hand", "stock_available"], "group_by": ["product"],
                                          "filters": [{"dimension": "warehouse", "values": warehouses}]}
            if language == "vi":
                stock_args["language"] = "vi"
            return Plan(intent="data", tool="query_data", args=stock_args, language=language,
                        hints={"today": today.isoformat()})
        said = tokens_of(text)
        for_customer = link.customer is not None and link.span is not None and link.span[0] > 0 and \
            said[link.span[0] - 1] in ("for", "cho", "to") and \
            set(said[link.span[0]:link.span[1]]) <= set(link.customer.core)
        if product is not None and language == "vi" and not memory.args.get("language") == "vi":
            # "list price of the blue Thiên Long ballpoint pens?": the product's accents are not the asker's language
            names = set(product.tokens) | set(fold(product.name).split())
            plan.language = language = _language_beside(text, names)
        if intent == "products" and product is not None and for_customer:
            # "giá giấy A4 Double A cho Minh Phát": that customer's price, from their price list
            plan.intent, plan.tool, intent = "availability", "product_availability", "availability"
        taken = _quantity_taken(fold(text), product)
        if intent in ("products", "availability") and product is not None and taken:
            # "the wholesale price on IK Plus 70gsm if they take 100 boxes": the quantity-break price for that many
            plan.intent, plan.tool, intent = "availability", "product_availability", "availability"
            args["quantity"] = taken
            if link.customer is None:
                customer_ref = None   # ("giá … cho 200 hộp": for two hundred boxes, not for a customer "200")
        if product is None and follow_up and memory.intent == intent and memory.args.get("product"):
            # "còn kho HCM thì sao?": the same product, another warehouse
            product = index.product_by_sku.get(str(memory.args["product"]).lower())
        if intent == "availability":
            args["product"] = product.sku if product else phrase
            if customer_ref and link.customer:
                args["customer"] = customer_ref
        else:
            args["query"] = product.sku if product else (phrase or text)
    elif intent == "report":
        args = _report_for(text, slots)
        if frame.period and ("period" in args or args["report"] not in {"restock", "ar_aging", "overdue_invoices",
                                                                         "open_orders"}):
            args["period"] = frame.period  # the period grammar reads more than the slot ("Q3 this year")
        if follow_up and memory.intent == "report" and memory.args.get("report") and not _names_a_report(text):
            args["report"] = memory.args["report"]
            carried = ("top_n", "group_by", "period", "salesperson", "customer", "region", "country")
            for key in carried:
                if key in memory.args and key not in args:
                    args[key] = memory.args[key]
            if memory.args.get("group_by") and not re.search(
                    r"\b(by|per|each|theo|monthly|quarterly|yearly|annually|weekly|daily|hang)\b", fold(text)):
                args["group_by"] = memory.args["group_by"]   # "revenue by quarter for 2016" then "and for 2017?": by quarter
            if person is not None and "salesperson" in REPORTS[args["report"]].filters:
                args["salesperson"] = person.code  # "and Mai?": the same report for another rep
            if args["report"] != "sales_over_time":
                args.pop("group_by", None)
        if person is not None and "salesperson" in REPORTS[args["report"]].filters:
            args["salesperson"] = person.code  # "Mai's commission for October": hers
        # "What did we sell to Saigon Foods?": the customer narrows the report, where the report takes one.
        if link.customer is not None and "customer" in REPORTS[args["report"]].filters:
            args["customer"] = link.customer.code
    elif intent == "reorder":
        # "reorder paper from the usual supplier": the restock list narrowed to what the words leave over
        phrase = re.sub(r"\b(please|pls|can|could|you|go|ahead|and|re-?order|top|up|draft|create|raise|make|prepare|place|"
                        r"purchase|orders?|pos?|for|from|with|to|the|our|its|their|usual|suppliers?|vendors?|what|whatever|"
                        r"everything|all|anything|that|which|is|are|below|under|its|reorder|level|levels|running|low|"
                        r"stock|items?|products?|now|today|dat|them|hang|nhap|tao|len|don|mua|cho|tu|nha|cung|cap|ncc|"
                        r"cac|nhung|mat|duoi|muc|toi|thieu|san|pham|giup|em|toi|minh)\b", " ", fold(text))
        phrase = " ".join(re.sub(r"[?!.,;:]", " ", phrase).split())
        for code, house in _warehouses(session).items():
            if re.search(rf"\b{re.escape(code)}\b", phrase):
                args["warehouse"] = house
                phrase = " ".join(re.sub(rf"\b{re.escape(code)}\b", " ", phrase).split())
        if phrase:
            args["product"] = phrase
    elif intent == "write_report":
        args = _document_for(text, slots, language)
    elif intent == "docs":
        args["query"] = text.strip()
    if language == "vi" and plan.tool in LANGUAGE_TOOLS:
        args["language"] = "vi"  # the sentences in the result, as the answer around them
    plan.args = {k: v for k, v in args.items() if v is not None}
    if intent in CUSTOMER_NEEDED and not plan.args.get("customer") and plan.question is None:
        plan.question = ("Bạn muốn hỏi về khách hàng nào?" if language == "vi" else "Which customer do you mean?")
    return plan
