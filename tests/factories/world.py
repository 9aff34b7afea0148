"""A small trading company the assistant tests talk to: a sales rep who owns Hoàng Long and Minh Phát, a
support agent, a manager, Saigon Foods with a credit limit, one paper SKU, an open invoice and a high ticket."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from tests.factories.catalog import make_product
from tests.factories.customers import make_customer, make_ticket
from tests.factories.org import make_company, make_employee
from tests.factories.sales import make_invoice


def make_small_world(session: Session) -> dict[str, Any]:
    make_company(session, name="Sông Hồng Trading")
    rep = make_employee(session, role="sales", name="Trần Thị Mai")
    support = make_employee(session, role="support", name="Phạm Minh Anh")
    manager = make_employee(session, role="manager", name="Lê Văn Hùng")
    hoang = make_customer(session, name="Hoàng Long Trading", code="HOANGLONG", owner=rep)
    minh_phat = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", owner=rep)
    make_customer(session, name="Saigon Foods JSC", code="SAIGONFOODS", credit_limit=Decimal("40000000"))
    make_product(session, sku="PAP-A4-80", name="Giấy A4 Double A 80gsm", category="Paper", unit_price=Decimal("85000"))
    make_invoice(session, customer=hoang, amount=Decimal("12000000"))
    make_ticket(session, customer=hoang, subject="Giao thiếu 20 thùng giấy", priority="high")
    return {"rep": rep, "support": support, "manager": manager, "hoang": hoang, "minh_phat": minh_phat}
