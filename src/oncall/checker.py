"""Team + rotation -> findings: the one checking engine, used by ``plan`` and ``validate``.

Coverage is checked instant by instant: within each window, the number of distinct
people on call (known to the team and not on time off) is a step function that changes
only where a shift or a time off starts or ends. Each maximal stretch below ``min_staff``
is one ``uncovered`` finding; each other maximal stretch below ``ideal_staff`` is one
``understaffed`` finding. Shift-level findings (``pto-conflict``, ``unknown-person``,
``duplicate-person``, ``rest-violation``, ``outside-window``) are reported for the shifts
that touch the horizon or a window.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from operator import itemgetter

from oncall.availability import Availability
from oncall.errors import Origin, Suggestions, expect
from oncall.intervals import merge, overlap, subtract
from oncall.models import (
    Code,
    Finding,
    Horizon,
    RiskyEvent,
    Rotation,
    Severity,
    Shift,
    Team,
    Window,
    horizon_of,
)
from oncall.timeutil import format_duration, format_span
from oncall.windows import coverage_windows

__all__ = [
    "Summary",
    "Validation",
    "check",
    "locate",
    "people_names",
    "summarize",
    "validate",
    "would_page_wrong_person",
]

PAGES_WRONG_PERSON = frozenset({Code.PTO_CONFLICT, Code.UNKNOWN_PERSON})
"""The codes of findings that would page the wrong person: someone on call during their
time off, or someone the team file does not know."""


def would_page_wrong_person(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings that would page the wrong person if the rotation were sent to a pager.

    ``oncall export pagerduty`` and ``oncall sync pagerduty`` refuse a rotation with any
    of these unless ``--force`` (SPEC 8); other findings (a gap, which the pager's own
    rotation then covers) do not stop them.
    """
    return tuple(f for f in findings if f.code in PAGES_WRONG_PERSON)


def people_names(team: Team, ids: Iterable[str]) -> str:
    """``Ada Park and Ben Ortiz``: people's names (ids for unknown people), listed."""
    names = []
    for person_id in ids:
        person = team.person(person_id)
        names.append(person.name if person else repr(person_id))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def locate(
    finding: Finding, rotation: Rotation | None, events: Mapping[str, RiskyEvent]
) -> Origin | None:
    """Where to fix a finding: its first shift's place, else its first event's place."""
    if rotation is not None and finding.shifts:
        origin = rotation.shifts[finding.shifts[0]].origin
        if origin.file is not None:
            return origin
    for event_id in finding.events:
        event = events.get(event_id)
        if event is not None and event.origin.file is not None:
            return event.origin
    return None


