"""The policy: a privacy notice encoded as YAML, and the loader that checks it and builds the model.
``load_policy(path)`` returns a :class:`Policy` or raises :class:`PolicyError` listing every problem.
"""

from .loader import Problem, PolicyError, load_policy
from .model import Policy

__all__ = ["Policy", "PolicyError", "Problem", "load_policy"]
