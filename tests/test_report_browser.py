"""The report's HTML page in a real browser: Debian's chromium, driven by Playwright.

`.ci/run` installs chromium; elsewhere these tests skip, saying why.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, installed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEAM = EXAMPLES / "travel-pay" / "team.yaml"
ROTATION = EXAMPLES / "travel-pay" / "rotation.yaml"
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "report.png"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (.ci/run installs it)"
)


@pytest.fixture
def html(tmp_path: Path) -> str:
    out = tmp_path / "report.html"
    relative = [str(f.relative_to(EXAMPLES.parent)) for f in (TEAM, ROTATION)]
    result = installed("report", *relative, "--format", "html", "-o", str(out), cwd=EXAMPLES.parent)
    assert result.returncode == 0, result.stderr
    return out.read_text()


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def _distinct_colours(png: bytes) -> int:
    """How many distinct byte values the image's pixel rows hold (a blank page: very few)."""
    data = b""
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            data += png[position + 8 : position + 8 + length]
        position += 12 + length
    return len(set(zlib.decompress(data)))


def test_the_page_loads_offline_and_shows_everyone(html: str, browser_page: object) -> None:
    page = browser_page  # a playwright Page
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    page.set_content(html, wait_until="load")  # type: ignore[attr-defined]
    assert errors == []
    assert requests == []
    text = page.inner_text("body")  # type: ignore[attr-defined]
    people = {"apark": "Ada Park", "bortiz": "Ben Ortiz", "cobi": "Chidi Obi", "dlee": "Dana Lee"}
    shifts = {"apark": 4, "bortiz": 5, "cobi": 5, "dlee": 4}
    for person, name in people.items():
        assert name in text  # in the table
        assert page.locator("svg text", has_text=name).count() == 1  # type: ignore[attr-defined]
        row = page.locator(f"svg [data-ref=p-{person}]")  # type: ignore[attr-defined]
        assert row.count() == shifts[person]
    windows = page.locator("tr[id^=w]")  # type: ignore[attr-defined]
    assert windows.count() == 9
    bands = page.locator("svg [data-ref^=w]")  # type: ignore[attr-defined]
    assert bands.count() >= 9

    # Hovering over the first window shows its event's title in the tooltip.
    tip = page.locator("#tip")  # type: ignore[attr-defined]
    assert tip.is_hidden()
    bands.first.hover()
    assert tip.is_visible()
    assert "Travel Pay API deployment" in tip.inner_text()

    shot = page.screenshot(full_page=True)  # type: ignore[attr-defined]
    assert _distinct_colours(shot) > 20
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 760})  # type: ignore[attr-defined]
    if not SCREENSHOT.exists():  # the docs' screenshot: refresh it by deleting it
        page.mouse.move(0, 0)  # type: ignore[attr-defined]
        page.screenshot(path=str(SCREENSHOT))  # type: ignore[attr-defined]


def test_a_shift_tells_whose_it_is_on_focus(html: str, browser_page: object) -> None:
    page = browser_page
    page.set_content(html, wait_until="load")  # type: ignore[attr-defined]
    page.locator("svg [data-ref=p-dlee]").first.focus()  # type: ignore[attr-defined]
    assert "Dana Lee on call" in page.locator("#tip").inner_text()  # type: ignore[attr-defined]


def test_dark_mode_keeps_the_page_readable(html: str, browser_page: object) -> None:
    page = browser_page
    page.emulate_media(color_scheme="dark")  # type: ignore[attr-defined]
    page.set_content(html, wait_until="load")  # type: ignore[attr-defined]
    colours = page.evaluate(  # type: ignore[attr-defined]
        "() => [getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(238, 238, 238)", "rgb(18, 18, 18)"]


def test_a_click_pins_the_tooltip_and_shows_the_windows_row(
    html: str, browser_page: object
) -> None:
    page = browser_page
    page.set_content(html, wait_until="load")  # type: ignore[attr-defined]
    band = page.locator("svg [data-ref=w9]").first  # type: ignore[attr-defined]
    band.click()
    page.mouse.move(5, 5)  # type: ignore[attr-defined]
    tip = page.locator("#tip")  # type: ignore[attr-defined]
    assert tip.is_visible()  # pinned: it stays when the pointer leaves
    assert "Thu 2027-01-28 19:00-23:00 EST" in tip.inner_text()
    in_view = page.evaluate(  # type: ignore[attr-defined]
        "() => { const r = document.getElementById('w9').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert in_view  # the click scrolled the window's row into view
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    assert tip.is_hidden()
