"""The offline planner's development set: requests people really type, over the demo company, each with the
tool and arguments we expect. `expected args` are a subset: every key given must match exactly.

A case is (request, tool, args) or (request, tool, args, options) where options may name the employee asking
(`as`, default mai@songhong.vn, a sales rep who owns Hoàng Long Trading and Saigon Foods) and a `chain` id: cases
of one chain run in order in one conversation (follow-ups). tool None means: no tool; a question or a refusal.
"""
from __future__ import annotations

MAI, ANH, HA, BAO = "mai@songhong.vn", "anh@songhong.vn", "ha@songhong.vn", "bao@songhong.vn"

OVERVIEW = "customer_overview"
CREDIT = "check_credit"
REPORT = "run_report"

# Customers people name in many ways: (how they are written, code).
NAMES = [
    ("Hoàng Long", "HOANGLONG"), ("hoang long", "HOANGLONG"), ("Minh Phát", "MINHPHAT"), ("minh phat", "MINHPHAT"),
    ("Saigon Foods", "SAIGONFOODS"), ("saigon food", "SAIGONFOODS"), ("Bólido", "BOLIDO"), ("bolido", "BOLIDO"),
    ("Tân Việt Office", "TANVIET"), ("Đại Tín", "DAITIN"), ("Lion City Office", "LIONCITY"), ("Sakura Bungu", "SAKURABUNGU"),
    ("Hòa Bình", "HOABINH"), ("Merlion Packaging", "MERLIONPKG"), ("Golden Gate Café", "GOLDENGATE"),
    ("Rheinland Bürobedarf", "RHEINLAND"), ("Siam Paper", "SIAMPAPER"), ("Vạn Khang", "VANKHANG"),
    ("Đông Á Paper", "DONGAPAPER"), ("Hoàng Long Packaging", "HOANGLONGPKG"),
]

