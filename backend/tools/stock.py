"""Stock that explains itself: every change of on-hand stock is a StockMovement row (receipts in purchasing.py,
deliveries when an order ships, adjustments after a count), and stock_movements lists them with a running balance
so a product's on-hand quantity in a warehouse can be read line by line."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from sqlalchemy import func, select

from backend.accounting.costing import CostBook
from backend.errors import BusinessRuleViolation, NotFound, ValidationFailed
from backend.ledger import RateBook
from backend.models import (GoodsReceipt, Product, SalesOrder, StockLevel, StockMovement, Warehouse)
from backend.tools.bounds import BoundedDate
from backend.tools.context import ToolContext
from backend.tools.lookup import find_by_number, resolve_product, resolve_warehouse
from backend.tools.purchasing import COST_PLACES, lock_stock_level
from backend.tools.registry import register
from backend.tools.schema import ToolModel

MovementKind = Literal["opening", "receipt", "delivery", "adjustment"]


def _average_costs(ctx: ToolContext) -> CostBook:
    """The ledger's moving-average costs: what a unit going out is worth (base currency)."""
    return CostBook(ctx.session, RateBook(ctx.session, ctx.base_currency))


class StockMovementsInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name")
    warehouse: str | None = Field(None, max_length=120, description="Warehouse code; default every warehouse")
    since: BoundedDate | None = Field(None, description="List movements from this day; earlier ones sum into opening_balance")
    limit: int = Field(50, ge=1, le=500, description="Most recent movements to list")


class MovementOut(ToolModel):
    moved_on: date
    warehouse: str
    kind: MovementKind
    quantity: int = Field(description="+ in, - out")
    balance: int = Field(description="On hand in that warehouse after this movement")
    document: str | None = Field(None, description="The receipt, order or other record that moved it")
    unit_cost: Decimal | None = Field(None, description="Base currency (not shown to support)")
    note: str | None = None


class WarehouseStockOut(ToolModel):
    warehouse: str
    on_hand: int = Field(description="The stock level's quantity now")
    movements_sum: int = Field(description="All movements added up")
    explained: bool = Field(description="on_hand equals the sum of the movements")


class StockMovementsResult(ToolModel):
    sku: str
    name: str
    warehouses: list[WarehouseStockOut]
    opening_balance: int = Field(description="Sum of the movements before the first one listed (all warehouses "
                                             "asked)")
    movements: list[MovementOut] = Field(description="Oldest first")
    total_movements: int


