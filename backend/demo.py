"""The demo company: Sông Hồng Trading, a Ho Chi Minh City distributor with two years of history.

Everything is drawn from one random.Random(seed) in a fixed order, so a seed and a date give the same
company on SQLite and PostgreSQL. The caller owns the transaction: this module only flushes.
"""
from __future__ import annotations

import gc
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Protocol

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from backend.demo_erp import ErpBuilder
from backend.ledger import RateBook, price_order
from backend.models import (
    Company, Contact, Customer, DocumentSequence, Employee, FxRate, Interaction, Invoice, Opportunity, Payment,
    PaymentAllocation, PriceList, PriceListItem, Product, SalesOrder, SalesOrderLine, StockLevel, Ticket, Warehouse,
)
from backend.models.crm import STAGE_PROBABILITY
from backend.models.org import ROLES
from backend.money import document_total, format_money, round_money
from backend.numbering import format_number, reserve_through
from backend.text import fold, search_key

COMPANY_NAME = "Sông Hồng Trading Co., Ltd."
BASE_CURRENCY = "VND"
VAT_PCT = Decimal("10")
COMPANY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset needs no tz database.
LOCAL_TZ = timezone(timedelta(hours=7), "ICT")
HISTORY_MONTHS = 24
ONE = Decimal(1)
ZERO = Decimal(0)


# --------------------------------------------------------------------------------------------------- staff

@dataclass(frozen=True)
class StaffSpec:
    code: str
    name: str
    email: str
    role: str
    region: str | None
    manager: str | None = "E005"


# E001-E006 are the demo logins the docs and tests rely on; keep them stable.
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("E001", "Trần Thị Mai", "mai@songhong.vn", "sales", "South"),
    StaffSpec("E002", "Lê Văn Hùng", "hung@songhong.vn", "sales", "North"),
    StaffSpec("E003", "Phạm Minh Anh", "anh@songhong.vn", "support", "South"),
    StaffSpec("E004", "Nguyễn Thu Hà", "ha@songhong.vn", "finance", "South"),
    StaffSpec("E005", "Võ Quốc Bảo", "bao@songhong.vn", "manager", "South", None),
    StaffSpec("E006", "Đặng Hoài Nam", "nam@songhong.vn", "admin", "South", None),
    StaffSpec("E007", "David Miller", "david@songhong.vn", "sales", "Export"),
    StaffSpec("E008", "Nguyễn Hoàng Phúc", "phuc@songhong.vn", "sales", "South"),
    StaffSpec("E009", "Bùi Thanh Hương", "huong@songhong.vn", "sales", "North"),
    StaffSpec("E010", "Trương Gia Huy", "huy@songhong.vn", "support", "North"),
    StaffSpec("E011", "Lý Ngọc Trâm", "tram@songhong.vn", "finance", "South", "E004"),
    StaffSpec("E012", "Hồ Minh Tuấn", "tuan@songhong.vn", "sales", "South"),
)
REPS_BY_REGION = {"South": ("E001", "E008", "E012"), "North": ("E002", "E009"), "Export": ("E007",)}
SUPPORT_CODES = ("E003", "E010")
FINANCE_CODES = ("E004", "E011")


# ------------------------------------------------------------------------------------------------ catalogue

PAPER, NOTEBOOKS, WRITING, OFFICE, TONER, PACKAGING, FOOD, ELECTRONICS = (
    "Paper", "Notebooks", "Writing instruments", "Office supplies", "Toner & ink", "Packaging",
    "Food service", "Office electronics",
)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    category: str
    unit: str
    price: str
    cost: str  # landed cost per selling unit, always in VND (see the margin guide)
    qty: tuple[int, int, int]  # typical order quantity: low, high, step
    popularity: float = 1.0
    currency: str = "VND"
    inactive_reason: str | None = None


def _p(sku, name, category, unit, price, cost, qty, popularity=1.0, currency="VND", inactive=None) -> ProductSpec:
    return ProductSpec(sku, name, category, unit, str(price), str(cost), qty, popularity, currency, inactive)


PRODUCTS: tuple[ProductSpec, ...] = (
    _p("PAP-A4-80", "Giấy A4 Double A 80gsm", PAPER, "box", 390000, 310000, (2, 40, 1), 10),
    _p("PAP-A4-70", "Giấy A4 IK Plus 70gsm", PAPER, "box", 310000, 255000, (2, 40, 1), 9),
    _p("PAP-A4-PO80", "Giấy A4 PaperOne 80gsm", PAPER, "box", 380000, 305000, (2, 30, 1), 5),
    _p("PAP-A4-SH70", "Giấy A4 Sông Hồng Economy 70gsm", PAPER, "box", 265000, 222000, (2, 40, 1), 4),
    _p("PAP-A3-80", "Giấy A3 Double A 80gsm", PAPER, "box", 780000, 628000, (1, 10, 1), 2),
    _p("PAP-A5-70", "Giấy A5 IK Plus 70gsm", PAPER, "box", 300000, 244000, (1, 10, 1), 2),
    _p("PAP-CLR-80", "Giấy màu A4 80gsm (5 màu pastel)", PAPER, "box", 480000, 392000, (1, 6, 1), 1.5),
    _p("PAP-CF-3P", "Giấy in liên tục 3 liên 240x280mm", PAPER, "box", 485000, 405000, (1, 10, 1), 1.5),
    _p("PAP-TH-80", "Giấy in nhiệt K80 (thùng 50 cuộn)", PAPER, "carton", 560000, 470000, (1, 8, 1), 2),
    _p("NB-B5-120", "Vở học sinh B5 120 trang (lốc 10)", NOTEBOOKS, "pack", 98000, 70000, (10, 200, 10), 4),
    _p("NB-A4-200", "Sổ bìa cứng A4 200 trang (lốc 5)", NOTEBOOKS, "pack", 165000, 116000, (2, 30, 1), 2),
    _p("NB-A5-SPR", "Sổ lò xo A5 100 trang (lốc 10)", NOTEBOOKS, "pack", 135000, 95000, (2, 40, 2), 2),
    _p("NB-REC-A4", "Sổ ghi chép kế toán A4 300 trang (lốc 5)", NOTEBOOKS, "pack", 245000, 172000, (1, 10, 1), 1),
    _p("NB-STK-3X3", "Giấy note vàng 3x3 inch (lốc 12)", NOTEBOOKS, "pack", 72000, 50000, (2, 30, 1), 2),
    _p("PEN-BP-05B", "Bút bi Thiên Long TL-027 xanh 0.5mm (hộp 20)", WRITING, "box", 72000, 47000, (2, 50, 1), 5),
    _p("PEN-BP-05K", "Bút bi Thiên Long TL-027 đen 0.5mm (hộp 20)", WRITING, "box", 72000, 47000, (2, 30, 1), 3),
    _p("PEN-BP-07R", "Bút bi Thiên Long TL-079 đỏ 0.7mm (hộp 20)", WRITING, "box", 76000, 49500, (1, 15, 1), 1.5),
    _p("PEN-GEL-05", "Bút gel bấm xanh 0.5mm (hộp 12)", WRITING, "box", 118000, 76000, (1, 20, 1), 2),
    _p("PEN-GEL-07", "Bút gel nắp đậy 0.7mm (hộp 12)", WRITING, "box", 105000, 69000, (1, 20, 1), 1,
       inactive="Replaced by the retractable PEN-GEL-05; no longer purchased"),
    _p("PEN-SIGN-07", "Bút ký thân kim loại đen 0.7mm (hộp 12)", WRITING, "box", 310000, 198000, (1, 6, 1), 1),
    _p("PEN-WB-10", "Bút lông bảng trắng WB-03 (hộp 10)", WRITING, "box", 82000, 54000, (1, 20, 1), 2.5),
    _p("PEN-HL-10", "Bút dạ quang 5 màu (hộp 10)", WRITING, "box", 95000, 61000, (1, 12, 1), 1.5),
    _p("OFF-STP-10", "Bấm kim số 10", OFFICE, "piece", 42000, 29000, (2, 20, 1), 1.5),
    _p("OFF-STL-10", "Kim bấm số 10 (hộp 20 hộp nhỏ)", OFFICE, "box", 39000, 27000, (2, 30, 1), 2),
    _p("OFF-FILE-7", "Bìa còng A4 7cm", OFFICE, "piece", 54000, 38000, (5, 60, 5), 2),
    _p("OFF-ENV-A4", "Phong bì A4 trắng (xấp 50)", OFFICE, "pack", 62000, 43000, (2, 20, 1), 1.5),
    _p("TON-HP-85A", "Mực in HP 85A CE285A chính hãng", TONER, "piece", 1450000, 1250000, (1, 10, 1), 2.5),
    _p("TON-HP-26A", "Mực in HP 26A CF226A chính hãng", TONER, "piece", 2650000, 2290000, (1, 6, 1), 1.5),
    _p("TON-CN-337", "Mực in Canon 337 chính hãng", TONER, "piece", 1390000, 1200000, (1, 8, 1), 1.5),
    _p("TON-BR-2385", "Mực in Brother TN-2385 chính hãng", TONER, "piece", 1240000, 1065000, (1, 8, 1), 1.5),
    _p("TON-SH-85A", "Mực tương thích Sông Hồng SH-85A", TONER, "piece", 290000, 150000, (2, 20, 1), 2),
    _p("TON-SH-12A", "Mực tương thích Sông Hồng SH-12A", TONER, "piece", 270000, 140000, (2, 20, 1), 1,
       inactive="HP 12A printers are end of life; the contract manufacturer stopped this cartridge"),
    _p("TON-SH-2385", "Mực tương thích Sông Hồng SH-2385", TONER, "piece", 310000, 160000, (2, 20, 1), 1.5),
    _p("INK-EP-003", "Mực Epson 003 (bộ 4 màu)", TONER, "set", 440000, 380000, (1, 8, 1), 1),
    _p("PKG-BOX-S3", "Thùng carton 3 lớp 20x15x10cm (bó 50)", PACKAGING, "bundle", 160000, 120000, (2, 30, 1), 3),
    _p("PKG-BOX-M3", "Thùng carton 3 lớp 30x20x15cm (bó 50)", PACKAGING, "bundle", 245000, 182000, (2, 30, 1), 3),
    _p("PKG-BOX-L5", "Thùng carton 5 lớp 50x40x30cm (bó 20)", PACKAGING, "bundle", 390000, 290000, (1, 20, 1), 2),
    _p("PKG-BOX-A4", "Hộp lưu trữ hồ sơ A4 (bó 20)", PACKAGING, "bundle", 420000, 315000, (1, 10, 1), 1),
    _p("PKG-TAPE-48", "Băng keo trong 48mm x 100m (thùng 60 cuộn)", PACKAGING, "carton", 1020000, 775000, (1, 10, 1), 2.5),
    _p("PKG-FILM-50", "Màng PE quấn pallet 50cm 17mic (thùng 6 cuộn)", PACKAGING, "carton", 720000, 545000, (1, 12, 1), 1.5),
    _p("PKG-BUB-1M", "Màng xốp hơi 1m x 100m", PACKAGING, "roll", 295000, 222000, (2, 20, 1), 1.5),
    _p("PKG-KRAFT-M", "Túi giấy kraft quai xoắn cỡ vừa (thùng 250)", PACKAGING, "carton", 980000, 740000, (1, 8, 1), 1.5),
    _p("FS-CUP-P12", "Ly giấy 12oz một lớp (thùng 1.000)", FOOD, "carton", 890000, 700000, (1, 20, 1), 3),
    _p("FS-CUP-P16", "Ly giấy 16oz hai lớp (thùng 500)", FOOD, "carton", 1150000, 905000, (1, 12, 1), 2),
    _p("FS-CUP-PET16", "Ly nhựa PET 16oz (thùng 1.000)", FOOD, "carton", 980000, 770000, (1, 20, 1), 3),
    _p("FS-LID-90", "Nắp ly phi 90 (thùng 1.000)", FOOD, "carton", 420000, 330000, (1, 20, 1), 2.5),
    _p("FS-BOX-BG1", "Hộp bã mía 1 ngăn 1000ml (thùng 500)", FOOD, "carton", 1350000, 1060000, (1, 12, 1), 2),
    _p("FS-BOX-PP750", "Hộp nhựa PP 750ml có nắp (thùng 300)", FOOD, "carton", 860000, 680000, (1, 12, 1), 2),
    _p("FS-STRAW-PAP", "Ống hút giấy 6mm (thùng 5.000)", FOOD, "carton", 690000, 545000, (1, 8, 1), 1.5),
    _p("FS-STRAW-PLA", "Ống hút nhựa 6mm (thùng 5.000)", FOOD, "carton", 350000, 280000, (1, 8, 1), 1,
       inactive="Single-use plastic straws phased out; offer FS-STRAW-PAP instead"),
    _p("FS-CUT-WOOD", "Bộ muỗng nĩa gỗ (thùng 1.000)", FOOD, "carton", 760000, 600000, (1, 8, 1), 1),
    _p("FS-NAP-100", "Khăn giấy ăn 33x33 (thùng 30 gói)", FOOD, "carton", 520000, 410000, (1, 15, 1), 2.5),
    _p("EL-CALC-12", "Máy tính để bàn Casio MX-12B", ELECTRONICS, "piece", 215000, 172000, (1, 10, 1), 1.5),
    _p("EL-CALC-580", "Máy tính Casio fx-580VN X", ELECTRONICS, "piece", 705000, 590000, (1, 20, 1), 1),
    _p("EL-SHR-S8", "Máy hủy tài liệu cắt sợi 8 tờ P-2", ELECTRONICS, "piece", 2150000, 1720000, (1, 3, 1), 0.7),
    _p("EL-SHR-C10", "Máy hủy tài liệu cắt vụn 10 tờ P-4", ELECTRONICS, "piece", 3890000, 3150000, (1, 3, 1), 0.6),
    _p("EL-SHR-M12", "Micro-cut shredder 12 sheets P-5 (imported)", ELECTRONICS, "piece", "245.00", "194.00",
       (1, 2, 1), 0.4, "USD"),
    _p("EL-LBL-QL800", "Brother QL-800 label printer", ELECTRONICS, "piece", "159.00", "128.00", (1, 3, 1), 0.5, "USD"),
    _p("EL-LBL-4X6", "Thermal shipping label printer 100x150mm", ELECTRONICS, "piece", "118.00", "95.00",
       (1, 4, 1), 0.6, "USD"),
    _p("EL-MOUSE-W", "Chuột không dây Logitech M185", ELECTRONICS, "piece", 279000, 225000, (1, 15, 1), 1.5),
)