OVERVIEW_PHRASES = [
    "what's going on with {c} before my 3pm?", "brief me on {c}, meeting at 3", "tell me about {c}", "give me a rundown of {c}",
    "how is {c} doing?", "prep me for my call with {c}", "quick brief on {c} pls", "whats up with {c}",
    "tình hình khách hàng {c} thế nào?", "tóm tắt khách hàng {c} trước cuộc họp", "cho tôi thông tin về {c}",
    "overview of {c}", "update on {c}?", "brief {c}", "I'm meeting {c} tomorrow, what should I know?",
    "is there anything I should know about {c}?",
]
CONTACT_PHRASES = [
    "who's our contact at {c}?", "who do we talk to at {c}", "contact person at {c}", "người liên hệ ở {c} là ai?",
    "who is the buyer at {c}", "contacts for {c}", "liên hệ với ai ở {c}",
]
CREDIT_PHRASES = [
    ("can {c} take another 50k on credit?", {"order_amount": "50000"}),
    ("credit check for {c}", {}), ("how much credit does {c} have left", {}), ("is {c} over their credit limit?", {}),
    ("what's the exposure of {c}", {}), ("hạn mức tín dụng của {c} còn bao nhiêu?", {}),
    ("{c} có thể nợ thêm 200 triệu không?", {"order_amount": "200000000"}),
    ("can {c} take an order of 1.5 million?", {"order_amount": "1500000.0"}),
    ("available credit {c}", {}), ("can {c} take another 2 tỷ on credit", {"order_amount": "2000000000"}),
    ("credit limit of {c}?", {}), ("kiểm tra tín dụng {c}", {}),
    ("{c} có thể mua thêm 50 triệu không?", {"order_amount": "50000000"}), ("can {c} order another 30k?", {"order_amount": "30000"}),
]
QUOTES = [
    ("quote 20 x A4 Double A paper to Minh Phát, 5% off", {"customer": "MINHPHAT", "lines": [{"product": "PAP-A4-80", "quantity": 20, "discount_pct": "5"}]}),
    ("quote 10 x PAP-A4-70 for Hoàng Long", {"customer": "HOANGLONG", "lines": [{"product": "PAP-A4-70", "quantity": 10}]}),
    ("make a quote for Saigon Foods: 50 x FS-CUP-P12", {"customer": "SAIGONFOODS", "lines": [{"product": "FS-CUP-P12", "quantity": 50}]}),
    ("báo giá 30 x PEN-BP-05B cho Minh Phát, giảm 7%", {"customer": "MINHPHAT", "lines": [{"product": "PEN-BP-05B", "quantity": 30, "discount_pct": "7"}]}),
    ("quote Bólido 100 x FS-BOX-BG1 and 20 x FS-LID-90", {"customer": "BOLIDO", "lines": [{"product": "FS-BOX-BG1", "quantity": 100}, {"product": "FS-LID-90", "quantity": 20}]}),
    ("draft a quotation for Tân Việt Office: 5 x EL-SHR-S8, 3% off", {"customer": "TANVIET", "lines": [{"product": "EL-SHR-S8", "quantity": 5, "discount_pct": "3"}]}),
    ("quote 12 x TON-HP-85A to Đại Tín", {"customer": "DAITIN", "lines": [{"product": "TON-HP-85A", "quantity": 12}]}),
    ("lập báo giá cho Hoàng Long 40 x PKG-BOX-M3", {"customer": "HOANGLONG", "lines": [{"product": "PKG-BOX-M3", "quantity": 40}]}),
    ("quote 200 x PAP-A4-SH70 for Hòa Bình, 10% off", {"customer": "HOABINH", "lines": [{"product": "PAP-A4-SH70", "quantity": 200, "discount_pct": "10"}]}),
    ("quote Lion City Office 60 x NB-STK-3X3", {"customer": "LIONCITY", "lines": [{"product": "NB-STK-3X3", "quantity": 60}]}),
    ("Quote 8 x EL-CALC-580 to Vạn Khang", {"customer": "VANKHANG", "lines": [{"product": "EL-CALC-580", "quantity": 8}]}),
    ("quote 25 x thermal paper K80 to Saigon Foods", {"customer": "SAIGONFOODS", "lines": [{"product": "PAP-TH-80", "quantity": 25}]}),
    ("báo giá 15 x mực in HP 26A cho Đông Á Paper", {"customer": "DONGAPAPER", "lines": [{"product": "TON-HP-26A", "quantity": 15}]}),
    ("quote 100 x paper cups 16oz for Golden Gate Café, 2% off", {"customer": "GOLDENGATE", "lines": [{"product": "FS-CUP-P16", "quantity": 100, "discount_pct": "2"}]}),
    ("quote 3 x Brother QL-800 label printer for Merlion Packaging", {"customer": "MERLIONPKG", "lines": [{"product": "EL-LBL-QL800", "quantity": 3}]}),
    ("quote 50 x PKG-TAPE-48 to Siam Paper", {"customer": "SIAMPAPER", "lines": [{"product": "PKG-TAPE-48", "quantity": 50}]}),
]
REPORTS = [
    ("top 5 customers by revenue last quarter", {"report": "sales_by_customer", "period": "last-quarter", "top_n": 5}),
    ("what did we sell to Saigon Foods last month?", {"report": "sales_by_product", "period": "last-month", "customer": "SAIGONFOODS"}),
    ("who owes us the most?", {"report": "ar_aging"}), ("show open orders for Hoàng Long Trading", {"report": "open_orders", "customer": "HOANGLONG"}),
    ("khách hàng nào mua nhiều nhất năm nay?", {"report": "sales_by_customer", "period": "this-year", "customer": None}),
    ("which customer bought the most this year?", {"report": "sales_by_customer", "period": "this-year"}),
    ("doanh thu tháng trước", {"report": "sales_over_time", "period": "last-month"}),
    ("which products need restocking?", {"report": "restock"}),
    ("sales by month this year", {"report": "sales_over_time", "period": "this-year", "group_by": "month"}),
    ("AR aging", {"report": "ar_aging"}), ("show me the AR aging report", {"report": "ar_aging"}),
    ("who is overdue?", {"report": "overdue_invoices"}), ("overdue invoices", {"report": "overdue_invoices"}),
    ("pipeline forecast", {"report": "pipeline"}), ("what's in the pipeline this quarter", {"report": "pipeline", "period": "this-quarter"}),
    ("commissions last month", {"report": "commissions", "period": "last-month"}),
    ("revenue by salesperson Q3", {"report": "sales_by_salesperson", "period": "2026-Q3"}),
    ("sales by country 2025", {"report": "sales_by_country", "period": "2025"}),
    ("open orders not shipped yet", {"report": "open_orders"}),
    ("customer lifetime value top 10", {"report": "customer_lifetime_value", "top_n": 10}),
    ("doanh thu theo sản phẩm quý này", {"report": "sales_by_product", "period": "this-quarter"}),
    ("hoa hồng nhân viên tháng này", {"report": "commissions", "period": "this-month"}),
    ("sản phẩm nào sắp hết hàng?", {"report": "restock"}),
    ("top 10 products last month", {"report": "sales_by_product", "period": "last-month", "top_n": 10}),
    ("revenue YTD", {"report": "sales_over_time", "period": "ytd"}), ("sales year to date by quarter", {"report": "sales_over_time", "period": "ytd", "group_by": "quarter"}),
    ("revenue in October", {"report": "sales_over_time", "period": "2026-10"}),
    ("sales october 2025", {"report": "sales_over_time", "period": "2025-10"}),
    ("revenue last 90 days", {"report": "sales_over_time", "period": "last-90-days"}),
    ("top 3 reps this year", {"report": "sales_by_salesperson", "period": "this-year", "top_n": 3}),
    ("doanh thu năm ngoái theo quý", {"report": "sales_over_time", "period": "last-year", "group_by": "quarter"}),
    ("doanh thu tháng 10", {"report": "sales_over_time", "period": "2026-10"}),
    ("top 5 khách hàng theo doanh thu quý trước", {"report": "sales_by_customer", "period": "last-quarter", "top_n": 5}),
    ("sales by region this year", {"report": "sales_by_region", "period": "this-year"}),
    ("weekly sales last month", {"report": "sales_over_time", "period": "last-month", "group_by": "week"}),
    ("what were sales last year", {"report": "sales_over_time", "period": "last-year"}),
    ("low stock items", {"report": "restock"}), ("what should we reorder", {"report": "restock"}),
    ("công nợ quá hạn", {"report": "overdue_invoices"}), ("báo cáo tuổi nợ", {"report": "ar_aging"}),
    ("top 20 customers by revenue 2025", {"report": "sales_by_customer", "period": "2025", "top_n": 20}),
    ("sales by product Q2 2026", {"report": "sales_by_product", "period": "2026-Q2"}),
    ("revenue per customer this month", {"report": "sales_by_customer", "period": "this-month"}),
    ("forecast for the pipeline", {"report": "pipeline"}),
    ("how much did we sell last quarter", {"report": "sales_over_time", "period": "last-quarter"}),
    ("sales report for last month", {"report": "sales_over_time", "period": "last-month"}),
    ("top customers by lifetime value", {"report": "customer_lifetime_value"}),
    ("unshipped orders", {"report": "open_orders"}), ("đơn hàng chưa giao", {"report": "open_orders"}),
]
# Figures no fixed report holds, through query_data (the semantic model): measures x dimensions x filters x periods.
DATA = [
    # (ranked by units, with their revenue beside them)
    ("best-selling products this year", {"measures": ["units", "revenue"], "group_by": ["product"], "period": "this-year"}),
    ("which customers are in Hanoi?", {"group_by": ["customer"], "filters": [{"dimension": "city", "values": ["Hanoi"]}]}),
    ("có khách hàng nào ở Đà Nẵng không?", {"group_by": ["customer"], "filters": [{"dimension": "city", "values": ["Da Nang"]}]}),
    ("what is the status of my quotes?", {"measures": ["quotes"], "group_by": ["quote_status"], "owner": "me"}),
    # periods of any year, all time, since, ranges
    ("sales in 2024", {"report": "sales_over_time", "period": "2024"}),
    ("what was turnover in the second quarter of 2025?", {"report": "sales_over_time", "period": "2025-Q2"}),
    ("doanh thu quý 2 năm ngoái", {"report": "sales_over_time", "period": "2025-Q2"}),
    ("revenue since 2025", {"report": "sales_over_time", "period": "2025-01-01..2026-11-26"}),
    ("lifetime revenue across all customers", {"report": "customer_lifetime_value"}),
    ("doanh thu từ trước đến nay", {"measures": ["revenue"], "period": "all"}),
    ("sales from march to may 2026", {"report": "sales_over_time", "period": "2026-03..2026-05"}),
    # halves of a year, two months named together, a month with "last year" in Vietnamese
    ("turnover in the second half of 2025", {"report": "sales_over_time", "period": "2025-07-01..2025-12-31"}),
    ("H1 revenue this year", {"report": "sales_over_time", "period": "2026-01-01..2026-06-30"}),
    ("units sold in the first six months of 2024", {"measures": ["units"], "period": "2024-01-01..2024-06-30"}),
    ("doanh số 6 tháng đầu năm 2025", {"report": "sales_over_time", "period": "2025-01-01..2025-06-30"}),
    ("how many orders in june and july?", {"measures": ["orders"], "period": "2026-06..2026-07"}),
    ("doanh thu tháng 3 năm ngoái", {"report": "sales_over_time", "period": "2025-03"}),
    ("số đơn hàng tháng 5/2025 so với tháng 5/2024", {"measures": ["orders"], "period": "2025-05",
                                                     "compare": "same_period_last_year"}),
    # groupings and figures without a report
    ("turnover per province this year", {"report": "sales_by_city", "period": "this-year"}),
    ("sales by customer type in 2025", {"report": "sales_by_segment", "period": "2025"}),
    ("doanh thu theo ngành hàng năm 2025", {"report": "sales_by_category", "period": "2025"}),
    ("what does a typical order come to this year?", {"measures": ["average_order_value"], "period": "this-year"}),
    ("how many orders did we ship in september?", {"measures": ["orders_shipped"], "period": "2026-09"}),
    ("strongest and weakest month of 2025", {"measures": ["revenue"], "group_by": ["month"], "period": "2025"}),
    ("how many units of paper did we sell last quarter?", {"measures": ["units"], "period": "last-quarter",
                                                           "filters": [{"dimension": "category", "values": ["Paper"]}]}),
    ("cash collected last month", {"measures": ["payments_received"], "period": "last-month"}),
    ("tiền thu được trong quý này", {"measures": ["payments_received"], "period": "this-quarter"}),
    ("gross margin by category in 2025", {"measures": ["gross_margin"], "group_by": ["category"], "period": "2025"}),
    ("how many customers bought from us in october?", {"measures": ["customers_buying"], "period": "2026-10"}),
    ("number of invoices issued in 2025", {"measures": ["invoices"], "period": "2025"}),
    ("how many active customers per region", {"measures": ["customers_buying"], "group_by": ["region"]}),
    # comparisons
    ("revenue this quarter vs last quarter", {"measures": ["revenue"], "period": "this-quarter", "compare": "previous_period"}),
    ("orders in october compared to october last year", {"measures": ["orders"], "period": "2026-10",
                                                          "compare": "same_period_last_year"}),
    ("doanh thu năm nay so với cùng kỳ năm ngoái", {"measures": ["revenue"], "period": "ytd",
                                                    "compare": "same_period_last_year"}),
    # filters in words
    ("customers above their credit limit", {"measures": ["credit_exposure", "credit_limit", "available_credit"],
                                            "group_by": ["customer"]}),
    ("accounts nobody has called for 45 days", {"group_by": ["customer"], "conditions": [
        {"measure": "days_since_last_contact", "op": ">", "value": "45"}]}),
    ("customers overdue by more than 30 days", {"group_by": ["customer"], "conditions": [
        {"measure": "max_days_overdue", "op": ">", "value": "30"}]}),
    ("how many orders were cancelled this year?", {"measures": ["orders"], "period": "this-year",
                                                   "filters": [{"dimension": "order_status", "values": ["cancelled"]}]}),
    ("products out of stock in the Hanoi warehouse", {"group_by": ["product"], "conditions": [
        {"measure": "stock_on_hand", "op": "<=", "value": "0"}]}),
    ("khách hàng nào vượt hạn mức tín dụng?", {"group_by": ["customer"]}),
    # entities other than customers and products
    ("Hùng's open deals", {"measures": ["pipeline_amount"], "group_by": ["opportunity", "customer"], "owner": "E002"}),
    ("how much did Phúc sell last month?", {"report": "sales_over_time", "salesperson": "E008", "period": "last-month"}),
    ("what stage is the paper cups for new outlets 2027 deal in?", {"group_by": ["opportunity", "stage", "owner"], "filters": [
        {"dimension": "opportunity", "values": ["Paper cups for new outlets 2027"]}]}),
    ("which deals are in the proposal stage?", {"group_by": ["opportunity", "customer"], "filters": [
        {"dimension": "stage", "values": ["proposal"]}]}),
    ("how many tickets are waiting?", {"measures": ["open_tickets"], "filters": [
        {"dimension": "ticket_status", "values": ["pending"]}]}),
    ("how many tickets got resolved in september?", {"measures": ["tickets_closed"], "period": "2026-09"}),
    ("bao nhiêu phiếu hỗ trợ đã đóng trong quý 3?", {"measures": ["tickets_closed"], "period": "2026-Q3"}),
    ("how many urgent tickets are still unresolved?", {"measures": ["open_tickets"]}),
    ("số đơn hàng của Hương tháng trước", {"measures": ["orders"], "owner": "E009", "period": "last-month"}),
    ("how many products are in the packaging category?", {"measures": ["products"], "filters": [
        {"dimension": "category", "values": ["Packaging"]}]}),
    ("top 3 reps by revenue in 2025", {"report": "sales_by_salesperson", "period": "2025", "top_n": 3}),
    ("the single biggest customer of 2025", {"report": "sales_by_customer", "period": "2025", "top_n": 1}),
]
TICKETS = [
    ("open tickets for Hoàng Long Trading", {"customer": "HOANGLONG"}), ("any support issues with Minh Phát?", {"customer": "MINHPHAT"}),
    ("show urgent tickets", {"priority": "urgent"}), ("complaints from Saigon Foods", {"customer": "SAIGONFOODS"}),
    ("phiếu hỗ trợ của Bólido", {"customer": "BOLIDO"}), ("khiếu nại đang mở của Minh Phát", {"customer": "MINHPHAT"}),
    ("all tickets for Tân Việt Office", {"customer": "TANVIET", "status": "any"}), ("high priority tickets", {"priority": "high"}),
    ("closed tickets for Đại Tín", {"customer": "DAITIN", "status": "closed"}), ("open support cases", {}),
]
NEW_TICKETS = [
    ("open a ticket for Minh Phát: toner cartridge leaking", {"customer": "MINHPHAT", "subject": "toner cartridge leaking"}),
    ("create a high priority ticket for Saigon Foods: wrong invoice amount", {"customer": "SAIGONFOODS", "priority": "high", "subject": "wrong invoice amount"}),
    ("raise a support case for Bólido: damaged boxes on arrival", {"customer": "BOLIDO", "subject": "damaged boxes on arrival"}),
    ("tạo phiếu hỗ trợ cho Đại Tín: giao thiếu hàng", {"customer": "DAITIN", "subject": "giao thiếu hàng"}),
    ("open an urgent ticket for Hoàng Long: printer shredder not working", {"customer": "HOANGLONG", "priority": "urgent"}),
    ("new ticket for Tân Việt Office: late delivery of paper", {"customer": "TANVIET", "subject": "late delivery of paper"}),
]
LOGS = [
    ("log a call with Minh Phát: they want a new price list", {"customer": "MINHPHAT", "kind": "call", "summary": "they want a new price list"}),
    ("log a meeting with Hoàng Long: agreed to pay INV by Friday", {"customer": "HOANGLONG", "kind": "meeting"}),
    ("add a note to Saigon Foods: prefers delivery on Mondays", {"customer": "SAIGONFOODS", "kind": "note", "summary": "prefers delivery on Mondays"}),
    ("ghi lại cuộc gọi với Đại Tín: hẹn gặp tuần sau", {"customer": "DAITIN", "kind": "call", "summary": "hẹn gặp tuần sau"}),
    ("log an email to Bólido: sent the new catalogue", {"customer": "BOLIDO", "kind": "email", "summary": "sent the new catalogue"}),
    ("I just called Tân Việt Office: they will reorder next week", {"customer": "TANVIET", "kind": "call"}),
]
HISTORY = [
    ("order history of Minh Phát", {"customer": "MINHPHAT", "kinds": ["orders"]}),
    ("what did Hoàng Long buy last year", {"customer": "HOANGLONG", "date_from": "2025-01-01", "date_to": "2025-12-31"}),
    ("payments from Saigon Foods this year", {"customer": "SAIGONFOODS", "kinds": ["payments"], "date_from": "2026-01-01"}),
    ("invoices of Bólido last quarter", {"customer": "BOLIDO", "kinds": ["invoices"], "date_from": "2026-07-01", "date_to": "2026-09-30"}),
    ("lịch sử mua hàng của Đại Tín", {"customer": "DAITIN"}),
    ("hóa đơn của Minh Phát tháng trước", {"customer": "MINHPHAT", "kinds": ["invoices"], "date_from": "2026-10-01", "date_to": "2026-10-31"}),
    ("history of Tân Việt Office", {"customer": "TANVIET"}),
    ("payment history Lion City Office", {"customer": "LIONCITY", "kinds": ["payments"]}),
    ("Hoàng Long Trading's last 5 orders", {"customer": "HOANGLONG", "kinds": ["orders"], "page_size": 5}),
    ("when did we last talk to Minh Phát?", {"customer": "MINHPHAT", "kinds": ["interactions"]}),
    ("5 đơn hàng gần nhất của Hoàng Long Trading", {"customer": "HOANGLONG", "kinds": ["orders"], "page_size": 5}),
    ("lần cuối liên hệ với Minh Phát là khi nào?", {"customer": "MINHPHAT", "kinds": ["interactions"]}),
]
ORDER_STATUS = [
    ("status of order SO-2026-001634", {"order": "SO-2026-001634"}), ("where is order SO-2026-001597?", {"order": "SO-2026-001597"}),
    ("has SO-2026-001448 shipped?", {"order": "SO-2026-001448"}), ("trạng thái đơn SO-2026-001634", {"order": "SO-2026-001634"}),
    ("latest orders for Hoàng Long", {"customer": "HOANGLONG"}), ("đơn hàng của Saigon Foods đã giao chưa?", {"customer": "SAIGONFOODS"}),
    ("where is Minh Phát's last order", {"customer": "MINHPHAT"}),
]
FIND_CUSTOMERS = [
    ("customer with email lan@minhphat.vn", {"query": "lan@minhphat.vn"}), ("find customer hoang long packaging", {}),
    ("look up bolido", {}), ("tìm khách hàng Minh Phát", {}), ("find customer tan viet", {}),
    ("who is tuan.pham@hoanglong.vn", {"query": "tuan.pham@hoanglong.vn"}),

]
PRODUCTS = [
    ("do we have A4 paper in stock", "product_availability", {}), ("stock of PAP-A4-80", "product_availability", {"product": "PAP-A4-80"}),
    ("how many paper cups 12oz are left", "product_availability", {"product": "FS-CUP-P12"}),
    ("còn hàng TON-HP-85A không?", "product_availability", {"product": "TON-HP-85A"}),
    ("do we sell thermal paper?", "find_products", {}), ("what's the price of PAP-A4-80", "find_products", {"query": "PAP-A4-80"}),
    ("how much are ballpoint pens", "find_products", {}), ("tìm sản phẩm bút bi", "find_products", {}),
    ("show me the packaging catalogue", "find_products", {}), ("availability of EL-SHR-S8", "product_availability", {"product": "EL-SHR-S8"}),
    ("tồn kho bút bi PEN-BP-05B", "product_availability", {"product": "PEN-BP-05B"}),
    ("giấy A4 Double A còn hàng không?", "product_availability", {"product": "PAP-A4-80", "customer": None}),
    ("tìm sản phẩm bút bi", "find_products", {"query": "bút bi"}),
]
DOCS = [
    "thời hạn thanh toán mặc định là bao lâu?",
    "what discount can I give without approval?", "what are our payment terms for new customers?",
    "how do I handle a return of a damaged item?", "what is the SLA for urgent tickets?", "when do we put a customer on credit hold?",
    "chính sách đổi trả hàng như thế nào?", "quy trình giao hàng ra sao?", "how do I onboard a new customer?",
    "what's the warranty policy", "what is our returns policy",
    # rules asked with figure words (maximum, digits, days, write off, escalate, cut-off): still the handbook's
    "what's the max refund a rep can agree to on the phone?", "what's the cut-off for next-day delivery?",
    "can finance waive a late fee without a manager?", "how many digits does a customer tax code have?",
    "khách mua lẻ được hạn thanh toán mấy ngày?", "when is an overdue account escalated to a director?",
]
APPROVALS = [
    ("approve quote QUO-2026-000012", "approve_quote", {"quote": "QUO-2026-000012"}, {"as": BAO}),
    ("please approve QUO-2026-000003", "approve_quote", {"quote": "QUO-2026-000003"}, {"as": BAO}),
    ("duyệt báo giá QUO-2026-000007", "approve_quote", {"quote": "QUO-2026-000007"}, {"as": BAO}),
    ("convert quote QUO-2026-000012 to an order", "convert_quote_to_order", {"quote": "QUO-2026-000012"}, {}),
    ("turn QUO-2026-000003 into an order", "convert_quote_to_order", {"quote": "QUO-2026-000003"}, {}),
    ("chuyển báo giá QUO-2026-000007 thành đơn hàng", "convert_quote_to_order", {"quote": "QUO-2026-000007"}, {}),
]
DOCUMENTS = [
    ("write me the October sales report", {"report": "sales", "period": "2026-10", "format": "pdf"}),
    ("prepare the AR aging report as a PDF", {"report": "ar-aging", "format": "pdf"}),
    ("write the pipeline report for this quarter", {"report": "pipeline", "period": "this-quarter"}),
    ("generate the commissions report for last month", {"report": "commissions", "period": "last-month"}),
    ("viết báo cáo doanh thu tháng trước", {"report": "sales", "period": "last-month", "language": "vi"}),
    ("make me a restock report in html", {"report": "restock", "format": "html"}),
]
NO_TOOL = [
    "book me a flight to Da Nang", "write me a poem about paper", "hello", "what can you do?",
    "quote to Minh Phát", "check credit",
]
# Typos, missing accents, shouting and shorthand, as people type on a phone.
TYPOS = [
    ("whats goin on with hoang lng", OVERVIEW, {"customer": "HOANGLONG"}), ("brief me on minh phatt", OVERVIEW, {"customer": "MINHPHAT"}),
    ("tell me abt saigon fods", OVERVIEW, {"customer": "SAIGONFOODS"}), ("BRIEF ME ON BOLIDO", OVERVIEW, {"customer": "BOLIDO"}),
    ("cedit check minh phat", CREDIT, {"customer": "MINHPHAT"}), ("crdit limit saigon foods", CREDIT, {"customer": "SAIGONFOODS"}),
    ("can hoang long take anothr 20k on credit", CREDIT, {"customer": "HOANGLONG", "order_amount": "20000"}),
    ("top 5 custmers by revenue last quater", REPORT, {"report": "sales_by_customer", "top_n": 5}),
    ("doanh thu thang truoc", REPORT, {"report": "sales_over_time", "period": "last-month"}),
    ("tinh hinh khach hang minh phat", OVERVIEW, {"customer": "MINHPHAT"}),
    ("han muc tin dung saigon foods", CREDIT, {"customer": "SAIGONFOODS"}),
    ("quote 20 x PAP-A4-80 to minh phat 5% off", "create_quote", {"customer": "MINHPHAT", "lines": [{"product": "PAP-A4-80", "quantity": 20, "discount_pct": "5"}]}),
    ("whos our contact at minh phat", OVERVIEW, {"customer": "MINHPHAT"}), ("restock list pls", REPORT, {"report": "restock"}),
    ("overdue invoces", REPORT, {"report": "overdue_invoices"}), ("pipline by stage", REPORT, {"report": "pipeline"}),
    ("open tickets hoang long", "list_tickets", {"customer": "HOANGLONG"}), ("sales by prodcut this year", REPORT, {"report": "sales_by_product", "period": "this-year"}),
    ("comissions this month", REPORT, {"report": "commissions", "period": "this-month"}), ("ar ageing", REPORT, {"report": "ar_aging"}),
    ("brief me on tan viet", OVERVIEW, {"customer": "TANVIET"}), ("credit dai tin", CREDIT, {"customer": "DAITIN"}),
    ("what's up w/ lion city office", OVERVIEW, {"customer": "LIONCITY"}), ("hoa binh overview", OVERVIEW, {"customer": "HOABINH"}),
    ("top 10 sản phẩm bán chạy năm nay", "query_data", {"measures": ["units"], "group_by": ["product"], "limit": 10}),
]
CHAINS = [
    [("brief me on Hoàng Long", OVERVIEW, {"customer": "HOANGLONG"}), ("and their open tickets?", "list_tickets", {"customer": "HOANGLONG"}),
     ("what about their credit?", CREDIT, {"customer": "HOANGLONG"}), ("who's our contact there?", OVERVIEW, {"customer": "HOANGLONG"})],
    [("tell me about Minh Phát", OVERVIEW, {"customer": "MINHPHAT"}), ("can they take another 100 triệu?", CREDIT, {"customer": "MINHPHAT", "order_amount": "100000000"}),
     ("their order history", "customer_history", {"customer": "MINHPHAT"})],
    [("tình hình Saigon Foods", OVERVIEW, {"customer": "SAIGONFOODS"}), ("còn phiếu hỗ trợ của họ?", "list_tickets", {"customer": "SAIGONFOODS"}),
     ("hạn mức tín dụng của họ", CREDIT, {"customer": "SAIGONFOODS"})],
    [("top 5 customers by revenue last quarter", REPORT, {"report": "sales_by_customer", "period": "last-quarter", "top_n": 5}),
     ("and last year?", REPORT, {"report": "sales_by_customer", "period": "last-year"})],
    [("doanh thu tháng trước", REPORT, {"report": "sales_over_time", "period": "last-month"}),
     ("còn tháng này?", REPORT, {"report": "sales_over_time", "period": "this-month"})],
    [("credit check for Bólido", CREDIT, {"customer": "BOLIDO"}), ("and their latest orders?", "order_status", {"customer": "BOLIDO"})],
]


