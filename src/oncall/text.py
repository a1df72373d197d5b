"""Text that is safe to show: in a terminal, a CI log, a Markdown table, a calendar.

Titles, names and notes come from files that anyone can edit and from calendars other
systems export. Shown as they are, a control character can drive the terminal that prints
it (clear the screen, set its title), a line break can forge a line of a report, and a
bidirectional override can make text read otherwise than it is stored.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["UNSAFE_TEXT", "one_line", "quoted"]

UNSAFE_TEXT: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters no title, name, note or message may hold: control characters (line breaks,
and the escapes that drive a terminal) and bidirectional overrides."""


def one_line(text: str) -> str:
    """Text made safe to show on one line.

    Runs of whitespace (line breaks included) become one space; other unsafe characters
    become U+FFFD, so that an escape sequence in an imported title shows instead of acting.
    """
    return UNSAFE_TEXT.sub("\ufffd", " ".join(text.split()))


def quoted(text: object, limit: int = 60) -> str:
    """A value from a foreign file (a calendar's UID) made safe and cut short, to name it."""
    safe = one_line(str(text))
    return safe if len(safe) <= limit else safe[: limit - 1] + "\u2026"
