"""Entity linking for the offline planner: which customer, contact or product a message talks about.

Works on folded text (no accents, lower case), token by token, tolerant of small typos; a name shared by
several customers is reported as ambiguous rather than guessed, unless exactly one belongs to the asker.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Contact, Customer, Product
from backend.text import fold

log = logging.getLogger("tandem.planner")

# Words that say what kind of company it is, not which one.
GENERIC = {
    "cong", "ty", "tnhh", "co", "ltd", "jsc", "corp", "corporation", "company", "inc", "llc", "gmbh", "plc", "pte",
    "the", "and", "of", "group", "tap", "doan", "cp", "co.", "ltd.", "sa", "sl", "srl", "kk", "pty", "limited",
    "mtv", "thuong", "mai", "dich", "vu", "san", "xuat", "&", "-", "|", "phan",
}


@dataclass(slots=True)
class CustomerEntry:
    id: int
    code: str
    name: str
    owner_id: int | None
    core: list[str]


@dataclass
class ProductEntry:
    sku: str
    name: str
    tokens: set[str]
    active: bool
    category: str | None = None


@dataclass
class LinkResult:
    customer: CustomerEntry | None = None
    candidates: list[CustomerEntry] = field(default_factory=list)
    span: tuple[int, int] | None = None  # token positions of the mention in the folded message

    @property
    def ambiguous(self) -> bool:
        return self.customer is None and len(self.candidates) > 1


def _core_of_folded(folded: str) -> list[str]:
    tokens = [t.strip(".,") for t in folded.split()]
    # ("hoffman's bait & tackle" folds to "hoffman s …": the possessive's s is no word of the name)
    core = [t for t in tokens if t and t not in GENERIC and t != "s"]
    return core or tokens


def _folded_name(name: str, key: str | None) -> str:
    """A customer's folded name: the first part of its search key (`search_key(name, code, city)`), which every
    writer stores, so that loading 100,000 customers does not fold 100,000 names again."""
    return key.split(" | ", 1)[0] if key else fold(name)


# Everyday Vietnamese words of five letters or more that are also parts of company names ("thanh toán" is
# payment, "Thành Khang" a customer): alone, they never name a customer.
COMMON_WORDS = {"thanh", "khong", "thang", "nhieu", "doanh", "truoc", "trong", "ngoai", "thuong", "chung", "nhung",
                "nguoi", "khach", "thoi", "hang", "phong", "quang", "thai", "trang", "tinh", "giao", "chot", "tien",
                "thang", "nam", "quy", "tuan", "ngay", "trung",
                # English words a question uses for itself ("sales by state", "total revenue", "the west region"):
                # the first word of a name alone ("State College Outdoor Supply") names no one
                "state", "states", "total", "united", "national", "general", "first", "city", "county", "north",
                "south", "east", "west", "central", "today", "daily", "weekly", "monthly", "annual", "order", "orders"}

# Everyday two-word Vietnamese phrases whose words are also names ("trạng thái": status; "Thái Mai": a customer).
COMMON_PAIRS = {"trang thai", "tinh trang", "khong tinh", "giao hang", "thanh toan", "tien mat", "chot don", "giao dich",
                "thang nay", "nam nay", "quy nay", "tuan nay", "hang thang", "hang nam", "tung thang", "tung nam"}

# English words people use for products whose catalogue names are Vietnamese.
GLOSSARY = {
    "paper": "giay", "cup": "ly", "cups": "ly", "pen": "but", "pens": "but", "ballpoint": "bi", "toner": "muc", "ink": "muc",
    "cartridge": "muc", "box": "thung", "boxes": "thung", "carton": "thung", "cartons": "thung", "tape": "keo", "notebook": "so",
    "notebooks": "so", "calculator": "tinh", "shredder": "huy", "straw": "hut", "straws": "hut", "napkin": "khan", "napkins": "khan",
    "lid": "nap", "lids": "nap", "envelope": "phong", "envelopes": "phong", "stapler": "bam", "staples": "kim", "mouse": "chuot",
    "thermal": "nhiet", "color": "mau", "colour": "mau", "wooden": "go", "cutlery": "nia", "bag": "tui", "bags": "tui",
    "highlighter": "quang", "highlighters": "quang", "marker": "long", "markers": "long", "whiteboard": "bang",
    "blue": "xanh", "black": "den", "red": "do", "green": "xanh", "white": "trang", "yellow": "vang",
}


def _product_tokens(key: str, sku: str) -> set[str]:
    tokens = set(tokens_of(key.replace("|", " ")))
    # "3-Person" is also said "3 person": its parts are words of the name too (the figure tells 3 from 2-Person)
    tokens.update(part for token in list(tokens) if "-" in token for part in token.split("-") if part)
    tokens.update(part for part in sku.lower().split("-") if part)
    return tokens


def tokens_of(text: str) -> list[str]:
    return [t.strip(".,!?;:'\"()") for t in fold(text).replace("'s ", " ").split() if t.strip(".,!?;:'\"()")]


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) >= 4 and len(b) >= 4:
        if a.rstrip("s") == b.rstrip("s"):
            return True
        if any(ch.isdigit() for ch in a + b):
            # "3-person" is not "2-person": figures are matched as written ("50x40x30" is "50x40x30cm")
            return a.startswith(b) or b.startswith(a)
        return fuzz.ratio(a, b) >= 80
    return False


class EntityIndex:
    """In-memory copy of the names to link against, refreshed when the tables change.

    Customers are kept as parallel lists (one row each) rather than one object each, so that the lists can be
    saved to and read back from the data directory (`_saved_names`): a process that answers one question, like
    `tandem ask`, then reads 100,000 customers' name words from one file instead of folding every name again.
    """

    def __init__(self, session: Session, stamp: tuple[str, ...] | None = None):
        self.stamp = stamp or self._stamp(session)
        names = _saved_names(self.stamp)
        if names is None:
            names = _read_names(session)
            _save_names(self.stamp, names)
        self._ids, self._codes, self._names, self._owners, self._cores, self.by_token = names
        # by_token: a name word -> the rows of the customers whose name has it, so that a message is matched
        # against the customers sharing a word with it rather than every customer.
        self.by_code = {code.lower(): row for row, code in enumerate(self._codes)}
        self.by_id = {customer_id: row for row, customer_id in enumerate(self._ids)}
        # Words of four letters or more, the only ones `_same` compares loosely; and the same by their
        # singular ('glasses' ~ 'glasse' ~ 'glass' all strip to one stem).
        self.long_words = [w for w in self.by_token if len(w) >= 4]
        self.by_stem: dict[str, list[str]] = {}
        for word in self.long_words:
            self.by_stem.setdefault(word.rstrip("s"), []).append(word)
        self.products = [ProductEntry(r.sku, r.name, _product_tokens(r.search_key, r.sku), r.active, r.category) for r in
                         session.execute(select(Product.sku, Product.name, Product.search_key, Product.active,
                                                Product.category))]
        self.product_by_sku = {p.sku.lower(): p for p in self.products}

    def named_by_model(self, words: list[str], product: ProductEntry) -> bool:
        """Whether words name `product` by its model ('HP 85A', 'QL-800'): one of them is a model code (letters and
        digits, three or more), and no other product's name holds all of those words."""
        said = {w for w in words if w in product.tokens}
        if not any(len(w) >= 3 and any(c.isdigit() for c in w) and any(c.isalpha() for c in w) for w in said):
            return False
        if len(said) < 2 and not any(len(w) >= 5 for w in said):
            return False
        return sum(1 for other in self.products if said <= set(other.tokens)) == 1

    def entry(self, row: int) -> CustomerEntry:
        return CustomerEntry(self._ids[row], self._codes[row], self._names[row], self._owners[row], self._cores[row])

    @property
    def customers(self) -> list[CustomerEntry]:
        return [self.entry(row) for row in range(len(self._ids))]

    @staticmethod
    def _stamp(session: Session) -> tuple[str, ...]:
        """Changes when customers or products are added or removed, when a customer is renamed or recoded (unless
        to a name of the same length), and when customers change owner (the owner breaks ties between equal
        names). Each customer's figures are weighted by its id, so two customers swapping owners count too."""
        customers = session.execute(select(
            func.count(), func.max(Customer.id), func.sum(Customer.id * func.length(Customer.name)),
            func.sum(Customer.id * func.length(Customer.search_key)), func.sum(Customer.id * func.length(Customer.code)),
            func.sum(Customer.id * func.coalesce(Customer.owner_id, 0)))).one()
        products = session.execute(select(func.count(), func.max(Product.id), func.sum(func.length(Product.name)))).one()
        return (str(session.get_bind().engine.url), *(str(value) for value in (*customers, *products)))

    def same_words(self, token: str) -> set[str]:
        """Every name word `_same` as `token`: the word itself, its singular or plural, and words within a
        fuzzy ratio of 80 (both of four letters or more)."""
        words = {token} if token in self.by_token else set()
        if len(token) >= 4 and words:
            # a word some name has as written is that word, not another one misspelt ("hoang" is no "phong")
            words.update(self.by_stem.get(token.rstrip("s"), ()))
        elif len(token) >= 4:
            from rapidfuzz import process

            words.update(self.by_stem.get(token.rstrip("s"), ()))
            words.update(match[0] for match in process.extract_iter(token, self.long_words, scorer=fuzz.ratio,
                                                                      score_cutoff=80))
        return words

    def link_customer(self, text: str, asker_id: int | None = None) -> LinkResult:
        tokens, spans = self._joined(tokens_of(text))
        result = self._link(tokens, asker_id)
        if result.span:
            result.span = (spans[result.span[0]][0], spans[result.span[1] - 1][1])
        return result

    def _joined(self, tokens: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
        """The message's words with a name word typed in two ("Sai Gon Food" is Saigon Foods, "Ha Noi" Hanoi)
        written as one, and where each came from."""
        joined: list[str] = []
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            if i + 1 < len(tokens) and (tokens[i] + tokens[i + 1]) in self.by_token and len(tokens[i] + tokens[i + 1]) >= 5 \
                    and not (tokens[i] in self.by_token and tokens[i + 1] in self.by_token):
                joined.append(tokens[i] + tokens[i + 1])
                spans.append((i, i + 2))
                i += 2
                continue
            joined.append(tokens[i])
            spans.append((i, i + 1))
            i += 1
        return joined, spans

    def _link(self, tokens: list[str], asker_id: int | None) -> LinkResult:
        for token in tokens:
            if token in self.by_code and len(token) >= 3:
                return LinkResult(customer=self.entry(self.by_code[token]))
        by_token = {token: self.same_words(token) for token in set(tokens)}
        same = [by_token[token] for token in tokens]
        # How many of the message's words each customer's name has a word for. A mention's score (see
        # `_match`) is at most 1.01 per word plus 0.5, so customers are scored best-first and the search stops
        # when no customer left could reach the best score: a common word ("long", "minh") shared by
        # thousands of names costs a count, not a match each.
        hits: dict[int, int] = {}
        for words in same:
            for row in {row for word in words for row in self.by_token[word]}:
                hits[row] = hits.get(row, 0) + 1
        best_score = 0.0
        best: list[tuple[CustomerEntry, tuple[int, int]]] = []
        for row, count in sorted(hits.items(), key=lambda item: (-item[1], self._ids[item[0]])):
            if count * 1.01 + 0.5 < best_score - 1e-9:
                break
            score, span = self._match(self._cores[row], tokens, same)
            if score <= 0:
                continue
            if score > best_score + 1e-9:
                best_score, best = score, [(self.entry(row), span)]
            elif abs(score - best_score) <= 1e-9:
                best.append((self.entry(row), span))
        if not best:
            return LinkResult()
        if len(best) == 1:
            return LinkResult(customer=best[0][0], span=best[0][1])
        # Prefer the one whose full name was written out; then the asker's own customer.
        full = [(e, s) for e, s in best if s[1] - s[0] == len(e.core)]
        if len(full) == 1:
            return LinkResult(customer=full[0][0], span=full[0][1])
        own = [(e, s) for e, s in best if asker_id is not None and e.owner_id == asker_id]
        if len(own) == 1:
            return LinkResult(customer=own[0][0], span=own[0][1])
        return LinkResult(candidates=[e for e, _ in best][:6], span=best[0][1])

    @staticmethod
    def _match(core: list[str], tokens: list[str], same: list[set[str]]) -> tuple[float, tuple[int, int]]:
        """Longest run of the name's core tokens found in the message: from its first token, or a run of two
        or more that ends the name (Vietnamese names put the distinctive part last: '... Văn phòng phẩm Hòa Bình').
        `same[i]` holds the name words that count as the message's i-th token (`same_words`)."""
        best, span = 0.0, (0, 0)
        for start in range(len(core)):
            first = core[start]
            for i in range(len(tokens)):
                if first not in same[i]:
                    continue
                length = 1
                while start + length < len(core) and i + length < len(tokens) and core[start + length] in same[i + length]:
                    length += 1
                reaches_end = start + length == len(core)
                if start > 0 and not (reaches_end and length >= 2 and all(len(core[k]) >= 3 for k in range(start, start + length))):
                    continue
                if length == 1 and len(core) > 1 and len(first) < 5:
                    continue  # one short common word ("minh", "an") is not a mention
                if length == 1 and len(core) > 1 and (first in {"saigon", "hanoi", "viet", "vietnam", "asia", "global", "new", "sai"}
                                                      or first in COMMON_WORDS):
                    continue
                exact = sum(1 for k in range(length) if core[start + k] == tokens[i + k])
                if length == 1 and len(core) > 1 and not exact:
                    continue  # one word that is merely close ("hàng" ~ "Hoàng", "không" ~ "Hoàng") is not a mention
                if length == 1 and first in COMMON_WORDS and (
                        (i > 0 and f"{tokens[i - 1]} {first}" in COMMON_PAIRS)
                        or (i + 1 < len(tokens) and f"{first} {tokens[i + 1]}" in COMMON_PAIRS)):
                    continue  # "trạng thái" is a status, not "Tập đoàn Thái Mai"
                if not exact and any(tokens[i + k] in COMMON_WORDS for k in range(length)):
                    continue  # "không tính" is not "Hồng Thịnh" misspelt
                score = length + exact * 0.01 + (0.5 if length == len(core) or (start == 0 and reaches_end) else 0.25 if reaches_end else 0)
                if score > best:
                    best, span = score, (i, i + length)
        return best, span

    def inside_a_product_name(self, tokens: list[str], span: tuple[int, int]) -> bool:
        """Whether the one word a customer was linked by sits among words of one product's name ("the inflatable
        paddle board" is no mention of Paddle Direct)."""
        if span[1] - span[0] != 1 or span[0] >= len(tokens):
            return False
        i = span[0]
        word = tokens[i]
        beside = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens) and len(tokens[j]) >= 3
                  and tokens[j] not in ("the", "and", "for", "with", "from")]
        return any(word in p.tokens and any(b in p.tokens for b in beside) for p in self.products)

    def link_contact_email(self, session: Session, email: str) -> CustomerEntry | None:
        """The customer of the contact with this e-mail address (any case), looked up in the database when a
        message carries an address rather than kept in memory for every contact."""
        customer_id = session.scalar(select(Contact.customer_id).where(func.lower(Contact.email) == email.lower())
                                     .order_by(Contact.id).limit(1))
        row = self.by_id.get(customer_id) if customer_id is not None else None
        return self.entry(row) if row is not None else None

    def link_product(self, phrase: str) -> tuple[ProductEntry | None, list[ProductEntry]]:
        """Best product for a phrase like 'A4 paper' or 'PAP-A4-80'; (None, candidates) when unsure."""
        # "touring kayak 12 ft", "cooler 65 qt": a size written apart is the product's "12ft", "65qt"
        phrase = re.sub(r"(?i)\b(\d+(?:\.\d+)?)\s+(ft|oz|qt|ml|mm|cm|kg|lb|lbs|gsm)\b", r"\1\2", phrase)
        words = [w for w in tokens_of(phrase) if w not in {"of", "the", "a", "an", "cai", "hop", "boxes", "box", "reams", "ream", "units", "pcs", "x"}]
        if not words:
            return None, []
        for word in words:
            if word in self.product_by_sku:
                return self.product_by_sku[word], []
        scored = []
        for product in self.products:
            hits = sum(1 for w in words if any(_same(w, t) or GLOSSARY.get(w) == t for t in product.tokens))
            if hits:
                scored.append((hits / len(words) + (0.01 if product.active else 0), product))
        if not scored:
            return None, []
        scored.sort(key=lambda pair: (-pair[0], pair[1].sku))
        top_score = scored[0][0]
        # A model number in a longer sentence ("giá vốn mực in HP 85A là bao nhiêu", "ly giấy 12oz ở cả hai kho"):
        # the one product that has every such word, and another word of the phrase, is meant.
        marked = [w for w in words if any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w)]
        if marked and top_score < 0.5:
            having = [(sum(1 for w in words if w not in marked and w in p.tokens), p) for _, p in scored
                      if all(w in p.tokens for w in marked)]
            having = sorted([h for h in having if h[0] >= 1], key=lambda h: -h[0])
            if having and (len(having) == 1 or having[0][0] > having[1][0]):
                return having[0][1], []
        if top_score < 0.5:
            return None, [p for _, p in scored[:5]]
        tied = [p for s, p in scored if abs(s - top_score) < 1e-9]
        if len(tied) == 1:
            return tied[0], []
        if len({(fold(p.name), p.category) for p in tied}) == 1:
            # two catalogue entries of one name and one category (a track on two albums): the same thing to ask about
            return tied[0], []
        return None, tied[:6]


