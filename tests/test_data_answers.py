"""Answers written from query_data results (assistant/planner/data_answers.py), in English and Vietnamese, from real
results over the hand-computed company of tests/factories/semantic.py (today 2026-11-20), on SQLite and PostgreSQL:
every figure as the result has it and formatted, nothing computed, single figures, balances, groupings, comparisons,
truncation, empty periods with the span of the data, the best and worst rows, one-row answers, assumptions."""
from __future__ import annotations

import re

import pytest

from assistant.grounding import unsupported_figures
from assistant.planner.data_answers import MAX_LISTED, answer_query_data
from backend.tools.context import ToolContext
from backend.tools.registry import invoke
from tests.factories.semantic import NOW, make_semantic_world

# Words of the English templates; none may appear in a Vietnamese answer (the data has none of them either).
ENGLISH = re.compile(r"\b(Total|Overall|Showing|Assumed|Definition|Highest|Lowest|Balances|vs|change|by|in|on|as of|"
                     r"from|to|days?|and|others|nothing|no|rows?|match|Ask|top|Narrow|not set|pp|figure|Left out|"
                     r"compared|with|of|the|period)\b")


@pytest.fixture
def world(session):
    from backend.accounting.hooks import install_posting

    install_posting(session)  # documents post their journal entries, as in the application (gross margin reads them)
    return make_semantic_world(session)


@pytest.fixture
def finance(session, world):
    return ToolContext(session=session, actor=world["ha"], channel="test", now=NOW)


def result_of(ctx, lang, **args) -> dict:
    return invoke("query_data", ctx, {**args, "language": lang}).model_dump(mode="json")


def answer(ctx, lang, hints=None, *, allowed=(), **args) -> str:
    """The answer to a real query_data call; every figure in it must be in the result (nothing computed)."""
    result = result_of(ctx, lang, **args)
    text = answer_query_data(result, language=lang, hints=hints)
    unsupported = [f.text for f in unsupported_figures(text, [result]) if f.text not in allowed]
    assert unsupported == [], f"figures not in the result: {unsupported}\n{text}"
    if lang == "vi":
        assert ENGLISH.findall(text) == [], text
    return text


def both(ctx, hints=None, **args) -> tuple[str, str]:
    return answer(ctx, "en", hints, **args), answer(ctx, "vi", hints, **args)


# --- one figure, no grouping ------------------------------------------------------------------------------------

def test_a_single_figure_with_its_period_and_one_definition_line(finance):
    en, vi = both(finance, measures=["revenue"], period="2026")
    assert en.splitlines()[0] == "Revenue in 2026: 2,287,000 VND."
    assert vi.splitlines()[0] == "Doanh thu năm 2026: 2,287,000 VND."
    assert en.splitlines()[1].startswith("Definition: Net line amounts") and len(en.splitlines()) == 2
    assert vi.splitlines()[1].startswith("Định nghĩa: Thành tiền thuần")


def test_several_figures_one_line_each_without_definitions(finance):
    en, vi = both(finance, measures=["revenue", "orders", "units", "gross_margin_pct"], period="2026")
    assert en.splitlines() == ["Revenue in 2026: 2,287,000 VND.", "Orders in 2026: 3.", "Units sold in 2026: 68.",
                               "Gross margin % in 2026: 36.7%."]
    assert vi.splitlines()[0] == "Doanh thu năm 2026: 2,287,000 VND." and "36.7%." in vi
    assert "Definition" not in en and "Định nghĩa" not in vi


def test_a_total_of_foreign_documents_is_also_said_in_their_currency(finance):
    # November's one invoice is INV-3, 13.20 USD (343,200 VND at its rate); October's are in VND only.
    en, vi = both(finance, measures=["invoiced"], period="2026-11")
    assert en.splitlines()[0] == "Invoiced in November 2026: 343,200 VND (in the documents' own currency: 13.20 USD)."
    assert "(theo tiền tệ của chứng từ: 13.20 USD)" in vi.splitlines()[0]
    assert "own currency" not in both(finance, measures=["invoiced"], period="2026-10")[0]