class _Context:
    """What every finding's message needs: the team, its zone, windows, time off."""

    def __init__(self, team: Team, rotation: Rotation, windows: Sequence[Window]) -> None:
        self.team = team
        self.zone = team.zone
        self.rotation = rotation
        self.windows = windows
        self.window_starts = [w.start for w in windows]
        self.availability = Availability(team)
        self.known = {p.id for p in team.people}
        self.order = {p.id: index for index, p in enumerate(team.people)}
        self._duties: tuple[dict[str, list[datetime]], dict[str, list[datetime]]] | None = None
        self._all_duties: tuple[list[datetime], list[str], list[datetime], list[str]] | None = (
            None  # everyone's duty starts and who, duty ends and who: `nearby`
        )
        self._titles: dict[str, str] | None = None

    def _duty_times(self) -> tuple[dict[str, list[datetime]], dict[str, list[datetime]]]:
        """Each person's duty starts and duty ends, sorted.

        Built once, on the first finding that needs them: a rotation without shortfalls
        never does.
        """
        if self._duties is None:
            starts: defaultdict[str, list[datetime]] = defaultdict(list)
            ends: defaultdict[str, list[datetime]] = defaultdict(list)
            for shift in self.rotation.shifts:
                for person in set(shift.people):
                    starts[person].append(shift.start)
                    ends[person].append(shift.end)
            self._duties = (
                {person: sorted(times) for person, times in starts.items()},
                {person: sorted(times) for person, times in ends.items()},
            )
        return self._duties

    def resting(self, person: str, start: datetime, end: datetime) -> bool:
        """Whether ``person`` is on call within ``min_rest`` before or after ``[start, end)``.

        That is, a duty of theirs ends in ``(start - min_rest, start)`` or starts in
        ``(end, end + min_rest)``: touching duties are not rest (the person could simply
        stay on call). Two bisections.
        """
        min_rest = self.team.policy.min_rest
        if min_rest is None:
            return False
        duty_starts, duty_ends = self._duty_times()
        if person not in duty_starts:
            return False
        ends = duty_ends[person]
        if bisect_right(ends, start - min_rest) < bisect_left(ends, start):
            return True
        starts = duty_starts[person]
        return bisect_right(starts, end) < bisect_left(starts, end + min_rest)

    def nearby(self, start: datetime, end: datetime) -> set[str]:
        """Everyone `resting` finds resting over ``[start, end)``, and no one else.

        The same two bisections, in everyone's duties at once: a duty ends in
        ``(start - min_rest, start)`` or starts in ``(end, end + min_rest)``.
        """
        min_rest = self.team.policy.min_rest
        if min_rest is None:
            return set()
        if self._all_duties is None:
            duties = [(s.start, s.end, p) for s in self.rotation.shifts for p in set(s.people)]
            by_start = sorted(duties, key=itemgetter(0))
            by_end = sorted(duties, key=itemgetter(1))
            self._all_duties = (
                [d[0] for d in by_start],
                [d[2] for d in by_start],
                [d[1] for d in by_end],
                [d[2] for d in by_end],
            )
        starts, starting, ends, ending = self._all_duties
        found = set(ending[bisect_right(ends, start - min_rest) : bisect_left(ends, start)])
        found.update(starting[bisect_right(starts, end) : bisect_left(starts, end + min_rest)])
        return found

    def span(self, start: datetime, end: datetime) -> str:
        return format_span(start, end, self.zone)

    def names(self, ids: Iterable[str]) -> str:
        return people_names(self.team, ids)

    def events_during(self, start: datetime, end: datetime) -> tuple[str, ...]:
        """Ids of the events whose coverage overlaps ``[start, end)``."""
        policy = self.team.policy
        found: list[str] = []
        index = max(bisect_right(self.window_starts, start) - 1, 0)
        for position in range(index, len(self.windows)):
            window = self.windows[position]
            if window.start >= end:
                break
            for event in window.events:
                cover_start, cover_end = policy.coverage(event)
                if cover_start < end and cover_end > start:
                    found.append(event.id)
        return tuple(found)

    def event_titles(self, ids: Sequence[str]) -> str:
        if self._titles is None:  # built once, on the first finding that needs it
            self._titles = {e.id: e.title for w in self.windows for e in w.events}
        titles = self._titles
        parts = [f"{titles.get(i, i)} ({i})" for i in ids[:3]]
        if len(ids) > 3:
            parts.append(f"{len(ids) - 3} more")
        return ", ".join(parts)


def check(
    team: Team,
    rotation: Rotation,
    horizon: Horizon | None = None,
    *,
    windows: Sequence[Window] | None = None,
) -> list[Finding]:
    """Every finding about ``rotation`` for ``team``, sorted by time then severity.

    Args:
        team: the team, its people, time off, events and policy.
        rotation: the shifts to check.
        horizon: replaces the team's horizon (which events need coverage).
        windows: the coverage windows, when the caller has them already.
    """
    expect(rotation, Rotation, "rotation")
    horizon = horizon_of(team, horizon)
    windows = coverage_windows(team, horizon) if windows is None else windows
    context = _Context(team, rotation, windows)
    relevant = _relevant_shifts(rotation, horizon, windows)
    findings: list[Finding] = []
    findings += _people_findings(context, relevant)
    # Asked of every shift: the coverage check may ask about any, whichever shifts
    # `_relevant_shifts` found (and only the relevant ones are reported).
    leave = _on_leave(context, list(enumerate(rotation.shifts)))
    indexes = {index for index, _ in relevant}
    findings += _pto_conflicts(context, {i: p for i, p in leave.items() if i in indexes})
    findings += _coverage_shortfalls(context, rotation.shifts, leave)
    findings += _rest_violations(context, relevant)
    findings += _outside_windows(context, relevant)
    if not findings:  # the common case: no event map to build (100,000 events at 100k)
        return findings
    findings.sort(key=Finding.sort_key)
    events = {e.id: e for w in windows for e in w.events}
    return [_placed(f, rotation, events) for f in findings]


