"""Risky events as written -> the occurrences inside a horizon, each with its id.

A recurring event expands in its zone's local wall-clock time (a weekly 20:00 deployment
stays at 20:00 across DST changes); generated times that a DST change skips or repeats
resolve as RFC 5545 says (`oncall.timeutil.generated_to_utc`). Each occurrence lasts
as long, in elapsed time, as the first.

Ids: an event with an ``id`` and no rule keeps it; every other occurrence is
``<id or slug of title>-<local date>``, with ``-HHMM`` added where two would collide.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Final

from oncall.errors import InputError
from oncall.models import EVENT_ORDER, EventSpec, Horizon, RiskyEvent, Team, horizon_of, occurrence
from oncall.timeutil import YEARS, generated_to_utc, local_date, wall_clock

if TYPE_CHECKING:
    from dateutil.rrule import rrule

__all__ = ["MAX_BARREN_YEARS", "MAX_OCCURRENCES", "expand_events", "parse_rrule", "slugify"]

MAX_OCCURRENCES = 100_000
"""The recurrence rules of a team (all of them together), or one calendar source, yielding
more occurrences than this up to the horizon's end is an input error."""
MAX_BARREN_YEARS = 100
"""A rule that finds no date in this many years in a row is an input error: dateutil
would otherwise search on to the year 9999 (seconds for each such rule)."""
_ORDINAL_LIMIT = {"MONTHLY": 5, "YEARLY": 53}
# The rule patterns are kept as strings, compiled by `re` (and cached there) on first use:
# only teams with recurrence rules need them.
_BYDAY_ORDINAL: Final = r"(?:^|;)BYDAY=([^;]*)"
_FREQ: Final = r"(?:^|;)FREQ=([A-Z]+)"
_COUNT: Final = r"(?:^|;)\s*COUNT\s*="
_UNTIL: Final = r"(?:^|;)\s*UNTIL\s*="
_SLOW_PARTS = {"SECONDLY": ("BYHOUR", "BYMINUTE"), "MINUTELY": ("BYHOUR",)}
"""Parts that dateutil meets by stepping through every second or minute of the day
(86,400 steps a day for ``FREQ=SECONDLY;BYHOUR=0``): the occurrence budget cannot bound
that work, so such rules are refused (a coarser FREQ says the same)."""
_INTERVAL: Final = r"(?:^|;)INTERVAL=([^;]*)"


@cache
def _bounded_rule() -> type[rrule]:
    """`_BoundedRule`, defined on first use: dateutil is imported only by teams with rules."""
    from dateutil.rrule import rrule  # noqa: PLC0415 - kept out of the start-up

    class _BoundedRule(rrule):
        """dateutil's rule, which gives up after `MAX_BARREN_YEARS` years without a date.

        dateutil's iterator searches year after year up to the year 9999 for a rule that
        never matches (``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``). It reads ``_byweekno`` each
        time it moves to another year: that read is counted, and the count starts again at
        every date found. Errors that dateutil raises while iterating a rule it accepted
        become input errors.
        """

        _barren = 0

        @property
        def _byweekno(self) -> object:
            self._barren += 1
            if self._barren > MAX_BARREN_YEARS:
                raise InputError(
                    f"the recurrence rule finds no date in {MAX_BARREN_YEARS} years (the budget "
                    "of a rule's search), found",
                    hint="check BYMONTH, BYMONTHDAY, BYYEARDAY, BYWEEKNO and BYDAY: "
                    "no date has them all (February 30, for example)",
                )
            return self.__dict__["_byweekno"]

        @_byweekno.setter
        def _byweekno(self, value: object) -> None:
            self.__dict__["_byweekno"] = value

        def _iter(self) -> Iterator[datetime]:
            self._barren = 0
            try:
                for value in super()._iter():  # type: ignore[misc]
                    self._barren = 0
                    yield value
            except InputError:
                raise
            except (ValueError, IndexError, OverflowError, TypeError) as exc:
                raise InputError(f"the recurrence rule cannot be expanded ({exc}), found") from exc

    return _BoundedRule


