"""Brains behind the agent loop: the offline planner (default) or an OpenAI-compatible LLM when configured."""
from __future__ import annotations

from backend.settings import Settings


def choose_brain(settings: Settings):
    if settings.llm.model:
        # The OpenAI-compatible brain is tracked in issue 4; until it lands, say so instead of answering wrongly.
        from backend.errors import ValidationFailed

        raise ValidationFailed("TANDEM_LLM_MODEL is set, but the LLM brain is not available in this version.",
                               hint="Unset TANDEM_LLM_MODEL to use the offline planner.")
    from assistant.brains.offline import OfflinePlanner

    return OfflinePlanner()