def _placed(finding: Finding, rotation: Rotation, events: Mapping[str, RiskyEvent]) -> Finding:
    """The finding with the file and line where it can be fixed, when known."""
    origin = locate(finding, rotation, events)
    if origin is None:
        return finding
    return replace(finding, file=origin.file, line=origin.line)


def _relevant_shifts(
    rotation: Rotation, horizon: Horizon, windows: Sequence[Window]
) -> list[tuple[int, Shift]]:
    """The shifts that touch the horizon or a window, with their indexes."""
    starts = [w.start for w in windows]
    relevant = []
    for index, shift in enumerate(rotation.shifts):
        inside = shift.overlaps(horizon.start, horizon.end)
        if not inside:
            near = bisect_left(starts, shift.end)
            inside = near > 0 and windows[near - 1].end > shift.start
        if inside:
            relevant.append((index, shift))
    return relevant


def _people_findings(context: _Context, shifts: Sequence[tuple[int, Shift]]) -> list[Finding]:
    findings = []
    suggest = Suggestions(context.known)
    for index, shift in shifts:
        if len(set(shift.people)) == len(shift.people) and set(shift.people) <= context.known:
            continue  # the common case: nothing to report, no message to build
        span = context.span(shift.start, shift.end)
        seen: set[str] = set()
        for person in shift.people:
            if person not in context.known:
                close = suggest(person)
                hint = f" (did you mean {close!r}?)" if close else ""
                findings.append(
                    Finding(
                        Code.UNKNOWN_PERSON,
                        f"The shift {span} names {person!r}, who is not one of the team's "
                        f"people{hint}.",
                        shift.start,
                        shift.end,
                        (person,),
                        shift.events,
                        (index,),
                    )
                )
            if person in seen:
                findings.append(
                    Finding(
                        Code.DUPLICATE_PERSON,
                        f"The shift {span} names {context.names([person])} more than once; "
                        "a person counts once.",
                        shift.start,
                        shift.end,
                        (person,),
                        shift.events,
                        (index,),
                    )
                )
            seen.add(person)
    return findings


def _on_leave(context: _Context, shifts: Sequence[tuple[int, Shift]]) -> dict[int, list[str]]:
    """The people of each shift on time off at some point during it, for shifts with any.

    Asked once for each shift and person: `_pto_conflicts` reports them, and
    `_staffs_alone` asks again about them alone, over its window.
    """
    is_free = context.availability.is_free
    leave: dict[int, list[str]] = {}
    for index, shift in shifts:
        for person in shift.people:
            if not is_free(person, shift.start, shift.end):
                away = leave.setdefault(index, [])
                if person not in away:  # someone named twice is reported once
                    away.append(person)
    return leave


def _pto_conflicts(context: _Context, leave: Mapping[int, Sequence[str]]) -> list[Finding]:
    findings = []
    for index, people in leave.items():
        shift = context.rotation.shifts[index]
        for person in people:
            for off in context.availability.away(person, shift.start, shift.end):
                common = overlap((shift.start, shift.end), (off.start, off.end))
                assert common is not None  # noqa: S101 - away() returns overlapping entries
                note = f" ({off.note})" if off.note else ""
                findings.append(
                    Finding(
                        Code.PTO_CONFLICT,
                        f"{context.names([person])} is on call {context.span(*common)} "
                        f"but on time off{note} then; take them off the shift or find "
                        "someone else.",
                        common[0],
                        common[1],
                        (person,),
                        context.events_during(*common),
                        (index,),
                    )
                )
    return findings


def _coverage_shortfalls(
    context: _Context, shifts: Sequence[Shift], leave: Mapping[int, Sequence[str]]
) -> list[Finding]:
    """``uncovered`` and ``understaffed`` findings over every window.

    ``leave`` has every shift that names someone on time off during it (`_on_leave`).
    """
    order = sorted(range(len(shifts)), key=lambda i: (shifts[i].start, shifts[i].end))
    active: list[tuple[datetime, int]] = []  # (end, index) of shifts that may still matter
    next_shift = 0
    findings: list[Finding] = []
    for window in context.windows:
        while next_shift < len(order) and shifts[order[next_shift]].start < window.end:
            index = order[next_shift]
            heapq.heappush(active, (shifts[index].end, index))
            next_shift += 1
        while active and active[0][0] <= window.start:
            heapq.heappop(active)
        for _, index in active:
            if _staffs_alone(context, shifts[index], window, leave.get(index)):
                break  # the common case: nothing to report, no sweep
        else:
            here = sorted(i for _, i in active if shifts[i].start < window.end)
            findings += _window_shortfalls(context, window, [(i, shifts[i]) for i in here])
    return findings


