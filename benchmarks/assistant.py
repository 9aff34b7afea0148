"""Offline planner benchmark: tool-choice and argument accuracy on the development set, planning latency
per request (tool time excluded), and `tandem ask` as a whole process on the demo company.

Run: .venv/bin/python benchmarks/assistant.py [--verbose] [--process-runs 5] [--mix-rounds 3] [--data-dir DIR]
(DIR: a data directory made larger with `tandem demo` then `tandem seed --customers 100000 --orders 1000000`)
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


MIX = {
    "brief": ("what's going on with Hoàng Long?", "mai@songhong.vn"),
    "credit": ("can Saigon Foods take another 50k on credit?", "mai@songhong.vn"),
    "report": ("doanh thu tháng trước", "ha@songhong.vn"),
    "quote": ("quote 20 x A4 paper to Minh Phát, 5% off", "mai@songhong.vn"),
    "restock": ("which products need restocking?", "bao@songhong.vn"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="print every request with its latency")
    parser.add_argument("--process-runs", type=int, default=5)
    parser.add_argument("--mix-rounds", type=int, default=3,
                        help="rounds over several kinds of data question, interleaved (0: skip)")
    parser.add_argument("--heldout", nargs="*", metavar="SET",
                        help="also score these held-out sets on the answer (tests/heldout/<SET>.json; no names: "
                             "every set), each printed apart from the development set")
    parser.add_argument("--data-dir", type=Path,
                        help="also time `tandem ask` on this data directory: the demo company made larger with "
                             "`tandem seed`, say")
    args = parser.parse_args()

    from backend.db import make_engine, migrate, session_factory
    from backend.demo import create_demo_company
    from tests.assistant.devset import cases
    from tests.assistant.evaluate import TODAY, evaluate, summary

    data_dir = Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    engine = make_engine(f"sqlite:///{data_dir / 'tandem.sqlite3'}")
    migrate(engine)
    with session_factory(engine)() as session:
        create_demo_company(session, seed=7, today=TODAY)
        session.commit()
        evaluate(session, cases()[:5])  # warm the model and the entity index, as a running server would be
        results = evaluate(session, cases())
    scores = summary(results)
    if args.verbose:
        for r in results:
            mark = "ok " if r.args_ok else ("ARG" if r.tool_ok else "TOOL")
            print(f"{mark} {r.seconds * 1000:7.1f} ms  {r.request}")
    print(f"development set: {scores['cases']} requests")
    print(f"tool choice accuracy: {scores['tool_accuracy']:.1%}   (target >= 97%)")
    print(f"argument accuracy:    {scores['args_accuracy']:.1%}   (target >= 93%)")
    print(f"planning latency:     p50 {scores['p50_ms']:.1f} ms, p95 {scores['p95_ms']:.1f} ms   (targets < 50 / < 200 ms)")
    try:
        from assistant.brains.llm import prompt_token_count

        print(f"LLM mode prompt size: {prompt_token_count()} tokens per turn (system prompt + tool schemas, admin)   (target < 3,500)")
    except ImportError:
        print("LLM mode prompt size: not available (no LLM brain installed)")
    if args.heldout is not None:
        from tests.heldout.score import HERE, score_sets

        names = args.heldout or sorted(p.stem for p in HERE.glob("*.json"))
        for result in score_sets(names):
            right = sum(q.ok for q in result.questions)
            seconds = sorted(q.seconds for q in result.questions)
            print(f"held-out {result.name} ({result.company}): {right}/{len(result.questions)} answers right = "
                  f"{result.accuracy:.1%}; answer p50 {statistics.median(seconds) * 1000:.0f} ms")

    # As `make install` leaves them: Tandem's own modules byte-compiled (an editable install does not compile
    # them, and where PYTHONDONTWRITEBYTECODE is set every run would compile them again).
    import compileall

    for package in ("backend", "assistant", "bots", "prompts"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    tandem = ROOT / ".venv" / "bin" / "tandem"
    command = [str(tandem)] if tandem.exists() else [sys.executable, "-m", "bots.cli"]

    def ask_seconds(question: str, who: str, data: Path = data_dir) -> tuple[float, float]:
        """Wall-clock and CPU seconds (user + system) of one `tandem ask`. On a shared VM the CPU time shows
        whether a slow run was the machine being slow (CPU time up too) or the process waiting."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*command, "ask", question, "--as", who, "--json"], cwd=ROOT, check=True, capture_output=True,
                       env=dict(os.environ, TANDEM_DATA_DIR=str(data)))
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    def report(label: str, runs: list[tuple[float, float]], target: str = "") -> None:
        if runs:
            print(f"{label}: p50 {statistics.median(w for w, _ in runs):.2f} s over {len(runs)} runs "
                  f"(CPU p50 {statistics.median(c for _, c in runs):.2f} s){target}")

    report("`tandem ask` whole process", [ask_seconds(*MIX["brief"]) for _ in range(args.process_runs)],
           "   (target < 1.5 s)")

    # One question can flatter: the same kinds of request people type, interleaved so that the machine's slow
    # and fast moments fall on every kind alike.
    mix = {kind: [] for kind in MIX}
    for _ in range(args.mix_rounds):
        for kind, (question, who) in MIX.items():
            mix[kind].append(ask_seconds(question, who)[0])
    if args.mix_rounds:
        every = [t for times in mix.values() for t in times]
        kinds = ", ".join(f"{kind} {statistics.median(times):.2f}" for kind, times in mix.items())
        print(f"`tandem ask` over {len(MIX)} kinds of question x {args.mix_rounds}: p50 {statistics.median(every):.2f} s "
              f"({kinds})")

    if args.data_dir:
        if not (args.data_dir / "tandem.sqlite3").exists():
            sys.exit(f"{args.data_dir} holds no Tandem database (make one with `tandem demo` and `tandem seed`)")
        from sqlalchemy import func, select

        from backend.models import Customer

        with session_factory(make_engine(f"sqlite:///{args.data_dir / 'tandem.sqlite3'}"))() as session:
            customers = session.scalar(select(func.count()).select_from(Customer))
        report(f"`tandem ask` on {args.data_dir} ({customers:,} customers)",
               [ask_seconds(*MIX["brief"], data=args.data_dir) for _ in range(args.process_runs)])


if __name__ == "__main__":
    main()
