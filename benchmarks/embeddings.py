"""Prints the offline embedder's cold load time, single-query latency and batch throughput.

Run from the repository root: python -m benchmarks.embeddings [--threads N]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from tokenizers import Tokenizer

from backend.docs.minilm import MiniLMEmbedder, tokenizer_path

QUERIES = [
    "what is the credit limit of ACME",
    "show my overdue invoices",
    "how many units of A4 paper are in stock",
    "doanh số tháng này của tôi",
    "create a quote for 20 chairs for Dong A Trading",
]


def texts_of_exactly(tokens: int, count: int) -> list[str]:
    """Random sentences of `tokens` word pieces including [CLS] and [SEP], from single-piece words."""
    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.no_padding()
    words = [
        word
        for word in "customer invoice order stock paper credit limit payment quote price delivery "
        "warehouse sales report month total overdue product chair table office supplier contract "
        "discount margin return policy account balance team manager review week date".split()
        if len(tokenizer.encode(word, add_special_tokens=False).ids) == 1
    ]
    rng = random.Random(0)
    texts = [" ".join(rng.choices(words, k=tokens - 2)) for _ in range(count)]
    assert all(len(tokenizer.encode(text).ids) == tokens for text in texts)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    embedder = MiniLMEmbedder(threads=args.threads)

    started = time.perf_counter()
    embedder.embed(["warm up"])
    cold = time.perf_counter() - started

    latencies = []
    for n in range(200):
        started = time.perf_counter()
        embedder.embed([QUERIES[n % len(QUERIES)]])
        latencies.append(time.perf_counter() - started)
    percentiles = statistics.quantiles(latencies, n=100)

    texts = texts_of_exactly(64, 320)
    embedder.embed(texts[:32])
    started, cpu_started = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    throughput = len(texts) / (time.perf_counter() - started)
    cpu_per_text = (time.process_time() - cpu_started) * 1000 / len(texts)

    print(f"cpus {os.cpu_count()}, intra-op threads {args.threads}, batch {embedder.batch_size}")
    print(f"cold load (onnxruntime import + session + tokenizer + first query): {cold * 1000:.0f} ms")
    print(f"single query latency: p50 {percentiles[49] * 1000:.1f} ms, p95 {percentiles[94] * 1000:.1f} ms")
    print(f"throughput, 64-token texts: {throughput:.0f} texts/s, {cpu_per_text:.1f} ms of CPU a text "
          f"(load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
