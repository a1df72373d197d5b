"""`oncall sync pagerduty` against a stateful fake of PagerDuty (an HTTP server on 127.0.0.1).

The shifts lie a few days from now (the command reads the clock: what has started is never
touched), in a team file written for each test.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema.exceptions import best_match

from oncall import InputError, load_rotation, load_team
from oncall.cli import main
from oncall.export.pagerduty import Override
from oncall.export.pagerduty_sync import api_url, diff_overrides
from oncall.timeutil import format_span

from .conftest import EXAMPLES, ONCALL, ROOT, bash, installed
from .pagerduty_fake import TOKEN, Fake, serve
from .test_export_pagerduty import SCHEMAS, validator

ZONE = ZoneInfo("America/New_York")
PEOPLE = {"ana": "PANA001", "ben": "PBEN002", "cal": "PCAL003", "dee": "PDEE004"}
NAMES = {"ana": "Ana Reyes", "ben": "Ben Cho", "cal": "Cal Moss", "dee": "Dee Hart"}


def at(days: int, hour: int) -> datetime:
    """``hour`` o'clock local time, ``days`` days from today."""
    today = datetime.now(ZONE).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, tzinfo=ZONE)


def write_team(folder: Path, *, repeat: int = 1, pto: str = "") -> Path:
    people = "".join(
        f"  - id: {pid}\n    name: {NAMES[pid]}\n    pagerduty_id: {PEOPLE[pid]}\n"
        for pid in PEOPLE
    )
    text = (
        "team: pay-desk\n"
        "email: pay-desk@example.org\n"
        "timezone: America/New_York\n"
        "policy: {lead: 1h, lag: 1h, min_staff: 1, ideal_staff: 2, min_rest: 1h}\n"
        f"horizon: {{start: {at(-3, 0).date()}, end: {at(30, 0).date()}}}\n"
        f"people:\n{people}"
        f"{pto}"
        "escalation:\n"
        "  name: Pay desk incidents\n"
        f"  repeat: {repeat}\n"
        "  steps:\n"
        "    - {notify: ['schedule:PPRIMRY'], escalate_after: 15m}\n"
        "    - {notify: [ana], escalate_after: 30m}\n"
    )
    path = folder / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


Shift = tuple[datetime, datetime, Sequence[str]]


def write_rotation(folder: Path, shifts: Sequence[Shift], name: str = "rotation.yaml") -> Path:
    lines = ["shifts:\n"]
    for start, end, people in shifts:
        lines.append(
            f"  - start: {start.isoformat()}\n    end: {end.isoformat()}\n"
            f"    people: [{', '.join(people)}]\n"
        )
    path = folder / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def plan_v1() -> list[Shift]:
    return [
        (at(-2, 19), at(-2, 23), ["ana", "ben"]),  # past: history
        (at(-1, 19), at(1, 8), ["cal", "dee"]),  # in progress: not created
        (at(2, 19), at(2, 23), ["ana", "ben"]),
        (at(4, 19), at(4, 23), ["cal", "dee"]),
        (at(6, 19), at(6, 23), ["ben", "cal"]),
        (at(8, 19), at(8, 23), ["dee", "ana"]),
    ]


def expected(shifts: Sequence[Shift], position: int) -> set[tuple[datetime, datetime, str]]:
    return {
        (start, end, PEOPLE[people[position]])
        for start, end, people in shifts
        if start > datetime.now(UTC)
    }


