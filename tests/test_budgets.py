"""Budgets bound total work: each blow-up that was fixed, at two sizes.

The tests count operations (occurrences generated, years searched, names looked up,
names compared), never time: a quadratic path coming back fails them on any machine.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil import rrule as dateutil_rrule
from hypothesis import given
from hypothesis import strategies as st

from oncall import (
    Horizon,
    InputError,
    Person,
    Rotation,
    Shift,
    Team,
    check,
    expand_events,
    parse_team,
)
from oncall import planner as planner_module
from oncall.errors import SUGGESTION_BUDGET, Origin
from oncall.models import EventSpec
from oncall.planner import MAX_PARTS, REPAIR_PER_UNIT, REPAIR_TRIES, planner_for
from oncall.recurrence import MAX_BARREN_YEARS, MAX_OCCURRENCES

START = datetime(2026, 12, 1, tzinfo=UTC)


class Counter:
    """Counts the calls of a wrapped function."""

    def __init__(self) -> None:
        self.calls = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return function(*args, **kwargs)

        return counted


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any, str], Counter]:
    def count(owner: Any, name: str) -> Counter:
        counter = Counter()
        monkeypatch.setattr(owner, name, counter.wrap(getattr(owner, name)))
        return counter

    return count


def rules(count: int, rule: str) -> Team:
    specs = tuple(
        EventSpec(
            title=f"Event {index}",
            start=START,
            duration=timedelta(seconds=1),
            timezone="UTC",
            rrule=rule,
            origin=Origin(("events", index)),
        )
        for index in range(count)
    )
    return Team(name="t", timezone="UTC", events=specs)


@pytest.mark.parametrize("size", [2, 16])
def test_the_occurrence_budget_is_for_all_rules_together(
    size: int, counted: Callable[[Any, str], Counter]
) -> None:
    from oncall import recurrence  # noqa: PLC0415

    generated = counted(recurrence, "generated_to_utc")
    horizon = Horizon(START, START + timedelta(days=60))
    per_rule = MAX_OCCURRENCES // 10 * 6  # each rule well under the budget, all of them over
    with pytest.raises(InputError, match=r"events\[1\]\.rrule: the recurrence rules together"):
        expand_events(rules(size, f"FREQ=MINUTELY;COUNT={per_rule}"), horizon)
    assert generated.calls <= MAX_OCCURRENCES + size  # not size * per_rule


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2",
        "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31;UNTIL=99991231T000000",
    ],
)
def test_a_rule_that_finds_nothing_stops_searching_within_its_budget(
    rule: str, counted: Callable[[Any, str], Counter]
) -> None:
    years = {}
    for size in (1, 10):
        rebuilt = counted(dateutil_rrule._iterinfo, "rebuild")
        with pytest.raises(InputError, match=f"finds no date in {MAX_BARREN_YEARS} years"):
            expand_events(rules(size, rule), Horizon(START, START + timedelta(days=30)))
        years[size] = rebuilt.calls
    # Months or years rebuilt: bounded by the budget, the same for one rule or ten.
    assert years[1] <= 13 * (MAX_BARREN_YEARS + 1)
    assert years[10] == years[1]


def test_a_sparse_rule_that_does_find_dates_is_kept() -> None:
    # February 29 on a Friday: some 28 years apart, well inside the search budget.
    team = rules(1, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR;COUNT=2")
    found = expand_events(team, Horizon(START, datetime(2100, 1, 1, tzinfo=UTC)))
    assert [e.start.date().isoformat() for e in found] == ["2036-02-29", "2064-02-29"]


def _pto_team(folder: Path, people: int, entries: int) -> Team:
    names = [f"Person {index:05d}" for index in range(people)]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for index in range(entries):
        day = START + timedelta(days=index % 300)
        lines += [
            "BEGIN:VEVENT",
            f"UID:pto-{index}@example.org",
            f"SUMMARY:{names[index % people]} out (dentist)",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    (folder / "pto.ics").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    people_yaml = "".join(
        f"  - id: p{index}\n    name: {name}\n" for index, name in enumerate(names)
    )
    text = (
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2027-12-01}\n"
        f"people:\n{people_yaml}"
        "sources:\n  pto:\n    - file: pto.ics\n      match_name: true\n"
    )
    return parse_team(text, name=str(folder / "team.yaml"))


def test_time_off_by_name_grows_with_the_entries_not_with_entries_times_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oncall import sources  # noqa: PLC0415

    lookups = Counter()
    original = sources._Names.__init__

    def counting(self: Any, people: Any) -> None:
        original(self, people)

        class Counting(dict[str, list[int]]):
            def get(self, key: str, default: Any = None) -> Any:
                lookups.calls += 1
                return super().get(key, default)

        self.by_name = Counting(self.by_name)

    monkeypatch.setattr(sources._Names, "__init__", counting)
    cost = {}
    for people, entries in ((50, 400), (400, 400), (50, 3200)):
        folder = tmp_path / f"{people}-{entries}"
        folder.mkdir()
        lookups.calls = 0
        team = _pto_team(folder, people, entries)  # calendars are read at load
        assert len(team.time_off) == entries
        assert {off.person for off in team.time_off} == {f"p{i}" for i in range(people)}
        cost[people, entries] = lookups.calls
    assert cost[400, 400] <= 1.2 * cost[50, 400]  # eight times the people: the same work
    assert cost[50, 3200] <= 12 * cost[50, 400]  # eight times the entries: linear


def test_did_you_mean_hints_share_one_budget(counted: Callable[[Any, str], Counter]) -> None:
    team = Team(
        name="t",
        timezone="UTC",
        people=tuple(Person(f"person-{index:04d}") for index in range(1000)),
    )
    compared = {}
    for unknowns in (300, 2400):
        matcher = counted(difflib.SequenceMatcher, "set_seq1")
        shift = Shift(START, START + timedelta(hours=1), tuple(f"x{i}" for i in range(unknowns)))
        findings = check(team, Rotation((shift,)), Horizon(START, START + timedelta(days=1)))
        assert sum(f.code == "unknown-person" for f in findings) == unknowns
        compared[unknowns] = matcher.calls
    assert compared[2400] <= 1.01 * SUGGESTION_BUDGET  # one more per lookup: the matcher
    assert compared[2400] == compared[300]  # both spent the budget, and no more


names = st.text(alphabet="ab -.é\u0130", min_size=1, max_size=6).filter(lambda n: n.strip() == n)


@given(st.lists(names, min_size=1, max_size=5), st.text(alphabet="ab -.é\u0130xA", max_size=20))
def test_names_are_found_where_a_regular_expression_finds_them(
    people: list[str], summary: str
) -> None:
    from oncall.sources import _Names  # noqa: PLC0415

    team = tuple(Person(f"p{index}", name=name) for index, name in enumerate(people))
    expected = [
        p for p in team if re.search(rf"(^|\W){re.escape(p.name.lower())}(\W|$)", summary.lower())
    ]
    assert _Names(team).find(summary) == expected


@pytest.mark.parametrize("series", [2, 16])
def test_a_calendars_series_share_one_occurrence_budget(tmp_path: Path, series: int) -> None:
    each = MAX_OCCURRENCES // 10 * 6  # each series well under the budget, two over it
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for index in range(series):
        lines += [
            "BEGIN:VEVENT",
            f"UID:s{index}@example.org",
            "SUMMARY:Deploy",
            "DTSTART:20261201T000000Z",
            "DTEND:20261201T000001Z",
            f"RRULE:FREQ=MINUTELY;COUNT={each}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    (tmp_path / "c.ics").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    text = (
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2027-12-01}\n"
        "sources: {events: [c.ics]}\n"
    )
    with pytest.raises(InputError, match=r"the event s1@example\.org repeats more than"):
        parse_team(text, name=str(tmp_path / "team.yaml"))  # calendars are read at load


def _cut_fine(days: int) -> Team:
    """Three people, one window of ``days`` cut into 15-minute pieces that all want three."""
    return parse_team(
        "team: t\ntimezone: UTC\npeople: [{id: ann}, {id: bob}, {id: cy}]\n"
        "events: [{title: Deploy, start: 2026-12-10T01:30, duration: 1h}]\n"
        f"policy: {{lead: {days}d, min_rest: 8h, max_shift: 15m, ideal_staff: 3}}\n"
    )


def test_repair_moves_are_bounded_by_a_budget_linear_in_the_units() -> None:
    # Found by the fuzzer: a ten-year lead at a 15-minute max_shift made `oncall plan`
    # try hundreds of repair moves per piece (half a minute for five days, hours for ten
    # years). Repair now stops at a budget of tries linear in the pieces, and says so.
    for days, stopped in ((1, False), (4, True)):
        planner = planner_for(_cut_fine(days), None, None)
        result = planner.run(explain=False)
        units = len(planner.units)
        assert planner.tries <= REPAIR_TRIES + (REPAIR_PER_UNIT + 5) * units, days
        noted = any(note.startswith("repair stopped at its budget") for note in result.notes)
        assert noted == stopped, days


def test_history_alone_is_no_budget_stopped() -> None:
    # Found in review: with no windows the group searches' budget was zero, and a load
    # spread made by history alone was noted as balancing stopped at its budget.
    team = parse_team(
        "team: t\ntimezone: UTC\nhorizon: {start: 2026-12-01, end: 2026-12-20}\n"
        "people: [{id: ann}, {id: bob}]\nhistory: {ann: 10h}\nevents: []\n"
    )
    assert planner_for(team, None, None).run(explain=False).notes == ()


def test_a_window_cut_into_too_many_shifts_is_refused_before_planning() -> None:
    # The fuzzer's ten-year lead at a 15-minute max_shift (350,000 linked pieces) planned
    # for most of an hour even within the repair budget: it is refused at once, naming
    # the window and max_shift; the most pieces a window may have are still planned.
    days = MAX_PARTS // 96  # 96 quarter hours a day
    assert len(planner_for(_cut_fine(days - 1), None, None).units) <= MAX_PARTS
    with pytest.raises(InputError) as caught:
        planner_for(_cut_fine(days + 1), None, None)
    error = caught.value
    assert error.path == ("policy", "max_shift")
    assert error.value == "15m"
    assert f"more than {MAX_PARTS:,} shifts" in error.problem
    assert "2026-12-10 03:30" in error.problem  # the window's end: the event's, plus lag


def test_a_plan_of_more_shifts_than_a_rotation_file_holds_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    team = parse_team(
        "team: t\ntimezone: UTC\npeople: [{id: ann}, {id: bob}]\nevents:\n"
        + "".join(
            f"  - {{title: Deploy, start: 2026-12-{day:02}T10:00, duration: 1h}}\n"
            for day in range(1, 8)
        )
    )
    monkeypatch.setattr(planner_module, "MAX_UNITS", 7)
    assert len(planner_for(team, None, None).units) == 7
    # The last window's unit passes the limit too (it was counted only before a window).
    monkeypatch.setattr(planner_module, "MAX_UNITS", 6)
    with pytest.raises(InputError, match=r"more than 6 shifts, more than a rotation file"):
        planner_for(team, None, None)
