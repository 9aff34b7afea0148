"""invoice_status: one invoice by its number, figures worked out by hand (today is 2026-11-20 in Ho Chi Minh City),
the sales rep's own customers only, numbers in imported formats, and the REST resource."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest
from sqlalchemy import select

from backend.errors import NotFound, PermissionDenied, ValidationFailed
from backend.importers import import_directory
from backend.models import Employee
from backend.tools import audit
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer, make_ticket
from tests.factories.fx import make_fx_rate
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice, make_order, make_payment

D = Decimal


@pytest.fixture
def books(session):
    """The rep Mai owns Pacific Rim (billed in USD) and Hoàng Long; Minh Phát is another rep's, Saigon Foods nobody's."""
    make_company(session)  # VND, Asia/Ho_Chi_Minh
    make_fx_rate(session, currency="USD", rate=D("25300"), rate_date=date(2026, 10, 1))
    make_fx_rate(session, currency="USD", rate=D("25000"), rate_date=date(2026, 11, 1))
    mai = make_employee(session, role="sales", name="Trần Thị Mai")
    other_rep = make_employee(session, role="sales", name="Nguyễn Văn Hưng")
    pacific = make_customer(session, name="Pacific Rim Imports", code="PACIFIC", currency="USD", owner=mai)
    hoang = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", owner=mai)
    minh = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", owner=other_rep)
    saigon = make_customer(session, name="Saigon Foods JSC", code="SAIGONFOODS")
    paper = make_product(session, sku="PAPER-A4", unit_price=D("4.00"), currency="USD")
    order = make_order(session, customer=pacific, lines=[(paper, 3000, None, D("0"))], order_date=date(2026, 10, 10),
                       number="SO-2026-000777", status="invoiced", salesperson=mai)
    # Partly paid, in USD, at its own rate (not the day's), 6 days past its due date of 2026-11-14.
    partly = make_invoice(session, customer=pacific, amount=D("12345.67"), issue_date=date(2026, 10, 15), order=order,
                          number="INV-2026-001263")
    partly.fx_rate = D("25412.5")
    make_payment(session, invoice=partly, amount=D("5000.00"), paid_on=date(2026, 10, 30), method="wire")
    make_payment(session, invoice=partly, amount=D("2000.50"), paid_on=date(2026, 11, 18), method="bank transfer")
    # Paid in two instalments, the last one 4 days after the due date of 2026-10-01.
    paid = make_invoice(session, customer=hoang, amount=D("8800000"), issue_date=date(2026, 9, 1),
                        number="INV-2026-000988")
    make_payment(session, invoice=paid, amount=D("3000000"), paid_on=date(2026, 9, 20), method="cash")
    make_payment(session, invoice=paid, amount=D("5800000"), paid_on=date(2026, 10, 5), method="bank transfer")
    make_invoice(session, customer=hoang, amount=D("5000000"), issue_date=date(2026, 8, 1), number="INV-2026-000990",
                 status="void")  # due 2026-08-31: long past, but void
    overdue = make_invoice(session, customer=hoang, amount=D("22000000"), issue_date=date(2026, 7, 1),
                           number="INV-2026-000901")  # due 2026-07-31
    make_payment(session, invoice=overdue, amount=D("2000000"), paid_on=date(2026, 8, 15), method=None)
    make_invoice(session, customer=hoang, amount=D("4400000"), issue_date=date(2026, 10, 21),
                 number="INV-2026-001300")  # due 2026-11-20: today
    make_invoice(session, customer=minh, amount=D("1100000"), issue_date=date(2026, 11, 1), number="INV-2026-000500")
    make_invoice(session, customer=saigon, amount=D("2200000"), issue_date=date(2026, 11, 1), number="INV-2026-000600")
    make_ticket(session, customer=hoang, number="TCK-2026-000098", subject="Short delivery")
    session.flush()
    return {"mai": mai, "other_rep": other_rep}


def ctx_of(session, now, settings, employee: Employee) -> ToolContext:
    return ToolContext(session=session, actor=employee, channel="test", now=now, settings=settings)


@pytest.fixture
def mai(session, now, settings, books):
    return ctx_of(session, now, settings, books["mai"])


@pytest.fixture
def finance(session, now, settings, books):
    return ctx_of(session, now, settings, make_employee(session, role="finance"))


def test_partly_paid_usd_invoice(mai):
    r = invoke("invoice_status", mai, {"invoice": "inv-2026-001263"})
    assert (r.number, r.customer_code, r.customer_name, r.order_number) == (
        "INV-2026-001263", "PACIFIC", "Pacific Rim Imports", "SO-2026-000777")
    assert (r.issue_date, r.due_date, r.currency, r.status) == (date(2026, 10, 15), date(2026, 11, 14), "USD", "open")
    assert r.amount == D("12345.67")
    assert r.paid_amount == D("7000.50")                 # 5,000.00 + 2,000.50
    assert r.open_balance == D("5345.17")                # 12,345.67 - 7,000.50
    assert (r.base_currency, r.fx_rate) == ("VND", D("25412.5"))
    assert r.open_balance_base == D("135834133")         # 5,345.17 x 25,412.5 = 135,834,132.625, half-up to the dong
    assert (r.overdue, r.days_overdue, r.aging_bucket) == (True, 6, "days_1_30")
    assert [(p.paid_on, p.amount, p.method) for p in r.payments] == [
        (date(2026, 10, 30), D("5000.00"), "wire"), (date(2026, 11, 18), D("2000.50"), "bank transfer")]
    assert r.summary == ("Invoice INV-2026-001263 for Pacific Rim Imports (PACIFIC), issued 2026-10-15, due 2026-11-14: "
                         "12,345.67 USD, 7,000.50 USD paid, 5,345.17 USD still open (135,834,133 VND at the invoice's "
                         "rate), 6 days overdue (1–30 days).")


def test_paid_invoice(mai):
    r = invoke("invoice_status", mai, {"invoice": "INV-2026-000988"})
    assert (r.status, r.amount, r.paid_amount, r.open_balance, r.open_balance_base) == (
        "paid", D("8800000"), D("8800000"), D("0"), D("0"))
    assert (r.overdue, r.days_overdue, r.aging_bucket, r.order_number) == (False, 0, None, None)
    assert [(p.paid_on, p.amount, p.method) for p in r.payments] == [
        (date(2026, 9, 20), D("3000000"), "cash"), (date(2026, 10, 5), D("5800000"), "bank transfer")]
    assert r.summary.endswith("8,800,000 VND, paid in full (last payment 2026-10-05).")


def test_void_invoice_owes_nothing_however_old(mai):
    r = invoke("invoice_status", mai, {"invoice": "INV-2026-000990"})
    assert (r.status, r.amount, r.paid_amount, r.open_balance, r.open_balance_base) == (
        "void", D("5000000"), D("0"), D("0"), D("0"))
    assert (r.due_date, r.overdue, r.days_overdue, r.aging_bucket, r.payments) == (date(2026, 8, 31), False, 0, None, [])
    assert r.summary.endswith("; it is void, so nothing is owed.")


def test_overdue_invoice(mai):
    r = invoke("invoice_status", mai, {"invoice": "INV-2026-000901"})
    assert (r.status, r.paid_amount, r.open_balance, r.open_balance_base) == ("open", D("2000000"), D("20000000"),
                                                                             D("20000000"))
    assert (r.due_date, r.overdue, r.days_overdue, r.aging_bucket) == (date(2026, 7, 31), True, 112, "days_91_plus")
    assert r.payments[0].method is None


def test_due_today_is_not_overdue(mai):
    r = invoke("invoice_status", mai, {"invoice": "INV-2026-001300"})
    assert (r.open_balance, r.overdue, r.days_overdue, r.aging_bucket) == (D("4400000"), False, 0, "current")
    assert r.summary.endswith("4,400,000 VND, nothing paid yet, 4,400,000 VND still open, due today.")


def test_vietnamese_summary(mai):
    r = invoke("invoice_status", mai, {"invoice": "INV-2026-000901", "language": "vi"})
    assert r.summary == ("Hóa đơn INV-2026-000901 của Hoàng Long Trading (HOANGLONG), lập ngày 2026-07-01, hạn "
                         "2026-07-31: 22,000,000 VND, đã trả 2,000,000 VND, còn nợ 20,000,000 VND, quá hạn 112 ngày "
                         "(trên 90 ngày).")


def test_a_rep_sees_only_the_invoices_of_their_own_customers(session, mai, books, finance, now, settings):
    for number in ("INV-2026-000500", "INV-2026-000600"):  # another rep's customer; a customer nobody owns
        with pytest.raises(PermissionDenied, match="not for one of your customers") as refused:
            invoke("invoice_status", mai, {"invoice": number})
        assert "Minh Phát" not in refused.value.message and refused.value.hint
        last = audit.tail(session, 1)[0]
        assert (last.tool, last.outcome) == ("invoice_status", "denied")
    other_rep = ctx_of(session, now, settings, books["other_rep"])
    assert invoke("invoice_status", other_rep, {"invoice": "INV-2026-000500"}).customer_code == "MINHPHAT"
    with pytest.raises(PermissionDenied):
        invoke("invoice_status", other_rep, {"invoice": "INV-2026-001263"})
    assert invoke("invoice_status", finance, {"invoice": "INV-2026-000500"}).open_balance == D("1100000")
    support = ctx_of(session, now, settings, make_employee(session, role="support"))
    assert invoke("invoice_status", support, {"invoice": "INV-2026-000600"}).customer_code == "SAIGONFOODS"


def test_no_such_invoice_is_not_found_with_a_hint(finance):
    with pytest.raises(NotFound, match="There is no invoice INV-2026-424242") as missing:
        invoke("invoice_status", finance, {"invoice": " INV-2026-424242 "})
    assert "INV-2026-000123" in missing.value.hint
    with pytest.raises(NotFound) as order_number:
        invoke("invoice_status", finance, {"invoice": "so-2026-000777"})
    assert order_number.value.hint == "SO-2026-000777 is a sales order; its invoices: INV-2026-001263."
    with pytest.raises(NotFound) as ticket_number:
        invoke("invoice_status", finance, {"invoice": "TCK-2026-000098"})
    assert "support ticket" in ticket_number.value.hint
    with pytest.raises(ValidationFailed, match="invoice"):
        invoke("invoice_status", finance, {"invoice": "X" * 41})


# --- numbers imported in their own format -------------------------------------------------------------------------

IMPORTED = {
    "company.csv": """
        name,base_currency,timezone,tax_rate_pct
        Legacy Paper Co,VND,Asia/Ho_Chi_Minh,10
        """,
    "fx_rates.csv": """
        currency,rate_date,rate
        USD,2026-09-01,25850.5
        """,
    "employees.csv": """
        code,name,email,role
        MAI,Trần Thị Mai,mai@legacy.test,sales
        """,
    "customers.csv": """
        code,name,currency,owner_code
        HL,Hoàng Long Trading,VND,MAI
        EXPORT,Pacific Rim Imports,USD,MAI
        """,
    "products.csv": """
        sku,name,unit_price
        A4,Giấy A4 80gsm,1500000
        """,
    "orders.csv": """
        number,customer_code,order_date,status,shipped_date
        BO-17-2108,HL,2026-08-25,shipped,2026-08-28
        """,
    "order_lines.csv": """
        order_number,sku,quantity,unit_price
        BO-17-2108,A4,10,1500000
        """,
    "invoices.csv": """
        number,customer_code,order_number,issue_date,due_date,currency,amount
        BI-17-01510,HL,BO-17-2108,2026-09-01,2026-10-01,VND,16500000
        BI-17-01511,EXPORT,,2026-09-15,2026-10-15,USD,1234.56
        """,
    "payments.csv": """
        invoice_number,paid_on,amount,method
        BI-17-01510,2026-10-10,6500000,bank transfer
        """,
}


def import_legacy_books(session, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in IMPORTED.items():
        (folder / name).write_text(dedent(content).lstrip("\n"), encoding="utf-8")
    import_directory(session, folder)


def test_imported_invoice_numbers(session, now, settings, tmp_path: Path):
    import_legacy_books(session, tmp_path / "legacy")
    mai = session.execute(select(Employee).where(Employee.code == "MAI")).scalar_one()
    ctx = ctx_of(session, now, settings, mai)
    r = invoke("invoice_status", ctx, {"invoice": "bi-17-01510", "language": "vi"})
    assert (r.number, r.customer_name, r.order_number) == ("BI-17-01510", "Hoàng Long Trading", "BO-17-2108")
    assert (r.paid_amount, r.open_balance, r.days_overdue, r.aging_bucket) == (
        D("6500000"), D("10000000"), 50, "days_31_60")  # due 2026-10-01
    assert "còn nợ 10,000,000 VND" in r.summary and r.payments[0].method == "bank transfer"
    usd = invoke("invoice_status", ctx, {"invoice": "BI-17-01511"})
    assert (usd.currency, usd.fx_rate, usd.open_balance) == ("USD", D("25850.5"), D("1234.56"))
    assert usd.open_balance_base == D("31913993")  # 1,234.56 x 25,850.5 = 31,913,993.28
    assert (usd.days_overdue, usd.aging_bucket) == (36, "days_31_60")  # due 2026-10-15


# --- REST -------------------------------------------------------------------------------------------------------

def test_rest_invoice_resource(api, session, books, now):
    token = make_token(session, employee=books["mai"], now=now)
    response = api.get("/api/invoices/INV-2026-001263", headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["number"] == "INV-2026-001263" and body["customer_code"] == "PACIFIC"
    assert (D(body["open_balance"]), D(body["open_balance_base"])) == (D("5345.17"), D("135834133"))
    assert [p["paid_on"] for p in body["payments"]] == ["2026-10-30", "2026-11-18"]
    vi = api.get("/api/invoices/inv-2026-000901", params={"language": "vi"}, headers=bearer(token))
    assert vi.status_code == 200 and vi.json()["summary"].startswith("Hóa đơn INV-2026-000901")

    missing = api.get("/api/invoices/INV-2026-424242", headers=bearer(token))
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found" and "INV-2026-424242" in missing.json()["message"]
    assert missing.json()["hint"]
    refused = api.get("/api/invoices/INV-2026-000500", headers=bearer(token))
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"


def test_the_planners_answer_reads_the_invoice_not_its_fields(mai):
    """The offline brain's answer: the tool's sentence, the order and each payment, never the raw result."""
    from assistant.planner.answers import compose_answer

    r = invoke("invoice_status", mai, {"invoice": "INV-2026-001263"}).model_dump(mode="json")
    answer = compose_answer({"tool": "invoice_status", "args": {}, "language": "en"}, [{"status": "ok", "result": r}])
    assert answer.splitlines()[0] == r["summary"]
    assert "Order: SO-2026-000777 — 1 line(s), 3000 unit(s)." in answer   # what was sold, counted
    assert "- paid 5,000.00 USD on 2026-10-30 (wire)" in answer and "- paid 2,000.50 USD on 2026-11-18" in answer
    assert "{" not in answer and "open_balance" not in answer
    # asked what is on it: the lines themselves
    listed = compose_answer({"tool": "invoice_status", "args": {}, "language": "en", "hints": {"lines": True}},
                            [{"status": "ok", "result": r}])
    line = r["lines"][0]
    assert f"  - {line['quantity']} × {line['name']} ({line['sku']}) = " in listed
