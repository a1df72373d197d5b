"""The line reader (`oncall.simpleyaml`) reads what libyaml reads, or gives up.

A value read wrongly would be worse than a slow read: every test here compares the line
reader with the libyaml reader (`oncall.formats._libyaml_data`), data (type for type,
key order included) and shallow lines, on generated documents of the part of YAML the
line reader knows, on near-misses of it, and on every YAML file of the repository.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from oncall import formats, simpleyaml
from oncall.errors import InputError
from oncall.formats import parse_document
from oncall.render import _yaml_scalar

from .conftest import ROOT
from .test_compiled import COMPILED
from .test_scaling import BOUND, CPU_BOUND, cpu_growth, growth

# Documents ------------------------------------------------------------------------------

WORDS = [
    # the core schema's null, booleans and numbers in every form, and near-misses of them
    *("~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "FALSE"),
    *("yes", "no", "on", "off", "y", "n", "0", "-0", "+0", "012", "1_000", "0x1F", "0X1F"),
    *("0o17", "0o8", "0b101", "+12", "-12", "1.", ".5", "-.5", "1.5e3", "1E+3", "1e", "e3"),
    *(".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN", "nan", "inf", "-", "--"),
    *("1:20", "17:00", "12:30:00", "2027-01-04", "2027-01-04T13:00:00-05:00", "1h", "30m"),
    *("2001-12-14t21:59:43.10-05:00", "2027-01-04 13:00", "9" * 30, "=", "<<", "..."),
    *("---", "a b", "a  b", "p000", "ada@example.org", "http://x.org/a?b=c#d", "é", "日本"),
]
HOSTILE = "ab -:#,[]{}?&*!|>'\"%@`\\ .~01+eEx\t\r\n\x85\u2028\u2029\ufeff\xa0\u3000é😀"
KEY_WORDS = [
    *("id", "start", "people", "true", "null", "1", "0x1F", "a.b", "a-b", "_", "~", ""),
    *("x y", "k:v", "-k", "?k", "'q'", '"q"', "a#b", "é", "[a]", "k" * 130),
]

# Mostly text that fits (one hostile scalar spoils a whole document), now and then not.
scalar_texts = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.from_regex(r"[a-z][a-z0-9]{0,4}( [a-z0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9]{0,4}( [a-z0-9]{1,3})?", fullmatch=True),
    st.text(alphabet=HOSTILE, max_size=6),
)
keys = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True),
    st.from_regex(r"[a-z_][a-z0-9_]{0,5}", fullmatch=True),
    st.sampled_from(KEY_WORDS),
)


@st.composite
def scalars(draw: st.DrawFn, *, flow: bool = False) -> str:
    """A scalar as written: plain, quoted (maybe wrongly), with spaces or a comment."""
    text = draw(scalar_texts)
    style = draw(st.sampled_from(["plain"] * 4 + ["single", "double", "json", "writer"]))
    if style == "single":
        written = "'" + text.replace("'", draw(st.sampled_from(["''", "'"]))) + "'"
    elif style == "double":
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        written = '"' + draw(st.sampled_from([escaped, text])) + '"'
    elif style == "json":
        written = json.dumps(text, ensure_ascii=draw(st.booleans()))
    elif style == "writer":
        written = _yaml_scalar(text)  # what oncall writes in a rotation
    else:
        written = text
    if not flow and draw(st.integers(0, 9)) == 0:
        written += draw(st.sampled_from([" # note", "  #", " ", "#x", " #: x"]))
    return written


@st.composite
def flows(draw: st.DrawFn) -> str:
    """A one-line flow sequence or mapping, maybe with odd commas and spaces."""
    comma = draw(st.sampled_from([", ", ",", " , ", ",  "]))
    if draw(st.booleans()):
        items = draw(st.lists(scalars(flow=True), max_size=4))
        text = "[" + comma.join(items) + draw(st.sampled_from(["", ",", " "])) + "]"
    else:
        pairs = draw(st.lists(st.tuples(keys, scalars(flow=True)), max_size=3))
        colon = draw(st.sampled_from([": ", ":", ":  "]))
        text = "{" + comma.join(f"{k}{colon}{v}" for k, v in pairs) + "}"
    return text + draw(st.sampled_from(["", "", "", " # c", "#c", " x"]))


def inline(draw: st.DrawFn) -> str:
    return draw(st.one_of(scalars(), scalars(), flows()))


def block(draw: st.DrawFn, column: int, depth: int, *, mapping: bool) -> list[str]:
    """The lines of a block mapping or sequence whose entries are at ``column``."""
    lines: list[str] = []
    pad = " " * column
    if mapping:
        unique = draw(st.integers(0, 9)) > 0  # a duplicate key now and then
        for key in draw(st.lists(keys, min_size=1, max_size=4, unique=unique)):
            colon = draw(st.sampled_from([":", ":", ": ", ":  "]))
            lines += nested(draw, f"{pad}{key}{colon}", column, depth, mapping=True)
        return lines
    for _ in range(draw(st.integers(1, 4))):
        dash = "-" + " " * draw(st.sampled_from([1, 1, 1, 2, 3]))
        if depth < 3 and draw(st.integers(0, 3)) == 0:  # `- key: value` and the rest
            inner = block(draw, column + len(dash), depth + 1, mapping=True)
            lines += [pad + dash + inner[0][column + len(dash) :], *inner[1:]]
        else:
            lines += nested(draw, pad + dash, column, depth, mapping=False)
    return lines


def nested(draw: st.DrawFn, head: str, column: int, depth: int, *, mapping: bool) -> list[str]:
    """``head`` (``key:`` or ``-``) and its value: on its line, on the next lines, or none."""
    choice = draw(st.integers(0, 4 if depth < 3 else 1))
    if choice == 0:
        return [head]
    if choice == 1:
        return [head.rstrip(" ") + draw(st.sampled_from([" ", " ", "  "])) + inline(draw)]
    inner_mapping = draw(st.booleans())
    # A sequence may sit at its key's column; anything else is indented (1 to 4 more).
    steps = [0, 1, 2, 2, 4] if mapping and not inner_mapping else [1, 2, 2, 4]
    head = head.rstrip(" ") + draw(st.sampled_from(["", "", "", " ", " # c"]))
    return [
        head,
        *block(draw, column + draw(st.sampled_from(steps)), depth + 1, mapping=inner_mapping),
    ]


NEAR_MISSES = [
    *("- - x", "-x", "key:value", "key: ", "key:", "\t", "\r\n", "\r", "...", "---", "--- "),
    *("%YAML 1.1", "&a ", "*a", "!!str ", "!x ", "? ", "|", ">", "'", '"', "[", "]", "{"),
    *("}", ",", " #", "#", ": ", "\ufeff", "\x85", "\u2028", "\u2029", "  ", "\n  ", "\n"),
    *("\n- ", "\n  - ", " -", "\\", "\\n", '\\"', "''", "\x00", "\x7f", "\ud800", "~"),
]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A block document of the line reader's YAML, now and then changed into a near-miss."""
    lines = block(draw, 0, 0, mapping=draw(st.integers(0, 9)) > 0)
    for _ in range(draw(st.integers(0, 2))):  # comments and blank lines anywhere
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, " " * draw(st.integers(0, 6)) + draw(st.sampled_from(["", "# c", "#"])))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.sampled_from([0, 0, 1, 2]))
        text = text[:at] + draw(st.sampled_from(NEAR_MISSES)) + text[at + cut :]
    return draw(st.sampled_from(["", "", "", "", "---\n", "%YAML 1.1\n---\n", "\ufeff"])) + text


