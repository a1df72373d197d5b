"""The smallest counterexamples of issue 16, each a defect of an earlier planner."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from oncall import EventSpec, Person, Policy, Team, TimeOff, parse_team
from oncall import planner as planner_module
from oncall.checker import check
from oncall.cli import main
from oncall.models import Code
from oncall.planner import make_plan

from ..reference import assignment_of, measure, solve, units_of


def test_coverage_comes_before_rest() -> None:
    # e2 was left uncovered to spare a rest break; covering all three costs two warnings.
    team = parse_team(
        """
team: t
timezone: UTC
policy: {min_rest: 20h}
people: [{id: ada}]
events:
  - {id: e1, title: E1, start: 2026-12-03T21:00, duration: 3h}
  - {id: e2, title: E2, start: 2026-12-04T20:15, duration: 1h30m}
  - {id: e3, title: E3, start: 2026-12-05T12:00, duration: 2h30m}
"""
    )
    result = make_plan(team)
    assert [s.people for s in result.rotation.shifts] == [("ada",)] * 3
    codes = [f.code for f in check(team, result.rotation)]
    assert Code.UNCOVERED not in codes
    assert codes.count(Code.REST_VIOLATION) == 2


def test_load_spread_is_the_smallest_possible() -> None:
    # e1 to ada and e2 to ben left a spread of 15.5 h; the other way round it is 8.5 h.
    team = parse_team(
        """
team: t
timezone: UTC
policy: {min_rest: 14h}
people: [{id: ada}, {id: ben}]
history: {ben: 12h}
events:
  - {id: e1, title: E1, start: 2026-12-05T17:30, duration: 30m}
  - {id: e2, title: E2, start: 2026-12-05T21:00, duration: 4h}
"""
    )
    result = make_plan(team)
    assert [s.people for s in result.rotation.shifts] == [("ben",), ("ada",)]
    assert result.load["ben"] - result.load["ada"] == result.load["ben"] / 29 * 17  # 8.5 h
    assert not any(f.code is Code.REST_VIOLATION for f in check(team, result.rotation))


def test_a_hand_off_covers_a_window_no_one_person_can() -> None:
    # Ada is off 18:00-21:00, Ben 21:00-02:00: Ben until 21:00, then Ada, cover 19:00-23:00.
    team = parse_team(
        """
team: t
timezone: UTC
people: [{id: ada, name: Ada}, {id: ben, name: Ben}]
pto:
  - {person: ada, start: 2026-12-05T18:00, end: 2026-12-05T21:00}
  - {person: ben, start: 2026-12-05T21:00, end: 2026-12-06T02:00}
events:
  - {id: e1, title: Deploy, start: 2026-12-05T20:00, duration: 2h}
