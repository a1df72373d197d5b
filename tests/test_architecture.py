"""Rules of the code's shape that import-linter cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = sorted((ROOT / "src" / "oncall").rglob("*.py"))
ZONE_MODULES = {"timeutil.py", "vtimezone.py"}
"""Where instants meet zones: `oncall.timeutil`, and the VTIMEZONE writer, whose job is
a zone's transitions."""


def zone_meetings(path: Path) -> list[str]:
    """Conversions of an instant to a zone's wall clock: ``.astimezone(zone)`` (not UTC)
    and ``.replace(tzinfo=None)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, args = node.func.attr, node.args
        if method == "astimezone" and not (
            len(args) == 1 and isinstance(args[0], ast.Name) and args[0].id == "UTC"
        ):
            found.append(f"{path.name}:{node.lineno}: .astimezone({ast.unparse(node)[-20:]})")
        if method == "replace" and any(
            k.arg == "tzinfo" and isinstance(k.value, ast.Constant) and k.value.value is None
            for k in node.keywords
        ):
            found.append(f"{path.name}:{node.lineno}: .replace(tzinfo=None)")
    return found


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name not in ZONE_MODULES], ids=str)
def test_local_time_meets_utc_only_in_timeutil(path: Path) -> None:
    assert zone_meetings(path) == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("a.astimezone(zone)\nb.astimezone(UTC)\nc.replace(tzinfo=None)\n")
    assert [line.split(":")[1] for line in zone_meetings(sample)] == ["1", "3"]
