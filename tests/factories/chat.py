"""A chat model that replies from a script, for driving the agent loop (and report writers) without a brain.

Each script entry is one reply, in order: an AIMessage as it is; a string as a final answer; a list of
(tool name, arguments) pairs as one message calling those tools; an exception is raised. `seen` keeps every
message list the model was shown — what a language model provider would have received.
"""
from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class ScriptedChatModel(BaseChatModel):
    script: list[Any]
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    brain_name: str = "scripted"

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.seen.append(list(messages))
        if not self.script:
            raise AssertionError(f"the script has no reply left for call {len(self.seen)}")
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, str):
            step = AIMessage(step)
        elif not isinstance(step, AIMessage):
            step = AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call-{len(self.seen)}-{i}",
                                              "type": "tool_call"} for i, (name, args) in enumerate(step)])
        return ChatResult(generations=[ChatGeneration(message=step)])
