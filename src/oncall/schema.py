"""The file formats' schema, and the step from a validated file to a Team.

Each section of a file is a frozen dataclass here (`TeamFile`, `PolicyFile`, ...). Each
field says, with `key`, which `Kind` of value it holds: how pydantic-core checks it and
how JSON Schema describes it. From that one declaration `validator` builds the
pydantic-core `SchemaValidator` that checks files (in Rust, every problem at once) and
`json_schema` the JSON Schema that ``oncall schema`` prints for editors.

pydantic-core is used directly rather than through pydantic's models: building the
models' schemas cost about 70 ms at every start of the command (more than all the rest of
``oncall validate``), building this validator costs well under one.

The sections keep local times as written; `build_team` then reads every time in the zone
it belongs to (the event's, else the team's; for PTO the person's) and builds the
domain's `oncall.models.Team`. Errors raised here carry the field path; the loader adds
the file and line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, ClassVar, Final
from zoneinfo import ZoneInfo

from pydantic_core import CoreSchema, SchemaValidator
from pydantic_core import core_schema as cs

from oncall import grammar
from oncall.errors import InputError, Origin, Path, ends_before_start, within
from oncall.grammar import MAX_TEXT, SHIFT_YEARS, YEARS, json_pattern
from oncall.models import (
    HOURS_ENTRY_PATTERN,
    Escalation,
    EscalationStep,
    EventKind,
    EventSpec,
    Holidays,
    Horizon,
    Person,
    Policy,
    Risk,
    Rotation,
    Team,
    TimeOff,
    WorkingHours,
    check_known_people,
    written_event,
    written_shift,
)
from oncall.recurrence import parse_rrule
from oncall.timeutil import (
    MAX_DURATION,
    DateOrTime,
    as_written,
    date_or_datetime_reader,
    format_duration,
    get_zone,
    local_to_utc,
    parse_duration,
    read_instant,
    wall_clock,
    when_text,
)

__all__ = [
    "EventSourceFile",
    "Kind",
    "RotationFile",
    "ShiftFile",
    "SourcesFile",
    "TeamFile",
    "build_rotation",
    "build_team",
    "fields_at",
    "json_schema",
    "team_horizon",
    "validator",
]

MAX_PEOPLE: Final = 10_000
"""More people than this in one team file is refused (no team is that large)."""
MAX_ENTRIES: Final = 500_000
"""More events, time off entries or shifts than this in one file is refused."""


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of value in a file: how pydantic-core checks it and how JSON Schema shows it.

    Attributes:
        core: the pydantic-core schema that validates (and converts) the value.
        json: its JSON Schema.
        section: the file section (a dataclass here) that the value is, or holds.
    """

    core: CoreSchema
    json: Mapping[str, Any]
    section: type | None = None


def _checked(check: Callable[[Any], object], description: str, **json: Any) -> Kind:
    """Values checked and converted by ``check``, which raises `InputError`."""
    return Kind(
        cs.no_info_plain_validator_function(check),
        {"type": "string", "description": description, **json},
    )


def _optional(kind: Kind) -> Kind:
    return Kind(
        cs.nullable_schema(kind.core), {"anyOf": [kind.json, {"type": "null"}]}, kind.section
    )


def _list_of(kind: Kind, *, min_length: int | None = None, max_length: int | None = None) -> Kind:
    json: dict[str, Any] = {"type": "array", "items": kind.json}
    if min_length is not None:
        json["minItems"] = min_length
    if max_length is not None:
        json["maxItems"] = max_length
    core = cs.list_schema(kind.core, min_length=min_length, max_length=max_length, strict=True)
    return Kind(core, json, kind.section)


def _section(cls: type) -> Kind:
    """A mapping whose keys are the fields of the dataclass ``cls``; no other keys."""
    fields: dict[str, cs.TypedDictField] = {}
    for spec in dataclasses.fields(cls):
        kind: Kind = spec.metadata["kind"]
        schema = kind.core
        required = spec.default is MISSING and spec.default_factory is MISSING
        if spec.default is not MISSING:
            schema = cs.with_default_schema(schema, default=spec.default)
        elif spec.default_factory is not MISSING:
            schema = cs.with_default_schema(schema, default_factory=spec.default_factory)
        fields[spec.name] = cs.typed_dict_field(
            schema, required=required, validation_alias=spec.metadata["alias"]
        )
    mapping = cs.typed_dict_schema(fields, extra_behavior="forbid", strict=True)
    return Kind(
        cs.no_info_after_validator_function(lambda data: cls(**data), mapping),
        {"$ref": f"#/$defs/{cls.__name__}"},
        cls,
    )


