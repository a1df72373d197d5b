"""Hypothesis strategies shared by every property test; each feature extends this module."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from oncall.models import (
    EventKind,
    EventSpec,
    Person,
    Policy,
    Risk,
    RiskyEvent,
    Rotation,
    Shift,
    Team,
    TimeOff,
)

BASE = datetime(2026, 12, 1, tzinfo=UTC)
DAY = timedelta(days=1)

# Zones with DST in both hemispheres, a half-hour and a 45-minute offset, and none.
ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/Santiago",
)

zones = st.sampled_from(ZONES)
risks = st.sampled_from(list(Risk))
kinds = st.sampled_from(list(EventKind))

# Whole minutes: how people write times.
minutes = st.integers(min_value=0, max_value=60 * 24 * 60).map(lambda m: timedelta(minutes=m))
short = st.integers(min_value=1, max_value=8 * 60).map(lambda m: timedelta(minutes=m))
gaps = st.integers(min_value=0, max_value=4 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def risky_events(draw: st.DrawFn, *, count: int = 12) -> list[RiskyEvent]:
    """A list of events with distinct ids, scattered over two months."""
    size = draw(st.integers(min_value=0, max_value=count))
    events = []
    for index in range(size):
        start = BASE + draw(minutes)
        events.append(
            RiskyEvent(
                start=start,
                end=start + draw(short),
                id=f"event-{index}",
                title=f"Event {index}",
                kind=draw(kinds),
                risk=draw(risks),
            )
        )
    return events


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A policy with random lead, lag, merge gap and risk threshold."""
    return Policy(
        lead=draw(gaps),
        lag=draw(gaps),
        merge_gap=draw(gaps),
        risk_threshold=draw(risks),
    )


@st.composite
def local_times(draw: st.DrawFn) -> str:
    """A local date and time as a person writes it (sometimes on a DST change)."""
    moment = draw(
        st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31))  # noqa: DTZ001
    )
    return moment.strftime("%Y-%m-%dT%H:%M")


durations_text = st.sampled_from(["30m", "1h", "90m", "1h30m", "2h", "PT45M", "3h"])
person_ids = st.sampled_from(["apark", "bortiz", "cobi", "dlee"])


@st.composite
def team_documents(draw: st.DrawFn) -> dict[str, object]:
    """A team file's data: what YAML, TOML and JSON files would all say."""
    people = sorted(set(draw(st.lists(person_ids, max_size=4))))
    events = []
    for _ in range(draw(st.integers(0, 6))):
        event: dict[str, object] = {
            "title": draw(st.sampled_from(["API deployment", "CRM update", "OOB deploy"])),
            "start": draw(local_times()),
            "duration": draw(durations_text),
            "risk": str(draw(risks)),
            "kind": str(draw(kinds)),
        }
        if draw(st.booleans()):
            event["timezone"] = draw(zones)
        if draw(st.booleans()):
            event["rrule"] = draw(st.sampled_from(["FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;COUNT=2"]))
        events.append(event)
    pto = [
        {"person": person, "start": draw(local_times())[:10]}
        for person in people
        if draw(st.booleans())
    ]
    return {
        "team": "t",
        "timezone": draw(zones),
        "policy": {"lead": draw(durations_text), "lag": draw(durations_text)},
        "people": [{"id": person} for person in people],
        "pto": pto,
        "events": events,
    }