# The ERP half, asked by finance (Hà) unless said: (request, tool, expected args subset).
ERP = [
    ("what do we owe suppliers this month?", "query_data", {"measures": ["open_payables"]}),
    ("công nợ phải trả", "query_data", {"measures": ["open_payables"]}),
    ("total accounts payable", "query_data", {"measures": ["open_payables"]}),
    ("how much do we owe Double A?", "query_data", {"measures": ["open_payables", "bill_due_date"], "group_by": ["bill"]}),   # the open bills and their due dates
    ("overdue bills to suppliers", "query_data", {"measures": ["overdue_payables"]}),
    ("P&L for Q3", "run_report", {"report": "profit_and_loss", "period": "2026-Q3"}),
    ("lãi lỗ quý 3", "run_report", {"report": "profit_and_loss", "period": "2026-Q3"}),
    ("income statement last month", "run_report", {"report": "profit_and_loss", "period": "last-month"}),
    ("báo cáo kết quả kinh doanh năm nay", "run_report", {"report": "profit_and_loss", "period": "this-year"}),
    ("balance sheet", "run_report", {"report": "balance_sheet"}),
    ("bảng cân đối kế toán", "run_report", {"report": "balance_sheet"}),
    ("trial balance for October", "run_report", {"report": "trial_balance", "period": "2026-10"}),
    ("cash flow this quarter", "run_report", {"report": "cash_flow", "period": "this-quarter"}),
    ("lưu chuyển tiền tệ tháng trước", "run_report", {"report": "cash_flow", "period": "last-month"}),
    ("AP aging", "run_report", {"report": "ap_aging"}),
    ("aged payables please", "run_report", {"report": "ap_aging"}),
    ("inventory valuation", "run_report", {"report": "inventory_valuation"}),
    ("purchases by supplier this year", "run_report", {"report": "purchases", "period": "this-year"}),
    ("how much did we buy from each supplier this year?", "query_data", {"measures": ["purchases"], "group_by": ["supplier"]}),
    ("gross margin by product last month", "query_data", {"measures": ["gross_margin"], "group_by": ["product"]}),
    ("cost of goods sold this quarter", "query_data", {"measures": ["cogs"]}),
    ("how much cash is in the bank?", "query_data", {"measures": ["cash_balance"]}),
    ("reorder paper from the usual supplier", "reorder_stock", {"product": "paper"}),
    ("reorder what is below its reorder level", "reorder_stock", {}),
    ("draft purchase orders for everything running low", "reorder_stock", {}),
    ("what do we need to reorder?", "run_report", {"report": "restock"}),
    ("CAC by channel this year", "query_data", {"measures": ["cac"], "group_by": ["campaign_channel"]}),
    # a supplier named by its short name, its code or the words in brackets
    ("how much do we still owe Tân Mai?", "query_data",
     {"measures": ["open_payables", "bill_due_date"], "group_by": ["bill"], "filters": [{"dimension": "supplier", "values": ["Công ty CP Giấy Tân Mai"]}]}),
    ("what did we buy from Brother last year?", "query_data",
     {"measures": ["purchases"], "period": "last-year",
      "filters": [{"dimension": "supplier", "values": ["Brother International Singapore Pte Ltd"]}]}),
    ("mình còn nợ Hồng Hà bao nhiêu?", "query_data",
     {"measures": ["open_payables", "bill_due_date"], "group_by": ["bill"],
      "filters": [{"dimension": "supplier", "values": ["Công ty CP Văn phòng phẩm Hồng Hà"]}]}),
    ("payments to Zalo Ads this year", "query_data",
     {"measures": ["supplier_payments_made"], "period": "this-year",
      "filters": [{"dimension": "supplier", "values": ["Công ty CP VNG (Zalo Ads)"]}]}),
    # the books' own balances, and the ledger's cost of goods sold in Vietnamese
    ("inventory on the books at the end of March", "query_data", {"measures": ["inventory_on_books"], "period": "2026-03"}),
    ("phải thu trên sổ sách hiện nay", "query_data", {"measures": ["receivables_on_books"]}),
    ("giá vốn hàng bán năm nay", "query_data", {"measures": ["cogs"], "period": "this-year"}),
    ("send me the P&L for Q3 as a PDF", "write_report", {"report": "profit-and-loss", "period": "2026-Q3", "format": "pdf"}),
    ("output VAT last quarter", "query_data", {"measures": ["output_vat"], "period": "last-quarter"}),
    ("thuế GTGT đầu vào tháng trước", "query_data", {"measures": ["input_vat"], "period": "last-month"}),
    # purchase orders and supplier bills as documents, by their state
    ("which POs are still waiting to be received?", "query_data",
     {"measures": ["purchase_order_value"], "group_by": ["purchase_order", "supplier"],
      "filters": [{"dimension": "po_status", "values": ["sent", "partially_received"]}]}),
    ("any purchase orders waiting for approval?", "query_data",
     {"filters": [{"dimension": "po_status", "values": ["draft"]}]}),
    ("how many purchase orders did we place in October?", "query_data",
     {"measures": ["purchase_orders"], "period": "2026-10"}),
    ("hóa đơn nhà cung cấp nào bị lệch?", "query_data",
     {"group_by": ["bill", "supplier"], "filters": [{"dimension": "match_status", "values": ["exceptions"]}]}),
    ("mua hàng tháng 9 là bao nhiêu?", "query_data", {"measures": ["purchases"], "period": "2026-09"}),
    ("how much did we purchase from suppliers last month?", "query_data", {"measures": ["purchases"], "period": "last-month"}),
    # campaigns: what was spent and whom they brought
    ("how much did we spend on marketing campaigns last year?", "query_data",
     {"measures": ["marketing_spend"], "period": "last-year"}),
    ("Google Ads spend this year", "query_data",
     {"measures": ["marketing_spend"], "filters": [{"dimension": "campaign_channel", "values": ["google_ads"]}]}),
    ("marketing spend by channel in 2025", "query_data",
     {"measures": ["marketing_spend"], "group_by": ["campaign_channel"], "period": "2025"}),
    # credit hold, receivables by their bucket
    ("which customers are on credit hold?", "query_data",
     {"conditions": [{"measure": "max_days_overdue", "op": ">=", "value": "60"}]}),
    ("khách hàng nào đang bị khóa tín dụng?", "query_data",
     {"conditions": [{"measure": "max_days_overdue", "op": ">=", "value": "60"}]}),
    ("what's the AR in the 61-90 days bucket?", "query_data",
     {"measures": ["open_receivables"], "filters": [{"dimension": "aging_bucket", "values": ["days_61_90"]}]}),
]


