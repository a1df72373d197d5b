"""iCalendar sources -> risky events and time off, expanded within a horizon.

Teams keep release calendars and time off in calendar programs; the team file's
``sources`` names those exports. `oncall.load` reads and parses them and has them
expanded here, within the horizon the team is loaded for, with ``recurring-ical-events``
(RRULE, RDATE, EXDATE, moved and cancelled instances), so that the `Team` it returns
holds every event and time off: nothing else in oncall sees a calendar.

- times with a TZID (an IANA name, or a Windows name such as "Eastern Standard Time" with
  its VTIMEZONE) or in UTC are exact; floating times are read in the calendar's
  ``X-WR-TIMEZONE`` (Google's exports; ``x-wr-timezone`` repairs those at load time), else
  in the team's zone (for time off, the person's), a time that a DST change skips or
  repeats resolved as RFC 5545 says;
- all-day events are whole days in the team's zone (for time off, the person's), DTEND
  exclusive as RFC 5545 defines it;
- ``STATUS:CANCELLED`` events and instances are skipped; so is "free" time in a time off
  calendar (``TRANSP:TRANSPARENT`` or ``X-MICROSOFT-CDO-BUSYSTATUS:FREE``), while
  tentative time off counts as time off (better nobody is planned than somebody away).
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

from oncall.errors import InputError, Origin, foreign_problem
from oncall.models import (
    EventKind,
    EventSpec,
    Horizon,
    Person,
    Risk,
    Team,
    TimeOff,
    horizon_of,
)
from oncall.recurrence import MAX_OCCURRENCES, parse_rrule
from oncall.text import quoted
from oncall.timeutil import YEARS, generated_to_utc, get_zone, start_of_day, wall_clock

__all__ = ["MAX_TITLE", "CalendarSource", "Imported", "compile_match", "resolve_sources"]

MAX_TITLE: Final = 500
"""Imported titles and notes are cut to this many characters, as team-file text is."""

_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_INSTANT = timedelta(minutes=1)
"""How long an event with a start and no end (an instant) is taken to last."""
_EMAIL = re.compile(r"^mailto:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """An iCalendar file of risky events or of time off, parsed but not yet expanded.

    Attributes:
        name: the file as the team file names it (relative to the team file).
        calendar: the parsed calendar (an ``icalendar.Calendar``).
        pto: whether it holds time off (else risky events).
        kind: the kind of every event (events sources); else from CATEGORIES.
        risk: the risk of every event (events sources); else from CATEGORIES.
        match: only events whose SUMMARY matches this regular expression.
        person: whose time off every event is (PTO sources).
        match_attendee: time off for the people whose email is an ATTENDEE or ORGANIZER.
        match_name: time off for the people whose name is in the SUMMARY.
        origin: where the team file names the source.
    """

    name: str
    calendar: object = field(compare=False, repr=False)
    pto: bool = False
    kind: EventKind | None = None
    risk: Risk | None = None
    match: str | None = None
    person: str | None = None
    match_attendee: bool = False
    match_name: bool = False
    origin: Origin = field(default_factory=Origin, compare=False)


@dataclass(frozen=True, slots=True)
class Imported:
    """What the calendar sources hold within a horizon: one event per occurrence."""

    events: tuple[EventSpec, ...] = ()
    time_off: tuple[TimeOff, ...] = ()


def resolve_sources(team: Team, sources: Sequence[CalendarSource], horizon: Horizon) -> Imported:
    """The events and time off of ``sources`` that start inside ``horizon``.

    ``team`` gives the zone and the people (its own events and time off are not used).
    Each occurrence becomes an event of its own, which keeps the calendar's UID and
    RECURRENCE-ID: `oncall.recurrence.expand_events` names it and counts an occurrence
    found in two places once.

    Raises:
        InputError: naming the file: an endless series without a horizon end, too many
            occurrences, or a broken component (by its UID).
    """
    events: list[EventSpec] = []
    time_off: list[TimeOff] = []
    horizon = horizon_of(team, horizon)
    for source in sources:
        try:
            if source.pto:
                time_off += _time_off(team, source, horizon)
            else:
                events += _events(team, source, horizon)
        except InputError:
            raise
        except Exception as exc:  # a foreign file's broken value is the file's problem
            what = getattr(exc, "oncall_event", None) or "the calendar"
            problem = foreign_problem(exc)
            raise source.origin.error(f"{source.name}: {what} cannot be read ({problem})") from exc
    return Imported(tuple(events), tuple(time_off))


@contextmanager
def _naming(component: Any) -> Iterator[None]:
    """Tag any failure inside with the component (`_label`), for the message."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        exc.oncall_event = _label(component)  # type: ignore[attr-defined]
        raise


