"""Shared fixtures: Sphinx's testing fixtures, with our tiny projects under roots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def shown_type(subtype: str) -> str:
    """The ``[vcr.subtype]`` suffix as a regex: Sphinx shows warning types since 8.0."""
    import sphinx

    return rf" \[vcr\.{subtype}\]" if sphinx.version_info >= (8,) else ""


def copy_root(name: str, tmp_path: Path) -> Path:
    """A writable copy of ``roots/test-<name>`` at ``tmp_path/src``."""
    import shutil

    src = tmp_path / "src"
    shutil.copytree(ROOTS / f"test-{name}", src)
    return src
