"""Paths that were once superlinear stay linear: two sizes, compared by operations.

An operation is a line of oncall's own code executed (counted with `sys.settrace`), so the
count does not depend on the machine or its load. Each case runs at a size ``n`` and at
``4n``: linear work grows about 4 times, quadratic 16 times; the bound is 7. A case
whose output itself grows faster (findings for every pair) compares work per finding.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import tomli_w
import yaml

import oncall
from oncall import Rotation, Shift, parse_team
from oncall.checker import check, validate
from oncall.load import parse_rotation
from oncall.planner import nearest_sums
from oncall.report import validation_text

SOURCE = str(Path(oncall.__file__).parent)
START = datetime(2027, 1, 4, 15, tzinfo=UTC)
BOUND = 7.0


def operations(work: Callable[[], object]) -> int:
    """Lines of oncall's code that ``work()`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ARG001
        nonlocal count
        count += event == "line"
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:  # noqa: ARG001
        return local if frame.f_code.co_filename.startswith(SOURCE) else None

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def growth(work: Callable[[int], Callable[[], object]], n: int) -> float:
    """How many times the operations grow from size ``n`` to ``4n`` (set-up not counted)."""
    return operations(work(4 * n)) / operations(work(n))


def team_text(events: int, *, people: int = 4, pto: int = 0, hours: int = 1) -> str:
    lines = [
        "team: scaling",
        "timezone: America/New_York",
        "policy: {min_staff: 1, ideal_staff: 2, min_rest: 8h}",
        "people:",
    ]
    lines += [f"  - {{id: p{i}, name: Person {i}}}" for i in range(people)]
    lines.append("pto:" if pto else "pto: []")
    for i in range(pto):
        day = START + timedelta(days=i * 3 % 700)
        lines.append(f"  - {{person: p{i % people}, start: {day:%Y-%m-%d}, note: away}}")
    lines.append("events:")
    for i in range(events):
        start = START + timedelta(days=i)
        lines.append(
            f"  - {{id: e{i}, title: Deploy {i}, start: {start:%Y-%m-%dT%H:%M}Z, "
            f"duration: {hours}h}}"
        )
    return "\n".join(lines) + "\n"


def test_validate_with_a_finding_on_every_window_is_linear() -> None:
    def work(n: int) -> Callable[[], object]:
        team = parse_team(team_text(n))
        rotation = parse_rotation("shifts: []\n", team)
        return lambda: validation_text(validate(team, rotation), name="r.yaml")

    assert growth(work, 60) < BOUND


def test_a_finding_on_every_window_of_a_staffed_rotation_is_linear() -> None:
    """Each window is understaffed (one person of ideal_staff 2): every finding's message
    names its events and the people resting nearby, among duties all over the horizon."""

    def work(n: int) -> Callable[[], object]:
        team = parse_team(team_text(n))
        windows = oncall.coverage_windows(team)
        rotation = Rotation(
            tuple(Shift(w.start, w.end, (f"p{i % 4}",)) for i, w in enumerate(windows))
        )
        findings = check(team, rotation)
        assert len(windows) == len(findings) == n  # one understaffed stretch a window
        assert all("Deploy" in f.message for f in findings)
        return lambda: validation_text(validate(team, rotation), name="r.yaml")

    # Each finding once rebuilt the map of every event's title, or looked for the duties
    # near it from the person's first: either grew with the horizon, and at this size
    # made the count grow 5.5 to 6 times (about 4 now). A tighter bound than BOUND: a
    # count of operations does not vary from run to run.
    assert growth(work, 100) < 5


def test_one_long_window_with_many_short_shifts_is_linear() -> None:
    def work(n: int) -> Callable[[], object]:
        team = parse_team(team_text(1, hours=n))
        shifts = [
            f"  - {{start: '{START + timedelta(hours=i):%Y-%m-%dT%H:%M}Z', "
            f"end: '{START + timedelta(hours=i + 1):%Y-%m-%dT%H:%M}Z', people: [p{i % 4}]}}"
            for i in range(-1, n + 1)
        ]
        rotation = parse_rotation("shifts:\n" + "\n".join(shifts) + "\n", team)
        return lambda: check(team, rotation)

    assert growth(work, 200) < BOUND


