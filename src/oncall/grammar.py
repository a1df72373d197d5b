"""The grammar of each kind of value a file holds: one compiled pattern per kind.

The loader accepts a text value exactly when its kind's pattern matches the whole of it
(then reads it, which cannot fail), and ``oncall schema`` writes the same patterns into
the JSON Schema (`json_pattern`), so the two cannot disagree. Limits are part of the
patterns: the years a date may have, the digits a duration's number may have, the
length of a line of text. Patterns are written for both Python's ``re`` and JSON
Schema's ECMA-262 regular expressions: no flags (case is spelled out, ``[dD]``), explicit
character classes (``[0-9]`` for digits), no named groups. Two more are subsets for
pydantic-core, in the syntax of Rust's regex crate: the values most files hold, which it
takes without calling Python (`TRIMMED_TEXT`, `plain_datetime_pattern`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

__all__ = [
    "DURATION",
    "DURATION_DIGITS",
    "DURATION_PART",
    "EMAIL",
    "MAX_TEXT",
    "PAGERDUTY_ID",
    "SHIFT_YEARS",
    "SLUG",
    "SPACE",
    "TEXT",
    "TRIMMED_TEXT",
    "YEARS",
    "date_pattern",
    "datetime_pattern",
    "json_pattern",
    "plain_datetime_pattern",
]

YEARS: Final = range(1900, 3000)
"""The years of the dates people write: team files, calendar sources, ``--from``/``--to``."""
SHIFT_YEARS: Final = range(1800, 3200)
"""The years of shift times (rotation files, earlier exports). Wider, because a window
reaches beyond its events by lead, duration and lag (each at most some 63 years: see
`DURATION_DIGITS`) and oncall reads back what it writes. Both ranges are far from the
ends of `datetime` (years 1 and 9999): no lead, lag,
rest or zone offset added to a time in them can overflow."""

SPACE: Final = "[ \t]*"
"""Spaces and tabs, allowed around values and between a duration's parts."""

SLUG: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""An id: a person's, an event's."""
PAGERDUTY_ID: Final = re.compile(r"[A-Z0-9]{2,32}")
"""A PagerDuty user, schedule or escalation policy id (``PABC123``)."""

MAX_TEXT: Final = 500
"""The most characters a line of text (a title, a name, a note) may hold."""
_WHITESPACE = "\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What `str.strip` removes."""
_UNSAFE = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
"""`oncall.text.UNSAFE_TEXT`: control characters and bidirectional overrides."""
_SAFE = f"[^{_UNSAFE}]"
_SOLID = f"[^{_UNSAFE}{_WHITESPACE}]"
_ADDRESS_PART = f"[^@<>\"'{_WHITESPACE}]+"
EMAIL: Final = re.compile(f"{SPACE}{_ADDRESS_PART}@{_ADDRESS_PART}\\.{_ADDRESS_PART}{SPACE}")
"""An email address (roughly: no spaces, one ``@``, a dot in the domain)."""
TEXT: Final = re.compile(
    f"[{_WHITESPACE}]*{_SOLID}(?:{_SAFE}{{0,{MAX_TEXT - 2}}}{_SOLID})?[{_WHITESPACE}]*"
)
"""One line of text: at most `MAX_TEXT` characters once the spaces around are stripped,
none of them unsafe."""
TRIMMED_TEXT: Final = f"{_SOLID}(?:{_SAFE}*{_SOLID})?"
"""`TEXT` with no spaces around to strip, of any length (Rust's regex crate reads these
literal characters as Python does)."""

DURATION_DIGITS: Final = {"w": 3, "d": 4, "h": 5, "m": 6, "s": 8}
"""The most digits (leading zeros aside) each unit's number may have: 999w, 9999d, 99999h,
999999m, 99999999s; a duration is then at most some 63 years (typing mistakes aside, no
one means more than a few weeks)."""


def _number(unit: str) -> str:
    return f"0*[0-9]{{1,{DURATION_DIGITS[unit]}}}"


def _some_in_order(parts: Sequence[str], between: str = "") -> str:
    """One or more of ``parts``, in their order."""
    choices = [
        part + "".join(f"(?:{between}{later})?" for later in parts[index + 1 :])
        for index, part in enumerate(parts)
    ]
    return "(?:" + "|".join(choices) + ")"