_TAG = "X-ONCALL-COMPONENT"
"""Set on each VEVENT before expansion: the copies recurring-ical-events makes keep it, so
each occurrence leads back to the component it comes from (UIDs may be missing or shared)."""
_MARGIN = timedelta(days=2)
"""Expansion reaches this far beyond the horizon: recurring-ical-events compares floating
and all-day times with the span's UTC wall clock, which is up to 14 hours off."""
_ONCE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID", "SUMMARY", "STATUS", "TRANSP")
_TIMES = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")


def _label(component: Any) -> str:
    """``the event <UID>`` (or its SUMMARY), short and made safe, for messages."""
    for name, what in (("UID", "the event {}"), ("SUMMARY", "the event titled {!r}")):
        value = component.get(name)
        if isinstance(value, str) and quoted(value):
            return what.format(quoted(value))
    return "an event without UID or SUMMARY"


def _values(value: Any) -> Iterator[Any]:
    """The values of a date property, however icalendar holds it (one, a list, a list of lists)."""
    for one in value if isinstance(value, list) else [value]:
        try:
            dts = one.dts if hasattr(one, "dts") else [one]
            found = [getattr(leaf, "dt", leaf) for leaf in dts]
        except Exception:  # icalendar's reading of a broken value fails on access
            found = [None]
        yield from found


def _a(name: str) -> str:
    return f"an {name}" if name in {"EXDATE", "RDATE", "RRULE"} else f"a {name}"


def _known_zone(value: date) -> bool:
    """Whether a time's zone means the same on every machine (see `get_zone`).

    icalendar finds a TZID such as ``right/America/New_York`` in the machine's own
    zoneinfo folder, where there is one; zones a VTIMEZONE defines are not ZoneInfo.
    """
    zone = getattr(value, "tzinfo", None)
    if not isinstance(zone, ZoneInfo) or zone.key is None:
        return True
    try:
        get_zone(zone.key)
    except InputError:
        return False
    return True


def _time_problem(value: object) -> str | None:
    """What is wrong with one value of a date property, or ``None``."""
    if isinstance(value, tuple):
        value = value[0]  # a PERIOD's start
    if isinstance(value, time):
        return "that is a time of day without a date"
    if not isinstance(value, date):
        return "that is not a date or a date and time"
    if value.year not in YEARS:
        return f"outside the years {YEARS.start} to {YEARS.stop - 1}"
    if not _known_zone(value):
        return "whose TZID is not a zone the tzdata package ships"
    return None


def _unreadable(component: Any) -> str | None:
    """A property that decides when the event happens and that cannot be read, if any.

    icalendar notes what it could not parse in ``errors`` (before version 7 it also
    dropped it, so a broken RRULE left an event that happened once); an RRULE must be
    one that dateutil, which expands it, reads.
    """
    for name, _ in getattr(component, "errors", ()):
        if str(name).upper() in {*_TIMES, "DURATION", "RRULE"}:
            return str(name).upper()
    for name in ("DTEND", "DURATION"):
        value = component.get(name)
        if value is not None and not all(isinstance(v, date | timedelta) for v in _values(value)):
            return name
    rules = component.get("RRULE")
    if not all(map(_readable_rule, rules if isinstance(rules, list) else [rules] if rules else [])):
        return "RRULE"
    return None


