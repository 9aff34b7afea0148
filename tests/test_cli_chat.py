"""`tandem chat`: a REPL over one conversation (follow-ups know who "they" are), with line editing and the
up-arrow history of earlier questions kept across sessions."""
from __future__ import annotations

import os
import select
import sys
import time

import pytest

from tests.factories.customers import make_ticket


@pytest.fixture()
def data_dir(cli_world):
    """The small company, plus a high ticket of another customer, so that "their tickets" must pick one."""
    import sqlalchemy as sa

    from backend.db import ensure_database, transaction
    from backend.models import Customer

    engine = ensure_database()
    with transaction(engine) as session:
        minh_phat = session.scalar(sa.select(Customer).where(Customer.code == "MINHPHAT"))
        make_ticket(session, customer=minh_phat, subject="Mực in bị lỗi", priority="high")
    engine.dispose()
    return cli_world


def test_chat_keeps_one_conversation_until_an_empty_line(data_dir):
    from typer.testing import CliRunner

    from bots.cli import app

    _, rep = data_dir
    outcome = CliRunner().invoke(app, ["chat", "--as", rep],
                                 input="what's going on with Hoàng Long?\nand their open tickets?\n\nnever asked\n")
    assert outcome.exit_code == 0, outcome.output
    # Each answer follows a "you:" prompt (the typed text is not echoed off a terminal); the third prompt got
    # the empty line that ends the chat.
    prompts = outcome.output.split("you:")
    assert len(prompts) == 4, outcome.output
    first, second = prompts[1], prompts[2]
    assert "Hoàng Long Trading (HOANGLONG)" in first
    # The follow-up names no customer: the conversation's memory makes it Hoàng Long's tickets, not everyone's.
    assert "Giao thiếu 20 thùng giấy" in second
    assert "Mực in bị lỗi" not in second


def _chat_in_terminal(data_dir, rep: str, keys: list[bytes]) -> str:
    """Runs `tandem chat` on a pseudo-terminal (so readline is active), typing each of `keys` at a prompt."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI as a user would start it
        os.environ.update(TANDEM_DATA_DIR=str(data_dir), TERM="xterm", COLUMNS="120")
        code = "import sys; from bots.cli import main; sys.argv = ['tandem', *sys.argv[1:]]; main()"
        os.execv(sys.executable, [sys.executable, "-c", code, "chat", "--as", rep])
    output = b""

    def read(until: bytes | None, seconds: float) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and (until is None or output.count(until) < prompts):
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    return
                if not chunk:
                    return
                output += chunk

    try:
        for prompts, key in enumerate(keys, start=1):
            read(b"you", 120)
            assert output.count(b"you") >= prompts, output.decode(errors="replace")
            os.write(fd, key)
        read(None, 30)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    return output.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_earlier_questions_come_back_with_the_up_arrow_in_a_later_session(data_dir):
    pytest.importorskip("readline")
    directory, rep = data_dir
    first = _chat_in_terminal(directory, rep, [b"who is our contact at Hoang Long?\r", b"\r"])
    assert "Hoàng Long Trading" in first
    assert (directory / "chat_history").read_text(encoding="utf-8").splitlines()[-1] == "who is our contact at Hoang Long?"

    # A new session: the up arrow brings the question back, and Enter asks it again.
    second = _chat_in_terminal(directory, rep, [b"\x1b[A\r", b"\r"])
    assert "who is our contact at Hoang Long?" in second
    assert "Hoàng Long Trading" in second
