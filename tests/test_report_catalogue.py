"""The reports moved onto the semantic model and one catalogue; on the demo company they still give the figures they
gave before (tests/fixtures/reports-before-catalogue.json, written by tests/reports_golden.py from the old code).
The commissions entries were rewritten when commission moved onto the semantic model's rule (orders whose invoice
is paid in full, by the day of the last payment), after checking them against that rule in plain SQL. The
customer_lifetime_value entries were rewritten when CLV moved onto margin: the rows gained lifetime gross margin and
CLV and are ranked by that margin; every customer in both old and new rows kept its old figures."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reports_golden import figures

BEFORE = json.loads((Path(__file__).parent / "fixtures" / "reports-before-catalogue.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def now_figures(demo) -> dict:
    return figures(demo)


@pytest.mark.parametrize("key", sorted(BEFORE))
def test_report_gives_the_figures_it_gave_before(now_figures, key):
    assert now_figures[key] == BEFORE[key]
