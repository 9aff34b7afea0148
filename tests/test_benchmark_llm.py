"""`benchmarks/assistant.py --brain llm` against a local server that speaks chat completions: it scores a held-out
set through the configured model and prints accuracy, fallback rate, latency and tokens per turn; with no model
reachable it measures nothing and exits 2."""
from __future__ import annotations

import importlib.util
import json
import re
import socket
from pathlib import Path

import pytest

from backend.settings import get_settings
from tests.test_llm_brain import MODEL, fake, text  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[1]


def _benchmark():
    spec = importlib.util.spec_from_file_location("bench_assistant", ROOT / "benchmarks" / "assistant.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def llm_env(monkeypatch, fake, tmp_path):  # noqa: F811
    monkeypatch.setenv("TANDEM_LLM_MODEL", MODEL)
    monkeypatch.setenv("TANDEM_LLM_BASE_URL", fake.base_url)
    monkeypatch.setenv("TANDEM_LLM_API_KEY", "test")
    monkeypatch.setenv("TANDEM_LLM__FIRST_TOKEN_TIMEOUT_S", "5")
    # set (not deleted) so that monkeypatch puts back what was there: the benchmark points these at the set's company
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "tandem-data"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    get_settings.cache_clear()
    yield fake
    get_settings.cache_clear()


def _tiny_set(tmp_path) -> Path:
    """Two questions over the demo company whose facts the answer must hold."""
    path = tmp_path / "tiny-1.json"
    path.write_text(json.dumps({"set": "tiny-1", "company": "demo", "today": "2026-11-26", "questions": [
        {"id": "tiny-1", "as": "ha@songhong.vn", "ask": "how many open tickets do we have?", "conversation": None,
         "facts": [{"kind": "number", "sql": "SELECT COUNT(*) FROM tickets WHERE status IN ('open', 'pending')"}]},
        {"id": "tiny-2", "as": "ha@songhong.vn", "ask": "what do we owe suppliers?", "conversation": None,
         "facts": [{"kind": "money", "currency": "VND", "scale": 12, "sql":
                    "SELECT SUM((b.total - COALESCE((SELECT SUM(a.amount) FROM supplier_payment_allocations a "
                    "WHERE a.bill_id = b.id), 0)) * b.fx_rate) FROM supplier_bills b WHERE b.status <> 'void'"}]},
    ]}), encoding="utf-8")
    return path


def test_a_model_that_only_talks_is_scored_with_its_fallbacks(llm_env, tmp_path, capsys):
    llm_env.script = lambda body: text("I believe everything is fine.")  # words, never a call: the planner answers
    code = _benchmark().benchmark_llm([str(_tiny_set(tmp_path))], limit=None, verbose=True)
    out = capsys.readouterr().out
    assert code == 0, out
    line = next(line for line in out.splitlines() if line.startswith("held-out tiny-1"))
    # The planner's own answers decide how many are right; the payables figure is one it must give.
    assert re.search(rf"through {MODEL}: [12]/2 answers right", line), out
    assert "ok   tiny-2" in out
    assert "fell back 2/2 = 100.0%" in line and "tokens per turn p50" in line
    p50, p95 = (float(x) for x in re.search(r"answer p50 ([\d.]+) s, p95 ([\d.]+) s", line).groups())
    assert p95 >= p50
    assert "fell back 2x:" in out
    assert llm_env.requests, "the model was asked"


def test_the_benchmark_leaves_the_environment_as_it_found_it(llm_env, tmp_path):
    import os

    before = {k: os.environ.get(k) for k in ("TANDEM_DATA_DIR", "TANDEM_DATABASE_URL")}
    llm_env.script = lambda body: text("Fine.")
    _benchmark().benchmark_llm([str(_tiny_set(tmp_path))], limit=1, verbose=False)
    assert {k: os.environ.get(k) for k in before} == before


def test_no_reachable_model_measures_nothing(monkeypatch, tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    monkeypatch.setenv("TANDEM_LLM_MODEL", MODEL)
    monkeypatch.setenv("TANDEM_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    get_settings.cache_clear()
    try:
        assert _benchmark().benchmark_llm([str(_tiny_set(tmp_path))], limit=None, verbose=False) == 2
    finally:
        get_settings.cache_clear()
    assert "not reachable" in capsys.readouterr().out
