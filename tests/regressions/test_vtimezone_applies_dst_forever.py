"""Issue 15.1: VTIMEZONEs applied DST forever in zones that abolished it.

An open-ended yearly RRULE was written whenever the changes in view looked regular, and
zones with one permanent change had no observance before it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.test_vtimezone import check_vtimezone


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("America/Asuncion", date(2025, 7, 1), date(2025, 7, 1)),
        ("America/Sao_Paulo", date(2019, 6, 1), date(2020, 6, 1)),
        ("America/Mexico_City", date(2023, 1, 1), date(2023, 12, 31)),
        ("America/Coyhaique", date(2025, 1, 1), date(2025, 12, 31)),
        ("Europe/Istanbul", date(2016, 1, 1), date(2017, 12, 31)),
        ("Europe/Moscow", date(2014, 1, 1), date(2014, 12, 31)),
        ("Asia/Almaty", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_zone_whose_rules_changed_reads_back_exactly(name: str, first: date, last: date) -> None:
    instants = [
        datetime(year, month, 1, 15, tzinfo=UTC)
        for year in range(first.year, last.year + 1)
        for month in range(1, 13)
    ]
    check_vtimezone(ZoneInfo(name), first, last, instants)
