"""The domain: a team, its people, time off and risky events, and the windows they need.

These are small frozen value types holding trusted values: every instant is an aware UTC
``datetime`` and every length a ``timedelta`` of elapsed time. Files are validated by
`oncall.schema` (pydantic) and turned into these; a script may also build them
directly, and the constructors check the invariants a caller could get wrong (naive
datetimes, ends before starts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast
from zoneinfo import ZoneInfo

from oncall.errors import InputError, Origin, closest, ends_before_start, expect
from oncall.timeutil import (
    MAX_DURATION,
    as_duration,
    as_instant,
    as_zone_name,
    floating_day,
    get_zone,
    read_instant,
    wall_clock,
)

T = TypeVar("T")

__all__ = [
    "EVENT_ORDER",
    "HOURS_ENTRY_PATTERN",
    "Code",
    "Escalation",
    "EscalationStep",
    "EventKind",
    "EventSpec",
    "Finding",
    "Holidays",
    "Horizon",
    "Person",
    "Policy",
    "Risk",
    "RiskyEvent",
    "Rotation",
    "Severity",
    "Shift",
    "Team",
    "TimeOff",
    "Window",
    "WorkingHours",
    "check_known_people",
    "check_known_person",
    "horizon_of",
    "merged_window",
    "occurrence",
    "unchecked_builder",
    "written_event",
    "written_shift",
]


class Risk(StrEnum):
    """How risky an event is; ordered ``low < moderate < high``."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0, 1 or 2, for comparisons."""
        return _RISK_RANK[self]

    def at_least(self, other: Risk) -> bool:
        """Whether this risk is ``other`` or higher."""
        return self.rank >= other.rank


_RISK_RANK = {Risk.LOW: 0, Risk.MODERATE: 1, Risk.HIGH: 2}


class EventKind(StrEnum):
    """What sort of change a risky event is."""

    API_DEPLOYMENT = "api-deployment"
    CRM_UPDATE = "crm-update"
    OOB_DEPLOYMENT = "oob-deployment"
    OTHER = "other"


_utc = as_instant
_NOTHING: Final = timedelta(0)


def _both_utc(start: datetime, end: datetime) -> bool:
    """Whether both are instants as `as_instant` gives them: plain UTC whole seconds."""
    return (
        start.__class__ is datetime
        and end.__class__ is datetime
        and start.tzinfo is UTC
        and end.tzinfo is UTC
        and not start.microsecond
        and not end.microsecond
    )


def _day_or_instant(value: datetime | date, what: str, *, end: bool = False) -> datetime:
    """An instant, or a day: a `date`, kept as a naive local midnight until its zone is known.

    An end date is included (its bound is the next midnight), as in the files.
    """
    if not isinstance(value, datetime) and isinstance(value, date):
        return floating_day(value, end=end)
    if isinstance(value, datetime) and value.tzinfo is None and value.time() == time():
        return value  # a day already read (a copy of a horizon or time off not yet placed)
    return _utc(value, what)


