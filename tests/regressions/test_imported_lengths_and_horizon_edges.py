"""Issue 15.4 to 15.7: imported occurrences with the wrong length, or lost at the edges.

- Lengths were kept by UID: events with no UID, or sharing one, all took the last one's.
- Floating and all-day events at the horizon's edges were dropped: the horizon reached
  the expansion in UTC, which compares floating times with the UTC wall clock.
- ``RDATE;VALUE=PERIOD`` occurrences took the first occurrence's length.
- DTEND before DTSTART, and all-day events whose DTEND equals DTSTART, became one-minute
  events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.calendars import calendar, import_calendar

H = timedelta(hours=1)


def _at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize("pto", [False, True])
def test_events_without_uid_keep_their_own_lengths(tmp_path: Path, pto: bool) -> None:
    ics = calendar(
        "DTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nSUMMARY:Lecture A",
        "DTSTART:20260303T090000Z\nDTEND:20260303T120000Z\nSUMMARY:Lecture B",
        "DTSTART:20260304T090000Z\nDURATION:PT2H\nSUMMARY:Lecture C",
    )
    spans = import_calendar(tmp_path, ics, pto=pto)
    assert [end - start for start, end, _ in spans] == [H, 3 * H, 2 * H]


def test_events_sharing_a_uid_keep_their_own_lengths(tmp_path: Path) -> None:
    ics = calendar(
        "UID:same\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nSUMMARY:A\n"
        "RRULE:FREQ=DAILY;COUNT=2",
        "UID:same\nRECURRENCE-ID:20260303T090000Z\nDTSTART:20260303T090000Z\n"
        "DTEND:20260303T130000Z\nSUMMARY:A moved",
    )
    spans = import_calendar(tmp_path, ics)
    assert [(end - start, title) for start, end, title in spans] == [(H, "A"), (4 * H, "A moved")]


@pytest.mark.parametrize("pto", [False, True])
@pytest.mark.parametrize(
    ("zone", "first", "last"),
    [
        # New York: local 00:00-05:00 of the first day is still the previous day in UTC.
        ("America/New_York", "DTSTART:20260301T010000", "DTSTART:20260331T200000"),
        # Berlin: local 23:30 on the last day is 22:30 UTC, inside; 00:30 on the first is not.
        ("Europe/Berlin", "DTSTART:20260301T003000", "DTSTART:20260331T233000"),
    ],
)
def test_floating_events_at_the_horizon_edges_are_kept(
    tmp_path: Path, pto: bool, zone: str, first: str, last: str
) -> None:
    ics = calendar(
        f"UID:first\n{first}\nDURATION:PT20M\nSUMMARY:first",
        f"UID:last\n{last}\nDURATION:PT20M\nSUMMARY:last",
    )
    spans = import_calendar(
        tmp_path, ics, pto=pto, timezone=zone, start="2026-03-01", end="2026-03-31"
    )
    assert [title for _, _, title in spans] == ["first", "last"]


@pytest.mark.parametrize("pto", [False, True])
def test_all_day_events_at_the_horizon_edges_are_kept(tmp_path: Path, pto: bool) -> None:
    ics = calendar(
        "UID:a\nDTSTART;VALUE=DATE:20260301\nSUMMARY:first day",
        "UID:b\nDTSTART;VALUE=DATE:20260331\nSUMMARY:last day",
    )
    for zone in ("America/New_York", "Asia/Tokyo"):
        spans = import_calendar(
            tmp_path, ics, pto=pto, timezone=zone, start="2026-03-01", end="2026-03-31"
        )
        assert [title for _, _, title in spans] == ["first day", "last day"], zone
        assert all(end - start == 24 * H for start, end, _ in spans)


def test_rdate_periods_have_their_own_lengths(tmp_path: Path) -> None:
    ics = calendar(
        "UID:p\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nSUMMARY:p\n"
        "RDATE;VALUE=PERIOD:20260305T090000Z/20260305T150000Z,20260306T090000Z/PT30M"
    )
    spans = import_calendar(tmp_path, ics)
    assert [(start, end - start) for start, end, _ in spans] == [
        (_at(2026, 3, 2, 9), H),
        (_at(2026, 3, 5, 9), 6 * H),
        (_at(2026, 3, 6, 9), H / 2),
    ]


def test_dtend_before_dtstart_is_read_swapped_as_recurring_ical_events_does(tmp_path: Path) -> None:
    ics = calendar("UID:s\nDTSTART:20260302T120000Z\nDTEND:20260302T090000Z\nSUMMARY:s")
    assert import_calendar(tmp_path, ics) == [(_at(2026, 3, 2, 9), _at(2026, 3, 2, 12), "s")]


@pytest.mark.parametrize("pto", [False, True])
def test_all_day_event_ending_where_it_starts_is_a_whole_day(tmp_path: Path, pto: bool) -> None:
    ics = calendar("UID:d\nDTSTART;VALUE=DATE:20260302\nDTEND;VALUE=DATE:20260302\nSUMMARY:d")
    spans = import_calendar(tmp_path, ics, pto=pto, timezone="America/New_York")
    assert spans == [(_at(2026, 3, 2, 5), _at(2026, 3, 3, 5), "d")]


@pytest.mark.parametrize("year", [1960, 2300])
def test_horizons_outside_1970_to_2200_import_their_events(tmp_path: Path, year: int) -> None:
    ics = calendar(f"UID:y\nDTSTART:{year}0302T090000Z\nDURATION:PT1H\nSUMMARY:y")
    spans = import_calendar(tmp_path, ics, start=f"{year}-03-01", end=f"{year}-03-31")
    assert [title for _, _, title in spans] == ["y"]
