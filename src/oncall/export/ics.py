"""Rotation -> iCalendar (RFC 5545): a team calendar, or one person's feed.

One VEVENT per shift, DTSTART and DTEND exactly the shift in the team's zone (with its
VTIMEZONE, see `oncall.export.vtimezone`). UIDs are uuid5 of the team, the person
(personal feeds) and the shift's start and end, so a change of people updates an event
in place, a change of time is a new event, and an unrelated change leaves every other
UID as it was. DTSTAMP is passed in (or derived): the same input gives the same bytes.

With the previous export, events whose content changed get a higher SEQUENCE and a new
LAST-MODIFIED, and events that are gone come back once more with ``STATUS:CANCELLED``, so
calendars that imported the file remove them.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

import icalendar

from oncall.errors import InputError, expect, foreign_problem
from oncall.export.vtimezone import transitions, vtimezone_lines, vtimezone_span
from oncall.models import Person, RiskyEvent, Rotation, Shift, Team, Window
from oncall.text import quoted
from oncall.timeutil import (
    SHIFT_YEARS,
    WallClock,
    as_duration,
    as_instant,
    check_year,
    format_basic,
    format_duration,
    generated_to_utc,
    is_ambiguous,
    local_date,
    to_local,
)
from oncall.windows import coverage_windows

__all__ = ["PRODID", "Previous", "read_previous", "shift_uid", "to_ics"]

PRODID = "-//oncall-coverage//oncall//EN"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:oncall-coverage:shift")
_REFRESH = timedelta(hours=1)
MAX_SEQUENCE = 2**31 - 1
"""RFC 5545's largest SEQUENCE (a signed 32-bit integer)."""


def shift_uid(team: Team, shift: Shift, person: str | None = None) -> str:
    """The UID of a shift's event: the same for the same team, person, start and end."""
    key = "\x1f".join((team.name, person or "", shift.start.isoformat(), shift.end.isoformat()))
    return _uuid5(key)


