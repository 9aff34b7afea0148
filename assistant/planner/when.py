"""The period grammar of the offline planner: what people write about time, in English and Vietnamese (with or
without accents), turned into the period forms every Tandem tool takes (backend.semantic.periods), and the
comparison they ask for ("vs last month", "so với cùng kỳ năm ngoái").

Any year, quarter, month, week or day; ranges ("from March to June 2025", "2015-2017", "between 2024 and 2025");
"since", "before", "until"; "all time", "ever", "từ trước đến nay"; to date ("YTD", "so far this quarter");
relative ("last 90 days", "past 6 months", "two years ago").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from backend.semantic.periods import Period, parse_period, previous, same_last_year

MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
          "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
          "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "sixty": 60, "ninety": 90, "a": 1, "an": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4,
                "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d\d"
_NUM = r"\d{1,4}|" + "|".join(sorted((w for w in NUMBER_WORDS if len(w) > 1), key=len, reverse=True))
ALL_TIME = re.compile(r"\b(all[- ]time|of all time|ever|never|overall|(?<!that )(?<!those )(?<!them )(?<!this )(?<!it )in total|lifetime|"
                      r"since (?:the )?(?:beginning|start|we started)(?! of (?:19|20)\d\d)|"
                      # "total sales so far", "best customers to date": up to now, from the first record (a period
                      # named beside them — "so far this year", "year to date" — is read first and wins)
                      r"so far|to date|since (?:the |our )?(?:store|shop|company|business|we) (?:started|opened|began)|"
                      r"all years|every year|tu truoc (?:den|toi) (?:nay|gio)|tu truoc gio|tu khi bat dau|tat ca cac nam|"
                      r"toan bo thoi gian|tu dau den gio|moi thoi gian|"
                      r"(?:from|since) (?:the )?(?:very )?(?:first|beginning|start)(?: (?:sale|order|invoice|day))?|"
                      r"(?:up )?(?:to|until|till|through) (?:today|now|this day)|so far ever|"
                      # "since we launched it", "how many copies of Meditação have we sold", "who bought Holiday",
                      # "how many times has Joakim bought from us": everything up to now (a period said beside wins)
                      r"since (?:we )?(?:launched|introduced|added|listed|started (?:selling|stocking|carrying))"
                      r"(?: (?:it|them|this|that|the \w+))?|"
                      r"how many (?:copies|units|pieces|boxes)? ?(?:of (?:\S+ ){1,8})?have we (?:ever )?sold|"
                      r"^\s*who (?:has |have |ever )?(?:bought|purchased)(?= \w)(?! (?:the )?most| more| less| from us (?:the )?most)|"
                      r"how many times (?:has|have|did) (?:\S+ ){1,6}(?:bought|ordered|purchased))\b")
# "up to today", "until now": where an all-time figure ends, not the day asked about
UP_TO_NOW = re.compile(r"\b(?:up )?(?:to|until|till|through) (?:today|now|this day)\b")
COMPARE_WORDS = re.compile(r"\b(vs\.?|versus|compared? (?:with|to)|comparison|against|so voi|so sanh(?: voi)?|"
                           r"(?<=more|less|ower|gher|tter|orse) (?:in|during|this|in this|last|in last) \w+(?: \w+){0,2} "
                           r"than(?= (?:in |during )?\w)|"
                           r"compare(?=\b.*\b(?:with|to|and|against)\b)|beat|beats|outperform(?:ed)?|better than|"
                           r"worse than|nhieu hon|it hon|cao hon|thap hon|(?:higher|lower|more|less|bigger|smaller|up|down|"
                           r"greater) than(?= (?:in |during )?(?:last|the previous|previous|the same|the month before|"
                           r"the year before|(?:19|20)\d\d|q[1-4]|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|"
                           r"sep\w*|oct\w*|nov\w*|dec\w*)\b))\b")
LAST_YEAR_COMPARE = re.compile(r"\b(cung (?:thang|quy|tuan|ky|thoi diem) (?:nay )?(?:nam ngoai|nam truoc|nam roi)|"
                               r"same (?:period|time|month|quarter|week) (?:last|a) year|(?:the )?same (?:period|month|quarter) "
                               r"(?:of|in) (?:last|the previous) year|year[- ]over[- ]year|yoy|cung ky(?: nam (?:ngoai|truoc))?|"
                               r"vs\.? last year|versus last year|compared (?:with|to) last year|so voi nam (?:ngoai|truoc)|"
                               r"(?:the )?same (?:period|month|quarter|week) (?:the|a) year (?:before|earlier)|"
                               r"(?:the )?same (?:month|quarter|week) (?:of |in )?the previous year|a year (?:earlier|before))\b")
# Words that ask how a figure moved between two periods ("did sales go up from 2023 to 2024?").
CHANGE_WORDS = re.compile(r"\b(go(?:ne)? up|went up|go(?:ne)? down|went down|grow|grew|grown|growth|increased?|"
                          r"decreased?|declined?|drop(?:ped)?|fell|fall(?:en)?|changed?|rise|rose|tang|giam)\b")
PREVIOUS_COMPARE = re.compile(r"\b(previous period|prior period|the period before|ky truoc)\b")


@dataclass
class Mention:
    start: int
    end: int
    period: str            # a form backend.semantic.periods.parse_period reads ("2025-Q3", "all", "2024-01-01..2026-11-26")
    explicit_year: bool = False


@dataclass
class When:
    period: str | None = None
    compare: str | None = None          # previous_period | same_period_last_year
    spans: list[tuple[int, int]] | None = None
    all_time: bool = False
    each: str | None = None             # "in 2015 and 2016": the span of both, each year on its own row


def _year_of(word: str, today: date) -> int | None:
    if re.fullmatch(_YEAR, word):
        return int(word)
    return {"nam nay": today.year, "this year": today.year, "nam ngoai": today.year - 1, "nam truoc": today.year - 1,
            "last year": today.year - 1, "nam kia": today.year - 2}.get(word)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _month_year(month: int, year: int | None, today: date) -> str:
    if year is None:  # a month on its own is the latest one that has begun
        year = today.year if month <= today.month else today.year - 1
    return f"{year}-{month:02d}"


def _quarter_year(quarter: int, year: int | None, today: date) -> str:
    if year is None:
        year = today.year if 3 * quarter - 2 <= today.month else today.year - 1
    return f"{year}-Q{quarter}"


_YEAR_WORDS = r"(?:nam nay|this year|nam ngoai|nam truoc|last year|nam kia|" + _YEAR + ")"
# Each pattern: (regex on folded text, builder(match, today) -> period form). Longer forms first.
_PATTERNS: list[tuple[re.Pattern, object]] = []


def _pattern(regex: str):
    def register(builder):
        _PATTERNS.append((re.compile(regex), builder))
        return builder
    return register


@_pattern(r"\b(?:tu|giua)\s+thang\s*(?P<a>\d{1,2})\s*(?:den|toi|-|–|va)\s*(?:het\s+)?(?:thang\s*)?(?P<b>\d{1,2})"
          r"(?:\s*(?:/|-)?\s*(?:nam\s+)?(?P<y>" + _YEAR + r"))?\b")
def _thang_range(m, today):
    """'từ tháng 6 đến tháng 9', 'giữa tháng 3 và tháng 5 năm 2025': those months."""
    a, b = int(m["a"]), int(m["b"])
    if not (1 <= a <= 12 and 1 <= b <= 12):
        return None
    return _months_between(a, b, int(m["y"]) if m["y"] else None, today)


def _months_between(a: int, b: int, year: int | None, today: date) -> str:
    """Month a to month b; with no year, the latest such run that has begun (one over the new year ends in it)."""
    if year is not None:
        return f"{year}-{a:02d}..{year + (1 if b < a else 0)}-{b:02d}" if b < a else f"{year}-{a:02d}..{year}-{b:02d}"
    first = _month_year(a, None, today)
    end_year = int(first[:4]) + (1 if b < a else 0)
    if (end_year, b) > (today.year, today.month):
        first, end_year = f"{int(first[:4]) - 1}-{a:02d}", end_year - 1   # "tháng 11 đến tháng 2": last winter
    return f"{first}..{end_year}-{b:02d}"


@_pattern(r"\b(?:(?:from|between|tu)\s+(?P<a>" + _MONTH + r")\s+(?:to|and|until|through|thru|-|den|toi)\s+(?P<b>" + _MONTH + r")"
          r"|(?P<c>" + _MONTH + r")\s*(?:to|through|thru|thru|until|-|–)\s*(?P<d>" + _MONTH + r"))"
          r"(?:\s+(?:of\s+)?(?P<y>" + _YEAR + r"))?\b")
def _month_range(m, today):
    # "from March to May", "jan to may 2026", "jan-may" (not "compare March to May": two months)
    if not m["a"] and re.search(r"\b(compar\w*|vs|versus|so sanh)\b", m.string[:m.start()]):
        return None
    first, last = (m["a"], m["b"]) if m["a"] else (m["c"], m["d"])
    return _months_between(MONTHS[first], MONTHS[last], int(m["y"]) if m["y"] else None, today)


@_pattern(r"\b(?:from|between|tu|giua)\s+(?:nam\s+)?(?P<a>" + _YEAR + r")\s+(?:to|and|until|through|thru|-|den|toi|va)\s+(?:nam\s+)?(?P<b>" + _YEAR + r")\b")
def _year_range(m, today):
    return f"{m['a']}..{m['b']}"


@_pattern(r"\b(?P<a>" + _YEAR + r")\s*(?:-|–|to|den)\s*(?P<b>" + _YEAR + r")\b")
def _year_dash(m, today):
    return f"{m['a']}..{m['b']}" if m["a"] <= m["b"] else None


@_pattern(r"\b(?P<d>" + _YEAR + r"-\d{2}-\d{2})\s*(?:\.\.|to|-|den)\s*(?P<e>" + _YEAR + r"-\d{2}-\d{2})\b")
def _date_range(m, today):
    return f"{m['d']}..{m['e']}"


@_pattern(r"\b(?:since|from|ke tu|tu)\s+(?:the\s+(?:start|beginning)\s+of\s+|dau\s+)?(?:nam\s+)?(?P<y>" + _YEAR + r")\b")
def _since_year(m, today):
    return f"{m['y']}-01-01..{today.isoformat()}"


@_pattern(r"\b(?:tu|ke tu)\s+thang\s*(?P<n>\d{1,2})(?:\s*(?:/|-)?\s*(?:nam\s+)?(?P<y>" + _YEAR + r"))?\b"
          r"(?!\s*(?:/\s*\d|den|toi|-|–|va)\b)")
def _since_thang(m, today):
    """'từ tháng 6', 'kể từ tháng 3/2025': from the first of that month to today."""
    if not 1 <= int(m["n"]) <= 12:
        return None
    start = _month_year(int(m["n"]), int(m["y"]) if m["y"] else None, today)
    return f"{start}-01..{today.isoformat()}"


@_pattern(r"\b(?:from|since|tu|ke tu)\s+(?:thang\s*(?P<n>\d{1,2})|(?P<mo>" + _MONTH + r"))(?:\s*(?:/|,)?\s*(?P<y>" + _YEAR +
          r"))?\s+(?:to|until|till|through|thru|den|toi)\s+(?:now|today|date|the present|nay|hom nay|bay gio|hien tai)\b")
def _month_to_now(m, today):
    """'từ tháng 1 đến nay', 'from January to date': from the first of that month to today."""
    month = int(m["n"]) if m["n"] else MONTHS[m["mo"]]
    if not 1 <= month <= 12:
        return None
    start = _month_year(month, int(m["y"]) if m["y"] else None, today)
    return f"{start}-01..{today.isoformat()}"


_PATTERNS.insert(0, _PATTERNS.pop())  # before "từ tháng 1" alone and the month itself


@_pattern(r"\b(?:since|ke tu)\s+(?:the\s+(?:start|beginning)\s+of\s+)?(?P<mo>" + _MONTH + r")(?:\s+(?P<y>" + _YEAR + r"))?\b")
def _since_month(m, today):
    start = _month_year(MONTHS[m["mo"]], int(m["y"]) if m["y"] else None, today)
    return f"{start}-01..{today.isoformat()}"


@_pattern(r"\b(?:since|from|ke tu|tu)\s+(?:(?:ngay|the)\s+)?(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>" + _MONTH +
          r")|(?P<m2>" + _MONTH + r")\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?|(?P<d3>\d{1,2})\s*(?:/|-|thang)\s*(?P<m3>\d{1,2}))"
          r"(?:\s*(?:,|/|-|nam)?\s*(?P<y>" + _YEAR + r"))?\b(?!\s*(?:to|until|through|thru|till|-|–|den|toi)\b)")
def _since_day(m, today):
    """'since 1 July 2026', 'since September 1st', 'từ ngày 1/9': from that day to today."""
    day = int(m["d1"] or m["d2"] or m["d3"])
    month = MONTHS[m["m1"]] if m["m1"] else MONTHS[m["m2"]] if m["m2"] else int(m["m3"])
    if not 1 <= month <= 12:
        return None
    year = int(m["y"]) if m["y"] else int(_month_year(month, None, today)[:4])
    try:
        start = date(year, month, day)
    except ValueError:
        return None
    return f"{start.isoformat()}..{today.isoformat()}" if start <= today else None


_PATTERNS.insert(0, _PATTERNS.pop())  # before the month forms it contains

_DAY_MONTH = r"(?P<{d}>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<{m}>" + _MONTH + r")"


@_pattern(r"\b(?:from|between|tu)\s+(?:ngay\s+)?" + _DAY_MONTH.format(d="d1", m="m1") + r"\s+(?:to|and|until|through|thru|-|–|den|toi)\s+"
          r"(?:ngay\s+)?" + _DAY_MONTH.format(d="d2", m="m2") + r"(?:\s*,?\s*(?P<y>" + _YEAR + r"))?\b")
def _day_range(m, today):
    """'from 1 March to 15 April (2026)': those days, in the year given or the latest that fits."""
    year = int(m["y"]) if m["y"] else int(_month_year(MONTHS[m["m1"]], None, today)[:4])
    try:
        start = date(year, MONTHS[m["m1"]], int(m["d1"]))
        end = date(year + (1 if MONTHS[m["m2"]] < MONTHS[m["m1"]] else 0), MONTHS[m["m2"]], int(m["d2"]))
    except ValueError:
        return None
    return f"{start.isoformat()}..{end.isoformat()}" if start <= end else None


_PATTERNS.insert(0, _PATTERNS.pop())

@_pattern(r"\b(?:(?:from|since|tu)\s+)?(?:ngay\s+)?" + _DAY_MONTH.format(d="d", m="mo") + r"(?:\s*,?\s*(?P<y>" + _YEAR +
          r"))?\s+(?:to|until|till|til|through|thru|den|toi)\s+(?:now|today|date|the present|nay|hom nay|bay gio)\b")
def _day_to_now(m, today):
    """'revenue 1st jan 2022 til today': from that day to today."""
    year = int(m["y"]) if m["y"] else int(_month_year(MONTHS[m["mo"]], None, today)[:4])
    try:
        start = date(year, MONTHS[m["mo"]], int(m["d"]))
    except ValueError:
        return None
    return f"{start.isoformat()}..{today.isoformat()}" if start <= today else None


_PATTERNS.insert(0, _PATTERNS.pop())

_MONTH_DAY = r"(?P<{m}>" + _MONTH + r")\s+(?P<{d}>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"


@_pattern(r"\b(?:from|between)\s+" + _MONTH_DAY.format(d="d1", m="m1") + r"\s+(?:to|and|until|through|thru|-|–)\s+"
          + _MONTH_DAY.format(d="d2", m="m2") + r"(?:\s*,?\s*(?P<y>" + _YEAR + r"))?\b")
def _month_day_range(m, today):
    """'between june 1 and august 31': those days, as 'from 1 June to 31 August' reads."""
    return _day_range(m, today)


_PATTERNS.insert(0, _PATTERNS.pop())


@_pattern(r"\b(?:before|truoc)\s+(?:nam\s+)?(?P<y>" + _YEAR + r")\b")
def _before_year(m, today):
    return f"..{int(m['y']) - 1}-12-31"


@_pattern(r"\b(?:until|up to|through|thru|till|den het)\s+(?:nam\s+)?(?P<y>" + _YEAR + r")\b")
def _until_year(m, today):
    return f"..{m['y']}-12-31"


@_pattern(r"\b(?:h(?P<h>[12])|(?P<o>first|second|1st|2nd|latter) half(?: of)?|(?P<f>first|last) (?:6|six) months(?: of)?|(?:6|sau) thang (?P<v>dau|cuoi)(?: nam(?! nay| ngoai| truoc| kia))?|"
          r"nua (?P<w>dau|cuoi|sau)(?: nam(?! nay| ngoai| truoc| kia))?)(?:\s*(?:of|in|/|,|-|nam)?\s*(?P<y>" + _YEAR_WORDS + r"))?\b")
def _half(m, today):
    """'H1 2026', 'the second half of last year', 'nửa đầu năm nay', '6 tháng cuối năm 2025': six months."""
    first = m["o"] in ("first", "1st") or m["f"] == "first" or m["v"] == "dau" or m["w"] == "dau"
    half = int(m["h"]) if m["h"] else 1 if first else 2
    if m["f"] == "last" and not m["y"]:
        return None  # "the last six months" runs back from today
    year = _year_of(m["y"], today) if m["y"] else None
    if year is None:
        year = today.year if (half == 1 or today.month >= 7) else today.year - 1
    return f"{year}-01-01..{year}-06-30" if half == 1 else f"{year}-07-01..{year}-12-31"


@_pattern(r"\b(?P<a>" + _MONTH + r")\s+(?:and|&|va|\+)\s+(?P<b>" + _MONTH + r")(?:\s+(?:of\s+)?(?P<y>" + _YEAR_WORDS + r"))?\b|"
          r"\bthang\s*(?P<c>\d{1,2})\s+(?:va|and|\+)\s+(?:thang\s*)?(?P<d>\d{1,2})(?:\s+(?:nam\s+)?(?P<z>" + _YEAR_WORDS + r"))?\b")
def _two_months(m, today):
    """'August and September', 'tháng 8 và tháng 9 năm nay': two months running, one period from the first to the last
    (asked to compare — "so sánh tháng 4 và tháng 5" — they are two periods, one against the other)."""
    if COMPARE_WORDS.search(m.string):
        return None
    if m["a"]:
        a, b, year_word = MONTHS[m["a"]], MONTHS[m["b"]], m["y"]
    else:
        a, b, year_word = int(m["c"]), int(m["d"]), m["z"]
    if not (1 <= a <= 12 and b == a + 1):
        return None
    year = _year_of(year_word, today) if year_word else None
    first = _month_year(a, year, today)
    return f"{first}..{first[:4]}-{b:02d}"


@_pattern(r"\b(?:(?:q|quarter|quy)\s*(?P<q>[1-4])|(?P<o>first|second|third|fourth|1st|2nd|3rd|4th) quarter)"
          r"(?:\s*(?:of|in|/|,|-|nam)?\s*(?P<y>" + _YEAR_WORDS + r")|(?:\s+|\s*[/-]\s*|\s*')(?P<yy>\d\d)(?![\d.,%]))?\b")
def _quarter(m, today):
    quarter = int(m["q"]) if m["q"] else ORDINALS[m["o"]]
    year = _year_of(m["y"], today) if m["y"] else _short_year(m["yy"], today)
    return _quarter_year(quarter, year, today)


def _short_year(digits: str | None, today: date) -> int | None:
    """'Q1 16', "Q3 '15", 'Q2/17': a year of the company's century, not one after next year."""
    if digits is None:
        return None
    year = today.year // 100 * 100 + int(digits)
    return year if today.year - 50 < year <= today.year + 1 else None


