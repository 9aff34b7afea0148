"""Indexing files into the passages collection, incrementally: a file whose bytes (and --roles) did not
change is skipped, a changed file re-embeds only its new passages, a file gone from an indexed folder is
removed. The store itself is the manifest (every passage carries its file's hash), so the same run works
against an embedded store and a Chroma server."""
from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from backend.docs.chunking import CHUNKER_VERSION, chunk_document, embedding_text, estimate_tokens
from backend.docs.reading import ParsedDocument, is_supported, parse_roles, read_document
from backend.docs.store import open_collection, reachable, role_flags
from backend.errors import TandemError, ValidationFailed
from backend.settings import Settings

EMBED_BATCH = 64
# on_progress(done, total, what): passages embedded so far out of those to embed.
ProgressFn = Callable[[int, int, str], None]


@dataclass
class IndexReport:
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    chunks_embedded: int = 0
    chunks_kept: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_embedded / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _File:
    path: Path
    origin: str  # absolute path: identifies the file in the store
    source: str  # what citations show: the path relative to the folder given, or the file name
    digest: str = ""
    document: ParsedDocument | None = None
    roles: frozenset[str] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)


def find_handbook() -> Path | None:
    """The demo handbook: docs/handbook next to the code (a source checkout or an editable install), else in
    the current directory (a wheel install run from a checkout)."""
    import backend

    for candidate in (Path(backend.__file__).resolve().parents[1] / "docs" / "handbook", Path.cwd() / "docs" / "handbook"):
        if candidate.is_dir() and any(is_supported(p) for p in candidate.iterdir()):
            return candidate
    return None


def _walk(paths: Sequence[Path]) -> tuple[list[_File], list[Path], list[str]]:
    files: dict[str, _File] = {}
    folders: list[Path] = []
    problems: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            folders.append(root)
            for item in sorted(root.rglob("*")):
                relative = item.relative_to(root)
                if item.is_file() and is_supported(item) and not any(part.startswith(".") for part in relative.parts):
                    files.setdefault(str(item), _File(item, str(item), relative.as_posix()))
        elif path.is_file():
            if not is_supported(path):
                problems.append(f"{path}: unsupported file type (index .md, .txt, .html or .pdf files).")
                continue
            resolved = path.resolve()
            files.setdefault(str(resolved), _File(resolved, str(resolved), resolved.name))
        else:
            problems.append(f"{path}: no such file or folder.")
    return list(files.values()), folders, problems


def _digest(path: Path, roles: frozenset[str] | None) -> str:
    hasher = hashlib.sha256(f"chunker {CHUNKER_VERSION}\nroles {sorted(roles) if roles else 'all'}\n".encode())
    hasher.update(path.read_bytes())
    return hasher.hexdigest()[:32]


def _records(file: _File) -> list[dict[str, Any]]:
    document = file.document
    assert document is not None
    roles_text = ",".join(sorted(file.roles)) if file.roles else "all"
    records = []
    for chunk in chunk_document(document):
        text = embedding_text(document.title, chunk.section, chunk.text)
        content_hash = hashlib.sha256(text.encode()).hexdigest()[:32]
        metadata = {"source": file.source, "origin": file.origin, "title": document.title, "section": chunk.section,
                    "language": document.language, "format": document.format, "roles": roles_text,
                    **role_flags(file.roles), "chunk": chunk.ordinal, "content_hash": content_hash,
                    "file_hash": file.digest}
        # The id is the file and the embedded text: an unchanged passage keeps its id and its vector.
        records.append({"id": hashlib.sha256(f"{file.origin}\n{text}".encode()).hexdigest()[:40], "document": chunk.text,
                        "metadata": metadata, "embed": text})
    # Identical passages inside one file (repeated boilerplate) are stored once.
    return list({r["id"]: r for r in records}.values())


def index_paths(paths: Sequence[Path], *, settings: Settings, roles: Iterable[str] | str | None = None,
                on_progress: ProgressFn | None = None) -> IndexReport:
    """Index files and folders. `roles` narrows who may read them (never widens a file's own roles)."""
    started = time.perf_counter()
    report = IndexReport()
    narrowed = parse_roles(roles if isinstance(roles, str) else list(roles), where="--roles") if roles else None
    files, folders, report.problems = _walk(paths)
    report.files_seen = len(files)
    with reachable(settings):
        collection = open_collection(settings, create=True)
        manifest = _manifest(collection)
        changed: list[_File] = []
        for file in files:
            file.digest = _digest(file.path, narrowed)
            if manifest.get(file.origin) == file.digest:
                report.files_unchanged += 1
                continue
            try:
                file.document = read_document(file.path)
                file.roles = _narrow(file.document.roles, narrowed, file.source)
            except TandemError as exc:
                report.problems.append(exc.message + (f" {exc.hint}" if exc.hint else ""))
                # A file that no longer reads is taken out: its old passages may carry roles it no longer has.
                report.chunks_removed += _remove(collection, file.origin)
                continue
            file.records = _records(file)
            changed.append(file)
        present = _ids_by_origin(collection, [file.origin for file in changed])
        vectors = _embed_new(changed, present, settings, report, on_progress)
        _write(collection, changed, present, vectors, report)
        report.files_indexed = len(changed)
        scanned = {file.origin for file in files}
        for origin in manifest:
            if origin not in scanned and any(Path(origin).is_relative_to(folder) for folder in folders):
                report.chunks_removed += _remove(collection, origin)
                report.files_removed += 1
        if changed or report.chunks_removed:
            collection.modify(metadata={"revision": uuid.uuid4().hex})
    report.seconds = time.perf_counter() - started
    return report


