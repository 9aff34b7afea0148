"""The words of the report documents in English and Vietnamese: labels, period names, number display.

Numbers are written the same way in both languages (format_money: thousands separated by commas, VND without
decimals), so a table, a chart and the narrative always show a figure identically.
"""
from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from backend.money import format_money, round_money
from backend.semantic.periods import Period, month_end, period_label, quarter_of  # noqa: F401 - period_label is part of the reports vocabulary
from backend.words import AGING_NAMES, word as stage_word

Language = Literal["en", "vi"]
LANGUAGES = ("en", "vi")
ONE_DECIMAL = Decimal("0.1")

WORDS: dict[str, dict[str, str]] = {
    # document titles
    "title.sales": {"en": "Sales report", "vi": "Báo cáo doanh thu"},
    "title.ar-aging": {"en": "Receivables aging and collections", "vi": "Tuổi nợ phải thu và danh sách thu nợ"},
    "title.pipeline": {"en": "Sales pipeline and weighted forecast", "vi": "Cơ hội bán hàng và dự báo có trọng số"},
    "title.restock": {"en": "Stock below reorder level", "vi": "Hàng tồn dưới mức đặt hàng lại"},
    "title.commissions": {"en": "Commissions by salesperson", "vi": "Hoa hồng theo nhân viên kinh doanh"},
    "title.top-customers": {"en": "Top customers by lifetime value", "vi": "Khách hàng hàng đầu theo giá trị trọn đời"},
    "title.trial-balance": {"en": "Trial balance", "vi": "Bảng cân đối số phát sinh"},
    "title.profit-and-loss": {"en": "Profit and loss", "vi": "Báo cáo kết quả kinh doanh"},
    "title.balance-sheet": {"en": "Balance sheet", "vi": "Bảng cân đối kế toán"},
    "title.cash-flow": {"en": "Cash flow statement", "vi": "Báo cáo lưu chuyển tiền tệ"},
    "title.ap-aging": {"en": "Payables aging", "vi": "Tuổi nợ phải trả"},
    "title.purchases": {"en": "Purchases by supplier and category", "vi": "Mua hàng theo nhà cung cấp và nhóm hàng"},
    "title.inventory-valuation": {"en": "Inventory valuation", "vi": "Giá trị hàng tồn kho"},
    # section headings
    "summary": {"en": "Key figures", "vi": "Số liệu chính"},
    "analysis": {"en": "Analysis", "vi": "Nhận định"},
    "notes": {"en": "Definitions and notes", "vi": "Định nghĩa và ghi chú"},
    "period": {"en": "Period", "vi": "Kỳ báo cáo"},
    "as_of": {"en": "As of", "vi": "Tính đến"},
    "generated": {"en": "Generated", "vi": "Lập lúc"},
    "page": {"en": "Page", "vi": "Trang"},
    "narrative.template": {"en": "Written from the figures by Tandem's templates.",
                           "vi": "Phần nhận định do mẫu câu của Tandem viết từ số liệu."},
    "narrative.llm": {"en": "Written by the language model from the figures; every number was checked against them.",
                      "vi": "Phần nhận định do mô hình ngôn ngữ viết từ số liệu; mọi con số đã được đối chiếu."},
    "new": {"en": "new", "vi": "mới"},
    "none": {"en": "—", "vi": "—"},
    "total": {"en": "Total", "vi": "Tổng"},
    # column and figure labels
    "customer": {"en": "Customer", "vi": "Khách hàng"},
    "code": {"en": "Code", "vi": "Mã"},
    "product": {"en": "Product", "vi": "Sản phẩm"},
    "sku": {"en": "SKU", "vi": "Mã hàng"},
    "region": {"en": "Region", "vi": "Khu vực"},
    "salesperson": {"en": "Salesperson", "vi": "Nhân viên kinh doanh"},
    "revenue": {"en": "Revenue", "vi": "Doanh thu"},
    "orders": {"en": "Orders", "vi": "Đơn hàng"},
    "units": {"en": "Units", "vi": "Số lượng"},
    "share": {"en": "Share", "vi": "Tỷ trọng"},
    "previous": {"en": "Previous period", "vi": "Kỳ trước"},
    "last_year": {"en": "Same period last year", "vi": "Cùng kỳ năm trước"},
    "change": {"en": "Change", "vi": "Chênh lệch"},
    "change_prev_pct": {"en": "vs previous", "vi": "so kỳ trước"},
    "change_ly_pct": {"en": "vs last year", "vi": "so cùng kỳ"},
    "change_pct": {"en": "Change %", "vi": "Thay đổi %"},
    "bucket": {"en": "Age", "vi": "Tuổi nợ"},
    "amount": {"en": "Amount", "vi": "Giá trị"},
    "invoices": {"en": "Invoices", "vi": "Hóa đơn"},
    "invoice": {"en": "Invoice", "vi": "Hóa đơn"},
    "due_date": {"en": "Due", "vi": "Hạn thanh toán"},
    "days_overdue": {"en": "Days overdue", "vi": "Số ngày quá hạn"},
    "oldest_days": {"en": "Oldest (days)", "vi": "Lâu nhất (ngày)"},
    "overdue": {"en": "Overdue", "vi": "Quá hạn"},
    "open_balance": {"en": "Open balance", "vi": "Số dư còn nợ"},
    "stage": {"en": "Stage", "vi": "Giai đoạn"},
    "opportunities": {"en": "Opportunities", "vi": "Cơ hội"},
    "opportunity": {"en": "Opportunity", "vi": "Cơ hội"},
    "weighted": {"en": "Weighted", "vi": "Có trọng số"},
    "probability": {"en": "Probability", "vi": "Xác suất"},
    "close_date": {"en": "Expected close", "vi": "Dự kiến chốt"},
    "close_month": {"en": "Close month", "vi": "Tháng chốt"},
    "owner": {"en": "Owner", "vi": "Phụ trách"},
    "warehouse": {"en": "Warehouse", "vi": "Kho"},
    "on_hand": {"en": "On hand", "vi": "Tồn kho"},
    "reserved": {"en": "Reserved", "vi": "Đã giữ"},
    "reorder_level": {"en": "Reorder level", "vi": "Mức đặt lại"},
    "shortfall": {"en": "Shortfall", "vi": "Thiếu hụt"},
    "reorder_value": {"en": "Reorder value at cost", "vi": "Giá trị bổ sung theo giá vốn"},
    "rows": {"en": "Stock rows", "vi": "Dòng tồn kho"},
    "commission": {"en": "Commission", "vi": "Hoa hồng"},
    "previous_commission": {"en": "Previous commission", "vi": "Hoa hồng kỳ trước"},
    "invoiced_orders": {"en": "Invoiced orders", "vi": "Đơn đã xuất hóa đơn"},
    "invoiced_revenue": {"en": "Invoiced revenue", "vi": "Doanh thu đã xuất hóa đơn"},
    "paid_orders": {"en": "Paid orders", "vi": "Đơn đã thanh toán"},
    "paid_sales": {"en": "Commissionable sales", "vi": "Doanh số tính hoa hồng"},
    "rate": {"en": "Rate", "vi": "Tỷ lệ"},
    "first_order": {"en": "First order", "vi": "Đơn đầu tiên"},
    "last_order": {"en": "Last order", "vi": "Đơn gần nhất"},
    "days_since": {"en": "Days since last order", "vi": "Số ngày từ đơn gần nhất"},
    "lifetime_revenue": {"en": "Lifetime revenue", "vi": "Doanh thu trọn đời"},
    "gross_margin": {"en": "Lifetime gross margin", "vi": "Lãi gộp trọn đời"},
    "clv": {"en": "CLV", "vi": "CLV"},
    "average_order": {"en": "Average order", "vi": "Giá trị đơn trung bình"},
    "revenue_12m": {"en": "Revenue, last 12 months", "vi": "Doanh thu 12 tháng gần nhất"},
    "cumulative_share": {"en": "Cumulative share", "vi": "Tỷ trọng lũy kế"},
    # run_report's column headings (the documents above use some of the same)
    "from": {"en": "From", "vi": "Từ"},
    "to": {"en": "To", "vi": "Đến"},
    "country": {"en": "Country", "vi": "Quốc gia"},
    "share_of_revenue": {"en": "Share of revenue", "vi": "Tỷ trọng doanh thu"},
    "order": {"en": "Order", "vi": "Đơn hàng"},
    "status": {"en": "Status", "vi": "Trạng thái"},
    "order_date": {"en": "Order date", "vi": "Ngày đặt"},
    "required_date": {"en": "Required", "vi": "Ngày cần giao"},
    "age_days": {"en": "Age (days)", "vi": "Tuổi (ngày)"},
    "years_active": {"en": "Years active", "vi": "Số năm hoạt động"},
    "total_open": {"en": "Total open", "vi": "Tổng còn nợ"},
    "invoice_currency": {"en": "Invoice currency", "vi": "Tiền hóa đơn"},
    "open_in_invoice_currency": {"en": "Open (invoice currency)", "vi": "Còn nợ (tiền hóa đơn)"},
    "weighted_amount": {"en": "Weighted amount", "vi": "Giá trị có trọng số"},
    "segment": {"en": "Segment", "vi": "Phân khúc"},
    "category": {"en": "Category", "vi": "Nhóm hàng"},
    "city": {"en": "City", "vi": "Thành phố"},
    "payments": {"en": "Payments", "vi": "Số lần thanh toán"},
    "payments_received": {"en": "Received", "vi": "Đã thu"},
    "last_payment": {"en": "Last payment", "vi": "Lần thu gần nhất"},
    "issue_date": {"en": "Issued", "vi": "Ngày lập"},
    "amount_invoiced": {"en": "Invoiced", "vi": "Giá trị hóa đơn"},
}

