"""Windows + people + time off -> a rotation: who is on call when.

A plan is the best plan for its horizon, ranked in this order (SPEC section 6):

1. ``min_staff`` at every instant of every window, wherever an assignment could reach it;
2. the fewest ``min_rest`` breaks (each a ``rest-violation`` warning of the checker);
3. ``ideal_staff`` wherever an assignment could reach it;
4. the smallest spread of on-call time (``history`` included), then even pairings;
5. the smallest spread of after-hours time (each person's own working hours);
6. the smallest spread of holiday time; then follow the sun: people for whom a unit is
   inside working hours.

Nobody is ever assigned during their time off, nor on call longer than ``max_shift``
without a break. The planner works on **units**: each window (minus what kept shifts
cover) cut into consecutive parts no longer than ``max_shift``, and a part that fewer than
``ideal_staff`` people can take whole cut again at the edges of people's time off, so that
consecutive shifts hand over where one person cannot stay (the hand-off).

It then plans in passes, each keeping every higher-ranked measure:

- **Construction**, in time order: each unit takes the preferred people (least on-call
  time, then fresh pairings, then on call longest ago, then file order) who are free and
  rested; if that leaves it short of ``min_staff``, rested or not, people who are free.
- **Exact search** (ranks 1 to 3) of each block of linked units not already best: a
  dynamic programme over the units in time order; past its budget of steps it keeps its
  best states (a beam) and says so (`PlanResult.notes`).
- **Repair** (ranks 1 to 3): for every unit short of ``ideal_staff`` and every rest break,
  moves that add, remove, replace or transfer one person, or transfer one and refill the
  place they leave, taken whenever they improve the ranking.
- **Balance** (rank 4): moves of a unit from a more to a less loaded person and
  exchanges; two people's units divided again as evenly as a subset sum allows; chains
  and cycles of takes among the most and least loaded; for small teams, the search of
  the whole plan for the smallest spread; for small plans still over an hour apart, the
  same search over the units of a few people (`_regroups`). `_fairness` is the measure
  they lower.
- **Working hours** (ranks 5 and 6, then follow the sun): units handed over or exchanged
  from the people with the most after-hours (then holiday) time to those with the least,
  then people replaced by others for whom the unit is working time; every move keeps
  ranks 1 to 3 and everyone's load within the current range (`_even_hours`).

Each pass is bounded by a budget of steps or tries (never the clock), linear in the number
of units; nothing depends on hash order, so the same input gives the same plan.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from operator import itemgetter
from typing import Any, Final

from oncall.availability import Availability
from oncall.errors import InputError, Origin, expect
from oncall.intervals import Interval, subtract
from oncall.models import (
    Horizon,
    Rotation,
    Shift,
    Team,
    Window,
    horizon_of,
    unchecked_builder,
    written_shift,
)
from oncall.timeutil import as_instant, format_duration, format_local, format_span
from oncall.windows import coverage_windows
from oncall.workhours import HoursCalendar

__all__ = ["EXPLAIN_LIMIT", "Decision", "PlanResult", "kept_shifts", "make_plan", "plan"]

TIES = 3
"""How many people beyond ``ideal_staff`` are compared for a unit, to rotate pairings."""
EXPLAIN_LIMIT = 12
"""How many passed-over people ``--explain`` names per shift; the rest are counted."""
SPARES = 8
"""How many people, least loaded first, may refill a place that a repair move empties."""
BEAM_UNITS = 500
"""Past `SEARCH_WIDTH`, blocks of at most this many units go on with their best states;
longer ones are given up (the repair moves decide), so the search stays linear."""
SEARCH_CELLS = 4_000_000
"""How many people's places (states times people, over all its units) the search of one
block may hold: past it, fewer best states go on (the beam narrows), so a long block
with many people stays within some 150 MB."""
SEARCH_WIDTH = 20_000
"""How many steps (states times groups) the exact search may take per unit of a block;
beyond, it keeps its best states only (and says so), or gives up on a unit with more
groups than this."""
BALANCE_PEOPLE = 6
"""Blocks already best on ranks 1 to 3 are searched for balance up to this many people."""
BALANCE_TRIES = 5_000
"""How many balancing moves are tried at least (plus one per two units) before stopping."""
SPREAD_CLOSE = timedelta(hours=1)
"""A load spread this narrow is within this of the smallest possible (which is at least
zero): balancing that stops at its budget there says nothing."""
BALANCE_PAIRS = 8
"""How many of the most and of the least loaded people are paired for balancing moves."""
HOURS_TRIES = 250
"""How many working-hours moves are tried at least (plus one per eight units) before stopping."""
SHARE_UNITS = 50
"""How many units of each of two people (their first) are divided again at most."""
SHARE_TRIES = 4
"""How many of the nearest-to-even divisions of two people's units are tried."""
CHAIN_LENGTH = 4
"""How many takes a balancing chain has at most."""
CHAIN_TRIES = 2_000
"""How many tries one search for a balancing chain may take."""
PASSES = 4
"""How many times the repair and balance passes sweep the plan at most."""
REPAIR_TRIES = 20_000
"""How many repair moves are tried at least (plus `REPAIR_PER_UNIT` per unit) before
stopping: a window cut into thousands of linked units by a short max_shift, every unit
short of ideal_staff, otherwise tries hundreds of moves per unit (a five-day window at a
15-minute max_shift took half a minute, a ten-year one hours)."""
REPAIR_PER_UNIT = 40
"""How many more repair moves are tried per unit (see `REPAIR_TRIES`)."""
MAX_PARTS = 5_000
"""How many parts ``max_shift`` may cut one window into: a plan is refused beyond it (each
part of a long chain costs milliseconds, and a ten-year window cut into 15-minute parts
would have planned for most of an hour)."""
MAX_UNITS = 500_000
"""How many units a plan may have: no rotation file can hold more shifts."""
SPREAD_PEOPLE = 6
"""Teams of at most this many people are also searched whole for the smallest spread."""
SPREAD_WIDTH = 1_000
"""How many steps (states times groups) that search may take per unit."""
REGROUP_CELLS = 500
"""Plans of at most this many people times units are also searched in groups of people
(`_regroups`) while their load spread is wider than `SPREAD_CLOSE`."""
REGROUP_STEPS = 1_000
"""How many search steps those group searches may take, per person and unit of the plan."""
_NEVER = datetime.min.replace(tzinfo=UTC)
_State = tuple[tuple[int, int], ...]
"""Per person: the block's last unit they took and where their run began, or (-1, -1)."""
_Cost = tuple[int, int, int, int, int]
"""Minutes short of min_staff, rest breaks, minutes short of ideal, -staffing, squared load."""
_Entry = tuple[_Cost, tuple[int, ...], _State, tuple[int, ...]]
"""A search state's cost, loads, previous state and the group that led to it."""
_Item = tuple[Any, tuple[_Cost, tuple[int, ...]]]
"""A search state's key, with its cost and loads."""
_MINUTE_US = 60_000_000
_NOWHERE = Origin()
"""Where every planned shift was written: nowhere (one `Origin` for them all)."""
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a shift has the people it has, for ``oncall plan --explain``.

    Attributes:
        start: when the shift starts.
        end: when it ends.
        people: who was picked.
        kept: the shift was kept from an existing rotation.
        passed_over: ``(person id, reason)`` for the people nearest to being picked.
        broke_rest: who was picked although it breaks ``min_rest`` (the only way to
            reach ``min_staff``).
        why: which measure of the ranking decided the shift, in words.
        others: how many more people were passed over than ``passed_over`` names.
    """

    start: datetime
    end: datetime
    people: tuple[str, ...]
    kept: bool = False
    passed_over: tuple[tuple[str, str], ...] = ()
    broke_rest: tuple[str, ...] = ()
    why: str = ""
    others: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_instant(self.start, "decision start"))
        object.__setattr__(self, "end", as_instant(self.end, "decision end"))


_build_decision: Final = unchecked_builder(Decision)


def planned_decision(shift: Shift, broke: tuple[str, ...]) -> Decision:
    """``Decision(shift.start, shift.end, shift.people, broke_rest=broke)``, built faster.

    A shift's instants are already as `as_instant` gives them, so the constructor's
    checks would change nothing; it is built as the loader's fast constructors build
    theirs (`oncall.models.unchecked_builder`), for one decision per planned shift.
    """
    return _build_decision(shift.start, shift.end, shift.people, False, (), broke, "", 0)


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A planned rotation, with the windows it covers and how it was decided.

    Attributes:
        rotation: the shifts, sorted by time.
        windows: the coverage windows planned for.
        decisions: one per shift, in the same order.
        load: each person's on-call time: history, kept and planned shifts.
        optimal: for a plan of `oncall.make_optimal_plan`, whether the solver proved it
            best on the whole ranking (False: its time bound came first); None for
            `make_plan`'s, which claims no proof.
        notes: where the planner stopped at a budget (the exact search of a block, the
            balancing moves), so the plan may fall short of the best; usually none.
    """

    rotation: Rotation
    windows: tuple[Window, ...]
    decisions: tuple[Decision, ...]
    load: Mapping[str, timedelta]
    optimal: bool | None = None
    notes: tuple[str, ...] = ()


@dataclass(slots=True)  # never changed; not frozen, as frozen ones take thrice as long to make
class _Unit:
    start: datetime
    end: datetime
    events: tuple[str, ...]
    part: int  # units of one part (cut only for hand-offs) may merge back into one shift
    length: timedelta  # end - start
    minutes: int  # the length, in whole minutes


def plan(team: Team, horizon: Horizon | None = None, *, keep: Rotation | None = None) -> Rotation:
    """Plan who is on call for every coverage window of ``team``.

    Args:
        team: the team: people, time off, events, policy, history.
        horizon: replaces the team's horizon.
        keep: an existing rotation whose shifts that still fit are kept exactly.

    Returns:
        The rotation, shifts sorted by time. It always covers every window; where nobody
        could be found a shift has fewer people, or none (`oncall.check` says why).
    """
    return make_plan(team, horizon, keep=keep).rotation


def kept_shifts(team: Team, keep: Rotation, windows: Sequence[Window]) -> list[Shift]:
    """The shifts of ``keep`` that still fit: inside one window, known people, none away."""
    availability = Availability(team)
    known = {p.id for p in team.people}
    starts = [w.start for w in windows]
    fitting = []
    for shift in keep.shifts:
        index = bisect_left(starts, shift.start + timedelta(microseconds=1)) - 1
        inside = (
            index >= 0 and windows[index].start <= shift.start and shift.end <= windows[index].end
        )
        people_ok = (
            len(set(shift.people)) == len(shift.people)
            and set(shift.people) <= known
            and all(availability.is_free(p, shift.start, shift.end) for p in shift.people)
        )
        if inside and people_ok:
            fitting.append(shift)
    return fitting


