"""Rotation -> PagerDuty REST API v2 request documents: schedule overrides, escalation policy.

A classic PagerDuty schedule has one person on call at a time, so a team that wants two
keeps a primary and a secondary schedule. The n-th schedule given gets the n-th person of
each shift as an override; back-to-back overrides of one user on one schedule are joined,
and each request carries at most `MAX_OVERRIDES` overrides.

Documents are ``{"requests": [{"method", "path", "body"}]}``; every body follows the
official OpenAPI description (``POST /schedules/{id}/overrides`` and
``POST /escalation_policies``), which the tests check it against.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from typing import Any, Final

from oncall.errors import InputError, Path
from oncall.grammar import PAGERDUTY_ID
from oncall.models import Escalation, Rotation, Shift, Team
from oncall.timeutil import format_instant, format_span

__all__ = [
    "MAX_OVERRIDES",
    "SCHEDULE_ID",
    "Override",
    "Overrides",
    "PlannedOverrides",
    "escalation_policy",
    "override_body",
    "overrides_requests",
    "planned_overrides",
    "policy_body",
    "to_pagerduty",
    "to_pagerduty_json",
]

MAX_OVERRIDES: Final = 100
"""The most overrides one request body carries."""
SCHEDULE_ID: Final = PAGERDUTY_ID
"""A PagerDuty schedule id: `oncall.grammar.PAGERDUTY_ID`, as the team file's ids."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """The request document, and notes for the person running the export.

    Attributes:
        document: ``{"requests": [...]}``, ready to send.
        notes: what was left to the schedules' normal rotations, or left out.
    """

    document: dict[str, Any]
    notes: tuple[str, ...]


def _check_schedules(team: Team, schedules: Sequence[str]) -> None:
    if not schedules:
        raise InputError("give at least one schedule", path=("--schedule",))
    for schedule in schedules:
        if not SCHEDULE_ID.fullmatch(schedule):
            raise InputError(
                "malformed PagerDuty schedule id",
                value=schedule,
                path=("--schedule",),
                hint="ids are capital letters and digits, such as 'PABC123'",
            )
    if len(set(schedules)) != len(schedules):
        raise InputError(
            "the same schedule is given twice", value=list(schedules), path=("--schedule",)
        )
    if len(schedules) > team.policy.ideal_staff:
        raise InputError(
            f"more schedules than ideal_staff ({team.policy.ideal_staff}) people to fill them",
            value=list(schedules),
            path=("--schedule",),
        )


def _user(team: Team, shift: Shift, position: int) -> str:
    person_id = shift.people[position]
    person = team.person(person_id)
    if person is not None and person.pagerduty_id is not None:
        return person.pagerduty_id
    where = shift.origin.child("people", position)
    if person is None:
        raise where.error(
            "this person is not in the team file's people, so has no pagerduty_id", person_id
        )
    index = team.people.index(person)
    raise where.error(
        f"{person.name} (id {person.id!r}) is on call here but has no pagerduty_id",
        hint=f"add their PagerDuty user id as people[{index}].pagerduty_id in the team file",
    )


@dataclass(frozen=True, slots=True)
class Override:
    """One override on one PagerDuty schedule: ``user`` on call over ``[start, end)``.

    Attributes:
        schedule: the schedule's id.
        start: when it starts (aware, UTC).
        end: when it ends (aware, UTC).
        user: the PagerDuty user's id.
        id: PagerDuty's id of an override read back from PagerDuty (``None`` when planned).
    """

    schedule: str
    start: datetime
    end: datetime
    user: str
    id: str | None = None

    @property
    def key(self) -> tuple[str, datetime, datetime, str]:
        """What makes two overrides the same, whoever made them."""
        return (self.schedule, self.start, self.end, self.user)


@dataclass(frozen=True, slots=True)
class PlannedOverrides:
    """The overrides a rotation asks for, and notes for the person sending them.

    Attributes:
        schedules: the schedule ids, primary first.
        overrides: per schedule in order, sorted by time; back-to-back runs joined.
        notes: what was left to the schedules' normal rotations, or left out.
    """

    schedules: tuple[str, ...]
    overrides: tuple[Override, ...]
    notes: tuple[str, ...]


_Run = tuple[datetime, datetime, str]
"""One override before it is one: start, end, PagerDuty user id."""


def planned_overrides(team: Team, rotation: Rotation, schedules: Sequence[str]) -> PlannedOverrides:
    """Overrides for each schedule: the n-th schedule takes the n-th person of each shift.

    Raises:
        InputError: a malformed or repeated schedule id, more schedules than
            ``ideal_staff``, or a person on a shift without a ``pagerduty_id``.
    """
    runs, notes = _runs(team, rotation, schedules)
    overrides = [Override(schedule, *run) for schedule, mine in runs.items() for run in mine]
    return PlannedOverrides(tuple(schedules), tuple(overrides), notes)


def _runs(
    team: Team, rotation: Rotation, schedules: Sequence[str]
) -> tuple[dict[str, list[_Run]], tuple[str, ...]]:
    """`planned_overrides` as plain tuples: an `Override` each cost more than its body."""
    _check_schedules(team, schedules)
    zone = team.zone
    shifts = sorted(rotation.shifts, key=lambda s: (s.start, s.end))
    runs: dict[str, list[_Run]] = {}
    notes = []
    for position, schedule in enumerate(schedules):
        mine = runs[schedule] = []
        left = []
        for shift in shifts:
            if len(shift.people) <= position:
                left.append(shift)
                continue
            user = _user(team, shift, position)
            if mine and mine[-1][2] == user and mine[-1][1] == shift.start:
                mine[-1] = (mine[-1][0], shift.end, user)
            else:
                mine.append((shift.start, shift.end, user))
        if left:
            spans = ", ".join(format_span(s.start, s.end, zone) for s in left[:3])
            more = f" and {len(left) - 3} more" if len(left) > 3 else ""
            notes.append(
                f"{len(left)} shift(s) have no person {position + 1}, so schedule {schedule} "
                f"keeps its normal rotation then: {spans}{more}"
            )
    beyond = sum(1 for s in rotation.shifts if len(s.people) > len(schedules))
    if beyond:
        notes.append(
            f"{beyond} shift(s) have more people than schedules ({len(schedules)}); "
            "the people beyond the last schedule are left out"
        )
    return runs, tuple(notes)


def override_body(team: Team, override: Override) -> dict[str, Any]:
    """One override as ``POST /schedules/{id}/overrides`` takes it, in the team's zone."""
    return _Bodies(team).body(override.start, override.end, override.user)


