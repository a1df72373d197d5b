"""PagerDuty export: overrides and the escalation policy, checked against the official schemas."""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema.exceptions import best_match

from oncall import (
    InputError,
    Person,
    Policy,
    Rotation,
    Shift,
    Team,
    load_rotation,
    load_team,
    parse_team,
)
from oncall.cli import main
from oncall.export.pagerduty import (
    MAX_OVERRIDES,
    escalation_policy,
    to_pagerduty,
    to_pagerduty_json,
)
from oncall.render import dumps_utf8

from .conftest import EXAMPLES, ROOT, Golden

SCHEMAS = ROOT.parent / "shared" / "pagerduty"
TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"


def validator(name: str) -> jsonschema.Draft202012Validator:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"the official PagerDuty schemas are not beside the project ({path})")
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(document: dict[str, Any], schema: str) -> None:
    check = validator(schema)
    assert document["requests"], "no request to check"
    for request in document["requests"]:
        error = best_match(check.iter_errors(request["body"]))
        assert error is None, f"{list(error.absolute_path)}: {error.message}"


def test_the_examples_overrides(golden: Golden) -> None:
    team = load_team(TEAM)
    overrides = to_pagerduty(team, load_rotation(ROTATION, team), ["PPRIMRY", "PSECOND"])
    assert overrides.notes == ()
    golden("travel-pay.pagerduty.json", json.dumps(overrides.document, indent=2) + "\n")
    assert_valid(overrides.document, "overrides-request.schema.json")
    paths = [r["path"] for r in overrides.document["requests"]]
    assert paths == ["/schedules/PPRIMRY/overrides", "/schedules/PSECOND/overrides"]


def test_the_examples_escalation_policy(golden: Golden) -> None:
    document = escalation_policy(load_team(TEAM))
    golden("travel-pay.escalation.json", json.dumps(document, indent=2) + "\n")
    assert_valid(document, "escalation-policy-request.schema.json")
    policy = document["requests"][0]["body"]["escalation_policy"]
    assert "escalation_rule_assignment_strategy" not in json.dumps(policy)
    assert [r["escalation_delay_in_minutes"] for r in policy["escalation_rules"]] == [15, 15, 30]


PEOPLE = tuple(Person(f"p{i}", name=f"Person {i}", pagerduty_id=f"PUSER0{i}") for i in range(4))
BASE = datetime(2026, 11, 1, 3, tzinfo=UTC)  # the night clocks turn back in New York


@st.composite
def pagerduty_cases(draw: st.DrawFn) -> tuple[Team, Rotation]:
    team = Team(name="t", timezone="America/New_York", people=PEOPLE, policy=Policy(ideal_staff=3))
    shifts = []
    cursor = BASE
    for _ in range(draw(st.integers(0, 12))):
        cursor += timedelta(minutes=30 * draw(st.integers(0, 4)))  # back to back, or a gap
        end = cursor + timedelta(minutes=30 * draw(st.integers(1, 6)))
        people = tuple(
            draw(st.lists(st.sampled_from([p.id for p in PEOPLE]), max_size=3, unique=True))
        )
        shifts.append(Shift(cursor, end, people))
        cursor = end
    return team, Rotation(tuple(shifts))


@given(pagerduty_cases(), st.integers(1, 3))
def test_overrides_reproduce_who_is_on_each_schedule_at_every_instant(
    case: tuple[Team, Rotation], count: int
) -> None:
    team, rotation = case
    schedules = ["PPRIMRY", "PSECOND", "PTHIRDS"][:count]
    document = to_pagerduty(team, rotation, schedules).document
    users = {p.pagerduty_id: p.id for p in team.people}
    for position, schedule in enumerate(schedules):
        overrides = [
            o
            for r in document["requests"]
            if r["path"] == f"/schedules/{schedule}/overrides"
            for o in r["body"]["overrides"]
        ]
        for earlier, later in itertools.pairwise(overrides):
            assert not (earlier["end"] == later["start"] and earlier["user"] == later["user"]), (
                "not joined"
            )
        moments = sorted({s.start for s in rotation.shifts} | {s.end for s in rotation.shifts})
        for moment in moments:
            expected = {
                s.people[position]
                for s in rotation.shifts
                if s.start <= moment < s.end and len(s.people) > position
            }
            found = {
                users[o["user"]["id"]]
                for o in overrides
                if datetime.fromisoformat(o["start"]) <= moment < datetime.fromisoformat(o["end"])
            }
            assert found == expected