# Comparing ------------------------------------------------------------------------------


def outcome(read: object, text: str, *, deep: bool = False) -> tuple[str, object]:
    """What a reader makes of ``text``: its data and lines as text (types included), or its
    error's message and line."""
    try:
        data, lines = read(text, deep=deep)  # type: ignore[operator]
    except InputError as exc:
        return "error", (exc.problem, exc.line)
    return repr(data), sorted(lines.items(), key=repr)  # repr: nan, True/1, 1/1.0 differ


def assert_same(text: str, *, max_nodes: int = formats.MAX_NODES, depth: int = 64) -> bool:
    """The line reader gives up on ``text`` or reads what libyaml reads, data and lines
    (shallow and deep); True if it read."""
    read: list[bool] = []
    for deep in (False, True):
        with (
            mock.patch.object(formats, "MAX_NODES", max_nodes),
            mock.patch.object(formats, "MAX_DEPTH", depth),
        ):
            expected = outcome(formats._libyaml_data, text, deep=deep)
            assert outcome(formats._yaml_data, text, deep=deep) == expected
            fast = simpleyaml.read(text, max_nodes=max_nodes, max_depth=depth, deep=deep)
        if fast is not None:
            assert expected[0] != "error", f"read what libyaml refuses: {expected}"
            assert (repr(fast[0]), sorted(fast[1].items(), key=repr)) == expected
        read.append(fast is not None)
    assert read[0] == read[1], "gave up on one reading only"
    return read[0]


