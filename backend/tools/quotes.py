"""CPQ: price a quote for a customer (price list, quantity breaks, FX, tax), send it for approval when a discount
or the margin is outside policy, approve it, and turn it into a confirmed sales order that reserves stock."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from pydantic import Field
from sqlalchemy import select

from backend.errors import Ambiguous, BusinessRuleViolation, NotFound, PermissionDenied
from backend.ledger import MissingFxRate, fx_rate, price_order
from backend.models import Customer, Employee, Product, Quote, QuoteLine, SalesOrder, SalesOrderLine, StockLevel, Warehouse
from backend.money import HUNDRED, document_total, format_money, line_amount
from backend.numbering import next_number
from backend.tools.context import ToolContext
from backend.tools.credit import credit_snapshot
from backend.tools.lookup import resolve_customer, resolve_product
from backend.tools.orders import OrderLineOut
from backend.tools.pricing import FxCache, prices_for, round_pct
from backend.tools.registry import register
from backend.tools.schema import ToolModel

QuoteStatus = Literal["open", "pending_approval", "approved", "rejected", "converted", "expired"]
UNNUMBERED = "(assigned on confirmation)"


def _pct(value: Decimal) -> str:
    """12.5000 -> '12.5', 10.0000 -> '10'."""
    return f"{value.normalize():f}"


def _placeholder() -> str:
    # Unique, so a preview can insert the order (and hit the same constraints) without taking a real number.
    return f"PREVIEW-{uuid.uuid4().hex[:24]}"


def discount_limit(ctx: ToolContext, role: str) -> Decimal:
    return ctx.settings.quotes.discount_limits.get(role, Decimal(0))


def gross_margin_pct(lines: list[tuple[int, Decimal, Decimal | None]]) -> Decimal | None:
    """(revenue - cost) / revenue over the lines that have a cost; lines without one are left out.

    `lines` are (quantity, net line amount, unit cost in the same currency). None when no line has a cost
    or the costed lines bring no revenue."""
    revenue = cost = Decimal(0)
    for quantity, amount, unit_cost in lines:
        if unit_cost is None:
            continue
        revenue += amount
        cost += quantity * unit_cost
    if revenue <= 0:
        return None
    return (revenue - cost) / revenue * HUNDRED


def credit_problem(ctx: ToolContext, customer: Customer, amount: Decimal, currency: str, fx: FxCache) -> str | None:
    """Why `amount` more would break the customer's credit terms, or None (no limit set means no check)."""
    status = credit_snapshot(ctx.session, customer, ctx.today)
    limit = status.credit_limit
    if limit is None:
        return None
    if limit == 0:
        return f"{customer.name} is cash only (credit limit 0): this needs prepayment before it can be delivered."
    if status.on_credit_hold:
        return (f"{customer.name} is on credit hold: invoice {status.oldest_overdue_invoice} is "
                f"{status.oldest_overdue_days} days past due.")
    added = fx.convert(amount, currency, status.currency)
    after = status.exposure + added
    if after <= limit:
        return None
    return (f"{format_money(added, status.currency)} more would take {customer.name}'s credit exposure from "
            f"{format_money(status.exposure, status.currency)} to {format_money(after, status.currency)}, over the "
            f"credit limit of {format_money(limit, status.currency)} by {format_money(after - limit, status.currency)}.")


class QuoteLineInput(ToolModel):
    product: str = Field(min_length=1, max_length=200, description="Product SKU or name")
    quantity: int = Field(gt=0, le=10_000_000, description="Units, a whole number above 0")
    discount_pct: Decimal = Field(Decimal(0), ge=0, le=100, decimal_places=4,
                                  description="Discount off the customer's price, in percent (0-100)")


class CreateQuoteInput(ToolModel):
    customer: str = Field(min_length=1, max_length=200, description="Customer code or name")
    lines: list[QuoteLineInput] = Field(min_length=1, max_length=50, description="What to quote: 1 to 50 lines")
    valid_days: int | None = Field(None, ge=1, le=365,
                                   description="How many days the quote stays valid; default from the company settings (30)")
    notes: str | None = Field(None, max_length=2000, description="Notes printed on the quote")


class QuoteLineOut(ToolModel):
    line_no: int
    sku: str
    name: str
    quantity: int
    list_price: Decimal = Field(description="Catalogue price, converted into the quote currency")
    unit_price: Decimal = Field(description="The customer's price before the line discount (price list or list price)")
    price_source: Literal["price_list", "list_price"] | None = None
    price_list_code: str | None = None
    discount_pct: Decimal
    line_amount: Decimal = Field(description="Net: quantity x unit price x (1 - discount/100)")
    unit_cost: Decimal | None = Field(None, description="In the quote currency (not shown to support)")
    line_margin: Decimal | None = Field(None, description="line amount - quantity x unit cost (not shown to support)")


