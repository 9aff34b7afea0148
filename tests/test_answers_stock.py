"""The offline planner's wording of a stock answer: the total across warehouses, and 'out of stock' said in words."""
from __future__ import annotations

from assistant.planner.answers import compose_answer


def _answer(stock, language="en"):
    result = {"sku": "HO-1029", "name": "Trail Camera 16MP", "unit": "unit", "unit_price": "119.00", "currency": "USD",
              "stock": stock}
    return compose_answer({"tool": "product_availability", "language": language}, [{"status": "ok", "result": result}])


def test_nothing_available_anywhere_is_out_of_stock():
    empty = [{"warehouse": "MAIN", "available": 0, "quantity": 0, "reserved": 0, "below_reorder": True}]
    assert "out of stock" in _answer(empty).splitlines()[0]
    assert "hết hàng" in _answer(empty, "vi").splitlines()[0]


def test_stock_in_several_warehouses_is_added_up():
    stock = [{"warehouse": "HCM", "available": 40, "quantity": 45, "reserved": 5},
             {"warehouse": "HAN", "available": 1200, "quantity": 1200, "reserved": 0}]
    first = _answer(stock).splitlines()[0]
    assert "1,240 available in all" in first and "out of stock" not in first


def _checked(stock, wanted, warehouse=None, can_fulfil=None, language="en"):
    result = {"sku": "HO-1029", "name": "Trail Camera 16MP", "unit": "unit", "unit_price": "119.00", "currency": "USD",
              "stock": stock, "quantity": wanted, "can_fulfil": can_fulfil}
    plan = {"tool": "product_availability", "language": language,
            "hints": {"enough": True, **({"enough_in": warehouse} if warehouse else {})}}
    return compose_answer(plan, [{"status": "ok", "result": result}])


def test_a_stock_check_against_a_quantity_answers_yes_or_no_first_for_the_warehouse_asked():
    # each warehouse's can_fulfil as product_availability gives it for 60 wanted
    stock = [{"warehouse": "HCM", "available": 40, "quantity": 45, "reserved": 5, "can_fulfil": False},
             {"warehouse": "HAN", "available": 85, "quantity": 85, "reserved": 0, "can_fulfil": True}]
    assert _checked(stock, 60, "HAN", True).startswith("Yes — HAN has 85 available, enough for 60.")
    assert _checked(stock, 60, "HCM", True).startswith("No — HCM has only 40 available (60 wanted).")
    assert _checked(stock, 60, "HCM", True, "vi").startswith("Không — kho HCM chỉ còn 40 (cần 60).")
    assert _checked(stock, 200, None, False).startswith("No — not enough stock for 200.")
    assert not _checked(stock, None).startswith(("Yes", "No"))
    priced = {"sku": "HO-1029", "name": "Trail Camera 16MP", "unit": "unit", "unit_price": "110.00", "currency": "USD",
              "stock": stock, "quantity": 60, "can_fulfil": True}   # a price for 60 asked: no stock verdict
    assert not compose_answer({"tool": "product_availability", "language": "en"},
                              [{"status": "ok", "result": priced}]).startswith(("Yes", "No"))
