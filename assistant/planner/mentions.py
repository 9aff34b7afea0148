"""Mentions of the system of record's other things in a request: employees ("Mai's open deals", "how did Hùng do"),
opportunities by name, document numbers of any stored format (SO-2026-001591, BI-17-01510, CS-1454), phone
numbers, and stored values of cities, countries, segments and categories ("Đồng Nai", "Germany", "Big-box retail").

Everything is checked against the database: a word is a name only when a record has it, and a common word is
never a name unless the name's distinctive words are there.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import (Account, Campaign, Contact, Customer, Employee, GoodsReceipt, Invoice, Opportunity, Payment, Product,
                            PurchaseOrder, Quote, SalesOrder, Supplier, SupplierBill, SupplierPayment, Ticket, Warehouse)
from backend.semantic.dimensions import ACCOUNT_WORDS
from backend.text import fold

from assistant.planner.lexicon import word_marks
from assistant.planner.linker import COMMON_PAIRS, COMMON_WORDS

DOCUMENT = re.compile(r"\b([A-Za-z]{1,5}-(?:\d{2,4}-)?\d{2,8})\b")
PHONE = re.compile(r"(?<![\w@])(\+?\(?\d[\d\s().-]{6,}\d)(?![\w@])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# How people name places and nationalities differently from the stored value.
ALIASES = {"hcm": "ho chi minh city", "hcmc": "ho chi minh city", "tp hcm": "ho chi minh city", "saigon": "ho chi minh city",
           "tp.hcm": "ho chi minh city", "tp. hcm": "ho chi minh city", "tp ho chi minh": "ho chi minh city",
           "thanh pho ho chi minh": "ho chi minh city", "tp.ha noi": "ha noi", "tp ha noi": "ha noi",
           "sai gon": "ho chi minh city", "ho chi minh": "ho chi minh city", "hanoi": "ha noi", "danang": "da nang",
           "canadian": "canada", "german": "germany", "brazilian": "brazil", "french": "france", "american": "usa",
           "u.s": "usa", "united states": "usa", "british": "united kingdom", "uk": "united kingdom",
           "japanese": "japan", "singaporean": "singapore", "thai": "thailand", "vietnamese": "vietnam", "viet nam": "vietnam",
           "indian": "india", "czech": "czech republic", "dutch": "netherlands", "swedish": "sweden", "spanish": "spain",
           "italian": "italy", "portuguese": "portugal", "australian": "australia", "belgian": "belgium",
           "danish": "denmark", "finnish": "finland", "norwegian": "norway", "polish": "poland", "irish": "ireland",
           "chilean": "chile", "argentinian": "argentina", "austrian": "austria", "hungarian": "hungary",
           # payment methods in Vietnamese (a value counts only where the company stores it)
           "tien mat": "cash", "chuyen khoan": "bank transfer", "the tin dung": "credit card",
           # segments in Vietnamese
           "xuat khau": "export", "khach nuoc ngoai": "export",
           # countries in Vietnamese; a short one only after the word that makes it a place ("ở Mỹ", not "my")
           "hoa ky": "usa", "o my": "usa", "tai my": "usa", "nuoc my": "usa", "ben my": "usa", "o duc": "germany",
           "tai duc": "germany", "nuoc duc": "germany", "o phap": "france", "tai phap": "france", "nuoc phap": "france",
           "nhat ban": "japan", "han quoc": "south korea", "thai lan": "thailand", "trung quoc": "china",
           "o uc": "australia", "tai uc": "australia", "nuoc anh": "united kingdom", "o anh": "united kingdom"}
# One place stored under either name, whichever the company uses ("USA" in one, "United States" in another).
SAME_PLACE = {"usa": "united states", "united states": "usa", "united states of america": "usa",
              "united kingdom": "uk", "uk": "united kingdom", "great britain": "united kingdom", "britain": "united kingdom", "vietnam": "viet nam", "viet nam": "vietnam",
              "south korea": "korea", "korea": "south korea", "czech republic": "czechia", "czechia": "czech republic"}
# Currencies by the names people give them (folded), for `Mentions.currency`.
CURRENCY_WORDS = {"usd": "USD", "us dollars": "USD", "us dollar": "USD", "usa dollars": "USD", "dollars": "USD", "dollar": "USD",
                  "eur": "EUR", "euro": "EUR", "euros": "EUR", "cad": "CAD", "canadian dollars": "CAD",
                  "canadian dollar": "CAD", "vnd": "VND", "dong": "VND", "vietnamese dong": "VND", "gbp": "GBP",
                  "pounds": "GBP", "jpy": "JPY", "yen": "JPY", "sgd": "SGD", "singapore dollars": "SGD",
                  "thb": "THB", "baht": "THB", "aud": "AUD", "australian dollars": "AUD"}
# Words too common to be a person's name on their own, whatever the staff list says.
NOT_NAMES = {"mai", "an", "my", "long", "van", "thi", "duc", "minh", "bao"}
# English given names that are everyday words too ("will", "mark", "frank"): a name only when written as one.
EVERYDAY_NAMES = {"will", "mark", "bill", "frank", "grace", "rose", "june", "april", "august", "jack", "sue", "pat",
                  "art", "ray", "gene", "joy", "hope", "faith", "dawn", "rich", "sunny", "penny", "chase", "hunter",
                  "price", "king", "long", "young", "white", "black", "brown", "green", "miles", "lane", "dale",
                  "glen", "drew", "max", "rob", "sandy", "summer", "robin", "amber", "crystal", "ruby", "pearl",
                  "victor", "august", "major", "earl", "guy", "don", "nick", "chuck", "sam"}
# Vietnamese pronouns that are also given names ("của anh" is "yours", Anh is a colleague): a name only as "Anh's".
PRONOUNS = {"anh", "chi", "em", "toi", "minh", "ban", "ong", "ba", "co", "chu", "bac"}
# Words of campaign names that say nothing of which campaign ("khách hàng", "chương trình", "văn phòng phẩm").
CAMPAIGN_GENERIC = {"khach", "hang", "chuong", "trinh", "van", "phong", "pham", "quan", "ca", "phe", "nha", "ads", "the",
                    "and", "of", "for", "customer", "customers", "program", "programme", "campaign"}
# Words that put a question on the ledger, where a bare number can be an account's code.
LEDGER_CUES = re.compile(r"\b(tai khoan|ledger|general ledger|gl|so cai|trial balance|bang can doi so phat sinh|"
                         r"chart of accounts|he thong tai khoan)\b")
OPPORTUNITY_CUES = re.compile(r"\b(deal|deals|opportunity|opportunities|co hoi|thuong vu|contract|hop dong|tender|buy|"
                              r"bid|bids|program|programme)\b")


# Words after "cash" that make it the money itself ("cash collected", "cash in", "cash flow"), not a way of paying.
CASH_AS_MONEY = {"collected", "collection", "collections", "received", "receipts", "in", "flow", "came", "coming",
                 "position", "balance", "on", "we", "did", "have", "has"}


# Accounts that come in pairs, one for each side ("exchange gains and losses").
PAIRED_ACCOUNTS = (("fx_gain", "fx_loss"),)
GAINS_AND_LOSSES = re.compile(r"\b(gains? (and|or|&|/) loss(es)?|loss(es)? (and|or|&|/) gains?|lai lo|lai va lo|lo lai|"
                              r"lai hay lo|lai hoac lo)\b")


# Words too general to call a category by on their own ("Home & Garden" is not called "home").
COMMON_PARTS = {"home", "office", "other", "more", "misc", "general", "care", "supplies", "accessories", "parts", "tools",
                "food", "service", "services", "water", "outdoor", "outdoors"}


@dataclass
class EmployeeRef:
    id: int
    code: str
    name: str
    role: str


# The last word of a segment's name that says only what kind of buyer it is.
SEGMENT_KIND_WORDS = {"retail", "retailer", "retailers", "store", "stores", "shop", "shops", "dealer", "dealers", "buyer",
                      "buyers", "customer", "customers", "account", "accounts", "sector", "business", "businesses",
                      "trade", "chain", "chains"}


@dataclass
class Places:
    """Stored values named in a request: dimension -> [stored value]."""

    found: dict[str, list[str]] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)   # character spans in the folded text
    said: dict[str, set[str]] = field(default_factory=dict)      # stored value -> the words that named it
    # spans that named a category by its products' leading words ("mực in"): a product's own name may hold them
    lead_spans: list[tuple[int, int]] = field(default_factory=list)


class Mentions:
    """What the request names besides customers and products, read once per table stamp."""

    def __init__(self, session: Session):
        self.employees = [EmployeeRef(*row) for row in session.execute(
            select(Employee.id, Employee.code, Employee.name, Employee.role).where(Employee.active.is_(True)))]
        self.opportunities = [(row[0], row[1], _core(row[1]), row[2]) for row in session.execute(
            select(Opportunity.id, Opportunity.name, Opportunity.customer_id))]
        # each deal's customer's name words: a deal named after its customer is named only by words of its own
        self.deal_customer_words = {row[0]: set(fold(row[1]).split()) for row in session.execute(
            select(Opportunity.id, Customer.name).join(Customer, Customer.id == Opportunity.customer_id))}
        self.values: dict[str, dict[str, str]] = {}   # dimension -> folded value -> stored value
        for dimension, column in (("city", Customer.city), ("country", Customer.country), ("segment", Customer.segment),
                                  ("category", Product.category), ("region", Employee.region),
                                  ("payment_method", Payment.method)):
            stored = session.execute(select(column).where(column.is_not(None)).distinct()).scalars()
            self.values[dimension] = {fold(v): v for v in stored if v}
        # A category is also called by the words its products' names start with ("mực in" for Toner & ink, "bút bi"
        # for Writing instruments): two leading words shared by 40 % of its products (three or more) and by no
        # product of another category. The catalogue says what things are called, not a word list.
        leads: dict[str, dict[str, int]] = {}
        sizes: dict[str, int] = {}
        self.category_leads: set[str] = set()
        for name, category in session.execute(select(Product.name, Product.category).where(Product.category.is_not(None))):
            sizes[category] = sizes.get(category, 0) + 1
            lead = " ".join(re.findall(r"\w+", fold(name))[:2])
            if len(lead) >= 5:
                leads.setdefault(lead, {})
                leads[lead][category] = leads[lead].get(category, 0) + 1
        for lead, counts in leads.items():
            if len(counts) == 1:
                category, count = next(iter(counts.items()))
                if count >= 3 and count >= 0.4 * sizes[category] and lead not in self.values["category"]:
                    self.values["category"][lead] = category
                    self.category_leads.add(lead.replace(" ", ""))
        # A category of two things is called by either ("tents" for Tents & Shelters, "fantasy" for Sci Fi & Fantasy)
        # when that part names nothing else
        categories = self.values["category"]
        taken = {v for values in self.values.values() for v in values}
        for stored in list(categories.values()):
            parts = [fold(p).strip() for p in re.split(r"\s*(?:&|\+|\band\b)\s*", stored) if p.strip()]
            for part in parts if len(parts) >= 2 else []:
                if len(part.replace(" ", "")) >= 4 and part not in taken and part not in COMMON_PARTS:
                    categories.setdefault(part, stored)
        # A segment by its words without their punctuation ("big box retail"), or by its leading words when the
        # last one only says what kind of buyer it is ("big box accounts": Big-box retail).
        segments = self.values.get("segment", {})
        for value, stored in list(segments.items()):
            words = re.findall(r"\w+", value)
            segments.setdefault(" ".join(words), stored)
            lead = " ".join(words[:-1])
            if len(words) >= 2 and words[-1] in SEGMENT_KIND_WORDS and len(lead.replace(" ", "")) >= 5 \
                    and not any(lead in values for values in self.values.values()):
                segments[lead] = stored
        # the methods we pay suppliers by count too ("supplier payments made by card")
        self.values["payment_method"].update({fold(v): v for v in session.execute(
            select(SupplierPayment.method).where(SupplierPayment.method.is_not(None)).distinct()).scalars() if v})
        # and by their Vietnamese names ("bằng thẻ", "qua chuyển khoản"; "thẻ" alone folds to the English "the")
        from backend.words import VIETNAMESE

        methods = self.values["payment_method"]
        for stored in set(methods.values()):
            vietnamese = VIETNAMESE.get(stored.lower())
            if vietnamese:
                said = fold(vietnamese)
                for phrase in (f"bang {said}", f"qua {said}", *([said] if len(said.split()) >= 2 else [])):
                    methods.setdefault(phrase, stored)
        self.warehouses = [(code, fold(code), fold(name)) for code, name in session.execute(
            select(Warehouse.code, Warehouse.name))]
        self.currencies = set(session.execute(select(Customer.currency).distinct()).scalars()) | set(
            session.execute(select(Supplier.currency).distinct()).scalars())
        self.campaigns = [(code, name) for code, name in session.execute(select(Campaign.code, Campaign.name))]
        # Ledger accounts: by code beside the word for an account, by the words the semantic model declares for
        # their role, or (an account of the company's own, without a role) by their full name.
        self.account_codes: dict[str, str] = {}
        self.account_phrases: list[tuple[str, str]] = []   # (folded phrase, stored name), longest first
        self.account_kinds: dict[str, str] = {}
        self.account_roles: dict[str, str] = {}
        for code, name, kind, role in session.execute(select(Account.code, Account.name, Account.kind, Account.role)):
            self.account_codes[code] = name
            if role:
                self.account_roles[role] = name
            self.account_kinds[name] = kind
            if role in ACCOUNT_WORDS:
                words = ACCOUNT_WORDS[role]
                phrases = {words.en, words.vi, *words.synonyms_en, *words.synonyms_vi}
            elif role is None and len(fold(name).split()) >= 2:
                phrases = {name}
            else:
                phrases = set()
            self.account_phrases += [(_stem(" ".join(re.findall(r"\w+", fold(p)))), name) for p in phrases]
        self.account_phrases.sort(key=lambda item: -len(item[0]))

    # --- employees ------------------------------------------------------------------------------------------

    def employee(self, text: str, *, exclude: list[tuple[int, int]] = ()) -> EmployeeRef | None:
        """An employee named by full name, code, or a given name written as a name ('Hùng', "Mai's")."""
        folded = fold(text)
        for person in self.employees:
            full = fold(person.name)
            if re.search(rf"\b{re.escape(full)}s?\b", folded) or re.search(rf"\b{re.escape(person.code.lower())}\b", folded):
                return person
        named = self.employees_named(text, exclude=exclude)
        return named[0] if len(named) == 1 else None

    def employees_named(self, text: str, *, exclude: list[tuple[int, int]] = ()) -> list[EmployeeRef]:
        """Every employee a given name written as a name points at ("how did Hùng do compared with Mai?")."""
        folded = fold(text)
        found = []
        for person in self.employees:
            words = fold(person.name).split()
            # a Vietnamese name puts the given name last ("Trần Thị Mai"); an English one first ("Megan Hale")
            western = fold(person.name) == person.name.lower() and len(words) > 1
            for given in dict.fromkeys([words[-1]] + ([words[0]] if western else [])):
                if len(given) < 2:
                    continue
                if self._named_as(person, given, text, folded, exclude) or (
                        western and given == words[0] and len(given) >= 4 and given not in EVERYDAY_NAMES
                        and given not in NOT_NAMES and self._said_lower(given, folded, exclude)):
                    found.append(person)
                    break
        return list({p.id: p for p in found}.values())

    @staticmethod
    def _said_lower(given: str, folded: str, exclude) -> bool:
        """A western given name typed in lower case ("who does jane report to?"), where it is no everyday word."""
        return any(not any(a <= m.start() < b for a, b in exclude)
                   for m in re.finditer(rf"(?<![\w@.]){re.escape(given)}(?![\w@])", folded))

    @staticmethod
    def _named_as(person: EmployeeRef, given: str, text: str, folded: str, exclude) -> bool:
        """Whether `given` is written in the text as that person's name (capitalised, possessive, 'của Mai')."""
        for m in re.finditer(rf"(?<![\w@.]){re.escape(given)}(?![\w@])", folded):
            if any(a <= m.start() < b for a, b in exclude):
                continue
            raw = text[m.start():m.end()] if len(text) == len(folded) else _raw_word(text, m.group(0))
            if raw and word_marks(raw) and word_marks(raw) != word_marks(_name_word(person.name, given)):
                continue   # "Báo giá" is a quote, not Bảo: a name written with other accents is another word
            english_possessive = folded[m.end():m.end() + 2] in ("'s", "’s") or bool(
                re.match(r" s\b", folded[m.end():]))   # "Megan's" folds to "megan s"
            possessive = english_possessive or re.search(
                rf"\b(cua|by|for|rep|of|nhan vien|ban|anh|chi|em)\s+{re.escape(given)}\b", folded) or re.search(
                rf"\b{re.escape(given)}\s+(vs\.?|versus|va|voi)\s+\w|\b(vs\.?|versus|va|voi|compared with)\s+"
                rf"{re.escape(given)}\b", folded)   # "Mai vs Hùng": two colleagues compared
            capitalised = bool(raw) and raw[:1].isupper()
            if given in PRONOUNS and not english_possessive:
                continue
            spelt = bool(raw) and bool(word_marks(raw)) and word_marks(raw) == word_marks(_name_word(person.name, given))
            # "Mai co bao nhieu deal dang mo": a capitalised name that starts the question, before its verb
            subject = capitalised and bool(re.match(r" (co|da|ban|chot|dang|duoc|has|have|had|sold|closed|did)\b",
                                                    folded[m.end():]))
            if given in NOT_NAMES and not (possessive or subject or (capitalised and m.start() > 0)
                                           or (capitalised and spelt)):
                continue   # ("Bảo bán được bao nhiêu" names Bảo by its accents; "Bao nhiêu" names no one)
            if capitalised or possessive:
                return True
        return False

    # --- opportunities ----------------------------------------------------------------------------------------

    def opportunity(self, text: str, customer_id: int | None = None,
                    every: bool = False) -> tuple[int, str] | list[str] | None:
        """A deal whose distinctive name words are in the request (two or more, most of them); only that
        customer's deals when a customer is named ("the annual supplies deal with Trường Phát")."""
        words = set(fold(text).replace("'s", "").split())
        # a Vietnamese deal name asked in English ("the A4 paper contract for 2027": Hợp đồng giấy A4 năm 2027)
        from assistant.planner.linker import GLOSSARY

        words |= {GLOSSARY[w] for w in words if w in GLOSSARY} | (
            {"hop", "dong"} if words & {"contract", "contracts", "agreement"} else set())
        cue = bool(OPPORTUNITY_CUES.search(fold(text)))
        best: list[tuple[float, int, str]] = []
        for deal_id, name, core, owner_customer in self.opportunities:
            if not core or (customer_id is not None and owner_customer != customer_id):
                continue
            said = [w for w in core if w in words or any(len(w) >= 5 and fuzz.ratio(w, x) >= 88 for x in words)]
            hits = len(said)
            share = hits / len(core)
            own = [w for w in said if w not in self.deal_customer_words.get(deal_id, set()) and not OPPORTUNITY_CUES.fullmatch(w)
                   and not re.fullmatch(r"(19|20)\d\d", w)]
            if not own:
                # "what did Kettle River Mountain Sports buy": the customer, not its "... rental fleet" deal; "what did
                # Summit Sports buy in 2016": a year is the question's period, not the "Spring 2016 ..." deal's word
                continue
            if hits >= 2 and (share >= 0.6 or (cue and share >= 0.5)):
                best.append((share + hits * 0.01, deal_id, name))
        if not best:
            return None
        best.sort(reverse=True)
        tied = [b for b in best if abs(b[0] - best[0][0]) < 1e-9]
        if len({fold(name) for _, _, name in tied}) > 1:
            return None if not every else [name for _, _, name in tied]
        return [best[0][2]] if every else (best[0][1], best[0][2])   # deals of one name: the tool asks which of them

    def opportunities_named(self, text: str, customer_id: int | None = None) -> list[str]:
        """The names of the deals `opportunity` would pick, all of them when several fit as well ("the container of
        A4 paper deal": the 2025 one and the 2026 one)."""
        return self.opportunity(text, customer_id, every=True) or []

    # --- stored values ----------------------------------------------------------------------------------------

    def _swapped_values(self) -> dict[str, str]:
        """One-word stored values of five letters or more with two neighbouring letters swapped ("germnay"), to the
        value's key; none that is itself a stored value."""
        if getattr(self, "_swapped", None) is None:
            keys = {value.replace(" ", "") for values in self.values.values() for value in values}
            self._swapped = {k[:i] + k[i + 1] + k[i] + k[i + 2:]: k for k in keys if len(k) >= 5 and k.isalpha()
                             for i in range(len(k) - 1) if k[i] != k[i + 1]}
            self._swapped = {typo: k for typo, k in self._swapped.items() if typo not in keys}
        return self._swapped

    def places(self, folded: str) -> Places:
        """Stored values named in the (folded) text, compared without spaces ('Hanoi' is 'Hà Nội'), through the
        aliases people use ('Saigon', 'Canadian'); the longest run of words wins."""
        out = Places()
        words = folded.split()
        keyed = {dimension: {value.replace(" ", ""): stored for value, stored in values.items() if len(value) >= 3}
                 for dimension, values in self.values.items()}
        aliases = {alias.replace(" ", ""): meant.replace(" ", "") for alias, meant in ALIASES.items()}
        same = {a.replace(" ", ""): b.replace(" ", "") for a, b in SAME_PLACE.items()}
        used = [False] * len(words)
        for size in range(4, 0, -1):
            for start in range(len(words) - size + 1):
                if any(used[start:start + size]):
                    continue
                key = "".join(words[start:start + size]).strip("?.!,")
                if size == 1 and start > 0 and f"{words[start - 1]} {words[start]}" in COMMON_PAIRS:
                    continue   # "trạng thái" is a status, not Thailand
                # ("independent dealers": the segment "Independent dealer")
                # ("consumers": the segment "Consumer" — one word only when it is long enough to be no other)
                plural = key[:-1] if key.endswith("s") and (size >= 2 and len(key) > 6 or len(key) > 7) else None
                if size == 1 and start + 1 < len(words) and words[start + 1].strip("?.!,") in ("dollars", "dollar"):
                    continue   # "in Canadian dollars" is a currency, not Canada
                if key == "cash" and start + 1 < len(words) and words[start + 1].strip("?.!,") in CASH_AS_MONEY \
                        and not (start > 0 and words[start - 1] in ("in", "by", "via", "bang")):
                    continue   # "cash collected last week": the money that came in, not the cash payments only
                swapped = self._swapped_values().get(key) if size == 1 and len(key) >= 5 else None
                meant = aliases.get(key) or key
                # ("big-box accounts": the segment "Big-box retail", its hyphen written or not)
                unhyphened = key.replace("-", "") if "-" in key else None
                for candidate in (key, aliases.get(key), same.get(meant), plural, swapped, unhyphened):
                    if not candidate:
                        continue
                    hit = next(((d, v[candidate]) for d, v in keyed.items() if candidate in v), None)
                    if hit:
                        out.found.setdefault(hit[0], []).append(hit[1])
                        out.spans.append((start, start + size))
                        if hit[0] == "category" and candidate in self.category_leads:
                            out.lead_spans.append((start, start + size))
                        out.said.setdefault(hit[1], set()).update(w.strip("?.!,") for w in words[start:start + size])
                        for i in range(start, start + size):
                            used[i] = True
                        break
        # A warehouse by its code only beside the word ("kho HAN", "the HCM warehouse": 'han' alone is 'hạn'),
        # or by its full name.
        for code, folded_code, name in self.warehouses:
            near = rf"\b(kho|warehouse|depot|in|at|o|tai)\s+(the\s+)?{re.escape(folded_code)}\b|\b{re.escape(folded_code)}\s+(warehouse|depot)\b"
            named = len(name.split()) >= 2 and re.search(rf"\b{re.escape(name)}\b", folded)
            # or by the words its name starts with, beside the word ("kho Long Biên": Long Biên warehouse, Hanoi)
            lead = " ".join(w for w in re.findall(r"\w+", name)[:3] if w not in ("warehouse", "kho", "depot"))
            lead = " ".join(lead.split()[:2])
            if not named and len(lead.split()) == 2 and lead != folded_code:
                named = re.search(rf"\b(kho|warehouse|depot)\s+(the\s+)?{re.escape(lead)}\b|\b{re.escape(lead)}\s+"
                                  rf"(warehouse|depot)\b", folded)
            if re.search(near, folded) or named:
                out.found.setdefault("warehouse", []).append(code)
        for code in out.found.get("warehouse", []):
            # "kho HCM": the warehouse, not also the city its code abbreviates
            for dimension in [d for d in out.found if d != "warehouse"]:
                out.found[dimension] = [v for v in out.found[dimension] if out.said.get(v) != {code.lower()}]
                if not out.found[dimension]:
                    del out.found[dimension]
        if "warehouse" not in out.found:
            # "the Hanoi warehouse", "kho Thủ Đức": a word of one warehouse's name beside the word for it
            # (overlapping: "tồn kho kho Hà Nội" holds "kho kho" before "kho Hà Nội")
            said = re.findall(r"\b(\w+(?:\s\w+)?)\s+(?:warehouse|depot)\b", folded) + re.findall(
                r"\bkho\s+(?=(\w+(?:\s\w+)?))", folded)
            for phrase in said:
                for tail in (phrase, phrase.split()[-1]) if " " in phrase else (phrase,):
                    key = tail.replace(" ", "")
                    if len(key) < 3 or key in ("the", "our", "each", "every", "hang", "nao"):
                        continue
                    hits = [code for code, _, name in self.warehouses if key in name.replace(" ", "")]
                    if len(hits) == 1:
                        out.found["warehouse"] = hits
                        break
                if "warehouse" in out.found:
                    break
        currency = self.currency(folded)
        if currency:
            out.found["currency"] = [currency]
        campaign = self.campaign(folded)
        if campaign is not None:
            # "the Vietnam Office & School Supplies Expo 2025": the campaign's own words name no country
            for dimension in [d for d in out.found if d != "warehouse"]:
                out.found[dimension] = [v for v in out.found[dimension] if not out.said.get(v, {None}) <= campaign[1]]
                if not out.found[dimension]:
                    del out.found[dimension]
            out.found["campaign"] = [campaign[0]]
            out.said[campaign[0]] = campaign[1]
        for name, said in self.accounts(folded):
            if name not in out.found.get("account", []):
                out.found.setdefault("account", []).append(name)
                out.said.setdefault(name, set()).update(said)
        return out

    def campaign(self, text: str) -> tuple[str, set[str]] | None:
        """The one marketing campaign a request names (its code, and the words that named it): by code as written
        ("EXPO-2026", "GADS-2025Q1"), by two or more words of its name in a row, or by the word in its name's
        brackets ("SECC"), with the name's year when it has one ("SECC expo 2026" is not the 2025 fair). Several
        campaigns fitting ("Google Ads in 2026": one a quarter) name none: that is a channel, not a campaign."""
        upper = text.upper()
        words = re.findall(r"\w+", fold(text))
        said = set(words)
        for code, name in self.campaigns:
            if re.search(r"(?<![\w-])" + re.escape(code.upper()).replace("\\-", "[- ]?") + r"(?![\w-])", upper):
                # (with the words of its name the request also says: "the Vietnam ... Expo 2025")
                return code, set(re.findall(r"\w+", fold(code))) | (set(re.findall(r"\w+", fold(name))) & said)
        best: list[tuple[int, str, set[str]]] = []
        for code, name in self.campaigns:
            bracketed = {w for part in re.findall(r"\(([^)]*)\)", name) for w in re.findall(r"\w+", fold(part))}
            core = re.findall(r"\w+", fold(re.sub(r"\([^)]*\)", " ", name)))
            years = {w for w in core if re.fullmatch(r"(19|20)\d\d", w)} | set(re.findall(r"(?:19|20)\d\d", code))
            if years and not years & said:
                continue
            run, length = set(), 0
            for i in range(len(words)):
                for j in range(len(core)):
                    k = 0
                    while i + k < len(words) and j + k < len(core) and words[i + k] == core[j + k]:
                        k += 1
                    plain = [w for w in core[j:j + k] if not w.isdigit()]
                    if len(plain) >= 2 and not set(plain) <= COMMON_WORDS | CAMPAIGN_GENERIC and k > length:
                        run, length = set(core[j:j + k]), k
            if bracketed and bracketed <= said and length < 1:
                run, length = bracketed | (years & said), 1
            if length:
                best.append((length, code, run | (years & said)))
        if not best:
            return None
        best.sort(key=lambda b: -b[0])
        if len(best) > 1 and best[1][0] == best[0][0]:
            return None
        return best[0][1], best[0][2]

    def accounts(self, folded: str) -> list[tuple[str, set[str]]]:
        """Ledger accounts the (folded) text names, with the words that named each: "account 1300", "tài khoản
        1300", "TK 5100", "1300 account"; a code anywhere in a question about the ledger ("số dư hàng tồn kho (1300)"),
        unless it reads as a year; or the words of its role ("purchase price variance", "lãi chênh lệch tỷ giá")."""
        found: list[tuple[str, set[str]]] = []
        taken = _stem(folded)
        for phrase, name in self.account_phrases:
            if phrase and re.search(rf"\b{re.escape(phrase)}\b", taken):
                found.append((name, set(phrase.split())))
                taken = re.sub(rf"\b{re.escape(phrase)}\b", " ", taken)
        if GAINS_AND_LOSSES.search(folded):
            # "fx gains and losses", "lãi lỗ chênh lệch tỷ giá": both sides of the pair, each on its own
            names = {name for name, _ in found}
            for pair in PAIRED_ACCOUNTS:
                held = [self.account_roles[r] for r in pair if r in self.account_roles]
                if len(held) == 2 and names & set(held):
                    found += [(name, set()) for name in held if name not in names]
        ledger = LEDGER_CUES.search(folded)
        if ledger and not found:
            # "the balance of accounts receivable on the ledger": an account called by its own name, on the ledger
            for name in sorted(set(self.account_codes.values()), key=len, reverse=True):
                if self.account_kinds.get(name) not in ("asset", "liability", "equity"):
                    continue   # (income and expenses have their own figures: "cost of goods sold on the ledger")
                plain = _stem(re.sub(r"\s*\(.*?\)", "", fold(name))).strip()
                if len(plain) >= 5 and re.search(rf"\b{re.escape(plain)}\b", taken):
                    found.append((name, set(plain.split())))
                    taken = re.sub(rf"\b{re.escape(plain)}\b", " ", taken)
        for match in re.finditer(r"\b\d{3,5}\b", folded):
            code = match.group(0)
            if code not in self.account_codes:
                continue
            before, after = folded[:match.start()], folded[match.end():]
            beside = re.search(r"\b(account|acct|a c|tai khoan|tk|gl)\s+(no|number|so|#)?\s*$", before) or \
                re.match(r"\s+(account|acct)\b", after) or \
                re.search(r"\b(account|acct|tai khoan)\b(\s+(?!in\b|for\b|of\b|nam\b|trong\b)\S+){1,5}\s*$", before)
            # ("tài khoản phải trả người bán (2000)": the account's own code in brackets after its name)
            if beside or (ledger and not 1900 <= int(code) <= 2099):
                found.append((self.account_codes[code], {code}))
        return found

    def currency(self, folded: str) -> str | None:
        """A currency the documents are kept in, named as a filter ("USD deals", "billed in euros", "invoices in
        CAD"); "revenue in USD" is how to show a figure, not which documents count."""
        names = "|".join(sorted(map(re.escape, CURRENCY_WORDS), key=len, reverse=True))
        m = re.search(rf"\b(?:outstanding|owed|owing|open|unpaid|overdue|due|receivable|receivables|payable|payables)\s+"
                      rf"in\s+({names})\b|"
                      rf"\b(?:billed|invoiced|paying|pay|pays|priced|denominated|quoted|kept|bills? us|invoices? us|"
                      rf"suppliers?|vendors?|pay us|paid us|paid|payments? received|received)\s+in\s+({names})\b|"
                      rf"\b(?:hoa don|xuat hoa don|thanh toan|tinh tien|bao gia|ghi hoa don|lap hoa don)\s+(?:bang|theo)\s+"
                      rf"(?:dong\s+|tien\s+)?({names})\b|"
                      rf"\b(?:pipeline|receivables|payables|invoices|bills|payments|deals|co hoi|cong no|hoa don)\s+({names})\b|"
                      rf"\b({names})\s+(?:deals?|opportunit(?:y|ies)|invoices?|orders?|customers?|accounts?|quotes?|"
                      rf"payments?|bills?|receivables?|payables?|pipeline|sales|revenue)\b|\b({names})-billed\b|\b(?:deals?|opportunit(?:y|ies)|invoices?|orders?|customers?|accounts?|"
                      rf"quotes?|bills?|pipeline)\s+(?:in|billed in|priced in)\s+({names})\b", folded)
        if not m:
            return None
        code = CURRENCY_WORDS[next(g for g in m.groups() if g)]
        return code if code in self.currencies else None


