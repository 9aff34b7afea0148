"""Answers written from tool results with templates, in English or Vietnamese. Every figure shown is
read from a result; nothing is computed or invented here beyond formatting."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.planner.planner import language_of
# Confirmations are worded by the turn, whichever brain proposed the write; re-exported for old callers.
from assistant.confirmations import describe_executed  # noqa: F401
from backend.money import format_money
from backend.text import fold, say as _t
from backend.words import word as _word

__all__ = ["compose_answer", "describe_executed", "no_intent_answer", "language_of"]

CAPABILITIES = {
    "en": ("I can brief you on a customer, check credit, find customers and products, check stock and prices, draft quotes, "
           "show order status and history, list or open support tickets, log calls and meetings, run sales and finance "
           "reports, and answer policy questions from the handbook. Try: \"brief me on Hoàng Long\", \"can Saigon Foods take "
           "another 50k on credit?\", \"quote 20 x A4 paper to Minh Phát, 5% off\", \"top 5 customers by revenue last quarter\"."),
    "vi": ("Tôi có thể tóm tắt tình hình khách hàng, kiểm tra hạn mức tín dụng, tìm khách hàng và sản phẩm, xem tồn kho và giá, "
           "lập báo giá, xem trạng thái và lịch sử đơn hàng, xem hoặc tạo phiếu hỗ trợ, ghi nhận cuộc gọi, chạy báo cáo doanh thu "
           "và công nợ, và trả lời câu hỏi về chính sách công ty. Ví dụ: \"tình hình Hoàng Long\", \"doanh thu tháng trước\"."),
}


def no_intent_answer(language: str, help_requested: bool = False, understood: list[str] | None = None) -> str:
    if help_requested:
        return CAPABILITIES[language]
    if understood:
        # say what was read, so the asker can rephrase the rest rather than start again
        got = "; ".join(understood)
        lead = (f"Tôi hiểu được: {got}, nhưng chưa rõ bạn muốn xem gì. Hãy nói rõ hơn, ví dụ thêm tên khách hàng, "
                "số liệu (doanh thu, công nợ, tồn kho…) hoặc việc cần làm. "
                if language == "vi" else
                f"I can't do that yet: I understood {got}, but not what to look up or do with it. Say which figure "
                "(revenue, what is owed, stock…), which customer or product, or what to do. ")
        return lead + CAPABILITIES[language]
    lead = ("Tôi chưa hiểu câu hỏi này và chưa làm được việc đó. " if language == "vi"
            else "I can't do that yet: I found nothing in it to look up or do. Here is what I can do: ")
    return lead + CAPABILITIES[language]


def _m(amount: Any, currency: str | None) -> str:
    if amount is None:
        return "—"
    try:
        return format_money(Decimal(str(amount)), currency or "")
    except (InvalidOperation, ValueError):
        return str(amount)


def _plain(value: Any, thousands: bool = False) -> str:
    """A Decimal without its trailing zeros: '10.0000' -> '10', '8.5000' -> '8.5' (thousands: '27,099,587')."""
    try:
        return format(Decimal(str(value)).normalize(), ",f" if thousands else "f")
    except (InvalidOperation, ValueError):
        return str(value)


def _error_answer(result: dict[str, Any], language: str) -> str:
    error = result.get("error")
    if error == "ambiguous":
        candidates = (result.get("details") or {}).get("candidates", [])
        names = "; ".join(f"{c.get('name')} ({c.get('code') or c.get('sku')})" for c in candidates[:6])
        return _t(language, f"That matches several records: {names}. Which one do you mean?",
                  f"Có nhiều kết quả khớp: {names}. Bạn muốn chọn cái nào?")
    if error == "documents_unavailable":
        # Said plainly: the answer has no document behind it, and the user should not take it for policy.
        return _t(language, "I can't search the company documents right now (the document index is not reachable), "
                            "so I have no handbook passage to answer this from. Please check with your manager or try again later.",
                  "Hiện tôi không tra cứu được tài liệu công ty (không kết nối được kho tài liệu), nên không có đoạn "
                  "tài liệu nào để trả lời câu này. Vui lòng hỏi quản lý hoặc thử lại sau.")
    message = result.get("message") or "Something went wrong."
    hint = result.get("hint")
    return message + (f" {hint}" if hint else "")


def _overview(r: dict[str, Any], lang: str, contacts_only: bool) -> str:
    p = r.get("profile", {})
    lines = []
    if contacts_only:
        contacts = r.get("contacts", [])
        if not contacts:
            return _t(lang, f"No contacts recorded for {p.get('name')}.", f"Chưa có người liên hệ nào cho {p.get('name')}.")
        where = ", ".join(x for x in (p.get("address"), p.get("city"), p.get("country")) if x)
        own = [b for b in (where, p.get("phone"), p.get("email")) if b]   # the company's own city, number, e-mail
        lines.append(_t(lang, f"Contacts at {p.get('name')} ({p.get('code')})", f"Người liên hệ tại {p.get('name')} ({p.get('code')})")
                     + (f" — {'; '.join(own)}" if own else "") + ":")
        for c in contacts:
            bits = [b for b in (c.get("title"), c.get("email"), c.get("phone")) if b]
            lines.append(f"- {c.get('name')}" + (f" — {', '.join(bits)}" if bits else ""))
        if p.get("owner"):
            lines.append(_t(lang, f"Account owner: {p['owner']}.", f"Phụ trách: {p['owner']}."))
        return "\n".join(lines)
    where = ", ".join(x for x in (p.get("city"), p.get("country")) if x)
    lines.append(f"**{p.get('name')}** ({p.get('code')})" + (f" — {where}" if where else "") +
                 (f", {p.get('segment')}" if p.get("segment") else "") +
                 _t(lang, f". Owner: {p.get('owner') or '—'}; terms net {p.get('payment_terms_days')} days.",
                    f". Phụ trách: {p.get('owner') or '—'}; hạn thanh toán {p.get('payment_terms_days')} ngày."))
    if p.get("address"):
        lines.append(_t(lang, f"Address: {p['address']}.", f"Địa chỉ: {p['address']}."))
    reach = "; ".join(x for x in (p.get("phone"), p.get("email")) if x)
    if reach:
        lines.append(_t(lang, f"Phone and e-mail: {reach}.", f"Điện thoại và e-mail: {reach}."))
    rev = r.get("revenue") or {}
    if rev:
        cur = rev.get("currency")
        change = rev.get("change_pct")
        change_txt = f" ({'+' if change and Decimal(str(change)) >= 0 else ''}{change}%)" if change is not None else ""
        ever = (_t(lang, f"; all time {_m(rev['all_time'], cur)}", f"; từ trước đến nay {_m(rev['all_time'], cur)}")
                if rev.get("all_time") is not None else "")
        if rev.get("first_order"):
            ever += _t(lang, f" (first order {str(rev['first_order'])[:10]})", f" (đơn đầu tiên {str(rev['first_order'])[:10]})")
        lines.append(_t(lang, f"Revenue YTD {_m(rev.get('year_to_date'), cur)} vs {_m(rev.get('same_period_last_year'), cur)} same period last year{change_txt}; last year {_m(rev.get('last_year'), cur)}{ever}.",
                        f"Doanh thu từ đầu năm {_m(rev.get('year_to_date'), cur)} so với {_m(rev.get('same_period_last_year'), cur)} cùng kỳ năm trước{change_txt}; cả năm trước {_m(rev.get('last_year'), cur)}{ever}."))
    inv = r.get("invoices") or {}
    if inv:
        cur = inv.get("currency")
        lines.append(_t(lang, f"Open invoices: {inv.get('open_count')} for {_m(inv.get('open_amount'), cur)}; overdue {_m(inv.get('overdue_amount'), cur)}"
                        + (f" (oldest {inv.get('oldest_overdue_days')} days)." if inv.get("oldest_overdue_days") else "."),
                        f"Hóa đơn chưa thanh toán: {inv.get('open_count')} ({_m(inv.get('open_amount'), cur)}); quá hạn {_m(inv.get('overdue_amount'), cur)}"
                        + (f" (lâu nhất {inv.get('oldest_overdue_days')} ngày)." if inv.get("oldest_overdue_days") else ".")))
    credit = r.get("credit")
    if credit:
        lines.append(_credit_line(credit, lang))
    if r.get("accounts_withheld"):
        lines.append(_t(lang, "Revenue, invoices and credit are not shown: this is not one of your customers (sales reps see "
                              "those of the customers they own).",
                        "Không hiện doanh thu, hóa đơn và tín dụng: đây không phải khách hàng của bạn (nhân viên kinh doanh "
                        "chỉ xem của khách hàng mình phụ trách)."))
    orders = r.get("last_orders") or []
    if orders:
        lines.append(_t(lang, "Last orders: ", "Đơn gần đây: ") + "; ".join(
            f"{o.get('number')} {o.get('order_date')} {_m(o.get('net_amount'), o.get('currency'))} ({_word(o.get('status'), lang)})" for o in orders[:3]))
    quotes = r.get("open_quotes") or []
    if quotes:
        lines.append(_t(lang, "Open quotes: ", "Báo giá đang mở: ") + "; ".join(
            f"{q.get('number')} {_m(q.get('total'), q.get('currency'))} ({_word(q.get('status'), lang)})" for q in quotes[:3]))
    tickets = r.get("open_tickets") or []
    if tickets:
        lines.append(_t(lang, "Open tickets: ", "Phiếu hỗ trợ đang mở: ") + "; ".join(
            f"{t.get('number')} [{_word(t.get('priority'), lang)}] {t.get('subject')}" for t in tickets[:3]))
    interactions = r.get("recent_interactions") or []
    if interactions:
        last = interactions[0]
        lines.append(_t(lang, "Last contact: ", "Lần liên hệ gần nhất: ") +
                     f"{str(last.get('occurred_at'))[:10]} {_word(last.get('kind'), lang)}" +
                     (_t(lang, f" by {last.get('employee')}", f" của {last.get('employee')}") if last.get("employee") else "") +
                     f" — “{(last.get('summary') or '')[:160]}”")
    opps = r.get("open_opportunities") or []
    if opps:
        lines.append(_t(lang, "Open opportunities: ", "Cơ hội đang mở: ") + "; ".join(
            f"{o.get('name')} {_m(o.get('amount'), o.get('currency'))} ({_word(o.get('stage'), lang)}, {o.get('probability')}%)" for o in opps[:3]))
    contacts = r.get("contacts") or []
    if contacts:
        c = contacts[0]
        lines.append(_t(lang, "Main contact: ", "Liên hệ chính: ") + ", ".join(x for x in (c.get("name"), c.get("title"), c.get("email"), c.get("phone")) if x))
        others = [f"{o.get('name')}" + (f" ({o.get('title')})" if o.get("title") else "") for o in contacts[1:5]]
        more = (r.get("contact_count") or len(contacts)) - 1 - len(others)
        if others:
            lines.append(_t(lang, "Other contacts: ", "Liên hệ khác: ") + "; ".join(others)
                         + (_t(lang, f" and {more} more", f" và {more} người khác") if more > 0 else ""))
    watch = r.get("watch_outs") or []
    if watch:
        lines.append(_t(lang, "Watch out:", "Lưu ý:"))
        lines.extend(f"- {w}" for w in watch)
    return "\n".join(lines)


def _credit_line(c: dict[str, Any], lang: str) -> str:
    cur = c.get("currency")
    if not c.get("limit_configured"):
        return _t(lang, f"No credit limit is set (no credit check configured); exposure {_m(c.get('exposure'), cur)}.",
                  f"Chưa cấu hình hạn mức tín dụng; dư nợ rủi ro {_m(c.get('exposure'), cur)}.")
    if c.get("cash_only"):
        return _t(lang, "Cash only (credit limit 0): orders must be prepaid.", "Chỉ bán thu tiền trước (hạn mức 0).")
    return _t(lang, f"Credit: limit {_m(c.get('credit_limit'), cur)}, exposure {_m(c.get('exposure'), cur)}, available {_m(c.get('available'), cur)}"
              + (f" ({c.get('used_pct')}% used)." if c.get("used_pct") is not None else "."),
              f"Tín dụng: hạn mức {_m(c.get('credit_limit'), cur)}, dư nợ rủi ro {_m(c.get('exposure'), cur)}, còn lại {_m(c.get('available'), cur)}"
              + (f" (đã dùng {c.get('used_pct')}%)." if c.get("used_pct") is not None else "."))


def _credit(r: dict[str, Any], lang: str) -> str:
    cur = r.get("currency")
    head = f"**{r.get('customer_name')}** ({r.get('customer_code')})"
    lines = []
    if r.get("can_take_order") is not None or r.get("order_amount") is not None:
        verdict = {True: _t(lang, "Yes", "Có"), False: _t(lang, "No", "Không"), None: _t(lang, "No check configured", "Chưa cấu hình")}[r.get("can_take_order")]
        # The reason opens with its own "Yes:" / "No:"; the verdict is already said in front.
        reason = re.sub(r"^(Yes|No|Có|Không): ", "", str(r.get("reason") or ""))
        lines.append(f"{verdict} — {head}: {reason}")
    else:
        lines.append(f"{head}: {r.get('reason')}" if r.get("reason") else head)
    lines.append(_credit_line(r, lang))
    lines.append(_t(lang, f"Outstanding {_m(r.get('outstanding'), cur)} on {r.get('open_invoice_count')} open invoice(s); uninvoiced orders {_m(r.get('uninvoiced_orders'), cur)}.",
                    f"Công nợ {_m(r.get('outstanding'), cur)} trên {r.get('open_invoice_count')} hóa đơn; đơn chưa xuất hóa đơn {_m(r.get('uninvoiced_orders'), cur)}."))
    if r.get("next_due_date"):
        lines.append(_t(lang, f"Next due: {r['next_due_invoice']} on {r['next_due_date']}.",
                        f"Hạn kế tiếp: {r['next_due_invoice']} ngày {r['next_due_date']}."))
    if r.get("overdue_invoice_count"):
        from datetime import date as _date, timedelta as _days

        due = (_date.fromisoformat(str(r["as_of"])) - _days(days=int(r["oldest_overdue_days"]))).isoformat() \
            if r.get("as_of") and r.get("oldest_overdue_days") is not None else None
        lines.append(_t(lang, f"Overdue {_m(r.get('overdue_amount'), cur)} on {r.get('overdue_invoice_count')} invoice(s), oldest {r.get('oldest_overdue_days')} days ({r.get('oldest_overdue_invoice')}"
                              + (f", due {due}" if due else "") + ").",
                        f"Quá hạn {_m(r.get('overdue_amount'), cur)} trên {r.get('overdue_invoice_count')} hóa đơn, lâu nhất {r.get('oldest_overdue_days')} ngày ({r.get('oldest_overdue_invoice')}"
                        + (f", hạn {due}" if due else "") + ")."))
    aging = r.get("aging") or {}
    if aging:
        labels = [("current", _t(lang, "current", "trong hạn")), ("days_1_30", "1–30"), ("days_31_60", "31–60"),
                  ("days_61_90", "61–90"), ("days_91_plus", "91+")]
        parts = [f"{label} {_m(aging.get(key), cur)}" for key, label in labels if key in aging]
        if parts:
            lines.append(_t(lang, "Aging: ", "Tuổi nợ: ") + ", ".join(parts))
    if r.get("payment_terms_days") is not None:
        lines.append(_t(lang, f"Payment terms: net {r['payment_terms_days']} days.",
                        f"Hạn thanh toán: {r['payment_terms_days']} ngày."))
    behaviour = r.get("payment_behaviour") or {}
    if behaviour.get("avg_days_late") is not None:
        lines.append(_t(lang, f"Pays on average {behaviour['avg_days_late']} days late ({behaviour.get('paid_invoice_count')} invoices since {behaviour.get('since')}).",
                        f"Trung bình trả trễ {behaviour['avg_days_late']} ngày ({behaviour.get('paid_invoice_count')} hóa đơn từ {behaviour.get('since')})."))
    return "\n".join(lines)


def _quote(r: dict[str, Any], lang: str, executed: bool = False) -> str:
    cur = r.get("currency")
    head = _t(lang, f"Quote {r.get('number')} for {r.get('customer_name')}" if executed else f"Quote preview for {r.get('customer_name')}",
              f"Báo giá {r.get('number')} cho {r.get('customer_name')}" if executed else f"Bản xem trước báo giá cho {r.get('customer_name')}")
    lines = [f"**{head}** ({_word(r.get('status'), lang)})"]
    for ln in r.get("lines", []):
        disc = f", -{ln.get('discount_pct')}%" if ln.get("discount_pct") and Decimal(str(ln.get("discount_pct"))) else ""
        lines.append(f"- {ln.get('quantity')} × {ln.get('name')} ({ln.get('sku')}) @ {_m(ln.get('unit_price'), cur)}{disc} = {_m(ln.get('line_amount'), cur)}")
    vat = _plain(r.get("tax_rate_pct"))
    lines.append(_t(lang, f"Subtotal {_m(r.get('subtotal'), cur)}, VAT {vat}% {_m(r.get('tax'), cur)}, total {_m(r.get('total'), cur)}; valid until {r.get('valid_until')}.",
                    f"Cộng {_m(r.get('subtotal'), cur)}, VAT {vat}% {_m(r.get('tax'), cur)}, tổng {_m(r.get('total'), cur)}; hiệu lực đến {r.get('valid_until')}."))
    if r.get("margin_pct") is not None:
        lines.append(_t(lang, f"Margin {r['margin_pct']}%.", f"Biên lợi nhuận {r['margin_pct']}%."))
    for reason in r.get("approval_reasons") or []:
        lines.append(_t(lang, f"Needs approval: {reason}", f"Cần phê duyệt: {reason}"))
    if r.get("credit_warning"):
        lines.append(_t(lang, f"Credit warning: {r['credit_warning']}", f"Cảnh báo tín dụng: {r['credit_warning']}"))
    return "\n".join(lines)


def _table(r: dict[str, Any], lang: str, limit: int = 15) -> str:
    columns = r.get("columns", [])
    rows = r.get("rows", [])
    period = r.get("period") or {}
    currency = r.get("currency")
    label, heading = period.get("label"), str(r.get("title"))
    # Report titles usually name their period already ("Sales by customer, Q3 2026", "Open orders as of <day>").
    named = not label or label.casefold() in heading.casefold() or (
        period.get("start") == period.get("end") and str(period.get("end")) in heading)
    title = f"**{heading}**" + ("" if named else f" — {label}")
    if not rows:
        if period.get("start") and period.get("start") == period.get("end"):
            # a report of one day's state ("overdue invoices as of …" for a customer who owes nothing late)
            return title + "\n" + _t(lang, "Nothing to list on that day.", "Không có gì tính đến ngày đó.")
        return title + "\n" + _t(lang, "No data for this period.", "Không có dữ liệu cho kỳ này.")

    def cell(col: dict[str, Any], value: Any) -> str:
        if value is None:
            return "—"
        if col.get("type") == "money":
            return _m(value, currency)
        if col.get("type") == "percent":
            return f"{value}%"
        if col.get("type") == "int" and isinstance(value, int):
            return f"{value:,}"
        if col.get("type") == "number":
            return _plain(value, thousands=True)
        return str(value)

    header = " | ".join(c.get("label", c.get("key")) for c in columns)
    body = [" | ".join(cell(c, row.get(c.get("key"))) for c in columns) for row in rows[:limit]]
    # Blank lines around the table: Markdown would otherwise read the totals line as one more row.
    lines = [title, "", header, " | ".join("---" for _ in columns), *body, ""]
    if len(rows) > limit:
        lines.append(_t(lang, f"… and {len(rows) - limit} more rows.", f"… và {len(rows) - limit} dòng khác."))
    totals = r.get("totals") or {}
    if totals:
        by_key = {c.get("key"): c for c in columns}
        parts = [f"{by_key.get(k, {}).get('label', k)} {cell(by_key.get(k, {'type': 'text'}), v)}" for k, v in totals.items()]
        lines.append(_t(lang, "Totals: ", "Tổng: ") + ", ".join(parts))
    for note in r.get("notes") or []:
        lines.append(f"_{note}_")
    return "\n".join(lines)


def _generic(tool: str, r: dict[str, Any], lang: str, hints: dict[str, Any] | None = None) -> str:
    hints = hints or {}
    if tool == "find_customers":
        cands = r.get("candidates", [])
        if not cands:
            return _t(lang, f"No customer matches '{r.get('query')}'.", f"Không tìm thấy khách hàng nào khớp '{r.get('query')}'.")
        place = r.get("query") or ""
        if all(fold(c.get("city")) == fold(place) for c in cands):  # "customers in Hanoi": a list, not a choice
            head = _t(lang, f"Customers in {cands[0].get('city')}:", f"Khách hàng ở {place}:")
        else:
            head = _t(lang, "Which one do you mean?" if r.get("ambiguous") else "Customers found:",
                      "Bạn muốn chọn khách hàng nào?" if r.get("ambiguous") else "Khách hàng tìm thấy:")
        def line(c: dict[str, Any]) -> str:
            who = _t(lang, f"{c['contact']} at ", f"{c['contact']}, ") if c.get("contact") else ""
            place = ", ".join(str(c[k]) for k in ("city", "country") if c.get(k))
            reach = "; ".join(str(c[k]) for k in ("phone", "email") if c.get(k)) if len(cands) <= 3 else ""
            owner = _t(lang, f"; account owner {c['owner']}", f"; phụ trách: {c['owner']}") \
                if c.get("owner") and len(cands) <= 3 else ""
            return f"- {who}{c.get('name')} ({c.get('code')})" + (f", {place}" if place else "") + \
                (f" — {reach}" if reach else "") + owner

        return head + "\n" + "\n".join(line(c) for c in cands[:8])
    if tool == "find_employees":
        people = r.get("employees", [])
        if not people:
            return _t(lang, "No colleague matches.", "Không tìm thấy đồng nghiệp nào.")
        lines = []
        if len(people) > 1 or (r.get("total") or 0) > 1:
            lines.append(_t(lang, f"{r.get('total') or len(people)} colleagues:", f"{r.get('total') or len(people)} đồng nghiệp:"))
        for e in people[:20]:
            where = f", {e.get('region')}" if e.get("region") else ""
            line = f"- **{e.get('name')}** ({e.get('code')}): {_word(e.get('role'), lang)}{where}"
            if e.get("email"):
                line += f", {e['email']}"
            boss = e.get("manager")
            if boss:
                line += _t(lang, f"; reports to {boss.get('name')}" + (f" ({boss['email']})" if boss.get("email") else ""),
                           f"; báo cáo cho {boss.get('name')}" + (f" ({boss['email']})" if boss.get("email") else ""))
            if not e.get("active", True):
                line += _t(lang, " (no longer active)", " (đã nghỉ)")
            lines.append(line)
            team = e.get("reports") or []
            if team and len(people) <= 3:
                lines.append(_t(lang, "  Reports to them: ", "  Cấp dưới: ") + ", ".join(
                    t.get("name") + (f" ({', '.join(x for x in (t.get('region'), t.get('email')) if x)})"
                                     if t.get("region") or t.get("email") else "") for t in team))
        if (r.get("total") or 0) > len(people):
            lines.append(_t(lang, f"Showing {len(people)} of {r['total']}; narrow by role or region to see the others.",
                            f"Đang hiện {len(people)} trên {r['total']}; lọc theo vai trò hoặc khu vực để xem thêm."))
        return "\n".join(lines)
    if tool == "find_suppliers":
        suppliers = r.get("suppliers", [])
        if not suppliers:
            return _t(lang, f"No supplier matches '{r.get('query')}'.", f"Không tìm thấy nhà cung cấp nào khớp '{r.get('query')}'.")
        lines = [] if not r.get("ambiguous") else [_t(lang, "Which one do you mean?", "Bạn muốn chọn nhà cung cấp nào?")]
        for sup in suppliers[:5]:
            line = (f"- **{sup.get('name')}** ({sup.get('code')}): "
                    + _t(lang, f"bills us in {sup.get('currency')}, payment terms {sup.get('payment_terms_days')} days",
                         f"xuất hóa đơn bằng {sup.get('currency')}, thời hạn thanh toán {sup.get('payment_terms_days')} ngày"))
            if sup.get("open_payables_base") is not None:
                line += _t(lang, f"; we owe {_m(sup.get('open_payables_base'), r.get('base_currency'))} on "
                                 f"{sup.get('open_bills')} open bill(s)",
                           f"; còn nợ {_m(sup.get('open_payables_base'), r.get('base_currency'))} trên "
                           f"{sup.get('open_bills')} hóa đơn")
            reach = ", ".join(x for x in (sup.get("email"), sup.get("phone")) if x)
            if reach:
                line += f"; {reach}"
            lines.append(line)
            for c in (sup.get("contacts") or [])[:3]:
                lines.append(f"  - {c.get('name')}" + (f" ({c.get('title')})" if c.get("title") else "")
                             + "".join(f", {x}" for x in (c.get("email"), c.get("phone")) if x))
        return "\n".join(lines)
    if tool == "list_tickets":
        tickets = r.get("tickets", [])
        if not tickets:
            # say what was looked for: "No open or pending tickets for Summit Sports Superstores."
            state = {"unresolved": ("open or pending ", "đang mở hoặc đang chờ "), "open": ("open ", "đang mở "),
                     "pending": ("pending ", "đang chờ "), "closed": ("closed ", "đã đóng ")}.get(str(r.get("status")),
                                                                                               ("", ""))
            whose = r.get("customer_name")
            text = _t(lang, f"No {state[0]}tickets" + (f" for {whose}" if whose else "") + ".",
                      f"Không có phiếu hỗ trợ {state[1]}nào" + (f" của {whose}" if whose else "") + ".")
            if (hints or {}).get("yes_no") == "tickets":
                return _t(lang, "No — ", "Không — ") + text[0].lower() + text[1:]
            return text
        total = r.get("total") or len(tickets)
        shown = tickets[:20]
        head = _t(lang, f"{total} ticket(s):", f"{total} phiếu hỗ trợ:")
        if (hints or {}).get("yes_no") == "tickets":
            head = _t(lang, f"Yes — {total} ticket(s):", f"Có — {total} phiếu hỗ trợ:")
        lines = [f"- {t.get('number')} [{_word(t.get('priority'), lang)}, {_word(t.get('status'), lang)}] "
                 f"{t.get('customer_name')}: {t.get('subject')}"
                 + (_t(lang, f" (assigned to {t['assignee']})", f" (phụ trách: {t['assignee']})") if t.get("assignee") else "")
                 + (_t(lang, f"; opened {t['opened_on']}" + (f", closed {t['closed_on']}" if t.get("closed_on") else ""),
                       f"; mở ngày {t['opened_on']}" + (f", đóng ngày {t['closed_on']}" if t.get("closed_on") else ""))
                    if len(shown) <= 3 and t.get("opened_on") else "")
                 for t in shown]
        if len(shown) == 1 and shown[0].get("description"):
            # one ticket looked up: what it says (the customer's words, quoted as data)
            said = " ".join(str(shown[0]["description"]).split())
            lines.append(_t(lang, "  Description: ", "  Mô tả: ") + f"“{said[:400]}{'…' if len(said) > 400 else ''}”")
        if total > len(shown):
            oldest = bool(r.get("oldest_first"))
            lines.append(_t(lang, f"Showing {len(shown)} of {total}, {'oldest' if oldest else 'newest'} first: narrow by "
                                  "priority, customer or status to see the others.",
                            f"Đang hiện {len(shown)} trên {total} phiếu, {'cũ nhất' if oldest else 'mới nhất'} trước: lọc "
                            "theo mức ưu tiên, khách hàng hoặc trạng thái để xem các phiếu còn lại."))
        return head + "\n" + "\n".join(lines)
    if tool == "order_status":
        orders = r.get("orders", [])
        if not orders:
            return _t(lang, "No orders found.", "Không tìm thấy đơn hàng.")
        out = []
        if (hints or {}).get("shipped_asked") and len(orders) == 1:
            # "has it shipped yet?": the answer first, then the order
            o = orders[0]
            if o.get("shipped_date"):
                out.append(_t(lang, f"Yes — shipped on {o['shipped_date']}.", f"Rồi — đã giao ngày {o['shipped_date']}."))
            elif o.get("status") == "cancelled":
                out.append(_t(lang, "No — the order was cancelled.", "Không — đơn đã bị hủy."))
            else:
                out.append(_t(lang, "Not yet — it has not shipped.", "Chưa — đơn chưa được giao."))
        for o in orders[:5]:
            invoices = [i for i in (o.get("invoices") or []) if i.get("status") != "void"]
            billed = ""
            if invoices and len(orders) == 1:
                # one order asked about: its invoice in full (the amount billed, VAT included, and when it is due)
                billed = _t(lang, ", invoice ", ", hóa đơn ") + ", ".join(
                    f"{i.get('number')} " + _t(
                        lang, f"({_m(i.get('amount'), i.get('currency'))} incl. VAT, issued {i.get('issue_date')}, due "
                              f"{i.get('due_date')}" + (f", {_m(i.get('open_balance'), i.get('currency'))} open"
                                                        if i.get("status") == "open" else "") + ")",
                        f"({_m(i.get('amount'), i.get('currency'))} gồm VAT, lập ngày {i.get('issue_date')}, hạn "
                        f"{i.get('due_date')}" + (f", còn nợ {_m(i.get('open_balance'), i.get('currency'))}"
                                                  if i.get("status") == "open" else "") + ")") for i in invoices)
            elif invoices:
                billed = _t(lang, ", invoice ", ", hóa đơn ") + ", ".join(
                    f"{i.get('number')}" + (_t(lang, f" ({_m(i.get('open_balance'), i.get('currency'))} open, due {i.get('due_date')})",
                                               f" (còn nợ {_m(i.get('open_balance'), i.get('currency'))}, hạn {i.get('due_date')})")
                                            if i.get("status") == "open" else "") for i in invoices)
            out.append(f"- {o.get('number')} ({o.get('order_date')}) {o.get('customer_name')}: {_word(o.get('status'), lang)}, "
                       f"{_m(o.get('net_amount'), o.get('currency'))}"
                       + (_t(lang, f", shipped {o.get('shipped_date')}", f", giao ngày {o.get('shipped_date')}") if o.get("shipped_date")
                          # not shipped yet: when the customer needs it
                          else _t(lang, f", needed by {o.get('required_date')}", f", cần giao trước {o.get('required_date')}")
                          if o.get("required_date") and o.get("status") not in ("cancelled",) else "")
                       + billed + f", {_word(o.get('payment_state'), lang)}")
            if len(orders) == 1 and o.get("salesperson"):
                out.append(_t(lang, f"  Salesperson: {o['salesperson']}.", f"  Nhân viên bán hàng: {o['salesperson']}."))
            if len(orders) == 1 and o.get("lines"):
                # one order asked about: what it holds, and how many units in all
                units = sum(int(line.get("quantity") or 0) for line in o["lines"])
                out.append(_t(lang, f"  {len(o['lines'])} line(s), {units:,} unit(s) in all:",
                              f"  {len(o['lines'])} dòng, tổng {units:,} đơn vị:"))
                for line in o.get("lines") or []:
                    pct = Decimal(str(line.get("discount_pct") or 0))
                    discount = f", -{pct.normalize():f}%" if pct else ""
                    out.append(f"  - {line.get('quantity')} × {line.get('name')} ({line.get('sku')}) @ "
                               f"{_m(line.get('unit_price'), o.get('currency'))}{discount} = "
                               f"{_m(line.get('line_amount'), o.get('currency'))}")
        return "\n".join(out)
    if tool == "customer_history":
        entries = r.get("entries", [])
        head = _t(lang, f"History of {r.get('customer_name')}: {r.get('total_entries')} entries", f"Lịch sử của {r.get('customer_name')}: {r.get('total_entries')} mục")
        tot = r.get("totals") or {}
        names = {"orders_net": _t(lang, "orders", "đơn hàng"), "invoiced": _t(lang, "invoiced", "đã xuất hóa đơn"),
                 "paid": _t(lang, "paid", "đã thanh toán")}
        parts = [f"{names.get(k, k)} {_m(v, tot.get('currency'))}" for k, v in tot.items() if k != "currency" and v is not None]
        lines = [head + (f" ({', '.join(parts)})" if parts else "") + "."]
        if (hints or {}).get("yes_no") == "paid" and entries and entries[0].get("kind") == "invoice":
            paid = entries[0].get("status") == "paid"   # the invoice's own status says it, not a sum here
            lines.insert(0, _t(lang, f"Yes — {entries[0].get('reference')} is paid in full." if paid else
                               f"No — {entries[0].get('reference')} still has {_m(entries[0].get('open_balance'), entries[0].get('currency'))} open.",
                               f"Có — {entries[0].get('reference')} đã thanh toán đủ." if paid else
                               f"Chưa — {entries[0].get('reference')} còn nợ {_m(entries[0].get('open_balance'), entries[0].get('currency'))}."))
        elif (hints or {}).get("yes_no") in ("paid_any", "orders"):
            # "has Seoul Office Mart paid anything this year?", "has Diego bought anything this year?": whether any
            # payment (order) is in the period, then which
            lines[0] = _t(lang, "Yes — " if entries else "No — ", "Có — " if entries else "Chưa — ") + lines[0]
        if r.get("withheld"):
            left = ", ".join(_word(k, lang) for k in r["withheld"])
            lines.append(_t(lang, f"Left out: {left} — {r.get('customer_name')} is not one of your customers (sales reps see "
                                  "those of the customers they own, and only their own orders).",
                            f"Không hiện: {left} — {r.get('customer_name')} không phải khách hàng của bạn (nhân viên kinh "
                            "doanh chỉ xem của khách hàng mình phụ trách, và chỉ đơn của mình)."))
        for e in entries:
            amount = f" {_m(e.get('amount'), e.get('currency'))}" if e.get("amount") is not None else ""
            status = f" ({_word(e.get('status'), lang)})" if e.get("status") else ""
            lines.append(f"- {e.get('date')} {e.get('reference') or ''}{amount}{status} — {(e.get('description') or '')[:100]}")
            for line in (e.get("lines") or [])[:20] if len(entries) <= 3 else []:
                # a last order asked about: what was on it
                lines.append(f"  - {line.get('quantity')} × {line.get('product') or line.get('name')} ({line.get('sku')}) = "
                             f"{_m(line.get('line_amount'), e.get('currency'))}")
        before = r.get("latest_before")
        if not entries and before:
            amount = f" {_m(before.get('amount'), before.get('currency'))}" if before.get("amount") is not None else ""
            lines.append(_t(lang, f"Nothing from {r.get('date_from')} to {r.get('date_to')}; the latest before that: "
                                  f"{before.get('date')} {before.get('reference') or ''}{amount}.",
                            f"Không có gì từ {r.get('date_from')} đến {r.get('date_to')}; gần nhất trước đó: "
                            f"{before.get('date')} {before.get('reference') or ''}{amount}."))
        total = r.get("total_entries") or 0
        if entries and total > len(entries):
            lines.append(_t(lang, f"Showing the newest {len(entries)} of {total}; ask for the next page or a period to see the others.",
                            f"Đang hiện {len(entries)} mục mới nhất trên {total}; hỏi trang tiếp theo hoặc một khoảng thời gian để xem thêm."))
        return "\n".join(lines)
    if tool == "find_products":
        products = r.get("products", [])
        if not products:
            return _t(lang, "No product matches.", "Không tìm thấy sản phẩm.")
        return "\n".join(f"- {p.get('sku')} {p.get('name')}: {_m(p.get('list_price'), p.get('currency'))}, "
                         + _t(lang, f"{p.get('stock_available')} available", f"còn {p.get('stock_available')}")
                         + ("" if p.get("active") else _t(lang, f" (inactive: {p.get('inactive_reason')})", f" (ngừng bán: {p.get('inactive_reason')})"))
                         for p in products[:10])
    if tool == "product_availability":
        category = f", {r['category']}" if r.get("category") else ""
        lines = [f"**{r.get('name')}** ({r.get('sku')}{category}): {_m(r.get('unit_price'), r.get('currency'))} / {r.get('unit')}"
                 + (_t(lang, f" for {r.get('customer_name')}", f" cho {r.get('customer_name')}") if r.get("customer_name") else "")]
        stock = r.get("stock", [])

        total = sum(int(s.get("available") or 0) for s in stock)
        on_hand = sum(int(s.get("quantity") or 0) for s in stock)
        held = sum(int(s.get("reserved") or 0) for s in stock)
        lines[0] += _t(lang, " — out of stock: nothing available in any warehouse" if stock and total <= 0
                       else f" — {total:,} available in all ({on_hand:,} on hand, {held:,} reserved)",
                       " — hết hàng: không kho nào còn" if stock and total <= 0
                       else f" — còn {total:,} ở tất cả các kho ({on_hand:,} tồn, {held:,} đã giữ)")
        verdict = _enough(r, stock, (hints or {}).get("enough_in"), lang, bool((hints or {}).get("enough")))
        if verdict:
            lines.insert(0, verdict)
        elif (hints or {}).get("reorder_asked") and stock:
            # "is it below the reorder level anywhere?": the tool's own flag, warehouse by warehouse
            below = [str(s.get("warehouse")) for s in stock if s.get("below_reorder")]
            lines.insert(0, _t(lang, f"Yes — below its reorder level in {', '.join(below)}." if below else
                               "No — not below its reorder level in any warehouse.",
                               f"Có — dưới mức đặt hàng lại ở {', '.join(below)}." if below else
                               "Không — không kho nào dưới mức đặt hàng lại."))
        def reorder(s: dict[str, Any]) -> str:
            level = s.get("reorder_level")
            if s.get("below_reorder"):
                return _t(lang, f" — below reorder level ({level})", f" — dưới mức đặt hàng lại ({level})")
            return _t(lang, f"; reorder level {level}", f"; mức đặt hàng lại {level}") if level else ""

        def where(s: dict[str, Any]) -> str:   # "HAN (Long Biên warehouse, Hanoi)": the code, and which one it is
            name = s.get("warehouse_name")
            return f"{s.get('warehouse')} ({name})" if name and name != s.get("warehouse") else str(s.get("warehouse"))

        lines.extend(_t(lang, f"- {where(s)}: {s.get('available')} available ({s.get('quantity')} on hand, "
                              f"{s.get('reserved')} reserved)" + reorder(s),
                        f"- {where(s)}: còn {s.get('available')} ({s.get('quantity')} tồn, {s.get('reserved')} đã giữ)"
                        + reorder(s)) for s in stock)
        if r.get("unit_cost") is None and hints.get("asked_cost"):
            # "giá vốn mực in HP 85A?" asked by support: the cost is not theirs to see, said so
            from backend.roles import COST_VIEWERS

            who = ", ".join(sorted(COST_VIEWERS))
            lines.append(_t(lang, f"The unit cost and margin are not available to your role (only {who} see costs), "
                                  "so I can't show them.",
                            f"Bạn không có quyền xem giá vốn và biên lợi nhuận (chỉ các vai trò {who} được xem)."))
        if r.get("unit_cost") is not None:
            margin = f", margin {_plain(r['margin_pct'])}%" if r.get("margin_pct") is not None else ""
            lines.append(_t(lang, f"Unit cost {_m(r['unit_cost'], r.get('currency'))}{margin}.",
                            f"Giá vốn {_m(r['unit_cost'], r.get('currency'))}"
                            + (f", biên lợi nhuận {_plain(r['margin_pct'])}%" if r.get("margin_pct") is not None else "") + "."))
        if r.get("usual_supplier"):
            who = r["usual_supplier"].rstrip(".")
            lines.append(_t(lang, f"Usual supplier: {who}.", f"Nhà cung cấp thường xuyên: {who}."))
        if r.get("can_fulfil") is not None:
            lines.append(_t(lang, "Enough stock for the quantity." if r["can_fulfil"] else f"Short by {r.get('shortfall')} units.",
                            "Đủ hàng." if r["can_fulfil"] else f"Thiếu {r.get('shortfall')} đơn vị."))
        return "\n".join(lines)
    if tool == "search_docs":
        hits = r.get("results", [])
        if not hits:
            return _t(lang, "I found nothing in the handbook about that.", "Tôi không tìm thấy gì trong tài liệu về việc này.")
        lines = [_t(lang, "From the handbook:", "Theo tài liệu công ty:")]
        for i, h in enumerate(hits[:3], start=1):
            lines.append(f"{i}. “{h.get('quote')}” — {h.get('source')}, {h.get('section')}")
        return "\n".join(lines)
    if tool == "write_report":
        lines = [f"**{r.get('title')}**"]
        lines.extend(f"- {k.get('label')}: {k.get('value')}" for k in (r.get("key_figures") or [])[:6])
        if r.get("narrative"):
            lines.append(r["narrative"].split("\n\n")[0])
        where = r.get("path") or r.get("filename")
        lines.append(_t(lang, f"The document is ready: {where}.", f"Báo cáo đã sẵn sàng: {where}."))
        return "\n".join(lines)
    if tool == "invoice_status":
        # the tool's own sentence (customer, dates, amount, what is paid and open, overdue), then its payments
        lines = [r.get("summary") or r.get("number", "")]
        if (hints or {}).get("yes_no") == "paid" and r.get("status"):
            paid = r["status"] == "paid"
            lines.insert(0, _t(lang, "Yes — it is paid in full." if paid else "No — it is not fully paid yet.",
                               "Có — đã thanh toán đủ." if paid else "Chưa — hóa đơn chưa được thanh toán đủ."))
        sold = r.get("lines") or []
        if r.get("order_number"):
            count = ""
            if sold:
                units = sum(int(line.get("quantity") or 0) for line in sold)
                count = _t(lang, f" — {len(sold)} line(s), {units} unit(s)", f" — {len(sold)} dòng, {units} đơn vị")
            lines.append(_t(lang, f"Order: {r['order_number']}{count}.", f"Đơn hàng: {r['order_number']}{count}."))
        if (hints or {}).get("lines"):
            for line in sold[:20]:
                lines.append(f"  - {line.get('quantity')} × {line.get('name')} ({line.get('sku')}) = "
                             f"{_m(line.get('line_amount'), r.get('currency'))}")
            if len(sold) > 20:
                lines.append(_t(lang, f"  … and {len(sold) - 20} more line(s).", f"  … và {len(sold) - 20} dòng khác."))
        for p in (r.get("payments") or [])[:5]:
            lines.append(_t(lang, "- paid ", "- đã trả ") + f"{_m(p.get('amount'), r.get('currency'))} "
                         + _t(lang, "on ", "ngày ") + f"{p.get('paid_on')}" + (f" ({p['method']})" if p.get("method") else ""))
        return "\n".join(lines)
    if "columns" in r and "rows" in r:
        return _table(r, lang)
    if r.get("summary"):
        return str(r["summary"])
    return "\n".join(f"- {k}: {v}" for k, v in r.items() if not isinstance(v, (list, dict)))


def _enough(r: dict[str, Any], stock: list[dict[str, Any]], warehouse: str | None, lang: str, asked: bool = True) -> str:
    """'Yes — HAN has 85 available, enough for 60.' for a stock check against a quantity (in the warehouse asked
    about, else in all of them together)."""
    wanted = r.get("quantity")
    if not wanted or not asked:
        return ""
    here = next((s for s in stock if s.get("warehouse") == warehouse), None) if warehouse else None
    if here is not None and here.get("can_fulfil") is not None:
        have = int(here.get("available") or 0)
        if here["can_fulfil"]:
            return _t(lang, f"Yes — {warehouse} has {have:,} available, enough for {wanted:,}.",
                      f"Có — kho {warehouse} còn {have:,}, đủ cho {wanted:,}.")
        return _t(lang, f"No — {warehouse} has only {have:,} available ({wanted:,} wanted).",
                  f"Không — kho {warehouse} chỉ còn {have:,} (cần {wanted:,}).")
    if r.get("can_fulfil") is None:
        return ""
    return _t(lang, f"Yes — enough stock for {wanted:,}." if r["can_fulfil"] else f"No — not enough stock for {wanted:,}.",
              f"Có — đủ hàng cho {wanted:,}." if r["can_fulfil"] else f"Không — không đủ hàng cho {wanted:,}.")


def _account_verdict(r: dict[str, Any], lang: str, topic: Any) -> str:
    """'Yes — ' / 'No — ' in front of a credit check or a customer's overview asked as a yes/no question about the
    account: over its credit limit, late on anything, owing anything (the figures follow)."""
    if topic not in ("over_limit", "on_hold", "overdue", "owes"):
        return ""
    inv, credit = r.get("invoices") or {}, r.get("credit") or r

    def positive(value: Any) -> bool | None:
        try:
            return None if value is None else Decimal(str(value)) > 0
        except (ArithmeticError, ValueError):
            return None

    if topic in ("over_limit", "on_hold"):
        # the credit check's own verdicts (backend/tools/credit.py)
        if topic == "over_limit" and not credit.get("limit_configured"):
            return ""
        found = credit.get("over_limit" if topic == "over_limit" else "on_credit_hold")
        if found is None:
            return ""
    elif topic == "overdue":
        found = positive(inv.get("overdue_amount") if inv else r.get("overdue_amount"))
        if found is None and not inv:
            found = bool(r.get("overdue_invoice_count"))
    else:
        found = positive(inv.get("open_amount") if inv else r.get("outstanding"))
    if found is None:
        return ""
    return _t(lang, "Yes — " if found else "No — ", "Có — " if found else "Không — ")


def compose_answer(plan: dict[str, Any], results: list[dict[str, Any]]) -> str:
    lang = plan.get("language", "en")
    parts = []
    for body in results:
        status, result = body.get("status"), body.get("result") or {}
        tool = plan.get("tool")
        if status == "error":
            parts.append(_error_answer(result, lang))
        elif status == "pending_confirmation":
            parts.append(_pending(plan, result, lang))
        elif tool == "customer_overview":
            parts.append(_account_verdict(result, lang, (plan.get("hints") or {}).get("yes_no"))
                         + _overview(result, lang, contacts_only=plan.get("intent") == "contacts"))
        elif tool == "check_credit":
            parts.append(_account_verdict(result, lang, (plan.get("hints") or {}).get("yes_no")) + _credit(result, lang))
        elif tool == "run_report":
            parts.append(_table(result, lang))
        elif tool == "query_data":
            from assistant.planner.data_answers import answer_query_data

            parts.append(answer_query_data(result, language=lang, hints=plan.get("hints") or {}))
        else:
            parts.append(_generic(tool or "", result, lang, plan.get("hints") or {}))
    also = (plan.get("hints") or {}).get("also_named")
    if also and parts:
        # "Hoàng Long" fits more than one customer: the one dealt with most was taken, and the others are named
        parts.append(_t(lang, f"(The name also fits {', '.join(also)}: name it in full to see that one.)",
                        f"(Tên này cũng khớp với {', '.join(also)}: ghi đủ tên để xem khách đó.)"))
    return "\n\n".join(parts)


def _pending(plan: dict[str, Any], pending: dict[str, Any], lang: str) -> str:
    preview = pending.get("preview") or {}
    tool = pending.get("tool")
    ticket, interaction = preview.get("ticket") or {}, preview.get("interaction") or {}
    if tool == "create_quote":
        body = _quote(preview, lang)
    elif lang == "vi" and tool == "create_ticket" and ticket:
        body = (f"Mở phiếu hỗ trợ ưu tiên {_word(ticket.get('priority'), lang)} cho {ticket.get('customer_name')}: "
                f"{ticket.get('subject')}")
    elif lang == "vi" and tool == "log_interaction" and interaction:
        body = f"Ghi nhận {_word(interaction.get('kind'), lang)} với {interaction.get('customer_name')}: {interaction.get('summary')}"
    else:
        body = pending.get("summary", "")
    ask = _t(lang, "Reply **yes** to confirm or **no** to cancel (confirmation expires in 15 minutes).",
             "Trả lời **có** để xác nhận hoặc **không** để hủy (hết hạn sau 15 phút).")
    return f"{body}\n\n{ask}"
