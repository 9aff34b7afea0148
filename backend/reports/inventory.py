"""Stock reports: what to reorder, per product and warehouse."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Product, StockLevel, Warehouse
from backend.reports.table import ChartHint, ReportRequest, ReportTable, column, limit_note, say, snapshot


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
    lang, day = req.language, req.today.isoformat()
    notes = [say(lang, "Active products whose quantity on hand in a warehouse is below that warehouse's reorder level; "
                       "shortfall = reorder level − quantity on hand (reserved units are shown but not subtracted). "
                       "Largest shortfall first.",
                 "Sản phẩm đang kinh doanh có tồn kho tại một kho dưới mức đặt hàng lại của kho đó; thiếu hụt = mức "
                 "đặt lại − tồn kho (số đã giữ được hiển thị nhưng không trừ). Thiếu hụt lớn nhất trước.")]
    notes += limit_note(len(rows), count, "stock rows", lang, "dòng tồn kho")
    return ReportTable(
        name="restock", title=say(lang, f"Restock list as of {day}", f"Hàng cần nhập thêm tính đến {day}"),
        period=snapshot(req.today, language=lang), currency=req.base_currency,
        columns=[column("sku", "text", lang),
                 column("product", "text", lang),
                 column("warehouse", "text", lang),
                 column("quantity", "int", lang, "on_hand"),
                 column("reserved", "int", lang),
                 column("reorder_level", "int", lang),
                 column("shortfall", "int", lang)],
        rows=rows, total_rows=count, totals={"shortfall": int(total_shortfall or 0)},
        chart=ChartHint(kind="bar", x="sku", y=["shortfall"],
                        title=say(lang, "Units short of the reorder level", "Số lượng thiếu so với mức đặt lại")), notes=notes)
