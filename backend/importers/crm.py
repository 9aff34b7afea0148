"""interactions.csv, tickets.csv and opportunities.csv: the history and the pipeline of each customer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from backend.importers.reading import Row
from backend.importers.state import FileLoader, ImportState, Seen, chunked, insert_rows, update_rows
from backend.models import Interaction, Opportunity, Ticket
from backend.models.crm import INTERACTION_KINDS, OPPORTUNITY_STAGES, STAGE_PROBABILITY, TICKET_PRIORITIES, TICKET_STATUSES


@dataclass(slots=True)
class _Record:
    customer_code: str
    person_code: str | None  # the employee: who interacted / who owns the opportunity
    values: dict[str, Any]
    id: int | None = None


def _write_matched(state: ImportState, model: type, records: list[_Record], person_attribute: str | None,
                   existing: dict[tuple, int], key) -> int:
    """Insert or update records, matched against existing rows by `key(customer_id, values)`; returns how many were new."""
    new, changed = [], []
    for record in records:
        customer = state.customers[record.customer_code]
        row = {**record.values, "customer_id": customer.id}
        if person_attribute:
            row[person_attribute] = state.employees.get(record.person_code)
        row_id = existing.get(key(customer.id, row))
        if row_id is None:
            new.append(row)
        else:
            changed.append({"id": row_id, **row})
    update_rows(state.session, model, changed)
    insert_rows(state.session, model, new)
    return len(new)


def _customer_ids(state: ImportState, records: list[_Record]) -> list[int]:
    return sorted({state.customers[record.customer_code].id for record in records})


@dataclass
class InteractionLoader(FileLoader):
    """An interaction is identified by (customer, occurred_at, kind): a re-import updates it, never duplicates it."""

    stem = "interactions"
    columns = ("customer_code", "occurred_at", "kind", "summary", "employee_code")
    required = frozenset({"customer_code", "occurred_at", "kind", "summary"})

    records: list[_Record] = field(default_factory=list)
    with_employee: bool = False

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_customers(row.raw("customer_code") for row in rows)
        state.load_employees(row.raw("employee_code") for row in rows)
        self.with_employee = bool(rows) and rows[0].has("employee_code")
        seen = Seen("an interaction (same customer, occurred_at and kind)")
        for row in rows:
            customer_code = row.text("customer_code", required=True, max_length=40)
            occurred_at = row.moment("occurred_at", required=True)
            kind = row.choice("kind", INTERACTION_KINDS, required=True)
            summary = row.text("summary", required=True)
            employee = row.text("employee_code", max_length=40)
            state.exists(row, "employee_code", employee, "employee")
            if state.exists(row, "customer_code", customer_code, "customer") and customer_code and occurred_at and kind:
                seen.first(row, "occurred_at", (customer_code, occurred_at, kind), row.raw("occurred_at"))
            if row.ok:
                values = {"occurred_at": occurred_at, "kind": kind, "summary": summary}
                self.records.append(_Record(customer_code, employee, values))

    def write(self, state: ImportState) -> None:
        existing: dict[tuple, int] = {}
        for chunk in chunked(_customer_ids(state, self.records)):
            query = (select(Interaction.id, Interaction.customer_id, Interaction.occurred_at, Interaction.kind)
                     .where(Interaction.customer_id.in_(chunk)).order_by(Interaction.id))
            for row in state.session.execute(query):
                existing.setdefault((row.customer_id, row.occurred_at, row.kind), row.id)
        self.created = _write_matched(state, Interaction, self.records, "employee_id" if self.with_employee else None,
                                      existing, lambda customer_id, row: (customer_id, row["occurred_at"], row["kind"]))


@dataclass
class TicketLoader(FileLoader):
    stem = "tickets"
    columns = ("number", "customer_code", "opened_at", "subject", "status", "priority", "description", "closed_at")
    required = frozenset({"number", "customer_code", "opened_at", "subject"})

    records: list[_Record] = field(default_factory=list)

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_customers(row.raw("customer_code") for row in rows)
        seen = Seen("a ticket number")
        for row in rows:
            number = row.text("number", required=True, max_length=40)
            customer_code = row.text("customer_code", required=True, max_length=40)
            opened_at = row.moment("opened_at", required=True)
            values: dict[str, Any] = {"number": number, "opened_at": opened_at,
                                      "subject": row.text("subject", required=True, max_length=300)}
            if row.has("status"):
                values["status"] = row.choice("status", TICKET_STATUSES) or "open"
            if row.has("priority"):
                values["priority"] = row.choice("priority", TICKET_PRIORITIES) or "medium"
            if row.has("description"):
                values["description"] = row.text("description")
            if row.has("closed_at"):
                values["closed_at"] = row.moment("closed_at")
                if values["closed_at"] and opened_at and values["closed_at"] < opened_at:
                    row.fail("closed_at", row.raw("closed_at"), "is before opened_at; correct one of the two")
            state.exists(row, "customer_code", customer_code, "customer")
            if number is not None and seen.first(row, "number", number, number):
                state.document_numbers["ticket"].append(number)
                if row.ok:
                    self.records.append(_Record(customer_code, None, values))

    def write(self, state: ImportState) -> None:
        existing: dict[tuple, int] = {}
        for chunk in chunked(record.values["number"] for record in self.records):
            query = select(Ticket.id, Ticket.number).where(Ticket.number.in_(chunk))
            existing.update({(row.number,): row.id for row in state.session.execute(query)})
        self.created = _write_matched(state, Ticket, self.records, None, existing, lambda _, row: (row["number"],))


@dataclass
class OpportunityLoader(FileLoader):
    """An opportunity is identified by (customer, name); its currency is the customer's."""

    stem = "opportunities"
    columns = ("name", "customer_code", "stage", "amount", "close_date", "owner_code", "probability")
    required = frozenset({"name", "customer_code", "stage", "amount", "close_date"})

    records: list[_Record] = field(default_factory=list)
    with_owner: bool = False

    def parse(self, rows: list[Row], state: ImportState) -> None:
        state.load_customers(row.raw("customer_code") for row in rows)
        state.load_employees(row.raw("owner_code") for row in rows)
        self.with_owner = bool(rows) and rows[0].has("owner_code")
        seen = Seen("an opportunity (same customer and name)")
        for row in rows:
            name = row.text("name", required=True, max_length=200)
            customer_code = row.text("customer_code", required=True, max_length=40)
            stage = row.choice("stage", OPPORTUNITY_STAGES, required=True)
            amount = row.decimal("amount", required=True, minimum=0)
            close_date = row.date("close_date", required=True)
            probability = row.integer("probability", minimum=0, maximum=100)
            owner = row.text("owner_code", max_length=40)
            state.exists(row, "owner_code", owner, "employee")
            if state.exists(row, "customer_code", customer_code, "customer") and customer_code and name:
                seen.first(row, "name", (customer_code, name.casefold()), name)
            if row.ok:
                values = {"name": name, "stage": stage, "amount": amount, "close_date": close_date,
                          "currency": state.customers[customer_code].currency,
                          "probability": STAGE_PROBABILITY[stage] if probability is None else probability}
                self.records.append(_Record(customer_code, owner, values))

    def write(self, state: ImportState) -> None:
        existing: dict[tuple, int] = {}
        for chunk in chunked(_customer_ids(state, self.records)):
            query = (select(Opportunity.id, Opportunity.customer_id, Opportunity.name)
                     .where(Opportunity.customer_id.in_(chunk)).order_by(Opportunity.id))
            for row in state.session.execute(query):
                existing.setdefault((row.customer_id, row.name.casefold()), row.id)
        self.created = _write_matched(state, Opportunity, self.records, "owner_id" if self.with_owner else None,
                                      existing, lambda customer_id, row: (customer_id, row["name"].casefold()))
