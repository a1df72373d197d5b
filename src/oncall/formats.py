"""YAML, TOML and JSON text -> plain data, and the line of each field.

All three formats come out as the same plain data (dicts, lists, strings, numbers,
booleans, ``None``) so that one schema validates them. Dates and times stay text: the
schema reads them knowing the zone they belong to.

YAML is read as YAML 1.2's core schema with a resolver of our own: ``17:00``, ``no`` and
``2026-12-03T20:00`` stay text (a YAML 1.1 loader makes them 1020, ``False`` and a naive
timestamp), duplicate keys are errors, tags other than the core ones are refused
(never executed), and aliases are followed under a node budget so a "billion laughs"
document fails fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final

from oncall import simpleyaml
from oncall.errors import InputError, Path

__all__ = ["FORMATS", "Document", "format_for", "parse_document"]

FORMATS: Final = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}

MAX_NODES: Final = 1_000_000
"""More YAML nodes than this is refused."""
MAX_ALIASES: Final = 10_000
"""More uses of YAML aliases than this ("billion laughs") is refused."""
MAX_DEPTH: Final = 64
MAX_DIGITS: Final = 4300
"""A number written with more digits than this is refused (Python's own limit for text)."""

# Patterns kept as strings (`_SURROGATE`, `_LONE_ESCAPE`, `_LONG_NUMBER`, the TOML ones) are
# compiled by `re`, and cached there, on first use: most runs never use them.
_SURROGATE: Final = r"[\ud800-\udfff]"
"""Half of a UTF-16 surrogate pair: an escape (``"\\ud800"``) that names no character."""
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]")
"""Text that may escape one: only then are the values searched for one."""
_LONE_ESCAPE: Final = (
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}"
)
_LONG_NUMBER: Final = rf"[0-9_]{{{MAX_DIGITS + 1},}}"


def _no_lines(deep: bool) -> dict[Path, int]:  # noqa: ARG001 - the signature of `lines`
    return {}


@dataclass(frozen=True)
class Document:
    """Parsed data and a way to find the line that a field path was written on.

    ``lines(deep)`` maps field paths to lines. With ``deep`` false it may give only the
    *shallow* paths (no list index before the last part: ``events[3]``, ``policy.lead``,
    not ``events[3].start``), which every entry's origin needs and which are cheap to keep
    for a large file; the deep map, needed only to place an error or a person's own
    holidays, is built on first use. Each map is built once.
    """

    data: object
    lines: Callable[[bool], dict[Path, int]] = field(default=_no_lines)
    _maps: dict[bool, dict[Path, int]] = field(default_factory=dict, compare=False, repr=False)

    def lines_map(self, *, deep: bool) -> dict[Path, int]:
        """``lines(deep)``, built once: the shallow map is what every entry's origin needs."""
        lines = self._maps.get(deep)
        if lines is None:
            lines = self._maps[deep] = self.lines(deep)
        return lines

    def line_of(self, path: Path) -> int | None:
        """The 1-based line of ``path``, or of its nearest parent the format can place."""
        deep = False
        for part in path[:-1]:  # a loop, not any(): asked for every entry of a large file
            if isinstance(part, int):
                deep = True
                break
        lines = self.lines_map(deep=deep)
        for size in range(len(path), -1, -1):
            line = lines.get(tuple(path[:size]))
            if line is not None:
                return line
        return None


def format_for(name: str) -> str:
    """The format of a file, from its extension.

    Raises:
        InputError: for an extension other than .yaml, .yml, .toml or .json.
    """
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise InputError(
            "unknown file type",
            value=suffix or name,
            hint="name the file .yaml, .yml, .toml or .json",
        )
    return FORMATS[suffix]


def parse_document(text: str, fmt: str) -> Document:
    """Parse ``text`` written in ``fmt`` (``yaml``, ``toml`` or ``json``).

    Raises:
        InputError: for a syntax error (with its line) or a refused construct.
    """
    if fmt == "yaml":
        return _parse_yaml(text)
    if fmt == "toml":
        return _parse_toml(text)
    if fmt == "json":
        return _parse_json(text)
    raise InputError("unknown format", value=fmt)


# YAML ---------------------------------------------------------------------------------


def _line_of_match(text: str, pattern: str) -> int | None:
    """The 1-based line of the first match of ``pattern`` in ``text``."""
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _too_long(text: str) -> InputError:
    return InputError(
        f"a number with more than {MAX_DIGITS:,} digits",
        line=_line_of_match(text, _LONG_NUMBER),
        hint="no field takes a number this large",
    )


def _refuse_surrogates(text: str, data: object) -> None:
    r"""Refuse text holding half of a surrogate pair, which no output can encode.

    Only a ``\u`` escape writes one (UTF-8 cannot): the values are searched only when
    ``text`` has such an escape.
    """
    if _SURROGATE_ESCAPE.search(text) is None:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if re.search(_SURROGATE, item) is None:
                continue
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
            continue
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        raise InputError(
            "text holding half of a UTF-16 surrogate pair (an escape such as \\ud800), "
            "which is no character",
            line=_line_of_match(text, _LONE_ESCAPE),
            hint="write the character itself, or both halves of the pair",
        )


