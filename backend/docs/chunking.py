"""Chunking by heading: every section is cut into passages of about CHUNK_TOKENS word pieces, consecutive
passages of a section overlapping by about OVERLAP_TOKENS so that a sentence on a boundary is found whole.

Passages are small on purpose: MiniLM embeds a short passage more sharply than a long one, a quote from it
stays short, and embedding cost grows with length (indexing speed is a target).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from backend.docs.reading import ParsedDocument

CHUNK_TOKENS = 80
OVERLAP_TOKENS = 16
# Bump when chunking or reading changes, so that every file is re-indexed once.
CHUNKER_VERSION = "1"

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\sa-z])")


@dataclass(frozen=True)
class Chunk:
    section: str
    text: str
    ordinal: int


def estimate_tokens(text: str) -> float:
    """MiniLM's word pieces, roughly: ~1.35 per English word, ~2.1 per word with Vietnamese letters."""
    return sum(1.35 if word.isascii() else 2.1 for word in text.split())


def embedding_text(title: str, section: str, text: str) -> str:
    """What gets embedded: the passage with the document and section it belongs to."""
    where = title if section == title else f"{title} — {section}"
    return f"{where}: {text}"


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _units(blocks: list[str], limit: float) -> list[str]:
    """Blocks cut into sentences, and sentences longer than a passage cut into word runs."""
    units: list[str] = []
    for block in blocks:
        for sentence in split_sentences(block) if estimate_tokens(block) > limit / 2 else [block]:
            words = sentence.split()
            if estimate_tokens(sentence) <= limit:
                units.append(sentence)
                continue
            per_piece = max(8, int(len(words) * limit / estimate_tokens(sentence)))
            units.extend(" ".join(words[i:i + per_piece]) for i in range(0, len(words), per_piece))
    return units


def _windows(units: list[str], size: float, overlap: float) -> list[str]:
    costs = [estimate_tokens(u) for u in units]
    total = sum(costs)
    if total <= size:
        return [" ".join(units)]
    # As few passages as fit, cut where the running total is closest to equal shares, so that no section
    # ends in a scrap; each passage after the first starts with the end of the one before.
    count = math.ceil(total / (size - overlap))
    groups: list[list[str]] = [[]]
    done = 0.0
    for unit, cost in zip(units, costs):
        boundary = total * len(groups) / count
        if groups[-1] and done + cost / 2 > boundary and len(groups) < count:
            groups.append([])
        groups[-1].append(unit)
        done += cost
    windows = [" ".join(groups[0])]
    for previous, group in zip(groups, groups[1:]):
        windows.append(" ".join(_overlap_tail(previous, overlap) + group))
    return windows


def _overlap_tail(units: list[str], overlap: float) -> list[str]:
    tail: list[str] = []
    cost = 0.0
    for unit in reversed(units):
        cost += estimate_tokens(unit)
        if cost > overlap:
            break
        tail.insert(0, unit)
    if not tail:
        # The last sentence is longer than the overlap: carry its end over, marked as cut.
        words = units[-1].split()
        tail = ["…" + " ".join(words[-max(1, int(overlap / 1.5)):])]
    return tail


def chunk_document(document: ParsedDocument, *, size: float = CHUNK_TOKENS,
                   overlap: float = OVERLAP_TOKENS) -> list[Chunk]:
    """The document's passages in reading order; each stays inside one section."""
    # The heading is embedded with every passage, so the passage itself gets what is left of the budget.
    chunks: list[Chunk] = []
    for section in document.sections:
        room = max(size / 2, size - estimate_tokens(embedding_text(document.title, section.heading, "")))
        for text in _windows(_units(section.blocks, room), room, min(overlap, room / 3)):
            chunks.append(Chunk(section=section.heading, text=text, ordinal=len(chunks)))
    return chunks