WHOLESALE_SKUS = (
    "PAP-A4-80", "PAP-A4-70", "PAP-A4-PO80", "PAP-A4-SH70", "PAP-A3-80", "PAP-A5-70", "PAP-CLR-80", "NB-B5-120",
    "NB-A4-200", "NB-A5-SPR", "PEN-BP-05B", "PEN-BP-05K", "PEN-BP-07R", "PEN-WB-10", "PKG-BOX-M3", "PKG-TAPE-48",
    "FS-CUP-P12", "FS-CUP-PET16", "FS-LID-90", "FS-NAP-100",
)
# (minimum quantity, share of the list price)
WHOLESALE_BREAKS = ((1, Decimal("0.96")), (20, Decimal("0.93")), (100, Decimal("0.89")))

# Relative demand per product line for each kind of buyer.
PROFILES: dict[str, dict[str, float]] = {
    "office": {PAPER: 34, NOTEBOOKS: 8, WRITING: 14, OFFICE: 11, TONER: 17, PACKAGING: 4, FOOD: 4, ELECTRONICS: 8},
    "food": {PAPER: 7, NOTEBOOKS: 1, WRITING: 2, OFFICE: 2, TONER: 2, PACKAGING: 22, FOOD: 62, ELECTRONICS: 2},
    "packaging": {PAPER: 12, NOTEBOOKS: 2, WRITING: 4, OFFICE: 6, TONER: 5, PACKAGING: 58, FOOD: 4, ELECTRONICS: 9},
    "school": {PAPER: 24, NOTEBOOKS: 30, WRITING: 26, OFFICE: 9, TONER: 5, PACKAGING: 1, FOOD: 1, ELECTRONICS: 4},
    "export": {PAPER: 34, NOTEBOOKS: 14, WRITING: 6, OFFICE: 2, TONER: 0, PACKAGING: 20, FOOD: 24, ELECTRONICS: 0},
}


# ------------------------------------------------------------------------------------------------ places

@dataclass(frozen=True)
class City:
    name: str  # English spelling, as staff type it
    name_vi: str
    region: str
    weight: int
    districts: tuple[str, ...]
    phone_prefix: str


CITIES: tuple[City, ...] = (
    City("Ho Chi Minh City", "TP.HCM", "South", 44, ("Quận 1", "Quận 3", "Quận 7", "Quận 10", "Quận Tân Bình",
         "Quận Bình Thạnh", "Thành phố Thủ Đức", "Quận Gò Vấp", "Quận Tân Phú"), "028"),
    City("Binh Duong", "Bình Dương", "South", 8, ("Thủ Dầu Một", "Dĩ An", "Thuận An"), "0274"),
    City("Dong Nai", "Đồng Nai", "South", 6, ("Biên Hòa", "Long Thành", "Nhơn Trạch"), "0251"),
    City("Long An", "Long An", "South", 3, ("Tân An", "Bến Lức", "Đức Hòa"), "0272"),
    City("Can Tho", "Cần Thơ", "South", 4, ("Ninh Kiều", "Cái Răng", "Bình Thủy"), "0292"),
    City("Vung Tau", "Bà Rịa - Vũng Tàu", "South", 3, ("Vũng Tàu", "Bà Rịa", "Phú Mỹ"), "0254"),
    City("Da Nang", "Đà Nẵng", "South", 5, ("Hải Châu", "Thanh Khê", "Sơn Trà"), "0236"),
    City("Nha Trang", "Khánh Hòa", "South", 2, ("Nha Trang", "Cam Ranh"), "0258"),
    City("Hue", "Thừa Thiên Huế", "South", 2, ("Huế", "Hương Thủy"), "0234"),
    City("Hanoi", "Hà Nội", "North", 28, ("Quận Cầu Giấy", "Quận Đống Đa", "Quận Hoàn Kiếm", "Quận Long Biên",
         "Quận Hai Bà Trưng", "Quận Thanh Xuân", "Quận Nam Từ Liêm"), "024"),
    City("Hai Phong", "Hải Phòng", "North", 6, ("Ngô Quyền", "Lê Chân", "Hồng Bàng"), "0225"),
    City("Bac Ninh", "Bắc Ninh", "North", 4, ("Bắc Ninh", "Từ Sơn", "Yên Phong"), "0222"),
    City("Quang Ninh", "Quảng Ninh", "North", 3, ("Hạ Long", "Cẩm Phả", "Uông Bí"), "0203"),
    City("Nam Dinh", "Nam Định", "North", 2, ("Nam Định", "Hải Hậu"), "0228"),
)
CITY_BY_NAME = {c.name: c for c in CITIES}
STREETS = ("Nguyễn Văn Linh", "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt",
           "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Phạm Văn Đồng", "Nguyễn Trãi", "Võ Văn Kiệt", "Lê Duẩn",
           "Trường Chinh", "Quang Trung", "Hoàng Văn Thụ", "Xuân Thủy", "Giải Phóng", "Kim Mã")

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý")
MIDDLE_NAMES = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hoài", "Gia", "Thu", "Đức", "Hữu", "Kim")
GIVEN_NAMES = ("An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Hiếu", "Hoa", "Khoa", "Linh", "Long", "Lộc",
               "My", "Nga", "Ngân", "Nhung", "Phong", "Phương", "Quân", "Quyên", "Sơn", "Tài", "Thảo", "Trang",
               "Trí", "Tú", "Uyên", "Vy", "Yến", "Khánh")
CONTACT_TITLES_VI = ("Trưởng phòng mua hàng", "Purchasing manager", "Kế toán trưởng", "Office manager",
                     "Giám đốc", "Procurement officer", "Nhân viên hành chính", "Chief accountant",
                     "Store manager", "Nhân viên mua hàng")
CONTACT_TITLES_EN = ("Purchasing manager", "Procurement director", "Buyer", "Accounts payable", "Owner",
                     "Operations manager", "Category manager")

CORE_FIRST = ("An", "Bảo", "Đại", "Đức", "Gia", "Hải", "Hưng", "Hồng", "Kim", "Nam", "Phú", "Phúc", "Quang",
              "Thành", "Thiên", "Thịnh", "Trường", "Việt", "Vĩnh", "Vạn", "Ngọc", "Phương", "Sao", "Tiến",
              "Toàn", "Lộc", "Tâm", "Nhật", "Hợp", "Thái")
CORE_SECOND = ("Phát", "Thịnh", "Long", "Khang", "Đạt", "Tiến", "Lộc", "Hưng", "Phong", "Thành", "Nam",
               "Mai", "Sơn", "Hà", "Phúc", "Tín", "Quang", "Nguyên", "Lợi", "Anh")
RESERVED_CORES = ("Minh Phát", "Hoàng Long", "Tân Việt", "Đại Tín", "Hòa Bình", "Đông Á")
SCHOOL_PATRONS = ("Lê Quý Đôn", "Nguyễn Du", "Trần Phú", "Lê Lợi", "Chu Văn An", "Nguyễn Trãi", "Marie Curie",
                  "Trưng Vương", "Nguyễn Thị Minh Khai", "Lương Thế Vinh", "Võ Thị Sáu", "Nguyễn Huệ",
                  "Lý Thường Kiệt", "Phan Chu Trinh", "Trần Hưng Đạo", "Nguyễn Khuyến", "Bùi Thị Xuân",
                  "Ngô Quyền", "Đinh Tiên Hoàng", "Nguyễn Bỉnh Khiêm")
GOV_DEPARTMENTS = ("Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Kế hoạch và Đầu tư", "Sở Y tế", "Kho bạc Nhà nước",
                   "Bệnh viện Đa khoa", "Cục Thống kê")

