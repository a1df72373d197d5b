"""What each command imports: the start-up of ``oncall validate`` stays short.

Time is measured in ``benchmarks/startup.py``, never here; these tests pin the cause
instead: the modules that made start-up slow are not imported by commands that do not
need them. Each runs in a fresh interpreter, since the test process has imported
everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

TEAM = str(EXAMPLES / "travel-pay" / "team.yaml")
ROTATION = str(EXAMPLES / "travel-pay" / "rotation.yaml")

PROBE = """
import contextlib, io, json, sys
from oncall.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
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
)


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