def test_balances_are_as_of_a_day_days_and_counts(finance):
    en, vi = both(finance, measures=["open_receivables", "overdue_amount", "open_invoices", "max_days_overdue"])
    assert en.splitlines() == ["Open receivables as of 2026-11-20: 4,343,200 VND.",
                               "Overdue as of 2026-11-20: 4,000,000 VND.",
                               "Open invoices as of 2026-11-20: 3.",
                               "Days overdue (oldest) as of 2026-11-20: 112 days."]
    assert "tính đến ngày 2026-11-20: 4,343,200 VND." in vi and "112 ngày." in vi


def test_a_balance_of_a_past_month_and_stock_with_thousands(finance):
    en, vi = both(finance, measures=["open_receivables"], period="2026-10")
    assert "4,000,000 VND" in en and "2026-10-31" in en and "4,000,000 VND" in vi
    en = answer(finance, "en", measures=["stock_on_hand"])
    assert en.startswith("On hand as of 2026-11-20: 1,105.")


def test_flows_and_balances_together_say_both_dates(finance):
    args = {"measures": ["units", "max_days_overdue"], "period": "2026"}
    en = answer(finance, "en", **args)
    assert en.splitlines() == ["Units sold in 2026: 68.", "Days overdue (oldest) in 2026: 112 days.",
                               "Balances are as of 2026-11-20."]
    hinted = answer(finance, "en", {"balances": ["max_days_overdue"]}, **args)
    assert hinted.splitlines() == ["Units sold in 2026: 68.", "Days overdue (oldest) as of 2026-11-20: 112 days."]
    vi = answer(finance, "vi", {"balances": ["max_days_overdue"]}, **args)
    assert vi.splitlines() == ["Số lượng bán năm 2026: 68.",
                               vi.splitlines()[1]] and vi.splitlines()[1].endswith("tính đến ngày 2026-11-20: 112 ngày.")


def test_an_empty_figure_is_said_not_shown_as_a_dash(finance):
    en, vi = both(finance, measures=["quote_win_rate", "avg_resolution_days"], period="2026-11")
    assert "Quote win rate in November 2026: no figure." in en
    assert "Average days to resolve in November 2026: 4 days." in en
    assert "không có số liệu." in vi and "tháng 11/2026: 4 ngày." in vi


# --- comparisons --------------------------------------------------------------------------------------------------

def test_a_comparison_shows_the_previous_figure_the_change_and_the_percentage_as_given(finance):
    en, vi = both(finance, measures=["revenue"], period="2026-11", compare="previous_period")
    assert en.splitlines()[0] == ("Revenue in November 2026: 312,000 VND (vs 1,975,000 VND in October 2026; "
                                  "change -1,663,000 VND, -84.2%).")
    assert vi.splitlines()[0] == ("Doanh thu tháng 11/2026: 312,000 VND (so với 1,975,000 VND tháng 10/2026; "
                                  "thay đổi -1,663,000 VND, -84.2%).")
    en = answer(finance, "en", measures=["revenue", "orders"], period="2026-11", compare="same_period_last_year")
    assert "312,000 VND (vs 200,000 VND in November 2025; change +112,000 VND, +56.0%)" in en


def test_a_question_on_the_direction_of_a_change_is_answered_yes_or_no_first(finance):
    # November (312,000) fell from October (1,975,000): "did it drop?" yes, "did it beat October?" no
    args = {"measures": ["revenue"], "period": "2026-11", "compare": "previous_period"}
    assert answer(finance, "en", {"yes_no_change": "down"}, **args).startswith("Yes — Revenue in November 2026: 312,000")
    assert answer(finance, "en", {"yes_no_change": "up"}, **args).startswith("No — Revenue in November 2026")
    assert answer(finance, "vi", {"yes_no_change": "up"}, **args).startswith("Không — Doanh thu tháng 11/2026")


