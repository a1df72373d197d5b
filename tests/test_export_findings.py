"""SPEC 8: what the exports do with a rotation's findings, and where they write."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from oncall.checker import validate, would_page_wrong_person
from oncall.cli import main
from oncall.load import load_rotation, load_team
from oncall.models import Code

from .conftest import EXAMPLES

TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
PD = ("--schedule", "PPRIMRY", "--schedule", "PSECOND")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def rotation_with(tmp_path: Path, old: str, new: str) -> Path:
    """The example rotation with one shift's people changed."""
    text = ROTATION.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rotation.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def on_time_off(tmp_path: Path) -> Path:
    """Dana Lee (off 2027-01-04 to 01-08) on call on 2027-01-07."""
    return rotation_with(tmp_path, "people: [bortiz, cobi]", "people: [dlee, cobi]")


def test_the_rule_is_time_off_and_unknown_people(tmp_path: Path) -> None:
    team = load_team(TEAM)
    findings = validate(team, load_rotation(on_time_off(tmp_path), team)).findings
    assert [f.code for f in would_page_wrong_person(findings)] == [Code.PTO_CONFLICT]
    unknown = rotation_with(tmp_path, "people: [apark, bortiz]", "people: [apark, zed]")
    findings = validate(team, load_rotation(unknown, team)).findings
    assert [f.code for f in would_page_wrong_person(findings)] == [Code.UNKNOWN_PERSON]
    assert would_page_wrong_person(validate(team, load_rotation(ROTATION, team)).findings) == ()


def test_pagerduty_refuses_a_rotation_that_pages_someone_on_time_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation, target = on_time_off(tmp_path), tmp_path / "pd.json"
    assert run("export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", str(target))[0] == 1
    assert not target.exists()
    err = capsys.readouterr().err
    assert err.startswith(
        f"oncall: {rotation} has 1 error, which would page the wrong person:\n"
        "  error pto-conflict: Dana Lee is on call Thu 2027-01-07 19:00-23:00 EST but on time "
        "off then; take them off the shift or find someone else.\n"
        "oncall: nothing was written (fix the rotation, or use --force)\n"
        f"oncall: {rotation} has 1 warning besides:\n"
        "  warning understaffed: Only Chidi Obi is on call"
    )
    code, _ = run(
        "export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", str(target), "--force"
    )
    assert code == 0
    assert "pto-conflict" in capsys.readouterr().err
    users = {
        o["user"]["id"]
        for r in json.loads(target.read_text(encoding="utf-8"))["requests"]
        for o in r["body"]["overrides"]
    }
    assert "PDAN004" in users


def test_pagerduty_refuses_an_unknown_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation = rotation_with(tmp_path, "people: [apark, bortiz]", "people: [apark, zed]")
    assert run("export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", "-")[0] == 1
    err = capsys.readouterr().err
    assert "which would page the wrong person:\n  error unknown-person:" in err
    assert run("export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", "-", "--force")[0] == 2
    assert (
        f"{rotation}:3: shifts[0].people[1]: this person is not in the team file's people, "
        "so has no pagerduty_id 'zed'" in capsys.readouterr().err
    )


def test_pagerduty_prints_other_findings_and_goes_ahead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation = rotation_with(tmp_path, "people: [apark, bortiz]", "people: [apark]")
    code, out = run("export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", "-")
    assert code == 0
    assert json.loads(out)["requests"]
    err = capsys.readouterr().err
    assert err.startswith(f"oncall: {rotation} has 1 warning:\n  warning understaffed: Only Ada")
    assert run("export", "pagerduty", str(TEAM), str(rotation), *PD, "-o", "-", "--strict")[0] == 1


def test_ics_writes_and_prints_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rotation, target = on_time_off(tmp_path), tmp_path / "oncall.ics"
    assert run("export", "ics", str(TEAM), str(rotation), "-o", str(target))[0] == 0
    assert target.exists()
    assert "  error pto-conflict: Dana Lee is on call" in capsys.readouterr().err
    target.unlink()
    assert run("export", "ics", str(TEAM), str(rotation), "-o", str(target), "--strict")[0] == 1
    assert not target.exists()
    assert capsys.readouterr().err.endswith("oncall: nothing was written (--strict)\n")


def test_ics_strict_refuses_warnings_too(tmp_path: Path) -> None:
    rotation = rotation_with(tmp_path, "people: [apark, bortiz]", "people: [apark]")
    target = tmp_path / "oncall.ics"
    assert run("export", "ics", str(TEAM), str(rotation), "-o", str(target), "--strict")[0] == 1
    assert not target.exists()


def test_a_publishing_job_first_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o public/oncall.ics` makes `public/`; a `--previous` not written yet is no error."""
    feed = tmp_path / "public" / "oncall.ics"
    argv = ("export", "ics", str(TEAM), str(ROTATION), "-o", str(feed), "--previous", str(feed))
    assert run(*argv) == (0, "")
    assert feed.is_file()
    assert capsys.readouterr().err == ""
    assert run(*argv)[0] == 0  # the second run reads the first
    target = tmp_path / "deep" / "er" / "pd.json"
    assert run("export", "pagerduty", str(TEAM), str(ROTATION), *PD, "-o", str(target))[0] == 0
    assert target.is_file()
