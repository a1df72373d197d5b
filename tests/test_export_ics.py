"""iCalendar export: what real clients read, stable UIDs, updates, tombstones, escaping."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall import (
    EventSpec,
    Person,
    RiskyEvent,
    Rotation,
    Shift,
    Team,
    coverage_windows,
    load_rotation,
    load_team,
    parse_team,
    plan,
)
from oncall.cli import main
from oncall.export.ics import read_previous, shift_uid, to_ics
from oncall.timeutil import format_duration, format_span

from .conftest import EXAMPLES, ONCALL, ROOT, Golden
from .strategies import rotations_on_dst_days

CHECK_ICS = ROOT.parent / "shared" / "tools" / "check-ics"
PARSERS = os.environ.get("ONCALL_CHECK_ICS_PYTHON") or sys.executable
"""The Python whose parsers check-ics compares: this one, unless CI's pass against the
lowest dependency versions points at the main environment (the parsers are dev tools)."""
TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def check_ics(*paths: Path) -> None:
    """Every file passes check-ics: strict RFC 5545 rules and every parser installed."""
    if not CHECK_ICS.exists():
        pytest.skip("../shared/tools/check-ics is not beside the project")
    result = subprocess.run(
        [PARSERS, str(CHECK_ICS), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "iTIP" not in result.stdout, result.stdout  # SPEC 8: no ATTENDEE under PUBLISH


def prop(component: icalendar.Component, name: str) -> Any:
    """A property of a parsed component (icalendar's types are a wide union)."""
    return component[name]


def events(data: bytes) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def example(**options: object) -> bytes:
    team = load_team(TEAM)
    rotation = load_rotation(ROTATION, team)
    return to_ics(team, rotation, coverage_windows(team), stamp=STAMP, **options)  # type: ignore[arg-type]


def test_the_team_calendar(golden: Golden) -> None:
    data = example()
    golden("travel-pay.ics", data)
    assert len(events(data)) == 9


def test_a_personal_feed_with_reminders(golden: Golden) -> None:
    data = example(person="apark", remind=timedelta(minutes=30))
    golden("travel-pay.apark.ics", data)
    found = events(data)
    assert len(found) == 4
    assert all(str(prop(e, "SUMMARY")).startswith("On call: ") for e in found)
    assert all(prop(e.walk("VALARM")[0], "TRIGGER").dt == -timedelta(minutes=30) for e in found)


def test_every_export_passes_check_ics(tmp_path: Path) -> None:
    team = load_team(TEAM)
    rotation = load_rotation(ROTATION, team)
    windows = coverage_windows(team)
    (tmp_path / "team.ics").write_bytes(
        to_ics(team, rotation, windows, stamp=STAMP, remind=timedelta(hours=1))
    )
    (tmp_path / "apark.ics").write_bytes(
        to_ics(team, rotation, windows, stamp=STAMP, person="apark")
    )
    no_email = replace(team, email=None)
    (tmp_path / "no-email.ics").write_bytes(to_ics(no_email, rotation, windows, stamp=STAMP))
    fewer = Rotation(rotation.shifts[1:])
    previous = read_previous((tmp_path / "team.ics").read_bytes())
    (tmp_path / "tombstone.ics").write_bytes(
        to_ics(team, fewer, windows, stamp=STAMP, previous=previous)
    )
    for zone in ("Pacific/Chatham", "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago"):
        other = parse_team(
            f"team: t\ntimezone: {zone}\npeople: [{{id: a, name: 'A; B, C \\\\ D'}}]\n"
        )
        shifts = [
            Shift(
                datetime(2026, month, day, 13, tzinfo=UTC),
                datetime(2026, month, day, 17, tzinfo=UTC),
                ("a",),
            )
            for month, day in ((4, 4), (4, 5), (9, 6), (9, 27), (10, 4), (12, 1))
        ]
        (tmp_path / f"{zone.replace('/', '-')}.ics").write_bytes(
            to_ics(other, Rotation(tuple(shifts)), [], stamp=STAMP)
        )
    check_ics(tmp_path)


def test_a_published_feed_names_people_but_invites_nobody(tmp_path: Path) -> None:
    """SPEC 8: RFC 5546 allows no ATTENDEE under METHOD:PUBLISH; people are named instead."""
    team = load_team(TEAM)
    rotation = load_rotation(ROTATION, team)
    data = to_ics(team, rotation, [], stamp=STAMP)
    with_email = events(data)[0]
    assert str(prop(with_email, "ORGANIZER")) == "mailto:travel-pay@example.org"
    assert "ATTENDEE" not in with_email
    assert "Ada Park <ada.park@example.org> (primary)" in str(prop(with_email, "DESCRIPTION"))
    anonymous = events(to_ics(replace(team, email=None), rotation, [], stamp=STAMP))[0]
    organizer = prop(anonymous, "ORGANIZER")  # PUBLISH wants one: a URN naming the team
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:oncall-coverage:shift")
    assert str(organizer) == f"urn:uuid:{uuid.uuid5(namespace, 'travel-pay')}"
    assert organizer.params["CN"] == "travel-pay"
    assert "ATTENDEE" not in anonymous
    assert "Ada Park <ada.park@example.org> (primary)" in str(prop(anonymous, "DESCRIPTION"))
    # An earlier export that invited people is cancelled without its invitations.
    earlier = data.replace(
        b"X-ONCALL-PEOPLE", b"ATTENDEE;CN=Ada Park:mailto:ada.park@example.org\r\nX-ONCALL-PEOPLE"
    )
    later = to_ics(team, Rotation(()), [], stamp=STAMP, previous=read_previous(earlier))
    assert b"ATTENDEE" not in later
    assert b"STATUS:CANCELLED" in later
    (tmp_path / "feed.ics").write_bytes(later)
    check_ics(tmp_path / "feed.ics")


@given(rotations_on_dst_days())
def test_export_then_import_gives_the_same_shifts(case: tuple[Team, Rotation]) -> None:
    team, rotation = case
    found = events(to_ics(team, rotation, [], stamp=STAMP))
    recovered = [
        Shift(
            prop(e, "DTSTART").dt.astimezone(UTC),
            prop(e, "DTEND").dt.astimezone(UTC),
            tuple(p for p in str(prop(e, "X-ONCALL-PEOPLE")).split(",") if p),
        )
        for e in found
    ]
    assert recovered == list(rotation.shifts)
    for event, shift in zip(found, rotation.shifts, strict=True):
        local = shift.start.astimezone(team.zone)
        repeated = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
        assert prop(event, "DTSTART").params.get("TZID") == (
            None if repeated else "America/New_York"
        )
    assert len({str(prop(e, "UID")) for e in found}) == len(found)


def test_uids_survive_an_unrelated_change_and_a_change_of_people() -> None:
    team = load_team(TEAM)
    before = events(to_ics(team, plan(team), [], stamp=STAMP))
    bigger = parse_team(
        TEAM.read_text(encoding="utf-8").replace(
            "\nevents:\n", "\nevents:\n  - {title: Extra, start: 2027-01-20T09:00, duration: 1h}\n"
        )
    )
    assert len(bigger.events) == len(team.events) + 1
    after = events(to_ics(bigger, plan(bigger), [], stamp=STAMP))
    assert {str(prop(e, "UID")) for e in before} < {str(prop(e, "UID")) for e in after}
    first = plan(team).shifts[0]
    swapped = Shift(first.start, first.end, ("dlee", "cobi"))
    assert shift_uid(team, swapped) == shift_uid(team, first)
    assert shift_uid(team, first, "apark") != shift_uid(team, first)


def test_updates_raise_the_sequence_and_removals_are_cancelled() -> None:
    team = load_team(TEAM)
    rotation = load_rotation(ROTATION, team)
    first = to_ics(team, rotation, [], stamp=STAMP)
    shifts = list(rotation.shifts)
    shifts[0] = Shift(shifts[0].start, shifts[0].end, ("dlee", "cobi"))
    del shifts[1]
    later = STAMP + timedelta(days=1)
    second = to_ics(team, Rotation(tuple(shifts)), [], stamp=later, previous=read_previous(first))
    found = {str(prop(e, "UID")): e for e in events(second)}
    changed = found[shift_uid(team, shifts[0])]
    assert (prop(changed, "SEQUENCE"), prop(changed, "LAST-MODIFIED").dt) == (1, later)
    unchanged = found[shift_uid(team, shifts[1])]
    assert (prop(unchanged, "SEQUENCE"), prop(unchanged, "LAST-MODIFIED").dt) == (0, STAMP)
    gone = found[shift_uid(team, rotation.shifts[1])]
    assert (str(prop(gone, "STATUS")), prop(gone, "SEQUENCE")) == ("CANCELLED", 1)
    assert prop(gone, "DTSTART").dt == rotation.shifts[1].start
    assert str(prop(gone, "SUMMARY")).startswith("Cancelled: ")
    # The cancellation stays while the shift is ahead, then goes.
    third = to_ics(team, Rotation(tuple(shifts)), [], stamp=later, previous=read_previous(second))
    assert shift_uid(team, rotation.shifts[1]) in {str(prop(e, "UID")) for e in events(third)}
    much_later = datetime(2027, 6, 1, tzinfo=UTC)
    fourth = to_ics(
        team, Rotation(tuple(shifts)), [], stamp=much_later, previous=read_previous(third)
    )
    assert shift_uid(team, rotation.shifts[1]) not in {str(prop(e, "UID")) for e in events(fourth)}


def test_hostile_text_is_escaped_and_makes_no_extra_event(tmp_path: Path) -> None:
    name = 'Ada; "The" Park, Jr. \\ x\nBEGIN:VEVENT\nUID:evil'
    team = Team(name="t", timezone="UTC", people=(Person("ada", name=name),))
    start = datetime(2026, 12, 3, 19, tzinfo=UTC)
    data = to_ics(
        team, Rotation((Shift(start, start + timedelta(hours=1), ("ada",)),)), [], stamp=STAMP
    )
    (found,) = events(data)
    assert str(prop(found, "SUMMARY")) == f"On call: {name}"
    assert data.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # the text stays inside SUMMARY
    (tmp_path / "hostile.ics").write_bytes(data)
    check_ics(tmp_path / "hostile.ics")


def test_unknown_people_with_odd_names_are_escaped(tmp_path: Path) -> None:
    """A hand-written rotation may name anyone (a finding for the checker): still valid."""
    odd = 'Mallory; "M", 100%: \\ x'
    team = Team(name="t", timezone="UTC", people=(Person("ada"),))
    start = datetime(2026, 12, 3, 19, tzinfo=UTC)
    shift = Shift(start, start + timedelta(hours=1), ("ada", odd))
    data = to_ics(team, Rotation((shift,)), [], stamp=STAMP)
    (found,) = events(data)
    assert str(prop(found, "SUMMARY")) == f"On call: ada, {odd}"
    assert str(prop(found, "X-ONCALL-PEOPLE")) == f"ada,{odd}"
    (tmp_path / "odd.ics").write_bytes(data)
    check_ics(tmp_path / "odd.ics")


# The command ---------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_the_command_is_reproducible_and_plans_without_a_rotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    assert run("export", "ics", str(TEAM), str(ROTATION), "-o", str(tmp_path / "a.ics"))[0] == 0
    assert run("export", "ics", str(TEAM), "-o", str(tmp_path / "b.ics"))[0] == 0
    assert (tmp_path / "a.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()
    golden("travel-pay.ics", (tmp_path / "a.ics").read_bytes())


def test_per_person_feeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    feeds = tmp_path / "feeds"
    code, out = run("export", "ics", str(TEAM), str(ROTATION), "--per-person", str(feeds))
    assert (code, out) == (0, "")
    assert sorted(p.name for p in feeds.iterdir()) == [
        "apark.ics",
        "bortiz.ics",
        "cobi.ics",
        "dlee.ics",
    ]
    check_ics(feeds)


def test_errors_are_listed_but_exported_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "rotation.yaml"
    broken.write_text(
        ROTATION.read_text(encoding="utf-8").replace("[apark, bortiz]", "[apark, zed]", 1),
        encoding="utf-8",
    )
    target = tmp_path / "oncall.ics"
    assert run("export", "ics", str(TEAM), str(broken), "-o", str(target))[0] == 0
    assert "unknown-person" in capsys.readouterr().err
    assert target.exists()
    target.unlink()
    assert run("export", "ics", str(TEAM), str(broken), "-o", str(target), "--strict")[0] == 1
    assert not target.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--person", "nobody"], "--person: unknown person 'nobody'"),
        (["--remind", "soon"], "--remind: invalid duration 'soon'"),
        (["--previous", str(TEAM)], "team.yaml: not an iCalendar file"),
    ],
)
def test_bad_options_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("export", "ics", str(TEAM), str(ROTATION), *argv)[0] == 2
    assert message in capsys.readouterr().err