def make_plan(
    team: Team,
    horizon: Horizon | None = None,
    *,
    keep: Rotation | None = None,
    explain: bool = False,
) -> PlanResult:
    """Plan like `plan`, and say how: windows, per-shift decisions and load.

    With ``explain``, each decision says which measure decided it and why the people
    nearest to being picked were passed over.
    """
    return planner_for(team, horizon, keep).run(explain=explain)


def planner_for(team: Team, horizon: Horizon | None, keep: Rotation | None) -> _Planner:
    """The planner of ``team``'s windows, with its units, before any pass has run."""
    expect(keep, (Rotation, type(None)), "keep")
    horizon = horizon_of(team, horizon)
    windows = tuple(coverage_windows(team, horizon))
    kept = kept_shifts(team, keep, windows) if keep is not None else []
    return _Planner(team, windows, kept)


def split_evenly(start: datetime, end: datetime, longest: timedelta | None) -> list[Interval]:
    """``[start, end)`` as consecutive parts no longer than ``longest``, cut on the minute.

    Computed in whole integers, so a ten-year window cut into minutes does not overflow.
    """
    if longest is None or end - start <= longest:
        return [(start, end)]
    total = (end - start) // timedelta(microseconds=1)
    step = max(1, longest // timedelta(microseconds=1))
    parts = -(-total // step)
    bounds = [start]
    for i in range(1, parts):
        offset = (total * i // parts) // _MINUTE_US * _MINUTE_US
        bound = start + timedelta(microseconds=offset)
        if bound > bounds[-1]:
            bounds.append(bound)
    bounds.append(end)
    return list(itertools.pairwise(bounds))


def nearest_sums(reach: int, offset: int, now: int, count: int) -> list[int]:
    """The sums in the bit set ``reach`` nearest to an even division, up to ``count``.

    Only sums ``s`` that make ``|offset + 2s|`` smaller than ``now`` does are kept,
    smallest first (then the smaller ``s``). The nearest sums either side of
    ``-offset / 2`` are found a bit at a time: a window of ten years is millions of
    minutes, and testing every sum within reach (one shift of the whole set each) took
    hours.
    """
    worst = abs(offset + 2 * now)
    found: list[int] = []
    at = max(0, -(offset // 2))  # the first sum at or above -offset / 2
    for _ in range(count):  # upwards
        above = reach >> at
        if not above:
            break
        at += (above & -above).bit_length() - 1
        found.append(at)
        at += 1
    at = -(offset // 2) - 1
    for _ in range(count):  # downwards
        if at < 0:
            break
        below = reach & ((1 << (at + 1)) - 1)
        if not below:
            break
        at = below.bit_length() - 1
        found.append(at)
        at -= 1
    found = [s for s in found if abs(offset + 2 * s) < worst]
    found.sort(key=lambda s: (abs(offset + 2 * s), s))
    return found[:count]


@cache
def _groups_by_places(count: int, size: int) -> list[tuple[tuple[int, ...], list[tuple[int, int]]]]:
    """Every ``size`` of ``count`` places, with their pairs: least sum of places first.

    Groups of equal sums come in the order of `itertools.combinations` (earliest first).
    """
    groups = sorted(itertools.combinations(range(count), size), key=lambda g: (sum(g), g))
    return [(group, list(itertools.combinations(group, 2))) for group in groups]


def _beam(
    states: Mapping[Any, tuple[_Cost, tuple[int, ...]]],
    room: int,
    orders: Sequence[Callable[[_Item], tuple[Any, ...]]],
) -> dict[Any, tuple[_Cost, tuple[int, ...]]]:
    """The best ``room`` of a search's states: an equal share by each order in turn.

    The first order takes its share (rounded up), each next one fills its share with the
    best states not yet taken.
    """
    kept: dict[Any, tuple[_Cost, tuple[int, ...]]] = {}
    for n, order in enumerate(orders, 1):
        share = -(-room * n // len(orders))
        for key, value in sorted(states.items(), key=order):
            if len(kept) >= share:
                break
            kept.setdefault(key, value)
    return kept


class _Planner:
    def __init__(self, team: Team, windows: Sequence[Window], kept: Sequence[Shift]) -> None:
        self.team = team
        policy = self.policy = team.policy
        self.windows = windows
        self.kept = list(kept)
        self.availability = Availability(team)
        self.rank = {p.id: index for index, p in enumerate(team.people)}
        self.load: dict[str, timedelta] = {
            p.id: team.history.get(p.id, timedelta(0)) for p in team.people
        }
        self.loads = sorted(self.load.values())  # everyone's, sorted: the spread at a glance
        self.last: dict[str, datetime] = dict.fromkeys(self.rank, _NEVER)
        # Per person: how many shifts they shared with each other person (as counted by
        # `_count_pairs`), kept both ways round.
        self.partners: dict[str, dict[str, int]] = {p: {} for p in self.rank}
        # Each person's duties, sorted: (start, end, unit index), -1 for a kept shift.
        self.duties: dict[str, list[tuple[datetime, datetime, int]]] = {p: [] for p in self.rank}
        # Their starts, in the same order: bisected without a key (`_starting`).
        self.starts: dict[str, list[datetime]] = {p: [] for p in self.rank}
        # Their planned units as (length, unit index), sorted: made when first asked
        # (`_by_length`), then kept in step with their duties.
        self.by_length: dict[str, list[tuple[timedelta, int]]] | None = None
        self.min_rest = policy.min_rest
        self.max_shift = policy.max_shift
        # How far from a duty another may be and still matter to rest or max_shift.
        self.reach = (self.min_rest or timedelta(0)) + (self.max_shift or timedelta(0))
        self.units = self._units()
        self.assigned: list[list[str]] = [[] for _ in self.units]
        self.free_cache: dict[int, list[str]] = {}
        self.final_order: list[str] = []
        self.unsearched: set[int] = set()  # units of blocks the exact search gave up on
        self._init_hours()
        self.balanced = True  # the balancing moves ran out of moves, not of budget
        self.repaired = True  # the repair moves ran out of moves, not of budget
        self.tries = 0  # moves tried (`_try`), for the budgets that count them
        self.repair_until = 0  # where `_repair`'s budget of tries ends
        self.steps = 0  # of the searches (`_search`), for the budgets that count them
        # The longest duty, to bound look-backs; and how far a change to one duty can change
        # the rest breaks counted around it (a block of touching duties is no longer than
        # max_shift, or else its window).
        self.longest = max(
            [u.length for u in self.units] + [s.end - s.start for s in self.kept],
            default=timedelta(0),
        )
        block = max((w.duration for w in windows), default=timedelta(0))
        if self.max_shift is not None:
            block = min(block, self.max_shift) + self.longest
        self.margin = (self.min_rest or timedelta(0)) + 2 * block
        self.look_back = self.reach + self.longest  # how long before a span `_near` looks
        for shift in self.kept:
            for person in shift.people:
                self._add_duty(person, shift.start, shift.end, -1)
            self._count_pairs(shift.people)
        # When the kept shifts that someone holds start, sorted (they never change).
        self.kept_starts = sorted(s.start for s in self.kept if s.people)

    # Units -----------------------------------------------------------------------------

    def _units(self) -> list[_Unit]:
        policy = self.policy
        starts = [w.start for w in self.windows]
        taken: defaultdict[int, list[Interval]] = defaultdict(list)
        for shift in self.kept:  # each kept shift lies inside one window (`kept_shifts`)
            taken[bisect_right(starts, shift.start) - 1].append((shift.start, shift.end))
        units: list[_Unit] = []
        part = 0
        for index, window in enumerate(self.windows):
            self._refuse_too_many(window, len(units))
            needs = [(*policy.coverage(e), e.id) for e in window.events]
            for start, end in subtract((window.start, window.end), taken.get(index, ())):
                for part_start, part_end in split_evenly(start, end, policy.max_shift):
                    for piece_start, piece_end in self._hand_offs(part_start, part_end):
                        # The events whose coverage overlaps the piece (`overlap`: pieces
                        # are never empty).
                        events = tuple(
                            [
                                event
                                for need_start, need_end, event in needs
                                if need_start < need_end
                                and need_start < piece_end
                                and piece_start < need_end
                            ]
                        )
                        length = piece_end - piece_start
                        units.append(
                            _Unit(piece_start, piece_end, events, part, length, length // _MINUTE)
                        )
                    part += 1
        if self.windows:  # the last window's units count too
            self._refuse_too_many(self.windows[-1], len(units))
        return units

    def _refuse_too_many(self, window: Window, units: int) -> None:
        """Refuse a window cut into too many parts, or a plan of too many units so far.

        A window may have `MAX_PARTS` parts of ``max_shift`` at most; a plan, `MAX_UNITS`.

        Raises:
            InputError: naming the window, the limit and ``policy.max_shift``.
        """
        longest = self.policy.max_shift
        if longest is not None and window.end - window.start > longest * MAX_PARTS:
            span = format_span(window.start, window.end, self.team.zone)
            raise InputError(
                f"the window {span} would be cut into more than {MAX_PARTS:,} shifts (the "
                "most one window may have) by max_shift",
                value=format_duration(longest),
                path=("policy", "max_shift"),
                hint="use a longer max_shift, or shorter events, lead or lag",
            )
        if units > MAX_UNITS:
            raise InputError(
                f"the plan would have more than {MAX_UNITS:,} shifts, more than a rotation "
                f"file can hold (at the window {format_local(window.start, self.team.zone)})",
                hint="plan a shorter horizon (--from/--to) or use a longer max_shift",
            )

    def _hand_offs(self, start: datetime, end: datetime) -> list[Interval]:
        """``[start, end)``, cut at the edges of time off if too few can take it whole."""
        is_free = self.availability.is_free
        need = self.policy.ideal_staff
        found = 0
        for person in self.rank:
            found += is_free(person, start, end)
            if found >= need:
                return [(start, end)]
        cuts = {start, end}
        for person in self.rank:
            for away_start, away_end in self.availability.away_intervals(person, start, end):
                cuts.update(t for t in (away_start, away_end) if start < t < end)
        return list(itertools.pairwise(sorted(cuts)))

    def _free(self, index: int) -> list[str]:
        """Everyone free for the whole unit, in file order (computed when first needed)."""
        free = self.free_cache.get(index)
        if free is None:
            unit = self.units[index]
            is_free = self.availability.is_free
            free = [p for p in self.rank if is_free(p, unit.start, unit.end)]
            self.free_cache[index] = free
        return free

    # Duties and rules ------------------------------------------------------------------

    def _add_duty(
        self, person: str, start: datetime, end: datetime, index: int, *, loads: bool = True
    ) -> None:
        """Give the person a duty (``index`` -1 for a kept shift).

        Without ``loads``, everyone's sorted loads (`loads`) are not kept in step: the
        caller sorts them again.
        """
        duties, duty = self.duties[person], (start, end, index)
        if not duties or duties[-1] <= duty:  # the construction adds each after the last
            duties.append(duty)
            self.starts[person].append(start)
        else:
            position = bisect_right(duties, duty)
            duties.insert(position, duty)
            self.starts[person].insert(position, start)
        if loads:
            self._set_load(person, self.load[person] + (end - start))
        else:
            self.load[person] += end - start
        self.last[person] = max(self.last[person], end)
        if self.by_length is not None and index >= 0:
            insort(self.by_length[person], (end - start, index))
        if self.hours_load is not None:
            self._count_hours(person, start, end, index)

    def _remove_duty(self, person: str, start: datetime, end: datetime, index: int) -> None:
        duties = self.duties[person]
        position = bisect_left(duties, (start, end, index))
        del duties[position], self.starts[person][position]
        self._set_load(person, self.load[person] - (end - start))
        if self.by_length is not None and index >= 0:
            lengths = self.by_length[person]
            del lengths[bisect_left(lengths, (end - start, index))]
        if self.hours_load is not None:
            self._count_hours(person, start, end, index, -1)

    def _set_load(self, person: str, load: timedelta) -> None:
        """Change the person's load, and keep everyone's sorted (`_fairness` reads its ends)."""
        loads = self.loads
        del loads[bisect_left(loads, self.load[person])]
        insort(loads, load)
        self.load[person] = load

    def _count_pairs(self, people: Iterable[str], step: int = 1) -> None:
        """Count shifts shared: ``step`` more for each two of ``people`` (`partners`)."""
        partners = self.partners
        for a, b in itertools.combinations(set(people), 2):  # either way round: both are kept
            mine, theirs = partners[a], partners[b]
            mine[b] = theirs[a] = mine.get(b, 0) + step

    def _starting(
        self, person: str, low: datetime, high: datetime
    ) -> list[tuple[datetime, datetime, int]]:
        """The person's duties that start from ``low`` to ``high``, both included."""
        starts = self.starts[person]
        first = bisect_left(starts, low)
        return self.duties[person][first : bisect_right(starts, high, first)]

    def _near(self, person: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The person's duties that end or start within ``min_rest``/``max_shift`` of a span."""
        since = start - self.reach
        near = self._starting(person, start - self.look_back, end + self.reach)
        return [(s, e) for s, e, _ in near if e >= since]

    def _conflict(self, person: str, start: datetime, end: datetime) -> tuple[str, Interval] | None:
        """Why ``person`` may not take ``[start, end)`` on top of their duties, if so.

        ``("max_shift", block)`` is a hard rule; ``("rest", duty)`` can be broken.
        """
        if self.min_rest is None and self.max_shift is None:
            return None
        duties = self.duties[person]
        if not duties:
            return None
        near = self._near(person, start, end)
        if not near:
            return None
        if self.max_shift is not None:
            block_start, block_end = start, end
            for duty_start, duty_end in reversed(near):
                if duty_end == block_start:
                    block_start = duty_start
            for duty_start, duty_end in near:
                if duty_start == block_end:
                    block_end = duty_end
            if block_end - block_start > self.max_shift:
                return ("max_shift", (block_start, block_end))
        if self.min_rest is not None:
            for duty_start, duty_end in near:
                gap = start - duty_end if duty_end <= start else duty_start - end
                if self.policy.rest_broken(gap):
                    return ("rest", (duty_start, duty_end))
        return None

    def _breaks(self, person: str, low: datetime, high: datetime) -> int:
        """Rest breaks between the person's duties near ``[low, high)``, as the checker counts."""
        if self.min_rest is None:
            return 0
        count = 0
        block_end: datetime | None = None
        starts = self.starts[person]  # `_starting`, without copying fewer than two
        first = bisect_left(starts, low - self.margin)
        last = bisect_right(starts, high + self.margin, first)
        if last - first < 2:
            return 0  # no gap between duties
        rest_broken = self.policy.rest_broken
        for duty_start, duty_end, _ in self.duties[person][first:last]:
            if block_end is not None and duty_start > block_end:
                count += rest_broken(duty_start - block_end)
            block_end = duty_end if block_end is None else max(block_end, duty_end)
        return count

    def _too_long(self, person: str, start: datetime, end: datetime) -> bool:
        """Whether the person's duties around ``[start, end)`` make a block over max_shift."""
        if self.max_shift is None:
            return False
        near = self._near(person, start, end)
        block_start, block_end = start, end
        for duty_start, duty_end in reversed(near):
            if duty_end == block_start or (duty_start <= block_start < duty_end):
                block_start = min(block_start, duty_start)
        for duty_start, duty_end in near:
            if duty_start == block_end or (duty_start < block_end <= duty_end):
                block_end = max(block_end, duty_end)
        return block_end - block_start > self.max_shift

    # Preferences -----------------------------------------------------------------------

    def _key(self, person: str) -> tuple[timedelta, datetime, int]:
        """Least on-call time first, then on call longest ago, then file order."""
        return (self.load[person], self.last[person], self.rank[person])

    # Construction ----------------------------------------------------------------------

    def _construct(self) -> None:
        ideal, need = self.policy.ideal_staff, self.policy.min_staff
        wanted = ideal + TIES
        conflict_of, add_duty = self._conflict, self._add_duty
        load, last, rank, reach = self.load, self.last, self.rank, self.reach
        order = self._by_load(self.rank)
        keys = [(load[p], last[p], rank[p]) for p in order]  # `_key`, in the same order
        is_free = self.availability.is_free
        for index, unit in enumerate(self.units):
            start, end = unit.start, unit.end
            rested: list[str] = []
            resting: list[str] = []
            for person in order:
                if not is_free(person, start, end):
                    continue
                # Nothing on call within reach of the unit (``last`` is the latest end of
                # their duties): `_conflict` would find nothing near.
                if last[person] + reach < start:
                    rested.append(person)
                    if len(rested) >= wanted:
                        break
                    continue
                conflict = conflict_of(person, start, end)
                if conflict is None:
                    rested.append(person)
                    if len(rested) >= wanted:
                        break
                elif conflict[0] == "rest" and len(resting) < need:
                    resting.append(person)
            chosen = self._pick(rested, ideal)
            if len(chosen) < need:
                chosen += resting[: need - len(chosen)]
            for person in chosen:
                position = bisect_left(keys, (load[person], last[person], rank[person]))
                del keys[position], order[position]
                add_duty(person, start, end, index, loads=False)
                key = (load[person], last[person], rank[person])
                position = bisect_left(keys, key)
                keys.insert(position, key)
                order.insert(position, person)
            self._count_pairs(chosen)
            self.assigned[index] = chosen
        self.loads = sorted(load.values())  # as `_set_load` would have kept them

    def _pick(self, candidates: list[str], size: int) -> list[str]:
        """Up to ``size`` of ``candidates`` (least loaded first), rotating pairings.

        The group of the lowest top load, then lowest total load, then fewest shifts
        shared before (fresh pairings), then earliest in preference order. Since
        ``candidates`` are sorted by load, those are the groups of everyone less loaded
        than the ``size``-th and as many as it takes of those exactly as loaded as it (the
        tied); only the choice among the tied is searched.
        """
        if len(candidates) <= size:
            return list(candidates)
        if size > 4 or size == 0:  # pairings are compared for small groups only
            return candidates[:size]
        load = self.load
        ceiling = load[candidates[size - 1]]
        first = size - 1  # the first of the tied, then one past the last
        while first > 0 and load[candidates[first - 1]] == ceiling:
            first -= 1
        last = size
        while last < len(candidates) and load[candidates[last]] == ceiling:
            last += 1
        if last == size:
            return candidates[:size]
        fixed, tied = candidates[:first], candidates[first:last]
        shared = [self.partners[a] for a in tied]  # shifts each of the tied shared so far
        # Shifts each of the tied shared with the fixed so far.
        alone = [sum([mine.get(f, 0) for f in fixed]) for mine in shared] if fixed else None
        best = -1
        group: tuple[int, ...] = ()
        # By places, so the first group that shares least is the one (shifts shared are
        # never fewer than none).
        for extra, links in _groups_by_places(len(tied), size - first):
            together = sum(map(alone.__getitem__, extra)) if alone else 0
            for i, j in links:
                together += shared[i].get(tied[j], 0)
            if best < 0 or together < best:
                best, group = together, extra
                if not together:
                    break
        return fixed + [tied[j] for j in group]

    # Moves -----------------------------------------------------------------------------

    def _score(self, index: int) -> tuple[int, int, int]:
        """A unit's part of ranks 1 and 3: minutes short of min_staff, of ideal, people."""
        unit, count = self.units[index], len(self.assigned[index])
        minutes = unit.minutes
        policy = self.policy
        return (
            minutes if count < policy.min_staff else 0,
            minutes if count < policy.ideal_staff else 0,
            -minutes * min(count, policy.ideal_staff),
        )

    def _try(self, changes: Sequence[tuple[int, str, bool]], *, fair: bool = False) -> bool:
        """Apply ``(unit, person, add)`` changes if they improve the ranking; say whether.

        Ranks 1 to 3 must improve; with ``fair``, they must stay as they are and the load
        spread must narrow, or stay and the sum of squared loads drop.
        """
        self.tries += 1
        units = sorted({u for u, _, _ in changes})
        people = sorted({p for _, p, _ in changes})
        spans = self._spans(units)
        before_units = [self._score(u) for u in units]
        before_breaks = sum(self._breaks(p, low, high) for p in people for low, high in spans)
        before_fair = self._fairness(people) if fair else None
        self._apply(changes)
        valid = all(
            not (add and self._too_long(p, self.units[u].start, self.units[u].end))
            for u, p, add in changes
        )
        if valid:
            after_units = [self._score(u) for u in units]
            after_breaks = sum(self._breaks(p, low, high) for p in people for low, high in spans)
            before = self._rank(before_units, before_breaks)
            after = self._rank(after_units, after_breaks)
            if fair:
                assert before_fair is not None  # noqa: S101 - computed when fair
                valid = after == before and self._fairness(people) < before_fair
            else:
                valid = after < before
        if not valid:
            self._apply([(u, p, not add) for u, p, add in reversed(changes)])
        return valid

    def _spans(self, units: Sequence[int]) -> list[Interval]:
        """The time around sorted ``units``, in spans too far apart to share a rest break.

        `_breaks` counts no break in two of them, so a move of units years apart looks at
        two short spans, not at everything between.
        """
        spans: list[Interval] = []
        apart = 2 * self.margin + self.longest
        for index in units:
            unit = self.units[index]
            if spans and unit.start - spans[-1][1] <= apart:
                spans[-1] = (spans[-1][0], max(spans[-1][1], unit.end))
            else:
                spans.append((unit.start, unit.end))
        return spans

    def _fairness(self, people: Sequence[str]) -> tuple[int, ...]:
        """The load spread, then the sum of squared loads of ``people`` (in minutes).

        While the working-hours pass runs, the load spread and then ranks 5 and 6 and
        follow the sun (`_hours_fairness`) instead.
        """
        spread = (self.loads[-1] - self.loads[0]) // timedelta(microseconds=1)
        if self.hours_load is not None:
            return (spread, *self._hours_fairness(people))
        squares = sum((self.load[p] // _MINUTE) ** 2 for p in people)
        return (spread, squares)

    @staticmethod
    def _rank(scores: Sequence[tuple[int, int, int]], breaks: int) -> tuple[int, int, int, int]:
        return (
            sum(s[0] for s in scores),
            breaks,
            sum(s[1] for s in scores),
            sum(s[2] for s in scores),
        )

    def _apply(self, changes: Iterable[tuple[int, str, bool]]) -> None:
        """Make changes; a person added where another was removed takes their place."""
        vacated: dict[int, list[int]] = defaultdict(list)
        for index, person, add in changes:
            unit = self.units[index]
            people = self.assigned[index]
            if add:
                places = vacated[index]
                people.insert(places.pop() if places else len(people), person)
                self._add_duty(person, unit.start, unit.end, index)
            else:
                vacated[index].append(people.index(person))
                people.remove(person)
                self._remove_duty(person, unit.start, unit.end, index)

    def _linked_units(self, person: str, index: int) -> list[int]:
        """The person's planned units close enough to ``index`` to conflict with it."""
        unit = self.units[index]
        reach = self.min_rest or timedelta(0)
        linked = []
        for start, end, i in self._starting(
            person, unit.start - reach - self.longest, unit.end + reach
        ):
            if i >= 0 and i != index and self._conflict_between(unit, start, end):
                linked.append(i)
        return linked

    def _conflict_between(self, unit: _Unit, start: datetime, end: datetime) -> bool:
        gap = unit.start - end if end <= unit.start else start - unit.end
        if self.min_rest is not None and gap < self.min_rest:
            return True
        return self.max_shift is not None and gap <= timedelta(0)

    def _by_load(self, people: Iterable[str]) -> list[str]:
        """``people`` by `_key` (which tells everyone apart: ranks differ)."""
        people = list(people)
        load, last, rank = self.load, self.last, self.rank
        keys = zip(
            map(load.__getitem__, people),
            map(last.__getitem__, people),
            map(rank.__getitem__, people),
            people,
            strict=True,
        )
        return [key[3] for key in sorted(keys)]

    # Exact search ----------------------------------------------------------------------

    def _blocks(self) -> list[list[int]]:
        """Units linked by the rules (closer than min_rest, or touching under max_shift)."""
        blocks: list[list[int]] = []
        reach_end: datetime | None = None
        for index, unit in enumerate(self.units):
            if reach_end is not None and self._links(reach_end, unit.start):
                blocks[-1].append(index)
                reach_end = max(reach_end, unit.end)
            else:
                blocks.append([index])
                reach_end = unit.end
        return blocks

    def _links(self, end: datetime, start: datetime) -> bool:
        gap = start - end
        if self.min_rest is not None and gap < self.min_rest:
            return True
        return self.max_shift is not None and gap <= timedelta(0)

    def _takers(self, block: Sequence[int], most: int) -> list[str] | None:
        """Who is free for some unit of ``block``; None if more than ``most``."""
        is_free = self.availability.is_free
        spans = [(self.units[i].start, self.units[i].end) for i in block]
        takers = []
        for person in self.rank:
            for start, end in spans:
                if is_free(person, start, end):
                    takers.append(person)
                    if len(takers) > most:
                        return None
                    break
        return takers

    def _settled(self, block: Sequence[int]) -> bool:
        """Whether the block is best on ranks 1 to 3 as it is.

        So it is when every unit has ideal_staff (or everyone free for it) and nobody in
        it breaks min_rest.
        """
        ideal = self.policy.ideal_staff
        for index in block:
            count = len(self.assigned[index])
            if count < ideal and count < len(self._free(index)):
                return False
        low, high = self.units[block[0]].start, self.units[block[-1]].end
        people = sorted({p for i in block for p in self.assigned[i]})
        return not any(self._breaks(p, low, high) for p in people)

    def _solve_blocks(self) -> bool:
        """Ranks 1 to 3 exactly, block by block, where the construction may have missed.

        Says whether any block changed.
        """
        changed = False
        if self.min_rest is None and self.max_shift is None:
            return False  # nothing links units: the construction is best on ranks 1-3
        for block in self._blocks():
            if len(block) < 2 or (self.kept and self._touches_kept(block)):
                continue
            people = self._takers(block, BALANCE_PEOPLE)
            if people is None:
                if self._settled(block):
                    continue  # already best on ranks 1-3; the balancing moves see to rank 4
                people = self._takers(block, len(self.rank))
                assert people is not None  # noqa: S101 - nobody is left out
            low, high = self.units[block[0]].start, self.units[block[-1]].end
            current = self._rank(
                [self._score(i) for i in block], sum(self._breaks(p, low, high) for p in people)
            )
            squares = sum((self.load[p] // _MINUTE) ** 2 for p in people)
            best = self._search(block)
            if best is None:
                self.unsearched.update(block)
                continue
            if best[0] >= (*current, squares):
                continue
            changes = [(i, p, False) for i in block for p in list(self.assigned[i])]
            changes += [
                (i, p, True) for i, group in zip(block, best[1], strict=True) for p in group
            ]
            self._apply(changes)
            changed = True
        return changed

    def _touches_kept(self, block: Sequence[int]) -> bool:
        low = self.units[block[0]].start - (self.min_rest or timedelta(0)) - self.longest
        high = self.units[block[-1]].end + (self.min_rest or timedelta(0))
        starts = self.kept_starts
        return bisect_right(starts, high) > bisect_left(starts, low)

    def _search(
        self,
        block: Sequence[int],
        *,
        spread: bool = False,
        among: Sequence[str] = (),
        evenly: bool = False,
    ) -> tuple[_Cost, list[tuple[str, ...]]] | None:
        """The best assignment of a block on ranks 1 to 3; None if a unit has too many.

        None when one unit alone has more choices of people than `SEARCH_WIDTH`.

        Dynamic programming in time order over each person's last duty and where their
        run of touching duties began (all that rest and max_shift depend on). Ties go to
        the smallest sum of squared loads (history and the rest of the plan included),
        the spread's proxy, which ends the cost. Where a unit would take more than
        `SEARCH_WIDTH` steps (states times choices), only the best states so far go on
        (a beam): the block is then marked as not searched exactly.

        With ``spread`` (`_plan_spread`), states that differ in loads are kept apart, the
        beam keeps those nearest to an even spread at the end (each person's load so far
        plus their share of the units to come), and the plan of the smallest spread wins.
        With ``among`` too (`_regroup`), only those people are chosen: each unit keeps as
        many of them as it has, and everyone else stays where they are. The spread's
        search drops the states that can no longer end as good as the plan on ranks 1 to 3
        (those costs only grow); with ``evenly``, half its beam is kept by the spread to
        come first, the cost so far second, as the cost so far favours putting off rest
        breaks that must come, and so the plans that balance by taking them early.
        """
        policy = self.policy
        people = self._by_load(set(among) or {p for i in block for p in self._free(i)})
        slot = {p: k for k, p in enumerate(people)}
        base = [self.load[p] // _MINUTE for p in people]
        held = [0] * len(block)  # per unit, how many of ``people`` it has
        for k, index in enumerate(block):
            for person in self.assigned[index]:
                if person in slot:
                    base[slot[person]] -= self.units[index].minutes
                    held[k] += 1
        others = [self.load[p] // _MINUTE for p in self.rank if p not in slot]
        ahead = self._shares(block, slot, held if among else None) if spread else []
        budget = SPREAD_WIDTH if spread else SEARCH_WIDTH
        per_layer = SEARCH_CELLS // (len(block) * max(1, len(people)))  # states kept, at most

        def projected(item: _Item, k: int, *, even: bool = False) -> tuple[Any, ...]:
            cost, loads = item[1]
            if not spread:
                return (cost, item[0])
            end = [a + b for a, b in zip(loads, ahead[k], strict=True)] + others
            if even:  # the spread to come first
                return (max(end) - min(end), cost, sum(x * x for x in end), item[0])
            return (cost[:4], max(end) - min(end), sum(x * x for x in end), item[0])

        target = self._cost_now(block, slot) if spread else None
        start: _State = tuple((-1, -1) for _ in people)
        layers: list[dict[Any, _Entry]] = []
        states: dict[Any, tuple[_Cost, tuple[int, ...]]] = {
            (start, tuple(base)) if spread else start: (
                (0, 0, 0, 0, sum(b * b for b in base)),
                tuple(base),
            )
        }
        for k, index in enumerate(block):
            free = set(self._free(index))
            ranked = [p for p in people if p in free]
            sizes = range(min(policy.ideal_staff, len(ranked)), -1, -1) if not among else [held[k]]
            width = sum(math.comb(len(ranked), size) for size in sizes)
            if width > budget:
                return None
            options = [
                tuple(slot[p] for p in group)
                for size in sizes
                for group in itertools.combinations(ranked, size)
            ]
            limit = min(budget, per_layer)
            if target is not None:  # states that cannot end as good as the plan on ranks 1-3
                states = {key: v for key, v in states.items() if v[0][:3] <= target}
            if len(states) * width > limit:  # keep the best so far: no longer exact
                if len(block) > BEAM_UNITS:
                    return None
                if not spread:
                    self.unsearched.update(block)
                evens = (False, True) if evenly else (False,)
                states = _beam(
                    states,
                    max(1, limit // width),
                    [partial(projected, k=k, even=even) for even in evens],
                )
                if layers:  # the layer before keeps only what goes on: memory stays bounded
                    layers[-1] = {key: layers[-1][key] for key in states}
            self.steps += len(states) * width
            layer = self._layer(states, options, (block, k), spread=spread)
            layers.append(layer)
            states = {key: (entry[0], entry[1]) for key, entry in layer.items()}
        if not states:  # none as good as the plan on ranks 1 to 3 (the beam left it out)
            return None
        final = min(states.items(), key=lambda item: projected(item, len(block)))[0]
        groups: list[tuple[str, ...]] = []
        key = final
        for layer in reversed(layers):
            _, _, key, group = layer[key]
            groups.append(tuple(people[j] for j in group))
        groups.reverse()
        return states[final][0], groups

    def _cost_now(
        self, block: Sequence[int], slot: Mapping[str, int]
    ) -> tuple[int, int, int] | None:
        """Ranks 1 to 3 of the block as it is planned, as the search counts them.

        Only the people of ``slot`` are counted as chosen, the others as they stay.
        """
        state: list[tuple[int, int]] = [(-1, -1)] * len(slot)
        cost: _Cost = (0, 0, 0, 0, 0)
        loads = (0,) * len(slot)
        for k, index in enumerate(block):
            group = tuple(slot[p] for p in self.assigned[index] if p in slot)
            step = self._step(
                self._rested(tuple(state), block, k), group, (block, k), (cost, loads)
            )
            if step is None:  # the plan as it is breaks max_shift: no bound from it
                return None
            new, cost = step
            state = list(new)
        return cost[:3]

    def _layer(
        self,
        states: Mapping[Any, tuple[_Cost, tuple[int, ...]]],
        options: Sequence[tuple[int, ...]],
        where: tuple[Sequence[int], int],
        *,
        spread: bool,
    ) -> dict[Any, _Entry]:
        """The search's states after the ``where`` unit: the best way into each."""
        block, k = where
        minutes = self.units[block[k]].minutes
        layer: dict[Any, _Entry] = {}
        for state, (cost, loads) in states.items():
            rested = self._rested(state[0] if spread else state, block, k)
            for group in options:
                step = self._step(rested, group, where, (cost, loads))
                if step is None:
                    continue
                key, new_cost = step
                grown = loads
                if group:
                    more = list(loads)
                    for j in group:
                        more[j] += minutes
                    grown = tuple(more)
                place = (key, grown) if spread else key
                held = layer.get(place)
                if held is None or new_cost < held[0]:
                    layer[place] = (new_cost, grown, state, group)
        return layer

    def _shares(
        self, block: Sequence[int], slot: Mapping[str, int], held: Sequence[int] | None
    ) -> list[list[int]]:
        """Per place in ``block`` (and one past the end): each person's share to come.

        In minutes, of the units from there on, each split evenly among who of ``slot``
        is free: ``ideal_staff`` places, or ``held`` ones per unit.
        """
        ideal = self.policy.ideal_staff
        ahead = [[0] * len(slot)]
        for k in range(len(block) - 1, -1, -1):
            index = block[k]
            free = [p for p in self._free(index) if p in slot]
            places = min(ideal, len(free)) if held is None else held[k]
            row = list(ahead[-1])
            share = self.units[index].minutes * places // max(1, len(free))
            for person in free:
                row[slot[person]] += share
            ahead.append(row)
        ahead.reverse()
        return ahead

    def _plan_spread(self) -> bool:
        """Rank 4 for small teams: search the whole plan at once for the smallest spread.

        The block search (`_search`) over every unit in time order, its states told
        apart by loads too: taken only if it keeps ranks 1 to 3 and narrows the spread
        (a beam of `SPREAD_WIDTH` steps per unit bounds it; it is not exact). It runs
        twice: its beam kept by the cost so far, then half of it by the spread to come
        (``evenly``), which reaches even plans whose rest breaks come early.
        """
        if self.kept or not 2 <= len(self.rank) <= SPREAD_PEOPLE:
            return False
        if not 2 <= len(self.units) <= BEAM_UNITS:
            return False
        block = list(range(len(self.units)))
        narrowed = False
        for evenly in (False, True):
            best = self._search(block, spread=True, evenly=evenly)
            if best is None:
                continue
            changes = [(i, p, False) for i in block for p in self.assigned[i]]
            changes += [
                (i, p, True) for i, group in zip(block, best[1], strict=True) for p in group
            ]
            narrowed |= self._try(changes, fair=True)
        return narrowed

    def _spread(self) -> timedelta:
        """The load spread: the ends of everyone's loads, sorted."""
        return self.loads[-1] - self.loads[0] if self.loads else timedelta(0)

    def _regroups(self) -> None:
        """Rank 4 for small plans: groups of people searched again while the spread is wide.

        For plans of up to `REGROUP_CELLS` people times units whose spread the moves left
        wider than `SPREAD_CLOSE`: the groups of `_groups` are searched in turn
        (`_regroup`) and, after one narrows the spread, the balancing moves run and the
        groups start again. The searches' steps count against a budget proportional to
        people times units; stopping at it with the spread still wide is noted.
        """
        cells = len(self.rank) * len(self.units)
        budget = REGROUP_STEPS * cells
        if not cells or cells > REGROUP_CELLS:
            return  # nothing to move (history alone may spread the loads), or too large
        narrowed = True
        while narrowed and budget > 0 and self._spread() > SPREAD_CLOSE:
            narrowed = False
            for group in self._groups(self._by_load(self.rank)):
                if budget <= 0:
                    break
                before = self.steps
                narrowed = self._regroup(group)
                budget -= self.steps - before
                if narrowed:
                    self._balance()
                    break
        if budget <= 0 and self._spread() > SPREAD_CLOSE:
            self.balanced = False

    @staticmethod
    def _groups(order: Sequence[str]) -> list[list[str]]:
        """Groups of the least and the most loaded of ``order`` (people by load).

        The two alone, with the next least and most loaded, then with each other person,
        then with each two people next to each other in ``order``.
        """
        if len(order) < 2:
            return []
        light, heavy = order[0], order[-1]
        middle = order[1:-1]
        groups = [[light, heavy], [light, *order[1:2], *order[-2:-1], heavy]]
        groups += [[light, other, heavy] for other in middle]
        groups += [[light, *pair, heavy] for pair in itertools.pairwise(middle)]
        unique: dict[frozenset[str], list[str]] = {}
        for group in groups:
            unique.setdefault(frozenset(group), list(dict.fromkeys(group)))
        return [group for group in unique.values() if len(group) > 1]

    def _regroup(self, people: Sequence[str]) -> bool:
        """Rank 4: the units some of ``people`` hold, divided among them again by the search.

        Each unit keeps as many of them as it has (so ranks 1 and 3 stay as they are) and
        everyone else's duties stay; taken if it keeps rank 2 and narrows the spread.
        """
        block = sorted({i for p in people for _, _, i in self.duties[p] if i >= 0})
        if not 2 <= len(block) <= BEAM_UNITS:
            return False
        best = self._search(block, spread=True, among=people)
        if best is None:
            return False
        changes: list[tuple[int, str, bool]] = []
        for index, group in zip(block, best[1], strict=True):
            now = [p for p in self.assigned[index] if p in people]
            changes += [(index, p, False) for p in now if p not in group]
            changes += [(index, p, True) for p in group if p not in now]
        return bool(changes) and self._try(changes, fair=True)

    def _rested(self, state: _State, block: Sequence[int], k: int) -> list[tuple[int, int]]:
        """The state with everyone rested by the ``k``-th unit of the block forgotten."""
        start = self.units[block[k]].start
        rested = list(state)
        for j, (last, _) in enumerate(state):
            if last >= 0:
                gap = start - self.units[block[last]].end
                if gap > timedelta(0) and (self.min_rest is None or gap >= self.min_rest):
                    rested[j] = (-1, -1)
        return rested

    def _step(
        self,
        rested: list[tuple[int, int]],
        group: tuple[int, ...],
        where: tuple[Sequence[int], int],
        held: tuple[_Cost, tuple[int, ...]],
    ) -> tuple[_State, _Cost] | None:
        """The state and cost after ``group`` takes a block's unit, if max_shift allows.

        ``where`` is the block and the unit's place in it; ``held`` the cost and loads so far.
        """
        policy = self.policy
        block, k = where
        cost, loads = held
        units = self.units
        unit = units[block[k]]
        minutes = unit.minutes
        new = list(rested)
        breaks = 0
        squares = cost[4]
        for j in group:
            last, run = rested[j]
            squares += (2 * loads[j] + minutes) * minutes
            if last < 0:
                new[j] = (k, k)
            elif units[block[last]].end == unit.start:
                if policy.max_shift is not None and (
                    unit.end - units[block[run]].start > policy.max_shift
                ):
                    return None
                new[j] = (k, run)
            else:
                breaks += 1
                new[j] = (k, k)
        count = len(group)
        return tuple(new), (
            cost[0] + (minutes if count < policy.min_staff else 0),
            cost[1] + breaks,
            cost[2] + (minutes if count < policy.ideal_staff else 0),
            cost[3] - minutes * min(count, policy.ideal_staff),
            squares,
        )

    def _repair(self) -> None:
        """Ranks 1 to 3: improve units short of ideal_staff and undo needless rest breaks."""
        ideal = self.policy.ideal_staff
        self.repair_until = self.tries + REPAIR_TRIES + REPAIR_PER_UNIT * len(self.units)
        for _ in range(PASSES):
            improved = False
            for index in range(len(self.units)):
                if self.tries >= self.repair_until:
                    break
                if self.min_rest is not None:
                    improved |= self._repair_breaks(index)
                if len(self.assigned[index]) < ideal:
                    improved |= self._fill(index)
            if not improved or self.tries >= self.repair_until:
                break
        self.repaired = self.tries < self.repair_until

    def _fill(self, index: int) -> bool:
        """Add people to a unit short of ideal_staff, moving them from linked units."""
        ideal = self.policy.ideal_staff
        improved = False
        for person in self._by_load(self._free(index)):
            if len(self.assigned[index]) >= ideal or self.tries >= self.repair_until:
                break
            if person in self.assigned[index]:
                continue
            if self._try([(index, person, True)]):
                improved = True
                continue
            for other in self._linked_units(person, index):
                if self.tries >= self.repair_until:
                    break
                if self._try([(other, person, False), (index, person, True)]):
                    improved = True
                    break
                done = False
                spares = (p for p in self._by_load(self._free(other)) if p != person)
                for spare in itertools.islice(spares, SPARES):
                    if spare in self.assigned[other]:
                        continue
                    changes = [(other, person, False), (index, person, True), (other, spare, True)]
                    if self._try(changes):
                        improved = done = True
                        break
                if done:
                    break
        return improved

    def _repair_breaks(self, index: int) -> bool:
        """Replace or remove someone of a unit whose duty there breaks min_rest."""
        unit = self.units[index]
        improved = False
        for person in list(self.assigned[index]):
            if not self._breaks(person, unit.start, unit.end):
                continue
            if self._try([(index, person, False)]):
                improved = True
                continue
            for spare in self._by_load(self._free(index)):
                if self.tries >= self.repair_until:
                    break
                if spare in self.assigned[index]:
                    continue
                if self._try([(index, person, False), (index, spare, True)]):
                    improved = True
                    break
        return improved

    def _balance(self) -> None:
        """Rank 4: move load from more to less loaded people while that narrows their gap.

        Pairs are tried from the widest gap down (the most loaded against the least
        loaded first); a pair's gap narrows by a unit that moves from one to the other,
        or by two units of different lengths that they exchange. Each move keeps ranks 1
        to 3 exactly and strictly lowers the sum of squared loads, so the pass ends; a
        budget of tries bounds it on very large plans.
        """
        tries = [BALANCE_TRIES + len(self.units) // 2]
        while tries[0] > 0:
            order = self._by_load(self.rank)
            heavy, light = order[::-1][:BALANCE_PAIRS], order[:BALANCE_PAIRS]
            pairs = sorted(
                ((p, q) for p in heavy for q in light if self.load[p] > self.load[q]),
                key=lambda pq: (self.load[pq[1]] - self.load[pq[0]], self.rank[pq[0]]),
            )
            if any(self._narrow(p, q, tries) for p, q in pairs):
                continue
            if any(self._share(p, q, tries) for p, q in self._sharing_pairs(order)):
                continue
            allowance = [min(tries[0], CHAIN_TRIES)]
            found = self._chains(order, allowance)
            tries[0] -= min(tries[0], CHAIN_TRIES) - allowance[0]
            if found:
                continue
            if not self._relay(order, tries):
                break
        self.balanced = tries[0] > 0

    def _sharing_pairs(self, order: Sequence[str]) -> list[tuple[str, str]]:
        """Pairs of the `BALANCE_PAIRS` most and least loaded people, widest gap first."""
        ends = list(dict.fromkeys([*order[:BALANCE_PAIRS], *order[-BALANCE_PAIRS:]]))
        pairs = [(p, q) for p, q in itertools.permutations(ends, 2) if self.load[p] > self.load[q]]
        pairs.sort(key=lambda pq: (self.load[pq[1]] - self.load[pq[0]], self.rank[pq[0]]))
        return pairs

    def _share(self, heavy: str, light: str, tries: list[int]) -> bool:
        """Divide again, as evenly as it goes, the units that either of two people holds.

        Each unit that one of them holds and the other could take (free, and no rule
        broken against the other's duties) may go to either; a subset sum over their
        lengths (a bit set per unit) finds the divisions nearest to even, and the nearest
        few that keep ranks 1 to 3 are tried in turn. Moves of one unit and exchanges of
        two are the simplest such divisions.
        """
        if (self.load[heavy] - self.load[light]) // _MINUTE < 2:
            return False  # no division in whole minutes is nearer to even
        is_free = self.availability.is_free
        items: list[tuple[int, int, bool]] = []  # (unit, minutes, held by heavy)
        bases = {heavy: self.load[heavy], light: self.load[light]}
        for person, other in ((heavy, light), (light, heavy)):
            for _, _, index in self.duties[person]:
                if index < 0 or other in self.assigned[index]:
                    continue
                if len(items) >= SHARE_UNITS * (1 + (person == light)):
                    break
                unit = self.units[index]
                if is_free(other, unit.start, unit.end) and (
                    self._conflict(other, unit.start, unit.end) is None
                ):
                    items.append((index, unit.minutes, person == heavy))
                    bases[person] -= unit.length
        tries[0] -= len(items)
        if not items or tries[0] <= 0:
            return False
        total = sum(m for _, m, _ in items)
        # heavy ends with bases[heavy] + s, light with bases[light] + total - s.
        offset = (bases[heavy] - bases[light]) // _MINUTE - total
        now = sum(m for _, m, mine in items if mine)
        reach = [1]
        for _, m, _ in items:
            reach.append(reach[-1] | reach[-1] << m)
        for chosen in nearest_sums(reach[-1], offset, now, SHARE_TRIES):
            tries[0] -= 1
            changes = self._division(items, reach, chosen, (heavy, light))
            if changes and self._try(changes, fair=True):
                return True
        return False

    @staticmethod
    def _division(
        items: Sequence[tuple[int, int, bool]],
        reach: Sequence[int],
        total: int,
        pair: tuple[str, str],
    ) -> list[tuple[int, str, bool]]:
        """The changes that give the first of ``pair`` units of ``items`` summing to ``total``.

        ``reach[k]`` is the bit set of the sums the first ``k`` items reach; where both
        choices reach the sum, a unit stays with whoever holds it.
        """
        heavy, light = pair
        gives: list[tuple[int, str, bool]] = []
        takes: list[tuple[int, str, bool]] = []
        rest = total
        for k in range(len(items) - 1, -1, -1):
            index, minutes, mine = items[k]
            can_keep = rest >= minutes and reach[k] >> (rest - minutes) & 1
            to_heavy = bool(can_keep) if mine else not reach[k] >> rest & 1
            if to_heavy:
                rest -= minutes
            if to_heavy != mine:
                giver, taker = (light, heavy) if to_heavy else (heavy, light)
                gives.append((index, giver, False))
                takes.append((index, taker, True))
        return gives + takes

    def _chains(self, order: Sequence[str], tries: list[int]) -> bool:
        """Chains of takes among the most and least loaded, while one narrows the spread.

        A person takes a unit from a second, who takes one from a third, and so on
        (`CHAIN_LENGTH` takes at most); the last one only gives, or takes one from the
        first (a cycle of exchanges). Only chains that leave everyone they touch strictly
        inside the current spread are tried, so each take's length lies in a narrow range
        (found by bisection among the units sorted by length).
        """
        ends = list(dict.fromkeys([*order[:BALANCE_PAIRS], *order[-BALANCE_PAIRS:]]))
        load = {p: self.load[p] // _MINUTE for p in ends}
        if len(ends) < 2 or max(load.values()) - min(load.values()) < 2:
            return False
        top, bottom = max(load.values()), min(load.values())
        held = self._held(ends)
        needs: dict[tuple[str, int], int | None] = {}

        def takes(taker: str, low: int, high: int) -> Iterator[tuple[int, int, str, int]]:
            """(minutes, unit, holder, need) that ``taker`` could take, low < minutes < high."""
            length = itemgetter(0)
            for k in range(
                bisect_right(held, low, key=length), bisect_left(held, high, key=length)
            ):
                minutes, index, holder = held[k]
                if holder == taker or taker in self.assigned[index]:
                    continue
                tries[0] -= 1
                if (taker, index) not in needs:
                    needs[taker, index] = self._need(taker, index)
                need = needs[taker, index]
                if need is not None:
                    yield minutes, index, holder, need

        def grow(path: list[tuple[int, str, str, int]], delta: dict[str, int]) -> bool:
            # path: (unit, giver, taker, unit the taker must give up or -1); the last giver
            # takes next.
            first, taker, given = path[0][2], path[-1][1], path[-1][0]
            now = load[taker] + delta[taker]
            for minutes, index, holder, need in takes(taker, bottom - now, top - now):
                if tries[0] <= 0:
                    return False
                if need not in (-1, given) or any(index == step[0] for step in path):
                    continue
                if (holder != first and holder in delta) or minutes + delta[taker] == 0:
                    continue  # each person takes and gives at most once, and changes load
                step = [*path, (index, holder, taker, need)]
                changed = dict(delta)
                changed[taker] += minutes
                changed[holder] = changed.get(holder, 0) - minutes
                closes = holder == first and path[0][3] in (-1, index)
                ends_here = holder != first and path[0][3] == -1
                if (closes or ends_here) and self._better(changed, load):
                    changes = [(u, giver, False) for u, giver, _, _ in step]
                    changes += [(u, taker, True) for u, _, taker, _ in step]
                    if self._try(changes, fair=True):
                        return True
                if holder != first and len(step) < CHAIN_LENGTH and again[0](step, changed):
                    return True
            return False

        again = [grow]  # how grow calls itself: emptied at the end, so no cycle is left

        try:
            for start in ends:
                # They end inside the spread: after taking only, or taking and giving back
                # one of their own units.
                room = (bottom - load[start], top - load[start])
                for low, high in self._windows(start, room):
                    for minutes, index, holder, need in takes(start, low, high):
                        if tries[0] <= 0:
                            return False
                        path = [(index, holder, start, need)]
                        if grow(path, {start: minutes, holder: -minutes}):
                            return True
            return False
        finally:
            again.clear()  # the command runs without the cyclic collector

    @staticmethod
    def _better(changed: Mapping[str, int], load: Mapping[str, int]) -> bool:
        """Whether load changes (in minutes) are worth trying as a balancing move.

        They must keep everyone inside the spread of ``load``, and narrow it or lower the
        sum of squares (what `_fairness` asks, roughly: `_try` decides).
        """
        top, bottom = max(load.values()), min(load.values())
        if not all(bottom < load[p] + d < top for p, d in changed.items() if d):
            return False
        narrows = all(changed.get(p) for p in load if load[p] == top) or all(
            changed.get(p) for p in load if load[p] == bottom
        )
        return narrows or sum(d * (2 * load[p] + d) for p, d in changed.items()) < 0

    def _held(self, people: Iterable[str]) -> list[tuple[int, int, str]]:
        """``(minutes, unit, holder)`` for the planned units of ``people``, shortest first."""
        return sorted(
            (self.units[i].minutes, i, holder)
            for holder in people
            for _, _, i in self.duties[holder]
            if i >= 0
        )

    def _windows(self, start: str, room: tuple[int, int]) -> list[tuple[int, int]]:
        """The ranges of lengths a chain's first take may have, lowest first.

        ``room`` is what keeps them inside the spread; or that plus the length of one of
        their units, which they give back at the end of a cycle.
        """
        windows = {(max(0, room[0]), room[1])} | {
            (self.units[i].minutes + room[0], self.units[i].minutes + room[1])
            for _, _, i in self.duties[start]
            if i >= 0
        }
        return sorted(windows)

    def _need(self, taker: str, index: int) -> int | None:
        """Whether ``taker`` could take the unit, and on what condition.

        -1 if they can as they are; the one unit of theirs that it conflicts with if they
        can by giving that one up; None if they cannot.
        """
        unit = self.units[index]
        if not self.availability.is_free(taker, unit.start, unit.end):
            return None
        if self._conflict(taker, unit.start, unit.end) is None:
            return -1
        linked = self._linked_units(taker, index)
        return linked[0] if len(linked) == 1 else None

    def _relay(self, order: Sequence[str], tries: list[int]) -> bool:
        """The most loaded hands a unit on, and its taker one of theirs to the least loaded.

        Takers are the `BALANCE_PAIRS` least loaded others who are free for the unit.
        """
        if len(order) < 2:  # nobody to hand a unit to (a team of one, or of nobody)
            return False
        heavy, light = order[-1], order[0]
        gap = self.load[heavy] - self.load[light]
        is_free = self.availability.is_free
        shorter: dict[str, list[int]] = {}  # per middle: their units shorter than the gap
        for index in [i for _, _, i in self.duties[heavy] if i >= 0]:
            unit = self.units[index]
            middles = (
                p
                for p in order[1:-1]
                if p not in self.assigned[index] and is_free(p, unit.start, unit.end)
            )
            for middle in itertools.islice(middles, BALANCE_PAIRS):
                tries[0] -= 1
                if middle not in shorter:
                    shorter[middle] = [
                        i
                        for start, end, i in self.duties[middle]
                        if i >= 0 and timedelta(0) < end - start < gap
                    ]
                for other in shorter[middle]:
                    if tries[0] <= 0:
                        return False
                    if other == index or light in self.assigned[other]:
                        continue
                    theirs = self.units[other]
                    tries[0] -= 1
                    if not self.availability.is_free(light, theirs.start, theirs.end):
                        continue
                    changes = [
                        (index, heavy, False),
                        (index, middle, True),
                        (other, middle, False),
                        (other, light, True),
                    ]
                    if self._try(changes, fair=True):
                        return True
        return False

    def _chain(self, index: int, heavy: str, light: str, tries: list[int]) -> bool:
        """``light`` takes ``index`` from ``heavy`` and hands a linked unit to a third."""
        for other in self._linked_units(light, index):
            for third in self._by_load(self._free(other)):
                if tries[0] <= 0:
                    return False
                if third == light or third in self.assigned[other]:
                    continue
                tries[0] -= 1
                changes = [
                    (index, heavy, False),
                    (index, light, True),
                    (other, light, False),
                    (other, third, True),
                ]
                if (third != heavy or heavy not in self.assigned[other]) and self._try(
                    changes, fair=True
                ):
                    return True
        return False

    def _narrow(self, heavy: str, light: str, tries: list[int]) -> bool:
        """Narrow the load gap between two people by one move, if one keeps ranks 1 to 3."""
        gap = self.load[heavy] - self.load[light]
        units = self.units
        theirs = list(self._by_length(light))
        lengths = [length for length, _ in theirs]
        # Units whose move brings the two closest to even first.
        mine = [i for _, i in sorted([(abs(gap - 2 * n), i) for n, i in self._by_length(heavy)])]
        for index in mine:
            if tries[0] <= 0:
                return False
            unit = units[index]
            length = unit.length
            if length >= gap and bisect_right(lengths, length - gap) >= bisect_left(
                lengths, length
            ):
                continue  # neither moving it nor exchanging it for one of theirs narrows
            tries[0] -= 1
            if (
                length < gap
                and light not in self.assigned[index]
                and self.availability.is_free(light, unit.start, unit.end)
            ):
                if self._try([(index, heavy, False), (index, light, True)], fair=True):
                    return True
                if self._chain(index, heavy, light, tries):
                    return True
            # Exchange for a shorter unit of theirs: the best fits, around length - gap / 2.
            target = length - gap / 2
            at = bisect_left(lengths, target)
            for position in sorted(
                range(max(0, at - 2), min(len(theirs), at + 2)),
                key=lambda k: abs(lengths[k] - target),
            ):
                shorter, other = theirs[position]
                if not timedelta(0) < length - shorter < gap or other == index:
                    continue
                if heavy in self.assigned[other] or light in self.assigned[index]:
                    continue
                tries[0] -= 1
                if not self.availability.is_free(light, unit.start, unit.end):
                    break
                theirs_unit = self.units[other]
                if not self.availability.is_free(heavy, theirs_unit.start, theirs_unit.end):
                    continue
                changes = [
                    (index, heavy, False),
                    (other, light, False),
                    (index, light, True),
                    (other, heavy, True),
                ]
                if self._try(changes, fair=True):
                    return True
        return False

    def _by_length(self, person: str) -> list[tuple[timedelta, int]]:
        """``(length, unit)`` of the person's planned units, shortest first (`by_length`)."""
        if self.by_length is None:  # everyone's at once, unit by unit
            found: dict[str, list[tuple[timedelta, int]]] = {p: [] for p in self.rank}
            for index, (unit, people) in enumerate(zip(self.units, self.assigned, strict=True)):
                for holder in people:
                    found[holder].append((unit.length, index))
            for lengths in found.values():
                lengths.sort()
            self.by_length = found
        return self.by_length[person]

    # Working hours and holidays: ranks 5 and 6, then follow the sun ---------------------

    def _init_hours(self) -> None:
        """One `HoursCalendar` per distinct zone, working hours and holidays; nothing counted."""
        shared: dict[tuple[object, ...], int] = {}
        self.calendars: list[HoursCalendar] = []
        self.calendar_of: dict[str, int] = {}
        for person in self.team.people:
            key = (person.zone, person.working_hours.spans, person.holidays)
            if key not in shared:
                shared[key] = len(self.calendars)
                self.calendars.append(HoursCalendar(person))
            self.calendar_of[person.id] = shared[key]
        # Per calendar and unit: minutes after hours, then on holidays (computed when asked).
        self.unit_hours: list[list[tuple[int, int] | None]] = [
            [None] * len(self.units) for _ in self.calendars
        ]
        # Per person: the same, in all (while `_even_hours` runs).
        self.hours_load: dict[str, list[int]] | None = None
        # Pairings as they are (shifts shared, per pair), while `_even_hours` runs.
        self.hours_pairs: Counter[tuple[str, str]] = Counter()
        # Per unit: whom the working-hours pass picked there, and for which measure.
        self.hours_why: dict[int, tuple[str, str]] = {}

    def _calendar_hours(self, calendar: int, start: datetime, end: datetime) -> tuple[int, int]:
        """Minutes of ``[start, end)`` outside a calendar's working hours, and on holidays."""
        split = self.calendars[calendar].split(start, end)
        return split.after_hours // _MINUTE, split.holiday // _MINUTE

    def _hours(self, person: str, index: int) -> tuple[int, int]:
        """`_calendar_hours` of the person's calendar for a unit."""
        calendar = self.calendar_of[person]
        found = self.unit_hours[calendar][index]
        if found is None:
            unit = self.units[index]
            found = self.unit_hours[calendar][index] = self._calendar_hours(
                calendar, unit.start, unit.end
            )
        return found

    def _count_hours(
        self, person: str, start: datetime, end: datetime, index: int, step: int = 1
    ) -> None:
        """Add (or with ``step`` -1 take away) a duty to the person's hours in all.

        ``index`` is the duty's unit, -1 for a kept shift.
        """
        assert self.hours_load is not None  # noqa: S101 - only called while counting
        if index >= 0:
            after, holiday = self._hours(person, index)
        else:
            after, holiday = self._calendar_hours(self.calendar_of[person], start, end)
        totals = self.hours_load[person]
        totals[0] += step * after
        totals[1] += step * holiday

    def _hours_fairness(self, people: Sequence[str]) -> tuple[int, ...]:
        """Rank 5, rank 6, then follow the sun, for a move that involves ``people``.

        The spread of after-hours minutes and the sum of squares of ``people``'s, the same
        for holiday minutes, then ``people``'s after-hours minutes in all.
        """
        assert self.hours_load is not None  # noqa: S101 - only called while counting
        totals = self.hours_load
        after = [t[0] for t in totals.values()]
        holiday = [t[1] for t in totals.values()]
        mine = [totals[p] for p in people]
        return (
            max(after) - min(after),
            sum(t[0] * t[0] for t in mine),
            max(holiday) - min(holiday),
            sum(t[1] * t[1] for t in mine),
            sum(t[0] for t in mine),
        )

    def _even_hours(self) -> None:
        """Ranks 5 and 6, then follow the sun, by moves that keep ranks 1 to 4.

        After-hours (then holiday) time moves from the people with the most to those with
        the least, by a unit handed over or two units exchanged; then each unit's people
        are replaced by free people for whom more of it is inside working hours. Every move
        keeps ranks 1 to 3 exactly and the load spread no wider (`_try`), and lowers the
        tuple of `_hours_fairness`, so the pass ends; a budget of tries bounds it.
        """
        if len(self.rank) < 2:
            return
        self.hours_load = {p: [0, 0] for p in self.rank}
        # Everyone's duties: unit by unit, then kept shifts (-1).
        for index, (unit, people) in enumerate(zip(self.units, self.assigned, strict=True)):
            for person in people:
                self._count_hours(person, unit.start, unit.end, index)
        for shift in self.kept:
            for person in shift.people:
                self._count_hours(person, shift.start, shift.end, -1)
        groups = itertools.chain((s.people for s in self.kept), self.assigned)
        self.hours_pairs = Counter(
            itertools.chain.from_iterable(
                itertools.combinations(sorted(set(group)), 2) for group in groups
            )
        )
        tries = [HOURS_TRIES + len(self.units) // 8]
        while tries[0] > 0 and any(self._even_measure(m, tries) for m in (0, 1)):
            pass
        if len(self.calendars) > 1:
            self._follow_the_sun(tries)
        self.hours_load = None

    def _even_measure(self, measure: int, tries: list[int]) -> bool:
        """One move of after-hours (0) or holiday (1) time from a heavy to a light person."""
        assert self.hours_load is not None  # noqa: S101 - only called while counting
        totals = self.hours_load
        order = sorted(self.rank, key=lambda p: (totals[p][measure], self.rank[p]))
        heavy, light = order[::-1][:BALANCE_PAIRS], order[:BALANCE_PAIRS]
        pairs = sorted(
            ((p, q) for p in heavy for q in light if totals[p][measure] > totals[q][measure]),
            key=lambda pq: (totals[pq[1]][measure] - totals[pq[0]][measure], self.rank[pq[0]]),
        )
        return any(self._trade(p, q, measure, tries) for p, q in pairs)

    def _trade(self, heavy: str, light: str, measure: int, tries: list[int]) -> bool:
        """``light`` takes units of ``heavy``'s time of that measure, alone or in exchange.

        Only moves that lower the two people's sum of squares of that measure, and keep
        their loads within the range of everyone's, are tried: the units of most such time
        first, each alone, then in exchange for the fitting units of the other's least
        such time. Says whether any move was made.
        """
        assert self.hours_load is not None  # noqa: S101 - only called while counting
        if tries[0] <= 0:
            return False
        # Looking through their duties costs tries too, so the pass stays linear.
        tries[0] -= 1 + (len(self.duties[heavy]) + len(self.duties[light])) // 64
        is_free = self.availability.is_free
        totals, hours, units = self.hours_load, self._hours, self.units
        loads = self.load.values()
        low, high = min(loads), max(loads)
        mine = sorted(
            (-hours(heavy, i)[measure], hours(light, i)[measure], i)
            for _, _, i in self.duties[heavy]
            if i >= 0 and hours(heavy, i)[measure] > 0
        )
        theirs = sorted(
            (hours(heavy, i)[measure], -hours(light, i)[measure], i)
            for _, _, i in self.duties[light]
            if i >= 0 and heavy not in self.assigned[i]
        )
        moved = False
        for less, given, index in mine:
            if tries[0] <= 0:
                break
            tries[0] -= 1
            a, b = totals[heavy][measure], totals[light][measure]
            unit = units[index]
            if light in self.assigned[index] or not is_free(light, unit.start, unit.end):
                continue
            length = unit.length
            mine_load, their_load = self.load[heavy], self.load[light]
            evener = (a + less) ** 2 + (b + given) ** 2 < a * a + b * b
            if (
                evener
                and mine_load - length >= low
                and their_load + length <= high
                and self._hours_move([(index, heavy, False), (index, light, True)])
            ):
                moved = True
                continue
            options = sorted(
                (abs(units[other].minutes - unit.minutes), squares, other)
                for taken, left, other in theirs[: 2 * BALANCE_PAIRS]
                if (squares := (a + less + taken) ** 2 + (b + left + given) ** 2) < a * a + b * b
            )
            for _, _, other in options:
                theirs_unit = units[other]
                change = theirs_unit.length - length
                if not (low <= mine_load + change <= high and low <= their_load - change <= high):
                    continue
                if not is_free(heavy, theirs_unit.start, theirs_unit.end):
                    continue
                tries[0] -= 1
                changes = [
                    (index, heavy, False),
                    (other, light, False),
                    (index, light, True),
                    (other, heavy, True),
                ]
                if self._hours_move(changes):
                    theirs = [t for t in theirs if t[2] != other]
                    moved = True
                    break
        return moved

    def _follow_the_sun(self, tries: list[int]) -> None:
        """Replace people on call after hours by free people for whom it is working time."""
        is_free = self.availability.is_free
        members: list[list[str]] = [[] for _ in self.calendars]
        for person in self._by_load(self.rank):
            members[self.calendar_of[person]].append(person)
        for index, unit in enumerate(self.units):
            for person in list(self.assigned[index]):
                if tries[0] <= 0:
                    return
                mine = self._hours(person, index)
                if not any(mine):
                    continue
                better = (
                    p
                    for c, people in enumerate(members)
                    if people and self._hours(people[0], index) < mine
                    for p in people
                    if p not in self.assigned[index] and is_free(p, unit.start, unit.end)
                )
                for other in itertools.islice(better, BALANCE_PAIRS):
                    tries[0] -= 1
                    if self._hours_move([(index, person, False), (index, other, True)]):
                        break

    def _hours_move(self, changes: Sequence[tuple[int, str, bool]]) -> bool:
        """`_try` a move of the working-hours pass; note on its units which measure took it.

        Moves that make pairings less even (a larger sum of squared counts of shifts
        shared) are not tried.
        """
        groups = {i: set(self.assigned[i]) for i, _, _ in changes}
        before = Counter(p for g in groups.values() for p in itertools.combinations(sorted(g), 2))
        for index, person, add in changes:
            if add:
                groups[index].add(person)
            else:
                groups[index].discard(person)
        after = Counter(p for g in groups.values() for p in itertools.combinations(sorted(g), 2))
        counts = self.hours_pairs
        if (
            sum((counts[p] - before[p] + after[p]) ** 2 - counts[p] ** 2 for p in before | after)
            > 0
        ):
            return False
        people = sorted({p for _, p, _ in changes})
        fair = self._fairness(people)
        if not self._try(changes, fair=True):
            return False
        counts.subtract(before)
        counts.update(after)
        now = self._fairness(people)
        first = next(k for k, (a, b) in enumerate(zip(now, fair, strict=True)) if a != b)
        what = (
            "the load spread narrows",
            "after-hours time evens out",
            "after-hours time evens out",
            "holiday time evens out",
            "holiday time evens out",
            "more of it inside their working hours (follow the sun)",
        )[first]
        for index, person, add in changes:
            if add:
                inside = first < 5 and self._hours(person, index) == (0, 0)
                self.hours_why[index] = (person, what + (" (inside their working hours)" * inside))
        return True

    # Result ----------------------------------------------------------------------------

    def run(self, *, explain: bool) -> PlanResult:
        self.improve()
        return self.result(explain=explain)

    def improve(self) -> None:
        """The passes: construction, exact search of small blocks, repair, balance, hours."""
        self._construct()
        self._solve_blocks()
        self._repair()
        self._balance()
        if self._plan_spread():
            self._balance()
        self._regroups()
        self._even_hours()

    def assign(self, groups: Sequence[Iterable[str]]) -> None:
        """Give each unit the people of ``groups`` (one per unit), replacing the passes'.

        People who stay on a unit keep their place; newcomers take the places of those
        who leave, then follow in the order given.
        """
        changes: list[tuple[int, str, bool]] = []
        for index, group in enumerate(groups):
            wanted = list(dict.fromkeys(group))
            change = [(index, p, False) for p in self.assigned[index] if p not in wanted]
            change += [(index, p, True) for p in wanted if p not in self.assigned[index]]
            if change:
                self.hours_why.pop(index, None)  # the working-hours pass's reason no longer
            changes += change
        self._apply(changes)
        self.unsearched.clear()

    def result(self, *, explain: bool, optimal: bool | None = None) -> PlanResult:
        """The rotation of the current assignment, with its decisions and load."""
        self.final_order = self._by_load(self.rank)
        restless = self._restless()
        planned: list[tuple[Shift, Decision]] = []
        units = self.units
        for indexes in self._shifts():
            first, last = units[indexes[0]], units[indexes[-1]]
            people = tuple(self.assigned[indexes[0]])
            events = tuple(
                dict.fromkeys(itertools.chain.from_iterable([units[i].events for i in indexes]))
            )
            shift = written_shift(first.start, last.end, people, events, _NOWHERE)
            decision = self._decision(shift, indexes, restless, explain=explain)
            planned.append((shift, decision))
        if self.kept:  # else the units' shifts are in time order already
            for shift in self.kept:
                planned.append((shift, Decision(shift.start, shift.end, shift.people, kept=True)))
            planned.sort(key=lambda pair: (pair[0].start, pair[0].end))
        return PlanResult(
            rotation=Rotation(tuple(shift for shift, _ in planned)),
            windows=tuple(self.windows),
            decisions=tuple(decision for _, decision in planned),
            load=dict(self.load),
            optimal=optimal,
            notes=self._notes(),
        )

    def _notes(self) -> tuple[str, ...]:
        notes = []
        if not self.repaired:
            notes.append(
                "repair stopped at its budget of moves: ideal_staff or rest breaks may fall "
                "short of the best (a short max_shift cuts long windows into many linked pieces)"
            )
        if self.unsearched:
            shifts = len({self.units[i].part for i in self.unsearched})
            notes.append(
                f"{shifts} shift(s) were not searched exactly (past the budget of "
                f"{SEARCH_WIDTH:,} steps per shift): rest breaks or ideal_staff there may "
                "fall short of the best (--explain names them)"
            )
        spread = max(self.load.values(), default=timedelta(0)) - min(
            self.load.values(), default=timedelta(0)
        )
        if not self.balanced and spread > SPREAD_CLOSE:
            notes.append(
                f"balancing stopped at its budget of moves with a load spread of "
                f"{format_duration(spread)}: it may be more than "
                f"{format_duration(SPREAD_CLOSE)} wider than the smallest possible"
            )
        return tuple(notes)

    def _shifts(self) -> list[list[int]]:
        """Units grouped into shifts: hand-off pieces with the same people merge back."""
        groups: list[list[int]] = []
        for index, unit in enumerate(self.units):
            if groups:
                previous = groups[-1][-1]
                if self.units[previous].part == unit.part and set(self.assigned[previous]) == set(
                    self.assigned[index]
                ):
                    groups[-1].append(index)
                    continue
            groups.append([index])
        return groups

    # Explanations ----------------------------------------------------------------------

    def _decision(
        self, shift: Shift, indexes: Sequence[int], restless: Set[str], *, explain: bool
    ) -> Decision:
        """The decision of a planned shift; only the ``restless`` (`_restless`) can break rest."""
        people = shift.people
        broke: tuple[str, ...] = ()
        if not restless.isdisjoint(people):  # the common case: none of them can break rest
            broke = tuple(
                p for p in people if p in restless and self._breaks_rest(p, shift.start, shift.end)
            )
        if not explain:
            return planned_decision(shift, broke)
        reasons: list[tuple[str, str]] = []
        others = 0
        top = max((self.load[p] for p in people), default=None)
        for person in self.final_order:
            if person in people:
                continue
            if len(reasons) >= EXPLAIN_LIMIT:
                others += 1
                continue
            reasons.append((person, self._reason(person, shift, people, top)))
        why = self._why(indexes, people, broke)
        return Decision(shift.start, shift.end, people, False, tuple(reasons), broke, why, others)

    def _restless(self) -> set[str]:
        """Everyone with a duty that starts less than min_rest after another ended.

        Only they can break min_rest (`_breaks_rest`): such a break is a gap of under
        min_rest between two of their duties. Someone with two duties that both end at or
        after the start of a third is counted in too, without looking closer.
        """
        min_rest = self.min_rest
        found: set[str] = set()
        if min_rest is None:
            return found
        for person, duties in self.duties.items():
            latest = second = _NEVER  # the two latest ends of the duties so far
            for start, end, _ in duties:
                if latest < start:  # the latest end before this start
                    close = start - latest < min_rest
                elif second < start:
                    close = start - second < min_rest
                else:
                    close = True  # two duties overlap its start
                if close:
                    found.add(person)
                    break
                if end > latest:
                    latest, second = end, latest
                elif end > second:
                    second = end
        return found

    def _breaks_rest(self, person: str, start: datetime, end: datetime) -> bool:
        """Whether a duty of the person outside ``[start, end)`` is too close to it."""
        if self.min_rest is None:
            return False
        for duty_start, duty_end in self._near(person, start, end):
            if start <= duty_start and duty_end <= end:
                continue
            gap = start - duty_end if duty_end <= start else duty_start - end
            if timedelta(0) < gap < self.min_rest:
                return True
        return False

    def _reason(
        self, person: str, shift: Shift, people: Sequence[str], top: timedelta | None
    ) -> str:
        away = self.availability.away(person, shift.start, shift.end)
        if away:
            notes = sorted({o.note for o in away if o.note})
            return "on time off" + (f" ({', '.join(notes)})" if notes else "")
        conflict = self._conflict(person, shift.start, shift.end)
        if conflict is not None:
            return self._conflict_reason(conflict, shift)
        if len(people) >= self.policy.ideal_staff and top is not None:
            if self.load[person] > top:
                theirs = format_duration(self.load[person], days=False)
                return f"more on-call time ({theirs}, against {format_duration(top, days=False)})"
            theirs = format_duration(self.load[person], days=False)
            return f"{theirs} on call in all; with them instead, the load spread is no smaller"
        return "cannot be added without breaking min_rest or max_shift elsewhere"

    def _conflict_reason(self, conflict: tuple[str, Interval], shift: Shift) -> str:
        kind, (duty_start, duty_end) = conflict
        zone = self.team.zone
        if kind == "max_shift":
            assert self.max_shift is not None  # noqa: S101 - only then this kind
            return f"would be on call longer than max_shift ({format_duration(self.max_shift)})"
        if duty_end <= shift.start:
            return f"resting: on call until {format_local(duty_end, zone)}"
        return (
            "kept free so that a later window can be covered "
            f"(on call from {format_local(duty_start, zone)})"
        )

    def _why(self, indexes: Sequence[int], people: Sequence[str], broke: Sequence[str]) -> str:
        why = self._measure(indexes, people, broke)
        if self.unsearched.intersection(indexes):
            why += " (its block was too large to search exactly)"
        return why

    def _measure(self, indexes: Sequence[int], people: Sequence[str], broke: Sequence[str]) -> str:
        """Which measure of the ranking decided the shift, in words."""
        policy = self.policy
        if len(people) < policy.min_staff:
            return "min_staff out of reach: nobody else is free for the whole shift"
        if broke:
            return "min_staff reached only by breaking min_rest (rank 2 yields to rank 1)"
        if len(people) < policy.ideal_staff:
            if len(self._free(indexes[0])) <= len(people):
                return "ideal_staff out of reach: nobody else is free"
            return "ideal_staff out of reach without breaking min_rest or stranding a window"
        hours = self.hours_why.get(indexes[0])
        if hours is not None and hours[0] in people:
            person = self.team.person(hours[0])
            name = person.name or hours[0] if person is not None else hours[0]
            return f"ideal_staff reached, load spread tied; picked {name}: {hours[1]}"
        return "ideal_staff reached; picked to keep the load spread smallest"
