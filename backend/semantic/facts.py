"""The facts numbers are counted over, with the joins and dimensions each one offers.

Every fact is a table (or, for balances on a day, a subquery) of the system of record; the business rules it
applies come from backend.semantic.rules.
"""
from __future__ import annotations

from sqlalchemy import String, cast, func, select, true
from sqlalchemy.orm import aliased

from backend.models import (Account, Customer, Employee, Interaction, Invoice, JournalEntry, JournalLine, Opportunity,
                            GoodsReceipt, GoodsReceiptLine, Payment, Product, ProductCost, PurchaseOrder, PurchaseOrderLine, Quote, SalesOrder, SalesOrderLine, StockLevel, SupplierBill,
                            SupplierBillLine, SupplierPayment, Supplier, Ticket, Warehouse)
from backend.semantic import rules
from backend.semantic import marketing
from backend.semantic.model import DimensionSQL, Fact, Join, Params, Star, Words
from backend.semantic.sql import GRAINS, TimeBucket


# --- shared joins and dimensions ------------------------------------------------------------------------------

def _customer_join(customer_id: str) -> Join:
    return Join(lambda p: aliased(Customer, name="customer"), lambda s, t: t.id == s.col(customer_id), outer=False)


def _employee_join(employee_id) -> Join:
    """An employee reached from the star (`employee_id(star)` gives the foreign key)."""
    return Join(lambda p: aliased(Employee, name="employee"), lambda s, t: t.id == employee_id(s))


def _customer_dimensions(customer) -> dict[str, DimensionSQL]:
    """customer, segment, city, country — `customer(star)` gives the customer entity (joined or the fact itself)."""
    return {
        "customer": DimensionSQL(key=lambda s: customer(s).code, label=lambda s: customer(s).name,
                                 filter=lambda s: s.col("customer_id")),
        "segment": DimensionSQL(key=lambda s: customer(s).segment),
        "city": DimensionSQL(key=lambda s: customer(s).city),
        "country": DimensionSQL(key=lambda s: customer(s).country),
    }


def _owner_dimensions(owner_id) -> dict[str, DimensionSQL]:
    """owner and region: the employee responsible (`owner_id(star)` their id; the join is named 'employee')."""
    return {
        "owner": DimensionSQL(key=lambda s: s.join("employee").code, label=lambda s: s.join("employee").name,
                              filter=owner_id),
        "region": DimensionSQL(key=lambda s: s.join("employee").region),
    }


def _time_dimensions() -> dict[str, DimensionSQL]:
    def bucket(grain: str):
        def key(s: Star):
            if s.fact.time_is_instant:
                return TimeBucket(s.fact.time(s), grain, zone=s.params.zone, offset_hours=s.params.offset_hours)
            return TimeBucket(s.fact.time(s), grain)
        return key

    return {grain: DimensionSQL(key=bucket(grain)) for grain in GRAINS}


def _joined_customer(s: Star):
    return s.join("customer")


def _product_dimensions(product_id) -> dict[str, DimensionSQL]:
    return {
        "product": DimensionSQL(key=lambda s: s.join("product").sku, label=lambda s: s.join("product").name,
                                filter=product_id),
        "category": DimensionSQL(key=lambda s: s.join("product").category),
    }


def _product_join(product_id: str) -> Join:
    return Join(lambda p: aliased(Product, name="product"), lambda s, t: t.id == s.col(product_id), outer=False)


# --- sales ---------------------------------------------------------------------------------------------------

def _order_columns(extra: dict | None = None) -> dict:
    columns = {"id": lambda s: SalesOrder.id, "customer_id": lambda s: SalesOrder.customer_id,
               "salesperson_id": lambda s: SalesOrder.salesperson_id, "status": lambda s: SalesOrder.status}
    return columns | (extra or {})


# An order by its number, shown with the day it was placed ("SO-2021-000082 (2021-12-18)")
_ORDER_DIMENSION = DimensionSQL(key=lambda s: SalesOrder.number, label=lambda s: cast(SalesOrder.order_date, String),
                                filter=lambda s: SalesOrder.number)


def _order_dimensions() -> dict[str, DimensionSQL]:
    return {**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: SalesOrder.salesperson_id),
            "order": _ORDER_DIMENSION,
            # (as it stood on the as-of day: "orders not shipped yet" on a day before they shipped)
            "order_status": DimensionSQL(key=lambda s: rules.order_status_on(
                SalesOrder.status, SalesOrder.shipped_date, SalesOrder.id, s.params.as_of)),
            "currency": DimensionSQL(key=lambda s: SalesOrder.currency)}


