"""The file formats' schema (pydantic), and the step from a validated file to a Team.

`TeamFile` and `RotationFile` say what a team or rotation file may contain;
``oncall schema`` prints them as JSON Schema so editors can complete and check files.
They keep local times as written; `build_team` then reads every time in the zone
it belongs to (the event's, else the team's; for PTO the person's) and builds the
domain's `oncall.models.Team`. Errors raised here carry the field path; the
loader adds the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from oncall.errors import InputError, Origin, Path, within
from oncall.models import (
    Escalation,
    EscalationStep,
    EventKind,
    EventSpec,
    Horizon,
    Person,
    Policy,
    Risk,
    Rotation,
    Shift,
    Team,
    TimeOff,
    check_known_person,
)
from oncall.recurrence import parse_rrule
from oncall.timeutil import (
    DateOrTime,
    format_duration,
    get_zone,
    local_to_utc,
    parse_date_or_datetime,
    parse_duration,
    read_instant,
)

__all__ = [
    "RotationFile",
    "ShiftFile",
    "TeamFile",
    "build_rotation",
    "build_team",
    "json_schema",
]

MAX_PEOPLE: Final = 10_000
"""More people than this in one team file is refused (no team is that large)."""
MAX_ENTRIES: Final = 500_000
"""More events, time off entries or shifts than this in one file is refused."""
SLUG: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_EMAIL: Final = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
_PAGERDUTY_ID: Final = re.compile(r"[A-Z0-9]{2,32}")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _slug(value: object) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise InputError(
            "expected an id of lowercase letters, digits, '.', '_' and '-', found",
            value=value,
            hint="for example 'apark'",
        )
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("expected text, found", value=value, hint="put it in quotes")
    text = value.strip()
    if not text or _CONTROL.search(text) or len(text) > 500:
        raise InputError("expected one line of text (at most 500 characters), found", value=value)
    return text


def _email(value: object) -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise InputError("expected an email address, found", value=value)
    return value.strip()


def _pagerduty_id(value: object) -> str:
    if not isinstance(value, str) or not _PAGERDUTY_ID.fullmatch(value):
        raise InputError("expected a PagerDuty id such as 'PABC123', found", value=value)
    return value


def _notify(value: object) -> str:
    if isinstance(value, str) and value.startswith("schedule:"):
        schedule = value.removeprefix("schedule:")
        if re.fullmatch(r"[A-Z0-9]{2,32}", schedule):
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


def _choice(kind: type[StrEnum]) -> Callable[[object], StrEnum]:
    def check(value: object) -> StrEnum:
        try:
            if isinstance(value, str):
                return kind(value)
        except ValueError:
            pass
        names = ", ".join(repr(str(member)) for member in kind)
        raise InputError(f"expected one of {names}, found", value=value)

    return check


def _schema(kind: str, description: str, **extra: Any) -> WithJsonSchema:
    return WithJsonSchema({"type": kind, "description": description, **extra})


RiskLevel = Annotated[
    Risk,
    BeforeValidator(_choice(Risk)),
    _schema("string", "low < moderate < high", enum=[str(r) for r in Risk]),
]
Kind = Annotated[
    EventKind,
    BeforeValidator(_choice(EventKind)),
    _schema("string", "what sort of change", enum=[str(k) for k in EventKind]),
]
Slug = Annotated[
    str,
    BeforeValidator(_slug),
    _schema("string", "lowercase letters, digits, '.', '_', '-'", pattern=f"^{SLUG.pattern}$"),
]
Text = Annotated[str, BeforeValidator(_text), _schema("string", "one line of text", minLength=1)]
Email = Annotated[
    str, BeforeValidator(_email), _schema("string", "an email address", format="email")
]
PagerDutyId = Annotated[
    str,
    BeforeValidator(_pagerduty_id),
    _schema("string", "a PagerDuty user id", examples=["PABC123"]),
]
Zone = Annotated[
    str,
    BeforeValidator(_zone),
    _schema("string", "an IANA time zone name", examples=["America/New_York", "Europe/Berlin"]),
]
Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "description": "elapsed time: 90m, 1h30m, 2h, 1d (24 hours) or ISO 8601 (PT1H30M)",
            "oneOf": [
                {"type": "string", "pattern": r"^(\d+\s*[dhms]\s*)+$|^[Pp].+$"},
                {"const": 0},
            ],
            "examples": ["1h", "90m", "PT1H30M"],
        }
    ),
]
When = Annotated[
    date | datetime,
    BeforeValidator(parse_date_or_datetime),
    _schema(
        "string",
        "a date (2026-12-03), a local time (2026-12-03T20:00) or a time with an offset "
        "(2026-12-03T20:00-05:00)",
        pattern=r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    ),
]
Day = Annotated[
    date | datetime,
    BeforeValidator(parse_date_or_datetime),
    _schema("string", "a date: a whole day in the team's zone", format="date"),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PolicyFile(_Model):
    """How much coverage risky events need; every key is optional."""

    lead: Duration = Field(
        timedelta(hours=1), description="coverage starts this long before each event"
    )
    lag: Duration = Field(timedelta(hours=1), description="and ends this long after it")
    min_staff: int = Field(1, ge=0, le=100, description="fewer people on call than this: error")
    ideal_staff: int = Field(2, ge=1, le=100, description="fewer people than this: warning")
    merge_gap: Duration = Field(
        timedelta(0), description="windows that overlap, touch or are at most this far apart merge"
    )
    risk_threshold: RiskLevel = Field(
        Risk.MODERATE, description="events below this risk need no coverage"
    )
    min_rest: Duration | None = Field(
        None, description="nobody gets two shifts closer together than this"
    )
    max_shift: Duration | None = Field(
        None, description="longer windows are covered by consecutive shifts"
    )


class HorizonFile(_Model):
    """The stretch that recurrences expand in and planning covers, end date included."""

    start: Day | None = None
    end: Day | None = None


class PersonFile(_Model):
    """Someone who can be on call."""

    id: Slug
    name: Text | None = None
    email: Email | None = None
    timezone: Zone | None = Field(None, description="defaults to the team's")
    pagerduty_id: PagerDutyId | None = Field(None, description="needed for PagerDuty export")


class TimeOffFile(_Model):
    """Time off: dates are whole days in the person's zone (end included); times are exact."""

    person: Slug
    start: When
    end: When | None = Field(None, description="inclusive when a date; defaults to the start date")
    note: Text | None = None


