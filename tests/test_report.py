"""``oncall report``: figures against a minute-by-minute count, golden files, the command."""

from __future__ import annotations

import html
import itertools
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall.checker import check
from oncall.intervals import overlap
from oncall.load import load_rotation, load_team, parse_rotation
from oncall.models import (
    Holidays,
    Horizon,
    Person,
    Policy,
    Rotation,
    Shift,
    Team,
    TimeOff,
    Window,
    WorkingHours,
)
from oncall.review import balance, review, review_json, review_markdown, review_text
from oncall.timeline import page, timeline_svg
from oncall.windows import coverage_windows
from tests.conftest import EXAMPLES, Golden, installed
from tests.test_validate import BROKEN
from tests.test_workhours import CALENDARS, HOURS, minute_classifier

TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
MINUTE = timedelta(minutes=1)
ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]
# Two days around a DST change: New York's and Berlin's in autumn, Lord Howe's in spring.
BASES = [
    datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
    datetime(2026, 10, 31, 12, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 0, 0, tzinfo=UTC),
    datetime(2026, 12, 24, 0, 0, tzinfo=UTC),
]
SPAN = 48 * 60


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Team, Rotation, list[Window], datetime]:
    base = draw(st.sampled_from(BASES))
    count = draw(st.integers(1, 4))
    people = tuple(
        Person(
            f"p{i}",
            timezone=draw(st.sampled_from(ZONES)),
            working_hours=WorkingHours.parse(draw(st.sampled_from(HOURS))),
            holidays=Holidays.parse(c) if (c := draw(st.sampled_from(CALENDARS))) else None,
        )
        for i in range(count)
    )
    ids = [p.id for p in people]
    minutes = st.integers(0, SPAN - 1)
    cuts = sorted(set(draw(st.lists(minutes, min_size=2, max_size=8))))
    windows = [
        Window(base + a * MINUTE, base + b * MINUTE, ())
        for a, b in itertools.pairwise(cuts)
        if draw(st.booleans())
    ] or [Window(base, base + SPAN * MINUTE, ())]
    shifts = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(-120, SPAN))
        length = draw(st.integers(1, 12 * 60))
        named = draw(st.lists(st.sampled_from([*ids, "ghost"]), max_size=3))
        shifts.append(Shift(base + start * MINUTE, base + (start + length) * MINUTE, tuple(named)))
    time_off = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(minutes)
        time_off.append(
            TimeOff(
                draw(st.sampled_from(ids)),
                base + start * MINUTE,
                base + (start + draw(st.integers(1, 600))) * MINUTE,
            )
        )
    policy = Policy(min_staff=draw(st.integers(0, 2)), ideal_staff=draw(st.integers(2, 3)))
    team = Team("t", "UTC", people=people, time_off=tuple(time_off), policy=policy)
    return team, Rotation(tuple(shifts)), windows, base


def grafana(loads: list[timedelta]) -> float:
    """Grafana OnCall's balance, written out: the mean over pairs of min / max."""
    pairs = list(itertools.combinations(loads, 2))
    ratios = [min(a, b) / max(a, b) if max(a, b) else 1 for a, b in pairs]
    return sum(ratios) / len(pairs) if pairs else 1


