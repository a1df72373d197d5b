"""How long `oncall validate` and `oncall plan` take to start, against the import floor.

The floor is what issue 9 names: ``python -c "import pydantic, pendulum"`` (pendulum
comes with the ``bench`` extra). The commands are `oncall validate` on the example team
and `oncall plan` on a year of a team (the ``year`` case of ``benchmarks/run.py``: 500
events, 12 people, written to a temporary folder by ``benchmarks/cli.py``). All run
alternately, so that a busy machine slows them alike; each run's CPU time (user +
system, from ``wait4``) is taken, and the fastest and the median of each are printed,
with their ratios to the floor's.

    .venv/bin/python benchmarks/startup.py [--runs 30]

Bytecode must be cached for a fair number: the script runs each command once first
(and unsets PYTHONDONTWRITEBYTECODE for them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "travel-pay"
BIN = Path(sys.executable).parent
FLOOR = "floor: import pydantic, pendulum"
VALIDATE = "oncall validate (example)"
PLAN = "oncall plan (year)"


def _cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of ``command`` (its output is dropped)."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def measure(runs: int, folder: Path) -> dict[str, list[float]]:
    """CPU seconds of each command's ``runs`` runs, taken in turn."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    team = folder / "team.yaml"
    cli = Path(__file__).resolve().parent / "cli.py"
    subprocess.run([sys.executable, str(cli), "--write-team", "year", str(team)], check=True)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        FLOOR: [sys.executable, "-c", "import pydantic, pendulum"],
        VALIDATE: [
            str(BIN / "oncall"),
            "validate",
            str(EXAMPLE / "team.yaml"),
            str(EXAMPLE / "rotation.yaml"),
        ],
        PLAN: [str(BIN / "oncall"), "plan", str(team)],
    }
    for name, command in commands.items():  # warm the caches, write bytecode
        if subprocess.run(command, check=False, env=env, capture_output=True).returncode:
            if name == FLOOR:
                sys.exit("pendulum is needed for the floor: pip install -e '.[bench]'")
            sys.exit(f"{name} failed: {' '.join(command)}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(_cpu_seconds(command, env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        times = measure(args.runs, Path(temp))
    print(f"CPU time (user + system), {args.runs} runs of each, taken in turn")
    for name, values in times.items():
        print(
            f"{name:40} fastest {min(values) * 1000:6.1f} ms"
            f"   median {statistics.median(values) * 1000:6.1f} ms"
        )
    floor = times[FLOOR]
    for name in (VALIDATE, PLAN):
        ours = times[name]
        print(
            f"{'ratio to the floor, ' + name.removeprefix('oncall '):40}"
            f" fastest {min(ours) / min(floor):6.2f} x"
            f"     median {statistics.median(ours) / statistics.median(floor):6.2f} x"
            "   (goal 1.5)"
        )


if __name__ == "__main__":
    main()
