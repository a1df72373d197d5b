"""Extreme values, misuse of the API, outputs that are no regular files, injection.

Each case once showed a traceback (exit 1, which CI reads as "findings"), replaced what
it should have written through, or reached a pull-request comment live.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from oncall import (
    Person,
    Policy,
    RiskyEvent,
    Rotation,
    check,
    coverage_windows,
    load_team,
    merge_windows,
)
from oncall.cli import main
from oncall.export.ics import to_ics
from oncall.planner import make_plan

from .conftest import EXAMPLES

TEAM = """\
team: t
timezone: {zone}
policy: {{lead: 1h, lag: 1h, min_staff: 1, ideal_staff: 1}}
horizon: {{start: {start}, end: {end}}}
people:
  - id: ann
    name: {name}
events:
  - title: {title}
    start: {day}T20:00
    end: {day}T22:00
{more}"""


def team_file(folder: Path, file: str = "team.yaml", **values: str) -> Path:
    fields = {
        "zone": "UTC",
        "start": "2026-12-01",
        "end": "2026-12-31",
        "name": "Ann Lee",
        "title": "Deploy",
        "day": "2026-12-03",
        "more": "",
        **values,
    }
    path = folder / file
    path.write_text(TEAM.format(**fields), encoding="utf-8")
    return path


def oncall(*argv: str | Path, cwd: Path) -> tuple[int, str]:
    """Run the command in-process; its exit code and what it wrote to standard error."""
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    err, out = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv], out=out)
    return code, err.getvalue()


HUGE = "1" * 4301


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"more": f"history: {{ann: {HUGE}}}\n"}, "a number with more than 4,300 digits"),
        ({"title": ".nan"}, "events[0].title: expected text, found nan"),
        ({"title": ".NaN"}, "events[0].title: expected text, found nan"),
        ({"title": "!!str true"}, None),  # text, as the tag says
        ({"name": '"\\ud800"'}, "invalid YAML: found invalid Unicode character escape"),
        (
            {"more": "    rrule: FREQ=DAILY;UNTIL=20260230T000000Z\n"},
            "UNTIL is no date and time",
        ),
        ({"more": "    rrule: FREQ=DAILY;UNTIL=20261301T000000Z\n"}, "UNTIL is no date"),
        (
            {"zone": "Asia/Tokyo", "more": "    rrule: FREQ=DAILY;UNTIL=99991231T235959Z\n"},
            "UNTIL is no date",
        ),
        ({"more": "    rrule: FREQ=DAILY;INTERVAL=-1\n"}, "INTERVAL must be a whole number"),
        ({"more": "    rrule: FREQ=MONTHLY;BYDAY=53MO\n"}, "a numbered BYDAY"),
        ({"more": "    rrule: FREQ=MINUTELY;BYMINUTE=60\n"}, "BYMINUTE values are 0 to 59"),
        ({"more": "    rrule: FREQ=SECONDLY;BYHOUR=0;BYSECOND=0\n"}, "a coarser FREQ"),
        ({"more": "    rrule: FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z\n"}, "not both"),
        (
            {"more": "    rrule: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\n"},
            "events[0].rrule: the recurrence rule finds no date in 100 years",
        ),
    ],
)
def test_extreme_values_in_a_team_file_are_a_clear_exit_2(
    tmp_path: Path, values: dict[str, str], expected: str | None
) -> None:
    team = team_file(tmp_path, **values)
    code, err = oncall("windows", team, cwd=tmp_path)
    if expected is None:
        assert code == 0, err
    else:
        assert code == 2
        assert err.startswith("oncall: error: "), err
        assert expected in err


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("team.json", '{"team": "t",\n "timezone": "UTC",\n "history": {"a": ' + HUGE + "}}", 3),
        ("team.toml", 'team = "t"\ntimezone = "UTC"\n[history]\na = ' + HUGE + "\n", 4),
        ("team.json", '{"team": "t",\n "people": [{"id": "a", "name": "\\udc00"}]}', 2),
        ("rotation.json", '{"shifts": [\n{"start": ' + HUGE + "}]}", 2),
    ],
)
def test_json_and_toml_extremes_name_their_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    team = team_file(tmp_path)
    argv = ("validate", team, name) if name.startswith("rotation") else ("windows", name)
    code, err = oncall(*argv, cwd=tmp_path)
    assert code == 2
    assert err.startswith(f"oncall: error: {name}:{line}: "), err


def test_a_pair_of_surrogates_is_one_character(tmp_path: Path) -> None:
    (tmp_path / "team.json").write_text(
        '{"team": "t", "timezone": "UTC", "people": [{"id": "a", "name": "\\ud83d\\ude00"}]}',
        encoding="utf-8",
    )
    assert oncall("windows", "team.json", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize("epoch", ["253402300799", "-62135596800", "-1", "32503680000"])
def test_source_date_epoch_beyond_the_years_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    example = EXAMPLES / "travel-pay"
    code, err = oncall(
        "export", "ics", example / "team.yaml", example / "rotation.yaml", cwd=tmp_path
    )
    assert code == 2
    assert "SOURCE_DATE_EPOCH: expected seconds since 1970, up to the year 2999" in err


def test_a_sequence_at_its_maximum_cannot_be_raised(tmp_path: Path) -> None:
    example = EXAMPLES / "travel-pay"
    assert oncall("export", "ics", example / "team.yaml", "-o", "old.ics", cwd=tmp_path)[0] == 0
    old = (tmp_path / "old.ics").read_text(encoding="utf-8")
    (tmp_path / "old.ics").write_text(old.replace("SEQUENCE:0", "SEQUENCE:2147483647"), "utf-8")
    rotation = (example / "rotation.yaml").read_text(encoding="utf-8")
    (tmp_path / "rotation.yaml").write_text(rotation.replace("apark", "cobi", 1), "utf-8")
    code, err = oncall(
        "export",
        "ics",
        example / "team.yaml",
        "rotation.yaml",
        "--previous",
        "old.ics",
        cwd=tmp_path,
    )
    assert code == 2
    assert err.startswith("oncall: error: old.ics: the earlier export's event "), err
    assert "cannot be raised above 2147483647" in err
    (tmp_path / "old.ics").write_text(old.replace("SEQUENCE:0", "SEQUENCE:2147483648"), "utf-8")
    code, err = oncall(
        "export", "ics", example / "team.yaml", "--previous", "old.ics", cwd=tmp_path
    )
    assert code == 2
    assert "SEQUENCE 2147483648 is not between 0 and 2147483647" in err


def test_a_toml_rotation_with_local_mean_time_reads_back(tmp_path: Path) -> None:
    team = team_file(
        tmp_path, zone="Africa/Monrovia", start="1960-12-01", end="1960-12-31", day="1960-12-03"
    )
    assert oncall("plan", team, "-o", "rotation.toml", cwd=tmp_path)[0] == 0
    assert "19:44:30+00:00" in (tmp_path / "rotation.toml").read_text(encoding="utf-8")
    code, err = oncall("validate", team, "rotation.toml", cwd=tmp_path)
    assert code == 0, err


# Outputs ------------------------------------------------------------------------------


def test_an_empty_output_name_is_an_error(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    for argv in (("plan", team, "-o", ""), ("export", "ics", team, "-o", "")):
        code, err = oncall(*argv, cwd=tmp_path)
        assert (code, err) == (2, "oncall: error: -o: expected a file name, found nothing ''\n")


def test_every_destination_is_checked_before_any_is_written(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    code, err = oncall(
        "export", "ics", team, "--per-person", "feeds", "-o", "team.yaml/all.ics", cwd=tmp_path
    )
    assert code == 2
    assert "team.yaml is not a folder" in err
    assert not (tmp_path / "feeds").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_is_written_through_never_replaced(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    (tmp_path / "null.ics").symlink_to(os.devnull)
    assert oncall("export", "ics", team, "-o", "null.ics", cwd=tmp_path)[0] == 0
    assert (tmp_path / "null.ics").is_symlink()
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    os.mkfifo(tmp_path / "feed.ics")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; print(len(open(sys.argv[1], 'rb').read()))",
            "feed.ics",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert oncall("export", "ics", team, "-o", "feed.ics", cwd=tmp_path)[0] == 0
    assert int(reader.communicate(timeout=30)[0]) > 100
    assert stat.S_ISFIFO((tmp_path / "feed.ics").stat().st_mode)


def test_a_link_to_a_file_stays_a_link(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    (tmp_path / "real.ics").write_text("old", encoding="utf-8")
    (tmp_path / "link.ics").symlink_to("real.ics")
    assert oncall("export", "ics", team, "-o", "link.ics", cwd=tmp_path)[0] == 0
    assert (tmp_path / "link.ics").is_symlink()
    assert (tmp_path / "real.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_stale_temporaries_are_removed_by_the_next_write(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".out.ics.oncall-{dead.stdout.strip()}-abc123.tmp"
    living = tmp_path / f".out.ics.oncall-{os.getppid()}-abc123.tmp"
    other = tmp_path / f".other.ics.oncall-{dead.stdout.strip()}-abc123.tmp"
    kept = tmp_path / ".out.ics.else.tmp"
    for path in (stale, living, other, kept):
        path.write_text("partial", encoding="utf-8")
    assert oncall("export", "ics", team, "-o", "out.ics", cwd=tmp_path)[0] == 0
    assert not stale.exists()
    assert not other.exists()  # another file's, but its run is gone too
    assert living.exists()  # its process may still be writing
    assert kept.exists()  # not oncall's


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    team = team_file(tmp_path)
    script = (
        "import os, signal, sys\n"
        "from oncall.cli import main\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "export", "ics", str(team), "-o", "out.ics"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.yaml"]


# The Python API -----------------------------------------------------------------------


def _event(**values: object) -> RiskyEvent:
    fields: dict[str, object] = {
        "start": datetime(2026, 12, 3, 20, tzinfo=UTC),
        "end": datetime(2026, 12, 3, 22, tzinfo=UTC),
        "id": "e",
        "title": "Deploy",
        **values,
    }
    return RiskyEvent(**fields)  # type: ignore[arg-type]


def test_misuse_of_the_api_is_a_clear_error_at_the_door() -> None:
    team = load_team(EXAMPLES / "travel-pay" / "team.yaml")
    with pytest.raises(TypeError, match="team must be Team, not NoneType"):
        coverage_windows(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rotation must be Rotation, not NoneType"):
        check(team, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="stamp must be datetime or None, not str"):
        to_ics(team, Rotation(), stamp="2026-12-01")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="event start must be a time-zone aware datetime"):
        _event(start=None)
    with pytest.raises(
        ValueError, match=r"RiskyEvent\.risk must be one of 'low', 'moderate', 'high'"
    ):
        _event(risk="extreme")
    with pytest.raises(ValueError, match=r"Policy\.risk_threshold must be one of"):
        Policy(risk_threshold="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected an IANA time zone name or a ZoneInfo"):
        Person("ann", timezone=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keep must be Rotation or None, not str"):
        make_plan(team, keep="rotation.yaml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lead: must be at most 23010 days"):
        Policy(lead=timedelta.max)
    with pytest.raises(TypeError, match=r"Policy\.min_staff must be int, not bool"):
        Policy(min_staff=True)


def test_names_of_members_and_zones_are_taken_for_them() -> None:
    policy = Policy(risk_threshold="high")  # type: ignore[arg-type]
    windows = merge_windows([_event(risk="high", kind="api-deployment")], policy)
    assert len(windows) == 1
    assert Person("ann", timezone=ZoneInfo("Europe/Berlin")).timezone == "Europe/Berlin"  # type: ignore[arg-type]


# Injection ----------------------------------------------------------------------------

HOSTILE_NAME = "@acme/security ![x](https://evil.example/p.png) [click](/x) #12 a&#64;b"


def test_markdown_and_annotations_leave_mentions_links_and_images_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Markdown lists the upcoming windows: "now" is before the event, whatever the date.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    team = team_file(tmp_path, name=f'"{HOSTILE_NAME}"', more="")
    (tmp_path / "rotation.yaml").write_text(
        "shifts:\n  - start: 2026-12-03T19:00\n    end: 2026-12-03T20:00\n"
        '    people: [ann, "@octocat", "[x](https://evil.example)"]\n',
        encoding="utf-8",
    )
    outputs = {}
    for fmt in ("markdown", "github"):
        out = io.StringIO()
        with contextlib.chdir(tmp_path), contextlib.redirect_stderr(io.StringIO()):
            main(["validate", str(team), "rotation.yaml", "--format", fmt], out=out)
        outputs[fmt] = out.getvalue()
    markdown = outputs["markdown"]
    assert "`@acme/security`" in markdown
    assert "`![x](https://evil.example/p.png)`" in markdown
    assert "\\[click\\](/x)" in markdown
    assert "`#12`" in markdown
    assert "`a&#64;b,`" in markdown
    assert "`'@octocat'`" in markdown
    outside_code = "".join(markdown.split("`")[::2]).replace("\\[", "").replace("\\]", "")
    for active in ("@", "[", "]", "://", "#1"):
        assert active not in outside_code
    github = outputs["github"]
    assert "@octocat" not in github
    assert "@\u2060octocat" in github
    assert "https://" not in github


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "the recurrence rule finds no date"),
        # icalendar itself cannot read these: refused as a broken event (issue 15's rule).
        ("FREQ=DAILY;INTERVAL=-1", "has an RRULE that cannot be read"),
        ("FREQ=SECONDLY;COUNT=5;UNTIL=29991231T000000Z", "has an RRULE that cannot be read"),
    ],
)
def test_a_calendar_rule_that_cannot_be_counted_is_refused_naming_the_event(
    tmp_path: Path, rule: str, expected: str
) -> None:
    (tmp_path / "c.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:feb-30@example.org\r\nSUMMARY:Deploy\r\nDTSTART:20261203T200000Z\r\n"
        f"DTEND:20261203T210000Z\r\nRRULE:{rule}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    (tmp_path / "team.yaml").write_text(
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2026-12-31}\n"
        "sources: {events: [c.ics]}\n",
        encoding="utf-8",
    )
    code, err = oncall("windows", "team.yaml", cwd=tmp_path)
    assert code == 2
    assert "c.ics: the event feb-30@example.org" in err
    assert expected in err


def test_a_long_value_is_cut_short_in_messages(tmp_path: Path) -> None:
    team = team_file(tmp_path, more=f"history: {{ann: {'1' * 4000}}}\n")
    code, err = oncall("windows", team, cwd=tmp_path)
    assert code == 2
    assert len(err) < 600
    assert "1\u2026" in err


def test_an_event_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    team = team_file(tmp_path, start="1900-01-01", end="1900-02-01", day="1900-01-01")
    text = team.read_text(encoding="utf-8").replace(
        "end: 1900-01-01T22:00", "end: 2999-12-31T00:00"
    )
    team.write_text(text, encoding="utf-8")
    code, err = oncall("windows", team, cwd=tmp_path)
    assert code == 2
    assert "events[0].end: the event lasts longer than 23,010 days" in err
