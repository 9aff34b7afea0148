"""Purchasing rules that the tools (backend/tools/purchasing.py) and the CSV import (backend/importers/) both apply:
an amount in base currency, the purchase order approval threshold, and the three-way match of one bill line."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.money import format_money, round_money


def to_base(amount: Decimal, currency: str, rate: Decimal, base_currency: str) -> Decimal:
    """`amount` in the base currency at `rate` (base per unit of `currency`), rounded to the base's minor unit."""
    return amount if currency == base_currency else round_money(amount * rate, base_currency)


def above_approval_threshold(total: Decimal, currency: str, rate: Decimal, *, base_currency: str,
                             threshold: Decimal) -> bool:
    """The approval rule: a purchase order total (VAT included) in base currency above the threshold."""
    return to_base(total, currency, rate, base_currency) > threshold


@dataclass(frozen=True)
class LineMatch:
    """How one billed line matches its order line: units billed beyond those received and not billed before, the
    billed unit cost minus the order's, and the exceptions in words (empty when the line matches)."""

    quantity_difference: int
    price_difference: Decimal
    exceptions: tuple[str, ...]


def match_bill_line(*, line_no: int, sku: str, quantity: int, unit_cost: Decimal, ordered: int, received: int,
                    billed_before: int, ordered_unit_cost: Decimal, currency: str) -> LineMatch:
    """The three-way match of a bill line against the order (price) and the receipts (quantity)."""
    open_to_bill = max(received - billed_before, 0)
    over = max(quantity - open_to_bill, 0)
    exceptions = []
    if over:
        exceptions.append(f"Line {line_no} ({sku}): {quantity} billed, but only {open_to_bill} received and not "
                          f"yet billed ({over} over; {received} received of {ordered} ordered).")
    difference = unit_cost - ordered_unit_cost
    if difference:
        exceptions.append(f"Line {line_no} ({sku}): unit cost {format_money(unit_cost, currency)} differs from the "
                          f"order's {format_money(ordered_unit_cost, currency)} "
                          f"({'+' if difference > 0 else '−'}{format_money(abs(difference), currency)}).")
    return LineMatch(over, difference, tuple(exceptions))
