"""`tandem import`: the example folder, re-imports, dry runs, and errors that name the line and the fix."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import ledger
from backend.errors import ValidationFailed
from backend.importers import ImportFailed, import_directory
from backend.models import (Base, Company, Contact, Customer, Employee, Interaction, Invoice, Opportunity, Product,
                            SalesOrder, StockLevel, Warehouse)
from backend.numbering import next_number
from backend.text import search_key

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "import"
EXAMPLE_COUNTS = {"company": 1, "fx_rates": 5, "employees": 8, "customers": 15, "contacts": 19, "products": 12,
                  "orders": 25, "order_lines": 47, "invoices": 20, "payments": 15, "interactions": 15, "tickets": 6,
                  "opportunities": 8}


def table_counts(session: Session) -> dict[str, int]:
    return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables}


def write_folder(folder: Path, files: dict[str, str], *, bom: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = dedent(content).lstrip("\n")
        (folder / name).write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return folder


def one(session: Session, model, **where):
    return session.execute(select(model).filter_by(**where)).scalar_one()


MINIMAL = {
    "company.csv": """
        name,base_currency,timezone,tax_rate_pct
        Test Trading,VND,Asia/Ho_Chi_Minh,8
        """,
    "customers.csv": """
        code,name,city,credit_limit
        C001,Quán Cà Phê Một,Đà Nẵng,50000000
        C002,Nhà hàng Hai,Huế,
        """,
    "products.csv": """
        sku,name,unit_price
        CF-1,Cà phê rang 1kg,300000
        """,
}


def assert_fails(session: Session, folder: Path, *expected: str) -> list[str]:
    """The import fails, every expected fragment is in one of the messages, and nothing was written."""
    before = table_counts(session)
    with pytest.raises(ImportFailed) as failure:
        import_directory(session, folder)
    assert isinstance(failure.value, ValidationFailed)
    for fragment in expected:
        assert any(fragment in message for message in failure.value.errors), (fragment, failure.value.errors)
    assert table_counts(session) == before
    return failure.value.errors


# The example folder


def test_example_folder_imports_every_file(session: Session):
    report = import_directory(session, EXAMPLE)

    assert report.counts == EXAMPLE_COUNTS
    assert list(report.counts) == list(EXAMPLE_COUNTS)  # dependency order
    assert report.rows == sum(EXAMPLE_COUNTS.values())
    assert report.created["customers"] == 15 and report.rows_per_second > 0
    company = session.execute(select(Company)).scalar_one()
    assert (company.base_currency, company.timezone, company.tax_rate_pct) == ("VND", "Asia/Ho_Chi_Minh", Decimal("8"))


def test_example_values_are_typed_and_derived(session: Session):
    import_directory(session, EXAMPLE)

    cafe = one(session, Customer, code="C001")
    assert cafe.credit_limit == Decimal("50000000") and isinstance(cafe.credit_limit, Decimal)
    assert cafe.search_key == search_key("Quán Cà Phê Mộc Miên", "C001", "Đà Nẵng")
    assert one(session, Customer, code="C005").credit_limit is None  # empty cell: no limit set
    assert one(session, Customer, code="C006").credit_limit == 0  # 0: cash only
    assert one(session, Customer, code="C013").currency == "USD"
    assert one(session, Customer, code="C002").owner_id == one(session, Employee, code="EMP02").id
    assert one(session, Employee, code="EMP02").manager_id == one(session, Employee, code="EMP01").id

    discounted = one(session, SalesOrder, number="SO-2026-000105")
    assert discounted.status == "invoiced" and discounted.currency == "VND"
    assert [line.line_amount for line in discounted.lines] == [Decimal("18315000"), Decimal("4702500"), Decimal("600000")]
    assert discounted.net_amount == discounted.net_amount_base == Decimal("23617500")
    export = one(session, SalesOrder, number="SO-2026-000103")
    assert (export.currency, export.fx_rate) == ("USD", Decimal("25985"))  # the rate of 2026-08-01, on or before the order
    assert export.net_amount == Decimal("5650.00") and export.net_amount_base == Decimal("146815250")
    assert one(session, SalesOrder, number="SO-2026-000122").status == "confirmed"  # 'open' in the file

    statuses = {invoice.number: invoice.status for invoice in session.execute(select(Invoice)).scalars()}
    assert statuses["INV-2026-000081"] == "paid"
    assert statuses["INV-2026-000082"] == "paid"  # two halves
    assert statuses["INV-2026-000085"] == "open"  # partly paid
    assert statuses["INV-2026-000091"] == "open"  # unpaid
    assert statuses["INV-2026-000100"] == "void"
    assert one(session, Invoice, number="INV-2026-000088").fx_rate == Decimal("26050")
    for invoice in session.execute(select(Invoice)).scalars():  # the same answer as the ledger's own rule
        ledger.refresh_invoice_status(session, invoice)
        assert invoice.status == statuses[invoice.number]

    assert next_number(session, "order", 2026) == "SO-2026-000126"
    assert next_number(session, "invoice", 2026) == "INV-2026-000101"
    assert next_number(session, "ticket", 2026) == "TCK-2026-000037"

    tasting = session.execute(select(Interaction).order_by(Interaction.occurred_at)).scalars().first()
    assert tasting.occurred_at == datetime(2026, 8, 1, 2, 30, tzinfo=timezone.utc)  # 09:30 in Đà Nẵng
    proposal = one(session, Opportunity, name="Resort Sơn Trà – menu trà cao cấp")
    assert proposal.probability == 60 and proposal.currency == "VND"
    assert one(session, Opportunity, name="Phố Cổ – chi nhánh An Hội, hợp đồng năm 2027").probability == 75

    arabica = one(session, Product, sku="CF-ARA-CD-1KG")
    stock = session.execute(select(StockLevel).where(StockLevel.product_id == arabica.id)).scalar_one()
    assert (stock.quantity, stock.reorder_level) == (180, 40)
    assert session.get(Warehouse, stock.warehouse_id).code == "MAIN"
    assert one(session, Product, sku="EQ-PHIN-SS").active is False


def test_reimport_is_idempotent_and_applies_changes(session: Session, tmp_path: Path):
    import_directory(session, EXAMPLE)
    counts = table_counts(session)
    folder = tmp_path / "again"
    shutil.copytree(EXAMPLE, folder)
    customers = (folder / "customers.csv").read_text(encoding="utf-8")
    (folder / "customers.csv").write_text(customers.replace(",VND,50000000,30,EMP02", ",VND,65000000,30,EMP02"),
                                          encoding="utf-8")
    lines = (folder / "order_lines.csv").read_text(encoding="utf-8")
    (folder / "order_lines.csv").write_text(
        lines.replace("SO-2026-000109,CF-BLEND-1KG,8,", "SO-2026-000109,CF-BLEND-1KG,10,"), encoding="utf-8")

    report = import_directory(session, folder)

    assert report.counts == EXAMPLE_COUNTS
    assert {name: count for name, count in report.created.items() if count} == {"order_lines": 47}  # lines are replaced
    assert table_counts(session) == counts  # no duplicate payment, contact, interaction or line
    assert one(session, Customer, code="C001").credit_limit == Decimal("65000000")
    bakery = one(session, SalesOrder, number="SO-2026-000109")
    assert [line.quantity for line in bakery.lines] == [10]
    assert bakery.net_amount == Decimal("3300000")
    assert one(session, Invoice, number="INV-2026-000081").status == "paid"


def test_dry_run_checks_everything_and_writes_nothing(session: Session):
    before = table_counts(session)

    report = import_directory(session, EXAMPLE, dry_run=True)

    assert report.counts == EXAMPLE_COUNTS and report.dry_run
    assert table_counts(session) == before


def test_cli_imports_in_one_transaction(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from backend.db import make_engine
    from backend.settings import get_settings
    from bots.cli import app

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("TANDEM_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()

    checked = runner.invoke(app, ["import", str(EXAMPLE), "--dry-run"])
    assert checked.exit_code == 0, checked.output
    engine = make_engine(url)
    with Session(engine) as db:
        assert db.execute(select(func.count()).select_from(Customer)).scalar_one() == 0

    imported = runner.invoke(app, ["import", str(EXAMPLE)])
    assert imported.exit_code == 0, imported.output
    with Session(engine) as db:
        assert db.execute(select(func.count()).select_from(Customer)).scalar_one() == 15
    engine.dispose()


# Small folders


def test_minimal_folder_and_empty_optional_cells(session: Session, tmp_path: Path):
    report = import_directory(session, write_folder(tmp_path / "in", MINIMAL))

    assert report.counts == {"company": 1, "customers": 2, "products": 1}
    assert one(session, Customer, code="C001").credit_limit == Decimal("50000000")
    assert one(session, Customer, code="C002").credit_limit is None
    assert one(session, Customer, code="C002").currency == "VND"  # the base currency
    assert one(session, Product, sku="CF-1").currency == "VND"


def test_a_file_with_a_byte_order_mark_imports(session: Session, tmp_path: Path):
    report = import_directory(session, write_folder(tmp_path / "in", MINIMAL, bom=True))

    assert report.counts["customers"] == 2
    assert one(session, Customer, code="C001").name == "Quán Cà Phê Một"


def test_contacts_are_matched_on_reimport(session: Session, tmp_path: Path):
    files = {**MINIMAL, "contacts.csv": """
        customer_code,name,email,title
        C001,Lê Văn An,an@example.vn,Owner
        C001,Trần Thị Bình,,Barista
        """}
    import_directory(session, write_folder(tmp_path / "one", files))
    files["contacts.csv"] = files["contacts.csv"].replace("Owner", "Co-owner")
    import_directory(session, write_folder(tmp_path / "two", files))

    contacts = session.execute(select(Contact).order_by(Contact.id)).scalars().all()
    assert [(contact.name, contact.title) for contact in contacts] == [("Lê Văn An", "Co-owner"),
                                                                       ("Trần Thị Bình", "Barista")]


def test_equal_payment_lines_are_two_payments_and_reimport_adds_none(session: Session, tmp_path: Path):
    files = {**MINIMAL,
             "invoices.csv": """
                number,customer_code,issue_date,due_date,amount
                1001,C001,2026-03-01,2026-03-31,1000000
                """,
             "payments.csv": """
                invoice_number,paid_on,amount,method
                1001,2026-03-10,500000,cash
                1001,2026-03-10,500000,cash
                """}
    folder = write_folder(tmp_path / "in", files)

    import_directory(session, folder)
    again = import_directory(session, folder)

    assert again.created["payments"] == 0
    assert table_counts(session)["payments"] == 2
    assert one(session, Invoice, number="1001").status == "paid"
    assert next_number(session, "invoice", 2026) == "INV-2026-000001"  # '1001' is kept as it is


def test_lines_of_an_existing_order_are_replaced_and_repriced(session: Session, tmp_path: Path):
    files = {**MINIMAL,
             "orders.csv": """
                number,customer_code,order_date
                SO-2026-000007,C001,2026-03-14
                """,
             "order_lines.csv": """
                order_number,sku,quantity,unit_price,discount_pct
                SO-2026-000007,CF-1,2,300000,
                SO-2026-000007,CF-1,1,300000,10
                """}
    import_directory(session, write_folder(tmp_path / "one", files))
    lines_only = {"order_lines.csv": """
        order_number,sku,quantity,unit_price
        SO-2026-000007,CF-1,5,300000
        """}

    import_directory(session, write_folder(tmp_path / "two", lines_only))

    order = one(session, SalesOrder, number="SO-2026-000007")
    assert [(line.line_no, line.quantity) for line in order.lines] == [(1, 5)]
    assert order.net_amount == order.net_amount_base == Decimal("1500000")
    assert order.status == "confirmed"


def test_order_in_foreign_currency_needs_a_rate(session: Session, tmp_path: Path):
    files = {**MINIMAL, "orders.csv": """
        number,customer_code,order_date,currency
        SO-2026-000001,C001,2026-03-02,USD
        """}
    folder = write_folder(tmp_path / "in", files)

    errors = assert_fails(session, folder, "orders.csv line 2, currency 'USD': no FX rate for USD on or before 2026-03-02")
    assert "fx_rates.csv" in errors[0]
    assert session.execute(select(Company)).scalar_one_or_none() is None  # company.csv was rolled back too


def test_payments_cannot_exceed_the_invoice(session: Session, tmp_path: Path):
    files = {**MINIMAL,
             "invoices.csv": """
                number,customer_code,issue_date,due_date,amount
                INV-1,C001,2026-03-01,2026-03-31,1000000
                """,
             "payments.csv": """
                invoice_number,paid_on,amount,method
                INV-1,2026-03-10,600000,cash
                INV-1,2026-03-20,600000,cash
                """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "payments.csv line 3, amount '600000': payments for invoice INV-1 would total 1,200,000 VND")


def test_a_database_error_while_writing_rolls_everything_back(session: Session, tmp_path: Path, monkeypatch):
    from backend.importers import crm
    from backend.importers.state import insert_rows
    from backend.models import Interaction

    def write_a_bad_row(self, state):
        customer_id = state.customers["C001"].id
        insert_rows(state.session, Interaction, [{"customer_id": customer_id, "kind": "fax", "summary": "?",
                                                  "occurred_at": datetime(2026, 3, 1, tzinfo=timezone.utc)}])

    monkeypatch.setattr(crm.InteractionLoader, "write", write_a_bad_row)
    files = {**MINIMAL, "interactions.csv": """
        customer_code,occurred_at,kind,summary
        C001,2026-03-01T09:00,call,Called
        """}

    assert_fails(session, write_folder(tmp_path / "in", files), "the database refused the data")


# Errors: each names the file, line, column and the fix, and leaves the database unchanged


def test_bad_date(session: Session, tmp_path: Path):
    files = {**MINIMAL, "orders.csv": """
        number,customer_code,order_date
        SO-1,C001,14/03/2026
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "orders.csv line 2, order_date '14/03/2026': is not a date; write it as YYYY-MM-DD")