def test_a_grouped_comparison_names_the_period_compared_once(finance):
    en, vi = both(finance, measures=["revenue"], group_by=["month"], period="2026-10..2026-11",
                  compare="same_period_last_year")
    lines = en.splitlines()
    assert lines[0] == "Revenue by month from 2026-10-01 to 2026-11-30, compared with 2025-10-01 – 2025-11-30:"
    assert lines[1] == "- 2026-10: 1,975,000 VND (vs 0 VND; change +1,975,000 VND)"      # no % from nothing
    assert lines[2].startswith("- 2026-11: 312,000 VND (vs 200,000 VND; change +112,000 VND, +56.0%")
    assert lines[3].startswith("Total: 2,287,000 VND (vs 200,000 VND; change +2,087,000 VND")
    assert vi.splitlines()[0] == ("Doanh thu theo tháng từ 2026-10-01 đến 2026-11-30, so với "
                                  "2025-10-01 – 2025-11-30:")
    assert "- 2026-10: 1,975,000 VND (so với 0 VND; thay đổi +1,975,000 VND)" in vi


# --- groupings ----------------------------------------------------------------------------------------------------

def test_a_grouping_lists_names_beside_codes_and_the_total(finance):
    en, vi = both(finance, measures=["revenue"], group_by=["customer"], period="2026")
    assert en.splitlines() == ["Revenue by customer in 2026 (3 in all):", "- An Phát (ANPHAT): 1,475,000 VND",
                               "- Bắc Hà (BACHA): 500,000 VND", "- Lion Office (LION): 312,000 VND",
                               "Total: 2,287,000 VND"]
    assert vi.splitlines() == ["Doanh thu theo khách hàng năm 2026 (tất cả 3):", "- An Phát (ANPHAT): 1,475,000 VND",
                               "- Bắc Hà (BACHA): 500,000 VND", "- Lion Office (LION): 312,000 VND",
                               "Tổng cộng: 2,287,000 VND"]


def test_several_measures_per_row(finance):
    en, vi = both(finance, measures=["revenue", "orders", "units"], group_by=["customer"], period="2026")
    assert "- An Phát (ANPHAT) — revenue: 1,475,000 VND; orders: 1; units sold: 60" in en
    assert en.splitlines()[-1] == "Total — revenue: 2,287,000 VND; orders: 3; units sold: 68"
    assert "- Bắc Hà (BACHA) — doanh thu: 500,000 VND; số đơn hàng: 1; số lượng bán: 5" in vi


def test_statuses_and_buckets_by_their_names(finance):
    en, vi = both(finance, measures=["orders"], group_by=["order_status"], period="2026")
    assert {"- invoiced: 1", "- shipped: 1", "- confirmed: 1"} <= set(en.splitlines())
    assert {"- đã xuất hóa đơn: 1", "- đã giao: 1", "- đã xác nhận: 1"} <= set(vi.splitlines())
    en, vi = both(finance, measures=["open_receivables"], group_by=["aging_bucket"])
    assert en.splitlines()[0] == "Open receivables by age as of 2026-11-20:"
    # (the current bucket holds only the USD invoice: its amount in USD too)
    assert {"- current: 343,200 VND (13.20 USD)", "- 1–30 days: 1,000,000 VND", "- 91+ days: 3,000,000 VND"} <= \
        set(en.splitlines())
    assert {"- trong hạn: 343,200 VND (13.20 USD)", "- 1–30 ngày: 1,000,000 VND"} <= set(vi.splitlines())
    assert en.splitlines()[-1] == "Total: 4,343,200 VND"


def test_payment_methods_people_and_percentages(finance):
    en, vi = both(finance, measures=["payments_received"], group_by=["payment_method"], period="all")
    assert "- bank transfer: 622,500 VND" in en and "- chuyển khoản: 622,500 VND" in vi and "- tiền mặt: 220,000 VND" in vi
    en = answer(finance, "en", measures=["revenue", "gross_margin_pct"], group_by=["owner"], period="2026")
    assert "- Trần Thị Mai (MAI) — revenue: 1,787,000 VND; gross margin %:" in en
    assert en.splitlines()[-1] == "Overall — revenue: 2,287,000 VND; gross margin %: 36.7%"   # a % is not a sum


def test_days_and_empty_values_in_rows(finance):
    en, vi = both(finance, measures=["days_since_last_contact"], group_by=["customer"])
    assert {"- Lion Office (LION): never", "- Bắc Hà (BACHA): 80 days", "- An Phát (ANPHAT): 5 days"} <= set(en.splitlines())
    assert "- Bắc Hà (BACHA): 80 ngày" in vi


