"""Retrieval quality and speed over the demo handbook: recall@5 and MRR of hybrid search against vector-only
(and keyword-only) search in the same run, query latency, and indexing throughput.

Each question of benchmarks/retrieval_questions.json names the file that answers it and the role asking;
search runs with that role's filter, as the search_docs tool does.

Run from the repository root: python -m benchmarks.retrieval [--questions FILE] [--handbook DIR]
Targets: recall@5 >= 0.9, MRR >= 0.75, query p50 < 30 ms, indexing >= 50 chunks/s.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from backend.docs.embedding import embedding_function
from backend.docs.indexing import find_handbook, index_paths
from backend.docs.search import search_documents
from backend.docs.store import client
from backend.settings import Settings
from benchmarks.embeddings import texts_of_exactly

HERE = Path(__file__).resolve().parent
MODES = ("hybrid", "vector", "keyword")
RANKED = 10  # MRR looks this deep; recall looks at the first 5


def embedder_baseline(settings: Settings) -> float:
    """Texts of 64 word pieces embedded per second (the figure benchmarks.embeddings prints): puts the
    indexing throughput in the context of this machine and its current load."""
    function = embedding_function(settings)
    function(["warm up"])
    texts = texts_of_exactly(64, 128)
    started = time.perf_counter()
    function(texts)
    return len(texts) / (time.perf_counter() - started)


def cpu_seconds() -> float:
    """CPU time of this process, all threads: on a shared machine it shows the cost that wall time hides."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def evaluate(settings: Settings, questions: list[dict], mode: str) -> dict[str, float]:
    reciprocal, found, section_found, latencies = [], [], [], []
    cpu_started = cpu_seconds()
    for item in questions:
        started = time.perf_counter()
        hits = search_documents(settings, query=item["question"], role=item["role"], k=RANKED, mode=mode)
        latencies.append((time.perf_counter() - started) * 1000)
        sources = [hit.source for hit in hits]
        rank = sources.index(item["source"]) + 1 if item["source"] in sources else None
        reciprocal.append(1 / rank if rank else 0.0)
        found.append(bool(rank and rank <= 5))
        section_found.append(any(h.source == item["source"] and h.section == item.get("section") for h in hits[:5]))
    return {"recall@5": sum(found) / len(found), "mrr": statistics.fmean(reciprocal),
            "section@5": sum(section_found) / len(section_found),
            "cpu_ms": (cpu_seconds() - cpu_started) * 1000 / len(questions),
            "p50_ms": statistics.median(latencies), "p95_ms": statistics.quantiles(latencies, n=20)[18]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=HERE / "retrieval_questions.json")
    parser.add_argument("--handbook", type=Path, default=None)
    parser.add_argument("--misses", action="store_true", help="List the questions hybrid search misses.")
    args = parser.parse_args()
    handbook = args.handbook or find_handbook()
    if handbook is None:
        raise SystemExit("No docs/handbook found; pass --handbook DIR.")
    questions = json.loads(args.questions.read_text(encoding="utf-8"))

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), chroma_url=None, env="test")
        baseline = embedder_baseline(settings)
        client(settings)  # the model and Chroma are loaded before indexing is timed
        cpu_started = cpu_seconds()
        report = index_paths([handbook], settings=settings)
        index_cpu = cpu_seconds() - cpu_started
        search_documents(settings, query="warm up", role="admin")
        for role in {q["role"] for q in questions}:
            search_documents(settings, query="warm up", role=role)
        results = {mode: evaluate(settings, questions, mode) for mode in MODES}

        print(f"Handbook {handbook}: {report.files_indexed} files, {report.chunks_embedded} chunks")
        cpu_per_chunk = index_cpu * 1000 / max(report.chunks_embedded, 1)
        print(f"Indexing: {report.seconds:.2f} s, {report.chunks_per_second:.1f} chunks/s "
              f"({index_cpu:.1f} s of CPU, {cpu_per_chunk:.1f} ms a chunk; the embedder alone, now: "
              f"{baseline:.1f} texts of 64 tokens/s; load average {os.getloadavg()[0]:.2f})")
        print(f"Questions: {len(questions)} ({sum(q['language'] == 'vi' for q in questions)} in Vietnamese)\n")
        print(f"{'mode':<9} {'recall@5':>9} {'MRR':>7} {'section@5':>10} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8}")
        for mode, r in results.items():
            print(f"{mode:<9} {r['recall@5']:>9.3f} {r['mrr']:>7.3f} {r['section@5']:>10.3f} {r['p50_ms']:>8.1f} "
                  f"{r['p95_ms']:>8.1f} {r['cpu_ms']:>8.1f}")
        hybrid = results["hybrid"]
        checks = [("recall@5 >= 0.9", hybrid["recall@5"] >= 0.9), ("MRR >= 0.75", hybrid["mrr"] >= 0.75),
                  ("query p50 < 30 ms", hybrid["p50_ms"] < 30), ("indexing >= 50 chunks/s", report.chunks_per_second >= 50)]
        print("\nTargets (hybrid): " + ", ".join(f"{name} {'ok' if ok else 'MISSED'}" for name, ok in checks))
        if args.misses:
            for item in questions:
                hits = search_documents(settings, query=item["question"], role=item["role"], k=5)
                if item["source"] not in [h.source for h in hits]:
                    print(f"  miss [{item['role']}] {item['question']!r} -> want {item['source']}, got "
                          + ", ".join(h.source for h in hits[:3]))


if __name__ == "__main__":
    main()
