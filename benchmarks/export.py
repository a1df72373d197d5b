"""Benchmark: iCalendar export of 10k shifts against building the same VEVENTs by hand.

The baseline builds, with icalendar directly, events with the same properties and values
that oncall writes (taken from oncall's own output), so the difference is what oncall adds:
working out summaries and descriptions, UIDs, fingerprints and the VTIMEZONE.

Run: ``.venv/bin/python benchmarks/export.py`` (each side five times, alternately; the
fastest counts).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import icalendar

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))

from run import CASES, generate

from oncall import coverage_windows, plan
from oncall.export.ics import to_ics

STAMP = datetime(2027, 1, 1, tzinfo=UTC)


def plain(value: object) -> object:
    """The Python value behind a parsed property: what an exporter would pass to add()."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "dt"):
        return value.dt
    if hasattr(value, "cats"):
        return list(value.cats)
    if isinstance(value, icalendar.vCalAddress):
        return value
    if isinstance(value, int):
        return int(value)
    return str(value)


def best_of(runs: int, step: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    team = generate(CASES["10k"])
    windows = coverage_windows(team)
    rotation = plan(team)
    shifts = rotation.shifts[:10_000]
    rotation = type(rotation)(shifts)
    data = to_ics(team, rotation, windows, stamp=STAMP)
    written = icalendar.Calendar.from_ical(data)
    timezone = written.walk("VTIMEZONE")[0]
    values = [
        {name: plain(event[name]) for name in event if name not in ("BEGIN", "END")}
        for event in written.walk("VEVENT")
    ]

    def baseline() -> bytes:
        """What a hand-written exporter does: add plain values, let icalendar encode."""
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//bench//EN")
        calendar.add("version", "2.0")
        calendar.add_component(timezone)
        for properties in values:
            event = icalendar.Event()
            for name, value in properties.items():
                event.add(name, value)
            calendar.add_component(event)
        result: bytes = calendar.to_ical()
        return result

    ours = theirs = float("inf")
    for _ in range(5):  # alternately, so that a busy moment slows both alike
        ours = min(ours, best_of(1, lambda: to_ics(team, rotation, windows, stamp=STAMP)))
        theirs = min(theirs, best_of(1, baseline))
    print(f"shifts: {len(shifts)}, bytes: {len(data):,}")
    print(f"oncall to_ics:           {ours:.3f} s")
    print(f"icalendar, same VEVENTs: {theirs:.3f} s")
    print(f"ratio: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