def _narrow(own: frozenset[str] | None, narrowed: frozenset[str] | None, source: str) -> frozenset[str] | None:
    if narrowed is None:
        return own
    allowed = narrowed if own is None else own & narrowed
    if not allowed:
        raise ValidationFailed(f"{source}: readable by {', '.join(sorted(own or []))} only, none of --roles "
                          f"{', '.join(sorted(narrowed))}; not indexed.", hint="Check the file's roles: line.")
    return allowed


def _manifest(collection: Any) -> dict[str, str]:
    """origin -> file hash, read from each file's first passage."""
    found = collection.get(where={"chunk": 0}, include=["metadatas"])
    return {m["origin"]: m.get("file_hash", "") for m in found["metadatas"] or []}


def _remove(collection: Any, origin: str) -> int:
    ids = collection.get(where={"origin": origin}, include=[])["ids"]
    if ids:
        collection.delete(ids=ids)
    return len(ids)


def _ids_by_origin(collection: Any, origins: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {origin: set() for origin in origins}
    for start in range(0, len(origins), 100):
        batch = collection.get(where={"origin": {"$in": origins[start:start + 100]}}, include=["metadatas"])
        for chunk_id, metadata in zip(batch["ids"], batch["metadatas"] or []):
            found[metadata["origin"]].add(chunk_id)
    return found


def _embed_new(files: list[_File], present: dict[str, set[str]], settings: Settings, report: IndexReport,
               on_progress: ProgressFn | None) -> dict[str, Any]:
    """Vectors of the passages not in the store yet, each distinct text embedded once."""
    from backend.docs.embedding import embedding_function

    pending: dict[str, str] = {}
    for file in files:
        for record in file.records:
            if record["id"] not in present[file.origin]:
                pending.setdefault(record["metadata"]["content_hash"], record["embed"])
    hashes = sorted(pending, key=lambda h: estimate_tokens(pending[h]))  # similar lengths batch with little padding
    function = embedding_function(settings)
    vectors: dict[str, Any] = {}
    if on_progress:
        on_progress(0, len(hashes), "embedding")
    for start in range(0, len(hashes), EMBED_BATCH):
        batch = hashes[start:start + EMBED_BATCH]
        for content_hash, vector in zip(batch, function([pending[h] for h in batch])):
            vectors[content_hash] = vector
        if on_progress:
            on_progress(min(start + EMBED_BATCH, len(hashes)), len(hashes), "embedding")
    report.chunks_embedded += len(hashes)
    return vectors


def _write(collection: Any, files: list[_File], present: dict[str, set[str]], vectors: dict[str, Any],
           report: IndexReport) -> None:
    """All changes in few calls: every call to the store is a transaction of its own."""
    stale: list[str] = []
    new: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for file in files:
        wanted = {record["id"] for record in file.records}
        stale.extend(sorted(present[file.origin] - wanted))
        for record in file.records:
            (kept if record["id"] in present[file.origin] else new).append(record)
    step = 1000
    for start in range(0, len(stale), step):
        collection.delete(ids=stale[start:start + step])
    for start in range(0, len(new), step):
        batch = new[start:start + step]
        collection.add(ids=[r["id"] for r in batch], documents=[r["document"] for r in batch],
                       metadatas=[r["metadata"] for r in batch],
                       embeddings=[vectors[r["metadata"]["content_hash"]] for r in batch])
    for start in range(0, len(kept), step):
        # Same text, new surroundings (position, file hash, roles): metadata only, no new vector.
        batch = kept[start:start + step]
        collection.update(ids=[r["id"] for r in batch], metadatas=[r["metadata"] for r in batch])
    report.chunks_removed += len(stale)
    report.chunks_kept += len(kept)


@dataclass(frozen=True)
class IndexedDocument:
    source: str
    title: str
    language: str
    roles: str
    chunks: int


def indexed_documents(settings: Settings) -> list[IndexedDocument]:
    """What the store holds, one row per file (every role's documents: this is for admins)."""
    with reachable(settings):
        collection = open_collection(settings)
        if collection is None:
            return []
        found = collection.get(include=["metadatas"])
    chunks: dict[str, int] = {}
    first: dict[str, dict[str, Any]] = {}
    for metadata in found["metadatas"] or []:
        chunks[metadata["origin"]] = chunks.get(metadata["origin"], 0) + 1
        first.setdefault(metadata["origin"], metadata)
    return sorted((IndexedDocument(source=m["source"], title=m.get("title", ""), language=m.get("language", ""),
                                   roles=m.get("roles", "all"), chunks=chunks[origin]) for origin, m in first.items()),
                  key=lambda d: d.source)
