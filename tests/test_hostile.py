"""Hostile and broken input: only success or an InputError (exit 2), never a crash."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall import InputError, coverage_windows, load_team, parse_rotation, parse_team
from oncall.cli import main
from oncall.text import UNSAFE_TEXT, one_line

from .conftest import EXAMPLES, installed

TEAM_TEXT = (EXAMPLES / "travel-pay" / "team.yaml").read_text(encoding="utf-8")
ROTATION_TEXT = (EXAMPLES / "travel-pay" / "rotation.yaml").read_text(encoding="utf-8")
ICS_TEXT = (EXAMPLES / "release-calendar" / "releases.ics").read_text(encoding="utf-8")
TEAM = parse_team(TEAM_TEXT)

hostile_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "\ufeff",
            "\r\n",
            "\t",
            "\x00",
            ": ",
            "- ",
            "!!python/object:os.system",
            "*a",
            "&a",
            "{",
            "[",
            "99999999999999999999",
            "-1h",
            "2026-02-30",
            "2026-03-08T02:30",
            "9999-12-31T23:59",
            "0001-01-01",
            "BEGIN:VEVENT",
            "END:VCALENDAR",
            "RRULE:FREQ=SECONDLY",
            ";TZID=Nowhere/Land",
            "\u202e",
            "😀",
            "%s%n",
            "../../etc/passwd",
        ]
    ),
)


def mutate(data: st.DataObject, text: str) -> str:
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 20))
        text = text[:position] + data.draw(hostile_text) + text[position + cut :]
    return text


@given(st.data())
def test_mutated_rotation_files(data: st.DataObject) -> None:
    text = mutate(data, ROTATION_TEXT)
    try:
        parse_rotation(text, TEAM, name="rotation.yaml")
    except InputError as exc:
        assert str(exc).startswith("rotation.yaml")


@settings(max_examples=40)  # each example writes a folder and expands a calendar
@given(st.data())
def test_mutated_calendar_sources(data: st.DataObject) -> None:
    text = mutate(data, ICS_TEXT)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "cal.ics").write_text(text, encoding="utf-8", newline="")
        Path(folder, "team.yaml").write_text(
            "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2027-03-01}\n"
            "sources: {events: [cal.ics]}\n",
            encoding="utf-8",
        )
        try:
            coverage_windows(load_team(Path(folder, "team.yaml")))
        except InputError as exc:
            assert "team.yaml" in str(exc)
            assert "cal.ics" in str(exc)


@settings(max_examples=15, deadline=None)  # each example starts the installed command
@given(st.data())
def test_the_installed_command_never_shows_a_traceback(data: st.DataObject) -> None:
    text = mutate(data, TEAM_TEXT)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "team.yaml").write_text(text, encoding="utf-8", newline="")
        result = installed("plan", "team.yaml", cwd=folder)
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("oncall: error: team.yaml")


def run(*argv: str) -> tuple[int, str]:
    """Run the command in this process: an exception it lets through fails the test."""
    out = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):
        return main(list(argv), out=out), out.getvalue()


@settings(max_examples=40)  # each example writes a folder and runs three commands
@given(st.data())
def test_every_output_of_a_mutated_rotation_is_written_or_refused(data: st.DataObject) -> None:
    text = mutate(data, ROTATION_TEXT)
    with tempfile.TemporaryDirectory() as folder:
        team, rotation = Path(folder, "team.yaml"), Path(folder, "rotation.yaml")
        team.write_text(TEAM_TEXT, encoding="utf-8")
        rotation.write_text(text, encoding="utf-8", newline="")
        for argv in (
            ("validate", str(team), str(rotation), "--format", "github"),
            ("export", "ics", str(team), str(rotation), "-o", str(Path(folder, "out.ics"))),
            ("export", "pagerduty", str(team), str(rotation), "--schedule", "PABC1", "-o", "-"),
        ):
            code, out = run(*argv)
            assert code in (0, 1, 2)
            assert UNSAFE_TEXT.search(out.replace("\n", "")) is None


@pytest.mark.parametrize("person", ["evil\\r\\nOK: all good", "\\e[31mred", "x\\u202ey", ""])
@pytest.mark.parametrize("command", [("validate",), ("export", "ics"), ("export", "pagerduty")])
def test_a_person_that_is_no_text_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], person: str, command: tuple[str, ...]
) -> None:
    team, rotation = tmp_path / "team.yaml", tmp_path / "rotation.yaml"
    team.write_text(TEAM_TEXT, encoding="utf-8")
    rotation.write_text(
        "shifts:\n  - start: 2026-12-03T19:00\n    end: 2026-12-03T23:00\n"
        f'    people: ["{person}"]\n',
        encoding="utf-8",
    )
    extra = ("--schedule", "PABC1", "-o", "-") if command[-1] == "pagerduty" else ()
    assert main([*command, str(team), str(rotation), *extra], out=io.StringIO()) == 2
    assert "rotation.yaml:4: shifts[0].people[0]: expected one line of text" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
@pytest.mark.parametrize("when", ["1900-01-01T00:00", "2999-12-31T23:00"])
def test_the_first_and_last_times_allowed_go_through_every_command(
    tmp_path: Path, zone: str, when: str
) -> None:
    """The longest lead and lag around the earliest and latest times, in the zones
    furthest ahead of and behind UTC: nothing overflows `datetime`."""
    team = tmp_path / "team.yaml"
    team.write_text(
        f"team: t\ntimezone: {zone}\npolicy: {{lead: 3650d, lag: 3650d}}\n"
        "people: [{id: ana, pagerduty_id: PANA1}, {id: bo, pagerduty_id: PBO1}]\n"
        f"pto: [{{person: bo, start: '{when[:10]}'}}]\n"
        f"events: [{{title: Deploy, start: '{when}', duration: 1h}}]\n",
        encoding="utf-8",
    )
    rotation = tmp_path / "rotation.yaml"
    assert run("plan", str(team), "-o", str(rotation))[0] == 0
    for argv in (
        ("windows", str(team), "--format", "json"),
        ("validate", str(team), str(rotation), "--format", "markdown"),
        ("export", "ics", str(team), str(rotation), "--per-person", str(tmp_path / "feeds")),
        ("export", "pagerduty", str(team), str(rotation), "--schedule", "PSCHED1", "-o", "-"),
    ):
        assert run(*argv)[0] == 0, argv
    previous = tmp_path / "feeds" / "ana.ics"
    argv = ("export", "ics", str(team), str(rotation), "--previous", str(previous), "-o", "-")
    assert run(*argv)[0] == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("DTSTART", "DTSTART:99991231T230000Z"), "years 1800 to 3199"),
        (("SEQUENCE", "SEQUENCE:many"), "is not usable (its SEQUENCE is not a whole number)"),
    ],
)
def test_a_broken_earlier_export_is_refused_naming_the_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], problem: str
) -> None:
    team = EXAMPLES / "travel-pay" / "team.yaml"
    rotation = EXAMPLES / "travel-pay" / "rotation.yaml"
    previous = tmp_path / "previous.ics"
    assert run("export", "ics", str(team), str(rotation), "-o", str(previous))[0] == 0
    lines = previous.read_bytes().decode().split("\r\n")
    name, replacement = change
    first = lines.index("BEGIN:VEVENT")
    index = next(i for i, line in enumerate(lines) if i > first and line.startswith(name))
    lines[index] = replacement
    previous.write_bytes("\r\n".join(lines).encode())
    argv = ["export", "ics", str(team), str(rotation), "--previous", str(previous), "-o", "-"]
    assert main(argv, out=io.StringIO()) == 2
    error = capsys.readouterr().err
    assert "previous.ics: the event " in error
    assert problem in error


HOSTILE_SUMMARY = "Deploy \x1b[2J\x1b]0;pwned\x07 \u202eyalpsid\\nnow"
"""A SUMMARY that clears the screen, sets the terminal's title, reverses the text after
it and (escaped as RFC 5545 writes it) breaks the line."""


def test_imported_titles_cannot_drive_a_terminal_or_break_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Markdown lists the upcoming windows: "now" is before the event, whatever the date.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//example.org//hostile//EN",
        "BEGIN:VEVENT",
        "UID:hostile@example.org",
        "DTSTAMP:20261101T000000Z",
        "DTSTART:20261203T200000Z",
        "DTEND:20261203T210000Z",
        f"SUMMARY:{HOSTILE_SUMMARY}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    (tmp_path / "releases.ics").write_text("\r\n".join(lines), encoding="utf-8", newline="")
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ana}, {id: bo}]\n"
        "horizon: {start: 2026-12-01, end: 2026-12-31}\nsources: {events: [releases.ics]}\n",
        encoding="utf-8",
    )
    rotation = tmp_path / "rotation.yaml"
    assert run("plan", str(team), "-o", str(rotation))[0] == 0
    title = "Deploy \ufffd[2J\ufffd]0;pwned\ufffd \ufffdyalpsid now"
    for argv, shows_titles in (
        (("windows", str(team)), True),
        (("plan", str(team)), True),
        (("validate", str(team), str(rotation), "--format", "markdown"), True),
        (("validate", str(team), str(rotation)), False),  # no finding, no title
    ):
        code, out = run(*argv)
        assert code == 0
        assert UNSAFE_TEXT.search(out.replace("\n", "")) is None, argv
        shown = title
        if "markdown" in argv:  # link brackets escaped: the text stays text
            shown = title.replace("[", "\\[").replace("]", "\\]")
        assert (shown in out) == shows_titles, argv
    code, out = run("windows", str(team), "--format", "json")
    (window,) = json.loads(out)["windows"]
    assert window["events"][0]["title"] == title
    assert run("export", "ics", str(team), str(rotation), "-o", str(tmp_path / "out.ics"))[0] == 0
    exported = (tmp_path / "out.ics").read_bytes().decode()
    assert UNSAFE_TEXT.search(exported.replace("\r\n", "")) is None
    (event,) = icalendar.Calendar.from_ical(exported).walk("VEVENT")
    assert title in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("history", "shown"),
    [
        ("", "the event \ufffd]0;pwned\ufffd@example.org"),
        ('{"a\\e[2Jb": 1h}', "history.a\ufffd[2Jb"),
    ],
)
def test_error_messages_quoting_a_foreign_file_are_safe_to_print(
    tmp_path: Path, history: str, shown: str
) -> None:
    """A calendar's UID in a message, a key in a path: printed without their escapes."""
    (tmp_path / "releases.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example.org//x//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:\x1b]0;pwned\x07@example.org\r\nDTSTAMP:20261101T000000Z\r\n"
        b"DTSTART:20261203T2000\r\nSUMMARY:x\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (tmp_path / "team.yaml").write_text(
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2026-12-31}\n"
        "sources: {events: [releases.ics]}\n" + (f"history: {history}\n" if history else ""),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        coverage_windows(load_team(tmp_path / "team.yaml"))
    message = str(caught.value)
    assert shown in message
    assert UNSAFE_TEXT.search(message.replace("\n", "")) is None


@given(st.text())
def test_one_line_leaves_nothing_unsafe(text: str) -> None:
    line = one_line(text)
    assert UNSAFE_TEXT.search(line) is None
    assert line == line.strip()
    assert one_line(line) == line


def test_too_many_people_is_refused_with_a_clear_message() -> None:
    people = "".join(f"  - {{id: p{i}}}\n" for i in range(10_001))
    with pytest.raises(InputError, match=r"people: list should have at most 10000 items"):
        parse_team(f"team: t\ntimezone: UTC\npeople:\n{people}")


def test_a_file_too_large_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "team.yaml"
    with big.open("wb") as stream:
        stream.truncate(21 * 1024 * 1024)
    with pytest.raises(InputError, match=r"team\.yaml: the file is larger than 20 MiB"):
        load_team(big)


def test_ids_that_would_escape_a_folder_are_refused() -> None:
    with pytest.raises(InputError, match=r"people\[0\]\.id: expected an id"):
        parse_team("team: t\ntimezone: UTC\npeople: [{id: ../../etc/passwd}]\n")
