"""The planner's vocabulary, read from what the system of record declares: every measure's and dimension's words and
synonyms (backend.semantic), the codes statuses take and their words (backend.words), the named conditions
(backend.semantic.conditions) and the things counts count. A new measure, dimension or status is understood
from its declaration, without touching the planner.

Phrases are matched on folded tokens (no accents, lower case), longest first; a word of five letters or more
that is one small typo away from a known word is read as it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from backend.semantic.conditions import CONDITIONS, NamedCondition
from backend.semantic.dimensions import DIMENSION_LIST
from backend.semantic.measures import MEASURE_LIST
from backend.text import fold
from backend.words import ENGLISH, SYNONYMS, VIETNAMESE

# Time words a typo may hide too ("decmber", "novmber", "Febuary"); the periods are read from the corrected words.
TIME_WORDS = ("january", "february", "august", "september", "october", "november", "december", "quarter",
              "yesterday", "previous", "tuesday", "wednesday", "thursday", "saturday")


@dataclass(frozen=True)
class Term:
    kind: str             # measure | dimension | status | count | condition
    target: str           # measure or dimension name; for a status "dimension=code"; a condition's name
    phrase: tuple[str, ...]
    number_at: int | None = None   # for a condition: the position of its {n}
    # The accents each word was declared with, one tuple per spelling (None: any). A word typed with accents must
    # carry the same ones ("nhập" is not "nháp", "lại" is not "lãi", "các" is not CAC); one typed without any
    # matches every spelling.
    marks: frozenset[tuple[tuple[str, ...], ...]] | None = None


@dataclass(frozen=True)
class Hit:
    terms: tuple[Term, ...]   # every term the same words spell (a word may be a measure and a dimension)
    start: int
    end: int
    number: int | None = None

    def of(self, kind: str) -> list[Term]:
        return [t for t in self.terms if t.kind == kind]


# Everyday words a letter or two from a vocabulary word, never a typo of it ("Office Supplies" is no "suppliers").
REAL_WORDS = {"supplies", "supplied", "supply", "sellers", "ordered", "payment", "customs", "invoiced", "products",
              "stocks", "tickets", "services", "service", "orders", "margins", "writing", "printing", "shipping",
              "packing", "parking", "billing", "selling", "waiting"}
# Shorthand people type for time words ("last yr", "this qtr", "prev month"); not "mo", which is "mở" (open).
SHORTHAND = {"yrs": "years", "qtr": "quarter", "qtrs": "quarters", "mth": "month", "mths": "months",
             "wk": "week", "wks": "weeks", "prev": "previous", "yday": "yesterday", "rev": "revenue", "revs": "revenue",
             "acct": "account", "accts": "accounts", "cust": "customer", "custs": "customers", "amt": "amount",
             "bal": "balance", "tix": "tickets", "tkts": "tickets", "tkt": "ticket", "invs": "invoices",
             "prods": "products", "prod": "product", "pmt": "payment", "pmts": "payments", "pymt": "payment",
             "pymts": "payments", "mgr": "manager", "qty": "quantity", "yr": "year"}
# Short words typed with two letters swapped, too short for the fuzzy match (the intents' reading and the lexicon's).
SHORT_TYPOS = {"waht": "what", "whta": "what", "wat": "what", "hwo": "how", "hw": "how", "wich": "which",
               "whcih": "which", "teh": "the", "hte": "the", "adn": "and", "fro": "for", "mcuh": "much", "muhc": "much",
               "hwat": "what", "whos": "who s", "thier": "their", "tehir": "their", "proft": "profit", "porfit": "profit", "prfit": "profit",
               "profti": "profit", "ordrs": "orders", "oders": "orders", "odrers": "orders", "orderes": "orders"}


# Words of a ranking, corrected when two letters are swapped ("oldset", "bigegst").
RANK_WORDS = ("oldest", "newest", "latest", "biggest", "largest", "highest", "lowest", "smallest", "cheapest",
              "earliest", "longest", "overdue", "payments", "revenue", "invoices", "customers", "products")


def word_marks(word: str) -> tuple[str, ...]:
    """The accents of a word, wherever they sit ("hoá" and "hóa" are one spelling): its combining marks and đ."""
    import unicodedata

    lowered = unicodedata.normalize("NFD", word.lower())
    return tuple(sorted(ch for ch in lowered if unicodedata.combining(ch))) + (("đ",) if "đ" in lowered else ())


def token_marks(text: str) -> list[tuple[str, ...]]:
    """`word_marks` of each of `tokens(text)` (none at all when the two splits disagree)."""
    import unicodedata

    raw = [w for w in (r.strip(".'’-") for r in re.split(r"[\s,;:!?()\"]+", unicodedata.normalize("NFC", text)
                                                          .lower().replace("'s ", " ").replace("’s ", " "))) if w]
    folded = tokens(text)
    if len(raw) != len(folded):
        return [() for _ in folded]
    return [word_marks(w) for w in raw]


def _spelling(text: str, english: bool) -> frozenset[tuple[tuple[str, ...], ...]] | None:
    """How a declared phrase is spelt, for `Term.marks`: English words carry no accents; a Vietnamese phrase declared
    without any (a folded synonym) matches every spelling."""
    import unicodedata

    words = [w for w in (r.strip(".'’-") for r in re.split(r"[\s,;:!?()\"]+", unicodedata.normalize("NFC", text.replace("_", " "))
                                                          .lower())) if w]
    spelt = tuple(word_marks(w) for w in words)
    if not english and not any(spelt):
        return None
    return frozenset({spelt})


def tokens(text: str) -> list[str]:
    """Folded words, punctuation off their edges ("mai's" -> "mai", "revenue?" -> "revenue")."""
    folded = fold(text).replace("'s ", " ").replace("’s ", " ")
    out = []
    for raw in re.split(r"[\s,;:!?()\"]+", folded):
        word = raw.strip(".'’-")
        if word:
            out.append(word)
    return out


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(tokens(text.replace("_", " ")))


class Lexicon:
    def __init__(self) -> None:
        self.terms: dict[str, list[Term]] = {}
        for measure in MEASURE_LIST:
            if measure.hidden:
                continue
            words = measure.words
            for texts, english in (((measure.name, words.en, *words.synonyms_en), True), ((words.vi, *words.synonyms_vi), False)):
                for text in texts:
                    self._add(Term("measure", measure.name, _phrase(text), marks=_spelling(text, english)))
            if measure.counts:
                nouns = measure.counts
                for texts, english in (((nouns.en, *nouns.synonyms_en), True), ((nouns.vi, *nouns.synonyms_vi), False)):
                    for text in texts:
                        self._add(Term("count", measure.name, _phrase(text), marks=_spelling(text, english)))
        for dimension in DIMENSION_LIST:
            words = dimension.words
            for texts, english in (((dimension.name, words.en, *words.synonyms_en), True),
                                   ((words.vi, *words.synonyms_vi), False)):
                for text in texts:
                    self._add(Term("dimension", dimension.name, _phrase(text), marks=_spelling(text, english)))
            for code in dimension.values or ():
                for text in {code, ENGLISH.get(code, code.replace("_", " ")), VIETNAMESE.get(code, ""),
                             *SYNONYMS.get(code, ())} - {""}:
                    self._add(Term("status", f"{dimension.name}={code}", _phrase(text), marks=_spelling(text, False)))
        for condition in CONDITIONS:
            phrases = condition.phrases
            for texts, english in (((phrases.en, *phrases.synonyms_en), True), ((phrases.vi, *phrases.synonyms_vi), False)):
                for text in texts:
                    phrase = _phrase(text.replace("{n}", " NUMBERSLOT "))
                    at = phrase.index("numberslot") if "numberslot" in phrase else None
                    self._add(Term("condition", condition.name, phrase, at, marks=_spelling(text, english)))
        self.vocabulary = sorted({w for terms in self.terms.values() for t in terms for w in t.phrase
                                  if len(w) >= 6 and w.isalpha() and w != "numberslot"} | set(TIME_WORDS))
        self.conditions: dict[str, NamedCondition] = {c.name: c for c in CONDITIONS}
        # every vocabulary word (and ranking word) with two neighbouring letters swapped, to the word meant
        self._swapped = {w[:i] + w[i + 1] + w[i] + w[i + 2:]: w for w in set(self.vocabulary) | set(RANK_WORDS)
                         for i in range(len(w) - 1) if w[i] != w[i + 1]}

    def _add(self, term: Term) -> None:
        if not term.phrase:
            return
        known = self.terms.setdefault(term.phrase[0], [])
        for i, other in enumerate(known):
            if (other.kind, other.target, other.phrase, other.number_at) == (term.kind, term.target, term.phrase,
                                                                             term.number_at):
                if other.marks is not None:   # declared twice: either spelling matches
                    merged = None if term.marks is None else other.marks | term.marks
                    known[i] = Term(term.kind, term.target, term.phrase, term.number_at, merged)
                return
        known.append(term)

    def correct(self, words: list[str]) -> list[str]:
        """Small typos of the vocabulary's longer words ('custmers', 'recievables', 'seling') read as meant."""
        from rapidfuzz import fuzz, process

        fixed = []
        known = set(self.vocabulary)
        for word in words:
            word = SHORTHAND.get(word) or SHORT_TYPOS.get(word, word)
            # Six letters or more: shorter folded Vietnamese words are too often one letter from another word
            # ("huong", a name, is not "phuong").
            if len(word) >= 6 and word.isalpha() and word not in known and word not in self.terms \
                    and word not in REAL_WORDS:
                match = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=84)
                if match:
                    word = match[0]
                else:
                    word = self._swapped.get(word, word)   # two letters swapped: "oldset", "germnay"
            fixed.append(word)
        return fixed

    def find(self, words: list[str], marks: list[tuple[str, ...]] | None = None) -> list[Hit]:
        """Every known phrase in the words, longest first, not overlapping. `marks`: each word's accents as typed
        (`token_marks`), which a phrase's own must agree with (`Term.marks`)."""
        hits: list[Hit] = []
        taken = [False] * len(words)
        candidates: list[tuple[int, int, Term, int | None]] = []
        for start, word in enumerate(words):
            slot_terms = self.terms.get("numberslot", []) if _is_number(word) else []
            singular = self.terms.get(word[:-1], []) if word.endswith("s") and len(word) > 3 else []
            if word.endswith("ies") and len(word) > 5:
                singular = singular + self.terms.get(word[:-3] + "y", [])   # countries, categories
            for term in self.terms.get(word, []) + singular + slot_terms:
                end, number = _match(term, words, start)
                if end is not None and marks and not _spelt_alike(term, marks[start:end]):
                    continue
                if end is not None:
                    candidates.append((start, end, term, number))
        spans: dict[tuple[int, int], list[tuple[Term, int | None]]] = {}
        for start, end, term, number in candidates:
            spans.setdefault((start, end), []).append((term, number))
        for (start, end), found in sorted(spans.items(), key=lambda item: (-(item[0][1] - item[0][0]), item[0][0])):
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            terms = tuple(dict.fromkeys(term for term, _ in found))
            hits.append(Hit(terms, start, end, next((n for _, n in found if n is not None), None)))
        return sorted(hits, key=lambda h: h.start)


