"""Web chat sessions through the API: sign-in, cookies, CSRF on writes, expiry, sign-out, the customer card."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.api.auth import current_time, set_password
from tests.factories.api import api, api_app, make_token  # noqa: F401
from tests.factories.customers import make_customer
from tests.factories.org import make_company, make_employee


def _agent(session):
    make_company(session)
    make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", email="info@minhphat.vn")
    agent = make_employee(session, role="support", email="anh@example.test")
    set_password(session, agent, "correct horse battery")
    return agent


def _sign_in(api, email="anh@example.test", password="correct horse battery"):
    return api.post("/web/session", json={"email": email, "password": password})


def test_page_is_served_with_local_assets_only(api):
    page = api.get("/")
    assert page.status_code == 200 and "<script src=\"/static/app.js\">" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert api.get("/static/app.js").status_code == 200
    assert api.get("/static/../routes.py").status_code == 404


def test_sign_in_sets_a_secure_cookie(api, session):
    _agent(session)
    response = _sign_in(api)
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "tandem_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert response.json()["employee"]["role"] == "support"
    assert api.get("/web/session").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part(api, session):
    _agent(session)
    assert _sign_in(api, password="nope nope nope").json()["message"] == "Wrong e-mail or password."
    assert _sign_in(api, email="nobody@example.test").json()["message"] == "Wrong e-mail or password."


def test_sign_in_with_an_api_token(api, session, now):
    agent = _agent(session)
    response = api.post("/web/session", json={"token": make_token(session, employee=agent, now=now)})
    assert response.status_code == 200


def test_writes_need_the_csrf_token(api, session):
    _agent(session)
    csrf = _sign_in(api).json()["csrf_token"]
    without = api.post("/web/chat", json={"message": "find customer minh phat"})
    assert without.status_code == 403
    wrong = api.post("/web/chat", json={"message": "find customer minh phat"}, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    ok = api.post("/web/chat", json={"message": "find customer minh phat"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and "event: final" in ok.text


def test_session_expires(api, api_app, session, now):
    _agent(session)
    _sign_in(api)
    api_app.dependency_overrides[current_time] = lambda: now + timedelta(minutes=481)
    response = api.get("/web/session")
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_sign_out_ends_the_session(api, session):
    _agent(session)
    csrf = _sign_in(api).json()["csrf_token"]
    assert api.delete("/web/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert api.get("/web/session").status_code == 401


def test_customer_card_and_role_limits_come_from_the_tools(api, session):
    _agent(session)
    csrf = _sign_in(api).json()["csrf_token"]
    card = api.get("/web/customers/MINHPHAT/card").json()
    assert card["profile"]["code"] == "MINHPHAT" and card["credit"] is None  # support may not check credit
    answer = api.post("/web/chat", json={"message": "quote 20 x A4 paper to Minh Phát"}, headers={"X-CSRF-Token": csrf})
    assert "role" in answer.text and "create_quote" not in answer.text.split("event: final")[0]


def test_conversations_without_an_answer_do_not_pile_up(api, session, monkeypatch):
    from assistant.agent import Assistant
    from backend.errors import ValidationFailed
    from backend.models import Conversation

    agent = _agent(session)
    csrf = _sign_in(api).json()["csrf_token"]

    def broken(self, *args, **kwargs):
        raise ValidationFailed("The turn could not be understood.")

    with monkeypatch.context() as patch:
        patch.setattr(Assistant, "_run", broken)
        for _ in range(3):
            failed = api.post("/web/chat", json={"message": "find customer minh phat"}, headers={"X-CSRF-Token": csrf})
            assert "event: error" in failed.text
    assert session.execute(select(func.count()).select_from(Conversation)
                           .where(Conversation.employee_id == agent.id)).scalar_one() == 0
    assert api.get("/web/conversations").json()["conversations"] == []
    # A conversation row left over with no memory behind it (from before this rule) is not listed either.
    session.add(Conversation(id="orphan-1", employee_id=agent.id, channel="web", title="never answered"))
    session.flush()
    answered = api.post("/web/chat", json={"message": "find customer minh phat"}, headers={"X-CSRF-Token": csrf})
    assert "event: final" in answered.text
    assert [c["title"] for c in api.get("/web/conversations").json()["conversations"]] == ["find customer minh phat"]


def test_the_customer_card_writes_money_as_the_answers_do(api, session):
    from decimal import Decimal

    from backend.models import Customer
    from tests.factories.catalog import make_product
    from tests.factories.sales import make_invoice, make_order

    _agent(session)
    customer = session.execute(select(Customer).where(Customer.code == "MINHPHAT")).scalar_one()
    paper = make_product(session, sku="PAP-A4", name="A4 paper", unit_price=Decimal("823669"))
    make_order(session, customer=customer, lines=[(paper, 10, None, Decimal("0"))])
    make_invoice(session, customer=customer, amount=Decimal("138987313"))
    _sign_in(api)
    card = api.get("/web/customers/MINHPHAT/card").json()
    assert card["invoices"]["open_display"] == "138,987,313 VND"
    assert card["last_orders"][0]["net_display"] == "8,236,690 VND"