def _order_joins() -> dict[str, Join]:
    return {"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: SalesOrder.salesperson_id)}


_ORDER_REP = Words("orders credited to them or placed by customers they own",
                   "đơn hàng ghi nhận cho họ hoặc của khách hàng họ phụ trách")


def _order_customer_owner(s: Star):
    """The owner of an order's customer: a rep sees every order of the customers they own."""
    return s.join("customer").owner_id
_CUSTOMER_REP = Words("customers they own", "khách hàng họ phụ trách")

def _live_orders(s: Star) -> list:
    """Cancelled orders are left out (the revenue rule), unless the query asks for order statuses itself."""
    return [] if "order_status" in s.params.filtered else [rules.counts_as_revenue(SalesOrder.status)]


ORDERS = Fact(
    name="orders", noun=Words("order", "đơn hàng"), source=lambda p: SalesOrder.__table__,
    columns=_order_columns(), joins=_order_joins(), dimensions=_order_dimensions() | _time_dimensions(),
    period_role="flow", time=lambda s: SalesOrder.order_date, conditions=_live_orders,
    rep_column=lambda s: SalesOrder.salesperson_id, rep_also=_order_customer_owner, rep_scope=_ORDER_REP, default_period="this-year")

ORDER_LINES = Fact(
    name="order_lines", noun=Words("order line", "dòng đơn hàng"),
    source=lambda p: SalesOrderLine.__table__.join(SalesOrder.__table__, SalesOrderLine.order_id == SalesOrder.id),
    columns=_order_columns({"product_id": lambda s: SalesOrderLine.product_id}),
    joins=_order_joins() | {"product": _product_join("product_id")},
    dimensions=_order_dimensions() | _product_dimensions(lambda s: SalesOrderLine.product_id) | _time_dimensions(),
    period_role="flow", time=lambda s: SalesOrder.order_date, conditions=_live_orders,
    rep_column=lambda s: SalesOrder.salesperson_id, rep_also=_order_customer_owner, rep_scope=_ORDER_REP, default_period="this-year")

SHIPMENTS = Fact(
    name="shipments", noun=Words("shipped order", "đơn đã giao"), source=lambda p: SalesOrder.__table__,
    columns=_order_columns(), joins=_order_joins(), dimensions=_order_dimensions() | _time_dimensions(),
    period_role="flow", time=lambda s: SalesOrder.shipped_date,
    conditions=lambda s: [SalesOrder.shipped_date.is_not(None), SalesOrder.status != "cancelled"],
    rep_column=lambda s: SalesOrder.salesperson_id, rep_also=_order_customer_owner, rep_scope=_ORDER_REP, default_period="this-month")

UNINVOICED = Fact(
    name="uninvoiced", noun=Words("order not yet invoiced", "đơn chưa xuất hóa đơn"), source=lambda p: SalesOrder.__table__,
    columns=_order_columns(),
    joins={"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: s.join("customer").owner_id)},
    dimensions={**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: s.join("customer").owner_id),
                "currency": DimensionSQL(key=lambda s: s.join("customer").currency),
                "order_status": DimensionSQL(key=lambda s: SalesOrder.status),   # shipped or only confirmed
                "order": _ORDER_DIMENSION},
    period_role="snapshot", conditions=lambda s: [rules.uninvoiced_exposure(SalesOrder.status, SalesOrder.id)],
    rep_column=lambda s: s.join("customer").owner_id, rep_scope=_CUSTOMER_REP, history=False)


# --- receivables ---------------------------------------------------------------------------------------------

def _customer_owned(customer_id_column) -> dict:
    """Joins, owner dimensions and rep scope for a fact reached through its customer (owner = the customer's)."""
    return {
        "joins": {"customer": _customer_join(customer_id_column),
                  "employee": _employee_join(lambda s: s.join("customer").owner_id)},
        "dimensions": {**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: s.join("customer").owner_id)},
        "rep_column": lambda s: s.join("customer").owner_id,
        "rep_scope": _CUSTOMER_REP,
    }