_COMPACT = _some_in_order([f"{_number(u)}{SPACE}[{u}{u.upper()}]" for u in "dhms"], SPACE)
_TIME = "[tT]" + _some_in_order([f"{_number(u)}[{u}{u.upper()}]" for u in "hms"])
_ISO = (
    f"[pP](?:{_some_in_order([f'{_number(u)}[{u}{u.upper()}]' for u in 'wd'])}(?:{_TIME})?|{_TIME})"
)
_ZERO = r"[+-]?0+(?:\.0*)?"
DURATION: Final = re.compile(f"{SPACE}(?:{_COMPACT}|{_ISO}|{_ZERO}){SPACE}")
"""Elapsed time: ``90m``, ``1h 30m``, ``2H``, ``1d`` (24 hours), ``PT1H30M``, ``P1W`` or
zero; units in the order d, h, m, s (ISO 8601: W, D, T, H, M, S), each number with at
most `DURATION_DIGITS` digits."""
DURATION_PART: Final = re.compile(r"([0-9]+)[ \t]*([a-zA-Z])")
"""A number and its unit, inside a duration that `DURATION` accepted."""


def _between(low: str, high: str) -> str:
    """A pattern of the numbers from ``low`` to ``high``, both written with as many digits."""
    width = len(low)
    if low == high:
        return low
    if low == "0" * width and high == "9" * width:
        return f"[0-9]{{{width}}}" if width > 1 else "[0-9]"
    if width == 1:
        return f"[{low}-{high}]"
    if low[0] == high[0]:
        return f"{low[0]}(?:{_between(low[1:], high[1:])})"
    choices = [f"{low[0]}(?:{_between(low[1:], '9' * (width - 1))})"]
    first, last = int(low[0]) + 1, int(high[0]) - 1
    if first <= last:
        middle = str(first) if first == last else f"[{first}-{last}]"
        choices.append(f"{middle}[0-9]{{{width - 1}}}")
    choices.append(f"{high[0]}(?:{_between('0' * (width - 1), high[1:])})")
    return "(?:" + "|".join(choices) + ")"


_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
"""The years (four digits) with a February 29th."""


_MONTH_DAY = (
    "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
)
"""The months and days of every year (February 29th is the leap years' alone)."""
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
"""A time of day, to the minute or the second."""


@lru_cache(maxsize=8)
def date_pattern(years: range) -> str:
    """The calendar dates ``YYYY-MM-DD`` of ``years`` (February 29th in leap years only)."""
    year = _between(f"{years.start:04d}", f"{years.stop - 1:04d}")
    return f"(?={year}-)(?:[0-9]{{4}}-(?:{_MONTH_DAY})|{_LEAP_YEAR}-02-29)"


@lru_cache(maxsize=8)
def datetime_pattern(years: range) -> str:
    """A date of ``years`` and a time, ``T`` or a space between, with or without an offset.

    Whole seconds may follow (never a fraction: oncall writes whole seconds and reads them
    back the same); the offset is ``Z``, ``-05:00``,
    ``-0500`` or, as zones' local mean times before 1900 have, ``-10:29:20``.
    """
    offset = "(?:[zZ]|[+-](?:[01][0-9]|2[0-3])(?::[0-5][0-9](?::[0-5][0-9])?|[0-5][0-9]))"
    return f"{date_pattern(years)}[tT ]{_CLOCK}{offset}?"


@lru_cache(maxsize=8)
def plain_datetime_pattern(years: range) -> str:
    """The dates and times of ``years`` that `datetime.fromisoformat` reads as they are.

    Most of what `datetime_pattern` matches in a file: ``T``, an offset of ``Z`` or
    ``-05:00`` or none, no spaces around, and no February 29th (the leap years take a
    look-ahead). It has no look-around, for Rust's regex crate: pydantic-core matches it
    (`oncall.schema`).
    """
    year = _between(f"{years.start:04d}", f"{years.stop - 1:04d}")
    offset = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
    return f"{year}-(?:{_MONTH_DAY})T{_CLOCK}{offset}?"


def json_pattern(pattern: re.Pattern[str] | str) -> str:
    """A whole-value pattern as JSON Schema writes it: anchored at both ends.

    The end is "no character follows", not ``$``: Python's ``$`` also matches before a
    final line break, so a validator written in Python would accept a value ending in one.
    """
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return f"^(?:{text})(?![\\s\\S])"
