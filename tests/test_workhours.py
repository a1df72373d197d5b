"""Working hours, weekends and holidays: checked minute by minute, across DST changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_package
import jsonschema
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from oncall.errors import InputError, Origin
from oncall.load import parse_team
from oncall.models import HOURS_ENTRY_PATTERN, Holidays, Person, WorkingHours
from oncall.schema import TeamFile, json_schema
from oncall.timeutil import wall_clock_pieces
from oncall.workhours import HoursCalendar, HoursSplit, holiday_dates

ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Pacific/Chatham",  # +12:45
    "America/Santiago",  # clocks change at midnight: a day starts at 01:00
    "Asia/Kolkata",
    "UTC",
]
CALENDARS = [None, "US", "GB-ENG", "DE-BY", "CL", "AU-NSW"]
HOURS = [
    "Mon-Fri 09:00-17:00",
    "Sun-Thu 08:00-16:00",
    ["Mon-Fri 00:30-02:30", "Sat 22:00-03:00"],  # inside DST gaps; overnight
    ["Mon,Wed,Fri 23:00-01:00", "Tue 00:00-24:00"],
    [],
]
# Instants near DST changes of these zones (UTC), and elsewhere.
NEAR = [
    datetime(2026, 3, 8, 4, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 12, 0, tzinfo=UTC),
    datetime(2026, 9, 5, 3, 0, tzinfo=UTC),
    datetime(2026, 9, 26, 12, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 14, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
    datetime(2026, 12, 24, 12, 0, tzinfo=UTC),
    datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
]


def minute_classifier(
    person: Person, years: range
) -> Callable[[datetime], tuple[bool, bool, bool]]:
    """Whether a minute is working time, on the weekend, on a holiday: read off the wall
    clock, with the holidays from the holidays package."""
    zone = person.zone
    calendar = person.holidays
    days: set[date] = set()
    if calendar is not None:
        for year in years:
            days |= set(
                holidays_package.country_holidays(
                    calendar.country, subdiv=calendar.subdivision, years=year
                )
            )
    working_days = {day for day, _, _ in person.working_hours.spans}

    def classify(at: datetime) -> tuple[bool, bool, bool]:
        local = at.astimezone(zone)
        of_day = local.hour * 60 + local.minute
        weekday = local.weekday()
        off = local.date() in days
        working = not off and any(
            d == weekday and a <= of_day < b for d, a, b in person.working_hours.spans
        )
        return working, weekday not in working_days, off

    return classify


def brute_force(person: Person, start: datetime, end: datetime) -> HoursSplit:
    """The split counted minute by minute."""
    classify = minute_classifier(person, range(start.year - 1, end.year + 2))
    minute = timedelta(minutes=1)
    total = after = weekend = holiday = timedelta(0)
    at = start
    while at < end:
        working, on_weekend, off = classify(at)
        total += minute
        after += minute if not working else timedelta(0)
        weekend += minute if on_weekend else timedelta(0)
        holiday += minute if off else timedelta(0)
        at += minute
    return HoursSplit(total, after, weekend, holiday)


@given(
    zone=st.sampled_from(ZONES),
    calendar=st.sampled_from(CALENDARS),
    hours=st.sampled_from(HOURS),
    near=st.sampled_from(NEAR),
    offset=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    length=st.integers(1, 3 * 24 * 60),
)
def test_split_matches_a_minute_by_minute_count(  # noqa: PLR0917 - Hypothesis draws
    zone: str,
    calendar: str | None,
    hours: str | list[str],
    near: datetime,
    offset: int,
    length: int,
) -> None:
    person = Person(
        "ada",
        timezone=zone,
        working_hours=WorkingHours.parse(hours),
        holidays=Holidays.parse(calendar) if calendar else None,
    )
    start = near + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    assert HoursCalendar(person).split(start, end) == brute_force(person, start, end)


def test_the_default_is_monday_to_friday_nine_to_five() -> None:
    assert WorkingHours() == WorkingHours.parse("Mon-Fri 09:00-17:00")
    person = Person("ada", timezone="America/New_York")
    # Thursday 2026-12-03 19:00-23:00 in New York: all after hours, no weekend.
    start = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    split = HoursCalendar(person).split(start, start + timedelta(hours=4))
    assert split == HoursSplit(timedelta(hours=4), timedelta(hours=4), timedelta(0), timedelta(0))


def test_holidays_are_the_packages_own() -> None:
    calendar = Holidays.parse("GB-ENG")
    expected = dict(holidays_package.country_holidays("GB", subdiv="ENG", years=[2026, 2027]))
    assert holiday_dates(calendar, 2026, 2027) == expected
    assert date(2026, 12, 28) in expected  # Boxing Day (observed), a Monday


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("XX", "knows no such country"),
        ("US-ZZ", "knows no such subdivision"),
    ],
)
def test_an_unknown_calendar_is_an_input_error_placed_where_it_was_written(
    text: str, problem: str
) -> None:
    origin = Origin(("people", 0, "holidays"), "team.yaml", 7)
    with pytest.raises(InputError, match=problem) as caught:
        holiday_dates(Holidays.parse(text, origin), 2026, 2026)
    assert str(caught.value).startswith("team.yaml:7: people[0].holidays:")


@pytest.mark.parametrize(
    ("value", "spans"),
    [
        ("Sat 22:00-02:00", ((5, 1320, 1440), (6, 0, 120))),
        ("Sun 22:00-02:00", ((0, 0, 120), (6, 1320, 1440))),
        ("fri-mon 10:00-11:00", ((0, 600, 660), (4, 600, 660), (5, 600, 660), (6, 600, 660))),
        (["Mon 09:00-12:00", "Mon 11:00-13:00"], ((0, 540, 780),)),
        ("Tue 00:00-24:00", ((1, 0, 1440),)),
        ([], ()),
    ],
)
def test_working_hours_are_read(value: str | list[str], spans: tuple[object, ...]) -> None:
    assert WorkingHours.parse(value).spans == spans


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("Mon-Fry 09:00-17:00", "unknown day 'Fry'"),
        ("Mon-Fri 9-17", "expected working hours such as"),
        ("Mon 09:00-09:00", "start when they end"),
        ("Mon 24:00-02:00", "not a time of day"),
        ("Mon 09:60-10:00", "not a time of day"),
        (17, "expected working hours such as"),
    ],
)
def test_bad_working_hours_are_input_errors(value: object, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        WorkingHours.parse(value)


TEAM_FILE = """\
team: t
timezone: America/New_York
policy:
  working_hours: [Mon-Fri 09:00-12:00, Mon-Fri 13:00-17:00]
  holidays: us
