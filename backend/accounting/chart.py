"""The chart of accounts: a default for a distributor and Vietnam's VAS numbering (Circular 200), created once.

The posting rules name accounts by role ("receivables", "vat_output", ...), never by code, so a company may
renumber its chart (TANDEM_ACCOUNTING__CODES) and every rule still finds its account.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from backend.errors import BusinessRuleViolation
from backend.models import Account
from backend.settings import Settings, get_settings


@dataclass(frozen=True)
class AccountSpec:
    role: str
    kind: str  # asset | liability | equity | revenue | expense
    name: str
    name_vi: str
    default_code: str
    vas_code: str

    @property
    def normal_side(self) -> str:
        return "debit" if self.kind in ("asset", "expense") else "credit"


CHART: tuple[AccountSpec, ...] = (
    AccountSpec("cash", "asset", "Cash on hand", "Tiền mặt", "1000", "111"),
    AccountSpec("bank", "asset", "Cash at bank", "Tiền gửi ngân hàng", "1010", "112"),
    AccountSpec("receivables", "asset", "Accounts receivable", "Phải thu của khách hàng", "1200", "131"),
    AccountSpec("vat_input", "asset", "VAT input (deductible)", "Thuế GTGT được khấu trừ", "1400", "133"),
    AccountSpec("inventory", "asset", "Inventory (merchandise)", "Hàng hóa", "1300", "156"),
    AccountSpec("payables", "liability", "Accounts payable", "Phải trả cho người bán", "2000", "331"),
    AccountSpec("vat_output", "liability", "VAT output (payable)", "Thuế GTGT phải nộp", "2200", "3331"),
    # Payments received and not yet applied to an invoice; VAS keeps them on 131's credit side (1312 here).
    AccountSpec("customer_advances", "liability", "Customer advances (payments not yet applied)",
                "Người mua trả tiền trước", "2300", "1312"),
    AccountSpec("goods_received_not_billed", "liability", "Goods received not invoiced",
                "Phải trả khác – hàng đã nhận chưa có hóa đơn", "2100", "3388"),
    AccountSpec("opening_equity", "equity", "Owner's capital and opening balances", "Vốn góp của chủ sở hữu",
                "3000", "411"),
    AccountSpec("retained_earnings", "equity", "Retained earnings", "Lợi nhuận sau thuế chưa phân phối", "3100", "421"),
    AccountSpec("revenue", "revenue", "Sales revenue", "Doanh thu bán hàng và cung cấp dịch vụ", "4000", "511"),
    AccountSpec("fx_gain", "revenue", "Foreign exchange gains", "Doanh thu hoạt động tài chính (lãi tỷ giá)",
                "4900", "515"),
    AccountSpec("cogs", "expense", "Cost of goods sold", "Giá vốn hàng bán", "5000", "632"),
    AccountSpec("price_variance", "expense", "Purchase price variance", "Chênh lệch giá mua hàng hóa", "5100", "6328"),
    # VAS books count differences within norms to cost of goods sold (632); 6322 keeps them apart from it.
    AccountSpec("inventory_adjustments", "expense", "Inventory adjustments (shrinkage, count differences)",
                "Giá vốn – hao hụt, chênh lệch kiểm kê hàng hóa", "5200", "6322"),
    AccountSpec("expenses", "expense", "Operating expenses", "Chi phí quản lý doanh nghiệp", "6000", "642"),
    AccountSpec("fx_loss", "expense", "Foreign exchange losses", "Chi phí tài chính (lỗ tỷ giá)", "6900", "635"),
)
ROLES = tuple(spec.role for spec in CHART)


def chart_codes(settings: Settings | None = None) -> dict[str, str]:
    """Role -> account code for the configured chart, with the per-role overrides applied."""
    settings = settings or get_settings()
    vas = settings.accounting.chart == "vas"
    codes = {spec.role: spec.vas_code if vas else spec.default_code for spec in CHART}
    unknown = set(settings.accounting.codes) - set(codes)
    if unknown:
        raise ValueError(f"TANDEM_ACCOUNTING__CODES names unknown roles: {', '.join(sorted(unknown))}")
    codes.update(settings.accounting.codes)
    return codes


def ensure_chart(session: Session, settings: Settings | None = None) -> dict[str, int]:
    """Create the accounts the posting rules need (once; existing accounts are kept as they are) and return
    {role: account id}. Core statements only, so it also runs inside a flush."""
    found = dict(session.execute(select(Account.role, Account.id).where(Account.role.is_not(None))).all())
    missing = [spec for spec in CHART if spec.role not in found]
    if not missing:
        return found
    codes = chart_codes(settings)
    by_code = dict(session.execute(select(Account.code, Account.id).where(
        Account.code.in_([codes[spec.role] for spec in missing]))).all())
    for spec in missing:
        code = codes[spec.role]
        if code in by_code:
            taken = session.execute(select(Account.role).where(Account.id == by_code[code])).scalar_one()
            if taken is not None:
                raise BusinessRuleViolation(f"Account {code} already serves as '{taken}', so it can't also be '{spec.role}'.",
                                            hint="Give the role its own code in TANDEM_ACCOUNTING__CODES.")
            # An account keyed in by hand with the chart's code becomes the one the rules use.
            session.execute(update(Account).where(Account.id == by_code[code]).values(role=spec.role))
            found[spec.role] = by_code[code]
            continue
        found[spec.role] = session.execute(insert(Account).values(
            code=code, name=spec.name, name_vi=spec.name_vi, kind=spec.kind, normal_side=spec.normal_side,
            role=spec.role, active=True).returning(Account.id)).scalar_one()
    return found