@_pattern(r"\b(?P<y>" + _YEAR + r")\s*-?\s*q(?P<q>[1-4])\b")
def _year_quarter(m, today):
    return f"{m['y']}-Q{m['q']}"


@_pattern(r"\bth(?:ang|ag|nag)\s*(?P<mo>\d{1,2})(?:\s*(?:/|-)?\s*(?:nam\s+)?(?P<y>" + _YEAR_WORDS + r"))?\b")
def _thang(m, today):
    month = int(m["mo"])
    if not 1 <= month <= 12:
        return None
    return _month_year(month, _year_of(m["y"], today) if m["y"] else None, today)


@_pattern(r"\b(?:(?:in|for|of|during|last)\s+)?(?P<mo>" + _MONTH + r")\b(?:\s+(?:of\s+)?(?P<y>" + _YEAR_WORDS + r"))?")
def _month_name(m, today):
    word, year_word = m["mo"], m["y"]
    if word == "may" and not year_word and not re.match(r"(in|for|of|during|last)\s", m.group(0)):
        return None  # "may" is usually the verb
    # ("their jan invoices", "since dec": a month all the same, by the words beside it)
    beside = re.match(r"\s+(invoices?|orders?|sales|revenue|payments?|bills?|numbers|figures|tickets?|deliveries)\b",
                      m.string[m.end():]) or re.search(r"\b(their|our|my|his|her|the|this|since|from|until|till|before|"
                                                     r"after|through)\s+$", m.string[:m.start()])
    if word in ("mar", "dec", "jun", "jan") and not year_word and not re.match(r"(in|for|of|during|last)\s", m.group(0)) \
            and not beside:
        return None  # short forms alone are too often other words
    return _month_year(MONTHS[word], _year_of(year_word, today) if year_word else None, today)


