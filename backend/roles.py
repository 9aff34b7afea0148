"""The role matrix — the one place that says who may call which tool and see which figures.

Every tool looks its roles up here when it is registered (an unlisted tool cannot be registered), the
guard enforces them inside the call, and the surfaces use them to filter what a caller is offered.
"""
from __future__ import annotations

ALL = frozenset({"sales", "support", "finance", "manager", "admin"})
SALES_SIDE = frozenset({"sales", "manager", "admin"})
PURCHASING = frozenset({"finance", "admin"})
# Who may approve a purchase order whose total is above settings.purchasing.approval_threshold.
PO_APPROVERS = frozenset({"manager", "admin"})

TOOL_ROLES: dict[str, frozenset[str]] = {
    "find_customers": ALL,
    "customer_overview": ALL,
    "customer_history": ALL,
    # A sales rep only for the customers they own (the handbook: "credit checks for own customers").
    "check_credit": frozenset({"sales", "finance", "manager", "admin"}),
    "find_products": ALL,
    "product_availability": ALL,
    "create_quote": SALES_SIDE,
    "approve_quote": frozenset({"manager", "admin"}),
    "convert_quote_to_order": SALES_SIDE,
    "order_status": ALL,
    # A sales rep only for the customers they own (checked inside the tool).
    "invoice_status": ALL,
    "list_tickets": ALL,
    "create_ticket": frozenset({"support", "sales", "manager", "admin"}),
    "log_interaction": frozenset({"sales", "support", "manager", "admin"}),
    "run_report": frozenset({"sales", "finance", "manager", "admin"}),
    "search_docs": ALL,
    "write_report": frozenset({"finance", "manager", "admin"}),
    "query_data": ALL,
    # The general ledger (backend/tools/ledger.py): finance writes (manual entries, reversals, closing a month);
    # managers read the trial balance and account lines; sales and support none.
    "post_journal_entry": frozenset({"finance", "admin"}),
    "reverse_journal_entry": frozenset({"finance", "admin"}),
    "close_period": frozenset({"finance", "admin"}),
    "trial_balance": frozenset({"finance", "manager", "admin"}),
    "account_ledger": frozenset({"finance", "manager", "admin"}),
    # Purchasing and payables (backend/tools/purchasing.py, backend/tools/stock.py): finance buys, receives, books
    # bills and pays them; a manager approves orders above the approval threshold (checked inside the tool) and reads
    # payables; sales and support see suppliers and stock movements only.
    "find_suppliers": ALL,
    # The staff directory (backend/tools/employees.py): names, roles, e-mails and reporting lines, for everyone.
    "find_employees": ALL,
    "create_purchase_order": PURCHASING,
    "approve_purchase_order": frozenset({"finance", "manager", "admin"}),
    "receive_goods": PURCHASING,
    "record_supplier_bill": PURCHASING,
    "record_supplier_payment": PURCHASING,
    "payables": frozenset({"finance", "manager", "admin"}),
    "reorder_stock": PURCHASING,
    "stock_movements": ALL,
    "adjust_stock": frozenset({"finance", "manager", "admin"}),
    "ship_order": frozenset({"sales", "finance", "manager", "admin"}),
}

# Fields that reveal costs and margins; support never sees them.
COST_VIEWERS = frozenset({"sales", "finance", "manager", "admin"})
# The financial statements, payables and purchases (measures and catalogue reports); sales and support never see them.
FINANCE_VIEWERS = frozenset({"finance", "manager", "admin"})


def roles_for(tool: str) -> frozenset[str]:
    try:
        return TOOL_ROLES[tool]
    except KeyError:
        raise LookupError(f"tool {tool!r} is missing from the role matrix in backend/roles.py") from None


def allowed(tool: str, role: str) -> bool:
    return role in TOOL_ROLES.get(tool, frozenset())


def roles_needed_text(tool: str, language: str = "en") -> str:
    roles = sorted(roles_for(tool))
    joiner = " hoặc " if language == "vi" else " or "
    return ", ".join(roles[:-1]) + (joiner if len(roles) > 1 else "") + roles[-1]


# Roles that see one customer's money (credit, invoices) only for the customers they own.
OWN_CUSTOMERS_ONLY = frozenset({"sales"})


def may_see_accounts_of(role: str, actor_id: int, owner_id: int | None) -> bool:
    """Whether someone of this role sees a customer's credit and invoices: a sales rep only the customers they own
    (as their figures in query_data and reports hold only those)."""
    return role not in OWN_CUSTOMERS_ONLY or owner_id == actor_id


# What a sales rep is told when asking for a colleague's figures, on every surface (reports and query_data).
OTHER_REP_REFUSAL = "You can't see another salesperson's figures: sales reps see only their own."
OTHER_REP_HINT = "Leave the salesperson out to see yours, or ask a manager for the team's figures."
