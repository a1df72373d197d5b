"""The installed command on the generated teams: CPU time and peak memory of each run.

    .venv/bin/python benchmarks/cli.py [--case 100k] [--repeat 3] [--keep DIR]

Writes the case's team (``run.generate``, times on the minute) as YAML to a folder, plans
it once with ``oncall plan -o rotation.yaml``, then times each command in its own process:
CPU seconds (user + system, from ``wait4``) and peak RSS, the fastest of ``--repeat``
runs. The floors are what the same work costs at its least: parsing the same team and
rotation with PyYAML's C loader (``yaml.load`` with ``CSafeLoader``, the fastest loader
installed) and with libyaml's parser alone (its events, nothing built: no YAML reader
through PyYAML can be faster); writing the same calendar's bytes with no work at all
(Python reading and writing the file); and the start-up floor of issue 9,
``python -c "import pydantic, pendulum"``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oncall import Team

BIN = Path(sys.executable).parent
ONCALL = str(BIN / "oncall")


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def _entries(key: str, rows: Sequence[Mapping[str, object]]) -> list[str]:
    """``key:`` and a block list of mappings, one field a line."""
    lines = [f"{key}:"]
    for row in rows:
        lines += [f"{'  - ' if n == 0 else '    '}{k}: {v}" for n, (k, v) in enumerate(row.items())]
    return lines


def team_yaml(team: Team) -> str:
    """The generated team as a team file (times on the minute, with their UTC offset)."""

    def minutes(value: datetime) -> str:
        return value.isoformat(timespec="minutes")

    lines = [
        f"team: {team.name}",
        f"timezone: {team.timezone}",
        "policy:",
        f"  min_rest: {_duration(team.policy.min_rest or timedelta(0))}",
    ]
    people = [
        {"id": p.id, "timezone": p.timezone, "pagerduty_id": p.pagerduty_id} for p in team.people
    ]
    pto = [
        {"person": o.person, "start": minutes(o.start), "end": minutes(o.end)}
        for o in team.time_off
    ]
    events = [
        {
            "id": e.id,
            "title": e.title,
            "start": minutes(e.start),
            "duration": _duration(e.duration),
            "timezone": e.timezone,
        }
        for e in team.events
    ]
    lines += _entries("people", people) + _entries("pto", pto) + _entries("events", events)
    return "\n".join(lines) + "\n"


def run(command: list[str], output: Path | None = None) -> tuple[float, float, int]:
    """CPU seconds, peak RSS in MiB and exit code of one run of ``command``."""
    with open(output or os.devnull, "wb") as out:  # noqa: PTH123
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


_FLOOR_YAML = (
    "import sys, yaml\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
_FLOOR_EVENTS = (  # libyaml's parser alone: its events, nothing built from them
    "import sys, yaml\n"
    "for name in sys.argv[1:]:\n"
    "    loader = yaml.CSafeLoader(open(name, 'rb').read())\n"
    "    while not isinstance(loader.get_event(), yaml.StreamEndEvent): pass\n"
)
_FLOOR_COPY = "import sys\nsys.stdout.buffer.write(open(sys.argv[1], 'rb').read())\n"


CASES = ("year", "10k", "100k")


def write_team(case: str, path: Path) -> None:
    """Write the case's team (run in a process of its own: see `measure`)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import CASES as RUN_CASES  # noqa: PLC0415
    from run import generate  # noqa: PLC0415

    path.write_text(team_yaml(generate(RUN_CASES[case])), encoding="utf-8")


def measure(case: str, repeat: int, folder: Path) -> dict[str, object]:
    """Time each command on the case's files in ``folder``.

    This process imports nothing big: a child started by ``vfork`` reports the parent's
    peak memory as its own until it runs the command, so a large parent would hide it.
    """
    team_file = folder / "team.yaml"
    rotation_file = folder / "rotation.yaml"
    ics_file = folder / "oncall.ics"
    json_file = folder / "pagerduty.json"
    if not team_file.exists():
        run([sys.executable, __file__, "--write-team", case, str(team_file)])
    run([ONCALL, "plan", str(team_file), "-o", str(rotation_file)])
    run([ONCALL, "export", "ics", str(team_file), str(rotation_file)], ics_file)
    team, rotation = str(team_file), str(rotation_file)
    python = sys.executable
    commands = {
        "plan": [ONCALL, "plan", team],
        "validate": [ONCALL, "validate", team, rotation],
        "export ics": [ONCALL, "export", "ics", team, rotation],
        "export pagerduty": [
            *(ONCALL, "export", "pagerduty", team, rotation),
            *("--schedule", "PSCHED1", "--schedule", "PSCHED2", "-o", str(json_file)),
        ],
        "floor: PyYAML's C loader, team + rotation": [python, "-c", _FLOOR_YAML, team, rotation],
        "floor: libyaml's events, team + rotation": [python, "-c", _FLOOR_EVENTS, team, rotation],
        "floor: copy the .ics": [python, "-c", _FLOOR_COPY, str(ics_file)],
        "floor: copy the .json": [python, "-c", _FLOOR_COPY, str(json_file)],
        "floor: import pydantic, pendulum": [python, "-c", "import pydantic, pendulum"],
    }
    results: dict[str, object] = {"case": case}
    for name, command in commands.items():
        best = min((run(command) for _ in range(repeat)), key=lambda r: r[0])
        results[name] = {"cpu_s": round(best[0], 3), "peak_mib": round(best[1], 1), "exit": best[2]}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--write-team", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    if args.write_team:
        write_team(args.write_team[0], Path(args.write_team[1]))
        return 0
    for name in args.case or list(CASES):
        if args.keep:
            folder = args.keep / name
            folder.mkdir(parents=True, exist_ok=True)
            print(json.dumps(measure(name, args.repeat, folder)))
        else:
            with tempfile.TemporaryDirectory() as temp:
                print(json.dumps(measure(name, args.repeat, Path(temp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
