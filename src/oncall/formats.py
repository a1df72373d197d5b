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

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Final

import yaml

from oncall.errors import InputError, Path

__all__ = ["FORMATS", "Document", "format_for", "parse_document"]

FORMATS: Final = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}

MAX_NODES: Final = 1_000_000
"""More YAML nodes than this is refused."""
MAX_ALIASES: Final = 10_000
"""More uses of YAML aliases than this ("billion laughs") is refused."""
MAX_DEPTH: Final = 64


@dataclass(frozen=True)
class Document:
    """Parsed data and a way to find the line that a field path was written on."""

    data: object
    lines: Callable[[], dict[Path, int]] = field(default=dict)

    def line_of(self, path: Path) -> int | None:
        """The 1-based line of ``path``, or of its nearest parent the format can place."""
        lines = self.lines()
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


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes nodes only; resolution of plain scalars is ours (YAML 1.2 core).

    libyaml's parser (CSafeLoader) where PyYAML was built with it: several times faster.
    """


_Loader.yaml_implicit_resolvers = {}

_Y = "tag:yaml.org,2002:"
_CORE_TAGS: Final = {f"{_Y}{n}" for n in ("str", "int", "float", "bool", "null", "map", "seq")}
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE = re.compile(r"true|True|TRUE")
_FALSE = re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)


def _plain_scalar(text: str) -> object:
    """YAML 1.2 core schema resolution of a plain scalar; everything else stays text."""
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text):
        return True
    if _FALSE.fullmatch(text):
        return False
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT.fullmatch(text):
        return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
    return text


def _mark_line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Converter:
    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.nodes = 0
        self.seen: set[int] = set()
        self.aliases = 0

    def convert(self, node: yaml.Node, path: Path, depth: int = 0) -> object:
        self.nodes += 1
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self.seen:
                self.aliases += 1  # the same node again: an alias
            self.seen.add(id(node))
        if self.nodes > MAX_NODES or depth > MAX_DEPTH or self.aliases > MAX_ALIASES:
            raise InputError(
                "the YAML document is too large, too deeply nested or uses aliases too often",
                line=_mark_line(node),
            )
        self.lines.setdefault(path, _mark_line(node))
        tag = node.tag
        if tag not in _CORE_TAGS:
            raise InputError(
                "YAML tags are not allowed",
                value=tag.replace(_Y, "!!"),
                path=path,
                line=_mark_line(node),
                hint="remove the tag",
            )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        raise InputError("unsupported YAML node", line=_mark_line(node))  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        text = str(node.value)
        if node.style not in (None, ""):
            return text  # quoted or block scalars are text
        if node.tag == f"{_Y}str":
            return _plain_scalar(text)
        value = _plain_scalar(text)  # an explicit core tag (!!int 5) must fit its type
        expected = {
            f"{_Y}int": int,
            f"{_Y}float": float,
            f"{_Y}bool": bool,
            f"{_Y}null": type(None),
        }
        if not isinstance(value, expected.get(node.tag, object)):
            raise InputError(
                f"value does not fit its tag {node.tag.replace(_Y, '!!')}",
                value=text,
                path=path,
                line=_mark_line(node),
            )
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("keys must be plain text", path=path, line=_mark_line(key_node))
            key = str(key_node.value)
            if key in result:
                raise InputError(
                    "duplicate key",
                    value=key,
                    path=path,
                    line=_mark_line(key_node),
                    hint="each key may appear once",
                )
            self.lines[(*path, key)] = _mark_line(key_node)
            result[key] = self.convert(value_node, (*path, key), depth + 1)
        return result


def _parse_yaml(text: str) -> Document:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", line=line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}") from exc
    if node is None:
        return Document(None)
    converter = _Converter()
    data = converter.convert(node, ())
    lines = converter.lines
    return Document(data, lambda: lines)


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
    return Document(_toml_plain(data), lambda: _toml_lines(text))


_TOML_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"\s*([A-Za-z0-9_.\"' -]+?)\s*=")


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
        header = _TOML_HEADER.match(raw)
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
        key = _TOML_KEY.match(raw)
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


def _json_lines(text: str) -> dict[Path, int]:
    """Lines of JSON fields, read through the YAML composer (JSON is YAML 1.2)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        converter = _Converter()
        if node is not None:
            converter.convert(node, ())
    except (yaml.YAMLError, InputError):
        return {}
    return converter.lines


def _parse_json(text: str) -> Document:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg[0].lower()}{exc.msg[1:]}", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise InputError("the JSON document is too deeply nested") from exc
    return Document(data, lambda: _json_lines(text))
