"""The financial statements and the payables, purchases and stock-value reports, as run_report tables: trial
balance, profit and loss (with the previous period, the same period last year and the year to date), balance
sheet, cash flow, AP aging, purchases by supplier and category, inventory valuation.

Statement figures come from the journal (backend.accounting.statements); AP aging from the supplier bills' open
balances and purchases from the semantic model, by the rules of backend.semantic.rules — the same definitions
query_data uses — so the balance sheet's payables tie out with the AP aging total and its inventory with the
valuation's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounting import statements as ledger
from backend.accounting.balances import trial_balance as ledger_trial_balance
from backend.models import (GoodsReceipt, GoodsReceiptLine, JournalEntry, Product, SalesOrderLine, StockMovement,
                            Supplier, SupplierBill)
from backend.money import round_money
from backend.reports.labels import BUCKET_NAMES
from backend.reports.table import ChartHint, Column, ReportRequest, ReportTable, cut, limit_note, say, snapshot
from backend.semantic import rules
from backend.semantic.periods import Period, period_label, previous, same_last_year
from backend.semantic.rules import AGING_BUCKETS, bucket_of

ZERO = Decimal(0)


def _c(key: str, kind: str, lang: str, en: str, vi: str) -> Column:
    return Column(key=key, label=say(lang, en, vi), type=kind)  # type: ignore[arg-type]


def _period(req: ReportRequest) -> Period:
    assert req.period is not None, "a range report always has a period"
    return req.period


def _ledger_note(lang: str, base: str) -> str:
    return say(lang, f"Every figure is a sum of journal lines (in {base}); documents post their entries when they "
                     "are written.",
               f"Mọi số liệu là tổng các dòng bút toán (bằng {base}); chứng từ tự ghi sổ khi được lập.")


# --- trial balance -----------------------------------------------------------------------------------------

def trial_balance(session: Session, req: ReportRequest) -> ReportTable:
    lang, as_of = req.language, req.as_of
    rows = [{"code": r.code, "account": (r.name_vi or r.name) if lang == "vi" else r.name, "kind": r.kind,
             "debit": r.debit, "credit": r.credit, "balance": r.balance,
             # each balance on its own side, as accountants read a trial balance (a payable is a credit balance)
             "debit_balance": r.balance if r.balance > 0 else ZERO, "credit_balance": -r.balance if r.balance < 0 else ZERO}
            for r in ledger_trial_balance(session, as_of=as_of)]
    totals = {"debit": sum((r["debit"] for r in rows), ZERO), "credit": sum((r["credit"] for r in rows), ZERO)}
    totals["balance"] = totals["debit"] - totals["credit"]
    totals["debit_balance"] = sum((r["debit_balance"] for r in rows), ZERO)
    totals["credit_balance"] = sum((r["credit_balance"] for r in rows), ZERO)
    return ReportTable(
        name="trial_balance", title=say(lang, f"Trial balance as of {as_of.isoformat()}",
                                        f"Bảng cân đối số phát sinh tính đến {as_of.isoformat()}"),
        period=snapshot(as_of, language=lang), currency=req.base_currency,
        columns=[_c("code", "text", lang, "Account", "Tài khoản"), _c("account", "text", lang, "Name", "Tên"),
                 _c("kind", "text", lang, "Kind", "Loại"), _c("debit", "money", lang, "Debits", "Phát sinh Nợ"),
                 _c("credit", "money", lang, "Credits", "Phát sinh Có"),
                 _c("debit_balance", "money", lang, "Debit balance", "Số dư Nợ"),
                 _c("credit_balance", "money", lang, "Credit balance", "Số dư Có")],
        rows=rows, total_rows=len(rows), totals=totals,
        chart=ChartHint(kind="none", title=say(lang, "Trial balance", "Bảng cân đối số phát sinh")),
        notes=[say(lang, f"Debits and credits of every account dated on or before {as_of.isoformat()}; the debits "
                         "always equal the credits.",
                   f"Phát sinh Nợ và Có của mọi tài khoản đến {as_of.isoformat()}; tổng Nợ luôn bằng tổng Có."),
               _ledger_note(lang, req.base_currency)])


# --- profit and loss ---------------------------------------------------------------------------------------

PNL_LINES = (  # (key, English, Vietnamese): the statement's subtotals
    ("revenue", "Revenue", "Doanh thu"),
    ("cost_of_sales", "Cost of sales", "Giá vốn hàng bán"),
    ("gross_profit", "Gross profit", "Lợi nhuận gộp"),
    ("operating_expenses", "Operating expenses", "Chi phí hoạt động"),
    ("operating_profit", "Operating profit", "Lợi nhuận hoạt động"),
    ("exchange", "Exchange differences", "Chênh lệch tỷ giá"),
    ("net_profit", "Net profit", "Lợi nhuận ròng"),
)


def pnl_figures(pnl: ledger.ProfitAndLoss) -> dict[str, Decimal]:
    return {"revenue": pnl.revenue.total, "cost_of_sales": pnl.cost_of_sales.total, "gross_profit": pnl.gross_profit,
            "operating_expenses": pnl.operating_expenses.total, "operating_profit": pnl.operating_profit,
            "exchange": pnl.exchange.total, "net_profit": pnl.net_profit}


@dataclass
class PnlComparison:
    """The period's profit and loss beside the previous period, the same period last year and the year to date."""

    period: Period
    before: Period
    last_year: Period
    ytd: Period
    now: ledger.ProfitAndLoss
    then: ledger.ProfitAndLoss
    year_ago: ledger.ProfitAndLoss
    to_date: ledger.ProfitAndLoss

    def rows(self, lang: str) -> list[dict]:
        """Account lines under their sections, each section followed by its subtotal."""
        out: list[dict] = []
        figures = [pnl_figures(p) for p in (self.now, self.then, self.year_ago, self.to_date)]
        sections = {"revenue": "revenue", "cost_of_sales": "cost_of_sales", "operating_expenses": "operating_expenses",
                    "exchange": "exchange"}
        for key, en, vi in PNL_LINES:
            if key in sections:
                per_account: dict[str, dict] = {}
                for column, pnl in zip(("amount", "previous", "last_year", "ytd"),
                                       (self.now, self.then, self.year_ago, self.to_date)):
                    for line in getattr(pnl, sections[key]).lines:
                        row = per_account.setdefault(line.key, {
                            "section": key, "code": line.key, "line": line.label(lang), "subtotal": False,
                            "amount": ZERO, "previous": ZERO, "last_year": ZERO, "ytd": ZERO})
                        row[column] = line.amount
                out.extend(per_account[code] for code in sorted(per_account))
            out.append({"section": key, "code": None, "line": say(lang, en, vi), "subtotal": True,
                        "amount": figures[0][key], "previous": figures[1][key], "last_year": figures[2][key],
                        "ytd": figures[3][key]})
        return out


