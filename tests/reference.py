"""An exact reference planner (OR-Tools CP-SAT) for measuring oncall's planner.

It solves the ranking of SPEC section 6 lexicographically, one measure after another, on
the planner's own units (windows cut at ``max_shift`` and, for hand-offs, at the edges of
time off): one yes/no per person and unit, nobody during time off, nobody on call longer
than ``max_shift`` without a break, at most ``ideal_staff`` per unit; rest breaks counted
as the checker counts them (consecutive duties of one person, touching duties joined).

Ranks 5 and 6 (the spread of after-hours, then of holiday minutes) are measured minute by
minute here, with `zoneinfo` and the `holidays` package directly, not with
`oncall.workhours`, so that the planner's own arithmetic is checked too.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays
from ortools.sat.python import cp_model

from oncall.availability import Availability
from oncall.models import Person, Rotation, Team
from oncall.planner import _Planner, _Unit
from oncall.windows import coverage_windows

MINUTE = timedelta(minutes=1)


class UnprovenError(Exception):
    """The solver found no proven optimum in its time."""


@dataclass(frozen=True)
class Measures:
    """The ranking's measures of one plan, in minutes (breaks: a count).

    ``after_spread`` and ``holiday_spread`` (ranks 5 and 6) are None where not solved for.
    """

    uncovered: int
    breaks: int
    understaffed: int
    staffed: int
    spread: int
    after_spread: int | None = None
    holiday_spread: int | None = None
    found: int | None = field(default=None, compare=False)
    """The smallest spread the solver found a plan for; above ``spread`` when the solver
    proved no optimum in its time (``spread`` is then its lower bound)."""
    proven: bool = field(default=True, compare=False)
    """Whether the solver proved ``spread`` optimal (else it is the solver's lower bound)."""


@cache
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def outside_hours(person: Person, unit: _Unit) -> tuple[int, int]:
    """Minutes of a unit outside the person's working hours, and on their holidays.

    Minute by minute in the person's zone: a minute is on a holiday when its local date
    is one, and inside working hours when it is not and a span of its weekday holds it.
    """
    spans = person.working_hours.spans
    after = holiday = 0
    for k in range(unit.minutes):
        local = (unit.start + k * MINUTE).astimezone(person.zone)
        calendar = person.holidays
        off = calendar is not None and local.date() in _holiday_dates(
            calendar.country, calendar.subdivision, local.year
        )
        minute = local.hour * 60 + local.minute
        working = not off and any(
            day == local.weekday() and start <= minute < end for day, start, end in spans
        )
        after += not working
        holiday += off
    return after, holiday


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
    spent = [[outside_hours(p, unit) for unit in duties[p.id]] for p in team.people]
    after_hours = [sum(h[0] for h in mine) for mine in spent] or [0]
    holiday_hours = [sum(h[1] for h in mine) for mine in spent] or [0]
    return Measures(
        uncovered,
        breaks,
        understaffed,
        staffed,
        max(load.values()) - min(load.values()),
        max(after_hours) - min(after_hours),
        max(holiday_hours) - min(holiday_hours),
    )


def solve(
    team: Team,
    units: Sequence[_Unit],
    hint: Sequence[Sequence[str]] = (),
    seconds: float = 60.0,
    *,
    hours: bool = False,
    deterministic: bool = False,
) -> Measures:
    """The best measures any assignment reaches, ranked as SPEC section 6 ranks them.

    ``hint`` (an assignment, such as the planner's) only speeds the search up. Where the
    last measure is not proven optimal in time, the solver's lower bound is returned for
    it. With ``hours``, ranks 5 and 6 too (after-hours, then holiday spread). With
    ``deterministic``, ``seconds`` bound the solver's own count of work, not the clock, so
    that what it proves does not depend on how busy the machine is.
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
                model.add_hint(x[person, u], int(person in chosen))
    objectives: list[cp_model.LinearExprT] = [
        sum(short_min),
        sum(breaks),
        sum(short_ideal),
        -sum(counts),
        top - bottom,
        *(_hours_spreads(model, team, units, x) if hours else ()),
    ]
    results, found, proven = _lexicographic(model, objectives, seconds, deterministic=deterministic)
    uncovered, broke, understaffed, staffed, spread = results[:5]
    after, holiday = [*results[5:], None, None][:2]
    return Measures(uncovered, broke, understaffed, -staffed, spread, after, holiday, found, proven)


def _hours_spreads(
    model: cp_model.CpModel,
    team: Team,
    units: Sequence[_Unit],
    x: dict[tuple[str, int], cp_model.IntVar],
) -> list[cp_model.LinearExprT]:
    """Ranks 5 and 6: the spreads of after-hours and of holiday minutes."""
    spreads: list[cp_model.LinearExprT] = []
    for kind in (0, 1):
        high = model.new_int_var(0, 10**9, f"high{kind}")
        low = model.new_int_var(0, 10**9, f"low{kind}")
        for person in team.people:
            spent = sum(
                outside_hours(person, unit)[kind] * x[person.id, u]
                for u, unit in enumerate(units)
                if (person.id, u) in x
            )
            model.add(high >= spent)
            model.add(low <= spent)
        spreads.append(high - low)
    return spreads


def _lexicographic(
    model: cp_model.CpModel,
    objectives: Sequence[cp_model.LinearExprT],
    seconds: float,
    *,
    deterministic: bool,
) -> tuple[list[int], int, bool]:
    """Minimise each objective in turn, holding the earlier ones at their optimum.

    From the load spread (the fifth) on, a measure found but not proven optimal in time
    gives the solver's lower bound for it, and ends the list. Returns the list, the best
    load spread found (the optimum where proven) and whether the spread is proven.
    """
    results: list[int] = []
    found = 0
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    if deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
    for stage, objective in enumerate(objectives):
        model.minimize(objective)
        status = solver.solve(model)
        if stage >= 4 and status == cp_model.FEASIBLE:
            results.append(round(solver.best_objective_bound))
            if stage == 4:
                found = round(solver.objective_value)
                return results, found, False
            break
        if status != cp_model.OPTIMAL:
            raise UnprovenError(f"measure {stage}: {solver.status_name(status)}")
        value = round(solver.objective_value)
        results.append(value)
        model.add(objective == value)
        if stage == 4:
            found = value
    return results, found, True


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
