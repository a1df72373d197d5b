"""A review drawn: the timeline as SVG, and one self-contained HTML page around it.

The page needs nothing from the network (its CSS, SVG and few lines of script are
inline), reads in dark mode and on paper, and does not speak by colour alone: each
staffing level also has its own pattern and its count written on it, every shape has a
text alternative (an SVG ``title``, and the tooltip that hovering, clicking or focusing
shows), and the tables beneath say everything the picture shows.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape

from oncall.checker import people_names
from oncall.intervals import overlap
from oncall.models import Code, Finding, Shift, Team, TimeOff, Window
from oncall.review import (
    PEOPLE_COLUMNS,
    PersonLoad,
    Review,
    Staffing,
    WindowStaffing,
    people_rows,
    score_terms,
)
from oncall.timeutil import format_span, local_date, start_of_day, to_local

__all__ = ["page", "timeline_svg"]

_LABEL = 150
"""The width of the column of row names."""
_AXIS = 34
_ROW = 26
_BAND = 34
_PAD = 8
_MIN_WIDTH = 4
"""Shorter shapes are widened to this, so that they can be seen and pointed at."""

_STYLE = """
.tl { --ideal: #2e7d32; --short: #f9a825; --uncovered: #c62828; --shift: #1565c0;
  --conflict: #6a1b9a; --ink: #1b1b1b; --muted: #666; --grid: #d7d7d7; --weekend: #f1f1f1;
  --holiday: #ffe0b2; --away: #cfd8dc; --paper: #fff; font: 12px system-ui, sans-serif; }
@media (prefers-color-scheme: dark) {
  .tl { --ideal: #66bb6a; --short: #ffd54f; --uncovered: #ef5350; --shift: #64b5f6;
    --conflict: #ce93d8; --ink: #eee; --muted: #aaa; --grid: #444; --weekend: #262626;
    --holiday: #5d4037; --away: #37474f; --paper: #121212; }
}
@media print { .tl { --paper: #fff; --ink: #000; --weekend: #eee; --grid: #bbb; } }
.tl .paper { fill: var(--paper); }
.tl text { fill: var(--ink); }
.tl .muted { fill: var(--muted); }
.tl .grid { stroke: var(--grid); stroke-width: 1; }
.tl .weekend { fill: var(--weekend); }
.tl .holiday { fill: var(--holiday); }
.tl .away { fill: var(--away); }
.tl .ideal { fill: var(--ideal); }
.tl .short { fill: var(--short); }
.tl .uncovered { fill: var(--uncovered); }
.tl .shift { fill: var(--shift); }
.tl .conflict { fill: var(--conflict); }
.tl .count { fill: #000; font-weight: 600; }
.tl .hatch line { stroke: #000; stroke-opacity: .45; stroke-width: 1.5; }
.tl [data-tip] { cursor: pointer; }
.tl [data-tip]:focus { outline: 2px solid var(--ink); }
"""


def _levels(team: Team, count: int) -> str:
    policy = team.policy
    if count < policy.min_staff:
        return "uncovered"
    if count < policy.ideal_staff:
        return "short"
    return "ideal"


_LEVEL_TEXT = {
    "ideal": "ideal staffing",
    "short": "below ideal_staff",
    "uncovered": "below min_staff (uncovered)",
}


class _Scale:
    def __init__(self, start: datetime, end: datetime, width: float) -> None:
        self.start = start
        self.span = max((end - start).total_seconds(), 1.0)
        self.width = width

    def x(self, instant: datetime) -> float:
        return _LABEL + (instant - self.start).total_seconds() / self.span * self.width

    def box(self, start: datetime, end: datetime) -> tuple[float, float]:
        left, right = self.x(start), self.x(end)
        if right - left < _MIN_WIDTH:
            middle = (left + right) / 2
            left, right = middle - _MIN_WIDTH / 2, middle + _MIN_WIDTH / 2
        return round(left, 1), round(right - left, 1)


def _event_lines(team: Team, window: Window) -> list[str]:
    zone = team.zone
    return [
        f"{e.title} ({e.kind}, {e.risk}) {format_span(e.start, e.end, zone, date_too=False)}"
        for e in window.events
    ]


def _finding_lines(findings: Sequence[Finding]) -> list[str]:
    return [f"{f.severity} {f.code}: {f.message}" for f in findings]


def _step_tip(result: Review, staffing: WindowStaffing, step: Staffing) -> str:
    team = result.team
    count = len(step.people)
    who = people_names(team, step.people) if step.people else "nobody"
    lines = [
        format_span(step.start, step.end, team.zone),
        f"{count} on call ({_LEVEL_TEXT[_levels(team, count)]}, ideal "
        f"{team.policy.ideal_staff}): {who}",
        "Events:",
        *("  " + line for line in _event_lines(team, staffing.window)),
    ]
    if staffing.findings:
        lines += ["Findings:", *("  " + line for line in _finding_lines(staffing.findings))]
    return "\n".join(lines)


def _attr(text: str) -> str:
    return escape(text, quote=True).replace("\n", "&#10;")


def _shape(box: tuple[float, float, float, float], css: str, tip: str, ref: str) -> str:
    """A focusable shape with its text alternative; ``ref`` is the id of its table row."""
    x, y, width, height = box
    return (
        f'<g tabindex="0" role="img" aria-label="{_attr(tip)}" data-tip="{_attr(tip)}" '
        f'data-ref="{ref}"><title>{escape(tip)}</title>'
        f'<rect class="{css}" x="{x}" y="{y}" width="{width}" height="{height}" rx="2"/></g>'
    )


def _days(start: datetime, end: datetime, team: Team) -> list[tuple[datetime, datetime]]:
    zone = team.zone
    day = local_date(start, zone)
    days = []
    while True:
        begin = start_of_day(day, zone)
        if begin >= end:
            break
        days.append((begin, start_of_day(day + timedelta(days=1), zone)))
        day += timedelta(days=1)
    return days


def _grid(result: Review, scale: _Scale, top: float, bottom: float) -> list[str]:
    """Weekends shaded (in the team's zone), a dated line at each Monday (or each day)."""
    zone = result.team.zone
    days = _days(result.start, result.end, result.team)
    per_day = scale.width / max(len(days), 1)
    # A label needs about 80 pixels: every day, or every Monday, or every n-th Monday.
    weeks = math.ceil(80 / (7 * per_day))
    every = 1 if per_day >= 80 else 7 * weeks
    out = []
    mondays = 0
    for begin, finish in days:
        local = to_local(begin, zone)
        left, span = scale.box(begin, finish)
        if local.weekday() >= 5:
            out.append(
                f'<rect class="weekend" x="{left}" y="{top}" width="{span}" '
                f'height="{bottom - top}"/>'
            )
        if local.weekday() == 0:
            mondays += 1
        if every == 1 or (local.weekday() == 0 and mondays % weeks == 1 % weeks):
            out.append(f'<line class="grid" x1="{left}" y1="{top - 6}" x2="{left}" y2="{bottom}"/>')
            out.append(
                f'<text x="{left + 2}" y="{top - 10}" class="muted">'
                f"{local.strftime('%a %b %d').replace(' 0', ' ')}</text>"
            )
    out.append(f'<text x="4" y="{top - 10}" class="muted">{escape(result.team.timezone)}</text>')
    return out


def _window_bands(result: Review, scale: _Scale, top: float) -> list[str]:
    """One band a window, split where its staffing changes, with the count written on it."""
    team = result.team
    out = [f'<text x="4" y="{top + _BAND / 2 + 4}">Windows</text>']
    for index, staffing in enumerate(result.windows):
        for step in staffing.steps:
            level = _levels(team, len(step.people))
            left, span = scale.box(step.start, step.end)
            tip = _step_tip(result, staffing, step)
            out.append(_shape((left, top, span, _BAND), level, tip, f"w{index + 1}"))
            if level != "ideal":
                out.append(
                    f'<rect x="{left}" y="{top}" width="{span}" height="{_BAND}" '
                    f'fill="url(#p-{level})" pointer-events="none"/>'
                )
            if span >= 12:
                out.append(
                    f'<text class="count" x="{left + span / 2}" y="{top + _BAND / 2 + 4}" '
                    f'text-anchor="middle" pointer-events="none">{len(step.people)}</text>'
                )
    return out


class _Index:
    """What the rows look up, gathered once.

    Events by id; each person's shifts (with their index in the rotation) and time off;
    the findings about each shift; the windows by end, for shifts that name no events.
    """

    def __init__(self, result: Review) -> None:
        self.events = {e.id: e for w in result.windows for e in w.window.events}
        self.shifts: defaultdict[str, list[tuple[int, Shift]]] = defaultdict(list)
        for number, shift in enumerate(result.rotation.shifts):
            for person in dict.fromkeys(shift.people):
                self.shifts[person].append((number, shift))
        self.time_off: defaultdict[str, list[TimeOff]] = defaultdict(list)
        for off in result.team.time_off:
            self.time_off[off.person].append(off)
        self.findings: defaultdict[int, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            for number in finding.shifts:
                self.findings[number].append(finding)
        self.windows = [w.window for w in result.windows]
        self.window_ends = [w.end for w in self.windows]

    def titles(self, shift: Shift) -> str:
        """The titles of the events the shift names or, naming none, of those it covers."""
        named = [self.events[e].title for e in shift.events if e in self.events]
        if not named:
            index = bisect_right(self.window_ends, shift.start)
            while index < len(self.windows) and self.windows[index].start < shift.end:
                named += [e.title for e in self.windows[index].events]
                index += 1
        return ", ".join(dict.fromkeys(named))


def _person_row(
    result: Review, index: _Index, load: PersonLoad, scale: _Scale, y: float
) -> list[str]:
    """A person's time off, public holidays and shifts on their own row."""
    team = result.team
    zone = team.zone
    person = team.person(load.person)
    assert person is not None  # noqa: S101 - a review lists the team's own people
    out = [f'<text x="4" y="{y + _ROW / 2 + 4}">{escape(person.name)}</text>']
    for off in index.time_off[person.id]:
        if off.end <= result.start or off.start >= result.end:
            continue
        left, span = scale.box(max(off.start, result.start), min(off.end, result.end))
        note = f" ({off.note})" if off.note else ""
        what = f"{person.name} away {format_span(off.start, off.end, zone)}{note}"
        out.append(
            f'<rect class="away" x="{left}" y="{y + 1}" width="{span}" height="{_ROW - 2}">'
            f"<title>{escape(what)}</title></rect>"
        )
    worked = dict(load.on_holidays)
    for day, holiday in load.holidays:
        when = date.fromisoformat(day)
        what = f"{person.name}'s public holiday: {day} {holiday}"
        what += " (on call)" if day in worked else ""
        left, span = scale.box(
            start_of_day(when, person.zone), start_of_day(when + timedelta(days=1), person.zone)
        )
        out.append(
            f'<rect class="holiday" x="{left}" y="{y + 1}" width="{span}" '
            f'height="{_ROW - 2}"><title>{escape(what)}</title></rect>'
        )
    for number, shift in index.shifts[person.id]:
        clipped = overlap((shift.start, shift.end), (result.start, result.end))
        if clipped is None:
            continue
        left, span = scale.box(*clipped)
        titles = index.titles(shift)
        findings = index.findings[number]
        conflict = any(f.code is Code.PTO_CONFLICT and person.id in f.people for f in findings)
        tip = f"{person.name} on call {format_span(shift.start, shift.end, zone)}"
        tip += f"\n{titles}" if titles else ""
        if findings:
            tip += "\nFindings:\n" + "\n".join("  " + line for line in _finding_lines(findings))
        css = "conflict" if conflict else "shift"
        out.append(_shape((left, y + 4, span, _ROW - 8), css, tip, f"p-{person.id}"))
    return out


def _legend(y: float) -> list[str]:
    """Colour, pattern and words for every kind of shape."""
    out = []
    x = float(_LABEL)
    for css, words in (
        *_LEVEL_TEXT.items(),
        ("shift", "a shift"),
        ("conflict", "a shift during time off"),
        ("away", "time off"),
        ("holiday", "a public holiday"),
    ):
        out.append(f'<rect class="{css}" x="{x}" y="{y}" width="18" height="12"/>')
        if css in ("short", "uncovered"):
            out.append(f'<rect x="{x}" y="{y}" width="18" height="12" fill="url(#p-{css})"/>')
        out.append(f'<text x="{x + 22}" y="{y + 10}">{words}</text>')
        x += 32 + 6.5 * len(words)
    return out


def timeline_svg(result: Review, *, standalone: bool = True) -> str:
    """The timeline: the windows' staffing on top, each person's shifts on their own row."""
    team = result.team
    days = (result.end - result.start) / timedelta(days=1)
    width = float(min(max(1080, round(18 * days)), 6000))
    scale = _Scale(result.start, result.end, width)
    top = _AXIS
    bottom = _AXIS + _BAND + _PAD + len(result.people) * _ROW
    height = bottom + 40
    total = _LABEL + width + _PAD
    title = f"On-call timeline of {team.name}"
    desc = (
        f"{len(result.windows)} coverage windows and {len(result.people)} people, "
        f"{result.stretch}; "
        f"windows coloured and patterned by staffing level, times in {team.timezone}."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tl" role="img" '
        f'aria-labelledby="tl-title tl-desc" viewBox="0 0 {total:.0f} {height}" '
        f'width="{total:.0f}" height="{height}">',
        f'<title id="tl-title">{escape(title)}</title><desc id="tl-desc">{escape(desc)}</desc>',
        f"<style>{_STYLE}</style>",
        "<defs>"
        '<pattern id="p-short" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)" class="hatch"><line x1="0" y1="0" x2="0" y2="6"/>'
        "</pattern>"
        '<pattern id="p-uncovered" width="6" height="6" patternUnits="userSpaceOnUse" '
        'class="hatch"><line x1="0" y1="0" x2="6" y2="6"/><line x1="6" y1="0" x2="0" y2="6"/>'
        "</pattern></defs>",
        f'<rect class="paper" x="0" y="0" width="{total:.0f}" height="{height}"/>',
        *_grid(result, scale, top, bottom),
        *_window_bands(result, scale, top),
    ]
    index = _Index(result)
    for row, load in enumerate(result.people):
        out += _person_row(result, index, load, scale, top + _BAND + _PAD + row * _ROW)
    out += _legend(bottom + 14)
    out.append("</svg>")
    svg = "".join(out)
    return svg + "\n" if standalone else svg


_PAGE_STYLE = """
:root { color-scheme: light dark; --ink: #1b1b1b; --paper: #fff; --rule: #ccc; --tip: #222;
  --tipink: #fff; }
@media (prefers-color-scheme: dark) { :root { --ink: #eee; --paper: #121212; --rule: #444;
  --tip: #eee; --tipink: #111; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--paper);
  margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.scroll { overflow-x: auto; border: 1px solid var(--rule); }
table { border-collapse: collapse; margin: .25rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .2rem .6rem; text-align: right;
  vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tr:target { outline: 2px solid var(--ink); }
#tip { position: fixed; max-width: 32rem; background: var(--tip); color: var(--tipink);
  padding: .4rem .6rem; border-radius: 4px; white-space: pre-line; pointer-events: none;
  font-size: 12px; z-index: 10; }
.score { font-size: 1.1rem; }
@media print { body { margin: 0; color: #000; background: #fff; } .scroll { overflow: visible;
  border: 0; } .scroll svg { width: 100%; height: auto; } #tip { display: none; }
  table, figure { break-inside: avoid; } }
"""

_SCRIPT = """
(() => {
  const tip = document.getElementById("tip");
  let pinned = null;
  const show = (el, x, y) => {
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    tip.style.left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = Math.min(y + 12, window.innerHeight - tip.offsetHeight - 8) + "px";
  };
  const hide = () => { if (!pinned) tip.hidden = true; };
  for (const el of document.querySelectorAll("[data-tip]")) {
    el.addEventListener("mouseenter", (e) => { if (!pinned) show(el, e.clientX, e.clientY); });
    el.addEventListener("mouseleave", hide);
    el.addEventListener("focus", () => {
      const box = el.getBoundingClientRect();
      show(el, box.left, box.bottom);
    });
    el.addEventListener("blur", hide);
    el.addEventListener("click", (e) => {
      pinned = pinned === el ? null : el;
      show(el, e.clientX, e.clientY);
      const row = document.getElementById(el.getAttribute("data-ref"));
      if (pinned && row) row.scrollIntoView({block: "nearest"});
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { pinned = null; tip.hidden = true; }
  });
})();
"""


def _cells(row: list[str], *, first_text: bool = True) -> str:
    return "".join(
        f'<td class="text">{escape(c)}</td>' if i == 0 and first_text else f"<td>{escape(c)}</td>"
        for i, c in enumerate(row)
    )


def _head(*columns: str, text: tuple[int, ...] = (0,)) -> str:
    """A table's start and its header row; the columns in ``text`` are aligned left."""
    left = ' class="text"'
    cells = "".join(
        f'<th scope="col"{left if i in text else ""}>{escape(c)}</th>'
        for i, c in enumerate(columns)
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>"


def page(result: Review, *, name: str = "the rotation") -> str:
    """One self-contained HTML page: the timeline, then the score and the tables."""
    team = result.team
    zone = team.zone
    score = result.score
    title = f"On-call report: {team.name}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_PAGE_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(name)}: {result.shift_count} shifts, "
        f"{len(result.windows)} coverage windows, {escape(result.stretch)}. "
        f"Times in {escape(team.timezone)}; "
        "after hours, weekends and holidays in each person's own zone.</p>",
        f'<p class="score"><strong>Score {score.overall * 100:.0f}%</strong> '
        "over the required windows only.</p>",
        '<figure><div class="scroll">',
        timeline_svg(result, standalone=False),
        "</div><figcaption>Point at, click or tab to a window or a shift for its events "
        "and findings; the tables below say the same in words.</figcaption></figure>",
        "<h2>Score</h2>",
        _head("term", "value", "what it measures", text=(0, 2)),
    ]
    parts += [
        f"<tr><td>{key}</td><td>{value * 100:.0f}%</td><td class='text'>{escape(what)}</td></tr>"
        for key, what, value in score_terms(score)
    ]
    parts.append("</tbody></table>")
    if score.overloaded:
        parts.append(
            "<p>Overloaded (window hours over 120% of the mean): "
            f"{escape(people_names(team, score.overloaded))}</p>"
        )
    parts += ["<h2>People</h2>", _head(*PEOPLE_COLUMNS)]
    for load, row in zip(result.people, people_rows(result), strict=True):
        parts.append(f'<tr id="p-{escape(load.person)}">{_cells(row)}</tr>')
    parts.append("</tbody></table>")
    parts += [
        "<h2>Windows</h2>",
        _head("window", "min_staff", "ideal_staff", "lowest", "events", "findings", text=(0, 4, 5)),
    ]
    for index, staffing in enumerate(result.windows):
        window = staffing.window
        duration = window.duration
        parts.append(
            f'<tr id="w{index + 1}"><td class="text">'
            f"{escape(format_span(window.start, window.end, zone))}</td>"
            f"<td>{staffing.min_time / duration * 100:.0f}%</td>"
            f"<td>{staffing.ideal_time / duration * 100:.0f}%</td><td>{staffing.lowest}</td>"
            f'<td class="text">{"<br>".join(escape(e) for e in _event_lines(team, window))}</td>'
            f'<td class="text">'
            f"{'<br>'.join(escape(f) for f in _finding_lines(staffing.findings)) or 'none'}"
            "</td></tr>"
        )
    parts.append("</tbody></table>")
    if result.pairings:
        parts += ["<h2>Pairings</h2>", _head("people", "shifts", "time")]
        parts += [
            f"<tr>{_cells([people_names(team, [a, b]), str(n), f'{t / timedelta(hours=1):g}h'])}"
            "</tr>"
            for a, b, n, t in result.pairings
        ]
        parts.append("</tbody></table>")
    parts.append(f'<div id="tip" role="tooltip" hidden></div><script>{_SCRIPT}</script>')
    parts.append("</body></html>\n")
    return "\n".join(parts)