def test_unknown_customer(session: Session, tmp_path: Path):
    files = {**MINIMAL, "orders.csv": """
        number,customer_code,order_date
        SO-1,C001,2026-03-14
        SO-2,ACME,2026-03-14
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "orders.csv line 3, customer_code 'ACME': no such customer; add it to customers.csv or correct the code")


def test_negative_quantity_and_every_problem_of_the_file(session: Session, tmp_path: Path):
    files = {**MINIMAL,
             "orders.csv": """
                number,customer_code,order_date
                SO-1,C001,2026-03-14
                """,
             "order_lines.csv": """
                order_number,sku,quantity,unit_price,discount_pct
                SO-1,CF-1,-3,300000,
                SO-1,CF-1,2,"300,000",
                SO-1,CF-9,1,300000,120
                """}

    errors = assert_fails(session, write_folder(tmp_path / "in", files),
                          "order_lines.csv line 2, quantity '-3': must be a positive whole number",
                          "order_lines.csv line 3, unit_price '300,000': is not a plain number",
                          "order_lines.csv line 4, discount_pct '120': must be at most 100",
                          "order_lines.csv line 4, sku 'CF-9': no such product")
    assert len(errors) == 4


def test_unknown_column(session: Session, tmp_path: Path):
    files = {**MINIMAL, "customers.csv": """
        code,name,emial
        C001,Quán Một,mot@example.vn
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "customers.csv line 1, column 'emial': unknown column (did you mean 'email'?)")


