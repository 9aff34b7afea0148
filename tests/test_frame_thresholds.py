"""Amounts a request compares a row's figure with ("over 100 million"), read by the planner's frame — and the
numbers that are not such amounts (a year, days, a count, a percentage)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistant.planner.frame import parse

TODAY = date(2027, 1, 20)


@pytest.mark.parametrize("text, expected", [
    ("open POs over 100 million", [(">", Decimal("100000000"))]),
    ("khách hàng nào mua trên 1 tỷ năm ngoái?", [(">", Decimal("1000000000"))]),
    ("orders over 10,000,000 this month", [(">", Decimal("10000000"))]),
    ("hóa đơn dưới 20 triệu", [("<", Decimal("20000000"))]),
    ("invoices under $500", [("<", Decimal("500"))]),
    ("deals worth at least 250k", [(">=", Decimal("250000"))]),
])
def test_an_amount_to_compare_with(text, expected):
    assert parse(text, TODAY).thresholds == expected


@pytest.mark.parametrize("text", [
    "customers overdue by more than 30 days", "customers with more than 5 orders", "revenue over 2025",
    "growth of more than 10%", "từ 2025 đến nay", "tickets open for over 3 weeks",
])
def test_no_amount_where_the_number_is_something_else(text):
    assert parse(text, TODAY).thresholds == []