def _problem(component: Any) -> str | None:
    """What makes a VEVENT unusable, said in the calendar's terms, or ``None``."""
    unreadable = _unreadable(component)
    if unreadable is not None:
        return f"has {_a(unreadable)} that cannot be read"
    for name in _ONCE:
        value = component.get(name)
        if isinstance(value, list):
            return f"has {len(value)} {name} properties, where RFC 5545 allows one"
    if component.get("DTSTART") is None:
        return "has no DTSTART"
    for name in _TIMES:
        value = component.get(name)
        for one in _values(value) if value is not None else ():
            problem = _time_problem(one)
            if problem is not None:
                return f"has {_a(name)} {problem}"
    return None


def _readable_rule(rule: Any) -> bool:
    """Whether dateutil, which expands it, reads the rule."""
    try:
        text = rule.to_ical().decode()
        with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
            parse_rrule(text, datetime(2000, 1, 1), UTC)  # noqa: DTZ001 - any wall-clock start
    except Exception:  # unreadable in any way: the message says so
        return False
    return True


def _occurrences(source: CalendarSource, horizon: Horizon, zone: tzinfo) -> Iterator[Any]:
    """Every instance near the horizon (cancelled ones left out), capped.

    Expansion covers the horizon and `_MARGIN` either side; callers keep what their own
    reading of the times puts inside it.
    """
    import recurring_ical_events  # type: ignore[import-untyped]  # noqa: PLC0415 - slow; only sources need it

    calendar = _usable(source)
    if horizon.end is None:
        for component in calendar.walk("VEVENT"):
            rule = component.get("RRULE")
            rules = rule if isinstance(rule, list) else [rule] if rule is not None else []
            if any("COUNT" not in r and "UNTIL" not in r for r in rules):
                raise source.origin.error(
                    f"{source.name}: {_label(component)} repeats without end "
                    "and needs a horizon end",
                    hint="set horizon.end in the team file, or pass --to",
                )
    start = (horizon.start or _EARLIEST) - _MARGIN
    end = (horizon.end or _LATEST) + _MARGIN
    _check_rule_sizes(source, calendar, end, zone)
    try:
        found = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:
        raise source.origin.error(
            f"{source.name}: {_culprit(calendar, start, end)} cannot be expanded"
        ) from exc
    for count, component in enumerate(found, start=1):
        if count > MAX_OCCURRENCES:
            raise source.origin.error(
                f"{source.name}: more than {MAX_OCCURRENCES:,} occurrences in the horizon",
                hint="use a shorter horizon (--from/--to)",
            )
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue
        yield component


def _usable(source: CalendarSource) -> Any:
    """The calendar with its VEVENTs tagged (see `_TAG`), broken cancelled ones left out.

    Raises:
        InputError: for a broken VEVENT that is not cancelled, naming it and what is wrong.
    """
    calendar: Any = source.calendar
    broken = []
    for index, component in enumerate(calendar.walk("VEVENT")):
        component[_TAG] = str(index)
        problem = _problem(component)
        if problem is None:
            continue
        if str(component.get("STATUS", "")).upper() != "CANCELLED":
            raise source.origin.error(f"{source.name}: {_label(component)} {problem}")
        broken.append(component)
    if not broken:
        return calendar
    kept = calendar.copy()
    kept.subcomponents = [c for c in calendar.subcomponents if all(c is not b for b in broken)]
    return kept


def _culprit(calendar: Any, start: datetime, end: datetime) -> str:
    """Which event breaks the expansion (each is expanded alone to find it), for messages."""
    import icalendar  # noqa: PLC0415 - only sources need it
    import recurring_ical_events  # noqa: PLC0415 - likewise

    for component in calendar.walk("VEVENT"):
        alone = icalendar.Calendar()
        for zone in calendar.walk("VTIMEZONE"):
            alone.add_component(zone)
        alone.add_component(component)
        try:
            recurring_ical_events.of(alone).between(start, end)
        except Exception:  # any failure names this event
            return f"{_label(component)} (its dates, times or recurrence rule)"
    return "the calendar"