def test_duplicate_code_in_one_file(session: Session, tmp_path: Path):
    files = {**MINIMAL, "customers.csv": """
        code,name
        C001,Quán Một
        C002,Quán Hai
        C001,Quán Một (again)
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "customers.csv line 4, code 'C001': duplicate of line 2")


def test_missing_required_column(session: Session, tmp_path: Path):
    files = {**MINIMAL, "customers.csv": """
        code,city
        C001,Huế
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "customers.csv line 1, column 'name': required column is missing; add it to the header")


def test_unknown_file_name(session: Session, tmp_path: Path):
    files = {"company.csv": MINIMAL["company.csv"],
             "customer.csv": """
                code,name
                C009,Quán Chín
                """,
             "orders.csv": """
                number,customer_code,order_date
                SO-1,C009,2026-03-14
                """}

    errors = assert_fails(session, write_folder(tmp_path / "in", files),
                          "customer.csv: is not a file Tandem imports; rename it to customers.csv")
    assert len(errors) == 1  # the orders of the misnamed file's customers are not reported as well


def test_paid_status_is_derived_not_imported(session: Session, tmp_path: Path):
    files = {**MINIMAL, "invoices.csv": """
        number,customer_code,issue_date,due_date,amount,status
        INV-1,C001,2026-03-01,2026-02-01,1000000.5,paid
        """}

    assert_fails(session, write_folder(tmp_path / "in", files),
                 "invoices.csv line 2, due_date '2026-02-01': is before the issue date 2026-03-01",
                 "invoices.csv line 2, amount '1000000.5': has more than 0 decimal places for VND amounts",
                 "invoices.csv line 2, status 'paid': is derived from payments.csv")
