"""The companies the held-out sets ask about. Each module `<company>.py` has `build(data_dir, today) -> Built`:
it creates Tandem's database for that company in `data_dir` (and indexes its documents, if any) and says
where the oracles run."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Built:
    database_url: str        # Tandem's database for the company (SQLAlchemy URL)
    oracle_db: Path          # the SQLite file the set's SQL oracles run on
    data_dir: Path           # TANDEM_DATA_DIR for the assistant (Chroma, caches)


def build(company: str, data_dir: Path, today: date) -> Built:
    module = importlib.import_module(f"tests.heldout.companies.{company}")
    return module.build(data_dir, today)
