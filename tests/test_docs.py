"""Docs run: every ``python`` block executes and every ``console`` block prints what it shows.

A ``python`` block's ``# <text>`` comment right after a ``print`` is the printed line.
A ``console`` block's ``$ .venv/bin/oncall ...`` lines run the installed command from the
repository's root; the lines up to the next ``$`` are what it prints (standard output, then standard error).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import subprocess

import pytest

from .conftest import ONCALL, ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(kind: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for number, match in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8"))):
            if match.group(1) == kind:
                found.append((f"{path.relative_to(ROOT)}#{number}", match.group(2)))
    return found


@pytest.mark.parametrize(("where", "code"), blocks("python"))
def test_python_blocks_run(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, where, "exec"), {})  # noqa: S102 - our own documentation
    assert out.getvalue().splitlines() == expected, where


# The tutorial and the how-tos are followed literally, in a folder of their own, by
# tests/test_walkthroughs.py; the other pages' console blocks run from the repository.
WALKTHROUGHS = ("docs/tutorial.md#", "docs/how-to/")


@pytest.mark.parametrize(
    ("where", "session"),
    [(w, s) for w, s in blocks("console") if not w.startswith(WALKTHROUGHS)],
)
def test_console_blocks_print_what_they_show(where: str, session: str) -> None:
    commands = re.split(r"^\$ ", session, flags=re.MULTILINE)[1:]
    assert commands, f"{where}: a console block without a command"
    for command in commands:
        line, _, expected = command.partition("\n")
        argv = shlex.split(line)
        if argv[0].endswith("oncall"):
            argv[0] = ONCALL
        result = subprocess.run(
            argv, capture_output=True, text=True, cwd=ROOT, check=False, timeout=60
        )
        shown = result.stdout + result.stderr
        assert shown.rstrip("\n") == expected.rstrip("\n"), f"{where}: {line}"


def _commands(
    parser: argparse.ArgumentParser, prefix: str
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every leaf command (``oncall export ics``...) with its parser."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, f"{prefix} {name}")
    return found or [(prefix, parser)]


def test_every_command_is_documented() -> None:
    from oncall.cli import build_parser  # noqa: PLC0415 - only this test needs the parser

    reference = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    commands = _commands(build_parser(), "oncall")
    assert len(commands) >= 5
    for name, parser in commands:
        assert f"## `{name}`" in reference, name
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in reference, f"{name} {option}"


def test_every_finding_code_is_documented() -> None:
    from oncall.models import Code  # noqa: PLC0415 - only this test needs the codes

    reference = (ROOT / "docs" / "reference" / "findings.md").read_text(encoding="utf-8")
    for code in Code:
        assert f"| `{code}` | {code.severity} |" in reference, code


def test_every_docs_page_is_in_the_site_navigation() -> None:
    navigation = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (ROOT / "docs").rglob("*.md"):
        assert str(page.relative_to(ROOT / "docs")) in navigation, page


@pytest.mark.parametrize(
    ("where", "text"),
    [
        (w, t)
        for w, t in blocks("yaml")
        if w.startswith("docs/reference/team-file.md") and t.startswith("team:")
    ],
)
def test_whole_team_files_in_the_reference_run_as_copied(where: str, text: str) -> None:
    """A block that starts like a team file (not an excerpt) loads and plans as it stands."""
    import oncall  # noqa: PLC0415 - only this test uses the library directly

    team = oncall.parse_team(text, name="team.yaml")
    assert oncall.plan(team).shifts, where
