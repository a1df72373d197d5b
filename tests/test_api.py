"""The public API as a script author meets it: names, help, accepted types, values."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import oncall
from oncall.export.ics import to_ics

from .conftest import EXAMPLES, ROOT

INIT = ROOT / "src" / "oncall" / "__init__.py"
PUBLIC = sorted(set(oncall.__all__) - {"__version__"})


def test_all_the_lazy_table_the_type_imports_and_the_docs_agree() -> None:
    lazy = oncall._LAZY
    assert sorted(lazy) == PUBLIC
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    typed = {
        alias.name: node.module
        for block in tree.body
        if isinstance(block, ast.If)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == lazy
    for name in PUBLIC:
        assert getattr(oncall, name).__module__.startswith(lazy[name]) or name in {
            "Code",  # enums and aliases report the module they were made in
        }
    docstring = oncall.__doc__ or ""
    listed = set(re.findall(r"\b\w+\b", docstring.split("Public names", 1)[1]))
    assert set(PUBLIC) <= listed
    guide = (ROOT / "docs" / "reference" / "python-api.md").read_text(encoding="utf-8")
    missing = [n for n in PUBLIC if f"`{n}`" not in guide and f"oncall.{n}(" not in guide]
    assert missing == []


def test_dir_and_help_show_every_public_name_without_importing_them() -> None:
    code = (
        "import sys, oncall\n"
        "names = dir(oncall)\n"
        "assert 'icalendar' not in sys.modules and 'oncall.planner' not in sys.modules\n"
        "print(' '.join(n for n in names if not n.startswith('_')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == PUBLIC
    import pydoc  # noqa: PLC0415 - only this test renders help

    text = pydoc.plain(pydoc.render_doc(oncall))
    for name in ("load_team", "plan", "to_ics", "Origin", "read_previous"):
        assert name in text


def test_zones_as_names_zoneinfo_or_anything_with_a_key() -> None:
    class Keyed:
        key = "America/Chicago"

    team = oncall.Team(
        "t",
        ZoneInfo("Europe/London"),  # type: ignore[arg-type]  # the attribute is the name
        people=(oncall.Person("ada"), oncall.Person("ben", timezone=Keyed())),  # type: ignore[arg-type]
    )
    assert team.timezone == "Europe/London"
    assert [p.timezone for p in team.people] == ["Europe/London", "America/Chicago"]
    start = datetime(2026, 12, 3, tzinfo=UTC)
    event = oncall.RiskyEvent(start, start + timedelta(hours=1), "e", "E", timezone=Keyed())  # type: ignore[arg-type]
    assert event.timezone == "America/Chicago"
    with pytest.raises(oncall.InputError, match="expected an IANA time zone name"):
        oncall.Team("t", timezone=object())  # type: ignore[arg-type]


def test_person_takes_the_teams_zone_as_in_the_file() -> None:
    assert oncall.Person("ada").timezone is None
    team = oncall.parse_team("team: t\ntimezone: Asia/Tokyo\npeople: [{id: ada}]\n")
    built = oncall.Team("t", "Asia/Tokyo", people=(oncall.Person("ada"),))
    assert built.people == team.people


def test_days_where_a_day_is_meant() -> None:
    team = oncall.Team(
        "t",
        "America/New_York",
        people=(oncall.Person("ada", timezone="Europe/Berlin"),),
        time_off=(oncall.TimeOff("ada", date(2026, 12, 21), date(2026, 12, 24)),),
        horizon=oncall.Horizon(date(2026, 12, 1), date(2026, 12, 31)),
    )
    (off,) = team.time_off
    assert (off.start, off.end) == (
        datetime(2026, 12, 20, 23, tzinfo=UTC),
        datetime(2026, 12, 24, 23, tzinfo=UTC),
    )
    assert team.horizon == oncall.Horizon(
        datetime(2026, 12, 1, 5, tzinfo=UTC), datetime(2027, 1, 1, 5, tzinfo=UTC)
    )
    file = oncall.parse_team(
        "team: t\ntimezone: America/New_York\nhorizon: {start: 2026-12-01, end: 2026-12-31}\n"
        "people: [{id: ada, timezone: Europe/Berlin}]\n"
        "pto: [{person: ada, start: 2026-12-21, end: 2026-12-24}]\n"
    )
    assert (file.time_off, file.horizon) == (team.time_off, team.horizon)
    travel = oncall.load_team(EXAMPLES / "travel-pay" / "team.yaml")
    days = oncall.Horizon(date(2026, 12, 1), date(2026, 12, 10))
    assert oncall.coverage_windows(travel, days) == oncall.coverage_windows(
        travel, travel.horizon_for(days)
    )
    assert len(oncall.plan(travel, days).shifts) == 3


def test_errors_from_python_name_python_fields() -> None:
    with pytest.raises(oncall.InputError) as caught:
        oncall.Team(
            "t",
            "UTC",
            people=(oncall.Person("ada"),),
            time_off=(
                oncall.TimeOff("ada", date(2026, 12, 1), date(2026, 12, 1)),
                oncall.TimeOff("zed", date(2026, 12, 1), date(2026, 12, 1)),
            ),
        )
    assert str(caught.value) == "time_off[1].person: unknown person 'zed' (add them to people)"


def test_values_hash_repr_and_place() -> None:
    team = oncall.load_team(EXAMPLES / "travel-pay" / "team.yaml")
    assert hash(team) == hash(oncall.load_team(EXAMPLES / "travel-pay" / "team.yaml"))
    assert {team: 1}[replace(team)] == 1
    shift = oncall.plan(team).shifts[0]
    assert "origin" not in repr(shift)
    rotation_file = EXAMPLES / "travel-pay" / "rotation.yaml"
    rotation = oncall.load_rotation(rotation_file, team)
    gone = oncall.Rotation(rotation.shifts[1:])
    finding = next(f for f in oncall.check(team, gone) if f.code is oncall.Code.UNCOVERED)
    assert (finding.file, finding.line) == (str(EXAMPLES / "travel-pay" / "team.yaml"), 53)
    stamped = to_ics(team, rotation)
    assert b"DTSTAMP:20261204T000000Z" in stamped
    assert stamped == oncall.to_ics(team, rotation, stamp=rotation.shifts[0].start)
    assert oncall.read_previous(stamped).events


def test_pendulum_is_not_needed_to_start() -> None:
    code = "import sys, oncall; oncall.plan; assert 'pendulum' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_timedelta_subclasses_become_timedelta() -> None:
    class Minutes(timedelta):
        pass

    policy = oncall.Policy(lead=Minutes(minutes=30))
    assert type(policy.lead) is timedelta
    assert policy.lead == timedelta(minutes=30)
