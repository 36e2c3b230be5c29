"""Small helpers shared by the services."""

import logging

logger = logging.getLogger(__name__)


def normalise(value):
    """Trim and lower-case a value (used on e-mail addresses and on statuses alike)."""
    return value.strip().lower()


def audit(event, detail):
    """Write an audit line: callers pass ids and states, never personal data."""
    logger.info("audit %s: %s", event, detail)
