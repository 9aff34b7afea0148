"""Grounding: which figures an answer states, and which of them no tool result (nor the user) supports."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from assistant.agent import Assistant
from assistant.grounding import extract_figures, flag_unsupported, unsupported_figures
from tests.factories.world import make_small_world

OVERVIEW = {"profile": {"code": "HOANGLONG", "name": "Hoàng Long Trading", "payment_terms_days": 30},
            "as_of": "2026-11-20",
            "invoices": {"open_count": 1, "open_amount": "12000000.00", "overdue_amount": "0.00", "currency": "VND"},
            "revenue": {"year_to_date": "345678912.50", "change_pct": "12.40", "currency": "VND"},
            "open_tickets": [{"number": "TCK-2026-000017", "opened_at": "2026-11-02T08:00:00Z"},
                             {"number": "TCK-2026-000018", "opened_at": "2026-11-03T08:00:00Z"}],
            "last_orders": [{"number": "SO-2026-000123", "order_date": "2026-10-05", "net_amount": "4500000"}],
            "credit": {"limit": "100000000", "utilisation": "0.12"}}


def texts(answer: str) -> list[str]:
    return [f.text for f in extract_figures(answer)]


def unsupported(answer: str, results=(OVERVIEW,), user_text: str | None = None) -> list[str]:
    return [f.text for f in unsupported_figures(answer, list(results), user_text)]


def test_extracts_amounts_decimals_percentages_counts_and_dates():
    answer = "Owes 12,000,000 VND (12M, 12.000.000đ), up 12.4% on 2026-10-05; 2 open tickets, 5 triệu left."
    assert texts(answer) == ["12,000,000", "12M", "12.000.000đ", "12.4%", "2026-10-05", "2", "5 triệu"]
    figures = {f.text: f for f in extract_figures(answer)}
    assert (Decimal("12000000"), Decimal("1")) in figures["12,000,000"].readings
    assert figures["12M"].readings == ((Decimal("12000000"), Decimal("1000000")),)
    assert figures["12.4%"].kind == "percent"
    assert figures["2026-10-05"].kind == "date" and figures["2026-10-05"].iso == "2026-10-05"


def test_leaves_out_list_numbers_times_and_codes():
    answer = ("1. Order SO-2026-000123 ships in Q3 with 80gsm A4 paper.\n"
              "2) Call at 15:00 or 3pm, ticket TCK-2026-000017, our 2nd try.")
    assert texts(answer) == []


def test_quoted_examples_are_not_assertions():
    assert texts('Try "quote 20 x A4 paper to Minh Phát, 5% off" or “top 5 customers”. We have 3 left.') == ["3"]


def test_both_separator_conventions_are_read():
    def readings(figure: str):
        return extract_figures(figure)[0].readings

    assert readings("1,234.5") == readings("1.234,5") == ((Decimal("1234.5"), Decimal("0.1")),)
    assert readings("12,5") == readings("12.5") == ((Decimal("12.5"), Decimal("0.1")),)
    # One separator before three digits groups thousands, whoever wrote it.
    assert readings("12,500") == readings("12.500") == ((Decimal("12500"), Decimal("1")),)
    assert {r[0] for r in readings("12.000.000")} == {Decimal("12000000")}


@pytest.mark.parametrize("answer", [
    "Hoàng Long owes 12,000,000 VND.",
    "Hoàng Long owes 12.000.000 ₫.",
    "Hoàng Long owes 12M VND.",                     # rounded to the shown precision
    "Revenue this year: 345,678,912.50 VND, or about 345.7 million.",
    "Revenue is up 12.4% (12%).",
    "Credit utilisation is 12%.",                   # 0.12 shown as a percentage
    "They have 2 open tickets and 1 open invoice.",  # a count of a list in the result
    "Last order on 2026-10-05, payment terms 30 days.",
    "Ticket TCK-2026-000017 was opened on 2026-11-02.",
])
def test_figures_found_in_the_results_pass(answer):
    assert unsupported(answer) == []


@pytest.mark.parametrize("answer, invented", [
    ("Hoàng Long owes 13,000,000 VND.", ["13,000,000"]),
    ("Revenue is up 17%.", ["17%"]),
    ("They have 7 open tickets.", ["7"]),
    ("Last order on 2026-09-30.", ["2026-09-30"]),
    ("Revenue this year: 345.6 million.", ["345.6 million"]),  # 345,678,912.50 rounds to 345.7, not 345.6
])
def test_invented_figures_are_caught(answer, invented):
    assert unsupported(answer) == invented


def test_the_users_own_figures_count_as_support():
    answer = "An order of 50,000 VND fits within the 100,000,000 VND limit."
    assert unsupported(answer) == ["50,000"]
    assert unsupported(answer, user_text="can they take another 50k on credit?") == []


def test_a_figure_quoted_from_a_name_is_not_an_assertion():
    results = [{"customer": {"name": "3M Vietnam", "code": "3MVN"}}]
    assert unsupported("3M Vietnam is on hold.", results) == []


def test_flagging_marks_in_place_and_lists_what_was_not_verified():
    answer = "Hoàng Long owes 12,000,000 VND; revenue is up 17% and 98,765 VND is overdue."
    flagged = flag_unsupported(answer, [OVERVIEW])
    assert flagged.startswith("Hoàng Long owes 12,000,000 VND; revenue is up [unverified: 17%] and "
                              "[unverified: 98,765] VND is overdue.")
    assert flagged.endswith("\n\nCould not verify against the tool results: 17%, 98,765.")
    assert flag_unsupported("Hoàng Long owes 12,000,000 VND.", [OVERVIEW]) == "Hoàng Long owes 12,000,000 VND."


def test_vietnamese_answers_get_a_vietnamese_note():
    flagged = flag_unsupported("Doanh thu năm nay tăng 17% so với cùng kỳ.", [OVERVIEW])
    assert "[unverified: 17%]" in flagged
    assert "chưa được kiểm chứng: 17%" in flagged


def test_no_results_means_every_figure_is_unverified():
    assert unsupported("We sold 40 boxes.", results=[]) == ["40"]
    assert flag_unsupported("Hello! How can I help?", []) == "Hello! How can I help?"


# The offline planner writes its answers from the tool results; run through the check they must come out clean,
# or the check would cry wolf on every LLM answer that formats figures the same way.
@pytest.fixture
def world(session):
    return make_small_world(session)


@pytest.mark.parametrize("who, request_text", [
    ("rep", "what's going on with Hoàng Long before my 3pm?"),
    ("rep", "can Saigon Foods take another 50k on credit?"),
    ("rep", "quote 20 x A4 paper to Minh Phát, 5% off"),
    ("rep", "tình hình khách hàng Hoàng Long thế nào?"),
    ("manager", "top 5 customers by revenue this year"),
    ("rep", "do we have PAP-A4-80 in stock?"),
])
def test_offline_answers_pass_the_check(session, world, who, request_text):
    result = Assistant().ask(session, world[who], request_text, channel="test", conversation_id=f"g-{request_text}",
                             now=datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc))
    assert result.tool_calls, result.answer
    assert unsupported(result.answer, [c["result"] for c in result.tool_calls], request_text) == []