def _documents(ctx: ToolContext, rows: list[StockMovement]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row.source_id is not None:
            wanted.setdefault(row.source_type, set()).add(row.source_id)
    numbers: dict[tuple[str, int], str] = {}
    for source_type, model in (("goods_receipt", GoodsReceipt), ("sales_order", SalesOrder)):
        if wanted.get(source_type):
            for id_, number in ctx.session.execute(select(model.id, model.number).where(
                    model.id.in_(wanted[source_type]))):
                numbers[(source_type, id_)] = number
    return numbers


@register(kind="read")
def stock_movements(ctx: ToolContext, params: StockMovementsInput) -> StockMovementsResult:
    """A product's stock movements (receipts, deliveries, adjustments) with running balances; explains on-hand."""
    session = ctx.session
    product = resolve_product(session, params.product)
    house = resolve_warehouse(session, params.warehouse) if params.warehouse else None
    scope = [StockMovement.product_id == product.id]
    levels = select(StockLevel.warehouse_id, StockLevel.quantity).where(StockLevel.product_id == product.id)
    if house is not None:
        scope.append(StockMovement.warehouse_id == house.id)
        levels = levels.where(StockLevel.warehouse_id == house.id)
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    on_hand = dict(session.execute(levels).all())
    sums = dict(session.execute(select(StockMovement.warehouse_id, func.sum(StockMovement.quantity)).where(*scope)
                                .group_by(StockMovement.warehouse_id)).all())
    warehouses = [WarehouseStockOut(warehouse=codes[w], on_hand=on_hand.get(w, 0), movements_sum=int(sums.get(w) or 0),
                                    explained=on_hand.get(w, 0) == int(sums.get(w) or 0))
                  for w in sorted(set(on_hand) | set(sums), key=lambda w: codes[w])]
    listed = list(scope)
    if params.since is not None:
        listed.append(StockMovement.moved_on >= params.since)
    total = session.execute(select(func.count()).select_from(StockMovement).where(*listed)).scalar_one()
    rows = list(reversed(session.execute(
        select(StockMovement).where(*listed)
        .order_by(StockMovement.moved_on.desc(), StockMovement.id.desc()).limit(params.limit)).scalars().all()))
    # Balances before the first listed row, per warehouse, so each row's running balance is that warehouse's own.
    before: dict[int, int] = {}
    if rows:
        first = rows[0]
        earlier = (StockMovement.moved_on < first.moved_on) | (
            (StockMovement.moved_on == first.moved_on) & (StockMovement.id < first.id))
        before = {w: int(q or 0) for w, q in session.execute(
            select(StockMovement.warehouse_id, func.sum(StockMovement.quantity)).where(*scope, earlier)
            .group_by(StockMovement.warehouse_id))}
    opening = sum(before.values())
    documents = _documents(ctx, rows)
    running = dict(before)
    movements = []
    for row in rows:
        running[row.warehouse_id] = running.get(row.warehouse_id, 0) + row.quantity
        movements.append(MovementOut(
            moved_on=row.moved_on, warehouse=codes[row.warehouse_id], kind=row.kind, quantity=row.quantity,
            balance=running[row.warehouse_id],
            document=documents.get((row.source_type, row.source_id)) if row.source_id is not None else None,
            unit_cost=row.unit_cost if ctx.sees_costs else None, note=row.note))
    return StockMovementsResult(sku=product.sku, name=product.name, warehouses=warehouses, opening_balance=opening,
                                movements=movements, total_movements=total)


# ------------------------------------------------------------------------------------------------ adjustments
class AdjustStockInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name")
    warehouse: str = Field(min_length=1, max_length=120, description="Warehouse code")
    change: int | None = Field(None, ge=-10_000_000, le=10_000_000, description="Units to add (+) or remove (-)")
    counted: int | None = Field(None, ge=0, le=10_000_000, description="Or: the quantity counted on the shelf")
    reason: str = Field(min_length=3, max_length=300, description="Why (stock count, damage, …)")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.change is None) == (self.counted is None):
            raise ValueError("give either change or counted")
        if self.change == 0:
            raise ValueError("change must not be 0")
        return self


class AdjustStockResult(ToolModel):
    sku: str
    warehouse: str
    before: int
    change: int
    after: int
    reserved: int
    unit_cost: Decimal | None = Field(None, description="Moving-average cost, base currency (not shown to support)")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _adjust_summary(params: AdjustStockInput, result: AdjustStockResult) -> str:
    return (f"Adjust {result.sku} in {result.warehouse} by {result.change:+d} ({result.before} → {result.after}): "
            f"{params.reason.strip()}")


@register(kind="write", summarize=_adjust_summary)
def adjust_stock(ctx: ToolContext, params: AdjustStockInput) -> AdjustStockResult:
    """Correct a stock level after a count or damage (needs confirmation); writes an adjustment movement."""
    session = ctx.session
    product = resolve_product(session, params.product)
    house = resolve_warehouse(session, params.warehouse)
    level = lock_stock_level(ctx, product.id, house.id, create=False)
    before = level.quantity if level is not None else 0
    change = params.change if params.change is not None else params.counted - before
    if change == 0:
        raise BusinessRuleViolation(f"{product.sku} in {house.code} already stands at {before}.",
                                    hint="Nothing to adjust.")
    after = before + change
    if after < 0:
        raise BusinessRuleViolation(f"{product.sku} in {house.code} has {before} on hand; removing {-change} would "
                                    "leave less than none.", hint=f"Remove at most {before}.")
    if level is None:
        level = lock_stock_level(ctx, product.id, house.id, create=True)
    level.quantity = after
    cost = _average_costs(ctx).average_cost(product.id, ctx.today).quantize(COST_PLACES)
    session.add(StockMovement(product_id=product.id, warehouse_id=house.id, moved_on=ctx.today, quantity=change,
                              kind="adjustment", unit_cost=cost, source_type="adjustment", note=params.reason.strip(),
                              created_by_id=ctx.actor.id, created_at=ctx.now))
    session.flush()
    return AdjustStockResult(sku=product.sku, warehouse=house.code, before=before, change=change, after=after,
                             reserved=level.reserved, unit_cost=cost if ctx.sees_costs else None,
                             created=not ctx.previewing)


