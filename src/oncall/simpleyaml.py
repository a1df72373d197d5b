"""The regular part of YAML that team and rotation files are written in, read line by line.

libyaml's parser, through PyYAML's event objects, was most of what reading a large team
cost. Most files use a small, regular part of YAML: block mappings and sequences laid out
by indentation, ``key: value`` and ``- entry`` lines, plain scalars, one-line quoted
scalars and one-line flow collections (``[a, b]``, ``{id: ada, name: Ada}``), comments.
`read` reads exactly that part, one line at a time, and gives up (returns ``None``) at
the first thing outside it: anchors, aliases, tags, multi-line or block scalars, ``?``
keys, tabs, carriage returns, directives, document markers, a duplicate key, unexpected
indentation, a character libyaml refuses. The caller then reads the whole file with
libyaml as before, so every error, and every rare construct, is read exactly as it was.

Where `read` answers, its data and lines (shallow or deep) are those of the libyaml
reader, `oncall.yamlevents` (tests compare the two on generated documents, on near-misses
of this part of YAML, and on every YAML file of the repository). Plain scalars are resolved by
YAML 1.2's core schema (`resolve`), here for both readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

__all__ = ["RESOLVED", "core_value", "read", "resolve"]

PathKey = tuple[str | int, ...]

# Resolution (YAML 1.2 core schema) -----------------------------------------------------

_NULL: Final = re.compile(r"~|null|Null|NULL|")
_TRUE: Final = re.compile(r"true|True|TRUE")
_FALSE: Final = re.compile(r"false|False|FALSE")
_INT: Final = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT: Final = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
RESOLVED: Final = re.compile("|".join(p.pattern for p in (_NULL, _TRUE, _FALSE, _INT, _FLOAT)))
"""Plain scalars that `core_value` may turn into something other than text."""
_RESOLVED_FIRST: Final = "~nNtTfF0123456789+-."
_RESOLVED_LAST: Final = "~lLeE0123456789abcdefABCDEF.nN"
"""How a scalar that `RESOLVED` matches begins and ends (or it is empty: ``"" in`` any
text); none holds a colon."""


def core_value(text: str) -> object:
    """YAML 1.2 core schema resolution of a plain scalar; everything else stays text.

    Raises:
        ValueError: for an integer too long to convert (Python's limit for text).
    """
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text):
        return True
    if _FALSE.fullmatch(text):
        return False
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT.fullmatch(text):
        return float(re.sub(r"\.(inf|Inf|INF|nan|NaN|NAN)$", lambda m: m[1].lower(), text))
    return text


def resolve(text: str) -> object:
    """The value of a plain scalar: `core_value`, trying its patterns only when they can match.

    Raises:
        ValueError: for an integer too long to convert (Python's limit for text).
    """
    if text[:1] not in _RESOLVED_FIRST or text[-1:] not in _RESOLVED_LAST or ":" in text:
        return text  # most text: no pattern to try
    return core_value(text) if RESOLVED.fullmatch(text) else text


# Reading -------------------------------------------------------------------------------

# The patterns are kept as text and compiled by `re` (and cached there) on first use:
# compiling them all costs every start of the command a few milliseconds.
_OUTSIDE: Final = r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
"""A character this reader leaves to libyaml: tab, carriage return and the other line
breaks (NEL, LS, PS), control characters, byte order marks, surrogates, non-characters.

Everything but ``\\n``, ``" "-"~"``, ``\\xa0-\\u2027``, ``\\u202a-\\ud7ff``,
``\\ue000-\\ufefe``, ``\\uff00-\\ufffd`` and ``\\U00010000-\\U0010ffff``, written as what
it leaves out: `re` compiled the negated class of those in 3 ms at every start, this
one in 0.4 (`tests/test_simpleyaml.py` checks that both take the same characters)."""

_KEY: Final = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}"
"""A key: plain text that no YAML reader reads otherwise, short of libyaml's 1024 limit."""
_INDICATORS: Final = "-?:,[]{}#&*!|>'\"%@`"
"""Characters that cannot begin a plain scalar as they are (libyaml's scanner)."""
_NAME: Final = "[0-9A-Za-z_][0-9A-Za-z_.@/+-]*"
_NAMES: Final = rf"\[((?:{_NAME}(?:, {_NAME})*)?)\]"
"""The common flow sequence, as oncall writes it: ``[ada, ben]``."""
_REST: Final = "(?:[^ ,\\[\\]{}#:?'\"]|:(?=[0-9A-Za-z]))"
"""A character of a plain scalar inside a flow collection (spaces join words); not ``?``,
which PyYAML's own reader (where libyaml is missing) takes for a key's indicator. A colon
only before a letter or digit (``{start: 2027-01-05T13:00}``): libyaml and PyYAML's own
reader take it as text there, and ``: `` ends a key."""
_PLAIN_IN_FLOW: Final = rf"(?:[^ ,\[\]{{}}#:'\"\-?!&*|>%@`]|-(?={_REST})){_REST}*+(?: +{_REST}+)*+"
_SINGLE_TEXT: Final = r"(?:[^']|'')*+"
_SINGLE: Final = rf"'({_SINGLE_TEXT})'"
_DOUBLE_TEXT: Final = r'(?:[^"\\]|\\["\\])*+'
_DOUBLE: Final = rf'"({_DOUBLE_TEXT})"'
"""Double-quoted text whose only escapes are ``\\"`` and ``\\\\``."""
_ITEM: Final = rf"(?:{_PLAIN_IN_FLOW}|'{_SINGLE_TEXT}'|\"{_DOUBLE_TEXT}\")"
"""A scalar in a flow collection: the same patterns as `_FLOW_ITEM`, without groups."""
_END: Final = r"(?: *| +#.*)"
"""The end of a value's line: spaces, or a comment after a space."""
_FLOW_SEQUENCE: Final = rf"\[ *({_ITEM}(?: *, *{_ITEM})*+)? *\]{_END}"
_FLOW_MAPPING: Final = rf"\{{ *({_KEY}: +{_ITEM}(?: *, *{_KEY}: +{_ITEM})*+)? *\}}{_END}"
_FLOW_ITEM: Final = rf"({_PLAIN_IN_FLOW})|{_SINGLE}|{_DOUBLE}"
_FLOW_PAIR: Final = rf"({_KEY}): +(?:({_PLAIN_IN_FLOW})|{_SINGLE}|{_DOUBLE})"
_SINGLE_LINE: Final = _SINGLE + _END
_DOUBLE_LINE: Final = _DOUBLE + _END
_ESCAPED: Final = r"\\(.)"


class _Outside(Exception):  # noqa: N818 - a signal, caught in `read`, never an error
    """The text leaves the part of YAML this reader knows."""


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (split at line feeds only), a megabyte at a time."""
    start = 0
    while True:
        end = text.find("\n", start + 1_000_000)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


def _pieces(pattern: str, body: str) -> list[re.Match[str]]:
    """The items of a flow collection's ``body``, or `_Outside`.

    The items must make up the body whole, with only commas and spaces between them. The
    body was matched as a whole first; finding its items again must not skip any text
    (which would drop or invent an item) should the two patterns ever disagree.
    """
    found = list(re.finditer(pattern, body))
    ends = [0, *(m.end() for m in found)]
    starts = [m.start() for m in found] + [len(body)]
    gaps = [body[end:start] for end, start in zip(ends, starts, strict=True)]
    if gaps[0] or gaps[-1] or any(re.fullmatch(" *, *", gap) is None for gap in gaps[1:-1]):
        raise _Outside
    return found


def _quoted(text: str) -> str:
    """A one-line quoted scalar's value, or `_Outside`."""
    if text[0] == "'":
        match = re.fullmatch(_SINGLE_LINE, text)
        if match is None:
            raise _Outside
        return match[1].replace("''", "'")
    match = re.fullmatch(_DOUBLE_LINE, text)
    if match is None:
        raise _Outside
    value = match[1]
    return re.sub(_ESCAPED, r"\1", value) if "\\" in value else value


def _scalar(plain: str, single: str, double: str) -> object:
    """One of ``_FLOW_ITEM``'s groups: the plain, single- or double-quoted text."""
    if plain:
        return resolve(plain)
    if double or not single:  # an empty quoted scalar is ''
        return re.sub(_ESCAPED, r"\1", double) if "\\" in double else double
    return single.replace("''", "'")


class _Reader:
    """The state of one reading: the shallow lines, the keys, the nodes."""

    def __init__(self) -> None:
        self.lines: dict[PathKey, int] = {}
        self.keys: dict[str, str] = {}  # each key's text once (and known to be a key)
        self.nodes = 1  # the root
        self.names = re.compile(_NAMES).fullmatch  # once a flow sequence, not once a read

    def key(self, text: str) -> str | None:
        """``text`` as a key (the same string for the same key), or None if it is none."""
        key = self.keys.get(text)
        if key is None and re.fullmatch(_KEY, text):
            key = self.keys[text] = text
        return key

    def value(self, text: str, path: PathKey | None, line: int) -> object:
        """The value written after ``key:`` or ``- `` (not empty, not a comment).

        ``path``: where the value is, when the lines of a flow collection's items (of a
        first list) or keys (outside any list) are kept.
        """
        first = text[0]
        if first not in _INDICATORS or (first == "-" and text[1:2] not in ("", " ")):
            cut = text.find(" #")
            if cut >= 0:
                text = text[:cut]
            text = text.rstrip(" ")
            if ": " in text or text[-1] == ":":
                raise _Outside
            return resolve(text)
        if first in "'\"":
            return _quoted(text)
        if first == "[":
            return self.flow_sequence(text, path, line)
        if first == "{":
            return self.flow_mapping(text, path, line)
        raise _Outside

    def flow_sequence(self, text: str, path: PathKey | None, line: int) -> list[object]:
        """A one-line flow sequence of scalars (see `value`), or `_Outside`."""
        names = self.names(text)
        if names is not None:
            split = names[1].split(", ") if names[1] else []
            items: list[object] = split  # type: ignore[assignment] # each resolved in place
            for index, name in enumerate(split):
                if name[0] in _RESOLVED_FIRST:
                    items[index] = resolve(name)
        else:
            match = re.fullmatch(_FLOW_SEQUENCE, text)
            if match is None:
                raise _Outside
            items = [_scalar(*m.groups("")) for m in _pieces(_FLOW_ITEM, match[1] or "")]
        self.nodes += len(items)
        if path is not None:
            for index in range(len(items)):
                self.lines[(*path, index)] = line
        return items

    def flow_mapping(self, text: str, path: PathKey | None, line: int) -> dict[str, object]:
        """A one-line flow mapping of scalars (see `value`), or `_Outside`."""
        match = re.fullmatch(_FLOW_MAPPING, text)
        if match is None:
            raise _Outside
        mapping: dict[str, object] = {}
        for name, *item in (m.groups("") for m in _pieces(_FLOW_PAIR, match[1] or "")):
            key = self.keys.setdefault(name, name)
            if key in mapping:
                raise _Outside  # a duplicate key: libyaml's reader says so
            mapping[key] = _scalar(*item)
            if path is not None:
                self.lines[(*path, key)] = line
        self.nodes += len(mapping)
        return mapping

    def read(self, text: str, max_depth: int, *, deep: bool) -> dict[str, object]:  # noqa: PLR0912, PLR0915 - one loop, kept whole: it runs for every line
        """The document's root mapping, or `_Outside`; ``deep``: keep every line."""
        lines, keys, value, as_key = self.lines, self.keys, self.value, self.key
        root: dict[str, object] = {}
        # The collections that enclose the innermost, whose column, collection, path and
        # kind are in `column`, `box`, `path`, `indentless`. `path` is None inside a list
        # (no line is kept there) unless ``deep``; a sequence keeps its entries' lines when
        # it is not.
        outer: list[tuple[int, Any, PathKey | None, bool]] = []
        column = 0
        box: Any = root  # a dict or a list: the loop asks which
        path: PathKey | None = ()
        indentless = False  # a sequence at its key's column: `key:` then `- x`
        waiting = 0  # the line of a `key:` or `-` whose value may be on the next lines
        last = ""  # that key
        nodes = 0
        number = 0
        for line in _lines(text):
            number += 1
            body = line.lstrip(" ")
            if not body or body[0] == "#":
                continue  # a blank line or a comment
            indent = len(line) - len(body)
            dash = body[0] == "-" and body[1:2] in ("", " ")
            start = indent  # the column of the key, if any
            if dash:
                body = body[1:].lstrip(" ")
                start = len(line) - len(body)
            name, colon, rest = body.partition(": ")
            if colon:
                key = keys.get(name) or as_key(name)
                if key is None:
                    rest = body
                elif rest[:1] == " ":
                    rest = rest.lstrip(" ")
            elif body[-1:] == ":":
                key = keys.get(body[:-1]) or as_key(body[:-1])
                rest = "" if key is not None else body
            else:
                key = None
                rest = body
            if rest[:1] == "#":
                rest = ""  # a comment after `key:` or `-`
            elif key is None and not dash:
                raise _Outside  # a scalar of its own: multi-line, or no YAML here
            if waiting:
                if indent > column or (indent == column and dash and type(box) is dict):
                    new: Any = [] if dash else {}
                    inner: PathKey | None = None
                    if type(box) is dict:
                        box[last] = new
                        if path is not None:
                            inner = (*path, last)
                    else:
                        box[-1] = new
                        if path is not None:
                            lines[(*path, len(box) - 1)] = number
                            if deep:
                                inner = (*path, len(box) - 1)
                    outer.append((column, box, path, indentless))
                    if len(outer) > max_depth:
                        raise _Outside
                    indentless = indent == column
                    column, box, path = indent, new, inner
                elif type(box) is list and path is not None:
                    lines[(*path, len(box) - 1)] = waiting  # an empty entry: the `-` line
                waiting = 0
            while column > indent or (indentless and column == indent and not dash):
                column, box, path, indentless = outer.pop()
            if column != indent:
                raise _Outside
            if type(box) is list:
                if not dash:
                    raise _Outside
                nodes += 1
                if key is None:
                    if not rest:
                        box.append(None)
                        waiting = number
                        continue
                    item = None if path is None else (*path, len(box))
                    if item is not None:
                        lines[item] = number
                    box.append(value(rest, item if deep else None, number))
                    continue
                new = {}  # `- key: ...`: a mapping at the key's column
                box.append(new)
                if path is not None:
                    lines[(*path, len(box) - 1)] = number
                outer.append((column, box, path, indentless))
                if len(outer) > max_depth:
                    raise _Outside
                inner = (*path, len(box) - 1) if deep and path is not None else None
                column, box, path, indentless = start, new, inner, False
            elif dash or key is None:
                raise _Outside
            if key in box:
                raise _Outside  # a duplicate key: libyaml's reader says so
            if path is not None:
                lines[(*path, key)] = number
            nodes += 1
            if not rest:
                box[key] = None
                waiting = number
                last = key
            elif (
                rest[0] not in _INDICATORS
                and rest[-1] not in ": "
                and ": " not in rest
                and " #" not in rest
            ):
                # the most common value: plain text, resolved as `resolve` does
                box[key] = (
                    rest
                    if rest[0] not in _RESOLVED_FIRST
                    or rest[-1] not in _RESOLVED_LAST
                    or ":" in rest
                    else resolve(rest)
                )
            else:
                box[key] = value(rest, None if path is None else (*path, key), number)
        if waiting and type(box) is list and path is not None:
            lines[(*path, len(box) - 1)] = waiting
        self.nodes += nodes
        return root


def read(
    text: str, *, max_nodes: int, max_depth: int, deep: bool = False
) -> tuple[object, dict[PathKey, int]] | None:
    """The data and lines of ``text``, or None where it leaves this reader's YAML.

    The lines are those `oncall.formats` keeps: without ``deep``, of every key outside any
    list, of every entry of a first list, and of the root (``()``); with it, of every
    key, entry and item. ``None`` also when
    the document holds more than ``max_nodes`` values or nests close to ``max_depth``:
    the libyaml reader refuses those with its own errors.
    """
    if max_depth < 3 or re.search(_OUTSIDE, text) is not None:
        return None
    reader = _Reader()
    try:
        data = reader.read(text, max_depth - 2, deep=deep)  # a flow collection's items: 2 deeper
    except (_Outside, ValueError):  # ValueError: an integer too long to convert
        return None
    if not data or reader.nodes > max_nodes:
        return None
    reader.lines[()] = next(iter(reader.lines.values()))  # the first key's, as libyaml's
    return data, reader.lines
