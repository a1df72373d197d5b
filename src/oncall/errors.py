"""The exceptions oncall raises.

Every error that a user can cause by what they wrote is an `InputError`. It carries
where the problem is (file, line, field path), the value found and, where one is obvious, a
hint, and builds its message from those fields once:

    team.yaml:14: people[2].timezone: unknown time zone 'America/NewYork'
    (did you mean 'America/New_York'?)

Core code raises errors with the parts it knows (a field path, a value); the loader adds
the file and the line as the error bubbles up (`InputError.located`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Final

from oncall.text import one_line

_PROPERTY_NAME: Final = re.compile(r"[A-Z][A-Z0-9-]{0,40}")

__all__ = [
    "AmbiguousTimeError",
    "InputError",
    "NonexistentTimeError",
    "OncallError",
    "Origin",
    "Path",
    "Suggestions",
    "closest",
    "ends_before_start",
    "expect",
    "foreign_problem",
    "format_path",
    "origin_at",
    "within",
]

Path = tuple[str | int, ...]
"""A field path into a file, e.g. ``("people", 2, "timezone")``."""

_NO_VALUE: Final = object()
_VALUE_LIMIT: Final = 200
"""A value (as ``repr`` shows it) or a hint longer than this is cut short in messages."""


def expect(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Refuse, at the door of the Python API, a value of the wrong type.

    A script passing ``None`` where a `Team` is meant learns so here, not from an
    ``AttributeError`` deep inside.

    Raises:
        TypeError: naming ``what`` was expected and what was found.
    """
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        names = " or ".join("None" if k is type(None) else k.__name__ for k in _kinds(kind))
        raise TypeError(f"{what} must be {names}, not {type(value).__name__}: {value!r:.80}")


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _short(text: str) -> str:
    """``text`` cut to `_VALUE_LIMIT` characters.

    A value (or a hint quoting one) from a file may be a 4,000-digit number.
    """
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "\u2026"


def format_path(path: Sequence[str | int]) -> str:
    """Render a field path the way the messages show it: ``people[2].timezone``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True, slots=True)
class Origin:
    """Where something was written, for errors found after loading: file, line, field path."""

    path: Path = ()
    file: str | None = None
    line: int | None = None

    def error(self, problem: str, value: object = _NO_VALUE, hint: str | None = None) -> InputError:
        """An `InputError` placed here."""
        return InputError(
            problem, value=value, hint=hint, path=self.path, file=self.file, line=self.line
        )

    def child(self, *path: str | int) -> Origin:
        """A field inside this: same file and line (of the entry), a longer path."""
        return Origin((*self.path, *path), self.file, self.line)

    def describe(self) -> str:
        """``team.yaml:12: events[3]``, or as much of it as is known."""
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.path:
            where += (": " if where else "") + format_path(self.path)
        return where


_new: Final = object.__new__
_set: Final = object.__setattr__


def origin_at(path: Path, file: str | None, line: int | None) -> Origin:
    """``Origin(path, file, line)``, built faster: the loader places every entry of a file.

    A frozen dataclass's constructor sets each field through ``object.__setattr__``
    after parsing its arguments; this sets them directly.
    """
    origin = _new(Origin)
    _set(origin, "path", path)
    _set(origin, "file", file)
    _set(origin, "line", line)
    return origin


class OncallError(Exception):
    """Base class of every exception that oncall raises on purpose."""


@dataclass(eq=False)
class InputError(OncallError, ValueError):
    """Input that cannot be used: a bad file, field, value, option or time.

    Attributes:
        problem: what is wrong, lowercase, without the location (``unknown time zone``).
        value: the offending value as found, shown with ``repr``; absent when there is none.
        hint: how to fix it, shown in parentheses after the value.
        path: the field path inside the file.
        file: the file's name as the user gave it.
        line: the 1-based line in the file, where the format gives one.
        more: further problems found in the same pass, shown on their own lines.
    """

    problem: str
    value: object = field(default=_NO_VALUE)
    hint: str | None = None
    path: Path = ()
    file: str | None = None
    line: int | None = None
    more: tuple[InputError, ...] = ()

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The whole message: location, problem, value and hint, then any further problems."""
        lines = [self._one_line()]
        lines.extend(other._one_line() for other in self.more)
        return "\n".join(lines)

    def _one_line(self) -> str:
        # A problem may quote a foreign file (a parser's message, a calendar's UID) and a
        # path may hold a key from one: made safe to print. The value is shown by repr,
        # which escapes what is not printable.
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        if self.path:
            where += format_path(self.path) + ": "
        text = one_line(where + self.problem)
        if self.value is not _NO_VALUE:
            text += f" {_short(repr(self.value))}"
        if self.hint:
            text += f" ({_short(one_line(self.hint))})"
        return text

    def __str__(self) -> str:
        return self.message

    def within(self, *prefix: str | int) -> InputError:
        """Return this error with ``prefix`` put before its field path."""
        return replace(self, path=(*prefix, *self.path))

    def located(self, file: str | None, line: int | None) -> InputError:
        """Return this error placed in ``file`` at ``line`` (unless it already has a place)."""
        return replace(
            self,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
            more=tuple(other.located(file, None) for other in self.more),
        )