def test_installed_command_writes_to_standard_output() -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200"}
    result = subprocess.run(
        [ONCALL, "export", "ics", str(TEAM), str(ROTATION)],
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout == (ROOT / "tests" / "golden" / "travel-pay.ics").read_bytes()


# The VEVENT writer against icalendar ------------------------------------------------------

HOSTILE = st.text(
    alphabet=st.sampled_from(list("abcN \\;,:\"'^\n\r\té日😀\u00a0=.-")), min_size=1, max_size=90
)
"""Titles and names: anything TEXT must escape, line breaks included."""
ONE_LINE = HOSTILE.map(lambda text: text.replace("\n", "n").replace("\r", "r"))
"""Team names and people as rotation files give them: one line (oncall refuses more)."""


def reference_description(team: Team, shift: Shift, found: list[RiskyEvent]) -> str:
    """A DESCRIPTION as the former exporter wrote it: from `format_span` and the team."""
    from oncall.export import ics  # noqa: PLC0415 - its helpers, to build the same content

    lines = []
    if found:
        lines.append("Covers:")
        lines += [
            f"- {e.title} ({e.kind}, {e.risk}): {format_span(e.start, e.end, team.zone)}"
            for e in found
        ]
    lines.append("On call:" if shift.people else "On call: nobody (left for a human to fill)")
    roles = ("primary", "secondary")
    for index, person_id in enumerate(shift.people):
        role = roles[index] if index < len(roles) else f"{index + 1}th"
        who = ics._who(team.person(person_id), person_id, with_email=True)
        lines.append(f"- {who} ({role})")
    return "\n".join(lines)


def icalendar_event(options: Any, shift: Shift, uid: str) -> icalendar.Component:
    """The reference: the same VEVENT built as icalendar components (the former exporter)."""
    from oncall.export import ics  # noqa: PLC0415 - its helpers, to build the same content

    team, zone, person, organizer = options.team, options.team.zone, options.person, None
    organizer = team.email
    found = ics._events_of(shift, options)
    titles = list(dict.fromkeys(e.title for e in found))
    names = [ics._who(team.person(p), p, with_email=False) for p in shift.people]
    summary = "On call: " + (
        (", ".join(titles) or "no event") if person else (", ".join(names) or "nobody")
    )
    description = reference_description(team, shift, found)
    categories = ["On call", *dict.fromkeys(str(e.kind) for e in found)]
    fingerprint = ics._fingerprint(
        summary, description, categories, shift.people, options.remind, organizer
    )
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", options.stamp)
    event.add("dtstart", ics._moment(shift.start, zone))
    event.add("dtend", ics._moment(shift.end, zone))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", categories)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("sequence", 0)
    event.add("last-modified", options.stamp)
    event.add("organizer", ics._organizer(team))
    event.add("x-oncall-people", ",".join(shift.people))
    event.add("x-oncall-fingerprint", fingerprint)
    if options.remind is not None:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -options.remind)
        alarm.add("description", f"In {format_duration(options.remind)}: {summary}")
        event.add_component(alarm)
    return event


