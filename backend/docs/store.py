"""The Chroma collection of passages: an embedded PersistentClient under settings.chroma_path, or an
HttpClient when TANDEM_CHROMA_URL names a Chroma server. Any failure to reach it becomes one error,
DocumentsUnavailable, so callers answer without documents instead of crashing.

Roles are stored on every passage as boolean keys (role_sales: true, ...), so that "readable by role X" is a
plain `where` filter evaluated by Chroma itself: a passage a role may not read never leaves the store.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlsplit

from backend.docs.embedding import EmbeddingUnavailable, embedding_function
from backend.errors import TandemError
from backend.settings import Settings
from backend.roles import ALL as ALL_ROLES

log = logging.getLogger("tandem.docs")

_clients: dict[str, Any] = {}
_lock = threading.Lock()


class DocumentsUnavailable(TandemError):
    """The document index (Chroma) can't be reached or opened."""

    code = "documents_unavailable"
    http_status = 503


def role_key(role: str) -> str:
    return f"role_{role}"


def role_filter(role: str) -> dict[str, Any]:
    """Chroma `where` clause: passages the role may read (an unknown role matches nothing)."""
    return {role_key(role): True}


def role_flags(roles: frozenset[str] | None) -> dict[str, bool]:
    return {role_key(role): roles is None or role in roles for role in sorted(ALL_ROLES)}


def store_key(settings: Settings) -> str:
    """Identifies the store (server or folder) and collection, for caches."""
    where = settings.chroma_url or str(settings.chroma_path.resolve())
    return f"{where}#{settings.docs_collection}"


def describe(settings: Settings) -> str:
    return f"the Chroma server at {settings.chroma_url}" if settings.chroma_url else f"{settings.chroma_path}"


@contextmanager
def reachable(settings: Settings) -> Iterator[None]:
    """Turns any failure of Chroma (down, refused, corrupt files, wrong embedder) into DocumentsUnavailable."""
    try:
        yield
    except TandemError:
        raise
    except EmbeddingUnavailable as exc:
        log.error("document embeddings unavailable: %s", exc)
        raise DocumentsUnavailable("The company documents can't be searched right now: the embedding model "
                                   "is not available.", hint="Ask an admin to check TANDEM_DOCS_EMBEDDING.") from exc
    except Exception as exc:
        log.warning("document store %s unavailable: %s: %s", describe(settings), type(exc).__name__, exc)
        raise DocumentsUnavailable("The company documents can't be searched right now: the document index "
                                   "is not reachable.",
                                   hint="Ask an admin to check the Chroma server (TANDEM_CHROMA_URL) or the "
                                        "data folder.") from exc


def client(settings: Settings) -> Any:
    """The process-wide Chroma client for the settings (call inside `reachable`)."""
    key = settings.chroma_url or str(settings.chroma_path.resolve())
    with _lock:
        if key not in _clients:
            _clients[key] = _connect(settings)
        return _clients[key]


def _connect(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry off: Tandem never calls out of the building on its own.
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlsplit(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        ssl = url.scheme == "https"
        return chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or (443 if ssl else 8000), ssl=ssl,
                                   settings=chroma_settings)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def forget_client(settings: Settings) -> None:
    """Drop the cached client (a test that stops its server, a path that was deleted)."""
    with _lock:
        _clients.pop(settings.chroma_url or str(settings.chroma_path.resolve()), None)


def open_collection(settings: Settings, *, create: bool = False) -> Any | None:
    """The passages collection, or None when nothing was ever indexed (unless `create`)."""
    from chromadb.errors import NotFoundError

    chroma = client(settings)
    function = embedding_function(settings)
    try:
        return chroma.get_collection(settings.docs_collection, embedding_function=function)
    except NotFoundError:
        if not create:
            return None
    return chroma.create_collection(settings.docs_collection, embedding_function=function,
                                    configuration={"hnsw": {"space": "cosine"}}, metadata={"revision": "0"})


def revision(collection: Any) -> str:
    """Changes whenever the index changes; caches of the collection's text are keyed by it."""
    return str((collection.metadata or {}).get("revision", ""))
