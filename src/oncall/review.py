"""A rotation reviewed: everyone's load, staffing over time, pairings and a quality score.

`review` computes what ``oncall report`` shows; `review_text`, `review_json` and
`review_markdown` turn it into text (pure functions: they never print). The HTML page and
the SVG timeline are drawn by `oncall.timeline` from the same `Review`.

Definitions (docs/reference/cli.md says the same for users):

- The report covers ``[start, end)``: the horizon, stretched to hold every window whole
  (windows are never clipped); shifts are counted within it.
- A person's on-call time is the union of the shifts naming them (overlaps count once),
  as the rotation says (time off on a shift is a ``pto-conflict`` finding, not a gap).
  After-hours, weekend and holiday time are the parts of it outside their working
  hours, on their weekend days and on their public holidays (`oncall.workhours`).
- Staffing is counted as the checker counts it: distinct known people on call and not
  on time off, at each instant of each window.
- The score looks at the required windows only: ``coverage_min`` and ``coverage_ideal``
  are the shares of window time with at least ``min_staff`` and ``ideal_staff`` people;
  ``balance`` is Grafana OnCall's, the mean over every two people of the team of
  min(load) / max(load) (1 when both are 0), on window time; ``after_hours_balance`` the
  same on after-hours window time; ``overall`` the mean of the four. People whose window
  time is more than 20% above the team's mean are listed as overloaded.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from oncall.availability import Availability
from oncall.checker import people_names
from oncall.intervals import Interval, merge, overlap
from oncall.models import Finding, Horizon, Person, Rotation, Team, Window
from oncall.report import finding_json, hours
from oncall.timeutil import (
    format_duration,
    format_instant,
    format_local,
    format_span,
    local_date,
    start_of_day,
)
from oncall.workhours import HoursCalendar, HoursSplit

__all__ = [
    "OVERLOAD",
    "PersonLoad",
    "Review",
    "Score",
    "Staffing",
    "WindowStaffing",
    "balance",
    "review",
    "review_json",
    "review_markdown",
    "review_text",
]

OVERLOAD = 1.2
"""People whose window time is above the mean times this are listed as overloaded."""


@dataclass(frozen=True, slots=True)
class PersonLoad:
    """One person's share of the rotation.

    Attributes:
        person: their id.
        hours: their on-call time, split into after-hours, weekend and holiday time.
        window: the same, counting only the time inside coverage windows.
        shifts: how many shifts name them.
        longest: their longest stretch on call (back-to-back shifts joined).
        last_end: when their last shift ends (``None``: no shift).
        since_last: from then to the end of the report (``None``: no shift).
        holidays: their public holidays within the report, ``(local date, name)``.
        on_holidays: those of them they are on call on.
    """

    person: str
    hours: HoursSplit
    window: HoursSplit
    shifts: int
    longest: timedelta
    last_end: datetime | None
    since_last: timedelta | None
    holidays: tuple[tuple[str, str], ...] = ()
    on_holidays: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Staffing:
    """Who is on call (known, not away) over ``[start, end)`` inside one window."""

    start: datetime
    end: datetime
    people: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WindowStaffing:
    """One window's staffing over time.

    Attributes:
        window: the window.
        steps: its stretches of constant staffing, in order, covering it whole.
        min_time: the time with at least ``min_staff`` people.
        ideal_time: the time with at least ``ideal_staff`` people.
        lowest: the fewest people on call at any instant.
        findings: the findings that touch the window.
    """

    window: Window
    steps: tuple[Staffing, ...]
    min_time: timedelta
    ideal_time: timedelta
    lowest: int
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Score:
    """The quality of a rotation over its required windows; each term from 0 to 1."""

    coverage_min: float
    coverage_ideal: float
    balance: float
    after_hours_balance: float
    overloaded: tuple[str, ...]

    @property
    def overall(self) -> float:
        """The mean of the four terms."""
        terms = (self.coverage_min, self.coverage_ideal, self.balance, self.after_hours_balance)
        return sum(terms) / len(terms)


@dataclass(frozen=True, slots=True)
class Review:
    """What ``oncall report`` shows about a rotation.

    Attributes:
        team: the team.
        rotation: the rotation reviewed.
        start: where the report starts.
        end: where it ends.
        people: everyone's load, in the team's order.
        windows: every window's staffing.
        pairings: how many shifts (and how much time) each two people shared.
        score: the quality score.
        findings: the checker's findings.
    """

    team: Team
    rotation: Rotation
    start: datetime
    end: datetime
    people: tuple[PersonLoad, ...]
    windows: tuple[WindowStaffing, ...]
    pairings: tuple[tuple[str, str, int, timedelta], ...]
    score: Score
    findings: tuple[Finding, ...]

    @property
    def stretch(self) -> str:
        """``Tue 2026-12-01 00:00 EST to Mon 2027-02-01 00:00 EST``, or ``no horizon``."""
        if self.start == self.end:
            return "no horizon"
        zone = self.team.zone
        return f"{format_local(self.start, zone)} to {format_local(self.end, zone)}"

    @property
    def shift_count(self) -> int:
        """How many of the rotation's shifts overlap the report's stretch."""
        return sum(1 for s in self.rotation.shifts if s.end > self.start and s.start < self.end)


def balance(loads: Sequence[timedelta]) -> float:
    """Grafana OnCall's balance: the mean over pairs of min(load) / max(load)."""
    pairs = list(itertools.combinations(loads, 2))
    if not pairs:
        return 1.0
    return sum(min(a, b) / max(a, b) if max(a, b) else 1.0 for a, b in pairs) / len(pairs)