def _stem(folded: str) -> str:
    """Plurals folded away, the same on both sides of a comparison ("customer advances" is "customer advance")."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in folded.split())


def _core(name: str) -> list[str]:
    generic = {"the", "and", "of", "for", "a", "an", "deal", "contract", "order", "q1", "q2", "q3", "q4", "cong", "ty"}
    return [w for w in fold(name).split() if w not in generic and len(w) >= 2]


def _name_word(name: str, folded_word: str) -> str:
    return next((w for w in name.split() if fold(w) == folded_word), folded_word)


def _raw_word(text: str, folded_word: str) -> str:
    for word in re.findall(r"[\w']+", text):
        if fold(word) == folded_word or fold(word.split("'")[0]) == folded_word:   # "Megan's" is Megan
            return word
    return ""


# --- documents and phone numbers -----------------------------------------------------------------------------------

@dataclass
class Document:
    kind: str      # order | invoice | ticket | quote | bill | purchase_order | receipt
    number: str


def documents(session: Session, text: str) -> list[Document]:
    """Stored document numbers in the request, whatever their format (looked up, case-insensitive)."""
    found: list[Document] = []
    for m in DOCUMENT.finditer(text):
        number = m.group(1).upper()
        for kind, model in (("order", SalesOrder), ("invoice", Invoice), ("ticket", Ticket), ("quote", Quote),
                            ("bill", SupplierBill), ("purchase_order", PurchaseOrder), ("receipt", GoodsReceipt)):
            stored = session.execute(select(model.number).where(func.upper(model.number) == number).limit(1)).scalar()
            if stored is None and model is SupplierBill:   # the supplier's own number on their bill
                stored = session.execute(select(SupplierBill.number).where(
                    func.upper(SupplierBill.supplier_reference) == number).limit(1)).scalar()
            if stored:
                found.append(Document(kind, stored))
                break
    return found


def phone_owner(session: Session, text: str) -> tuple[str, str] | None:
    """(customer code, name) for a phone number in the request: the customer's own number or a contact's."""
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) < 8:
            continue
        tail = digits[-6:]
        # A LIKE on the last digits narrows the rows; the digits are compared whole here.
        pattern = "%" + "%".join(tail) + "%"
        for model, name_of in ((Customer, None), (Contact, Contact.customer_id)):
            rows = session.execute(select(model).where(model.phone.like(pattern)).limit(50)).scalars()
            for row in rows:
                if re.sub(r"\D", "", row.phone or "").endswith(digits[-9:]):
                    customer = row if model is Customer else session.get(Customer, row.customer_id)
                    return customer.code, customer.name
    return None


def email_in(text: str) -> str | None:
    found = EMAIL.findall(text)
    return found[0] if found else None


_cache: dict[tuple[str, ...], Mentions] = {}
_lock = threading.Lock()


def mentions_index(session: Session, base_stamp: tuple[str, ...]) -> Mentions:
    """The mentions index for the database, rebuilt when the entity index's stamp (customers, products) or the
    employees or opportunities change."""
    small = session.execute(select(func.count(), func.max(Employee.id), func.sum(func.length(Employee.name)))
                            .select_from(Employee)).one()
    deals = session.execute(select(func.count(), func.max(Opportunity.id), func.sum(func.length(Opportunity.name)))
                            .select_from(Opportunity)).one()
    accounts = session.execute(select(func.count(), func.max(Account.id), func.sum(func.length(Account.name)))
                               .select_from(Account)).one()
    campaigns = session.execute(select(func.count(), func.max(Campaign.id), func.sum(func.length(Campaign.name)))
                                .select_from(Campaign)).one()
    key = (*base_stamp, *map(str, small), *map(str, deals), *map(str, accounts), *map(str, campaigns))
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            _cache.clear()
            cached = _cache[key] = Mentions(session)
        return cached