# Segment -> name patterns with the buyer profile they imply. {core} is a brand-like name, {patron} a
# school's namesake, {district} / {province} come from the customer's city.
NAME_PATTERNS: dict[str, tuple[tuple[str, str], ...]] = {
    "Enterprise": (("Công ty Cổ phần {core}", "office"), ("Công ty CP Sản xuất {core}", "packaging"),
                   ("Công ty CP Thực phẩm {core}", "food"), ("Công ty CP Dược phẩm {core}", "office"),
                   ("Công ty CP Logistics {core}", "packaging"), ("Tập đoàn {core}", "office"),
                   ("Công ty CP Xây dựng {core}", "office")),
    "SMB": (("Công ty TNHH {core}", "office"), ("Công ty TNHH TM DV {core}", "office"),
            ("Công ty TNHH Bao bì {core}", "packaging"), ("Công ty TNHH In ấn {core}", "office"),
            ("Công ty TNHH Kế toán {core}", "office"), ("Công ty TNHH Thương mại điện tử {core}", "packaging"),
            ("Công ty TNHH Suất ăn công nghiệp {core}", "food"), ("Công ty TNHH Kỹ thuật {core}", "office")),
    "Retail": (("Nhà sách {core}", "school"), ("Văn phòng phẩm {core}", "school"),
               ("Chuỗi cà phê {core}", "food"), ("Nhà hàng {core}", "food"), ("Tiệm bánh {core}", "food"),
               ("Cửa hàng tiện lợi {core}", "food"), ("Shop online {core}", "packaging")),
    "Education": (("Trường THPT {patron}", "school"), ("Trường THCS {patron}", "school"),
                  ("Trường Tiểu học {patron}", "school"), ("Trung tâm Anh ngữ {core}", "school"),
                  ("Trường Mầm non {core}", "school"), ("Trường Cao đẳng {core} {province}", "school")),
    "Government": (("UBND {district}", "office"), ("{department} {province}", "office"),
                   ("Chi cục Thuế {district}", "office"), ("Trung tâm Y tế {district}", "office")),
}
GENERATED_SEGMENTS = (("Enterprise", 22), ("SMB", 72), ("Retail", 35), ("Education", 25), ("Government", 15))
SEGMENT_SIZE = {"Enterprise": 2.4, "SMB": 1.0, "Retail": 0.75, "Education": 1.1, "Government": 1.2, "Export": 2.2}
SEGMENT_DISCOUNTS = {
    "Enterprise": (30, 20, 25, 15, 10), "SMB": (58, 15, 16, 7, 4), "Retail": (70, 15, 10, 3, 2),
    "Education": (50, 20, 20, 6, 4), "Government": (80, 10, 10, 0, 0), "Export": (40, 20, 25, 10, 5),
}
DISCOUNT_STEPS = (Decimal(0), Decimal(2), Decimal(5), Decimal(8), Decimal(10))
CODE_STOPWORDS = ("cong", "ty", "tnhh", "cp", "co", "phan", "tm", "dv", "jsc", "ltd", "llc", "inc", "pte",
                  "sdn", "bhd", "gmbh", "sarl", "sl", "bv", "kk")


@dataclass(frozen=True)
class ForeignSpec:
    name: str
    code: str
    country: str
    city: str
    profile: str
    contacts: tuple[str, ...]
    domain: str
    phone: str


FOREIGN: tuple[ForeignSpec, ...] = (
    ForeignSpec("Bólido Comidas preparadas", "BOLIDO", "Spain", "Madrid", "food",
                ("Martín Sommer", "Lucía Fernández"), "bolido.es", "+34 91 555 2211"),
    ForeignSpec("Lion City Office Supplies Pte Ltd", "LIONCITY", "Singapore", "Singapore", "export",
                ("Tan Wei Ming", "Priya Nair"), "lioncityoffice.sg", "+65 6555 0192"),
    ForeignSpec("Merlion Packaging Pte Ltd", "MERLIONPKG", "Singapore", "Singapore", "packaging",
                ("Lim Hui Shan",), "merlionpack.sg", "+65 6555 7710"),
    ForeignSpec("Sakura Bungu K.K.", "SAKURABUNGU", "Japan", "Osaka", "export",
                ("Kenji Watanabe", "Yuki Tanaka"), "sakura-bungu.jp", "+81 6 5550 3120"),
    ForeignSpec("Tokyo Food Service Supply Co.", "TOKYOFSS", "Japan", "Tokyo", "food",
                ("Hiroshi Sato",), "tokyofss.jp", "+81 3 5550 8841"),
    ForeignSpec("Southern Cross Packaging Pty Ltd", "SOUTHERNCROSS", "Australia", "Sydney", "packaging",
                ("Emma Clarke", "Liam O'Brien"), "southerncrosspack.com.au", "+61 2 5550 1187"),
    ForeignSpec("Harbour Office Direct Pty Ltd", "HARBOUROFFICE", "Australia", "Melbourne", "export",
                ("Olivia Nguyen",), "harbouroffice.com.au", "+61 3 5550 6620"),
    ForeignSpec("Pacific Rim Imports LLC", "PACRIM", "United States", "Los Angeles", "export",
                ("Michael Johnson", "Sarah Kim"), "pacrimimports.com", "+1 213 555 0147"),
    ForeignSpec("Golden Gate Café Supply Inc.", "GOLDENGATE", "United States", "San Francisco", "food",
                ("Daniel Garcia",), "goldengatecafesupply.com", "+1 415 555 0190"),
    ForeignSpec("Rheinland Bürobedarf GmbH", "RHEINLAND", "Germany", "Cologne", "export",
                ("Jonas Weber", "Anna Schmidt"), "rheinland-buero.de", "+49 221 5550 417"),
    ForeignSpec("Hanse Verpackung GmbH", "HANSEVERP", "Germany", "Hamburg", "packaging",
                ("Felix Hoffmann",), "hanse-verpackung.de", "+49 40 5550 2290"),
    ForeignSpec("Le Comptoir du Bureau SARL", "COMPTOIR", "France", "Lyon", "export",
                ("Camille Martin",), "comptoirdubureau.fr", "+33 4 5550 1823"),
    ForeignSpec("Brighton Stationery Ltd", "BRIGHTON", "United Kingdom", "Brighton", "export",
                ("Oliver Hughes", "Grace Patel"), "brightonstationery.co.uk", "+44 1273 555 014"),
    ForeignSpec("Dutch Green Packaging B.V.", "DUTCHGREEN", "Netherlands", "Rotterdam", "food",
                ("Sanne de Vries",), "dutchgreenpack.nl", "+31 10 555 0761"),
    ForeignSpec("Seoul Office Mart Co., Ltd.", "SEOULMART", "South Korea", "Seoul", "export",
                ("Park Ji-hoon",), "seoulofficemart.kr", "+82 2 555 0134"),
    ForeignSpec("Siam Paper Trading Co., Ltd.", "SIAMPAPER", "Thailand", "Bangkok", "export",
                ("Somchai Wongsakul",), "siampaper.co.th", "+66 2 555 0188"),
    ForeignSpec("Kuala Office Hub Sdn Bhd", "KLOFFICE", "Malaysia", "Kuala Lumpur", "export",
                ("Ahmad Faizal", "Mei Ling Chong"), "klofficehub.my", "+60 3 5550 4410"),
    ForeignSpec("Angkor Supplies Co., Ltd.", "ANGKOR", "Cambodia", "Phnom Penh", "export",
                ("Sok Dara",), "angkorsupplies.com.kh", "+855 23 555 019"),
    ForeignSpec("Lao Star Trading Sole Co., Ltd.", "LAOSTAR", "Laos", "Vientiane", "export",
                ("Khamphone Sisavath",), "laostar.la", "+856 21 555 072"),
    ForeignSpec("Casa Verde Distribuciones S.L.", "CASAVERDE", "Spain", "Valencia", "food",
                ("Javier Ruiz",), "casaverde.es", "+34 96 555 3381"),
    ForeignSpec("Manila Bay Food Packaging Inc.", "MANILABAY", "Philippines", "Manila", "food",
                ("Maria Santos",), "manilabaypack.ph", "+63 2 8555 0116"),
    ForeignSpec("Auckland Eco Supplies Ltd", "AUCKLANDECO", "New Zealand", "Auckland", "food",
                ("Ben Taylor",), "aucklandeco.co.nz", "+64 9 555 0143"),
)


@dataclass(frozen=True)
class NamedSpec:
    """A Vietnamese customer that docs, tests or the demo script refer to by name."""

    name: str
    code: str
    city: str
    segment: str
    profile: str
    owner: str
    payer: str
    terms: int
    domain: str
    contacts: tuple[tuple[str, str, str], ...] = ()  # (name, email local part, title)
    wholesale: bool = False
    size: float = 1.0
    notes: str | None = None


NAMED: tuple[NamedSpec, ...] = (
    NamedSpec("Hoàng Long Trading", "HOANGLONG", "Ho Chi Minh City", "Enterprise", "office", "E001", "slow", 30,
              "hoanglong.vn", (("Phạm Văn Tuấn", "tuan.pham", "Purchasing manager"),
                               ("Đỗ Thị Hằng", "hang.do", "Kế toán trưởng"),
                               ("Lâm Quốc Việt", "viet.lam", "Giám đốc")),
              size=5.5, notes="Key account since 2019. Pays late around Tết; call Mr. Tuấn before large shipments."),
    NamedSpec("Hoàng Long Packaging", "HOANGLONGPKG", "Binh Duong", "SMB", "packaging", "E008", "prompt", 30,
              "hoanglongpack.vn", (("Trịnh Văn Khải", "khai", "Giám đốc"),), size=1.2,
              notes="Not related to Hoàng Long Trading; different owners."),
    NamedSpec("Minh Phát Stationery", "MINHPHAT", "Hanoi", "Retail", "school", "E002", "prompt", 30,
              "minhphat.vn", (("Nguyễn Thị Lan", "lan", "Purchasing manager"),
                              ("Trần Minh Phát", "phat", "Owner")), wholesale=True, size=1.8),
    NamedSpec("Saigon Foods JSC", "SAIGONFOODS", "Ho Chi Minh City", "Enterprise", "food", "E001", "prompt", 45,
              "saigonfoods.com.vn", (("Huỳnh Ngọc Châu", "chau.huynh", "Procurement director"),
                                     ("Lê Minh Quân", "quan.le", "Chief accountant")),
              size=3.2, notes="Key account, net 45 approved by Võ Quốc Bảo. Central kitchen in Quận 7."),
    NamedSpec("Công ty CP Văn phòng phẩm Hòa Bình", "HOABINH", "Hanoi", "SMB", "school", "E009", "prompt", 30,
              "hoabinhvpp.vn", (("Đặng Thu Trang", "trang", "Trưởng phòng mua hàng"),), wholesale=True, size=1.6),
    NamedSpec("Công ty TNHH Đại Tín", "DAITIN", "Da Nang", "SMB", "packaging", "E012", "poor", 30,
              "daitin.vn", (("Phan Hữu Lộc", "loc", "Giám đốc"),), size=1.1),
    NamedSpec("Tân Việt Office", "TANVIET", "Ho Chi Minh City", "SMB", "office", "E008", "slow", 30,
              "tanvietoffice.vn", (("Vũ Thanh Hà", "ha.vu", "Office manager"),), size=1.0),
    NamedSpec("Đông Á Trading", "DONGA", "Ho Chi Minh City", "SMB", "office", "E012", "prompt", 30,
              "donga-trading.vn", (("Ngô Gia Bảo", "bao.ngo", "Purchasing manager"),), size=1.2),
    NamedSpec("Đông Á Paper JSC", "DONGAPAPER", "Hai Phong", "SMB", "packaging", "E002", "prompt", 30,
              "dongapaper.vn", (("Bùi Văn Sơn", "son.bui", "Buyer"),), size=1.0),
)
CUSTOMER_TARGET = 200