@_pattern(r"\b(?P<mo>\d{1,2})/(?P<y>" + _YEAR + r")\b")
def _month_slash(m, today):
    month = int(m["mo"])
    return f"{m['y']}-{month:02d}" if 1 <= month <= 12 else None


@_pattern(r"\b(?P<y>" + _YEAR + r")-(?P<mo>\d{2})(?:-(?P<d>\d{2}))?\b")
def _iso(m, today):
    return m.group(0)


# Periods ahead (what falls due, what is expected to close): the next week, month or quarter, the next N days.
@_pattern(r"\b(?:in the next|within the next|within|over the next|during the next|next|trong)\s+(?P<n>" + _NUM + r")\s+"
          r"(?P<u>days?|weeks?|ngay|tuan)(?:\s+(?:toi|sap toi|nua))?\b"
          r"|\b(?P<vn>\d{1,3})\s+(?P<vu>ngay|tuan)\s+(?:toi|sap toi|nua)\b")
def _next_n(m, today):
    if m["vn"]:
        n, unit = int(m["vn"]), m["vu"]
    else:
        n, unit = _number(m["n"]), m["u"]
        said = m.group(0)
        if said.startswith("trong") and not re.search(r"\b(toi|sap toi|nua)\b", said):
            return None   # "trong 7 ngày" alone is the last seven days
    if not n:
        return None
    days = n * (7 if unit.startswith(("week", "tuan")) else 1)
    return f"{today.isoformat()}..{(today + timedelta(days=days)).isoformat()}"


