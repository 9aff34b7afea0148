"""Where the channels plug into report documents: the narrative writer factory and extra delivery channels.

Kept free of imports so a process can install its hooks at start-up without loading the report stack.
backend/ never imports the channels; bots/reporting.py installs them with the two functions below.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Settings -> NarrativeWriter | None (see backend.reports.narrative)
narrative_writer_factory: Callable[[Any], Any] | None = None
# kind -> deliver(settings, target, rendered) -> description (see backend.reports.schedules)
destinations: dict[str, Callable[[Any, str, Any], str]] = {}


def use_narrative_writer(factory: Callable[[Any], Any] | None) -> None:
    """Install (or, with None, remove) the factory that gives a narrative writer for the settings, or None."""
    global narrative_writer_factory
    narrative_writer_factory = factory


def register_destination(kind: str, deliver: Callable[[Any, str, Any], str]) -> None:
    """Plug a delivery channel in (bots/ registers 'slack'); 'file' is built in."""
    destinations[kind] = deliver
