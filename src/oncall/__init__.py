"""oncall: on-call coverage around risky events.

Load a team, compute the coverage windows its risky events need::

    import oncall

    team = oncall.load_team("examples/travel-pay/team.yaml")
    for window in oncall.coverage_windows(team):
        print(window.start, window.end, [event.title for event in window.events])

Every instant in the API is an aware UTC :class:`~datetime.datetime`; every length an
elapsed :class:`~datetime.timedelta`.
"""

from oncall.errors import AmbiguousTimeError, InputError, NonexistentTimeError, OncallError
from oncall.load import load_team, parse_team
from oncall.models import (
    EventKind,
    EventSpec,
    Horizon,
    Person,
    Policy,
    Risk,
    RiskyEvent,
    Team,
    TimeOff,
    Window,
)
from oncall.recurrence import expand_events
from oncall.windows import coverage_windows, merge_windows

__version__ = "0.1.0"

__all__ = [
    "AmbiguousTimeError",
    "EventKind",
    "EventSpec",
    "Horizon",
    "InputError",
    "NonexistentTimeError",
    "OncallError",
    "Person",
    "Policy",
    "Risk",
    "RiskyEvent",
    "Team",
    "TimeOff",
    "Window",
    "__version__",
    "coverage_windows",
    "expand_events",
    "load_team",
    "merge_windows",
    "parse_team",
]