class QuoteOut(ToolModel):
    number: str = Field(description=f"QUO-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    status: QuoteStatus
    customer_code: str
    customer_name: str
    currency: str
    issue_date: date
    valid_until: date
    lines: list[QuoteLineOut]
    subtotal: Decimal
    tax_rate_pct: Decimal
    tax: Decimal
    total: Decimal
    margin_pct: Decimal | None = Field(None, description="Gross margin % over lines with a cost (not shown to support)")
    approval_reasons: list[str] = Field(default_factory=list, description="Why the quote needs approval")
    approver_role: Literal["manager", "admin"] | None = Field(None, description="Who can approve it")
    credit_warning: str | None = Field(None, description="Set when the quote would break the customer's credit terms")
    approved_by: str | None = None
    approved_at: datetime | None = None
    notes: str | None = None


class CreateQuoteResult(QuoteOut):
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _approver_role(ctx: ToolContext, max_discount: Decimal, reasons: list[str]) -> Literal["manager", "admin"] | None:
    if not reasons:
        return None
    return "admin" if max_discount > discount_limit(ctx, "manager") else "manager"


def quote_out(ctx: ToolContext, quote: Quote, customer: Customer, products: dict[int, Product], *,
              sources: list[tuple[str | None, str | None]] | None = None, credit_warning: str | None = None,
              number: str | None = None, approved_by: Employee | None = None, model: type[QuoteOut] = QuoteOut,
              **extra) -> QuoteOut:
    """The quote as callers see it; unit costs and margins only for roles that see costs."""
    sees_costs = ctx.sees_costs
    lines = []
    for index, line in enumerate(quote.lines):
        product = products[line.product_id]
        source, code = sources[index] if sources else (None, None)
        costed = sees_costs and line.unit_cost is not None
        lines.append(QuoteLineOut(
            line_no=line.line_no, sku=product.sku, name=product.name, quantity=line.quantity, list_price=line.list_price,
            unit_price=line.unit_price, price_source=source, price_list_code=code, discount_pct=line.discount_pct,
            line_amount=line.line_amount, unit_cost=line.unit_cost if costed else None,
            line_margin=line.line_amount - line.quantity * line.unit_cost if costed else None))
    margin = gross_margin_pct([(line.quantity, line.line_amount, line.unit_cost) for line in quote.lines])
    reasons = quote.approval_reasons.splitlines() if quote.approval_reasons else []
    max_discount = max((line.discount_pct for line in quote.lines), default=Decimal(0))
    return model(
        number=number or quote.number, status=quote.status, customer_code=customer.code, customer_name=customer.name,
        currency=quote.currency, issue_date=quote.issue_date, valid_until=quote.valid_until, lines=lines,
        subtotal=quote.subtotal, tax_rate_pct=quote.tax_rate_pct, tax=quote.tax_amount, total=quote.total,
        margin_pct=round_pct(margin) if sees_costs and margin is not None else None, approval_reasons=reasons,
        approver_role=_approver_role(ctx, max_discount, reasons) if quote.status == "pending_approval" else None,
        credit_warning=credit_warning, approved_by=approved_by.name if approved_by else None,
        approved_at=quote.approved_at, notes=quote.notes, **extra)


def _resolve_lines(ctx: ToolContext, references: list[str]) -> list[Product]:
    """SKUs in one query; only references that are not an exact SKU go through the fuzzy resolver."""
    session = ctx.session
    wanted = {ref.strip() for ref in references} | {ref.strip().upper() for ref in references}
    by_sku = {p.sku.upper(): p for p in session.execute(select(Product).where(Product.sku.in_(wanted))).scalars()}
    products = []
    for line_no, reference in enumerate(references, start=1):
        product = by_sku.get(reference.strip().upper())
        if product is None:
            try:
                product = resolve_product(session, reference)
            except NotFound:
                raise NotFound(f"Line {line_no}: no product has the SKU or name '{reference}'.",
                               hint="Check the SKU, or search with find_products.") from None
            except Ambiguous as exc:
                raise Ambiguous(f"Line {line_no}: '{reference}' matches several products.", candidates=exc.candidates,
                                hint="Use the SKU of the product you mean.") from None
        products.append(product)
    return products


def _create_summary(params: CreateQuoteInput, result: CreateQuoteResult) -> str:
    count = len(result.lines)
    text = (f"Create quote for {result.customer_name}: {count} line{'s' if count != 1 else ''}, "
            f"total {format_money(result.total, result.currency)}")
    notes = []
    if result.status == "pending_approval":
        notes.append(f"pending {result.approver_role} approval")
    if result.credit_warning:
        notes.append("credit warning")
    return text + (f" ({'; '.join(notes)})" if notes else "")


@register(kind="write", summarize=_create_summary)
def create_quote(ctx: ToolContext, params: CreateQuoteInput) -> CreateQuoteResult:
    """Create a priced quote for a customer (needs confirmation); discounts or margins outside policy go to approval."""
    session = ctx.session
    today = ctx.today
    customer = resolve_customer(session, params.customer)
    products = _resolve_lines(ctx, [line.product for line in params.lines])
    for line_no, product in enumerate(products, start=1):
        if not product.active:
            raise BusinessRuleViolation(
                f"Line {line_no}: {product.sku} ({product.name}) can't be quoted: it is inactive — "
                f"{product.inactive_reason or 'no reason recorded'}.",
                hint="Remove the line or choose a replacement product.")
    currency = customer.currency
    fx = FxCache(session, today)
    prices = prices_for(session, [(p, line.quantity) for p, line in zip(products, params.lines)], customer, today, fx)

    limit = discount_limit(ctx, ctx.role)
    reasons: list[str] = []
    lines: list[QuoteLine] = []
    for line_no, (product, line, price) in enumerate(zip(products, params.lines, prices), start=1):
        discount = line.discount_pct
        if discount > limit:
            reasons.append(f"Line {line_no} ({product.sku}): discount {_pct(discount)}% is above the {ctx.role} "
                           f"limit of {_pct(limit)}%.")
        unit_cost = fx.convert(product.unit_cost, product.currency, currency) if product.unit_cost is not None else None
        lines.append(QuoteLine(
            line_no=line_no, product_id=product.id, quantity=line.quantity,
            list_price=fx.convert(product.unit_price, product.currency, currency), unit_price=price.unit_price,
            discount_pct=discount, line_amount=line_amount(line.quantity, price.unit_price, discount, currency),
            unit_cost=unit_cost))
    margin = gross_margin_pct([(line.quantity, line.line_amount, line.unit_cost) for line in lines])
    floor = ctx.settings.quotes.margin_floor_pct
    if margin is not None and margin < floor:
        shown = margin.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)  # 14.999 must not read as 15
        reasons.append(f"Gross margin {_pct(shown)}% is below the {_pct(floor)}% floor.")
    elif margin is None and any(line.unit_cost is not None and line.unit_cost > 0 for line in lines):
        reasons.append("The lines with a cost bring no revenue (fully discounted).")

    tax_rate = ctx.company.tax_rate_pct
    subtotal, tax, total = document_total([line.line_amount for line in lines], tax_rate, currency)
    number = UNNUMBERED if ctx.previewing else next_number(session, "quote", today.year)
    quote = Quote(number=number, customer_id=customer.id,
                  created_by_id=ctx.actor.id, status="pending_approval" if reasons else "open",
                  approval_reasons="\n".join(reasons) or None, currency=currency, issue_date=today,
                  valid_until=today + timedelta(days=params.valid_days or ctx.settings.quotes.validity_days),
                  subtotal=subtotal, tax_rate_pct=tax_rate, tax_amount=tax, total=total,
                  notes=params.notes.strip() if params.notes and params.notes.strip() else None, created_at=ctx.now)
    quote.lines = lines
    if not ctx.previewing:
        # The preview is computed in memory: the guard would roll the rows back anyway, and a preview must be fast.
        session.add(quote)
        session.flush()
    warning = credit_problem(ctx, customer, total, currency, fx)
    return quote_out(ctx, quote, customer, {p.id: p for p in products},
                     sources=[(price.source, price.price_list_code) for price in prices], credit_warning=warning,
                     number=number, model=CreateQuoteResult, created=not ctx.previewing)


