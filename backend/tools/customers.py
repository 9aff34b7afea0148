"""Customer lookup: find_customers returns ranked candidates so callers can ask 'which one?'."""
from __future__ import annotations

from pydantic import Field
from sqlalchemy import select

from backend.models import Customer, Employee
from backend.tools.context import ToolContext
from backend.tools.lookup import match_customers
from backend.tools.registry import register
from backend.tools.schema import ToolModel


class FindCustomersInput(ToolModel):
    query: str = Field(min_length=1, max_length=200,
                       description="Name, code, e-mail, phone or city, as the user wrote it (accents and typos are fine)")
    limit: int = Field(10, ge=1, le=50, description="How many candidates to return at most")


class CustomerCandidate(ToolModel):
    code: str = Field(description="Customer code; use it to refer to this customer unambiguously")
    name: str
    city: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    score: float = Field(description="Match score 0-100; 100 is an exact code, e-mail or phone match")
    matched_on: str = Field(description="What matched: code, email, email domain, phone or name")
    contact: str | None = Field(None, description="The contact person whose e-mail or phone matched, if it was a contact's")
    owner: str | None = Field(None, description="The sales rep who owns the account")


class FindCustomersResult(ToolModel):
    query: str
    candidates: list[CustomerCandidate]
    ambiguous: bool = Field(description="True when several candidates are about equally good: ask which one")


@register(kind="read")
def find_customers(ctx: ToolContext, params: FindCustomersInput) -> FindCustomersResult:
    """Find customers by name, code, e-mail, phone or city; fuzzy and accent-insensitive, best match first."""
    matches = match_customers(ctx.session, params.query, limit=params.limit)
    details = {row.id: row for row in ctx.session.execute(
        select(Customer.id, Customer.country, Customer.email, Customer.phone, Employee.name.label("owner"))
        .outerjoin(Employee, Employee.id == Customer.owner_id)
        .where(Customer.id.in_([m.id for m in matches])))} if matches else {}
    candidates = [CustomerCandidate(code=m.code, name=m.name, city=m.city, country=details[m.id].country,
                                    email=details[m.id].email, phone=details[m.id].phone, score=m.score,
                                    matched_on=m.matched_on, contact=m.contact, owner=details[m.id].owner)
                  for m in matches]
    ambiguous = len(candidates) > 1 and candidates[0].score < 100 and candidates[0].score - candidates[1].score < 8
    return FindCustomersResult(query=params.query, candidates=candidates, ambiguous=ambiguous)
