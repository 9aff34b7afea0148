"""Which embedding function the document index uses.

The function is named in settings (`docs_embedding`, "module:attribute" of a zero-argument factory, by default
backend.docs.chroma_embedding:TandemEmbeddingFunction) and imported on first use, the way a plug-in is wired: the
index depends on Chroma's EmbeddingFunction interface only, and chromadb loads with the first search. A deployment names another function (OpenAI
embeddings through Chroma's own), a test or a composition root may set a factory directly.
"""
from __future__ import annotations

import importlib
import threading
from typing import Any, Callable

from backend.settings import Settings

_override: Callable[[], Any] | None = None
_loaded: dict[str, Any] = {}
_lock = threading.Lock()


class EmbeddingUnavailable(RuntimeError):
    """The configured embedding function could not be imported or built."""


def set_embedding_function(factory: Callable[[], Any] | None) -> None:
    """Use `factory()` instead of the function named in settings (None: back to settings)."""
    global _override
    with _lock:
        _override = factory
        _loaded.clear()


def embedding_function(settings: Settings) -> Any:
    """The process-wide embedding function for `settings` (built once; its model loads on first embed)."""
    key = "override" if _override is not None else settings.docs_embedding
    with _lock:
        if key not in _loaded:
            _loaded[key] = _override() if _override is not None else _build(settings.docs_embedding)
        return _loaded[key]


def _build(spec: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise EmbeddingUnavailable(f"TANDEM_DOCS_EMBEDDING must look like 'module:attribute', got {spec!r}")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
        return factory()
    except (ImportError, AttributeError) as exc:
        raise EmbeddingUnavailable(f"the embedding function {spec!r} can't be loaded: {exc}") from exc
