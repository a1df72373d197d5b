"""`oncall.schema.read` (plain Python) reads files exactly as the pydantic-core validator.

Files are read by `read`, which is fast; only a file it refuses goes to pydantic-core,
which words every problem. So the two must agree on every document: the same sections
with the same values, or both refusing it. The documents are drawn from the schema's own
fields, each value valid, just outside its grammar, or of another type altogether; keys
are left out, and unknown ones added.
"""

from __future__ import annotations

import dataclasses
from copy import deepcopy
from dataclasses import MISSING
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import ValidationError

from oncall import InputError, parse_rotation, parse_team
from oncall.formats import Document
from oncall.load import validate
from oncall.models import EventKind, Risk, Team
from oncall.schema import Kind, NotRead, RotationFile, TeamFile, read, validator

from .strategies import (
    ZONES,
    duration_texts,
    id_texts,
    line_texts,
    team_documents,
    when_texts,
)

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(0, 2), max_size=2),
)
"""A value of any type, for any field."""

_VALID: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from(["ada", "bob", "e.1_x-y"]),
    "text": st.sampled_from(["Deploy", " Ada  Park ", "bob", "é\u00a0"]),
    "time": st.sampled_from(
        ["2026-12-03T20:00", " 2026-12-03 20:00:30", "2026-12-03t20:00z", "2026-12-03T20:00-0500"]
    ),
    "duration": st.sampled_from(["1h", "30m", " PT1H30M", "0", 0, "2d"]),
    "timezone": st.sampled_from(ZONES),
    "count": st.integers(0, 9),
}
"""Valid values of the kinds that many fields share."""
_ANY: dict[str, st.SearchStrategy[Any]] = {
    "id": id_texts,
    "text": line_texts,
    "time": when_texts(),
    "duration": duration_texts(),
    "timezone": st.sampled_from([" UTC", "Mars/Base", "utc"]),
    "count": st.integers(-2, 120),
}
"""Values of those kinds, often just outside their grammar."""
_FIELDS: dict[str, str | st.SearchStrategy[Any]] = {
    "id": "id",
    "person": "id",
    "timezone": "timezone",
    "start": "time",
    "end": "time",
    "exdates": "time",
    "min_staff": "count",
    "ideal_staff": st.integers(1, 100),
    "repeat": "count",
    "email": st.sampled_from(["ada@example.org", " ada@example.org "]),
    "pagerduty_id": st.sampled_from(["PABC123", "P1"]),
    "kind": st.sampled_from(list(map(str, EventKind))),
    "risk": st.sampled_from(list(map(str, Risk))),
    "risk_threshold": st.sampled_from(list(map(str, Risk))),
    "working_hours": st.sampled_from(
        ["Mon-Fri 09:00-17:00", [], ["Sun-Thu 22:00-06:00", "sat 10:00-11:00"]]
    ),
    "holidays": st.sampled_from(["US", "gb-eng", "none", "NONE"]),
    "notify": st.lists(st.sampled_from(["ada", "schedule:PABC123"]), min_size=1, max_size=10),
    "match": st.sampled_from(["deploy", "a.*b"]),
    "match_attendee": st.booleans(),
    "match_name": st.booleans(),
    "schema_url": st.text(max_size=5),
}
"""The valid values of each field, by its name; the rest hold text or durations."""
_WRONG = st.sampled_from(
    ["API-deployment", "HIGH", "XX-1234567", "ß", "Mon 9-5", "(", "schedule:x", "A", True]
) | st.sampled_from([-1, 0, 1, 9, 10, 100, 101])
"""Values just outside what some field allows."""
_ONE_OF: dict[str, tuple[str, ...]] = {
    "EventFile": ("end", "duration"),
    "TimeOffSourceFile": ("person", "match_attendee", "match_name"),
}
"""Sections that need exactly one of some keys (so a valid one keeps only one)."""


def _value(spec: dataclasses.Field[Any]) -> st.SearchStrategy[Any]:
    kind: Kind = spec.metadata["kind"]
    if kind.section is not None:
        one = sections(kind.section)
        return st.lists(one, min_size=1, max_size=3) if kind.json.get("type") == "array" else one
    name = _FIELDS.get(spec.name)
    if spec.name == "history":
        return st.dictionaries(_VALID["id"], _VALID["duration"], max_size=2)
    if name is None:
        name = "duration" if "timedelta" in str(spec.type) else "text"
    if not isinstance(name, str):
        return name
    if "list" in str(spec.type):
        return st.lists(_VALID[name], max_size=3)
    return _VALID[name]