def compare_pnl(session: Session, period: Period, today: date) -> PnlComparison:
    before, year_ago = previous(period), same_last_year(period)
    end = min(period.end, today) if period.start <= today else period.end
    ytd = Period(start=ledger.year_start(end), end=end, label=f"{end.year} to date")
    return PnlComparison(period, before, year_ago, ytd,
                         *(ledger.profit_and_loss(session, p.start, p.end) for p in (period, before, year_ago, ytd)))


def profit_and_loss(session: Session, req: ReportRequest) -> ReportTable:
    period, lang = _period(req), req.language
    comparison = compare_pnl(session, period, req.today)
    rows = comparison.rows(lang)
    labels = [period_label(p, lang) for p in (comparison.before, comparison.last_year, comparison.ytd)]
    return ReportTable(
        name="profit_and_loss", title=say(lang, f"Profit and loss, {period.label}",
                                          f"Báo cáo kết quả kinh doanh, {period_label(period, 'vi')}"),
        period=period, currency=req.base_currency,
        columns=[_c("code", "text", lang, "Account", "Tài khoản"), _c("line", "text", lang, "Line", "Khoản mục"),
                 _c("amount", "money", lang, period_label(period, "en"), period_label(period, "vi")),
                 Column(key="previous", label=labels[0], type="money"),
                 Column(key="last_year", label=labels[1], type="money"),
                 Column(key="ytd", label=labels[2], type="money")],
        rows=rows, total_rows=len(rows), totals=pnl_figures(comparison.now),
        chart=ChartHint(kind="bar", x="line", y=["amount", "last_year"],
                        title=say(lang, f"Profit and loss ({req.base_currency})", f"Kết quả kinh doanh ({req.base_currency})")),
        notes=[pnl_note(lang), _ledger_note(lang, req.base_currency)])