_UNTIL_UTC: Final = r"UNTIL=(\d{8}T\d{6})Z"
_BOUNDED: Final = r"(^|;)\s*(COUNT|UNTIL)\s*="


def slugify(text: str) -> str:
    """A lowercase ASCII slug: ``Travel Pay API deployment`` -> ``travel-pay-api-deployment``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "event"


def parse_rrule(
    text: str, dtstart: datetime, zone: tzinfo, *, path: tuple[str | int, ...] = ()
) -> rrule:
    """Parse an RFC 5545 RRULE value into a rule over naive wall-clock times in ``zone``.

    The series starts at ``dtstart``, a naive wall-clock time there. ``RRULE:`` may
    prefix the value. An ``UNTIL`` in UTC (``...Z``, as RFC 5545 asks of zoned series)
    becomes the wall-clock time in ``zone`` of that instant.

    Raises:
        InputError: when the rule is not a single valid RRULE.
    """

    def localise(match: re.Match[str]) -> str:
        try:
            until = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            return "UNTIL=" + wall_clock(until, zone).strftime("%Y%m%dT%H%M%S")
        except (ValueError, OverflowError) as exc:
            raise InputError(
                "invalid recurrence rule (UNTIL is no date and time in the years 1 to 9999)",
                value=text,
                path=path,
                hint="write UNTIL as YYYYMMDDTHHMMSSZ, for example 20271231T235959Z",
            ) from exc

    value = re.sub(_UNTIL_UTC, localise, text.strip(), flags=re.IGNORECASE)
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if not value or "\n" in value or ":" in value:
        raise InputError(
            "invalid recurrence rule",
            value=text,
            path=path,
            hint="write one RFC 5545 RRULE value such as FREQ=WEEKLY;BYDAY=TH",
        )
    _check_parts(value, text, path)
    from dateutil.rrule import rrule, rrulestr  # noqa: PLC0415 - kept out of the start-up

    try:
        rule = rrulestr(value, dtstart=dtstart)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(f"invalid recurrence rule ({exc})", value=text, path=path) from exc
    if not isinstance(rule, rrule):  # pragma: no cover - a single RRULE value gives an rrule
        raise InputError("invalid recurrence rule", value=text, path=path)
    rule.__class__ = _bounded_rule()  # the same rule, iterated under a budget
    return rule


def _check_parts(value: str, text: str, path: tuple[str | int, ...]) -> None:
    """Refuse what dateutil accepts but cannot iterate: INTERVAL=-1, MONTHLY;BYDAY=53MO.

    And COUNT with UNTIL, which RFC 5545 forbids and dateutil is deprecating.
    """
    if re.search(_COUNT, value, re.IGNORECASE) and re.search(_UNTIL, value, re.IGNORECASE):
        raise InputError(
            "invalid recurrence rule (COUNT or UNTIL, not both: RFC 5545)", value=text, path=path
        )
    freq = re.search(_FREQ, value, re.IGNORECASE)
    freq_name = freq.group(1).upper() if freq else ""
    for part in _SLOW_PARTS.get(freq_name, ()):
        if re.search(rf"(?:^|;)\s*{part}\s*=", value, re.IGNORECASE):
            raise InputError(
                f"invalid recurrence rule (FREQ={freq_name} with {part} steps through every "
                "second or minute between the hours it keeps: oncall takes no such rule)",
                value=text,
                path=path,
                hint="write it with a coarser FREQ, such as FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
            )
    for part, top in (("BYHOUR", 23), ("BYMINUTE", 59), ("BYSECOND", 59)):
        found = re.search(rf"(?:^|;)\s*{part}\s*=([^;]*)", value, re.IGNORECASE)
        numbers = found.group(1).split(",") if found else []
        if any(not n.strip().isdigit() or int(n) > top for n in numbers):
            raise InputError(
                f"invalid recurrence rule ({part} values are 0 to {top})", value=text, path=path
            )
    interval = re.search(_INTERVAL, value, re.IGNORECASE)
    if interval and not (interval.group(1).strip().isdigit() and int(interval.group(1)) > 0):
        raise InputError(
            "invalid recurrence rule (INTERVAL must be a whole number above zero)",
            value=text,
            path=path,
        )
    limit = _ORDINAL_LIMIT.get(freq_name, 0)
    byday = re.search(_BYDAY_ORDINAL, value, re.IGNORECASE)
    if byday:
        for day in byday.group(1).split(","):
            number = re.match(r"\s*([+-]?\d+)", day)
            if number and not (limit and 0 < abs(int(number.group(1))) <= limit):
                raise InputError(
                    "invalid recurrence rule (a numbered BYDAY such as 2TH is -5 to 5 in a "
                    "MONTHLY rule, -53 to 53 in a YEARLY one, and nowhere else)",
                    value=text,
                    path=path,
                )


def _local_rule(spec: EventSpec) -> tuple[rrule, bool]:
    """The spec's rule over naive local times, and whether it ends by itself."""
    assert spec.rrule is not None  # noqa: S101 - callers check
    zone = spec.zone
    local_start = wall_clock(spec.start, zone)
    try:
        rule = parse_rrule(spec.rrule, local_start, zone)
    except InputError as exc:
        raise spec.origin.child("rrule").error(exc.problem, exc.value, exc.hint) from exc
    return rule, bool(
        re.search(_BOUNDED, spec.rrule.strip().upper().removeprefix("RRULE:"), re.IGNORECASE)
    )


