"""Conversation memory: a LangGraph checkpointer over the application database (SQLite or PostgreSQL), and the
conversations that own the threads, so any worker can continue any conversation but only for its owner."""
from __future__ import annotations

import asyncio
import importlib
import json
import threading
from contextlib import contextmanager
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    PendingWrite,
    get_checkpoint_id,
    get_serializable_checkpoint_metadata,
    writes_sort_key,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from sqlalchemy import Connection, Engine, delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import PermissionDenied, ValidationFailed
from backend.models import AgentCheckpoint, AgentCheckpointWrite, Conversation, Employee
from backend.models.base import utcnow
from backend.tools.context import CHANNELS

# The upserting INSERT of each dialect, imported when first used: a SQLite process never loads the
# PostgreSQL dialect (~0.1 s).
_INSERT_MODULES = {"sqlite": "sqlalchemy.dialects.sqlite", "postgresql": "sqlalchemy.dialects.postgresql"}
_CHECKPOINT_KEY = ("thread_id", "checkpoint_ns", "checkpoint_id")
_WRITE_KEY = (*_CHECKPOINT_KEY, "task_id", "idx")
# Checkpoints loaded per query when listing: bounds memory, since each one carries the whole conversation.
_LIST_BATCH = 50

_cp = AgentCheckpoint.__table__
_wr = AgentCheckpointWrite.__table__


