"""How a turn words a write once it is confirmed or cancelled. Confirming is the turn's work, not a brain's (the
agent loop acts on "yes" itself, Slack and the web on a button), so the words are the same whichever brain — the
offline planner or a language model — proposed the write. Every figure comes from the tool's result."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from backend.money import format_money
from backend.text import say
from backend.words import word

__all__ = ["describe_cancelled", "describe_executed", "language_of"]


def language_of(text: str) -> str:
    """'vi' or 'en' for the words a person wrote (the planner's lexicon knows Vietnamese)."""
    from assistant.planner.planner import language_of as detect

    return detect(text)


def _money(amount: Any, currency: str | None) -> str:
    try:
        return format_money(Decimal(str(amount)), currency or "")
    except (InvalidOperation, ValueError):
        return str(amount)


def _quote(result: dict[str, Any], language: str) -> str:
    currency = result.get("currency")
    total, until = _money(result.get("total"), currency), result.get("valid_until")
    lines = [say(language, f"Done. Quote {result.get('number')} for {result.get('customer_name')} "
                           f"({word(result.get('status'), language)}): total {total}, valid until {until}.",
                 f"Đã tạo báo giá {result.get('number')} cho {result.get('customer_name')} "
                 f"({word(result.get('status'), language)}): tổng {total}, hiệu lực đến {until}.")]
    for reason in result.get("approval_reasons") or []:
        lines.append(say(language, f"Needs approval: {reason}", f"Cần phê duyệt: {reason}"))
    if result.get("credit_warning"):
        lines.append(say(language, f"Credit warning: {result['credit_warning']}",
                         f"Cảnh báo tín dụng: {result['credit_warning']}"))
    return "\n".join(lines)


def describe_executed(tool: str, result: dict[str, Any], language: str) -> str:
    """One line (a quote: a few) saying what the confirmed write did, from the tool's result."""
    if tool == "create_quote":
        return _quote(result, language)
    if tool == "create_ticket":
        t = result.get("ticket", {})
        priority = word(t.get("priority"), language)
        return say(language, f"Ticket {t.get('number')} opened for {t.get('customer_name')} ({priority}): {t.get('subject')}.",
                   f"Đã tạo phiếu {t.get('number')} cho {t.get('customer_name')} (ưu tiên {priority}): {t.get('subject')}.")
    if tool == "log_interaction":
        i = result.get("interaction", {})
        kind = word(i.get("kind"), language)
        return say(language, f"Logged the {kind} with {i.get('customer_name')}.",
                   f"Đã ghi nhận {kind} với {i.get('customer_name')}.")
    if tool == "approve_quote":
        q = result.get("quote", {})
        return say(language, f"Quote {q.get('number')} approved.", f"Đã duyệt báo giá {q.get('number')}.")
    if tool == "convert_quote_to_order":
        return say(language, f"Order {result.get('order_number')} created from quote {result.get('quote_number')}.",
                   f"Đã tạo đơn {result.get('order_number')} từ báo giá {result.get('quote_number')}.")
    return say(language, "Done.", "Xong.")


def describe_cancelled(language: str) -> str:
    return say(language, "Cancelled; nothing was written.", "Đã hủy, không có gì được ghi.")