"""
    )
    rotation = make_plan(team).rotation
    assert [(s.start.hour, s.end.hour, s.people) for s in rotation.shifts] == [
        (19, 21, ("ben",)),
        (21, 23, ("ada",)),
    ]
    (finding,) = check(team, rotation)
    assert finding.code is Code.UNDERSTAFFED  # two wanted, one at a time: not uncovered
    assert finding.message == (
        "Only 1 person at a time is on call Sat 2026-12-05 19:00-23:00 UTC for Deploy (e1) "
        "(2 wanted): Ben Sat 2026-12-05 19:00-21:00 UTC, then Ada Sat 2026-12-05 21:00-23:00 UTC."
    )


def test_seven_linked_windows_break_rest_no_more_than_needed() -> None:
    # A chain of seven windows two hours apart (min_rest 8h) for two people defeated the
    # earlier six-slot look-ahead; the exact reference says how few breaks suffice.
    events = "".join(
        f"  - {{id: e{i}, title: E{i}, start: 2026-12-05T{2 + 3 * i:02d}:00, duration: 1h}}\n"
        for i in range(7)
    )
    team = parse_team(
        "team: t\ntimezone: UTC\npolicy: {lead: 0m, lag: 0m, min_rest: 8h, ideal_staff: 1}\n"
        f"people: [{{id: ada}}, {{id: ben}}]\nevents:\n{events}"
    )
    findings = check(team, make_plan(team).rotation)
    best = solve(team, units_of(team))
    assert best.uncovered == 0
    assert not any(f.code is Code.UNCOVERED for f in findings)
    assert sum(f.code is Code.REST_VIOLATION for f in findings) == best.breaks


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC)


def test_a_cycle_of_four_exchanges_balances_what_no_single_move_can() -> None:
    # Min_rest 24h, one person a window: the spread was 2.5 h, the optimum 1 h. It takes four
    # people each passing a window on, and one of them may take theirs only because they
    # give up another, too close to it (from benchmarks/quality.py, seed 1, team 33).
    zones = ("Europe/Berlin", "UTC", "Asia/Kolkata", "Europe/Berlin")
    events = [
        ((4, 15, 30), 180, "America/New_York"),
        ((7, 23, 30), 120, "America/New_York"),
        ((14, 12, 45), 120, "Europe/Berlin"),
        ((7, 12, 30), 180, "Europe/Berlin"),
        ((13, 12, 45), 30, "Asia/Kolkata"),
        ((6, 9, 15), 120, "America/New_York"),
        ((6, 3, 30), 90, "UTC"),
        ((6, 12, 45), 210, "America/New_York"),
        ((3, 22, 30), 90, "UTC"),
    ]
    away = [("p3", 12, 13), ("p3", 4, 5), ("p2", 13, 16), ("p2", 2, 3)]
    team = Team(
        "t",
        "UTC",
        tuple(Person(f"p{i}", timezone=zone) for i, zone in enumerate(zones)),
        (
            *(TimeOff(p, _at(a, 0), _at(b, 0)) for p, a, b in away),
            TimeOff("p2", _at(9, 20), _at(10, 4)),
        ),
        tuple(
            EventSpec(f"E{i}", _at(*start), timedelta(minutes=length), zone, id=f"e{i}")
            for i, (start, length, zone) in enumerate(events)
        ),
        Policy(min_staff=1, ideal_staff=1, min_rest=timedelta(hours=24)),
        history={"p1": timedelta(hours=6), "p3": timedelta(hours=3)},
    )
    units = units_of(team)
    got = measure(team, units, assignment_of(make_plan(team).rotation, units))
    best = solve(team, units)
    assert (got.uncovered, got.breaks, got.understaffed) == (0, 0, 0)
    assert got.spread == best.spread == 60


def _crowded_block_yaml() -> str:
    # Five close windows, min_rest 20h: one block that four people can take part in.
    return (
        "team: t\ntimezone: UTC\npolicy: {lead: 0m, lag: 0m, min_rest: 20h, ideal_staff: 2}\n"
        "people: [{id: ada}, {id: ben}, {id: cy}, {id: dee}]\nevents:\n"
        + "".join(
            f"  - {{id: e{i}, title: E{i}, start: 2026-12-05T{2 + 4 * i:02d}:00, duration: 2h}}\n"
            for i in range(5)
        )
    )


def _crowded_block() -> Team:
    return parse_team(_crowded_block_yaml())


def test_a_search_past_its_budget_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks past the search budget were left to the repair moves, and nothing said so.
    team = _crowded_block()
    assert make_plan(team).notes == ()
    monkeypatch.setattr(planner_module, "SEARCH_WIDTH", 40)
    result = make_plan(team, explain=True)
    (note,) = result.notes
    assert note.startswith("5 shift(s) were not searched exactly (past the budget of 40 steps")
    assert all("too large to search exactly" in d.why for d in result.decisions)
    # The search kept its best states instead of giving up: ranks 1 to 3 are still best.
    units = units_of(team)
    got = measure(team, units, assignment_of(result.rotation, units))
    best = solve(team, units)
    assert (got.uncovered, got.breaks, got.understaffed) == (
        best.uncovered,
        best.breaks,
        best.understaffed,
    )


def test_oncall_plan_notes_a_search_past_its_budget_on_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(_crowded_block_yaml(), encoding="utf-8")
    assert main(["plan", str(team)], out=io.StringIO()) == 0
    assert "note" not in capsys.readouterr().err
    monkeypatch.setattr(planner_module, "SEARCH_WIDTH", 40)
    out = io.StringIO()
    assert main(["plan", str(team)], out=out) == 0
    err = capsys.readouterr().err
    assert err.startswith("oncall: note: 5 shift(s) were not searched exactly")
    assert "note" not in out.getvalue()  # the report itself stays as it was


def test_balancing_past_its_budget_says_so_only_where_it_could_matter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every benchmark plan of 10,000 events noted a balancing budget hit although the
    # spread was under half an hour (finishing gained two minutes): a spread within an
    # hour of zero is within an hour of the smallest possible, and needs no note.
    def team(history: str) -> Team:
        return parse_team(
            "team: t\ntimezone: UTC\npolicy: {ideal_staff: 1}\n"
            f"people: [{{id: ada}}, {{id: ben}}]\nhistory: {{ada: {history}}}\nevents:\n"
            "  - {id: e1, title: E1, start: 2026-12-05T10:00, duration: 1h}\n"
            "  - {id: e2, title: E2, start: 2026-12-06T10:00, duration: 1h}\n"
        )

    monkeypatch.setattr(planner_module, "BALANCE_TRIES", -1_000)  # no move at all
    assert make_plan(team("50m")).notes == ()  # ada 50m + 3h, ben 3h: 50 minutes apart
    (note,) = make_plan(team("4h")).notes  # ada 4h, ben 3h + 3h: two hours apart
    assert note == (
        "balancing stopped at its budget of moves with a load spread of 2h: "
        "it may be more than 1h wider than the smallest possible"
    )
    monkeypatch.undo()
    assert make_plan(team("4h")).notes == ()  # with its budget, balancing finishes


def test_the_exact_search_holds_a_bounded_number_of_places(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Twelve people, ideal_staff 3, shifts of two hours around the clock, min_rest 10h:
    # one block of every unit. Past its budget the search kept 20,000 states per unit and
    # every unit's whole layer for tracing back: 2.1 GB and 17 s for twenty days (found in
    # review). What it holds across a block is now capped (states times people), and a
    # layer keeps only the states that go on.
    policy = "{min_rest: 10h, max_shift: 2h, ideal_staff: 3}"
    people = ", ".join(f"{{id: p{i}}}" for i in range(12))
    events = "".join(
        f"  - {{id: e{d}x{h}, title: E, start: 2026-12-{1 + d:02d}T{h:02d}:00, duration: 2h}}\n"
        for d in range(5)
        for h in range(0, 24, 2)
    )
    team = parse_team(
        f"team: t\ntimezone: UTC\npolicy: {policy}\npeople: [{people}]\nevents:\n{events}"
    )
    cells = 20_000
    monkeypatch.setattr(planner_module, "SEARCH_CELLS", cells)
    held: dict[int, list[int]] = {}
    original = planner_module._Planner._layer

    def layer(
        self: planner_module._Planner, states: Any, options: Any, where: Any, **kw: Any
    ) -> Any:
        result = original(self, states, options, where, **kw)
        key = next(iter(result))
        width = len(key[0]) if kw.get("spread") else len(key)  # people in the state
        held.setdefault(id(where[0]), []).append(len(states) * width)
        return result

    monkeypatch.setattr(planner_module._Planner, "_layer", layer)
    result = make_plan(team)
    assert held  # the block was searched
    # The states carried into each unit, times people, summed over the block: the cap (plus
    # one state per unit, which always goes on).
    assert max(sum(sizes) - cells - 12 * len(sizes) for sizes in held.values()) <= 0
    assert not any(f.code is Code.UNCOVERED for f in check(team, result.rotation))


def test_a_group_of_three_searched_together_balances_what_the_moves_cannot() -> None:
    # Min_rest 16h, nine people, one a window: the balancing moves (hand-overs, exchanges,
    # divisions of two people's windows, chains) left a spread of 4.75 h; the optimum is
    # 3.25 h. Searching the windows of the least and the most loaded and one other person
    # together (`_regroup`) narrows it to 4.25 h, and the moves then reach 3.25 h (from
    # benchmarks/quality.py, seed 1, team 2).
    new_york, berlin, kolkata = "America/New_York", "Europe/Berlin", "Asia/Kolkata"
    zones = (new_york, berlin, "UTC", new_york, kolkata, new_york, kolkata, "UTC", kolkata)
    events = [
        ((11, 18, 0), 240),
        ((7, 22, 30), 210),
        ((1, 9, 15), 90),
        ((7, 23, 45), 90),
        ((10, 3, 45), 120),
        ((3, 1, 15), 210),
        ((12, 9, 30), 240),
        ((2, 9, 15), 30),
        ((3, 20, 0), 90),
        ((12, 11, 30), 120),
        ((8, 2, 0), 150),
        ((8, 5, 15), 180),
        ((7, 5, 0), 120),
        ((3, 21, 15), 60),
        ((1, 20, 0), 210),
        ((9, 2, 30), 90),
        ((8, 6, 30), 60),
        ((2, 15, 0), 120),
        ((6, 16, 30), 180),
        ((13, 0, 45), 60),
        ((6, 21, 45), 60),
        ((7, 7, 15), 30),
    ]
    team = Team(
        "t",
        "UTC",
        tuple(Person(f"p{i}", timezone=zone) for i, zone in enumerate(zones)),
        (TimeOff("p6", _at(2, 1), _at(2, 5)), TimeOff("p3", _at(13, 13), _at(13, 16))),
        tuple(
            EventSpec(f"E{i}", _at(*start), timedelta(minutes=length), "UTC", id=f"e{i}")
            for i, (start, length) in enumerate(events)
        ),
        Policy(min_staff=1, ideal_staff=1, min_rest=timedelta(hours=16)),
        history={"p0": timedelta(hours=1), "p1": timedelta(hours=6), "p7": timedelta(hours=3)},
    )
    units = units_of(team)
    result = make_plan(team)
    got = measure(team, units, assignment_of(result.rotation, units))
    best = solve(team, units)
    assert (got.uncovered, got.breaks, got.understaffed) == (0, 0, 0)
    assert got.spread == best.spread == 195
    assert result.notes == ()


def test_three_people_breaking_rest_are_balanced_as_the_optimum() -> None:
    # Min_rest 20h and max_shift 3h with three people, one away for five of the days: ten
    # rest breaks are unavoidable, and the spread searches' beam, ranked by the cost so
    # far, kept only the plans that put the breaks off and never reached even ones: 2.75 h
    # of spread against an optimum of 1.4 h. Dropping the states that can no longer match
    # the plan on ranks 1 to 3 and keeping half the beam by the spread to come reaches it
    # (from benchmarks/quality.py, seed 1, team 36, events left out while it still missed).
    events = [
        ((14, 8, 0), 90),
        ((7, 6, 15), 60),
        ((14, 14, 0), 240),
        ((3, 4, 30), 240),
        ((1, 17, 15), 30),
        ((6, 22, 30), 30),
        ((7, 15, 0), 90),
        ((14, 4, 15), 180),
        ((10, 16, 45), 180),
        ((5, 19, 45), 180),
        ((1, 11, 30), 240),
        ((9, 9, 30), 90),
        ((1, 2, 15), 240),
        ((6, 11, 30), 240),
        ((1, 20, 45), 210),
    ]
    team = Team(
        "t",
        "UTC",
        tuple(Person(f"p{i}") for i in range(3)),
        (TimeOff("p2", _at(1, 0), _at(4, 0)), TimeOff("p2", _at(7, 0), _at(9, 0))),
        tuple(
            EventSpec(f"E{i}", _at(*start), timedelta(minutes=length), "UTC", id=f"e{i}")
            for i, (start, length) in enumerate(events)
        ),
        Policy(
            min_staff=1,
            ideal_staff=1,
            min_rest=timedelta(hours=20),
            max_shift=timedelta(hours=3),
        ),
        history={"p2": timedelta(hours=5)},
    )
    units = units_of(team)
    result = make_plan(team)
    got = measure(team, units, assignment_of(result.rotation, units))
    best = solve(team, units)
    assert best.proven
    assert (got.uncovered, got.breaks, got.understaffed) == (0, 10, 0)
    assert (best.uncovered, best.breaks, best.understaffed) == (0, 10, 0)
    assert got.spread <= best.spread + 60
    assert result.notes == ()