# The customers' part of the index: ids, codes, names, owners, name words (core) and word -> rows.
Names = tuple[list[int], list[str], list[str], list[int | None], list[list[str]], dict[str, list[int]]]
# Bump the number when what `_read_names` produces changes; the words left out of names are part of it, so a
# new GENERIC word makes older files unusable by itself.
NAMES_FORMAT = (2, " ".join(sorted(GENERIC)))


def _read_names(session: Session) -> Names:
    ids: list[int] = []
    codes: list[str] = []
    names: list[str] = []
    owners: list[int | None] = []
    cores: list[list[str]] = []
    by_token: dict[str, list[int]] = {}
    rows = session.connection().execute(select(Customer.id, Customer.code, Customer.name, Customer.search_key,
                                               Customer.owner_id))
    for row, (customer_id, code, name, key, owner_id) in enumerate(rows):
        core = _core_of_folded(_folded_name(name, key))
        ids.append(customer_id)
        codes.append(code)
        names.append(name)
        owners.append(owner_id)
        cores.append(core)
        for token in set(core):
            by_token.setdefault(token, []).append(row)
    return ids, codes, names, owners, cores, by_token


def _names_file(stamp: tuple[str, ...]) -> Path:
    from backend.settings import get_settings

    database = hashlib.sha256(stamp[0].encode()).hexdigest()[:16]
    return get_settings().data_dir / "cache" / f"customer-names-{database}.marshal"