@_pattern(r"\b(?:between now and|from now (?:to|until|till)|from today (?:to|until|till)|by|before|until|till|up to)\s+"
          r"(?:the\s+)?end of (?:the |this )?(?P<u>week|month|quarter|year)\b|"
          r"\b(?:the\s+)?rest of (?:the |this )?(?P<r>week|month|quarter|year)\b|"
          r"\b(?:tu nay|tu gio|tu hom nay|nay)\s+(?:den|toi)\s+(?:het|cuoi)\s+(?P<v>tuan|thang|quy|nam)(?: nay)?\b|"
          r"\btruoc\s+(?:cuoi|het)\s+(?P<w>tuan|thang|quy|nam)(?: nay)?\b")
def _rest_of(m, today):
    """'between now and the end of the month', 'từ nay đến cuối tháng': today to the end of this week, month, …"""
    unit = m["u"] or m["r"] or {"tuan": "week", "thang": "month", "quy": "quarter", "nam": "year"}[m["v"] or m["w"]]
    if unit == "week":
        end = today + timedelta(days=6 - today.weekday())
    elif unit == "month":
        end = (date(today.year + (today.month == 12), today.month % 12 + 1, 1)) - timedelta(days=1)
    elif unit == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        end = (date(today.year + (first == 10), (first + 2) % 12 + 1, 1)) - timedelta(days=1)
    else:
        end = date(today.year, 12, 31)
    return f"{today.isoformat()}..{end.isoformat()}"


