"""Every request shape `oncall sync pagerduty` sends, and the docs' curl recipe, against Prism.

Stoplight Prism (``prism mock``, from npm; ``.ci/run`` installs it into ``.ci-node``) serves
PagerDuty's official OpenAPI document from ``../shared/pagerduty`` on 127.0.0.1, validating
every request: a request the document does not allow is logged and answered 4xx. Prism
answers with the document's examples, so these tests read its log, not the answers' data.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oncall import load_team
from oncall.cli import main
from oncall.export.pagerduty import Override, policy_body
from oncall.export.pagerduty_sync import ACCEPT, PagerDutyApi, PolicyChange

from .conftest import EXAMPLES, ROOT, bash, installed
from .test_export_pagerduty import SCHEMAS

SPEC = SCHEMAS / "openapiv3.json"
TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
DOC = ROOT / "docs" / "how-to" / "pagerduty.md"


def _prism() -> str | None:
    local = ROOT / ".ci-node" / "node_modules" / ".bin" / "prism"
    return str(local) if local.exists() else shutil.which("prism")


@dataclass
class Prism:
    url: str
    log: Path
    offset: int = 0

    def requests(self) -> list[str]:
        """Prism's log since the last call, one entry per request received."""
        text = self.log.read_text(encoding="utf-8", errors="replace")[self.offset :]
        self.offset += len(text)
        return re.split(r"(?=\[HTTP SERVER\])", text)[1:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prism]:
    if not SPEC.exists():
        pytest.skip(f"PagerDuty's OpenAPI document is not beside the project ({SPEC})")
    command = _prism()
    if command is None:
        pytest.skip("Prism is not installed (npm install --prefix .ci-node @stoplight/prism-cli)")
    port = _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [command, "mock", "--host", "127.0.0.1", "--port", str(port), "--errors", str(SPEC)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 240  # it reads a 2.7 MB document on a busy machine
        while "Prism is listening" not in log.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Prism did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        server = Prism(f"http://127.0.0.1:{port}", log)
        server.requests()  # skip the start-up log
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def assert_all_valid(entries: list[str], count: int) -> None:
    assert len(entries) == count, entries
    for entry in entries:
        first = entry.splitlines()[0]
        assert "The request passed the validation rules" in entry, entry
        assert "did not pass" not in entry, entry
        assert "✖" not in entry, entry
        statuses = [
            int(s) for s in re.findall(r"Responding with the requested status code (\d+)", entry)
        ]
        assert statuses, entry
        assert all(s < 400 for s in statuses), first


def test_every_request_shape_that_sync_sends(prism: Prism) -> None:
    team = load_team(TEAM)
    api = PagerDutyApi(prism.url, "prism-token", sender=team.email)
    try:
        since = datetime(2026, 12, 1, 5, tzinfo=UTC)
        api.overrides("PPRIMRY", since, since + timedelta(days=60))
        future = Override("PPRIMRY", since, since + timedelta(hours=4), "PADA001", "Q1ABC")
        api.create(team, "PPRIMRY", [future])
        assert api.delete(team, future) is None
        api.policies("Travel Pay incidents")
        policy = policy_body(team)
        assert api.save_policy(PolicyChange("create", policy["name"]), policy) is None
        assert api.save_policy(PolicyChange("update", policy["name"], "PANZZEQ"), policy) is None
    finally:
        api.close()
    assert_all_valid(prism.requests(), 6)


def test_the_command_against_prism(
    prism: Prism, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PAGERDUTY_TOKEN", "prism-token")
    args = ["sync", "pagerduty", str(TEAM), str(ROTATION), "--schedule", "PPRIMRY"]
    args += ["--schedule", "PSECOND", "--escalation", "--apply", "--api-url", prism.url]
    main(args, io.StringIO())
    # Prism answers every POST with its example (three overrides, one refused), which
    # matches none of the requests: sync says so, by name, and exits 1.
    assert "PagerDuty's reply does not give one status per override" in capsys.readouterr().err
    # read PPRIMRY, read PSECOND, read the policies, create on PPRIMRY, on PSECOND, the policy
    assert_all_valid(prism.requests(), 6)


def _recipe() -> str:
    blocks = re.findall(r"^```sh\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    recipes = [b for b in blocks if "jq -c '.requests[]' pd.json" in b]
    assert len(recipes) == 1
    return str(recipes[0])


def test_the_docs_curl_recipe_as_written(prism: Prism, tmp_path: Path) -> None:
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    document = tmp_path / "pd.json"
    made = installed(
        "export", "pagerduty", str(TEAM), str(ROTATION), "--schedule", "PPRIMRY",
        "--schedule", "PSECOND", "-o", str(document),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "PAGERDUTY_TOKEN": "prism-token", "PAGERDUTY_API_URL": prism.url}
    result = bash(_recipe(), cwd=tmp_path, env=env)
    # Prism's example answer refuses its third override (status 400): the recipe must
    # notice it in the 201, say so and stop before the second request.
    assert result.returncode == 1, result.stderr
    assert "PagerDuty refused:" in result.stderr
    assert "Override must end after its start" in result.stderr
    assert_all_valid(prism.requests(), 1)


def test_the_version_accept_type_alone_is_refused(prism: Prism) -> None:
    """Why both Accept types are sent: the official description answers application/json."""
    import urllib.error  # noqa: PLC0415 - only this test
    import urllib.request  # noqa: PLC0415

    url = f"{prism.url}/schedules/PPRIMRY/overrides?since=2026-12-01T00:00:00Z&until=2026-12-02T00:00:00Z"
    headers = {
        "Authorization": "Token token=prism-token",
        "Content-Type": "application/json",
        "Accept": "application/vnd.pagerduty+json;version=2",
    }
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)  # noqa: S310
    refused.value.close()
    assert refused.value.code == 406
    headers["Accept"] = ACCEPT
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as ok:  # noqa: S310
        assert ok.status < 400
    prism.requests()