def _spelt_alike(term: Term, typed: list[tuple[str, ...]]) -> bool:
    if term.marks is None or len(typed) != len(term.phrase) or not any(typed):
        return True
    return any(all(not said or said == declared or _plain_d(said, declared) for said, declared in zip(typed, spelling))
               for spelling in term.marks if len(spelling) == len(typed))


def _plain_d(said: tuple[str, ...], declared: tuple[str, ...]) -> bool:
    """'hóa dơn' for 'hóa đơn': every accent typed but the đ, which takes a key of its own — a slip, not a word."""
    return declared[-1:] == ("đ",) and said == declared[:-1]


def _is_number(word: str) -> bool:
    from assistant.planner.when import NUMBER_WORDS

    return word.isdigit() or word in NUMBER_WORDS or bool(re.fullmatch(r"\d+\.\d+", word))


# Words a condition's phrase may have between its own ("haven't *we* talked to", "not been contacted").
FILLERS = {"we", "you", "they", "i", "been", "yet", "ever", "anyone", "anybody", "nobody", "them", "us", "really",
           "da", "duoc", "ai", "minh", "em", "over", "more", "than"}


def _match(term: Term, words: list[str], start: int) -> tuple[int | None, int | None]:
    from assistant.planner.when import NUMBER_WORDS

    number = None
    i = start - 1
    for offset, part in enumerate(term.phrase):
        i += 1
        # a condition's phrase of three words or more lets a filler word in between
        while term.kind == "condition" and offset > 0 and i < len(words) and words[i] in FILLERS and words[i] != part:
            i += 1
        if i >= len(words):
            return None, None
        word = words[i]
        if part == "numberslot":
            if word.isdigit():
                number = int(word)
            elif re.fullmatch(r"\d+\.\d+", word):
                number = Decimal(word)   # a price said with its cents: "priced at 1.99"
            elif word in NUMBER_WORDS and len(word) > 1:
                number = NUMBER_WORDS[word]
            elif word.rstrip("+").isdigit():
                number = int(word.rstrip("+"))
            else:
                return None, None
            continue
        if word != part and word != part + "s" and not (len(part) >= 4 and word.rstrip("s") == part.rstrip("s")) \
                and not (len(part) >= 4 and part.endswith("y") and word == part[:-1] + "ies"):   # countries, categories
            return None, None
    return i + 1, number


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()