@st.composite
def sections(draw: st.DrawFn, section: type) -> dict[str, Any]:
    """A mapping of ``section``'s keys (optional ones sometimes left out), valid values."""
    document: dict[str, Any] = {}
    for spec in dataclasses.fields(section):
        required = spec.default is MISSING and spec.default_factory is MISSING
        if required or draw(st.integers(0, 3)):
            document[spec.metadata["alias"] or spec.name] = draw(_value(spec))
    one_of = _ONE_OF.get(section.__name__, ())
    if one_of:
        kept = draw(st.sampled_from(one_of))
        for name in one_of:
            document.pop(name, None)
        fields = {spec.name: spec for spec in dataclasses.fields(section)}
        document[kept] = True if kept.startswith("match_") else draw(_value(fields[kept]))
    return document


_MISTAKES = JUNK | _WRONG | st.one_of([*_ANY.values(), *_VALID.values()])
"""What a mistake puts in place of a value: anything, or a value of some other kind."""


def _places(value: object) -> list[tuple[Any, Any]]:
    """Every (container, key or index) inside ``value``, depth first."""
    found: list[tuple[Any, Any]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found.append((value, key))
        found += _places(item)
    return found


@st.composite
def documents(draw: st.DrawFn, section: type) -> dict[str, Any]:
    """A valid document (as far as each value goes), or one with a single mistake.

    A mistake replaces a value, removes a key or adds an unknown one: one at a time,
    which is where a reader that lets something through shows.
    """
    document = draw(sections(section))
    if draw(st.booleans()):
        return document
    places = _places(document)
    if not places or draw(st.integers(0, 5)) == 0:
        mappings = [document, *(c for c, _ in places if isinstance(c, dict))]
        draw(st.sampled_from(mappings))[draw(st.sampled_from(["polcy", "Title", 3]))] = 1
        return document
    leaves = [(c, k) for c, k in places if isinstance(c, dict) and isinstance(c[k], int | str)]
    on_a_leaf: bool = draw(st.booleans())
    targets = leaves if leaves and on_a_leaf else places
    container, key = draw(st.sampled_from(targets))
    if isinstance(container, dict) and draw(st.integers(0, 3)) == 0:
        del container[key]
    else:
        container[key] = draw(_MISTAKES)
    return document


def plain(value: object) -> object:
    """Sections (which have no ``==``) as their fields, recursively; values as they are."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, StrEnum):
        return (type(value).__name__, str(value))
    return (type(value).__name__, value)


def outcomes(section: type, document: object) -> tuple[object, object]:
    """What `read` and pydantic-core make of ``document``: sections, or ``"refused"``."""
    try:
        fast: object = plain(read(section, document))
    except ValueError:
        fast = "refused"
    try:
        slow: object = plain(validator(section).validate_python(document))
    except ValidationError:
        slow = "refused"
    return fast, slow


@settings(max_examples=400)
@given(documents(TeamFile) | team_documents())
def test_read_reads_team_files_as_pydantic_core_does(document: dict[Any, Any]) -> None:
    fast, slow = outcomes(TeamFile, document)
    assert fast == slow


@settings(max_examples=300)
@given(documents(RotationFile))
def test_read_reads_rotation_files_as_pydantic_core_does(document: dict[Any, Any]) -> None:
    fast, slow = outcomes(RotationFile, document)
    assert fast == slow


def test_the_documents_drawn_are_both_read_and_refused() -> None:
    """The properties above see both kinds of document (or they would prove little)."""
    seen = set()

    @settings(max_examples=200, database=None)
    @given(documents(TeamFile) | team_documents())
    def draw(document: dict[Any, Any]) -> None:
        seen.add(outcomes(TeamFile, document)[1] == "refused")

    draw()
    assert seen == {True, False}, seen


@pytest.mark.parametrize(
    ("section", "document"),
    [
        (TeamFile, {"team": "t", "timezone": "UTC", "people": 1, "events": [{"start": "1"}]}),
        (TeamFile, {"team": "t", "timezone": "Mars", "polcy": {}, "people": [{"id": "A"}]}),
        (RotationFile, {"shifts": [{"start": "2026-12-03T20:00", "people": "ada", "x": 1}]}),
    ],
)
def test_a_refused_file_is_worded_by_pydantic_core(
    section: type, document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Errors come from pydantic-core alone, every problem at once: as before `read`."""
    with pytest.raises(InputError) as fast:
        validate(Document(document), section)

    def refuse(*_: object) -> object:
        raise NotRead

    monkeypatch.setattr("oncall.load.read", refuse)
    with pytest.raises(InputError) as slow:
        validate(Document(document), section)
    assert str(fast.value) == str(slow.value)
    assert len(fast.value.more) >= 1  # every problem, not just the first


def test_a_team_and_its_rotation_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "team: t\ntimezone: America/New_York\npeople: [{id: ada}, {id: bob}]\n"
        "pto: [{person: ada, start: 2026-12-03}]\n"
        "events: [{id: e1, title: Deploy, start: 2026-12-03T20:00, duration: 1h}]\n"
    )
    rotation = "shifts: [{start: 2026-12-03T19:00, end: 2026-12-03T22:00, people: [bob]}]\n"
    fast = parse_team(text), parse_rotation(rotation, parse_team(text))

    def refuse(*_: object) -> object:
        raise NotRead

    monkeypatch.setattr("oncall.load.read", refuse)
    team: Team = parse_team(text)
    assert fast == (team, parse_rotation(rotation, team))