class _Exdates:
    """A spec's exdates, and which of them an occurrence has matched so far.

    A naive exdate is a local wall-clock time, an aware one an instant, a date a whole day.
    """

    def __init__(self, spec: EventSpec) -> None:
        self.spec = spec
        self.unmatched = dict(enumerate(spec.exdates))
        self._by_key: dict[object, list[int]] = {}
        for index, value in self.unmatched.items():
            key = value.astimezone(UTC) if isinstance(value, datetime) and value.tzinfo else value
            self._by_key.setdefault(key, []).append(index)

    def skip(self, local: datetime, start: datetime) -> bool:
        """Whether the occurrence at ``local`` (``start`` in UTC) is excluded; note matches."""
        found = False
        for key in (local, start, local.date()):
            for index in self._by_key.get(key, ()):
                self.unmatched.pop(index, None)
                found = True
        return found

    def _local(self, value: date | datetime) -> datetime:
        """The latest local time ``value`` can match: a date's last moment."""
        if isinstance(value, datetime):
            return wall_clock(value, self.spec.zone) if value.tzinfo else value
        return datetime.combine(value, datetime.max.time())

    def latest(self) -> datetime | None:
        """The latest local time an unmatched exdate may still match, if any remain."""
        return max(map(self._local, self.unmatched.values()), default=None)

    def check(self, before: datetime | None = None) -> None:
        """Refuse an exdate that matched no occurrence: a typo must not pass silently.

        With ``before`` (a local time), only exdates before it are judged.

        Raises:
            InputError: at the first such exdate.
        """
        for index, value in sorted(self.unmatched.items()):
            if before is not None and self._local(value) >= before:
                continue
            raise self.spec.origin.child("exdates", index).error(
                "matches no occurrence of the event, found",
                value.isoformat(),
                hint="an exdate is the local date and time of an occurrence "
                "(or a date, for every occurrence that day)",
            )


class _Budget:
    """Occurrences yielded so far by all the rules of a team, against `MAX_OCCURRENCES`."""

    def __init__(self) -> None:
        self.used = 0


def _local_series(spec: EventSpec, horizon: Horizon) -> tuple[Iterable[datetime], str]:
    """The spec's occurrences as naive local times, and the rule text for messages."""
    if spec.rrule is None:
        return [wall_clock(spec.start, spec.zone)], ""
    rule, bounded = _local_rule(spec)
    if not bounded and horizon.end is None:
        raise spec.origin.child("rrule").error(
            "a recurrence rule with neither COUNT nor UNTIL needs a horizon end, found",
            spec.rrule,
            hint="add COUNT or UNTIL, set horizon.end in the team file, or pass --to",
        )
    return rule, spec.rrule


