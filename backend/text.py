"""Text normalisation for matching: lower case, no accents (Vietnamese đ included), single spaces."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\w@.+-]+", re.UNICODE)


_PLAIN = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                        "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"})


def fold(text: str | None) -> str:
    """'Hoàng Long  Co.' -> 'hoang long co.' ; used for search keys and for matching user input."""
    if not text:
        return ""
    # letters that carry no combining mark to strip: people type them as their plain Latin neighbours
    text = text.translate(_PLAIN)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_key(*parts: str | None) -> str:
    return " | ".join(fold(p) for p in parts if p)[:400]


def say(language: str | None, en: str, vi: str) -> str:
    """Text in the language asked for: Vietnamese for "vi", English otherwise."""
    return vi if language == "vi" else en