_NAMESPACE_BYTES: Final = _NAMESPACE.bytes
_VARIANT: Final = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(_NAMESPACE, name))`` without the `uuid.UUID` (a third of a UID's cost).

    RFC 4122 4.3: the SHA-1 of the namespace and the name, its first 16 octets with the
    version (5) and the variant (10) set: as hex digits, the 13th is 5 and the 17th is
    one of 8, 9, a, b.
    """
    text = hashlib.sha1(_NAMESPACE_BYTES + name.encode()).hexdigest()  # noqa: S324 - as RFC 4122 says
    return f"{text[:8]}-{text[8:12]}-5{text[13:16]}-{_VARIANT[text[16]]}{text[17:20]}-{text[20:32]}"


@dataclass(frozen=True, slots=True)
class _Earlier:
    sequence: int
    fingerprint: str
    last_modified: datetime | None
    end: datetime | None
    """As written: aware, or floating (read in the team's zone, see `_instant`)."""
    cancelled: bool
    component: icalendar.Component


@dataclass(frozen=True, slots=True)
class Previous:
    """The events of an earlier export, by UID."""

    events: Mapping[str, _Earlier]


def read_previous(data: bytes) -> Previous:
    """Read an earlier export (any iCalendar file; its VEVENTs by UID).

    Raises:
        InputError: when the data is not iCalendar.
    """
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise InputError(f"not an iCalendar file ({foreign_problem(exc)})") from exc
    events: dict[str, _Earlier] = {}
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", ""))
        if not uid:
            continue
        try:
            events[uid] = _earlier(component)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            problem = exc.message if isinstance(exc, InputError) else foreign_problem(exc)
            raise InputError(f"the event {quoted(uid)} is not usable ({problem})") from exc
    return Previous(events)


def _earlier(component: icalendar.Component) -> _Earlier:
    """One event of an earlier export; its times within the years oncall handles."""
    for name in ("DTSTART", "DTEND", "LAST-MODIFIED"):
        value = component.get(name)
        if value is not None:
            check_year(value.dt, SHIFT_YEARS)
    modified = component.get("LAST-MODIFIED")
    end = component.get("DTEND")
    end_time = end.dt if end is not None and isinstance(end.dt, datetime) else None
    try:
        sequence = int(component.get("SEQUENCE", 0))
    except ValueError:
        raise InputError("its SEQUENCE is not a whole number") from None
    last_modified = modified.dt if modified is not None else None
    if isinstance(last_modified, datetime) and last_modified.tzinfo is None:
        last_modified = last_modified.replace(tzinfo=UTC)  # RFC 5545: always UTC
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise InputError(f"its SEQUENCE {sequence} is not between 0 and {MAX_SEQUENCE}")
    return _Earlier(
        sequence=sequence,
        fingerprint=str(component.get("X-ONCALL-FINGERPRINT", "")),
        last_modified=last_modified,
        end=end_time,
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
        component=component,
    )


def _events_of(shift: Shift, options: _Options) -> list[RiskyEvent]:
    """The events a shift covers: its own list where it has one, else by time."""
    if shift.events:
        return [options.events[i] for i in shift.events if i in options.events]
    policy = options.team.policy
    index = max(bisect_right(options.window_starts, shift.start) - 1, 0)
    found = []
    for window in options.windows[index:]:  # disjoint and sorted: stop past the shift
        if window.start >= shift.end:
            break
        if shift.overlaps(window.start, window.end):
            found += [e for e in window.events if shift.overlaps(*policy.coverage(e))]
    return found


def _who(person: Person | None, person_id: str, *, with_email: bool) -> str:
    if person is None:
        return person_id
    if with_email and person.email:  # people are named with their emails, not invited
        return f"{person.name} <{person.email}>"
    return person.name


_ROLES: Final = ("primary", "secondary")


def _role(index: int) -> str:
    return _ROLES[index] if index < len(_ROLES) else f"{index + 1}th"


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Options:
    team: Team
    windows: Sequence[Window]
    stamp: datetime
    person: Person | None
    remind: timedelta | None
    previous: Previous | None
    events: Mapping[str, RiskyEvent]
    window_starts: Sequence[datetime]


def _text(value: str) -> str:
    r"""A TEXT value (RFC 5545 3.3.11): ``\``, ``;``, ``,`` and line breaks escaped.

    As icalendar escapes, but a written ``\N`` stays those two characters (icalendar
    reads it as a line break first).
    """
    return (
        value.replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


_FOLD: Final = 75
"""A content line is folded before it reaches this many octets (as icalendar folds)."""


def _fold(line: str) -> str:
    """Fold a content line as icalendar does: at most 74 octets a line.

    Never inside a UTF-8 sequence, and never right after a backslash or caret (an escape
    stays whole).
    """
    if len(line) < _FOLD and (line.isascii() or len(line.encode()) < _FOLD):
        return line
    pieces = []
    if line.isascii():  # one octet a character
        start, cut = 0, _FOLD - 1
        while cut < len(line):
            if line[cut - 1] in "\\^":
                cut -= 1
            pieces.append(line[start:cut])
            start = cut
            cut = start + _FOLD - 1
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode())
        if current and size + octets >= _FOLD:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else None
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried.encode()) if carried else 0
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


class _Writer:
    """Writes each VEVENT's content lines directly, in icalendar's order and bytes.

    Building every event as icalendar components and serialising them was nine tenths
    of an export. What only icalendar should decide is asked of it once per export: the
    ORGANIZER line (parameter quoting), the TZID parameter, the TRIGGER. What repeats
    from event to event is made once: the people's names, each local time's text (see
    `WallClock`). Tests compare the bytes with icalendar's for hostile text and parse
    every calendar back.
    """

    def __init__(self, options: _Options, clock: WallClock) -> None:
        self.options = options
        self.clock = clock
        team = options.team
        sample = icalendar.vDDDTypes(datetime(2000, 1, 1, tzinfo=team.zone))
        # "DTSTART;TZID=...:", as icalendar writes it; nothing for a zone it writes as UTC.
        self.local = {
            name: line.removesuffix("20000101T000000")
            for name in ("DTSTART", "DTEND")
            if not (line := _content_line(name, sample)).endswith("Z")
        }
        self.dtstamp = "DTSTAMP:" + format_basic(options.stamp)
        self.modified = "LAST-MODIFIED:" + format_basic(options.stamp)
        self.organizer = _fold(_content_line("ORGANIZER", _organizer(team)))
        self.trigger = None
        if options.remind is not None:
            self.trigger = _content_line("TRIGGER", icalendar.vDuration(-options.remind))
        self.names: dict[str, str] = {}
        self.on_call: dict[tuple[int, str], str] = {}
        self.categories: dict[tuple[str, ...], str] = {}

    def _moment(self, name: str, instant: datetime) -> str:
        local = self.clock.basic(instant) if name in self.local else None
        if local is None:  # a UTC zone, or the hour that clocks turn back (see `_moment`)
            return f"{name}:{format_basic(instant)}"
        return self.local[name] + local

    def _name(self, person_id: str) -> str:
        """A person's name in a summary (or their id, for someone not in the team)."""
        name = self.names.get(person_id)
        if name is None:
            name = self.names[person_id] = _who(
                self.options.team.person(person_id), person_id, with_email=False
            )
        return name

    def _on_call(self, index: int, person_id: str) -> str:
        """A line of a description for the ``index``th person on call."""
        line = self.on_call.get((index, person_id))
        if line is None:
            who = _who(self.options.team.person(person_id), person_id, with_email=True)
            line = self.on_call[index, person_id] = f"- {who} ({_role(index)})"
        return line

    def _covers(self, event: RiskyEvent) -> str:
        """A line of a description for an event the shift covers."""
        span = self.clock.span(event.start, event.end)
        return f"- {event.title} ({event.kind}, {event.risk}): {span}"

    def _categories(self, categories: tuple[str, ...]) -> str:
        """The CATEGORIES line (the same few for every event)."""
        line = self.categories.get(categories)
        if line is None:
            line = self.categories[categories] = _fold(
                "CATEGORIES:" + ",".join(map(_text, categories))
            )
        return line

    def _description(self, shift: Shift, events: Sequence[RiskyEvent]) -> str:
        lines = ["Covers:", *map(self._covers, events)] if events else []
        lines.append("On call:" if shift.people else "On call: nobody (left for a human to fill)")
        lines += [self._on_call(i, p) for i, p in enumerate(shift.people)]
        return "\n".join(lines)

    def event(self, shift: Shift, uid: str) -> str:
        """One shift's VEVENT, folded, each line ended by CRLF."""
        options = self.options
        organizer = options.team.email
        events = _events_of(shift, options)
        if options.person is not None:
            titles = dict.fromkeys(e.title for e in events)
            summary = "On call: " + (", ".join(titles) or "no event")
        else:
            summary = "On call: " + (", ".join(map(self._name, shift.people)) or "nobody")
        description = self._description(shift, events)
        categories = ["On call", *dict.fromkeys([str(e.kind) for e in events])]
        fingerprint = _fingerprint(
            summary, description, categories, shift.people, options.remind, organizer
        )
        sequence, modified = 0, options.stamp
        earlier = options.previous.events.get(uid) if options.previous else None
        if earlier is not None:
            changed = earlier.cancelled or earlier.fingerprint != fingerprint
            sequence = _raised(earlier, uid) if changed else earlier.sequence
            if not changed and earlier.last_modified is not None:
                modified = earlier.last_modified
        if modified is not options.stamp:
            last_modified = "LAST-MODIFIED:" + format_basic(modified)
        else:
            last_modified = self.modified
        alarm = ""
        if options.remind is not None and self.trigger is not None:
            text = _text(f"In {format_duration(options.remind)}: {summary}")
            alarm = (
                f"BEGIN:VALARM\r\nACTION:DISPLAY\r\n{_fold('DESCRIPTION:' + text)}\r\n"
                f"{self.trigger}\r\nEND:VALARM\r\n"
            )
        # icalendar's order: its canonical properties first, then the rest by name.
        # RFC 5546 wants one ORGANIZER and no ATTENDEE under METHOD:PUBLISH: the team's
        # email, or without one a URN that names the team. The UID is 36 hex digits and
        # hyphens: nothing to escape or fold.
        return (
            f"BEGIN:VEVENT\r\n{_fold('SUMMARY:' + _text(summary))}\r\n"
            f"{self._moment('DTSTART', shift.start)}\r\n{self._moment('DTEND', shift.end)}\r\n"
            f"{self.dtstamp}\r\nUID:{uid}\r\nSEQUENCE:{sequence}\r\n"
            f"{self._categories(tuple(categories))}\r\n"
            f"{_fold('DESCRIPTION:' + _text(description))}\r\n{last_modified}\r\n"
            f"{self.organizer}\r\nSTATUS:CONFIRMED\r\nTRANSP:TRANSPARENT\r\n"
            f"X-ONCALL-FINGERPRINT:{fingerprint}\r\n"
            f"{_fold('X-ONCALL-PEOPLE:' + ','.join(shift.people))}\r\n{alarm}END:VEVENT\r\n"
        )


def _instant(value: datetime, zone: tzinfo) -> datetime:
    """A time of an earlier export as UTC: a floating time is the team's wall clock."""
    return generated_to_utc(value, zone)


def _moment(instant: datetime, zone: tzinfo) -> datetime:
    """An instant in the team's zone, or in UTC where that local time happens twice.

    In the hour that clocks turn back, a local time names two instants. RFC 5545 says the
    first is meant; libical and ical.js take the second. UTC is the one form every client
    reads the same way.
    """
    local = to_local(instant, zone)
    return instant.astimezone(UTC) if is_ambiguous(local) else local


def _clock(zone: ZoneInfo, first: date, last: date) -> WallClock:
    """The wall clock of ``zone`` over the VTIMEZONE's years (its changes found once)."""
    start, end = vtimezone_span(first, last)
    return WallClock(zone, [change.at for change in transitions(zone, start, end)], start, end)


def _organizer(team: Team) -> icalendar.vCalAddress:
    if team.email:
        address = icalendar.vCalAddress(f"mailto:{team.email}")
    else:
        address = icalendar.vCalAddress(f"urn:uuid:{uuid.uuid5(_NAMESPACE, team.name)}")
    address.params["CN"] = team.name
    return address


def _content_line(name: str, value: object) -> str:
    """The content line icalendar writes for a property, unfolded."""
    return str(icalendar.Event().content_line(name, value))


_REPLACED = frozenset(
    {
        "BEGIN",
        "END",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SEQUENCE",
        "STATUS",
        "LAST-MODIFIED",
        "SUMMARY",
        "ATTENDEE",  # earlier versions invited people; a published feed may not
    }
)


def _raised(earlier: _Earlier, uid: str) -> int:
    """The SEQUENCE after ``earlier``'s: a change was made to the event ``uid``.

    Raises:
        InputError: when it is RFC 5545's largest already.
    """
    if earlier.sequence >= MAX_SEQUENCE:
        raise InputError(
            f"the earlier export's event {quoted(uid)} changed, and its SEQUENCE cannot be raised "
            f"above {MAX_SEQUENCE} (RFC 5545's largest)",
            hint="publish without --previous, as a new calendar",
        )
    return earlier.sequence + 1


def _tombstone(earlier: _Earlier, stamp: datetime, zone: tzinfo) -> icalendar.Component:
    """An earlier event, cancelled: the same UID and times, a higher SEQUENCE."""
    event = icalendar.Event()
    for name, value in earlier.component.property_items(recursive=False):
        if name not in _REPLACED:
            event.add(name, value, encode=False)
    for name in ("DTSTART", "DTEND"):
        moment = earlier.component.get(name)
        if moment is not None:
            when = moment.dt
            event.add(
                name, _moment(_instant(when, zone), zone) if isinstance(when, datetime) else when
            )
    event.add("dtstamp", stamp)
    event.add("summary", "Cancelled: " + str(earlier.component.get("SUMMARY", "on call")))
    event.add("status", "CANCELLED")
    event.add("sequence", _raised(earlier, str(earlier.component.get("UID", ""))))
    event.add("last-modified", stamp)
    return event


def _stamp(stamp: datetime | None, rotation: Rotation) -> datetime:
    """The DTSTAMP: ``stamp``, or the start of the first shift (the Unix epoch for none).

    Raises:
        TypeError: for a ``stamp`` that is no datetime.
        InputError: for a naive one, or one outside the years of shift times.
    """
    expect(stamp, (datetime, type(None)), "stamp")
    if stamp is None:
        return min((s.start for s in rotation.shifts), default=datetime.fromtimestamp(0, UTC))
    if stamp.utcoffset() is None:
        raise InputError("stamp must be a time-zone aware datetime, found", value=stamp)
    return check_year(stamp.astimezone(UTC), SHIFT_YEARS)  # type: ignore[return-value]


def to_ics(  # noqa: PLR0913 - keyword options that mirror the command's flags
    team: Team,
    rotation: Rotation,
    windows: Sequence[Window] | None = None,
    *,
    stamp: datetime | None = None,
    person: str | None = None,
    remind: timedelta | None = None,
    previous: Previous | None = None,
) -> bytes:
    """The rotation as an iCalendar file: the team's calendar, or ``person``'s feed.

    Args:
        team: the team (its zone, people, email).
        rotation: the shifts to publish.
        windows: the coverage windows, for the events each shift covers (default: the
            team's, over its horizon).
        stamp: the DTSTAMP of every event: the time of the export (the command passes
            the time now, or ``SOURCE_DATE_EPOCH``). Default: the start of the first
            shift (the Unix epoch for none), so that the bytes depend on the input alone.
        person: a person id for a personal feed: only their shifts.
        remind: add a reminder this long before each shift.
        previous: an earlier export, to raise SEQUENCE where events changed and cancel
            events that are gone.

    Raises:
        InputError: for an unknown ``person``, or a ``stamp`` without a zone.
    """
    expect(team, Team, "team")
    expect(rotation, Rotation, "rotation")
    stamp = _stamp(stamp, rotation)
    if windows is None:
        windows = coverage_windows(team)
    who = None
    if person is not None:
        who = team.person(person)
        if who is None:
            raise InputError("unknown person", value=person, path=("--person",))
    options = _Options(
        team,
        windows,
        # iCalendar times are whole seconds: a stamp such as datetime.now(UTC) is cut to them.
        as_instant(stamp.replace(microsecond=0) if isinstance(stamp, datetime) else stamp, "stamp"),
        who,
        None if remind is None else as_duration(remind),
        previous,
        {e.id: e for w in windows for e in w.events},
        [w.start for w in windows],
    )
    shifts = [s for s in rotation.shifts if who is None or who.id in s.people]

    calendar = icalendar.Calendar()
    name = f"{team.name} on call" + (f": {who.name}" if who else "")
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", team.timezone)
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(_REFRESH))

    uids = [shift_uid(team, shift, who.id if who else None) for shift in shifts]
    tombstones = []
    if previous is not None:
        current = set(uids)
        for uid, earlier in sorted(previous.events.items()):
            if uid in current:
                continue
            gone = earlier.end is None or _instant(earlier.end, team.zone) <= options.stamp
            if earlier.cancelled and gone:
                continue  # cancelled long ago: calendars have seen it
            kept = earlier.component if earlier.cancelled else None
            if kept is not None and "ATTENDEE" in kept:
                kept = _tombstone(earlier, options.stamp, team.zone)
            tombstones.append(kept or _tombstone(earlier, options.stamp, team.zone))

    zone = team.zone
    moments = [s.start for s in shifts] + [s.end for s in shifts] + [options.stamp]
    for event in tombstones:
        moments += [
            _instant(p.dt, zone)
            for p in (event.get("DTSTART"), event.get("DTEND"))
            if p is not None and isinstance(p.dt, datetime)
        ]
    first, last = local_date(min(moments), zone), local_date(max(moments), zone)
    timezone = icalendar.Timezone.from_ical("\r\n".join(vtimezone_lines(zone, first, last)))
    calendar.add_component(timezone)
    # Each event is written as soon as it is built, and dropped: a calendar of 100,000
    # shifts held as components at once took a gigabyte.
    # Into one buffer, not a list of pieces joined: the pieces were a second calendar.
    end = b"END:VCALENDAR\r\n"
    buffer = io.BytesIO()
    buffer.write(calendar.to_ical().removesuffix(end))
    writer = _Writer(options, _clock(zone, first, last))
    for shift, uid in zip(shifts, uids, strict=True):
        buffer.write(writer.event(shift, uid).encode())
    for event in tombstones:
        buffer.write(event.to_ical())
    buffer.write(end)
    return buffer.getvalue()  # the buffer itself, not a copy
