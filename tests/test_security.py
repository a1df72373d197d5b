"""A team file that a pull request edits cannot make oncall read, print or hang on anything.

Each test plants a marker in the file a hostile team file points at and asserts that the
marker never reaches the output: the job log of a CI run that holds secrets.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from oncall import InputError, coverage_windows, load_team
from tests.conftest import installed

MARKER = "DEPLOY_TOKEN=s3cr3t-marker-1f2e3d"
EVENT = (
    "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{title}\r\n"
    "DTSTART:20261203T200000Z\r\nDTEND:20261203T210000Z\r\nEND:VEVENT\r\n"
)
CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n"


def team_naming(folder: Path, source: str, *, pto: bool = False) -> Path:
    """A team file in ``folder`` whose only source is ``source`` (as written)."""
    quoted = source.replace("'", "''")
    entry = f"pto: [{{file: '{quoted}', person: ada}}]" if pto else f"events: ['{quoted}']"
    team = folder / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2026-12-31}\n"
        f"people: [{{id: ada}}]\nsources:\n  {entry}\n"
    )
    return team


def run_validate(team: Path) -> tuple[int, str]:
    """``oncall windows TEAM`` as CI would run it: exit code and everything printed."""
    started = time.monotonic()
    result = installed("windows", str(team), cwd=team.parent)
    assert time.monotonic() - started < 60, "the command must not wait on the file"
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A secret file outside the team's folder, and the team's folder beside it."""
    (tmp_path / "team").mkdir()
    secret = tmp_path / "secrets.env"
    secret.write_text(f"{MARKER}\nOTHER=1\n")
    return secret


@pytest.mark.parametrize("pto", [False, True], ids=["events", "pto"])
def test_an_absolute_path_is_refused_naming_the_key(outside: Path, pto: bool) -> None:
    team = team_naming(outside.parent / "team", str(outside), pto=pto)
    code, output = run_validate(team)
    assert code == 2
    section = "pto" if pto else "events"
    assert f"sources.{section}[0]: an absolute path is not read" in output
    assert "--allow-source-dir" in output
    assert MARKER not in output


def test_the_process_environment_is_never_read(tmp_path: Path) -> None:
    team = team_naming(tmp_path, "/proc/self/environ")
    env = {**os.environ, "DEPLOY_TOKEN": "s3cr3t-marker-1f2e3d"}
    result = installed("validate", str(team), str(team), env=env)
    assert result.returncode == 2
    assert "s3cr3t-marker" not in result.stdout + result.stderr
    # Allowing every folder still never reads the machine's pseudo-files.
    result = installed("windows", str(team), "--allow-source-dir", "/", env=env)
    assert result.returncode == 2
    assert "lies in a system folder" in result.stderr
    assert "s3cr3t-marker" not in result.stdout + result.stderr


def test_dot_dot_leading_out_is_refused(outside: Path) -> None:
    code, output = run_validate(team_naming(outside.parent / "team", "../secrets.env"))
    assert code == 2
    assert (
        "sources.events[0]: leads outside the team file's folder, found '../secrets.env'" in output
    )
    assert MARKER not in output


def test_a_symlink_leading_out_is_refused(outside: Path) -> None:
    folder = outside.parent / "team"
    (folder / "cal.ics").symlink_to(outside)
    code, output = run_validate(team_naming(folder, "cal.ics"))
    assert code == 2
    assert "leads outside the team file's folder, found 'cal.ics'" in output
    assert MARKER not in output


def test_dot_dot_that_stays_inside_and_links_inside_are_read(tmp_path: Path) -> None:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "cal.ics").write_text(
        CALENDAR.format(events=EVENT.format(uid="a1", title="Deploy"))
    )
    (tmp_path / "link.ics").symlink_to(tmp_path / "calendars" / "cal.ics")
    for written in ("calendars/../calendars/cal.ics", "link.ics"):
        team = load_team(team_naming(tmp_path, written))
        assert len(coverage_windows(team)) == 1


