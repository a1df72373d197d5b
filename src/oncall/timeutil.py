"""The one place where local wall-clock time meets UTC.

Everything else in oncall computes with aware UTC datetimes (``tzinfo=UTC``), where
``+``/``-`` is elapsed time. Local time enters here, from what people wrote and from
recurrence rules, and leaves here, for messages and exports.

Two ways to turn a local time into an instant, chosen by who wrote it:

- `local_to_utc` is for times a person wrote: a time that a DST change skips or
  repeats is an error that asks for an explicit UTC offset.
- `generated_to_utc` is for times a recurrence rule generated: RFC 5545 resolves
  them (a skipped time moves forward by the gap, a repeated one takes the first
  occurrence), so a weekly 01:30 series does not fail once a year.

The machine's own time zone is never consulted.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oncall.errors import AmbiguousTimeError, InputError, NonexistentTimeError, closest
from oncall.grammar import (
    DURATION,
    DURATION_PART,
    SHIFT_YEARS,
    SPACE,
    YEARS,
    date_pattern,
    datetime_pattern,
)

__all__ = [
    "MAX_DURATION",
    "SHIFT_YEARS",
    "UTC",
    "YEARS",
    "DateOrTime",
    "WallClock",
    "as_duration",
    "as_instant",
    "as_written",
    "as_zone_name",
    "check_year",
    "date_or_datetime_reader",
    "floating_day",
    "format_basic",
    "format_duration",
    "format_instant",
    "format_local",
    "format_offset",
    "format_span",
    "generated_to_utc",
    "get_zone",
    "is_ambiguous",
    "local_date",
    "local_to_utc",
    "parse_date_or_datetime",
    "parse_duration",
    "read_instant",
    "start_of_day",
    "steady_wall_clock",
    "to_local",
    "toml_instant",
    "wall_clock",
    "wall_clock_pieces",
    "when_pattern",
    "when_text",
]

DateOrTime = date | datetime
"""A calendar date, a naive local datetime, or an aware datetime, as written."""

_DURATION_HINT = "write it like 90m, 1h30m, 2h, 1d or PT1H30M"
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?")


@lru_cache(maxsize=1)
def _iana_names() -> frozenset[str]:
    """The zone names the ``tzdata`` package ships: the same on every machine.

    A machine's own zoneinfo folder holds more (``right/...``, ``posix/...``,
    ``localtime``): accepting those would make a file valid on one machine only, and
    ``right/`` zones count leap seconds, which puts times seconds off.
    """
    import tzdata  # type: ignore[import-untyped]  # noqa: PLC0415 - its list of names; zones load through zoneinfo

    # Read as a plain file: importlib.resources would import tempfile and shutil, and
    # pathlib imports urllib.parse and ipaddress (some 3 ms of every start).
    zones = os.path.join(os.path.dirname(tzdata.__file__), "zones")  # noqa: PTH118, PTH120
    with open(zones, encoding="utf-8") as names:  # noqa: PTH123
        return frozenset(names.read().split())


@lru_cache(maxsize=512)
def get_zone(name: str | ZoneInfo) -> ZoneInfo:
    """Return the IANA time zone called ``name``, one of those the ``tzdata`` package ships.

    Raises:
        InputError: for an unknown name, suggesting the closest valid one.
        InputError: for what names no zone (`as_zone_name`): ``None``, a number.
    """
    if not isinstance(name, str):
        name = as_zone_name(name)
    if name in _iana_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return _raise_unknown_zone(name)


def _raise_unknown_zone(name: str) -> ZoneInfo:
    names = sorted(_iana_names())
    by_lower = {n.lower(): n for n in names}
    bare = re.sub(r"^(right|posix)/", "", name.lower()).replace(" ", "_")  # machine variants
    guess = by_lower.get(bare)
    if guess is None:  # a city alone: 'london' is 'Europe/London'
        cities = {n.rsplit("/", 1)[-1].lower(): n for n in reversed(names) if "/" in n}
        guess = cities.get(bare)
    if guess is None:
        close = closest(name.lower(), by_lower, cutoff=0.75)
        guess = by_lower[close] if close else None
    hint = f"did you mean {guess!r}?" if guess else "use an IANA name such as 'America/New_York'"
    raise InputError("unknown time zone", value=name, hint=hint)


# Values from Python callers --------------------------------------------------------------
# The public API takes the standard types and what behaves like them (pendulum's DateTime,
# Date, Duration and zones are subclasses of datetime, date, timedelta and ZoneInfo); they
# are turned into plain standard values here, at the boundary, so the core computes with
# zoneinfo alone.


def as_zone_name(value: object, what: str = "timezone") -> str:
    """The IANA name of a zone given as a name, a `ZoneInfo`, or anything with a ``key``.

    pendulum's zones are `ZoneInfo` subclasses; pytz's carry their name as ``zone``.

    Raises:
        InputError: for a value that names no IANA zone.
    """
    if isinstance(value, str):
        return value
    if value is UTC:
        return "UTC"
    for attribute in ("key", "zone"):
        name = getattr(value, attribute, None)
        if isinstance(name, str) and name:
            return name
    raise InputError(
        f"{what}: expected an IANA time zone name or a ZoneInfo, found",
        value=value,
        hint="a fixed offset names no zone: use a name such as 'Europe/London'",
    )


def as_instant(value: object, what: str) -> datetime:
    """An aware datetime as a plain `datetime` in UTC (a pendulum DateTime becomes one).

    Raises:
        InputError: for anything else, naive datetimes and fractions of a second included.
    """
    if (
        isinstance(value, datetime)
        and value.tzinfo is UTC
        and type(value) is datetime
        and not value.microsecond
    ):
        return value  # the common case, kept fast: every instant inside is UTC already
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{what} must be a time-zone aware datetime, found", value=value)
    if value.microsecond:
        raise InputError(
            f"{what} must be whole seconds (what oncall writes, it reads back the same), found",
            value=value.isoformat(),
        )
    utc = value.astimezone(UTC)
    return datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, UTC
    )


def as_duration(value: timedelta) -> timedelta:
    """A plain `timedelta` (a pendulum Duration becomes one)."""
    if type(value) is timedelta:
        return value
    # pendulum's Duration redefines seconds and microseconds (signed, as parts of a total):
    # read the standard fields through timedelta's own descriptors.
    days, seconds, micros = (
        getattr(timedelta, name).__get__(value, timedelta)
        for name in ("days", "seconds", "microseconds")
    )
    return timedelta(days, seconds, micros)


def floating_day(day: date, *, end: bool = False) -> datetime:
    """A day given by a Python caller, as a naive local midnight to be read in a zone later.

    The start of ``day``, or with ``end`` the start of the next day (an end date is
    included, as in the files). `read_instant` turns it into an instant once the zone
    is known (the team's, or the person's).
    """
    return datetime.combine(day + timedelta(days=1) if end else day, time())


MAX_DURATION: Final = timedelta(weeks=999, days=9999, hours=99999, minutes=999999, seconds=99999999)
"""The longest duration the grammar lets a file write (`oncall.grammar.DURATION_DIGITS`,
some 63 years). Durations from Python and the length of an event (its end minus its
start) are refused beyond it, which keeps arithmetic with shift times far from overflow."""


def parse_duration(value: object) -> timedelta:
    """Read a duration: ``90m``, ``1h30m``, ``2h``, ``1d`` (24 hours), ``PT1H30M`` or ``0``.

    Durations are elapsed time. What is accepted is `oncall.grammar.DURATION`; a bare
    number other than zero is an error, since its unit would be a guess.

    Raises:
        InputError: for anything else, or a number with too many digits for its unit.
    """
    if type(value) is str:
        return _duration_text(value)  # a large file writes the same few durations
    return _duration(value)


def _duration(value: object) -> timedelta:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
        return timedelta(0)
    if isinstance(value, str) and DURATION.fullmatch(value):
        return timedelta(
            seconds=sum(int(n) * _SECONDS[unit.lower()] for n, unit in DURATION_PART.findall(value))
        )
    bare = isinstance(value, int) and not isinstance(value, bool)
    if bare or (isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        text = str(value).strip()
        raise InputError(
            "a duration needs a unit, found",
            value=value,
            hint=f"write {text}m for minutes or {text}h for hours",
        )
    if not isinstance(value, str):
        raise InputError("expected a duration such as '1h30m', found", value=value)
    raise InputError(
        "invalid duration",
        value=value,
        hint=_DURATION_HINT + "; at most 999w, 9999d, 99999h, 999999m, 99999999s",
    )


_SECONDS: Final = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


_duration_text: Final = lru_cache(maxsize=256)(_duration)


def format_duration(duration: timedelta, *, days: bool = True) -> str:
    """Write a duration the way a person would type it: ``1h30m``, ``2d``, ``30h``, ``0m``.

    Days are written only for whole days (``2d``, but ``30h`` rather than ``1d6h``);
    without ``days``, never (``48h``), as for totals.
    """
    seconds = int(duration.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    whole_days = days and seconds % 86400 == 0
    days_count, rest = divmod(seconds, 86400) if whole_days else (0, seconds)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = "".join(
        f"{n}{unit}"
        for n, unit in ((days_count, "d"), (hours, "h"), (minutes, "m"), (secs, "s"))
        if n
    )
    return sign + (text or "0m")


def check_year(value: DateOrTime, years: range = YEARS) -> DateOrTime:
    """Return ``value`` if its year is one of ``years``.

    Raises:
        InputError: for a date outside those years.
    """
    if value.year not in years:
        raise InputError(
            f"dates are limited to the years {years.start} to {years.stop - 1}, found",
            value=value.isoformat(),
        )
    return value


def when_text(years: range, *, dates: bool = True) -> str:
    """What `parse_date_or_datetime` accepts, spaces and tabs around: `when_pattern`'s text.

    `oncall.grammar`'s dates and times of ``years`` (without ``dates``, times only).
    """
    choices = (
        f"{datetime_pattern(years)}|{date_pattern(years)}" if dates else datetime_pattern(years)
    )
    return f"{SPACE}(?:{choices}){SPACE}"


@lru_cache(maxsize=8)
def when_pattern(years: range, *, dates: bool = True) -> re.Pattern[str]:
    """`when_text` compiled, on first use (each takes about half a millisecond)."""
    return re.compile(when_text(years, dates=dates))


_MATCHERS: Final[dict[range, Callable[[str], re.Match[str] | None]]] = {}


def _matcher(years: range) -> Callable[[str], re.Match[str] | None]:
    """`when_pattern`'s ``fullmatch``, looked up in a third of the time of the cached call.

    A large file has hundreds of thousands of times to match. Fields of times only use
    the same pattern as fields of dates or times (one compiled pattern, not two, for a
    team file): what it matches is a date exactly when it is ten characters long.
    """
    found = _MATCHERS.get(years)
    if found is None:
        found = _MATCHERS[years] = when_pattern(years).fullmatch
    return found


def parse_date_or_datetime(
    value: object, years: range = YEARS, *, dates: bool = True
) -> DateOrTime:
    """Read ``2026-12-03``, ``2026-12-03T20:00[:00]`` or the same with ``Z``/``-05:00``.

    A date and time without an offset comes back naive: it is a local time whose zone the
    caller knows. Nothing is assumed about the machine's zone. What is accepted is
    `when_pattern` (without ``dates``, only dates with a time).

    Raises:
        InputError: for anything else.
    """
    if isinstance(value, str) and _matcher(years)(value):
        return _matched(value, dates=dates)  # the common case first: a file's text, well formed
    if isinstance(value, datetime | date):
        if isinstance(value, datetime) and value.microsecond:  # TOML's own datetimes
            raise _fraction_error(value.isoformat())
        if not dates and not isinstance(value, datetime):
            raise _date_without_time(value.isoformat())
        return check_year(value, years)
    if not isinstance(value, str):
        raise InputError("expected a date or a date and time, found", value=value)
    if re.search(r"[0-9]:[0-5][0-9][.,][0-9]", value):
        raise _fraction_error(value)
    if re.fullmatch(f"{SPACE}[0-9]{{4}}-.*", value):
        parsed = _try_iso(value.strip(" \t"))  # well formed, but which part is wrong?
        if parsed is not None:
            check_year(parsed, years)
    raise InputError(
        "invalid date or time",
        value=value,
        hint="write 2026-12-03, 2026-12-03T20:00 or 2026-12-03T20:00-05:00",
    )


def date_or_datetime_reader(
    years: range = YEARS, *, dates: bool = True
) -> Callable[[object], DateOrTime]:
    """`parse_date_or_datetime` for ``years`` and ``dates``, made once for many values.

    Its pattern is found on the first value, not on every one (a large file has
    hundreds of thousands of times to read).
    """
    match: Callable[[str], re.Match[str] | None] | None = None

    def read(value: object) -> DateOrTime:
        nonlocal match
        if match is None:
            match = _matcher(years)
        if isinstance(value, str) and match(value):
            return _matched(value, dates=dates)
        return parse_date_or_datetime(value, years, dates=dates)

    return read


def _matched(value: str, *, dates: bool) -> DateOrTime:
    """A date or time that `when_pattern` matched, read (a date refused without ``dates``)."""
    text = value.strip(" \t")
    if len(text) == 10:
        if not dates:
            raise _date_without_time(value)
        return date.fromisoformat(text)
    # Python reads every form the pattern allows but a lowercase z (`_iso` mends all).
    return datetime.fromisoformat(_iso(text) if text[-1] == "z" else text)


def _date_without_time(value: str) -> InputError:
    return InputError(
        "expected a date and time, found", value=value, hint="for example 2026-12-03T20:00"
    )


_BASIC_OFFSET: Final = re.compile(r"[+-][0-9]{4}$")


def _iso(text: str) -> str:
    """A date and time as `datetime.fromisoformat` reads it: ``T``, offsets with ``:``."""
    text = text.upper().replace(" ", "T", 1)
    if match := _BASIC_OFFSET.search(text, 10):
        offset = match.group()
        text = text[: -len(offset)] + offset[:3] + ":" + offset[3:]
    return text


def _try_iso(text: str) -> DateOrTime | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(_iso(text))
    except ValueError:
        return None


def as_written(value: DateOrTime) -> str:
    """A date or time the way a person writes it in a file: ``2026-12-03T19:00``."""
    if isinstance(value, datetime) and not value.second and not value.microsecond:
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _fraction_error(value: object) -> InputError:
    return InputError(
        "times are whole seconds; found a fraction of a second in",
        value=value,
        hint="write 20:00 or 20:00:30: oncall writes times to the second and reads them back",
    )


def format_offset(offset: timedelta | None) -> str:
    """Write a UTC offset as ``-05:00``."""
    minutes = int((offset or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Turn a local time that a person wrote into a UTC instant.

    An aware ``local`` is exact whatever its zone. A naive one is read in ``zone`` and must
    name exactly one instant there.

    Raises:
        AmbiguousTimeError: the time occurs twice in ``zone`` (clocks turned back).
        NonexistentTimeError: the time does not occur in ``zone`` (clocks turned forward).
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    written = local.isoformat(timespec="minutes")
    if _round_trips(first, local):
        offsets = [format_offset(first.utcoffset()), format_offset(second.utcoffset())]
        raise AmbiguousTimeError(
            f"local time {written} happens twice in {zone.key} (clocks turn back); "
            "write it with an explicit UTC offset:",
            value=f"{written}{offsets[0]}",
            hint=f"the first time, or {written}{offsets[1]} for the second",
        )
    before = first.utcoffset() or timedelta(0)
    after = second.utcoffset() or timedelta(0)
    gap = format_duration(abs(after - before))
    raise NonexistentTimeError(
        f"local time {written} does not exist in {zone.key} (clocks skip {gap} forward); "
        "write it with an explicit UTC offset, for example",
        value=f"{written}{format_offset(first.utcoffset())}",
    )


def _round_trips(aware: datetime, naive: datetime) -> bool:
    zone = aware.tzinfo
    assert zone is not None  # noqa: S101 - only called with aware datetimes
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def generated_to_utc(local: datetime, zone: tzinfo) -> datetime:
    """Turn a local time generated by a recurrence rule into a UTC instant, as RFC 5545 says.

    A time in a DST gap is read with the offset from before the gap (so it moves forward
    by the gap); a time that occurs twice takes the first occurrence. Both are what
    ``fold=0`` means in PEP 495.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone``, as UTC (midnight, or when the day begins)."""
    return generated_to_utc(datetime.combine(day, time(0)), zone)


def read_instant(value: DateOrTime, zone: ZoneInfo, *, end_of_date: bool = False) -> datetime:
    """Turn what `parse_date_or_datetime` read into a UTC instant.

    A date means the start of that day in ``zone`` or, with ``end_of_date``, the end of it
    (the start of the next day): the way inclusive end dates are read.
    """
    if isinstance(value, datetime):
        return local_to_utc(value, zone)
    return start_of_day(value + timedelta(days=1) if end_of_date else value, zone)


def wall_clock(instant: datetime, zone: tzinfo) -> datetime:
    """The naive wall-clock time that ``instant`` shows in ``zone`` (what RRULEs count in)."""
    return instant.astimezone(zone).replace(tzinfo=None)


def to_local(instant: datetime, zone: tzinfo) -> datetime:
    """The wall-clock time in ``zone`` at ``instant`` (aware, in ``zone``)."""
    return instant.astimezone(zone)


def local_date(instant: datetime, zone: tzinfo) -> date:
    """The calendar date in ``zone`` at ``instant``."""
    return instant.astimezone(zone).date()


def format_instant(instant: datetime, zone: tzinfo) -> str:
    """ISO 8601 with the zone's offset at that instant: ``2026-12-03T19:00:00-05:00``."""
    return instant.astimezone(zone).isoformat(timespec="seconds")