# (not "tháng sau", which folded is also "tháng sáu", June)
@_pattern(r"\bnext (?P<u>week|month|quarter)\b|\b(?P<v>tuan|thang|quy) (?:toi|ke tiep)\b|\b(?P<w>tuan) sau\b|"
          r"\b(?P<t>tomorrow|ngay mai)\b")
def _next_unit(m, today):
    if m["t"]:
        day = today + timedelta(days=1)
        return f"{day.isoformat()}..{day.isoformat()}"
    unit = m["u"] or {"tuan": "week", "thang": "month", "quy": "quarter"}[m["v"] or m["w"]]
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
        return f"{monday.isoformat()}..{(monday + timedelta(days=6)).isoformat()}"
    if unit == "month":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return f"{year}-{month:02d}"
    quarter = (today.month - 1) // 3 + 2
    year = today.year + (quarter > 4)
    return f"{year}-Q{(quarter - 1) % 4 + 1}"


@_pattern(r"\b(?:last|past|previous|trong|in the last|over the last|over the past)\s+(?P<n>" + _NUM + r")\s+"
          r"(?P<u>days?|weeks?|months?|years?|ngay|tuan|thang|nam)\b")
def _last_n(m, today):
    n = _number(m["n"])
    unit = m["u"]
    if n is None:
        return None
    days = n * (1 if unit.startswith(("day", "ngay")) else 7 if unit.startswith(("week", "tuan"))
                else 30 if unit.startswith(("month", "thang")) else 365)
    return f"last-{days}-days"