def _bounds(
    rotation: Rotation, windows: Sequence[Window], start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    """The horizon's bounds stretched to hold every window (else the shifts' bounds)."""
    starts = [w.start for w in windows] or [s.start for s in rotation.shifts]
    ends = [w.end for w in windows] or [s.end for s in rotation.shifts]
    low = min([*starts, *([start] if start else [])], default=start or end)
    high = max([*ends, *([end] if end else [])], default=end or low)
    if low is None or high is None:
        return _EPOCH, _EPOCH
    return low, max(low, high)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _within(stretches: Sequence[Interval], spans: Sequence[Interval]) -> list[Interval]:
    """The parts of sorted, disjoint ``stretches`` inside sorted, disjoint ``spans``."""
    ends = [end for _, end in spans]
    parts = []
    for stretch in stretches:
        index = bisect_right(ends, stretch[0])  # the first span that ends after it starts
        while index < len(spans) and spans[index][0] < stretch[1]:
            part = overlap(stretch, spans[index])
            if part is not None:
                parts.append(part)
            index += 1
    return parts


def _by_window(windows: Sequence[Window], findings: Sequence[Finding]) -> list[list[Finding]]:
    """The findings that touch each window (windows sorted and disjoint, as merged)."""
    ends = [w.end for w in windows]
    touching: list[list[Finding]] = [[] for _ in windows]
    for finding in findings:
        index = bisect_right(ends, finding.start)
        while index < len(windows) and windows[index].start < finding.end:
            touching[index].append(finding)
            index += 1
    return touching


def review(
    team: Team,
    rotation: Rotation,
    windows: Sequence[Window],
    findings: Sequence[Finding],
    horizon: Horizon | None = None,
) -> Review:
    """Review ``rotation``: load per person, staffing per window, pairings and the score.

    The report covers the horizon (default: the team's), stretched to hold every window.

    Raises:
        InputError: a person's holiday calendar is unknown to the `holidays` package.
    """
    horizon = team.horizon if horizon is None else horizon
    low, high = _bounds(rotation, windows, horizon.start, horizon.end)
    duty: defaultdict[str, list[Interval]] = defaultdict(list)
    counts: Counter[str] = Counter()
    pair_counts: Counter[tuple[str, str]] = Counter()
    pair_time: defaultdict[tuple[str, str], timedelta] = defaultdict(timedelta)
    order = {p.id: index for index, p in enumerate(team.people)}
    for shift in rotation.shifts:
        clipped = overlap((shift.start, shift.end), (low, high))
        if clipped is None:
            continue
        people = [p for p in dict.fromkeys(shift.people) if p in order]
        for person_id in people:
            duty[person_id].append(clipped)
            counts[person_id] += 1
        for a, b in itertools.combinations(sorted(people, key=order.__getitem__), 2):
            pair_counts[a, b] += 1
            pair_time[a, b] += clipped[1] - clipped[0]
    window_spans = merge((w.start, w.end) for w in windows)
    loads = []
    for person in team.people:
        stretches = merge(duty.get(person.id, []))
        calendar = HoursCalendar(person)
        inside = _within(stretches, window_spans)
        last_end = stretches[-1][1] if stretches else None
        zone = person.zone
        days = calendar.holidays(local_date(low, zone), local_date(high, zone))
        ends = [end for _, end in stretches]
        worked = {}
        for day, name in days.items():
            begin = start_of_day(day, zone)
            index = bisect_right(ends, begin)  # the first stretch that ends after it begins
            if index < len(stretches) and stretches[index][0] < start_of_day(
                day + timedelta(days=1), zone
            ):
                worked[day] = name
        loads.append(
            PersonLoad(
                person=person.id,
                hours=calendar.split_all(stretches),
                window=calendar.split_all(inside),
                shifts=counts[person.id],
                longest=max((b - a for a, b in stretches), default=timedelta(0)),
                last_end=last_end,
                since_last=None if last_end is None else high - last_end,
                holidays=tuple((d.isoformat(), n) for d, n in sorted(days.items())),
                on_holidays=tuple((d.isoformat(), n) for d, n in sorted(worked.items())),
            )
        )
    staffing = _staffing(team, rotation, windows, findings)
    pairings = tuple(
        (a, b, n, pair_time[a, b])
        for (a, b), n in sorted(pair_counts.items(), key=lambda item: (-item[1], item[0]))
    )
    return Review(
        team,
        rotation,
        low,
        high,
        tuple(loads),
        staffing,
        pairings,
        _score(staffing, loads),
        tuple(findings),
    )


def _staffing(
    team: Team, rotation: Rotation, windows: Sequence[Window], findings: Sequence[Finding]
) -> tuple[WindowStaffing, ...]:
    availability = Availability(team)
    touching = _by_window(windows, findings)
    shifts = sorted(rotation.shifts, key=lambda s: (s.start, s.end))
    starts = [s.start for s in shifts]
    longest = max((s.duration for s in shifts), default=timedelta(0))
    result = []
    for window, near_findings in zip(windows, touching, strict=True):
        # The shifts that may overlap the window: they start before its end and no
        # earlier than the longest shift before its start.
        first = bisect_right(starts, window.start - longest - timedelta(microseconds=1))
        near = [s for s in shifts[first : bisect_right(starts, window.end)] if s.end > window.start]
        cuts = {window.start, window.end}
        for shift in near:
            cuts.update(t for t in (shift.start, shift.end) if window.start < t < window.end)
        for person in {p for s in near for p in s.people}:
            for a, b in availability.away_intervals(person, window.start, window.end):
                cuts.update(t for t in (a, b) if window.start < t < window.end)
        edges = sorted(cuts)
        steps: list[Staffing] = []
        for a, b in itertools.pairwise(edges):
            on = dict.fromkeys(
                p
                for s in near
                if s.start <= a and s.end >= b
                for p in s.people
                if team.person(p) is not None and availability.is_free(p, a, b)
            )
            people = tuple(on)
            if steps and steps[-1].people == people:
                steps[-1] = Staffing(steps[-1].start, b, people)
            else:
                steps.append(Staffing(a, b, people))
        policy = team.policy
        result.append(
            WindowStaffing(
                window,
                tuple(steps),
                sum(
                    (s.end - s.start for s in steps if len(s.people) >= policy.min_staff),
                    timedelta(0),
                ),
                sum(
                    (s.end - s.start for s in steps if len(s.people) >= policy.ideal_staff),
                    timedelta(0),
                ),
                min((len(s.people) for s in steps), default=0),
                tuple(near_findings),
            )
        )
    return tuple(result)


def _score(staffing: Sequence[WindowStaffing], loads: Sequence[PersonLoad]) -> Score:
    total = sum((w.window.duration for w in staffing), timedelta(0))
    reached_min = sum((w.min_time for w in staffing), timedelta(0))
    reached_ideal = sum((w.ideal_time for w in staffing), timedelta(0))
    window_loads = [p.window.total for p in loads]
    mean = sum(window_loads, timedelta(0)) / len(window_loads) if window_loads else timedelta(0)
    return Score(
        coverage_min=reached_min / total if total else 1.0,
        coverage_ideal=reached_ideal / total if total else 1.0,
        balance=balance(window_loads),
        after_hours_balance=balance([p.window.after_hours for p in loads]),
        overloaded=tuple(p.person for p in loads if mean and p.window.total > mean * OVERLOAD),
    )


# Output -------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _split_json(split: HoursSplit) -> dict[str, float]:
    return {
        "hours": hours(split.total),
        "after_hours": hours(split.after_hours),
        "weekend": hours(split.weekend),
        "holiday": hours(split.holiday),
    }


def score_terms(score: Score) -> list[tuple[str, str, float]]:
    """The score's terms: key, what it measures, value; the overall score last."""
    return [
        ("coverage_min", "window time with at least min_staff", score.coverage_min),
        ("coverage_ideal", "window time with at least ideal_staff", score.coverage_ideal),
        ("balance", "window hours, mean of min/max over every two people", score.balance),
        (
            "after_hours_balance",
            "after-hours window hours, the same way",
            score.after_hours_balance,
        ),
        ("overall", "the mean of the four", score.overall),
    ]


def review_json(result: Review) -> dict[str, Any]:
    """The review as JSON: hours as numbers, instants with the team zone's offset."""
    team, zone = result.team, result.team.zone
    events = {e.id: e for w in result.windows for e in w.window.events}
    return {
        "team": team.name,
        "start": format_instant(result.start, zone),
        "end": format_instant(result.end, zone),
        "people": [
            {
                "id": p.person,
                "name": people_names(team, [p.person]),
                "timezone": _person(team, p.person).timezone,
                "working_hours": _person(team, p.person).working_hours.text,
                "holidays": str(_person(team, p.person).holidays or "") or None,
                "shifts": p.shifts,
                **_split_json(p.hours),
                "window": _split_json(p.window),
                "longest_stretch": hours(p.longest),
                "last_shift_end": format_instant(p.last_end, zone) if p.last_end else None,
                "since_last_shift": hours(p.since_last) if p.since_last is not None else None,
                "holidays_on_call": [{"date": d, "name": n} for d, n in p.on_holidays],
                "overloaded": p.person in result.score.overloaded,
            }
            for p in result.people
        ],
        "windows": [
            {
                "start": format_instant(w.window.start, zone),
                "end": format_instant(w.window.end, zone),
                "events": [e.id for e in w.window.events],
                "hours": hours(w.window.duration),
                "min_reached": hours(w.min_time),
                "ideal_reached": hours(w.ideal_time),
                "lowest": w.lowest,
                "staffing": [
                    {
                        "start": format_instant(s.start, zone),
                        "end": format_instant(s.end, zone),
                        "people": list(s.people),
                    }
                    for s in w.steps
                ],
            }
            for w in result.windows
        ],
        "pairings": [
            {"people": [a, b], "shifts": n, "hours": hours(t)} for a, b, n, t in result.pairings
        ],
        "score": {
            **{key: round(value, 4) for key, _, value in score_terms(result.score)},
            "overloaded": list(result.score.overloaded),
        },
        "findings": [finding_json(f, team, result.rotation, events) for f in result.findings],
    }


def _person(team: Team, person_id: str) -> Person:
    person = team.person(person_id)
    assert person is not None  # noqa: S101 - a review lists the team's own people
    return person


def _h(duration: timedelta | None) -> str:
    return "-" if duration is None else format_duration(duration, days=False)


PEOPLE_COLUMNS = (
    "person",
    "shifts",
    "on call",
    "in windows",
    "after hours",
    "weekend",
    "holiday",
    "longest",
    "since last",
)


def people_rows(result: Review) -> list[list[str]]:
    """The per-person table's cells, one row a person, as `PEOPLE_COLUMNS` names them."""
    rows = []
    for p in result.people:
        name = people_names(result.team, [p.person])
        if p.person in result.score.overloaded:
            name += " (overloaded)"
        rows.append(
            [
                name,
                str(p.shifts),
                _h(p.hours.total),
                _h(p.window.total),
                _h(p.hours.after_hours),
                _h(p.hours.weekend),
                _h(p.hours.holiday),
                _h(p.longest),
                "-" if p.since_last is None else format_duration(p.since_last),
            ]
        )
    return rows


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in column) for column in zip(head, *rows, strict=True)]
    lines = []
    for index, row in enumerate([head, *rows]):
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _window_line(result: Review, staffing: WindowStaffing) -> str:
    zone = result.team.zone
    duration = staffing.window.duration
    titles = ", ".join(dict.fromkeys(e.title for e in staffing.window.events))
    return (
        f"{format_span(staffing.window.start, staffing.window.end, zone)}  "
        f"min {_percent(staffing.min_time / duration)}, "
        f"ideal {_percent(staffing.ideal_time / duration)}, "
        f"lowest {staffing.lowest}  {titles}"
    )