_INVOICES = _customer_owned("customer_id")
INVOICES = Fact(
    name="invoices", noun=Words("invoice", "hóa đơn"), source=lambda p: Invoice.__table__,
    columns={"id": lambda s: Invoice.id, "customer_id": lambda s: Invoice.customer_id},
    joins=_INVOICES["joins"],
    dimensions=_INVOICES["dimensions"] | _time_dimensions() | {
        "invoice": DimensionSQL(key=lambda s: Invoice.number, filter=lambda s: Invoice.number),
        "invoice_status": DimensionSQL(key=lambda s: Invoice.status),
        "currency": DimensionSQL(key=lambda s: Invoice.currency)},
    period_role="flow", time=lambda s: Invoice.issue_date,
    # void invoices are left out, unless the query asks for invoice statuses itself ("how many were voided")
    conditions=lambda s: [] if "invoice_status" in s.params.filtered else [Invoice.status != "void"],
    rep_column=_INVOICES["rep_column"], rep_scope=_CUSTOMER_REP, default_period="this-year")


def _open_items(p: Params):
    """Invoices with their open balance on the as-of day (rules.open_balance); rows without one are dropped."""
    balance = rules.open_balance(p.as_of).label("balance")
    return (select(Invoice.id, Invoice.number, Invoice.customer_id, Invoice.issue_date, Invoice.due_date,
                   Invoice.currency, Invoice.fx_rate, balance)
            .where(rules.open_invoice_candidates(p.as_of)).subquery("open_items"))


_RECEIVABLES = _customer_owned("customer_id")
RECEIVABLES = Fact(
    name="receivables", noun=Words("open invoice", "hóa đơn còn nợ"), source=_open_items,
    columns={"id": lambda s: s.source.c.id, "customer_id": lambda s: s.source.c.customer_id},
    joins=_RECEIVABLES["joins"],
    dimensions=_RECEIVABLES["dimensions"] | {
        "invoice": DimensionSQL(key=lambda s: s.source.c.number, filter=lambda s: s.source.c.number),
        "aging_bucket": DimensionSQL(key=lambda s: rules.aging_bucket_sql(s.source.c.due_date, s.params.as_of)),
        "currency": DimensionSQL(key=lambda s: s.source.c.currency)},
    period_role="snapshot", conditions=lambda s: [s.source.c.balance > 0],
    rep_column=_RECEIVABLES["rep_column"], rep_scope=_CUSTOMER_REP)

_PAYMENTS = _customer_owned("customer_id")
PAYMENTS = Fact(
    name="payments", noun=Words("payment", "khoản thanh toán"), source=lambda p: Payment.__table__,
    columns={"id": lambda s: Payment.id, "customer_id": lambda s: Payment.customer_id},
    joins=_PAYMENTS["joins"],
    dimensions=_PAYMENTS["dimensions"] | _time_dimensions() | {
        "currency": DimensionSQL(key=lambda s: Payment.currency),
        "payment_method": DimensionSQL(key=lambda s: Payment.method)},
    period_role="flow", time=lambda s: Payment.paid_on,
    rep_column=_PAYMENTS["rep_column"], rep_scope=_CUSTOMER_REP, default_period="this-month")


# --- customers (credit, contact) -----------------------------------------------------------------------------

def _last_contact(p: Params):
    return (select(Interaction.customer_id, func.max(Interaction.occurred_at).label("last_contact"))
            .where(Interaction.occurred_at < p.as_of_end_at).group_by(Interaction.customer_id).subquery("last_contact"))


CUSTOMERS = Fact(
    name="customers", noun=Words("customer", "khách hàng"), source=lambda p: Customer.__table__,
    columns={"id": lambda s: Customer.id, "customer_id": lambda s: Customer.id},
    joins={"employee": _employee_join(lambda s: Customer.owner_id),
           "last_contact": Join(_last_contact, lambda s, t: t.c.customer_id == Customer.id)},
    dimensions={**_customer_dimensions(lambda s: Customer), **_owner_dimensions(lambda s: Customer.owner_id),
                "currency": DimensionSQL(key=lambda s: Customer.currency)},
    period_role="snapshot", rep_column=lambda s: Customer.owner_id, rep_scope=_CUSTOMER_REP)


def _first_orders(p: Params):
    """Each customer's first order (not cancelled: the revenue rule), ever — what makes a customer new."""
    return (select(SalesOrder.customer_id.label("customer_id"), func.min(SalesOrder.order_date).label("first_date"))
            .where(rules.counts_as_revenue(SalesOrder.status)).group_by(SalesOrder.customer_id).subquery("first_orders"))


