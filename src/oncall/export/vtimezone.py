"""A VTIMEZONE with yearly RRULE-based STANDARD and DAYLIGHT rules, built from zoneinfo.

``icalendar``'s ``Timezone.from_tzinfo`` writes one component per offset with a list of
RDATEs, and puts each daylight component's DTSTART at the new local time; ical.js
(Thunderbird) and vobject read such zones an hour off. Clients agree on the classic
shape, which is what this module writes:

    BEGIN:DAYLIGHT
    DTSTART:20260308T020000          <- the local time just before the change
    RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
    TZOFFSETFROM:-0500
    TZOFFSETTO:-0400
    TZNAME:EDT
    END:DAYLIGHT

When a zone's rule changed within the years a calendar spans, each change gets its own
component (no RRULE), which is exact for the span.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["Transition", "transitions", "vtimezone_lines"]

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of UTC offset: at ``at`` (UTC) the zone goes from ``before`` to ``after``."""

    at: datetime
    before: timedelta
    after: timedelta
    name: str
    dst: bool

    @property
    def local(self) -> datetime:
        """The wall-clock time just before the change (how VTIMEZONE writes DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)

    def rule(self) -> tuple[int, str, str]:
        """``(month, BYDAY, time)``: e.g. ``(3, "2SU", "020000")`` or ``(10, "-1SU", ...)``."""
        local = self.local
        days_in_month = calendar.monthrange(local.year, local.month)[1]
        week = -1 if local.day + 7 > days_in_month else (local.day - 1) // 7 + 1
        return (local.month, f"{week}{_DAYS[local.weekday()]}", local.strftime("%H%M%S"))


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[Transition]:
    """Every change of offset in ``[start, end)``, to the minute."""
    found = []
    step = timedelta(days=1)
    cursor = start
    offset = _offset(zone, cursor)
    while cursor < end:
        following = min(cursor + step, end)
        new = _offset(zone, following)
        if new != offset:
            low, high = cursor, following  # the change is in (low, high]
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            at = high.replace(second=0, microsecond=0)
            if _offset(zone, at) == offset:
                at += timedelta(minutes=1)
            local = at.astimezone(zone)
            found.append(Transition(at, offset, new, local.tzname() or "", bool(local.dst())))
            offset = new
        cursor = following
    return found


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _component(  # noqa: PLR0913, PLR0917 - the six fields of an observance
    kind: str,
    dtstart: datetime,
    before: timedelta,
    after: timedelta,
    name: str,
    rrule: str | None,
) -> list[str]:
    lines = [f"BEGIN:{kind}", f"DTSTART:{dtstart.strftime('%Y%m%dT%H%M%S')}"]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines += [
        f"TZOFFSETFROM:{_fmt_offset(before)}",
        f"TZOFFSETTO:{_fmt_offset(after)}",
        f"TZNAME:{name}",
        f"END:{kind}",
    ]
    return lines


def vtimezone_lines(zone: ZoneInfo, first: date, last: date) -> list[str]:
    """The lines of a VTIMEZONE for ``zone`` that is exact from ``first`` to ``last``."""
    # From a year early: the first rule's onset must come before the first event.
    start = datetime(first.year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last.year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    changes = transitions(zone, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    if not changes:
        offset = _offset(zone, start)
        name = start.astimezone(zone).tzname() or zone.key
        epoch = datetime(1970, 1, 1)  # noqa: DTZ001 - a VTIMEZONE's DTSTART is local time
        lines += _component("STANDARD", epoch, offset, offset, name, None)
        return [*lines, "END:VTIMEZONE"]
    by_kind: dict[bool, list[Transition]] = {True: [], False: []}
    for change in changes:
        by_kind[change.dst].append(change)
    regular = all(
        len({(c.rule(), c.before, c.after, c.name) for c in group}) == 1
        for group in by_kind.values()
        if group
    ) and len(by_kind[True]) == len({c.local.year for c in by_kind[True]})
    if regular:
        for dst in (True, False):
            group = by_kind[dst]
            if not group:
                continue
            month, day, _ = group[0].rule()
            rrule = f"FREQ=YEARLY;BYMONTH={month};BYDAY={day}"
            first_change = group[0]
            lines += _component(
                "DAYLIGHT" if dst else "STANDARD",
                first_change.local,
                first_change.before,
                first_change.after,
                first_change.name,
                rrule,
            )
    else:
        before = changes[0]
        lines += _component(
            "DAYLIGHT" if bool(start.astimezone(zone).dst()) else "STANDARD",
            (start + before.before).replace(tzinfo=None),
            before.before,
            before.before,
            start.astimezone(zone).tzname() or zone.key,
            None,
        )
        for change in changes:
            lines += _component(
                "DAYLIGHT" if change.dst else "STANDARD",
                change.local,
                change.before,
                change.after,
                change.name,
                None,
            )
    return [*lines, "END:VTIMEZONE"]