def _starts(spec: EventSpec, horizon: Horizon, budget: _Budget) -> Iterable[datetime]:
    """`_series_starts`, any error placed at the spec's ``rrule``.

    An event that happens once (100,000s in a large team) is its start, without generators.
    """
    if spec.rrule is None and not spec.exdates:
        return (spec.start,)
    return _placed_starts(spec, horizon, budget)


def _placed_starts(spec: EventSpec, horizon: Horizon, budget: _Budget) -> Iterator[datetime]:
    try:
        yield from _series_starts(spec, horizon, budget)
    except InputError as exc:
        if exc.path:
            raise
        raise spec.origin.child("rrule").error(exc.problem, spec.rrule, exc.hint) from exc


def _series_starts(spec: EventSpec, horizon: Horizon, budget: _Budget) -> Iterator[datetime]:
    """The UTC starts of a spec's occurrences, up to the horizon's end.

    Two generated times that a DST gap moves onto the same instant are one occurrence
    (RFC 5545's recurrence set has no duplicates). Every exdate must match an occurrence:
    the series is followed past the horizon as far as the latest exdate to tell.
    """
    series, text = _local_series(spec, horizon)
    exdates = _Exdates(spec)
    zone = spec.zone
    ahead = 0
    previous = None
    for local in series:
        if local.year not in YEARS:
            raise spec.origin.child("rrule").error(
                f"the recurrence rule runs past the year {YEARS.stop - 1}",
                text,
                hint="give it a COUNT or an UNTIL, or set a horizon end",
            )
        start = generated_to_utc(local, zone)
        beyond = horizon.end is not None and start >= horizon.end
        if beyond:
            latest = exdates.latest()
            if latest is None or local > latest:
                break  # no exdate is left to match further on
            ahead += 1
            if ahead > MAX_OCCURRENCES:
                exdates.check(before=local)  # those further on cannot be told in time
                return
            exdates.skip(local, start)
            continue
        budget.used += 1
        if budget.used > MAX_OCCURRENCES:
            raise spec.origin.child("rrule").error(
                f"the recurrence rules together yield more than {MAX_OCCURRENCES:,} "
                "occurrences up to the horizon's end (the occurrence budget; this rule "
                "passed it), found",
                text,
                hint="use a shorter horizon (--from/--to, horizon.end), fewer or coarser "
                "rules, or a COUNT or UNTIL",
            )
        if exdates.skip(local, start) or start == previous:
            continue
        previous = start
        yield start
    exdates.check()


_Draft = tuple[EventSpec, datetime, str, bool]
"""An occurrence before it is named: its event, start, id so far, whether the id is fixed."""


Identity = tuple[str, ...]
"""What makes two occurrences the same: the iCalendar UID and the RECURRENCE-ID (or start)."""