_FIRST = _customer_owned("customer_id")
FIRST_ORDERS = Fact(
    name="first_orders", noun=Words("new customer", "khách hàng mới"), source=_first_orders,
    columns={"id": lambda s: s.source.c.customer_id, "customer_id": lambda s: s.source.c.customer_id},
    joins=_FIRST["joins"], dimensions=_FIRST["dimensions"] | _time_dimensions(),
    period_role="flow", time=lambda s: s.source.c.first_date,
    rep_column=_FIRST["rep_column"], rep_scope=_CUSTOMER_REP, default_period="this-year")


# --- pipeline and quotes ---------------------------------------------------------------------------------------

OPPORTUNITIES = Fact(
    name="opportunities", noun=Words("opportunity", "cơ hội"), source=lambda p: Opportunity.__table__,
    columns={"id": lambda s: Opportunity.id, "customer_id": lambda s: Opportunity.customer_id},
    joins={"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: Opportunity.owner_id)},
    dimensions={**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: Opportunity.owner_id),
                "stage": DimensionSQL(key=lambda s: Opportunity.stage),
                "opportunity": DimensionSQL(key=lambda s: Opportunity.name, filter=lambda s: Opportunity.id),
                "currency": DimensionSQL(key=lambda s: Opportunity.currency)} | _time_dimensions(),
    period_role="filter", time=lambda s: Opportunity.close_date, rep_column=lambda s: Opportunity.owner_id,
    rep_scope=Words("opportunities they own", "cơ hội họ phụ trách"), history=False)

QUOTES = Fact(
    name="quotes", noun=Words("quote", "báo giá"), source=lambda p: Quote.__table__,
    columns={"id": lambda s: Quote.id, "customer_id": lambda s: Quote.customer_id},
    joins={"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: Quote.created_by_id)},
    dimensions={**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: Quote.created_by_id),
                "quote_status": DimensionSQL(key=lambda s: Quote.status),
                "currency": DimensionSQL(key=lambda s: Quote.currency)} | _time_dimensions(),
    period_role="flow", time=lambda s: Quote.issue_date, rep_column=lambda s: Quote.created_by_id,
    rep_scope=Words("quotes they made", "báo giá họ lập"), default_period="this-year")


# --- support and contact -------------------------------------------------------------------------------------

def _ticket_fact(name: str, noun: Words, *, role, time, conditions, default_period: str | None) -> Fact:
    return Fact(
        name=name, noun=noun, source=lambda p: Ticket.__table__,
        columns={"id": lambda s: Ticket.id, "customer_id": lambda s: Ticket.customer_id},
        joins={"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: Ticket.assignee_id)},
        dimensions={**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: Ticket.assignee_id),
                    "ticket_status": DimensionSQL(key=lambda s: Ticket.status),
                    "ticket_priority": DimensionSQL(key=lambda s: Ticket.priority)}
                   | (_time_dimensions() if time is not None else {}),
        period_role=role, time=time, time_is_instant=True, conditions=conditions,
        rep_column=lambda s: s.join("customer").owner_id, rep_scope=_CUSTOMER_REP, default_period=default_period)


TICKETS = _ticket_fact("tickets", Words("ticket", "phiếu hỗ trợ"), role="flow", time=lambda s: Ticket.opened_at,
                       conditions=lambda s: [], default_period="this-month")
OPEN_TICKETS = _ticket_fact(
    "open_tickets", Words("open ticket", "phiếu đang mở"), role="snapshot", time=None, default_period=None,
    conditions=lambda s: [rules.ticket_open_at(Ticket.status, Ticket.opened_at, Ticket.closed_at, s.params.as_of_end_at)])
RESOLUTIONS = _ticket_fact(
    "resolutions", Words("closed ticket", "phiếu đã đóng"), role="flow", time=lambda s: Ticket.closed_at,
    conditions=lambda s: [Ticket.status == "closed", Ticket.closed_at.is_not(None)], default_period="this-month")

INTERACTIONS = Fact(
    name="interactions", noun=Words("interaction", "lần liên hệ"), source=lambda p: Interaction.__table__,
    columns={"id": lambda s: Interaction.id, "customer_id": lambda s: Interaction.customer_id},
    joins={"customer": _customer_join("customer_id"), "employee": _employee_join(lambda s: Interaction.employee_id)},
    dimensions={**_customer_dimensions(_joined_customer), **_owner_dimensions(lambda s: Interaction.employee_id),
                "interaction_kind": DimensionSQL(key=lambda s: Interaction.kind)} | _time_dimensions(),
    period_role="flow", time=lambda s: Interaction.occurred_at, time_is_instant=True,
    rep_column=lambda s: s.join("customer").owner_id, rep_scope=_CUSTOMER_REP, default_period="this-month")


