"""The assistant: the agent loop, its brains, memory and grounding."""
from assistant.lazy_imports import install as _defer_heavy_package_inits

_defer_heavy_package_inits()
