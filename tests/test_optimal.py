"""Exact planning (`oncall plan --optimal`), measured against the independent reference.

tests/reference.py builds its own CP-SAT model and never imports `oncall.optimal`, so the
two models check each other.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from oncall import EventSpec, Person, Policy, Team, make_optimal_plan
from oncall.checker import check
from oncall.cli import main
from oncall.models import Code
from oncall.optimal import BUDGET, INSTALL
from oncall.planner import make_plan, plan
from oncall.render import dump_rotation, dumps, plan_json

from .conftest import installed
from .reference import Measures, assignment_of, measure, solve, units_of
from .strategies import planning_teams

EXAMPLES = int(os.environ.get("ONCALL_REFERENCE_EXAMPLES", "60")) // 2


def ranked(m: Measures) -> tuple[int, int, int, int, int]:
    """Ranks 1 to 4, which the exact model decides."""
    return (m.uncovered, m.breaks, m.understaffed, -m.staffed, m.spread)


def all_ranks(m: Measures) -> tuple[int, ...]:
    """Ranks 1 to 6: ranks 5 and 6 are the working-hours pass's, as in the default plan."""
    return (*ranked(m), m.after_spread or 0, m.holiday_spread or 0)


def crowded_team() -> Team:
    """Six people, forty short events over two weeks, no rules linking them: the load
    spread in minutes is a partition problem that a small budget cannot prove."""
    start = datetime(2027, 3, 1, tzinfo=UTC)
    events = tuple(
        EventSpec(
            f"E{i}",
            start + timedelta(hours=7 * i + i % 3),
            timedelta(minutes=30 * (1 + i % 7)),
            "UTC",
            id=f"e{i}",
        )
        for i in range(40)
    )
    people = tuple(Person(f"p{i}") for i in range(6))
    history = {"p0": timedelta(minutes=47), "p3": timedelta(minutes=131)}
    return Team("t", "UTC", people, (), events, Policy(min_staff=1, ideal_staff=2), history=history)


@settings(max_examples=EXAMPLES, deadline=None)
@given(planning_teams(max_people=4, max_events=4, shifts=True))
def test_optimal_plans_reach_the_references_optimum(team: Team) -> None:
    result = make_optimal_plan(team)
    units = units_of(team)
    got = measure(team, units, assignment_of(result.rotation, units))
    best = solve(team, units)
    note(f"optimal {got}, reference {best}")
    assert result.optimal is True
    assert ranked(got) == ranked(best)  # ranks 1 to 4, the load spread included
    findings = check(team, result.rotation, windows=result.windows)
    assert not {f.code for f in findings} & {Code.PTO_CONFLICT, Code.UNKNOWN_PERSON}


@settings(max_examples=EXAMPLES, deadline=None)
@given(planning_teams(max_people=4, max_events=4, shifts=True), st.sampled_from([1e-6, 0.01]))
def test_a_bounded_solve_is_never_worse_than_the_default_plan(team: Team, budget: float) -> None:
    units = units_of(team)
    result = make_optimal_plan(team, budget=budget)
    got = measure(team, units, assignment_of(result.rotation, units))
    default = measure(team, units, assignment_of(plan(team), units))
    assert all_ranks(got) <= all_ranks(default)


def test_the_bound_is_reported_and_the_plan_still_returned() -> None:
    team = crowded_team()
    result = make_optimal_plan(team, budget=0.05)
    assert result.optimal is False
    assert len(result.rotation.shifts) == len(make_plan(team).rotation.shifts)
    assert plan_json(team, result, [])["optimal"] is False
    assert "optimal" not in plan_json(team, make_plan(team), [])  # the default claims nothing