# --- stock ---------------------------------------------------------------------------------------------------

STOCK = Fact(
    name="stock", noun=Words("stock row", "dòng tồn kho"),
    source=lambda p: StockLevel.__table__.join(Product.__table__, Product.id == StockLevel.product_id),
    columns={"id": lambda s: StockLevel.id, "product_id": lambda s: StockLevel.product_id},
    joins={"warehouse": Join(lambda p: aliased(Warehouse, name="warehouse"),
                             lambda s, t: t.id == StockLevel.warehouse_id, outer=False),
           # the ledger's cost book, where the product has one (an imported company may not)
           "cost": Join(lambda p: aliased(ProductCost, name="cost"), lambda s, t: t.product_id == StockLevel.product_id)},
    dimensions={"product": DimensionSQL(key=lambda s: Product.sku, label=lambda s: Product.name,
                                        filter=lambda s: Product.id),
                "category": DimensionSQL(key=lambda s: Product.category),
                "warehouse": DimensionSQL(key=lambda s: s.join("warehouse").code, label=lambda s: s.join("warehouse").name,
                                          filter=lambda s: StockLevel.warehouse_id),
                "currency": DimensionSQL(key=lambda s: Product.currency)},
    period_role="snapshot", history=False)


CATALOGUE = Fact(
    name="catalogue", noun=Words("product", "sản phẩm"), source=lambda p: Product.__table__,
    columns={"id": lambda s: Product.id, "product_id": lambda s: Product.id},
    joins={},
    dimensions={"product": DimensionSQL(key=lambda s: Product.sku, label=lambda s: Product.name,
                                        filter=lambda s: Product.id),
                "category": DimensionSQL(key=lambda s: Product.category),
                "currency": DimensionSQL(key=lambda s: Product.currency)},
    period_role="snapshot", history=False)


# --- the ledger ------------------------------------------------------------------------------------------------
# Journal lines are in the base currency already; each is read with its account (kind and role decide the measure).

def _supplier_join(supplier_id) -> Join:
    return Join(lambda p: aliased(Supplier, name="supplier"), lambda s, t: t.id == supplier_id(s), outer=False)


def _supplier_dimensions() -> dict[str, DimensionSQL]:
    return {"supplier": DimensionSQL(key=lambda s: s.join("supplier").code, label=lambda s: s.join("supplier").name,
                                     filter=lambda s: s.join("supplier").name)}


def _delivered_order(p: Params):
    return aliased(SalesOrder, name="delivered_order")


def _journal_entry(p: Params):
    return aliased(JournalEntry, name="entry")


_LEDGER_SOURCE = lambda p: JournalLine.__table__.join(Account.__table__, Account.id == JournalLine.account_id)  # noqa: E731
_ACCOUNT = {"account": DimensionSQL(key=lambda s: Account.code, label=lambda s: Account.name,
                                    filter=lambda s: Account.name)}

def _journal_fact(name: str, noun: Words, accounts, *, owner: bool) -> Fact:
    """Journal lines of the accounts `accounts(star)` selects, dated by entry; `owner`: also by the salesperson of
    the order a delivery came from (cost of goods sold), which is also how a sales rep's view is narrowed."""
    joins = {"customer": _customer_join("customer_id"), "product": _product_join("product_id"),
             "supplier": _supplier_join(lambda s: JournalLine.supplier_id)}
    dimensions = {**_customer_dimensions(_joined_customer), **_product_dimensions(lambda s: JournalLine.product_id),
                  **_supplier_dimensions(), **_ACCOUNT}
    rep = None
    if owner:
        joins |= {"entry": Join(_journal_entry, lambda s, t: t.id == JournalLine.entry_id, outer=False),
                  "delivered_order": Join(_delivered_order, lambda s, t: (s.join("entry").source_type == "delivery")
                                          & (t.id == s.join("entry").source_id)),
                  "employee": _employee_join(lambda s: s.join("delivered_order").salesperson_id)}
        dimensions |= _owner_dimensions(lambda s: s.join("delivered_order").salesperson_id)
        rep = lambda s: s.join("delivered_order").salesperson_id  # noqa: E731
    return Fact(
        name=name, noun=noun, source=_LEDGER_SOURCE,
        columns={"id": lambda s: JournalLine.id, "customer_id": lambda s: JournalLine.customer_id,
                 "product_id": lambda s: JournalLine.product_id},
        joins=joins, dimensions=dimensions | _time_dimensions(), period_role="flow",
        time=lambda s: JournalLine.entry_date, conditions=lambda s: [accounts(s)], rep_column=rep,
        rep_scope=_ORDER_REP, default_period="this-year")


