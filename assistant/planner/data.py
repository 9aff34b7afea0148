"""From a frame to the call that answers a data question: `query_data` for any figure, or the catalogue's report
when one holds exactly what was asked (a table with its title and notes reads better than the same rows)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.planner.frame import (ROW_OF_COUNT, Frame, compatible_statuses, measure_for_status)
from assistant.planner.lexicon import lexicon
from backend.semantic.engine import supported_dimensions
from backend.semantic.dimensions import DIMENSIONS
from backend.semantic.measures import MEASURES, shareable
from backend.semantic.rules import OPEN_STAGES

SALES_MEASURES = {"revenue", "orders", "units"}
# A catalogue table that is exactly a sales figure by one dimension.
REPORT_OF_DIMENSION = {"customer": "sales_by_customer", "product": "sales_by_product", "owner": "sales_by_salesperson",
                       "country": "sales_by_country", "region": "sales_by_region", "segment": "sales_by_segment",
                       "category": "sales_by_category", "city": "sales_by_city"}
TIME_GRAINS = ("day", "week", "month", "quarter", "year")
TO_DATE = {"this-year": "ytd", "this-quarter": "qtd", "this-month": "mtd"}
STATUS_OF_COUNT = {"quotes": "quote_status", "orders": "order_status", "invoices": "invoice_status",
                   "tickets_opened": "ticket_status", "opportunities": "stage", "open_opportunities": "stage"}
# What a row of a list shows when the question names only the things ("which deals are in negotiation").
ROW_FIGURE = {"opportunity": "opportunity_amount", "invoice": "invoiced", "product": "stock_on_hand", "order": "revenue",
              "purchase_order": "purchase_order_value", "bill": "supplier_bill_total"}
# What a row of a narrower count shows ("unpaid invoices": what each still owes; "open deals": the open amount).
COUNT_FIGURES = {"open_invoices": ("open_receivables", "max_days_overdue", "invoice_due_date"), "overdue_invoices": ("overdue_amount",
                                                                                               "max_days_overdue"),
                 "open_opportunities": ("pipeline_amount",), "open_bills": ("open_payables", "next_bill_due"),
                 "overdue_bills": ("overdue_payables",), "inactive_products": ("inactive_products", "stock_on_hand"),
                 "customers_buying": ("revenue", "units"), "uninvoiced_order_count": ("uninvoiced_orders",),
                 "new_customers_acquired": ("new_customers_acquired",)}
# Quantities still waiting (to arrive, to be billed): listed per order or product, the ones with nothing left drop out.
STILL_OUTSTANDING = ("units_not_billed", "units_on_order")
# A count listed as rows keeps only the rows it counts: those where this measure is positive.
POSITIVE_FOR = {"overdue_invoices": "overdue_amount", "inactive_products": "inactive_products"}
# The amount of the things a count counts, for a threshold on them ("POs over 100 million": their value).
# A state things are still in ("orders waiting to ship", "POs not yet received"): of any date, not this year's.
WAITING = re.compile(r"\b(waiting|awaiting|pending|not yet|yet to|still (open|to|waiting|pending)|outstanding|chua|dang cho)\b")
VALUE_OF_COUNT = {"customers_buying": "revenue", "customers": "revenue", "orders": "revenue",
                  "purchase_orders": "purchase_order_value", "invoices": "invoiced", "open_invoices": "open_receivables",
                  "overdue_invoices": "overdue_amount", "opportunities": "opportunity_amount",
                  "open_opportunities": "pipeline_amount", "supplier_bills": "supplier_bill_total",
                  "open_bills": "open_payables", "overdue_bills": "overdue_payables", "quotes": "revenue"}
# The rows a threshold on an amount is about when the request names none ("anything over 100 million unpaid").
ROW_OF_VALUE = {"open_receivables": "invoice", "overdue_amount": "invoice", "invoiced": "invoice",
                "purchase_order_value": "purchase_order", "open_payables": "bill", "overdue_payables": "bill",
                "pipeline_amount": "opportunity", "opportunity_amount": "opportunity", "revenue": "customer"}
# Rows that read better with who they belong to.
ROW_WITH = {"invoice": "customer", "opportunity": "customer", "order": "customer", "purchase_order": "supplier",
            "bill": "supplier"}
# "how much is more than 90 days late": the aging buckets past N days.
BUCKETS_PAST = {30: ("days_31_60", "days_61_90", "days_91_plus"), 60: ("days_61_90", "days_91_plus"),
                90: ("days_91_plus",)}


@dataclass
class DataCall:
    tool: str
    args: dict[str, Any]
    hints: dict[str, Any] = field(default_factory=dict)
    understood: list[str] = field(default_factory=list)


# "total purchases by JetBrains", "tổng cộng Minh Phát đã mua": one customer's or product's whole history
TOTAL_OF_ONE = re.compile(r"\b(total|in all|altogether|all together|tong cong|tong so)\b|"
                          r"\bhow many \w+( \w+)? (has|have) \w+( \w+){0,3} (had|placed|made|bought|ordered)\b")


def _allowed(measures: list[str], dimension: str) -> bool:
    return all(dimension in supported_dimensions(m) for m in measures)


def build(frame: Frame, *, language: str, customer: str | None, product: str | None, owner: str | None,
          opportunity: str | None, places: dict[str, list[str]], who: bool,
          left_out: frozenset[str] = frozenset()) -> DataCall | None:
    """The query for a data frame, with the entities the planner linked; None when it is no data question."""
    lex = lexicon()
    if frame.accounts:
        places = {**places, "account": list(dict.fromkeys([*places.get("account", []), *frame.accounts]))}
    measures = list(frame.measures)
    if "revenue" in measures and frame.row and not _allowed(["revenue"], frame.row):
        # "the total value of open opportunities": what the things themselves are worth, not sales over them
        worth = (COUNT_FIGURES.get(frame.row_count or "") or (ROW_FIGURE.get(frame.row),))[0]
        if worth and worth not in measures:
            measures[measures.index("revenue")] = worth
        else:
            measures.remove("revenue")
    if "invoiced" in measures and re.search(r"\b(billed|invoiced) in [a-z]{3}\b|\b(billed|invoiced) in (euros?|dollars?|dong)\b",
                                            frame.folded) and (len(measures) > 1 or frame.row_count in COUNT_FIGURES):
        # "open invoices billed in EUR": "billed in" says which invoices (a currency filter), not a figure asked
        measures.remove("invoiced")
        if not measures:
            measures = list(COUNT_FIGURES[frame.row_count])
    if frame.counting and re.search(r"\b(what s the total|what is the total|the total|how much|total (value|amount)|"
                                    r"add up to|adds up to|worth|tong (so )?tien|tong gia tri|tong cong)\b", frame.folded):
        # "how many invoices are open and what's the total?": the count and the figure it counts
        added = False
        for name in list(measures):
            figure = MEASURES[name].counts_of
            if figure and figure not in measures:
                measures.append(figure)
                added = True
        if added and not re.search(r"\b(revenue|sales|purchases?|bought|doanh thu|doanh so|mua)\b", frame.folded):
            # ("what do they add up to": the figure of the things counted, not revenue read from "add up to")
            measures = [m for m in measures if m not in ("revenue", "purchases")]
    counted = _share_of_count(frame)
    if counted:
        # "what % of orders were cancelled": the orders counted, the cancelled ones a part of them all
        measures = [counted]
    group_by = list(frame.group_by)
    # ("tỷ lệ chốt deal năm nay": one rate over the deals, not a rate per deal; "average deal size of deals we won":
    # one average over the deals — an amount divided by the count of those rows — not each deal's own)
    one_rate = all(MEASURES[m].unit == "percent" or (len(MEASURES[m].needs) == 2 and MEASURES[m].unit == "money"
                                                     and ROW_OF_COUNT.get(MEASURES[m].needs[1]) == frame.row)
                   for m in measures) \
        and not (frame.limit or frame.single or frame.order) \
        and not re.search(r"\b(which|list|each|per|every|tung|moi|nao|danh sach)\b", frame.folded)
    if frame.row and not group_by and not counted and not one_rate and (
            frame.listing or frame.limit or frame.single or frame.order):
        group_by.append(frame.row)
    conditions: list[dict[str, Any]] = []
    bucket_filter: tuple[str, ...] | None = None
    for named in frame.conditions:
        condition = lex.conditions[named["name"]]
        if customer and condition.row == "customer" and condition.other is None and condition.value is not None:
            # "what Hoàng Long still owes": the named customer's figure, not a list of customers who owe
            measures += [m for m in condition.show if m not in measures]
            continue
        ranked = bool(frame.limit or frame.single)
        invoice_counts = {"invoices", "open_invoices", "overdue_invoices"}
        if condition.name == "overdue_more_than" and named["number"] in BUCKETS_PAST and frame.counting \
                and (invoice_counts & set(measures) or frame.row == "invoice") and not ranked:
            # "how many invoices are more than 90 days past due": the overdue invoices in those buckets, counted
            measures = [m for m in measures if m not in invoice_counts] + ["overdue_invoices"]
            bucket_filter = BUCKETS_PAST[named["number"]]
            group_by = [d for d in group_by if d != "invoice"]
            continue
        if condition.name == "overdue_more_than" and named["number"] in BUCKETS_PAST and frame.amount \
                and (ranked or (not frame.listing and not who)):
            # ("the 3 customers with the most money over 90 days late": what is in that bucket, per customer)
            # "how much of our receivables is more than 90 days late": the total past 90 days, not who
            if "open_receivables" in measures and re.search(r"\b(of it|of that|of this|of which|trong do|trong so do)\b",
                                                            frame.folded):
                # "what does X owe, and how much of it is over 90 days": the balance by age, with its total
                if "aging_bucket" not in group_by:
                    group_by.append("aging_bucket")
                continue
            bucket_filter = BUCKETS_PAST[named["number"]]
            if "open_receivables" not in measures and "overdue_amount" not in measures:
                measures.append("overdue_amount")
            continue
        threshold: dict[str, Any] = {"measure": condition.measure, "op": condition.op}
        if condition.other:
            threshold["other"] = condition.other
        elif condition.op == "empty":
            pass   # "customers with no credit limit set": the measure has no value at all
        else:
            value = named["number"] if named["number"] is not None else condition.value
            if value is None:
                continue
            threshold["value"] = str(value)
        conditions.append(threshold)
        for shown in condition.show:
            if shown not in measures:
                measures.append(shown)
        rows = [condition.row] if isinstance(condition.row, str) else list(condition.row)
        if condition.name == "overdue_more_than" and frame.row is None and not customer and not re.search(
                r"\b(who|customers?|clients?|accounts?|khach|ai)\b", frame.folded):
            rows = ["invoice", "customer"]   # "anything more than 90 days past due?": the invoices that are
        if not group_by or (group_by == [frame.row] == rows[:1] and not frame.group_by) or (
                group_by == rows[:1] and frame.row in (None, rows[0]) and len(rows) > 1):
            # a stock level is a product in a warehouse; one warehouse named: its rows, not a column of it
            rows = rows if frame.row in (None, rows[0]) else [frame.row]
            group_by = [d for d in rows if len(places.get(d, [])) != 1]
    if frame.thresholds and not any(named.get("number") is not None for named in frame.conditions):
        # "open POs over 100 million", "customers who bought more than 500 million last year": the rows whose
        # amount passes, each with it
        money = next((m for m in measures if MEASURES[m].unit == "money"), None)
        counted_row = None
        if money is None:
            counted = next((m for m in measures if m in VALUE_OF_COUNT or MEASURES[m].counts is not None), None)
            money = VALUE_OF_COUNT.get(counted or "") or (MEASURES[counted].counts_of if counted else None)
            if money is not None:
                measures = [money if m == counted else m for m in measures]
                # "how many orders over 10k this year": the orders that pass, not the customers
                counted_row = ROW_OF_COUNT.get(counted or "")
        row = frame.row or counted_row or ROW_OF_VALUE.get(money or "")
        if money is not None and row and _allowed([money], row):
            for op, amount in frame.thresholds:
                conditions.append({"measure": money, "op": op, "value": str(amount)})
            if row not in group_by:
                group_by.append(row)
    if frame.due_window is not None:
        # "which supplier bills fall due today", "invoices due next week": the open documents due in those days,
        # each with what is open on it and its due date
        buying = bool(set(measures) & {"open_payables", "overdue_payables", "open_bills", "overdue_bills", "supplier_bills",
                                        "purchases", "supplier_payments_made"}) \
            or bool(re.search(r"\b(suppliers?|vendors?|bills?|payables?|nha cung cap|ncc|phai tra)\b", frame.folded))
        amount, due, row = ("open_payables", "next_bill_due", "bill") if buying else \
            ("open_receivables", "invoice_due_date", "invoice")
        first, last = frame.due_window
        measures = [amount, due]
        conditions += [{"measure": due, "op": ">=", "value": str(first)},
                       {"measure": due, "op": "<=", "value": str(last)}]
        group_by = [row] + [d for d in group_by if d not in (row, "invoice", "bill")]
    if customer and "invoices" in measures and (frame.amount or not frame.counting) and not group_by and \
            {"open_receivables", "overdue_amount"} & set(measures):
        # "hóa đơn của Hoàng Long còn nợ bao nhiêu": that customer's invoices, each with what is still open
        measures.remove("invoices")
        group_by.append("invoice")
        balance = "overdue_amount" if "overdue_amount" in measures else "open_receivables"
        conditions.append({"measure": balance, "op": ">", "value": "0"})
    if not measures:
        status_measure = measure_for_status(frame.statuses)
        if status_measure:
            measures.append(status_measure)
    if not measures:
        return None
    if frame.row_count in POSITIVE_FOR and frame.row_count not in measures and measures and frame.listing:
        # "which discontinued products do we still have stock of?": those products only, each with the figure
        # (and with some of it, when the figure is what they still hold)
        conditions.append({"measure": POSITIVE_FOR[frame.row_count], "op": ">", "value": "0"})
        for name in measures:
            if name in ("stock_on_hand", "stock_available"):
                conditions.append({"measure": name, "op": ">", "value": "0"})
        group_by = group_by or [ROW_OF_COUNT[frame.row_count]]
    # A count asked as a list ("which deals are in negotiation", "customers in France"): list the things.
    for name in list(measures):
        row = ROW_OF_COUNT.get(name)
        ranks_others = frame.single and bool(frame.group_by) and row not in frame.group_by and len(measures) == 1
        # ("nhân viên nào chốt nhiều đơn nhất": the reps ranked by their count of orders, not the orders listed)
        if row and (frame.listing or frame.single or frame.limit) and not frame.counting and not counted \
                and not ranks_others:  # "the biggest deal we lost"
            others = [m for m in measures if m != name]
            if row not in group_by and (not group_by or not others):
                group_by.append(row)
            if others or conditions:
                measures = others  # "best-selling products", "customers over their limit": the rows, by the figure
            elif name in COUNT_FIGURES:
                measures = list(COUNT_FIGURES[name])
                if name == "open_invoices" and ("aging_bucket", "current") in frame.statuses:
                    measures = ["open_receivables", "invoice_due_date"]   # not yet due: when they are due
                if name in POSITIVE_FOR:   # only the rows the count counts: the overdue invoices, the discontinued SKUs
                    conditions.append({"measure": POSITIVE_FOR[name], "op": ">", "value": "0"})
                if name == "open_opportunities":
                    frame.statuses += [("stage", s) for s in ("lead", "qualification", "proposal", "negotiation")
                                       if ("stage", s) not in frame.statuses]
            else:
                figure = ROW_FIGURE.get(row)
                if figure and figure != name and _allowed([figure], row):
                    measures = [figure]
            frame.row = row
    if group_by == ["opportunity"] and not any(d == "stage" for d, _ in frame.statuses) and (any(
            w in frame.words for w in ("status", "statuses", "trang", "stage", "stages", "giai", "happened", "happen",
                                       "progress", "update", "going", "outcome")) or re.search(
            r"\b(where (is|are|does|do) \w+|how did \w+|(the nao|sao) roi)\b", frame.folded)):
        # "Trường Phát deal status?", "what happened with the Iron Range deal?": each deal with its stage
        group_by.append("stage")
    if not group_by and any(w in frame.words for w in ("status", "statuses", "trang", "stage", "stages")):
        # "the status of my quotes": the things by their status
        for name in measures:
            status = STATUS_OF_COUNT.get(name)
            if status and _allowed(measures, status):
                group_by.append(status)
                break
    if not group_by and (frame.single or frame.limit) and re.search(
            r"\bwhat (sells|sold|is selling|are selling|sells best|did we sell|do we sell)\b|\bcai gi ban chay\b|"
            r"\bmon (hang )?nao ban chay\b|\bwhat (did|does|do) .{1,60} (buy|order|purchase)\b|"
            r"\b(mua|dat) (gi|mat hang nao|san pham nao|hang gi) nhieu nhat\b", frame.folded) and _allowed(measures, "product"):
        group_by.append("product")   # "what sells best in Fishing by units": the products, ranked
    if not group_by and "list_price" in measures and (frame.single or frame.limit or frame.order or frame.listing):
        group_by.append("product")   # "the most expensive track", "cheapest product in Writing instruments": products
    if who and not group_by:
        deals = {"pipeline_amount", "weighted_pipeline", "open_opportunities", "opportunities", "deals_won", "win_rate"}
        team = any(w in frame.words for w in ("rep", "reps", "salesperson", "salespeople", "seller", "sellers", "team",
                                              "nhom", "doi"))
        seller = (any(m in SALES_MEASURES for m in measures) and (team or any(w in frame.words for w in (
            "sold", "sell", "nhan", "ban")))) or (set(measures) & deals and (team or "has" in frame.words
                                                                              or "have" in frame.words))
        group_by.append("owner" if seller else "customer")
    if group_by == ["customer"] and (frame.single or frame.limit) and _oldest(frame, measures) and re.search(
            r"\b(invoice|invoices|hoa don)\b", frame.folded) and not re.search(r"\b(which|what) customer", frame.folded):
        group_by = ["invoice"]   # "the oldest overdue customer invoice": the invoice (with its customer)
    if group_by[:1] == ["customer"] and "owner" not in group_by and re.search(
            r"\bwith (their|the|its|each one s|each s) (support |sales |account )?(reps?|salesperson|owners?|account managers?)\b|"
            r"\b(kem|va) (nguoi|nhan vien) phu trach\b", frame.folded):
        group_by.append("owner")   # "our customers in Brazil with their support rep": who looks after each
    group_by = [d for d in group_by if _allowed(measures, d)]
    for name in measures:
        if name in STILL_OUTSTANDING and set(group_by) & {"purchase_order", "product", "supplier"} and not any(
                c.get("measure") == name for c in conditions):
            # "which POs are waiting for the supplier's bill": only the orders with something still waiting
            conditions.append({"measure": name, "op": ">", "value": "0"})
    if len(group_by) == 1 and group_by[0] in ROW_WITH and ROW_WITH[group_by[0]] not in group_by \
            and _allowed(measures, ROW_WITH[group_by[0]]) and not customer:
        group_by.append(ROW_WITH[group_by[0]])
    # "Hanoi vs Ho Chi Minh City": two values of one dimension compared side by side, not two periods.
    for dimension, values in places.items():
        if len(values) >= 2 and dimension not in group_by and _allowed(measures, dimension) \
                and len(re.findall(r"\b(vs\.?|versus|compared|so voi|against|or|hay|hoac|va|and)\b", frame.folded)) >= 1 \
                and not _two_periods(frame):
            group_by.append(dimension)
            if frame.row in group_by and frame.row not in frame.group_by and frame.row != dimension:
                group_by.remove(frame.row)   # "my Canadian vs German customers": the two countries, not each customer
            frame.compare = None
    filters: list[dict[str, Any]] = []
    for dimension, code in compatible_statuses(Frame(text=frame.text, folded=frame.folded, words=frame.words,
                                                      hits=frame.hits, measures=measures, statuses=frame.statuses,
                                                      today=frame.today)):
        _filter(filters, dimension, code)
    for f in list(filters):
        # "aging - current, 1-30, 31-60, 61-90, 91+", "tickets: open, pending, closed": each value a row of its own
        each = len(f["values"]) >= 2 and len(re.findall(r"\b(how many|bao nhieu|vs|versus|so voi)\b", frame.folded)) >= 2 \
            or len(f["values"]) >= 2 and re.search(r"\b(vs|versus|so voi|compared)\b", frame.folded)
        if (len(f["values"]) >= 3 or each) and DIMENSIONS[f["dimension"]].kind == "status" and f["dimension"] not in group_by \
                and not (f["dimension"] == "stage" and set(f["values"]) == set(OPEN_STAGES)):   # "open deals"
            filters.remove(f)
            group_by.append(f["dimension"])
    for dimension, code in frame.excluded:
        # "not counting cancelled ones": the other statuses of that dimension (or of the filter already there)
        values = DIMENSIONS[dimension].values
        if not values or not _allowed(measures, dimension):
            continue
        current = next((f for f in filters if f["dimension"] == dimension), None)
        if current is None:
            filters.append({"dimension": dimension, "values": [v for v in values if v != code]})
        elif code in current["values"] and len(current["values"]) > 1:
            current["values"].remove(code)
    for dimension, values in places.items():
        out = [v for v in values if v in left_out]   # "which country outside Vietnam": every other one
        if out and _allowed(measures, dimension):
            filters.append({"dimension": dimension, "op": "not_in", "values": out})
        values = [v for v in values if v not in left_out]
        if values and _allowed(measures, dimension) and (dimension not in group_by or len(values) >= 2):
            for value in values:
                _filter(filters, dimension, value)
    if bucket_filter:
        for bucket in bucket_filter:
            _filter(filters, "aging_bucket", bucket)
    # "how far below its reorder level is the A3 paper in HCM?": that product's row (if it meets the test), not
    # every product's that does
    one_product_tested = bool(product and group_by == ["product"] and conditions
                              and not (frame.limit or frame.single or frame.extremes))
    if any(c["name"] == "bought_nothing" for c in frame.conditions):
        # "which countries didn't buy anything in 2022?", "my customers with no order in 2022 or 2023": every row
        # (the count of customers brings the ones that bought nothing), over the whole span — not year by year
        group_by = [d for d in group_by if DIMENSIONS[d].kind != "time"] or [frame.row if frame.row in (
            "product", "category") else "customer"]
        # (the catalogue brings the products that sold nothing, as the customers do the customers)
        every = "products" if set(group_by) & {"product", "category"} else "customers"
        measures = [m for m in measures if m not in ("customers", "products", "revenue")] + ["revenue", every]
    if customer and measures == ["max_days_overdue"] and not group_by and not conditions and not frame.single:
        # "what does Hidden Valley owe?" then "how late are they?": each overdue invoice of theirs and how late it is
        measures = ["overdue_amount", "max_days_overdue"]
        group_by = ["invoice"]
        conditions = [{"measure": "overdue_amount", "op": ">", "value": "0"}]
    owed_rows = False
    aged = any(c["name"] == "overdue_more_than" for c in frame.conditions)
    if measures == ["overdue_amount"] and not group_by and not conditions and not frame.counting and not frame.compare \
            and (customer or aged) and not product and not owner and "invoice_due_date" in MEASURES:
        # "how much is overdue for Paddle Direct", "what's over 90 days overdue?": the invoices that make the amount,
        # each with its due date and how late it is (and the total)
        measures = ["overdue_amount", "max_days_overdue", "invoice_due_date"]
        group_by = ["invoice"] if customer else ["invoice", "customer"]
        conditions = [{"measure": "overdue_amount", "op": ">", "value": "0"}]
        owed_rows = True
    args: dict[str, Any] = {"measures": measures}
    if group_by:
        args["group_by"] = group_by
    if filters:
        args["filters"] = filters
    if customer and _allowed(measures, "customer") and "customer" not in group_by:
        args["customer"] = customer
    if product and _allowed(measures, "product") and ("product" not in group_by or one_product_tested):
        args["product"] = product
    if owner and _allowed(measures, "owner") and "owner" not in group_by:
        args["owner"] = owner
    if opportunity and _allowed(measures, "opportunity"):
        args.setdefault("filters", []).append({"dimension": "opportunity", "values": [opportunity]})
    if conditions:
        args["conditions"] = conditions
    period = frame.period
    if frame.compare == "same_period_last_year" and period in TO_DATE:
        period = TO_DATE[period]  # "this year vs the same period last year": the year so far against the same days
    elif frame.compare == "same_period_last_year" and period and frame.today is not None and \
            re.search(r"\b(so far|to date|to the same day|until today|den nay|tinh den nay)\b", frame.folded):
        from backend.semantic.periods import parse_period

        span = parse_period(period, frame.today)
        if span.start <= frame.today <= span.end:   # "Q4 so far vs Q4 2016 to the same day"
            period = f"{span.start.isoformat()}..{frame.today.isoformat()}"
    if period is None and (frame.now or (frame.statuses and WAITING.search(frame.folded))) \
            and any(not _is_balance(m) for m in measures):
        period = "all"            # "orders waiting to ship (right now)": every one, whatever its date
    if period is None and (customer or product) and not group_by and TOTAL_OF_ONE.search(frame.folded) \
            and not any(_is_balance(m) for m in measures):
        period = "all"            # "total purchases by JetBrains": everything they bought, not this year's
    if period is None and group_by[:1] == ["year"] and not any(_is_balance(m) for m in measures):
        period = "all"            # "Redwood's revenue by year": every year there is, not this one alone
    if period is None and "ticket_status" in group_by and measures == ["tickets_opened"]:
        period = "all"            # "số lượng ticket theo từng trạng thái": every ticket by where it stands now
    if period:
        args["period"] = period
    if frame.compare:
        args["compare"] = frame.compare
    hints: dict[str, Any] = {"owed_rows": True} if owed_rows else {}
    conditions = [c for i, c in enumerate(conditions) if c not in conditions[:i]]   # one phrase said twice
    if conditions:
        args["conditions"] = conditions
    if frame.counting and conditions and len(group_by) == 1 and ROW_OF_COUNT.get(measures[0]) == group_by[0]:
        # "how many customers have no credit limit set?": the rows that pass, counted
        counted = measures.pop(0)
        if not measures:
            measures.append(conditions[0]["measure"])
        args["measures"] = measures
        hints["count_of"] = MEASURES[counted].counts.en if language != "vi" else MEASURES[counted].counts.vi
        args["limit"] = 1000
    if frame.extremes and group_by:
        hints["extremes"] = True
    elif group_by and (frame.single or frame.limit):
        args["limit"] = 1 if frame.single else frame.limit
        hints["single"] = frame.single
        if any(DIMENSIONS[d].kind == "time" for d in group_by):
            args["order"] = "desc"  # "the best month": ranked, not the first month of the series
        oldest = _oldest(frame, measures)
        if oldest:
            args["order_by"], args["order"] = oldest  # the oldest invoice: the longest overdue
            if oldest[0] == "bill_due_date":
                # "the oldest unpaid supplier bill": of the bills still open, the one due first
                owed = "overdue_payables" if "overdue_payables" in measures else "open_payables"
                args["conditions"] = args.get("conditions", []) + [{"measure": owed, "op": ">", "value": "0"}]
                measures[:] = [m for m in measures if m != "next_bill_due"]
        elif frame.order == "asc":
            args["order"] = "asc"
    elif group_by and frame.order == "asc":
        args["order"] = "asc"
    ranked_by = _ranked_by(frame, measures)
    if ranked_by and ranked_by != measures[0]:
        args["order_by"] = ranked_by
    if args.get("order_by") in MEASURES and args["order_by"] not in measures and \
            all(_allowed([args["order_by"]], d) for d in group_by):
        measures.append(args["order_by"])  # "who has been overdue longest": the days shown beside the amount
    if frame.share and any(shareable(m) for m in measures):
        args["share"] = True
        if group_by and (filters or customer or product or owner) and not (frame.limit or frame.single or frame.extremes) \
                and not re.search(r"\b(by|each|per|every|theo|tung|moi)\b", frame.folded):
            # "what share of revenue came from Hanoi customers": one part of the whole, not each customer's
            args.pop("group_by", None)
    if language == "vi":
        args["language"] = "vi"
    balances = [m for m in measures if _is_balance(m)]
    if balances and len(balances) < len(measures):
        hints["balances"] = balances
    return DataCall("query_data", args, hints)


def _share_of_count(frame: Frame) -> str | None:
    """The count a share is asked of ("what percentage of orders", "share of tickets"), when one is."""
    if not frame.share:
        return None
    from backend.text import fold

    text = fold(re.sub(r"\s*%", " percent", frame.text))
    for hit in frame.hits:
        counts = hit.of("count")
        phrase = " ".join(frame.words[hit.start:hit.end])
        if counts and re.search(rf"\b(percentage|percent|share|proportion|fraction|portion|part|ty le|phan tram) "
                                rf"(of |cua )?(all |the |our |my |total |cac |tong )?{re.escape(phrase)}\b", text):
            return counts[0].target
    return None


def _is_balance(measure: str) -> bool:
    from backend.semantic.engine import atoms_of
    from backend.semantic.facts import FACTS

    return all(FACTS[f].period_role == "snapshot" for atom in atoms_of(measure) for f in MEASURES[atom].on)


def _two_periods(frame: Frame) -> bool:
    from assistant.planner.when import mentions

    return frame.today is not None and len(mentions(frame.folded, frame.today)) >= 2


def _filter(filters: list[dict[str, Any]], dimension: str, value: str) -> None:
    for existing in filters:
        if existing["dimension"] == dimension:
            if value not in existing["values"]:
                existing["values"].append(value)
            return
    filters.append({"dimension": dimension, "values": [value]})


def _ranked_by(frame: Frame, measures: list[str]) -> str | None:
    """'top 5 products by units', 'theo số lượng': the measure named after 'by' ranks the rows."""
    for hit in frame.hits:
        before = frame.words[hit.start - 1] if hit.start > 0 else ""
        if before in ("by", "theo") and hit.of("measure"):
            name = hit.of("measure")[0].target
            if name in measures:
                return name
    return None


def _oldest(frame: Frame, measures: list[str]) -> tuple[str, str] | None:
    """What 'the oldest' ranks by: the longest overdue for what customers owe, the earliest due date for a
    supplier's bill ("the oldest unpaid supplier bill")."""
    if any(w in frame.words for w in ("oldest", "longest", "earliest", "lau", "cu")):
        if {"open_payables", "overdue_payables", "open_bills", "overdue_bills"} & set(measures):
            return ("bill_due_date", "asc") if "next_bill_due" in measures or "bill_due_date" in measures else None
        owed = any(m in frame.measures for m in ("open_receivables", "overdue_amount", "open_invoices",
                                                 "overdue_invoices", "max_days_overdue"))
        owed = owed or any(c["name"] in ("has_overdue", "overdue_more_than", "owes_money") for c in frame.conditions)
        return ("max_days_overdue", "desc") if owed else None   # "khách nào có nợ quá hạn lâu nhất": the longest overdue
    return None


