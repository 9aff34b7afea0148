"""The second company (Bluestem Outdoor Supply, a US outdoor-gear wholesaler, 2015-2017): written as Tandem's CSV
import by benchmarks/companies/second_company.py (seed 3) and loaded with the importer. No handbook.

The company's history ends on its own "today" (2017-12-15), whatever the set's today; the oracles run on the same
database."""
from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

from tests.heldout.companies import Built

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "benchmarks" / "companies" / "second_company.py"
SEED = 3


def _generator():
    spec = importlib.util.spec_from_file_location("second_company", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("second_company", module)
    spec.loader.exec_module(module)
    return module


def build(data_dir: Path, today: date) -> Built:
    from backend.db import make_engine, migrate, session_factory
    from backend.importers.csv_import import import_directory

    data_dir.mkdir(parents=True, exist_ok=True)
    csv_dir = data_dir / "csv"
    _generator().write_company(csv_dir, seed=SEED)
    database = data_dir / "tandem.sqlite3"
    if database.exists():
        database.unlink()
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        import_directory(session, csv_dir)
        session.commit()
    engine.dispose()
    return Built(database_url=url, oracle_db=database, data_dir=data_dir)
