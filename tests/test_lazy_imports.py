"""Deferred package initialisers: submodules import at once, the package's own names load on first use."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from assistant.lazy_imports import DEFERRED_PACKAGES


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_agent_stack_imports_without_running_the_deferred_inits():
    out = _run("""
        import sys
        import assistant
        from langchain.agents import create_agent
        import assistant.brains.offline, assistant.memory
        for name in %r:
            print(name, '__getattr__' in vars(sys.modules[name]))
    """ % (DEFERRED_PACKAGES,))
    assert out.splitlines() == [f"{name} True" for name in DEFERRED_PACKAGES]


@pytest.mark.parametrize("package, statement, check", [
    ("langgraph_sdk", "from langgraph_sdk import get_client", "callable(get_client)"),
    ("langgraph_sdk", "import langgraph_sdk; f = langgraph_sdk.get_sync_client", "callable(f)"),
    ("langsmith.types", "from langsmith.types import Run", "Run.__name__ == 'Run'"),
    ("langsmith.types", "from langsmith.types import *", "'Run' in dir()"),
])
def test_a_deferred_package_loads_fully_on_first_use(package, statement, check):
    out = _run(f"""
        import sys
        import assistant
        from langchain.agents import create_agent
        {statement}
        print({check}, '__getattr__' in vars(sys.modules[{package!r}]))
    """)
    assert out == "True False"


def test_a_package_already_imported_or_missing_is_left_alone():
    out = _run("""
        import json
        from assistant.lazy_imports import defer_package_init
        print(defer_package_init('json'), defer_package_init('no_such_package_xyz'), defer_package_init('json.decoder'))
    """)
    assert out == "False False False"