def as_report(call: DataCall, frame: Frame) -> dict[str, Any] | None:
    """The catalogue's table for a sales figure by one dimension (or over time), when it holds exactly that."""
    args = call.args
    measures = set(args["measures"])
    if not measures <= SALES_MEASURES or "revenue" not in args["measures"][:1]:
        return None
    if set(args) - {"measures", "group_by", "period", "customer", "owner", "limit", "language"}:
        return None
    if args.get("order") or call.hints.get("extremes"):
        return None
    period = args.get("period")
    if period is None or period == "all" or period.startswith(".."):
        return None  # without a period the model's default adapts to a company whose records end earlier
    group_by = args.get("group_by", [])
    report: dict[str, Any] = {}
    if not group_by:
        report["report"] = "sales_over_time"
    elif len(group_by) == 1 and group_by[0] in REPORT_OF_DIMENSION:
        report["report"] = REPORT_OF_DIMENSION[group_by[0]]
    elif len(group_by) == 1 and group_by[0] in TIME_GRAINS:
        report["report"], report["group_by"] = "sales_over_time", group_by[0]
    else:
        return None
    if period:
        report["period"] = period
    if args.get("limit"):
        if report["report"] == "sales_over_time":
            return None
        report["top_n"] = args["limit"]
    if args.get("customer"):
        report["customer"] = args["customer"]
    if args.get("owner"):
        if args["owner"] == "me":
            return None
        report["salesperson"] = args["owner"]
    if args.get("language"):
        report["language"] = args["language"]
    return report