def test_allow_source_dir_opens_one_more_folder(outside: Path) -> None:
    shared = outside.parent / "shared-calendars"
    shared.mkdir()
    (shared / "cal.ics").write_text(CALENDAR.format(events=EVENT.format(uid="a1", title="Deploy")))
    team = team_naming(outside.parent / "team", "../shared-calendars/cal.ics")
    with pytest.raises(InputError, match="leads outside the team file's folder"):
        load_team(team)
    assert len(coverage_windows(load_team(team, allow_source_dirs=[shared]))) == 1
    result = installed("windows", str(team), "--allow-source-dir", str(shared), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert '"title": "Deploy"' in result.stdout
    # The allowed folder, and no further: the secret beside it stays out.
    team = team_naming(outside.parent / "team", str(outside))
    result = installed("windows", str(team), "--allow-source-dir", str(shared))
    assert result.returncode == 2
    assert "leads outside" in result.stderr
    assert MARKER not in result.stdout + result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("role", ["source", "team"])
def test_a_fifo_is_refused_without_waiting(tmp_path: Path, role: str) -> None:
    fifo = tmp_path / ("cal.ics" if role == "source" else "fifo.yaml")
    os.mkfifo(fifo)
    team = team_naming(tmp_path, "cal.ics") if role == "source" else fifo
    code, output = run_validate(team)
    assert code == 2
    assert "is a FIFO, not a regular file" in output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").symlink_to("/dev/zero")
    code, output = run_validate(team_naming(tmp_path, "cal.ics"))
    assert code == 2
    assert "sources.events[0]" in output
    result = installed("windows", "/dev/zero")
    assert result.returncode == 2


@pytest.mark.parametrize(
    "content",
    [
        f"{MARKER}\nOTHER=1\n",  # a .env file: no calendar at all
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{MARKER}\r\nEND:VCALENDAR\r\n",  # a broken line
        f"BEGIN:VCALENDAR\r\n{EVENT.format(uid='a1', title='x').replace('DTSTART:20261203T200000Z', 'DTSTART:' + MARKER)}END:VCALENDAR\r\n",
    ],
    ids=["not-a-calendar", "broken-line", "broken-value"],
)
def test_a_broken_calendar_is_named_and_never_quoted(tmp_path: Path, content: str) -> None:
    (tmp_path / "cal.ics").write_text(content)
    code, output = run_validate(team_naming(tmp_path, "cal.ics"))
    assert code == 2
    assert "cal.ics" in output
    assert MARKER not in output
    assert "s3cr3t" not in output


def test_a_previous_export_is_never_quoted(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ada}]\n"
        "events: [{title: Deploy, start: 2026-12-03T20:00, duration: 1h}]\n"
    )
    previous = tmp_path / "old.ics"
    previous.write_text(f"BEGIN:VCALENDAR\r\n{MARKER}\r\nEND:VCALENDAR\r\n")
    result = installed("export", "ics", str(team), "--previous", str(previous))
    assert result.returncode == 2
    assert "old.ics" in result.stderr
    assert MARKER not in result.stdout + result.stderr


def test_a_backtracking_pattern_cannot_tie_up_the_job(tmp_path: Path) -> None:
    hostile = "a" * 40 + "!"  # Python's re would take days on ^(a+)+$ against this
    events = EVENT.format(uid="a1", title=hostile) + EVENT.format(uid="a2", title="AAAA")
    (tmp_path / "cal.ics").write_text(CALENDAR.format(events=events))
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2026-12-31}\n"
        "people: [{id: ada}]\nsources:\n  events: [{file: cal.ics, match: '^(a+)+$'}]\n"
    )
    started = time.monotonic()
    (window,) = coverage_windows(load_team(team))
    assert [event.title for event in window.events] == ["AAAA"]  # matched ignoring case
    assert time.monotonic() - started < 30  # seconds at most; Python's re: days


def test_a_pattern_re2_cannot_run_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_text(CALENDAR.format(events=""))
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ada}]\n"
        "sources:\n  events: [{file: cal.ics, match: '(a)\\1'}]\n"
    )
    code, output = run_validate(team)
    assert code == 2
    assert "team.yaml:5: sources.events[0].match: not a regular expression oncall can run" in output
    assert "no lookaround or backreferences" in output
    assert "Traceback" not in output


def test_imported_titles_are_cut_short(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_text(
        CALENDAR.format(events=EVENT.format(uid="a1", title="Deploy " + "x" * 5000))
    )
    team = load_team(team_naming(tmp_path, "cal.ics"))
    (window,) = coverage_windows(team)
    (event,) = window.events
    assert len(event.title) == 500
    assert event.title.endswith("\u2026")


def test_a_uid_in_a_message_is_cut_short_and_safe(tmp_path: Path) -> None:
    uid = "\x1b]0;pwned\x07" + "u" * 300
    event = EVENT.format(uid=uid, title="Deploy").replace(
        "END:VEVENT", "RRULE:FREQ=WEEKLY\r\nEND:VEVENT"
    )
    (tmp_path / "cal.ics").write_text(CALENDAR.format(events=event))
    team = tmp_path / "team.yaml"
    team.write_text("team: t\ntimezone: UTC\npeople: [{id: ada}]\nsources:\n  events: [cal.ics]\n")
    result = installed("windows", str(team))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "u" * 80 not in result.stderr
    assert "repeats without end" in result.stderr
