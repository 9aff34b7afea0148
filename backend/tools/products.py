"""The catalogue as sales and support see it: find products, and what one costs a customer and where it is in stock."""
from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import func, select

from backend.errors import ValidationFailed
from backend.models import Product, StockLevel, Supplier, Warehouse
from backend.money import HUNDRED, line_amount
from backend.text import fold
from backend.tools.context import ToolContext
from backend.tools.lookup import CLEAR_LEAD, match_products, resolve_customer, resolve_product
from backend.tools.pricing import FxCache, price_for, round_pct
from backend.tools.registry import register
from backend.tools.schema import ToolModel

def available_stock(ctx: ToolContext, product_ids: list[int]) -> dict[int, int]:
    """Units on hand minus units reserved, summed over warehouses, per product (one aggregate query)."""
    if not product_ids:
        return {}
    rows = ctx.session.execute(
        select(StockLevel.product_id, func.sum(StockLevel.quantity - StockLevel.reserved))
        .where(StockLevel.product_id.in_(product_ids)).group_by(StockLevel.product_id)).all()
    return {product_id: int(total or 0) for product_id, total in rows}


class FindProductsInput(ToolModel):
    query: str | None = Field(None, max_length=200,
                              description="Product name or SKU as the user wrote it (fuzzy, accent-insensitive); "
                                          "leave empty to list a category")
    category: str | None = Field(None, max_length=80, description="Only products in this category, e.g. 'Paper'")
    active_only: bool = Field(False, description="True to leave out inactive (discontinued) products")
    limit: int = Field(10, ge=1, le=50, description="How many products to return at most")


class ProductSummary(ToolModel):
    sku: str = Field(description="Use the SKU to refer to this product unambiguously")
    name: str
    category: str | None = None
    unit: str
    list_price: Decimal
    currency: str = Field(description="Currency of the list price")
    active: bool
    inactive_reason: str | None = Field(None, description="Why the product can't be sold, when inactive")
    stock_available: int = Field(description="Units on hand minus reserved, all warehouses")
    score: float | None = Field(None, description="Match score 0-100; 100 is an exact SKU")


class FindProductsResult(ToolModel):
    query: str | None = None
    category: str | None = None
    products: list[ProductSummary]
    ambiguous: bool = Field(description="True when several products match about equally well: ask which one")


@register(kind="read")
def find_products(ctx: ToolContext, params: FindProductsInput) -> FindProductsResult:
    """Find products by name or SKU (fuzzy), optionally within a category, with list price and stock available."""
    query = (params.query or "").strip()
    category = (params.category or "").strip()
    if not query and not category:
        raise ValidationFailed("Say what to look for: a product name or SKU, or a category.",
                               hint="Pass query (name or SKU) and/or category.")
    if query:
        # Over-fetch when a category filter follows, so the filter does not starve the result.
        pairs = match_products(ctx.session, query, limit=max(params.limit * 5, 50) if category else params.limit,
                               active_only=params.active_only)
        if category:
            pairs = [(p, s) for p, s in pairs if fold(p.category) == fold(category)]
        pairs = pairs[:params.limit]
    else:
        stmt = select(Product).where(func.lower(Product.category) == category.lower())
        if params.active_only:
            stmt = stmt.where(Product.active.is_(True))
        pairs = [(p, None) for p in ctx.session.execute(stmt.order_by(Product.name).limit(params.limit)).scalars()]
    stock = available_stock(ctx, [p.id for p, _ in pairs])
    products = [ProductSummary(sku=p.sku, name=p.name, category=p.category, unit=p.unit, list_price=p.unit_price,
                               currency=p.currency, active=p.active, inactive_reason=p.inactive_reason,
                               stock_available=stock.get(p.id, 0), score=score) for p, score in pairs]
    ambiguous = (len(products) > 1 and products[0].score is not None and products[0].score < 100
                 and products[0].score - (products[1].score or 0) < CLEAR_LEAD)
    return FindProductsResult(query=query or None, category=category or None, products=products, ambiguous=ambiguous)


class ProductAvailabilityInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="SKU or product name")
    customer: str | None = Field(None, max_length=200,
                                 description="Customer code or name: price from their price list, in their currency")
    quantity: int | None = Field(None, ge=1, le=10_000_000,
                                 description="Units wanted: picks the quantity-break price and checks stock for it")


