"""``oncall schema`` and the loader accept exactly the same values.

Both are built from `oncall.grammar`'s patterns; the values here are drawn from those
grammars and just outside them (case, spaces, units in any order, ISO forms, limits).
The schema cannot know the rest (which people exist, zones, recurrence rules, whether an
end comes after its start): the documents keep those valid.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from functools import partial
from typing import Any

import jsonschema
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, ValidationError

from oncall import InputError, parse_rotation, parse_team
from oncall.grammar import SHIFT_YEARS
from oncall.models import Team
from oncall.schema import (
    EVENT_TIME,
    ID,
    SHIFT_TIME,
    TEXT,
    WHEN,
    RotationFile,
    TeamFile,
    _slug,
    _text,
    json_schema,
)
from oncall.timeutil import parse_date_or_datetime

from .strategies import (
    duration_texts,
    email_texts,
    id_texts,
    line_texts,
    pagerduty_texts,
    plain_when_texts,
    when_texts,
)

TEAM = jsonschema.Draft202012Validator(json_schema(TeamFile))
ROTATION = jsonschema.Draft202012Validator(json_schema(RotationFile))


def base() -> dict[str, Any]:
    return {
        "team": "t",
        "timezone": "UTC",
        "people": [{"id": "ada", "name": "Ada"}],
        "events": [{"title": "Deploy", "start": "2026-12-03T20:00", "duration": "1h"}],
    }


def place(document: dict[str, Any], field: str, value: object) -> dict[str, Any]:
    """``document`` with ``value`` at the field a kind of value is tried in."""
    person, event = document["people"][0], document["events"][0]
    steps = [{"notify": [value], "escalate_after": "5m"}]
    where: dict[str, tuple[dict[str, Any], str, object]] = {
        "lead": (document, "policy", {"lead": value}),
        "history": (document, "history", {"ada": value}),
        "event duration": (event, "duration", value),
        "title": (event, "title", value),
        "name": (person, "name", value),
        "event start": (event, "start", value),
        "exdate": (event, "exdates", [value]),
        "horizon": (document, "horizon", {"start": value}),
        "pto": (document, "pto", [{"person": "ada", "start": value, "end": "2999-12-31"}]),
        "id": (event, "id", value),
        "email": (person, "email", value),
        "pagerduty": (person, "pagerduty_id", value),
        "notify": (document, "escalation", {"name": "e", "steps": steps}),
    }
    mapping, key, placed = where[field]
    mapping[key] = placed
    return document


KINDS = {
    "lead": duration_texts(),
    "history": duration_texts(),
    "event duration": duration_texts(),
    "title": line_texts,
    "name": line_texts,
    "event start": when_texts(),
    "exdate": when_texts(),
    "horizon": when_texts(),
    "pto": when_texts(),
    "id": id_texts,
    "email": email_texts,
    "pagerduty": pagerduty_texts,
    # A person id must name someone in the team: the schema cannot know who.
    "notify": st.sampled_from(["ada", "Ada", " ada", "schedule:"])
    | pagerduty_texts.map(lambda p: f"schedule:{p}"),
}


def loads(document: dict[str, Any]) -> Team | None:
    try:
        return parse_team(json.dumps(document), name="team.json")
    except InputError:
        return None


def semantic_problem(field: str, team: Team | None, document: dict[str, Any]) -> bool:
    """Refusals the schema cannot express: a duration of zero where one is needed."""
    if team is not None:
        return False
    try:
        parse_team(json.dumps(document), name="team.json")
    except InputError as exc:
        return field == "event duration" and "longer than zero" in exc.problem
    return False  # pragma: no cover - it was refused a moment ago


@pytest.mark.parametrize("field", sorted(KINDS))
@given(data=st.data())
def test_the_schema_and_the_loader_accept_the_same_values(field: str, data: st.DataObject) -> None:
    value = data.draw(KINDS[field], label=field)
    document = place(base(), field, value)
    team = loads(document)
    if semantic_problem(field, team, document):
        return
    assert TEAM.is_valid(document) == (team is not None), (field, value)


@given(value=when_texts())
@example(value="2026-12-03")  # a date is not a shift's time
@example(value="3100-01-01T00:00")  # shifts reach further than events
@example(value="3199-12-31T23:59")  # the last year of shifts
def test_the_schema_and_the_loader_accept_the_same_shift_times(value: str) -> None:
    team = parse_team(json.dumps(base()), name="team.json")
    # The end is the last instant a shift may be written to reach, so that every start
    # the schema takes comes before it (but that very instant, which only the loader can
    # refuse: no schema compares two fields).
    end = "3199-12-31T23:59:59-23:59"
    document = {"shifts": [{"start": value, "end": end, "people": ["ada"]}]}
    try:
        parse_rotation(json.dumps(document), team, name="rotation.json")
        accepted = True
    except InputError as exc:
        if "ends before it starts" in exc.problem:
            return
        accepted = False
    assert ROTATION.is_valid(document) == accepted, value


READ_IN_RUST: dict[str, tuple[SchemaValidator, Callable[[Any], object], st.SearchStrategy[Any]]]
READ_IN_RUST = {
    "id": (SchemaValidator(ID.core), _slug, id_texts),
    "text": (SchemaValidator(TEXT.core), _text, line_texts),
    "event time": (
        SchemaValidator(EVENT_TIME.core),
        partial(parse_date_or_datetime, dates=False),
        when_texts() | plain_when_texts(),
    ),
    "shift time": (
        SchemaValidator(SHIFT_TIME.core),
        partial(parse_date_or_datetime, years=SHIFT_YEARS, dates=False),
        when_texts() | plain_when_texts(),
    ),
    "date or time": (
        SchemaValidator(WHEN.core),
        parse_date_or_datetime,
        when_texts() | plain_when_texts(),
    ),
}
"""Kinds whose common values pydantic-core reads itself (`oncall.schema._fast`), each with
its check in Python and the values to try."""


def read_alike(kind: str, value: object) -> None:
    """``value`` is read as the kind's check reads it, or refused where the check refuses it."""
    validator, check, _ = READ_IN_RUST[kind]
    try:
        expected = check(value)
    except InputError:
        with pytest.raises(ValidationError):
            validator.validate_python(value)
        return
    found = validator.validate_python(value)
    assert (type(found), repr(found)) == (type(expected), repr(expected)), value


