"""All ORM models, importable from one place (Alembic and the tools import them from here)."""
from backend.models.base import Base
from backend.models.catalog import PriceList, PriceListItem, Product, StockLevel, Warehouse
from backend.models.crm import Contact, Customer, Interaction, Opportunity, Ticket
from backend.models.finance import FxRate, Invoice, Payment, PaymentAllocation
from backend.models.org import ApiToken, Company, Employee
from backend.models.sales import Quote, QuoteLine, SalesOrder, SalesOrderLine
from backend.models.system import AuditEntry, Confirmation, DocumentSequence
from backend.models.conversation import AgentCheckpoint, AgentCheckpointWrite, Conversation
from backend.models.web import WebSession
from backend.models.slack import SlackEvent, SlackLink
from backend.models.reports import ReportRun, ReportSchedule
from backend.models.limits import RateCounter
from backend.models.purchasing import (GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, StockMovement,
                                       Supplier, SupplierBill, SupplierBillLine, SupplierContact, SupplierPayment,
                                       SupplierPaymentAllocation)
from backend.models.accounting import Account, AccountingPeriod, JournalEntry, JournalLine, ProductCost
from backend.models.marketing import Campaign

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Company", "Confirmation", "Contact", "Customer", "DocumentSequence",
    "Employee", "FxRate", "Interaction", "Invoice", "Opportunity", "Payment", "PaymentAllocation",
    "PriceList", "PriceListItem", "Product", "Quote", "QuoteLine", "SalesOrder", "SalesOrderLine",
    "StockLevel", "Ticket", "Warehouse",
    "AgentCheckpoint", "AgentCheckpointWrite", "Conversation", "WebSession",
    "SlackEvent", "SlackLink",
    "ReportRun", "ReportSchedule",
    "RateCounter",
    "Campaign",
    "Account", "AccountingPeriod", "JournalEntry", "JournalLine", "ProductCost",
    "GoodsReceipt", "GoodsReceiptLine", "PurchaseOrder", "PurchaseOrderLine", "StockMovement", "Supplier",
    "SupplierBill", "SupplierBillLine", "SupplierContact", "SupplierPayment", "SupplierPaymentAllocation",
]