# The income statement's lines (revenue and expense accounts), and cost of goods sold alone, by salesperson too.
JOURNAL = _journal_fact("journal", Words("journal line", "dòng bút toán"),
                        lambda s: Account.kind.in_(("revenue", "expense")), owner=False)
COGS_LINES = _journal_fact("cogs_lines", Words("cost of goods sold line", "dòng giá vốn"),
                           lambda s: Account.role == "cogs", owner=True)
# VAT charged and VAT deductible, each month's movements on the two VAT accounts (the VAT return's figures).
TAX_LINES = _journal_fact("tax_lines", Words("VAT line", "dòng thuế GTGT"),
                          lambda s: Account.role.in_(("vat_output", "vat_input")), owner=False)

# Every account's journal lines, dated by entry: what was posted to one account in a period.
ACCOUNT_LINES = _journal_fact("account_lines", Words("journal line", "dòng bút toán"), lambda s: true(), owner=False)

LEDGER_BALANCES = Fact(
    name="ledger_balances", noun=Words("account balance", "số dư tài khoản"), source=_LEDGER_SOURCE,
    columns={"id": lambda s: JournalLine.id}, joins={}, dimensions=dict(_ACCOUNT),
    period_role="snapshot", conditions=lambda s: [JournalLine.entry_date <= s.params.as_of])


def _delivery_entries(p: Params):
    return aliased(JournalEntry, name="delivery_entry")


# Order lines as they were delivered, dated by the delivery's journal entry: the revenue that cost of goods sold
# is matched with (gross margin).
DELIVERED_LINES = Fact(
    name="delivered_lines", noun=Words("delivered order line", "dòng hàng đã giao"),
    source=lambda p: SalesOrderLine.__table__.join(SalesOrder.__table__, SalesOrderLine.order_id == SalesOrder.id),
    columns=_order_columns({"product_id": lambda s: SalesOrderLine.product_id}),
    joins=_order_joins() | {"product": _product_join("product_id"),
                            "delivery": Join(_delivery_entries, lambda s, t: (t.source_type == "delivery")
                                             & (t.source_id == SalesOrder.id), outer=False)},
    dimensions=_order_dimensions() | _product_dimensions(lambda s: SalesOrderLine.product_id) | _time_dimensions(),
    period_role="flow", time=lambda s: s.join("delivery").entry_date,
    rep_column=lambda s: SalesOrder.salesperson_id, rep_also=_order_customer_owner, rep_scope=_ORDER_REP, default_period="this-year")


# --- payables and purchases --------------------------------------------------------------------------------------

def _open_bills(p: Params):
    """Supplier bills with their open balance on the as-of day (rules.bill_open_balance); rows without one dropped."""
    balance = rules.bill_open_balance(p.as_of).label("balance")
    return (select(SupplierBill.id, SupplierBill.number, SupplierBill.supplier_id, SupplierBill.bill_date,
                   SupplierBill.due_date, SupplierBill.currency, SupplierBill.fx_rate, SupplierBill.match_status, balance)
            .where(rules.open_bill_candidates(p.as_of)).subquery("open_bills"))


PAYABLES = Fact(
    name="payables", noun=Words("open supplier bill", "hóa đơn nhà cung cấp chưa trả"), source=_open_bills,
    columns={"id": lambda s: s.source.c.id},
    joins={"supplier": _supplier_join(lambda s: s.source.c.supplier_id)},
    dimensions=_supplier_dimensions() | {
        "bill": DimensionSQL(key=lambda s: s.source.c.number, filter=lambda s: s.source.c.number),
        "match_status": DimensionSQL(key=lambda s: s.source.c.match_status),
        "aging_bucket": DimensionSQL(key=lambda s: rules.aging_bucket_sql(s.source.c.due_date, s.params.as_of)),
        "currency": DimensionSQL(key=lambda s: s.source.c.currency)},
    period_role="snapshot", conditions=lambda s: [s.source.c.balance > 0])