@st.composite
def hostile_exports(draw: st.DrawFn) -> tuple[Team, Rotation, dict[str, Any]]:
    """A team whose names, titles and ids hold anything TEXT must escape, and a rotation."""
    zone = draw(st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]))
    count = draw(st.integers(1, 3))
    people = tuple(
        Person(f"p{i}", name=draw(ONE_LINE), email=draw(st.none() | st.just(f"p{i}@example.org")))
        for i in range(count)
    )
    start = datetime(2026, 11, 1, 5, 30, tzinfo=UTC) + timedelta(hours=draw(st.integers(0, 48)))
    events_ = tuple(
        EventSpec(draw(HOSTILE), start + timedelta(hours=3 * i), timedelta(hours=1), zone)
        for i in range(draw(st.integers(0, 3)))
    )
    team = Team(
        name=draw(ONE_LINE),
        timezone=zone,
        email=draw(st.none() | st.just("team@example.org")),
        people=people,
        events=events_,
    )
    names = st.sampled_from([p.id for p in people]) | ONE_LINE
    shifts = tuple(
        Shift(
            start + timedelta(hours=2 * i - 1),
            start + timedelta(hours=2 * i + draw(st.integers(1, 30))),
            tuple(draw(st.lists(names, max_size=3))),
        )
        for i in range(draw(st.integers(1, 4)))
    )
    options = {
        "remind": draw(st.none() | st.just(timedelta(minutes=90))),
        "person": draw(st.none() | st.just("p0")),
    }
    return team, Rotation(shifts), options


