"""The base class of the tools' input and output models."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ToolModel(BaseModel):
    """A tools module declares a dozen models and one request uses a few of them, so each model builds its
    validator on first use rather than at import: about 20 ms of every `tandem ask` start-up."""

    model_config = ConfigDict(defer_build=True)