def pnl_note(lang: str) -> str:
    return say(lang, "Revenue = the revenue accounts (invoices, net of VAT, by invoice date; exchange gains apart); cost "
                     "of sales = cost of goods sold (moving-average cost of the goods delivered) and purchase price "
                     "variance; operating expenses = the other expense accounts except exchange losses; net profit is "
                     "before tax.",
               "Doanh thu = các tài khoản doanh thu (hóa đơn, trước VAT, theo ngày hóa đơn; lãi tỷ giá tính riêng); "
               "giá vốn = giá vốn hàng bán (giá bình quân của hàng đã giao) và chênh lệch giá mua; chi phí hoạt động = "
               "các tài khoản chi phí khác trừ lỗ tỷ giá; lợi nhuận ròng là trước thuế.")


# --- balance sheet ------------------------------------------------------------------------------------------

def balance_sheet_rows(sheet: ledger.BalanceSheet, lang: str) -> list[dict]:
    names = {"assets": ("Total assets", "Tổng tài sản"), "liabilities": ("Total liabilities", "Tổng nợ phải trả"),
             "equity": ("Total equity", "Tổng vốn chủ sở hữu")}
    rows: list[dict] = []
    for section in (sheet.assets, sheet.liabilities, sheet.equity):
        for line in section.lines:
            rows.append({"section": section.key, "code": line.key if line.key[0].isdigit() else None,
                         "line": line.label(lang), "subtotal": False, "amount": line.amount})
        rows.append({"section": section.key, "code": None, "line": say(lang, *names[section.key]), "subtotal": True,
                     "amount": section.total})
    rows.append({"section": "total", "code": None, "subtotal": True, "amount": sheet.liabilities_and_equity,
                 "line": say(lang, "Total liabilities and equity", "Tổng nguồn vốn")})
    return rows


def balance_sheet(session: Session, req: ReportRequest) -> ReportTable:
    lang, as_of = req.language, req.as_of
    sheet = ledger.balance_sheet(session, as_of)
    rows = balance_sheet_rows(sheet, lang)
    return ReportTable(
        name="balance_sheet", title=say(lang, f"Balance sheet as of {as_of.isoformat()}",
                                        f"Bảng cân đối kế toán tại {as_of.isoformat()}"),
        period=snapshot(as_of, language=lang), currency=req.base_currency,
        columns=[_c("section", "text", lang, "Section", "Phần"), _c("code", "text", lang, "Account", "Tài khoản"),
                 _c("line", "text", lang, "Line", "Khoản mục"), _c("amount", "money", lang, "Amount", "Số tiền")],
        rows=rows, total_rows=len(rows),
        totals={"assets": sheet.assets.total, "liabilities": sheet.liabilities.total, "equity": sheet.equity.total,
                "liabilities_and_equity": sheet.liabilities_and_equity},
        chart=ChartHint(kind="none", title=say(lang, "Balance sheet", "Bảng cân đối kế toán")),
        notes=[balance_sheet_note(lang, as_of), _ledger_note(lang, req.base_currency)])


def balance_sheet_note(lang: str, as_of: date) -> str:
    first = ledger.year_start(as_of).isoformat()
    return say(lang, f"Balances of the asset, liability and equity accounts on {as_of.isoformat()}. No closing entries "
                     f"are posted, so the revenue and expense accounts appear as the earnings of the current year (from "
                     f"{first}) and of earlier years; assets = liabilities + equity.",
               f"Số dư các tài khoản tài sản, nợ phải trả và vốn tại {as_of.isoformat()}. Không có bút toán kết chuyển, "
               f"nên các tài khoản doanh thu và chi phí được trình bày thành lợi nhuận năm nay (từ {first}) và các năm "
               "trước; tài sản = nợ phải trả + vốn chủ sở hữu.")


# --- cash flow ----------------------------------------------------------------------------------------------

SECTION_NAMES = {"operating": ("Operating activities", "Hoạt động kinh doanh"),
                 "investing": ("Investing activities", "Hoạt động đầu tư"),
                 "financing": ("Financing activities", "Hoạt động tài chính")}


