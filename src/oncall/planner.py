"""Windows + people + time off -> a rotation: who is on call when.

The planner walks the coverage windows in time order (split into slots no longer than
``max_shift``, minus what kept shifts already cover) and staffs each slot for good:

1. **Hard rules.** Nobody is assigned during their time off. A person's shifts keep
   ``min_rest`` apart, and no one is on call longer than ``max_shift`` without a break.
2. **Coverage first.** Among the assignments for the slot that respect the rules, it takes
   one that lets the most slots of the *block* reach ``min_staff``: the slot and the later
   slots linked to it by the rules (closer than ``min_rest``). This look-ahead is an exact
   search over the block (up to `MAX_BLOCK` slots, within a node budget), so staffing
   one window fully never strands the next when a different choice would cover both.
   Then it staffs the slot itself as fully as it can, up to ``ideal_staff``.
3. **Fairness.** Among equally good assignments it takes the people with the least
   on-call time so far (history included), then those who were paired together least,
   then those who were on call longest ago. Load is balanced in time order: a later
   window never changes an earlier one for fairness' sake, which is what keeps plans stable.
4. **Last resort.** If a slot cannot reach ``min_staff`` within the rules, ``min_rest`` is
   broken for it (the checker reports a ``rest-violation``); if it still cannot, the shift
   is written with fewer people, or none, and the checker reports why.

Because each slot depends only on earlier slots and on the ``min_staff`` needs of the few
slots right after it, adding, removing or moving an event leaves every window that ends
before it as it was, unless a later window could reach ``min_staff`` in no other way.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from math import ceil

from oncall.availability import Availability
from oncall.errors import expect
from oncall.intervals import Interval, subtract
from oncall.models import Horizon, Rotation, Shift, Team, Window, horizon_of
from oncall.sources import resolve_sources
from oncall.timeutil import format_duration, format_local
from oncall.windows import coverage_windows

__all__ = ["MAX_BLOCK", "Decision", "PlanResult", "kept_shifts", "make_plan", "plan"]

MAX_BLOCK = 6
"""How many linked slots the coverage look-ahead considers at once."""
NODE_BUDGET = 20_000
"""How many partial assignments one look-ahead may try before taking the best so far."""
SHORTLIST = 8
"""How many candidates beyond ``ideal_staff`` are combined next (then all, if that fails)."""
TIES = 3
"""How many people tied with the ``ideal_staff``-th are combined first, to rotate pairs."""
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a shift has the people it has, for ``oncall plan --explain``.

    Attributes:
        start: when the shift starts.
        end: when it ends.
        people: who was picked.
        kept: the shift was kept from an existing rotation.
        passed_over: ``(person id, reason)`` for everyone else.
        broke_rest: who was picked although it breaks ``min_rest`` (the only way to
            reach ``min_staff``).
    """

    start: datetime
    end: datetime
    people: tuple[str, ...]
    kept: bool = False
    passed_over: tuple[tuple[str, str], ...] = ()
    broke_rest: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanResult:
    """A planned rotation, with the windows it covers and how it was decided.

    Attributes:
        rotation: the shifts, sorted by time.
        windows: the coverage windows planned for.
        decisions: one per shift, in the same order.
        load: each person's on-call time: history, kept and planned shifts.
    """

    rotation: Rotation
    windows: tuple[Window, ...]
    decisions: tuple[Decision, ...]
    load: Mapping[str, timedelta]


