"""Structure-aware fuzzing: team files, rotation files and calendars that look valid.

`tests/test_fuzz.py` runs what these strategies build through every command, in-process.
Unlike byte mutation, every document here has the right shape (the keys a team file
has, a VEVENT with a DTSTART), so the fuzzer gets past the parser and the schema to the
code behind them, with values at their extremes: numbers of every size, special floats,
dates at the ends of what oncall and ``datetime`` allow, every kind of RRULE part, YAML
tags, lone surrogates and odd Unicode.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TypeVar

from hypothesis import strategies as st

from .strategies import ZONES

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Raw:
    """Text written into a file as it is: ``.nan``, ``!!str true``, a 5,000-digit number."""

    text: str
    formats: frozenset[str] = frozenset({"yaml", "json", "toml"})


# Values -------------------------------------------------------------------------------

_HUGE = "9" * 4301  # one digit past Python's limit for int("...")

odd_text = st.one_of(
    st.sampled_from(
        [
            "x",
            "Ada Park",
            "\u202eevil",
            "\u200d",
            "😀" * 3,
            "e\u0301",
            "\x00",
            "\ufeff",
            "a" * 501,
            "@acme/security",
            "![x](https://evil.example/p.png)",
            "[click](https://evil.example)",
            "#12",
            "| a | b |",
            "<script>",
            "%0A::error::x",
            "İstanbul",
            "ß",
            " ",
            "",
        ]
    ),
    st.text(max_size=8),
)
surrogates = st.sampled_from([Raw('"\\ud800"', frozenset({"json", "yaml"})), Raw('"\\udfff x"')])
numbers = st.one_of(
    st.sampled_from([0, -1, 1, 2, 100, 101, 2**31, 2**63, 10**30]),
    st.sampled_from(
        [
            Raw(_HUGE),
            Raw("-" + _HUGE),
            Raw(".nan", frozenset({"yaml"})),
            Raw(".NaN", frozenset({"yaml"})),
            Raw(".inf", frozenset({"yaml"})),
            Raw("-.Inf", frozenset({"yaml"})),
            Raw("nan", frozenset({"toml"})),
            Raw("inf", frozenset({"toml"})),
            Raw("NaN", frozenset({"json"})),
            Raw("Infinity", frozenset({"json"})),
            Raw("1e999"),
            Raw("0x1F", frozenset({"yaml", "toml"})),
            Raw("0o17", frozenset({"yaml", "toml"})),
            Raw("1_000", frozenset({"toml"})),
            Raw("-0.0"),
            Raw("1.5"),
        ]
    ),
)
tagged = st.sampled_from(
    [
        Raw("!!str true", frozenset({"yaml"})),
        Raw("!!str 1", frozenset({"yaml"})),
        Raw("!!int 1", frozenset({"yaml"})),
        Raw("!!int x", frozenset({"yaml"})),
        Raw("!!float .nan", frozenset({"yaml"})),
        Raw("!!bool yes", frozenset({"yaml"})),
        Raw("!!null ''", frozenset({"yaml"})),
        Raw("!!binary aGVsbG8=", frozenset({"yaml"})),
        Raw("!!timestamp 2026-12-03", frozenset({"yaml"})),
        Raw("!custom x", frozenset({"yaml"})),
        Raw("! 1", frozenset({"yaml"})),
        Raw("yes", frozenset({"yaml"})),
        Raw("2026-12-03", frozenset({"yaml", "toml"})),
        Raw("2026-12-03T20:00:00", frozenset({"yaml", "toml"})),
        Raw("20:00:00", frozenset({"toml"})),
        Raw("true"),
        Raw("null", frozenset({"yaml", "json"})),
    ]
)
anything = st.one_of(odd_text, numbers, tagged, surrogates, st.booleans())

_DAYS = [
    "1900-01-01",
    "2999-12-31",
    "2026-02-28",
    "2028-02-29",
    "2026-12-03",
    "2026-12-31",
    "2027-01-01",
    "2026-03-08",
    "2026-10-25",
]
_BAD_DAYS = ["1899-12-31", "3000-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01"]
_TIMES = ["00:00", "02:30", "01:30", "23:59", "20:00", "12:00:00.5"]
_BAD_TIMES = ["24:00", "00:00:60", "2:30"]
_OFFSETS = ["", "", "", "", "Z", "+14:00", "-12:00", "+05:45", "-00:44:30", "+00:00"]
_BAD_OFFSETS = ["+24:00", "+1", "-99:99"]


_hostile = [True]
"""Whether the document being drawn may hold bad values: half of them do not, so that
they get past the schema to the planner, the checker and the exports."""


def rarely(draw: st.DrawFn, good: st.SearchStrategy[T], bad: st.SearchStrategy[U]) -> T | U:
    """Mostly ``good``; in a hostile document, about one time in fifteen ``bad``."""
    return draw(bad) if _hostile[0] and draw(st.integers(0, 14)) == 7 else draw(good)


@st.composite
def whens(draw: st.DrawFn, *, dates: bool = True) -> object:
    """A date or a time as a person writes it, often at an edge."""
    day = rarely(draw, st.sampled_from(_DAYS), st.sampled_from(_BAD_DAYS))
    if dates and draw(st.integers(0, 3)) == 0:
        return day
    time = rarely(draw, st.sampled_from(_TIMES), st.sampled_from(_BAD_TIMES))
    offset = rarely(draw, st.sampled_from(_OFFSETS), st.sampled_from(_BAD_OFFSETS))
    return rarely(draw, st.just(f"{day}T{time}{offset}"), anything)


good_durations = st.sampled_from(["15m", "1h", "8h", "1d", "3660d", "PT1H30M", "1h 30m", "1h30m"])
bad_durations = st.one_of(
    st.sampled_from(["3661d", "99999999d", "P1Y", "-1h", "1.5h", "0", "PT0S", "1s"]), anything
)


@st.composite
def durations(draw: st.DrawFn) -> object:
    """A duration as written: mostly valid, some at the limits."""
    return rarely(draw, good_durations, bad_durations)


# Recurrence rules ---------------------------------------------------------------------

_FREQS = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"]
_DAYNAMES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_UNTILS = [
    "20261231T235959Z",
    "20260230T000000Z",
    "20261301T000000Z",
    "99991231T235959Z",
    "00010101T000000Z",
    "20270101",
    "20270101T000000",
    "2027",
]


@st.composite
def rrules(draw: st.DrawFn) -> str:
    """An RRULE value: every kind of part, values in range and just out of it."""
    parts = [f"FREQ={draw(st.sampled_from(_FREQS))}"]
    small = st.integers(-2, 3)
    options = {
        "INTERVAL": st.sampled_from([-1, 0, 1, 2, 7, 1000]).map(str),
        "COUNT": st.sampled_from([0, 1, 3, 100_001, 10**9]).map(str),
        "UNTIL": st.sampled_from(_UNTILS),
        "BYDAY": st.lists(
            st.tuples(
                st.sampled_from(["", "1", "-1", "5", "-5", "53", "54"]), st.sampled_from(_DAYNAMES)
            ),
            min_size=1,
            max_size=3,
        ).map(lambda days: ",".join(n + d for n, d in days)),
        "BYMONTHDAY": st.sampled_from(["1", "-1", "29", "30", "31", "32", "0", "15,-15"]),
        "BYMONTH": st.sampled_from(["1", "2", "12", "13", "0", "2,4"]),
        "BYYEARDAY": st.sampled_from(["1", "-1", "366", "367", "60"]),
        "BYWEEKNO": st.sampled_from(["1", "-1", "53", "54", "20"]),
        "BYSETPOS": st.sampled_from(["1", "-1", "366", "0"]),
        "BYHOUR": st.sampled_from(["0", "2", "23", "24", "2,3"]),
        "BYMINUTE": st.sampled_from(["0", "30", "59", "60"]),
        "BYSECOND": st.sampled_from(["0", "59", "60", "61"]),
        "WKST": st.sampled_from([*_DAYNAMES, "XX"]),
    }
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=2, unique=True)):
        parts.append(f"{name}={draw(options[name])}")
    if draw(small) < 0:
        parts.append("COUNT=3")  # most rules end soon, so that the rest of the file is reached
    return ";".join(parts)


# Team and rotation files --------------------------------------------------------------

PEOPLE = ("ann", "bob", "cy")


def _maybe(draw: st.DrawFn, value: st.SearchStrategy[object]) -> object:
    return rarely(draw, value, anything)


@st.composite
def team_documents(draw: st.DrawFn) -> dict[str, object]:  # noqa: PLR0912 - one per key
    """A team file's data: the right keys, extreme values."""
    _hostile[0] = draw(st.booleans())
    zone = rarely(
        draw, st.sampled_from([*ZONES, "Africa/Monrovia", "Etc/GMT-14"]), st.just("Nowhere/Land")
    )
    people: list[dict[str, object]] = []
    for person in PEOPLE[: draw(st.integers(0, len(PEOPLE)))]:
        entry: dict[str, object] = {"id": person}
        if draw(st.booleans()):
            entry["name"] = rarely(draw, st.sampled_from(["Ann Lee", "Bo", "@acme"]), odd_text)
        if draw(st.booleans()):
            entry["email"] = rarely(
                draw, st.just(f"{person}@example.org"), st.sampled_from(["x@y", "@@"])
            )
        if draw(st.booleans()):
            entry["timezone"] = draw(st.sampled_from(ZONES))
        people.append(entry)
    events = []
    for index in range(draw(st.integers(0, 3))):
        event: dict[str, object] = {
            "title": _maybe(draw, st.sampled_from(["Deploy", "CRM update"])),
            "start": draw(whens(dates=False)),
        }
        if draw(st.booleans()):
            event["id"] = _maybe(draw, st.just(f"e{index}"))
        if draw(st.booleans()):
            event["end"] = draw(whens())
        else:
            event["duration"] = draw(durations())
        if draw(st.booleans()):
            event["rrule"] = draw(rrules())
        if draw(st.integers(0, 3)) == 0:
            event["exdates"] = [draw(whens())]
        if draw(st.integers(0, 3)) == 0:
            event["risk"] = _maybe(draw, st.sampled_from(["low", "moderate", "high"]))
        if draw(st.integers(0, 3)) == 0:
            event["timezone"] = draw(st.sampled_from(ZONES))
        events.append(event)
    policy: dict[str, object] = {}
    for name in ("lead", "lag", "merge_gap", "min_rest", "max_shift"):
        if draw(st.booleans()):
            policy[name] = draw(durations())
    least = draw(st.integers(0, 2))
    if draw(st.booleans()):
        policy["min_staff"] = _maybe(draw, st.just(least))
    if draw(st.booleans()):
        policy["ideal_staff"] = _maybe(draw, st.integers(max(least, 1), 3))
    document: dict[str, object] = {
        "team": _maybe(draw, st.just("t")),
        "timezone": zone,
        "horizon": rarely(
            draw,
            st.sampled_from(
                [
                    {"start": "2026-12-01", "end": "2026-12-31"},
                    {"start": "2026-03-01", "end": "2026-11-30"},
                    {"start": "1900-01-01", "end": "1900-02-01"},
                    {"start": "2999-12-01", "end": "2999-12-31"},
                    {"start": "2026-12-01"},
                    {"end": "2027-01-31"},
                    {"start": "1900-01-01", "end": "2999-12-31"},
                ]
            ),
            st.fixed_dictionaries({"start": whens(), "end": whens()}),
        ),
        "people": people,
        "events": events,
    }
    if policy:
        document["policy"] = policy
    if draw(st.booleans()) and people:
        document["pto"] = [
            {"person": people[0]["id"], "start": draw(whens()), "end": draw(whens())}
        ]
    if draw(st.integers(0, 3)) == 0 and people:
        document["history"] = {str(people[0]["id"]): draw(durations())}
    if draw(st.integers(0, 3)) == 0:
        document["sources"] = {
            "events": [{"file": "calendar.ics"}],
            "pto": [
                draw(
                    st.sampled_from(
                        [
                            {"file": "calendar.ics", "match_name": True},
                            {"file": "calendar.ics", "match_attendee": True},
                            {"file": "calendar.ics", "person": "ann"},
                        ]
                    )
                )
            ],
        }
    if draw(st.integers(0, 3)) == 0 and people:
        document["escalation"] = {
            "name": "esc",
            "repeat": _maybe(draw, st.integers(0, 9)),
            "steps": [{"notify": [people[0]["id"]], "escalate_after": draw(durations())}],
        }
    return document