def _check_rule_sizes(source: CalendarSource, calendar: Any, end: datetime, zone: tzinfo) -> None:
    """Refuse, quickly, a source whose series repeat more than the cap before ``end``.

    The series count together, RDATEs included: recurring-ical-events holds every
    occurrence of the calendar at once. Floating and all-day series are read in ``zone``,
    the team's. A rule that oncall's RRULE parser refuses is refused here, naming its
    event: it could not be counted.

    Counting with dateutil is some forty times faster than expanding, so a rule such as
    ``FREQ=SECONDLY`` fails in a moment instead of after a long expansion.
    """
    left = MAX_OCCURRENCES
    for component in calendar.walk("VEVENT"):
        rule = component.get("RRULE")
        rdates = component.get("RDATE")
        for listed in rdates if isinstance(rdates, list) else [rdates] if rdates else []:
            left -= len(getattr(listed, "dts", ()))
        if rule is None or component.get("DTSTART") is None:
            _check_left(source, component, left)
            continue
        for one in rule if isinstance(rule, list) else [rule]:
            if not one.to_ical().strip():
                continue  # an empty RRULE (some exports write one): no rule
            first = component["DTSTART"].dt
            local = (
                wall_clock(first, first.tzinfo or zone)
                if isinstance(first, datetime)
                else datetime.combine(first, datetime.min.time())
            )
            there = first.tzinfo if isinstance(first, datetime) and first.tzinfo else zone
            try:
                # dateutil deprecates COUNT with UNTIL; the reference reads such rules.
                with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
                    series = parse_rrule(one.to_ical().decode(), local, there)
                limit = wall_clock(end, there) + timedelta(days=1)
                within = itertools.takewhile(lambda moment: moment <= limit, series)  # noqa: B023 - used at once
                left -= sum(1 for _ in itertools.islice(within, max(left, 0) + 1))
            except InputError as exc:
                problem = exc.problem.removesuffix(", found")
                raise source.origin.error(
                    f"{source.name}: {_label(component)}: {problem}", hint=exc.hint
                ) from exc
            _check_left(source, component, left)


def _check_left(source: CalendarSource, component: Any, left: int) -> None:
    if left < 0:
        raise source.origin.error(
            f"{source.name}: {_label(component)} repeats more than "
            f"{MAX_OCCURRENCES:,} times in the horizon, with the calendar's other series "
            "(the occurrence budget of a calendar)",
            hint="use a shorter horizon (--from/--to)",
        )


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return generated_to_utc(value, zone)  # floating: the zone's wall clock
        return value.astimezone(UTC)
    return start_of_day(value, zone)


@dataclass(frozen=True, slots=True)
class _Origins:
    """The calendar's VEVENTs by their tag: where each occurrence comes from."""

    source: CalendarSource
    components: list[Any]
    periods: dict[tuple[int, tzinfo], dict[datetime, datetime]] = field(default_factory=dict)

    def of(self, occurrence: Any) -> tuple[int, Any]:
        index = int(str(occurrence[_TAG]))
        return index, self.components[index]

    def period_end(self, index: int, start: datetime, zone: tzinfo) -> datetime | None:
        """Where an ``RDATE;VALUE=PERIOD`` of component ``index`` starting at ``start`` ends."""
        key = (index, zone)
        if key not in self.periods:
            self.periods[key] = _periods(self.components[index], zone)
        return self.periods[key].get(start)


def _origins(source: CalendarSource) -> _Origins:
    calendar: Any = source.calendar
    return _Origins(source, calendar.walk("VEVENT"))


def _length(component: Any, zone: tzinfo) -> timedelta:
    """A component's elapsed length; zero for an instant.

    A DTEND before DTSTART counts as swapped, as recurring-ical-events reads it.
    """
    start = component["DTSTART"].dt
    if component.get("DTEND") is not None:
        return abs(_instant(component["DTEND"].dt, zone) - _instant(start, zone))
    if component.get("DURATION") is not None:
        length: timedelta = abs(component["DURATION"].dt)
        return length
    return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)


def _days(component: Any) -> int:
    """How many whole days an all-day component lasts: at least one."""
    start = component["DTSTART"].dt
    end = component.get("DTEND")
    days = 1
    if end is not None and not isinstance(end.dt, datetime):
        days = abs((end.dt - start).days)
    elif component.get("DURATION") is not None:
        days = abs(component["DURATION"].dt).days
    return max(days, 1)


