"""How long `oncall validate` takes on the example, against the import floor.

The floor is what issue 9 names: ``python -c "import pydantic, pendulum"`` (pendulum
comes with the ``bench`` extra). Both commands run alternately, so that a busy machine
slows both alike; the fastest and the median of each are printed, and their ratios.

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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "travel-pay"
BIN = Path(sys.executable).parent


def _seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "floor: import pydantic, pendulum": [sys.executable, "-c", "import pydantic, pendulum"],
        "oncall validate (example)": [
            str(BIN / "oncall"),
            "validate",
            str(EXAMPLE / "team.yaml"),
            str(EXAMPLE / "rotation.yaml"),
        ],
    }
    probe = subprocess.run(
        commands["floor: import pydantic, pendulum"], check=False, capture_output=True
    )
    if probe.returncode:
        sys.exit("pendulum is needed for the floor: pip install -e '.[bench]'")
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm the caches, write bytecode
        _seconds(command, env)
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(_seconds(command, env))
    for name, values in times.items():
        print(
            f"{name:34} fastest {min(values) * 1000:6.1f} ms"
            f"   median {statistics.median(values) * 1000:6.1f} ms"
        )
    floor, ours = times["floor: import pydantic, pendulum"], times["oncall validate (example)"]
    print(
        f"{'ratio to the floor':34} fastest {min(ours) / min(floor):6.2f} x"
        f"     median {statistics.median(ours) / statistics.median(floor):6.2f} x   (target 1.5)"
    )


if __name__ == "__main__":
    main()
