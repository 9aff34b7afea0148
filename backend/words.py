"""The stored codes people read in answers — statuses, pipeline stages, priorities, interaction kinds, payment
states and methods — in English and Vietnamese. One list for the tools, the reports and the answer templates."""
from __future__ import annotations

VIETNAMESE = {
    # roles (the staff directory)
    "sales": "kinh doanh", "support": "hỗ trợ khách hàng", "finance": "tài chính - kế toán", "manager": "quản lý",
    "admin": "quản trị",
    # quotes, orders, invoices, tickets
    "open": "đang mở", "pending_approval": "chờ duyệt", "approved": "đã duyệt", "rejected": "bị từ chối",
    "converted": "đã thành đơn", "expired": "hết hạn", "draft": "nháp", "confirmed": "đã xác nhận", "shipped": "đã giao",
    "invoiced": "đã xuất hóa đơn", "cancelled": "đã hủy", "pending": "đang chờ", "closed": "đã đóng", "paid": "đã thanh toán",
    "void": "đã hủy", "received": "đã nhận", "unresolved": "chưa xử lý",
    # an order's payment state
    "not invoiced": "chưa xuất hóa đơn", "unpaid": "chưa thanh toán", "partly paid": "đã thanh toán một phần",
    # opportunity stages
    "lead": "tiềm năng", "qualification": "đánh giá", "proposal": "đề xuất", "negotiation": "đàm phán",
    "closed_won": "đã thắng", "closed_lost": "đã thua",
    # purchase orders and supplier bills
    "sent": "đã gửi nhà cung cấp", "partially_received": "đã nhận một phần", "matched": "khớp",
    "exceptions": "có chênh lệch",
    # marketing channels ("email" and "other" as the other codes of those names)
    "trade_fair": "hội chợ triển lãm", "google_ads": "Google Ads", "facebook": "Facebook", "zalo": "Zalo",
    "referral": "giới thiệu", "telesales": "telesales", "direct": "trực tiếp (không qua chiến dịch)",
    # ticket priorities
    "low": "thấp", "medium": "trung bình", "high": "cao", "urgent": "khẩn",
    # interaction kinds
    "call": "cuộc gọi", "email": "email", "meeting": "cuộc họp", "chat": "tin nhắn", "note": "ghi chú",
    # payment methods (free text: the usual ones; others are shown as written)
    "bank transfer": "chuyển khoản", "transfer": "chuyển khoản", "cash": "tiền mặt", "card": "thẻ",
    "credit card": "thẻ tín dụng", "cheque": "séc", "check": "séc",
}


# Aging buckets of receivables (backend.semantic.rules.AGING_BUCKETS): (English, Vietnamese), as headings.
AGING_NAMES = {"current": ("Current", "Trong hạn"), "days_1_30": ("1–30 days", "1–30 ngày"),
               "days_31_60": ("31–60 days", "31–60 ngày"), "days_61_90": ("61–90 days", "61–90 ngày"),
               "days_91_plus": ("91+ days", "Trên 90 ngày")}
ENGLISH = {code: english.lower() if code == "current" else english for code, (english, _) in AGING_NAMES.items()}
VIETNAMESE.update({code: vietnamese.lower() if code == "current" else vietnamese
                   for code, (_, vietnamese) in AGING_NAMES.items()})


# A purchase order whose goods are not all in yet, as people say it (sent, or partly received).
# Either open state of a purchase order, said in one breath ("still open (sent but not fully received)").
_NOT_ALL_IN = ("sent but not fully received", "sent and not fully received", "sent but not yet fully received",
               "sent but not all received", "da gui nhung chua nhan du", "da gui ma chua nhan du", "dang ve",
               "dang tren duong ve", "sap ve", "on the way", "in transit", "haven t been fully received",
               "hasn t been fully received", "have not been fully received", "has not been fully received",
               "not been fully received", "haven t been received", "hasn t been received", "not been received yet",
               "haven t fully arrived", "hasn t fully arrived", "not fully arrived")
_WAITING_FOR_GOODS = ("waiting for goods", "waiting for the goods", "waiting for delivery", "still to arrive",
                      "waiting on goods", "waiting on the goods", "waiting on goods for", "still waiting on",
                      "waiting on delivery",
                      "not yet arrived", "goods not in yet", "cho hang ve", "chua ve hang", "hang chua ve", "chua ve",
                      "chua ve het", "chua nhan duoc hang", "haven't arrived", "hasn't arrived", "not arrived yet",
                      "still to come", "still to be received", "yet to arrive", "yet to be received",
                      "haven't been delivered in full", "hasn't been delivered in full", "not been delivered in full",
                      "not delivered in full", "not fully delivered", "not been fully delivered",
                      "haven't been fully delivered", "still outstanding from the supplier", "chua giao du",
                      "chua giao het", "giao chua du")