def _periods(component: Any, zone: tzinfo) -> dict[datetime, datetime]:
    """A component's ``RDATE;VALUE=PERIOD`` values: start -> end, as instants."""
    rdates = component.get("RDATE")
    found: dict[datetime, datetime] = {}
    for value in _values(rdates) if rdates is not None else ():
        if isinstance(value, tuple):
            first, last = value
            start = _instant(first, zone)
            end = start + abs(last) if isinstance(last, timedelta) else _instant(last, zone)
            found.setdefault(start, max(end, start))
    return found


def _span(occurrence: Any, zone: tzinfo, origins: _Origins) -> tuple[datetime, datetime]:
    """An occurrence's ``[start, end)``.

    Its start is the expansion's; its length is that of the component it comes from, in
    elapsed time (an RDATE period has its own); all-day dates are whole days in ``zone``;
    an instant lasts `_INSTANT`.
    """
    index, origin = origins.of(occurrence)
    start_value = occurrence["DTSTART"].dt
    start = _instant(start_value, zone)
    if isinstance(start_value, datetime):
        end = origins.period_end(index, start, zone) or start + _length(origin, zone)
        end = max(end, start + _INSTANT)
    else:
        end = start_of_day(start_value + timedelta(days=_days(origin)), zone)
    if start.year not in YEARS or end.year not in YEARS:
        source = origins.source
        raise source.origin.error(
            f"{source.name}: {_label(origin)} has an occurrence outside the years "
            f"{YEARS.start} to {YEARS.stop - 1}"
        )
    return start, end


def _categories(component: Any) -> list[str]:
    found: list[str] = []
    values = component.get("CATEGORIES")
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        found += [str(c).strip().lower() for c in getattr(value, "cats", [value])]
    return found


def _kind_and_risk(component: Any, source: CalendarSource) -> tuple[EventKind, Risk]:
    categories = _categories(component)
    kinds = {str(k): k for k in EventKind}
    risks = {str(r): r for r in Risk}
    kind = source.kind or next((kinds[c] for c in categories if c in kinds), EventKind.OTHER)
    risk = source.risk or next(
        (
            risks[c.removeprefix("risk:").strip()]
            for c in categories
            if c.removeprefix("risk:").strip() in risks
        ),
        Risk.MODERATE,
    )
    return kind, risk


def compile_match(pattern: str) -> Any:
    """A ``match`` pattern compiled for RE2, which matches in time linear in the title.

    The pattern comes from a team file, which anyone can edit in a pull request; Python's
    backtracking ``re`` takes exponential time on some patterns (``^(a+)+$``), RE2 never
    does. It refuses what it cannot run that way (lookaround, backreferences). Matching
    ignores case.

    Raises:
        InputError: the pattern, and why RE2 cannot run it.
    """
    import re2  # type: ignore[import-untyped]  # noqa: PLC0415 - only sources with match need it

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args else "not valid"
        raise InputError(
            f"not a regular expression oncall can run ({reason}), found",
            value=pattern,
            hint="RE2 syntax: no lookaround or backreferences",
        ) from exc


def _events(team: Team, source: CalendarSource, horizon: Horizon) -> list[EventSpec]:
    zone = team.zone
    pattern = compile_match(source.match) if source.match else None
    specs = []
    seen: set[tuple[str, datetime, timedelta]] = set()
    origins = _origins(source)
    for component in _occurrences(source, horizon, zone):
        with _naming(component):
            spec = _event(team, source, component, pattern, origins=origins, horizon=horizon)
        if spec is None:
            continue
        if spec.source_uid is None:  # no identity: two such copies of one event are one
            if (spec.title, spec.start, spec.duration) in seen:
                continue
            seen.add((spec.title, spec.start, spec.duration))
        specs.append(spec)
    return specs