class _Bodies:
    """Override bodies for one team, each instant formatted once.

    One override's end is often the next one's start, and every schedule's overrides
    start at the same times.
    """

    def __init__(self, team: Team) -> None:
        self.zone = team.zone
        self.timezone = team.timezone
        self.instants: dict[datetime, str] = {}

    def instant(self, moment: datetime) -> str:
        text = self.instants.get(moment)
        if text is None:
            text = self.instants[moment] = format_instant(moment, self.zone)
        return text

    def body(self, start: datetime, end: datetime, user: str) -> dict[str, Any]:
        return {
            "start": self.instant(start),
            "end": self.instant(end),
            "time_zone": self.timezone,
            "user": {"id": user, "type": "user_reference"},
        }

    def requests(self, schedule: str, runs: Sequence[_Run]) -> list[dict[str, Any]]:
        """``POST /schedules/{schedule}/overrides``, `MAX_OVERRIDES` overrides each."""
        return [
            {
                "method": "POST",
                "path": f"/schedules/{schedule}/overrides",
                "body": {
                    "overrides": [self.body(*run) for run in runs[first : first + MAX_OVERRIDES]]
                },
            }
            for first in range(0, len(runs), MAX_OVERRIDES)
        ]


def overrides_requests(
    team: Team, schedule: str, overrides: Sequence[Override]
) -> list[dict[str, Any]]:
    """``POST /schedules/{schedule}/overrides`` requests, `MAX_OVERRIDES` overrides each."""
    return _Bodies(team).requests(schedule, [(o.start, o.end, o.user) for o in overrides])


def to_pagerduty(team: Team, rotation: Rotation, schedules: Sequence[str]) -> Overrides:
    """The request document of `planned_overrides`: a schedule with none gets no request.

    Raises:
        InputError: as `planned_overrides`.
    """
    runs, notes = _runs(team, rotation, schedules)
    bodies = _Bodies(team)
    requests = [r for schedule, mine in runs.items() for r in bodies.requests(schedule, mine)]
    return Overrides({"requests": requests}, notes)


def to_pagerduty_json(
    team: Team, rotation: Rotation, schedules: Sequence[str]
) -> tuple[bytes, tuple[str, ...]]:
    """`to_pagerduty`'s document as ``oncall export pagerduty`` writes it, and its notes.

    The bytes are those of ``json.dumps(document, indent=2, ensure_ascii=False)``, a final
    newline, UTF-8 (`oncall.render.dumps`), written straight from the overrides: building
    130,000 override objects and then writing them cost as much as reading the rotation.
    A test compares the two for every rotation it draws.

    Raises:
        InputError: as `planned_overrides`.
    """
    runs, notes = _runs(team, rotation, schedules)
    texts = _Texts(team)
    buffer = io.BytesIO()
    separator = '{\n  "requests": [\n    '
    for schedule, mine in runs.items():
        for first in range(0, len(mine), MAX_OVERRIDES):
            buffer.write(separator.encode())
            buffer.write(texts.request(schedule, mine[first : first + MAX_OVERRIDES]).encode())
            separator = ",\n    "
    buffer.write(b'{\n  "requests": []\n}\n' if separator.startswith("{") else b"\n  ]\n}\n")
    return buffer.getvalue(), notes


