"""Brains behind the agent loop: the offline planner (default) or an OpenAI-compatible LLM when configured."""
from __future__ import annotations

from backend.settings import Settings


def choose_brain(settings: Settings):
    if settings.llm.model:
        from assistant.brains.llm import FallbackLLM

        return FallbackLLM.from_settings(settings)
    from assistant.brains.offline import OfflinePlanner

    return OfflinePlanner()