@given(scenarios())
def test_figures_match_a_minute_by_minute_count(
    scenario: tuple[Team, Rotation, list[Window], datetime],
) -> None:
    team, rotation, windows, base = scenario
    end = base + SPAN * MINUTE
    horizon = Horizon(base, end)
    result = review(team, rotation, windows, [], horizon)
    minutes = [base + i * MINUTE for i in range(SPAN)]
    in_window = [any(w.start <= m < w.end for w in windows) for m in minutes]
    people = {p.id: p for p in team.people}

    def on_call(person: str, m: datetime) -> bool:
        return any(s.start <= m < s.end and person in s.people for s in rotation.shifts)

    def away(person: str, m: datetime) -> bool:
        return any(o.person == person and o.start <= m < o.end for o in team.time_off)

    window_loads = []
    after_loads = []
    for load in result.people:
        person = people[load.person]
        classify = minute_classifier(person, range(2025, 2028))
        on = [on_call(person.id, m) for m in minutes]
        total = after = weekend = holiday = inside = inside_after = timedelta(0)
        longest = run = timedelta(0)
        for m, is_on, is_inside in zip(minutes, on, in_window, strict=True):
            run = run + MINUTE if is_on else timedelta(0)
            longest = max(longest, run)
            if not is_on:
                continue
            working, on_weekend, off = classify(m)
            total += MINUTE
            after += MINUTE if not working else timedelta(0)
            weekend += MINUTE if on_weekend else timedelta(0)
            holiday += MINUTE if off else timedelta(0)
            if is_inside:
                inside += MINUTE
                inside_after += MINUTE if not working else timedelta(0)
        assert load.hours.total == total
        assert load.hours.after_hours == after
        assert load.hours.weekend == weekend
        assert load.hours.holiday == holiday
        assert load.window.total == inside
        assert load.window.after_hours == inside_after
        assert load.longest == longest
        last = max((m for m, is_on in zip(minutes, on, strict=True) if is_on), default=None)
        assert load.since_last == (None if last is None else end - (last + MINUTE))
        assert load.shifts == sum(
            1 for s in rotation.shifts if person.id in s.people and s.end > base and s.start < end
        )
        window_loads.append(inside)
        after_loads.append(inside_after)

    staffed = [
        len(
            {
                p
                for s in rotation.shifts
                if s.start <= m < s.end
                for p in s.people
                if p in people and not away(p, m)
            }
        )
        for m, inside in zip(minutes, in_window, strict=True)
        if inside
    ]
    policy = team.policy
    assert result.score.coverage_min == pytest.approx(
        sum(n >= policy.min_staff for n in staffed) / len(staffed)
    )
    assert result.score.coverage_ideal == pytest.approx(
        sum(n >= policy.ideal_staff for n in staffed) / len(staffed)
    )

    assert result.score.balance == pytest.approx(grafana(window_loads))
    assert result.score.after_hours_balance == pytest.approx(grafana(after_loads))
    mean = sum(window_loads, timedelta(0)) / len(window_loads)
    assert list(result.score.overloaded) == [
        p.id
        for p, load in zip(team.people, window_loads, strict=True)
        if mean and load > mean * 1.2
    ]


@given(scenarios())
def test_pairings_match_a_minute_by_minute_count(
    scenario: tuple[Team, Rotation, list[Window], datetime],
) -> None:
    team, rotation, windows, base = scenario
    result = review(team, rotation, windows, [], Horizon(base, base + SPAN * MINUTE))
    minutes = [base + i * MINUTE for i in range(SPAN)]
    # Pairings: each shift counts once for every two known people it names.
    together: dict[tuple[str, str], list[timedelta]] = {}
    for shift in rotation.shifts:
        shared = sum((MINUTE for m in minutes if shift.start <= m < shift.end), timedelta(0))
        if not shared:
            continue
        named = [p.id for p in team.people if p.id in shift.people]
        for a, b in itertools.combinations(named, 2):
            together.setdefault((a, b), []).append(shared)
    assert {(a, b): (n, t) for a, b, n, t in result.pairings} == {
        key: (len(times), sum(times, timedelta(0))) for key, times in together.items()
    }


def test_balance_is_graphanas_mean_over_pairs() -> None:
    hour = timedelta(hours=1)
    assert balance([hour, 2 * hour]) == 0.5
    assert balance([hour, hour, 2 * hour]) == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert balance([timedelta(0), timedelta(0)]) == 1.0
    assert balance([hour]) == 1.0


def _example() -> tuple[Team, Rotation]:
    team = load_team(TEAM)
    return team, load_rotation(ROTATION, team)


def _example_review() -> object:
    team, rotation = _example()
    windows = coverage_windows(team, team.horizon)
    return review(team, rotation, windows, check(team, rotation, team.horizon, windows=windows))


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("text", "travel-pay.report.txt"),
        ("json", "travel-pay.report.json"),
        ("markdown", "travel-pay.report.md"),
    ],
)
def test_the_example_report_is_golden(fmt: str, name: str, golden: Golden) -> None:
    result = installed("report", str(TEAM), str(ROTATION), "--format", fmt, cwd=EXAMPLES.parent)
    assert result.returncode == 0, result.stderr
    golden(name, result.stdout)


