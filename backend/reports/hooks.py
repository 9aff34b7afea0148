"""Where the channels plug into report documents: the narrative writer factory and extra delivery channels.

Kept free of imports so a process can install its hooks at start-up without loading the report stack.
backend/ never imports the channels; bots/reporting.py fills these in.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Settings -> NarrativeWriter | None (see backend.reports.narrative)
narrative_writer_factory: Callable[[Any], Any] | None = None
# kind -> deliver(settings, target, rendered) -> description (see backend.reports.schedules)
destinations: dict[str, Callable[[Any, str, Any], str]] = {}
