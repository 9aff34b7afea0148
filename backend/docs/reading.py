"""Reading documents (Markdown, plain text, HTML, PDF) into titled sections of clean text blocks, with the
title, language and allowed roles taken from the file itself (YAML front matter, <title>, <html lang>)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from backend.errors import ValidationFailed
from backend.roles import ALL as ALL_ROLES

FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text",
           ".html": "html", ".htm": "html", ".pdf": "pdf"}
EVERYONE = {"all", "everyone", "any", "*"}


@dataclass
class Section:
    """Text under one heading; text before a document's first sub-heading sits under its title."""

    heading: str
    blocks: list[str] = field(default_factory=list)


@dataclass
class ParsedDocument:
    title: str
    language: str
    roles: frozenset[str] | None  # None: every role may read it
    format: str
    sections: list[Section]


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def parse_roles(value: object, *, where: str) -> frozenset[str] | None:
    """'finance, manager' or [finance, manager] -> the roles; empty or 'all' -> None (everyone)."""
    if value is None:
        return None
    items = value if isinstance(value, (list, tuple, set, frozenset)) else re.split(r"[,\s]+", str(value))
    names = {str(item).strip().lower() for item in items if str(item).strip()}
    if not names or names & EVERYONE:
        return None
    unknown = sorted(names - ALL_ROLES)
    if unknown:
        raise ValidationFailed(f"{where}: unknown role(s) {', '.join(unknown)}.",
                               hint=f"Roles are {', '.join(sorted(ALL_ROLES))} (or 'all').")
    return None if names == ALL_ROLES else frozenset(names)


def read_document(path: Path) -> ParsedDocument:
    """Parse one file; raises ValidationFailed when it can't be read or its front matter is wrong."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValidationFailed(f"{path.name}: unsupported file type {path.suffix or '(none)'}.",
                               hint=f"Index {', '.join(sorted(FORMATS))} files.")
    if kind == "pdf":
        return _read_pdf(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(f"{path.name}: not UTF-8 text.", hint="Save the file as UTF-8 and index it again.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "markdown":
        return _read_markdown(text, path)
    if kind == "html":
        return _read_html(text, path)
    return _finish(path, kind, title=None, language=None, roles=None,
                   sections=[Section(heading="", blocks=_paragraphs(text))])


def _finish(path: Path, kind: str, *, title: str | None, language: str | None, roles: frozenset[str] | None,
            sections: list[Section]) -> ParsedDocument:
    title = (title or "").strip() or path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    for section in sections:
        section.heading = section.heading or title
    sections = [s for s in sections if s.blocks]
    body = " ".join(block for s in sections for block in s.blocks)
    language = (language or "").strip().lower()[:8] or detect_language(body)
    return ParsedDocument(title=title, language=language, roles=roles, format=kind, sections=sections)


_VI_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ")


def detect_language(text: str) -> str:
    """'vi' when many words carry Vietnamese letters or tone marks, else 'en' (the two languages we write in)."""
    words = text.split()[:400]
    if not words:
        return "en"
    marked = sum(1 for w in words if any(ch in _VI_ONLY or unicodedata.combining(ch)
                                          for ch in unicodedata.normalize("NFD", w)))
    return "vi" if marked / len(words) > 0.2 else "en"


# --- Markdown ----------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<[^>]+>")


def clean_inline(text: str) -> str:
    """Markdown inline markup to plain text: links keep their words, emphasis and code marks go."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _TAG.sub("", text).replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    try:
        data = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path.name}: the front matter is not valid YAML ({exc.__class__.__name__}).",
                               hint="Fix the block between the --- lines at the top of the file.") from None
    if not isinstance(data, dict):
        raise ValidationFailed(f"{path.name}: the front matter must be 'key: value' lines.",
                               hint="e.g. 'title: Credit policy', 'language: en', 'roles: finance, manager'.")
    rest = text[end + 4:]
    return data, rest[rest.find("\n") + 1:] if "\n" in rest else ""