def _load_quote(ctx: ToolContext, reference: str) -> tuple[Quote, Customer, dict[int, Product]]:
    """The quote locked for update (two approvals or conversions of one quote run one after the other)."""
    session = ctx.session
    number = reference.strip().upper()
    quote = session.execute(select(Quote).where(Quote.number == number).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if quote is None:
        raise NotFound(f"There is no quote {number}.", hint="Check the number (QUO-YYYY-NNNNNN).")
    customer = session.get(Customer, quote.customer_id)
    products = {p.id: p for p in session.execute(
        select(Product).where(Product.id.in_({line.product_id for line in quote.lines}))).scalars()}
    return quote, customer, products


def _refuse_if_expired(ctx: ToolContext, quote: Quote) -> None:
    if quote.valid_until < ctx.today:
        raise BusinessRuleViolation(f"Quote {quote.number} expired on {quote.valid_until.isoformat()}.",
                                    hint="Create a new quote with current prices.")


class ApproveQuoteInput(ToolModel):
    quote: str = Field(min_length=1, max_length=40, description="Quote number, e.g. QUO-2026-000123")
    note: str | None = Field(None, max_length=1000, description="Why it is approved (kept on the quote)")


class ApproveQuoteResult(ToolModel):
    quote: QuoteOut
    approved: bool = Field(description="False in a preview: nothing has been written yet")


def _approve_summary(params: ApproveQuoteInput, result: ApproveQuoteResult) -> str:
    q = result.quote
    return f"Approve quote {q.number} for {q.customer_name} (total {format_money(q.total, q.currency)})"


@register(kind="write", summarize=_approve_summary)
def approve_quote(ctx: ToolContext, params: ApproveQuoteInput) -> ApproveQuoteResult:
    """Approve a quote that is pending approval (discount or margin outside policy); needs confirmation."""
    quote, customer, products = _load_quote(ctx, params.quote)
    if quote.status != "pending_approval":
        raise BusinessRuleViolation(f"Quote {quote.number} is {quote.status.replace('_', ' ')}; only quotes pending "
                                    "approval can be approved.", hint="Nothing to approve.")
    _refuse_if_expired(ctx, quote)
    own_limit = discount_limit(ctx, ctx.role)
    too_deep = [line for line in quote.lines if line.discount_pct > own_limit]
    if too_deep:
        worst = max(line.discount_pct for line in too_deep)
        raise PermissionDenied(
            f"Quote {quote.number} has a {_pct(worst)}% discount; as {ctx.role} you can approve discounts up to "
            f"{_pct(own_limit)}%, so it needs an admin's approval.",
            hint="Ask an admin to approve it, or reduce the discount in a new quote.")
    quote.status = "approved"
    quote.approved_by_id = ctx.actor.id
    quote.approved_at = ctx.now
    if params.note and params.note.strip():
        entry = f"Approved by {ctx.actor.name} on {ctx.today.isoformat()}: {params.note.strip()}"
        quote.notes = f"{quote.notes}\n{entry}" if quote.notes else entry
    ctx.session.flush()
    return ApproveQuoteResult(quote=quote_out(ctx, quote, customer, products, approved_by=ctx.actor),
                              approved=not ctx.previewing)


class ConvertQuoteInput(ToolModel):
    quote: str = Field(min_length=1, max_length=40, description="Quote number, e.g. QUO-2026-000123")


class Reservation(ToolModel):
    sku: str
    warehouse: str = Field(description="Warehouse code")
    quantity: int


class ConvertQuoteResult(ToolModel):
    order_number: str = Field(description=f"SO-YYYY-NNNNNN, or '{UNNUMBERED}' in a preview")
    status: Literal["confirmed"] = "confirmed"
    quote_number: str
    customer_code: str
    customer_name: str
    order_date: date
    currency: str
    lines: list[OrderLineOut]
    net_amount: Decimal = Field(description="Sum of net line amounts, before tax")
    tax_rate_pct: Decimal
    tax: Decimal
    total: Decimal
    base_currency: str
    fx_rate: Decimal = Field(description="Units of base currency per unit of the order currency, on the order date")
    net_amount_base: Decimal
    reservations: list[Reservation] = Field(description="Stock reserved for the order, per product and warehouse")
    created: bool = Field(description="False in a preview: nothing has been written yet")


def _convert_summary(params: ConvertQuoteInput, result: ConvertQuoteResult) -> str:
    return (f"Turn quote {result.quote_number} for {result.customer_name} into a confirmed sales order "
            f"(total {format_money(result.total, result.currency)}) and reserve its stock")


def _plan_reservations(ctx: ToolContext, quote: Quote, products: dict[int, Product]) -> list[tuple[StockLevel, str, int]]:
    """Where each product's units come from: the warehouse with most available first. Refuses when short."""
    needed: dict[int, int] = defaultdict(int)
    for line in quote.lines:
        needed[line.product_id] += line.quantity
    rows = ctx.session.execute(
        select(StockLevel, Warehouse.code).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.product_id.in_(needed)).order_by(StockLevel.product_id, StockLevel.warehouse_id)
        .with_for_update(of=StockLevel).execution_options(populate_existing=True)).all()
    levels: dict[int, list[tuple[StockLevel, str]]] = defaultdict(list)
    for level, code in rows:
        levels[level.product_id].append((level, code))
    short = []
    plan = []
    for product_id, quantity in needed.items():
        sources = sorted(levels[product_id], key=lambda pair: (-(pair[0].quantity - pair[0].reserved), pair[1]))
        available = sum(max(level.quantity - level.reserved, 0) for level, _ in sources)
        if available < quantity:
            short.append(f"{products[product_id].sku} short by {quantity - available} (needs {quantity}, "
                         f"{available} available)")
            continue
        remaining = quantity
        for level, code in sources:
            take = min(remaining, level.quantity - level.reserved)
            if take > 0:
                plan.append((level, code, take))
                remaining -= take
            if remaining == 0:
                break
    if short:
        raise BusinessRuleViolation("Not enough stock to confirm the order: " + "; ".join(short) + ".",
                                    hint="Reduce the quantities in a new quote, or wait for the stock to arrive.")
    return plan


