"""Findings -> reports: text for people, JSON for programs, GitHub annotations, Markdown.

Pure functions that return text. Every finding is placed where it can be fixed: the line
of its first shift in the rotation file or, for a stretch nobody covers, the line of its
first event in the team file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

from oncall.checker import Summary, Validation, locate, people_names
from oncall.models import Code, Finding, RiskyEvent, Rotation, Severity, Team, Window
from oncall.timeutil import format_instant, format_span

__all__ = [
    "finding_json",
    "hours",
    "locate",
    "validation_github",
    "validation_json",
    "validation_markdown",
    "validation_text",
]


def hours(duration: timedelta) -> float:
    """A duration as JSON shows it: hours, rounded to 4 decimals."""
    return round(duration.total_seconds() / 3600, 4)


def _events(windows: Sequence[Window], findings: Sequence[Finding]) -> dict[str, RiskyEvent]:
    """The events by id, to place ``findings``: none without findings (a clean plan's)."""
    return {e.id: e for w in windows for e in w.events} if findings else {}


def finding_json(
    finding: Finding,
    team: Team,
    rotation: Rotation | None = None,
    events: Mapping[str, RiskyEvent] | None = None,
) -> dict[str, Any]:
    """One finding as JSON, with ``file`` and ``line`` where it can be placed."""
    document: dict[str, Any] = {
        "severity": str(finding.severity),
        "code": str(finding.code),
        "message": finding.message,
        "start": format_instant(finding.start, team.zone),
        "end": format_instant(finding.end, team.zone),
        "people": list(finding.people),
        "events": list(finding.events),
    }
    origin = locate(finding, rotation, events or {})
    if origin is not None:
        document["file"] = origin.file
        if origin.line is not None:
            document["line"] = origin.line
    return document


def _summary_json(summary: Summary) -> dict[str, Any]:
    return {
        "windows": summary.windows,
        "window_hours": round(summary.window_time.total_seconds() / 3600, 4),
        "ideal_hours": round(summary.ideal_time.total_seconds() / 3600, 4),
        "staffing_ratio": round(summary.staffing_ratio, 4),
        "by_severity": summary.by_severity,
        "by_code": summary.by_code,
    }


def validation_json(result: Validation) -> dict[str, Any]:
    """``{"ok", "findings", "summary"}``, as SPEC section 7 says."""
    events = _events(result.windows, result.findings)
    return {
        "ok": result.ok,
        "findings": [
            finding_json(f, result.team, result.rotation, events) for f in result.findings
        ],
        "summary": _summary_json(result.summary),
    }


def _verdict(result: Validation, name: str) -> str:
    summary = result.summary
    errors, warnings = summary.by_severity["error"], summary.by_severity["warning"]
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    ratio = f"{summary.staffing_ratio:.0%} of window time at ideal staffing"
    status = "OK" if result.ok else "FAIL"
    return f"{status}: {name}: {counts} ({summary.windows} windows checked, {ratio})"


_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[2m"}
_RESET = "\033[0m"


_ELSEWHERE = (
    ("Rest between shifts", frozenset({Code.REST_VIOLATION})),
    ("Outside the windows", frozenset(Code) - {Code.REST_VIOLATION}),
)
"""Findings that overlap no window, under a heading that says what they are."""


def validation_text(result: Validation, *, name: str, colour: bool = False) -> str:
    """A verdict line, then the findings grouped by window in local time, errors first."""
    zone = result.team.zone
    windows, rotation, findings = result.windows, result.rotation, result.findings
    events = _events(windows, findings)
    lines = [_verdict(result, name)]
    grouped: dict[int, list[Finding]] = {}
    elsewhere: list[Finding] = []
    ends = [w.end for w in windows]  # windows are sorted and apart: so are their ends
    for finding in findings:
        index = bisect_right(ends, finding.start)  # the first window that ends after it starts
        if index < len(windows) and windows[index].start < finding.end:
            grouped.setdefault(index, []).append(finding)
        else:
            elsewhere.append(finding)

    def show(finding: Finding) -> str:
        origin = locate(finding, rotation, events)
        where = f" ({origin.file}:{origin.line})" if origin and origin.line else ""
        label = f"{finding.severity} {finding.code}"
        if colour:
            label = f"{_COLOURS[finding.severity]}{label}{_RESET}"
        return f"  {label}{where}: {finding.message}"

    for index, window_findings in sorted(grouped.items()):
        window = windows[index]
        titles = ", ".join(dict.fromkeys(e.title for e in window.events))
        lines += ["", f"{format_span(window.start, window.end, zone)}  {titles}"]
        lines += [show(f) for f in sorted(window_findings, key=lambda f: f.severity.rank)]
    for heading, codes in _ELSEWHERE:
        found = [f for f in elsewhere if f.code in codes]
        if found:
            lines += ["", heading]
            lines += [show(f) for f in sorted(found, key=lambda f: f.severity.rank)]
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


_ACTIVE: Final = re.compile(r"@|://|\bwww\.|#\d|\bmailto:", re.IGNORECASE)
"""What GitHub would turn into a mention, a link or a reference to an issue."""
_JOINER: Final = "\u2060"
"""WORD JOINER: invisible, and breaks a mention or link where it is put."""


def _inert(text: str) -> str:
    """Plain text (an annotation) with mentions and links broken by an invisible joiner."""
    return _ACTIVE.sub(lambda match: match[0][0] + _JOINER + match[0][1:], text)


def validation_github(result: Validation) -> str:
    """One GitHub Actions workflow command per finding, placed at its file and line.

    Mentions (``@team``), links and issue references in the messages (which quote files
    anyone can edit) are broken by an invisible joiner, so that they ping nobody.
    """
    events = _events(result.windows, result.findings)
    lines = []
    for finding in result.findings:
        properties = []
        origin = locate(finding, result.rotation, events)
        if origin is not None and origin.file is not None:
            properties.append(f"file={_escape_property(origin.file)}")
            if origin.line is not None:
                properties.append(f"line={origin.line}")
        properties.append(f"title={_escape_property(f'oncall {finding.code}')}")
        command = _COMMANDS[finding.severity]
        message = _escape_data(_inert(finding.message))
        lines.append(f"::{command} {','.join(properties)}::{message}")
    return "".join(line + "\n" for line in lines)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell, and inert: it came from a file.

    Table syntax, HTML and entities are escaped, and so are the brackets of links and
    images; a word that GitHub would turn into a mention (``@team``), a link
    (``https://...``, ``www.``, an email address) or an issue reference (``#12``) is
    shown as code, where it stays text.
    """
    return " ".join(_code(word) if _ACTIVE.search(word) else _word(word) for word in text.split())


def _word(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("`", "\\`")
    )


def _code(text: str) -> str:
    """``text`` as a Markdown code span, inside a table cell."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return fence + padded.replace("|", "\\|") + fence


_ICONS = {Severity.ERROR: "❌ error", Severity.WARNING: "⚠️ warning", Severity.INFO: "🛈 info"}


def validation_markdown(result: Validation, *, name: str, now: datetime, upcoming: int = 20) -> str:
    """A verdict, a table of findings and a table of the next windows with who is on call."""
    team, rotation, windows, findings = (
        result.team,
        result.rotation,
        result.windows,
        result.findings,
    )
    zone = team.zone
    events = _events(windows, findings)
    passed = result.ok
    icon = "✅" if passed else "❌"
    lines = [f"### {icon} oncall: {_code(name)} {'passes' if passed else 'fails'}", ""]
    lines.append(_cell(_verdict(result, name)))
    lines.append("")
    if findings:
        lines += ["| | code | when | who | what |", "| --- | --- | --- | --- | --- |"]
        for finding in findings:
            origin = locate(finding, rotation, events)
            code = f"`{finding.code}`"
            if origin is not None and origin.line is not None:
                code += f" ({_cell(origin.file or '')}:{origin.line})"
            lines.append(
                f"| {_ICONS[finding.severity]} | {code} | "
                f"{_cell(format_span(finding.start, finding.end, zone))} | "
                f"{_cell(people_names(team, finding.people) or 'nobody')} | "
                f"{_cell(finding.message)} |"
            )
        lines.append("")
    coming = [w for w in windows if w.end > now][:upcoming]
    lines.append(f"#### Upcoming windows (times in {team.timezone})")
    lines.append("")
    if not coming:
        lines.append("No upcoming windows.")
    else:
        lines += ["| window | events | on call |", "| --- | --- | --- |"]
        for window in coming:
            people: dict[str, None] = {}
            for shift in rotation.overlapping(window.start, window.end):
                people.update(dict.fromkeys(shift.people))
            titles = ", ".join(dict.fromkeys(e.title for e in window.events))
            who = people_names(team, list(people)) if people else "**nobody**"
            lines.append(
                f"| {_cell(format_span(window.start, window.end, zone))} | {_cell(titles)} | "
                f"{_cell(who) if people else who} |"
            )
    return "\n".join(lines) + "\n"