PURCHASES = Fact(
    name="purchases", noun=Words("billed purchase line", "dòng hàng mua đã có hóa đơn"),
    source=lambda p: SupplierBillLine.__table__.join(SupplierBill.__table__, SupplierBillLine.bill_id == SupplierBill.id),
    columns={"id": lambda s: SupplierBillLine.id, "product_id": lambda s: SupplierBillLine.product_id},
    joins={"supplier": _supplier_join(lambda s: SupplierBill.supplier_id), "product": _product_join("product_id")},
    dimensions=_supplier_dimensions() | _product_dimensions(lambda s: SupplierBillLine.product_id) | _time_dimensions()
               | {"currency": DimensionSQL(key=lambda s: SupplierBill.currency)},
    period_role="flow", time=lambda s: SupplierBill.bill_date,
    conditions=lambda s: [rules.counts_as_purchase(SupplierBill.status, SupplierBill.purchase_order_id)],
    default_period="this-year")

# Purchase orders and supplier bills as documents: how many, worth what, in which state.
PURCHASE_ORDERS = Fact(
    name="purchase_orders", noun=Words("purchase order", "đơn mua hàng"), source=lambda p: PurchaseOrder.__table__,
    columns={"id": lambda s: PurchaseOrder.id},
    joins={"supplier": _supplier_join(lambda s: PurchaseOrder.supplier_id),
           "warehouse": Join(lambda p: aliased(Warehouse, name="warehouse"),
                             lambda s, t: t.id == PurchaseOrder.warehouse_id, outer=False),
           "approver": Join(lambda p: aliased(Employee, name="approver"),
                            lambda s, t: t.id == PurchaseOrder.approved_by_id)},
    dimensions=_supplier_dimensions() | _time_dimensions() | {
        "purchase_order": DimensionSQL(key=lambda s: PurchaseOrder.number, filter=lambda s: PurchaseOrder.number),
        "po_status": DimensionSQL(key=lambda s: PurchaseOrder.status),
        "approver": DimensionSQL(key=lambda s: s.join("approver").name),
        "warehouse": DimensionSQL(key=lambda s: s.join("warehouse").code, label=lambda s: s.join("warehouse").name,
                                  filter=lambda s: PurchaseOrder.warehouse_id),
        "currency": DimensionSQL(key=lambda s: PurchaseOrder.currency)},
    period_role="filter", time=lambda s: PurchaseOrder.order_date, history=False)

# What was ordered from suppliers, line by line: a purchase order's products and units, in any status.
PURCHASE_ORDER_LINES = Fact(
    name="purchase_order_lines", noun=Words("purchase order line", "dòng đơn mua hàng"),
    source=lambda p: PurchaseOrderLine.__table__.join(PurchaseOrder.__table__,
                                                       PurchaseOrderLine.purchase_order_id == PurchaseOrder.id),
    columns={"id": lambda s: PurchaseOrderLine.id, "product_id": lambda s: PurchaseOrderLine.product_id},
    joins={"supplier": _supplier_join(lambda s: PurchaseOrder.supplier_id), "product": _product_join("product_id")},
    dimensions=_supplier_dimensions() | _product_dimensions(lambda s: PurchaseOrderLine.product_id) | _time_dimensions() | {
        "purchase_order": DimensionSQL(key=lambda s: PurchaseOrder.number, filter=lambda s: PurchaseOrder.number),
        "po_status": DimensionSQL(key=lambda s: PurchaseOrder.status)},
    period_role="filter", time=lambda s: PurchaseOrder.order_date, history=False)

RECEIPTS = Fact(
    name="receipts", noun=Words("goods receipt line", "dòng nhập kho"),
    source=lambda p: GoodsReceiptLine.__table__.join(GoodsReceipt.__table__, GoodsReceiptLine.receipt_id == GoodsReceipt.id)
    .join(PurchaseOrder.__table__, GoodsReceipt.purchase_order_id == PurchaseOrder.id),
    columns={"id": lambda s: GoodsReceiptLine.id, "product_id": lambda s: GoodsReceiptLine.product_id},
    joins={"supplier": _supplier_join(lambda s: PurchaseOrder.supplier_id), "product": _product_join("product_id"),
           "warehouse": Join(lambda p: aliased(Warehouse, name="warehouse"),
                             lambda s, t: t.id == GoodsReceipt.warehouse_id, outer=False)},
    dimensions=_supplier_dimensions() | _product_dimensions(lambda s: GoodsReceiptLine.product_id) | _time_dimensions() | {
        "purchase_order": DimensionSQL(key=lambda s: PurchaseOrder.number, filter=lambda s: PurchaseOrder.number),
        "receipt": DimensionSQL(key=lambda s: GoodsReceipt.number, filter=lambda s: GoodsReceipt.number),
        "warehouse": DimensionSQL(key=lambda s: s.join("warehouse").code, label=lambda s: s.join("warehouse").name,
                                  filter=lambda s: GoodsReceipt.warehouse_id)},
    period_role="flow", time=lambda s: GoodsReceipt.received_on, default_period="this-month")