@register(kind="write", summarize=_convert_summary)
def convert_quote_to_order(ctx: ToolContext, params: ConvertQuoteInput) -> ConvertQuoteResult:
    """Turn an open or approved quote into a confirmed sales order, re-checking credit and stock and reserving stock."""
    session = ctx.session
    today = ctx.today
    quote, customer, products = _load_quote(ctx, params.quote)
    if quote.status == "pending_approval":
        raise BusinessRuleViolation(f"Quote {quote.number} needs approval first.",
                                    hint="Ask a manager to approve it (approve_quote), then convert it.")
    if quote.status == "converted":
        order_number = session.execute(select(SalesOrder.number).where(SalesOrder.id == quote.order_id)).scalar_one_or_none()
        raise BusinessRuleViolation(f"Quote {quote.number} was already converted into order {order_number}.",
                                    hint="Look the order up with order_status.")
    if quote.status not in ("open", "approved"):
        raise BusinessRuleViolation(f"Quote {quote.number} is {quote.status}; only open or approved quotes can become "
                                    "orders.", hint="Create a new quote.")
    _refuse_if_expired(ctx, quote)
    for line in quote.lines:
        product = products[line.product_id]
        if not product.active:
            raise BusinessRuleViolation(f"{product.sku} ({product.name}) is inactive: "
                                        f"{product.inactive_reason or 'no reason recorded'}.",
                                        hint="Create a new quote without it.")
    fx = FxCache(session, today)
    problem = credit_problem(ctx, customer, quote.total, quote.currency, fx)
    if problem:
        raise BusinessRuleViolation(f"Credit check failed: {problem}",
                                    hint="Take a prepayment or ask finance to raise the credit limit, then try again.")
    plan = _plan_reservations(ctx, quote, products)

    base = ctx.base_currency
    try:
        rate = fx_rate(session, quote.currency, today, base)
    except MissingFxRate:
        raise BusinessRuleViolation(f"There is no {quote.currency} exchange rate on or before {today.isoformat()}.",
                                    hint="Ask finance to add the FX rate, then try again.") from None
    number = UNNUMBERED if ctx.previewing else next_number(session, "order", today.year)
    order = SalesOrder(number=_placeholder() if ctx.previewing else number, customer_id=customer.id,
                       salesperson_id=quote.created_by_id, quote_id=quote.id, status="confirmed", order_date=today,
                       currency=quote.currency, ship_country=customer.country, ship_city=customer.city,
                       created_at=ctx.now)
    for line in quote.lines:
        order.lines.append(SalesOrderLine(product_id=line.product_id, quantity=line.quantity, unit_price=line.unit_price,
                                          discount_pct=line.discount_pct, unit_cost=line.unit_cost))
    price_order(order, rate, base)
    _, tax, total = document_total([line.line_amount for line in order.lines], quote.tax_rate_pct, order.currency)
    session.add(order)
    session.flush()
    for level, _, quantity in plan:
        level.reserved += quantity
    quote.status = "converted"
    quote.order_id = order.id
    session.flush()
    return ConvertQuoteResult(
        order_number=number, quote_number=quote.number, customer_code=customer.code, customer_name=customer.name,
        order_date=today, currency=order.currency,
        lines=[OrderLineOut(line_no=line.line_no, sku=products[line.product_id].sku, name=products[line.product_id].name,
                            quantity=line.quantity, unit_price=line.unit_price, discount_pct=line.discount_pct,
                            line_amount=line.line_amount) for line in order.lines],
        net_amount=order.net_amount, tax_rate_pct=quote.tax_rate_pct, tax=tax, total=total, base_currency=base, fx_rate=rate,
        net_amount_base=order.net_amount_base,
        reservations=[Reservation(sku=products[level.product_id].sku, warehouse=code, quantity=quantity)
                      for level, code, quantity in plan],
        created=not ctx.previewing)
