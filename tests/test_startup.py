"""What each command imports: the start-up of ``oncall validate`` stays short.

Time is measured in ``benchmarks/startup.py``, never here; these tests pin the cause
instead: the modules that made start-up slow are not imported by commands that do not
need them. Each runs in a fresh interpreter, since the test process has imported
everything already.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from oncall import cli
from tests.conftest import EXAMPLES

TEAM = str(EXAMPLES / "travel-pay" / "team.yaml")
ROTATION = str(EXAMPLES / "travel-pay" / "rotation.yaml")

PROBE = """
import contextlib, io, sys
from oncall.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
modules = sorted(sys.modules)
import json  # after the command: it should not import json itself
print(json.dumps({"code": code, "modules": modules}))
"""

SLOW: tuple[str, ...] = (
    "icalendar",  # the exports and calendar sources only
    "recurring_ical_events",
    "x_wr_timezone",
    "pydantic.main",  # pydantic's models: validation uses pydantic-core directly
    "pydantic._internal._generate_schema",
    "importlib.metadata",  # pydantic's plugin loader scans every installed package
    "oncall.planner",  # plan and the exports without a rotation only
    "oncall.export.ics",
    "tomllib",  # TOML files only
    "tomli_w",
    "tempfile",  # writing files only
    "shutil",  # argparse asks it for the terminal's width unless told
    "difflib",  # "did you mean" hints, for mistakes only
    "pagerduty",  # PagerDuty's client and its HTTP stack: oncall sync pagerduty only
    "httpx2",
    "oncall.export.pagerduty_sync",
    "holidays",  # public holidays: reports (and planning) only
    "oncall.review",
    "oncall.timeline",
    "hashlib",  # imported calendars' event ids only (it loads OpenSSL)
    "json",  # JSON files and JSON output only
    "oncall.sources",  # teams with calendar sources only
    "re2",  # `match` patterns of calendar sources only
    "pathlib",  # calendar sources and writing files only (it imports urllib.parse, ipaddress)
    "yaml",  # PyYAML: YAML that the line reader leaves to libyaml, and placing its errors only
)
ON_FIRST_USE: tuple[str, ...] = (
    "dateutil",  # recurrence rules only
    "dateutil.rrule",
    "jsonschema",  # never by the command: the tests check the schemas with it
)
"""Not imported by `oncall.cli` itself, nor by a command on a team without what needs them."""

PLAIN_TEAM = """\
team: plain
timezone: America/New_York
horizon: {start: 2026-12-01, end: 2026-12-31}
people:
  - {id: apark, name: Ada Park}
  - {id: bortiz, name: Ben Ortiz}
events:
  - {title: API deployment, risk: high, start: 2026-12-03T20:00, duration: 2h}
  - {title: CRM update, risk: moderate, start: 2026-12-09T18:00, duration: 3h}
"""
"""A team with no recurrence rule, calendar source or email: plain YAML."""


def imported_by(*argv: str) -> set[str]:
    """The modules imported to run ``oncall ARGV`` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout)
    assert report["code"] == 0, result.stderr
    return set(report["modules"])


def test_validate_imports_nothing_it_does_not_need() -> None:
    modules = imported_by("validate", TEAM, ROTATION)
    assert "pydantic_core" in modules  # the probe sees what was imported
    assert "oncall.checker" in modules
    assert sorted(set(SLOW) & modules) == []


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (("plan", TEAM), "oncall.planner"),
        (("export", "ics", TEAM, ROTATION), "icalendar"),
        (("report", TEAM, ROTATION), "holidays"),
    ],
)
def test_the_commands_that_need_a_slow_module_import_it(argv: tuple[str, ...], needed: str) -> None:
    assert needed in imported_by(*argv)


def test_importing_the_command_imports_nothing_a_command_may_not_need() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import oncall.cli; modules = sorted(sys.modules); "
            "import json; print(json.dumps(modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(result.stdout))
    assert "oncall.schema" in modules  # the probe sees what was imported
    assert sorted(set(SLOW + ON_FIRST_USE) & modules) == []


def test_planning_a_plain_team_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(PLAIN_TEAM, encoding="utf-8")
    modules = imported_by("plan", str(team))
    assert "oncall.planner" in modules
    assert sorted((set(SLOW + ON_FIRST_USE) - {"oncall.planner"}) & modules) == []


def test_a_recurrence_rule_still_imports_dateutil() -> None:
    assert "dateutil.rrule" in imported_by("validate", TEAM, ROTATION)  # its rrule


def test_a_team_file_compiles_one_pattern_of_dates_and_times(tmp_path: Path) -> None:
    """Its times-only fields (event starts) use the pattern of its dates or times.

    Each of these patterns takes a millisecond or more to compile, at every start.
    """
    team = tmp_path / "team.yaml"
    team.write_text(PLAIN_TEAM, encoding="utf-8")
    probe = (
        "import contextlib, io, sys\n"
        "from oncall.cli import main\n"
        "from oncall.timeutil import when_pattern\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['windows', sys.argv[1]])\n"
        "print(when_pattern.cache_info().misses)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(team)], capture_output=True, text=True, check=True
    )
    assert "start: 2026-12-03T20:00" in PLAIN_TEAM  # a times-only field is read
    assert result.stdout.split() == ["1"]


COMMAND_LINES: tuple[tuple[str, ...], ...] = (
    ("windows", TEAM, "--format", "json", "--to", "2026-12-31"),
    ("plan", TEAM, "--from", "2026-12-01", "--explain", "-o", "out.yaml", "--format", "json"),
    ("validate", TEAM, ROTATION, "--strict", "--format", "github"),
    ("export", "ics", TEAM, ROTATION, "--person", "apark", "--remind", "15m"),
    ("export", "pagerduty", TEAM, "--schedule", "PABC1", "--schedule", "PABC2", "-o", "x.json"),
    ("export", "pagerduty-escalation", TEAM, "-o", "policy.json"),
    ("sync", "pagerduty", TEAM, ROTATION, "--schedule", "PABC1", "--apply"),
    ("report", TEAM, "--format", "html", "-o", "report.html"),
    ("schema", "rotation"),
)


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv[:2]))
def test_the_parser_built_for_a_command_reads_it_as_the_whole_parser_does(
    argv: tuple[str, ...],
) -> None:
    """`main` builds only its command's arguments (most of the parser's cost at start)."""
    whole = cli.build_parser()
    assert vars(cli.build_parser(argv[0]).parse_args(argv)) == vars(whole.parse_args(argv))
    assert cli.build_parser(argv[0]).format_help() == whole.format_help()


def test_main_builds_the_arguments_of_its_command_only(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str | None] = []
    whole = cli.build_parser

    def recording(command: str | None = None) -> argparse.ArgumentParser:
        built.append(command)
        return whole(command)

    monkeypatch.setattr(cli, "build_parser", recording)
    assert cli.main(["schema", "rotation"], out=io.StringIO()) == 0
    assert built == ["schema"]