def _event(  # noqa: PLR0913 - the parts of one occurrence's reading
    team: Team,
    source: CalendarSource,
    component: Any,
    pattern: Any,
    *,
    origins: _Origins,
    horizon: Horizon,
) -> EventSpec | None:
    """One occurrence as an event, or ``None`` when it is not wanted."""
    title = quoted(component.get("SUMMARY", ""), MAX_TITLE) or "(untitled event)"
    if pattern is not None and not pattern.search(title):
        return None
    start, end = _span(component, team.zone, origins)
    if not horizon.contains(start):
        return None  # expansion reaches beyond the horizon (see _MARGIN)
    kind, risk = _kind_and_risk(component, source)
    recurrence = component.get("RECURRENCE-ID")
    return EventSpec(
        title=title,
        start=start,
        duration=end - start,
        timezone=team.timezone,
        kind=kind,
        risk=risk,
        origin=source.origin,
        source=source.name,
        source_uid=str(component.get("UID", "")) or None,
        recurrence_id=_recurrence_id(recurrence, team.zone, start),
    )


def _recurrence_id(recurrence: Any, zone: tzinfo, start: datetime) -> datetime:
    """Which occurrence of its series a component is: its RECURRENCE-ID, else its start.

    A RECURRENCE-ID with ``RANGE=THISANDFUTURE`` moves every later occurrence too, and the
    expansion gives each of those the same RECURRENCE-ID: there it names the change, not
    the occurrence, whose start then tells it apart.
    """
    if recurrence is None or str(recurrence.params.get("RANGE", "")).upper() == "THISANDFUTURE":
        return start
    return _instant(recurrence.dt, zone)


def _is_free(component: Any) -> bool:
    busy = str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if busy:
        return busy == "FREE"
    return str(component.get("TRANSP", "")).upper() == "TRANSPARENT"


class _Names:
    r"""The team's people by name, to find in an event's SUMMARY (``match_name``).

    A name is found where it stands on its own: at the start or after a character that is
    not part of a word, and at the end or before one (as ``(^|\W)name(\W|$)`` would
    find it, ignoring case). Rather than search for every name in every SUMMARY, each
    place a name could start is looked up once per length of name: the work grows with
    the SUMMARY and the number of different name lengths, not with the team.
    """

    _NOT_WORD: Final = re.compile(r"\W")

    def __init__(self, people: Sequence[Person]) -> None:
        self.by_name: dict[str, list[int]] = {}
        for index, person in enumerate(people):
            self.by_name.setdefault(person.name.lower(), []).append(index)
        self.lengths = sorted({len(name) for name in self.by_name})
        self.people = people

    def find(self, summary: str) -> list[Person]:
        """The people named in ``summary``, in team order."""
        text = summary.lower()
        edges = [0] + [m.end() for m in self._NOT_WORD.finditer(text)]
        ends = {len(text)} | {m.start() for m in self._NOT_WORD.finditer(text)}
        found: set[int] = set()
        for start in edges:
            for length in self.lengths:
                if start + length in ends:
                    found.update(self.by_name.get(text[start : start + length], ()))
        return [self.people[index] for index in sorted(found)]


def _people_of(
    component: Any, team: Team, source: CalendarSource, names: _Names | None
) -> Iterable[Person]:
    if source.person is not None:
        person = team.person(source.person)
        return [person] if person is not None else []
    if source.match_attendee:
        addresses = []
        for name in ("ATTENDEE", "ORGANIZER"):
            value = component.get(name)
            for address in (
                value if isinstance(value, list) else [value] if value is not None else []
            ):
                addresses.append(_EMAIL.sub("", str(address)).strip().lower())
        return [p for p in team.people if p.email and p.email.lower() in addresses]
    return names.find(str(component.get("SUMMARY", ""))) if names is not None else []


def _overlaps(horizon: Horizon, start: datetime, end: datetime) -> bool:
    return (horizon.start is None or end > horizon.start) and (
        horizon.end is None or start < horizon.end
    )


def _time_off(team: Team, source: CalendarSource, horizon: Horizon) -> list[TimeOff]:
    offs = []
    origins = _origins(source)
    names = _Names(team.people) if source.match_name else None
    for component in _occurrences(source, horizon, team.zone):
        if _is_free(component):
            continue
        with _naming(component):
            note = quoted(component.get("SUMMARY", ""), MAX_TITLE) or None
            for person in _people_of(component, team, source, names):
                start, end = _span(component, person.zone, origins)
                if _overlaps(horizon, start, end):  # expansion reaches beyond (_MARGIN)
                    offs.append(TimeOff(person.id, start, end, note))
    return offs
