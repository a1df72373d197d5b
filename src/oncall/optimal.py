"""Exact planning with OR-Tools CP-SAT: ``oncall plan --optimal``.

The default planner (`oncall.planner`) is fast and pure Python, and best on most teams
but not provably on all. This module plans the same units (windows cut at ``max_shift``
and, for hand-offs, at the edges of time off; kept shifts left as they are) exactly: one
yes/no per person and unit where the person is free, at most ``ideal_staff`` per unit,
no run of touching duties longer than ``max_shift``, rest breaks counted as the checker
counts them (kept shifts included); then it minimises the ranking of SPEC section 6 one
measure after another, each solve holding the earlier measures at their optimum:

1. minutes of windows short of ``min_staff``;
2. rest breaks;
3. minutes short of ``ideal_staff``, then (more people wherever fewer than ideal) the
   people-minutes staffed up to ``ideal_staff``;
4. the load spread in minutes (``history`` and kept shifts included).

Ranks 5 and 6 (after-hours, then holiday time, evened out) are then the default
planner's working-hours pass's, which keeps ranks 1 to 4: they are not proven.

The solver runs on one worker with a fixed seed, bounded in *deterministic* time (a
count of the solver's work, not the clock), so the same input and the same OR-Tools
release give the same plan on every machine, however busy. It starts from the default
planner's plan and never returns a worse one: where the bound comes first, the best
plan found so far is returned, with ``PlanResult.optimal`` False.

OR-Tools is an optional dependency (``pip install 'oncall-coverage[optimal]'``),
imported only here and only when a plan is asked for.
"""

from __future__ import annotations

import importlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from oncall.errors import OncallError, expect
from oncall.intervals import Interval
from oncall.models import Horizon, Rotation, Team
from oncall.planner import PlanResult, _Planner, planner_for

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["BUDGET", "INSTALL", "SolverMissingError", "make_optimal_plan"]

BUDGET = 20.0
"""The solver's bound, in deterministic seconds, shared by all the measures' solves."""
SEED = 1
"""The solver's random seed: fixed, for the same plan on every run."""
INSTALL = "pip install 'oncall-coverage[optimal]'"
"""The install line that brings OR-Tools."""
LOWEST = "9.10"
"""The lowest OR-Tools release this module is tested with (.ci/lowest)."""
_MINUTE = timedelta(minutes=1)

_Measures = tuple[int, int, int, int, int]
"""Minutes short of min_staff, rest breaks, minutes short of ideal, -staffing, spread."""


class SolverMissingError(OncallError, ImportError):
    """OR-Tools, which exact planning needs, is not installed."""


def make_optimal_plan(
    team: Team,
    horizon: Horizon | None = None,
    *,
    keep: Rotation | None = None,
    explain: bool = False,
    budget: float = BUDGET,
) -> PlanResult:
    """Plan like `make_plan`, exactly: the best plan on the whole ranking, within a bound.

    Args:
        team: the team: people, time off, events, policy, history.
        horizon: replaces the team's horizon.
        keep: an existing rotation whose shifts that still fit are kept exactly.
        explain: say per shift why everyone else was passed over (as `make_plan`).
        budget: the solver's bound in deterministic seconds (its own count of work, the
            same on every machine), shared by the measures' solves.

    Returns:
        The plan; ``optimal`` says whether the solver proved it best on every measure
        before the bound. It is never worse than `make_plan`'s on the ranking.

    Raises:
        SolverMissingError: OR-Tools is not installed (an `ImportError`).
    """
    expect(budget, (int, float), "budget")
    if not budget > 0:
        raise ValueError(f"budget must be a positive number of seconds, not {budget!r}")
    cp = _cp_model()
    planner = planner_for(team, horizon, keep)
    planner.improve()
    default = [list(people) for people in planner.assigned]
    default_measures = _measures(planner)
    groups, proven = _Solver(cp, planner, budget).solve(default)
    planner.assign(groups)
    if _measures(planner) < default_measures:
        # The default plan's budget notes are not this plan's: the bound's note is.
        planner.balanced = True
        planner.unsearched.clear()
        planner._even_hours()  # ranks 5 and 6 by the default's pass, keeping ranks 1 to 4
    else:  # no better on ranks 1 to 4: the default plan, whose ranks 5 and 6 are evened
        planner.assign(default)
    return planner.result(explain=explain, optimal=proven)


