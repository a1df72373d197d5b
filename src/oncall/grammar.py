"""The grammar of each kind of value a file holds: one compiled pattern per kind.

The loader accepts a text value exactly when its kind's pattern matches the whole of it
(then reads it, which cannot fail), and ``oncall schema`` writes the same patterns into
the JSON Schema (`json_pattern`), so the two cannot disagree. Limits are part of the
patterns: the years a date may have, the ten years a duration's number may count, the
length of a line of text. Patterns are written for both Python's ``re`` and JSON
Schema's ECMA-262 regular expressions: no flags (case is spelled out, ``[dD]``), explicit
character classes (``[0-9]`` for digits), no named groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Final

__all__ = [
    "DURATION",
    "DURATION_PART",
    "EMAIL",
    "MAX_DURATION_PART",
    "MAX_TEXT",
    "PAGERDUTY_ID",
    "SHIFT_YEARS",
    "SLUG",
    "SPACE",
    "TEXT",
    "YEARS",
    "date_pattern",
    "datetime_pattern",
    "json_pattern",
    "number_at_most",
]

YEARS: Final = range(1900, 3000)
"""The years of the dates people write: team files, calendar sources, ``--from``/``--to``."""
SHIFT_YEARS: Final = range(1850, 3150)
"""The years of shift times (rotation files, earlier exports). Wider, because a window
reaches beyond its events by up to 150 years (of lead, duration and lag, each at most 50
years: `MAX_DURATION_PART` for each of its five parts) and oncall reads back what it
writes. Both ranges are far from the ends of `datetime` (years 1 and 9999): no lead, lag,
rest or zone offset added to a time in them can overflow."""

SPACE: Final = "[ \t]*"
"""Spaces and tabs, allowed around values and between a duration's parts."""

SLUG: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""An id: a person's, an event's."""
EMAIL: Final = re.compile(SPACE + r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+" + SPACE)
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
TEXT: Final = re.compile(
    f"[{_WHITESPACE}]*{_SOLID}(?:{_SAFE}{{0,{MAX_TEXT - 2}}}{_SOLID})?[{_WHITESPACE}]*"
)
"""One line of text: at most `MAX_TEXT` characters once the spaces around are stripped,
none of them unsafe."""

MAX_DURATION_PART: Final = timedelta(days=3660)
"""The most that one number of a duration may count: ten years (3660d, 87840h, ...)."""
_UNITS: Final = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def number_at_most(limit: int) -> str:
    """A pattern of the decimal numbers from 0 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    width = len(digits)
    if width == 1:
        return f"0*[0-{limit}]"
    choices = ["[0-9]"] + [f"[1-9][0-9]{{{n - 1}}}" for n in range(2, width)]
    for index, digit in enumerate(digits):
        low = 1 if index == 0 else 0
        if int(digit) > low:
            rest = width - index - 1
            top = int(digit) - 1
            span = str(low) if top == low else f"[{low}-{top}]"
            choices.append(digits[:index] + span + (f"[0-9]{{{rest}}}" if rest else ""))
    choices.append(digits)
    return "0*(?:" + "|".join(dict.fromkeys(choices)) + ")"


def _part(unit: str) -> str:
    count = number_at_most(int(MAX_DURATION_PART.total_seconds()) // _UNITS[unit])
    return f"{count}{SPACE}[{unit}{unit.upper()}]"


def _some_in_order(parts: Sequence[str], between: str = "") -> str:
    """One or more of ``parts``, in their order."""
    choices = [
        part + "".join(f"(?:{between}{later})?" for later in parts[index + 1 :])
        for index, part in enumerate(parts)
    ]
    return "(?:" + "|".join(choices) + ")"


def _iso_part(unit: str) -> str:
    count = number_at_most(int(MAX_DURATION_PART.total_seconds()) // _UNITS[unit])
    return f"{count}[{unit}{unit.upper()}]"


_COMPACT = _some_in_order([_part(u) for u in "dhms"], SPACE)
_TIME = "[tT]" + _some_in_order([_iso_part(u) for u in "hms"])
_ISO = f"[pP](?:{_some_in_order([_iso_part(u) for u in 'wd'])}(?:{_TIME})?|{_TIME})"
_ZERO = r"[+-]?0+(?:\.0*)?"
DURATION: Final = re.compile(f"{SPACE}(?:{_COMPACT}|{_ISO}|{_ZERO}){SPACE}")
"""Elapsed time: ``90m``, ``1h 30m``, ``2H``, ``1d`` (24 hours), ``PT1H30M``, ``P1W`` or
zero; units in the order d, h, m, s (ISO 8601: W, D, T, H, M, S), each number at most
ten years' worth."""
DURATION_PART: Final = re.compile(r"([0-9]+)[ \t]*([a-zA-Z])")
"""A number and its unit, inside a duration that `DURATION` accepted."""


def _digits(numbers: Iterable[int], width: int) -> str:
    """A pattern matching exactly ``numbers``, written with ``width`` digits (a trie)."""
    strings = sorted(str(n).zfill(width) for n in numbers)

    def branch(group: list[str], depth: int) -> str:
        if depth == width:
            return ""
        heads: dict[str, list[str]] = {}
        for text in group:
            heads.setdefault(text[depth], []).append(text)
        tails: dict[str, list[str]] = {}
        for head, members in heads.items():
            tails.setdefault(branch(members, depth + 1), []).append(head)
        choices = [_digit_class(chars) + tail for tail, chars in tails.items()]
        return choices[0] if len(choices) == 1 else "(?:" + "|".join(choices) + ")"

    return branch(strings, 0)


def _digit_class(chars: list[str]) -> str:
    if len(chars) == 1:
        return chars[0]
    values = sorted(int(c) for c in chars)
    if values == list(range(values[0], values[-1] + 1)):
        return f"[{values[0]}-{values[-1]}]"
    return "[" + "".join(str(v) for v in values) + "]"


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def date_pattern(years: range) -> str:
    """The calendar dates ``YYYY-MM-DD`` of ``years`` (February 29th in leap years only)."""
    year = _digits(years, 4)
    leap = _digits((y for y in years if _is_leap(y)), 4)
    day = (
        "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
        "|(?:0[13-9]|1[0-2])-(?:29|30)"
        "|(?:0[13578]|1[02])-31"
    )
    return f"(?:{year}-(?:{day})|{leap}-02-29)"


def datetime_pattern(years: range) -> str:
    """A date of ``years`` and a time, ``T`` or a space between, with or without an offset.

    Seconds and up to six digits of fractions may follow; the offset is ``Z``, ``-05:00``,
    ``-0500`` or, as zones' local mean times before 1900 have, ``-10:29:20``.
    """
    clock = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?"
    offset = "(?:[zZ]|[+-](?:[01][0-9]|2[0-3])(?::[0-5][0-9](?::[0-5][0-9])?|[0-5][0-9]))"
    return f"{date_pattern(years)}[tT ]{clock}{offset}?"


def json_pattern(pattern: re.Pattern[str] | str) -> str:
    """A whole-value pattern as JSON Schema writes it: anchored at both ends.

    The end is "no character follows", not ``$``: Python's ``$`` also matches before a
    final line break, so a validator written in Python would accept a value ending in one.
    """
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return f"^(?:{text})(?![\\s\\S])"
