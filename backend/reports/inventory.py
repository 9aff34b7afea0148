"""Stock reports: what to reorder, per product and warehouse."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Product, StockLevel, Warehouse
from backend.reports.table import ChartHint, Column, ReportRequest, ReportTable, limit_note, snapshot


def restock(session: Session, req: ReportRequest) -> ReportTable:
    shortfall = StockLevel.reorder_level - StockLevel.quantity
    conditions = [StockLevel.quantity < StockLevel.reorder_level, Product.active.is_(True)]
    count, total_shortfall = session.execute(
        select(func.count(), func.sum(shortfall)).select_from(StockLevel)
        .join(Product, Product.id == StockLevel.product_id).where(*conditions)).one()
    stmt = (select(Product.sku, Product.name, Warehouse.code, StockLevel.quantity, StockLevel.reserved,
                   StockLevel.reorder_level, shortfall)
            .join(Product, Product.id == StockLevel.product_id).join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
            .where(*conditions).order_by(shortfall.desc(), Product.sku, Warehouse.code))
    if req.limit is not None:
        stmt = stmt.limit(req.limit)
    rows = [{"sku": sku, "product": name, "warehouse": warehouse, "quantity": quantity, "reserved": reserved,
             "reorder_level": reorder_level, "shortfall": short}
            for sku, name, warehouse, quantity, reserved, reorder_level, short in session.execute(stmt)]
    notes = ["Active products whose quantity on hand in a warehouse is below that warehouse's reorder level; "
             "shortfall = reorder level − quantity on hand (reserved units are shown but not subtracted). "
             "Largest shortfall first."] + limit_note(len(rows), count, "stock rows")
    return ReportTable(
        name="restock", title=f"Restock list as of {req.today.isoformat()}", period=snapshot(req.today),
        currency=req.base_currency,
        columns=[Column(key="sku", label="SKU", type="text"), Column(key="product", label="Product", type="text"),
                 Column(key="warehouse", label="Warehouse", type="text"), Column(key="quantity", label="On hand", type="int"),
                 Column(key="reserved", label="Reserved", type="int"),
                 Column(key="reorder_level", label="Reorder level", type="int"),
                 Column(key="shortfall", label="Shortfall", type="int")],
        rows=rows, total_rows=count, totals={"shortfall": int(total_shortfall or 0)},
        chart=ChartHint(kind="bar", x="sku", y=["shortfall"], title="Units short of the reorder level"), notes=notes)