def test_weeks_show_their_days(finance):
    en = answer(finance, "en", measures=["revenue"], group_by=["week"], period="2026-10")
    assert "- 2026-W41 (2026-10-05 – 2026-10-11): 1,475,000 VND" in en
    assert en.splitlines()[0] == "Revenue by week in October 2026:"


def test_two_dimensions(finance):
    en = answer(finance, "en", measures=["revenue"], group_by=["segment", "quarter"], period="2026")
    assert en.splitlines()[0] == "Revenue by segment and quarter in 2026:"
    assert "- SMB, 2026-Q4: 1,475,000 VND" in en


def test_no_row_meets_the_condition(finance):
    en, vi = both(finance, measures=["credit_exposure"], group_by=["customer"],
                  conditions=[{"measure": "credit_exposure", "op": ">", "value": "999999999"}])
    assert en.splitlines()[0] == "Credit exposure by customer as of 2026-11-20: no rows match."
    assert vi.splitlines()[0].endswith(": không có dòng nào khớp.")


# --- truncation ---------------------------------------------------------------------------------------------------

def test_a_cut_list_says_how_many_and_how_to_see_more(finance):
    en, vi = both(finance, measures=["revenue"], group_by=["customer"], period="2026", limit=1)
    assert en.splitlines() == ["Revenue by customer in 2026 (3 in all):", "- An Phát (ANPHAT): 1,475,000 VND",
                               "Total (all 3): 2,287,000 VND",
                               'Showing 1 of 3. Ask for "top 3" to see them all.']
    assert vi.splitlines()[-2:] == ["Tổng cộng (cả 3): 2,287,000 VND",
                                    'Hiển thị 1 trên 3. Hãy hỏi "3 dòng đầu" để xem tất cả.']
    assert "Showing 1 of 3 rows; totals cover" not in en        # the tool's own note is not repeated


def test_a_long_list_is_cut_to_what_a_phone_shows(finance):
    en = answer(finance, "en", measures=["revenue"], group_by=["day"], period="2026-10", limit=100,
                allowed=(str(MAX_LISTED),))
    bullets = [line for line in en.splitlines() if line.startswith("- ")]
    assert len(bullets) == MAX_LISTED and bullets[4] == "- 2026-10-05: 1,475,000 VND"
    assert "Total (all 31): 1,975,000 VND" in en
    assert f"Showing {MAX_LISTED} of 31. Narrow the question" in en


def test_many_rows_beyond_the_limit_suggest_a_higher_limit(session, finance, world):
    from datetime import date
    from decimal import Decimal as D

    from tests.factories.catalog import make_product
    from tests.factories.customers import make_customer
    from tests.factories.sales import make_order

    pen = make_product(session, sku="CLIP", name="Kẹp giấy", unit_price=D(1000), stock=1000, reorder_level=0)
    for i in range(30):
        buyer = make_customer(session, name=f"Khách {i:02d}", code=f"K{i:02d}", owner=world["mai"])
        make_order(session, customer=buyer, salesperson=world["mai"], order_date=date(2026, 3, 1), status="invoiced",
                   lines=[(pen, i + 1, None, D(0))])
    session.flush()
    en, vi = both(finance, measures=["revenue"], group_by=["customer"], period="2026", limit=5)
    assert f'Showing 5 of 33. Ask for a higher limit (e.g. "top {MAX_LISTED}") to see more.' in en
    assert "Total (all 33): 2,752,000 VND" in en
    assert "Hiển thị 5 trên 33." in vi


# --- empty results ---------------------------------------------------------------------------------------------

def test_an_empty_period_says_what_was_asked_and_when_the_records_run(finance):
    en, vi = both(finance, measures=["revenue", "orders"], period="2019")
    assert en == ("Revenue and orders in 2019: nothing to show. "
                  "No orders in 2019; orders run from 2025-11-15 to 2026-11-10.")
    assert vi == ("Doanh thu và số đơn hàng năm 2019: không có dữ liệu. "
                  "Không có đơn hàng nào trong năm 2019; đơn hàng có từ 2025-11-15 đến 2026-11-10.")
    assert "I can" not in en and "Tôi có thể" not in vi