def _read_markdown(text: str, path: Path) -> ParsedDocument:
    meta, body = _front_matter(text, path)
    roles = parse_roles(meta.get("roles"), where=path.name)
    title = str(meta["title"]) if meta.get("title") else None
    sections = [Section(heading="")]
    paragraph: list[str] = []
    table_header: list[str] | None = None
    in_fence = False

    def flush() -> None:
        if paragraph:
            sections[-1].blocks.append(clean_inline(" ".join(paragraph)))
            paragraph.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if stripped:
                sections[-1].blocks.append(stripped)
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            table_header = None
            name = clean_inline(heading.group(2))
            if len(heading.group(1)) == 1 and title is None:
                title = name
            if len(heading.group(1)) == 1 and not sections[-1].blocks:
                sections[-1].heading = "" if name == title else name
            else:
                sections.append(Section(heading=name))
            continue
        if stripped.startswith("|"):
            flush()
            cells = [clean_inline(c) for c in stripped.strip("|").split("|")]
            if _TABLE_RULE.match(stripped):
                continue
            if table_header is None:
                table_header = cells
                continue
            # Each row keeps its column names, so a row read alone (a chunk, a quote) still makes sense.
            pairs = [f"{h}: {c}" if h else c for h, c in zip(table_header, cells) if c]
            sections[-1].blocks.append("; ".join(pairs) + ".")
            continue
        table_header = None
        if not stripped:
            flush()
        elif _LIST_ITEM.match(line):
            flush()
            paragraph.append(_LIST_ITEM.sub("", line, count=1))
        elif stripped.startswith(">"):
            paragraph.append(stripped.lstrip("> "))
        else:
            paragraph.append(stripped)
    flush()
    return _finish(path, "markdown", title=title, language=str(meta.get("language") or ""), roles=roles,
                   sections=sections)


def _paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- HTML ----------------------------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "li", "tr", "br", "section", "article", "blockquote", "pre", "dd", "dt", "table", "ul", "ol"}
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "footer", "head"}


class _HtmlSections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section(heading="")]
        self.title: str | None = None
        self.h1: str | None = None
        self.language: str | None = None
        self._text: list[str] = []
        self._heading_level: int | None = None
        self._skip = 0
        self._in_title = False
        self._title_text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "html":
            self.language = dict(attrs).get("lang")
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading_level = int(tag[1])
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag in {"td", "th"}:
            self._text.append(" ; ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self.title = " ".join("".join(self._title_text).split()) or None
        elif tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self._heading_level is not None:
            name = " ".join("".join(self._text).split())
            self._text.clear()
            if self._heading_level == 1 and self.h1 is None:
                self.h1 = name
                if not self.sections[-1].blocks:
                    self._heading_level = None
                    return
            if name:
                self.sections.append(Section(heading=name))
            self._heading_level = None
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)
        elif not self._skip:
            self._text.append(data)

    def _flush(self) -> None:
        if self._heading_level is not None:
            return
        text = re.sub(r"\s+", " ", "".join(self._text)).strip(" ;")
        text = re.sub(r"\s*;\s*(;\s*)*", "; ", text)
        self._text.clear()
        if text:
            self.sections[-1].blocks.append(text)

    def close(self) -> None:
        super().close()
        self._flush()


def _read_html(text: str, path: Path) -> ParsedDocument:
    parser = _HtmlSections()
    parser.feed(text)
    parser.close()
    return _finish(path, "html", title=parser.h1 or parser.title, language=parser.language, roles=None,
                   sections=parser.sections)


# --- PDF -----------------------------------------------------------------------------------------------------

def _read_pdf(path: Path) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ValidationFailed(f"{path.name}: not a readable PDF ({exc.__class__.__name__}).",
                               hint="Check the file opens in a PDF viewer; scanned images need OCR first.") from None
    # A PDF keeps no reliable headings; its pages are the sections a citation can point to.
    sections = [Section(heading=f"Page {number}", blocks=_paragraphs(text))
                for number, text in enumerate(pages, start=1)]
    if not any(s.blocks for s in sections):
        raise ValidationFailed(f"{path.name}: the PDF has no extractable text.",
                               hint="Scanned PDFs need OCR before they can be indexed.")
    return _finish(path, "pdf", title=title, language=None, roles=None, sections=sections)
