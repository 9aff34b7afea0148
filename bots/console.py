"""The CLI's two rich consoles (stdout and stderr), made on first use.

A command that prints plain JSON (`tandem ask --json`, the benchmark's command) never loads rich, which is
about 2 % of that command's start-up.
"""
from __future__ import annotations

from typing import Any


class LazyConsole:
    """Stands in for `rich.console.Console(**options)`; the console is created at the first attribute use."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console = None

    @property
    def real(self):
        """The rich Console itself, for APIs that need one (Progress, Live)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = LazyConsole()
err_console = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """rich's markup escape (user data in a printed line must not be read as markup), loaded on first use."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)