@_pattern(r"\b(?P<n>\d{1,3})\s+(?P<u>ngay|tuan|thang)\s+(?:qua|gan day|vua qua|gan nhat)\b")
def _vi_last_n(m, today):
    n = int(m["n"])
    return f"last-{n * {'ngay': 1, 'tuan': 7, 'thang': 30}[m['u']]}-days"


@_pattern(r"\b(?P<n>" + _NUM + r")\s+years?\s+ago\b|\b(?P<v>hai|ba)\s+nam\s+truoc\b")
def _years_ago(m, today):
    n = _number(m["n"]) if m["n"] else _number(m["v"])
    return str(today.year - n) if n else None


_RELATIVE = [
    (r"\b(ytd|year to date|year-to-date|so far this year|this year so far|this year to date|tu dau nam(?: den nay)?|"
     r"dau nam den nay|nam nay den nay|(?:since|from) (?:the )?(?:start|beginning) of (?:the |this )?year)\b", "ytd"),
    (r"\b(qtd|quarter to date|so far this quarter|this quarter so far|tu dau quy(?: den nay)?|(?:since|from) (?:the )?(?:start|beginning) of (?:the |this )?quarter)\b", "qtd"),
    (r"\b(mtd|month to date|so far this month|this month so far|tu dau thang(?: den nay)?|(?:since|from) (?:the )?(?:start|beginning) of (?:the |this )?month)\b", "mtd"),
    (r"\b(last|previous|prior|past) quarter\b|\bquy truoc\b|\bquy vua roi\b", "last-quarter"),
    (r"\b(this|current) quarter\b|\bquy nay\b", "this-quarter"),
    (r"\b(last|previous|prior|past) month\b|\bthang truoc\b|\bthang vua roi\b|\bthang roi\b", "last-month"),
    (r"\b(this|current) month\b|\bthang nay\b", "this-month"),
    (r"\b(last|previous|prior|past) year\b|\bnam ngoai\b|\bnam truoc\b|\bnam roi\b", "last-year"),
    (r"\b(this|current) year\b|\bnam nay\b", "this-year"),
    (r"\b(last|previous|prior|past) week\b|\btuan truoc\b|\btuan roi\b", "last-week"),
    (r"\b(this|current) week\b|\btuan nay\b", "this-week"),
    (r"\byesterday\b|\bhom qua\b", "yesterday"),
    (r"\btoday\b|\bhom nay\b|\bso far today\b", "today"),
]
_RELATIVE_COMPILED = [(re.compile(p), form) for p, form in _RELATIVE]


@_pattern(r"\b(?:in|for|of|during|nam|year|fy)\s*(?P<y>" + _YEAR + r")\b|\b(?P<b>" + _YEAR + r")\b")
def _year(m, today):
    return m["y"] or m["b"]


def mentions(text: str, today: date) -> list[Mention]:
    """Every period the (folded) text names, left to right, without overlaps (the longest wins)."""
    text = re.sub(r"\bqui(?=\s*[1-4]\b)", "quy", text)   # "quí 3" (a common spelling): the quarter; same length
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for regex, builder in _PATTERNS:
        for m in regex.finditer(text):
            if not free(m.start(), m.end()):
                continue
            form = builder(m, today)
            if form and _readable(form, today):
                found.append(Mention(m.start(), m.end(), form, explicit_year=bool(re.search(_YEAR, m.group(0)))))
                taken.append((m.start(), m.end()))
    for regex, form in _RELATIVE_COMPILED:
        for m in regex.finditer(text):
            if free(m.start(), m.end()):
                found.append(Mention(m.start(), m.end(), form))
                taken.append((m.start(), m.end()))
    found = _last_of_two(text, found)
    return sorted(found, key=lambda m: m.start)