def format_local(instant: datetime, zone: tzinfo, *, date_too: bool = True) -> str:
    """A time for people: ``Thu 2026-12-03 19:00 EST`` (or ``19:00 EST``)."""
    return _local_text(_wall(instant, zone), date_too=date_too)


def format_span(start: datetime, end: datetime, zone: tzinfo, *, date_too: bool = True) -> str:
    """A stretch for people: ``Thu 2026-12-03 19:00-23:00 EST``.

    Within one local day the date is shown once (or, without ``date_too``, not at all);
    across days both ends are shown in full.
    """
    return _span_text(_wall(start, zone), _wall(end, zone), date_too=date_too)


def format_basic(instant: datetime) -> str:
    """``20261203T190000Z``: an instant in UTC as iCalendar writes it."""
    return _basic_text((instant - _EPOCH) // _SECOND) + "Z"


def is_ambiguous(local: datetime) -> bool:
    """Whether the wall-clock time of ``local`` (aware) happens twice: clocks turned back."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH: Final = _EPOCH.replace(tzinfo=None)
_SECOND: Final = timedelta(seconds=1)
_DAY: Final = 86_400
_EPOCH_DAY: Final = _NAIVE_EPOCH.toordinal()

_Wall = tuple[int, str]
"""A wall-clock time: seconds since 1970-01-01 00:00 on that clock, and the zone's name."""


def _wall(instant: datetime, zone: tzinfo) -> _Wall:
    local = instant.astimezone(zone)
    # The wall clock is the instant plus its offset (the local time's fields less the epoch's,
    # without building a naive copy of it: a third of the cost, for a line per shift).
    offset = local.utcoffset()
    assert offset is not None  # noqa: S101 - astimezone gives a time with an offset
    return (instant - _EPOCH + offset) // _SECOND, _zone_name(local)


def _local_text(wall: _Wall, *, date_too: bool = True) -> str:
    seconds, name = wall
    clock = f"{_clock_text(seconds % _DAY)} {name}"
    return f"{_day_text(seconds // _DAY)} {clock}" if date_too else clock


def _span_text(first: _Wall, last: _Wall, *, date_too: bool) -> str:
    (start, first_name), (end, last_name) = first, last
    if start // _DAY != end // _DAY:
        return f"{_local_text(first)} - {_local_text(last)}"
    day = f"{_day_text(start // _DAY)} " if date_too else ""
    if first_name == last_name:
        return f"{day}{_clock_text(start % _DAY)}-{_clock_text(end % _DAY)} {last_name}"
    return f"{day}{_clock_text(start % _DAY)} {first_name} - {_clock_text(end % _DAY)} {last_name}"


@lru_cache(maxsize=4096)
def _day_text(day: int) -> str:
    """``Thu 2026-12-03`` for a day counted from 1970-01-01 (fixed English names)."""
    when = date.fromordinal(_EPOCH_DAY + day)
    return f"{_WEEKDAYS[when.weekday()]} {when.isoformat()}"


@lru_cache(maxsize=2048)
def _clock_text(second: int) -> str:
    """``19:05`` for a second of the day: as ``%H:%M`` writes it."""
    return f"{second // 3600:02d}:{second // 60 % 60:02d}"


def _basic_text(seconds: int) -> str:
    """``20261203T190000`` for seconds since 1970-01-01 00:00 (no strftime: its cost)."""
    day, second = divmod(seconds, _DAY)
    return _basic_day(day) + _basic_clock(second)


@lru_cache(maxsize=4096)
def _basic_day(day: int) -> str:
    when = date.fromordinal(_EPOCH_DAY + day)
    return f"{when.year:04d}{when.month:02d}{when.day:02d}T"


@lru_cache(maxsize=2048)
def _basic_clock(second: int) -> str:
    return f"{second // 3600:02d}{second // 60 % 60:02d}{second % 60:02d}"


def _zone_name(local: datetime) -> str:
    return local.tzname() or format_offset(local.utcoffset())


class WallClock:
    """One zone's wall clock for many instants, at a fraction of `datetime.astimezone`'s cost.

    What `format_span` and iCalendar's local times need, for exports that write them for
    every shift.

    Between two of the zone's changes of offset the wall clock is UTC plus that offset:
    each stretch is worked out once, and looked up by the instant's seconds. Instants
    within a day of ``start`` or ``end``, and stretches whose zone name changes, are left
    to `datetime.astimezone`; so is the hour that clocks turn back, in which
    `basic` answers None.
    """

    def __init__(
        self, zone: tzinfo, changes: Sequence[datetime], start: datetime, end: datetime
    ) -> None:
        """``changes``: every instant in ``[start, end)`` at which ``zone``'s offset changes."""
        self._zone = zone
        self._stretches: list[tuple[int, int, int, str]] = []  # from, to, offset, name
        bounds = [start, *changes, end]
        first_second = (start - _EPOCH) // _SECOND + _DAY
        last_second = (end - _EPOCH) // _SECOND - _DAY
        for low, high in itertools.pairwise(bounds):
            first = low.astimezone(zone)
            offset = _offset(low, zone)
            if _offset(high - _SECOND, zone) != offset or not _one_name(zone, low, high):
                continue
            # The wall clock shows a time twice where the offset drops: leave those out.
            before, after = _offset(low - _SECOND, zone), _offset(high, zone)
            since = (low - _EPOCH) // _SECOND + max(before - offset, timedelta(0)) // _SECOND
            until = (high - _EPOCH) // _SECOND - max(offset - after, timedelta(0)) // _SECOND
            since, until = max(since, first_second), min(until, last_second)
            if since < until:
                self._stretches.append((since, until, offset // _SECOND, _zone_name(first)))
        self._starts = [s[0] for s in self._stretches]
        self._last = self._stretches[0] if self._stretches else (0, 0, 0, "")

    def _steady(self, seconds: int) -> tuple[int, int, int, str] | None:
        """The stretch that holds ``seconds`` since 1970 (UTC), if any."""
        if self._last[0] <= seconds < self._last[1]:
            return self._last
        index = bisect.bisect_right(self._starts, seconds) - 1
        if index < 0 or seconds >= self._stretches[index][1]:
            return None
        self._last = self._stretches[index]
        return self._last

    def _wall(self, instant: datetime) -> _Wall:
        seconds = (instant - _EPOCH) // _SECOND
        stretch = self._steady(seconds)
        if stretch is None:
            return _wall(instant, self._zone)
        return seconds + stretch[2], stretch[3]

    def span(self, start: datetime, end: datetime) -> str:
        """``format_span(start, end, zone)``."""
        return _span_text(self._wall(start), self._wall(end), date_too=True)

    def basic(self, instant: datetime) -> str | None:
        """``20261203T190000`` on the wall clock, or None where it shows that time twice."""
        seconds = (instant - _EPOCH) // _SECOND
        stretch = self._steady(seconds)
        if stretch is not None:
            return _basic_text(seconds + stretch[2])
        local = instant.astimezone(self._zone)
        if is_ambiguous(local):
            return None
        return _basic_text((local.replace(tzinfo=None) - _NAIVE_EPOCH) // _SECOND)


def _one_name(zone: tzinfo, start: datetime, end: datetime) -> bool:
    """Whether ``zone`` goes by one name all through ``[start, end)``, its offset steady.

    Sampled a day apart and at the end, as the offset's changes are found
    (`oncall.export.vtimezone.transitions`): a name may change and change back under one
    offset (America/Indiana/Knox: CDT, EST from 1991 to 2006, CDT), which its two ends
    alone do not show.
    """
    name = start.astimezone(zone).tzname()
    step = timedelta(seconds=_DAY)
    moment = start + step
    while moment < end:
        if moment.astimezone(zone).tzname() != name:
            return False
        moment += step
    return (end - _SECOND).astimezone(zone).tzname() == name


# Fixed English names: strftime("%a") follows the machine's locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


_OFFSET_STEP = timedelta(hours=6)
"""Offsets are sampled this far apart: no zone changes its offset twice within it."""


def _offset(instant: datetime, zone: tzinfo) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def steady_wall_clock(start: datetime, end: datetime, zone: tzinfo) -> datetime | None:
    """``start`` in ``zone`` (its fields are the wall clock), if the offset holds to ``end``.

    The quick case of `wall_clock_pieces`: None where the offset changes within, and for
    stretches longer than six hours (the offsets' sampling step). The time is left aware
    (a naive copy costs more than the rest of the question).
    """
    if end - start > _OFFSET_STEP:
        return None
    local = start.astimezone(zone)
    if end > start and _offset(end - _SECOND, zone) != local.utcoffset():
        return None
    return local


def wall_clock_pieces(
    start: datetime, end: datetime, zone: tzinfo
) -> Iterator[tuple[datetime, datetime]]:
    """``[start, end)`` as naive wall-clock stretches of ``zone``, cut where its offset changes.

    Within each stretch the wall clock runs with elapsed time, so a length measured on it
    is elapsed time, and a wall-clock rule (working hours, whole local days) can be
    applied to it directly, across DST changes too.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    cursor, offset = start, _offset(start, zone)
    probe = start
    while probe < end:
        probe = min(probe + _OFFSET_STEP, end)
        later = _offset(probe - timedelta(seconds=1), zone)
        if later == offset:
            continue
        # The offset changes once between the previous probe and this one, at a whole second.
        low = int(max(probe - _OFFSET_STEP - timedelta(seconds=1), cursor).timestamp())
        high = math.ceil((probe - timedelta(seconds=1)).timestamp())
        while high - low > 1:
            middle = (low + high) // 2
            if _offset(datetime.fromtimestamp(middle, UTC), zone) == offset:
                low = middle
            else:
                high = middle
        change = max(datetime.fromtimestamp(high, UTC), cursor)
        yield (cursor + offset).replace(tzinfo=None), (change + offset).replace(tzinfo=None)
        cursor, offset = change, later
    yield (cursor + offset).replace(tzinfo=None), (end + offset).replace(tzinfo=None)


def toml_instant(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` for a TOML file: in ``zone``, or in UTC where ``zone`` cannot say it.

    TOML's offsets are ``HH:MM``: a zone whose offset then has seconds (local mean time,
    -00:44:30 in Africa/Monrovia before 1972) cannot be written.
    """
    local = moment.astimezone(zone)
    offset = local.utcoffset()
    return moment.astimezone(UTC) if offset is not None and offset.seconds % 60 else local
