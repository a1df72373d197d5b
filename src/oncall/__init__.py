"""oncall: on-call coverage around risky events.

Load a team, compute the coverage windows its risky events need, plan who covers them
and check a rotation::

    import oncall

    team = oncall.load_team("examples/travel-pay/team.yaml")
    for window in oncall.coverage_windows(team):
        print(window.start, window.end, [event.title for event in window.events])
    rotation = oncall.plan(team)
    findings = oncall.check(team, rotation)

Every instant in the API is an aware UTC :class:`~datetime.datetime`; every length an
elapsed :class:`~datetime.timedelta`.
"""

from typing import TYPE_CHECKING

from oncall.check import Summary, Validation, check, validate
from oncall.errors import AmbiguousTimeError, InputError, NonexistentTimeError, OncallError
from oncall.load import load_rotation, load_team, parse_rotation, parse_team
from oncall.models import (
    Code,
    EventKind,
    EventSpec,
    Finding,
    Horizon,
    Person,
    Policy,
    Risk,
    RiskyEvent,
    Rotation,
    Severity,
    Shift,
    Team,
    TimeOff,
    Window,
)
from oncall.plan import Decision, PlanResult, make_plan, plan
from oncall.recurrence import expand_events
from oncall.render import dump_rotation
from oncall.windows import coverage_windows, merge_windows

__version__ = "0.1.0"

if TYPE_CHECKING:
    from oncall.export.ics import to_ics


def __getattr__(name: str) -> object:
    """Load the exports (and icalendar) only when they are used: they are slow to import."""
    if name == "to_ics":
        from oncall.export.ics import to_ics  # noqa: PLC0415 - the point of this function

        return to_ics
    raise AttributeError(f"module 'oncall' has no attribute {name!r}")


__all__ = [
    "AmbiguousTimeError",
    "Code",
    "Decision",
    "EventKind",
    "EventSpec",
    "Finding",
    "Horizon",
    "InputError",
    "NonexistentTimeError",
    "OncallError",
    "Person",
    "PlanResult",
    "Policy",
    "Risk",
    "RiskyEvent",
    "Rotation",
    "Severity",
    "Shift",
    "Summary",
    "Team",
    "TimeOff",
    "Validation",
    "Window",
    "__version__",
    "check",
    "coverage_windows",
    "dump_rotation",
    "expand_events",
    "load_rotation",
    "load_team",
    "make_plan",
    "merge_windows",
    "parse_rotation",
    "parse_team",
    "plan",
    "to_ics",
    "validate",
]
