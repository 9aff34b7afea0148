"""What a product costs a given customer: their price list with quantity breaks, else the list price,
converted into the customer's currency. Shared by product_availability, create_quote and anything that prices."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation
from backend.ledger import MissingFxRate, RateBook
from backend.models import Customer, PriceList, PriceListItem, Product
from backend.money import round_money


def round_pct(value: Decimal) -> Decimal:
    """Percentages (margins) are shown with two decimals, half-up like money."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceQuote:
    unit_price: Decimal
    currency: str
    source: Literal["price_list", "list_price"]
    price_list_code: str | None = None
    # The quantity break that applied (the price list item's min_quantity); None for the list price.
    min_quantity: int | None = None


class FxCache:
    """Cross rates at one date through the ledger's RateBook; a missing rate is a business error, not a crash."""

    def __init__(self, session: Session, on: date):
        self.on = on
        self.book = RateBook(session)

    def rate(self, from_currency: str, to_currency: str) -> Decimal:
        try:
            return self.book.cross(from_currency, to_currency, self.on)
        except MissingFxRate:
            raise BusinessRuleViolation(
                f"There is no exchange rate to convert {from_currency} into {to_currency} on or before "
                f"{self.on.isoformat()}.", hint="Ask finance to add the FX rate, then try again.") from None

    def convert(self, amount: Decimal, from_currency: str, to_currency: str) -> Decimal:
        """Same currency: the amount as stored. Otherwise converted and rounded to the target's minor unit."""
        if from_currency == to_currency:
            return amount
        return round_money(amount * self.rate(from_currency, to_currency), to_currency)


def price_for(session: Session, product: Product, customer: Customer | None, quantity: int, on: date) -> PriceQuote:
    """The unit price of `quantity` x `product` for `customer` (or the plain list price without a customer)."""
    return prices_for(session, [(product, quantity)], customer, on)[0]


def prices_for(session: Session, items: Sequence[tuple[Product, int]], customer: Customer | None, on: date,
               fx: FxCache | None = None) -> list[PriceQuote]:
    """price_for over many lines with one price-list query (a quote prices up to 50 lines)."""
    fx = fx or FxCache(session, on)
    price_list: tuple[str, str] | None = None  # (code, currency) of the customer's list, when it prices any item
    breaks: dict[int, list[tuple[int, Decimal]]] = {}
    if customer is not None and customer.price_list_id is not None and items:
        rows = session.execute(
            select(PriceListItem.product_id, PriceListItem.min_quantity, PriceListItem.unit_price, PriceList.code,
                   PriceList.currency)
            .join(PriceList, PriceList.id == PriceListItem.price_list_id)
            .where(PriceListItem.price_list_id == customer.price_list_id,
                   PriceListItem.product_id.in_({product.id for product, _ in items}))
            .order_by(PriceListItem.product_id, PriceListItem.min_quantity)).all()
        for product_id, min_quantity, unit_price, code, list_currency in rows:
            breaks.setdefault(product_id, []).append((min_quantity, unit_price))
            price_list = (code, list_currency)
    quotes = []
    for product, quantity in items:
        currency = customer.currency if customer is not None else product.currency
        # Breaks are sorted ascending: the last one at or below the quantity is the highest that applies.
        applicable = [(min_qty, price) for min_qty, price in breaks.get(product.id, ()) if min_qty <= quantity]
        if applicable and price_list is not None:
            min_qty, price = applicable[-1]
            code, list_currency = price_list
            quotes.append(PriceQuote(unit_price=fx.convert(price, list_currency, currency), currency=currency,
                                     source="price_list", price_list_code=code, min_quantity=min_qty))
        else:
            quotes.append(PriceQuote(unit_price=fx.convert(product.unit_price, product.currency, currency),
                                     currency=currency, source="list_price"))
    return quotes
