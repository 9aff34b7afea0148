"""The staff directory: colleagues by name, code or e-mail — their role, region, e-mail, whom they report to and
who reports to them ("what's Steve Johnson's email?", "who do I report to?", "ai là quản lý của Mai?")."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import select

from backend.errors import NotFound
from backend.models import Employee
from backend.text import fold
from backend.tools.context import ToolContext
from backend.tools.registry import register
from backend.tools.schema import ToolModel


class FindEmployeesInput(ToolModel):
    query: str | None = Field(None, max_length=200, description="A colleague's name, given name, code or e-mail; "
                                                                "'me' for the asker; empty to list everyone (or a role or region)")
    role: Literal["sales", "support", "finance", "manager", "admin"] | None = Field(None, description="Only this role")
    region: str | None = Field(None, max_length=80, description="Only this region")
    limit: int = Field(20, ge=1, le=100, description="How many colleagues at most")


class ColleagueRef(ToolModel):
    code: str
    name: str
    email: str | None = None
    region: str | None = None


class EmployeeOut(ToolModel):
    code: str
    name: str
    email: str | None = None
    role: str
    region: str | None = None
    active: bool
    manager: ColleagueRef | None = Field(None, description="Whom they report to")
    reports: list[ColleagueRef] = Field(description="Who reports to them")


class FindEmployeesResult(ToolModel):
    query: str | None
    employees: list[EmployeeOut]
    total: int = Field(description="Colleagues matching, all of them (the list holds at most `limit`)")


def _ref(person: Employee | None) -> ColleagueRef | None:
    return (ColleagueRef(code=person.code, name=person.name, email=person.email, region=person.region)
            if person is not None else None)


def _matches(person: Employee, query: str) -> int:
    """How well a query names a colleague: 3 code or e-mail, 2 full name, 1 every word of it in the name."""
    folded = fold(query).strip()
    if folded in (person.code.lower(), (person.email or "").lower()):
        return 3
    name = fold(person.name)
    if folded == name:
        return 2
    words = folded.split()
    return 1 if words and all(w in name.split() for w in words) else 0


@register(kind="read")
def find_employees(ctx: ToolContext, params: FindEmployeesInput) -> FindEmployeesResult:
    """Find colleagues by name, code or e-mail (or 'me'): role, region, e-mail, manager and direct reports."""
    staff = list(ctx.session.execute(select(Employee).order_by(Employee.name, Employee.id)).scalars())
    if params.query and fold(params.query).strip() in ("me", "i", "myself", "toi", "minh", "em"):
        chosen = [p for p in staff if p.id == ctx.actor.id]
    elif params.query:
        scored = [(score, p) for p in staff if (score := _matches(p, params.query))]
        best = max((s for s, _ in scored), default=0)
        chosen = [p for s, p in scored if s == best]
        if not chosen:
            raise NotFound(f"No colleague matches '{params.query}'.",
                           hint="Check the spelling, or give the colleague's code or e-mail.")
    else:
        chosen = staff
    if params.role:
        chosen = [p for p in chosen if p.role == params.role]
    if params.region:
        region = fold(params.region)
        chosen = [p for p in chosen if p.region and fold(p.region) == region]
    by_manager: dict[int, list[Employee]] = {}
    for person in staff:
        if person.manager_id is not None:
            by_manager.setdefault(person.manager_id, []).append(person)
    people = {p.id: p for p in staff}
    employees = [EmployeeOut(code=p.code, name=p.name, email=p.email, role=p.role, region=p.region, active=p.active,
                             manager=_ref(people.get(p.manager_id)) if p.manager_id else None,
                             reports=[_ref(r) for r in by_manager.get(p.id, [])])
                 for p in chosen[:params.limit]]
    return FindEmployeesResult(query=params.query, employees=employees, total=len(chosen))