# ------------------------------------------------------------------------------------------- texts (CRM)

INTERACTION_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "call": ("Called {contact} to confirm the next order of {product}.",
                 "Phone call with {contact}: they need the delivery before Friday.",
                 "Called {contact} about the price increase on {product}; agreed to hold the price for one more month.",
                 "Follow-up call with {contact} on the quotation for {product}."),
        "email": ("Emailed {contact} the updated price list for {category}.",
                  "Sent {contact} a copy of the VAT invoice and the delivery note.",
                  "{contact} asked by email for samples of {product}.",
                  "Sent a quotation for {qty} x {product} to {contact}."),
        "meeting": ("Visited {contact} at their office; reviewed last quarter's volumes and discussed {product}.",
                    "Quarterly review with {contact}: they plan to consolidate suppliers next year.",
                    "Met {contact} to present the new {category} range."),
        "chat": ("Zalo chat with {contact}: asked where the last delivery is.",
                 "{contact} asked on Zalo whether {product} is in stock in {warehouse}."),
        "note": ("Customer compares our {product} price with a competitor's offer.",
                 "Prefers morning deliveries; the loading dock closes at 16:00.",
                 "New purchasing contact is {contact}."),
        "collection": ("Reminded {contact} about overdue invoice {invoice}; promised payment within two weeks.",
                       "Sent {contact} a statement of account; invoice {invoice} is past due."),
    },
    "vi": {
        "call": ("Gọi {contact} xác nhận đơn {product} tuần sau.",
                 "Gọi điện cho {contact}: khách cần giao trước thứ Sáu.",
                 "Trao đổi với {contact} về việc tăng giá {product}; đồng ý giữ giá thêm một tháng.",
                 "Gọi lại {contact} theo dõi báo giá {product}."),
        "email": ("Gửi {contact} bảng giá mới nhóm {category}.",
                  "Gửi bản sao hóa đơn VAT và biên bản giao hàng cho {contact}.",
                  "{contact} gửi email xin mẫu {product}.",
                  "Gửi báo giá {qty} {product} cho {contact}."),
        "meeting": ("Gặp {contact} tại văn phòng khách hàng, xem lại sản lượng quý trước và bàn về {product}.",
                    "Họp định kỳ với {contact}: năm sau khách muốn gom bớt nhà cung cấp.",
                    "Giới thiệu nhóm hàng {category} mới cho {contact}."),
        "chat": ("{contact} nhắn Zalo hỏi đơn hàng gần nhất đang ở đâu.",
                 "{contact} hỏi qua Zalo còn hàng {product} ở kho {warehouse} không."),
        "note": ("Khách đang so sánh giá {product} với nhà cung cấp khác.",
                 "Khách thích giao buổi sáng; kho nhận hàng đóng cửa lúc 16h.",
                 "Người phụ trách mua hàng mới là {contact}."),
        "collection": ("Nhắc {contact} thanh toán hóa đơn quá hạn {invoice}; khách hẹn chuyển khoản trong hai tuần.",
                       "Gửi {contact} bảng đối chiếu công nợ; hóa đơn {invoice} đã quá hạn."),
    },
}
INTERACTION_KIND_WEIGHTS = (("call", 30), ("email", 30), ("meeting", 12), ("chat", 18), ("note", 10))

# (subject, description, language)
TICKET_TEXTS: tuple[tuple[str, str], ...] = (
    ("Late delivery of order {order}",
     "Order {order} was promised for {date} but has not arrived. The customer's warehouse is waiting for {product}."),
    ("Giao hàng trễ đơn {order}",
     "Đơn {order} hẹn giao ngày {date} nhưng khách chưa nhận được. Khách đang cần gấp {product}."),
    ("Damaged cartons on arrival",
     "{qty} cartons of {product} from order {order} arrived crushed; the customer sent photos and asks for a "
     "replacement."),
    ("Hàng bị móp, ướt khi nhận",
     "Đơn {order}: 2 thùng bị móp, 1 thùng ướt ({product}). Khách gửi ảnh và yêu cầu đổi hàng."),
    ("Wrong toner model delivered",
     "The customer ordered {product} but received a different cartridge. Printer on site: HP LaserJet Pro M402."),
    ("Invoice amount does not match the quotation",
     "The customer says the invoice for order {order} is higher than the quoted price for {product}. Please check "
     "the discount."),
    ("Yêu cầu xuất lại hóa đơn VAT",
     "Khách cần xuất lại hóa đơn đỏ cho đơn {order} vì sai mã số thuế trên hóa đơn."),
    ("Paper jams with 70gsm paper",
     "Frequent jams with {product} in an older Ricoh copier. Suggested moving the customer to 80gsm."),
    ("Giao thiếu hàng đơn {order}",
     "Đơn {order} giao thiếu {qty} {unit} {product}. Khách yêu cầu giao bù trong tuần."),
    ("Shredder stops after a few sheets",
     "The shredder delivered with order {order} stops after a few sheets. Serial number is on the delivery note; "
     "warranty claim."),
    ("Request for food-contact certificate",
     "The customer needs the supplier's declaration of conformity for {product} for a food-safety audit."),
    ("Return request: unopened goods",
     "The customer wants to return unopened {product} from order {order} (change of mind). Check the returns policy."),
    ("Khách hỏi chứng từ giao hàng",
     "Khách cần bản sao biên bản giao hàng có chữ ký cho đơn {order} để đối chiếu công nợ."),
)

OPPORTUNITY_NAMES: dict[str, tuple[str, ...]] = {
    "office": ("Hợp đồng giấy A4 năm {year}", "Annual office supplies contract {year}", "Toner supply agreement {year}",
               "Máy hủy tài liệu cho chi nhánh mới", "Switch to compatible toner (SH range)"),
    "food": ("Chuyển sang hộp bã mía", "Paper cups for new outlets {year}", "Bao bì Tết {year}",
             "Plastic-free takeaway range"),
    "packaging": ("Thùng carton cho kho mới", "Stretch film annual supply {year}", "E-commerce packaging bundle",
                  "Băng keo và màng PE năm {year}"),
    "school": ("Back-to-school notebooks {year}", "Vở học sinh năm học {year}-{next_year}",
               "Bút bi Thiên Long mùa tựu trường", "Giấy thi học kỳ {year}"),
    "export": ("Container of A4 paper {year}", "Bagasse food boxes trial order", "Notebook private label {year}",
               "Quarterly paper shipment {year}"),
}
OPPORTUNITY_STAGE_WEIGHTS = (("lead", 10), ("qualification", 12), ("proposal", 14), ("negotiation", 10),
                             ("closed_won", 32), ("closed_lost", 22))

MONTH_WEIGHT = {1: 1.15, 2: 0.7, 3: 0.95, 4: 0.95, 5: 0.95, 6: 1.0, 7: 1.05, 8: 1.25, 9: 1.2, 10: 1.0, 11: 1.05,
                12: 1.3}
# Lunar New Year: orders peak in the weeks before and nearly stop during the holiday.
TET = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
       2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}
ORDERS_PER_DAY = 4.9
LINES_PER_ORDER = ((1, 20), (2, 24), (3, 22), (4, 16), (5, 11), (6, 7))


# ------------------------------------------------------------------------------------------------ helpers

def company_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ).astimezone(timezone.utc)


def round_to(amount: Decimal, step: Decimal) -> Decimal:
    return (amount / step).quantize(ONE, rounding=ROUND_HALF_UP) * step


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pick(rng: random.Random, weighted: tuple[tuple[object, float], ...]):
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def customer_code(name: str, taken: set[str]) -> str:
    words = [w for w in fold(name).replace(".", " ").replace("-", " ").split() if w not in CODE_STOPWORDS]
    base = "".join(words).upper()[:18] or "CUST"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    taken.add(code)
    return code


def vn_phone(rng: random.Random, mobile: bool = True, prefix: str = "028") -> str:
    if mobile:
        return f"0{rng.choice('3579')}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    return f"{prefix} {rng.randint(3000, 3999)} {rng.randint(1000, 9999)}"


def vn_person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def vn_email_local(person: str) -> str:
    parts = fold(person).split()
    return f"{parts[-1]}.{parts[0]}"


def fx_path(rng: random.Random, start: date, end: date) -> list[tuple[date, Decimal]]:
    """Business-day USD->VND rates drifting from about 25,200 to 26,300 with mean-reverting noise."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    span = max(len(days) - 1, 1)
    noise, rates = 0.0, []
    for i, day in enumerate(days):
        trend = 25200 + 1100 * i / span
        noise = 0.92 * noise + rng.gauss(0, 22)
        value = min(max(trend + noise, 24000), 26500)
        rates.append((day, Decimal(int(round(value)))))
    return rates


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building hundreds of thousands of short-lived rows: it would
    otherwise rescan all of them again and again (a third of the time), and they hold no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RateSource(Protocol):
    def rate(self, currency: str, day: date) -> Decimal: ...


def day_weight(day: date, start: date) -> float:
    """Relative order volume of a day: no Sundays, slow Saturdays, seasons, Tết, 18% growth a year."""
    if day.weekday() == 6:
        return 0.0
    weight = MONTH_WEIGHT[day.month] * (0.45 if day.weekday() == 5 else 1.0)
    weight *= 1 + 0.18 * (day - start).days / 365
    for tet in (TET.get(day.year), TET.get(day.year + 1)):
        if tet is None:
            continue
        gap = (tet - day).days
        if 3 <= gap <= 21:
            weight *= 1.35
        elif -6 <= gap <= 2:
            weight *= 0.1
    return weight


def order_status(rng: random.Random, age_days: int) -> str:
    """Old orders are invoiced (a few cancelled); the last three weeks still move through the pipeline."""
    if age_days > 2 and rng.random() < 0.03:
        return "cancelled"
    if age_days <= 2:
        return pick(rng, (("draft", 35), ("confirmed", 65)))
    if age_days <= 7:
        return pick(rng, (("confirmed", 45), ("shipped", 35), ("invoiced", 20)))
    if age_days <= 20:
        return pick(rng, (("confirmed", 8), ("shipped", 17), ("invoiced", 75)))
    return "invoiced"


def payment_plan(rng: random.Random, *, payer: str, issue: date, due: date, amount: Decimal, currency: str,
                 order_date: date, today: date) -> list[tuple[date, Decimal]]:
    """When a customer of this payment behaviour pays an invoice, possibly in two instalments.

    Dates may lie after `today`: the caller records only what has happened by then.
    """
    if payer == "cash":
        return [(order_date, amount)]  # prepaid before dispatch
    if payer == "prompt":
        paid = due + timedelta(days=rng.randint(-12, 3))
    elif payer == "slow":
        paid = due + timedelta(days=int(rng.triangular(0, 20, 1)))
    else:
        if 100 <= (today - issue).days <= 300 and rng.random() < 0.05:
            return []  # disputed or stuck: still unpaid, now 61-90 or 91+ days past due
        paid = due + timedelta(days=int(rng.triangular(2, 50, 10)))
    paid = max(paid, issue + timedelta(days=1))
    if rng.random() < 0.06:
        first = round_money(amount * Decimal(rng.randint(30, 70)) / 100, currency)
        if ZERO < first < amount:
            return [(paid, first), (paid + timedelta(days=rng.randint(10, 40)), amount - first)]
    return [(paid, amount)]


def price_on(list_price: Decimal, list_currency: str, currency: str, day: date, today: date, fx: RateSource) -> Decimal:
    """The unit price of a day in the order's currency: list prices rose about 3.5% a year."""
    factor = (ONE - Decimal("0.035") * Decimal((today - day).days) / Decimal(365)).quantize(Decimal("0.0001"))
    price = list_price * factor
    if list_currency != currency:
        price = price * fx.rate(list_currency, day) / fx.rate(currency, day)
    if currency == BASE_CURRENCY:
        return round_to(price, Decimal(100 if list_currency == currency else 1000))
    return round_money(price, currency)


