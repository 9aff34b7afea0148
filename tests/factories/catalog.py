"""Factories for products, stock and price lists."""
from __future__ import annotations

from decimal import Decimal
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import PriceList, PriceListItem, Product, StockLevel, Warehouse
from backend.text import search_key

_seq = count(1)


def make_warehouse(session: Session, *, code: str = "HCM", name: str = "Ho Chi Minh City DC") -> Warehouse:
    found = session.execute(select(Warehouse).where(Warehouse.code == code)).scalar_one_or_none()
    if found:
        return found
    row = Warehouse(code=code, name=name, city=name)
    session.add(row)
    session.flush()
    return row


def make_product(session: Session, *, sku: str | None = None, name: str | None = None, unit_price: Decimal = Decimal("100000"),
                 unit_cost: Decimal | None = Decimal("70000"), currency: str = "VND", category: str = "Paper",
                 active: bool = True, stock: int = 100, reorder_level: int = 10, warehouse: str = "HCM") -> Product:
    n = next(_seq)
    sku = sku or f"SKU-{n:04d}"
    name = name or f"Product {n}"
    row = Product(sku=sku, name=name, search_key=search_key(name, sku), unit_price=unit_price, unit_cost=unit_cost,
                  currency=currency, category=category, active=active,
                  inactive_reason=None if active else "Discontinued by the supplier")
    session.add(row)
    session.flush()
    wh = make_warehouse(session, code=warehouse, name=f"{warehouse} warehouse")
    session.add(StockLevel(product_id=row.id, warehouse_id=wh.id, quantity=stock, reorder_level=reorder_level))
    session.flush()
    return row


def make_price_list(session: Session, *, code: str = "WHOLESALE", currency: str = "VND",
                    prices: list[tuple[Product, int, Decimal]] = ()) -> PriceList:
    row = PriceList(code=code, name=code.title(), currency=currency)
    session.add(row)
    session.flush()
    for product, min_qty, price in prices:
        session.add(PriceListItem(price_list_id=row.id, product_id=product.id, min_quantity=min_qty, unit_price=price))
    session.flush()
    return row
