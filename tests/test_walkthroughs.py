"""The tutorial and every how-to, followed literally in an empty folder.

A page is read top to bottom, as a reader follows it:

- a ``yaml`` block whose first line is ``# NAME`` writes the file NAME, and one whose
  first line is ``# NAME, continued`` adds to it; other ``yaml`` blocks are excerpts;
- a ``console`` block runs each ``$ `` line with bash in the folder and compares what it
  prints (standard output, then standard error) with the lines below it;
- a ``sh`` block runs with ``bash -e`` in the folder and must succeed, unless it reaches
  outside the folder (``pip install``, ``curl``, ``git``, ``oncall sync``): the environment running the
  tests is the installed one, and its ``bin`` is first on ``PATH``, as after activating.

The tutorial starts in an empty folder. A how-to starts where the tutorial ended: its
``team.yaml`` and ``rotation.yaml``, with the repository's ``examples/`` beside them, as
each how-to says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ONCALL, ROOT

DOCS = ROOT / "docs"
PAGES = [
    DOCS / "tutorial.md",
    # The release how-to runs in the repository, not in a user's folder: its build and
    # check steps are followed by tests/test_release.py.
    *sorted(p for p in (DOCS / "how-to").glob("*.md") if p.name != "release.md"),
]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BASH = shutil.which("bash") or "/bin/bash"
OUTSIDE = re.compile(r"\bpip install\b|\bcurl\b|^\s*git\b|\boncall sync\b", re.MULTILINE)
"""Commands that reach outside the folder (a package index, PagerDuty, a remote): the
sync how-to's commands are run against a fake PagerDuty by tests/test_sync_pagerduty.py."""


def environment() -> dict[str, str]:
    """The reader's shell after activating the environment: its ``bin`` first on PATH."""
    bin_folder = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_folder + os.pathsep + os.environ.get("PATH", ""),
        "SOURCE_DATE_EPOCH": "1796083200",  # the pages show reproducible output
        "COLUMNS": "80",
        "NO_COLOR": "1",
    }


def shell(script: str, folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with bash in ``folder``, as the reader's shell would."""
    return subprocess.run(
        [BASH, *options, "-c", script],
        cwd=folder,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def follow(page: Path, folder: Path) -> list[str]:
    """Follow ``page`` in ``folder``; the commands it ran."""
    ran = []
    for kind, body in BLOCK.findall(page.read_text(encoding="utf-8")):
        first = body.partition("\n")[0]
        if kind == "yaml" and first.startswith("# "):
            name, _, more = first[2:].partition(", ")
            target = folder / name
            assert more in ("", "continued"), f"{page.name}: {first}"
            with target.open("a" if more else "w", encoding="utf-8") as stream:
                stream.write(body)
        elif kind == "console":
            for command in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
                line, _, expected = command.partition("\n")
                result = shell(line, folder)
                shown = (result.stdout + result.stderr).rstrip("\n")
                assert shown == expected.rstrip("\n"), f"{page.name}: {line}"
                ran.append(line)
        elif kind == "sh" and not OUTSIDE.search(body):
            result = shell(body, folder, "-e")
            assert result.returncode == 0, f"{page.name}: {body}\n{result.stderr}"
            ran.append(body)
    return ran


def test_the_tutorial_in_an_empty_folder(tmp_path: Path) -> None:
    ran = follow(DOCS / "tutorial.md", tmp_path)
    assert len(ran) >= 8
    # The team file the tutorial builds is the repository's example, as it says.
    example = tmp_path / "example"
    example.mkdir()
    shutil.copy(EXAMPLES / "travel-pay" / "team.yaml", example / "team.yaml")
    for argv in (["plan", "--format", "json"], ["windows", "--format", "json"]):
        ours, theirs = (
            subprocess.run(
                [ONCALL, argv[0], "team.yaml", *argv[1:]],
                cwd=where,
                env=environment(),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for where in (tmp_path, example)
        )
        assert ours == theirs, argv
    for made in ("team.schema.json", "rotation.yaml", "public/oncall.ics", "pd.json"):
        assert (tmp_path / made).is_file(), made
    assert sorted(p.name for p in (tmp_path / "public" / "feeds").iterdir()) == [
        "apark.ics",
        "bortiz.ics",
        "cobi.ics",
        "dlee.ics",
    ]
    assert (tmp_path / "policy.json").is_file()


@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.stem)
def test_each_how_to_from_where_the_tutorial_ended(page: Path, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "travel-pay" / "team.yaml", tmp_path / "team.yaml")
    shutil.copy(EXAMPLES / "travel-pay" / "rotation.yaml", tmp_path / "rotation.yaml")
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    text = page.read_text(encoding="utf-8")
    assert "where the [tutorial](../tutorial.md) ended" in text, f"{page.name} says where it starts"
    follow(page, tmp_path)
