"""Scores held-out sets on the answer: builds the set's company, asks every question through the assistant (the
configured brain, in-process, as the named employee, on the set's today) and checks the facts its SQL oracles
compute on the oracle database. See tests/heldout/README.md.

    python -m tests.heldout.score demo-1 second-1 [--verbose] [--keep DIR]
    python -m tests.heldout.score --build demo DIR [--today 2026-11-26]     # only build a company, for writing oracles
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
FACT_KINDS = ("text", "money", "number", "date", "any", "none")


def set_path(name: str) -> Path:
    path = Path(name)
    return path if path.suffix == ".json" and path.exists() else HERE / f"{name}.json"


def load_set(name: str) -> dict[str, Any]:
    data = json.loads(set_path(name).read_text(encoding="utf-8"))
    problems = check_set(data)
    if problems:
        raise ValueError(f"{name}: " + "; ".join(problems))
    return data


def check_set(data: dict[str, Any]) -> list[str]:
    """What is wrong with a set's shape (empty when nothing is)."""
    problems = []
    for key in ("set", "company", "today", "questions"):
        if key not in data:
            problems.append(f"missing '{key}'")
    seen = set()
    for q in data.get("questions", []):
        qid = q.get("id", "?")
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        for key in ("as", "ask", "facts"):
            if not q.get(key):
                problems.append(f"{qid}: missing '{key}'")
        for fact in q.get("facts", []):
            if fact.get("kind") not in FACT_KINDS:
                problems.append(f"{qid}: unknown fact kind {fact.get('kind')!r}")
            elif fact["kind"] in ("any", "none") and not fact.get("values"):
                problems.append(f"{qid}: a '{fact['kind']}' fact needs values")
            elif fact["kind"] not in ("any", "none") and not fact.get("sql"):
                problems.append(f"{qid}: a '{fact['kind']}' fact needs sql")
            elif fact["kind"] == "money" and not fact.get("currency"):
                problems.append(f"{qid}: a money fact needs its currency")
    return problems


# --- matching -----------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    from backend.text import fold as tandem_fold

    return re.sub(r"\s+", " ", tandem_fold(text))


_NUMBER = re.compile(r"(?<![\w.,])-?\d[\d,.\u202f\u00a0 ]*\d(?![\w])|(?<![\w.,])-?\d(?![\w])")


def numbers_in(text: str) -> list[Decimal]:
    """Every number the text writes, read both ways where it is ambiguous (1,234.5 and 1.234,5)."""
    found: list[Decimal] = []
    for token in _NUMBER.findall(text.replace("−", "-")):
        token = token.strip().rstrip(".,")
        for candidate in _readings(token):
            found.append(candidate)
    return found


def _readings(token: str) -> list[Decimal]:
    compact = re.sub(r"[\u202f\u00a0 ]", "", token)
    readings = []
    for thousands, point in ((",", "."), (".", ",")):
        plain = compact.replace(thousands, "")
        if plain.count(point) > 1:
            continue
        try:
            readings.append(Decimal(plain.replace(point, ".")))
        except InvalidOperation:
            continue
    # "1 234 567" or a number followed by another: also read the space-separated parts alone.
    if " " in token.strip():
        for part in token.split():
            readings.extend(_readings(part))
    return readings


def quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def minor_units(currency: str) -> int:
    from backend.money import minor_units as tandem_minor_units

    return tandem_minor_units(currency)


class _ExactSum:
    """SUM over Python integers, which do not overflow: Tandem stores money as integers scaled by 10^4 (rates by
    10^8) on SQLite, so an oracle summing amount x rate can pass SQLite's 64-bit SUM."""

    def __init__(self):
        self.ints, self.floats, self.seen = 0, [], False

    def step(self, value):
        if value is None:
            return
        self.seen = True
        if isinstance(value, int):
            self.ints += value
        else:
            self.floats.append(float(value))

    def finalize(self):
        if not self.seen:
            return None
        if not self.floats:
            return self.ints if -2**63 <= self.ints < 2**63 else float(self.ints)
        import math

        return math.fsum(self.floats + [float(self.ints)])


def _cells(db: sqlite3.Connection, sql: str, today: date) -> list[Any]:
    params = {"today": today.isoformat()} if today else {}
    try:
        rows = db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as error:
        if "integer overflow" not in str(error):
            raise
        # Only where SQLite's own SUM overflowed, on a connection of its own (an override can't be removed).
        path = db.execute("PRAGMA database_list").fetchone()[2]
        exact = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            exact.create_aggregate("sum", 1, _ExactSum)
            rows = exact.execute(sql, params).fetchall()
        finally:
            exact.close()
    return [cell for row in rows for cell in row if cell is not None]


def _as_decimal(cell: Any, scale: int) -> Decimal:
    if isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        value = Decimal(str(cell))
    return value.scaleb(-scale) if scale else value


@dataclass
class FactResult:
    fact: dict[str, Any]
    ok: bool
    expected: list[str]
    missing: list[str]