def _thread_config(thread_id: str, checkpoint_ns: str, checkpoint_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": checkpoint_ns, "checkpoint_id": checkpoint_id}}


class SqlCheckpointer(BaseCheckpointSaver[int]):
    """LangGraph checkpointer over SQLAlchemy: one short transaction per call, so workers share nothing in memory.

    A checkpoint is stored whole (channel values inline) in `agent_checkpoints`; the writes of each task in
    `agent_checkpoint_writes`. Channel versions are LangGraph's default increasing integers.
    """

    def __init__(self, engine: Engine, *, serde: SerializerProtocol | None = None) -> None:
        super().__init__(serde=serde)
        if engine.dialect.name not in _INSERT_MODULES:
            raise ValueError(f"SqlCheckpointer supports SQLite and PostgreSQL, not {engine.dialect.name}")
        self.engine = engine
        self._insert = importlib.import_module(_INSERT_MODULES[engine.dialect.name]).insert
        self._session: Session | None = None
        self._lock: threading.Lock | None = None

    @classmethod
    def for_session(cls, session: Session, lock: threading.Lock | None = None) -> "SqlCheckpointer":
        """A checkpointer that writes inside the turn's own transaction (one transaction per turn; on SQLite a
        second connection would wait for the turn's write lock). LangGraph calls it from worker threads, so
        every use of the shared connection goes through `lock`."""
        saver = cls(session.get_bind())
        saver._session = session
        saver._lock = lock or threading.Lock()
        return saver

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        if self._session is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._lock:
            yield self._session.connection()

    # --- reading -----------------------------------------------------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        conf = config["configurable"]
        thread_id, checkpoint_ns = str(conf["thread_id"]), conf.get("checkpoint_ns", "")
        query = select(_cp).where(_cp.c.thread_id == thread_id, _cp.c.checkpoint_ns == checkpoint_ns)
        if checkpoint_id := get_checkpoint_id(config):
            query = query.where(_cp.c.checkpoint_id == checkpoint_id)
        else:
            query = query.order_by(_cp.c.checkpoint_id.desc()).limit(1)
        with self._begin() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            writes = self._load_writes(conn, [(row.thread_id, row.checkpoint_ns, row.checkpoint_id)])
        return self._to_tuple(row, writes.get((row.thread_id, row.checkpoint_ns, row.checkpoint_id), []))

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Newest first. `filter` matches metadata keys exactly; it is applied here, not in SQL, because
        metadata is JSON text (portable, and readable on both backends)."""
        query = select(*(_cp.c[k] for k in _CHECKPOINT_KEY), _cp.c.metadata)
        if config is not None:
            conf = config["configurable"]
            query = query.where(_cp.c.thread_id == str(conf["thread_id"]))
            if conf.get("checkpoint_ns") is not None:
                query = query.where(_cp.c.checkpoint_ns == conf["checkpoint_ns"])
            if checkpoint_id := get_checkpoint_id(config):
                query = query.where(_cp.c.checkpoint_id == checkpoint_id)
        if before is not None and (before_id := get_checkpoint_id(before)):
            query = query.where(_cp.c.checkpoint_id < before_id)
        query = query.order_by(_cp.c.checkpoint_id.desc(), _cp.c.thread_id, _cp.c.checkpoint_ns)
        if limit is not None and not filter:
            query = query.limit(max(limit, 0))
        with self._begin() as conn:
            candidates = conn.execute(query).all()

        keys: list[tuple[str, str, str]] = []
        for row in candidates:
            if limit is not None and len(keys) >= limit:
                break
            if filter:
                metadata = json.loads(row.metadata)
                if not all(metadata.get(k) == v for k, v in filter.items()):
                    continue
            keys.append((row.thread_id, row.checkpoint_ns, row.checkpoint_id))

        for start in range(0, len(keys), _LIST_BATCH):
            batch = keys[start:start + _LIST_BATCH]
            key_columns = tuple_(*(_cp.c[k] for k in _CHECKPOINT_KEY))
            with self._begin() as conn:
                rows = {(r.thread_id, r.checkpoint_ns, r.checkpoint_id): r
                        for r in conn.execute(select(_cp).where(key_columns.in_(batch)))}
                writes = self._load_writes(conn, batch)
            for key in batch:
                if key in rows:  # deleted between the two reads
                    yield self._to_tuple(rows[key], writes.get(key, []))

    def _load_writes(self, conn: Connection, keys: Sequence[tuple[str, str, str]]
                     ) -> dict[tuple[str, str, str], list[PendingWrite]]:
        """Pending writes per checkpoint, in `writes_sort_key` order (sorted here: PostgreSQL's collation of the
        text columns need not match Python's string order, and LangGraph replays writes in that order)."""
        key_columns = tuple_(*(_wr.c[k] for k in _CHECKPOINT_KEY))
        rows = conn.execute(select(_wr).where(key_columns.in_(list(keys)))).all()
        rows.sort(key=lambda r: writes_sort_key(r.task_path, r.task_id, r.idx))
        grouped: dict[tuple[str, str, str], list[PendingWrite]] = {}
        for r in rows:
            grouped.setdefault((r.thread_id, r.checkpoint_ns, r.checkpoint_id), []).append(
                (r.task_id, r.channel, self.serde.loads_typed((r.type, r.value))))
        return grouped

    def _to_tuple(self, row: Any, writes: list[PendingWrite]) -> CheckpointTuple:
        return CheckpointTuple(
            config=_thread_config(row.thread_id, row.checkpoint_ns, row.checkpoint_id),
            checkpoint=self.serde.loads_typed((row.type, row.checkpoint)),
            metadata=json.loads(row.metadata),
            parent_config=(_thread_config(row.thread_id, row.checkpoint_ns, row.parent_checkpoint_id)
                           if row.parent_checkpoint_id else None),
            pending_writes=writes,
        )

    # --- writing -----------------------------------------------------------------------------------------

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Store a checkpoint; the same id stored again replaces it (LangGraph re-puts the final checkpoint of a
        run on exit). The checkpoint in `config`, if any, becomes the parent."""
        conf = config["configurable"]
        thread_id, checkpoint_ns = str(conf["thread_id"]), conf.get("checkpoint_ns", "")
        type_, blob = self.serde.dumps_typed(checkpoint)
        values = {
            "thread_id": thread_id,
            "checkpoint_ns": checkpoint_ns,
            "checkpoint_id": checkpoint["id"],
            "parent_checkpoint_id": conf.get("checkpoint_id"),
            "type": type_,
            "checkpoint": blob,
            # LangGraph's metadata is JSON-shaped (str/int/float/bool, dicts, counter pairs); anything else is
            # kept as its text rather than failing a user's turn.
            "metadata": json.dumps(get_serializable_checkpoint_metadata(config, metadata), default=str),
            "created_at": utcnow(),
        }
        statement = self._insert(_cp).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=list(_CHECKPOINT_KEY),
            set_={k: statement.excluded[k] for k in ("parent_checkpoint_id", "type", "checkpoint", "metadata")},
        )
        with self._begin() as conn:
            conn.execute(statement)
        return _thread_config(thread_id, checkpoint_ns, checkpoint["id"])

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Store a task's writes. A regular write, once stored, is kept (a retried task must not change what was
        recorded); special writes (error, interrupt, resume, scheduled) use fixed negative indices and replace."""
        conf = config["configurable"]
        base = {"thread_id": str(conf["thread_id"]), "checkpoint_ns": conf.get("checkpoint_ns", ""),
                "checkpoint_id": conf["checkpoint_id"], "task_id": task_id, "task_path": task_path}
        with self._begin() as conn:
            for idx, (channel, value) in enumerate(writes):
                type_, blob = self.serde.dumps_typed(value)
                idx = WRITES_IDX_MAP.get(channel, idx)
                statement = self._insert(_wr).values(**base, idx=idx, channel=channel, type=type_, value=blob)
                if idx >= 0:
                    statement = statement.on_conflict_do_nothing(index_elements=list(_WRITE_KEY))
                else:
                    statement = statement.on_conflict_do_update(
                        index_elements=list(_WRITE_KEY),
                        set_={k: statement.excluded[k] for k in ("channel", "type", "value", "task_path")},
                    )
                conn.execute(statement)

    def delete_thread(self, thread_id: str) -> None:
        with self._begin() as conn:
            conn.execute(delete(_wr).where(_wr.c.thread_id == str(thread_id)))
            conn.execute(delete(_cp).where(_cp.c.thread_id == str(thread_id)))

    # --- async: the sync methods in a worker thread (each opens and closes its own transaction) -----------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        items = await asyncio.to_thread(lambda: list(self.list(config, filter=filter, before=before, limit=limit)))
        for item in items:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.delete_thread, thread_id)


# --- conversations: who may continue which thread ---------------------------------------------------------


def ensure_conversation(session: Session, conversation_id: str, employee: Employee, channel: str, *,
                        title: str | None = None) -> Conversation:
    """The conversation `conversation_id` of `employee`, created on first use; refuses anyone else's.

    Call it before running the agent on the thread: the checkpointer itself does not know who is asking.
    Flushes; the caller's boundary commits. On SQLite, commit before the agent runs: the checkpointer writes
    on its own connections, and an uncommitted write here would hold the database lock against them.
    """
    if channel not in CHANNELS:
        raise ValidationFailed(f"Unknown channel {channel!r}.")
    if not conversation_id or len(conversation_id) > Conversation.id.type.length:
        raise ValidationFailed("A conversation id must be 1 to 255 characters.")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = _create_conversation(session, conversation_id, employee, channel, title)
    if conversation.employee_id != employee.id:
        raise PermissionDenied("This conversation belongs to someone else.",
                               hint="Start a new conversation.")
    if title and not conversation.title:
        conversation.title = title[:200]
    conversation.updated_at = utcnow()
    session.flush()
    return conversation


def _create_conversation(session: Session, conversation_id: str, employee: Employee, channel: str,
                         title: str | None) -> Conversation:
    # Memory without an owner (written before conversations existed, or by a bare checkpointer) is not
    # handed to whoever names the thread first.
    orphan = session.execute(
        select(AgentCheckpoint.thread_id).where(AgentCheckpoint.thread_id == conversation_id).limit(1)
    ).first()
    if orphan is not None:
        raise PermissionDenied("This conversation id is already in use.", hint="Start a new conversation.")
    conversation = Conversation(id=conversation_id, employee_id=employee.id, channel=channel,
                                title=title[:200] if title else None)
    try:
        # Two workers may open the same new conversation at once; the loser reads the winner's row.
        with session.begin_nested():
            session.add(conversation)
    except IntegrityError:
        conversation = session.get(Conversation, conversation_id, populate_existing=True)
        if conversation is None:
            raise
    return conversation


def list_conversations(session: Session, employee: Employee, limit: int = 20) -> list[Conversation]:
    """The employee's own conversations that have memory (a turn that ran), most recently active first."""
    remembered = select(_cp.c.thread_id).where(_cp.c.thread_id == Conversation.id).exists()
    query = (select(Conversation).where(Conversation.employee_id == employee.id, remembered)
             .order_by(Conversation.updated_at.desc(), Conversation.id).limit(limit))
    return list(session.execute(query).scalars())


def forget_conversation(session: Session, conversation_id: str) -> None:
    """Remove a conversation and its memory: for one whose first turn failed, so it does not linger in the list."""
    SqlCheckpointer.for_session(session).delete_thread(conversation_id)
    session.execute(delete(Conversation).where(Conversation.id == conversation_id)
                    .execution_options(synchronize_session=False))


__all__ = ["SqlCheckpointer", "ensure_conversation", "forget_conversation", "list_conversations"]
