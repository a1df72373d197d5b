"""The structure-aware fuzzer (`tests/fuzz.py`) through every command, in-process.

Every run ends in a documented way: exit 0, exit 1 (findings) or exit 2 with an
``oncall: error:`` message; no other exception, no traceback. A rotation that ``plan -o``
wrote reads back. Run it long with ``HYPOTHESIS_PROFILE=heavy pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import icalendar
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from oncall.cli import main

from .fuzz import calendars, rotation_documents, team_documents, write

FORMATS = ("yaml", "json", "toml")
formats = st.sampled_from(FORMATS)


def run(*argv: str, cwd: Path) -> tuple[int, str, str]:
    """``oncall ARGV`` in-process: its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv), out=out)
        except SystemExit as exc:  # argparse refusing an option: its usage, exit 2
            code = exc.code if isinstance(exc.code, int) else 2
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    event(f"{' '.join(argv[:2] if argv[0] == 'export' else argv[:1])}: exit {code}")
    if code == 2:
        event("error: " + re.sub(r"^oncall: error: [^ ]*:( \d+:)?", "", err.getvalue())[:50])
        assert "Traceback" not in err.getvalue()
        assert err.getvalue().strip(), argv
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def fuzzed(data: st.DataObject) -> Iterator[tuple[Path, str, str]]:
    """A folder with a team file, a rotation file and a calendar; their names."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        team = f"team.{data.draw(formats, label='team format')}"
        rotation = f"rotation.{data.draw(formats, label='rotation format')}"
        (folder / team).write_text(write(data.draw(team_documents()), team[5:]), "utf-8")
        (folder / rotation).write_text(
            write(data.draw(rotation_documents()), rotation[9:]), "utf-8"
        )
        (folder / "calendar.ics").write_text(data.draw(calendars()), "utf-8")
        yield folder, team, rotation


def ranges(data: st.DataObject) -> list[str]:
    """Sometimes ``--from``/``--to`` at an edge."""
    argv = []
    for flag in ("--from", "--to"):
        if data.draw(st.integers(0, 3), label=f"{flag}?") == 1:
            value = data.draw(
                st.sampled_from(["2026-12-01", "1900-01-01", "2999-12-31", "2026-12-15T12:00Z"])
            )
            argv += [flag, value]
    return argv


fuzz_settings = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fuzz_settings
@given(st.data())
def test_windows_and_validate(data: st.DataObject) -> None:
    with fuzzed(data) as (folder, team, rotation):
        shown = data.draw(st.sampled_from(["text", "json"]))
        code, out, _ = run("windows", team, *ranges(data), "--format", shown, cwd=folder)
        assert code in (0, 2)  # windows has no findings to report
        if code == 0 and shown == "json":
            spans = [
                (datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"]))
                for w in json.loads(out)["windows"]
            ]
            assert all(start < end for start, end in spans)
            assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # merged, sorted
        report = data.draw(st.sampled_from(["text", "json", "github", "markdown"]))
        strict = ["--strict"] if data.draw(st.booleans()) else []
        code, out, _ = run(
            "validate", team, rotation, *ranges(data), "--format", report, *strict, cwd=folder
        )
        if code != 2 and report == "json":
            result = json.loads(out)
            assert result["ok"] == (code == 0)  # the exit code says what the report says
            errors = result["summary"]["by_severity"]["error"]
            assert errors == 0 or code == 1


@fuzz_settings
@given(st.data())
def test_plan_writes_what_it_reads_back(data: st.DataObject) -> None:
    with fuzzed(data) as (folder, team, rotation):
        written = f"planned.{data.draw(formats)}"
        horizon = ranges(data)
        argv = ["plan", team, *horizon, "-o", written]
        if data.draw(st.booleans()):
            argv += ["--keep", rotation]
        if data.draw(st.booleans()):
            argv += ["--format", "json"]
        if data.draw(st.integers(0, 3)) == 0:
            argv.append("--explain")
        code, _, err = run(*argv, cwd=folder)
        if code != 2:
            again, _, err = run("validate", team, written, *horizon, cwd=folder)
            assert again != 2, err


@fuzz_settings
@given(st.data())
def test_exports(data: st.DataObject) -> None:
    with fuzzed(data) as (folder, team, rotation):
        source = [rotation] if data.draw(st.booleans()) else []
        target = data.draw(st.sampled_from(["ics", "pagerduty", "pagerduty-escalation"]))
        if target == "pagerduty-escalation":
            code, out, _ = run("export", target, team, "-o", "-", cwd=folder)
            assert code == 2 or "escalation_policy" in json.loads(out)
        elif target == "pagerduty":
            code, out, _ = run(
                "export",
                target,
                team,
                *source,
                *ranges(data),
                "--schedule",
                "PABC123",
                "-o",
                "-",
                cwd=folder,
            )
            if code == 0:  # written only when nobody would be paged wrongly (SPEC 8)
                assert isinstance(json.loads(out)["requests"], list)
        else:
            who = data.draw(st.sampled_from([[], ["--person", "ann"], ["--per-person", "feeds"]]))
            remind = ["--remind", data.draw(st.sampled_from(["15m", "0", "3661d", "-1h"]))]
            code, _, _ = run(
                "export", "ics", team, *source, *who, *ranges(data), "-o", "first.ics", cwd=folder
            )
            if code != 2:  # written, findings or not (SPEC 8): a calendar that parses back
                exported = icalendar.Calendar.from_ical((folder / "first.ics").read_bytes())
                assert exported.get("METHOD") == "PUBLISH"
                assert not any("ATTENDEE" in e for e in exported.walk("VEVENT"))
            if code == 0:  # the second export reads the first as --previous
                run(
                    "export",
                    "ics",
                    team,
                    *source,
                    *who,
                    *remind,
                    "--previous",
                    "first.ics",
                    cwd=folder,
                )
