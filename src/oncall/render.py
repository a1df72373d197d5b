"""Results -> text, JSON and rotation files, for people and programs.

Pure functions: they return text and never print. Instants in JSON and rotation files
are ISO 8601 with the team zone's offset; text shows the team's local time.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Final

from oncall.checker import people_names
from oncall.errors import InputError
from oncall.models import Finding, RiskyEvent, Rotation, Shift, Team, Window
from oncall.report import finding_json, hours
from oncall.timeutil import (
    format_duration,
    format_instant,
    format_span,
    local_date,
    toml_instant,
)
from oncall.workhours import split_by_person

if TYPE_CHECKING:
    from oncall.planner import Decision, PlanResult

__all__ = [
    "ROTATION_FORMATS",
    "dump_rotation",
    "dumps",
    "dumps_utf8",
    "event_json",
    "findings_text",
    "plan_json",
    "plan_text",
    "rotation_document",
    "windows_json",
    "windows_text",
]

ROTATION_FORMATS = ("yaml", "json", "toml")


def dumps(document: object) -> str:
    """JSON as oncall writes it: indented, UTF-8 text, a final newline.

    The same text as ``json.dumps(document, indent=2, ensure_ascii=False)``, written by
    `_pieces`.
    """
    return "".join([*_pieces(document), "\n"])


def dumps_utf8(document: object) -> bytes:
    """`dumps` encoded as UTF-8, without the text: each piece is encoded as it comes.

    For a large document, the text and its pieces were two more copies of the output.
    """
    buffer = io.BytesIO()
    for piece in _pieces(document):
        buffer.write(piece.encode())
    buffer.write(b"\n")
    return buffer.getvalue()  # the buffer itself, not a copy


_STREAMED: Final = 2
"""How many levels of lists and objects `_pieces` writes an entry at a time: a document's
top and its lists (``requests``, ``shifts``, ``findings``); each of their entries is one
string."""


def _pieces(document: object, streamed: int = _STREAMED) -> Iterator[str]:
    """The text of ``json.dumps(document, indent=2, ensure_ascii=False)``, in pieces.

    The standard library indents with its pure-Python encoder, a generator per list and
    object and several pieces per value (130,000 PagerDuty overrides: 1.4 s, and 190 MiB
    when the pieces were held at once). Here the top ``streamed`` levels of lists and
    objects are written an entry at a time, and each entry below them is one string built
    with joins and the C string encoder: no copy of a large document is held besides its
    text.
    """
    from json.encoder import encode_basestring  # noqa: PLC0415 - kept out of the start-up

    keys: dict[str, str] = {}  # strings only: 0, False and 0.0 are one key to a dict

    def key(name: object) -> str:
        if type(name) is not str:
            return encode_basestring(_key(name)) + ": "
        text = keys.get(name)
        if text is None:
            text = keys[name] = encode_basestring(name) + ": "
        return text

    def whole(value: object, pad: str) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        if isinstance(value, dict):
            if not value:
                return "{}"
            inner = pad + "  "
            items = [key(k) + whole(v, inner) for k, v in value.items()]
            return "{" + inner + ("," + inner).join(items) + pad + "}"
        if isinstance(value, list | tuple):
            if not value:
                return "[]"
            inner = pad + "  "
            return "[" + inner + ("," + inner).join([whole(v, inner) for v in value]) + pad + "]"
        return _scalar(value)

    def pieces(value: object, pad: str, levels: int) -> Iterator[str]:
        if not levels or not isinstance(value, dict | list | tuple) or not value:
            yield whole(value, pad)
            return
        inner = pad + "  "
        if isinstance(value, dict):
            separator = "{"
            for name, entry in value.items():
                yield separator + inner + key(name)
                yield from pieces(entry, inner, levels - 1)
                separator = ","
            yield pad + "}"
        else:
            separator = "["
            for entry in value:
                yield separator + inner
                yield from pieces(entry, inner, levels - 1)
                separator = ","
            yield pad + "]"

    return pieces(document, "\n", streamed)


def _key(name: object) -> str:
    """An object's key as `json` writes it: a string as it is, a number or constant as text."""
    if isinstance(name, str):
        return name
    if isinstance(name, float | bool) or name is None:
        return _scalar(name)
    if isinstance(name, int):
        return int.__repr__(name)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(name).__name__}")


def _scalar(value: object) -> str:
    """A number or constant as `json` writes it (``NaN`` and infinities included)."""
    if value is None or value is True or value is False:
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float.__repr__(value)
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# Windows ------------------------------------------------------------------------------


