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

The VTIMEZONE is exact over the years a calendar spans (and one year either side):

- a first observance gives the offset in force before the first change, so that a zone
  with one permanent change (Europe/Moscow in 2014) is right on both sides of it;
- changes that repeat on the same rule in consecutive years share one component with a
  yearly RRULE; the rule is open-ended only when the zone keeps following it after the
  span, else it ends with an ``UNTIL`` just after its last change, so clients do not
  apply daylight saving time forever in zones that abolished it (America/Asuncion,
  America/Sao_Paulo, Europe/Istanbul);
- any other change gets a component of its own (no RRULE).

``UNTIL`` is written in UTC, as RFC 5545 asks, one day after the last change: readers
that take it as local time (dateutil's ``tzical``) include that change too, and no zone
changes the same way twice in one day.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["Transition", "transitions", "vtimezone_lines", "vtimezone_span"]

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LOOKAHEAD = 3
"""Years after the span in which a yearly rule must go on for it to stay open-ended."""


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

    def key(self) -> tuple[object, ...]:
        """What a yearly component states: its rule, offsets, name and kind."""
        return (self.rule(), self.before, self.after, self.name, self.dst)


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


@lru_cache(maxsize=16)  # a VTIMEZONE's, then the export's wall clock (`oncall.timeutil.WallClock`)
def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> tuple[Transition, ...]:
    """Every change of offset in ``[start, end)``, to the second."""
    found = []
    step = timedelta(days=1)
    cursor = start
    offset = _offset(zone, cursor)
    while cursor < end:
        following = min(cursor + step, end)
        new = _offset(zone, following)
        if new != offset:
            low, high = cursor, following  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = (low + (high - low) / 2).replace(microsecond=0)
                if _offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            local = high.astimezone(zone)
            found.append(Transition(high, offset, new, local.tzname() or "", bool(local.dst())))
            offset = new
        cursor = following
    return tuple(found)


def _fmt_offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    minutes, rest = divmod(abs(seconds), 60)
    text = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return text + (f"{rest:02d}" if rest else "")


def _component(change: Transition, rrule: str | None) -> list[str]:
    lines = [
        f"BEGIN:{'DAYLIGHT' if change.dst else 'STANDARD'}",
        f"DTSTART:{change.local.strftime('%Y%m%dT%H%M%S')}",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    return [
        *lines,
        f"TZOFFSETFROM:{_fmt_offset(change.before)}",
        f"TZOFFSETTO:{_fmt_offset(change.after)}",
        f"TZNAME:{change.name}",
        f"END:{'DAYLIGHT' if change.dst else 'STANDARD'}",
    ]


def _yearly_runs(changes: Sequence[Transition]) -> list[list[Transition]]:
    """The changes grouped into runs: the same rule in consecutive years, in order."""
    runs: list[list[Transition]] = []
    open_runs: dict[tuple[object, ...], list[Transition]] = {}
    for change in changes:
        key = change.key()
        run = open_runs.get(key)
        if run is not None and run[-1].local.year + 1 == change.local.year:
            run.append(change)
            continue
        run = [change]
        open_runs[key] = run
        runs.append(run)
    return runs


def vtimezone_span(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants whose changes of offset a VTIMEZONE from ``first`` to ``last`` states."""
    # From a year early: the first rule's onset must come before the first event.
    return datetime(first.year - 1, 1, 1, tzinfo=UTC), datetime(
        last.year + 1, 1, 1, tzinfo=UTC
    ) + timedelta(days=1)


def vtimezone_lines(zone: ZoneInfo, first: date, last: date) -> list[str]:
    """The lines of a VTIMEZONE for ``zone`` that is exact from ``first`` to ``last``."""
    start, end = vtimezone_span(first, last)
    changes = transitions(zone, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    local_start = start.astimezone(zone)
    initial = Transition(
        at=start,
        before=_offset(zone, start),
        after=_offset(zone, start),
        name=local_start.tzname() or zone.key,
        dst=bool(local_start.dst()),
    )
    if not changes:
        epoch = datetime(1970, 1, 1, tzinfo=UTC) - initial.before  # DTSTART 19700101T000000
        lines += _component(replace(initial, at=epoch), None)
        return [*lines, "END:VTIMEZONE"]
    lines += _component(initial, None)
    following = {c.key() for c in transitions(zone, end, end.replace(year=end.year + _LOOKAHEAD))}
    for run in _yearly_runs(changes):
        if len(run) == 1:
            lines += _component(run[0], None)
            continue
        month, day, _ = run[0].rule()
        rrule = f"FREQ=YEARLY;BYMONTH={month};BYDAY={day}"
        if run[-1].local.year < last.year or run[0].key() not in following:
            until = run[-1].at + timedelta(days=1)
            rrule += f";UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"
        lines += _component(run[0], rrule)
    return [*lines, "END:VTIMEZONE"]