@given(hostile_exports())
def test_each_vevent_is_what_icalendar_writes_and_reads_back_as_meant(
    case: tuple[Team, Rotation, dict[str, Any]],
) -> None:
    from oncall.export import ics  # noqa: PLC0415

    team, rotation, options = case
    windows = coverage_windows(team)
    data = to_ics(team, rotation, windows, stamp=STAMP, **options)
    who = team.person(options["person"]) if options["person"] else None
    settings_ = ics._Options(
        team,
        windows,
        STAMP,
        who,
        options["remind"],
        None,
        {e.id: e for w in windows for e in w.events},
        [w.start for w in windows],
    )
    shifts = [s for s in rotation.shifts if who is None or who.id in s.people]
    written = [b"BEGIN:VEVENT" + part for part in data.split(b"BEGIN:VEVENT")[1:]]
    written[-1:] = [part.removesuffix(b"END:VCALENDAR\r\n") for part in written[-1:]]
    assert len(written) == len(shifts)
    parsed = events(data)
    for shift, chunk, event in zip(shifts, written, parsed, strict=True):
        uid = shift_uid(team, shift, who.id if who else None)
        reference = icalendar_event(settings_, shift, uid)
        texts = [team.name, *(p.name for p in team.people), *shift.people]
        texts += [e.title for e in team.events]
        if not any("\\N" in text for text in texts):  # icalendar reads "\N" as a line break
            assert chunk == reference.to_ical()
            for name in ("SUMMARY", "DESCRIPTION", "CATEGORIES", "X-ONCALL-PEOPLE"):
                assert prop(event, name).to_ical() == prop(reference, name).to_ical()
        for name in ("SUMMARY", "DESCRIPTION"):  # a line break reads back as "\n"
            meant = str(prop(reference, name)).replace("\r\n", "\n").replace("\r", "\n")
            assert str(prop(event, name)) == meant
        assert prop(event, "DTSTART").dt == shift.start
        assert prop(event, "DTEND").dt == shift.end
        assert str(prop(event, "X-ONCALL-PEOPLE")) == ",".join(shift.people)


