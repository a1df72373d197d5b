"""A release is real: the archives build and pass twine, and every install line works.

Follows docs/how-to/release.md's build and check steps on the repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import oncall

from .conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REPOSITORY = PROJECT["urls"]["Repository"]
TAG = f"v{oncall.__version__}"


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``python -m build`` of the repository: the wheel and the sdist (``twine check``ed)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return wheel, sdist


def _unwanted(name: str) -> bool:
    parts = name.split("/")
    return any(
        p in {"tests", "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", ".venv"}
        or p.endswith((".pyc", ".pyo", ".so", ".pyd"))  # a compiled build's, left in the tree
        for p in parts
    )


def test_the_wheel(archives: tuple[Path, Path]) -> None:
    wheel, _ = archives
    assert wheel.name == f"oncall_coverage-{oncall.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "oncall/py.typed" in names
    assert "oncall/export/ics.py" in names
    assert [n for n in names if _unwanted(n)] == []
    assert {n.split("/")[0] for n in names} == {
        "oncall",
        f"oncall_coverage-{oncall.__version__}.dist-info",
    }
    metadata = zipfile.ZipFile(wheel).read(
        f"oncall_coverage-{oncall.__version__}.dist-info/METADATA"
    )
    assert f"Project-URL: Repository, {REPOSITORY}".encode() in metadata
    assert b"oncall = oncall.cli:command" in zipfile.ZipFile(wheel).read(
        f"oncall_coverage-{oncall.__version__}.dist-info/entry_points.txt"
    )


def test_the_sdist(archives: tuple[Path, Path]) -> None:
    _, sdist = archives
    top = f"oncall_coverage-{oncall.__version__}"
    with tarfile.open(sdist) as archive:
        names = [n.removeprefix(top + "/") for n in archive.getnames()]
    assert "src/oncall/py.typed" in names
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "PKG-INFO"} <= set(names)
    assert [n for n in names if _unwanted(n)] == []
    assert not [n for n in names if n.startswith(("docs/", "benchmarks/", ".ci/"))]


INSTALL_FILES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    ROOT / "examples" / "ci" / "github-actions.yml",
    ROOT / ".pre-commit-hooks.yaml",
]


def test_every_install_line_works_today() -> None:
    """No index has oncall-coverage yet: install lines name the repository at this tag."""
    found = 0
    for path in INSTALL_FILES:
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        bare = r"pip install\s+[\"']?oncall(-coverage)?(?![\w-])(?!(\[[\w,]+\])?\s*(@|==))"
        assert not re.search(bare, text), where
        for url, tag in re.findall(r"git\+(https://\S+?)@(v[\w.]+)", text):
            assert (url, tag) == (REPOSITORY, TAG), where
            found += 1
        for url, tag in re.findall(r"repo: (\S+)\s+(?:#\s*)?rev: (\S+)", text):
            assert (url, tag) == (REPOSITORY, TAG), where
            found += 1
    assert found >= 6


def test_the_release_workflow_publishes_with_trusted_publishing() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in str(step) for step in publish["steps"])
    build = "\n".join(str(step.get("run", "")) for step in workflow["jobs"]["build"]["steps"])
    assert "python -m build" in build
    assert "twine check --strict dist/*" in build
    assert '"v$version" = "$GITHUB_REF_NAME"' in build
    # The compiled wheels: built with the mypyc hook, their reader tested compiled, published.
    wheels = workflow["jobs"]["wheels"]["steps"][1]
    assert wheels["uses"].startswith("pypa/cibuildwheel@")
    assert wheels["env"]["CIBW_ENVIRONMENT"] == "HATCH_BUILD_HOOKS_ENABLE=1"
    assert wheels["env"]["CIBW_TEST_ENVIRONMENT"] == "ONCALL_EXPECT_COMPILED=1"
    assert "tests/test_compiled.py" in wheels["env"]["CIBW_TEST_COMMAND"]
    assert "src/oncall" in wheels["env"]["CIBW_BEFORE_BUILD"]  # no Python's modules in another's
    assert set(publish["needs"]) == {"build", "wheels"}


def test_the_mypyc_hook_compiles_the_line_reader_only_when_asked() -> None:
    # An editable install and the sdist are pure Python; .ci/compiled and the release's
    # wheels turn the hook on (tests/test_compiled.py checks both sides).
    hook = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]
    mypyc = hook["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    assert mypyc["enable-by-default"] is False
    assert mypyc["include"] == ["src/oncall/simpleyaml.py"]
    assert "HATCH_BUILD_HOOKS_ENABLE=1" in (ROOT / ".ci" / "compiled").read_text(encoding="utf-8")


def test_the_version_policy() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", oncall.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert "Semantic Versioning" in (ROOT / "docs" / "how-to" / "release.md").read_text(
        encoding="utf-8"
    )
