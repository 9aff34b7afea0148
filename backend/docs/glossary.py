"""Vietnamese words of the handbook's subjects with their English names, so a question asked in Vietnamese also
finds the passages only the English documents hold (credit, commissions, warranty, …) — the keyword ranking matches
words, and the embedding model reads English best. Keys and values are folded (no accents, lower case)."""
from __future__ import annotations

import re

from backend.text import fold

VI_EN: dict[str, str] = {
    "hoa hong": "commission", "han muc tin dung": "credit limit", "han muc": "credit limit", "tin dung": "credit",
    "khoa tin dung": "credit hold", "bi khoa": "on hold", "mua no": "buy on credit", "cong no": "credit receivables",
    "bao hanh": "warranty", "may huy tai lieu": "shredder shredders", "may huy": "shredder shredders", "may tinh": "calculator calculators",
    "may in nhan": "label printer printers", "chuot khong day": "wireless mouse mice",
    "chuot": "mouse mice", "ban phim": "keyboard keyboards", "phu kien": "accessories", "may ep": "laminator laminators", "muc in": "toner", "doi tra": "returns", "tra hang": "return goods", "doi y": "change of mind",
    "hoan tien": "refund", "tien mat": "cash", "toi da": "maximum", "toi thieu": "minimum", "giam gia": "discount",
    "chiet khau": "discount", "duyet": "approve approval", "phe duyet": "approve approval", "khach hang moi": "new customer",
    "ban dau": "initial", "ly giay": "paper cups", "in logo": "logo printing custom print", "uu tien": "priority",
    "giai quyet": "resolve resolution", "phi": "fee charge", "giao hang": "delivery", "hoa don": "invoice",
    "ma so thue": "tax code", "chi nhanh": "branch", "chu so": "digits", "thanh toan": "payment", "han thanh toan": "payment terms due",
    "qua han": "overdue", "nhac no": "reminder", "tra gop": "instalments payment plan", "xoa no": "write off",
    "khach hang trong diem": "key account", "trong diem": "key account", "giay in": "copy paper", "giay": "paper",
    "loi nhuan gop": "gross margin", "bien loi nhuan": "margin", "gia von": "unit cost", "bao gia": "quote",
    "hieu luc": "valid validity", "kho": "warehouse", "quay": "counter", "vung": "zone", "mien phi": "free",
    "bi uot": "wet damaged", "hu hong": "damaged", "hong": "damaged", "thieu hang": "short delivery", "khieu nai": "complaint",
    "ticket": "ticket", "sla": "sla", "gio chot don": "cut-off time", "chot don": "cut-off", "trong ngay": "same day",
    "bao lau": "how long days", "bao nhieu ngay": "how many days", "nhan vien kinh doanh": "sales rep", "quan ly": "manager",
    "giam doc": "director", "ke toan": "finance", "xuat hoa don": "invoice issued", "lap hoa don": "invoice issued",
    "khi nao": "when", "du lieu ca nhan": "personal data", "mat khau": "password", "nghi phep": "leave",
}
_KEYS = sorted(VI_EN, key=len, reverse=True)
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(k) for k in _KEYS) + r")\b")


def in_english(query: str) -> str:
    """The query with the English names of the Vietnamese subject words it uses added at the end ("" if none)."""
    found = dict.fromkeys(VI_EN[m.group(1)] for m in _PATTERN.finditer(fold(query)))
    return " ".join(found)


def expand(query: str) -> str:
    extra = in_english(query)
    return f"{query} ({extra})" if extra else query