@pytest.fixture
def fake() -> Iterator[Fake]:
    checkers: dict[str, Any] = {}
    if (SCHEMAS / "overrides-request.schema.json").exists():
        checkers = {
            name: validator(name)
            for name in ("overrides-request.schema.json", "escalation-policy-request.schema.json")
        }

    def check(name: str, body: dict[str, Any]) -> None:
        if name in checkers:
            error = best_match(checkers[name].iter_errors(body))
            assert error is None, f"{list(error.absolute_path)}: {error.message}"

    state = Fake(schedules={"PPRIMRY", "PSECOND"}, check=check)
    server, thread = serve(state)
    yield state
    server.shutdown()
    server.server_close()
    thread.join()
    assert state.problems == []


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(
    fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    """``oncall sync pagerduty TEAM ROTATION --schedule PPRIMRY --schedule PSECOND`` + extra.

    TEAM and ROTATION default to `write_team` and `plan_v1` in the test's folder.
    """

    def call(
        *extra: str,
        team: Path | None = None,
        rotation: Path | None = None,
        token: str | None = TOKEN,
    ) -> Result:
        if token is None:
            monkeypatch.delenv("PAGERDUTY_TOKEN", raising=False)
        else:
            monkeypatch.setenv("PAGERDUTY_TOKEN", token)
        team = team or write_team(tmp_path)
        rotation = rotation or write_rotation(tmp_path, plan_v1())
        args = ["sync", "pagerduty", str(team), str(rotation), "--schedule", "PPRIMRY"]
        args += ["--schedule", "PSECOND", "--api-url", fake.url, *extra]
        out = io.StringIO()
        code = main(args, out)
        return Result(code, out.getvalue(), capsys.readouterr().err)

    return call


def test_the_whole_cycle(fake: Fake, tmp_path: Path, run: Run) -> None:
    # Someone's hand-made override that started yesterday and runs to tomorrow, and one that
    # ended yesterday: neither is in the plan, and neither may be touched.
    running = fake.add("PPRIMRY", at(-1, 9).isoformat(), at(1, 9).isoformat(), "PDEE004")
    ended = fake.add("PSECOND", at(-2, 9).isoformat(), at(-2, 12).isoformat(), "PCAL003")
    fake.page = 2  # the list comes in pages of two

    result = run()
    assert result.code == 0
    assert fake.writes() == []  # a dry run by default
    assert "Schedule PPRIMRY: to create 4, to delete 0, unchanged 0" in result.out

    result = run("--apply")
    assert result.code == 0, result.err
    started = {(at(-1, 9), at(1, 9), "PDEE004")}
    assert fake.live("PPRIMRY") == expected(plan_v1(), 0) | started
    assert fake.live("PSECOND") == expected(plan_v1(), 1) | {(at(-2, 9), at(-2, 12), "PCAL003")}
    assert [m for m, _ in fake.writes()] == ["POST", "POST"]  # one batch per schedule

    before = len(fake.writes())
    result = run("--apply")
    assert result.code == 0
    assert len(fake.writes()) == before  # the second run changes nothing
    assert "Schedule PPRIMRY: created 0, deleted 0, unchanged 4" in result.out

    # The plan changes: the 4th-day shift changes hands, the 8th-day one goes, one is added.
    v2_shifts = plan_v1()
    assert v2_shifts[3][0] == at(4, 19)
    assert v2_shifts[5][0] == at(8, 19)
    v2_shifts[3] = (at(4, 19), at(4, 23), ["dee", "cal"])
    del v2_shifts[5]
    v2_shifts.append((at(10, 18), at(10, 22), ["ana", "cal"]))
    v2 = write_rotation(tmp_path, v2_shifts, "rotation-v2.yaml")
    stale = {
        o["id"]
        for schedule in ("PPRIMRY", "PSECOND")
        for o in fake.overrides[schedule]
        if datetime.fromisoformat(o["start"]) in (at(4, 19), at(8, 19))
    }
    before = len(fake.writes())
    assert run("--apply", rotation=v2).code == 0
    deleted = {p.rsplit("/", 1)[1] for m, p in fake.writes()[before:] if m == "DELETE"}
    assert deleted == stale  # exactly the stale future overrides
    assert running not in deleted
    assert ended not in deleted
    assert fake.live("PPRIMRY") == expected(v2_shifts, 0) | started
    assert fake.live("PSECOND") == expected(v2_shifts, 1) | {(at(-2, 9), at(-2, 12), "PCAL003")}

    before = len(fake.writes())
    result = run("--apply", "--format", "json", rotation=v2)
    assert result.code == 0
    assert len(fake.writes()) == before
    report = json.loads(result.out)
    assert report["applied"] is True
    assert [s["id"] for s in report["schedules"]] == ["PPRIMRY", "PSECOND"]
    assert all(s["create"] == s["delete"] == [] for s in report["schedules"])
    assert [o["id"] for o in report["schedules"][0]["started"]] == [running]


def test_the_dry_run_says_what_it_would_do_and_what_it_leaves(fake: Fake, run: Run) -> None:
    running = fake.add("PPRIMRY", at(-1, 9).isoformat(), at(1, 9).isoformat(), "PDEE004")
    fake.add("PSECOND", at(-2, 9).isoformat(), at(-2, 12).isoformat(), "PCAL003")
    result = run()
    assert result.code == 0
    assert fake.writes() == []
    assert "Dry run: nothing was changed" in result.out
    span = format_span(at(2, 19), at(2, 23), ZONE)
    assert f"  create    {span}  Ana Reyes\n" in result.out  # local times and names
    assert f"(override {running})" in result.out
    assert "1 override(s) not in the plan are in progress: left alone" in result.out
    assert "1 planned override(s) are in progress already: not created" in result.out
    assert "1 past override(s) not in the plan: left alone" in result.out  # on PSECOND
    assert result.out.count("too late") == 2  # the shift in progress, on each schedule
    assert format_span(at(-2, 19), at(-2, 23), ZONE) not in result.out  # history is not listed


def test_duplicates_of_earlier_runs_are_removed(fake: Fake, tmp_path: Path, run: Run) -> None:
    for _ in range(3):  # what re-running the old curl loop left behind
        fake.add("PPRIMRY", at(3, 19).isoformat(), at(3, 23).isoformat(), "PANA001")
    result = run("--apply", rotation=write_rotation(tmp_path, [(at(3, 19), at(3, 23), ["ana"])]))
    assert result.code == 0
    assert len(fake.overrides["PPRIMRY"]) == 1
    assert "deleted 2, unchanged 1" in result.out


def test_a_429_then_201_succeeds(fake: Fake, run: Run) -> None:
    fake.errors = [("POST /schedules/PPRIMRY/overrides", 429), ("GET /schedules/PSECOND", 503)]
    assert run("--apply").code == 0
    assert fake.errors == []
    assert fake.log.count(("POST", "/schedules/PPRIMRY/overrides")) == 2
    assert fake.live("PPRIMRY") == expected(plan_v1(), 0)


def test_a_partial_failure_names_each_override(fake: Fake, run: Run) -> None:
    fake.refuse_users = {"PDEE004"}  # PagerDuty answers 201 but refuses Dee's overrides
    result = run("--apply")
    assert result.code == 1
    assert "oncall: 2 change(s) failed:" in result.err
    for schedule, day in (("PSECOND", 4), ("PPRIMRY", 8)):
        span = format_span(at(day, 19), at(day, 23), ZONE)
        line = f"  create {schedule} {span} Dee Hart: status 400: User is not in the schedule\n"
        assert line in result.err
    assert "FAILED to create" in result.out
    assert "Schedule PPRIMRY: created 3 (1 failed), deleted 0, unchanged 0" in result.out
    assert "Schedule PSECOND: created 3 (1 failed), deleted 0, unchanged 0" in result.out
    assert len(fake.live("PPRIMRY")) == 3  # the others were created

    result = run("--apply", "--format", "json")
    assert result.code == 1
    failures = json.loads(result.out)["failures"]
    assert [(f["action"], f["override"]["name"]) for f in failures] == [("create", "Dee Hart")] * 2
    assert {f["reason"] for f in failures} == {"status 400: User is not in the schedule"}

    fake.refuse_users = set()
    result = run("--apply")
    assert result.code == 0
    assert fake.live("PPRIMRY") == expected(plan_v1(), 0)
    assert "created 1, deleted 0, unchanged 3" in result.out


def test_a_refused_batch_names_every_override_in_it(fake: Fake, run: Run) -> None:
    fake.errors = [("POST /schedules/PPRIMRY/overrides", 400)]
    result = run("--apply")
    assert result.code == 1
    assert "oncall: 4 change(s) failed:" in result.err
    assert result.err.count(": 400: scripted error\n") == 4
    assert "Schedule PPRIMRY: created 0 (4 failed), deleted 0, unchanged 0" in result.out
    assert fake.live("PSECOND") == expected(plan_v1(), 1)  # the other schedule went ahead


def test_a_delete_that_keeps_failing_is_named(
    fake: Fake, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = fake.add("PPRIMRY", at(5, 8).isoformat(), at(5, 9).isoformat(), "PBEN002")
    fake.errors = [(f"DELETE /schedules/PPRIMRY/overrides/{gone}", 500)] * 6
    monkeypatch.setattr("oncall.export.pagerduty_sync.PagerDutyApi.BACKOFF", 0.001)
    result = run("--apply")
    assert result.code == 1
    span = format_span(at(5, 8), at(5, 9), ZONE)
    assert f"  delete PPRIMRY {span} Ben Cho (override {gone}): 500: scripted error\n" in result.err
    assert fake.log.count(("DELETE", f"/schedules/PPRIMRY/overrides/{gone}")) == 6  # 5 retries
    assert fake.live("PPRIMRY") >= expected(plan_v1(), 0)  # the creates still went ahead


def test_a_request_that_times_out_is_sent_again(
    fake: Fake, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oncall.export.pagerduty_sync.TIMEOUT", 0.2)
    monkeypatch.setattr("oncall.export.pagerduty_sync.PagerDutyApi.BACKOFF", 0.001)
    fake.errors = [("GET /schedules/PPRIMRY/overrides", 0)]  # no answer in time, once
    result = run()
    assert result.code == 0
    assert fake.log.count(("GET", "/schedules/PPRIMRY/overrides")) == 2
    assert "Schedule PPRIMRY: to create 4" in result.out


def test_a_read_that_keeps_failing_is_an_error_naming_it(
    fake: Fake, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oncall.export.pagerduty_sync.PagerDutyApi.BACKOFF", 0.001)
    fake.errors = [("GET /schedules/PSECOND/overrides", 503)] * 6
    result = run("--apply")
    assert result.code == 2
    where = f"GET {fake.url}/schedules/PSECOND/overrides"
    assert f"{where}: PagerDuty answered 503 6 times: scripted error\n" in result.err
    assert fake.writes() == []  # nothing is changed before every schedule has been read


def test_no_request_starts_after_the_deadline(
    fake: Fake, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oncall.export.pagerduty_sync.DEADLINE", -1.0)
    result = run("--apply")
    assert result.code == 2
    assert "gave up before GET /schedules/PPRIMRY/overrides: the sync has taken over" in result.err
    assert fake.log == []


def test_an_unreachable_api_is_an_error_naming_it(
    fake: Fake, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oncall.export.pagerduty_sync.PagerDutyApi.BACKOFF", 0.001)
    gone = Fake(schedules=set(), check=lambda *_: None)
    server, thread = serve(gone)  # started and stopped: nothing listens on its port now
    server.shutdown()
    server.server_close()
    thread.join()
    fake.url = gone.url
    result = run()
    assert result.code == 2
    where = f"GET {gone.url}/schedules/PPRIMRY/overrides"
    assert f"oncall: error: {where}: PagerDuty could not be reached (tried 4 times)\n" in result.err
    assert "Traceback" not in result.err


def test_the_escalation_policy_is_created_then_left_then_updated(
    fake: Fake, tmp_path: Path, run: Run
) -> None:
    result = run("--escalation")
    assert result.code == 0
    assert "Escalation policy 'Pay desk incidents': to create" in result.out
    assert fake.policies == []
    assert run("--escalation", "--apply").code == 0
    assert [p["name"] for p in fake.policies] == ["Pay desk incidents"]
    policy_id = fake.policies[0]["id"]
    result = run("--escalation", "--apply")
    assert f"Escalation policy 'Pay desk incidents' ({policy_id}): unchanged" in result.out
    assert ("PUT", f"/escalation_policies/{policy_id}") not in fake.log
    result = run("--escalation", "--apply", team=write_team(tmp_path, repeat=3))
    assert result.code == 0
    assert f"({policy_id}): updated" in result.out
    assert fake.log.count(("PUT", f"/escalation_policies/{policy_id}")) == 1
    assert [(p["id"], p["num_loops"]) for p in fake.policies] == [(policy_id, 3)]


def test_a_policy_as_pagerduty_returns_it_is_unchanged(fake: Fake, run: Run) -> None:
    """PagerDuty adds ids, links, summaries and defaults; only what the team file says counts."""

    def target(kind: str, ident: str) -> dict[str, str]:
        return {"id": ident, "type": kind, "summary": "x", "self": f"https://x/{ident}"}

    fake.policies = [
        {"id": "PNOISE1", "name": "Pay desk incidents (old)", "escalation_rules": []},
        {
            "id": "PEP0001",
            "type": "escalation_policy",
            "name": "Pay desk incidents",
            "summary": "Pay desk incidents",
            "description": "",
            "num_loops": 1,
            "on_call_handoff_notifications": "if_has_services",
            "html_url": "https://example.pagerduty.com/escalation_policies/PEP0001",
            "escalation_rules": [
                {
                    "id": "R1",
                    "escalation_delay_in_minutes": 15,
                    "targets": [target("schedule_reference", "PPRIMRY")],
                },
                {
                    "id": "R2",
                    "escalation_delay_in_minutes": 30,
                    "targets": [target("user_reference", "PANA001")],
                },
            ],
        },
    ]
    result = run("--escalation", "--apply")
    assert result.code == 0
    assert "Escalation policy 'Pay desk incidents' (PEP0001): unchanged" in result.out
    assert [m for m, p in fake.writes() if "escalation" in p] == []


def test_a_missing_token_says_how_to_set_it(fake: Fake, run: Run) -> None:
    result = run(token=None)
    assert result.code == 2
    assert "PAGERDUTY_TOKEN is not set" in result.err
    assert "export PAGERDUTY_TOKEN=" in result.err
    assert fake.log == []


def test_a_refused_token_is_not_printed(run: Run) -> None:
    result = run(token="u+very-secret-token-1234")  # noqa: S106 - a wrong token, on purpose
    assert result.code == 2
    assert "PagerDuty refused the token in PAGERDUTY_TOKEN (401 Unauthorized)" in result.err
    assert "https://api.eu.pagerduty.com" in result.err
    assert "1234" not in result.err + result.out
    assert "Traceback" not in result.err


def test_an_unknown_schedule_is_named(fake: Fake, run: Run) -> None:
    fake.schedules = {"PPRIMRY"}
    result = run()
    assert result.code == 2
    assert "PagerDuty has no schedule PSECOND (404 Not Found)" in result.err
    assert f"GET {fake.url}/schedules/PSECOND/overrides" in result.err


def test_a_forbidden_write_is_named(fake: Fake, run: Run) -> None:
    fake.errors = [("POST /schedules/PSECOND/overrides", 403)]
    result = run("--apply")
    assert result.code == 2
    where = f"POST {fake.url}/schedules/PSECOND/overrides"
    assert (
        f"{where}: the token may not read or change schedule PSECOND (403 Forbidden)" in result.err
    )


def test_a_rotation_that_pages_the_wrong_person_is_refused_unless_forced(
    fake: Fake, tmp_path: Path, run: Run
) -> None:
    pto = f"pto:\n  - {{person: cal, start: {at(4, 0).date()}, end: {at(5, 0).date()}}}\n"
    team = write_team(tmp_path, pto=pto)  # Cal is on call on the 4th day
    result = run("--apply", team=team)
    assert result.code == 1
    assert "would page the wrong person" in result.err
    assert fake.log == []  # nothing was sent, not even a read
    assert run("--apply", "--force", team=team).code == 0
    assert fake.live("PPRIMRY") == expected(plan_v1(), 0)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://api.pagerduty.com", "plain http is accepted only for a loopback host"),
        ("ftp://127.0.0.1", "expected an https:// URL"),
        ("https://api.pagerduty.com/v2", "expected the API's base URL, without a path"),
    ],
)
def test_api_urls_that_are_refused(url: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        api_url(url)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://api.pagerduty.com", "https://api.pagerduty.com"),
        ("https://api.eu.pagerduty.com/", "https://api.eu.pagerduty.com"),
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
        ("http://[::1]:4010", "http://[::1]:4010"),
        ("http://localhost:4010", "http://localhost:4010"),
    ],
)
def test_api_urls_that_are_accepted(url: str, base: str) -> None:
    assert api_url(url) == base


def test_the_installed_command_without_a_token() -> None:
    team = EXAMPLES / "travel-pay" / "team.yaml"
    result = installed(
        "sync", "pagerduty", str(team), "--schedule", "PPRIMRY", env={"PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 2
    assert result.stderr.startswith("oncall: error: PAGERDUTY_TOKEN is not set")
    assert "Traceback" not in result.stderr


NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
HOURS = st.integers(-48, 240).map(lambda h: NOW + timedelta(hours=h))


@st.composite
def overrides(draw: st.DrawFn, *, live: bool) -> list[Override]:
    found = []
    for n in range(draw(st.integers(0, 8))):
        start = draw(HOURS)
        end = start + timedelta(hours=draw(st.integers(1, 30)))
        user = draw(st.sampled_from(["PA", "PB"]))
        schedule = draw(st.sampled_from(["S1", "S2"]))
        found.append(Override(schedule, start, end, user, f"Q{n}" if live else None))
    return found


@given(overrides(live=False), overrides(live=True))
def test_the_diff_applied_leaves_the_plan_and_what_had_started(
    planned: list[Override], live: list[Override]
) -> None:
    since, until = NOW - timedelta(hours=24), NOW + timedelta(hours=300)
    diff = diff_overrides(planned, live, since=since, until=until, now=NOW)
    after = [o for o in live if o not in diff.delete] + list(diff.create)
    again = diff_overrides(planned, after, since=since, until=until, now=NOW)
    assert not again.changes  # idempotent
    assert all(o.start > NOW for o in diff.delete + diff.create)  # nothing started is touched
    future = sorted(o.key for o in planned if o.start > NOW)
    assert sorted(o.key for o in after if o.start > NOW) == future  # the future is the plan
    accounted = [o.key for o in diff.keep + diff.create + diff.missed]
    assert all(o.key in accounted for o in planned if o.end > NOW)  # only history is dropped


def test_the_example_workflow_runs_against_the_fake(fake: Fake, tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "ci" / "pagerduty-sync.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["sync"]["steps"]
    dry_run, apply = (s["run"] for s in steps if "oncall sync" in s.get("run", ""))
    assert "--apply" not in dry_run
    assert "--apply" in apply
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        **workflow["env"],
        "TEAM": str(ROOT / workflow["env"]["TEAM"]),
        "ROTATION": str(ROOT / workflow["env"]["ROTATION"]),
        "PAGERDUTY_API_URL": fake.url,
        "PAGERDUTY_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(ONCALL).parent}{os.pathsep}{os.environ['PATH']}",
    }
    team = load_team(ROOT / workflow["env"]["TEAM"])
    rotation = load_rotation(ROOT / workflow["env"]["ROTATION"], team)
    for command in (dry_run, apply, apply):
        before = len(fake.writes())
        result = bash(command, cwd=tmp_path, env=env)  # dry-run.txt lands in tmp_path
        assert result.returncode == 0, result.stderr
    assert len(fake.writes()) == before  # the second --apply changed nothing
    assert "### PagerDuty after merging" in summary.read_text(encoding="utf-8")
    now = datetime.now(UTC)
    wanted = {
        (s.start, s.end, team.person(s.people[0]).pagerduty_id)  # type: ignore[union-attr]
        for s in rotation.shifts
        if s.start > now
    }
    assert {(a, b, u) for a, b, u in fake.live("PPRIMRY")} == wanted
    assert [p["name"] for p in fake.policies] == ["Travel Pay incidents"]


def test_the_diff_leaves_what_starts_outside_the_range() -> None:
    since, until = NOW + timedelta(days=2), NOW + timedelta(days=9)
    before = Override("S1", since - timedelta(hours=2), since + timedelta(hours=2), "PA", "Q1")
    after = Override("S1", until, until + timedelta(hours=3), "PA", "Q2")
    inside = Override("S1", since + timedelta(days=1), since + timedelta(days=2), "PB", "Q3")
    diff = diff_overrides([], [before, after, inside], since=since, until=until, now=NOW)
    assert diff.delete == (inside,)
    assert diff.started == ()
