"""BM25 keyword ranking over passages, accent-insensitive (a Vietnamese query typed without tone marks
still matches), with a light English plural/-ing/-ed stemmer and a short stop list."""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from backend.text import fold

_TOKEN = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
STOP_WORDS = frozenset("""
a an and are as at be been but by can could do does did for from had has have how i if in into is it its
may me might must my no not of on or our ours should so than that the their them then there these they this
those to us was we were what when where which who whom why will with would you your yours about any all also
just more most other some such only own same very s t get gets got let please tell know give
la cua va cac nhung mot thi ma nao gi nay voi cho khi de o tai ve theo tu den
""".split())
K1 = 1.2
B = 0.75


def _stem(token: str) -> str:
    if not token.isalpha() or len(token) <= 3:
        return token
    if token.endswith("ies") and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith(("sses", "xes", "ches", "shes")):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    elif token.endswith("ing") and len(token) > 5:
        token = token[:-3]
    elif token.endswith("ed") and len(token) > 4:
        token = token[:-2]
    else:
        return token[:-1] if token.endswith("e") and len(token) > 4 else token
    if len(token) > 3 and token[-1] == token[-2] and token[-1] not in "lsz":
        token = token[:-1]  # shipping -> ship
    return token[:-1] if token.endswith("e") and len(token) > 4 else token


def tokenize(text: str) -> list[str]:
    """Folded, stemmed terms; a hyphenated code also yields its parts ('net-30' -> net-30, net, 30)."""
    terms: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if token in STOP_WORDS:
            continue
        terms.append(_stem(token))
        if "-" in token or "." in token:
            terms.extend(_stem(part) for part in re.split(r"[-.]", token) if part and part not in STOP_WORDS)
    return terms


class KeywordIndex:
    """Okapi BM25 over a fixed list of texts; rows are addressed by their position in that list."""

    def __init__(self, texts: list[str]) -> None:
        documents = [Counter(tokenize(text)) for text in texts]
        self.size = len(documents)
        lengths = np.array([sum(d.values()) for d in documents], dtype=np.float64)
        average = float(lengths.mean()) if self.size else 1.0
        self._norm = K1 * (1 - B + B * lengths / max(average, 1e-9))
        rows: dict[str, list[int]] = {}
        counts: dict[str, list[int]] = {}
        for row, document in enumerate(documents):
            for term, count in document.items():
                rows.setdefault(term, []).append(row)
                counts.setdefault(term, []).append(count)
        self._postings = {term: (np.array(rows[term]), np.array(counts[term], dtype=np.float64)) for term in rows}
        self._idf = {term: math.log(1 + (self.size - len(r) + 0.5) / (len(r) + 0.5)) for term, r in rows.items()}

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def scores(self, query: str) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float64)
        for term in dict.fromkeys(tokenize(query)):
            posting = self._postings.get(term)
            if posting is None:
                continue
            rows, tf = posting
            scores[rows] += self._idf[term] * tf * (K1 + 1) / (tf + self._norm[rows])
        return scores

    def top(self, query: str, n: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best `n` rows with a positive score, best first; `allowed` masks rows out."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > n:
            candidates = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(row), float(scores[row])) for row in ordered]
