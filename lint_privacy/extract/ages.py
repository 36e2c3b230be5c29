"""The one vocabulary of ages in years: which compared values are a person's age (the age gates
extraction records, ``facts.AgeCheck``) and which module constants name an age limit. PRV701
(checks/jurisdiction.py) judges both; nothing else decides what an age is."""

from __future__ import annotations

import re

_AGE_WORDS = {"age", "ages", "dob", "birth", "birthday", "birthdate", "born", "yob"}
_GATE_WORDS = {"MIN", "MINIMUM", "LIMIT", "GATE", "THRESHOLD", "CUTOFF", "LEGAL", "ADULT", "REQUIRED",
               "PARENTAL", "GUARDIAN"}
_JOINED = ("MINAGE", "AGELIMIT", "MINIMUMAGE")
# Words that make an "age" something other than a person's age in years (cache max-age, the age
# of a session or file, ages counted in days).
_NOT_PERSON_AGE = {"max", "cache", "session", "token", "cookie", "file", "password", "message", "msg",
                   "record", "ms", "sec", "secs", "second", "seconds", "mins", "minute", "minutes", "hour",
                   "hours", "day", "days", "week", "weeks", "month", "months"}
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _words(text: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"[._\[\]()'\"\s]+", text):
        out.extend(w.lower() for w in _WORD.findall(part))
    return out


def is_age_subject(text: str) -> bool:
    """``user.age``, ``user.ageYears``, ``age_years(dob)``, ``customer.birthDate``; not ``page``,
    ``usage`` or ``session.max_age``."""
    words = _words(text)
    if _NOT_PERSON_AGE.intersection(words):
        return False
    if any(w in _AGE_WORDS for w in words):
        return True
    return "date_of_birth" in text.lower() or "dateofbirth" in text.lower()


def is_age_constant(name: str) -> bool:
    """``MIN_AGE``, ``PARENTAL_CONSENT_AGE``, ``AGE_LIMIT``; not ``MAX_PAGE_AGE_DAYS`` or ``AGE_BUCKETS``."""
    words = name.upper().split("_")
    if _NOT_PERSON_AGE.intersection(w.lower() for w in words):
        return False
    if any(w in _JOINED for w in words):
        return True
    return "AGE" in words and bool(_GATE_WORDS.intersection(words))
