"""Start-up time: two LangChain dependencies run a heavy package `__init__` that Tandem never needs.

`langsmith.types` (120+ generated API models) is imported only for one Literal alias, and `langgraph_sdk`
(the HTTP client, httpx and friends) only so that `langgraph_sdk.auth.types` can be reached. Together they
cost ~0.35 s of CPU on every `tandem ask`. `defer_package_init` puts a stand-in module in `sys.modules` whose
submodules import normally; the package's own `__init__` runs, into that same module object, the first time
anything asks the package itself for a name. Nothing is skipped, only postponed.
"""
from __future__ import annotations

import importlib.util
import sys
import types

DEFERRED_PACKAGES = ("langsmith.types", "langgraph_sdk")


def defer_package_init(name: str) -> bool:
    """Returns True when the package's `__init__` is now deferred (False: already imported or not a package)."""
    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return False
    module = types.ModuleType(name)
    module.__spec__ = spec
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations)
    module.__package__ = name
    module.__loader__ = spec.loader

    def load_on_first_use(attribute: str):
        if attribute.startswith("__") and attribute.endswith("__") and attribute != "__all__":
            raise AttributeError(attribute)  # probes such as __wrapped__ do not need the package
        del module.__getattr__
        spec.loader.exec_module(module)
        return getattr(module, attribute)

    module.__getattr__ = load_on_first_use  # type: ignore[method-assign]
    sys.modules[name] = module
    return True


def install() -> None:
    for name in DEFERRED_PACKAGES:
        defer_package_init(name)