def test_json_says_what_text_says() -> None:
    document = review_json(_example_review())  # type: ignore[arg-type]
    assert [p["id"] for p in document["people"]] == ["apark", "bortiz", "cobi", "dlee"]
    assert document["people"][3]["working_hours"] == "Mon-Thu 08:00-18:00"
    assert document["people"][3]["holidays"] == "US-IL"
    assert set(document["score"]) == {
        "coverage_min",
        "coverage_ideal",
        "balance",
        "after_hours_balance",
        "overall",
        "overloaded",
    }


def test_without_a_rotation_the_plan_is_reported() -> None:
    result = installed("report", str(TEAM), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"]["coverage_min"] == 1.0


def test_the_svg_is_well_formed_and_names_everyone(tmp_path: Path) -> None:
    out = tmp_path / "timeline.svg"
    result = installed("report", str(TEAM), str(ROTATION), "--format", "svg", "-o", str(out))
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(out.read_text())  # noqa: S314 - our own output
    text = ET.tostring(root, encoding="unicode", method="text")
    for name in ("Ada Park", "Ben Ortiz", "Chidi Obi", "Dana Lee", "Travel Pay API deployment"):
        assert name in text


def test_the_page_needs_no_network() -> None:
    html = page(_example_review())  # type: ignore[arg-type]
    for needle in ("http://", "https://", "<link", " src=", "@import", "url(http"):
        assert needle not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_an_unknown_holiday_calendar_is_an_input_error(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(TEAM.read_text().replace("holidays: US-IL", "holidays: US-ZZ"))
    result = installed("report", str(team))
    assert result.returncode == 2
    assert (
        "team.yaml:40: people[3].holidays: the holidays package knows no such subdivision 'US-ZZ'"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_report_writes_a_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = installed("report", str(TEAM), str(ROTATION), "--format", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text().startswith("## On-call report: travel-pay")


def test_text_and_markdown_show_each_term() -> None:
    result = _example_review()
    for text in (review_text(result), review_markdown(result)):  # type: ignore[arg-type]
        for term in ("coverage_min", "coverage_ideal", "balance", "after_hours_balance", "overall"):
            assert term in text
    assert timeline_svg(result).startswith("<svg")  # type: ignore[arg-type]


def test_a_team_with_nothing_to_cover_reports_no_horizon(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text("team: t\ntimezone: UTC\npeople: [{id: ada}]\n")
    for fmt in ("text", "json", "markdown", "html", "svg"):
        result = installed("report", str(team), "--format", fmt)
        assert result.returncode == 0, result.stderr
    assert installed("report", str(team)).stdout.startswith("t: 0 shifts, 0 windows, no horizon\n")


def test_names_are_escaped_in_the_page_and_the_svg() -> None:
    team, rotation = _example()
    hostile = '<img src=x onerror="alert(1)"> & co'
    people = tuple(
        Person(p.id, hostile if p.id == "apark" else p.name, timezone=p.timezone)
        for p in team.people
    )
    team = Team(team.name, team.timezone, people=people, policy=team.policy, horizon=team.horizon)
    windows = coverage_windows(team, team.horizon)
    result = review(team, rotation, windows, [], team.horizon)
    for text in (page(result), timeline_svg(result)):
        assert "<img" not in text
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co" in text
    ET.fromstring(timeline_svg(result))  # noqa: S314 - our own output, still well-formed


def test_plan_explain_in_json_gives_after_hours() -> None:
    result = installed("plan", str(TEAM), "--explain", "--format", "json")
    document = json.loads(result.stdout)
    assert document["after_hours"]["dlee"] == {
        "hours": 20.0,
        "after_hours": 15.0,
        "weekend": 0.0,
        "holiday": 0.0,
    }


def _calls_to_overlap(windows: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """How often `review` compares two intervals for a rotation of ``windows`` windows."""
    import oncall.review as module  # noqa: PLC0415 - the module whose calls are counted

    calls = 0
    real = overlap

    def counted(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> object:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(module, "overlap", counted)
    base = datetime(2027, 1, 4, 15, tzinfo=UTC)
    spans = [
        (base + timedelta(hours=20 * i), base + timedelta(hours=20 * i + 3)) for i in range(windows)
    ]
    team = Team("t", "UTC", people=tuple(Person(f"p{i}") for i in range(6)))
    rotation = Rotation(
        tuple(Shift(a, b, (f"p{i % 6}", f"p{(i + 1) % 6}")) for i, (a, b) in enumerate(spans))
    )
    review(team, rotation, [Window(a, b, ()) for a, b in spans], [])
    return calls


def test_the_review_grows_linearly_with_the_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    small = _calls_to_overlap(200, monkeypatch)
    large = _calls_to_overlap(800, monkeypatch)
    assert large < 5 * small  # 4 times the windows: about 4 times the work, not 16


CHRISTMAS = """\
team: shop
timezone: Europe/London
policy: {holidays: GB-ENG, ideal_staff: 1}
people:
  - {id: amy, name: Amy Example}
  - {id: raj, name: Raj Example, timezone: Asia/Kolkata, holidays: IN, working_hours: Mon-Sat 10:00-18:00}
events:
  - {title: Boxing Day sale, start: 2026-12-25T22:00, duration: 4h}
"""


def test_holidays_on_call_are_named(tmp_path: Path) -> None:
    team_file = tmp_path / "team.yaml"
    team_file.write_text(CHRISTMAS)
    rotation = tmp_path / "rotation.yaml"
    rotation.write_text(
        "shifts:\n  - {start: 2026-12-25T21:00, end: 2026-12-26T03:00, people: [amy, raj]}\n"
    )
    text = installed("report", str(team_file), str(rotation)).stdout
    assert "  Amy Example: 2026-12-25 Christmas Day\n" in text
    assert "  Amy Example: 2026-12-26 Boxing Day\n" in text
    assert "  Raj Example: " not in text  # his shift is on 26 December in Kolkata
    document = json.loads(
        installed("report", str(team_file), str(rotation), "--format", "json").stdout
    )
    amy, raj = document["people"]
    assert (amy["hours"], amy["holiday"], amy["after_hours"], amy["weekend"]) == (
        6.0,
        6.0,
        6.0,
        3.0,
    )
    # 02:30 to 08:30 in Kolkata; Raj works Saturdays, so his weekend is Sunday only.
    assert (raj["holiday"], raj["after_hours"], raj["weekend"]) == (0.0, 6.0, 0.0)
    markdown = installed("report", str(team_file), str(rotation), "--format", "markdown").stdout
    assert "- Amy Example: 2026-12-26 Boxing Day" in markdown


@pytest.mark.parametrize("days", [3, 20, 62, 400, 3000])
def test_date_labels_never_overlap(days: int) -> None:
    start = datetime(2027, 1, 1, 5, tzinfo=UTC)
    team = Team("t", "America/New_York", people=(Person("ada"),))
    windows = [Window(start, start + timedelta(hours=2), ())]
    horizon = Horizon(start, start + timedelta(days=days))
    svg = timeline_svg(review(team, Rotation(), windows, [], horizon))
    xs = sorted(
        float(x)
        for x in re.findall(r'<text x="([0-9.]+)" y="[0-9.]+" class="muted">[A-Z][a-z][a-z] ', svg)
    )
    assert xs
    assert all(b - a >= 80 for a, b in itertools.pairwise(xs))


def test_a_shifts_tooltip_names_its_events_and_findings() -> None:
    team = load_team(TEAM)
    rotation = parse_rotation(BROKEN, team)
    windows = coverage_windows(team, team.horizon)
    findings = check(team, rotation, team.horizon, windows=windows)
    svg = timeline_svg(review(team, rotation, windows, findings, team.horizon))
    tips = [
        html.unescape(t)
        for t in re.findall(r'data-ref="p-cobi"><title>(.*?)</title>', svg, flags=re.DOTALL)
    ]
    assert tips[0].startswith(
        "Chidi Obi on call Wed 2026-12-09 17:00-22:00 EST\nCRM update\nFindings:\n"
    )
    assert "error duplicate-person: " in tips[0]
    assert "error unknown-person: " in tips[0]
