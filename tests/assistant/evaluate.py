"""Scores the offline planner on the development set: tool choice, arguments, planning latency."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.planner.planner import Memory, make_plan
from backend.models import Employee

TODAY = date(2026, 11, 26)


@dataclass
class CaseResult:
    request: str
    expected_tool: str | None
    tool: str | None
    expected_args: dict[str, Any]
    args: dict[str, Any]
    seconds: float

    @property
    def tool_ok(self) -> bool:
        return self.tool == self.expected_tool

    @property
    def args_ok(self) -> bool:
        return self.tool_ok and all(self.args.get(k) == v for k, v in self.expected_args.items())


def evaluate(session: Session, cases: list[dict[str, Any]], today: date = TODAY) -> list[CaseResult]:
    employees = {e.email: e for e in session.execute(select(Employee)).scalars()}
    memories: dict[str, Memory] = {}
    results = []
    for case in cases:
        actor = employees[case["as"]]
        memory = memories.setdefault(case["chain"], Memory()) if case["chain"] else Memory()
        started = time.perf_counter()
        plan = make_plan(case["request"], session=session, actor_id=actor.id, today=today, memory=memory)
        elapsed = time.perf_counter() - started
        tool = None if plan.question else plan.tool
        if tool is not None and plan.tool is not None:
            # The same thing the brain does after a role check: a tool the asker may not use is not called.
            from backend.roles import allowed

            if not allowed(plan.tool, actor.role):
                tool = None
        if case["chain"]:
            memory.intent = plan.intent or memory.intent
            memory.args = plan.args or memory.args
            memory.customer_code = plan.args.get("customer") or plan.customer_code or memory.customer_code
        results.append(CaseResult(case["request"], case["tool"], tool, case["args"], plan.args, elapsed))
    return results


def summary(results: list[CaseResult]) -> dict[str, float]:
    n = len(results)
    latencies = sorted(r.seconds for r in results)
    return {
        "cases": n,
        "tool_accuracy": sum(r.tool_ok for r in results) / n,
        "args_accuracy": sum(r.args_ok for r in results) / n,
        "p50_ms": latencies[n // 2] * 1000,
        "p95_ms": latencies[int(n * 0.95) - 1] * 1000,
    }