def _place(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A floating day's midnight read in ``zone``; an instant as it is."""
    if value is None or value.tzinfo is not None:
        return value
    return read_instant(value, zone)


def _member(value: object, kind: type[StrEnum], what: str) -> StrEnum:
    """``value`` as a member of ``kind``: ``"high"`` is `Risk.HIGH`.

    Raises:
        ValueError: (an `InputError`) for text that names no member.
        TypeError: for anything but text.
    """
    if isinstance(value, kind):
        return value
    names = ", ".join(repr(str(member)) for member in kind)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a {kind.__name__} or one of {names}, not {value!r:.80}")
    try:
        return kind(value)
    except ValueError:
        raise InputError(f"{what} must be one of {names}, found", value=value) from None


def _check_order(start: datetime, end: datetime, what: str, origin: Origin | None = None) -> None:
    if end <= start:
        raise ends_before_start(what, end.isoformat(), start.isoformat(), origin=origin)


DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX: Final = {name.lower(): index for index, name in enumerate(DAY_NAMES)}
_HOURS_ENTRY: Final = re.compile(
    r"\s*(?P<days>[A-Za-z]{3}(?:\s*[-,]\s*[A-Za-z]{3})*)\s+"
    r"(?P<start>[0-9]{1,2}:[0-9]{2})\s*-\s*(?P<end>[0-9]{1,2}:[0-9]{2})\s*"
)
"""An entry's shape; its days and times are checked one by one, for precise messages."""
_DAY_PATTERN: Final = "(?:{})".format(
    "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in name) for name in DAY_NAMES)
)
_TIME_PATTERN: Final = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
HOURS_ENTRY_PATTERN: Final = (
    rf"^\s*{_DAY_PATTERN}(\s*[-,]\s*{_DAY_PATTERN})*\s+"
    rf"{_TIME_PATTERN}\s*-\s*({_TIME_PATTERN}|24:00)\s*$"
)
"""The entries `WorkingHours.parse` accepts, as a JSON Schema (ECMA 262) pattern; it
also refuses an entry that starts when it ends."""


def _day(name: str, entry: str) -> int:
    index = _DAY_INDEX.get(name.strip().lower())
    if index is None:
        raise InputError(
            f"unknown day {name.strip()!r} in working hours", value=entry, hint="Mon, Tue, ..., Sun"
        )
    return index


def _minute_of_day(text: str, entry: str, *, end: bool) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    total = hours * 60 + minutes
    if minutes >= 60 or total > 24 * 60 or (total == 24 * 60 and not end):
        raise InputError("not a time of day in working hours", value=entry, hint="00:00 to 24:00")
    return total


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When someone works, every week, in the wall-clock time of their own zone.

    Attributes:
        spans: ``(weekday, start, end)``: Monday is 0, ``start`` and ``end`` are minutes
            of that day, ``0 <= start < end <= 1440``; sorted, not overlapping.
        text: how they were written, for people (``Mon-Fri 09:00-17:00``).
    """

    spans: tuple[tuple[int, int, int], ...] = tuple((day, 9 * 60, 17 * 60) for day in range(5))
    text: str = "Mon-Fri 09:00-17:00"

    @classmethod
    def parse(cls, value: object) -> WorkingHours:
        """Read ``Mon-Fri 09:00-17:00``, or a list of such entries (``[]``: none).

        Days are ``Mon`` .. ``Sun``, in ranges (``Fri-Mon`` wraps round) or lists
        (``Mon,Wed``); an end at or before the start runs past midnight into the next day.

        Raises:
            InputError: naming the entry that cannot be read.
        """
        entries = [value] if isinstance(value, str) else value
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise InputError(
                "expected working hours such as 'Mon-Fri 09:00-17:00' (or a list), found",
                value=value,
            )
        minutes: set[tuple[int, int, int]] = set()
        for entry in entries:
            match = _HOURS_ENTRY.fullmatch(entry)
            if match is None:
                raise InputError(
                    "expected working hours such as 'Mon-Fri 09:00-17:00', found", value=entry
                )
            start = _minute_of_day(match["start"], entry, end=False)
            end = _minute_of_day(match["end"], entry, end=True)
            if end == start:
                raise InputError("working hours that start when they end", value=entry)
            for day in _days(match["days"], entry):
                if end > start:
                    minutes.add((day, start, end))
                else:  # overnight: into the next day
                    minutes.add((day, start, 24 * 60))
                    if end:
                        minutes.add(((day + 1) % 7, 0, end))
        text = ", ".join(" ".join(e.split()) for e in entries) if entries else "none"
        return cls(_merge_spans(minutes), text)

    def working_days(self) -> frozenset[int]:
        """The weekdays (Monday 0) with any working hours."""
        return frozenset(day for day, _, _ in self.spans)


def _days(text: str, entry: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        start = _day(first, entry)
        stop = _day(last, entry) if last else start
        days.extend((start + step) % 7 for step in range((stop - start) % 7 + 1))
    return days


def _merge_spans(spans: Iterable[tuple[int, int, int]]) -> tuple[tuple[int, int, int], ...]:
    merged: list[tuple[int, int, int]] = []
    for day, start, end in sorted(spans):
        if merged and merged[-1][0] == day and start <= merged[-1][2]:
            merged[-1] = (day, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((day, start, end))
    return tuple(merged)


_HOLIDAYS: Final = re.compile(r"(?P<country>[A-Z]{2})(?:-(?P<subdivision>[A-Z0-9]{1,5}))?")


@dataclass(frozen=True, slots=True)
class Holidays:
    """A public holiday calendar: a country and optionally a subdivision (``GB-ENG``).

    The dates come from the `holidays` package, imported only where they are needed
    (`oncall.workhours`), which checks that it knows the country and subdivision.

    Attributes:
        country: an ISO 3166-1 alpha-2 code (``US``).
        subdivision: a subdivision code as the `holidays` package names it (``CA``).
        origin: where it was written, for the error when the package does not know it.
    """

    country: str
    subdivision: str | None = None
    origin: Origin = field(default_factory=Origin, compare=False)

    @classmethod
    def parse(cls, value: object, origin: Origin | None = None) -> Holidays:
        """Read ``US``, ``GB-ENG`` or ``de-by`` (upper-cased).

        Raises:
            InputError: when it is not a country code with an optional subdivision.
        """
        # ASCII first: upper() makes two letters of some ('ß' reads 'SS'), which no code is.
        text = value.upper() if isinstance(value, str) and value.isascii() else ""
        match = _HOLIDAYS.fullmatch(text)
        if match is None:
            raise InputError(
                "expected a country code and optional subdivision such as 'US' or 'GB-ENG', found",
                value=value,
            )
        return cls(match["country"], match["subdivision"], origin or Origin())

    def __str__(self) -> str:
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


@dataclass(frozen=True, slots=True)
class Policy:
    """How much coverage risky events need.

    Attributes:
        lead: coverage starts this long before each event (elapsed time).
        lag: coverage ends this long after each event.
        min_staff: fewer people on call than this at any instant is an error.
        ideal_staff: fewer than this is a warning; planning aims for it.
        merge_gap: windows at most this far apart merge into one.
        risk_threshold: events below this risk need no coverage.
        min_rest: nobody gets two shifts closer together than this (``None``: no rule).
        max_shift: windows longer than this are covered by consecutive shifts.
        working_hours: everyone's working hours unless they say their own.
        holidays: everyone's public holidays unless they say their own (``None``: none).
    """

    lead: timedelta = timedelta(hours=1)
    lag: timedelta = timedelta(hours=1)
    min_staff: int = 1
    ideal_staff: int = 2
    merge_gap: timedelta = timedelta(0)
    risk_threshold: Risk = Risk.MODERATE
    min_rest: timedelta | None = None
    max_shift: timedelta | None = None
    working_hours: WorkingHours = WorkingHours()
    holidays: Holidays | None = None

    def __post_init__(self) -> None:
        for name in ("lead", "lag", "merge_gap", "min_rest", "max_shift"):
            value = getattr(self, name)
            if value is None and name in ("min_rest", "max_shift"):
                continue
            expect(value, timedelta, f"Policy.{name}")
            value = as_duration(value)
            object.__setattr__(self, name, value)
            if value > MAX_DURATION:
                raise InputError(
                    f"must be at most {MAX_DURATION.days} days", path=(name,), value=str(value)
                )
        expect(self.min_staff, int, "Policy.min_staff")
        expect(self.ideal_staff, int, "Policy.ideal_staff")
        threshold = _member(self.risk_threshold, Risk, "Policy.risk_threshold")
        object.__setattr__(self, "risk_threshold", threshold)
        for name in ("lead", "lag", "merge_gap"):
            if getattr(self, name) < timedelta(0):
                raise InputError(
                    "must not be negative", path=(name,), value=str(getattr(self, name))
                )
        for name in ("min_rest", "max_shift"):
            value = getattr(self, name)
            if value is not None and value <= timedelta(0):
                raise InputError("must be longer than zero", path=(name,), value=str(value))
        if self.max_shift is not None and self.max_shift < timedelta(minutes=15):
            raise InputError(
                "must be at least 15 minutes", path=("max_shift",), value=str(self.max_shift)
            )
        if self.min_staff < 0:
            raise InputError("must not be negative", path=("min_staff",), value=self.min_staff)
        if self.ideal_staff < 1:
            raise InputError(
                "must be at least 1, found", path=("ideal_staff",), value=self.ideal_staff
            )
        if self.ideal_staff < self.min_staff:
            raise InputError(
                "must be at least min_staff, found",
                path=("ideal_staff",),
                value=self.ideal_staff,
                hint=f"min_staff is {self.min_staff}: raise ideal_staff to {self.min_staff}, "
                "or lower min_staff",
            )

    def coverage(self, event: RiskyEvent) -> tuple[datetime, datetime]:
        """The stretch ``[start - lead, end + lag)`` that ``event`` needs people on call."""
        return event.start - self.lead, event.end + self.lag

    def rest_broken(self, gap: timedelta) -> bool:
        """Whether ``gap`` between two duties of one person breaks ``min_rest``.

        Duties back to back (no gap) or overlapping are one continuous duty, not a break.
        """
        return self.min_rest is not None and _NOTHING < gap < self.min_rest


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who can be on call.

    Attributes:
        id: a slug that rotation files use to name the person.
        name: for people to read; defaults to ``id``.
        email: for calendar invitations.
        timezone: the IANA zone their dates (PTO days) are read in: a name, a `ZoneInfo`
            or anything with an IANA ``key``; ``None`` (the default) is the team's.
        pagerduty_id: their PagerDuty user id, needed for PagerDuty export.
        working_hours: when they work, in their own zone; on-call time outside it is
            after-hours.
        holidays: their public holidays (``None``: none).
    """

    id: str
    name: str = ""
    email: str | None = None
    timezone: str | None = None
    pagerduty_id: str | None = None
    working_hours: WorkingHours = WorkingHours()
    holidays: Holidays | None = None

    def __post_init__(self) -> None:
        expect(self.id, str, "Person.id")
        if not self.name:
            object.__setattr__(self, "name", self.id)
        if self.timezone is not None:
            object.__setattr__(self, "timezone", as_zone_name(self.timezone))
            get_zone(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone (UTC until a team gives them its own)."""
        return get_zone(self.timezone or "UTC")


@dataclass(frozen=True, slots=True, init=False)
class TimeOff:
    """A stretch ``[start, end)`` in which a person cannot be on call.

    ``start`` and ``end`` may be days (`date`; the end day is included): they are read in
    the person's zone when the team is built.
    """

    person: str
    start: datetime
    end: datetime
    note: str | None

    def __init__(
        self, person: str, start: datetime | date, end: datetime | date, note: str | None = None
    ) -> None:
        object.__setattr__(self, "person", person)
        object.__setattr__(self, "start", _day_or_instant(start, "time off start"))
        object.__setattr__(self, "end", _day_or_instant(end, "time off end", end=True))
        object.__setattr__(self, "note", note)
        if self.placed:
            _check_order(self.start, self.end, f"time off of {self.person}")

    @property
    def placed(self) -> bool:
        """Whether both bounds are instants (days given as dates are read in a zone)."""
        return self.start.tzinfo is not None and self.end.tzinfo is not None

    def in_zone(self, zone: ZoneInfo) -> TimeOff:
        """This time off with days given as dates read in ``zone`` (the person's)."""
        if self.placed:
            return self
        start, end = _place(self.start, zone), _place(self.end, zone)
        assert start is not None  # noqa: S101 - a bound of time off is never None
        assert end is not None  # noqa: S101 - a bound of time off is never None
        return TimeOff(self.person, start, end, self.note)


@dataclass(frozen=True, slots=True)
class EventSpec:
    """A risky event as written: one occurrence, or a recurring series.

    Attributes:
        title: what the event is.
        start: the first occurrence's start.
        duration: how long each occurrence lasts (elapsed time).
        timezone: the zone whose wall clock a recurrence follows.
        id: the id given in the file; derived from title and date when ``None``.
        kind: what sort of change it is.
        risk: how risky it is.
        rrule: an RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=TH``).
        exdates: occurrences to skip: local wall-clock datetimes (naive) or whole dates; an
            aware datetime is turned into the event zone's wall-clock time.
        origin: where the event was written, for messages.
        source: the iCalendar file it was imported from, if any.
        source_uid: its iCalendar UID: in that file, or the team file's ``uid`` (the same
            event in a calendar source then counts once).
        recurrence_id: for an imported occurrence, the instant its RECURRENCE-ID names
            (the start it has in its series, even when it was moved); ``None`` otherwise.
    """

    title: str
    start: datetime
    duration: timedelta
    timezone: str
    id: str | None = None
    kind: EventKind = EventKind.OTHER
    risk: Risk = Risk.MODERATE
    rrule: str | None = None
    exdates: tuple[date | datetime, ...] = ()
    origin: Origin = field(default_factory=Origin, repr=False)
    source: str | None = None
    source_uid: str | None = None
    recurrence_id: datetime | None = None

    def __post_init__(self) -> None:
        if (  # what a team file gives, 100,000 times: only the zone's name to check
            self.recurrence_id is None
            and self.exdates == ()
            and _plain_event(self.start, self.duration, self.timezone, self.kind, self.risk)
        ):
            get_zone(self.timezone)  # the name is the zone's key
            return
        object.__setattr__(self, "start", _utc(self.start, "event start"))
        expect(self.duration, timedelta, "EventSpec.duration")
        object.__setattr__(self, "duration", as_duration(self.duration))
        object.__setattr__(self, "timezone", as_zone_name(self.timezone))
        if self.recurrence_id is not None:
            object.__setattr__(self, "recurrence_id", _utc(self.recurrence_id, "recurrence id"))
        object.__setattr__(self, "kind", _member(self.kind, EventKind, "EventSpec.kind"))
        object.__setattr__(self, "risk", _member(self.risk, Risk, "EventSpec.risk"))
        zone = get_zone(self.timezone)
        object.__setattr__(self, "timezone", zone.key)
        exdates = tuple(
            wall_clock(_utc(d, "exdate"), zone)
            if isinstance(d, datetime) and d.tzinfo is not None
            else d
            for d in self.exdates
        )
        object.__setattr__(self, "exdates", exdates)
        if self.duration <= timedelta(0):
            end = (self.start + self.duration).isoformat()
            raise ends_before_start(
                f"the event {self.title!r}", end, self.start.isoformat(), origin=self.origin
            )

    @property
    def zone(self) -> ZoneInfo:
        """The event's time zone."""
        return get_zone(self.timezone)


@dataclass(frozen=True, slots=True, order=True)
class RiskyEvent:
    """One occurrence of a risky event, ``[start, end)``, ordered by time then id.

    ``source`` and ``source_uid`` say where it was read (``None``: the team file);
    ``sources`` lists every file the same occurrence was found in (same UID and
    RECURRENCE-ID or start), the one it was read from first.
    """

    start: datetime
    end: datetime
    id: str
    title: str = field(compare=False)
    kind: EventKind = field(default=EventKind.OTHER, compare=False)
    risk: Risk = field(default=Risk.MODERATE, compare=False)
    timezone: str = field(default="UTC", compare=False)
    origin: Origin = field(default_factory=Origin, compare=False, repr=False)
    source: str | None = field(default=None, compare=False)
    source_uid: str | None = field(default=None, compare=False)
    sources: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if type(self.timezone) is not str:
            object.__setattr__(self, "timezone", as_zone_name(self.timezone))
        if _plain_occurrence(self.start, self.end, self.kind, self.risk):
            return  # built by oncall itself: already valid, and there can be 100,000s
        object.__setattr__(self, "kind", _member(self.kind, EventKind, "RiskyEvent.kind"))
        object.__setattr__(self, "risk", _member(self.risk, Risk, "RiskyEvent.risk"))
        object.__setattr__(self, "start", _utc(self.start, "event start"))
        object.__setattr__(self, "end", _utc(self.end, "event end"))
        _check_order(self.start, self.end, f"the event {self.id!r}")


# Fast construction. A frozen dataclass's ``__init__`` sets each field through
# ``object.__setattr__`` after parsing its keyword arguments, then runs ``__post_init__``:
# about 5 us an event. The loader and the expansion build 100,000s of events from values
# whose checks are already done, so they set the slots directly (`unchecked_builder`, about 1 us),
# where ``__post_init__`` would change nothing; any other value takes the constructor.
# tests/test_construction.py compares each with its constructor.
_new: Final = object.__new__


def unchecked_builder(cls: type[T]) -> Callable[..., T]:
    """A function of all of ``cls``'s fields, in order, that builds it without checks.

    For a frozen dataclass with slots, where the values are known to be what its own
    checks would leave them (the fast constructors here, the planner's decisions).

    It calls each slot's own setter, in a third of the time of ``object.__setattr__``
    (some 0.05 s at 100,000 events, their occurrences and shifts), written out as
    `dataclasses` writes ``__init__``: a loop over the setters would cost what it saves.
    """
    names = [spec.name for spec in fields(cls)]  # type: ignore[arg-type]
    # Its own names begin with two underscores, which no field's can (a class body
    # mangles them), so that no field is taken for one of them.
    scope: dict[str, Any] = {f"__set_{name}": getattr(cls, name).__set__ for name in names}
    scope |= {"__new": _new, "__cls": cls}
    body = "".join(f"    __set_{name}(__made, {name})\n" for name in names)
    source = f"def build({', '.join(names)}):\n    __made = __new(__cls)\n{body}    return __made\n"
    exec(source, scope)  # noqa: S102 - the source is made of field names alone
    return cast("Callable[..., T]", scope["build"])


_build_event: Final = unchecked_builder(EventSpec)
_build_occurrence: Final = unchecked_builder(RiskyEvent)


def _plain_event(
    start: datetime, duration: timedelta, timezone: str, kind: EventKind, risk: Risk
) -> bool:
    """Whether an event's values are as `EventSpec.__post_init__` leaves them."""
    return (
        start.__class__ is datetime
        and start.tzinfo is UTC
        and not start.microsecond
        and duration.__class__ is timedelta
        and duration > _NOTHING
        and timezone.__class__ is str
        and kind.__class__ is EventKind
        and risk.__class__ is Risk
    )


def written_event(  # noqa: PLR0913, PLR0917 - an event's fields, in their order
    title: str,
    start: datetime,
    duration: timedelta,
    timezone: str,
    id: str | None,
    kind: EventKind,
    risk: Risk,
    rrule: str | None,
    exdates: tuple[date | datetime, ...],
    origin: Origin,
    source_uid: str | None,
) -> EventSpec:
    """``EventSpec(...)`` of an event written in a team file (no ``source``), built faster."""
    plain = not exdates and _plain_event(start, duration, timezone, kind, risk)
    if plain:
        get_zone(timezone)  # as __post_init__: the name is the zone's key
    build = _build_event if plain else EventSpec
    return build(
        title,
        start,
        duration,
        timezone,
        id,
        kind,
        risk,
        rrule,
        exdates,
        origin,
        None,
        source_uid,
        None,
    )


def _plain_occurrence(start: datetime, end: datetime, kind: EventKind, risk: Risk) -> bool:
    """Whether an occurrence's values are as `RiskyEvent.__post_init__` leaves them."""
    return (
        risk.__class__ is Risk
        and kind.__class__ is EventKind
        and start.__class__ is datetime
        and end.__class__ is datetime
        and start.tzinfo is UTC
        and end.tzinfo is UTC
        and start < end
    )


def occurrence(  # noqa: PLR0913, PLR0917 - an occurrence's fields, in order
    start: datetime,
    end: datetime,
    id: str,
    title: str,
    kind: EventKind,
    risk: Risk,
    timezone: str,
    origin: Origin,
    source: str | None,
    source_uid: str | None,
    sources: tuple[str, ...],
) -> RiskyEvent:
    """``RiskyEvent(...)`` with every field given, built faster (an event's occurrences)."""
    if timezone.__class__ is not str or not _plain_occurrence(start, end, kind, risk):
        return RiskyEvent(
            start, end, id, title, kind, risk, timezone, origin, source, source_uid, sources
        )
    return _build_occurrence(
        start, end, id, title, kind, risk, timezone, origin, source, source_uid, sources
    )


EVENT_ORDER: Final[Callable[[RiskyEvent], tuple[datetime, datetime, str]]] = attrgetter(
    "start", "end", "id"
)
"""The order of events (start, end, id) as a sort key: the same as comparing them, faster."""


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch ``[start, end)`` that needs people on call, and the events it covers."""

    start: datetime
    end: datetime
    events: tuple[RiskyEvent, ...]

    def __post_init__(self) -> None:
        if _both_utc(self.start, self.end):
            return  # built by oncall itself (`oncall.windows`): 100,000s of them
        object.__setattr__(self, "start", _utc(self.start, "window start"))
        object.__setattr__(self, "end", _utc(self.end, "window end"))

    @property
    def duration(self) -> timedelta:
        """How long the window lasts."""
        return self.end - self.start


_build_window: Final = unchecked_builder(Window)


def merged_window(start: datetime, end: datetime, events: tuple[RiskyEvent, ...]) -> Window:
    """``Window(...)``, built faster: `oncall.windows` makes 100,000s of them."""
    if not _both_utc(start, end):
        return Window(start, end, events)
    return _build_window(start, end, events)


@dataclass(frozen=True, slots=True, init=False)
class Horizon:
    """The stretch ``[start, end)`` that planning covers; either bound may be open.

    A bound may be a day (a `date`; an end date is included, as in the files): it is
    read in the team's zone when the horizon is used with a team (`Team.horizon_for`).
    """

    start: datetime | None
    end: datetime | None

    def __init__(
        self, start: datetime | date | None = None, end: datetime | date | None = None
    ) -> None:
        if start is not None:
            start = _day_or_instant(start, "horizon start")
        if end is not None:
            end = _day_or_instant(end, "horizon end", end=True)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        if start is not None and end is not None and self.placed:
            _check_order(start, end, "the horizon")

    @property
    def placed(self) -> bool:
        """Whether every bound is an instant (days given as dates are read in a zone)."""
        return all(b is None or b.tzinfo is not None for b in (self.start, self.end))

    def in_zone(self, zone: ZoneInfo) -> Horizon:
        """This horizon with bounds given as days read in ``zone`` (the team's)."""
        if self.placed:
            return self
        return Horizon(_place(self.start, zone), _place(self.end, zone))

    def contains(self, instant: datetime) -> bool:
        """Whether ``instant`` lies inside the horizon."""
        return (self.start is None or instant >= self.start) and (
            self.end is None or instant < self.end
        )

    def covers(self, other: Horizon) -> bool:
        """Whether ``other`` lies inside this horizon (an open bound covers everything)."""
        starts_inside = self.start is None or (
            other.start is not None and other.start >= self.start
        )
        ends_inside = self.end is None or (other.end is not None and other.end <= self.end)
        return starts_inside and ends_inside

    def replace(self, start: datetime | None = None, end: datetime | None = None) -> Horizon:
        """This horizon with the given bounds replaced (``None`` keeps a bound)."""
        return Horizon(
            start if start is not None else self.start, end if end is not None else self.end
        )


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """Who is notified at one step of an escalation, and how long before the next.

    Attributes:
        notify: person ids, or ``schedule:<PagerDuty schedule id>``.
        escalate_after: how long before escalating to the next step.
    """

    notify: tuple[str, ...]
    escalate_after: timedelta


@dataclass(frozen=True, slots=True)
class Escalation:
    """How an incident escalates, for the PagerDuty escalation policy.

    Attributes:
        name: the policy's name.
        steps: the steps, in order.
        repeat: how many times the whole escalation repeats after its last step.
        description: what the policy is for.
    """

    name: str
    steps: tuple[EscalationStep, ...]
    repeat: int = 0
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Team:
    """Everything a team file says: people, time off, events and the policy.

    Attributes:
        name: a short name used in calendar names, UIDs and messages.
        timezone: the zone local times are read in when nothing else is said.
        people: who can be on call, in file order.
        time_off: when they cannot.
        events: the risky events, as written (recurring ones unexpanded).
        policy: how much coverage the events need.
        horizon: the stretch that planning covers.
        email: the team's address, the calendar's ORGANIZER.
        history: on-call time already served per person id, for fairness.
        escalation: how incidents escalate (for the PagerDuty escalation policy).
        sources: the iCalendar files whose events and time off are included, read for
            ``horizon`` (`oncall.load_team` reads them); an event or a time off that
            came from one says which (``source``).
    """

    name: str
    timezone: str
    people: tuple[Person, ...] = ()
    time_off: tuple[TimeOff, ...] = ()
    events: tuple[EventSpec, ...] = ()
    policy: Policy = field(default_factory=Policy)
    horizon: Horizon = field(default_factory=Horizon)
    email: str | None = None
    history: Mapping[str, timedelta] = field(default_factory=lambda: MappingProxyType({}))
    escalation: Escalation | None = None
    sources: tuple[str, ...] = ()
    _by_id: Mapping[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "timezone", as_zone_name(self.timezone))
        zone = get_zone(self.timezone)
        people = tuple(
            p if p.timezone is not None else replace(p, timezone=self.timezone) for p in self.people
        )
        object.__setattr__(self, "people", people)
        object.__setattr__(self, "horizon", self.horizon.in_zone(zone))
        object.__setattr__(self, "events", tuple(self.events))
        history = {person: as_duration(served) for person, served in self.history.items()}
        object.__setattr__(self, "history", MappingProxyType(history))
        object.__setattr__(self, "sources", tuple(self.sources))
        by_id: dict[str, Person] = {}
        for index, person in enumerate(self.people):
            if person.id in by_id:
                raise InputError(
                    "duplicate person id", value=person.id, path=("people", index, "id")
                )
            by_id[person.id] = person
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(
            self,
            "time_off",
            tuple(
                off.in_zone(by_id[off.person].zone if off.person in by_id else zone)
                for off in self.time_off
            ),
        )
        named: list[tuple[str, tuple[str | int, ...]]] = [
            # Named as in Python: a team file's pto entries were checked where they were read.
            (off.person, ("time_off", index, "person"))
            for index, off in enumerate(self.time_off)
        ]
        named += [(person_id, ("history", person_id)) for person_id in self.history]
        if self.escalation is not None:
            for index, step in enumerate(self.escalation.steps):
                named += [
                    (name, ("escalation", "steps", index, "notify", n))
                    for n, name in enumerate(step.notify)
                    if not name.startswith("schedule:")
                ]
        check_known_people(named, by_id)

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return get_zone(self.timezone)

    def person(self, person_id: str) -> Person | None:
        """The person with this id, if any."""
        return self._by_id.get(person_id)

    def __hash__(self) -> int:
        history = frozenset(self.history.items())  # the one field that is not hashable
        return hash((self.name, self.timezone, self.people, self.time_off, self.events, history))

    def horizon_for(self, horizon: Horizon | None) -> Horizon:
        """``horizon`` with days read in the team's zone; the team's own for ``None``."""
        return self.horizon if horizon is None else horizon.in_zone(self.zone)


def horizon_of(team: Team, horizon: Horizon | None) -> Horizon:
    """``team.horizon_for(horizon)``, both types checked first.

    Where the API's functions (`oncall.check`, `oncall.plan`, ...) start.

    Raises:
        TypeError: for a ``team`` that is no `Team`, or a ``horizon`` that is no `Horizon`.
    """
    expect(team, Team, "team")
    expect(horizon, (Horizon, type(None)), "horizon")
    return team.horizon_for(horizon)


@dataclass(frozen=True, slots=True)
class Shift:
    """Who is on call over ``[start, end)``, in order: primary, secondary, ...

    Attributes:
        start: when the shift starts.
        end: when it ends.
        people: person ids; may be empty (a shift nobody could take, left for a human).
        events: ids of the events it covers (informational).
        origin: where the shift was written, for messages and annotations.
    """

    start: datetime
    end: datetime
    people: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    origin: Origin = field(default_factory=Origin, compare=False, repr=False)

    def __post_init__(self) -> None:
        if _plain_shift(self.start, self.end, self.people, self.events):
            return  # what a rotation file gives, or the planner: nothing to convert
        object.__setattr__(self, "start", _utc(self.start, "shift start"))
        object.__setattr__(self, "end", _utc(self.end, "shift end"))
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "events", tuple(self.events))
        _check_order(self.start, self.end, "the shift", self.origin)

    @property
    def duration(self) -> timedelta:
        """How long the shift lasts."""
        return self.end - self.start

    def overlaps(self, start: datetime | None, end: datetime | None) -> bool:
        """Whether the shift shares an instant with ``[start, end)`` (``None``: open)."""
        return (start is None or self.end > start) and (end is None or self.start < end)


_build_shift: Final = unchecked_builder(Shift)


def _plain_shift(
    start: datetime, end: datetime, people: Iterable[str], events: Iterable[str]
) -> bool:
    """Whether a shift's values are as `Shift.__post_init__` leaves them."""
    return (
        _both_utc(start, end)
        and start < end
        and people.__class__ is tuple
        and events.__class__ is tuple
    )


def written_shift(
    start: datetime, end: datetime, people: tuple[str, ...], events: tuple[str, ...], origin: Origin
) -> Shift:
    """``Shift(...)`` with every field given, built faster (a rotation file's shifts)."""
    if not _plain_shift(start, end, people, events):
        return Shift(start, end, people, events, origin)
    return _build_shift(start, end, people, events, origin)


@dataclass(frozen=True, slots=True)
class Rotation:
    """Shifts in the order they were written or planned (planned ones sorted by time)."""

    shifts: tuple[Shift, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "shifts", tuple(self.shifts))

    def overlapping(self, start: datetime | None, end: datetime | None) -> tuple[Shift, ...]:
        """The shifts that share an instant with ``[start, end)`` (``None``: open), in order."""
        return tuple(shift for shift in self.shifts if shift.overlaps(start, end))


class Severity(StrEnum):
    """How much a finding matters: errors fail validation, warnings fail it with --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info: the order findings are listed in."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Code(StrEnum):
    """The stable codes of findings; each has one severity."""

    UNCOVERED = "uncovered"
    UNDERSTAFFED = "understaffed"
    PTO_CONFLICT = "pto-conflict"
    UNKNOWN_PERSON = "unknown-person"
    DUPLICATE_PERSON = "duplicate-person"
    REST_VIOLATION = "rest-violation"
    OUTSIDE_WINDOW = "outside-window"

    @property
    def severity(self) -> Severity:
        """The severity every finding with this code has."""
        return _CODE_SEVERITY[self]


_CODE_SEVERITY = {
    Code.UNCOVERED: Severity.ERROR,
    Code.UNDERSTAFFED: Severity.WARNING,
    Code.PTO_CONFLICT: Severity.ERROR,
    Code.UNKNOWN_PERSON: Severity.ERROR,
    Code.DUPLICATE_PERSON: Severity.ERROR,
    Code.REST_VIOLATION: Severity.WARNING,
    Code.OUTSIDE_WINDOW: Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a check found, over ``[start, end)``.

    Attributes:
        code: what was found; it fixes the severity.
        message: a sentence a person can act on, in the team's local time.
        start: where the problem starts.
        end: where it ends.
        people: for coverage findings, who is on call then; otherwise who is concerned.
        events: ids of the events concerned.
        shifts: indexes of the rotation's shifts concerned.
        file: the file where it can be fixed (the first shift's rotation file, else the
            first event's team file), when the rotation or team came from one.
        line: the line there.
    """

    code: Code
    message: str
    start: datetime
    end: datetime
    people: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    shifts: tuple[int, ...] = ()
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start, "finding start"))
        object.__setattr__(self, "end", _utc(self.end, "finding end"))

    @property
    def severity(self) -> Severity:
        """The code's severity."""
        return self.code.severity

    def sort_key(self) -> tuple[datetime, int, str, tuple[str, ...], datetime]:
        """Time first, then errors before warnings before info."""
        return (self.start, self.severity.rank, self.code, self.people, self.end)


def check_known_person(person_id: str, known: Iterable[str], path: tuple[str | int, ...]) -> None:
    """Raise an error naming ``person_id`` (and the closest known id) unless it is known."""
    check_known_people([(person_id, path)], known)


def check_known_people(
    named: Iterable[tuple[str, tuple[str | int, ...]]], known: Iterable[str]
) -> None:
    """Raise one error for every unknown person id (with its path), all at once.

    Each id is looked up in a set: a team's time off names people tens of thousands of
    times. The known ids are sorted only for a "did you mean" hint.
    """
    members = known if isinstance(known, set | frozenset | Mapping) else set(known)
    errors = []
    ordered: list[str] | None = None
    for person_id, path in named:
        if person_id not in members:
            ordered = sorted(members) if ordered is None else ordered
            close = closest(person_id, ordered)
            hint = f"did you mean {close!r}?" if close else "add them to people"
            errors.append(InputError("unknown person", value=person_id, path=path, hint=hint))
    if errors:
        raise replace(errors[0], more=tuple(errors[1:]))
