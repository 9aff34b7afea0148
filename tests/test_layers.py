"""Imports point down only (ARCHITECTURE.md): backend imports neither assistant nor bots — not even by name in a
string, like a plug-in path in settings — and assistant never imports bots."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"backend": ("assistant", "bots"), "assistant": ("bots",)}


def _modules(package: str):
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # "assistant.module:attribute" and importlib.import_module("bots...") count as imports too
            head = node.value.split(":")[0]
            if head.replace(".", "").replace("_", "").isalnum() and "." in head and " " not in node.value:
                found.add(head)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down(package):
    offenders = []
    for path in _modules(package):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN[package]:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