def test_same_input_same_bytes_even_where_the_bound_decides() -> None:
    team = crowded_team()
    first, second = (make_optimal_plan(team, budget=0.5, explain=True) for _ in range(2))
    assert first.optimal is False
    assert dump_rotation(team, first.rotation, "yaml") == dump_rotation(
        team, second.rotation, "yaml"
    )
    assert dumps(plan_json(team, first, [], explain=True)) == dumps(
        plan_json(team, second, [], explain=True)
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(planning_teams(max_events=4, shifts=True), st.integers(0, 40), st.integers(1, 4))
def test_keep_holds_every_shift_and_plans_the_rest(team: Team, offset: int, length: int) -> None:
    last = max(e.start for e in team.events)
    new = EventSpec("New", last + timedelta(hours=offset), timedelta(hours=length), "UTC", id="new")
    before = plan(team)
    grown = replace(team, events=(*team.events, new))
    after = make_optimal_plan(grown, keep=before)
    assert set(before.shifts) <= set(after.rotation.shifts)
    # Planned around the kept shifts, it is never worse than the default planner there.
    default = make_plan(grown, keep=before)
    findings = check(grown, after.rotation, windows=after.windows)
    default_findings = check(grown, default.rotation, windows=default.windows)
    assert not {f.code for f in findings} & {Code.PTO_CONFLICT, Code.UNKNOWN_PERSON}
    uncovered = [f for f in findings if f.code is Code.UNCOVERED]
    default_uncovered = [f for f in default_findings if f.code is Code.UNCOVERED]
    assert sum((f.end - f.start for f in uncovered), timedelta(0)) <= sum(
        (f.end - f.start for f in default_uncovered), timedelta(0)
    )


def test_keep_counts_kept_load_and_rest() -> None:
    # Two people; a kept evening shift of a's: the next morning's window goes to b, who
    # is rested, and the load stays even.
    day = datetime(2027, 3, 1, 18, tzinfo=UTC)
    events = (
        EventSpec("Evening", day, timedelta(hours=2), "UTC", id="evening"),
        EventSpec("Morning", day + timedelta(hours=8), timedelta(hours=2), "UTC", id="morning"),
    )
    people = (Person("a"), Person("b"))
    policy = Policy(min_staff=1, ideal_staff=1, lead=timedelta(0), lag=timedelta(0))
    team = Team("t", "UTC", people, (), events, replace(policy, min_rest=timedelta(hours=10)))
    first = plan(team)
    kept = replace(first, shifts=(replace(first.shifts[0], people=("a",)),))
    result = make_optimal_plan(team, keep=kept)
    assert result.rotation.shifts[0].people == ("a",)
    assert result.rotation.shifts[1].people == ("b",)
    assert result.optimal is True


def test_the_missing_solver_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in [n for n in sys.modules if n == "ortools" or n.startswith("ortools.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "ortools", None)  # as if not installed
    team_file = tmp_path / "team.yaml"
    team_file.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: a}]\n"
        "events:\n  - {id: e, title: E, start: 2027-03-01T10:00, duration: 1h}\n"
    )
    assert main(["plan", str(team_file), "--optimal"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("oncall: error: ")
    assert INSTALL in err
    assert "Traceback" not in err
    with pytest.raises(ImportError, match="oncall-coverage\\[optimal\\]"):
        make_optimal_plan(crowded_team())


def test_budgets_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="budget must be a positive"):
        make_optimal_plan(crowded_team(), budget=0)
    with pytest.raises(TypeError, match="budget must be"):
        make_optimal_plan(crowded_team(), budget=True)
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", "team.yaml", "--optimal-budget", "nan"])
    assert exit_info.value.code == 2
    assert "expected a positive number of seconds, found 'nan'" in capsys.readouterr().err


def test_the_help_gives_the_default_budget(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    assert f"default {BUDGET:g})" in " ".join(capsys.readouterr().out.split())


def test_the_installed_command_plans_exactly(tmp_path: Path) -> None:
    team_file = tmp_path / "team.yaml"
    team_file.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: a}, {id: b}, {id: c}]\n"
        "policy: {min_staff: 1, ideal_staff: 2, min_rest: 8h}\n"
        "events:\n"
        "  - {id: e1, title: E1, start: 2027-03-01T10:00, duration: 2h}\n"
        "  - {id: e2, title: E2, start: 2027-03-01T16:00, duration: 1h}\n"
        "  - {id: e3, title: E3, start: 2027-03-02T09:00, duration: 3h}\n"
    )
    done = installed("plan", str(team_file), "--optimal", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    document = json.loads(done.stdout)
    assert document["optimal"] is True
    # The second window is two hours after the first: only the third person is rested.
    assert [len(s["people"]) for s in document["shifts"]] == [2, 1, 2]
    bounded = installed("plan", str(team_file), "--optimal-budget", "1e-9", "--format", "json")
    assert bounded.returncode == 0, bounded.stderr
    proven = json.loads(bounded.stdout)["optimal"]
    assert ("not proven optimal" in bounded.stderr) == (not proven)


@pytest.mark.parametrize("people", [0, 1])
def test_a_team_of_nobody_or_one_plans_exactly_without_a_crash(people: int) -> None:
    start = datetime(2027, 3, 1, 10, tzinfo=UTC)
    events = (EventSpec("E", start, timedelta(hours=1), "UTC", id="e"),)
    policy = Policy(min_rest=timedelta(hours=8), max_shift=timedelta(hours=1))
    team = Team("t", "UTC", tuple(Person(f"p{i}") for i in range(people)), (), events, policy)
    result = make_optimal_plan(team)
    assert result.optimal is True
    assert result.rotation == make_plan(team).rotation