_REQUEST: Final = (
    "{\n"
    '      "method": "POST",\n'
    '      "path": %s,\n'
    '      "body": {\n'
    '        "overrides": [\n'
    "          %s\n"
    "        ]\n"
    "      }\n"
    "    }"
)
"""One entry of the document's ``requests``, at its indentation: its path and overrides."""
_OVERRIDE: Final = (
    "{\n"
    '            "start": %s,\n'
    '            "end": %s,\n'
    '            "time_zone": %s,\n'
    '            "user": {\n'
    '              "id": %s,\n'
    '              "type": "user_reference"\n'
    "            }\n"
    "          }"
)
"""One override of a request's body, at its indentation: `_Bodies.body` as text."""


class _Texts:
    """`_Bodies` as JSON text for `to_pagerduty_json`, each string encoded once."""

    def __init__(self, team: Team) -> None:
        self.zone = team.zone
        self.time_zone = encode_basestring(team.timezone)
        self.encoded: dict[object, str] = {}

    def text(self, value: datetime | str) -> str:
        """An instant (in the team's zone) or a string, as a JSON string."""
        encoded = self.encoded.get(value)
        if encoded is None:
            plain = value if isinstance(value, str) else format_instant(value, self.zone)
            encoded = self.encoded[value] = encode_basestring(plain)
        return encoded

    def request(self, schedule: str, runs: Sequence[_Run]) -> str:
        """One ``POST /schedules/{schedule}/overrides`` request of `MAX_OVERRIDES` at most."""
        text, zone = self.text, self.time_zone
        overrides = [
            _OVERRIDE % (text(start), text(end), zone, text(user)) for start, end, user in runs
        ]
        path = encode_basestring(f"/schedules/{schedule}/overrides")
        return _REQUEST % (path, ",\n          ".join(overrides))


def _target(team: Team, name: str, path: Path) -> dict[str, str]:
    if name.startswith("schedule:"):
        schedule = name.removeprefix("schedule:")
        if not SCHEDULE_ID.fullmatch(schedule):
            raise InputError("malformed PagerDuty schedule id", value=schedule, path=path)
        return {"id": schedule, "type": "schedule_reference"}
    person = team.person(name)
    if person is None:  # pragma: no cover - the team file's loader checks this
        raise InputError("unknown person", value=name, path=path)
    if person.pagerduty_id is None:
        raise InputError(
            f"{person.name} is in the escalation but has no pagerduty_id",
            value=person.id,
            path=path,
            hint="add pagerduty_id to them in the team file",
        )
    return {"id": person.pagerduty_id, "type": "user_reference"}


def policy_body(team: Team) -> dict[str, Any]:
    """The team's escalation policy as PagerDuty's ``escalation_policy`` object.

    ``escalation_rule_assignment_strategy`` is left out: the official description
    declares it a string, while its own examples send an object or a list.

    Raises:
        InputError: no ``escalation`` section, or a person in it without a ``pagerduty_id``.
    """
    escalation: Escalation | None = team.escalation
    if escalation is None:
        raise InputError("the team file has no escalation section", path=("escalation",))
    rules = []
    for index, step in enumerate(escalation.steps):
        targets = [
            _target(team, name, ("escalation", "steps", index, "notify", n))
            for n, name in enumerate(step.notify)
        ]
        rules.append(
            {
                "escalation_delay_in_minutes": int(step.escalate_after / timedelta(minutes=1)),
                "targets": targets,
            }
        )
    policy: dict[str, Any] = {
        "type": "escalation_policy",
        "name": escalation.name,
        "num_loops": escalation.repeat,
        "escalation_rules": rules,
    }
    if escalation.description:
        policy["description"] = escalation.description
    return policy


def escalation_policy(team: Team) -> dict[str, Any]:
    """The ``POST /escalation_policies`` request document for the team's escalation.

    Raises:
        InputError: as `policy_body`.
    """
    return {
        "requests": [
            {
                "method": "POST",
                "path": "/escalation_policies",
                "body": {"escalation_policy": policy_body(team)},
            }
        ]
    }
