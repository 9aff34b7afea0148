"""The offline planner against its development set (300+ requests over the demo company), with a floor."""
from __future__ import annotations

import pytest

from backend.db import make_engine, migrate, session_factory
from backend.demo import create_demo_company
from tests.assistant.devset import cases
from tests.assistant.evaluate import TODAY, evaluate, summary


@pytest.fixture(scope="module")
def demo_session(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('devset') / 'demo.sqlite3'}")
    migrate(engine)
    with session_factory(engine)() as session:
        create_demo_company(session, seed=7, today=TODAY)
        session.commit()
        yield session
    engine.dispose()


def test_development_set_is_big_and_bilingual():
    all_cases = cases()
    assert len(all_cases) >= 300
    vietnamese = [c for c in all_cases if any(ch in c["request"] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")]
    assert len(vietnamese) >= 40
    assert sum(1 for c in all_cases if c["chain"]) >= 15


def test_planner_meets_the_floor(demo_session):
    results = evaluate(demo_session, cases())
    scores = summary(results)
    misses = [f"{r.request!r}: expected {r.expected_tool} {r.expected_args}, got {r.tool} {r.args}" for r in results if not r.args_ok]
    assert scores["tool_accuracy"] >= 0.97, misses
    assert scores["args_accuracy"] >= 0.93, misses
