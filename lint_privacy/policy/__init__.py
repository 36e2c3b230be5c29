"""The policy: a privacy notice encoded as YAML, and the loader that checks it and builds the model.
``load_policy(path)`` returns a :class:`Policy` or raises :class:`PolicyError` listing every problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Policy

if TYPE_CHECKING:
    from .loader import PolicyError, Problem, load_policy

__all__ = ["Policy", "PolicyError", "Problem", "load_policy"]


def __getattr__(name: str) -> Any:
    # The loader (YAML, the schema) is imported only when a policy is loaded: a warm run unpickles
    # the cached model and needs none of it.
    if name in ("PolicyError", "Problem", "load_policy"):
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