def _window_shortfalls(
    context: _Context,
    window: Window,
    shifts: Sequence[tuple[int, Shift]],
) -> list[Finding]:
    team = context.team
    known = context.known
    # One sweep over the instants where something changes: a shift starts or ends, someone
    # leaves or comes back. Each stretch between two of them has one staffing count.
    starting: defaultdict[datetime, list[int]] = defaultdict(list)
    ending: defaultdict[datetime, list[int]] = defaultdict(list)
    named: dict[int, set[str]] = {}
    for index, shift in shifts:
        starting[max(shift.start, window.start)].append(index)
        ending[shift.end].append(index)
        named[index] = {p for p in shift.people if p in known}
    leaving: defaultdict[datetime, list[str]] = defaultdict(list)
    returning: defaultdict[datetime, list[str]] = defaultdict(list)
    for person in sorted(set().union(*named.values())):
        for start, end in context.availability.away_intervals(person, window.start, window.end):
            leaving[max(start, window.start)].append(person)
            returning[end].append(person)
    points = sorted(
        {window.start, window.end}
        | {t for t in (*starting, *ending, *leaving, *returning) if window.start < t < window.end}
    )
    staff = _Staffing(named)
    runs: list[_Run] = []
    for start, end in itertools.pairwise(points):
        began, joined = staff.step(
            ending.get(start, ()),
            returning.get(start, ()),
            starting.get(start, ()),
            leaving.get(start, ()),
        )
        count = len(staff.on_call)
        if count < team.policy.min_staff:
            code = Code.UNCOVERED
        elif count < team.policy.ideal_staff:
            code = Code.UNDERSTAFFED
        else:
            continue
        if runs and runs[-1].code == code and runs[-1].end == start:
            # What the run has not met yet started here: anything else was there before.
            runs[-1].end = end
            runs[-1].shifts.update(began)
            runs[-1].people |= joined
            runs[-1].add_part(start, end, staff.on_call)
        else:
            on_call = set(staff.on_call)
            runs.append(
                _Run(
                    code, start, end, set(staff.active), on_call, [(start, end, frozenset(on_call))]
                )
            )
    nearby = {i for i, _ in shifts}
    for run in runs:
        if not run.shifts:  # nobody covers it: point at the window's shifts, to extend one
            run.shifts = nearby
    return [_shortfall(context, run) for run in runs]


def _staffs_alone(
    context: _Context, shift: Shift, window: Window, away: Sequence[str] | None
) -> bool:
    """Whether ``shift`` alone staffs all of ``window`` fully (``ideal_staff`` people free).

    ``away``: its people on time off at some point during it (``None``: nobody), the only
    ones who may not be free during the window.
    """
    if shift.start > window.start or shift.end < window.end:
        return False
    staff = context.known.intersection(shift.people)
    if len(staff) < context.team.policy.ideal_staff:
        return False
    is_free = context.availability.is_free
    return away is None or all(
        is_free(p, window.start, window.end) for p in staff.intersection(away)
    )


class _Staffing:
    """Who is on call as a sweep moves through a window: shifts and time off start, end."""

    def __init__(self, named: dict[int, set[str]]) -> None:
        self.named = named  # the known people of each shift
        self.shifts_on: defaultdict[str, int] = defaultdict(int)  # active shifts naming each
        self.away: set[str] = set()
        self.active: set[int] = set()
        self.on_call: set[str] = set()

    def step(
        self,
        ending: Iterable[int],
        returning: Iterable[str],
        starting: Sequence[int],
        leaving: Iterable[str],
    ) -> tuple[Sequence[int], set[str]]:
        """Apply what changes at one instant; the shifts that start and who joins there."""
        shifts_on, on_call = self.shifts_on, self.on_call
        for index in ending:
            self.active.discard(index)
            for person in self.named[index]:
                shifts_on[person] -= 1
                if not shifts_on[person]:
                    on_call.discard(person)
        joined: set[str] = set()
        for person in returning:
            self.away.discard(person)
            if shifts_on[person]:
                joined.add(person)
        for index in starting:
            self.active.add(index)
            for person in self.named[index]:
                shifts_on[person] += 1
                if person not in self.away:
                    joined.add(person)
        for person in leaving:
            self.away.add(person)
            on_call.discard(person)
            joined.discard(person)
        joined -= on_call
        on_call |= joined
        return starting, joined


