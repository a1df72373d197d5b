"""The public API is stable: every name in ``oncall.__all__`` imports and is documented."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import oncall
from tests.conftest import ROOT

API_PAGE = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
DIRECTIVES = set(re.findall(r"^::: ([\w.]+)", API_PAGE, re.MULTILINE))
MEMBERS = set(re.findall(r"^        - (\w+)$", API_PAGE, re.MULTILINE))
NAMES = [name for name in oncall.__all__ if name != "__version__"]


@pytest.mark.parametrize("name", NAMES)
def test_every_public_name_imports_and_is_documented(name: str) -> None:
    value = getattr(oncall, name)
    assert value is getattr(importlib.import_module(value.__module__), name)
    assert inspect.getdoc(value), f"{name} has no docstring"
    module = value.__module__
    assert name in MEMBERS or f"{module}.{name}" in DIRECTIVES or module in DIRECTIVES, (
        f"{name} is not in docs/reference/api.md"
    )


def test_the_lazy_names_are_the_public_names() -> None:
    assert sorted(oncall._LAZY) == sorted(NAMES)
    assert oncall.__version__
