"""Money properties: half-up rounding to minor units, line and document totals, FX conversion."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from backend.money import (convert, document_total, format_money, line_amount, minor_units, round_money, to_decimal)

CURRENCIES = st.sampled_from(["VND", "USD", "EUR", "JPY", "KWD"])
AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False, places=6)
PRICES = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=4)
DISCOUNTS = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
RATES = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("50000"), places=6)


def test_minor_units_follow_iso_4217():
    assert minor_units("VND") == 0
    assert minor_units("USD") == 2
    assert minor_units("KWD") == 3
    assert minor_units("usd") == 2


@pytest.mark.parametrize("amount,currency,expected", [
    ("2.5", "VND", "3"), ("-2.5", "VND", "-3"), ("1.005", "USD", "1.01"), ("1.004", "USD", "1.00"),
    ("12345.5", "VND", "12346"), ("0.0005", "KWD", "0.001"),
])
def test_half_up_examples(amount, currency, expected):
    assert round_money(Decimal(amount), currency) == Decimal(expected)


@given(AMOUNTS, CURRENCIES)
def test_rounding_is_within_half_a_minor_unit_and_idempotent(amount, currency):
    rounded = round_money(amount, currency)
    step = Decimal(1).scaleb(-minor_units(currency))
    assert abs(rounded - amount) <= step / 2
    assert round_money(rounded, currency) == rounded
    assert rounded.as_tuple().exponent == -minor_units(currency)


@given(st.integers(min_value=1, max_value=100_000), PRICES, DISCOUNTS, CURRENCIES)
def test_line_amount_bounds(quantity, price, discount, currency):
    amount = line_amount(quantity, price, discount, currency)
    gross = quantity * price
    step = Decimal(1).scaleb(-minor_units(currency))
    assert Decimal(0) <= amount <= round_money(gross, currency) + step
    if discount == 0:
        assert amount == round_money(gross, currency)
    if discount == 100:
        assert amount == 0


@given(st.lists(st.tuples(st.integers(1, 1000), PRICES, DISCOUNTS), min_size=1, max_size=20), CURRENCIES,
       st.decimals(min_value=0, max_value=30, places=2))
def test_document_total_is_sum_of_rounded_lines_plus_tax(lines, currency, tax_rate):
    amounts = [line_amount(q, p, d, currency) for q, p, d in lines]
    subtotal, tax, total = document_total(amounts, tax_rate, currency)
    assert subtotal == sum(amounts)
    assert total == subtotal + tax
    assert tax == round_money(subtotal * tax_rate / 100, currency)


@given(PRICES, RATES)
def test_conversion_round_trip_stays_within_rounding(amount, rate):
    usd = round_money(amount, "USD")
    vnd = convert(usd, rate, "VND")
    assert abs(vnd - usd * rate) <= Decimal("0.5")
    assert vnd.as_tuple().exponent == 0


def test_to_decimal_refuses_floats_and_garbage():
    assert to_decimal("1,234.50") == Decimal("1234.50")
    assert to_decimal(7) == Decimal(7)
    with pytest.raises(TypeError):
        to_decimal(0.1)
    with pytest.raises(ValueError):
        to_decimal("ten")
    with pytest.raises(ValueError):
        to_decimal("NaN")


def test_format_money():
    assert format_money(Decimal("1234567.4"), "VND") == "1,234,567 VND"
    assert format_money(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert format_money(None, "USD") == "—"
