"""iCalendar sources -> risky events and time off, expanded within a horizon.

Teams keep release calendars and time off in calendar programs; the team file's
``sources`` names those exports. They are parsed when the team file is loaded (see
`oncall.load`) and expanded here, once the horizon is known, with
``recurring-ical-events`` (RRULE, RDATE, EXDATE, moved and cancelled instances):

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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Final

from oncall.errors import InputError, foreign_problem
from oncall.models import (
    CalendarSource,
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
from oncall.timeutil import check_year, generated_to_utc, start_of_day

__all__ = ["MAX_TITLE", "compile_match", "resolve_sources"]

MAX_TITLE: Final = 500
"""Imported titles and notes are cut to this many characters, as team-file text is."""

_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_INSTANT = timedelta(minutes=1)
"""How long an event with a start and no end (an instant) is taken to last."""
_EMAIL = re.compile(r"^mailto:", re.IGNORECASE)


def resolve_sources(team: Team, horizon: Horizon | None = None) -> Team:
    """The team with its iCalendar sources expanded into events and time off.

    Occurrences are those that start inside ``horizon`` (default: the team's); their
    ids come from SUMMARY and start, as for the team file. A team without sources comes
    back as it is.

    Raises:
        InputError: naming the file: an endless series without a horizon end, too many
            occurrences, or a broken component (by its UID).
    """
    horizon = horizon_of(team, horizon)
    if not team.sources:
        return team
    events = list(team.events)
    time_off = list(team.time_off)
    for source in team.sources:
        try:
            if source.pto:
                time_off += _time_off(team, source, horizon)
            else:
                events += _events(team, source, horizon)
        except InputError:
            raise
        except Exception as exc:  # a foreign file's broken value is the file's problem
            uid = getattr(exc, "oncall_uid", None)
            what = f"the event {uid}" if uid else "the calendar"
            problem = foreign_problem(exc)
            raise source.origin.error(f"{source.name}: {what} cannot be read ({problem})") from exc
    return replace(team, events=tuple(events), time_off=tuple(time_off), sources=())


def _uid(component: Any) -> str:
    """A component's UID to name it in a message: made safe, cut short; ``?`` if none."""
    return quoted(component.get("UID", "")) or "?"


@contextmanager
def _naming(component: Any) -> Iterator[None]:
    """Tag any failure inside with the component's UID, for the message."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        exc.oncall_uid = _uid(component)  # type: ignore[attr-defined]
        raise


def _occurrences(source: CalendarSource, horizon: Horizon, zone: tzinfo) -> Iterator[Any]:
    """Every instance in the horizon (cancelled ones left out), capped."""
    import recurring_ical_events  # type: ignore[import-untyped]  # noqa: PLC0415 - slow; only sources need it

    calendar: Any = source.calendar
    if horizon.end is None:
        for component in calendar.walk("VEVENT"):
            rule = component.get("RRULE")
            rules = rule if isinstance(rule, list) else [rule] if rule is not None else []
            if any("COUNT" not in r and "UNTIL" not in r for r in rules):
                raise source.origin.error(
                    f"{source.name}: the event {_uid(component)} repeats without end "
                    "and needs a horizon end",
                    hint="set horizon.end in the team file, or pass --to",
                )
    start = horizon.start or _EARLIEST
    end = horizon.end or _LATEST
    _check_rule_sizes(source, end, zone)
    try:
        found = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:
        raise source.origin.error(
            f"{source.name}: cannot expand the calendar ({foreign_problem(exc)})"
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


def _check_rule_sizes(source: CalendarSource, end: datetime, zone: tzinfo) -> None:
    """Refuse, quickly, a source whose series repeat more than the cap before ``end``.

    The series count together, RDATEs included: recurring-ical-events holds every
    occurrence of the calendar at once. Floating and all-day series are read in ``zone``,
    the team's. A rule that oncall's RRULE parser refuses is refused here, naming its
    event: it could not be counted.

    Counting with dateutil is some forty times faster than expanding, so a rule such as
    ``FREQ=SECONDLY`` fails in a moment instead of after a long expansion.
    """
    calendar: Any = source.calendar
    limit = end.replace(tzinfo=None) + timedelta(days=1)
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
            first = component["DTSTART"].dt
            local = (
                first.replace(tzinfo=None)
                if isinstance(first, datetime)
                else datetime.combine(first, datetime.min.time())
            )
            there = first.tzinfo if isinstance(first, datetime) and first.tzinfo else zone
            try:
                series = parse_rrule(one.to_ical().decode(), local, there)
                within = itertools.takewhile(lambda moment: moment <= limit, series)
                left -= sum(1 for _ in itertools.islice(within, max(left, 0) + 1))
            except InputError as exc:
                problem = exc.problem.removesuffix(", found")
                raise source.origin.error(
                    f"{source.name}: the event {_uid(component)}: {problem}", hint=exc.hint
                ) from exc
            _check_left(source, component, left)


def _check_left(source: CalendarSource, component: Any, left: int) -> None:
    if left < 0:
        raise source.origin.error(
            f"{source.name}: the event {_uid(component)} repeats more than "
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
class _Lengths:
    """Each series' elapsed length, and which instances were edited (keep their own)."""

    series: dict[str, timedelta]
    edited: set[tuple[str, datetime | date]]

    def of(self, component: Any, zone: tzinfo) -> timedelta | None:
        """The length an occurrence takes from its series, unless it was edited."""
        uid = str(component.get("UID", ""))
        recurrence = component.get("RECURRENCE-ID")
        if recurrence is not None and (uid, _key(recurrence.dt, zone)) in self.edited:
            return None
        return self.series.get(uid)


def _key(value: date | datetime, zone: tzinfo) -> datetime | date:
    return _instant(value, zone) if isinstance(value, datetime) else value


def _durations(source: CalendarSource, zone: tzinfo) -> _Lengths:
    """Each series' elapsed length, from its master event.

    Every occurrence lasts as long, in elapsed time, as the first (RFC 5545 says so of
    DTEND and of a DURATION in hours). The expansion's own DTEND adds the length on the
    wall clock, which is an hour off across a DST change.
    """
    lengths: dict[str, timedelta] = {}
    edited: set[tuple[str, datetime | date]] = set()
    calendar: Any = source.calendar
    for component in calendar.walk("VEVENT"):
        with _naming(component):
            _measure(component, zone, lengths, edited)
    return _Lengths(lengths, edited)


def _measure(
    component: Any,
    zone: tzinfo,
    lengths: dict[str, timedelta],
    edited: set[tuple[str, datetime | date]],
) -> None:
    """Note a series' length, or that an instance was edited."""
    recurrence = component.get("RECURRENCE-ID")
    if recurrence is not None:
        edited.add((str(component.get("UID", "")), _key(recurrence.dt, zone)))
        return
    if component.get("DTSTART") is None:
        return
    start = component["DTSTART"].dt
    if not isinstance(start, datetime):
        return  # all-day: whole days, taken from the dates themselves
    if component.get("DURATION") is not None:
        lengths[str(component.get("UID", ""))] = component["DURATION"].dt
    elif component.get("DTEND") is not None:
        length = _instant(component["DTEND"].dt, zone) - _instant(start, zone)
        lengths[str(component.get("UID", ""))] = length


def _span(
    component: Any, zone: tzinfo, source: CalendarSource, lengths: _Lengths
) -> tuple[datetime, datetime]:
    """A component's ``[start, end)``: all-day dates as whole days in ``zone``."""
    try:
        start_value = component["DTSTART"].dt
        start = _instant(start_value, zone)
        length = lengths.of(component, zone)
        if isinstance(start_value, datetime) and length is not None:
            end = start + length
        elif component.get("DTEND") is not None:
            end = _instant(component["DTEND"].dt, zone)
        elif component.get("DURATION") is not None:
            end = start + component["DURATION"].dt
        elif isinstance(start_value, datetime):
            end = start + _INSTANT
        else:
            end = _instant(start_value + timedelta(days=1), zone)
        check_year(start)
        check_year(end)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise source.origin.error(
            f"{source.name}: the event {_uid(component)} has no usable DTSTART or DTEND "
            f"({foreign_problem(exc)})"
        ) from exc
    if end <= start:
        end = start + _INSTANT
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
    lengths = _durations(source, zone)
    for component in _occurrences(source, horizon, team.zone):
        with _naming(component):
            spec = _event(team, source, component, pattern, lengths=lengths, horizon=horizon)
        if spec is None or (spec.title, spec.start, spec.duration) in seen:
            continue  # not wanted, or the same event twice (two copies of one invitation)
        seen.add((spec.title, spec.start, spec.duration))
        specs.append(spec)
    return specs


def _event(  # noqa: PLR0913 - the parts of one occurrence's reading
    team: Team,
    source: CalendarSource,
    component: Any,
    pattern: Any,
    *,
    lengths: _Lengths,
    horizon: Horizon,
) -> EventSpec | None:
    """One occurrence as an event, or ``None`` when it is not wanted."""
    title = quoted(component.get("SUMMARY", ""), MAX_TITLE) or "(untitled event)"
    if pattern is not None and not pattern.search(title):
        return None
    start, end = _span(component, team.zone, source, lengths)
    if not horizon.contains(start):
        return None  # it started before the horizon (expansion returns what overlaps it)
    kind, risk = _kind_and_risk(component, source)
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
    )


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


def _time_off(team: Team, source: CalendarSource, horizon: Horizon) -> list[TimeOff]:
    offs = []
    lengths = _durations(source, team.zone)
    names = _Names(team.people) if source.match_name else None
    for component in _occurrences(source, horizon, team.zone):
        if _is_free(component):
            continue
        with _naming(component):
            note = quoted(component.get("SUMMARY", ""), MAX_TITLE) or None
            for person in _people_of(component, team, source, names):
                start, end = _span(component, person.zone, source, lengths)
                offs.append(TimeOff(person.id, start, end, note))
    return offs
