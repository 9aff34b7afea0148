"""query_data through REST: figures as JSON, and every bad query a 4xx that names what to fix — never a 5xx —
with nothing changed."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.models import Customer, SalesOrder
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.semantic import NOW, make_semantic_world


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def world(session):
    return make_semantic_world(session)


@pytest.fixture
def finance_token(session, world):
    return make_token(session, employee=world["ha"])


def test_a_query_answers_with_rows_totals_and_definitions(api, finance_token):
    response = api.post("/api/query", headers=bearer(finance_token),
                        json={"measures": ["revenue", "orders"], "group_by": ["segment"], "period": "2026"})
    assert response.status_code == 200
    body = response.json()
    assert {r["segment"]: r["revenue"] for r in body["rows"]} == {"SMB": "1475000", "Enterprise": "500000",
                                                                  "Export": "312000"}
    assert body["totals"] == {"revenue": "2287000", "orders": 3}
    assert body["period"]["label"] == "2026" and body["measures"][0]["definition"].startswith("Net line amounts")
    same = api.post("/api/tools/query_data", headers=bearer(finance_token),
                    json={"measures": ["revenue", "orders"], "group_by": ["segment"], "period": "2026"})
    assert same.json()["rows"] == body["rows"]


BAD = [
    ({"measures": ["profit_per_employee"]}, 422, "measures"),
    ({"measures": ["revenue"], "group_by": ["stage"]}, 422, "stage"),
    ({"measures": ["revenue"], "period": "the year before the flood"}, 422, "period"),
    ({"measures": ["revenue"], "conditions": [{"measure": "revenue", "op": ">", "value": "lots"}]}, 422, "value"),
    ({"measures": ["revenue"], "limit": "many"}, 422, "limit"),
    ({"measures": "revenue,orders"}, 422, "measures"),
    ({"measures": ["revenue"], "filters": [{"dimension": "city", "values": ["Atlantis"]}]}, 422, "Atlantis"),
    ({"measures": ["revenue"], "customer": "Nobody Trading"}, 404, "Nobody"),
    ({}, 422, "measures"),
]


@pytest.mark.parametrize("body, status, says", BAD, ids=[b[2] for b in BAD])
def test_bad_queries_are_4xx_and_change_nothing(api, session, finance_token, body, status, says):
    before = (session.execute(select(func.count()).select_from(SalesOrder)).scalar_one(),
              session.execute(select(func.count()).select_from(Customer)).scalar_one())
    response = api.post("/api/query", headers=bearer(finance_token), json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"] in ("validation_failed", "not_found") and says.lower() in response.text.lower()
    assert before == (session.execute(select(func.count()).select_from(SalesOrder)).scalar_one(),
                      session.execute(select(func.count()).select_from(Customer)).scalar_one())


def test_support_is_refused_margins_through_rest(api, session, world):
    token = make_token(session, employee=world["anh"])
    response = api.post("/api/query", headers=bearer(token), json={"measures": ["gross_margin"]})
    assert response.status_code == 403 and "gross_margin" in response.json()["message"]
    assert api.post("/api/query", headers=bearer(token), json={"measures": ["open_tickets"]}).status_code == 200


def test_the_openapi_document_lists_the_models_names(api):
    schema = api.get("/openapi.json").json()
    names = set()
    for component in schema["components"]["schemas"].values():
        for prop in component.get("properties", {}).values():
            names.update(prop.get("items", {}).get("enum", []))
    assert {"revenue", "open_receivables", "days_since_last_contact", "aging_bucket", "quarter"} <= names
