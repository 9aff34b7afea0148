"""A weak or local model never leaves the person without the right answer: against a local server that speaks the
chat-completions API (streaming and not) and answers the way small models do — calls written as text in each common
format, a write nobody asked for, invalid arguments twice, a tool that does not exist, an answer with no data, a slow
first token, a small context — the final answer holds the tool's figures and no call markup or error text.
No traffic leaves 127.0.0.1."""
from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from assistant.brains import llm as llm_module
from backend.models import Ticket
from tests.test_llm_brain import (MODEL, Reply, ask, fake, last_role, settings_for, sleeps, text, tool_call,  # noqa: F401
                                  tool_result, world)

QUESTION = "what is the credit limit of Saigon Foods?"
MARKUP = ("<think>", "</think>", "check_credit(", "<tool_call>", "</tool_call>", "<|python_tag|>", "[TOOL_CALLS]", "[ARGS]", "```", '"arguments"',
          '"parameters"', "Error invoking tool", "Invalid arguments", "validation error", '"status"')
CALL = {"name": "check_credit", "arguments": {"customer": "SAIGONFOODS"}}
TEXT_CALLS = {
    "hermes": f"<tool_call>\n{json.dumps(CALL)}\n</tool_call>",
    "hermes-after-words": f"Let me look that up.\n<tool_call>{json.dumps(CALL)}</tool_call>",
    "llama": '<|python_tag|>{"name": "check_credit", "parameters": {"customer": "SAIGONFOODS"}}<|eom_id|>',
    "mistral-list": f"[TOOL_CALLS] [{json.dumps(CALL)}]",
    "mistral-args": '[TOOL_CALLS]check_credit[ARGS]{"customer": "SAIGONFOODS"}',
    "bare-json": json.dumps({"name": "check_credit", "parameters": {"customer": "SAIGONFOODS"}}),
    "fenced-json": f"```json\n{json.dumps(CALL, indent=2)}\n```",
    "after-thinking": f"<think>The user wants credit. I should call check_credit.</think>\n{json.dumps(CALL)}",
    "after-thinking-opened-in-template": f"I need the credit tool for this.</think>\n<tool_call>{json.dumps(CALL)}</tool_call>",
    "llama-pythonic": '[check_credit(customer="SAIGONFOODS")]',
    "llama-pythonic-after-words": 'I will check.\n[check_credit(customer="SAIGONFOODS")]',
    "openai-shape-as-text": json.dumps({"type": "function", "function": {
        "name": "check_credit", "arguments": json.dumps({"customer": "SAIGONFOODS"})}}),
}


@pytest.fixture(autouse=True)
def fresh_context_lengths(monkeypatch):
    monkeypatch.setattr(llm_module, "_CONTEXT_LENGTHS", {})


@pytest.fixture(params=[False, True], ids=["whole", "streamed"])
def streaming(request) -> bool:
    return request.param


def run(session, world, fake, tmp_path, streaming: bool, message: str = QUESTION, **llm: Any):
    tokens: list[str] = []
    on_event = (lambda kind, data: tokens.append(data["text"]) if kind == "token" else None) if streaming else None
    result = ask(session, world["manager"], message, settings_for(fake, tmp_path, **llm), on_event=on_event)
    return result, "".join(tokens)


def answer_from_credit(body: dict[str, Any]) -> Reply:
    result = tool_result(body)
    return text(f"{result['customer_name']} has a credit limit of {Decimal(result['credit_limit']):,.0f} VND, "
                f"with {Decimal(result['available']):,.0f} VND available.")


def assert_clean(answer: str, tokens: str = "") -> None:
    for mark in MARKUP:
        assert mark not in answer, mark
        assert mark not in tokens, mark


def ticket_count(session) -> int:
    return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


# -- calls written as text ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("style", sorted(TEXT_CALLS))
def test_a_call_written_as_text_is_run_and_answered(session, world, fake, tmp_path, streaming, style):
    fake.script = lambda body: text(TEXT_CALLS[style]) if last_role(body) == "user" else answer_from_credit(body)
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert [(c["name"], c["args"]["customer"], c["status"]) for c in result.tool_calls] == [
        ("check_credit", "SAIGONFOODS", "ok")]
    assert result.brain == MODEL and result.notices == []
    assert "credit limit of 40,000,000 VND" in result.answer
    assert_clean(result.answer, tokens)
    # The model is shown its own call as a call, so the conversation it reads next is the native one.
    sent_back = fake.requests[1]["messages"][-2]
    assert sent_back["tool_calls"][0]["function"]["name"] == "check_credit"
    assert "<tool_call>" not in (sent_back.get("content") or "")


