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
