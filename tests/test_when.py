"""Periods read from words (assistant/planner/when.py), the Vietnamese month forms in particular, worked out by
hand for 26 November 2026."""
from __future__ import annotations

from datetime import date

import pytest

from assistant.planner import frame as frame_mod
from assistant.planner import when

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, period", [
    ("khach hang nao chua dat hang tu thang 6", "2026-06-01..2026-11-26"),   # since June
    ("ke tu thang 3/2025", "2025-03-01..2026-11-26"),
    ("doanh thu tu thang 6 den thang 9", "2026-06..2026-09"),
    ("doanh thu tu thang 3 den thang 5 nam 2025", "2025-03..2025-05"),
    ("doanh thu giua thang 11 va thang 2", "2025-11..2026-02"),   # a range over the new year
    ("doanh thu thang 6", "2026-06"),
    ("since 1 july 2026", "2026-07-01..2026-11-26"),
    ("from march to may", "2026-03..2026-05"),
    ("between october and january", "2025-10..2026-01"),
])
def test_vietnamese_months_since_and_ranges(text, period):
    assert when.read(text, TODAY).period == period


def test_since_a_month_is_not_four_months():
    # "từ tháng 6" is since June; "tư" (four) only counts months before a unit with no month number after it
    parsed = frame_mod.parse("khách hàng nào chưa đặt hàng từ tháng 6?", TODAY)
    assert parsed.period == "2026-06-01..2026-11-26" or parsed.period == "all"   # "all": read over all time
    assert parsed.conditions == [{"name": "not_ordered", "number": (TODAY - date(2026, 6, 1)).days}]
    assert "120" not in parsed.folded
    assert frame_mod.parse("not contacted for three months", TODAY).conditions[0]["number"] == 90


def test_a_vietnamese_unit_turned_into_days_still_reads_the_condition():
    for text in ("khách hàng nào chưa liên hệ ba tháng", "khách hàng nào chưa liên hệ 3 tháng"):
        assert frame_mod.parse(text, TODAY).conditions == [{"name": "not_contacted", "number": 90}]


@pytest.mark.parametrize("text, period, compare", [
    ("did sales go up from 2024 to 2025", "2025", "previous_period"),        # a change between two years
    ("how did revenue change between 2024 and 2025", "2025", "previous_period"),
    ("revenue growth from q1 2026 to q2 2026", "2026-Q2", "previous_period"),
    ("revenue from 2024 to 2025", "2024..2025", None),                        # no change asked: the two together
    ("q4 revenue this past year vs q4 2024", "2025-Q4", "same_period_last_year"),   # the year only says which Q4
])
def test_a_change_between_two_periods_compares_the_later_with_the_earlier(text, period, compare):
    read = when.read(text, date(2026, 1, 20))
    assert (read.period, read.compare) == (period, compare)


@pytest.mark.parametrize("text, period", [
    ("invoices due next week", "2026-11-30..2026-12-06"),   # Monday to Sunday after this one
    ("due in the next 7 days", "2026-11-26..2026-12-03"),
    ("hoa don den han trong 7 ngay toi", "2026-11-26..2026-12-03"),
    ("trong 7 ngay", "last-7-days"),                          # without "tới": the last seven days
    ("next month", "2026-12"), ("thang toi", "2026-12"), ("next quarter", "2027-Q1"),
    ("thang sau nam 2025", "2025"),                           # "tháng sáu" folded: June, never next month
])
def test_periods_ahead(text, period):
    assert when.read(text, TODAY).period == period


def test_documents_due_in_a_period_are_a_window_of_days_from_today():
    frame = frame_mod.parse("which supplier bills fall due next week?", TODAY)
    assert (frame.due_window, frame.period) == ((4, 10), None)
    assert frame_mod.parse("bills due last month", TODAY).due_window is None          # those are overdue
    assert frame_mod.parse("what did we pay suppliers next week", TODAY).due_window is None
    assert frame_mod.parse("how much do we have to pay suppliers next week?", TODAY).due_window == (4, 10)


@pytest.mark.parametrize("text, period, grouped", [
    ("monthly revenue jan to may 2026", "2026-01..2026-05", ["month"]),   # a range without "from", month by month
    ("sales jan-may", "2026-01..2026-05", []),
    ("how many orders in may", "2026-05", []),
])
def test_month_ranges_without_from_and_words_for_every_month(text, period, grouped):
    frame = frame_mod.parse(text, TODAY)
    assert (frame.period, frame.group_by) == (period, grouped)
    assert frame.counting == text.startswith("how many")   # "may" in a period is the month, not "mấy"