@dataclass(slots=True)
class LineDraft:
    """An order line before insert; attribute names match SalesOrderLine's columns."""

    product_id: int
    quantity: int
    unit_price: Decimal
    discount_pct: Decimal
    unit_cost: Decimal | None
    line_no: int = 0
    line_amount: Decimal = ZERO
    line_amount_base: Decimal = ZERO
    order_id: int | None = None


@dataclass(slots=True)
class OrderDraft:
    """A sales order before insert. ledger.price_order reads and writes only attributes that exist here, so
    drafts are priced by the same code as SalesOrder objects, without the ORM's per-attribute bookkeeping."""

    customer_id: int
    salesperson_id: int | None
    status: str
    order_date: date
    currency: str
    required_date: date | None
    shipped_date: date | None
    ship_country: str | None
    ship_city: str | None
    created_at: datetime
    lines: list[LineDraft] = field(default_factory=list)
    number: str = ""
    fx_rate: Decimal = ONE
    net_amount: Decimal = ZERO
    net_amount_base: Decimal = ZERO
    quote_id: int | None = None
    id: int | None = None


def insert_rows(session: Session, model, rows: list[dict], *, key: str | None = None) -> dict:
    """One Core executemany into the model's table; with `key` (a unique column) returns {key value: id}.

    The ORM's per-row bookkeeping costs more than the database work at this scale. Ids are found with one
    range query: the new rows get ids above the highest id visible before the insert (RETURNING in parameter
    order would do the same, but SQLite runs it one row per statement).
    """
    if not rows:
        return {}
    table = model.__table__
    floor = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() if key else 0
    session.execute(insert(table), rows)
    if key is None:
        return {}
    found = dict(session.execute(select(table.c[key], table.c.id).where(table.c.id > floor)).all())
    return {row[key]: found[row[key]] for row in rows}


def bulk_insert(session: Session, model, objects: list, *, key: str | None = None) -> None:
    """insert_rows for objects whose attributes are named like the model's columns; sets their ids with `key`."""
    columns = [column.key for column in model.__table__.columns if column.key != "id"]
    ids = insert_rows(session, model, [{name: getattr(obj, name) for name in columns} for obj in objects], key=key)
    if key:
        for obj in objects:
            obj.id = ids[getattr(obj, key)]


# --------------------------------------------------------------------------------------- reference data

@dataclass
class ReferenceData:
    company: Company
    employees: dict[str, Employee]
    warehouses: dict[str, Warehouse]
    products: list[Product]
    specs: list[ProductSpec]
    price_list: PriceList | None
    wholesale: dict[int, list[tuple[int, Decimal]]]  # product id -> [(min qty, price)] ascending


def ensure_reference_data(session: Session, *, rng: random.Random, today: date,
                          fill_empty_only: bool = False) -> ReferenceData:
    """Company profile, staff, warehouses, catalogue, price list and 25 months of USD rates, where missing.

    Existing rows (the company, or rows matched by code, SKU or date) are kept as they are. With
    fill_empty_only, staff, warehouses, products and price lists are added only to tables that are empty, so
    `seed` leaves someone's own company as it is (ReferenceData then lists only the demo rows present).
    """
    def wanted(model) -> bool:
        return not fill_empty_only or session.execute(select(model.id).limit(1)).first() is None

    found = session.execute(select(Company).order_by(Company.id).limit(1)).scalar_one_or_none()
    if found is None:
        found = Company(name=COMPANY_NAME, base_currency=BASE_CURRENCY, timezone=COMPANY_TIMEZONE, tax_rate_pct=VAT_PCT)
        session.add(found)

    employees = {e.code: e for e in session.execute(select(Employee)).scalars()}
    if wanted(Employee):
        for spec in STAFF:
            if spec.code not in employees:
                employees[spec.code] = Employee(
                    code=spec.code, name=spec.name, email=spec.email, role=spec.role, region=spec.region,
                    active=True, created_at=at_local(months_before(today, 30), 9))
                session.add(employees[spec.code])
        for spec in STAFF:
            row = employees[spec.code]
            if spec.manager and row.manager_id is None and row.manager is None:
                row.manager = employees[spec.manager]

    warehouses = {w.code: w for w in session.execute(select(Warehouse)).scalars()}
    if wanted(Warehouse):
        for code, name, city in (("HCM", "Thủ Đức warehouse, Ho Chi Minh City", "Ho Chi Minh City"),
                                 ("HAN", "Long Biên warehouse, Hanoi", "Hanoi")):
            if code not in warehouses:
                warehouses[code] = Warehouse(code=code, name=name, city=city)
                session.add(warehouses[code])

    existing_products = {p.sku: p for p in session.execute(select(Product)).scalars()}
    add_products = wanted(Product)
    products, specs, new_products = [], [], []
    for spec in PRODUCTS:
        row = existing_products.get(spec.sku)
        if row is None and not add_products:
            continue
        if row is None:
            row = Product(sku=spec.sku, name=spec.name, search_key=search_key(spec.name, spec.sku, spec.category),
                          category=spec.category, unit=spec.unit, unit_price=Decimal(spec.price),
                          unit_cost=Decimal(spec.cost), currency=spec.currency,
                          active=spec.inactive_reason is None, inactive_reason=spec.inactive_reason)
            new_products.append(row)
        products.append(row)
        specs.append(spec)
    session.add_all(new_products)
    session.flush()

    new_ids = {p.id for p in new_products}
    _stock_levels(session, rng, [(p, s) for p, s in zip(products, specs) if p.id in new_ids], warehouses)

    price_list = session.execute(select(PriceList).where(PriceList.code == "WHOLESALE")).scalar_one_or_none()
    if price_list is None and wanted(PriceList) and len(products) == len(PRODUCTS):
        price_list = PriceList(code="WHOLESALE", name="Wholesale", currency=BASE_CURRENCY)
        session.add(price_list)
        session.flush()
        by_sku = {p.sku: p for p in products}
        for sku in WHOLESALE_SKUS:
            product = by_sku[sku]
            for min_qty, share in WHOLESALE_BREAKS:
                session.add(PriceListItem(price_list_id=price_list.id, product_id=product.id, min_quantity=min_qty,
                                          unit_price=round_to(product.unit_price * share, Decimal(100))))
        session.flush()
    wholesale: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    if price_list is not None:
        for item in session.execute(select(PriceListItem).where(PriceListItem.price_list_id == price_list.id)
                                    .order_by(PriceListItem.product_id, PriceListItem.min_quantity)).scalars():
            wholesale[item.product_id].append((item.min_quantity, item.unit_price))

    ensure_fx_rates(session, rng=rng, start=months_before(today, HISTORY_MONTHS + 1), end=today)
    return ReferenceData(found, employees, warehouses, products, specs, price_list, dict(wholesale))