def _last_of_two(text: str, found: list[Mention]) -> list[Mention]:
    """'more this November than last November': the same month named twice, 'last' is the year before's."""
    out = []
    for mention in found:
        twin = any(o is not mention and o.period == mention.period for o in found)
        if twin and re.fullmatch(r"\d{4}-\d{2}", mention.period) and text[mention.start:mention.end].startswith("last "):
            year, month = mention.period.split("-")
            mention = Mention(mention.start, mention.end, f"{int(year) - 1}-{month}", mention.explicit_year)
        out.append(mention)
    return out


def _readable(form: str, today: date) -> bool:
    try:
        parse_period(form, today)
    except Exception:  # noqa: BLE001 - a match that is no period (month 13, a range backwards) is not one
        return False
    return True


def _as_period(form: str, today: date) -> Period:
    return parse_period(form, today)


def read(text: str, today: date) -> When:
    """The period and comparison a (folded) request asks for."""
    found = mentions(text, today)
    ends = [m.span() for m in UP_TO_NOW.finditer(text)]
    first_days: dict[int, int] = {}
    for m in found:
        # "between January 1st and today": today ends the range the first day (or the day said) starts
        tail = re.match(r"\s*(?:(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+)?(?:and|-)\s+(?:today|now)\b", text[m.end:])
        if tail and re.search(r"\b(between|from|since)\s+$", text[:m.start]):
            ends.append((m.end + (tail.start("d") if tail["d"] else tail.start()), m.end + tail.end()))
            if tail["d"] and re.fullmatch(r"\d{4}-\d{2}", m.period):
                first_days[m.start] = int(tail["d"])
    found = [m for m in found if not any(a <= m.start and m.end <= b for a, b in ends)]
    for i, m in enumerate(found):
        if re.search(r"\b(from|since|between)\s+$", text[:m.start]) and any(re.fullmatch(r"\s*", text[m.end:a]) for a, _ in ends):
            # "from January up to today": from that month's first day to today
            start = _as_period(m.period, today).start
            try:
                start = start.replace(day=first_days.get(m.start, 1))
            except ValueError:
                pass   # (no 31st in that month: its first day)
            found[i] = Mention(m.start, m.end, f"{start.isoformat()}..{today.isoformat()}", m.explicit_year)
    spans = [(m.start, m.end) for m in found] + ends
    all_time = bool(ALL_TIME.search(text))
    compares = bool(COMPARE_WORDS.search(text))
    wants_last_year = bool(LAST_YEAR_COMPARE.search(text))
    wants_previous = bool(PREVIOUS_COMPARE.search(text))
    shifted = _same_period_in(text, found, today)
    if shifted is not None:
        # "revenue year to date vs the same period in 2015": the same dates of that year
        return When(period=shifted[0], compare=shifted[1], spans=spans, all_time=all_time)
    if wants_last_year:
        # "vs last year" names last year as a comparison, not as the period; so does "the same period last year"
        phrases = [m.span() for m in LAST_YEAR_COMPARE.finditer(text)]
        found = [m for m in found if not (m.period == "last-year" and compares and len(found) > 1)
                 and not any(a <= m.start and m.end <= b for a, b in phrases)]
    when = When(spans=spans, all_time=all_time)
    pair = found[0].period.split("..", 1) if len(found) == 1 and ".." in found[0].period else \
        [found[0].period, found[1].period] if len(found) == 2 and not compares else None
    if pair and CHANGE_WORDS.search(text):
        # "did sales go up from 2023 to 2024?", "growth from Q1 2026 to Q2 2026": the later period compared with
        # the earlier, not the two together
        relation = _relation(pair[1], pair[0], today)
        if relation:
            when.period, when.compare = pair[1], relation
            return when
    both = _both(text, found) if pair and len(found) == 2 and not compares else None
    if both is not None:
        when.period, when.each = both
        return when
    over = re.search(r"\b(mom(?! (?:and|n|&)\b)|month (?:over|on) month|m/m|qoq|quarter (?:over|on) quarter|q/q|"
                     r"week (?:over|on) week|w/w)\b", text)
    if over and not wants_last_year:
        # "revenue mom", "QoQ growth": this month (quarter, week) against the one before — or the period named
        unit = "month" if over.group(1).startswith(("m", "month")) else "quarter" if over.group(1).startswith("q") \
            else "week"
        if not found:
            when.period, when.compare = f"this-{unit}", "previous_period"
            return when
        wants_previous = True
    if not found:
        when.period = "all" if all_time else None
        if wants_last_year:
            when.compare = "same_period_last_year"
        elif wants_previous:
            when.compare = "previous_period"
        return when
    first = found[0]
    when.period = first.period
    if first.period in ("mtd", "qtd") and len(found) >= 2 and found[1].period in ("last-month", "last-quarter"):
        # "this month so far compared with all of last month": the whole month, so the comparison is whole too
        when.period = "this-month" if first.period == "mtd" else "this-quarter"
        first = Mention(first.start, first.end, when.period)
    if len(found) >= 2 and compares:
        # "Q4 this past year vs Q4 2025": the period compared with is the first mention it relates to (the year that
        # only says which Q4 is meant relates to none)
        related = next((m for m in found[1:] if _relation(first.period, m.period, today)), found[1])
        when.compare = _relation(first.period, related.period, today)
        if when.compare is None:
            # the later one first ("last month vs this month"): compare the later with the earlier
            swapped = _relation(found[1].period, first.period, today)
            if swapped:
                when.period, when.compare = found[1].period, swapped
        if when.compare is None and _compared_with(text, first, found[1]):
            # "this month so far vs August last year", "2016 vs 2014": the other period as named
            when.compare = found[1].period
    if when.compare is None and wants_last_year:
        when.compare = "same_period_last_year"
    elif when.compare is None and (wants_previous or (compares and len(found) >= 2)):
        when.compare = "previous_period"
    elif when.compare is None and compares and re.search(r"\b(last|previous|prior) (month|quarter|week|year)\b|"
                                                         r"\b(thang|quy|tuan|nam) truoc\b", text) and len(found) == 1:
        when.compare = "previous_period"
    return when


