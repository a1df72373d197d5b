"""A loaded team is complete: calendar sources are read and expanded where it is loaded.

Imported occurrences are identified by UID and RECURRENCE-ID (or start): the same one
found twice counts once, different ones never collide.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import oncall
from oncall.cli import main
from tests.conftest import EXAMPLES

RELEASES = EXAMPLES / "release-calendar" / "team.yaml"
CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n"


def vevent(uid: str, start: str, *, summary: str = "Deploy", extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{summary}\r\n"
        f"DTSTART:{start}\r\nDURATION:PT1H\r\n{extra}END:VEVENT\r\n"
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def windows_json(team: Path, *args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert main(["windows", str(team), "--format", "json", *args], out=out) == 0
    document: dict[str, list[dict[str, Any]]] = json.loads(out.getvalue())
    return document["windows"]


def test_every_public_function_sees_the_calendars() -> None:
    team = oncall.load_team(RELEASES)
    assert team.sources == (
        "releases.ics",
        "crm.ics",
        "ada-pto.ics",
        "whos-out.ics",
        "out-of-office.ics",
    )
    assert len(oncall.expand_events(team)) == 10
    assert len(team.time_off) == 6
    assert len(oncall.coverage_windows(team)) == 9


def test_a_team_is_loaded_for_the_horizon_asked() -> None:
    january = oncall.Horizon(
        datetime(2027, 1, 1, 5, tzinfo=UTC), datetime(2027, 2, 1, 5, tzinfo=UTC)
    )
    team = oncall.load_team(RELEASES, horizon=january)
    assert team.horizon == january
    assert [e.id for e in oncall.expand_events(team)] == [
        "api-deployment-2027-01-14",
        "api-deployment-2027-01-21",
        "api-deployment-2027-01-28",
    ]
    # Asking beyond what the calendars were read for is an error, not a silent gap.
    with pytest.raises(oncall.InputError, match="calendar sources were read for a shorter"):
        oncall.coverage_windows(team, oncall.Horizon())


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in EXAMPLES.glob("*/team.yaml")))
def test_the_api_and_the_command_give_the_same_answers(folder: str, tmp_path: Path) -> None:
    path = EXAMPLES / folder / "team.yaml"
    team = oncall.load_team(path)
    printed = windows_json(path)
    windows = oncall.coverage_windows(team)
    assert [[e["id"] for e in w["events"]] for w in printed] == [
        [e.id for e in w.events] for w in windows
    ]
    assert [
        (datetime.fromisoformat(str(w["start"])), datetime.fromisoformat(str(w["end"])))
        for w in printed
    ] == [(w.start, w.end) for w in windows]
    risky = [
        e.id for e in oncall.expand_events(team) if e.risk.at_least(team.policy.risk_threshold)
    ]
    assert sorted(risky) == sorted(e.id for w in windows for e in w.events)

    rotation_file = tmp_path / "rotation.json"
    out = io.StringIO()
    main(["plan", str(path), "-o", str(rotation_file), "--format", "json"], out=out)
    planned = json.loads(out.getvalue())
    rotation = oncall.plan(team)
    assert [(s["people"]) for s in planned["shifts"]] == [list(s.people) for s in rotation.shifts]
    assert oncall.load_rotation(rotation_file, team) == rotation

    out = io.StringIO()
    main(["validate", str(path), str(rotation_file), "--format", "json"], out=out)
    validated = json.loads(out.getvalue())
    findings = oncall.check(team, rotation)
    assert [(f["code"], f["message"]) for f in validated["findings"]] == [
        (str(f.code), f.message) for f in findings
    ]


# Identity and duplicates -----------------------------------------------------------------


def team_with(tmp_path: Path, *calendars: str, events: str = "") -> Path:
    files = "[" + ", ".join(f"c{i}.ics" for i in range(len(calendars))) + "]"
    for i, body in enumerate(calendars):
        write(tmp_path, f"c{i}.ics", CALENDAR.format(events=body))
    return write(
        tmp_path,
        "team.yaml",
        f"team: t\ntimezone: America/New_York\n{events}sources:\n  events: {files}\n",
    )


def test_the_same_invitation_in_two_calendars_counts_once(tmp_path: Path) -> None:
    invitation = vevent("inv-1@example.org", "20261203T200000Z")
    path = team_with(tmp_path, invitation, invitation)
    [event] = oncall.expand_events(oncall.load_team(path))
    assert event.sources == ("c0.ics", "c1.ics")
    [window] = windows_json(path)
    [shown] = window["events"]
    assert shown["sources"] == ["c0.ics", "c1.ics"]
    assert shown["source_uid"] == "inv-1@example.org"


def test_a_moved_instance_and_the_stale_series_are_one_occurrence(tmp_path: Path) -> None:
    series = vevent("s@example.org", "20261203T200000Z", extra="RRULE:FREQ=DAILY;COUNT=2\r\n")
    moved = vevent("s@example.org", "20261203T230000Z", extra="RECURRENCE-ID:20261203T200000Z\r\n")
    path = team_with(tmp_path, series + moved, series)
    events = oncall.expand_events(oncall.load_team(path))
    assert [(e.start.hour, e.sources) for e in events] == [
        (23, ("c0.ics", "c1.ics")),
        (20, ("c0.ics", "c1.ics")),
    ]


def test_two_uids_with_the_same_title_and_start_are_two_events(tmp_path: Path) -> None:
    path = team_with(
        tmp_path,
        vevent("a@example.org", "20261203T200000Z") + vevent("b@example.org", "20261203T200000Z"),
    )
    events = oncall.expand_events(oncall.load_team(path))
    assert len(events) == 2
    assert len({e.id for e in events}) == 2
    assert all(e.id.startswith("deploy-2026-12-03-1500-") for e in events)
    assert {e.source_uid for e in events} == {"a@example.org", "b@example.org"}


def test_an_hourly_series_across_the_autumn_dst_change(tmp_path: Path) -> None:
    hourly = vevent("h@example.org", "20261101T030000Z", extra="RRULE:FREQ=HOURLY;COUNT=5\r\n")
    path = team_with(tmp_path, hourly)
    events = oncall.expand_events(oncall.load_team(path))
    # 23:00, 00:00, 01:00 EDT, 01:00 EST and 02:00 EST: five events, five ids.
    assert [e.start.hour for e in events] == [3, 4, 5, 6, 7]
    ids = [e.id for e in events]
    assert ids[:2] == ["deploy-2026-10-31", "deploy-2026-11-01-0000"]
    assert ids[2].startswith("deploy-2026-11-01-0100-")
    assert ids[3].startswith("deploy-2026-11-01-0100-")
    assert len(set(ids)) == 5
    assert ids == [e.id for e in oncall.expand_events(oncall.load_team(path))]  # stable


def test_a_team_file_event_that_repeats_a_calendar_uid_counts_once(tmp_path: Path) -> None:
    event = (
        "events:\n  - {id: big-release, uid: inv-1@example.org, title: Big release,"
        " start: 2026-12-03T15:00, duration: 2h, risk: high}\n"
    )
    path = team_with(tmp_path, vevent("inv-1@example.org", "20261203T200000Z"), events=event)
    [found] = oncall.expand_events(oncall.load_team(path))
    assert found.id == "big-release"  # the id a person wrote stays
    assert found.risk is oncall.Risk.HIGH
    assert found.sources == (str(path), "c0.ics")
    [window] = windows_json(path)
    [shown] = window["events"]
    assert shown["sources"] == [str(path), "c0.ics"]


def test_imported_ids_never_rename_team_file_events(tmp_path: Path) -> None:
    event = "events:\n  - {title: Deploy, start: 2026-12-03T15:00, duration: 1h}\n"
    path = team_with(tmp_path, vevent("x@example.org", "20261203T200000Z"), events=event)
    events = oncall.expand_events(oncall.load_team(path))
    assert events[0].id == "deploy-2026-12-03"  # the team file's, as without the calendar
    assert events[1].id == "deploy-2026-12-03-1500"