# Other words people use for a code (the lexicon of the planner reads them): English and Vietnamese.
SYNONYMS = {
    # Folded Vietnamese loses its tones: "thắng" (won) and "tháng" (month) are both "thang", so only phrases here.
    "closed_won": ("won", "win", "wins", "winning", "da thang", "chot duoc", "da chot", "thang duoc"),
    "closed_lost": ("lost", "lose", "losing", "da thua", "bi mat"),
    "cancelled": ("canceled", "cancel", "bi huy", "da huy"),
    "shipped": ("delivered", "dispatched", "sent out", "da giao hang"),
    "draft": ("drafts", "waiting for approval", "awaiting approval", "not yet approved", "cho phe duyet", "cho duyet",
              "dang cho duyet", "dang cho phe duyet", "waiting for my approval", "awaiting my approval",
              "need my approval", "needs my approval", "need approval", "needs approval", "cho toi duyet"), "confirmed": ("open", "waiting to ship", "not yet shipped", "to ship", "chua giao", "not shipped yet", "not shipped",
                                       "haven't shipped", "haven t shipped", "hasn't shipped", "hasn t shipped",
                                       "not been shipped", "havent shipped",
                                       "unshipped", "yet to ship", "chua giao hang"),
    "pending": ("waiting", "on hold", "dang cho", "cho xu ly"), "urgent": ("critical", "khan cap"),
    "pending_approval": ("dang cho duyet", "cho duyet", "waiting for approval", "awaiting approval"),
    "negotiation": ("negotiating", "in negotiation", "dam phan"), "proposal": ("proposals", "de xuat", "bao gia"),
    "qualification": ("qualifying", "danh gia"), "lead": ("leads", "tiem nang"),
    "call": ("calls", "phone call", "phone calls", "goi dien"), "meeting": ("meetings", "visit", "visits", "gap mat"),
    "email": ("emails", "e-mail", "e-mails"), "void": ("voided",),
    # purchase orders: sent to the supplier, the goods not all in yet; a draft waits for approval
    "sent": ("open", "outstanding", "dang mo", "con mo", "waiting to be received", "awaiting delivery", "not yet received", "on order", "cho nhan hang",
             "chua nhan hang", "dang cho giao", "sent but nothing received", "nothing received yet",
             "sent but not received", "nothing received", "chua nhan duoc gi", "da gui ma chua nhan hang",
             "da gui nhung chua nhan hang", "da gui ma chua nhan", "da gui nhung chua nhan", "da gui chua nhan hang",
             "chua nhan du", "not fully received", "not received in full") + _WAITING_FOR_GOODS + _NOT_ALL_IN,
    "partially_received": ("open", "outstanding", "dang mo", "con mo", "partly received", "nhan duoc mot phan", "moi nhan duoc mot phan",
                           "nhan mot phan hang", "received in part", "only partly received", "part received", "partially delivered", "nhan mot phan",
                           "waiting to be received", "awaiting delivery", "not yet received", "on order",
                           "cho nhan hang", "chua nhan hang", "dang cho giao", "chua nhan du", "not fully received",
                           "not received in full") + _WAITING_FOR_GOODS + _NOT_ALL_IN,
    "exceptions": ("matching exceptions", "match exceptions", "exception", "mismatch", "mismatches", "mismatched",
                   "price mismatch", "quantity mismatch", "price or quantity mismatch", "qty mismatch",
                   "price or qty mismatch", "quantity or price mismatch", "khong khop", "chenh lech gia",
                   "chenh lech so luong",
                   "discrepancies", "discrepancy", "lech", "chenh lech", "sai lech"),
    "matched": ("three-way matched", "fully matched"),
    # aging buckets as people write their bounds ("the 31-60 days bucket", "61 đến 90 ngày")
    "current": ("not yet due", "not due yet", "not overdue yet", "chưa đến hạn", "chưa tới hạn", "còn trong hạn"),
    "days_1_30": ("1-30", "1-30 days", "1 to 30 days", "1-30 ngay", "1 den 30 ngay"),
    "days_31_60": ("31-60", "31-60 days", "31 to 60 days", "31-60 ngay", "31 den 60 ngay"),
    "days_61_90": ("61-90", "61-90 days", "61 to 90 days", "61-90 ngay", "61 den 90 ngay"),
    "days_91_plus": ("91+", "90+", "91+ days", "90+ days", "91 days plus", "tren 90 ngay"),
}


def word(code: str | None, language: str | None) -> str:
    """'pending_approval' -> 'pending approval' (English) or 'chờ duyệt' (Vietnamese); unknown codes as written."""
    text = str(code or "")
    if language == "vi":
        return VIETNAMESE.get(text.lower(), text)
    return ENGLISH.get(text.lower(), text.replace("_", " "))