def cash_flow_rows(flow: ledger.CashFlow, lang: str) -> list[dict]:
    rows: list[dict] = [{"section": "opening", "line": say(lang, "Cash at the start", "Tiền đầu kỳ"), "subtotal": True,
                         "amount": flow.opening}]
    for key in ledger.CASH_FLOW_SECTIONS:
        section = flow.sections[key]
        rows += [{"section": key, "line": line.label(lang), "subtotal": False, "amount": line.amount}
                 for line in section.lines]
        rows.append({"section": key, "line": say(lang, f"Net cash from {SECTION_NAMES[key][0].lower()}",
                                                 f"Lưu chuyển tiền thuần từ {SECTION_NAMES[key][1].lower()}"),
                     "subtotal": True, "amount": section.total})
    rows.append({"section": "net", "line": say(lang, "Net change in cash", "Lưu chuyển tiền thuần trong kỳ"),
                 "subtotal": True, "amount": flow.net_change})
    rows.append({"section": "closing", "line": say(lang, "Cash at the end", "Tiền cuối kỳ"), "subtotal": True,
                 "amount": flow.closing})
    return rows


def cash_flow(session: Session, req: ReportRequest) -> ReportTable:
    period, lang = _period(req), req.language
    flow = ledger.cash_flow(session, period.start, period.end)
    rows = cash_flow_rows(flow, lang)
    return ReportTable(
        name="cash_flow", title=say(lang, f"Cash flow, {period.label}", f"Lưu chuyển tiền tệ, {period_label(period, 'vi')}"),
        period=period, currency=req.base_currency,
        columns=[_c("section", "text", lang, "Section", "Phần"), _c("line", "text", lang, "Line", "Khoản mục"),
                 _c("amount", "money", lang, "Amount", "Số tiền")],
        rows=rows, total_rows=len(rows),
        totals={"opening": flow.opening, "net_change": flow.net_change, "closing": flow.closing,
                **{key: flow.sections[key].total for key in ledger.CASH_FLOW_SECTIONS}},
        chart=ChartHint(kind="bar", x="line", y=["amount"], title=say(lang, "Cash flow", "Lưu chuyển tiền tệ")),
        notes=[cash_flow_note(lang), _ledger_note(lang, req.base_currency)])


def cash_flow_note(lang: str) -> str:
    return say(lang, "Cash = the cash on hand and bank accounts. Each movement is classified by the account on the other "
                     "side of its entry: receivables (customers), payables (suppliers), VAT, income and expense "
                     "accounts, equity and loans (financing), other assets (investing).",
               "Tiền = tài khoản tiền mặt và tiền gửi ngân hàng. Mỗi khoản thu chi được phân loại theo tài khoản đối ứng "
               "trong bút toán: phải thu (khách hàng), phải trả (nhà cung cấp), VAT, doanh thu và chi phí, vốn và vay "
               "(tài chính), tài sản khác (đầu tư).")


# --- AP aging -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenBill:
    number: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    due_date: date
    currency: str
    balance: Decimal
    balance_base: Decimal


def open_bills(session: Session, as_of: date, base_currency: str) -> list[OpenBill]:
    """Supplier bills with a positive open balance on `as_of` (rules.bill_open_balance over
    rules.open_bill_candidates), in base currency at each bill's rate, rounded per bill."""
    balance = rules.bill_open_balance(as_of).label("balance")
    stmt = (select(SupplierBill.number, SupplierBill.supplier_id, Supplier.code, Supplier.name, SupplierBill.due_date,
                   SupplierBill.currency, SupplierBill.fx_rate, balance)
            .join(Supplier, Supplier.id == SupplierBill.supplier_id).where(rules.open_bill_candidates(as_of)))
    return [OpenBill(number, sid, code, name, due, currency, left, round_money(left * rate, base_currency))
            for number, sid, code, name, due, currency, rate, left in session.connection().execute(stmt) if left > 0]