def test_hostile_text_passes_check_ics(tmp_path: Path) -> None:
    odd = ["a\\Nb", "x;y,z\\", "é" * 80, "日本" * 40, '"q" ^ \\ ; ,' * 9, "a\\" + "b" * 80]
    people = tuple(
        Person(f"p{i}", name=name, email=f"p{i}@example.org") for i, name in enumerate(odd)
    )
    start = datetime(2026, 12, 3, 19, tzinfo=UTC)
    team = Team(
        name="t;,\\N",
        timezone="America/New_York",
        email="t@example.org",
        people=people,
        events=tuple(EventSpec(t, start, timedelta(hours=1), "UTC") for t in odd),
    )
    shifts = (Shift(start, start + timedelta(hours=2), tuple(p.id for p in people)),)
    data = to_ics(team, Rotation(shifts), coverage_windows(team), stamp=STAMP)
    (found,) = events(data)
    assert [str(c) for c in prop(found, "CATEGORIES").cats] == ["On call", "other"]
    assert all(f"- {t} (other, moderate)" in str(prop(found, "DESCRIPTION")) for t in odd)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (tmp_path / "odd.ics").write_bytes(data)
    check_ics(tmp_path / "odd.ics")


@given(st.text(alphabet=st.sampled_from(list("ab\\^;é日😀")), max_size=400))
def test_lines_fold_as_icalendar_folds_them(text: str) -> None:
    from icalendar.parser.string import _foldline  # noqa: PLC0415 - the reference

    from oncall.export.ics import _fold  # noqa: PLC0415

    line = "DESCRIPTION:" + text
    assert _fold(line) == _foldline(line)
    assert all(len(part.encode()) <= 75 for part in _fold(line).split("\r\n"))


@given(st.text())
def test_uids_are_rfc_4122_name_based_uuids(name: str) -> None:
    from oncall.export.ics import _NAMESPACE, _uuid5  # noqa: PLC0415

    assert _uuid5(name) == str(uuid.uuid5(_NAMESPACE, name))