def _cp_model() -> Any:
    """``ortools.sat.python.cp_model``, or an error that says how to install it."""
    try:
        return importlib.import_module("ortools.sat.python.cp_model")
    except ImportError as exc:
        raise SolverMissingError(
            f"exact planning (--optimal) needs OR-Tools, which is not installed: {INSTALL} "
            f"(or pip install 'ortools>={LOWEST}' into the same environment)"
        ) from exc


def _measures(planner: _Planner) -> _Measures:
    """The ranking's measures of the planner's assignment, as the solver counts them."""
    policy = planner.policy
    short_min = short_ideal = staffed = 0
    for unit, people in zip(planner.units, planner.assigned, strict=True):
        count = len(people)
        short_min += unit.minutes * (count < policy.min_staff)
        short_ideal += unit.minutes * (count < policy.ideal_staff)
        staffed += unit.minutes * min(count, policy.ideal_staff)
    loads = _fixed_loads(planner)
    breaks = 0
    for person, duties in planner.duties.items():
        for _, _, index in duties:
            if index >= 0:
                loads[person] += planner.units[index].minutes
        if duties:
            breaks += planner._breaks(person, duties[0][0], duties[-1][1])
    spread = max(loads.values(), default=0) - min(loads.values(), default=0)
    return short_min, breaks, short_ideal, -staffed, spread


