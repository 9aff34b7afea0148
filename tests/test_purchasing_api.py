"""Purchasing over REST: a purchase order previewed (202) and confirmed, goods received the same way, a caller's
mistakes answered 4xx with a message, and roles enforced on the routes the registry generates."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from backend.models import PurchaseOrder, StockLevel
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.catalog import make_product, make_warehouse
from tests.factories.org import make_company, make_employee
from tests.factories.purchasing import make_supplier


@pytest.fixture
def token(session, now):
    make_company(session)
    make_warehouse(session, code="HCM")
    make_product(session, sku="PAPER-A4", name="A4 Copy Paper", unit_cost=Decimal("70000"), stock=0)
    make_supplier(session, name="Thiên Long Supplies", code="THIENLONG")
    return make_token(session, employee=make_employee(session, role="finance"), now=now)


def _orders(session) -> int:
    return session.execute(select(func.count()).select_from(PurchaseOrder)).scalar_one()


def _confirm(api, token, response) -> dict:
    assert response.status_code == 202, response.text
    done = api.post(f"/api/confirmations/{response.json()['confirmation_id']}", headers=bearer(token))
    assert done.status_code == 200, done.text
    return done.json()


def test_a_purchase_order_round_trip_over_rest(api, session, token):
    body = {"supplier": "thien long", "lines": [{"product": "PAPER-A4", "quantity": 12}]}
    response = api.post("/api/tools/create_purchase_order", json=body, headers=bearer(token))
    assert Decimal(response.json()["preview"]["purchase_order"]["total"]) == Decimal("924000")
    assert _orders(session) == 0
    number = _confirm(api, token, response)["purchase_order"]["number"]
    assert number == "PO-2026-000001" and _orders(session) == 1
    sent = _confirm(api, token, api.post("/api/tools/approve_purchase_order", json={"purchase_order": number},
                                         headers=bearer(token)))
    assert sent["purchase_order"]["status"] == "sent"
    receipt = _confirm(api, token, api.post("/api/tools/receive_goods", json={"purchase_order": number},
                                            headers=bearer(token)))
    assert receipt["status"] == "received"
    assert session.execute(select(StockLevel.quantity)).scalar_one() == 12


@pytest.mark.parametrize("body, status, error", [
    ({"supplier": "THIENLONG", "lines": [{"product": "PAPER-A4", "quantity": 0}]}, 422, "validation_failed"),
    ({"supplier": "THIENLONG", "lines": [{"product": "PAPER-A4", "quantity": "5"}]}, 422, "validation_failed"),
    ({"supplier": "THIENLONG", "lines": []}, 422, "validation_failed"),
    ({"supplier": "NOBODY AT ALL", "lines": [{"product": "PAPER-A4", "quantity": 1}]}, 404, "not_found"),
    ({"supplier": "THIENLONG", "lines": [{"product": "PAPER-A4", "quantity": 10_000_000,
                                          "unit_cost": "999999999999"}]}, 422, "validation_failed"),
])
def test_bad_purchase_orders_are_4xx_with_a_message(api, session, token, body, status, error):
    response = api.post("/api/tools/create_purchase_order", json=body, headers=bearer(token))
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert response.json()["message"]
    assert _orders(session) == 0


def test_an_unknown_bill_and_an_overpayment_are_4xx(api, session, token):
    response = api.post("/api/tools/record_supplier_payment", json={"bills": [{"bill": "BILL-2026-999999"}]},
                        headers=bearer(token))
    assert response.status_code == 404
    response = api.post("/api/tools/record_supplier_payment",
                        json={"bills": [{"bill": "B-1"}, {"bill": "b-1"}]}, headers=bearer(token))
    assert response.status_code == 422 and "each bill may appear once" in response.json()["message"]


def test_payables_over_rest_is_refused_to_sales(api, session, token, now):
    sales = make_token(session, employee=make_employee(session, role="sales"), now=now)
    response = api.post("/api/tools/payables", json={}, headers=bearer(sales))
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"
    assert api.post("/api/tools/payables", json={}, headers=bearer(token)).status_code == 200
