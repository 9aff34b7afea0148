"""Tandem's embedders as a Chroma embedding function, registered so that a collection rebuilds it from
its stored configuration. Kept apart from backend.docs.minilm because importing chromadb takes ~1.5 s."""
from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from backend.docs.minilm import Embedder, get_embedder


@register_embedding_function
class TandemEmbeddingFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder if embedder is not None else get_embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "tandem"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> TandemEmbeddingFunction:
        TandemEmbeddingFunction.validate_config(config)
        return TandemEmbeddingFunction(get_embedder(config["embedder"]))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if not isinstance(config.get("embedder"), str):
            raise ValueError(f"a tandem embedding config names its embedder, got {config!r}")

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config.get("embedder") != new_config.get("embedder"):
            raise ValueError("vectors from different embedders do not mix: re-index into a new collection")

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        # Vectors are unit length, so all three rank neighbours alike.
        return ["cosine", "ip", "l2"]