def test_a_reasoning_models_thinking_never_reaches_the_person(session, world, fake, tmp_path, streaming):
    def script(body):
        if last_role(body) == "user":
            return text(TEXT_CALLS["hermes"])
        answer = answer_from_credit(body)
        return text("<think>Limit is in the result; I will say it plainly.</think>" + answer.content)
    fake.script = script
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert "credit limit of 40,000,000 VND" in result.answer and "Limit is in the result" not in result.answer
    assert_clean(result.answer, tokens)


def test_a_streamed_answer_is_shown_as_it_comes_once_the_data_is_there(session, world, fake, tmp_path):
    fake.script = lambda body: text(TEXT_CALLS["hermes"]) if last_role(body) == "user" else answer_from_credit(body)
    events: list[tuple[str, dict[str, Any]]] = []
    result = ask(session, world["manager"], QUESTION, settings_for(fake, tmp_path),
                 on_event=lambda kind, data: events.append((kind, data)))
    tokens = [data["text"] for kind, data in events if kind == "token"]
    assert len(tokens) > 5 and "".join(tokens) == result.answer
    assert ("tool_result", {"name": "check_credit", "status": "ok"}) in events


def test_a_second_call_written_as_text_after_a_result_is_held_back_too(session, world, fake, tmp_path):
    """After data came back text streams, but call markup that starts mid-reply is still not shown."""
    def script(body):
        if last_role(body) == "user":
            return tool_call("check_credit", customer="SAIGONFOODS")
        if sum(1 for m in body["messages"] if m["role"] == "tool") == 1:
            return text("One more look: <tool_call>" + json.dumps(
                {"name": "customer_overview", "arguments": {"customer": "SAIGONFOODS"}}) + "</tool_call>")
        return answer_from_credit({"messages": [body["messages"][3]]})

    fake.script = script
    result, tokens = run(session, world, fake, tmp_path, True)
    assert [c["name"] for c in result.tool_calls] == ["check_credit", "customer_overview"]
    assert "credit limit of 40,000,000 VND" in result.answer
    assert_clean(result.answer, tokens)