def _saved_names(stamp: tuple[str, ...]) -> Names | None:
    """The names saved for exactly this stamp, or None (no file, another stamp, an older format, a bad file)."""
    try:
        saved = marshal.loads(_names_file(stamp).read_bytes())
        format_, saved_stamp, names = saved
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if format_ != NAMES_FORMAT or saved_stamp != stamp:
        return None
    return names


def _save_names(stamp: tuple[str, ...], names: Names) -> None:
    """Written whole to a temporary file (mode 0600, like the database beside it) and renamed, so a reader never
    sees half of it; a data directory that can not be written costs the next process the rebuild, nothing else.

    marshal, not JSON: it reads 100,000 customers in 0.10 s rather than 0.17 s. Like the SQLite file, the data
    directory is trusted; whoever can write this file can write the database too."""
    path = _names_file(stamp)
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False) as handle:
            temporary = handle.name
            handle.write(marshal.dumps((NAMES_FORMAT, stamp, names)))
        os.replace(temporary, path)
    except OSError:
        log.warning("Could not save the customer names index to %s", path, exc_info=True)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


_cache: dict[str, EntityIndex] = {}
_lock = threading.Lock()


def entity_index(session: Session) -> EntityIndex:
    key = str(session.get_bind().engine.url)
    with _lock:
        cached = _cache.get(key)
        stamp = EntityIndex._stamp(session)
        if cached is None or cached.stamp != stamp:
            cached = _cache[key] = EntityIndex(session, stamp)
        return cached