@given(
    pagerduty_cases(),
    st.integers(1, 3),
    st.lists(st.text(), min_size=len(PEOPLE), max_size=len(PEOPLE)),
    st.sampled_from(["America/New_York", "UTC", "Asia/Kolkata", "Pacific/Chatham"]),
    st.integers(1, 30),
)
def test_the_written_document_is_the_documents_json(
    case: tuple[Team, Rotation], count: int, ids: list[str], timezone: str, repeat: int
) -> None:
    """`to_pagerduty_json` writes `to_pagerduty`'s document as `render.dumps_utf8` does.

    User ids are any text (the library takes what it is given: quotes, backslashes, control
    characters, any script); the rotation is repeated week after week ``repeat`` times, so
    that a schedule's overrides take several requests.
    """
    team, rotation = case
    people = tuple(replace(p, pagerduty_id=i) for p, i in zip(PEOPLE, ids, strict=True))
    team = replace(team, timezone=timezone, people=people)
    week = timedelta(weeks=1)  # longer than the drawn rotation
    shifts = [
        replace(s, start=s.start + n * week, end=s.end + n * week)
        for n in range(repeat)
        for s in rotation.shifts
    ]
    rotation = Rotation(tuple(shifts))
    schedules = ["PPRIMRY", "PSECOND", "PTHIRDS"][:count]
    data, notes = to_pagerduty_json(team, rotation, schedules)
    expected = to_pagerduty(team, rotation, schedules)
    assert data == dumps_utf8(expected.document)
    assert notes == expected.notes
    assert json.loads(data) == expected.document


def test_an_empty_rotation_is_a_document_without_requests() -> None:
    team = Team(name="t", timezone="UTC", people=PEOPLE)
    data, notes = to_pagerduty_json(team, Rotation(()), ["PPRIMRY"])
    assert data == b'{\n  "requests": []\n}\n'
    assert notes == ()


def test_long_rotations_are_split_into_requests_of_at_most_100() -> None:
    team = Team(name="t", timezone="UTC", people=PEOPLE)
    shifts = tuple(
        Shift(BASE + timedelta(hours=2 * i), BASE + timedelta(hours=2 * i + 1), ("p0",))
        for i in range(250)
    )
    document = to_pagerduty(team, Rotation(shifts), ["PPRIMRY"]).document
    assert [len(r["body"]["overrides"]) for r in document["requests"]] == [
        MAX_OVERRIDES,
        MAX_OVERRIDES,
        50,
    ]
    assert_valid(document, "overrides-request.schema.json")


def test_back_to_back_shifts_of_one_user_are_joined_and_gaps_noted() -> None:
    team = Team(name="t", timezone="UTC", people=PEOPLE)
    hour = timedelta(hours=1)
    rotation = Rotation(
        (
            Shift(BASE, BASE + hour, ("p0", "p1")),
            Shift(BASE + hour, BASE + 2 * hour, ("p0",)),
            Shift(BASE + 2 * hour, BASE + 3 * hour, ("p0", "p1", "p2")),
        )
    )
    result = to_pagerduty(team, rotation, ["PPRIMRY", "PSECOND"])
    primary, secondary = (r["body"]["overrides"] for r in result.document["requests"])
    assert [(o["start"], o["end"]) for o in primary] == [
        ("2026-11-01T03:00:00+00:00", "2026-11-01T06:00:00+00:00")
    ]
    assert len(secondary) == 2
    assert result.notes[0].startswith(
        "1 shift(s) have no person 2, so schedule PSECOND keeps its normal rotation"
    )
    assert (
        result.notes[1]
        == "1 shift(s) have more people than schedules (2); the people beyond the last schedule are left out"
    )


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        (["pprimry"], "--schedule: malformed PagerDuty schedule id 'pprimry'"),
        (["PPRIMRY", "PPRIMRY"], "--schedule: the same schedule is given twice"),
        (["PONE1", "PTWO2", "PTHREE3"], "--schedule: more schedules than ideal_staff (2)"),
    ],
)
def test_bad_schedules(schedules: list[str], message: str) -> None:
    team = load_team(TEAM)
    with pytest.raises(InputError) as caught:
        to_pagerduty(team, load_rotation(ROTATION, team), schedules)
    assert str(caught.value).startswith(message)