def test_markup_that_can_not_be_read_falls_back(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: text('<tool_call>{"name": "check_credit", "arguments": {"customer": </tool_call>')
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == "offline" and llm_module.INVALID_CALL in result.notices
    assert "40,000,000" in result.answer
    assert_clean(result.answer, tokens)


# -- failed steps fall back ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_text", [False, True], ids=["native", "text"])
def test_a_write_nobody_asked_for_leaves_the_planner_to_answer_the_question(session, world, fake, tmp_path, streaming,
                                                                           as_text):
    ticket = {"customer": "SAIGONFOODS", "subject": "Credit limit", "priority": "high"}

    def script(body):
        if as_text:
            return text("<tool_call>" + json.dumps({"name": "create_ticket", "arguments": ticket}) + "</tool_call>")
        return tool_call("create_ticket", **ticket)

    fake.script = script
    before = ticket_count(session)
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == "offline"
    assert any("create_ticket" in n and "did not ask" in n for n in result.notices)
    assert "40,000,000" in result.answer  # the credit question is answered
    assert [c["name"] for c in result.tool_calls] == ["check_credit"]
    assert ticket_count(session) == before and result.confirmation is None
    assert "I did not run" not in result.answer
    assert_clean(result.answer, tokens)


def test_invalid_arguments_get_one_repair_then_the_model_goes_on(session, world, fake, tmp_path, streaming):
    def script(body):
        if last_role(body) == "user":
            return tool_call("check_credit", client="Saigon Foods")  # no `customer`
        if "Invalid arguments" in body["messages"][-1]["content"]:
            return tool_call("check_credit", customer="SAIGONFOODS")
        return answer_from_credit(body)

    fake.script = script
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == MODEL and result.notices == []
    repair = fake.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and repair[-1]["role"] == "tool"
    assert "customer" in repair[-1]["content"]  # the model is told which field is wrong
    assert [c["args"] for c in result.tool_calls] == [{"customer": "SAIGONFOODS"}]
    assert "credit limit of 40,000,000 VND" in result.answer
    assert_clean(result.answer, tokens)


def test_invalid_arguments_twice_fall_back(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: tool_call("check_credit", customer=["Saigon", "Foods"], order_amount="lots")
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert len(fake.requests) == 2  # the call and one repair
    assert result.brain == "offline" and result.notices == [llm_module.INVALID_CALL]
    assert [c["name"] for c in result.tool_calls] == ["check_credit"]  # the planner's own call
    assert "40,000,000" in result.answer
    assert_clean(result.answer, tokens)


def test_a_tool_that_does_not_exist_falls_back(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: tool_call("get_credit_limit", company="Saigon Foods")
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert len(fake.requests) == 1
    assert result.brain == "offline" and result.notices == [llm_module.UNKNOWN_TOOL.format(tools="get_credit_limit")]
    assert "40,000,000" in result.answer
    assert_clean(result.answer, tokens)


def test_an_answer_without_data_falls_back(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: text("Saigon Foods has a credit limit of 100,000,000 VND.")  # made up
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == "offline" and result.notices == [llm_module.NO_DATA]
    assert "100,000,000" not in result.answer and "100,000,000" not in tokens
    assert "40,000,000" in result.answer


def test_a_tool_error_is_never_the_answer(session, world, fake, tmp_path, streaming):
    """The model calls a tool that fails (a customer that does not exist) and then repeats the error."""
    def script(body):
        if last_role(body) == "user":
            return tool_call("check_credit", customer="ACME-WIDGETS-LTD")
        return text("Error invoking tool 'check_credit' with kwargs {'customer': 'ACME-WIDGETS-LTD'}: "
                    + tool_result(body).get("message", "not found"))

    fake.script = script
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == "offline" and result.notices == [llm_module.NO_DATA]
    assert [c["status"] for c in result.tool_calls] == ["error", "ok"]  # the model's failed call, then the planner's
    assert "40,000,000" in result.answer
    assert_clean(result.answer, tokens)


def test_a_conversational_reply_needs_no_data(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: text("Hello! Ask me about customers, credit, quotes or reports.")
    result, _ = run(session, world, fake, tmp_path, streaming, message="hello")
    assert result.brain == MODEL and result.notices == [] and result.tool_calls == []
    assert result.answer == "Hello! Ask me about customers, credit, quotes or reports."


# -- failing over early --------------------------------------------------------------------------------------------

def test_a_slow_first_token_hands_over_quickly(session, world, fake, tmp_path, sleeps, streaming):
    def script(body):
        reply = tool_call("check_credit", customer="SAIGONFOODS") if last_role(body) == "user" else answer_from_credit(body)
        reply.first_token_delay = 2.0
        return reply

    fake.script = script
    started = time.monotonic()
    result, tokens = run(session, world, fake, tmp_path, streaming, timeout_s=30, first_token_timeout_s=0.4)
    assert time.monotonic() - started < 1.8
    assert len(fake.requests) == 1 and sleeps == []  # a server too slow for the prompt is not asked again
    assert result.brain == "offline"
    assert result.notices == [llm_module.SLOW_START.format(seconds=0.4)]
    assert "40,000,000" in result.answer
    assert all(body.get("stream") is True for body in fake.requests)  # the first token is watched on a stream


def test_a_first_token_within_the_limit_is_fine(session, world, fake, tmp_path, streaming):
    def script(body):
        reply = tool_call("check_credit", customer="SAIGONFOODS") if last_role(body) == "user" else answer_from_credit(body)
        reply.first_token_delay = 0.2
        return reply

    fake.script = script
    result, _ = run(session, world, fake, tmp_path, streaming, first_token_timeout_s=1.5)
    assert result.brain == MODEL and "credit limit of 40,000,000 VND" in result.answer


def test_without_the_first_token_watch_a_whole_reply_is_asked_for(session, world, fake, tmp_path):
    fake.script = lambda body: text(TEXT_CALLS["hermes"]) if last_role(body) == "user" else answer_from_credit(body)
    result, _ = run(session, world, fake, tmp_path, False, first_token_timeout_s=0)
    assert all(not body.get("stream") for body in fake.requests)
    assert result.brain == MODEL and "credit limit of 40,000,000 VND" in result.answer
    assert_clean(result.answer)


# -- small contexts ------------------------------------------------------------------------------------------------

def offered(body: dict[str, Any]) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools", [])]


@pytest.mark.parametrize("server", ["vllm", "llama.cpp-props", "llama.cpp-meta", "setting"])
def test_a_small_context_is_offered_the_relevant_tools_only(session, world, fake, tmp_path, server):
    if server == "vllm":
        fake.models = {"object": "list", "data": [{"id": MODEL, "object": "model", "max_model_len": 4096}]}
    elif server == "llama.cpp-props":
        fake.models = {"object": "list", "data": [{"id": MODEL, "object": "model"}]}
        fake.props = {"default_generation_settings": {"n_ctx": 4096}}
    elif server == "llama.cpp-meta":
        fake.models = {"object": "list", "data": [{"id": "smol.gguf", "meta": {"n_ctx_train": 4096, "n_vocab": 49152}}]}
    fake.script = lambda body: tool_call("check_credit", customer="SAIGONFOODS") if last_role(body) == "user" \
        else answer_from_credit(body)
    llm = {"context_length": 4096} if server == "setting" else {}
    result = ask(session, world["manager"], QUESTION, settings_for(fake, tmp_path, **llm))
    assert result.brain == MODEL and "credit limit of 40,000,000 VND" in result.answer
    first = fake.requests[0]
    assert "check_credit" in offered(first) and "find_customers" in offered(first)
    assert "create_quote" not in offered(first) and "approve_quote" not in offered(first)
    # Never a truncated prompt: the system prompt goes whole.
    assert first["messages"][0]["content"].rstrip().endswith("a sales rep reads you on a phone.")
    assert llm_module.count_tokens(first["messages"][0]["content"] + json.dumps(first["tools"]))[0] * \
        llm_module.ESTIMATE_MARGIN <= 4096 - llm_module.ANSWER_RESERVE_TOKENS
    assert offered(fake.requests[1]) == offered(first)  # the turn keeps one toolset
    if server != "setting":
        assert fake.gets[0] == "/v1/models"


def test_the_server_is_asked_its_context_once(session, world, fake, tmp_path):
    fake.models = {"object": "list", "data": [{"id": MODEL, "max_model_len": 32768}]}
    fake.script = lambda body: tool_call("check_credit", customer="SAIGONFOODS") if last_role(body) == "user" \
        else answer_from_credit(body)
    ask(session, world["manager"], QUESTION, settings_for(fake, tmp_path), conversation="ctx-1")
    ask(session, world["manager"], QUESTION, settings_for(fake, tmp_path), conversation="ctx-2")
    assert fake.gets == ["/v1/models"]


def test_a_context_too_small_for_any_prompt_falls_back_without_asking(session, world, fake, tmp_path):
    fake.script = lambda body: text("never asked")
    result = ask(session, world["manager"], QUESTION, settings_for(fake, tmp_path, context_length=1024))
    assert fake.requests == []
    assert result.brain == "offline" and result.notices == [llm_module.TOO_LONG]
    assert "40,000,000" in result.answer


# -- the well-behaved model ----------------------------------------------------------------------------------------

def test_a_native_well_behaved_model_is_left_alone(session, world, fake, tmp_path, streaming):
    fake.script = lambda body: tool_call("check_credit", customer="SAIGONFOODS") if last_role(body) == "user" \
        else answer_from_credit(body)
    result, tokens = run(session, world, fake, tmp_path, streaming)
    assert result.brain == MODEL and result.notices == []
    assert len(fake.requests) == 2
    assert result.answer == "Saigon Foods JSC has a credit limit of 40,000,000 VND, with " + \
        f"{Decimal(result.tool_calls[0]['result']['available']):,.0f} VND available."
    if streaming:
        assert tokens == result.answer


def test_pythonic_calls_are_read_literally_and_nothing_in_them_runs():
    from assistant.text_calls import read_text_calls

    two = read_text_calls('[check_credit(customer="SAIGONFOODS"), find_products(query="A4", limit=5)]')
    assert two.calls == [{"name": "check_credit", "args": {"customer": "SAIGONFOODS"}},
                         {"name": "find_products", "args": {"query": "A4", "limit": 5}}] and two.text == ""
    # an argument that is code, not a value, makes no call (ast.literal_eval evaluates nothing)
    hostile = read_text_calls('[check_credit(customer=__import__("os").getcwd())]')
    assert hostile.calls == [] and hostile.unreadable and "__import__" not in hostile.text
    # prose with brackets is prose
    prose = read_text_calls("Limits are reviewed yearly [see policy (section 3)].")
    assert prose.calls == [] and prose.text == "Limits are reviewed yearly [see policy (section 3)]."