class EventFile(_Model):
    """A risky event, once or recurring."""

    id: Slug | None = Field(None, description="derived from the title and start if absent")
    title: Text
    kind: Kind = EventKind.OTHER
    risk: RiskLevel = Risk.MODERATE
    start: When = Field(
        description="local time in the event's zone (else the team's), or with offset"
    )
    end: When | None = None
    duration: Duration | None = None
    timezone: Zone | None = None
    rrule: Text | None = Field(
        None, description="an RFC 5545 recurrence rule: FREQ=WEEKLY;BYDAY=TH"
    )
    exdates: list[When] = Field(
        default_factory=list, description="occurrences to skip, by local wall-clock time (or date)"
    )

    @model_validator(mode="after")
    def _end_or_duration(self) -> EventFile:
        if (self.end is None) == (self.duration is None):
            raise InputError("give exactly one of 'end' and 'duration'")
        return self


class EscalationStepFile(_Model):
    """One step: who is notified, and how long before the next step."""

    notify: list[Annotated[str, BeforeValidator(_notify)]] = Field(
        min_length=1,
        max_length=10,
        description="person ids, or schedule:<PagerDuty schedule id>",
    )
    escalate_after: Duration = Field(description="whole minutes, at least 1m")


class EscalationFile(_Model):
    """How incidents escalate: the PagerDuty escalation policy oncall writes."""

    name: Text
    description: Text | None = None
    repeat: int = Field(
        0, ge=0, le=9, description="times the escalation repeats after its last step"
    )
    steps: list[EscalationStepFile] = Field(min_length=1)


def _pattern(value: object) -> str:
    text = _text(value)
    try:
        re.compile(text)
    except re.error as exc:
        raise InputError(f"invalid regular expression ({exc})", value=value) from exc
    return text


Pattern = Annotated[str, BeforeValidator(_pattern), _schema("string", "a regular expression")]


class EventSourceFile(_Model):
    """An iCalendar file whose events are risky events."""

    file: Text = Field(description="path relative to the team file")
    kind: Kind | None = Field(None, description="the kind of every event (else from CATEGORIES)")
    risk: RiskLevel | None = Field(
        None, description="the risk of every event (else from CATEGORIES)"
    )
    match: Pattern | None = Field(None, description="only events whose SUMMARY matches")


class TimeOffSourceFile(_Model):
    """An iCalendar file of time off: one person's, or a team's matched by email or name."""

    file: Text = Field(description="path relative to the team file")
    person: Slug | None = Field(None, description="every event is this person's time off")
    match_attendee: bool = Field(False, description="people by ATTENDEE or ORGANIZER email")
    match_name: bool = Field(False, description="people by their name in SUMMARY")

    @model_validator(mode="after")
    def _one_way(self) -> TimeOffSourceFile:
        if sum((self.person is not None, self.match_attendee, self.match_name)) != 1:
            raise InputError("give exactly one of 'person', 'match_attendee' and 'match_name'")
        return self


class SourcesFile(_Model):
    """iCalendar files the team already keeps: releases and time off."""

    events: list[Text | EventSourceFile] = Field(
        default_factory=list, description="files (or {file, kind, risk, match}) of risky events"
    )
    pto: list[TimeOffSourceFile] = Field(default_factory=list)


