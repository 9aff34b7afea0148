"""Hybrid search over the passages a role may read: vector similarity (Chroma, role filter in its `where`)
and BM25 keyword ranking (over the same role's passages, fetched with the same filter), fused by reciprocal
rank. Each hit carries its source, section and a short quote: the sentences that match the query best."""
from __future__ import annotations

import re

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from backend.docs.chunking import split_sentences
from backend.docs.glossary import in_english
from backend.docs.keyword import KeywordIndex, tokenize
from backend.docs.store import open_collection, reachable, revision, role_filter, role_key, store_key
from backend.errors import NotFound
from backend.settings import Settings
from backend.text import fold

Mode = Literal["hybrid", "vector", "keyword"]
CANDIDATES = 30  # from each ranking, before fusion
# A question whose answer is a number (a time limit, a fee, a threshold), and a passage that states one.
ASKS_FOR_A_FIGURE = re.compile(r"(?i)\b(how (long|fast|quickly|soon|much|many)|what(?:'s| s| is)? the (\w+ )?(target|fee|limit|"
                               r"deadline|rate|threshold|maximum|minimum|percentage)|within how|bao (lau|nhieu)|may (ngay|gio)|"
                               r"targets?|sla|first response|from what|what order value|"
                               r"trong bao lau|muc phi|toi da|toi thieu)\b")
_FIGURE = re.compile(r"(?i)\d\s*(%|percent|(business |working |calendar )?(hours?|days?|weeks?|months?|years?|minutes?)\b|"
                     r"giờ|ngày|tuần|tháng|năm|phút|vnd|usd|đ\b|triệu|million|tỷ)")
RRF_K = 60
QUOTE_CHARS = 400


@dataclass(frozen=True)
class Passage:
    source: str
    title: str
    section: str
    language: str
    quote: str
    score: float


@dataclass
class _Corpus:
    """Every passage one role may read, as fetched from the store with that role's filter."""

    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    keywords: KeywordIndex
    row_of: dict[str, int]
    sections: dict[tuple[str, str], str] | None = None   # (source, section) -> the section's whole text, built once

    def section_text(self, row: int) -> str:
        """The whole section a passage is part of, its passages in order and their overlaps said once: a quote
        is taken from all of it ("Above 500,000,000 VND … Manager" is in the passage after "Up to …")."""
        if self.sections is None:
            parts: dict[tuple[str, str], list[tuple[int, str]]] = {}
            for text, metadata in zip(self.texts, self.metadatas):
                key = (metadata["source"], metadata["section"])
                parts.setdefault(key, []).append((int(metadata.get("chunk") or 0), text))
            self.sections = {}
            for key, chunks in parts.items():
                seen: set[str] = set()
                sentences: list[str] = []
                for _, text in sorted(chunks):
                    for sentence in split_sentences(text) or [text]:
                        if sentence.startswith("…") and len(chunks) > 1:
                            continue   # (the cut end of the passage before, carried over)
                        if sentence not in seen:
                            seen.add(sentence)
                            sentences.append(sentence)
                self.sections[key] = " ".join(sentences)
        metadata = self.metadatas[row]
        return self.sections.get((metadata["source"], metadata["section"])) or self.texts[row]


_corpora: OrderedDict[tuple[str, str, str], _Corpus] = OrderedDict()
_corpora_lock = threading.Lock()
_CORPORA_KEPT = 16


def _corpus(collection: Any, settings: Settings, role: str) -> _Corpus:
    key = (store_key(settings), revision(collection), role)
    with _corpora_lock:
        if key in _corpora:
            _corpora.move_to_end(key)
            return _corpora[key]
    found = collection.get(where=role_filter(role), include=["documents", "metadatas"])
    ids, texts, metadatas = found["ids"], found["documents"] or [], found["metadatas"] or []
    keywords = KeywordIndex([f"{m.get('title', '')}. {m.get('section', '')}. {t}" for t, m in zip(texts, metadatas)])
    corpus = _Corpus(ids=list(ids), texts=list(texts), metadatas=list(metadatas), keywords=keywords,
                     row_of={i: n for n, i in enumerate(ids)})
    with _corpora_lock:
        _corpora[key] = corpus
        while len(_corpora) > _CORPORA_KEPT:
            _corpora.popitem(last=False)
    return corpus


def _documents_matching(corpus: _Corpus, wanted: str) -> set[str]:
    """Sources whose file name, name without extension or title is (or contains) what was asked for."""
    target = fold(wanted)
    names: dict[str, set[str]] = {}
    for metadata in corpus.metadatas:
        source = metadata["source"]
        stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        names.setdefault(source, set()).update({fold(source), fold(stem), fold(stem.replace("-", " ")),
                                                fold(metadata.get("title"))})
    exact = {source for source, keys in names.items() if target in keys}
    return exact or {source for source, keys in names.items() if any(target in key for key in keys if key)}


