"""Issue 15.2 and 15.3: what the calendar export lost or read in the machine's zone.

- A shift spanning three coverage windows lost the third window's events (a comment
  assumed "at most two").
- A floating DTSTART in the ``--previous`` export was read in the machine's zone, and a
  naive ``stamp`` was accepted: the output changed with ``TZ``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from oncall import InputError, Rotation, Shift, parse_team, to_ics
from oncall.export.ics import read_previous
from tests.conftest import installed

TEAM = """
team: t
timezone: America/New_York
policy: {lead: 0m, lag: 0m}
people: [{id: ada}]
horizon: {start: 2026-12-01, end: 2026-12-31}
events:
  - {title: First, start: 2026-12-03T10:00, duration: 1h}
  - {title: Second, start: 2026-12-03T13:00, duration: 1h}
  - {title: Third, start: 2026-12-03T16:00, duration: 1h}
"""
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def test_shift_over_three_windows_lists_every_event() -> None:
    team = parse_team(TEAM)
    shift = Shift(
        datetime(2026, 12, 3, 14, tzinfo=UTC), datetime(2026, 12, 3, 23, tzinfo=UTC), ("ada",)
    )
    calendar = icalendar.Calendar.from_ical(to_ics(team, Rotation((shift,)), stamp=STAMP))
    (event,) = calendar.walk("VEVENT")
    description = str(event["DESCRIPTION"])
    for title in ("First", "Second", "Third"):
        assert title in description


def test_naive_stamp_is_refused() -> None:
    team = parse_team(TEAM)
    with pytest.raises(InputError, match="stamp must be a time-zone aware datetime"):
        to_ics(team, Rotation(()), stamp=datetime(2026, 12, 1))  # noqa: DTZ001 - the point


PREVIOUS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n"
    "BEGIN:VEVENT\r\nUID:gone@example.org\r\nDTSTAMP:20261101T000000Z\r\n"
    "DTSTART:20261203T100000\r\nDTEND:20261203T120000\r\nSUMMARY:On call\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)

_SCRIPT = textwrap.dedent(
    f"""
    from datetime import UTC, datetime
    from oncall import Rotation, parse_team, to_ics
    from oncall.export.ics import read_previous
    team = parse_team({TEAM!r})
    previous = read_previous({PREVIOUS!r}.encode())
    out = to_ics(team, Rotation(()), stamp=datetime(2026, 12, 1, tzinfo=UTC), previous=previous)
    print(out.decode())
    """
)


def test_floating_time_in_previous_export_does_not_depend_on_tz() -> None:
    outputs = {
        zone: subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": zone},
        ).stdout
        for zone in ("UTC", "Pacific/Chatham", "America/Los_Angeles")
    }
    assert len(set(outputs.values())) == 1
    calendar = icalendar.Calendar.from_ical(outputs["UTC"])
    tombstones: list[Any] = calendar.walk("VEVENT")
    (tombstone,) = tombstones
    start = tombstone["DTSTART"].dt
    # 10:00 in the team's zone, America/New_York, is 15:00 UTC.
    assert start.astimezone(UTC) == datetime(2026, 12, 3, 15, tzinfo=UTC)


def test_floating_time_in_previous_export_is_the_teams_wall_clock() -> None:
    team = parse_team(TEAM)
    previous = read_previous(PREVIOUS.encode())
    calendar = icalendar.Calendar.from_ical(
        to_ics(team, Rotation(()), stamp=STAMP, previous=previous)
    )
    tombstones: list[Any] = calendar.walk("VEVENT")
    (tombstone,) = tombstones
    assert tombstone["DTEND"].dt - tombstone["DTSTART"].dt == timedelta(hours=2)
    assert tombstone["DTSTART"].dt.astimezone(UTC) == datetime(2026, 12, 3, 15, tzinfo=UTC)


def test_installed_export_with_previous_is_the_same_in_every_machine_zone(tmp_path: Path) -> None:
    """The suite also runs under TZ=Pacific/Chatham; this runs one export under several."""
    (tmp_path / "team.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "previous.ics").write_text(PREVIOUS, encoding="utf-8")
    argv = [
        "export",
        "ics",
        str(tmp_path / "team.yaml"),
        "--previous",
        str(tmp_path / "previous.ics"),
    ]
    outputs = set()
    for zone in ("UTC", "Pacific/Chatham", "America/Los_Angeles", "Asia/Kathmandu"):
        env = {**os.environ, "TZ": zone, "SOURCE_DATE_EPOCH": "1795000000"}
        result = installed(*argv, env=env)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert "DTSTART;TZID=America/New_York:20261203T100000" in outputs.pop()