class AmbiguousTimeError(InputError):
    """A local time that a person wrote occurs twice (the hour a DST change repeats)."""


class NonexistentTimeError(InputError):
    """A local time that a person wrote does not exist (the hour a DST change skips)."""


def closest(value: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice most like ``value``, for a "did you mean" hint; ``None`` if none is close."""
    import difflib  # noqa: PLC0415 - only messages about mistakes need it

    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def ends_before_start(  # noqa: PLR0913 - the parts of one message
    what: str,
    end: object,
    start: object,
    *,
    also: str = "",
    path: Path = (),
    origin: Origin | None = None,
) -> InputError:
    """The one error for an end that is not after its start: every such check raises it.

    ``what`` names the thing (``the event``, ``time off``, ``the horizon``, ``the shift``);
    ``end`` and ``start`` are shown as written; ``also`` adds another way out to the hint.
    ``path`` is put after ``origin``'s, which also gives the file and line.
    """
    where = origin or Origin()
    return InputError(
        f"{what} ends before it starts, found",
        value=end,
        hint=f"the start is {start}: give a later end{also}",
        path=(*where.path, *path),
        file=where.file,
        line=where.line,
    )


SUGGESTION_BUDGET: Final = 200_000
"""How many comparisons all the "did you mean" hints of one check may make together."""


class Suggestions:
    """`closest` for many values against the same choices, under `SUGGESTION_BUDGET`.

    Each value is looked up once; once the budget is spent, values get no hint (a shift
    naming 3,000 unknown people in a team of 10,000 would otherwise compare 30 million
    pairs of names).
    """

    def __init__(self, choices: Iterable[str], *, budget: int = SUGGESTION_BUDGET) -> None:
        self.choices = sorted(choices)
        self.left = budget
        self.found: dict[str, str | None] = {}

    def __call__(self, value: str) -> str | None:
        """The choice most like ``value``, or ``None`` (none close, or no budget left)."""
        if value not in self.found:
            if self.left < len(self.choices):
                return None
            self.left -= len(self.choices)
            self.found[value] = closest(value, self.choices)
        return self.found[value]


@contextmanager
def within(*path: str | int) -> Iterator[None]:
    """Put ``path`` before the field path of any `InputError` raised in the block."""
    try:
        yield
    except InputError as exc:
        raise exc.within(*path) from exc


def foreign_problem(error: BaseException) -> str:
    """What a library found wrong in a foreign file, in the format's terms, quoting nothing.

    Parsers' messages quote the content they choke on, and a file named in a team file may
    hold anything (a CI job's secrets, if it could name them): no such message is passed
    on. A missing property (``KeyError('DTSTART')``) is named, being a name of the format.
    """
    name = error.args[0] if isinstance(error, KeyError) and error.args else None
    if isinstance(name, str) and _PROPERTY_NAME.fullmatch(name):
        return f"it has no {name}"
    text = str(error).lower()
    if "could not be parsed into parts" in text or "content line" in text:
        return "a line is not a NAME:VALUE content line"
    if "found no components" in text:
        return "it holds no VCALENDAR"
    if "multiple components" in text:
        return "it holds more than one VCALENDAR"
    if isinstance(error, OverflowError) or "out of range" in text:
        return "a date is out of range"
    return "a value is not valid iCalendar"