def test_an_empty_grouping_for_one_customer_keeps_the_scope(finance):
    en, vi = both(finance, measures=["revenue"], group_by=["product"], customer="BACHA", period="2019")
    assert en.splitlines() == [("Revenue by product in 2019: nothing to show. No order lines in 2019; order lines run "
                                "from 2025-11-15 to 2026-10-20."), "Only customer Bắc Hà (BACHA)."]
    assert vi.splitlines()[1] == "Chỉ khách hàng Bắc Hà (BACHA)."


# --- best and worst, one thing, assumptions --------------------------------------------------------------------

def test_the_best_and_worst_month_lead_read_from_the_rows(finance):
    hints = {"extremes": True, "today": "2026-11-20"}
    en, vi = both(finance, hints, measures=["revenue"], group_by=["month"], period="2026-10..2026-11")
    assert en.splitlines()[0] == "Highest: 2026-10 (1,975,000 VND). Lowest: 2026-11 (312,000 VND)."
    assert vi.splitlines()[0] == "Cao nhất: 2026-10 (1,975,000 VND). Thấp nhất: 2026-11 (312,000 VND)."
    assert en.splitlines()[1] == "Revenue by month from 2026-10-01 to 2026-11-30:"
    year = answer(finance, "en", hints, measures=["revenue"], group_by=["month"], period="2026")
    # Ties are named once; December has not begun, so its nothing is not the worst month.
    assert year.splitlines()[0] == ("Highest: 2026-10 (1,975,000 VND). Lowest: 2026-01 and others (0 VND). "
                                    "Left out: 2026-12, not begun yet.")
    assert "- 2026-12: 0 VND" in year


def test_extremes_are_only_asked_for(finance):
    en = answer(finance, "en", measures=["revenue"], group_by=["month"], period="2026-10..2026-11")
    assert "Highest" not in en


def test_one_thing_asked_is_the_first_row_in_a_sentence(finance):
    en, vi = both(finance, {"single": True}, measures=["revenue"], group_by=["customer"], period="2026", limit=1)
    assert en == "An Phát (ANPHAT) — revenue in 2026: 1,475,000 VND."
    assert vi == "An Phát (ANPHAT) — doanh thu năm 2026: 1,475,000 VND."
    en, vi = both(finance, {"single": True}, measures=["max_days_overdue"], group_by=["invoice"], limit=1)
    assert en == "INV-4 — days overdue (oldest) as of 2026-11-20: 112 days."
    assert vi == "INV-4 — số ngày quá hạn lâu nhất tính đến ngày 2026-11-20: 112 ngày."


def test_what_was_assumed_closes_the_answer(finance):
    en, vi = both(finance, measures=["revenue"], group_by=["segment"])
    assert en.splitlines()[-1] == "Assumed: period 2026 (none was given)."
    assert vi.splitlines()[-1] == "Giả định: kỳ năm 2026 (không nêu kỳ)."
    en = answer(finance, "en", measures=["tickets_opened"])
    assert en.splitlines()[0] == "Tickets opened in November 2026: 2."
    assert en.splitlines()[-1] == "Assumed: period November 2026 (none was given)."


def test_a_sales_rep_is_told_the_figures_are_their_own(session, world):
    mai = ToolContext(session=session, actor=world["mai"], channel="test", now=NOW)
    en, vi = both(mai, measures=["revenue"], group_by=["customer"], period="2026")
    assert "- An Phát (ANPHAT): 1,475,000 VND" in en and "Bắc Hà" not in en
    assert "Only your own figures" in en and "Chỉ số liệu của bạn" in vi


def test_a_vietnamese_answer_from_an_english_result_still_names_the_period_in_vietnamese(finance):
    result = result_of(finance, "en", measures=["revenue"], period="2026-Q4", compare="previous_period")
    vi = answer_query_data(result, language="vi")
    assert vi.startswith("Revenue quý 4/2026: 2,287,000 VND (so với 0 VND quý 3/2026; thay đổi +2,287,000 VND)")


