"""Working hours, weekends and public holidays: which on-call time is after hours.

Each person's working hours are wall-clock times of their own zone, so an instant is
inside them when the person's clock shows a working day and time at that instant (across
a DST change, the wall clock is what counts). A public holiday (a whole local day of the
person's `oncall.models.Holidays` calendar) has no working hours. Weekend days are the
days of the week on which the person has no working hours at all (Saturday and Sunday by
default).

The public holidays come from the `holidays` package, imported on first use: commands
that never ask about holidays do not pay for it.

`HoursCalendar.split` is the question the report asks for each stretch on call, and that
a planner can ask to balance after-hours and holiday load.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from oncall.intervals import Interval, merge
from oncall.models import Holidays, Person, Rotation, Team
from oncall.timeutil import steady_wall_clock, wall_clock_pieces

__all__ = ["HoursCalendar", "HoursSplit", "holiday_dates", "split_by_person"]

_SECOND = timedelta(seconds=1)


@lru_cache(maxsize=256)
def _holidays_of_year(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    import holidays  # noqa: PLC0415 - about 80 ms; only reports and planning need it

    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return dict(calendar.items())


def holiday_dates(calendar: Holidays, first: int, last: int) -> dict[date, str]:
    """The public holidays of the years ``first`` to ``last``, and their names.

    Raises:
        InputError: placed where the calendar was written, when the `holidays` package
            does not know the country or the subdivision.
    """
    _check_known(calendar)
    found: dict[date, str] = {}
    for year in range(first, last + 1):
        found.update(_holidays_of_year(calendar.country, calendar.subdivision, year))
    return found


def _check_known(calendar: Holidays) -> None:
    import holidays  # noqa: PLC0415 - see _holidays_of_year

    supported = holidays.list_supported_countries()
    if calendar.country not in supported:
        raise calendar.origin.error(
            "the holidays package knows no such country",
            value=str(calendar),
            hint="an ISO 3166-1 code such as US, GB or DE",
        )
    known = supported[calendar.country]
    if calendar.subdivision is not None and calendar.subdivision not in known:
        shown = ", ".join(f"{calendar.country}-{s}" for s in known[:8])
        raise calendar.origin.error(
            "the holidays package knows no such subdivision",
            value=str(calendar),
            hint=f"for example {shown}" + (", ..." if len(known) > 8 else "")
            if known
            else f"{calendar.country} has none: write {calendar.country}",
        )


@dataclass(frozen=True, slots=True)
class HoursSplit:
    """How one stretch of on-call time falls for one person (each part elapsed time).

    Attributes:
        total: the whole stretch.
        after_hours: outside the person's working hours (holidays included).
        weekend: on their weekend days.
        holiday: on their public holidays.
    """

    total: timedelta = timedelta(0)
    after_hours: timedelta = timedelta(0)
    weekend: timedelta = timedelta(0)
    holiday: timedelta = timedelta(0)

    def __add__(self, other: HoursSplit) -> HoursSplit:
        return HoursSplit(
            self.total + other.total,
            self.after_hours + other.after_hours,
            self.weekend + other.weekend,
            self.holiday + other.holiday,
        )


class HoursCalendar:
    """One person's working time, weekends and holidays, as UTC intervals on request."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.zone: ZoneInfo = person.zone
        self._spans: dict[int, list[tuple[int, int]]] = {}
        for day, start, end in person.working_hours.spans:
            self._spans.setdefault(day, []).append((start, end))
        self._weekend = frozenset(range(7)) - person.working_hours.working_days()
        self._holidays: dict[date, str] = {}
        self._dates: list[date] = []  # sorted, for bisection
        self._years: tuple[int, int] | None = None
        # Seconds of the week (Monday 00:00 is 0) at work and on the weekend, and the same
        # a week later, for stretches that run into the next week.
        self._week: list[tuple[int, int, bool]] = [
            (((day + 7 * later) * 1440 + start) * 60, ((day + 7 * later) * 1440 + end) * 60, True)
            for later in (0, 1)
            for day, start, end in person.working_hours.spans
        ] + [
            ((day + 7 * later) * 86400, (day + 7 * later + 1) * 86400, False)
            for later in (0, 1)
            for day in sorted(self._weekend)
        ]
        # `_split_short`'s answers, by the seconds of the week a stretch starts and ends
        # (stretches of many days, times of day and lengths repeat).
        self._short: dict[tuple[int, int], HoursSplit] = {}

    def holidays(self, first: date, last: date) -> dict[date, str]:
        """The person's public holidays from ``first`` to ``last`` (local dates), by date."""
        calendar = self.person.holidays
        if calendar is None:
            return {}
        years = self._years
        if years is None or first.year < years[0] or last.year > years[1]:
            low = first.year if years is None else min(first.year, years[0])
            high = last.year if years is None else max(last.year, years[1])
            self._holidays = holiday_dates(calendar, low, high)
            self._dates = sorted(self._holidays)
            self._years = (low, high)
        dates = self._dates[bisect_left(self._dates, first) : bisect_right(self._dates, last)]
        return {d: self._holidays[d] for d in dates}

    def split(self, start: datetime, end: datetime) -> HoursSplit:
        """How ``[start, end)`` falls: after hours, on the weekend, on a holiday."""
        if end <= start:
            return HoursSplit()
        if self.person.holidays is None and not (start.microsecond or end.microsecond):
            local = steady_wall_clock(start, end, self.zone)
            if local is not None:
                return self._split_short(local, end - start)
        return self._split_pieces(start, end)

    def _split_pieces(self, start: datetime, end: datetime) -> HoursSplit:
        """`split`, day by day of each stretch of the wall clock under one offset."""
        working = weekend = holiday = timedelta(0)
        for local_start, local_end in wall_clock_pieces(start, end, self.zone):
            days = self.holidays(local_start.date(), local_end.date())
            for kind, (a, b) in self._local_parts(local_start, local_end, days):
                length = min(b, local_end) - max(a, local_start)
                if length <= timedelta(0):
                    continue
                if kind == "work":
                    working += length
                elif kind == "weekend":
                    weekend += length
                else:
                    holiday += length
        total = end - start
        return HoursSplit(total, total - working, weekend, holiday)

    def _split_short(self, local: datetime, length: timedelta) -> HoursSplit:
        """`split` of a stretch from ``local`` (its wall clock) on, one offset, no holidays."""
        first = ((local.weekday() * 24 + local.hour) * 60 + local.minute) * 60 + local.second
        last = first + length // _SECOND
        found = self._short.get((first, last))
        if found is not None:
            return found
        working = weekend = 0
        for low, high, work in self._week:
            if low < last and first < high:
                part = min(high, last) - max(low, first)
                if work:
                    working += part
                else:
                    weekend += part
        found = self._short[first, last] = HoursSplit(
            length, length - timedelta(seconds=working), timedelta(seconds=weekend), timedelta(0)
        )
        return found

    def after_hours(self, start: datetime, end: datetime) -> timedelta:
        """The part of ``[start, end)`` outside the person's working hours."""
        return self.split(start, end).after_hours

    def split_all(self, stretches: Iterable[Interval]) -> HoursSplit:
        """`split` over stretches, merged first so that overlaps count once."""
        total = HoursSplit()
        for start, end in merge(stretches):
            total += self.split(start, end)
        return total

    def _local_parts(
        self, local_start: datetime, local_end: datetime, days: dict[date, str]
    ) -> Iterator[tuple[str, tuple[datetime, datetime]]]:
        """Naive local stretches of work, weekend and holiday on the days touched."""
        day = local_start.date()
        while day <= local_end.date():
            midnight = datetime.combine(day, datetime.min.time())
            whole = (midnight, midnight + timedelta(days=1))
            if day.weekday() in self._weekend:
                yield "weekend", whole
            if day in days:
                yield "holiday", whole
            else:
                for a, b in self._spans.get(day.weekday(), ()):
                    yield "work", (midnight + timedelta(minutes=a), midnight + timedelta(minutes=b))
            day += timedelta(days=1)


def split_by_person(team: Team, rotation: Rotation) -> dict[str, HoursSplit]:
    """Each person's on-call time in ``rotation``, split as `HoursCalendar.split` does.

    Overlapping shifts of one person count once; people the team does not know are left
    out. The planner's fairness measures and ``plan --explain`` ask this.
    """
    stretches: dict[str, list[Interval]] = {p.id: [] for p in team.people}
    for shift in rotation.shifts:
        for person in shift.people:
            if person in stretches:
                stretches[person].append((shift.start, shift.end))
    return {p.id: HoursCalendar(p).split_all(stretches[p.id]) for p in team.people}