def ap_aging(session: Session, req: ReportRequest) -> ReportTable:
    as_of, lang = req.as_of, req.language
    per_supplier: dict[int, dict] = {}
    for bill in open_bills(session, as_of, req.base_currency):
        row = per_supplier.setdefault(bill.supplier_id, {"supplier_code": bill.supplier_code, "supplier": bill.supplier_name,
                                                         **dict.fromkeys(AGING_BUCKETS, ZERO), "total": ZERO, "bills": 0})
        row[bucket_of((as_of - bill.due_date).days)] += bill.balance_base
        row["total"] += bill.balance_base
        row["bills"] += 1
    all_rows = sorted(per_supplier.values(), key=lambda r: (-r["total"], r["supplier_code"]))
    rows = cut(all_rows, req.limit)
    totals: dict[str, int | Decimal] = {key: sum((r[key] for r in all_rows), ZERO) for key in (*AGING_BUCKETS, "total")}
    totals["bills"] = sum(r["bills"] for r in all_rows)
    day = as_of.isoformat()
    notes = [say(lang, f"Open balance = bill total minus supplier payments allocated to it by {day} (void bills "
                       f"excluded), in {req.base_currency} at each bill's FX rate, rounded per bill. Buckets count days "
                       "past the due date, as for receivables.",
                 f"Số dư phải trả = tổng hóa đơn trừ các khoản đã trả phân bổ đến {day} (không gồm hóa đơn hủy), quy "
                 f"đổi sang {req.base_currency} theo tỷ giá từng hóa đơn. Nhóm tuổi nợ tính theo số ngày quá hạn như "
                 "phải thu.")]
    notes += limit_note(len(rows), len(all_rows), "suppliers", lang, "nhà cung cấp")
    return ReportTable(
        name="ap_aging", title=say(lang, f"Payables aging as of {day}", f"Tuổi nợ phải trả tính đến {day}"),
        period=snapshot(as_of, language=lang), currency=req.base_currency,
        columns=[_c("supplier_code", "text", lang, "Code", "Mã"), _c("supplier", "text", lang, "Supplier", "Nhà cung cấp"),
                 *[Column(key=key, label=BUCKET_NAMES[key][lang], type="money") for key in AGING_BUCKETS],
                 _c("total", "money", lang, "Total open", "Tổng phải trả"), _c("bills", "int", lang, "Bills", "Hóa đơn")],
        rows=rows, total_rows=len(all_rows), totals=totals,
        chart=ChartHint(kind="bar", x="supplier", y=list(AGING_BUCKETS),
                        title=say(lang, f"Open payables by age ({req.base_currency})",
                                  f"Công nợ phải trả theo tuổi nợ ({req.base_currency})")),
        notes=notes)


# --- purchases ----------------------------------------------------------------------------------------------

def purchases(session: Session, req: ReportRequest) -> ReportTable:
    """Purchases per supplier and product category, through the semantic model's purchases measure."""
    period, lang = _period(req), req.language
    found = req.model(session, ("purchases",), ("supplier", "category"), limit=req.limit, order_by="purchases")
    rows = [{"supplier_code": r["supplier"], "supplier": r.get("supplier_name"), "category": r["category"],
             "amount": r["purchases"]} for r in found.rows]
    notes = [say(lang, f"Purchases = net amounts (before VAT) of supplier bills for goods on a purchase order dated in "
                       f"{period.label}, void bills excluded, in {req.base_currency} at each bill's FX rate; largest "
                       "first.",
                 f"Mua hàng = giá trị trước VAT của các hóa đơn mua hàng theo đơn đặt hàng trong "
                 f"{period_label(period, 'vi')}, không gồm hóa đơn hủy, quy đổi theo tỷ giá từng hóa đơn; lớn nhất trước.")]
    notes += limit_note(len(rows), found.total_rows, "supplier and category rows", lang, "dòng nhà cung cấp và nhóm hàng")
    return ReportTable(
        name="purchases", title=say(lang, f"Purchases, {period.label}", f"Mua hàng, {period_label(period, 'vi')}"),
        period=period, currency=req.base_currency,
        columns=[_c("supplier_code", "text", lang, "Code", "Mã"), _c("supplier", "text", lang, "Supplier", "Nhà cung cấp"),
                 _c("category", "text", lang, "Category", "Nhóm hàng"),
                 _c("amount", "money", lang, "Purchases", "Giá trị mua")],
        rows=rows, total_rows=found.total_rows, totals={"amount": found.totals["purchases"]},
        chart=ChartHint(kind="bar", x="supplier", y=["amount"],
                        title=say(lang, f"Purchases ({req.base_currency})", f"Mua hàng ({req.base_currency})")),
        notes=notes)


# --- inventory valuation ------------------------------------------------------------------------------------