def _yaml_data(text: str, *, deep: bool) -> tuple[object, dict[Path, int]]:
    """The data and lines of a YAML document: `oncall.simpleyaml` where it can, else libyaml."""
    read = simpleyaml.read(text, max_nodes=MAX_NODES, max_depth=MAX_DEPTH, deep=deep)
    return _libyaml_data(text, deep=deep) if read is None else read


def _libyaml_data(text: str, *, deep: bool) -> tuple[object, dict[Path, int]]:
    import yaml  # noqa: PLC0415 - PyYAML only where the line reader gives up (14 ms)

    from oncall.yamlevents import Builder  # noqa: PLC0415 - as PyYAML

    try:
        builder = Builder(
            text, deep=deep, max_nodes=MAX_NODES, max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES
        )
        data = builder.build()
    except InputError:
        raise
    except UnicodeEncodeError as exc:  # text given as a str, not read from a file
        raise InputError(
            "text holding half of a UTF-16 surrogate pair, which is no character",
            line=text.count("\n", 0, exc.start) + 1,
            hint="write the character itself, or both halves of the pair",
        ) from exc
    except ValueError as exc:  # an integer beyond Python's limit for converting text
        raise _too_long(text) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}") from exc
    return data, builder.lines


def _parse_yaml(text: str) -> Document:
    data, shallow = _yaml_data(text, deep=False)
    if data is None:
        return Document(None)
    _refuse_surrogates(text, data)

    def lines(deep: bool) -> dict[Path, int]:
        return _yaml_data(text, deep=True)[1] if deep else shallow

    return Document(data, lines)


# TOML ---------------------------------------------------------------------------------


def _toml_plain(value: Any) -> object:
    """TOML dates and times become the ISO text the other formats give."""
    if isinstance(value, dict):
        return {k: _toml_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_toml_plain(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _parse_toml(text: str) -> Document:
    import tomllib  # noqa: PLC0415 - only TOML files need it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(match.group(1)) if match else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "invalid TOML"
        raise InputError(f"invalid TOML: {problem[0].lower()}{problem[1:]}", line=line) from exc
    except ValueError as exc:  # an integer beyond Python's limit for converting text
        raise _too_long(text) from exc
    return Document(_toml_plain(data), lambda _deep: _toml_lines(text))


_TOML_HEADER = r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$"  # for `re`: TOML files only
_TOML_KEY = r"\s*([A-Za-z0-9_.\"' -]+?)\s*="


def _toml_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _toml_lines(text: str) -> dict[Path, int]:
    """Best-effort lines of TOML tables and keys (tomllib keeps no positions).

    Knows ``[table]``, ``[[array.of.tables]]`` and ``key = value`` lines; inside inline
    tables and multi-line values it places a field at its enclosing key.
    """
    lines: dict[Path, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: Path = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = re.match(_TOML_HEADER, raw)
        if header:
            names = _toml_key(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(names, 0)
                counts[names] = index + 1
                table = (*_toml_table_path(names[:-1], counts), names[-1], index)
            else:
                table = _toml_table_path(names, counts)
            lines.setdefault(table, number)
            continue
        key = re.match(_TOML_KEY, raw)
        if key and not raw.lstrip().startswith("#"):
            lines.setdefault((*table, *_toml_key(key.group(1))), number)
    return lines


def _toml_table_path(names: tuple[str, ...], counts: dict[tuple[str, ...], int]) -> Path:
    """``a.b`` inside the latest ``[[a]]`` is ``a[n].b``."""
    path: list[str | int] = []
    for size in range(1, len(names) + 1):
        path.append(names[size - 1])
        seen = counts.get(names[:size])
        if seen:
            path.append(seen - 1)
    return tuple(path)


# JSON ---------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError("duplicate key", value=key, hint="each key may appear once")
        result[key] = value
    return result


def _json_lines(text: str, deep: bool) -> dict[Path, int]:
    """Lines of JSON fields, read as YAML (JSON is YAML 1.2): only when they are needed."""
    try:
        return _yaml_data(text, deep=deep)[1]
    except InputError:
        return {}


def _parse_json(text: str) -> Document:
    import json  # noqa: PLC0415 - only JSON files need it: kept out of the start-up

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg[0].lower()}{exc.msg[1:]}", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise InputError("the JSON document is too deeply nested") from exc
    except InputError:
        raise
    except ValueError as exc:  # an integer beyond Python's limit for converting text
        raise _too_long(text) from exc
    _refuse_surrogates(text, data)
    return Document(data, lambda deep: _json_lines(text, deep))
