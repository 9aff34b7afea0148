"""Importing suppliers and opening balances: a clean folder posts one balanced opening entry; a bad row names the
file, the line and the fix, and nothing is written (SQLite and PostgreSQL)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.importers import ImportFailed, import_directory
from backend.models import Account, JournalEntry, JournalLine, Supplier

SUPPLIERS = """code,name,currency,payment_terms_days,email,phone,address
DOUBLEA,Double A (Vietnam) Co. Ltd.,VND,30,sales@doublea.vn,028 3822 1140,Quận 1
KINGDOM,Shenzhen Kingdom Office Equipment,USD,45,,,"Shenzhen, China"
"""
OPENING = """date,account_code,debit,credit,description
2026-01-01,1010,500000000,,bank
2026-01-01,1300,250000000,,stock
2026-01-01,2000,,150000000,suppliers
2026-01-01,3000,,600000000,capital
"""


def folder(tmp_path: Path, **files: str) -> Path:
    for stem, text in files.items():
        (tmp_path / f"{stem}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def counts(session: Session) -> tuple[int, int]:
    return (session.execute(select(func.count()).select_from(Supplier)).scalar_one(),
            session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_suppliers_and_opening_balances_import(session: Session, tmp_path: Path):
    report = import_directory(session, folder(tmp_path, suppliers=SUPPLIERS, opening_balances=OPENING))
    assert report.counts == {"suppliers": 2, "opening_balances": 4}
    kingdom = session.execute(select(Supplier).where(Supplier.code == "KINGDOM")).scalar_one()
    assert kingdom.currency == "USD" and kingdom.payment_terms_days == 45 and "shenzhen" in kingdom.search_key
    entry = session.execute(select(JournalEntry).where(JournalEntry.source_type == "opening")).scalar_one()
    lines = session.execute(select(Account.code, JournalLine.debit, JournalLine.credit)
                            .join(Account, Account.id == JournalLine.account_id).where(JournalLine.entry_id == entry.id)).all()
    assert sorted(lines) == [("1010", Decimal(500000000), Decimal(0)), ("1300", Decimal(250000000), Decimal(0)),
                             ("2000", Decimal(0), Decimal(150000000)), ("3000", Decimal(0), Decimal(600000000))]
    assert entry.entry_date.isoformat() == "2026-01-01"
    # Suppliers update by code; the opening entry is refused a second time.
    (tmp_path / "opening_balances.csv").unlink()
    import_directory(session, folder(tmp_path, suppliers=SUPPLIERS.replace("45,", "60,")))
    assert session.execute(select(Supplier.payment_terms_days).where(Supplier.code == "KINGDOM")).scalar_one() == 60
    with pytest.raises(ImportFailed) as failed:
        import_directory(session, folder(tmp_path, opening_balances=OPENING))
    assert "already posted" in failed.value.errors[0]


@pytest.mark.parametrize("stem, text, expected", [
    ("opening_balances", OPENING.replace("2026-01-01,3000,,600000000", "2026-01-01,3000,,590000000"),
     "opening_balances.csv: debits 750000000 and credits 740000000 differ by 10000000; a trial balance must balance"),
    ("opening_balances", OPENING.replace("2026-01-01,1300", "2026-01-01,1301"),
     "opening_balances.csv line 3, account_code '1301': no such account in the chart of accounts; did you mean"),
    ("opening_balances", OPENING.replace("2026-01-01,2000,,150000000", "2026-01-01,2000,150000000,150000000"),
     "opening_balances.csv line 4, debit '150000000': give the balance in exactly one of debit and credit"),
    ("opening_balances", OPENING.replace("2026-01-01,3000", "2026-02-01,3000"),
     "opening_balances.csv line 5, date '2026-02-01': every line must carry the same date as line 2"),
    ("suppliers", SUPPLIERS.replace("KINGDOM,Shenzhen Kingdom Office Equipment,USD", "KINGDOM,Shenzhen Kingdom,US$"),
     "suppliers.csv line 3, currency 'US$'"),
    ("suppliers", SUPPLIERS + "DOUBLEA,Double A again,VND,30,,,\n",
     "suppliers.csv line 4, code 'DOUBLEA': duplicate of line 2"),
])
def test_a_bad_row_names_file_line_and_fix_and_nothing_is_written(session: Session, tmp_path: Path, stem, text, expected):
    files = {"suppliers": SUPPLIERS, "opening_balances": OPENING, stem: text}
    before = counts(session)
    with pytest.raises(ImportFailed) as failed:
        import_directory(session, folder(tmp_path, **files))
    assert any(error.startswith(expected) for error in failed.value.errors), failed.value.errors
    assert counts(session) == before
