"""An exact reference planner (OR-Tools CP-SAT) for measuring oncall's planner.

It solves the ranking of SPEC section 6 lexicographically, one measure after another, on
the planner's own units (windows cut at ``max_shift`` and, for hand-offs, at the edges of
time off): one yes/no per person and unit, nobody during time off, nobody on call longer
than ``max_shift`` without a break, at most ``ideal_staff`` per unit; rest breaks counted
as the checker counts them (consecutive duties of one person, touching duties joined).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from ortools.sat.python import cp_model

from oncall.availability import Availability
from oncall.models import Rotation, Team
from oncall.planner import _Planner, _Unit
from oncall.windows import coverage_windows

MINUTE = timedelta(minutes=1)


class UnprovenError(Exception):
    """The solver found no proven optimum in its time."""


@dataclass(frozen=True)
class Measures:
    """The ranking's measures of one plan, in minutes (breaks: a count)."""

    uncovered: int
    breaks: int
    understaffed: int
    staffed: int
    spread: int


def units_of(team: Team) -> list[_Unit]:
    """The planner's units for ``team`` (no kept shifts)."""
    return _Planner(team, coverage_windows(team), []).units


def assignment_of(rotation: Rotation, units: Sequence[_Unit]) -> list[tuple[str, ...]]:
    """Who a rotation puts on each unit (the shift that contains it)."""
    people = []
    for unit in units:
        holding = [s for s in rotation.shifts if s.start <= unit.start and unit.end <= s.end]
        people.append(tuple(p for s in holding for p in s.people))
    return people


def measure(team: Team, units: Sequence[_Unit], chosen: Sequence[Sequence[str]]) -> Measures:
    """The measures of an assignment, computed directly."""
    policy = team.policy
    uncovered = understaffed = staffed = 0
    load = {p.id: team.history.get(p.id, timedelta(0)) // MINUTE for p in team.people}
    duties: dict[str, list[_Unit]] = {p.id: [] for p in team.people}
    for unit, people in zip(units, chosen, strict=True):
        minutes = unit.minutes
        uncovered += minutes * (len(people) < policy.min_staff)
        understaffed += minutes * (len(people) < policy.ideal_staff)
        staffed += minutes * min(len(people), policy.ideal_staff)
        for person in people:
            load[person] += minutes
            duties[person].append(unit)
    breaks = 0
    if policy.min_rest is not None:
        for mine in duties.values():
            for first, second in itertools.pairwise(mine):
                breaks += timedelta(0) < second.start - first.end < policy.min_rest
    return Measures(
        uncovered, breaks, understaffed, staffed, max(load.values()) - min(load.values())
    )


def solve(
    team: Team,
    units: Sequence[_Unit],
    hint: Sequence[Sequence[str]] = (),
    seconds: float = 60.0,
) -> Measures:
    """The best measures any assignment reaches, ranked as SPEC section 6 ranks them.

    ``hint`` (an assignment, such as the planner's) only speeds the search up. Where the
    spread is not proven optimal in time, the solver's lower bound is returned for it.
    """
    policy = team.policy
    availability = Availability(team)
    people = [p.id for p in team.people]
    model = cp_model.CpModel()
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for u, unit in enumerate(units):
        for person in people:
            if availability.is_free(person, unit.start, unit.end):
                x[person, u] = model.new_bool_var(f"x_{person}_{u}")
    counts = []
    short_min, short_ideal = [], []
    for u, unit in enumerate(units):
        count = sum(x[p, u] for p in people if (p, u) in x)
        model.add(count <= policy.ideal_staff)
        below_min = model.new_bool_var(f"min_{u}")
        below_ideal = model.new_bool_var(f"ideal_{u}")
        model.add(count >= policy.min_staff).only_enforce_if(~below_min)
        model.add(count >= policy.ideal_staff).only_enforce_if(~below_ideal)
        short_min.append(unit.minutes * below_min)
        short_ideal.append(unit.minutes * below_ideal)
        counts.append(unit.minutes * count)
    breaks = []
    for person in people:
        mine = [u for u in range(len(units)) if (person, u) in x]
        if policy.max_shift is not None:
            _no_long_blocks(
                model, [x[person, u] for u in mine], [units[u] for u in mine], policy.max_shift
            )
        if policy.min_rest is not None:
            breaks += _rest_breaks(
                model, [x[person, u] for u in mine], [units[u] for u in mine], policy.min_rest
            )
    load = {}
    for person in people:
        load[person] = team.history.get(person, timedelta(0)) // MINUTE + sum(
            units[u].minutes * x[person, u] for u in range(len(units)) if (person, u) in x
        )
    top, bottom = model.new_int_var(0, 10**9, "top"), model.new_int_var(0, 10**9, "bottom")
    for value in load.values():
        model.add(top >= value)
        model.add(bottom <= value)
    for u, chosen in enumerate(hint):
        for person in people:
            if (person, u) in x:
                model.add_hint(x[person, u], person in chosen)
    objectives = [sum(short_min), sum(breaks), sum(short_ideal), -sum(counts), top - bottom]
    uncovered, broke, understaffed, staffed, spread = _lexicographic(model, objectives, seconds)
    return Measures(uncovered, broke, understaffed, -staffed, spread)


def _lexicographic(
    model: cp_model.CpModel, objectives: Sequence[cp_model.LinearExprT], seconds: float
) -> list[int]:
    """Minimise each objective in turn, holding the earlier ones at their optimum."""
    results: list[int] = []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    solver.parameters.max_time_in_seconds = seconds
    for stage, objective in enumerate(objectives):
        model.minimize(objective)
        status = solver.solve(model)
        if stage == len(objectives) - 1 and status == cp_model.FEASIBLE:
            results.append(round(solver.best_objective_bound))
            break
        if status != cp_model.OPTIMAL:
            raise UnprovenError(f"measure {stage}: {solver.status_name(status)}")
        value = round(solver.objective_value)
        results.append(value)
        model.add(objective == value)
    return results


def _rest_breaks(
    model: cp_model.CpModel,
    x: Sequence[cp_model.IntVar],
    units: Sequence[_Unit],
    rest: timedelta,
) -> list[cp_model.IntVar]:
    """One person's rest breaks: one where a run of duties starts (no duty touching it
    before) less than ``rest`` after some duty ended, as the checker counts breaks between
    consecutive runs.
    """
    breaks = []
    ending = {unit.end: k for k, unit in enumerate(units)}
    for v, unit in enumerate(units):
        before = [u for u in range(v) if timedelta(0) < unit.start - units[u].end < rest]
        if not before:
            continue
        broke = model.new_bool_var(f"rest_{id(x[v])}")
        touching = ending.get(unit.start)
        starts = x[v] - (x[touching] if touching is not None else 0)
        for u in before:
            model.add(broke >= starts + x[u] - 1)
        breaks.append(broke)
    return breaks


def _no_long_blocks(
    model: cp_model.CpModel,
    x: Sequence[cp_model.IntVar],
    units: Sequence[_Unit],
    longest: timedelta,
) -> None:
    """One person: no run of touching units longer than ``longest`` is all theirs."""
    for i, first in enumerate(units):
        end, run = first.end, [i]
        for v in range(i + 1, len(units)):
            if units[v].start != end:
                break
            run.append(v)
            end = units[v].end
            if end - first.start > longest:
                model.add(sum(x[w] for w in run) <= len(run) - 1)
                break