def key(
    kind: Kind,
    description: str | None = None,
    *,
    default: object = MISSING,
    factory: Callable[[], object] | None = None,
    alias: str | None = None,
) -> Any:
    """A field of a file section: its `Kind`, description, default and key in the file."""
    metadata = {"kind": kind, "description": description, "alias": alias}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _matching(
    pattern: re.Pattern[str] | str, check: Callable[[Any], object], description: str
) -> Kind:
    """Text that ``pattern`` matches whole, read by ``check``: JSON Schema says the same."""
    return _checked(check, description, pattern=json_pattern(pattern))


def _whole(pattern: str, max_length: int | None = None) -> CoreSchema:
    """Text that ``pattern`` (in Rust's regex syntax) matches whole, matched in Rust.

    pydantic-core's default engine, Rust's regex crate, searches, and its ``$`` is the end
    of the text (Python's ``re`` would also match before a final line break).
    """
    return cs.str_schema(strict=True, pattern=f"^(?:{pattern})$", max_length=max_length)


def _fast(kind: Kind, check: Callable[[Any], object], fast: CoreSchema) -> Kind:
    """``kind``, whose common values ``fast`` takes in pydantic-core, without ``check``.

    ``kind`` checks values with ``check`` (in Python); ``fast`` must take only values
    that ``check`` takes, and give what ``check`` gives. The 100,000s of titles, ids,
    people and times of a large file are then read without Python's regular expressions
    (some 0.2 s at 100,000 events); any other value goes to ``check``. One that
    ``check`` refuses is refused in one error that holds ``check`` in its context, for
    `oncall.load` to ask it why (a union's error lists every choice's).
    """
    core = cs.union_schema(
        [fast, kind.core],
        mode="left_to_right",
        custom_error_type="checked",
        custom_error_message="refused by its check",
        # Typed as JSON values, kept as given: as pydantic-core keeps a check's own
        # InputError in its context (``ctx["error"]``), read in `oncall.load`.
        custom_error_context={"check": check},  # type: ignore[dict-item]
    )
    return Kind(core, kind.json, kind.section)


def _slug(value: object) -> str:
    if not isinstance(value, str) or not grammar.SLUG.fullmatch(value):
        raise InputError(
            "expected an id of lowercase letters, digits, '.', '_' and '-', found",
            value=value,
            hint="for example 'apark'",
        )
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("expected text, found", value=value, hint="put it in quotes")
    if not grammar.TEXT.fullmatch(value):
        raise InputError(
            f"expected one line of text (at most {MAX_TEXT} characters), found", value=value
        )
    return value.strip()


def _email(value: object) -> str:
    if not isinstance(value, str) or not grammar.EMAIL.fullmatch(value):
        raise InputError("expected an email address, found", value=value)
    return value.strip()


def _pagerduty_id(value: object) -> str:
    if not isinstance(value, str) or not grammar.PAGERDUTY_ID.fullmatch(value):
        raise InputError("expected a PagerDuty id such as 'PABC123', found", value=value)
    return value


def _notify(value: object) -> str:
    if isinstance(value, str) and value.startswith("schedule:"):
        schedule = value.removeprefix("schedule:")
        if grammar.PAGERDUTY_ID.fullmatch(schedule):
            return value
        raise InputError("malformed PagerDuty schedule id, found", value=schedule)
    try:
        return _slug(value)
    except InputError:
        raise InputError(
            "expected a person id or schedule:<PagerDuty id>, found", value=value
        ) from None


