"""The dimensions figures are grouped and filtered by, with their words in both languages and, for statuses, the
codes they take."""
from __future__ import annotations

from backend.models.crm import INTERACTION_KINDS, OPPORTUNITY_STAGES, TICKET_PRIORITIES, TICKET_STATUSES
from backend.models.finance import INVOICE_STATUSES
from backend.models.purchasing import BILL_STATUSES, MATCH_STATUSES, PURCHASE_ORDER_STATUSES
from backend.models.sales import ORDER_STATUSES, QUOTE_STATUSES
from backend.semantic import marketing
from backend.semantic.model import Dimension, Words
from backend.semantic.rules import AGING_BUCKETS


def _d(name: str, en: str, vi: str, kind, *, synonyms_en=(), synonyms_vi=(), values=None, grain=None) -> Dimension:
    return Dimension(name=name, words=Words(en, vi, tuple(synonyms_en), tuple(synonyms_vi)), kind=kind,
                     values=tuple(values) if values else None, grain=grain)


DIMENSION_LIST: list[Dimension] = [
    _d("customer", "customer", "khách hàng", "entity", synonyms_en=("client", "account", "debtor"),
       synonyms_vi=()),
    _d("segment", "segment", "phân khúc", "category",
       synonyms_en=("customer segment", "customer segments", "segments", "customer type", "type of customer",
                    "customer types", "customer group"),
       synonyms_vi=("loại khách hàng", "nhóm khách hàng", "phân khúc khách hàng")),
    _d("city", "city", "thành phố", "category", synonyms_en=("cities", "province", "provinces", "town", "location"),
       synonyms_vi=("tỉnh", "tỉnh thành", "địa phương", "thành phố")),
    _d("country", "country", "quốc gia", "category", synonyms_en=("nation", "market"), synonyms_vi=("nước", "thị trường")),
    _d("region", "region", "khu vực", "category", synonyms_en=("area", "territory"), synonyms_vi=("vùng", "miền")),
    _d("owner", "salesperson", "nhân viên phụ trách", "entity",
       synonyms_en=("rep", "sales rep", "account manager", "owner", "salespeople", "employee", "assignee",
                    "support rep", "support reps", "account managers", "reps", "agent", "agents", "sales agent",
                    "support agent", "sales support agent", "sales support agents", "sales team", "sales force",
                    "salesforce"),
       synonyms_vi=("nhân viên", "người phụ trách", "nhân viên kinh doanh", "đội kinh doanh", "đội sales")),
    _d("product", "product", "sản phẩm", "entity", synonyms_en=("item", "sku", "article", "track", "song"), synonyms_vi=("mặt hàng", "hàng")),
    _d("category", "category", "nhóm hàng", "category",
       synonyms_en=("categories", "product group", "product groups", "product category", "product line", "genre",
                    "genres"),
       synonyms_vi=("danh mục", "loại hàng", "ngành hàng", "thể loại", "nhóm sản phẩm")),
    _d("warehouse", "warehouse", "kho", "entity", synonyms_en=("depot", "store", "location"), synonyms_vi=("kho hàng",)),
    _d("order", "order", "đơn hàng", "entity", synonyms_en=("order number",), synonyms_vi=("số đơn",)),
    _d("order_status", "order status", "trạng thái đơn", "status", values=ORDER_STATUSES),
    _d("invoice", "invoice", "hóa đơn", "entity", synonyms_en=("bill",), synonyms_vi=("số hóa đơn",)),
    _d("invoice_status", "invoice status", "trạng thái hóa đơn", "status", values=INVOICE_STATUSES),
    _d("aging_bucket", "age", "tuổi nợ", "status", values=AGING_BUCKETS,
       synonyms_en=("aging", "ageing", "how overdue", "bucket"), synonyms_vi=("nhóm tuổi nợ",)),
    _d("stage", "stage", "giai đoạn", "status", values=OPPORTUNITY_STAGES, synonyms_vi=("giai đoạn cơ hội",)),
    _d("opportunity", "opportunity", "cơ hội", "entity", synonyms_en=("deal",), synonyms_vi=("thương vụ",)),
    _d("quote_status", "quote status", "trạng thái báo giá", "status", values=QUOTE_STATUSES),
    _d("ticket_status", "ticket status", "trạng thái phiếu", "status", values=TICKET_STATUSES),
    _d("ticket_priority", "priority", "mức ưu tiên", "status", values=TICKET_PRIORITIES, synonyms_vi=("ưu tiên",)),
    _d("interaction_kind", "kind of contact", "hình thức liên hệ", "status", values=INTERACTION_KINDS,
       synonyms_en=("channel", "type of interaction"), synonyms_vi=("loại liên hệ",)),
    _d("payment_method", "payment method", "hình thức thanh toán", "category",
       synonyms_en=("method", "methods", "payment methods", "means of payment", "payment type", "how they paid"),
       synonyms_vi=("phương thức thanh toán", "hình thức", "phương thức", "cách thanh toán")),
    _d("currency", "currency", "tiền tệ", "category", synonyms_vi=("loại tiền",)),
    _d("purchase_order", "purchase order", "đơn mua hàng", "entity", synonyms_en=("po", "po number"),
       synonyms_vi=("đơn đặt hàng nhà cung cấp", "số đơn mua")),
    _d("po_status", "purchase order status", "trạng thái đơn mua hàng", "status", values=PURCHASE_ORDER_STATUSES),
    _d("approver", "approved by", "người duyệt", "category",
       synonyms_en=("approver", "who approved", "signed off by", "who signed off"),
       synonyms_vi=("người phê duyệt", "ai duyệt", "ai phê duyệt", "ai đã duyệt")),
    _d("bill", "supplier bill", "hóa đơn nhà cung cấp", "entity", synonyms_en=("bill number", "vendor bill"),
       synonyms_vi=("hóa đơn mua vào", "hóa đơn mua hàng", "hóa đơn đầu vào")),
    _d("receipt", "goods receipt", "phiếu nhập kho", "entity", synonyms_en=("receipt number", "gr number"),
       synonyms_vi=("số phiếu nhập",)),
    _d("bill_status", "bill status", "trạng thái hóa đơn nhà cung cấp", "status", values=BILL_STATUSES),
    _d("match_status", "three-way match", "đối chiếu ba bên", "status", values=MATCH_STATUSES,
       synonyms_en=("matching", "match"), synonyms_vi=("đối chiếu",)),
    _d("supplier", "supplier", "nhà cung cấp", "entity", synonyms_en=("vendor", "suppliers", "vendors"),
       synonyms_vi=("nhà cung cấp", "người bán")),
    _d("account", "ledger account", "tài khoản kế toán", "category", synonyms_en=("gl account", "general ledger account"),
       synonyms_vi=("tài khoản sổ cái",)),
    _d("day", "day", "ngày", "time", grain="day", synonyms_en=("daily", "days"), synonyms_vi=("hằng ngày",)),
    _d("week", "week", "tuần", "time", grain="week", synonyms_en=("weekly", "weeks"), synonyms_vi=("hằng tuần",)),
    _d("month", "month", "tháng", "time", grain="month", synonyms_en=("monthly", "months"), synonyms_vi=("hằng tháng",)),
    _d("quarter", "quarter", "quý", "time", grain="quarter", synonyms_en=("quarterly", "quarters"), synonyms_vi=()),
    _d("year", "year", "năm", "time", grain="year", synonyms_en=("yearly", "annual", "years"), synonyms_vi=()),
]

