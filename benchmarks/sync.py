"""`oncall sync pagerduty` against the tests' fake PagerDuty: requests made and time taken.

For each size, a rotation of back-to-back-free 4-hour shifts of two people, starting
tomorrow: the first sync creates everything, the second changes nothing, and a third,
after a tenth of the shifts changed hands, deletes and creates only those.

    .venv/bin/python benchmarks/sync.py [SHIFTS ...]
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.pagerduty_fake import TOKEN, Fake, serve
from tests.test_sync_pagerduty import PEOPLE, Shift, at, write_rotation, write_team

from oncall.cli import main

NAMES = list(PEOPLE)


def shifts(count: int, changed: int = 0) -> list[Shift]:
    found: list[Shift] = []
    for n in range(count):
        start = at(1, 0) + timedelta(hours=6 * n)
        first = (n + 1) % 4 if n < changed else n % 4
        found.append((start, start + timedelta(hours=4), [NAMES[first], NAMES[(first + 2) % 4]]))
    return found


def case(count: int) -> None:
    folder = Path(tempfile.mkdtemp())
    days = count * 6 // 24 + 3
    team = write_team(folder)
    text = team.read_text().replace(f"end: {at(30, 0).date()}", f"end: {at(days, 0).date()}")
    team.write_text(text)
    fake = Fake(schedules={"PPRIMRY", "PSECOND"}, check=lambda *_: None, page=100)
    serve(fake)
    os.environ["PAGERDUTY_TOKEN"] = TOKEN
    for label, changed in (("first", 0), ("again", 0), ("10% moved", count // 10)):
        rotation = write_rotation(folder, shifts(count, changed))
        args = ["sync", "pagerduty", str(team), str(rotation), "--schedule", "PPRIMRY"]
        args += ["--schedule", "PSECOND", "--api-url", fake.url, "--apply"]
        before = len(fake.log)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(args, io.StringIO())
        took = time.perf_counter() - started
        made = Counter(method for method, _ in fake.log[before:])
        print(
            f"| {count:,} | {label} | {code} | {made['GET']} | {made['POST']} | "
            f"{made['DELETE']} | {took:.2f} s |"
        )


if __name__ == "__main__":
    print("| shifts | run | exit | GET | POST | DELETE | time |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]:
        case(size)