@dataclass(frozen=True, slots=True)
class _Conflict:
    """Why a duty cannot be added: ``rest``, ``max_shift`` or ``overlap`` with a duty."""

    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class _Slot:
    start: datetime
    end: datetime
    events: tuple[str, ...]


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

    With ``explain``, each decision lists why everyone else was passed over (costs time
    on large teams).
    """
    expect(keep, (Rotation, type(None)), "keep")
    horizon = horizon_of(team, horizon)
    team = resolve_sources(team, horizon)
    windows = tuple(coverage_windows(team, horizon))
    kept = kept_shifts(team, keep, windows) if keep is not None else []
    planner = _Planner(team, windows, kept, explain=explain)
    return planner.run()


class _Planner:
    def __init__(
        self, team: Team, windows: Sequence[Window], kept: Sequence[Shift], *, explain: bool
    ) -> None:
        self.team = team
        self.policy = team.policy
        self.windows = windows
        self.kept = list(kept)
        self.explain = explain
        self.availability = Availability(team)
        self.rank = {p.id: index for index, p in enumerate(team.people)}
        self.load: dict[str, timedelta] = {
            p.id: team.history.get(p.id, timedelta(0)) for p in team.people
        }
        self.last: dict[str, datetime | None] = dict.fromkeys(self.rank)
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.duties: dict[str, list[Interval]] = {p: [] for p in self.rank}
        self.longest = timedelta(0)  # the longest duty, to bound look-backs
        policy = self.policy
        # How far apart two duties can be and still matter to each other.
        self.reach = (policy.min_rest or timedelta(0)) + (policy.max_shift or timedelta(0))
        for shift in self.kept:
            self._commit(shift.start, shift.end, shift.people)
        self.kept_people = {p for shift in self.kept for p in shift.people}
        self.key_of = {p: self._key(p) for p in self.rank}
        self.order = sorted(self.rank, key=self.key_of.__getitem__)
        self.keys = [self.key_of[p] for p in self.order]
        self.slots = self._slots()

    # Preferences -----------------------------------------------------------------------

    def _key(self, person: str) -> tuple[timedelta, datetime, int]:
        """Least on-call time first, then on call longest ago, then file order."""
        return (self.load[person], self.last[person] or _NEVER, self.rank[person])

    def _combo_key(
        self, combo: tuple[str, ...], position: Mapping[str, int]
    ) -> tuple[timedelta, timedelta, int, int]:
        """Lowest top load, then lowest total, then fresh pairings, then preference order."""
        if len(combo) == 2:  # the common case (ideal_staff 2), computed directly: it is hot
            a, b = combo
            first, second = self.load[a], self.load[b]
            together = self.pairs[(a, b) if a < b else (b, a)]
            return (max(first, second), first + second, together, position[a] + position[b])
        loads = [self.load[p] for p in combo]
        pairs = sum(self.pairs[_pair(a, b)] for a, b in itertools.combinations(combo, 2))
        return (
            max(loads, default=timedelta(0)),
            sum(loads, timedelta(0)),
            pairs,
            sum(position[p] for p in combo),
        )

    # Slots -----------------------------------------------------------------------------

    def _slots(self) -> list[_Slot]:
        policy = self.policy
        # Each kept shift lies inside one window (`kept_shifts`): the last to start before it.
        starts = [w.start for w in self.windows]
        taken: defaultdict[int, list[Interval]] = defaultdict(list)
        for shift in self.kept:
            taken[bisect_right(starts, shift.start) - 1].append((shift.start, shift.end))
        slots = []
        for index, window in enumerate(self.windows):
            for start, end in subtract((window.start, window.end), taken.get(index, ())):
                parts = 1
                if policy.max_shift is not None:
                    parts = max(1, ceil((end - start) / policy.max_shift))
                bounds = [start + _minutes(_part(end - start, i, parts)) for i in range(parts)]
                bounds.append(end)
                for part_start, part_end in itertools.pairwise(bounds):
                    events = tuple(
                        e.id
                        for e in window.events
                        if e.start - policy.lead < part_end and e.end + policy.lag > part_start
                    )
                    slots.append(_Slot(part_start, part_end, events))
        return slots

    def _linked(self, earlier_end: datetime, later_start: datetime) -> bool:
        policy = self.policy
        gap = later_start - earlier_end
        if policy.min_rest is not None and gap < policy.min_rest:
            return True
        return policy.max_shift is not None and gap == timedelta(0)

    def _block(self, index: int) -> list[int]:
        block = [index]
        last_end = self.slots[index].end
        for later in range(index + 1, min(len(self.slots), index + MAX_BLOCK)):
            if not self._linked(last_end, self.slots[later].start):
                break
            block.append(later)
            last_end = max(last_end, self.slots[later].end)
        return block

    # Rules -----------------------------------------------------------------------------

    def _conflict(
        self, person: str, start: datetime, end: datetime, extra: Sequence[Interval] = ()
    ) -> _Conflict | None:
        """Why ``person`` may not take ``[start, end)`` on top of their duties, if they may not."""
        policy = self.policy
        if policy.min_rest is None and policy.max_shift is None:
            return None
        near = self._near(person, start, end, extra)
        for duty_start, duty_end in near:
            if duty_start < end and duty_end > start:
                return _Conflict("overlap", duty_start, duty_end)
            gap = start - duty_end if duty_end <= start else duty_start - end
            if policy.min_rest is not None and timedelta(0) < gap < policy.min_rest:
                return _Conflict("rest", duty_start, duty_end)
        if policy.max_shift is not None:
            block_start, block_end = start, end
            for duty_start, duty_end in sorted(near, reverse=True):
                if duty_end == block_start:
                    block_start = duty_start
            for duty_start, duty_end in sorted(near):
                if duty_start == block_end:
                    block_end = duty_end
            if block_end - block_start > policy.max_shift:
                return _Conflict("max_shift", block_start, block_end)
        return None

    def _near(
        self, person: str, start: datetime, end: datetime, extra: Sequence[Interval]
    ) -> list[Interval]:
        """The person's duties (and ``extra`` ones) close enough to ``[start, end)`` to matter."""
        reach = self.reach
        last = self.last[person]
        if not extra and person not in self.kept_people and (last is None or last <= start - reach):
            # The common case: nothing of theirs is near, before or after (the same test is
            # inlined in `_iter_candidates`, the hot loop: change both together).
            return []
        duties = self.duties[person]
        near = [d for d in extra if d[0] < end + reach and d[1] > start - reach]
        index = bisect_left(duties, (start - reach - self.longest, start))
        while index < len(duties) and duties[index][0] < end + reach:
            if duties[index][1] > start - reach:
                near.append(duties[index])
            index += 1
        return near

    def _describe(self, conflict: _Conflict, slot: _Slot) -> str:
        """A conflict in words, for ``--explain``."""
        zone = self.team.zone
        if conflict.kind == "rest":
            if conflict.end <= slot.start:
                return f"resting: on call until {format_local(conflict.end, zone)}"
            return f"resting: on call from {format_local(conflict.start, zone)}"
        if conflict.kind == "max_shift":
            assert self.policy.max_shift is not None  # noqa: S101 - only then this kind
            return (
                f"would be on call longer than max_shift ({format_duration(self.policy.max_shift)})"
            )
        return "already on call then"

    def _free(self, person: str, slot: _Slot) -> bool:
        return self.availability.is_free(person, slot.start, slot.end)

    def _iter_candidates(
        self, slot: _Slot, extra: Mapping[str, Sequence[Interval]]
    ) -> Iterator[str]:
        """The people who may take ``slot``, most preferred first."""
        # The hottest loop of planning: `_conflict` is called only for people with a duty
        # near the slot (the test `_near` starts with, inlined).
        start, end = slot.start, slot.end
        is_free, last, kept = self.availability.is_free, self.last, self.kept_people
        rules = self.policy.min_rest is not None or self.policy.max_shift is not None
        since = start - self.reach
        for person in self.order:
            if not is_free(person, start, end):
                continue
            duties = extra.get(person, ())
            near = rules and (duties or person in kept or (last[person] or _NEVER) > since)
            if near and self._conflict(person, start, end, duties):
                continue
            yield person

    def _candidates(
        self, slot: _Slot, extra: Mapping[str, Sequence[Interval]], limit: int | None = None
    ) -> list[str]:
        """Up to ``limit`` people who may take ``slot``, most preferred first."""
        return list(itertools.islice(self._iter_candidates(slot, extra), limit))

    def _enough_free(self, slot: _Slot, need: int) -> bool:
        """Whether ``need`` people are free (not on time off) for ``slot``."""
        is_free, start, end = self.availability.is_free, slot.start, slot.end
        found = 0
        for person in self.order:
            if found >= need:
                break
            found += is_free(person, start, end)
        return found >= need

    # Search ----------------------------------------------------------------------------

    def _reachable(self, block: Sequence[int], extra: dict[str, list[Interval]]) -> int:
        """The most slots of ``block`` that can reach ``min_staff`` on top of ``extra``.

        Tries the most preferred people first, then everyone.
        """
        best = 0
        for limit in (self.policy.min_staff, self.policy.min_staff + SHORTLIST, None):
            best = max(best, self._reachable_with(block, extra, limit))
            if best == len(block):
                break
        return best

    def _reachable_with(
        self, block: Sequence[int], extra: dict[str, list[Interval]], limit: int | None
    ) -> int:
        need = self.policy.min_staff
        best = 0
        nodes = 0

        def search(position: int, reached: int) -> None:
            nonlocal best, nodes
            nodes += 1
            if nodes > NODE_BUDGET or reached + len(block) - position <= best:
                return
            if position == len(block):
                best = reached
                return
            slot = self.slots[block[position]]
            candidates = self._candidates(slot, extra, limit)
            if len(candidates) >= need:
                for combo in itertools.combinations(candidates, need):
                    for person in combo:
                        extra.setdefault(person, []).append((slot.start, slot.end))
                    search(position + 1, reached + 1)
                    for person in combo:
                        extra[person].pop()
                    if best == len(block):
                        return
            search(position + 1, reached)

        search(0, 0)
        return best

    def _choose(self, index: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The people for slot ``index``, and those the block search passed over for later.

        Candidates are fetched lazily, most preferred first: the first ``ideal_staff`` and
        those tied with the last of them, then a shortlist, then everyone, each only if
        the one before cannot reach the best possible score.
        """
        slot = self.slots[index]
        later = self._block(index)[1:]
        need, ideal = self.policy.min_staff, self.policy.ideal_staff
        candidates = _Lazy(self._iter_candidates(slot, {}))
        target = len(candidates.take(ideal))
        size = target
        if target:
            ceiling = self.load[candidates.take(target)[-1]]
            while size < ideal + TIES:
                more = candidates.take(size + 1)
                if len(more) == size:
                    break
                size += 1
                if self.load[more[-1]] > ceiling:
                    break
        possible_later = sum(1 for j in later if self._enough_free(self.slots[j], need))
        bound = (int(target >= need) + possible_later, target)
        best: tuple[tuple[int, int], tuple[str, ...]] | None = None
        first: tuple[str, ...] | None = None
        tried = 0
        for stage in (size, ideal + SHORTLIST, None):
            group = candidates.every() if stage is None else candidates.take(stage)
            if len(group) == tried:
                continue  # nobody new to consider
            tried = len(group)
            for combo in self._combos(group, target):
                if first is None:
                    first = combo
                reached_later = (
                    self._reachable(later, {p: [(slot.start, slot.end)] for p in combo})
                    if later
                    else 0
                )
                score = (int(len(combo) >= need) + reached_later, len(combo))
                if best is None or score > best[0]:
                    best = (score, combo)
                if score == bound:
                    break
            if best is not None and best[0] == bound:
                break
        chosen = best[1] if best is not None else ()
        held_back = tuple(p for p in (first or ()) if p not in chosen)
        return chosen, held_back

    def _combos(self, pool: Sequence[str], target: int) -> Iterator[tuple[str, ...]]:
        """Groups of ``target`` people down to none, in `_combo_key` order.

        ``pool`` is in preference order. A group's first key is its highest load, which
        is least when the group is drawn from the people with no more load than the
        ``target``-th: those groups come first, so usually only they are ever ranked.
        """
        position = {p: i for i, p in enumerate(pool)}

        def ranked(groups: Iterator[tuple[str, ...]]) -> list[tuple[str, ...]]:
            return sorted(groups, key=lambda combo: self._combo_key(combo, position))

        seen: set[tuple[str, ...]] = set()
        if target > 0:
            ceiling = self.load[pool[target - 1]]
            tier = [p for p in pool if self.load[p] <= ceiling]
            first = (
                [tuple(tier)]
                if len(tier) == target
                else ranked(itertools.combinations(tier, target))
            )
            yield from first
            seen.update(first)
        for size in range(target, -1, -1):
            for combo in ranked(itertools.combinations(pool, size)):
                if combo not in seen:
                    yield combo

    def _break_rest(self, index: int, chosen: tuple[str, ...]) -> tuple[str, ...]:
        """Who must break ``min_rest`` (or ``max_shift``) to bring the slot up to ``min_staff``.

        Only where that reaches ``min_staff`` and strands no later slot of the block that
        could otherwise reach it; otherwise nobody.
        """
        slot = self.slots[index]
        missing = self.policy.min_staff - len(chosen)
        if missing <= 0:
            return ()
        later = self._block(index)[1:]

        def extra(people: Sequence[str]) -> dict[str, list[Interval]]:
            return {p: [(slot.start, slot.end)] for p in people}

        baseline = self._reachable(later, extra(chosen)) if later else 0
        breakers: list[str] = []
        for person in self.order:
            if len(breakers) == missing:
                break
            if person in chosen or not self._free(person, slot):
                continue
            if self._conflict(person, slot.start, slot.end) is None:
                continue
            trial = extra([*chosen, *breakers, person])
            if later and self._reachable(later, trial) < baseline:
                continue
            breakers.append(person)
        return tuple(breakers) if len(breakers) == missing else ()

    # Bookkeeping -----------------------------------------------------------------------

    def _commit(self, start: datetime, end: datetime, people: Sequence[str]) -> None:
        self.longest = max(self.longest, end - start)
        for person in people:
            if person not in self.rank:
                continue
            self.load[person] += end - start
            last = self.last[person]
            self.last[person] = end if last is None else max(last, end)
            insort(self.duties[person], (start, end))
        for a, b in itertools.combinations(sorted(set(people)), 2):
            self.pairs[(a, b)] += 1

    def _reorder(self, people: Sequence[str]) -> None:
        """Move people whose load changed to their new place in the preference order."""
        for person in people:
            index = bisect_left(self.keys, self.key_of[person])
            del self.keys[index], self.order[index]
        for person in people:
            key = self.key_of[person] = self._key(person)
            index = bisect_left(self.keys, key)
            self.keys.insert(index, key)
            self.order.insert(index, person)

    def _reasons(
        self, slot: _Slot, chosen: tuple[str, ...], held_back: tuple[str, ...]
    ) -> tuple[tuple[str, str], ...]:
        reasons = []
        top = max((self.load[p] for p in chosen), default=None)
        for person in self.rank:
            if person in chosen:
                continue
            away = self.availability.away(person, slot.start, slot.end)
            conflict = self._conflict(person, slot.start, slot.end)
            if away:
                notes = sorted({o.note for o in away if o.note})
                reason = "on time off" + (f" ({', '.join(notes)})" if notes else "")
            elif conflict:
                reason = self._describe(conflict, slot)
            elif person in held_back:
                reason = "kept free so that a later window can be covered"
            elif top is not None and self.load[person] > top:
                theirs = format_duration(self.load[person], days=False)
                reason = f"more on-call time ({theirs}, against {format_duration(top, days=False)})"
            else:
                reason = self._tie_reason(person, chosen)
            reasons.append((person, reason))
        return tuple(reasons)

    def _tie_reason(self, person: str, chosen: tuple[str, ...]) -> str:
        """Why someone with no more on-call time than those picked was not picked.

        Compares the picked group with the best group that has ``person`` instead of one
        of its members, the way `_combo_key` ranks groups.
        """
        pool = sorted({*chosen, person}, key=self.key_of.__getitem__)
        position = {p: i for i, p in enumerate(pool)}
        picked = self._combo_key(chosen, position)
        swaps = [tuple(person if p == out else p for p in chosen) for out in chosen]
        best = min(swaps, key=lambda combo: self._combo_key(combo, position))
        other = self._combo_key(best, position)
        if other[2] > picked[2]:
            return "as much on-call time, but would repeat a recent pairing"
        last = self.last[person]
        if last is not None and any((self.last[p] or _NEVER) < last for p in chosen):
            when = format_local(last, self.team.zone)
            return f"as much on-call time, but on call more recently (until {when})"
        return "as much on-call time; listed later in the team file"

    def run(self) -> PlanResult:
        planned: list[tuple[Shift, Decision]] = []
        for index, slot in enumerate(self.slots):
            chosen, held_back = self._choose(index)
            broke = self._break_rest(index, chosen)
            people = chosen + broke
            reasons = self._reasons(slot, people, held_back) if self.explain else ()
            self._commit(slot.start, slot.end, people)
            self._reorder(people)
            shift = Shift(slot.start, slot.end, people, slot.events)
            planned.append((shift, Decision(slot.start, slot.end, people, False, reasons, broke)))
        for shift in self.kept:
            planned.append((shift, Decision(shift.start, shift.end, shift.people, kept=True)))
        planned.sort(key=lambda pair: (pair[0].start, pair[0].end))
        return PlanResult(
            rotation=Rotation(tuple(shift for shift, _ in planned)),
            windows=tuple(self.windows),
            decisions=tuple(decision for _, decision in planned),
            load=dict(self.load),
        )


class _Lazy:
    """A list drawn from an iterator only as far as it is read."""

    def __init__(self, items: Iterator[str]) -> None:
        self._items = items
        self._seen: list[str] = []

    def take(self, count: int) -> list[str]:
        """The first ``count`` items (fewer if there are no more)."""
        if len(self._seen) < count:
            self._seen.extend(itertools.islice(self._items, count - len(self._seen)))
        return self._seen[:count]

    def every(self) -> list[str]:
        """All items."""
        self._seen.extend(self._items)
        return list(self._seen)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _part(span: timedelta, i: int, parts: int) -> timedelta:
    """``span * i / parts``, rounded as timedelta rounds it.

    Without the product overflowing: a ten-year window in 15-minute shifts multiplied
    3,660 days by 350,000.
    """
    return timedelta(microseconds=round(Fraction(span // _MICROSECOND * i, parts)))


_MICROSECOND = timedelta(microseconds=1)


def _minutes(duration: timedelta) -> timedelta:
    """Round down to whole minutes, so split shifts start on the minute."""
    return timedelta(minutes=int(duration.total_seconds() // 60))
