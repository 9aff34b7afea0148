"""Brains behind the agent loop: the offline planner (default) or an OpenAI-compatible LLM when configured."""
from __future__ import annotations

from backend.settings import Settings


def choose_brain(settings: Settings):
    """A fresh brain per turn: the LLM brain's fallback state and notices belong to the turn it serves."""
    if settings.llm.model:
        from assistant.brains.llm import LLMBrain

        return LLMBrain.from_settings(settings)
    from assistant.brains.offline import OfflinePlanner

    return OfflinePlanner()
