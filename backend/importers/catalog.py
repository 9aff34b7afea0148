"""products.csv: the catalogue, with stock and reorder level kept in the default warehouse."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from backend.importers.reading import Row
from backend.importers.state import (FileLoader, ImportState, ProductRef, Seen, chunked, insert_rows, save_records,
                                     update_rows)
from backend.models import Product, StockLevel, Warehouse
from backend.text import search_key

DEFAULT_WAREHOUSE_CODE = "MAIN"


@dataclass(slots=True)
class _Product:
    sku: str
    values: dict[str, Any]
    stock: dict[str, int]  # quantity / reorder_level given on the line (empty cells leave stock alone)
    id: int | None


@dataclass
class ProductLoader(FileLoader):
    stem = "products"
    columns = ("sku", "name", "category", "unit_price", "unit_cost", "currency", "stock_qty", "reorder_level", "active")
    required = frozenset({"sku", "name", "unit_price"})

    records: list[_Product] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_products(row.raw("sku") for row in rows)
        skus = Seen("a SKU")
        for row in rows:
            sku = row.text("sku", required=True, max_length=40)
            name = row.text("name", required=True, max_length=200)
            values: dict[str, Any] = {"sku": sku, "name": name,
                                      "unit_price": row.decimal("unit_price", required=True, minimum=0)}
            if row.has("category"):
                values["category"] = row.text("category", max_length=80)
            if row.has("unit_cost"):
                values["unit_cost"] = row.decimal("unit_cost", minimum=0)
            if row.has("currency"):
                values["currency"] = row.currency("currency") or state.base_currency
            if row.has("active"):
                active = row.boolean("active")
                values["active"] = True if active is None else active
            stock: dict[str, int] = {}
            quantity = row.integer("stock_qty", minimum=0)
            reorder = row.integer("reorder_level", minimum=0)
            if quantity is not None:
                stock["quantity"] = quantity
            if reorder is not None:
                stock["reorder_level"] = reorder
            if sku is None or not skus.first(row, "sku", sku, sku):
                continue
            existing = state.products.get(sku)
            category = values["category"] if "category" in values else (existing.category if existing else None)
            values["search_key"] = search_key(name, sku, category)
            if existing is None:
                values.setdefault("currency", state.base_currency)
            unit_cost = values["unit_cost"] if "unit_cost" in values else (existing.unit_cost if existing else None)
            state.products[sku] = ProductRef(existing.id if existing else None, unit_cost, category)
            if row.ok:
                self.records.append(_Product(sku, values, stock, existing.id if existing else None))

    def write(self, state: ImportState) -> None:
        session = state.session
        reactivated = [{"id": record.id, "inactive_reason": None} for record in self.records
                       if record.id is not None and record.values.get("active")]
        new = save_records(session, Product, self.records)
        for record in new:
            state.products[record.sku].id = record.id
        update_rows(session, Product, reactivated)  # an active product has no reason to be inactive
        self.created = len(new)
        with_stock = [record for record in self.records if record.stock]
        if with_stock:
            self._write_stock(state, with_stock)

    def _write_stock(self, state: ImportState, records: list[_Product]) -> None:
        session = state.session
        warehouse_id = _default_warehouse(state)
        existing: dict[int, int] = {}
        for chunk in chunked(record.id for record in records):
            query = select(StockLevel.id, StockLevel.product_id).where(
                StockLevel.warehouse_id == warehouse_id, StockLevel.product_id.in_(chunk))
            existing.update({row.product_id: row.id for row in session.execute(query)})
        new, changed = [], []
        for record in records:
            level_id = existing.get(record.id)
            if level_id is None:
                new.append({"product_id": record.id, "warehouse_id": warehouse_id, "reserved": 0,
                            "quantity": record.stock.get("quantity", 0),
                            "reorder_level": record.stock.get("reorder_level", 0)})
            else:
                changed.append({"id": level_id, **record.stock})
        # Bulk UPDATE groups rows by the set of keys, so lines giving only one of the two values are fine.
        update_rows(session, StockLevel, changed)
        insert_rows(session, StockLevel, new)


def _default_warehouse(state: ImportState) -> int:
    """The first warehouse by id; a new database gets warehouse MAIN."""
    warehouse_id = state.session.execute(select(Warehouse.id).order_by(Warehouse.id).limit(1)).scalar_one_or_none()
    if warehouse_id is None:
        warehouse = Warehouse(code=DEFAULT_WAREHOUSE_CODE, name="Main warehouse")
        state.session.add(warehouse)
        state.session.flush()
        warehouse_id = warehouse.id
    return warehouse_id