@given(documents())
@example("a: 1\nb:\n- x\n- y\nc: {k: v}\n")
@example("- a: 1\n  b:\n  - x\n")
@example("a:\n  -\n  - b\n")
@example('a: b # c\nd: \'e # f\'\ng: "h\\"i"\n')
@example("a: [x, 'y, z', \"w\"]\n")
@example("a: ['', x, \"\"]\nb: {c: '', d: \"\"}\n")  # empty quoted items: no group
def test_the_line_reader_reads_what_libyaml_reads(text: str) -> None:
    assert_same(text)


@given(documents(), st.integers(1, 12), st.integers(1, 6))
def test_the_line_reader_keeps_the_node_and_depth_limits(text: str, nodes: int, depth: int) -> None:
    # Where libyaml's reader refuses a document as too large or too deep, so does this
    # one (it gives up, and libyaml then refuses it with its own error).
    assert_same(text, max_nodes=nodes, depth=depth)


@pytest.mark.parametrize("backslashes", range(1, 5))
@pytest.mark.parametrize("then", ['"', "\\", "n", "0", "d", 't", x', "n b: c"])
@pytest.mark.parametrize("layout", ['k: ["{}"]', 'k: [a, "{}", b]', 'k: {{a: "{}"}}'])
def test_quoted_items_of_flows_with_runs_of_backslashes(
    backslashes: int, then: str, layout: str
) -> None:
    # Found in review: the pattern that checked a flow's items took two backslashes for
    # one escape, and the items were then found again with another pattern, which
    # skipped what it could not match: k: {a: "\\\\\\n b: c"} was read as {b: c}.
    assert_same(layout.format("x" + "\\" * backslashes + then) + "\n")


@pytest.mark.parametrize("text", ["a: [x]\n", "a: {k: v}\n", "a:\n  b: c\n"])
def test_a_depth_limit_below_a_flows_depth_is_left_to_libyaml(text: str) -> None:
    assert_same(text, depth=1)
    assert simpleyaml.read(text, max_nodes=100, max_depth=2) is None


@pytest.mark.parametrize("text", ["k: [a?]\n", "k: {b: c?}\n"])
def test_a_question_mark_in_a_flow_is_left_to_libyaml(text: str) -> None:
    # PyYAML's own reader, where libyaml is missing, takes it for a key's indicator.
    assert simpleyaml.read(text, max_nodes=100, max_depth=64) is None


def test_duplicate_keys_are_refused_as_before() -> None:
    for text in ("a: 1\na: 2\n", "- {a: 1, a: 2}\n", "x:\n  - a: 1\n    a: 2\n"):
        assert simpleyaml.read(text, max_nodes=99, max_depth=9) is None
        with pytest.raises(InputError, match="duplicate key") as error:
            parse_document(text, "yaml")
        assert error.value.line == text.count("\n", 0, text.rindex("a:")) + 1


