"""Import a calendar as a user would, and the same calendar as recurring-ical-events reads it.

`import_calendar` is the one place tests import through a team file. `reference_import`
expands the same file with recurring-ical-events (the reference) and reads its
occurrences by the rules docs/how-to/import-calendars.md documents, written here again
on their own:

- floating times and all-day dates are the team's wall clock (for time off, the
  person's); a time a DST change skips or repeats reads with the offset from before it;
- an occurrence starts where the reference says; it lasts, in elapsed time, as long as the
  component it comes from (the reference adds that length on the wall clock), except an
  RDATE period, which has its own end or elapsed duration; an instant lasts one minute; an all-day
  occurrence is whole days, at least one;
- events are the occurrences that start inside the horizon, counted once per title,
  start and length; time off is what overlaps the horizon;
- cancelled occurrences are skipped, and so is free time (TRANSP:TRANSPARENT, or
  X-MICROSOFT-CDO-BUSYSTATUS:FREE) as time off.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypedDict, Unpack
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]

from oncall import expand_events, load_team
from oncall.sources import MAX_TITLE
from oncall.text import quoted

Span = tuple[datetime, datetime, str]
"""An imported occurrence: its start, its end and its title (events) or note (time off)."""

_TAG = "X-REFERENCE-INDEX"
_MINUTE = timedelta(minutes=1)


class Reading(TypedDict, total=False):
    """How a calendar is read: as time off (``pto``) or events, the team's zone, the horizon
    (inclusive dates, as the team file writes them)."""

    pto: bool
    timezone: str
    start: str
    end: str


def _reading(options: Reading) -> tuple[bool, str, str, str]:
    return (
        options.get("pto", False),
        options.get("timezone", "UTC"),
        options.get("start", "2026-01-01"),
        options.get("end", "2027-01-01"),
    )


def import_calendar(folder: Path, ics: str | bytes, **options: Unpack[Reading]) -> list[Span]:
    """The occurrences oncall imports from ``ics``, as events or as Ada's time off, sorted.

    Time off comes back without repeats (repeated time off is the same time off).
    """
    pto, timezone, start, end = _reading(options)
    data = ics.encode() if isinstance(ics, str) else ics
    (folder / "calendar.ics").write_bytes(data)
    source = "pto: [{person: ada, file: calendar.ics}]" if pto else "events: [calendar.ics]"
    (folder / "team.yaml").write_text(
        f"team: t\ntimezone: {timezone}\nhorizon: {{start: {start}, end: {end}}}\n"
        f"people: [{{id: ada, name: Ada}}]\nsources: {{{source}}}\n",
        encoding="utf-8",
    )
    team = load_team(folder / "team.yaml")
    if pto:
        return sorted({(o.start, o.end, o.note or "") for o in team.time_off})
    # The events as every command sees them: named, and each occurrence counted once.
    return sorted((e.start, e.end, e.title) for e in expand_events(team))


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone, fold=0)
    return value.astimezone(UTC)


def _elapsed(component: Any, zone: ZoneInfo) -> timedelta:
    start = component["DTSTART"].dt
    if "DTEND" in component:
        return abs(_instant(component["DTEND"].dt, zone) - _instant(start, zone))
    if "DURATION" in component:
        length: timedelta = abs(component["DURATION"].dt)
        return length
    return timedelta(0)


def _period_end(component: Any, start: datetime, zone: ZoneInfo) -> datetime | None:
    """The end of the RDATE period that starts at ``start``: its own end, or its start
    plus its duration in elapsed time (versions of the reference differ across DST)."""
    rdates = component.get("RDATE")
    for one in rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []:
        for leaf in one.dts:
            if isinstance(leaf.dt, tuple) and _instant(leaf.dt[0], zone) == start:
                first, last = leaf.dt
                if isinstance(last, timedelta):
                    return _instant(first, zone) + last
                return _instant(last, zone)
    return None


def _free(component: Any) -> bool:
    busy = str(component.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
    if busy:
        return busy == "FREE"
    return str(component.get("TRANSP", "")).upper() == "TRANSPARENT"


def reference_import(ics: str | bytes, **options: Unpack[Reading]) -> list[Span]:
    """What recurring-ical-events expands from ``ics``, read by the documented rules."""
    pto, timezone, start, end = _reading(options)
    zone = ZoneInfo(timezone)
    first = _instant(date.fromisoformat(start), zone)
    last = _instant(date.fromisoformat(end) + timedelta(days=1), zone)
    calendar = icalendar.Calendar.from_ical(ics)
    sources = calendar.walk("VEVENT")
    for index, component in enumerate(sources):
        component[_TAG] = str(index)
    found: set[Span] = set()
    identities: set[tuple[object, ...]] = set()
    spans: list[Span] = []
    margin = timedelta(days=2)
    for occurrence in recurring_ical_events.of(calendar).between(first - margin, last + margin):
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED" or (pto and _free(occurrence)):
            continue
        source = sources[int(str(occurrence[_TAG]))]
        begin = occurrence["DTSTART"].dt
        at = _instant(begin, zone)
        if not isinstance(begin, datetime):
            days = max((occurrence["DTEND"].dt - begin).days, 1)
            until = _instant(begin + timedelta(days=days), zone)
        else:
            until = _period_end(source, at, zone) or at + _elapsed(source, zone)
        until = max(until, at + _MINUTE) if isinstance(begin, datetime) else until
        summary = quoted(occurrence.get("SUMMARY", ""), MAX_TITLE)
        if pto:
            if until > first and at < last:
                found.add((at, until, summary))
            continue
        span = (at, until, summary or "(untitled event)")
        # One occurrence is its UID and RECURRENCE-ID (or start), as oncall identifies it;
        # without a UID, the same title and times are the same event.
        uid = str(occurrence.get("UID", ""))
        recurrence = occurrence.get("RECURRENCE-ID")
        ranged = recurrence is not None and recurrence.params.get("RANGE") == "THISANDFUTURE"
        when = _instant(recurrence.dt, zone) if recurrence is not None and not ranged else at
        key: tuple[object, ...] = ("uid", uid, when) if uid else span
        if first <= at < last and key not in identities:
            identities.add(key)
            spans.append(span)
    return sorted(found) if pto else sorted(spans)


def calendar(*events: str, head: str = "") -> str:
    """An iCalendar file around ``events`` (each the lines inside a VEVENT)."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    body = body.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n"
        f"{head}{body}END:VCALENDAR\r\n"
    )