def _fixed_loads(planner: _Planner) -> dict[str, int]:
    """Each person's history and kept shifts, in whole minutes."""
    team = planner.team
    loads = {person: team.history.get(person, timedelta(0)) // _MINUTE for person in planner.rank}
    for shift in planner.kept:
        for person in shift.people:
            loads[person] += (shift.end - shift.start) // _MINUTE
    return loads


def _merged(spans: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching spans joined, sorted."""
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class _Solver:
    """The CP-SAT model of one plan, and its lexicographic solve."""

    def __init__(self, cp: Any, planner: _Planner, budget: float) -> None:
        self.cp = cp
        self.planner = planner
        self.budget = budget
        policy = planner.policy
        units = planner.units
        model = self.model = cp.CpModel()
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.mine: dict[str, list[tuple[int, cp_model.IntVar]]] = {p: [] for p in planner.rank}
        for index in range(len(units)):
            for person in planner._free(index):
                var = self.x[person, index] = model.new_bool_var(f"x[{person},{index}]")
                self.mine[person].append((index, var))
        short_min, short_ideal, staffed = [], [], []
        for index, unit in enumerate(units):
            count = sum(self.x[p, index] for p in planner._free(index))
            model.add(count <= policy.ideal_staff)
            below_min = model.new_bool_var(f"below_min[{index}]")
            below_ideal = model.new_bool_var(f"below_ideal[{index}]")
            model.add(count >= policy.min_staff).only_enforce_if(~below_min)
            model.add(count >= policy.ideal_staff).only_enforce_if(~below_ideal)
            short_min.append(unit.minutes * below_min)
            short_ideal.append(unit.minutes * below_ideal)
            staffed.append(unit.minutes * count)
        kept: dict[str, list[Interval]] = {person: [] for person in planner.rank}
        for shift in planner.kept:
            for person in shift.people:
                kept[person].append((shift.start, shift.end))
        breaks: list[Any] = []
        loads = _fixed_loads(planner)
        top = model.new_int_var(0, 10**9, "top")
        bottom = model.new_int_var(0, 10**9, "bottom")
        for person in planner.rank:
            duties = self._duties(person, _merged(kept[person]))
            if policy.max_shift is not None:
                self._no_long_runs(duties, policy.max_shift)
            if policy.min_rest is not None:
                breaks += self._rest_breaks(person, duties, policy.min_rest)
            load = loads[person] + sum(
                units[index].minutes * var for index, var in self.mine[person]
            )
            model.add(top >= load)
            model.add(bottom <= load)
        self.objectives = [
            sum(short_min),
            sum(breaks),
            sum(short_ideal),
            -sum(staffed),
            top - bottom,
        ]

    def _duties(
        self, person: str, kept: Sequence[Interval]
    ) -> list[tuple[datetime, datetime, Any]]:
        """The person's possible duties, sorted: units they are free for, then kept ones (1)."""
        units = self.planner.units
        duties: list[tuple[datetime, datetime, Any]] = [
            (units[index].start, units[index].end, var) for index, var in self.mine[person]
        ]
        duties += [(start, end, 1) for start, end in kept]
        duties.sort(key=lambda duty: (duty[0], duty[1]))
        return duties

    def _no_long_runs(
        self, duties: Sequence[tuple[datetime, datetime, Any]], longest: timedelta
    ) -> None:
        """No run of touching duties longer than ``longest`` is all the person's."""
        for first, (start, first_end, _) in enumerate(duties):
            end = first_end
            for last in range(first + 1, len(duties)):
                if duties[last][0] != end:
                    break
                end = duties[last][1]
                if end - start > longest:
                    run = [duty[2] for duty in duties[first : last + 1]]
                    if any(not isinstance(v, int) for v in run):
                        self.model.add(sum(run) <= len(run) - 1)
                    break

    def _rest_breaks(
        self, person: str, duties: Sequence[tuple[datetime, datetime, Any]], rest: timedelta
    ) -> list[Any]:
        """The person's rest breaks, one per run of duties that starts too soon after one.

        A run starts at a duty that no duty of the person touches from before; it breaks
        rest when a duty of theirs ended less than ``rest`` before it (the duties do not
        overlap, so that is exactly the checker's count between consecutive runs).
        """
        model = self.model
        ends = [end for _, end, _ in duties]  # sorted, as the duties do not overlap
        by_end = {end: var for _, end, var in duties}
        breaks = []
        for v, (start, _, var) in enumerate(duties):
            low = bisect_left(ends, start - rest + timedelta(microseconds=1))
            high = bisect_left(ends, start, 0, v)
            before = [duties[u][2] for u in range(low, high)]
            if not before:
                continue
            starts = var - by_end.get(start, 0)
            if all(isinstance(b, int) for b in before) and isinstance(starts, int):
                continue  # kept duties only: the same in every plan
            broke = model.new_bool_var(f"broke[{person},{v}]")
            for earlier in before:
                model.add(broke >= starts + earlier - 1)
            breaks.append(broke)
        return breaks

    def solve(self, default: Sequence[Sequence[str]]) -> tuple[list[list[str]], bool]:
        """The best assignment found, measure after measure, and whether it is proven.

        The best plan so far (the default planner's first) is the hint of each solve,
        given whole, so that the solver takes it as its first solution; it is replaced only
        by a plan strictly better on the measure solved. Each solve may take an equal share
        of what is left of the budget; one that hits its bound keeps the best value found
        as a ceiling, and the next measures are still improved under it.
        """
        cp, model = self.cp, self.model
        solver = cp.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        objectives = [o for o in self.objectives if not isinstance(o, int)]  # int: no choice
        best = {(p, index) for index, people in enumerate(default) for p in people}
        left, proven = self.budget, True
        for stage, objective in enumerate(objectives):
            values, value = self._complete(solver, best, objectives, objective)
            left -= solver.response_proto.deterministic_time
            model.clear_hints()
            for index, hinted in enumerate(values):
                model.add_hint(model.get_int_var_from_proto_index(index), hinted)
            model.minimize(objective)
            solver.parameters.max_deterministic_time = max(left, 0.0) / (len(objectives) - stage)
            status = solver.solve(model)
            left -= solver.response_proto.deterministic_time
            if status in (cp.OPTIMAL, cp.FEASIBLE) and round(solver.objective_value) < value:
                value = round(solver.objective_value)
                best = {key for key, var in self.x.items() if solver.value(var)}
            if status == cp.OPTIMAL:
                model.add(objective == value)
            else:
                proven = False
                model.add(objective <= value)
        return self._groups(best), proven

    def _complete(
        self, solver: Any, chosen: set[tuple[str, int]], objectives: Sequence[Any], objective: Any
    ) -> tuple[list[int], int]:
        """Every variable's value in the plan ``chosen``, and that plan's ``objective``.

        The choices are fixed and the other variables (who is short, who breaks rest, the
        highest and lowest load) take their least values: a quick solve.
        """
        model = self.model
        model.clear_hints()
        for key, var in self.x.items():
            model.add_hint(var, int(key in chosen))  # a bool fails on OR-Tools 9.10
        model.minimize(sum(objectives))
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.max_deterministic_time = float("inf")
        status = solver.solve(model)
        solver.parameters.fix_variables_to_their_hinted_value = False
        if status != self.cp.OPTIMAL:  # cannot happen: the plan kept every rule
            raise AssertionError(f"the plan to improve is infeasible: {solver.status_name(status)}")
        return list(solver.response_proto.solution), round(solver.value(objective))

    def _groups(self, chosen: set[tuple[str, int]]) -> list[list[str]]:
        """Per unit, the chosen people in file order."""
        groups: list[list[str]] = [[] for _ in self.planner.units]
        for person, index in self.x:
            if (person, index) in chosen:
                groups[index].append(person)
        return groups
