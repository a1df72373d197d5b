"""Benchmarks: windows, planning and checking on generated teams of growing size.

Run: ``.venv/bin/python benchmarks/run.py`` (all cases) or ``--case year``; with
``--optimal``, also ``oncall plan --optimal`` (`make_optimal_plan`, at its default bound).
Each case runs in its own process so that peak memory (max RSS) is its own.
Events keep a constant density (about three a day, at working and evening hours), so the
cases differ in length, not in how crowded a day is: growth should be close to linear.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from oncall import (
    EventSpec,
    Person,
    Policy,
    Team,
    TimeOff,
    check,
    coverage_windows,
    make_optimal_plan,
    make_plan,
    to_ics,
    to_pagerduty,
)
from oncall.review import review
from oncall.timeline import page

T = TypeVar("T")


@dataclass(frozen=True)
class Case:
    name: str
    events: int
    people: int
    time_off: int


CASES = {
    "year": Case("year", 500, 12, 50),
    "10k": Case("10k", 10_000, 100, 1_000),
    "100k": Case("100k", 100_000, 500, 10_000),
}
START = datetime(2027, 1, 4, tzinfo=UTC)


def generate(case: Case, seed: int = 7) -> Team:
    """A team whose events come about three a day, with time off spread over everyone."""
    rnd = random.Random(seed)
    days = max(1, case.events // 3)
    people = tuple(
        Person(f"p{i:03d}", timezone="America/New_York", pagerduty_id=f"PU{i:05d}")
        for i in range(case.people)
    )
    events = []
    for index in range(case.events):
        # Whole seconds, as every instant oncall accepts (and as a team file writes them).
        day = (START + timedelta(days=index * days / case.events)).replace(microsecond=0)
        hour = rnd.choice((10, 14, 20))
        start = day.replace(hour=0, microsecond=0) + timedelta(
            hours=hour + 5, minutes=rnd.choice((0, 30))
        )
        events.append(
            EventSpec(
                title=f"Deploy {index}",
                start=start,
                duration=timedelta(minutes=rnd.choice((30, 60, 120))),
                timezone="America/New_York",
                id=f"e{index}",
            )
        )
    time_off = []
    for _ in range(case.time_off):
        person = rnd.choice(people).id
        start = START + timedelta(days=rnd.randrange(days))
        time_off.append(TimeOff(person, start, start + timedelta(days=rnd.randint(1, 10))))
    return Team(
        name=f"bench-{case.name}",
        timezone="America/New_York",
        people=people,
        time_off=tuple(time_off),
        events=tuple(events),
        policy=Policy(min_rest=timedelta(hours=8)),
    )


def measure(case: Case, repeat: int, *, optimal: bool = False) -> dict[str, object]:
    """Time each step ``repeat`` times and keep the fastest (the least disturbed) run."""
    team = generate(case)
    timings: dict[str, float] = {}

    def timed(name: str, step: Callable[[], T]) -> T:
        best = float("inf")
        for _ in range(repeat):
            began = time.perf_counter()
            value = step()
            best = min(best, time.perf_counter() - began)
        timings[name] = best
        return value

    windows = timed("windows", lambda: coverage_windows(team))
    result = timed("plan", lambda: make_plan(team))
    if optimal:
        timed("plan-optimal", lambda: make_optimal_plan(team))
    findings = timed("check", lambda: check(team, result.rotation, windows=result.windows))
    timings["plan+check"] = timings["plan"] + timings["check"]
    # `oncall plan --keep` with the whole earlier plan: every shift kept, nothing to plan.
    timed("replan", lambda: make_plan(team, keep=result.rotation))
    rotation, planned = result.rotation, result.windows
    timed("ics", lambda: to_ics(team, rotation, planned, stamp=START))
    timed("pagerduty", lambda: to_pagerduty(team, rotation, ("PSCHED1", "PSCHED2")))
    reviewed = timed("report", lambda: review(team, rotation, planned, findings))
    timed("report-html", lambda: page(reviewed))
    return {
        "case": case.name,
        "events": case.events,
        "people": case.people,
        "time_off": case.time_off,
        "windows": len(windows),
        "shifts": len(result.rotation.shifts),
        "findings": len(findings),
        "seconds": {k: round(v, 4) for k, v in timings.items()},
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the fastest counts")
    parser.add_argument("--optimal", action="store_true", help="also time plan --optimal")

    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(CASES[args.case], args.repeat, optimal=args.optimal)))
        return 0
    results = []
    for name in CASES:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--case",
                name,
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout))
    steps = ("windows", "plan", "check", "plan+check", "replan", "ics", "pagerduty")
    columns = ("case", "events", "people", "windows", *(f"{step} s" for step in steps))
    print(" ".join(f"{c:>9}" for c in (*columns, "RSS MiB")))
    for r in results:
        s = r["seconds"]
        cells = [r["case"], r["events"], r["people"], r["windows"]]
        cells += [f"{s[k]:.3f}" for k in steps]
        print(" ".join(f"{c:>9}" for c in [*cells, r["max_rss_mib"]]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