def test_figures_are_formatted_to_the_currencys_minor_unit():
    result = {"measures": [{"name": "revenue", "label": "revenue", "definition": "d", "unit": "money"},
                           {"name": "units", "label": "units sold", "definition": "d", "unit": "quantity"},
                           {"name": "share", "label": "share", "definition": "d", "unit": "percent"},
                           {"name": "first_order", "label": "first order", "definition": "d", "unit": "date"}],
              "group_by": [], "columns": [], "rows": [{"revenue": "1234567.5", "units": "12345.000", "share": "12.5",
                                                       "first_order": "2026-01-02"}],
              "totals": {"revenue": "1234567.5", "units": "12345.000", "share": "12.5", "first_order": "2026-01-02"},
              "total_rows": 1, "truncated": False, "limit": None,
              "period": {"start": "2026-01-01", "end": "2026-12-31", "label": "2026"}, "as_of": None,
              "comparison_period": None, "currency": "USD", "empty": False, "data_span": [], "understood": [],
              "notes": []}
    assert answer_query_data(result, language="en").splitlines() == [
        "Revenue in 2026: 1,234,567.50 USD.", "Units sold in 2026: 12,345.", "Share in 2026: 12.5%.",
        "First order in 2026: 2026-01-02."]


def test_a_customer_never_contacted_reads_never(finance):
    en, vi = both(finance, measures=["days_since_last_contact"], group_by=["customer"])
    never = [line for line in en.splitlines() if line.endswith(": never")]
    assert never and all("—" not in line for line in en.splitlines()[1:])
    assert any(line.endswith(": chưa bao giờ") for line in vi.splitlines())


def test_a_yes_or_no_question_is_answered_yes_or_no_first(finance):
    en, vi = both(finance, {"yes_no": True}, measures=["overdue_amount"], customer="ANPHAT")
    assert en.startswith("Yes — ") and vi.startswith("Có — ")
    en, vi = both(finance, {"yes_no": True}, measures=["revenue"], period="2025-01")
    assert en.startswith("No — ") and vi.startswith("Không — ")
    listed, _ = both(finance, {"yes_no": True}, measures=["open_receivables"], group_by=["invoice"], customer="ANPHAT")
    assert listed.startswith("Yes — ")


def test_a_year_to_date_compared_with_last_year_also_gives_all_of_last_year(finance):
    # 220,000 was paid on 2025-12-20: after the same dates last year, inside all of 2025
    en, vi = both(finance, measures=["payments_received"], period="ytd", compare="same_period_last_year")
    assert "(vs 0 VND from 2025-01-01 to 2025-11-20" in en and en.splitlines()[0].endswith("; all of 2025: 220,000 VND.")
    assert vi.splitlines()[0].endswith("; cả năm 2025: 220,000 VND.")
    whole = answer(finance, "en", measures=["payments_received"], period="2026", compare="same_period_last_year")
    assert "all of" not in whole   # a whole period compared with a whole period: nothing more to say


def test_a_date_measure_against_a_number_is_that_many_days_from_the_day(finance):
    """`invoice_due_date <= 30` keeps what falls due within 30 days of the day (negative: before it)."""
    everything = result_of(finance, "en", measures=["open_receivables", "invoice_due_date"], group_by=["invoice"])
    due = {r["invoice"]: r["invoice_due_date"] for r in everything["rows"]}
    ahead = result_of(finance, "en", measures=["open_receivables", "invoice_due_date"], group_by=["invoice"],
                      conditions=[{"measure": "invoice_due_date", "op": ">=", "value": "0"},
                                  {"measure": "invoice_due_date", "op": "<=", "value": "30"}])
    expected = {n for n, d in due.items() if "2026-11-20" <= d <= "2026-12-20"}
    assert {r["invoice"] for r in ahead["rows"]} == expected and expected and expected != set(due)


def test_the_things_counted_listed_one_per_row_are_named_without_a_count_of_one(finance):
    en = answer(finance, "en", measures=["customers"], group_by=["customer"])
    listed = [line for line in en.splitlines() if line.startswith("- ")]
    assert len(listed) >= 2 and not any(line.endswith(": 1") for line in listed) and "Total" not in en
    orders = answer(finance, "en", measures=["orders"], group_by=["customer"], period="2026")
    assert any(re.search(r": \d+$", line) for line in orders.splitlines() if line.startswith("- "))