@pytest.mark.parametrize("kind", sorted(READ_IN_RUST))
@given(data=st.data())
def test_what_pydantic_core_reads_itself_reads_as_the_check(kind: str, data: st.DataObject) -> None:
    read_alike(kind, data.draw(READ_IN_RUST[kind][2], label=kind))


@pytest.mark.parametrize("kind", sorted(READ_IN_RUST))
def test_the_samples_read_as_the_checks_read_them(kind: str) -> None:
    for value in SAMPLES:
        read_alike(kind, value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lead", "1H"),
        ("lead", 0),
        ("lead", " 2h "),
        ("event start", "2026-12-03t20:00"),
        ("horizon", "2026-12-03T20:00"),
        ("lead", "1m1h"),
        ("lead", "P1Y"),
        ("title", "x" * 600),
    ],
)
def test_the_values_that_once_disagreed(field: str, value: object) -> None:
    document = place(base(), field, value)
    assert TEAM.is_valid(document) == (loads(document) is not None)


SAMPLES = [
    "1h",
    " 2h ",
    "1H",
    "1h 30m",
    "1h\t30m",
    "1h\n",
    "1m1h",
    "P1Y",
    "PT1H30M",
    "p1w2d",
    "P1DT",
    "PT",
    "0",
    "0.0",
    "-0",
    "90",
    "9999d",
    "10000d",
    "99999999s",
    "\u0663h",
    "2026-12-03",
    "2026-12-03T20:00",
    "2026-12-03t20:00",
    "2026-12-03 20:00:00.123456",
    "2026-12-03T20:00-0500",
    "2026-12-03T20:00-05:00:00",
    "2026-02-29",
    "2024-02-29",
    "2000-02-29",
    "2100-02-29",
    "1899-12-31",
    "3000-01-01",
    "2026-12-03T24:00",
    "2024-02-29T20:00",
    "2026-02-29T20:00",
    "2026-12-03T20:00:00+00:00",
    "2026-12-03T20:00:59Z",
    "1799-12-31T23:59Z",
    "1800-01-01T00:00",
    "3199-12-31T23:59:59-23:59",
    "3200-01-01T00:00",
    "\u0662026-12-03",
    "apark",
    "APark",
    "a" * 64,
    "a" * 65,
    "PABC123",
    "P",
    "schedule:PABC123",
    "ada@example.org",
    " ada@example.org ",
    "a\u00a0b@example.org",
    'a"b@example.org',
    "Release",
    " Release ",
    "x" * 500,
    "x" * 501,
    " ",
    "a\nb",
    "a\u202eb",
    "\u3000ok\u3000",
]


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_schema_patterns_mean_the_same_to_editors() -> None:
    """Editors run the patterns as ECMA-262 regular expressions (with the ``u`` flag)."""
    patterns = sorted(
        {
            value
            for schema in (json_schema(TeamFile), json_schema(RotationFile))
            for value in _patterns(schema)
        }
    )
    script = (
        "const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(patterns.map(p => samples.map(s => new RegExp(p, 'u').test(s)))));"
    )
    result = subprocess.run(
        [str(NODE), "-e", script],
        input=json.dumps([patterns, SAMPLES]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    in_ecma = json.loads(result.stdout)
    in_python = [[re.search(p, s) is not None for s in SAMPLES] for p in patterns]
    assert in_ecma == in_python


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []
