"""Intent classification for the offline planner: weighted rules, then nearest neighbours over example
requests (embedded with the packaged MiniLM model) when the rules are not sure."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.planner.lexicon import SHORT_TYPOS
from backend.text import fold

EXAMPLES_FILE = Path(__file__).with_name("examples.json")
MIN_SIMILARITY = 0.5

# intent -> (pattern on folded text, weight). Patterns are English and Vietnamese (accents folded).
RULES: dict[str, list[tuple[str, float]]] = {
    "overview": [(r"\b(what'?s|whats) (going on|goin on|up|new|happening) (with|w/)", 3), (r"\btell me (about|abt|abou)\b", 2.5),
                 (r"\bi'?m meeting\b", 3), (r"\bwhat should i know\b", 3), (r"\b(anything|what) (i|we) (should|need to) know\b", 4), (r"\bbrief( me)?\b", 3), (r"\bbriefing\b", 3),
                 (r"\b(overview|summary|profile|snapshot|rundown)\b", 2), (r"\btell me about\b", 2.5), (r"\bbefore (my|the|our) (\d|meeting|call|visit)", 1.5),
                 (r"\bmeeting (with|at)\b", 1),
                 (r"\bwho('s| is) (the |our )?(sales ?rep|rep|account (owner|manager)|owner) (on|for|of)\b|\bwho owns\b", 3.5), (r"\bhow (is|are) .* doing\b", 2), (r"\btinh hinh\b", 3), (r"\btong quan\b", 3),
                 (r"\bthong tin (ve )?khach hang\b", 2.5), (r"\bgap khach\b", 1.5), (r"\bcheck on\b", 1.5), (r"\bupdate on\b", 2)],
    "contacts": [(r"\bcontacts?\b", 2.5), (r"\bwho('?s| is| do we| do i| should i| should we)\b.*\b(contact|talk to|call|speak|buyer|person)\b", 3.5),
                 (r"\b(phone|email|e-mail) (pls|please)\b|\bphone number\b", 1.5),
                 (r"\b(phone|email|e-mail) (number |address )?(of|for)\b", 2), (r"\bnguoi lien he\b", 3.5), (r"\blien he (voi )?ai\b", 3),
                 (r"\bdecision maker\b", 2.5), (r"\bpoint of contact\b", 3),
                 (r"\bwho (do|does) (we|i|anyone) know (at|in|over at)\b|\bwho (are|is) (the|our) (people|person|folks?) (at|over at)\b",
                  3.5),
                 (r"\b(his|her|their|its|the) (email|e-mail|phone|phone number|number|mobile)\b", 3.5),
                 (r"\b(so dien thoai|sdt|dia chi email|email cua|dien thoai cua)\b", 3.5),
                 (r"\bwho (handles|looks after|is in charge of|deals with|takes care of)\b", 3),
                 (r"\bhow (do|can|should) (i|we) (reach|contact|get hold of|get in touch with)\b", 3.5),
                 (r"\bai (lo|lam|phu trach) (ke toan|mua hang|thanh toan)\b", 3.5)],
    "credit": [(r"\bcredit\b", 3), (r"\b(credit )?limit\b", 2), (r"\bexposure\b", 2.5), (r"\bhan muc\b", 3), (r"\btin dung\b", 3),
               (r"\bcan .* take (another|an? |more|on)\b", 2.5), (r"\bno them\b", 2), (r"\bheadroom\b", 2.5), (r"\bavailable credit\b", 3),
               (r"\bcan .* (order|buy|purchase) (another|more)\b", 2.5), (r"\b(co the|duoc) (mua|dat|lay) them\b", 2.5),
               (r"\bcong no\b", 2), (r"\bowe|owes|outstanding balance\b", 1.5), (r"\baging\b", 0.5), (r"\bon hold\b", 1.5),
               (r"\b(ok|okay|good|fine|safe)\b.{0,12}\bfor (a|an|another)\b.*\border\b", 3), (r"\bmua chiu\b", 4), (r"\bmua no\b", 4), (r"\bbuy on credit\b", 4),
               (r"\bget \d+ days\b|\bon (credit )?terms\b", 2.5), (r"\bcon (duoc )?(mua|no|dat)\b", 2)],
    "quote": [(r"\bquote\b", 3), (r"\bquotation\b", 3), (r"\bbao gia\b", 3.5), (r"\bprice (it|this|up)\b", 1.5),
              (r"\b\d+\s*(x|×)\s*\w", 1.5), (r"\b\d+ (boxes|reams|cases|packs|units|pcs|cartons|thung|hop|ram|cai)\b", 1.5),
              (r"\b\d+(\.\d+)?\s*% off\b", 1), (r"\b(status of|my|open|pending) (quotes|quotations)\b", -3.5)],
    "approve": [(r"\bapprove\b", 4), (r"\bduyet\b", 4), (r"\bphe duyet\b", 4), (r"\bsign off\b", 2.5)],
    "convert": [(r"\bconvert\b", 3.5), (r"\bturn .* into (an? )?order\b", 3.5), (r"\bchuyen .* thanh don\b", 4),
                (r"\b(place|book) (the |an )?order (from|for) (the )?quote\b", 3.5), (r"\bquote .* to (an? )?order\b", 2)],
    "history": [(r"\bhistory\b", 3), (r"\blich su\b", 3.5), (r"\b(past|previous|recent|last \d+) (orders|invoices|payments)\b", 2.5),
                (r"\b(orders|invoices|payments|interactions) (of|from|for|by)\b", 2), (r"\bwhat did .* (buy|order|pay)\b", 3),
                (r"\bwhen did .* (last )?(pay|order|buy)\b", 3), (r"\b(when|last time) did (we|i) (last )?(talk|speak|call|meet|email)\b", 4),
                (r"\blast time (we|i|anyone|someone) (talked|spoke|called|met|emailed|visited|contacted|heard)\b", 4),
                (r"\blan cuoi (lien he|goi|gap|noi chuyen)\b", 5),
                (r"\blan cuoi\b.{0,30}\b(tuong tac|lien he|lien lac|goi dien|gap|trao doi)\b", 5), (r"\bdon hang cua\b", 2.5), (r"\bhoa don cua\b", 2.5),
                (r"\bthanh toan cua\b", 2.5), (r"\bpayments?\b", 1), (r"\binvoices\b", 1), (r"\borders\b", 0.5)],
    "order_status": [(r"\b(order|don hang)\b.*\bstatus\b|\bstatus of\b", 2.5), (r"\bwhere is (my |our |the )?order\b", 3.5),
                     (r"\bso-\d{4}-\d+", 4), (r"\bwhere is\b.*\border\b", 3), (r"\bhas .* (shipped|been shipped|been delivered)\b", 3), (r"\btrang thai don\b", 4),
                     (r"\bda giao chua\b", 3), (r"\blatest orders?\b", 2), (r"\blast orders?\b", 1.5), (r"\bshipped\b", 1),
                     (r"\bstatus of (my |our |the )?(quotes|quotations)\b", -3),
                     # "what's the status of my deals?": the deals' stages, not an order
                     (r"\bstatus of (my |our |the )?(deals?|opportunit\w*|pipeline)\b", -3)],
    "tickets": [(r"\btickets?\b", 3), (r"\bcomplaints?\b", 2), (r"\bsupport (cases?|requests?|issues?)\b", 3), (r"\bkhieu nai\b", 2.5),
                (r"\bphieu ho tro\b", 3.5), (r"\b(open|unresolved|pending) (issues|cases)\b", 2.5), (r"\byeu cau ho tro\b", 3)],
    "new_ticket": [(r"\b(open|create|raise|file|log|new|make)\b(\s+[\w-]+){0,3}\s+(ticket|case)\b", 5),
                   (r"\btao (phieu|ticket|yeu cau)\b", 5), (r"\bmo (phieu|ticket)\b", 5),
                   # "what's the oldest open ticket?", "how many open tickets": open tickets asked about, not opened
                   (r"\b(what|which|how many|how much|list|show|any|oldest|newest|latest|all|our|the)\b(\s+[\w-]+){0,2}"
                    r"\s+open (tickets?|cases?)\b", -6),
                   # "is there an open ticket for X?", "does X have an open case?": asked about, not opened
                   (r"^\s*(is|are|does|do|has|have)\b.{0,60}\b(an|any) open (tickets?|cases?)\b", -6)],
    "log": [(r"\blog (a |an )?(call|meeting|email|note|chat|visit)\b", 5), (r"\b(record|note) (that|a call|a meeting)\b", 4),
            (r"\badd (a )?note\b", 4.5), (r"\bghi (lai|nhan|chu)\b", 4), (r"\bghi nhan (duoc )?bao nhieu\b", -4), (r"\bjust (called|met|spoke|talked|emailed)\b", 4),
            (r"\b(i|we) (called|met|spoke with|talked to|emailed|visited)\b", 3), (r"\bvua (goi|gap|gui)\b", 4),
            (r"\b(haven'? ?t|have not|hasn'? ?t|not|didn'? ?t|never)\b(\s+\w+){0,2}\s+(talked|called|spoke|spoken|contacted|met|visited|emailed)\b", -5),
            # "last time we talked to Vạn Khang?": asked about, not a call to log
            (r"\b(last|first|latest) time (we|i|you|anyone|somebody|someone)\b", -5)],
    "find_customer": [(r"\b(find|search|look ?up|lookup)\b", 2), (r"\bcustomer with (email|e-mail|phone)\b", 4),
                      (r"\bwhich customer\b", 2.5), (r"\btim (kiem )?khach\b", 4), (r"\bkhach hang nao\b", 3),
                      (r"\bcustomers? (in|from|named|called)\b", 2.5), (r"\bcustomers? (are |is )?(based )?(in|from)\b", 3),
                      (r"\bkhach hang (nao )?(o|tai)\b", 3), (r"\bwho is\b", 1), (r"@", 1.5)],
    "products": [(r"\bproducts?\b", 1.5), (r"\bsku\b", 2), (r"\bcatalog(ue)?\b", 2.5), (r"\bsan pham\b", 2.5),
                 (r"\bdo we (sell|carry|have)\b", 2.5), (r"\bprice (of|for|on)\b", 2), (r"\bhow much (is|are|does)\b", 2.5), (r"\bgia (cua|ban)?\b", 1.5),
                 (r"\bwhat (does|do) .{2,60} cost\b|\bhow much (does|do) .{2,60} cost\b", 3),
                 (r"\b(invoices?|overdue|owe|owes|receivables?|hoa don|cong no|qua han)\b", -3),
                 (r"\bwhat .* (do we sell|products)\b", 2)],
    "availability": [(r"\b(in stock|stock level|stock of|availability|available)\b", 3), (r"\bton kho\b", 4), (r"\bcon hang\b", 4),
                     (r"\bhow many .* (left|in stock|do we have)\b", 3.5), (r"\bcan we (ship|deliver|supply)\b", 2.5),
                     (r"\bwarehouse\b", 1.5), (r"\bkho\b", 1.5), (r"\bstok\b", 3),
                     # "còn máy hủy … ở kho HCM không?": still any left in that warehouse
                     (r"^\s*(con|van con)\b.{0,80}\b(o|tai|trong) kho\b", 3),
                     (r"\b(are we|are they|is it|we re|we are) (out of|running low on|low on|sold out of)\b", 3.5),
                     (r"\b(run out of|ran out of|sold out|out of stock|het hang|con hang khong)\b", 3),
                     (r"\b(unit cost|cost price|purchase cost|gia von|gia nhap)\b", 3),
                     # "kho Hà Nội còn bao nhiêu vở B5", "còn bao nhiêu có thể bán ở mỗi kho"
                     (r"\bcon bao nhieu\b.*\bkho\b|\bkho\b.*\bcon bao nhieu\b", 3.5), (r"\bco the ban\b", 2),
                     # "mực HP 85A kho nào đang còn nhiều hơn?", "which warehouse has more of it"
                     (r"\bkho nao\b.*\b(con|co)\b|\b(which|what) warehouse (has|have|holds?)\b", 3),
                     (r"\bdo we have (any )?\w+.*\bin (hanoi|ha noi|hcm|saigon|ho chi minh|stock)\b", 2)],
    "report": [(r"\breport\b", 2), (r"\brevenue\b", 3), (r"\bsales\b", 2), (r"\bdoanh (thu|so)\b", 3.5), (r"\btop \d+\b", 2.5),
               (r"\btop (customers|products|clients|salespeople|reps)\b", 3), (r"\bbest[- ]selling\b", 3),
               (r"\b(aging|ageing)\b", 3.5), (r"\btuoi no\b", 4), (r"\boverdue invoices\b", 3), (r"\bwho (is|are) overdue\b", 3.5), (r"\bqua han\b", 3),
               (r"\bpipeline\b", 3.5), (r"\bforecast\b", 3), (r"\bcommissions?\b", 3.5), (r"\bhoa hong\b", 4),
               (r"\b(restock|restocking|reorder|re-order|running low|low stock|out of stock)\b", 4), (r"\bnhap them\b", 4), (r"\bsap het hang\b", 4), (r"\b(can|phai) dat them\b", 4),
               (r"\blifetime value\b", 4), (r"\bclv\b", 3), (r"\bopen orders\b", 4.5), (r"\bunshipped\b", 3.5), (r"\bchua giao\b", 3),
               (r"\bby (month|quarter|week|day|year|product|customer|salesperson|rep|country|region)\b", 2.5),
               (r"\b(how much|how many) .* (sell|sold|revenue)\b", 2), (r"\bban duoc\b", 3), (r"\bthang truoc\b|\bquy truoc\b", 0.5),
               (r"\b(bought|buys|buy|ordered|orders|sold|sells|spent|spends) (the )?most\b", 3.5), (r"\b(mua|ban|dat) nhieu nhat\b", 5),
               (r"\bbiggest (customers?|clients?|accounts?)\b", 3), (r"\bwhat did (we|i) sell\b", 3.5),
               (r"\bwho owes (us )?(the )?most\b", 5), (r"\bai no nhieu nhat\b", 5)],
    "write_report": [(r"\b(write|prepare|draft|generate|make|produce|send)\b( me)?( the| a| an)?\b.*\breport\b", 9),
                     (r"\b(pdf|document)\b.*\breport\b|\breport\b.*\b(pdf|document|as a file)\b", 3),
                     (r"\b(viet|lam|soan|xuat)\b.*\bbao cao\b", 9)],
    "docs": [(r"\bpolicy\b", 3), (r"\bchinh sach\b", 3.5), (r"\bhow (do|should|can) (i|we)\b", 2.5), (r"\bwhat (are|is) (our|the)\b.*\b(rules?|terms|process|procedure|sla)\b", 2.5),
             (r"\b(when|how) (do|should|can|must) (we|i)\b", 3.5), (r"\bput .* on (credit )?hold\b", 3),
             (r"\b(sla|warranty|returns?|refund|shipping|delivery times?|onboard(ing)?|payment terms)\b", 2),
             (r"\bwithout approval\b", 3), (r"\b(allowed|permitted) to\b", 2), (r"\bquy (trinh|dinh)\b", 3.5), (r"\bhuong dan\b", 3),
             (r"\bdoi tra\b", 3), (r"\bbao hanh\b", 3), (r"\bhandbook\b", 3), (r"\bprocedure\b", 2.5), (r"\bwhat discount can\b", 3.5),
             (r"\bthoi han thanh toan\b", 3), (r"\bmac dinh\b", 1.5), (r"\bbao lau\b", 1), (r"\b(default|standard) (payment )?terms?\b", 2.5)],
    # Drafting purchase orders for what runs low (a write, previewed): an order to do it, not a question about it.
    "reorder": [(r"^(please |pls |can you |could you |go ahead and )?(re-?order|top up)\b", 6),
                (r"\b(draft|create|raise|make|prepare|place)\b.{0,40}\bpurchase orders?\b", 6),
                (r"\b(from|with|to) (the|our|its|their) usual suppliers?\b", 4),
                (r"\b(dat|nhap) (them )?hang\b.{0,40}\b(nha cung cap|ncc)\b", 5), (r"\btao (cac )?don (dat |mua )hang\b", 6),
                (r"\blen don (dat |mua )hang\b", 6)],
    "help": [(r"^(hi|hello|hey|xin chao|chao)\b", 2), (r"\bwhat can you do\b", 4), (r"\bhelp\b", 2), (r"\bban lam duoc gi\b", 4)],
}
INTENT_TOOL = {
    "overview": "customer_overview", "contacts": "customer_overview", "credit": "check_credit", "quote": "create_quote",
    "approve": "approve_quote", "convert": "convert_quote_to_order", "history": "customer_history",
    "order_status": "order_status", "tickets": "list_tickets", "new_ticket": "create_ticket", "log": "log_interaction",
    "find_customer": "find_customers", "products": "find_products", "availability": "product_availability",
    "report": "run_report", "write_report": "write_report", "docs": "search_docs", "reorder": "reorder_stock",
    "help": None,
}
_COMPILED = {intent: [(re.compile(p), w) for p, w in rules] for intent, rules in RULES.items()}


@dataclass
class IntentGuess:
    intent: str | None
    score: float
    scores: dict[str, float]
    via: str


# Words the rules key on; a typed word this close to one of them is read as it ("custmers", "pipline").
VOCABULARY = ("credit", "customers", "quarterly", "customer", "revenue", "quarter", "invoices", "invoice", "pipeline", "products", "product",
              "commissions", "commission", "overview", "quote", "quotation", "tickets", "ticket", "contact", "restock",
              "overdue", "aging", "history", "payments", "orders", "approve", "convert", "available", "salesperson",
              "forecast", "lifetime", "policy", "warranty", "shipping", "delivery", "returns", "discount", "limit")


_SWAPPED = {w[:i] + w[i + 1] + w[i] + w[i + 2:]: w for w in VOCABULARY for i in range(len(w) - 1) if w[i] != w[i + 1]}


def correct_typos(folded: str) -> str:
    from rapidfuzz import fuzz, process

    words = []
    for word in folded.split():
        word = SHORT_TYPOS.get(word, word)
        if len(word) >= 5 and word.isalpha() and word not in VOCABULARY:
            match = process.extractOne(word, VOCABULARY, scorer=fuzz.ratio, score_cutoff=84)
            if match:
                word = match[0]
            else:
                word = _SWAPPED.get(word, word)   # two letters swapped: "tciket", "invocie"
        words.append(word)
    return " ".join(words)


def rule_scores(text: str) -> dict[str, float]:
    folded = correct_typos(" ".join(fold(text).replace("|", " ").split()))
    raw = text.lower()
    scores: dict[str, float] = {}
    for intent, rules in _COMPILED.items():
        total = sum(weight for pattern, weight in rules if pattern.search(folded) or pattern.search(raw))
        if total:
            scores[intent] = total
    return scores


@lru_cache(maxsize=1)
def _examples() -> tuple[list[str], list[str]]:
    data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    texts, labels = [], []
    for intent, examples in data.items():
        for example in examples:
            texts.append(example)
            labels.append(intent)
    return texts, labels


@lru_cache(maxsize=1)
def _example_matrix():
    from backend.docs.minilm import get_embedder

    texts, _ = _examples()
    return get_embedder().embed(texts)


def knn_scores(text: str, k: int = 5) -> dict[str, float]:
    """Similarity-weighted votes of the k nearest example requests."""
    from backend.docs.minilm import get_embedder

    matrix = _example_matrix()
    query = get_embedder().embed([text])[0]
    sims = matrix @ query
    _, labels = _examples()
    order = sims.argsort()[::-1][:k]
    votes: dict[str, float] = {}
    for index in order:
        if sims[index] >= MIN_SIMILARITY:  # far neighbours are noise, not evidence
            votes[labels[index]] = votes.get(labels[index], 0.0) + float(sims[index])
    return votes


def classify(text: str, *, use_embeddings: bool = True) -> IntentGuess:
    scores = rule_scores(text)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked:
        top, top_score = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else 0.0
        if top_score >= 3 and top_score - runner >= 1.5:
            return IntentGuess(top, top_score, scores, "rules")
    if use_embeddings and EXAMPLES_FILE.exists():
        votes = knn_scores(text)
        combined = dict(scores)
        for intent, vote in votes.items():
            combined[intent] = combined.get(intent, 0.0) + 2.0 * vote
        if not combined:
            return IntentGuess(None, 0.0, combined, "rules+knn")
        best = max(combined.items(), key=lambda kv: kv[1])
        if best[1] >= 1.5:
            return IntentGuess(best[0], best[1], combined, "rules+knn")
        return IntentGuess(None, best[1], combined, "rules+knn")
    if ranked and ranked[0][1] >= 2:
        return IntentGuess(ranked[0][0], ranked[0][1], scores, "rules")
    return IntentGuess(None, 0.0, scores, "none")