people:
  - id: ada
  - id: ben
    timezone: Europe/London
    working_hours: Sun-Thu 08:00-16:00
    holidays: GB-ENG
"""


def test_people_take_the_policys_working_hours_and_holidays_unless_they_say() -> None:
    team = parse_team(TEAM_FILE)
    ada, ben = team.people
    assert ada.working_hours == WorkingHours.parse(["Mon-Fri 09:00-12:00", "Mon-Fri 13:00-17:00"])
    assert str(ada.holidays) == "US"
    assert ben.working_hours.text == "Sun-Thu 08:00-16:00"
    assert str(ben.holidays) == "GB-ENG"
    assert ben.holidays is not None
    assert (ben.holidays.origin.file, ben.holidays.origin.line) == ("team.yaml", 11)
    opted_out = parse_team(TEAM_FILE + "  - {id: cy, holidays: none}\n").people[2]
    assert opted_out.holidays is None
    default = parse_team("team: t\ntimezone: UTC\npeople: [{id: ada}]\n").people[0]
    assert default.working_hours == WorkingHours()
    assert default.holidays is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "    holidays: Germany\n",
            "team.yaml:13: people[2].holidays: expected a country code and optional subdivision such as 'US' or 'GB-ENG', found 'Germany'",
        ),
        (
            "    working_hours: 9-5\n",
            "team.yaml:13: people[2].working_hours: expected working hours such as 'Mon-Fri 09:00-17:00', found '9-5'",
        ),
    ],
)
def test_bad_keys_are_errors_with_file_line_and_field(line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_team(TEAM_FILE + "  - id: cy\n" + line)
    assert str(caught.value) == message


def test_the_json_schema_describes_the_new_keys() -> None:
    schema = json_schema(TeamFile)
    for section in ("PolicyFile", "PersonFile"):
        properties = schema["$defs"][section]["properties"]
        assert {"working_hours", "holidays"} <= set(properties)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(yaml.safe_load(TEAM_FILE))
    assert validator.is_valid(yaml.safe_load(TEAM_FILE + "  - {id: cy, holidays: none}\n"))
    assert not validator.is_valid({**yaml.safe_load(TEAM_FILE), "policy": {"holidays": "Germany"}})


def test_wall_clock_pieces_cut_where_the_offset_changes() -> None:
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST; clocks skip 02:00 -> 03:00
    pieces = list(wall_clock_pieces(start, start + timedelta(hours=4), zone))
    assert pieces == [
        (datetime.fromisoformat("2026-03-08T00:00"), datetime.fromisoformat("2026-03-08T02:00")),
        (datetime.fromisoformat("2026-03-08T03:00"), datetime.fromisoformat("2026-03-08T05:00")),
    ]
    assert list(wall_clock_pieces(start, start + timedelta(hours=1), zone)) == [
        (datetime.fromisoformat("2026-03-08T00:00"), datetime.fromisoformat("2026-03-08T01:00"))
    ]


_DAYS = st.sampled_from(["Mon", "fri", "SUN", "Tue", "Fry", "xyz", "Sat"])
_TIMES = st.builds("{}:{:02d}".format, st.integers(0, 30), st.integers(0, 70)) | st.sampled_from(
    ["24:00", "7:05", "09:00"]
)
_ENTRIES = st.builds(
    "{}{}{} {}-{}".format,
    _DAYS,
    st.sampled_from(["", "-", ","]),
    _DAYS,
    _TIMES,
    _TIMES,
).map(lambda e: e.replace("--", "-").replace(",-", ",")) | st.text(max_size=20)


@given(_ENTRIES)
def test_the_schema_and_the_loader_agree_on_working_hours(entry: str) -> None:
    schema = jsonschema.Draft202012Validator({"type": "string", "pattern": HOURS_ENTRY_PATTERN})
    try:
        WorkingHours.parse(entry)
        loads = True
    except InputError as error:
        if "start when they end" in str(error):
            return  # the one rule a pattern cannot say
        loads = False
    assert schema.is_valid(entry) == loads, entry


@given(
    st.text(max_size=8)
    | st.sampled_from(
        ["US", "gb-eng", "DE-BY", "none", "NONE", "U S", "USA", "US-", "US-ABCDEF", " US"]
    )
)
@example("ß")  # upper-cased, it reads 'SS': the loader took what the schema refuses
@example("ßß-ß")
def test_the_schema_and_the_loader_agree_on_holidays(value: str) -> None:
    document = {"team": "t", "timezone": "UTC", "people": [{"id": "ada", "holidays": value}]}
    try:
        parse_team(json.dumps(document), name="team.json")
        loads = True
    except InputError:
        loads = False
    assert jsonschema.Draft202012Validator(json_schema(TeamFile)).is_valid(document) == loads


@given(
    st.sampled_from(("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe")),
    st.sampled_from(("Mon-Fri 09:00-17:00", "Sun-Thu 22:00-06:00", "Sat 10:00-24:00")),
    st.integers(0, 2 * 366 * 24 * 4),
    st.integers(1, 8 * 4),
)
@example("UTC", "Sun-Thu 22:00-06:00", 94 * 4, 16)  # Sunday 22:00 into Monday's hours
def test_short_stretches_split_as_the_general_way_does(
    zone: str, hours: str, quarter: int, quarters: int
) -> None:
    # Stretches of up to six hours under one offset take a quick path (seconds of the
    # week); it must agree with the wall-clock pieces, across DST changes and weeks too.
    calendar = HoursCalendar(Person("a", timezone=zone, working_hours=WorkingHours.parse(hours)))
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * quarter)
    end = start + timedelta(minutes=15 * quarters)
    assert calendar.split(start, end) == calendar._split_pieces(start, end)


@given(
    st.sampled_from(("UTC", "America/New_York", "Australia/Lord_Howe")),
    st.lists(st.tuples(st.integers(0, 4 * 7 * 24 * 4), st.integers(1, 6 * 4)), max_size=12),
)
# Two stretches that start at the same time of the week, of different lengths.
@example("UTC", [(0, 4 * 4), (7 * 24 * 4, 2 * 4)])
def test_splits_kept_by_a_calendar_are_those_of_a_fresh_one(
    zone: str, stretches: list[tuple[int, int]]
) -> None:
    # A calendar keeps the splits of short stretches by when in the week they start and
    # end: a stretch split after others must split as on a calendar of its own.
    person = Person("a", timezone=zone)
    calendar = HoursCalendar(person)
    base = datetime(2026, 1, 5, tzinfo=UTC)
    for quarter, quarters in stretches:
        start = base + timedelta(minutes=15 * quarter)
        end = start + timedelta(minutes=15 * quarters)
        assert calendar.split(start, end) == HoursCalendar(person).split(start, end)