@dataclass
class _Run:
    """A maximal stretch of a window below min or ideal staffing."""

    code: Code
    start: datetime
    end: datetime
    shifts: set[int]
    people: set[str]
    parts: list[tuple[datetime, datetime, frozenset[str]]]

    def add_part(self, start: datetime, end: datetime, on_call: set[str]) -> None:
        """Extend the run; a stretch with the same people as the last joins it."""
        people = frozenset(on_call)
        if self.parts[-1][2] == people:
            self.parts[-1] = (self.parts[-1][0], end, people)
        else:
            self.parts.append((start, end, people))


def _shortfall(context: _Context, run: _Run) -> Finding:
    policy = context.team.policy
    code, start, end = run.code, run.start, run.end
    on_call = tuple(sorted(run.people))
    events = context.events_during(start, end)
    span = context.span(start, end)
    if not on_call:
        who = "Nobody is"
    else:
        who = f"Only {context.names(on_call)} {'is' if len(on_call) == 1 else 'are'}"
    need = (
        f"at least {policy.min_staff} needed"
        if code is Code.UNCOVERED
        else f"{policy.ideal_staff} wanted"
    )
    message = f"{who} on call {span} for {context.event_titles(events)} ({need})."
    if len(run.parts) > 1 and run.people:  # a hand-off: say who covers which part
        most = max(len(people) for _, _, people in run.parts)
        at_once = "1 person" if most == 1 else f"{most} people"
        turns = ", then ".join(
            f"{context.names(sorted(people)) if people else 'nobody'} {context.span(a, b)}"
            for a, b, people in run.parts
        )
        verb = "is" if most == 1 else "are"
        message = (
            f"Only {at_once} at a time {verb} on call {span} for "
            f"{context.event_titles(events)} ({need}): {turns}."
        )
    reasons = _reasons(context, start, end, set(on_call))
    if reasons:
        message += " " + reasons
    return Finding(code, message, start, end, on_call, events, tuple(sorted(run.shifts)))


def _reasons(context: _Context, start: datetime, end: datetime, on_call: set[str]) -> str:
    """Who could not be on call in ``[start, end)`` and why: time off, rest.

    Only those with time off then or a duty near it are asked (`_Context.nearby`): a
    shortfall in a team of hundreds named each person once per finding.
    """
    candidates = context.availability.away_people(start, end) | context.nearby(start, end)
    away = []
    resting = []
    order = context.order
    people = context.team.people
    for person_id in sorted(
        (p for p in candidates if p in order and p not in on_call), key=order.__getitem__
    ):
        person = people[order[person_id]]
        entries = context.availability.away(person.id, start, end)
        if entries:
            notes = sorted({o.note for o in entries if o.note})
            away.append(person.name + (f" ({', '.join(notes)})" if notes else ""))
        elif context.resting(person.id, start, end):
            resting.append(person.name)
    parts = []
    if away:
        parts.append(f"On time off: {', '.join(away)}.")
    if resting:
        parts.append(f"Resting between shifts: {', '.join(resting)}.")
    return " ".join(parts)


def _rest_violations(context: _Context, shifts: Sequence[tuple[int, Shift]]) -> list[Finding]:
    min_rest = context.team.policy.min_rest
    if min_rest is None:
        return []
    duties: defaultdict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for index, shift in shifts:
        duty = (shift.start, shift.end, index)
        for person in shift.people:  # someone named twice has one duty twice: it joins itself
            duties[person].append(duty)
    findings = []
    rest_broken = context.team.policy.rest_broken
    for person in sorted(duties):
        # One pass in time order: duties that overlap or touch are one continuous duty, and
        # each gap between two is a rest, from the last shift before it to the first after.
        duty_end: datetime | None = None
        last = -1
        for start, end, index in sorted(duties[person]):
            if duty_end is not None and start <= duty_end:
                duty_end = max(duty_end, end)
                last = index
                continue
            if duty_end is not None and rest_broken(start - duty_end):
                findings.append(
                    Finding(
                        Code.REST_VIOLATION,
                        f"{context.names([person])} rests only "
                        f"{format_duration(start - duty_end)} between shifts "
                        f"({context.span(duty_end, start)}); "
                        f"min_rest is {format_duration(min_rest)}.",
                        duty_end,
                        start,
                        (person,),
                        (),
                        (last, index),
                    )
                )
            duty_end, last = end, index
    return findings


