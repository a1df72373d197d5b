"""The VTIMEZONE that exports carry, read back by parsers this project did not write.

For every zone that ``zoneinfo`` knows and spans between 1970 and 2037, dateutil's
``tzical`` and icalendar's own reading of the component (``Timezone.get_transitions``)
must give the UTC offset that ``zoneinfo`` gives, at every change and at random instants.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import pytest
from dateutil.tz import tzical
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall.export.vtimezone import transitions, vtimezone_lines

ZONES = sorted(available_timezones())


class _Readings:
    """One emitted VTIMEZONE, as tzical and icalendar read it."""

    def __init__(self, zone: ZoneInfo, first: date, last: date) -> None:
        text = "\r\n".join(vtimezone_lines(zone, first, last)) + "\r\n"
        self.text = text
        read = tzical(io.StringIO(text)).get()
        assert read is not None
        self.tzical: tzinfo = read
        component = icalendar.Timezone.from_ical(text)
        assert isinstance(component, icalendar.Timezone)
        times, info = component.get_transitions()
        self.times = [t.replace(tzinfo=UTC) for t in times]
        self.offsets: list[timedelta] = [offset for offset, _, _ in info]

    def tzical_offset(self, instant: datetime, zone: ZoneInfo) -> timedelta | None:
        """tzical's offset for the wall time (and fold) that ``zone`` shows at ``instant``."""
        local = instant.astimezone(zone)
        wall = local.replace(tzinfo=self.tzical)
        return wall.utcoffset()

    def icalendar_offset(self, instant: datetime) -> timedelta:
        index = bisect_right(self.times, instant) - 1
        assert index >= 0, "no observance before the instant"
        return self.offsets[index]


def _scan(zone: ZoneInfo, begin: datetime, finish: datetime) -> list[datetime]:
    """The instants ``zone`` changes offset, found on its own: every 3 hours, then bisected."""
    found = []
    step = timedelta(hours=3)
    cursor = begin
    while cursor < finish:
        following = min(cursor + step, finish)
        if cursor.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            low, high = cursor, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(microsecond=0))
        cursor = following
    return found


def check_vtimezone(
    zone: ZoneInfo, first: date, last: date, instants: list[datetime], *, scan: bool = False
) -> None:
    """The VTIMEZONE for ``first``..``last`` gives zoneinfo's offsets, read by both readers.

    Checked around every change (found by the module under test, or with ``scan`` by a
    scan of the test's own, which must agree) and at ``instants``.
    """
    readings = _Readings(zone, first, last)
    begin = datetime.combine(first, datetime.min.time(), UTC)
    finish = datetime.combine(last, datetime.min.time(), UTC) + timedelta(days=1)
    changes = [c.at for c in transitions(zone, begin, finish)]
    if scan:
        assert changes == _scan(zone, begin, finish)
    moments = list(instants)
    for change in changes:
        moments += [change - timedelta(seconds=1), change, change + timedelta(hours=1)]
    for instant in moments:
        if not begin <= instant < finish:
            continue
        expected = instant.astimezone(zone).utcoffset()
        assert readings.tzical_offset(instant, zone) == expected, (zone.key, instant)
        assert readings.icalendar_offset(instant) == expected, (zone.key, instant)


@st.composite
def _spans(draw: st.DrawFn) -> tuple[ZoneInfo, date, date, list[datetime]]:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    first = draw(st.dates(date(1970, 1, 1), date(2037, 12, 31)))
    last = draw(st.dates(first, min(date(2037, 12, 31), first + timedelta(days=366 * 12))))
    begin = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last, datetime.min.time()) + timedelta(days=1)
    instants = draw(
        st.lists(
            st.datetimes(begin, end - timedelta(seconds=1)).map(lambda d: d.replace(tzinfo=UTC)),
            max_size=20,
        )
    )
    return zone, first, last, instants


@settings(max_examples=60)  # each example builds a VTIMEZONE and reads it twice
@given(_spans())
def test_vtimezone_offsets_match_zoneinfo(
    span: tuple[ZoneInfo, date, date, list[datetime]],
) -> None:
    check_vtimezone(*span, scan=True)


@pytest.mark.parametrize("name", ZONES)
def test_every_zone_2015_to_2027(name: str) -> None:
    """Every zone over the years in which most recent rule changes happened."""
    check_vtimezone(ZoneInfo(name), date(2015, 1, 1), date(2027, 12, 31), [])