def _stock_levels(session: Session, rng: random.Random, items: list[tuple[Product, ProductSpec]],
                  warehouses: dict[str, Warehouse]) -> None:
    active = [p.sku for p, _ in items if p.active]
    short = set(rng.sample(active, min(8, len(active))))
    rows = []
    for product, spec in items:
        low, high, _ = spec.qty
        typical = (low + high) / 2 * spec.popularity
        for code, share in (("HCM", 0.65), ("HAN", 0.35)):
            if code not in warehouses:  # someone's own warehouses under other codes: no demo stock there
                continue
            if spec.category == ELECTRONICS and code == "HAN" and spec.popularity < 1:
                reorder, quantity = 0, rng.randint(0, 2)
            else:
                reorder = max(2, int(typical * 6 * share))
                quantity = int(reorder * rng.uniform(1.3, 4.0))
            if not product.active:
                quantity = rng.randint(0, max(reorder // 3, 1))
                reorder = 0
            elif product.sku in short and code == ("HAN" if rng.random() < 0.5 else "HCM"):
                quantity = rng.randint(0, max(reorder - 1, 0))
            rows.append(StockLevel(product_id=product.id, warehouse_id=warehouses[code].id, quantity=quantity,
                                   reserved=0, reorder_level=reorder))
    for product, spec in items:  # every short-listed product is below its level in at least one warehouse
        if product.sku in short:
            mine = [r for r in rows if r.product_id == product.id and r.reorder_level > 0]
            if mine and all(r.quantity >= r.reorder_level for r in mine):
                mine[0].quantity = mine[0].reorder_level // 2
    session.add_all(rows)
    session.flush()


def ensure_fx_rates(session: Session, *, rng: random.Random, start: date, end: date) -> int:
    """Add USD->VND rates for business days in [start, end] that have none; returns how many were added."""
    have = set(session.execute(select(FxRate.rate_date).where(FxRate.currency == "USD",
                                                               FxRate.rate_date.between(start, end))).scalars())
    rows = [FxRate(currency="USD", rate_date=d, rate=r) for d, r in fx_path(rng, start, end) if d not in have]
    session.add_all(rows)
    session.flush()
    return len(rows)


# ------------------------------------------------------------------------------------------ the demo

@dataclass
class _Account:
    customer: Customer
    segment: str
    profile: str
    region: str
    size: float
    payer: str  # prompt | slow | poor | cash
    since: date
    until: date | None
    wholesale: bool
    export: bool
    contacts: list[Contact] = field(default_factory=list)
    favourites: list[int] = field(default_factory=list)
    last_contact: date | None = None
    orders: list[OrderDraft] = field(default_factory=list)
    invoices: list[_InvoiceDraft] = field(default_factory=list)


@dataclass(slots=True)
class _InvoiceDraft:
    number: str
    customer_id: int
    order_id: int
    issue_date: date
    due_date: date
    currency: str
    fx_rate: Decimal
    amount: Decimal
    created_at: datetime
    status: str = "open"
    paid: Decimal = ZERO  # allocated so far; not a column
    id: int | None = None


@dataclass(slots=True)
class _PaymentDraft:
    customer_id: int
    paid_on: date
    amount: Decimal
    currency: str
    method: str
    reference: str
    created_at: datetime
    invoice: _InvoiceDraft
    id: int | None = None


@dataclass(slots=True)
class _InteractionDraft:
    customer_id: int
    employee_id: int | None
    contact_id: int | None
    kind: str
    occurred_at: datetime
    summary: str


class _Steps:
    """One rich progress bar over the build steps; silent unless asked for."""

    def __init__(self, enabled: bool, total: int):
        self.progress = (Progress(TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn())
                         if enabled else None)
        self.total = total
        self.task = None

    def __enter__(self):
        if self.progress:
            self.progress.start()
            self.task = self.progress.add_task("Demo company", total=self.total)
        return self

    def step(self, label: str) -> None:
        if self.progress:
            self.progress.update(self.task, advance=1, description=label)

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()


def create_demo_company(session: Session, *, seed: int = 7, today: date | None = None, progress: bool = False) -> bool:
    """Create Sông Hồng Trading with 24 months of history; False (and no change) if customers already exist."""
    if session.execute(select(Customer.id).limit(1)).first() is not None:
        return False
    _DemoBuilder(session, random.Random(seed), today or company_today(), progress).build()
    return True


class _DemoBuilder:
    def __init__(self, session: Session, rng: random.Random, today: date, progress: bool):
        self.session = session
        self.rng = rng
        self.today = today
        self.start = months_before(today, HISTORY_MONTHS)
        self.progress = progress
        self.counters: dict[tuple[str, int], int] = {
            (row.doc_type, row.year): row.last_number for row in session.execute(select(DocumentSequence)).scalars()
        }
        self.issued: dict[tuple[str, int], int] = {}

    # -- numbering: allocate in date order, then move the gapless counters past what we used
    def number(self, doc_type: str, year: int) -> str:
        key = (doc_type, year)
        value = self.issued.get(key, self.counters.get(key, 0)) + 1
        self.issued[key] = value
        return format_number(doc_type, year, value)

    def build(self) -> None:
        with _Steps(self.progress, 10) as steps:
            steps.step("Company and catalogue")
            self.ref = ensure_reference_data(self.session, rng=self.rng, today=self.today)
            # No customers yet, so whatever profile exists (e.g. the placeholder ledger.company() creates) is ours.
            profile = self.ref.company
            profile.name, profile.base_currency, profile.timezone, profile.tax_rate_pct = (
                COMPANY_NAME, BASE_CURRENCY, COMPANY_TIMEZONE, VAT_PCT)
            self.fx = RateBook(self.session, BASE_CURRENCY)
            self.staff = self.ref.employees
            self.products = self.ref.products
            self.specs = self.ref.specs
            self._product_tables()
            steps.step("Customers and contacts")
            self.accounts = self._customers()
            steps.step("Sales orders")
            self._orders()
            steps.step("Invoices")
            self._invoices()
            steps.step("Payments")
            self._payments()
            steps.step("Interactions")
            self._interactions()
            steps.step("Opportunities and tickets")
            self._opportunities()
            self._tickets()
            self._hoang_long_story()
            steps.step("Credit limits and stock")
            self._credit_limits()
            self._reserved_stock()
            steps.step("Purchasing and campaigns")
            erp = ErpBuilder(self)
            erp.build_documents()
            for (doc_type, year), last in sorted(self.issued.items()):
                reserve_through(self.session, doc_type, year, last)
            self.session.flush()
            steps.step("Ledger")
            erp.post_ledger()

    # ------------------------------------------------------------------------------------------ products
    def _product_tables(self) -> None:
        self.index_of = {p.id: i for i, p in enumerate(self.products)}
        self.product_cum: dict[str, list[float]] = {}
        for profile, weights in PROFILES.items():
            total, cum = 0.0, []
            for spec in self.specs:
                total += weights.get(spec.category, 0) * spec.popularity
                cum.append(total)
            self.product_cum[profile] = cum
        # Inactive products stopped selling some months ago; older orders still carry them.
        self.discontinued = {i: self.today - timedelta(days=self.rng.randint(150, 300))
                             for i, p in enumerate(self.products) if not p.active}

    def _draw_product(self, profile: str) -> int:
        return self.rng.choices(range(len(self.products)), cum_weights=self.product_cum[profile])[0]

    # ----------------------------------------------------------------------------------------- customers
    def _customers(self) -> list[_Account]:
        rng, accounts, taken_codes, taken_names = self.rng, [], set(), set()
        for spec in NAMED:
            taken_codes.add(spec.code)
            taken_names.add(spec.name)
        for spec in FOREIGN:
            taken_codes.add(spec.code)
            taken_names.add(spec.name)

        for spec in NAMED:
            city = CITY_BY_NAME[spec.city]
            account = self._new_account(
                name=spec.name, code=spec.code, city=city.name, country="Vietnam", segment=spec.segment,
                profile=spec.profile, region=city.region, owner=spec.owner, payer=spec.payer, terms=spec.terms,
                size=spec.size, currency="VND", domain=spec.domain, phone=vn_phone(rng, False, city.phone_prefix),
                address=f"{rng.randint(2, 480)} {rng.choice(STREETS)}, {rng.choice(city.districts)}, {city.name}",
                wholesale=spec.wholesale, since=self.start - timedelta(days=rng.randint(200, 1800)), until=None,
                notes=spec.notes)
            for name, local, title in spec.contacts:
                self._add_contact(account, name, f"{local}@{spec.domain}", vn_phone(rng), title)
            self._extra_contacts(account, spec.domain, max(0, rng.randint(1, 3) - len(spec.contacts)))
            accounts.append(account)

        for spec in FOREIGN:
            account = self._new_account(
                name=spec.name, code=spec.code, city=spec.city, country=spec.country, segment="Export",
                profile=spec.profile, region="Export", owner="E007", payer=pick(rng, (("prompt", 80), ("slow", 20))),
                terms=pick(rng, ((30, 60), (45, 40))), size=SEGMENT_SIZE["Export"] * rng.lognormvariate(0, 0.4),
                currency="USD", domain=spec.domain, phone=spec.phone,
                address=f"{rng.randint(1, 250)} Harbour Road, {spec.city}", wholesale=False,
                since=self._since(), until=None, notes=None)
            for person in spec.contacts:
                local = fold(person).split()[0]
                self._add_contact(account, person, f"{local}@{spec.domain}", spec.phone,
                                  rng.choice(CONTACT_TITLES_EN))
            accounts.append(account)

        cores = [f"{a} {b}" for a in CORE_FIRST for b in CORE_SECOND if a != b]
        cores = [c for c in cores if c not in RESERVED_CORES]
        rng.shuffle(cores)
        segments = [seg for seg, n in GENERATED_SEGMENTS for _ in range(n)]
        missing = CUSTOMER_TARGET - len(accounts)
        segments = (segments * (missing // len(segments) + 1))[:missing]
        for segment in segments:
            city = rng.choices(CITIES, weights=[c.weight for c in CITIES])[0]
            for _ in range(50):
                pattern, profile = rng.choice(NAME_PATTERNS[segment])
                core = cores.pop() if "{core}" in pattern else ""
                name = pattern.format(core=core, patron=rng.choice(SCHOOL_PATRONS), province=city.name_vi,
                                      district=rng.choice(city.districts), department=rng.choice(GOV_DEPARTMENTS))
                if name not in taken_names:
                    break
            taken_names.add(name)
            code = customer_code(name, taken_codes)
            domain = f"{code.lower()}." + {"Education": "edu.vn", "Government": "gov.vn"}.get(segment, "vn")
            cash_only = segment in ("SMB", "Retail") and rng.random() < 0.09
            payer = "cash" if cash_only else pick(rng, (("prompt", 60), ("slow", 30 if segment == "Government" else 24),
                                                        ("poor", 8)))
            terms = 0 if cash_only else (45 if segment in ("Enterprise", "Government") and rng.random() < 0.6 else 30)
            dormant = rng.random() < 0.1
            since = self._since()
            until = self.today - timedelta(days=rng.randint(75, 320)) if dormant else None
            if until is not None and until <= since + timedelta(days=60):
                until = None
            account = self._new_account(
                name=name, code=code, city=city.name, country="Vietnam", segment=segment, profile=profile,
                region=city.region, owner=rng.choice(REPS_BY_REGION[city.region]), payer=payer, terms=terms,
                size=SEGMENT_SIZE[segment] * rng.lognormvariate(0, 0.5), currency="VND", domain=domain,
                phone=vn_phone(rng, False, city.phone_prefix),
                address=f"{rng.randint(2, 480)} {rng.choice(STREETS)}, {rng.choice(city.districts)}, {city.name}",
                wholesale=segment in ("SMB", "Retail") and profile in ("school", "office") and rng.random() < 0.45,
                since=since, until=until,
                notes="Cash only: prepayment for every order." if cash_only else None)
            self._extra_contacts(account, domain, rng.choices((1, 2, 3, 4), weights=(30, 40, 20, 10))[0])
            accounts.append(account)

        for account in accounts:
            account.favourites = []
            for _ in range(rng.randint(4, 8)):
                index = self._draw_product(account.profile)
                if self.products[index].active and index not in account.favourites:
                    account.favourites.append(index)
        self.session.add_all([a.customer for a in accounts])
        self.session.flush()
        for account in accounts:
            for contact in account.contacts:
                contact.customer_id = account.customer.id
        self.session.add_all([c for a in accounts for c in a.contacts])
        self.session.flush()
        self.by_code = {a.customer.code: a for a in accounts}
        return accounts

    def _since(self) -> date:
        if self.rng.random() < 0.78:
            return self.start - timedelta(days=self.rng.randint(30, 1500))
        return min(self.start + timedelta(days=self.rng.randint(20, 680)), self.today - timedelta(days=25))

    def _new_account(self, *, name, code, city, country, segment, profile, region, owner, payer, terms, size,
                     currency, domain, phone, address, wholesale, since, until, notes) -> _Account:
        customer = Customer(
            code=code, name=name, search_key=search_key(name, code, city), email=f"info@{domain}", phone=phone,
            segment=segment, country=country, city=city, address=address, currency=currency, credit_limit=None,
            payment_terms_days=terms, owner_id=self.staff[owner].id, notes=notes,
            price_list_id=self.ref.price_list.id if wholesale else None, created_at=at_local(since, 10))
        return _Account(customer=customer, segment=segment, profile=profile, region=region, size=size, payer=payer,
                        since=since, until=until, wholesale=wholesale, export=currency != BASE_CURRENCY)

    def _add_contact(self, account: _Account, name: str, email: str, phone: str, title: str) -> None:
        account.contacts.append(Contact(name=name, search_key=search_key(name), email=email, phone=phone, title=title))

    def _extra_contacts(self, account: _Account, domain: str, count: int) -> None:
        for _ in range(count):
            person = vn_person(self.rng)
            self._add_contact(account, person, f"{vn_email_local(person)}@{domain}", vn_phone(self.rng),
                              self.rng.choice(CONTACT_TITLES_VI))

    # -------------------------------------------------------------------------------------------- orders
    def _orders(self) -> None:
        rng, orders = self.rng, []
        day = self.start + timedelta(days=1)
        while day <= self.today:
            weight = day_weight(day, self.start)
            count = poisson(rng, ORDERS_PER_DAY * weight) if weight else 0
            eligible = [a for a in self.accounts if a.since <= day and (a.until is None or day <= a.until)]
            if count and eligible:
                weights = [a.size ** 0.75 for a in eligible]
                for account in rng.choices(eligible, weights=weights, k=count):
                    orders.append(self._order(account, day))
            day += timedelta(days=1)
        self.orders = orders
        for order in orders:  # numbers follow creation order, which is date order
            order.number = self.number("order", order.order_date.year)
        bulk_insert(self.session, SalesOrder, orders, key="number")
        lines = []
        for order in orders:
            for line in order.lines:
                line.order_id = order.id
                lines.append(line)
        bulk_insert(self.session, SalesOrderLine, lines)

    def _order(self, account: _Account, day: date) -> OrderDraft:
        rng, customer = self.rng, account.customer
        age = (self.today - day).days
        status = order_status(rng, age)
        shipped = None
        if status in ("shipped", "invoiced"):
            shipped = min(day + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3, 4))), self.today)
        salesperson = customer.owner_id
        if rng.random() < 0.05:
            salesperson = self.staff[rng.choice(REPS_BY_REGION[account.region])].id
        order = OrderDraft(customer_id=customer.id, salesperson_id=salesperson, status=status, order_date=day,
                            currency=customer.currency, required_date=day + timedelta(days=rng.randint(2, 10)),
                            shipped_date=shipped, ship_country=customer.country, ship_city=customer.city,
                            created_at=at_local(day, rng.randint(8, 17), rng.randint(0, 59)))
        n_lines = pick(rng, LINES_PER_ORDER)
        chosen: list[int] = []
        for _ in range(n_lines * 3):
            if len(chosen) == n_lines:
                break
            if account.favourites and rng.random() < 0.6:
                index = rng.choice(account.favourites)
            else:
                index = self._draw_product(account.profile)
            product = self.products[index]
            if index in chosen or (not product.active and day >= self.discontinued[index]):
                continue
            chosen.append(index)
        for index in chosen:
            order.lines.append(self._line(account, index, day))
        price_order(order, self.fx.rate(order.currency, day), BASE_CURRENCY)
        account.orders.append(order)
        return order

    def _line(self, account: _Account, index: int, day: date) -> LineDraft:
        rng, product, spec = self.rng, self.products[index], self.specs[index]
        low, high, step = spec.qty
        scale = account.size ** 0.5 * rng.lognormvariate(0, 0.35)
        if day.month in (7, 8, 9) and spec.category in (NOTEBOOKS, WRITING) and account.profile == "school":
            scale *= 1.8
        if day.month in (12, 1) and spec.category in (FOOD, PACKAGING):
            scale *= 1.35
        quantity = max(low, int(round(rng.uniform(low, high) * scale / step)) * step)
        currency = account.customer.currency
        breaks = self.ref.wholesale.get(product.id) if account.wholesale else None
        if breaks and currency == BASE_CURRENCY:
            price = next(p for q, p in reversed(breaks) if quantity >= q)
            unit_price = price_on(price, BASE_CURRENCY, currency, day, self.today, self.fx)
            discount = DISCOUNT_STEPS[rng.choices(range(5), weights=(85, 15, 0, 0, 0))[0]]
        else:
            unit_price = price_on(product.unit_price, product.currency, currency, day, self.today, self.fx)
            discount = DISCOUNT_STEPS[rng.choices(range(5), weights=SEGMENT_DISCOUNTS[account.segment])[0]]
        return LineDraft(product_id=product.id, quantity=quantity, unit_price=unit_price, discount_pct=discount,
                          unit_cost=product.unit_cost)

    # ------------------------------------------------------------------------------------------ invoices
    def _invoices(self) -> None:
        by_id = {a.customer.id: a for a in self.accounts}
        invoiced = sorted((o for o in self.orders if o.status == "invoiced"), key=lambda o: (o.shipped_date, o.number))
        invoices = []
        for order in invoiced:
            account = by_id[order.customer_id]
            # Exports are zero-rated for VAT in Vietnam; domestic invoices carry the company rate.
            tax = ZERO if account.export else VAT_PCT
            _, _, total = document_total([line.line_amount for line in order.lines], tax, order.currency)
            issue = order.shipped_date
            invoice = _InvoiceDraft(number=self.number("invoice", issue.year), customer_id=order.customer_id,
                                    order_id=order.id, issue_date=issue,
                                    due_date=issue + timedelta(days=account.customer.payment_terms_days),
                                    currency=order.currency, fx_rate=self.fx.rate(order.currency, issue),
                                    amount=total, created_at=at_local(issue, 16, self.rng.randint(0, 59)))
            account.invoices.append(invoice)
            invoices.append(invoice)
        self.invoices = invoices

    # ------------------------------------------------------------------------------------------ payments
    def _payments(self) -> None:
        orders_by_id = {o.id: o for o in self.orders}
        payments: list[_PaymentDraft] = []
        for account in self.accounts:
            for invoice in account.invoices:
                plan = payment_plan(self.rng, payer=account.payer, issue=invoice.issue_date, due=invoice.due_date,
                                    amount=invoice.amount, currency=invoice.currency,
                                    order_date=orders_by_id[invoice.order_id].order_date, today=self.today)
                recently_due = self.today - timedelta(days=55) <= invoice.due_date < self.today
                if account.customer.code == "HOANGLONG" and recently_due:
                    plan = []  # Hoàng Long's story: the last weeks' invoices are unpaid
                for instalment, (paid_on, amount) in enumerate(plan, start=1):
                    if paid_on > self.today:
                        break
                    method = "cash" if (account.payer == "cash" and amount <= Decimal(20_000_000)) else "bank transfer"
                    reference = f"{'SWIFT' if account.export else 'CK'} {invoice.number}"
                    if len(plan) > 1:
                        reference += f" ({instalment}/{len(plan)})"
                    payments.append(_PaymentDraft(customer_id=invoice.customer_id, paid_on=paid_on, amount=amount,
                                                  currency=invoice.currency, method=method, reference=reference,
                                                  created_at=at_local(paid_on, 15), invoice=invoice))
                    invoice.paid += amount
                invoice.status = "paid" if invoice.paid >= invoice.amount else "open"
        bulk_insert(self.session, Invoice, self.invoices, key="number")
        bulk_insert(self.session, Payment, payments, key="reference")
        # One allocation per payment: a transfer quotes the invoice it pays.
        insert_rows(self.session, PaymentAllocation, [
            {"payment_id": p.id, "invoice_id": p.invoice.id, "amount": p.amount} for p in payments])

    # --------------------------------------------------------------------------------------------- CRM
    def _interactions(self) -> None:
        rng, rows = self.rng, []
        for account in self.accounts:
            if account.customer.code in ("HOANGLONG", "SAIGONFOODS", "MINHPHAT"):
                last = self.today - timedelta(days=rng.randint(1, 6))
            elif account.until is not None:
                last = min(account.until + timedelta(days=rng.randint(0, 20)), self.today - timedelta(days=61))
            elif rng.random() < 0.08:
                last = self.today - timedelta(days=rng.randint(61, 150))  # neglected, though still buying
            else:
                last = self.today - timedelta(days=rng.randint(0, 28))
            first = max(account.since, self.start)
            if last <= first:
                last = first + timedelta(days=1)
            account.last_contact = last
            count = int(round((4 + 7 * account.size ** 0.5) * rng.uniform(0.6, 1.4)))
            span = (last - first).days
            days = sorted(first + timedelta(days=rng.randint(0, span)) for _ in range(count - 1)) + [last]
            overdue_before = [i for i in account.invoices if i.paid < i.amount]
            for day in days:
                rows.append(self._interaction(account, day, overdue_before))
        bulk_insert(self.session, Interaction, rows)

    def _interaction(self, account: _Account, day: date, unpaid: list[_InvoiceDraft], kind: str | None = None,
                     text: str | None = None, employee: str | None = None) -> _InteractionDraft:
        rng = self.rng
        language = "en" if account.export or rng.random() < 0.35 else "vi"
        contact = rng.choice(account.contacts) if account.contacts else None
        product = self.products[rng.choice(account.favourites)] if account.favourites else self.products[0]
        overdue = [i for i in unpaid if i.due_date < day]
        if kind is None:
            kind = pick(rng, INTERACTION_KIND_WEIGHTS)
        employee_id = account.customer.owner_id
        if text is None:
            if overdue and account.payer in ("slow", "poor") and rng.random() < 0.4:
                template = rng.choice(INTERACTION_TEXTS[language]["collection"])
                kind = "email" if kind in ("meeting", "chat", "note") else kind
                employee_id = self.staff[rng.choice(FINANCE_CODES)].id
            else:
                template = rng.choice(INTERACTION_TEXTS[language][kind])
                if kind == "chat" and rng.random() < 0.5:
                    employee_id = self.staff[rng.choice(SUPPORT_CODES)].id
            spec = self.specs[self.index_of[product.id]]
            text = template.format(contact=contact.name if contact else "the buyer", product=product.name,
                                   category=product.category, qty=rng.randint(spec.qty[0], spec.qty[1]),
                                   warehouse="HAN" if account.region == "North" else "HCM",
                                   invoice=overdue[-1].number if overdue else "")
        if employee:
            employee_id = self.staff[employee].id
        return _InteractionDraft(customer_id=account.customer.id, employee_id=employee_id,
                                 contact_id=contact.id if contact else None, kind=kind,
                                 occurred_at=at_local(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45))),
                                 summary=text)

    def _opportunities(self) -> None:
        rng, rows = self.rng, []
        for account in self.accounts:
            count = (1 if rng.random() < 0.75 else 0) + (1 if rng.random() < 0.25 else 0)
            for _ in range(count):
                stage = pick(rng, OPPORTUNITY_STAGE_WEIGHTS)
                if account.customer.code == "HOANGLONG" and not stage.startswith("closed"):
                    stage = "closed_won"  # its one open deal is the scripted negotiation below
                if stage.startswith("closed"):
                    close = self.today - timedelta(days=rng.randint(5, 600))
                    close = max(close, account.since + timedelta(days=30))
                    if close > self.today:
                        close = self.today
                    created = close - timedelta(days=rng.randint(14, 90))
                else:
                    close = self.today + timedelta(days=rng.randint(7, 120))
                    created = self.today - timedelta(days=rng.randint(3, 90))
                rows.append(self._opportunity(account, stage, close, created))
        self.session.add_all(rows)
        self.session.flush()

    def _opportunity(self, account: _Account, stage: str, close: date, created: date,
                     name: str | None = None, amount: Decimal | None = None) -> Opportunity:
        rng, customer = self.rng, account.customer
        if amount is None:
            if account.export:
                amount = round_to(Decimal(rng.uniform(2000, 30000) * account.size ** 0.5), Decimal(100))
            else:
                amount = round_to(Decimal(rng.uniform(15e6, 300e6) * account.size ** 0.5), Decimal(1_000_000))
        if name is None:
            name = rng.choice(OPPORTUNITY_NAMES[account.profile]).format(year=close.year, next_year=close.year + 1)
        return Opportunity(customer_id=customer.id, owner_id=customer.owner_id, name=name, stage=stage, amount=amount,
                           currency=customer.currency, probability=STAGE_PROBABILITY[stage], close_date=close,
                           created_at=at_local(created, 11))

    def _tickets(self) -> None:
        rng, drafts = self.rng, []
        buyers = [a for a in self.accounts if a.orders]
        weights = [len(a.orders) for a in buyers]
        for n in range(200):
            account = rng.choices(buyers, weights=weights)[0]
            # The last 20 are this month's backlog, the rest spread over the history.
            pool = account.orders if n < 180 else [o for o in account.orders if (self.today - o.order_date).days <= 30]
            if not pool:
                continue
            order = rng.choice(pool)
            opened = min(order.order_date + timedelta(days=rng.randint(1, 12)), self.today)
            drafts.append((opened, account, order))
        drafts.sort(key=lambda item: (item[0], item[1].customer.code, item[2].number))
        rows = []
        for opened, account, order in drafts:
            rows.append(self._ticket(account, order, opened))
        open_urgent = [t for t in rows if t.status != "closed" and t.priority in ("high", "urgent")]
        for ticket in reversed([t for t in rows if t.status == "open" and t.priority in ("low", "medium")]):
            if len(open_urgent) >= 4:
                break
            ticket.priority = "high"
            open_urgent.append(ticket)
        self.session.add_all(rows)
        self.session.flush()

    def _ticket(self, account: _Account, order: OrderDraft, opened: date, *, subject: str | None = None,
                description: str | None = None, priority: str | None = None, status: str | None = None) -> Ticket:
        rng = self.rng
        age = (self.today - opened).days
        if status is None:
            if age > 21:
                status = pick(rng, (("closed", 95), ("pending", 3), ("open", 2)))
            else:
                status = pick(rng, (("open", 45), ("pending", 25), ("closed", 30)))
        if priority is None:
            priority = pick(rng, (("low", 25), ("medium", 45), ("high", 22), ("urgent", 8)))
        if subject is None:
            template_subject, template_text = rng.choice(TICKET_TEXTS)
            line = rng.choice(order.lines) if order.lines else None
            product = self.products[self.index_of[line.product_id]] if line else self.products[0]
            values = dict(order=order.number, date=(order.required_date or order.order_date).strftime("%d/%m/%Y"),
                          product=product.name, qty=rng.randint(1, 5), unit=product.unit)
            subject, description = template_subject.format(**values), template_text.format(**values)
        opened_at = at_local(opened, rng.randint(8, 17), rng.randint(0, 59))
        closed_at = None
        if status == "closed":
            hours = {"urgent": 8, "high": 48, "medium": 120, "low": 240}[priority]
            closed_at = min(opened_at + timedelta(hours=rng.uniform(1, hours * 1.3)), at_local(self.today, 18))
        assignee = rng.choice(SUPPORT_CODES) if rng.random() < 0.85 else None
        contact = rng.choice(account.contacts) if account.contacts else None
        return Ticket(number=self.number("ticket", opened.year), customer_id=account.customer.id,
                      contact_id=contact.id if contact else None,
                      assignee_id=self.staff[assignee].id if assignee else account.customer.owner_id, status=status,
                      priority=priority, subject=subject, description=description, opened_at=opened_at,
                      closed_at=closed_at)

    def _hoang_long_story(self) -> None:
        """Hoàng Long is the customer of the demo script: late invoices, a complaint, a deal in negotiation."""
        account = self.by_code["HOANGLONG"]
        today = self.today
        unpaid = [i for i in account.invoices if i.paid < i.amount]
        overdue = sorted((i for i in unpaid if i.due_date < today), key=lambda i: i.due_date)
        recent = max(account.orders, key=lambda o: (o.order_date, o.number))
        ticket = self._ticket(
            account, recent, today - timedelta(days=2), priority="high", status="open",
            subject="Giao thiếu 20 thùng giấy A4 Double A",
            description=(f"Đơn {recent.number} giao thiếu 20 thùng Giấy A4 Double A 80gsm (PAP-A4-80). Anh Tuấn "
                         "cần giao bù trước thứ Hai để kịp in chứng từ cuối tháng; nếu không khách sẽ mua ngoài."))
        ticket.assignee_id = self.staff["E003"].id
        invoice_ref = overdue[0].number if overdue else "the open invoices"
        self.session.add_all([
            ticket,
            self._opportunity(account, "negotiation", today + timedelta(days=20), today - timedelta(days=35),
                              name=f"Hợp đồng giấy A4 năm {today.year + 1}", amount=Decimal(850_000_000)),
        ])
        bulk_insert(self.session, Interaction, [
            self._interaction(account, today - timedelta(days=1), unpaid, kind="call", employee="E001",
                              text=f"Called Mr. Tuấn about overdue invoice {invoice_ref}; he promised a transfer by "
                                   "the end of next week and asked us to keep deliveries going."),
            self._interaction(account, today - timedelta(days=5), unpaid, kind="email", employee="E004",
                              text=f"Gửi chị Hằng bảng đối chiếu công nợ và nhắc thanh toán hóa đơn {invoice_ref}."),
            self._interaction(account, today - timedelta(days=9), unpaid, kind="meeting", employee="E001",
                              text=f"Gặp anh Tuấn và anh Việt tại văn phòng Quận 7, bàn hợp đồng giấy A4 năm "
                                   f"{today.year + 1}: khách muốn giữ giá quý I và giao hàng tuần."),
        ])
        self.session.flush()

    # ----------------------------------------------------------------------------------- credit and stock
    def _exposure(self, account: _Account) -> Decimal:
        outstanding = sum((i.amount - i.paid for i in account.invoices), ZERO)
        pending = sum((o.net_amount for o in account.orders if o.status in ("confirmed", "shipped")), ZERO)
        return outstanding + pending

    def _credit_limits(self) -> None:
        rng, recent_from = self.rng, self.today - timedelta(days=365)
        for account in self.accounts:
            customer = account.customer
            step, floor = (Decimal(1000), Decimal(2000)) if account.export else (Decimal(10_000_000), Decimal(50_000_000))
            yearly = sum((i.amount for i in account.invoices if i.issue_date >= recent_from), ZERO)
            monthly = yearly / 12
            exposure = self._exposure(account)
            if customer.code == "HOANGLONG":
                limit = (exposure / Decimal("0.82") / step).to_integral_value(ROUND_CEILING) * step
            elif account.payer == "cash":
                limit = ZERO
            elif customer.code not in ("MINHPHAT", "BOLIDO") and rng.random() < 0.08:
                limit = None  # never set up: a data gap the assistant must call out
            elif account.since > self.today - timedelta(days=120):
                limit = floor
            else:
                terms_months = Decimal(customer.payment_terms_days) / 30
                factor = Decimal(str(round(rng.uniform(1.1, 1.9), 2)))
                limit = max(floor, (monthly * (terms_months + Decimal("0.5")) * factor / step)
                            .to_integral_value(ROUND_CEILING) * step)
                if account.payer == "poor" and exposure > 0 and rng.random() < 0.5:
                    limit = max(floor, (exposure * Decimal("0.9") / step).to_integral_value() * step)
                if customer.code == "SAIGONFOODS":  # a good payer with clear headroom
                    limit = max(limit, (exposure / Decimal("0.55") / step).to_integral_value(ROUND_CEILING) * step)
            customer.credit_limit = limit
        self.session.flush()

    def _reserved_stock(self) -> None:
        reserved: dict[tuple[int, str], int] = defaultdict(int)
        by_id = {a.customer.id: a for a in self.accounts}
        for order in self.orders:
            if order.status == "confirmed":
                warehouse = "HAN" if by_id[order.customer_id].region == "North" else "HCM"
                for line in order.lines:
                    reserved[(line.product_id, warehouse)] += line.quantity
        codes = {w.id: code for code, w in self.ref.warehouses.items()}
        levels = self.session.execute(select(StockLevel).order_by(StockLevel.id)).scalars()
        for level in levels:
            wanted = reserved.get((level.product_id, codes.get(level.warehouse_id)), 0)
            level.reserved = min(wanted, level.quantity)
        self.session.flush()