def test_the_characters_left_to_libyaml_are_all_but_the_plain_ones() -> None:
    # `_OUTSIDE` names what it leaves out, which compiles fast; the plain characters are
    # easier to read as a negated class. Both must take the same of all 1,114,112.
    import re  # noqa: PLC0415

    outside = re.compile(simpleyaml._OUTSIDE)
    plain = re.compile(
        "[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in outside.finditer(text)] == [m.start() for m in plain.finditer(text)]
    # and libyaml's own refusals (PyYAML's reader names them) are among those left to it
    import yaml  # noqa: PLC0415

    refused = yaml.reader.Reader.NON_PRINTABLE.findall(text)
    assert refused
    assert all(outside.fullmatch(c) for c in refused)


# Files ----------------------------------------------------------------------------------

YAML_FILES = sorted(
    p
    for folder in ("examples", "tests")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml")
)
READ_BY_LINES = {"examples/two-zones/team.yaml", "examples/travel-pay/rotation.yaml"}


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository_reads_the_same(path: Path) -> None:
    read = assert_same(path.read_text(encoding="utf-8"))
    if str(path.relative_to(ROOT)) in READ_BY_LINES:
        assert read


@pytest.mark.parametrize("name", ["travel-pay/team.yaml", "two-zones/team.yaml"])
def test_the_example_teams_are_read_by_lines(name: str) -> None:
    # Their time off is written in flow mappings with times (`{start: 2027-01-05T13:00}`):
    # read by lines, so that validating them needs no PyYAML at all (14 ms of a start).
    assert assert_same((ROOT / "examples" / name).read_text(encoding="utf-8"))


def test_the_files_oncall_and_the_benchmarks_write_are_read_by_lines() -> None:
    # A team in the layout of `benchmarks/cli.py` (one field a line) and a rotation in
    # oncall's own: the line reader must read them, or large teams are slow again.
    team = ["team: t", "timezone: America/New_York", "policy:", "  min_rest: 8h", "events:"]
    for n in range(50):
        team += [
            f"  - id: e{n}",
            f"    title: Deploy {n}",
            "    start: 2027-01-04T13:00+00:00",
            "    duration: 30m",
            "    timezone: America/New_York",
        ]
    rotation = ["# oncall rotation for t; times in America/New_York", "shifts:"]
    for n in range(50):
        rotation += [
            "  - start: 2027-01-04T13:00:00-05:00",
            "    end: 2027-01-04T16:00:00-05:00",
            f"    people: [p{n}, {_yaml_scalar('Ada Park')}]",
            f"    events: [e{n}, e{n + 1}]",
        ]
    for lines in (team, rotation):
        assert assert_same("\n".join(lines) + "\n")


def test_the_line_reader_is_linear_in_lines() -> None:
    def work(n: int) -> Callable[[], object]:
        entry = "  - id: e{}\n    people: [a, 'b, c', \"d\"]\n    at: {{k: v}}  # note\n"
        text = "events:\n" + "".join(entry.format(i) for i in range(n)) + "x:\n  y: 1\n"
        return lambda: simpleyaml.read(text, max_nodes=10**6, max_depth=64)

    if COMPILED:  # no Python lines to count: its CPU time, at sizes far enough apart
        assert cpu_growth(work, 1000) < CPU_BOUND
    else:
        assert growth(work, 100) < BOUND


LONG_LINES: dict[str, Callable[[int], str]] = {
    "flow sequence": lambda n: "k: [" + ", ".join(["a b", "'c'', d'", '"e\\"f"'] * n) + "]",
    "flow mapping": lambda n: "k: {" + ", ".join(f"k{i}: 'v'" for i in range(n)) + "}",
    "plain words": lambda n: "k: a" + " b:c" * n + " # c",
    "quoted": lambda n: "k: '" + "a ''" * n + "'",
    "no flow sequence": lambda n: "k: [" + "a, " * n + "b",
    "no flow mapping": lambda n: "k: {" + "a: b, " * n + "c",
    "no quoted": lambda n: 'k: "' + 'a \\" ' * n,
}


@pytest.mark.parametrize("case", LONG_LINES)
def test_the_line_reader_is_linear_in_a_line(case: str) -> None:
    # Its patterns run on one line each: no long line may make them backtrack.
    def work(n: int) -> Callable[[], object]:
        text = LONG_LINES[case](n) + "\n"
        return lambda: simpleyaml.read(text, max_nodes=10**7, max_depth=64)

    assert cpu_growth(work, 2000) < CPU_BOUND