def event_json(event: RiskyEvent, team: Team) -> dict[str, Any]:
    """One event as JSON, its instants with the team zone's offset."""
    return {
        "id": event.id,
        "title": event.title,
        "kind": str(event.kind),
        "risk": str(event.risk),
        "start": format_instant(event.start, team.zone),
        "end": format_instant(event.end, team.zone),
        "source": event.source or event.origin.file,
        **({"source_uid": event.source_uid} if event.source_uid else {}),
        # Every file holding this occurrence (same UID and RECURRENCE-ID), counted once.
        **({"sources": list(event.sources)} if event.sources else {}),
    }


def windows_json(team: Team, windows: Sequence[Window]) -> dict[str, Any]:
    """``{"windows": [{"start", "end", "events": [...]}]}``, as SPEC section 7 says."""
    return {
        "windows": [
            {
                "start": format_instant(w.start, team.zone),
                "end": format_instant(w.end, team.zone),
                "events": [event_json(e, team) for e in w.events],
            }
            for w in windows
        ]
    }


def windows_text(team: Team, windows: Sequence[Window]) -> str:
    """A table of windows in the team's zone, each with the events it covers."""
    zone = team.zone
    if not windows:
        return f"{team.name}: no risky events need coverage (times in {team.timezone})\n"
    total = sum((w.duration for w in windows), start=timedelta(0))
    lines = [
        f"{team.name}: {_plural(len(windows), 'coverage window')}, "
        f"{format_duration(total, days=False)} in all (times in {team.timezone})",
        "",
    ]
    for window in windows:
        span = format_span(window.start, window.end, zone)
        lines.append(f"{span} ({format_duration(window.duration, days=False)})")
        for event in window.events:
            same_day = local_date(event.start, zone) == local_date(window.start, zone)
            when = format_span(event.start, event.end, zone, date_too=not same_day)
            source = f"  [{event.source}]" if event.source else ""
            lines.append(
                f"    {when}  {event.title} ({event.kind}, {event.risk})  {event.id}{source}"
            )
        lines.append("")
    return "\n".join(lines)


# Rotation files -----------------------------------------------------------------------