FULL_TEAM: dict[str, Any] = {
    "$schema": "x",
    "team": "t",
    "email": "t@example.org",
    "timezone": "America/New_York",
    "policy": {
        "lead": "1h",
        "lag": "0",
        "min_staff": 1,
        "ideal_staff": 2,
        "merge_gap": "0m",
        "risk_threshold": "low",
        "min_rest": "8h",
        "max_shift": "12h",
        "working_hours": "Mon-Fri 09:00-17:00",
        "holidays": "US",
    },
    "horizon": {"start": "2026-12-01", "end": "2026-12-31T12:00"},
    "people": [
        {
            "id": "ada",
            "name": "Ada",
            "email": "ada@example.org",
            "timezone": "UTC",
            "pagerduty_id": "PABC123",
            "working_hours": ["Mon 09:00-17:00"],
            "holidays": "none",
        }
    ],
    "pto": [{"person": "ada", "start": "2026-12-03", "end": "2026-12-04", "note": "away"}],
    "events": [
        {
            "id": "e1",
            "uid": "u1",
            "title": "Deploy",
            "kind": "other",
            "risk": "high",
            "start": "2026-12-03T20:00",
            "duration": "1h",
            "timezone": "UTC",
            "rrule": "FREQ=DAILY;COUNT=2",
            "exdates": ["2026-12-04"],
        }
    ],
    "sources": {
        "events": ["a.ics", {"file": "b.ics", "kind": "other", "risk": "low", "match": "x"}],
        "pto": [{"file": "c.ics", "person": "ada"}, {"file": "d.ics", "match_name": True}],
    },
    "history": {"ada": "2h"},
    "escalation": {
        "name": "e",
        "description": "d",
        "repeat": 9,
        "steps": [{"notify": ["ada", "schedule:PABC123"], "escalate_after": "5m"}],
    },
}
FULL_ROTATION: dict[str, Any] = {
    "shifts": [
        {"start": "2026-12-03T19:00", "end": "2026-12-03T22:00Z", "people": ["ada"], "events": []}
    ]
}
TRICKY: tuple[object, ...] = (
    *(-1, 0, 1, 9, 10, 100, 101, 10_001, True, False, None, 1.0, 0.0, "", " ", "x", "1h"),
    *("2026-12-03", "2026-12-03T20:00", [], ["x"], {}, {"file": "x"}),
)
"""Values just outside (or inside) what some field takes: bounds, types, empty ones."""


def _mistakes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """``document`` with one mistake: each value replaced, each key removed or added."""
    found = []
    for container, key in _places(document):
        for value in TRICKY:
            copy = deepcopy(document)
            _at(copy, container, document)[key] = value
            found.append(copy)
        if isinstance(container, dict):
            copy = deepcopy(document)
            del _at(copy, container, document)[key]
            found.append(copy)
            copy = deepcopy(document)
            _at(copy, container, document)["unknown"] = 1
            found.append(copy)
    return found


def _at(copy: Any, container: object, original: Any) -> Any:
    """The part of ``copy`` that ``container`` is in ``original``."""
    if original is container:
        return copy
    items = original.items() if isinstance(original, dict) else enumerate(original)
    for key, item in items:
        if (
            isinstance(item, dict | list)
            and (inside := _at(copy[key], container, item)) is not None
        ):
            return inside
    return None


@pytest.mark.parametrize(
    ("section", "document"), [(TeamFile, FULL_TEAM), (RotationFile, FULL_ROTATION)]
)
def test_read_agrees_on_every_single_mistake(section: type, document: dict[str, Any]) -> None:
    """Every field of every section, each given every tricky value, or left out."""
    assert outcomes(section, document)[1] != "refused"
    for changed in _mistakes(document):
        fast, slow = outcomes(section, changed)
        assert fast == slow, changed
