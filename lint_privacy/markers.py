"""Typed markers for personal data: ``Annotated[str, PersonalData("account_user_data")]``.

They do nothing at run time; lint-privacy reads them from the source. Standard library only.
"""

from __future__ import annotations

__all__ = ["PersonalData"]


class PersonalData:
    """Marks a field, parameter or variable as personal data of one or more policy categories.

    The arguments follow the ``# privacy:`` comment grammar: category ids as positional
    strings, then keyword pairs (``retention="12mo"``, ``subject="customer_individual"``, ...).
    """

    __slots__ = ("categories", "pairs")

    def __init__(self, *categories: str, **pairs: str) -> None:
        self.categories = categories
        self.pairs = pairs

    def __repr__(self) -> str:
        args = [repr(c) for c in self.categories] + [f"{k}={v!r}" for k, v in self.pairs.items()]
        return f"PersonalData({', '.join(args)})"
