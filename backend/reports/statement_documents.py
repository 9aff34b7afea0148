"""The documents of the financial statements and the payables, purchases and stock-value reports (write_report),
built on the run_report tables of backend.reports.statements, with their template narratives."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend.reports import charts
from backend.reports import statements as st
from backend.reports.document import DocChart, DocTable, ReportDocument
from backend.reports.labels import BUCKET_NAMES, change_pct, pct, period_label, word
from backend.semantic.rules import AGING_BUCKETS

ZERO = Decimal(0)
TOP = 15


def _as_of_label(b) -> str:
    return f"{word('as_of', b.lang)} {b.as_of.isoformat()}"


def _statement_table(b, key: str, title: str, rows: list[dict], columns: list[tuple[str, str, str | None]]) -> DocTable:
    """A statement's lines, each section's account lines followed by its subtotal line."""
    return DocTable(key=key, title=title, columns=[b.col(k, kind, label=label) if label else b.col(k, kind)
                                                   for k, kind, label in columns], rows=rows)


# --- trial balance ---------------------------------------------------------------------------------------------

def build_trial_balance(b) -> ReportDocument:
    table = st.trial_balance(b.session, b.report_request(as_of=b.as_of))
    table_rows = table.rows
    b.fig("debits", "Total debits", "Tổng phát sinh Nợ", table.totals["debit"], "money")
    b.fig("credits", "Total credits", "Tổng phát sinh Có", table.totals["credit"], "money")
    b.fig("difference", "Debits less credits", "Chênh lệch Nợ − Có", table.totals["balance"], "money")
    b.fig("accounts", "Accounts with entries", "Tài khoản có phát sinh", len(table_rows), "int")
    doc_table = DocTable(key="accounts", title=b.t("Accounts", "Tài khoản"),
                         columns=[b.col("code", "text", label=b.t("Account", "Tài khoản")),
                                  b.col("account", "text", label=b.t("Name", "Tên")),
                                  b.col("debit", "money", label=b.t("Debits", "Nợ")),
                                  b.col("credit", "money", label=b.t("Credits", "Có")),
                                  b.col("debit_balance", "money", label=b.t("Debit balance", "Số dư Nợ")),
                                  b.col("credit_balance", "money", label=b.t("Credit balance", "Số dư Có"))],
                         rows=table_rows, total_row={"code": word("total", b.lang), **table.totals})
    b.notes += table.notes
    return b.document([doc_table], [], {}, label=_as_of_label(b))


def _trial_balance(w) -> list[str]:
    as_of = w.doc.as_of.isoformat()
    text = w.t(f"As of {as_of} the ledger's {w.shown('accounts')} accounts with entries carry {w.shown('debits')} of "
               f"debits and {w.shown('credits')} of credits.",
               f"Tính đến {as_of}, {w.shown('accounts')} tài khoản có phát sinh với tổng Nợ {w.shown('debits')} và "
               f"tổng Có {w.shown('credits')}.")
    text += w.t(" The books balance." if not w.value("difference") else " The books do not balance: investigate.",
                " Sổ cân." if not w.value("difference") else " Sổ không cân: cần kiểm tra.")
    return [text]


# --- profit and loss -----------------------------------------------------------------------------------------

def build_profit_and_loss(b) -> ReportDocument:
    comparison = st.compare_pnl(b.session, b.period, b.req.today)
    now, then, ly = (st.pnl_figures(p) for p in (comparison.now, comparison.then, comparison.year_ago))
    ytd = st.pnl_figures(comparison.to_date)
    before_label, ly_label = period_label(comparison.before, b.lang), period_label(comparison.last_year, b.lang)
    ytd_label = b.t(f"{comparison.ytd.end.year} to date", f"Lũy kế {comparison.ytd.end.year}")
    b.fig("revenue", "Revenue", "Doanh thu", now["revenue"], "money")
    b.fig("cost_of_sales", "Cost of sales", "Giá vốn hàng bán", now["cost_of_sales"], "money")
    b.fig("gross_profit", "Gross profit", "Lợi nhuận gộp", now["gross_profit"], "money")
    b.fig("gross_margin_pct", "Gross margin", "Tỷ suất lợi nhuận gộp", pct(now["gross_profit"], now["revenue"]), "percent")
    b.fig("operating_expenses", "Operating expenses", "Chi phí hoạt động", now["operating_expenses"], "money")
    b.fig("net_profit", "Net profit", "Lợi nhuận ròng", now["net_profit"], "money")
    b.fig("net_margin_pct", "Net margin", "Tỷ suất lợi nhuận ròng", pct(now["net_profit"], now["revenue"]), "percent")
    b.fig("net_profit_previous", f"Net profit, {before_label}", f"Lợi nhuận ròng {before_label}", then["net_profit"], "money")
    b.fig("net_profit_last_year", f"Net profit, {ly_label}", f"Lợi nhuận ròng {ly_label}", ly["net_profit"], "money")
    b.fig("revenue_change_ly_pct", f"Revenue vs {ly_label}", f"Doanh thu so với {ly_label}",
          change_pct(now["revenue"], ly["revenue"]), "change")
    b.fig("net_profit_ytd", f"Net profit, {ytd_label}", f"Lợi nhuận ròng {ytd_label}", ytd["net_profit"], "money")
    rows = comparison.rows(b.lang)
    table = _statement_table(b, "statement", b.t("Profit and loss", "Kết quả kinh doanh"), rows, [
        ("line", "text", b.t("Line", "Khoản mục")), ("amount", "money", period_label(b.period, b.lang)),
        ("previous", "money", before_label), ("last_year", "money", ly_label), ("ytd", "money", ytd_label)])
    keys = ("revenue", "gross_profit", "operating_expenses", "net_profit")
    names = [dict((k, b.t(en, vi)) for k, en, vi in st.PNL_LINES)[k] for k in keys]
    chart = DocChart(key="comparison", title=b.t("This period, the previous one and last year", "Kỳ này, kỳ trước và cùng kỳ"),
                     png=charts.bar_chart(b.t(f"Profit and loss ({b.base})", f"Kết quả kinh doanh ({b.base})"), names,
                                          [(period_label(b.period, b.lang), [now[k] for k in keys]),
                                           (before_label, [then[k] for k in keys]), (ly_label, [ly[k] for k in keys])]))
    b.notes += [st.pnl_note(b.lang)]
    if b.period.end > b.req.today:
        b.notes.append(b.t(f"{period_label(b.period, b.lang)} has not ended yet: the figures run to {b.req.today.isoformat()}.",
                           f"{period_label(b.period, b.lang)} chưa kết thúc: số liệu tính đến {b.req.today.isoformat()}."))
    return b.document([table], [chart], {"before_label": before_label, "ly_label": ly_label, "ytd_label": ytd_label})


def _profit_and_loss(w) -> list[str]:
    label, facts = w.doc.period_label, w.doc.facts
    if not w.value("revenue") and not w.value("net_profit"):
        return [w.t(f"Nothing was posted to the revenue and expense accounts in {label}.",
                    f"Không có bút toán doanh thu hay chi phí nào trong {label}.")]
    first = w.t(f"In {label} revenue was {w.shown('revenue')}; after {w.shown('cost_of_sales')} cost of sales the gross "
                f"profit is {w.shown('gross_profit')} ({w.shown('gross_margin_pct')} of revenue).",
                f"Trong {label} doanh thu đạt {w.shown('revenue')}; sau giá vốn {w.shown('cost_of_sales')}, lợi nhuận gộp "
                f"là {w.shown('gross_profit')} ({w.shown('gross_margin_pct')} doanh thu).")
    first += w.t(f" Operating expenses of {w.shown('operating_expenses')} leave a net profit of {w.shown('net_profit')}.",
                 f" Chi phí hoạt động {w.shown('operating_expenses')}, lợi nhuận ròng còn {w.shown('net_profit')}.")
    second = w.t(f"Net profit was {w.shown('net_profit_previous')} in {facts['before_label']} and "
                 f"{w.shown('net_profit_last_year')} in {facts['ly_label']}; {facts['ytd_label']} it is "
                 f"{w.shown('net_profit_ytd')}.",
                 f"Lợi nhuận ròng {facts['before_label']} là {w.shown('net_profit_previous')}, {facts['ly_label']} là "
                 f"{w.shown('net_profit_last_year')}; {facts['ytd_label']} đạt {w.shown('net_profit_ytd')}.")
    if w.value("revenue_change_ly_pct") is not None:
        second += w.t(f" Revenue is {w.shown('revenue_change_ly_pct')} against {facts['ly_label']}.",
                      f" Doanh thu thay đổi {w.shown('revenue_change_ly_pct')} so với {facts['ly_label']}.")
    return [first, second]


# --- balance sheet -----------------------------------------------------------------------------------------

def build_balance_sheet(b) -> ReportDocument:
    from backend.accounting import statements as ledger

    sheet = ledger.balance_sheet(b.session, b.as_of)
    b.fig("total_assets", "Total assets", "Tổng tài sản", sheet.assets.total, "money")
    b.fig("total_liabilities", "Total liabilities", "Tổng nợ phải trả", sheet.liabilities.total, "money")
    b.fig("total_equity", "Total equity", "Tổng vốn chủ sở hữu", sheet.equity.total, "money")
    b.fig("cash", "Cash and bank", "Tiền", sheet.amount("cash") + sheet.amount("bank"), "money")
    b.fig("receivables", "Receivables", "Phải thu khách hàng", sheet.amount("receivables"), "money")
    b.fig("inventory", "Inventory", "Hàng tồn kho", sheet.amount("inventory"), "money")
    b.fig("payables", "Payables", "Phải trả người bán", sheet.amount("payables"), "money")
    b.fig("current_year_earnings", "Earnings of the current year", "Lợi nhuận năm nay",
          sheet.amount("current_year_earnings"), "money")
    rows = st.balance_sheet_rows(sheet, b.lang)
    table = _statement_table(b, "statement", b.t("Balance sheet", "Bảng cân đối kế toán"), rows, [
        ("code", "text", b.t("Account", "Tài khoản")), ("line", "text", b.t("Line", "Khoản mục")),
        ("amount", "money", b.t("Amount", "Số tiền"))])
    assets = [line for line in sheet.assets.lines if line.amount]
    chart = DocChart(key="assets", title=b.t("Assets", "Tài sản"),
                     png=charts.bar_chart(b.t(f"Assets ({b.base})", f"Tài sản ({b.base})"),
                                          [line.label(b.lang) for line in assets],
                                          [(b.t("Amount", "Số tiền"), [line.amount for line in assets])], horizontal=True))
    b.notes += [st.balance_sheet_note(b.lang, b.as_of)]
    return b.document([table], [chart], {}, label=_as_of_label(b))


def _balance_sheet(w) -> list[str]:
    as_of = w.doc.as_of.isoformat()
    return [w.t(f"On {as_of} the company holds {w.shown('total_assets')} of assets, financed by "
                f"{w.shown('total_liabilities')} of liabilities and {w.shown('total_equity')} of equity.",
                f"Tại {as_of}, tổng tài sản là {w.shown('total_assets')}, được tài trợ bởi nợ phải trả "
                f"{w.shown('total_liabilities')} và vốn chủ sở hữu {w.shown('total_equity')}."),
            w.t(f"Cash and bank stand at {w.shown('cash')}; customers owe {w.shown('receivables')}, inventory is "
                f"{w.shown('inventory')} and suppliers are owed {w.shown('payables')}. The current year's earnings are "
                f"{w.shown('current_year_earnings')}.",
                f"Tiền là {w.shown('cash')}; khách hàng còn nợ {w.shown('receivables')}, hàng tồn kho "
                f"{w.shown('inventory')} và phải trả nhà cung cấp {w.shown('payables')}. Lợi nhuận năm nay là "
                f"{w.shown('current_year_earnings')}.")]


# --- cash flow -----------------------------------------------------------------------------------------------

def build_cash_flow(b) -> ReportDocument:
    from backend.accounting import statements as ledger

    flow = ledger.cash_flow(b.session, b.period.start, b.period.end)
    b.fig("opening", "Cash at the start", "Tiền đầu kỳ", flow.opening, "money")
    b.fig("operating", "Net cash from operating activities", "Lưu chuyển tiền từ hoạt động kinh doanh",
          flow.sections["operating"].total, "money")
    b.fig("investing", "Net cash from investing activities", "Lưu chuyển tiền từ hoạt động đầu tư",
          flow.sections["investing"].total, "money")
    b.fig("financing", "Net cash from financing activities", "Lưu chuyển tiền từ hoạt động tài chính",
          flow.sections["financing"].total, "money")
    b.fig("net_change", "Net change in cash", "Lưu chuyển tiền thuần", flow.net_change, "money")
    b.fig("closing", "Cash at the end", "Tiền cuối kỳ", flow.closing, "money")
    rows = st.cash_flow_rows(flow, b.lang)
    table = _statement_table(b, "statement", b.t("Cash flow", "Lưu chuyển tiền tệ"), rows, [
        ("line", "text", b.t("Line", "Khoản mục")), ("amount", "money", b.t("Amount", "Số tiền"))])
    lines = [line for key in ledger.CASH_FLOW_SECTIONS for line in flow.sections[key].lines]
    chart = DocChart(key="flows", title=b.t("Where the cash came from and went", "Tiền đến từ đâu và đi đâu"),
                     png=charts.bar_chart(b.t(f"Cash flows ({b.base})", f"Dòng tiền ({b.base})"),
                                          [line.label(b.lang) for line in lines],
                                          [(b.t("Amount", "Số tiền"), [line.amount for line in lines])], horizontal=True))
    b.notes += [st.cash_flow_note(b.lang)]
    return b.document([table], [chart], {})


def _cash_flow(w) -> list[str]:
    label = w.doc.period_label
    return [w.t(f"Cash went from {w.shown('opening')} to {w.shown('closing')} in {label}, a net change of "
                f"{w.shown('net_change')}.",
                f"Trong {label}, tiền từ {w.shown('opening')} thành {w.shown('closing')}, thay đổi thuần "
                f"{w.shown('net_change')}."),
            w.t(f"Operating activities brought {w.shown('operating')}, investing {w.shown('investing')} and financing "
                f"{w.shown('financing')}.",
                f"Hoạt động kinh doanh mang lại {w.shown('operating')}, đầu tư {w.shown('investing')} và tài chính "
                f"{w.shown('financing')}.")]


# --- AP aging ----------------------------------------------------------------------------------------------

def build_ap_aging(b) -> ReportDocument:
    aging = st.ap_aging(b.session, b.report_request(as_of=b.as_of))
    totals = aging.totals
    total = totals["total"]
    overdue = total - totals["current"]
    b.fig("total_open", "Open payables", "Tổng phải trả", total, "money")
    b.fig("open_bills", "Open bills", "Hóa đơn chưa trả", totals["bills"], "int")
    b.fig("suppliers", "Suppliers owed", "Nhà cung cấp còn phải trả", aging.total_rows, "int")
    b.fig("overdue_amount", "Overdue", "Quá hạn", overdue, "money")
    b.fig("overdue_share_pct", "Overdue share", "Tỷ lệ quá hạn", pct(overdue, total), "percent")
    largest = aging.rows[0] if aging.rows else None
    b.fig("largest_creditor", "Largest balance", "Nợ lớn nhất", largest["supplier"] if largest else None, "text")
    bucket_rows = [{"name": BUCKET_NAMES[key][b.lang], "amount": totals[key], "share_pct": pct(totals[key], total)}
                   for key in AGING_BUCKETS]
    tables = [
        DocTable(key="buckets", title=b.t("Payables by age", "Phải trả theo tuổi nợ"),
                 columns=[b.col("name", "text", "bucket"), b.col("amount", "money", "open_balance"),
                          b.col("share_pct", "percent", "share")],
                 rows=bucket_rows, total_row={"name": word("total", b.lang), "amount": total,
                                              "share_pct": pct(total, total) if total else None}),
        DocTable(key="suppliers", title=b.t("By supplier", "Theo nhà cung cấp"),
                 columns=[b.col("supplier", "text", label=b.t("Supplier", "Nhà cung cấp")),
                          *[b.col(key, "money", label=BUCKET_NAMES[key][b.lang]) for key in AGING_BUCKETS],
                          b.col("total", "money", label=word("total", b.lang))],
                 rows=aging.rows[:TOP],
                 total_row={"supplier": word("total", b.lang), **{key: totals[key] for key in AGING_BUCKETS},
                            "total": total}),
    ]
    chart = DocChart(key="buckets", title=b.t("Payables by age", "Phải trả theo tuổi nợ"),
                     png=charts.bar_chart(b.t(f"Open payables by age ({b.base})", f"Phải trả theo tuổi nợ ({b.base})"),
                                          [r["name"] for r in bucket_rows],
                                          [(word("open_balance", b.lang), [r["amount"] for r in bucket_rows])],
                                          colours=charts.AGING_COLOURS))
    b.notes += aging.notes
    return b.document(tables, [chart], {}, label=_as_of_label(b))


def _ap_aging(w) -> list[str]:
    as_of = w.doc.as_of.isoformat()
    if not w.value("total_open"):
        return [w.t(f"Nothing is owed to suppliers as of {as_of}.", f"Tính đến {as_of} không còn nợ nhà cung cấp.")]
    text = w.t(f"As of {as_of} we owe {w.shown('total_open')} to {w.shown('suppliers')} suppliers on "
               f"{w.shown('open_bills')} bills; {w.shown('overdue_amount')} ({w.shown('overdue_share_pct')}) is past due.",
               f"Tính đến {as_of} còn phải trả {w.shown('total_open')} cho {w.shown('suppliers')} nhà cung cấp trên "
               f"{w.shown('open_bills')} hóa đơn; {w.shown('overdue_amount')} ({w.shown('overdue_share_pct')}) đã quá hạn.")
    return [text, w.t(f"The largest balance is owed to {w.shown('largest_creditor')}.",
                      f"Khoản nợ lớn nhất là với {w.shown('largest_creditor')}.")]


# --- purchases -------------------------------------------------------------------------------------------

def _sum_by(rows: list[dict], key: str) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = {}
    names: dict[str, Any] = {}
    for row in rows:
        sums[row[key]] = sums.get(row[key], ZERO) + row["amount"]
        names[row[key]] = row.get("supplier") if key == "supplier_code" else row[key]
    return sorted(({"key": k, "name": names[k], "amount": v} for k, v in sums.items()),
                  key=lambda r: (-r["amount"], str(r["key"])))


def build_purchases(b) -> ReportDocument:
    table = st.purchases(b.session, b.report_request(period=b.period))
    total = table.totals["amount"]
    by_supplier, by_category = _sum_by(table.rows, "supplier_code"), _sum_by(table.rows, "category")
    for rows in (by_supplier, by_category):
        for row in rows:
            row["share_pct"] = pct(row["amount"], total)
    b.fig("purchases", "Purchases", "Giá trị mua hàng", total, "money")
    b.fig("suppliers", "Suppliers bought from", "Nhà cung cấp", len(by_supplier), "int")
    b.fig("top_supplier", "Largest supplier", "Nhà cung cấp lớn nhất", by_supplier[0]["name"] if by_supplier else None, "text")
    b.fig("top_supplier_share_pct", "Largest supplier's share", "Tỷ trọng nhà cung cấp lớn nhất",
          by_supplier[0]["share_pct"] if by_supplier else None, "percent")
    b.fig("top_category", "Largest category", "Nhóm hàng lớn nhất", by_category[0]["name"] if by_category else None, "text")
    columns = lambda label: [b.col("name", "text", label=label), b.col("amount", "money", label=b.t("Purchases", "Giá trị mua")),  # noqa: E731
                             b.col("share_pct", "percent", "share")]
    total_row = {"name": word("total", b.lang), "amount": total, "share_pct": pct(total, total) if total else None}
    tables = [DocTable(key="suppliers", title=b.t("By supplier", "Theo nhà cung cấp"),
                       columns=columns(b.t("Supplier", "Nhà cung cấp")), rows=by_supplier[:TOP], total_row=total_row),
              DocTable(key="categories", title=b.t("By category", "Theo nhóm hàng"),
                       columns=columns(word("category", b.lang)), rows=by_category[:TOP], total_row=total_row)]
    chart = DocChart(key="suppliers", title=b.t("Purchases by supplier", "Mua hàng theo nhà cung cấp"),
                     png=charts.bar_chart(b.t(f"Purchases by supplier ({b.base})", f"Mua hàng theo nhà cung cấp ({b.base})"),
                                          [r["name"] for r in by_supplier[:TOP]],
                                          [(b.t("Purchases", "Giá trị mua"), [r["amount"] for r in by_supplier[:TOP]])],
                                          horizontal=True))
    b.notes += table.notes
    return b.document(tables, [chart], {})


def _purchases(w) -> list[str]:
    label = w.doc.period_label
    if not w.value("purchases"):
        return [w.t(f"No goods were billed by suppliers in {label}.", f"Không có hóa đơn mua hàng nào trong {label}.")]
    return [w.t(f"We bought {w.shown('purchases')} of goods from {w.shown('suppliers')} suppliers in {label}. "
                f"{w.shown('top_supplier')} is the largest ({w.shown('top_supplier_share_pct')}); the largest category "
                f"is {w.shown('top_category')}.",
                f"Trong {label} đã mua {w.shown('purchases')} hàng hóa từ {w.shown('suppliers')} nhà cung cấp. "
                f"{w.shown('top_supplier')} lớn nhất ({w.shown('top_supplier_share_pct')}); nhóm hàng lớn nhất là "
                f"{w.shown('top_category')}.")]


# --- inventory valuation ---------------------------------------------------------------------------------

def build_inventory_valuation(b) -> ReportDocument:
    table = st.inventory_valuation(b.session, b.report_request(as_of=b.as_of))
    rows = table.rows
    total = table.totals["value"]
    b.fig("inventory_value", "Inventory value", "Giá trị tồn kho", total, "money")
    b.fig("units", "Units on the books", "Số lượng trên sổ", table.totals["quantity"], "int")
    b.fig("products", "Products held", "Sản phẩm tồn", sum(1 for r in rows if r["sku"]), "int")
    b.fig("top_product", "Largest value", "Giá trị lớn nhất", rows[0]["product"] if rows else None, "text")
    b.fig("top_product_share_pct", "Largest value's share", "Tỷ trọng lớn nhất",
          pct(rows[0]["value"], total) if rows else None, "percent")
    doc_table = DocTable(key="products", title=b.t("By product", "Theo sản phẩm"),
                         columns=[b.col("sku", "text"), b.col("product", "text"), b.col("category", "text"),
                                  b.col("quantity", "int", label=b.t("Units", "Số lượng")),
                                  b.col("average_cost", "number", label=b.t("Average cost", "Giá bình quân")),
                                  b.col("value", "money", label=b.t("Value", "Giá trị"))],
                         rows=rows[:TOP * 2], total_row={"sku": word("total", b.lang), "quantity": table.totals["quantity"],
                                                         "value": total},
                         caption=(b.t(f"Showing {TOP * 2} of {len(rows)} products.",
                                      f"Hiển thị {TOP * 2} trên {len(rows)} sản phẩm.") if len(rows) > TOP * 2 else None))
    top = rows[:TOP]
    chart = DocChart(key="products", title=b.t("Largest values", "Giá trị lớn nhất"),
                     png=charts.bar_chart(b.t(f"Inventory value ({b.base})", f"Giá trị tồn kho ({b.base})"),
                                          [str(r["sku"] or r["product"]) for r in top],
                                          [(b.t("Value", "Giá trị"), [r["value"] for r in top])], horizontal=True))
    b.notes += table.notes
    return b.document([doc_table], [chart], {}, label=_as_of_label(b))


def _inventory_valuation(w) -> list[str]:
    as_of = w.doc.as_of.isoformat()
    if not w.value("inventory_value"):
        return [w.t(f"The books hold no inventory on {as_of}.", f"Tại {as_of} sổ sách không có hàng tồn kho.")]
    return [w.t(f"On {as_of} the books hold {w.shown('units')} units of {w.shown('products')} products worth "
                f"{w.shown('inventory_value')}; {w.shown('top_product')} is the largest ({w.shown('top_product_share_pct')}).",
                f"Tại {as_of} sổ sách có {w.shown('units')} đơn vị của {w.shown('products')} sản phẩm, trị giá "
                f"{w.shown('inventory_value')}; {w.shown('top_product')} lớn nhất ({w.shown('top_product_share_pct')}).")]


TEMPLATES = {"trial-balance": _trial_balance, "profit-and-loss": _profit_and_loss, "balance-sheet": _balance_sheet,
             "cash-flow": _cash_flow, "ap-aging": _ap_aging, "purchases": _purchases,
             "inventory-valuation": _inventory_valuation}
