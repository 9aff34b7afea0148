"""Money arithmetic: Decimal only, ISO 4217 minor units, half-up rounding, FX conversion."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable

# ISO 4217 minor units for the currencies a Vietnamese distributor meets; unknown codes use 2.
MINOR_UNITS: dict[str, int] = {
    "VND": 0, "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "IDR": 2, "USD": 2, "EUR": 2, "GBP": 2,
    "SGD": 2, "THB": 2, "CNY": 2, "AUD": 2, "CAD": 2, "CHF": 2, "HKD": 2, "MYR": 2, "PHP": 2,
    "TWD": 2, "INR": 2, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LAK": 2, "KHR": 2,
}
KNOWN_CURRENCIES = frozenset(MINOR_UNITS)
HUNDRED = Decimal(100)


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency.upper(), 2)


@lru_cache(maxsize=256)
def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def to_decimal(value: object) -> Decimal:
    """Parse a user or CSV amount into Decimal; floats are refused because they already lost precision."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("money must be given as Decimal, int or str, not float")
    try:
        result = Decimal(str(value).strip().replace(",", "").replace("_", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal | int, unit_price: Decimal, discount_pct: Decimal, currency: str) -> Decimal:
    """Net line amount = quantity x unit price x (1 - discount/100), rounded to the currency's minor unit."""
    gross = Decimal(quantity) * unit_price
    return round_money(gross * (HUNDRED - discount_pct) / HUNDRED, currency)


def document_total(line_amounts: Iterable[Decimal], tax_rate_pct: Decimal, currency: str) -> tuple[Decimal, Decimal, Decimal]:
    """(subtotal, tax, total): tax is computed once on the subtotal, not per line."""
    subtotal = round_money(sum(line_amounts, Decimal(0)), currency)
    tax = round_money(subtotal * tax_rate_pct / HUNDRED, currency)
    return subtotal, tax, subtotal + tax


def convert(amount: Decimal, rate: Decimal, to_currency: str) -> Decimal:
    """Convert with `rate` = units of the target currency per one unit of the source currency."""
    return round_money(amount * rate, to_currency)


def format_money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    value = round_money(amount, currency)
    digits = minor_units(currency)
    text = f"{value:,.{digits}f}"
    return f"{text} {currency.upper()}"