def test_a_person_without_a_pagerduty_id_is_named() -> None:
    team = load_team(TEAM)
    people = tuple(replace(p, pagerduty_id=None) if p.id == "bortiz" else p for p in team.people)
    message = (
        f"{ROTATION}:23: shifts[5].people[0]: Ben Ortiz (id 'bortiz') is on call here but has "
        "no pagerduty_id (add their PagerDuty user id as people[1].pagerduty_id in the team file)"
    )
    with pytest.raises(InputError) as caught:
        to_pagerduty(
            replace(team, people=people), load_rotation(ROTATION, team), ["PPRIMRY", "PSECOND"]
        )
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "  steps: [{notify: [nobody], escalate_after: 5m}]\n",
            "escalation.steps[0].notify[0]: unknown person 'nobody'",
        ),
        (
            "  steps: [{notify: [schedule:bad], escalate_after: 5m}]\n",
            "escalation.steps[0].notify[0]: malformed PagerDuty schedule id, found 'bad'",
        ),
        (
            "  steps: [{notify: [ada], escalate_after: 30s}]\n",
            "escalation.steps[0].escalate_after: must be whole minutes, at least 1m, found '30s'",
        ),
        ("  steps: []\n", "escalation.steps: list should have at least 1 item"),
    ],
)
def test_escalation_section_errors(section: str, message: str) -> None:
    text = "team: t\ntimezone: UTC\npeople: [{id: ada}]\nescalation:\n  name: Incidents\n" + section
    with pytest.raises(InputError) as caught:
        parse_team(text)
    assert message in str(caught.value)


def test_escalation_needs_ids_and_a_section() -> None:
    team = parse_team(
        "team: t\ntimezone: UTC\npeople: [{id: ada, name: Ada}]\nescalation:\n  name: I\n  steps: [{notify: [ada], escalate_after: 5m}]\n"
    )
    with pytest.raises(InputError, match="Ada is in the escalation but has no pagerduty_id 'ada'"):
        escalation_policy(team)
    with pytest.raises(InputError, match="no escalation section"):
        escalation_policy(replace(team, escalation=None))


# The command ---------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_the_commands(tmp_path: Path, golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pd.json"
    code, _ = run(
        "export",
        "pagerduty",
        str(TEAM),
        str(ROTATION),
        "--schedule",
        "PPRIMRY",
        "--schedule",
        "PSECOND",
        "-o",
        str(target),
    )
    assert code == 0
    golden("travel-pay.pagerduty.json", target.read_bytes())
    code, out = run("export", "pagerduty", str(TEAM), "--schedule", "PPRIMRY", "-o", "-")
    assert code == 0
    assert_valid(json.loads(out), "overrides-request.schema.json")
    assert "the people beyond the last schedule are left out" in capsys.readouterr().err
    code, out = run("export", "pagerduty-escalation", str(TEAM), "-o", "-")
    assert code == 0
    golden("travel-pay.escalation.json", out)


def test_command_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("export", "pagerduty", str(TEAM), "--schedule", "bad id", "-o", "-")[0] == 2
    assert "malformed PagerDuty schedule id 'bad id'" in capsys.readouterr().err
    bare = tmp_path / "team.yaml"
    bare.write_text("team: t\ntimezone: UTC\n", encoding="utf-8")
    assert run("export", "pagerduty-escalation", str(bare), "-o", "-")[0] == 2
    assert f"{bare}: escalation: the team file has no escalation section" in capsys.readouterr().err
