"""Durations as the SPEC writes them: ``90d``, ``6w``, ``12mo``, ``7y`` or ISO 8601 ``P12M``.

Months count as 30.4375 days and years as 365.25 days; "exceeds" means strictly longer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS_PER_UNIT = {"d": 1.0, "w": 7.0, "mo": 30.4375, "y": 365.25}
# ASCII digits only: ``\d`` alone also matches ``١٢`` and ``７``, which int() reads as 12 and 7.
_SHORT = re.compile(r"^(\d+)(d|w|mo|y)$", re.ASCII)
_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.ASCII)
UNIT_WORDS = {"d": "day", "w": "week", "mo": "month", "y": "year"}
# A period longer than this is not a retention anyone means; it guards against absurd input.
MAX_DAYS = 365.25 * 1000


@dataclass(frozen=True)
class Duration:
    """A retention period as written, with its length in days."""

    text: str
    days: float

    def exceeds(self, other: Duration) -> bool:
        return self.days > other.days + 1e-9

    def describe(self) -> str:
        """Human words for the period: ``12mo`` -> ``12 months``."""
        m = _SHORT.match(self.text)
        if m:
            n, unit = int(m.group(1)), m.group(2)
            word = UNIT_WORDS[unit]
            return f"{n} {word}{'' if n == 1 else 's'}"
        return self.text


class DurationError(ValueError):
    """The text is not a duration; the message says what is allowed."""


def parse_duration(text: str) -> Duration:
    """Parse ``90d``/``6w``/``12mo``/``7y``/``P1Y6M`` into a :class:`Duration`."""
    raw = text.strip()
    m = _SHORT.match(raw)
    if m:
        days = int(m.group(1)) * DAYS_PER_UNIT[m.group(2)]
    else:
        iso = _ISO.match(raw)
        if not iso or raw == "P":
            digits = " in digits 0-9" if any(c.isdigit() and not c.isascii() for c in raw) else ""
            raise DurationError(
                f"'{text}' is not a duration: write a number and a unit (90d, 6w, 12mo, 7y) "
                f"or ISO 8601 (P12M, P1Y6M, P30D){digits}"
            )
        y, mo, w, d = (int(g) if g else 0 for g in iso.groups())
        days = y * DAYS_PER_UNIT["y"] + mo * DAYS_PER_UNIT["mo"] + w * 7 + d
    if days <= 0:
        raise DurationError(f"'{text}' is not a duration: it must be longer than zero")
    if days > MAX_DAYS:
        raise DurationError(f"'{text}' is longer than 1000 years; write the real retention")
    return Duration(raw, days)

