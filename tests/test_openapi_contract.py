"""The OpenAPI document tells the truth: schemathesis generates requests from it — valid ones and deliberately broken
ones — and sends them to the app in process (no network), signed in as an admin with a bearer token and a web
session. Any 5xx fails, and so does a status the document does not list for the operation, a response that breaks
its documented schema or content type, a broken input that is accepted, or an undocumented method answered with
anything but 405 and `Allow`. Bounded examples and a fixed seed keep it quick and repeatable.

Not checked: that every *valid* input is accepted. A schema can't say everything a business rule refuses — a
period written "0000" is a string of the right length and still no period — and those refusals are 422s, which
every tool operation documents."""
from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks

from backend.api import web_sessions
from backend.api.auth import set_password
from tests.factories.api import build_app, make_token, point_app_at
from tests.factories.world import make_small_world
from tests.factories.org import make_employee

SEED = 15
CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    # The bearer token is the fixture's to send, not a parameter to mutate.
    "generation": {"mode": "all", "max-examples": 5, "with-security-parameters": False},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
    # write_report renders a PDF per request: its boundary cases (every report in every format) would take half the
    # run; test_api_inputs_are_strict covers what they would find.
    "operations": [{"include-operation-id": "tool_write_report", "phases": {"coverage": {"enabled": False}}}],
})
CHECKS = [not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.negative_data_rejection,
          checks.missing_required_header, checks.unsupported_method, checks.allow_header_conformance]


APP = build_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture
def credentials(session, now):
    """The app on this test's database, and the credentials of an admin who may call every operation."""
    point_app_at(APP, session, now)
    make_small_world(session)
    admin = make_employee(session, role="admin", email="admin@example.test")
    set_password(session, admin, "correct horse battery")
    token = make_token(session, employee=admin, now=now)
    signed = web_sessions.sign_in(session, now=now, ttl_minutes=60, api_token=token)
    session.flush()
    yield {"headers": {"Authorization": f"Bearer {token}", web_sessions.CSRF_HEADER: signed.csrf_token},
           "cookies": {web_sessions.COOKIE_NAME: signed.cookie_token}}
    APP.state.tandem_sessions = None
    APP.dependency_overrides.clear()


@schema.parametrize()
@settings(deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
def test_the_api_answers_as_its_document_says(case, credentials):
    headers = {**credentials["headers"], **(case.headers or {})}
    case.call_and_validate(headers=headers, cookies=credentials["cookies"], checks=CHECKS)


# --- what the run above found, kept as plain regressions ------------------------------------------------------

@pytest.fixture
def api(session, now):
    point_app_at(APP, session, now)
    yield TestClient(APP)
    APP.state.tandem_sessions = None
    APP.dependency_overrides.clear()


@pytest.fixture
def admin_token(session, now):
    make_small_world(session)
    return make_token(session, employee=make_employee(session, role="admin"), now=now)


def test_api_inputs_are_strict(api, admin_token):
    auth = {"Authorization": f"Bearer {admin_token}"}
    assert api.post("/api/tools/write_report", json={"report": "restock", "format": "md", "return_content": 0},
                    headers=auth).status_code == 422
    assert api.post("/api/tools/write_report", json={"report": "restock", "format": "md", "return_content": True},
                    headers=auth).status_code == 200
    for body in (b"null", b"[]", b'"{}"', b"5"):
        response = api.post("/api/tools/list_tickets", content=body, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 422, body
    assert api.post("/api/tools/list_tickets", headers=auth).status_code == 200  # no body at all: no arguments
    assert api.post("/api/tools/list_tickets", json={"limit": "5"}, headers=auth).status_code == 422
    # A query string is read as the type its field has: ?limit=5 is the integer 5, ?limit=five is refused.
    assert api.get("/api/tickets?limit=5", headers=auth).status_code == 200
    assert api.get("/api/tickets?limit=five", headers=auth).status_code == 422
    assert api.get("/api/customers/HOANGLONG/history?include_lines=true", headers=auth).status_code == 200
    assert api.get("/api/customers/HOANGLONG/history?include_lines=yes", headers=auth).status_code == 422


def test_required_query_parameters_are_documented_as_required(api, admin_token):
    parameters = {p["name"]: p for p in api.get("/openapi.json").json()["paths"]["/api/customers"]["get"]["parameters"]}
    assert parameters["q"]["required"] is True and parameters["limit"].get("required", False) is False
    missing = api.get("/api/customers?limit=1", headers={"Authorization": f"Bearer {admin_token}"})
    assert missing.status_code == 422 and missing.json()["details"]["fields"][0]["field"] == "query.q"


def test_every_operation_documents_its_errors_with_the_error_schema(api):
    document = api.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = operation["responses"]
            assert "503" in statuses, f"{method.upper()} {path}"
            assert "401" in statuses or path == "/api/health", f"{method.upper()} {path}"
            for status, response in statuses.items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    chat = document["paths"]["/api/chat"]["post"]["responses"]
    assert {"400", "401", "422", "429", "503"} <= set(chat) and "Retry-After" in chat["429"]["headers"]
    assert "429" in document["paths"]["/web/session"]["post"]["responses"]


def test_options_lists_the_methods_and_405_says_allow(api):
    options = api.options("/api/tickets")
    assert options.status_code == 204 and options.headers["Allow"] == "GET, OPTIONS, POST"
    wrong = api.delete("/api/tickets")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET, OPTIONS, POST"
    assert wrong.json()["error"] == "method_not_allowed"
    assert api.options("/api/no-such-thing").status_code == 404
