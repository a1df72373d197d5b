"""Every example runs, and prints what it printed when it was written."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from oncall.cli import main

from .conftest import EXAMPLES, ROOT, Golden

SCRIPTS = sorted(EXAMPLES.glob("*.py"))
TEAMS = sorted(EXAMPLES.glob("*/team.yaml"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_scripts(script: Path, golden: Golden) -> None:
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    golden(f"examples/{script.name}.txt", result.stdout)


@pytest.mark.parametrize("team", TEAMS, ids=lambda p: p.parent.name)
def test_example_teams_plan_without_errors(
    team: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    assert main(["plan", str(team.relative_to(ROOT))], out=out) == 0
    golden(f"examples/{team.parent.name}.plan.txt", out.getvalue())
    assert "error" not in out.getvalue()


def test_there_are_examples() -> None:
    assert len(SCRIPTS) >= 1
    assert {t.parent.name for t in TEAMS} >= {"travel-pay", "two-zones", "release-calendar"}


@pytest.mark.parametrize("which", ["team", "rotation"])
def test_the_shipped_schemas_are_what_oncall_schema_prints(which: str) -> None:
    """`examples/<which>.schema.json` is regenerated with `oncall schema <which>`."""
    out = io.StringIO()
    assert main(["schema", which], out=out) == 0
    shipped = EXAMPLES / f"{which}.schema.json"
    assert shipped.read_text(encoding="utf-8") == out.getvalue(), (
        f"run: oncall schema {which} > examples/{which}.schema.json"
    )


def test_every_schema_an_example_points_at_is_shipped() -> None:
    pointers = [
        (path, line.partition("$schema=")[2].strip())
        for path in EXAMPLES.rglob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "yaml-language-server: $schema=" in line
    ]
    assert pointers
    for path, target in pointers:
        assert (path.parent / target).is_file(), f"{path}: {target}"