def check_fact(fact: dict[str, Any], answer: str, db: sqlite3.Connection, today: date) -> FactResult:
    kind = fact["kind"]
    folded = fold(answer)
    if kind in ("any", "none"):
        values = [str(v) for v in fact["values"]]
        present = [v for v in values if fold(v) and fold(v) in folded]
        if kind == "any":
            return FactResult(fact, bool(present), values, [] if present else values)
        return FactResult(fact, not present, values, present)
    cells = _cells(db, fact["sql"], today)
    negate = bool(fact.get("negate"))
    if not cells and not negate:
        return FactResult(fact, False, [], ["(the oracle returned no rows)"])
    expected, present_flags = [], []
    if kind == "text":
        for cell in cells:
            expected.append(str(cell))
            present_flags.append(fold(str(cell)) in folded)
    elif kind == "date":
        for cell in cells:
            expected.append(str(cell)[:10])
            present_flags.append(str(cell)[:10] in answer)
    else:
        places = minor_units(fact["currency"]) if kind == "money" else int(fact.get("places", 0))
        written = numbers_in(answer)
        for cell in cells:
            want = quantize(_as_decimal(cell, int(fact.get("scale", 0))), places)
            expected.append(str(want))
            # Equal (12.50 is 12.5), or written more precisely and rounding to it; never less precisely.
            present_flags.append(any(n == want or (n.as_tuple().exponent < -places and quantize(n, places) == want)
                                     for n in written))
    if negate:
        leaked = [e for e, flag in zip(expected, present_flags) if flag]
        return FactResult(fact, not leaked, expected, leaked)
    missing = [e for e, flag in zip(expected, present_flags) if not flag]
    return FactResult(fact, not missing, expected, missing)


# --- running ------------------------------------------------------------------------------------------------

@dataclass
class QuestionResult:
    id: str
    ask: str
    answer: str
    facts: list[FactResult]
    seconds: float
    tools: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.facts)


@dataclass
class SetResult:
    name: str
    company: str
    questions: list[QuestionResult]

    @property
    def accuracy(self) -> float:
        return sum(q.ok for q in self.questions) / len(self.questions) if self.questions else 0.0


def _company_now(session, today: date) -> datetime:
    """The end of the set's working day in the company's zone: the companies' records of `today` run into the
    afternoon (the demo's last ticket is opened at 15:24), and a question is asked after them, not before."""
    from backend.ledger import company

    try:
        zone = ZoneInfo(company(session).timezone)
    except Exception:
        zone = ZoneInfo("UTC")
    return datetime.combine(today, clock(18, 0), tzinfo=zone)


def run_set(data: dict[str, Any], built, *, assistant=None, verbose: bool = False) -> SetResult:
    from sqlalchemy import select

    from assistant.agent import Assistant
    from backend.db import make_engine, session_factory
    from backend.models import Employee

    today = date.fromisoformat(data["today"])
    engine = make_engine(built.database_url)
    sessions = session_factory(engine)
    assistant = assistant or Assistant()
    oracle = sqlite3.connect(f"file:{built.oracle_db}?mode=ro", uri=True)
    conversations: dict[str, str] = {}
    results = []
    try:
        for q in data["questions"]:
            with sessions() as session:
                actor = session.execute(select(Employee).where(Employee.email == q["as"])).scalar_one()
                conversation = conversations.get(q["conversation"]) if q.get("conversation") else None
                started = time.perf_counter()
                try:
                    turn = assistant.ask(session, actor, q["ask"], channel="test", conversation_id=conversation,
                                         now=_company_now(session, today))
                    answer, tools = turn.answer, [c["name"] for c in turn.tool_calls]
                    if q.get("conversation"):
                        conversations[q["conversation"]] = turn.conversation
                    session.commit()
                except Exception as exc:  # a crash is a wrong answer, not the end of the run
                    session.rollback()
                    answer, tools = f"(crashed: {type(exc).__name__}: {exc})", []
                seconds = time.perf_counter() - started
            facts = [check_fact(f, answer, oracle, today) for f in q["facts"]]
            result = QuestionResult(q["id"], q["ask"], answer, facts, seconds, tools)
            results.append(result)
            if verbose:
                _print_question(result)
    finally:
        oracle.close()
        engine.dispose()
    return SetResult(data["set"], data["company"], results)


def _print_question(result: QuestionResult) -> None:
    mark = "ok  " if result.ok else "MISS"
    print(f"{mark} {result.id} {result.ask}  [{', '.join(result.tools) or 'no tool'}; {result.seconds * 1000:.0f} ms]")
    if not result.ok:
        for fact in result.facts:
            if not fact.ok:
                print(f"       {fact.fact['kind']}: missing {fact.missing[:6]}")
        print("       answer: " + result.answer.replace("\n", " ⏎ ")[:400])


def score_sets(names: list[str], *, keep: Path | None = None, verbose: bool = False) -> list[SetResult]:
    from tests.heldout.companies import build

    sets = [load_set(n) for n in names]
    built_for: dict[tuple[str, str], Any] = {}
    results = []
    root = keep or Path(tempfile.mkdtemp(prefix="tandem-heldout-"))
    for data in sets:
        key = (data["company"], data["today"])
        if key not in built_for:
            directory = root / f"{data['company']}-{data['today']}"
            built_for[key] = build(data["company"], directory, date.fromisoformat(data["today"]))
        built = built_for[key]
        os.environ["TANDEM_DATA_DIR"] = str(built.data_dir)
        os.environ["TANDEM_DATABASE_URL"] = built.database_url
        from backend.settings import get_settings

        get_settings.cache_clear()
        results.append(run_set(data, built, verbose=verbose))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", help="set names (tests/heldout/<name>.json)")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the companies here and keep them")
    parser.add_argument("--build", nargs=2, metavar=("COMPANY", "DIR"), help="only build a company in DIR")
    parser.add_argument("--today", default="2026-11-26")
    args = parser.parse_args(argv)
    if args.build:
        from tests.heldout.companies import build

        built = build(args.build[0], Path(args.build[1]), date.fromisoformat(args.today))
        print(f"database: {built.database_url}\noracles run on: {built.oracle_db}")
        return
    names = args.sets or sorted(p.stem for p in HERE.glob("*.json"))
    for result in score_sets(names, keep=args.keep, verbose=args.verbose):
        right = sum(q.ok for q in result.questions)
        print(f"held-out {result.name} ({result.company}): {right}/{len(result.questions)} answers right "
              f"= {result.accuracy:.1%}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    main()