class WarehouseStock(ToolModel):
    warehouse: str = Field(description="Warehouse code")
    warehouse_name: str
    quantity: int = Field(description="Units on hand")
    reserved: int = Field(description="Units reserved for confirmed orders")
    available: int = Field(description="quantity - reserved")
    reorder_level: int
    below_reorder: bool = Field(description="True when available is below the reorder level")
    can_fulfil: bool | None = Field(None, description="With a quantity asked: whether this warehouse alone can serve it")


class ProductAvailabilityResult(ToolModel):
    sku: str
    name: str
    category: str | None = None
    unit: str
    active: bool
    inactive_reason: str | None = None
    list_price: Decimal = Field(description="Catalogue price, in list_currency")
    list_currency: str
    customer_code: str | None = None
    customer_name: str | None = None
    quantity: int | None = Field(None, description="The quantity priced and checked; None when none was asked")
    unit_price: Decimal = Field(description="Price per unit for this customer and quantity, in `currency`")
    currency: str
    price_source: Literal["price_list", "list_price"]
    price_list_code: str | None = None
    price_break_min_quantity: int | None = Field(None, description="The quantity break that applied (price list)")
    amount: Decimal | None = Field(None, description="quantity x unit price, before discounts and tax")
    stock: list[WarehouseStock]
    total_available: int
    can_fulfil: bool | None = Field(None, description="Whether the quantity can be served from available stock")
    shortfall: int | None = Field(None, description="Units missing to serve the quantity (0 when enough)")
    unit_cost: Decimal | None = Field(None, description="Unit cost in `currency` (not shown to support)")
    margin_pct: Decimal | None = Field(None, description="(unit price - unit cost) / unit price, % (not shown to support)")
    usual_supplier: str | None = Field(None, description="The supplier its purchase orders go to (reorder_stock)")
    usual_supplier_code: str | None = None


@register(kind="read")
def product_availability(ctx: ToolContext, params: ProductAvailabilityInput) -> ProductAvailabilityResult:
    """Price of one product for a customer and quantity, and its stock per warehouse (can the quantity be served?)."""
    session = ctx.session
    product = resolve_product(session, params.product)
    customer = resolve_customer(session, params.customer) if params.customer else None
    fx = FxCache(session, ctx.today)
    price = price_for(session, product, customer, params.quantity or 1, ctx.today)
    rows = session.execute(select(StockLevel, Warehouse).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
                           .where(StockLevel.product_id == product.id).order_by(Warehouse.code)).all()
    stock = [WarehouseStock(warehouse=w.code, warehouse_name=w.name, quantity=s.quantity, reserved=s.reserved,
                            available=s.quantity - s.reserved, reorder_level=s.reorder_level,
                            below_reorder=s.quantity - s.reserved < s.reorder_level) for s, w in rows]
    total = sum(s.available for s in stock)
    result = ProductAvailabilityResult(
        sku=product.sku, name=product.name, category=product.category, unit=product.unit, active=product.active,
        inactive_reason=product.inactive_reason, list_price=product.unit_price, list_currency=product.currency,
        customer_code=customer.code if customer else None, customer_name=customer.name if customer else None,
        quantity=params.quantity, unit_price=price.unit_price, currency=price.currency, price_source=price.source,
        price_list_code=price.price_list_code, price_break_min_quantity=price.min_quantity, stock=stock,
        total_available=total)
    if product.supplier_id is not None:
        supplier = session.get(Supplier, product.supplier_id)
        result.usual_supplier, result.usual_supplier_code = supplier.name, supplier.code
    if params.quantity is not None:
        result.amount = line_amount(params.quantity, price.unit_price, Decimal(0), price.currency)
        result.can_fulfil = total >= params.quantity
        result.shortfall = max(params.quantity - total, 0)
        for level in stock:
            level.can_fulfil = level.available >= params.quantity
    if ctx.sees_costs and product.unit_cost is not None:
        result.unit_cost = fx.convert(product.unit_cost, product.currency, price.currency)
        if price.unit_price > 0:
            result.margin_pct = round_pct((price.unit_price - result.unit_cost) / price.unit_price * HUNDRED)
    return result
