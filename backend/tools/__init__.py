"""Typed business tools: one module per capability, all registered in backend.tools.registry."""

# Modules that register tools; the registry imports them on first use.
TOOL_MODULES: list[str] = ["customers", "tickets", "credit", "overview", "history", "products", "quotes", "orders", "invoices", "reports", "documents", "report_documents", "data", "ledger", "purchasing", "stock", "employees"]
