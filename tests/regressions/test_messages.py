"""Issue 21: every message a newcomer met in their first hour, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall.cli import main

TEAM = """\
team: t
timezone: Europe/London
horizon: {start: 2026-12-01, end: 2026-12-31}
people:
  - {id: ada, name: Ada, pagerduty_id: PADA001}
  - {id: ben, name: Ben}
events:
  - {title: Deploy, start: 2026-12-03T20:00, duration: 1h}
"""


OUT: list[str] = []


def oncall(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the command in ``tmp_path``; its exit code and standard error (output: ``OUT``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        code = main(list(argv))
    captured = capsys.readouterr()
    OUT[:] = [captured.out]
    return code, captured.err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("", "policy: {min_staff: 3, ideal_staff: 2}\n"),
            "team.yaml:9: policy.ideal_staff: must be at least min_staff, found 2 "
            "(min_staff is 3: raise ideal_staff to 3, or lower min_staff)",
        ),
        (
            ("duration: 1h", "duration: 60"),
            "team.yaml:8: events[0].duration: a duration needs a unit, found 60 "
            "(write 60m for minutes or 60h for hours)",
        ),
        (
            ("duration: 1h", "end: 2026-12-03T19:00"),
            "team.yaml:8: events[0].end: the event ends before it starts, found "
            "'2026-12-03T19:00' (the start is 2026-12-03T20:00: give a later end, or a duration)",
        ),
        (
            ("timezone: Europe/London", "timezone: london"),
            "team.yaml:2: timezone: unknown time zone 'london' (did you mean 'Europe/London'?)",
        ),
        (
            (
                "",
                "pto:\n  - {person: zed, start: 2026-12-01}\n  - {person: zoe, start: 2026-12-02}\n",
            ),
            "team.yaml:10: pto[0].person: unknown person 'zed' (add them to people)\n"
            "team.yaml:11: pto[1].person: unknown person 'zoe' (add them to people)",
        ),
    ],
)
def test_team_file_messages(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: tuple[str, str],
    message: str,
) -> None:
    old, new = change
    text = TEAM + new if not old else TEAM.replace(old, new)
    (tmp_path / "team.yaml").write_text(text, encoding="utf-8")
    assert oncall(tmp_path, capsys, "windows", "team.yaml") == (2, f"oncall: error: {message}\n")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "team.yaml").write_text(TEAM, encoding="utf-8")
    (tmp_path / "rotation.yaml").write_text(
        "shifts:\n  - {start: 2026-12-03T19:00, end: 2026-12-03T22:00, people: [ada, ben]}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_swapped_files(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert oncall(files, capsys, "validate", "rotation.yaml", "team.yaml") == (
        2,
        "oncall: error: rotation.yaml:1: this is a rotation file (it has 'shifts'), not a team "
        "file (did you swap TEAM and ROTATION? the team file comes first)\n",
    )


def test_from_past_the_horizon_end(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert oncall(files, capsys, "windows", "team.yaml", "--from", "2027-05-01") == (
        2,
        "oncall: error: --from 2027-05-01 is not before the end of the team file's horizon "
        "(the end of Thu 2026-12-31, from horizon.end) (give --to as well, or a later "
        "horizon.end)\n",
    )


def test_a_person_without_a_pagerduty_id(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("export", "pagerduty", "team.yaml", "rotation.yaml", "--schedule", "PPRIMRY")
    assert oncall(files, capsys, *argv, "--schedule", "PSECOND", "-o", "-") == (
        2,
        "oncall: error: rotation.yaml:2: shifts[0].people[1]: Ben (id 'ben') is on call here "
        "but has no pagerduty_id (add their PagerDuty user id as people[1].pagerduty_id in "
        "the team file)\n",
    )


def test_validate_text_and_plan_output(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = files / "team.yaml"
    team.write_text(
        TEAM.replace("duration: 1h}", "duration: 1h, rrule: 'FREQ=DAILY;COUNT=2'}")
        + "policy: {min_rest: 30h, min_staff: 1, ideal_staff: 1}\n",
        encoding="utf-8",
    )
    (files / "rotation.yaml").write_text(
        "shifts:\n"
        "  - {start: 2026-12-03T19:00, end: 2026-12-03T22:00, people: [ada]}\n"
        "  - {start: 2026-12-04T19:00, end: 2026-12-04T22:00, people: [ada]}\n",
        encoding="utf-8",
    )
    code, _ = oncall(files, capsys, "validate", "team.yaml", "rotation.yaml")
    text = OUT[0]
    assert code == 0
    assert "Outside the windows" not in text
    assert text.endswith(
        "\nRest between shifts\n"
        "  warning rest-violation (rotation.yaml:2): Ada rests only 21h between shifts "
        "(Thu 2026-12-03 22:00 GMT - Fri 2026-12-04 19:00 GMT); min_rest is 30h.\n"
    )
    assert oncall(files, capsys, "plan", "team.yaml", "-o", "planned.yaml") == (
        0,
        "oncall: wrote the rotation to planned.yaml\n",
    )
    assert "On-call time: Ada 3h, Ben 3h\n" in OUT[0]
