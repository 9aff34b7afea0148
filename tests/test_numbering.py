"""Gapless document numbering: sequential, per type and year, and safe with 20 concurrent writers."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from backend.db import make_engine, migrate, session_factory
from backend.numbering import next_number, reserve_through
from tests.conftest import PG_URL


def test_numbers_are_sequential_per_type_and_year(session):
    assert next_number(session, "quote", 2026) == "QUO-2026-000001"
    assert next_number(session, "quote", 2026) == "QUO-2026-000002"
    assert next_number(session, "order", 2026) == "SO-2026-000001"
    assert next_number(session, "quote", 2027) == "QUO-2027-000001"


def test_rolled_back_number_is_reused(session):
    assert next_number(session, "invoice", 2026) == "INV-2026-000001"
    nested = session.begin_nested()
    assert next_number(session, "invoice", 2026) == "INV-2026-000002"
    nested.rollback()
    assert next_number(session, "invoice", 2026) == "INV-2026-000002"


def test_reserve_through_moves_counter(session):
    reserve_through(session, "order", 2025, 41)
    assert next_number(session, "order", 2025) == "SO-2025-000042"


def test_unknown_type_refused(session):
    with pytest.raises(ValueError):
        next_number(session, "banana", 2026)


@pytest.mark.skipif(not PG_URL, reason="needs TANDEM_TEST_DATABASE_URL (PostgreSQL)")
def test_twenty_concurrent_writers_no_duplicate_no_gap():
    engine = make_engine(PG_URL)
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM document_sequences WHERE doc_type = 'ticket' AND year = 2099"))
    make_session = session_factory(engine)
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)
    lock = threading.Lock()

    def writer(index: int) -> None:
        try:
            barrier.wait()
            for attempt in range(5):
                with make_session() as session:
                    number = next_number(session, "ticket", 2099)
                    if attempt == 0 and index % 4 == 0:
                        session.rollback()  # an aborted writer must not leave a gap
                        continue
                    session.commit()
                    with lock:
                        results.append(number)
                    break
        except BaseException as exc:  # surfaced in the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM document_sequences WHERE doc_type = 'ticket' AND year = 2099"))
    engine.dispose()
    assert not errors
    assert len(results) == 20
    assert sorted(results) == [f"TCK-2099-{i:06d}" for i in range(1, 21)]
