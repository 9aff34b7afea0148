"""Chinook, the digital media store (MIT sample database), converted by benchmarks/companies/chinook.py to
Tandem's CSV import and loaded with the importer. The oracles run on the original Chinook file, not on
Tandem's database. The company does not depend on `today`: the payment rule is fixed in the converter
(invoices of the file's last 45 days are unpaid)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.heldout.companies import Built


def build(data_dir: Path, today: date) -> Built:
    from backend.db import make_engine, migrate, session_factory
    from backend.importers.csv_import import import_directory
    from benchmarks.companies.chinook import DEFAULT_SOURCE, write_company

    data_dir.mkdir(parents=True, exist_ok=True)
    csv_dir = data_dir / "csv"
    write_company(csv_dir, DEFAULT_SOURCE)
    database = data_dir / "tandem.sqlite3"
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        import_directory(session, csv_dir)
        session.commit()
    engine.dispose()
    return Built(database_url=url, oracle_db=DEFAULT_SOURCE, data_dir=data_dir)