def expand_events(team: Team, horizon: Horizon | None = None) -> list[RiskyEvent]:
    """Every occurrence of the team's events that starts inside ``horizon``, sorted.

    ``horizon`` defaults to the team's. Ids are derived over every occurrence up to the
    horizon's end, so moving the horizon's start never renames an event.

    An occurrence imported from a calendar is one event per UID and RECURRENCE-ID (or
    start): found again in another calendar, or in the team file (an event with that
    ``uid``), it counts once, and `RiskyEvent.sources` lists every file it is in. Its id
    is derived from its title and local date; where that is taken, the local time is
    added, then a short digest of its UID and RECURRENCE-ID. Ids written in the team
    file are never changed.

    Raises:
        InputError: an endless rule without a horizon end, a rule that yields too many
            occurrences, two team-file events that end up with the same id, or a
            horizon beyond the one the team's calendar sources were read for.
    """
    horizon = horizon_of(team, horizon)
    if team.sources and not team.horizon.covers(horizon):
        raise InputError(
            "the team's calendar sources were read for a shorter horizon than",
            value=_describe(horizon),
            hint=f"they were read for {_describe(team.horizon)}; load the team again with "
            "this horizon: load_team(path, horizon=...)",
        )
    budget = _Budget()
    written: list[_Draft] = []
    imported: list[_Draft] = []
    for spec in team.events:
        base = spec.id or slugify(spec.title)
        fixed = spec.id is not None and spec.rrule is None
        for start in _starts(spec, horizon, budget):
            name = base if fixed else f"{base}-{local_date(start, spec.zone).isoformat()}"
            (written if spec.source is None else imported).append((spec, start, name, fixed))
    names = _unique_names(written)
    found: dict[Identity, list[str]] = {}  # identity -> every file the occurrence is in
    kept: list[tuple[_Draft, Identity | None]] = []
    for draft in written:
        spec, start = draft[0], draft[1]
        identity = (spec.source_uid, start.isoformat()) if spec.source_uid else None
        if identity is not None and identity not in found:
            found[identity] = [spec.origin.file or "team file"]
        kept.append((draft, identity))
    fresh: list[tuple[_Draft, Identity]] = []
    for draft in imported:
        key = _identity(draft[0])
        if key in found:  # the same occurrence again: counted once
            if draft[0].source not in found[key]:
                found[key].append(str(draft[0].source))
            continue
        found[key] = [str(draft[0].source)]
        fresh.append((draft, key))
    names += _imported_names(fresh, taken=set(names))
    kept += fresh
    events = [
        occurrence(
            start,
            start + spec.duration,
            name,
            spec.title,
            spec.kind,
            spec.risk,
            spec.timezone,
            spec.origin,
            spec.source,
            spec.source_uid,
            tuple(found[identity]) if identity is not None else (),
        )
        for ((spec, start, _, _), identity), name in zip(kept, names, strict=True)
        if horizon.contains(start)
    ]
    events.sort(key=EVENT_ORDER)
    return events


def _describe(horizon: Horizon) -> str:
    start = horizon.start.isoformat() if horizon.start else "the beginning"
    end = horizon.end.isoformat() if horizon.end else "no end"
    return f"{start} .. {end}"


def _identity(spec: EventSpec) -> Identity:
    """An imported occurrence's identity: UID and RECURRENCE-ID, else its file and content."""
    moment = (spec.recurrence_id or spec.start).isoformat()
    if spec.source_uid:
        return (spec.source_uid, moment)
    return (str(spec.source), spec.title, moment, str(spec.duration))


def _imported_names(drafts: list[tuple[_Draft, Identity]], taken: set[str]) -> list[str]:
    """Imported occurrences' ids: unique among themselves and unlike any in ``taken``."""

    def clock(draft: _Draft, _identity: Identity) -> str:
        return wall_clock(draft[1], draft[0].zone).strftime("%H%M")

    def digest(_draft: _Draft, identity: Identity) -> str:
        import hashlib  # noqa: PLC0415 - only imported calendars' events need it

        return hashlib.sha256("\n".join(identity).encode()).hexdigest()[:8]

    names = [draft[2] for draft, _ in drafts]
    for suffix in (clock, digest):
        count = Counter(names)
        names = [
            f"{name}-{suffix(draft, identity)}" if count[name] > 1 or name in taken else name
            for name, (draft, identity) in zip(names, drafts, strict=True)
        ]
    return names


def _unique_names(drafts: Iterable[_Draft]) -> list[str]:
    """Add ``-HHMM`` to derived ids that collide; refuse ids that still collide."""
    drafts = list(drafts)
    names = [name for _, _, name, _ in drafts]
    if len(set(names)) == len(names):
        return names  # the common case: no two alike
    by_name: defaultdict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        by_name[name].append(index)
    for indexes in by_name.values():
        if len(indexes) > 1:
            for index in indexes:
                spec, start, name, fixed = drafts[index]
                if not fixed:
                    names[index] = f"{name}-{wall_clock(start, spec.zone).strftime('%H%M')}"
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            first = drafts[seen[name]][0]
            spec = drafts[index][0]
            raise spec.origin.error(
                "two events have the same id",
                name,
                hint=f"so does the event at {first.origin.describe() or first.title}; "
                "give one of them another id",
            )
        seen[name] = index
    return names