DIMENSION_LIST += marketing.DIMENSIONS  # campaign, marketing channel
DIMENSIONS: dict[str, Dimension] = {d.name: d for d in DIMENSION_LIST}
TIME_DIMENSIONS = tuple(d.name for d in DIMENSION_LIST if d.kind == "time")

# The ledger accounts people name by what they hold, for the chart's roles no measure of their own covers
# (`account_balance` / `account_activity` with an account filter answer them). The roles with a measure — cash,
# bank, receivables, inventory, payables, VAT, revenue, cost of goods sold, expenses — are named by its words;
# the two VAT accounts only by the words of their balance (what is owed to, or reclaimable from, the tax office),
# as the VAT a period charged or paid is the VAT measures'.
ACCOUNT_WORDS: dict[str, Words] = {
    "vat_output": Words("VAT payable", "thuế GTGT phải nộp",
                        ("vat payable balance", "vat payable", "output vat balance", "vat output balance",
                         "vat owed to the tax office", "vat we owe", "vat liability", "vat due to the tax office"),
                        ("thuế gtgt còn phải nộp", "số dư thuế gtgt đầu ra", "số dư thuế đầu ra", "thuế còn phải nộp",
                         "thuế phải nộp", "số dư thuế gtgt phải nộp")),
    "vat_input": Words("input VAT balance", "số dư thuế GTGT được khấu trừ",
                       ("vat input balance", "deductible vat balance", "balance of input vat", "input vat on the ledger",
                        "vat receivable", "vat to reclaim"),
                       ("số dư thuế gtgt đầu vào", "số dư thuế đầu vào", "số dư thuế gtgt được khấu trừ",
                        "số dư vat đầu vào")),
    "price_variance": Words("purchase price variance", "chênh lệch giá mua",
                            ("price variance", "ppv", "purchase price variances", "purchasing variance"),
                            ("chênh lệch giá mua hàng", "chênh lệch giá mua hàng hóa")),
    "fx_gain": Words("foreign exchange gains", "lãi chênh lệch tỷ giá",
                     ("foreign exchange gain", "exchange gains", "exchange gain", "fx gains", "fx gain", "currency gains",
                      "forex gains", "forex gain", "gained on exchange rates", "made on exchange rates", "exchange rate gains",
                      "exchange rate gain", "gains on exchange rates", "gain on exchange rates"),
                     ("lãi do tỷ giá", "lãi tỷ giá hối đoái", "lãi tỷ giá", "lãi chênh lệch tỉ giá", "lãi tỉ giá", "doanh thu hoạt động tài chính")),
    "fx_loss": Words("foreign exchange losses", "lỗ chênh lệch tỷ giá",
                     ("foreign exchange loss", "exchange losses", "exchange loss", "fx losses", "fx loss", "currency losses",
                      "forex losses", "forex loss", "lost on exchange rates", "lost on exchange rate", "lost on exchange",
                      "lost on fx", "lost on currency", "lost on currencies", "exchange rate losses", "exchange rate loss",
                      "losses on exchange rates", "loss on exchange rates"),
                     ("lỗ do tỷ giá", "lỗ vì tỷ giá", "lỗ tỷ giá hối đoái", "lỗ tỷ giá", "lỗ chênh lệch tỉ giá", "lỗ tỉ giá", "chi phí tài chính")),
    "inventory_adjustments": Words("inventory adjustments", "hao hụt hàng hóa",
                                   ("stock adjustments", "inventory shrinkage", "shrinkage", "stock write-offs",
                                    "stock count differences", "count differences"),
                                   ("điều chỉnh tồn kho", "chênh lệch kiểm kê", "hao hụt kiểm kê", "hao hụt")),
    "customer_advances": Words("customer advances", "người mua trả tiền trước",
                               ("customer prepayments", "unapplied payments", "unapplied cash", "advances from customers",
                                "customer deposits"),
                               ("khách hàng trả trước", "tiền khách trả trước", "khách trả trước")),
    "opening_equity": Words("owner's capital", "vốn chủ sở hữu",
                            ("owners capital", "owner capital", "share capital", "contributed capital", "equity capital"),
                            ("vốn góp", "vốn góp của chủ sở hữu")),
    "retained_earnings": Words("retained earnings", "lợi nhuận chưa phân phối",
                               ("accumulated profits",), ("lợi nhuận sau thuế chưa phân phối", "lợi nhuận giữ lại")),
}
