"""The demo company (Sông Hồng Trading), seed 7, built as of the set's today, with the handbook indexed."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.heldout.companies import Built


def build(data_dir: Path, today: date) -> Built:
    from backend.db import make_engine, migrate, session_factory
    from backend.demo import create_demo_company
    from backend.docs.indexing import find_handbook, index_paths
    from backend.settings import Settings

    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "tandem.sqlite3"
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        create_demo_company(session, seed=7, today=today)
        session.commit()
    engine.dispose()
    handbook = find_handbook()
    if handbook is not None:
        index_paths([handbook], settings=Settings(data_dir=data_dir, database_url=url))
    return Built(database_url=url, oracle_db=database, data_dir=data_dir)
