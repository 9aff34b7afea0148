"""The demo company's buying side, marketing and books: suppliers, 24 months of purchase orders, receipts, bills and
supplier payments, overheads, campaigns with the customers and deals they brought, and the ledger posted over all
of it, so that the books tie out with sales and stock.

It runs after the sales history is built (backend.demo) and draws from the builder's random stream after every sales
figure is drawn, so adding it changed none of them. Stock is worked out backwards from the stock levels held
today: opening stock + receipts − deliveries = on hand, per product and warehouse, and never below zero on the way.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounting.journal import EntryDraft, write_entries
from backend.accounting.posting import post_all_unposted, posting_context
from backend.bulk import insert_tuples
from backend.models import (Campaign, GoodsReceipt, GoodsReceiptLine, Opportunity, Product, PurchaseOrder,
                            PurchaseOrderLine, StockLevel, StockMovement, Supplier, SupplierBill, SupplierBillLine,
                            SupplierContact, SupplierPayment, SupplierPaymentAllocation)
from backend.money import document_total, round_money
from backend.text import search_key

ZERO = Decimal(0)
ONE = Decimal(1)
VAT = Decimal(10)
LOCAL_TZ = timezone(timedelta(hours=7), "ICT")
OPENING_CASH = Decimal(4_500_000_000)
LOT_DAYS = 28        # a purchase lot covers about four weeks of demand
SAFETY_DAYS = 9      # stock left when the next lot arrives
REFERRAL_REWARD = Decimal(2_000_000)
COST_GROWTH = Decimal("0.03")  # purchase costs rose about 3% a year, a little slower than list prices


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    currency: str
    terms: int
    lead_days: tuple[int, int]
    contact: tuple[str, str, str]  # name, e-mail, title
    phone: str
    address: str
    skus: tuple[str, ...] = ()     # SKU prefixes it is the usual supplier of
    vat: bool = True


SUPPLIERS: tuple[SupplierSpec, ...] = (
    SupplierSpec("DOUBLEA", "Double A (Vietnam) Co., Ltd.", "VND", 30, (2, 5),
                 ("Nguyễn Văn Thắng", "thang@doublea.com.vn", "Key account manager"), "028 3822 1140",
                 "Tòa nhà Sài Gòn Centre, Quận 1, Ho Chi Minh City", ("PAP-A4-80", "PAP-A3-80")),
    SupplierSpec("APPVN", "Công ty TNHH APP Việt Nam", "VND", 45, (3, 6),
                 ("Lê Thị Thu", "thu.le@app.com.vn", "Sales executive"), "028 3910 5566",
                 "KCN Việt Nam - Singapore, Thuận An, Binh Duong",
                 ("PAP-A4-70", "PAP-A4-PO80", "PAP-A5-70", "PAP-CLR-80")),
    SupplierSpec("TANMAI", "Công ty CP Giấy Tân Mai", "VND", 30, (3, 7),
                 ("Phạm Quốc Dũng", "dung.pham@tanmai.vn", "Trưởng phòng kinh doanh"), "0251 3822 310",
                 "KCN Biên Hòa 1, Dong Nai", ("PAP-A4-SH70", "PAP-CF-3P", "PAP-TH-80")),
    SupplierSpec("HONGHA", "Công ty CP Văn phòng phẩm Hồng Hà", "VND", 30, (4, 8),
                 ("Đỗ Minh Châu", "chau.do@vpphongha.com.vn", "Nhân viên kinh doanh"), "024 3652 4400",
                 "Quận Hoàng Mai, Hanoi", ("NB-",)),
    SupplierSpec("THIENLONG", "Tập đoàn Thiên Long", "VND", 30, (2, 5),
                 ("Trần Ngọc Bích", "bich.tran@thienlonggroup.com", "Key account manager"), "028 3750 5555",
                 "KCN Tân Tạo, Quận Bình Tân, Ho Chi Minh City", ("PEN-", "OFF-")),
    SupplierSpec("DIGIWORLD", "Công ty CP Thế Giới Số (Digiworld)", "VND", 15, (2, 4),
                 ("Võ Thanh Tùng", "tung.vo@dgw.com.vn", "Channel sales"), "028 3929 0059",
                 "Quận 3, Ho Chi Minh City",
                 ("TON-HP-", "TON-CN-", "TON-BR-", "INK-EP-", "EL-CALC-", "EL-MOUSE-", "EL-SHR-S8", "EL-SHR-C10")),
    SupplierSpec("MUCINSG", "Công ty TNHH Mực in Sài Gòn", "VND", 30, (5, 10),
                 ("Huỳnh Tấn Phát", "phat@mucinsaigon.vn", "Giám đốc"), "028 3868 2211",
                 "Quận Tân Phú, Ho Chi Minh City", ("TON-SH-",)),
    SupplierSpec("BAOBIBH", "Công ty CP Bao bì Biên Hòa", "VND", 30, (3, 7),
                 ("Ngô Thị Hạnh", "hanh.ngo@baobibienhoa.vn", "Sales manager"), "0251 3836 400",
                 "KCN Biên Hòa 2, Dong Nai", ("PKG-",)),
    SupplierSpec("XANHVIET", "Công ty TNHH Bao bì Xanh Việt", "VND", 30, (4, 8),
                 ("Lý Minh Khoa", "khoa@xanhvietpack.vn", "Nhân viên kinh doanh"), "028 6268 7788",
                 "Huyện Bình Chánh, Ho Chi Minh City", ("FS-",)),
    SupplierSpec("KINGDOMSZ", "Shenzhen Kingdom Office Equipment Co., Ltd.", "USD", 30, (21, 35),
                 ("Zhang Wei", "zhang.wei@kingdom-office.cn", "Export sales"), "+86 755 2655 0198",
                 "Bao'an District, Shenzhen, China", ("EL-SHR-M12", "EL-LBL-4X6"), vat=False),
    SupplierSpec("BROTHERSG", "Brother International Singapore Pte Ltd", "USD", 45, (14, 24),
                 ("Rachel Lim", "rachel.lim@brother.com.sg", "Distributor account manager"), "+65 6555 0420",
                 "Alexandra Road, Singapore", ("EL-LBL-QL800",), vat=False),
)
# Overheads and marketing: bills without a purchase order.
EXPENSE_SUPPLIERS: tuple[SupplierSpec, ...] = (
    SupplierSpec("KVTHUDUC", "Công ty CP Kho vận Thủ Đức", "VND", 10, (0, 0),
                 ("Mai Văn Lực", "luc.mai@khovanthuduc.vn", "Kế toán"), "028 3896 1200",
                 "Thành phố Thủ Đức, Ho Chi Minh City"),
    SupplierSpec("KBLONGBIEN", "Công ty TNHH Kho bãi Long Biên", "VND", 10, (0, 0),
                 ("Nguyễn Thị Yến", "yen@khobailongbien.vn", "Kế toán"), "024 3872 6600", "Quận Long Biên, Hanoi"),
    SupplierSpec("VTPHUONGNAM", "Công ty TNHH Vận tải Phương Nam", "VND", 30, (0, 0),
                 ("Trương Văn Hậu", "hau@vantaiphuongnam.vn", "Điều phối"), "028 3754 3322",
                 "Quận 12, Ho Chi Minh City"),
    SupplierSpec("GOOGLEAPAC", "Google Asia Pacific Pte. Ltd.", "VND", 0, (0, 0),
                 ("Google Ads billing", "ads-billing@google.com", "Billing"), "+65 6521 8000", "Pasir Panjang, Singapore",
                 vat=False),
    SupplierSpec("ZALOADS", "Công ty CP VNG (Zalo Ads)", "VND", 15, (0, 0),
                 ("Zalo Ads", "ads@zalo.me", "Account executive"), "028 3962 3888", "Quận 7, Ho Chi Minh City"),
    SupplierSpec("SECC", "Trung tâm Hội chợ và Triển lãm Sài Gòn (SECC)", "VND", 15, (0, 0),
                 ("Phòng kinh doanh", "sales@secc.com.vn", "Exhibitor services"), "028 5413 8888",
                 "Quận 7, Ho Chi Minh City"),
    SupplierSpec("HKEXPO", "Hong Kong Exhibition Services Ltd", "USD", 30, (0, 0),
                 ("Grace Wong", "grace.wong@hkexpo.hk", "Exhibitor services"), "+852 2555 0133", "Wan Chai, Hong Kong",
                 vat=False),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(timezone.utc)


def _insert(session: Session, model, rows: list[dict], *, key: str | None = None) -> dict:
    """insert_tuples with every column but the id named, from dicts keyed by column name."""
    columns = [c.key for c in model.__table__.columns if c.key != "id"]
    return insert_tuples(session, model.__table__, columns, [tuple(row.get(c) for c in columns) for row in rows],
                         key=key)


@dataclass
class _Lot:
    product_id: int
    warehouse: str
    day: date
    quantity: int


@dataclass
class _PO:
    supplier: SupplierSpec
    warehouse: str
    received_on: date | None
    order_date: date
    lines: list[dict] = field(default_factory=list)  # product_id, quantity, received, unit_cost
    status: str = "closed"
    number: str = ""
    receipt_number: str = ""
    fx_rate: Decimal = ONE
    id: int | None = None


class ErpBuilder:
    """Adds the ERP half to a demo whose sales side `demo` (a backend.demo._DemoBuilder) has just built."""

    def __init__(self, demo):
        self.demo = demo
        self.session: Session = demo.session
        self.rng = demo.rng
        self.today: date = demo.today
        self.start: date = demo.start
        self.base = "VND"
        self.warehouses = {code: w.id for code, w in demo.ref.warehouses.items()}

    def build_documents(self) -> None:
        self._suppliers()
        self._stock_plan()
        self._purchase_orders()
        self._bills_and_payments()
        self._campaigns()
        self._overheads()
        self._write_bills()

    def post_ledger(self) -> None:
        """The opening balances and manual entries, then every document, in date order."""
        ctx = posting_context(self.session)
        opening = EntryDraft(self.start, "opening", None, "Opening balances: stock on hand and cash at bank")
        for product_id, quantity, value in self.opening_values:
            ctx.costs.load({product_id})
            ctx.costs.receive(product_id, quantity, value)
            opening.add(ctx.accounts["inventory"], value, product_id=product_id)
        opening.add(ctx.accounts["bank"], OPENING_CASH)
        debit, credit = opening.totals()
        opening.add(ctx.accounts["opening_equity"], credit - debit)
        manual = [opening]
        for day, description, amount in self.manual_expenses:
            entry = EntryDraft(day, "manual", None, description)
            entry.add(ctx.accounts["expenses"], amount)
            entry.add(ctx.accounts["bank"], -amount)
            manual.append(entry)
        write_entries(self.session, manual, ctx.base)
        ctx.costs.save()
        self.session.flush()
        post_all_unposted(self.session)

    # ------------------------------------------------------------------------------------------ suppliers
    def _suppliers(self) -> None:
        rows, contacts = [], []
        for spec in SUPPLIERS + EXPENSE_SUPPLIERS:
            rows.append({"code": spec.code, "name": spec.name, "search_key": search_key(spec.name, spec.code),
                         "currency": spec.currency, "payment_terms_days": spec.terms, "email": spec.contact[1],
                         "phone": spec.phone, "address": spec.address, "active": True,
                         "created_at": _at(self.start - timedelta(days=400), 9)})
        self.supplier_ids = _insert(self.session, Supplier, rows, key="code")
        for spec in SUPPLIERS + EXPENSE_SUPPLIERS:
            name, email, title = spec.contact
            contacts.append({"supplier_id": self.supplier_ids[spec.code], "name": name, "email": email,
                             "phone": spec.phone, "title": title})
        _insert(self.session, SupplierContact, contacts)
        self.usual: dict[int, SupplierSpec] = {}
        for product in self.demo.products:
            spec = next((s for s in SUPPLIERS for prefix in s.skus if product.sku.startswith(prefix)), SUPPLIERS[0])
            assert spec.currency == product.currency, (product.sku, spec.code)  # a supplier bills in its own currency
            self.usual[product.id] = spec
            if "supplier_id" in Product.__table__.c:
                setattr(product, "supplier_id", self.supplier_ids[spec.code])
        self.session.flush()

    # ---------------------------------------------------------------------------------------------- stock
    def _cost(self, product_index: int, day: date) -> Decimal:
        """What the usual supplier charged per unit on `day`, in the product's (and that supplier's) currency."""
        spec = self.demo.specs[product_index]
        factor = ONE - COST_GROWTH * Decimal((self.today - day).days) / Decimal(365)
        cost = Decimal(spec.cost) * factor
        if spec.currency == self.base:
            return (cost / 100).quantize(ONE) * 100
        return round_money(cost, spec.currency)

    def _stock_plan(self) -> None:
        """Receipts and opening stock per product and warehouse, worked backwards from today's stock levels."""
        region = {a.customer.id: a.region for a in self.demo.accounts}
        deliveries: dict[tuple[int, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
        self.delivery_rows = []
        for order in self.demo.orders:
            if order.status not in ("shipped", "invoiced"):
                continue
            warehouse = "HAN" if region[order.customer_id] == "North" else "HCM"
            day = order.shipped_date or order.order_date
            for line in order.lines:
                deliveries[(line.product_id, warehouse)][day] += line.quantity
                self.delivery_rows.append((line.product_id, warehouse, day, -line.quantity, order.id))
        codes = {w: code for code, w in self.warehouses.items()}
        levels = self.session.execute(select(StockLevel.product_id, StockLevel.warehouse_id, StockLevel.quantity,
                                             StockLevel.reorder_level).order_by(StockLevel.id)).all()
        days = (self.today - self.start).days
        index_of = self.demo.index_of
        self.lots: list[_Lot] = []
        self.opening: list[tuple[int, str, int]] = []
        for product_id, warehouse_id, on_hand, reorder in levels:
            warehouse = codes.get(warehouse_id)
            if warehouse is None:
                continue
            spec = self.demo.specs[index_of[product_id]]
            per_day = deliveries[(product_id, warehouse)]
            daily = sum(per_day.values()) / max(days, 1)
            step = spec.qty[2]
            lot = max(step, int(math.ceil(daily * LOT_DAYS * self.rng.uniform(0.8, 1.25) / step)) * step)
            low = max(reorder // 2, int(math.ceil(daily * SAFETY_DAYS)))
            stock, day = on_hand, self.today
            while day > self.start:
                stock += per_day.get(day, 0)
                if stock >= low + lot and day.weekday() < 6 and day > self.start + timedelta(days=2):
                    quantity = lot * min(3, (stock - low) // lot)
                    self.lots.append(_Lot(product_id, warehouse, day, quantity))
                    stock -= quantity
                day -= timedelta(days=1)
            if stock:
                self.opening.append((product_id, warehouse, stock))

    # ----------------------------------------------------------------------------------------- purchasing
    def _purchase_orders(self) -> None:
        rng, index_of = self.rng, self.demo.index_of
        groups: dict[tuple[str, str, int, int], list[_Lot]] = defaultdict(list)
        for lot in self.lots:
            year, week, _ = lot.day.isocalendar()
            groups[(self.usual[lot.product_id].code, lot.warehouse, year, week)].append(lot)
        by_code = {s.code: s for s in SUPPLIERS}
        orders: list[_PO] = []
        for (code, warehouse, _, _), lots in groups.items():
            spec = by_code[code]
            received = min(lot.day for lot in lots)  # earlier than planned never runs stock short
            ordered = max(self.start - timedelta(days=20), received - timedelta(days=rng.randint(*spec.lead_days)))
            po = _PO(spec, warehouse, received, ordered)
            quantities: dict[int, int] = defaultdict(int)
            for lot in lots:
                quantities[lot.product_id] += lot.quantity
            for product_id, quantity in sorted(quantities.items()):
                po.lines.append({"product_id": product_id, "quantity": quantity, "received": quantity,
                                 "unit_cost": self._cost(index_of[product_id], ordered)})
            orders.append(po)
        # Orders still on their way: the products below their reorder level today, and a few partly received.
        short = self.session.execute(select(StockLevel.product_id, StockLevel.warehouse_id, StockLevel.reorder_level,
                                            StockLevel.quantity)
                                     .where(StockLevel.quantity < StockLevel.reorder_level)
                                     .order_by(StockLevel.product_id, StockLevel.warehouse_id)).all()
        codes = {w: code for code, w in self.warehouses.items()}
        active = {p.id for p in self.demo.products if p.active}
        pending: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for product_id, warehouse_id, reorder, quantity in short:
            if product_id not in active or warehouse_id not in codes:
                continue
            step = self.demo.specs[index_of[product_id]].qty[2]
            want = max(step, int(math.ceil((reorder * 2 - quantity) / step)) * step)
            pending[(self.usual[product_id].code, codes[warehouse_id])].append(
                {"product_id": product_id, "quantity": want, "received": 0,
                 "unit_cost": self._cost(index_of[product_id], self.today)})
        for n, ((code, warehouse), lines) in enumerate(sorted(pending.items())):
            ordered = self.today - timedelta(days=rng.randint(0, 4))
            status = "draft" if n == 0 else "sent"
            orders.append(_PO(by_code[code], warehouse, None, ordered, lines, status=status))
        recent = sorted((po for po in orders if po.received_on and (self.today - po.received_on).days <= 12),
                        key=lambda po: (po.received_on, po.supplier.code, po.warehouse))
        for po in recent[-3:]:  # the rest of these lines is still to come
            po.status = "partially_received"
            for line in po.lines:
                line["quantity"] += max(1, line["quantity"] // 2)
        for po in orders:  # the last two days' deliveries wait for their bills
            if po.status == "closed" and (self.today - po.received_on).days <= 1:
                po.status = "received"
        cancelled_on = self.today - timedelta(days=rng.randint(60, 200))
        orders.append(_PO(by_code["TANMAI"], "HCM", None, cancelled_on, [
            {"product_id": self.demo.products[index_of_sku(self.demo, "PAP-CF-3P")].id, "quantity": 40,
             "received": 0, "unit_cost": self._cost(index_of_sku(self.demo, "PAP-CF-3P"), cancelled_on)}],
            status="cancelled"))
        orders.sort(key=lambda po: (po.order_date, po.supplier.code, po.warehouse))
        self.purchase_orders = orders
        self._write_purchase_orders()

    def _write_purchase_orders(self) -> None:
        demo, rates = self.demo, self.demo.fx
        buyer = demo.staff["E005"].id
        rows = []
        for po in self.purchase_orders:
            po.number = demo.number("purchase_order", po.order_date.year)
            currency = po.supplier.currency
            net = sum((round_money(line["quantity"] * line["unit_cost"], currency) for line in po.lines), ZERO)
            tax_pct = VAT if po.supplier.vat else ZERO
            net, tax, total = document_total([net], tax_pct, currency)
            po.fx_rate = rates.rate(currency, po.order_date)
            rows.append({"number": po.number, "supplier_id": self.supplier_ids[po.supplier.code],
                         "warehouse_id": self.warehouses[po.warehouse], "status": po.status,
                         "order_date": po.order_date,
                         "expected_date": po.received_on or po.order_date + timedelta(days=po.supplier.lead_days[1]),
                         "currency": currency, "fx_rate": po.fx_rate, "net_amount": net, "tax_rate_pct": tax_pct,
                         "tax_amount": tax, "total": total, "needs_approval": po.status == "draft",
                         "created_by_id": buyer, "approved_by_id": None if po.status == "draft" else buyer,
                         "approved_at": None if po.status == "draft" else _at(po.order_date, 10),
                         "notes": None, "created_at": _at(po.order_date, 9)})
        ids = _insert(self.session, PurchaseOrder, rows, key="number")
        lines = []
        for po in self.purchase_orders:
            po.id = ids[po.number]
            billed = po.status in ("closed", "partially_received")
            for n, line in enumerate(po.lines, start=1):
                lines.append({"purchase_order_id": po.id, "line_no": n, "product_id": line["product_id"],
                              "quantity": line["quantity"], "unit_cost": line["unit_cost"],
                              "line_amount": round_money(line["quantity"] * line["unit_cost"], po.supplier.currency),
                              "received_quantity": line["received"], "billed_quantity": line["received"] if billed else 0})
        _insert(self.session, PurchaseOrderLine, lines)
        line_ids = self.session.execute(
            select(PurchaseOrderLine.purchase_order_id, PurchaseOrderLine.line_no, PurchaseOrderLine.id)
            .where(PurchaseOrderLine.purchase_order_id >= min(po.id for po in self.purchase_orders))).all()
        by_key = {(r[0], r[1]): r[2] for r in line_ids}
        for po in self.purchase_orders:
            for n, line in enumerate(po.lines, start=1):
                line["id"] = by_key[(po.id, n)]
        self._write_receipts()

    def _write_receipts(self) -> None:
        demo = self.demo
        received = sorted((po for po in self.purchase_orders if po.received_on is not None),
                          key=lambda po: (po.received_on, po.number))
        clerk = {"HCM": demo.staff["E003"].id, "HAN": demo.staff["E010"].id}
        rows = []
        for po in received:
            po.receipt_number = demo.number("receipt", po.received_on.year)
            rows.append({"number": po.receipt_number, "purchase_order_id": po.id,
                         "warehouse_id": self.warehouses[po.warehouse], "received_on": po.received_on,
                         "created_by_id": clerk[po.warehouse], "created_at": _at(po.received_on, 14)})
        ids = _insert(self.session, GoodsReceipt, rows, key="number")
        lines, movements = [], []
        now = _at(self.today, 18)
        for po in received:
            receipt_id = ids[po.receipt_number]
            for line in po.lines:
                lines.append({"receipt_id": receipt_id, "purchase_order_line_id": line["id"],
                              "product_id": line["product_id"], "quantity": line["received"],
                              "unit_cost": line["unit_cost"]})
                movements.append({"product_id": line["product_id"], "warehouse_id": self.warehouses[po.warehouse],
                                  "moved_on": po.received_on, "quantity": line["received"], "kind": "receipt",
                                  "unit_cost": (line["unit_cost"] * po.fx_rate).quantize(Decimal("0.0001")),
                                  "source_type": "goods_receipt", "source_id": receipt_id, "note": po.number,
                                  "created_by_id": None, "created_at": now})
        _insert(self.session, GoodsReceiptLine, lines)
        rates, index_of = demo.fx, demo.index_of
        self.opening_values = []
        opening_by_product: dict[int, list[int]] = defaultdict(list)
        for product_id, warehouse, quantity in self.opening:
            spec = demo.specs[index_of[product_id]]
            unit = self._cost(index_of[product_id], self.start) * rates.rate(spec.currency, self.start)
            unit = round_money(unit, self.base)
            movements.append({"product_id": product_id, "warehouse_id": self.warehouses[warehouse],
                              "moved_on": self.start, "quantity": quantity, "kind": "opening", "unit_cost": unit,
                              "source_type": "opening", "source_id": None, "note": "Stock count at the start of the books",
                              "created_by_id": None, "created_at": now})
            opening_by_product[product_id].append(quantity)
            self.opening_values.append((product_id, quantity, unit * quantity))
        merged: dict[int, tuple[int, Decimal]] = {}
        for product_id, quantity, value in self.opening_values:
            q, v = merged.get(product_id, (0, ZERO))
            merged[product_id] = (q + quantity, v + value)
        self.opening_values = [(pid, q, v) for pid, (q, v) in sorted(merged.items())]
        for product_id, warehouse, day, quantity, order_id in self.delivery_rows:
            movements.append({"product_id": product_id, "warehouse_id": self.warehouses[warehouse], "moved_on": day,
                              "quantity": quantity, "kind": "delivery", "unit_cost": None,
                              "source_type": "sales_order", "source_id": order_id, "note": None,
                              "created_by_id": None, "created_at": now})
        movements.sort(key=lambda m: (m["moved_on"], m["product_id"], m["warehouse_id"], -m["quantity"]))
        _insert(self.session, StockMovement, movements)

    # ----------------------------------------------------------------------------------- bills, payments
    def _bills_and_payments(self) -> None:
        rng = self.rng
        self.bills: list[dict] = []
        for po in sorted((po for po in self.purchase_orders if po.status in ("closed", "partially_received")),
                         key=lambda po: (po.received_on, po.number)):
            bill_date = min(po.received_on + timedelta(days=rng.randint(0, 4)), self.today)
            lines, exception = [], None
            roll = rng.random()
            if roll < 0.03:
                exception = "price"
            elif roll < 0.04:
                exception = "quantity"
            for line in po.lines:
                cost, quantity, price_diff, qty_diff = line["unit_cost"], line["received"], ZERO, 0
                if exception == "price" and not lines:
                    cost = round_money(cost * Decimal(str(round(rng.uniform(1.02, 1.06), 3))), po.supplier.currency)
                    if po.supplier.currency == self.base:
                        cost = (cost / 100).quantize(ONE) * 100
                    price_diff = cost - line["unit_cost"]
                if exception == "quantity" and not lines:
                    qty_diff = rng.randint(1, 3)
                    quantity += qty_diff
                lines.append({"purchase_order_line_id": line["id"], "product_id": line["product_id"],
                              "description": None, "quantity": quantity, "unit_cost": cost,
                              "line_amount": round_money(quantity * cost, po.supplier.currency),
                              "quantity_difference": qty_diff, "price_difference": price_diff})
            self._bill(po.supplier, bill_date, lines, po_id=po.id,
                       match="exceptions" if exception else "matched", hold=exception is not None)

    def _bill(self, supplier: SupplierSpec, bill_date: date, lines: list[dict], *, po_id: int | None = None,
              match: str = "matched", hold: bool = False) -> None:
        currency = supplier.currency
        net, tax, total = document_total([line["line_amount"] for line in lines], VAT if supplier.vat else ZERO,
                                         currency)
        self.bills.append({"supplier": supplier, "bill_date": bill_date, "purchase_order_id": po_id, "net": net,
                           "tax": tax, "total": total, "lines": lines, "match": match, "hold": hold})

    def _write_bills(self) -> None:
        rng, demo, rates = self.rng, self.demo, self.demo.fx
        self.bills.sort(key=lambda b: (b["bill_date"], b["supplier"].code, b["purchase_order_id"] or 0))
        references: dict[str, int] = defaultdict(int)
        rows = []
        clerk = demo.staff["E011"].id
        for bill in self.bills:
            supplier = bill["supplier"]
            bill["number"] = demo.number("bill", bill["bill_date"].year)
            references[supplier.code] += 1
            bill["due"] = bill["bill_date"] + timedelta(days=supplier.terms)
            bill["fx_rate"] = rates.rate(supplier.currency, bill["bill_date"])
            # When it is paid: most on time, some late; exceptions wait for a credit note while recent.
            late = rng.random() < 0.1
            paid = bill["due"] + timedelta(days=rng.randint(8, 40) if late else rng.randint(-6, 2))
            paid = max(paid, bill["bill_date"])
            if bill["hold"] and (self.today - bill["bill_date"]).days < 120:
                paid = None
            bill["paid_on"] = paid if paid is not None and paid <= self.today else None
            rows.append({"number": bill["number"],
                         "supplier_reference": f"{supplier.code[:3]}-{bill['bill_date']:%y}-{references[supplier.code]:05d}",
                         "supplier_id": self.supplier_ids[supplier.code], "purchase_order_id": bill["purchase_order_id"],
                         "bill_date": bill["bill_date"], "due_date": bill["due"], "currency": supplier.currency,
                         "fx_rate": bill["fx_rate"], "net_amount": bill["net"], "tax_amount": bill["tax"],
                         "total": bill["total"], "status": "paid" if bill["paid_on"] else "open",
                         "match_status": bill["match"], "created_by_id": clerk,
                         "created_at": _at(bill["bill_date"], 15)})
        ids = _insert(self.session, SupplierBill, rows, key="number")
        lines = []
        for bill in self.bills:
            bill["id"] = ids[bill["number"]]
            for line in bill["lines"]:
                lines.append({**line, "bill_id": bill["id"]})
        _insert(self.session, SupplierBillLine, lines)
        paid = sorted((b for b in self.bills if b["paid_on"]), key=lambda b: (b["paid_on"], b["number"]))
        payments = []
        for bill in paid:
            bill["payment_number"] = demo.number("supplier_payment", bill["paid_on"].year)
            currency = bill["supplier"].currency
            payments.append({"number": bill["payment_number"], "supplier_id": self.supplier_ids[bill["supplier"].code],
                             "paid_on": bill["paid_on"], "amount": bill["total"], "currency": currency,
                             "fx_rate": rates.rate(currency, bill["paid_on"]),
                             "method": "card" if bill["supplier"].code == "GOOGLEAPAC" else "bank transfer",
                             "reference": f"UNC {bill['number']}", "created_by_id": clerk,
                             "created_at": _at(bill["paid_on"], 11)})
        ids = _insert(self.session, SupplierPayment, payments, key="number")
        _insert(self.session, SupplierPaymentAllocation, [
            {"payment_id": ids[b["payment_number"]], "bill_id": b["id"], "amount": b["total"]} for b in paid])

    # ---------------------------------------------------------------------------------------- marketing
    def _campaigns(self) -> None:
        """Quarterly Google Ads and Zalo campaigns, a trade fair a year at home and one abroad, and a referral
        programme; the new customers of the history are attributed to what was running when they came."""
        rng = self.rng
        suppliers = {s.code: s for s in EXPENSE_SUPPLIERS}
        campaigns: list[dict] = []

        def add(code, name, channel, start, end, currency, notes, bills):
            start, end = max(start, self.start), min(end, self.today)
            if start > end:
                return
            spend = ZERO
            for supplier_code, day, amount, text in bills:
                if day > self.today:
                    continue
                spend += amount
                self._bill(suppliers[supplier_code], max(day, self.start), [
                    {"purchase_order_line_id": None, "product_id": None, "description": text, "quantity": 1,
                     "unit_cost": amount, "line_amount": amount, "quantity_difference": 0, "price_difference": ZERO}])
            campaigns.append({"code": code, "name": name, "channel": channel, "start_date": start, "end_date": end,
                              "spend": spend, "currency": currency, "notes": notes,
                              "created_at": _at(start - timedelta(days=7), 10)})

        quarter = date(self.start.year, 3 * ((self.start.month - 1) // 3) + 1, 1)
        while quarter <= self.today:
            nxt = date(quarter.year + (quarter.month + 3 > 12), (quarter.month + 2) % 12 + 1, 1)
            last = nxt - timedelta(days=1)
            label = f"Q{(quarter.month - 1) // 3 + 1}/{quarter.year}"
            tag = f"{quarter.year}Q{(quarter.month - 1) // 3 + 1}"
            monthly = [Decimal(rng.randint(14, 30) * 1_000_000) for _ in range(3)]
            months = [date(quarter.year, quarter.month + i, 28) for i in range(3)]
            add(f"GADS-{tag}", f"Google Ads văn phòng phẩm {label}", "google_ads", quarter, last, "VND",
                "Search ads: giấy A4, mực in, văn phòng phẩm giao nhanh.",
                [("GOOGLEAPAC", m, a, f"Google Ads {m:%m/%Y}") for m, a in zip(months, monthly)])
            add(f"ZALO-{tag}", f"Zalo Ads quán cà phê & nhà hàng {label}", "zalo", quarter, last, "VND",
                "Zalo OA ads to cafés and restaurants: cups, lids, takeaway boxes.",
                [("ZALOADS", quarter + timedelta(days=3), Decimal(rng.randint(18, 36) * 1_000_000),
                  f"Zalo Ads {label}")])
            quarter = nxt
        for year in range(self.start.year, self.today.year + 1):
            fair = date(year, 9, 17)
            add(f"EXPO-{year}", f"Vietnam Office & School Supplies Expo {year} (SECC)", "trade_fair", fair,
                fair + timedelta(days=3), "VND", "Booth at SECC, Quận 7; leads followed up by the South team.",
                [("SECC", fair - timedelta(days=45), Decimal(165_000_000 + rng.randint(0, 30) * 1_000_000),
                  f"Gian hàng hội chợ {year}")])
            show = date(year, 10, 20)
            add(f"MEGASHOW-{year}", f"Mega Show Hong Kong {year}", "trade_fair", show, show + timedelta(days=3),
                "USD", "Export booth: private-label notebooks, bagasse boxes, A4 paper.",
                [("HKEXPO", show - timedelta(days=60), Decimal(rng.randint(80, 110) * 100), f"Booth Mega Show {year}")])
        self.campaigns = campaigns
        self._attribute()

    def _attribute(self) -> None:
        rng, campaigns = self.rng, self.campaigns
        referral_start = self.start
        acquired = sorted((a for a in self.demo.accounts if a.since > self.start), key=lambda a: a.customer.code)
        chosen: dict[int, str] = {}
        referred: dict[int, list] = defaultdict(list)
        for account in acquired:
            fits = []
            for c in campaigns:
                if not (c["start_date"] - timedelta(days=5) <= account.since <= c["end_date"] + timedelta(days=30)):
                    continue
                abroad = c["currency"] != self.base
                if c["channel"] == "trade_fair" and abroad != account.export:
                    continue
                if c["channel"] == "zalo" and account.profile != "food":
                    continue
                weight = {"google_ads": 3, "zalo": 4, "trade_fair": 5}[c["channel"]]
                fits.append((c["code"], weight))
            roll = rng.random()
            if roll < 0.2 or (not fits and roll < 0.6):
                continue  # came by itself, or nobody asked
            if not fits or roll > 0.85:
                chosen[account.customer.id] = f"REFERRAL-{account.since.year}"
                referred[account.since.year].append(account)
                continue
            chosen[account.customer.id] = rng.choices([f[0] for f in fits], weights=[f[1] for f in fits])[0]
        # The referral programme, one a year: a reward of 2,000,000 VND per referred customer, paid as they come.
        self.manual_expenses: list[tuple[date, str, Decimal]] = []
        for year, accounts in sorted(referred.items()):
            for account in accounts:
                self.manual_expenses.append((min(account.since + timedelta(days=30), self.today),
                                             f"Referral reward for {account.customer.code}", REFERRAL_REWARD))
            begins = max(date(year, 1, 1), referral_start)
            campaigns.append({"code": f"REFERRAL-{year}", "name": f"Chương trình giới thiệu khách hàng {year}",
                              "channel": "referral", "start_date": begins, "end_date": min(date(year, 12, 31), self.today),
                              "spend": REFERRAL_REWARD * len(accounts), "currency": self.base,
                              "notes": "2,000,000 VND for each customer a customer refers.",
                              "created_at": _at(begins, 10)})
        ids = _insert(self.session, Campaign, campaigns, key="code")
        by_customer = {a.customer.id: a for a in self.demo.accounts}
        for customer_id, code in chosen.items():
            by_customer[customer_id].customer.campaign_id = ids[code]
        fairs = [c for c in campaigns if c["channel"] == "trade_fair" and c["currency"] == self.base]
        opportunities = self.session.execute(select(Opportunity).order_by(Opportunity.id)).scalars().all()
        for opportunity in opportunities:
            account = by_customer.get(opportunity.customer_id)
            created = opportunity.created_at.astimezone(LOCAL_TZ).date()
            code = chosen.get(opportunity.customer_id)
            if code and account and account.since - timedelta(days=20) <= created <= account.since + timedelta(days=200):
                opportunity.campaign_id = ids[code]
                continue
            for fair in fairs:
                if fair["start_date"] <= created <= fair["end_date"] + timedelta(days=30) and rng.random() < 0.4:
                    opportunity.campaign_id = ids[fair["code"]]
                    break
        self.session.flush()

    # ---------------------------------------------------------------------------------------- overheads
    def _overheads(self) -> None:
        """Monthly rent for the two warehouses, freight and electricity as bills; payroll as manual entries."""
        suppliers = {s.code: s for s in EXPENSE_SUPPLIERS}
        shipped: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
        for order in self.demo.orders:
            if order.status in ("shipped", "invoiced"):
                day = order.shipped_date or order.order_date
                shipped[(day.year, day.month)] += order.net_amount_base
        month = date(self.start.year, self.start.month, 1)
        while month <= self.today:
            nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
            last = nxt - timedelta(days=1)
            years = Decimal((month - self.start).days) / Decimal(365)
            rent_hcm = (Decimal(80_000_000) * (1 + Decimal("0.05") * max(years, ZERO)) / 100_000).quantize(ONE) * 100_000
            for code, amount, text in (("KVTHUDUC", rent_hcm, f"Thuê kho Thủ Đức tháng {month:%m/%Y}"),
                                       ("KBLONGBIEN", Decimal(46_000_000), f"Thuê kho Long Biên tháng {month:%m/%Y}")):
                self._expense(suppliers[code], month + timedelta(days=2), amount, text)
            freight = round_money(shipped[(month.year, month.month)] * Decimal("0.011"), self.base)
            if last <= self.today and freight > 0:
                self._expense(suppliers["VTPHUONGNAM"], last, freight, f"Cước vận chuyển tháng {month:%m/%Y}")
            payroll = (Decimal(175_000_000) * (1 + Decimal("0.07") * max(years, ZERO)) / 100_000).quantize(ONE) * 100_000
            payday = last if last <= self.today else None
            if payday:
                self.manual_expenses.append((payday, f"Payroll {month:%m/%Y}", payroll))
            month = nxt

    def _expense(self, supplier: SupplierSpec, day: date, amount: Decimal, text: str) -> None:
        if day > self.today or day < self.start:
            return
        self._bill(supplier, day, [{"purchase_order_line_id": None, "product_id": None, "description": text,
                                    "quantity": 1, "unit_cost": amount, "line_amount": amount,
                                    "quantity_difference": 0, "price_difference": ZERO}])


def index_of_sku(demo, sku: str) -> int:
    return next(i for i, p in enumerate(demo.products) if p.sku == sku)