# ------------------------------------------------------------------------------------------------- deliveries
class ShipOrderInput(ToolModel):
    order: str = Field(min_length=1, max_length=40, description="Sales order number")
    shipped_on: BoundedDate | None = Field(None, description="Default today")


class ShippedLineOut(ToolModel):
    sku: str
    warehouse: str
    quantity: int


class ShipOrderResult(ToolModel):
    order_number: str
    customer_code: str
    shipped_on: date
    status: Literal["shipped"] = "shipped"
    lines: list[ShippedLineOut] = Field(description="What left which warehouse")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _ship_summary(params: ShipOrderInput, result: ShipOrderResult) -> str:
    units = sum(line.quantity for line in result.lines)
    return f"Ship order {result.order_number} ({units} units) on {result.shipped_on.isoformat()}"


@register(kind="write", summarize=_ship_summary)
def ship_order(ctx: ToolContext, params: ShipOrderInput) -> ShipOrderResult:
    """Ship a confirmed sales order: stock leaves the warehouses that reserved it, as delivery movements."""
    session = ctx.session
    found = find_by_number(session, SalesOrder, params.order)
    if found is None:
        raise NotFound(f"There is no sales order {params.order.strip()}.", hint="Check the number (SO-YYYY-NNNNNN).")
    order = session.execute(select(SalesOrder).where(SalesOrder.id == found.id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one()
    if order.status != "confirmed":
        raise BusinessRuleViolation(f"Order {order.number} is {order.status}; only confirmed orders are shipped.",
                                    hint="Look it up with order_status.")
    shipped_on = params.shipped_on or ctx.today
    if shipped_on > ctx.today or shipped_on < order.order_date:
        raise ValidationFailed(f"Shipped on {shipped_on.isoformat()} must lie between the order date "
                               f"{order.order_date.isoformat()} and today.", hint="Check the date.")
    needed: dict[int, int] = {}
    for line in order.lines:
        needed[line.product_id] = needed.get(line.product_id, 0) + line.quantity
    levels = session.execute(select(StockLevel).where(StockLevel.product_id.in_(needed)).with_for_update()
                             .order_by(StockLevel.product_id, StockLevel.warehouse_id)
                             .execution_options(populate_existing=True)).scalars().all()
    skus = dict(session.execute(select(Product.id, Product.sku).where(Product.id.in_(needed))).all())
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    costs = _average_costs(ctx)
    plan: list[tuple[StockLevel, int]] = []
    short = []
    for product_id, quantity in needed.items():
        # Reserved units were set aside for confirmed orders: they leave first, then the most on hand.
        mine = sorted((lv for lv in levels if lv.product_id == product_id),
                      key=lambda lv: (-lv.reserved, -lv.quantity, codes[lv.warehouse_id]))
        on_hand = sum(lv.quantity for lv in mine)
        if on_hand < quantity:
            short.append(f"{skus[product_id]} needs {quantity}, {on_hand} on hand")
            continue
        left = quantity
        for level in mine:
            take = min(left, level.quantity)
            if take > 0:
                plan.append((level, take))
                left -= take
            if left == 0:
                break
    if short:
        raise BusinessRuleViolation(f"Order {order.number} can't ship: " + "; ".join(short) + ".",
                                    hint="Receive the missing stock first.")
    for level, take in plan:
        unit_cost = costs.average_cost(level.product_id, shipped_on).quantize(COST_PLACES)
        level.quantity -= take
        level.reserved = max(level.reserved - take, 0)
        session.add(StockMovement(product_id=level.product_id, warehouse_id=level.warehouse_id, moved_on=shipped_on,
                                  quantity=-take, kind="delivery", unit_cost=unit_cost, source_type="sales_order",
                                  source_id=order.id, created_by_id=ctx.actor.id, created_at=ctx.now))
    order.status = "shipped"
    order.shipped_date = shipped_on
    session.flush()  # the ledger posts the delivery (cost of goods sold at moving-average cost) on this flush
    return ShipOrderResult(order_number=order.number, customer_code=order.customer.code, shipped_on=shipped_on,
                           lines=[ShippedLineOut(sku=skus[level.product_id], warehouse=codes[level.warehouse_id],
                                                 quantity=take) for level, take in plan],
                           created=not ctx.previewing)
