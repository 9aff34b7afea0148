"""No 5xx from a caller's input: every string a tool takes has a length limit, every date a sane range, and the
lookups build small statements from any text (SQLite refuses LIKE patterns over 50,000 bytes)."""
from __future__ import annotations

import typing
from datetime import date, datetime

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from backend.tools import registry
from backend.tools.lookup import match_customers, match_products
from tests.factories.api import api, api_app, bearer, make_token  # noqa: F401
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee

HUGE = "x" * 100_000


def _fields(model: type[BaseModel], prefix: str = ""):
    """(dotted name, annotation with its constraints) of every field, nested input models included."""
    for name, info in model.model_fields.items():
        annotation = typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        yield prefix + name, annotation
        for nested in _models_in(info.annotation):
            yield from _fields(nested, f"{prefix}{name}.")


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _mentions(annotation, kind: type) -> bool:
    if annotation is kind:
        return True
    return any(_mentions(arg, kind) for arg in typing.get_args(annotation))


def _all_fields():
    registry.load_tools()
    for spec in sorted(registry.REGISTRY.values(), key=lambda s: s.name):
        for name, annotation in _fields(spec.input_model):
            yield spec.name, name, annotation


def _refuses(annotation, value) -> bool:
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return True
    return False


def test_every_string_input_of_every_tool_has_a_length_limit():
    strings = [(tool, name, annotation) for tool, name, annotation in _all_fields() if _mentions(annotation, str)]
    assert len(strings) > 20, "the walk over the tools' inputs is broken"
    unbounded = [f"{tool}.{name}" for tool, name, annotation in strings
                 if not _refuses(annotation, [HUGE] if "list[" in str(annotation) else HUGE)]
    assert unbounded == []


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_every_date_input_has_a_sane_range(value):
    dated = [(tool, name, annotation) for tool, name, annotation in _all_fields()
             if _mentions(annotation, date) or _mentions(annotation, datetime)]
    assert dated, "no date inputs found: the walk is broken"
    accepted = [f"{tool}.{name}" for tool, name, annotation in dated
                if (_mentions(annotation, datetime) == ("T" in value)) and not _refuses(annotation, value)]
    assert accepted == []


@pytest.fixture
def caller(session, now):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    support = make_employee(session, role="support")
    return make_token(session, employee=support, now=now)


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/tools/create_ticket", {"customer": HUGE, "subject": "Toner leaking"}),
    ("POST", "/api/tools/log_interaction", {"customer": HUGE, "kind": "call", "summary": "Called about toner"}),
    ("POST", "/api/tools/list_tickets", {"customer": HUGE}),
    ("GET", "/api/tickets?customer=" + "x" * 30_000, None),  # as long as a URL may be
])
def test_a_very_long_customer_is_a_422_naming_the_field(api, caller, method, path, body):
    response = api.request(method, path, json=body, headers=bearer(caller))
    assert response.status_code == 422, response.text
    assert response.json()["details"]["fields"][0]["field"] == "customer"


def test_dates_out_of_any_business_range_are_a_422(api, caller):
    response = api.get("/api/customers/HOANGLONG/history", params={"date_from": "0001-01-01", "date_to": "9999-12-31"},
                       headers=bearer(caller))
    assert response.status_code == 422, response.text
    assert {f["field"] for f in response.json()["details"]["fields"]} == {"date_from", "date_to"}
    in_range = api.get("/api/customers/HOANGLONG/history", params={"date_from": "1900-01-01", "date_to": "2999-12-31"},
                       headers=bearer(caller))
    assert in_range.status_code == 200, in_range.text


def test_an_interaction_time_out_of_range_is_a_422(api, caller):
    body = {"customer": "HOANGLONG", "kind": "call", "summary": "Called", "occurred_at": "0001-01-01T00:00:00+01:00"}
    response = api.post("/api/tools/log_interaction", json=body, headers=bearer(caller))
    assert response.status_code == 422 and response.json()["details"]["fields"][0]["field"] == "occurred_at"


def test_lookups_stay_small_whatever_the_text(session):
    make_company(session)
    make_customer(session, name="Hoàng Long Trading", code="HOANGLONG")
    make_customer(session, name="Minh_Phat Paper", code="MINHPAPER")
    # One enormous word, many words, an enormous e-mail: no error, no match.
    assert match_customers(session, HUGE) == []
    assert match_customers(session, " ".join(f"w{i:05d}" for i in range(20_000))) == []
    assert match_customers(session, HUGE + "@" + HUGE + ".vn") == []
    assert match_products(session, HUGE) == []
    # LIKE wildcards typed by a person are letters, not patterns.
    assert match_customers(session, "%%") == []
    assert [m.code for m in match_customers(session, "hoang long")][:1] == ["HOANGLONG"]
