"""The web chat end to end in headless Chromium (Debian's package, driven by Playwright; no browser download):
sign in, ask for a customer, see the card (money written as the answers write it), open a ticket with
confirmation, be refused a quote, sign out; a session that expires mid-conversation sends the person to sign in
again with what they typed kept. Screenshots go to test-artifacts/."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from backend.api.auth import set_password
from backend.db import make_engine, migrate, session_factory
from decimal import Decimal

from tests.factories.catalog import make_product
from tests.factories.customers import make_contact, make_customer, make_ticket
from tests.factories.sales import make_invoice, make_order
from tests.factories.org import make_company, make_employee

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (make test installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from bots.server import create_app

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        make_company(session, name="Sông Hồng Trading")
        customer = make_customer(session, name="Minh Phát Stationery", code="MINHPHAT", email="info@minhphat.vn")
        make_contact(session, customer=customer, name="Nguyễn Thị Lan", email="lan@minhphat.vn", title="Purchasing")
        make_ticket(session, customer=customer, subject="Toner box arrived crushed", priority="high")
        paper = make_product(session, sku="PAP-A4-80", name="A4 paper 80gsm", unit_price=Decimal("823669"))
        make_order(session, customer=customer, lines=[(paper, 10, None, Decimal("0"))])
        make_invoice(session, customer=customer, amount=Decimal("138987313"))
        agent = make_employee(session, role="support", name="Phạm Minh Anh", email="anh@example.test")
        set_password(session, agent, "correct horse battery")
        session.commit()
    app = create_app()
    app.state.tandem_sessions = sessions
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", sessions
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def _ask(page, text: str) -> None:
    page.get_by_label("Ask Tandem").fill(text)
    page.keyboard.press("Enter")


def test_support_agent_end_to_end(server, browser):
    base, sessions = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    page.goto(base + "/")
    page.get_by_label("E-mail").fill("anh@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Phạm Minh Anh · support").wait_for()

    _ask(page, "customer with email lan@minhphat.vn")
    page.locator(".messages li.assistant").filter(has_text="Minh Phát Stationery").first.wait_for()
    card = page.get_by_label("Customer card")
    card.get_by_text("Nguyễn Thị Lan").wait_for()
    assert "Toner box arrived crushed" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "web-customer-card.png"), full_page=True)

    _ask(page, "open a ticket for Minh Phát: toner cartridge leaking")
    confirm = page.get_by_role("button", name="Confirm")
    confirm.wait_for()
    page.screenshot(path=str(ARTIFACTS / "web-ticket-preview.png"), full_page=True)
    confirm.click()
    page.get_by_text("Ticket TCK-").wait_for()
    with sessions() as session:
        from sqlalchemy import select

        from backend.models import Ticket

        subjects = set(session.execute(select(Ticket.subject)).scalars())
    assert "toner cartridge leaking" in subjects

    _ask(page, "quote 20 x A4 paper to Minh Phát, 5% off")
    page.locator(".messages li.assistant").filter(has_text="role").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "web-quote-refused.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()
    page.close()


def test_phone_width_layout(server, browser):
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "/")
    page.get_by_label("E-mail").fill("anh@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Ask Tandem").wait_for()
    box = page.get_by_label("Ask Tandem").bounding_box()
    assert box and box["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "web-phone.png"), full_page=True)
    page.close()


def _sign_in(page) -> None:
    page.get_by_label("E-mail").fill("anh@example.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_card_money_and_an_expired_session(server, browser):
    from sqlalchemy import update

    from backend.models import WebSession

    base, sessions = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    page.goto(base + "/")
    _sign_in(page)
    page.get_by_text("Phạm Minh Anh · support").wait_for()

    _ask(page, "customer with email lan@minhphat.vn")
    card = page.get_by_label("Customer card")
    card.get_by_text("Nguyễn Thị Lan").wait_for()
    text = card.inner_text()
    assert "Open 138,987,313 VND; overdue 138,987,313 VND" in text
    assert "8,236,690 VND" in text and "8236690.0000" not in text

    # The session ends (expired on the server) while the person types their next message.
    with sessions() as session:
        session.execute(update(WebSession).values(expires_at=WebSession.created_at))
        session.commit()
    message = "open a ticket for Minh Phát: paper jam in tray 2"
    _ask(page, message)
    page.get_by_role("heading", name="Sign in").wait_for()
    assert "Your session has ended" in page.locator("#signin-error").inner_text()
    assert page.locator("#question").input_value() == message  # kept, not lost
    page.screenshot(path=str(ARTIFACTS / "web-session-expired.png"), full_page=True)

    _sign_in(page)
    page.get_by_text("your message is in the box").wait_for()
    assert page.get_by_label("Ask Tandem").input_value() == message
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Confirm").wait_for()
    page.screenshot(path=str(ARTIFACTS / "web-signed-in-again.png"), full_page=True)
    page.close()