def _outside_windows(context: _Context, shifts: Sequence[tuple[int, Shift]]) -> list[Finding]:
    findings = []
    windows = context.windows
    for index, shift in shifts:
        first = max(bisect_right(context.window_starts, shift.start) - 1, 0)
        if windows and windows[first].start <= shift.start and shift.end <= windows[first].end:
            continue  # the common case: within one window
        near = []
        for position in range(first, len(context.windows)):
            window = context.windows[position]
            if window.start >= shift.end:
                break
            if window.end > shift.start:
                near.append((window.start, window.end))
        for start, end in subtract((shift.start, shift.end), merge(near)):
            who = f" ({context.names(shift.people)})" if shift.people else ""
            findings.append(
                Finding(
                    Code.OUTSIDE_WINDOW,
                    f"The shift{who} covers {context.span(start, end)}, when no risky event "
                    "needs anyone (harmless).",
                    start,
                    end,
                    shift.people,
                    (),
                    (index,),
                )
            )
    return findings


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts for a verdict line, a job summary or a dashboard.

    Attributes:
        windows: how many windows were checked.
        window_time: their total length.
        ideal_time: how much of it had ``ideal_staff`` people on call.
        by_severity: finding counts per severity (every severity present, maybe 0).
        by_code: finding counts per code (every code present, maybe 0).
    """

    windows: int
    window_time: timedelta
    ideal_time: timedelta
    by_severity: dict[str, int]
    by_code: dict[str, int]

    @property
    def staffing_ratio(self) -> float:
        """The share of window time at ideal staffing (1.0 when there is no window)."""
        if not self.window_time:
            return 1.0
        return self.ideal_time / self.window_time

    def passes(self, *, strict: bool = False) -> bool:
        """No errors (and, when ``strict``, no warnings either)."""
        failing = self.by_severity["error"] + (self.by_severity["warning"] if strict else 0)
        return failing == 0


def summarize(findings: Sequence[Finding], windows: Sequence[Window]) -> Summary:
    """Count findings by severity and code, and measure the time at ideal staffing."""
    window_time = sum((w.duration for w in windows), start=timedelta(0))
    short = sum(
        (f.end - f.start for f in findings if f.code in (Code.UNCOVERED, Code.UNDERSTAFFED)),
        start=timedelta(0),
    )
    by_severity = {str(s): 0 for s in Severity}
    by_code = {str(c): 0 for c in Code}
    for finding in findings:
        by_severity[str(finding.severity)] += 1
        by_code[str(finding.code)] += 1
    return Summary(len(windows), window_time, window_time - short, by_severity, by_code)


@dataclass(frozen=True, slots=True)
class Validation:
    """A rotation checked against a team: what ``oncall validate`` reports.

    Attributes:
        team: the team.
        rotation: the rotation checked.
        windows: the coverage windows it was checked against.
        findings: every finding, sorted.
        summary: counts and the staffing ratio.
        strict: whether warnings fail it too.
    """

    team: Team
    rotation: Rotation
    windows: tuple[Window, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    strict: bool = False

    @property
    def ok(self) -> bool:
        """No errors (and, when strict, no warnings)."""
        return self.summary.passes(strict=self.strict)


def validate(
    team: Team, rotation: Rotation, horizon: Horizon | None = None, *, strict: bool = False
) -> Validation:
    """Check ``rotation`` for ``team`` and summarise: the verdict of ``oncall validate``."""
    horizon = horizon_of(team, horizon)
    windows = tuple(coverage_windows(team, horizon))
    findings = tuple(check(team, rotation, horizon, windows=windows))
    return Validation(team, rotation, windows, findings, summarize(findings, windows), strict)
