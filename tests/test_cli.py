"""The command line, in-process (fast) and through the installed ``oncall`` command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from oncall import cli
from oncall.cli import main
from oncall.formats import parse_document

from .conftest import GOLDEN, ONCALL, ROOT, Golden, installed
from .test_load import ERROR_CASES


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_windows_text_of_the_example(example_team: Path, golden: Golden) -> None:
    code, out = run("windows", str(example_team))
    assert code == 0
    golden("travel-pay.windows.txt", out)


def test_windows_json_of_the_example(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # events carry their file's name: keep it relative
    code, out = run("windows", "examples/travel-pay/team.yaml", "--format", "json")
    assert code == 0
    golden("travel-pay.windows.json", out)
    document = json.loads(out)
    first = document["windows"][0]
    assert (first["start"], first["end"]) == (
        "2026-12-03T19:00:00-05:00",
        "2026-12-03T23:00:00-05:00",
    )
    assert [e["id"] for e in first["events"]] == ["api-release-2026-12-03"]


def test_from_and_to_replace_the_horizon(example_team: Path) -> None:
    code, out = run(
        "windows",
        str(example_team),
        "--from",
        "2027-01-14",
        "--to",
        "2027-01-14",
        "--format",
        "json",
    )
    assert code == 0
    (window,) = json.loads(out)["windows"]
    assert [e["id"] for e in window["events"]] == [
        "crm-update-2027-01-14",
        "api-release-2027-01-14",
    ]
    code, out = run("windows", str(example_team), "--from", "2027-01-14T18:00", "--format", "json")
    first = next(e["id"] for w in json.loads(out)["windows"] for e in w["events"])
    assert first == "api-release-2027-01-14"


def test_the_schema_validates_the_example(example_team: Path) -> None:
    code, out = run("schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    # Read as oncall reads YAML (1.2: numbers are numbers, dates stay text).
    data = parse_document(example_team.read_text(encoding="utf-8"), "yaml").data
    assert isinstance(data, dict)
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "polcy": {}}, schema)


def test_the_rotation_schema() -> None:
    code, out = run("schema", "rotation")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"] == "oncall rotation file"
    assert "shifts" in schema["properties"]


def test_input_errors_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("team: t\ntimezone: Mars/Olympus\n", encoding="utf-8")
    code, out = run("windows", str(team))
    assert (code, out) == (2, "")
    assert (
        capsys.readouterr().err
        == f"oncall: error: {team}:2: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as 'America/New_York')\n"
    )


# The installed command -----------------------------------------------------------------


def test_installed_command_runs_the_example(example_team: Path, golden: Golden) -> None:
    result = installed("windows", str(example_team))
    assert result.returncode == 0, result.stderr
    golden("travel-pay.windows.txt", result.stdout)


def test_output_does_not_depend_on_the_machines_zone(example_team: Path) -> None:
    outputs = {
        zone: installed(
            "windows", str(example_team), "--format", "json", env={**os.environ, "TZ": zone}
        ).stdout
        for zone in ("UTC", "Pacific/Chatham", "America/Los_Angeles")
    }
    assert len(set(outputs.values())) == 1
    assert outputs["UTC"].startswith('{\n  "windows"')


@pytest.mark.parametrize(
    ("files", "argv", "expected"),
    [
        ({}, ["windows", "missing.yaml"], "missing.yaml: no such file"),
        (
            {"t.yaml": "team: t\ntimezone: UTC\npolicy: {lead: 5}\n"},
            ["windows", "t.yaml"],
            "t.yaml:3: policy.lead: a duration needs a unit, found 5",
        ),
        (
            {"t.toml": 'team = "t"\ntimezone = "UTC"\nfoo = 1\n'},
            ["windows", "t.toml"],
            "t.toml:3: unknown key 'foo'",
        ),
        (
            {
                "t.json": '{"team": "t", "timezone": "UTC", "events": [{"title": "x", "start": "2026-11-01T01:30", "duration": "1h", "timezone": "America/New_York"}]}'
            },
            ["windows", "t.json"],
            "t.json:1: events[0].start: local time 2026-11-01T01:30 happens twice",
        ),
        (
            {
                "t.yaml": "team: t\ntimezone: UTC\nevents:\n  - {title: x, start: 2026-12-01T10:00, duration: 1h, rrule: FREQ=DAILY}\n"
            },
            ["windows", "t.yaml"],
            "t.yaml:4: events[0].rrule: a recurrence rule with neither COUNT nor UNTIL needs a horizon end",
        ),
        (
            {"t.yaml": "team: t\ntimezone: UTC\n"},
            ["windows", "t.yaml", "--from", "2026-12-10", "--to", "2026-12-01"],
            "--to 2026-12-01 is not after --from 2026-12-10 (give a --to after --from)",
        ),
        (
            {"t.yaml": "team: t\ntimezone: America/New_York\n"},
            ["windows", "t.yaml", "--from", "2026-03-08T02:30"],
            "--from: local time 2026-03-08T02:30 does not exist",
        ),
        (
            {},
            ["windows", "t.yaml", "--to", "next week"],
            "argument --to: invalid date or time 'next week'",
        ),
        ({}, ["windows", "t.yaml", "--frmo", "2026-12-01"], "unrecognized arguments: --frmo"),
        ({}, ["windows", "t.yaml", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_installed_command_input_errors(
    tmp_path: Path, files: dict[str, str], argv: list[str], expected: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = installed(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_installed_command_reports_every_team_file_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "team.yaml").write_text(text, encoding="utf-8")
    result = installed("windows", "team.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"oncall: error: {expected}")
    assert "Traceback" not in result.stderr


def test_help_and_version() -> None:
    result = installed("--help")
    assert result.returncode == 0
    assert "windows" in result.stdout
    assert "schema" in result.stdout
    for command in ("windows", "schema"):
        assert installed(command, "--help").returncode == 0
    version = installed("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("oncall ")


@pytest.mark.parametrize(("columns", "width"), [("50", 50), ("120", 120), ("0", 80), ("x", 80)])
def test_help_fits_the_terminal_width(columns: str, width: int) -> None:
    """As `shutil.get_terminal_size` reads COLUMNS (no terminal here: 80 otherwise)."""
    env = {**os.environ, "COLUMNS": columns}
    lines = installed("plan", "--help", env=env).stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) > width - 20  # the width is used, too


# oncall plan ---------------------------------------------------------------------------


def test_plan_text_of_the_example(example_team: Path, golden: Golden) -> None:
    code, out = run("plan", str(example_team))
    assert code == 0
    golden("travel-pay.plan.txt", out)
    code, out = run("plan", str(example_team), "--explain")
    assert code == 0
    golden("travel-pay.plan-explain.txt", out)


def test_plan_json_of_the_example(golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # events carry their file's name: keep it relative
    team = "examples/travel-pay/team.yaml"
    code, out = run("plan", team, "--format", "json", "--from", "2026-12-01", "--to", "2027-01-01")
    assert code == 0
    golden("travel-pay.plan.json", out)
    document = json.loads(out)
    assert set(document) == {"shifts", "findings", "events", "load"}
    assert document["shifts"][0] == {
        "start": "2026-12-03T19:00:00-05:00",
        "end": "2026-12-03T23:00:00-05:00",
        "people": ["dlee", "bortiz"],
        "events": ["api-release-2026-12-03"],
    }


@pytest.mark.parametrize("suffix", ["yaml", "json", "toml"])
def test_plan_writes_rotation_files(
    example_team: Path, tmp_path: Path, golden: Golden, suffix: str
) -> None:
    target = tmp_path / f"rotation.{suffix}"
    code, out = run("plan", str(example_team), "-o", str(target))
    assert code == 0
    assert out.startswith("travel-pay: 9 shifts")
    golden(f"travel-pay.rotation.{suffix}", target.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_plan_to_standard_output(example_team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run("plan", str(example_team), "-o", "-")
    assert code == 0
    assert out == (GOLDEN / "travel-pay.rotation.yaml").read_text(encoding="utf-8")
    assert capsys.readouterr().err.startswith("travel-pay: 9 shifts")


def test_plan_exits_1_when_a_window_is_left_uncovered(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ada, name: Ada}]\n"
        "pto: [{person: ada, start: 2026-12-03, note: holiday}]\n"
        "events: [{title: Deploy, start: 2026-12-03T20:00, duration: 1h}]\n",
        encoding="utf-8",
    )
    target = tmp_path / "rotation.yaml"
    code, out = run("plan", str(team), "-o", str(target))
    assert code == 1
    assert "error uncovered: Nobody is on call Thu 2026-12-03 19:00-22:00 UTC for Deploy" in out
    assert "On time off: Ada (holiday)." in out
    assert "people: []" in target.read_text(encoding="utf-8")  # written all the same


def test_plan_keep_keeps_a_committed_rotation(example_team: Path, tmp_path: Path) -> None:
    committed = tmp_path / "rotation.yaml"
    code, _ = run("plan", str(example_team), "--to", "2026-12-10", "-o", str(committed))
    assert code == 0
    edited = committed.read_text(encoding="utf-8").replace("[apark, bortiz]", "[cobi, apark]", 1)
    committed.write_text(edited, encoding="utf-8")
    extended = tmp_path / "extended.yaml"
    code, _ = run("plan", str(example_team), "--keep", str(committed), "-o", str(extended))
    assert code == 0
    new = extended.read_text(encoding="utf-8")
    assert new.startswith(edited)  # the committed part, byte for byte, edit included
    assert len(new) > len(edited)


def test_plan_refuses_an_unknown_output_type_before_writing(
    example_team: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run("plan", str(example_team), "-o", str(tmp_path / "rotation.txt"))
    assert code == 2
    assert "rotation.txt: unknown file type '.txt'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file(
    example_team: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "rotation.yaml"
    target.write_text("the old rotation\n", encoding="utf-8")

    def broken_fsync(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    code, _ = run("plan", str(example_team), "-o", str(target))
    assert code == 2
    assert (
        "rotation.yaml: cannot write the file (No space left on device)" in capsys.readouterr().err
    )
    assert target.read_text(encoding="utf-8") == "the old rotation\n"
    assert [p.name for p in tmp_path.iterdir()] == ["rotation.yaml"]


def test_installed_plan_command(example_team: Path, golden: Golden) -> None:
    result = installed("plan", str(example_team))
    assert result.returncode == 0, result.stderr
    golden("travel-pay.plan.txt", result.stdout)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_under_the_output_is_an_error_not_a_traceback(example_team: Path) -> None:
    # The command ends with `os._exit` once its output is flushed: what could not be
    # written is still said, with exit 2, as any output that cannot be written.
    rotation = str(example_team.with_name("rotation.yaml"))
    for argv in (["validate", str(example_team), rotation], ["schema", "team"]):
        with Path("/dev/full").open("w", encoding="utf-8") as full:
            result = subprocess.run(
                [ONCALL, *argv], stdout=full, stderr=subprocess.PIPE, text=True, check=False
            )
        assert result.returncode == 2, result.stderr
        assert result.stderr == "oncall: error: cannot write the output (No space left on device)\n"


def test_the_command_flushes_its_output_before_it_ends(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `_flushed` decides the exit code `os._exit` ends with: a reader that went away is not
    # an error (as in `main`), a device that refuses the output is.
    class Output(io.StringIO):
        def __init__(self, error: OSError | None) -> None:
            super().__init__()
            self.error = error

        def flush(self) -> None:
            if self.error is not None:
                raise self.error

    monkeypatch.setattr(sys, "stdout", Output(BrokenPipeError(32, "Broken pipe")))
    assert cli._flushed(1) == 1
    monkeypatch.setattr(sys, "stdout", Output(OSError(28, "No space left on device")))
    assert cli._flushed(0) == 2
    assert capsys.readouterr().err == (
        "oncall: error: cannot write the output (No space left on device)\n"
    )
    monkeypatch.setattr(sys, "stdout", Output(None))
    assert cli._flushed(1) == 1
    monkeypatch.setattr(sys, "stderr", None)  # closed (``2>&-``): the exit code says it
    assert cli._cannot_write(OSError(28, "No space left on device")) == 2


def test_under_a_profiler_the_command_exits_as_usual(example_team: Path, tmp_path: Path) -> None:
    # A profiler (and coverage) saves its data at exit, which `os._exit` would skip.
    profile = tmp_path / "windows.prof"
    command = ["-m", "oncall", "windows", str(example_team)]
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert profile.stat().st_size > 0


def test_certificates_that_cannot_be_loaded_are_an_input_error(example_team: Path) -> None:
    # The TLS context is made with the client, before any request: no network is needed.
    rotation = str(example_team.with_name("rotation.yaml"))
    result = installed(
        *("sync", "pagerduty", str(example_team), rotation, "--schedule", "PABC123"),
        env={**os.environ, "SSL_CERT_FILE": "/nonexistent/ca.pem", "PAGERDUTY_TOKEN": "x"},
    )
    assert result.returncode == 2, result.stderr
    assert "the trusted certificates could not be loaded" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_installed_command_and_python_m_give_the_same_exit_codes(
    example_team: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "rotation.yaml"  # a shift that covers nobody: validate exits 1
    broken.write_text("shifts: []\n", encoding="utf-8")
    for argv, code in (
        (["validate", str(example_team), str(broken)], 1),
        (["validate", str(example_team), str(tmp_path / "missing.yaml")], 2),
        (["plan", str(example_team)], 0),
    ):
        assert installed(*argv).returncode == code, argv
        result = subprocess.run(
            [sys.executable, "-m", "oncall", *argv], capture_output=True, text=True, check=False
        )
        assert result.returncode == code, (argv, result.stderr)
        assert result.stdout == installed(*argv).stdout


def test_the_command_makes_no_cyclic_garbage_that_grows_with_the_team(tmp_path: Path) -> None:
    # The installed command runs without the cyclic collector (`oncall.cli.command`): what
    # only the collector frees must not grow with the input, or a large team would leak.
    import gc  # noqa: PLC0415

    from .test_scaling import team_text  # noqa: PLC0415

    def garbage(events: int) -> int:
        team = tmp_path / f"team{events}.yaml"
        team.write_text(team_text(events, people=6, pto=events // 10), encoding="utf-8")
        rotation = tmp_path / f"rotation{events}.yaml"
        gc.collect()
        gc.disable()
        try:
            found = 0
            for argv in (
                ["plan", str(team), "-o", str(rotation)],
                ["validate", str(team), str(rotation)],
                ["export", "ics", str(team), str(rotation), "-o", str(tmp_path / "a.ics")],
            ):
                assert main(argv, out=io.StringIO()) in (0, 1)
                found += gc.collect()
        finally:
            gc.enable()
        return found

    small, large = garbage(50), garbage(200)
    assert large < small + 100, (small, large)


def test_plan_refuses_a_window_cut_into_too_many_shifts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "team: t\ntimezone: UTC\npeople: [{id: ann}, {id: bob}]\n"
        "policy: {lead: 3660d, max_shift: 15m}\n"
        "events: [{title: Deploy, start: 2027-01-04T10:00, duration: 1h}]\n",
        "utf-8",
    )
    output = tmp_path / "rotation.yaml"
    code, out = run("plan", str(team), "-o", str(output))
    assert (code, out, output.exists()) == (2, "", False)
    error = capsys.readouterr().err
    assert error.startswith(f"oncall: error: {team}: policy.max_shift: the window ")
    assert "more than 5,000 shifts" in error
    assert "Traceback" not in error
