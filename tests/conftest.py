"""Shared fixtures, the Hypothesis profiles and the golden-file helper."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
ONCALL = str(Path(sys.executable).parent / "oncall")
"""The installed ``oncall`` command of the environment running the tests."""


def installed(
    *argv: str, cwd: Path | str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``oncall`` command as a user would, capturing its output."""
    return subprocess.run(
        [ONCALL, *argv], capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=120
    )


def bash(script: str, *, cwd: Path | str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shell script from the docs or a workflow with bash, as a reader would."""
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", "-ec", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=120,
    )


settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "heavy", max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files in tests/golden/ from the current output",
    )


Golden = Callable[[str, str | bytes], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """Compare output with ``tests/golden/<name>``; ``--update-golden`` rewrites it."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, actual: str | bytes) -> None:
        path = GOLDEN / name
        data = actual.encode() if isinstance(actual, str) else actual
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if not path.exists():
            pytest.fail(f"golden file {name} is missing: run pytest --update-golden")
        assert data == path.read_bytes(), f"output differs from tests/golden/{name}"

    return check


@pytest.fixture
def example_team() -> Path:
    return EXAMPLES / "travel-pay" / "team.yaml"
