"""Importing risky events and time off from the calendars teams already keep."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall import InputError, coverage_windows, load_team, make_plan
from oncall.cli import main

from .conftest import EXAMPLES, Golden

FOLDER = EXAMPLES / "release-calendar"
TEAM = FOLDER / "team.yaml"


@pytest.fixture(scope="module")
def team_events() -> dict[str, object]:
    windows = coverage_windows(load_team(TEAM))
    return {e.id: e for w in windows for e in w.events}


def test_google_weekly_series_with_exdate_moved_and_cancelled_instances(
    team_events: dict[str, object],
) -> None:
    api = sorted(i for i in team_events if i.startswith("api-deployment"))
    assert api == [
        "api-deployment-2026-12-03",
        "api-deployment-2026-12-10",
        "api-deployment-2026-12-17",  # moved an hour later by a RECURRENCE-ID instance
        "api-deployment-2026-12-31",  # 12-24 is an EXDATE
        "api-deployment-2027-01-14",  # 01-07 is a cancelled instance
        "api-deployment-2027-01-21",
        "api-deployment-2027-01-28",  # UNTIL ends the series
    ]
    moved = team_events["api-deployment-2026-12-17"]
    assert moved.start == datetime(2026, 12, 18, 2, tzinfo=UTC)  # type: ignore[attr-defined]
    first = team_events["api-deployment-2026-12-03"]
    assert (first.kind, first.source, first.source_uid) == (  # type: ignore[attr-defined]
        "api-deployment",
        "releases.ics",
        "5m2o6b4c1r8v0d7k3q9s2t1u4a@google.com",
    )


def test_categories_set_risk_and_a_low_all_day_event_needs_nobody() -> None:
    team = load_team(TEAM)
    notes = [e for e in team.events if e.title == "Release notes published"]
    assert [(e.risk, e.duration) for e in notes] == [("low", timedelta(hours=24))]
    assert notes[0].start == datetime(2026, 12, 10, 5, tzinfo=UTC)  # midnight in New York


def test_outlook_windows_zone_names_match_and_a_dst_night(team_events: dict[str, object]) -> None:
    crm = sorted(i for i in team_events if i.startswith("crm"))
    assert crm == [
        "crm-update-on-the-night-clocks-change-2027-03-14",
        "crm-update-solution-import-2026-12-09",
    ]
    night = team_events["crm-update-on-the-night-clocks-change-2027-03-14"]
    assert night.start == datetime(2027, 3, 14, 6, tzinfo=UTC)  # type: ignore[attr-defined]  # 01:00 EST
    assert night.end - night.start == timedelta(hours=1)  # type: ignore[attr-defined]  # to 03:00 EDT
    assert night.kind == "crm-update"  # type: ignore[attr-defined]  # the source's kind


def test_time_off_from_every_kind_of_feed() -> None:
    team = load_team(TEAM)
    offs = sorted((o.person, o.start, o.end, o.note) for o in team.time_off)
    assert offs == [
        # Ada's Apple Calendar: all-day (DTEND exclusive) in her zone, and an exact dentist slot;
        # the "free" lunch is not time off.
        (
            "apark",
            datetime(2026, 12, 21, 5, tzinfo=UTC),
            datetime(2026, 12, 25, 5, tzinfo=UTC),
            "Holiday",
        ),
        (
            "apark",
            datetime(2027, 1, 7, 20, tzinfo=UTC),
            datetime(2027, 1, 7, 23, tzinfo=UTC),
            "Dentist",
        ),
        # Outlook out of office, matched by ORGANIZER email (any case); tentative counts, free does not.
        (
            "bortiz",
            datetime(2027, 1, 14, 20, tzinfo=UTC),
            datetime(2027, 1, 15, 5, tzinfo=UTC),
            "Out of office",
        ),
        (
            "bortiz",
            datetime(2027, 1, 21, 23, tzinfo=UTC),
            datetime(2027, 1, 22, 5, tzinfo=UTC),
            "Maybe at a conference",
        ),
        # BambooHR, matched by name; company holidays name nobody.
        (
            "cobi",
            datetime(2026, 12, 17, 5, tzinfo=UTC),
            datetime(2026, 12, 18, 5, tzinfo=UTC),
            "Chidi Obi (Sick)",
        ),
        # Dana's days are Chicago days, across the DST change of 2027-03-14: 5 days, 119 hours.
        (
            "dlee",
            datetime(2027, 3, 12, 6, tzinfo=UTC),
            datetime(2027, 3, 17, 5, tzinfo=UTC),
            "Dana Lee (Vacation - 24 hours)",
        ),
    ]


def test_the_plan_respects_imported_time_off() -> None:
    team = load_team(TEAM)
    result = make_plan(team)
    for shift in result.rotation.shifts:
        for off in team.time_off:
            if off.person in shift.people:
                assert off.end <= shift.start or shift.end <= off.start


def test_windows_json_says_where_each_event_came_from(
    golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FOLDER)
    out = io.StringIO()
    assert main(["windows", "team.yaml", "--format", "json"], out=out) == 0
    golden("release-calendar.windows.json", out.getvalue())
    sources = {e["source"] for w in json.loads(out.getvalue())["windows"] for e in w["events"]}
    assert sources == {"releases.ics", "crm.ics"}


def test_from_and_to_bound_the_expansion() -> None:
    team = load_team(TEAM)
    january = coverage_windows(
        team,
        team.horizon.replace(
            datetime(2027, 1, 1, 5, tzinfo=UTC), datetime(2027, 2, 1, 5, tzinfo=UTC)
        ),
    )
    assert [e.id for w in january for e in w.events] == [
        "api-deployment-2027-01-14",
        "api-deployment-2027-01-21",
        "api-deployment-2027-01-28",
    ]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


TEAM_WITH = (
    "team: t\ntimezone: UTC\npeople: [{id: ada, name: Ada Park}]\nsources:\n  events: [cal.ics]\n"
)
EVENT = "BEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Deploy\r\nDTSTART:20261203T200000Z\r\nDTEND:20261203T210000Z\r\n{extra}END:VEVENT\r\n"
CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n"


def test_errors_name_the_file(tmp_path: Path) -> None:
    team = write(tmp_path, "team.yaml", TEAM_WITH)
    with pytest.raises(
        InputError, match=r"team\.yaml:5: sources\.events\[0\]: cal\.ics: no such file"
    ):
        load_team(team)
    write(tmp_path, "cal.ics", "this is not a calendar")
    with pytest.raises(
        InputError,
        match=r"team\.yaml:5: sources\.events\[0\]: cal\.ics: not an iCalendar file \(it does "
        r"not begin with BEGIN:VCALENDAR\)",
    ):
        load_team(team)
    write(tmp_path, "cal.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis line is broken\r\n")
    with pytest.raises(
        InputError,
        match=r"team\.yaml:5: sources\.events\[0\]: cal\.ics:3: not a usable iCalendar file "
        r"\(a line is not a NAME:VALUE content line\)$",
    ):
        load_team(team)
    write(tmp_path, "cal.ics", CALENDAR.format(events=EVENT.format(extra="RRULE:FREQ=WEEKLY\r\n")))
    with pytest.raises(
        InputError, match=r"cal\.ics: the event a1 repeats without end and needs a horizon end"
    ):
        coverage_windows(load_team(team))
    write(
        tmp_path,
        "cal.ics",
        CALENDAR.format(events=EVENT.format(extra="RRULE:FREQ=MINUTELY;COUNT=200000\r\n")),
    )
    with pytest.raises(
        InputError, match=r"the event a1 repeats more than 100,000 times in the horizon"
    ):
        coverage_windows(load_team(team))


def test_a_series_keeps_its_elapsed_length_across_dst(tmp_path: Path) -> None:
    write(
        tmp_path,
        "team.yaml",
        "team: t\ntimezone: America/New_York\nsources:\n  events: [cal.ics]\n",
    )
    weekly = (
        "BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Night deploy\r\n"
        "DTSTART;TZID=America/New_York:20261025T013000\r\n"
        "DTEND;TZID=America/New_York:20261025T023000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\n"
    )
    write(tmp_path, "cal.ics", CALENDAR.format(events=weekly))
    team = load_team(tmp_path / "team.yaml")
    assert [e.duration for e in team.events] == [timedelta(hours=1)] * 2
    # 01:30 on 2026-11-01 happens twice: the first (EDT) is meant, as RFC 5545 says.
    assert team.events[1].start == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_pto_sources_need_exactly_one_way_to_find_people(tmp_path: Path) -> None:
    write(tmp_path, "cal.ics", CALENDAR.format(events=""))
    team = write(
        tmp_path,
        "team.yaml",
        "team: t\ntimezone: UTC\npeople: [{id: ada}]\nsources:\n  pto:\n    - {file: cal.ics}\n",
    )
    with pytest.raises(
        InputError,
        match=r"sources\.pto\[0\]: give exactly one of 'person', 'match_attendee' and 'match_name'",
    ):
        load_team(team)
    write(
        tmp_path,
        "team.yaml",
        "team: t\ntimezone: UTC\npeople: [{id: ada}]\nsources:\n  pto:\n    - {file: cal.ics, person: bob}\n",
    )
    with pytest.raises(InputError, match=r"sources\.pto\[0\]\.person: unknown person 'bob'"):
        load_team(team)


def test_the_command_reports_source_errors_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "team.yaml", TEAM_WITH)
    assert main(["windows", str(tmp_path / "team.yaml")], out=io.StringIO()) == 2
    assert "cal.ics: no such file" in capsys.readouterr().err


# Property: the same events as iCalendar and as YAML give the same windows. -------------

_local = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(  # noqa: DTZ001
    lambda d: d.replace(second=0, microsecond=0)
)


@settings(max_examples=50)  # each example writes and reads three files
@given(
    st.lists(
        st.tuples(_local, st.integers(1, 48), st.sampled_from(["Deploy", "CRM update", "Patch"])),
        max_size=6,
        unique_by=lambda e: (e[0].date(), e[2]),  # one title a day: ids never collide
    )
)
def test_an_ics_file_imports_to_the_same_windows_as_yaml(
    events: list[tuple[datetime, int, str]],
) -> None:
    import tempfile  # noqa: PLC0415 - hypothesis runs this many times: one folder each

    zone = "America/New_York"
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{title}\r\n"
        f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}\r\nDURATION:PT{minutes * 15}M\r\nEND:VEVENT\r\n"
        for i, (start, minutes, title) in enumerate(events)
    )
    vtimezone = (
        "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"
        "TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    base = {"team": "t", "timezone": zone, "horizon": {"start": "2025-12-01", "end": "2028-01-31"}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        write(path, "cal.ics", CALENDAR.format(events=vtimezone + body))
        write(path, "ics.yaml", yaml.safe_dump({**base, "sources": {"events": ["cal.ics"]}}))
        offset = {}
        for (
            start,
            _,
            _,
        ) in events:  # the YAML side writes each start with its offset, as a person would
            aware = start.replace(tzinfo=load_team(path / "ics.yaml").zone, fold=0)
            offset[start] = aware.isoformat()
        written = [{"title": t, "start": offset[s], "duration": f"{m * 15}m"} for s, m, t in events]
        write(path, "yaml.yaml", yaml.safe_dump({**base, "events": written}))
        from_ics = coverage_windows(load_team(path / "ics.yaml"))
        from_yaml = coverage_windows(load_team(path / "yaml.yaml"))
    assert from_ics == from_yaml
