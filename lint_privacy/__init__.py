"""lint-privacy: keep Python application code true to a published privacy notice."""

__version__ = "0.1.0"
