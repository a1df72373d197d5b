"""The planner's blow-ups of issue 17, each pinned by a two-size comparison of work done.

Never timed: each test counts the planner's basic operations (availability look-ups,
rule checks, tried moves) on two sizes of one problem and asks that the work grows no
faster than the size (with a generous factor).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oncall.availability import Availability
from oncall.models import EventSpec, Person, Policy, Rotation, Team
from oncall.planner import _Planner, make_plan, planner_for, split_evenly

START = datetime(2026, 12, 1, tzinfo=UTC)
COUNTED = [
    (Availability, "is_free"),
    (_Planner, "_conflict"),
    (_Planner, "_breaks"),
    (_Planner, "_try"),
    (_Planner, "_reason"),
]


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls = [0]
    for owner, name in COUNTED:
        original: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            calls[0] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    yield calls


def work(monkeypatch: pytest.MonkeyPatch, team: Team, *, explain: bool = False) -> int:
    with monkeypatch.context() as patch, counting(patch) as calls:
        make_plan(team, explain=explain)
    return calls[0]


def team_of(people: int, events: list[EventSpec], **policy: Any) -> Team:
    return Team(
        name="t",
        timezone="UTC",
        people=tuple(Person(f"p{i:05d}") for i in range(people)),
        events=tuple(events),
        policy=Policy(**policy),
    )


def event(index: int, start: datetime, length: timedelta) -> EventSpec:
    return EventSpec(f"E{index}", start, length, "UTC", id=f"e{index}")


def daily(count: int) -> list[EventSpec]:
    return [event(i, START + timedelta(days=i, hours=20), timedelta(hours=2)) for i in range(count)]


def test_ideal_staff_grows_the_work_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    # ideal_staff 30 took 2.5 s and 50 took 23 s: groups of people were enumerated.
    small = work(monkeypatch, team_of(120, daily(1), ideal_staff=25, lead=timedelta(0)))
    large = work(monkeypatch, team_of(240, daily(1), ideal_staff=50, lead=timedelta(0)))
    assert large <= 3 * small


def test_min_staff_out_of_reach_under_min_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    # Six close events, min_staff 4, 11 people: the look-ahead tried every group (115 s).
    close = [event(i, START + timedelta(hours=3 * i), timedelta(hours=1)) for i in range(6)]
    rest = {"min_rest": timedelta(hours=10), "lead": timedelta(0), "lag": timedelta(0)}
    small = work(monkeypatch, team_of(11, close, min_staff=4, ideal_staff=4, **rest))
    large = work(monkeypatch, team_of(22, close, min_staff=8, ideal_staff=8, **rest))
    assert large <= 6 * small


def test_a_long_event_cut_at_max_shift_grows_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    def one(days: int) -> Team:
        return team_of(3, [event(0, START, timedelta(days=days))], max_shift=timedelta(minutes=16))

    # Four times as long: quadratic work would be 16 times as much.
    small, large = work(monkeypatch, one(5)), work(monkeypatch, one(20))
    assert large <= 8 * small


def test_a_ten_year_event_cut_into_16_minute_shifts_does_not_overflow() -> None:
    start = START
    end = start + timedelta(days=3653)
    parts = split_evenly(start, end, timedelta(minutes=16))
    assert parts[0][0] == start
    assert parts[-1][1] == end
    assert all(b - a <= timedelta(minutes=16) for a, b in parts[:100])
    assert len(parts) == -(-(end - start) // timedelta(minutes=16))


def test_explain_on_a_large_team_does_not_grow_with_the_team(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 10,000 people and 500 events took 25 s and 1.6 GB: everyone was explained per shift.
    small = work(monkeypatch, team_of(500, daily(20)), explain=True)
    large = work(monkeypatch, team_of(2000, daily(20)), explain=True)
    assert large <= 1.5 * small
    result = make_plan(team_of(2000, daily(3)), explain=True)
    assert all(len(d.passed_over) <= 12 and d.others > 0 for d in result.decisions)


def test_planning_leaves_no_reference_cycles() -> None:
    team = team_of(6, daily(30), min_rest=timedelta(hours=30))
    gc.collect()
    gc.disable()
    try:
        make_plan(team, explain=True)
        assert gc.collect() == 0
    finally:
        gc.enable()


class _Counted(list[tuple[datetime, datetime, int]]):
    """A person's duties that count how many of them are looked at.

    Slices always; with ``passes``, whole passes over the list too.
    """

    def __init__(
        self, duties: list[tuple[datetime, datetime, int]], seen: list[int], *, passes: bool
    ) -> None:
        super().__init__(duties)
        self.seen, self.passes = seen, passes

    def __getitem__(self, key: Any) -> Any:
        found = super().__getitem__(key)
        if isinstance(key, slice):
            self.seen[0] += len(found)
        return found

    def __iter__(self) -> Iterator[tuple[datetime, datetime, int]]:
        if self.passes:
            self.seen[0] += len(self)
        return super().__iter__()


def duties_seen(
    team: Team, keep: Rotation | None, steps: Callable[[_Planner], object], *, passes: bool
) -> int:
    """How many duties ``steps`` look at on the planner of ``team``."""
    planner = planner_for(team, None, keep)
    seen = [0]
    planner.duties = {p: _Counted(d, seen, passes=passes) for p, d in planner.duties.items()}
    steps(planner)
    return seen[0]


def test_looking_up_a_duty_does_not_copy_the_later_ones() -> None:
    # Every rest and max_shift check copied the person's duties from the one it needed to
    # the end of the plan: few people over a long plan made planning quadratic.
    def whole(planner: _Planner) -> None:
        planner.improve()
        planner.result(explain=True)

    def seen(days: int) -> int:
        team = team_of(7, daily(days), min_rest=timedelta(hours=8), max_shift=timedelta(hours=3))
        return duties_seen(team, None, whole, passes=False)

    small, large = seen(150), seen(600)
    assert large <= 8 * small


def test_blocks_near_kept_shifts_are_found_without_scanning_every_duty() -> None:
    # Each block of the exact search looked through every duty of everyone for a kept one.
    def kept_half(days: int) -> tuple[Team, Rotation]:
        close = [
            event(2 * i + k, START + timedelta(days=i, hours=10 + 3 * k), timedelta(hours=2))
            for i in range(days)
            for k in (0, 1)
        ]
        team = team_of(7, close, min_rest=timedelta(hours=8))
        shifts = make_plan(team).rotation.shifts
        return team, Rotation(tuple(s for s in shifts if s.start.day % 2))

    def search(planner: _Planner) -> None:
        planner._construct()
        planner._solve_blocks()

    def seen(days: int) -> int:
        team, keep = kept_half(days)
        return duties_seen(team, keep, search, passes=True)

    small, large = seen(60), seen(240)
    assert large <= 8 * small