# The ledger's cost book: each product's quantity and value at moving-average cost, as the journal holds it today.
COST_BOOK = Fact(
    name="cost_book", noun=Words("product cost", "giá vốn sản phẩm"), source=lambda p: ProductCost.__table__,
    columns={"id": lambda s: ProductCost.product_id, "product_id": lambda s: ProductCost.product_id},
    joins={"product": _product_join("product_id")},
    dimensions=_product_dimensions(lambda s: ProductCost.product_id),
    period_role="snapshot", history=False)

# The suppliers themselves (active ones), by the currency they bill in.
SUPPLIERS = Fact(
    name="suppliers", noun=Words("supplier", "nhà cung cấp"), source=lambda p: Supplier.__table__,
    columns={"id": lambda s: Supplier.id}, joins={},
    dimensions={"supplier": DimensionSQL(key=lambda s: Supplier.code, label=lambda s: Supplier.name,
                                         filter=lambda s: Supplier.name),
                "currency": DimensionSQL(key=lambda s: Supplier.currency)},
    period_role="snapshot", history=False, conditions=lambda s: [Supplier.active.is_(True)])

SUPPLIER_BILLS = Fact(
    name="supplier_bills", noun=Words("supplier bill", "hóa đơn nhà cung cấp"), source=lambda p: SupplierBill.__table__,
    columns={"id": lambda s: SupplierBill.id},
    joins={"supplier": _supplier_join(lambda s: SupplierBill.supplier_id),
           "order": Join(lambda p: aliased(PurchaseOrder, name="billed_order"),
                         lambda s, t: t.id == SupplierBill.purchase_order_id)},
    dimensions=_supplier_dimensions() | _time_dimensions() | {
        "bill": DimensionSQL(key=lambda s: SupplierBill.number, filter=lambda s: SupplierBill.number),
        "purchase_order": DimensionSQL(key=lambda s: s.join("order").number, filter=lambda s: s.join("order").number),
        "bill_status": DimensionSQL(key=lambda s: SupplierBill.status),
        "match_status": DimensionSQL(key=lambda s: SupplierBill.match_status),
        "currency": DimensionSQL(key=lambda s: SupplierBill.currency)},
    period_role="filter", time=lambda s: SupplierBill.bill_date, history=False)

SUPPLIER_PAYMENTS = Fact(
    name="supplier_payments", noun=Words("supplier payment", "khoản trả nhà cung cấp"),
    source=lambda p: SupplierPayment.__table__, columns={"id": lambda s: SupplierPayment.id},
    joins={"supplier": _supplier_join(lambda s: SupplierPayment.supplier_id)},
    dimensions=_supplier_dimensions() | _time_dimensions() | {"currency": DimensionSQL(key=lambda s: SupplierPayment.currency),
                                                               "payment_method": DimensionSQL(key=lambda s: SupplierPayment.method)},
    period_role="flow", time=lambda s: SupplierPayment.paid_on, default_period="this-month")


FACTS: dict[str, Fact] = {fact.name: fact for fact in (
    ORDERS, ORDER_LINES, SHIPMENTS, UNINVOICED, INVOICES, RECEIVABLES, PAYMENTS, CUSTOMERS, FIRST_ORDERS, OPPORTUNITIES,
    QUOTES,
    TICKETS, OPEN_TICKETS, RESOLUTIONS, INTERACTIONS, STOCK, CATALOGUE,
    JOURNAL, COGS_LINES, TAX_LINES, ACCOUNT_LINES, LEDGER_BALANCES, DELIVERED_LINES, PAYABLES, PURCHASES, SUPPLIER_PAYMENTS,
    PURCHASE_ORDERS, PURCHASE_ORDER_LINES, SUPPLIERS, SUPPLIER_BILLS, RECEIPTS, COST_BOOK)}
FACTS |= marketing.FACTS  # campaigns, acquisitions, customer margins, paid invoices
