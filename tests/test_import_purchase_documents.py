"""Importing purchase orders, supplier bills and supplier payments: received quantities become receipts and stock,
bills are three-way matched as record_supplier_bill matches them, payments refuse to overpay, numbers are kept and
reserved, everything posts balanced entries; a bad row names the file, the line and the fix and nothing is written
(SQLite and PostgreSQL)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounting.balances import trial_balance
from backend.accounting.chart import chart_codes
from backend.importers import ImportFailed, import_directory
from backend.models import (GoodsReceipt, JournalEntry, JournalLine, PurchaseOrder, PurchaseOrderLine, StockLevel,
                            StockMovement, SupplierBill, SupplierBillLine, SupplierPayment)
from backend.numbering import next_number
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.org import make_company

D = Decimal
SUPPLIERS = """code,name,currency,payment_terms_days
THIENLONG,Thiên Long Supplies,VND,30
HONGHA,Hồng Hà Stationery,VND,15
"""
ORDERS = """number,supplier_code,warehouse_code,order_date,status,currency,sku,quantity,unit_cost,received_quantity,received_on
PO-2026-000041,THIENLONG,HCM,2026-03-02,,VND,PAPER-A4,100,70000,100,2026-03-05
PO-2026-000041,THIENLONG,HCM,2026-03-02,,VND,PEN-BLUE,500,3000,200,2026-03-05
PO-2026-000042,THIENLONG,HCM,2026-03-10,sent,,PAPER-A4,50,70000,,
"""
BILLS = """number,supplier_reference,supplier_code,po_number,bill_date,due_date,currency,sku,description,quantity,unit_cost,tax
BILL-2026-000007,TL-881,THIENLONG,PO-2026-000041,2026-03-06,,,PAPER-A4,,100,72000,
BILL-2026-000007,TL-881,THIENLONG,PO-2026-000041,2026-03-06,,,PEN-BLUE,,250,3000,
,TL-900,THIENLONG,,2026-03-08,2026-04-08,,,Delivery charges,1,500000,50000
"""
PAYMENTS = """number,supplier_code,paid_on,currency,bill,amount,method,reference
SPAY-2026-000003,THIENLONG,2026-03-20,VND,BILL-2026-000007,8745000,bank transfer,VCB-1
SPAY-2026-000003,THIENLONG,2026-03-20,VND,TL-900,300000,bank transfer,VCB-1
"""
FILES = {"suppliers": SUPPLIERS, "purchase_orders": ORDERS, "supplier_bills": BILLS, "supplier_payments": PAYMENTS}


@pytest.fixture
def books(session: Session) -> Session:
    make_company(session)  # VND, VAT 10 %
    make_warehouse(session, code="HCM")
    make_product(session, sku="PAPER-A4", name="A4 Copy Paper", unit_cost=D("70000"), stock=0, reorder_level=0)
    make_product(session, sku="PEN-BLUE", name="Blue pen", unit_cost=D("3000"), stock=0, reorder_level=0)
    return session


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for stem, text in files.items():
        (tmp_path / f"{stem}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def counts(session: Session) -> tuple[int, ...]:
    return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                 for model in (PurchaseOrder, GoodsReceipt, StockMovement, SupplierBill, SupplierPayment, JournalEntry))


def test_purchase_documents_import_match_pay_and_post(books: Session, tmp_path: Path):
    session = books
    try:
        report = import_directory(session, folder(tmp_path, FILES))
    except ImportFailed as exc:
        raise AssertionError(exc.errors) from exc
    assert report.counts == {"suppliers": 2, "purchase_orders": 3, "supplier_bills": 3, "supplier_payments": 2}

    # Orders: the status follows the received quantities; received units came in on one receipt, stock went up.
    statuses = dict(session.execute(select(PurchaseOrder.number, PurchaseOrder.status)).all())
    assert statuses == {"PO-2026-000041": "partially_received", "PO-2026-000042": "sent"}
    po = session.execute(select(PurchaseOrder).where(PurchaseOrder.number == "PO-2026-000041")).scalar_one()
    assert (po.net_amount, po.tax_amount, po.total) == (D("8500000"), D("850000"), D("9350000"))
    receipt = session.execute(select(GoodsReceipt)).scalar_one()
    assert receipt.purchase_order_id == po.id and receipt.received_on.isoformat() == "2026-03-05"
    stock = dict(session.execute(select(StockMovement.quantity, StockLevel.quantity)
                                 .join(StockLevel, (StockLevel.product_id == StockMovement.product_id)
                                       & (StockLevel.warehouse_id == StockMovement.warehouse_id))).all())
    assert stock == {100: 100, 200: 200}

    # Bills: the one on the order is three-way matched (price +2,000 on paper, 50 pens billed over the receipt).
    bills = {bill.supplier_reference: bill for bill in session.execute(select(SupplierBill)).scalars()}
    matched = bills["TL-881"]
    assert (matched.number, matched.match_status, matched.net_amount, matched.tax_amount, matched.total) == \
        ("BILL-2026-000007", "exceptions", D("7950000"), D("795000"), D("8745000"))
    lines = session.execute(select(SupplierBillLine.quantity_difference, SupplierBillLine.price_difference)
                            .where(SupplierBillLine.bill_id == matched.id).order_by(SupplierBillLine.id)).all()
    assert [tuple(line) for line in lines] == [(0, D("2000")), (50, D("0"))]
    billed = session.execute(select(PurchaseOrderLine.billed_quantity).where(PurchaseOrderLine.purchase_order_id == po.id)
                             .order_by(PurchaseOrderLine.line_no)).scalars().all()
    assert billed == [100, 250]
    charges = bills["TL-900"]
    assert (charges.number, charges.purchase_order_id, charges.total, charges.due_date.isoformat()) == \
        ("BILL-2026-000008", None, D("550000"), "2026-04-08")

    # Payment: one payment over two bills; the first is settled, the second keeps 250,000 open.
    payment = session.execute(select(SupplierPayment)).scalar_one()
    assert (payment.number, payment.amount) == ("SPAY-2026-000003", D("9045000"))
    assert (matched.status, charges.status) == ("paid", "open")

    # The imported numbers are reserved: the next documents do not collide with them.
    assert next_number(session, "purchase_order", 2026) == "PO-2026-000043"
    assert next_number(session, "bill", 2026) == "BILL-2026-000009"
    assert next_number(session, "supplier_payment", 2026) == "SPAY-2026-000004"

    # Posted: every entry balances; receipts, bills and the payment land where the posting rules put them.
    for entry_id, debit, credit in session.execute(
            select(JournalLine.entry_id, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
            .group_by(JournalLine.entry_id)):
        assert debit == credit, entry_id
    kinds = sorted(session.execute(select(JournalEntry.source_type)).scalars())
    assert kinds == ["goods_receipt", "supplier_bill", "supplier_bill", "supplier_payment"]
    code = chart_codes()
    balance = {row.code: row.balance for row in trial_balance(session)}
    assert balance[code["inventory"]] == D("7600000")  # 100 x 70,000 + 200 x 3,000
    assert balance[code["payables"]] == D("-250000")  # 8,745,000 + 550,000 billed, 9,045,000 paid
    assert balance[code["bank"]] == D("-9045000")
    assert balance[code["price_variance"]] == D("200000")  # 7,950,000 billed - 7,750,000 at the order's costs
    assert balance[code["goods_received_not_billed"]] == D("150000")  # 50 pens billed beyond the receipt
    assert balance[code["expenses"]] == D("500000")

    # A second run of the same files is refused whole: documents are not imported twice.
    before = counts(session)
    with pytest.raises(ImportFailed) as failed:
        import_directory(session, folder(tmp_path, FILES))
    assert any(error.startswith("purchase_orders.csv line 2, number 'PO-2026-000041': is already in the database")
               for error in failed.value.errors), failed.value.errors
    assert any("TL-881" in error and "is already recorded as BILL-2026-000007" in error for error in failed.value.errors)
    assert counts(session) == before


@pytest.mark.parametrize("stem, old, new, expected", [
    ("purchase_orders", "VND,PEN-BLUE,500", "VND,PEN-BLU,500",
     "purchase_orders.csv line 3, sku 'PEN-BLU': no such product; add it to products.csv or correct the SKU"),
    ("purchase_orders", "PAPER-A4,100,70000,100", "PAPER-A4,100,70000,120",
     "purchase_orders.csv line 2, received_quantity '120': is more than the 100 ordered"),
    ("purchase_orders", "HCM,2026-03-02,,VND,PEN-BLUE", "HCM,2026-03-03,,VND,PEN-BLUE",
     "purchase_orders.csv line 3, order_date '2026-03-03': differs from line 2 of the same purchase order"),
    ("purchase_orders", "2026-03-02,,VND", "2026-03-02,received,VND",
     "purchase_orders.csv line 2, status 'received': does not fit the received quantities"),
    ("purchase_orders", "PO-2026-000042,THIENLONG,HCM", "PO-2026-000042,THIENLONG,DN",
     "purchase_orders.csv line 4, warehouse_code 'DN': no such warehouse; use one of HCM"),
    ("supplier_bills", "PO-2026-000041,2026-03-06,,,PEN-BLUE", "PO-2026-000041,2026-03-06,,,PAPER-A3",
     "supplier_bills.csv line 3, sku 'PAPER-A3': no such product"),
    ("supplier_bills", "BILL-2026-000007,TL-881,THIENLONG,PO-2026-000041", "BILL-2026-000007,TL-881,HONGHA,PO-2026-000041",
     "supplier_bills.csv line 2, po_number 'PO-2026-000041': is an order to supplier THIENLONG, not HONGHA"),
    ("supplier_bills", "TL-900,THIENLONG,,2026-03-08,2026-04-08", "TL-900,THIENLONG,,2026-03-08,2026-03-01",
     "supplier_bills.csv line 4, due_date '2026-03-01': is before the bill date 2026-03-08"),
    ("supplier_bills", "TL-881,THIENLONG,PO-2026-000041", "TL-881,THIENLONG,PO-2026-000099",
     "supplier_bills.csv line 2, po_number 'PO-2026-000099': no such purchase order"),
    ("supplier_payments", "TL-900,300000", "TL-900,600000",
     ("supplier_payments.csv line 3, amount '600000': overpays bill TL-900: payments would total 600,000 VND, more "
      "than its total 550,000 VND; pay at most 550,000 VND on it")),
    ("supplier_payments", "BILL-2026-000007,8745000", "BILL-2026-000070,8745000",
     "supplier_payments.csv line 2, bill 'BILL-2026-000070': no bill of supplier THIENLONG has this number"),
    ("supplier_payments", "2026-03-20,VND,TL-900", "2026-03-21,VND,TL-900",
     "supplier_payments.csv line 3, paid_on '2026-03-21': differs from line 2 of the same payment"),
])
def test_a_bad_row_names_file_line_and_fix_and_nothing_is_written(books: Session, tmp_path: Path, stem, old, new,
                                                                  expected):
    assert old in FILES[stem]
    files = {**FILES, stem: FILES[stem].replace(old, new)}
    before = counts(books)
    with pytest.raises(ImportFailed) as failed:
        import_directory(books, folder(tmp_path, files))
    assert any(error.startswith(expected) for error in failed.value.errors), failed.value.errors
    assert counts(books) == before