def test_shifts_over_the_whole_horizon_cost_linear_time_per_finding() -> None:
    def work(n: int) -> Callable[[], object]:
        team = parse_team(team_text(n))
        end = START + timedelta(days=n)
        shift = f"  - {{start: '{START:%Y-%m-%dT%H:%M}Z', end: '{end:%Y-%m-%dT%H:%M}Z', "
        rotation = parse_rotation(
            "shifts:\n" + "".join(f"{shift}people: [p{i % 4}]}}\n" for i in range(n)), team
        )
        return lambda: validation_text(validate(team, rotation), name="r.yaml")

    # n shifts over n windows: about n * n findings, 16 times as many at 4n; the work
    # per finding must not grow with n (it grew by half when each finding looked for its
    # window among all of them).
    assert growth(work, 30) < 16 * 1.3


@pytest.mark.parametrize("suffix", [".json", ".toml", ".yaml"])
def test_reading_a_team_file_is_linear_in_every_format(suffix: str) -> None:
    def work(n: int) -> Callable[[], object]:
        data = yaml.safe_load(team_text(n))
        data["events"] = [
            {**e, "start": e["start"].isoformat()} if not isinstance(e["start"], str) else e
            for e in data["events"]
        ]
        text = {
            ".json": lambda: json.dumps(data, indent=2),
            ".toml": lambda: tomli_w.dumps(data),
            ".yaml": lambda: team_text(n),
        }[suffix]()
        return lambda: parse_team(text, name=f"team{suffix}")

    assert growth(work, 100) < BOUND


CPU_FACTOR = 8
CPU_BOUND = 20.0


def cpu_growth(work: Callable[[int], Callable[[], object]], n: int) -> float:
    """How many times the CPU time grows from size ``n`` to ``8n``, for work done in C
    (sorting, copying) that a count of lines cannot see.

    CPU time on a shared machine varies by a factor of two from run to run, so the sizes
    are eight apart, not four: linear work grows about 8 times, quadratic 64, and
    ``CPU_BOUND`` (20) sits well between them. Each size takes the fastest of five runs,
    taken in turn, so a busy moment slows both sizes or neither.
    """
    small, large = work(n), work(CPU_FACTOR * n)
    best = {small: float("inf"), large: float("inf")}
    for _ in range(5):
        for step in (small, large):
            began = time.process_time()
            step()
            best[step] = min(best[step], time.process_time() - began)
    return best[large] / best[small]


def test_many_people_with_many_time_off_entries_load_in_linear_time() -> None:
    def work(n: int) -> Callable[[], object]:
        text = team_text(1, people=n, pto=10 * n)
        return lambda: parse_team(text)

    # Each entry's person was checked by sorting every id: 12 times as long at 4n.
    assert cpu_growth(work, 200) < CPU_BOUND


def test_one_person_on_many_back_to_back_shifts_is_checked_in_linear_time() -> None:
    # The shifts of one duty were gathered by copying the list of those before each one.
    from oncall.checker import _Context, _rest_violations  # noqa: PLC0415

    team = parse_team(team_text(1))  # min_rest: 8h

    def work(n: int) -> Callable[[], object]:
        shifts = [
            Shift(START + timedelta(hours=i), START + timedelta(hours=i + 1), ("p0",))
            for i in range(n)
        ]
        rotation = Rotation(tuple(shifts))
        context = _Context(team, rotation, [])
        indexed = list(enumerate(shifts))
        return lambda: _rest_violations(context, indexed)

    # It was 13 times as long at 4n: the copying is in C.
    assert cpu_growth(work, 3000) < CPU_BOUND


def test_an_even_division_of_long_units_does_not_test_every_sum() -> None:
    # Found by the fuzzer: two people sharing a ten-year unit (millions of minutes) made
    # balancing test every sum of minutes within reach, shifting the whole bit set each
    # time: hours. The nearest sums are now found a few bits at a time.
    def work(n: int) -> Callable[[], object]:
        reach = 1 | 1 << n | 1 << (2 * n)  # units of n minutes: 0, n or 2n
        return lambda: nearest_sums(reach, -2 * n, 0, 4)

    assert growth(work, 100_000) < 1.5  # it was 4: a line for every sum