@st.composite
def planning_teams(
    draw: st.DrawFn,
    *,
    max_people: int = 4,
    max_events: int = 4,
    time_off: bool = True,
    rest: bool = True,
    history: bool = True,
    shifts: bool = False,
) -> Team:
    """A small team for planning: a few people, events over three days, some PTO.

    With ``shifts``, some teams have a ``max_shift``, and some time off is whole days in
    the person's own zone.
    """
    people = tuple(Person(f"p{i}") for i in range(draw(st.integers(1, max_people))))
    events = []
    for index in range(draw(st.integers(1, max_events))):
        start = BASE + timedelta(minutes=30 * draw(st.integers(0, 6 * 24)))
        events.append(
            EventSpec(
                title=f"Event {index}",
                start=start,
                duration=timedelta(minutes=30 * draw(st.integers(1, 6))),
                timezone="UTC",
                id=f"e{index}",
            )
        )
    offs = []
    if time_off:
        for _ in range(draw(st.integers(0, 3))):
            person = draw(st.sampled_from(people)).id
            start = BASE + timedelta(hours=draw(st.integers(0, 72)))
            offs.append(TimeOff(person, start, start + timedelta(hours=draw(st.integers(1, 30)))))
        if shifts and draw(st.booleans()):
            person = draw(st.sampled_from(people)).id
            zone = ZoneInfo(draw(zones))
            day = (BASE + timedelta(days=draw(st.integers(0, 3)))).astimezone(zone).date()
            midnight = datetime.combine(day, time(0), zone)
            offs.append(TimeOff(person, midnight.astimezone(UTC), midnight.astimezone(UTC) + DAY))
    ideal = draw(st.integers(1, 3))
    policy = Policy(
        lead=timedelta(minutes=30 * draw(st.integers(0, 2))),
        lag=timedelta(minutes=30 * draw(st.integers(0, 2))),
        min_staff=draw(st.integers(min(1, ideal), min(2, ideal))),
        ideal_staff=ideal,
        min_rest=timedelta(hours=draw(st.integers(2, 10)))
        if rest and draw(st.booleans())
        else None,
        max_shift=timedelta(hours=draw(st.integers(2, 5)))
        if shifts and draw(st.booleans())
        else None,
    )
    served = {}
    if history:
        served = {
            p.id: timedelta(hours=draw(st.integers(0, 6))) for p in people if draw(st.booleans())
        }
    return Team(
        name="t",
        timezone="UTC",
        people=people,
        time_off=tuple(offs),
        events=tuple(events),
        policy=policy,
        history=served,
    )


@st.composite
def rotations_on_dst_days(draw: st.DrawFn) -> tuple[Team, Rotation]:
    """A New York team and shifts that often start or end around DST changes."""
    people = tuple(
        Person(f"p{i}", name=f"Person {i}", email=f"p{i}@example.org" if i % 2 else None)
        for i in range(3)
    )
    team = Team(name="t", timezone="America/New_York", people=people, email="t@example.org")
    anchors = (
        datetime(2026, 3, 8, 6, tzinfo=UTC),  # 01:00 EST, an hour before clocks spring forward
        datetime(2026, 11, 1, 4, tzinfo=UTC),  # 00:00 EDT, before clocks turn back
        datetime(2026, 12, 3, 23, tzinfo=UTC),
    )
    shifts = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.sampled_from(anchors)) + timedelta(minutes=15 * draw(st.integers(0, 24)))
        end = start + timedelta(minutes=15 * draw(st.integers(1, 24)))
        chosen = draw(st.lists(st.sampled_from([p.id for p in people]), max_size=3, unique=True))
        shifts.append(Shift(start, end, tuple(chosen)))
    unique = {(s.start, s.end): s for s in shifts}  # one shift per slot: UIDs are per slot
    return team, Rotation(tuple(sorted(unique.values(), key=lambda s: (s.start, s.end))))


@st.composite
def aware_instants(draw: st.DrawFn) -> datetime:
    """An instant written in one of `ZONES` (either fold), to the second (oncall's precision)."""
    zone = ZoneInfo(draw(zones))
    local = draw(
        st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2999, 12, 31))  # noqa: DTZ001 - naive bounds are what st.datetimes takes
    )
    return local.replace(microsecond=0, tzinfo=zone, fold=draw(st.integers(0, 1)))


# Values as people type them, drawn from the grammars of oncall.grammar (and just
# outside them): case, spaces, units in any order, ISO forms, limits.

_spaces = st.sampled_from(["", "", " ", "  ", "\t", "\n", "\u00a0"])


