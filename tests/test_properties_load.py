"""Properties of loading: the three formats agree, and bad input is only ever an InputError."""

from __future__ import annotations

import json

import jsonschema
import tomli_w
import yaml
from hypothesis import given
from hypothesis import strategies as st

from oncall import InputError, coverage_windows, parse_team
from oncall.models import Window
from oncall.schema import TeamFile, json_schema, validator

from .strategies import team_documents


def outcome(text: str, name: str) -> list[Window] | str:
    try:
        return coverage_windows(parse_team(text, name=name))
    except InputError as exc:
        return exc.problem  # the same problem, whatever the format's lines


@given(team_documents())
def test_yaml_toml_and_json_agree(document: dict[str, object]) -> None:
    results = [
        outcome(yaml.safe_dump(document), "team.yaml"),
        outcome(tomli_w.dumps(document), "team.toml"),
        outcome(json.dumps(document), "team.json"),
    ]
    assert results[0] == results[1] == results[2]


TEAM_SCHEMA = json_schema(TeamFile)


@given(team_documents())
def test_what_oncall_accepts_the_json_schema_accepts(document: dict[str, object]) -> None:
    """Editors using ``oncall schema`` never flag a file that oncall reads."""
    validator(TeamFile).validate_python(document)
    jsonschema.validate(document, TEAM_SCHEMA, format_checker=jsonschema.FormatChecker())


@given(team_documents(), st.data())
def test_mutated_team_files_fail_only_with_input_errors(
    document: dict[str, object], data: st.DataObject
) -> None:
    text = yaml.safe_dump(document)
    position = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=8))
    mutated = text[:position] + junk + text[position + data.draw(st.integers(0, 8)) :]
    try:
        parse_team(mutated, name="team.yaml")
    except InputError as exc:
        assert str(exc).startswith("team.yaml")


@given(st.text(max_size=200), st.sampled_from(["team.yaml", "team.toml", "team.json"]))
def test_any_text_is_a_team_or_an_input_error(text: str, name: str) -> None:
    try:
        parse_team(text, name=name)
    except InputError as exc:
        assert str(exc).startswith(name)


@given(
    st.text(alphabet=st.sampled_from("~nNtTfFuUlLrRsSeEaAiIDd0189+-._oxbB :/\\\"'é"), max_size=12)
)
def test_a_plain_scalar_resolves_as_the_yaml_1_2_core_schema_says(text: str) -> None:
    # Only text that can begin a null, boolean or number is tried against the patterns.
    from oncall.simpleyaml import RESOLVED, core_value  # noqa: PLC0415
    from oncall.yamlevents import _untagged  # noqa: PLC0415

    class Plain:
        value = text
        style = None

    expected = core_value(text) if RESOLVED.fullmatch(text) else text
    assert repr(_untagged(Plain())) == repr(expected)  # repr: NaN is not equal to itself