def search_documents(settings: Settings, *, query: str, role: str, k: int = 5, document: str | None = None,
                     mode: Mode = "hybrid") -> list[Passage]:
    """The best `k` passages for `query` among those `role` may read (one per section), best first."""
    if not settings.chroma_url and not settings.chroma_path.exists():
        return []  # nothing was ever indexed here; not worth starting Chroma to find that out
    with reachable(settings):
        collection = open_collection(settings)
        if collection is None:
            return []
        corpus = _corpus(collection, settings, role)
        where: dict[str, Any] = role_filter(role)
        allowed: np.ndarray | None = None
        if document:
            sources = _documents_matching(corpus, document)
            if not sources:
                titles = sorted({m.get("title", m["source"]) for m in corpus.metadatas})
                raise NotFound(f"No document matching '{document}' among those you can read.",
                               hint="Documents: " + "; ".join(titles[:12]) + ("…" if len(titles) > 12 else ""))
            where = {"$and": [where, {"source": {"$in": sorted(sources)}}]}
            allowed = np.array([m["source"] in sources for m in corpus.metadatas], dtype=bool)
        if not corpus.ids:
            return []
        # A Vietnamese question also finds what only the English documents say: its subject words in English rank
        # the passages once more, beside the question as asked.
        english = in_english(query)
        rankings: list[list[str]] = []
        for text in [query] + ([english] if english else []):
            if mode in ("hybrid", "vector"):
                rankings.append(_vector_ranking(collection, settings, text, where, min(CANDIDATES, len(corpus.ids))))
            if mode in ("hybrid", "keyword"):
                rankings.append([corpus.ids[row] for row, _ in corpus.keywords.top(text, CANDIDATES, allowed)])
        if mode == "hybrid" and ASKS_FOR_A_FIGURE.search(f"{fold(query)} {english or ''}"):
            # "how fast must we answer an urgent ticket", "phí nhập lại kho là bao nhiêu": among the passages found,
            # the ones that state a figure rank once more, so the rule's number beats the paragraph about the rule
            fused = _rrf(rankings)
            rankings.append([i for i in sorted(fused, key=lambda i: -fused[i])
                             if i in corpus.row_of and _FIGURE.search(corpus.texts[corpus.row_of[i]])])
    return _fuse(corpus, rankings, f"{query} {english}".strip(), role, k)


def _vector_ranking(collection: Any, settings: Settings, query: str, where: dict[str, Any], n: int) -> list[str]:
    from backend.docs.embedding import embedding_function

    vector = embedding_function(settings)([query])[0]
    found = collection.query(query_embeddings=[vector], n_results=n, where=where, include=[])
    return list(found["ids"][0])


def _rrf(rankings: list[list[str]]) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    return fused


def _fuse(corpus: _Corpus, rankings: list[list[str]], query: str, role: str, k: int) -> list[Passage]:
    fused = _rrf(rankings)
    best_possible = len(rankings) / (RRF_K + 1)
    passages: list[Passage] = []
    seen_sections: set[tuple[str, str]] = set()
    for chunk_id in sorted(fused, key=lambda i: -fused[i]):
        row = corpus.row_of.get(chunk_id)
        if row is None:
            continue  # indexed after this role's passages were fetched; the next search sees it
        metadata = corpus.metadatas[row]
        if metadata.get(role_key(role)) is not True:
            continue  # cannot happen (both rankings are filtered by role); kept as the last line of defence
        section = (metadata["source"], metadata["section"])
        if section in seen_sections:
            continue
        seen_sections.add(section)
        text = corpus.section_text(row)
        passages.append(Passage(source=metadata["source"], title=metadata.get("title", ""), section=metadata["section"],
                                language=metadata.get("language", ""), quote=quote(text, query, corpus.keywords),
                                score=round(fused[chunk_id] / best_possible, 3)))
        if len(passages) == k:
            break
    return passages


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((sentence, frozenset(tokenize(sentence))) for sentence in split_sentences(text) or [text])


def quote(text: str, query: str, keywords: KeywordIndex | None = None) -> str:
    """The sentence that shares the most (rare) words with the query, with its neighbours while short."""
    split = _sentences(text)
    sentences = [sentence for sentence, _ in split]
    terms = set(tokenize(query))
    scores = [sum(keywords.idf(t) if keywords else 1.0 for t in words & terms) for _, words in split]
    best = int(np.argmax(scores)) if any(scores) else 0
    start, end = best, best + 1
    while True:
        # grow towards the neighbour that shares more of the query (the rule's figure is often in the next sentence
        # or the one before), the following one when both share as much
        options = []
        if end < len(sentences) and len(" ".join(sentences[start:end + 1])) <= QUOTE_CHARS:
            options.append((scores[end], 1, "end"))
        if start > 0 and len(" ".join(sentences[start - 1:end])) <= QUOTE_CHARS:
            options.append((scores[start - 1], 0, "start"))
        if not options:
            break
        if max(options)[2] == "end":
            end += 1
        else:
            start -= 1
    excerpt = " ".join(sentences[start:end])
    if len(excerpt) > QUOTE_CHARS:
        excerpt = excerpt[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"
    return excerpt
