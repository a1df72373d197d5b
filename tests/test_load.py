from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import tomli_w
import yaml

from oncall import InputError, coverage_windows, load_team, parse_team

TEAM: dict[str, object] = {
    "team": "travel-pay",
    "timezone": "America/New_York",
    "policy": {"lead": "1h", "lag": "PT1H", "merge_gap": "30m", "min_rest": "8h"},
    "horizon": {"start": "2026-12-01", "end": "2026-12-31"},
    "people": [
        {"id": "apark", "name": "Ada Park", "email": "ada@example.org"},
        {"id": "bortiz", "timezone": "America/Chicago"},
    ],
    "pto": [
        {"person": "apark", "start": "2026-12-21", "end": "2026-12-24"},
        {
            "person": "bortiz",
            "start": "2026-12-05T13:00",
            "end": "2026-12-05T17:00",
            "note": "dentist",
        },
        {"person": "bortiz", "start": "2026-12-26"},
    ],
    "events": [
        {
            "id": "api-release",
            "title": "API deployment",
            "kind": "api-deployment",
            "start": "2026-12-03T20:00",
            "end": "2026-12-03T22:00",
            "rrule": "FREQ=WEEKLY;BYDAY=TH",
            "exdates": ["2026-12-24T20:00"],
        },
        {
            "title": "CRM update",
            "kind": "crm-update",
            "start": "2026-12-09T18:00-05:00",
            "duration": "3h",
        },
    ],
    "history": {"apark": "12h"},
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def as_yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def test_the_same_team_in_yaml_toml_and_json_gives_the_same_windows(tmp_path: Path) -> None:
    teams = [
        load_team(write(tmp_path, "team.yaml", as_yaml(TEAM))),
        load_team(write(tmp_path, "team.toml", tomli_w.dumps(TEAM))),
        load_team(write(tmp_path, "team.json", json.dumps(TEAM))),
    ]
    windows = [coverage_windows(team) for team in teams]
    assert windows[0] == windows[1] == windows[2]
    assert len(windows[0]) == 5  # Thursdays but the 24th, and the CRM update
    assert teams[0].time_off == teams[1].time_off == teams[2].time_off


def test_toml_native_dates_and_times_are_read_like_text(tmp_path: Path) -> None:
    text = """
team = "t"
timezone = "America/New_York"
[[events]]
title = "Deploy"
start = 2026-12-03T20:00:00
end = 2026-12-03T22:00:00-05:00
[[pto]]
person = "apark"
start = 2026-12-21
[[people]]
id = "apark"
"""
    team = load_team(write(tmp_path, "team.toml", text))
    (window,) = coverage_windows(team)
    assert window.start == datetime(2026, 12, 4, 0, tzinfo=UTC)
    assert team.time_off[0].end - team.time_off[0].start == timedelta(hours=24)


def test_pto_dates_are_whole_days_in_the_persons_zone_end_included() -> None:
    team = parse_team(as_yaml(TEAM))
    ada, ben_dentist, ben_day = team.time_off
    assert ada.start == datetime(2026, 12, 21, 5, tzinfo=UTC)  # midnight in New York
    assert ada.end == datetime(2026, 12, 25, 5, tzinfo=UTC)  # 2026-12-24 included
    assert ben_dentist.start == datetime(2026, 12, 5, 19, tzinfo=UTC)  # 13:00 in Chicago
    assert ben_day.start == datetime(2026, 12, 26, 6, tzinfo=UTC)
    assert ben_day.end - ben_day.start == timedelta(hours=24)
    assert ben_dentist.note == "dentist"


def test_defaults() -> None:
    team = parse_team("team: t\ntimezone: UTC\n")
    assert team.policy.lead == team.policy.lag == timedelta(hours=1)
    assert (team.policy.min_staff, team.policy.ideal_staff) == (1, 2)
    assert team.people == ()
    assert team.events == ()
    person = parse_team("team: t\ntimezone: Europe/Berlin\npeople: [{id: ada}]\n").people[0]
    assert (person.name, person.timezone) == ("ada", "Europe/Berlin")


def test_yaml_1_1_traps_stay_text() -> None:
    # Unquoted 17:00 is 1020 to a YAML 1.1 loader, `no` is false, and the timestamp naive.
    text = """
team: no
timezone: America/New_York
people:
  - id: "on"
    name: 17:00
events:
  - title: yes
    start: 2026-12-03T20:00:00
    duration: 1h
"""
    team = parse_team(text)
    assert team.name == "no"
    assert team.people[0].name == "17:00"
    assert team.events[0].title == "yes"
    assert team.events[0].start == datetime(2026, 12, 4, 1, tzinfo=UTC)


def error_of(text: str, name: str = "team.yaml") -> str:
    with pytest.raises(InputError) as caught:
        parse_team(text, name=name)
    return str(caught.value)


BASE = "team: t\ntimezone: America/New_York\npeople:\n  - id: apark\n"


ERROR_CASES = [
    (
        "team: t\ntimezone: America/NewYork\n",
        "team.yaml:2: timezone: unknown time zone 'America/NewYork' (did you mean 'America/New_York'?)",
    ),
    (
        BASE + "policy:\n  leed: 2h\n",
        "team.yaml:6: policy: unknown key 'leed' (did you mean 'lead'?)",
    ),
    (BASE + "polcy: {}\n", "team.yaml:5: unknown key 'polcy' (did you mean 'policy'?)"),
    (
        BASE + "policy:\n  lag: 90\n",
        "team.yaml:6: policy.lag: a duration needs a unit, found 90",
    ),
    (
        BASE + "policy:\n  min_staff: two\n",
        "team.yaml:6: policy.min_staff: expected a whole number, found text 'two'",
    ),
    (
        BASE + "policy:\n  min_staff: 3\n",
        "team.yaml:5: policy.ideal_staff: must be at least min_staff, found 2 (min_staff is 3: raise ideal_staff to 3, or lower min_staff)",
    ),
    (
        BASE + "policy:\n  risk_threshold: severe\n",
        "team.yaml:6: policy.risk_threshold: expected one of 'low', 'moderate', 'high', found 'severe'",
    ),
    (
        BASE + "pto:\n  - person: apakr\n    start: 2026-12-01\n",
        "team.yaml:6: pto[0].person: unknown person 'apakr' (did you mean 'apark'?)",
    ),
    (
        BASE + "pto:\n  - person: apark\n    start: 2026-12-05\n    end: 2026-12-01\n",
        "team.yaml:8: pto[0].end: time off ends before it starts, found '2026-12-01'",
    ),
    (
        BASE + "pto:\n  - person: apark\n    start: 2026-12-05T10:00\n",
        "team.yaml:6: pto[0].end: time off that starts at a time needs an end",
    ),
    (
        BASE + "events:\n  - title: x\n    start: 2026-12-03T20:00\n",
        "team.yaml:6: events[0]: give exactly one of 'end' and 'duration'",
    ),
    (
        BASE + "events:\n  - title: x\n    start: 2026-12-03T20:00\n    end: 2026-12-03T19:00\n",
        "team.yaml:8: events[0].end: the event ends before it starts, found '2026-12-03T19:00' (the start is 2026-12-03T20:00: give a later end, or a duration)",
    ),
    (
        BASE + "events:\n  - title: x\n    start: 2026-12-03\n    duration: 1h\n",
        "team.yaml:7: events[0].start: expected a date and time, found '2026-12-03'",
    ),
    (
        BASE + "events:\n  - title: x\n    start: 2026-11-01T01:30\n    duration: 1h\n",
        "team.yaml:7: events[0].start: local time 2026-11-01T01:30 happens twice in America/New_York",
    ),
    (
        BASE + "events:\n  - title: x\n    start: 2026-03-08T02:15\n    duration: 1h\n",
        "team.yaml:7: events[0].start: local time 2026-03-08T02:15 does not exist in America/New_York",
    ),
    (
        BASE
        + "events:\n  - title: x\n    start: 2026-12-03T20:00\n    duration: 1h\n    rrule: FREQ=FORTNIGHTLY\n",
        "team.yaml:9: events[0].rrule: invalid recurrence rule",
    ),
    (
        BASE
        + "events:\n  - title: x\n    kind: deploy\n    start: 2026-12-03T20:00\n    duration: 1h\n",
        "team.yaml:7: events[0].kind: expected one of 'api-deployment', 'crm-update', 'oob-deployment', 'other', found 'deploy'",
    ),
    (BASE + "  - id: apark\n", "team.yaml:5: people[1].id: duplicate person id 'apark'"),
    (BASE + "history:\n  bob: 1h\n", "team.yaml:6: history.bob: unknown person 'bob'"),
    (
        BASE + 'events:\n  - title: "Deploy\\nOK: all good"\n    start: 2026-12-03T20:00\n',
        "team.yaml:6: events[0].title: expected one line of text (at most 500 characters), found 'Deploy\\nOK: all good'",
    ),
    (
        BASE + "history:\n  Bob: 1h\n",
        "team.yaml:6: history.Bob: expected an id of lowercase letters, digits, '.', '_' and '-', found 'Bob'",
    ),
    (
        BASE + "sources:\n  events: [7]\n",
        "team.yaml:6: sources.events[0]: expected a file name or a mapping with 'file', found 7",
    ),
    (
        BASE + "sources:\n  events: [{file: a.ics, risk: huge}]\n",
        "team.yaml:6: sources.events[0].risk: expected one of 'low', 'moderate', 'high', found 'huge'",
    ),
    (
        BASE + "sources:\n  events: [releases.ics]\n",
        "team.yaml:6: sources.events[0]: releases.ics: no such file",
    ),
    (
        BASE + "horizon:\n  start: 2026-12-05\n  end: 2026-12-01\n",
        "team.yaml:7: horizon.end: the horizon ends before it starts",
    ),
    ("team: t\n", "team.yaml:1: missing required key 'timezone'"),
    ("- a\n- b\n", "team.yaml:1: expected a mapping at the top of the file, found a list"),
    ("team: t\nteam: u\n", "team.yaml:2: duplicate key 'team' (each key may appear once)"),
    ("team: [\n", "team.yaml:2: invalid YAML"),
    (
        "team: !!python/object/apply:os.system ['true']\ntimezone: UTC\n",
        "team.yaml:1: team: YAML tags are not allowed '!!python/object/apply:os.system'",
    ),
]
"""Team files with one mistake each, and the start of the message they must give."""


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_errors_name_file_line_field_and_value(text: str, expected: str) -> None:
    assert error_of(text).startswith(expected)


def test_every_problem_of_a_file_is_listed() -> None:
    message = error_of(BASE + "policy:\n  leed: 2h\n  lag: 5\n")
    assert message.splitlines() == [
        "team.yaml:6: policy: unknown key 'leed' (did you mean 'lead'?)",
        "team.yaml:7: policy.lag: a duration needs a unit, found 5 (write 5m for minutes or 5h for hours)",
    ]


def test_toml_and_json_errors_have_lines() -> None:
    toml = 'team = "t"\ntimezone = "UTC"\n\n[policy]\nlead = "soon"\n'
    assert error_of(toml, "team.toml").startswith(
        "team.toml:5: policy.lead: invalid duration 'soon'"
    )
    toml_events = 'team = "t"\ntimezone = "UTC"\n[[events]]\ntitle = "a"\nstart = "x"\nduration = "1h"\n[[events]]\ntitle = "b"\nstart = 5\nduration = "1h"\n'
    assert error_of(toml_events, "team.toml").startswith(
        "team.toml:5: events[0].start: invalid date"
    )
    assert "team.toml:9: events[1].start" in error_of(toml_events, "team.toml")
    assert error_of('team = "t"\ntimezone = \n', "team.toml").startswith(
        "team.toml:2: invalid TOML"
    )
    json_text = (
        '{\n  "team": "t",\n  "timezone": "UTC",\n  "people": [\n    {"id": "Bad Id"}\n  ]\n}\n'
    )
    assert error_of(json_text, "team.json").startswith("team.json:5: people[0].id: expected an id")
    assert error_of('{\n "team": "t",\n}', "team.json").startswith("team.json:3: invalid JSON")
    assert error_of('{"team": "t", "team": "u"}', "team.json").startswith(
        "team.json: duplicate key 'team'"
    )


def test_billion_laughs_is_refused_fast() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    assert "too large" in error_of("\n".join(lines) + "\n")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_team(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match=r"unknown file type '\.txt'"):
        load_team(write(tmp_path, "team.txt", "team: t"))
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        load_team(tmp_path / "dir.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"team: t\ntimezone: UTC\nemail: caf\xe9@example.org\n")
    with pytest.raises(InputError, match=r"latin\.yaml:3: the file is not UTF-8"):
        load_team(latin)


def test_a_byte_order_mark_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_bytes(b"\xef\xbb\xbfteam: t\r\ntimezone: UTC\r\n")
    assert load_team(path).name == "t"


def test_a_team_without_holidays_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each person's holidays asked for the line of `people[i].holidays`, a deep path,
    # even when none were written: the whole file was parsed a second time to find it
    # (1.5 s of `oncall validate` at 100,000 events).
    import oncall.formats  # noqa: PLC0415

    parses = []
    real = oncall.formats._yaml_data

    def counted(text: str, *, deep: bool) -> object:
        parses.append(deep)
        return real(text, deep=deep)

    monkeypatch.setattr(oncall.formats, "_yaml_data", counted)
    text = "team: t\ntimezone: UTC\npeople:\n  - {id: ada}\n  - {id: ben}\n"
    team = parse_team(
        text + "events:\n  - {title: Deploy, start: 2027-01-04T15:00Z, duration: 1h}\n"
    )
    assert [p.id for p in team.people] == ["ada", "ben"]
    assert parses == [False]
    # Written holidays still know their line (the file is read again for it, once).
    team = parse_team(text + "  - {id: cy, holidays: US}\n")
    assert team.people[2].holidays is not None
    assert team.people[2].holidays.origin.line == 6
    assert parses == [False, False, True]


@pytest.mark.parametrize("text", ['team: "\ud800"\n', "team: t\n\ud800x: 1\nbad: [\n"])
def test_text_given_with_half_a_surrogate_pair_is_an_input_error(text: str) -> None:
    # A str from the Python API can hold what no file decodes to; libyaml's reader then
    # raised UnicodeEncodeError instead of naming the line.
    line = 1 if text.startswith('team: "') else 2
    with pytest.raises(InputError, match="surrogate pair") as caught:
        parse_team(text)
    assert caught.value.line == line