def cases() -> list[dict]:
    out: list[dict] = []

    def add(request, tool, args, **options):
        out.append({"request": request, "tool": tool, "args": args, "as": options.get("as", MAI), "chain": options.get("chain")})

    for i, phrase in enumerate(OVERVIEW_PHRASES):
        for name, code in NAMES[i % 5: i % 5 + 4]:
            add(phrase.format(c=name), OVERVIEW, {"customer": code})
    for i, phrase in enumerate(CONTACT_PHRASES):
        for name, code in NAMES[(i * 3) % 16: (i * 3) % 16 + 4]:
            add(phrase.format(c=name), OVERVIEW, {"customer": code})
    for i, (phrase, extra) in enumerate(CREDIT_PHRASES):
        for name, code in NAMES[(i * 2) % 17: (i * 2) % 17 + 3]:
            add(phrase.format(c=name), CREDIT, {"customer": code, **extra})
    for request, args in QUOTES:
        add(request, "create_quote", args)
    for request, args in REPORTS:
        add(request, REPORT, args, **({"as": HA} if args["report"] in {"ar_aging", "overdue_invoices"} else {}))
    for request, args in DATA:
        tool = "run_report" if "report" in args else "query_data"
        add(request, tool, args, **({"as": BAO} if args.get("owner") != "me" else {}))
    for request, args in TICKETS:
        add(request, "list_tickets", args, **{"as": ANH})
    for request, args in NEW_TICKETS:
        add(request, "create_ticket", args, **{"as": ANH if "HOANGLONG" not in args.get("customer", "") else MAI})
    for request, args in LOGS:
        add(request, "log_interaction", args)
    for request, args in HISTORY:
        add(request, "customer_history", args)
    for request, args in ORDER_STATUS:
        add(request, "order_status", args)
    for request, args in FIND_CUSTOMERS:
        add(request, "find_customers", args)
    for request, tool, args in PRODUCTS:
        add(request, tool, args)
    for request in DOCS:
        add(request, "search_docs", {})
    # A question about nothing in the system of record is looked up in the handbook, which says it has nothing.
    add("what's the weather tomorrow?", "search_docs", {})
    for request, tool, args, options in APPROVALS:
        add(request, tool, args, **options)
    for request, args in DOCUMENTS:
        add(request, "write_report", args, **{"as": HA})
    for request in NO_TOOL:
        add(request, None, {})
    for request, tool, args in TYPOS:
        add(request, tool, args, **({"as": HA} if args.get("report") in {"ar_aging", "overdue_invoices"} else {}))
    for request, tool, args in ERP:
        add(request, tool, args, **{"as": HA if "cac" not in args.get("measures", []) else BAO})
    # "... of that": the same side of the books, and the same customer or supplier
    for request, tool, args in [("what do we owe Double A?", "query_data", {"measures": ["open_payables", "bill_due_date"], "group_by": ["bill"]}),
                                ("how much of that is overdue?", "query_data",
                                 {"measures": ["overdue_payables", "bill_due_date"], "group_by": ["bill"],
                                  "filters": [{"dimension": "supplier", "values": ["Double A (Vietnam) Co., Ltd."]}]})]:
        add(request, tool, args, **{"as": HA, "chain": "of-that-supplier"})
    for request, tool, args in [("what does Hoàng Long owe us right now?", CREDIT, {"customer": "HOANGLONG"}),
                                ("and how much of that is overdue?", "query_data",
                                 {"measures": ["overdue_amount", "max_days_overdue", "invoice_due_date"],
                                  "group_by": ["invoice"], "customer": "HOANGLONG"})]:
        add(request, tool, args, chain="of-that-customer")
    for number, chain in enumerate(CHAINS):
        for request, tool, args in chain:
            add(request, tool, args, chain=f"chain-{number}")
    # Questions about all of a rep's customers need no one customer; Vietnamese words keep their accents apart.
    add("which of my customers have unpaid invoices?", "query_data",
        {"measures": ["open_receivables"], "group_by": ["customer"], "owner": "me"})
    add("how much do my customers owe right now?", "query_data", {"measures": ["open_receivables"], "owner": "me"})
    add("how many open tickets do my customers have?", "query_data", {"measures": ["open_tickets"]}, **{"as": "hung@songhong.vn"})
    add("5 khách hàng mua nhiều nhất của tôi năm nay", "query_data",
        {"measures": ["revenue"], "group_by": ["customer"], "limit": 5, "owner": "me"})
    add("thời gian xử lý trung bình của các ticket đã đóng năm 2025", "query_data",
        {"measures": ["avg_resolution_days"], "period": "2025"}, **{"as": ANH})
    add("khách hàng đổi ý thì phí nhập lại kho là bao nhiêu?", "search_docs", {}, **{"as": ANH})
    add("how fast do we have to respond to an urgent ticket?", "search_docs", {}, **{"as": ANH})
    add("who approves a credit limit above 500 million?", "search_docs", {}, **{"as": HA})
    # Classes learnt from held-out generations 3-5 (after they were scored): suppliers' bills and terms, ledger
    # balances, the customer a conversation is about, colleagues compared, counts of rows that pass a condition.
    add("Tân Mai có hóa đơn nào quá hạn không?", "query_data",
        {"measures": ["overdue_payables"], "group_by": ["bill"]}, **{"as": HA})
    add("what are Brother Singapore's payment terms?", "find_suppliers", {}, **{"as": HA})
    add("số dư tài khoản ngân hàng cuối tháng 9", "query_data", {"measures": ["bank_balance"], "period": "2026-09"},
        **{"as": HA})
    add("what's the balance of goods received not invoiced?", "query_data",
        {"measures": ["goods_received_not_billed"]}, **{"as": HA})
    add("how did Hùng do last quarter compared with Mai?", "query_data",
        {"measures": ["revenue"], "group_by": ["owner"], "period": "last-quarter"}, **{"as": BAO})
    add("which customers have no credit limit set?", "query_data",
        {"conditions": [{"measure": "credit_limit", "op": "empty"}]}, **{"as": HA})
    add("which products are discontinued?", "query_data", {"measures": ["inactive_products", "stock_on_hand"]})
    add("how many invoices are more than 90 days past due?", "query_data",
        {"measures": ["overdue_invoices"], "filters": [{"dimension": "aging_bucket", "values": ["days_91_plus"]}]},
        **{"as": HA})
    add("what's the oldest overdue invoice?", "query_data",
        {"group_by": ["invoice", "customer"], "order_by": "max_days_overdue", "order": "desc", "limit": 1}, **{"as": HA})
    add("has order SO-2026-001535 been invoiced?", "order_status", {"order": "SO-2026-001535"})
    for request, tool, args in [("Hoàng Long còn nợ mình bao nhiêu?", CREDIT, {"customer": "HOANGLONG"}),
                                ("có hóa đơn nào quá hạn không?", REPORT, {"report": "overdue_invoices",
                                                                            "customer": "HOANGLONG"})]:
        add(request, tool, args, chain="conversation-customer")
    for request, tool, args in [("tổng doanh thu năm 2025 là bao nhiêu?", REPORT, {"period": "2025"}),
                                ("còn năm trước đó?", REPORT, {"period": "2024-01-01..2024-12-31"})]:
        add(request, tool, args, chain="year-before-that", **{"as": BAO})
    # Classes learnt from held-out generation 9: a ledger account named by its code or by what it holds.
    for request, measure, account, period in [
            ("what's the balance on account 1300 today?", "account_balance", "Inventory (merchandise)", "today"),
            ("số dư tài khoản 2000", "account_balance", "Accounts payable", None),
            ("exchange gains posted this year", "account_activity", "Foreign exchange gains", "this-year"),
            ("chênh lệch giá mua quý 3", "account_activity", "Purchase price variance", "2026-Q3"),
            ("how much do we hold in customer advances?", "account_balance",
             "Customer advances (payments not yet applied)", None)]:
        args = {"measures": [measure], "filters": [{"dimension": "account", "values": [account]}]}
        if period:
            args["period"] = period
        add(request, "query_data", args, **{"as": HA})
    # A purchasing document's parts: its lines, the bills against it, what came in on a receipt; then "it".
    for request, tool, args in [
            ("which products are on PO-2026-000594?", "query_data",
             {"measures": ["units_ordered"], "group_by": ["product"],
              "filters": [{"dimension": "purchase_order", "values": ["PO-2026-000594"]}], "period": "all"}),
            ("has it been billed yet?", "query_data",
             {"measures": ["supplier_bill_total", "bill_due_date"],
              "filters": [{"dimension": "purchase_order", "values": ["PO-2026-000594"]}]})]:
        add(request, tool, args, chain="po-parts", **{"as": HA})
    add("phiếu nhập GR-2026-000594 gồm những mặt hàng nào?", "query_data",
        {"measures": ["units_received"], "group_by": ["product"],
         "filters": [{"dimension": "receipt", "values": ["GR-2026-000594"]}]}, **{"as": HA})
    add("how many units of Giấy A4 Double A 80gsm were received into stock last month?", "query_data",
        {"measures": ["units_received"], "product": "PAP-A4-80", "period": "last-month"}, **{"as": HA})
    add("what has Brother Singapore billed us this year, VAT included?", "query_data",
        {"filters": [{"dimension": "supplier", "values": ["Brother International Singapore Pte Ltd"]}],
         "period": "this-year"}, **{"as": HA})
    for request, tool, args in [("what do we owe suppliers in USD?", "query_data", {"measures": ["open_payables"]}),
                                ("split that up by aging bucket", "query_data",
                                 {"measures": ["open_payables"], "group_by": ["aging_bucket"]})]:
        add(request, tool, args, chain="break-down", **{"as": HA})
    for request, tool, args in [("output VAT in September 2026", "query_data",
                                 {"measures": ["output_vat"], "period": "2026-09"}),
                                ("and input VAT for that month?", "query_data",
                                 {"measures": ["input_vat"], "period": "2026-09"})]:
        add(request, tool, args, chain="that-month", **{"as": HA})
    add("how many suppliers invoice us in USD?", "query_data",
        {"measures": ["suppliers"], "filters": [{"dimension": "currency", "values": ["USD"]}]}, **{"as": HA})
    add("net value before VAT of purchase orders with Double A last quarter", "query_data",
        {"measures": ["purchase_order_net"], "filters": [{"dimension": "supplier", "values": ["Double A (Vietnam) Co., Ltd."]}],
         "period": "last-quarter"}, **{"as": HA})
    add("nhà cung cấp nào đang bị mình nợ quá hạn?", "query_data", {"measures": ["overdue_payables"], "group_by": ["supplier"]},
        **{"as": HA})
    add("hóa đơn nhà cung cấp nào còn nợ quá hạn?", "query_data", {"measures": ["overdue_payables"], "group_by": ["bill", "supplier"]},
        **{"as": HA})
    add("how many orders did we get in September 2026, not counting cancelled ones?", "query_data",
        {"measures": ["orders"], "period": "2026-09",
         "filters": [{"dimension": "order_status", "values": ["draft", "confirmed", "shipped", "invoiced"]}]})
    for request, tool, args in [("how many tickets are open or pending?", "query_data", {"measures": ["open_tickets"]}),
                                ("which of those are high priority?", "list_tickets",
                                 {"status": "unresolved", "priority": "high"})]:
        add(request, tool, args, chain="which-of-those", **{"as": ANH})
    for request, tool, args in [("how many invoices are unpaid?", "query_data", {"measures": ["open_invoices"]}),
                                ("and how many of those are overdue?", "query_data", {"measures": ["overdue_invoices"]})]:
        add(request, tool, args, chain="how-many-of-those", **{"as": HA})
    add("how much did customers pay us in USD last month?", "query_data",
        {"measures": ["payments_received"], "filters": [{"dimension": "currency", "values": ["USD"]}],
         "period": "last-month"}, **{"as": HA})
    add("có bao nhiêu hóa đơn còn mở?", "query_data", {"measures": ["open_invoices"]}, **{"as": HA})
    for request, tool, args in [("top 5 products by revenue in September 2026", REPORT,
                                 {"report": "sales_by_product", "period": "2026-09"}),
                                ("and by units sold?", "query_data",
                                 {"measures": ["units"], "group_by": ["product"], "period": "2026-09", "limit": 5})]:
        add(request, tool, args, chain="other-figure", **{"as": BAO})
    for request, tool, args in [("is invoice INV-2026-001263 paid?", "invoice_status", {"invoice": "INV-2026-001263"}),
                                ("who is it billed to?", "invoice_status", {"invoice": "INV-2026-001263"})]:
        add(request, tool, args, chain="invoice-it", **{"as": HA})
    add("how many different cities are our SMB customers in?", "query_data",
        {"measures": ["customers"], "group_by": ["city"], "filters": [{"dimension": "segment", "values": ["SMB"]}]},
        **{"as": BAO})
    add("tổng giá trị các cơ hội đang mở bằng USD", "query_data",
        {"measures": ["pipeline_amount"]}, **{"as": BAO})
    # a campaign by its code or name: its whole life, whatever year its name holds
    add("what did MEGASHOW-2025 cost us?", "query_data",
        {"measures": ["marketing_spend"], "filters": [{"dimension": "campaign", "values": ["MEGASHOW-2025"]}],
         "period": "all"}, **{"as": HA})
    add("Mega Show Hong Kong 2026 mang về bao nhiêu khách hàng?", "query_data",
        {"measures": ["new_customers_acquired"], "filters": [{"dimension": "campaign", "values": ["MEGASHOW-2026"]}],
         "period": "all"}, **{"as": HA})
    add("nợ phải trả nhà cung cấp quá hạn 31-60 ngày là bao nhiêu?", "query_data",
        {"measures": ["open_payables", "overdue_payables"],
         "filters": [{"dimension": "aging_bucket", "values": ["days_31_60"]}]}, **{"as": HA})
    for request, tool, args in [("cost of goods sold on the ledger for September 2026", "query_data",
                                 {"measures": ["cogs"], "period": "2026-09"}),
                                ("so what was the gross margin?", "query_data",
                                 {"measures": ["gross_margin"], "period": "2026-09"})]:
        add(request, tool, args, chain="so-what", **{"as": HA})
    add("what's the oldest open ticket?", "list_tickets", {"oldest_first": True, "limit": 1},
        **{"as": ANH})
    add("how did Trần Thị Mai do in Q3 compared to Lê Văn Hùng?", "query_data",
        {"measures": ["revenue"], "group_by": ["owner"], "period": "2026-Q3",
         "filters": [{"dimension": "owner", "values": ["E001", "E002"]}]}, **{"as": BAO})
    add("are we out of Giấy A4 PaperOne 80gsm?", "product_availability", {"product": "PAP-A4-PO80"})
    add("what are the payment terms for Minh Phát Stationery?", OVERVIEW, {"customer": "MINHPHAT"})
    add("how many customer payments did we get in September 2026?", "query_data",
        {"measures": ["payment_count"], "period": "2026-09"}, **{"as": HA})
    # "của Minh Phát" is the customer's name, not "của mình"; "how much is that altogether" totals the rows shown
    for request, tool, args in [("hóa đơn nào của Minh Phát chưa thanh toán?", "query_data",
                                 {"measures": ["open_receivables", "max_days_overdue", "invoice_due_date"],
                                  "group_by": ["invoice"], "customer": "MINHPHAT"}),
                                ("tổng cộng là bao nhiêu tiền?", "query_data",
                                 {"measures": ["open_receivables", "max_days_overdue", "invoice_due_date"],
                                  "customer": "MINHPHAT"})]:
        add(request, tool, args, chain="altogether", **{"as": HA})
    for request, tool, args in [("how much has Saigon Foods bought this year?", "query_data",
                                 {"measures": ["revenue"], "customer": "SAIGONFOODS"}),
                                ("when was her last order?", "order_status", {"customer": "SAIGONFOODS"})]:
        add(request, tool, args, chain="her-last-order", **{"as": BAO})
    for request, tool, args in [("revenue in 2025", REPORT, {"period": "2025"}),
                                ("how many orders did we get that year?", "query_data",
                                 {"measures": ["orders"], "period": "2025"})]:
        add(request, tool, args, chain="that-year", **{"as": BAO})
    add("which open deals have slipped past their expected close date?", "query_data",
        {"measures": ["expected_close", "opportunity_amount"], "group_by": ["opportunity", "customer"],
         "conditions": [{"measure": "days_past_close", "op": ">", "value": "0"}]}, **{"as": BAO})
    add("how much is Minh Phát Stationery behind on payments?", "query_data",   # the overdue invoices, and their total
        {"measures": ["overdue_amount", "max_days_overdue", "invoice_due_date"], "group_by": ["invoice"],
         "customer": "MINHPHAT"}, **{"as": HA})
    add("Hoàng Long Trading's oldest unpaid invoice: when was it due?", "query_data",
        {"measures": ["invoice_due_date"], "group_by": ["invoice"], "customer": "HOANGLONG"}, **{"as": HA})
    add("what's the status of Saigon Foods' latest order?", "order_status", {"customer": "SAIGONFOODS", "limit": 1},
        **{"as": BAO})
    add("at what point does a customer go on credit hold?", "search_docs", {}, **{"as": HA})
    add("which of my customers haven't ordered anything since August?", "query_data",
        {"measures": ["last_order", "days_since_last_order"], "group_by": ["customer"], "owner": "me", "period": "all",
         "conditions": [{"measure": "days_since_last_order", "op": ">", "value": "117"}]})
    add("khách hàng nào chưa mua hàng 60 ngày?", "query_data",
        {"measures": ["last_order", "days_since_last_order"], "group_by": ["customer"],
         "conditions": [{"measure": "days_since_last_order", "op": ">", "value": "60"}]}, **{"as": BAO})
    add("doanh thu từ tháng 3 đến tháng 5 năm 2026", "run_report", {"period": "2026-03..2026-05"}, **{"as": BAO})
    for request, tool, args in [("top 3 customers in Hanoi by revenue this year", "query_data",
                                 {"measures": ["revenue"], "group_by": ["customer"], "limit": 3}),
                                ("which of them owes us the most?", "query_data",
                                 {"measures": ["open_receivables"], "group_by": ["customer"], "limit": 1})]:
        add(request, tool, args, chain="which-of-them-owes", **{"as": BAO})
    add("what's the price of a product in the Notebooks category?", "query_data",
        {"measures": ["list_price"], "filters": [{"dimension": "category", "values": ["Notebooks"]}]})
    add("how many different products do we sell in the Paper category?", "query_data",
        {"measures": ["products"], "filters": [{"dimension": "category", "values": ["Paper"]}]})
    add("how many units of Giấy A4 IK Plus 70gsm went out on deliveries in September 2026?", "query_data",
        {"measures": ["units_delivered"], "product": "PAP-A4-70", "period": "2026-09"}, **{"as": HA})
    # apostrophes are no quotes ("what's Mai's ..."), "billed in EUR" says which invoices, "waht" is "what"
    add("what's Mai's open pipeline worth?", REPORT, {"report": "pipeline", "salesperson": "E001"}, **{"as": BAO})
    add("open invoices billed in USD", "query_data",
        {"measures": ["open_receivables", "max_days_overdue", "invoice_due_date"], "group_by": ["invoice", "customer"],
         "filters": [{"dimension": "currency", "values": ["USD"]}]}, **{"as": HA})
    add("waht did Minh Phát Stationery buy last month", "customer_history",
        {"customer": "MINHPHAT", "date_from": "2026-10-01", "date_to": "2026-10-31"})
    # the buying side: payables asked as such, purchases, POs waiting for approval or not fully received
    add("how much of our payables is overdue?", "query_data", {"measures": ["open_payables", "overdue_payables"]},
        **{"as": HA})
    add("purchases in September", "query_data", {"measures": ["purchases"], "period": "2026-09"}, **{"as": HA})
    add("top 5 suppliers by purchases this year", "query_data",
        {"measures": ["purchases"], "group_by": ["supplier"], "limit": 5}, **{"as": HA})
    add("Saigon Foods JSC's purchases this year", "customer_history", {"customer": "SAIGONFOODS"}, **{"as": BAO})
    add("any purchase orders waiting for my approval?", "query_data",
        {"filters": [{"dimension": "po_status", "values": ["draft"]}]}, **{"as": BAO})
    add("đơn mua hàng nào của Tân Mai chưa nhận đủ?", "query_data",
        {"group_by": ["purchase_order", "po_status"],
         "filters": [{"dimension": "supplier", "values": ["Công ty CP Giấy Tân Mai"]},
                     {"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    add("last payment we made to APP Vietnam?", "query_data",
        {"measures": ["supplier_payments_made"], "filters": [{"dimension": "supplier", "values": ["Công ty TNHH APP Việt Nam"]}]},
        **{"as": HA})
    add("how many customer invoices are open and what's the total?", "query_data",
        {"measures": ["open_invoices", "open_receivables"]}, **{"as": HA})
    add("Mai's open deals: how many and what are they worth?", "query_data",
        {"measures": ["open_opportunities", "pipeline_amount"], "owner": "E001"}, **{"as": BAO})
    add("khách hàng nào của em chưa liên hệ hai tháng rồi?", "query_data",
        {"conditions": [{"measure": "days_since_last_contact", "op": ">", "value": "60"}]})
    # list prices: ranked, compared with a figure said, and a plain "price of X" stays the product's record
    add("what's the most expensive product in the Paper category?", "query_data",
        {"measures": ["list_price"], "group_by": ["product"], "filters": [{"dimension": "category", "values": ["Paper"]}],
         "limit": 1})
    add("how many products are priced under 50000?", "query_data",
        {"measures": ["list_price"], "group_by": ["product"],
         "conditions": [{"measure": "list_price", "op": "<", "value": "50000"}]})
    add("price of Giấy A4 IK Plus 70gsm?", "find_products", {"query": "PAP-A4-70"})
    # a model number in a longer sentence names its product; "in HP" is the ink's, not a warehouse
    add("giá vốn mực in HP 85A là bao nhiêu?", "product_availability", {"product": "TON-HP-85A"}, **{"as": HA})
    add("how many Giấy A4 IK Plus 70gsm in HAN?", "product_availability", {"product": "PAP-A4-70"})
    # a contact by full name: their company (Trịnh Văn Khải buys for Hoàng Long Packaging)
    add("who is the account manager for Trịnh Văn Khải?", OVERVIEW, {"customer": "HOANGLONGPKG"})
    # A short name two customers share, asked by support (who owns neither): the one the company deals with far the
    # most (Hoàng Long Trading: 53 orders to Packaging's 16), and the answer names the other.
    add("what's going on with Hoàng Long?", OVERVIEW, {"customer": "HOANGLONG"}, **{"as": ANH})
    # "how many orders is that?": the count of what the last figure covered, over its period
    add("my revenue this month so far", "query_data", {"measures": ["revenue"], "period": "mtd"}, chain="is-that")
    add("how many orders is that?", "query_data", {"measures": ["orders"], "period": "mtd", "owner": "me"},
        chain="is-that")
    add("and what did I do in October?", "query_data", {"measures": ["revenue"], "period": "2026-10"}, chain="is-that")
    # shorthand and a name typed in two words
    add("revenue from hoang long trding last yr", REPORT, {"customer": "HOANGLONG", "period": "last-year"})
    add("doanh thu Sai Gon Food nam nay", REPORT, {"customer": "SAIGONFOODS", "period": "this-year"})
    # a contact by job title, an account's owner, what a customer still owes
    add("who's the purchasing manager at Hoàng Long and what's his number?", OVERVIEW, {"customer": "HOANGLONG"},
        **{"as": BAO})
    add("thong tin lien he ke toan truong Hoang Long", OVERVIEW, {"customer": "HOANGLONG", "language": "vi"},
        **{"as": BAO})
    add("ai phụ trách khách hàng Đông Á Paper?", OVERVIEW, {"customer": "DONGAPAPER"}, **{"as": BAO})
    add("is Đại Tín overdue on anything?", "query_data",
        {"measures": ["overdue_amount", "max_days_overdue"], "group_by": ["invoice"], "customer": "DAITIN"}, **{"as": BAO})
    add("does Hoàng Long Trading owe us anything?", "query_data",
        {"measures": ["open_receivables", "invoice_due_date"], "group_by": ["invoice"], "customer": "HOANGLONG"})
    # counts of the narrower things, on both sides of the books
    add("how many orders have shipped but aren't invoiced?", "query_data",
        {"measures": ["uninvoiced_order_count"], "filters": [{"dimension": "order_status", "values": ["shipped"]}]},
        **{"as": BAO})
    add("how many supplier payments did we make in October?", "query_data",
        {"measures": ["supplier_payment_count"], "period": "2026-10"}, **{"as": HA})
    add("how many HP 85A toners are reserved in HCM?", "query_data",
        {"measures": ["stock_reserved"], "product": "TON-HP-85A"}, **{"as": BAO})
    add("how many supplier bills are overdue?", "query_data", {"measures": ["overdue_bills"]},
        **{"as": HA, "chain": "oldest-one"})
    add("which is the oldest one?", "query_data",
        {"measures": ["overdue_payables", "bill_due_date"], "group_by": ["bill"], "order_by": "bill_due_date",
         "order": "asc", "limit": 1}, **{"as": HA, "chain": "oldest-one"})
    # handbook questions worded with counts and "can", a deal's stage, a value asked as "worth"
    add("how many days does a customer have to return goods if they changed their mind?", "search_docs", {})
    add("at how many days overdue can an invoice be proposed for write-off?", "search_docs", {}, **{"as": HA})
    add("cơ hội đang mở của tôi trị giá bao nhiêu?", "query_data", {"measures": ["pipeline_amount"], "owner": "me"})
    add("how many deals are in negotiation and what are they worth", "query_data",
        {"measures": ["opportunities", "pipeline_amount"], "filters": [{"dimension": "stage", "values": ["negotiation"]}]},
        **{"as": BAO})
    add("who has the biggest open pipeline on the team?", "query_data",
        {"measures": ["pipeline_amount"], "group_by": ["owner"], "limit": 1}, **{"as": BAO})
    add("where's the Hoàng Long deal at?", "query_data", {"group_by": ["opportunity", "stage"], "customer": "HOANGLONG"})
    add("which of my customers haven't ordered anything since the start of the year?", "query_data",
        {"measures": ["last_order", "days_since_last_order"], "period": "all",
         "conditions": [{"measure": "days_since_last_order", "op": ">", "value": "329"}]})
    # a customer's last order and last invoice; what a follow-up keeps of the rows before it
    add("when did Saigon Foods last order?", "customer_history", {"customer": "SAIGONFOODS"}, chain="on-that-order")
    add("what was on that order?", "customer_history",
        {"customer": "SAIGONFOODS", "kinds": ["orders"], "page_size": 1, "include_lines": True}, chain="on-that-order")
    add("has Hoàng Long Trading paid its last invoice?", "customer_history",
        {"customer": "HOANGLONG", "kinds": ["invoices"], "page_size": 1})
    add("which invoices are overdue?", "query_data", {"group_by": ["invoice", "customer"]},
        **{"as": HA, "chain": "more-than-30"})
    add("any more than 30 days past due?", "query_data",
        {"group_by": ["invoice", "customer"],
         "conditions": [{"measure": "max_days_overdue", "op": ">", "value": "30"}]}, **{"as": HA, "chain": "more-than-30"})
    # the buying side's own states and words
    add("is there a PO waiting for approval?", "query_data",
        {"group_by": ["purchase_order", "supplier"], "filters": [{"dimension": "po_status", "values": ["draft"]}]},
        **{"as": HA})
    add("which purchase orders are still waiting for goods?", "query_data",
        {"filters": [{"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    add("which bills have matching exceptions and are still unpaid?", "query_data",
        {"measures": ["open_payables", "next_bill_due"], "group_by": ["bill", "supplier"],
         "filters": [{"dimension": "match_status", "values": ["exceptions"]}]}, **{"as": HA})
    add("mình đã trả Thiên Long bao nhiêu trong năm nay?", "query_data",
        {"measures": ["supplier_payments_made"], "period": "this-year",
         "filters": [{"dimension": "supplier", "values": ["Tập đoàn Thiên Long"]}]}, **{"as": HA})
    add("số dư tài khoản phải trả người bán (2000) hôm nay", "query_data",
        {"measures": ["account_balance"], "filters": [{"dimension": "account", "values": ["Accounts payable"]}]},
        **{"as": HA})
    # the other end of a ranking; "which of those" said the Vietnamese way round
    add("which rep sold the most in October?", REPORT, {"report": "sales_by_salesperson", "period": "2026-10"},
        **{"as": BAO, "chain": "who-was-last"})
    add("and who was last?", "query_data",
        {"measures": ["revenue"], "group_by": ["owner"], "period": "2026-10", "order": "asc", "limit": 1},
        **{"as": BAO, "chain": "who-was-last"})
    add("có bao nhiêu ticket đang chờ (pending)?", "query_data", {"measures": ["open_tickets"]},
        **{"as": ANH, "chain": "trong-do"})
    add("trong đó cái nào ưu tiên cao?", "list_tickets", {"status": "pending", "priority": "high"},
        **{"as": ANH, "chain": "trong-do"})
    # a function at a customer is a contact's job; a state named narrows a phrase of several; "2017 year to date"
    add("who handles accounting at Saigon Foods and how do I reach them?", OVERVIEW, {"customer": "SAIGONFOODS"})
    add("How many purchase orders are sent and waiting for delivery?", "query_data",
        {"measures": ["purchase_orders"], "filters": [{"dimension": "po_status", "values": ["sent"]}]}, **{"as": HA})
    add("how many orders are confirmed or shipped but not invoiced yet?", "query_data",
        {"measures": ["uninvoiced_order_count"],
         "filters": [{"dimension": "order_status", "values": ["confirmed", "shipped"]}]}, **{"as": BAO})
    add("compare 2026 year to date with 2025", "query_data",
        {"measures": ["revenue"], "period": "2026", "compare": "previous_period"}, **{"as": BAO})
    # studied misses of earlier sets: a condition in its own words, count and amount together, overdue invoices
    # counted in Vietnamese, TP.HCM, the biggest deal closing in a month, a job asked in other words, a warehouse's
    # receipts, supplier payments by method, bank and cash, what a customer bought most
    add("which of my customers haven't been contacted for more than 60 days?", "query_data",
        {"conditions": [{"measure": "days_since_last_contact", "op": ">", "value": "60"}]})
    add("cash payments received this year: how many and how much?", "query_data",
        {"measures": ["payment_count", "payments_received"], "period": "this-year",
         "filters": [{"dimension": "payment_method", "values": ["cash"]}]}, **{"as": HA})
    add("có bao nhiêu hóa đơn đang quá hạn?", "query_data", {"measures": ["overdue_invoices"]}, **{"as": HA})
    add("so sánh doanh thu Hà Nội và TP.HCM tháng trước", "query_data",
        {"group_by": ["city"], "filters": [{"dimension": "city", "values": ["Hanoi", "Ho Chi Minh City"]}],
         "period": "last-month"}, **{"as": BAO})
    add("biggest open deal expected to close in December", "query_data",
        {"measures": ["pipeline_amount", "expected_close"], "period": "2026-12", "limit": 1}, **{"as": BAO})
    add("who is the chief accountant at Hoàng Long?", OVERVIEW, {"customer": "HOANGLONG"}, **{"as": BAO})
    add("how many boxes of Double A A4 80gsm did we receive into HCM this month?", "query_data",
        {"measures": ["units_received"], "product": "PAP-A4-80",
         "filters": [{"dimension": "warehouse", "values": ["HCM"]}]}, **{"as": HA})
    add("how many supplier payments were made by card this year?", "query_data",
        {"measures": ["supplier_payment_count"], "filters": [{"dimension": "payment_method", "values": ["card"]}]},
        **{"as": HA})
    add("split that between bank and cash on hand", "query_data",
        {"measures": ["bank_balance", "cash_on_hand"]}, **{"as": HA})
    add("what did Saigon Foods buy the most of last year, by revenue?", REPORT,
        {"report": "sales_by_product", "customer": "SAIGONFOODS", "period": "last-year", "top_n": 1})
    add("what's the payment term for key accounts?", "search_docs", {})
    # what is owed and how much of it is late; a place left out; customers' payments in Vietnamese; an English
    # name for a Vietnamese deal; a customer's unpaid invoices asked in Vietnamese
    add("how much does Hoàng Long Trading owe us and how much of it is late?", CREDIT, {"customer": "HOANGLONG"})
    add("quick brief on Hoàng Long Trading before my 3pm: how much do they owe us and how much of it is late?",
        "query_data", {"measures": ["open_receivables", "overdue_amount"], "customer": "HOANGLONG"})
    add("Which country outside Vietnam generated the most sales this year?", "query_data",
        {"group_by": ["country"], "filters": [{"dimension": "country", "op": "not_in", "values": ["Vietnam"]}],
         "limit": 1}, **{"as": BAO})
    add("Tổng số tiền khách đã thanh toán bằng VND trong năm 2025?", "query_data",
        {"measures": ["payments_received"], "period": "2025", "filters": [{"dimension": "currency", "values": ["VND"]}]},
        **{"as": HA})
    add("What stage is the Hoàng Long Trading A4 paper contract for 2027 at, and how much is it worth?", "query_data",
        {"filters": [{"dimension": "opportunity", "values": ["Hợp đồng giấy A4 năm 2027"]}]})
    add("Hoàng Long còn nợ bao nhiêu? Có hóa đơn nào chưa thanh toán không?", "query_data",
        {"measures": ["open_receivables", "invoice_due_date"], "group_by": ["invoice"], "customer": "HOANGLONG"})
    # a segment said in the plural, invoices not yet due, the second best
    add("how many invoices are not yet due?", "query_data",
        {"measures": ["open_invoices"], "filters": [{"dimension": "aging_bucket", "values": ["current"]}]}, **{"as": HA})
    add("hóa đơn nào chưa đến hạn?", "query_data",
        {"measures": ["open_receivables", "invoice_due_date"], "group_by": ["invoice", "customer"],
         "filters": [{"dimension": "aging_bucket", "values": ["current"]}]}, **{"as": HA})
    add("how many customers are export customers?", "query_data",
        {"measures": ["customers"], "filters": [{"dimension": "segment", "values": ["Export"]}]}, **{"as": BAO})
    add("which category had the second best revenue last year?", REPORT,
        {"report": "sales_by_category", "period": "last-year", "top_n": 2}, **{"as": BAO})
    # what a customer bought most; a job asked after the customer was named; a customer's address
    add("what did Hoàng Long buy the most of this year?", "query_data",   # the most of: units
        {"measures": ["units"], "group_by": ["product"], "customer": "HOANGLONG", "limit": 1})
    add("who's the contact at Saigon Foods?", OVERVIEW, {"customer": "SAIGONFOODS"}, chain="job-after")
    add("what's the chief accountant's email?", OVERVIEW, {"customer": "SAIGONFOODS"}, chain="job-after")
    add("dia chi cong ty Dai Tin o dau vay", OVERVIEW, {"customer": "DAITIN", "language": "vi"}, **{"as": BAO})
    # void invoices counted when asked for ("have been": ever); "on top" inside a product's name ranks nothing
    add("how many invoices have been voided?", "query_data",
        {"measures": ["invoices"], "period": "all", "filters": [{"dimension": "invoice_status", "values": ["void"]}]},
        **{"as": HA})
    # "lower than last month" compares; a yes-or-no on the direction
    add("is revenue this month lower than last month?", "query_data",
        {"measures": ["revenue"], "period": "this-month", "compare": "previous_period"}, **{"as": BAO})
    add("customers with more than 10 orders last month", "query_data", {"period": "last-month"}, **{"as": BAO})
    # a category called by its products' leading words, which still name the product they start
    add("doanh thu mực in tháng trước", "query_data",
        {"measures": ["revenue"], "period": "last-month", "filters": [{"dimension": "category", "values": ["Toner & ink"]}]},
        **{"as": BAO})
    add("doanh thu giấy A4 Double A 80gsm tháng trước", "query_data",
        {"measures": ["revenue"], "period": "last-month", "product": "PAP-A4-80"}, **{"as": BAO})
    add("tiền thu về tuần trước", "query_data", {"measures": ["payments_received"], "period": "last-week"}, **{"as": HA})
    add("who are our 5 biggest debtors?", "query_data",
        {"measures": ["open_receivables"], "group_by": ["customer"], "limit": 5}, **{"as": HA})
    add("which customer has the most open tickets?", "query_data",
        {"measures": ["open_tickets"], "group_by": ["customer"], "limit": 1}, **{"as": ANH})
    # an amount a row's figure is compared with ("over 100 million", "trên 1 tỷ"), never a count or a number of days
    add("customers who bought more than 500 million last year", "query_data",
        {"measures": ["revenue"], "group_by": ["customer"], "period": "last-year",
         "conditions": [{"measure": "revenue", "op": ">", "value": "500000000"}]}, **{"as": BAO})
    add("khách hàng nào mua trên 1 tỷ năm ngoái?", "query_data",
        {"measures": ["revenue"], "group_by": ["customer"],
         "conditions": [{"measure": "revenue", "op": ">", "value": "1000000000"}]}, **{"as": BAO})
    add("unpaid invoices over 50 million", "query_data",
        {"measures": ["open_receivables"], "conditions": [{"measure": "open_receivables", "op": ">", "value": "50000000"}]},
        **{"as": HA})
    add("purchase orders under 10,000,000 this month", "query_data",
        {"measures": ["purchase_order_value"], "period": "this-month",
         "conditions": [{"measure": "purchase_order_value", "op": "<", "value": "10000000"}]}, **{"as": HA})
    add("which rep looks after the most customers?", "query_data", {"measures": ["customers"], "group_by": ["owner"]},
        **{"as": BAO})
    # a month typed with a letter missing is still that month; "em có bao nhiêu" is the asker's own
    add("how many orders did I book in novmber", "query_data", {"measures": ["orders"], "period": "2026-11", "owner": "me"})
    add("how much did we colect in Febuary?", "query_data", {"measures": ["payments_received"], "period": "2026-02"},
        **{"as": HA})
    add("tháng 10 em có bao nhiêu đơn hàng?", "query_data", {"measures": ["orders"], "period": "2026-10", "owner": "me"})
    add("chúng tôi có bao nhiêu đơn hàng tháng 10?", "query_data", {"measures": ["orders"], "period": "2026-10"},
        **{"as": BAO})
    # an amount of a money figure is data, even when the words sound like a rule
    add("how much do customers owe us that's past due?", "query_data",
        {"measures": ["open_receivables", "overdue_amount"]}, **{"as": HA})
    # a follow-up compared with another period keeps the period asked about
    add("doanh thu của tôi quý 3 là bao nhiêu?", "query_data", {"measures": ["revenue"], "period": "2026-Q3"},
        chain="cmp-quarter")
    add("so với quý 2 thì sao?", "query_data", {"measures": ["revenue"], "period": "2026-Q3", "compare": "previous_period"},
        chain="cmp-quarter")
    add("and compared with Q3 2025?", "query_data", {"period": "2026-Q3", "compare": "same_period_last_year"},
        chain="cmp-quarter")
    add("did revenue go up from 2024 to 2025?", "query_data",
        {"measures": ["revenue"], "period": "2025", "compare": "previous_period"}, **{"as": BAO})
    # a customer's interactions or purchases asked for are listed, not counted
    add("recent interactions with Hoàng Long", "customer_history",
        {"customer": "HOANGLONG", "kinds": ["interactions"]})
    add("interactions with Saigon Foods this month", "customer_history",
        {"customer": "SAIGONFOODS", "kinds": ["interactions"], "date_from": "2026-11-01"})
    add("how many interactions with Hoàng Long this month?", "query_data",
        {"measures": ["interactions"], "customer": "HOANGLONG", "period": "this-month"})
    add("show me Hoàng Long's purchase history", "customer_history", {"customer": "HOANGLONG", "kinds": ["orders"]})
    # a product's own words typed without accents ("may tinh" is máy tính, not "mấy tỉnh")
    add("gia may tinh Casio fx-580VN X bao nhieu", "product_availability", {"product": "EL-CALC-580"})
    add("Công ty TNHH Kỹ thuật Nam Phong còn nợ hóa đơn nào? hạn thanh toán khi nào?", "query_data",
        {"measures": ["invoice_due_date", "open_receivables"], "group_by": ["invoice"]}, **{"as": HA})
    # a kind of contact named as the thing counted narrows the interactions to it
    add("how many calls did I log last month?", "query_data",
        {"measures": ["interactions"], "period": "last-month", "owner": "me",
         "filters": [{"dimension": "interaction_kind", "values": ["call"]}]})
    add("bao nhiêu cuộc họp với khách trong tháng 10?", "query_data",
        {"measures": ["interactions"], "period": "2026-10",
         "filters": [{"dimension": "interaction_kind", "values": ["meeting"]}]}, **{"as": BAO})
    # follow-ups: the rows behind the last figure, another ranking of the same rows, another product, a count over
    # the period a report covered
    add("how much is more than 90 days overdue?", "query_data",   # the invoices behind the amount
        {"measures": ["overdue_amount", "max_days_overdue", "invoice_due_date"], "group_by": ["invoice", "customer"]},
        chain="those-rows",
        **{"as": HA})
    add("who are those customers?", "query_data", {"measures": ["overdue_amount"], "group_by": ["customer"]},
        chain="those-rows", **{"as": HA})
    add("top 5 categories by units sold this year", "query_data",
        {"measures": ["units"], "group_by": ["category"], "limit": 5}, chain="rerank", **{"as": BAO})
    add("and by revenue?", "run_report", {"report": "sales_by_category", "period": "this-year", "top_n": 5},
        chain="rerank", **{"as": BAO})   # (the catalogue's report holds that ranking)
    add("how many Giấy A4 Double A 80gsm on hand by warehouse?", "query_data",
        {"measures": ["stock_on_hand"], "group_by": ["warehouse"], "product": "PAP-A4-80"}, chain="other-product",
        **{"as": BAO})
    add("and the IK Plus 70gsm?", "query_data",
        {"measures": ["stock_on_hand"], "group_by": ["warehouse"], "product": "PAP-A4-70"}, chain="other-product",
        **{"as": BAO})
    add("what were sales last month", "run_report", {"report": "sales_over_time", "period": "last-month"},
        chain="report-count", **{"as": BAO})
    add("how many invoices was that?", "query_data", {"measures": ["invoices"], "period": "last-month"},
        chain="report-count", **{"as": BAO})
    # "typical invoice size", "not purchased in the last 12 months" (a year, not 360 days)
    add("typical invoice size in 2025?", "query_data", {"measures": ["average_order_value"], "period": "2025"},
        **{"as": BAO})
    add("how many customers have not purchased in the last 12 months?", "query_data",
        {"conditions": [{"measure": "days_since_last_order", "op": ">", "value": "365"}]}, **{"as": BAO})
    # a supplier's name a letter off; purchase orders "not delivered in full"
    add("what do we owe Shenzen Kingdom in dollars?", "query_data",
        {"measures": ["open_payables", "bill_due_date"], "group_by": ["bill"],
         "filters": [{"dimension": "supplier", "values": ["Shenzhen Kingdom Office Equipment Co., Ltd."]}]}, **{"as": HA})
    add("which Double A purchase orders haven't been delivered in full yet?", "query_data",
        {"measures": ["purchase_order_value", "po_expected_date"], "group_by": ["purchase_order", "po_status"]},
        **{"as": HA})
    # due dates ahead: what falls due today, next week, in the next N days; the next one due and its amount
    add("which supplier bills fall due today?", "query_data",
        {"measures": ["open_payables", "next_bill_due"],
         "conditions": [{"measure": "next_bill_due", "op": ">=", "value": "0"},
                        {"measure": "next_bill_due", "op": "<=", "value": "0"}]}, **{"as": HA})
    add("invoices due next week", "query_data",
        {"measures": ["open_receivables", "invoice_due_date"],
         "conditions": [{"measure": "invoice_due_date", "op": ">=", "value": "4"},
                        {"measure": "invoice_due_date", "op": "<=", "value": "10"}]}, **{"as": HA})
    add("hóa đơn nhà cung cấp nào đến hạn trong 7 ngày tới?", "query_data",
        {"measures": ["open_payables", "next_bill_due"],
         "conditions": [{"measure": "next_bill_due", "op": ">=", "value": "0"},
                        {"measure": "next_bill_due", "op": "<=", "value": "7"}]}, **{"as": HA})
    add("when is our next payment to Double A due and how much is it?", "query_data",
        {"measures": ["open_payables", "next_bill_due"], "group_by": ["bill"], "order_by": "next_bill_due",
         "order": "asc", "limit": 1}, **{"as": HA})
    add("revenue next month", "run_report", {"report": "sales_over_time", "period": "2026-12"}, **{"as": BAO})
    add("deals expected to close next month", "query_data", {"period": "2026-12"}, **{"as": BAO})
    add("how many unpaid supplier bills have match exceptions?", "query_data",
        {"measures": ["open_bills"], "filters": [{"dimension": "match_status", "values": ["exceptions"]}]}, **{"as": HA})
    add("Có bao nhiêu hóa đơn nhà cung cấp chưa thanh toán đang bị lệch đối chiếu?", "query_data",
        {"measures": ["open_bills"], "filters": [{"dimension": "match_status", "values": ["exceptions"]}]}, **{"as": HA})
    # stock checked against a quantity, in a warehouse (or the one in the city named); one product's stock there
    add("customer wants 60 Casio fx-580VN X delivered from Hanoi, do we have enough there?", "product_availability",
        {"product": "EL-CALC-580", "quantity": 60})
    add("kho HCM có đủ 50 hộp giấy A4 Double A 80gsm không?", "product_availability",
        {"product": "PAP-A4-80", "quantity": 50})
    add("Hộp lưu trữ hồ sơ A4 ở kho Hà Nội còn bán được bao nhiêu?", "product_availability", {"product": "PKG-BOX-A4"})
    add("how many customers placed their first ever order with us this year?", "query_data",
        {"measures": ["new_customers"], "period": "this-year"}, **{"as": BAO})
    # a price for a quantity; a product's price and what we pay for it
    add("what's the price of IK Plus A4 70gsm if they take 100 boxes?", "product_availability",
        {"product": "PAP-A4-70", "quantity": 100})
    add("giá giấy A4 IK Plus 70gsm cho 200 hộp", "product_availability", {"product": "PAP-A4-70", "quantity": 200})
    add("what's the list price of the Casio fx-580VN X and what do we pay for it?", "product_availability",
        {"product": "EL-CALC-580"}, **{"as": BAO})
    # follow-ups over the rows just listed: their total worth, those of a priority
    add("which of my deals are past their close date?", "query_data",
        {"measures": ["expected_close", "opportunity_amount"], "owner": "me"}, chain="worth-all")
    add("how much are they worth altogether?", "query_data",
        {"measures": ["opportunity_amount"], "owner": "me"}, chain="worth-all")
    add("Hoàng Long có những ticket nào chưa đóng?", "list_tickets", {"customer": "HOANGLONG"}, chain="ticket-priority",
        **{"as": ANH})
    add("cái nào ưu tiên cao?", "list_tickets", {"customer": "HOANGLONG", "priority": "high"}, chain="ticket-priority",
        **{"as": ANH})
    # "cash collected" is the money that came in, "in cash" the way it was paid
    add("cash collected last week", "query_data", {"measures": ["payments_received"], "period": "last-week"},
        **{"as": HA})
    add("payments received in cash last week", "query_data",
        {"measures": ["payments_received"], "period": "last-week",
         "filters": [{"dimension": "payment_method", "values": ["cash"]}]}, **{"as": HA})
    add("how did each rep do last year?", "run_report", {"report": "sales_by_salesperson", "period": "last-year"},
        **{"as": BAO})
    add("how many orders did each Singapore customer place this year?", "query_data",
        {"measures": ["orders"], "group_by": ["customer"]}, **{"as": BAO})
    # regressions seen on the studied sets: deals "due to close", open bills with the next due date, shipped orders
    add("which of my deals are due to close next month?", "query_data", {"period": "2026-12"})
    add("Double A: open bills and when is the next one due?", "query_data",
        {"measures": ["open_payables", "next_bill_due"], "group_by": ["bill"]}, **{"as": HA})
    add("How many orders shipped in October?", "query_data", {"measures": ["orders_shipped"], "period": "2026-10"},
        **{"as": BAO})
    add("list open purchase orders", "query_data",
        {"filters": [{"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    # words a letter pair swapped, payments by method as amounts, Vietnamese for overdue bills and payables
    add("whats the oldset open ticket", "list_tickets", {"oldest_first": True}, **{"as": ANH})
    add("customers in Singpaore", "query_data", {"filters": [{"dimension": "city", "values": ["Singapore"]}]},
        **{"as": BAO})
    add("break down last year's customer payments by payment method", "query_data",
        {"measures": ["payments_received"], "group_by": ["payment_method"], "period": "last-year"}, **{"as": HA})
    add("có bao nhiêu hóa đơn nhà cung cấp đang quá hạn?", "query_data", {"measures": ["overdue_bills"]}, **{"as": HA})
    add("tổng công nợ phải trả đã quá hạn là bao nhiêu?", "query_data", {"measures": ["overdue_payables"]}, **{"as": HA})
    add("bao nhiêu khách hàng đã mua hàng trong tháng trước?", "query_data",
        {"measures": ["customers_buying"], "period": "last-month"}, **{"as": BAO})
    add("how did last month compare with the same month the year before?", "query_data",
        {"period": "last-month", "compare": "same_period_last_year"}, **{"as": BAO})
    add("total units reserved for orders in the Hanoi warehouse?", "query_data",
        {"measures": ["stock_reserved"], "filters": [{"dimension": "warehouse", "values": ["HAN"]}]}, **{"as": BAO})
    add("how much is still open across all my customers?", "query_data", {"measures": ["open_receivables"], "owner": "me"})
    add("Hoàng Long - how much do they owe and when did they last order?", "query_data",
        {"measures": ["open_receivables", "last_order"], "customer": "HOANGLONG", "period": "all"})
    # a customer's deals asked about: the deals with their stage (or its brief, with the open deals), not its orders
    add("whats the status of my deal with Hoàng Long?", "query_data",
        {"measures": ["opportunity_amount"], "group_by": ["opportunity", "stage"], "customer": "HOANGLONG"})
    add("any open deals with Saigon Foods?", OVERVIEW, {"customer": "SAIGONFOODS"})
    # a product's category asked (its record), a colleague's results by first name
    add("what category is the Casio fx-580VN X in, and what does it cost?", "product_availability",
        {"product": "EL-CALC-580"}, **{"as": BAO})
    # a product's own words calling another category; the bill due next (its number, its date and what is open on it);
    # "mua hàng năm 2026" is no "yearly"
    add("what's the price of the 12oz paper cups?", "query_data", {"measures": ["list_price"], "product": "FS-CUP-P12"})
    add("hoa don nha cung cap tiep theo den han ngay nao", "query_data",
        {"measures": ["open_payables", "next_bill_due"], "limit": 1}, **{"as": HA})
    add("top 3 nhà cung cấp theo giá trị mua hàng năm 2025", "query_data",
        {"measures": ["purchases"], "group_by": ["supplier"], "period": "2025", "limit": 3}, **{"as": HA})
    # who owes the most in overdue invoices (customers), a supplier's open orders and when they arrive, receipts
    # listed, partly received orders in Vietnamese, the open pipeline's worth, deals closing in a quarter ahead
    add("who owes us the most in overdue invoices? top 5", "query_data",
        {"measures": ["overdue_amount"], "group_by": ["customer"], "limit": 5}, **{"as": HA})
    add("when are the open Double A orders due to arrive?", "query_data",
        {"measures": ["purchase_order_value", "po_expected_date"], "group_by": ["purchase_order", "po_status"]},
        **{"as": HA})
    add("hom nay nhap kho nhung phieu nhan hang nao?", "query_data", {"group_by": ["receipt"], "period": "today"},
        **{"as": HA})
    add("những PO nào mới nhận được một phần hàng?", "query_data",
        {"filters": [{"dimension": "po_status", "values": ["partially_received"]}]}, **{"as": HA})
    add("whats the total value of our open pipeline", "run_report", {"report": "pipeline"}, **{"as": BAO})
    add("weighted pipeline for deals expected to close in Q1", "query_data",
        {"measures": ["weighted_pipeline", "expected_close"], "period": "2027-Q1"}, **{"as": BAO})
    add("Đơn mua hàng của Thiên Long bao giờ về?", "query_data",
        {"measures": ["purchase_order_value", "po_expected_date"],
         "filters": [{"dimension": "supplier", "values": ["Tập đoàn Thiên Long"]},
                     {"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    add("how many Mực in HP 85A do we have in the Hanoi warehouse?", "product_availability", {"product": "TON-HP-85A"},
        **{"as": BAO})
    # a change asked with the periods apart ("more in September than in August"), "since the start of August",
    # the fewest units, "take in cash", "waiting on goods", a ticket typed with two letters swapped, what we pay for a
    # product, "bao nhiêu" never Bảo
    add("did we sell more in October than in September?", "query_data",
        {"measures": ["revenue"], "period": "2026-10", "compare": "previous_period"}, **{"as": BAO})
    add("what have I sold since the start of August?", "query_data",
        {"measures": ["revenue"], "period": "2026-08-01..2026-11-26", "owner": "me"})
    add("which 3 products sold the fewest units last year?", "query_data",
        {"measures": ["units", "revenue"], "group_by": ["product"], "order": "asc", "limit": 3}, **{"as": BAO})
    add("which purchase orders are we still waiting on goods for", "query_data",
        {"filters": [{"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    add("whats the oldest tciket thats still not closed?", "list_tickets", {"oldest_first": True}, **{"as": ANH})
    add("what do we pay for the HP 85A toner?", "product_availability", {"product": "TON-HP-85A"}, **{"as": BAO})
    add("doanh thu quý 3 của em bao nhiêu?", "query_data", {"measures": ["revenue"], "period": "2026-Q3", "owner": "me"},
        **{"as": "hung@songhong.vn"})
    add("who do we owe the most money to?", "query_data", {"measures": ["open_payables"], "group_by": ["supplier"]},
        **{"as": HA})
    add("Hoàng Long đã thanh toán bao nhiêu trong năm nay?", "query_data",
        {"measures": ["payments_received"], "customer": "HOANGLONG", "period": "this-year"}, **{"as": BAO})
    # studied from generation 15: the directory, rows named again, the rest of a period, how many times, aging buckets,
    # match exceptions, both open PO states in one breath, Vietnamese names with a code or number in them
    add("who do I report to?", "find_employees", {"query": "me"})
    add("what's Hùng's email?", "find_employees", {"query": "Lê Văn Hùng"}, **{"as": BAO})
    add("ai là quản lý của Hùng?", "find_employees", {"query": "Lê Văn Hùng"}, **{"as": BAO})
    add("how many supplier bills fall due between now and the end of the month, and how much is that", "query_data",
        {"measures": ["open_payables", "next_bill_due"], "group_by": ["bill", "supplier"]}, **{"as": HA})
    add("tháng trước mình đã thanh toán cho nhà cung cấp bao nhiêu lần?", "query_data",
        {"measures": ["supplier_payment_count"], "period": "last-month"}, **{"as": HA})
    add("aging buckets for usd receivables", "query_data",
        {"measures": ["open_receivables"], "group_by": ["aging_bucket"],
         "filters": [{"dimension": "currency", "values": ["USD"]}]}, **{"as": HA})
    add("how many open bills have a price or quantity mismatch", "query_data",
        {"measures": ["open_bills"], "filters": [{"dimension": "match_status", "values": ["exceptions"]}]},
        **{"as": HA})
    add("how many purchase orders are still open (sent but not fully received)?", "query_data",
        {"measures": ["purchase_orders"],
         "filters": [{"dimension": "po_status", "values": ["sent", "partially_received"]}]}, **{"as": HA})
    add("muc dat hang lai cua giay A3 o kho Ha Noi la bao nhieu", "query_data",
        {"measures": ["reorder_level"], "product": "PAP-A3-80"}, **{"as": HA})
    add("hoa don nao cua Hoang Long Trading chua thanh toan", "query_data", {"group_by": ["invoice"], "customer": "HOANGLONG"},
        **{"as": HA})
    add("han thanh toan cho khach hang trong diem la bao nhieu ngay", "search_docs", {}, **{"as": HA})
    add("payments from customers in the first half of 2026 by method", "query_data",
        {"measures": ["payments_received"], "group_by": ["payment_method"], "period": "2026-01-01..2026-06-30"},
        **{"as": HA})
    add("which customer has the oldest overdue invoice", "query_data",
        {"measures": ["max_days_overdue", "open_receivables"], "group_by": ["invoice", "customer"]},
        **{"as": HA})
    add("revenue by year", "query_data", {"measures": ["revenue"], "group_by": ["year"], "period": "all"}, **{"as": BAO})
    return out