# "the same period in 2015", "the same months of 2014", "cùng kỳ năm 2015": the dates of the period asked, that year
SAME_PERIOD_IN = re.compile(r"\b(?:the )?same (?:period|time|dates|days|months?|quarter|weeks?|stretch) "
                            r"(?:in|of|during|from|back in) (?P<y>" + _YEAR + r")\b|\bcung ky(?: nam)? (?P<v>" + _YEAR + r")\b")


def _same_period_in(text: str, found: list[Mention], today: date) -> tuple[str, str] | None:
    """(period, compare) for 'X vs the same period in <year>', or None."""
    phrase = SAME_PERIOD_IN.search(text)
    if phrase is None:
        return None
    year = int(phrase["y"] or phrase["v"])
    asked = next((m for m in found if not phrase.start() <= m.start < phrase.end() and m.period != "last-year"), None)
    if asked is None:
        return None
    span = _as_period(asked.period, today)
    back = span.end.year - year
    if back <= 0 or span.start.year != span.end.year:
        return None
    if back == 1:
        return asked.period, "same_period_last_year"
    end = min(span.end, today)
    start = span.start.replace(year=year)
    end = end.replace(year=year, day=28) if (end.month, end.day) == (2, 29) else end.replace(year=year)
    return asked.period, f"{start.isoformat()}..{end.isoformat()}"


def _compared_with(text: str, first: Mention, second: Mention) -> bool:
    """Whether a comparison word stands between two periods ('2016 vs 2014', 'March compared with June')."""
    between = text[first.end:second.start]
    return bool(COMPARE_WORDS.search(between)) or bool(re.search(r"\b(than|to|and|with|voi|va)\b", between)) and \
        bool(COMPARE_WORDS.search(text))


GRAINS = (("year", r"\d{4}"), ("quarter", r"\d{4}-Q[1-4]"), ("month", r"\d{4}-\d{2}"))


def _both(text: str, found: list[Mention]) -> tuple[str, str] | None:
    """'revenue in 2015 and 2016', 'Q1 và Q2 2016': two periods of one grain named side by side — their span, a row
    for each — not the first alone."""
    first, second = sorted(found, key=lambda m: m.start)
    if not re.fullmatch(r"\s*(and|&|va|,|or|hoac|cung)\s*", text[first.end:second.start]):
        return None
    a, b = first.period, second.period
    if second.explicit_year and not first.explicit_year and re.fullmatch(r"\d{4}-(Q[1-4]|\d{2})", a):
        a = b[:4] + a[4:]   # "Q1 và Q2 năm 2016": the year said once is both's
    for grain, form in GRAINS:
        if re.fullmatch(form, a) and re.fullmatch(form, b) and a != b:
            low, high = sorted((a, b))
            return f"{low}..{high}", grain
    return None


def relation_between(first: str | None, second: str | None, today: date) -> str | None:
    """How `first` is compared with `second` (previous_period, same_period_last_year), if they are so related."""
    return _relation(first, second, today) if first and second and first != "all" else None


def _relation(first: str, second: str, today: date) -> str | None:
    try:
        a, b = _as_period(first, today), _as_period(second, today)
    except Exception:  # noqa: BLE001
        return None
    if previous(a) == b:
        return "previous_period"
    if same_last_year(a) == b:
        return "same_period_last_year"
    return None


def previous_form(form: str, today: date) -> str:
    """The period before a period form, as a range form ('2017-11' -> '2017-10-01..2017-10-31')."""
    period = previous(parse_period(form, today))
    return f"{period.start.isoformat()}..{period.end.isoformat()}"