def review_text(result: Review) -> str:
    """The review for people: the score, the per-person table, windows, pairings."""
    team = result.team
    lines = [
        f"{team.name}: {result.shift_count} shifts, {len(result.windows)} windows, "
        f"{result.stretch}",
        "",
        f"Score {_percent(result.score.overall)} (required windows only):",
    ]
    lines.extend(
        f"  {key:<20} {_percent(value):>5}  {what}"
        for key, what, value in score_terms(result.score)
    )
    if result.score.overloaded:
        lines.append(
            "  overloaded (window hours over 120% of the mean): "
            + people_names(team, result.score.overloaded)
        )
    lines += ["", "People (after hours, weekends and holidays in each person's own zone):"]
    lines.extend("  " + line for line in _table(PEOPLE_COLUMNS, people_rows(result)))
    worked = [(p, d, n) for p in result.people for d, n in p.on_holidays]
    if worked:
        lines.append("")
        lines.append("On call on a public holiday:")
        lines.extend(f"  {people_names(team, [p.person])}: {d} {n}" for p, d, n in worked)
    lines += ["", "Windows (share of time at min_staff and ideal_staff):"]
    lines.extend("  " + _window_line(result, w) for w in result.windows)
    if not result.windows:
        lines.append("  none")
    lines += ["", "Pairings (shifts shared):"]
    if result.pairings:
        lines.extend(
            f"  {people_names(team, [a, b])}: {n} ({_h(t)})" for a, b, n, t in result.pairings
        )
    else:
        lines.append("  none")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def review_markdown(result: Review) -> str:
    """The review as Markdown: for a pull-request comment or a job summary."""
    team = result.team
    zone = team.zone
    lines = [
        f"## On-call report: {_cell(team.name)}",
        "",
        f"{result.stretch[:1].upper()}{result.stretch[1:]}: {result.shift_count} shifts, "
        f"{len(result.windows)} windows. "
        f"**Score {_percent(result.score.overall)}** (required windows only).",
        "",
        "### Score",
        "",
        "| term | value | what it measures |",
        "| --- | ---: | --- |",
    ]
    lines.extend(
        f"| {key} | {_percent(value)} | {what} |" for key, what, value in score_terms(result.score)
    )
    if result.score.overloaded:
        lines += [
            "",
            "Overloaded (window hours over 120% of the mean): "
            + _cell(people_names(team, result.score.overloaded)),
        ]
    lines += ["", "### People", "", "| " + " | ".join(PEOPLE_COLUMNS) + " |"]
    lines.append("| --- |" + " ---: |" * (len(PEOPLE_COLUMNS) - 1))
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in people_rows(result))
    worked = [(p, d, n) for p in result.people for d, n in p.on_holidays]
    if worked:
        lines += ["", "On call on a public holiday:", ""]
        lines.extend(f"- {_cell(people_names(team, [p.person]))}: {d} {n}" for p, d, n in worked)
    lines += ["", "### Windows", "", "| window | min_staff | ideal_staff | lowest | events |"]
    lines.append("| --- | ---: | ---: | ---: | --- |")
    for w in result.windows:
        duration = w.window.duration
        titles = ", ".join(dict.fromkeys(e.title for e in w.window.events))
        lines.append(
            f"| {format_span(w.window.start, w.window.end, zone)} | "
            f"{_percent(w.min_time / duration)} | {_percent(w.ideal_time / duration)} | "
            f"{w.lowest} | {_cell(titles)} |"
        )
    if result.pairings:
        lines += ["", "### Pairings", "", "| people | shifts | time |", "| --- | ---: | ---: |"]
        lines.extend(
            f"| {_cell(people_names(team, [a, b]))} | {n} | {_h(t)} |"
            for a, b, n, t in result.pairings
        )
    return "\n".join(lines) + "\n"
