"""Text normalisation for matching: lower case, no accents (Vietnamese đ included), single spaces."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\w@.+-]+", re.UNICODE)


def fold(text: str | None) -> str:
    """'Hoàng Long  Co.' -> 'hoang long co.' ; used for search keys and for matching user input."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_key(*parts: str | None) -> str:
    return " | ".join(fold(p) for p in parts if p)[:400]


def say(language: str | None, en: str, vi: str) -> str:
    """Text in the language asked for: Vietnamese for "vi", English otherwise."""
    return vi if language == "vi" else en