_BARE = re.compile(r"[a-z][a-z0-9._-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _yaml_scalar(value: str) -> str:
    """A plain YAML scalar where that is safe for YAML 1.1 and 1.2 readers, else quoted."""
    if _BARE.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    import json  # noqa: PLC0415 - rarely needed: kept out of the start-up

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _shift_json(shift: Shift, team: Team, zone: tzinfo | None = None) -> dict[str, Any]:
    zone = team.zone if zone is None else zone
    document: dict[str, Any] = {
        "start": format_instant(shift.start, zone),
        "end": format_instant(shift.end, zone),
        "people": list(shift.people),
    }
    if shift.events:
        document["events"] = list(shift.events)
    return document


def rotation_document(team: Team, rotation: Rotation) -> dict[str, Any]:
    """A rotation as the rotation file's data: ``{"shifts": [...]}``."""
    zone = team.zone
    return {"shifts": [_shift_json(s, team, zone) for s in rotation.shifts]}


def dump_rotation(team: Team, rotation: Rotation, fmt: str) -> str:
    """A rotation file's text in ``yaml``, ``json`` or ``toml``: same input, same bytes."""
    if fmt == "json":
        return dumps(rotation_document(team, rotation))
    if fmt == "toml":
        shifts = [
            {
                **_shift_json(s, team),
                "start": toml_instant(s.start, team.zone),
                "end": toml_instant(s.end, team.zone),
            }
            for s in rotation.shifts
        ]
        import tomli_w  # noqa: PLC0415 - only TOML rotations need it

        header = f"# oncall rotation for {team.name}; times in {team.timezone}\n"
        return header + tomli_w.dumps({"shifts": shifts})
    if fmt != "yaml":
        raise InputError("unknown rotation format", value=fmt, hint="use yaml, json or toml")
    lines = [f"# oncall rotation for {team.name}; times in {team.timezone}"]
    if not rotation.shifts:
        lines.append("shifts: []")
    else:
        lines.append("shifts:")
    zone = team.zone
    for shift in rotation.shifts:
        lines.append(f"  - start: {format_instant(shift.start, zone)}")
        lines.append(f"    end: {format_instant(shift.end, zone)}")
        lines.append(f"    people: [{', '.join(_yaml_scalar(p) for p in shift.people)}]")
        if shift.events:
            lines.append(f"    events: [{', '.join(_yaml_scalar(e) for e in shift.events)}]")
    return "\n".join(lines) + "\n"


# Findings -----------------------------------------------------------------------------


def findings_text(findings: Sequence[Finding]) -> str:
    """Findings for people, one a line: ``error uncovered: message``."""
    return "".join(f"{f.severity} {f.code}: {f.message}\n" for f in findings)


# Plans --------------------------------------------------------------------------------


def plan_json(
    team: Team, result: PlanResult, findings: Sequence[Finding], *, explain: bool = False
) -> dict[str, Any]:
    """``{"shifts": [...], "findings": [...]}`` (and ``decisions`` with ``explain``)."""
    document: dict[str, Any] = {
        **rotation_document(team, result.rotation),
        "findings": [finding_json(f, team) for f in findings],
        "events": [event_json(e, team) for w in result.windows for e in w.events],
        "load": _load_json(result.load),
    }
    if result.optimal is not None:  # planned with --optimal: proven, or the bound came first
        document["optimal"] = result.optimal
    if explain:
        document["decisions"] = [_decision_json(d, team) for d in result.decisions]
        document["after_hours"] = {
            person: {
                "hours": hours(split.total),
                "after_hours": hours(split.after_hours),
                "weekend": hours(split.weekend),
                "holiday": hours(split.holiday),
            }
            for person, split in split_by_person(team, result.rotation).items()
        }
    return document


def _load_json(load: Mapping[str, timedelta]) -> dict[str, float]:
    return {person: hours(time) for person, time in load.items()}


def _decision_json(decision: Decision, team: Team) -> dict[str, Any]:
    return {
        "start": format_instant(decision.start, team.zone),
        "end": format_instant(decision.end, team.zone),
        "people": list(decision.people),
        "kept": decision.kept,
        "passed_over": [{"person": p, "reason": r} for p, r in decision.passed_over],
        "broke_rest": list(decision.broke_rest),
        "why": decision.why,
        "others": decision.others,
    }


def plan_text(
    team: Team, result: PlanResult, findings: Sequence[Finding], *, explain: bool = False
) -> str:
    """The plan for people: shifts in local time, findings, and everyone's load."""
    zone = team.zone
    shifts = result.rotation.shifts
    lines = [
        f"{team.name}: {_plural(len(shifts), 'shift')} for "
        f"{_plural(len(result.windows), 'coverage window')} (times in {team.timezone})",
        "",
    ]
    titles = {e.id: e.title for w in result.windows for e in w.events}
    spans = [format_span(s.start, s.end, zone) for s in shifts]
    width = max(map(len, spans), default=0)
    crews: dict[tuple[str, ...], str] = {}  # the same people are on call again and again
    for shift, span, decision in zip(shifts, spans, result.decisions, strict=True):
        who = crews.get(shift.people)
        if who is None:
            who = people_names(team, shift.people) if shift.people else "NOBODY"
            crews[shift.people] = who
        what = ", ".join(dict.fromkeys(titles.get(e, e) for e in shift.events))
        kept = "  (kept)" if decision.kept else ""
        lines.append(f"{span:<{width}}  {who}  {what}{kept}")
        if explain:
            if decision.why:
                lines.append(f"    why: {decision.why}")
            lines.extend(
                f"    {people_names(team, [p])}: {reason}" for p, reason in decision.passed_over
            )
            if decision.others:
                others = _plural(decision.others, "other")
                lines.append(
                    f"    and {others} further down the order (more on-call time, away or resting)"
                )
            lines.extend(
                f"    {people_names(team, [p])}: picked although it breaks min_rest"
                for p in decision.broke_rest
            )
    lines.append("")
    if findings:
        lines.append(_plural(len(findings), "finding") + ":")
        lines.append(findings_text(findings).rstrip("\n"))
    else:
        lines.append("No findings: every window has its ideal staffing.")
    lines.append("")
    lines.append(
        ("On-call time (history included): " if team.history else "On-call time: ")
        + ", ".join(
            f"{people_names(team, [p.id])} {format_duration(result.load[p.id], days=False)}"
            for p in team.people
        )
    )
    if explain:
        lines += ["", "After hours in this plan (each person's own zone, working hours, holidays):"]
        splits = split_by_person(team, result.rotation)
        for person in team.people:
            split = splits[person.id]
            where = f"{person.working_hours.text} {person.timezone}"
            where += f", holidays {person.holidays}" if person.holidays else ""
            lines.append(
                f"    {person.name}: {format_duration(split.after_hours, days=False)} of "
                f"{format_duration(split.total, days=False)} after hours, "
                f"{format_duration(split.weekend, days=False)} on weekends, "
                f"{format_duration(split.holiday, days=False)} on holidays ({where})"
            )
    return "\n".join(lines) + "\n"