BUCKET_NAMES = {code: {"en": english, "vi": vietnamese} for code, (english, vietnamese) in AGING_NAMES.items()}

def word(key: str, language: Language) -> str:
    return WORDS[key][language]


def stage_name(stage: str, language: Language) -> str:
    """'negotiation' -> 'Negotiation' / 'Đàm phán'."""
    return stage_word(stage, language).capitalize()


def month_label(first_day: date, language: Language) -> str:
    return f"{calendar.month_abbr[first_day.month]} {first_day.year}" if language == "en" else f"{first_day.month:02d}/{first_day.year}"


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """A share or a ratio in percent, to one decimal (what every table and sentence shows)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def change_pct(current: Decimal, before: Decimal) -> Decimal | None:
    """Change from `before` to `current` in percent, one decimal; None when there was nothing before."""
    if not before:
        return None
    return ((Decimal(current) - Decimal(before)) * 100 / Decimal(before)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def show_money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)


def show_amount(amount: Decimal | None, currency: str) -> str:
    """A table cell: the amount without the currency code (the column heading names it)."""
    if amount is None:
        return "—"
    return format_money(round_money(amount, currency), currency).rsplit(" ", 1)[0]


def show_pct(value: Decimal | None, language: Language, *, signed: bool = False) -> str:
    if value is None:
        return word("new", language) if signed else "—"
    text = f"{abs(value):.1f}%"
    if not signed:
        return text
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def show_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"
