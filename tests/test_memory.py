"""Conversation memory: the SQL checkpointer's contract, an agent continuing a thread across workers, ownership."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any
from uuid import uuid4

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.base import ERROR, Checkpoint
from langgraph.checkpoint.base.id import uuid6

from assistant.memory import SqlCheckpointer, ensure_conversation, list_conversations
from backend.errors import PermissionDenied, ValidationFailed
from tests.factories.org import make_employee
from tests.factories.chat import ScriptedChatModel


@pytest.fixture
def saver(engine) -> SqlCheckpointer:
    return SqlCheckpointer(engine)


@pytest.fixture
def thread_id(engine):
    """A thread of this test only (the engine is shared by the whole session), deleted afterwards."""
    tid = f"test-{uuid4()}"
    yield tid
    SqlCheckpointer(engine).delete_thread(tid)


def _checkpoint(**values: Any) -> Checkpoint:
    return Checkpoint(v=4, id=str(uuid6()), ts=datetime.now(timezone.utc).isoformat(), channel_values=values,
                      channel_versions={k: 1 for k in values}, versions_seen={}, updated_channels=None)


def _config(thread_id: str, checkpoint_id: str | None = None, ns: str = "", **extra: Any) -> dict:
    configurable = {"thread_id": thread_id, "checkpoint_ns": ns, **extra}
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def _put(saver: SqlCheckpointer, thread_id: str, parent: str | None = None, ns: str = "",
         metadata: dict | None = None, **values: Any) -> Checkpoint:
    checkpoint = _checkpoint(**values)
    saver.put(_config(thread_id, parent, ns), checkpoint, metadata or {"source": "loop", "step": 0},
              checkpoint["channel_versions"])
    return checkpoint


# --- the checkpointer's contract -----------------------------------------------------------------------------


def test_put_then_get_round_trips_checkpoint_and_metadata(saver, thread_id):
    messages = [HumanMessage("Credit of Hoàng Long?", id="m1"), AIMessage("Available: 12,500,000 VND", id="m2")]
    checkpoint = _checkpoint(messages=messages, counter=3)
    stored = saver.put(_config(thread_id, region="South"), checkpoint, {"source": "input", "step": -1},
                       checkpoint["channel_versions"])

    assert stored == _config(thread_id, checkpoint["id"])
    found = saver.get_tuple(stored)
    assert found.config == stored
    assert found.checkpoint == checkpoint
    assert found.checkpoint["channel_values"]["messages"][0].content == "Credit of Hoàng Long?"
    # Primitive configurable keys become metadata (LangGraph's rule), the thread id does not.
    assert found.metadata == {"source": "input", "step": -1, "region": "South"}
    assert found.parent_config is None
    assert found.pending_writes == []


def test_without_checkpoint_id_the_latest_is_returned_with_its_parent(saver, thread_id):
    first = _put(saver, thread_id, counter=1)
    second = _put(saver, thread_id, parent=first["id"], counter=2)

    latest = saver.get_tuple(_config(thread_id))
    assert latest.checkpoint["id"] == second["id"]
    assert latest.parent_config == _config(thread_id, first["id"])
    assert saver.get_tuple(latest.parent_config).checkpoint["channel_values"] == {"counter": 1}
    assert saver.get_tuple(_config(f"{thread_id}-nobody")) is None
    assert saver.get_tuple(_config(thread_id, str(uuid6()))) is None


def test_storing_the_same_checkpoint_again_replaces_it(saver, thread_id):
    checkpoint = _checkpoint(counter=1)
    saver.put(_config(thread_id), checkpoint, {"step": 0}, {})
    checkpoint["channel_values"]["counter"] = 2
    saver.put(_config(thread_id), checkpoint, {"step": 1}, {})

    assert len(list(saver.list(_config(thread_id)))) == 1
    found = saver.get_tuple(_config(thread_id))
    assert (found.checkpoint["channel_values"], found.metadata) == ({"counter": 2}, {"step": 1})


def test_pending_writes_keep_the_first_regular_write_and_the_last_special_one(saver, thread_id):
    checkpoint = _put(saver, thread_id, counter=1)
    config = _config(thread_id, checkpoint["id"])
    saver.put_writes(config, [("messages", "from b"), ("counter", 2)], task_id="task-b", task_path="~__pregel_pull, b")
    saver.put_writes(config, [("messages", "from a")], task_id="task-a", task_path="~__pregel_pull, a")
    saver.put_writes(config, [("messages", "retried a")], task_id="task-a", task_path="~__pregel_pull, a")
    saver.put_writes(config, [(ERROR, ValueError("first"))], task_id="task-b", task_path="~__pregel_pull, b")
    saver.put_writes(config, [(ERROR, "second")], task_id="task-b", task_path="~__pregel_pull, b")

    writes = saver.get_tuple(config).pending_writes
    # Ordered as LangGraph replays a super-step: by task path, task id, index (special writes are negative).
    assert writes == [("task-a", "messages", "from a"), ("task-b", ERROR, "second"),
                      ("task-b", "messages", "from b"), ("task-b", "counter", 2)]
    assert saver.get_tuple(_config(thread_id)).pending_writes == writes


def test_list_filters_by_metadata_before_and_limit_newest_first(saver, thread_id):
    marker = str(uuid4())
    ids = []
    parent = None
    for step, source in enumerate(["input", "loop", "loop"]):
        checkpoint = _checkpoint(step=step)
        saver.put(_config(thread_id, parent, marker=marker), checkpoint, {"source": source, "step": step}, {})
        ids.append(parent := checkpoint["id"])

    def listed(config, **kwargs):
        return [t.checkpoint["id"] for t in saver.list(config, **kwargs)]

    assert listed(_config(thread_id)) == ids[::-1]
    assert listed(_config(thread_id), limit=2) == [ids[2], ids[1]]
    assert listed(_config(thread_id), before=_config(thread_id, ids[2])) == [ids[1], ids[0]]
    assert listed(_config(thread_id), filter={"source": "loop"}, limit=1) == [ids[2]]
    assert listed(_config(thread_id), filter={"source": "input"}) == [ids[0]]
    assert listed(_config(thread_id, ids[1])) == [ids[1]]
    # Without a config every thread is searched; the marker keeps other tests' threads out.
    assert listed(None, filter={"marker": marker, "step": 1}) == [ids[1]]
    tuples = list(saver.list(_config(thread_id), limit=1))
    assert tuples[0].parent_config == _config(thread_id, ids[1])


def test_namespaces_are_separate_within_a_thread(saver, thread_id):
    root = _put(saver, thread_id, counter=1)
    sub = _put(saver, thread_id, ns="tools:123", counter=99)

    assert saver.get_tuple(_config(thread_id)).checkpoint["id"] == root["id"]
    assert saver.get_tuple(_config(thread_id, ns="tools:123")).checkpoint["id"] == sub["id"]
    everything = {"configurable": {"thread_id": thread_id}}
    assert {t.config["configurable"]["checkpoint_ns"] for t in saver.list(everything)} == {"", "tools:123"}


def test_delete_thread_removes_its_checkpoints_and_writes_only(saver, thread_id, engine):
    other = f"{thread_id}-other"
    try:
        checkpoint = _put(saver, thread_id, counter=1)
        saver.put_writes(_config(thread_id, checkpoint["id"]), [("counter", 2)], task_id="t1")
        kept = _put(saver, other, counter=7)

        saver.delete_thread(thread_id)

        assert saver.get_tuple(_config(thread_id)) is None
        assert list(saver.list(_config(thread_id))) == []
        assert saver.get_tuple(_config(other)).checkpoint["id"] == kept["id"]
        # A checkpoint stored again under the same id starts without the old writes.
        saver.put(_config(thread_id), checkpoint, {}, {})
        assert saver.get_tuple(_config(thread_id)).pending_writes == []
    finally:
        saver.delete_thread(other)


def test_async_variants_match_the_sync_ones(saver, thread_id):
    async def scenario():
        first = _checkpoint(counter=1)
        stored = await saver.aput(_config(thread_id), first, {"step": 0}, {"counter": 1})
        await saver.aput_writes(stored, [("counter", 2)], "task-1", "")
        second = _checkpoint(counter=2)
        await saver.aput(stored, second, {"step": 1}, {"counter": 2})
        latest = await saver.aget_tuple(_config(thread_id))
        listed = [t.checkpoint["id"] async for t in saver.alist(_config(thread_id))]
        parent = await saver.aget_tuple(latest.parent_config)
        await saver.adelete_thread(thread_id)
        return first, second, latest, listed, parent, await saver.aget_tuple(_config(thread_id))

    first, second, latest, listed, parent, after_delete = asyncio.run(scenario())
    assert latest.checkpoint["id"] == second["id"]
    assert listed == [second["id"], first["id"]]
    assert parent.pending_writes == [("task-1", "counter", 2)]
    assert after_delete is None


# --- an agent continuing a conversation ----------------------------------------------------------------------


@tool
def count_letters(word: str) -> int:
    """Number of letters in a word."""
    return sum(ch.isalpha() for ch in word)


def _script() -> list[AIMessage]:
    return [
        AIMessage("", tool_calls=[{"name": "count_letters", "args": {"word": "Tandem"}, "id": "call-1"}]),
        AIMessage("Tandem has 6 letters."),
        AIMessage("You asked how many letters Tandem has."),
        AIMessage("Still here."),
    ]


def _kinds(messages: list[BaseMessage]) -> list[str]:
    return [type(m).__name__ for m in messages]


def test_agent_continues_a_conversation_from_the_database_on_another_worker(engine, thread_id):
    model = ScriptedChatModel(script=_script())
    agent = create_agent(model, tools=[count_letters], checkpointer=SqlCheckpointer(engine))
    config = {"configurable": {"thread_id": thread_id}}

    agent.invoke({"messages": [HumanMessage("How many letters in Tandem?")]}, config)
    second = agent.invoke({"messages": [HumanMessage("What did I ask you?")]}, config)

    assert _kinds(model.seen[2]) == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage", "HumanMessage"]
    assert model.seen[2][0].content == "How many letters in Tandem?"
    assert [m.content for m in second["messages"][-3:]] == [
        "Tandem has 6 letters.", "What did I ask you?", "You asked how many letters Tandem has."]

    # Another worker: a new checkpointer and a new agent over the same database see the same history.
    other_model = ScriptedChatModel(script=_script()[3:])
    other = create_agent(other_model, tools=[count_letters], checkpointer=SqlCheckpointer(engine))
    history = other.get_state(config).values["messages"]
    assert [m.content for m in history] == [m.content for m in second["messages"]]
    assert isinstance(history[2], ToolMessage) and history[2].content == "6"

    third = other.invoke({"messages": [HumanMessage("Still there?")]}, config)
    assert len(other_model.seen[0]) == 7
    assert third["messages"][-1].content == "Still here."


def test_agent_memory_works_through_the_async_api(engine, thread_id):
    model = ScriptedChatModel(script=_script())
    agent = create_agent(model, tools=[count_letters], checkpointer=SqlCheckpointer(engine))
    config = {"configurable": {"thread_id": thread_id}}

    async def two_turns():
        await agent.ainvoke({"messages": [HumanMessage("How many letters in Tandem?")]}, config)
        return await agent.ainvoke({"messages": [HumanMessage("What did I ask you?")]}, config)

    result = asyncio.run(two_turns())
    assert len(result["messages"]) == 6
    assert _kinds(model.seen[2])[:4] == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"]
    history = SqlCheckpointer(engine).get_tuple(config).checkpoint["channel_values"]["messages"]
    assert [m.content for m in history] == [m.content for m in result["messages"]]


# --- who may continue which conversation ---------------------------------------------------------------------


def test_a_conversation_belongs_to_the_employee_who_opened_it(session):
    owner, other = make_employee(session), make_employee(session)
    conversation_id = f"web:{uuid4()}"

    opened = ensure_conversation(session, conversation_id, owner, "web", title="Credit check for Hoàng Long")
    again = ensure_conversation(session, conversation_id, owner, "web")

    assert again is opened and again.employee_id == owner.id and again.title == "Credit check for Hoàng Long"
    with pytest.raises(PermissionDenied):
        ensure_conversation(session, conversation_id, other, "web")
    with pytest.raises(PermissionDenied):
        ensure_conversation(session, conversation_id, other, "slack")


def test_memory_without_an_owner_is_not_handed_to_whoever_names_it(thread_id, session):
    # The checkpoint is written inside the test's transaction: on SQLite that transaction holds the write lock.
    _put(SqlCheckpointer.for_session(session), thread_id, counter=1)
    employee = make_employee(session)

    with pytest.raises(PermissionDenied):
        ensure_conversation(session, thread_id, employee, "web")


def test_conversation_input_is_validated(session):
    employee = make_employee(session)
    with pytest.raises(ValidationFailed):
        ensure_conversation(session, f"web:{uuid4()}", employee, "fax")
    with pytest.raises(ValidationFailed):
        ensure_conversation(session, "", employee, "web")


def _answered(session, conversation):
    """A turn ran in it: the conversation has memory."""
    from backend.models import AgentCheckpoint

    session.add(AgentCheckpoint(thread_id=conversation.id, checkpoint_ns="", checkpoint_id=str(uuid6()), type="msgpack",
                                checkpoint=b""))
    session.flush()
    return conversation


def test_list_conversations_shows_only_ones_own_most_recent_first(session):
    me, colleague = make_employee(session), make_employee(session)
    older = _answered(session, ensure_conversation(session, f"web:{uuid4()}", me, "web"))
    newer = _answered(session, ensure_conversation(session, f"cli:{uuid4()}", me, "cli"))
    _answered(session, ensure_conversation(session, f"web:{uuid4()}", colleague, "web"))
    ensure_conversation(session, f"web:{uuid4()}", me, "web")  # its turn never ran: not listed
    ensure_conversation(session, older.id, me, "web")  # a new turn in the older one

    assert [c.id for c in list_conversations(session, me)] == [older.id, newer.id]
    assert [c.id for c in list_conversations(session, me, limit=1)] == [older.id]
    assert len(list_conversations(session, colleague)) == 1
