"""The offline planner as a LangChain chat model, so the same agent loop runs with or without an LLM.

On a user message it plans one tool call (or asks a question); once the tool results are back it writes
the answer from them with templates. Deterministic, no network, grounded by construction.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.planner.answers import compose_answer, no_intent_answer
from assistant.planner.planner import Memory, make_plan
from assistant.turn import current_turn


def _memory(messages: list[BaseMessage]) -> Memory:
    """The customer in focus and the last intent, from the plans of earlier turns."""
    memory = Memory()
    for msg in messages:
        if isinstance(msg, AIMessage):
            plan = msg.additional_kwargs.get("tandem_plan")
            if plan:
                memory.intent = plan.get("intent") or memory.intent
                memory.args = plan.get("args") or memory.args
                said = plan.get("args") or {}
                if said.get("period"):
                    memory.period = said["period"]
                elif said.get("date_from") and said.get("date_to"):
                    # a customer's history over dates ("what did Summit buy in 2015"): those dates are "that" next
                    memory.period = f"{said['date_from']}..{said['date_to']}"
                memory.hints = plan.get("hints") or {}
                if plan.get("customer_code"):
                    memory.customer_code = plan["customer_code"]
            for call in msg.tool_calls or []:
                customer = (call.get("args") or {}).get("customer")
                if customer:
                    memory.customer_code = customer
        if isinstance(msg, ToolMessage):
            try:
                body = json.loads(msg.content)
            except (TypeError, ValueError):
                continue
            result = body.get("result") or {}
            code = (result.get("customer") or {}).get("code") if isinstance(result.get("customer"), dict) else result.get("customer_code")
            rows = result.get("rows") if isinstance(result.get("rows"), list) else []
            memory.rows = _rows_shown(memory, rows) or _order_of_ticket(result) or _one_order(result)
            found = result.get("candidates") if isinstance(result.get("candidates"), list) else []
            if not code and len(found) == 1 and isinstance(found[0], dict) and found[0].get("code"):
                code = found[0]["code"]   # "find customer Bjørn Hansen" then "who's his rep?": the one found
            if not code and len(rows) == 1 and isinstance(rows[0], dict) and rows[0].get("customer_name"):
                code = rows[0].get("customer")  # query_data's one customer ("our top customer in Germany")
            if not code and rows and memory.intent == "report" and memory.hints.get("single") \
                    and isinstance(rows[0], dict) and rows[0].get("customer_code"):
                code = rows[0]["customer_code"]   # "who owes us the most?" (ranked): the first row is the one

            if code:
                memory.customer_code = code
    return memory


# An order a ticket's subject names ("Giao hàng trễ đơn SO-2026-000766", "Wrong item shipped on BO-17-0976").
_ORDER_NAMED = re.compile(r"(?i)\b(?:order|on|đơn|đơn hàng|don|don hang)\s+([A-Za-z]{1,5}-(?:\d{2,4}-)?\d{2,8})\b")


def _one_order(result: dict[str, Any]) -> dict[str, list[str]]:
    """One order shown: 'it' is that order next, and 'the invoice for it' its one live invoice."""
    orders = result.get("orders") if isinstance(result.get("orders"), list) else []
    if len(orders) != 1 or not isinstance(orders[0], dict) or not orders[0].get("number"):
        return {}
    shown = {"order": [str(orders[0]["number"])]}
    invoices = [i for i in orders[0].get("invoices") or [] if isinstance(i, dict) and i.get("status") != "void"]
    if len(invoices) == 1 and invoices[0].get("number"):
        shown["order_invoice"] = [str(invoices[0]["number"])]
    return shown


def _order_of_ticket(result: dict[str, Any]) -> dict[str, list[str]]:
    """One ticket shown whose subject names one order: that order is what 'that order' means next."""
    tickets = result.get("tickets") if isinstance(result.get("tickets"), list) else []
    if len(tickets) != 1 or not isinstance(tickets[0], dict):
        return {}
    found = set(_ORDER_NAMED.findall(str(tickets[0].get("subject") or "")))
    return {"order": sorted(found)} if len(found) == 1 else {}


def _rows_shown(memory: Memory, rows: list[Any]) -> dict[str, list[str]]:
    """The keys of the rows the last answer listed, by dimension ("which of them ..." asks among these): a figure's
    rows by its grouping, a report's by the customer codes or SKUs they carry."""
    if not rows or len(rows) > 50 or not all(isinstance(r, dict) for r in rows):
        return {}
    if memory.intent == "data":
        shown = (memory.args.get("group_by") or [None])[0]
        if shown and all(r.get(shown) is not None for r in rows):
            return {shown: [str(r[shown]) for r in rows]}
        return {}
    shown: dict[str, list[str]] = {}
    if all(r.get("number") for r in rows) and str(memory.args.get("report", "")).endswith("invoices"):
        shown["invoice"] = [str(r["number"]) for r in rows]   # an invoice report's rows ("which one is the oldest?")
    for key, dimension in (("customer_code", "customer"), ("sku", "product")):
        if all(r.get(key) for r in rows):
            shown[dimension] = [str(r[key]) for r in rows]
            break
    return shown