def _zone(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("expected an IANA time zone name, found", value=value)
    return get_zone(value).key


def _pattern(value: object) -> str:
    from oncall.sources import compile_match  # noqa: PLC0415 - only sources with match

    text = _text(value)
    compile_match(text)
    return text


def _choice(kind: type[StrEnum], description: str) -> Kind:
    def check(value: object) -> StrEnum:
        try:
            if isinstance(value, str):
                return kind(value)
        except ValueError:
            pass
        names = ", ".join(repr(str(member)) for member in kind)
        raise InputError(f"expected one of {names}, found", value=value)

    return _checked(check, description, enum=[str(member) for member in kind])


RISK: Final = _choice(Risk, "low < moderate < high")
EVENT_KIND: Final = _choice(EventKind, "what sort of change")
ID: Final = _fast(
    _matching(grammar.SLUG, _slug, "lowercase letters, digits, '.', '_', '-'"),
    _slug,
    _whole(grammar.SLUG.pattern),
)
TEXT: Final = _fast(
    _matching(grammar.TEXT, _text, f"one line of text, at most {MAX_TEXT} characters"),
    _text,
    _whole(grammar.TRIMMED_TEXT, max_length=MAX_TEXT),  # what _text returns as it is
)
EMAIL: Final = _matching(grammar.EMAIL, _email, "an email address")
PAGERDUTY_ID: Final = _matching(grammar.PAGERDUTY_ID, _pagerduty_id, "a PagerDuty user id")
ZONE: Final = _checked(
    _zone, "an IANA time zone name", examples=["America/New_York", "Europe/Berlin"]
)
PATTERN: Final = _checked(_pattern, "a regular expression (RE2 syntax), matched ignoring case")
NOTIFY: Final = _matching(
    f"{grammar.SLUG.pattern}|schedule:{grammar.PAGERDUTY_ID.pattern}",  # its text: never matched
    _notify,
    "a person id, or schedule:<PagerDuty schedule id>",
)
DURATION: Final = Kind(
    cs.no_info_plain_validator_function(parse_duration),
    {
        "description": "elapsed time: 90m, 1h30m, 2h, 1d (24 hours) or ISO 8601 (PT1H30M); "
        "each number of at most 3 (w), 4 (d), 5 (h), 6 (m) or 8 (s) digits",
        "oneOf": [
            {"type": "string", "pattern": json_pattern(grammar.DURATION)},
            {"type": "number", "const": 0},
        ],
        "examples": ["1h", "90m", "PT1H30M"],
    },
)


def _when(years: range, description: str, *, dates: bool = True) -> Kind:
    read = date_or_datetime_reader(years, dates=dates)
    plain = cs.no_info_plain_validator_function(datetime.fromisoformat)  # as ``read`` does
    return _fast(
        _matching(when_text(years, dates=dates), read, description),
        read,
        cs.chain_schema([_whole(grammar.plain_datetime_pattern(years)), plain]),
    )


WHEN: Final = _when(
    YEARS,
    "a date (2026-12-03), a local time (2026-12-03T20:00) or a time with an offset "
    "(2026-12-03T20:00-05:00)",
)
EVENT_TIME: Final = _when(
    YEARS,
    "a local time (2026-12-03T20:00) or a time with an offset (2026-12-03T20:00-05:00)",
    dates=False,
)
SHIFT_TIME: Final = _when(
    SHIFT_YEARS,
    "a local time (2026-12-03T20:00) or a time with an offset (2026-12-03T20:00-05:00)",
    dates=False,
)
DAY: Final = _when(YEARS, "a date (a whole day in the team's zone, an end date included) or a time")
_HOURS_ENTRY_JSON: Final = {
    "type": "string",
    "pattern": HOURS_ENTRY_PATTERN,
    "examples": ["Mon-Fri 09:00-17:00", "Sun-Thu 08:00-16:00"],
}
WORKING_HOURS: Final = Kind(
    cs.no_info_plain_validator_function(WorkingHours.parse),
    {
        "description": "days and local times in the person's own zone: 'Mon-Fri 09:00-17:00', "
        "or a list of such entries ([] for none); an end before the start runs past midnight",
        "anyOf": [_HOURS_ENTRY_JSON, {"type": "array", "items": _HOURS_ENTRY_JSON}],
    },
)
NO_HOLIDAYS: Final = "none"
"""What ``holidays: none`` reads as: no public holidays, whatever the policy says."""


def _holidays(value: object) -> Holidays | str:
    if isinstance(value, str) and value.lower() == NO_HOLIDAYS:
        return NO_HOLIDAYS
    return Holidays.parse(value)


HOLIDAYS: Final = _checked(
    _holidays,
    "public holidays: an ISO 3166 country code and optional subdivision, as the holidays "
    "package knows them; none for no holidays",
    pattern=r"^([A-Za-z]{2}(-[A-Za-z0-9]{1,5})?|[Nn][Oo][Nn][Ee])$",
    examples=["US", "GB-ENG", "DE-BY", "none"],
)
PLAIN_TEXT: Final = Kind(cs.str_schema(strict=True), {"type": "string"})
BOOLEAN: Final = Kind(cs.bool_schema(strict=True), {"type": "boolean"})


def _count(low: int, high: int) -> Kind:
    return Kind(
        cs.int_schema(strict=True, ge=low, le=high),
        {"type": "integer", "minimum": low, "maximum": high},
    )


def _entry_or_file(kind: Kind) -> Kind:
    """A section, or just the text of its ``file`` key."""

    def file_only(value: object) -> object:
        if isinstance(value, str):
            return {"file": value}
        if not isinstance(value, dict):
            raise InputError("expected a file name or a mapping with 'file', found", value=value)
        return value

    return Kind(
        cs.no_info_before_validator_function(file_only, kind.core),
        {"anyOf": [{"type": "string", "description": "the file"}, kind.json]},
        kind.section,
    )


_SECTION: Final = {"slots": True, "kw_only": True, "eq": False, "repr": False}
"""File sections are records that `build_team` reads once: only ``__init__`` is generated
(every method a dataclass generates costs start-up time)."""


@dataclass(**_SECTION)
class PolicyFile:
    """How much coverage risky events need; every key is optional."""

    lead: timedelta = key(
        DURATION, "coverage starts this long before each event", default=timedelta(hours=1)
    )
    lag: timedelta = key(DURATION, "and ends this long after it", default=timedelta(hours=1))
    min_staff: int = key(_count(0, 100), "fewer people on call than this: error", default=1)
    ideal_staff: int = key(_count(1, 100), "fewer people than this: warning", default=2)
    merge_gap: timedelta = key(
        DURATION,
        "windows that overlap, touch or are at most this far apart merge",
        default=timedelta(0),
    )
    risk_threshold: Risk = key(
        RISK, "events below this risk need no coverage", default=Risk.MODERATE
    )
    min_rest: timedelta | None = key(
        _optional(DURATION), "nobody gets two shifts closer together than this", default=None
    )
    max_shift: timedelta | None = key(
        _optional(DURATION), "longer windows are covered by consecutive shifts", default=None
    )
    working_hours: WorkingHours | None = key(
        _optional(WORKING_HOURS),
        "everyone's working hours unless they give their own (default Mon-Fri 09:00-17:00)",
        default=None,
    )
    holidays: Holidays | str | None = key(
        _optional(HOLIDAYS), "everyone's public holidays unless they give their own", default=None
    )


@dataclass(**_SECTION)
class HorizonFile:
    """The stretch that recurrences expand in and planning covers, end date included."""

    start: DateOrTime | None = key(_optional(DAY), default=None)
    end: DateOrTime | None = key(_optional(DAY), default=None)


@dataclass(**_SECTION)
class PersonFile:
    """Someone who can be on call."""

    id: str = key(ID)
    name: str | None = key(_optional(TEXT), default=None)
    email: str | None = key(_optional(EMAIL), default=None)
    timezone: str | None = key(_optional(ZONE), "defaults to the team's", default=None)
    pagerduty_id: str | None = key(
        _optional(PAGERDUTY_ID), "needed for PagerDuty export", default=None
    )
    working_hours: WorkingHours | None = key(
        _optional(WORKING_HOURS), "in their own zone; defaults to the policy's", default=None
    )
    holidays: Holidays | str | None = key(
        _optional(HOLIDAYS),
        "their public holidays (none: none); defaults to the policy's",
        default=None,
    )


@dataclass(**_SECTION)
class TimeOffFile:
    """Time off: dates are whole days in the person's zone (end included); times are exact."""

    person: str = key(ID)
    start: DateOrTime = key(WHEN)
    end: DateOrTime | None = key(
        _optional(WHEN), "inclusive when a date; defaults to the start date", default=None
    )
    note: str | None = key(_optional(TEXT), default=None)


@dataclass(**_SECTION)
class EventFile:
    """A risky event, once or recurring."""

    id: str | None = key(_optional(ID), "derived from the title and start if absent", default=None)
    uid: str | None = key(
        _optional(TEXT),
        "its iCalendar UID, where a calendar source holds it too: it then counts once",
        default=None,
    )
    title: str = key(TEXT)
    kind: EventKind = key(EVENT_KIND, default=EventKind.OTHER)
    risk: Risk = key(RISK, default=Risk.MODERATE)
    start: DateOrTime = key(
        EVENT_TIME, "local time in the event's zone (else the team's), or with offset"
    )
    end: DateOrTime | None = key(_optional(EVENT_TIME), default=None)
    duration: timedelta | None = key(_optional(DURATION), default=None)
    timezone: str | None = key(_optional(ZONE), default=None)
    rrule: str | None = key(
        _optional(TEXT), "an RFC 5545 recurrence rule: FREQ=WEEKLY;BYDAY=TH", default=None
    )
    exdates: list[DateOrTime] = key(
        _list_of(WHEN),
        "occurrences to skip, by local wall-clock time (or date)",
        factory=list,
    )

    def __post_init__(self) -> None:
        if (self.end is None) == (self.duration is None):
            raise InputError("give exactly one of 'end' and 'duration'")


@dataclass(**_SECTION)
class EscalationStepFile:
    """One step: who is notified, and how long before the next step."""

    notify: list[str] = key(
        _list_of(NOTIFY, min_length=1, max_length=10),
        "person ids, or schedule:<PagerDuty schedule id>",
    )
    escalate_after: timedelta = key(DURATION, "whole minutes, at least 1m")


@dataclass(**_SECTION)
class EscalationFile:
    """How incidents escalate: the PagerDuty escalation policy oncall writes."""

    name: str = key(TEXT)
    description: str | None = key(_optional(TEXT), default=None)
    repeat: int = key(_count(0, 9), "times the escalation repeats after its last step", default=0)
    steps: list[EscalationStepFile] = key(_list_of(_section(EscalationStepFile), min_length=1))


@dataclass(**_SECTION)
class EventSourceFile:
    """An iCalendar file whose events are risky events."""

    file: str = key(TEXT, "path relative to the team file")
    kind: EventKind | None = key(
        _optional(EVENT_KIND), "the kind of every event (else from CATEGORIES)", default=None
    )
    risk: Risk | None = key(
        _optional(RISK), "the risk of every event (else from CATEGORIES)", default=None
    )
    match: str | None = key(_optional(PATTERN), "only events whose SUMMARY matches", default=None)


@dataclass(**_SECTION)
class TimeOffSourceFile:
    """An iCalendar file of time off: one person's, or a team's matched by email or name."""

    file: str = key(TEXT, "path relative to the team file")
    person: str | None = key(_optional(ID), "every event is this person's time off", default=None)
    match_attendee: bool = key(BOOLEAN, "people by ATTENDEE or ORGANIZER email", default=False)
    match_name: bool = key(BOOLEAN, "people by their name in SUMMARY", default=False)

    def __post_init__(self) -> None:
        if sum((self.person is not None, self.match_attendee, self.match_name)) != 1:
            raise InputError("give exactly one of 'person', 'match_attendee' and 'match_name'")


@dataclass(**_SECTION)
class SourcesFile:
    """iCalendar files the team already keeps: releases and time off."""

    events: list[EventSourceFile] = key(
        _list_of(_entry_or_file(_section(EventSourceFile))),
        "files (or {file, kind, risk, match}) of risky events",
        factory=list,
    )
    pto: list[TimeOffSourceFile] = key(_list_of(_section(TimeOffSourceFile)), factory=list)


@dataclass(**_SECTION)
class TeamFile:
    """A team file: who is on call, when they are away, and the risky events."""

    title: ClassVar[str] = "oncall team file"

    schema_url: str | None = key(
        _optional(PLAIN_TEXT), "for editors", default=None, alias="$schema"
    )
    team: str = key(TEXT, "a short name: calendar names, UIDs, messages")
    email: str | None = key(_optional(EMAIL), "the calendar's ORGANIZER", default=None)
    timezone: str = key(ZONE, "local times without an offset are read here")
    policy: PolicyFile = key(_section(PolicyFile), factory=PolicyFile)
    horizon: HorizonFile = key(_section(HorizonFile), factory=HorizonFile)
    people: list[PersonFile] = key(
        _list_of(_section(PersonFile), max_length=MAX_PEOPLE), factory=list
    )
    pto: list[TimeOffFile] = key(
        _list_of(_section(TimeOffFile), max_length=MAX_ENTRIES), factory=list
    )
    events: list[EventFile] = key(
        _list_of(_section(EventFile), max_length=MAX_ENTRIES), factory=list
    )
    sources: SourcesFile | None = key(
        _optional(_section(SourcesFile)), "iCalendar files of events and time off", default=None
    )
    history: dict[str, timedelta] = key(
        Kind(
            cs.dict_schema(ID.core, DURATION.core, strict=True),
            {"type": "object", "propertyNames": ID.json, "additionalProperties": DURATION.json},
        ),
        "on-call time already served, per person id",
        factory=dict,
    )
    escalation: EscalationFile | None = key(
        _optional(_section(EscalationFile)),
        "how incidents escalate, for the PagerDuty escalation policy",
        default=None,
    )


@dataclass(**_SECTION)
class ShiftFile:
    """Who is on call from ``start`` to ``end``."""

    start: DateOrTime = key(SHIFT_TIME)
    end: DateOrTime = key(SHIFT_TIME)
    # Not `ID`: a name that is no id at all ("APark") is an unknown person, a finding
    # with a suggestion (SPEC 5); text that could not be anyone's name is an input error.
    people: list[str] = key(_list_of(TEXT), "person ids, ordered: primary, secondary, ...")
    events: list[str] = key(_list_of(TEXT), "informational", factory=list)


@dataclass(**_SECTION)
class RotationFile:
    """A rotation file: who is on call when."""

    title: ClassVar[str] = "oncall rotation file"

    schema_url: str | None = key(
        _optional(PLAIN_TEXT), "for editors", default=None, alias="$schema"
    )
    shifts: list[ShiftFile] = key(
        _list_of(_section(ShiftFile), max_length=MAX_ENTRIES), factory=list
    )


_VALIDATORS: Final[dict[type, SchemaValidator]] = {}


def validator(section: type) -> SchemaValidator:
    """The validator of a whole file whose top section is ``section`` (built once)."""
    if section not in _VALIDATORS:
        _VALIDATORS[section] = SchemaValidator(_section(section).core)
    return _VALIDATORS[section]


def fields_at(section: type, path: Path) -> list[str]:
    """The keys allowed at ``path`` inside a file whose top is ``section``, for hints."""
    current: type | None = section
    for part in path:
        if isinstance(part, int):
            continue
        spec = _field_by_key(current, part) if current is not None else None
        current = spec.metadata["kind"].section if spec is not None else None
    if current is None:
        return []
    return [spec.metadata["alias"] or spec.name for spec in dataclasses.fields(current)]


def _field_by_key(section: type, name: str) -> dataclasses.Field[Any] | None:
    for spec in dataclasses.fields(section):
        if name in (spec.name, spec.metadata["alias"]):
            return spec
    return None


def json_schema(section: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file whose top section is ``section``."""
    definitions: dict[str, Any] = {}
    top = _json_section(section, definitions)
    del definitions[section.__name__]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": getattr(section, "title", section.__name__),
        **top,
        "$defs": dict(sorted(definitions.items())),
    }


def _json_section(section: type, definitions: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    for spec in dataclasses.fields(section):
        kind: Kind = spec.metadata["kind"]
        name = spec.metadata["alias"] or spec.name
        if kind.section is not None and kind.section.__name__ not in definitions:
            definitions[kind.section.__name__] = {}  # no endless recursion
            definitions[kind.section.__name__] = _json_section(kind.section, definitions)
        schema = dict(kind.json)
        if spec.metadata["description"]:
            schema["description"] = spec.metadata["description"]
        if spec.default is not MISSING:
            schema["default"] = _json_value(spec.default)
        elif spec.default_factory in (list, dict):
            schema["default"] = _json_value(spec.default_factory())
        elif spec.default_factory is MISSING:
            required.append(name)
        properties[name] = schema
    shape = {
        "type": "object",
        "description": (section.__doc__ or "").strip(),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    definitions[section.__name__] = shape
    return shape


def _json_value(value: object) -> object:
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, StrEnum):
        return str(value)
    return value


def _instant(value: DateOrTime, zone_name: str, path: Path, key: str) -> datetime:
    """``value`` at field ``key`` of the entry at ``path`` (its path built for errors only)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)  # exact: no zone to read it in, nothing to go wrong
    if not isinstance(value, datetime):
        raise InputError(
            "expected a date and time, found",
            value=value.isoformat(),
            path=(*path, key),
            hint="for example 2026-12-03T20:00",
        )
    with within(*path, key):
        return local_to_utc(value, get_zone(zone_name))


_NO_TIME: Final = timedelta(0)


def _event(
    index: int, event: EventFile, team_zone: str, place: Callable[[Path], Origin]
) -> EventSpec:
    path: Path = ("events", index)
    zone_name = event.timezone or team_zone
    start = _instant(event.start, zone_name, path, "start")
    if event.end is not None:
        duration = _instant(event.end, zone_name, path, "end") - start
        if duration > MAX_DURATION:
            raise InputError(
                f"the event lasts longer than {MAX_DURATION.days:,} days, found",
                value=as_written(event.end),
                path=(*path, "end"),
            )
        if duration <= _NO_TIME:
            raise ends_before_start(
                "the event",
                as_written(event.end),
                as_written(event.start),
                also=", or a duration",
                path=(*path, "end"),
            )
    else:
        assert event.duration is not None  # noqa: S101 - the model requires one of them
        duration = event.duration
        if duration <= _NO_TIME:
            raise InputError("must be longer than zero", value="0", path=(*path, "duration"))
    if event.rrule is not None:
        local_start = wall_clock(start, get_zone(zone_name))
        parse_rrule(event.rrule, local_start, get_zone(zone_name), path=(*path, "rrule"))
    return written_event(
        event.title,
        start,
        duration,
        zone_name,
        event.id,
        event.kind,
        event.risk,
        event.rrule,
        tuple(event.exdates),
        place(path),
        event.uid,
    )


def _time_off(index: int, entry: TimeOffFile, zones: dict[str, str]) -> TimeOff:
    path: Path = ("pto", index)
    zone = get_zone(zones[entry.person])  # known: build_team checked
    with within(*path, "start"):
        start = read_instant(entry.start, zone)
    end_value = entry.end
    if end_value is None:
        if isinstance(entry.start, datetime):
            raise InputError("time off that starts at a time needs an end", path=(*path, "end"))
        end_value = entry.start
    with within(*path, "end"):
        end = read_instant(end_value, zone, end_of_date=True)
    if end <= start:
        raise ends_before_start(
            "time off", as_written(end_value), as_written(entry.start), path=(*path, "end")
        )
    return TimeOff(entry.person, start, end, entry.note)


def _escalation(data: EscalationFile | None) -> Escalation | None:
    if data is None:
        return None
    steps = []
    for index, step in enumerate(data.steps):
        minutes = step.escalate_after / timedelta(minutes=1)
        if minutes < 1 or minutes != int(minutes):
            raise InputError(
                "must be whole minutes, at least 1m, found",
                value=format_duration(step.escalate_after),
                path=("escalation", "steps", index, "escalate_after"),
            )
        steps.append(EscalationStep(tuple(step.notify), step.escalate_after))
    return Escalation(data.name, tuple(steps), data.repeat, data.description)


def _horizon(horizon: HorizonFile, zone: ZoneInfo) -> Horizon:
    bounds: list[datetime | None] = []
    for key, value in (("start", horizon.start), ("end", horizon.end)):
        if value is None:
            bounds.append(None)
            continue
        with within("horizon", key):
            bounds.append(read_instant(value, zone, end_of_date=key == "end"))
    start, end = bounds
    if start is not None and end is not None and end <= start:
        assert horizon.start is not None  # noqa: S101 - as the bounds
        assert horizon.end is not None  # noqa: S101 - as the bounds
        raise ends_before_start(
            "the horizon",
            as_written(horizon.end),
            as_written(horizon.start),
            path=("horizon", "end"),
        )
    return Horizon(start, end)


def _placed_holidays(
    holidays: Holidays | str | None,
    origin: Callable[[], Origin],
    default: Holidays | None = None,
) -> Holidays | None:
    """The holidays, with where they were written (``origin`` asked only then).

    ``default`` when none are given; ``None`` for ``none``. A person's line is a deep
    path (`oncall.formats.Document`): asking for it for every person would read a large
    file a second time.
    """
    if holidays is None:
        return default
    if not isinstance(holidays, Holidays):  # NO_HOLIDAYS
        return None
    return dataclasses.replace(holidays, origin=origin())


Imports = Callable[[Team], tuple[Sequence[EventSpec], Sequence[TimeOff], Sequence[str]]]
"""Given the team's people, zone and horizon: the events and time off its calendar
sources hold within that horizon, and the sources' names (`oncall.load` reads them)."""


def team_horizon(data: TeamFile) -> Horizon:
    """The horizon a validated team file gives (dates whole days in the team's zone)."""
    return _horizon(data.horizon, get_zone(data.timezone))


def build_team(
    data: TeamFile,
    *,
    place: Callable[[Path], Origin] = Origin,
    horizon: Horizon | None = None,
    imports: Imports | None = None,
) -> Team:
    """Read every time in a validated team file in its zone and build the `Team`.

    Args:
        data: the validated file.
        place: where the entry at a field path was written (file and line), for the
            errors that expanding events can raise later.
        horizon: replaces the file's horizon.
        imports: reads the calendar sources; their events and time off join the file's.

    Raises:
        InputError: with the field path of the first problem: an ambiguous or
            nonexistent local time, an end before its start, an unknown person, a
            duplicate id, an invalid recurrence rule or policy.
    """
    team_zone = data.timezone
    policy_file = data.policy
    with within("policy"):
        policy = Policy(
            lead=policy_file.lead,
            lag=policy_file.lag,
            min_staff=policy_file.min_staff,
            ideal_staff=policy_file.ideal_staff,
            merge_gap=policy_file.merge_gap,
            risk_threshold=policy_file.risk_threshold,
            min_rest=policy_file.min_rest,
            max_shift=policy_file.max_shift,
            working_hours=policy_file.working_hours or WorkingHours(),
            holidays=_placed_holidays(policy_file.holidays, lambda: place(("policy", "holidays"))),
        )
    if horizon is None:
        horizon = team_horizon(data)
    people = tuple(
        Person(
            id=p.id,
            name=p.name or p.id,
            email=p.email,
            timezone=p.timezone or team_zone,
            pagerduty_id=p.pagerduty_id,
            working_hours=p.working_hours or policy.working_hours,
            holidays=_placed_holidays(
                p.holidays, partial(place, ("people", i, "holidays")), policy.holidays
            ),
        )
        for i, p in enumerate(data.people)
    )
    zones = {p.id: p.timezone or team_zone for p in people}
    check_known_people(
        [(entry.person, ("pto", i, "person")) for i, entry in enumerate(data.pto)], zones
    )  # every unknown person at once, before their time off is read in their zone
    # The team without its time off and events: what reading the calendars needs.
    team = Team(data.team, team_zone, people, policy=policy, horizon=horizon, email=data.email)
    time_off = [_time_off(i, entry, zones) for i, entry in enumerate(data.pto)]
    events = [_event(i, event, team_zone, place) for i, event in enumerate(data.events)]
    sources: Sequence[str] = ()
    if imports is not None:
        more_events, more_time_off, sources = imports(team)
        events += more_events
        time_off += more_time_off
    return replace(
        team,
        escalation=_escalation(data.escalation),
        time_off=tuple(time_off),
        events=tuple(events),
        history=dict(data.history),
        sources=tuple(sources),
    )


def build_rotation(
    data: RotationFile, team: Team, place: Callable[[Path], Origin] = Origin
) -> Rotation:
    """Read every time in a validated rotation file in the team's zone.

    ``place`` makes each shift's origin from its field path, as for `build_team`.

    People are kept as written: unknown or repeated people are findings for the checker,
    not input errors.

    Raises:
        InputError: with the field path of an ambiguous or nonexistent local time, a
            date without a time, or a shift that ends before it starts.
    """
    shifts = []
    for index, shift in enumerate(data.shifts):
        path: Path = ("shifts", index)
        start = _instant(shift.start, team.timezone, path, "start")
        end = _instant(shift.end, team.timezone, path, "end")
        if end <= start:
            raise ends_before_start(
                "the shift", as_written(shift.end), as_written(shift.start), path=(*path, "end")
            )
        shifts.append(
            written_shift(start, end, tuple(shift.people), tuple(shift.events), place(path))
        )
    return Rotation(tuple(shifts))
