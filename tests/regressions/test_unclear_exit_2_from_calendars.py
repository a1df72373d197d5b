"""Broken calendar components were refused with a parser's words, or a traceback's.

``'list' object has no attribute 'dt'`` told nobody which event of which file was wrong.
Now the message names the file, the event (its UID, or a short SUMMARY, made safe) and
what is wrong in the calendar's terms, and quotes nothing else of the file. A broken
component refuses the whole file (skipping it would silently lose an event or someone's
time off); a broken component that is cancelled is skipped, as it would be anyway.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall import InputError
from tests.calendars import calendar, import_calendar
from tests.conftest import installed

STAMP = "DTSTAMP:20260101T000000Z\n"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("UID:u1\nSUMMARY:x", "the event u1 has no DTSTART"),
        (
            "UID:u2\nDTSTART:20260302T090000Z\nDTSTART:20260303T090000Z",
            "the event u2 has 2 DTSTART properties, where RFC 5545 allows one",
        ),
        (
            "UID:u3\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nDTEND:20260302T110000Z",
            "the event u3 has 2 DTEND properties",
        ),
        (
            "UID:u4\nDTSTART:20260302T090000Z\nRDATE;VALUE=TIME:100000",
            "the event u4 has an RDATE that is a time of day without a date",
        ),
        ("SUMMARY:Standup\nDTSTART:2026030", "the event titled 'Standup' has a DTSTART that"),
        (
            "UID:u6\nDTSTART:20260302T090000Z\nRRULE:FREQ=FORTNIGHTLY;COUNT=3",
            "the event u6 has an RRULE that cannot be read",
        ),
    ],
)
@pytest.mark.parametrize("pto", [False, True])
def test_broken_component_is_named(tmp_path: Path, lines: str, expected: str, pto: bool) -> None:
    with pytest.raises(InputError) as caught:
        import_calendar(tmp_path, calendar(STAMP + lines), pto=pto)
    message = str(caught.value)
    assert "calendar.ics: " in message
    assert expected in message
    assert "Traceback" not in message
    assert "object has no attribute" not in message


def test_broken_cancelled_component_is_skipped(tmp_path: Path) -> None:
    ics = calendar(
        STAMP + "UID:gone\nSTATUS:CANCELLED\nSUMMARY:x",
        STAMP + "UID:kept\nDTSTART:20260302T090000Z\nDURATION:PT1H\nSUMMARY:kept",
    )
    assert [title for _, _, title in import_calendar(tmp_path, ics)] == ["kept"]


def test_installed_command_exits_2_naming_the_event(tmp_path: Path) -> None:
    ics = calendar(STAMP + "UID:u2\nDTSTART:20260302T090000Z\nDTSTART:20260303T090000Z")
    with pytest.raises(InputError):
        import_calendar(tmp_path, ics)
    result = installed("windows", str(tmp_path / "team.yaml"))
    assert result.returncode == 2, result.stderr
    assert "calendar.ics: the event u2 has 2 DTSTART properties" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_cancelled_recurring_component_is_skipped(tmp_path: Path) -> None:
    ics = calendar(
        STAMP + "UID:gone\nSTATUS:CANCELLED\nDTSTART:20260302T090000Z\n"
        "DTSTART:20260303T090000Z\nRRULE:FREQ=DAILY",
        STAMP + "UID:kept\nDTSTART:20260302T090000Z\nDURATION:PT1H\nSUMMARY:kept",
    )
    assert [title for _, _, title in import_calendar(tmp_path, ics)] == ["kept"]


def test_occurrence_past_the_last_year_is_named(tmp_path: Path) -> None:
    ics = calendar(STAMP + "UID:long\nDTSTART:29991230T090000Z\nDURATION:P9D\nSUMMARY:x")
    with pytest.raises(
        InputError, match=r"calendar\.ics: the event long has an occurrence outside"
    ):
        import_calendar(tmp_path, ics, start="2999-12-01", end="2999-12-31")
