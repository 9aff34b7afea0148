"""Slot filling for the offline planner: periods, top N, amounts, quantities, discounts, document numbers.

Periods come out in the syntax run_report accepts (2026-10, 2026-Q3, 2026, ytd, last-90-days, last-quarter...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from backend.text import fold

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "twenty": 20, "fifteen": 15, "hai": 2, "ba": 3, "nam": 5, "muoi": 10}
MULTIPLIERS = {"k": Decimal(1_000), "nghin": Decimal(1_000), "ngan": Decimal(1_000), "m": Decimal(1_000_000),
               "mn": Decimal(1_000_000), "million": Decimal(1_000_000), "millions": Decimal(1_000_000),
               "tr": Decimal(1_000_000), "trieu": Decimal(1_000_000), "bn": Decimal(1_000_000_000),
               "b": Decimal(1_000_000_000), "billion": Decimal(1_000_000_000), "ty": Decimal(1_000_000_000)}
CURRENCY_WORDS = {"usd": "USD", "$": "USD", "dollars": "USD", "dollar": "USD", "vnd": "VND", "dong": "VND",
                  "d": "VND", "eur": "EUR", "€": "EUR"}

DOC_NUMBER = re.compile(r"\b(QUO|SO|INV|TCK)-\d{4}-\d{3,6}\b", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Slots:
    period: str | None = None
    top_n: int | None = None
    amount: Decimal | None = None
    currency: str | None = None
    discount_pct: Decimal | None = None
    documents: dict[str, str] = field(default_factory=dict)
    email: str | None = None


def plain(text: str) -> str:
    """Lower case without accents, punctuation kept (amounts need their $ , . and %)."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def extract_period(text: str, today: date) -> str | None:
    """The period a request names, read by the planner's one reader of periods (`when`)."""
    from assistant.planner import when

    return when.read(fold(text), today).period


def extract_top_n(text: str) -> int | None:
    t = fold(text)
    if m := re.search(r"\btop\s*(\d{1,3})\b", t) or re.search(r"\b(\d{1,3})\s+(?:biggest|largest|best|top|lon nhat|hang dau)\b", t):
        return int(m.group(1))
    if m := re.search(r"\btop\s+(" + "|".join(WORD_NUMBERS) + r")\b", t):
        return WORD_NUMBERS[m.group(1)]
    return None


def parse_amount(number: str, suffix: str | None) -> Decimal | None:
    cleaned = number.replace(",", "").replace(" ", "")
    if suffix and cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3:
        cleaned = cleaned.replace(".", "")  # "1.500 tr" style thousands dots
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if suffix:
        value *= MULTIPLIERS.get(suffix.lower(), Decimal(1))
    return value


_AMOUNT = re.compile(
    r"(?P<cur1>\$|usd|vnd|eur|€)?\s*(?<![\w.])(?P<num>\d[\d,.]*)\s*(?P<suf>k|m|mn|bn|b|million|millions|billion|tr|trieu|ty|nghin|ngan)?\b\s*(?P<cur2>usd|vnd|dong|d|eur|dollars?)?",
    re.IGNORECASE)


def extract_amount(text: str, *, skip: tuple[str, ...] = ()) -> tuple[Decimal | None, str | None]:
    """The money amount of a request ('another 50k', '2 tỷ', '$5,000'), ignoring quantities and percentages."""
    t = plain(text)
    for pattern in skip:
        t = re.sub(pattern, " ", t)
    t = DOC_NUMBER.sub(" ", t)
    t = re.sub(r"\d+(?:[.,]\d+)?\s*%", " ", t)
    t = re.sub(r"\b(?:top|q|quy|thang)\s*\d+\b", " ", t)
    t = re.sub(r"\b20\d\d\b", " ", t)
    t = re.sub(r"\b\d+\s*(?:pm|am|h|days?|ngay|x)\b", " ", t)
    best: tuple[Decimal, str | None] | None = None
    for m in _AMOUNT.finditer(t):
        value = parse_amount(m.group("num"), m.group("suf"))
        if value is None:
            continue
        currency = CURRENCY_WORDS.get((m.group("cur1") or m.group("cur2") or "").lower())
        if best is None or value > best[0]:
            best = (value, currency)
    return best if best else (None, None)


def extract_discount(text: str) -> Decimal | None:
    t = plain(text)
    if m := re.search(r"(\d+(?:[.,]\d+)?)\s*%\s*(?:off|discount|chiet khau|giam)?", t) or \
            re.search(r"(?:discount|giam|chiet khau)\s*(?:of\s*)?(\d+(?:[.,]\d+)?)\s*(?:%|percent|phan tram)", t):
        return Decimal(m.group(1).replace(",", "."))
    return None


def extract_documents(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for m in DOC_NUMBER.finditer(text):
        found.setdefault(m.group(1).upper(), m.group(0).upper())
    return found


def extract(text: str, today: date) -> Slots:
    amount, currency = extract_amount(text)
    emails = EMAIL.findall(text)
    return Slots(period=extract_period(text, today), top_n=extract_top_n(text), amount=amount, currency=currency,
                 discount_pct=extract_discount(text), documents=extract_documents(text), email=emails[0] if emails else None)
