"""oncall validate: every format on passing and failing rotations, exit codes, CI use."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from oncall import load_rotation, load_team, plan, validate
from oncall.cli import main
from oncall.render import dump_rotation

from .conftest import EXAMPLES, ONCALL, ROOT, Golden, installed

TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
BROKEN = """\
# A hand-edited rotation with mistakes.
shifts:
  - start: 2026-12-03T19:00:00-05:00
    end: 2026-12-03T23:00:00-05:00
    people: [apark]
  - start: 2026-12-09T17:00:00-05:00
    end: 2026-12-09T22:00:00-05:00
    people: [cobi, cobi, zed]
  - start: 2026-12-10T19:00:00-05:00
    end: 2026-12-10T21:00:00-05:00
    people: [apark, bortiz]
  - start: 2026-12-15T20:30:00-05:00
    end: 2026-12-15T23:30:00-05:00
    people: [dlee, cobi]
"""


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The broken rotation, as a relative path (as CI passes it)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(TEAM, tmp_path / "team.yaml")
    (tmp_path / "rotation.yaml").write_text(BROKEN, encoding="utf-8")
    return "rotation.yaml"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*argv: str, out: io.StringIO | None = None) -> tuple[int, str]:
    stream = out or io.StringIO()
    code = main(list(argv), out=stream)
    return code, stream.getvalue()


def test_the_example_rotation_is_the_examples_plan() -> None:
    team = load_team(TEAM)
    assert ROTATION.read_text(encoding="utf-8") == dump_rotation(team, plan(team), "yaml")


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
def test_a_passing_rotation(fmt: str, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    code, out = run(
        "validate", str(TEAM.relative_to(ROOT)), str(ROTATION.relative_to(ROOT)), "--format", fmt
    )
    assert code == 0
    golden(f"validate-pass.{fmt}", out)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "markdown"])
def test_a_failing_rotation(
    broken: str, fmt: str, golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    code, out = run("validate", "team.yaml", broken, "--format", fmt, "--to", "2026-12-17")
    assert code == 1
    golden(f"validate-fail.{fmt}", out)


def test_json_counts_and_staffing_ratio(broken: str) -> None:
    _, out = run("validate", "team.yaml", broken, "--format", "json", "--to", "2026-12-17")
    document = json.loads(out)
    assert document["ok"] is False
    summary = document["summary"]
    assert summary["windows"] == 5
    assert summary["by_severity"] == {"error": 4, "warning": 2, "info": 0}
    assert summary["by_code"]["uncovered"] == 2  # 12-10 after 21:00, and 12-17 (no shift at all)
    # 20h of windows; ideal only on 12-10 19-21 (2h) and 12-15 (3h).
    assert summary["window_hours"] == 20.0
    assert summary["ideal_hours"] == 5.0
    assert summary["staffing_ratio"] == 0.25


def test_github_annotations_point_at_the_shifts_line(broken: str) -> None:
    _, out = run("validate", "team.yaml", broken, "--format", "github", "--to", "2026-12-17")
    lines = out.splitlines()
    assert (
        "::warning file=rotation.yaml,line=3,title=oncall understaffed::Only Ada Park is on call"
        in lines[0]
    )
    assert any(
        line.startswith("::error file=rotation.yaml,line=6,title=oncall duplicate-person::")
        for line in lines
    )
    assert any(
        line.startswith(
            "::error file=rotation.yaml,line=9,title=oncall uncovered::Nobody is on call Thu 2026-12-10 21:00-23:00 EST"
        )
        for line in lines
    )
    # A window without any shift points at its event in the team file.
    assert any(
        line.startswith(
            "::error file=team.yaml,line=53,title=oncall uncovered::Nobody is on call Thu 2026-12-17"
        )
        for line in lines
    )


def test_strict_fails_on_warnings_too(tmp_path: Path) -> None:
    team = load_team(TEAM)
    rotation = load_rotation(ROTATION, team)
    alone = tmp_path / "rotation.yaml"
    alone.write_text(
        ROTATION.read_text(encoding="utf-8").replace("[apark, bortiz]", "[apark]", 1),
        encoding="utf-8",
    )
    assert validate(team, rotation).ok
    assert run("validate", str(TEAM), str(alone))[0] == 0
    assert run("validate", str(TEAM), str(alone), "--strict")[0] == 1
    code, out = run("validate", str(TEAM), str(alone), "--strict", "--format", "json")
    assert (code, json.loads(out)["ok"]) == (1, False)


def test_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rotation.yaml"
    bad.write_text(
        "shifts:\n  - start: 2026-12-03T19:00\n    end: soon\n    people: []\n", encoding="utf-8"
    )
    assert run("validate", str(TEAM), str(bad))[0] == 2
    assert f"{bad}:3: shifts[0].end: invalid date or time 'soon'" in capsys.readouterr().err
    assert run("validate", str(TEAM), str(tmp_path / "missing.yaml"))[0] == 2


def test_colour_only_on_a_terminal_and_never_with_no_color(
    broken: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, plain = run("validate", "team.yaml", broken)
    _, coloured = run("validate", "team.yaml", broken, out=FakeTerminal())
    assert "\033[" not in plain
    assert "\033[31merror uncovered\033[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    _, no_color = run("validate", "team.yaml", broken, out=FakeTerminal())
    assert no_color == plain


def test_the_example_workflow_runs_against_the_examples(tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["validate"]["steps"]
    commands = [s["run"] for s in steps if "run" in s and "oncall validate" in s["run"]]
    assert len(commands) == 2
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        **workflow["env"],
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(ONCALL).parent}{os.pathsep}{os.environ['PATH']}",
    }
    bash = shutil.which("bash") or "/bin/bash"
    for command in commands:
        result = subprocess.run(
            [bash, "-ec", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    assert summary.read_text(encoding="utf-8").startswith(
        "### ✅ oncall: `examples/travel-pay/rotation.yaml` passes"
    )


def test_the_pre_commit_hook_runs_the_installed_command() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "oncall validate"
    assert installed("validate", str(TEAM), str(ROTATION)).returncode == 0


def test_installed_validate_fails_a_broken_rotation(broken: str) -> None:
    result = installed("validate", "team.yaml", broken, "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith("::warning file=rotation.yaml,line=3")
    assert result.stderr == ""


def test_github_commands_escape_what_would_break_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.yaml").write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ada, name: 'Ada, 100%: Lead'}]\n"
        "events: [{title: Deploy, start: 2026-12-03T20:00, duration: 1h}]\n",
        encoding="utf-8",
    )
    name = "rota:1,2.yaml"
    (tmp_path / name).write_text(
        "shifts: [{start: 2026-12-03T19:00, end: 2026-12-03T22:00, people: [ada]}]\n",
        encoding="utf-8",
    )
    code, out = run("validate", "team.yaml", name, "--format", "github")
    assert code == 0
    assert out == (
        "::warning file=rota%3A1%2C2.yaml,line=1,title=oncall understaffed::Only Ada, 100%25: Lead "
        "is on call Thu 2026-12-03 19:00-22:00 UTC for Deploy (deploy-2026-12-03) (2 wanted).\n"
    )
    _, markdown = run("validate", "team.yaml", name, "--format", "markdown")
    assert "| Ada, 100%: Lead |" in markdown
