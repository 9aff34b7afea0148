"""The REST API over the tool registry: auth, reads, two-phase writes, idempotency, errors, audit, OpenAPI."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backend.api.app import INTERNAL_ERROR, RESOURCES, resource_path_field
from backend.api.auth import authenticate, hash_password, verify_password
from backend.models import ApiToken, AuditEntry, Confirmation, Ticket
from backend.tools import audit, registry
from tests.factories.api import api, api_app, bearer, build_app, make_token, point_app_at  # noqa: F401
from tests.factories.customers import make_customer, make_ticket
from tests.factories.org import make_company, make_employee


@pytest.fixture
def world(session):
    make_company(session)
    acme = make_customer(session, name="Acme Trading", code="ACME")
    make_customer(session, name="Minh Phát Stationery", code="MINHPHAT")
    make_customer(session, name="Minh Phát Paper", code="MINHPAPER")
    make_ticket(session, customer=acme, subject="Late delivery", priority="high")
    return {"acme": acme}


@pytest.fixture
def sales(session, world):
    rep = make_employee(session, role="sales")
    world["acme"].owner_id = rep.id  # the rep's own customer (a rep checks credit for those only)
    session.flush()
    return rep


@pytest.fixture
def token(session, sales, now):
    return make_token(session, employee=sales, label="test", now=now)


def _tickets(session) -> int:
    return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


def _audit_rows(session) -> list[AuditEntry]:
    session.expire_all()
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


TICKET = {"customer": "ACME", "subject": "Broken stapler", "priority": "high"}


# --- health and authentication ------------------------------------------------------------------------

def test_health_needs_no_token(api):
    response = api.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_reports_an_unreachable_database(api_app):
    def broken():
        raise OSError("connection refused")

    api_app.state.tandem_sessions = broken
    response = TestClient(api_app).get("/api/health")
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"


@pytest.mark.parametrize("header", [None, "Bearer tdm_not-a-real-token", "Bearer abc", "Basic dXNlcjpwdw=="])
def test_missing_or_invalid_token_is_401_with_challenge(api, world, header):
    response = api.get("/api/tools", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["error"] == "unauthenticated" and body["message"]


def test_revoked_token_is_refused(api, session, sales, token, now):
    assert api.get("/api/tools", headers=bearer(token)).status_code == 200
    session.execute(update(ApiToken).values(revoked_at=now))
    response = api.get("/api/tools", headers=bearer(token))
    assert response.status_code == 401 and "revoked" in response.json()["message"]


def test_expired_token_is_refused(api, session, sales, now):
    stale = make_token(session, employee=sales, ttl_days=1, now=now - timedelta(days=2))
    response = api.get("/api/tools", headers=bearer(stale))
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_deactivated_employee_is_refused(api, session, sales, token):
    sales.active = False
    session.flush()
    assert api.get("/api/tools", headers=bearer(token)).status_code == 401


def test_token_is_stored_hashed_and_its_use_is_recorded(api, session, sales, token, now):
    row = session.execute(select(ApiToken)).scalar_one()
    assert token.startswith("tdm_") and token not in row.token_hash and len(row.token_hash) == 64
    api.get("/api/tools", headers=bearer(token))
    api.get("/api/tools", headers=bearer(token))
    session.refresh(row)
    assert row.uses == 2 and row.last_used_at == now
    assert authenticate(session, token, now=now).id == sales.id


def test_password_hashes_are_salted_and_verify():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("correct horse", first) and not verify_password("wrong horse", first)
    assert not verify_password("anything", None) and not verify_password("anything", "garbage")


# --- the tool catalogue and reads ---------------------------------------------------------------------

def test_tool_list_shows_only_the_callers_tools(api, session, world, now):
    support = make_employee(session, role="support")
    listed = api.get("/api/tools", headers=bearer(make_token(session, employee=support, now=now))).json()
    names = {tool["name"] for tool in listed["tools"]}
    assert listed["role"] == "support"
    assert {"find_customers", "list_tickets", "create_ticket"} <= names
    assert "create_quote" not in names
    ticket_tool = next(t for t in listed["tools"] if t["name"] == "create_ticket")
    assert ticket_tool["kind"] == "write" and ticket_tool["path"] == "/api/tools/create_ticket"
    assert "subject" in ticket_tool["input_schema"]["properties"] and ticket_tool["output_schema"]["properties"]


def test_read_tool_returns_its_result(api, token):
    response = api.post("/api/tools/find_customers", json={"query": "acme"}, headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["candidates"][0]["code"] == "ACME" and body["ambiguous"] is False


def test_generic_route_serves_tools_registered_after_start_up(session, now, token, monkeypatch):
    registry.load_tools()
    spec = registry.REGISTRY["list_tickets"]
    monkeypatch.delitem(registry.REGISTRY, "list_tickets")
    app = build_app()
    assert "/api/tools/list_tickets" not in app.openapi()["paths"]
    monkeypatch.setitem(registry.REGISTRY, "list_tickets", spec)
    point_app_at(app, session, now)
    response = TestClient(app).post("/api/tools/list_tickets", json={"status": "any"}, headers=bearer(token))
    assert response.status_code == 200 and response.json()["total"] == 1


def test_resource_routes_call_the_same_tools(api, token):
    found = api.get("/api/customers", params={"q": "acme", "limit": 3}, headers=bearer(token))
    assert found.status_code == 200 and found.json()["candidates"][0]["code"] == "ACME"
    tickets = api.get("/api/tickets", params={"customer": "ACME", "status": "any"}, headers=bearer(token))
    assert tickets.status_code == 200 and tickets.json()["customer_code"] == "ACME"
    assert tickets.json()["tickets"][0]["subject"] == "Late delivery"


def test_post_tickets_resource_previews_like_the_tool(api, session, token):
    response = api.post("/api/tickets", json=TICKET, headers=bearer(token))
    assert response.status_code == 202 and response.json()["tool"] == "create_ticket"
    assert _tickets(session) == 1  # the factory's ticket only


def test_json_body_without_content_type_is_accepted(api, token):
    response = api.post("/api/tools/find_customers", content=b'{"query": "acme"}',
                        headers=bearer(token, **{"Content-Type": "application/x-www-form-urlencoded"}))
    assert response.status_code == 200 and response.json()["candidates"][0]["code"] == "ACME"


def test_resource_path_parameters_map_to_tool_fields():
    """When a resource's tool is installed, its path parameter must feed a field of the tool's input by name."""
    registry.load_tools()
    for resource in RESOURCES:
        spec = registry.REGISTRY.get(resource.tool)
        if spec is None or not resource.path_param:
            continue
        field, found = resource_path_field(resource, spec)
        assert found, f"{resource.path}: {spec.name} has none of the input fields {resource.path_fields}"


@pytest.fixture
def trading(session, world):
    from decimal import Decimal

    from tests.factories.catalog import make_product
    from tests.factories.sales import make_order

    paper = make_product(session, sku="PAPER-A4", name="A4 copy paper", stock=500)
    make_order(session, customer=world["acme"], lines=[(paper, 10, None, Decimal(0))], number="SO-T-000042")
    return paper


RESOURCE_CALLS = [
    ("/api/customers/ACME", "customer_overview", {}, lambda body: body["code"] == "ACME"),
    ("/api/customers/acme/overview", "customer_overview", {}, lambda body: body["profile"]["code"] == "ACME"),
    ("/api/customers/ACME/credit", "check_credit", {"order_amount": "1000000"},
     lambda body: isinstance(body["exposure"], str) and body["order_amount"] is not None),
    ("/api/customers/ACME/history", "customer_history", {"kinds": ["orders", "tickets"], "page_size": "5"},
     lambda body: {entry["kind"] for entry in body["entries"]} == {"order", "ticket"}),
    ("/api/orders/SO-T-000042", "order_status", {}, lambda body: body["orders"][0]["number"] == "SO-T-000042"),
    ("/api/reports/open_orders", "run_report", {}, lambda body: body is not None),
    ("/api/reports/open_orders", "run_report", {"language": "vi"},
     lambda body: body["title"].startswith("Đơn còn mở") and body["columns"][0]["label"] == "Đơn hàng"),
]


@pytest.mark.parametrize(("path", "tool", "params", "check"), RESOURCE_CALLS, ids=[c[0] for c in RESOURCE_CALLS])
def test_resource_read_routes(api, trading, token, path, tool, params, check):
    if tool not in registry.REGISTRY:
        pytest.skip(f"{tool} is not registered yet")
    response = api.get(path, params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert check(response.json())


def test_customer_resource_needs_the_exact_code(api, trading, token):
    if "customer_overview" not in registry.REGISTRY:
        pytest.skip("customer_overview is not registered yet")
    assert api.get("/api/customers/acme", headers=bearer(token)).status_code == 200  # codes are case-insensitive
    by_name = api.get("/api/customers/Acme Trading", headers=bearer(token))
    assert by_name.status_code == 404 and "GET /api/customers?q=" in by_name.json()["hint"]
    assert api.get("/api/customers/Acme Trading/overview", headers=bearer(token)).status_code == 200


def test_post_quotes_previews_a_quote(api, trading, token):
    if "create_quote" not in registry.REGISTRY:
        pytest.skip("create_quote is not registered yet")
    body = {"customer": "ACME", "lines": [{"product": "PAPER-A4", "quantity": 3}]}
    response = api.post("/api/quotes", json=body, headers=bearer(token))
    assert response.status_code == 202 and response.json()["tool"] == "create_quote"


# --- two-phase writes ---------------------------------------------------------------------------------

def test_write_previews_then_confirm_executes_once(api, session, token):
    response = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token))
    assert response.status_code == 202
    pending = response.json()
    assert pending["status"] == "pending_confirmation" and pending["preview"]["created"] is False
    assert response.headers["Location"] == f"/api/confirmations/{pending['confirmation_id']}"
    assert _tickets(session) == 1

    done = api.post(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(token))
    assert done.status_code == 200
    assert done.json()["created"] is True and done.json()["ticket"]["number"].startswith("TCK-2026-")
    assert _tickets(session) == 2

    replay = api.post(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(token))
    assert replay.status_code == 409 and replay.json()["error"] == "confirmation_refused"
    assert _tickets(session) == 2


def test_confirm_by_another_employee_is_403(api, session, token, now):
    pending = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token)).json()
    other = make_token(session, employee=make_employee(session, role="sales"), now=now)
    response = api.post(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(other))
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"
    assert _tickets(session) == 1


def test_confirm_with_changed_arguments_is_409(api, session, token):
    pending = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token)).json()
    changed = TICKET | {"priority": "low"}
    response = api.post(f"/api/confirmations/{pending['confirmation_id']}", json={"arguments": changed},
                        headers=bearer(token))
    assert response.status_code == 409 and "changed" in response.json()["message"]
    same = api.post(f"/api/confirmations/{pending['confirmation_id']}", json={"arguments": TICKET},
                    headers=bearer(token))
    assert same.status_code == 200 and _tickets(session) == 2


def test_cancelled_confirmation_cannot_be_confirmed(api, session, token):
    pending = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token)).json()
    cancelled = api.delete(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(token))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    response = api.post(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(token))
    assert response.status_code == 409 and _tickets(session) == 1


def test_unknown_confirmation_is_404(api, token):
    assert api.post("/api/confirmations/no-such-id", headers=bearer(token)).status_code == 404
    assert api.delete("/api/confirmations/no-such-id", headers=bearer(token)).status_code == 404


def test_idempotency_key_on_the_write_returns_the_same_preview(api, session, token):
    first = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token, **{"Idempotency-Key": "k-1"}))
    again = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token, **{"Idempotency-Key": "k-1"}))
    assert first.status_code == again.status_code == 202
    assert first.json()["confirmation_id"] == again.json()["confirmation_id"]
    assert session.execute(select(func.count()).select_from(Confirmation)).scalar_one() == 1
    reused = api.post("/api/tools/create_ticket", json=TICKET | {"subject": "Another thing"},
                      headers=bearer(token, **{"Idempotency-Key": "k-1"}))
    assert reused.status_code == 409


def test_idempotency_key_on_the_confirm_returns_the_first_result(api, session, token):
    pending = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token)).json()
    url = f"/api/confirmations/{pending['confirmation_id']}"
    first = api.post(url, headers=bearer(token, **{"Idempotency-Key": "confirm-1"}))
    retry = api.post(url, headers=bearer(token, **{"Idempotency-Key": "confirm-1"}))
    assert first.status_code == retry.status_code == 200
    assert first.json()["ticket"]["number"] == retry.json()["ticket"]["number"]
    assert _tickets(session) == 2
    assert api.post(url, headers=bearer(token, **{"Idempotency-Key": "confirm-2"})).status_code == 409


def test_overlong_idempotency_key_is_422(api, token):
    response = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token, **{"Idempotency-Key": "k" * 101}))
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["details"]["fields"][0]["field"]


# --- errors -------------------------------------------------------------------------------------------

def test_bad_input_is_422_naming_the_field(api, token):
    response = api.post("/api/tools/find_customers", json={"query": "acme", "limit": 500}, headers=bearer(token))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed" and "limit" in body["message"] and body["hint"]
    assert body["details"]["fields"][0]["field"] == "limit"
    missing = api.post("/api/tools/find_customers", json={}, headers=bearer(token)).json()
    assert missing["details"]["fields"][0]["field"] == "query"
    query = api.get("/api/tickets", params={"limit": "lots"}, headers=bearer(token))
    assert query.status_code == 422 and query.json()["details"]["fields"][0]["field"] == "limit"


def test_malformed_json_is_422(api, token):
    response = api.post("/api/tools/find_customers", content=b"{not json",
                        headers=bearer(token, **{"Content-Type": "application/json"}))
    assert response.status_code == 422 and response.json()["error"] == "validation_failed"


def test_non_object_body_is_422(api, token):
    response = api.post("/api/tools/find_customers", json=["acme"], headers=bearer(token))
    assert response.status_code == 422


def test_unknown_tool_is_404_with_hint(api, token):
    response = api.post("/api/tools/drop_database", json={}, headers=bearer(token))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "GET /api/tools" in response.json()["hint"]


def test_unknown_customer_is_404_with_hint(api, token):
    response = api.post("/api/tools/create_ticket", json=TICKET | {"customer": "Nobody Ltd"}, headers=bearer(token))
    assert response.status_code == 404
    assert "Nobody Ltd" in response.json()["message"] and response.json()["hint"]
    listed = api.get("/api/tickets", params={"customer": "Nobody Ltd"}, headers=bearer(token))
    assert listed.status_code == 404


def test_ambiguous_customer_is_409_with_candidates(api, token):
    response = api.get("/api/tickets", params={"customer": "minh phat"}, headers=bearer(token))
    assert response.status_code == 409
    codes = {c["code"] for c in response.json()["details"]["candidates"]}
    assert {"MINHPHAT", "MINHPAPER"} <= codes


def test_unknown_endpoint_is_a_json_404(api):
    response = api.get("/api/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_unexpected_tool_error_is_a_bare_500_that_keeps_its_audit_row(api_app, session, token, monkeypatch):
    registry.load_tools()
    spec = registry.REGISTRY["find_customers"]

    def boom(ctx, params):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setitem(registry.REGISTRY, "find_customers", dataclasses.replace(spec, fn=boom))
    before = len(_audit_rows(session))
    response = TestClient(api_app, raise_server_exceptions=False).post(
        "/api/tools/find_customers", json={"query": "acme"}, headers=bearer(token))
    assert response.status_code == 500
    assert response.json()["error"] == INTERNAL_ERROR["error"] and "hunter2" not in response.text
    # The tool's work is rolled back to its savepoint; the guard's 'failed' row is committed with the request.
    rows = _audit_rows(session)
    assert len(rows) == before + 1 and (rows[-1].tool, rows[-1].outcome) == ("find_customers", "failed")


# --- audit --------------------------------------------------------------------------------------------

def test_api_calls_are_audited_allowed_and_denied(api, session, sales, token, now):
    api.post("/api/tools/find_customers", json={"query": "acme"}, headers=bearer(token))
    pending = api.post("/api/tools/create_ticket", json=TICKET, headers=bearer(token)).json()
    api.post(f"/api/confirmations/{pending['confirmation_id']}", headers=bearer(token))
    api.post("/api/tools/find_customers", json={}, headers=bearer(token))
    finance = make_employee(session, role="finance")
    denied = api.post("/api/tools/create_ticket", json=TICKET,
                      headers=bearer(make_token(session, employee=finance, now=now)))
    assert denied.status_code == 403

    rows = _audit_rows(session)[-5:]
    assert [(r.tool, r.outcome) for r in rows] == [
        ("find_customers", "ok"), ("create_ticket", "pending"), ("confirm:create_ticket", "ok"),
        ("find_customers", "rejected"), ("create_ticket", "denied")]
    assert {r.channel for r in rows} == {"api"}
    assert rows[0].actor == sales.email and rows[-1].actor == finance.email
    assert rows[0].occurred_at == now
    assert audit.verify(session).ok


# --- OpenAPI ------------------------------------------------------------------------------------------

def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_openapi_document_is_complete_and_valid(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    schemas = doc["components"]["schemas"]
    for ref in set(_refs(doc)):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref

    from jsonschema import Draft202012Validator

    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)

    for path, operations in doc["paths"].items():
        if not path.startswith("/api"):
            continue
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            errors = [code for code in operation["responses"] if code[0] in "45"]
            assert errors, f"{where} documents no error responses"
            for code in errors:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), f"{where} {code} is not an ErrorBody"
            if path != "/api/health":
                assert "401" in operation["responses"], f"{where} doesn't document 401"

    registry.load_tools()
    for spec in registry.REGISTRY.values():
        operation = doc["paths"][f"/api/tools/{spec.name}"]["post"]
        assert {"400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].rsplit("/", 1)[1].startswith(spec.input_model.__name__)
        success = "202" if spec.kind == "write" else "200"
        assert "$ref" in operation["responses"][success]["content"]["application/json"]["schema"]

    try:
        from openapi_spec_validator import validate
    except ImportError:
        return
    validate(doc)