@st.composite
def rotation_documents(draw: st.DrawFn) -> dict[str, object]:
    """A rotation file's data: shifts at extreme times naming odd people."""
    _hostile[0] = draw(st.booleans())
    shifts = []
    for _ in range(draw(st.integers(0, 4))):
        who = st.sampled_from([*PEOPLE, "zed", "Ann"])
        if _hostile[0]:
            who = st.one_of(who, odd_text, anything)
        shift: dict[str, object] = {
            "start": draw(whens(dates=False)),
            "end": draw(whens(dates=False)),
            "people": draw(st.lists(who, max_size=3)),
        }
        if draw(st.booleans()):
            shift["events"] = draw(st.lists(odd_text if _hostile[0] else st.just("x"), max_size=2))
        shifts.append(shift)
    return {"shifts": shifts}


# Calendars ----------------------------------------------------------------------------

_ICS_TIMES = [
    "20261203T200000",
    "20261203T200000Z",
    "20261203",
    "19000101T000000Z",
    "29991231T235959Z",
    "00010101T000000",
    "99991231T235959Z",
    "20260230T000000",
    "2026",
    "T200000",
]


@st.composite
def calendars(draw: st.DrawFn) -> str:
    """An iCalendar file whose VEVENTs have every property, at extreme values."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//fuzz//EN"]
    for index in range(draw(st.integers(0, 3))):
        lines += ["BEGIN:VEVENT", f"UID:fuzz-{index}@example.org"]
        summary = draw(st.sampled_from(["Deploy", "Ann out", "ann", "@team [x](http://e)"]))
        lines.append(f"SUMMARY:{summary}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(f"SUMMARY:{summary}")  # twice
        for name in ("DTSTART", "DTEND"):
            if draw(st.integers(0, 5)) > 0:
                value = draw(st.sampled_from(_ICS_TIMES))
                tzid = draw(st.sampled_from(["", "", ";TZID=America/New_York", ";TZID=Nowhere"]))
                date_only = ";VALUE=DATE" if len(value) == 8 and draw(st.booleans()) else ""
                lines.append(f"{name}{tzid}{date_only}:{value}")
        if draw(st.booleans()):
            lines.append(f"RRULE:{draw(rrules())}")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"EXDATE:{draw(st.sampled_from(_ICS_TIMES))}")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"RDATE:{draw(st.sampled_from(_ICS_TIMES))}")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"DURATION:{draw(st.sampled_from(['PT1H', 'P9999W', '-PT1H', 'PT0S']))}")
        if draw(st.integers(0, 3)) == 0:
            lines.append("ATTENDEE:mailto:ann@example.org")
        if draw(st.integers(0, 4)) == 0:
            lines.append(f"STATUS:{draw(st.sampled_from(['CANCELLED', 'TENTATIVE']))}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# Writing the files --------------------------------------------------------------------


def _scalar(value: object, fmt: str) -> str:
    if isinstance(value, Raw):
        return value.text if fmt in value.formats else json.dumps(value.text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null" if fmt != "toml" else '""'
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a YAML double-quoted one and a TOML basic one


def write(document: object, fmt: str) -> str:
    """``document`` as a ``yaml``, ``json`` or ``toml`` file, `Raw` values as they are."""
    if fmt == "json":
        return _flow(document, "json") + "\n"
    if fmt == "toml":
        assert isinstance(document, dict)
        return "".join(f"{json.dumps(k)} = {_flow(v, 'toml')}\n" for k, v in document.items())
    return _yaml(document, 0) + "\n"


def _flow(value: object, fmt: str) -> str:
    """A JSON value, or a TOML inline one: the same shape, another key separator."""
    if isinstance(value, dict):
        separator = ": " if fmt == "json" else " = "
        pairs = (f"{json.dumps(k)}{separator}{_flow(v, fmt)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, fmt) for v in value) + "]"
    return _scalar(value, fmt)


def _yaml(value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{json.dumps(key)}:\n{_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{json.dumps(key)}: {_yaml(item, 0)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            text = _yaml(item, indent + 2)
            lines.append(f"{pad}- {text.lstrip()}" if isinstance(item, dict) else f"{pad}- {text}")
        return "\n".join(lines)
    return _scalar(value, "yaml")
