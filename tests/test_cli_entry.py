"""The `tandem` console script: exit codes and output survive the quick exit; the collector pause is ask-only."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest

from bots import cli


def _tandem(*args: str, data_dir) -> subprocess.CompletedProcess:
    code = "import sys; from bots.cli import main; sys.argv = ['tandem', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, TANDEM_DATA_DIR=str(data_dir)))


def test_output_and_exit_codes_survive_the_quick_exit(tmp_path):
    helped = _tandem("--help", data_dir=tmp_path)
    assert helped.returncode == 0 and "ask" in helped.stdout and "demo" in helped.stdout

    refused = _tandem("ask", "hello", "--as", "nobody@example.test", data_dir=tmp_path)
    assert refused.returncode == 1
    assert "No employee has the code or e-mail 'nobody@example.test'" in refused.stderr

    unknown = _tandem("no-such-command", data_dir=tmp_path)
    assert unknown.returncode == 2 and "No such command" in unknown.stderr


@pytest.mark.parametrize("argv, collector_on", [(["tandem", "ask", "hi"], False), (["tandem", "serve"], True),
                                                (["tandem"], True)])
def test_the_collector_is_paused_only_for_ask(monkeypatch, argv, collector_on):
    seen: list[object] = []
    monkeypatch.setattr(cli, "app", lambda: seen.append(gc.isenabled()))
    monkeypatch.setattr(cli, "exit_now", seen.append)
    monkeypatch.setattr(sys, "argv", argv)
    try:
        cli.main()
    finally:
        gc.enable()
    assert seen == [collector_on, 0]


def test_exit_now_waits_for_a_running_worker_thread(monkeypatch):
    import threading

    release = threading.Event()
    worker = threading.Thread(target=release.wait, daemon=False)
    worker.start()
    try:
        monkeypatch.setattr(os, "_exit", lambda code: pytest.fail("must not cut a running thread short"))
        with pytest.raises(SystemExit) as exited:
            cli.exit_now(3)
        assert exited.value.code == 3
    finally:
        release.set()
        worker.join()


@pytest.mark.parametrize("code, returncode, stderr", [(None, 0, ""), (4, 4, ""), ("bad thing", 1, "bad thing\n")])
def test_exit_now_ends_the_process_as_sys_exit_would(code, returncode, stderr):
    script = f"import sys; from bots.cli import exit_now; sys.stdout.write('unflushed'); exit_now({code!r})"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (returncode, "unflushed", stderr)


# Packages a data question never needs; importing one at start-up would be a regression in `tandem ask` time.
NOT_AT_START_UP = ("rich", "chromadb", "onnxruntime", "tokenizers", "numpy", "weasyprint", "matplotlib", "alembic",
                   "openai", "langchain_openai", "slack_bolt", "fastapi", "uvicorn")


def test_ask_json_answers_without_loading_what_it_does_not_use(cli_world):
    data_dir, rep = cli_world
    code = ("import atexit, sys\n"
            f"watched = {NOT_AT_START_UP!r}\n"
            "atexit.register(lambda: print('LOADED', sorted(m for m in watched if m in sys.modules), file=sys.stderr))\n"
            "from bots.cli import main\n"
            "sys.argv = ['tandem', *sys.argv[1:]]\n"
            "main()")
    done = subprocess.run([sys.executable, "-c", code, "ask", "what's going on with Hoàng Long?", "--as", rep, "--json"],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, TANDEM_DATA_DIR=str(data_dir)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tool_calls"][0]["name"] == "customer_overview"
    assert "LOADED []" in done.stderr
