"""Moving-average cost per product, over all warehouses (sales orders do not say which warehouse ships).

The ledger keeps, per product, the quantity and the base-currency value it holds in inventory: a receipt adds
its quantity and value, a delivery takes its quantity at value / quantity. Because every delivery's cost is
taken out of the same value the receipts put in, the inventory account equals the sum of the products' values.
A product with no receipt yet is costed at its catalogue unit cost, converted on the delivery date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.bulk import insert_tuples
from backend.ledger import MissingFxRate, RateBook
from backend.models import Product, ProductCost
from backend.money import round_money

ZERO = Decimal(0)
COST_PLACES = Decimal("0.0001")


@dataclass
class _Position:
    quantity: int
    value: Decimal
    average: Decimal  # the last average known: what units cost while none are on hand
    known: bool  # a receipt (or an earlier costed row) set it, not the catalogue fallback


class CostBook:
    """The products' positions for one posting batch: loaded on first use, written back by `save`."""

    def __init__(self, session: Session, rates: RateBook):
        self.session = session
        self.rates = rates
        self.base = rates.base
        self._positions: dict[int, _Position] = {}
        self._catalogue: dict[int, tuple[Decimal | None, str]] = {}
        self._changed: set[int] = set()

    def load(self, product_ids: set[int]) -> None:
        wanted = product_ids - set(self._positions)
        if not wanted:
            return
        for chunk in _chunks(sorted(wanted)):
            # Locked (PostgreSQL; SQLite has one writer at a time): a concurrent posting of the same product waits
            # for this one's cost instead of overwriting it with a stale one.
            for row in self.session.execute(select(ProductCost.product_id, ProductCost.quantity, ProductCost.value,
                                                   ProductCost.average_cost).where(ProductCost.product_id.in_(chunk))
                                            .with_for_update()):
                self._positions[row.product_id] = _Position(row.quantity, row.value, row.average_cost, True)
            for row in self.session.execute(select(Product.id, Product.unit_cost, Product.currency)
                                            .where(Product.id.in_(chunk))):
                self._catalogue[row.id] = (row.unit_cost, row.currency)

    def average_cost(self, product_id: int, on: date) -> Decimal:
        """What one unit costs in base currency now: value / quantity, else the last average, else the catalogue."""
        self.load({product_id})
        position = self._positions.get(product_id)
        if position is not None and position.quantity > 0:
            return max(position.value / position.quantity, ZERO)
        if position is not None and position.known:
            return position.average
        cost, currency = self._catalogue.get(product_id, (None, self.base))
        if cost is None:
            return ZERO
        try:
            return cost * self.rates.rate(currency, on)
        except MissingFxRate:
            return ZERO

    def receive(self, product_id: int, quantity: int, value: Decimal) -> None:
        self.load({product_id})
        position = self._positions.setdefault(product_id, _Position(0, ZERO, ZERO, False))
        position.quantity += quantity
        position.value += value
        if position.quantity > 0:
            position.average = max(position.value / position.quantity, ZERO).quantize(COST_PLACES)
        elif quantity > 0:
            position.average = (value / quantity).quantize(COST_PLACES)
        position.known = True
        self._changed.add(product_id)

    def issue(self, product_id: int, quantity: int, on: date) -> Decimal:
        """Take `quantity` out at moving-average cost; returns their cost in base currency (rounded)."""
        average = self.average_cost(product_id, on)
        position = self._positions.setdefault(product_id, _Position(0, ZERO, ZERO, False))
        if 0 < position.quantity <= quantity:
            # The last units on hand take the whole remaining value, so no rounding residue stays behind.
            cost = max(position.value, ZERO) + round_money((quantity - position.quantity) * average, self.base)
        else:
            cost = round_money(quantity * average, self.base)
        position.quantity -= quantity
        position.value -= cost
        position.average = average.quantize(COST_PLACES)
        position.known = True
        self._changed.add(product_id)
        return cost

    def save(self) -> None:
        if not self._changed:
            return
        ids = sorted(self._changed)
        now = datetime.now(timezone.utc)
        for chunk in _chunks(ids):
            self.session.execute(delete(ProductCost).where(ProductCost.product_id.in_(chunk))
                                 .execution_options(synchronize_session=False))
        insert_tuples(self.session, ProductCost.__table__, ("product_id", "quantity", "value", "average_cost", "updated_at"),
                      [(pid, self._positions[pid].quantity, self._positions[pid].value, self._positions[pid].average, now)
                       for pid in ids])
        self._changed.clear()


def _chunks(values: list[int], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]
