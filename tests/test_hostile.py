"""Hostile and broken input: only success or an InputError (exit 2), never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncall import InputError, coverage_windows, load_team, parse_rotation, parse_team

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
