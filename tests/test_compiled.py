"""The compiled line reader: built by mypyc for a release's wheels, pure Python elsewhere.

``oncall.simpleyaml`` is compiled when the wheel is built with the mypyc hook
(``HATCH_BUILD_HOOKS_ENABLE=1``: see docs/how-to/release.md). `.ci/run` builds such a wheel,
installs it in a virtual environment of its own and runs the reader's tests there with
``ONCALL_EXPECT_COMPILED=1``: the same differential properties against libyaml, on the
compiled code. Everywhere else (an editable install, the sdist) the module must be the
pure Python one, or an edit to it would silently not run.
"""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path

import pytest

from oncall import simpleyaml

from .conftest import ROOT

COMPILED = simpleyaml.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
"""Whether the line reader in use is an extension module (mypyc's), not Python source."""


def test_the_line_reader_is_compiled_where_it_is_expected_to_be() -> None:
    expected = os.environ.get("ONCALL_EXPECT_COMPILED") == "1"
    assert expected == COMPILED, simpleyaml.__file__


def test_no_compiled_module_hides_the_sources_of_an_editable_install() -> None:
    # A wheel built in place leaves `*.so` next to the `.py` files, and Python imports the
    # `.so`: an editable install would then run yesterday's reader, whatever the edits.
    source = ROOT / "src" / "oncall"
    if not Path(simpleyaml.__file__).resolve().is_relative_to(source):
        pytest.skip("oncall is installed from a wheel here, not from the repository")
    stray = [
        p.name
        for p in source.rglob("*")
        if any(p.name.endswith(s) for s in importlib.machinery.EXTENSION_SUFFIXES)
    ]
    assert stray == [], "remove them (they come from a build in place): " + ", ".join(stray)