class OfflinePlanner(BaseChatModel):
    brain_name: str = "offline"
    allowed_tools: frozenset[str] | None = None

    @property
    def _llm_type(self) -> str:
        return "tandem-offline-planner"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "OfflinePlanner":
        names = frozenset(getattr(t, "name", None) or (t.get("name") if isinstance(t, dict) else str(t)) for t in tools)
        return self.model_copy(update={"allowed_tools": names})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._respond(messages))])

    def _respond(self, messages: list[BaseMessage]) -> AIMessage:
        turn = current_turn.get()
        if turn is None:
            raise RuntimeError("the offline planner runs only inside an Assistant turn")
        last_human = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=None)
        if last_human is None:
            return AIMessage(no_intent_answer("en"))
        after = messages[last_human + 1:]
        tool_messages = [m for m in after if isinstance(m, ToolMessage)]
        plan_message = next((m for m in after if isinstance(m, AIMessage) and m.tool_calls), None)
        if tool_messages and plan_message is not None:
            plan = plan_message.additional_kwargs.get("tandem_plan", {})
            results = []
            for m in tool_messages:
                try:
                    results.append(json.loads(m.content))
                except (TypeError, ValueError):
                    results.append({"status": "error", "result": {"message": str(m.content)}})
            turn.language = plan.get("language", "en")
            return AIMessage(compose_answer(plan, results), additional_kwargs={"tandem_plan": plan})
        text = str(messages[last_human].content)
        memory = _memory(messages[:last_human])
        plan = make_plan(text, session=turn.session, actor_id=turn.actor.id, today=turn.tool_ctx.today, memory=memory)
        turn.language = plan.language
        if plan.question:
            return AIMessage(plan.question, additional_kwargs={"tandem_plan": plan.to_dict()})
        if plan.tool is None:
            return AIMessage(no_intent_answer(plan.language, help_requested=plan.intent == "help",
                                              understood=plan.hints.get("understood")),
                             additional_kwargs={"tandem_plan": plan.to_dict()})
        if self.allowed_tools is not None and plan.tool not in self.allowed_tools and "query_data" in self.allowed_tools:
            from assistant.planner.planner import sales_report_as_query

            plan = sales_report_as_query(plan) or plan   # support asking for sales: the figures, not the report
        if self.allowed_tools is not None and plan.tool not in self.allowed_tools:
            from backend.roles import roles_needed_text

            needed = roles_needed_text(plan.tool, plan.language)
            text = (f"Bạn không có quyền làm việc này: cần vai trò {needed}; bạn đang đăng nhập với vai trò "
                    f"{turn.tool_ctx.role}." if plan.language == "vi"
                    else f"That needs the {needed} role; you are signed in as {turn.tool_ctx.role}, so I can't do it for you.")
            return AIMessage(text, additional_kwargs={"tandem_plan": plan.to_dict()})
        call = {"name": plan.tool, "args": plan.args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}
        return AIMessage("", tool_calls=[call], additional_kwargs={"tandem_plan": plan.to_dict()})