def ledger_quantities(session: Session, as_of: date) -> dict[int, int]:
    """Units the ledger holds per product on `as_of`: received by goods receipts, less delivered by the deliveries,
    plus or minus the stock adjustments posted on or before that day (the quantities behind the inventory account's
    lines)."""
    held: dict[int, int] = {}
    received = session.execute(
        select(GoodsReceiptLine.product_id, func.sum(GoodsReceiptLine.quantity))
        .join(GoodsReceipt, GoodsReceipt.id == GoodsReceiptLine.receipt_id)
        .join(JournalEntry, (JournalEntry.source_type == "goods_receipt") & (JournalEntry.source_id == GoodsReceipt.id))
        .where(JournalEntry.entry_date <= as_of).group_by(GoodsReceiptLine.product_id))
    for product_id, units in received:
        held[product_id] = held.get(product_id, 0) + int(units or 0)
    delivered = session.execute(
        select(SalesOrderLine.product_id, func.sum(SalesOrderLine.quantity))
        .join(JournalEntry, (JournalEntry.source_type == "delivery") & (JournalEntry.source_id == SalesOrderLine.order_id))
        .where(JournalEntry.entry_date <= as_of).group_by(SalesOrderLine.product_id))
    for product_id, units in delivered:
        held[product_id] = held.get(product_id, 0) - int(units or 0)
    adjusted = session.execute(
        select(StockMovement.product_id, func.sum(StockMovement.quantity))
        .join(JournalEntry, (JournalEntry.source_type == "stock_adjustment") & (JournalEntry.source_id == StockMovement.id))
        .where(JournalEntry.entry_date <= as_of).group_by(StockMovement.product_id))
    for product_id, units in adjusted:
        held[product_id] = held.get(product_id, 0) + int(units or 0)
    return held


def valuation_rows(session: Session, as_of: date, lang: str) -> list[dict]:
    values = {v.product_id: v.value for v in ledger.inventory_values(session, as_of)}
    quantities = ledger_quantities(session, as_of)
    ids = [pid for pid in set(values) | set(quantities) if pid is not None]
    products = {row.id: row for row in session.execute(select(Product.id, Product.sku, Product.name, Product.category)
                                                       .where(Product.id.in_(ids)))} if ids else {}
    rows = []
    for pid in ids:
        value, units = values.get(pid, ZERO), quantities.get(pid, 0)
        if not value and not units:
            continue
        p = products[pid]
        rows.append({"sku": p.sku, "product": p.name, "category": p.category, "quantity": units, "value": value,
                     "average_cost": (value / units).quantize(Decimal("0.01")) if units > 0 else None})
    rows.sort(key=lambda r: (-r["value"], r["sku"]))
    if values.get(None):
        rows.append({"sku": None, "product": say(lang, "Not assigned to a product (manual entries)",
                                                 "Không gắn với sản phẩm (bút toán thủ công)"),
                     "category": None, "quantity": 0, "value": values[None], "average_cost": None})
    return rows


def inventory_valuation(session: Session, req: ReportRequest) -> ReportTable:
    as_of, lang = req.as_of, req.language
    all_rows = valuation_rows(session, as_of, lang)
    rows = cut(all_rows, req.limit)
    day = as_of.isoformat()
    notes = [say(lang, f"Value = the inventory account's balance on {day} per product (receipts at their cost, "
                       "deliveries and count adjustments at moving-average cost); quantity = units received less "
                       "units delivered, plus or minus adjustments, by then; "
                       "the total is the balance sheet's inventory.",
                 f"Giá trị = số dư tài khoản hàng hóa tại {day} theo từng sản phẩm (nhập theo giá mua, xuất và điều chỉnh "
                 "kiểm kê theo giá bình quân); số lượng = số nhập trừ số đã giao, cộng hoặc trừ điều chỉnh, đến ngày đó; "
                 "tổng bằng hàng tồn kho trên bảng cân đối.")]
    notes += limit_note(len(rows), len(all_rows), "products", lang, "sản phẩm")
    return ReportTable(
        name="inventory_valuation", title=say(lang, f"Inventory valuation as of {day}", f"Giá trị hàng tồn kho tại {day}"),
        period=snapshot(as_of, language=lang), currency=req.base_currency,
        columns=[_c("sku", "text", lang, "SKU", "Mã hàng"), _c("product", "text", lang, "Product", "Sản phẩm"),
                 _c("category", "text", lang, "Category", "Nhóm hàng"), _c("quantity", "int", lang, "Units", "Số lượng"),
                 _c("average_cost", "number", lang, "Average cost", "Giá bình quân"),
                 _c("value", "money", lang, "Value", "Giá trị")],
        rows=rows, total_rows=len(all_rows),
        totals={"value": sum((r["value"] for r in all_rows), ZERO), "quantity": sum(r["quantity"] for r in all_rows)},
        chart=ChartHint(kind="bar", x="sku", y=["value"],
                        title=say(lang, f"Inventory value ({req.base_currency})", f"Giá trị tồn kho ({req.base_currency})")),
        notes=notes)