class TeamFile(_Model):
    """A team file: who is on call, when they are away, and the risky events."""

    model_config = ConfigDict(title="oncall team file")

    schema_url: str | None = Field(None, alias="$schema", description="for editors")
    team: Text = Field(description="a short name: calendar names, UIDs, messages")
    email: Email | None = Field(None, description="the calendar's ORGANIZER")
    timezone: Zone = Field(description="local times without an offset are read here")
    policy: PolicyFile = Field(default_factory=PolicyFile)
    horizon: HorizonFile = Field(default_factory=HorizonFile)
    people: list[PersonFile] = Field(default_factory=list, max_length=MAX_PEOPLE)
    pto: list[TimeOffFile] = Field(default_factory=list, max_length=MAX_ENTRIES)
    events: list[EventFile] = Field(default_factory=list, max_length=MAX_ENTRIES)
    sources: SourcesFile | None = Field(None, description="iCalendar files of events and time off")
    history: dict[Slug, Duration] = Field(
        default_factory=dict, description="on-call time already served, per person id"
    )
    escalation: EscalationFile | None = Field(
        None, description="how incidents escalate, for the PagerDuty escalation policy"
    )


class ShiftFile(_Model):
    """Who is on call from ``start`` to ``end``."""

    start: When
    end: When
    people: list[str] = Field(description="person ids, ordered: primary, secondary, ...")
    events: list[str] = Field(default_factory=list, description="informational")


class RotationFile(_Model):
    """A rotation file: who is on call when."""

    model_config = ConfigDict(title="oncall rotation file")

    schema_url: str | None = Field(None, alias="$schema", description="for editors")
    shifts: list[ShiftFile] = Field(default_factory=list, max_length=MAX_ENTRIES)


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file model."""
    schema = model.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _instant(value: DateOrTime, zone_name: str, path: Path) -> datetime:
    if not isinstance(value, datetime):
        raise InputError(
            "expected a date and time, found",
            value=value.isoformat(),
            path=path,
            hint="for example 2026-12-03T20:00",
        )
    with within(*path):
        return local_to_utc(value, get_zone(zone_name))


def _event(index: int, event: EventFile, team_zone: str) -> EventSpec:
    path: Path = ("events", index)
    zone_name = event.timezone or team_zone
    start = _instant(event.start, zone_name, (*path, "start"))
    if event.end is not None:
        duration = _instant(event.end, zone_name, (*path, "end")) - start
        if duration <= timedelta(0):
            raise InputError(
                "the end is not after the start", value=str(event.end), path=(*path, "end")
            )
    else:
        assert event.duration is not None  # noqa: S101 - the model requires one of them
        duration = event.duration
        if duration <= timedelta(0):
            raise InputError("must be longer than zero", value="0", path=(*path, "duration"))
    if event.rrule is not None:
        local_start = start.astimezone(get_zone(zone_name)).replace(tzinfo=None)
        parse_rrule(event.rrule, local_start, path=(*path, "rrule"))
    return EventSpec(
        title=event.title,
        start=start,
        duration=duration,
        timezone=zone_name,
        id=event.id,
        kind=event.kind,
        risk=event.risk,
        rrule=event.rrule,
        exdates=tuple(event.exdates),
        origin=Origin(path),
    )


def _time_off(index: int, entry: TimeOffFile, zones: dict[str, str]) -> TimeOff:
    path: Path = ("pto", index)
    check_known_person(entry.person, zones, (*path, "person"))
    zone = get_zone(zones[entry.person])
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
        raise InputError(
            "time off ends before it starts", value=end_value.isoformat(), path=(*path, "end")
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
        raise InputError(
            "the horizon ends before it starts, at", value=str(horizon.end), path=("horizon", "end")
        )
    return Horizon(start, end)


def build_team(data: TeamFile) -> Team:
    """Read every time in a validated team file in its zone and build the `Team`.

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
        )
    horizon = _horizon(data.horizon, get_zone(team_zone))
    people = tuple(
        Person(
            id=p.id,
            name=p.name or p.id,
            email=p.email,
            timezone=p.timezone or team_zone,
            pagerduty_id=p.pagerduty_id,
        )
        for p in data.people
    )
    zones = {p.id: p.timezone for p in people}
    return Team(
        escalation=_escalation(data.escalation),
        name=data.team,
        timezone=team_zone,
        email=data.email,
        policy=policy,
        horizon=horizon,
        people=people,
        time_off=tuple(_time_off(i, entry, zones) for i, entry in enumerate(data.pto)),
        events=tuple(_event(i, event, team_zone) for i, event in enumerate(data.events)),
        history=dict(data.history),
    )


def build_rotation(data: RotationFile, team: Team) -> Rotation:
    """Read every time in a validated rotation file in the team's zone.

    People are kept as written: unknown or repeated people are findings for the checker,
    not input errors.

    Raises:
        InputError: with the field path of an ambiguous or nonexistent local time, a
            date without a time, or a shift that ends before it starts.
    """
    shifts = []
    for index, shift in enumerate(data.shifts):
        path: Path = ("shifts", index)
        start = _instant(shift.start, team.timezone, (*path, "start"))
        end = _instant(shift.end, team.timezone, (*path, "end"))
        if end <= start:
            raise InputError(
                "the shift ends before it starts, at", value=str(shift.end), path=(*path, "end")
            )
        shifts.append(Shift(start, end, tuple(shift.people), tuple(shift.events), Origin(path)))
    return Rotation(tuple(shifts))