def _any_case(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


_numbers = st.one_of(
    st.integers(0, 120),
    st.integers(0, 10**10),
    st.sampled_from([522, 523, 3660, 3661, 87840, 87841, 5270400, 5270401]),
).map(str) | st.sampled_from(["007", "0", "00", "1.5", "-1"])


@st.composite
def duration_texts(draw: st.DrawFn) -> object:
    """A duration as written: compact or ISO, any case and spacing, any unit order."""
    form = draw(st.sampled_from(["compact", "iso", "zero", "number", "junk"]))
    if form == "zero":
        return draw(st.sampled_from([0, 0.0, "0", "00", "0.0", "+0", "-0", "0.", False]))
    if form == "number":
        return draw(st.sampled_from([5, 90, 1.5, -1, "90", " 5 ", "1e3"]))
    if form == "junk":
        return draw(st.text(max_size=6))
    if form == "compact":
        units = draw(st.lists(st.sampled_from("dhmsw"), max_size=4))
        text = ""
        for unit in units:
            text += draw(_numbers) + draw(_spaces) + unit + draw(_spaces)
    else:
        dates = draw(st.lists(st.sampled_from("WDYM"), max_size=2, unique=True))
        times = draw(st.lists(st.sampled_from("HMS"), max_size=3, unique=True))
        text = "P" + "".join(draw(_numbers) + unit for unit in dates)
        with_t: bool = draw(st.booleans())
        if times or with_t:
            text += "T" + "".join(draw(_numbers) + unit for unit in times)
    return draw(_spaces) + _any_case(draw, text) + draw(_spaces)


@st.composite
def plain_when_texts(draw: st.DrawFn) -> str:
    """A date and time as most files write it (``T``, ``Z`` or ``-05:00``), years near limits."""
    years = st.sampled_from([1799, 1800, 1899, 1900, 2024, 2100, 2999, 3000, 3199, 3200])
    year = draw(years | st.integers(1700, 3300))
    day = f"{year:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 31)):02d}"
    clock = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    clock += draw(st.sampled_from(["", ":00", ":59"]))
    return f"{day}T{clock}" + draw(
        st.sampled_from(["", "Z", "+00:00", "-05:00", "+23:59", "-24:00"])
    )


@st.composite
def when_texts(draw: st.DrawFn) -> str:
    """A date, or a date and time, as written: ``T``/``t``/space, offsets, fractions."""
    year = draw(
        st.sampled_from(
            [1799, 1800, 1849, 1850, 1899, 1900, 2000, 2024, 2026, 2100, 2999, 3000, 3199, 3200]
        )
    )
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["T", "t", " ", "_"]))
        text += f"{draw(st.integers(0, 24)):02d}:{draw(st.integers(0, 60)):02d}"
        if draw(st.booleans()):
            text += f":{draw(st.integers(0, 60)):02d}"
            if draw(st.booleans()):
                text += "." + "7" * draw(st.integers(0, 8))
        text += draw(
            st.sampled_from(
                ["", "Z", "z", "-05:00", "+0530", "-10:29:20", "+24:00", "-23:59", "-05", "+05:7"]
            )
        )
    return draw(_spaces) + text + draw(_spaces)


line_texts = st.one_of(
    st.text(max_size=20),
    st.tuples(st.integers(490, 510), _spaces, _spaces).map(lambda t: t[1] + "x" * t[0] + t[2]),
    st.sampled_from([" ", "a\u202eb", "a\nb", " \u00a0ok\u2003", "tab\there"]),
)
"""A title, name or note: sometimes too long, blank, or holding an unsafe character."""

id_texts = st.text(alphabet="abzAZ09._- @", max_size=8) | st.just("a" * 64 + "b")
pagerduty_texts = st.text(alphabet="PABZ09a -", max_size=6) | st.just("P" * 33)
email_texts = st.sampled_from(
    ["ada@example.org", " ada@example.org ", "ada@example", "a da@example.org", "@x.org", "x"]
)
