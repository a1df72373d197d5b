"""libyaml's reader: plain data and lines from PyYAML's event stream, for any YAML.

`oncall.formats` reads most files with `oncall.simpleyaml`, line by line, and comes here
only where that reader gives up (anchors, tags, block scalars, ...) and to place an error
at its line: this module, and PyYAML with it, is imported only then (about 14 ms of a
start). Its limits are given by the caller, who keeps them (`oncall.formats.MAX_NODES`).
"""

from __future__ import annotations

from typing import Any, Final

import yaml

from oncall.errors import InputError, Path
from oncall.simpleyaml import core_value, resolve

__all__ = ["Builder"]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes nodes only; resolution of plain scalars is ours (YAML 1.2 core).

    libyaml's parser (CSafeLoader) where PyYAML was built with it: several times faster.
    """


_Loader.yaml_implicit_resolvers = {}

_Y = "tag:yaml.org,2002:"
_CORE_TAGS: Final = {f"{_Y}{n}" for n in ("str", "int", "float", "bool", "null", "map", "seq")}


_TAGS: Final = {  # what an explicitly tagged plain scalar must turn into
    f"{_Y}str": object,
    f"{_Y}int": int,
    f"{_Y}float": float,
    f"{_Y}bool": bool,
    f"{_Y}null": type(None),
}
_SCALAR: Final = yaml.ScalarEvent
_MAPPING: Final = yaml.MappingStartEvent
_SEQUENCE: Final = yaml.SequenceStartEvent


def _untagged(event: Any) -> object:
    """The value of a scalar without tag or anchor: quoted and block scalars are text."""
    return event.value if event.style else resolve(event.value)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


class Builder:
    """Plain data straight from PyYAML's event stream, never building its node tree.

    Composing nodes first kept an object and two marks for every scalar, which the
    garbage collector then walked again and again: for a 10 MB file, several times the
    parse itself. Lines are kept for the shallow paths only (see `oncall.formats.Document`) unless
    ``deep``. An alias reuses the anchored value, counting its nodes and depth again, so
    a "billion laughs" document fails as fast as when it was expanded.
    """

    def __init__(
        self, text: str, *, deep: bool, max_nodes: int, max_depth: int, max_aliases: int
    ) -> None:
        self.next_event = _Loader(text).get_event
        self.deep = deep
        self.max_nodes, self.max_depth, self.max_aliases = max_nodes, max_depth, max_aliases
        self.lines: dict[Path, int] = {}
        self.path: list[str | int] = []
        self.listed = 0  # list indexes in ``path``: shallow paths have one, at the end
        self.nodes = 0
        self.aliases = 0
        self.reached = 0  # the deepest level a collection's items are at
        self.anchors: dict[str, tuple[object, int, int]] = {}  # value, nodes, height
        self.texts: dict[str, str] = {}  # the text of each anchored scalar, for keys
        self.keys: dict[str, str] = {}  # each key's text once: 100,000 "start"s cost 5 MB

    def build(self) -> object:
        """The document's data (None for an empty stream), or an error."""
        event = self.next_event()  # StreamStart
        event = self.next_event()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        data = self.node(self.next_event(), 0, record=True)  # the event after DocumentStart
        self.next_event()  # DocumentEnd
        event = self.next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            raise InputError("invalid YAML: but found another document", line=_line(event))
        return data

    def _refuse(self, event: Any) -> None:
        raise InputError(
            "the YAML document is too large, too deeply nested or uses aliases too often",
            line=_line(event),
        )

    def node(self, event: Any, depth: int, *, record: bool) -> object:
        """The value that starts with ``event``, at ``depth``.

        ``record``: keep the line of the current path (see `Document`).
        """
        if type(event) is yaml.AliasEvent:
            return self._alias(event, depth, record=record)
        self.nodes += 1
        if self.nodes > self.max_nodes or depth > self.max_depth:
            self._refuse(event)
        if record:
            self.lines.setdefault(tuple(self.path), _line(event))
        tag = event.tag
        kind = type(event)
        if tag is None and event.anchor is None and kind is _SCALAR:  # most of a file
            return _untagged(event)
        if tag is not None and tag != "!" and tag not in _CORE_TAGS:
            raise InputError(
                "YAML tags are not allowed",
                value=tag.replace(_Y, "!!"),
                path=tuple(self.path),
                line=_line(event),
                hint="remove the tag",
            )
        start, reached = self.nodes, self.reached
        self.reached = depth
        value: object
        if kind is _SCALAR:
            value = self._scalar(event)
        elif kind is _SEQUENCE:
            value = self._sequence(depth)
        elif kind is _MAPPING:
            value = self._mapping(depth)
        else:  # pragma: no cover - the parser sends nothing else here
            raise InputError("unsupported YAML node", line=_line(event))
        height = self.reached - depth
        self.reached = max(reached, self.reached)
        if event.anchor is not None:
            if event.anchor in self.anchors:
                raise InputError("invalid YAML: second occurrence", line=_line(event))
            self.anchors[event.anchor] = (value, self.nodes - start + 1, height)
            if kind is _SCALAR:
                self.texts[event.anchor] = str(event.value)
        return value

    def _alias(self, event: Any, depth: int, *, record: bool) -> object:
        found = self.anchors.get(event.anchor)
        if found is None:  # undefined, or an alias inside its own anchor
            raise InputError(
                f"invalid YAML: found undefined alias {event.anchor!r}", line=_line(event)
            )
        value, nodes, height = found
        self.nodes += nodes
        self.aliases += 1
        self.reached = max(self.reached, depth + height)
        if (
            self.nodes > self.max_nodes
            or self.reached > self.max_depth
            or self.aliases > self.max_aliases
        ):
            self._refuse(event)
        if record:
            self.lines.setdefault(tuple(self.path), _line(event))
        return value

    def _scalar(self, event: Any) -> object:
        text = str(event.value)
        if event.style:
            return text  # quoted or block scalars are text
        tag = event.tag
        if tag == f"{_Y}str":
            return text  # !!str true is text, as its tag says
        if tag in (None, "!"):
            return core_value(text)
        value = core_value(text)  # an explicit core tag (!!int 5) must fit its type
        if not isinstance(value, _TAGS.get(tag, object)):
            raise InputError(
                f"value does not fit its tag {tag.replace(_Y, '!!')}",
                value=text,
                path=tuple(self.path),
                line=_line(event),
            )
        return value

    def _sequence(self, depth: int) -> list[object]:
        items: list[object] = []
        path = self.path
        path.append(0)
        self.listed += 1
        if depth >= self.reached:
            self.reached = depth + 1
        record = self.deep or self.listed == 1
        fast = not record and depth + 1 <= self.max_depth
        next_event = self.next_event
        event = next_event()
        while type(event) is not yaml.SequenceEndEvent:
            if fast and type(event) is _SCALAR and event.tag is None and event.anchor is None:
                # `node`'s first case, inlined, as in `_mapping`.
                self.nodes += 1
                if self.nodes > self.max_nodes:
                    self._refuse(event)
                items.append(_untagged(event))
            else:
                path[-1] = len(items)
                items.append(self.node(event, depth + 1, record=record))
            event = next_event()
        path.pop()
        self.listed -= 1
        return items

    def _mapping(self, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        path = self.path
        path.append("")
        if depth >= self.reached:
            self.reached = depth + 1
        record = self.deep or not self.listed
        fast = depth + 1 <= self.max_depth  # plain values need no depth check of their own
        next_event = self.next_event
        keys = self.keys
        event = next_event()
        while type(event) is not yaml.MappingEndEvent:
            if type(event) is _SCALAR:
                key = keys.setdefault(event.value, event.value)  # one str per distinct key
                if event.anchor is not None:  # a key may be an alias's anchor too
                    self.anchors[event.anchor] = (key, 1, 0)
                    self.texts[event.anchor] = key
            else:
                key = self._key(event, depth)
            if key in result:
                raise InputError(
                    "duplicate key",
                    value=key,
                    path=tuple(path[:-1]),
                    line=_line(event),
                    hint="each key may appear once",
                )
            path[-1] = key
            if record:
                self.lines.setdefault(tuple(path), _line(event))
            event = next_event()
            if fast and type(event) is _SCALAR and event.tag is None and event.anchor is None:
                # `node`'s first case, inlined: most values in a file are plain text.
                self.nodes += 1
                if self.nodes > self.max_nodes:
                    self._refuse(event)
                result[key] = _untagged(event)
            else:  # the value's line is its key's, kept above
                result[key] = self.node(event, depth + 1, record=False)
            event = next_event()
        path.pop()
        return result

    def _key(self, event: Any, depth: int) -> str:
        """The text of a key that is no plain scalar: an alias of one, else an error."""
        if type(event) is yaml.AliasEvent:
            self._alias(event, depth + 1, record=False)
            if event.anchor in self.texts:
                return self.texts[event.anchor]
        raise InputError("keys must be plain text", path=tuple(self.path[:-1]), line=_line(event))