# -------------------------------------------------------------------------------------------- summary

def demo_summary(session: Session, *, today: date | None = None) -> dict[str, str]:
    """Headline counts and figures of whatever company is in the database, formatted for printing."""
    today = today or company_today()
    profile = session.execute(select(Company).order_by(Company.id).limit(1)).scalar_one_or_none()
    base = profile.base_currency if profile else BASE_CURRENCY

    def count(model, *where) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    roles = dict(session.execute(select(Employee.role, func.count()).group_by(Employee.role)).all())
    below = session.execute(select(func.count(func.distinct(StockLevel.product_id)))
                            .where(StockLevel.quantity < StockLevel.reorder_level)).scalar_one()
    first_order, last_order = session.execute(
        select(func.min(SalesOrder.order_date), func.max(SalesOrder.order_date))).one()
    from backend.semantic.engine import DimensionFilter, company_figures

    now = datetime.combine(today, time(12), tzinfo=LOCAL_TZ)
    zone = profile.timezone if profile else "UTC"
    year = f"{(months_before(today, 12) + timedelta(days=1)).isoformat()}..{today.isoformat()}"
    sales = company_figures(session, base_currency=base, zone=zone, today=today, now=now, measures=("revenue",), period=year)
    money = company_figures(session, base_currency=base, zone=zone, today=today, now=now,
                            measures=("open_invoices", "open_receivables", "overdue_invoices", "overdue_amount",
                                      "open_opportunities", "weighted_pipeline", "open_tickets"))
    hot_tickets = company_figures(session, base_currency=base, zone=zone, today=today, now=now, measures=("open_tickets",),
                                  filters=(DimensionFilter("ticket_priority", ("high", "urgent")),))["open_tickets"]
    foreign = count(Customer, Customer.currency != base)

    def n(value: int) -> str:
        return f"{value:,}"

    return {
        "Company": f"{profile.name} ({base}, VAT {profile.tax_rate_pct.normalize():f}%)" if profile else "—",
        "Employees": f"{n(sum(roles.values()))} (" + ", ".join(f"{r} {roles.get(r, 0)}" for r in ROLES) + ")",
        "Customers": f"{n(count(Customer))} ({n(foreign)} billed in foreign currency)",
        "Contacts": n(count(Contact)),
        "Products": f"{n(count(Product))} ({n(count(Product, Product.active.is_(False)))} inactive, "
                    f"{n(below)} below reorder level)",
        "Sales orders": n(count(SalesOrder)) + (f" ({first_order.isoformat()} to {last_order.isoformat()})"
                                                if first_order else ""),
        "Order lines": n(count(SalesOrderLine)),
        "Invoices": n(count(Invoice)),
        "Open invoices": f"{n(money['open_invoices'])}, {format_money(money['open_receivables'], base)} outstanding",
        "Overdue invoices": f"{n(money['overdue_invoices'])}, {format_money(money['overdue_amount'], base)}",
        "Payments": n(count(Payment)),
        "Revenue, last 12 months": format_money(sales["revenue"], base),
        "Open opportunities": f"{n(money['open_opportunities'])}, weighted {format_money(money['weighted_pipeline'], base)}",
        "Open tickets": f"{n(money['open_tickets'])} ({n(hot_tickets)} high or urgent)",
        "Interactions": n(count(Interaction)),
    }
